/**
 * threads: "auto" (src/sim/auto-threads.ts): the default in the API, the model file and the
 * command line; small or fast-exchanging networks run on one thread, large ones on every core, a
 * network too large for one WebAssembly memory on the fewest threads that hold it; an explicit
 * number always wins; what was chosen and why is in sim.notes, summary.json and --dry-run.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../src/sim/simulation.ts';
import { chooseThreads, MIN_WORK_PER_INTERVAL_NS } from '../src/sim/auto-threads.ts';
import { planNetwork, validateModel } from '../src/network/index.ts';
import type { ModelSpec } from '../src/core/types.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const tmp = mkdtempSync(join(tmpdir(), 'axonal-auto-threads-'));
const cuba = JSON.parse(readFileSync(join(root, 'examples/cuba.json'), 'utf8')) as ModelSpec;

/** CUBA with n neurons (80 % excitatory), p chosen for 80 synapses per neuron. */
function cubaOf(n: number, delayMs = 0.1): ModelSpec {
  const m = structuredClone(cuba);
  const ne = Math.round(0.8 * n);
  m.populations[0].size = ne;
  m.populations[1].size = n - ne;
  for (const pr of m.projections ?? []) {
    (pr.connect as { p: number }).p = 80 / n;
    pr.delay = delayMs;
  }
  return m;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli.cjs')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
});

describe('the rule', () => {
  it('runs CUBA-4k on one thread and CUBA-100k on every core', () => {
    const small = chooseThreads(planNetwork(cubaOf(4000)), 2);
    expect(small.threads).toBe(1);
    expect(small.reason).toMatch(/^threads auto: 1 \(.* µs of work per exchange interval of 1 step/);
    const large = chooseThreads(planNetwork(cubaOf(100_000)), 2);
    expect(large.threads).toBe(2);
    expect(large.workPerIntervalUs * 1000).toBeGreaterThanOrEqual(MIN_WORK_PER_INTERVAL_NS);
    expect(chooseThreads(planNetwork(cubaOf(100_000)), 4).threads).toBe(4);
    expect(chooseThreads(planNetwork(cubaOf(100_000)), 1).threads).toBe(1);
  });

  it('weighs a neuron update by its model: COBAHH-4k (Hodgkin–Huxley) on every core, COBA-4k and CUBA from equations on one', () => {
    const ex = (f: string) => planNetwork(JSON.parse(readFileSync(join(root, 'examples', f), 'utf8')));
    const hh = chooseThreads(ex('cobahh.json'), 2);
    const coba = chooseThreads(ex('coba.json'), 2);
    const cubaEq = chooseThreads(ex('cuba-equations.json'), 2);
    expect(hh.threads).toBe(2);
    expect(coba.threads).toBe(1);
    expect(cubaEq.threads).toBe(1);
    // the same 4,000 neurons and synapses: the HH kernel's work is what differs
    expect(hh.workPerIntervalUs).toBeGreaterThan(10 * coba.workPerIntervalUs);
    expect(cubaEq.workPerIntervalUs).toBeCloseTo(chooseThreads(planNetwork(cuba), 2).workPerIntervalUs, 6);
  });

  it('counts the work of a whole exchange interval: longer delays make shards meet less often', () => {
    const n = 20_000;
    const fast = chooseThreads(planNetwork(cubaOf(n, 0.1)), 2);
    const slow = chooseThreads(planNetwork(cubaOf(n, 2)), 2);
    expect(slow.workPerIntervalUs).toBeCloseTo(fast.workPerIntervalUs * 20, 6);
    expect(fast.threads).toBe(1);
    expect(slow.threads).toBe(2);
  });

  it('takes the fewest threads whose shards fit one WebAssembly memory when one shard would not', async () => {
    // 300,000 neurons with 5,000 synapses each: 1.5 billion synapses of 4 bytes (constant weights), about 6 GB
    const big = cubaOf(300_000);
    for (const pr of big.projections ?? []) (pr.connect as { p: number }).p = 5000 / 300_000;
    const plan = await Simulation.plan(big);
    expect(plan.threads).toBeGreaterThanOrEqual(2);
    expect(Math.max(...plan.shards.map((s) => s.bytes))).toBeLessThanOrEqual(4 * 2 ** 30);
    expect(plan.threadsReason).toMatch(/fewest whose shards fit one WebAssembly memory/);
    const explicit = await Simulation.plan(big, { threads: 1 });
    expect(explicit.threads).toBe(1);
    expect(explicit.threadsReason).toBeNull();
  });
});

describe('the default, and what wins over it', () => {
  it('Simulation.create chooses, says so in sim.notes, and an explicit number wins', async () => {
    const a = await Simulation.create(cuba);
    try {
      expect(a.threadsRequested).toBe('auto');
      expect(a.threads).toBe(1);
      expect(a.notes.some((n) => n.startsWith('threads auto: 1'))).toBe(true);
    } finally {
      a.dispose();
    }
    const b = await Simulation.create(cuba, { threads: 2 });
    try {
      expect(b.threadsRequested).toBe(2);
      expect(b.threads).toBe(2);
      expect(b.notes.some((n) => n.startsWith('threads auto'))).toBe(false);
    } finally {
      b.dispose();
    }
    const c = await Simulation.create({ ...cuba, threads: 2 });
    try {
      expect(c.threads).toBe(2);
    } finally {
      c.dispose();
    }
  });

  it('a model file takes "auto" and refuses anything else that is not a thread count, naming the field', async () => {
    expect(validateModel({ ...cuba, threads: 'auto' })).toEqual([]);
    const issues = validateModel({ ...cuba, threads: 'many' as unknown as number });
    expect(issues.map((i) => i.path)).toEqual(['threads']);
    expect(issues[0].message).toMatch(/"auto" or an integer >= 1/);
    await expect(Simulation.create(cuba, { threads: 'some' as unknown as number })).rejects.toThrow(/threads: must be "auto" or an integer/);
  });
});

describe('the command line', () => {
  it('summary.json says what auto chose and why; --threads 2 wins; --dry-run prints the reason', () => {
    const m = join(tmp, 'cuba.json');
    writeFileSync(m, JSON.stringify(cuba));
    const out = join(tmp, 'auto');
    const r = spawnSync(process.execPath, [bin, 'run', m, '--duration', '50', '--out', out], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/threads auto: 1 \(/);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.threads).toBe(1);
    expect(s.threads_requested).toBe('auto');
    expect(s.threads_reason).toMatch(/^threads auto: 1 /);

    const out2 = join(tmp, 'two');
    const r2 = spawnSync(process.execPath, [bin, 'run', m, '--duration', '50', '--threads', '2', '--out', out2, '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(r2.status, r2.stderr).toBe(0);
    const s2 = JSON.parse(readFileSync(join(out2, 'summary.json'), 'utf8'));
    expect(s2.threads).toBe(2);
    expect(s2.threads_requested).toBe(2);
    expect(s2.threads_reason).toBeUndefined();
    // the same spikes either way
    expect(readFileSync(join(out2, 'spikes.csv'), 'utf8')).toBe(readFileSync(join(out, 'spikes.csv'), 'utf8'));

    const d = spawnSync(process.execPath, [bin, 'run', 'examples/microcircuit.json', '--dry-run'], { cwd: root, encoding: 'utf8' });
    expect(d.status, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/threads auto: \d+, one per core/);

    const bad = spawnSync(process.execPath, [bin, 'run', m, '--threads', 'lots'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--threads must be an integer/);
  });
});
