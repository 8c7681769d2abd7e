/**
 * Connectivity of one shard: the synapses of projection p onto targets [tgtBegin, tgtEnd) of its
 * target population, generated inside the backend's arena by the connect_count / connect_fill
 * kernels (assembly/connect.ts; src/backend/js/connect.ts for the js backend, bit for bit the same).
 * Every target's synapses come from the counter-based generator with the target's own keys, so the
 * union of the shards' synapses is exactly the single-shard network, whatever the shard count.
 *
 * The kernels write every row in target order (multapses in generation order), each word the
 * target's index in the shard, with the delay in steps in the high byte (delay << 24 | target)
 * when delays vary; compactRows (src/sim/synapse-layout.ts) then rewrites the rows in place into
 * the layout the delivery reads: 16-bit targets where the shard's slice allows, rows ordered by
 * delay with one 2-byte run per delay instead of a delay in every word.
 *
 * Temporaries (the descriptor block, the set of sampling without replacement, the shard's slice of
 * explicit pairs, per-target counts and per-synapse arrays, the degree table, a sort scratch,
 * placement buckets) live above the last allocation during the call: `alloc` must be a bump
 * allocator (every offset it returns lies above everything it handed out before). The arena grows
 * by reserve() as needed and the space is reused by later allocations; nothing is allocated for the
 * temporaries through `alloc`. The arena then holds what estimate.ts counts (the runs of
 * per-synapse delays at most: their number depends on the delays drawn).
 */
import type { Backend } from '../backend/types.ts';
import type { NetworkPlan, ProjectionPlan, SynapseValuePlan } from '../core/types.ts';
import {
  ARENA_ALIGN, CONN_BUCKET_CAP, CONN_BUCKET_SHIFT, CONN_BUCKETS, CONN_COUNTS, CONN_D_A, CONN_D_ARR, CONN_D_B, CONN_D_HI, CONN_D_KIND, CONN_D_LO, CONN_D_MAX,
  CONN_DESC_BYTES, CONN_DSTREAM, CONN_DT, CONN_ERR_D_REDRAW, CONN_ERR_DELAY_RANGE, CONN_ERR_INDEX, CONN_ERR_TOO_MANY,
  CONN_ERR_VALUE, CONN_ERR_W_REDRAW, CONN_EXPL_PTR, CONN_EXPL_SRC, CONN_F_D_REDRAW, CONN_F_NO_AUTAPSES,
  CONN_F_NO_MULTAPSES, CONN_F_PACKED, CONN_F_W_REDRAW, CONN_FLAGS, CONN_DEG_LEN, CONN_DEG_LO, CONN_DEG_TABLE, CONN_K, CONN_MARKS, CONN_MAX_REDRAW,
  CONN_NSRC, CONN_NSYN, CONN_NTGT, CONN_P, CONN_ROWPTR, CONN_RULE, CONN_SEED, CONN_SORT_TMP, CONN_STREAM, CONN_SYN,
  CONN_TGT_BEGIN, CONN_TGT_END, CONN_W_A, CONN_W_ARR, CONN_W_B, CONN_W_HI, CONN_W_KIND, CONN_W_LO, CONN_WEIGHTS,
  CONN_WSTREAM, CONN_HASH_BITS, CONN_CHUNK_BEGIN, CONN_CHUNK_END, CONN_PHASE, CONN_PHASE_CHUNK, CONN_PHASE_FIRST, CONN_PHASE_LAST,
  PACKED_MAX_TARGETS, RULE_ALL_TO_ALL, RULE_EXPLICIT, RULE_FIXED_INDEGREE, RULE_FIXED_OUTDEGREE,
  RULE_FIXED_TOTAL_NUMBER, RULE_ONE_TO_ONE, RULE_PAIRWISE_BERNOULLI, VAL_ARRAY, VAL_BERNOULLI, VAL_CONST, VAL_NORMAL,
  VAL_UNIFORM, CONN_SHEET_CX, CONN_SHEET_CY, CONN_NPC_SRC, CONN_NPC_TGT, CONN_SP_TABLE, CONN_SP_LEN, CONN_SPACING,
  CONN_F_PERIODIC, RULE_SPATIAL_INDEGREE, VAL_DISTANCE, CONN_ERR_SPATIAL, CONN_SPATIAL_MAX_ATTEMPTS,
  CONN_SRC_LIST, CONN_LIST_CAP, CONN_F_COUNT_BUCKETS, CONN_F_PARTITION,
} from '../core/layout.ts';
import { ModelError } from '../network/errors.ts';
import { binomialCdf } from '../network/connect.ts';
import { compactRows, type SynapseAllocator, type SynapseLayout } from './synapse-layout.ts';

