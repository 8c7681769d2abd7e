/**
 * Activity of populations laid out on a sheet of columns (PopulationSpec.sheet), from spikes fed
 * in chunks (time order): population rates in time bins, ISI statistics, spike counts per column in
 * a few time windows (sheet maps) and the spikes of a few columns for a raster ordered by column
 * and layer. Memory is bounded by the bins, the columns and the neurons, not by the spike count
 * (the raster keeps at most `maxRasterSpikes` spikes).
 *
 *   column of neuron i in a population of n neurons on C = columns_x · columns_y columns:
 *   c = floor(i / (n / C)); its grid position (c mod columns_x, floor(c / columns_x))
 */
import { SpikeCounter } from './rates.ts';
import { IsiAccumulator } from './cv.ts';

export interface SheetPopulation {
  name: string;
  size: number;
  /** columns of the population's sheet (1 × 1 without a sheet) */
  columnsX: number;
  columnsY: number;
  /** µm between column centres (the sheet's spacing), for distances */
  spacing?: number;
  /**
   * indices (within the population) of the neurons whose spikes are fed in, when a monitor records
   * only some (MonitorSpec `neurons`); default every neuron. Rates, silent fractions and the rate
   * per column are per recorded neuron, so that recording a fraction does not dilute them.
   */
  recorded?: ArrayLike<number>;
}

export interface SheetActivityOptions {
  /** ms; spikes before t0 are ignored (warm-up) */
  t0?: number;
  /** ms; end of the analysed window */
  t1: number;
  /** rate bin, ms (default 1) */
  binMs?: number;
  /** sheet maps: start times (ms) and the width of every window (ms, default 10) */
  frames?: number[];
  frameMs?: number;
  /** columns whose spikes are kept for the raster (default: up to 8 along the middle row) */
  rasterColumns?: number[];
  /** default 200,000 */
  maxRasterSpikes?: number;
  /**
   * bin (ms) of the cortical rate per column kept for the travelling-wave analysis (waveStats),
   * default 2; 0 for none. Kept only for a sheet of more than one column and at most 5·10⁷ bins.
   */
  columnBinMs?: number;
}

export class SheetActivity {
  readonly pops: SheetPopulation[];
  readonly t0: number;
  readonly t1: number;
  readonly binMs: number;
  readonly nBins: number;
  /** spike counts per population and bin */
  readonly bins: Float64Array[];
  readonly counters: SpikeCounter[];
  readonly isi: IsiAccumulator[];
  readonly frames: number[];
  readonly frameMs: number;
  /** per frame, per population: counts per column */
  readonly frameCounts: Float64Array[][];
  readonly rasterColumns: number[];
  readonly maxRasterSpikes: number;
  /** kept raster spikes: population, column, index within the column, time */
  rasterPop: number[] = [];
  rasterCol: number[] = [];
  rasterRow: number[] = [];
  rasterT: number[] = [];
  rasterDropped = 0;
  /** cortical (non-thalamic) spike counts per column and column bin, column-major: [c * nColBins + b]; null when not kept */
  readonly colBins: Float32Array | null;
  readonly colBinMs: number;
  readonly nColBins: number;
  private readonly rasterSlot: Map<number, number>;
  /** per population: recorded neurons, in all and per column; and which (null: every neuron) */
  readonly nRecorded: number[];
  readonly recordedPerColumn: Float64Array[];
  readonly recordedMask: (Uint8Array | null)[];
  /** populations counted as fully recorded because a spike came from outside their `recorded` neurons */
  readonly widened: string[] = [];

