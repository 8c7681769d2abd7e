/**
 * Spike raster over binned population rates, as an SVG document (no DOM, no dependencies), from
 * spikes fed in chunks: `RasterCollector` keeps every spike of a subset of neurons (all of them
 * while the figure stays small; every k-th neuron, k a power of two, once it would hold more than
 * `maxPoints` marks) and counts every spike into the rate bins, so its memory is bounded whatever
 * the length of the run. `rasterSvg` draws it: raster on top (time in ms against neuron index,
 * one band per population), population rates below (Hz, binned), one colour per population, a
 * legend, and a note on the figure when the raster is subsampled.
 */

import { grouped } from '../core/format.ts';

/** Colours per population (matplotlib's tab10), reused cyclically. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface RasterOptions {
  /** time step, ms */
  dt: number;
  /** the planned duration, ms (the x axis; a shorter, stopped run is drawn on the same axis) */
  durationMs: number;
  /** rate bin width, ms (default: about durationMs / 200, a whole number of steps) */
  binMs?: number;
  /** largest number of spike marks kept for the raster (default 150,000) */
  maxPoints?: number;
  /** largest number of raster rows (neurons) drawn (default: no limit; maxPoints bounds the figure) */
  maxRows?: number;
}

interface PopStore {
  name: string;
  size: number;
  steps: Int32Array;
  index: Int32Array;
  kept: number;
  /** every spike, subsampled or not */
  total: number;
  /** spike counts per rate bin */
  bins: Float64Array;
}

/** Nice bin width (1, 2, 5 × 10^k ms, a whole number of steps) of about durationMs / 200. */
export function defaultBinMs(durationMs: number, dt: number): number {
  const target = Math.max(dt, durationMs / 200);
  const e = Math.floor(Math.log10(target));
  let best = target;
  for (const m of [1, 2, 5, 10]) {
    const c = m * 10 ** e;
    if (c >= target * 0.7) {
      best = c;
      break;
    }
  }
  const steps = Math.max(1, Math.round(best / dt));
  return steps * dt;
}

export class RasterCollector {
  readonly dt: number;
  readonly durationMs: number;
  readonly binSteps: number;
  readonly maxPoints: number;
  /** keep neuron i iff i % stride === 0 (a power of two) */
  stride = 1;
  /** last step seen + 1 */
  endStep = 0;
  private keptCount = 0;
  private totalCount = 0;
  readonly pops: PopStore[];

  constructor(populations: readonly { name: string; size: number }[], opts: RasterOptions) {
    this.dt = opts.dt;
    this.durationMs = opts.durationMs;
    const binMs = opts.binMs ?? defaultBinMs(opts.durationMs, opts.dt);
    this.binSteps = Math.max(1, Math.round(binMs / opts.dt));
    this.maxPoints = opts.maxPoints ?? 150_000;
    const maxRows = opts.maxRows ?? Infinity;
    const neurons = populations.reduce((a, p) => a + p.size, 0);
    while (neurons / this.stride > maxRows) this.stride *= 2;
    const nBins = Math.max(1, Math.ceil(Math.round(opts.durationMs / opts.dt) / this.binSteps));
    this.pops = populations.map((p) => ({
      name: p.name,
      size: p.size,
      steps: new Int32Array(1024),
      index: new Int32Array(1024),
      kept: 0,
      total: 0,
      bins: new Float64Array(nBins),
    }));
  }

  /** Add the spikes of population `k` (parallel arrays of step and neuron index). */
  add(k: number, steps: ArrayLike<number>, index: ArrayLike<number>, count = steps.length): void {
    const p = this.pops[k];
    const mask = this.stride - 1;
    for (let j = 0; j < count; j++) {
      const s = steps[j];
      const i = index[j];
      const b = Math.floor(s / this.binSteps);
      if (b >= p.bins.length) {
        const nb = new Float64Array(Math.max(b + 1, p.bins.length * 2));
        nb.set(p.bins);
        p.bins = nb;
      }
      p.bins[b]++;
      p.total++;
      this.totalCount++;
      if (s + 1 > this.endStep) this.endStep = s + 1;
      if ((i & mask) !== 0) continue;
      if (p.kept === p.steps.length) {
        const ns = new Int32Array(p.steps.length * 2);
        ns.set(p.steps);
        p.steps = ns;
        const ni = new Int32Array(p.index.length * 2);
        ni.set(p.index);
        p.index = ni;
      }
      p.steps[p.kept] = s;
      p.index[p.kept] = i;
      p.kept++;
      if (++this.keptCount > this.maxPoints) this.thin();
    }
  }

