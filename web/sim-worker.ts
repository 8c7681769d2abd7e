/**
 * The demo's simulation worker: builds and runs a Simulation off the page's thread, in chunks of
 * about 30 ms of wall time, posting each chunk's spikes (sim.takeSpikes, transferred) to the page;
 * applies the live controls (sim.setPoissonRate, sim.scaleWeights) between steps. A new model is
 * validated and built before the running one is stopped, so an invalid or too-large model leaves
 * the previous network running. Snapshots: sim.snapshot() between two runs of the loop (the page's
 * live control settings kept in it as `app` data), and Simulation.restore of a snapshot file, which
 * replaces the network as a new model does (a bad file leaves the previous one as it was).
 */
import { Simulation, ModelError, validateModel, detectFeatures, microcircuit, thalamocorticalModel } from '../src/index.ts';
import type { ModelSpec, MonitorSpec, PopulationSpec } from '../src/core/types.ts';
import type { FromWorker, GenerateRequest, ModelInfo, ProbeTarget, RestoreMessage, StartMessage, ToWorker } from './protocol.ts';

// The .wasm files are in web-dist/build/, where the engine looks by default (`../build/` relative to
// the bundle, here app/): this worker and the shard workers of a threaded run (app/worker.js) find
// them without a setWasmLocator, which would not reach the shard workers anyway.

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

interface Run {
  sim: Simulation;
  info: ModelInfo;
  durationSteps: number;
  stopped: boolean;
  done: Promise<void>;
  pace: number;
  /** pacing anchor: model ms and wall ms when the pace last changed (or the run fell behind) */
  anchorModel: number;
  anchorWall: number;
  wall0: number;
  runSeconds: number;
  /** current absolute weight factor per projection */
  factors: Map<string, number>;
  /** the neuron drawn: `monitored` when the state monitor of the start records it (every step), else sampled with getState */
  probe: { target: ProbeTarget; variable: string; monitored: boolean } | null;
  /** state monitors of the model (the start's probe, or a restored model's), drained every chunk; the probe's is index 0 */
  stateMonitors: number;
  /** per population: a spike monitor records it (every population, unless restored from another program's snapshot) */
  spiking: boolean[];
  /** the Poisson input rate last set by the page (Hz), if any */
  inputRateHz?: number;
  /** the loop is running: work for between two runs waits in `between` */
  looping: boolean;
  between: (() => Promise<void>)[];
}

/** The page's settings kept in a snapshot (SnapshotOptions.app): restored, the sliders show them again. */
interface PageData {
  demo: 'axonal';
  inputRateHz?: number;
  /** absolute weight factor per projection */
  factors: Record<string, number>;
}

/** Sampling interval of a probe added while running: every step would slow a run several times (one sim.run per step). */
const PROBE_SAMPLE_MS = 0.5;

/** The state variable a probe of this population draws, and the threshold and reset to mark on it. */
function probeInfo(p: PopulationSpec, spec: ModelSpec): { probeVariable?: string; threshold?: number; reset?: number } {
  const num = (x: unknown) => (typeof x === 'number' ? x : typeof x === 'string' && /^-?[\d.]+\s*\*\s*mV$/.test(x) ? parseFloat(x) : undefined);
  // read loosely: the parameters this function looks at, whatever the model
  const loose = p as { params?: Record<string, unknown>; parameters?: Record<string, unknown> };
  const prm = loose.params ?? {};
  if (p.model === 'lif') return { probeVariable: 'v', threshold: num(prm.v_thresh) ?? -50, reset: num(prm.v_reset) ?? -65 };
  if (p.model === 'izhikevich') return { probeVariable: 'v', threshold: num(prm.v_peak) ?? 30, reset: num(prm.c) ?? -65 };
  if (p.model === 'threshold') return { probeVariable: 'n' };
  if (p.model === 'poisson' || p.model === 'spike_generator') return {};
  // a model from equations (inline, or by name in `models`): v if it has one
  const eq = typeof p.model === 'string' ? spec.models?.[p.model] : p.model;
  if (!eq || !/\bdv\/dt\b/.test(eq.equations)) return {};
  const values: Record<string, unknown> = { ...(eq.parameters ?? {}), ...(loose.parameters ?? {}) };
  const pick = (names: string[]) => names.map((n) => num(values[n])).find((x) => x !== undefined);
  return { probeVariable: 'v', threshold: pick(['v_thresh', 'Vt', 'V_th', 'vt']), reset: pick(['v_reset', 'Vr', 'V_reset', 'vr']) };
}