/** A shard's synapses of one projection (src/sim/synapse-layout.ts). */
export type ShardProjection = SynapseLayout;

const RULE_CODES: Record<ProjectionPlan['rule'], number> = {
  all_to_all: RULE_ALL_TO_ALL,
  one_to_one: RULE_ONE_TO_ONE,
  pairwise_bernoulli: RULE_PAIRWISE_BERNOULLI,
  fixed_indegree: RULE_FIXED_INDEGREE,
  fixed_outdegree: RULE_FIXED_OUTDEGREE,
  fixed_total_number: RULE_FIXED_TOTAL_NUMBER,
  explicit: RULE_EXPLICIT,
  spatial_indegree: RULE_SPATIAL_INDEGREE,
};

const VALUE_CODES: Record<SynapseValuePlan['kind'], number> = {
  const: VAL_CONST,
  array: VAL_ARRAY,
  uniform: VAL_UNIFORM,
  normal: VAL_NORMAL,
  bernoulli: VAL_BERNOULLI,
  distance: VAL_DISTANCE,
};

const align = (x: number): number => Math.ceil(x / ARENA_ALIGN) * ARENA_ALIGN;
/** bytes an allocation of `bytes` takes (as the arena allocators and estimate.ts count them) */
const allocBytes = (bytes: number): number => Math.max(ARENA_ALIGN, align(bytes));

/** Synapses onto [b, e) when known before generating, else an upper bound (6 SD above the mean). */
function synapseBound(pr: ProjectionPlan, b: number, e: number): number {
  const m = e - b;
  const allowed = pr.noAutapses ? pr.nSrc - 1 : pr.nSrc;
  const loose = (mean: number) => Math.ceil(mean + 6 * Math.sqrt(mean) + 64);
  switch (pr.rule) {
    case 'one_to_one': return m;
    case 'all_to_all': return m * allowed;
    case 'fixed_indegree': return m * pr.k;
    case 'spatial_indegree': return m * pr.k;
    case 'explicit': return pr.explicitPtr![e] - pr.explicitPtr![b];
    case 'fixed_total_number': {
      let c = 0;
      for (let t = b; t < e; t++) c += pr.totalCounts![t];
      return c;
    }
    case 'pairwise_bernoulli': return pr.p >= 1 ? m * allowed : loose(m * allowed * pr.p);
    case 'fixed_outdegree': return loose((pr.k * pr.nSrc * m) / Math.max(1, pr.nTgt));
  }
}

/** First synapse (in generation order) of target t, for target-major rules with per-synapse arrays. */
function genBase(pr: ProjectionPlan, t: number): number {
  switch (pr.rule) {
    case 'one_to_one': return t;
    case 'all_to_all': return t * (pr.noAutapses ? pr.nSrc - 1 : pr.nSrc);
    case 'fixed_indegree': return t * pr.k;
    case 'spatial_indegree': return t * pr.k;
    case 'explicit': return pr.explicitPtr![t];
    case 'fixed_total_number': {
      let c = 0;
      for (let j = 0; j < t; j++) c += pr.totalCounts![j];
      return c;
    }
    default: return 0;
  }
}

