/**
 * Izhikevich (2006) "Polychronization" pieces: the izhikevich2006 plasticity rule (derivative,
 * arrival-time pairing, periodic application), the random_drive input, pruning by elimination rate
 * (biased to weak or inactive synapses), the synapse-count monitor and sim.prune.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulation } from '../src/sim/simulation.ts';
import { ModelError, validateModel } from '../src/network/index.ts';
import type { ModelSpec, PlasticitySpec, PruningSpec } from '../src/core/types.ts';
import { rngKey, rngU32, uniform53 } from '../src/core/rng.ts';
import { pruningStream } from '../src/network/streams.ts';
import { BACKENDS, simulate, spikeTrains } from './util.ts';

const ALL_OPTS = [
  ...BACKENDS,
  { label: 'wasm, 2 threads', opts: { backend: 'wasm' as const, threads: 2 } },
  { label: 'js, 3 threads', opts: { backend: 'js' as const, threads: 3 } },
];

// ---------------------------------------------------------------------------------------------
// The pair window of the izhikevich2006 rule
// ---------------------------------------------------------------------------------------------

const A_PLUS = 0.1;
const A_MINUS = 0.12;
const TAU = 20;
const DELAY = 5;
const T_PRE = 100;
/** Δ = t_post - t_arrival in steps (dt = 1 ms), arrival = T_PRE + DELAY */
const DS = Array.from({ length: 31 }, (_, i) => i - 15);
const W0 = 5;

/**
 * One independent pair per Δ: pre[i] spikes at T_PRE, its plastic synapse (delay DELAY) arrives at
 * T_PRE + DELAY; post[i] (threshold unit, mu = 1; the plastic weight is delivered as 5 but mu is
 * above it only through the drive: see below) fires at T_PRE + DELAY + Δ. The derivative is applied
 * once, at the end of the 300 ms run, with bias 0.
 */
function pairModel(rule: Partial<PlasticitySpec> = {}): ModelSpec {
  const n = DS.length;
  return {
    dt: 1,
    duration: 300,
    populations: [
      { name: 'pre', size: n, model: 'spike_generator', params: { spike_times: DS.map(() => [T_PRE]) } },
      { name: 'drive', size: n, model: 'spike_generator', params: { spike_times: DS.map((d) => [T_PRE + DELAY + d - 1]) } },
      { name: 'post', size: n, model: 'threshold', params: { mu: 50 } },
    ],
    projections: [
      {
        name: 'plastic', source: 'pre', target: 'post', connect: { rule: 'one_to_one' }, weight: W0, delay: DELAY,
        plasticity: { rule: 'izhikevich2006', tau_plus: TAU, tau_minus: TAU, a_plus: A_PLUS, a_minus: A_MINUS, w_min: 0, w_max: 10, apply_every_ms: 300, bias: 0, decay: 0, ...rule } as PlasticitySpec,
      },
      { source: 'drive', target: 'post', connect: { rule: 'one_to_one' }, weight: 100, delay: 1 },
    ],
    monitors: [{ type: 'spikes', population: 'post' }],
  };
}

/** The rule's window in steps: potentiation a+ e^{-(Δ-1)/τ} for Δ >= 1, depression -a- e^{Δ/τ} for Δ <= 0. */
function window(d: number): number {
  const decay = Math.fround(Math.exp(-1 / TAU));
  return d >= 1 ? A_PLUS * decay ** (d - 1) : -A_MINUS * decay ** -d;
}

for (const b of ALL_OPTS) {
  describe(`izhikevich2006 on ${b.label}`, () => {
    it('one pair at Δ = -15..15 ms (post minus arrival) changes the weight by the rule\'s window', async () => {
      const sim = await simulate(pairModel(), b.opts, 300);
      try {
        const post = sim.spikes('post');
        expect(post.count).toBe(DS.length);
        for (let k = 0; k < post.count; k++) expect(post.steps[k]).toBe(T_PRE + DELAY + DS[post.i[k]]);
        const w = await sim.getWeights('plastic');
        // float32 traces (up to 15 decays of relative 6e-8) and the float32 sum near 5: 2e-6
        DS.forEach((d, i) => {
          expect(w.sources[i]).toBe(i);
          expect(Math.abs(w.weights[i] - W0 - window(d)), `Δ = ${d}: Δw = ${w.weights[i] - W0}, expected ${window(d)}`).toBeLessThan(2e-6);
        });
      } finally {
        sim.dispose();
      }
    });
  });
}

