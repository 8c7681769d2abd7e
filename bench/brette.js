#!/usr/bin/env node
// `npm run bench -- --brette`: COBA and COBAHH (Brette et al. 2007, benchmarks 1 and 3;
// examples/coba.json, examples/cobahh.json) beside Brian2's C++ standalone device.
//
//   COBA-4k on 1 thread, COBAHH-4k on 1 thread, COBAHH-100k (80 synapses per neuron, p = 80/N;
//   bench/cuba.js atSize) on 1 and on 2 threads, wasm: the run time of --duration ms of model time
//   (default 1000) from t = 0, spikes recorded, the median of --repeats (default 3) fresh simulations
//   after one warm-up run of each variant (100 ms), variants alternated; mean rates of E and I and
//   spikes per neuron. Brian2 (bench/peers/brian2_coba.py, brian2_cobahh.py) on its C++ standalone
//   device, one thread, its own run timing, once per model and size, in the same invocation.
//
// Prints a markdown table and the targets (COBA-4k and COBAHH-4k at most 0.5× Brian2 C++ standalone;
// COBAHH-100k at least 1.6× faster on 2 threads than on 1), each met or not met, and writes the
// results as JSON (--json file, default bench/results/brette.json).
//
// Options: --duration ms, --repeats n, --large N (the size of the 100k variants), --no-peers, --json file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation, VERSION } from '../dist/index.js';
import { atSize } from './cuba.js';
import { brian2Standalone } from './peers/run-peer.js';

const arg = (name, dflt) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const number = (name, dflt, ok) => {
  const x = Number(arg(name, dflt));
  if (!ok(x)) throw new Error(`${name}: got ${arg(name, dflt)}`);
  return x;
};
const durationMs = number('--duration', '1000', (x) => x > 0);
const repeats = number('--repeats', '3', (x) => Number.isInteger(x) && x >= 1);
const large = number('--large', '100000', (x) => Number.isInteger(x) && x >= 10);
const peers = !process.argv.includes('--no-peers');
const jsonFile = arg('--json', fileURLToPath(new URL('./results/brette.json', import.meta.url)));
const WARMUP_MS = 100;

const example = (name) => JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8'));
/** the example at N neurons with p = 80/N, spike monitors only (as Brian2's SpikeMonitor) */
function model(name, neurons, ms) {
  const m = atSize(example(name), neurons, { durationMs: ms });
  m.monitors = m.populations.map((p) => ({ type: 'spikes', population: p.name }));
  return m;
}

const label = (name, n) => `${name === 'coba' ? 'COBA' : 'COBAHH'}-${n % 1000 === 0 ? `${n / 1000}k` : n}`;
const variants = [
  { model: 'coba', neurons: 4000, threads: 1 },
  { model: 'cobahh', neurons: 4000, threads: 1 },
  { model: 'cobahh', neurons: large, threads: 1 },
  { model: 'cobahh', neurons: large, threads: 2 },
].map((v) => ({ ...v, name: `${label(v.model, v.neurons)}, ${v.threads} thread${v.threads > 1 ? 's' : ''}`, runs: [] }));

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(v, ms) {
  const sim = await Simulation.create(model(v.model, v.neurons, ms), { backend: 'wasm', threads: v.threads });
  try {
    const r = await sim.run(ms);
    return {
      seconds: r.seconds, build_seconds: sim.buildSeconds, compile_seconds: sim.compileSeconds, variant: sim.variant,
      threads: sim.threads, synapses: sim.synapses, spikes: sim.spikeTotals.reduce((a, b) => a + b, 0), rates: sim.ratesHz(),
    };
  } finally {
    sim.dispose();
  }
}

