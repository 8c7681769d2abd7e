#!/usr/bin/env node
// The figures of docs/cells.md: the membrane potential of one neuron of each standard cell
// (src/neurons/cells) and of the built-in lif and izhikevich models under a current step, 0 for
// 20 ms, then a step of a chosen amplitude until 220 ms, then 0 again, run by the engine (wasm,
// one thread, dt 0.1 ms) with a state monitor of v every step. Each figure, docs/figures/cells/<name>.svg,
// shows v(t) with the spike times above it and the injected current below.
//
//   npm run figures                             → builds dist/ (npm run build:ts), writes docs/figures/cells/*.svg
//   node scripts/cell-figures.js --check        → compares instead (exit 1 when a figure differs or is missing)
//   node scripts/cell-figures.js --out /tmp/f   → writes elsewhere
//
// A standard cell is a model from equations, which takes no `current` input (its currents are
// parameters in its equations): the step goes through the cell's own i_offset, declared a
// per-neuron variable (`i_offset : amp`) instead of a parameter, and moved by two spike generators,
// +amplitude at 20 ms and -amplitude at 220 ms (`on_pre: "i_offset += w"`); the rest of the model
// is the cell's, with PyNN's defaults and PyNN's initial values. The current panel is i_offset as
// the state monitor recorded it. lif and izhikevich take a `current` input with start and stop.
// The SVG depends on the run only (no dates), so the same sources give the same bytes.
import { Command } from 'commander';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Simulation, standardCells, traceSvg } from '../dist/index.js';

const o = new Command()
  .name('node scripts/cell-figures.js')
  .option('--out <dir>', 'output directory', 'docs/figures/cells')
  .option('--check', 'compare with the files in --out instead of writing them; exit 1 when one differs')
  .parse(process.argv)
  .opts();

const DT = 0.1;
const ON = 20;
const OFF = 220;
const DURATION = 300;

/**
 * Per figure: the step's amplitude (nA; izhikevich: the paper's units) and why that one, written
 * under the title. Rheobases: the IF cells (v_thresh - v_rest) cm / tau_m = 0.75 nA; the AdEx
 * about 0.6 nA (its spikes adapt: w grows by b at each); HH_cond_exp between 0.01 and 0.04 nA.
 */
const STEPS = {
  IF_cond_exp: { amplitude: 1, why: 'tonic firing above the rheobase of 0.75 nA' },
  IF_cond_alpha: { amplitude: 1, why: 'tonic firing above the rheobase of 0.75 nA' },
  IF_curr_alpha: { amplitude: 1, why: 'tonic firing above the rheobase of 0.75 nA' },
  EIF_cond_exp_isfa_ista: { amplitude: 1, why: 'spike-frequency adaptation: w grows by b at every spike' },
  EIF_cond_alpha_isfa_ista: { amplitude: 1, why: 'spike-frequency adaptation: w grows by b at every spike' },
  HH_cond_exp: { amplitude: 0.1, why: 'repetitive action potentials (rheobase 0.01–0.04 nA)' },
  lif: { amplitude: 1, why: 'tonic firing above the rheobase of 0.75 nA' },
  izhikevich: { amplitude: 10, why: 'regular spiking: the first interval shortest' },
};

function stepOf(name) {
  if (!STEPS[name]) throw new Error(`no step chosen for ${name}: add it to STEPS in scripts/cell-figures.js`);
  return STEPS[name];
}

const monitors = (variables) => [
  { type: 'state', population: 'cell', variables, neurons: [0], every: 1 },
  { type: 'spikes', population: 'cell' },
];

/** A standard cell with its i_offset stepped by two spike generators (see the header). */
function cellSpec(cell, amplitude) {
  const { i_offset: _, ...parameters } = cell.model.parameters;
  const model = { ...cell.model, equations: `${cell.model.equations}\ni_offset : amp`, parameters };
  // a spike emitted at t arrives at t + delay and is added after that step's integration: the
  // current acts from the step that starts at t + 2 dt
  const edge = (name, t, w) => ({
    population: { name, size: 1, model: 'spike_generator', params: { spike_times: [[+(t - 2 * DT).toFixed(6)]] } },
    projection: { source: name, target: 'cell', connect: { rule: 'all_to_all' }, weight: w, delay: DT, on_pre: 'i_offset += w' },
  });
  const edges = [edge('on', ON, amplitude), edge('off', OFF, -amplitude)];
  return {
    dt: DT, duration: DURATION, seed: 1,
    populations: [{ name: 'cell', size: 1, model, initial: { ...cell.initial, i_offset: 0 } }, ...edges.map((e) => e.population)],
    projections: edges.map((e) => e.projection),
    monitors: monitors(['v', 'i_offset']),
  };
}

