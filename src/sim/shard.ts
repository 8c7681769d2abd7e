/**
 * A shard: a contiguous slice of every population with the synapses that target it, its delay ring
 * buffers and monitors, in one backend's arena. A single-threaded run is one shard; a threaded run
 * has one shard per worker. Everything here is host code shared by the backends, so the order of
 * every floating-point operation is the same on all of them and for every shard count:
 *
 * step t:  state monitors sample (time t*dt) → current inputs → Poisson/noise inputs into ring
 *          slot t → neuron update, threshold, reset → spike/rate monitors record
 * deliver: the spikes of step t (of all shards, in ascending global index) go through every
 *          projection, in projection order, into ring slot t + delay of the local targets.
 *          A plastic (STDP) projection first updates its weights, in this fixed order, with the
 *          spikes of step t (so after the neuron update of step t and before its delivery):
 *            1. stdp_pre: pre spikes (all shards', ascending global index): depression from the
 *               post trace of each synapse's target, then the pre trace of the source (+1 or =1);
 *            2. stdp_post: this shard's target spikes (ascending): potentiation of every incoming
 *               synapse (reverse index, ascending CSR position) from the source's pre trace,
 *               then the post trace;
 *            3. trace_decay of all pre traces (every source, kept whole in every shard) and of
 *               the post traces: x *= exp(-dt/tau_plus), y *= exp(-dt/tau_minus) (float32).
 *          A pre and a post spike in the same step thus pair as potentiation (Δt = 0 counts as
 *          pre before post). The propagation of step t then uses the updated weights. Every
 *          update touches one synapse from values the shard holds whatever the shard count, so
 *          the weights are identical for 1..N shards.
 *
 * Each target's ring cell therefore receives its additions in the order (emission step,
 * projection, source index), whatever the number of shards and whenever delivery happens, as long
 * as it happens before the arrival step: shards exchange spikes once per minimum delay.
 *
 * Deferred delivery (src/core/delivery.ts) keeps that order: delivery appends each addition to the
 * bucket of its arrival slot, and step t first applies the bucket of slot t (defer_flush), before
 * its inputs and neuron update; a bucket that fills up is applied early, in order. The additions
 * still pending in a bucket are for its slot's next arrival step only: an entry for step t + slots
 * can only come from a spike of step t or later, delivered after the flush of step t.
 */
import type { Backend, GeneratedKernel } from '../backend/types.ts';
import { neuronModel, type PopulationRuntime, type StateVar } from '../neurons/index.ts';
import type { StepContext } from '../neurons/types.ts';
import type { BuiltNetwork, BuiltPopulation, MonitorSpec, PlasticityPlan, PruningPlan } from '../core/types.ts';
import {
  ARENA_ALIGN, sliceOf, STEP_H_EVENTS, STEP_OP_CHECK, STEP_OP_FLUSH, STEP_OP_NOISE_INPUT, STEP_OP_POISSON_INPUT,
  STEP_OP_HOST, STEP_OP_PROPAGATE, STEP_OP_RECORD, STEP_OP_SAMPLE, STEP_OP_TOUCH, stepWord,
} from '../core/layout.ts';
import { rngKey, rngU32, uniform53 } from '../core/rng.ts';
import { bucketCap, defersDelivery, hasVariableDelays, type Delivery } from '../core/delivery.ts';
import { poissonTable } from '../network/values.ts';
import { buildShardProjection, type ShardProjection } from './connectivity.ts';
import { compactRows, delaysOf, formatOf, removeSynapses, targetsOf, weightsOf } from './synapse-layout.ts';
import { ArenaAllocator } from './arena.ts';
import { ChunkedFloat32, ChunkedInt32 } from './monitors.ts';
import { OutboxLayout } from './sync.ts';
import { ShortTermState } from './short-term.ts';
import { loopSamples, loopVars, stepLoopLayout, type LoopPopulation, type StepLoopLayout } from './step-program.ts';
import { STEP_CHUNK, StepProgramWriter } from '../core/step-program.ts';
import { sectionTypeOf, SnapshotError } from './snapshot-format.ts';
import { ShardRestore, type PartArray, type ShardPart } from './snapshot.ts';

export { sliceOf };

/** The outbox layout of every shard: per population, the offset of its slice in a step block. */
export function outboxLayouts(net: BuiltNetwork, T: number, interval: number): OutboxLayout[] {
  const layouts: OutboxLayout[] = [];
  for (let s = 0; s < T; s++) {
    const offsets: number[] = [];
    let o = 0;
    for (const p of net.populations) {
      offsets.push(o);
      const [b, e] = sliceOf(p.size, s, T);
      o += e - b;
    }
    layouts.push(new OutboxLayout(interval, net.populations.length, offsets, o));
  }
  return layouts;
}

/** Minimum delay in steps over all projections: shards exchange spikes once per this many steps. */
export function minDelaySteps(net: BuiltNetwork): number {
  let d = Infinity;
  for (const p of net.projections) d = Math.min(d, p.minDelay);
  return Number.isFinite(d) ? Math.max(1, d) : 1;
}

/** A NaN or infinite state during a run. */
export class SimulationError extends Error {
  constructor(
    message: string,
    readonly population: string,
    readonly variable: string,
    readonly neuron: number,
    readonly step: number,
  ) {
    super(message);
    this.name = 'SimulationError';
  }
}


interface PopRT {
  pop: BuiltPopulation;
  /** global index of the first neuron of the slice, and the slice size */
  begin: number;
  m: number;
  spikes: number;
  /** all shards' spikes of one step, global indices (only with more than one shard) */
  gather: number;
  ring: number[];
  count: number;
  /** the model's slice (src/neurons: its state, parameters and step) */
  rt: PopulationRuntime;
  /** the bias current without current inputs, once a current input targets the population */
  baseBias: Float32Array | null;
}

interface ProjRT extends ShardProjection {
  name: string;
  source: number;
  target: number;
  ring: number;
  nTarget: number;
  /** STDP state (plastic projections only) */
  stdp: StdpRT | null;
  /** pruning rule of the model file, or null */
  pruning: PruningPlan | null;
  /** the step after whose delivery pruning was last applied (-1: never) */
  lastPrune: number;
  /** bias 'inactive': the last step each source spiked (-1: never), all sources; else null */
  lastSpike: Int32Array | null;
  /** Izhikevich (2006) rule: per-synapse derivative f32[nSyn], else 0 */
  deriv: number;
  /** short-term plasticity: the state of every source (src/sim/short-term.ts), else null */
  stp: ShortTermState | null;
}

interface StdpRT {
  pl: PlasticityPlan;
  /** f32[nSrc]: the pre trace of every source of the projection (all shards' sources) */
  xPre: number;
  /** f32[nTarget]: the post trace of this shard's targets */
  yPost: number;
  /** reverse index: u32[nTarget + 1], and per synapse u32 CSR position and u32 source */
  revPtr: number;
  revPos: number;
  revSrc: number;
  /** u32[nTarget]: this shard's target spikes of one step (local indices), copied from the exchange */
  post: number;
  nSrc: number;
  /**
   * izhikevich2006: rings of R = maxDelay + 2 steps (slot-major): pre traces f32[R][nSrc], post
   * traces f32[R][nTarget], pre spike lists i32[R][nSrc] with their counts; maxDelay in steps
   */
  ring: number;
  maxDelay: number;
  xHist: number;
  yHist: number;
  preHist: number;
  preCount: Int32Array;
  /** izhikevich2006 with per-synapse delays: every synapse's delay in steps, u8[nSyn] (else 0) */
  delays: number;
}

interface PoissonInputRT {
  index: number;
  target: number;
  table: number;
  tableLen: number;
  tableCap: number;
  weight: number;
  ring: number;
  m: number;
  begin: number;
  start: number;
  stop: number;
  stream: number;
}

interface CurrentInputRT {
  target: number;
  amplitude: number;
  neurons: Int32Array | null;
  start: number;
  stop: number;
}

/** Recorded data of one shard, merged by the simulation (global neuron indices). */
export interface ShardRecords {
  /** per spike monitor: steps and global indices */
  spikes: { steps: Int32Array; indices: Int32Array }[];
  /** per rate monitor: first step and spike counts per step (this shard's slice) */
  rates: { firstStep: number; counts: Int32Array }[];
  /** per state monitor: sampled steps, and per (variable, local neuron) values */
  states: { steps: Int32Array; neurons: number[]; values: Float32Array[][] }[];
  /** per synapse monitor: sampled steps and this shard's synapse counts */
  synapses: { steps: Int32Array; counts: Int32Array }[];
}

/** Sources a snapshot's synapse word holds below the delay byte (src/sim/snapshot.ts). */
const PACKED_SOURCES = 1 << 24;

