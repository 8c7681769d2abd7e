/**
 * Time series as an SVG line plot (a string: no DOM, no dependencies, browser-safe): one or more
 * traces against time (ms) in a main panel with its quantity and unit on the y axis, optional
 * event marks above it (e.g. spike times), and an optional second, shorter panel below for the
 * input (e.g. the injected current) on the same time axis. Ticks, grid lines and labels; a legend
 * in the right margin when traces are named. The output depends on the data only (no dates, no
 * random ids), so a figure made twice from the same run is the same bytes. scripts/cell-figures.js
 * draws docs/figures/cells/ with it; PNG: src/plot/png.ts svgToPng.
 */
import { fmt, r2, svgDocument, text, ticks } from '../analysis/svg.ts';
import { PALETTE } from './raster.ts';

export interface Trace {
  /** times, ms, increasing */
  t: ArrayLike<number>;
  /** values at those times, in the panel's unit */
  y: ArrayLike<number>;
  /** legend entry (a legend is drawn when some trace of the figure has a name) */
  name?: string;
  /** stroke colour (default: the palette of src/plot/raster.ts, by position in the panel) */
  color?: string;
}

export interface TracePanel {
  /** the quantity, e.g. 'v' or 'I' */
  label: string;
  /** its unit, e.g. 'mV' or 'nA' ('' for none) */
  unit: string;
  traces: Trace[];
  /** y axis [low, high] (default: the data's range, padded by 6 %); traces are clipped to it */
  range?: [number, number];
  /** times (ms) of events drawn as short marks above the panel, e.g. spikes */
  marks?: ArrayLike<number>;
  /** the name of the marks, written to their left (default 'spikes') */
  marksLabel?: string;
}

export interface TraceFigure {
  /** first line of the figure */
  title: string;
  /** second line */
  subtitle?: string;
  /** the upper, taller panel */
  main: TracePanel;
  /** the lower panel (e.g. the input current), on the same time axis */
  input?: TracePanel;
  /** time axis [start, end], ms (default: from the first to the last time of every trace) */
  tRange?: [number, number];
  /** width of the figure (default 860) */
  width?: number;
  /** height of the main panel (default 280; the input panel is a third of it) */
  height?: number;
}

const LEFT = 76;
const RIGHT = 24;
const LEGEND_W = 130;
const MARKS_H = 16;
const GAP = 16;

/** Throws unless every trace of the panel has points, finite values and increasing times. */
function checkPanel(p: TracePanel, where: string): void {
  if (!p.traces || p.traces.length === 0) throw new Error(`traceSvg: ${where}.traces is empty (give at least one trace)`);
  p.traces.forEach((tr, k) => {
    const at = `${where}.traces[${k}]`;
    if (tr.t.length !== tr.y.length) throw new Error(`traceSvg: ${at} has ${tr.t.length} times but ${tr.y.length} values`);
    if (tr.t.length === 0) throw new Error(`traceSvg: ${at} has no points`);
    for (let j = 0; j < tr.t.length; j++) {
      if (!Number.isFinite(tr.t[j])) throw new Error(`traceSvg: ${at}.t[${j}] is ${tr.t[j]} (times must be finite numbers, ms)`);
      if (!Number.isFinite(tr.y[j])) throw new Error(`traceSvg: ${at}.y[${j}] is ${tr.y[j]} (values must be finite numbers${p.unit ? `, ${p.unit}` : ''})`);
      if (j > 0 && !(tr.t[j] > tr.t[j - 1])) throw new Error(`traceSvg: ${at}.t[${j}] = ${tr.t[j]} does not follow t[${j - 1}] = ${tr.t[j - 1]} (times must increase)`);
    }
  });
  if (p.range) checkRange(p.range, `${where}.range`);
  if (p.marks) for (let j = 0; j < p.marks.length; j++) if (!Number.isFinite(p.marks[j])) throw new Error(`traceSvg: ${where}.marks[${j}] is ${p.marks[j]} (times must be finite numbers, ms)`);
}

function checkRange(r: readonly number[], where: string): void {
  if (r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || !(r[1] > r[0])) throw new Error(`traceSvg: ${where} must be [low, high] with finite low < high, got [${r.join(', ')}]`);
}

/** The y axis of a panel: its range, or the data's range padded by 6 % (a constant trace: ± 1, or ± 10 % of its value). */
function yRange(p: TracePanel): [number, number] {
  if (p.range) return [p.range[0], p.range[1]];
  let lo = Infinity;
  let hi = -Infinity;
  for (const tr of p.traces)
    for (let j = 0; j < tr.y.length; j++) {
      lo = Math.min(lo, tr.y[j]);
      hi = Math.max(hi, tr.y[j]);
    }
  const pad = hi > lo ? 0.06 * (hi - lo) : Math.max(1, 0.1 * Math.abs(lo));
  return [lo - pad, hi + pad];
}

/**
 * The polyline's points, rounded to 0.01; inside a run of points with the same rounded y only its
 * first and last are kept (the same line, drawn with fewer points).
 */
