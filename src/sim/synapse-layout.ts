/**
 * The synapses of one projection in one shard, as the kernels read them (assembly/propagate.ts):
 *
 *   rowPtr  u32[nSrc + 1]: row s (the synapses from source s) is rowPtr[s]..rowPtr[s+1]
 *   syn     the target of every synapse, its index in the shard's slice of the target population:
 *           u16[nSyn] when the slice has at most 2^16 neurons (`tgt16`), else u32[nSyn]
 *   weights f32[nSyn], or with `weight_precision: "float16"` (w16) the float16 bits of each weight
 *           (u16[nSyn], rounded to nearest, ties to even), or 0 when every weight is constWeight
 *   delays  constDelay (steps) when every synapse has it (runPtr = 0); else, per row, runs of
 *           synapses of one delay: runPtr u32[nSrc + 1] and runs u8[nRuns], row s's runs being
 *           runs[runPtr[s]..runPtr[s+1]), each one byte `step << 5 | count`: the delay, which starts
 *           each row at constDelay (the least delay of the projection's synapses in the shard),
 *           advances by step (0..7), then the row's next count (0..31) synapses have it. The runs
 *           cover the row in order; a gap of more than 7 steps takes runs of no synapses, a delay
 *           of more than 31 synapses runs of step 0
 *
 * Within a row the synapses are ordered by delay, then by target, multapses (same source, target
 * and delay) in the order the connectivity generated them. A ring cell (slot, target) receives, from
 * one spike, exactly the synapses to that target with that delay, in the same relative order as
 * any stable reordering by delay keeps, so the float32 sums are those of target-ordered rows.
 * A synapse costs 2 or 4 bytes of target and 0, 2 or 4 of weight; a run 1 byte for up to 31.
 *
 * The connectivity build (and a snapshot's restore) first writes each row in target order, its
 * words `delay << 24 | target` when delays vary; compactRows rewrites them into this layout in
 * place, so the arena never holds both.
 */
import type { Backend } from '../backend/types.ts';
import { RUN_COUNT_BITS, RUN_COUNT_MAX, RUN_STEP_MAX, TGT16_MAX } from '../core/layout.ts';
import { halfTable } from '../backend/js/propagate.ts';
import { ModelError } from '../network/errors.ts';

/** An allocator whose last allocations can be given back (a bump allocator: ArenaAllocator). */
export interface SynapseAllocator {
  alloc(name: string, bytes: number): number;
  /** free everything allocated at or above byte offset `at` (the allocations were made under `name`) */
  release(name: string, at: number): void;
}

export interface SynapseLayout {
  /** byte offsets in the arena: u32[nSrc + 1], targets u16/u32[nSyn], f32[nSyn] or 0 */
  rowPtr: number;
  syn: number;
  weights: number;
  /** the weight of every synapse when weights === 0 (float32) */
  constWeight: number;
  /** 1: syn is u16[nSyn]; 0: u32[nSyn] */
  tgt16: number;
  /** 1: weights are float16 bits, u16[nSyn]; 0: f32[nSyn] (or none) */
  w16: number;
  /** delay in steps of every synapse when runPtr === 0; else the delay each row's runs start from */
  constDelay: number;
  /** per-synapse delays: byte offsets of runPtr u32[nSrc + 1] and runs u8[nRuns]; 0 when constant */
  runPtr: number;
  runs: number;
  nRuns: number;
  nSyn: number;
  /** arena bytes allocated for the projection (every array rounded up to 16, at least 16) */
  bytes: number;
}

const ALIGN = 16;
const allocBytes = (b: number) => Math.max(ALIGN, Math.ceil(b / ALIGN) * ALIGN);

/** Bytes of a projection's arrays: rowPtr, targets, weights and the runs (as allocated). */
export function layoutBytes(nSrc: number, nSyn: number, tgt16: boolean, weightBytes: number, runs: number | null): number {
  return allocBytes((nSrc + 1) * 4) + allocBytes(nSyn * (tgt16 ? 2 : 4)) + (weightBytes ? allocBytes(nSyn * weightBytes) : 0) +
    (runs === null ? 0 : allocBytes((nSrc + 1) * 4) + allocBytes(runs));
}

/**
 * The runs of `count` synapses of delay `d` after delay `prev` (the row's previous run's, or
 * constDelay) written at runs[q..] (only counted when runs is null); returns the position after them.
 */