/** A synapse monitor without every_ms samples every 100 ms (at least every step). */
export const DEFAULT_SYNAPSE_MONITOR_STEPS = (dt: number): number => Math.max(1, Math.round(100 / dt));

class LocalSpikeMonitor {
  readonly steps = new ChunkedInt32();
  readonly indices = new ChunkedInt32();
  constructor(
    readonly pop: number,
    readonly filter: Uint8Array | null,
    readonly begin: number,
  ) {}
}

class LocalStateMonitor {
  readonly steps = new ChunkedInt32();
  readonly values: ChunkedFloat32[][];
  constructor(
    readonly pop: number,
    readonly variables: string[],
    /** global neuron ids in this shard, and their local indices */
    readonly neurons: number[],
    readonly local: number[],
    readonly every: number,
  ) {
    this.values = variables.map(() => neurons.map(() => new ChunkedFloat32()));
  }
}

export class Shard {
  readonly pops: PopRT[] = [];
  readonly projs: ProjRT[] = [];
  readonly poissonInputs: PoissonInputRT[] = [];
  readonly currentInputs: CurrentInputRT[] = [];
  readonly noiseInputs: { target: number; ring: number; m: number; begin: number; mean: number; std: number; start: number; stop: number; stream: number }[] = [];
  /** random_drive inputs: the target slices (ring, size, index of their first neuron in the concatenation) */
  readonly randomDrives: {
    parts: { ring: number; m: number; first: number }[]; total: number; amplitude: number; count: number; start: number; stop: number; stream: number;
  }[] = [];
  readonly arena: ArenaAllocator;
  private synapseMonitors: { proj: number; every: number; steps: ChunkedInt32; counts: ChunkedInt32 }[] = [];
  private spikeMonitors: LocalSpikeMonitor[] = [];
  private rateMonitors: { pop: number; firstStep: number; counts: ChunkedInt32 }[] = [];
  private stateMonitors: LocalStateMonitor[] = [];
  /** spikes emitted by this shard, per population */
  readonly spikeTotals: number[];
  /** synaptic events delivered into this shard */
  events = 0;
  /** wall seconds spent so far (measured by the driver): inputs and neuron updates, waiting for the other shards, delivery */
  readonly phases = { step: 0, wait: 0, deliver: 0, loop: 0 };
  /** deferred delivery (src/core/delivery.ts): the slot buckets, or null when spikes go straight into the rings */
  readonly defer: { buckets: number; cap: number; fill: number } | null = null;
  /** with deferred delivery, every ring (byte address, bytes of one slot): the slot is brought into the cache before a flush */
  private readonly flushRings: { ring: number; bytes: number }[] = [];
  /** per population, the number of spikes gathered in the step being delivered (-1: not yet) */
  private readonly gathered: Int32Array;
  private f32!: Float32Array;
  private i32!: Int32Array;
  private u32!: Uint32Array;
  /** what a population's step gets (src/neurons/types.ts), filled in per step and population */
  private readonly stepCtx: StepContext;

  constructor(
    readonly net: BuiltNetwork,
    readonly index: number,
    readonly count: number,
    readonly backend: Backend,
    monitors: MonitorSpec[],
    delivery: Delivery = 'auto',
    /** the generated kernel of every population of a model from equations, by population index (loadEquationKernels) */
    generated: ReadonlyMap<number, GeneratedKernel> = new Map(),
    /** a snapshot to continue from (src/sim/snapshot.ts): its synapses instead of the model's rules, then its state */
    restore: ShardRestore | null = null,
  ) {
    const T = count;
    const slots = net.ringSlots;
    const a = new ArenaAllocator(backend, backend.base);
    this.arena = a;
    this.stepCtx = { K: backend.kernels, f32: new Float32Array(0), i32: new Int32Array(0), u32: new Uint32Array(0), seed: net.seed, t: 0, dt: net.dt, slot: 0, rings: [], spikes: 0 };
    // populations: state, ring buffers, parameters of this slice
    for (const p of net.populations) {
      const [b, e] = sliceOf(p.size, index, T);
      const m = e - b;
      const nm = `population ${p.name}`;
      const spikes = a.alloc(nm, m * 4);
      const gather = T > 1 ? a.alloc(`spike exchange`, p.size * 4) : 0;
      const biased = net.inputs.some((x) => x.type === 'current' && x.target === p.index) || (p.bias?.some((x) => x !== 0) ?? false);
      const rt = neuronModel(p.model).runtime({ pop: p, begin: b, m, alloc: a.alloc, part: nm, generated: generated.get(p.index), biased });
      const r: PopRT = { pop: p, begin: b, m, spikes, gather, ring: [], count: 0, rt, baseBias: null };
      for (let c = 0; c < p.channels; c++) r.ring.push(a.alloc(`ring buffers`, slots * m * 4));
      this.pops.push(r);
    }
    const cells = this.pops.reduce((n, r) => n + r.pop.channels * r.m, 0);
    if (defersDelivery(delivery, hasVariableDelays(net), slots, cells)) {
      const cap = bucketCap(cells);
      this.defer = { buckets: a.alloc('delivery buckets', slots * cap * 8), cap, fill: a.alloc('delivery buckets', slots * 4) };
      for (const r of this.pops) for (const ring of r.ring) if (r.m > 0) this.flushRings.push({ ring, bytes: r.m * 4 });
    }
    this.refreshViews();
    for (const r of this.pops) r.rt.write({ f32: this.f32, i32: this.i32, u32: this.u32 });
    // projections: the synapses onto this shard's slice of the target
    net.projections.forEach((pr, k) => {
      const tgt = this.pops[pr.target];
      const built = restore ? this.restoreProjection(restore, k, tgt.begin, tgt.m) : buildShardProjection(backend, a, net, k, tgt.begin, tgt.begin + tgt.m);
      this.projs.push({
        ...built, name: pr.name, source: pr.source, target: pr.target, ring: tgt.ring[pr.channel], nTarget: tgt.m, stdp: null, pruning: pr.pruning,
        lastPrune: -1, lastSpike: pr.pruning?.bias === 'inactive' ? new Int32Array(pr.nSrc).fill(-1) : null, deriv: 0,
        stp: pr.shortTerm ? new ShortTermState(pr.shortTerm, pr.nSrc, net.dt, a.alloc(`short-term plasticity ${pr.name}`, pr.nSrc * 4)) : null,
      });
      if (pr.plasticity) this.setupStdp(this.projs[k], pr.plasticity, pr.nSrc, pr.maxDelay);
    });
    // inputs
    net.inputs.forEach((inp, k) => {
      const tgt = this.pops[inp.target];
      if (inp.type === 'poisson') {
        const cap = inp.table.length;
        const table = a.alloc('inputs', cap * 4);
        this.poissonInputs.push({
          index: k, target: inp.target, table, tableLen: inp.table.length, tableCap: cap, weight: inp.weight,
          ring: tgt.ring[inp.channel], m: tgt.m, begin: tgt.begin, start: inp.startStep, stop: inp.stopStep, stream: inp.stream,
        });
      } else if (inp.type === 'noise') {
        this.noiseInputs.push({
          target: inp.target, ring: tgt.ring[inp.channel], m: tgt.m, begin: tgt.begin, mean: inp.mean, std: inp.std,
          start: inp.startStep, stop: inp.stopStep, stream: inp.stream,
        });
      } else if (inp.type === 'random_drive') {
        let off = 0;
        const parts = inp.targets.map((x) => {
          const r = this.pops[x.target];
          const part = { ring: r.ring[x.channel], m: r.m, first: off + r.begin };
          off += r.pop.size;
          return part;
        });
        this.randomDrives.push({ parts, total: off, amplitude: inp.amplitude, count: inp.count, start: inp.startStep, stop: inp.stopStep, stream: inp.stream });
      } else {
        if (tgt.rt.bias < 0) throw new Error(`internal error: population "${tgt.pop.name}" takes no current input`);
        if (!tgt.baseBias) tgt.baseBias = tgt.pop.bias!.slice(tgt.begin, tgt.begin + tgt.m);
        let neurons: Int32Array | null = null;
        if (inp.neurons) {
          neurons = Int32Array.from(Array.from(inp.neurons).filter((i) => i >= tgt.begin && i < tgt.begin + tgt.m).map((i) => i - tgt.begin));
        }
        this.currentInputs.push({ target: inp.target, amplitude: inp.amplitude, neurons, start: inp.startStep, stop: inp.stopStep });
      }
    });
    this.refreshViews();
    net.inputs.forEach((inp, k) => {
      if (inp.type !== 'poisson') return;
      const rt = this.poissonInputs.find((x) => x.index === k)!;
      this.u32.set(inp.table, rt.table >>> 2);
    });
    this.spikeTotals = net.populations.map(() => 0);
    this.gathered = new Int32Array(net.populations.length);
    if (T === 1) {
      // the step loop's part, as the estimate counts it (src/sim/step-program.ts stepLoopLayout)
      const spiked = new Set(monitors.filter((x) => x.type === 'spikes').map((x) => (x as { population: string }).population));
      const layout = stepLoopLayout(this.pops.map((r) => this.loopPopulation(r, spiked.has(r.pop.name))), net.projections.length, net.inputs.length, loopSamples(monitors));
      this.loop = { at: a.alloc('step loop', layout.bytes), layout, recorded: [], checkEvery: -1, samples: false };
      this.refreshViews();
    }
    for (const mspec of monitors) this.addMonitor(mspec);
    if (restore) this.restoreState(restore);
  }

