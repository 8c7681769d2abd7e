// Runs the peer benchmarks (see README.md in this folder) and returns their JSON results:
// Brian2's CUBA, COBA and COBAHH (Brette et al. 2007), and the plain C CUBA.
// Node ESM, no dependencies.
//
//   import { runBrian2, runC } from './bench/peers/run-peer.js';
//   await runBrian2({ neurons: 4000, durationMs: 1000, device: 'cpp_standalone' });   // CUBA
//   await runBrian2({ model: 'cobahh', neurons: 100_000, durationMs: 1000 });
//   await runC({ neurons: 4000, durationMs: 1000 });
//
// Each resolves to the peer's parsed JSON object, or to { skipped: '<reason>' } when the peer
// cannot run here (Brian2 missing: the script exits with code 3; gcc or python missing).
// Any other failure rejects.
//
// By hand: node bench/peers/run-peer.js brian2 [N] [durationMs] [cpp_standalone|runtime] [seed] [cuba|coba|cobahh]
//          node bench/peers/run-peer.js c [N] [durationMs] [seed]

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** the Brian2 peer of each model: bench/peers/brian2_<model>.py */
export const BRIAN2_MODELS = ['cuba', 'coba', 'cobahh'];
const C_SOURCE = join(HERE, 'cuba.c');
/** Debian's python3-brian lives in the system interpreter; never the pyenv python3 on PATH. */
const PYTHON = process.env.AXONAL_PEER_PYTHON || '/usr/bin/python3';
const CC = process.env.AXONAL_PEER_CC || 'gcc';
export const C_FLAGS = ['-O3', '-march=native', '-std=c99', '-ffp-contract=off'];

/** execFile as a promise that always resolves with { code, signal, stdout, stderr, error }. */
function run(file, args, { timeoutMs, cwd } = {}) {
  return new Promise((resolve) => {
    execFile(
      file, args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20, cwd, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, signal: error?.signal ?? null, stdout, stderr, error });
      },
    );
  });
}

/** The last stdout line that parses as a JSON object. */
function lastJsonLine(stdout) {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]);
    } catch {
      /* keep looking */
    }
  }
  return null;
}

function tail(text, n = 20) {
  return text.trim().split('\n').slice(-n).join('\n');
}

function failure(what, r) {
  const why = r.signal ? `killed by ${r.signal}${r.error?.killed ? ' (timeout)' : ''}` : `exit code ${r.code}`;
  return new Error(`${what} failed (${why}):\n${tail(r.stderr || r.error?.message || '')}`);
}

/**
 * Brian2's CUBA, COBA or COBAHH (`model`: bench/peers/brian2_<model>.py) with /usr/bin/python3,
 * N neurons (80 % excitatory) with p = 80/N.
 * cpp_standalone: run_seconds is the generated binary's own run timing; total_seconds is the wall
 * time of construction + code generation + compilation + binary. runtime: run_seconds times run().
 * The standalone project is built in a fresh temp dir, removed afterwards unless keepBuild.
 */
export async function runBrian2({
  model = 'cuba', neurons = 4000, durationMs = 1000, device = 'cpp_standalone', seed, dtMs = 0.1,
  timeoutMs = 30 * 60_000, keepBuild = false, buildDirOverride = null,
} = {}) {
  if (!BRIAN2_MODELS.includes(model)) throw new Error(`runBrian2: model must be one of ${BRIAN2_MODELS.join(', ')}, got ${JSON.stringify(model)}`);
  if (!existsSync(PYTHON)) return { skipped: `brian2 not available: ${PYTHON} not found` };
  const what = `brian2 ${model.toUpperCase()} (${device}, N=${neurons})`;
  const args = [join(HERE, `brian2_${model}.py`), '--json', '--neurons', String(neurons), '--duration-ms', String(durationMs),
    '--dt-ms', String(dtMs), '--device', device];
  if (seed !== undefined && seed !== null) args.push('--seed', String(seed));
  let buildDir = null;
  if (device === 'cpp_standalone') {
    buildDir = buildDirOverride ?? mkdtempSync(join(tmpdir(), 'axonal-brian2-'));
    args.push('--build-dir', buildDir);
  }
  try {
    const r = await run(PYTHON, args, { timeoutMs });
    if (r.code === 3) {
      const line = r.stderr.split('\n').find((l) => l.startsWith('brian2 not available')) ?? tail(r.stderr, 1);
      return { skipped: line || 'brian2 not available' };
    }
    if (r.error?.code === 'ENOENT') return { skipped: `brian2 not available: ${PYTHON} not found` };
    if (r.code !== 0) throw failure(what, r);
    const out = lastJsonLine(r.stdout);
    if (!out) throw new Error(`${what} printed no JSON line:\n${tail(r.stdout)}\n${tail(r.stderr)}`);
    return out;
  } finally {
    if (buildDir && !keepBuild) rmSync(buildDir, { recursive: true, force: true });
  }
}

