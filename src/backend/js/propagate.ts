/**
 * Spike delivery in TypeScript: mirror of assembly/propagate.ts. Same accumulation order (spikes
 * in the order given, synapses in CSR order); `f32[a] += w` is one float32 rounding (the sum of
 * two float32 values in double precision, rounded once by the store, equals the float32 sum).
 */
import { RUN_COUNT_BITS, RUN_COUNT_MAX } from '../../core/layout.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

let half: Float32Array | null = null;

/**
 * float16 bits -> float32 for all 65,536 patterns, computed the textbook way (a normal number
 * rebiased, a subnormal (h & 0x3ff) * 2^-24, the sign kept): the exact value, which
 * assembly/propagate.ts half reaches by another route (test/kernels.test.ts compares every pattern).
 * Made at its first use, not when the module loads (2–3 ms of every start-up otherwise).
 */
export function halfTable(): Float32Array {
  if (half) return half;
  const t = new Float32Array(65536);
  const u = new Uint32Array(t.buffer);
  for (let h = 0; h < 65536; h++) {
    if ((h & 0x7c00) !== 0) u[h] = (((h & 0x8000) << 16) | (((h & 0x7fff) + 0x1c000) << 13)) >>> 0;
    else t[h] = ((h & 0x8000) !== 0 ? -1 : 1) * (h & 0x3ff) * 2 ** -24;
  }
  return (half = t);
}

export function propagateKernels(m: Views): Pick<Kernels, 'propagate' | 'defer_propagate' | 'propagate_scaled' | 'defer_flush' | 'touch_lines'> {
  return {
    propagate(nSpikes, spikes, rowPtr, syn, weights, constWeight, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow) {
      const f32 = m.f32;
      const u32 = m.u32;
      const tg = (format & 1) !== 0 ? m.u16 : m.u32;
      const so = spikes >>> 2, rp = rowPtr >>> 2, to = (format & 1) !== 0 ? syn >>> 1 : syn >>> 2;
      // per-synapse weights: f32, or float16 bits (format & 2) widened through halfTable()
      const half = (format & 2) !== 0;
      const hv = m.u16;
      const wo = half ? weights >>> 1 : weights >>> 2;
      const H = halfTable();
      const w = Math.fround(constWeight);
      let events = 0;
      if (runPtr === 0) {
        let slot = slotNow + constDelay;
        if (slot >= slots) slot -= slots;
        const base = (ring >>> 2) + slot * nTarget;
        if (weights === 0) {
          for (let s = 0; s < nSpikes; s++) {
            const r = rp + u32[so + s];
            const b = u32[r], e = u32[r + 1];
            events += e - b;
            for (let k = b; k < e; k++) f32[base + tg[to + k]] += w;
          }
        } else {
          for (let s = 0; s < nSpikes; s++) {
            const r = rp + u32[so + s];
            const b = u32[r], e = u32[r + 1];
            events += e - b;
            if (half) for (let k = b; k < e; k++) f32[base + tg[to + k]] += H[hv[wo + k]];
            else for (let k = b; k < e; k++) f32[base + tg[to + k]] += f32[wo + k];
          }
        }
        return events | 0;
      }
      // delays by run (assembly/propagate.ts runRows): runs[r] = step << 5 | count, from constDelay
      const u8 = m.u8;
      const rg = ring >>> 2, ro = runPtr >>> 2;
      const wrap = slots * nTarget;
      const now = slotNow * nTarget;
      for (let s = 0; s < nSpikes; s++) {
        const src = u32[so + s];
        let k = u32[rp + src];
        events += u32[rp + src + 1] - k;
        const re = u32[ro + src + 1];
        let d = constDelay;
        for (let r = u32[ro + src]; r < re; r++) {
          const v = u8[runs + r];
          d += v >>> RUN_COUNT_BITS;
          let off = now + d * nTarget;
          if (off >= wrap) off -= wrap;
          const base = rg + off;
          const e = k + (v & RUN_COUNT_MAX);
          if (weights === 0) for (; k < e; k++) f32[base + tg[to + k]] += w;
          else if (half) for (; k < e; k++) f32[base + tg[to + k]] += H[hv[wo + k]];
          else for (; k < e; k++) f32[base + tg[to + k]] += f32[wo + k];
        }
      }
      return events | 0;
    },

    defer_propagate(nSpikes, spikes, rowPtr, syn, weights, constWeight, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill) {
      // a factor of 1 for every spike: the same bits as the weights themselves (x * 1 = x)
      return deliverScaled(m, nSpikes, spikes, 0, rowPtr, syn, weights, constWeight, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill);
    },

    propagate_scaled(nSpikes, spikes, scales, rowPtr, syn, weights, constWeight, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill) {
      return deliverScaled(m, nSpikes, spikes, scales, rowPtr, syn, weights, constWeight, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill);
    },

    defer_flush(slot, _slots, buckets, cap, fill) {
      const u32 = m.u32;
      const fo = (fill >>> 2) + slot;
      applyEntries(m.f32, u32, (buckets >>> 2) + slot * cap * 2, u32[fo]);
      u32[fo] = 0;
    },

    touch_lines(ptr, bytes) {
      const u8 = m.u8;
      let x = 0;
      if (bytes <= 0) return x;
      for (let p = ptr & ~63; p < ptr + bytes; p += 64) x ^= u8[Math.max(p, ptr)];
      return x;
    },
  };
}

