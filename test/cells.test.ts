/**
 * The standard cells (src/neurons/cells/, docs/cells.md): PyNN's names and NEST's aliases, PyNN's
 * defaults, the same spikes on js and wasm, and reference behaviour: the closed-form steady state,
 * time course and first-spike time of IF_cond_exp (and IF_curr_alpha), the alpha synapses'
 * normalisation (peak = w at t = tau), the AdEx firing patterns of Naud et al. (2008) under their
 * step currents, and the rheobase and f–I curve of HH_cond_exp against rk4 at a 10× smaller step.
 */
import { describe, it, expect } from 'vitest';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import { standardCell, standardCells, type StandardCell } from '../src/neurons/cells/index.ts';
import { parseQuantity } from '../src/equations/units.ts';
import { builtinModel } from '../src/neurons/index.ts';
import { validateModel } from '../src/network/validate.ts';
import type { ModelSpec } from '../src/core/types.ts';

const JS: SimulationOptions = { backend: 'js', threads: 1 };
const WASM: SimulationOptions = { backend: 'wasm', threads: 1 };

/** A population of `size` neurons of `cell` (starting at the cell's PyNN initial values where `initial` says nothing). */
function cellSpec(cell: string, parameters: Record<string, unknown>, opts: { size?: number; dt?: number; duration?: number; initial?: Record<string, unknown>; record?: string[]; extra?: Partial<ModelSpec> } = {}): ModelSpec {
  return {
    dt: opts.dt ?? 0.1,
    duration: opts.duration ?? 100,
    seed: 1,
    ...opts.extra,
    populations: [
      { name: 'P', size: opts.size ?? 1, model: cell, parameters: parameters as never, ...(opts.initial ? { initial: opts.initial as never } : {}) },
      ...((opts.extra?.populations as ModelSpec['populations']) ?? []),
    ],
    monitors: [
      { type: 'spikes', population: 'P' },
      ...(opts.record ? [{ type: 'state' as const, population: 'P', variables: opts.record, neurons: [0], every: 1 }] : []),
    ],
  } as ModelSpec;
}

async function run(spec: ModelSpec, opts: SimulationOptions = WASM) {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(spec.duration);
    const d = sim.spikes('P');
    const trains: number[][] = [];
    for (let k = 0; k < d.count; k++) (trains[d.i[k]] ??= []).push(d.t[k]);
    const record = (spec.monitors ?? []).find((m) => m.type === 'state') as { variables: string[] } | undefined;
    const state: Record<string, Float32Array> = {};
    if (record) for (const v of record.variables) state[v] = Float32Array.from(sim.state(0).values[v][0]);
    return { steps: Array.from(d.steps), i: Array.from(d.i), trains, state };
  } finally {
    sim.dispose();
  }
}

/**
 * One population of `params.length` neurons of `cell` (or `opts.model`), neuron k with the parameters
 * `params[k]` (per-neuron arrays; a value that every entry shares stays one value, so it may be a
 * string with units): the spike times of each neuron.
 */
async function trainsOf(cell: string, params: Record<string, unknown>[], opts: { dt?: number; duration: number; model?: unknown; initial?: Record<string, unknown>[] }, sim: SimulationOptions = WASM) {
  const perNeuron = (rows: Record<string, unknown>[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of new Set(rows.flatMap((r) => Object.keys(r)))) {
      const col = rows.map((r) => r[k]);
      out[k] = col.every((x) => x === col[0]) ? col[0] : col;
    }
    return out;
  };
  // an inline model is no standard cell: it starts at the cell's initial values only when told so
  const initial = { ...(opts.model ? standardCell(cell)!.initial : {}), ...perNeuron(opts.initial ?? []) };
  const spec = cellSpec(cell, perNeuron(params), { size: params.length, dt: opts.dt, duration: opts.duration, initial });
  if (opts.model) spec.populations[0].model = opts.model as never;
  const r = await run(spec, sim);
  return params.map((_, k) => r.trains[k] ?? []);
}

/**
 * How to drive a cell: the on_pre of its excitatory and inhibitory synapses (weights positive; the
 * current-based cell subtracts its inhibitory weights), a weight of Poisson input (nA or µS) and an
 * i_offset (nA) that make it fire at a moderate rate.
 */
