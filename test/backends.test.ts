/**
 * Bit-identical backends: for the same model and seed, js, wasm-simd, wasm-scalar and wasm-debug
 * give the same spike trains and the same final state, to the bit.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { BACKENDS, simulate, spikeTrains } from './util.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { mixedModel } from './models.ts';

const load = (f: string) => JSON.parse(readFileSync(new URL(`../examples/${f}`, import.meta.url), 'utf8')) as ModelSpec;

async function runAll(spec: ModelSpec, duration?: number) {
  const out = [];
  for (const b of BACKENDS) {
    const sim = await simulate(spec, b.opts, duration);
    const state: Record<string, number[]> = {};
    for (const p of sim.network.populations) {
      if (p.model === 'lif') {
        state[`${p.name}.v`] = Array.from(await sim.getState(p.name, 'v'));
        if (p.synapse === 'exp') state[`${p.name}.ie`] = Array.from(await sim.getState(p.name, 'ie'));
      }
    }
    out.push({ label: b.label, trains: spikeTrains(sim), state, totals: sim.spikeTotals.slice(), variant: sim.variant });
    sim.dispose();
  }
  return out;
}

describe('backends are bit-identical', () => {
  it('on examples/cuba.json (1 s)', async () => {
    const res = await runAll(load('cuba.json'));
    const ref = res[0];
    expect(ref.totals[0]).toBeGreaterThan(1000);
    for (const r of res.slice(1)) {
      expect(r.totals, r.label).toEqual(ref.totals);
      expect(r.trains, r.label).toEqual(ref.trains);
      expect(r.state, r.label).toEqual(ref.state);
    }
    // the variants really are different code paths
    expect(res.map((r) => r.variant)).toEqual(['js', 'simd', 'scalar', 'debug']);
  });

  it('on a network with delays, Poisson sources and inputs, delta and exp synapses, threshold units', async () => {
    const res = await runAll(mixedModel);
    const ref = res[0];
    // every population is active, so the comparison covers every kernel
    ref.totals.forEach((c, k) => expect(c, `population ${k}`).toBeGreaterThan(0));
    for (const r of res.slice(1)) {
      expect(r.trains, r.label).toEqual(ref.trains);
      expect(r.state, r.label).toEqual(ref.state);
    }
  });

  it('on examples/threshold-random.json', async () => {
    const spec = { ...load('threshold-random.json'), monitors: [{ type: 'spikes' as const, population: 'units' }] };
    const res = await runAll(spec);
    expect(res[0].totals[0]).toBeGreaterThan(0);
    for (const r of res.slice(1)) expect(r.trains, r.label).toEqual(res[0].trains);
  });

  it('a different seed gives different spikes (the comparison above is not vacuous)', async () => {
    const a = await simulate(mixedModel, { backend: 'js', threads: 1 }, 100);
    const b = await simulate(mixedModel, { backend: 'js', seed: 43, threads: 1 }, 100);
    expect(spikeTrains(a)).not.toEqual(spikeTrains(b));
    a.dispose();
    b.dispose();
  });
});
