/**
 * Leaky integrate-and-fire kernels in TypeScript: mirror of assembly/lif.ts, function for
 * function. Every arithmetic result passes through Math.fround (a Float32Array store rounds the
 * last one), in exactly the order of the AssemblyScript code:
 *   t = v_rest - v; t = t*A; t = t + ie*P21e; t = t + ii*P21i; t = t + bias*B; v = v + t
 *   ie = ie*P11e + inE;  ii = ii*P11i + inI
 */
import {
  LIF_A, LIF_B, LIF_P21E, LIF_P21I, LIF_P11E, LIF_P11I, LIF_VREST, LIF_VTH, LIF_VRESET,
  LIF_REFSTEPS,
} from '../../core/layout.ts';
import type { Kernels } from '../types.ts';
import { truncSat, type Views } from './views.ts';

export function lifKernels(m: Views): Pick<Kernels, 'lif_update' | 'lif_delta_update'> {
  return {
    lif_update(n, v, ie, ii, ref, bias, inE, inI, params, hetero, spikes) {
      const f32 = m.f32;
      const i32 = m.i32;
      const vo = v >>> 2, eo = ie >>> 2, ho = ii >>> 2, ro = ref >>> 2, bo = bias >>> 2;
      const xo = inE >>> 2, yo = inI >>> 2, so = spikes >>> 2;
      let count = 0;
      if (hetero === 0) {
        const p = params >>> 2;
        const A = f32[p + LIF_A], B = f32[p + LIF_B];
        const P21e = f32[p + LIF_P21E], P21i = f32[p + LIF_P21I];
        const P11e = f32[p + LIF_P11E], P11i = f32[p + LIF_P11I];
        const vrest = f32[p + LIF_VREST], vth = f32[p + LIF_VTH], vreset = f32[p + LIF_VRESET];
        const refSteps = truncSat(f32[p + LIF_REFSTEPS]);
        for (let i = 0; i < n; i++) {
          let x = f32[vo + i];
          const e = f32[eo + i];
          const h = f32[ho + i];
          let r = i32[ro + i];
          if (r > 0) {
            r = r - 1;
          } else {
            let t = Math.fround(vrest - x);
            t = Math.fround(t * A);
            t = Math.fround(t + Math.fround(e * P21e));
            t = Math.fround(t + Math.fround(h * P21i));
            if (bo !== 0) t = Math.fround(t + Math.fround(f32[bo + i] * B));
            x = Math.fround(x + t);
          }
          f32[eo + i] = Math.fround(e * P11e) + f32[xo + i];
          f32[ho + i] = Math.fround(h * P11i) + f32[yo + i];
          f32[xo + i] = 0;
          f32[yo + i] = 0;
          if (r === 0 && x >= vth) {
            x = vreset;
            r = refSteps;
            i32[so + count++] = i;
          }
          f32[vo + i] = x;
          i32[ro + i] = r;
        }
      } else {
        // parameter-major arrays: parameter k of neuron i at params + (k*n + i)*4
        const p = params >>> 2;
        const pA = p + LIF_A * n, pB = p + LIF_B * n;
        const p21e = p + LIF_P21E * n, p21i = p + LIF_P21I * n;
        const p11e = p + LIF_P11E * n, p11i = p + LIF_P11I * n;
        const pRest = p + LIF_VREST * n, pTh = p + LIF_VTH * n;
        const pReset = p + LIF_VRESET * n, pRef = p + LIF_REFSTEPS * n;
        for (let i = 0; i < n; i++) {
          let x = f32[vo + i];
          const e = f32[eo + i];
          const h = f32[ho + i];
          let r = i32[ro + i];
          if (r > 0) {
            r = r - 1;
          } else {
            let t = Math.fround(f32[pRest + i] - x);
            t = Math.fround(t * f32[pA + i]);
            t = Math.fround(t + Math.fround(e * f32[p21e + i]));
            t = Math.fround(t + Math.fround(h * f32[p21i + i]));
            if (bo !== 0) t = Math.fround(t + Math.fround(f32[bo + i] * f32[pB + i]));
            x = Math.fround(x + t);
          }
          f32[eo + i] = Math.fround(e * f32[p11e + i]) + f32[xo + i];
          f32[ho + i] = Math.fround(h * f32[p11i + i]) + f32[yo + i];
          f32[xo + i] = 0;
          f32[yo + i] = 0;
          if (r === 0 && x >= f32[pTh + i]) {
            x = f32[pReset + i];
            r = truncSat(f32[pRef + i]);
            i32[so + count++] = i;
          }
          f32[vo + i] = x;
          i32[ro + i] = r;
        }
      }
      return count;
    },

    lif_delta_update(n, v, ref, bias, inp, params, hetero, spikes) {
      const f32 = m.f32;
      const i32 = m.i32;
      const vo = v >>> 2, ro = ref >>> 2, bo = bias >>> 2, xo = inp >>> 2, so = spikes >>> 2;
      let count = 0;
      if (hetero === 0) {
        const p = params >>> 2;
        const A = f32[p + LIF_A], B = f32[p + LIF_B];
        const vrest = f32[p + LIF_VREST], vth = f32[p + LIF_VTH], vreset = f32[p + LIF_VRESET];
        const refSteps = truncSat(f32[p + LIF_REFSTEPS]);
        for (let i = 0; i < n; i++) {
          let x = f32[vo + i];
          let r = i32[ro + i];
          if (r > 0) {
            r = r - 1;
          } else {
            let t = Math.fround(vrest - x);
            t = Math.fround(t * A);
            t = Math.fround(t + Math.fround(f32[bo + i] * B));
            x = Math.fround(x + t);
            x = Math.fround(x + f32[xo + i]);
          }
          f32[xo + i] = 0;
          if (r === 0 && x >= vth) {
            x = vreset;
            r = refSteps;
            i32[so + count++] = i;
          }
          f32[vo + i] = x;
          i32[ro + i] = r;
        }
      } else {
        const p = params >>> 2;
        const pA = p + LIF_A * n, pB = p + LIF_B * n;
        const pRest = p + LIF_VREST * n, pTh = p + LIF_VTH * n;
        const pReset = p + LIF_VRESET * n, pRef = p + LIF_REFSTEPS * n;
        for (let i = 0; i < n; i++) {
          let x = f32[vo + i];
          let r = i32[ro + i];
          if (r > 0) {
            r = r - 1;
          } else {
            let t = Math.fround(f32[pRest + i] - x);
            t = Math.fround(t * f32[pA + i]);
            t = Math.fround(t + Math.fround(f32[bo + i] * f32[pB + i]));
            x = Math.fround(x + t);
            x = Math.fround(x + f32[xo + i]);
          }
          f32[xo + i] = 0;
          if (r === 0 && x >= f32[pTh + i]) {
            x = f32[pReset + i];
            r = truncSat(f32[pRef + i]);
            i32[so + count++] = i;
          }
          f32[vo + i] = x;
          i32[ro + i] = r;
        }
      }
      return count;
    },
  };
}