  /** target-major positions of the synapses restored from a snapshot, per projection (until restoreState) */
  private restorePos = new Map<number, { first: number; n: number; pos: Uint32Array }>();

  /**
   * Projection k's synapses onto this shard's targets [begin, begin + m) from a snapshot's
   * target-major arrays: the same rows (by source, targets ascending, multapses in order) and
   * allocations as buildShardProjection gives.
   */
  private restoreProjection(rs: ShardRestore, k: number, begin: number, m: number): ShardProjection {
    const pr = this.net.projections[k];
    const a = this.arena;
    const name = `projection ${pr.name}`;
    const { first, n, tptr, rowPtr, pos, src, delay } = rs.synapses(k, begin, m, pr.nTgt, pr.nSrc);
    const packed = pr.constDelay === null;
    const hasW = pr.constWeight === null;
    // the rows in target order, as the connectivity kernels write them; then the same compaction
    const rp = a.alloc(name, (pr.nSrc + 1) * 4);
    const syn = a.alloc(name, n * 4);
    const weights = hasW ? a.alloc(name, n * 4) : 0;
    this.refreshViews();
    const u32 = this.u32, f32 = this.f32;
    u32.set(rowPtr, rp >>> 2);
    const so = syn >>> 2;
    const words = rs.packedWords(k);
    for (let j = 0; j < m; j++) {
      for (let e = tptr[j]; e < tptr[j + 1]; e++) {
        if (!packed) {
          u32[so + pos[e]] = j;
          continue;
        }
        const d = words ? src[e] >>> 24 : delay ? delay[e] : 0;
        if (d < pr.minDelay || d > pr.maxDelay)
          throw new SnapshotError(`the snapshot's projection "${pr.name}" has a delay of ${d} steps, outside its ${pr.minDelay}..${pr.maxDelay}`);
        u32[so + pos[e]] = ((d << 24) | j) >>> 0;
      }
    }
    if (hasW) {
      const w = rs.perSynapse(k, 'weight', 'f32', first, n) as Float32Array;
      const wo = weights >>> 2;
      for (let e = 0; e < n; e++) f32[wo + pos[e]] = w[e];
    }
    const { layout, perm } = compactRows(
      this.backend, a, name, { rowPtr: rp, syn, weights, constWeight: pr.constWeight ?? 0, constDelay: pr.constDelay ?? 0, nSyn: n }, pr.nSrc, m, packed, true,
      pr.weightHalf ? `projections[${pr.index}].weight_precision` : null);
    for (let e = 0; e < n; e++) pos[e] = perm![pos[e]];
    this.restorePos.set(k, { first, n, pos });
    return layout;
  }

  /** Write a snapshot's state over the state the model gave (after the layout is complete). */
  private restoreState(rs: ShardRestore): void {
    this.refreshViews();
    const u32 = this.u32, f32 = this.f32;
    const slots = this.net.ringSlots;
    // raw 32-bit words into the arena at byte address ptr
    const put = (ptr: number, a: ArrayLike<number>) => u32.set(a, ptr >>> 2);
    const state = rs.snap.header.state as { projections: { constWeight: number; lastPrune: number }[] };
    this.pops.forEach((r, k) => {
      for (const v of r.rt.vars) put(v.ptr, rs.slice(`pop/${k}/var/${v.name}`, 'u32', r.begin, r.m));
      for (const v of r.rt.hidden ?? []) put(v.ptr, rs.slice(`pop/${k}/hidden/${v.name}`, 'u32', r.begin, r.m));
      if (r.rt.bias >= 0) put(r.rt.bias, rs.slice(`pop/${k}/bias`, 'u32', r.begin, r.m));
      r.ring.forEach((ring, c) => rs.slots(`pop/${k}/ring/${c}`, 'u32', r.begin, r.m, slots, r.pop.size, u32.subarray(ring >>> 2, (ring >>> 2) + slots * r.m)));
    });
    this.projs.forEach((pr, k) => {
      const plan = this.net.projections[k];
      const info = state.projections?.[k];
      if (!info) throw new SnapshotError(`the snapshot has no projection ${k} ("${pr.name}")`);
      pr.constWeight = info.constWeight;
      pr.lastPrune = info.lastPrune;
      const nSrc = plan.nSrc;
      if (pr.lastSpike) pr.lastSpike.set(rs.same(`proj/${k}/lastSpike`, 'i32', nSrc) as Int32Array);
      if (pr.stp) {
        pr.stp.x.set(rs.same(`proj/${k}/stpX`, 'f64', nSrc) as Float64Array);
        pr.stp.u.set(rs.same(`proj/${k}/stpU`, 'f64', nSrc) as Float64Array);
        pr.stp.last.set(rs.same(`proj/${k}/stpLast`, 'i32', nSrc) as Int32Array);
      }
      const st = pr.stdp;
      if (st) {
        if (st.pl.rule === 'izhikevich2006') {
          const R = st.ring;
          put(st.xHist, rs.same(`proj/${k}/xHist`, 'u32', R * nSrc));
          rs.slots(`proj/${k}/yHist`, 'u32', this.pops[pr.target].begin, pr.nTarget, R, plan.nTgt, u32.subarray(st.yHist >>> 2, (st.yHist >>> 2) + R * pr.nTarget));
          put(st.preHist, rs.same(`proj/${k}/preHist`, 'u32', R * nSrc));
          st.preCount.set(rs.same(`proj/${k}/preCount`, 'i32', R) as Int32Array);
          const at = this.restorePos.get(k);
          if (at && pr.deriv) {
            const d = rs.perSynapse(k, 'deriv', 'f32', at.first, at.n) as Float32Array;
            const o = pr.deriv >>> 2;
            for (let e = 0; e < at.n; e++) f32[o + at.pos[e]] = d[e];
          }
        } else {
          put(st.xPre, rs.same(`proj/${k}/xPre`, 'u32', nSrc));
          put(st.yPost, rs.slice(`proj/${k}/yPost`, 'u32', this.pops[pr.target].begin, pr.nTarget));
        }
      }
    });
    this.restorePos.clear();
    for (const inp of this.poissonInputs) {
      const name = `input/${inp.index}/table`;
      if (rs.has(name)) this.setPoissonTable(inp.index, rs.snap.get(name, 'u32'));
    }
  }

