/**
 * The simulator API. A network is split into shards (src/sim/shard.ts): one shard run in this
 * thread when `threads` is 1, else one shard per worker (src/sim/worker.ts) exchanging spikes
 * through shared memory once per minimum delay. The same model and seed give the same spikes, to
 * the bit, for every backend and every thread count.
 */
import { createBackend, detectFeatures } from '../backend/index.ts';
import { compileVariant, type WasmVariant } from '../backend/wasm/loader.ts';
import { grouped, sizeText } from '../core/format.ts';
import { compileKernels } from '../equations/wasm.ts';
import { equationModelOf, frontEndClock } from '../equations/population.ts';
import type { BackendName, BackendOptions } from '../backend/types.ts';
import { estimateShards, ModelError, planNetwork, validateModel } from '../network/index.ts';
import type { BuiltNetwork, ModelSpec, MonitorSpec, PruningPlan, PruningSpec } from '../core/types.ts';
import { checkPruning } from '../network/validate.ts';
import { planPruning } from '../network/plan.ts';
import { WASM_ARENA_BASE, WASM_MAX_BYTES } from '../core/layout.ts';
import { ChunkedInt32, mergeShardSpikes, RateMonitor, SpikeMonitor, StateMonitor, type SpikeData } from './monitors.ts';
import { DELIVERY_MODES, type Delivery } from '../core/delivery.ts';
import { minDelaySteps, outboxLayouts, Shard, SimulationError, type ShardRecords } from './shard.ts';
import { primedKernels } from './step-program.ts';
import { STEP_CHUNK } from '../core/step-program.ts';
import { availableCores, initPlatform, machineMemory, sharedMemoryUnavailable, spawnShardWorker, type WorkerPort } from './platform.ts';
import { chooseThreads } from './auto-threads.ts';
import { neuronModel } from '../neurons/index.ts';
import { loadEquationKernels } from '../equations/runtime.ts';
import { CTL_ABORT, CTL_DEAD, CTL_ERROR, CTL_GEN, CTL_SIZE } from './sync.ts';
import {
  modelFromJson, modelToJson, readSnapshot, SnapshotError, SnapshotReader, writeSnapshot, type SectionData, type SnapshotHeader,
} from './snapshot-format.ts';
import { assembleSections, ShardRestore, type ShardPart } from './snapshot.ts';
import { VERSION } from '../version.ts';
import { importExternal } from '../core/import.ts';

export { SimulationError, SnapshotError };

/** The largest snapshot held as one array (a typed array's limit in Node 20's V8: 4 GiB). */
const MAX_SNAPSHOT_BYTES = 2 ** 32;

/** Hard upper bound on threads; the usable limit is also 4 × the number of cores. */
export const MAX_THREADS = 256;

export interface SimulationOptions extends BackendOptions {
  /** 'wasm' (default) or 'js' */
  backend?: BackendName;
  /** overrides the model's seed */
  seed?: number;
  /**
   * shards, one worker each, or 'auto' (default: the model's `threads`, else 'auto'): one thread
   * for small or fast-exchanging networks, every core for large ones (src/sim/auto-threads.ts);
   * 1 runs in this thread. The same spikes for every value.
   */
  threads?: number | 'auto';
  /** check neuron state for NaN/Infinity every this many steps (default 10; 0 = only at the end of a run) */
  checkEvery?: number;
  /**
   * how spikes reach the ring buffers: 'auto' (default), 'ring' or 'deferred' (src/core/delivery.ts).
   * The spikes are the same to the bit whichever is chosen; only the speed and memory differ.
   */
  delivery?: Delivery;
  /**
   * who loops over the steps of a one-thread run: 'backend' (default: the step loop of the backend,
   * run_steps, one call per chunk of up to 256 steps, wherever the model allows it; see
   * `sim.stepLoop`) or 'host' (Shard.step and Shard.deliverOwn, a few kernel calls per step). The
   * same spikes either way.
   */
  stepLoop?: 'backend' | 'host';
}

export interface SnapshotOptions {
  /** JSON data kept in the snapshot's header for the program that resumes it (sim.restoredFrom.app) */
  app?: unknown;
}

export interface RunOptions {
  /** called about every `progressEvery` steps (single thread) or every 100 ms (threads) and at the end */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** stop cleanly (between steps, or at the next exchange interval with threads); what was recorded is kept */
  signal?: AbortSignal;
}

export interface RunResult {
  /** steps run by this call */
  steps: number;
  /** wall time of this call, s */
  seconds: number;
  /** true when stopped by the signal before the end */
  aborted: boolean;
}

export interface PlanSummary {
  neurons: number;
  synapses: number;
  threads: number;
  /** what `threads: "auto"` chose and why (null when a number was given) */
  threadsReason?: string | null;
  /** Simulation.plan: seconds to compile the models from equations (front end, WebAssembly generation and compilation) */
  compileSeconds?: number;
  /** arena bytes of all shards */
  bytes: number;
  /** the arena parts, each summed over the shards (from Simulation.plan; empty from planShards) */
  parts: { name: string; bytes: number }[];
  /** arena bytes of the projections (synapse words, weights, row pointers) per synapse (from Simulation.plan; 0 without synapses) */
  bytesPerSynapse?: number;
  shards: { index: number; neurons: number; synapses: number; bytes: number }[];
}

/**
 * Compile every population's model from equations as a run would (front end, then the SIMD
 * WebAssembly module) without allocating an arena: the time it takes, for `--dry-run`.
 */
async function compileEquationModels(model: ModelSpec): Promise<number> {
  if (!model.populations.some((p, i) => equationModelOf(model, p, i))) return 0;
  const t0 = performance.now();
  const plan = planNetwork(model);
  const simd = detectFeatures().simd;
  for (const p of plan.populations) if (p.equations) await compileKernels([p.equations.compiled.kernel], { simd });
  return (performance.now() - t0) / 1000;
}

/** The thread count asked for (the option, else the model's field, else 'auto'), checked. */
function requestedThreads(opt: number | 'auto' | undefined, spec: { threads?: number | 'auto' } | undefined): number | 'auto' {
  const t = opt ?? spec?.threads ?? 'auto';
  if (t === 'auto') return t;
  const limit = Math.min(MAX_THREADS, 4 * availableCores());
  if (!Number.isInteger(t) || t < 1 || t > limit)
    throw new ModelError([{ path: 'threads', message: `must be "auto" or an integer from 1 to ${limit} (4 × the ${availableCores()} cores here, at most ${MAX_THREADS}), got ${JSON.stringify(t)}` }]);
  return t;
}

/** The smallest thread count whose largest shard fits one WebAssembly memory (1 when one does). */
function fewestFittingThreads(model: ModelSpec | BuiltNetwork, delivery: Delivery): number {
  const limit = WASM_MAX_BYTES - WASM_ARENA_BASE;
  const one = estimateShards(model, 1, delivery);
  if (one.maxShardBytes <= limit) return 1;
  const most = Math.min(MAX_THREADS, 4 * availableCores());
  for (let t = Math.max(2, Math.ceil(one.bytes / limit)); t <= most; t++) if (estimateShards(model, t, delivery).maxShardBytes <= limit) return t;
  return most; // checkFits refuses it with the numbers
}

/**
 * The threads a run uses: the number asked for, or for 'auto' the rule of src/sim/auto-threads.ts
 * on the network's plan (`net`, planned here when not given). `reason` says what 'auto' chose.
 */
