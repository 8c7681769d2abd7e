// Spike delivery through one projection (CSR by source) into a delay ring.
// Mirrored by src/backend/js/propagate.ts. Accumulation order: spikes in the order given, then
// synapses in CSR order; every backend adds in exactly this order (float32, one rounding per add).

import { RUN_COUNT_BITS, RUN_COUNT_MAX } from "./layout";
import { inBounds } from "./util";

/**
 * for each spike s (in the order given), for k in rowPtr[s]..rowPtr[s+1]:
 *   format: bit 0 = 16-bit targets, bit 1 = float16 weights
 *   t = syn[k] (u16 when format & 1, else u32): the target's index in the shard
 *   d = constDelay when runPtr == 0; else the delay of the run holding k: row s's synapses come
 *       in the runs runs[runPtr[s]..runPtr[s+1]) (u8 each: step << 5 | count), in row order; the
 *       delay starts the row at constDelay and each run adds its step (0..7) to it before its
 *       count (0..31) synapses, so a run's delay is found once for its synapses
 *   slot = slotNow + d, minus slots if >= slots
 *   ring[slot*nTarget + t] += (weights ? weights[k] : constWeight)
 * spikes: i32; rowPtr, runPtr: u32; weights: f32, or float16 bits (u16, format & 2: widened exactly
 * to float32), or 0 (pointer 0 = constant). Returns the number of synapses delivered (the sum of
 * the spikes' row lengths).
 */
export function propagate(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, weights: usize,
  constWeight: f32, format: i32, runPtr: usize, runs: usize, constDelay: i32, ring: usize, nTarget: i32,
  slots: i32, slotNow: i32,
): i32 {
  if (!ASC_NO_ASSERT) checkDelivery(nSpikes, spikes, rowPtr, syn, weights, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow);
  if (runPtr == 0) {
    let slot = slotNow + constDelay;
    if (slot >= slots) slot -= slots;
    const base = ring + <usize>slot * (<usize>nTarget << 2);
    if ((format & 1) != 0)
      return (format & 2) != 0
        ? constRows<u16, u16>(nSpikes, spikes, rowPtr, syn, weights, constWeight, base)
        : constRows<u16, f32>(nSpikes, spikes, rowPtr, syn, weights, constWeight, base);
    return (format & 2) != 0
      ? constRows<u32, u16>(nSpikes, spikes, rowPtr, syn, weights, constWeight, base)
      : constRows<u32, f32>(nSpikes, spikes, rowPtr, syn, weights, constWeight, base);
  }
  if ((format & 1) != 0)
    return (format & 2) != 0
      ? runRows<u16, u16>(nSpikes, spikes, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow)
      : runRows<u16, f32>(nSpikes, spikes, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow);
  return (format & 2) != 0
    ? runRows<u32, u16>(nSpikes, spikes, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow)
    : runRows<u32, f32>(nSpikes, spikes, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow);
}

/**
 * float16 bits h widened to float32 (exact). Shifted to the top and back by 3 (arithmetic), the
 * sign lands in bit 31, the 5 exponent bits in the low 5 of float32's 8 and the 10 mantissa bits in
 * the top of float32's 23: that float32 is h's value times 2^-112 (a subnormal h gives a subnormal
 * float32 of the same digits), and one multiplication by 2^112 makes it exact. The build never
 * stores infinities or NaN.
 */
// @ts-ignore: decorator
@inline export function half(h: u32): f32 {
  return halfBits(h) * HALF_UP;
}

/** weight k: f32, or float16 bits (W = u16) widened */
// @ts-ignore: decorator
@inline function wAt<W>(weights: usize, k: usize): f32 {
  if (isInteger<W>()) return half(<u32>load<u16>(weights + (k << 1)));
  return load<f32>(weights + (k << 2));
}

/** byte address of target word k (T: u16 or u32) */
// @ts-ignore: decorator
@inline function tgtAt<T>(syn: usize, k: usize): usize {
  return <usize>load<T>(syn + (k << alignof<T>()));
}