function generate(r: GenerateRequest): ModelSpec {
  if (r.kind === 'microcircuit') return microcircuit({ scaleN: r.scaleN, scaleK: r.scaleK });
  return thalamocorticalModel({ neurons: r.neurons });
}

let current: Run | null = null;
let generation = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** a network is running: not stopped, and its loop has not ended (a completed run is not running) */
const running = () => !!current && !current.stopped && current.looping;

function describeError(e: unknown): { name: string; message: string; issues?: { path: string; message: string }[] } {
  if (e instanceof ModelError) return { name: 'ModelError', message: e.message, issues: e.issues.map((i) => ({ path: i.path, message: i.message })) };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

async function start(m: StartMessage): Promise<void> {
  const gen = ++generation;
  const issues = validateModel(m.model);
  if (issues.length) {
    post({ type: 'invalid', issues, running: running() });
    return;
  }
  const spec = m.model as ModelSpec;
  // the demo draws every spike of every population, and the state of the probed neuron
  const monitors: MonitorSpec[] = spec.populations.map((p) => ({ type: 'spikes', population: p.name }));
  const probePop = m.probe ? spec.populations.find((p) => p.name === m.probe!.population) : undefined;
  const probeVar = probePop && m.probe!.neuron < probePop.size ? probeInfo(probePop, spec).probeVariable : undefined;
  if (probeVar) monitors.push({ type: 'state', population: probePop!.name, variables: [probeVar], neurons: [m.probe!.neuron], every: 1 });
  let sim: Simulation;
  try {
    sim = await Simulation.create({ ...spec, monitors }, { backend: m.backend, variant: m.backend === 'wasm' ? m.variant : undefined, threads: m.threads });
  } catch (e) {
    post({ type: 'error', ...describeError(e), running: running() });
    return;
  }
  const run = await begin(gen, sim, m);
  if (!run) return;
  try {
    if (m.inputRateHz !== undefined) setInputRate(run, m.inputRateHz);
    if (m.weightFactors) setWeights(run, m.weightFactors);
  } catch (e) {
    post({ type: 'error', ...describeError(e), running: true });
  }
  post({ type: 'started', info: run.info });
  run.done = loop(run);
}

/** Continue a snapshot file in place of the current network (which stays when the file is refused). */
async function restore(m: RestoreMessage): Promise<void> {
  const gen = ++generation;
  let sim: Simulation;
  try {
    sim = await Simulation.restore(m.bytes, { backend: m.backend, variant: m.backend === 'wasm' ? m.variant : undefined, threads: m.threads }, m.name);
  } catch (e) {
    post({ type: 'error', ...describeError(e), running: running(), action: 'restore', kept: !!current });
    return;
  }
  const run = await begin(gen, sim, m);
  if (!run) return;
  const app = sim.restoredFrom?.app as Partial<PageData> | undefined;
  const page = app?.demo === 'axonal' ? app : undefined;
  // the restored weights are already scaled: the factors only say by how much, for the next setWeights
  const weightFactors: Record<string, number> = {};
  for (const p of run.info.projections) {
    const f = page?.factors?.[p.name];
    if (typeof f === 'number' && f > 0) run.factors.set(p.name, f);
    weightFactors[weightGroup(p.sourceType)] = run.factors.get(p.name)!;
  }
  run.inputRateHz = page?.inputRateHz;
  // the model for the page's editor: as given, without the monitors this worker adds
  const { monitors: _monitors, ...model } = sim.model!;
  const modelText = JSON.stringify(model, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v), 2);
  run.info.restored = { file: m.name, modelText, inputRateHz: run.inputRateHz, ...(page ? { weightFactors } : {}) };
  post({ type: 'started', info: run.info });
  run.done = loop(run);
}

