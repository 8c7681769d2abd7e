/**
 * Shared-memory coordination of shard workers: a control block (Int32Array over a
 * SharedArrayBuffer) with a reusable barrier, and the spike outboxes through which shards exchange
 * spikes once per minimum-delay interval (double-buffered by interval parity).
 */

export const CTL_ARRIVE = 0;
export const CTL_GEN = 1;
export const CTL_DECISION = 2;
/** set by the main thread: stop at the next interval boundary (after delivering its spikes) */
export const CTL_ABORT = 3;
/** set by a worker whose shard failed: stop now */
export const CTL_ERROR = 4;
/** set by the main thread when a worker died: waiting workers give up */
export const CTL_DEAD = 5;
/** steps completed (written by shard 0 after each interval) */
export const CTL_PROGRESS = 6;
/** workers sleeping in Atomics.wait at the barrier (the last to arrive notifies only when some are) */
export const CTL_SLEEPERS = 7;
export const CTL_SIZE = 8;

export const DECISION_GO = 0;
export const DECISION_ABORT = 1;
export const DECISION_ERROR = 2;

export class WorkerDiedError extends Error {}

/**
 * A worker's spin budget at the barrier: `limit` checks before sleeping, adapted between `min` and
 * `max` (see barrier).
 */
export class SpinBudget {
  limit: number;
  constructor(
    readonly max: number,
    readonly min = 256,
  ) {
    this.limit = max;
  }
}

/**
 * A sleep shorter than this (ms) means a longer spin would have caught the release: spin longer.
 * (Waking from Atomics.wait alone takes tens of microseconds, so the threshold is well above that.)
 */
const SHORT_SLEEP_MS = 0.2;
/** A sleep longer than this (ms) means the others are slow or descheduled (an OS time slice): spin less. */
const LONG_SLEEP_MS = 1;

/**
 * Wait until all `parties` workers arrived; returns the decision taken by the last one to arrive
 * (go, abort: finish the interval and stop, error: stop now). Spins up to `budget.limit` checks
 * (waking from Atomics.wait costs tens of microseconds), then sleeps with Atomics.wait, so that more
 * workers than cores still progress. The budget adapts: after a sleep shorter than 0.2 ms it doubles
 * (up to max), after one longer than 1 ms it halves (down to min). So on a quiet machine with a
 * core per worker the workers spin and meet within microseconds, and on a loaded one (another
 * process takes a core, a worker is descheduled for milliseconds) they soon stop burning the CPU
 * the late worker needs.
 */
export function barrier(ctl: Int32Array, parties: number, budget: SpinBudget): number {
  const gen = Atomics.load(ctl, CTL_GEN);
  if (Atomics.add(ctl, CTL_ARRIVE, 1) === parties - 1) {
    Atomics.store(ctl, CTL_ARRIVE, 0);
    const d = Atomics.load(ctl, CTL_ERROR) ? DECISION_ERROR : Atomics.load(ctl, CTL_ABORT) ? DECISION_ABORT : DECISION_GO;
    Atomics.store(ctl, CTL_DECISION, d);
    Atomics.add(ctl, CTL_GEN, 1);
    // Sequentially consistent: a worker that counted itself a sleeper after this load sees the new
    // generation in Atomics.wait and returns at once; one counted before is woken here.
    if (Atomics.load(ctl, CTL_SLEEPERS) > 0) Atomics.notify(ctl, CTL_GEN);
  } else {
    const limit = budget.limit;
    let spins = 0;
    while (spins < limit && Atomics.load(ctl, CTL_GEN) === gen) spins++;
    if (Atomics.load(ctl, CTL_GEN) === gen) {
      const t0 = performance.now();
      while (Atomics.load(ctl, CTL_GEN) === gen) {
        Atomics.add(ctl, CTL_SLEEPERS, 1);
        Atomics.wait(ctl, CTL_GEN, gen, 20);
        Atomics.sub(ctl, CTL_SLEEPERS, 1);
        if (Atomics.load(ctl, CTL_DEAD)) throw new WorkerDiedError('another shard worker died');
      }
      const slept = performance.now() - t0;
      if (slept < SHORT_SLEEP_MS) budget.limit = Math.min(budget.max, budget.limit * 2);
      else if (slept > LONG_SLEEP_MS) budget.limit = Math.max(budget.min, budget.limit >> 1);
    }
  }
  return Atomics.load(ctl, CTL_DECISION);
}

/** Layout of one shard's outbox: two parities × (D steps × P counts, then D steps × slice indices). */
export class OutboxLayout {
  readonly block: number;
  constructor(
    readonly interval: number,
    readonly pops: number,
    /** per population, the offset of its slice in a step's index block */
    readonly offsets: number[],
    /** sum of the slice sizes */
    readonly total: number,
  ) {
    this.block = interval * pops + interval * total;
  }
  get ints(): number {
    return 2 * this.block;
  }
  countBase(parity: number, j: number): number {
    return parity * this.block + j * this.pops;
  }
  idxBase(parity: number, j: number): number {
    return parity * this.block + this.interval * this.pops + j * this.total;
  }
}
