/** The command line: `axonal run` writes summary.json and spikes.csv, byte for byte the same on both backends. */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const tmp = mkdtempSync(join(tmpdir(), 'axonal-cli-'));

function axonal(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli.cjs')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
});

describe('axonal run', () => {
  it('writes summary.json and spikes.csv, identical for --backend wasm and js', () => {
    const outs = ['wasm', 'js'].map((backend) => {
      const out = join(tmp, `cuba-${backend}`);
      const r = axonal(['run', 'examples/cuba.json', '--backend', backend, '--duration', '300', '--out', out, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      return out;
    });
    const [w, j] = outs.map((o) => readFileSync(join(o, 'spikes.csv'), 'utf8'));
    expect(w.split('\n')[0]).toBe('t_ms,population,index');
    expect(w.length).toBeGreaterThan(1000);
    expect(w).toBe(j);
    const s = JSON.parse(readFileSync(join(outs[0], 'summary.json'), 'utf8'));
    for (const k of ['neurons', 'synapses', 'steps', 'spikes', 'rates_hz', 'build_seconds', 'run_seconds', 'backend', 'threads'])
      expect(s, k).toHaveProperty(k);
    expect(s.neurons).toBe(4000);
    expect(s.steps).toBe(3000);
    expect(s.backend).toBe('wasm');
    // start-up: the process's start to the first step, which comes after the build
    expect(s.first_step_ms).toBeGreaterThan(s.build_seconds * 1000);
    expect(s.first_step_ms).toBeLessThan(60000);
    expect(Object.keys(s.rates_hz)).toEqual(['E', 'I']);
    // spikes.csv rows = summary spikes, sorted by time, then population order, then index
    const rows = w.trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(s.spikes);
    const popOrder = { E: 0, I: 1 } as Record<string, number>;
    for (let k = 1; k < rows.length; k++) {
      const a = rows[k - 1], b = rows[k];
      const c = Number(a[0]) - Number(b[0]) || popOrder[a[1]] - popOrder[b[1]] || Number(a[2]) - Number(b[2]);
      expect(c, `row ${k}`).toBeLessThan(0);
    }
  });

  it('gives the same spikes.csv for the same seed and a different one for another seed', () => {
    const run = (seed: string, name: string) => {
      const out = join(tmp, name);
      const r = axonal(['run', 'examples/cuba.json', '--duration', '100', '--seed', seed, '--out', out, '--quiet']);
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(join(out, 'spikes.csv'), 'utf8');
    };
    const a = run('5', 's5a'), b = run('5', 's5b'), c = run('6', 's6');
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('exits 1 with every error and its path for an invalid model, 2 for a usage error', () => {
    const bad = join(tmp, 'bad.json');
    const spec = JSON.parse(readFileSync(join(root, 'examples/cuba.json'), 'utf8'));
    spec.dt = -0.1;
    spec.projections[2].weight = 0.45; // inhibitory source with a positive weight
    writeFileSync(bad, JSON.stringify(spec));
    const r = axonal(['run', bad, '--out', join(tmp, 'bad')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dt/);
    expect(r.stderr).toMatch(/projections\[2\]\.weight/);
    expect(existsSync(join(tmp, 'bad', 'summary.json'))).toBe(false);
    const v = axonal(['validate', bad]);
    expect(v.status).toBe(1);
    expect(v.stderr).toMatch(/projections\[2\]\.weight/);
    expect(axonal(['validate', 'examples/cuba.json']).status).toBe(0);
    expect(axonal(['run', 'examples/cuba.json', '--backend', 'gpu']).status).toBe(2);
    expect(axonal(['run']).status).toBe(2);
    expect(axonal(['frobnicate']).status).toBe(2);
    const h = axonal(['run', '--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--backend/);
  });

  it('reports a file that is not JSON with its position', () => {
    const bad = join(tmp, 'notjson.json');
    writeFileSync(bad, '{\n  "dt": 0.1,\n  oops\n}');
    const r = axonal(['run', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not valid JSON at line 3/);
  });
});
