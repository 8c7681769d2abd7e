/**
 * src/plot/trace.ts: the polylines map the data to the frames (time axis shared by both panels),
 * the labels, ticks, legend and marks appear where they should, flat runs are drawn with fewer
 * points but the same line, and bad input (no traces, no points, NaN, times that do not increase,
 * mismatched lengths, an empty range) is an error that names the place.
 */
import { describe, expect, it } from 'vitest';
import { traceSvg, type TraceFigure } from '../src/plot/trace.ts';

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

function frames(svg: string): Frame[] {
  return [...svg.matchAll(/<rect class="frame" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => ({
    x: +m[1],
    y: +m[2],
    w: +m[3],
    h: +m[4],
  }));
}

function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number) as [number, number]));
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

const ramp = (n: number, f: (k: number) => number) => Float64Array.from({ length: n }, (_, k) => f(k));

describe('traceSvg', () => {
  it('maps the data range to the frame: given ranges put (t0, low) and (t1, high) on the corners, points in between linearly', () => {
    const t = ramp(101, (k) => 10 + k * 0.5); // 10 .. 60 ms
    const v = ramp(101, (k) => -70 + (k / 100) * 40); // -70 .. -30 mV
    const svg = traceSvg({ title: 'ramp', main: { label: 'v', unit: 'mV', traces: [{ t, y: v }], range: [-70, -30] }, tRange: [10, 60] });
    const [f] = frames(svg);
    const [pts] = polylines(svg);
    expect(pts).toHaveLength(101);
    expect(pts[0][0]).toBeCloseTo(f.x, 2);
    expect(pts[0][1]).toBeCloseTo(f.y + f.h, 2);
    expect(pts[100][0]).toBeCloseTo(f.x + f.w, 2);
    expect(pts[100][1]).toBeCloseTo(f.y, 2);
    // t = 35 ms, v = -50 mV: the middle of the frame
    expect(pts[50][0]).toBeCloseTo(f.x + f.w / 2, 1);
    expect(pts[50][1]).toBeCloseTo(f.y + f.h / 2, 1);
  });

  it('pads the data range by 6 % and keeps every point inside the frame; the input panel shares the time axis', () => {
    const t = ramp(301, (k) => k);
    const v = ramp(301, (k) => -65 + 20 * Math.sin(k / 20));
    const i = ramp(301, (k) => (k >= 20 && k < 220 ? 0.8 : 0));
    const svg = traceSvg({ title: 'step', main: { label: 'v', unit: 'mV', traces: [{ t, y: v }] }, input: { label: 'I', unit: 'nA', traces: [{ t, y: i }] } });
    const [fm, fi] = frames(svg);
    const [pv, pi] = polylines(svg);
    expect(fi.y).toBeGreaterThan(fm.y + fm.h);
    expect(fi.x).toBe(fm.x);
    expect(fi.w).toBe(fm.w);
    const ys = pv.map((p) => p[1]);
    const pad = (0.06 / 1.12) * fm.h; // 6 % of the data's span on either side
    expect(Math.min(...ys)).toBeCloseTo(fm.y + pad, 1);
    expect(Math.max(...ys)).toBeCloseTo(fm.y + fm.h - pad, 1);
    // the step's edges at t = 20 and 220 ms (of 0..300) in both panels' coordinates
    const xOf = (tm: number) => fm.x + (tm / 300) * fm.w;
    const up = pi.findIndex((p) => p[1] < fi.y + fi.h / 2);
    expect(pi[up][0]).toBeCloseTo(xOf(20), 1);
    expect(pi[up - 1][0]).toBeCloseTo(xOf(19), 1);
    const down = pi.findIndex((p, k) => k > up && p[1] > fi.y + fi.h / 2);
    expect(pi[down][0]).toBeCloseTo(xOf(220), 1);
    // the current's top (0.8 nA) and bottom (0) lie 6 % inside the input frame
    expect(pi[up][1]).toBeCloseTo(fi.y + (0.06 / 1.12) * fi.h, 1);
    expect(pi[0][1]).toBeCloseTo(fi.y + fi.h - (0.06 / 1.12) * fi.h, 1);
  });

  it('draws a flat run with its first and last point only, the same line', () => {
    const t = ramp(1000, (k) => k * 0.1);
    const y = ramp(1000, (k) => (k < 500 ? -65 : -55));
    const [pts] = polylines(traceSvg({ title: 'flat', main: { label: 'v', unit: 'mV', traces: [{ t, y }] } }));
    expect(pts).toHaveLength(4);
    expect(pts[1][0]).toBeLessThan(pts[2][0]);
    expect(pts[1][1]).not.toBe(pts[2][1]);
    expect(pts[0][1]).toBe(pts[1][1]);
    expect(pts[2][1]).toBe(pts[3][1]);
  });

  it('writes the title (escaped), the axis labels with units, tick labels, the marks and a legend for named traces', () => {
    const t = ramp(201, (k) => k);
    const fig: TraceFigure = {
      title: 'IF_cond_exp <1 nA> & 7 spikes',
      subtitle: 'dt = 0.1 ms',
      main: {
        label: 'v',
        unit: 'mV',
        traces: [
          { t, y: ramp(201, (k) => -65 + k / 10), name: 'js' },
          { t, y: ramp(201, (k) => -64 + k / 10), name: 'wasm' },
        ],
        marks: [50, 150, 500],
      },
      input: { label: 'I', unit: 'nA', traces: [{ t, y: ramp(201, () => 1) }] },
    };
    const svg = traceSvg(fig);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('IF_cond_exp &lt;1 nA&gt; &amp; 7 spikes');
    const ts = texts(svg);
    for (const s of ['v (mV)', 'I (nA)', 'time (ms)', 'dt = 0.1 ms', 'spikes', 'js', 'wasm']) expect(ts).toContain(s);
    for (const s of ['0', '50', '100', '150', '200', '-60', '-50']) expect(ts).toContain(s);
    // two colours for two traces
    const strokes = [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(strokes.slice(0, 2)).size).toBe(2);
    // marks at 50 and 150 ms (500 lies outside the time axis: not drawn), above the main frame
    const [f] = frames(svg);
    const marks = svg.match(/<path class="marks" d="([^"]+)"/)![1];
    const xs = [...marks.matchAll(/M([\d.]+) ([\d.]+)/g)].map((m) => [+m[1], +m[2]]);
    expect(xs).toHaveLength(2);
    expect(xs[0][0]).toBeCloseTo(f.x + f.w / 4, 1);
    expect(xs[1][0]).toBeCloseTo(f.x + (3 * f.w) / 4, 1);
    for (const [, y] of xs) expect(y).toBeLessThan(f.y);
  });

  it('is the same bytes for the same data', () => {
    const fig = (): TraceFigure => ({ title: 'x', main: { label: 'v', unit: 'mV', traces: [{ t: [0, 1, 2], y: [1, 3, 2] }] } });
    expect(traceSvg(fig())).toBe(traceSvg(fig()));
  });

  it('refuses bad input with the place of the problem', () => {
    const ok = { t: [0, 1, 2], y: [0, 1, 0] };
    const fig = (main: TraceFigure['main'], extra: Partial<TraceFigure> = {}): TraceFigure => ({ title: 't', main, ...extra });
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [] }))).toThrow('traceSvg: main.traces is empty');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [{ t: [], y: [] }] }))).toThrow('main.traces[0] has no points');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [ok, { t: [0, 1, 2], y: [0, NaN, 0] }] }))).toThrow(
      'main.traces[1].y[1] is NaN (values must be finite numbers, mV)',
    );
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [{ t: [0, Infinity], y: [0, 0] }] }))).toThrow('main.traces[0].t[1] is Infinity');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [{ t: [0, 2, 2], y: [0, 0, 0] }] }))).toThrow('main.traces[0].t[2] = 2 does not follow t[1] = 2');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [{ t: [0, 1, 2], y: [0, 0] }] }))).toThrow('main.traces[0] has 3 times but 2 values');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [ok], range: [1, 1] }))).toThrow('main.range must be [low, high]');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [ok], marks: [1, NaN] }))).toThrow('main.marks[1] is NaN');
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [ok] }, { input: { label: 'I', unit: 'nA', traces: [{ t: [0, 1], y: [0, NaN] }] } }))).toThrow(
      'input.traces[0].y[1] is NaN',
    );
    expect(() => traceSvg(fig({ label: 'v', unit: 'mV', traces: [ok] }, { tRange: [5, 0] }))).toThrow('tRange must be [low, high]');
  });
});
