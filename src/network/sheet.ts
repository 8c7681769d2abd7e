/**
 * Sheets of cortical columns (docs/model-format.md#sheets-and-spatial-connectivity): a population
 * with `sheet: { columns_x, columns_y, spacing? }` has size / (columns_x columns_y) neurons per
 * column; neuron i lies in column c = floor(i / perColumn), whose centre is at
 * x = (c % columns_x) spacing, y = floor(c / columns_x) spacing (um). Helpers for model
 * generators and analysis; sheetDistance is the distance the connectivity kernels use for
 * distance-dependent delays, computed with the same float64 operations.
 */
import type { SheetSpec } from '../core/types.ts';
import { gridDistance } from '../core/sheet.ts';

/** Default distance between neighbouring column centres, um. */
export const DEFAULT_SPACING = 100;

/** Spacing of a sheet, um (default 100). */
export function spacingOf(sheet: SheetSpec): number {
  return sheet.spacing ?? DEFAULT_SPACING;
}

/** Number of columns of a sheet. */
export function columnCount(sheet: SheetSpec): number {
  return sheet.columns_x * sheet.columns_y;
}

/** Neurons per column of a population of `size` neurons on `sheet`. */
export function neuronsPerColumn(size: number, sheet: SheetSpec): number {
  return size / (sheet.columns_x * sheet.columns_y);
}

/** The column of neuron i of a population ({ size, sheet }). */
export function columnOf(pop: { size: number; sheet?: SheetSpec }, i: number): number {
  if (!pop.sheet) throw new Error('columnOf: the population has no sheet');
  return Math.floor(i / neuronsPerColumn(pop.size, pop.sheet));
}

/** Centre of column c, um: x = (c % columns_x) spacing, y = floor(c / columns_x) spacing. */
export function columnCentre(sheet: SheetSpec, c: number): { x: number; y: number } {
  const s = spacingOf(sheet);
  return { x: (c % sheet.columns_x) * s, y: Math.floor(c / sheet.columns_x) * s };
}

/**
 * Distance in um between the centres of columns a and b: spacing * sqrt(dx^2 + dy^2) with dx, dy
 * in columns, the shorter way round each axis when `periodic` (a torus). Bit for bit the distance
 * of the connectivity kernels' distance-dependent delays.
 */
export function sheetDistance(sheet: SheetSpec, a: number, b: number, periodic = false): number {
  return gridDistance(a, b, sheet.columns_x, sheet.columns_y, spacingOf(sheet), periodic);
}

/** Distance in um between the columns of neuron i of `source` and neuron j of `target` (equal sheets). */
export function neuronDistance(
  source: { size: number; sheet?: SheetSpec }, i: number, target: { size: number; sheet?: SheetSpec }, j: number, periodic = false,
): number {
  return sheetDistance(source.sheet!, columnOf(source, i), columnOf(target, j), periodic);
}

/** Largest distance between two column centres of a sheet, um (the shorter way round when periodic). */
export function maxSheetDistance(sheet: SheetSpec, periodic: boolean): number {
  const dx = periodic ? Math.floor(sheet.columns_x / 2) : sheet.columns_x - 1;
  const dy = periodic ? Math.floor(sheet.columns_y / 2) : sheet.columns_y - 1;
  return spacingOf(sheet) * Math.sqrt(dx * dx + dy * dy);
}

/** spatial_indegree: (radius / spacing)^2, the squared column offset beyond which a draw is redrawn. */
export function radiusColumns2(radius: number, spacing: number): number {
  const r = radius / spacing;
  return r * r;
}

/**
 * spatial_indegree: the number of columns a target column can draw from (centres within the radius,
 * rho2 = radiusColumns2), for the worst-placed target: a corner of a non-periodic sheet; on a
 * periodic sheet every column has the same count (columns counted once however often they wrap).
 */