/**
 * How a build is carried out; the synapses never depend on it (tests vary it to show that).
 *  - Each pass runs as several kernel calls over consecutive chunks of its outer loop (targets;
 *    sources for fixed_outdegree) of about chunkSynapses synapses, the first smaller: the engine
 *    then runs the later calls in its optimised tier (a WebAssembly function still in the baseline
 *    tier when called is not switched over while it runs).
 *  - Pass 2 places synapses through buckets by source range (2^bucketShift sources each) when the
 *    row cursors would not stay in cache (more than bucketMinSources sources) and the projection is
 *    large: a full bucket is flushed into its rows, so the rows are written one source range at a
 *    time (cache and TLB friendly) instead of all over the synapse array.
 *    A flush writes about bucketRowFill synapses per row when the area (at most bucketBytesPerSynapse
 *    per synapse of the shard's bound, and bucketBytes) allows: whole cache lines of the rows.
 *    Pass 1 counts through the same buckets (4-byte entries) only with more than
 *    countBucketMinSources sources; below that the row counts stay in the cache anyway.
 *  - Sampling without replacement keeps each target's chosen set in a small hash set (hashSets)
 *    when it is much smaller than a tag per pool element.
 *  - Pass 1 of fixed_indegree, fixed_total_number and pairwise_bernoulli stores the sources it draws
 *    in a source list (sourceList; 4 bytes per synapse of the bound, only when the weights are
 *    constant, so that a build never needs more than 9 bytes per synapse), which pass 2 reads
 *    instead of drawing the sources again.
 *  - With a source list, buckets, constant weights and delays (partition), pass 1 counts the synapses
 *    of each bucket only, and pass 2 writes each synapse to its bucket's range of the synapse array,
 *    then sorts each bucket by source within the bucket area (the wasm kernels; js places them as
 *    usual). The bucket shift is lowered when needed so that (source within bucket, local target)
 *    fits 32 bits.
 */
export interface ConnectTuning {
  chunkSynapses: number;
  firstChunkSynapses: number;
  bucketMinSynapses: number;
  bucketMinSources: number;
  bucketShift: number;
  /** entries per bucket: at most bucketCap, all buckets together at most bucketBytes */
  bucketCap: number;
  bucketBytes: number;
  bucketBytesPerSynapse: number;
  bucketRowFill: number;
  countBucketMinSources: number;
  sourceList: boolean;
  /** room of the source list, as a fraction of the bound (tests: < 1 makes it overflow) */
  sourceListFraction: number;
  partition: boolean;
  hashSets: boolean;
  /** hash set slots per value drawn (at least 2) */
  hashLoad: number;
}

const DEFAULT_TUNING: ConnectTuning = {
  chunkSynapses: 1 << 20,
  firstChunkSynapses: 1 << 15,
  bucketMinSynapses: 1 << 20,
  bucketMinSources: 8192,
  bucketShift: 12,
  bucketCap: 1 << 16,
  bucketBytes: 128 << 20,
  bucketBytesPerSynapse: 0.75,
  bucketRowFill: 16,
  countBucketMinSources: 1 << 21,
  sourceList: true,
  sourceListFraction: 1,
  partition: true,
  hashSets: true,
  hashLoad: 8,
};
let tuning: ConnectTuning = { ...DEFAULT_TUNING };

/** @internal Change how builds run (tests); null restores the defaults. The synapses do not change. */
export function setConnectTuning(t: Partial<ConnectTuning> | null): void {
  tuning = { ...DEFAULT_TUNING, ...(t ?? {}) };
}

/** The chunks [begin, end) of the outer loop of a pass. */
function chunksOf(pr: ProjectionPlan, b: number, e: number): [number, number][] {
  const outer = pr.rule === 'fixed_outdegree';
  const lo = outer ? 0 : b;
  const hi = outer ? pr.nSrc : e;
  const perItem = Math.max(1, outer ? pr.k : synapseBound(pr, b, e) / Math.max(1, e - b));
  const out: [number, number][] = [];
  let at = lo;
  let size = Math.max(1, Math.floor(tuning.firstChunkSynapses / perItem));
  do {
    const end = Math.min(hi, at + size);
    out.push([at, end]);
    at = end;
    size = Math.max(1, Math.floor(tuning.chunkSynapses / perItem));
  } while (at < hi);
  return out;
}

/** Run one pass (connect_count or connect_fill) chunk by chunk; returns the last call's result or an error code. */
function runPass(backend: Backend, kernel: (desc: number) => number, desc: number, chunks: [number, number][]): number {
  let r = 0;
  for (let i = 0; i < chunks.length; i++) {
    const u = new Uint32Array(backend.buffer, desc, CONN_DESC_BYTES / 4);
    u[CONN_PHASE / 4] = CONN_PHASE_CHUNK | (i === 0 ? CONN_PHASE_FIRST : 0) | (i === chunks.length - 1 ? CONN_PHASE_LAST : 0);
    u[CONN_CHUNK_BEGIN / 4] = chunks[i][0];
    u[CONN_CHUNK_END / 4] = chunks[i][1];
    r = kernel(desc);
    if (r < 0) return r;
  }
  return r;
}

