#!/usr/bin/env node
// Connectivity build speed: synapses per second of buildShardProjection (connect_count + connect_fill,
// both passes, in the arena) for CUBA-like projections in one shard: pairwise_bernoulli with
// p = 80/N and fixed_indegree with K = 80, constant weight and delay, N chosen for 10 M and 100 M
// synapses. `npm run bench -- --build` or `node bench/build.js [--synapses 1e7,1e8] [--backends wasm,js]
// [--repeats 3] [--rules pairwise_bernoulli,fixed_indegree]`. Needs `npm run build` (dist/, build/).
// Also reports the peak of the arena during the build (bytes per synapse, the temporaries included).
import os from 'node:os';
import { buildShardProjection, createBackend, planNetwork, VERSION } from '../dist/index.js';

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const sizes = arg('synapses', '1e7,1e8').split(',').map(Number);
const backends = arg('backends', 'wasm,js').split(',');
const repeats = Number(arg('repeats', '3'));
const rules = arg('rules', 'pairwise_bernoulli,fixed_indegree').split(',');
const K = 80;

function model(rule, nSyn) {
  const n = Math.round(nSyn / K);
  const connect = rule === 'pairwise_bernoulli' ? { rule, p: K / n } : { rule, indegree: K };
  return {
    dt: 0.1, seed: 1,
    populations: [{ name: 'E', size: n, model: 'threshold' }],
    projections: [{ source: 'E', target: 'E', connect, weight: 0.081, delay: 0.1 }],
  };
}

/** One build in a fresh backend: seconds and synapses. */
async function buildOnce(label, plan) {
  const [name, variant] = label.split('-');
  const be = await createBackend(name, variant ? { variant } : {});
  try {
    // one reserve for the whole arena, as a shard's allocator would after planning
    const pr = plan.projections[0];
    const guess = 4 * (pr.nSrc + 1) + 4 * Math.ceil(pr.synapses * 1.01 + 1e5) + 2 ** 20;
    be.reserve(guess);
    // the arena's peak during the build: projection arrays and the build's temporaries above them
    let peak = 0;
    const reserve = be.reserve.bind(be);
    be.reserve = (bytes) => {
      peak = Math.max(peak, bytes);
      return reserve(bytes);
    };
    let off = be.base;
    const alloc = (_n, bytes) => {
      const p = off;
      off += Math.max(16, Math.ceil(bytes / 16) * 16);
      be.reserve(off - be.base);
      return p;
    };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = buildShardProjection(be, alloc, plan, 0, 0, pr.nTgt);
    const s = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    return { seconds: s, cpu: (c.user + c.system) / 1e6, synapses: r.nSyn, bytes: r.bytes, peak, variant: be.features.variant };
  } finally {
    be.dispose();
  }
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`axonal ${VERSION} connectivity build — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${new Date().toISOString()}`);
console.log('one shard in a fresh arena, both passes (count + fill), constant weight and delay; median of', repeats, 'runs after a warm-up');
console.log('(CPU seconds of this process alongside wall time: on a shared machine synapses per CPU-second is the per-core figure)');
console.log('(bytes/synapse: what the projection keeps in the arena; peak: the most the arena held during the build, temporaries included)');
console.log('| rule | synapses | backend | wall s | M synapses/s | CPU s | M synapses/CPU-s | bytes/synapse | peak bytes/synapse |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const rule of rules) {
  for (const nSyn of sizes) {
    const plan = planNetwork(model(rule, nSyn));
    for (const label of backends) {
      const reps = label.startsWith('js') && nSyn >= 1e8 ? 1 : repeats;
      await buildOnce(label, planNetwork(model(rule, Math.min(nSyn, 2e6)))); // warm-up (compile, tier-up)
      const runs = [];
      const cpus = [];
      let last;
      for (let k = 0; k < reps; k++) {
        last = await buildOnce(label, plan);
        runs.push(last.seconds);
        cpus.push(last.cpu);
      }
      const s = median(runs);
      const c = median(cpus);
      console.log(
        `| ${rule} | ${last.synapses} | ${label} (${last.variant}) | ${s.toFixed(3)} | ${(last.synapses / s / 1e6).toFixed(1)} | ` +
          `${c.toFixed(3)} | ${(last.synapses / c / 1e6).toFixed(1)} | ${(last.bytes / last.synapses).toFixed(3)} | ${(last.peak / last.synapses).toFixed(2)} |`,
      );
    }
  }
}
