import { expect } from 'vitest';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import type { ModelSpec } from '../src/core/types.ts';

/** Every backend and WASM variant: each kernel-level test runs on all of them. */
export const BACKENDS: { label: string; opts: SimulationOptions }[] = [
  { label: 'js', opts: { backend: 'js', threads: 1 } },
  { label: 'wasm-simd', opts: { backend: 'wasm', variant: 'simd', threads: 1 } },
  { label: 'wasm-scalar', opts: { backend: 'wasm', variant: 'scalar', threads: 1 } },
  { label: 'wasm-debug', opts: { backend: 'wasm', variant: 'debug', threads: 1 } },
];

export async function simulate(spec: ModelSpec, opts: SimulationOptions, durationMs?: number) {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(durationMs);
    return sim;
  } catch (e) {
    sim.dispose();
    throw e;
  }
}

/** Spike trains of every population with a spike monitor, as plain arrays for comparison. */
export function spikeTrains(sim: Simulation): Record<string, { i: number[]; steps: number[] }> {
  const out: Record<string, { i: number[]; steps: number[] }> = {};
  for (const m of sim.spikeMonitorList()) {
    const d = m.data(sim.dt);
    out[d.population] = { i: Array.from(d.i), steps: Array.from(d.steps) };
  }
  return out;
}

/** A single-population LIF model with the given parameters and monitors. */
export function lifModel(params: Record<string, number>, extra: Partial<ModelSpec> = {}, size = 1): ModelSpec {
  return {
    name: 'lif-test',
    dt: 0.1,
    duration: 100,
    seed: 1,
    populations: [{ name: 'n', size, model: 'lif', synapse: 'exp', params }],
    ...extra,
  };
}

/**
 * An estimate against the arenas the simulator laid out: the same bytes, but for the projections
 * with per-synapse delays, whose runs the estimate bounds (runsBound) and the arena holds as drawn:
 * there the estimate is at least the arena and exceeds it by less than the runs it counted.
 */
export function expectArena(
  est: { bytes: number; projections: { name: string; bytes: number; runBytes: number }[] }[],
  sim: { arenaParts: { name: string; bytes: number }[]; arenaBytes: number },
  what: string,
) {
  const got = new Map<string, number>();
  for (const p of sim.arenaParts) if (p.name.startsWith('projection ')) got.set(p.name, (got.get(p.name) ?? 0) + p.bytes);
  const want = new Map<string, { bytes: number; runs: number }>();
  for (const sh of est)
    for (const p of sh.projections) {
      const w = want.get(`projection ${p.name}`) ?? { bytes: 0, runs: 0 };
      want.set(`projection ${p.name}`, { bytes: w.bytes + p.bytes, runs: w.runs + p.runBytes });
    }
  expect([...got.keys()].sort(), what).toEqual([...want.keys()].sort());
  let slack = 0;
  for (const [name, w] of want) {
    const g = got.get(name)!;
    if (w.runs === 0) expect(g, `${what}: ${name}`).toBe(w.bytes);
    else {
      expect(g, `${what}: ${name}`).toBeLessThanOrEqual(w.bytes);
      expect(w.bytes - g, `${what}: ${name}`).toBeLessThan(w.runs);
    }
    slack += w.bytes - g;
  }
  // everything else exactly
  expect(est.reduce((a, sh) => a + sh.bytes, 0) - slack, what).toBe(sim.arenaBytes);
}
