/**
 * The report of a run of a model on a sheet (`axonal analyze <model.json> --spikes out/spikes.csv`):
 * per population the mean rate, the ISI CV and the silent fraction; per layer (E and I together) the
 * rate over time and its power spectrum (Welch); figures: raster ordered by column and layer,
 * population rates, spectra, and heat maps of the rate per column at a few moments.
 * Writes report.json, report.md and SVG (+ PNG) figures into the output directory.
 */
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSpec } from '../core/types.ts';
import { readModelFile, ModelFileError } from '../io/model-file.ts';
import { SheetActivity, layerGroups, layerOf, type SheetPopulation } from './sheet.ts';
import { welch, peakFrequency, bandPower, bandPeaks, BANDS, floorPow2, type Spectrum } from './spectrum.ts';
import { meanStd, median } from './rates.ts';
import { columnRasterSvg, linePanelsSvg, sheetMapsSvg } from '../plot/sheet.ts';
import { PALETTE } from '../plot/raster.ts';
import { importExternal } from '../core/import.ts';

/**
 * The populations of a model as sheet populations (a population without a sheet is one column), with
 * the neurons its spike monitors record, as `axonal run` writes them: every neuron when a monitor of
 * the population records all of them or when the model has no spike monitor at all (`axonal run`
 * then records every spike), none when only other populations have one, else the union of the
 * monitors' `neurons`. (A spike from outside that set, as `--record all` gives, makes SheetActivity
 * count the population as fully recorded.)
 */
export function sheetPopulations(spec: ModelSpec): SheetPopulation[] {
  const monitors = (spec.monitors ?? []).filter((m) => m.type === 'spikes') as { population: string; neurons?: ArrayLike<number> }[];
  return spec.populations.map((p) => {
    const mine = monitors.filter((m) => m.population === p.name);
    let recorded: number[] | undefined;
    if (monitors.length > 0 && mine.length === 0) recorded = [];
    else if (mine.length > 0 && mine.every((m) => m.neurons !== undefined)) {
      const set = new Set<number>();
      for (const m of mine) for (let j = 0; j < m.neurons!.length; j++) set.add(m.neurons![j]);
      recorded = [...set].sort((a, b) => a - b);
    }
    return {
      name: p.name,
      size: p.size,
      columnsX: p.sheet?.columns_x ?? 1,
      columnsY: p.sheet?.columns_y ?? 1,
      spacing: p.sheet?.spacing,
      ...(recorded ? { recorded } : {}),
    };
  });
}

export interface PopulationStats {
  name: string;
  rate_hz: number;
  cv_mean: number;
  cv_median: number;
  /** neurons with at least 3 spikes (those with a CV) */
  cv_neurons: number;
  /** of the recorded neurons */
  silent_fraction: number;
  /** neurons whose spikes were recorded (the rates are per recorded neuron) */
  recorded: number;
}

export interface LayerStats {
  layer: string;
  populations: string[];
  rate_hz: number;
  /** std of the binned layer rate over time, spikes/s (synchrony: large against the mean when synchronous) */
  rate_std_hz: number;
  peak_hz: number;
  /** fraction of the power above 1 Hz in each band */
  bands: Record<string, number>;
  /**
   * per band, the frequency of its largest spectral power and that power relative to the floor,
   * the median power between 2 and 100 Hz (a rhythm stands out as a ratio well above 1; a flat,
   * Poisson-like spectrum gives ratios of 1–3)
   */
  band_peaks: Record<string, { hz: number; rel_floor: number }>;
}

/**
 * Travelling activity across the sheet: for pairs of columns, the lag (within ±50 ms) at which the
 * cross-covariance of their cortical rates peaks, against their distance (the shortest way on the torus
 * unless `periodic: false`).
 * A wave of speed v gives |lag| = d/v, so the slope of |lag| over d is 1/v; synchronous activity
 * gives lags near 0 at every distance (slope ~0, no wave), independent columns lags that do not grow
 * with distance (r ~0).
 */
export interface WaveStats {
  pairs: number;
  bin_ms: number;
  /** least-squares slope of |lag| (ms) over distance (mm), through the origin */
  slope_ms_per_mm: number;
  /** 1/slope in m/s (= mm/ms); Infinity when the slope is <= 0 */
  speed_m_per_s: number;
  /** Pearson correlation of |lag| and distance over the pairs */
  r: number;
  by_distance: { mm: number; mean_abs_lag_ms: number; pairs: number }[];
}

