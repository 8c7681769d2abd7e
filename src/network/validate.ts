/**
 * Validation of a model description (docs/model-format.md): every problem at once, each with the
 * path of its field. Nothing here allocates per neuron or per synapse beyond scanning the arrays
 * the user gave, so a model of any declared size validates in microseconds.
 *
 * checkModel() also resolves what the builder and the estimator need (population indices,
 * receptor channels, synapse counts, delay bounds), so that the rules live in one place.
 */
import type { ConnectSpec, EquationModelSpec, ModelSpec, NeuronKind, NeuronModelName, PlannedModelName, PopulationSpec, ValueSpec } from '../core/types.ts';
import type { ModelAnalysis } from '../equations/compile.ts';
import { EquationError } from '../equations/errors.ts';
import type { CompiledModel } from '../equations/model.ts';
import { BUILTIN_MODELS, builtinModel, modelsReceiving, neuronModel } from '../neurons/index.ts';
import type { ModelRules, SynapseKind } from '../neurons/types.ts';
import {
  analysisOf, compilePopulationModel, drawCount, equationIssues, equationModelOf, MAX_DRAWS, mergedParameters, onPreOf, quantityValue,
} from '../equations/population.ts';
import { checkReceptors, usesISyn, type Receptor } from '../equations/receptors.ts';
import { MAX_DELAY_STEPS } from '../core/layout.ts';
import { ModelError, type ModelIssue } from './errors.ts';
import { GRID_TOL, isArrayLike, MAX_STEP, onGrid, supportOf, toSteps, isUniformValue } from './values.ts';
import { allowedSources, synapseCount } from './connect.ts';
import {
  DEFAULT_SPACING, distanceDelaySteps, MAX_OFFSET_TABLE, MAX_RADIUS_COLUMNS, maxProjectionDistance, offsetTableSize, reachableColumns,
  spatialParams, type SpatialParams,
} from './sheet.ts';
import { MAX_INPUTS, MAX_POPULATIONS, MAX_PROJECTIONS } from './streams.ts';
import { checkExprValue, checkRandomVars, isExprSpec, type Interval } from './expr.ts';
import { checkNoiseInput, NOISE_INPUT_FIELDS } from './noise-input.ts';

// ---------------------------------------------------------------------------------------------
// Defaults (documented in docs/model-format.md)
// ---------------------------------------------------------------------------------------------

/** Default duration of a run, ms. */
export const DEFAULT_DURATION = 1000;
/** Default seed when neither the options nor the model give one. */
export const DEFAULT_SEED = 1;
/** Largest expected number of events per step of one Poisson input (table length ~ lambda). */
export const MAX_POISSON_LAMBDA = 1e5;
export { MAX_STEP };
const MAX_SIZE = 2 ** 31 - 1;
const MAX_U32 = 0xffffffff;

const MODELS: readonly NeuronModelName[] = BUILTIN_MODELS;
const KINDS: readonly NeuronKind[] = ['excitatory', 'inhibitory'];
const RULES = ['all_to_all', 'one_to_one', 'pairwise_bernoulli', 'fixed_indegree', 'fixed_outdegree', 'fixed_total_number', 'explicit', 'spatial_indegree'] as const;
const RULE_FIELDS: Record<string, readonly string[]> = {
  all_to_all: ['rule', 'allow_autapses'],
  one_to_one: ['rule'],
  pairwise_bernoulli: ['rule', 'p', 'allow_autapses'],
  fixed_indegree: ['rule', 'indegree', 'allow_autapses', 'allow_multapses'],
  fixed_outdegree: ['rule', 'outdegree', 'allow_autapses', 'allow_multapses'],
  fixed_total_number: ['rule', 'n', 'allow_autapses', 'allow_multapses'],
  explicit: ['rule', 'sources', 'targets'],
  spatial_indegree: ['rule', 'indegree', 'sigma', 'radius', 'periodic', 'allow_autapses', 'allow_multapses'],
};
const FIXED_RULES = 'explicit, one_to_one, all_to_all, fixed_indegree, fixed_outdegree, fixed_total_number or spatial_indegree';
const SHEET_FIELDS = ['columns_x', 'columns_y', 'spacing'];
const TOP_FIELDS = ['name', 'description', 'dt', 'duration', 'seed', 'threads', 'models', 'populations', 'projections', 'inputs', 'monitors'];
const POP_FIELDS = ['name', 'size', 'model', 'type', 'synapse', 'params', 'parameters', 'initial', 'random', 'sheet', 'receptors'];
const PROJ_FIELDS = ['name', 'source', 'target', 'connect', 'weight', 'delay', 'receptor', 'on_pre', 'plasticity', 'pruning', 'short_term'];
/** the fields of a model from equations (docs/equations.md) */
const EQUATION_FIELDS = ['equations', 'threshold', 'reset', 'refractory', 'method', 'parameters'];
const SHORT_TERM_FIELDS = ['rule', 'U', 'tau_rec', 'tau_fac'];
/** population names: fields of the CSV files `axonal run` writes, never quoted (src/io/records.ts) */
const POP_NAME = /^[A-Za-z0-9_.-]+$/;
/** projection names: also '>' and ':' (the default name is source->target) */
const PROJ_NAME = /^[A-Za-z0-9_.:>-]+$/;
const PRUNING_FIELDS: Record<string, readonly string[]> = {
  weight_below: ['rule', 'threshold', 'every_ms', 'at_ms'],
  elimination_rate: ['rule', 'rate', 'bias', 'w_ref', 'every_ms', 'at_ms'],
};
const STDP_FIELDS = ['rule', 'tau_plus', 'tau_minus', 'a_plus', 'a_minus', 'w_min', 'w_max', 'weight_dependence', 'pairing'];
const IZH2006_FIELDS = ['rule', 'tau_plus', 'tau_minus', 'a_plus', 'a_minus', 'w_min', 'w_max', 'apply_every_ms', 'bias', 'decay', 'pairing'];
const RANDOM_DRIVE_FIELDS = ['type', 'target', 'amplitude', 'count', 'receptor', 'start', 'stop'];
const POISSON_INPUT_FIELDS = ['type', 'target', 'rate', 'weight', 'receptor', 'on_pre', 'start', 'stop'];
const CURRENT_INPUT_FIELDS = ['type', 'target', 'amplitude', 'start', 'stop', 'neurons'];
const MONITOR_FIELDS: Record<string, readonly string[]> = {
  spikes: ['type', 'population', 'neurons'],
  state: ['type', 'population', 'variables', 'neurons', 'every'],
  rate: ['type', 'population'],
  synapses: ['type', 'projection', 'every_ms'],
};
/** At most this many issues per array (then one summary line). */
const MAX_ARRAY_ISSUES = 3;

/** State variables of a model (initial values and state monitors). */
export function stateVariables(model: NeuronModelName, synapse: 'exp' | 'delta' | undefined): string[] {
  return neuronModel(model).rules!.stateVariables(synapse);
}

/** Number of ring-buffer channels of a population of a built-in model. */
export function channelsOf(model: NeuronModelName, synapse: 'exp' | 'delta' | undefined): number {
  return neuronModel(model).rules!.channels(synapse);
}

/** The rules of a built-in model (src/neurons), or undefined for a model from equations or none. */
function rulesOf(model: PlannedModelName | undefined): ModelRules | undefined {
  return model === undefined || model === 'equations' ? undefined : neuronModel(model).rules!;
}

// ---------------------------------------------------------------------------------------------
// Resolved model
// ---------------------------------------------------------------------------------------------

export interface CheckedPopulation {
  index: number;
  name: string;
  size: number;
  model: PlannedModelName;
  /** a model from equations: the variables its ring channels drive (channel c: inputs[c]) */
  inputs?: string[];
  type?: NeuronKind;
  synapse?: 'exp' | 'delta';
  channels: number;
  /** the population's sheet (spacing resolved), if any */
  sheet?: CheckedSheet;
}

/** A valid sheet: size is a multiple of columns_x * columns_y. */
export interface CheckedSheet {
  columns_x: number;
  columns_y: number;
  spacing: number;
  /** neurons per column */
  perColumn: number;
}

export interface CheckedProjection {
  index: number;
  name: string;
  source: number;
  target: number;
  same: boolean;
  channel: number;
  /** exact (fixed rules) or expected (pairwise_bernoulli) number of synapses */
  count: number;
  countFixed: boolean;
  weightPerSynapse: boolean;
  delayPerSynapse: boolean;
  /** largest delay in steps the spec allows (exact for constants and arrays) */
  maxDelaySteps: number;
  /** a target from equations: model-file weights times this are the kernel's (on_pre's factor and the variable's unit) */
  weightFactor: number;
}

export interface CheckedInput {
  index: number;
  target: number;
  channel: number;
  /** a target from equations: the weight factor (see CheckedProjection) */
  weightFactor?: number;
  /** random_drive: every target population with its channel (target/channel are the first) */
  targets?: { target: number; channel: number }[];
}

export interface CheckedModel {
  issues: ModelIssue[];
  dt: number;
  populations: CheckedPopulation[];
  projections: CheckedProjection[];
  inputs: CheckedInput[];
}

/** Check a model: all issues, and (meaningful only when there are none) the resolved structure. */
export function checkModel(spec: unknown): CheckedModel {
  const c = new Checker();
  c.model(spec);
  return { issues: c.issues, dt: c.dt ?? NaN, populations: c.pops as CheckedPopulation[], projections: c.projs as CheckedProjection[], inputs: c.inputs as CheckedInput[] };
}

/** Problems of a pruning rule given through the API (sim.prune), with paths under `path`. */
export function checkPruning(rule: unknown, dt: number, path = 'rule'): ModelIssue[] {
  const c = new Checker();
  c.dt = dt;
  c.scan(rule, path, 0);
  c.pruning(rule, path, '');
  return c.issues;
}

/**
 * Every problem of a model description, each as { path, message } (empty when valid). Never throws.
 */
export function validateModel(spec: unknown): ModelIssue[] {
  return checkModel(spec).issues;
}