/**
 * lif or izhikevich with its defaults, PyNN's initial values (IF_curr_exp: v = -65 mV; Izhikevich:
 * v = -70 mV, u = -14, the resting state of the default neuron) and a `current` input between ON and OFF.
 */
function builtinSpec(model, initial, amplitude) {
  return {
    dt: DT, duration: DURATION, seed: 1,
    populations: [{ name: 'cell', size: 1, model, initial }],
    inputs: [{ type: 'current', target: 'cell', amplitude, start: ON, stop: OFF }],
    monitors: monitors(['v']),
  };
}

async function run(spec) {
  const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1 });
  try {
    await sim.run(DURATION);
    const st = sim.state(0);
    return { t: st.t, values: st.values, spikes: sim.spikes('cell').t };
  } finally {
    sim.dispose();
  }
}

const figures = [];
for (const cell of standardCells())
  figures.push({
    name: cell.name, nest: cell.aliases[0], about: `PyNN's defaults and initial values, ${cell.model.method}`,
    spec: cellSpec(cell, stepOf(cell.name).amplitude),
  });
figures.push({
  name: 'lif', nest: 'iaf_psc_exp', about: "PyNN's IF_curr_exp defaults, v0 = -65 mV, exact (hand-written kernel)",
  spec: builtinSpec('lif', { v: -65, ie: 0, ii: 0 }, STEPS.lif.amplitude),
});
figures.push({
  name: 'izhikevich', nest: 'izhikevich', about: "NEST's defaults, PyNN's v0 = -70 mV, u0 = -14, euler (hand-written kernel)",
  spec: builtinSpec('izhikevich', { v: -70, u: -14 }, STEPS.izhikevich.amplitude),
});

if (!o.check) mkdirSync(o.out, { recursive: true });
let differ = 0;
for (const f of figures) {
  const step = stepOf(f.name);
  const r = await run(f.spec);
  const v = r.values.v[0];
  // the current over each step: the cells' i_offset as recorded, the built-ins' input window
  const current = r.values.i_offset
    ? r.values.i_offset[0]
    : Float32Array.from(r.t, (_, k) => (k >= Math.round(ON / DT) && k < Math.round(OFF / DT) ? step.amplitude : 0));
  const izh = f.name === 'izhikevich';
  const amp = izh ? `I = ${step.amplitude}` : `${step.amplitude} nA`;
  const n = r.spikes.length;
  const svg = traceSvg({
    title: `${f.name} (NEST ${f.nest}): ${amp} step, ${ON}–${OFF} ms, ${n} spike${n === 1 ? '' : 's'}`,
    subtitle: `${step.why}; ${f.about}, dt = ${DT} ms`,
    main: { label: 'v', unit: 'mV', traces: [{ t: r.t, y: v }], marks: r.spikes },
    input: { label: izh ? 'I' : 'current', unit: izh ? 'mV/ms' : 'nA', traces: [{ t: r.t, y: current, color: '#444' }] },
    tRange: [0, DURATION],
  });
  const file = path.join(o.out, `${f.name}.svg`);
  if (o.check) {
    let old = null;
    try {
      old = readFileSync(file, 'utf8');
    } catch {
      // missing: reported below
    }
    if (old !== svg) {
      differ++;
      console.error(`${file}: ${old === null ? 'missing' : 'differs from what the script makes'}`);
    }
  } else {
    writeFileSync(file, svg);
    console.log(`${file}: v in [${Math.min(...v).toFixed(1)}, ${Math.max(...v).toFixed(1)}] mV, ${n} spikes at ${Array.from(r.spikes, (t) => t.toFixed(1)).join(' ')} ms`);
  }
}
if (o.check) {
  if (differ) {
    console.error(`${differ} of ${figures.length} figures differ: run npm run figures`);
    process.exit(1);
  }
  console.log(`${figures.length} figures up to date in ${o.out}`);
}