/** Synapses k..k+3 into the ring row at base, one after the other (targets may repeat). */
// @ts-ignore: decorator
@inline function add4<T, W>(base: usize, syn: usize, weights: usize, k: usize): void {
  const a0 = base + (tgtAt<T>(syn, k) << 2);
  store<f32>(a0, load<f32>(a0) + wAt<W>(weights, k));
  const a1 = base + (tgtAt<T>(syn, k + 1) << 2);
  store<f32>(a1, load<f32>(a1) + wAt<W>(weights, k + 1));
  const a2 = base + (tgtAt<T>(syn, k + 2) << 2);
  store<f32>(a2, load<f32>(a2) + wAt<W>(weights, k + 2));
  const a3 = base + (tgtAt<T>(syn, k + 3) << 2);
  store<f32>(a3, load<f32>(a3) + wAt<W>(weights, k + 3));
}

/** propagate with one delay for every synapse: the ring row at base. */
// @ts-ignore: decorator
@inline function constRows<T, W>(
  nSpikes: i32, spikes: usize, rp: usize, syn: usize, weights: usize, constWeight: f32, base: usize,
): i32 {
  let events: u32 = 0;
  if (weights == 0) {
    for (let s: i32 = 0; s < nSpikes; s++) {
      const rowAddr = rp + (<usize>load<u32>(spikes + (<usize>s << 2)) << 2);
      let k = <usize>load<u32>(rowAddr);
      const e = <usize>load<u32>(rowAddr, 4);
      events += <u32>(e - k);
      // 4-way unrolled; sequential read-modify-write keeps the order (targets may repeat)
      const e4 = k + ((e - k) & ~(<usize>3));
      for (; k < e4; k += 4) {
        const a0 = base + (tgtAt<T>(syn, k) << 2);
        store<f32>(a0, load<f32>(a0) + constWeight);
        const a1 = base + (tgtAt<T>(syn, k + 1) << 2);
        store<f32>(a1, load<f32>(a1) + constWeight);
        const a2 = base + (tgtAt<T>(syn, k + 2) << 2);
        store<f32>(a2, load<f32>(a2) + constWeight);
        const a3 = base + (tgtAt<T>(syn, k + 3) << 2);
        store<f32>(a3, load<f32>(a3) + constWeight);
      }
      for (; k < e; k++) {
        const a = base + (tgtAt<T>(syn, k) << 2);
        store<f32>(a, load<f32>(a) + constWeight);
      }
    }
    return <i32>events;
  }
  for (let s: i32 = 0; s < nSpikes; s++) {
    const rowAddr = rp + (<usize>load<u32>(spikes + (<usize>s << 2)) << 2);
    let k = <usize>load<u32>(rowAddr);
    const e = <usize>load<u32>(rowAddr, 4);
    events += <u32>(e - k);
    const e4 = k + ((e - k) & ~(<usize>3));
    if (ASC_FEATURE_SIMD && !isInteger<W>()) {
      // Dense rows (e.g. all-to-all: the row's targets run first..first+len-1): four synapses
      // whose targets are consecutive update four distinct ring cells, so one f32x4 add gives
      // the bits of the four sequential adds. Checked per group of four; other groups take the
      // scalar code. Only tried when the row's first and last targets span exactly its length.
      // Eight at a time while the row stays dense, then groups of four.
      if (e4 > k && tgtAt<T>(syn, e - 1) - tgtAt<T>(syn, k) == e - k - 1) {
        const iota = i32x4(0, 1, 2, 3);
        const four = i32x4.splat(4);
        const e8 = k + ((e - k) & ~(<usize>7));
        for (; k < e8; k += 8) {
          const tp = syn + (k << alignof<T>());
          const wp = weights + (k << 2);
          const tv = sizeof<T>() == 2 ? v128.load16x4_u(tp) : v128.load(tp);
          const tw = sizeof<T>() == 2 ? v128.load16x4_u(tp, 8) : v128.load(tp, 16);
          const t0 = i32x4.extract_lane(tv, 0);
          const ex = i32x4.add(i32x4.splat(t0), iota);
          if (i32x4.all_true(v128.and(i32x4.eq(tv, ex), i32x4.eq(tw, i32x4.add(ex, four))))) {
            const a = base + (<usize><u32>t0 << 2);
            v128.store(a, f32x4.add(v128.load(a), v128.load(wp)));
            v128.store(a, f32x4.add(v128.load(a, 16), v128.load(wp, 16)), 16);
          } else break;
        }
        for (; k < e4; k += 4) {
          const tp = syn + (k << alignof<T>());
          const wp = weights + (k << 2);
          const tv = sizeof<T>() == 2 ? v128.load16x4_u(tp) : v128.load(tp);
          const t0 = i32x4.extract_lane(tv, 0);
          if (i32x4.all_true(i32x4.eq(tv, i32x4.add(i32x4.splat(t0), iota)))) {
            const a = base + (<usize><u32>t0 << 2);
            v128.store(a, f32x4.add(v128.load(a), v128.load(wp)));
          } else add4<T, W>(base, syn, weights, k);
        }
      }
    }
    for (; k < e4; k += 4) add4<T, W>(base, syn, weights, k);
    for (; k < e; k++) {
      const a = base + (tgtAt<T>(syn, k) << 2);
      store<f32>(a, load<f32>(a) + wAt<W>(weights, k));
    }
  }
  return <i32>events;
}