interface Temps {
  bytes: number;
  desc: number;
  buckets: number;
  bucketShift: number;
  bucketCap: number;
  /** connect_count counts through the buckets */
  countBuckets: boolean;
  /** partition mode (CONN_F_PARTITION) */
  partition: boolean;
  /** u32 per synapse of the bound: the sources drawn by connect_count (0: none), and its entries */
  srcList: number;
  listCap: number;
  degTable: number;
  degLo: number;
  degLen: number;
  hashBits: number;
  marks: number;
  counts: number;
  explPtr: number;
  explSrc: number;
  wArr: number;
  dArr: number;
  sortTmp: number;
  /** spatial_indegree: the alias table of column offsets */
  spTable: number;
}

/** Lay out the temporaries from offset `at` (16-aligned) and write their contents. */
function writeTemps(backend: Backend, pr: ProjectionPlan, b: number, e: number, at: number, dry: boolean, buckets = true, list = true): Temps {
  const m = e - b;
  let off = at;
  const take = (bytes: number) => {
    const p = off;
    off += allocBytes(bytes);
    return p;
  };
  const t: Temps = { bytes: 0, desc: take(CONN_DESC_BYTES), buckets: 0, bucketShift: 0, bucketCap: 0, countBuckets: false, partition: false, srcList: 0, listCap: 0, degTable: 0, degLo: 0, degLen: 0, hashBits: 0, marks: 0, counts: 0, explPtr: 0, explSrc: 0, wArr: 0, dArr: 0, sortTmp: 0, spTable: 0 };
  const rule = pr.rule;
  let deg: { lo: number; cdf: Float64Array } | null = null;
  const allowed = pr.noAutapses ? pr.nSrc - 1 : pr.nSrc;
  // sampling without replacement (Floyd): the pool and the largest number drawn from it at once
  let pool = 0;
  let kMax = 0;
  if (rule === 'pairwise_bernoulli' && pr.p > 0 && pr.p < 1) {
    deg = allowed > 0 ? binomialCdf(allowed, pr.p) : { lo: 0, cdf: Float64Array.of(1) };
    t.degTable = take(deg.cdf.length * 8);
    t.degLo = deg.lo;
    t.degLen = deg.cdf.length;
    pool = pr.nSrc;
    kMax = deg.lo + deg.cdf.length - 1;
  } else if (pr.noMultapses && (rule === 'fixed_indegree' || rule === 'spatial_indegree')) {
    pool = pr.nSrc;
    kMax = pr.k;
  } else if (pr.noMultapses && rule === 'fixed_total_number') {
    pool = pr.nSrc;
    for (let j = b; j < e; j++) kMax = Math.max(kMax, pr.totalCounts![j]);
  } else if (pr.noMultapses && rule === 'fixed_outdegree') {
    pool = pr.nTgt;
    kMax = pr.k;
  }
  if (pool > 0) {
    // a hash set of at least hashLoad * kMax slots (mostly empty: few probes) when it is much smaller than a tag per pool element
    let bits = 4;
    while (1 << bits < tuning.hashLoad * kMax) bits++;
    t.hashBits = tuning.hashSets && 8 << bits <= pool ? bits : 0;
    t.marks = take(t.hashBits ? 8 << bits : pool * 4);
  }
  if (rule === 'fixed_outdegree') t.sortTmp = take(pr.k * 8);
  const offsets = rule === 'spatial_indegree' ? pr.sheet!.offsets! : null;
  if (offsets) t.spTable = take(offsets.length * 4);
  if (rule === 'fixed_total_number') t.counts = take(m * 4);
  let e0 = 0, e1 = 0;
  if (rule === 'explicit') {
    e0 = pr.explicitPtr![b];
    e1 = pr.explicitPtr![e];
    t.explPtr = take((m + 1) * 4);
    t.explSrc = take((e1 - e0) * 4);
  }
  // per-synapse arrays: the shard's part for target-major rules, all of it for fixed_outdegree
  let a0 = 0, a1 = 0;
  if (pr.weightArray || pr.delayArray) {
    if (rule === 'fixed_outdegree') a1 = (pr.weightArray ?? pr.delayArray)!.length;
    else {
      a0 = genBase(pr, b);
      a1 = genBase(pr, e);
    }
  }
  const bound = synapseBound(pr, b, e);
  if (list && tuning.sourceList && pr.constWeight !== null && bound > 0 &&
    (rule === 'fixed_indegree' || rule === 'fixed_total_number' || (rule === 'pairwise_bernoulli' && pr.p > 0 && pr.p < 1))) {
    t.listCap = Math.max(1, Math.floor(bound * tuning.sourceListFraction));
    t.srcList = take(t.listCap * 4);
  }
  if (buckets && rule !== 'fixed_outdegree' && pr.nSrc > tuning.bucketMinSources && bound >= tuning.bucketMinSynapses) {
    let shift = tuning.bucketShift;
    // partition: (source & (2^shift - 1)) | local target << shift in 32 bits
    const tBits = 32 - Math.clz32(Math.max(1, m - 1));
    if (t.srcList && pr.constDelay !== null && tuning.partition && 32 - tBits >= 4) {
      t.partition = true;
      shift = Math.min(shift, 32 - tBits);
    }
    const nb = ((pr.nSrc - 1) >>> shift) + 1;
    const stride = pr.constWeight === null ? 12 : 8;
    const bytes = Math.min(tuning.bucketBytes, tuning.bucketBytesPerSynapse * bound);
    t.bucketShift = shift;
    // (partition mode: at least 64 bytes, the draw buffer of pass 1)
    t.bucketCap = Math.max(t.partition ? 8 : 1, Math.min(tuning.bucketCap, tuning.bucketRowFill << shift, Math.floor(bytes / (nb * stride))));
    t.buckets = take(align(nb * 4) + nb * t.bucketCap * stride);
    t.countBuckets = rule !== 'all_to_all' && pr.nSrc > tuning.countBucketMinSources;
  }
  if (pr.weightArray) t.wArr = take((a1 - a0) * 4);
  if (pr.delayArray) t.dArr = take(a1 - a0);
  t.bytes = off - at;
  if (dry) return t;
  const buf = backend.buffer;
  new Uint8Array(buf, t.desc, CONN_DESC_BYTES).fill(0);
  if (t.degTable) new Float64Array(buf, t.degTable, deg!.cdf.length).set(deg!.cdf);
  if (offsets) new Uint32Array(buf, t.spTable, offsets.length).set(offsets);
  if (t.counts) new Uint32Array(buf, t.counts, m).set(pr.totalCounts!.subarray(b, e));
  if (t.explPtr) {
    const ptr = new Uint32Array(buf, t.explPtr, m + 1);
    for (let j = 0; j <= m; j++) ptr[j] = pr.explicitPtr![b + j] - e0;
    new Uint32Array(buf, t.explSrc, e1 - e0).set(pr.explicitSources!.subarray(e0, e1));
  }
  if (t.wArr) new Float32Array(buf, t.wArr, a1 - a0).set(pr.weightArray!.subarray(a0, a1));
  if (t.dArr) new Uint8Array(buf, t.dArr, a1 - a0).set(pr.delayArray!.subarray(a0, a1));
  return t;
}

