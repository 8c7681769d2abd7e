/**
 * Memory estimate of a model, computed from the description alone (no connectivity generated), so
 * that a network too large for one WebAssembly memory is refused in microseconds; per shard with
 * estimateShards (from the description, or exactly from a NetworkPlan).
 *
 * The byte formula mirrors the arena of a shard (src/sim/shard.ts; every buffer rounded up to
 * ARENA_ALIGN = 16 bytes, an empty buffer still taking 16), for a slice of m neurons of a population:
 *   every population      spikes m*4; with more than one shard a spike exchange buffer of n*4
 *   lif 'exp'             v, ie, ii, bias, ref: 5 * m*4; params 10*4 (or 10*m*4 heterogeneous);
 *                         2 ring channels of ringSlots*m*4
 *   lif 'delta'           v, bias, ref: 3 * m*4; params; 1 ring channel
 *   threshold             state m*4; mu 4 (or m*4); 1 ring channel
 *   izhikevich            v, u, bias (+ ie, ii for 'exp'): 3 (5) * m*4; params 7*4 (or 7*m*4
 *                         heterogeneous); 1 (2 for 'exp') ring channels
 *   poisson               thresholds 4 (or m*4)
 *   spike_generator       nothing more (its events stay on the host)
 *   projection            rowPtr (nSrc+1)*4 over all sources, syn nSyn*4 (target | delay << 24
 *                         when delays vary), weights nSyn*4 when they vary: at most 8 bytes per
 *                         synapse plus the row pointers
 *   Poisson input         table length*4 (in every shard)
 *   delivery buckets      when the shard defers its delivery (src/core/delivery.ts: by default
 *                         when delays vary and the rings exceed 1 MiB): ringSlots*cap*8 and
 *                         ringSlots*4, cap = bucketCap(cells), cells = ring channels × m summed
 * ringSlots = largest delay in steps (at least 1). nSyn is exact for the fixed rules and the
 * expectation (rounded) for pairwise_bernoulli, and per shard for fixed_outdegree (and
 * fixed_total_number from a description; exact from a plan).
 */
import { loopSamples, loopVars, stepLoopLayout } from '../sim/step-program.ts';
import type { ConnectSpec, InputSpec, ModelSpec, NetworkPlan, AnyPopulationSpec } from '../core/types.ts';
import { ARENA_ALIGN, RUN_COUNT_MAX, RUN_STEP_MAX, TGT16_MAX, sliceOf } from '../core/layout.ts';
import { bucketBytes, defersDelivery, hasVariableDelays, type Delivery } from '../core/delivery.ts';
import { ModelError } from './errors.ts';
import { checkModel, type CheckedModel, type CheckedPopulation } from './validate.ts';
import type { CompiledModel } from '../equations/model.ts';
import { equationAllocations } from '../equations/runtime.ts';
import { neuronModel } from '../neurons/index.ts';
import { analysisOf, compilePopulationModel, equationModelOf, kernelName, mergedParameters } from '../equations/population.ts';
import { poissonTable } from './values.ts';
import { grouped, sizeText } from '../core/format.ts';

/** Bytes of one projection in one arena. */
export interface ProjectionEstimate {
  name: string;
  /** synapses onto the arena's targets (exact when `exact`, else expected, rounded) */
  synapses: number;
  exact: boolean;
  rowPtrBytes: number;
  /** the targets: 2 bytes each where the shard's slice of the target has at most 2^16 neurons, else 4 */
  synBytes: number;
  weightBytes: number;
  /**
   * per-synapse delays: the run pointers and at most the runs (src/sim/synapse-layout.ts
   * runsBound; the arena holds the runs the drawn delays give, which may be fewer); else 0
   */
  runBytes: number;
  bytes: number;
}

export interface NetworkEstimate {
  neurons: number;
  /** exact for fixed rules, expected for pairwise_bernoulli */
  synapses: number;
  /** arena bytes */
  bytes: number;
  ringSlots: number;
  parts: { name: string; bytes: number }[];
  /** per projection: synapses and bytes of row pointers, syn and weights */
  projections: ProjectionEstimate[];
}

