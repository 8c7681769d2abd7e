#!/usr/bin/env node
// Thread speed-up (issue 3): CUBA with N neurons (default 100,000; bench/cuba.js), 1 s of model time
// with spikes recorded, alternately on 1 and on T threads (default 2) in this process, after one
// warm-up run of each; every run is timed after the first 100 ms of model time of its simulation
// (the shard workers of a new simulation are new isolates: their JavaScript starts cold): median run time of each and their ratio. Interleaving the runs exposes both
// thread counts to the same background load, which a shared machine makes vary by tens of percent
// from one minute to the next. `npm run bench -- --speedup` or
// `node bench/speedup.js [--neurons 100000] [--threads 2] [--repeats 7]`. Needs `npm run build`.
import os from 'node:os';
import { Simulation, VERSION } from '../dist/index.js';
import { cubaModel } from './cuba.js';

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(model, threads) {
  const sim = await Simulation.create(model, { backend: 'wasm', threads });
  try {
    await sim.run(100); // warm-up: every worker is a fresh isolate whose JavaScript starts cold
    const r = await sim.run(1000);
    return { seconds: r.seconds, rates: sim.ratesHz(), spikes: sim.spikeTotals.reduce((a, b) => a + b, 0) };
  } finally {
    sim.dispose();
  }
}

export async function runSpeedup({ neurons = 100000, threads = 2, repeats = 7 } = {}) {
  const model = cubaModel(neurons, { durationMs: 1000 });
  console.log(`axonal ${VERSION} thread speed-up — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os.loadavg()[0].toFixed(2)}, ${new Date().toISOString()}`);
  console.log(`CUBA ${neurons} neurons, 1 s of model time after 100 ms, wasm; 1 and ${threads} threads alternately, median of ${repeats} after a warm-up of each`);
  await once(model, 1);
  await once(model, threads);
  const one = [], many = [];
  let spikes1 = 0, spikesT = 0;
  for (let r = 0; r < repeats; r++) {
    const a = await once(model, 1);
    const b = await once(model, threads);
    one.push(a.seconds);
    many.push(b.seconds);
    spikes1 = a.spikes;
    spikesT = b.spikes;
  }
  if (spikes1 !== spikesT) throw new Error(`spike counts differ: ${spikes1} on 1 thread, ${spikesT} on ${threads}`);
  const f = (x) => x.toFixed(3);
  console.log(`| threads | run s (median) | runs s |`);
  console.log('|---|---|---|');
  console.log(`| 1 | ${f(median(one))} | ${one.map(f).join(', ')} |`);
  console.log(`| ${threads} | ${f(median(many))} | ${many.map(f).join(', ')} |`);
  const ratio = median(one) / median(many);
  console.log(`speed-up ${threads} threads / 1 thread: ${ratio.toFixed(2)}× (target ≥ 1.7× for 2 threads at 100k); same spikes (${spikes1})`);
  return { one, many, ratio };
}

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : dflt;
};
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  await runSpeedup({ neurons: Number(arg('neurons', '100000')), threads: Number(arg('threads', '2')), repeats: Number(arg('repeats', '7')) });
}