/** Write the descriptor (everything but the output pointers syn / weights). */
function writeDesc(backend: Backend, plan: NetworkPlan, pr: ProjectionPlan, b: number, e: number, rowPtr: number, t: Temps): void {
  const buf = backend.buffer;
  const u = new Uint32Array(buf, t.desc, CONN_DESC_BYTES / 4);
  const f = new Float64Array(buf, t.desc, CONN_DESC_BYTES / 8);
  const W = pr.weight;
  const D = pr.delay;
  let flags = 0;
  if (pr.noAutapses) flags |= CONN_F_NO_AUTAPSES;
  if (pr.noMultapses) flags |= CONN_F_NO_MULTAPSES;
  if (pr.constDelay === null) flags |= CONN_F_PACKED;
  if (W.kind === 'normal' && W.redraw) flags |= CONN_F_W_REDRAW;
  if (D.kind === 'normal' && D.redraw) flags |= CONN_F_D_REDRAW;
  const sh = pr.sheet;
  if (sh?.periodic) flags |= CONN_F_PERIODIC;
  if (t.countBuckets) flags |= CONN_F_COUNT_BUCKETS;
  if (t.partition) flags |= CONN_F_PARTITION;
  u[CONN_RULE / 4] = RULE_CODES[pr.rule];
  u[CONN_FLAGS / 4] = flags;
  u[CONN_NSRC / 4] = pr.nSrc;
  u[CONN_NTGT / 4] = pr.nTgt;
  u[CONN_TGT_BEGIN / 4] = b;
  u[CONN_TGT_END / 4] = e;
  u[CONN_K / 4] = pr.rule === 'fixed_indegree' || pr.rule === 'fixed_outdegree' || pr.rule === 'spatial_indegree' ? pr.k : 0;
  u[CONN_SEED / 4] = plan.seed >>> 0;
  u[CONN_STREAM / 4] = pr.streams.connect;
  u[CONN_WSTREAM / 4] = pr.streams.weight;
  u[CONN_DSTREAM / 4] = pr.streams.delay;
  u[CONN_ROWPTR / 4] = rowPtr;
  u[CONN_COUNTS / 4] = t.counts;
  u[CONN_EXPL_PTR / 4] = t.explPtr;
  u[CONN_EXPL_SRC / 4] = t.explSrc;
  u[CONN_MARKS / 4] = t.marks;
  u[CONN_HASH_BITS / 4] = t.hashBits;
  u[CONN_SORT_TMP / 4] = t.sortTmp;
  u[CONN_W_KIND / 4] = VALUE_CODES[W.kind];
  u[CONN_D_KIND / 4] = VALUE_CODES[D.kind];
  u[CONN_W_ARR / 4] = t.wArr;
  u[CONN_D_ARR / 4] = t.dArr;
  u[CONN_D_MAX / 4] = pr.maxDelay;
  u[CONN_BUCKETS / 4] = t.buckets;
  u[CONN_BUCKET_CAP / 4] = t.bucketCap;
  u[CONN_BUCKET_SHIFT / 4] = t.bucketShift;
  u[CONN_SRC_LIST / 4] = t.srcList;
  u[CONN_LIST_CAP / 4] = t.listCap;
  const p = pr.p;
  f[CONN_P / 8] = p;
  u[CONN_DEG_LO / 4] = t.degLo;
  u[CONN_DEG_LEN / 4] = t.degLen;
  u[CONN_DEG_TABLE / 4] = t.degTable;
  f[CONN_DT / 8] = plan.dt;
  f[CONN_W_A / 8] = W.a;
  f[CONN_W_B / 8] = W.b;
  f[CONN_W_LO / 8] = W.min;
  f[CONN_W_HI / 8] = W.max;
  f[CONN_D_A / 8] = D.a;
  f[CONN_D_B / 8] = D.b;
  f[CONN_D_LO / 8] = D.min;
  f[CONN_D_HI / 8] = D.max;
  if (sh) {
    u[CONN_SHEET_CX / 4] = sh.columnsX;
    u[CONN_SHEET_CY / 4] = sh.columnsY;
    u[CONN_NPC_SRC / 4] = sh.perColumnSrc;
    u[CONN_NPC_TGT / 4] = sh.perColumnTgt;
    f[CONN_SPACING / 8] = sh.spacing;
    u[CONN_SP_TABLE / 4] = t.spTable;
    u[CONN_SP_LEN / 4] = sh.offsets ? sh.offsets.length / 3 : 0;
  }
}