export function encodeRuns(runs: Uint8Array | null, q: number, prev: number, d: number, count: number): number {
  let gap = d - prev;
  for (; gap > RUN_STEP_MAX; gap -= RUN_STEP_MAX) {
    if (runs) runs[q] = RUN_STEP_MAX << RUN_COUNT_BITS;
    q++;
  }
  let c = Math.min(count, RUN_COUNT_MAX);
  if (runs) runs[q] = (gap << RUN_COUNT_BITS) | c;
  q++;
  for (let left = count - c; left > 0; left -= c) {
    c = Math.min(left, RUN_COUNT_MAX);
    if (runs) runs[q] = c;
    q++;
  }
  return q;
}

/**
 * Rewrite a projection's target-ordered rows (rowPtr at `rowPtr`, n words at `syn`: `delay << 24 |
 * target` when `varying`, else the target; weights f32[n] at `weights` or 0; the three allocated
 * in this order under `name`, the last allocation of `arena`) into the layout above. Returns the
 * layout and, with `permutation`, every synapse's new position by its old one.
 */
export function compactRows(
  backend: Backend, arena: SynapseAllocator, name: string,
  p: { rowPtr: number; syn: number; weights: number; constWeight: number; constDelay: number; nSyn: number },
  nSrc: number, nTarget: number, varying: boolean, permutation = false, half: string | null = null,
): { layout: SynapseLayout; perm: Uint32Array | null } {
  const n = p.nSyn;
  const tgt16 = nTarget <= TGT16_MAX;
  const hasW = p.weights !== 0;
  const buf = backend.buffer;
  const rowPtr = new Uint32Array(buf, p.rowPtr, nSrc + 1);
  const words = new Uint32Array(buf, p.syn, n);
  const perm = permutation ? new Uint32Array(n) : null;
  if (perm) for (let k = 0; k < n; k++) perm[k] = k;

  // the runs, and (in place, row by row) the order by delay of the words, weights and permutation
  let runPtr: Uint32Array | null = null;
  let runs: Uint8Array | null = null;
  let base = 0;
  if (varying) {
    runPtr = new Uint32Array(nSrc + 1);
    base = 255;
    for (let k = 0; k < n; k++) base = Math.min(base, words[k] >>> 24);
    if (n === 0) base = p.constDelay;
    let nRuns = 0;
    const count = new Uint32Array(256);
    for (let s = 0; s < nSrc; s++) {
      const b = rowPtr[s], e = rowPtr[s + 1];
      let lo = 255, hi = 0;
      for (let k = b; k < e; k++) {
        const d = words[k] >>> 24;
        count[d]++;
        if (d < lo) lo = d;
        if (d > hi) hi = d;
      }
      for (let d = lo, prev = base; d <= hi; d++) {
        if (count[d] === 0) continue;
        nRuns = encodeRuns(null, nRuns, prev, d, count[d]);
        prev = d;
        count[d] = 0;
      }
      runPtr[s + 1] = nRuns;
    }
    runs = new Uint8Array(nRuns);
    const w = hasW ? new Float32Array(buf, p.weights, n) : null;
    let maxRow = 0;
    for (let s = 0; s < nSrc; s++) maxRow = Math.max(maxRow, rowPtr[s + 1] - rowPtr[s]);
    const tw = new Uint32Array(maxRow), tf = hasW ? new Float32Array(maxRow) : null, tp = perm ? new Uint32Array(maxRow) : null;
    const start = new Uint32Array(257);
    for (let s = 0; s < nSrc; s++) {
      const b = rowPtr[s], e = rowPtr[s + 1];
      if (e === b) continue;
      let lo = 255, hi = 0;
      for (let k = b; k < e; k++) {
        const d = words[k] >>> 24;
        count[d]++;
        if (d < lo) lo = d;
        if (d > hi) hi = d;
      }
      // stable counting sort of the row by delay
      start[lo] = 0;
      for (let d = lo; d <= hi; d++) start[d + 1] = start[d] + count[d];
      let r = runPtr[s];
      for (let d = lo, prev = base; d <= hi; d++) {
        if (count[d] === 0) continue;
        r = encodeRuns(runs, r, prev, d, count[d]);
        prev = d;
        count[d] = 0;
      }
      if (lo === hi) continue; // one delay: the row is in order already
      const len = e - b;
      tw.set(words.subarray(b, e));
      if (tf) tf.set(w!.subarray(b, e));
      if (tp) tp.set(perm!.subarray(b, e));
      for (let i = 0; i < len; i++) {
        const j = b + start[tw[i] >>> 24]++;
        words[j] = tw[i];
        if (tf) w![j] = tf[i];
        if (tp) perm![j] = tp[i];
      }
    }
  }
  // perm holds old positions by new one: invert it
  let inv: Uint32Array | null = null;
  if (perm) {
    inv = new Uint32Array(n);
    for (let j = 0; j < n; j++) inv[perm[j]] = j;
  }

  // targets without the delay, 16-bit where they fit; the weights moved down after them
  const synBytes = allocBytes(n * (tgt16 ? 2 : 4));
  if (tgt16) {
    const t16 = new Uint16Array(buf, p.syn, n);
    for (let k = 0; k < n; k++) t16[k] = words[k] & 0xffff; // k-th u16 lies at or below the k-th u32
  } else if (varying) for (let k = 0; k < n; k++) words[k] &= 0xffffff;
  // float16 weights (half: the field to name if one is out of range): written over their float32 in place
  const wb = hasW && half !== null ? 2 : 4;
  if (hasW && half !== null) {
    const w32 = new Float32Array(buf, p.weights, n), w16 = new Uint16Array(buf, p.weights, n);
    for (let k = 0; k < n; k++) {
      const h = toHalf(w32[k]); // the k-th u16 lies at or below the k-th f32
      if (h < 0) throw new ModelError([{ path: half, message: `a weight of ${w32[k]} is outside float16's finite range (|w| <= 65504): use float32` }]);
      w16[k] = h;
    }
  }
  const weights = hasW ? p.syn + synBytes : 0;
  if (hasW && weights !== p.weights) new Uint8Array(buf).copyWithin(weights, p.weights, p.weights + n * wb);

  // the arena from syn on: targets, weights, then the runs. A bump allocator gives the same
  // offsets back; one that leaves gaps places them higher (the weights move first: their new
  // place lies above the targets' old one)
  arena.release(name, p.syn);
  const syn = arena.alloc(name, n * (tgt16 ? 2 : 4));
  const w2 = hasW ? arena.alloc(name, n * wb) : 0;
  const bytes = new Uint8Array(backend.buffer);
  if (w2 !== weights) bytes.copyWithin(w2, weights, weights + n * wb);
  if (syn !== p.syn) bytes.copyWithin(syn, p.syn, p.syn + n * (tgt16 ? 2 : 4));
  let rp = 0, ru = 0;
  if (runPtr && runs) {
    rp = arena.alloc(name, (nSrc + 1) * 4);
    ru = arena.alloc(name, runs.length);
    const b2 = backend.buffer;
    new Uint32Array(b2, rp, nSrc + 1).set(runPtr);
    new Uint8Array(b2, ru, runs.length).set(runs);
  }
  return {
    layout: {
      rowPtr: p.rowPtr, syn, weights: w2, constWeight: p.constWeight, tgt16: tgt16 ? 1 : 0, w16: wb === 2 ? 1 : 0,
      constDelay: varying ? base : p.constDelay, runPtr: rp, runs: ru, nRuns: runs ? runs.length : 0, nSyn: n,
      bytes: layoutBytes(nSrc, n, tgt16, hasW ? wb : 0, runs ? runs.length : null),
    },
    perm: inv,
  };
}

