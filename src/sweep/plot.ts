/**
 * The figure of `axonal sweep --plot`: a population's rate over the grid. With two axes of several
 * values, a heat map over the first two (x: first, y: second; other axes averaged); otherwise lines
 * over the first axis, one per value of the second (other axes averaged).
 */
import { esc, fmt, PALETTE, svgDocument, text, ticks } from '../analysis/svg.ts';
import type { SweepAxis } from './grid.ts';

/** Viridis, sampled: colours from low to high. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

function colour(f: number): string {
  if (!Number.isFinite(f)) return '#dddddd';
  const x = Math.min(1, Math.max(0, f)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const t = x - k;
  const c = (h: string, i: number) => parseInt(h.slice(1 + 2 * i, 3 + 2 * i), 16);
  const mix = (i: number) => Math.round(c(VIRIDIS[k], i) * (1 - t) + c(VIRIDIS[k + 1], i) * t).toString(16).padStart(2, '0');
  return `#${mix(0)}${mix(1)}${mix(2)}`;
}

/** Mean of `metric` per (value of axis 0, value of axis 1) over the rows (header first). */
function means(axes: readonly SweepAxis[], rows: readonly string[][], metric: string): { x: number[]; y: number[]; z: number[][] } {
  const head = rows[0];
  const col = head.indexOf(metric);
  if (col < 0) throw new Error(`sweep plot: no column ${metric}`);
  const x = axes[0].values;
  const y = axes.length > 1 ? axes[1].values : [NaN];
  const sum = y.map(() => x.map(() => 0));
  const n = y.map(() => x.map(() => 0));
  for (const r of rows.slice(1)) {
    const i = x.indexOf(Number(r[1]));
    const j = axes.length > 1 ? y.indexOf(Number(r[2])) : 0;
    const v = Number(r[col]);
    if (i < 0 || j < 0 || !Number.isFinite(v)) continue;
    sum[j][i] += v;
    n[j][i]++;
  }
  return { x, y, z: sum.map((s, j) => s.map((v, i) => (n[j][i] ? v / n[j][i] : NaN))) };
}

export function sweepSvg(axes: readonly SweepAxis[], rows: readonly string[][], population: string, title: string): string {
  const metric = `${population}_rate_hz`;
  const { x, y, z } = means(axes, rows, metric);
  const W = 640, H = 420, L = 70, R = axes.length > 1 && y.length > 1 && x.length > 1 ? 110 : 150, T = 50, B = 55;
  const pw = W - L - R, ph = H - T - B;
  let body = text(W / 2, 22, title, { anchor: 'middle', bold: true, size: 13 });
  const zs = z.flat().filter(Number.isFinite);
  const zlo = zs.length ? Math.min(...zs) : 0, zhi = zs.length ? Math.max(...zs) : 1;
  const label = `${population} rate (Hz)`;
  if (axes.length > 1 && y.length > 1 && x.length > 1) {
    // heat map: one cell per grid point, the axes labelled with the values
    const cw = pw / x.length, chh = ph / y.length;
    y.forEach((_, j) =>
      x.forEach((_, i) => {
        const f = zhi > zlo ? (z[j][i] - zlo) / (zhi - zlo) : 0.5;
        body += `<rect x="${(L + i * cw).toFixed(2)}" y="${(T + ph - (j + 1) * chh).toFixed(2)}" width="${cw.toFixed(2)}" height="${chh.toFixed(2)}" fill="${colour(f)}"><title>${esc(`${axes[0].path}=${x[i]}, ${axes[1].path}=${y[j]}: ${fmt(z[j][i], 4)} Hz`)}</title></rect>\n`;
      }),
    );
    const every = (n: number) => Math.max(1, Math.ceil(n / 8));
    x.forEach((v, i) => {
      if (i % every(x.length) === 0) body += text(L + (i + 0.5) * cw, T + ph + 16, fmt(v, 4), { anchor: 'middle' });
    });
    y.forEach((v, j) => {
      if (j % every(y.length) === 0) body += text(L - 6, T + ph - (j + 0.5) * chh + 4, fmt(v, 4), { anchor: 'end' });
    });
    body += text(L + pw / 2, H - 14, axes[0].path, { anchor: 'middle' });
    body += text(18, T + ph / 2, axes[1].path, { anchor: 'middle', rotate: -90 });
    // colour bar
    const bx = L + pw + 24, bw = 16;
    for (let k = 0; k < 50; k++) body += `<rect x="${bx}" y="${(T + ph - ((k + 1) * ph) / 50).toFixed(2)}" width="${bw}" height="${(ph / 50 + 0.5).toFixed(2)}" fill="${colour(k / 49)}"/>\n`;
    body += text(bx + bw + 4, T + ph, fmt(zlo, 3), {}) + text(bx + bw + 4, T + 10, fmt(zhi, 3), {});
    body += text(bx + bw / 2, T - 8, label, { anchor: 'middle' });
    return svgDocument(W, H, body);
  }
  // lines over the first axis
  const xlo = Math.min(...x), xhi = Math.max(...x);
  const sx = (v: number) => (xhi > xlo ? L + ((v - xlo) / (xhi - xlo)) * pw : L + pw / 2);
  const ylo = Math.min(0, zlo), yhi = zhi > ylo ? zhi * 1.05 : ylo + 1;
  const sy = (v: number) => T + ph - ((v - ylo) / (yhi - ylo)) * ph;
  body += `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>\n`;
  for (const t of ticks(xlo, xhi, 6)) body += `<line x1="${sx(t)}" y1="${T + ph}" x2="${sx(t)}" y2="${T + ph + 4}" stroke="#333"/>\n` + text(sx(t), T + ph + 16, fmt(t, 4), { anchor: 'middle' });
  for (const t of ticks(ylo, yhi, 5)) body += `<line x1="${L - 4}" y1="${sy(t)}" x2="${L}" y2="${sy(t)}" stroke="#333"/>\n` + text(L - 6, sy(t) + 4, fmt(t, 4), { anchor: 'end' });
  body += text(L + pw / 2, H - 14, axes[0].path, { anchor: 'middle' });
  body += text(18, T + ph / 2, label, { anchor: 'middle', rotate: -90 });
  y.forEach((yv, j) => {
    const c = PALETTE[j % PALETTE.length];
    const pts = x.map((xv, i) => [sx(xv), sy(z[j][i])]).filter(([, b]) => Number.isFinite(b));
    body += `<polyline fill="none" stroke="${c}" stroke-width="1.8" points="${pts.map(([a, b]) => `${a.toFixed(2)},${b.toFixed(2)}`).join(' ')}"/>\n`;
    for (const [a, b] of pts) body += `<circle cx="${a.toFixed(2)}" cy="${b.toFixed(2)}" r="2.5" fill="${c}"/>\n`;
    if (axes.length > 1) body += `<rect x="${L + pw + 14}" y="${T + 4 + j * 16}" width="10" height="10" fill="${c}"/>\n` + text(L + pw + 28, T + 13 + j * 16, `${axes[1].path}=${fmt(yv, 4)}`, { size: 10 });
  });
  if (axes.length > 2) body += text(L + pw + 14, T + ph, `other axes averaged`, { size: 10 });
  return svgDocument(W, H, body);
}
