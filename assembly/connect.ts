// Connectivity of one projection onto one shard's targets, generated inside the arena in two
// passes from the counter-based generator (rng.ts). Mirrored bit for bit by
// src/backend/js/connect.ts; the rules are documented in docs/model-format.md ("How they are drawn").
//
//   connect_count(desc)  regenerates every synapse onto targets [tgtBegin, tgtEnd) and counts them
//                        per source into rowPtr, then prefix-sums: rowPtr[s] = first synapse of row s.
//                        Returns the number of synapses (or a negative CONN_ERR_* code).
//   connect_fill(desc)   regenerates the same synapses in the same order and places each one at
//                        rowPtr[s]++ (syn = local target | delay << 24 when packed, weight), then
//                        shifts rowPtr back: rowPtr[s]..rowPtr[s+1] is row s. Returns the count.
//
// With a source list (CONN_SRC_LIST; fixed_indegree, fixed_total_number, pairwise_bernoulli) the
// count pass also stores each synapse's source in generation order and the fill pass reads them
// back instead of drawing them again (values are still drawn by the fill: the same synapses).
// With constant weights and delays too (CONN_F_PARTITION), the count pass only counts the synapses
// of each bucket (2^shift consecutive sources) and the fill writes each synapse, in generation
// order, as (source & (2^shift - 1)) | local target << shift to its bucket's range of syn, then
// sorts each bucket by source, stably, through the bucket area (sortBuckets): the rows are written
// one bucket at a time, in cache. A bucket larger than the bucket area, or a list without room,
// falls back to counting the rows (leavePartition). The js mirror places the synapses as usual.
//
// Targets are visited in ascending order, so every row's targets ascend (multapses in generation
// order); fixed_outdegree, generated per source, sorts each row stably by target instead.
// The descriptor (layout.ts CONN_*) is written by the host (src/sim/connectivity.ts).

import {
  CONN_RULE, CONN_FLAGS, CONN_NSRC, CONN_NTGT, CONN_TGT_BEGIN, CONN_TGT_END, CONN_K, CONN_SEED,
  CONN_STREAM, CONN_WSTREAM, CONN_DSTREAM, CONN_ROWPTR, CONN_SYN, CONN_WEIGHTS, CONN_COUNTS,
  CONN_EXPL_PTR, CONN_EXPL_SRC, CONN_MARKS, CONN_SORT_TMP, CONN_W_KIND, CONN_D_KIND, CONN_W_ARR,
  CONN_D_ARR, CONN_D_MAX, CONN_NSYN, CONN_ERR_INDEX, CONN_P, CONN_DEG_LO, CONN_DEG_LEN, CONN_DEG_TABLE, CONN_DT, CONN_W_A,
  CONN_W_B, CONN_W_LO, CONN_W_HI, CONN_D_A, CONN_D_B, CONN_D_LO, CONN_D_HI, CONN_ERR_VALUE,
  CONN_DESC_BYTES, CONN_F_NO_AUTAPSES, CONN_F_NO_MULTAPSES, CONN_F_PACKED, CONN_F_W_REDRAW,
  CONN_F_D_REDRAW, RULE_ALL_TO_ALL, RULE_ONE_TO_ONE, RULE_PAIRWISE_BERNOULLI, RULE_FIXED_INDEGREE,
  RULE_FIXED_OUTDEGREE, RULE_FIXED_TOTAL_NUMBER, RULE_EXPLICIT, VAL_CONST, VAL_ARRAY, VAL_UNIFORM,
  VAL_BERNOULLI, CONN_ERR_DELAY_RANGE, CONN_ERR_W_REDRAW, CONN_ERR_D_REDRAW, CONN_ERR_TOO_MANY,
  CONN_MAX_REDRAW, PACKED_MAX_TARGETS, MAX_DELAY_STEPS, CONN_BUCKETS, CONN_BUCKET_CAP, CONN_BUCKET_SHIFT,
  CONN_PHASE, CONN_CHUNK_BEGIN, CONN_CHUNK_END, CONN_IDX, CONN_PHASE_FIRST, CONN_PHASE_LAST, CONN_PHASE_CHUNK,
  CONN_HASH_BITS, CONN_SHEET_CX, CONN_SHEET_CY, CONN_NPC_SRC, CONN_NPC_TGT, CONN_SP_TABLE, CONN_SP_LEN,
  CONN_SPACING, CONN_F_PERIODIC, RULE_SPATIAL_INDEGREE, VAL_DISTANCE, CONN_ERR_SPATIAL, CONN_SPATIAL_MAX_ATTEMPTS,
  CONN_SRC_LIST, CONN_LIST_POS, CONN_LIST_CAP, CONN_F_COUNT_BUCKETS, CONN_F_PARTITION,
} from "./layout";
import { mix32, rngNormal32, rngU32x4 } from "./rng";
import { inBounds } from "./util";

const TWO_M53: f64 = 1.1102230246251565e-16;
const TWO_M24: f64 = 5.9604644775390625e-8;

// ------------------------------------------------------------------------------------------------
// Counter-based draws on a precomputed key: rngU32(key, ctr) with rot = key rotated by 16
// ------------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function rotOf(key: u32): u32 {
  return (key << 16) | (key >>> 16);
}

// @ts-ignore: decorator
@inline function rngAt(key: u32, rot: u32, ctr: u32): u32 {
  return mix32(mix32(key ^ (ctr * 0x9e3779b9)) ^ rot);
}

/** rngKey(seed, stream, index) = mix32(prefix + index) with prefix = keyPrefix(seed, stream). */
// @ts-ignore: decorator
@inline function keyPrefix(seed: u32, stream: u32): u32 {
  return mix32(mix32(seed ^ 0x6a09e667) ^ stream);
}

// @ts-ignore: decorator
@inline function uniform53(a: u32, b: u32): f64 {
  return (<f64>(a >>> 5) * 67108864.0 + <f64>(b >>> 6)) * TWO_M53;
}

/** Counters consumed by the last drawValue. */
let gUsed: u32 = 0;

/**
 * One value of a distribution from (key, counter ctr...): uniform a + b*u (2 counters), bernoulli
 * u < a (2), normal a + b*z with z = rngNormal32(key, ctr/2) (2 per attempt; clipped to [lo, hi], or
 * redrawn up to CONN_MAX_REDRAW times, then NaN). Mirrored by drawValue in src/backend/js/connect.ts.
 */
function drawValue(kind: u32, a: f64, b: f64, lo: f64, hi: f64, redraw: bool, key: u32, ctr: u32): f64 {
  const rot = rotOf(key);
  if (kind == <u32>VAL_UNIFORM) {
    gUsed = 2;
    return a + b * uniform53(rngAt(key, rot, ctr), rngAt(key, rot, ctr + 1));
  }
  if (kind == <u32>VAL_BERNOULLI) {
    gUsed = 2;
    return uniform53(rngAt(key, rot, ctr), rngAt(key, rot, ctr + 1)) < a ? 1.0 : 0.0;
  }
  // normal: the float32 ziggurat rngNormal32 of assembly/rng.ts, draw j = c/2 (counters c, c + 1;
  // c is even: every value consumes an even number of counters)
  let c = ctr;
  for (let k: i32 = 0; k < CONN_MAX_REDRAW; k++) {
    if (!ASC_NO_ASSERT) assert((c & 1) == 0, "drawValue: odd counter");
    const x = a + b * <f64>rngNormal32(key, c >>> 1);
    c += 2;
    if (!redraw) {
      gUsed = 2;
      return x < lo ? lo : x > hi ? hi : x;
    }
    if (x >= lo && x <= hi) {
      gUsed = c - ctr;
      return x;
    }
  }
  gUsed = c - ctr;
  return NaN;
}

// ------------------------------------------------------------------------------------------------
// Fill state (set up once per call from the descriptor)
// ------------------------------------------------------------------------------------------------

let fRowPtr: usize = 0;
let fSyn: usize = 0;
let fW: usize = 0;
let fWKind: u32 = 0;
let fDKind: u32 = 0;
let fPacked: bool = false;
let fWRedraw: bool = false;
let fDRedraw: bool = false;
let fWA: f64 = 0, fWB: f64 = 0, fWLo: f64 = 0, fWHi: f64 = 0;
let fDA: f64 = 0, fDB: f64 = 0, fDLo: f64 = 0, fDHi: f64 = 0;
let fDt: f64 = 1;
let fDMax: f64 = 1;
let fWArr: usize = 0;
let fDArr: usize = 0;
// distance delays (VAL_DISTANCE): the sheet and the shard's first target
let fCx: u32 = 1, fCy: u32 = 1, fNpcS: u32 = 1, fNpcT: u32 = 1;
let fPeriodic: bool = false;
let fSpacing: f64 = 0;
let fTgtBegin: u32 = 0;
// spatial_indegree passes the distance of the synapse being placed (from its column offset) in gDist
let fSpatialDist: bool = false;
let gDist: f64 = 0;
let fHW: u32 = 0; //   key prefix of the weight stream
let fHD: u32 = 0; //   key prefix of the delay stream
// per target (or, for fixed_outdegree, per synapse) value keys and counters; array index
let gWKey: u32 = 0, gWCtr: u32 = 0, gDKey: u32 = 0, gDCtr: u32 = 0, gIdx: u32 = 0;
let gErrValue: f64 = 0;
let gErrWho: u32 = 0;
let gNSyn: u32 = 0;
// placement buckets (fBk == 0: place directly into the rows)
let fBk: usize = 0; //     u32 fill counter per bucket
let fBkE: usize = 0; //    entries: (source, syn value[, weight]) per bucket, fBkCap each
let fBkCap: u32 = 0;
let fBkShift: u32 = 0;
let fBkStride: usize = 0; // bytes per entry
let fNBk: u32 = 0;
// partition mode (CONN_F_PARTITION): fBk holds a counter per bucket (count), then its cursor in syn (fill)
let fPart: bool = false;

