#!/usr/bin/env node
// Scaling benchmark (issue 19, item 2): how the cost grows with the work. CUBA (bench/cuba.js:
// Brette et al. 2007 at any size, weights scaled by 80/K) from 4,000 to 1,000,000 neurons with
// K = 80 and K = 1000 synapses per neuron, on 1 and 2 threads (alternated, each point in a fresh
// child process), and Brian2 2.5.1's C++ standalone (one thread, its own run timing) at K = 80
// where it fits the time. Each point: build, 50 ms of warm-up, then `--duration` ms (default 200)
// timed. Reported per point: nanoseconds of run time per synaptic event and per neuron update
// (each is the whole run time divided by that count: the two costs are not separated, so the first
// is the right figure where events dominate, the second where they do not). Writes
// bench/scaling.svg (log-log, both figures against the synapse count) and prints a Markdown table.
// `npm run bench -- --scaling [--duration ms] [--no-peers] [--quick]`. Needs `npm run build`.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
};

/** One point in this process: prints one JSON line. */
async function child() {
  const { Simulation } = await import('../dist/index.js');
  const { cubaModel } = await import('./cuba.js');
  const [n, k, threads, duration] = process.argv.slice(3, 7).map(Number);
  const spec = cubaModel(n, { synapsesPerNeuron: k, durationMs: 50 + duration, monitors: false });
  const t0 = performance.now();
  const sim = await Simulation.create(spec, { threads });
  const build = (performance.now() - t0) / 1000;
  await sim.run(50);
  const e0 = sim.events, s0 = sim.step, spikes0 = sim.spikeTotals.reduce((a, b) => a + b, 0);
  const r = await sim.run(duration);
  const events = sim.events - e0, steps = sim.step - s0;
  const spikes = sim.spikeTotals.reduce((a, b) => a + b, 0) - spikes0;
  process.stdout.write(JSON.stringify({
    neurons: n, k, threads: sim.threads, synapses: sim.synapses, build, run: r.seconds, events, neuronSteps: n * steps,
    rateHz: (spikes * 1000) / (n * duration), arenaBytes: sim.arenaBytes, rss: process.resourceUsage().maxRSS * 1024,
  }) + '\n');
  sim.dispose();
}

function runChild(n, k, threads, duration) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [SELF, '--child', String(n), String(k), String(threads), String(duration)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`point N=${n} K=${k} threads=${threads} exited with ${code}`))));
  });
}

/** A log-log plot of the series (x: synapses, y: ns) as SVG, by hand. */
function plot(panels) {
  const W = 860, H = 340, L = 70, R = 215, T = 34, B = 46, gap = 45;
  const pw = (W - L - R - gap) / 2, ph = H - T - B;
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="11">\n<rect width="${W}" height="${H}" fill="white"/>\n`;
  svg += `<text x="${L}" y="18" font-size="13">CUBA from 4,000 to 1,000,000 neurons: run time per synaptic event and per neuron update</text>\n`;
  panels.forEach((p, pi) => {
    const x0 = L + pi * (pw + gap);
    const xs = p.series.flatMap((s) => s.points.map((q) => q[0])), ys = p.series.flatMap((s) => s.points.map((q) => q[1]));
    const lx0 = Math.floor(Math.log10(Math.min(...xs))), lx1 = Math.ceil(Math.log10(Math.max(...xs)));
    const ly0 = Math.floor(Math.log10(Math.min(...ys))), ly1 = Math.ceil(Math.log10(Math.max(...ys)));
    const X = (v) => x0 + ((Math.log10(v) - lx0) / (lx1 - lx0)) * pw;
    const Y = (v) => T + ph - ((Math.log10(v) - ly0) / (ly1 - ly0)) * ph;
    svg += `<rect x="${x0}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>\n`;
    for (let e = lx0; e <= lx1; e++) svg += `<line x1="${X(10 ** e)}" y1="${T}" x2="${X(10 ** e)}" y2="${T + ph}" stroke="#eee"/><text x="${X(10 ** e)}" y="${T + ph + 14}" text-anchor="middle">1e${e}</text>\n`;
    for (let e = ly0; e <= ly1; e++) svg += `<line x1="${x0}" y1="${Y(10 ** e)}" x2="${x0 + pw}" y2="${Y(10 ** e)}" stroke="#eee"/><text x="${x0 - 4}" y="${Y(10 ** e) + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toPrecision(1)}</text>\n`;
    svg += `<text x="${x0 + pw / 2}" y="${H - 12}" text-anchor="middle">synapses</text>\n<text x="${x0 + 8}" y="${T + 14}">${p.title}</text>\n`;
    p.series.forEach((s, si) => {
      const c = colours[si % colours.length];
      const pts = s.points.slice().sort((a, b) => a[0] - b[0]);
      svg += `<polyline fill="none" stroke="${c}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5,3"' : ''} points="${pts.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ')}"/>\n`;
      for (const [x, y] of pts) svg += `<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="2.6" fill="${c}"/>\n`;
      if (pi === 1) svg += `<line x1="${W - R + 12}" y1="${T + 10 + si * 18}" x2="${W - R + 36}" y2="${T + 10 + si * 18}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/><text x="${W - R + 42}" y="${T + 14 + si * 18}">${s.name}</text>\n`;
    });
  });
  return svg + '</svg>\n';
}

