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
