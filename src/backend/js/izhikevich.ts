/**
 * Izhikevich (2003) neurons in TypeScript: mirror of assembly/izhikevich.ts, function for function.
 * Every arithmetic result passes through Math.fround (a Float32Array store rounds the last one), in
 * exactly the order of the AssemblyScript code (0.04 means fround(0.04)):
 *   f(v, u, I) = t:  t = v*v; t = t*0.04; t = t + v*5; t = t + 140; t = t - u; t = t + I
 *   g(v, u)    = w:  w = b*v; w = w - u; w = w*a
 *   delta: I = bias + in          exp: I = ie + ii; I = I + bias
 *   2003:  v = v + 0.5*f; v = v + 0.5*f; u = u + g (new v)
 *   euler: dv = f; du = g; v = v + dv*dt; u = u + du*dt
 *   if v >= v_peak: v = c; u = u + d
 *   exp:   ie = ie*P11e + inE; ii = ii*P11i + inI
 */
import {
  IZH_A, IZH_B, IZH_C, IZH_D, IZH_P11E, IZH_P11I, IZH_SCHEME_2003, IZH_VPEAK,
} from '../../core/layout.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

const fr = Math.fround;
const K004 = fr(0.04);

/** One step; `exp` selects exponential synapses (ie, ii, inE, inI) or delta (inE is the input). */
function izhCore(
  m: Views, n: number, v: number, u: number, ie: number, ii: number, bias: number, inE: number, inI: number,
  params: number, hetero: number, scheme: number, dt: number, spikes: number, exp: boolean,
): number {
  const f32 = m.f32;
  const i32 = m.i32;
  const vo = v >>> 2, uo = u >>> 2, eo = ie >>> 2, ho = ii >>> 2, bo = bias >>> 2;
  const xo = inE >>> 2, yo = inI >>> 2, so = spikes >>> 2;
  const het = hetero !== 0;
  // parameter k of neuron i: f32[p + k*row + i*col] (parameter-major when heterogeneous)
  const row = het ? n : 1;
  const col = het ? 1 : 0;
  const p = params >>> 2;
  const pA = p + IZH_A * row, pB = p + IZH_B * row, pC = p + IZH_C * row, pD = p + IZH_D * row;
  const pPeak = p + IZH_VPEAK * row, p11e = p + IZH_P11E * row, p11i = p + IZH_P11I * row;
  const s2003 = scheme === IZH_SCHEME_2003;
  const h = fr(dt); // the wasm ABI rounds an f32 argument the same way
  let count = 0;
  for (let i = 0; i < n; i++) {
    const q = i * col;
    let x = f32[vo + i];
    let w = f32[uo + i];
    const a = f32[pA + q];
    const b = f32[pB + q];
    let I: number;
    let e = 0;
    let y = 0;
    if (exp) {
      e = f32[eo + i];
      y = f32[ho + i];
      I = fr(e + y);
      I = fr(I + f32[bo + i]);
    } else {
      I = fr(f32[bo + i] + f32[xo + i]);
    }
    if (s2003) {
      let t = fr(x * x);
      t = fr(t * K004);
      t = fr(t + fr(x * 5));
      t = fr(t + 140);
      t = fr(t - w);
      t = fr(t + I);
      x = fr(x + fr(0.5 * t));
      t = fr(x * x);
      t = fr(t * K004);
      t = fr(t + fr(x * 5));
      t = fr(t + 140);
      t = fr(t - w);
      t = fr(t + I);
      x = fr(x + fr(0.5 * t));
      let g = fr(b * x);
      g = fr(g - w);
      g = fr(g * a);
      w = fr(w + g);
    } else {
      let t = fr(x * x);
      t = fr(t * K004);
      t = fr(t + fr(x * 5));
      t = fr(t + 140);
      t = fr(t - w);
      t = fr(t + I);
      let g = fr(b * x);
      g = fr(g - w);
      g = fr(g * a);
      x = fr(x + fr(t * h));
      w = fr(w + fr(g * h));
    }
    if (exp) {
      f32[eo + i] = fr(e * f32[p11e + q]) + f32[xo + i];
      f32[ho + i] = fr(y * f32[p11i + q]) + f32[yo + i];
      f32[yo + i] = 0;
    }
    f32[xo + i] = 0;
    if (x >= f32[pPeak + q]) {
      x = f32[pC + q];
      w = fr(w + f32[pD + q]);
      i32[so + count++] = i;
    }
    f32[vo + i] = x;
    f32[uo + i] = w;
  }
  return count;
}

export function izhikevichKernels(m: Views): Pick<Kernels, 'izhikevich_update' | 'izhikevich_delta_update'> {
  return {
    izhikevich_update(n, v, u, ie, ii, bias, inE, inI, params, hetero, scheme, dt, spikes) {
      return izhCore(m, n, v, u, ie, ii, bias, inE, inI, params, hetero, scheme, dt, spikes, true);
    },
    izhikevich_delta_update(n, v, u, bias, inp, params, hetero, scheme, dt, spikes) {
      return izhCore(m, n, v, u, 0, 0, bias, inp, 0, params, hetero, scheme, dt, spikes, false);
    },
  };
}