/** propagate with delays by run: the ring row of a run's slot is found once for its synapses. */
// @ts-ignore: decorator
@inline function runRows<T, W>(
  nSpikes: i32, spikes: usize, rp: usize, syn: usize, weights: usize, constWeight: f32,
  runPtr: usize, runs: usize, constDelay: i32, ring: usize, nTarget: i32, slots: i32, slotNow: i32,
): i32 {
  // byte offsets relative to the ring (no address wrap-around even at the top of memory)
  const rowBytes = <usize>nTarget << 2;
  const wrap = <usize>slots * rowBytes;
  const now = <usize>slotNow * rowBytes;
  let events: u32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const src = <usize>load<u32>(spikes + (<usize>s << 2));
    const rowAddr = rp + (src << 2);
    let k = <usize>load<u32>(rowAddr);
    events += load<u32>(rowAddr, 4) - <u32>k;
    const runAddr = runPtr + (src << 2);
    const re = <usize>load<u32>(runAddr, 4);
    let d = <usize>constDelay;
    for (let r = <usize>load<u32>(runAddr); r < re; r++) {
      const v = <usize>load<u8>(runs + r);
      d += v >>> RUN_COUNT_BITS;
      let off = now + d * rowBytes;
      off = select<usize>(off - wrap, off, off >= wrap);
      const base = ring + off;
      const e = k + (v & RUN_COUNT_MAX);
      if (weights == 0) {
        for (; k < e; k++) {
          const a = base + (tgtAt<T>(syn, k) << 2);
          store<f32>(a, load<f32>(a) + constWeight);
        }
      } else {
        for (; k < e; k++) {
          const a = base + (tgtAt<T>(syn, k) << 2);
          store<f32>(a, load<f32>(a) + wAt<W>(weights, k));
        }
      }
    }
  }
  return <i32>events;
}

/**
 * Deferred delivery: the additions of propagate (same arguments, synapses and order), kept instead
 * of made. Each becomes an entry (cell byte address: u32, weight: f32; one 8-byte word) appended to
 * the bucket of its ring slot b: fill[b] entries at buckets + b*cap*8. A full bucket is first
 * applied to the ring in order and emptied, so memory stays bounded; defer_flush(b) applies the
 * rest before slot b is read. Every cell thus receives its additions in emission order, exactly
 * as with propagate, but one slot at a time: the cells one flush touches (one slot of every ring of
 * the shard) stay in cache, where propagate's additions land anywhere in rings of slots × cells
 * floats. fill: u32[slots]; cap > 0. Returns the events.
 */
