/**
 * Pairwise spike-count correlation coefficients of a sample of neurons, as helpers.py
 * pairwise_spike_count_correlations of the reference microcircuit computes them: the spikes of
 * each sampled neuron are counted in bins of `binMs` (2 ms there), and for every pair i < j
 *
 *   cc_ij = cov(c_i, c_j) / sqrt(var(c_i) var(c_j))        (np.corrcoef of the count signals)
 *
 * Pairs with a silent neuron (variance 0) have no coefficient (NaN in numpy) and are left out.
 */
import { rngKey, rngU32 } from '../core/rng.ts';

/**
 * k distinct indices from [0, n), ascending, drawn with the counter-based generator
 * (Floyd's algorithm; a pure function of n, k and seed). All n when k >= n.
 */
export function sampleIndices(n: number, k: number, seed: number): Int32Array {
  if (k >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const key = rngKey(seed >>> 0, 0x5a3c, n);
  const chosen = new Set<number>();
  let ctr = 0;
  for (let j = n - k; j < n; j++) {
    // uniform in [0, j] by rejection
    const m = j + 1;
    const lim = 0x100000000 - (0x100000000 % m);
    let u: number;
    do u = rngU32(key, ctr++);
    while (u >= lim);
    const t = u % m;
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from([...chosen].sort((a, b) => a - b));
}

/** Binned spike counts of a fixed sample of neurons over [t0, t1), filled chunk by chunk. */
export class BinnedCounts {
  readonly bins: number;
  /** counts[s * bins + b]: spikes of sample neuron s in bin b */
  readonly counts: Uint16Array;
  /** position of each population index in the sample, or -1 */
  private readonly slot: Int32Array;
  constructor(
    populationSize: number,
    readonly sample: Int32Array,
    readonly t0: number,
    readonly t1: number,
    readonly binMs: number,
  ) {
    if (!(t1 > t0) || !(binMs > 0)) throw new RangeError('BinnedCounts: needs t1 > t0 and binMs > 0');
    this.bins = Math.ceil((t1 - t0) / binMs - 1e-9);
    this.counts = new Uint16Array(sample.length * this.bins);
    this.slot = new Int32Array(populationSize).fill(-1);
    sample.forEach((i, s) => (this.slot[i] = s));
  }
  add(indices: ArrayLike<number>, times: ArrayLike<number>): void {
    const { slot, counts, bins, t0, t1, binMs } = this;
    for (let k = 0; k < indices.length; k++) {
      const s = slot[indices[k]];
      if (s < 0) continue;
      const t = times[k];
      if (t < t0 || t >= t1) continue;
      const b = Math.min(bins - 1, Math.floor((t - t0) / binMs));
      const c = s * bins + b;
      if (counts[c] < 0xffff) counts[c]++;
    }
  }
  /** The correlation coefficients of every pair of sample neurons that both fired (i < j order). */
  correlations(): Float64Array {
    return pairwiseCorrelations(this.counts, this.sample.length, this.bins);
  }
}

/**
 * Correlation coefficients of every pair (i < j) of `n` signals of length `len`, stored row after
 * row in `x`; pairs involving a constant signal are left out.
 */
export function pairwiseCorrelations(x: ArrayLike<number>, n: number, len: number): Float64Array {
  // centred signals and their norms
  const z = new Float64Array(n * len);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let b = 0; b < len; b++) s += x[i * len + b];
    const m = s / len;
    let q = 0;
    for (let b = 0; b < len; b++) {
      const d = x[i * len + b] - m;
      z[i * len + b] = d;
      q += d * d;
    }
    norm[i] = Math.sqrt(q);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(norm[i] > 0)) continue;
    for (let j = i + 1; j < n; j++) {
      if (!(norm[j] > 0)) continue;
      let c = 0;
      const oi = i * len;
      const oj = j * len;
      for (let b = 0; b < len; b++) c += z[oi + b] * z[oj + b];
      out.push(c / (norm[i] * norm[j]));
    }
  }
  return Float64Array.from(out);
}
