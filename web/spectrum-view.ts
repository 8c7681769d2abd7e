/**
 * The page's rhythm view: the power spectrum of each layer's rate (populations grouped by layer as
 * `axonal analyze` groups them: L2/3, L4, L5, L6 and the thalamus; other populations each on their
 * own), from the page's 5 ms bins of the last seconds of model time, by the analysis' own Welch
 * estimate (src/analysis/spectrum.ts), with the alpha band shaded and each group's peak and its
 * height over the floor (the median power between 2 and 100 Hz).
 */
import { layerGroups } from '../src/analysis/sheet.ts';
import { welch, peakFrequency, spectralFloor, floorPow2 } from '../src/analysis/spectrum.ts';
import { PALETTE } from '../src/plot/raster.ts';
import { axisTicks, prepareCanvas, verticalLabel } from './plot.ts';

export interface SpectrumGroup {
  name: string;
  colour: string;
  /** the populations' indices */
  ks: number[];
  /** their neurons in all */
  neurons: number;
}

/** Layer groups of the populations (layerGroups, as `axonal analyze`), each in a colour of its own (the analysis' palette). */
export function spectrumGroups(pops: readonly { name: string; size: number }[]): SpectrumGroup[] {
  return layerGroups(pops).map(({ layer, ks }, i) => ({
    name: layer, colour: PALETTE[i % PALETTE.length], ks, neurons: ks.reduce((a, k) => a + pops[k].size, 0),
  }));
}

/** Least complete 5 ms bins for a spectrum: 128 (640 ms; 1.6 Hz apart). */
export const SPECTRUM_MIN_BINS = 128;

export interface SpectrumInput {
  groups: SpectrumGroup[];
  /** spike count of population k in absolute bin b */
  count: (k: number, b: number) => number;
  binMs: number;
  /** the complete bins to use, first..last */
  first: number;
  last: number;
}

/** Per group, its peak between 2 Hz and Nyquist (Hz) and that power over the floor. */
export type SpectrumPeaks = Record<string, { hz: number; rel_floor: number }>;

const SW = 960;
const SH = 240;
const P = { x: 60, y: 14, w: 700, h: 190 };

/**
 * Draw the spectra into the canvas and return the peaks (also left as JSON in the canvas'
 * data-peaks); null, drawing nothing, with fewer than SPECTRUM_MIN_BINS bins.
 */
export function drawSpectrum(canvas: HTMLCanvasElement, input: SpectrumInput): SpectrumPeaks | null {
  const n = input.last - input.first + 1;
  if (n < SPECTRUM_MIN_BINS) return null;
  const fs = 1000 / input.binMs;
  const seg = floorPow2(Math.min(256, n));
  const spectra = input.groups.map((g) => {
    const r = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let c = 0;
      for (const k of g.ks) c += input.count(k, input.first + j);
      r[j] = (c * 1000) / (g.neurons * input.binMs);
    }
    return welch(r, fs, { segment: seg });
  });
  const fmax = Math.min(100, fs / 2);
  const peaks: SpectrumPeaks = {};
  let lo = Infinity, hi = -Infinity;
  spectra.forEach((sp, i) => {
    const pk = peakFrequency(sp, 2, fmax);
    const floor = spectralFloor(sp);
    peaks[input.groups[i].name] = { hz: pk.freq, rel_floor: floor > 0 ? pk.power / floor : NaN };
    for (let k = 1; k < sp.freqs.length; k++)
      if (sp.freqs[k] <= fmax && sp.power[k] > 0) {
        const v = Math.log10(sp.power[k]);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
  });
  const ctx = prepareCanvas(canvas, SW, SH);
  const xOf = (f: number) => P.x + (f / fmax) * P.w;
  if (!(hi > lo)) (lo = -1), (hi = 1);
  const yOf = (v: number) => P.y + P.h - ((v - lo) / (hi - lo)) * P.h;
  // the alpha band
  ctx.fillStyle = '#fdf1d6';
  ctx.fillRect(xOf(8), P.y, xOf(13) - xOf(8), P.h);
  ctx.strokeStyle = '#000';
  ctx.strokeRect(P.x + 0.5, P.y + 0.5, P.w, P.h);
  ctx.fillStyle = '#000';
  axisTicks(ctx, 0, fmax, 10, P.y + P.h + 14, xOf);
  ctx.fillText('frequency (Hz)', P.x + P.w / 2, P.y + P.h + 28);
  verticalLabel(ctx, 'log₁₀ power', 18, P.y + P.h / 2);
  ctx.textAlign = 'left';
  ctx.fillText('alpha', xOf(8) + 2, P.y + 11);
  spectra.forEach((sp, i) => {
    ctx.strokeStyle = input.groups[i].colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let started = false;
    for (let k = 1; k < sp.freqs.length && sp.freqs[k] <= fmax; k++) {
      if (!(sp.power[k] > 0)) continue;
      const x = xOf(sp.freqs[k]), y = yOf(Math.log10(sp.power[k]));
      if (started) ctx.lineTo(x, y);
      else ctx.moveTo(x, y), (started = true);
    }
    ctx.stroke();
    // the legend: name, peak, its height over the floor
    const g = input.groups[i], pk = peaks[g.name];
    const ly = P.y + 12 + i * 16;
    ctx.fillStyle = g.colour;
    ctx.fillRect(P.x + P.w + 14, ly - 8, 10, 10);
    ctx.fillStyle = '#000';
    ctx.fillText(`${g.name}: ${pk.hz.toFixed(1)} Hz, ${Number.isFinite(pk.rel_floor) ? pk.rel_floor.toFixed(0) : '–'}× floor`, P.x + P.w + 30, ly);
  });
  ctx.lineWidth = 1;
  canvas.dataset.peaks = JSON.stringify(peaks);
  canvas.dataset.bins = String(n);
  return peaks;
}