function resolveThreads(
  model: ModelSpec | BuiltNetwork, opt: number | 'auto' | undefined, delivery: Delivery, net?: BuiltNetwork | (() => BuiltNetwork),
): { threads: number; requested: number | 'auto'; reason: string | null; net: BuiltNetwork | null } {
  const requested = requestedThreads(opt, model as { threads?: number | 'auto' });
  if (requested !== 'auto') return { threads: requested, requested, reason: null, net: null };
  const plan = typeof net === 'function' ? net() : net ?? ('ringSlots' in model ? (model as BuiltNetwork) : planNetwork(model as ModelSpec));
  const c = chooseThreads(plan, availableCores(), fewestFittingThreads(model, delivery));
  return { threads: c.threads, requested, reason: c.reason, net: plan };
}

/** One shard's weights of a projection (Shard.getWeights). */
type ShardWeights = { weights: Float32Array; targets: Int32Array; sources: Int32Array };

/** The driver of one in-thread shard, or of a pool of shard workers. */
interface Driver {
  readonly variant: string;
  run(from: number, steps: number, sim: Simulation, opts: RunOptions): Promise<{ step: number; aborted: boolean }>;
  getState(pop: number, variable: string): Promise<Float32Array | Int32Array>;
  setPoissonRate(input: number, rate: number): void;
  scaleWeights(projection: number, factor: number): void;
  getWeights(projection: number): Promise<ShardWeights[]>;
  synapseCounts(): Promise<number[][]>;
  prune(projection: number, rule: PruningPlan, t: number): Promise<void>;
  /** every shard's part of a snapshot, in shard order */
  snapshotParts(): Promise<ShardPart[]>;
  failShard?(index: number): void;
  dispose(): void;
}

export class Simulation {
  readonly network: BuiltNetwork;
  /** seconds to validate, build connectivity and lay out the arenas (compileSeconds included) */
  buildSeconds = 0;
  /**
   * When the first run began its steps: milliseconds since the process (Node) or page started
   * (performance.now()); null before the first run. For a command-line run, its start-up.
   */
  firstStepMs: number | null = null;
  /**
   * seconds spent compiling the models from equations: the front end (parsing, units, integration
   * method, kernel IR, the host-computed constants; in validation and in planning, unless this
   * process analysed the same model text before) and the code generation and WebAssembly
   * compilation (with threads, of the slowest worker); 0 when the network has none
   */
  compileSeconds = 0;
  /** steps run so far */
  step = 0;
  /** total spikes emitted per population so far */
  readonly spikeTotals: number[];
  /** synaptic events (spike × synapse deliveries) so far */
  events = 0;
  /**
   * per shard, wall seconds spent so far in each phase of the runs: `step` (inputs, neuron update,
   * recording; with deferred delivery also applying the due slot's bucket), `wait` (at the barrier
   * for the other shards; 0 with one thread) and `deliver` (spike exchange and propagation) of the
   * host's loop, and `loop`: the steps the backend's step loop ran, not split (sim.stepLoop)
   */
  phases: { step: number; wait: number; deliver: number; loop: number }[] = [];
  readonly threads: number;
  /**
   * who loops over the steps: 'backend' (one thread: the backend's step loop, run_steps; populations
   * without an op of their own are stepped by their host code from inside it), or 'host: ' and why
   * (one thread with a feature the step loop cannot run, or stepLoop 'host'; every threaded run: its
   * workers step in their host code between exchanges)
   */
  stepLoop = 'host: more than one shard';
  /** the threads asked for: a number, or 'auto' (then `notes` says what was chosen and why) */
  threadsRequested: number | 'auto' = 'auto';
  /** 'wasm' or 'js' */
  backendName: BackendName = 'wasm';
  /** synapses built (the plan's network.synapses is the expected count for random rules) */
  synapses = 0;
  /** bytes of every shard's arena, and per part */
  arenaBytes = 0;
  readonly arenaParts: { name: string; bytes: number }[] = [];
  /** what 'auto' threads chose and why, why fewer threads than asked for are used, and other choices made for the run */
  readonly notes: string[] = [];
  private readonly spikeMonitors: SpikeMonitor[] = [];
  private readonly rateMonitors: RateMonitor[] = [];
  private readonly stateMonitors: StateMonitor[] = [];
  private readonly synapseMonitors: { projection: string; steps: ChunkedInt32; counts: ChunkedInt32 }[] = [];
  /** the model as given (null when created from a NetworkPlan: then no snapshot can be taken) */
  model: ModelSpec | null = null;
  /** the delivery asked for ('auto', 'ring' or 'deferred') */
  delivery: Delivery = 'auto';
  /** the snapshot this simulation was restored from: its step, who wrote it, how it ran, and its `app` data */
  restoredFrom: { step: number; axonal: string; created: string; saved: SnapshotHeader['saved']; app?: unknown } | null = null;
  /** spike totals and synaptic events before the snapshot this simulation was restored from */
  private totalsBase: number[] = [];
  private eventsBase = 0;
  private driver!: Driver;
  private disposed = false;
  private failed: Error | null = null;
  private running = false;

  /**
   * Validate and build a model, then lay it out in one arena per shard. Nothing stays allocated
   * when this throws.
   */
  static async create(model: ModelSpec | BuiltNetwork, opts: SimulationOptions = {}): Promise<Simulation> {
    return Simulation.build(model, opts, null);
  }

  /**
   * Continue a run from a snapshot (`sim.snapshot()`): the same network, state, spikes in flight
   * and recorded data, on the backend, thread count and delivery of `opts` (any of them; the
   * seed is the snapshot's). The bytes are checked (format, version, length, checksum) and the
   * model validated before anything is allocated: a SnapshotError or ModelError says what is wrong.
   */
  static async restore(bytes: Uint8Array, opts: Omit<SimulationOptions, 'seed'> = {}, where = 'snapshot'): Promise<Simulation> {
    const snap = await readSnapshot(bytes, where);
    const h = snap.header;
    const model = modelFromJson(h.model, snap) as ModelSpec;
    const issues = validateModel(model);
    if (issues.length)
      throw new SnapshotError(
        `${where}: its model does not validate with this axonal (${VERSION}; the snapshot was written by ${h.axonal}): ` +
          issues.map((i) => `${i.path || '(model)'}: ${i.message}`).join('; '),
      );
    return Simulation.build(model, { ...opts, seed: h.seed }, snap);
  }

