/**
 * The simulator: lays a built network out in one arena, and runs the fixed schedule of a step
 *   inputs → neuron update (threshold, reset) → propagate → record
 * calling the same kernels on every backend. Everything here is host code shared by the
 * backends, so the order of every floating-point operation is the same on all of them.
 */
import type { Backend, BackendName, BackendOptions } from '../backend/types.ts';
import { createBackend } from '../backend/index.ts';
import { buildNetwork, ModelError } from '../network/index.ts';
import type { BuiltNetwork, BuiltPopulation, ModelSpec, MonitorSpec } from '../core/types.ts';
import { rngKey } from '../core/rng.ts';
import { ARENA_ALIGN, WASM_ARENA_BASE, WASM_MAX_BYTES } from '../core/layout.ts';
import { RateMonitor, SpikeMonitor, StateMonitor, type SpikeData } from './monitors.ts';

export interface SimulationOptions extends BackendOptions {
  /** 'wasm' (default) or 'js' */
  backend?: BackendName;
  /** overrides the model's seed */
  seed?: number;
  /** check neuron state for NaN/Infinity every this many steps (default 10; 0 = only at the end of a run) */
  checkEvery?: number;
}

export interface RunOptions {
  /** called every `progressEvery` steps and at the end with the steps done so far in this run */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** stop cleanly between steps; what was recorded until then is kept */
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

interface PopRuntime {
  pop: BuiltPopulation;
  n: number;
  v: number;
  ie: number;
  ii: number;
  ref: number;
  bias: number;
  state: number;
  spikes: number;
  ring: number[]; // per channel
  params: number;
  thr: number;
  /** spike_generator cursor */
  genPos: number;
  /** number of spikes of the current step */
  count: number;
  /** bias before current inputs (host copy) when current inputs target this population */
  baseBias: Float32Array | null;
}

interface ProjRuntime {
  source: number;
  target: number;
  rowPtr: number;
  targets: number;
  weights: number;
  constWeight: number;
  delays: number;
  constDelay: number;
  ring: number;
  nTarget: number;
}

interface PoissonInputRuntime {
  target: number;
  table: number;
  tableLen: number;
  weight: number;
  ring: number;
  n: number;
  start: number;
  stop: number;
  stream: number;
}

interface CurrentInputRuntime {
  target: number;
  amplitude: number;
  neurons: Int32Array | null;
  start: number;
  stop: number;
}

/** Byte layout of the arena, planned before allocation. */
export interface ArenaPlan {
  bytes: number;
  parts: { name: string; bytes: number }[];
}

class Layout {
  offset: number;
  readonly parts: { name: string; bytes: number }[] = [];
  constructor(readonly base: number) {
    this.offset = base;
  }
  alloc(name: string, bytes: number): number {
    const p = this.offset;
    const b = Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN;
    this.offset += Math.max(b, ARENA_ALIGN);
    const last = this.parts[this.parts.length - 1];
    if (last && last.name === name) last.bytes += b;
    else this.parts.push({ name, bytes: b });
    return p;
  }
  get bytes(): number {
    return this.offset - this.base;
  }
}

export class Simulation {
  readonly network: BuiltNetwork;
  readonly backend: Backend;
  /** seconds to validate, build connectivity and lay out the arena */
  buildSeconds = 0;
  /** steps run so far */
  step = 0;
  /** total spikes emitted per population so far */
  readonly spikeTotals: number[];
  /** synaptic events (spikes × out-degree) delivered so far */
  events = 0;
  readonly arena: ArenaPlan;
  private readonly pops: PopRuntime[] = [];
  private readonly projs: ProjRuntime[] = [];
  private readonly poissonInputs: PoissonInputRuntime[] = [];
  private readonly currentInputs: CurrentInputRuntime[] = [];
  private readonly spikeMonitors: SpikeMonitor[] = [];
  private readonly rateMonitors: RateMonitor[] = [];
  private readonly stateMonitors: StateMonitor[] = [];
  private readonly checkEvery: number;
  private f32!: Float32Array;
  private i32!: Int32Array;
  private u32!: Uint32Array;
  private disposed = false;
  /** out-degree per source neuron of every projection, for counting synaptic events */
  private readonly outDegree: Uint32Array[] = [];

