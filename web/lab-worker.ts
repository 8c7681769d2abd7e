/**
 * The worker of the page's small-model views, all through the public API (Simulation, standardCells):
 *  - #neuron, live: one neuron with a constant current, its v recorded every step by a state monitor
 *    and posted in chunks paced to model time. A network's current cannot change while it runs
 *    (no setter for a parameter), so a new current builds the neuron again, starting from the state
 *    the old one reached (sim.getState of every state variable as the new `initial`).
 *  - #neuron, f–I curve: one population with a current per neuron (an array of i_offset), run for
 *    durationMs; the rate of each neuron is its spike count over the run.
 *  - #gates: the McCulloch–Pitts units (model `threshold`) fed by two spike generators A and B that
 *    present the patterns 00, 01, 10, 11 four steps apart; a unit of layer 1 answers one step after
 *    its pattern, layer 2 two steps after.
 */
import { Simulation, standardCells } from '../src/index.ts';
import type { ModelSpec, PopulationSpec } from '../src/core/types.ts';
import type { FromLab, GatesRequest, NeuronEntry, ToLab } from './lab-protocol.ts';

const post = (m: FromLab, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DT = 0.1;

const mv = (x: string | number | undefined, dflt: number) => (typeof x === 'number' ? x : x ? parseFloat(x) : dflt);

const CELL_TEXT: Record<string, { title: string; description: string; max: number; dflt: number; range: [number, number] }> = {
  IF_cond_exp: {
    title: 'IF_cond_exp: integrate-and-fire, conductance synapses',
    description: "PyNN's leaky integrate-and-fire cell with exponentially decaying synaptic conductances (NEST iaf_cond_exp), from equations.",
    max: 3, dflt: 1, range: [-80, -35],
  },
  IF_cond_alpha: {
    title: 'IF_cond_alpha: integrate-and-fire, alpha conductances',
    description: 'The same membrane with alpha-shaped synaptic conductances (NEST iaf_cond_alpha), from equations.',
    max: 3, dflt: 1, range: [-80, -35],
  },
  IF_curr_alpha: {
    title: 'IF_curr_alpha: integrate-and-fire, alpha currents',
    description: 'Leaky integrate-and-fire with alpha-shaped synaptic currents (NEST iaf_psc_alpha), from equations.',
    max: 3, dflt: 1, range: [-80, -35],
  },
  EIF_cond_exp_isfa_ista: {
    title: 'Adaptive exponential (AdEx, EIF_cond_exp_isfa_ista)',
    description: 'Brette & Gerstner (2005): an exponential spike onset above V_T and an adaptation current w that grows at every spike, so the intervals lengthen (NEST aeif_cond_exp).',
    max: 3, dflt: 1, range: [-80, -30],
  },
  EIF_cond_alpha_isfa_ista: {
    title: 'Adaptive exponential, alpha conductances (EIF_cond_alpha_isfa_ista)',
    description: 'AdEx with alpha-shaped synaptic conductances (NEST aeif_cond_alpha).',
    max: 3, dflt: 1, range: [-80, -30],
  },
  HH_cond_exp: {
    title: 'Hodgkin–Huxley (HH_cond_exp, Traub–Miles)',
    description: 'Sodium and potassium channels with voltage-dependent gates make the action potential itself: no threshold or reset in the model, a spike is counted when v crosses v_offset + 30 mV (NEST hh_cond_exp_traub).',
    max: 0.5, dflt: 0.1, range: [-90, 60],
  },
};

function catalog(): NeuronEntry[] {
  const out: NeuronEntry[] = [
    {
      id: 'lif', title: 'Leaky integrate-and-fire (IF_curr_exp)',
      description: "The lecture's integrate-and-fire neuron: v relaxes to rest with τ = 20 ms, a spike when v crosses the threshold, then v is reset and held for the refractory period. PyNN's defaults, hand-written kernel.",
      unit: 'nA', currentMax: 3, currentStep: 0.01, currentDefault: 1,
      marks: [{ label: 'threshold', v: -50, kind: 'threshold' }, { label: 'reset', v: -65, kind: 'reset' }], vRange: [-70, -45],
    },
    {
      id: 'izhikevich', title: 'Izhikevich (2003), regular spiking',
      description: "v' = 0.04v² + 5v + 140 − u + I, u' = a(bv − u): two equations that make real spike shapes; at v = 30 mV v is reset to c and u grows by d. The current I is in the model's own unit.",
      unit: 'I (mV/ms)', currentMax: 30, currentStep: 0.1, currentDefault: 10,
      marks: [{ label: 'spike cut-off v_peak', v: 30, kind: 'cutoff' }, { label: 'reset c', v: -65, kind: 'reset' }], vRange: [-85, 40],
    },
  ];
  for (const cell of standardCells()) {
    const text = CELL_TEXT[cell.name];
    if (!text) continue; // a cell added later: listed once it has a text here
    const p = cell.model.parameters ?? {};
    const marks: NeuronEntry['marks'] = [];
    if (cell.name.startsWith('EIF')) {
      marks.push({ label: 'V_T (soft threshold)', v: mv(p.v_thresh, -50.4), kind: 'threshold' });
      marks.push({ label: 'spike cut-off v_spike', v: mv(p.v_spike, -40), kind: 'cutoff' });
      marks.push({ label: 'reset', v: mv(p.v_reset, -70.6), kind: 'reset' });
    } else if (cell.name.startsWith('HH')) {
      marks.push({ label: 'spike counted above', v: mv(p.v_offset, -63) + 30, kind: 'cutoff' });
    } else {
      marks.push({ label: 'threshold', v: mv(p.v_thresh, -50), kind: 'threshold' });
      marks.push({ label: 'reset', v: mv(p.v_reset, -65), kind: 'reset' });
    }
    out.push({
      id: cell.name, title: text.title, description: text.description, unit: 'nA', currentMax: text.max, currentStep: text.max / 300,
      currentDefault: text.dflt, marks, vRange: text.range,
    });
  }
  return out;
}

/** One population "cell" of `model` with the current(s) and initial state given. */
function neuronSpec(model: string, current: number | number[], initial?: Record<string, number>, durationMs = 1000): ModelSpec {
  const n = Array.isArray(current) ? current.length : 1;
  let pop: Record<string, unknown>;
  if (model === 'lif') pop = { name: 'cell', size: n, model: 'lif', params: { i_offset: current }, initial: initial ?? { v: -65 } };
  else if (model === 'izhikevich') pop = { name: 'cell', size: n, model: 'izhikevich', params: { i_offset: current }, initial: initial ?? { v: -70, u: -14 } };
  else {
    const cell = standardCells().find((c) => c.name === model);
    if (!cell) throw new Error(`unknown neuron model "${model}"`);
    // a standard cell by name, PyNN's parameters (i_offset in nA) and initial values (strings with units)
    pop = { name: 'cell', size: n, model: cell.name, parameters: { i_offset: current }, initial: initial ?? cell.initial };
  }
  return { name: `neuron-${model}`, dt: DT, duration: durationMs, seed: 1, populations: [pop as unknown as PopulationSpec] };
}

function stateNames(sim: Simulation): string[] {
  const p = sim.network.populations[0];
  // internal variables (refractory counter, lastspike) are not initial values a model can set
  if (p.equations) return p.equations.compiled.state.filter((s) => s.kind !== 'internal').map((s) => s.name);
  if (p.model === 'lif') return p.synapse === 'delta' ? ['v'] : ['v', 'ie', 'ii'];
  if (p.model === 'izhikevich') return p.synapse === 'exp' ? ['v', 'u', 'ie', 'ii'] : ['v', 'u'];
  return ['v'];
}

// ---------------------------------------------------------------------------------------------
// #neuron: the live trace
// ---------------------------------------------------------------------------------------------

interface Live {
  model: string;
  current: number;
  pace: number;
  stopped: boolean;
  /** the current asked for: the neuron is rebuilt at the next chunk when it differs */
  wanted: number;
  /** the pace changed: measure model time against wall time from now */
  reanchor: boolean;
}
let live: Live | null = null;
let liveDone: Promise<void> = Promise.resolve();

async function buildLive(model: string, current: number, initial?: Record<string, number>): Promise<Simulation> {
  const spec = neuronSpec(model, current, initial);
  spec.monitors = [
    { type: 'state', population: 'cell', variables: ['v'], neurons: [0], every: 1 },
    { type: 'spikes', population: 'cell' },
  ];
  return Simulation.create(spec, { backend: 'wasm', threads: 1 });
}

async function runLive(l: Live): Promise<void> {
  let sim = await buildLive(l.model, l.current);
  let offset = 0; // model time before the current neuron was built, ms
  const chunkMs = 20;
  let wall0 = performance.now();
  let model0 = 0;
  try {
    while (!l.stopped) {
      if (l.wanted !== l.current) {
        const initial: Record<string, number> = {};
        for (const name of stateNames(sim)) initial[name] = (await sim.getState('cell', name))[0];
        offset += sim.time;
        sim.dispose();
        l.current = l.wanted;
        sim = await buildLive(l.model, l.current, initial);
      }
      await sim.run(chunkMs);
      const st = sim.takeState(0);
      const t = Float64Array.from(st.t, (x) => x + offset);
      const v = Float32Array.from(st.values.v[0]);
      const spikes = Float64Array.from(sim.takeSpikes('cell').t, (x) => x + offset);
      post({ type: 'neuron-chunk', model: l.model, current: l.current, t, v, spikes }, [t.buffer, v.buffer, spikes.buffer]);
      // pace: model time per wall time (the neuron itself is far faster than real time)
      const modelNow = offset + sim.time;
      if (l.reanchor) {
        l.reanchor = false;
        wall0 = performance.now();
        model0 = modelNow;
      }
      const due = wall0 + (modelNow - model0) / l.pace;
      const ahead = due - performance.now();
      if (ahead > 0) await sleep(ahead);
      else {
        if (ahead < -250) {
          wall0 = performance.now();
          model0 = modelNow;
        }
        await sleep(0);
      }
    }
  } finally {
    sim.dispose();
  }
}

async function startLive(model: string, current: number, pace: number) {
  if (live) live.stopped = true;
  await liveDone;
  const l: Live = { model, current, wanted: current, pace: pace > 0 ? pace : 1, stopped: false, reanchor: false };
  live = l;
  liveDone = runLive(l).catch((e) => post({ type: 'lab-error', what: 'neuron', message: (e as Error).message ?? String(e) }));
}

// ---------------------------------------------------------------------------------------------
// #neuron: the f–I curve
// ---------------------------------------------------------------------------------------------

async function fiCurve(model: string, currents: number[], durationMs: number): Promise<number[]> {
  const spec = neuronSpec(model, currents, undefined, durationMs);
  spec.monitors = [{ type: 'spikes', population: 'cell' }];
  const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1 });
  try {
    await sim.run(durationMs);
    const counts = new Array<number>(currents.length).fill(0);
    for (const i of sim.spikes('cell').i) counts[i]++;
    return counts.map((c) => (c * 1000) / durationMs);
  } finally {
    sim.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// #gates: truth tables
// ---------------------------------------------------------------------------------------------

/** the patterns (A, B) = 00, 01, 10, 11 at these steps */
const PATTERN_STEPS = [2, 6, 10, 14];

async function truthTables(r: GatesRequest): Promise<{ outputs: Record<string, number[]>; steps: number }> {
  const times = (bit: (k: number) => number) => [PATTERN_STEPS.filter((_, k) => bit(k) === 1)];
  const steps = PATTERN_STEPS[3] + 4;
  const units = [...r.layer1, r.layer2];
  const spec: ModelSpec = {
    name: 'gates', dt: 1, duration: steps, seed: 1,
    populations: [
      { name: 'A', size: 1, model: 'spike_generator', params: { spike_times: times((k) => (k >> 1) & 1) } },
      { name: 'B', size: 1, model: 'spike_generator', params: { spike_times: times((k) => k & 1) } },
      ...units.map((u): PopulationSpec => ({ name: u.name, size: 1, model: 'threshold', params: { mu: u.mu } })),
    ],
    projections: [
      ...r.layer1.flatMap((u) => (['A', 'B'] as const).map((src, j) => ({ source: src, target: u.name, w: u.w[j] }))),
      ...r.layer2.inputs.map((src, j) => ({ source: src, target: r.layer2.name, w: r.layer2.w[j] })),
    ]
      .filter((p) => p.w !== 0) // a weight of 0 is no synapse
      .map((p) => ({ source: p.source, target: p.target, connect: { rule: 'all_to_all' as const }, weight: p.w, delay: 1 })),
    monitors: units.map((u) => ({ type: 'spikes' as const, population: u.name })),
  };
  const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1 });
  try {
    await sim.run(steps);
    const outputs: Record<string, number[]> = {};
    for (const u of units) {
      const lag = u === r.layer2 ? 2 : 1;
      const fired = new Set(Array.from(sim.spikes(u.name).t, (t) => Math.round(t)));
      outputs[u.name] = PATTERN_STEPS.map((s) => (fired.has(s + lag) ? 1 : 0));
    }
    return { outputs, steps };
  } finally {
    sim.dispose();
  }
}

