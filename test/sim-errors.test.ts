/**
 * Bad input through the simulator: every error names the field, and nothing is left allocated
 * (no backend is alive after a failed Simulation.create). Also: NaN during a run, abort, dispose twice.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulation, SimulationError } from '../src/sim/simulation.ts';
import { ModelError } from '../src/network/index.ts';
import { liveBackendCount } from '../src/backend/index.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { BACKENDS } from './util.ts';

const cuba = JSON.parse(readFileSync(new URL('../examples/cuba.json', import.meta.url), 'utf8')) as ModelSpec;
const variant = (f: (m: any) => void): ModelSpec => {
  const m = structuredClone(cuba) as any;
  f(m);
  return m;
};

const cases: [string, ModelSpec, RegExp][] = [
  ['a negative size', variant((m) => (m.populations[0].size = -5)), /populations\[0\]\.size/],
  ['a zero size', variant((m) => (m.populations[1].size = 0)), /populations\[1\]\.size/],
  ['p above 1', variant((m) => (m.projections[1].connect.p = 1.5)), /projections\[1\]\.connect\.p/],
  ['p below 0', variant((m) => (m.projections[1].connect.p = -0.1)), /projections\[1\]\.connect\.p/],
  ['dt = 0', variant((m) => (m.dt = 0)), /^dt|\ndt/m],
  ['dt < 0', variant((m) => (m.dt = -0.1)), /dt/],
  ['tau_m = 0', variant((m) => (m.populations[0].params.tau_m = 0)), /populations\[0\]\.params\.tau_m/],
  ['tau_syn_e < 0', variant((m) => (m.populations[1].params.tau_syn_e = -1)), /populations\[1\]\.params\.tau_syn_e/],
  ['NaN in a parameter', variant((m) => (m.populations[0].params.v_rest = NaN)), /populations\[0\]\.params\.v_rest/],
  ['Infinity in a weight', variant((m) => (m.projections[0].weight = Infinity)), /projections\[0\]\.weight/],
  ['NaN inside a distribution', variant((m) => (m.populations[0].initial.v.high = NaN)), /populations\[0\]\.initial\.v/],
  ['a delay shorter than one step', variant((m) => (m.projections[3].delay = 0.05)), /projections\[3\]\.delay/],
  ['an unknown population', variant((m) => (m.projections[2].target = 'X')), /projections\[2\]\.target/],
  ['Dale\'s principle (excitatory source, negative weight)', variant((m) => (m.projections[0].weight = -0.081)), /projections\[0\]\.weight: .*excitatory/],
  ['Dale\'s principle (inhibitory source, positive weight)', variant((m) => (m.projections[3].weight = { dist: 'uniform', low: -0.5, high: 0.1 })), /projections\[3\]\.weight: .*inhibitory/],
  ['a network too large for the WASM address space', variant((m) => {
    m.populations[0].size = 300000;
    m.projections[0].connect = { rule: 'all_to_all' };
  }), /bytes/],
];

describe('Simulation.create refuses bad models, names the field, allocates nothing', () => {
  for (const [what, spec, re] of cases) {
    it(what, async () => {
      const before = liveBackendCount();
      const t0 = performance.now();
      const err = await Simulation.create(spec, { backend: 'wasm', threads: 1 }).then(
        () => null,
        (e) => e,
      );
      expect(err).toBeInstanceOf(ModelError);
      expect((err as Error).message).toMatch(re);
      expect(liveBackendCount()).toBe(before);
      // refused from the description, before generating any connectivity
      expect(performance.now() - t0).toBeLessThan(2000);
    });
  }

  it('reports several errors at once', async () => {
    const spec = variant((m) => {
      m.dt = -1;
      m.populations[0].size = 0;
      // I -> I (populations without structural issues: their projections are still checked for meaning)
      m.projections[3].weight = 0.4;
    });
    const err = (await Simulation.create(spec).catch((e) => e)) as ModelError;
    expect(err.issues.length).toBeGreaterThanOrEqual(3);
  });
});

for (const b of BACKENDS) {
  describe(`run-time faults on ${b.label}`, () => {
    it('a runaway state stops the run with the population, variable and step', async () => {
      // two spikes of 2e38 nA arriving in one step overflow the excitatory current to Infinity
      const spec: ModelSpec = {
        dt: 0.1,
        populations: [
          { name: 'src', size: 2, model: 'spike_generator', params: { spike_times: [[1], [1]] } },
          { name: 'victim', size: 3, model: 'lif', synapse: 'exp', params: { v_reset: -65 } },
        ],
        projections: [{ source: 'src', target: 'victim', connect: { rule: 'all_to_all' }, weight: 2e38, delay: 0.1 }],
      };
      const sim = await Simulation.create(spec, { ...b.opts, checkEvery: 1 });
      let err: unknown;
      try {
        await sim.run(10);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SimulationError);
      const se = err as SimulationError;
      expect(se.population).toBe('victim');
      // spikes at step 10 arrive in step 11, where ie = ie*P11 + Inf; v is updated before ie, so ie is first
      expect(se.variable).toBe('ie');
      expect(se.step).toBe(11);
      expect(se.message).toMatch(/population "victim", variable ie, neuron 0/);
      sim.dispose();
    });

    it('an AbortSignal stops between steps and keeps what was recorded', async () => {
      const sim = await Simulation.create({ ...cuba, monitors: [{ type: 'spikes', population: 'E' }] }, b.opts);
      const ac = new AbortController();
      const res = await sim.run(1000, {
        progressEvery: 100,
        onProgress: (done) => {
          if (done >= 2000) ac.abort();
        },
        signal: ac.signal,
      });
      expect(res.aborted).toBe(true);
      expect(res.steps).toBe(2000);
      const sp = sim.spikes('E');
      expect(sp.count).toBeGreaterThan(0);
      expect(Math.max(...sp.steps)).toBeLessThan(2000);
      // the run can go on afterwards
      await sim.run(10);
      expect(sim.step).toBe(2100);
      sim.dispose();
      sim.dispose(); // twice is safe
      await expect(sim.run(1)).rejects.toThrow(/disposed/);
    });
  });
}