  constructor(pops: readonly SheetPopulation[], opts: SheetActivityOptions) {
    this.pops = pops.map((p) => ({ ...p }));
    this.t0 = opts.t0 ?? 0;
    this.t1 = opts.t1;
    if (!(this.t1 > this.t0)) throw new RangeError(`SheetActivity: t1 (${this.t1}) must be > t0 (${this.t0})`);
    this.binMs = opts.binMs ?? 1;
    if (!(this.binMs > 0)) throw new RangeError('SheetActivity: binMs must be > 0');
    this.nBins = Math.max(1, Math.floor((this.t1 - this.t0) / this.binMs + 1e-9));
    this.bins = this.pops.map(() => new Float64Array(this.nBins));
    this.counters = this.pops.map((p) => new SpikeCounter(p.size));
    this.recordedMask = this.pops.map((p) => {
      if (p.recorded === undefined) return null;
      const m = new Uint8Array(p.size);
      for (let j = 0; j < p.recorded.length; j++) {
        const i = p.recorded[j];
        if (!(Number.isInteger(i) && i >= 0 && i < p.size)) throw new RangeError(`SheetActivity: ${p.name}: recorded neuron ${i} outside [0, ${p.size})`);
        m[i] = 1;
      }
      return m;
    });
    this.recordedPerColumn = this.pops.map((p, k) => {
      const C = p.columnsX * p.columnsY, per = p.size / C, m = this.recordedMask[k];
      const out = new Float64Array(C);
      if (!m) out.fill(per);
      else for (let i = 0; i < p.size; i++) if (m[i]) out[Math.floor(i / per)]++;
      return out;
    });
    this.nRecorded = this.recordedMask.map((m, k) => (m ? m.reduce((a, b) => a + b, 0) : this.pops[k].size));
    this.isi = this.pops.map((p) => new IsiAccumulator(p.size));
    this.frameMs = opts.frameMs ?? 10;
    this.frames = opts.frames ?? defaultFrames(this.t0, this.t1, this.frameMs, 6);
    const cols = this.pops.map((p) => p.columnsX * p.columnsY);
    this.frameCounts = this.frames.map(() => cols.map((c) => new Float64Array(c)));
    const first = this.pops[0];
    this.rasterColumns = opts.rasterColumns ?? middleRow(first?.columnsX ?? 1, first?.columnsY ?? 1, 8);
    this.rasterSlot = new Map(this.rasterColumns.map((c, k) => [c, k]));
    this.maxRasterSpikes = opts.maxRasterSpikes ?? 200_000;
    this.colBinMs = opts.columnBinMs ?? 2;
    this.nColBins = this.colBinMs > 0 ? Math.max(1, Math.floor((this.t1 - this.t0) / this.colBinMs + 1e-9)) : 0;
    const C0 = (first?.columnsX ?? 1) * (first?.columnsY ?? 1);
    this.colBins = this.colBinMs > 0 && C0 > 1 && C0 * this.nColBins <= 5e7 ? new Float32Array(C0 * this.nColBins) : null;
  }

  /** whether population k's spikes count in the per-column cortical rates (not thalamic, on the first population's grid) */
  private columnBinned(k: number): boolean {
    const p = this.pops[k], f = this.pops[0];
    return this.colBins !== null && layerOf(p.name) !== 'thalamus' && p.columnsX === f.columnsX && p.columnsY === f.columnsY;
  }

  /** Add spikes of population k: indices within the population and times (ms), in time order. */
  add(k: number, indices: ArrayLike<number>, times: ArrayLike<number>): void {
    const p = this.pops[k];
    const C = p.columnsX * p.columnsY;
    const per = p.size / C;
    const bins = this.bins[k];
    const cb = this.columnBinned(k) ? this.colBins : null;
    const inWin: number[] = [];
    const inT: number[] = [];
    const m = this.recordedMask[k];
    if (m) for (let j = 0; j < indices.length; j++) if (!m[indices[j]]) { this.recordAll(k); break; }
    for (let j = 0; j < indices.length; j++) {
      const t = times[j];
      if (t < this.t0 || t >= this.t1) continue;
      const i = indices[j];
      inWin.push(i);
      inT.push(t);
      const b = Math.floor((t - this.t0) / this.binMs);
      if (b < this.nBins) bins[b]++;
      const c = Math.floor(i / per);
      if (cb) {
        const q = Math.floor((t - this.t0) / this.colBinMs);
        if (q < this.nColBins) cb[c * this.nColBins + q]++;
      }
      for (let f = 0; f < this.frames.length; f++) {
        const s = this.frames[f];
        if (t >= s && t < s + this.frameMs) this.frameCounts[f][k][c]++;
      }
      if (this.rasterSlot.has(c)) {
        if (this.rasterT.length < this.maxRasterSpikes) {
          this.rasterPop.push(k);
          this.rasterCol.push(c);
          this.rasterRow.push(i - c * per);
          this.rasterT.push(t);
        } else this.rasterDropped++;
      }
    }
    this.counters[k].add(inWin);
    this.isi[k].add(inWin, inT);
  }

