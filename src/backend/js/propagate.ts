/**
 * Spike delivery in TypeScript: mirror of assembly/propagate.ts. Same accumulation order (spikes
 * in the order given, synapses in CSR order); `f32[a] += w` is one float32 rounding (the sum of
 * two float32 values in double precision, rounded once by the store, equals the float32 sum).
 */
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

export function propagateKernels(m: Views): Pick<Kernels, 'propagate'> {
  return {
    propagate(nSpikes, spikes, rowPtr, syn, weights, constWeight, packed, constDelay, ring, nTarget, slots, slotNow) {
      const f32 = m.f32;
      const u32 = m.u32;
      const so = spikes >>> 2, rp = rowPtr >>> 2, to = syn >>> 2, wo = weights >>> 2;
      const w = Math.fround(constWeight);
      let events = 0;
      if (packed === 0) {
        let slot = slotNow + constDelay;
        if (slot >= slots) slot -= slots;
        const base = (ring >>> 2) + slot * nTarget;
        if (weights === 0) {
          for (let s = 0; s < nSpikes; s++) {
            const r = rp + u32[so + s];
            const b = u32[r], e = u32[r + 1];
            events += e - b;
            for (let k = b; k < e; k++) f32[base + u32[to + k]] += w;
          }
        } else {
          for (let s = 0; s < nSpikes; s++) {
            const r = rp + u32[so + s];
            const b = u32[r], e = u32[r + 1];
            events += e - b;
            for (let k = b; k < e; k++) f32[base + u32[to + k]] += f32[wo + k];
          }
        }
      } else {
        const rg = ring >>> 2;
        const wrap = slots * nTarget;
        const now = slotNow * nTarget;
        if (weights === 0) {
          for (let s = 0; s < nSpikes; s++) {
            const r = rp + u32[so + s];
            const b = u32[r], e = u32[r + 1];
            events += e - b;
            for (let k = b; k < e; k++) {
              const v = u32[to + k];
              let off = now + (v >>> 24) * nTarget;
              if (off >= wrap) off -= wrap;
              f32[rg + off + (v & 0xffffff)] += w;
            }
          }
        } else {
          for (let s = 0; s < nSpikes; s++) {
            const r = rp + u32[so + s];
            const b = u32[r], e = u32[r + 1];
            events += e - b;
            for (let k = b; k < e; k++) {
              const v = u32[to + k];
              let off = now + (v >>> 24) * nTarget;
              if (off >= wrap) off -= wrap;
              f32[rg + off + (v & 0xffffff)] += f32[wo + k];
            }
          }
        }
      }
      return events | 0;
    },
  };
}