function drive(c: StandardCell): { exc: string; inh: string; weight: number; i_offset: number } {
  const exc = c.name.includes('alpha') ? 'ysyn_exc' : 'gsyn_exc';
  const inh = exc.replace('exc', 'inh');
  const current = c.name.startsWith('IF_curr');
  return {
    exc: `${exc} += w`,
    inh: current ? `${inh} -= w` : `${inh} += w`,
    weight: current ? 0.2 : 0.004,
    i_offset: c.name.startsWith('HH') ? 0.05 : c.name.startsWith('EIF') ? 0.3 : 0.6,
  };
}

/**
 * An E/I network: E (excitatory) and I (inhibitory), each `{ size, model, ...values }`, with
 * projections E→E, E→I, I→E and I→I (fixed indegrees 20, 20, 10, 10, delays 1 to 2 ms, weights
 * `w.exc` from E and `w.inh` from I) and Poisson input of weight `w.input` into both; `onPre` for
 * targets from equations. 150 ms.
 */
function eiNetwork(pops: { E: Record<string, unknown>; I: Record<string, unknown> }, w: { exc: number; inh: number; input: number }, onPre?: { exc: string; inh: string }): ModelSpec {
  const on = (source: string) => (onPre ? { on_pre: source === 'E' ? onPre.exc : onPre.inh } : {});
  const proj = (source: string, target: string, indegree: number, delay: number) => ({
    source, target, connect: { rule: 'fixed_indegree', indegree }, weight: source === 'E' ? w.exc : w.inh, delay, ...on(source),
  });
  return {
    dt: 0.1, duration: 150, seed: 5,
    populations: [{ name: 'E', type: 'excitatory', ...pops.E }, { name: 'I', type: 'inhibitory', ...pops.I }],
    projections: [proj('E', 'E', 20, 1), proj('E', 'I', 20, 1.5), proj('I', 'E', 10, 1), proj('I', 'I', 10, 2)],
    inputs: ['E', 'I'].map((target) => ({ type: 'poisson', target, rate: 2000, weight: w.input, ...on('E') })),
    monitors: [{ type: 'spikes', population: 'E' }, { type: 'spikes', population: 'I' }],
  } as ModelSpec;
}

/** The spikes and final v of E and I of an eiNetwork, and the models of the plan. */
async function runNetwork(spec: ModelSpec, opts: SimulationOptions) {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(spec.duration);
    const of = async (p: string) => ({ i: Array.from(sim.spikes(p).i), steps: Array.from(sim.spikes(p).steps), v: Array.from(await sim.getState(p, 'v')) });
    return { E: await of('E'), I: await of('I'), models: sim.network.populations.map((p) => p.model as string) };
  } finally {
    sim.dispose();
  }
}

const isis = (t: number[] = []) => t.slice(1).map((x, k) => x - t[k]);

