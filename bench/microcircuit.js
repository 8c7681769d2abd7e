#!/usr/bin/env node
// Microcircuit benchmark: the Potjans & Diesmann (2014) cortical microcircuit at full scale
// (77,169 neurons, 298,880,968 synapses, DC background as the reference's default), each thread
// count in a fresh child process: construction time, run time of 1 s of model time after a
// 500 ms warm-up (sim_params.py t_presim), real-time factor, synaptic events per second and the
// peak resident memory of the process. `npm run bench -- --microcircuit` (via runMicrocircuit) or
// `node bench/microcircuit.js [--threads 1,2] [--scale 1] [--background dc|poisson] [--backend wasm]
// [--delivery auto|ring|deferred] [--weights float32|float16]` (--weights float16: every projection's
// weight_precision, compact weights; the rates per population are printed to compare).
// Needs `npm run build` (dist/, build/).
//
// NEST for comparison (DESIGN.md): real-time factor ~0.6 on a 128-core node, ~1e7 synaptic events
// per second per core.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

function arg(argv, name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
}

/** One measurement in this process (the child side). Prints one JSON line. */
async function child(argv) {
  const { Simulation, microcircuit, VERSION } = await import('../dist/index.js');
  const threads = Number(arg(argv, 'threads', '1'));
  const scale = Number(arg(argv, 'scale', '1'));
  const warmup = Number(arg(argv, 'warmup', '500'));
  const duration = Number(arg(argv, 'duration', '1000'));
  const background = arg(argv, 'background', 'dc');
  const backend = arg(argv, 'backend', 'wasm');
  const delivery = arg(argv, 'delivery', 'auto');
  const weights = arg(argv, 'weights', 'float32');
  const spec = microcircuit({ scaleN: scale, scaleK: scale, background, durationMs: warmup + duration });
  if (weights === 'float16') for (const p of spec.projections) if (typeof p.weight !== 'number') p.weight_precision = 'float16';
  const t0 = performance.now();
  const sim = await Simulation.create(spec, { backend, threads, delivery });
  const construct = (performance.now() - t0) / 1000;
  const take = () => spec.populations.forEach((p) => sim.takeSpikes(p.name));
  await sim.run(warmup);
  take();
  const e0 = sim.events;
  const s0 = sim.spikeTotals.reduce((a, b) => a + b, 0);
  const s0k = sim.spikeTotals.slice();
  const ph0 = sim.phases.map((p) => ({ ...p }));
  const r = await sim.run(duration);
  // per shard, seconds of the timed run in each phase (inputs and update, waiting, delivery)
  const phases = sim.phases.map((p, k) => ({ step: p.step - ph0[k].step, wait: p.wait - ph0[k].wait, deliver: p.deliver - ph0[k].deliver }));
  const events = sim.events - e0;
  const spikes = sim.spikeTotals.reduce((a, b) => a + b, 0) - s0;
  const perPop = sim.spikeTotals.map((x, k) => x - (s0k[k] ?? 0));
  take();
  const out = {
    axonal: VERSION, scale, background, backend, delivery, weights, variant: sim.variant, threads: sim.threads, notes: sim.notes,
    neurons: sim.network.neurons, synapses: sim.network.synapses,
    construct_seconds: construct, build_seconds: sim.buildSeconds,
    run_seconds: r.seconds, model_seconds: duration / 1000, real_time_factor: r.seconds / (duration / 1000),
    synaptic_events: events, events_per_second: events / r.seconds,
    mean_rate_hz: (spikes * 1000) / (sim.network.neurons * duration),
    rates_hz: Object.fromEntries(spec.populations.map((p, k) => [p.name, (perPop[k] * 1000) / (p.size * duration)])),
    arena_bytes: sim.arenaBytes, phases,
    // the projections' arrays as laid out (row pointers, targets, weights, delay runs) per synapse
    bytes_per_synapse: sim.arenaParts.filter((p) => p.name.startsWith('projection ')).reduce((a, p) => a + p.bytes, 0) / sim.network.synapses,
    // maxRSS is in kilobytes; worker threads share the process, so this covers every shard
    max_rss_bytes: process.resourceUsage().maxRSS * 1024,
  };
  sim.dispose();
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Run one configuration in a fresh node process and return its result (or { error }). */
function runChild(opts) {
  return new Promise((resolve) => {
    const argv = [SELF, '--child', '--threads', String(opts.threads), '--scale', String(opts.scale), '--warmup', String(opts.warmupMs),
      '--duration', String(opts.durationMs), '--background', opts.background, '--backend', opts.backend, '--delivery', opts.delivery, '--weights', opts.weights];
    const p = spawn(process.execPath, ['--max-old-space-size=8192', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop();
      try {
        if (code === 0) return resolve(JSON.parse(line));
      } catch {
        /* fall through */
      }
      resolve({ threads: opts.threads, error: `child exited with ${signal ?? code}` });
    });
  });
}

/**
 * The microcircuit benchmark: one fresh child process per thread count (default 1 and 2).
 * Returns the results and prints a Markdown table.
 */
export async function runMicrocircuit({ threads, scale = 1, warmupMs = 500, durationMs = 1000, background = 'dc', backend = 'wasm', delivery = 'auto', weights = 'float32' } = {}) {
  const list = threads === undefined ? [1, 2] : Array.isArray(threads) ? threads : [threads];
  console.log(`axonal microcircuit bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString()}`);
  console.log(`Potjans & Diesmann (2014), N/K scaling ${scale}, ${background} background, ${backend}, ${delivery} delivery, ${weights} weights; ${durationMs} ms timed after a ${warmupMs} ms warm-up, each row a fresh process`);
  const results = [];
  for (const t of list) results.push(await runChild({ threads: t, scale, warmupMs, durationMs, background, backend, delivery, weights }));
  const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log('| threads | neurons | synapses | construction s | run s (1 s model) | real-time factor | synaptic events/s | rate Hz | peak RSS GiB | bytes/synapse |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (r.error) console.log(`| ${r.threads} | failed: ${r.error} | | | | | | | | |`);
    else
      console.log(
        `| ${r.threads} (${r.variant}) | ${r.neurons} | ${r.synapses} | ${f(r.construct_seconds, 1)} | ${f(r.run_seconds)} | ${f(r.real_time_factor)} | ` +
          `${r.synaptic_events ? (r.events_per_second / 1e6).toFixed(1) + ' M' : '0 (sim.events not counted yet)'} | ${f(r.mean_rate_hz, 3)} | ${f(r.max_rss_bytes / 2 ** 30)} | ${r.bytes_per_synapse === undefined ? '-' : f(r.bytes_per_synapse)} |`,
      );
  }
  for (const r of results)
    if (r.rates_hz) console.log(`${r.threads} thread${r.threads > 1 ? 's' : ''}, rates Hz: ` + Object.entries(r.rates_hz).map(([k, v]) => `${k} ${f(v, 3)}`).join(', '));
  for (const r of results)
    if (r.phases)
      console.log(`${r.threads} thread${r.threads > 1 ? 's' : ''}, seconds per shard (step: inputs, flush and update / wait / deliver): ` +
        r.phases.map((p) => `${f(p.step)} / ${f(p.wait)} / ${f(p.deliver)}`).join('; '));
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  if (argv.includes('--child')) await child(argv);
  else {
    const t = arg(argv, 'threads', undefined);
    await runMicrocircuit({
      threads: t === undefined ? undefined : t.split(',').map(Number),
      scale: Number(arg(argv, 'scale', '1')),
      warmupMs: Number(arg(argv, 'warmup', '500')),
      durationMs: Number(arg(argv, 'duration', '1000')),
      background: arg(argv, 'background', 'dc'),
      backend: arg(argv, 'backend', 'wasm'),
      delivery: arg(argv, 'delivery', 'auto'),
      weights: arg(argv, 'weights', 'float32'),
    });
  }
}