function setupFill(desc: usize): void {
  const flags = load<u32>(desc + CONN_FLAGS);
  fRowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  fSyn = <usize>load<u32>(desc + CONN_SYN);
  fW = <usize>load<u32>(desc + CONN_WEIGHTS);
  fWKind = load<u32>(desc + CONN_W_KIND);
  fDKind = load<u32>(desc + CONN_D_KIND);
  fPacked = (flags & CONN_F_PACKED) != 0;
  fWRedraw = (flags & CONN_F_W_REDRAW) != 0;
  fDRedraw = (flags & CONN_F_D_REDRAW) != 0;
  fWA = load<f64>(desc + CONN_W_A);
  fWB = load<f64>(desc + CONN_W_B);
  fWLo = load<f64>(desc + CONN_W_LO);
  fWHi = load<f64>(desc + CONN_W_HI);
  fDA = load<f64>(desc + CONN_D_A);
  fDB = load<f64>(desc + CONN_D_B);
  fDLo = load<f64>(desc + CONN_D_LO);
  fDHi = load<f64>(desc + CONN_D_HI);
  fDt = load<f64>(desc + CONN_DT);
  fDMax = <f64>load<u32>(desc + CONN_D_MAX);
  fWArr = <usize>load<u32>(desc + CONN_W_ARR);
  fDArr = <usize>load<u32>(desc + CONN_D_ARR);
  fCx = load<u32>(desc + CONN_SHEET_CX);
  fCy = load<u32>(desc + CONN_SHEET_CY);
  fNpcS = load<u32>(desc + CONN_NPC_SRC);
  fNpcT = load<u32>(desc + CONN_NPC_TGT);
  fPeriodic = (flags & CONN_F_PERIODIC) != 0;
  fSpacing = load<f64>(desc + CONN_SPACING);
  fTgtBegin = load<u32>(desc + CONN_TGT_BEGIN);
  fSpatialDist = load<u32>(desc + CONN_RULE) == <u32>RULE_SPATIAL_INDEGREE;
  const seed = load<u32>(desc + CONN_SEED);
  fHW = keyPrefix(seed, load<u32>(desc + CONN_WSTREAM));
  fHD = keyPrefix(seed, load<u32>(desc + CONN_DSTREAM));
  const first = (phaseOf(desc) & CONN_PHASE_FIRST) != 0;
  gIdx = first ? 0 : load<u32>(desc + CONN_IDX);
  gNSyn = load<u32>(desc + CONN_NSYN);
  fBk = <usize>load<u32>(desc + CONN_BUCKETS);
  if (load<u32>(desc + CONN_RULE) == <u32>RULE_FIXED_OUTDEGREE) fBk = 0; // rows are written whole, then sorted
  fBkCap = load<u32>(desc + CONN_BUCKET_CAP);
  fBkShift = load<u32>(desc + CONN_BUCKET_SHIFT);
  fBkStride = fWKind != <u32>VAL_CONST ? 12 : 8;
  const nSrc = load<u32>(desc + CONN_NSRC);
  fNBk = nSrc > 0 ? ((nSrc - 1) >>> fBkShift) + 1 : 0;
  fBkE = fBk + ((<usize>fNBk * 4 + 15) & ~(<usize>15));
  fPart = (flags & CONN_F_PARTITION) != 0 && fBk != 0;
  if (fBk != 0 && first) {
    if (fPart) {
      // the counts of connect_count become each bucket's first synapse
      let acc: u32 = 0;
      for (let b: u32 = 0; b < fNBk; b++) {
        const fa = fBk + (<usize>b << 2);
        const c = load<u32>(fa);
        store<u32>(fa, acc);
        acc += c;
      }
    } else {
      memory.fill(fBk, 0, <usize>fNBk << 2);
    }
  }
}

/**
 * Count-pass buckets (with CONN_F_COUNT_BUCKETS: rowPtr too large for the cache): 4-byte entries
 * (the source), same area and shift as the fill's.
 */
function setupCount(desc: usize): void {
  fBk = <usize>load<u32>(desc + CONN_BUCKETS);
  const flags = load<u32>(desc + CONN_FLAGS);
  fPart = (flags & CONN_F_PARTITION) != 0 && fBk != 0 && load<u32>(desc + CONN_SRC_LIST) != 0;
  if ((flags & CONN_F_COUNT_BUCKETS) == 0 && !fPart) fBk = 0;
  if (load<u32>(desc + CONN_RULE) == <u32>RULE_FIXED_OUTDEGREE || load<u32>(desc + CONN_RULE) == <u32>RULE_ALL_TO_ALL) fBk = 0;
  fBkCap = load<u32>(desc + CONN_BUCKET_CAP);
  fBkShift = load<u32>(desc + CONN_BUCKET_SHIFT);
  fBkStride = 4;
  const nSrc = load<u32>(desc + CONN_NSRC);
  fNBk = nSrc > 0 ? ((nSrc - 1) >>> fBkShift) + 1 : 0;
  fBkE = fBk + ((<usize>fNBk * 4 + 15) & ~(<usize>15));
  fRowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  if (fBk != 0 && (phaseOf(desc) & CONN_PHASE_FIRST) != 0) memory.fill(fBk, 0, <usize>fNBk << 2);
}