describe('the library of standard cells', () => {
  it('PyNN names and NEST aliases resolve to the same descriptor, with PyNN\'s defaults', () => {
    const names: Record<string, string> = {
      IF_cond_exp: 'iaf_cond_exp', IF_cond_alpha: 'iaf_cond_alpha', IF_curr_alpha: 'iaf_psc_alpha',
      EIF_cond_exp_isfa_ista: 'aeif_cond_exp', EIF_cond_alpha_isfa_ista: 'aeif_cond_alpha', HH_cond_exp: 'hh_cond_exp_traub',
    };
    expect(standardCells().map((c) => c.name).sort()).toEqual(Object.keys(names).sort());
    for (const [name, alias] of Object.entries(names)) {
      expect(standardCell(name)?.name).toBe(name);
      expect(standardCell(alias)).toBe(standardCell(name));
      expect(standardCell(name)!.reference.length).toBeGreaterThan(20);
    }
    expect(standardCell('no_such_cell')).toBeNull();
    // pyNN/standardmodels/cells.py, IF_cond_exp.default_parameters
    expect(standardCell('IF_cond_exp')!.model.parameters).toEqual({
      v_rest: '-65*mV', cm: '1*nF', tau_m: '20*ms', tau_refrac: '0.1*ms', tau_syn_E: '5*ms', tau_syn_I: '5*ms',
      e_rev_E: '0*mV', e_rev_I: '-70*mV', v_thresh: '-50*mV', v_reset: '-65*mV', i_offset: '0*nA',
    });
    expect(standardCell('IF_cond_alpha')!.model.parameters).toMatchObject({ tau_syn_E: '0.3*ms', tau_syn_I: '0.5*ms' });
    expect(standardCell('IF_curr_alpha')!.model.parameters).toMatchObject({ tau_syn_E: '0.5*ms', tau_syn_I: '0.5*ms' });
    for (const n of ['EIF_cond_exp_isfa_ista', 'EIF_cond_alpha_isfa_ista'])
      expect(standardCell(n)!.model.parameters).toEqual({
        cm: '0.281*nF', tau_refrac: '0.1*ms', v_spike: '-40*mV', v_reset: '-70.6*mV', v_rest: '-70.6*mV', tau_m: '9.3667*ms',
        i_offset: '0*nA', a: '4*nS', b: '0.0805*nA', delta_T: '2*mV', tau_w: '144*ms', v_thresh: '-50.4*mV',
        e_rev_E: '0*mV', tau_syn_E: '5*ms', e_rev_I: '-80*mV', tau_syn_I: '5*ms',
      });
    expect(standardCell('HH_cond_exp')!.model.parameters).toEqual({
      gbar_Na: '20*uS', gbar_K: '6*uS', g_leak: '0.01*uS', cm: '0.2*nF', v_offset: '-63*mV', e_rev_Na: '50*mV', e_rev_K: '-90*mV',
      e_rev_leak: '-65*mV', e_rev_E: '0*mV', e_rev_I: '-80*mV', tau_syn_E: '0.2*ms', tau_syn_I: '2*ms', i_offset: '0*nA',
    });
  });

  it('a population of a standard cell starts at PyNN\'s initial values; the population\'s initial overrides them variable by variable', async () => {
    const kernel = (x: number | string) => Math.fround(typeof x === 'number' ? x : parseQuantity(x).value);
    const stateOf = async (spec: ModelSpec, vars: string[]) => {
      const sim = await Simulation.create(spec, JS);
      try {
        return Object.fromEntries(await Promise.all(vars.map(async (v) => [v, Array.from(await sim.getState('P', v))] as const)));
      } finally {
        sim.dispose();
      }
    };
    for (const c of standardCells()) {
      const vars = Object.keys(c.initial);
      expect(vars, c.name).toContain('v');
      const start = await stateOf(cellSpec(c.name, {}, { size: 3 }), vars);
      for (const v of vars) expect(start[v], `${c.name} ${v}`).toEqual([0, 1, 2].map(() => kernel(c.initial[v])));
      expect(start.v[0], c.name).toBeLessThan(-60);
      // the NEST alias is the same cell
      expect(await stateOf(cellSpec(c.aliases[0], {}, { size: 3 }), vars), c.aliases[0]).toEqual(start);
      const own = await stateOf(cellSpec(c.name, {}, { size: 3, initial: { v: [-60, -61, -62] } }), vars);
      expect(own.v, c.name).toEqual([-60, -61, -62]);
      for (const v of vars.filter((x) => x !== 'v')) expect(own[v], `${c.name} ${v}`).toEqual(start[v]);
    }
    // HH_cond_exp's gates start at their steady state at -65 mV: at rest without input, no spike
    expect((await run(cellSpec('HH_cond_exp', {}, { duration: 100 }), JS)).steps).toEqual([]);
    // a model of the file's `models` that has a cell's name is the file's model: its variables start at 0
    const cell = standardCell('IF_cond_exp')!;
    const named = { ...cellSpec('IF_cond_exp', {}, { size: 3 }), models: { IF_cond_exp: cell.model } } as ModelSpec;
    expect((await stateOf(named, ['v'])).v).toEqual([0, 0, 0]);
  });

  it('every cell, driven by i_offset and Poisson input into both synapse types, gives the same spikes and v on js and wasm', async () => {
    for (const c of standardCells()) {
      const d = drive(c);
      const spec = cellSpec(c.name, { i_offset: `${d.i_offset}*nA` }, {
        size: 7, duration: 200, record: ['v'],
        extra: {
          inputs: [
            { type: 'poisson', target: 'P', rate: 3000, weight: d.weight, on_pre: d.exc },
            { type: 'poisson', target: 'P', rate: 1000, weight: d.weight, on_pre: d.inh },
          ],
        } as Partial<ModelSpec>,
      });
      const a = await run(spec, JS);
      const b = await run(spec, WASM);
      expect(a.steps.length, c.name).toBeGreaterThan(5);
      expect(b.steps, c.name).toEqual(a.steps);
      expect(b.i, c.name).toEqual(a.i);
      expect(Buffer.from(b.state.v.buffer).equals(Buffer.from(a.state.v.buffer)), c.name).toBe(true);
      // the alias runs the same model
      const alias = { ...spec, populations: [{ ...spec.populations[0], model: c.aliases[0] }] } as ModelSpec;
      expect((await run(alias, WASM)).steps, c.aliases[0]).toEqual(a.steps);
    }
  });
});

