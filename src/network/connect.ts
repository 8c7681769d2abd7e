/**
 * Connection rules (NEST semantics) and the CSR layout.
 *
 * Every rule first produces the INCOMING lists of the targets (target-major: inPtr[t]..inPtr[t+1]
 * index inSrc), which are then scattered into CSR by source (rowPtr, targets ascending within a row,
 * duplicates of a multapse kept in generation order) by one counting sort.
 *
 * Randomness, all from src/core/rng.ts (KeyStream over rngKey(seed, stream, index)):
 *   all_to_all, one_to_one, explicit  no randomness
 *   pairwise_bernoulli   per target t, key (connStream, t): geometric skipping over the sources,
 *                        skip = floor(detLog(1 - u) / log(1 - p)), u = KeyStream.uniform(); the
 *                        autapse (s = t) is skipped when excluded. p = 0 and p = 1 are exact.
 *   fixed_indegree       per target t, key (connStream, t): K sources, with replacement
 *                        (below(n)) or without (Floyd's algorithm, marks in a reusable array)
 *   fixed_outdegree      per SOURCE s, key (connStream, s): K targets, as above
 *   fixed_total_number   counts per target from one key (totalCountStream, 0), drawn in target
 *                        order as sequential conditional binomials Bin(remaining, 1/(T - t))
 *                        (a multinomial; hypergeometric without multapses: a uniform set of
 *                        distinct pairs), then the sources of target t from key (connStream, t)
 *                        as for fixed_indegree.
 * Target-local (the incoming synapses of target t do not depend on the number of targets):
 * all_to_all, one_to_one, explicit, pairwise_bernoulli, fixed_indegree. Not target-local:
 * fixed_outdegree (drawn per source) and fixed_total_number (the counts depend on T).
 */
import type { ConnectSpec } from '../core/types.ts';
import { KeyStream, detLog } from '../core/rng.ts';

/** Incoming lists, target-major. */
export interface Incoming {
  nSyn: number;
  /** inPtr[t]..inPtr[t+1] index inSrc for target t (length nTgt + 1) */
  inPtr: Uint32Array;
  /** source of each incoming synapse (length >= nSyn) */
  inSrc: Uint32Array;
  /**
   * generation index of each incoming entry (index into per-synapse arrays of the model), or null
   * when it equals the position in the incoming lists (target-major rules)
   */
  genIndex: Uint32Array | null;
}

export interface ConnectOptions {
  nSrc: number;
  nTgt: number;
  /** source and target are the same population (autapses apply) */
  same: boolean;
  seed: number;
  /** connectivity stream (connStream(projection)) */
  stream: number;
  /** fixed_total_number: stream of the per-target counts (totalCountStream(projection)) */
  countStream: number;
  /** fill Incoming.genIndex for rules whose generation order is not target-major */
  needGenIndex: boolean;
}

/**
 * log(1 - p) for p in [0, 1) from float64 basic operations and detLog (deterministic, so a WASM
 * port can reproduce the skips): for p < 0.25, 2 atanh(s) with s = -p / (2 - p), else detLog(1 - p).
 */
export function detLog1m(p: number): number {
  if (p >= 0.25) return detLog(1 - p);
  const s = -p / (2 - p);
  const z = s * s;
  let q = 1 / 23;
  q = q * z + 1 / 21;
  q = q * z + 1 / 19;
  q = q * z + 1 / 17;
  q = q * z + 1 / 15;
  q = q * z + 1 / 13;
  q = q * z + 1 / 11;
  q = q * z + 1 / 9;
  q = q * z + 1 / 7;
  q = q * z + 1 / 5;
  q = q * z + 1 / 3;
  q = q * z + 1;
  return 2 * s * q;
}

// ---------------------------------------------------------------------------------------------
// Exact discrete samplers (binomial, hypergeometric) by inversion around the mode
// ---------------------------------------------------------------------------------------------

/** Weights below this fraction of the mode's are dropped: far below what a 53-bit uniform resolves. */
const TAIL_EPS = 2 ** -64;
let scratchUp: Float64Array = new Float64Array(1024);
let scratchDown: Float64Array = new Float64Array(1024);

