/**
 * Figures of activity on a sheet of columns (src/analysis/sheet.ts), as SVG strings (no DOM):
 * a raster ordered by column and layer, line plots (population rates over time, power spectra),
 * and heat maps of the rate per column at a few moments. PNG: src/plot/png.ts svgToPng.
 */
import { fmt, svgDocument, text, ticks } from '../analysis/svg.ts';
import type { SheetActivity } from '../analysis/sheet.ts';
import { PALETTE } from './raster.ts';

const r2 = (x: number): string => String(Math.round(x * 100) / 100);

/**
 * Raster of the kept columns: one block of rows per column (left to right on the sheet, top to
 * bottom in the figure), inside it the populations in order (e.g. L2/3 E, L2/3 I, … TC, RE), one
 * row per neuron; one colour per population.
 */
export function columnRasterSvg(act: SheetActivity, opts: { title?: string; subtitle?: string; t0?: number; t1?: number; width?: number; height?: number } = {}): string {
  const W = opts.width ?? 900;
  const H = opts.height ?? 640;
  const t0 = opts.t0 ?? act.t0;
  const t1 = opts.t1 ?? act.t1;
  const top = opts.subtitle ? 48 : 32;
  const f = { x: 70, y: top, w: W - 190, h: H - top - 45 };
  const perCol = act.pops.map((p) => p.size / (p.columnsX * p.columnsY));
  const rowsPerColumn = perCol.reduce((a, b) => a + b, 0);
  const popOffset: number[] = [];
  perCol.reduce((acc, n, k) => ((popOffset[k] = acc), acc + n), 0);
  const nCols = act.rasterColumns.length;
  const slot = new Map(act.rasterColumns.map((c, k) => [c, k]));
  const totalRows = Math.max(1, nCols * rowsPerColumn);
  const rowH = f.h / totalRows;
  const sx = (t: number) => f.x + ((t - t0) / (t1 - t0)) * f.w;
  const mh = Math.max(0.8, Math.min(3, rowH));
  let s = '';
  if (opts.title) s += text(f.x + f.w / 2, 16, opts.title, { anchor: 'middle', bold: true, size: 13 });
  if (opts.subtitle) s += text(f.x + f.w / 2, 32, opts.subtitle, { anchor: 'middle', size: 10 });
  s += `<g stroke="#333" fill="none"><path d="M${f.x} ${f.y}V${f.y + f.h}H${f.x + f.w}"/></g>\n`;
  for (const v of ticks(t0, t1, 6)) {
    const x = sx(v);
    s += `<path d="M${r2(x)} ${r2(f.y + f.h)}v4" stroke="#333"/>` + text(x, f.y + f.h + 15, fmt(v), { anchor: 'middle', size: 10 });
  }
  s += text(f.x + f.w / 2, f.y + f.h + 32, 'time (ms)', { anchor: 'middle' });
  // column blocks
  act.rasterColumns.forEach((c, k) => {
    const y0 = f.y + k * rowsPerColumn * rowH;
    if (k > 0) s += `<path d="M${f.x} ${r2(y0)}H${f.x + f.w}" stroke="#999"/>\n`;
    const p0 = act.pops[0];
    s += text(f.x - 6, y0 + (rowsPerColumn * rowH) / 2 + 4, `col ${c % p0.columnsX},${Math.floor(c / p0.columnsX)}`, { anchor: 'end', size: 9 });
  });
  // spikes, one path per population
  const paths = act.pops.map(() => [] as string[]);
  for (let j = 0; j < act.rasterT.length; j++) {
    const t = act.rasterT[j];
    if (t < t0 || t > t1) continue;
    const k = act.rasterPop[j];
    const row = slot.get(act.rasterCol[j])! * rowsPerColumn + popOffset[k] + act.rasterRow[j];
    paths[k].push(`M${r2(sx(t) - 0.7)} ${r2(f.y + row * rowH)}h1.4v${r2(mh)}h-1.4z`);
  }
  paths.forEach((d, k) => {
    if (d.length) s += `<path d="${d.join('')}" fill="${PALETTE[k % PALETTE.length]}"/>\n`;
  });
  // legend
  act.pops.forEach((p, k) => {
    const ly = f.y + 8 + k * 16;
    s += `<rect x="${f.x + f.w + 14}" y="${ly - 8}" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/>` + text(f.x + f.w + 28, ly + 1, p.name, { size: 10 });
  });
  if (act.rasterDropped > 0)
    s += text(f.x + f.w + 14, f.y + 8 + act.pops.length * 16 + 10, `${act.rasterDropped} spikes not drawn`, { size: 9, fill: '#a00' });
  return svgDocument(W, H, s);
}