describe('IF_curr_exp and Izhikevich: the built-in lif and izhikevich by their PyNN names', () => {
  const net = (model: string, params: Record<string, unknown>, w: { exc: number; inh: number; input: number }) =>
    eiNetwork({ E: { size: 80, model, params }, I: { size: 20, model, params } }, w);
  const cases: [string, string, Record<string, unknown>, { exc: number; inh: number; input: number }][] = [
    ['IF_curr_exp', 'lif', { tau_m: 10, i_offset: 0.5, tau_refrac: 2 }, { exc: 0.2, inh: -1, input: 0.4 }],
    ['Izhikevich', 'izhikevich', { a: 0.02, b: 0.2, c: -65, d: 8, i_offset: 4 }, { exc: 10, inh: -40, input: 10 }],
  ];

  it('a population with the alias gives the same spikes as with the built-in name, on js and wasm', async () => {
    for (const [alias, name, params, w] of cases) {
      expect(builtinModel(alias)).toBe(name);
      for (const opts of [JS, WASM]) {
        const ref = await runNetwork(net(name, params, w), opts);
        expect(ref.E.i.length, `${name} E`).toBeGreaterThan(100);
        expect(ref.I.i.length, `${name} I`).toBeGreaterThan(20);
        const r = await runNetwork(net(alias, params, w), opts);
        expect(r.models, alias).toEqual([name, name]);
        expect(r, `${alias} ${opts.backend}`).toEqual(ref);
      }
    }
  });

  it('the alias takes the built-in model\'s params and errors, and is not a name for a model of the file', () => {
    expect(builtinModel('iaf_psc_exp')).toBeUndefined();
    expect(builtinModel('IF_cond_exp')).toBeUndefined(); // a standard cell, from equations
    const bad = net('IF_curr_exp', { tau_m: -1 }, cases[0][3]);
    expect(validateModel(bad).map((i) => i.path)).toEqual(['populations[0].params.tau_m', 'populations[1].params.tau_m']);
    const shadow = { ...net('lif', {}, cases[0][3]), models: { Izhikevich: standardCell('IF_cond_exp')!.model } } as ModelSpec;
    expect(validateModel(shadow).map((i) => `${i.path}: ${i.message}`)).toEqual([expect.stringMatching(/^models\.Izhikevich: "Izhikevich" is an alias of the built-in model 'izhikevich'/)]);
  });
});

