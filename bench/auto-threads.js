#!/usr/bin/env node
// `npm run bench -- --auto-threads`: the measurement behind the rule of `threads: "auto"`
// (src/sim/auto-threads.ts). CUBA from 4,000 to 100,000 neurons (80 synapses per neuron, delay one
// step: the shards meet every step), and CUBA-20k with a 1 ms delay (the shards meet every 10
// steps), each on 1 and 2 threads, alternated, warm (one warm-up run per variant), median of
// --repeats runs of 1 s of model time. Prints the rule's estimate of the work per exchange interval,
// the speed-up of the second thread, and what the rule chooses; the crossover of the speed-up
// through 1 is where MIN_WORK_PER_INTERVAL_NS belongs.
import os from 'node:os';
import { Simulation, VERSION, chooseThreads, planNetwork } from '../dist/index.js';
import { cubaModel } from './cuba.js';


const arg = (name, dflt) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const repeats = Number(arg('--repeats', '3'));
const sizes = arg('--sizes', '4000,10000,20000,40000,70000,100000').split(',').map(Number);
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function once(spec, threads, ms) {
  const sim = await Simulation.create(spec, { threads });
  try {
    return (await sim.run(ms)).seconds;
  } finally {
    sim.dispose();
  }
}

console.log(`axonal ${VERSION} auto-threads bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
console.log(`median of ${repeats} runs of 1000 ms after a warm-up, 1 and 2 threads alternated\n`);
console.log('| network | work per interval (rule) | 1 thread s | 2 threads s | speed-up | auto chooses |');
console.log('|---|---|---|---|---|---|');
const cases = sizes.map((n) => ({ label: `CUBA-${n / 1000}k, delay 0.1 ms`, spec: cubaModel(n, { durationMs: 1000 }) }));
const slow = cubaModel(20_000, { durationMs: 1000 });
for (const pr of slow.projections) pr.delay = 1;
cases.push({ label: 'CUBA-20k, delay 1 ms', spec: slow });
for (const c of cases) {
  for (const t of [1, 2]) await once(c.spec, t, 100);
  const a = [], b = [];
  for (let r = 0; r < repeats; r++) {
    a.push(await once(c.spec, 1, 1000));
    b.push(await once(c.spec, 2, 1000));
  }
  const choice = chooseThreads(planNetwork(c.spec), 2);
  const A = median(a), B = median(b);
  console.log(`| ${c.label} | ${choice.workPerIntervalUs.toFixed(1)} µs | ${A.toFixed(3)} | ${B.toFixed(3)} | ${(A / B).toFixed(2)} | ${choice.threads} |`);
}