  /** Simulation.restore of a snapshot file (Node). */
  static async load(path: string, opts: Omit<SimulationOptions, 'seed'> = {}): Promise<Simulation> {
    const fs = await importExternal('node:fs/promises');
    let bytes: Uint8Array;
    try {
      // read in pieces (fs.readFile stops at 2 GiB) into shared memory, which threaded shards read directly
      const fh = await fs.open(path, 'r');
      try {
        const size = (await fh.stat()).size;
        if (size > MAX_SNAPSHOT_BYTES)
          throw new SnapshotError(`${path}: a snapshot of ${sizeText(size)}, more than the ${sizeText(MAX_SNAPSHOT_BYTES)} one array can hold here`);
        bytes = new Uint8Array(typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
        for (let o = 0; o < size; ) {
          const { bytesRead } = await fh.read(bytes, o, Math.min(1 << 30, size - o), o);
          if (bytesRead <= 0) break;
          o += bytesRead;
        }
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (e instanceof SnapshotError) throw e;
      throw new SnapshotError(`${path}: cannot read the snapshot (${(e as Error).message})`);
    }
    return Simulation.restore(bytes, opts, path);
  }

  private static async build(model: ModelSpec | BuiltNetwork, opts: SimulationOptions, snap: SnapshotReader | null): Promise<Simulation> {
    const t0 = performance.now();
    await initPlatform();
    let delivery = checkDelivery(opts.delivery);
    const frontEnd0 = frontEndClock.seconds;
    // validate first: a bad model allocates nothing (and 'auto' threads need a valid plan)
    if (!('ringSlots' in model)) {
      const issues = validateModel(model);
      if (issues.length) throw new ModelError(issues);
    }
    const planned = () => ('ringSlots' in model ? (model as BuiltNetwork) : planNetwork(model as ModelSpec, { seed: opts.seed }));
    const choice = resolveThreads(model, opts.threads, delivery, planned);
    let threads = choice.threads;
    const notes: string[] = choice.reason ? [choice.reason] : [];
    if (threads > 1) {
      const why = sharedMemoryUnavailable();
      if (why) {
        notes.push(`running on one thread instead of ${threads}: ${why}`);
        if (typeof console !== 'undefined') console.warn(`axonal: ${notes[notes.length - 1]}`);
        threads = 1;
      }
    }
    // estimate before building: a too large model allocates nothing
    if (resolveDelivery(model, threads, delivery) !== delivery) {
      delivery = 'ring';
      notes.push("spikes go straight into the ring buffers (delivery 'ring'): the buckets of deferred delivery would not fit in memory");
    }
    if (!('ringSlots' in model)) checkFits(model as ModelSpec, threads, delivery);
    const net = choice.net ?? planned();
    if (snap) checkSnapshotFits(snap, net);
    const sim = new Simulation(net, threads, notes);
    // a copy of the model's structure (typed arrays shared): a caller changing its object later does not change what snapshots hold
    sim.model = 'ringSlots' in model ? null : (copyModel(model) as ModelSpec);
    sim.delivery = delivery;
    sim.compileSeconds = frontEndClock.seconds - frontEnd0;
    sim.threadsRequested = choice.requested;
    const monitors = net.monitors.map((m) => sim.checkMonitor(m));
    monitors.forEach((m) => sim.addMonitorStore(m));
    const backendName = opts.backend ?? 'wasm';
    sim.backendName = backendName;
    const restore = snap ? new ShardRestore(snap) : null;
    if (threads === 1) {
      const plan = Simulation.planShards(net, 1, delivery);
      if (plan.shards[0].bytes > WASM_MAX_BYTES - WASM_ARENA_BASE)
        throw new ModelError([{ path: '', message: tooLargeMessage(net, plan) }]);
      const backend = await createBackend(backendName, { variant: opts.variant });
      try {
        backend.prime(primedKernels(net, 0, 1, delivery, opts.checkEvery ?? 10));
        const gen = await loadEquationKernels(net, backend);
        sim.compileSeconds += gen.seconds;
        const shard = new Shard(net, 0, 1, backend, monitors, delivery, gen.kernels, restore);
        const checkEvery = opts.checkEvery ?? 10;
        const why = opts.stepLoop === 'host' ? "stepLoop 'host' asked for" : shard.hostReason();
        if (why === null) shard.prepareLoop(checkEvery); // its arena part counts in the memory
        sim.stepLoop = why === null ? 'backend' : `host: ${why}`;
        sim.arenaBytes = shard.arena.bytes;
        sim.synapses = shard.projs.reduce((a, p) => a + p.nSyn, 0);
        sim.arenaParts.push(...shard.arena.parts);
        sim.driver = new LocalDriver(shard, checkEvery, backend.features.variant, why === null);
      } catch (e) {
        backend.dispose();
        throw e;
      }
    } else {
      const plan = Simulation.planShards(net, threads, delivery);
      if (plan.shards.some((s) => s.bytes > WASM_MAX_BYTES - WASM_ARENA_BASE))
        throw new ModelError([{ path: '', message: tooLargeMessage(net, plan) }]);
      const pool = await WorkerPool.create(net, threads, backendName, opts.variant, monitors, opts.checkEvery ?? 10, delivery, snap);
      sim.driver = pool;
      sim.compileSeconds += pool.compileSeconds;
      sim.arenaBytes = pool.arenaBytes;
      sim.synapses = pool.synapses;
      sim.arenaParts.push(...pool.parts);
    }
    if (snap) sim.restoreRecords(snap);
    sim.buildSeconds = (performance.now() - t0) / 1000;
    return sim;
  }

  /**
   * What a model needs, per part and per shard, without allocating anything: for `--dry-run`.
   * Synapse counts of random rules are their expected values.
   */
  static async plan(model: ModelSpec, opts: { threads?: number | 'auto'; delivery?: Delivery } = {}): Promise<PlanSummary> {
    await initPlatform();
    const delivery = checkDelivery(opts.delivery);
    if (requestedThreads(opts.threads, model as { threads?: number | 'auto' }) === 'auto') {
      const issues = validateModel(model);
      if (issues.length) throw new ModelError(issues);
    }
    const { threads, reason } = resolveThreads(model, opts.threads, delivery);
    const per = estimateShards(model, threads, resolveDelivery(model, threads, delivery));
    const compileSeconds = await compileEquationModels(model);
    const shards = per.shards.map((x) => ({ index: x.index, neurons: x.neurons, synapses: x.synapses, bytes: x.bytes }));
    // the parts summed over the shards (row pointers, spike exchange and buckets are per shard), so they add up to `bytes`
    const parts: { name: string; bytes: number }[] = [];
    for (const sh of per.shards)
      for (const p of sh.parts) {
        const q = parts.find((x) => x.name === p.name);
        if (q) q.bytes += p.bytes;
        else parts.push({ ...p });
      }
    const synapseBytes = parts.filter((p) => p.name.startsWith('projection ')).reduce((a, p) => a + p.bytes, 0);
    const bytesPerSynapse = per.synapses > 0 ? synapseBytes / per.synapses : 0;
    return { neurons: per.neurons, synapses: per.synapses, threads, threadsReason: reason, compileSeconds, bytes: per.bytes, parts, shards, bytesPerSynapse };
  }

  /** Bytes per shard of a planned network (exact synapse counts but for pairwise_bernoulli and fixed_outdegree). */
  static planShards(net: BuiltNetwork, threads: number, delivery: Delivery = 'auto'): PlanSummary {
    const est = estimateShards(net, threads, delivery);
    const shards = est.shards.map((s) => ({ index: s.index, neurons: s.neurons, synapses: s.synapses, bytes: s.bytes }));
    return { neurons: est.neurons, synapses: est.synapses, threads, bytes: est.bytes, parts: [], shards };
  }

  private constructor(net: BuiltNetwork, threads: number, notes: string[]) {
    this.network = net;
    this.threads = threads;
    this.notes.push(...notes);
    this.spikeTotals = net.populations.map(() => 0);
  }

  private popIndex(name: string): number {
    const k = this.network.populations.findIndex((p) => p.name === name);
    if (k < 0) throw new Error(`unknown population "${name}"`);
    return k;
  }

  private checkMonitor(m: MonitorSpec): MonitorSpec {
    if (m.type === 'synapses') {
      if (!this.network.projections.some((p) => p.name === m.projection)) throw new Error(`synapse monitor: unknown projection "${m.projection}"`);
      return m;
    }
    const k = this.popIndex(m.population);
    const p = this.network.populations[k];
    const checkNeuron = (i: number) => {
      if (!Number.isInteger(i) || i < 0 || i >= p.size)
        throw new Error(`monitor on "${p.name}": neurons must hold integers in [0, ${p.size}), got ${i}`);
    };
    if (m.type === 'spikes') m.neurons?.forEach(checkNeuron);
    if (m.type === 'state') {
      const allowed = neuronModel(p.model).stateVariables(p);
      for (const v of m.variables)
        if (!allowed.includes(v))
          throw new Error(`state monitor on "${p.name}": unknown variable "${v}", expected one of ${allowed.join(', ') || '(none)'}`);
      m.neurons.forEach(checkNeuron);
      const every = m.every ?? 1;
      if (!Number.isInteger(every) || every < 1) throw new Error(`state monitor on "${p.name}": every must be an integer >= 1`);
    }
    return m;
  }

  private addMonitorStore(m: MonitorSpec): void {
    if (m.type === 'synapses') {
      this.synapseMonitors.push({ projection: m.projection, steps: new ChunkedInt32(), counts: new ChunkedInt32() });
      return;
    }
    const k = this.popIndex(m.population);
    const p = this.network.populations[k];
    if (m.type === 'spikes') this.spikeMonitors.push(new SpikeMonitor(k, p.name));
    else if (m.type === 'rate') this.rateMonitors.push(new RateMonitor(k, p.name, p.size));
    else this.stateMonitors.push(new StateMonitor(k, p.name, m.variables, m.neurons, m.every ?? 1));
  }

  get dt(): number {
    return this.network.dt;
  }

  /** model time so far, ms */
  get time(): number {
    return this.step * this.network.dt;
  }

  /** the compiled variant running: 'simd', 'scalar', 'debug' or 'js' */
  get variant(): string {
    return this.driver.variant;
  }

  /**
   * Run for `durationMs` (default: the model's duration). May be called repeatedly; each call
   * continues where the last one ended. Rejects with a SimulationError on a NaN or infinite state,
   * keeping everything recorded until then.
   */
  async run(durationMs?: number, opts: RunOptions = {}): Promise<RunResult> {
    if (this.disposed) throw new Error('simulation was disposed');
    if (this.failed) throw new Error(`simulation stopped after an error: ${this.failed.message}`);
    if (this.running) throw new Error('a run is already in progress');
    const net = this.network;
    let steps: number;
    if (durationMs === undefined) steps = net.steps;
    else {
      if (!Number.isFinite(durationMs) || durationMs < 0) throw new Error(`duration: must be a finite number >= 0 ms, got ${durationMs}`);
      steps = Math.round(durationMs / net.dt);
      if (Math.abs(steps * net.dt - durationMs) > 1e-6 * Math.max(1, durationMs))
        throw new Error(`duration: ${durationMs} ms is not a whole number of steps of dt = ${net.dt} ms`);
    }
    const t0 = performance.now();
    this.firstStepMs ??= t0;
    const start = this.step;
    this.running = true;
    try {
      const r = await this.driver.run(start, steps, this, opts);
      this.step = r.step;
      opts.onProgress?.(this.step - start, steps);
      return { steps: this.step - start, seconds: (performance.now() - t0) / 1000, aborted: r.aborted };
    } catch (e) {
      this.failed = e as Error;
      throw e;
    } finally {
      this.running = false;
    }
  }

  /** @internal merge what the shards recorded (global indices) into the monitors */
  absorb(parts: ShardRecords[], totals: number[][], events: number[], step: number, phases: Shard['phases'][] = []): void {
    this.phases = phases.map((p) => ({ ...p }));
    this.spikeMonitors.forEach((m, k) => {
      const merged = mergeShardSpikes(parts.map((p) => p.spikes[k]));
      m.append(merged.steps, merged.indices);
    });
    this.rateMonitors.forEach((m, k) => {
      const first = parts[0].rates[k];
      const sum = Int32Array.from(first.counts);
      for (const p of parts.slice(1)) {
        const c = p.rates[k].counts;
        for (let i = 0; i < sum.length; i++) sum[i] += c[i];
      }
      m.append(first.firstStep, sum);
    });
    this.stateMonitors.forEach((m, k) => {
      m.append(parts[0].states[k].steps, parts.map((p) => ({ neurons: p.states[k].neurons, values: p.states[k].values })));
    });
    this.synapseMonitors.forEach((m, k) => {
      const first = parts[0].synapses[k];
      const sum = Int32Array.from(first.counts);
      for (const p of parts.slice(1)) {
        const c = p.synapses[k].counts;
        for (let i = 0; i < sum.length; i++) sum[i] += c[i];
      }
      m.steps.pushRange(first.steps, 0, first.steps.length);
      m.counts.pushRange(sum, 0, sum.length);
    });
    for (let k = 0; k < this.spikeTotals.length; k++) this.spikeTotals[k] = (this.totalsBase[k] ?? 0) + totals.reduce((a, t) => a + t[k], 0);
    this.events = this.eventsBase + events.reduce((a, b) => a + b, 0);
    this.step = step;
  }

  /** All spikes recorded (and not yet taken) for a population: Brian2-style parallel arrays. */
  spikes(population: string): SpikeData {
    const k = this.popIndex(population);
    const m = this.spikeMonitors.find((m) => m.population === k);
    if (!m) throw new Error(`no spike monitor on population "${population}"`);
    return m.data(this.network.dt);
  }

  /** The spikes recorded since the last take, forgotten here: for streaming with bounded memory. */
  takeSpikes(population: string): SpikeData {
    const k = this.popIndex(population);
    const m = this.spikeMonitors.find((m) => m.population === k);
    if (!m) throw new Error(`no spike monitor on population "${population}"`);
    return m.take(this.network.dt);
  }

  spikeMonitorList(): SpikeMonitor[] {
    return this.spikeMonitors;
  }

  /** Population rate (Hz per step). */
  rate(population: string) {
    const k = this.popIndex(population);
    const m = this.rateMonitors.find((m) => m.population === k);
    if (!m) throw new Error(`no rate monitor on population "${population}"`);
    return m.data(this.network.dt);
  }

  /** Data of the index-th state monitor. */
  state(index: number) {
    const m = this.stateMonitors[index];
    if (!m) throw new Error(`no state monitor ${index}`);
    return m.data(this.network.dt);
  }

  /** The index-th state monitor's data recorded since the last take, forgotten here: for streaming with bounded memory. */
  takeState(index: number) {
    const m = this.stateMonitors[index];
    if (!m) throw new Error(`no state monitor ${index}`);
    return m.take(this.network.dt);
  }

  /** The index-th rate monitor's data recorded since the last take, forgotten here. */
  takeRate(index: number) {
    const m = this.rateMonitors[index];
    if (!m) throw new Error(`no rate monitor ${index}`);
    return m.take(this.network.dt);
  }

  /** Mean firing rate of every population over the steps run so far, Hz. */
  ratesHz(): Record<string, number> {
    const out: Record<string, number> = {};
    const T = this.step * this.network.dt;
    this.network.populations.forEach((p, k) => (out[p.name] = T > 0 ? (this.spikeTotals[k] * 1000) / (p.size * T) : 0));
    return out;
  }

  /** Current state of a variable for the whole population (a copy). */
  async getState(population: string, variable: string): Promise<Float32Array | Int32Array> {
    return this.driver.getState(this.popIndex(population), variable);
  }

  /**
   * Current weights of a projection (a copy), sorted by (target, source) — for multapses in
   * generation order — with the target and source of each synapse (indices in their populations).
   * The order and values do not depend on the backend or the thread count.
   */
  async getWeights(projection: string): Promise<{ weights: Float32Array; targets: Int32Array; sources: Int32Array }> {
    const k = this.network.projections.findIndex((p) => p.name === projection);
    if (k < 0) throw new Error(`unknown projection "${projection}"`);
    const parts = await this.driver.getWeights(k);
    const n = parts.reduce((a, p) => a + p.weights.length, 0);
    const out = { weights: new Float32Array(n), targets: new Int32Array(n), sources: new Int32Array(n) };
    let o = 0;
    for (const p of parts) {
      out.weights.set(p.weights, o);
      out.targets.set(p.targets, o);
      out.sources.set(p.sources, o);
      o += p.weights.length;
    }
    return out;
  }

  /** Current number of synapses of every projection (by name): fewer than built once pruning removed some. */
  async synapseCounts(): Promise<Record<string, number>> {
    const parts = await this.driver.synapseCounts();
    const out: Record<string, number> = {};
    this.network.projections.forEach((p, k) => (out[p.name] = parts.reduce((a, c) => a + c[k], 0)));
    return out;
  }

  /**
   * The synapse counts recorded by the model's `synapses` monitor of a projection: sample times (ms)
   * and the number of synapses of the whole projection at each.
   */
  synapseHistory(projection: string): { projection: string; t: Float64Array; count: Int32Array } {
    const m = this.synapseMonitors.find((x) => x.projection === projection);
    if (!m) throw new Error(`no synapse monitor on projection "${projection}"`);
    const steps = m.steps.toArray();
    const t = new Float64Array(steps.length);
    for (let i = 0; i < steps.length; i++) t[i] = steps[i] * this.network.dt;
    return { projection, t, count: m.counts.toArray() };
  }

  /**
   * Apply a pruning rule to a projection now, between runs (the same rules as a model file's
   * `pruning`, without every_ms/at_ms): returns the number of synapses removed. elimination_rate's
   * interval T is the time since the projection was last pruned (or since the start).
   */
  async prune(projection: string, rule: PruningSpec): Promise<number> {
    if (this.disposed) throw new Error('simulation was disposed');
    if (this.running) throw new Error('a run is in progress: prune between runs');
    const k = this.network.projections.findIndex((p) => p.name === projection);
    if (k < 0) throw new Error(`unknown projection "${projection}"`);
    const issues = checkPruning(rule, this.network.dt);
    if (rule && (rule as { every_ms?: unknown }).every_ms !== undefined) issues.push({ path: 'rule.every_ms', message: 'is not used by sim.prune (it applies the rule once, now)' });
    if (rule && (rule as { at_ms?: unknown }).at_ms !== undefined) issues.push({ path: 'rule.at_ms', message: 'is not used by sim.prune (it applies the rule once, now)' });
    if (issues.length) throw new ModelError(issues);
    if (rule.rule === 'elimination_rate' && rule.bias === 'inactive' && this.network.projections[k].pruning?.bias !== 'inactive')
      throw new Error(`prune: bias 'inactive' needs the activity of the sources of "${projection}", which is tracked only when its model-file pruning rule uses bias 'inactive'`);
    if (this.step === 0) throw new Error('prune: run at least one step first (the rule applies after the delivery of the last step run)');
    const before = (await this.synapseCounts())[projection];
    await this.driver.prune(k, planPruning(rule, k, this.network.dt, false), this.step - 1);
    return before - (await this.synapseCounts())[projection];
  }

  /** Change the rate (Hz) of inputs[index], a Poisson input; takes effect at the next step run. */
  setPoissonRate(input: number, rateHz: number): void {
    const inp = this.network.inputs[input];
    if (!inp || inp.type !== 'poisson') throw new Error(`inputs[${input}] is not a Poisson input`);
    if (!Number.isFinite(rateHz) || rateHz < 0) throw new Error(`rate: must be a finite number >= 0 Hz, got ${rateHz}`);
    this.driver.setPoissonRate(input, rateHz);
  }

  /**
   * The whole state as one snapshot (docs/snapshots.md): the model, the seed, the step, every state
   * variable, every synapse (after plasticity and pruning) in global indices, the spikes in flight,
   * traces, Poisson tables and what the monitors hold and was not yet taken. It does not depend on
   * the backend or the thread count: Simulation.restore continues it on any of them, to the bit.
   * Between runs only.
   */
  async snapshot(opts: SnapshotOptions = {}): Promise<Uint8Array> {
    const { header, sections } = await this.snapshotSections(opts);
    // the pieces are the parts' own copies (and fresh header bytes): kept by reference until copied out
    const chunks: Uint8Array[] = [];
    const total = await writeSnapshot(header, sections, (c) => void chunks.push(c));
    if (total > MAX_SNAPSHOT_BYTES) throw new SnapshotError(`the snapshot would take ${sizeText(total)}, more than the ${sizeText(MAX_SNAPSHOT_BYTES)} one array can hold here: use sim.saveSnapshot(path)`);
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  /**
   * Write a snapshot to a file (Node), atomically: into `path.tmp-<pid>`, flushed to disk, then
   * renamed over `path`, so a crash while writing leaves the previous file as it was. Returns
   * the file's bytes and the seconds it took.
   */
  async saveSnapshot(path: string, opts: SnapshotOptions = {}): Promise<{ bytes: number; seconds: number }> {
    const t0 = performance.now();
    const fs = await importExternal('node:fs/promises');
    const { header, sections } = await this.snapshotSections(opts);
    const tmp = `${path}.tmp-${(globalThis as any).process?.pid ?? 0}`;
    const fh = await fs.open(tmp, 'w');
    let bytes = 0;
    try {
      // small chunks gathered into 8 MiB writes
      const buf = new Uint8Array(1 << 23);
      let fill = 0;
      const flush = async () => {
        if (fill) await fh.write(buf, 0, fill);
        fill = 0;
      };
      bytes = await writeSnapshot(header, sections, async (c) => {
        if (c.length >= buf.length) {
          await flush();
          await fh.write(c);
        } else {
          if (fill + c.length > buf.length) await flush();
          buf.set(c, fill);
          fill += c.length;
        }
      });
      await flush();
      await fh.sync();
      await fh.close();
    } catch (e) {
      await fh.close().catch(() => {});
      await fs.rm(tmp, { force: true }).catch(() => {});
      throw e;
    }
    await fs.rename(tmp, path);
    await removeStaleTemporaries(fs, path);
    return { bytes, seconds: (performance.now() - t0) / 1000 };
  }

  private async snapshotSections(opts: SnapshotOptions): Promise<{ header: Omit<SnapshotHeader, 'sections' | 'dataBytes' | 'format' | 'version'>; sections: SectionData[] }> {
    if (this.disposed) throw new Error('simulation was disposed');
    if (this.failed) throw new Error(`simulation stopped after an error: ${this.failed.message}: a snapshot of its state would not be a state of the model`);
    if (this.running) throw new Error('a run is in progress: take a snapshot between runs');
    if (!this.model) throw new Error('snapshot: this simulation was created from a NetworkPlan; create it from the model (a ModelSpec) to take snapshots');
    const parts = await this.driver.snapshotParts();
    const sections: SectionData[] = [];
    const model = modelToJson(this.model, sections);
    sections.push(...assembleSections(parts));
    const net = this.network;
    // what the monitors hold and was not yet taken
    const rates: number[] = [];
    this.spikeMonitors.forEach((m, j) => {
      sections.push({ name: `mon/spikes/${j}/steps`, type: 'i32', pieces: [m.steps.toArray()] });
      sections.push({ name: `mon/spikes/${j}/indices`, type: 'i32', pieces: [m.indices.toArray()] });
    });
    this.rateMonitors.forEach((m, j) => {
      rates.push(m.firstStep);
      sections.push({ name: `mon/rate/${j}/counts`, type: 'i32', pieces: [m.counts.toArray()] });
    });
    this.stateMonitors.forEach((m, j) => {
      sections.push({ name: `mon/state/${j}/steps`, type: 'i32', pieces: [m.steps.toArray()] });
      m.variables.forEach((v, vi) => sections.push({ name: `mon/state/${j}/${vi}`, type: 'f32', pieces: m.values[vi].map((c) => c.toArray()) }));
    });
    this.synapseMonitors.forEach((m, j) => {
      sections.push({ name: `mon/synapses/${j}/steps`, type: 'i32', pieces: [m.steps.toArray()] });
      sections.push({ name: `mon/synapses/${j}/counts`, type: 'i32', pieces: [m.counts.toArray()] });
    });
    const counts = await this.synapseCounts();
    const header = {
      axonal: VERSION, created: new Date().toISOString(), model, seed: net.seed, dt: net.dt, step: this.step,
      saved: { backend: this.backendName, threads: this.threads, variant: this.variant, delivery: this.delivery },
      neurons: net.neurons, synapses: Object.values(counts).reduce((a, b) => a + b, 0),
      spikeTotals: this.spikeTotals.slice(), events: this.events,
      state: {
        populations: net.populations.map((p) => ({ name: p.name, size: p.size })),
        projections: net.projections.map((p, k) => ({
          name: p.name, synapses: counts[p.name], constWeight: parts[0].projections[k].constWeight, lastPrune: parts[0].projections[k].lastPrune,
          packedWords: p.constDelay === null && p.nSrc <= 1 << 24,
        })),
        rateFirstSteps: rates,
      },
      ...(opts.app !== undefined ? { app: opts.app } : {}),
    };
    return { header, sections };
  }

  /** The monitors' data, the step and the counts of a snapshot (after the shards took its state). */
  private restoreRecords(snap: SnapshotReader): void {
    const h = snap.header;
    this.restoredFrom = { step: h.step, axonal: h.axonal, created: h.created, saved: h.saved, app: h.app };
    this.step = h.step;
    this.totalsBase = h.spikeTotals.slice();
    this.eventsBase = h.events;
    this.spikeTotals.splice(0, this.spikeTotals.length, ...h.spikeTotals);
    this.events = h.events;
    const st = h.state as { rateFirstSteps?: number[] };
    const i32 = (name: string) => snap.get(name, 'i32');
    this.spikeMonitors.forEach((m, j) => m.append(i32(`mon/spikes/${j}/steps`), i32(`mon/spikes/${j}/indices`)));
    this.rateMonitors.forEach((m, j) => {
      const c = i32(`mon/rate/${j}/counts`);
      const first = st.rateFirstSteps?.[j] ?? -1;
      if (c.length) m.append(first, c);
      else m.firstStep = first;
    });
    this.stateMonitors.forEach((m, j) => {
      const steps = i32(`mon/state/${j}/steps`);
      m.steps.pushRange(steps, 0, steps.length);
      m.variables.forEach((_, vi) => {
        const all = snap.get(`mon/state/${j}/${vi}`, 'f32');
        if (all.length !== steps.length * m.neurons.length) throw new SnapshotError(`the snapshot's state monitor ${j} holds ${all.length} values, expected ${steps.length} × ${m.neurons.length}`);
        m.values[vi].forEach((col, ni) => {
          for (let q = 0; q < steps.length; q++) col.push(all[ni * steps.length + q]);
        });
      });
    });
    this.synapseMonitors.forEach((m, j) => {
      const steps = i32(`mon/synapses/${j}/steps`), counts = i32(`mon/synapses/${j}/counts`);
      m.steps.pushRange(steps, 0, steps.length);
      m.counts.pushRange(counts, 0, counts.length);
    });
  }

  /** Multiply the weights of a projection by `factor` from the next step on. */
  scaleWeights(projection: string, factor: number): void {
    const k = this.network.projections.findIndex((p) => p.name === projection);
    if (k < 0) throw new Error(`unknown projection "${projection}"`);
    if (!Number.isFinite(factor)) throw new Error(`factor: must be a finite number, got ${factor}`);
    this.driver.scaleWeights(k, factor);
  }

  /** @internal test hook: make shard `index` throw in its next step */
  failShard(index: number): void {
    this.driver.failShard?.(index);
  }

  /** Free every arena and end the workers. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.driver?.dispose();
  }
}

/** A copy of a model's objects and arrays; typed arrays (explicit connections, spike times) are shared, not copied. */
function copyModel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyModel);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = copyModel(x);
    return o;
  }
  return v;
}

/**
 * Remove `path.tmp-<pid>` files that a process killed while writing left (its pid no longer runs),
 * after a snapshot was written to `path`.
 */
async function removeStaleTemporaries(fs: typeof import('node:fs/promises'), path: string): Promise<void> {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = slash >= 0 ? path.slice(0, slash) || '/' : '.';
  const base = path.slice(slash + 1);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = n.startsWith(base + '.tmp-') ? /^(\d+)$/.exec(n.slice(base.length + 5)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      (globalThis as any).process.kill(pid, 0);
    } catch (e) {
      alive = (e as { code?: string }).code === 'EPERM';
    }
    if (!alive) await fs.rm(`${dir}/${n}`, { force: true }).catch(() => {});
  }
}