function points(tr: Trace, sx: (t: number) => number, sy: (v: number) => number): string {
  const n = tr.t.length;
  const xs: string[] = [];
  const ys: string[] = [];
  for (let j = 0; j < n; j++) {
    xs.push(r2(sx(tr.t[j])));
    ys.push(r2(sy(tr.y[j])));
  }
  const out: string[] = [];
  for (let j = 0; j < n; j++) {
    if (j > 0 && j < n - 1 && ys[j] === ys[j - 1] && ys[j] === ys[j + 1]) continue;
    out.push(`${xs[j]},${ys[j]}`);
  }
  return out.join(' ');
}

/** The figure as an SVG document. Throws on an empty trace, a NaN or infinite value, or times that do not increase. */
export function traceSvg(fig: TraceFigure): string {
  checkPanel(fig.main, 'main');
  if (fig.input) checkPanel(fig.input, 'input');
  const panels = fig.input ? [fig.main, fig.input] : [fig.main];
  let t0 = Infinity;
  let t1 = -Infinity;
  if (fig.tRange) {
    checkRange(fig.tRange, 'tRange');
    [t0, t1] = fig.tRange;
  } else
    for (const p of panels)
      for (const tr of p.traces) {
        t0 = Math.min(t0, tr.t[0]);
        t1 = Math.max(t1, tr.t[tr.t.length - 1]);
      }
  if (!(t1 > t0)) t1 = t0 + 1;

  const named = panels.some((p) => p.traces.some((tr) => tr.name));
  const W = fig.width ?? 860;
  const w = W - LEFT - RIGHT - (named ? LEGEND_W : 0);
  const mainH = fig.height ?? 280;
  const inputH = Math.round(mainH / 3);
  const header = fig.subtitle ? 52 : 36;
  const marksH = fig.main.marks ? MARKS_H : 0;
  const frames = [{ y: header + marksH, h: mainH }];
  if (fig.input) frames.push({ y: frames[0].y + mainH + GAP, h: inputH });
  const last = frames[frames.length - 1];
  const H = last.y + last.h + 46;
  const sx = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * w;
  const tTicks = ticks(t0, t1, 8);

  let s = text(LEFT, 22, fig.title, { size: 14, bold: true });
  if (fig.subtitle) s += text(LEFT, 40, fig.subtitle, { fill: '#444' });
  const legend: { name: string; color: string }[] = [];
  panels.forEach((p, pi) => {
    const f = frames[pi];
    const id = pi === 0 ? 'main' : 'input';
    const [lo, hi] = yRange(p);
    const sy = (v: number) => f.y + f.h - ((v - lo) / (hi - lo)) * f.h;
    // grid and ticks
    for (const v of ticks(lo, hi, pi === 0 ? 7 : 3)) {
      const y = r2(sy(v));
      s += `<path d="M${LEFT - 5} ${y}H${LEFT}" stroke="#333"/><path d="M${LEFT} ${y}H${r2(LEFT + w)}" stroke="#e4e4e4"/>\n`;
      s += text(LEFT - 8, sy(v) + 4, fmt(v), { anchor: 'end', size: 10 });
    }
    for (const v of tTicks) {
      const x = r2(sx(v));
      s += `<path d="M${x} ${f.y}V${f.y + f.h}" stroke="#f0f0f0"/><path d="M${x} ${f.y + f.h}v5" stroke="#333"/>\n`;
    }
    // the traces, clipped to the frame
    s += `<clipPath id="trace-clip-${id}"><rect x="${LEFT}" y="${f.y}" width="${r2(w)}" height="${f.h}"/></clipPath>\n<g clip-path="url(#trace-clip-${id})">\n`;
    p.traces.forEach((tr, k) => {
      const color = tr.color ?? PALETTE[k % PALETTE.length];
      if (tr.name) legend.push({ name: tr.name, color });
      s += `<polyline points="${points(tr, sx, sy)}" fill="none" stroke="${color}" stroke-width="1.2" stroke-linejoin="round"/>\n`;
    });
    s += '</g>\n';
    s += `<rect class="frame" x="${LEFT}" y="${f.y}" width="${r2(w)}" height="${f.h}" fill="none" stroke="#333"/>\n`;
    s += text(22, f.y + f.h / 2, p.unit ? `${p.label} (${p.unit})` : p.label, { anchor: 'middle', rotate: -90 });
    if (p.marks) {
      let d = '';
      for (let j = 0; j < p.marks.length; j++) if (p.marks[j] >= t0 && p.marks[j] <= t1) d += `M${r2(sx(p.marks[j]))} ${f.y - MARKS_H + 3}v${MARKS_H - 6}`;
      if (d) s += `<path class="marks" d="${d}" stroke="#000" stroke-width="1.2"/>\n`;
      s += text(LEFT - 8, f.y - MARKS_H / 2 + 4, p.marksLabel ?? 'spikes', { anchor: 'end', size: 10, fill: '#444' });
    }
  });
  // time axis under the last panel
  for (const v of tTicks) s += text(sx(v), last.y + last.h + 17, fmt(v), { anchor: 'middle', size: 10 });
  s += text(LEFT + w / 2, last.y + last.h + 36, 'time (ms)', { anchor: 'middle' });
  legend.forEach((e, k) => {
    const x = LEFT + w + 14;
    const y = frames[0].y + 12 + k * 18;
    s += `<path d="M${r2(x)} ${y - 4}h16" stroke="${e.color}" stroke-width="2"/>` + text(x + 22, y, e.name, { size: 11 });
  });
  return svgDocument(W, H, s);
}