function growScratch(a: Float64Array, n: number): Float64Array {
  if (n < a.length) return a;
  const b = new Float64Array(Math.max(n + 1, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Inversion given the unnormalised pmf relative to the mode: scratchDown[j] = w(mode - 1 - j)
 * (j < nDown), scratchUp[j] = w(mode + 1 + j) (j < nUp), w(mode) = 1. Summation and search go
 * from the lowest k upward, in a fixed order.
 */
function invert(ks: KeyStream, mode: number, nDown: number, nUp: number): number {
  let total = 0;
  for (let j = nDown - 1; j >= 0; j--) total += scratchDown[j];
  total += 1;
  for (let j = 0; j < nUp; j++) total += scratchUp[j];
  const u = ks.uniform() * total;
  let cum = 0;
  for (let j = nDown - 1; j >= 0; j--) {
    cum += scratchDown[j];
    if (u < cum) return mode - 1 - j;
  }
  cum += 1;
  if (u < cum) return mode;
  for (let j = 0; j < nUp; j++) {
    cum += scratchUp[j];
    if (u < cum) return mode + 1 + j;
  }
  return mode + nUp; // rounding at the very top
}

/**
 * Binomial(n, p), exact up to double rounding: the pmf is built by its ratio recurrence outward from
 * the mode (w(k+1)/w(k) = (n-k)/(k+1) * p/(1-p)) until the weights fall below 2^-64 of the mode,
 * then inverted with one 53-bit uniform. Cost O(sqrt(n p (1-p))) per draw. Uses only basic float64
 * operations, so a WASM port reproduces it.
 */
export function binomial(ks: KeyStream, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const r = p / (1 - p);
  let mode = Math.floor((n + 1) * p);
  if (mode > n) mode = n;
  let nUp = 0;
  let w = 1;
  for (let k = mode; k < n; k++) {
    w = (w * ((n - k) * r)) / (k + 1);
    if (w < TAIL_EPS) break;
    scratchUp = growScratch(scratchUp, nUp);
    scratchUp[nUp++] = w;
  }
  let nDown = 0;
  w = 1;
  for (let k = mode; k > 0; k--) {
    w = (w * k) / ((n - k + 1) * r);
    if (w < TAIL_EPS) break;
    scratchDown = growScratch(scratchDown, nDown);
    scratchDown[nDown++] = w;
  }
  return invert(ks, mode, nDown, nUp);
}

/**
 * Hypergeometric: the number of marked items among `draws` items drawn without replacement from
 * `total` items of which `marked` are marked. Exact up to double rounding, as binomial(), with
 * w(k+1)/w(k) = (marked-k)(draws-k) / ((k+1)(total-marked-draws+k+1)).
 */
export function hypergeometric(ks: KeyStream, draws: number, marked: number, total: number): number {
  const lo = Math.max(0, draws - (total - marked));
  const hi = Math.min(draws, marked);
  if (lo >= hi) return lo;
  let mode = Math.floor(((draws + 1) * (marked + 1)) / (total + 2));
  if (mode < lo) mode = lo;
  if (mode > hi) mode = hi;
  const c = total - marked - draws;
  let nUp = 0;
  let w = 1;
  for (let k = mode; k < hi; k++) {
    w = (w * ((marked - k) * (draws - k))) / ((k + 1) * (c + k + 1));
    if (w < TAIL_EPS) break;
    scratchUp = growScratch(scratchUp, nUp);
    scratchUp[nUp++] = w;
  }
  let nDown = 0;
  w = 1;
  for (let k = mode; k > lo; k--) {
    w = (w * (k * (c + k))) / ((marked - k + 1) * (draws - k + 1));
    if (w < TAIL_EPS) break;
    scratchDown = growScratch(scratchDown, nDown);
    scratchDown[nDown++] = w;
  }
  return invert(ks, mode, nDown, nUp);
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** Growable Uint32Array. */
class U32Buf {
  data: Uint32Array;
  len = 0;
  constructor(cap: number) {
    this.data = new Uint32Array(Math.max(16, cap));
  }
  grow(): Uint32Array {
    const b = new Uint32Array(Math.ceil(this.data.length * 1.5) + 16);
    b.set(this.data);
    this.data = b;
    return b;
  }
}

/** Marks of a sample without replacement: marks[i] === tag means i is taken (tags never repeat). */
let marks: Uint32Array = new Uint32Array(0);
function getMarks(n: number): Uint32Array {
  if (marks.length < n) marks = new Uint32Array(n);
  else marks.fill(0, 0, n);
  return marks;
}

/**
 * Draw k distinct values of [0, n) (Floyd's algorithm) into out[at..at+k), mapped past `skip`
 * (values >= skip are shifted up by one; skip = -1 for none). mk must be zero or hold tags < tag.
 */
function sampleDistinct(ks: KeyStream, n: number, k: number, out: Uint32Array, at: number, mk: Uint32Array, tag: number, skip: number): void {
  for (let j = n - k; j < n; j++) {
    let r = ks.below(j + 1);
    if (mk[r] === tag) r = j;
    mk[r] = tag;
    out[at++] = skip >= 0 && r >= skip ? r + 1 : r;
  }
}

/** Draw k values of [0, n) with replacement into out[at..at+k), mapped past `skip`. */
function sampleWithReplacement(ks: KeyStream, n: number, k: number, out: Uint32Array, at: number, skip: number): void {
  for (let j = 0; j < k; j++) {
    const r = ks.below(n);
    out[at++] = skip >= 0 && r >= skip ? r + 1 : r;
  }
}

/** Generate the incoming lists of one projection (the spec must be valid and feasible). */
export function generateIncoming(conn: ConnectSpec, o: ConnectOptions): Incoming {
  const { nSrc, nTgt, same, seed, stream } = o;
  const inPtr = new Uint32Array(nTgt + 1);
  switch (conn.rule) {
    case 'one_to_one': {
      const inSrc = new Uint32Array(nTgt);
      for (let t = 0; t < nTgt; t++) {
        inPtr[t] = t;
        inSrc[t] = t;
      }
      inPtr[nTgt] = nTgt;
      return { nSyn: nTgt, inPtr, inSrc, genIndex: null };
    }
    case 'all_to_all': {
      const excl = same && conn.allow_autapses === false;
      const per = excl ? nSrc - 1 : nSrc;
      const nSyn = per * nTgt;
      const inSrc = new Uint32Array(nSyn);
      let k = 0;
      for (let t = 0; t < nTgt; t++) {
        inPtr[t] = k;
        for (let s = 0; s < nSrc; s++) if (!excl || s !== t) inSrc[k++] = s;
      }
      inPtr[nTgt] = k;
      return { nSyn, inPtr, inSrc, genIndex: null };
    }
    case 'pairwise_bernoulli': {
      const p = conn.p;
      const excl = same && conn.allow_autapses === false;
      const allowed = excl ? nSrc - 1 : nSrc;
      const mean = allowed * nTgt * p;
      const buf = new U32Buf(p === 1 ? allowed * nTgt : Math.ceil(mean + 6 * Math.sqrt(mean) + 16));
      let data = buf.data;
      let len = 0;
      if (p === 1) {
        for (let t = 0; t < nTgt; t++) {
          inPtr[t] = len;
          for (let s = 0; s < nSrc; s++) if (!excl || s !== t) data[len++] = s;
        }
      } else if (p > 0) {
        const lnq = detLog1m(p);
        const ks = new KeyStream(seed, stream, 0);
        for (let t = 0; t < nTgt; t++) {
          inPtr[t] = len;
          ks.reset(seed, stream, t);
          let s = -1;
          for (;;) {
            const u = ks.uniform();
            s += 1 + Math.floor(detLog(1 - u) / lnq);
            if (s >= nSrc) break;
            if (excl && s === t) continue;
            if (len === data.length) {
              buf.len = len;
              data = buf.grow();
            }
            data[len++] = s;
          }
        }
      } else {
        inPtr.fill(0);
      }
      inPtr[nTgt] = len;
      return { nSyn: len, inPtr, inSrc: data, genIndex: null };
    }
    case 'fixed_indegree': {
      const K = conn.indegree;
      const excl = same && conn.allow_autapses === false;
      const allowed = excl ? nSrc - 1 : nSrc;
      const multapses = conn.allow_multapses !== false;
      const nSyn = K * nTgt;
      const inSrc = new Uint32Array(nSyn);
      const ks = new KeyStream(seed, stream, 0);
      const mk = multapses ? marks : getMarks(allowed);
      for (let t = 0; t < nTgt; t++) {
        inPtr[t] = t * K;
        if (K === 0) continue;
        ks.reset(seed, stream, t);
        if (multapses) sampleWithReplacement(ks, allowed, K, inSrc, t * K, excl ? t : -1);
        else sampleDistinct(ks, allowed, K, inSrc, t * K, mk, t + 1, excl ? t : -1);
      }
      inPtr[nTgt] = nSyn;
      return { nSyn, inPtr, inSrc, genIndex: null };
    }
    case 'fixed_total_number': {
      const n = conn.n;
      const excl = same && conn.allow_autapses === false;
      const allowed = excl ? nSrc - 1 : nSrc;
      const multapses = conn.allow_multapses !== false;
      // 1. counts per target: sequential conditional binomials (multinomial with equal cells) or,
      //    without multapses, hypergeometrics (a uniformly random set of n distinct pairs)
      const cs = new KeyStream(seed, o.countStream, 0);
      let rem = n;
      for (let t = 0; t < nTgt; t++) {
        const R = nTgt - t;
        const c = R === 1 ? rem : multapses ? binomial(cs, rem, 1 / R) : hypergeometric(cs, rem, allowed, allowed * R);
        inPtr[t + 1] = inPtr[t] + c;
        rem -= c;
      }
      // 2. sources per target, uniformly (as fixed_indegree with the drawn count)
      const inSrc = new Uint32Array(n);
      const ks = new KeyStream(seed, stream, 0);
      const mk = multapses ? marks : getMarks(allowed);
      for (let t = 0; t < nTgt; t++) {
        const at = inPtr[t];
        const c = inPtr[t + 1] - at;
        if (c === 0) continue;
        ks.reset(seed, stream, t);
        if (multapses) sampleWithReplacement(ks, allowed, c, inSrc, at, excl ? t : -1);
        else sampleDistinct(ks, allowed, c, inSrc, at, mk, t + 1, excl ? t : -1);
      }
      return { nSyn: n, inPtr, inSrc, genIndex: null };
    }
    case 'fixed_outdegree': {
      const K = conn.outdegree;
      const excl = same && conn.allow_autapses === false;
      const allowed = excl ? nTgt - 1 : nTgt;
      const multapses = conn.allow_multapses !== false;
      const nSyn = K * nSrc;
      const outTgt = new Uint32Array(nSyn);
      const ks = new KeyStream(seed, stream, 0);
      const mk = multapses ? marks : getMarks(allowed);
      for (let s = 0; s < nSrc; s++) {
        if (K === 0) break;
        ks.reset(seed, stream, s);
        if (multapses) sampleWithReplacement(ks, allowed, K, outTgt, s * K, excl ? s : -1);
        else sampleDistinct(ks, allowed, K, outTgt, s * K, mk, s + 1, excl ? s : -1);
      }
      // stable counting sort by target: each target's sources ascending (generation order)
      return byTarget(outTgt, null, nSyn, nTgt, K, o.needGenIndex);
    }
    case 'explicit': {
      const src = conn.sources;
      const tgt = conn.targets;
      const nSyn = src.length;
      const t32 = tgt instanceof Uint32Array ? tgt : Uint32Array.from(tgt);
      const s32 = src instanceof Uint32Array ? src : Uint32Array.from(src);
      return byTarget(t32, s32, nSyn, nTgt, 0, o.needGenIndex);
    }
  }
}

/**
 * Stable counting sort of synapses k = 0..nSyn-1 by target tgt[k]. Source of k: src[k], or
 * floor(k / K) when src is null (fixed_outdegree, source-major).
 */
function byTarget(tgt: Uint32Array, src: Uint32Array | null, nSyn: number, nTgt: number, K: number, needGen: boolean): Incoming {
  const inPtr = new Uint32Array(nTgt + 1);
  for (let k = 0; k < nSyn; k++) inPtr[tgt[k] + 1]++;
  for (let t = 0; t < nTgt; t++) inPtr[t + 1] += inPtr[t];
  const fill = inPtr.slice(0, nTgt);
  const inSrc = new Uint32Array(nSyn);
  const gen = needGen ? new Uint32Array(nSyn) : null;
  if (src) {
    for (let k = 0; k < nSyn; k++) {
      const pos = fill[tgt[k]]++;
      inSrc[pos] = src[k];
      if (gen) gen[pos] = k;
    }
  } else {
    let k = 0;
    const nSrc = K > 0 ? nSyn / K : 0;
    for (let s = 0; s < nSrc; s++) {
      for (let j = 0; j < K; j++, k++) {
        const pos = fill[tgt[k]]++;
        inSrc[pos] = s;
        if (gen) gen[pos] = k;
      }
    }
  }
  return { nSyn, inPtr, inSrc, genIndex: gen };
}

export interface CSR {
  rowPtr: Uint32Array;
  targets: Uint32Array;
  /** CSR position of each incoming entry (only when asked for) */
  perm: Uint32Array | null;
}

/**
 * CSR by source from incoming lists: one counting sort. Targets are visited in ascending order,
 * so within a row they are ascending, and the synapses of a multapse keep their generation order.
 */
export function incomingToCSR(inc: Incoming, nSrc: number, nTgt: number, needPerm: boolean): CSR {
  const { nSyn, inPtr, inSrc } = inc;
  const rowPtr = new Uint32Array(nSrc + 1);
  for (let k = 0; k < nSyn; k++) rowPtr[inSrc[k] + 1]++;
  for (let s = 0; s < nSrc; s++) rowPtr[s + 1] += rowPtr[s];
  const next = rowPtr.slice(0, nSrc);
  const targets = new Uint32Array(nSyn);
  const perm = needPerm ? new Uint32Array(nSyn) : null;
  for (let t = 0; t < nTgt; t++) {
    const end = inPtr[t + 1];
    if (perm) {
      for (let k = inPtr[t]; k < end; k++) {
        const pos = next[inSrc[k]]++;
        targets[pos] = t;
        perm[k] = pos;
      }
    } else {
      for (let k = inPtr[t]; k < end; k++) targets[next[inSrc[k]]++] = t;
    }
  }
  return { rowPtr, targets, perm };
}

/** Number of sources a target may receive from (autapse excluded when same and not allowed). */
export function allowedSources(nSrc: number, same: boolean, allowAutapses: boolean): number {
  return same && !allowAutapses ? nSrc - 1 : nSrc;
}

/**
 * Synapse count of a rule: exact for the fixed rules, expected (N_src*N_tgt*p, without autapses
 * when excluded) for pairwise_bernoulli. `fixed` tells which.
 */
export function synapseCount(conn: ConnectSpec, nSrc: number, nTgt: number, same: boolean): { count: number; fixed: boolean } {
  const aut = 'allow_autapses' in conn ? conn.allow_autapses !== false : true;
  switch (conn.rule) {
    case 'one_to_one':
      return { count: nTgt, fixed: true };
    case 'all_to_all':
      return { count: allowedSources(nSrc, same, aut) * nTgt, fixed: true };
    case 'pairwise_bernoulli':
      return { count: allowedSources(nSrc, same, aut) * nTgt * conn.p, fixed: false };
    case 'fixed_indegree':
      return { count: conn.indegree * nTgt, fixed: true };
    case 'fixed_outdegree':
      return { count: conn.outdegree * nSrc, fixed: true };
    case 'fixed_total_number':
      return { count: conn.n, fixed: true };
    case 'explicit':
      return { count: conn.sources.length, fixed: true };
  }
}
