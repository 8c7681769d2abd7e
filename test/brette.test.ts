/**
 * COBA and COBAHH (Brette et al. 2007, benchmarks 1 and 3; examples/coba.json, examples/cobahh.json)
 * fire where Brian2 fires. test/fixtures/brette-bands.json holds Brian2's rates of the same models
 * (bench/peers/brian2_coba.py, brian2_cobahh.py) on its runtime device, one run per seed, and the
 * band mean ± 3 SD over the seeds for each population; it was made by bench/peers/brette-bands.js
 * (its `made_by` says with which options). axonal's examples, run for the same model time from t = 0
 * (wasm, one thread, the example's seed), must have the E and I rates inside the band and be
 * active throughout the run: no input drives these networks after the initial kick, so activity that
 * died out (or never started) would show as a silent stretch. The demo page lists both examples as
 * they are (scripts/build-web.js).
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation } from '../src/sim/simulation.ts';
import type { ModelSpec } from '../src/core/types.ts';

interface Band { rates_hz: number[]; mean_hz: number; sd_hz: number; low_hz: number; high_hz: number }
interface ModelBands { example: string; neurons: number; duration_ms: number; seeds: number[]; populations: Record<string, Band> }
const bands = JSON.parse(readFileSync(new URL('./fixtures/brette-bands.json', import.meta.url), 'utf8')) as {
  band_rule: string; device: string; models: Record<string, ModelBands>;
};

/** bins of this many ms over the run, each of which must hold spikes of both populations */
const BIN_MS = 10;

describe('the rate band of test/fixtures/brette-bands.json', () => {
  it('is mean ± 3 SD of the rates of each seed, from Brian2 runs of the examples\' models', () => {
    expect(bands.band_rule).toBe('mean ± 3 SD');
    expect(bands.device).toBe('runtime');
    expect(Object.keys(bands.models).sort()).toEqual(['coba', 'cobahh']);
    for (const m of Object.values(bands.models)) {
      expect(m.seeds.length).toBeGreaterThanOrEqual(2);
      for (const b of Object.values(m.populations)) {
        expect(b.rates_hz).toHaveLength(m.seeds.length);
        const mean = b.rates_hz.reduce((a, x) => a + x, 0) / b.rates_hz.length;
        const sd = Math.sqrt(b.rates_hz.reduce((a, x) => a + (x - mean) ** 2, 0) / (b.rates_hz.length - 1));
        expect(b.mean_hz).toBeCloseTo(mean, 3);
        expect(b.sd_hz).toBeCloseTo(sd, 3);
        expect(b.low_hz).toBeCloseTo(mean - 3 * sd, 3);
        expect(b.high_hz).toBeCloseTo(mean + 3 * sd, 3);
      }
    }
  });
});

describe.each(Object.entries(bands.models))('%s against Brian2', (name, ref) => {
  it(`has E and I rates inside Brian2's band over ${ref.duration_ms} ms and is active throughout`, async () => {
    const spec = JSON.parse(readFileSync(new URL(`../${ref.example}`, import.meta.url), 'utf8')) as ModelSpec;
    expect(spec.populations.reduce((n, p) => n + p.size, 0)).toBe(ref.neurons);
    const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1 });
    try {
      await sim.run(ref.duration_ms);
      const rates = sim.ratesHz();
      const stepsPerBin = Math.round(BIN_MS / spec.dt);
      for (const [pop, b] of Object.entries(ref.populations)) {
        const r = rates[pop];
        console.log(`${name} ${pop}: axonal ${r.toFixed(2)} Hz, Brian2 ${b.mean_hz.toFixed(2)} ± ${b.sd_hz.toFixed(2)} Hz, band [${b.low_hz.toFixed(2)}, ${b.high_hz.toFixed(2)}]`);
        expect(r, `${name} ${pop} rate`).toBeGreaterThanOrEqual(b.low_hz);
        expect(r, `${name} ${pop} rate`).toBeLessThanOrEqual(b.high_hz);
        // not silent: spikes in every bin of the run, the last ones long after the initial kick decayed
        const { counts } = sim.rate(pop);
        expect(counts.length).toBe(Math.round(ref.duration_ms / spec.dt));
        const silent: number[] = [];
        for (let k = 0; k < counts.length; k += stepsPerBin) {
          let n = 0;
          for (let j = k; j < k + stepsPerBin; j++) n += counts[j];
          if (n === 0) silent.push(k * spec.dt);
        }
        expect(silent, `${name} ${pop}: ${BIN_MS} ms bins without a spike, starting at (ms)`).toEqual([]);
      }
    } finally {
      sim.dispose();
    }
  });
});

describe('the demo page', () => {
  it('lists COBA and COBAHH, each the example file as it is', () => {
    const out = mkdtempSync(join(tmpdir(), 'axonal-web-brette-'));
    try {
      execFileSync(process.execPath, ['scripts/build-web.js', '--out', out, '--no-minify'], { cwd: new URL('..', import.meta.url).pathname, stdio: 'pipe' });
      const index = JSON.parse(readFileSync(join(out, 'models/index.json'), 'utf8')) as { id: string; title: string; file: string }[];
      for (const [id, ref] of Object.entries(bands.models)) {
        const entry = index.find((m) => m.id === id);
        expect(entry, `models/index.json has ${id}`).toBeDefined();
        const listed = JSON.parse(readFileSync(join(out, entry!.file), 'utf8'));
        expect(listed).toEqual(JSON.parse(readFileSync(new URL(`../${ref.example}`, import.meta.url), 'utf8')));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