/** A snapshot must be of this network: the same populations (names, sizes) and projections (names). */
function checkSnapshotFits(snap: SnapshotReader, net: BuiltNetwork): void {
  const st = snap.header.state as { populations?: { name: string; size: number }[]; projections?: { name: string }[] };
  const pops = st.populations ?? [], projs = st.projections ?? [];
  const diff: string[] = [];
  if (pops.length !== net.populations.length) diff.push(`${pops.length} populations, the model ${net.populations.length}`);
  else net.populations.forEach((p, k) => {
    if (pops[k].name !== p.name || pops[k].size !== p.size) diff.push(`population ${k} is "${pops[k].name}" of ${pops[k].size}, the model's "${p.name}" of ${p.size}`);
  });
  if (projs.length !== net.projections.length) diff.push(`${projs.length} projections, the model ${net.projections.length}`);
  else net.projections.forEach((p, k) => {
    if (projs[k].name !== p.name) diff.push(`projection ${k} is "${projs[k].name}", the model's "${p.name}"`);
  });
  if (Math.abs(snap.header.dt - net.dt) > 0) diff.push(`dt ${snap.header.dt} ms, the model's ${net.dt} ms`);
  if (diff.length) throw new SnapshotError(`the snapshot does not match its model as this axonal builds it: it holds ${diff.join('; ')}`);
}