  /**
   * Validate and build a model, then lay it out in a new backend's arena. Nothing stays
   * allocated when this throws.
   */
  static async create(model: ModelSpec | BuiltNetwork, opts: SimulationOptions = {}): Promise<Simulation> {
    const t0 = performance.now();
    // validate and build first: a bad model allocates nothing
    const net =
      'ringSlots' in model
        ? (model as BuiltNetwork)
        : buildNetwork(model as ModelSpec, { seed: opts.seed, maxBytes: WASM_MAX_BYTES - WASM_ARENA_BASE });
    const plan = Simulation.planArena(net);
    if (plan.bytes > WASM_MAX_BYTES - WASM_ARENA_BASE)
      throw new ModelError([{ path: '', message: arenaTooLarge(net, plan) }]);
    const backend = await createBackend(opts.backend ?? 'wasm', { variant: opts.variant });
    try {
      const sim = new Simulation(net, backend, opts);
      sim.buildSeconds = (performance.now() - t0) / 1000;
      return sim;
    } catch (e) {
      backend.dispose();
      throw e;
    }
  }

  /** Arena plan (bytes per part) of a built network, without allocating. */
  static planArena(net: BuiltNetwork, base = 0): ArenaPlan {
    const l = new Layout(base);
    Simulation.layout(net, l);
    return { bytes: l.bytes, parts: l.parts };
  }

  private static layout(net: BuiltNetwork, l: Layout) {
    const slots = net.ringSlots;
    const popPtrs = net.populations.map((p) => {
      const n = p.size;
      const r = { v: 0, ie: 0, ii: 0, ref: 0, bias: 0, state: 0, spikes: 0, ring: [] as number[], params: 0, thr: 0 };
      const nm = `population ${p.name}`;
      r.spikes = l.alloc(nm, n * 4);
      if (p.model === 'lif') {
        r.v = l.alloc(nm, n * 4);
        if (p.synapse !== 'delta') {
          r.ie = l.alloc(nm, n * 4);
          r.ii = l.alloc(nm, n * 4);
        }
        r.bias = l.alloc(nm, n * 4);
        r.ref = l.alloc(nm, n * 4);
        r.params = l.alloc(nm, p.params!.length * 4);
      } else if (p.model === 'threshold') {
        r.state = l.alloc(nm, n * 4);
        r.params = l.alloc(nm, p.params!.length * 4);
      } else if (p.model === 'poisson') {
        r.thr = l.alloc(nm, p.poissonThreshold!.length * 4);
      }
      for (let c = 0; c < p.channels; c++) r.ring.push(l.alloc(`ring buffers ${p.name}`, slots * n * 4));
      return r;
    });
    const projPtrs = net.projections.map((pr) => {
      const nm = `projection ${pr.name}`;
      return {
        rowPtr: l.alloc(nm, pr.rowPtr.length * 4),
        targets: l.alloc(nm, pr.nSyn * 4),
        weights: pr.weights ? l.alloc(nm, pr.nSyn * 4) : 0,
        delays: pr.delays ? l.alloc(nm, pr.nSyn) : 0,
      };
    });
    const inputPtrs = net.inputs.map((inp) =>
      inp.type === 'poisson' ? l.alloc('inputs', inp.table.length * 4) : 0,
    );
    return { popPtrs, projPtrs, inputPtrs };
  }

