/** Writing run results: summary.json (the monitors' files: src/io/records.ts). */
import type { Simulation } from '../sim/simulation.ts';

/** Number of decimals needed to print multiples of dt exactly (up to 9). */
export function timeDecimals(dt: number): number {
  for (let d = 0; d <= 9; d++) {
    const s = 10 ** d;
    if (Math.abs(Math.round(dt * s) - dt * s) < 1e-9 * s) return d;
  }
  return 9;
}

export interface Summary {
  model: string;
  neurons: number;
  synapses: number;
  steps: number;
  dt_ms: number;
  duration_ms: number;
  seed: number;
  spikes: number;
  rates_hz: Record<string, number>;
  synaptic_events: number;
  build_seconds: number;
  /** compiling the models from equations (part of build_seconds); 0 when there are none */
  compile_seconds: number;
  run_seconds: number;
  /** ms from the process's start to the first step (sim.firstStepMs): Node's start, loading, validation and build */
  first_step_ms: number | null;
  backend: string;
  variant: string;
  threads: number;
  arena_bytes: number;
  /** per `synapses` monitor: the projection's synapse count at each sampled time */
  synapse_counts?: Record<string, { t_ms: number[]; count: number[] }>;
}

export function summarize(sim: Simulation, runSeconds: number): Summary {
  const net = sim.network;
  return {
    model: net.name,
    neurons: net.neurons,
    synapses: sim.synapses,
    steps: sim.step,
    dt_ms: net.dt,
    duration_ms: sim.time,
    seed: net.seed,
    spikes: sim.spikeTotals.reduce((a, b) => a + b, 0),
    rates_hz: sim.ratesHz(),
    synaptic_events: sim.events,
    build_seconds: sim.buildSeconds,
    compile_seconds: sim.compileSeconds,
    run_seconds: runSeconds,
    first_step_ms: sim.firstStepMs === null ? null : +sim.firstStepMs.toFixed(1),
    backend: sim.backendName,
    variant: sim.variant,
    threads: sim.threads,
    arena_bytes: sim.arenaBytes,
    ...synapseCounts(sim),
  };
}

function synapseCounts(sim: Simulation): Pick<Summary, 'synapse_counts'> {
  const mons = sim.network.monitors.filter((m) => m.type === 'synapses');
  if (!mons.length) return {};
  const out: NonNullable<Summary['synapse_counts']> = {};
  for (const m of mons) {
    const h = sim.synapseHistory(m.projection);
    out[m.projection] = { t_ms: Array.from(h.t), count: Array.from(h.count) };
  }
  return { synapse_counts: out };
}
