#!/usr/bin/env node
// Snapshot benchmark (issue 17): the Potjans & Diesmann microcircuit at full scale (77,169 neurons,
// 298,880,968 synapses, Poisson background), 2 threads: build, run 50 ms, then
//   save     sim.saveSnapshot(file): the shards' parts, the file written and fsynced (time, bytes)
//   load     Simulation.load(file, { threads }): read, checksum, validate, restore (time)
//   check    the restored network and the original run 20 ms more: the same spikes
// and the file's bytes per synapse beside the arena's. Peak resident memory of the process.
// `npm run bench -- --snapshot` or `node bench/snapshot.js [--scale 1] [--threads 2] [--file path]`.
// Needs `npm run build` (dist/).
import os from 'node:os';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
}

export async function runSnapshot() {
  const { Simulation, microcircuit, VERSION } = await import('../dist/index.js');
  const scale = Number(arg('scale', '1'));
  const threads = Number(arg('threads', '2'));
  const file = arg('file', join(os.tmpdir(), `axonal-bench-${process.pid}.axsnap`));
  const gb = (b) => (b / 2 ** 30).toFixed(2);
  console.log(`axonal ${VERSION}, node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const spec = microcircuit({ scaleN: scale, scaleK: scale, background: 'poisson', durationMs: 100 });
  let t0 = performance.now();
  const sim = await Simulation.create(spec, { threads });
  const build = (performance.now() - t0) / 1000;
  await sim.run(50);
  for (const p of spec.populations) sim.takeSpikes(p.name);
  console.log(`built ${sim.network.neurons} neurons, ${sim.synapses} synapses on ${sim.threads} threads in ${build.toFixed(1)} s; arena ${gb(sim.arenaBytes)} GiB (${(sim.arenaBytes / sim.synapses).toFixed(2)} B/synapse)`);
  t0 = performance.now();
  await sim.saveSnapshot(file);
  const save = (performance.now() - t0) / 1000;
  const bytes = statSync(file).size;
  console.log(`save: ${save.toFixed(2)} s, ${gb(bytes)} GiB (${(bytes / sim.synapses).toFixed(3)} B/synapse; ${(bytes / sim.arenaBytes * 100).toFixed(1)} % of the arena), ${(bytes / 2 ** 20 / save).toFixed(0)} MiB/s`);
  t0 = performance.now();
  const back = await Simulation.load(file, { threads });
  const load = (performance.now() - t0) / 1000;
  console.log(`load and restore: ${load.toFixed(2)} s on ${back.threads} threads (${(bytes / 2 ** 20 / load).toFixed(0)} MiB/s)`);
  rmSync(file, { force: true });
  await sim.run(20);
  await back.run(20);
  let same = true, n = 0;
  for (const p of spec.populations) {
    const a = sim.takeSpikes(p.name), b = back.takeSpikes(p.name);
    n += a.count;
    if (a.count !== b.count || a.i.some((x, k) => x !== b.i[k] || a.steps[k] !== b.steps[k])) same = false;
  }
  console.log(`20 ms more on both: ${n} spikes, ${same ? 'the same' : 'DIFFERENT'} spikes`);
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(`peak resident memory ${gb(rss)} GiB`);
  sim.dispose();
  back.dispose();
  return { build, save, load, bytes, synapses: sim.synapses, arena: sim.arenaBytes, same, rss };
}

if (import.meta.url === `file://${process.argv[1]}`) await runSnapshot();