  private constructor(net: BuiltNetwork, backend: Backend, opts: SimulationOptions) {
    this.network = net;
    this.backend = backend;
    this.checkEvery = opts.checkEvery ?? 10;
    const l = new Layout(backend.base);
    const { popPtrs, projPtrs, inputPtrs } = Simulation.layout(net, l);
    this.arena = { bytes: l.bytes, parts: l.parts };
    if (backend.base + l.bytes > backend.maxBytes) {
      throw new Error(
        `network needs ${l.bytes} bytes of arena, more than the ${backend.name} backend can hold (${backend.maxBytes - backend.base} bytes): ` +
          l.parts.map((p) => `${p.name} ${p.bytes}`).join(', '),
      );
    }
    backend.reserve(l.bytes);
    this.refreshViews();
    const buf = backend.buffer;
    const f32 = this.f32;

    net.populations.forEach((p, k) => {
      const ptr = popPtrs[k];
      const rt: PopRuntime = {
        pop: p, n: p.size, ...ptr, genPos: 0, count: 0, baseBias: null,
      };
      if (p.model === 'lif') {
        f32.set(p.params!, ptr.params >> 2);
        f32.set(p.bias!, ptr.bias >> 2);
        const v = p.initial.v as Float32Array | undefined;
        if (v) f32.set(v, ptr.v >> 2);
        if (p.synapse !== 'delta') {
          if (p.initial.ie) f32.set(p.initial.ie as Float32Array, ptr.ie >> 2);
          if (p.initial.ii) f32.set(p.initial.ii as Float32Array, ptr.ii >> 2);
        }
      } else if (p.model === 'threshold') {
        f32.set(p.params!, ptr.params >> 2);
        if (p.initial.n) this.i32.set(p.initial.n as Int32Array, ptr.state >> 2);
      } else if (p.model === 'poisson') {
        this.u32.set(p.poissonThreshold!, ptr.thr >> 2);
      }
      this.pops.push(rt);
    });
    net.projections.forEach((pr, k) => {
      const ptr = projPtrs[k];
      this.u32.set(pr.rowPtr, ptr.rowPtr >> 2);
      this.u32.set(pr.targets, ptr.targets >> 2);
      if (pr.weights) f32.set(pr.weights, ptr.weights >> 2);
      if (pr.delays) new Uint8Array(buf, ptr.delays, pr.nSyn).set(pr.delays);
      const tgt = this.pops[pr.target];
      this.projs.push({
        source: pr.source, target: pr.target, rowPtr: ptr.rowPtr, targets: ptr.targets,
        weights: ptr.weights, constWeight: pr.constWeight, delays: ptr.delays,
        constDelay: pr.constDelay, ring: tgt.ring[pr.channel], nTarget: tgt.n,
      });
      const deg = new Uint32Array(pr.rowPtr.length - 1);
      for (let s = 0; s < deg.length; s++) deg[s] = pr.rowPtr[s + 1] - pr.rowPtr[s];
      this.outDegree.push(deg);
    });
    net.inputs.forEach((inp, k) => {
      const tgt = this.pops[inp.target];
      if (inp.type === 'poisson') {
        this.u32.set(inp.table, inputPtrs[k] >> 2);
        this.poissonInputs.push({
          target: inp.target, table: inputPtrs[k], tableLen: inp.table.length, weight: inp.weight,
          ring: tgt.ring[inp.channel], n: tgt.n, start: inp.startStep, stop: inp.stopStep, stream: inp.stream,
        });
      } else {
        if (!tgt.baseBias) tgt.baseBias = Float32Array.from(tgt.pop.bias!);
        this.currentInputs.push({
          target: inp.target, amplitude: inp.amplitude, neurons: inp.neurons,
          start: inp.startStep, stop: inp.stopStep,
        });
      }
    });
    this.spikeTotals = net.populations.map(() => 0);
    for (const m of net.monitors) this.addMonitor(m);
  }

  private refreshViews() {
    const buf = this.backend.buffer;
    if (this.f32?.buffer !== buf) {
      this.f32 = new Float32Array(buf);
      this.i32 = new Int32Array(buf);
      this.u32 = new Uint32Array(buf);
    }
  }

  private popIndex(name: string): number {
    const k = this.network.populations.findIndex((p) => p.name === name);
    if (k < 0) throw new Error(`unknown population "${name}"`);
    return k;
  }

  /** Add a monitor (before or between runs). Returns its index among monitors of its type. */
  addMonitor(m: MonitorSpec): number {
    const k = this.popIndex(m.population);
    const p = this.network.populations[k];
    if (m.type === 'spikes') {
      if (m.neurons) for (const i of m.neurons) checkNeuron(i, p, 'neurons');
      return this.spikeMonitors.push(new SpikeMonitor(k, p.name, p.size, m.neurons)) - 1;
    }
    if (m.type === 'rate') return this.rateMonitors.push(new RateMonitor(k, p.name, p.size)) - 1;
    const allowed = p.model === 'lif' ? (p.synapse === 'delta' ? ['v'] : ['v', 'ie', 'ii']) : p.model === 'threshold' ? ['n'] : [];
    for (const v of m.variables)
      if (!allowed.includes(v))
        throw new Error(`state monitor on "${p.name}": unknown variable "${v}", expected one of ${allowed.join(', ') || '(none)'}`);
    for (const i of m.neurons) checkNeuron(i, p, 'neurons');
    const every = m.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new Error(`state monitor on "${p.name}": every must be an integer >= 1`);
    return this.stateMonitors.push(new StateMonitor(k, p.name, m.variables, m.neurons, every)) - 1;
  }

