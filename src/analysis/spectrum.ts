/**
 * Power spectra of binned population rates: an in-place radix-2 FFT and Welch's method.
 *
 *   Welch: split x into segments of L samples (L a power of two) overlapping by L/2, remove each
 *   segment's mean, multiply by a Hann window w, FFT, and average |X_k|² over the segments;
 *   the one-sided power spectral density is P_k = c |X_k|² / (fs Σ w²), c = 2 except at k = 0
 *   and k = L/2 (c = 1), at frequencies f_k = k fs / L, k = 0 .. L/2
 *
 * (scipy.signal.welch with window 'hann', detrend 'constant', scaling 'density'), so that
 * Σ_k P_k fs/L is the variance of x. For a rate in spikes/s sampled every bin, P is in (spikes/s)²/Hz.
 */

import { median } from './rates.ts';

/** In-place FFT of (re, im), length a power of two (iterative radix-2, decimation in time). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError('fft: re and im must have the same length');
  if (n <= 1) return;
  if ((n & (n - 1)) !== 0) throw new RangeError(`fft: length must be a power of two, got ${n}`);
  // bit reversal
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k;
        const b = a + half;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

export interface Spectrum {
  /** Hz, k fs / L for k = 0 .. L/2 */
  freqs: Float64Array;
  /** one-sided power spectral density, (unit of x)² / Hz */
  power: Float64Array;
  /** segments averaged */
  segments: number;
  /** segment length in samples */
  segment: number;
}

/** Largest power of two <= n (at least 1). */
export function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * Welch's power spectral density of x sampled at fs Hz: Hann-windowed segments of `segment`
 * samples (a power of two, default the largest power of two <= min(x.length, 256)), 50 % overlap.
 */
export function welch(x: ArrayLike<number>, fs: number, opts: { segment?: number } = {}): Spectrum {
  if (!(fs > 0)) throw new RangeError('welch: fs must be > 0');
  const n = x.length;
  if (n < 2) throw new RangeError('welch: needs at least 2 samples');
  const L = opts.segment ?? floorPow2(Math.min(n, 256));
  if (L < 2 || (L & (L - 1)) !== 0 || L > n) throw new RangeError(`welch: segment must be a power of two in [2, ${n}], got ${L}`);
  const w = new Float64Array(L);
  let wss = 0;
  for (let k = 0; k < L; k++) {
    w[k] = 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / L); // periodic Hann (scipy's default)
    wss += w[k] * w[k];
  }
  const step = L / 2;
  const acc = new Float64Array(L / 2 + 1);
  const re = new Float64Array(L);
  const im = new Float64Array(L);
  let segments = 0;
  for (let s = 0; s + L <= n; s += step) {
    let mean = 0;
    for (let k = 0; k < L; k++) mean += x[s + k];
    mean /= L;
    for (let k = 0; k < L; k++) {
      re[k] = (x[s + k] - mean) * w[k];
      im[k] = 0;
    }
    fft(re, im);
    for (let k = 0; k <= L / 2; k++) acc[k] += re[k] * re[k] + im[k] * im[k];
    segments++;
  }
  const freqs = new Float64Array(L / 2 + 1);
  const power = new Float64Array(L / 2 + 1);
  for (let k = 0; k <= L / 2; k++) {
    freqs[k] = (k * fs) / L;
    const c = k === 0 || k === L / 2 ? 1 : 2;
    power[k] = (c * acc[k]) / (segments * fs * wss);
  }
  return { freqs, power, segments, segment: L };
}

/** Frequency of the largest power in [fmin, fmax] (NaN if no bin lies there). */
export function peakFrequency(s: Pick<Spectrum, 'freqs' | 'power'>, fmin = 0, fmax = Infinity): { freq: number; power: number } {
  let best = -1;
  for (let k = 0; k < s.freqs.length; k++) {
    const f = s.freqs[k];
    if (f < fmin || f > fmax) continue;
    if (best < 0 || s.power[k] > s.power[best]) best = k;
  }
  return best < 0 ? { freq: NaN, power: NaN } : { freq: s.freqs[best], power: s.power[best] };
}

/** Power in frequency bands, as fractions of the power above `fmin` Hz (default 1 Hz). */
export function bandPower(s: Pick<Spectrum, 'freqs' | 'power'>, bands: Record<string, [number, number]>, fmin = 1): Record<string, number> {
  let total = 0;
  for (let k = 0; k < s.freqs.length; k++) if (s.freqs[k] >= fmin) total += s.power[k];
  const out: Record<string, number> = {};
  for (const [name, [lo, hi]] of Object.entries(bands)) {
    let p = 0;
    for (let k = 0; k < s.freqs.length; k++) if (s.freqs[k] >= Math.max(lo, fmin) && s.freqs[k] < hi) p += s.power[k];
    out[name] = total > 0 ? p / total : 0;
  }
  return out;
}

/** Classical EEG bands, Hz. */
export const BANDS: Record<string, [number, number]> = {
  delta: [1, 4],
  theta: [4, 8],
  alpha: [8, 13],
  beta: [13, 30],
  gamma: [30, 80],
  high: [80, Infinity],
};

/** The median spectral power between 2 and 100 Hz: the floor a rhythm's peak is measured against. */
export function spectralFloor(sp: Pick<Spectrum, 'freqs' | 'power'>): number {
  const xs: number[] = [];
  for (let k = 0; k < sp.freqs.length; k++) if (sp.freqs[k] >= 2 && sp.freqs[k] <= 100) xs.push(sp.power[k]);
  return median(xs);
}

/** per band, its peak frequency and power relative to spectralFloor */
export function bandPeaks(sp: Pick<Spectrum, 'freqs' | 'power'>): Record<string, { hz: number; rel_floor: number }> {
  const floor = spectralFloor(sp);
  const out: Record<string, { hz: number; rel_floor: number }> = {};
  for (const [name, [lo, hi]] of Object.entries(BANDS)) {
    const pk = peakFrequency(sp, lo, Math.min(hi, sp.freqs[sp.freqs.length - 1]));
    out[name] = { hz: pk.freq, rel_floor: floor > 0 ? pk.power / floor : NaN };
  }
  return out;
}