const f32b = new Float32Array(1);
const u32b = new Uint32Array(f32b.buffer);

/** float32 x to float16 bits, rounded to nearest, ties to even; -1 when it is not finite in float16. */
export function toHalf(x: number): number {
  f32b[0] = x;
  const b = u32b[0];
  const sign = (b >>> 16) & 0x8000;
  const e = ((b >>> 23) & 0xff) - 112; // the float16 exponent field
  const m = b & 0x7fffff;
  if (((b >>> 23) & 0xff) === 255 || e >= 31) return -1;
  if (e <= 0) {
    // a float16 subnormal (or zero): (m | 2^23) >> (14 - e), rounded
    if (e < -10) return sign;
    const M = m | 0x800000, shift = 14 - e;
    let h = M >>> shift;
    const rem = M & ((1 << shift) - 1), halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (h & 1) !== 0)) h++;
    return sign | h;
  }
  let h = (e << 10) | (m >>> 13);
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++; // a carry into the exponent is right
  if (h >= 0x7c00) return -1;
  return sign | h;
}

/** The weights of a layout as float32 (float16 ones widened: src/backend/js/propagate.ts halfTable), a copy; null when constant. */
export function weightsOf(buffer: ArrayBufferLike, l: SynapseLayout): Float32Array | null {
  if (!l.weights) return null;
  if (!l.w16) return new Float32Array(buffer, l.weights, l.nSyn).slice();
  const h = new Uint16Array(buffer, l.weights, l.nSyn);
  const out = new Float32Array(l.nSyn);
  const H = halfTable();
  for (let k = 0; k < l.nSyn; k++) out[k] = H[h[k]];
  return out;
}

