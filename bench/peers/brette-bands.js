#!/usr/bin/env node
// The rate band of COBA and COBAHH (Brette et al. 2007, benchmarks 1 and 3) from Brian2: runs
// bench/peers/brian2_coba.py and brian2_cobahh.py on Brian2's runtime device (a correctness
// reference, not a timing) at 4,000 neurons for a shortened run, once per seed, and writes per model
// and population the rate of every seed and the band mean ± 3 SD (sample SD over the seeds) to
// test/fixtures/brette-bands.json, which test/brette.test.ts checks axonal's examples against.
//
//   node bench/peers/brette-bands.js [--seeds 8] [--duration 200] [--out test/fixtures/brette-bands.json]
//
// Each seed is another realisation of the network (connectivity and initial values from Brian2's
// generator), so the band is the spread of the model's rates over realisations, which one run of
// axonal (its own realisation) should fall in.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBrian2 } from './run-peer.js';

const arg = (name, dflt) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const nSeeds = Number(arg('--seeds', '8'));
const durationMs = Number(arg('--duration', '200'));
const out = arg('--out', fileURLToPath(new URL('../../test/fixtures/brette-bands.json', import.meta.url)));
const NEURONS = 4000;
const SD_FACTOR = 3;
if (!Number.isInteger(nSeeds) || nSeeds < 2) throw new Error(`--seeds: an integer >= 2 (a standard deviation needs two), got ${arg('--seeds')}`);
if (!(durationMs > 0)) throw new Error(`--duration: model time in ms > 0, got ${arg('--duration')}`);

const seeds = Array.from({ length: nSeeds }, (_, k) => k + 1);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const round = (x) => Math.round(x * 1e4) / 1e4;

function band(rates) {
  const m = mean(rates), s = sd(rates);
  return { rates_hz: rates.map(round), mean_hz: round(m), sd_hz: round(s), low_hz: round(m - SD_FACTOR * s), high_hz: round(m + SD_FACTOR * s) };
}

const models = {};
let meta;
for (const model of ['coba', 'cobahh']) {
  const runs = [];
  for (const seed of seeds) {
    const r = await runBrian2({ model, neurons: NEURONS, durationMs, device: 'runtime', seed });
    if (r.skipped) throw new Error(`brette-bands: Brian2 is needed and could not run: ${r.skipped}`);
    console.log(`${model} seed ${seed}: E ${r.rate_e_hz.toFixed(2)} Hz, I ${r.rate_i_hz.toFixed(2)} Hz, ${r.synapses} synapses (${r.codegen_target}, ${r.run_seconds.toFixed(1)} s)`);
    runs.push(r);
    meta ??= { brian2_version: r.brian2_version, codegen_target: r.codegen_target, dt_ms: r.dt_ms };
  }
  models[model] = {
    example: `examples/${model}.json`,
    peer: `bench/peers/brian2_${model}.py`,
    neurons: NEURONS,
    excitatory: runs[0].excitatory,
    inhibitory: runs[0].inhibitory,
    p: runs[0].p,
    duration_ms: durationMs,
    seeds,
    synapses: runs.map((r) => r.synapses),
    populations: { E: band(runs.map((r) => r.rate_e_hz)), I: band(runs.map((r) => r.rate_i_hz)) },
  };
}

const fixture = {
  description:
    `Mean firing rates of the E (first 80 %) and I populations of Brian2's COBA and COBAHH (Brette et al. 2007, benchmarks 1 and 3; ` +
    `bench/peers/brian2_coba.py and brian2_cobahh.py, the models of examples/coba.json and examples/cobahh.json) at ${NEURONS} neurons, ` +
    `${durationMs} ms of model time from t = 0 (the initial kick included), one run per seed on Brian2's runtime device. ` +
    `The band of a population is mean ± ${SD_FACTOR} SD of its rates over the seeds (sample SD, n - 1); test/brette.test.ts checks that ` +
    `axonal's examples, run for the same time, have E and I rates inside it.`,
  made_by: `node bench/peers/brette-bands.js --seeds ${nSeeds} --duration ${durationMs}`,
  date: new Date().toISOString().slice(0, 10),
  device: 'runtime',
  ...meta,
  band_rule: `mean ± ${SD_FACTOR} SD`,
  models,
};
writeFileSync(out, JSON.stringify(fixture, null, 2) + '\n');
console.log(`wrote ${out}`);
for (const [m, x] of Object.entries(models))
  for (const [p, b] of Object.entries(x.populations))
    console.log(`${m} ${p}: ${b.mean_hz} ± ${b.sd_hz} Hz, band [${b.low_hz}, ${b.high_hz}] (min ${Math.min(...b.rates_hz)}, max ${Math.max(...b.rates_hz)})`);