/**
 * Stop the current network for `sim` (a newer start or restore wins: then `sim` is disposed and
 * null returned) and describe it for the page: a Run, not yet looping.
 */
async function begin(gen: number, sim: Simulation, m: { durationMs: number; pace: number; probe?: ProbeTarget }): Promise<Run | null> {
  if (gen !== generation) {
    sim.dispose(); // a newer start came in while this one was building
    return null;
  }
  // the new network is built: stop the old one
  if (current) {
    current.stopped = true;
    await current.done;
    current.sim.dispose();
    current = null;
  }
  if (gen !== generation) {
    sim.dispose();
    return null;
  }
  const spec = sim.model!;
  const net = sim.network;
  const popType = new Map(spec.populations.map((p) => [p.name, p.type]));
  const monitors = spec.monitors ?? [];
  const states = monitors.flatMap((x) => (x.type === 'state' ? [x] : []));
  const info: ModelInfo = {
    name: net.name || spec.name || 'model',
    neurons: net.neurons,
    synapses: net.synapses,
    dt: sim.dt,
    populations: net.populations.map((p, k) => {
      const ps = spec.populations[k];
      return { name: p.name, size: p.size, type: popType.get(p.name), ...(ps.sheet ? { sheet: { x: ps.sheet.columns_x, y: ps.sheet.columns_y } } : {}), ...probeInfo(ps, spec) };
    }),
    poissonInputs: (spec.inputs ?? []).flatMap((inp, index) => (inp.type === 'poisson' ? [{ index, target: inp.target, rateHz: inp.rate }] : [])),
    projections: net.projections.map((p) => ({
      name: p.name,
      source: net.populations[p.source].name,
      target: net.populations[p.target].name,
      sourceType: popType.get(net.populations[p.source].name),
    })),
    backend: sim.backendName,
    variant: sim.variant,
    threads: sim.threads,
    threadsAuto: sim.threadsRequested === 'auto',
    threadsReason: sim.notes.find((n) => n.startsWith('threads auto:')),
    buildSeconds: sim.buildSeconds,
    fromEquations: net.populations.some((p) => !!p.equations),
    compileSeconds: sim.compileSeconds,
    durationMs: m.durationMs,
    arenaBytes: sim.arenaBytes,
    step: sim.step,
    t: sim.time,
    totals: sim.spikeTotals.slice(),
    probe: null,
    probeExact: false,
  };
  // the neuron drawn: the one the first state monitor records (every step), else the page's, sampled
  const first = states[0];
  const firstPop = first && info.populations.find((p) => p.name === first.population);
  let probe: Run['probe'] = null;
  if (first && firstPop && first.neurons.length) {
    const variable = firstPop.probeVariable && first.variables.includes(firstPop.probeVariable) ? firstPop.probeVariable : first.variables[0];
    probe = { target: { population: first.population, neuron: first.neurons[0] }, variable, monitored: true };
  } else if (m.probe) {
    const p = info.populations.find((q) => q.name === m.probe!.population);
    if (p?.probeVariable && m.probe.neuron < p.size) probe = { target: m.probe, variable: p.probeVariable, monitored: false };
  }
  info.probe = probe?.target ?? null;
  info.probeExact = !!probe?.monitored;
  const now = performance.now();
  const run: Run = {
    sim, info, durationSteps: Math.round(m.durationMs / sim.dt), stopped: false, done: Promise.resolve(), pace: m.pace,
    anchorModel: sim.time, anchorWall: now, wall0: now, runSeconds: 0, factors: new Map(info.projections.map((p) => [p.name, 1])),
    probe, stateMonitors: states.length,
    spiking: info.populations.map((p) => monitors.some((x) => x.type === 'spikes' && x.population === p.name)),
    looping: false, between: [],
  };
  current = run;
  return run;
}

function setInputRate(run: Run, rateHz: number) {
  run.inputRateHz = rateHz;
  for (const inp of run.info.poissonInputs) run.sim.setPoissonRate(inp.index, rateHz);
}

