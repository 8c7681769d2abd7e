/**
 * Pair-based STDP (projections[i].plasticity): the weight change of one spike pair against the
 * analytic window, weight bounds, bit-identical weights and spikes across backends and thread
 * counts through learning, and bad input.
 */
import { describe, it, expect } from 'vitest';
import { Simulation } from '../src/sim/simulation.ts';
import { ModelError, validateModel } from '../src/network/index.ts';
import type { ModelSpec, PlasticitySpec, ProjectionSpec } from '../src/core/types.ts';
import { BACKENDS, expectArena, simulate, spikeTrains } from './util.ts';
import { mixedModel } from './models.ts';

const dt = 0.1;
const TAU_PLUS = 16.8;
const TAU_MINUS = 33.7;
const A_PLUS = 0.01;
const A_MINUS = 0.012;
const W0 = 0.5;
const W_MAX = 1;
/** Δt = t_post - t_pre, ms: -50..50 in 5 ms steps */
const DTS = Array.from({ length: 21 }, (_, i) => -50 + 5 * i);
const T_PRE = 100;

/**
 * One independent pair per Δt: pre[i] (a generator) spikes at T_PRE; post[i] (a threshold unit,
 * mu = 1) fires in the step a weight-1 spike of drive[i] arrives (delay dt), i.e. at T_PRE + Δt.
 * The plastic synapse pre[i] -> post[i] (weight 0.5) never makes post[i] fire on its own.
 */
function pairModel(plasticity: Partial<PlasticitySpec> = {}): ModelSpec {
  const n = DTS.length;
  return {
    dt,
    duration: 200,
    populations: [
      { name: 'pre', size: n, model: 'spike_generator', params: { spike_times: DTS.map(() => [T_PRE]) } },
      { name: 'drive', size: n, model: 'spike_generator', params: { spike_times: DTS.map((d) => [+(T_PRE + d - dt).toFixed(1)]) } },
      { name: 'post', size: n, model: 'threshold', params: { mu: 1 } },
    ],
    projections: [
      {
        name: 'stdp', source: 'pre', target: 'post', connect: { rule: 'one_to_one' }, weight: W0, delay: 1,
        plasticity: { rule: 'stdp', tau_plus: TAU_PLUS, tau_minus: TAU_MINUS, a_plus: A_PLUS, a_minus: A_MINUS, w_min: 0, w_max: W_MAX, ...plasticity },
      },
      { source: 'drive', target: 'post', connect: { rule: 'one_to_one' }, weight: 1, delay: dt },
    ],
    monitors: [{ type: 'spikes', population: 'pre' }, { type: 'spikes', population: 'post' }],
  };
}

/** Analytic pair window (additive: Δw = w_max a_plus e^{-Δt/τ+} for Δt >= 0, -w_max a_minus e^{Δt/τ-} for Δt < 0). */
function window(d: number): number {
  return d >= 0 ? W_MAX * A_PLUS * Math.exp(-d / TAU_PLUS) : -W_MAX * A_MINUS * Math.exp(d / TAU_MINUS);
}

/**
 * Tolerance: the traces decay by float32 factors once per step (up to 500 roundings of a relative
 * 6e-8 each, ~3e-5 relative of a change of at most 0.012), and w + Δw is rounded to float32 near
 * 0.5 (6e-8): 1e-6 absolute. Δt itself is exact (spike times on the grid, read from the monitors).
 */
const TOL = 1e-6;

async function pairRun(opts: object, plasticity: Partial<PlasticitySpec> = {}) {
  const sim = await simulate(pairModel(plasticity), opts, 200);
  try {
    const w = await sim.getWeights('stdp');
    const pre = sim.spikes('pre'), post = sim.spikes('post');
    return { w, pre, post, trains: spikeTrains(sim) };
  } finally {
    sim.dispose();
  }
}

const ALL_OPTS = [...BACKENDS, { label: 'wasm, 2 threads', opts: { backend: 'wasm' as const, threads: 2 } }, { label: 'js, 3 threads', opts: { backend: 'js' as const, threads: 3 } }];

