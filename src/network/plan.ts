/**
 * Projection plans: everything about a projection that can be known before its synapses exist,
 * as plain data a worker thread can receive (ProjectionPlan, src/core/types.ts). The synapses are
 * generated later, by every shard for its own targets (src/sim/connectivity.ts).
 *
 * Computed here once per projection: the rule's parameters, fixed_total_number's per-target counts
 * over all targets, explicit pairs sorted by target, per-synapse arrays (weights as float32, delays
 * in steps), the value descriptors of distributions, and the delay bounds in steps. (The table of
 * pairwise_bernoulli's in-degree distribution is computed by each shard builder: binomialCdf.)
 */
import type { ConnectSpec, PlasticityPlan, PruningPlan, PruningSpec, ProjectionPlan, ProjectionSpec, SynapseValuePlan, ValueSpec } from '../core/types.ts';
import type { CheckedPopulation, CheckedProjection } from './validate.ts';
import { compileValue, isUniformValue, supportOf, toSteps, V_ARRAY, V_BERNOULLI, V_NORMAL, V_UNIFORM } from './values.ts';
import { explicitByTarget, totalNumberCounts } from './connect.ts';
import { spatialOffsetTable, spatialParams } from './sheet.ts';
import type { SheetPlan } from '../core/types.ts';
import { connStream, delayStream, pruningStream, totalCountStream, weightStream } from './streams.ts';

const KIND: Record<number, SynapseValuePlan['kind']> = {
  [V_UNIFORM]: 'uniform',
  [V_NORMAL]: 'normal',
  [V_BERNOULLI]: 'bernoulli',
};

function constValue(a: number): SynapseValuePlan {
  return { kind: 'const', a, b: 0, min: -Infinity, max: Infinity, redraw: false };
}

/** Plan of a validated projection (cp: its checked form; pops: the checked populations). */
export function planProjection(ps: ProjectionSpec, cp: CheckedProjection, pops: CheckedPopulation[], dt: number, seed: number): ProjectionPlan {
  const i = cp.index;
  const nSrc = pops[cp.source].size;
  const nTgt = pops[cp.target].size;
  const conn = ps.connect as ConnectSpec;
  // spatial_indegree excludes autapses by default (NEST's other rules allow them)
  const aut = conn.rule === 'spatial_indegree' ? conn.allow_autapses ?? !cp.same : 'allow_autapses' in conn ? conn.allow_autapses !== false : true;
  const mult = 'allow_multapses' in conn ? conn.allow_multapses !== false : true;
  const noAutapses = cp.same && !aut;
  const allowed = noAutapses ? nSrc - 1 : nSrc;
  const streams = { connect: connStream(i), weight: weightStream(i), delay: delayStream(i), totalCount: totalCountStream(i) };

  let p = 0;
  let k = 0;
  let totalCounts: Uint32Array | null = null;
  let explicitPtr: Uint32Array | null = null;
  let explicitSources: Uint32Array | null = null;
  let order: Uint32Array | null = null;
  switch (conn.rule) {
    case 'pairwise_bernoulli':
      p = conn.p;
      break;
    case 'fixed_indegree':
    case 'spatial_indegree':
      k = conn.indegree;
      break;
    case 'fixed_outdegree':
      k = conn.outdegree;
      break;
    case 'fixed_total_number':
      k = conn.n;
      totalCounts = totalNumberCounts(conn.n, nTgt, allowed, mult, seed, streams.totalCount);
      break;
    case 'explicit': {
      const e = explicitByTarget(conn.sources, conn.targets, nTgt);
      explicitPtr = e.ptr;
      explicitSources = e.sources;
      order = e.order;
      break;
    }
    default:
      break;
  }

  // weights: one float32 value, a per-synapse array (generation order), or a distribution
  const wSpec = ps.weight;
  let weight: SynapseValuePlan;
  let constWeight: number | null = null;
  let weightArray: Float32Array | null = null;
  if (isUniformValue(wSpec)) {
    constWeight = Math.fround(typeof wSpec === 'number' ? wSpec : ((wSpec as number[])[0] ?? 0));
    weight = constValue(constWeight);
    if (ps.plasticity || ps.pruning) {
      // a plastic (or pruned) projection stores its weights per synapse: the constant as the degenerate
      // distribution uniform(w, w) (w + 0 u = w exactly), drawn by connect_fill
      weight = { kind: 'uniform', a: constWeight, b: 0, min: -Infinity, max: Infinity, redraw: false };
      constWeight = null;
    }
  } else {
    const s = compileValue(wSpec);
    if (s.kind === V_ARRAY) {
      const a = s.arr!;
      weightArray = new Float32Array(a.length);
      for (let j = 0; j < a.length; j++) weightArray[j] = a[order ? order[j] : j];
      weight = { kind: 'array', a: 0, b: 0, min: -Infinity, max: Infinity, redraw: false };
    } else weight = { kind: KIND[s.kind], a: s.a, b: s.b, min: s.min, max: s.max, redraw: s.redraw };
  }

  // delays: steps = round(delay / dt); constants and arrays are on the grid (validated), drawn
  // values are rounded and clipped below at 1 step, and must not exceed the spec's bound
  // the sheet (spatial_indegree, distance-dependent delays; validated: both populations on equal sheets)
  const distance = ps.delay !== undefined && typeof ps.delay === 'object' && 'distance' in ps.delay ? ps.delay.distance : null;
  let sheet: SheetPlan | null = null;
  if (conn.rule === 'spatial_indegree' || distance) {
    const sh = pops[cp.source].sheet!;
    const sp = conn.rule === 'spatial_indegree' ? spatialParams(conn, sh.spacing) : null;
    sheet = {
      columnsX: sh.columns_x, columnsY: sh.columns_y, spacing: sh.spacing,
      perColumnSrc: sh.perColumn, perColumnTgt: pops[cp.target].sheet!.perColumn,
      periodic: sp ? sp.periodic : false, sigma: sp ? sp.sigma : 0, radius: sp ? sp.radius : 0,
      offsets: sp ? spatialOffsetTable(sp, sh.columns_x, sh.columns_y, sh.spacing) : null,
    };
  }
  const dSpec = (ps.delay ?? dt) as ValueSpec;
  let delay: SynapseValuePlan;
  let constDelay: number | null = null;
  let delayArray: Uint8Array | null = null;
  let minDelay: number;
  let maxDelay: number;
  if (distance) {
    // offset + d / (1000 velocity) ms, rounded per synapse; from the offset (d = 0) up to the validated bound
    delay = { kind: 'distance', a: distance.offset, b: 1000 * distance.velocity, min: -Infinity, max: Infinity, redraw: false };
    maxDelay = Math.max(1, cp.maxDelaySteps);
    minDelay = Math.min(Math.max(1, toSteps(distance.offset, dt)), maxDelay);
  } else if (isUniformValue(dSpec)) {
    const d = typeof dSpec === 'number' ? dSpec : ((dSpec as number[])[0] ?? dt);
    constDelay = minDelay = maxDelay = toSteps(d, dt);
    delay = constValue(constDelay);
  } else {
    const s = compileValue(dSpec);
    if (s.kind === V_ARRAY) {
      const a = s.arr!;
      delayArray = new Uint8Array(a.length);
      minDelay = Infinity;
      maxDelay = 1;
      for (let j = 0; j < a.length; j++) {
        const st = toSteps(a[order ? order[j] : j], dt);
        delayArray[j] = st;
        if (st < minDelay) minDelay = st;
        if (st > maxDelay) maxDelay = st;
      }
      delay = { kind: 'array', a: 0, b: 0, min: -Infinity, max: Infinity, redraw: false };
    } else {
      delay = { kind: KIND[s.kind], a: s.a, b: s.b, min: s.min, max: s.max, redraw: s.redraw };
      const lo = supportOf(dSpec).lo;
      minDelay = Number.isFinite(lo) ? Math.max(1, toSteps(lo, dt)) : 1;
      maxDelay = Math.max(1, cp.maxDelaySteps);
    }
    minDelay = Math.min(minDelay, maxDelay);
  }

  return {
    name: cp.name, index: i, source: cp.source, target: cp.target, channel: cp.channel, nSrc, nTgt,
    rule: conn.rule, p, k, noAutapses, noMultapses: !mult,
    synapses: Math.round(cp.count), exact: cp.countFixed,
    constWeight, constDelay, weight, delay, minDelay, maxDelay, weightArray, delayArray,
    totalCounts, explicitPtr, explicitSources, streams, sheet, plasticity: planPlasticity(ps, dt),
    pruning: ps.pruning ? planPruning(ps.pruning, i, dt) : null,
    shortTerm: ps.short_term ? { U: ps.short_term.U, tauRec: ps.short_term.tau_rec, tauFac: ps.short_term.tau_fac ?? 0 } : null,
    weightHalf: ps.weight_precision === 'float16',
  };
}