describe('per-neuron parameter arrays in models with several state variables', () => {
  // before 27a832b a per-neuron parameter whose array held one value was one number in the plan
  // and only the first neuron of the slice got it: neurons 1.. of these runs never spiked
  const plain = {
    equations: 'dv/dt = (El - v)/tau + I/C : volt\ndg/dt = -g/tg : siemens',
    threshold: 'v > Vt', reset: 'v = El', method: 'euler',
    parameters: { El: '-65*mV', tau: '20*ms', I: '1.5*nA', C: '1*nF', tg: '5*ms', Vt: '-50*mV' },
  };
  const cases: { model: string | typeof plain; name: string; scalar: number; distinct: number[]; fixed?: Record<string, unknown> }[] = [
    { model: 'IF_cond_exp', name: 'v_thresh', scalar: -50, distinct: [-50, -52, -55, -51, -58, -53], fixed: { i_offset: 1.5 } },
    { model: 'IF_cond_exp', name: 'i_offset', scalar: 1.5, distinct: [1.5, 2, 3, 1.8, 1.2, 2.5] },
    { model: plain, name: 'Vt', scalar: -50, distinct: [-50, -52, -55, -51, -58, -53] },
    { model: plain, name: 'I', scalar: 1.5, distinct: [1.5, 2, 3, 1.8, 1.2, 2.5] },
  ];
  /** spike times per neuron of one population of `values.length` neurons (6: a SIMD block of 4 and a tail) */
  async function trains(model: string | typeof plain, parameters: Record<string, unknown>, size: number, backend: SimulationOptions) {
    const spec = {
      dt: 0.1, duration: 100, seed: 1,
      populations: [{ name: 'P', size, model, parameters, initial: { v: -65 } }],
      monitors: [{ type: 'spikes', population: 'P' }],
    } as ModelSpec;
    const r = await run(spec, backend);
    return { ...r, trains: Array.from({ length: size }, (_, k) => r.trains[k] ?? []) };
  }

  it('an array equal to the scalar gives every neuron exactly the scalar\'s spikes, on js and wasm', async () => {
    for (const backend of [JS, WASM]) {
      for (const c of cases) {
        const what = `${typeof c.model === 'string' ? c.model : 'plain'} ${c.name} ${backend.backend}`;
        const n = c.distinct.length;
        const one = await trains(c.model, { ...c.fixed, [c.name]: c.scalar }, n, backend);
        const arr = await trains(c.model, { ...c.fixed, [c.name]: Array(n).fill(c.scalar) }, n, backend);
        for (let k = 0; k < n; k++) expect(one.trains[k].length, `${what} neuron ${k}`).toBeGreaterThan(3);
        expect(arr.steps, what).toEqual(one.steps);
        expect(arr.i, what).toEqual(one.i);
      }
    }
  });

  it('an array of distinct values gives each neuron the spikes of a single-neuron run with its value, on js and wasm', async () => {
    for (const backend of [JS, WASM]) {
      for (const c of cases) {
        const what = `${typeof c.model === 'string' ? c.model : 'plain'} ${c.name} ${backend.backend}`;
        const arr = await trains(c.model, { ...c.fixed, [c.name]: c.distinct }, c.distinct.length, backend);
        for (const [k, x] of c.distinct.entries()) {
          const single = await trains(c.model, { ...c.fixed, [c.name]: x }, 1, backend);
          expect(single.trains[0].length, `${what} = ${x}`).toBeGreaterThan(3);
          expect(arr.trains[k], `${what} neuron ${k} (${x})`).toEqual(single.trains[0]);
        }
        // the values do differ in effect: no two neurons share a spike train
        expect(new Set(arr.trains.map((t) => t.join())).size, what).toBe(c.distinct.length);
      }
    }
  });
});

