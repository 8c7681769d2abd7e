/**
 * examples/development.json: synapses overproduced, then eliminated. A shortened run (3 s of the
 * model's 4 s, threads 1) on wasm and js: the E->E projection loses 40-60 % of its synapses to
 * STDP + weight_below pruning, the rates stay finite and non-zero, and both backends give the same
 * spikes and the same synapse counts at every checkpoint.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulation } from '../src/sim/simulation.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { spikeTrains } from './util.ts';

const model = JSON.parse(readFileSync(new URL('../examples/development.json', import.meta.url), 'utf8')) as ModelSpec;
const RUN_MS = 3000;
const CHUNK_MS = 1000;

async function develop(backend: 'wasm' | 'js') {
  const sim = await Simulation.create(model, { backend, threads: 1 });
  try {
    const counts: Record<string, number>[] = [await sim.synapseCounts()];
    for (let t = 0; t < RUN_MS; t += CHUNK_MS) {
      await sim.run(CHUNK_MS);
      counts.push(await sim.synapseCounts());
    }
    return { counts, rates: sim.ratesHz(), trains: spikeTrains(sim) };
  } finally {
    sim.dispose();
  }
}

describe('examples/development.json (shortened to 3 s)', () => {
  it('prunes about half of E->E, keeps firing, and is identical on wasm and js', async () => {
    const wasm = await develop('wasm');
    const js = await develop('js');

    const ee = wasm.counts.map((c) => c['E->E']);
    expect(ee[0]).toBe(800 * 100); // fixed_indegree 100: twice what it keeps
    for (let k = 1; k < ee.length; k++) expect(ee[k]).toBeLessThanOrEqual(ee[k - 1]); // only ever removed
    const kept = ee[ee.length - 1] / ee[0];
    expect(kept).toBeGreaterThanOrEqual(0.4);
    expect(kept).toBeLessThanOrEqual(0.6);
    // the other projections are not pruned
    for (const name of ['E->I', 'I->E', 'I->I']) expect(wasm.counts[wasm.counts.length - 1][name]).toBe(wasm.counts[0][name]);

    for (const r of [wasm.rates, js.rates]) {
      for (const pop of ['E', 'I']) {
        expect(Number.isFinite(r[pop])).toBe(true);
        expect(r[pop]).toBeGreaterThan(0.5);
        expect(r[pop]).toBeLessThan(50);
      }
    }

    expect(js.counts).toEqual(wasm.counts);
    expect(js.trains.E.steps.length).toBeGreaterThan(0);
    expect(js.trains).toEqual(wasm.trains);
  });
});
