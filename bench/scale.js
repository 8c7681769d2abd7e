// Scale benchmark (`npm run bench -- --scale`): CUBA with 1,000,000 neurons and 100 or 500
// synapses per neuron (100 M and 500 M synapses; weights scaled by 80/K so the rate stays in the
// CUBA range), 1 s of model time, sharded over the cores. Reports build time, run time, synaptic
// events per second and the peak resident memory of the process (all threads).
//
// Each size runs in a fresh child process so that peak memory is that size's own.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

export async function runScale({ sizes = [100, 500], neurons = 1_000_000, threads = os.availableParallelism(), durationMs = 1000 } = {}) {
  const rows = [];
  for (const k of sizes) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', String(neurons), String(k), String(threads), String(durationMs)], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20,
    });
    rows.push(JSON.parse(out.trim().split('\n').pop()));
  }
  console.log(`\nScale: CUBA ${neurons} neurons, ${durationMs} ms of model time, ${threads} threads`);
  console.log('| synapses/neuron | synapses | build s | run s | rate Hz | synaptic events/s | peak RSS GB | arena GB |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.k} | ${(r.synapses / 1e6).toFixed(1)} M | ${r.build.toFixed(1)} | ${r.run.toFixed(1)} | ${r.rate.toFixed(2)} | ${(r.events / r.run / 1e6).toFixed(1)} M | ${(r.peakRss / 2 ** 30).toFixed(2)} | ${(r.arena / 2 ** 30).toFixed(2)} |`);
  return rows;
}

if (process.argv[2] === '--child') {
  const [neurons, k, threads, durationMs] = process.argv.slice(3).map(Number);
  const { Simulation } = await import('../dist/index.js');
  const { cubaModel } = await import('./cuba.js');
  const sim = await Simulation.create(cubaModel(neurons, { synapsesPerNeuron: k, monitors: false, durationMs }), { threads });
  const res = await sim.run(durationMs);
  const spikes = sim.spikeTotals.reduce((a, b) => a + b, 0);
  const row = {
    k, neurons, threads, synapses: sim.synapses, build: sim.buildSeconds, run: res.seconds, events: sim.events,
    rate: (spikes * 1000) / (neurons * durationMs), peakRss: process.resourceUsage().maxRSS * 1024, arena: sim.arenaBytes,
  };
  sim.dispose();
  console.log(JSON.stringify(row));
  process.exit(0);
}
