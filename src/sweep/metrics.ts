/**
 * What `axonal sweep` records of one run, per population: the mean rate, the mean ISI CV (neurons
 * with at least 3 spikes) and the spike-count synchrony χ (Golomb 2007, applied to spike counts in
 * 5 ms bins of up to 500 neurons): χ² = Var_t(mean_i c_i(t)) / mean_i Var_t(c_i(t)), 1 for fully
 * synchronous trains, about 1/√N for independent ones, NaN for a silent population.
 */
import { IsiAccumulator } from '../analysis/cv.ts';
import { sampleIndices } from '../analysis/correlation.ts';
import type { SpikeData } from '../sim/monitors.ts';

export const SYNCHRONY_BIN_MS = 5;
export const SYNCHRONY_NEURONS = 500;

export interface PopulationMetrics {
  rate_hz: number;
  cv: number;
  synchrony: number;
}

/** The metrics of one population's spikes over [0, durationMs). */
export function populationMetrics(d: SpikeData, size: number, durationMs: number, seed = 1): PopulationMetrics {
  const rate = durationMs > 0 ? (d.count * 1000) / (size * durationMs) : 0;
  const isi = new IsiAccumulator(size);
  isi.add(d.i, d.t);
  const cvs = isi.cvs(3);
  const cv = cvs.length ? cvs.reduce((a, b) => a + b, 0) / cvs.length : NaN;
  return { rate_hz: rate, cv, synchrony: synchrony(d, size, durationMs, seed) };
}

function synchrony(d: SpikeData, size: number, durationMs: number, seed: number): number {
  const bins = Math.floor(durationMs / SYNCHRONY_BIN_MS);
  if (bins < 2 || d.count === 0) return NaN;
  const k = Math.min(size, SYNCHRONY_NEURONS);
  const chosen = k === size ? null : sampleIndices(size, k, seed);
  const slot = new Int32Array(size).fill(-1);
  if (chosen) chosen.forEach((n, j) => (slot[n] = j));
  else for (let n = 0; n < size; n++) slot[n] = n;
  const c = new Float64Array(k * bins);
  for (let s = 0; s < d.count; s++) {
    const j = slot[d.i[s]];
    const b = Math.floor(d.t[s] / SYNCHRONY_BIN_MS);
    if (j >= 0 && b < bins) c[j * bins + b]++;
  }
  // variance over time of the population mean, and the mean over neurons of each one's variance
  let varSum = 0;
  const pop = new Float64Array(bins);
  for (let j = 0; j < k; j++) {
    let m = 0;
    for (let b = 0; b < bins; b++) m += c[j * bins + b];
    m /= bins;
    let v = 0;
    for (let b = 0; b < bins; b++) {
      const x = c[j * bins + b];
      v += (x - m) * (x - m);
      pop[b] += x / k;
    }
    varSum += v / bins;
  }
  let pm = 0;
  for (let b = 0; b < bins; b++) pm += pop[b];
  pm /= bins;
  let pv = 0;
  for (let b = 0; b < bins; b++) pv += (pop[b] - pm) * (pop[b] - pm);
  pv /= bins;
  const denom = varSum / k;
  return denom > 0 ? Math.sqrt(pv / denom) : NaN;
}