/** The delivery option, 'auto' when absent; anything else but the three modes is a ModelError naming it. */
function checkDelivery(delivery: Delivery | undefined): Delivery {
  const d = delivery ?? 'auto';
  if (!DELIVERY_MODES.includes(d))
    throw new ModelError([{ path: 'delivery', message: `must be one of ${DELIVERY_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(d)}` }]);
  return d;
}

/**
 * The delivery to use: 'auto' becomes 'ring' when the buckets of deferred delivery would make a
 * shard too large for one WebAssembly memory (`limit`) or the whole too large for the machine
 * (`mem`, 0 when unknown) and spikes straight into the rings would fit; else as given.
 */
export function resolveDelivery(
  model: ModelSpec | BuiltNetwork, threads: number, delivery: Delivery,
  limit = WASM_MAX_BYTES - WASM_ARENA_BASE, mem = machineMemory(),
): Delivery {
  if (delivery !== 'auto') return delivery;
  const fits = (e: ReturnType<typeof estimateShards>) => e.maxShardBytes <= limit && !(mem && e.bytes > mem * 0.9);
  const auto = estimateShards(model, threads, 'auto');
  if (fits(auto) || !auto.shards.some((s) => s.parts.some((p) => p.name === 'delivery buckets'))) return 'auto';
  return fits(estimateShards(model, threads, 'ring')) ? 'ring' : 'auto';
}