for (const b of ALL_OPTS) {
  describe(`STDP on ${b.label}`, () => {
    it('one spike pair at Δt = -50..50 ms changes the weight by the analytic window (additive)', async () => {
      const { w, pre, post } = await pairRun(b.opts);
      expect(Array.from(pre.steps)).toEqual(DTS.map(() => T_PRE / dt));
      // exactly one post spike per pair, at T_PRE + Δt
      const postStep = new Map<number, number>();
      for (let k = 0; k < post.count; k++) {
        expect(postStep.has(post.i[k])).toBe(false);
        postStep.set(post.i[k], post.steps[k]);
      }
      expect(w.weights.length).toBe(DTS.length);
      DTS.forEach((d, i) => {
        expect(w.targets[i]).toBe(i);
        expect(w.sources[i]).toBe(i);
        const measured = (postStep.get(i)! - T_PRE / dt) * dt;
        expect(measured).toBeCloseTo(d, 9);
        const dw = w.weights[i] - W0;
        expect(Math.abs(dw - window(d)), `Δt = ${d} ms: Δw = ${dw}, analytic ${window(d)}`).toBeLessThan(TOL);
      });
    });
  });
}

describe('STDP pairing and weight dependence', () => {
  it('multiplicative: Δw scales with (w_max - w) for potentiation and (w - w_min) for depression', async () => {
    const { w } = await pairRun({ backend: 'js', threads: 1 }, { weight_dependence: 'multiplicative' });
    DTS.forEach((d, i) => {
      const expected = d >= 0 ? (W_MAX - W0) * A_PLUS * Math.exp(-d / TAU_PLUS) : -(W0 - 0) * A_MINUS * Math.exp(d / TAU_MINUS);
      expect(Math.abs(w.weights[i] - W0 - expected)).toBeLessThan(TOL);
    });
  });

  it('nearest pairing: a post spike pairs with the last pre spike only; all_to_all with both', async () => {
    const spec = (pairing: 'nearest' | 'all_to_all'): ModelSpec => ({
      dt,
      duration: 100,
      populations: [
        { name: 'pre', size: 1, model: 'spike_generator', params: { spike_times: [[10, 20]] } },
        { name: 'drive', size: 1, model: 'spike_generator', params: { spike_times: [[29.9]] } },
        { name: 'post', size: 1, model: 'threshold', params: { mu: 1 } },
      ],
      projections: [
        { name: 'stdp', source: 'pre', target: 'post', connect: { rule: 'one_to_one' }, weight: W0, plasticity: { rule: 'stdp', tau_plus: 20, a_plus: A_PLUS, a_minus: 0, w_max: 1, pairing } },
        { source: 'drive', target: 'post', connect: { rule: 'one_to_one' }, weight: 1, delay: dt },
      ],
    });
    const run = async (p: 'nearest' | 'all_to_all') => {
      const sim = await simulate(spec(p), { backend: 'js', threads: 1 }, 100);
      const w = (await sim.getWeights('stdp')).weights[0];
      sim.dispose();
      return w - W0;
    };
    expect(Math.abs((await run('nearest')) - A_PLUS * Math.exp(-10 / 20))).toBeLessThan(TOL);
    expect(Math.abs((await run('all_to_all')) - A_PLUS * (Math.exp(-10 / 20) + Math.exp(-20 / 20)))).toBeLessThan(TOL);
  });
});