/** The plot's lines: axonal per K and thread count, and Brian2. */
function seriesOf(rows, brian, f) {
  return [
    ...[[80, 1], [80, 2], [1000, 1], [1000, 2]].map(([k, t]) => ({
      name: `axonal K=${k}, ${t} thread${t > 1 ? 's' : ''}`, dashed: t === 2,
      points: rows.filter((r) => r.k === k && r.threads === t).map((r) => [r.synapses, f(r)]),
    })),
    ...(brian.length ? [{ name: 'Brian2 C++ K=80, 1 thread', dashed: false, points: brian.map((r) => [r.synapses, f(r)]) }] : []),
  ].filter((s) => s.points.length);
}

/** The figure's two panels from the points (axonal rows, Brian2 rows). */
function figure(rows, brian) {
  return plot([
    { title: 'ns per synaptic event', series: seriesOf(rows, brian, (r) => (r.run * 1e9) / r.events) },
    { title: 'ns per neuron update', series: seriesOf(rows, brian, (r) => (r.run * 1e9) / r.neuronSteps) },
  ]);
}

/** Draw bench/scaling.svg and keep the points in bench/scaling.json. */
function writePlot(rows, brian) {
  const svg = figure(rows, brian);
  const out = new URL('./scaling.svg', import.meta.url);
  writeFileSync(out, svg);
  writeFileSync(new URL('./scaling.json', import.meta.url), JSON.stringify({ note: `npm run bench -- --scaling, ${new Date().toISOString()}, load ${os.loadavg()[0].toFixed(2)} at the end`, rows, brian }, null, 1) + '\n');
  console.log(`\nwrote ${fileURLToPath(out)} and bench/scaling.json\n`);
}

async function main() {
  if (process.argv.includes('--replot')) {
    // redraw from bench/scaling.json (the last run's points) without running anything
    const { rows, brian } = JSON.parse(readFileSync(new URL('./scaling.json', import.meta.url), 'utf8'));
    writeFileSync(new URL('./scaling.svg', import.meta.url), figure(rows, brian));
    console.log('wrote bench/scaling.svg from bench/scaling.json');
    return;
  }
  const duration = Number(arg('duration', '200'));
  const peers = !process.argv.includes('--no-peers');
  const quick = process.argv.includes('--quick');
  const sizes80 = quick ? [4000, 16000] : [4000, 16000, 64000, 250000, 1000000];
  const sizes1000 = quick ? [4000] : [4000, 16000, 64000, 250000, 1000000];
  console.log(`axonal scaling, node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${duration} ms timed after 50 ms`);
  const rows = [];
  for (const [k, sizes] of [[80, sizes80], [1000, sizes1000]]) {
    for (const n of sizes) {
      // 1 and 2 threads alternated; a point too large for one WebAssembly memory runs on 2 only
      const fits1 = n * k * 4.2 < 3.9 * 2 ** 30;
      for (const t of fits1 ? [1, 2] : [2]) {
        const r = await runChild(n, k, t, duration);
        rows.push(r);
        console.log(`N ${n} K ${k} threads ${r.threads}: ${r.synapses} synapses, build ${r.build.toFixed(2)} s, run ${r.run.toFixed(3)} s, ` +
          `${((r.run * 1e9) / r.events).toFixed(2)} ns/event, ${((r.run * 1e9) / r.neuronSteps).toFixed(2)} ns/neuron update, ${r.rateHz.toFixed(2)} Hz, rss ${(r.rss / 2 ** 30).toFixed(2)} GiB`);
      }
    }
  }
  const brian = [];
  if (peers) {
    const { runBrian2 } = await import('./peers/run-peer.js');
    for (const n of quick ? [4000] : [4000, 16000, 64000, 250000]) {
      const b = await runBrian2({ neurons: n, durationMs: duration, device: 'cpp_standalone' });
      if (b.skipped) {
        console.log(`Brian2: ${b.skipped}`);
        break;
      }
      // Brian2's events: its spikes times the mean out-degree (p N)
      const events = b.spikes * b.synapses / n;
      brian.push({ neurons: n, synapses: b.synapses, run: b.run_seconds, events, neuronSteps: n * Math.round(duration / 0.1), rateHz: b.rate_hz });
      console.log(`Brian2 C++ N ${n}: ${b.synapses} synapses, run ${b.run_seconds.toFixed(3)} s, ${((b.run_seconds * 1e9) / events).toFixed(2)} ns/event, ${b.rate_hz.toFixed(2)} Hz`);
    }
  }
  writePlot(rows, brian);
  console.log('| N | K | threads | synapses | build s | run s | ns/event | ns/neuron update | rate Hz |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.neurons.toLocaleString('en-US')} | ${r.k} | ${r.threads} | ${r.synapses.toLocaleString('en-US')} | ${r.build.toFixed(2)} | ${r.run.toFixed(3)} | ${((r.run * 1e9) / r.events).toFixed(2)} | ${((r.run * 1e9) / r.neuronSteps).toFixed(2)} | ${r.rateHz.toFixed(2)} |`);
  for (const r of brian)
    console.log(`| ${r.neurons.toLocaleString('en-US')} | 80 | Brian2 C++ | ${r.synapses.toLocaleString('en-US')} | | ${r.run.toFixed(3)} | ${((r.run * 1e9) / r.events).toFixed(2)} | ${((r.run * 1e9) / r.neuronSteps).toFixed(2)} | ${r.rateHz.toFixed(2)} |`);
}

if (process.argv[2] === '--child') await child();
else if (import.meta.url === `file://${process.argv[1]}` || process.argv.includes('--scaling')) await main();