/**
 * Refuse, before anything is allocated, a network whose expected size does not fit: a shard over
 * one WebAssembly memory, or the whole over this machine's memory. Names the numbers and the
 * thread count that would fit.
 */
function checkFits(model: ModelSpec | BuiltNetwork, threads: number, delivery: Delivery): void {
  const limit = WASM_MAX_BYTES - WASM_ARENA_BASE;
  const est = estimateShards(model, threads, delivery);
  const mem = machineMemory();
  const head = `the network (${grouped(est.neurons)} neurons, ${grouped(est.synapses)} synapses) needs about ${sizeText(est.bytes)}`;
  if (mem && est.bytes > mem * 0.9)
    throw new ModelError([{ path: '', message: `${head}, more than this machine's memory (${sizeText(mem)}) allows whatever the thread count` }]);
  if (est.maxShardBytes > limit) {
    // the smallest thread count whose largest shard fits (row pointers are per shard, so try them)
    const most = Math.min(MAX_THREADS, 4 * availableCores());
    let need = 0;
    for (let t = Math.max(threads + 1, Math.ceil(est.bytes / limit)); t <= most && !need; t++)
      if (estimateShards(model, t, delivery).maxShardBytes <= limit) need = t;
    const hint = need ? `use threads: ${need} or more` : `no thread count available here (at most ${most}) fits`;
    throw new ModelError([{
      path: '',
      message: `${head}: with ${threads} thread${threads > 1 ? 's' : ''} the largest shard needs about ${sizeText(est.maxShardBytes)}, more than the ${sizeText(limit)} one WebAssembly memory can hold; ${hint}`,
    }]);
  }
}

