/**
 * `axonal sweep` (src/sweep/): the --set grammar and paths, every grid point validated before any
 * run, rows in run order equal to direct runs of the same models, resume after a stop (Ctrl-C or a
 * torn file), the metrics (rate, CV, synchrony) against hand-made trains, and the figure.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPath, gridPoints, parseSet, SweepError } from '../src/sweep/grid.ts';
import { populationMetrics } from '../src/sweep/metrics.ts';
import { pointModel } from '../src/sweep/run.ts';
import { Simulation } from '../src/sim/simulation.ts';
import type { AnyPopulationSpec, ModelSpec } from '../src/core/types.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const tmp = mkdtempSync(join(tmpdir(), 'axonal-sweep-'));
const axonal = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
const cuba = JSON.parse(readFileSync(join(root, 'examples/cuba.json'), 'utf8')) as ModelSpec;

beforeAll(() => {
  if (!existsSync(join(root, 'dist/sweep-worker.js')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
});

const rows = (dir: string) => readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n').map((r) => r.split(','));
/** the rows without run_seconds (a timing) */
const values = (dir: string) => rows(dir).map((r) => r.slice(0, -1).join(','));

describe('the grid', () => {
  it('a:b:n, a..b, lists and single values; paths by index and by name; errors naming the --set', () => {
    expect(parseSet('projections[0].weight=0.05:0.15:3')).toEqual({ path: 'projections[0].weight', values: [0.05, 0.1, 0.15] });
    expect(parseSet('seed=1..4').values).toEqual([1, 2, 3, 4]);
    expect(parseSet('populations[E].params.i_offset=0.5,1,2').values).toEqual([0.5, 1, 2]);
    expect(parseSet('duration=50').values).toEqual([50]);
    expect(gridPoints([parseSet('a=1,2'), parseSet('b=10..12')])).toEqual([[1, 10], [1, 11], [1, 12], [2, 10], [2, 11], [2, 12]]);
    for (const [arg, msg] of [
      ['seed', /expected PATH=VALUES/], ['seed=5..1', /empty/], ['seed=1:2:0', /count of a:b:n/], ['seed=x', /"x" is not a number/],
      ['projections[0]weight=1', /expected '\.' or '\['/], ['[0]=1', /bracket must follow a name/], ['a..b=1', /unexpected '\.'/],
    ] as const)
      expect(() => parseSet(arg), arg).toThrow(msg);
    const m = structuredClone(cuba) as unknown as Record<string, unknown>;
    applyPath(m, 'projections[IE].weight', -0.5);
    applyPath(m, 'populations[1].params.tau_m', 12);
    applyPath(m, 'seed', 9);
    expect((m as unknown as ModelSpec).projections![2].weight).toBe(-0.5);
    expect(((m as unknown as ModelSpec).populations[1] as AnyPopulationSpec).params!.tau_m).toBe(12);
    expect(m.seed).toBe(9);
    expect(() => applyPath(m, 'projections[XX].weight', 1)).toThrow(/projections has no element named "XX"/);
    expect(() => applyPath(m, 'projections[9].weight', 1)).toThrow(/projections\[9\] does not exist \(projections has 4\)/);
    expect(() => applyPath(m, 'seed.x', 1)).toThrow(SweepError);
  });

  it('the metrics: rate, ISI CV and spike-count synchrony of hand-made trains', () => {
    const mk = (trains: number[][]) => {
      const ev = trains.flatMap((ts, i) => ts.map((t) => [t, i])).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return { population: 'P', i: Int32Array.from(ev.map((e) => e[1])), steps: Int32Array.from(ev.map((e) => Math.round(e[0] * 10))), t: Float64Array.from(ev.map((e) => e[0])), count: ev.length };
    };
    // 10 neurons firing together every 20 ms: regular (CV 0) and fully synchronous (chi 1)
    const sync = mk(Array.from({ length: 10 }, () => Array.from({ length: 50 }, (_, k) => 2 + 20 * k)));
    const a = populationMetrics(sync, 10, 1000);
    expect(a.rate_hz).toBeCloseTo(50, 12);
    expect(a.cv).toBeCloseTo(0, 12);
    expect(a.synchrony).toBeCloseTo(1, 12);
    // the same rate, each neuron shifted by 2 ms: still regular, much less synchronous in 5 ms bins
    const shifted = mk(Array.from({ length: 10 }, (_, i) => Array.from({ length: 50 }, (_, k) => 0.5 + 2 * i + 20 * k)));
    const b = populationMetrics(shifted, 10, 1000);
    expect(b.rate_hz).toBeCloseTo(50, 12);
    expect(b.cv).toBeCloseTo(0, 12);
    expect(b.synchrony).toBeLessThan(0.6);
    expect(populationMetrics(mk([[], []]), 2, 1000)).toEqual({ rate_hz: 0, cv: NaN, synchrony: NaN });
  });
});

