/**
 * ValueSpec sampling: constants, per-element arrays and distributions (uniform, normal with clip
 * or redraw bounds, bernoulli), drawn only from the counter-based RNG of src/core/rng.ts.
 *
 *   uniform   low + (high - low) * u,  u = KeyStream.uniform() in [0, 1) (53 bits, 2 counters)
 *   normal    mean + std * z,          z = KeyStream.normal() (Box–Muller, 3 counters)
 *             bound 'clip' (default): min/max clip the value; 'redraw': draw again (at most
 *             MAX_REDRAW attempts, then the build fails naming the field)
 *   bernoulli 1 if u < p else 0,       u = KeyStream.uniform()
 *
 * Per-neuron values: neuron i uses its own key rngKey(seed, stream, i) (counter from 0), so a
 * value does not depend on the population size or on other neurons.
 * Per-synapse values are drawn by the connectivity kernels with the same operations (drawValue in
 * assembly/connect.ts and src/backend/js/connect.ts): one key per target neuron, its synapses in
 * generation order (docs/model-format.md, per-synapse arrays).
 */
import type { ValueSpec } from '../core/types.ts';
import { KeyStream } from '../core/rng.ts';
import { ModelError } from './errors.ts';

/** Tolerance of the time grid: |x - round(x)| <= GRID_TOL * max(1, |x|), x = value / dt. */
export const GRID_TOL = 1e-6;
/** Attempts of a normal distribution with bound 'redraw' before the build fails. */
export const MAX_REDRAW = 1000;

/** The one rounding rule of the grid: steps = Math.round(value / dt) (halves round up). */
export function toSteps(value: number, dt: number): number {
  return Math.round(value / dt);
}

/** Largest step index (stored as int32). */
export const MAX_STEP = 2 ** 31 - 1;

/**
 * The steps [startStep, stopStep) of a `start` / `stop` pair in ms (inputs, poisson populations):
 * from step 0 and up to MAX_STEP when absent.
 */
export function stepWindow(w: { start?: unknown; stop?: unknown }, dt: number): { startStep: number; stopStep: number } {
  return {
    startStep: w.start === undefined ? 0 : toSteps(w.start as number, dt),
    stopStep: w.stop === undefined ? MAX_STEP : toSteps(w.stop as number, dt),
  };
}

/** True when value / dt is within GRID_TOL (relative, at least 1e-6 steps) of an integer. */
export function onGrid(value: number, dt: number): boolean {
  const x = value / dt;
  return Math.abs(x - Math.round(x)) <= GRID_TOL * Math.max(1, Math.abs(x));
}

/** A plain array or a numeric typed array (not a DataView). */
export function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

export const V_CONST = 0;
export const V_ARRAY = 1;
export const V_UNIFORM = 2;
export const V_NORMAL = 3;
export const V_BERNOULLI = 4;

/** A ValueSpec prepared for fast repeated draws (no allocation per draw). */
export interface Sampler {
  kind: number;
  /** constant value */
  c: number;
  arr: ArrayLike<number> | null;
  /** uniform: low, high - low; normal: mean, std; bernoulli: p */
  a: number;
  b: number;
  /** normal bounds (-Infinity / Infinity when absent) */
  min: number;
  max: number;
  redraw: boolean;
}

/** Prepare a (validated) ValueSpec. */
export function compileValue(spec: ValueSpec): Sampler {
  const s: Sampler = { kind: V_CONST, c: 0, arr: null, a: 0, b: 0, min: -Infinity, max: Infinity, redraw: false };
  if (typeof spec === 'number') {
    s.c = spec;
  } else if (isArrayLike(spec)) {
    s.kind = V_ARRAY;
    s.arr = spec as ArrayLike<number>;
  } else if (spec.dist === 'uniform') {
    s.kind = V_UNIFORM;
    s.a = spec.low;
    s.b = spec.high - spec.low;
  } else if (spec.dist === 'normal') {
    s.kind = V_NORMAL;
    s.a = spec.mean;
    s.b = spec.std;
    if (spec.min !== undefined) s.min = spec.min;
    if (spec.max !== undefined) s.max = spec.max;
    s.redraw = spec.bound === 'redraw';
  } else if (spec.dist === 'bernoulli') {
    s.kind = V_BERNOULLI;
    s.a = spec.p;
  } else {
    // { expr }: evaluated per population by src/network/expr.ts (resolveNeuronValues), never here
    throw new Error('compileValue: an expression must be resolved to per-neuron values first');
  }
  return s;
}