/** f32[address] += weight for the n entries (u32 byte address, f32 weight) from word q, in order. */
function applyEntries(f32: Float32Array, u32: Uint32Array, q: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const a = u32[q + 2 * i] >>> 2;
    f32[a] += f32[q + 2 * i + 1];
  }
}

/**
 * The delivery of propagate_scaled and defer_propagate (assembly/propagate.ts deliverScaled):
 * float32(weight * factor), factor 1 when scales = 0, into the ring (buckets = 0) or the buckets.
 */
function deliverScaled(
  m: Views, nSpikes: number, spikes: number, scales: number, rowPtr: number, syn: number, weights: number,
  constWeight: number, format: number, runPtr: number, runs: number, constDelay: number, ring: number, nTarget: number,
  slots: number, slotNow: number, buckets: number, cap: number, fill: number,
): number {
  const f32 = m.f32;
  const u32 = m.u32, u16 = m.u16;
  const tg = (format & 1) !== 0 ? u16 : u32;
  const half = (format & 2) !== 0;
  const H = halfTable();
  const so = spikes >>> 2, sc = scales >>> 2, rp = rowPtr >>> 2, to = (format & 1) !== 0 ? syn >>> 1 : syn >>> 2;
  const wo = half ? weights >>> 1 : weights >>> 2;
  const ro = runPtr >>> 2, u8 = m.u8;
  const fo = fill >>> 2, bo = buckets >>> 2;
  const rowBytes = nTarget * 4;
  let events = 0;
  for (let s = 0; s < nSpikes; s++) {
    const src = u32[so + s];
    let k = u32[rp + src];
    const rowEnd = u32[rp + src + 1];
    const f = scales !== 0 ? f32[sc + s] : 1;
    const cw = Math.fround(Math.fround(constWeight) * f);
    events += rowEnd - k;
    // the row as its runs (one run of the whole row when every delay is constDelay)
    let r = 0, re = 1;
    if (runPtr !== 0) {
      r = u32[ro + src];
      re = u32[ro + src + 1];
    }
    let d = constDelay;
    for (; r < re; r++) {
      let e: number;
      if (runPtr !== 0) {
        const v = u8[runs + r];
        d += v >>> RUN_COUNT_BITS;
        e = k + (v & RUN_COUNT_MAX);
      } else {
        e = rowEnd;
      }
      let slot = slotNow + d;
      if (slot >= slots) slot -= slots;
      const base = ring + slot * rowBytes;
      if (buckets === 0) {
        for (; k < e; k++) {
          const w = weights !== 0 ? Math.fround((half ? H[u16[wo + k]] : f32[wo + k]) * f) : cw;
          f32[(base >>> 2) + tg[to + k]] += w;
        }
        continue;
      }
      const q = bo + slot * cap * 2;
      let c = u32[fo + slot];
      for (; k < e; k++) {
        const w = weights !== 0 ? Math.fround((half ? H[u16[wo + k]] : f32[wo + k]) * f) : cw;
        if (c === cap) {
          applyEntries(f32, u32, q, c);
          c = 0;
        }
        u32[q + 2 * c] = base + tg[to + k] * 4;
        f32[q + 2 * c + 1] = w;
        c++;
      }
      u32[fo + slot] = c;
    }
  }
  return events | 0;
}