/**
 * Brian2's C++ standalone program of a model, built once and run again on demand, so that a bench
 * can alternate its runs with axonal's instead of comparing against one sample: `first` is
 * runBrian2's result (built and run once), `rerun()` runs the compiled program again in its project
 * directory and resolves with its own run timing (results/last_run_info.txt, as device._last_run_time
 * reads it), `dispose()` removes the project. { skipped } when Brian2 is not available.
 */
export async function brian2Standalone(opts = {}) {
  const buildDir = mkdtempSync(join(tmpdir(), 'axonal-brian2-'));
  rmSync(buildDir, { recursive: true, force: true }); // runBrian2 makes its own; keep the name
  const first = await runBrian2({ ...opts, device: 'cpp_standalone', keepBuild: true, buildDirOverride: buildDir });
  if (first.skipped) return { skipped: first.skipped };
  return {
    first,
    async rerun() {
      const r = await run(join(buildDir, 'main'), [], { cwd: buildDir, timeoutMs: opts.timeoutMs ?? 30 * 60_000 });
      if (r.code !== 0) throw failure('brian2 standalone rerun', r);
      const [seconds] = readFileSync(join(buildDir, 'results', 'last_run_info.txt'), 'utf8').trim().split(/\s+/).map(Number);
      if (!(seconds > 0)) throw new Error(`brian2 standalone rerun: no run time in ${join(buildDir, 'results', 'last_run_info.txt')}`);
      return seconds;
    },
    dispose() {
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}

let compiled = null; // Promise<{ exe } | { skipped }>

/** Compile cuba.c once per source/flags hash into a cached temp dir. */
async function compileC() {
  const src = readFileSync(C_SOURCE);
  const hash = createHash('sha256').update(src).update(CC).update(C_FLAGS.join(' ')).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `axonal-peer-cuba-${hash}`);
  const exe = join(dir, 'cuba');
  if (existsSync(exe)) return { exe };
  mkdirSync(dir, { recursive: true });
  const tmpExe = `${exe}.${process.pid}.tmp`;
  const r = await run(CC, [...C_FLAGS, '-o', tmpExe, C_SOURCE, '-lm'], { timeoutMs: 120_000 });
  if (r.error?.code === 'ENOENT') return { skipped: `${CC} not available` };
  if (r.code !== 0) throw failure(`${CC} ${C_FLAGS.join(' ')} cuba.c`, r);
  renameSync(tmpExe, exe); // atomic: concurrent callers never see a half-written binary
  return { exe };
}

/**
 * The plain C99 CUBA (bench/peers/cuba.c), the single-core ceiling. run_seconds is
 * CLOCK_MONOTONIC around the step loop; build_seconds covers connectivity and initialisation.
 */
export async function runC({ neurons = 4000, durationMs = 1000, seed = 1, timeoutMs = 30 * 60_000 } = {}) {
  compiled ??= compileC().catch((e) => {
    compiled = null;
    throw e;
  });
  const c = await compiled;
  if (c.skipped) return { skipped: c.skipped };
  const r = await run(c.exe, [String(neurons), String(durationMs), String(seed)], { timeoutMs });
  if (r.code !== 0) throw failure(`C CUBA (N=${neurons})`, r);
  const out = lastJsonLine(r.stdout);
  if (!out) throw new Error(`C CUBA printed no JSON line:\n${tail(r.stdout)}\n${tail(r.stderr)}`);
  out.compile_flags = C_FLAGS;
  return out;
}

// CLI
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [peer, n, dur, a, b, model] = process.argv.slice(2);
  const neurons = n ? Number(n) : 4000;
  const durationMs = dur ? Number(dur) : 1000;
  let p;
  if (peer === 'brian2') p = runBrian2({ model: model || 'cuba', neurons, durationMs, device: a || 'cpp_standalone', seed: b || undefined });
  else if (peer === 'c') p = runC({ neurons, durationMs, seed: a ?? 1 });
  else {
    console.error(`usage: node bench/peers/run-peer.js brian2 [N] [durationMs] [cpp_standalone|runtime] [seed] [${BRIAN2_MODELS.join('|')}]\n` +
      '       node bench/peers/run-peer.js c [N] [durationMs] [seed]');
    process.exit(1);
  }
  p.then((r) => console.log(JSON.stringify(r))).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
