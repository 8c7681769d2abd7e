#!/usr/bin/env node
// Izhikevich (2003) benchmark (issue 4): examples/izhikevich2003.json (1,000 neurons, 1,000,000
// synapses, dt = 1 ms) for 10 s of model time on the wasm and js backends, one thread, spikes
// recorded. Per backend one warm-up run (1 s of model time: compiles and tiers up the kernels),
// then the median of 3 timed runs, each a fresh Simulation (build excluded). Prints run time, speed
// relative to real time and the WASM/JS ratio; targets: >= 50x real time with WASM on one core,
// WASM >= 4x JS. `npm run bench -- --izhikevich` (via runIzhikevich) or
// `node bench/izhikevich.js [--duration 10000] [--repeats 3] [--backends wasm,js]`. Needs `npm run build`.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Simulation, VERSION } from '../dist/index.js';

const MODEL = new URL('../examples/izhikevich2003.json', import.meta.url);
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(model, backend, durationMs) {
  const sim = await Simulation.create(model, { backend, threads: 1 });
  try {
    const r = await sim.run(durationMs);
    const spikes = sim.spikeTotals.reduce((a, b) => a + b, 0);
    return { seconds: r.seconds, build: sim.buildSeconds, synapses: sim.synapses, spikes, events: sim.events, variant: sim.variant, rates: sim.ratesHz() };
  } finally {
    sim.dispose();
  }
}

/** Runs the benchmark, prints a Markdown table and returns the rows. */
export async function runIzhikevich({ durationMs = 10000, repeats = 3, warmupMs = 1000, backends = ['wasm', 'js'] } = {}) {
  const model = JSON.parse(readFileSync(MODEL, 'utf8'));
  console.log(`axonal ${VERSION} Izhikevich 2003 bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${new Date().toISOString()}`);
  console.log(`examples/izhikevich2003.json, ${durationMs} ms of model time, threads 1; median of ${repeats} runs after a ${warmupMs} ms warm-up`);
  const rows = [];
  for (const backend of backends) {
    await once(model, backend, warmupMs);
    const runs = [];
    for (let r = 0; r < repeats; r++) runs.push(await once(model, backend, durationMs));
    const run = median(runs.map((x) => x.seconds));
    const last = runs[runs.length - 1];
    rows.push({
      backend, variant: last.variant, synapses: last.synapses, run_seconds: run, runs: runs.map((x) => x.seconds),
      real_time: durationMs / 1000 / run, build_seconds: last.build, rate_e: last.rates.E, rate_i: last.rates.I,
      events_per_s: last.events / run, spikes: last.spikes,
    });
  }
  const f = (x, d = 3) => Number(x).toFixed(d);
  console.log('| backend | synapses | run s (median) | runs s | × real time | rate E / I Hz | synaptic events/s |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.backend} (${r.variant}) | ${r.synapses} | ${f(r.run_seconds)} | ${r.runs.map((x) => f(x)).join(', ')} | ${f(r.real_time, 1)} | ${f(r.rate_e, 2)} / ${f(r.rate_i, 2)} | ${(r.events_per_s / 1e6).toFixed(1)} M |`);
  const wasm = rows.find((r) => r.backend === 'wasm');
  const js = rows.find((r) => r.backend === 'js');
  if (wasm) console.log(`WASM: ${f(wasm.real_time, 1)}× real time on one core (target ≥ 50×)`);
  if (wasm && js) console.log(`WASM/JS speed-up: ${f(js.run_seconds / wasm.run_seconds, 2)}× (target ≥ 4×)`);
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const arg = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
  };
  await runIzhikevich({
    durationMs: Number(arg('duration', '10000')),
    repeats: Number(arg('repeats', '3')),
    warmupMs: Number(arg('warmup', '1000')),
    backends: arg('backends', 'wasm,js').split(','),
  });
}
