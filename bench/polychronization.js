#!/usr/bin/env node
// Polychronization benchmark (issue 4): examples/polychronization.json (Izhikevich 2006: 1,000
// neurons, 100,000 synapses with delays 1-20 ms, one random neuron driven each ms, the 80,000
// excitatory synapses learning by the izhikevich2006 rule, weights applied every second) for one
// model hour (3,600 s) on one thread, wasm backend by default. Records rates per minute-long
// chunk and the weight distribution at the end, without spike monitors (a rate monitor per
// population). Target: one model hour in under 2 minutes on this machine.
// `npm run bench -- --polychronization` or
// `node bench/polychronization.js [--duration 3600000] [--backend wasm] [--json file]`. Needs `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Simulation, VERSION } from '../dist/index.js';

const MODEL = new URL('../examples/polychronization.json', import.meta.url);

export async function runPolychronization({ durationMs = 3600000, backend = 'wasm', chunkMs = 60000, json = null } = {}) {
  const model = JSON.parse(readFileSync(MODEL, 'utf8'));
  model.monitors = [{ type: 'synapses', projection: 'E->E', every_ms: 60000 }];
  console.log(`axonal ${VERSION} polychronization bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${new Date().toISOString()}`);
  console.log(`examples/polychronization.json, ${durationMs / 1000} s of model time, backend ${backend}, threads 1`);
  const sim = await Simulation.create(model, { backend, threads: 1 });
  const rows = [];
  let total = 0;
  let spikes0 = sim.spikeTotals.slice();
  try {
    for (let t = 0; t < durationMs; t += chunkMs) {
      const ms = Math.min(chunkMs, durationMs - t);
      const r = await sim.run(ms);
      total += r.seconds;
      const rates = sim.spikeTotals.map((s, k) => ((s - spikes0[k]) * 1000) / (sim.network.populations[k].size * ms));
      spikes0 = sim.spikeTotals.slice();
      rows.push({ t_s: (t + ms) / 1000, seconds: r.seconds, rate_e: rates[0], rate_i: rates[1] });
      if (rows.length === 1 || (t + ms) % (10 * chunkMs) === 0 || t + ms >= durationMs)
        console.log(`  ${((t + ms) / 1000).toFixed(0).padStart(5)} s model: ${total.toFixed(1)} s wall, rates E ${rates[0].toFixed(2)} Hz, I ${rates[1].toFixed(2)} Hz`);
    }
    const w = (await sim.getWeights('E->E')).weights;
    const hist = new Array(11).fill(0);
    for (const x of w) hist[Math.min(10, Math.floor(x))]++;
    const out = {
      durationMs, backend, variant: sim.variant, synapses: sim.synapses, build_seconds: sim.buildSeconds, run_seconds: total,
      real_time: durationMs / 1000 / total, events_per_s: sim.events / total, weight_histogram_EE: hist,
      weights_above_9: w.filter((x) => x > 9).length / w.length, weights_below_1: w.filter((x) => x < 1).length / w.length, rows,
    };
    console.log(`| backend | synapses | model time | run s | × real time | E->E weights > 9 / < 1 | last-minute rates E / I Hz |`);
    console.log('|---|---|---|---|---|---|---|');
    const last = rows[rows.length - 1];
    console.log(`| ${backend} (${sim.variant}) | ${sim.synapses} | ${durationMs / 1000} s | ${total.toFixed(1)} | ${out.real_time.toFixed(1)} | ${(100 * out.weights_above_9).toFixed(1)} % / ${(100 * out.weights_below_1).toFixed(1)} % | ${last.rate_e.toFixed(2)} / ${last.rate_i.toFixed(2)} |`);
    console.log(`E->E weight histogram (bins of 1 from 0 to 10): ${hist.join(' ')}`);
    console.log(`one model hour ${durationMs === 3600000 ? '' : '(scaled) '}in ${((total * 3600000) / durationMs).toFixed(1)} s (target < 120 s)`);
    if (json) writeFileSync(json, JSON.stringify(out, null, 2));
    return out;
  } finally {
    sim.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const arg = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
  };
  await runPolychronization({ durationMs: Number(arg('duration', '3600000')), backend: arg('backend', 'wasm'), json: arg('json', null) });
}
