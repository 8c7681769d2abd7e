/**
 * Tsodyks–Markram short-term plasticity (src/sim/short-term.ts, projections[i].short_term): the
 * response to a regular train against the recursion of NEST's tsodyks2_synapse evaluated here,
 * depressing and facilitating; the state per source; the same spikes on js and wasm, ring and
 * deferred delivery, and 1–4 threads; errors naming the field.
 */
import { describe, it, expect } from 'vitest';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import { estimateNetwork, validateModel } from '../src/network/index.ts';
import type { ModelSpec, ShortTermSpec } from '../src/core/types.ts';

/** n spikes every `isi` ms from t0 into an integrator (dv/dt = 0, v += w): v's jumps are the delivered weights. */
function trainSpec(stp: ShortTermSpec | undefined, times: number[][], weight = 2, delay = 1): ModelSpec {
  return {
    dt: 0.1, duration: Math.max(...times.flat()) + delay + 1, seed: 1,
    models: { acc: { equations: 'dv/dt = 0/ms : 1' } },
    populations: [
      { name: 'src', size: times.length, model: 'spike_generator', params: { spike_times: times } },
      { name: 'acc', size: times.length, model: 'acc' },
    ],
    projections: [
      { source: 'src', target: 'acc', connect: { rule: 'one_to_one' }, weight, delay, on_pre: 'v += w', ...(stp ? { short_term: stp } : {}) },
    ],
    monitors: [{ type: 'state', population: 'acc', variables: ['v'], neurons: times.map((_, k) => k), every: 1 }],
  } as ModelSpec;
}

/** The jumps of v (per neuron) at the steps where it changes. */
async function jumps(spec: ModelSpec, opts: SimulationOptions = { threads: 1 }): Promise<number[][]> {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(spec.duration);
    const st = sim.state(0);
    return st.values.v.map((series: ArrayLike<number>) => {
      const out: number[] = [];
      for (let k = 1; k < series.length; k++) if (series[k] !== series[k - 1]) out.push(series[k] - series[k - 1]);
      return out;
    });
  } finally {
    sim.dispose();
  }
}

/** NEST's tsodyks2_synapse for spikes at `times` (ms): the factor x*u of each. */
function tsodyks2(stp: ShortTermSpec, times: number[]): number[] {
  let x = 1, u = 0, last = -1;
  const out: number[] = [];
  for (const t of times) {
    const h = last < 0 ? Infinity : t - last;
    const xd = Math.exp(-h / stp.tau_rec);
    const ud = (stp.tau_fac ?? 0) > 0 ? Math.exp(-h / stp.tau_fac!) : 0;
    x = 1 + (x - x * u - 1) * xd;
    u = stp.U + u * (1 - stp.U) * ud;
    last = t;
    out.push(x * u);
  }
  return out;
}

/**
 * The steady state of a regular train at interval isi, in closed form: u* = U / (1 - (1-U) e^(-isi/tau_fac)),
 * x* = (1 - e^(-isi/tau_rec)) / (1 - (1 - u*) e^(-isi/tau_rec)).
 */
function steadyState(stp: ShortTermSpec, isi: number): number {
  const ud = (stp.tau_fac ?? 0) > 0 ? Math.exp(-isi / stp.tau_fac!) : 0;
  const xd = Math.exp(-isi / stp.tau_rec);
  const u = stp.U / (1 - (1 - stp.U) * ud);
  const x = (1 - xd) / (1 - (1 - u) * xd);
  return x * u;
}

const DEPRESSING: ShortTermSpec = { rule: 'tsodyks_markram', U: 0.5, tau_rec: 800, tau_fac: 0 };
const FACILITATING: ShortTermSpec = { rule: 'tsodyks_markram', U: 0.1, tau_rec: 100, tau_fac: 1000 };
const regular = (n: number, isi: number, t0 = 10) => Array.from({ length: n }, (_, k) => t0 + k * isi);

