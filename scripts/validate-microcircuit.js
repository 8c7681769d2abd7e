#!/usr/bin/env node
// Validation of the Potjans & Diesmann (2014) microcircuit against the reference rates of
// INM-6/microcircuit-PD14-model (network_params.py: full_mean_rates): `npm run validate:microcircuit
// -- --scale 0.25 --threads 2`. Runs a warm-up (default 500 ms, sim_params.py t_presim), then the
// analysis window in chunks, taking the spikes after each chunk (memory bounded by one chunk), and
// computes per population: the mean rate, the ISI CV of every neuron with >= 3 spikes (mean and
// histogram), and the spike-count correlation coefficients of a sample of neurons (2 ms bins, as
// the reference's reference_data/params.py binsize). Writes report.md, report.json and SVG plots
// (rates.svg, cv.svg, cc.svg, raster.svg) to --out, and exits with 1 when a population's rate is
// off by more than 10 % of its reference (or 0.15 spikes/s, whichever is larger).
import { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Simulation, VERSION, microcircuit, microcircuitDerived, microcircuitParams, analysis } from '../dist/index.js';

const { POPULATIONS, FULL_MEAN_RATES } = microcircuitParams;
const {
  SpikeCounter, IsiAccumulator, BinnedCounts, sampleIndices, meanStd, median, histogram, barChart, histogramPanels, raster, PALETTE, fmt,
} = analysis;

const program = new Command()
  .name('npm run validate:microcircuit --')
  .option('--scale <x>', 'N and K scaling (network_params.py N_scaling = K_scaling)', '1')
  .option('--scale-n <x>', 'N scaling only (overrides --scale)')
  .option('--scale-k <x>', 'K scaling only (overrides --scale)')
  .option('--background <type>', "'dc' (reference default) or 'poisson'", 'dc')
  .option('--duration <ms>', 'analysis window after the warm-up, ms', '10000')
  .option('--warmup <ms>', 'warm-up before the analysis window, ms (sim_params.py t_presim)', '500')
  .option('--chunk <ms>', 'spikes are taken and analysed after every chunk of this length', '1000')
  .option('--threads <n>', 'threads (shards)', String(Math.min(2, os.availableParallelism?.() ?? os.cpus().length)))
  .option('--backend <name>', 'wasm or js', 'wasm')
  .option('--seed <n>', 'seed (sim_params.py rng_seed)', '55')
  .option('--sample <n>', 'neurons per population for the correlation coefficients', '200')
  .option('--bin <ms>', 'bin of the spike counts for the correlations, ms', '2')
  .option('--out <dir>', 'report directory', 'out/microcircuit')
  .option('--tolerance <r>', 'relative rate tolerance', '0.1')
  .option('--abs-tolerance <hz>', 'absolute rate tolerance (the larger of the two applies)', '0.15')
  .parse(process.argv);
const o = program.opts();
const num = (name, v, { int = false, min = -Infinity } = {}) => {
  const x = Number(v);
  if (!Number.isFinite(x) || (int && !Number.isInteger(x)) || x < min) {
    console.error(`--${name}: expected ${int ? 'an integer' : 'a number'} >= ${min}, got ${v}`);
    process.exit(2);
  }
  return x;
};
const scaleN = num('scale-n', o.scaleN ?? o.scale, { min: 1e-6 });
const scaleK = num('scale-k', o.scaleK ?? o.scale, { min: 1e-6 });
const duration = num('duration', o.duration, { min: 1 });
const warmup = num('warmup', o.warmup, { min: 0 });
const chunk = num('chunk', o.chunk, { min: 1 });
const threads = num('threads', o.threads, { int: true, min: 1 });
const seed = num('seed', o.seed, { int: true, min: 0 });
const sampleSize = num('sample', o.sample, { int: true, min: 2 });
const binMs = num('bin', o.bin, { min: 0.1 });
const tolRel = num('tolerance', o.tolerance, { min: 0 });
const tolAbs = num('abs-tolerance', o.absTolerance, { min: 0 });
if (o.background !== 'dc' && o.background !== 'poisson') {
  console.error(`--background: expected dc or poisson, got ${o.background}`);
  process.exit(2);
}
const outDir = path.resolve(o.out);
mkdirSync(outDir, { recursive: true });
const log = (...a) => console.error(...a);