  /**
   * This shard's part of a snapshot (src/sim/snapshot.ts), copied out of the arena: every state
   * array, the rings (with deferred delivery, every slot's pending additions are applied to the
   * rings first, as a bucket that fills up is applied early), the synapses by target in global
   * indices, traces and per-source plasticity state, and the Poisson tables.
   */
  snapshotPart(): ShardPart {
    const net = this.net, slots = net.ringSlots, df = this.defer;
    if (df) for (let q = 0; q < slots; q++) this.backend.kernels.defer_flush(q, slots, df.buckets, df.cap, df.fill);
    this.refreshViews();
    const u32 = this.u32, f32 = this.f32;
    const first = this.index === 0;
    const arrays: PartArray[] = [];
    const words = (ptr: number, n: number) => u32.slice(ptr >>> 2, (ptr >>> 2) + n);
    this.pops.forEach((r, k) => {
      const slice = (name: string, ptr: number) => arrays.push({ name, type: 'u32', layout: 'slice', data: words(ptr, r.m), begin: r.begin, total: r.pop.size });
      for (const v of r.rt.vars) slice(`pop/${k}/var/${v.name}`, v.ptr);
      for (const v of r.rt.hidden ?? []) slice(`pop/${k}/hidden/${v.name}`, v.ptr);
      if (r.rt.bias >= 0) slice(`pop/${k}/bias`, r.rt.bias);
      r.ring.forEach((ring, c) =>
        arrays.push({ name: `pop/${k}/ring/${c}`, type: 'u32', layout: 'slots', data: words(ring, slots * r.m), begin: r.begin, total: r.pop.size, slots }));
    });
    this.projs.forEach((pr, k) => {
      const plan = net.projections[k];
      const nSrc = plan.nSrc, m = pr.nTarget, n = pr.nSyn;
      const tb = this.pops[pr.target].begin;
      const varying = pr.runPtr !== 0;
      const wordsPacked = varying && nSrc <= PACKED_SOURCES;
      const rp = pr.rowPtr >>> 2, dv = pr.deriv >>> 2;
      const tg = targetsOf(this.backend.buffer, pr);
      const wl = weightsOf(this.backend.buffer, pr);
      const dl = varying ? delaysOf(this.backend.buffer, pr, nSrc) : null;
      const ptr = new Uint32Array(m + 1);
      for (let e = 0; e < n; e++) ptr[1 + tg[e]]++;
      for (let j = 0; j < m; j++) ptr[j + 1] += ptr[j];
      const cur = ptr.slice(0, m);
      const src = new Uint32Array(n);
      const delay = varying && !wordsPacked ? new Uint8Array(n) : null;
      const weight = pr.weights ? new Float32Array(n) : null;
      const deriv = pr.deriv ? new Float32Array(n) : null;
      for (let s = 0; s < nSrc; s++) {
        for (let q = u32[rp + s]; q < u32[rp + s + 1]; q++) {
          const e = cur[tg[q]]++;
          src[e] = wordsPacked ? ((dl![q] << 24) | s) >>> 0 : s;
          if (delay) delay[e] = dl![q];
          if (weight) weight[e] = wl![q];
          if (deriv) deriv[e] = f32[dv + q];
        }
      }
      arrays.push({ name: `proj/${k}/ptr`, type: 'u32', layout: 'ptr', data: ptr, begin: tb, total: plan.nTgt });
      arrays.push({ name: `proj/${k}/src`, type: 'u32', layout: 'syn', data: src });
      if (delay) arrays.push({ name: `proj/${k}/delay`, type: 'u8', layout: 'syn', data: delay });
      if (weight) arrays.push({ name: `proj/${k}/weight`, type: 'f32', layout: 'syn', data: weight });
      if (deriv) arrays.push({ name: `proj/${k}/deriv`, type: 'f32', layout: 'syn', data: deriv });
      const same = (name: string, data: PartArray['data']) => {
        if (first) arrays.push({ name, type: sectionTypeOf(data), layout: 'same', data });
      };
      if (pr.lastSpike) same(`proj/${k}/lastSpike`, pr.lastSpike.slice());
      if (pr.stp) {
        same(`proj/${k}/stpX`, pr.stp.x.slice());
        same(`proj/${k}/stpU`, pr.stp.u.slice());
        same(`proj/${k}/stpLast`, pr.stp.last.slice());
      }
      const st = pr.stdp;
      if (st) {
        if (st.pl.rule === 'izhikevich2006') {
          const R = st.ring;
          same(`proj/${k}/xHist`, words(st.xHist, R * nSrc));
          arrays.push({ name: `proj/${k}/yHist`, type: 'u32', layout: 'slots', data: words(st.yHist, R * m), begin: tb, total: plan.nTgt, slots: R });
          same(`proj/${k}/preHist`, words(st.preHist, R * nSrc));
          same(`proj/${k}/preCount`, st.preCount.slice());
        } else {
          same(`proj/${k}/xPre`, words(st.xPre, nSrc));
          arrays.push({ name: `proj/${k}/yPost`, type: 'u32', layout: 'slice', data: words(st.yPost, m), begin: tb, total: plan.nTgt });
        }
      }
    });
    if (first) for (const inp of this.poissonInputs) arrays.push({ name: `input/${inp.index}/table`, type: 'u32', layout: 'same', data: words(inp.table, inp.tableLen) });
    return { arrays, projections: this.projs.map((p) => ({ constWeight: p.constWeight, lastPrune: p.lastPrune })) };
  }

  /** Re-read the typed-array views (after the arena grew). */
  refreshViews(): void {
    const buf = this.backend.buffer;
    if (this.f32?.buffer !== buf) {
      this.f32 = new Float32Array(buf);
      this.i32 = new Int32Array(buf);
      this.u32 = new Uint32Array(buf);
    }
  }

  addMonitor(m: MonitorSpec): void {
    this.loopStale = true;
    if (m.type === 'synapses') {
      const proj = this.net.projections.findIndex((p) => p.name === m.projection);
      const every = m.every_ms === undefined ? DEFAULT_SYNAPSE_MONITOR_STEPS(this.net.dt) : Math.max(1, Math.round(m.every_ms / this.net.dt));
      this.synapseMonitors.push({ proj, every, steps: new ChunkedInt32(), counts: new ChunkedInt32() });
      return;
    }
    const k = this.net.populations.findIndex((p) => p.name === m.population);
    const r = this.pops[k];
    if (m.type === 'spikes') {
      let filter: Uint8Array | null = null;
      if (m.neurons) {
        filter = new Uint8Array(r.m);
        for (const i of m.neurons) if (i >= r.begin && i < r.begin + r.m) filter[i - r.begin] = 1;
      }
      this.spikeMonitors.push(new LocalSpikeMonitor(k, filter, r.begin));
    } else if (m.type === 'rate') {
      this.rateMonitors.push({ pop: k, firstStep: -1, counts: new ChunkedInt32() });
    } else {
      const mine = m.neurons.filter((i) => i >= r.begin && i < r.begin + r.m);
      this.stateMonitors.push(new LocalStateMonitor(k, m.variables, mine, mine.map((i) => i - r.begin), m.every ?? 1));
    }
  }

  /**
   * random_drive, step t: draw j picks neuron g = floor(rngU32(key, j) / 2^32 * total) of the
   * concatenated targets; the shard holding it adds the amplitude to its ring slot (float32).
   */
  private applyRandomDrive(d: Shard['randomDrives'][number], key: number, slot: number): void {
    const f32 = this.f32;
    for (let j = 0; j < d.count; j++) {
      const g = Math.floor((rngU32(key, j) / 4294967296) * d.total);
      for (const q of d.parts) {
        const i = g - q.first;
        if (i >= 0 && i < q.m) {
          const o = (q.ring >>> 2) + slot * q.m + i;
          f32[o] = f32[o] + d.amplitude;
          break;
        }
      }
    }
  }

  /** Phase A of step t: inputs, neuron update, local recording. Spikes stay in each population's spike buffer. */
  step(t: number): void {
    const K = this.backend.kernels;
    const net = this.net;
    const slot = t % net.ringSlots;
    const seed = net.seed;
    const df = this.defer;
    if (df) {
      // the slot's cells into the cache first (in address order), so that the flush's additions, in
      // random order, hit the cache: 1.16x on the full-scale microcircuit (bench/README.md)
      for (const fr of this.flushRings) K.touch_lines(fr.ring + slot * fr.bytes, fr.bytes);
      K.defer_flush(slot, net.ringSlots, df.buckets, df.cap, df.fill);
    }

    // the count at the start of the run's first step (later ones are taken after the pruning of the step before: pruneAt)
    if (t === this.runStart)
      for (const ym of this.synapseMonitors) {
        if (t % ym.every !== 0) continue;
        ym.steps.push(t);
        ym.counts.push(this.projs[ym.proj].nSyn);
      }
    this.sampleStates(t);
    if (this.currentInputs.length) this.applyCurrents(t);
    for (const inp of this.poissonInputs) {
      if (t >= inp.start && t < inp.stop && inp.m > 0)
        K.poisson_input(inp.m, rngKey(seed, inp.stream, t), inp.begin, inp.table, inp.tableLen, inp.weight, inp.ring + slot * inp.m * 4);
    }
    for (const inp of this.noiseInputs) {
      if (t >= inp.start && t < inp.stop && inp.m > 0)
        K.noise_input(inp.m, rngKey(seed, inp.stream, t), inp.begin, inp.mean, inp.std, inp.ring + slot * inp.m * 4);
    }

    for (const d of this.randomDrives) if (t >= d.start && t < d.stop) this.applyRandomDrive(d, rngKey(seed, d.stream, t), slot);

    // one context for every step and population (no allocation per step); the views may have been replaced
    const ctx = this.stepCtx;
    ctx.K = K;
    ctx.f32 = this.f32;
    ctx.i32 = this.i32;
    ctx.u32 = this.u32;
    ctx.t = t;
    ctx.slot = slot;
    for (const r of this.pops) {
      const p = r.pop;
      let c = 0;
      if (r.m > 0) {
        ctx.rings = r.ring;
        ctx.spikes = r.spikes;
        c = r.rt.step(ctx);
      }
      r.count = c;
      this.spikeTotals[p.index] += c;
    }

    for (const sm of this.spikeMonitors) {
      const r = this.pops[sm.pop];
      const c = r.count;
      if (c === 0) continue;
      const base = r.spikes >>> 2;
      if (sm.filter === null) {
        for (let k = 0; k < c; k++) sm.indices.push(this.i32[base + k] + r.begin);
        sm.steps.fill(t, c);
      } else {
        for (let k = 0; k < c; k++) {
          const i = this.i32[base + k];
          if (sm.filter[i]) {
            sm.indices.push(i + r.begin);
            sm.steps.push(t);
          }
        }
      }
    }
    for (const rm of this.rateMonitors) {
      if (rm.firstStep < 0) rm.firstStep = t;
      rm.counts.push(this.pops[rm.pop].count);
    }
  }