/** Throws a ModelError with every issue unless `spec` is a valid model: a type guard for a parsed JSON file. */
export function assertValidModel(spec: unknown): asserts spec is ModelSpec {
  const issues = validateModel(spec);
  if (issues.length) throw new ModelError(issues);
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x);
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (isArrayLike(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return 'an object';
  return typeof x;
}

function fmt(x: number, unit: string): string {
  return unit ? `${x} ${unit}` : String(x);
}

function quoteList(xs: readonly string[]): string {
  return xs.map((s) => `'${s}'`).join(', ');
}

/** Optimal string alignment distance (edits and adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

function suggest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(key.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(key.length / 3)) && bestD < key.length ? best : undefined;
}

/** Parsed ValueSpec. */
export interface PV {
  kind: 'const' | 'array' | 'uniform' | 'normal' | 'bernoulli' | 'expr';
  spec: ValueSpec;
  lo: number;
  hi: number;
}

export interface ValueOpts {
  unit: string;
  /** per-neuron values: bounds of the population's `random` variables, which { expr } may use */
  vars?: ReadonlyMap<string, Interval>;
  /** e.g. `population "E"` */
  varsOf?: string;
  /** required array length; null: arrays not allowed (arrayReason says why); undefined: unknown */
  count: number | null | undefined;
  /** e.g. `one value per neuron of population "E" (100)` */
  countWhat?: string;
  arrayReason?: string;
  /** distributions not allowed: the reason */
  noDist?: string;
}

interface Pop {
  index: number;
  name?: string;
  size?: number;
  /** a valid sheet (the population's size a multiple of its columns) */
  sheet?: CheckedSheet;
  /** the population declares a sheet (valid or not) */
  hasSheet?: boolean;
  model?: PlannedModelName;
  type?: NeuronKind;
  synapse?: 'exp' | 'delta';
  /** a model from equations: its analysis (null when it has errors), where it is written, and the variables projections and inputs drive (ring channels in order) */
  eq?: { analysis: ModelAnalysis | null; path: string; def: EquationModelSpec; inputs: string[]; units: Map<string, { unit: string; factor: number }>; written: EquationModelSpec };
  /** a model from equations with receptors (src/equations/receptors.ts): the valid ones, or 'invalid' (reported) */
  receptors?: Receptor[] | 'invalid';
}

class Checker {
  issues: ModelIssue[] = [];
  dt: number | undefined;
  popInfo: Pop[] = [];
  popByName = new Map<string, number>();
  projNames = new Map<string, number>();
  /** every projection's name, given or default (source->target), for references from monitors */
  allProjNames: string[] = [];
  pops: (CheckedPopulation | null)[] = [];
  projs: (CheckedProjection | null)[] = [];
  inputs: (CheckedInput | null)[] = [];
  /** the top-level `models` (models from equations), when an object */
  models: Obj = {};
  /** named models from equations whose own errors were reported already */
  private reportedModels = new Set<string>();

  err(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  // --- generic -------------------------------------------------------------------------------

  /** NaN / ±Infinity anywhere in the description (JSON cannot hold them, the API can). */
  scan(x: unknown, path: string, depth: number): void {
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) this.err(path, `must be a finite number, got ${x}`);
      return;
    }
    if (x === null || typeof x !== 'object' || depth > 64) return;
    if (isArrayLike(x)) {
      let bad = 0;
      const n = x.length;
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (typeof v === 'number') {
          if (v - v !== 0) {
            if (bad < MAX_ARRAY_ISSUES) this.err(`${path}[${i}]`, `must be a finite number, got ${v}`);
            bad++;
          }
        } else if (typeof v === 'object' && v !== null) this.scan(v, `${path}[${i}]`, depth + 1);
      }
      if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more entries are not finite numbers`);
      return;
    }
    for (const k of Object.keys(x)) this.scan((x as Obj)[k], join(path, k), depth + 1);
  }

  /** Unknown fields are errors: a typo would silently change the model. */
  fields(o: Obj, allowed: readonly string[], path: string, what: string): void {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const s = suggest(k, allowed);
      this.err(join(path, k), `unknown field${s ? `; did you mean "${s}"?` : ''} (fields of ${what}: ${allowed.join(', ')})`);
    }
  }

  /** A finite number, or undefined (type errors reported; non-finite numbers were reported by scan). */
  num(x: unknown, path: string, expected: string): number | undefined {
    if (typeof x !== 'number') {
      this.err(path, `must be ${expected}, got ${describe(x)}`);
      return undefined;
    }
    return Number.isFinite(x) ? x : undefined;
  }

  bool(o: Obj, key: string, path: string): boolean | undefined {
    const x = o[key];
    if (x === undefined) return undefined;
    if (typeof x !== 'boolean') {
      this.err(join(path, key), `must be true or false, got ${describe(x)}`);
      return undefined;
    }
    return x;
  }

  nonNegInt(x: unknown, path: string, what: string, max = MAX_U32): number | undefined {
    const v = this.num(x, path, `a non-negative integer (${what})`);
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < 0 || v > max) {
      this.err(path, `must be a non-negative integer (${what}) up to ${max}, got ${v}`);
      return undefined;
    }
    return v;
  }

  /** An array of neuron indices of a population of `size` (size undefined: range not checked). */
  indices(x: unknown, path: string, size: number | undefined, what: string): ArrayLike<number> | undefined {
    if (!isArrayLike(x)) {
      this.err(path, `must be an array of ${what}, got ${describe(x)}`);
      return undefined;
    }
    let bad = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (typeof v === 'number' && !Number.isFinite(v)) continue; // reported by scan
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || (size !== undefined && v >= size)) {
        if (bad < MAX_ARRAY_ISSUES)
          this.err(`${path}[${i}]`, `must be an integer in [0, ${size ?? 'size'}) (${what}), got ${describe(v)}`);
        bad++;
      }
    }
    if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more entries are out of range`);
    return bad ? undefined : (x as ArrayLike<number>);
  }

  /** Check a ValueSpec; returns its parsed form or undefined when malformed. */
  value(x: unknown, path: string, o: ValueOpts): PV | undefined {
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) return undefined;
      return { kind: 'const', spec: x, lo: x, hi: x };
    }
    if (isArrayLike(x)) {
      if (o.count === null) {
        this.err(path, `per-synapse arrays are only allowed where the number of synapses is fixed (${FIXED_RULES})${o.arrayReason ? `; ${o.arrayReason}` : ''}`);
        return undefined;
      }
      let ok = true;
      let bad = 0;
      for (let i = 0; i < x.length; i++) {
        const v = x[i];
        if (typeof v !== 'number') {
          if (bad < MAX_ARRAY_ISSUES) this.err(`${path}[${i}]`, `must be a number${o.unit ? ` (${o.unit})` : ''}, got ${describe(v)}`);
          bad++;
          ok = false;
        } else if (!Number.isFinite(v)) ok = false;
      }
      if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more entries are not numbers`);
      if (o.count !== undefined && x.length !== o.count) {
        this.err(path, `must have ${o.countWhat ?? `${o.count} values`}, got ${x.length} values`);
        ok = false;
      }
      if (!ok) return undefined;
      const spec = x as unknown as number[];
      const s = supportOf(spec);
      return { kind: 'array', spec, lo: s.lo, hi: s.hi };
    }
    if (isObj(x)) {
      if (isExprSpec(x)) return checkExprValue(this, x, path, o);
      if (o.noDist) {
        this.err(path, `distributions are not allowed here: ${o.noDist}`);
        return undefined;
      }
      const d = x.dist;
      const before = this.issues.length;
      if (d === 'uniform') {
        this.fields(x, ['dist', 'low', 'high'], path, 'a uniform distribution');
        const low = this.num(x.low, join(path, 'low'), `a number${o.unit ? ` (${o.unit})` : ''}`);
        const high = this.num(x.high, join(path, 'high'), `a number${o.unit ? ` (${o.unit})` : ''}`);
        if (low !== undefined && high !== undefined && low > high) this.err(join(path, 'high'), `must be >= low (${low}), got ${high}`);
      } else if (d === 'normal') {
        this.fields(x, ['dist', 'mean', 'std', 'min', 'max', 'bound'], path, 'a normal distribution');
        const mean = this.num(x.mean, join(path, 'mean'), `a number${o.unit ? ` (${o.unit})` : ''}`);
        const std = this.num(x.std, join(path, 'std'), `a number >= 0${o.unit ? ` (${o.unit})` : ''}`);
        if (std !== undefined && std < 0) this.err(join(path, 'std'), `must be >= 0, got ${std}`);
        const min = x.min === undefined ? undefined : this.num(x.min, join(path, 'min'), 'a number');
        const max = x.max === undefined ? undefined : this.num(x.max, join(path, 'max'), 'a number');
        if (min !== undefined && max !== undefined && min > max) this.err(join(path, 'max'), `must be >= min (${min}), got ${max}`);
        if (x.bound !== undefined && x.bound !== 'clip' && x.bound !== 'redraw')
          this.err(join(path, 'bound'), `must be 'clip' or 'redraw', got ${describe(x.bound)}`);
        if (x.bound === 'redraw' && std === 0 && mean !== undefined && ((min !== undefined && mean < min) || (max !== undefined && mean > max)))
          this.err(path, `with std 0 and bound 'redraw' no value can fall within [min, max]`);
      } else if (d === 'bernoulli') {
        this.fields(x, ['dist', 'p'], path, 'a bernoulli distribution');
        const p = this.num(x.p, join(path, 'p'), 'a probability in [0, 1]');
        if (p !== undefined && (p < 0 || p > 1)) this.err(join(path, 'p'), `must be a probability in [0, 1], got ${p}`);
      } else {
        this.err(join(path, 'dist'), `must be 'uniform', 'normal' or 'bernoulli', got ${describe(d)}`);
        return undefined;
      }
      if (this.issues.length !== before || hasNonFinite(x)) return undefined;
      const spec = x as unknown as ValueSpec;
      const s = supportOf(spec);
      return { kind: d as PV['kind'], spec, lo: s.lo, hi: s.hi };
    }
    this.err(path, `must be a number${o.unit ? ` (${o.unit})` : ''}, an array of numbers or a distribution {dist: 'uniform' | 'normal' | 'bernoulli', ...}, got ${describe(x)}`);
    return undefined;
  }

  /**
   * Require every value the spec can give to satisfy ok(x) (monotone conditions such as x > 0,
   * so the ends of a distribution's support suffice). `need` reads like "must be > 0 ms".
   */
  constrain(pv: PV, path: string, ok: (x: number) => boolean, need: string, unit: string, exactConst = false): boolean {
    switch (pv.kind) {
      case 'const': {
        const c = pv.spec as number;
        if (ok(c)) return true;
        this.err(path, exactConst ? need : `${need}, got ${fmt(c, unit)}`);
        return false;
      }
      case 'array': {
        const a = pv.spec as unknown as ArrayLike<number>;
        let bad = 0;
        for (let i = 0; i < a.length; i++) {
          if (ok(a[i])) continue;
          if (bad < MAX_ARRAY_ISSUES) this.err(`${path}[${i}]`, `${need}, got ${fmt(a[i], unit)}`);
          bad++;
        }
        if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more entries: ${need}`);
        return bad === 0;
      }
      case 'uniform': {
        const s = pv.spec as { low: number; high: number };
        if (ok(s.low) && ok(s.high)) return true;
        this.err(path, `${need}, but the uniform distribution ranges over [${s.low}, ${s.high}]`);
        return false;
      }
      case 'normal': {
        const s = pv.spec as { mean: number; std: number; min?: number; max?: number };
        if (ok(pv.lo) && ok(pv.hi)) return true;
        const missing = !ok(pv.lo) && s.min === undefined ? 'min' : !ok(pv.hi) && s.max === undefined ? 'max' : undefined;
        this.err(
          path,
          missing
            ? `${need}, but a normal distribution without ${missing} can give any value (set ${missing})`
            : `${need}, but the normal distribution is bounded by [${s.min ?? '-Infinity'}, ${s.max ?? 'Infinity'}]`,
        );
        return false;
      }
      case 'bernoulli': {
        if (ok(pv.lo) && ok(pv.hi)) return true;
        this.err(path, `${need}, but the bernoulli distribution gives ${pv.lo === pv.hi ? pv.lo : '0 and 1'}`);
        return false;
      }
      case 'expr': {
        if (ok(pv.lo) && ok(pv.hi)) return true;
        this.err(path, `${need}, but the expression can give values in [${pv.lo}, ${pv.hi}]`);
        return false;
      }
    }
  }

  /** Time in ms on the grid (when dt is valid): returns steps or undefined. */
  /** x.start and x.stop (ms, optional): on the grid, >= 0, stop >= start. */
  timeWindow(x: Record<string, unknown>, path: string): void {
    const start = x.start === undefined ? 0 : this.gridTime(x.start, `${path}.start`, 'start');
    const stop = x.stop === undefined ? MAX_STEP : this.gridTime(x.stop, `${path}.stop`, 'stop');
    if (start !== undefined && stop !== undefined && start > stop) this.err(`${path}.stop`, `must be >= start (${x.start} ms), got ${x.stop} ms`);
  }

  gridTime(x: unknown, path: string, what: string): number | undefined {
    const v = this.num(x, path, `a number >= 0 (${what}, ms)`);
    if (v === undefined) return undefined;
    if (v < 0) {
      this.err(path, `must be >= 0 ms (${what}), got ${v}`);
      return undefined;
    }
    if (this.dt === undefined) return undefined;
    if (!onGrid(v, this.dt)) {
      this.err(path, `${v} ms is not a whole number of time steps (dt = ${this.dt} ms)`);
      return undefined;
    }
    const s = toSteps(v, this.dt);
    if (s > MAX_STEP) {
      this.err(path, `${v} ms is ${s} steps, more than the largest step index ${MAX_STEP}`);
      return undefined;
    }
    return s;
  }

  popRef(x: unknown, path: string): Pop | undefined {
    if (typeof x !== 'string') {
      this.err(path, `must be the name of a population, got ${describe(x)}`);
      return undefined;
    }
    const k = this.popByName.get(x);
    if (k === undefined) {
      const names = [...this.popByName.keys()];
      const s = suggest(x, names);
      this.err(path, `unknown population "${x}"${s ? `; did you mean "${s}"?` : ''} (populations: ${names.join(', ') || 'none'})`);
      return undefined;
    }
    return this.popInfo[k];
  }

  // --- model ---------------------------------------------------------------------------------

  model(spec: unknown): void {
    if (!isObj(spec)) {
      this.err('', `a model must be an object with dt and populations, got ${describe(spec)}`);
      return;
    }
    this.scan(spec, '', 0);
    this.fields(spec, TOP_FIELDS, '', 'a model');
    if (spec.name !== undefined && typeof spec.name !== 'string') this.err('name', `must be a string, got ${describe(spec.name)}`);
    if (spec.description !== undefined && typeof spec.description !== 'string')
      this.err('description', `must be a string, got ${describe(spec.description)}`);

    if (spec.dt === undefined) this.err('dt', 'is required (time step, ms)');
    else {
      const dt = this.num(spec.dt, 'dt', 'a number > 0 (time step, ms)');
      if (dt !== undefined) {
        if (dt <= 0) this.err('dt', `must be > 0 (time step, ms), got ${dt}`);
        else this.dt = dt;
      }
    }
    if (spec.duration !== undefined) this.gridTime(spec.duration, 'duration', 'duration of a run');
    if (spec.seed !== undefined) {
      const s = this.num(spec.seed, 'seed', 'an integer in 0..4294967295');
      if (s !== undefined && (!Number.isInteger(s) || s < 0 || s > MAX_U32)) this.err('seed', `must be an integer in 0..4294967295, got ${s}`);
    }
    if (spec.threads !== undefined && (spec.threads as unknown) !== 'auto') {
      const th = this.num(spec.threads, 'threads', '"auto" or an integer >= 1 (worker threads; the upper limit depends on the machine)');
      if (th !== undefined && (!Number.isInteger(th) || th < 1)) this.err('threads', `must be "auto" or an integer >= 1, got ${th}`);
    }

    if (spec.models !== undefined) {
      if (!isObj(spec.models)) this.err('models', `must be an object of models from equations {name: {equations, threshold, reset, ...}}, got ${describe(spec.models)}`);
      else {
        this.models = spec.models;
        for (const [name, m] of Object.entries(spec.models)) {
          const builtin = builtinModel(name);
          if (builtin) this.err(`models.${name}`, `"${name}" is ${builtin === name ? 'a built-in model' : `an alias of the built-in model '${builtin}'`}; give the model from equations another name`);
          else if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) this.err(`models.${name}`, `a model's name must be an identifier (letters, digits, _, - and .), got ${JSON.stringify(name)}`);
          else if (!isObj(m)) this.err(`models.${name}`, `must be a model from equations {equations, threshold, reset, ...}, got ${describe(m)}`);
        }
      }
    }
    // populations first: the other sections refer to them
    const pops = spec.populations;
    if (pops === undefined) this.err('populations', 'is required (an array of populations)');
    else if (!Array.isArray(pops)) this.err('populations', `must be an array, got ${describe(pops)}`);
    else if (pops.length === 0) this.err('populations', 'must contain at least one population');
    else if (pops.length > MAX_POPULATIONS) this.err('populations', `at most ${MAX_POPULATIONS} populations are supported, got ${pops.length}`);
    const popList = Array.isArray(pops) ? pops.slice(0, MAX_POPULATIONS) : [];
    popList.forEach((p, i) => this.preparePopulation(p, i));
    popList.forEach((p, i) => this.population(p, i));

    this.section(spec.projections, 'projections', MAX_PROJECTIONS, (p, i) => this.projection(p, i));
    this.section(spec.inputs, 'inputs', MAX_INPUTS, (p, i) => this.input(p, i));
    this.section(spec.monitors, 'monitors', Infinity, (p, i) => this.monitor(p, i));
    // a model from equations: one ring channel per variable that projections and inputs drive
    this.popInfo.forEach((info, i) => {
      const cp = this.pops[i];
      if (info.eq && cp) cp.channels = info.eq.inputs.length;
    });
  }

  section(x: unknown, path: string, max: number, f: (x: unknown, i: number) => void): void {
    if (x === undefined) return;
    if (!Array.isArray(x)) {
      this.err(path, `must be an array, got ${describe(x)}`);
      return;
    }
    if (x.length > max) {
      this.err(path, `at most ${max} entries are supported, got ${x.length}`);
      return;
    }
    x.forEach(f);
  }

  /** Names, sizes and models, so that references can be resolved before the details. */
  preparePopulation(p: unknown, i: number): void {
    const info: Pop = { index: i };
    this.popInfo[i] = info;
    if (!isObj(p)) return;
    if (typeof p.name === 'string' && p.name.length > 0) {
      info.name = p.name;
      if (!this.popByName.has(p.name)) this.popByName.set(p.name, i);
    }
    if (typeof p.size === 'number' && Number.isInteger(p.size) && p.size >= 1 && p.size <= MAX_SIZE) info.size = p.size;
    // a built-in model by its name or an alias (IF_curr_exp, Izhikevich: src/neurons/index.ts)
    const builtin = builtinModel(p.model);
    if (builtin) info.model = builtin;
    else {
      const found = equationModelOf({ models: this.models }, p, i);
      if (found && isObj(found.def)) {
        const a = analysisOf(found.def);
        info.model = 'equations';
        info.eq = { analysis: a instanceof EquationError ? null : a, path: found.path, def: found.def, inputs: [], units: new Map(), written: found.written ?? found.def };
      }
    }
    if (KINDS.includes(p.type as NeuronKind)) info.type = p.type as NeuronKind;
    const syn = rulesOf(info.model)?.synapses ?? [];
    if (syn.length) info.synapse = syn.includes(p.synapse as SynapseKind) ? (p.synapse as SynapseKind) : syn[0];
    info.hasSheet = p.sheet !== undefined;
    if (isObj(p.sheet) && info.size !== undefined) {
      const { columns_x: cx, columns_y: cy, spacing } = p.sheet;
      const sp = spacing === undefined ? DEFAULT_SPACING : spacing;
      if (isPosInt(cx) && isPosInt(cy) && typeof sp === 'number' && Number.isFinite(sp) && sp > 0 && info.size % (cx * cy) === 0)
        info.sheet = { columns_x: cx, columns_y: cy, spacing: sp, perColumn: info.size / (cx * cy) };
    }
  }

  /** populations[i].sheet: { columns_x, columns_y, spacing? }, size a positive multiple of columns_x * columns_y. */
  sheet(x: unknown, path: string, size: number | undefined): void {
    if (!isObj(x)) {
      this.err(path, `must be an object {columns_x, columns_y, spacing?}, got ${describe(x)}`);
      return;
    }
    this.fields(x, SHEET_FIELDS, path, 'a sheet');
    let cols = 1;
    for (const k of ['columns_x', 'columns_y']) {
      if (x[k] === undefined) {
        this.err(`${path}.${k}`, 'is required (number of columns, a positive integer)');
        cols = NaN;
        continue;
      }
      const v = this.num(x[k], `${path}.${k}`, 'a positive integer (number of columns)');
      if (v !== undefined && !isPosInt(v)) this.err(`${path}.${k}`, `must be a positive integer (number of columns), got ${v}`);
      cols = v !== undefined && isPosInt(v) ? cols * v : NaN;
    }
    if (x.spacing !== undefined) {
      const v = this.num(x.spacing, `${path}.spacing`, 'a distance in um (number > 0)');
      if (v !== undefined && !(v > 0)) this.err(`${path}.spacing`, `must be > 0 um (distance between neighbouring column centres), got ${v}`);
    }
    if (size !== undefined && Number.isFinite(cols) && size % cols !== 0)
      this.err(
        path.replace(/\.sheet$/, '.size'),
        `must be a positive multiple of sheet.columns_x * sheet.columns_y = ${cols} (the same number of neurons in every column), got ${size}`,
      );
  }

  population(p: unknown, i: number): void {
    const path = `populations[${i}]`;
    const info = this.popInfo[i];
    this.pops[i] = null;
    if (!isObj(p)) {
      this.err(path, `must be an object {name, size, model, ...}, got ${describe(p)}`);
      return;
    }
    const before = this.issues.length;
    this.fields(p, POP_FIELDS, path, 'a population');
    // name
    if (p.name === undefined) this.err(`${path}.name`, 'is required (a non-empty string)');
    else if (typeof p.name !== 'string' || p.name.length === 0) this.err(`${path}.name`, `must be a non-empty string, got ${describe(p.name)}`);
    else if (!POP_NAME.test(p.name))
      this.err(`${path}.name`, `must be made of letters, digits, '_', '-' and '.' (it is a field of spikes.csv), got ${describe(p.name)}`);
    else {
      const first = this.popByName.get(p.name)!;
      if (first !== i) this.err(`${path}.name`, `duplicate population name "${p.name}" (also populations[${first}])`);
    }
    // size
    if (p.size === undefined) this.err(`${path}.size`, 'is required (number of neurons, a positive integer)');
    else {
      const s = this.num(p.size, `${path}.size`, 'a positive integer (number of neurons)');
      if (s !== undefined && (!Number.isInteger(s) || s < 1 || s > MAX_SIZE))
        this.err(`${path}.size`, `must be a positive integer (number of neurons) up to ${MAX_SIZE}, got ${s}`);
    }
    if (p.sheet !== undefined) this.sheet(p.sheet, `${path}.sheet`, info.size);
    // model
    if (p.model === undefined) this.err(`${path}.model`, `is required (${quoteList(MODELS)}, the name of one of the models, or a model from equations {equations, threshold, reset, ...})`);
    else if (!info.model) {
      const named = Object.keys(this.models);
      const s = typeof p.model === 'string' ? suggest(p.model, [...MODELS, ...named]) : undefined;
      this.err(
        `${path}.model`,
        `must be one of ${quoteList(MODELS)}${named.length ? `, a name from models (${named.join(', ')})` : ''} or a model from equations {equations, threshold, reset, ...}, got ${describe(p.model)}${s ? `; did you mean "${s}"?` : ''}`,
      );
    }
    if (p.type !== undefined && !info.type) this.err(`${path}.type`, `must be 'excitatory' or 'inhibitory', got ${describe(p.type)}`);
    if (p.synapse !== undefined) {
      if (p.synapse !== 'exp' && p.synapse !== 'delta') this.err(`${path}.synapse`, `must be 'exp' or 'delta', got ${describe(p.synapse)}`);
      else if (info.model && !rulesOf(info.model)?.synapses.length)
        this.err(`${path}.synapse`, `only applies to models ${quoteList(MODELS.filter((m) => neuronModel(m).rules!.synapses.length))} (this population is '${info.model}')`);
    }
    const model = info.model;
    const size = info.size;
    const who = `population "${info.name ?? i}"`;
    const perNeuronBase = (unit: string): ValueOpts => ({ unit, count: size, countWhat: `one value per neuron of ${who} (${size})` });
    const vars = checkRandomVars(this, p.random, `${path}.random`, perNeuronBase(''));
    const perNeuron = (unit: string): ValueOpts => ({ ...perNeuronBase(unit), vars, varsOf: who });

    // params
    const params = p.params;
    if (params !== undefined && !isObj(params)) this.err(`${path}.params`, `must be an object, got ${describe(params)}`);
    const pr: Obj = isObj(params) ? params : {};
    const ppath = `${path}.params`;
    if (p.parameters !== undefined && model !== 'equations')
      this.err(`${path}.parameters`, `belongs to a population of a model from equations; a '${model ?? '?'}' population takes params`);

    // the model's own params and initial state (src/neurons/<model>/model.ts), or its equations
    const init = p.initial;
    if (init !== undefined && !isObj(init)) this.err(`${path}.initial`, `must be an object, got ${describe(init)}`);
    if (p.receptors !== undefined) this.receptors(p, path, info);
    if (model === 'equations') this.equationPopulation(p, path, info, perNeuron);
    else if (model) rulesOf(model)!.check(this, pr, ppath, isObj(init) ? init : undefined, `${path}.initial`, info.synapse, perNeuron, size);

    if (this.issues.length === before && info.name && size !== undefined && model) {
      this.pops[i] = {
        index: i, name: info.name, size, model, type: info.type, synapse: info.synapse,
        // a model from equations has a channel per variable that projections and inputs drive (set once they are checked)
        channels: model === 'equations' ? 0 : channelsOf(model as NeuronModelName, info.synapse),
        ...(info.eq ? { inputs: info.eq.inputs } : {}),
        ...(info.sheet ? { sheet: info.sheet } : {}),
      };
    }
  }

  /** The built-in models that take `what`, quoted, for messages. */
  private receivers(what: keyof ModelRules['receives']): string {
    return modelsReceiving(what);
  }

  /**
   * A population of a model from equations: the model (its own errors once per named model, with
   * line and column), the population's `parameters` and `initial` (names the model has; numbers in
   * axonal units, strings with units of the right dimension, per-neuron values), and a trial
   * compilation that finds what is missing (a parameter never given, …).
   */
  private equationPopulation(p: Obj, path: string, info: Pop, perNeuron: (unit: string) => ValueOpts): void {
    const eq = info.eq!;
    const def = eq.def as unknown as Obj;
    if (p.params !== undefined) this.err(`${path}.params`, 'a population of a model from equations takes its values in parameters (params is for the built-in models)');
    const own = !this.reportedModels.has(eq.path);
    this.reportedModels.add(eq.path);
    if (own) this.fields(def, EQUATION_FIELDS, eq.path, 'a model from equations');
    if (own && def.equations === undefined) this.err(`${eq.path}.equations`, 'is required (the model\'s equations, one per line, as Brian2 writes them)');
    const a = eq.analysis;
    if (!a) {
      if (own) {
        const e = analysisOf(eq.def);
        if (e instanceof EquationError) this.issues.push(...equationIssues(e, eq.path));
      }
      return;
    }
    const params = p.parameters;
    if (params !== undefined && !isObj(params)) {
      this.err(`${path}.parameters`, `must be an object {name: value}, got ${describe(params)}`);
      return;
    }
    if (def.parameters !== undefined && !isObj(def.parameters)) {
      if (own) this.err(`${eq.path}.parameters`, `must be an object {name: value}, got ${describe(def.parameters)}`);
      return;
    }
    const merged = mergedParameters(eq.def, p as unknown as PopulationSpec);
    let compiled: CompiledModel;
    try {
      compiled = compilePopulationModel(a, merged, this.dt ?? 0.1, [], 'check');
    } catch (e) {
      if (!(e instanceof EquationError)) throw e;
      this.issues.push(...equationIssues(e, eq.path).map((x) => ({ ...x, message: `${x.message} (population "${info.name ?? '?'}")` })));
      return;
    }
    if (drawCount(compiled) > MAX_DRAWS) this.err(`${eq.path}.equations`, `at most ${MAX_DRAWS} random draws (rand(), randn(), xi) per step are supported, got ${drawCount(compiled)}`);
    const known = new Map(compiled.parameters.map((q) => [q.name, q]));
    const check = (vals: Obj, where: string, from: 'model' | 'population') => {
      for (const [k, v] of Object.entries(vals)) {
        const q = known.get(k);
        const vpath = `${where}.${k}`;
        if (!q) {
          const sg = suggest(k, [...known.keys()]);
          this.err(vpath, `the model has no parameter "${k}"${sg ? `; did you mean "${sg}"?` : ''} (parameters: ${[...known.keys()].join(', ') || 'none'})`);
          continue;
        }
        if (typeof v === 'string') quantityValue(v, q.dim, q.unit, vpath, this.issues);
        else if (typeof v === 'number') {
          if (!Number.isFinite(v)) this.err(vpath, `must be a finite number (${q.unit}), got ${v}`);
        } else if (from === 'model') this.err(vpath, `must be a number (${q.unit}) or a string with units, got ${describe(v)}: per-neuron values belong to a population's parameters`);
        else this.value(v, vpath, perNeuron(q.unit));
      }
    };
    if (own && isObj(def.parameters)) check(def.parameters, `${eq.path}.parameters`, 'model');
    if (isObj(params)) check(params, `${path}.parameters`, 'population');
    const init = p.initial;
    if (init !== undefined) {
      if (!isObj(init)) this.err(`${path}.initial`, `must be an object, got ${describe(init)}`);
      else {
        const states = new Map(compiled.state.filter((st) => st.kind !== 'internal').map((st) => [st.name, st]));
        for (const [k, v] of Object.entries(init)) {
          const st = states.get(k);
          const ipath = `${path}.initial.${k}`;
          if (!st) {
            const sg = suggest(k, [...states.keys()]);
            this.err(ipath, `the model has no state variable "${k}"${sg ? `; did you mean "${sg}"?` : ''} (state: ${[...states.keys()].join(', ') || 'none'})`);
          } else if (typeof v === 'string') quantityValue(v, st.dim, st.unit, ipath, this.issues);
          else this.value(v, ipath, perNeuron(st.unit));
        }
      }
    }
    for (const st of compiled.state) eq.units.set(st.name, { unit: st.unit, factor: st.factor });
  }

  /** populations[i].receptors: valid, for a model from equations whose equations use I_syn and do not define it. */
  private receptors(p: Obj, path: string, info: Pop): void {
    const rp = `${path}.receptors`;
    if (info.model !== 'equations') {
      this.err(rp, `belongs to a population of a model from equations or a standard cell; a '${info.model ?? '?'}' population has its own synapses`);
      return;
    }
    info.receptors = 'invalid';
    const list = checkReceptors(p.receptors, rp, this.issues);
    if (!list) return;
    const eqs = info.eq?.written.equations;
    if (typeof eqs !== 'string') return;
    const use = usesISyn(eqs);
    if (use.defines) this.err(rp, `the model defines I_syn itself; the receptors define it (the sum of their currents): rename the model's I_syn`);
    else if (!use.uses)
      this.err(rp, `the model's equations do not use I_syn: the receptors' current reaches the membrane through I_syn (amperes), e.g. "dv/dt = (gL*(EL - v) + I_syn)/C : volt"`);
    else if (list.some((r) => !r.current) && !/^\s*dv\s*\/\s*dt\s*=/m.test(eqs))
      this.err(rp, `conductance receptors need the membrane potential v (their current is g*(e_rev - v)); the model has no equation dv/dt`);
    else info.receptors = list;
  }

  /** A projection's or input's on_pre, or the one its receptor names (`"receptor": "NMDA"` → "y_NMDA += w"). */
  private onPreFor(tgt: Pop, x: Obj, path: string): unknown {
    if (!tgt.receptors) return x.on_pre;
    if (tgt.receptors === 'invalid') return undefined;
    if (x.receptor === undefined) {
      if (x.on_pre === undefined) this.err(`${path}.receptor`, `is required: the receptor of population "${tgt.name}" this drives (${tgt.receptors.map((r) => r.name).join(', ')})`);
      return x.on_pre;
    }
    const r = tgt.receptors.find((q) => q.name === x.receptor);
    if (!r) {
      this.err(`${path}.receptor`, `must be a receptor of population "${tgt.name}" (${tgt.receptors.map((q) => q.name).join(', ')}), got ${describe(x.receptor)}`);
      return undefined;
    }
    if (x.on_pre !== undefined) {
      this.err(`${path}.on_pre`, `is given by the receptor ("${r.driven} += w"): give receptor or on_pre, not both`);
      return undefined;
    }
    return `${r.driven} += w`;
  }

  /**
   * The ring channel and weight factor of a projection or input into a model from equations, from
   * its on_pre (`"ge += w"`): each variable driven gets a channel, in the order first driven.
   */
  private equationTarget(tgt: Pop, onPre: unknown, path: string): { channel: number; factor: number; unit: string } | undefined {
    const a = tgt.eq?.analysis;
    if (!a) return undefined;
    const r = onPreOf(a, onPre, `${path}.on_pre`, this.issues);
    if (!r) return undefined;
    const inputs = tgt.eq!.inputs;
    let channel = inputs.indexOf(r.variable);
    if (channel < 0) channel = inputs.push(r.variable) - 1;
    const u = tgt.eq!.units.get(r.variable);
    return { channel, factor: r.factor * (u?.factor ?? 1), unit: u?.unit ?? '' };
  }

  resetBelowThreshold(vr: PV, vt: PV, path: string): void {
    if ((vr.kind === 'const' || vr.kind === 'array') && (vt.kind === 'const' || vt.kind === 'array')) {
      const n = Math.max(vr.kind === 'array' ? (vr.spec as number[]).length : 1, vt.kind === 'array' ? (vt.spec as number[]).length : 1);
      const at = (v: PV, i: number) => (v.kind === 'array' ? (v.spec as number[])[i] : (v.spec as number));
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const r = at(vr, i);
        const t = at(vt, i);
        if (r < t) continue;
        if (bad < MAX_ARRAY_ISSUES) this.err(vr.kind === 'array' ? `${path}[${i}]` : path, `must be < v_thresh (${t} mV), got ${r} mV`);
        bad++;
      }
      if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more neurons have v_reset >= v_thresh`);
      return;
    }
    if (!(vr.hi < vt.lo))
      this.err(path, `must be < v_thresh for every neuron, but v_reset can reach ${vr.hi} mV and v_thresh can be as low as ${vt.lo} mV`);
  }

  spikeTimes(x: unknown, path: string, size: number | undefined): void {
    if (!isArrayLike(x)) {
      this.err(path, `must be an array with one array of spike times (ms) per neuron, got ${describe(x)}`);
      return;
    }
    if (size !== undefined && x.length !== size) this.err(path, `must have one array of spike times per neuron (${size}), got ${x.length}`);
    let bad = 0;
    const report = (p: string, m: string) => {
      if (bad++ < 5) this.err(p, m);
    };
    const dt = this.dt;
    for (let i = 0; i < x.length; i++) {
      const row = x[i];
      const rp = `${path}[${i}]`;
      if (!isArrayLike(row)) {
        report(rp, `must be an array of spike times (ms), got ${describe(row)}`);
        continue;
      }
      const seen = new Set<number>();
      for (let j = 0; j < row.length; j++) {
        const t = row[j];
        if (typeof t !== 'number') {
          report(`${rp}[${j}]`, `must be a spike time (number, ms), got ${describe(t)}`);
          continue;
        }
        if (!Number.isFinite(t)) continue;
        if (t < 0) {
          report(`${rp}[${j}]`, `must be >= 0 ms, got ${t}`);
          continue;
        }
        if (dt === undefined) continue;
        if (!onGrid(t, dt)) {
          report(`${rp}[${j}]`, `spike time ${t} ms is not on the time grid (dt = ${dt} ms)`);
          continue;
        }
        const s = toSteps(t, dt);
        if (s > MAX_STEP) report(`${rp}[${j}]`, `spike time ${t} ms is beyond the largest step ${MAX_STEP}`);
        else if (seen.has(s)) report(`${rp}[${j}]`, `duplicate spike time ${t} ms (a neuron spikes at most once per step)`);
        seen.add(s);
      }
    }
    if (bad > 5) this.err(path, `${bad - 5} more problems with spike times`);
  }

  // --- projections ---------------------------------------------------------------------------

  projection(p: unknown, i: number): void {
    const path = `projections[${i}]`;
    this.projs[i] = null;
    if (!isObj(p)) {
      this.err(path, `must be an object {source, target, connect, weight, ...}, got ${describe(p)}`);
      return;
    }
    const before = this.issues.length;
    this.fields(p, PROJ_FIELDS, path, 'a projection');
    if (p.name !== undefined) {
      if (typeof p.name !== 'string' || p.name.length === 0) this.err(`${path}.name`, `must be a non-empty string, got ${describe(p.name)}`);
      else if (!PROJ_NAME.test(p.name))
        this.err(`${path}.name`, `must be made of letters, digits, '_', '-', '.', '>' and ':' (it is a field of synapses_<k>.csv), got ${describe(p.name)}`);
      else {
        const j = this.projNames.get(p.name);
        if (j !== undefined) this.err(`${path}.name`, `duplicate projection name "${p.name}" (also projections[${j}])`);
        else this.projNames.set(p.name, i);
      }
    }
    const src = p.source === undefined ? (this.err(`${path}.source`, 'is required (a population name)'), undefined) : this.popRef(p.source, `${path}.source`);
    const tgt = p.target === undefined ? (this.err(`${path}.target`, 'is required (a population name)'), undefined) : this.popRef(p.target, `${path}.target`);
    const tRules = rulesOf(tgt?.model);
    if (tgt && tRules && !tRules.receives.synapses)
      this.err(`${path}.target`, `population "${tgt.name}" (${tgt.model}) is a source and cannot receive synapses (targets must be ${this.receivers('synapses')} or a model from equations)`);
    const onPre = tgt?.model === 'equations' ? this.onPreFor(tgt, p, path) : undefined;
    const eqTarget = tgt?.model === 'equations' && (onPre !== undefined || !tgt.receptors) ? this.equationTarget(tgt, onPre, path) : undefined;
    if (p.on_pre !== undefined && tgt?.model !== undefined && tgt.model !== 'equations')
      this.err(`${path}.on_pre`, `applies to a target from equations; population "${tgt.name}" is '${tgt.model}'`);
    const label = typeof p.name === 'string' && p.name ? `"${p.name}"` : `${typeof p.source === 'string' ? p.source : '?'} -> ${typeof p.target === 'string' ? p.target : '?'}`;
    const name = typeof p.name === 'string' && p.name ? p.name : `${p.source}->${p.target}`;
    this.allProjNames.push(name);

    // connect
    const same = src !== undefined && tgt !== undefined && src.index === tgt.index;
    let count: { count: number; fixed: boolean } | undefined;
    const conn = p.connect;
    if (conn === undefined) this.err(`${path}.connect`, `is required ({rule: ${quoteList(RULES)}, ...})`);
    else count = this.connect(conn, `${path}.connect`, src, tgt, same);

    // weight
    const wUnit = tRules ? tRules.inputUnit(tgt!.synapse) : eqTarget ? eqTarget.unit : '';
    const arrayCount = count === undefined ? undefined : count.fixed ? count.count : null;
    const rule = isObj(conn) && typeof conn.rule === 'string' ? conn.rule : '?';
    const synOpts = (unit: string): ValueOpts => ({
      unit, count: arrayCount, countWhat: `one value per synapse (${arrayCount})`,
      arrayReason: `this projection uses ${rule}`,
    });
    let w: PV | undefined;
    if (p.weight === undefined) this.err(`${path}.weight`, `is required (synaptic weight${wUnit ? `, ${wUnit}` : ''})`);
    else {
      w = this.value(p.weight, `${path}.weight`, synOpts(wUnit));
      // Dale's principle (on the sign of a current; a target from equations decides what the sign means: conductances are >= 0)
      if (w && src?.type === 'excitatory' && tgt?.model !== 'equations')
        this.constrain(w, `${path}.weight`, (x) => x >= 0, `must be >= 0, the source population "${src.name}" is excitatory`, wUnit, true);
      if (w && src?.type === 'inhibitory' && tgt?.model !== 'equations')
        this.constrain(w, `${path}.weight`, (x) => x <= 0, `must be <= 0, the source population "${src.name}" is inhibitory`, wUnit, true);
    }

    // delay (default: one step)
    let maxDelaySteps = 1;
    let delayPerSynapse = false;
    if (isObj(p.delay) && 'distance' in p.delay) {
      maxDelaySteps = this.distanceDelay(p.delay, `${path}.delay`, label, src, tgt, conn) ?? 1;
      delayPerSynapse = true;
    } else if (p.delay !== undefined) {
      const d = this.value(p.delay, `${path}.delay`, synOpts('ms'));
      if (d && this.dt !== undefined) maxDelaySteps = this.delay(d, `${path}.delay`, label) ?? 1;
      delayPerSynapse = d !== undefined && !isUniformValue(d.spec);
    }

    // receptor → channel
    let channel = 0;
    if (p.receptor !== undefined && !tgt?.receptors && !KINDS.includes(p.receptor as NeuronKind))
      this.err(`${path}.receptor`, `must be 'excitatory' or 'inhibitory', got ${describe(p.receptor)}`);
    else if (tRules && tRules.channels(tgt!.synapse) === 2) {
      const r = (p.receptor as NeuronKind | undefined) ?? src?.type ?? (w ? signKind(w) : undefined);
      if (r) channel = r === 'inhibitory' ? 1 : 0;
      else if (w && src)
        this.err(
          `${path}.receptor`,
          `cannot be inferred: the source population "${src.name}" has no type and the weights take both signs; set receptor to 'excitatory' or 'inhibitory'`,
        );
    }

    // plasticity
    if (p.plasticity !== undefined) this.plasticity(p.plasticity, `${path}.plasticity`, src, wUnit);
    if (p.pruning !== undefined) this.pruning(p.pruning, `${path}.pruning`, wUnit);
    if (p.short_term !== undefined) this.shortTerm(p.short_term, `${path}.short_term`, p.plasticity !== undefined);

    if (this.issues.length === before && src && tgt && count && w && src.size !== undefined && tgt.size !== undefined) {
      this.projs[i] = {
        index: i, name, source: src.index, target: tgt.index, same, channel, count: count.count, countFixed: count.fixed,
        weightPerSynapse: !isUniformValue(w.spec) || p.plasticity !== undefined || p.pruning !== undefined, delayPerSynapse, maxDelaySteps,
        weightFactor: eqTarget?.factor ?? 1,
      };
      if (eqTarget) this.projs[i]!.channel = eqTarget.channel;
    }
  }

  /** projections[i].plasticity: STDP parameters (bounds ordered, time constants > 0, Dale's principle). */
  plasticity(x: unknown, path: string, src: Pop | undefined, wUnit: string): void {
    if (!isObj(x)) {
      this.err(path, `must be an object {rule: 'stdp' | 'izhikevich2006', tau_plus, tau_minus, a_plus, a_minus, w_min, w_max, ...}, got ${describe(x)}`);
      return;
    }
    const izh = x.rule === 'izhikevich2006';
    if (x.rule !== 'stdp' && !izh) {
      this.err(`${path}.rule`, `must be 'stdp' or 'izhikevich2006', got ${describe(x.rule)}`);
      return;
    }
    this.fields(x, izh ? IZH2006_FIELDS : STDP_FIELDS, path, `an '${x.rule}' plasticity rule`);
    for (const k of ['tau_plus', 'tau_minus']) {
      if (x[k] === undefined) continue;
      const v = this.num(x[k], `${path}.${k}`, 'a time constant (number, ms)');
      if (v !== undefined && !(v > 0)) this.err(`${path}.${k}`, `must be > 0 ms, got ${v}`);
    }
    for (const k of ['a_plus', 'a_minus']) {
      if (x[k] === undefined) continue;
      const v = this.num(x[k], `${path}.${k}`, 'a learning rate (number >= 0)');
      if (v !== undefined && !(v >= 0)) this.err(`${path}.${k}`, `must be >= 0, got ${v}`);
    }
    const u = wUnit ? ` ${wUnit}` : '';
    let wMin: number | undefined = 0;
    if (x.w_min !== undefined) wMin = this.num(x.w_min, `${path}.w_min`, `the lower weight bound (number${u})`);
    let wMax: number | undefined;
    if (x.w_max === undefined) this.err(`${path}.w_max`, `is required (the upper weight bound${u})`);
    else wMax = this.num(x.w_max, `${path}.w_max`, `the upper weight bound (number${u})`);
    if (wMin !== undefined && wMax !== undefined && wMin > wMax) this.err(`${path}.w_min`, `must be <= w_max (${wMax}${u}), got ${wMin}${u}: the weight bounds are reversed`);
    if (src?.type === 'excitatory' && wMin !== undefined && wMin < 0)
      this.err(`${path}.w_min`, `must be >= 0, the source population "${src.name}" is excitatory (Dale's principle): weights would become negative, got ${wMin}${u}`);
    if (src?.type === 'inhibitory' && wMax !== undefined && wMax > 0)
      this.err(`${path}.w_max`, `must be <= 0, the source population "${src.name}" is inhibitory (Dale's principle): weights would become positive, got ${wMax}${u}`);
    if (x.pairing !== undefined && x.pairing !== 'all_to_all' && x.pairing !== 'nearest')
      this.err(`${path}.pairing`, `must be 'all_to_all' or 'nearest', got ${describe(x.pairing)}`);
    if (!izh) {
      if (x.weight_dependence !== undefined && x.weight_dependence !== 'additive' && x.weight_dependence !== 'multiplicative')
        this.err(`${path}.weight_dependence`, `must be 'additive' or 'multiplicative', got ${describe(x.weight_dependence)}`);
      return;
    }
    if (x.apply_every_ms !== undefined) this.interval(x.apply_every_ms, `${path}.apply_every_ms`);
    if (x.bias !== undefined) this.num(x.bias, `${path}.bias`, `a weight added at every application (number${u})`);
    if (x.decay !== undefined) {
      const v = this.num(x.decay, `${path}.decay`, 'a factor in [0, 1]');
      if (v !== undefined && !(v >= 0 && v <= 1)) this.err(`${path}.decay`, `must be in [0, 1], got ${v}`);
    }
  }

  /** projections[i].short_term: { rule: 'tsodyks_markram', U in (0, 1], tau_rec > 0, tau_fac >= 0 } */
  shortTerm(x: unknown, path: string, plastic: boolean): void {
    if (!isObj(x)) {
      this.err(path, `must be an object {rule: 'tsodyks_markram', U, tau_rec, tau_fac?}, got ${describe(x)}`);
      return;
    }
    if (x.rule !== 'tsodyks_markram') {
      this.err(`${path}.rule`, `must be 'tsodyks_markram' (NEST's tsodyks2_synapse, PyNN's TsodyksMarkramSynapse), got ${describe(x.rule)}`);
      return;
    }
    this.fields(x, SHORT_TERM_FIELDS, path, `a 'tsodyks_markram' rule`);
    if (x.U === undefined) this.err(`${path}.U`, 'is required (the utilisation increment, in (0, 1])');
    else {
      const v = this.num(x.U, `${path}.U`, 'a utilisation increment (number in (0, 1])');
      if (v !== undefined && !(v > 0 && v <= 1)) this.err(`${path}.U`, `must be in (0, 1], got ${v}`);
    }
    if (x.tau_rec === undefined) this.err(`${path}.tau_rec`, 'is required (the recovery time constant, ms > 0)');
    else {
      const v = this.num(x.tau_rec, `${path}.tau_rec`, 'a time constant (number, ms)');
      if (v !== undefined && !(v > 0)) this.err(`${path}.tau_rec`, `must be > 0 ms, got ${v}`);
    }
    if (x.tau_fac !== undefined) {
      const v = this.num(x.tau_fac, `${path}.tau_fac`, 'a time constant (number, ms; 0 = no facilitation)');
      if (v !== undefined && !(v >= 0)) this.err(`${path}.tau_fac`, `must be >= 0 ms, got ${v}`);
    }
    if (plastic) this.err(path, 'cannot be combined with plasticity (STDP) on the same projection');
  }

  /** An interval in ms: > 0 and a whole number of steps. */
  private interval(x: unknown, path: string): number | undefined {
    const v = this.num(x, path, 'an interval (number, ms)');
    if (v === undefined) return undefined;
    if (!(v > 0)) this.err(path, `must be > 0 ms, got ${v}`);
    else if (this.dt !== undefined && !onGrid(v, this.dt)) this.err(path, `${v} ms is not a whole number of time steps (dt = ${this.dt} ms)`);
    else return v;
    return undefined;
  }

  /** projections[i].pruning: { rule: 'weight_below', threshold, every_ms?, at_ms? } or { rule: 'elimination_rate', rate, bias?, w_ref?, every_ms?, at_ms? } */
  pruning(x: unknown, path: string, wUnit: string): void {
    if (!isObj(x)) {
      this.err(path, `must be an object {rule: 'weight_below', threshold, every_ms?} or {rule: 'elimination_rate', rate, bias?, every_ms?}, got ${describe(x)}`);
      return;
    }
    if (x.rule !== 'weight_below' && x.rule !== 'elimination_rate') {
      this.err(`${path}.rule`, `must be 'weight_below' or 'elimination_rate', got ${describe(x.rule)}`);
      return;
    }
    this.fields(x, PRUNING_FIELDS[x.rule], path, `a '${x.rule}' pruning rule`);
    const wu = wUnit ? `, ${wUnit}` : '';
    if (x.rule === 'weight_below') {
      if (x.threshold === undefined) this.err(`${path}.threshold`, `is required (a weight${wu})`);
      else this.num(x.threshold, `${path}.threshold`, `a weight (number${wu})`);
    } else {
      if (x.rate === undefined) this.err(`${path}.rate`, 'is required (eliminations per synapse and second, 1/s)');
      else {
        const r = this.num(x.rate, `${path}.rate`, 'a rate (number >= 0, per synapse and second)');
        if (r !== undefined && !(r >= 0)) this.err(`${path}.rate`, `must be >= 0 per second, got ${r}`);
      }
      if (x.bias !== undefined && x.bias !== 'none' && x.bias !== 'weak' && x.bias !== 'inactive')
        this.err(`${path}.bias`, `must be 'none', 'weak' or 'inactive', got ${describe(x.bias)}`);
      if (x.bias === 'weak') {
        if (x.w_ref === undefined) this.err(`${path}.w_ref`, `is required with bias 'weak' (the weight magnitude at which a synapse is safe${wu})`);
        else {
          const v = this.num(x.w_ref, `${path}.w_ref`, `a weight magnitude > 0 (number${wu})`);
          if (v !== undefined && !(v > 0)) this.err(`${path}.w_ref`, `must be > 0, got ${v}`);
        }
      } else if (x.w_ref !== undefined) this.err(`${path}.w_ref`, `is only used with bias 'weak'`);
    }
    if (x.every_ms !== undefined) this.interval(x.every_ms, `${path}.every_ms`);
    if (x.at_ms !== undefined) this.interval(x.at_ms, `${path}.at_ms`);
  }

  /**
   * Both populations of a projection on equal sheets: the sheet, else undefined with an error at
   * `path` (`what` names the feature that needs the sheets).
   */
  sameSheet(src: Pop | undefined, tgt: Pop | undefined, path: string, what: string): CheckedSheet | undefined {
    if (!src || !tgt || src.size === undefined || tgt.size === undefined) return undefined;
    for (const p of src === tgt ? [src] : [src, tgt]) {
      if (!p.hasSheet) {
        this.err(path, `${what} needs both populations on sheets: population "${p.name}" has no sheet (set populations[${p.index}].sheet)`);
        return undefined;
      }
      if (!p.sheet) return undefined; // reported at the population
    }
    const a = src.sheet!;
    const b = tgt.sheet!;
    if (a.columns_x !== b.columns_x || a.columns_y !== b.columns_y || a.spacing !== b.spacing) {
      const show = (s: CheckedSheet) => `${s.columns_x} x ${s.columns_y} columns, spacing ${s.spacing} um`;
      this.err(path, `${what} needs equal sheets (columns_x, columns_y and spacing): "${src.name}" has ${show(a)}, "${tgt.name}" has ${show(b)}`);
      return undefined;
    }
    return a;
  }

  /** projections[i].delay = { distance: { offset, velocity } }: the largest delay in steps, or undefined when invalid. */
  distanceDelay(x: Obj, path: string, label: string, src: Pop | undefined, tgt: Pop | undefined, conn: unknown): number | undefined {
    const before = this.issues.length;
    this.fields(x, ['distance'], path, 'a distance-dependent delay');
    const d = x.distance;
    if (!isObj(d)) {
      this.err(`${path}.distance`, `must be an object {offset, velocity} (ms, m/s), got ${describe(d)}`);
      return undefined;
    }
    this.fields(d, ['offset', 'velocity'], `${path}.distance`, 'a distance-dependent delay');
    let offset: number | undefined;
    let velocity: number | undefined;
    if (d.offset === undefined) this.err(`${path}.distance.offset`, 'is required (delay at distance 0, ms >= 0)');
    else {
      offset = this.num(d.offset, `${path}.distance.offset`, 'a delay in ms (number >= 0)');
      if (offset !== undefined && !(offset >= 0)) this.err(`${path}.distance.offset`, `must be >= 0 ms, got ${offset}`);
    }
    if (d.velocity === undefined) this.err(`${path}.distance.velocity`, 'is required (conduction velocity, m/s > 0)');
    else {
      velocity = this.num(d.velocity, `${path}.distance.velocity`, 'a conduction velocity in m/s (number > 0)');
      if (velocity !== undefined && !(velocity > 0)) this.err(`${path}.distance.velocity`, `must be > 0 m/s, got ${velocity}`);
    }
    const sheet = this.sameSheet(src, tgt, path, 'a distance-dependent delay');
    if (this.issues.length !== before || !sheet || offset === undefined || velocity === undefined || this.dt === undefined) return undefined;
    // the largest distance the projection's synapses can span (spatial_indegree: within its radius)
    let sp: SpatialParams | null = null;
    if (isObj(conn) && conn.rule === 'spatial_indegree') {
      if (typeof conn.sigma !== 'number' || !(conn.sigma >= 0) || (conn.radius !== undefined && !(typeof conn.radius === 'number' && conn.radius >= 0))) return undefined;
      sp = spatialParams(conn as { sigma: number; radius?: number; periodic?: boolean }, sheet.spacing);
    }
    const dMax = maxProjectionDistance(sheet, sp);
    const steps = distanceDelaySteps(offset, velocity, dMax, this.dt);
    if (steps > MAX_DELAY_STEPS) {
      const xMax = offset + dMax / (1000 * velocity);
      this.err(
        path,
        `the largest delay, offset + distance / velocity = ${offset} ms + ${+dMax.toPrecision(12)} um / ${velocity} m/s = ${+xMax.toPrecision(12)} ms = ${steps} steps ` +
          `in projection ${label}, is more than the maximum of ${MAX_DELAY_STEPS} steps (${+(MAX_DELAY_STEPS * this.dt).toPrecision(12)} ms at dt = ${this.dt} ms)` +
          `${sp ? ' (the distance is at most the radius)' : ` (the distance can reach the sheet's diagonal)`}; raise velocity or dt, or lower offset`,
      );
      return undefined;
    }
    return steps;
  }

  /** Returns the largest delay in steps, or undefined when invalid. */
  delay(d: PV, path: string, label: string): number | undefined {
    const dt = this.dt!;
    const stepsMax = MAX_DELAY_STEPS;
    const limit = `the maximum of ${stepsMax} steps (${+(stepsMax * dt).toPrecision(12)} ms at dt = ${dt} ms)`;
    if (d.kind === 'const' || d.kind === 'array') {
      const a: ArrayLike<number> = d.kind === 'const' ? [d.spec as number] : (d.spec as number[]);
      let bad = 0;
      let max = 1;
      for (let k = 0; k < a.length; k++) {
        const v = a[k];
        const x = v / dt;
        let m: string | undefined;
        if (x < 1 - GRID_TOL) m = `${v} ms is shorter than one time step (dt = ${dt} ms) in projection ${label}: delays must be >= dt`;
        else if (!onGrid(v, dt))
          m = `${v} ms is not a whole number of time steps (dt = ${dt} ms) in projection ${label}`;
        else if (toSteps(v, dt) > stepsMax) m = `${v} ms is ${toSteps(v, dt)} steps in projection ${label}, more than ${limit}`;
        else max = Math.max(max, toSteps(v, dt));
        if (m) {
          if (bad < MAX_ARRAY_ISSUES) this.err(d.kind === 'const' ? path : `${path}[${k}]`, m);
          bad++;
        }
      }
      if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more delays are invalid`);
      return bad ? undefined : max;
    }
    // distributions: each drawn value is rounded (steps = round(delay/dt)) and clipped below at 1 step
    if (d.kind === 'normal' && d.hi === Infinity) {
      const s = d.spec as { mean: number; std: number };
      const hi = s.mean + 8 * s.std;
      if (toSteps(hi, dt) > stepsMax) {
        this.err(path, `a normal delay distribution without max can exceed ${limit} in projection ${label} (mean + 8 std = ${hi} ms); set max`);
        return undefined;
      }
      return Math.max(1, toSteps(hi, dt));
    }
    if (toSteps(d.hi, dt) > stepsMax) {
      this.err(path, `the delay distribution reaches ${d.hi} ms = ${toSteps(d.hi, dt)} steps in projection ${label}, more than ${limit}`);
      return undefined;
    }
    return Math.max(1, toSteps(d.hi, dt));
  }

  /** Check a connect spec; returns the synapse count (exact or expected) when computable. */
  connect(c: unknown, path: string, src: Pop | undefined, tgt: Pop | undefined, same: boolean): { count: number; fixed: boolean } | undefined {
    if (!isObj(c)) {
      this.err(path, `must be an object {rule: ${quoteList(RULES)}, ...}, got ${describe(c)}`);
      return undefined;
    }
    const rule = c.rule;
    if (typeof rule !== 'string' || !(rule in RULE_FIELDS)) {
      const s = typeof rule === 'string' ? suggest(rule, RULES) : undefined;
      this.err(`${path}.rule`, `must be one of ${quoteList(RULES)}${s ? ` (did you mean '${s}'?)` : ''}, got ${describe(rule)}`);
      return undefined;
    }
    const before = this.issues.length;
    this.fields(c, RULE_FIELDS[rule], path, `the rule '${rule}'`);
    const aut = this.bool(c, 'allow_autapses', path) ?? (rule !== 'spatial_indegree' || !same);
    const mult = this.bool(c, 'allow_multapses', path) ?? true;
    const nSrc = src?.size;
    const nTgt = tgt?.size;
    const known = nSrc !== undefined && nTgt !== undefined;
    const nAllowedSrc = known ? allowedSources(nSrc, same, aut) : undefined;
    const srcName = `"${src?.name}"`;
    const tgtName = `"${tgt?.name}"`;
    const autNote = same && !aut ? ' (autapses excluded)' : '';
    switch (rule) {
      case 'one_to_one':
        if (known && nSrc !== nTgt)
          this.err(path, `one_to_one needs populations of the same size: ${srcName} has ${nSrc} neurons and ${tgtName} has ${nTgt}`);
        break;
      case 'all_to_all':
        break;
      case 'pairwise_bernoulli': {
        if (c.p === undefined) this.err(`${path}.p`, 'is required (connection probability in [0, 1])');
        else {
          const p = this.num(c.p, `${path}.p`, 'a probability in [0, 1]');
          if (p !== undefined && (p < 0 || p > 1)) this.err(`${path}.p`, `must be a probability in [0, 1], got ${p}`);
        }
        break;
      }
      case 'fixed_indegree':
      case 'fixed_outdegree': {
        const key = rule === 'fixed_indegree' ? 'indegree' : 'outdegree';
        if (c[key] === undefined) {
          this.err(`${path}.${key}`, `is required (synapses per ${key === 'indegree' ? 'target' : 'source'} neuron)`);
          break;
        }
        const K = this.nonNegInt(c[key], `${path}.${key}`, `synapses per ${key === 'indegree' ? 'target' : 'source'} neuron`);
        if (K === undefined || !known) break;
        const pool = key === 'indegree' ? nAllowedSrc! : allowedSources(nTgt, same, aut);
        const poolName = key === 'indegree' ? `sources in ${srcName}` : `targets in ${tgtName}`;
        if (!mult && K > pool)
          this.err(`${path}.${key}`, `${K} is more than the ${pool} allowed ${poolName}${autNote}: without multapses each ${key === 'indegree' ? 'target' : 'source'} can have at most ${pool} synapses`);
        else if (K > 0 && pool === 0) this.err(`${path}.${key}`, `${K} synapses requested but there are no allowed ${poolName}${autNote}`);
        break;
      }
      case 'fixed_total_number': {
        if (c.n === undefined) {
          this.err(`${path}.n`, 'is required (total number of synapses)');
          break;
        }
        const n = this.nonNegInt(c.n, `${path}.n`, 'total number of synapses');
        if (n === undefined || !known) break;
        const pairs = nAllowedSrc! * nTgt;
        if (!mult && n > pairs) this.err(`${path}.n`, `${n} is more than the ${pairs} distinct (source, target) pairs${autNote}: without multapses n <= ${pairs}`);
        else if (n > 0 && pairs === 0) this.err(`${path}.n`, `${n} synapses requested but there are no allowed (source, target) pairs${autNote}`);
        break;
      }
      case 'spatial_indegree': {
        let K: number | undefined;
        if (c.indegree === undefined) this.err(`${path}.indegree`, 'is required (synapses per target neuron)');
        else K = this.nonNegInt(c.indegree, `${path}.indegree`, 'synapses per target neuron');
        let sigma: number | undefined;
        if (c.sigma === undefined) this.err(`${path}.sigma`, 'is required (std of the offset per axis, um >= 0)');
        else {
          sigma = this.num(c.sigma, `${path}.sigma`, 'a distance in um (number >= 0)');
          if (sigma !== undefined && !(sigma >= 0)) {
            this.err(`${path}.sigma`, `must be >= 0 um, got ${sigma}`);
            sigma = undefined;
          }
        }
        let radiusOk = true;
        if (c.radius !== undefined) {
          const r = this.num(c.radius, `${path}.radius`, 'a distance in um (number >= 0)');
          if (r === undefined || !(r >= 0)) {
            if (r !== undefined) this.err(`${path}.radius`, `must be >= 0 um, got ${r}`);
            radiusOk = false;
          }
        }
        this.bool(c, 'periodic', path);
        const sheet = this.sameSheet(src, tgt, path, 'spatial_indegree');
        if (K === undefined || sigma === undefined || !radiusOk || !sheet || !known) break;
        const sp = spatialParams(c as { sigma: number; radius?: number; periodic?: boolean }, sheet.spacing);
        const rpath = c.radius === undefined ? `${path}.sigma` : `${path}.radius`;
        if (sp.radius / sheet.spacing > MAX_RADIUS_COLUMNS) {
          this.err(rpath, `the radius (${sp.radius} um${c.radius === undefined ? ', 3 sigma' : ''}) must be at most ${MAX_RADIUS_COLUMNS} column spacings (${sheet.spacing} um)`);
          break;
        }
        const entries = offsetTableSize(sheet.columns_x, sheet.columns_y, sp.rho2, sp.periodic);
        if (entries > MAX_OFFSET_TABLE) {
          this.err(rpath, `the radius (${sp.radius} um${c.radius === undefined ? ', 3 sigma' : ''}) spans ${entries} column offsets, more than the ${MAX_OFFSET_TABLE} supported; use a smaller radius or a larger spacing`);
          break;
        }
        const cols = reachableColumns(sheet.columns_x, sheet.columns_y, sp.rho2, sp.periodic);
        const pool = cols * sheet.perColumn - (same && !aut ? 1 : 0);
        const where = `within the radius (${sp.radius} um${sigma === 0 ? ': sigma = 0 keeps the own column' : ''}) of ${sp.periodic ? 'a target' : 'a corner target of the non-periodic sheet'}: ${cols} column(s) of ${sheet.perColumn} neuron(s)${autNote}`;
        if (K > 0 && pool <= 0) this.err(`${path}.indegree`, `${K} synapses requested but there are no allowed sources ${where}`);
        else if (!mult && K > pool)
          this.err(`${path}.indegree`, `${K} is more than the ${pool} allowed sources ${where}: without multapses each target can have at most ${pool} synapses`);
        break;
      }
      case 'explicit': {
        const s = c.sources === undefined ? (this.err(`${path}.sources`, 'is required (source neuron indices)'), undefined) : this.indices(c.sources, `${path}.sources`, nSrc, `neurons of ${srcName}`);
        const t = c.targets === undefined ? (this.err(`${path}.targets`, 'is required (target neuron indices)'), undefined) : this.indices(c.targets, `${path}.targets`, nTgt, `neurons of ${tgtName}`);
        if (s && t && s.length !== t.length) this.err(`${path}.targets`, `must have the same length as sources (${s.length}), got ${t.length}`);
        if (s && t && s.length > MAX_U32) this.err(`${path}.sources`, `at most ${MAX_U32} synapses per projection`);
        break;
      }
    }
    if (this.issues.length !== before || !known) return undefined;
    return synapseCount(c as unknown as ConnectSpec, nSrc, nTgt, same);
  }

  // --- inputs --------------------------------------------------------------------------------

  input(x: unknown, i: number): void {
    const path = `inputs[${i}]`;
    this.inputs[i] = null;
    if (!isObj(x)) {
      this.err(path, `must be an object {type: 'poisson' | 'current', target, ...}, got ${describe(x)}`);
      return;
    }
    const before = this.issues.length;
    if (x.type === 'random_drive') {
      this.randomDrive(x, path, i);
      return;
    }
    if (x.type !== 'poisson' && x.type !== 'current' && x.type !== 'noise') {
      this.err(`${path}.type`, `must be 'poisson', 'current', 'noise' or 'random_drive', got ${describe(x.type)}`);
      return;
    }
    this.fields(x, x.type === 'poisson' ? POISSON_INPUT_FIELDS : x.type === 'noise' ? NOISE_INPUT_FIELDS : CURRENT_INPUT_FIELDS, path, `a '${x.type}' input`);
    const tgt = x.target === undefined ? (this.err(`${path}.target`, 'is required (a population name)'), undefined) : this.popRef(x.target, `${path}.target`);
    let channel = 0;
    let eqTarget: { channel: number; factor: number; unit: string } | undefined;
    if (x.on_pre !== undefined && tgt?.model !== undefined && tgt.model !== 'equations')
      this.err(`${path}.on_pre`, `applies to a target from equations; population "${tgt.name}" is '${tgt.model}'`);
    if (tgt?.model === 'equations' && x.type !== 'poisson')
      this.err(`${path}.target`, `population "${tgt.name}" is a model from equations, which takes 'poisson' inputs (with on_pre); write noise as xi and currents as parameters in its equations`);
    if (x.type === 'poisson') {
      if (tgt && tgt.model !== undefined && tgt.model !== 'equations' && !rulesOf(tgt.model)!.receives.poisson)
        this.err(`${path}.target`, `population "${tgt.name}" (${tgt.model}) cannot receive input: targets must be ${this.receivers('poisson')} or a model from equations`);
      if (tgt?.model === 'equations') {
        const onPre = this.onPreFor(tgt, x, path);
        if (onPre !== undefined || !tgt.receptors) eqTarget = this.equationTarget(tgt, onPre, path);
        if (eqTarget) channel = eqTarget.channel;
      }
      let rate: number | undefined;
      if (x.rate === undefined) this.err(`${path}.rate`, 'is required (total rate of input spikes per target neuron, Hz)');
      else {
        rate = this.num(x.rate, `${path}.rate`, 'a number >= 0 (Hz)');
        if (rate !== undefined && rate < 0) this.err(`${path}.rate`, `must be >= 0 Hz, got ${rate}`);
        else if (rate !== undefined && this.dt !== undefined && (rate * this.dt) / 1000 > MAX_POISSON_LAMBDA)
          this.err(`${path}.rate`, `${rate} Hz gives ${(rate * this.dt) / 1000} expected events per step, more than ${MAX_POISSON_LAMBDA}`);
      }
      const tr = rulesOf(tgt?.model);
      const unit = tr ? tr.inputUnit(tgt!.synapse) : eqTarget ? eqTarget.unit : '';
      let weight: number | undefined;
      if (x.weight === undefined) this.err(`${path}.weight`, `is required (weight of each input spike${unit ? `, ${unit}` : ''})`);
      else weight = this.num(x.weight, `${path}.weight`, `a number${unit ? ` (${unit})` : ''}`);
      if (x.receptor !== undefined && !tgt?.receptors && !KINDS.includes(x.receptor as NeuronKind))
        this.err(`${path}.receptor`, `must be 'excitatory' or 'inhibitory', got ${describe(x.receptor)}`);
      else if (tr && tr.channels(tgt!.synapse) === 2) {
        const r = (x.receptor as NeuronKind | undefined) ?? (weight !== undefined ? (weight < 0 ? 'inhibitory' : 'excitatory') : undefined);
        channel = r === 'inhibitory' ? 1 : 0;
      }
    } else if (x.type === 'noise') {
      channel = checkNoiseInput(this, x, path, tgt);
    } else {
      if (tgt && tgt.model !== undefined && tgt.model !== 'equations' && !rulesOf(tgt.model)!.receives.current)
        this.err(`${path}.target`, `population "${tgt.name}" (${tgt.model}) has no input current: current inputs target ${this.receivers('current')}`);
      if (x.amplitude === undefined) this.err(`${path}.amplitude`, 'is required (nA)');
      else this.num(x.amplitude, `${path}.amplitude`, 'a number (nA)');
      if (x.neurons !== undefined && x.neurons !== null) this.indices(x.neurons, `${path}.neurons`, tgt?.size, `neurons of "${tgt?.name}"`);
    }
    this.timeWindow(x, path);
    if (this.issues.length === before && tgt) this.inputs[i] = { index: i, target: tgt.index, channel, ...(eqTarget ? { weightFactor: eqTarget.factor } : {}) };
  }

  /** inputs[i] of type random_drive: { target: name | names, amplitude, count?, receptor?, start?, stop? } */
  private randomDrive(x: Obj, path: string, i: number): void {
    const before = this.issues.length;
    this.fields(x, RANDOM_DRIVE_FIELDS, path, "a 'random_drive' input");
    const names = typeof x.target === 'string' ? [x.target] : x.target;
    const targets: { target: number; channel: number }[] = [];
    if (x.target === undefined) this.err(`${path}.target`, 'is required (a population name, or an array of names)');
    else if (!Array.isArray(names) || names.length === 0) this.err(`${path}.target`, `must be a population name or a non-empty array of names, got ${describe(x.target)}`);
    else {
      names.forEach((n: unknown, k: number) => {
        const tp = typeof x.target === 'string' ? `${path}.target` : `${path}.target[${k}]`;
        const tgt = this.popRef(n, tp);
        if (!tgt) return;
        if (tgt.model !== undefined && !rulesOf(tgt.model)?.receives.randomDrive)
          this.err(tp, `population "${tgt.name}" (${tgt.model}) cannot receive a random drive: targets must be ${this.receivers('randomDrive')}`);
        else if (targets.some((t) => t.target === tgt.index)) this.err(tp, `population "${tgt.name}" is listed twice`);
        const two = rulesOf(tgt.model)?.channels(tgt.synapse) === 2;
        targets.push({ target: tgt.index, channel: two && x.receptor === 'inhibitory' ? 1 : 0 });
      });
    }
    if (x.amplitude === undefined) this.err(`${path}.amplitude`, "is required (the input added to a drawn neuron in that step, in the unit of its input: nA for lif 'exp', mV for lif 'delta', I for izhikevich)");
    else this.num(x.amplitude, `${path}.amplitude`, 'a number');
    if (x.count !== undefined) {
      const c = this.num(x.count, `${path}.count`, 'an integer >= 1 (neurons drawn per step)');
      if (c !== undefined && !(Number.isInteger(c) && c >= 1 && c <= 1e6)) this.err(`${path}.count`, `must be an integer from 1 to 1e6 (neurons drawn per step), got ${c}`);
    }
    if (x.receptor !== undefined && x.receptor !== 'excitatory' && x.receptor !== 'inhibitory')
      this.err(`${path}.receptor`, `must be 'excitatory' or 'inhibitory', got ${describe(x.receptor)}`);
    this.timeWindow(x, path);
    if (this.issues.length === before && targets.length) this.inputs[i] = { index: i, target: targets[0].target, channel: targets[0].channel, targets };
  }

  // --- monitors ------------------------------------------------------------------------------

  monitor(x: unknown, i: number): void {
    const path = `monitors[${i}]`;
    if (!isObj(x)) {
      this.err(path, `must be an object {type: 'spikes' | 'state' | 'rate', population, ...}, got ${describe(x)}`);
      return;
    }
    const t = x.type;
    if (typeof t !== 'string' || !(t in MONITOR_FIELDS)) {
      this.err(`${path}.type`, `must be 'spikes', 'state', 'rate' or 'synapses', got ${describe(t)}`);
      return;
    }
    this.fields(x, MONITOR_FIELDS[t], path, `a '${t}' monitor`);
    if (t === 'synapses') {
      if (x.projection === undefined) this.err(`${path}.projection`, 'is required (a projection name)');
      else if (typeof x.projection !== 'string') this.err(`${path}.projection`, `must be a projection name, got ${describe(x.projection)}`);
      else if (!this.allProjNames.includes(x.projection))
        this.err(`${path}.projection`, `unknown projection "${x.projection}" (projections: ${this.allProjNames.join(', ') || 'none'})`);
      if (x.every_ms !== undefined) this.interval(x.every_ms, `${path}.every_ms`);
      return;
    }
    const pop = x.population === undefined ? (this.err(`${path}.population`, 'is required (a population name)'), undefined) : this.popRef(x.population, `${path}.population`);
    const who = `neurons of "${pop?.name}"`;
    if (t === 'spikes') {
      if (x.neurons !== undefined) this.indices(x.neurons, `${path}.neurons`, pop?.size, who);
    } else if (t === 'state') {
      const vars = pop?.eq ? (pop.eq.units.size ? [...pop.eq.units.keys()] : undefined) : pop?.model ? stateVariables(pop.model as NeuronModelName, pop.synapse) : undefined;
      if (x.variables === undefined) this.err(`${path}.variables`, 'is required (names of state variables)');
      else if (!Array.isArray(x.variables) || x.variables.length === 0) this.err(`${path}.variables`, `must be a non-empty array of variable names, got ${describe(x.variables)}`);
      else if (vars && vars.length === 0) this.err(`${path}.variables`, `a '${pop!.model}' population has no state variables to record`);
      else {
        const seen = new Set<unknown>();
        x.variables.forEach((v: unknown, k: number) => {
          const vp = `${path}.variables[${k}]`;
          if (typeof v !== 'string') this.err(vp, `must be a variable name, got ${describe(v)}`);
          else if (vars && !vars.includes(v))
            this.err(vp, `unknown variable "${v}" of a '${pop!.model}' population (variables: ${vars.join(', ')})`);
          else if (seen.has(v)) this.err(vp, `duplicate variable "${v}"`);
          seen.add(v);
        });
      }
      if (x.neurons === undefined) this.err(`${path}.neurons`, 'is required (indices of the neurons to record)');
      else this.indices(x.neurons, `${path}.neurons`, pop?.size, who);
      if (x.every !== undefined) {
        const e = this.num(x.every, `${path}.every`, 'an integer >= 1 (record every k steps)');
        if (e !== undefined && (!Number.isInteger(e) || e < 1 || e > MAX_STEP)) this.err(`${path}.every`, `must be an integer >= 1 (record every k steps), got ${e}`);
      }
    }
  }
}

function isPosInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= MAX_SIZE;
}


function hasNonFinite(o: Obj): boolean {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'number' && !Number.isFinite(v)) return true;
  }
  return false;
}

/** Receptor from the weight's sign: every value >= 0 → excitatory, every value <= 0 → inhibitory. */
function signKind(w: PV): NeuronKind | undefined {
  if (w.lo >= 0) return 'excitatory';
  if (w.hi <= 0) return 'inhibitory';
  return undefined;
}

