#!/usr/bin/env node
// axonal benchmarks: `npm run bench` (add `-- --help` for options).
// CUBA with 4,000 and 100,000 neurons for 1 s of model time on the wasm and js backends, with
// Brian2 (C++ standalone) and a plain C version of the same loop run side by side.
import { Command } from 'commander';
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { Simulation, VERSION } from '../dist/index.js';
import { cubaModel } from './cuba.js';
import { runBrian2, runC } from './peers/run-peer.js';

// benchmarks that are a module of their own, run at import
for (const [flag, file] of [['--kernels', './kernels.js'], ['--ceiling', './ceiling.js'], ['--delivery-kernels', './delivery.js'], ['--defaults', './defaults.js'], ['--equations', './equations.js'], ['--auto-threads', './auto-threads.js'], ['--brette', './brette.js']]) {
  if (process.argv.includes(flag)) {
    await import(file);
    process.exit(0);
  }
}
if (process.argv.includes('--scaling')) {
  await import('./scaling.js');
  process.exit(0);
}
if (process.argv.includes('--snapshot')) {
  const { runSnapshot } = await import('./snapshot.js');
  await runSnapshot();
  process.exit(0);
}
if (process.argv.includes('--microcircuit')) {
  const { runMicrocircuit } = await import('./microcircuit.js');
  const t = process.argv.indexOf('--threads');
  await runMicrocircuit(t > 0 ? { threads: Number(process.argv[t + 1]) } : {});
  process.exit(0);
}
if (process.argv.includes('--thalamocortical')) {
  const { runThalamocortical } = await import('./thalamocortical.js');
  const arg = (name) => {
    const k = process.argv.indexOf(name);
    return k > 0 ? process.argv[k + 1] : undefined;
  };
  const opts = { dryRun: process.argv.includes('--dry-run') };
  if (arg('--neurons')) opts.sizes = arg('--neurons').split(',').map(Number);
  if (arg('--threads')) opts.threads = Number(arg('--threads'));
  if (arg('--duration')) opts.durationMs = Number(arg('--duration'));
  if (arg('--seed')) opts.seed = Number(arg('--seed'));
  if (arg('--delivery')) opts.delivery = arg('--delivery');
  if (arg('--synapses')) opts.synapses = arg('--synapses');
  await runThalamocortical(opts);
  process.exit(0);
}
if (process.argv.includes('--speedup')) {
  const { runSpeedup } = await import('./speedup.js');
  const n = process.argv.indexOf('--neurons');
  await runSpeedup(n >= 0 ? { neurons: Number(process.argv[n + 1]) } : {});
  process.exit(0);
}
if (process.argv.includes('--polychronization')) {
  const { runPolychronization } = await import('./polychronization.js');
  const d = process.argv.indexOf('--duration');
  await runPolychronization(d >= 0 ? { durationMs: Number(process.argv[d + 1]) } : {});
  process.exit(0);
}
if (process.argv.includes('--izhikevich')) {
  const { runIzhikevich } = await import('./izhikevich.js');
  await runIzhikevich();
  process.exit(0);
}
if (process.argv.includes('--build')) {
  await import('./build.js');
  process.exit(0);
}
if (process.argv.includes('--scale')) {
  const { runScale } = await import('./scale.js');
  const t = process.argv.indexOf('--threads');
  await runScale(t > 0 ? { threads: Number(process.argv[t + 1]) } : {});
  process.exit(0);
}

const program = new Command()
  .name('npm run bench --')
  .option('--sizes <list>', 'CUBA sizes (neurons), comma-separated', '4000,100000')
  .option('--duration <ms>', 'model time per run, ms', '1000')
  .option('--repeats <n>', 'runs per backend and size after one warm-up run (the median is reported)', '5')
  .option('--backends <list>', 'backends/variants: wasm, wasm-scalar, js', 'wasm,js')
  .option('--threads <n>', 'threads (shards) per axonal run', '1')
  .option('--no-peers', 'skip Brian2 and the C ceiling')
  .option('--json <file>', 'also write the results as JSON')
  .option('--kernels', 'run the kernel micro-benchmarks (benny) instead')
  .option('--scale', 'run the scale benchmark instead: CUBA with 1 M neurons, 100 M and 500 M synapses')
  .option('--microcircuit', 'run the Potjans-Diesmann microcircuit benchmark instead (full scale, 1 and 2 threads)')
  .option('--thalamocortical', 'run the thalamocortical scale benchmark instead (1 M neurons, 0.5 B synapses, 2 threads; --neurons n[,n...], --threads, --duration, --delivery, --synapses conductance|current, --dry-run)')
  .option('--speedup', 'run the thread speed-up benchmark instead (CUBA-100k, 1 and 2 threads alternately)')
  .option('--ceiling', "run the machine's parallel ceiling of the neuron update instead (lif_update alone, 1 and 2 workers alternately)")
  .option('--delivery-kernels', 'run the spike delivery benchmark instead: ring, deferred and the read-only floor on a microcircuit-like shard (kernels alone)')
  .option('--polychronization', 'run the Izhikevich (2006) polychronization benchmark instead (one model hour, wasm, 1 thread; --duration ms)')
  .option('--izhikevich', 'run the Izhikevich (2003) network benchmark instead (10 s of model time, wasm and js, 1 thread)')
  .option('--build', 'run the connectivity construction benchmark instead (synapses per second)')
  .option('--scaling', 'run the scaling benchmark instead: CUBA from 4,000 to 1,000,000 neurons, 80 and 1000 synapses per neuron, 1 and 2 threads, Brian2 C++ at K = 80; writes bench/scaling.svg (--duration, --no-peers, --quick)')
  .option('--snapshot', 'run the snapshot benchmark instead: the full-scale microcircuit saved, loaded and restored on 2 threads (time, bytes per synapse; --scale, --threads, --file)')
  .option('--equations', 'run the models-from-equations benchmark instead: generated kernels beside the hand-written ones (lif, izhikevich, CUBA) and the compile time of a Hodgkin-Huxley model')
  .option('--auto-threads', 'run the measurement behind threads "auto" instead: CUBA 4k-100k on 1 and 2 threads with the rule\'s work estimate')
  .option('--brette', 'run the Brette et al. (2007) COBA and COBAHH benchmark instead: COBA-4k, COBAHH-4k (1 thread) and COBAHH-100k (1 and 2 threads) beside Brian2 C++ standalone (--duration, --repeats, --large N, --no-peers, --json)')
  .option('--defaults', 'run every example as the command line runs it by default (threads auto) beside every explicit thread count, and Brian2 for CUBA (--repeats, --only, --no-peers)')
  .parse(process.argv);