  /** The state monitors due at step t take their samples (time t*dt, before the step's inputs). */
  private sampleStates(t: number): void {
    for (const sm of this.stateMonitors) {
      if (t % sm.every !== 0) continue;
      sm.steps.push(t);
      const r = this.pops[sm.pop];
      sm.variables.forEach((v, vi) => {
        const { ptr, int } = this.stateVar(r, v);
        const arr = int ? this.i32 : this.f32;
        const base = ptr >>> 2;
        sm.local.forEach((i, ni) => sm.values[vi][ni].push(arr[base + i]));
      });
    }
  }

  /** The step loop's program and buffers in the arena (src/sim/step-program.ts), once a run has used it. */
  private loop: { at: number; layout: StepLoopLayout; recorded: boolean[]; checkEvery: number; samples: boolean } | null = null;
  /** the program no longer says what the shard holds (a Poisson rate, a weight scale, a monitor changed since it was written) */
  private loopStale = true;

  /** Why this shard's steps need the host's loop (Shard.step, Shard.deliverOwn), or null when the step loop can run them. */
  hostReason(): string | null {
    if (this.count !== 1) return 'more than one shard';
    if (this.randomDrives.length) return 'random_drive inputs';
    for (const pr of this.projs) {
      if (pr.stp) return `short-term plasticity (projection "${pr.name}")`;
      if (pr.stdp || pr.deriv) return `STDP (projection "${pr.name}")`;
      if (pr.pruning || pr.lastSpike) return `pruning (projection "${pr.name}")`;
    }
    return null;
  }

  /** The step program for the loop part L (its record arrays), the NaN checks every checkEvery steps. */
  private writeProgram(L: NonNullable<Shard['loop']>, recorded: boolean[], checkEvery: number): StepProgramWriter {
    const w = new StepProgramWriter();
    if (L.samples) {
      // the state monitors, first: their values before the step (the flush changes rings only)
      let row = 0;
      for (const sm of this.stateMonitors) {
        const r = this.pops[sm.pop];
        for (const v of sm.variables) {
          const { ptr, int } = this.stateVar(r, v);
          for (const i of sm.local) w.op(STEP_OP_SAMPLE, [sm.every, ptr + i * 4, L.at + L.layout.sampled + row++ * STEP_CHUNK * 4, int ? 1 : 0]);
        }
      }
    }
    const df = this.defer;
    if (df) {
      for (const fr of this.flushRings) w.op(STEP_OP_TOUCH, [fr.ring, fr.bytes]);
      w.op(STEP_OP_FLUSH, [df.buckets, df.cap, df.fill]);
    }
    for (const inp of this.poissonInputs)
      if (inp.m > 0) w.op(STEP_OP_POISSON_INPUT, [inp.start, stepWord(inp.stop), inp.m, inp.stream, inp.begin, inp.table, inp.tableLen, inp.weight, inp.ring], [7]);
    for (const inp of this.noiseInputs)
      if (inp.m > 0) w.op(STEP_OP_NOISE_INPUT, [inp.start, stepWord(inp.stop), inp.m, inp.stream, inp.begin, inp.mean, inp.std, inp.ring], [5, 6]);
    let host = false;
    this.pops.forEach((r, k) => {
      if (r.m === 0) return;
      if (!r.rt.stepOp) {
        // a model without an op (from equations, a spike generator): its own step, called back
        w.op(STEP_OP_HOST, [k]);
        host = true;
        return;
      }
      const op = r.rt.stepOp({ rings: r.ring, spikes: r.spikes, dt: this.net.dt });
      w.op(op.code, [k, ...op.args], (op.floats ?? []).map((f) => f + 1));
    });
    this.backend.setHostStep(host ? (pop, t, slot) => this.hostStep(pop, t, slot) : null);
    const lay = L.layout;
    this.pops.forEach((r, k) => {
      const rec = lay.records[k];
      w.op(STEP_OP_RECORD, recorded[k] ? [k, r.spikes, L.at + rec.idx, L.at + rec.steps, rec.cap, r.m] : [k, r.spikes, 0, 0, 0, r.m]);
    });
    for (const pr of this.projs) {
      w.op(STEP_OP_PROPAGATE, [
        pr.source, this.pops[pr.source].spikes, pr.rowPtr, pr.syn, pr.weights, pr.constWeight, formatOf(pr), pr.runPtr, pr.runs, pr.constDelay,
        pr.ring, pr.nTarget, df ? df.buckets : 0, df ? df.cap : 0, df ? df.fill : 0,
      ], [5]);
    }
    if (checkEvery > 0)
      for (const r of this.pops) if (r.m > 0) for (const v of r.rt.vars) if (!v.int) w.op(STEP_OP_CHECK, [checkEvery, v.ptr, r.m]);
    return w;
  }

  /**
   * Write the step program for the shard as it is now (addresses, Poisson tables, monitors),
   * allocating its arena part the first time or when it has grown (runSteps does, when needed).
   */
  prepareLoop(checkEvery: number): void {
    const recorded = this.pops.map((_, k) => this.spikeMonitors.some((sm) => sm.pop === k));
    const pairs = this.stateMonitors.reduce((a, sm) => a + sm.variables.length * sm.local.length, 0);
    const samples = loopSamples(this.stateMonitors.map((sm) => ({ type: 'state', variables: sm.variables, neurons: sm.local })));
    let L = this.loop;
    // a monitor added since the model's part was laid out, or a program beyond its bound: a larger part
    const grow = (programBytes: number) => {
      const layout = stepLoopLayout(this.pops.map((r, k) => this.loopPopulation(r, recorded[k])), this.projs.length, this.net.inputs.length, samples, programBytes);
      const at = this.arena.alloc('step loop', layout.bytes);
      this.refreshViews();
      return (this.loop = { at, layout, recorded, checkEvery, samples: samples > 0 });
    };
    if (!L || recorded.some((x, k) => x && L!.layout.records[k].cap === 0) || L.layout.samples < samples) L = grow(0);
    // the loop samples the state monitors when they are few enough (loopSamples), else the host does
    L.samples = samples > 0 && samples === pairs;
    let w = this.writeProgram(L, recorded, checkEvery);
    if (w.bytes > L.layout.programBytes) {
      L = grow(w.bytes);
      w = this.writeProgram(L, recorded, checkEvery);
    }
    const lay = L.layout;
    L.checkEvery = checkEvery;
    L.recorded = recorded;
    this.loopStale = false;
    this.i32.fill(0, (L.at + lay.counts) >>> 2, ((L.at + lay.counts) >>> 2) + this.pops.length);
    w.write(this.u32, this.f32, L.at, {
      slots: this.net.ringSlots, seed: this.net.seed, pops: this.pops.length,
      counts: L.at + lay.counts, totals: L.at + lay.totals, fills: L.at + lay.fills, hist: L.at + lay.hist,
    });
  }

  private loopPopulation(r: PopRT, recorded: boolean): LoopPopulation {
    return { m: r.m, recorded, channels: r.pop.channels, vars: loopVars(r.pop.equations?.compiled.state.length) };
  }

  /** The step of population `pop` at step t, called back from the step loop (STEP_OP_HOST): as Shard.step runs it. */
  private hostStep(pop: number, t: number, slot: number): number {
    const ctx = this.stepCtx, r = this.pops[pop];
    ctx.K = this.backend.kernels;
    ctx.f32 = this.f32;
    ctx.i32 = this.i32;
    ctx.u32 = this.u32;
    ctx.t = t;
    ctx.slot = slot;
    ctx.rings = r.ring;
    ctx.spikes = r.spikes;
    return r.rt.step(ctx);
  }

  /**
   * The state monitors, synapse monitors and current inputs due before step t (the host's part of
   * a step; their order against the step's deferred flush does not matter: it changes rings only).
   */
  loopBefore(t: number): void {
    for (const ym of this.synapseMonitors) {
      if (t % ym.every !== 0) continue;
      ym.steps.push(t);
      ym.counts.push(this.projs[ym.proj].nSyn);
    }
    if (!this.loop?.samples) this.sampleStates(t);
    if (this.currentInputs.length) this.applyCurrents(t);
  }