export function defer_propagate(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, weights: usize,
  constWeight: f32, format: i32, runPtr: usize, runs: usize, constDelay: i32, ring: usize, nTarget: i32,
  slots: i32, slotNow: i32, buckets: usize, cap: i32, fill: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    checkDelivery(nSpikes, spikes, rowPtr, syn, weights, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow);
    checkBuckets(slots, buckets, cap, fill);
  }
  // a factor of 1 for every spike: the same bits as the weights themselves (x * 1 = x)
  if ((format & 1) != 0)
    return (format & 2) != 0 ? deliverScaled<u16, u16>(nSpikes, spikes, 0, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill) : deliverScaled<u16, f32>(nSpikes, spikes, 0, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill);
  return (format & 2) != 0 ? deliverScaled<u32, u16>(nSpikes, spikes, 0, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill) : deliverScaled<u32, f32>(nSpikes, spikes, 0, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill);
}

/**
 * Delivery with a factor per spike (short-term plasticity, src/sim/short-term.ts): the synapses and
 * order of propagate, each addition being weight * scales[s] (one float32 product) for the s-th
 * spike; into the ring directly (buckets = 0) or, as defer_propagate, into the slot buckets.
 * scales: f32[nSpikes]. Returns the events.
 */
export function propagate_scaled(
  nSpikes: i32, spikes: usize, scales: usize, rowPtr: usize, syn: usize, weights: usize,
  constWeight: f32, format: i32, runPtr: usize, runs: usize, constDelay: i32, ring: usize, nTarget: i32,
  slots: i32, slotNow: i32, buckets: usize, cap: i32, fill: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    checkDelivery(nSpikes, spikes, rowPtr, syn, weights, format, runPtr, runs, constDelay, ring, nTarget, slots, slotNow);
    assert(inBounds(scales, <u64>nSpikes << 2, 4), "propagate_scaled: scales out of bounds or misaligned");
    if (buckets != 0) checkBuckets(slots, buckets, cap, fill);
  }
  if ((format & 1) != 0)
    return (format & 2) != 0 ? deliverScaled<u16, u16>(nSpikes, spikes, scales, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill) : deliverScaled<u16, f32>(nSpikes, spikes, scales, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill);
  return (format & 2) != 0 ? deliverScaled<u32, u16>(nSpikes, spikes, scales, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill) : deliverScaled<u32, f32>(nSpikes, spikes, scales, rowPtr, syn, weights, constWeight, runPtr, runs, constDelay, ring, nTarget, slots, slotNow, buckets, cap, fill);
}

/**
 * The delivery of propagate_scaled and defer_propagate: weight * factor (factor 1 when scales = 0)
 * into the ring (buckets = 0) or appended to the bucket of its slot, in propagate's order.
 */
// @ts-ignore: decorator
@inline
function deliverScaled<T, W>(
  nSpikes: i32, spikes: usize, scales: usize, rowPtr: usize, syn: usize, weights: usize,
  constWeight: f32, runPtr: usize, runs: usize, constDelay: i32, ring: usize, nTarget: i32,
  slots: i32, slotNow: i32, buckets: usize, cap: i32, fill: usize,
): i32 {
  const rowBytes = <usize>nTarget << 2;
  let events: u32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const src = <usize>load<u32>(spikes + (<usize>s << 2));
    const rowAddr = rowPtr + (src << 2);
    let k = <usize>load<u32>(rowAddr);
    const rowEnd = <usize>load<u32>(rowAddr, 4);
    const f: f32 = scales != 0 ? load<f32>(scales + (<usize>s << 2)) : 1;
    const cw = constWeight * f;
    events += <u32>(rowEnd - k);
    // the row as its runs (one run of the whole row when every delay is constDelay)
    let r: usize = 0, re: usize = 1;
    if (runPtr != 0) {
      r = <usize>load<u32>(runPtr + (src << 2));
      re = <usize>load<u32>(runPtr + (src << 2), 4);
    }
    let d = <usize>constDelay;
    for (; r < re; r++) {
      let e: usize;
      if (runPtr != 0) {
        const v = <usize>load<u8>(runs + r);
        d += v >>> RUN_COUNT_BITS;
        e = k + (v & RUN_COUNT_MAX);
      } else {
        e = rowEnd;
      }
      let slot = <usize>slotNow + d;
      slot = select<usize>(slot - <usize>slots, slot, slot >= <usize>slots);
      const base = ring + slot * rowBytes;
      if (weights == 0) {
        k = runInto<T, u8>(syn, 0, k, e, cw, base, buckets, cap, fill, slot);
      } else if (!isInteger<W>() || abs<f32>(f) < 32768) {
        // float16: each weight's bits as a float32 of value w * 2^-112 (exact), times f * 2^112
        // (exact for |f| < 2^15): w * f rounded once, as the float32 weight would give
        k = runInto<T, W>(syn, weights, k, e, isInteger<W>() ? f * HALF_UP : f, base, buckets, cap, fill, slot);
      } else {
        for (; k < e; k++) {
          const w = half(<u32>load<u16>(weights + (k << 1))) * f;
          const a = base + (tgtAt<T>(syn, k) << 2);
          if (buckets == 0) store<f32>(a, load<f32>(a) + w);
          else deferOne(a, w, buckets + slot * (<usize>cap << 3), cap, fill + (slot << 2));
        }
      }
    }
  }
  return <i32>events;
}

