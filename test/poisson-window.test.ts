/**
 * `poisson` populations with `start` and `stop` (NEST poisson_generator): spikes only in the steps
 * [start/dt, stop/dt), the same draws as without a window, on every backend and thread count.
 */
import { describe, it, expect } from 'vitest';
import { BACKENDS, simulate } from './util.ts';
import { validateModel } from '../src/network/index.ts';
import type { ModelSpec } from '../src/core/types.ts';

const N = 2000;
function model(params: Record<string, number>): ModelSpec {
  return {
    dt: 0.1,
    duration: 30,
    seed: 9,
    populations: [{ name: 'P', size: N, model: 'poisson', params: { rate: 120, ...params } }],
    monitors: [{ type: 'spikes', population: 'P' }],
  };
}

const pairs = (sim: Awaited<ReturnType<typeof simulate>>) => {
  const d = sim.spikes('P');
  return Array.from(d.steps, (s, k) => `${s}:${d.i[k]}`);
};

describe('poisson population start/stop', () => {
  it('validation: on the grid, >= 0, stop >= start, names the field', () => {
    expect(validateModel(model({ start: 5, stop: 15 }))).toEqual([]);
    expect(validateModel(model({ start: -1 }))).toEqual([expect.objectContaining({ path: 'populations[0].params.start' })]);
    expect(validateModel(model({ stop: 1.05 }))[0]).toMatchObject({ path: 'populations[0].params.stop', message: expect.stringMatching(/not a whole number of time steps/) });
    expect(validateModel(model({ start: 10, stop: 5 }))[0]).toMatchObject({ path: 'populations[0].params.stop', message: expect.stringMatching(/>= start/) });
  });

  for (const b of [...BACKENDS.slice(0, 2), { label: 'wasm, 3 threads', opts: { backend: 'wasm' as const, threads: 3 } }]) {
    it(`fires only in [start, stop), with the draws of the unwindowed train (${b.label})`, async () => {
      const all = await simulate(model({}), b.opts, 30);
      const win = await simulate(model({ start: 5, stop: 15 }), b.opts, 30);
      try {
        const inWindow = pairs(all).filter((p) => {
          const s = Number(p.split(':')[0]);
          return s >= 50 && s < 150;
        });
        expect(pairs(win)).toEqual(inWindow);
        // N × 100 steps × (1 - exp(-0.012)) = 2384.6 expected, sd ~ 48.5
        expect(inWindow.length).toBeGreaterThan(2384.6 - 5 * 48.5);
        expect(inWindow.length).toBeLessThan(2384.6 + 5 * 48.5);
      } finally {
        all.dispose();
        win.dispose();
      }
    });
  }
});