/** The delivery kernels' `format` argument of a layout: bit 0 16-bit targets, bit 1 float16 weights. */
export function formatOf(l: SynapseLayout): number {
  return l.tgt16 | (l.w16 << 1);
}

/** The targets of a layout, a view into the arena. */
export function targetsOf(buffer: ArrayBufferLike, l: SynapseLayout): Uint16Array | Uint32Array {
  return l.tgt16 ? new Uint16Array(buffer, l.syn, l.nSyn) : new Uint32Array(buffer, l.syn, l.nSyn);
}

/** Every synapse's delay in steps, in layout order. */
export function delaysOf(buffer: ArrayBufferLike, l: SynapseLayout, nSrc: number): Uint8Array {
  const out = new Uint8Array(l.nSyn);
  if (!l.runPtr) return out.fill(l.constDelay);
  const rp = new Uint32Array(buffer, l.runPtr, nSrc + 1);
  const runs = new Uint8Array(buffer, l.runs, l.nRuns);
  let k = 0;
  for (let s = 0; s < nSrc; s++) {
    let d = l.constDelay;
    for (let r = rp[s]; r < rp[s + 1]; r++) {
      const v = runs[r], c = v & RUN_COUNT_MAX;
      d += v >>> RUN_COUNT_BITS;
      out.fill(d, k, k + c);
      k += c;
    }
  }
  return out;
}

/**
 * Remove synapses in place: keep(k) for every synapse k in layout order (row by row); rowPtr, the
 * targets, the weights, `also` (more per-synapse arrays: f32 or u8 views of nSyn) and the runs are
 * compacted, a row's runs written anew as compactRows writes them (never longer than before: the
 * runs of a row only lose synapses). Returns the new synapse count (the arena keeps its allocation).
 */
export function removeSynapses(
  buffer: ArrayBufferLike, l: SynapseLayout, nSrc: number, keep: (k: number, s: number) => boolean,
  also: (Float32Array | Uint8Array)[] = [],
): number {
  const rowPtr = new Uint32Array(buffer, l.rowPtr, nSrc + 1);
  const tg = targetsOf(buffer, l);
  const w = l.weights ? (l.w16 ? new Uint16Array(buffer, l.weights, l.nSyn) : new Float32Array(buffer, l.weights, l.nSyn)) : null;
  const rp = l.runPtr ? new Uint32Array(buffer, l.runPtr, nSrc + 1) : null;
  const runs = l.runPtr ? new Uint8Array(buffer, l.runs, l.nRuns) : null;
  let row = new Uint8Array(64); // the runs of the row being rewritten, read from this copy
  let j = 0, q = 0;
  let b = rowPtr[0];
  let s = 0;
  /** synapse k of row s moves to j if kept */
  const keepOne = (k: number) => {
    if (!keep(k, s)) return false;
    tg[j] = tg[k];
    if (w) w[j] = w[k];
    for (const a of also) a[j] = a[k];
    j++;
    return true;
  };
  for (; s < nSrc; s++) {
    const e = rowPtr[s + 1];
    rowPtr[s] = j;
    if (!rp || !runs) {
      for (let k = b; k < e; k++) keepOne(k);
    } else {
      const r0 = rp[s], r1 = rp[s + 1];
      if (r1 - r0 > row.length) row = new Uint8Array(2 * (r1 - r0));
      row.set(runs.subarray(r0, r1));
      rp[s] = q;
      let k = b, d = l.constDelay, prev = l.constDelay, kept = 0;
      for (let i = 0; i < r1 - r0; i++) {
        const v = row[i];
        const step = v >>> RUN_COUNT_BITS;
        if (step !== 0 && kept > 0) {
          q = encodeRuns(runs, q, prev, d, kept); // the delay's synapses kept, now that it ends
          prev = d;
          kept = 0;
        }
        d += step;
        for (const stop = k + (v & RUN_COUNT_MAX); k < stop; k++) if (keepOne(k)) kept++;
      }
      if (kept > 0) q = encodeRuns(runs, q, prev, d, kept);
    }
    b = e;
  }
  rowPtr[nSrc] = j;
  if (rp) rp[nSrc] = q;
  l.nSyn = j;
  l.nRuns = q;
  return j;
}