/** 2^112: float16 bits shifted into a float32 (halfBits) times this are the float16's value */
const HALF_UP: f32 = 5.192296858534828e33;

/** float16 bits h as a float32 of value h's times 2^-112 (exact; see half) */
// @ts-ignore: decorator
@inline function halfBits(h: u32): f32 {
  return reinterpret<f32>(((<i32>(h << 16)) >> 3) & 0x8fffffff);
}

/** weight k times F: W = f32 the weight, u16 halfBits of its float16 bits, u8 none (F is the weight) */
// @ts-ignore: decorator
@inline function wTimes<W>(weights: usize, k: usize, F: f32): f32 {
  if (sizeof<W>() == 1) return F;
  if (isInteger<W>()) return halfBits(<u32>load<u16>(weights + (k << 1))) * F;
  return load<f32>(weights + (k << 2)) * F;
}

/**
 * Synapses k..e of one run, into the ring row at base or (buckets != 0) deferred into the slot's
 * bucket: wTimes<W>(weights, k, F) each. The bucket's capacity is checked per chunk, not per synapse; a full bucket is
 * applied before the next entry, as deferOne does. Returns e.
 */
// @ts-ignore: decorator
@inline function runInto<T, W>(
  syn: usize, weights: usize, k: usize, e: usize, F: f32, base: usize, buckets: usize, cap: i32, fill: usize, slot: usize,
): usize {
  if (buckets == 0) {
    for (; k < e; k++) {
      const w = wTimes<W>(weights, k, F);
      const a = base + (tgtAt<T>(syn, k) << 2);
      store<f32>(a, load<f32>(a) + w);
    }
    return e;
  }
  const fp = fill + (slot << 2);
  const bucket = buckets + slot * (<usize>cap << 3);
  let c = <usize>load<u32>(fp);
  while (k < e) {
    if (c == <usize>cap) {
      applyEntries(bucket, c);
      c = 0;
    }
    const stop = k + min<usize>(e - k, <usize>cap - c);
    let q = bucket + (c << 3);
    c += stop - k;
    if (ASC_FEATURE_SIMD) {
      // four entries at a time: the same addresses and weight bits as the scalar loop below (the
      // lane-wise shift, add, widening and product are those of the scalar code), interleaved
      // into two 16-byte stores
      const vBase = i32x4.splat(<i32>base);
      const vF = f32x4.splat(F);
      const s4 = k + ((stop - k) & ~(<usize>3));
      for (; k < s4; k += 4, q += 32) {
        const t = sizeof<T>() == 2 ? v128.load16x4_u(syn + (k << 1)) : v128.load(syn + (k << 2));
        const a = i32x4.add(vBase, i32x4.shl(t, 2));
        let w: v128;
        if (sizeof<W>() == 1) w = vF;
        else if (isInteger<W>()) {
          const h = v128.load16x4_u(weights + (k << 1));
          w = f32x4.mul(v128.and(i32x4.shr_s(i32x4.shl(h, 16), 3), i32x4.splat(0x8fffffff)), vF);
        } else w = f32x4.mul(v128.load(weights + (k << 2)), vF);
        v128.store(q, i32x4.shuffle(a, w, 0, 4, 1, 5));
        v128.store(q, i32x4.shuffle(a, w, 2, 6, 3, 7), 16);
      }
    }
    for (; k < stop; k++, q += 8) {
      const w = wTimes<W>(weights, k, F);
      store<u64>(q, <u64><u32>(base + (tgtAt<T>(syn, k) << 2)) | (<u64>reinterpret<u32>(w) << 32));
    }
  }
  store<u32>(fp, <u32>c);
  return e;
}