export interface ShardEstimate {
  index: number;
  /** neurons of the shard's slices */
  neurons: number;
  synapses: number;
  /** arena bytes of the shard */
  bytes: number;
  parts: { name: string; bytes: number }[];
  projections: ProjectionEstimate[];
}

export interface ShardsEstimate {
  threads: number;
  neurons: number;
  synapses: number;
  /** sum over shards */
  bytes: number;
  /** the largest shard's bytes */
  maxShardBytes: number;
  ringSlots: number;
  shards: ShardEstimate[];
}

function buf(bytes: number): number {
  return Math.max(ARENA_ALIGN, Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN);
}

/** Estimate a model's size. Validates first (throws ModelError with every issue). */
export function estimateNetwork(spec: ModelSpec): NetworkEstimate {
  const checked = checkModel(spec);
  if (checked.issues.length) throw new ModelError(checked.issues);
  return estimateChecked(spec, checked);
}

/** Estimate of a model already checked without issues (one shard). */
export function estimateChecked(spec: ModelSpec, checked: CheckedModel): NetworkEstimate {
  const sh = shardEstimate(fromSpec(spec, checked), 0, 1, 'auto');
  return { neurons: sh.neurons, synapses: sh.synapses, bytes: sh.bytes, ringSlots: sh.ringSlots, parts: sh.parts, projections: sh.projections };
}

/**
 * Bytes per shard when populations are split into `threads` contiguous slices (slice k of n
 * neurons: [floor(k n / T), floor((k+1) n / T))): each shard holds the state and ring buffers of its
 * slices, the synapses onto them with a row pointer per source of every projection, and the input
 * tables. From a description (validated; expected counts for the random rules) or from a
 * NetworkPlan (exact but for pairwise_bernoulli and fixed_outdegree).
 */
export function estimateShards(model: ModelSpec | NetworkPlan, threads: number, delivery: Delivery = 'auto'): ShardsEstimate {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`estimateShards: threads must be an integer >= 1, got ${threads}`);
  let src: EstSource;
  if ('ringSlots' in model) src = fromPlan(model);
  else {
    const checked = checkModel(model);
    if (checked.issues.length) throw new ModelError(checked.issues);
    src = fromSpec(model, checked);
  }
  const shards: ShardEstimate[] = [];
  for (let k = 0; k < threads; k++) {
    const { ringSlots: _r, ...sh } = shardEstimate(src, k, threads, delivery);
    shards.push(sh);
  }
  return {
    threads,
    neurons: src.pops.reduce((a, p) => a + p.size, 0),
    synapses: shards.reduce((a, s) => a + s.synapses, 0),
    bytes: shards.reduce((a, s) => a + s.bytes, 0),
    maxShardBytes: Math.max(...shards.map((s) => s.bytes)),
    ringSlots: src.ringSlots,
    shards,
  };
}


interface PopEst {
  name: string;
  size: number;
  channels: number;
  /** bytes of the state of a slice of m neurons (spikes included, rings excluded) */
  bytes(m: number): number;
  /** state variables the step loop's NaN checks cover at most (src/sim/step-program.ts loopVars) */
  loopVars: number;
}
interface ProjEst {
  name: string;
  nSrc: number;
  target: number;
  weightsVary: boolean;
  /** weight_precision 'float16': 2 bytes per weight */
  weightHalf: boolean;
  /** per-synapse delays: the number of delay values they can take (max - min + 1 steps); 0 when constant */
  delayValues: number;
  /** STDP: traces, reverse index and a spike buffer (src/sim/shard.ts setupStdp) */
  plastic: boolean;
  /** short-term plasticity: the factors of one step's spikes, f32[nSrc] */
  shortTerm: boolean;
  /** izhikevich2006 rule: trace and spike rings of maxDelay + 2 steps, and a derivative per synapse (else 0) */
  ring2006: number;
  /** synapses onto targets [b, e) */
  synapses(b: number, e: number): { count: number; exact: boolean };
}
interface EstSource {
  pops: PopEst[];
  projs: ProjEst[];
  ringSlots: number;
  /** some projection has per-synapse delays */
  variableDelays: boolean;
  inputBytes: number;
  /** inputs of every type, the populations a spike monitor records and the state monitors' samples (the step loop's bytes) */
  inputs: number;
  spikeMonitored: boolean[];
  samples: number;
}

