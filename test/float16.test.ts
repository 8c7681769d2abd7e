/**
 * weight_precision "float16" (src/sim/synapse-layout.ts): per-synapse weights stored as float16,
 * each the float32 weight rounded to the nearest float16 (ties to even) and widened exactly when
 * delivered. The same spikes on every backend and thread count, weights as the rounding says, 2
 * bytes less per synapse, snapshots that restore them, and clear refusals.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../src/sim/simulation.ts';
import { ModelError, estimateShards, validateModel } from '../src/network/index.ts';
import { toHalf } from '../src/sim/synapse-layout.ts';
import { halfTable } from '../src/backend/js/propagate.ts';

const HALF = halfTable();
import type { ModelSpec } from '../src/core/types.ts';
import { spikeTrains } from './util.ts';

/** CUBA-like, 1,000 neurons, normal weights and delays per synapse, a Poisson drive. */
function model(precision?: 'float16' | 'float32'): ModelSpec {
  const pop = (name: string, size: number, type: 'excitatory' | 'inhibitory') => ({
    name, size, model: 'lif' as const, type, params: { tau_m: 20, v_rest: -65, v_thresh: -50, v_reset: -65, tau_refrac: 2, tau_syn_e: 5, tau_syn_i: 10 },
    initial: { v: { dist: 'uniform' as const, low: -65, high: -50 } },
  });
  const w = (mean: number) => ({ dist: 'normal' as const, mean, std: Math.abs(mean) * 0.3, ...(mean > 0 ? { min: 0 } : { max: 0 }) });
  const d = { dist: 'normal' as const, mean: 1.5, std: 0.5, min: 0.1, max: 4 };
  const proj = (source: string, target: string, weight: number) => ({
    source, target, connect: { rule: 'fixed_indegree' as const, indegree: 60 }, weight: w(weight), delay: d,
    ...(precision ? { weight_precision: precision } : {}),
  });
  return {
    dt: 0.1, seed: 5,
    populations: [pop('E', 800, 'excitatory'), pop('I', 200, 'inhibitory')],
    projections: [proj('E', 'E', 0.12), proj('E', 'I', 0.12), proj('I', 'E', -0.5), proj('I', 'I', -0.5)],
    inputs: [{ type: 'poisson', target: 'E', rate: 12000, weight: 0.1 }, { type: 'poisson', target: 'I', rate: 12000, weight: 0.1 }],
    monitors: [{ type: 'spikes', population: 'E' }, { type: 'spikes', population: 'I' }],
  };
}

describe('float16 weights', () => {
  it('toHalf rounds to nearest, ties to even, and widening its bits gives back every finite float16 exactly', () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // infinities and NaN
      const x = HALF[h];
      expect(toHalf(x) === h || (x === 0 && toHalf(x) === (h & 0x8000)), `bits ${h}`).toBe(true);
    }
    expect(HALF[0x3c00]).toBe(1);
    expect(HALF[0x0001]).toBe(2 ** -24);
    expect(HALF[0x7bff]).toBe(65504);
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and 1 + 2^-10: to even
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, up to even
    expect(toHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above halfway
    expect(toHalf(65520)).toBe(-1); // rounds to infinity
    expect(toHalf(2 ** -26)).toBe(0);
    expect(toHalf(3 * 2 ** -26)).toBe(1); // 0.75 of the smallest subnormal: up
  });

  it('the weights are the float32 ones rounded to float16; the same spikes on js, wasm and 1–3 threads; 2 bytes less per synapse', async () => {
    const exact = await Simulation.create(model(), { backend: 'js', threads: 1 });
    const ref = await Simulation.create(model('float16'), { backend: 'js', threads: 1 });
    for (const name of ['E->E', 'I->E']) {
      const a = await exact.getWeights(name);
      const b = await ref.getWeights(name);
      expect(Array.from(b.targets)).toEqual(Array.from(a.targets));
      expect(Array.from(b.sources)).toEqual(Array.from(a.sources));
      let rounded = 0;
      for (let k = 0; k < a.weights.length; k++) {
        expect(b.weights[k]).toBe(HALF[toHalf(a.weights[k])]);
        if (b.weights[k] !== a.weights[k]) rounded++;
      }
      expect(rounded).toBeGreaterThan(a.weights.length / 2); // the rounding is not vacuous
    }
    const bytes = (sim: Simulation) => sim.arenaParts.filter((p) => p.name === 'projection E->E').reduce((s, p) => s + p.bytes, 0);
    expect(bytes(exact) - bytes(ref)).toBe(Math.ceil((800 * 60 * 4) / 16) * 16 - Math.ceil((800 * 60 * 2) / 16) * 16);
    await exact.run(200);
    await ref.run(200);
    const want = spikeTrains(ref);
    expect(want.E.i.length).toBeGreaterThan(500);
    expect(spikeTrains(exact)).not.toEqual(want); // float16 changes the run (slightly)
    exact.dispose();
    ref.dispose();
    for (const opts of [{ backend: 'wasm' as const, threads: 1 }, { backend: 'wasm' as const, threads: 3 }, { backend: 'js' as const, threads: 2, delivery: 'deferred' as const }]) {
      const sim = await Simulation.create(model('float16'), opts);
      await sim.run(200);
      expect(spikeTrains(sim), JSON.stringify(opts)).toEqual(want);
      sim.dispose();
    }
    // the estimate counts 2 bytes per weight
    const est = estimateShards(model('float16'), 1).shards[0].projections[0];
    expect(est.weightBytes).toBe(Math.ceil((800 * 60 * 2) / 16) * 16);
  });

  it('a snapshot restores the float16 weights and continues to the same spikes', async () => {
    const one = await Simulation.create(model('float16'), { backend: 'wasm', threads: 1 });
    await one.run(150);
    const half = await Simulation.create(model('float16'), { backend: 'wasm', threads: 2 });
    await half.run(70);
    const back = await Simulation.restore(await half.snapshot(), { backend: 'js', threads: 1 });
    half.dispose();
    await back.run(80);
    expect(spikeTrains(back)).toEqual(spikeTrains(one));
    expect(Array.from((await back.getWeights('E->E')).weights)).toEqual(Array.from((await one.getWeights('E->E')).weights));
    one.dispose();
    back.dispose();
  });

  it('refuses float16 with plasticity, with a single weight, and a weight beyond its range, naming the field', async () => {
    const m = model('float16');
    m.projections![0].plasticity = { rule: 'stdp', w_max: 1 };
    expect(validateModel(m).map((i) => `${i.path}: ${i.message}`).join('\n')).toMatch(/projections\[0\]\.weight_precision: 'float16' cannot hold the small weight changes of plasticity/);
    const c = model('float16');
    c.projections![1].weight = 0.1;
    expect(validateModel(c).map((i) => i.path)).toContain('projections[1].weight_precision');
    const bad = model('float16');
    bad.projections![0].weight = { dist: 'uniform', low: 1e5, high: 2e5 };
    let err: unknown;
    try {
      await Simulation.create(bad, { backend: 'js', threads: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/projections\[0\]\.weight_precision: a weight of [\d.e+]+ is outside float16's finite range/);
    const other = model('float16');
    (other.projections![0] as { weight_precision: string }).weight_precision = 'float8';
    expect(validateModel(other).map((i) => i.path)).toContain('projections[0].weight_precision');
  });
});