describe('axonal sweep', () => {
  it('runs the grid over 2 workers: rows in run order, each equal to a direct run of its model; --plot draws the grid', async () => {
    const dir = join(tmp, 'grid');
    const r = axonal(['sweep', 'examples/cuba.json', '--set', 'projections[EE].weight=0.06,0.1', '--set', 'seed=1..3', '--duration', '100', '--jobs', '2', '--out', dir, '--plot']);
    expect(r.status, r.stderr).toBe(0);
    const t = rows(dir);
    expect(t[0].join(',')).toBe('run,projections[EE].weight,seed,E_rate_hz,E_cv,E_synchrony,I_rate_hz,I_cv,I_synchrony,spikes,run_seconds');
    expect(t.slice(1).map((x) => [x[0], x[1], x[2]].join(','))).toEqual(['0,0.06,1', '1,0.06,2', '2,0.06,3', '3,0.1,1', '4,0.1,2', '5,0.1,3']);
    const axes = [parseSet('projections[EE].weight=0.06,0.1'), parseSet('seed=1..3')];
    for (const k of [0, 4]) {
      const m = pointModel(cuba, axes, gridPoints(axes)[k]);
      const sim = await Simulation.create(m, { threads: 1 });
      await sim.run(100);
      const rates = sim.ratesHz();
      expect(Number(t[k + 1][3])).toBeCloseTo(rates.E, 9);
      expect(Number(t[k + 1][6])).toBeCloseTo(rates.I, 9);
      expect(Number(t[k + 1][9])).toBe(sim.spikeTotals.reduce((a, b) => a + b, 0));
      sim.dispose();
    }
    // the stronger excitation fires more, whatever the seed
    for (let s = 1; s <= 3; s++) expect(Number(t[3 + s][3])).toBeGreaterThan(Number(t[s][3]));
    const svg = readFileSync(join(dir, 'sweep.svg'), 'utf8');
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(6); // a heat map cell per grid point
    expect(svg).toContain('projections[EE].weight');
  });

  it('resumes after a torn sweep.csv and after Ctrl-C, giving the rows of an uninterrupted sweep', async () => {
    const full = join(tmp, 'full');
    const args = ['sweep', 'examples/cuba.json', '--set', 'seed=1..12', '--duration', '100', '--jobs', '2'];
    expect(axonal([...args, '--out', full]).status).toBe(0);
    const want = values(full);
    // a sweep stopped while writing: three rows and half a line
    const torn = join(tmp, 'torn');
    expect(axonal([...args, '--out', torn]).status).toBe(0);
    const text = readFileSync(join(torn, 'sweep.csv'), 'utf8').split('\n');
    writeFileSync(join(torn, 'sweep.csv'), text.slice(0, 4).join('\n') + '\n' + text[4].slice(0, 9));
    expect(axonal([...args, '--out', torn]).status).toBe(0);
    expect(values(torn)).toEqual(want);
    // Ctrl-C after the first rows: exit 130, the rows written kept; the same command finishes the sweep
    const stopped = join(tmp, 'stopped');
    const child = spawn(process.execPath, [bin, ...args, '--out', stopped], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const csv = join(stopped, 'sweep.csv');
    await expect.poll(() => (existsSync(csv) ? readFileSync(csv, 'utf8').split('\n').length : 0), { timeout: 30_000, interval: 20 }).toBeGreaterThan(2);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/sweep stopped: \d+ of 12 runs .*the same command resumes/);
    expect(values(stopped).length).toBeLessThan(13);
    expect(axonal([...args, '--out', stopped]).status).toBe(0);
    expect(values(stopped)).toEqual(want);
    // another grid in the same folder is refused, --restart starts over
    const other = axonal(['sweep', 'examples/cuba.json', '--set', 'seed=1..2', '--duration', '100', '--out', stopped]);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/holds another sweep/);
    expect(axonal(['sweep', 'examples/cuba.json', '--set', 'seed=1..2', '--duration', '100', '--out', stopped, '--restart']).status).toBe(0);
    expect(values(stopped)).toHaveLength(3);
  });

  it('an invalid grid point is refused before anything runs, naming the run, its values and the field; a bad --set is a usage error', () => {
    const dir = join(tmp, 'invalid');
    const r = axonal(['sweep', 'examples/cuba.json', '--set', 'populations[E].params.tau_m=20,-1', '--out', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/run 1 \(populations\[E\]\.params\.tau_m=-1\): populations\[0\]\.params\.tau_m: .*nothing was run/);
    expect(existsSync(join(dir, 'sweep.csv'))).toBe(false);
    const u = axonal(['sweep', 'examples/cuba.json', '--set', 'projections[9].weight=1', '--out', dir]);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/projections\[9\] does not exist/);
    expect(axonal(['sweep', 'examples/cuba.json', '--out', dir]).stderr).toMatch(/--set is required/);
  });
});