/** waveStats of the activity's per-column cortical rates, or null without them (one column, or none kept). */
export function waveStats(act: SheetActivity, opts: { maxPairs?: number; maxLagMs?: number; seed?: number; periodic?: boolean } = {}): WaveStats | null {
  const B = act.colBins;
  const p0 = act.pops[0];
  if (!B || !p0) return null;
  const cx = p0.columnsX, cy = p0.columnsY, C = cx * cy, n = act.nColBins;
  const spacing = p0.spacing ?? 100;
  const L = Math.max(1, Math.round((opts.maxLagMs ?? 50) / act.colBinMs));
  // columns with recorded spikes, their series centred
  const live: number[] = [];
  const series = new Map<number, Float64Array>();
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let b = 0; b < n; b++) sum += B[c * n + b];
    if (sum === 0) continue;
    const m = sum / n;
    const x = new Float64Array(n);
    for (let b = 0; b < n; b++) x[b] = B[c * n + b] - m;
    live.push(c);
    series.set(c, x);
  }
  if (live.length < 2 || n <= 2 * L) return null;
  const dist = (a: number, b: number) => {
    let dx = Math.abs((a % cx) - (b % cx)), dy = Math.abs(Math.floor(a / cx) - Math.floor(b / cx));
    if (opts.periodic ?? true) {
      dx = Math.min(dx, cx - dx);
      dy = Math.min(dy, cy - dy);
    }
    return (Math.hypot(dx, dy) * spacing) / 1000; // mm
  };
  // pairs: all, or a deterministic sample (xorshift)
  const maxPairs = opts.maxPairs ?? 3000;
  const all = (live.length * (live.length - 1)) / 2;
  let st = (opts.seed ?? 12345) >>> 0 || 1;
  const rnd = () => ((st ^= st << 13), (st ^= st >>> 17), (st ^= st << 5), (st >>> 0) / 4294967296);
  const pairs: [number, number][] = [];
  if (all <= maxPairs) for (let i = 0; i < live.length; i++) for (let j = i + 1; j < live.length; j++) pairs.push([live[i], live[j]]);
  else
    while (pairs.length < maxPairs) {
      const i = Math.floor(rnd() * live.length), j = Math.floor(rnd() * live.length);
      if (i !== j) pairs.push([live[i], live[j]]);
    }
  const ds: number[] = [], lags: number[] = [];
  for (const [a, b] of pairs) {
    const x = series.get(a)!, y = series.get(b)!;
    let best = -Infinity, bestLag = 0;
    for (let l = -L; l <= L; l++) {
      let s = 0;
      const lo = Math.max(0, -l), hi = Math.min(n, n - l);
      for (let t = lo; t < hi; t++) s += x[t] * y[t + l];
      if (s > best || (s === best && Math.abs(l) < Math.abs(bestLag))) [best, bestLag] = [s, l];
    }
    ds.push(dist(a, b));
    lags.push(Math.abs(bestLag) * act.colBinMs);
  }
  let sxy = 0, sxx = 0;
  for (let k = 0; k < ds.length; k++) [sxy, sxx] = [sxy + ds[k] * lags[k], sxx + ds[k] * ds[k]];
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const md = ds.reduce((a, b) => a + b, 0) / ds.length, ml = lags.reduce((a, b) => a + b, 0) / lags.length;
  let cxy = 0, cxx = 0, cyy = 0;
  for (let k = 0; k < ds.length; k++) [cxy, cxx, cyy] = [cxy + (ds[k] - md) * (lags[k] - ml), cxx + (ds[k] - md) ** 2, cyy + (lags[k] - ml) ** 2];
  const r = cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : 0;
  // mean |lag| per distance bin of one spacing
  const step = spacing / 1000;
  const groups = new Map<number, { s: number; n: number }>();
  ds.forEach((d, k) => {
    const g = Math.round(d / step);
    const e = groups.get(g) ?? { s: 0, n: 0 };
    e.s += lags[k];
    e.n++;
    groups.set(g, e);
  });
  const by_distance = [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([g, e]) => ({ mm: +(g * step).toFixed(6), mean_abs_lag_ms: e.s / e.n, pairs: e.n }));
  return { pairs: ds.length, bin_ms: act.colBinMs, slope_ms_per_mm: slope, speed_m_per_s: slope > 0 ? 1 / slope : Infinity, r, by_distance };
}

