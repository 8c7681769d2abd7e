/**
 * Connectivity generation in TypeScript: mirror of assembly/connect.ts, operation for operation
 * (32-bit integer mixing with Math.imul, the same float64 operations, rngNormal32 of src/core/rng.ts),
 * so that both backends build the same synapses bit for bit. See assembly/connect.ts for the
 * two passes and docs/model-format.md for the rules.
 */
import {
  CONN_D_A, CONN_D_ARR, CONN_D_B, CONN_D_HI, CONN_D_KIND, CONN_D_LO, CONN_D_MAX, CONN_DSTREAM, CONN_DT,
  CONN_ERR_D_REDRAW, CONN_ERR_DELAY_RANGE, CONN_ERR_INDEX, CONN_ERR_TOO_MANY, CONN_ERR_VALUE, CONN_ERR_W_REDRAW,
  CONN_EXPL_PTR, CONN_EXPL_SRC, CONN_F_D_REDRAW, CONN_F_NO_AUTAPSES, CONN_F_NO_MULTAPSES, CONN_F_PACKED,
  CONN_F_W_REDRAW, CONN_FLAGS, CONN_DEG_LEN, CONN_DEG_LO, CONN_DEG_TABLE, CONN_K, CONN_MARKS, CONN_MAX_REDRAW, CONN_NSRC, CONN_NSYN,
  CONN_NTGT, CONN_P, CONN_ROWPTR, CONN_RULE, CONN_SEED, CONN_SORT_TMP, CONN_STREAM, CONN_SYN, CONN_TGT_BEGIN,
  CONN_TGT_END, CONN_W_A, CONN_W_ARR, CONN_W_B, CONN_W_HI, CONN_W_KIND, CONN_W_LO, CONN_WEIGHTS, CONN_WSTREAM,
  CONN_COUNTS, CONN_BUCKETS, CONN_BUCKET_CAP, CONN_BUCKET_SHIFT, CONN_CHUNK_BEGIN, CONN_CHUNK_END, CONN_IDX, CONN_PHASE,
  CONN_PHASE_CHUNK, CONN_PHASE_FIRST, CONN_PHASE_LAST, CONN_HASH_BITS, RULE_ALL_TO_ALL, RULE_FIXED_INDEGREE, RULE_FIXED_OUTDEGREE, RULE_FIXED_TOTAL_NUMBER,
  RULE_ONE_TO_ONE, RULE_PAIRWISE_BERNOULLI, VAL_ARRAY, VAL_BERNOULLI, VAL_CONST, VAL_UNIFORM,
  CONN_SHEET_CX, CONN_SHEET_CY, CONN_NPC_SRC, CONN_NPC_TGT, CONN_SP_TABLE, CONN_SP_LEN, CONN_SPACING,
  CONN_F_PERIODIC, RULE_SPATIAL_INDEGREE, VAL_DISTANCE, CONN_ERR_SPATIAL, CONN_SPATIAL_MAX_ATTEMPTS,
  CONN_SRC_LIST, CONN_LIST_POS, CONN_LIST_CAP,
} from '../../core/layout.ts';
import { mix32, rngNormal32 } from '../../core/rng.ts';
import { gridDistance } from '../../core/sheet.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

const TWO_M53 = 1.1102230246251565e-16;
const TWO_M24 = 5.9604644775390625e-8;
const TWO32 = 4294967296;

const rotOf = (key: number): number => ((key << 16) | (key >>> 16)) >>> 0;
/** rngU32(key, ctr) with rot = rotOf(key) */
const rngAt = (key: number, rot: number, ctr: number): number =>
  mix32((mix32((key ^ Math.imul(ctr, 0x9e3779b9)) >>> 0) ^ rot) >>> 0);
const keyPrefix = (seed: number, stream: number): number => mix32((mix32((seed ^ 0x6a09e667) >>> 0) ^ stream) >>> 0);
const uniform53 = (a: number, b: number): number => ((a >>> 5) * 67108864 + (b >>> 6)) * TWO_M53;

/** floor(u * n / 2^32) exactly, u and n < 2^32 (the high word of the 64-bit product). */
function mulHi(u: number, n: number): number {
  if (n < 2097152) return Math.floor((u * n) / TWO32);
  const a = u >>> 16;
  const b = u & 0xffff;
  return Math.floor((a * n + Math.floor((b * n) / 65536)) / 65536);
}

