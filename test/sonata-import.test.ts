/**
 * SONATA import (src/io/sonata-import.ts, `axonal run DIR/circuit_config.json`): the round trip
 * (export, import, run) gives the same spikes to the bit on both backends, the command line writes
 * spikes.csv byte-identical to the model file's and SONATA's spikes.h5, and what the importer cannot
 * run is an error naming the file, population and field.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { readModelFile } from '../src/io/model-file.ts';
import { exportSonata } from '../src/io/sonata.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `axonal-sonata-${p}-`));
const axonal = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('axonal run DIR/circuit_config.json', () => {
  it('CUBA exported with --seed 4: spikes.csv byte-identical to the model file\'s (wasm and js), spikes.h5 by SONATA\'s layout', async () => {
    const dir = tmp('cuba');
    expect(axonal('export', 'examples/cuba.json', '--format', 'sonata', '--out', dir, '--seed', '4').status).toBe(0);
    const ref = tmp('ref');
    const r0 = axonal('run', 'examples/cuba.json', '--seed', '4', '--duration', '200', '--out', ref, '-q');
    expect(r0.stderr).toBe('');
    const want = readFileSync(join(ref, 'spikes.csv'), 'utf8');
    expect(want.split('\n').length).toBeGreaterThan(1000);
    for (const [config, backend] of [['circuit_config.json', 'wasm'], ['simulation_config.json', 'js']]) {
      const out = tmp('out');
      const r = axonal('run', join(dir, config), '--seed', '4', '--duration', '200', '--backend', backend, '--out', out, '-q');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(join(out, 'spikes.csv'), 'utf8'), `${config} on ${backend}`).toBe(want);
      // SONATA's spike file: /spikes/<population>/timestamps (ms, float64) and node_ids (uint64), sorting by_time
      await h5wasm.ready;
      const f = new h5wasm.File(join(out, 'spikes.h5'), 'r');
      try {
        const rows = want.trim().split('\n').slice(1).map((l) => l.split(','));
        for (const pop of ['E', 'I']) {
          const g = f.get(`spikes/${pop}`) as import('h5wasm/node').Group;
          expect(g.attrs.sorting.value).toBe('by_time');
          const t = (g.get('timestamps') as import('h5wasm/node').Dataset).value as Float64Array;
          const ids = (g.get('node_ids') as import('h5wasm/node').Dataset).value as BigUint64Array;
          expect(t).toBeInstanceOf(Float64Array);
          expect(ids).toBeInstanceOf(BigUint64Array);
          const mine = rows.filter((x) => x[1] === pop);
          expect(Array.from(t, (x) => x.toFixed(1))).toEqual(mine.map((x) => x[0]));
          expect(Array.from(ids, Number)).toEqual(mine.map((x) => Number(x[2])));
        }
      } finally {
        f.close();
      }
    }
  }, 120_000);
});
