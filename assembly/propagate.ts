// Spike delivery through one projection (CSR by source) into a delay ring.
// Mirrored by src/backend/js/propagate.ts. Accumulation order: spikes in the order given, then
// synapses in CSR order; every backend adds in exactly this order (float32, one rounding per add).

import { inBounds } from "./util";

/**
 * for each spike s (in the order given), for k in rowPtr[s]..rowPtr[s+1]:
 *   packed:  t = syn[k] & 0xffffff, d = syn[k] >>> 24;  else t = syn[k], d = constDelay
 *   slot = slotNow + d, minus slots if >= slots
 *   ring[slot*nTarget + t] += (weights ? weights[k] : constWeight)
 * spikes: i32; rowPtr, syn: u32; weights: f32 or 0 (pointer 0 = constant). Returns the number of
 * synapses delivered (the sum of the spikes' row lengths).
 */
export function propagate(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, weights: usize,
  constWeight: f32, packed: i32, constDelay: i32, ring: usize, nTarget: i32,
  slots: i32, slotNow: i32,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0 && nTarget >= 0, "propagate: nSpikes < 0 or nTarget < 0");
    assert(slots > 0 && slotNow >= 0 && slotNow < slots, "propagate: slotNow outside [0, slots)");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4), "propagate: spikes out of bounds or misaligned");
    assert(inBounds(ring, (<u64>slots * <u64>nTarget) << 2, 4), "propagate: ring out of bounds or misaligned");
    assert(inBounds(rowPtr, 4, 4), "propagate: rowPtr out of bounds or misaligned");
    assert((syn & 3) == 0 && (weights & 3) == 0, "propagate: syn/weights misaligned");
    assert(packed != 0 || (constDelay >= 0 && constDelay <= slots), "propagate: constDelay outside [0, slots]");
    assert(packed == 0 || nTarget <= 0x1000000, "propagate: packed delays with nTarget > 2^24");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const src = load<u32>(spikes + (<usize>s << 2));
      const b = load<u32>(rowPtr + (<usize>src << 2));
      const e = load<u32>(rowPtr + (<usize>src << 2), 4);
      assert(b <= e, "propagate: rowPtr not ascending");
      assert(inBounds(syn, <u64>e << 2, 4), "propagate: syn out of bounds");
      assert(weights == 0 || inBounds(weights, <u64>e << 2, 4), "propagate: weights out of bounds");
      for (let k = b; k < e; k++) {
        const v = load<u32>(syn + (<usize>k << 2));
        assert((packed != 0 ? v & 0xffffff : v) < <u32>nTarget, "propagate: target index >= nTarget");
        if (packed != 0) assert(<i32>(v >>> 24) <= slots, "propagate: delay > slots");
      }
    }
  }
  const sp = spikes;
  const rp = rowPtr;
  const rowBytes = <usize>nTarget << 2;
  let events: u32 = 0;
  if (packed == 0) {
    let slot = slotNow + constDelay;
    if (slot >= slots) slot -= slots;
    const base = ring + <usize>slot * rowBytes;
    if (weights == 0) {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        let k = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        events += <u32>(e - k);
        // 4-way unrolled; sequential read-modify-write keeps the order (targets may repeat)
        const e4 = k + ((e - k) & ~(<usize>3));
        for (; k < e4; k += 4) {
          const tp = syn + (k << 2);
          const a0 = base + (<usize>load<u32>(tp) << 2);
          store<f32>(a0, load<f32>(a0) + constWeight);
          const a1 = base + (<usize>load<u32>(tp, 4) << 2);
          store<f32>(a1, load<f32>(a1) + constWeight);
          const a2 = base + (<usize>load<u32>(tp, 8) << 2);
          store<f32>(a2, load<f32>(a2) + constWeight);
          const a3 = base + (<usize>load<u32>(tp, 12) << 2);
          store<f32>(a3, load<f32>(a3) + constWeight);
        }
        for (; k < e; k++) {
          const a = base + (<usize>load<u32>(syn + (k << 2)) << 2);
          store<f32>(a, load<f32>(a) + constWeight);
        }
      }
    } else {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        let k = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        events += <u32>(e - k);
        const e4 = k + ((e - k) & ~(<usize>3));
        if (ASC_FEATURE_SIMD) {
          // Dense rows (e.g. all-to-all: the row's targets run first..first+len-1): four synapses
          // whose targets are consecutive update four distinct ring cells, so one f32x4 add gives
          // the bits of the four sequential adds. Checked per group of four; other groups take the
          // scalar code. Only tried when the row's first and last targets span exactly its length.
          // Eight at a time while the row stays dense, then groups of four.
          if (e4 > k && load<u32>(syn + ((e - 1) << 2)) - load<u32>(syn + (k << 2)) == <u32>(e - k - 1)) {
            const iota = i32x4(0, 1, 2, 3);
            const four = i32x4.splat(4);
            const e8 = k + ((e - k) & ~(<usize>7));
            for (; k < e8; k += 8) {
              const tp = syn + (k << 2);
              const wp = weights + (k << 2);
              const tv = v128.load(tp);
              const tw = v128.load(tp, 16);
              const t0 = i32x4.extract_lane(tv, 0);
              const ex = i32x4.add(i32x4.splat(t0), iota);
              if (i32x4.all_true(v128.and(i32x4.eq(tv, ex), i32x4.eq(tw, i32x4.add(ex, four))))) {
                const a = base + (<usize><u32>t0 << 2);
                v128.store(a, f32x4.add(v128.load(a), v128.load(wp)));
                v128.store(a, f32x4.add(v128.load(a, 16), v128.load(wp, 16)), 16);
              } else break;
            }
            for (; k < e4; k += 4) {
              const tp = syn + (k << 2);
              const wp = weights + (k << 2);
              const tv = v128.load(tp);
              const t0 = i32x4.extract_lane(tv, 0);
              if (i32x4.all_true(i32x4.eq(tv, i32x4.add(i32x4.splat(t0), iota)))) {
                const a = base + (<usize><u32>t0 << 2);
                v128.store(a, f32x4.add(v128.load(a), v128.load(wp)));
              } else {
                const a0 = base + (<usize>load<u32>(tp) << 2);
                store<f32>(a0, load<f32>(a0) + load<f32>(wp));
                const a1 = base + (<usize>load<u32>(tp, 4) << 2);
                store<f32>(a1, load<f32>(a1) + load<f32>(wp, 4));
                const a2 = base + (<usize>load<u32>(tp, 8) << 2);
                store<f32>(a2, load<f32>(a2) + load<f32>(wp, 8));
                const a3 = base + (<usize>load<u32>(tp, 12) << 2);
                store<f32>(a3, load<f32>(a3) + load<f32>(wp, 12));
              }
            }
          }
        }
        for (; k < e4; k += 4) {
          const tp = syn + (k << 2);
          const wp = weights + (k << 2);
          const a0 = base + (<usize>load<u32>(tp) << 2);
          store<f32>(a0, load<f32>(a0) + load<f32>(wp));
          const a1 = base + (<usize>load<u32>(tp, 4) << 2);
          store<f32>(a1, load<f32>(a1) + load<f32>(wp, 4));
          const a2 = base + (<usize>load<u32>(tp, 8) << 2);
          store<f32>(a2, load<f32>(a2) + load<f32>(wp, 8));
          const a3 = base + (<usize>load<u32>(tp, 12) << 2);
          store<f32>(a3, load<f32>(a3) + load<f32>(wp, 12));
        }
        for (; k < e; k++) {
          const a = base + (<usize>load<u32>(syn + (k << 2)) << 2);
          store<f32>(a, load<f32>(a) + load<f32>(weights + (k << 2)));
        }
      }
    }
  } else {
    // per-synapse delays in the high byte: ring row of slot (slotNow + d) mod slots
    // byte offsets relative to the ring (no address wrap-around even at the top of memory)
    const wrap = <usize>slots * rowBytes;
    const now = <usize>slotNow * rowBytes;
    if (weights == 0) {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        const b = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        events += <u32>(e - b);
        for (let k = b; k < e; k++) {
          const v = load<u32>(syn + (k << 2));
          let off = now + <usize>(v >>> 24) * rowBytes;
          off = select<usize>(off - wrap, off, off >= wrap);
          const a = ring + off + (<usize>(v & 0xffffff) << 2);
          store<f32>(a, load<f32>(a) + constWeight);
        }
      }
    } else {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        const b = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        events += <u32>(e - b);
        for (let k = b; k < e; k++) {
          const v = load<u32>(syn + (k << 2));
          let off = now + <usize>(v >>> 24) * rowBytes;
          off = select<usize>(off - wrap, off, off >= wrap);
          const a = ring + off + (<usize>(v & 0xffffff) << 2);
          store<f32>(a, load<f32>(a) + load<f32>(weights + (k << 2)));
        }
      }
    }
  }
  return <i32>events;
}
