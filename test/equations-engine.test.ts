/**
 * Models from equations in the engine (docs/equations.md): a model file with `models` and
 * `on_pre`, run on every backend and thread count with the same bits; CUBA written as Brian2's
 * strings against the built-in lif; Poisson inputs, random draws and white noise; monitors and
 * getState of the model's variables; the memory estimate; errors with their paths and lines; a
 * runaway state stopped with population, variable and step.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Simulation, SimulationError } from '../src/sim/simulation.ts';
import { estimateNetwork, estimateShards, ModelError, planNetwork, validateModel } from '../src/network/index.ts';
import type { AnyPopulationSpec, ModelSpec } from '../src/core/types.ts';
import { BACKENDS, spikeTrains } from './util.ts';
import { noisy } from './models.ts';

const root = new URL('..', import.meta.url).pathname;
const load = (f: string) => JSON.parse(readFileSync(join(root, 'examples', f), 'utf8')) as ModelSpec;

beforeAll(() => {
  // threaded runs load dist/worker.js
  if (!existsSync(join(root, 'dist/worker.js'))) execFileSync('npm', ['run', 'build:ts'], { cwd: root, stdio: 'inherit' });
});

async function run(spec: ModelSpec, opts: Parameters<typeof Simulation.create>[1], ms: number, vars: string[] = ['v']) {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(ms);
    const state: Record<string, number[]> = {};
    for (const p of sim.network.populations) for (const v of vars) state[`${p.name}.${v}`] = Array.from(await sim.getState(p.name, v));
    return { trains: spikeTrains(sim), totals: sim.spikeTotals.slice(), state, sim: { compileSeconds: sim.compileSeconds, arenaBytes: sim.arenaBytes } };
  } finally {
    sim.dispose();
  }
}

describe('a model from equations runs with the same bits everywhere', () => {
  it('CUBA from Brian2\'s strings: the same spikes and state on js, wasm simd, scalar and debug', async () => {
    const spec = load('cuba-equations.json');
    const ref = await run(spec, BACKENDS[0].opts, 200, ['v', 'ge', 'gi']);
    expect(ref.totals.reduce((a, b) => a + b, 0)).toBeGreaterThan(500);
    for (const b of BACKENDS.slice(1)) {
      const r = await run(spec, b.opts, 200, ['v', 'ge', 'gi']);
      expect(r.trains, b.label).toEqual(ref.trains);
      expect(r.state, b.label).toEqual(ref.state);
    }
  });

  it('the same spikes on 1 to 4 threads, wasm and js', async () => {
    const spec = load('cuba-equations.json');
    const ref = await run(spec, { backend: 'wasm', threads: 1 }, 150);
    for (const threads of [2, 3, 4]) {
      const r = await run(spec, { backend: 'wasm', threads }, 150);
      expect(r.trains, `${threads} threads`).toEqual(ref.trains);
      expect(r.state, `${threads} threads`).toEqual(ref.state);
    }
    expect((await run(spec, { backend: 'js', threads: 2 }, 150)).trains).toEqual(ref.trains);
  });

  it('rand(), white noise xi and a Poisson input into a conductance: the same bits on every backend and 1–3 threads', async () => {
    const ref = await run(noisy, { backend: 'js', threads: 1 }, 100, ['v', 'g']);
    expect(ref.totals[0]).toBeGreaterThan(50);
    for (const o of [{ backend: 'wasm' as const, threads: 1 }, { backend: 'wasm' as const, variant: 'scalar' as const, threads: 1 }, { backend: 'wasm' as const, threads: 3 }, { backend: 'js' as const, threads: 2 }]) {
      const r = await run(noisy, o, 100, ['v', 'g']);
      expect(r.trains, JSON.stringify(o)).toEqual(ref.trains);
      expect(r.state, JSON.stringify(o)).toEqual(ref.state);
    }
  });
});

describe('CUBA from equations against the built-in lif', () => {
  it('the same mean rate over seeds 1–10 (1 s each)', async () => {
    const eq = load('cuba-equations.json');
    const lif = load('cuba.json');
    const rates = { eq: [] as number[], lif: [] as number[] };
    for (let seed = 1; seed <= 10; seed++) {
      for (const [k, spec] of [['eq', eq], ['lif', lif]] as const) {
        const sim = await Simulation.create(spec, { seed, threads: 1 });
        await sim.run(1000);
        const total = sim.spikeTotals.reduce((a, b) => a + b, 0);
        rates[k].push(total / 4000);
        sim.dispose();
      }
    }
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    const sd = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
    // the two differ in float32 rounding (v sees the synaptic variable through the exact propagator,
    // the lif through P21), so the spikes differ; the rates must agree within the seed-to-seed spread
    const diff = Math.abs(mean(rates.eq) - mean(rates.lif));
    expect(mean(rates.lif)).toBeGreaterThan(3);
    expect(diff).toBeLessThan(2 * Math.max(sd(rates.eq), sd(rates.lif)) / Math.sqrt(10) + 0.02 * mean(rates.lif));
  });
});

describe('plan, estimate, monitors', () => {
  it('the estimate equals the arena, from the description and from the plan, for 1 and 3 shards', async () => {
    const spec = load('cuba-equations.json');
    // a fixed rule, so that the synapse counts are exact (pairwise_bernoulli's are expected values)
    for (const pr of spec.projections!) pr.connect = { rule: 'fixed_indegree', indegree: pr.source === 'E' ? 64 : 16 };
    const est = estimateNetwork(spec);
    const sim = await Simulation.create(spec, { threads: 1 });
    expect(sim.arenaBytes).toBe(est.bytes);
    expect(sim.compileSeconds).toBeGreaterThan(0);
    sim.dispose();
    const plan = planNetwork(spec);
    const sim3 = await Simulation.create(spec, { threads: 3 });
    expect(sim3.arenaBytes).toBe(estimateShards(plan, 3).bytes);
    expect(sim3.arenaBytes).toBe(estimateShards(spec, 3).bytes);
    sim3.dispose();
  });

  it('a state monitor records the model\'s variables in kernel units; unknown variables are refused', async () => {
    const spec = load('cuba-equations.json');
    spec.monitors = [{ type: 'state', population: 'E', variables: ['v', 'ge'], neurons: [0, 5], every: 10 }];
    const sim = await Simulation.create(spec, { threads: 1 });
    await sim.run(100);
    const s = sim.state(0);
    expect(s.values.v[0].length).toBe(100);
    for (const x of s.values.v[1]) expect(x).toBeGreaterThanOrEqual(-60.0001);
    for (const x of s.values.v[1]) expect(x).toBeLessThan(-49);
    sim.dispose();
    spec.monitors = [{ type: 'state', population: 'E', variables: ['w'], neurons: [0] }];
    expect(validateModel(spec).map((i) => i.path)).toEqual(['monitors[0].variables[0]']);
  });

  it('a runaway state stops with the population, variable, neuron and step', async () => {
    const spec: ModelSpec = {
      dt: 0.1, duration: 50, seed: 1,
      populations: [{ name: 'X', size: 8, model: { equations: 'dv/dt = v/tau : volt', parameters: { tau: '0.01*ms' } }, initial: { v: 1 } }],
    };
    const sim = await Simulation.create(spec, { threads: 1, checkEvery: 1 });
    const err = await sim.run(50).catch((e) => e);
    expect(err).toBeInstanceOf(SimulationError);
    expect(err.population).toBe('X');
    expect(err.variable).toBe('v');
    sim.dispose();
  });
});

describe('bad input names the field, the line and the symbol', () => {
  const base = () => load('cuba-equations.json');
  const paths = (spec: unknown) => validateModel(spec).map((i) => `${i.path}: ${i.message}`);

  it('a syntax error in the model gives its field, line and column', () => {
    const spec = base();
    spec.models!.cuba.equations = 'dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\ndge/dt = -ge/taue * : volt\ndgi/dt = -gi/taui : volt';
    const issues = paths(spec);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatch(/^models\.cuba\.equations: line 2, column \d+: /);
    expect(issues[0]).not.toMatch(/: equations line/);
    // ge, whose line is broken, is not reported again as unknown where line 1 uses it
    expect(issues).toHaveLength(1);
  });

  it('a unit mismatch names both units; a parameter given with the wrong unit names the field', () => {
    const spec = base();
    spec.models!.cuba.parameters!.taum = '20*mV';
    expect(paths(spec).join('\n')).toMatch(/models\.cuba/);
    const s2 = base();
    s2.models!.cuba.equations = 'dv/dt  = (ge+gi-(v-El))/taum : amp (unless refractory)\ndge/dt = -ge/taue : volt\ndgi/dt = -gi/taui : volt';
    expect(paths(s2).join('\n')).toMatch(/models\.cuba\.equations: line 1/);
  });

  it('an unknown parameter, a typo in the model name, a missing or bad on_pre', () => {
    const a = base();
    (a.populations[0] as AnyPopulationSpec).parameters = { taum_x: '10*ms' };
    expect(paths(a).join('\n')).toMatch(/populations\[0\]\.parameters\.taum_x: the model has no parameter "taum_x"; did you mean "taum"\?/);
    const b = base();
    b.populations[1].model = 'cubaa';
    expect(paths(b).join('\n')).toMatch(/populations\[1\]\.model: .*did you mean "cuba"\?/);
    const c = base();
    delete c.projections![0].on_pre;
    expect(paths(c)).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: is required for a target from equations/)]);
    const d = base();
    d.projections![2].on_pre = 'gx += w';
    expect(paths(d)).toEqual([expect.stringMatching(/^projections\[2\]\.on_pre: .*gx/)]);
    const f = base();
    f.models = { lif: f.models!.cuba };
    expect(paths(f)).toContain('models.lif: "lif" is a built-in model; give the model from equations another name');
    const e = load('cuba.json');
    e.projections![0].on_pre = 'ge += w';
    expect(paths(e)).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: applies to a target from equations/)]);
  });

  it('nothing is allocated for a bad model: Simulation.create throws a ModelError with every issue', async () => {
    const spec = base();
    (spec.populations[0] as AnyPopulationSpec).parameters = { nope: 1 };
    delete spec.projections![3].on_pre;
    const err = await Simulation.create(spec).catch((x) => x);
    expect(err).toBeInstanceOf(ModelError);
    expect(err.issues.map((i: { path: string }) => i.path).sort()).toEqual(['populations[0].parameters.nope', 'projections[3].on_pre']);
  });
});

describe('per-neuron values', () => {
  it('a parameter given as an array of equal values acts on every neuron (it is one number in the plan, per neuron in the kernel)', async () => {
    const model = { equations: 'dv/dt = (I - v)/tau : volt\nVt : volt (constant)', threshold: 'v > Vt', reset: 'v = 0*mV', parameters: { tau: '10*ms', I: '20*mV' } };
    const mk = (Vt: unknown): ModelSpec => ({
      dt: 0.1, seed: 1,
      populations: [{ name: 'P', size: 3, model, parameters: { Vt } as never }],
      monitors: [{ type: 'spikes', population: 'P' }],
    });
    for (const backend of ['js', 'wasm'] as const) {
      const one = await Simulation.create(mk('10*mV'), { backend, threads: 1 });
      const arr = await Simulation.create(mk([10, 10, 10]), { backend, threads: 1 });
      const mixed = await Simulation.create(mk([10, 10, 30]), { backend, threads: 1 });
      for (const s of [one, arr, mixed]) await s.run(100);
      const a = one.spikes('P'), b = arr.spikes('P'), c = mixed.spikes('P');
      expect(a.count).toBeGreaterThan(3 * 5);
      expect(Array.from(b.i)).toEqual(Array.from(a.i));
      expect(Array.from(b.steps)).toEqual(Array.from(a.steps));
      // neuron 2's threshold (30 mV) is above its steady state (20 mV): it never fires
      expect(Array.from(c.i).filter((i) => i === 2)).toEqual([]);
      expect(Array.from(c.i).filter((i) => i === 1).length).toBe(Array.from(a.i).filter((i) => i === 1).length);
      for (const s of [one, arr, mixed]) s.dispose();
    }
  });
});
