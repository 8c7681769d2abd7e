// COBA's neuron update written by hand in AssemblyScript with f32x4 (the same float32 operations, in
// the same order, as the kernel src/equations generates for examples/coba.json), with its scalars in
// one block; `nodiv` multiplies by reciprocals instead of dividing. For bench/coba-kernel.mjs: how fast
// V8 runs this update at best, beside the generated kernel. Not part of the engine.
export function coba(n: i32, pv: usize, pr: usize, pge: usize, pgi: usize, pine: usize, pini: usize, sc: usize, spikes: usize): i32 {
  return update(n, pv, pr, pge, pgi, pine, pini, sc, spikes, false);
}

/** the same with Cm, taue and taui given as reciprocals: three multiplications instead of divisions */
export function coba_nodiv(n: i32, pv: usize, pr: usize, pge: usize, pgi: usize, pine: usize, pini: usize, sc: usize, spikes: usize): i32 {
  return update(n, pv, pr, pge, pgi, pine, pini, sc, spikes, true);
}

// @ts-ignore: decorator
@inline function update(n: i32, pv: usize, pr: usize, pge: usize, pgi: usize, pine: usize, pini: usize, sc: usize, spikes: usize, nodiv: bool): i32 {
  const dt = f32x4.splat(load<f32>(sc, 0));
  const gl = f32x4.splat(load<f32>(sc, 4));
  const El = f32x4.splat(load<f32>(sc, 8));
  const Ee = f32x4.splat(load<f32>(sc, 12));
  const Ei = f32x4.splat(load<f32>(sc, 16));
  const Cm = f32x4.splat(load<f32>(sc, 20));
  const Vt = f32x4.splat(load<f32>(sc, 24));
  const Vr = f32x4.splat(load<f32>(sc, 28));
  const taue = f32x4.splat(load<f32>(sc, 32));
  const taui = f32x4.splat(load<f32>(sc, 36));
  const R = f32x4.splat(load<f32>(sc, 40));
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let count = 0;
  for (let i = 0; i < n; i += 4) {
    const o = <usize>(i << 2);
    const v = v128.load(pv + o);
    const r = v128.load(pr + o);
    const ge = v128.load(pge + o);
    const gi = v128.load(pgi + o);
    const ine = v128.load(pine + o);
    const ini = v128.load(pini + o);
    const t0 = v128.bitselect(f32x4.sub(r, one), zero, f32x4.gt(r, zero));
    const c1 = f32x4.le(t0, zero);
    const sum = f32x4.add(f32x4.add(f32x4.mul(gl, f32x4.sub(El, v)), f32x4.mul(ge, f32x4.sub(Ee, v))), f32x4.mul(gi, f32x4.sub(Ei, v)));
    const d = nodiv ? f32x4.mul(sum, Cm) : f32x4.div(sum, Cm);
    const t2 = v128.bitselect(f32x4.add(v, f32x4.mul(dt, d)), v, c1);
    const c3 = v128.and(f32x4.gt(t2, Vt), c1);
    const t4 = v128.bitselect(Vr, t2, c3);
    const t5 = f32x4.add(f32x4.add(ge, f32x4.mul(dt, nodiv ? f32x4.mul(f32x4.neg(ge), taue) : f32x4.div(f32x4.neg(ge), taue))), ine);
    const t6 = f32x4.add(f32x4.add(gi, f32x4.mul(dt, nodiv ? f32x4.mul(f32x4.neg(gi), taui) : f32x4.div(f32x4.neg(gi), taui))), ini);
    const t7 = v128.bitselect(R, t0, c3);
    let m = i32x4.bitmask(c3);
    while (m) { store<i32>(spikes + (<usize>count << 2), i + ctz(m)); count++; m &= m - 1; }
    v128.store(pv + o, t4);
    v128.store(pge + o, t5);
    v128.store(pgi + o, t6);
    v128.store(pr + o, t7);
    v128.store(pine + o, zero);
    v128.store(pini + o, zero);
  }
  return count;
}