  /** Count every neuron of population k as recorded (its data holds spikes from outside `recorded`). */
  private recordAll(k: number): void {
    const p = this.pops[k];
    this.recordedMask[k] = null;
    this.recordedPerColumn[k].fill(p.size / (p.columnsX * p.columnsY));
    this.nRecorded[k] = p.size;
    this.widened.push(p.name);
  }

  /** Rate of population k per bin, spikes/s per recorded neuron (NaN when none is recorded). */
  rate(k: number): Float64Array {
    const n = this.nRecorded[k];
    return this.bins[k].map((c) => (c * 1000) / (n * this.binMs));
  }

  /** Rate of a group of populations (e.g. a layer's E and I), spikes/s per recorded neuron. */
  groupRate(ks: readonly number[]): Float64Array {
    const out = new Float64Array(this.nBins);
    let n = 0;
    for (const k of ks) {
      n += this.nRecorded[k];
      const b = this.bins[k];
      for (let j = 0; j < this.nBins; j++) out[j] += b[j];
    }
    for (let j = 0; j < this.nBins; j++) out[j] = (out[j] * 1000) / (n * this.binMs);
    return out;
  }

  /** Mean rate of population k over the window, spikes/s per recorded neuron (NaN when none is recorded). */
  meanRate(k: number): number {
    const n = this.nRecorded[k];
    return n > 0 ? (this.counters[k].total * 1000) / (n * this.nBins * this.binMs) : NaN;
  }

  /** Recorded neurons of population k that did not fire in the window, as a fraction of the recorded (NaN when none is). */
  silentFraction(k: number): number {
    const m = this.recordedMask[k], counts = this.counters[k].counts;
    let silent = 0;
    for (let i = 0; i < counts.length; i++) if (counts[i] === 0 && (!m || m[i])) silent++;
    return this.nRecorded[k] > 0 ? silent / this.nRecorded[k] : NaN;
  }

  /** Rate per column (spikes/s per recorded neuron; NaN for a column with none) of a group of populations in frame f; all on one grid. */
  frameRates(f: number, ks: readonly number[]): Float64Array {
    const C = this.pops[ks[0]].columnsX * this.pops[ks[0]].columnsY;
    const out = new Float64Array(C);
    const perCol = new Float64Array(C);
    for (const k of ks) {
      const fc = this.frameCounts[f][k], rc = this.recordedPerColumn[k];
      for (let c = 0; c < C; c++) {
        out[c] += fc[c];
        perCol[c] += rc[c];
      }
    }
    for (let c = 0; c < C; c++) out[c] = perCol[c] > 0 ? (out[c] * 1000) / (perCol[c] * this.frameMs) : NaN;
    return out;
  }
}

/** n window starts spread evenly over [t0, t1 - width]. */
export function defaultFrames(t0: number, t1: number, width: number, n: number): number[] {
  const last = t1 - width;
  if (last <= t0) return [t0];
  return Array.from({ length: n }, (_, k) => +(t0 + ((last - t0) * k) / Math.max(1, n - 1)).toFixed(6));
}

/** Up to `max` columns along the middle row of the grid (columns_x wide). */
export function middleRow(cx: number, cy: number, max: number): number[] {
  const y = Math.floor(cy / 2);
  const n = Math.min(max, cx);
  const x0 = Math.floor((cx - n) / 2);
  return Array.from({ length: n }, (_, k) => y * cx + x0 + k);
}

/** Layer of a population name: "L23E" → "L2/3", "L4I", "L4FS", "L4LTS" → "L4", thalamic populations → "thalamus". */
export function layerOf(name: string): string {
  const m = /^L(\d+)(E|I|FS|LTS)$/.exec(name);
  if (m) return m[1] === '23' ? 'L2/3' : `L${m[1]}`;
  if (name === 'TC' || name === 'RE') return 'thalamus';
  return name;
}

/** Layers of the populations (in order of first appearance) with the indices of their populations. */
export function layerGroups(pops: readonly { name: string }[]): { layer: string; ks: number[] }[] {
  const groups: { layer: string; ks: number[] }[] = [];
  pops.forEach((p, k) => {
    const l = layerOf(p.name);
    let g = groups.find((x) => x.layer === l);
    if (!g) groups.push((g = { layer: l, ks: [] }));
    g.ks.push(k);
  });
  return groups;
}
