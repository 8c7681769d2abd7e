// Izhikevich (2003) neurons. Mirrored function for function by src/backend/js/izhikevich.ts.
//
//   v' = 0.04 v^2 + 5 v + 140 - u + I,   u' = a (b v - u);   if v >= v_peak: v = c, u = u + d
//
// Float order (float32, no FMA, every operation rounded; 0.04 means f32(0.04)):
//   f(v, u, I) = t where  t = v*v; t = t*0.04; t = t + v*5; t = t + 140; t = t - u; t = t + I
//   g(v, u)    = w where  w = b*v; w = w - u; w = w*a
//   input      delta: I = bias + in            exp: I = ie + ii; I = I + bias   (old ie, ii)
//   scheme IZH_SCHEME_2003 (the paper's Matlab code, dt = 1 ms; dt is not used):
//              v = v + 0.5*f(v,u,I); v = v + 0.5*f(v,u,I); u = u + g(v,u)   (g with the new v)
//   scheme IZH_SCHEME_EULER (forward Euler, both derivatives at the old state):
//              dv = f(v,u,I); du = g(v,u); v = v + dv*dt; u = u + du*dt
//   spike      if v >= v_peak: v = c; u = u + d; spikes[count++] = i
//   exp        ie = ie*P11e + inE; ii = ii*P11i + inI; inE = inI = 0      delta: in = 0
// The SIMD path (groups of 4 neurons, two groups per iteration while 8 remain; homogeneous or
// heterogeneous parameters) performs the same IEEE float32 operations lane-wise, so it gives the
// same bits as the scalar tail and as JS.

import { IZH_A, IZH_B, IZH_C, IZH_D, IZH_VPEAK, IZH_P11E, IZH_P11I, IZH_NPARAMS, IZH_SCHEME_2003 } from "./layout";
import { inBounds } from "./util";

const K004: f32 = 0.04;
const K5: f32 = 5.0;
const K140: f32 = 140.0;
const HALF: f32 = 0.5;

/** f(v, u, I) in the documented order. */
// @ts-ignore: decorator
@inline function dvdt(x: f32, w: f32, I: f32): f32 {
  let t: f32 = x * x;
  t = t * K004;
  t = t + x * K5;
  t = t + K140;
  t = t - w;
  return t + I;
}

/** g(v, u) = a (b v - u) in the documented order. */
// @ts-ignore: decorator
@inline function dudt(x: f32, w: f32, a: f32, b: f32): f32 {
  let g: f32 = b * x;
  g = g - w;
  return g * a;
}

// @ts-ignore: decorator
@inline function dvdt4(x: v128, w: v128, I: v128): v128 {
  let t = f32x4.mul(x, x);
  t = f32x4.mul(t, f32x4.splat(K004));
  t = f32x4.add(t, f32x4.mul(x, f32x4.splat(K5)));
  t = f32x4.add(t, f32x4.splat(K140));
  t = f32x4.sub(t, w);
  return f32x4.add(t, I);
}

// @ts-ignore: decorator
@inline function dudt4(x: v128, w: v128, a: v128, b: v128): v128 {
  let g = f32x4.mul(b, x);
  g = f32x4.sub(g, w);
  return f32x4.mul(g, a);
}

/** Parameter row k: hetero ? 4 lanes of neurons i..i+3 : the population's value in every lane. */
// @ts-ignore: decorator
@inline function prow4(row: usize, o: usize, hetero: bool): v128 {
  return hetero ? v128.load(row + o) : v128.load32_splat(row);
}

/**
 * Neurons i..i+3 of izhCore's SIMD path (see there); spikes appended in ascending order from
 * spikes[count]; returns the new count. Two calls per loop iteration give the CPU two independent
 * dependency chains.
 */