/** assembly/connect.ts setInsert: insert r into the set of this tag; false when it is there already. */
function setInsert(u32: Uint32Array, mk: number, bits: number, r: number, tag: number): boolean {
  if (bits === 0) {
    if (u32[mk + r] === tag) return false;
    u32[mk + r] = tag;
    return true;
  }
  const mask = (1 << bits) - 1;
  let h = Math.imul(r, 0x9e3779b1) >>> (32 - bits);
  for (;;) {
    const sa = mk + 2 * h;
    if (u32[sa + 1] !== tag) {
      u32[sa] = r;
      u32[sa + 1] = tag;
      return true;
    }
    if (u32[sa] === r) return false;
    h = (h + 1) & mask;
  }
}

/** assembly/connect.ts floydPick: r, or j when r is in the set of this tag; recorded (u32 word offsets; slots (value, tag)). */
function floydPick(u32: Uint32Array, mk: number, bits: number, r: number, j: number, tag: number): number {
  if (bits === 0) {
    const v = u32[mk + r] === tag ? j : r;
    u32[mk + v] = tag;
    return v;
  }
  const mask = (1 << bits) - 1;
  const sh = 32 - bits;
  let h = Math.imul(r, 0x9e3779b1) >>> sh;
  for (;;) {
    const sa = mk + 2 * h;
    if (u32[sa + 1] !== tag) {
      u32[sa] = r;
      u32[sa + 1] = tag;
      return r;
    }
    if (u32[sa] === r) break;
    h = (h + 1) & mask;
  }
  h = Math.imul(j, 0x9e3779b1) >>> sh;
  while (u32[mk + 2 * h + 1] === tag) h = (h + 1) & mask;
  u32[mk + 2 * h] = j;
  u32[mk + 2 * h + 1] = tag;
  return j;
}

