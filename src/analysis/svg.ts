/**
 * A small SVG writer for analysis reports: grouped bar charts, histogram panels and spike rasters.
 * Plain strings, no dependencies, no DOM (runs in Node and browsers alike). Coordinates are in
 * SVG user units (pixels at 100 %); text is escaped.
 */

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/** Escape text for SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A number with at most `digits` significant digits, without trailing zeros. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return String(Number(x.toPrecision(digits)));
}

/** Round coordinates to 0.01 to keep files small. */
export const r2 = (x: number): string => String(Math.round(x * 100) / 100);

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function svgDocument(width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="11">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${body}</svg>\n`
  );
}

export function text(x: number, y: number, s: string, opts: { anchor?: 'start' | 'middle' | 'end'; size?: number; rotate?: number; bold?: boolean; fill?: string } = {}): string {
  const a = opts.anchor ?? 'start';
  const rot = opts.rotate ? ` transform="rotate(${opts.rotate} ${r2(x)} ${r2(y)})"` : '';
  return `<text x="${r2(x)}" y="${r2(y)}" text-anchor="${a}"${opts.size ? ` font-size="${opts.size}"` : ''}${opts.bold ? ' font-weight="bold"' : ''}${opts.fill ? ` fill="${opts.fill}"` : ''}${rot}>${esc(s)}</text>\n`;
}

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Axes with ticks and labels; returns the SVG and the data → pixel maps. */
function axes(f: Frame, xr: [number, number] | null, yr: [number, number], opts: { xlabel?: string; ylabel?: string; title?: string; xticks?: boolean; yticks?: boolean } = {}) {
  const sx = (v: number) => (xr ? f.x + ((v - xr[0]) / (xr[1] - xr[0])) * f.w : f.x);
  const sy = (v: number) => f.y + f.h - ((v - yr[0]) / (yr[1] - yr[0])) * f.h;
  let s = `<g stroke="#333" stroke-width="1" fill="none"><path d="M${r2(f.x)} ${r2(f.y)}V${r2(f.y + f.h)}H${r2(f.x + f.w)}"/></g>\n`;
  if (opts.yticks !== false)
    for (const v of ticks(yr[0], yr[1], 4)) {
      const y = sy(v);
      s += `<path d="M${r2(f.x - 4)} ${r2(y)}H${r2(f.x)}" stroke="#333"/><path d="M${r2(f.x)} ${r2(y)}H${r2(f.x + f.w)}" stroke="#eee"/>\n`;
      s += text(f.x - 6, y + 4, fmt(v), { anchor: 'end', size: 10 });
    }
  if (xr && opts.xticks !== false)
    for (const v of ticks(xr[0], xr[1], 5)) {
      const x = sx(v);
      s += `<path d="M${r2(x)} ${r2(f.y + f.h)}V${r2(f.y + f.h + 4)}" stroke="#333"/>\n`;
      s += text(x, f.y + f.h + 15, fmt(v), { anchor: 'middle', size: 10 });
    }
  if (opts.xlabel) s += text(f.x + f.w / 2, f.y + f.h + 30, opts.xlabel, { anchor: 'middle' });
  if (opts.ylabel) s += text(f.x - 38, f.y + f.h / 2, opts.ylabel, { anchor: 'middle', rotate: -90 });
  if (opts.title) s += text(f.x + f.w / 2, f.y - 8, opts.title, { anchor: 'middle', bold: true });
  return { svg: s, sx, sy };
}

export interface BarSeries {
  name: string;
  values: number[];
  color?: string;
  /** optional error half-widths (drawn as whiskers) */
  errors?: number[];
}

/** Grouped bar chart: one group per category, one bar per series, with a legend. */
export function barChart(opts: { categories: string[]; series: BarSeries[]; title?: string; ylabel?: string; width?: number; height?: number }): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 340;
  const f: Frame = { x: 60, y: 36, w: W - 80, h: H - 90 };
  let ymax = 0;
  for (const s of opts.series) s.values.forEach((v, k) => (ymax = Math.max(ymax, v + (s.errors?.[k] ?? 0))));
  const yt = ticks(0, ymax || 1, 4);
  const top = Math.max(ymax || 1, yt[yt.length - 1]);
  const ax = axes(f, null, [0, top], { ylabel: opts.ylabel, title: opts.title });
  let s = ax.svg;
  const n = opts.categories.length;
  const gw = f.w / n;
  const bw = (gw * 0.75) / opts.series.length;
  opts.categories.forEach((c, k) => {
    const gx = f.x + k * gw + gw * 0.125;
    opts.series.forEach((ser, j) => {
      const v = ser.values[k];
      if (!Number.isFinite(v)) return;
      const x = gx + j * bw;
      const y = ax.sy(v);
      const color = ser.color ?? PALETTE[j % PALETTE.length];
      s += `<rect x="${r2(x)}" y="${r2(y)}" width="${r2(bw * 0.92)}" height="${r2(f.y + f.h - y)}" fill="${color}"><title>${esc(`${c} ${ser.name}: ${fmt(v, 4)}`)}</title></rect>\n`;
      const e = ser.errors?.[k];
      if (e && e > 0) {
        const cx = x + bw * 0.46;
        s += `<path d="M${r2(cx)} ${r2(ax.sy(v - e))}V${r2(ax.sy(v + e))}M${r2(cx - 3)} ${r2(ax.sy(v + e))}H${r2(cx + 3)}M${r2(cx - 3)} ${r2(ax.sy(v - e))}H${r2(cx + 3)}" stroke="#333"/>\n`;
      }
    });
    s += text(f.x + k * gw + gw / 2, f.y + f.h + 15, c, { anchor: 'middle', size: 10 });
  });
  // legend
  opts.series.forEach((ser, j) => {
    const lx = f.x + 10 + j * 150;
    const ly = H - 18;
    s += `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${ser.color ?? PALETTE[j % PALETTE.length]}"/>\n`;
    s += text(lx + 14, ly, ser.name, { size: 10 });
  });
  return svgDocument(W, H, s);
}