export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
}

export interface LinePanel {
  title?: string;
  series: LineSeries[];
}

/** Line plots in panels stacked vertically, shared x range; optional log y axis. */
export function linePanelsSvg(opts: {
  panels: LinePanel[];
  title?: string;
  subtitle?: string;
  xlabel: string;
  ylabel: string;
  xrange?: [number, number];
  logY?: boolean;
  width?: number;
  panelHeight?: number;
}): string {
  const W = opts.width ?? 900;
  const ph = opts.panelHeight ?? 120;
  const top = opts.subtitle ? 50 : 34;
  const H = top + opts.panels.length * (ph + 22) + 40;
  const x0 = 70;
  const w = W - 190;
  let s = '';
  if (opts.title) s += text(x0 + w / 2, 16, opts.title, { anchor: 'middle', bold: true, size: 13 });
  if (opts.subtitle) s += text(x0 + w / 2, 32, opts.subtitle, { anchor: 'middle', size: 10 });
  let xlo = Infinity;
  let xhi = -Infinity;
  for (const p of opts.panels)
    for (const se of p.series)
      for (let j = 0; j < se.x.length; j++) {
        xlo = Math.min(xlo, se.x[j]);
        xhi = Math.max(xhi, se.x[j]);
      }
  if (opts.xrange) [xlo, xhi] = opts.xrange;
  if (!(xhi > xlo)) xhi = xlo + 1;
  const tr = (v: number) => (opts.logY ? Math.log10(Math.max(v, 1e-12)) : v);
  const legend = new Map<string, string>();
  opts.panels.forEach((p, pi) => {
    const y0 = top + pi * (ph + 22);
    let lo = Infinity;
    let hi = -Infinity;
    for (const se of p.series)
      for (let j = 0; j < se.y.length; j++) {
        if (se.x[j] < xlo || se.x[j] > xhi) continue;
        const v = se.y[j];
        if (!Number.isFinite(v) || (opts.logY && !(v > 0))) continue;
        lo = Math.min(lo, tr(v));
        hi = Math.max(hi, tr(v));
      }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (!opts.logY) lo = Math.min(0, lo);
    if (!(hi > lo)) hi = lo + 1;
    const sx = (v: number) => x0 + ((v - xlo) / (xhi - xlo)) * w;
    const sy = (v: number) => y0 + ph - ((tr(v) - lo) / (hi - lo)) * ph;
    s += `<g stroke="#333" fill="none"><path d="M${x0} ${y0}V${y0 + ph}H${x0 + w}"/></g>\n`;
    const yt = opts.logY ? Array.from({ length: Math.floor(hi) - Math.ceil(lo) + 1 }, (_, k) => Math.ceil(lo) + k) : ticks(lo, hi, 3);
    for (const v of yt) {
      const y = y0 + ph - ((v - lo) / (hi - lo)) * ph;
      s += `<path d="M${x0 - 4} ${r2(y)}H${x0 + w}" stroke="#eee"/>` + text(x0 - 6, y + 4, opts.logY ? `1e${v}` : fmt(v), { anchor: 'end', size: 9 });
    }
    if (pi === opts.panels.length - 1)
      for (const v of ticks(xlo, xhi, 8)) s += `<path d="M${r2(sx(v))} ${y0 + ph}v4" stroke="#333"/>` + text(sx(v), y0 + ph + 15, fmt(v), { anchor: 'middle', size: 10 });
    if (p.title) s += text(x0 + 6, y0 + 11, p.title, { size: 10, bold: true });
    p.series.forEach((se, k) => {
      const color = se.color ?? PALETTE[k % PALETTE.length];
      legend.set(se.name, color);
      let d = '';
      let pen = false;
      for (let j = 0; j < se.x.length; j++) {
        const v = se.y[j];
        if (se.x[j] < xlo || se.x[j] > xhi || !Number.isFinite(v) || (opts.logY && !(v > 0))) {
          pen = false;
          continue;
        }
        d += `${pen ? 'L' : 'M'}${r2(sx(se.x[j]))} ${r2(sy(v))}`;
        pen = true;
      }
      if (d) s += `<path d="${d}" fill="none" stroke="${color}" stroke-width="1"/>\n`;
    });
  });
  s += text(x0 + w / 2, H - 10, opts.xlabel, { anchor: 'middle' });
  s += text(18, top + (opts.panels.length * (ph + 22)) / 2, opts.ylabel, { anchor: 'middle', rotate: -90 });
  [...legend].forEach(([name, color], k) => {
    const ly = top + 8 + k * 16;
    s += `<path d="M${x0 + w + 14} ${ly - 3}h14" stroke="${color}" stroke-width="2"/>` + text(x0 + w + 32, ly + 1, name, { size: 10 });
  });
  return svgDocument(W, H, s);
}

