#!/usr/bin/env node
// `npm run bench -- --defaults`: every example as a user runs it from the command line — a fresh
// process, `axonal run <example>` with the default thread count (`threads: "auto"`) — beside the
// same run with every explicit thread count from 1 to the number of cores, alternated, and Brian2's
// C++ standalone device where bench/peers/ has the model (CUBA-4k and CUBA-100k): its program is
// compiled once and run after each round of axonal's runs, and its median is compared.
//
// Reported per example: the median run time (summary.json run_seconds: the run only, as the
// command line reports it), the start-up (first_step_ms: process start to the first step) and the
// process wall time (start to exit), what auto chose, the
// fastest explicit thread count, and default / fastest. Issue targets checked in the output:
// every example's default within 10 % of its fastest; CUBA-4k default at most 0.6× Brian2;
// izhikevich2003 (1 s) at least 60× real time; CUBA-100k on 2 threads by default, at most 0.35× Brian2;
// CUBA-4k's start-up under 150 ms.
//
// Options: --repeats N (default 3), --only name[,name], --no-peers, --with-microcircuit (adds the
// full-scale microcircuit: minutes per run), --without-code-cache (adds the default run with
// AXONAL_CODE_CACHE=0, alternated with the others: the start-up without bin/code-cache.js). One
// run of each example before the timed ones makes sure that dist/cli.cjs.cache is a run's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cubaModel } from './cuba.js';
import { brian2Standalone } from './peers/run-peer.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/axonal.js');
const arg = (name, dflt) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const repeats = Number(arg('--repeats', '3'));
const only = arg('--only', '')?.split(',').filter(Boolean) ?? [];
const peers = !process.argv.includes('--no-peers');
const cores = os.availableParallelism();
const tmp = mkdtempSync(join(os.tmpdir(), 'axonal-bench-defaults-'));

/** model time per example: its own duration, at most 1 s (izhikevich2003: 1 s as the target) */
const MAX_MS = 1000;
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .filter((f) => process.argv.includes('--with-microcircuit') || f !== 'microcircuit.json')
  .map((f) => ({ name: f.replace(/\.json$/, ''), file: join(root, 'examples', f) }));
// CUBA-100k: the same model at 100,000 neurons (bench/cuba.js), as a file the command line runs
const c100 = join(tmp, 'cuba-100k.json');
writeFileSync(c100, JSON.stringify(cubaModel(100_000, { durationMs: 1000 })));
examples.push({ name: 'cuba-100k', file: c100 });

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runOnce(file, durationMs, threads) {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const args = [bin, 'run', file, '--duration', String(durationMs), '--no-spikes', '--quiet', '--out', out];
  if (threads !== 'auto' && threads !== 'no-cache') args.push('--threads', String(threads));
  const env = threads === 'no-cache' ? { ...process.env, AXONAL_CODE_CACHE: '0' } : process.env;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`axonal run ${file} --threads ${threads} failed: ${r.stderr}`);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  return { run: s.run_seconds, wall, start: s.first_step_ms, threads: s.threads, reason: s.threads_reason, build: s.build_seconds };
}