/**
 * One draw of a distribution sampler from the stream (kind V_UNIFORM, V_NORMAL or V_BERNOULLI).
 * Returns NaN when a 'redraw' normal found no value within its bounds in MAX_REDRAW attempts.
 */
export function drawValue(s: Sampler, ks: KeyStream): number {
  switch (s.kind) {
    case V_UNIFORM:
      return s.a + s.b * ks.uniform();
    case V_NORMAL: {
      if (!s.redraw) {
        const x = s.a + s.b * ks.normal();
        return x < s.min ? s.min : x > s.max ? s.max : x;
      }
      for (let k = 0; k < MAX_REDRAW; k++) {
        const x = s.a + s.b * ks.normal();
        if (x >= s.min && x <= s.max) return x;
      }
      return NaN;
    }
    case V_BERNOULLI:
      return ks.uniform() < s.a ? 1 : 0;
    case V_CONST:
      return s.c;
    default:
      throw new Error('drawValue: not a distribution');
  }
}

/** True when the spec gives the same value everywhere (a number, or an array whose entries are all equal). */
export function isUniformValue(spec: ValueSpec): boolean {
  if (typeof spec === 'number') return true;
  if (!isArrayLike(spec)) return false;
  const a = spec as ArrayLike<number>;
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/** Thrown when a 'redraw' normal distribution cannot produce a value within its bounds. */
export class RedrawError extends Error {
  constructor(readonly index: number) {
    super(`a normal distribution with bound 'redraw' found no value within [min, max] in ${MAX_REDRAW} attempts`);
  }
}

/**
 * Per-neuron values of a (validated) ValueSpec: neuron i draws from rngKey(seed, stream, i).
 * Throws RedrawError (with the neuron index) when a 'redraw' normal fails.
 */
export function sampleNeuronValues(spec: ValueSpec, seed: number, stream: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const s = compileValue(spec);
  if (s.kind === V_CONST) {
    out.fill(s.c);
  } else if (s.kind === V_ARRAY) {
    const a = s.arr!;
    for (let i = 0; i < n; i++) out[i] = a[i];
  } else {
    const ks = new KeyStream(seed, stream, 0);
    for (let i = 0; i < n; i++) {
      ks.reset(seed, stream, i);
      const x = drawValue(s, ks);
      if (x !== x) throw new RedrawError(i);
      out[i] = x;
    }
  }
  return out;
}

/** Smallest and largest value a (validated) ValueSpec can give. */
export function supportOf(spec: ValueSpec): { lo: number; hi: number } {
  if (typeof spec === 'number') return { lo: spec, hi: spec };
  if (isArrayLike(spec)) {
    const a = spec as ArrayLike<number>;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    return { lo, hi };
  }
  switch (spec.dist) {
    case 'uniform':
      return { lo: spec.low, hi: spec.high };
    case 'normal':
      if (spec.std === 0) {
        const x = Math.min(Math.max(spec.mean, spec.min ?? -Infinity), spec.max ?? Infinity);
        return { lo: x, hi: x };
      }
      return { lo: spec.min ?? -Infinity, hi: spec.max ?? Infinity };
    case 'bernoulli':
      return { lo: spec.p >= 1 ? 1 : 0, hi: spec.p <= 0 ? 0 : 1 };
    default:
      return { lo: -Infinity, hi: Infinity }; // { expr }: bounds need the population's variables (expr.ts)
  }
}

// ---------------------------------------------------------------------------------------------
// Poisson tables (host side, double precision)
// ---------------------------------------------------------------------------------------------

const TWO32 = 4294967296;
/** Entries stop once the probability of more events is below 2^-33 (half a unit of the 2^32 scale). */
const POISSON_TAIL = 2 ** -33;
const POISSON_WEIGHT_EPS = 2 ** -80;

/**
 * Spike threshold of a Poisson source of `rateHz` over one step of `dt` ms: a neuron spikes iff its
 * uint32 draw is < threshold, i.e. with probability 1 - exp(-rate dt) (at most one spike per step).
 */
export function poissonThreshold(rateHz: number, dt: number): number {
  const p = -Math.expm1((-rateHz * dt) / 1000);
  return Math.min(TWO32 - 1, Math.floor(p * TWO32));
}

/**
 * Cumulative Poisson table of mean lambda scaled to 2^32: t_k = round(P(K <= k) * 2^32) for
 * k = 0 .. L-1, where L is the first k with P(K > k) < 2^-33 (so the count, the number of entries
 * t_j <= u for a uniform uint32 u, has P(count = k) = P(K = k) to within 2^-32 each, and the
 * probability above L-1 events is lumped into L). The pmf is built by its ratio recurrence from
 * the mode (no exp(-lambda) underflow for large lambda) and normalised in double precision.
 * lambda = 0 gives an empty table (never an event).
 */
export function poissonTable(lambda: number): Uint32Array {
  if (!(lambda > 0)) return new Uint32Array(0);
  const mode = Math.floor(lambda);
  const up: number[] = [];
  let w = 1;
  for (let k = mode; ; k++) {
    w = (w * lambda) / (k + 1);
    if (w < POISSON_WEIGHT_EPS) break;
    up.push(w);
  }
  const down: number[] = [];
  w = 1;
  for (let k = mode; k > 0; k--) {
    w = (w * k) / lambda;
    if (w < POISSON_WEIGHT_EPS) break;
    down.push(w);
  }
  const lo = mode - down.length;
  const hi = mode + up.length;
  const wts = new Float64Array(hi - lo + 1);
  for (let j = 0; j < down.length; j++) wts[down.length - 1 - j] = down[j];
  wts[down.length] = 1;
  for (let j = 0; j < up.length; j++) wts[down.length + 1 + j] = up[j];
  // tails (suffix sums) and total, summed from the small end for accuracy
  const tail = new Float64Array(wts.length + 1);
  for (let j = wts.length - 1; j >= 0; j--) tail[j] = tail[j + 1] + wts[j];
  const total = tail[0];
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const j = k - lo; // index of k in wts (negative: below the computed range)
    const above = j < 0 ? 1 : j + 1 <= wts.length ? tail[j + 1] / total : 0; // P(K > k)
    if (above < POISSON_TAIL) break;
    const cdf = 1 - above;
    out.push(Math.min(TWO32 - 1, Math.round(cdf * TWO32)));
  }
  return Uint32Array.from(out);
}

/**
 * Per-neuron values of a validated ValueSpec, or a number when it is the same everywhere; a failed
 * redraw becomes a ModelError at `path`.
 */
export function perNeuron(spec: ValueSpec | undefined, dflt: number, seed: number, stream: number, n: number, path: string): number | Float64Array {
  if (spec === undefined) return dflt;
  if (typeof spec === 'number') return spec;
  if (isArrayLike(spec) && isUniformValue(spec)) return (spec as ArrayLike<number>)[0];
  try {
    return sampleNeuronValues(spec, seed, stream, n);
  } catch (e) {
    if (e instanceof RedrawError) throw new ModelError([{ path, message: `${e.message} (neuron ${e.index})` }]);
    throw e;
  }
}

/** Value of neuron i of a perNeuron result. */
export const at = (v: number | Float64Array, i: number) => (typeof v === 'number' ? v : v[i]);