export interface HistPanel {
  title: string;
  /** bin edges (bins + 1) and counts */
  edges: number[];
  counts: number[];
  color?: string;
  /** optional vertical marker (e.g. the mean) */
  marker?: number;
}

/** Histogram panels in a grid (small multiples), each normalised to its own maximum. */
export function histogramPanels(opts: { panels: HistPanel[]; columns?: number; xlabel?: string; title?: string; panelWidth?: number; panelHeight?: number }): string {
  const cols = opts.columns ?? 4;
  const pw = opts.panelWidth ?? 200;
  const ph = opts.panelHeight ?? 140;
  const rows = Math.ceil(opts.panels.length / cols);
  const top = opts.title ? 28 : 6;
  const W = cols * pw + 20;
  const H = top + rows * (ph + 20) + 10;
  let s = opts.title ? text(W / 2, 18, opts.title, { anchor: 'middle', bold: true, size: 13 }) : '';
  opts.panels.forEach((p, k) => {
    const f: Frame = { x: 20 + (k % cols) * pw + 40, y: top + Math.floor(k / cols) * (ph + 20) + 22, w: pw - 55, h: ph - 55 };
    const lo = p.edges[0];
    const hi = p.edges[p.edges.length - 1];
    const cmax = Math.max(1, ...p.counts);
    const ax = axes(f, [lo, hi], [0, cmax], { title: p.title, xlabel: opts.xlabel });
    s += ax.svg;
    const color = p.color ?? PALETTE[k % PALETTE.length];
    let d = '';
    p.counts.forEach((c, b) => {
      if (!c) return;
      const x0 = ax.sx(p.edges[b]);
      const x1 = ax.sx(p.edges[b + 1]);
      const y = ax.sy(c);
      d += `M${r2(x0)} ${r2(f.y + f.h)}V${r2(y)}H${r2(x1)}V${r2(f.y + f.h)}Z`;
    });
    if (d) s += `<path d="${d}" fill="${color}" fill-opacity="0.75" stroke="none"/>\n`;
    if (p.marker !== undefined && Number.isFinite(p.marker) && p.marker >= lo && p.marker <= hi) {
      const x = ax.sx(p.marker);
      s += `<path d="M${r2(x)} ${r2(f.y)}V${r2(f.y + f.h)}" stroke="#000" stroke-dasharray="3 2"/>\n`;
    }
  });
  return svgDocument(W, H, s);
}

export interface RasterGroup {
  name: string;
  /** rows this group occupies (its neurons are drawn at row offset + local index) */
  rows: number;
  /** spike times (ms) and local row of each spike */
  t: ArrayLike<number>;
  row: ArrayLike<number>;
  color?: string;
}

/** Spike raster: groups stacked from top to bottom, one small mark per spike. */
export function raster(opts: { groups: RasterGroup[]; t0: number; t1: number; title?: string; width?: number; height?: number }): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 480;
  const f: Frame = { x: 60, y: 30, w: W - 80, h: H - 70 };
  const total = opts.groups.reduce((a, g) => a + g.rows, 0) || 1;
  // the y labels are the group names, not row numbers
  const ax = axes(f, [opts.t0, opts.t1], [0, total], { xlabel: 'time (ms)', title: opts.title, yticks: false });
  let s = ax.svg;
  let offset = 0;
  const rowH = f.h / total;
  const mh = Math.max(1.2, Math.min(3, rowH));
  const mw = 1.6;
  opts.groups.forEach((g, k) => {
    const color = g.color ?? PALETTE[k % PALETTE.length];
    let d = '';
    for (let j = 0; j < g.t.length; j++) {
      const t = g.t[j];
      if (t < opts.t0 || t > opts.t1) continue;
      const x = ax.sx(t);
      const y = f.y + (offset + g.row[j]) * rowH;
      d += `M${r2(x - mw / 2)} ${r2(y)}h${r2(mw)}v${r2(mh)}h${r2(-mw)}z`;
    }
    if (d) s += `<path d="${d}" fill="${color}"/>\n`;
    s += text(f.x - 6, f.y + (offset + g.rows / 2) * rowH + 4, g.name, { anchor: 'end', size: 10 });
    offset += g.rows;
    if (k < opts.groups.length - 1) s += `<path d="M${r2(f.x)} ${r2(f.y + offset * rowH)}H${r2(f.x + f.w)}" stroke="#ccc"/>\n`;
  });
  return svgDocument(W, H, s);
}