const o = program.opts();
const sizes = o.sizes.split(',').map(Number);
const duration = Number(o.duration);
const repeats = Number(o.repeats);
const threads = Number(o.threads);

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function runAxonal(n, label) {
  const [backend, variant] = label.split('-');
  const times = [];
  let last;
  // warm-up: the first run of a process also compiles and tiers up the kernels (V8's Liftoff ->
  // TurboFan for WASM, the JIT for JS); like Brian2's standalone timing, we time the run only
  {
    const sim = await Simulation.create(cubaModel(n, { durationMs: 100 }), { backend, variant, threads });
    await sim.run(100);
    sim.dispose();
  }
  for (let r = 0; r < repeats; r++) {
    const sim = await Simulation.create(cubaModel(n, { durationMs: duration }), { backend, variant, threads });
    const res = await sim.run(duration);
    times.push(res.seconds);
    const spikes = sim.spikeTotals.reduce((a, b) => a + b, 0);
    last = { build: sim.buildSeconds, synapses: sim.synapses, spikes, events: sim.events, variant: sim.variant, rate: (spikes * 1000) / (n * duration) };
    sim.dispose();
  }
  const run = median(times);
  const steps = Math.round(duration / 0.1);
  return {
    engine: `axonal ${label}`, neurons: n, synapses: last.synapses, run_seconds: run, min_seconds: Math.min(...times), runs: times,
    build_seconds: last.build, rate_hz: last.rate, variant: last.variant,
    neuron_updates_per_s: (n * steps) / run, events_per_s: last.events / run,
  };
}

const results = [];
const fmt = (x, d = 3) => (x === undefined ? '-' : Number(x).toFixed(d));
console.log(`axonal ${VERSION} bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${new Date().toISOString()}`);
for (const n of sizes) {
  const rows = [];
  for (const b of o.backends.split(',')) rows.push(await runAxonal(n, b));
  if (o.peers) {
    const br = await runBrian2({ neurons: n, durationMs: duration, device: 'cpp_standalone' });
    rows.push(br.skipped ? { engine: 'brian2 cpp_standalone', skipped: br.skipped } : { engine: 'brian2 cpp_standalone', neurons: n, synapses: br.synapses, run_seconds: br.run_seconds, rate_hz: br.rate_hz });
    const c = await runC({ neurons: n, durationMs: duration });
    rows.push(c.skipped ? { engine: 'C -O3 (ceiling)', skipped: c.skipped } : { engine: 'C -O3 (ceiling)', neurons: n, synapses: c.synapses, run_seconds: c.run_seconds, rate_hz: c.rate_hz });
  }
  const wasm = rows.find((r) => r.engine === 'axonal wasm');
  const js = rows.find((r) => r.engine === 'axonal js');
  const brian = rows.find((r) => r.engine.startsWith('brian2') && !r.skipped);
  console.log(`\nCUBA ${n} neurons, ${duration} ms of model time (axonal: median of ${repeats} runs after a warm-up; Brian2: one run, its own run timing)`);
  console.log('| engine | synapses | run s | rate Hz | neuron updates/s | synaptic events/s |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    if (r.skipped) console.log(`| ${r.engine} | skipped: ${r.skipped} | | | | |`);
    else console.log(`| ${r.engine}${r.variant ? ` (${r.variant})` : ''} | ${r.synapses} | ${fmt(r.run_seconds)} | ${fmt(r.rate_hz, 2)} | ${r.neuron_updates_per_s ? (r.neuron_updates_per_s / 1e6).toFixed(1) + ' M' : '-'} | ${r.events_per_s ? (r.events_per_s / 1e6).toFixed(1) + ' M' : '-'} |`);
  }
  if (wasm && js) console.log(`WASM/JS speed-up: ${(js.run_seconds / wasm.run_seconds).toFixed(2)}×`);
  if (wasm && brian) console.log(`WASM run time / Brian2 C++ standalone run time: ${(wasm.run_seconds / brian.run_seconds).toFixed(2)}`);
  results.push({ neurons: n, rows });
}
if (o.json) {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(o.json, JSON.stringify({ version: VERSION, node: process.version, date: new Date().toISOString(), results }, null, 2));
}