describe('IF_cond_exp and IF_curr_alpha against closed forms', () => {
  it('under a constant conductance and current: v(t) = v∞ + (v0 − v∞) e^(−t/τ_eff) to the steady state', async () => {
    // gsyn_exc held constant (tau_syn_E = 1e9 ms): g_L = cm/tau_m = 0.05 µS, g = 0.01 µS, I = 0.2 nA
    const gL = 0.05, g = 0.01, I = 0.2, E = 0, vr = -65;
    const vInf = (gL * vr + g * E + I) / (gL + g); // -50.83 mV, below threshold
    const tau = 1 / (gL + g); // cm / (gL + g), ms
    const r = await run(cellSpec('IF_cond_exp', { i_offset: `${I}*nA`, tau_syn_E: '1e9*ms' }, { duration: 300, initial: { gsyn_exc: g }, record: ['v'] }));
    expect(r.trains[0]).toBeUndefined();
    const v = r.state.v;
    for (const k of [0, 10, 100, 500, 1000, 2999]) expect(v[k], `t = ${k / 10} ms`).toBeCloseTo(vInf + (vr - vInf) * Math.exp(-(k * 0.1) / tau), 3);
    expect(v[2999]).toBeCloseTo(vInf, 3);
    // current only: v∞ = v_rest + i_offset tau_m / cm
    const r2 = await run(cellSpec('IF_cond_exp', { i_offset: '0.7*nA' }, { duration: 300, record: ['v'] }));
    expect(r2.trains[0]).toBeUndefined();
    expect(r2.state.v[2999]).toBeCloseTo(-65 + 0.7 * 20 / 1, 3);
  });

  it('the first-spike time from v_reset under a suprathreshold current is tau_m ln((v∞ − v_reset)/(v∞ − v_thresh)), within a step; ISIs add tau_refrac', async () => {
    for (const cell of ['IF_cond_exp', 'IF_curr_alpha', 'IF_cond_alpha']) {
      for (const [I, tm, cm] of [[1.5, 20, 1], [0.9, 10, 0.5], [3, 30, 2]]) {
        const vInf = -65 + (I * tm) / cm;
        const tStar = tm * Math.log((vInf + 65) / (vInf + 50));
        const r = await run(cellSpec(cell, { i_offset: `${I}*nA`, tau_m: `${tm}*ms`, cm: `${cm}*nF`, tau_refrac: '2*ms' }, { duration: 150 }));
        const t = r.trains[0];
        expect(Math.abs(t[0] - tStar), `${cell} I=${I}: ${t[0]} vs ${tStar}`).toBeLessThanOrEqual(0.1 + 1e-9);
        for (const d of isis(t)) expect(Math.abs(d - (tStar + 2)), `${cell} ISI ${d}`).toBeLessThanOrEqual(0.2 + 1e-9);
      }
    }
  });

  it('alpha synapses peak at w, tau_syn after the spike arrives (NEST\'s normalisation)', async () => {
    for (const [cell, x, y, tauName] of [['IF_curr_alpha', 'isyn_exc', 'ysyn_exc', 'tau_syn_E'], ['IF_cond_alpha', 'gsyn_exc', 'ysyn_exc', 'tau_syn_E'], ['IF_cond_alpha', 'gsyn_inh', 'ysyn_inh', 'tau_syn_I'], ['EIF_cond_alpha_isfa_ista', 'gsyn_exc', 'ysyn_exc', 'tau_syn_E']]) {
      const w = 0.01, tau = 2;
      const spec = cellSpec(cell, { [tauName]: `${tau}*ms` }, {
        duration: 40, dt: 0.01, record: [x],
        extra: {
          populations: [{ name: 'S', size: 1, model: 'spike_generator', params: { spike_times: [[10]] } }],
          projections: [{ source: 'S', target: 'P', connect: { rule: 'all_to_all' }, weight: w, delay: 1, on_pre: `${y} += w` }],
        } as Partial<ModelSpec>,
      });
      const s = (await run(spec, WASM)).state[x];
      let k = 0;
      for (let j = 1; j < s.length; j++) if (s[j] > s[k]) k = j;
      expect(s[k] / w, `${cell} ${x} peak`).toBeCloseTo(1, 3);
      const arrival = Array.from(s).findIndex((v) => v > 0); // first step with conductance
      expect(Math.abs((k - arrival) * 0.01 - tau), `${cell} ${x} time to peak`).toBeLessThanOrEqual(0.02);
    }
  });
});

describe('w in on_pre is the weight, w_post the AdEx cells\' adaptation current (as in Brian2)', () => {
  /** one EIF_cond_exp_isfa_ista neuron receiving one spike (arriving at 11 ms) through on_pre, with gsyn_exc and w recorded */
  const spec = (on_pre: string, weight = 0.01) =>
    cellSpec('EIF_cond_exp_isfa_ista', {}, {
      duration: 30, record: ['gsyn_exc', 'w', 'v'],
      extra: {
        populations: [{ name: 'S', size: 1, model: 'spike_generator', params: { spike_times: [[10]] } }],
        projections: [{ source: 'S', target: 'P', connect: { rule: 'all_to_all' }, weight, delay: 1, on_pre }],
      } as Partial<ModelSpec>,
    });
  const jump = (x: Float32Array) => Math.max(...Array.from(x).map((y, k) => (k ? y - x[k - 1] : 0)));

  it('"gsyn_exc += w" drives the conductance by the weight, as "gsyn_exc += weight" does; "w_post += w" drives the adaptation current', async () => {
    for (const backend of [JS, WASM]) {
      const a = await run(spec('gsyn_exc += w'), backend);
      const b = await run(spec('gsyn_exc += weight'), backend);
      // inputs are added after the integration of the step: the conductance jumps by w
      expect(jump(a.state.gsyn_exc), backend.backend).toBeCloseTo(0.01, 6);
      for (const v of ['gsyn_exc', 'w', 'v']) expect(Array.from(a.state[v]), `${backend.backend} ${v}`).toEqual(Array.from(b.state[v]));
      // the adaptation current only follows v (a = 4 nS, tau_w = 144 ms): no jump by the weight 0.01
      expect(jump(a.state.w)).toBeLessThan(1e-4);
      const c = await run(spec('w_post += w', 0.05), backend);
      expect(Math.max(...c.state.gsyn_exc)).toBe(0);
      expect(jump(c.state.w), backend.backend).toBeGreaterThan(0.049);
      expect(jump(c.state.w)).toBeLessThan(0.0501);
    }
  });

  it('the ambiguous target w and the neuron\'s names in the expression are errors naming the field', async () => {
    const issues = async (on_pre: string) => {
      try {
        await Simulation.create(spec(on_pre), JS);
      } catch (e) {
        return (e as { issues: { path: string; message: string }[] }).issues.map((i) => `${i.path}: ${i.message}`);
      }
      return [];
    };
    expect(await issues('w += w')).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: .*the target 'w' is the synapse's weight .*'w_post'/)]);
    expect(await issues('gsyn_exc += w_post')).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: .*unsupported on_pre expression 'w_post'.*'w_post' is the target's variable w/)]);
    expect(await issues('gsyn_exc += 2*v')).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: .*'v' is the target's variable v/)]);
    expect(await issues('gsyn_exc += tau_w')).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: .*'tau_w' is the target's parameter tau_w/)]);
  });
});

