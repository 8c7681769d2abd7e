/**
 * Pair-based STDP in TypeScript: mirror of assembly/plasticity.ts (same order of float32
 * operations, each rounded with Math.fround).
 */
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

const f = Math.fround;

export function plasticityKernels(m: Views): Pick<Kernels, 'stdp_pre' | 'stdp_post' | 'trace_decay' | 'trace_step' | 'stdp_delayed_post' | 'stdp_delayed_pre' | 'deriv_apply'> {
  return {
    stdp_pre(nSpikes, spikes, rowPtr, syn, weights, tgt16, xPre, yPost, aMinus, wMin, wMax, mult, nearest) {
      const f32 = m.f32, u32 = m.u32;
      const tg = tgt16 !== 0 ? m.u16 : u32;
      const so = spikes >>> 2, rp = rowPtr >>> 2, to = tgt16 !== 0 ? syn >>> 1 : syn >>> 2, wo = weights >>> 2, xo = xPre >>> 2, yo = yPost >>> 2;
      const am = f(aMinus), lo = f(wMin), hi = f(wMax);
      let n = 0;
      for (let s = 0; s < nSpikes; s++) {
        const src = u32[so + s];
        const b = u32[rp + src], e = u32[rp + src + 1];
        for (let k = b; k < e; k++) {
          const t = tg[to + k];
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
    trace_step(n, prev, next, decay, nSpikes, spikes, nearest) {
      const f32 = m.f32, u32 = m.u32;
      const po = prev >>> 2, no = next >>> 2, so = spikes >>> 2;
      const a = f(decay);
      for (let i = 0; i < n; i++) f32[no + i] = f32[po + i] * a;
      for (let s = 0; s < nSpikes; s++) {
        const i = no + u32[so + s];
        f32[i] = nearest !== 0 ? 1 : f32[i] + 1;
      }
    },
    stdp_delayed_post(nSpikes, spikes, revPtr, revPos, revSrc, delays, constDelay, deriv, xHist, nSrc, ring, slotNow, aPlus) {
      const f32 = m.f32, u32 = m.u32, u8 = m.u8;
      const so = spikes >>> 2, rp = revPtr >>> 2, po = revPos >>> 2, ro = revSrc >>> 2, dd = deriv >>> 2, xo = xHist >>> 2;
      const ap = f(aPlus);
      let n = 0;
      for (let s = 0; s < nSpikes; s++) {
        const t = u32[so + s];
        const b = u32[rp + t], e = u32[rp + t + 1];
        for (let j = b; j < e; j++) {
          const k = u32[po + j];
          const d = delays !== 0 ? u8[delays + k] : constDelay;
          const slot = (slotNow + ring - d - 1) % ring;
          const x = f32[xo + slot * nSrc + u32[ro + j]];
          f32[dd + k] = f32[dd + k] + f(ap * x);
        }
        n += e - b;
      }
      return n | 0;
    },
    stdp_delayed_pre(nSpikes, spikes, rowPtr, syn, tgt16, delays, constDelay, deriv, yHist, nTgt, ring, slotEmit, aMinus) {
      const f32 = m.f32, u32 = m.u32, u8 = m.u8;
      const tg = tgt16 !== 0 ? m.u16 : u32;
      const so = spikes >>> 2, rp = rowPtr >>> 2, yo = tgt16 !== 0 ? syn >>> 1 : syn >>> 2, dd = deriv >>> 2, ho = yHist >>> 2;
      const am = f(aMinus);
      let n = 0;
      for (let s = 0; s < nSpikes; s++) {
        const src = u32[so + s];
        const b = u32[rp + src], e = u32[rp + src + 1];
        for (let k = b; k < e; k++) {
          const t = tg[yo + k];
          const d = delays !== 0 ? u8[delays + k] : constDelay;
          const slot = (slotEmit + d) % ring;
          f32[dd + k] = f32[dd + k] - f(am * f32[ho + slot * nTgt + t]);
        }
        n += e - b;
      }
      return n | 0;
    },
    deriv_apply(n, weights, deriv, bias, decay, wMin, wMax) {
      const f32 = m.f32;
      const wo = weights >>> 2, dd = deriv >>> 2;
      const bi = f(bias), de = f(decay), lo = f(wMin), hi = f(wMax);
      for (let k = 0; k < n; k++) {
        const sd = f32[dd + k];
        let w = f(f32[wo + k] + f(bi + sd));
        if (w < lo) w = lo;
        if (w > hi) w = hi;
        f32[wo + k] = w;
        f32[dd + k] = sd * de;
      }
    },
  };
}
