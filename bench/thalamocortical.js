// Thalamocortical scale benchmark (`npm run bench -- --thalamocortical [--neurons 1000000]
// [--threads 2] [--duration 1000] [--delivery auto|ring|deferred] [--synapses conductance|current] [--dry-run]`): generates the thalamocortical model
// (src/models/thalamocortical.ts, docs/thalamocortical.md) with N neurons (~500 synapses each),
// builds it sharded over the threads, runs `duration` ms of model time and reports build time, run
// time, synaptic events per second, rates and the peak resident memory of the process (main thread
// and workers: they are threads of one process, so the OS high-water mark covers all of them).
//
// Each size runs in a fresh child process so that peak memory is that size's own. --dry-run prints
// the planned arena per shard (Simulation.plan) without building.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';

const GB = 2 ** 30;

export async function runThalamocortical({ sizes = [1_000_000], threads = Math.min(2, os.availableParallelism()), durationMs = 1000, dryRun = false, seed = 1, delivery = 'auto', synapses = 'conductance' } = {}) {
  const rows = [];
  for (const n of sizes) {
    const out = execFileSync(
      process.execPath,
      ['--max-old-space-size=8192', fileURLToPath(import.meta.url), '--child', String(n), String(threads), String(durationMs), dryRun ? '1' : '0', String(seed), delivery, synapses],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
    );
    rows.push(JSON.parse(out.trim().split('\n').pop()));
  }
  if (dryRun) {
    for (const r of rows) {
      console.log(`\nThalamocortical ${r.neurons} neurons, ${r.synapses} synapses (${(r.synapses / r.neurons).toFixed(1)} per neuron), ${r.threads} threads: ` +
        `arena ${(r.bytes / GB).toFixed(2)} GB`);
      for (const s of r.shards) console.log(`  shard ${s.index}: ${s.neurons} neurons, ${s.synapses} synapses, ${(s.bytes / GB).toFixed(2)} GB`);
    }
    return rows;
  }
  console.log(`\nThalamocortical network (${synapses} synapses), ${durationMs} ms of model time, ${threads} threads (wasm), seed ${seed}, ${delivery} delivery`);
  console.log('| neurons | columns | synapses | build s | run s | spikes | mean rate Hz | synaptic events/s | peak RSS GB | arena GB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.neurons} | ${r.columns} | ${(r.synapses / 1e6).toFixed(1)} M | ${r.build.toFixed(1)} | ${r.run.toFixed(1)} | ${r.spikes} | ${r.rate.toFixed(2)} | ` +
        `${(r.events / r.run / 1e6).toFixed(1)} M | ${(r.peakRss / GB).toFixed(2)} | ${(r.arena / GB).toFixed(2)} |`,
    );
  for (const r of rows) console.log(`rates (${r.neurons}): ` + Object.entries(r.rates).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
  return rows;
}

if (process.argv[2] === '--child') {
  const [neurons, threads, durationMs, dry, seed] = process.argv.slice(3, 8).map(Number);
  const delivery = process.argv[8] ?? 'auto';
  const synapses = process.argv[9] ?? 'conductance';
  const { Simulation, thalamocorticalModel, thalamocorticalStructure } = await import('../dist/index.js');
  const spec = thalamocorticalModel({ neurons, seed, durationMs, recordFraction: 0, synapses });
  const st = thalamocorticalStructure({ neurons });
  if (dry) {
    const plan = await Simulation.plan(spec, { threads, delivery });
    console.log(JSON.stringify({ neurons: plan.neurons, synapses: plan.synapses, threads, bytes: plan.bytes, shards: plan.shards }));
    process.exit(0);
  }
  const t0 = performance.now();
  const sim = await Simulation.create(spec, { threads, delivery });
  const wallBuild = (performance.now() - t0) / 1000;
  const res = await sim.run(durationMs);
  const spikes = sim.spikeTotals.reduce((a, b) => a + b, 0);
  const rates = {};
  sim.network.populations.forEach((p, k) => (rates[p.name] = (sim.spikeTotals[k] * 1000) / (p.size * durationMs)));
  const row = {
    neurons: sim.neurons ?? st.neurons, columns: st.columns, threads, synapses: sim.synapses, build: wallBuild, buildSim: sim.buildSeconds, run: res.seconds,
    events: sim.events, spikes, rate: (spikes * 1000) / (st.neurons * durationMs), rates,
    peakRss: process.resourceUsage().maxRSS * 1024, arena: sim.arenaBytes,
  };
  sim.dispose();
  console.log(JSON.stringify(row));
  process.exit(0);
}