// ---------------------------------------------------------------------------------------------
// model and simulation
// ---------------------------------------------------------------------------------------------
const spec = microcircuit({ scaleN, scaleK, background: o.background, seed, durationMs: warmup + duration });
const derived = microcircuitDerived({ scaleN, scaleK, background: o.background });
const sizes = derived.numNeurons;
const nTotal = sizes.reduce((a, b) => a + b, 0);
const synTotal = derived.numSynapses.flat().reduce((a, b) => a + b, 0);
log(`microcircuit: N scaling ${scaleN}, K scaling ${scaleK}, ${o.background} background, seed ${seed}: ${nTotal} neurons, ${synTotal} synapses`);
if (derived.subThreshold.length) log(`  note: with the scaled DC input alone these populations are below rheobase (the reference warns too): ${derived.subThreshold.join(', ')}`);

const t0 = performance.now();
const sim = await Simulation.create(spec, { backend: o.backend, threads, seed });
log(`built in ${sim.buildSeconds.toFixed(1)} s (${sim.threads} thread${sim.threads > 1 ? 's' : ''}, ${sim.variant}, arena ${(sim.arenaBytes / 2 ** 20).toFixed(0)} MiB)`);

const progress = (label) => {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (now - last < 2000 && done < total) return;
    last = now;
    process.stderr.write(`\r  ${label}: ${((100 * done) / total).toFixed(0)} %   `);
  };
};

let runSeconds = 0;
if (warmup > 0) {
  const r = await sim.run(warmup, { onProgress: progress(`warm-up ${warmup} ms`) });
  runSeconds += r.seconds;
  process.stderr.write('\n');
  for (const p of POPULATIONS) sim.takeSpikes(p);
}

// accumulators (bounded: per-neuron counters, and the binned counts of the samples)
const tA = warmup;
const tB = warmup + duration;
const rasterMs = Math.min(200, duration);
const rasterFrac = Math.min(1, 2000 / nTotal);
const acc = POPULATIONS.map((name, k) => {
  const n = sizes[k];
  const sample = sampleIndices(n, sampleSize, seed + 1000 * k);
  return {
    name,
    n,
    counter: new SpikeCounter(n),
    isi: new IsiAccumulator(n),
    binned: new BinnedCounts(n, sample, tA, tB, binMs),
    rasterRows: Math.max(1, Math.ceil(n * rasterFrac)),
    rasterT: [],
    rasterRow: [],
  };
});

let analysed = 0;
const runStart = performance.now();
while (analysed < duration - 1e-9) {
  const ms = Math.min(chunk, duration - analysed);
  const r = await sim.run(ms, { onProgress: progress(`model time ${(warmup + analysed).toFixed(0)}–${(warmup + analysed + ms).toFixed(0)} ms of ${tB} ms`) });
  runSeconds += r.seconds;
  for (const a of acc) {
    const s = sim.takeSpikes(a.name);
    a.counter.add(s.i);
    a.isi.add(s.i, s.t);
    a.binned.add(s.i, s.t);
    if (analysed < rasterMs)
      for (let k = 0; k < s.count; k++)
        if (s.t[k] < tA + rasterMs && s.i[k] < a.rasterRows) {
          a.rasterT.push(s.t[k]);
          a.rasterRow.push(s.i[k]);
        }
  }
  analysed += ms;
  const elapsed = (performance.now() - runStart) / 1000;
  process.stderr.write(`\r  ${analysed.toFixed(0)} / ${duration} ms analysed, ${elapsed.toFixed(0)} s, real-time factor ${(elapsed / ((analysed - 0) / 1000)).toFixed(1)}        `);
}
process.stderr.write('\n');
const wall = (performance.now() - t0) / 1000;
const stats = {
  build_seconds: sim.buildSeconds, run_seconds: runSeconds, wall_seconds: wall, synaptic_events: sim.events, threads: sim.threads, variant: sim.variant,
  arena_bytes: sim.arenaBytes, max_rss_bytes: process.resourceUsage().maxRSS * 1024,
};
sim.dispose();