/**
 * Travelling waves as events: population bursts of the cortex (up states) and, for each, the time
 * at which every column's activity rises (its onset map), with the speed at which the onset spreads
 * from the column where it rose first.
 *
 * Each column's cortical rate (act.colBins) is smoothed over `smoothMs`. A burst is a stretch of at
 * least `minMs` in which the sheet's mean smoothed rate exceeds `factor` times its median over the
 * whole window (asynchronous activity hardly ever does). A column rose in a burst when its smoothed
 * rate peaks, between `leadMs` before the burst's start and `leadMs` after its end, above `factor`
 * times its own median (the sheet's median where that is 0); its onset is the first bin from which
 * it stays above half-way between that median and its peak for `smoothMs` (the half-maximum
 * latency, which the noise of a column's few neurons hardly reaches). The burst's sites are the
 * columns whose onset (averaged over 3 x 3 columns) is the earliest within `siteMm` along each axis: on a large sheet
 * a burst rises in several places at once, and its fronts meet. The speed is 1/k for the
 * least-squares slope k, through zero, of each column's delay after its nearest site over its
 * distance from it (mm, on the torus unless `periodic: false`): m/s (= mm/ms). A wave gives delays
 * that grow with distance (r near 1) at a finite speed; a burst that rises everywhere at once gives
 * delays that do not (r near 0), from many sites.
 */
export interface WaveEvent {
  /** the burst's start (ms) */
  t_ms: number;
  duration_ms: number;
  /** the column that rose first, and its x, y on the grid */
  origin: { column: number; x: number; y: number };
  /** where the burst rose: the columns that rose earliest within `siteMm` along each axis (onsets over 3 x 3 columns) */
  sites: { x: number; y: number }[];
  /** columns with an onset in the burst */
  columns: number;
  /** latest onset minus earliest (ms) */
  spread_ms: number;
  /** 1/k for the least-squares slope k (ms per mm, through 0) of each column's delay after its nearest site over the distance to it */
  speed_m_per_s: number;
  /** Pearson correlation of those delays and distances */
  r: number;
  /** per column, its onset minus the origin's (ms), NaN where the column did not rise */
  onset_ms: Float64Array;
}

export interface WaveEvents {
  bin_ms: number;
  smooth_ms: number;
  events: WaveEvent[];
  /** the events in which at least half the columns rose and r >= 0.5: waves */
  travelling: number;
  /** median speed of those (m/s), null without any */
  speed_m_per_s: number | null;
}