function tooLargeMessage(net: BuiltNetwork, plan: PlanSummary): string {
  const limit = WASM_MAX_BYTES - WASM_ARENA_BASE;
  const worst = Math.max(...plan.shards.map((s) => s.bytes));
  const fit = Math.ceil(plan.bytes / limit);
  return (
    `the network (${grouped(net.neurons)} neurons, ${grouped(net.synapses)} synapses) needs ${sizeText(plan.bytes)}; ` +
    `with ${plan.threads} thread${plan.threads > 1 ? 's' : ''} the largest shard needs ${sizeText(worst)}, ` +
    `more than the ${sizeText(limit)} one WebAssembly memory can hold: use at least ${fit} threads`
  );
}

/** One shard in this thread. */
class LocalDriver implements Driver {
  private lastYield = 0;
  constructor(
    readonly shard: Shard,
    readonly checkEvery: number,
    readonly variant: string,
    /** the backend's step loop runs the steps (Shard.runSteps), else Shard.step and Shard.deliverOwn */
    readonly loop: boolean,
  ) {}

  async run(from: number, steps: number, sim: Simulation, opts: RunOptions) {
    const shard = this.shard;
    const end = from + steps;
    const every = opts.progressEvery ?? Math.max(1, Math.round(100 / sim.dt));
    let t = from;
    let aborted = false;
    let error: unknown = null;
    shard.beginRun(from, end);
    this.lastYield = performance.now();
    try {
      while (t < end) {
        if (opts.signal?.aborted) {
          aborted = true;
          break;
        }
        const t0 = performance.now();
        if (this.loop && end < 0xffffffff) {
          // up to the host's next work: a monitor sample or a current change, the NaN check's report,
          // progress, and the yield at every 256th step
          let stop = Math.min(end, shard.loopBoundary(t), (Math.floor(t / STEP_CHUNK) + 1) * STEP_CHUNK);
          if (opts.onProgress) stop = Math.min(stop, from + (Math.floor((t - from) / every) + 1) * every);
          shard.loopBefore(t);
          t += shard.runSteps(t, stop - t, this.checkEvery);
          shard.phases.loop += (performance.now() - t0) / 1000;
        } else {
          shard.step(t);
          const t1 = performance.now();
          shard.deliverOwn(t);
          shard.phases.step += (t1 - t0) / 1000;
          shard.phases.deliver += (performance.now() - t1) / 1000;
          t++;
        }
        if (this.checkEvery > 0 && t % this.checkEvery === 0) shard.checkFinite(t - 1, this.checkEvery);
        if (opts.onProgress && (t - from) % every === 0 && t < end) opts.onProgress(t - from, steps);
        if ((t & 255) === 0 && performance.now() - this.lastYield > 50) {
          // let timers, signals and messages through (a long run stays stoppable)
          await new Promise((r) => setTimeout(r, 0));
          this.lastYield = performance.now();
        }
      }
      if (t > from) shard.checkFinite(t - 1, this.checkEvery);
    } catch (e) {
      error = e;
    }
    sim.absorb([shard.takeRecords()], [shard.spikeTotals], [shard.events], t, [shard.phases]);
    if (error) throw error;
    return { step: t, aborted };
  }

  async getState(pop: number, variable: string) {
    return this.shard.getState(pop, variable);
  }
  setPoissonRate(input: number, rate: number) {
    this.shard.setPoissonRate(input, rate);
  }
  scaleWeights(projection: number, factor: number) {
    this.shard.scaleWeights(projection, factor);
  }
  async getWeights(projection: number) {
    return [this.shard.getWeights(projection)];
  }
  async prune(projection: number, rule: PruningPlan, t: number) {
    this.shard.pruneNow(projection, rule, t);
  }
  async synapseCounts() {
    return [this.shard.synapseCounts()];
  }
  async snapshotParts() {
    return [this.shard.snapshotPart()];
  }
  failShard(index: number) {
    if (index === 0)
      this.shard.step = this.shard.runSteps = () => {
        throw new Error('injected failure in shard 0');
      };
  }
  dispose() {
    this.shard.dispose();
  }
}

function rebuildError(e: any): Error {
  if (e?.kind === 'simulation') return new SimulationError(e.message, e.population, e.variable, e.neuron, e.step);
  const err = new Error(e?.message ?? 'shard worker failed');
  if (e?.stack) err.stack = e.stack;
  return err;
}

/** Shard workers in lock-step. */
class WorkerPool implements Driver {
  variant = '';
  arenaBytes = 0;
  synapses = 0;
  compileSeconds = 0;
  parts: { name: string; bytes: number }[] = [];
  private readonly ctl: Int32Array;
  private pending: ((m: any) => void)[] = [];
  /** getWeights and synapseCounts requests: one reply per worker, in worker order */
  private weightRequests = new Map<number, { parts: unknown[]; resolve: (x: any[]) => void; left: number }>();
  private stateRequests = new Map<number, { parts: (Float32Array | Int32Array | null)[]; resolve: (x: any) => void; left: number }>();
  private nextId = 1;
  private dead: Error | null = null;
  private onDead: ((e: Error) => void)[] = [];
  private progress: ((done: number, total: number) => void) | null = null;
  private disposed = false;

  private constructor(
    readonly workers: WorkerPort[],
    readonly ctlBuf: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(ctlBuf);
    workers.forEach((w, i) => {
      w.onMessage((m) => this.onMessage(i, m));
      w.onError((e) => this.onWorkerDied(i, e));
    });
  }

  static async create(
    net: BuiltNetwork, T: number, backend: BackendName, variant: BackendOptions['variant'], monitors: MonitorSpec[], checkEvery: number,
    delivery: Delivery, snap: SnapshotReader | null = null,
  ): Promise<WorkerPool> {
    const D = minDelaySteps(net);
    const ctlBuf = new SharedArrayBuffer(CTL_SIZE * 4);
    const outboxes: SharedArrayBuffer[] = [];
    for (const L of outboxLayouts(net, T, D)) outboxes.push(new SharedArrayBuffer(L.ints * 4));
    const workers: WorkerPort[] = [];
    let pool: WorkerPool | null = null;
    // a snapshot's data once in shared memory: every worker takes its slices from it
    let snapshot: { header: SnapshotHeader; data: SharedArrayBuffer; offset: number; length: number } | undefined;
    if (snap) {
      let data: SharedArrayBuffer;
      let view = snap.data;
      if (snap.data.buffer instanceof SharedArrayBuffer) data = snap.data.buffer;
      else {
        data = new SharedArrayBuffer(snap.data.byteLength);
        new Uint8Array(data).set(snap.data);
        view = new Uint8Array(data);
      }
      snapshot = { header: snap.header, data, offset: view.byteOffset, length: view.byteLength };
    }
    try {
      // the kernels compiled once, here, where setWasmLocator was called; every worker gets the module
      let wasm: { variant: WasmVariant; module: WebAssembly.Module } | undefined;
      if (backend === 'wasm') {
        const v: WasmVariant = variant ?? (detectFeatures().simd ? 'simd' : 'scalar');
        wasm = { variant: v, module: await compileVariant(v) };
      }
      for (let s = 0; s < T; s++) workers.push(await spawnShardWorker());
      pool = new WorkerPool(workers, ctlBuf);
      const ready = await pool.all((i) => ({
        type: 'init', net, index: i, count: T, backend, variant, monitors, checkEvery, delivery, interval: D, ctl: ctlBuf, outboxes, wasm, snapshot,
        spin: T <= availableCores() ? 200_000 : 2000,
      }), 'ready');
      pool.variant = ready[0].variant;
      pool.compileSeconds = Math.max(...ready.map((r) => r.compileSeconds as number));
      for (const r of ready) {
        pool.arenaBytes += r.arenaBytes;
        pool.synapses += r.synapses;
        for (const p of r.parts as { name: string; bytes: number }[]) {
          const q = pool.parts.find((x) => x.name === p.name);
          if (q) q.bytes += p.bytes;
          else pool.parts.push({ ...p });
        }
      }
      return pool;
    } catch (e) {
      if (pool) pool.dispose();
      else for (const w of workers) w.terminate();
      throw e;
    }
  }