// ---------------------------------------------------------------------------------------------
// statistics
// ---------------------------------------------------------------------------------------------
const CV_RANGE = [0, 2, 40];
const CC_RANGE = [-0.02, 0.08, 50];
const pops = acc.map((a, k) => {
  const rate = a.counter.meanRate(duration);
  const ref = FULL_MEAN_RATES[k];
  const tol = Math.max(tolRel * ref, tolAbs);
  const rates = a.counter.rates(duration);
  const rs = meanStd(rates);
  const cvs = a.isi.cvs(3);
  const cvStat = meanStd(cvs);
  const ccs = a.binned.correlations();
  const ccStat = meanStd(ccs);
  return {
    population: a.name,
    neurons: a.n,
    rate_hz: rate,
    reference_hz: ref,
    deviation: (rate - ref) / ref,
    tolerance_hz: tol,
    pass: Math.abs(rate - ref) <= tol,
    rate_sd_hz: rs.std,
    silent_fraction: rates.filter((x) => x === 0).length / a.n,
    cv: { neurons: cvStat.n, mean: cvStat.mean, sd: cvStat.std, median: median(cvs), histogram: histogram(cvs, CV_RANGE[0], CV_RANGE[1], CV_RANGE[2]) },
    cc: { sample: a.binned.sample.length, pairs: ccStat.n, mean: ccStat.mean, sd: ccStat.std, median: median(ccs), bin_ms: binMs, histogram: histogram(ccs, CC_RANGE[0], CC_RANGE[1], CC_RANGE[2]) },
  };
});
const ok = pops.every((p) => p.pass);

const report = {
  model: 'Potjans & Diesmann (2014) microcircuit',
  reference: 'INM-6/microcircuit-PD14-model, PyNEST (network_params.py full_mean_rates)',
  axonal: VERSION,
  node: process.version,
  cpu: `${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}`,
  date: new Date().toISOString(),
  config: { scaleN, scaleK, background: o.background, seed, warmup_ms: warmup, duration_ms: duration, chunk_ms: chunk, backend: o.backend, threads, sample: sampleSize, bin_ms: binMs, tolerance: tolRel, abs_tolerance_hz: tolAbs },
  network: { neurons: nTotal, synapses: synTotal, sub_threshold_dc: derived.subThreshold },
  performance: { ...stats, real_time_factor: runSeconds / ((warmup + duration) / 1000) },
  populations: pops,
  pass: ok,
};
writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 1));