export function reachableColumns(columnsX: number, columnsY: number, rho2: number, periodic: boolean): number {
  // largest w >= 0 with w*w <= q (q >= 0), exact for integers below 2^26
  const isqrt = (q: number): number => {
    let w = Math.floor(Math.sqrt(q));
    while (w * w > q) w--;
    while ((w + 1) * (w + 1) <= q) w++;
    return w;
  };
  let n = 0;
  for (let j = 0; j < columnsY; j++) {
    const dy = periodic ? Math.min(j, columnsY - j) : j;
    const q = rho2 - dy * dy;
    if (q < 0) {
      if (!periodic) break;
      continue;
    }
    const w = isqrt(q);
    n += periodic ? Math.min(columnsX, 2 * w + 1) : Math.min(columnsX, w + 1);
  }
  return n;
}

/** spatial_indegree's parameters (sigma = 0: the own column only, whatever the radius). */
export interface SpatialParams {
  periodic: boolean;
  /** um */
  sigma: number;
  /** um (0 when sigma = 0) */
  radius: number;
  /** (radius / spacing)^2: a column offset (dx, dy) is allowed when dx^2 + dy^2 <= rho2 */
  rho2: number;
}

export function spatialParams(conn: { sigma: number; radius?: number; periodic?: boolean }, spacing: number): SpatialParams {
  const sigma = conn.sigma;
  const radius = sigma > 0 ? (conn.radius ?? 3 * sigma) : 0;
  return { periodic: conn.periodic !== false, sigma, radius, rho2: radiusColumns2(radius, spacing) };
}

/** Largest radius of spatial_indegree in column spacings. */
export const MAX_RADIUS_COLUMNS = 2000;
/** Most entries of spatial_indegree's table of column offsets (12 bytes each). */
export const MAX_OFFSET_TABLE = 1 << 20;

/** P(Z > x), Z standard normal, x >= 0, to about 1e-15 relative (series below 5, continued fraction above). */
function normalTail(x: number): number {
  const phi = Math.exp(-0.5 * x * x) * 0.3989422804014327;
  if (x < 5) {
    // Phi(x) - 1/2 = phi(x) (x + x^3/3 + x^5/(3*5) + ...)
    let term = x;
    let sum = x;
    for (let k = 3; term > 1e-17 * sum; k += 2) {
      term = (term * x * x) / k;
      sum += term;
    }
    return 0.5 - phi * sum;
  }
  // phi(x) / (x + 1/(x + 2/(x + 3/(x + ...))))
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / f;
  return phi / f;
}

/** Mass of the Gaussian (std sigmaColumns) on [k - 1/2, k + 1/2): the probability of column offset k along one axis. */
function cellMass(k: number, sigmaColumns: number): number {
  if (!(sigmaColumns > 0)) return k === 0 ? 1 : 0;
  const a = Math.abs(k);
  if (a === 0) return 1 - 2 * normalTail(0.5 / sigmaColumns);
  return normalTail((a - 0.5) / sigmaColumns) - normalTail((a + 0.5) / sigmaColumns);
}

/** Signed representative of offset d on an axis of n columns, in (-n/2, n/2]. */
function wrapOffset(d: number, n: number): number {
  let r = ((d % n) + n) % n;
  if (r > n / 2) r -= n;
  return r;
}

/**
 * Number of entries of spatial_indegree's table of column offsets: on a periodic sheet the distinct
 * columns within the radius (offsets that wrap to one column are one entry), else the offsets
 * within the radius that can stay on the sheet (|dx| < columns_x, |dy| < columns_y).
 */
export function offsetTableSize(columnsX: number, columnsY: number, rho2: number, periodic: boolean): number {
  if (periodic) return reachableColumns(columnsX, columnsY, rho2, true);
  let n = 0;
  const r = Math.floor(Math.sqrt(rho2)) + 1;
  for (let dy = -Math.min(r, columnsY - 1); dy <= Math.min(r, columnsY - 1); dy++) {
    const q = rho2 - dy * dy;
    if (q < 0) continue;
    let w = Math.floor(Math.sqrt(q));
    while (w * w > q) w--;
    while ((w + 1) * (w + 1) <= q) w++;
    n += Math.min(2 * w + 1, 2 * columnsX - 1);
  }
  return n;
}