  get dt(): number {
    return this.network.dt;
  }

  /** model time so far, ms */
  get time(): number {
    return this.step * this.network.dt;
  }

  /**
   * Run for `durationMs` (default: the model's duration). May be called repeatedly; each call
   * continues where the last one ended.
   */
  run(durationMs?: number, opts: RunOptions = {}): RunResult {
    if (this.disposed) throw new Error('simulation was disposed');
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
    const end = this.step + steps;
    const every = opts.progressEvery ?? Math.max(1, Math.round(100 / net.dt));
    const start = this.step;
    let aborted = false;
    while (this.step < end) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      this.advance();
      if (this.checkEvery > 0 && this.step % this.checkEvery === 0) this.checkFinite();
      if (opts.onProgress && (this.step - start) % every === 0) opts.onProgress(this.step - start, steps);
    }
    this.checkFinite();
    if (opts.onProgress) opts.onProgress(this.step - start, steps);
    return { steps: this.step - start, seconds: (performance.now() - t0) / 1000, aborted };
  }

  /** One step of the schedule. */
  private advance(): void {
    const K = this.backend.kernels;
    const t = this.step;
    const net = this.network;
    const slots = net.ringSlots;
    const slot = t % slots;
    const seed = net.seed;

    // 0. state monitors sample the state at the start of the step (time t*dt), as Brian2's
    //    StateMonitor does (when='start')
    for (const m of this.stateMonitors) {
      if (t % m.every !== 0) continue;
      m.steps.push(t);
      const r = this.pops[m.population];
      m.variables.forEach((v, vi) => {
        const ptr = v === 'v' ? r.v : v === 'ie' ? r.ie : v === 'ii' ? r.ii : r.state;
        const arr = v === 'n' ? this.i32 : this.f32;
        const base = ptr >> 2;
        m.neurons.forEach((i, ni) => m.values[vi][ni].push(arr[base + i]));
      });
    }

    // 1. inputs
    if (this.currentInputs.length) this.applyCurrents(t);
    for (const inp of this.poissonInputs) {
      if (t >= inp.start && t < inp.stop)
        K.poisson_input(inp.n, rngKey(seed, inp.stream, t), 0, inp.table, inp.tableLen, inp.weight, inp.ring + slot * inp.n * 4);
    }

    // 2. neuron update, threshold and reset
    for (const r of this.pops) {
      const p = r.pop;
      const n = r.n;
      const off = slot * n * 4;
      let c = 0;
      switch (p.model) {
        case 'lif':
          if (p.synapse === 'delta')
            c = K.lif_delta_update(n, r.v, r.ref, r.bias, r.ring[0] + off, r.params, p.hetero ? 1 : 0, r.spikes);
          else
            c = K.lif_update(n, r.v, r.ie, r.ii, r.ref, r.bias, r.ring[0] + off, r.ring[1] + off, r.params, p.hetero ? 1 : 0, r.spikes);
          break;
        case 'threshold':
          c = K.threshold_update(n, r.state, r.ring[0] + off, r.params, p.hetero ? 1 : 0, t === 0 ? 1 : 0, r.spikes);
          break;
        case 'poisson':
          c = K.poisson_update(n, rngKey(seed, p.stream, t), 0, r.thr, p.hetero ? 1 : 0, r.spikes);
          break;
        case 'spike_generator': {
          const steps = p.generatorSteps!;
          const idx = p.generatorIndices!;
          const i32 = this.i32;
          const base = r.spikes >> 2;
          let g = r.genPos;
          while (g < steps.length && steps[g] < t) g++;
          while (g < steps.length && steps[g] === t) {
            // a neuron listed twice at one step spikes once
            const i = idx[g++];
            if (c === 0 || i32[base + c - 1] !== i) i32[base + c++] = i;
          }
          r.genPos = g;
          break;
        }
      }
      r.count = c;
      this.spikeTotals[p.index] += c;
    }

    // 3. propagate
    for (let k = 0; k < this.projs.length; k++) {
      const pr = this.projs[k];
      const src = this.pops[pr.source];
      const c = src.count;
      if (c === 0) continue;
      K.propagate(c, src.spikes, pr.rowPtr, pr.targets, pr.weights, pr.constWeight, pr.delays, pr.constDelay, pr.ring, pr.nTarget, slots, slot);
      const deg = this.outDegree[k];
      const base = src.spikes >> 2;
      let ev = 0;
      for (let s = 0; s < c; s++) ev += deg[this.i32[base + s]];
      this.events += ev;
    }

    // 4. record
    for (const m of this.spikeMonitors) {
      const r = this.pops[m.population];
      m.record(t, this.i32, r.spikes >> 2, r.count);
    }
    for (const m of this.rateMonitors) m.record(t, this.pops[m.population].count);
    this.step = t + 1;
  }