describe('izhikevich2006: application, bias and decay', () => {
  it('weights move only at the application steps: w += bias + sd, sd *= decay; bounds hold', async () => {
    const spec = pairModel({ apply_every_ms: 150, bias: 0.5, decay: 0.5 });
    const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1 });
    try {
      await sim.run(149);
      expect(Array.from((await sim.getWeights('plastic')).weights)).toEqual(DS.map(() => W0));
      await sim.run(1); // end of step 149: first application (all pairs happened by step 125)
      const w1 = (await sim.getWeights('plastic')).weights;
      DS.forEach((d, i) => expect(Math.abs(w1[i] - (W0 + 0.5 + window(d)))).toBeLessThan(2e-6));
      await sim.run(150); // second application: bias + half of the derivative
      const w2 = (await sim.getWeights('plastic')).weights;
      DS.forEach((d, i) => expect(Math.abs(w2[i] - (w1[i] + 0.5 + 0.5 * window(d)))).toBeLessThan(2e-6));
      await sim.run(1500); // bias 0.5 per application: every weight reaches w_max = 10 and stays
      expect(Array.from((await sim.getWeights('plastic')).weights)).toEqual(DS.map(() => 10));
    } finally {
      sim.dispose();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The polychronization network: identical on every backend and thread count
// ---------------------------------------------------------------------------------------------

function polyModel(extra: (s: ModelSpec) => void = () => {}): ModelSpec {
  const s = JSON.parse(readFileSync(new URL('../examples/polychronization.json', import.meta.url), 'utf8')) as ModelSpec;
  for (const p of s.projections!) if (p.plasticity?.rule === 'izhikevich2006') p.plasticity.apply_every_ms = 250;
  s.monitors = s.monitors!.filter((m) => m.type !== 'synapses');
  s.monitors.push({ type: 'synapses', projection: 'E->E', every_ms: 100 });
  extra(s);
  return s;
}

describe('polychronization network', () => {
  it('the example validates', () => {
    const s = JSON.parse(readFileSync(new URL('../examples/polychronization.json', import.meta.url), 'utf8'));
    expect(validateModel(s)).toEqual([]);
  });

  it('learning and pruning: weights, counts, spikes and count history identical on js, wasm variants and 1-3 threads', async () => {
    const spec = () =>
      polyModel((s) => {
        s.projections![0].pruning = { rule: 'weight_below', threshold: 5.9, every_ms: 500 };
      });
    const runs: { label: string; trains: unknown; w: Float32Array[]; counts: unknown; history: Int32Array }[] = [];
    for (const b of ALL_OPTS) {
      const sim = await simulate(spec(), b.opts, 1501); // the sample at 1500 ms follows the pruning at its end
      try {
        runs.push({
          label: b.label,
          trains: spikeTrains(sim),
          w: [(await sim.getWeights('E->E')).weights, (await sim.getWeights('E->I')).weights],
          counts: await sim.synapseCounts(),
          history: sim.synapseHistory('E->E').count,
        });
      } finally {
        sim.dispose();
      }
    }
    const ref = runs[0];
    // learning happened: weights moved away from 6 both ways, and pruning removed some synapses
    const w = ref.w[0];
    expect(w.some((x) => x > 6.05)).toBe(true);
    expect(w.some((x) => x < 5.95)).toBe(true);
    const c = (ref.counts as Record<string, number>)['E->E'];
    expect(c).toBeLessThan(64000);
    expect(c).toBeGreaterThan(0);
    expect(Array.from(ref.history).slice(0, 5)).toEqual([64000, 64000, 64000, 64000, 64000]);
    expect(ref.history[ref.history.length - 1]).toBe(c);
    for (const r of runs.slice(1)) {
      expect(r.trains, r.label).toEqual(ref.trains);
      expect(r.w, r.label).toEqual(ref.w);
      expect(r.counts, r.label).toEqual(ref.counts);
      expect(r.history, r.label).toEqual(ref.history);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// random_drive
// ---------------------------------------------------------------------------------------------

describe('random_drive input', () => {
  const driveModel = (count: number): ModelSpec => ({
    dt: 1,
    duration: 2000,
    seed: 3,
    populations: [
      { name: 'a', size: 300, model: 'threshold', params: { mu: 0.5 } },
      { name: 'b', size: 100, model: 'threshold', params: { mu: 0.5 } },
    ],
    inputs: [{ type: 'random_drive', target: ['a', 'b'], amplitude: 1, count }],
    monitors: [{ type: 'spikes', population: 'a' }, { type: 'spikes', population: 'b' }],
  });

  it('draws `count` neurons per step uniformly over the concatenated targets, identically on every backend and thread count', async () => {
    let ref: unknown;
    for (const b of ALL_OPTS) {
      const sim = await simulate(driveModel(2), b.opts);
      const trains = spikeTrains(sim);
      sim.dispose();
      if (ref === undefined) {
        ref = trains;
        const a = trains.a.i.length, bb = trains.b.i.length;
        // 2 draws per step over 2000 steps; a neuron drawn twice in a step fires once (p = 1/400)
        expect(a + bb).toBeLessThanOrEqual(4000);
        expect(a + bb).toBeGreaterThan(3950);
        // b holds 1/4 of the neurons: binomial(4000, 1/4) has std 27; allow 5 std
        expect(Math.abs(bb - 1000)).toBeLessThan(140);
        // no step has more than 2 spikes
        const per = new Map<number, number>();
        for (const s of [...trains.a.steps, ...trains.b.steps]) per.set(s, (per.get(s) ?? 0) + 1);
        expect(Math.max(...per.values())).toBeLessThanOrEqual(2);
      } else expect(trains, b.label).toEqual(ref);
    }
  });

  it('bad input names the field', () => {
    const bad = (inp: Record<string, unknown>) => validateModel({ ...driveModel(1), inputs: [{ type: 'random_drive', target: ['a'], amplitude: 1, ...inp }] as never });
    expect(bad({ count: 0 })).toEqual([expect.objectContaining({ path: 'inputs[0].count' })]);
    expect(bad({ target: ['a', 'zz'] })).toEqual([expect.objectContaining({ path: 'inputs[0].target[1]' })]);
    expect(bad({ target: [] })).toEqual([expect.objectContaining({ path: 'inputs[0].target' })]);
    expect(bad({ amplitude: undefined })).toEqual([expect.objectContaining({ path: 'inputs[0].amplitude' })]);
  });
});

// ---------------------------------------------------------------------------------------------
// Pruning by elimination rate, the synapse monitor and sim.prune
// ---------------------------------------------------------------------------------------------

const NS = 40;
const NT = 50;
/** 40 sources (the first 20 spike at 5 ms) -> 50 threshold units, all-to-all, weights 0.01..1 */
function rateModel(pruning: PruningSpec): ModelSpec {
  return {
    dt: 0.5,
    duration: 100,
    seed: 11,
    populations: [
      { name: 's', size: NS, model: 'spike_generator', params: { spike_times: Array.from({ length: NS }, (_, i) => (i < 20 ? [5] : [])) } },
      { name: 't', size: NT, model: 'threshold', params: { mu: 1000 } },
    ],
    projections: [
      { name: 'p', source: 's', target: 't', connect: { rule: 'all_to_all' }, weight: Array.from({ length: NS * NT }, (_, k) => ((k * 7919) % 1000) / 1000 + 0.001), delay: 1, pruning },
    ],
    monitors: [{ type: 'synapses', projection: 'p', every_ms: 10 }],
  };
}

/** The survivors the documented draw predicts (no multapses: k = 0), for one application after `steps` steps. */
function predicted(spec: ModelSpec, w: { weights: Float32Array; targets: Int32Array; sources: Int32Array }, steps: number, Ts: number, keepIf: (s: number, wt: number) => number) {
  const pr = spec.projections![0].pruning as { rate: number };
  const key = rngKey(spec.seed!, pruningStream(0), steps);
  const keep: number[] = [];
  for (let k = 0; k < w.weights.length; k++) {
    const s = w.sources[k], t = w.targets[k];
    const p = 1 - Math.exp(-pr.rate * keepIf(s, w.weights[k]) * Ts);
    const kt = rngKey(key, t, 0);
    const u = uniform53(rngU32(kt, 2 * s), rngU32(kt, 2 * s + 1));
    if (!(p > 0 && u < p)) keep.push(k);
  }
  return keep;
}

describe('pruning by elimination rate', () => {
  const cases: { bias: 'none' | 'weak' | 'inactive'; b: (s: number, w: number) => number }[] = [
    { bias: 'none', b: () => 1 },
    { bias: 'weak', b: (_s, w) => Math.min(1, Math.max(0, 1 - Math.abs(w) / Math.fround(0.8))) },
    { bias: 'inactive', b: (s) => (s < 20 ? 0 : 1) },
  ];
  for (const c of cases) {
    it(`bias '${c.bias}': the removed synapses are exactly the documented draws; identical on every backend and thread count`, async () => {
      const rule: PruningSpec = { rule: 'elimination_rate', rate: 5, every_ms: 50, bias: c.bias, ...(c.bias === 'weak' ? { w_ref: 0.8 } : {}) };
      let ref: { w: unknown; history: unknown } | undefined;
      for (const b of ALL_OPTS) {
        const sim = await Simulation.create(rateModel(rule), b.opts);
        try {
          const before = await sim.getWeights('p');
          await sim.run(50); // steps 0..99: one application, T = 0.05 s
          const after = await sim.getWeights('p');
          const keep = predicted(rateModel(rule), before, 100, 0.05, c.b);
          expect(after.weights.length, b.label).toBe(keep.length);
          expect(Array.from(after.sources)).toEqual(keep.map((k) => before.sources[k]));
          expect(Array.from(after.targets)).toEqual(keep.map((k) => before.targets[k]));
          expect(Array.from(after.weights)).toEqual(keep.map((k) => before.weights[k]));
          // p = 1 - e^{-0.25} = 22 % at most: some removed, most kept
          expect(keep.length).toBeLessThan(NS * NT);
          expect(keep.length).toBeGreaterThan(NS * NT * 0.7);
          // sources < 20 spiked (at 5 ms): none of their synapses may go
          if (c.bias === 'inactive') expect(Array.from(after.sources).filter((s) => s < 20).length).toBe(20 * NT);
          await sim.run(50);
          const h = sim.synapseHistory('p');
          expect(Array.from(h.t)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
          expect(h.count.slice(0, 5)).toEqual(new Int32Array(5).fill(NS * NT));
          expect(h.count[5]).toBe(keep.length);
          const snapshot = { w: await sim.getWeights('p'), history: h.count };
          if (!ref) ref = snapshot;
          else expect(snapshot, b.label).toEqual(ref);
        } finally {
          sim.dispose();
        }
      }
    });
  }

  it('removes about the expected fraction over many applications (rate 2/s, 5 s)', async () => {
    const spec = rateModel({ rule: 'elimination_rate', rate: 2, every_ms: 100 });
    spec.monitors = [];
    const sim = await simulate(spec, { backend: 'wasm', threads: 1 }, 5000);
    const n = (await sim.synapseCounts()).p;
    sim.dispose();
    // survival e^{-2 * 5} = 4.5e-5 per synapse: of 2000, expect 0.09; the chance of more than 3 is < 1e-5
    expect(n).toBeLessThanOrEqual(3);
    const spec2 = rateModel({ rule: 'elimination_rate', rate: 0.2, every_ms: 100 });
    spec2.monitors = [];
    const sim2 = await simulate(spec2, { backend: 'wasm', threads: 1 }, 5000);
    const n2 = (await sim2.synapseCounts()).p;
    sim2.dispose();
    // survival e^{-1} = 0.368: binomial(2000, 0.368) has std 21.6; allow 5 std
    expect(Math.abs(n2 - 2000 * Math.exp(-1))).toBeLessThan(108);
  });

  it('sim.prune applies a rule once between runs and returns the number removed', async () => {
    for (const b of [BACKENDS[0], ALL_OPTS[4]]) {
      const spec = rateModel({ rule: 'weight_below', threshold: -1, every_ms: 1000 });
      const sim = await Simulation.create(spec, b.opts);
      try {
        await expect(sim.prune('p', { rule: 'weight_below', threshold: 0.5 })).rejects.toThrow(/run at least one step/);
        await sim.run(10);
        const before = await sim.getWeights('p');
        const removed = await sim.prune('p', { rule: 'weight_below', threshold: 0.5 });
        const expected = Array.from(before.weights).filter((w) => w < Math.fround(0.5)).length;
        expect(removed).toBe(expected);
        expect((await sim.synapseCounts()).p).toBe(NS * NT - expected);
        await expect(sim.prune('p', { rule: 'elimination_rate', rate: -1 })).rejects.toThrow(ModelError);
        await expect(sim.prune('p', { rule: 'elimination_rate', rate: -1 })).rejects.toThrow(/rule\.rate/);
        await expect(sim.prune('nope', { rule: 'weight_below', threshold: 0 })).rejects.toThrow(/unknown projection/);
        await expect(sim.prune('p', { rule: 'elimination_rate', rate: 1, bias: 'inactive' })).rejects.toThrow(/inactive/);
        // at the same step, T = 0: nothing goes; 10 ms later at a huge rate, everything
        expect(await sim.prune('p', { rule: 'elimination_rate', rate: 1e6 })).toBe(0);
        await sim.run(10);
        expect(await sim.prune('p', { rule: 'elimination_rate', rate: 1e6 })).toBe(NS * NT - expected);
        expect((await sim.synapseCounts()).p).toBe(0);
        await sim.run(10);
      } finally {
        sim.dispose();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------------

describe('izhikevich2006 and pruning: bad input', () => {
  const base = () => pairModel();
  const withRule = (pl: Record<string, unknown>) => {
    const s = base();
    s.projections![0].plasticity = { rule: 'izhikevich2006', w_max: 10, ...pl } as never;
    return validateModel(s);
  };
  const withPruning = (pr: Record<string, unknown>) => {
    const s = rateModel({ rule: 'elimination_rate', rate: 1 });
    s.projections![0].pruning = pr as never;
    return validateModel(s);
  };
  it('names the field of each problem', () => {
    expect(withRule({})).toEqual([]);
    expect(withRule({ decay: 1.5 })).toEqual([expect.objectContaining({ path: 'projections[0].plasticity.decay' })]);
    expect(withRule({ apply_every_ms: 0.5 })).toEqual([expect.objectContaining({ path: 'projections[0].plasticity.apply_every_ms' })]);
    expect(withRule({ w_min: 11 })).toEqual([expect.objectContaining({ path: 'projections[0].plasticity.w_min' })]);
    expect(withRule({ weight_dependence: 'additive' })).toEqual([expect.objectContaining({ path: 'projections[0].plasticity.weight_dependence' })]);
    expect(withRule({ rule: 'hebb' })).toEqual([expect.objectContaining({ path: 'projections[0].plasticity.rule' })]);
    expect(withPruning({ rule: 'elimination_rate', rate: -0.1 })).toEqual([expect.objectContaining({ path: 'projections[0].pruning.rate', message: expect.stringMatching(/>= 0/) })]);
    expect(withPruning({ rule: 'elimination_rate', rate: 1, bias: 'weak' })).toEqual([expect.objectContaining({ path: 'projections[0].pruning.w_ref' })]);
    expect(withPruning({ rule: 'elimination_rate', rate: 1, bias: 'strong' })).toEqual([expect.objectContaining({ path: 'projections[0].pruning.bias' })]);
    expect(withPruning({ rule: 'elimination_rate', rate: 1, at_ms: 0.25 })).toEqual([expect.objectContaining({ path: 'projections[0].pruning.at_ms' })]);
    expect(withPruning({ rule: 'elimination_rate' })).toEqual([expect.objectContaining({ path: 'projections[0].pruning.rate' })]);
  });
  it('a synapse monitor on an unknown projection is refused', () => {
    const s = rateModel({ rule: 'elimination_rate', rate: 1 });
    s.monitors = [{ type: 'synapses', projection: 'q' }];
    expect(validateModel(s)).toEqual([expect.objectContaining({ path: 'monitors[0].projection' })]);
  });
});

// ---------------------------------------------------------------------------------------------
// The command line records the synapse counts
// ---------------------------------------------------------------------------------------------

describe('axonal run with a synapses monitor', () => {
  it('summary.json holds the projection\'s counts over time', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = new URL('..', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'axonal-poly-'));
    const spec = polyModel((s) => {
      s.projections![0].pruning = { rule: 'elimination_rate', rate: 2, every_ms: 500 };
    });
    const file = join(dir, 'poly.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(spec));
    const r = spawnSync(process.execPath, [join(root, 'bin/axonal.js'), 'run', file, '--duration', '1001', '--threads', '2', '--out', join(dir, 'out'), '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out/summary.json'), 'utf8'));
    const h = summary.synapse_counts['E->E'];
    expect(h.t_ms).toEqual(Array.from({ length: 11 }, (_, k) => 100 * k));
    expect(h.count.slice(0, 5)).toEqual([64000, 64000, 64000, 64000, 64000]);
    // rate 2/s for 0.5 s: 1 - e^{-1} = 63 % of the synapses go at each application
    expect(h.count[5]).toBeLessThan(64000 * 0.4);
    expect(h.count[5]).toBeGreaterThan(64000 * 0.33);
    expect(h.count[10]).toBeLessThan(h.count[5]);
  });
});