/**
 * spatial_indegree's distribution of column offsets as an alias table (Walker; Vose's construction in
 * double precision), as the connectivity kernels sample it: per entry u32 (threshold, offset, alias's
 * offset), offset = (dx + 32768) | (dy + 32768) << 16. The offset of a Gaussian of std sigma per axis
 * rounded to the nearest column has probability m(dx) m(dy), m(k) the normal mass of
 * [k - 1/2, k + 1/2) sigma-scaled; offsets beyond the radius (dx^2 + dy^2 > rho2) are left out (a
 * redraw), on a periodic sheet offsets that reach the same column are one entry, on a plain sheet
 * offsets that always leave it are left out (the kernels redraw the others when they leave the
 * sheet). An entry is taken with its threshold / 2^32 (the alias otherwise).
 */
export function spatialOffsetTable(sp: SpatialParams, columnsX: number, columnsY: number, spacing: number): Uint32Array {
  const sc = sp.sigma / spacing;
  const r = Math.floor(Math.sqrt(sp.rho2)) + 1;
  const mass1 = new Float64Array(r + 1);
  for (let k = 0; k <= r; k++) mass1[k] = cellMass(k, sc);
  const index = new Map<number, number>();
  const offs: number[] = [];
  const mass: number[] = [];
  const ry = sp.periodic ? r : Math.min(r, columnsY - 1);
  const rx = sp.periodic ? r : Math.min(r, columnsX - 1);
  for (let dy = -ry; dy <= ry; dy++) {
    for (let dx = -rx; dx <= rx; dx++) {
      if (dx * dx + dy * dy > sp.rho2) continue;
      const m = mass1[Math.abs(dx)] * mass1[Math.abs(dy)];
      const ox = sp.periodic ? wrapOffset(dx, columnsX) : dx;
      const oy = sp.periodic ? wrapOffset(dy, columnsY) : dy;
      const code = ((ox + 32768) | ((oy + 32768) << 16)) >>> 0;
      const j = index.get(code);
      if (j === undefined) {
        index.set(code, offs.length);
        offs.push(code);
        mass.push(m);
      } else mass[j] += m;
    }
  }
  const n = offs.length;
  let total = 0;
  for (let j = 0; j < n; j++) total += mass[j];
  // Vose: scaled probabilities q = n p; small ones are topped up by a large one
  const q = new Float64Array(n);
  for (let j = 0; j < n; j++) q[j] = total > 0 ? (mass[j] * n) / total : 1;
  const alias = new Int32Array(n);
  for (let j = 0; j < n; j++) alias[j] = j;
  const small: number[] = [];
  const large: number[] = [];
  for (let j = n - 1; j >= 0; j--) (q[j] < 1 ? small : large).push(j);
  while (small.length && large.length) {
    const l = small.pop()!;
    const g = large.pop()!;
    alias[l] = g;
    q[g] = q[g] + q[l] - 1;
    (q[g] < 1 ? small : large).push(g);
  }
  const out = new Uint32Array(3 * n);
  for (let j = 0; j < n; j++) {
    const full = alias[j] === j || q[j] >= 1;
    out[3 * j] = full ? 0xffffffff : Math.min(0xffffffff, Math.floor(q[j] * 4294967296));
    out[3 * j + 1] = offs[j];
    out[3 * j + 2] = full ? offs[j] : offs[alias[j]];
  }
  return out;
}

/**
 * Largest column distance (um) a projection's synapses can span: spatial_indegree at most the
 * radius (spacing sqrt(rho2)) and the sheet's extent (shorter way round when periodic); other rules
 * the sheet's extent without wrapping.
 */
export function maxProjectionDistance(sheet: SheetSpec, spatial: SpatialParams | null): number {
  if (!spatial) return maxSheetDistance(sheet, false);
  return Math.min(maxSheetDistance(sheet, spatial.periodic), spacingOf(sheet) * Math.sqrt(spatial.rho2));
}

/** Delay in steps of a distance-dependent delay (offset ms, velocity m/s) over d um: max(1, round(x / dt)). */
export function distanceDelaySteps(offset: number, velocity: number, d: number, dt: number): number {
  return Math.max(1, Math.round((offset + d / (1000 * velocity)) / dt));
}