/** Naud et al. (2008) Table 1 (Brian2's examples/frompapers/Naud_et_al_2008_adex_firing_patterns.py): C pF, gL nS, EL, VT, ΔT mV, a nS, τw ms, b pA, Vr mV, I pA. */
const NAUD: Record<string, number[]> = {
  tonic: [200, 10, -70, -50, 2, 2, 30, 0, -58, 500],
  adapting: [200, 12, -70, -50, 2, 2, 300, 60, -58, 500],
  initial_burst: [130, 18, -58, -50, 2, 4, 150, 120, -50, 400],
  regular_bursting: [200, 10, -58, -50, 2, 2, 120, 100, -46, 210],
  delayed_accelerating: [200, 12, -70, -50, 2, -10, 300, 0, -58, 300],
  transient: [100, 10, -65, -50, 2, 10, 90, 100, -47, 180],
};

describe('EIF_cond_exp_isfa_ista: the firing patterns of Naud et al. (2008)', () => {
  it('tonic, adapting, initial burst, regular bursting, delayed accelerating and transient under their step currents', async () => {
    // one neuron per pattern; plain numbers in axonal units (nF, ms, mV, µS, nA); spikes cut at 0 mV as in the paper
    const params = Object.values(NAUD).map((r) => ({
      cm: r[0] * 1e-3, tau_m: r[0] / r[1], v_rest: r[2], v_thresh: r[3], delta_T: r[4], a: r[5] * 1e-3,
      tau_w: r[6], b: r[7] * 1e-3, v_reset: r[8], i_offset: r[9] * 1e-3, v_spike: '0*mV',
    }));
    const initial = Object.values(NAUD).map((r) => ({ v: r[2] }));
    const trains = await trainsOf('EIF_cond_exp_isfa_ista', params, { duration: 600, initial });
    expect(await trainsOf('EIF_cond_exp_isfa_ista', params, { duration: 600, initial }, JS)).toEqual(trains);
    const by = Object.fromEntries(Object.keys(NAUD).map((name, k) => [name, trains[k]]));
    const I = Object.fromEntries(Object.entries(by).map(([n, t]) => [n, isis(t)]));
    // tonic: regular from the start, the ISIs within 10 % of their mean
    const mean = I.tonic.reduce((s, x) => s + x, 0) / I.tonic.length;
    expect(by.tonic.length).toBeGreaterThan(40);
    for (const d of I.tonic) expect(Math.abs(d / mean - 1)).toBeLessThan(0.1);
    // adapting: the ISIs grow monotonically to a steady value several times the first
    expect(by.adapting.length).toBeGreaterThan(8);
    for (let k = 1; k < 6; k++) expect(I.adapting[k]).toBeGreaterThan(I.adapting[k - 1]);
    expect(I.adapting.at(-1)! / I.adapting[0]).toBeGreaterThan(4);
    // initial burst: two short ISIs, then regular long ones
    expect(I.initial_burst[0]).toBeLessThan(10);
    expect(I.initial_burst[1]).toBeLessThan(10);
    for (const d of I.initial_burst.slice(2)) expect(d).toBeGreaterThan(40);
    // regular bursting: short intra-burst and long inter-burst intervals alternate, at least three bursts
    const long = I.regular_bursting.filter((d) => d > 50).length;
    expect(long).toBeGreaterThanOrEqual(3);
    expect(I.regular_bursting.filter((d) => d < 10).length).toBeGreaterThanOrEqual(long);
    for (let k = 1; k < I.regular_bursting.length; k++) expect(I.regular_bursting[k] > 50 && I.regular_bursting[k - 1] > 50).toBe(false);
    // delayed accelerating: a first spike delayed beyond the tonic cell's ISI, then the ISIs shrink
    expect(by.delayed_accelerating[0]).toBeGreaterThan(25);
    expect(I.delayed_accelerating.at(-1)! / I.delayed_accelerating[0]).toBeLessThan(0.7);
    for (let k = 1; k < 10; k++) expect(I.delayed_accelerating[k]).toBeLessThan(I.delayed_accelerating[k - 1]);
    // transient: a spike at the onset, then silence for the rest of the step
    expect(by.transient.length).toBeGreaterThanOrEqual(1);
    expect(by.transient.length).toBeLessThanOrEqual(3);
    expect(by.transient.at(-1)!).toBeLessThan(100);
  });
});