/** One deferred addition into a slot's bucket (fp: its fill), applying the bucket first if full. */
function deferOne(a: usize, w: f32, bucket: usize, cap: i32, fp: usize): void {
  let c = <usize>load<u32>(fp);
  if (c == <usize>cap) {
    applyEntries(bucket, c);
    c = 0;
  }
  store<u64>(bucket + (c << 3), <u64><u32>a | (<u64>reinterpret<u32>(w) << 32));
  store<u32>(fp, <u32>(c + 1));
}

/** Apply the deferred additions of ring slot `slot` in the order they were made, and empty its bucket. */
export function defer_flush(slot: i32, slots: i32, buckets: usize, cap: i32, fill: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(slot >= 0 && slot < slots, "defer_flush: slot outside [0, slots)");
    checkBuckets(slots, buckets, cap, fill);
  }
  const fp = fill + (<usize>slot << 2);
  applyEntries(buckets + <usize>slot * (<usize>cap << 3), <usize>load<u32>(fp));
  store<u32>(fp, 0);
}

/**
 * Bring the `bytes` bytes at ptr (a ring slot about to be flushed) into the cache: one load per
 * 64-byte line, in address order, so that the hardware streams them. defer_flush then adds its
 * entries, in random order, into cached cells instead of memory, and the neuron update that reads
 * the slot next finds it there too. Changes nothing; returns the loaded words xor-ed (so that the
 * loads are kept).
 */
export function touch_lines(ptr: usize, bytes: i32): u32 {
  if (!ASC_NO_ASSERT) assert(bytes >= 0 && inBounds(ptr, <u64>bytes, 1), "touch_lines: out of bounds");
  let x: u32 = 0;
  if (bytes <= 0) return x;
  const end = ptr + <usize>bytes;
  for (let p = ptr & ~(<usize>63); p < end; p += 64) x ^= load<u8>(max<usize>(p, ptr));
  return x;
}

/** f32[address] += weight for n entries (u32 address, f32 weight) from p, in order. */
// @ts-ignore: decorator
@inline
function applyEntries(p: usize, n: usize): void {
  const end = p + (n << 3);
  // four at a time, each read-modify-write after the one before (an address may repeat)
  const end4 = p + ((n & ~(<usize>3)) << 3);
  for (; p < end4; p += 32) {
    const a0 = <usize>load<u32>(p);
    store<f32>(a0, load<f32>(a0) + load<f32>(p, 4));
    const a1 = <usize>load<u32>(p, 8);
    store<f32>(a1, load<f32>(a1) + load<f32>(p, 12));
    const a2 = <usize>load<u32>(p, 16);
    store<f32>(a2, load<f32>(a2) + load<f32>(p, 20));
    const a3 = <usize>load<u32>(p, 24);
    store<f32>(a3, load<f32>(a3) + load<f32>(p, 28));
  }
  for (; p < end; p += 8) {
    const a = <usize>load<u32>(p);
    store<f32>(a, load<f32>(a) + load<f32>(p, 4));
  }
}