// ---------------------------------------------------------------------------------------------
// plots
// ---------------------------------------------------------------------------------------------
const colors = POPULATIONS.map((_, k) => (k % 2 === 0 ? '#af143c' : '#595289')); // the reference's E / I colours
writeFileSync(
  path.join(outDir, 'rates.svg'),
  barChart({
    categories: [...POPULATIONS],
    series: [
      { name: 'axonal', values: pops.map((p) => p.rate_hz), color: '#1f77b4' },
      { name: 'reference (NEST)', values: pops.map((p) => p.reference_hz), errors: pops.map((p) => p.tolerance_hz), color: '#bbbbbb' },
    ],
    title: `Mean rates, scale N ${scaleN} / K ${scaleK}, ${o.background} background, ${duration / 1000} s (whiskers: tolerance)`,
    ylabel: 'rate (spikes/s)',
  }),
);
writeFileSync(
  path.join(outDir, 'cv.svg'),
  histogramPanels({
    title: 'ISI CV per neuron (neurons with >= 3 spikes; dashed: mean)',
    xlabel: 'CV',
    panels: pops.map((p, k) => ({ title: `${p.population} (n=${p.cv.neurons})`, edges: p.cv.histogram.edges, counts: p.cv.histogram.counts, marker: p.cv.mean, color: colors[k] })),
  }),
);
writeFileSync(
  path.join(outDir, 'cc.svg'),
  histogramPanels({
    title: `Spike-count correlation coefficients (${binMs} ms bins, ${sampleSize} neurons per population; dashed: mean)`,
    xlabel: 'cc',
    panels: pops.map((p, k) => ({ title: `${p.population} (${p.cc.pairs} pairs)`, edges: p.cc.histogram.edges, counts: p.cc.histogram.counts, marker: p.cc.mean, color: colors[k] })),
  }),
);
writeFileSync(
  path.join(outDir, 'raster.svg'),
  raster({
    title: `Spikes of ${(rasterFrac * 100).toFixed(rasterFrac < 0.1 ? 1 : 0)} % of the neurons, ${tA}–${tA + rasterMs} ms`,
    t0: tA,
    t1: tA + rasterMs,
    groups: acc.map((a, k) => ({ name: a.name, rows: a.rasterRows, t: a.rasterT, row: a.rasterRow, color: colors[k] })),
  }),
);

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '-');
let md = `# Microcircuit validation\n\n`;
md += `Potjans & Diesmann (2014) cortical microcircuit, N scaling ${scaleN}, K scaling ${scaleK}, ${o.background} background, seed ${seed}: `;
md += `${nTotal} neurons, ${synTotal} synapses. Warm-up ${warmup} ms, then ${duration} ms analysed. axonal ${VERSION}, ${o.backend} (${stats.variant}), `;
md += `${stats.threads} thread${stats.threads > 1 ? 's' : ''}, node ${process.version}, ${report.cpu}, ${report.date}.\n\n`;
md += `Build ${stats.build_seconds.toFixed(1)} s, run ${stats.run_seconds.toFixed(1)} s for ${(warmup + duration) / 1000} s of model time `;
md += `(real-time factor ${report.performance.real_time_factor.toFixed(2)}), peak RSS ${(stats.max_rss_bytes / 2 ** 30).toFixed(2)} GiB.\n\n`;
md += `Reference rates: network_params.py \`full_mean_rates\` (one full-scale NEST run). Tolerance: ${tolRel * 100} % of the reference or ${tolAbs} spikes/s, whichever is larger.\n\n`;
md += `| population | neurons | rate (spikes/s) | reference | deviation | pass | rate SD | silent | CV mean | CV median | CV n | cc mean | cc SD | cc pairs |\n`;
md += `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
for (const p of pops)
  md += `| ${p.population} | ${p.neurons} | ${f3(p.rate_hz)} | ${p.reference_hz} | ${(p.deviation * 100).toFixed(1)} % | ${p.pass ? 'yes' : '**no**'} | ${f3(p.rate_sd_hz)} | ${(p.silent_fraction * 100).toFixed(1)} % | ${f3(p.cv.mean)} | ${f3(p.cv.median)} | ${p.cv.neurons} | ${p.cc.mean.toExponential(2)} | ${p.cc.sd.toExponential(2)} | ${p.cc.pairs} |\n`;
md += `\n**${ok ? 'PASS' : 'FAIL'}**${ok ? '' : `: ${pops.filter((p) => !p.pass).map((p) => p.population).join(', ')} outside the tolerance`}\n\n`;
md += `![rates](rates.svg)\n\n![CV](cv.svg)\n\n![correlations](cc.svg)\n\n![raster](raster.svg)\n`;
writeFileSync(path.join(outDir, 'report.md'), md);

console.log(`| population | rate | reference | deviation | CV | cc |`);
console.log(`|---|---|---|---|---|---|`);
for (const p of pops) console.log(`| ${p.population} | ${f3(p.rate_hz)} | ${p.reference_hz} | ${(p.deviation * 100).toFixed(1)} %${p.pass ? '' : ' FAIL'} | ${f3(p.cv.mean)} | ${fmt(p.cc.mean, 3)} |`);
console.log(`${ok ? 'PASS' : 'FAIL'} — report in ${path.relative(process.cwd(), outDir) || '.'}/report.md (build ${stats.build_seconds.toFixed(1)} s, run ${stats.run_seconds.toFixed(1)} s)`);
process.exit(ok ? 0 : 1);