console.log(`axonal defaults bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${cores}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
console.log(`each cell: median of ${repeats} fresh processes (\`axonal run\`), variants alternated; run s = summary.json run_seconds, wall s = process start to exit\n`);
const noCache = process.argv.includes('--without-code-cache');
const variants = ['auto', ...(noCache ? ['no-cache'] : []), ...Array.from({ length: cores }, (_, k) => k + 1)];
const rows = [];
for (const ex of examples) {
  if (only.length && !only.includes(ex.name)) continue;
  const spec = JSON.parse(readFileSync(ex.file, 'utf8'));
  const durationMs = Math.min(spec.duration ?? 1000, MAX_MS);
  const times = new Map(variants.map((v) => [v, []]));
  let auto;
  // Brian2's standalone program, built once, then run in turn with axonal's runs (its median)
  const peer = peers && (ex.name === 'cuba' || ex.name === 'cuba-100k')
    ? await brian2Standalone({ neurons: ex.name === 'cuba' ? 4000 : 100_000, durationMs })
    : null;
  const brianRuns = [];
  runOnce(ex.file, spec.dt ?? 0.1, 'auto'); // one step: the code cache made (by a run), not timed
  for (let r = 0; r < repeats; r++) {
    for (const v of variants) {
      const x = runOnce(ex.file, durationMs, v);
      times.get(v).push(x);
      if (v === 'auto') auto = x;
    }
    if (peer && !peer.skipped) brianRuns.push(await peer.rerun());
  }
  peer?.dispose?.();
  const med = (v) => ({ run: median(times.get(v).map((x) => x.run)), wall: median(times.get(v).map((x) => x.wall)), start: median(times.get(v).map((x) => x.start)) });
  const def = med('auto');
  const explicit = variants.filter((v) => typeof v === 'number').map((t) => ({ t, ...med(t) }));
  const uncached = noCache ? med('no-cache') : null;
  const best = explicit.reduce((a, b) => (b.run < a.run ? b : a));
  const brian = brianRuns.length ? median(brianRuns) : undefined;
  const row = {
    example: ex.name, duration_ms: durationMs, auto_threads: auto.threads, auto_reason: auto.reason,
    default_run_s: def.run, default_wall_s: def.wall, default_first_step_ms: def.start, explicit, best_threads: best.t, best_run_s: best.run,
    default_over_best: def.run / best.run, realtime: durationMs / 1000 / def.run, brian2_run_s: brian,
    ...(uncached ? { no_code_cache_first_step_ms: uncached.start, no_code_cache_run_s: uncached.run } : {}),
  };
  rows.push(row);
  const cells = explicit.map((e) => `${e.t}: ${e.run.toFixed(3)} s`).join(', ');
  console.log(
    `${ex.name} (${durationMs} ms): default (auto → ${auto.threads}) ${def.run.toFixed(3)} s run, first step at ${def.start.toFixed(0)} ms` +
      (uncached ? ` (${uncached.start.toFixed(0)} ms without the code cache, run ${uncached.run.toFixed(3)} s)` : '') + `, ${def.wall.toFixed(3)} s wall; ` +
      `explicit ${cells}; default/best ${row.default_over_best.toFixed(2)}; ${row.realtime.toFixed(1)}× real time` +
      (brian !== undefined ? `; Brian2 C++ standalone ${brian.toFixed(3)} s, default/Brian2 ${(def.run / brian).toFixed(2)}` : ''),
  );
}

console.log('\n| example | model ms | auto → | default run s | first step ms | wall s | fastest (threads) | default / fastest | × real time | Brian2 C++ s | default / Brian2 |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.example} | ${r.duration_ms} | ${r.auto_threads} | ${r.default_run_s.toFixed(3)} | ${r.default_first_step_ms.toFixed(0)} | ${r.default_wall_s.toFixed(3)} | ${r.best_run_s.toFixed(3)} (${r.best_threads}) | ` +
      `${r.default_over_best.toFixed(2)} | ${r.realtime.toFixed(1)} | ${r.brian2_run_s?.toFixed(3) ?? '-'} | ${r.brian2_run_s ? (r.default_run_s / r.brian2_run_s).toFixed(2) : '-'} |`,
  );
const check = (ok, what) => console.log(`${ok ? 'met    ' : 'NOT met'}  ${what}`);
console.log('\nTargets (issue "Fast by default"):');
check(rows.every((r) => r.default_over_best <= 1.1), `every example's default within 10 % of its fastest thread count (worst ${Math.max(...rows.map((r) => r.default_over_best)).toFixed(2)})`);
const c4 = rows.find((r) => r.example === 'cuba');
if (c4) check(c4.default_first_step_ms < 150, `CUBA-4k: process start to the first step under 150 ms (${c4.default_first_step_ms.toFixed(0)} ms, median)`);
if (c4?.brian2_run_s) check(c4.default_run_s <= 0.6 * c4.brian2_run_s, `CUBA-4k default at most 0.6× Brian2 C++ standalone (${(c4.default_run_s / c4.brian2_run_s).toFixed(2)}×)`);
const iz = rows.find((r) => r.example === 'izhikevich2003');
if (iz) check(iz.realtime >= 60, `izhikevich2003 at least 60× real time (${iz.realtime.toFixed(1)}×)`);
const c1 = rows.find((r) => r.example === 'cuba-100k');
if (c1) check(c1.auto_threads === 2 && (!c1.brian2_run_s || c1.default_run_s <= 0.35 * c1.brian2_run_s), `CUBA-100k: auto picks 2 threads (${c1.auto_threads}) and at most 0.35× Brian2 (${c1.brian2_run_s ? (c1.default_run_s / c1.brian2_run_s).toFixed(2) : '-'}×)`);