/** Count the n entries of count bucket b into rowPtr[s + 1]. */
function flushCount(b: u32, n: u32): void {
  let e = fBkE + <usize>b * <usize>fBkCap * 4;
  const end = e + (<usize>n << 2);
  const rp = fRowPtr + 4;
  for (; e < end; e += 4) {
    const a = rp + (<usize>load<u32>(e) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
}

function flushAllCounts(): void {
  if (fBk == 0 || fPart) return;
  for (let b: u32 = 0; b < fNBk; b++) {
    const fa = fBk + (<usize>b << 2);
    const n = load<u32>(fa);
    if (n != 0) flushCount(b, n);
    store<u32>(fa, 0);
  }
}

/** countOne through the count buckets when there are any (same counts). */
// @ts-ignore: decorator
@inline function countB(rowPtr: usize, s: u32, bk: usize, bkE: usize, shift: u32, cap: u32): void {
  if (bk != 0) {
    const b = s >>> shift;
    const fa = bk + (<usize>b << 2);
    const n = load<u32>(fa);
    store<u32>(bkE + ((<usize>b * <usize>cap + <usize>n) << 2), s);
    const n1 = n + 1;
    if (n1 < cap) {
      store<u32>(fa, n1);
    } else {
      flushCount(b, n1);
      store<u32>(fa, 0);
    }
  } else {
    const a = rowPtr + (<usize>(s + 1) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
}

/** Place the entries of bucket b (in the order they came) at their rows' cursors. */
function flushBucket(b: u32, n: u32): void {
  let e = fBkE + <usize>b * <usize>fBkCap * fBkStride;
  const hasW = fWKind != <u32>VAL_CONST;
  for (let j: u32 = 0; j < n; j++) {
    const ra = fRowPtr + (<usize>load<u32>(e) << 2);
    const pos = load<u32>(ra);
    store<u32>(ra, pos + 1);
    if (!ASC_NO_ASSERT) assert(pos < gNSyn, "connect_fill: more synapses than connect_count counted");
    store<u32>(fSyn + (<usize>pos << 2), load<u32>(e, 4));
    if (hasW) store<f32>(fW + (<usize>pos << 2), load<f32>(e, 8));
    e += fBkStride;
  }
}

function flushAll(): void {
  if (fBk == 0) return;
  for (let b: u32 = 0; b < fNBk; b++) {
    const fa = fBk + (<usize>b << 2);
    const n = load<u32>(fa);
    if (n != 0) flushBucket(b, n);
    store<u32>(fa, 0);
  }
}

/** Draws per refill of the draw buffer (partition-mode pass 1 of the SIMD build). */
const DRAW_BUF: u32 = 16;

/**
 * rngAt(key, rot, ctr + i) for i < DRAW_BUF into buf (u32[DRAW_BUF]), 4 lanes at a time (the same
 * 32-bit hash: i32x4.mul gives the low 32 bits of the product).
 */
// @ts-ignore: decorator
@inline function refillDraws(buf: usize, key: u32, rot: u32, ctr: u32): void {
  const kx = i32x4.splat(key);
  const kr = i32x4.splat(rot);
  for (let i: u32 = 0; i < DRAW_BUF; i += 4) v128.store(buf + (<usize>i << 2), rngU32x4(kx, kr, <i32>(ctr + i)));
}

/** Count the sources of list[0..n) into rowPtr[s + 1] (leaving partition mode). */
function recountList(list: usize, n: u32): void {
  const rp = fRowPtr + 4;
  const end = list + (<usize>n << 2);
  for (let a = list; a < end; a += 4) {
    const r = rp + (<usize>load<u32>(a) << 2);
    store<u32>(r, load<u32>(r) + 1);
  }
}

/** Leave partition mode during connect_count: the counts so far from the list, then counted directly. */
function leavePartition(desc: usize, list: usize, n: u32): void {
  recountList(list, n);
  fPart = false;
  fBk = 0;
  store<u32>(desc + CONN_FLAGS, load<u32>(desc + CONN_FLAGS) & ~(<u32>(CONN_F_PARTITION | CONN_F_COUNT_BUCKETS)));
}

/**
 * Partition mode, end of connect_fill: bucket b's synapses lie in syn[start of b, cursor of b) in
 * generation order as (source & mask) | local target << shift. Each bucket is copied to the bucket
 * area, counted per source, and placed into its rows (stably), as the rows' cursors rowPtr[s] end.
 */
function sortBuckets(nSrc: u32): void {
  const shift = fBkShift;
  const mask: u32 = (<u32>1 << shift) - 1;
  const tmp = fBkE;
  let b0: u32 = 0;
  for (let b: u32 = 0; b < fNBk; b++) {
    const b1 = load<u32>(fBk + (<usize>b << 2));
    const base = b << shift;
    const ns = nSrc - base < mask + 1 ? nSrc - base : mask + 1;
    const rp = fRowPtr + (<usize>base << 2);
    memory.fill(rp, 0, <usize>ns << 2);
    const len = <usize>(b1 - b0);
    const src = fSyn + (<usize>b0 << 2);
    memory.copy(tmp, src, len << 2);
    const tEnd = tmp + (len << 2);
    for (let e = tmp; e < tEnd; e += 4) {
      const a = rp + (<usize>(load<u32>(e) & mask) << 2);
      store<u32>(a, load<u32>(a) + 1);
    }
    let acc = b0;
    for (let i: u32 = 0; i < ns; i++) {
      const a = rp + (<usize>i << 2);
      const c = load<u32>(a);
      store<u32>(a, acc);
      acc += c;
    }
    for (let e = tmp; e < tEnd; e += 4) {
      const v = load<u32>(e);
      const a = rp + (<usize>(v & mask) << 2);
      const pos = load<u32>(a);
      store<u32>(a, pos + 1);
      store<u32>(fSyn + (<usize>pos << 2), v >>> shift);
    }
    b0 = b1;
  }
}

/** Value keys of target t (target-major rules): keys (weight stream, t), (delay stream, t), counters 0. */
// @ts-ignore: decorator
@inline function startTarget(t: u32): void {
  if (fWKind >= <u32>VAL_UNIFORM) {
    gWKey = mix32(fHW + t);
    gWCtr = 0;
  }
  if (fDKind >= <u32>VAL_UNIFORM) {
    gDKey = mix32(fHD + t);
    gDCtr = 0;
  }
}

/**
 * Distance in um between the centres of the columns of source s and target t (global indices):
 * spacing * sqrt(dx^2 + dy^2), dx and dy in columns (the shorter way round on a periodic sheet).
 * src/core/sheet.ts gridDistance (the JS mirror and src/network/sheet.ts) computes the same float64 operations.
 */
// @ts-ignore: decorator
@inline function columnDistance(s: u32, t: u32): f64 {
  const cs = s / fNpcS;
  const ct = t / fNpcT;
  const sx = cs % fCx;
  const sy = cs / fCx;
  const tx = ct % fCx;
  const ty = ct / fCx;
  let dx = sx > tx ? sx - tx : tx - sx;
  let dy = sy > ty ? sy - ty : ty - sy;
  if (fPeriodic) {
    if (fCx - dx < dx) dx = fCx - dx;
    if (fCy - dy < dy) dy = fCy - dy;
  }
  const fx = <f64>dx;
  const fy = <f64>dy;
  return fSpacing * Math.sqrt(fx * fx + fy * fy);
}

/**
 * Place one synapse from source s onto local target tl at rowPtr[s]++, with its weight and delay
 * (drawn from the current value keys, or read at gIdx). `who` names the target (or source) in errors.
 * Returns 0 or a negative CONN_ERR_* code.
 */
// @ts-ignore: decorator
@inline function place(s: u32, tl: u32, who: u32): i32 {
  let w: f32 = 0;
  let d: u32 = 0;
  if (fWKind != <u32>VAL_CONST) {
    if (fWKind == <u32>VAL_ARRAY) {
      w = load<f32>(fWArr + (<usize>gIdx << 2));
    } else {
      const x = drawValue(fWKind, fWA, fWB, fWLo, fWHi, fWRedraw, gWKey, gWCtr);
      gWCtr += gUsed;
      if (x != x) {
        gErrValue = x;
        gErrWho = who;
        return CONN_ERR_W_REDRAW;
      }
      w = <f32>x;
    }
  }
  if (fPacked) {
    if (fDKind == <u32>VAL_ARRAY) {
      d = <u32>load<u8>(fDArr + <usize>gIdx);
    } else {
      let x: f64;
      if (fDKind == <u32>VAL_DISTANCE) {
        // offset + distance / (1000 velocity), ms
        x = fDA + (fSpatialDist ? gDist : columnDistance(s, fTgtBegin + tl)) / fDB;
      } else {
        x = drawValue(fDKind, fDA, fDB, fDLo, fDHi, fDRedraw, gDKey, gDCtr);
        gDCtr += gUsed;
        if (x != x) {
          gErrValue = x;
          gErrWho = who;
          return CONN_ERR_D_REDRAW;
        }
      }
      // steps = round(x / dt) (halves up, as Math.round), at least 1
      const q = x / fDt;
      let r = Math.ceil(q);
      if (r - 0.5 > q) r -= 1.0;
      if (r < 1.0) r = 1.0;
      if (r > fDMax) {
        gErrValue = x;
        gErrWho = who;
        return CONN_ERR_DELAY_RANGE;
      }
      d = <u32>r;
    }
  }
  gIdx++;
  const v = tl | (d << 24);
  if (fBk != 0) {
    // buckets by source range: rows are then written one source range at a time (cache and TLB
    // friendly); each row still receives its synapses in generation order
    const b = s >>> fBkShift;
    const fa = fBk + (<usize>b << 2);
    const n = load<u32>(fa);
    const e = fBkE + (<usize>b * <usize>fBkCap + <usize>n) * fBkStride;
    store<u32>(e, s);
    store<u32>(e, v, 4);
    if (fWKind != <u32>VAL_CONST) store<f32>(e, w, 8);
    if (n + 1 < fBkCap) {
      store<u32>(fa, n + 1);
    } else {
      flushBucket(b, n + 1);
      store<u32>(fa, 0);
    }
    return 0;
  }
  const ra = fRowPtr + (<usize>s << 2);
  const pos = load<u32>(ra);
  store<u32>(ra, pos + 1);
  if (!ASC_NO_ASSERT) assert(pos < gNSyn, "connect_fill: more synapses than connect_count counted");
  store<u32>(fSyn + (<usize>pos << 2), v);
  if (fWKind != <u32>VAL_CONST) store<f32>(fW + (<usize>pos << 2), w);
  return 0;
}


/**
 * place() for constant weights and delays (syn = local target), with the state in locals: the
 * common case, kept short. Same result as place().
 */
// @ts-ignore: decorator
@inline function placeFast(s: u32, v: u32, rowPtr: usize, syn: usize, bk: usize, bkE: usize, shift: u32, capBytes: usize): void {
  if (bk != 0) {
    const b = s >>> shift;
    const fa = bk + (<usize>b << 2);
    const n = load<u32>(fa);
    store<u64>(bkE + <usize>b * capBytes + (<usize>n << 3), <u64>s | (<u64>v << 32));
    const n1 = n + 1;
    if ((<usize>n1 << 3) < capBytes) {
      store<u32>(fa, n1);
    } else {
      flushBucket(b, n1);
      store<u32>(fa, 0);
    }
  } else {
    const ra = rowPtr + (<usize>s << 2);
    const pos = load<u32>(ra);
    store<u32>(ra, pos + 1);
    if (!ASC_NO_ASSERT) assert(pos < gNSyn, "connect_fill: more synapses than connect_count counted");
    store<u32>(syn + (<usize>pos << 2), v);
  }
}

/**
 * One step of Floyd's algorithm: the value drawn is r; if r is already in the set of this tag,
 * take j instead (never in the set yet: the set holds values < j). Records and returns the value.
 * The set is a tag per pool element (bits == 0) or a hash set of 2^bits (value, tag) u32 pairs with
 * linear probing (no deletions; slot h of value r from h = (r * 0x9e3779b1) >>> (32 - bits)): the
 * same result, the hash set stays in cache.
 */
// @ts-ignore: decorator
@inline function floydPick(marks: usize, bits: u32, r: u32, j: u32, tag: u32): u32 {
  if (bits == 0) {
    const v = load<u32>(marks + (<usize>r << 2)) == tag ? j : r;
    store<u32>(marks + (<usize>v << 2), tag);
    return v;
  }
  // slots of (value, tag) as one u64: tag << 32 | value
  const mask = (<u32>1 << bits) - 1;
  const hi = <u64>tag << 32;
  let h = (r * 0x9e3779b1) >>> (32 - bits);
  while (true) {
    const sa = marks + (<usize>h << 3);
    const w = load<u64>(sa);
    if ((w ^ hi) >>> 32 != 0) {
      store<u64>(sa, hi | <u64>r);
      return r;
    }
    if (<u32>w == r) break;
    h = (h + 1) & mask;
  }
  h = (j * 0x9e3779b1) >>> (32 - bits);
  while (load<u32>(marks + (<usize>h << 3), 4) == tag) h = (h + 1) & mask;
  store<u64>(marks + (<usize>h << 3), hi | <u64>j);
  return j;
}

// @ts-ignore: decorator
@inline function countOne(rowPtr: usize, s: u32): void {
  const a = rowPtr + (<usize>(s + 1) << 2);
  store<u32>(a, load<u32>(a) + 1);
}

/** The phase bits of this call (0 in the descriptor: one call for everything). */
// @ts-ignore: decorator
@inline function phaseOf(desc: usize): u32 {
  const ph = load<u32>(desc + CONN_PHASE);
  return ph == 0 ? <u32>(CONN_PHASE_FIRST | CONN_PHASE_LAST) : ph;
}

/** First index of the outer loop in this call (dflt when the call is not a chunk). */
// @ts-ignore: decorator
@inline function chunkLo(desc: usize, dflt: u32): u32 {
  return (load<u32>(desc + CONN_PHASE) & CONN_PHASE_CHUNK) != 0 ? load<u32>(desc + CONN_CHUNK_BEGIN) : dflt;
}

// @ts-ignore: decorator
@inline function chunkHi(desc: usize, dflt: u32): u32 {
  return (load<u32>(desc + CONN_PHASE) & CONN_PHASE_CHUNK) != 0 ? load<u32>(desc + CONN_CHUNK_END) : dflt;
}

// ------------------------------------------------------------------------------------------------
// Rules. FILL is a compile-time constant after inlining: count (false) or fill (true).
// ------------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@inline function genAllToAll(desc: usize, FILL: bool): i32 {
  const nSrc = load<u32>(desc + CONN_NSRC);
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  const excl = (load<u32>(desc + CONN_FLAGS) & CONN_F_NO_AUTAPSES) != 0;
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  if (!FILL) {
    // the counts are known: written once, by the first call
    if ((phaseOf(desc) & CONN_PHASE_FIRST) == 0) return 0;
    const n = e - b;
    for (let s: u32 = 0; s < nSrc; s++) {
      store<u32>(rowPtr + (<usize>(s + 1) << 2), excl && s >= b && s < e ? n - 1 : n);
    }
    return 0;
  }
  const t1 = chunkHi(desc, e);
  for (let t = chunkLo(desc, b); t < t1; t++) {
    startTarget(t);
    const tl = t - b;
    for (let s: u32 = 0; s < nSrc; s++) {
      if (excl && s == t) continue;
      const err = place(s, tl, t);
      if (err < 0) return err;
    }
  }
  return 0;
}

// @ts-ignore: decorator
@inline function genOneToOne(desc: usize, FILL: bool): i32 {
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const t1 = chunkHi(desc, e);
  for (let t = chunkLo(desc, b); t < t1; t++) {
    if (!FILL) {
      countOne(rowPtr, t);
    } else {
      startTarget(t);
      const err = place(t, t - b, t);
      if (err < 0) return err;
    }
  }
  return 0;
}

// @ts-ignore: decorator
@inline function genExplicit(desc: usize, FILL: bool): i32 {
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const ep = <usize>load<u32>(desc + CONN_EXPL_PTR);
  const es = <usize>load<u32>(desc + CONN_EXPL_SRC);
  const tl1 = chunkHi(desc, e) - b;
  for (let tl = chunkLo(desc, b) - b; tl < tl1; tl++) {
    const k0 = load<u32>(ep + (<usize>tl << 2));
    const k1 = load<u32>(ep + (<usize>tl << 2), 4);
    if (FILL) startTarget(b + tl);
    for (let k = k0; k < k1; k++) {
      const s = load<u32>(es + (<usize>k << 2));
      if (!FILL) {
        countOne(rowPtr, s);
      } else {
        const err = place(s, tl, b + tl);
        if (err < 0) return err;
      }
    }
  }
  return 0;
}

/**
 * pairwise_bernoulli: per target t, key (stream, t): the in-degree K ~ Binomial(n allowed, p) by
 * inversion, K = lo + the first j with u < cdf[j] (u = uniform53(draws 0, 1); cdf: the host's table
 * of P(K <= lo + j) in double precision, its last entry taken as 1), then K distinct sources drawn
 * uniformly as fixed_indegree without multapses (Floyd's algorithm, draws from counter 2): each
 * pair independently with probability p. p >= 1 connects every allowed pair, p <= 0 none.
 */
// @ts-ignore: decorator
@inline function genPairwise(desc: usize, FILL: bool): i32 {
  const p = load<f64>(desc + CONN_P);
  if (p >= 1.0) return genAllToAll(desc, FILL);
  if (!(p > 0.0)) return 0;
  return genIndegree(desc, FILL, 2);
}

/**
 * fixed_indegree (KMODE 0: K from the descriptor), fixed_total_number (1: K = counts[t - tgtBegin])
 * and pairwise_bernoulli (2: K from the degree table, without multapses): per target t, key
 * (stream, t), K sources from the n allowed ones:
 *   with multapses     K draws below(n)
 *   without            Floyd's algorithm: for j = n-K .. n-1: r = below(j+1); r = j if r is taken
 * below(m) = high 32 bits of u*m for the first draw u whose low 32 bits are >= 2^32 mod m (Lemire);
 * a value r >= t is shifted to r + 1 when autapses are excluded.
 * With a source list (CONN_SRC_LIST), connect_count also writes every source, in generation order,
 * to the list, and connect_fill reads them back instead of drawing them again (same synapses).
 */
// @ts-ignore: decorator
@inline function genIndegree(desc: usize, FILL: bool, KMODE: i32): i32 {
  const nSrc = load<u32>(desc + CONN_NSRC);
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  const flags = load<u32>(desc + CONN_FLAGS);
  const excl = (flags & CONN_F_NO_AUTAPSES) != 0;
  const multapses = KMODE != 2 && (flags & CONN_F_NO_MULTAPSES) == 0;
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const counts = <usize>load<u32>(desc + CONN_COUNTS);
  const deg = <usize>load<u32>(desc + CONN_DEG_TABLE);
  const degLo = load<u32>(desc + CONN_DEG_LO);
  const degLast = load<u32>(desc + CONN_DEG_LEN) - 1;
  const marks = <usize>load<u32>(desc + CONN_MARKS);
  const hbits = load<u32>(desc + CONN_HASH_BITS);
  const K0 = load<u32>(desc + CONN_K);
  const h = keyPrefix(load<u32>(desc + CONN_SEED), load<u32>(desc + CONN_STREAM));
  const n: u32 = excl ? nSrc - 1 : nSrc;
  if (n == 0) return 0;
  const thr: u32 = (<u32>0 - n) % n; // 2^32 mod n
  const fast = FILL && fWKind == <u32>VAL_CONST && !fPacked;
  const synp = fSyn, bkE = fBkE, shift = fBkShift, capBytes = <usize>fBkCap << 3, cap = fBkCap;
  let bk = fBk;
  let part = fPart;
  const pmask: u32 = (<u32>1 << shift) - 1;
  let list = <usize>load<u32>(desc + CONN_SRC_LIST);
  const listCap = <u64>load<u32>(desc + CONN_LIST_CAP);
  let la = list + ((phaseOf(desc) & CONN_PHASE_FIRST) != 0 ? 0 : <usize>load<u32>(desc + CONN_LIST_POS) << 2);
  const t1 = chunkHi(desc, e);
  for (let t = chunkLo(desc, b); t < t1; t++) {
    const tl = t - b;
    let K = K0;
    let ctr: u32 = 0;
    const key = mix32(h + t);
    const rot = rotOf(key);
    if (KMODE == 1) {
      K = load<u32>(counts + (<usize>tl << 2));
    } else if (KMODE == 2) {
      const u = uniform53(rngAt(key, rot, 0), rngAt(key, rot, 1));
      ctr = 2;
      let lo: u32 = 0;
      let hi = degLast;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (u < load<f64>(deg + (<usize>mid << 3))) hi = mid;
        else lo = mid + 1;
      }
      K = degLo + lo;
    }
    if (K == 0) continue;
    if (!ASC_NO_ASSERT) assert(multapses || hbits == 0 || K < (<u32>1 << hbits), "connect: hash set smaller than the degree");
    if (!FILL && list != 0 && <u64>((la - list) >>> 2) + <u64>K > listCap) {
      // no room (a pairwise_bernoulli shard above its bound): no list, connect_fill draws the sources again
      if (part) {
        leavePartition(desc, list, <u32>((la - list) >>> 2));
        part = false;
        bk = 0;
      }
      list = 0;
      store<u32>(desc + CONN_SRC_LIST, 0);
    }
    if (FILL) startTarget(t);
    if (FILL && list != 0) {
      // the sources connect_count drew, in the same order
      const end = la + (<usize>K << 2);
      if (fPart) {
        // partition mode (constant weights and delays): to the bucket's range of syn
        const hi = tl << shift;
        for (; la < end; la += 4) {
          const s = load<u32>(la);
          const ca = bk + (<usize>(s >>> shift) << 2);
          const c = load<u32>(ca);
          store<u32>(ca, c + 1);
          store<u32>(synp + (<usize>c << 2), (s & pmask) | hi);
        }
      } else if (fast) {
        for (; la < end; la += 4) placeFast(load<u32>(la), tl, rowPtr, synp, bk, bkE, shift, capBytes);
      } else {
        for (; la < end; la += 4) {
          const err = place(load<u32>(la), tl, t);
          if (err < 0) return err;
        }
      }
    } else if (!FILL && part && multapses) {
      // pass 1 in partition mode: sources to the list, counts per bucket (draws as above)
      const dEnd = bkE + (<usize>DRAW_BUF << 2);
      let dp = dEnd;
      for (let i: u32 = 0; i < K; i++) {
        let u: u32;
        if (ASC_FEATURE_SIMD) {
          if (dp == dEnd) {
            refillDraws(bkE, key, rot, ctr);
            dp = bkE;
          }
          u = load<u32>(dp);
          dp += 4;
        } else {
          u = rngAt(key, rot, ctr);
        }
        let m = <u64>u * <u64>n;
        ctr++;
        while (<u32>m < thr) {
          m = <u64>rngAt(key, rot, ctr) * <u64>n;
          ctr++;
          dp = dEnd;
        }
        let s = <u32>(m >>> 32);
        if (excl && s >= t) s++;
        store<u32>(la, s);
        la += 4;
        const ca = bk + (<usize>(s >>> shift) << 2);
        store<u32>(ca, load<u32>(ca) + 1);
      }
    } else if (multapses) {
      for (let i: u32 = 0; i < K; i++) {
        let m = <u64>rngAt(key, rot, ctr) * <u64>n;
        ctr++;
        while (<u32>m < thr) {
          m = <u64>rngAt(key, rot, ctr) * <u64>n;
          ctr++;
        }
        let s = <u32>(m >>> 32);
        if (excl && s >= t) s++;
        if (!FILL) {
          if (list != 0) {
            store<u32>(la, s);
            la += 4;
          }
          if (part) {
            const ca = bk + (<usize>(s >>> shift) << 2);
            store<u32>(ca, load<u32>(ca) + 1);
          } else {
            countB(rowPtr, s, bk, bkE, shift, cap);
          }
        } else if (fast) {
          placeFast(s, tl, rowPtr, synp, bk, bkE, shift, capBytes);
        } else {
          const err = place(s, tl, t);
          if (err < 0) return err;
        }
      }
    } else {
      const tag = tl + 1;
      if (!FILL && part && hbits != 0) {
        // the common case of pass 1 in partition mode, kept short: Floyd's algorithm over the hash set
        const hmask = (<u32>1 << hbits) - 1;
        const hsh = 32 - hbits;
        const thi = <u64>tag << 32;
        // SIMD build: draws from a buffer of consecutive counters (refilled at ctr when used up; a
        // rejection draws at ctr directly and empties it)
        const dEnd = bkE + (<usize>DRAW_BUF << 2);
        let dp = dEnd;
        for (let j = n - K; j < n; j++) {
          const bound = j + 1;
          let u: u32;
          if (ASC_FEATURE_SIMD) {
            if (dp == dEnd) {
              refillDraws(bkE, key, rot, ctr);
              dp = bkE;
            }
            u = load<u32>(dp);
            dp += 4;
          } else {
            u = rngAt(key, rot, ctr);
          }
          let m = <u64>u * <u64>bound;
          ctr++;
          if (<u32>m < bound) {
            const th: u32 = (<u32>0 - bound) % bound;
            while (<u32>m < th) {
              m = <u64>rngAt(key, rot, ctr) * <u64>bound;
              ctr++;
              dp = dEnd;
            }
          }
          let r = <u32>(m >>> 32);
          let h = (r * 0x9e3779b1) >>> hsh;
          while (true) {
            const sa = marks + (<usize>h << 3);
            const w = load<u64>(sa);
            if ((w ^ thi) >>> 32 != 0) {
              store<u64>(sa, thi | <u64>r);
              break;
            }
            if (<u32>w == r) {
              // r was chosen: take j (never in the set yet)
              r = j;
              h = (j * 0x9e3779b1) >>> hsh;
              while (load<u32>(marks + (<usize>h << 3), 4) == tag) h = (h + 1) & hmask;
              store<u64>(marks + (<usize>h << 3), thi | <u64>j);
              break;
            }
            h = (h + 1) & hmask;
          }
          if (excl && r >= t) r++;
          store<u32>(la, r);
          la += 4;
          const ca = bk + (<usize>(r >>> shift) << 2);
          store<u32>(ca, load<u32>(ca) + 1);
        }
        continue;
      }
      for (let j = n - K; j < n; j++) {
        const bound = j + 1;
        let m = <u64>rngAt(key, rot, ctr) * <u64>bound;
        ctr++;
        if (<u32>m < bound) {
          const th: u32 = (<u32>0 - bound) % bound;
          while (<u32>m < th) {
            m = <u64>rngAt(key, rot, ctr) * <u64>bound;
            ctr++;
          }
        }
        let r = floydPick(marks, hbits, <u32>(m >>> 32), j, tag);
        if (excl && r >= t) r++;
        if (!FILL) {
          if (list != 0) {
            store<u32>(la, r);
            la += 4;
          }
          if (part) {
            const ca = bk + (<usize>(r >>> shift) << 2);
            store<u32>(ca, load<u32>(ca) + 1);
          } else {
            countB(rowPtr, r, bk, bkE, shift, cap);
          }
        } else if (fast) {
          placeFast(r, tl, rowPtr, synp, bk, bkE, shift, capBytes);
        } else {
          const err = place(r, tl, t);
          if (err < 0) return err;
        }
      }
    }
  }
  if (list != 0) store<u32>(desc + CONN_LIST_POS, <u32>((la - list) >>> 2));
  return 0;
}

/**
 * Insert r into the set of this tag (a tag per pool element when bits == 0, else the hash set of
 * floydPick); false when r is already in it.
 */
// @ts-ignore: decorator
@inline function setInsert(marks: usize, bits: u32, r: u32, tag: u32): bool {
  if (bits == 0) {
    const a = marks + (<usize>r << 2);
    if (load<u32>(a) == tag) return false;
    store<u32>(a, tag);
    return true;
  }
  const mask = (<u32>1 << bits) - 1;
  const hi = <u64>tag << 32;
  let h = (r * 0x9e3779b1) >>> (32 - bits);
  while (true) {
    const sa = marks + (<usize>h << 3);
    const w = load<u64>(sa);
    if ((w ^ hi) >>> 32 != 0) {
      store<u64>(sa, hi | <u64>r);
      return true;
    }
    if (<u32>w == r) return false;
    h = (h + 1) & mask;
  }
  return false;
}

/**
 * spatial_indegree: per target t, key (stream, t), counters from 0; t lies in column
 * ct = t / npcT at (tx, ty) = (ct % cx, ct / cx). Each of the K sources is drawn as:
 *   j = below(n) over the n entries of the alias table (the host's distribution of column offsets:
 *   a Gaussian offset rounded to the nearest column, within the radius; src/network/sheet.ts),
 *   (dx, dy) = the entry's offset if the next draw is below its threshold, else its alias's
 *   (sx, sy) = (tx + dx, ty + dy), wrapped around when periodic, else redrawn when off the sheet
 *   s = (sy cx + sx) npcS + below(npcS)
 *   redrawn if s == t (autapses excluded) or s was drawn for t already (multapses excluded)
 * after CONN_SPATIAL_MAX_ATTEMPTS draws of one synapse the build fails (CONN_ERR_SPATIAL).
 */
// @ts-ignore: decorator
@inline function genSpatial(desc: usize, FILL: bool): i32 {
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  const flags = load<u32>(desc + CONN_FLAGS);
  const excl = (flags & CONN_F_NO_AUTAPSES) != 0;
  const noMult = (flags & CONN_F_NO_MULTAPSES) != 0;
  const periodic = (flags & CONN_F_PERIODIC) != 0;
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const marks = <usize>load<u32>(desc + CONN_MARKS);
  const hbits = load<u32>(desc + CONN_HASH_BITS);
  const K = load<u32>(desc + CONN_K);
  const cx = load<u32>(desc + CONN_SHEET_CX);
  const cy = load<u32>(desc + CONN_SHEET_CY);
  const npcS = load<u32>(desc + CONN_NPC_SRC);
  const npcT = load<u32>(desc + CONN_NPC_TGT);
  const tab = <usize>load<u32>(desc + CONN_SP_TABLE);
  const n = load<u32>(desc + CONN_SP_LEN);
  const h = keyPrefix(load<u32>(desc + CONN_SEED), load<u32>(desc + CONN_STREAM));
  if (K == 0 || npcS == 0 || n == 0) return 0;
  if (!ASC_NO_ASSERT) assert(!noMult || hbits == 0 || K < (<u32>1 << hbits), "connect: hash set smaller than the degree");
  const thrN: u32 = (<u32>0 - n) % n; //       2^32 mod n
  const thrS: u32 = (<u32>0 - npcS) % npcS; // 2^32 mod npcS
  const icx = <i32>cx;
  const icy = <i32>cy;
  const fast = FILL && fWKind == <u32>VAL_CONST && !fPacked;
  const synp = fSyn, bk = fBk, bkE = fBkE, shift = fBkShift, cap = fBkCap, capBytes = <usize>fBkCap << 3;
  const t1 = chunkHi(desc, e);
  for (let t = chunkLo(desc, b); t < t1; t++) {
    const tl = t - b;
    const key = mix32(h + t);
    const rot = rotOf(key);
    let ctr: u32 = 0;
    const tc = t / npcT;
    const tx = <i32>(tc % cx);
    const ty = <i32>(tc / cx);
    const tag = tl + 1;
    if (FILL) startTarget(t);
    for (let i: u32 = 0; i < K; i++) {
      let s: u32 = 0;
      let ox: i32 = 0;
      let oy: i32 = 0;
      let found = false;
      for (let att: i32 = 0; att < CONN_SPATIAL_MAX_ATTEMPTS; att++) {
        let m = <u64>rngAt(key, rot, ctr) * <u64>n;
        ctr++;
        while (<u32>m < thrN) {
          m = <u64>rngAt(key, rot, ctr) * <u64>n;
          ctr++;
        }
        const ea = tab + <usize>(<u32>(m >>> 32)) * 12;
        const coin = rngAt(key, rot, ctr);
        ctr++;
        const off = coin < load<u32>(ea) ? load<u32>(ea, 4) : load<u32>(ea, 8);
        ox = <i32>(off & 0xffff) - 32768;
        oy = <i32>(off >>> 16) - 32768;
        let sx = tx + ox;
        let sy = ty + oy;
        if (periodic) {
          // the table's offsets lie in (-cx/2, cx/2] x (-cy/2, cy/2] on a periodic sheet: one wrap at most
          if (sx < 0) sx += icx;
          else if (sx >= icx) sx -= icx;
          if (sy < 0) sy += icy;
          else if (sy >= icy) sy -= icy;
        } else if (sx < 0 || sx >= icx || sy < 0 || sy >= icy) continue;
        let q = <u64>rngAt(key, rot, ctr) * <u64>npcS;
        ctr++;
        while (<u32>q < thrS) {
          q = <u64>rngAt(key, rot, ctr) * <u64>npcS;
          ctr++;
        }
        s = (<u32>sy * cx + <u32>sx) * npcS + <u32>(q >>> 32);
        if (excl && s == t) continue;
        if (noMult && !setInsert(marks, hbits, s, tag)) continue;
        found = true;
        break;
      }
      if (!found) {
        gErrWho = t;
        gErrValue = 0;
        return CONN_ERR_SPATIAL;
      }
      if (!FILL) {
        countB(rowPtr, s, bk, bkE, shift, cap);
      } else if (fast) {
        placeFast(s, tl, rowPtr, synp, bk, bkE, shift, capBytes);
      } else {
        if (fDKind == <u32>VAL_DISTANCE) {
          // the offset is the shorter way round on a periodic sheet (the table's offsets lie within
          // half the sheet), so this is columnDistance(s, t), without its divisions
          const fx = <f64>(ox < 0 ? -ox : ox);
          const fy = <f64>(oy < 0 ? -oy : oy);
          gDist = fSpacing * Math.sqrt(fx * fx + fy * fy);
        }
        const err = place(s, tl, t);
        if (err < 0) return err;
      }
    }
  }
  return 0;
}

/** Stable sort of syn[lo..hi) (and weights alongside) by target (the low 24 bits when packed). */
function sortRow(lo: u32, hi: u32, tmp: usize): void {
  const len = hi - lo;
  if (len < 2) return;
  const mask: u32 = fPacked ? 0xffffff : 0xffffffff;
  const hasW = fWKind != <u32>VAL_CONST;
  const A = fSyn + (<usize>lo << 2);
  const AW = fW + (<usize>lo << 2);
  // insertion sort of runs of 16
  for (let r0: u32 = 0; r0 < len; r0 += 16) {
    const r1 = r0 + 16 < len ? r0 + 16 : len;
    for (let i = r0 + 1; i < r1; i++) {
      const v = load<u32>(A + (<usize>i << 2));
      const kv = v & mask;
      const wv = hasW ? load<u32>(AW + (<usize>i << 2)) : 0;
      let j = i;
      while (j > r0 && (load<u32>(A + (<usize>(j - 1) << 2)) & mask) > kv) {
        store<u32>(A + (<usize>j << 2), load<u32>(A + (<usize>(j - 1) << 2)));
        if (hasW) store<u32>(AW + (<usize>j << 2), load<u32>(AW + (<usize>(j - 1) << 2)));
        j--;
      }
      store<u32>(A + (<usize>j << 2), v);
      if (hasW) store<u32>(AW + (<usize>j << 2), wv);
    }
  }
  if (len <= 16) return;
  // bottom-up merges, ping-pong between the row and tmp (syn in tmp[0..K), weights in tmp[K..2K))
  const B = tmp;
  const BW = tmp + (<usize>len << 2);
  let src = A, srcW = AW, dst = B, dstW = BW;
  for (let width: u32 = 16; width < len; width <<= 1) {
    for (let l: u32 = 0; l < len; l += width << 1) {
      const mid = l + width < len ? l + width : len;
      const end = mid + width < len ? mid + width : len;
      let i = l, j = mid, k = l;
      while (i < mid && j < end) {
        const vi = load<u32>(src + (<usize>i << 2));
        const vj = load<u32>(src + (<usize>j << 2));
        if ((vi & mask) <= (vj & mask)) {
          store<u32>(dst + (<usize>k << 2), vi);
          if (hasW) store<u32>(dstW + (<usize>k << 2), load<u32>(srcW + (<usize>i << 2)));
          i++;
        } else {
          store<u32>(dst + (<usize>k << 2), vj);
          if (hasW) store<u32>(dstW + (<usize>k << 2), load<u32>(srcW + (<usize>j << 2)));
          j++;
        }
        k++;
      }
      while (i < mid) {
        store<u32>(dst + (<usize>k << 2), load<u32>(src + (<usize>i << 2)));
        if (hasW) store<u32>(dstW + (<usize>k << 2), load<u32>(srcW + (<usize>i << 2)));
        i++;
        k++;
      }
      while (j < end) {
        store<u32>(dst + (<usize>k << 2), load<u32>(src + (<usize>j << 2)));
        if (hasW) store<u32>(dstW + (<usize>k << 2), load<u32>(srcW + (<usize>j << 2)));
        j++;
        k++;
      }
    }
    const t0 = src; src = dst; dst = t0;
    const t1 = srcW; srcW = dstW; dstW = t1;
  }
  if (src != A) {
    memory.copy(A, src, <usize>len << 2);
    if (hasW) memory.copy(AW, srcW, <usize>len << 2);
  }
}

/**
 * fixed_outdegree: per SOURCE s, key (stream, s): K targets drawn from the allowed ones as
 * fixed_indegree draws sources (below, Floyd; a value r >= s shifted when autapses are excluded);
 * only those in [tgtBegin, tgtEnd) are kept. Per-synapse values of the j-th draw of s come from
 * the sub-key rngU32(rngKey(seed, weightStream, s), j) (likewise delays), counters from 0; array
 * values from index s*K + j. Each row is then sorted stably by target.
 */
// @ts-ignore: decorator
@inline function genOutdegree(desc: usize, FILL: bool): i32 {
  const nSrc = load<u32>(desc + CONN_NSRC);
  const nTgt = load<u32>(desc + CONN_NTGT);
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  const flags = load<u32>(desc + CONN_FLAGS);
  const excl = (flags & CONN_F_NO_AUTAPSES) != 0;
  const multapses = (flags & CONN_F_NO_MULTAPSES) == 0;
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const marks = <usize>load<u32>(desc + CONN_MARKS);
  const hbits = load<u32>(desc + CONN_HASH_BITS);
  const tmp = <usize>load<u32>(desc + CONN_SORT_TMP);
  const K = load<u32>(desc + CONN_K);
  const h = keyPrefix(load<u32>(desc + CONN_SEED), load<u32>(desc + CONN_STREAM));
  const n: u32 = excl ? nTgt - 1 : nTgt;
  if (n == 0 || K == 0) return 0;
  if (!ASC_NO_ASSERT) assert(multapses || hbits == 0 || K < (<u32>1 << hbits), "connect: hash set smaller than the degree");
  const thr: u32 = (<u32>0 - n) % n;
  const s1 = chunkHi(desc, nSrc);
  for (let s = chunkLo(desc, 0); s < s1; s++) {
    const key = mix32(h + s);
    const rot = rotOf(key);
    let wk: u32 = 0, wr: u32 = 0, dk: u32 = 0, dr: u32 = 0;
    if (FILL) {
      if (fWKind >= <u32>VAL_UNIFORM) {
        wk = mix32(fHW + s);
        wr = rotOf(wk);
      }
      if (fDKind >= <u32>VAL_UNIFORM) {
        dk = mix32(fHD + s);
        dr = rotOf(dk);
      }
    }
    const row0 = FILL ? load<u32>(rowPtr + (<usize>s << 2)) : 0;
    let kept: u32 = 0;
    let ctr: u32 = 0;
    const tag = s + 1;
    const j0: u32 = multapses ? 0 : n - K;
    const jEnd: u32 = multapses ? K : n;
    for (let j = j0; j < jEnd; j++) {
      let r: u32;
      if (multapses) {
        let m = <u64>rngAt(key, rot, ctr) * <u64>n;
        ctr++;
        while (<u32>m < thr) {
          m = <u64>rngAt(key, rot, ctr) * <u64>n;
          ctr++;
        }
        r = <u32>(m >>> 32);
      } else {
        const bound = j + 1;
        let m = <u64>rngAt(key, rot, ctr) * <u64>bound;
        ctr++;
        if (<u32>m < bound) {
          const th: u32 = (<u32>0 - bound) % bound;
          while (<u32>m < th) {
            m = <u64>rngAt(key, rot, ctr) * <u64>bound;
            ctr++;
          }
        }
        r = floydPick(marks, hbits, <u32>(m >>> 32), j, tag);
      }
      if (excl && r >= s) r++;
      if (r < b || r >= e) continue;
      kept++;
      if (FILL) {
        const jj = j - j0; // the jj-th target drawn for s
        gIdx = s * K + jj;
        if (fWKind >= <u32>VAL_UNIFORM) {
          gWKey = rngAt(wk, wr, jj);
          gWCtr = 0;
        }
        if (fDKind >= <u32>VAL_UNIFORM) {
          gDKey = rngAt(dk, dr, jj);
          gDCtr = 0;
        }
        const err = place(s, r - b, s);
        if (err < 0) return err;
      }
    }
    if (!FILL) store<u32>(rowPtr + (<usize>(s + 1) << 2), kept);
    else sortRow(row0, row0 + kept, tmp);
  }
  return 0;
}

// ------------------------------------------------------------------------------------------------
// Exports
// ------------------------------------------------------------------------------------------------

function checkDesc(desc: usize, fill: bool): void {
  assert(inBounds(desc, <u64>CONN_DESC_BYTES, 8), "connect: descriptor out of bounds or misaligned");
  const rule = load<u32>(desc + CONN_RULE);
  assert(rule <= <u32>RULE_SPATIAL_INDEGREE, "connect: unknown rule");
  const nSrc = load<u32>(desc + CONN_NSRC);
  const nTgt = load<u32>(desc + CONN_NTGT);
  const b = load<u32>(desc + CONN_TGT_BEGIN);
  const e = load<u32>(desc + CONN_TGT_END);
  assert(b <= e && e <= nTgt, "connect: target range outside the target population");
  const ph = load<u32>(desc + CONN_PHASE);
  if ((ph & CONN_PHASE_CHUNK) != 0) {
    const cb = load<u32>(desc + CONN_CHUNK_BEGIN);
    const ce = load<u32>(desc + CONN_CHUNK_END);
    const outer = rule == <u32>RULE_FIXED_OUTDEGREE;
    assert(cb <= ce && (outer ? ce <= nSrc : cb >= b && ce <= e), "connect: chunk outside the loop's range");
  }
  const flags = load<u32>(desc + CONN_FLAGS);
  assert((flags & CONN_F_NO_AUTAPSES) == 0 || nSrc == nTgt, "connect: autapses excluded between populations of different sizes");
  assert((flags & CONN_F_PACKED) == 0 || e - b <= <u32>PACKED_MAX_TARGETS, "connect: packed delays need fewer than 2^24 targets per shard");
  assert(load<u32>(desc + CONN_D_MAX) <= <u32>MAX_DELAY_STEPS, "connect: largest delay above 255 steps");
  assert(inBounds(<usize>load<u32>(desc + CONN_ROWPTR), (<u64>nSrc + 1) << 2, 4), "connect: rowPtr out of bounds or misaligned");
  const K = load<u32>(desc + CONN_K);
  const noMult = (flags & CONN_F_NO_MULTAPSES) != 0;
  if (rule == <u32>RULE_FIXED_TOTAL_NUMBER) {
    assert(inBounds(<usize>load<u32>(desc + CONN_COUNTS), <u64>(e - b) << 2, 4), "connect: counts out of bounds");
  }
  if (rule == <u32>RULE_EXPLICIT) {
    const ep = <usize>load<u32>(desc + CONN_EXPL_PTR);
    assert(inBounds(ep, (<u64>(e - b) + 1) << 2, 4), "connect: explicit pointers out of bounds");
    const last = load<u32>(ep + (<usize>(e - b) << 2));
    assert(inBounds(<usize>load<u32>(desc + CONN_EXPL_SRC), <u64>last << 2, 4), "connect: explicit sources out of bounds");
    for (let k: u32 = 0; k < last; k++) {
      assert(load<u32>(<usize>load<u32>(desc + CONN_EXPL_SRC) + (<usize>k << 2)) < nSrc, "connect: explicit source >= nSrc");
    }
  }
  if (rule == <u32>RULE_PAIRWISE_BERNOULLI && load<f64>(desc + CONN_P) > 0.0 && load<f64>(desc + CONN_P) < 1.0) {
    const len = load<u32>(desc + CONN_DEG_LEN);
    assert(len >= 1, "connect: empty degree table");
    assert(inBounds(<usize>load<u32>(desc + CONN_DEG_TABLE), <u64>len << 3, 8), "connect: degree table out of bounds");
    const nAllowed = (flags & CONN_F_NO_AUTAPSES) != 0 ? nSrc - 1 : nSrc;
    assert(<u64>load<u32>(desc + CONN_DEG_LO) + <u64>len - 1 <= <u64>nAllowed, "connect: degree table beyond the allowed sources");
  }
  assert(load<u32>(desc + CONN_HASH_BITS) <= 28, "connect: hash set of more than 2^28 slots");
  if ((flags & CONN_F_PARTITION) != 0 && load<u32>(desc + CONN_BUCKETS) != 0 && nSrc > 0) {
    const nb = <u64>((nSrc - 1) >>> load<u32>(desc + CONN_BUCKET_SHIFT)) + 1;
    assert(nb * <u64>load<u32>(desc + CONN_BUCKET_CAP) * 8 >= <u64>(DRAW_BUF << 2), "connect: partition mode needs a bucket area of at least 64 bytes");
    assert(load<u32>(desc + CONN_BUCKET_SHIFT) < 32, "connect: bucket shift >= 32");
  }
  if (rule == <u32>RULE_SPATIAL_INDEGREE) {
    const len = load<u32>(desc + CONN_SP_LEN);
    assert(len >= 1 && inBounds(<usize>load<u32>(desc + CONN_SP_TABLE), <u64>len * 12, 4), "connect: spatial offset table out of bounds or empty");
  }
  if (rule == <u32>RULE_SPATIAL_INDEGREE || (fill && load<u32>(desc + CONN_D_KIND) == <u32>VAL_DISTANCE)) {
    const cols = <u64>load<u32>(desc + CONN_SHEET_CX) * <u64>load<u32>(desc + CONN_SHEET_CY);
    assert(cols >= 1 && cols * <u64>load<u32>(desc + CONN_NPC_SRC) == <u64>nSrc && cols * <u64>load<u32>(desc + CONN_NPC_TGT) == <u64>nTgt,
      "connect: the sheet does not match the population sizes");
  }
  assert(inBounds(<usize>load<u32>(desc + CONN_MARKS), <u64>marksBytes(desc), 8), "connect: marks out of bounds or misaligned");
  if (rule == <u32>RULE_FIXED_OUTDEGREE) {
    if (fill) assert(inBounds(<usize>load<u32>(desc + CONN_SORT_TMP), <u64>K << 3, 4), "connect: sort scratch out of bounds (2K u32)");
  }
  if (fill) {
    const nSyn = <u64>load<u32>(desc + CONN_NSYN);
    assert(load<u32>(<usize>load<u32>(desc + CONN_ROWPTR) + (<usize>nSrc << 2)) == <u32>nSyn, "connect_fill: rowPtr does not hold connect_count's prefix sums");
    assert(inBounds(<usize>load<u32>(desc + CONN_SYN), nSyn << 2, 4), "connect_fill: syn out of bounds");
    const list = <usize>load<u32>(desc + CONN_SRC_LIST);
    assert(list == 0 || inBounds(list, nSyn << 2, 4), "connect_fill: source list out of bounds or misaligned");
    const wk = load<u32>(desc + CONN_W_KIND);
    const dk = load<u32>(desc + CONN_D_KIND);
    assert(wk <= <u32>VAL_BERNOULLI && dk <= <u32>VAL_DISTANCE, "connect_fill: unknown value kind");
    assert(wk == <u32>VAL_CONST || inBounds(<usize>load<u32>(desc + CONN_WEIGHTS), nSyn << 2, 4), "connect_fill: weights out of bounds");
    assert((dk == <u32>VAL_CONST) == ((flags & CONN_F_PACKED) == 0), "connect_fill: packed iff delays vary");
    assert(load<f64>(desc + CONN_DT) > 0.0, "connect_fill: dt <= 0");
    const bk = <usize>load<u32>(desc + CONN_BUCKETS);
    if (bk != 0 && nSrc > 0) {
      const cap = load<u32>(desc + CONN_BUCKET_CAP);
      const nb = <u64>((nSrc - 1) >>> load<u32>(desc + CONN_BUCKET_SHIFT)) + 1;
      assert(cap > 0, "connect_fill: bucket capacity 0");
      const bytes = ((nb * 4 + 15) & ~(<u64>15)) + nb * <u64>cap * (wk != <u32>VAL_CONST ? 12 : 8);
      assert(inBounds(bk, bytes, 16), "connect_fill: buckets out of bounds or misaligned");
    }
  }
}

/** Bytes of the set of sampling without replacement (0: none). */
function marksBytes(desc: usize): usize {
  const rule = load<u32>(desc + CONN_RULE);
  const noMult = (load<u32>(desc + CONN_FLAGS) & CONN_F_NO_MULTAPSES) != 0;
  let pool: u32 = 0;
  if (rule == <u32>RULE_PAIRWISE_BERNOULLI) {
    const p = load<f64>(desc + CONN_P);
    if (p > 0.0 && p < 1.0) pool = load<u32>(desc + CONN_NSRC);
  } else if (noMult && (rule == <u32>RULE_FIXED_INDEGREE || rule == <u32>RULE_FIXED_TOTAL_NUMBER || rule == <u32>RULE_SPATIAL_INDEGREE)) {
    pool = load<u32>(desc + CONN_NSRC);
  } else if (noMult && rule == <u32>RULE_FIXED_OUTDEGREE) {
    pool = load<u32>(desc + CONN_NTGT);
  }
  if (pool == 0) return 0;
  const bits = load<u32>(desc + CONN_HASH_BITS);
  return bits != 0 ? <usize>8 << bits : <usize>pool << 2;
}

/** Prepare pass-local scratch: zero the set of sampling without replacement. */
function clearMarks(desc: usize): void {
  const bytes = marksBytes(desc);
  if (bytes != 0) memory.fill(<usize>load<u32>(desc + CONN_MARKS), 0, bytes);
}

// Each rule's generator, counting and filling, is a function of its own, called through a function
// reference (call_indirect), which binaryen does not inline: the engine compiles with its
// optimising tier only the generator a network uses, when it turns hot, instead of every rule
// inlined into connect_count and connect_fill (21 KB of code whose optimised compilation took ~90 ms
// of a core and ran into the first steps of a small network).
function countPairwise(desc: usize): i32 { return genPairwise(desc, false); }
function fillPairwise(desc: usize): i32 { return genPairwise(desc, true); }
function countIndegree(desc: usize): i32 { return genIndegree(desc, false, 0); }
function fillIndegree(desc: usize): i32 { return genIndegree(desc, true, 0); }
function countTotal(desc: usize): i32 { return genIndegree(desc, false, 1); }
function fillTotal(desc: usize): i32 { return genIndegree(desc, true, 1); }
function countOutdegree(desc: usize): i32 { return genOutdegree(desc, false); }
function fillOutdegree(desc: usize): i32 { return genOutdegree(desc, true); }
function countAllToAll(desc: usize): i32 { return genAllToAll(desc, false); }
function fillAllToAll(desc: usize): i32 { return genAllToAll(desc, true); }
function countOneToOne(desc: usize): i32 { return genOneToOne(desc, false); }
function fillOneToOne(desc: usize): i32 { return genOneToOne(desc, true); }
function countSpatial(desc: usize): i32 { return genSpatial(desc, false); }
function fillSpatial(desc: usize): i32 { return genSpatial(desc, true); }
function countExplicit(desc: usize): i32 { return genExplicit(desc, false); }
function fillExplicit(desc: usize): i32 { return genExplicit(desc, true); }

function ruleGen(rule: u32, fill: bool): (desc: usize) => i32 {
  if (rule == <u32>RULE_PAIRWISE_BERNOULLI) return fill ? fillPairwise : countPairwise;
  if (rule == <u32>RULE_FIXED_INDEGREE) return fill ? fillIndegree : countIndegree;
  if (rule == <u32>RULE_FIXED_TOTAL_NUMBER) return fill ? fillTotal : countTotal;
  if (rule == <u32>RULE_FIXED_OUTDEGREE) return fill ? fillOutdegree : countOutdegree;
  if (rule == <u32>RULE_ALL_TO_ALL) return fill ? fillAllToAll : countAllToAll;
  if (rule == <u32>RULE_ONE_TO_ONE) return fill ? fillOneToOne : countOneToOne;
  if (rule == <u32>RULE_SPATIAL_INDEGREE) return fill ? fillSpatial : countSpatial;
  return fill ? fillExplicit : countExplicit;
}

/**
 * Pass 1: count the synapses of every source onto the shard's targets into rowPtr (u32[nSrc + 1])
 * and prefix-sum them (rowPtr[s] = first synapse of row s, rowPtr[nSrc] = total). Writes and
 * returns the total (CONN_NSYN), or CONN_ERR_TOO_MANY above 2^31 - 1.
 */
export function connect_count(desc: usize): i32 {
  if (!ASC_NO_ASSERT) checkDesc(desc, false);
  const rule = load<u32>(desc + CONN_RULE);
  const nSrc = load<u32>(desc + CONN_NSRC);
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const ph = phaseOf(desc);
  if ((ph & CONN_PHASE_FIRST) != 0) {
    memory.fill(rowPtr, 0, (<usize>nSrc + 1) << 2);
    clearMarks(desc);
  }
  setupCount(desc);
  const err = ruleGen(rule, false)(desc);
  if (err < 0) {
    store<u32>(desc + CONN_ERR_INDEX, gErrWho);
    store<f64>(desc + CONN_ERR_VALUE, gErrValue);
    return err;
  }
  if ((ph & CONN_PHASE_LAST) == 0) return 0;
  if (fPart) {
    // the total from the buckets' counts; each bucket must fit the bucket area to be sorted there,
    // else the rows are counted from the list and connect_fill places the synapses as usual
    let tot: u64 = 0;
    let mx: u32 = 0;
    for (let b: u32 = 0; b < fNBk; b++) {
      const c = load<u32>(fBk + (<usize>b << 2));
      tot += <u64>c;
      if (c > mx) mx = c;
    }
    if (tot > 0x7fffffff) return CONN_ERR_TOO_MANY;
    if (<u64>mx * 4 <= <u64>fNBk * <u64>fBkCap * 8) {
      store<u32>(rowPtr + (<usize>nSrc << 2), <u32>tot);
      store<u32>(desc + CONN_NSYN, <u32>tot);
      return <i32>tot;
    }
    leavePartition(desc, <usize>load<u32>(desc + CONN_SRC_LIST), <u32>tot);
  }
  flushAllCounts();
  let acc: u64 = 0;
  for (let s: u32 = 0; s < nSrc; s++) {
    const a = rowPtr + (<usize>(s + 1) << 2);
    acc += <u64>load<u32>(a);
    if (acc > 0x7fffffff) return CONN_ERR_TOO_MANY;
    store<u32>(a, <u32>acc);
  }
  store<u32>(desc + CONN_NSYN, <u32>acc);
  return <i32>acc;
}

/**
 * Pass 2: regenerate the synapses of connect_count (rowPtr must hold its prefix sums) and place
 * each at rowPtr[s]++: syn = local target | delay << 24 (packed) or the local target, weights
 * when they vary. Then rowPtr is shifted back (rowPtr[0] = 0, rowPtr[s+1] = end of row s).
 * Returns the number of synapses, or a negative CONN_ERR_* code (CONN_ERR_INDEX: the target, or the
 * source for fixed_outdegree; CONN_ERR_VALUE: the value drawn).
 */
export function connect_fill(desc: usize): i32 {
  if (!ASC_NO_ASSERT) checkDesc(desc, true);
  const rule = load<u32>(desc + CONN_RULE);
  const nSrc = load<u32>(desc + CONN_NSRC);
  const rowPtr = <usize>load<u32>(desc + CONN_ROWPTR);
  const ph = phaseOf(desc);
  setupFill(desc);
  if ((ph & CONN_PHASE_FIRST) != 0) clearMarks(desc);
  const err = ruleGen(rule, true)(desc);
  if (err < 0) {
    store<u32>(desc + CONN_ERR_INDEX, gErrWho);
    store<f64>(desc + CONN_ERR_VALUE, gErrValue);
    return err;
  }
  store<u32>(desc + CONN_IDX, gIdx);
  if ((ph & CONN_PHASE_LAST) == 0) return 0;
  if (fPart) sortBuckets(nSrc);
  else flushAll();
  const nSyn = nSrc > 0 ? load<u32>(rowPtr + (<usize>(nSrc - 1) << 2)) : 0;
  if (!ASC_NO_ASSERT) {
    assert(nSyn == load<u32>(desc + CONN_NSYN), "connect_fill: fewer synapses than connect_count counted");
  }
  memory.copy(rowPtr + 4, rowPtr, <usize>nSrc << 2);
  store<u32>(rowPtr, 0);
  return <i32>nSyn;
}
