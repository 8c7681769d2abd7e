/**
 * CUBA-4k (examples/cuba.json) fires at a mean rate within the range Brian2 gives for the same model
 * over seeds. Brian2 2.5.1, examples/CUBA.py, C++ standalone, 1 s, seeds 1..10, measured with
 *   for s in $(seq 1 10); do /usr/bin/python3 bench/peers/brian2_cuba.py --neurons 4000 --seed $s --json; done
 * gave mean rates 5.30 .. 6.08 Hz (mean 5.65 Hz); see bench/peers/README.md.
 * axonal delivers a spike one step later than Brian2's zero-delay synapses (NEST's order: the current
 * jumps in the arrival step, the membrane sees it in the next), which lowers the rate slightly; the
 * mean over seeds must still lie inside Brian2's range.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulation } from '../src/sim/simulation.ts';
import type { ModelSpec } from '../src/core/types.ts';

const BRIAN2_MIN_HZ = 5.3;
const BRIAN2_MAX_HZ = 6.08;

const cuba = JSON.parse(readFileSync(new URL('../examples/cuba.json', import.meta.url), 'utf8')) as ModelSpec;

describe('CUBA-4k against Brian2', () => {
  it('mean rate over seeds lies within the range Brian2 gives', async () => {
    const rates: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const sim = await Simulation.create({ ...cuba, monitors: [] }, { seed, threads: 1 });
      await sim.run(1000);
      const total = sim.spikeTotals.reduce((a, b) => a + b, 0);
      rates.push(total / 4000);
      sim.dispose();
    }
    const mean = rates.reduce((a, b) => a + b) / rates.length;
    expect(mean).toBeGreaterThanOrEqual(BRIAN2_MIN_HZ);
    expect(mean).toBeLessThanOrEqual(BRIAN2_MAX_HZ);
    // and every single seed is in the asynchronous irregular low-rate regime of the benchmark
    for (const r of rates) expect(r).toBeGreaterThan(4);
    for (const r of rates) expect(r).toBeLessThan(8);
  });
});