/** STDP constants: float32 rates and bounds, trace decay factors exp(-dt/tau) computed here in double precision. */
function planPlasticity(ps: ProjectionSpec, dt: number): PlasticityPlan | null {
  const s = ps.plasticity;
  if (!s) return null;
  const f = Math.fround;
  const izh = s.rule === 'izhikevich2006';
  // the pair constants, with each rule's defaults (docs/model-format.md#plasticity)
  const pair = {
    aPlus: f(s.a_plus ?? (izh ? 0.1 : 0.01)),
    aMinus: f(s.a_minus ?? (izh ? 0.12 : 0.012)),
    wMin: f(s.w_min ?? 0),
    wMax: f(s.w_max),
    decayPre: f(Math.exp(-dt / (s.tau_plus ?? 20))),
    decayPost: f(Math.exp(-dt / (s.tau_minus ?? 20))),
  };
  if (izh) {
    return {
      ...pair, rule: 'izhikevich2006', multiplicative: false, nearest: (s.pairing ?? 'nearest') === 'nearest',
      bias: f(s.bias ?? 0.01), derivDecay: f(s.decay ?? 0.9), applyEverySteps: toSteps(s.apply_every_ms ?? 1000, dt),
    };
  }
  return {
    ...pair, rule: 'stdp', multiplicative: s.weight_dependence === 'multiplicative', nearest: s.pairing === 'nearest',
    bias: 0, derivDecay: 0, applyEverySteps: 0,
  };
}

/** A pruning rule in steps and float32 values (also used by sim.prune, with `at_ms` unset). */
export function planPruning(s: PruningSpec, projection: number, dt: number, defaultEvery = true): PruningPlan {
  const atStep = s.at_ms !== undefined ? toSteps(s.at_ms, dt) : -1;
  const everySteps = s.every_ms !== undefined ? toSteps(s.every_ms, dt) : atStep < 0 && defaultEvery ? toSteps(100, dt) : 0;
  const e = s.rule === 'elimination_rate' ? s : null;
  return {
    rule: s.rule,
    threshold: s.rule === 'weight_below' ? Math.fround(s.threshold) : 0,
    rate: e ? e.rate : 0,
    bias: e?.bias ?? 'none',
    wRef: e?.w_ref !== undefined ? Math.fround(e.w_ref) : 0,
    everySteps,
    atStep,
    stream: pruningStream(projection),
  };
}