  /** The first step after t before which the host has monitors to sample or a current to change (Infinity: none). */
  loopBoundary(t: number): number {
    const next = (every: number) => (Math.floor(t / every) + 1) * every;
    let b = Infinity;
    for (const ym of this.synapseMonitors) b = Math.min(b, next(ym.every));
    if (!this.loop?.samples) for (const sm of this.stateMonitors) b = Math.min(b, next(sm.every));
    for (const c of this.currentInputs) {
      if (c.start > t) b = Math.min(b, c.start);
      if (c.stop > t) b = Math.min(b, c.stop);
    }
    return b;
  }

  /**
   * Steps t .. t + n - 1 (at most, and at most STEP_CHUNK) in the step loop, NaN checks every
   * checkEvery steps: the spikes, rates, totals and events recorded, as Shard.step and
   * Shard.deliverOwn would. Returns the steps run: fewer when a recorded population's spike arrays
   * filled up or a state variable became NaN or infinite (checkFinite finds it).
   */
  runSteps(t: number, n: number, checkEvery: number): number {
    if (this.loopStale || this.loop?.checkEvery !== checkEvery) this.prepareLoop(checkEvery);
    const L = this.loop!, lay = L.layout;
    const done = this.backend.kernels.run_steps(L.at, t, Math.min(n, STEP_CHUNK));
    if (done === 0 && n > 0) throw new Error('internal error: the step loop ran no step');
    const i32 = this.i32;
    this.events += new Float64Array(i32.buffer, L.at + STEP_H_EVENTS * 4, 1)[0];
    if (L.samples) {
      const f32 = this.f32;
      let row = (L.at + lay.sampled) >>> 2;
      for (const sm of this.stateMonitors) {
        const first = row;
        for (let s = 0; s < done; s++) if ((t + s) % sm.every === 0) sm.steps.push(t + s);
        sm.values.forEach((vs) =>
          vs.forEach((store) => {
            for (let s = 0; s < done; s++) if ((t + s) % sm.every === 0) store.push(f32[row + s]);
            row += STEP_CHUNK;
          }),
        );
        if (row - first !== sm.variables.length * sm.local.length * STEP_CHUNK) throw new Error('internal error: state monitor rows');
      }
    }
    // per population, the call's records as ranges (one shard: local indices are global, r.begin = 0)
    const hist = (L.at + lay.hist) >>> 2, totals = (L.at + lay.totals) >>> 2, fills = (L.at + lay.fills) >>> 2;
    for (let k = 0; k < this.pops.length; k++) {
      const r = this.pops[k];
      const h = hist + k * STEP_CHUNK;
      r.count = i32[h + done - 1];
      this.spikeTotals[r.pop.index] += i32[totals + k];
      for (const rm of this.rateMonitors) {
        if (rm.pop !== k) continue;
        if (rm.firstStep < 0) rm.firstStep = t;
        rm.counts.pushRange(i32, h, h + done);
      }
      if (!L.recorded[k]) continue;
      const f = i32[fills + k], idx = (L.at + lay.records[k].idx) >>> 2, steps = (L.at + lay.records[k].steps) >>> 2;
      for (const sm of this.spikeMonitors) {
        if (sm.pop !== k) continue;
        if (sm.filter === null) {
          sm.indices.pushRange(i32, idx, idx + f);
          sm.steps.pushRange(i32, steps, steps + f);
        } else {
          for (let j = 0; j < f; j++) {
            const i = i32[idx + j];
            if (sm.filter[i]) {
              sm.indices.push(i);
              sm.steps.push(i32[steps + j]);
            }
          }
        }
      }
    }
    return done;
  }


  /** STDP state of a plastic projection: traces and the reverse index (by target) of its synapses. */
  private setupStdp(pr: ProjRT, pl: PlasticityPlan, nSrc: number, maxDelay: number): void {
    const a = this.arena;
    const nm = `plasticity ${pr.name}`;
    const m = pr.nTarget;
    const izh = pl.rule === 'izhikevich2006';
    const R = maxDelay + 2;
    const st: StdpRT = {
      pl, nSrc, xPre: izh ? 0 : a.alloc(nm, nSrc * 4), yPost: izh ? 0 : a.alloc(nm, m * 4), revPtr: a.alloc(nm, (m + 1) * 4),
      revPos: a.alloc(nm, pr.nSyn * 4), revSrc: a.alloc(nm, pr.nSyn * 4), post: a.alloc(nm, m * 4),
      ring: R, maxDelay, xHist: 0, yHist: 0, preHist: 0, preCount: new Int32Array(izh ? R : 0), delays: 0,
    };
    if (izh) {
      st.xHist = a.alloc(nm, R * nSrc * 4);
      st.yHist = a.alloc(nm, R * m * 4);
      st.preHist = a.alloc(nm, R * nSrc * 4);
      pr.deriv = a.alloc(nm, pr.nSyn * 4);
      if (pr.runPtr) st.delays = a.alloc(nm, pr.nSyn);
    }
    pr.stdp = st;
    this.refreshViews();
    if (st.delays) new Uint8Array(this.backend.buffer).set(delaysOf(this.backend.buffer, pr, nSrc), st.delays);
    // the space may have held a connectivity build's temporaries
    const zero = (p: number, n: number) => this.f32.fill(0, p >>> 2, (p >>> 2) + n);
    if (izh) {
      zero(st.xHist, R * nSrc);
      zero(st.yHist, R * m);
      zero(pr.deriv, pr.nSyn);
    } else {
      zero(st.xPre, nSrc);
      zero(st.yPost, m);
    }
    this.buildReverseIndex(pr);
  }

  /** revPtr/revPos/revSrc of a plastic projection from its CSR (counting sort by target, positions ascending). */
  private buildReverseIndex(pr: ProjRT): void {
    const st = pr.stdp!;
    const u32 = this.u32;
    const m = pr.nTarget;
    const rp = pr.rowPtr >>> 2, ptr = st.revPtr >>> 2, pos = st.revPos >>> 2, srcs = st.revSrc >>> 2;
    const tg = targetsOf(this.backend.buffer, pr);
    u32.fill(0, ptr, ptr + m + 1);
    for (let k = 0; k < pr.nSyn; k++) u32[ptr + 1 + tg[k]]++;
    for (let t = 0; t < m; t++) u32[ptr + t + 1] += u32[ptr + t];
    const cur = u32.slice(ptr, ptr + m);
    for (let s = 0; s < st.nSrc; s++) {
      for (let k = u32[rp + s]; k < u32[rp + s + 1]; k++) {
        const t = tg[k];
        const j = cur[t]++;
        u32[pos + j] = k;
        u32[srcs + j] = s;
      }
    }
  }

  /** STDP updates of a plastic projection for one step (see the order at the top of this file). */
  private plasticity(pr: ProjRT, nPre: number, pre: number, nPost: number, post: number, t: number): void {
    const K = this.backend.kernels;
    const st = pr.stdp!;
    const pl = st.pl;
    if (pl.rule === 'izhikevich2006') {
      this.plasticity2006(pr, st, nPre, pre, nPost, post, t);
      return;
    }
    const mult = pl.multiplicative ? 1 : 0;
    const nearest = pl.nearest ? 1 : 0;
    if (nPre > 0) K.stdp_pre(nPre, pre, pr.rowPtr, pr.syn, pr.weights, pr.tgt16, st.xPre, st.yPost, pl.aMinus, pl.wMin, pl.wMax, mult, nearest);
    if (nPost > 0) K.stdp_post(nPost, post, st.revPtr, st.revPos, st.revSrc, pr.weights, st.xPre, st.yPost, pl.aPlus, pl.wMin, pl.wMax, mult, nearest);
    K.trace_decay(st.nSrc, st.xPre, pl.decayPre);
    K.trace_decay(pr.nTarget, st.yPost, pl.decayPost);
  }

  /**
   * Izhikevich (2006) rule, step t (after the neuron update, before delivery), R = maxDelay + 2:
   *   1. trace rings: x(t) = x(t-1) * decayPre, then the pre spikes of t (= 1 when nearest, else + 1);
   *      y(t) likewise with the post spikes of t;
   *   2. potentiation: each post spike of t adds aPlus * x_src(t - d - 1) to the derivative of each
   *      incoming synapse (delay d): the pre spikes that arrived at least one step before;
   *   3. depression: the pre spikes emitted at t - maxDelay (all their arrivals t - maxDelay + d have
   *      happened) subtract aMinus * y_target(arrival) from each synapse's derivative (post spikes
   *      at or before the arrival);
   *   4. the pre spikes of t join the ring of spike lists.
   * Every derivative update is one float32 operation on a synapse this shard holds, in a fixed order,
   * so the derivatives and weights are identical for every shard count.
   */
  private plasticity2006(pr: ProjRT, st: StdpRT, nPre: number, pre: number, nPost: number, post: number, t: number): void {
    const K = this.backend.kernels;
    const pl = st.pl;
    const R = st.ring, nSrc = st.nSrc, m = pr.nTarget;
    const now = t % R, prev = (t + R - 1) % R;
    const nearest = pl.nearest ? 1 : 0;
    const cd = pr.constDelay;
    K.trace_step(nSrc, st.xHist + prev * nSrc * 4, st.xHist + now * nSrc * 4, pl.decayPre, nPre, pre, nearest);
    K.trace_step(m, st.yHist + prev * m * 4, st.yHist + now * m * 4, pl.decayPost, nPost, post, nearest);
    if (nPost > 0) K.stdp_delayed_post(nPost, post, st.revPtr, st.revPos, st.revSrc, st.delays, cd, pr.deriv, st.xHist, nSrc, R, now, pl.aPlus);
    const te = t - st.maxDelay;
    if (te >= 0) {
      const se = te % R;
      const n = st.preCount[se];
      if (n > 0) K.stdp_delayed_pre(n, st.preHist + se * nSrc * 4, pr.rowPtr, pr.syn, pr.tgt16, st.delays, cd, pr.deriv, st.yHist, m, R, se, pl.aMinus);
    }
    st.preCount[now] = nPre;
    if (nPre > 0) this.i32.copyWithin((st.preHist >>> 2) + now * nSrc, pre >>> 2, (pre >>> 2) + nPre);
  }