describe('HH_cond_exp', () => {
  const currents = [0.01, 0.04, 0.06, 0.1, 0.15, 0.2, 0.3, 0.5, 1];
  async function fI(method: string, dt: number) {
    const c = standardCell('HH_cond_exp')!;
    const trains = await trainsOf('HH_cond_exp', currents.map((i) => ({ i_offset: i })), { dt, duration: 500, model: { ...c.model, method } });
    // the rate over the regular part: spikes after the first, per time from the first to the last
    return trains.map((t) => ({ count: t.length, rate: t.length > 2 ? ((t.length - 1) / (t.at(-1)! - t[0])) * 1000 : 0 }));
  }

  it('no spikes below the rheobase, repetitive spiking above, the rate rising with the current and matching rk4 at a 10× smaller step', async () => {
    const ours = await fI('exponential_euler', 0.1);
    const ref = await fI('rk4', 0.01);
    expect(ours[0].count).toBe(0);
    expect(ref[0].count).toBe(0);
    expect(ours[1].count).toBeGreaterThanOrEqual(4);
    expect(ref[1].count).toBeGreaterThanOrEqual(4);
    for (let k = 2; k < currents.length; k++) expect(ours[k].rate).toBeGreaterThan(ours[k - 1].rate);
    for (let k = 1; k < currents.length; k++) expect(Math.abs(ours[k].rate / ref[k].rate - 1), `I = ${currents[k]} nA`).toBeLessThan(0.12);
    // each spike is one local maximum above v_offset + 30 mV: one spike per action potential, peaks near +40 mV
    const r = await run(cellSpec('HH_cond_exp', { i_offset: '0.3*nA' }, { duration: 100, record: ['v'] }));
    const v = r.state.v;
    let peaks = 0;
    for (let k = 1; k + 1 < v.length; k++) if (v[k] > -33 && v[k] >= v[k - 1] && v[k] > v[k + 1]) peaks++;
    expect(r.trains[0].length).toBe(peaks);
  });
});

describe('every standard cell gives the same spikes on js, wasm and 1 to 4 threads', () => {
  it('a recurrent E/I network of each cell (160 + 40 neurons, I by the NEST alias, i_offset and v drawn per neuron): identical spikes and v on wasm with 1, 2, 3 and 4 threads and on js', async () => {
    for (const c of standardCells()) {
      const d = drive(c);
      const values = {
        parameters: { i_offset: { dist: 'uniform', low: 0.8 * d.i_offset, high: 1.2 * d.i_offset } },
        initial: { v: { dist: 'uniform', low: -70, high: -55 } },
      };
      const spec = eiNetwork({ E: { size: 160, model: c.name, ...values }, I: { size: 40, model: c.aliases[0], ...values } }, { exc: d.weight / 2, inh: 2 * d.weight, input: d.weight }, d);
      const ref = await runNetwork(spec, WASM);
      // most neurons fire, at a mean rate below 400 Hz (150 ms)
      for (const [p, size] of [['E', 160], ['I', 40]] as const) {
        expect(new Set(ref[p].i).size, `${c.name} ${p}`).toBeGreaterThan(size / 2);
        expect(ref[p].i.length, `${c.name} ${p}`).toBeLessThan(size * 400 * 0.15);
      }
      for (const opts of [{ backend: 'wasm', threads: 2 }, { backend: 'wasm', threads: 3 }, { backend: 'wasm', threads: 4 }, JS] as SimulationOptions[])
        expect(await runNetwork(spec, opts), `${c.name} ${opts.backend} ${opts.threads} threads`).toEqual(ref);
    }
  }, 180_000);
});