self.onmessage = (e: MessageEvent<ToLab>) => {
  const m = e.data;
  const fail = (what: string) => (err: unknown) => post({ type: 'lab-error', what, message: (err as Error)?.message ?? String(err) });
  switch (m.type) {
    case 'neuron-start':
      void startLive(m.model, m.current, m.pace).catch(fail('neuron'));
      break;
    case 'neuron-current':
      if (live) live.wanted = m.current;
      break;
    case 'neuron-pace':
      if (live) {
        live.pace = m.pace > 0 ? m.pace : 1;
        live.reanchor = true;
      }
      break;
    case 'neuron-stop':
      if (live) live.stopped = true;
      void liveDone.then(() => post({ type: 'neuron-stopped' }));
      break;
    case 'fi': {
      const t0 = performance.now();
      fiCurve(m.model, m.currents, m.durationMs)
        .then((rates) => post({ type: 'fi', id: m.id, model: m.model, currents: m.currents, rates, durationMs: m.durationMs, seconds: (performance.now() - t0) / 1000 }))
        .catch(fail('fi'));
      break;
    }
    case 'gates':
      truthTables(m.request).then((r) => post({ type: 'gates', id: m.id, ...r })).catch(fail('gates'));
      break;
  }
};

post({ type: 'ready', neurons: catalog() });