/**
 * Make [at, at + bytes) usable scratch at or above `from` (the end of the last allocation; alloc is a
 * bump allocator, so nothing lives above it), `margin` bytes higher when the arena's limit allows
 * (room for the allocations still to come). Returns `at`.
 */
function scratchAt(backend: Backend, from: number, margin: number, bytes: number): number {
  const top = align(from);
  for (const at of [top + align(margin), top]) {
    if (at + bytes > backend.maxBytes) continue;
    backend.reserve(at + bytes - backend.base);
    return at;
  }
  throw new Error(
    `arena full: building a projection needs ${bytes} bytes of temporary space above the ${top} bytes in use, ` +
      `more than the limit of ${backend.maxBytes} bytes`,
  );
}

function buildError(plan: NetworkPlan, pr: ProjectionPlan, code: number, backend: Backend, desc: number, b: number, e: number): ModelError {
  const path = `projections[${pr.index}]`;
  const who = new Uint32Array(backend.buffer, desc, CONN_DESC_BYTES / 4)[CONN_ERR_INDEX / 4];
  const x = new Float64Array(backend.buffer, desc, CONN_DESC_BYTES / 8)[CONN_ERR_VALUE / 8];
  const at = pr.rule === 'fixed_outdegree' ? `source neuron ${who}` : `target neuron ${who}`;
  const redraw = `a normal distribution with bound 'redraw' found no value within [min, max] in ${CONN_MAX_REDRAW} attempts (${at})`;
  switch (code) {
    case CONN_ERR_W_REDRAW:
      return new ModelError([{ path: `${path}.weight`, message: redraw }]);
    case CONN_ERR_D_REDRAW:
      return new ModelError([{ path: `${path}.delay`, message: redraw }]);
    case CONN_ERR_DELAY_RANGE: {
      const steps = Math.max(1, Math.round(x / plan.dt));
      return new ModelError([{
        path: `${path}.delay`,
        message: `drew a delay of ${x} ms = ${steps} steps (${at}), more than the ${pr.maxDelay} steps (${+(pr.maxDelay * plan.dt).toPrecision(12)} ms) ` +
          `the delay distribution of projection "${pr.name}" allows; set max`,
      }]);
    }
    case CONN_ERR_SPATIAL:
      return new ModelError([{
        path: `${path}.connect`,
        message: `spatial_indegree found no allowed source for ${at} in ${CONN_SPATIAL_MAX_ATTEMPTS} draws of one synapse: ` +
          `too few sources near it (a non-periodic sheet much smaller than the radius, or too few distinct sources without multapses)`,
      }]);
    case CONN_ERR_TOO_MANY:
      return new ModelError([{
        path: `${path}.connect`,
        message: `more than 2147483647 synapses of projection "${pr.name}" onto targets [${b}, ${e}) of one shard; use more threads`,
      }]);
    default:
      return new ModelError([{ path: `${path}.connect`, message: `connectivity kernel failed with code ${code}` }]);
  }
}

