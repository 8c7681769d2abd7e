/**
 * src/analysis against hand-computed cases: rates, ISI CVs (batch and streamed in chunks),
 * spike-count correlations, neuron sampling, histograms and the SVG writer.
 */
import { describe, it, expect } from 'vitest';
import {
  SpikeCounter, meanRate, meanStd, median, histogram, IsiAccumulator, isiCv, BinnedCounts, pairwiseCorrelations, sampleIndices,
  barChart, histogramPanels, raster, ticks,
} from '../src/analysis/index.ts';

describe('rates', () => {
  it('mean rate = spikes / (neurons × time)', () => {
    expect(meanRate(30, 10, 1000)).toBe(3);
    expect(meanRate(1, 4, 250)).toBe(1);
    expect(() => meanRate(1, 0, 100)).toThrow();
  });

  it('SpikeCounter counts per neuron over chunks, silent neurons included in the mean', () => {
    const c = new SpikeCounter(4);
    c.add([0, 1]);
    c.add(Int32Array.from([1, 3]));
    expect(Array.from(c.counts)).toEqual([1, 2, 0, 1]);
    expect(c.total).toBe(4);
    expect(c.meanRate(500)).toBe(2); // 4 spikes / (4 neurons × 0.5 s)
    expect(Array.from(c.rates(500))).toEqual([2, 4, 0, 2]);
  });

  it('mean, population SD, median', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25), n: 4 });
    expect(meanStd([]).mean).toBeNaN();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('histogram with under/overflow, NaN ignored', () => {
    const h = histogram([0, 0.5, 1, 1.5, 2, -1, 3, NaN], 0, 2, 2);
    expect(h.counts).toEqual([2, 2]);
    expect(h.under).toBe(1);
    expect(h.over).toBe(2);
    expect(h.edges).toEqual([0, 1, 2]);
  });
});

describe('ISI coefficient of variation', () => {
  it('batch: ISIs 10 and 20 give CV 1/3; a regular train gives 0; fewer than 3 spikes give NaN', () => {
    expect(isiCv([0, 10, 30])).toBeCloseTo(1 / 3, 15);
    expect(isiCv([0, 10, 20, 30])).toBe(0);
    expect(isiCv([5, 6])).toBeNaN();
    expect(isiCv([5, 6], 2)).toBe(0);
  });

  it('streamed over arbitrary chunks equals the batch values (neurons with < 3 spikes left out)', () => {
    // neuron 0: 0, 10, 30 (CV 1/3); neuron 1: 5, 6 (too few); neuron 2: 1, 2, 3, 5 (ISIs 1, 1, 2: CV 1/(2 sqrt 2))
    const spikes: [number, number][] = [[0, 0], [2, 1], [2, 2], [2, 3], [1, 5], [2, 5], [1, 6], [0, 10], [0, 30]];
    const acc = new IsiAccumulator(3);
    acc.add(spikes.slice(0, 4).map((s) => s[0]), spikes.slice(0, 4).map((s) => s[1]));
    acc.add(spikes.slice(4, 5).map((s) => s[0]), spikes.slice(4, 5).map((s) => s[1]));
    acc.add(spikes.slice(5).map((s) => s[0]), spikes.slice(5).map((s) => s[1]));
    const cvs = Array.from(acc.cvs());
    expect(cvs.length).toBe(2);
    expect(cvs[0]).toBeCloseTo(1 / 3, 14);
    expect(cvs[1]).toBeCloseTo(1 / (2 * Math.SQRT2), 14);
    expect(cvs[1]).toBeCloseTo(isiCv([1, 2, 3, 5]), 14);
  });

  it('a Poisson-like train has CV near 1', () => {
    let t = 0;
    const times: number[] = [];
    let x = 12345;
    for (let k = 0; k < 20000; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      t += -Math.log(1 - x / 2 ** 32) * 10;
      times.push(t);
    }
    expect(isiCv(times)).toBeGreaterThan(0.97);
    expect(isiCv(times)).toBeLessThan(1.03);
  });
});

describe('spike-count correlations', () => {
  it('pairwise coefficients by hand: identical 1, opposite -1, [1,0,0,0] vs [1,1,0,0] 1/sqrt(3), constant left out', () => {
    const sig = [
      [1, 0, 1, 0],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [0, 0, 0, 0],
    ];
    const cc = Array.from(pairwiseCorrelations(sig.flat(), 4, 4));
    // pairs (0,1) (0,2) (1,2); the constant signal 3 has none
    expect(cc).toHaveLength(3);
    expect(cc[0]).toBeCloseTo(1, 15);
    expect(cc[1]).toBeCloseTo(-1, 15);
    expect(cc[2]).toBeCloseTo(-1, 15);
    const c2 = pairwiseCorrelations([1, 0, 0, 0, 1, 1, 0, 0], 2, 4);
    expect(c2[0]).toBeCloseTo(1 / Math.sqrt(3), 15);
  });

  it('BinnedCounts bins the sample only, within [t0, t1)', () => {
    const b = new BinnedCounts(5, Int32Array.from([1, 3]), 0, 8, 2);
    expect(b.bins).toBe(4);
    b.add([1, 1, 2], [0.5, 2.0, 1]);
    b.add([3, 3], [7.9, 8]);
    expect(Array.from(b.counts)).toEqual([1, 1, 0, 0, 0, 0, 0, 1]);
    // [1,1,0,0] vs [0,0,0,1]: cov -0.5, variances 1 and 0.75
    expect(b.correlations()[0]).toBeCloseTo(-0.5 / Math.sqrt(0.75), 15);
  });

  it('sampleIndices: k distinct sorted indices, deterministic; all when k >= n', () => {
    const s = sampleIndices(1000, 200, 7);
    expect(s.length).toBe(200);
    expect(new Set(s).size).toBe(200);
    for (let k = 1; k < s.length; k++) expect(s[k]).toBeGreaterThan(s[k - 1]);
    expect(s[0]).toBeGreaterThanOrEqual(0);
    expect(s[199]).toBeLessThan(1000);
    expect(Array.from(sampleIndices(1000, 200, 7))).toEqual(Array.from(s));
    expect(Array.from(sampleIndices(1000, 200, 8))).not.toEqual(Array.from(s));
    expect(Array.from(sampleIndices(3, 5, 1))).toEqual([0, 1, 2]);
  });
});

describe('SVG writer', () => {
  it('ticks are round numbers covering the range', () => {
    expect(ticks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(0, 1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('bar chart, histogram panels and raster are well-formed SVG with escaped text', () => {
    const bar = barChart({ categories: ['L23E', 'a<b'], series: [{ name: 'axonal', values: [1, 2] }, { name: 'ref', values: [1.1, 1.9], errors: [0.1, 0.2] }], title: 'rates & more' });
    expect(bar.startsWith('<svg')).toBe(true);
    expect(bar.trim().endsWith('</svg>')).toBe(true);
    expect(bar).toContain('a&lt;b');
    expect(bar).toContain('rates &amp; more');
    expect((bar.match(/<rect /g) ?? []).length).toBe(1 + 4 + 2); // background, 4 bars, 2 legend keys
    const h = histogramPanels({ panels: [{ title: 'p', edges: [0, 1, 2], counts: [3, 0], marker: 0.5 }] });
    expect(h).toContain('stroke-dasharray');
    const r = raster({ groups: [{ name: 'E', rows: 2, t: [1, 2], row: [0, 1] }], t0: 0, t1: 10 });
    expect(r).toContain('>E</text>');
  });
});
