#!/usr/bin/env node
// Two (or more) builds of axonal compared on examples, alternated: for each round, example and build,
// a fresh process creates the example with spike monitors only, runs 1 s once (warm-up), then 1 s in
// R fresh simulations, and reports their median (seconds of `sim.run`, one thread, wasm).
//   node bench/ab.mjs --builds /tmp/base,. --examples coba,cuba-equations [--repeats 5] [--rounds 3]
// A build is a checkout with dist/ and build/ built (e.g. `git worktree add /tmp/base <commit>`,
// node_modules linked, `npm run build`).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, dflt) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const here = path.dirname(fileURLToPath(import.meta.url));
const builds = arg('--builds', '').split(',').filter(Boolean).map((b) => path.resolve(b));
const examples = arg('--examples', 'coba').split(',');
const repeats = Number(arg('--repeats', '5'));
const rounds = Number(arg('--rounds', '3'));
if (process.argv[2] === '--child') {
  // child: argv --child <build> <example> <repeats>
  const [build, name, R] = process.argv.slice(3);
  const { Simulation } = await import(path.join(build, 'dist/index.js'));
  const { readFileSync } = await import('node:fs');
  const ex = JSON.parse(readFileSync(path.join(here, '../examples', `${name}.json`), 'utf8'));
  ex.monitors = ex.populations.map((p) => ({ type: 'spikes', population: p.name }));
  const xs = [];
  for (let r = 0; r <= Number(R); r++) {
    const sim = await Simulation.create(ex, { backend: 'wasm', threads: 1 });
    const t = await sim.run(1000);
    if (r > 0) xs.push(t.seconds);
    sim.dispose();
  }
  xs.sort((a, b) => a - b);
  console.log(JSON.stringify(xs[Math.floor(xs.length / 2)]));
} else {
  if (builds.length < 1) throw new Error('--builds: at least one build folder, comma-separated');
  console.log(`load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; median of ${repeats} fresh simulations after one, per process; ${rounds} rounds alternated`);
  const got = new Map();
  for (let r = 0; r < rounds; r++)
    for (const ex of examples)
      for (const b of builds) {
        const p = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', b, ex, String(repeats)], { encoding: 'utf8' });
        if (p.status !== 0) throw new Error(`${b} ${ex}: ${p.stderr}`);
        const key = `${ex}\t${b}`;
        got.set(key, [...(got.get(key) ?? []), Number(p.stdout.trim())]);
      }
  for (const ex of examples)
    for (const b of builds) console.log(`${ex.padEnd(16)} ${b.padEnd(30)} ${got.get(`${ex}\t${b}`).map((x) => x.toFixed(3)).join(', ')} s`);
}