// @ts-ignore: decorator
@inline function izhGroup4(
  i: i32, count: i32, v: usize, u: usize, ie: usize, ii: usize, bias: usize, inE: usize, inI: usize,
  pA: usize, pB: usize, pC: usize, pD: usize, pPeak: usize, p11e: usize, p11i: usize, het: bool,
  s2003: bool, zero: v128, half: v128, vdt: v128, spikes: usize, exp: bool,
): i32 {
  const o = <usize>i << 2;
  let x = v128.load(v + o);
  let w = v128.load(u + o);
  const A = prow4(pA, o, het);
  const B = prow4(pB, o, het);
  let I: v128;
  let e: v128 = zero;
  let h: v128 = zero;
  if (exp) {
    e = v128.load(ie + o);
    h = v128.load(ii + o);
    I = f32x4.add(f32x4.add(e, h), v128.load(bias + o));
  } else {
    I = f32x4.add(v128.load(bias + o), v128.load(inE + o));
  }
  if (s2003) {
    x = f32x4.add(x, f32x4.mul(half, dvdt4(x, w, I)));
    x = f32x4.add(x, f32x4.mul(half, dvdt4(x, w, I)));
    w = f32x4.add(w, dudt4(x, w, A, B));
  } else {
    const dv = dvdt4(x, w, I);
    const du = dudt4(x, w, A, B);
    x = f32x4.add(x, f32x4.mul(dv, vdt));
    w = f32x4.add(w, f32x4.mul(du, vdt));
  }
  if (exp) {
    v128.store(ie + o, f32x4.add(f32x4.mul(e, prow4(p11e, o, het)), v128.load(inE + o)));
    v128.store(ii + o, f32x4.add(f32x4.mul(h, prow4(p11i, o, het)), v128.load(inI + o)));
    v128.store(inI + o, zero);
  }
  v128.store(inE + o, zero);
  const spk = f32x4.ge(x, prow4(pPeak, o, het));
  let m = i32x4.bitmask(spk);
  if (m != 0) {
    x = v128.bitselect(prow4(pC, o, het), x, spk);
    w = v128.bitselect(f32x4.add(w, prow4(pD, o, het)), w, spk);
    // lanes of the bitmask in ascending order -> ascending neuron indices
    while (m != 0) {
      store<i32>(spikes + (<usize>count << 2), i + ctz<i32>(m));
      count++;
      m &= m - 1;
    }
  }
  v128.store(v + o, x);
  v128.store(u + o, w);
  return count;
}

/**
 * One step of n Izhikevich neurons; `exp` is a compile-time constant after inlining
 * (exp: ie, ii, inE, inI used; delta: inE is the input, ie, ii, inI unused).
 */
// @ts-ignore: decorator
@inline function izhCore(
  n: i32, v: usize, u: usize, ie: usize, ii: usize, bias: usize, inE: usize, inI: usize,
  params: usize, hetero: i32, scheme: i32, dt: f32, spikes: usize, exp: bool,
): i32 {
  const het = hetero != 0;
  // parameter k of neuron i: params + k*rowBytes + i*colBytes (parameter-major when heterogeneous)
  const rowBytes: usize = het ? <usize>n << 2 : 4;
  const colBytes: usize = het ? 4 : 0;
  const pA = params + <usize>IZH_A * rowBytes;
  const pB = params + <usize>IZH_B * rowBytes;
  const pC = params + <usize>IZH_C * rowBytes;
  const pD = params + <usize>IZH_D * rowBytes;
  const pPeak = params + <usize>IZH_VPEAK * rowBytes;
  const p11e = params + <usize>IZH_P11E * rowBytes;
  const p11i = params + <usize>IZH_P11I * rowBytes;
  const s2003 = scheme == IZH_SCHEME_2003;
  let count: i32 = 0;
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const zero = f32x4.splat(0);
    const half = f32x4.splat(HALF);
    const vdt = f32x4.splat(dt);
    const n4 = n & ~3;
    const n8 = n & ~7;
    for (; i < n8; i += 8) {
      count = izhGroup4(i, count, v, u, ie, ii, bias, inE, inI, pA, pB, pC, pD, pPeak, p11e, p11i, het, s2003, zero, half, vdt, spikes, exp);
      count = izhGroup4(i + 4, count, v, u, ie, ii, bias, inE, inI, pA, pB, pC, pD, pPeak, p11e, p11i, het, s2003, zero, half, vdt, spikes, exp);
    }
    for (; i < n4; i += 4) {
      count = izhGroup4(i, count, v, u, ie, ii, bias, inE, inI, pA, pB, pC, pD, pPeak, p11e, p11i, het, s2003, zero, half, vdt, spikes, exp);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const q = <usize>i * colBytes;
    let x = load<f32>(v + o);
    let w = load<f32>(u + o);
    const a = load<f32>(pA + q);
    const b = load<f32>(pB + q);
    let I: f32;
    let e: f32 = 0;
    let h: f32 = 0;
    if (exp) {
      e = load<f32>(ie + o);
      h = load<f32>(ii + o);
      I = e + h;
      I = I + load<f32>(bias + o);
    } else {
      I = load<f32>(bias + o) + load<f32>(inE + o);
    }
    if (s2003) {
      x = x + HALF * dvdt(x, w, I);
      x = x + HALF * dvdt(x, w, I);
      w = w + dudt(x, w, a, b);
    } else {
      const dv = dvdt(x, w, I);
      const du = dudt(x, w, a, b);
      x = x + dv * dt;
      w = w + du * dt;
    }
    if (exp) {
      store<f32>(ie + o, e * load<f32>(p11e + q) + load<f32>(inE + o));
      store<f32>(ii + o, h * load<f32>(p11i + q) + load<f32>(inI + o));
      store<f32>(inI + o, 0);
    }
    store<f32>(inE + o, 0);
    if (x >= load<f32>(pPeak + q)) {
      x = load<f32>(pC + q);
      w = w + load<f32>(pD + q);
      store<i32>(spikes + (<usize>count << 2), i);
      count++;
    }
    store<f32>(v + o, x);
    store<f32>(u + o, w);
  }
  return count;
}