/** The mixed network with STDP on several projections (constant and per-synapse weights, packed delays, excitatory and inhibitory). */
function learningModel(): ModelSpec {
  const spec = structuredClone(mixedModel) as ModelSpec;
  spec.duration = 200;
  const pl = (x: Partial<PlasticitySpec>): PlasticitySpec => ({ rule: 'stdp', tau_plus: 20, tau_minus: 20, a_plus: 0.05, a_minus: 0.06, w_min: 0, w_max: 0.4, ...x });
  const projs = spec.projections as ProjectionSpec[];
  projs[0].plasticity = pl({ a_plus: 0.2, a_minus: 0.24 }); // P -> E, constant weight 0.3, drawn delays (packed); fast enough to reach the bounds within 200 ms
  projs[2].plasticity = pl({ weight_dependence: 'multiplicative', pairing: 'nearest', w_max: 0.3 }); // E -> E
  projs[4].plasticity = pl({ w_min: -1, w_max: 0, a_plus: 0.2, a_minus: 0.1, weight_dependence: 'multiplicative' }); // I -> E (inhibitory: additive would scale by w_max = 0)
  projs[6].plasticity = pl({ w_max: 1.5 }); // E -> T
  spec.monitors = [
    { type: 'spikes', population: 'E' },
    { type: 'spikes', population: 'I' },
    { type: 'spikes', population: 'T' },
  ];
  return spec;
}

const PLASTIC = ['P->E', 'E->E', 'I->E', 'E->T'];
const BOUNDS: Record<string, [number, number]> = { 'P->E': [0, 0.4], 'E->E': [0, 0.3], 'I->E': [-1, 0], 'E->T': [0, 1.5] };

async function learn(opts: object) {
  const sim = await Simulation.create(learningModel(), opts);
  try {
    await sim.run(100);
    await sim.run(100);
    const weights: Record<string, Float32Array> = {};
    for (const p of PLASTIC) weights[p] = (await sim.getWeights(p)).weights;
    return { weights, trains: spikeTrains(sim), order: await sim.getWeights('E->E') };
  } finally {
    sim.dispose();
  }
}

describe('STDP through learning: identical on every backend and thread count', () => {
  it('weights stay within [w_min, w_max], change, and are bit-identical (js, wasm variants, 1-4 threads)', async () => {
    const ref = await learn({ backend: 'js', threads: 1 });
    for (const p of PLASTIC) {
      // the bounds are float32 values (as every weight)
      const [lo, hi] = BOUNDS[p].map(Math.fround);
      const w = ref.weights[p];
      let atBound = 0, changed = 0;
      for (const x of w) {
        expect(x).toBeGreaterThanOrEqual(lo);
        expect(x).toBeLessThanOrEqual(hi);
        if (x === lo || x === hi) atBound++;
      }
      const fresh = await Simulation.create(learningModel(), { backend: 'js', threads: 1 });
      const w0 = (await fresh.getWeights(p)).weights;
      fresh.dispose();
      for (let k = 0; k < w.length; k++) if (w[k] !== w0[k]) changed++;
      expect(changed, `${p}: weights changed`).toBeGreaterThan(w.length / 10);
      // additive rules hit the hard bounds; multiplicative ones approach them softly
      if (p === 'P->E' || p === 'E->T') expect(atBound, `${p}: some weights at a bound`).toBeGreaterThan(0);
    }
    // sorted by (target, source)
    const { targets, sources } = ref.order;
    for (let k = 1; k < targets.length; k++) expect(targets[k] > targets[k - 1] || (targets[k] === targets[k - 1] && sources[k] >= sources[k - 1])).toBe(true);
    for (const o of [
      { backend: 'wasm', variant: 'simd', threads: 1 },
      { backend: 'wasm', variant: 'scalar', threads: 1 },
      { backend: 'wasm', variant: 'debug', threads: 1 },
      { backend: 'wasm', threads: 2 },
      { backend: 'wasm', threads: 4 },
      { backend: 'js', threads: 3 },
    ]) {
      const r = await learn(o);
      const label = JSON.stringify(o);
      expect(r.trains, label).toEqual(ref.trains);
      for (const p of PLASTIC) expect(Buffer.from(r.weights[p].buffer).equals(Buffer.from(ref.weights[p].buffer)), `${label} ${p}`).toBe(true);
    }
  }, 120_000);

  it('learning changes the spike trains (the updated weights are delivered)', async () => {
    const spec = learningModel();
    const plain = structuredClone(spec) as ModelSpec;
    for (const p of plain.projections as ProjectionSpec[]) delete p.plasticity;
    const a = await simulate(spec, { backend: 'wasm', threads: 1 }, 200);
    const b = await simulate(plain, { backend: 'wasm', threads: 1 }, 200);
    expect(spikeTrains(a)).not.toEqual(spikeTrains(b));
    a.dispose();
    b.dispose();
  });
});