function shardEstimate(src: EstSource, k: number, T: number, delivery: Delivery): ShardEstimate & { ringSlots: number } {
  const parts: { name: string; bytes: number }[] = [];
  const ranges: [number, number][] = [];
  let neurons = 0;
  let exchange = 0;
  for (const p of src.pops) {
    const [b, e] = sliceOf(p.size, k, T);
    ranges.push([b, e]);
    const m = e - b;
    neurons += m;
    parts.push({ name: `population ${p.name}`, bytes: p.bytes(m) });
    if (p.channels > 0) parts.push({ name: `ring buffers ${p.name}`, bytes: p.channels * buf(src.ringSlots * m * 4) });
    if (T > 1) exchange += buf(p.size * 4);
  }
  if (exchange) parts.push({ name: 'spike exchange', bytes: exchange });
  const cells = src.pops.reduce((a, p, i) => a + p.channels * (ranges[i][1] - ranges[i][0]), 0);
  const buckets = bucketBytes(defersDelivery(delivery, src.variableDelays, src.ringSlots, cells), src.ringSlots, cells, buf);
  if (buckets) parts.push({ name: 'delivery buckets', bytes: buckets });
  let synapses = 0;
  const projections: ProjectionEstimate[] = [];
  for (const pr of src.projs) {
    const [b, e] = ranges[pr.target];
    const c = pr.synapses(b, e);
    // an expected count: rounded cumulatively over the targets, so that the shards' counts add up
    // to the whole projection's, whatever the number of shards
    const nSyn = c.exact ? Math.round(c.count) : Math.round(pr.synapses(0, e).count) - Math.round(pr.synapses(0, b).count);
    synapses += nSyn;
    const rowPtrBytes = buf((pr.nSrc + 1) * 4);
    const synBytes = buf(nSyn * (e - b <= TGT16_MAX ? 2 : 4));
    const weightBytes = pr.weightsVary ? buf(nSyn * (pr.weightHalf ? 2 : 4)) : 0;
    const runBytes = pr.delayValues ? buf((pr.nSrc + 1) * 4) + buf(runsBound(pr.nSrc, nSyn, pr.delayValues)) : 0;
    const bytes = rowPtrBytes + synBytes + weightBytes + runBytes;
    projections.push({ name: pr.name, synapses: nSyn, exact: c.exact, rowPtrBytes, synBytes, weightBytes, runBytes, bytes });
    parts.push({ name: `projection ${pr.name}`, bytes });
    if (pr.plastic && pr.ring2006 > 0) {
      // xHist[R][nSrc], yHist[R][m], preHist[R][nSrc], revPtr[m + 1], revPos, revSrc, deriv[nSyn], post spikes[m],
      // and with per-synapse delays every synapse's delay (u8)
      const m = e - b, R = pr.ring2006;
      parts.push({
        name: `plasticity ${pr.name}`,
        bytes: 2 * buf(R * pr.nSrc * 4) + buf(R * m * 4) + buf((m + 1) * 4) + 3 * buf(nSyn * 4) + buf(m * 4) + (pr.delayValues ? buf(nSyn) : 0),
      });
    } else if (pr.plastic) {
      // xPre[nSrc], yPost[m], revPtr[m + 1], revPos[nSyn], revSrc[nSyn], post spikes[m]
      const m = e - b;
      parts.push({ name: `plasticity ${pr.name}`, bytes: buf(pr.nSrc * 4) + 2 * buf(m * 4) + buf((m + 1) * 4) + 2 * buf(nSyn * 4) });
    }
    if (pr.shortTerm) parts.push({ name: `short-term plasticity ${pr.name}`, bytes: buf(pr.nSrc * 4) });
  }
  if (src.inputBytes) parts.push({ name: 'inputs', bytes: src.inputBytes });
  if (T === 1)
    parts.push({ name: 'step loop', bytes: stepLoopLayout(src.pops.map((p, i) => ({ m: p.size, recorded: src.spikeMonitored[i], channels: p.channels, vars: p.loopVars })), src.projs.length, src.inputs, src.samples).bytes });
  const bytes = parts.reduce((s, p) => s + p.bytes, 0);
  return { index: k, neurons, synapses, bytes, ringSlots: src.ringSlots, parts, projections };
}

