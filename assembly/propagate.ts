// Spike delivery through one projection (CSR by source) into a delay ring.
// Mirrored by src/backend/js/propagate.ts. Accumulation order: spikes in the order given, then
// synapses in CSR order; every backend adds in exactly this order (float32, one rounding per add).

import { inBounds } from "./util";

/**
 * for each spike s (in the order given), for k in rowPtr[s]..rowPtr[s+1]:
 *   d = delays ? delays[k] : constDelay; slot = slotNow + d, minus slots if >= slots
 *   ring[slot*nTarget + targets[k]] += (weights ? weights[k] : constWeight)
 * spikes: i32; rowPtr, targets: u32; weights: f32 or 0; delays: u8 or 0 (pointer 0 = constant).
 */
export function propagate(
  nSpikes: i32, spikes: usize, rowPtr: usize, targets: usize, weights: usize,
  constWeight: f32, delays: usize, constDelay: i32, ring: usize, nTarget: i32,
  slots: i32, slotNow: i32,
): void {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0 && nTarget >= 0, "propagate: nSpikes < 0 or nTarget < 0");
    assert(slots > 0 && slotNow >= 0 && slotNow < slots, "propagate: slotNow outside [0, slots)");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4), "propagate: spikes out of bounds or misaligned");
    assert(inBounds(ring, (<u64>slots * <u64>nTarget) << 2, 4), "propagate: ring out of bounds or misaligned");
    assert(inBounds(rowPtr, 4, 4), "propagate: rowPtr out of bounds or misaligned");
    assert((targets & 3) == 0 && (weights & 3) == 0, "propagate: targets/weights misaligned");
    assert(delays != 0 || (constDelay >= 0 && constDelay <= slots), "propagate: constDelay outside [0, slots]");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const src = load<u32>(spikes + (<usize>s << 2));
      const b = load<u32>(rowPtr + (<usize>src << 2));
      const e = load<u32>(rowPtr + (<usize>src << 2), 4);
      assert(b <= e, "propagate: rowPtr not ascending");
      assert(inBounds(targets, <u64>e << 2, 4), "propagate: targets out of bounds");
      assert(weights == 0 || inBounds(weights, <u64>e << 2, 4), "propagate: weights out of bounds");
      assert(delays == 0 || inBounds(delays, <u64>e, 1), "propagate: delays out of bounds");
      for (let k = b; k < e; k++) {
        assert(load<u32>(targets + (<usize>k << 2)) < <u32>nTarget, "propagate: target index >= nTarget");
        if (delays != 0) assert(<i32>load<u8>(delays + <usize>k) <= slots, "propagate: delay > slots");
      }
    }
  }
  const sp = spikes;
  const rp = rowPtr;
  const rowBytes = <usize>nTarget << 2;
  if (delays == 0) {
    let slot = slotNow + constDelay;
    if (slot >= slots) slot -= slots;
    const base = ring + <usize>slot * rowBytes;
    if (weights == 0) {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        let k = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        // 4-way unrolled; sequential read-modify-write keeps the order (targets may repeat)
        const e4 = k + ((e - k) & ~(<usize>3));
        for (; k < e4; k += 4) {
          const tp = targets + (k << 2);
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
          const a = base + (<usize>load<u32>(targets + (k << 2)) << 2);
          store<f32>(a, load<f32>(a) + constWeight);
        }
      }
    } else {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        let k = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        const e4 = k + ((e - k) & ~(<usize>3));
        for (; k < e4; k += 4) {
          const tp = targets + (k << 2);
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
          const a = base + (<usize>load<u32>(targets + (k << 2)) << 2);
          store<f32>(a, load<f32>(a) + load<f32>(weights + (k << 2)));
        }
      }
    }
  } else {
    // per-synapse delays: ring row of slot (slotNow + d) mod slots
    // byte offsets relative to the ring (no address wrap-around even at the top of memory)
    const wrap = <usize>slots * rowBytes;
    const now = <usize>slotNow * rowBytes;
    if (weights == 0) {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        const b = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        for (let k = b; k < e; k++) {
          let off = now + <usize>load<u8>(delays + k) * rowBytes;
          off = select<usize>(off - wrap, off, off >= wrap);
          const a = ring + off + (<usize>load<u32>(targets + (k << 2)) << 2);
          store<f32>(a, load<f32>(a) + constWeight);
        }
      }
    } else {
      for (let s: i32 = 0; s < nSpikes; s++) {
        const rowAddr = rp + (<usize>load<u32>(sp + (<usize>s << 2)) << 2);
        const b = <usize>load<u32>(rowAddr);
        const e = <usize>load<u32>(rowAddr, 4);
        for (let k = b; k < e; k++) {
          let off = now + <usize>load<u8>(delays + k) * rowBytes;
          off = select<usize>(off - wrap, off, off >= wrap);
          const a = ring + off + (<usize>load<u32>(targets + (k << 2)) << 2);
          store<f32>(a, load<f32>(a) + load<f32>(weights + (k << 2)));
        }
      }
    }
  }
}