describe('Tsodyks–Markram short-term plasticity', () => {
  it('a regular 50 Hz train: each response is weight·x·u of the tsodyks2 recursion, and the train tends to the closed-form steady state (depressing and facilitating)', async () => {
    const times = regular(100, 20);
    for (const stp of [DEPRESSING, FACILITATING]) {
      const [got] = await jumps(trainSpec(stp, [times]));
      const want = tsodyks2(stp, times).map((f) => 2 * f);
      expect(got.length).toBe(times.length);
      for (let k = 0; k < times.length; k++) expect(got[k]).toBeCloseTo(want[k], 4);
      // the recursion converges to the closed form; the last responses are there
      expect(got[got.length - 1] / 2).toBeCloseTo(steadyState(stp, 20), 4);
      if (stp === DEPRESSING) {
        expect(got[0]).toBeCloseTo(2 * 0.5, 6); // the first spike delivers U * weight
        expect(got[1]).toBeLessThan(0.6 * got[0]); // depression
      } else {
        expect(got[0]).toBeCloseTo(2 * 0.1, 6);
        expect(Math.max(...got)).toBeGreaterThan(2 * got[0]); // facilitation first
      }
    }
  });

  it('recovery: after a pause the response returns towards U·weight with tau_rec, and the state is per source', async () => {
    // neuron 0: 10 spikes at 100 Hz, then one 500 ms later; neuron 1 spikes once, late: it is not depressed by neuron 0's train
    const a = [...regular(10, 10), 590];
    const b = [590];
    const [g0, g1] = await jumps(trainSpec(DEPRESSING, [a, b]));
    const want = tsodyks2(DEPRESSING, a).map((f) => 2 * f);
    expect(g0.length).toBe(a.length);
    for (let k = 0; k < a.length; k++) expect(g0[k]).toBeCloseTo(want[k], 5);
    expect(g0[10]).toBeGreaterThan(g0[9] * 1.5);
    expect(g0[10]).toBeLessThan(2 * 0.5);
    expect(g1).toHaveLength(1);
    expect(g1[0]).toBeCloseTo(2 * 0.5, 6);
  });

  it('without short_term the same train delivers the weight every time (the control)', async () => {
    const [got] = await jumps(trainSpec(undefined, [regular(10, 50)]));
    expect(got).toEqual(new Array(10).fill(2));
  });

  it('a recurrent network with depressing and facilitating projections: the same spikes on js, wasm and scalar wasm, ring and deferred delivery, 1–4 threads', async () => {
    const spec: ModelSpec = {
      dt: 0.1, duration: 300, seed: 7,
      populations: [
        { name: 'E', size: 160, model: 'lif', type: 'excitatory', params: { tau_m: 20, v_thresh: -50, v_reset: -60, v_rest: -60, tau_refrac: 2, i_offset: 0 }, initial: { v: { dist: 'uniform', low: -60, high: -50 } } },
        { name: 'I', size: 40, model: 'lif', type: 'inhibitory', params: { tau_m: 10, v_thresh: -50, v_reset: -60, v_rest: -60, tau_refrac: 2, i_offset: 0 }, initial: { v: { dist: 'uniform', low: -60, high: -50 } } },
      ],
      projections: [
        { source: 'E', target: 'E', connect: { rule: 'pairwise_bernoulli', p: 0.1 }, weight: { dist: 'uniform', low: 0.5, high: 1.5 }, delay: { dist: 'uniform', low: 1, high: 3 }, short_term: DEPRESSING },
        { source: 'E', target: 'I', connect: { rule: 'pairwise_bernoulli', p: 0.1 }, weight: 1, delay: 1, short_term: FACILITATING },
        { source: 'I', target: 'E', connect: { rule: 'pairwise_bernoulli', p: 0.2 }, weight: -2, delay: 1 },
      ],
      inputs: [{ type: 'poisson', target: 'E', rate: 2000, weight: 0.6 }, { type: 'poisson', target: 'I', rate: 1500, weight: 0.6 }],
      monitors: [{ type: 'spikes', population: 'E' }, { type: 'spikes', population: 'I' }],
    } as ModelSpec;
    const spikes = async (opts: SimulationOptions) => {
      const sim = await Simulation.create(spec, opts);
      try {
        await sim.run(spec.duration);
        return ['E', 'I'].map((p) => {
          const d = sim.spikes(p);
          return [Array.from(d.steps), Array.from(d.i)];
        });
      } finally {
        sim.dispose();
      }
    };
    const ref = await spikes({ backend: 'js', threads: 1 });
    expect(ref[0][0].length).toBeGreaterThan(100);
    expect(ref[1][0].length).toBeGreaterThan(20);
    for (const opts of [
      { backend: 'wasm', threads: 1 }, { backend: 'wasm', variant: 'scalar', threads: 1 }, { backend: 'js', threads: 1, delivery: 'deferred' },
      { backend: 'wasm', threads: 1, delivery: 'deferred' }, { backend: 'wasm', threads: 2 }, { backend: 'wasm', threads: 3, delivery: 'deferred' },
      { backend: 'wasm', threads: 4 }, { backend: 'wasm', variant: 'debug', threads: 1 },
    ] as SimulationOptions[])
      expect(await spikes(opts), JSON.stringify(opts)).toEqual(ref);
    // and the depression matters: without it the network fires differently
    const plain = structuredClone(spec);
    for (const p of plain.projections!) delete p.short_term;
    const sim = await Simulation.create(plain, { threads: 1 });
    await sim.run(spec.duration);
    expect(Array.from(sim.spikes('E').i)).not.toEqual(ref[0][1]);
    sim.dispose();
    // the factors' buffer (f32 per source) is in the memory plan, as the estimate counts it
    const one = await Simulation.create(spec, { backend: 'js', threads: 1 });
    const est = estimateNetwork(spec).parts;
    for (const name of ['short-term plasticity E->E', 'short-term plasticity E->I']) {
      expect(one.arenaParts.find((p) => p.name === name)?.bytes, name).toBe(160 * 4);
      expect(est.find((p) => p.name === name)?.bytes, name).toBe(160 * 4);
    }
    one.dispose();
  });

  it('bad parameters: errors name the field and say what is expected', () => {
    const issues = (stp: unknown, extra: Record<string, unknown> = {}) => {
      const spec = trainSpec(undefined, [[10]]);
      Object.assign(spec.projections![0], { short_term: stp, ...extra });
      return validateModel(spec).map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues({ rule: 'tsodyks_markram', U: 0, tau_rec: 100 })).toEqual([expect.stringMatching(/^projections\[0\]\.short_term\.U: must be in \(0, 1\] \(utilisation increment\), got 0/)]);
    expect(issues({ rule: 'tsodyks_markram', U: 0.5, tau_rec: -1 })).toEqual([expect.stringMatching(/^projections\[0\]\.short_term\.tau_rec: must be > 0 ms/)]);
    expect(issues({ rule: 'tsodyks_markram', U: 0.5 })).toEqual([expect.stringMatching(/^projections\[0\]\.short_term\.tau_rec: is required/)]);
    expect(issues({ rule: 'tsodyks_markram', U: 0.5, tau_rec: 100, tau_fac: -2 })).toEqual([expect.stringMatching(/^projections\[0\]\.short_term\.tau_fac: must be >= 0/)]);
    expect(issues({ rule: 'tsodyks', U: 0.5, tau_rec: 100 })).toEqual([expect.stringMatching(/^projections\[0\]\.short_term\.rule: must be 'tsodyks_markram'/)]);
    expect(issues({ rule: 'tsodyks_markram', U: 0.5, tau_rec: 100, tau_facil: 5 })).toEqual([expect.stringMatching(/^projections\[0\]\.short_term\.tau_facil/)]);
    expect(issues(5)).toEqual([expect.stringMatching(/^projections\[0\]\.short_term: must be an object/)]);
    expect(issues({ rule: 'tsodyks_markram', U: 0.5, tau_rec: 100 })).toEqual([]);
  });
});
