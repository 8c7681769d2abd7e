/**
 * Pair-based STDP in TypeScript: mirror of assembly/plasticity.ts (same order of float32
 * operations, each rounded with Math.fround).
 */
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

const f = Math.fround;

export function plasticityKernels(m: Views): Pick<Kernels, 'stdp_pre' | 'stdp_post' | 'trace_decay'> {
  return {
    stdp_pre(nSpikes, spikes, rowPtr, syn, weights, packed, xPre, yPost, aMinus, wMin, wMax, mult, nearest) {
      const f32 = m.f32, u32 = m.u32;
      const so = spikes >>> 2, rp = rowPtr >>> 2, to = syn >>> 2, wo = weights >>> 2, xo = xPre >>> 2, yo = yPost >>> 2;
      const am = f(aMinus), lo = f(wMin), hi = f(wMax);
      let n = 0;
      for (let s = 0; s < nSpikes; s++) {
        const src = u32[so + s];
        const b = u32[rp + src], e = u32[rp + src + 1];
        for (let k = b; k < e; k++) {
          const v = u32[to + k];
          const t = packed !== 0 ? v & 0xffffff : v;
          let w = f32[wo + k];
          const c = mult !== 0 ? f(w - lo) : hi;
          w = f(w - f(f(am * c) * f32[yo + t]));
          if (w < lo) w = lo;
          if (w > hi) w = hi;
          f32[wo + k] = w;
        }
        n += e - b;
        f32[xo + src] = nearest !== 0 ? 1 : f32[xo + src] + 1;
      }
      return n | 0;
    },
    stdp_post(nSpikes, spikes, revPtr, revPos, revSrc, weights, xPre, yPost, aPlus, wMin, wMax, mult, nearest) {
      const f32 = m.f32, u32 = m.u32;
      const so = spikes >>> 2, rp = revPtr >>> 2, po = revPos >>> 2, ro = revSrc >>> 2, wo = weights >>> 2, xo = xPre >>> 2, yo = yPost >>> 2;
      const ap = f(aPlus), lo = f(wMin), hi = f(wMax);
      let n = 0;
      for (let s = 0; s < nSpikes; s++) {
        const t = u32[so + s];
        const b = u32[rp + t], e = u32[rp + t + 1];
        for (let j = b; j < e; j++) {
          const k = u32[po + j];
          const x = f32[xo + u32[ro + j]];
          let w = f32[wo + k];
          const c = mult !== 0 ? f(hi - w) : hi;
          w = f(w + f(f(ap * c) * x));
          if (w < lo) w = lo;
          if (w > hi) w = hi;
          f32[wo + k] = w;
        }
        n += e - b;
        f32[yo + t] = nearest !== 0 ? 1 : f32[yo + t] + 1;
      }
      return n | 0;
    },
    trace_decay(n, trace, factor) {
      const f32 = m.f32;
      const o = trace >>> 2;
      const a = f(factor);
      for (let i = 0; i < n; i++) f32[o + i] = f32[o + i] * a;
    },
  };
}
