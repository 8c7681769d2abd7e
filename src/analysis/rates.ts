/**
 * Firing rates from spike trains given as parallel arrays (neuron index, time), streamed in chunks.
 *
 *   rate of neuron i   = (number of its spikes in the window) / T          (spikes/s, T in s)
 *   population rate    = mean over all N neurons, silent ones included      = total / (N T)
 *
 * as helpers.py time_averaged_single_neuron_firing_rates of the reference microcircuit computes it.
 */

/** Per-neuron spike counts of one population, accumulated over chunks of spikes. */
export class SpikeCounter {
  readonly counts: Uint32Array;
  total = 0;
  constructor(readonly size: number) {
    this.counts = new Uint32Array(size);
  }
  /** Add the spikes of a chunk (indices within the population). */
  add(indices: ArrayLike<number>): void {
    const c = this.counts;
    for (let k = 0; k < indices.length; k++) c[indices[k]]++;
    this.total += indices.length;
  }
  /** Mean rate over all neurons, spikes/s, for a window of `durationMs`. */
  meanRate(durationMs: number): number {
    return meanRate(this.total, this.size, durationMs);
  }
  /** Rate of every neuron, spikes/s. */
  rates(durationMs: number): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = (this.counts[i] * 1000) / durationMs;
    return out;
  }
}

/** Mean rate (spikes/s) of `neurons` neurons that fired `spikes` spikes in `durationMs`. */
export function meanRate(spikes: number, neurons: number, durationMs: number): number {
  if (!(neurons > 0) || !(durationMs > 0)) throw new RangeError('meanRate: neurons and durationMs must be > 0');
  return (spikes * 1000) / (neurons * durationMs);
}

/** Mean and (population) standard deviation of an array; NaN for an empty one. */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number; n: number } {
  const n = xs.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  let s = 0;
  for (let k = 0; k < n; k++) s += xs[k];
  const mean = s / n;
  let q = 0;
  for (let k = 0; k < n; k++) q += (xs[k] - mean) * (xs[k] - mean);
  return { mean, std: Math.sqrt(q / n), n };
}

/** Median of an array (a sorted copy); NaN for an empty one. */
export function median(xs: ArrayLike<number>): number {
  const a = Float64Array.from(xs as ArrayLike<number>).sort();
  const n = a.length;
  if (n === 0) return NaN;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/** Counts of `xs` in `bins` equal bins over [lo, hi); values outside are counted in `under` / `over`. */
export function histogram(xs: ArrayLike<number>, lo: number, hi: number, bins: number): { edges: number[]; counts: number[]; under: number; over: number } {
  if (!(hi > lo) || !(bins >= 1) || !Number.isInteger(bins)) throw new RangeError('histogram: needs hi > lo and an integer bins >= 1');
  const counts = new Array<number>(bins).fill(0);
  let under = 0;
  let over = 0;
  const w = (hi - lo) / bins;
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k];
    if (!(x >= lo)) {
      if (x < lo) under++;
      continue; // NaN is ignored
    }
    if (x >= hi) {
      over++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((x - lo) / w))]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * w);
  return { edges, counts, under, over };
}