  private applyCurrents(t: number): void {
    // change bias only at steps where an input starts or stops
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
      this.f32.set(b, r.bias >> 2);
    }
  }

  private checkFinite(): void {
    const K = this.backend.kernels;
    for (const r of this.pops) {
      if (r.pop.model !== 'lif') continue;
      const vars: [string, number][] = [['v', r.v]];
      if (r.pop.synapse !== 'delta') vars.push(['ie', r.ie], ['ii', r.ii]);
      for (const [name, ptr] of vars) {
        const i = K.find_nonfinite(ptr, r.n);
        if (i >= 0) {
          const value = this.f32[(ptr >> 2) + i];
          const since = Math.max(0, this.step - Math.max(1, this.checkEvery));
          throw new SimulationError(
            `population "${r.pop.name}", variable ${name}, neuron ${i}: value ${value} at step ${this.step - 1} ` +
              `(t = ${((this.step - 1) * this.network.dt).toFixed(3)} ms; state was last checked finite after step ${since - 1}). ` +
              `Check the parameters and weights of this population (units: mV, nA, nF, ms).`,
            r.pop.name, name, i, this.step - 1,
          );
        }
      }
    }
  }

  /** Spikes recorded by the spike monitors of a population (merged if several). */
  spikes(population: string): SpikeData {
    const k = this.popIndex(population);
    const m = this.spikeMonitors.find((m) => m.population === k);
    if (!m) throw new Error(`no spike monitor on population "${population}"`);
    return m.data(this.network.dt);
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

  /** Mean firing rate of every population over the steps run so far, Hz. */
  ratesHz(): Record<string, number> {
    const out: Record<string, number> = {};
    const T = this.step * this.network.dt;
    this.network.populations.forEach((p, k) => (out[p.name] = T > 0 ? (this.spikeTotals[k] * 1000) / (p.size * T) : 0));
    return out;
  }

  /** Current state of a variable for the whole population (a copy). */
  getState(population: string, variable: string): Float32Array | Int32Array {
    const r = this.pops[this.popIndex(population)];
    switch (variable) {
      case 'v': return this.f32.slice(r.v >> 2, (r.v >> 2) + r.n);
      case 'ie': return this.f32.slice(r.ie >> 2, (r.ie >> 2) + r.n);
      case 'ii': return this.f32.slice(r.ii >> 2, (r.ii >> 2) + r.n);
      case 'n': return this.i32.slice(r.state >> 2, (r.state >> 2) + r.n);
      default: throw new Error(`unknown variable "${variable}"`);
    }
  }

  /** Free the arena. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backend.dispose();
  }
}

function arenaTooLarge(net: BuiltNetwork, plan: ArenaPlan): string {
  const limit = WASM_MAX_BYTES - WASM_ARENA_BASE;
  const top = plan.parts
    .slice()
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5)
    .map((p) => `${p.name} ${(p.bytes / 2 ** 20).toFixed(1)} MiB`)
    .join(', ');
  return (
    `the network (${net.neurons} neurons, ${net.synapses} synapses) needs ${plan.bytes} bytes ` +
    `(${(plan.bytes / 2 ** 30).toFixed(2)} GiB) of arena, more than the ${limit} bytes one WebAssembly memory can hold; largest parts: ${top}`
  );
}

function checkNeuron(i: number, p: BuiltPopulation, field: string) {
  if (!Number.isInteger(i) || i < 0 || i >= p.size)
    throw new Error(`monitor on "${p.name}": ${field} must hold integers in [0, ${p.size}), got ${i}`);
}