  /** Deliver this shard's own spikes of the step just computed (single shard: local = global). */
  deliverOwn(t: number): void {
    const slots = this.net.ringSlots;
    const slot = t % slots;
    for (const pr of this.projs) {
      const src = this.pops[pr.source];
      if (pr.stdp) {
        const tgt = this.pops[pr.target];
        this.plasticity(pr, src.count, src.spikes, tgt.count, tgt.spikes, t);
      }
      if (pr.lastSpike) this.markSpikes(pr.lastSpike, src.count, src.spikes, t);
      if (src.count === 0) continue;
      this.events += this.propagate(pr, src.count, src.spikes, slots, slot, t);
    }
    this.pruneAt(t);
  }

  /**
   * Copy the spikes of the step just computed into an outbox (global indices): counts at
   * out[countBase + pop], indices at out[idxBase + popOffset(pop)...].
   */
  exportSpikes(out: Int32Array, countBase: number, idxBase: number): void {
    let off = idxBase;
    for (let k = 0; k < this.pops.length; k++) {
      const r = this.pops[k];
      out[countBase + k] = r.count;
      const base = r.spikes >>> 2;
      for (let j = 0; j < r.count; j++) out[off + j] = this.i32[base + j] + r.begin;
      off += r.m;
    }
  }


  /**
   * Phase B for step t: gather the spikes of every shard (in shard order = ascending global
   * index) and propagate them through every projection into this shard's rings.
   * The spikes of step t are slot j of every shard's outbox (global indices), of the given parity.
   */
  deliverAll(t: number, outboxes: Int32Array[], layouts: OutboxLayout[], parity: number, j: number): void {
    const slots = this.net.ringSlots;
    const slot = t % slots;
    const shards = outboxes.length;
    const gathered = this.gathered;
    gathered.fill(-1);
    for (const pr of this.projs) {
      let c = gathered[pr.source];
      const src = this.pops[pr.source];
      if (c < 0) {
        c = 0;
        const g = src.gather >>> 2;
        for (let s = 0; s < shards; s++) {
          const ob = outboxes[s], L = layouts[s];
          const n = ob[L.countBase(parity, j) + pr.source];
          const start = L.idxBase(parity, j) + L.offsets[pr.source];
          const i32 = this.i32, o = g + c;
          for (let q = 0; q < n; q++) i32[o + q] = ob[start + q];
          c += n;
        }
        gathered[pr.source] = c;
      }
      const st = pr.stdp;
      if (st) {
        // this shard's target spikes of step t, from its own outbox (the spike buffer holds a later step)
        const arr = outboxes[this.index], L = layouts[this.index];
        const n = arr[L.countBase(parity, j) + pr.target];
        const start = L.idxBase(parity, j) + L.offsets[pr.target];
        const tb = this.pops[pr.target].begin;
        const i32 = this.i32;
        const o = st.post >>> 2;
        for (let j = 0; j < n; j++) i32[o + j] = arr[start + j] - tb;
        this.plasticity(pr, c, src.gather, n, st.post, t);
      }
      if (pr.lastSpike) this.markSpikes(pr.lastSpike, c, src.gather, t);
      if (c === 0) continue;
      this.events += this.propagate(pr, c, src.gather, slots, slot, t);
    }
    this.pruneAt(t);
  }

  /** n spikes (local source indices at `spikes`) through one projection: into the rings, or into the slot buckets. */
  private propagate(pr: ProjRT, n: number, spikes: number, slots: number, slot: number, t: number): number {
    const K = this.backend.kernels, df = this.defer;
    const stp = pr.stp;
    const format = formatOf(pr);
    if (stp) {
      stp.update(n, spikes, t, this.i32, this.f32);
      return K.propagate_scaled(n, spikes, stp.scales, pr.rowPtr, pr.syn, pr.weights, pr.constWeight, format, pr.runPtr, pr.runs, pr.constDelay, pr.ring, pr.nTarget, slots, slot,
        df ? df.buckets : 0, df ? df.cap : 0, df ? df.fill : 0);
    }
    if (df)
      return K.defer_propagate(n, spikes, pr.rowPtr, pr.syn, pr.weights, pr.constWeight, format, pr.runPtr, pr.runs, pr.constDelay, pr.ring, pr.nTarget, slots, slot, df.buckets, df.cap, df.fill);
    return K.propagate(n, spikes, pr.rowPtr, pr.syn, pr.weights, pr.constWeight, format, pr.runPtr, pr.runs, pr.constDelay, pr.ring, pr.nTarget, slots, slot);
  }

  private markSpikes(last: Int32Array, n: number, spikes: number, t: number): void {
    const i32 = this.i32, o = spikes >>> 2;
    for (let j = 0; j < n; j++) last[i32[o + j]] = t;
  }

  /**
   * After the delivery of step t: the periodic weight application of the Izhikevich (2006) rule
   * when t + 1 is a multiple of its interval, then pruning when t + 1 is a multiple of the rule's
   * every_ms (or equals its at_ms). Removed synapses are compacted out of every row (order kept;
   * rowPtr, nSyn, the derivative and the reverse index follow). Spikes already delivered into the
   * ring buffers arrive as scheduled; later spikes no longer reach the removed synapses.
   */
  private pruneAt(t: number): void {
    for (const pr of this.projs) {
      const pl = pr.stdp?.pl;
      if (pl && pl.rule === 'izhikevich2006' && (t + 1) % pl.applyEverySteps === 0)
        this.backend.kernels.deriv_apply(pr.nSyn, pr.weights, pr.deriv, pl.bias, pl.derivDecay, pl.wMin, pl.wMax);
      const pp = pr.pruning;
      if (pp === null) continue;
      if ((pp.everySteps > 0 && (t + 1) % pp.everySteps === 0) || t + 1 === pp.atStep) this.prune(pr, pp, t);
    }
    // synapse monitors: the count at the start of step t + 1, known only now (with threads, steps
    // run ahead of their delivery by up to an exchange interval)
    const next = t + 1;
    if (next < this.runEnd)
      for (const ym of this.synapseMonitors) {
        if (next % ym.every !== 0) continue;
        ym.steps.push(next);
        ym.counts.push(this.projs[ym.proj].nSyn);
      }
  }

  /** the steps [runStart, runEnd) of the run in progress (Shard.beginRun) */
  private runStart = 0;
  private runEnd = Infinity;

  /** Before a run of steps [from, end): the synapse monitors sample the steps in it. */
  beginRun(from: number, end: number): void {
    this.runStart = from;
    this.runEnd = end;
  }

  /** Apply a pruning rule now (sim.prune): after the delivery of step t = (steps run) - 1. */
  pruneNow(projection: number, rule: PruningPlan, t: number): void {
    const pr = this.projs[projection];
    this.loopStale = true;
    if (rule.bias === 'inactive' && !pr.lastSpike) throw new Error(`projection "${pr.name}": bias 'inactive' needs the source activity, which is tracked only when the model file's pruning rule of this projection uses bias 'inactive'`);
    this.prune(pr, rule, t);
  }

