/**
 * Coefficient of variation of inter-spike intervals, per neuron, streamed in chunks of spikes:
 *
 *   CV_i = std(ISI_i) / mean(ISI_i)      (population standard deviation, ddof = 0)
 *
 * over the intervals between consecutive spikes of neuron i in the window, for neurons with at
 * least `minSpikes` spikes (3 by default: two intervals) — as helpers.py single_neuron_isi_cvs of
 * the reference microcircuit (np.std(intervals) / np.mean(intervals) when len(spike_times) > 2).
 */

/** CV of the intervals between the (sorted) spike times of one neuron; NaN with fewer than minSpikes. */
export function isiCv(times: ArrayLike<number>, minSpikes = 3): number {
  const n = times.length;
  if (n < Math.max(2, minSpikes)) return NaN;
  let s = 0;
  for (let k = 1; k < n; k++) s += times[k] - times[k - 1];
  const mean = s / (n - 1);
  let q = 0;
  for (let k = 1; k < n; k++) {
    const d = times[k] - times[k - 1] - mean;
    q += d * d;
  }
  return Math.sqrt(q / (n - 1)) / mean;
}

/**
 * Streaming ISI statistics of a population: feed the spikes in time order (chunk after chunk, each
 * sorted by time as the simulator returns them). Per neuron: last spike time, number of
 * intervals, and their running mean and sum of squared deviations (Welford, stable for long runs).
 */
export class IsiAccumulator {
  private readonly last: Float64Array;
  private readonly n: Uint32Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  constructor(readonly size: number) {
    this.last = new Float64Array(size).fill(NaN);
    this.n = new Uint32Array(size);
    this.mean = new Float64Array(size);
    this.m2 = new Float64Array(size);
  }
  /** Add spikes (indices within the population and times in ms, non-decreasing in time). */
  add(indices: ArrayLike<number>, times: ArrayLike<number>): void {
    const { last, n, mean, m2 } = this;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      const t = times[k];
      const prev = last[i];
      last[i] = t;
      if (prev !== prev) continue; // first spike of the neuron
      const x = t - prev;
      const c = ++n[i];
      const d = x - mean[i];
      mean[i] += d / c;
      m2[i] += d * (x - mean[i]);
    }
  }
  /** CV of every neuron with at least minSpikes spikes (others are left out), in neuron order. */
  cvs(minSpikes = 3): Float64Array {
    const minIntervals = Math.max(1, minSpikes - 1);
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const c = this.n[i];
      if (c >= minIntervals && this.mean[i] > 0) out.push(Math.sqrt(this.m2[i] / c) / this.mean[i]);
    }
    return Float64Array.from(out);
  }
}