/**
 * Most delay runs (bytes) of a projection (src/sim/synapse-layout.ts): a row has at most
 * min(length, delay values) delays, each one run plus one for every further 31 synapses (at most
 * nSyn / 31 in all), and its gaps, which add up to less than the delay values, take a run of no
 * synapses for every 7 steps beyond the first (at most (delay values - 1) / 7 per row).
 */
export function runsBound(nSrc: number, nSyn: number, delayValues: number): number {
  return Math.min(nSyn, nSrc * delayValues) + Math.floor(nSyn / RUN_COUNT_MAX) +
    Math.min(nSyn, nSrc) * Math.floor((delayValues - 1) / RUN_STEP_MAX);
}

/** Synapses onto targets [b, e) of a rule from its description. */
function ruleSynapses(conn: ConnectSpec, nSrc: number, nTgt: number, same: boolean, b: number, e: number): { count: number; exact: boolean } {
  const m = e - b;
  const allowed = same && 'allow_autapses' in conn && conn.allow_autapses === false ? nSrc - 1 : nSrc;
  switch (conn.rule) {
    case 'one_to_one':
      return { count: m, exact: true };
    case 'all_to_all':
      return { count: allowed * m, exact: true };
    case 'pairwise_bernoulli':
      return { count: conn.p >= 1 ? allowed * m : allowed * m * conn.p, exact: conn.p >= 1 || conn.p <= 0 || m === 0 };
    case 'fixed_indegree':
    case 'spatial_indegree':
      return { count: conn.indegree * m, exact: true };
    case 'fixed_outdegree':
      return { count: m === nTgt ? conn.outdegree * nSrc : (conn.outdegree * nSrc * m) / nTgt, exact: m === nTgt || m === 0 };
    case 'fixed_total_number':
      return { count: m === nTgt ? conn.n : (conn.n * m) / nTgt, exact: m === nTgt || m === 0 };
    case 'explicit': {
      if (m === nTgt) return { count: conn.targets.length, exact: true };
      let c = 0;
      for (let j = 0; j < conn.targets.length; j++) if (conn.targets[j] >= b && conn.targets[j] < e) c++;
      return { count: c, exact: true };
    }
  }
}

function fromSpec(spec: ModelSpec, checked: CheckedModel): EstSource {
  let ringSlots = 1;
  for (const p of checked.projections) ringSlots = Math.max(ringSlots, p.maxDelaySteps);
  const pops: PopEst[] = checked.populations.map((cp, k) => {
    const ps = spec.populations[k] as AnyPopulationSpec;
    return {
      name: cp.name, size: cp.size, channels: cp.channels,
      loopVars: loopVars(cp.model === 'equations' ? compiledOf(spec, ps, cp).state.length : undefined),
      bytes: (m: number): number => {
        const params = (ps.params ?? {}) as Record<string, unknown>;
        let b = buf(m * 4); // spikes
        // the model's own bytes (src/neurons/<model>/model.ts), or its equations' operands
        if (cp.model === 'equations') b += equationBytes(compiledOf(spec, ps, cp), m);
        else b += neuronModel(cp.model).rules!.specBytes(m, params, cp.synapse, buf);
        return b;
      },
    };
  });
  const projs: ProjEst[] = checked.projections.map((cp) => {
    const nSrc = checked.populations[cp.source].size;
    const nTgt = checked.populations[cp.target].size;
    const conn = spec.projections![cp.index].connect as ConnectSpec;
    return {
      name: cp.name, nSrc, target: cp.target, weightsVary: cp.weightPerSynapse, weightHalf: spec.projections![cp.index].weight_precision === 'float16', delayValues: cp.delayPerSynapse ? Math.max(1, cp.maxDelaySteps) : 0, plastic: spec.projections![cp.index].plasticity !== undefined,
      shortTerm: spec.projections![cp.index].short_term !== undefined,
      ring2006: spec.projections![cp.index].plasticity?.rule === 'izhikevich2006' ? cp.maxDelaySteps + 2 : 0,
      synapses: (b: number, e: number) => ruleSynapses(conn, nSrc, nTgt, cp.same, b, e),
    };
  });
  let inputBytes = 0;
  (spec.inputs ?? []).forEach((inp: InputSpec) => {
    if (inp.type === 'poisson') inputBytes += buf(poissonTable((inp.rate * checked.dt) / 1000).length * 4);
  });
  const monitored = new Set((spec.monitors ?? []).filter((m) => m.type === 'spikes').map((m) => (m as { population: string }).population));
  return {
    pops, projs, ringSlots, variableDelays: checked.projections.some((cp) => cp.delayPerSynapse), inputBytes,
    inputs: (spec.inputs ?? []).length, spikeMonitored: pops.map((p) => monitored.has(p.name)),
    samples: loopSamples((spec.monitors ?? []) as { type: string }[]),
  };
}