/**
 * Izhikevich neurons with current-based exponential synapses, one step (see src/backend/types.ts
 * and the float order at the top of this file): I = ie + ii + bias (the currents at the start of
 * the step), integrate v and u by `scheme` (IZH_SCHEME_2003 or IZH_SCHEME_EULER with step dt),
 * spike and reset if v >= v_peak, then ie = ie*P11e + inE, ii = ii*P11i + inI, inE = inI = 0.
 * params: IZH_NPARAMS f32 (hetero = 0) or IZH_NPARAMS arrays of n f32, parameter-major (hetero = 1).
 * Returns the number of spikes, written to spikes[] in ascending order.
 */
export function izhikevich_update(
  n: i32, v: usize, u: usize, ie: usize, ii: usize, bias: usize, inE: usize, inI: usize,
  params: usize, hetero: i32, scheme: i32, dt: f32, spikes: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "izhikevich_update: n < 0");
    const b = <u64>n << 2;
    assert(inBounds(v, b, 4), "izhikevich_update: v out of bounds or misaligned");
    assert(inBounds(u, b, 4), "izhikevich_update: u out of bounds or misaligned");
    assert(inBounds(ie, b, 4), "izhikevich_update: ie out of bounds or misaligned");
    assert(inBounds(ii, b, 4), "izhikevich_update: ii out of bounds or misaligned");
    assert(inBounds(bias, b, 4), "izhikevich_update: bias out of bounds or misaligned");
    assert(inBounds(inE, b, 4), "izhikevich_update: inE out of bounds or misaligned");
    assert(inBounds(inI, b, 4), "izhikevich_update: inI out of bounds or misaligned");
    assert(inBounds(spikes, b, 4), "izhikevich_update: spikes out of bounds or misaligned");
    assert(inBounds(params, <u64>IZH_NPARAMS * (hetero != 0 ? b : 4), 4), "izhikevich_update: params out of bounds or misaligned");
    assert(scheme == 0 || scheme == 1, "izhikevich_update: scheme must be 0 (izhikevich2003) or 1 (euler)");
  }
  return izhCore(n, v, u, ie, ii, bias, inE, inI, params, hetero, scheme, dt, spikes, true);
}

/**
 * Izhikevich neurons with delta synapses, one step: I = bias + in (the ring slot of this step is
 * a current for one step, the 2003 paper's I), integrate, spike and reset as izhikevich_update;
 * in = 0. Same params block (P11e, P11i unused).
 */
export function izhikevich_delta_update(
  n: i32, v: usize, u: usize, bias: usize, inp: usize, params: usize, hetero: i32, scheme: i32,
  dt: f32, spikes: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "izhikevich_delta_update: n < 0");
    const b = <u64>n << 2;
    assert(inBounds(v, b, 4), "izhikevich_delta_update: v out of bounds or misaligned");
    assert(inBounds(u, b, 4), "izhikevich_delta_update: u out of bounds or misaligned");
    assert(inBounds(bias, b, 4), "izhikevich_delta_update: bias out of bounds or misaligned");
    assert(inBounds(inp, b, 4), "izhikevich_delta_update: inp out of bounds or misaligned");
    assert(inBounds(spikes, b, 4), "izhikevich_delta_update: spikes out of bounds or misaligned");
    assert(inBounds(params, <u64>IZH_NPARAMS * (hetero != 0 ? b : 4), 4), "izhikevich_delta_update: params out of bounds or misaligned");
    assert(scheme == 0 || scheme == 1, "izhikevich_delta_update: scheme must be 0 (izhikevich2003) or 1 (euler)");
  }
  return izhCore(n, v, u, 0, 0, bias, inp, 0, params, hetero, scheme, dt, spikes, false);
}