  /** Send a message to every worker and wait for one reply of `type` from each (or the first error). */
  private all(msg: (i: number) => unknown, type: string): Promise<any[]> {
    return new Promise((resolve, reject) => {
      const replies: any[] = new Array(this.workers.length);
      let left = this.workers.length;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      this.onDead.push(fail);
      this.workers.forEach((w, i) => {
        this.pending[i] = (m: any) => {
          if (m.type === 'error') return fail(rebuildError(m.error));
          if (m.type !== type) return;
          replies[i] = m;
          if (--left === 0 && !failed) {
            this.onDead = this.onDead.filter((f) => f !== fail);
            resolve(replies);
          }
        };
        w.post(msg(i));
      });
      if (this.dead) fail(this.dead);
    });
  }

  private onMessage(i: number, m: any) {
    if (m.type === 'progress') {
      this.progress?.(m.done, m.total);
      return;
    }
    if (m.type === 'weights') {
      const req = this.weightRequests.get(m.id);
      if (!req) return;
      req.parts[i] = m.data;
      if (--req.left === 0) {
        this.weightRequests.delete(m.id);
        req.resolve(req.parts);
      }
      return;
    }
    if (m.type === 'state') {
      const req = this.stateRequests.get(m.id);
      if (!req) return;
      req.parts[i] = m.data;
      if (--req.left === 0) {
        this.stateRequests.delete(m.id);
        const total = req.parts.reduce((a, p) => a + p!.length, 0);
        const out = req.parts[0] instanceof Int32Array ? new Int32Array(total) : new Float32Array(total);
        let o = 0;
        for (const p of req.parts) {
          out.set(p as any, o);
          o += p!.length;
        }
        req.resolve(out);
      }
      return;
    }
    this.pending[i]?.(m);
  }

  private onWorkerDied(i: number, e: Error) {
    if (this.disposed) return;
    const err = new Error(`shard worker ${i} failed: ${e.message}`);
    this.dead ??= err;
    Atomics.store(this.ctl, CTL_DEAD, 1);
    Atomics.add(this.ctl, CTL_GEN, 0);
    Atomics.notify(this.ctl, CTL_GEN);
    for (const f of this.onDead.splice(0)) f(err);
  }

  async run(from: number, steps: number, sim: Simulation, opts: RunOptions) {
    if (this.dead) throw this.dead;
    Atomics.store(this.ctl, CTL_ABORT, 0);
    Atomics.store(this.ctl, CTL_ERROR, 0);
    const onAbort = () => Atomics.store(this.ctl, CTL_ABORT, 1);
    if (opts.signal?.aborted) return { step: from, aborted: true };
    opts.signal?.addEventListener('abort', onAbort);
    this.progress = opts.onProgress ?? null;
    try {
      // each worker answers 'done' (with its records, even after an error) or dies
      const done: any[] = await new Promise((resolve) => {
        const replies: any[] = new Array(this.workers.length).fill(undefined);
        let left = this.workers.length;
        const settle = (i: number, m: any) => {
          if (replies[i] !== undefined) return;
          replies[i] = m;
          if (m?.error || m === null) {
            // release the others if they wait at a barrier this shard will never reach
            Atomics.store(this.ctl, CTL_DEAD, 1);
            Atomics.notify(this.ctl, CTL_GEN);
          }
          if (--left === 0) resolve(replies);
        };
        this.onDead.push(() => this.workers.forEach((_, i) => settle(i, null)));
        this.workers.forEach((w, i) => {
          this.pending[i] = (m: any) => {
            if (m.type === 'done') settle(i, m);
            else if (m.type === 'error') settle(i, { error: m.error, records: null });
          };
          w.post({ type: 'run', from, steps });
        });
      });
      const ok = done.filter((d) => d && d.records);
      if (ok.length === done.length)
        sim.absorb(ok.map((d) => d.records), ok.map((d) => d.spikeTotals), ok.map((d) => d.events), Math.min(...ok.map((d) => d.step)), ok.map((d) => d.phases));
      else if (ok.length) {
        // a worker died: keep what the others recorded
        sim.absorb(ok.map((d) => d.records), ok.map((d) => d.spikeTotals), ok.map((d) => d.events), Math.min(...ok.map((d) => d.step)), ok.map((d) => d.phases));
      }
      if (this.dead) throw this.dead;
      // the error of the shard that failed, not that of a shard it stopped (which may reply first)
      const failed = done.find((d) => d?.error && d.error.kind !== 'died') ?? done.find((d) => d?.error);
      if (failed) throw rebuildError(failed.error);
      return { step: done[0].step, aborted: done.some((d) => d.aborted) };
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      this.progress = null;
      this.onDead = [];
    }
  }

  getState(pop: number, variable: string): Promise<Float32Array | Int32Array> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.stateRequests.set(id, { parts: this.workers.map(() => null), resolve, left: this.workers.length });
      for (const w of this.workers) w.post({ type: 'getState', id, pop, variable });
    });
  }
  setPoissonRate(input: number, rate: number) {
    for (const w of this.workers) w.post({ type: 'setPoissonRate', input, rate });
  }
  scaleWeights(projection: number, factor: number) {
    for (const w of this.workers) w.post({ type: 'scaleWeights', projection, factor });
  }
  getWeights(projection: number): Promise<ShardWeights[]> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.weightRequests.set(id, { parts: this.workers.map(() => null), resolve, left: this.workers.length });
      for (const w of this.workers) w.post({ type: 'getWeights', id, projection });
    });
  }
  prune(projection: number, rule: PruningPlan, t: number): Promise<void> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.weightRequests.set(id, { parts: this.workers.map(() => null), resolve: () => resolve(), left: this.workers.length });
      for (const w of this.workers) w.post({ type: 'prune', id, projection, rule, t });
    });
  }
  synapseCounts(): Promise<number[][]> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.weightRequests.set(id, { parts: this.workers.map(() => null), resolve: resolve as (x: unknown[]) => void, left: this.workers.length });
      for (const w of this.workers) w.post({ type: 'synapseCounts', id });
    });
  }
  snapshotParts(): Promise<ShardPart[]> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.weightRequests.set(id, { parts: this.workers.map(() => null), resolve: resolve as (x: unknown[]) => void, left: this.workers.length });
      for (const w of this.workers) w.post({ type: 'snapshot', id });
    });
  }
  failShard(index: number) {
    for (const w of this.workers) w.post({ type: 'fail', index });
  }
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.workers) {
      w.post({ type: 'dispose' });
      w.terminate();
    }
  }
}