export function waveEvents(
  act: SheetActivity,
  opts: { smoothMs?: number; factor?: number; minMs?: number; leadMs?: number; siteMm?: number; periodic?: boolean } = {},
): WaveEvents | null {
  const B = act.colBins;
  const p0 = act.pops[0];
  if (!B || !p0) return null;
  const cx = p0.columnsX, cy = p0.columnsY, C = cx * cy, n = act.nColBins, dt = act.colBinMs;
  if (C < 2 || n < 4) return null;
  const spacing = p0.spacing ?? 100;
  const smoothMs = opts.smoothMs ?? 10, factor = opts.factor ?? 2, minMs = opts.minMs ?? 20, leadMs = opts.leadMs ?? 200, siteMm = opts.siteMm ?? 0.5;
  const w = Math.max(1, Math.round(smoothMs / dt));
  // per column, its counts smoothed by a centred boxcar of w bins
  const sm = new Float64Array(C * n);
  for (let c = 0; c < C; c++) {
    let acc = 0;
    const lo = Math.floor((w - 1) / 2);
    for (let b = 0; b < n + lo; b++) {
      if (b < n) acc += B[c * n + b];
      if (b - w >= 0) acc -= B[c * n + b - w];
      const at = b - lo;
      if (at >= 0 && at < n) sm[c * n + at] = acc / w;
    }
  }
  const sheet = new Float64Array(n);
  for (let c = 0; c < C; c++) for (let b = 0; b < n; b++) sheet[b] += sm[c * n + b] / C;
  const sheetMedian = median(sheet);
  const colMedian = Array.from({ length: C }, (_, c) => median(sm.subarray(c * n, (c + 1) * n)));
  const dist = (a: number, b: number) => {
    let dx = Math.abs((a % cx) - (b % cx)), dy = Math.abs(Math.floor(a / cx) - Math.floor(b / cx));
    if (opts.periodic ?? true) {
      dx = Math.min(dx, cx - dx);
      dy = Math.min(dy, cy - dy);
    }
    return (Math.hypot(dx, dy) * spacing) / 1000;
  };
  const events: WaveEvent[] = [];
  const gate = factor * sheetMedian;
  for (let b = 0; b < n; ) {
    if (!(sheet[b] > gate) || sheetMedian <= 0) {
      b++;
      continue;
    }
    const start = b;
    while (b < n && sheet[b] > gate) b++;
    const end = b;
    if ((end - start) * dt < minMs) continue;
    const from = Math.max(0, start - Math.round(leadMs / dt));
    const onset = new Float64Array(C).fill(NaN);
    const to = Math.min(n, end + Math.round(leadMs / dt));
    for (let c = 0; c < C; c++) {
      const base = colMedian[c] > 0 ? colMedian[c] : sheetMedian;
      let peak = 0;
      for (let q = from; q < to; q++) peak = Math.max(peak, sm[c * n + q]);
      if (!(peak > factor * base)) continue; // this column did not rise
      const thr = base + 0.5 * (peak - base);
      let run = 0; // bins above the threshold: a column must stay there for smoothMs (w bins)
      for (let q = from; q < to; q++) {
        run = sm[c * n + q] > thr ? run + 1 : 0;
        if (run === w) {
          onset[c] = (q - w + 1) * dt;
          break;
        }
      }
    }
    let origin = -1;
    for (let c = 0; c < C; c++) if (onset[c] === onset[c] && (origin < 0 || onset[c] < onset[origin])) origin = c;
    if (origin < 0) continue;
    const t0 = onset[origin];
    // the sites where the burst rose: columns whose onset, averaged over their 3 x 3 neighbourhood,
    // is the earliest within `siteMm` along each axis (a square: a disc of that radius let noise in
    // the onsets make sites of their own), as a burst may rise in several places of a large sheet at once
    const at = (x: number, y: number) => {
      if (opts.periodic ?? true) return ((y + cy) % cy) * cx + ((x + cx) % cx);
      return x < 0 || y < 0 || x >= cx || y >= cy ? -1 : y * cx + x;
    };
    const smooth = new Float64Array(C).fill(NaN);
    for (let c = 0; c < C; c++) {
      if (onset[c] !== onset[c]) continue;
      let a = 0, k = 0;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const q = at((c % cx) + dx, Math.floor(c / cx) + dy);
          if (q >= 0 && onset[q] === onset[q]) (a += onset[q], k++);
        }
      smooth[c] = a / k;
    }
    const R = Math.max(1, Math.round((siteMm * 1000) / spacing));
    const sites: number[] = [];
    for (let c = 0; c < C; c++) {
      if (smooth[c] !== smooth[c]) continue;
      let earliest = true;
      for (let dy = -R; dy <= R && earliest; dy++)
        for (let dx = -R; dx <= R; dx++) {
          const q = at((c % cx) + dx, Math.floor(c / cx) + dy);
          if (q < 0 || q === c || smooth[q] !== smooth[q]) continue;
          if (smooth[q] < smooth[c] || (smooth[q] === smooth[c] && q < c)) {
            earliest = false;
            break;
          }
        }
      if (earliest) sites.push(c);
    }
    // each column's delay after the site nearest to it (its own site's onset: the earliest column
    // of the site's neighbourhood), against its distance from that site
    const siteOnset = sites.map((c) => {
      let t = onset[c];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const q = at((c % cx) + dx, Math.floor(c / cx) + dy);
          if (q >= 0 && onset[q] === onset[q]) t = Math.min(t, onset[q]);
        }
      return t;
    });
    let sxy = 0, sxx = 0, m = 0, sd = 0, st = 0, latest = t0;
    const ds: number[] = [], ts: number[] = [];
    const delay = new Float64Array(C).fill(NaN);
    for (let c = 0; c < C; c++) {
      if (onset[c] !== onset[c]) continue;
      let best = 0, bd = Infinity;
      sites.forEach((q, k) => {
        const d0 = dist(q, c);
        if (d0 < bd) [bd, best] = [d0, k];
      });
      const d = bd, t = onset[c] - siteOnset[best];
      delay[c] = onset[c] - t0;
      ds.push(d);
      ts.push(t);
      sxy += d * t;
      sxx += d * d;
      sd += d;
      st += t;
      m++;
      latest = Math.max(latest, onset[c]);
    }
    const md = sd / m, mt = st / m;
    let cxy = 0, cxx = 0, cyy = 0;
    for (let k = 0; k < m; k++) [cxy, cxx, cyy] = [cxy + (ds[k] - md) * (ts[k] - mt), cxx + (ds[k] - md) ** 2, cyy + (ts[k] - mt) ** 2];
    const slope = sxx > 0 ? sxy / sxx : 0;
    events.push({
      t_ms: act.t0 + start * dt,
      duration_ms: (end - start) * dt,
      origin: { column: origin, x: origin % cx, y: Math.floor(origin / cx) },
      sites: sites.map((c) => ({ x: c % cx, y: Math.floor(c / cx) })),
      columns: m,
      spread_ms: latest - t0,
      speed_m_per_s: slope > 0 ? 1 / slope : Infinity,
      r: cxx > 0 && cyy > 0 ? cxy / Math.sqrt(cxx * cyy) : 0,
      onset_ms: delay,
    });
  }
  const waves = events.filter((e) => e.columns >= C / 2 && e.r >= 0.5 && Number.isFinite(e.speed_m_per_s));
  return { bin_ms: dt, smooth_ms: w * dt, events, travelling: waves.length, speed_m_per_s: waves.length ? median(waves.map((e) => e.speed_m_per_s)) : null };
}

