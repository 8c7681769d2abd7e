/**
 * `axonal run` writes every monitor of the model as declared (src/io/records.ts): spike monitors
 * with their neurons, state monitors in the docs' units, rate and synapse monitors, the same bytes
 * streamed (--stream, any chunk) or written at the end, on 1 or 2 threads; --record all; the values
 * in the files equal the API's; population names that would break a CSV field are refused.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../src/sim/simulation.ts';
import { validateModel } from '../src/network/index.ts';
import type { ModelSpec } from '../src/core/types.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const tmp = mkdtempSync(join(tmpdir(), 'axonal-records-'));

const axonal = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli.cjs')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
});

const spec: ModelSpec = {
  name: 'records', dt: 0.1, duration: 200, seed: 4,
  models: { cond: { equations: 'dv/dt = (-65*mV - v)/(10*ms) + g*(0*mV - v)/(0.2*nF) : volt\ndg/dt = -g/(5*ms) : siemens', threshold: 'v > -50*mV', reset: 'v = -65*mV', method: 'euler' } },
  populations: [
    { name: 'E', size: 200, model: 'lif', type: 'excitatory', params: { i_offset: 1.2, tau_refrac: 2 }, initial: { v: { dist: 'uniform', low: -65, high: -50 } } },
    { name: 'C', size: 20, model: 'cond', initial: { v: -65 } as never },
  ],
  projections: [
    { source: 'E', target: 'E', connect: { rule: 'fixed_indegree', indegree: 10 }, weight: 0.05, delay: 1, pruning: { rule: 'weight_below', threshold: 0.06, at_ms: 100 } },
    { source: 'E', target: 'C', connect: { rule: 'fixed_indegree', indegree: 20 }, weight: 0.002, delay: 1, on_pre: 'g += w' },
  ],
  monitors: [
    { type: 'spikes', population: 'E', neurons: [0, 3, 7, 11, 150] },
    { type: 'state', population: 'E', variables: ['v', 'ie'], neurons: [0, 3, 199], every: 7 },
    { type: 'rate', population: 'E' },
    { type: 'state', population: 'C', variables: ['v', 'g'], neurons: [1, 2], every: 3 },
    { type: 'synapses', projection: 'E->E', every_ms: 50 },
    { type: 'spikes', population: 'C' },
  ],
} as ModelSpec;

const files = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('axonal run writes the monitors of the model', () => {
  const model = join(tmp, 'records.json');
  writeFileSync(model, JSON.stringify(spec));

  it('every monitor as declared, the same bytes streamed in odd chunks, on 2 threads, and equal to the API\'s values', async () => {
    const end = join(tmp, 'end'), streamed = join(tmp, 'streamed'), two = join(tmp, 'two');
    for (const [dir, extra] of [[end, []], [streamed, ['--stream', '--chunk', '13.7']], [two, ['--threads', '2', '--stream', '--chunk', '50']]] as const) {
      const r = axonal(['run', model, '--out', dir, '--quiet', ...(dir === two ? [] : ['--threads', '1']), ...extra]);
      expect(r.status, r.stderr).toBe(0);
    }
    const a = files(end);
    expect(Object.keys(a)).toEqual(['rate_2.csv', 'spikes.csv', 'state_1.csv', 'state_3.csv', 'synapses_4.csv']);
    expect(files(streamed)).toEqual(a);
    expect(files(two)).toEqual(a);
    const summary = JSON.parse(readFileSync(join(end, 'summary.json'), 'utf8'));
    expect(summary.record).toBe('model');

    // spikes.csv: only the monitored neurons of E, every neuron of C
    const rows = a['spikes.csv'].trim().split('\n');
    expect(rows[0]).toBe('t_ms,population,index');
    const spikes = rows.slice(1).map((r) => r.split(','));
    // at least two of the five monitored neurons of E fire (i_offset drives them all), and no other does
    expect(new Set(spikes.filter((r) => r[1] === 'E').map((r) => +r[2])).size).toBeGreaterThan(1);
    expect(spikes.some((r) => r[1] === 'C')).toBe(true);
    expect(spikes.every((r) => r[1] === 'C' || [0, 3, 7, 11, 150].includes(+r[2]))).toBe(true);

    // the API records the same
    const sim = await Simulation.create(spec, { threads: 1 });
    await sim.run(spec.duration);
    const st = sim.state(0);
    const stateRows = a['state_1.csv'].trim().split('\n');
    expect(stateRows[0]).toBe('t_ms,population,index,v_mV,ie_nA');
    expect(stateRows.length - 1).toBe(st.t.length * 3);
    // row j*3 + n: sample j of neuron n
    for (const j of [0, 5, st.t.length - 1])
      [0, 3, 199].forEach((neuron, n) => {
        const f = stateRows[1 + j * 3 + n].split(',');
        expect(+f[0]).toBeCloseTo(st.t[j], 9);
        expect(f[1]).toBe('E');
        expect(+f[2]).toBe(neuron);
        expect(+f[3]).toBe(st.values.v[n][j]);
        expect(+f[4]).toBe(st.values.ie[n][j]);
      });
    // a model from equations: g in µS (the kernel's unit), v in mV
    const cRows = a['state_3.csv'].trim().split('\n');
    expect(cRows[0]).toBe('t_ms,population,index,v_mV,g_uS');
    const sc = sim.state(1);
    expect(+cRows[cRows.length - 1].split(',')[4]).toBe(sc.values.g[1][sc.t.length - 1]);
    expect(Math.max(...cRows.slice(1).map((r) => +r.split(',')[4]))).toBeGreaterThan(0);
    // the rate monitor: every step, the count of E's spikes (all of E, not the spike monitor's five)
    const rate = a['rate_2.csv'].trim().split('\n');
    expect(rate[0]).toBe('t_ms,population,count,rate_hz');
    expect(rate.length - 1).toBe(2000);
    const api = sim.rate('E');
    expect(rate.slice(1).map((r) => +r.split(',')[2])).toEqual(Array.from(api.counts));
    expect(+rate[1 + 1234].split(',')[3]).toBeCloseTo(api.rate[1234], 9);
    // the synapse counts every 50 ms, pruning at 100 ms
    const syn = a['synapses_4.csv'].trim().split('\n');
    expect(syn[0]).toBe('t_ms,projection,count');
    const h = sim.synapseHistory('E->E');
    expect(syn.slice(1).map((r) => r.split(','))).toEqual(Array.from(h.t, (t, k) => [t.toFixed(1), 'E->E', String(h.count[k])]));
    expect(h.count[0]).toBe(2000);
    expect(h.count[h.count.length - 1]).toBeLessThan(2000);
    sim.dispose();
  });

  it('--record all: every spike of every population instead of the spike monitors, the other monitors kept', () => {
    const dir = join(tmp, 'all');
    const r = axonal(['run', model, '--out', dir, '--quiet', '--threads', '1', '--record', 'all']);
    expect(r.status, r.stderr).toBe(0);
    const f = files(dir);
    expect(Object.keys(f)).toEqual(['rate_2.csv', 'spikes.csv', 'state_1.csv', 'state_3.csv', 'synapses_4.csv']);
    const e = new Set(f['spikes.csv'].trim().split('\n').slice(1).filter((x) => x.split(',')[1] === 'E').map((x) => x.split(',')[2]));
    expect(e.size).toBeGreaterThan(100);
    expect(f['state_1.csv']).toBe(files(join(tmp, 'end'))['state_1.csv']);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).record).toBe('all');
    const bad = axonal(['run', model, '--out', dir, '--record', 'some']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--record must be model or all/);
  });

  it('a model without monitors records every spike (record "all")', () => {
    const m = join(tmp, 'bare.json');
    writeFileSync(m, JSON.stringify({ ...spec, monitors: undefined }));
    const dir = join(tmp, 'bare');
    const r = axonal(['run', m, '--out', dir, '--quiet', '--duration', '50']);
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(files(dir))).toEqual(['spikes.csv']);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).record).toBe('all');
  });

  it('population and projection names that would break a CSV field are refused, naming the field', () => {
    const bad = structuredClone(spec);
    bad.populations[0].name = 'E, "exc"';
    bad.projections![0].name = 'E to E';
    const issues = validateModel(bad).map((i) => `${i.path}: ${i.message}`);
    expect(issues).toContainEqual(expect.stringMatching(/^populations\[0\]\.name: must be made of letters, digits, '_', '-' and '\.'/));
    expect(issues).toContainEqual(expect.stringMatching(/^projections\[0\]\.name: must be made of letters/));
  });

  it('axonal analyze reads the spikes.csv that run writes (csv-parse), and refuses a malformed one naming the file and line', () => {
    const tc = join(tmp, 'tc.json');
    const g = axonal(['generate', 'thalamocortical', '--neurons', '1600', '--columns', '4', '--out', tc]);
    expect(g.status, g.stderr).toBe(0);
    const out = join(tmp, 'tc-out');
    const r = axonal(['run', tc, '--duration', '200', '--out', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const a = axonal(['analyze', tc, '--spikes', join(out, 'spikes.csv'), '--duration', '200', '--out', join(tmp, 'tc-report')]);
    expect(a.status, a.stderr).toBe(0);
    const rep = JSON.parse(readFileSync(join(tmp, 'tc-report', 'report.json'), 'utf8'));
    const model = JSON.parse(readFileSync(tc, 'utf8'));
    const rows = readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n').slice(1).map((x) => x.split(','));
    for (const p of rep.populations) {
      const size = model.populations.find((q: { name: string }) => q.name === p.name).size;
      const n = rows.filter((x) => x[1] === p.name).length;
      expect(p.rate_hz, p.name).toBeCloseTo((n * 1000) / (size * 200), 6);
    }
    // the travelling-activity statistics of report.md are in report.json too (4 columns: 6 pairs)
    expect(rep.waves.pairs).toBe(6);
    expect(readFileSync(join(tmp, 'tc-report', 'report.md'), 'utf8')).toContain(`${rep.waves.pairs} column pairs`);
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 't_ms,population,index\n0.1,L23E,3\n0.2,L23E,"exc",4\n');
    const b = axonal(['analyze', tc, '--spikes', bad, '--out', join(tmp, 'bad-report')]);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/bad\.csv: not a CSV file of 3 fields: .*line 3/);
    writeFileSync(bad, 'time,pop,i\n');
    expect(axonal(['analyze', tc, '--spikes', bad, '--out', join(tmp, 'bad-report')]).stderr).toMatch(/expected the header t_ms,population,index/);
  });

  it("a --duration off the model's time grid is a usage error (exit 2) naming the option", () => {
    const r = axonal(['run', 'examples/cuba.json', '--duration', '0.05', '--out', join(tmp, 'grid')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--duration: 0\.05 ms is not a whole number of steps of dt = 0\.1 ms/);
  });
});