  /**
   * Remove synapses by the rule. elimination_rate: synapse (source s, target j, its k-th synapse
   * from s to j) goes when u < 1 - exp(-rate * b * T), with kt = rngKey(rngKey(seed, stream, t + 1), j, k)
   * and u = uniform53(rngU32(kt, 2s), rngU32(kt, 2s + 1)), T = the time since the last application
   * in s, b the bias: a pure function of the synapse, the model and the step, so every shard count
   * removes the same synapses.
   */
  private prune(pr: ProjRT, rule: PruningPlan, t: number): void {
    const buffer = this.backend.buffer;
    const nSrc = this.net.projections[this.projs.indexOf(pr)].nSrc;
    const tg = targetsOf(buffer, pr);
    const w = weightsOf(buffer, pr);
    const tb = this.pops[pr.target].begin;
    const rate = rule.rule === 'elimination_rate';
    const T = ((t - pr.lastPrune) * this.net.dt) / 1000;
    const key = rate ? rngKey(this.net.seed, rule.stream, t + 1) : 0;
    const last = pr.lastSpike, since = pr.lastPrune;
    const pAll = rate ? 1 - Math.exp(-rule.rate * T) : 0;
    pr.lastPrune = t;
    // the k-th synapse from s to a target (in row order): its count per target, reset per row
    const seen = rate ? new Int32Array(pr.nTarget).fill(-1) : null;
    const dups = rate ? new Uint32Array(pr.nTarget) : null;
    let row = -1, inactive = false;
    const keep = (k: number, s: number): boolean => {
      const wk = w ? w[k] : pr.constWeight;
      if (!rate) return !(wk < rule.threshold);
      if (s !== row) {
        row = s;
        inactive = last !== null && last[s] <= since;
      }
      const tgt = tg[k];
      let dup = 0;
      if (seen![tgt] === s) dup = ++dups![tgt];
      else {
        seen![tgt] = s;
        dups![tgt] = 0;
      }
      let p = pAll;
      if (rule.bias === 'weak') {
        const bias = Math.min(1, Math.max(0, 1 - Math.abs(wk) / rule.wRef));
        p = 1 - Math.exp(-rule.rate * bias * T);
      } else if (rule.bias === 'inactive' && !inactive) p = 0;
      if (!(p > 0)) return true;
      const kt = rngKey(key, tgt + tb, dup);
      return !(uniform53(rngU32(kt, 2 * s), rngU32(kt, 2 * s + 1)) < p);
    };
    const also: (Float32Array | Uint8Array)[] = [];
    if (pr.deriv) also.push(new Float32Array(buffer, pr.deriv, pr.nSyn));
    if (pr.stdp?.delays) also.push(new Uint8Array(buffer, pr.stdp.delays, pr.nSyn));
    const before = pr.nSyn;
    removeSynapses(buffer, pr, nSrc, keep, also);
    if (pr.nSyn !== before && pr.stdp) this.buildReverseIndex(pr);
  }

  /** Current number of synapses of every projection in this shard. */
  synapseCounts(): number[] {
    return this.projs.map((p) => p.nSyn);
  }

  private applyCurrents(t: number): void {
    let changed = false;
    for (const c of this.currentInputs) if (c.start === t || c.stop === t) changed = true;
    if (!changed) return;
    for (const r of this.pops) {
      if (!r.baseBias) continue;
      const b = Float32Array.from(r.baseBias);
      for (const c of this.currentInputs) {
        if (c.target !== r.pop.index || t < c.start || t >= c.stop) continue;
        if (c.neurons) for (const i of c.neurons) b[i] = b[i] + c.amplitude;
        else for (let i = 0; i < b.length; i++) b[i] = b[i] + c.amplitude;
      }
      this.f32.set(b, r.rt.bias >>> 2);
    }
  }

  /** Throws a SimulationError for the first non-finite state variable (step = the last step run). */
  checkFinite(lastStep: number, checkEvery: number): void {
    const K = this.backend.kernels;
    for (const r of this.pops) {
      if (r.m === 0) continue;
      for (const { name, ptr, int } of r.rt.vars) {
        if (int) continue;
        const i = K.find_nonfinite(ptr, r.m);
        if (i >= 0) {
          const value = this.f32[(ptr >>> 2) + i];
          const since = Math.max(0, lastStep + 1 - Math.max(1, checkEvery));
          throw new SimulationError(
            `population "${r.pop.name}", variable ${name}, neuron ${i + r.begin}: value ${value} at step ${lastStep} ` +
              `(t = ${(lastStep * this.net.dt).toFixed(3)} ms; state was last checked finite after step ${since - 1}). ` +
              `Check the parameters and weights of this population (units: mV, nA, nF, ms).`,
            r.pop.name, name, i + r.begin, lastStep,
          );
        }
      }
    }
  }

  /** Hand over everything recorded since the last call (and forget it here). */
  takeRecords(): ShardRecords {
    const rec: ShardRecords = {
      spikes: this.spikeMonitors.map((m) => ({ steps: m.steps.toArray(), indices: m.indices.toArray() })),
      rates: this.rateMonitors.map((m) => ({ firstStep: m.firstStep, counts: m.counts.toArray() })),
      states: this.stateMonitors.map((m) => ({ steps: m.steps.toArray(), neurons: m.neurons, values: m.values.map((vs) => vs.map((c) => c.toArray())) })),
      synapses: this.synapseMonitors.map((m) => ({ steps: m.steps.toArray(), counts: m.counts.toArray() })),
    };
    this.synapseMonitors = this.synapseMonitors.map((m) => ({ proj: m.proj, every: m.every, steps: new ChunkedInt32(), counts: new ChunkedInt32() }));
    this.spikeMonitors = this.spikeMonitors.map((m) => new LocalSpikeMonitor(m.pop, m.filter, m.begin));
    this.rateMonitors = this.rateMonitors.map((m) => ({ pop: m.pop, firstStep: -1, counts: new ChunkedInt32() }));
    this.stateMonitors = this.stateMonitors.map((m) => new LocalStateMonitor(m.pop, m.variables, m.neurons, m.local, m.every));
    return rec;
  }

  private stateVar(r: PopRT, v: string): StateVar {
    const x = r.rt.vars.find((s) => s.name === v);
    if (!x) throw new Error(`population "${r.pop.name}" has no state variable "${v}"`);
    return x;
  }

  /** This shard's slice of a state variable. */
  getState(pop: number, variable: string): Float32Array | Int32Array {
    const r = this.pops[pop];
    const { ptr, int } = this.stateVar(r, variable);
    return int ? this.i32.slice(ptr >>> 2, (ptr >>> 2) + r.m) : this.f32.slice(ptr >>> 2, (ptr >>> 2) + r.m);
  }

  /** Change the rate of a Poisson input (Hz); takes effect from the next step. */
  setPoissonRate(input: number, rateHz: number): void {
    this.setPoissonTable(input, poissonTable((rateHz * this.net.dt) / 1000));
  }

  /** Use a Poisson input's table of thresholds (network/values.ts poissonTable) from the next step. */
  private setPoissonTable(input: number, table: Uint32Array): void {
    const rt = this.poissonInputs.find((x) => x.index === input);
    if (!rt) return;
    this.loopStale = true;
    if (table.length > rt.tableCap) {
      rt.tableCap = table.length * 2;
      rt.table = this.arena.alloc('inputs', rt.tableCap * 4);
      this.refreshViews();
    }
    this.u32.set(table, rt.table >>> 2);
    rt.tableLen = table.length;
  }

  /** Multiply the weights of a projection by factor (float32, from now on). */
  scaleWeights(projection: number, factor: number): void {
    const pr = this.projs[projection];
    this.loopStale = true;
    if (pr.weights === 0) pr.constWeight = Math.fround(pr.constWeight * factor);
    else {
      const f32 = this.f32;
      const b = pr.weights >>> 2;
      const f = Math.fround(factor);
      for (let k = 0; k < pr.nSyn; k++) f32[b + k] = f32[b + k] * f;
    }
  }

  /**
   * This shard's weights of a projection, sorted by (local target, CSR position = source, then
   * generation order for multapses), with the targets' global indices and the sources.
   */
  getWeights(projection: number): { weights: Float32Array; targets: Int32Array; sources: Int32Array } {
    const pr = this.projs[projection];
    const u32 = this.u32, f32 = this.f32;
    const n = pr.nSyn;
    const weights = new Float32Array(n), targets = new Int32Array(n), sources = new Int32Array(n);
    const tg = targetsOf(this.backend.buffer, pr);
    const rp = pr.rowPtr >>> 2;
    const w = weightsOf(this.backend.buffer, pr);
    const m = pr.nTarget;
    const nSrc = this.net.projections[projection].nSrc;
    const cur = new Uint32Array(m + 1);
    for (let k = 0; k < n; k++) cur[1 + tg[k]]++;
    for (let t = 0; t < m; t++) cur[t + 1] += cur[t];
    const tb = this.pops[pr.target].begin;
    for (let s = 0; s < nSrc; s++) {
      for (let k = u32[rp + s]; k < u32[rp + s + 1]; k++) {
        const t = tg[k];
        const j = cur[t]++;
        weights[j] = w ? w[k] : pr.constWeight;
        targets[j] = t + tb;
        sources[j] = s;
      }
    }
    return { weights, targets, sources };
  }

  dispose(): void {
    this.backend.dispose();
  }
}
