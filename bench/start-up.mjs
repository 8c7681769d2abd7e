#!/usr/bin/env node
// The command line's start-up: process start to the first step (summary.json first_step_ms) of
// `axonal run examples/cuba.json --duration 1` in fresh processes, for one or more builds, each
// optionally with one environment variable, alternated round by round, beside `node -e` alone
// (Node's own start, which no build of axonal can shorten).
//   node bench/start-up.mjs [--rounds 11] . /tmp/base .@AXONAL_CODE_CACHE=0
// A build is a checkout with dist/ and build/ built (e.g. `git worktree add /tmp/base <commit>`,
// node_modules linked, `npm run build`); each is run once first, so that its code cache is made.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const argv = process.argv.slice(2);
const k = argv.indexOf('--rounds');
const rounds = k >= 0 ? Number(argv.splice(k, 2)[1]) : 11;
const variants = (argv.length ? argv : ['.']).map((v) => {
  const [dir, env] = v.split('@');
  const [name, value] = env ? env.split('=') : [];
  return { label: v, dir: path.resolve(dir), env: env ? { [name]: value } : {} };
});
const example = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../examples/cuba.json');
const out = mkdtempSync(path.join(os.tmpdir(), 'axonal-start-up-'));
const firstStep = (v) => {
  const p = spawnSync(process.execPath, [path.join(v.dir, 'bin/axonal.js'), 'run', example, '--duration', '1', '--no-spikes', '--quiet', '--out', out], { encoding: 'utf8', env: { ...process.env, ...v.env } });
  if (p.status !== 0) throw new Error(`${v.label}: ${p.stderr}`);
  return JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')).first_step_ms;
};
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load ${load()}, ${new Date().toISOString()}; ${rounds} rounds, variants alternated`);
for (const v of variants) firstStep(v);
const node = [];
const got = new Map(variants.map((v) => [v.label, []]));
for (let r = 0; r < rounds; r++) {
  node.push(Number(spawnSync(process.execPath, ['-e', 'console.log(performance.now())'], { encoding: 'utf8' }).stdout));
  for (const v of variants) got.get(v.label).push(firstStep(v));
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (label, xs) => console.log(`${label.padEnd(36)} median ${median(xs).toFixed(1).padStart(6)} ms   ${xs.map((x) => x.toFixed(0)).join(' ')}`);
row('node -e (Node alone)', node);
for (const [label, xs] of got) row(label, xs);
console.log(`load ${load()} at the end`);