/** Viridis-like colour map (5 anchors, linear in between), v in [0, 1]. */
export function colormap(v: number): string {
  const anchors = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const u = x - i;
  const c = anchors[i].map((a, k) => Math.round(a + (anchors[i + 1][k] - a) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export interface SheetMap {
  title: string;
  /** one value per column, column c at (c mod cx, floor(c / cx)); a column whose value is not finite is grey */
  values: ArrayLike<number>;
}

/** Heat maps of one value per column (same grid and colour scale), in rows of `perRow`, with a colour bar. */
export function sheetMapsSvg(opts: { maps: SheetMap[]; columnsX: number; columnsY: number; label: string; title?: string; subtitle?: string; vmax?: number; perRow?: number; size?: number }): string {
  const { columnsX: cx, columnsY: cy } = opts;
  const perRow = opts.perRow ?? Math.min(opts.maps.length, 3);
  const size = opts.size ?? 220;
  const cell = Math.min(size / cx, size / cy);
  const mw = cell * cx;
  const mh = cell * cy;
  const top = opts.subtitle ? 52 : 36;
  const rows = Math.ceil(opts.maps.length / perRow);
  const W = 30 + perRow * (mw + 24) + 90;
  const H = top + rows * (mh + 30) + 20;
  let vmax = opts.vmax ?? 0;
  if (opts.vmax === undefined) for (const m of opts.maps) for (let c = 0; c < m.values.length; c++) if (Number.isFinite(m.values[c])) vmax = Math.max(vmax, m.values[c]);
  if (!(vmax > 0)) vmax = 1;
  let s = '';
  if (opts.title) s += text(W / 2, 16, opts.title, { anchor: 'middle', bold: true, size: 13 });
  if (opts.subtitle) s += text(W / 2, 32, opts.subtitle, { anchor: 'middle', size: 10 });
  opts.maps.forEach((m, k) => {
    const x0 = 30 + (k % perRow) * (mw + 24);
    const y0 = top + Math.floor(k / perRow) * (mh + 30) + 14;
    s += text(x0 + mw / 2, y0 - 4, m.title, { anchor: 'middle', size: 10 });
    let g = '';
    for (let c = 0; c < cx * cy; c++) {
      const x = x0 + (c % cx) * cell;
      const y = y0 + Math.floor(c / cx) * cell;
      g += `<rect x="${r2(x)}" y="${r2(y)}" width="${r2(cell + 0.3)}" height="${r2(cell + 0.3)}" fill="${Number.isFinite(m.values[c]) ? colormap(m.values[c] / vmax) : '#c8c8c8'}"/>`;
    }
    s += `<g>${g}</g>\n<rect x="${r2(x0)}" y="${r2(y0)}" width="${r2(mw)}" height="${r2(mh)}" fill="none" stroke="#333"/>\n`;
  });
  // colour bar
  const bx = 30 + perRow * (mw + 24) + 10;
  const by = top + 14;
  const bh = Math.min(mh, 200);
  const steps = 32;
  for (let j = 0; j < steps; j++)
    s += `<rect x="${bx}" y="${r2(by + ((steps - 1 - j) * bh) / steps)}" width="14" height="${r2(bh / steps + 0.5)}" fill="${colormap((j + 0.5) / steps)}"/>`;
  s += `\n<rect x="${bx}" y="${by}" width="14" height="${r2(bh)}" fill="none" stroke="#333"/>\n`;
  for (const v of ticks(0, vmax, 4)) if (v <= vmax) s += text(bx + 18, by + bh - (v / vmax) * bh + 4, fmt(v), { size: 9 });
  s += text(bx + 7, by + bh + 16, opts.label, { anchor: 'middle', size: 9 });
  return svgDocument(W, H, s);
}
