/**
 * A worker of `axonal sweep` (bundled as dist/sweep-worker.js): runs the models it is sent, one at a
 * time, each on one thread (independent runs, no shards), and answers with the run's metrics.
 */
import { parentPort } from 'node:worker_threads';
import { Simulation } from '../sim/simulation.ts';
import type { ModelSpec } from '../core/types.ts';
import { populationMetrics, type PopulationMetrics } from './metrics.ts';

export interface SweepJob {
  index: number;
  model: ModelSpec;
  durationMs: number;
  backend: 'wasm' | 'js';
}

export interface SweepResult {
  index: number;
  metrics?: Record<string, PopulationMetrics>;
  spikes?: number;
  runSeconds?: number;
  error?: string;
}

/** Run one job (also used in-process by tests). */
export async function runJob(job: SweepJob): Promise<SweepResult> {
  const model: ModelSpec = { ...job.model, monitors: job.model.populations.map((p) => ({ type: 'spikes' as const, population: p.name })) };
  let sim: Simulation | undefined;
  try {
    sim = await Simulation.create(model, { threads: 1, backend: job.backend });
    const r = await sim.run(job.durationMs);
    const metrics: Record<string, PopulationMetrics> = {};
    let spikes = 0;
    for (const p of sim.network.populations) {
      const d = sim.spikes(p.name);
      spikes += d.count;
      metrics[p.name] = populationMetrics(d, p.size, job.durationMs, sim.network.seed);
    }
    return { index: job.index, metrics, spikes, runSeconds: r.seconds };
  } catch (e) {
    return { index: job.index, error: (e as Error)?.message ?? String(e) };
  } finally {
    sim?.dispose();
  }
}

parentPort?.on('message', async (job: SweepJob) => {
  parentPort!.postMessage(await runJob(job));
});