/** The bucket checks of defer_propagate and defer_flush (debug builds). */
function checkBuckets(slots: i32, buckets: usize, cap: i32, fill: usize): void {
  assert(slots > 0 && cap > 0, "defer: slots <= 0 or cap <= 0");
  assert(inBounds(fill, <u64>slots << 2, 4), "defer: fill out of bounds or misaligned");
  assert(inBounds(buckets, (<u64>slots * <u64>cap) << 3, 8), "defer: buckets out of bounds or misaligned");
  for (let b: i32 = 0; b < slots; b++) assert(load<u32>(fill + (<usize>b << 2)) <= <u32>cap, "defer: fill[slot] > cap");
}

/** The argument and synapse checks of propagate and defer_propagate (debug builds). */
function checkDelivery(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, weights: usize, format: i32, runPtr: usize, runs: usize,
  constDelay: i32, ring: usize, nTarget: i32, slots: i32, slotNow: i32,
): void {
  const tgt16 = format & 1;
  const wb: u32 = (format & 2) != 0 ? 1 : 2;
  assert((format & ~3) == 0, "propagate: format has bits other than 16-bit targets and float16 weights");
  assert(nSpikes >= 0 && nTarget >= 0, "propagate: nSpikes < 0 or nTarget < 0");
  assert(slots > 0 && slotNow >= 0 && slotNow < slots, "propagate: slotNow outside [0, slots)");
  assert(inBounds(spikes, <u64>nSpikes << 2, 4), "propagate: spikes out of bounds or misaligned");
  assert(inBounds(ring, (<u64>slots * <u64>nTarget) << 2, 4), "propagate: ring out of bounds or misaligned");
  assert(inBounds(rowPtr, 4, 4), "propagate: rowPtr out of bounds or misaligned");
  const tb: u32 = tgt16 != 0 ? 1 : 2;
  assert((syn & ((1 << tb) - 1)) == 0 && (weights & ((1 << wb) - 1)) == 0, "propagate: syn/weights misaligned");
  assert(tgt16 == 0 || nTarget <= 0x10000, "propagate: 16-bit targets with nTarget > 2^16");
  assert(constDelay >= 0 && constDelay <= slots, "propagate: constDelay outside [0, slots]");
  assert(runPtr == 0 || inBounds(runPtr, 4, 4), "propagate: runPtr out of bounds or misaligned");
  for (let s: i32 = 0; s < nSpikes; s++) {
    const src = load<u32>(spikes + (<usize>s << 2));
    const b = load<u32>(rowPtr + (<usize>src << 2));
    const e = load<u32>(rowPtr + (<usize>src << 2), 4);
    assert(b <= e, "propagate: rowPtr not ascending");
    assert(inBounds(syn, <u64>e << tb, 1 << tb), "propagate: syn out of bounds");
    assert(weights == 0 || inBounds(weights, <u64>e << wb, 1 << wb), "propagate: weights out of bounds");
    if (weights != 0 && wb == 1)
      for (let k = b; k < e; k++) assert((load<u16>(weights + (<usize>k << 1)) & 0x7c00) != 0x7c00, "propagate: a float16 weight is infinite or NaN");
    for (let k = b; k < e; k++) {
      const v = tgt16 != 0 ? <u32>load<u16>(syn + (<usize>k << 1)) : load<u32>(syn + (<usize>k << 2));
      assert(v < <u32>nTarget, "propagate: target index >= nTarget");
    }
    if (runPtr != 0) {
      const rb = load<u32>(runPtr + (<usize>src << 2));
      const rend = load<u32>(runPtr + (<usize>src << 2), 4);
      assert(rb <= rend && inBounds(runs, <u64>rend, 1), "propagate: runs out of bounds");
      let n: u32 = 0;
      let d = constDelay;
      for (let r = rb; r < rend; r++) {
        const v = <u32>load<u8>(runs + <usize>r);
        d += <i32>(v >>> RUN_COUNT_BITS);
        assert(d <= slots, "propagate: delay > slots");
        n += v & RUN_COUNT_MAX;
      }
      assert(n == e - b, "propagate: the runs do not cover the row");
    }
  }
}