export function connectKernels(m: Views): Pick<Kernels, 'connect_count' | 'connect_fill'> {
  // ---------------------------------------------------------------- fill state (as the AS globals)
  let u32 = m.u32;
  let f32 = m.f32;
  let u8 = m.u8;
  let fRowPtr = 0, fSyn = 0, fW = 0, fWKind = 0, fDKind = 0;
  let fPacked = false, fWRedraw = false, fDRedraw = false;
  let fWA = 0, fWB = 0, fWLo = 0, fWHi = 0, fDA = 0, fDB = 0, fDLo = 0, fDHi = 0, fDt = 1, fDMax = 1;
  let fWArr = 0, fDArr = 0, fHW = 0, fHD = 0;
  // distance delays (VAL_DISTANCE): the sheet and the shard's first target
  let fCx = 1, fCy = 1, fNpcS = 1, fNpcT = 1, fPeriodic = false, fSpacing = 0, fTgtBegin = 0;
  let fSpatialDist = false, gDist = 0;
  let gWKey = 0, gWCtr = 0, gDKey = 0, gDCtr = 0, gIdx = 0;
  let gErrValue = 0, gErrWho = 0, gUsed = 0;
  // placement buckets (fBk === 0: place directly), word offsets
  let fBk = 0, fBkE = 0, fBkCap = 0, fBkShift = 0, fBkStride = 0, fNBk = 0;

  function drawValue(kind: number, a: number, b: number, lo: number, hi: number, redraw: boolean, key: number, ctr: number): number {
    const rot = rotOf(key);
    if (kind === VAL_UNIFORM) {
      gUsed = 2;
      return a + b * uniform53(rngAt(key, rot, ctr), rngAt(key, rot, (ctr + 1) >>> 0));
    }
    if (kind === VAL_BERNOULLI) {
      gUsed = 2;
      return uniform53(rngAt(key, rot, ctr), rngAt(key, rot, (ctr + 1) >>> 0)) < a ? 1 : 0;
    }
    // normal: the float32 ziggurat, draw j = c/2 (counters c, c + 1; c is even)
    let c = ctr;
    for (let k = 0; k < CONN_MAX_REDRAW; k++) {
      const x = a + b * rngNormal32(key, c >>> 1);
      c = (c + 2) >>> 0;
      if (!redraw) {
        gUsed = 2;
        return x < lo ? lo : x > hi ? hi : x;
      }
      if (x >= lo && x <= hi) {
        gUsed = (c - ctr) >>> 0;
        return x;
      }
    }
    gUsed = (c - ctr) >>> 0;
    return NaN;
  }

  function setupFill(d: number): void {
    const f64 = m.f64;
    const dd = d >>> 1; // f64 index of the descriptor (8-byte aligned)
    const flags = u32[d + CONN_FLAGS / 4];
    fRowPtr = u32[d + CONN_ROWPTR / 4];
    fSyn = u32[d + CONN_SYN / 4];
    fW = u32[d + CONN_WEIGHTS / 4];
    fWKind = u32[d + CONN_W_KIND / 4];
    fDKind = u32[d + CONN_D_KIND / 4];
    fPacked = (flags & CONN_F_PACKED) !== 0;
    fWRedraw = (flags & CONN_F_W_REDRAW) !== 0;
    fDRedraw = (flags & CONN_F_D_REDRAW) !== 0;
    fWA = f64[dd + CONN_W_A / 8];
    fWB = f64[dd + CONN_W_B / 8];
    fWLo = f64[dd + CONN_W_LO / 8];
    fWHi = f64[dd + CONN_W_HI / 8];
    fDA = f64[dd + CONN_D_A / 8];
    fDB = f64[dd + CONN_D_B / 8];
    fDLo = f64[dd + CONN_D_LO / 8];
    fDHi = f64[dd + CONN_D_HI / 8];
    fDt = f64[dd + CONN_DT / 8];
    fDMax = u32[d + CONN_D_MAX / 4];
    fWArr = u32[d + CONN_W_ARR / 4];
    fDArr = u32[d + CONN_D_ARR / 4];
    fCx = u32[d + CONN_SHEET_CX / 4];
    fCy = u32[d + CONN_SHEET_CY / 4];
    fNpcS = u32[d + CONN_NPC_SRC / 4];
    fNpcT = u32[d + CONN_NPC_TGT / 4];
    fPeriodic = (flags & CONN_F_PERIODIC) !== 0;
    fSpacing = f64[dd + CONN_SPACING / 8];
    fTgtBegin = u32[d + CONN_TGT_BEGIN / 4];
    fSpatialDist = u32[d + CONN_RULE / 4] === RULE_SPATIAL_INDEGREE;
    const seed = u32[d + CONN_SEED / 4];
    fHW = keyPrefix(seed, u32[d + CONN_WSTREAM / 4]);
    fHD = keyPrefix(seed, u32[d + CONN_DSTREAM / 4]);
    const first = (phaseOf(d) & CONN_PHASE_FIRST) !== 0;
    gIdx = first ? 0 : u32[d + CONN_IDX / 4];
    fBk = u32[d + CONN_BUCKETS / 4] >>> 2;
    if (u32[d + CONN_RULE / 4] === RULE_FIXED_OUTDEGREE) fBk = 0;
    fBkCap = u32[d + CONN_BUCKET_CAP / 4];
    fBkShift = u32[d + CONN_BUCKET_SHIFT / 4];
    fBkStride = fWKind !== VAL_CONST ? 3 : 2;
    const nSrc = u32[d + CONN_NSRC / 4];
    fNBk = nSrc > 0 ? ((nSrc - 1) >>> fBkShift) + 1 : 0;
    fBkE = fBk + (((fNBk * 4 + 15) & ~15) >>> 2);
    if (fBk !== 0 && first) u32.fill(0, fBk, fBk + fNBk);
  }

  function flushBucket(b: number, n: number): void {
    let e = fBkE + b * fBkCap * fBkStride;
    const hasW = fWKind !== VAL_CONST;
    const rp = fRowPtr >>> 2, so = fSyn >>> 2, wo = fW >>> 2;
    for (let j = 0; j < n; j++) {
      const ra = rp + u32[e];
      const pos = u32[ra];
      u32[ra] = pos + 1;
      u32[so + pos] = u32[e + 1];
      if (hasW) u32[wo + pos] = u32[e + 2];
      e += fBkStride;
    }
  }

  function flushAll(): void {
    if (fBk === 0) return;
    for (let b = 0; b < fNBk; b++) {
      const n = u32[fBk + b];
      if (n !== 0) flushBucket(b, n);
      u32[fBk + b] = 0;
    }
  }

  function startTarget(t: number): void {
    if (fWKind >= VAL_UNIFORM) {
      gWKey = mix32((fHW + t) >>> 0);
      gWCtr = 0;
    }
    if (fDKind >= VAL_UNIFORM) {
      gDKey = mix32((fHD + t) >>> 0);
      gDCtr = 0;
    }
  }

  /** assembly/connect.ts columnDistance: um between the column centres of source s and target t */
  function columnDistance(s: number, t: number): number {
    return gridDistance(Math.floor(s / fNpcS), Math.floor(t / fNpcT), fCx, fCy, fSpacing, fPeriodic);
  }

  /** assembly/connect.ts place(): 0 or a negative error code */
  function place(s: number, tl: number, who: number): number {
    let w = 0;
    let dl = 0;
    if (fWKind !== VAL_CONST) {
      if (fWKind === VAL_ARRAY) {
        w = f32[(fWArr >>> 2) + gIdx];
      } else {
        const x = drawValue(fWKind, fWA, fWB, fWLo, fWHi, fWRedraw, gWKey, gWCtr);
        gWCtr = (gWCtr + gUsed) >>> 0;
        if (x !== x) {
          gErrValue = x;
          gErrWho = who;
          return CONN_ERR_W_REDRAW;
        }
        w = x;
      }
    }
    if (fPacked) {
      if (fDKind === VAL_ARRAY) {
        dl = u8[fDArr + gIdx];
      } else {
        let x: number;
        if (fDKind === VAL_DISTANCE) x = fDA + (fSpatialDist ? gDist : columnDistance(s, fTgtBegin + tl)) / fDB;
        else {
          x = drawValue(fDKind, fDA, fDB, fDLo, fDHi, fDRedraw, gDKey, gDCtr);
          gDCtr = (gDCtr + gUsed) >>> 0;
          if (x !== x) {
            gErrValue = x;
            gErrWho = who;
            return CONN_ERR_D_REDRAW;
          }
        }
        const q = x / fDt;
        let r = Math.ceil(q);
        if (r - 0.5 > q) r -= 1;
        if (r < 1) r = 1;
        if (r > fDMax) {
          gErrValue = x;
          gErrWho = who;
          return CONN_ERR_DELAY_RANGE;
        }
        dl = r;
      }
    }
    gIdx++;
    const v = (tl | (dl << 24)) >>> 0;
    if (fBk !== 0) {
      const b = s >>> fBkShift;
      const n = u32[fBk + b];
      const e = fBkE + (b * fBkCap + n) * fBkStride;
      u32[e] = s;
      u32[e + 1] = v;
      if (fWKind !== VAL_CONST) f32[e + 2] = w;
      if (n + 1 < fBkCap) u32[fBk + b] = n + 1;
      else {
        flushBucket(b, n + 1);
        u32[fBk + b] = 0;
      }
      return 0;
    }
    const ra = (fRowPtr >>> 2) + s;
    const pos = u32[ra];
    u32[ra] = pos + 1;
    u32[(fSyn >>> 2) + pos] = v;
    if (fWKind !== VAL_CONST) f32[(fW >>> 2) + pos] = w;
    return 0;
  }

  function phaseOf(d: number): number {
    const ph = u32[d + CONN_PHASE / 4];
    return ph === 0 ? CONN_PHASE_FIRST | CONN_PHASE_LAST : ph;
  }
  const chunkLo = (d: number, dflt: number): number => ((u32[d + CONN_PHASE / 4] & CONN_PHASE_CHUNK) !== 0 ? u32[d + CONN_CHUNK_BEGIN / 4] : dflt);
  const chunkHi = (d: number, dflt: number): number => ((u32[d + CONN_PHASE / 4] & CONN_PHASE_CHUNK) !== 0 ? u32[d + CONN_CHUNK_END / 4] : dflt);

  // ---------------------------------------------------------------- rules (FILL: count or fill)

  function genAllToAll(d: number, FILL: boolean): number {
    const nSrc = u32[d + CONN_NSRC / 4];
    const b = u32[d + CONN_TGT_BEGIN / 4];
    const e = u32[d + CONN_TGT_END / 4];
    const excl = (u32[d + CONN_FLAGS / 4] & CONN_F_NO_AUTAPSES) !== 0;
    const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
    if (!FILL) {
      if ((phaseOf(d) & CONN_PHASE_FIRST) === 0) return 0;
      const n = e - b;
      for (let s = 0; s < nSrc; s++) u32[rp + s + 1] = excl && s >= b && s < e ? n - 1 : n;
      return 0;
    }
    const t1 = chunkHi(d, e);
    for (let t = chunkLo(d, b); t < t1; t++) {
      startTarget(t);
      const tl = t - b;
      for (let s = 0; s < nSrc; s++) {
        if (excl && s === t) continue;
        const err = place(s, tl, t);
        if (err < 0) return err;
      }
    }
    return 0;
  }

  function genOneToOne(d: number, FILL: boolean): number {
    const b = u32[d + CONN_TGT_BEGIN / 4];
    const e = u32[d + CONN_TGT_END / 4];
    const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
    const t1 = chunkHi(d, e);
    for (let t = chunkLo(d, b); t < t1; t++) {
      if (!FILL) u32[rp + t + 1]++;
      else {
        startTarget(t);
        const err = place(t, t - b, t);
        if (err < 0) return err;
      }
    }
    return 0;
  }

  function genExplicit(d: number, FILL: boolean): number {
    const b = u32[d + CONN_TGT_BEGIN / 4];
    const e = u32[d + CONN_TGT_END / 4];
    const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
    const ep = u32[d + CONN_EXPL_PTR / 4] >>> 2;
    const es = u32[d + CONN_EXPL_SRC / 4] >>> 2;
    const tl1 = chunkHi(d, e) - b;
    for (let tl = chunkLo(d, b) - b; tl < tl1; tl++) {
      const k0 = u32[ep + tl];
      const k1 = u32[ep + tl + 1];
      if (FILL) startTarget(b + tl);
      for (let k = k0; k < k1; k++) {
        const s = u32[es + k];
        if (!FILL) u32[rp + s + 1]++;
        else {
          const err = place(s, tl, b + tl);
          if (err < 0) return err;
        }
      }
    }
    return 0;
  }

  function genPairwise(d: number, FILL: boolean): number {
    const p = m.f64[(d >>> 1) + CONN_P / 8];
    if (p >= 1) return genAllToAll(d, FILL);
    if (!(p > 0)) return 0;
    return genIndegree(d, FILL, 2);
  }

  function genIndegree(d: number, FILL: boolean, KMODE: number): number {
    const nSrc = u32[d + CONN_NSRC / 4];
    const b = u32[d + CONN_TGT_BEGIN / 4];
    const e = u32[d + CONN_TGT_END / 4];
    const flags = u32[d + CONN_FLAGS / 4];
    const excl = (flags & CONN_F_NO_AUTAPSES) !== 0;
    const multapses = KMODE !== 2 && (flags & CONN_F_NO_MULTAPSES) === 0;
    const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
    const counts = u32[d + CONN_COUNTS / 4] >>> 2;
    const f64 = m.f64;
    const deg = u32[d + CONN_DEG_TABLE / 4] >>> 3;
    const degLo = u32[d + CONN_DEG_LO / 4];
    const degLast = u32[d + CONN_DEG_LEN / 4] - 1;
    const mk = u32[d + CONN_MARKS / 4] >>> 2;
    const hbits = u32[d + CONN_HASH_BITS / 4];
    const K0 = u32[d + CONN_K / 4];
    const h = keyPrefix(u32[d + CONN_SEED / 4], u32[d + CONN_STREAM / 4]);
    const n = excl ? nSrc - 1 : nSrc;
    if (n === 0) return 0;
    const thr = (TWO32 - n) % n;
    // source list (assembly/connect.ts genIndegree): written by the count, read back by the fill
    let list = u32[d + CONN_SRC_LIST / 4] >>> 2;
    const listCap = u32[d + CONN_LIST_CAP / 4];
    let la = list + ((phaseOf(d) & CONN_PHASE_FIRST) !== 0 ? 0 : u32[d + CONN_LIST_POS / 4]);
    const t1 = chunkHi(d, e);
    for (let t = chunkLo(d, b); t < t1; t++) {
      const tl = t - b;
      let K = K0;
      let ctr = 0;
      const key = mix32((h + t) >>> 0);
      const rot = rotOf(key);
      if (KMODE === 1) K = u32[counts + tl];
      else if (KMODE === 2) {
        const u = uniform53(rngAt(key, rot, 0), rngAt(key, rot, 1));
        ctr = 2;
        let lo = 0;
        let hi = degLast;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (u < f64[deg + mid]) hi = mid;
          else lo = mid + 1;
        }
        K = degLo + lo;
      }
      if (K === 0) continue;
      if (!FILL && list !== 0 && la - list + K > listCap) {
        list = 0;
        u32[d + CONN_SRC_LIST / 4] = 0;
      }
      if (FILL) startTarget(t);
      if (FILL && list !== 0) {
        for (const end = la + K; la < end; la++) {
          const err = place(u32[la], tl, t);
          if (err < 0) return err;
        }
      } else if (multapses) {
        for (let i = 0; i < K; i++) {
          let u = rngAt(key, rot, ctr++);
          while (Math.imul(u, n) >>> 0 < thr) u = rngAt(key, rot, ctr++);
          let s = mulHi(u, n);
          if (excl && s >= t) s++;
          if (!FILL) {
            if (list !== 0) u32[la++] = s;
            u32[rp + s + 1]++;
          } else {
            const err = place(s, tl, t);
            if (err < 0) return err;
          }
        }
      } else {
        const tag = tl + 1;
        for (let j = n - K; j < n; j++) {
          const bound = j + 1;
          let u = rngAt(key, rot, ctr++);
          if (Math.imul(u, bound) >>> 0 < bound) {
            const th = (TWO32 - bound) % bound;
            while (Math.imul(u, bound) >>> 0 < th) u = rngAt(key, rot, ctr++);
          }
          let r = floydPick(u32, mk, hbits, mulHi(u, bound), j, tag);
          if (excl && r >= t) r++;
          if (!FILL) {
            if (list !== 0) u32[la++] = r;
            u32[rp + r + 1]++;
          } else {
            const err = place(r, tl, t);
            if (err < 0) return err;
          }
        }
      }
    }
    if (list !== 0) u32[d + CONN_LIST_POS / 4] = la - list;
    return 0;
  }

  /** assembly/connect.ts genSpatial (spatial_indegree) */
  function genSpatial(d: number, FILL: boolean): number {
    const b = u32[d + CONN_TGT_BEGIN / 4];
    const e = u32[d + CONN_TGT_END / 4];
    const flags = u32[d + CONN_FLAGS / 4];
    const excl = (flags & CONN_F_NO_AUTAPSES) !== 0;
    const noMult = (flags & CONN_F_NO_MULTAPSES) !== 0;
    const periodic = (flags & CONN_F_PERIODIC) !== 0;
    const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
    const mk = u32[d + CONN_MARKS / 4] >>> 2;
    const hbits = u32[d + CONN_HASH_BITS / 4];
    const K = u32[d + CONN_K / 4];
    const cx = u32[d + CONN_SHEET_CX / 4];
    const cy = u32[d + CONN_SHEET_CY / 4];
    const npcS = u32[d + CONN_NPC_SRC / 4];
    const npcT = u32[d + CONN_NPC_TGT / 4];
    const tab = u32[d + CONN_SP_TABLE / 4] >>> 2;
    const n = u32[d + CONN_SP_LEN / 4];
    const h = keyPrefix(u32[d + CONN_SEED / 4], u32[d + CONN_STREAM / 4]);
    if (K === 0 || npcS === 0 || n === 0) return 0;
    const thrN = (TWO32 - n) % n;
    const thrS = (TWO32 - npcS) % npcS;
    const t1 = chunkHi(d, e);
    for (let t = chunkLo(d, b); t < t1; t++) {
      const tl = t - b;
      const key = mix32((h + t) >>> 0);
      const rot = rotOf(key);
      let ctr = 0;
      const tc = Math.floor(t / npcT);
      const tx = tc % cx;
      const ty = Math.floor(tc / cx);
      const tag = tl + 1;
      if (FILL) startTarget(t);
      for (let i = 0; i < K; i++) {
        let s = 0;
        let ox = 0;
        let oy = 0;
        let found = false;
        for (let att = 0; att < CONN_SPATIAL_MAX_ATTEMPTS; att++) {
          let v = rngAt(key, rot, ctr++);
          while (Math.imul(v, n) >>> 0 < thrN) v = rngAt(key, rot, ctr++);
          const ea = tab + 3 * mulHi(v, n);
          const coin = rngAt(key, rot, ctr++);
          const off = coin < u32[ea] ? u32[ea + 1] : u32[ea + 2];
          ox = (off & 0xffff) - 32768;
          oy = (off >>> 16) - 32768;
          let sx = tx + ox;
          let sy = ty + oy;
          if (periodic) {
            if (sx < 0) sx += cx;
            else if (sx >= cx) sx -= cx;
            if (sy < 0) sy += cy;
            else if (sy >= cy) sy -= cy;
          } else if (sx < 0 || sx >= cx || sy < 0 || sy >= cy) continue;
          let q = rngAt(key, rot, ctr++);
          while (Math.imul(q, npcS) >>> 0 < thrS) q = rngAt(key, rot, ctr++);
          s = (sy * cx + sx) * npcS + mulHi(q, npcS);
          if (excl && s === t) continue;
          if (noMult && !setInsert(u32, mk, hbits, s, tag)) continue;
          found = true;
          break;
        }
        if (!found) {
          gErrWho = t;
          gErrValue = 0;
          return CONN_ERR_SPATIAL;
        }
        if (!FILL) u32[rp + s + 1]++;
        else {
          if (fDKind === VAL_DISTANCE) {
            const fx = ox < 0 ? -ox : ox;
            const fy = oy < 0 ? -oy : oy;
            gDist = fSpacing * Math.sqrt(fx * fx + fy * fy);
          }
          const err = place(s, tl, t);
          if (err < 0) return err;
        }
      }
    }
    return 0;
  }

  /** Stable sort of syn[lo..hi) (weights alongside, as bits) by target; assembly/connect.ts sortRow. */
  function sortRow(lo: number, hi: number, tmp: number): void {
    const len = hi - lo;
    if (len < 2) return;
    const mask = fPacked ? 0xffffff : 0xffffffff;
    const hasW = fWKind !== VAL_CONST;
    const A = (fSyn >>> 2) + lo;
    const AW = (fW >>> 2) + lo;
    for (let r0 = 0; r0 < len; r0 += 16) {
      const r1 = r0 + 16 < len ? r0 + 16 : len;
      for (let i = r0 + 1; i < r1; i++) {
        const v = u32[A + i];
        const kv = (v & mask) >>> 0;
        const wv = hasW ? u32[AW + i] : 0;
        let j = i;
        while (j > r0 && (u32[A + j - 1] & mask) >>> 0 > kv) {
          u32[A + j] = u32[A + j - 1];
          if (hasW) u32[AW + j] = u32[AW + j - 1];
          j--;
        }
        u32[A + j] = v;
        if (hasW) u32[AW + j] = wv;
      }
    }
    if (len <= 16) return;
    const B = tmp >>> 2;
    const BW = B + len;
    let src = A, srcW = AW, dst = B, dstW = BW;
    for (let width = 16; width < len; width *= 2) {
      for (let l = 0; l < len; l += 2 * width) {
        const mid = l + width < len ? l + width : len;
        const end = mid + width < len ? mid + width : len;
        let i = l, j = mid, k = l;
        while (i < mid && j < end) {
          const vi = u32[src + i];
          const vj = u32[src + j];
          if ((vi & mask) >>> 0 <= (vj & mask) >>> 0) {
            u32[dst + k] = vi;
            if (hasW) u32[dstW + k] = u32[srcW + i];
            i++;
          } else {
            u32[dst + k] = vj;
            if (hasW) u32[dstW + k] = u32[srcW + j];
            j++;
          }
          k++;
        }
        while (i < mid) {
          u32[dst + k] = u32[src + i];
          if (hasW) u32[dstW + k] = u32[srcW + i];
          i++;
          k++;
        }
        while (j < end) {
          u32[dst + k] = u32[src + j];
          if (hasW) u32[dstW + k] = u32[srcW + j];
          j++;
          k++;
        }
      }
      let t0 = src; src = dst; dst = t0;
      t0 = srcW; srcW = dstW; dstW = t0;
    }
    if (src !== A) {
      u32.copyWithin(A, src, src + len);
      if (hasW) u32.copyWithin(AW, srcW, srcW + len);
    }
  }

  function genOutdegree(d: number, FILL: boolean): number {
    const nSrc = u32[d + CONN_NSRC / 4];
    const nTgt = u32[d + CONN_NTGT / 4];
    const b = u32[d + CONN_TGT_BEGIN / 4];
    const e = u32[d + CONN_TGT_END / 4];
    const flags = u32[d + CONN_FLAGS / 4];
    const excl = (flags & CONN_F_NO_AUTAPSES) !== 0;
    const multapses = (flags & CONN_F_NO_MULTAPSES) === 0;
    const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
    const mk = u32[d + CONN_MARKS / 4] >>> 2;
    const hbits = u32[d + CONN_HASH_BITS / 4];
    const tmp = u32[d + CONN_SORT_TMP / 4];
    const K = u32[d + CONN_K / 4];
    const h = keyPrefix(u32[d + CONN_SEED / 4], u32[d + CONN_STREAM / 4]);
    const n = excl ? nTgt - 1 : nTgt;
    if (n === 0 || K === 0) return 0;
    const thr = (TWO32 - n) % n;
    const s1 = chunkHi(d, nSrc);
    for (let s = chunkLo(d, 0); s < s1; s++) {
      const key = mix32((h + s) >>> 0);
      const rot = rotOf(key);
      let wk = 0, wr = 0, dk = 0, dr = 0;
      if (FILL) {
        if (fWKind >= VAL_UNIFORM) {
          wk = mix32((fHW + s) >>> 0);
          wr = rotOf(wk);
        }
        if (fDKind >= VAL_UNIFORM) {
          dk = mix32((fHD + s) >>> 0);
          dr = rotOf(dk);
        }
      }
      const row0 = FILL ? u32[rp + s] : 0;
      let kept = 0;
      let ctr = 0;
      const tag = s + 1;
      const j0 = multapses ? 0 : n - K;
      const jEnd = multapses ? K : n;
      for (let j = j0; j < jEnd; j++) {
        let r: number;
        if (multapses) {
          let u = rngAt(key, rot, ctr++);
          while (Math.imul(u, n) >>> 0 < thr) u = rngAt(key, rot, ctr++);
          r = mulHi(u, n);
        } else {
          const bound = j + 1;
          let u = rngAt(key, rot, ctr++);
          if (Math.imul(u, bound) >>> 0 < bound) {
            const th = (TWO32 - bound) % bound;
            while (Math.imul(u, bound) >>> 0 < th) u = rngAt(key, rot, ctr++);
          }
          r = floydPick(u32, mk, hbits, mulHi(u, bound), j, tag);
        }
        if (excl && r >= s) r++;
        if (r < b || r >= e) continue;
        kept++;
        if (FILL) {
          const jj = j - j0;
          gIdx = s * K + jj;
          if (fWKind >= VAL_UNIFORM) {
            gWKey = rngAt(wk, wr, jj);
            gWCtr = 0;
          }
          if (fDKind >= VAL_UNIFORM) {
            gDKey = rngAt(dk, dr, jj);
            gDCtr = 0;
          }
          const err = place(s, r - b, s);
          if (err < 0) return err;
        }
      }
      if (!FILL) u32[rp + s + 1] = kept;
      else sortRow(row0, row0 + kept, tmp);
    }
    return 0;
  }

  /** assembly/connect.ts marksBytes / clearMarks */
  function clearMarks(d: number): void {
    const rule = u32[d + CONN_RULE / 4];
    const noMult = (u32[d + CONN_FLAGS / 4] & CONN_F_NO_MULTAPSES) !== 0;
    let pool = 0;
    if (rule === RULE_PAIRWISE_BERNOULLI) {
      const p = m.f64[(d >>> 1) + CONN_P / 8];
      if (p > 0 && p < 1) pool = u32[d + CONN_NSRC / 4];
    } else if (noMult && (rule === RULE_FIXED_INDEGREE || rule === RULE_FIXED_TOTAL_NUMBER || rule === RULE_SPATIAL_INDEGREE)) pool = u32[d + CONN_NSRC / 4];
    else if (noMult && rule === RULE_FIXED_OUTDEGREE) pool = u32[d + CONN_NTGT / 4];
    if (pool === 0) return;
    const bits = u32[d + CONN_HASH_BITS / 4];
    const mk = u32[d + CONN_MARKS / 4] >>> 2;
    u32.fill(0, mk, mk + (bits !== 0 ? 2 << bits : pool));
  }

  function generate(d: number, FILL: boolean): number {
    switch (u32[d + CONN_RULE / 4]) {
      case RULE_PAIRWISE_BERNOULLI: return genPairwise(d, FILL);
      case RULE_FIXED_INDEGREE: return genIndegree(d, FILL, 0);
      case RULE_FIXED_TOTAL_NUMBER: return genIndegree(d, FILL, 1);
      case RULE_FIXED_OUTDEGREE: return genOutdegree(d, FILL);
      case RULE_ALL_TO_ALL: return genAllToAll(d, FILL);
      case RULE_ONE_TO_ONE: return genOneToOne(d, FILL);
      case RULE_SPATIAL_INDEGREE: return genSpatial(d, FILL);
      default: return genExplicit(d, FILL);
    }
  }

  return {
    connect_count(desc) {
      u32 = m.u32;
      const d = desc >>> 2;
      const nSrc = u32[d + CONN_NSRC / 4];
      const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
      const ph = phaseOf(d);
      if (ph & CONN_PHASE_FIRST) {
        u32.fill(0, rp, rp + nSrc + 1);
        clearMarks(d);
      }
      const err = generate(d, false);
      if (err < 0) {
        u32[d + CONN_ERR_INDEX / 4] = gErrWho;
        m.f64[(desc >>> 3) + CONN_ERR_VALUE / 8] = gErrValue;
        return err;
      }
      if ((ph & CONN_PHASE_LAST) === 0) return 0;
      let acc = 0;
      for (let s = 0; s < nSrc; s++) {
        acc += u32[rp + s + 1];
        if (acc > 0x7fffffff) return CONN_ERR_TOO_MANY;
        u32[rp + s + 1] = acc;
      }
      u32[d + CONN_NSYN / 4] = acc;
      return acc;
    },

    connect_fill(desc) {
      u32 = m.u32;
      f32 = m.f32;
      u8 = m.u8;
      const d = desc >>> 2;
      const nSrc = u32[d + CONN_NSRC / 4];
      const rp = u32[d + CONN_ROWPTR / 4] >>> 2;
      if (u32[rp + nSrc] !== u32[d + CONN_NSYN / 4]) throw new Error('connect_fill: rowPtr does not hold connect_count\'s prefix sums');
      const ph = phaseOf(d);
      setupFill(d);
      if (ph & CONN_PHASE_FIRST) clearMarks(d);
      const err = generate(d, true);
      if (err < 0) {
        u32[d + CONN_ERR_INDEX / 4] = gErrWho;
        m.f64[(desc >>> 3) + CONN_ERR_VALUE / 8] = gErrValue;
        return err;
      }
      u32[d + CONN_IDX / 4] = gIdx;
      if ((ph & CONN_PHASE_LAST) === 0) return 0;
      flushAll();
      const nSyn = nSrc > 0 ? u32[rp + nSrc - 1] : 0;
      if (nSyn !== u32[d + CONN_NSYN / 4]) throw new Error('connect_fill: a different number of synapses than connect_count counted');
      u32.copyWithin(rp + 1, rp, rp + nSrc);
      u32[rp] = 0;
      return nSyn;
    },
  };
}