/** Weight group of a projection: by the type of its source population. */
function weightGroup(sourceType: string | undefined): 'excitatory' | 'inhibitory' | 'all' {
  return sourceType === 'excitatory' ? 'excitatory' : sourceType === 'inhibitory' ? 'inhibitory' : 'all';
}

/** Set the weight factor (relative to the model's weights) of every projection of each group. */
function setWeights(run: Run, factors: Record<string, number>) {
  for (const p of run.info.projections) {
    const f = factors[weightGroup(p.sourceType)];
    const cur = run.factors.get(p.name)!;
    if (f === undefined || !(f > 0) || f === cur) continue;
    run.sim.scaleWeights(p.name, f / cur); // scaleWeights multiplies the current weights
    run.factors.set(p.name, f);
  }
}

/** Run `job` between two runs of the network: at the loop's next turn, or now when it does not loop. */
function between<T>(run: Run, job: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const go = () => job().then(resolve, reject);
    if (run.looping) run.between.push(go);
    else run.done = run.done.then(go); // a new network waits for it before this one is disposed of
  });
}

/** The work that waited for the end of a run (snapshots); a paced run then keeps its pace from here. */
async function runBetween(run: Run): Promise<void> {
  if (!run.between.length) return;
  for (const job of run.between.splice(0)) await job();
  run.anchorModel = run.sim.time;
  run.anchorWall = performance.now();
}

/** A snapshot of the current network, with the page's settings, for a file `<model>-t<ms>.axsnap`. */
async function save(): Promise<void> {
  const run = current;
  if (!run) throw new Error('there is no network to save: run a model first');
  const data: PageData = { demo: 'axonal', inputRateHz: run.inputRateHz, factors: Object.fromEntries(run.factors) };
  const { bytes, t } = await between(run, async () => ({ bytes: await run.sim.snapshot({ app: data }), t: run.sim.time }));
  const name = `${run.info.name.replace(/[^\w.-]+/g, '_')}-t${+t.toFixed(3)}.axsnap`;
  post({ type: 'snapshot', bytes, name, t }, [bytes.buffer]);
}

