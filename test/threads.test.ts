/**
 * Sharded runs: the same seed gives the same network and the same spike trains, to the bit, for
 * 1, 2, 3 and 4 shards (worker threads) and for the js backend; faults end a run cleanly.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulation } from '../src/sim/simulation.ts';
import { ModelError } from '../src/network/index.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { spikeTrains } from './util.ts';
import { mixedModel } from './models.ts';

const load = (f: string) => JSON.parse(readFileSync(new URL(`../examples/${f}`, import.meta.url), 'utf8')) as ModelSpec;
const withSpikes = (m: ModelSpec): ModelSpec => ({ ...m, monitors: m.populations.map((p) => ({ type: 'spikes' as const, population: p.name })) });

const examples: [string, ModelSpec, number][] = [
  ['examples/cuba.json', withSpikes(load('cuba.json')), 300],
  ['a network with delays, Poisson inputs, delta/exp synapses, threshold units', mixedModel, 300],
  ['examples/threshold-gates.json', withSpikes(load('threshold-gates.json')), 20],
  ['examples/threshold-random.json', withSpikes(load('threshold-random.json')), 100],
  ['examples/izhikevich2003.json (noise input, Izhikevich neurons)', withSpikes(load('izhikevich2003.json')), 300],
];

async function trains(spec: ModelSpec, opts: { backend: 'wasm' | 'js'; threads: number }, ms: number) {
  const sim = await Simulation.create(spec, opts);
  try {
    expect(sim.threads).toBe(opts.threads);
    await sim.run(ms);
    const state: Record<string, number[]> = {};
    for (const p of sim.network.populations) if (p.model === 'lif') state[p.name] = Array.from(await sim.getState(p.name, 'v'));
    return { trains: spikeTrains(sim), totals: sim.spikeTotals.slice(), events: sim.events, state };
  } finally {
    sim.dispose();
  }
}

describe('identical results for every thread count', () => {
  for (const [name, spec, ms] of examples) {
    it(name, async () => {
      const ref = await trains(spec, { backend: 'wasm', threads: 1 }, ms);
      expect(ref.totals.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      for (const threads of [2, 3, 4]) {
        const r = await trains(spec, { backend: 'wasm', threads }, ms);
        expect(r.totals, `${threads} threads`).toEqual(ref.totals);
        expect(r.trains, `${threads} threads`).toEqual(ref.trains);
        expect(r.state, `${threads} threads`).toEqual(ref.state);
      }
      const js = await trains(spec, { backend: 'js', threads: 2 }, ms);
      expect(js.trains, 'js, 2 threads').toEqual(ref.trains);
    });
  }

  it('runs can be continued: 2 × 150 ms on 3 threads equals 300 ms on 1', async () => {
    const spec = withSpikes(load('cuba.json'));
    const ref = await trains(spec, { backend: 'wasm', threads: 1 }, 300);
    const sim = await Simulation.create(spec, { threads: 3 });
    await sim.run(150);
    await sim.run(150);
    expect(spikeTrains(sim)).toEqual(ref.trains);
    sim.dispose();
  });
});

describe('thread faults and bad thread counts', () => {
  it('threads in the model file is honoured, and the option overrides it', async () => {
    const a = await Simulation.create({ ...load('cuba.json'), threads: 2 });
    expect(a.threads).toBe(2);
    a.dispose();
    const b = await Simulation.create({ ...load('cuba.json'), threads: 2 }, { threads: 1 });
    expect(b.threads).toBe(1);
    b.dispose();
  });

  for (const threads of [0, -1, 1.5, 100000]) {
    it(`threads: ${threads} is refused with a clear error`, async () => {
      const err = await Simulation.create(load('cuba.json'), { threads }).catch((e) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect(err.message).toMatch(/threads: must be "auto" or an integer from 1 to \d+/);
    });
  }

  it('a worker that throws ends the run with its error; the spikes recorded until then are kept', async () => {
    const spec = withSpikes(load('cuba.json'));
    const sim = await Simulation.create(spec, { threads: 2 });
    await sim.run(100);
    const before = sim.spikes('E').count;
    expect(before).toBeGreaterThan(0);
    sim.failShard(1);
    await expect(sim.run(100)).rejects.toThrow(/injected failure in shard 1/);
    expect(sim.spikes('E').count).toBeGreaterThanOrEqual(before);
    await expect(sim.run(10)).rejects.toThrow(/stopped after an error/);
    sim.dispose();
    sim.dispose();
  });

  it('an AbortSignal stops a threaded run cleanly and keeps what was recorded', async () => {
    const spec = withSpikes(load('cuba.json'));
    const sim = await Simulation.create(spec, { threads: 2 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const res = await sim.run(100000, { signal: ac.signal });
    expect(res.aborted).toBe(true);
    expect(res.steps).toBeGreaterThan(0);
    expect(res.steps).toBeLessThan(1000000);
    const sp = sim.spikes('E');
    expect(sp.count).toBeGreaterThan(0);
    expect(Math.max(...sp.steps.subarray(-100))).toBeLessThan(sim.step);
    // it goes on afterwards, and equals an uninterrupted run
    const at = sim.step;
    await sim.run(50);
    expect(sim.step).toBe(at + 500);
    const ref = await trains(spec, { backend: 'wasm', threads: 1 }, (at + 500) / 10);
    expect(spikeTrains(sim)).toEqual(ref.trains);
    sim.dispose();
  });

  it('a network too large for one WebAssembly memory is refused with the thread count that would fit', async () => {
    const spec = load('cuba.json');
    spec.populations[0].size = 80000;
    spec.populations[1].size = 20000;
    for (const p of spec.projections!) p.connect = { rule: 'fixed_indegree', indegree: 12000 } as any; // 2.4e9 synapses × 4 bytes: 9.6 GB
    const err = await Simulation.create(spec, { threads: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toMatch(/2,400,000,000 synapses.*with 1 thread the largest shard needs about [\d.]+ GiB \([\d,]+ bytes\).*use threads: 3 or more/);
  });
});