export interface SheetReport {
  window_ms: [number, number];
  bin_ms: number;
  populations: PopulationStats[];
  layers: LayerStats[];
  spectra: Record<string, Spectrum>;
  rates: Record<string, Float64Array>;
  /** travelling activity across the sheet (null for one column) */
  waves: WaveStats | null;
  /** bursts of the cortex and how their onset spreads over the sheet (null for one column) */
  wave_events: WaveEvents | null;
}

/** Statistics and spectra from the collected activity. */
export function sheetReport(act: SheetActivity): SheetReport {
  const populations: PopulationStats[] = act.pops.map((p, k) => {
    const cvs = act.isi[k].cvs(3);
    return {
      name: p.name,
      rate_hz: act.meanRate(k),
      cv_mean: meanStd(cvs).mean,
      cv_median: median(cvs),
      cv_neurons: cvs.length,
      silent_fraction: act.silentFraction(k),
      recorded: act.nRecorded[k],
    };
  });
  const fs = 1000 / act.binMs;
  // segments of ~512 ms (at least 4 per run when possible) for a resolution of ~2 Hz
  const seg = floorPow2(Math.max(2, Math.min(act.nBins, Math.round(512 / act.binMs))));
  const spectra: Record<string, Spectrum> = {};
  const rates: Record<string, Float64Array> = {};
  const layers: LayerStats[] = layerGroups(act.pops).map(({ layer, ks }) => {
    const r = act.groupRate(ks);
    rates[layer] = r;
    const ms = meanStd(r);
    const sp = welch(r, fs, { segment: Math.min(seg, floorPow2(r.length)) });
    spectra[layer] = sp;
    return {
      layer,
      populations: ks.map((k) => act.pops[k].name),
      rate_hz: ms.mean,
      rate_std_hz: ms.std,
      peak_hz: peakFrequency(sp, 2, fs / 2).freq,
      bands: bandPower(sp, BANDS),
      band_peaks: bandPeaks(sp),
    };
  });
  return { window_ms: [act.t0, act.t1], bin_ms: act.binMs, populations, layers, spectra, rates, waves: waveStats(act), wave_events: waveEvents(act) };
}