  /** Note the end of the run (steps without spikes count for the rate axis). */
  finish(endStep: number): void {
    if (endStep > this.endStep) this.endStep = endStep;
  }

  /** spike marks kept for the raster */
  get kept(): number {
    return this.keptCount;
  }

  /** every spike added */
  get total(): number {
    return this.totalCount;
  }

  /** Double the stride and drop the marks of the neurons no longer shown. */
  private thin(): void {
    this.stride *= 2;
    const mask = this.stride - 1;
    for (const p of this.pops) {
      let w = 0;
      for (let r = 0; r < p.kept; r++) {
        if ((p.index[r] & mask) === 0) {
          p.steps[w] = p.steps[r];
          p.index[w] = p.index[r];
          w++;
        }
      }
      p.kept = w;
    }
    this.keptCount = this.pops.reduce((a, p) => a + p.kept, 0);
  }
}

export interface FigureMeta {
  /** first line of the figure */
  title: string;
  /** second line (e.g. backend and run time) */
  subtitle?: string;
}

const W = 1000;
const H = 720;
const M = { left: 78, right: 172, top: 62 };
const RASTER_H = 420;
const GAP = 56;
const RATE_H = 130;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Round to 2 decimals for compact coordinates. */
function r2(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

/** "Nice" ticks from 0 (or lo) to hi: about `n` of them at 1, 2, 5 × 10^k. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const e = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * e).find((s) => s >= raw) ?? 10 * e;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return (+v.toPrecision(6)).toString();
}


/** The figure as an SVG document (1000 × 720 user units; taller when the legend needs it). */
export function rasterSvg(c: RasterCollector, meta: FigureMeta): string {
  const out: string[] = [];
  const plotW = W - M.left - M.right;
  const x0 = M.left;
  const yRasterTop = M.top;
  const yRateTop = yRasterTop + RASTER_H + GAP;
  const stepsDrawn = Math.max(Math.round(c.durationMs / c.dt), c.endStep, 1);
  const tMax = stepsDrawn * c.dt;
  const xOf = (tMs: number) => x0 + (tMs / tMax) * plotW;
  const font = `font-family="DejaVu Sans, Verdana, Arial, sans-serif"`;
  // legend in the right margin beside the rate panel: two lines per population, one when many;
  // the figure grows downwards when even that does not fit
  const legendTop = yRateTop + 40;
  const compact = c.pops.length > 4;
  const entryH = compact ? 20 : 34;
  const figH = Math.max(H, Math.ceil(legendTop + c.pops.length * entryH + 8));

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${figH}" viewBox="0 0 ${W} ${figH}" ${font} font-size="12">`,
    `<rect width="${W}" height="${figH}" fill="#ffffff"/>`,
    `<text x="${x0}" y="24" font-size="16" font-weight="bold">${esc(meta.title)}</text>`,
  );
  if (meta.subtitle) out.push(`<text x="${x0}" y="43" fill="#444">${esc(meta.subtitle)}</text>`);

  // --- raster: one band per population, band height proportional to the rows shown (at least 8%)
  const stride = c.stride;
  const rows = c.pops.map((p) => Math.ceil(p.size / stride));
  const minShare = Math.min(0.08, 1 / c.pops.length);
  const totalRows = rows.reduce((a, b) => a + b, 0);
  let shares = rows.map((r) => Math.max(minShare, r / totalRows));
  const sum = shares.reduce((a, b) => a + b, 0);
  shares = shares.map((s) => s / sum);
  // population 0 at the bottom, as neuron indices grow upwards
  let yBottom = yRasterTop + RASTER_H;
  const bands = c.pops.map((p, k) => {
    const h = shares[k] * RASTER_H;
    const band = { top: yBottom - h, bottom: yBottom, h };
    yBottom -= h;
    return band;
  });
  out.push(`<rect x="${x0}" y="${yRasterTop}" width="${plotW}" height="${RASTER_H}" fill="none" stroke="#000" stroke-width="1"/>`);
  c.pops.forEach((p, k) => {
    const b = bands[k];
    const colour = PALETTE[k % PALETTE.length];
    const rowH = b.h / Math.max(1, rows[k]);
    const markH = Math.max(0.7, Math.min(3, rowH));
    const markW = Math.max(1, Math.min(2.5, (c.dt / tMax) * plotW));
    const d: string[] = [];
    for (let j = 0; j < p.kept; j++) {
      const x = xOf(p.steps[j] * c.dt);
      const row = Math.floor(p.index[j] / stride);
      const y = b.bottom - (row + 0.5) * rowH - markH / 2;
      d.push(`M${r2(x)} ${r2(y)}v${r2(markH)}`);
    }
    if (d.length) out.push(`<path d="${d.join('')}" stroke="${colour}" stroke-width="${r2(markW)}" fill="none"/>`);
    if (k > 0) out.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${r2(b.bottom)}" y2="${r2(b.bottom)}" stroke="#999" stroke-width="0.8"/>`);
    // y ticks within the band (local neuron index)
    const nTicks = Math.max(3, Math.floor(b.h / 30));
    // neuron indices (integers), at the centre of their row
    const ticks = niceTicks(0, p.size, nTicks).filter((v) => v < p.size && Number.isInteger(v));
    for (const v of ticks) {
      const y = b.bottom - (Math.floor(v / stride) + 0.5) * rowH;
      // no label crowding the band's top edge (the next band's 0) or its own 0
      if (v !== 0 && (y < b.top + 12 || y > b.bottom - 12)) continue;
      out.push(`<line x1="${x0 - 5}" x2="${x0}" y1="${r2(y)}" y2="${r2(y)}" stroke="#000"/>`);
      out.push(`<text x="${x0 - 8}" y="${r2(y + 4)}" text-anchor="end">${fmt(v)}</text>`);
    }
    // band label on the right
    out.push(
      `<text x="${x0 + plotW + 8}" y="${r2((b.top + b.bottom) / 2 + 4)}" fill="${colour}" font-weight="bold">${esc(p.name)}</text>`,
    );
  });
  out.push(
    `<text transform="translate(20 ${yRasterTop + RASTER_H / 2}) rotate(-90)" text-anchor="middle">neuron index</text>`,
  );

  // --- rates: binned per population, Hz
  const binMs = c.binSteps * c.dt;
  const nBins = Math.ceil(c.endStep / c.binSteps);
  const rates = c.pops.map((p) => {
    const r = new Float64Array(nBins);
    for (let b = 0; b < nBins; b++) {
      const stepsIn = Math.min(c.binSteps, c.endStep - b * c.binSteps);
      r[b] = stepsIn > 0 ? ((p.bins[b] ?? 0) * 1000) / (p.size * stepsIn * c.dt) : 0;
    }
    return r;
  });
  let rMax = 0;
  for (const r of rates) for (const v of r) rMax = Math.max(rMax, v);
  let yTicks = niceTicks(0, rMax > 0 ? rMax : 1, 4);
  const yStep = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  while (yTicks[yTicks.length - 1] < rMax) yTicks = [...yTicks, yTicks[yTicks.length - 1] + yStep];
  const rTop = yTicks[yTicks.length - 1] || 1;
  const yOfRate = (v: number) => yRateTop + RATE_H - (v / rTop) * RATE_H;
  out.push(`<rect x="${x0}" y="${yRateTop}" width="${plotW}" height="${RATE_H}" fill="none" stroke="#000" stroke-width="1"/>`);
  for (const v of yTicks) {
    const y = yOfRate(v);
    out.push(`<line x1="${x0 - 5}" x2="${x0}" y1="${r2(y)}" y2="${r2(y)}" stroke="#000"/>`);
    out.push(`<text x="${x0 - 8}" y="${r2(y + 4)}" text-anchor="end">${fmt(v)}</text>`);
    if (v > 0) out.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${r2(y)}" y2="${r2(y)}" stroke="#ddd" stroke-width="0.6"/>`);
  }
  rates.forEach((r, k) => {
    if (nBins === 0) return;
    const pts: string[] = [];
    for (let b = 0; b < nBins; b++) {
      const t0 = b * binMs;
      const t1 = Math.min((b + 1) * binMs, c.endStep * c.dt);
      const y = r2(yOfRate(r[b]));
      pts.push(`${r2(xOf(t0))},${y}`, `${r2(xOf(t1))},${y}`);
    }
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="1.3"/>`);
  });
  out.push(
    `<text transform="translate(20 ${yRateTop + RATE_H / 2}) rotate(-90)" text-anchor="middle">rate (Hz)</text>`,
    `<text x="${x0 + plotW + 8}" y="${yRateTop + 14}" fill="#444">bin ${fmt(+binMs.toPrecision(6))} ms</text>`,
  );

  // --- shared time axis ticks (on both panels), label under the rate panel
  for (const v of niceTicks(0, tMax, 8)) {
    const x = xOf(v);
    for (const yb of [yRasterTop + RASTER_H, yRateTop + RATE_H]) out.push(`<line x1="${r2(x)}" x2="${r2(x)}" y1="${yb}" y2="${yb + 5}" stroke="#000"/>`);
    out.push(`<text x="${r2(x)}" y="${yRasterTop + RASTER_H + 18}" text-anchor="middle">${fmt(v)}</text>`);
    out.push(`<text x="${r2(x)}" y="${yRateTop + RATE_H + 18}" text-anchor="middle">${fmt(v)}</text>`);
  }
  out.push(`<text x="${x0 + plotW / 2}" y="${yRateTop + RATE_H + 40}" text-anchor="middle">time (ms)</text>`);
  if (c.endStep < Math.round(c.durationMs / c.dt)) {
    const x = xOf(c.endStep * c.dt);
    out.push(
      `<line x1="${r2(x)}" x2="${r2(x)}" y1="${yRasterTop}" y2="${yRateTop + RATE_H}" stroke="#000" stroke-dasharray="4 3"/>`,
      `<text x="${r2(x - 4)}" y="${yRasterTop + 14}" text-anchor="end" fill="#000">stopped at ${fmt(+(c.endStep * c.dt).toPrecision(6))} ms</text>`,
    );
  }

  // --- legend (top right) and the subsampling note
  const lx = x0 + plotW + 24;
  let ly = legendTop;
  out.push(`<text x="${lx - 6}" y="${ly - 8}" font-weight="bold">populations</text>`);
  c.pops.forEach((p, k) => {
    const T = c.endStep * c.dt;
    const mean = T > 0 ? (p.total * 1000) / (p.size * T) : 0;
    out.push(`<rect x="${lx - 6}" y="${ly}" width="12" height="12" fill="${PALETTE[k % PALETTE.length]}"/>`);
    if (compact) out.push(`<text x="${lx + 12}" y="${ly + 10}" font-size="10.5">${esc(p.name)} (${grouped(p.size)}) ${+mean.toPrecision(3)} Hz</text>`);
    else
      out.push(
        `<text x="${lx + 12}" y="${ly + 10}">${esc(p.name)} (${grouped(p.size)})</text>`,
        `<text x="${lx + 12}" y="${ly + 24}" fill="#444" font-size="11">${mean.toFixed(2)} Hz mean</text>`,
      );
    ly += entryH;
  });
  const total = c.total;
  if (stride > 1) {
    out.push(
      `<text x="${x0 + plotW}" y="${yRasterTop - 6}" text-anchor="end" fill="#b00000">raster subsampled: every ${stride === 2 ? '2nd' : `${stride}th`} neuron shown ` +
        `(${grouped(c.kept)} of ${grouped(total)} spikes); rates use every spike</text>`,
    );
  } else {
    out.push(`<text x="${x0 + plotW}" y="${yRasterTop - 6}" text-anchor="end" fill="#444">${grouped(total)} spikes</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