async function loop(run: Run): Promise<void> {
  const sim = run.sim;
  const dt = sim.dt;
  let n = Math.max(1, Math.round(10 / dt)); // first chunk: 10 ms of model time
  run.looping = true;
  try {
    while (!run.stopped && (run.durationSteps === 0 || sim.step < run.durationSteps)) {
      const steps = run.durationSteps ? Math.min(n, run.durationSteps - sim.step) : n;
      const probe = run.probe;
      let res: { steps: number; seconds: number };
      let sample: { t: number[]; y: number[] } | null = null;
      if (probe && !probe.monitored) {
        // no state monitor for this neuron (chosen while running; monitors are fixed when the network is
        // built): run in slices and read its value between them
        const every = Math.max(1, Math.round(PROBE_SAMPLE_MS / dt));
        sample = { t: [], y: [] };
        res = { steps: 0, seconds: 0 };
        while (res.steps < steps && !run.stopped) {
          const r = await sim.run(Math.min(every, steps - res.steps) * dt);
          res.steps += r.steps;
          res.seconds += r.seconds;
          if (run.probe !== probe) break;
          const values = await sim.getState(probe.target.population, probe.variable);
          sample.t.push(sim.time);
          sample.y.push(values[probe.target.neuron]);
        }
      } else res = await sim.run(steps * dt);
      run.runSeconds += res.seconds;
      let probeOut: Extract<FromWorker, { type: 'chunk' }>['probe'];
      for (let j = 1; j < run.stateMonitors; j++) sim.takeState(j); // a restored model's others: not drawn
      if (run.stateMonitors) {
        const st = sim.takeState(0);
        if (probe?.monitored) {
          const v = st.values[probe.variable][0];
          probeOut = { target: probe.target, variable: probe.variable, t: Float64Array.from(st.t), y: Float32Array.from(v), exact: true };
        }
      }
      if (sample && probe && run.probe === probe)
        probeOut = { target: probe.target, variable: probe.variable, t: Float64Array.from(sample.t), y: Float32Array.from(sample.y), exact: false };
      const spikes = run.info.populations.map((p, k) => {
        if (!run.spiking[k]) return { steps: new Int32Array(0), i: new Int32Array(0) };
        const d = sim.takeSpikes(p.name);
        return { steps: d.steps, i: d.i };
      });
      post(
        {
          type: 'chunk', t: sim.time, step: sim.step, runSeconds: run.runSeconds, wallSeconds: (performance.now() - run.wall0) / 1000,
          spikes, totals: sim.spikeTotals.slice(), ...(probeOut ? { probe: probeOut } : {}),
        },
        [...spikes.flatMap((s) => [s.steps.buffer, s.i.buffer]), ...(probeOut ? [probeOut.t.buffer, probeOut.y.buffer] : [])] as Transferable[],
      );
      await runBetween(run);
      // next chunk: about 30 ms of wall time, at most 1 s of model time
      const perStep = res.seconds / Math.max(1, res.steps);
      n = Math.max(1, Math.min(Math.round(1000 / dt), Math.round(0.03 / Math.max(perStep, 1e-8))));
      if (run.pace > 0) {
        n = Math.min(n, Math.max(1, Math.round((30 * run.pace) / dt)));
        const due = run.anchorWall + (sim.time - run.anchorModel) / run.pace;
        const ahead = due - performance.now();
        if (ahead > 0) await sleep(ahead);
        else if (ahead < -250) {
          run.anchorModel = sim.time; // fell behind (a slow machine): do not try to catch up
          run.anchorWall = performance.now();
        } else await sleep(0);
      } else await sleep(0); // let control messages in
    }
    post({ type: 'done', reason: run.stopped ? 'stopped' : 'completed', t: sim.time });
  } catch (e) {
    run.stopped = true;
    post({ type: 'done', reason: 'error', message: describeError(e).message, t: sim.time });
  } finally {
    run.looping = false;
    await runBetween(run);
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    switch (m.type) {
      case 'start':
        void start(m).catch((err) => post({ type: 'error', ...describeError(err), running: running() }));
        break;
      case 'restore':
        void restore(m).catch((err) => post({ type: 'error', ...describeError(err), running: running(), action: 'restore', kept: !!current }));
        break;
      case 'snapshot':
        void save().catch((err) => post({ type: 'error', ...describeError(err), running: running(), action: 'snapshot', kept: !!current }));
        break;
      case 'stop':
        if (current) current.stopped = true;
        break;
      case 'setInputRate':
        if (current && !current.stopped) {
          setInputRate(current, m.rateHz);
          post({ type: 'applied', what: `input rate ${m.rateHz} Hz` });
        }
        break;
      case 'setWeights':
        if (current && !current.stopped) {
          setWeights(current, m.factors);
          post({ type: 'applied', what: 'weights' });
        }
        break;
      case 'probe':
        if (current && !current.stopped) {
          const t = m.target;
          const p = t ? current.info.populations.find((q) => q.name === t.population) : undefined;
          if (!t || !p?.probeVariable || t.neuron >= p.size) current.probe = null;
          else {
            const old = current.probe;
            const same = old?.monitored && old.target.population === t.population && old.target.neuron === t.neuron;
            current.probe = same ? old : { target: t, variable: p.probeVariable, monitored: false };
          }
        }
        break;
      case 'generate':
        try {
          post({ type: 'generated', id: m.id, model: generate(m.request) });
        } catch (err) {
          post({ type: 'generated', id: m.id, error: describeError(err).message });
        }
        break;
      case 'pace':
        if (current) {
          current.pace = m.pace;
          current.anchorModel = current.sim.time;
          current.anchorWall = performance.now();
        }
        break;
    }
  } catch (err) {
    post({ type: 'error', ...describeError(err), running: running() });
  }
};

const f = detectFeatures();
post({
  type: 'ready',
  features: {
    wasm: f.wasm,
    simd: f.simd,
    crossOriginIsolated: (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    cores: navigator.hardwareConcurrency || 1,
  },
});