/**
 * Build projection p's synapses onto targets [tgtBegin, tgtEnd) of its target population in the
 * backend's arena. arena.alloc(name, bytes) returns a 16-byte aligned byte offset and grows the
 * arena (backend.reserve) as needed; views over backend.buffer must be re-read after alloc. It must
 * be a bump allocator (offsets increase; nothing it handed out lies above its last block): the
 * build's temporaries use the space above the last allocation.
 * Allocates, in this order and with the name `projection <name>`: rowPtr ((nSrc + 1) * 4 bytes),
 * syn (nSyn * 4) and, when weights vary, weights (nSyn * 4); compactRows gives back syn and weights
 * and allocates the layout's targets, weights and runs in their place. Throws ModelError when a drawn delay
 * exceeds the projection's bound or a 'redraw' distribution fails (naming the field and neuron).
 */
export function buildShardProjection(
  backend: Backend, arena: SynapseAllocator, plan: NetworkPlan, p: number, tgtBegin: number, tgtEnd: number,
): ShardProjection {
  const alloc = (name: string, bytes: number) => arena.alloc(name, bytes);
  const pr = plan.projections[p];
  if (!pr) throw new Error(`buildShardProjection: no projection ${p}`);
  if (!(Number.isInteger(tgtBegin) && Number.isInteger(tgtEnd) && tgtBegin >= 0 && tgtBegin <= tgtEnd && tgtEnd <= pr.nTgt))
    throw new Error(`buildShardProjection: target range [${tgtBegin}, ${tgtEnd}) outside [0, ${pr.nTgt}) of projection "${pr.name}"`);
  const packed = pr.constDelay === null;
  if (packed && tgtEnd - tgtBegin > PACKED_MAX_TARGETS)
    throw new ModelError([{
      path: `projections[${pr.index}].delay`,
      message: `per-synapse delays need at most ${PACKED_MAX_TARGETS} target neurons per shard, this shard has ${tgtEnd - tgtBegin} of population ` +
        `${plan.populations[pr.target]?.name ?? pr.target}: use at least ${Math.ceil(pr.nTgt / PACKED_MAX_TARGETS)} threads`,
    }]);
  const K = backend.kernels;
  const name = `projection ${pr.name}`;
  const rowPtr = alloc(name, (pr.nSrc + 1) * 4);
  const hasW = pr.constWeight === null;

  // temporaries above the arena, leaving room for syn and weights below them
  const bound = synapseBound(pr, tgtBegin, tgtEnd);
  const permanent = allocBytes(bound * 4) * (hasW ? 2 : 1) + 2 * ARENA_ALIGN;
  // without the source list, then without the placement buckets, when the arena cannot hold them
  // (they only speed the build up)
  const from = rowPtr + allocBytes((pr.nSrc + 1) * 4);
  let buckets = true;
  let list = true;
  let size = writeTemps(backend, pr, tgtBegin, tgtEnd, 0, true).bytes;
  if (align(from) + permanent + size > backend.maxBytes) {
    list = false;
    size = writeTemps(backend, pr, tgtBegin, tgtEnd, 0, true, true, false).bytes;
  }
  if (align(from) + permanent + size > backend.maxBytes) {
    buckets = false;
    size = writeTemps(backend, pr, tgtBegin, tgtEnd, 0, true, false, false).bytes;
  }
  let at = scratchAt(backend, from, permanent, size);
  let t = writeTemps(backend, pr, tgtBegin, tgtEnd, at, false, buckets, list);
  writeDesc(backend, plan, pr, tgtBegin, tgtEnd, rowPtr, t);

  const chunks = chunksOf(pr, tgtBegin, tgtEnd);
  const n = runPass(backend, K.connect_count, t.desc, chunks);
  if (n < 0) throw buildError(plan, pr, n, backend, t.desc, tgtBegin, tgtEnd);
  const syn = alloc(name, n * 4);
  const weights = hasW ? alloc(name, n * 4) : 0;
  const end = Math.max(syn + allocBytes(n * 4), weights ? weights + allocBytes(n * 4) : 0);
  if (end > at) {
    // the allocations reached into the temporaries: lay them out again above (marks are cleared by
    // the kernels; the source list is lost, so pass 2 draws the sources again)
    at = scratchAt(backend, end, 0, size);
    t = writeTemps(backend, pr, tgtBegin, tgtEnd, at, false, buckets, list);
    const counted = !t.partition; // pass 1 of the partition mode counted buckets, not rows
    t.srcList = 0;
    t.listCap = 0;
    t.partition = false;
    writeDesc(backend, plan, pr, tgtBegin, tgtEnd, rowPtr, t);
    if (!counted) {
      const n2 = runPass(backend, K.connect_count, t.desc, chunks);
      if (n2 !== n) throw new Error(`internal error: connect_count counted ${n2} synapses of projection "${pr.name}", then ${n}`);
    }
    new Uint32Array(backend.buffer, t.desc, CONN_DESC_BYTES / 4)[CONN_NSYN / 4] = n;
  }
  const u = new Uint32Array(backend.buffer, t.desc, CONN_DESC_BYTES / 4);
  u[CONN_SYN / 4] = syn;
  u[CONN_WEIGHTS / 4] = weights;
  const r = runPass(backend, K.connect_fill, t.desc, chunks);
  if (r < 0) throw buildError(plan, pr, r, backend, t.desc, tgtBegin, tgtEnd);
  if (r !== n) throw new Error(`internal error: connect_fill placed ${r} synapses of projection "${pr.name}", connect_count counted ${n}`);
  return compactRows(
    backend, arena, name, { rowPtr, syn, weights, constWeight: pr.constWeight ?? 0, constDelay: pr.constDelay ?? 0, nSyn: n }, pr.nSrc, tgtEnd - tgtBegin, packed,
    false, pr.weightHalf ? `projections[${pr.index}].weight_precision` : null,
  ).layout;
}