console.log(`axonal ${VERSION} Brette et al. (2007) bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
console.log(`${durationMs} ms of model time from t = 0, wasm; median of ${repeats} runs after a warm-up of ${WARMUP_MS} ms per variant, variants alternated; Brian2 C++ standalone: its own run timing, compiled once and run after every round (a program whose first run took over 10 s: that run only)\n`);
// Brian2's programs first (code generation and compilation), then run in turn with axonal's
const brian = new Map(); // `${model}/${neurons}` -> { first, rerun, runs } or { skipped }
if (peers)
  for (const v of variants) {
    const key = `${v.model}/${v.neurons}`;
    if (brian.has(key)) continue;
    console.log(`  Brian2 ${label(v.model, v.neurons)} (cpp_standalone: code generation and compilation first) ...`);
    const b = await brian2Standalone({ model: v.model, neurons: v.neurons, durationMs });
    brian.set(key, b.skipped ? b : { ...b, runs: [b.first.run_seconds] });
  }
for (const v of variants) await once(v, Math.min(WARMUP_MS, durationMs));
for (let r = 0; r < repeats; r++) {
  for (const v of variants) {
    const x = await once(v, durationMs);
    v.runs.push(x);
    console.log(`  ${v.name}: ${x.seconds.toFixed(3)} s, ${x.spikes} spikes`);
  }
  for (const [key, b] of brian)
    if (!b.skipped && b.first.run_seconds < 10 && r > 0) {
      b.runs.push(await b.rerun());
      console.log(`  Brian2 ${key}: ${b.runs[b.runs.length - 1].toFixed(3)} s`);
    }
}
for (const b of brian.values()) b.dispose?.();
// the same model and seed give the same spikes on any thread count and in every repeat
for (const v of variants) {
  const same = variants.filter((w) => w.model === v.model && w.neurons === v.neurons);
  const counts = new Set(same.flatMap((w) => w.runs.map((x) => x.spikes)));
  if (counts.size !== 1) throw new Error(`${label(v.model, v.neurons)}: spike counts differ between runs or thread counts: ${[...counts].join(', ')}`);
}


const rows = variants.map((v) => {
  const last = v.runs[v.runs.length - 1];
  const bs = brian.get(`${v.model}/${v.neurons}`);
  const br = bs && !bs.skipped ? { ...bs.first, run_seconds: median(bs.runs) } : bs;
  const run = median(v.runs.map((x) => x.seconds));
  return {
    name: v.name, model: v.model, neurons: v.neurons, threads: last.threads, variant: last.variant, synapses: last.synapses,
    run_seconds: run, runs_seconds: v.runs.map((x) => x.seconds), build_seconds: last.build_seconds, compile_seconds: last.compile_seconds,
    real_time: durationMs / 1000 / run, rate_e_hz: last.rates.E, rate_i_hz: last.rates.I, spikes: last.spikes,
    spikes_per_neuron: last.spikes / v.neurons,
    brian2: br && !br.skipped
      ? { run_seconds: br.run_seconds, runs_seconds: bs.runs, synapses: br.synapses, rate_e_hz: br.rate_e_hz, rate_i_hz: br.rate_i_hz, spikes_per_neuron: br.spikes / br.neurons, compile_flags: br.compile_flags }
      : br ? { skipped: br.skipped } : { skipped: 'not run (--no-peers)' },
  };
});

const f = (x, d = 3) => (x === undefined ? '-' : Number(x).toFixed(d));
console.log(`\n| network | threads | synapses | run s | × real time | rate E Hz | rate I Hz | spikes/neuron | Brian2 C++ s | Brian2 rate E / I Hz | Brian2 spikes/neuron | axonal / Brian2 |`);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const b = r.brian2;
  const bcells = b.skipped
    ? `skipped: ${b.skipped} | - | - | -`
    : `${f(b.run_seconds)} | ${f(b.rate_e_hz, 2)} / ${f(b.rate_i_hz, 2)} | ${f(b.spikes_per_neuron, 2)} | ${f(r.run_seconds / b.run_seconds, 2)}`;
  console.log(`| ${label(r.model, r.neurons)} | ${r.threads} | ${r.synapses} | ${f(r.run_seconds)} | ${f(r.real_time, 2)} | ${f(r.rate_e_hz, 2)} | ${f(r.rate_i_hz, 2)} | ${f(r.spikes_per_neuron, 2)} | ${bcells} |`);
}

const targets = [];
const target = (what, value, met) => {
  targets.push({ what, value, met });
  console.log(`${met === undefined ? 'not measured' : met ? 'met    ' : 'NOT met'}  ${what}${value === undefined ? '' : `: ${value}`}`);
};
console.log('\nTargets:');
for (const r of rows.slice(0, 2)) {
  const what = `${label(r.model, r.neurons)} (1 thread) at most 0.5× Brian2 C++ standalone`;
  if (r.brian2.skipped) target(`${what} (Brian2 ${r.brian2.skipped})`);
  else {
    const ratio = r.run_seconds / r.brian2.run_seconds;
    target(what, `${ratio.toFixed(2)}×`, ratio <= 0.5);
  }
}
const [one, two] = rows.slice(2);
const speedup = one.run_seconds / two.run_seconds;
target(`${label('cobahh', large)} at least 1.6× faster on 2 threads than on 1`, `${speedup.toFixed(2)}×`, speedup >= 1.6);

mkdirSync(dirname(jsonFile), { recursive: true });
writeFileSync(jsonFile, JSON.stringify({
  bench: 'brette', version: VERSION, node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, load: os.loadavg(),
  date: new Date().toISOString(), duration_ms: durationMs, repeats, warmup_ms: WARMUP_MS, rows, speedup_2_threads: speedup, targets,
}, null, 2) + '\n');
console.log(`\nwrote ${jsonFile}`);