const f2 = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** report.md */
export function reportMarkdown(title: string, rep: SheetReport): string {
  const lines = [`# ${title}`, '', `Window ${rep.window_ms[0]}–${rep.window_ms[1]} ms, rate bins ${rep.bin_ms} ms.`, ''];
  lines.push('| population | recorded | rate (spikes/s) | ISI CV mean | ISI CV median | neurons with CV | silent |', '|---|---|---|---|---|---|---|');
  for (const p of rep.populations)
    lines.push(`| ${p.name} | ${p.recorded} | ${f2(p.rate_hz)} | ${f2(p.cv_mean)} | ${f2(p.cv_median)} | ${p.cv_neurons} | ${(100 * p.silent_fraction).toFixed(1)} % |`);
  lines.push('', '| layer | rate (spikes/s) | SD of binned rate | spectral peak (Hz) | ' + Object.keys(BANDS).join(' | ') + ' |');
  lines.push('|---|---|---|---|' + Object.keys(BANDS).map(() => '---|').join(''));
  for (const l of rep.layers)
    lines.push(`| ${l.layer} | ${f2(l.rate_hz)} | ${f2(l.rate_std_hz)} | ${f2(l.peak_hz, 1)} | ` + Object.keys(BANDS).map((b) => `${(100 * l.bands[b]).toFixed(0)} %`).join(' | ') + ' |');
  lines.push('', 'Band columns: share of the spectral power above 1 Hz (delta 1–4, theta 4–8, alpha 8–13, beta 13–30, gamma 30–80, high > 80 Hz).', '');
  const named = Object.keys(BANDS).filter((b) => b !== 'high');
  lines.push('| layer | ' + named.map((b) => `${b} peak`).join(' | ') + ' |', '|---|' + named.map(() => '---|').join(''));
  for (const l of rep.layers)
    lines.push(`| ${l.layer} | ` + named.map((b) => `${f2(l.band_peaks[b].hz, 1)} Hz, ${f2(l.band_peaks[b].rel_floor, 1)}×`).join(' | ') + ' |');
  lines.push('', 'Band peaks: the frequency of the largest power in the band and that power over the floor (the median power between 2 and 100 Hz): a rhythm stands well above 1×, a flat spectrum gives 1–3×.', '');
  const w = rep.waves;
  if (w) {
    lines.push(
      `Travelling activity (cortex, ${w.bin_ms} ms bins per column, ${w.pairs} column pairs): |lag| of the peak cross-covariance ` +
        `grows by ${f2(w.slope_ms_per_mm)} ms per mm of distance (r = ${f2(w.r)}): ` +
        (w.slope_ms_per_mm > 0 ? `a speed of ${f2(w.speed_m_per_s)} m/s.` : 'no travelling wave.'),
      '',
      '| distance (mm) | ' + w.by_distance.map((b) => f2(b.mm)).join(' | ') + ' |',
      '|---|' + w.by_distance.map(() => '---|').join(''),
      '| mean \\|lag\\| (ms) | ' + w.by_distance.map((b) => f2(b.mean_abs_lag_ms, 1)).join(' | ') + ' |',
      '',
    );
  }
  const e = rep.wave_events;
  if (e) {
    lines.push(
      `Waves as events (cortex, ${e.bin_ms} ms bins smoothed over ${e.smooth_ms} ms): ${e.events.length} bursts of the sheet's rate; ` +
        `${e.travelling} spread over at least half the sheet from where they rose, with onset delays growing with distance (r ≥ 0.5)` +
        (e.speed_m_per_s !== null ? `, at a median speed of ${f2(e.speed_m_per_s, 3)} m/s.` : '.'),
      '',
    );
    if (e.events.length) {
      lines.push('| start (ms) | duration (ms) | first column (x, y) | sites | columns | spread (ms) | speed (m/s) | r |', '|---|---|---|---|---|---|---|---|');
      for (const v of e.events.slice(0, 20))
        lines.push(`| ${f2(v.t_ms, 0)} | ${f2(v.duration_ms, 0)} | ${v.origin.x}, ${v.origin.y} | ${v.sites.length} | ${v.columns} | ${f2(v.spread_ms, 0)} | ${f2(v.speed_m_per_s, 3)} | ${f2(v.r)} |`);
      if (e.events.length > 20) lines.push(`| … ${e.events.length - 20} more | | | | | | | |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** The four figures of a report (five with waves.svg, the onset maps of up to three bursts), as SVG strings. */
export function reportFigures(title: string, act: SheetActivity, rep: SheetReport): Record<string, string> {
  const p0 = act.pops[0];
  const layers = layerGroups(act.pops);
  const t = Array.from({ length: act.nBins }, (_, j) => act.t0 + (j + 0.5) * act.binMs);
  const rasterT1 = Math.min(act.t1, act.t0 + 500);
  const raster = columnRasterSvg(act, {
    title: `${title}: raster by column and layer`,
    subtitle: `columns ${act.rasterColumns.length} of the middle row; ${act.t0}–${rasterT1} ms`,
    t1: rasterT1,
  });
  const rates = linePanelsSvg({
    title: `${title}: population rates`,
    subtitle: `per layer (E and I), ${act.binMs} ms bins`,
    panels: layers.map(({ layer, ks }) => ({ title: layer, series: ks.map((k) => ({ name: act.pops[k].name, x: t, y: act.rate(k), color: PALETTE[k % PALETTE.length] })) })),
    xlabel: 'time (ms)',
    ylabel: 'rate (spikes/s)',
    panelHeight: 90,
  });
  const spectrum = linePanelsSvg({
    title: `${title}: power spectrum of each layer's rate`,
    subtitle: `Welch, Hann window, ${rep.spectra[layers[0].layer].segment * act.binMs} ms segments, 50 % overlap`,
    panels: [{ series: layers.map(({ layer }, k) => ({ name: layer, x: rep.spectra[layer].freqs, y: rep.spectra[layer].power, color: PALETTE[k % PALETTE.length] })) }],
    xlabel: 'frequency (Hz)',
    ylabel: 'power ((spikes/s)²/Hz)',
    xrange: [1, Math.min(200, 500 / act.binMs)],
    logY: true,
    panelHeight: 300,
  });
  const cortical = act.pops.map((p, k) => (layerOf(p.name) === 'thalamus' ? -1 : k)).filter((k) => k >= 0);
  const ks = cortical.length ? cortical : act.pops.map((_, k) => k);
  const maps = sheetMapsSvg({
    title: `${title}: rate per column`,
    subtitle: `${ks.length === act.pops.length ? 'all populations' : 'cortex (all layers)'}, ${act.frameMs} ms windows`,
    maps: act.frames.map((s, f) => ({ title: `${s}–${+(s + act.frameMs).toFixed(6)} ms`, values: act.frameRates(f, ks) })),
    columnsX: p0.columnsX,
    columnsY: p0.columnsY,
    label: 'spikes/s',
  });
  const figs: Record<string, string> = { raster, rates, spectrum, sheet: maps };
  const ev = rep.wave_events?.events ?? [];
  if (ev.length) {
    // the bursts that spread over most columns, travelling ones first
    const shown = ev
      .map((e, k) => ({ e, k }))
      .sort((a, b) => Number(b.e.r >= 0.5) - Number(a.e.r >= 0.5) || b.e.columns - a.e.columns || a.k - b.k)
      .slice(0, 3)
      .sort((a, b) => a.k - b.k)
      .map(({ e }) => e);
    figs.waves = sheetMapsSvg({
      title: `${title}: onset of the cortex's bursts`,
      subtitle: 'per column, ms after the first column rose (grey: did not rise)',
      maps: shown.map((e) => ({ title: `${f2(e.t_ms, 0)} ms: ${Number.isFinite(e.speed_m_per_s) ? `${f2(e.speed_m_per_s, 3)} m/s` : 'no spread'}, r ${f2(e.r)}`, values: e.onset_ms })),
      columnsX: p0.columnsX,
      columnsY: p0.columnsY,
      label: 'ms',
    });
  }
  return figs;
}

export interface AnalyzeOptions {
  spikes: string;
  out: string;
  bin: number;
  frame: number;
  frames?: string;
  t0: number;
  /** ms; default the model's duration */
  duration?: number;
  png: boolean;
}

/** `axonal analyze`: read the model and spikes.csv, write the report and its figures; returns the files written. */
export async function analyzeCommand(modelPath: string, o: AnalyzeOptions): Promise<string[]> {
  const spec = readModelFile(modelPath);
  if (!Array.isArray(spec.populations)) throw new ModelFileError(`${modelPath}: no populations`);
  const pops = sheetPopulations(spec);
  const index = new Map(pops.map((p, k) => [p.name, k]));
  // first pass is the only pass: buffer per population in chunks
  const chunkI: number[][] = pops.map(() => []);
  const chunkT: number[][] = pops.map(() => []);
  let tMax = 0;
  const duration = o.duration ?? (typeof spec.duration === 'number' ? spec.duration : 1000);
  const frames = o.frames ? o.frames.split(',').map((x) => Number(x)) : undefined;
  if (frames?.some((x) => !Number.isFinite(x))) throw new ModelFileError(`--frames: expected comma-separated times in ms, got "${o.frames}"`);
  let act: SheetActivity | null = null;
  // the run's length is not in spikes.csv: use the model's duration, or the last spike if later
  const make = (t1: number) => new SheetActivity(pops, { t0: o.t0, t1, binMs: o.bin, frameMs: o.frame, frames });
  act = make(duration);
  let line = 0;
  let pending = 0;
  const flush = () => {
    pops.forEach((_, k) => {
      act!.add(k, chunkI[k], chunkT[k]);
      chunkI[k] = [];
      chunkT[k] = [];
    });
    pending = 0;
  };
  // spikes.csv as RFC 4180 CSV (csv-parse; loaded here only: the library does not need it)
  const { parse } = await importExternal<typeof import('csv-parse')>('csv-parse');
  const input = createReadStream(o.spikes);
  const rows = input.pipe(parse({ skip_empty_lines: true, info: true }));
  input.on('error', (e) => rows.destroy(e));
  try {
    for await (const { record: rec, info } of rows as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      line = info.lines;
      if (line === 1) {
        if (rec.join(',') !== 't_ms,population,index') throw new ModelFileError(`${o.spikes}: expected the header t_ms,population,index of axonal's spikes.csv, got "${rec.join(',')}"`);
        continue;
      }
      const t = Number(rec[0]);
      const i = Number(rec[2]);
      if (!Number.isFinite(t) || !Number.isInteger(i)) throw new ModelFileError(`${o.spikes}:${line}: expected t_ms (a number) and index (an integer), got "${rec.join(',')}"`);
      const k = index.get(rec[1]);
      if (k === undefined) throw new ModelFileError(`${o.spikes}:${line}: population "${rec[1]}" is not in ${modelPath}`);
      chunkT[k].push(t);
      chunkI[k].push(i);
      if (t > tMax) tMax = t;
      if (++pending >= 100_000) flush();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelFileError(`${o.spikes}: no such file (run the model with --out first)`);
    if ((e as { code?: string }).code?.startsWith('CSV_')) throw new ModelFileError(`${o.spikes}: not a CSV file of 3 fields: ${(e as Error).message}`);
    throw e;
  }
  flush();
  if (tMax >= act.t1) process.stderr.write(`axonal: spikes after ${duration} ms (the model's duration, or --duration) were left out\n`);
  const rep = sheetReport(act);
  const title = spec.name || modelPath;
  mkdirSync(o.out, { recursive: true });
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    writeFileSync(join(o.out, name), data);
    written.push(join(o.out, name));
  };
  write('report.md', reportMarkdown(title, rep));
  write(
    'report.json',
    JSON.stringify(
      {
        model: title,
        window_ms: rep.window_ms,
        bin_ms: rep.bin_ms,
        populations: rep.populations,
        layers: rep.layers,
        spectra: Object.fromEntries(Object.entries(rep.spectra).map(([l, s]) => [l, { freqs_hz: Array.from(s.freqs), power: Array.from(s.power, (x) => +x.toPrecision(5)) }])),
        waves: rep.waves,
        wave_events: rep.wave_events && { ...rep.wave_events, events: rep.wave_events.events.map(({ onset_ms: _, ...e }) => e) },
      },
      null,
      1,
    ) + '\n',
  );
  const figs = reportFigures(title, act, rep);
  const png = o.png ? await import('../plot/png.ts') : null;
  let pngs = !!png;
  for (const [name, svg] of Object.entries(figs)) {
    write(`${name}.svg`, svg);
    if (!pngs) continue;
    try {
      write(`${name}.png`, await png!.svgToPng(svg));
    } catch (e) {
      if (!(e instanceof png!.PngUnavailableError)) throw e;
      process.stderr.write(`axonal: PNG figures not written: ${e.message}\n`);
      pngs = false;
    }
  }
  return written;
}