describe('STDP: bad input', () => {
  const base = (pl: unknown, extra: Partial<ProjectionSpec> = {}, srcType?: 'excitatory' | 'inhibitory'): ModelSpec => ({
    dt,
    populations: [
      { name: 'a', size: 3, model: 'poisson', params: { rate: 10 }, ...(srcType ? { type: srcType } : {}) },
      { name: 'b', size: 3, model: 'lif', synapse: 'delta', params: {} },
    ],
    projections: [{ source: 'a', target: 'b', connect: { rule: 'all_to_all' }, weight: srcType === 'inhibitory' ? -0.1 : 0.1, plasticity: pl as PlasticitySpec, ...extra }],
  });
  const cases: [string, ModelSpec, string, RegExp][] = [
    ['reversed bounds', base({ rule: 'stdp', w_min: 1, w_max: 0.5 }), 'projections[0].plasticity.w_min', /must be <= w_max .*reversed/],
    ['tau_plus = 0', base({ rule: 'stdp', tau_plus: 0, w_max: 1 }), 'projections[0].plasticity.tau_plus', /must be > 0 ms/],
    ['tau_minus < 0', base({ rule: 'stdp', tau_minus: -5, w_max: 1 }), 'projections[0].plasticity.tau_minus', /must be > 0 ms/],
    ['w_min < 0 from an excitatory source', base({ rule: 'stdp', w_min: -0.1, w_max: 1 }, {}, 'excitatory'), 'projections[0].plasticity.w_min', /excitatory \(Dale's principle\)/],
    ['w_max > 0 from an inhibitory source', base({ rule: 'stdp', w_min: -1, w_max: 0.1 }, {}, 'inhibitory'), 'projections[0].plasticity.w_max', /inhibitory \(Dale's principle\)/],
    ['missing w_max', base({ rule: 'stdp' }), 'projections[0].plasticity.w_max', /is required/],
    ['unknown rule', base({ rule: 'bcm', w_max: 1 }), 'projections[0].plasticity.rule', /must be 'stdp'/],
    ['unknown field', base({ rule: 'stdp', w_max: 1, tau_pluss: 3 }), 'projections[0].plasticity.tau_pluss', /did you mean "tau_plus"/],
    ['bad weight_dependence', base({ rule: 'stdp', w_max: 1, weight_dependence: 'power' }), 'projections[0].plasticity.weight_dependence', /'additive' or 'multiplicative'/],
    ['bad pairing', base({ rule: 'stdp', w_max: 1, pairing: 'triplet' }), 'projections[0].plasticity.pairing', /'all_to_all' or 'nearest'/],
    ['negative a_minus', base({ rule: 'stdp', w_max: 1, a_minus: -1 }), 'projections[0].plasticity.a_minus', /must be >= 0/],
    ['not an object', base('stdp'), 'projections[0].plasticity', /must be an object/],
  ];
  for (const [label, spec, path, msg] of cases) {
    it(`${label}: an error naming ${path}`, async () => {
      const issues = validateModel(spec);
      const hit = issues.find((i) => i.path === path);
      expect(hit, JSON.stringify(issues)).toBeDefined();
      expect(hit!.message).toMatch(msg);
      const err = await Simulation.create(spec, { backend: 'js', threads: 1 }).catch((e) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect(err.message).toContain(path);
    });
  }

  it('a valid rule passes validation; getWeights of an unknown projection throws', async () => {
    expect(validateModel(base({ rule: 'stdp', w_max: 1 }))).toEqual([]);
    const sim = await Simulation.create(base({ rule: 'stdp', w_max: 1 }), { backend: 'js', threads: 1 });
    await expect(sim.getWeights('nope')).rejects.toThrow(/unknown projection "nope"/);
    // a constant weight is stored per synapse when plastic
    const w = await sim.getWeights('a->b');
    expect(Array.from(w.weights)).toEqual(new Array(9).fill(Math.fround(0.1)));
    sim.dispose();
  });
});

describe('STDP: memory', () => {
  it('estimateShards counts the traces and the reverse index exactly (1 and 3 threads)', async () => {
    const { estimateShards, planNetwork } = await import('../src/network/index.ts');
    const spec: ModelSpec = {
      dt,
      populations: [
        { name: 'P', size: 37, model: 'poisson', params: { rate: 5 } },
        { name: 'E', size: 53, model: 'lif', params: {} },
      ],
      projections: [
        { source: 'P', target: 'E', connect: { rule: 'fixed_indegree', indegree: 7 }, weight: 0.1, delay: { dist: 'uniform', low: 0.1, high: 1.2 }, plasticity: { rule: 'stdp', w_max: 1 } },
        { source: 'E', target: 'E', connect: { rule: 'all_to_all' }, weight: 0.2, plasticity: { rule: 'stdp', w_max: 1 } },
      ],
    };
    const plan = planNetwork(spec);
    for (const T of [1, 3]) {
      const est = estimateShards(plan, T);
      const sim = await Simulation.create(spec, { backend: 'js', threads: T });
      // exact but for the delay runs of P -> E, which it bounds
      expectArena(est.shards, sim, `${T} threads`);
      expectArena(estimateShards(spec, T).shards, sim, `${T} threads, from the description`);
      expect(est.shards[0].parts.some((p) => p.name === 'plasticity P->E')).toBe(true);
      sim.dispose();
    }
  });
});

describe('pruning', () => {
  /**
   * 10 generators -> 10 threshold units (mu = 1), all_to_all with weights w[t*10+s] (explicit
   * target-major order of all_to_all): half of them < 0.5. Pruned at the end of step 99 (10 ms).
   * Generator 0 spikes at 9.5 ms with a delay of 2 ms (in flight across the pruning) and at 20 ms.
   */
  const N = 10;
  const weights = Array.from({ length: N * N }, (_, k) => ((k * 37) % 100) / 100 + 0.005); // 0.005..0.995, all distinct
  const pruneModel = (extra: Partial<ProjectionSpec> = {}): ModelSpec => ({
    dt,
    duration: 40,
    populations: [
      { name: 'g', size: N, model: 'spike_generator', params: { spike_times: Array.from({ length: N }, (_, i) => (i === 0 ? [9.5, 20] : [])) } },
      { name: 't', size: N, model: 'threshold', params: { mu: 0.001 } },
    ],
    projections: [
      { name: 'p', source: 'g', target: 't', connect: { rule: 'all_to_all' }, weight: weights, delay: 2, pruning: { rule: 'weight_below', threshold: 0.5, every_ms: 10 }, ...extra },
    ],
    monitors: [{ type: 'spikes', population: 't' }],
  });

  for (const b of ALL_OPTS) {
    it(`${b.label}: exact counts after the rule; an in-flight spike arrives once; a pruned synapse never delivers`, async () => {
      const sim = await Simulation.create(pruneModel(), b.opts);
      expect(await sim.synapseCounts()).toEqual({ p: N * N });
      await sim.run(9.9); // steps 0..98: not pruned yet
      expect((await sim.synapseCounts()).p).toBe(N * N);
      await sim.run(0.1); // step 99 ends the first 10 ms
      const kept = weights.filter((w) => Math.fround(w) >= Math.fround(0.5)).length;
      expect((await sim.synapseCounts()).p).toBe(kept);
      const w = await sim.getWeights('p');
      expect(w.weights.length).toBe(kept);
      for (let k = 0; k < kept; k++) {
        expect(w.weights[k]).toBe(Math.fround(weights[w.targets[k] * N + w.sources[k]]));
        expect(w.weights[k]).toBeGreaterThanOrEqual(0.5);
      }
      await sim.run(30);
      const sp = sim.spikes('t');
      // the spike of 9.5 ms (step 95) arrives at step 115 at every target: all 10 synapses of generator 0
      // were alive when it was emitted; the spike of 20 ms (step 200) reaches only the kept ones (step 220)
      const at115: number[] = [], at220: number[] = [];
      for (let k = 0; k < sp.count; k++) (sp.steps[k] === 115 ? at115 : sp.steps[k] === 220 ? at220 : ([] as number[])).push(sp.i[k]);
      expect(sp.count).toBe(at115.length + at220.length);
      expect(at115).toEqual(Array.from({ length: N }, (_, i) => i));
      const keptFrom0 = Array.from({ length: N }, (_, t) => t).filter((t) => Math.fround(weights[t * N]) >= Math.fround(0.5));
      expect(keptFrom0.length).toBeGreaterThan(0);
      expect(keptFrom0.length).toBeLessThan(N);
      expect(at220).toEqual(keptFrom0);
      sim.dispose();
    });
  }

  it('pruning with STDP (reverse index rebuilt): identical weights, counts and spikes on every backend and thread count', async () => {
    const spec = (): ModelSpec => {
      const s = learningModel();
      const projs = s.projections as ProjectionSpec[];
      projs[0].pruning = { rule: 'weight_below', threshold: 0.2, every_ms: 50 };
      projs[2].pruning = { rule: 'weight_below', threshold: 0.05, every_ms: 30 };
      projs[1].pruning = { rule: 'weight_below', threshold: 1.5 }; // not plastic, default interval 100 ms
      return s;
    };
    const run = async (o: object) => {
      const sim = await Simulation.create(spec(), o);
      await sim.run(200);
      const counts = await sim.synapseCounts();
      const w: Record<string, Float32Array> = {};
      for (const p of [...PLASTIC, 'P->D']) w[p] = (await sim.getWeights(p)).weights;
      const trains = spikeTrains(sim);
      sim.dispose();
      return { counts, w, trains };
    };
    const ref = await run({ backend: 'js', threads: 1 });
    const plan = (await import('../src/network/index.ts')).planNetwork(spec());
    expect(ref.counts['P->E']).toBeLessThan(plan.projections[0].synapses);
    expect(ref.counts['P->E']).toBeGreaterThan(0);
    expect(ref.counts['P->D']).toBeLessThan(plan.projections[1].synapses);
    for (const p of ['P->E', 'E->E']) expect(ref.w[p].length).toBe(ref.counts[p]);
    for (const o of [{ backend: 'wasm', variant: 'debug', threads: 1 }, { backend: 'wasm', threads: 1 }, { backend: 'wasm', threads: 2 }, { backend: 'js', threads: 3 }]) {
      const r = await run(o);
      expect(r.counts, JSON.stringify(o)).toEqual(ref.counts);
      expect(r.trains, JSON.stringify(o)).toEqual(ref.trains);
      for (const p of Object.keys(ref.w)) expect(Buffer.from(r.w[p].buffer).equals(Buffer.from(ref.w[p].buffer)), `${JSON.stringify(o)} ${p}`).toBe(true);
    }
  }, 120_000);

  it('bad input: rule, threshold, every_ms', () => {
    const bad = (pr: unknown) => validateModel(pruneModel({ pruning: pr as never }));
    expect(bad({ rule: 'weight_above', threshold: 1 })[0].path).toBe('projections[0].pruning.rule');
    expect(bad({ rule: 'weight_below' })[0].path).toBe('projections[0].pruning.threshold');
    expect(bad({ rule: 'weight_below', threshold: 1, every_ms: 0 })[0]).toEqual({ path: 'projections[0].pruning.every_ms', message: expect.stringMatching(/> 0 ms/) });
    expect(bad({ rule: 'weight_below', threshold: 1, every_ms: 0.05 })[0]).toEqual({ path: 'projections[0].pruning.every_ms', message: expect.stringMatching(/whole number of time steps/) });
    expect(bad({ rule: 'weight_below', threshold: 1, every: 5 })[0].path).toBe('projections[0].pruning.every');
  });
});
