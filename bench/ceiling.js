#!/usr/bin/env node
// Parallel ceiling of this machine for axonal's neuron update (issue 3): the lif_update kernel alone,
// no synapses, no barrier, no exchange. N neurons (default 100,000, CUBA-100k's) are updated for S
// steps in one worker thread, then N/2 in each of two worker threads at once; repeated alternately,
// medians. The ratio is the best thread speed-up the update can reach here: when the two vCPUs
// slow each other down (shared cache and memory bandwidth, or a host that does not give two whole
// cores), no synchronisation scheme recovers it.
// `node bench/ceiling.js [--neurons 100000] [--steps 10000] [--repeats 5]`. Needs `npm run build`.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const LIF = { A: 0, B: 1, P21E: 2, P21I: 3, P11E: 4, P11I: 5, VREST: 6, VTH: 7, VRESET: 8, REF: 9, N: 10 }; // assembly/layout.ts

async function workerMain({ n, steps }) {
  const { createBackend } = await import('../dist/index.js');
  const b = await createBackend('wasm');
  const base = b.base;
  const arr = (k) => base + k * n * 4;
  // v, ie, ii, ref, bias, inE, inI, spikes, then the parameter block: CUBA-like state
  b.reserve(8 * n * 4 + 64);
  const f32 = new Float32Array(b.buffer), i32 = new Int32Array(b.buffer);
  for (let i = 0; i < n; i++) {
    f32[(arr(0) >> 2) + i] = -60 + 10 * ((i * 2654435761) % 1000) / 1000;
    i32[(arr(3) >> 2) + i] = 0;
  }
  const params = arr(8);
  const p = f32.subarray(params >> 2, (params >> 2) + LIF.N);
  p[LIF.A] = 1 - Math.exp(-0.1 / 20); p[LIF.B] = 0; p[LIF.P21E] = 0.0005; p[LIF.P21I] = 0.0005; p[LIF.P11E] = Math.exp(-0.1 / 5);
  p[LIF.P11I] = Math.exp(-0.1 / 10); p[LIF.VREST] = -49; p[LIF.VTH] = -50; p[LIF.VRESET] = -60; p[LIF.REF] = 50;
  const K = b.kernels;
  parentPort.postMessage('ready');
  await new Promise((r) => parentPort.once('message', r));
  const t0 = performance.now();
  let spikes = 0;
  for (let s = 0; s < steps; s++) spikes += K.lif_update(n, arr(0), arr(1), arr(2), arr(3), arr(4), arr(5), arr(6), params, 0, arr(7));
  parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, spikes });
}

async function run(parts, n, steps) {
  const ws = Array.from({ length: parts }, () => new Worker(fileURLToPath(import.meta.url), { workerData: { n: Math.floor(n / parts), steps } }));
  await Promise.all(ws.map((w) => new Promise((r) => w.once('message', r))));
  const t0 = performance.now();
  const res = await Promise.all(ws.map((w) => new Promise((r) => { w.once('message', r); w.postMessage('go'); })));
  const wall = (performance.now() - t0) / 1000;
  await Promise.all(ws.map((w) => w.terminate()));
  return { wall, each: res.map((r) => r.seconds) };
}

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : dflt;
};
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (!isMainThread) await workerMain(workerData);
else {
  const n = arg('neurons', 100000), steps = arg('steps', 10000), repeats = arg('repeats', 5);
  console.log(`lif_update ceiling — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os.loadavg()[0].toFixed(2)}, ${new Date().toISOString()}`);
  console.log(`${n} neurons × ${steps} steps in 1 worker, then ${n / 2} in each of 2 workers at once; alternately, median of ${repeats}`);
  await run(1, n, 1000);
  await run(2, n, 1000);
  const one = [], two = [];
  for (let r = 0; r < repeats; r++) {
    one.push((await run(1, n, steps)).wall);
    two.push((await run(2, n, steps)).wall);
  }
  const f = (x) => x.toFixed(3);
  console.log(`| workers | wall s (median) | runs |\n|---|---|---|\n| 1 × ${n} | ${f(median(one))} | ${one.map(f).join(', ')} |\n| 2 × ${n / 2} | ${f(median(two))} | ${two.map(f).join(', ')} |`);
  console.log(`update-only speed-up: ${(median(one) / median(two)).toFixed(2)}× (ns per neuron-step: ${((median(one) * 1e9) / (n * steps)).toFixed(2)} on 1 worker, ${((median(two) * 1e9) / (n * steps / 2)).toFixed(2)} per worker on 2)`);
}
