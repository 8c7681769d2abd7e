/**
 * The shard barrier's adaptive spin budget (src/sim/sync.ts): a worker that has to sleep for
 * milliseconds at the barrier (another worker is late: descheduled on a loaded machine) halves its
 * spin budget, down to the minimum, instead of burning the CPU the late worker needs.
 */
import { describe, it, expect } from 'vitest';
import { Worker } from 'node:worker_threads';
import { barrier, CTL_SIZE, DECISION_GO, SpinBudget } from '../src/sim/sync.ts';

/** A second party that arrives at the barrier after `delayMs` (the last-arriver steps of barrier(), in plain JS). */
function lateParty(ctl: SharedArrayBuffer, delayMs: number): Worker {
  return new Worker(
    `const { workerData } = require('node:worker_threads');
     const c = new Int32Array(workerData.ctl);
     Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.delayMs);
     if (Atomics.add(c, 0, 1) === 1) { Atomics.store(c, 0, 0); Atomics.store(c, 2, 0); Atomics.add(c, 1, 1); Atomics.notify(c, 1); }`,
    { eval: true, workerData: { ctl, delayMs } },
  );
}

describe('barrier spin budget', () => {
  it('halves after a long sleep, down to its minimum; the decision is returned', async () => {
    const budget = new SpinBudget(1 << 14, 1 << 12);
    const limits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const buf = new SharedArrayBuffer(CTL_SIZE * 4);
      const w = lateParty(buf, 20);
      const d = barrier(new Int32Array(buf), 2, budget);
      expect(d).toBe(DECISION_GO);
      limits.push(budget.limit);
      await w.terminate();
    }
    expect(limits).toEqual([1 << 13, 1 << 12, 1 << 12, 1 << 12]);
  });

  it('a barrier met within microseconds does not shrink the budget (at most it doubles)', async () => {
    const budget = new SpinBudget(1 << 14, 1 << 12);
    budget.limit = 1 << 12;
    // a party that is already waiting when the barrier is entered: the main thread arrives last and
    // releases it (no sleep here), then the next round's sleep is long (halve) or short (double)
    const buf = new SharedArrayBuffer(CTL_SIZE * 4);
    const ctl = new Int32Array(buf);
    const w = new Worker(
      `const { workerData } = require('node:worker_threads');
       const c = new Int32Array(workerData.ctl);
       // arrive first and spin until released, then arrive last in the next round at once
       const gen = Atomics.load(c, 1);
       Atomics.add(c, 0, 1);
       while (Atomics.load(c, 1) === gen) {}
       while (Atomics.load(c, 0) !== 1) {}
       Atomics.store(c, 0, 0); Atomics.store(c, 2, 0); Atomics.add(c, 1, 1); Atomics.notify(c, 1);`,
      { eval: true, workerData: { ctl: buf } },
    );
    while (Atomics.load(ctl, 0) !== 1) await new Promise((r) => setTimeout(r, 1));
    expect(barrier(ctl, 2, budget)).toBe(DECISION_GO); // last to arrive: releases the worker
    expect(budget.limit).toBe(1 << 12);
    // the worker arrives within microseconds: no sleep (or a short one, which doubles, never halves)
    expect(barrier(ctl, 2, budget)).toBe(DECISION_GO);
    expect(budget.limit).toBeGreaterThanOrEqual(1 << 12);
    expect(budget.limit).toBeLessThanOrEqual(1 << 13);
    await w.terminate();
  });
});