/** The arena bytes of a slice of m neurons of a model from equations beyond its spikes (src/equations/runtime.ts). */
function equationBytes(c: CompiledModel, m: number): number {
  return equationAllocations(c, m).reduce((a, x) => a + buf(x.bytes), 0);
}

/** The compiled model of a valid population from equations of a description (compiled as planNetwork compiles it). */
function compiledOf(spec: ModelSpec, ps: AnyPopulationSpec, cp: CheckedPopulation): CompiledModel {
  const found = equationModelOf(spec, ps, cp.index)!;
  const a = analysisOf(found.def);
  if (a instanceof Error) throw a;
  return compilePopulationModel(a, mergedParameters(found.def, ps), spec.dt, cp.inputs ?? [], kernelName(found.name));
}

function fromPlan(plan: NetworkPlan): EstSource {
  // the model's own bytes beside its spikes, from its descriptor (src/neurons)
  const pops: PopEst[] = plan.populations.map((p) => ({
    name: p.name, size: p.size, channels: p.channels, bytes: (m: number) => buf(m * 4) + neuronModel(p.model).planBytes(p, m, buf),
    loopVars: loopVars(p.equations?.compiled.state.length),
  }));
  const projs: ProjEst[] = plan.projections.map((pr) => ({
    name: pr.name, nSrc: pr.nSrc, target: pr.target, weightsVary: pr.constWeight === null, weightHalf: pr.weightHalf,
    delayValues: pr.constDelay === null ? pr.maxDelay - pr.minDelay + 1 : 0, plastic: pr.plasticity !== null, shortTerm: pr.shortTerm !== null,
    ring2006: pr.plasticity?.rule === 'izhikevich2006' ? pr.maxDelay + 2 : 0,
    synapses: (b: number, e: number) => {
      if (pr.totalCounts) {
        let c = 0;
        for (let t = b; t < e; t++) c += pr.totalCounts[t];
        return { count: c, exact: true };
      }
      if (pr.explicitPtr) return { count: pr.explicitPtr[e] - pr.explicitPtr[b], exact: true };
      const conn = { rule: pr.rule, p: pr.p, indegree: pr.k, outdegree: pr.k, n: pr.k, allow_autapses: !pr.noAutapses, sources: [], targets: [] } as unknown as ConnectSpec;
      return ruleSynapses(conn, pr.nSrc, pr.nTgt, pr.noAutapses, b, e);
    },
  }));
  let inputBytes = 0;
  for (const inp of plan.inputs) if (inp.type === 'poisson') inputBytes += buf(inp.table.length * 4);
  const monitored = new Set(plan.monitors.filter((m) => m.type === 'spikes').map((m) => (m as { population: string }).population));
  return {
    pops, projs, ringSlots: plan.ringSlots, variableDelays: hasVariableDelays(plan), inputBytes,
    inputs: plan.inputs.length, spikeMonitored: pops.map((p) => monitored.has(p.name)),
    samples: loopSamples(plan.monitors as { type: string }[]),
  };
}

/** The message of a model too large for `limit` bytes. */
export function tooLargeMessage(est: NetworkEstimate, limit: number): string {
  const gib = (b: number) => (b / 2 ** 30).toFixed(2);
  const top = est.parts
    .slice()
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((p) => `${p.name} ${gib(p.bytes)} GiB`)
    .join(', ');
  return (
    `the network is too large: ${grouped(est.neurons)} neurons and ${grouped(est.synapses)} synapses need ${sizeText(est.bytes)} of arena, ` +
    `more than the limit of ${sizeText(limit)} (one WebAssembly memory); largest parts: ${top}. Nothing was generated.`
  );
}
