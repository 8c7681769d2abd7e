/**
 * Validation of a model description (docs/model-format.md): every problem at once, each with the
 * path of its field. Nothing here allocates per neuron or per synapse beyond scanning the arrays
 * the user gave, so a model of any declared size validates in microseconds.
 *
 * checkModel() also resolves what the builder and the estimator need (population indices,
 * receptor channels, synapse counts, delay bounds), so that the rules live in one place.
 */
import type { ConnectSpec, EquationModelSpec, ModelSpec, MonitorSpec, SheetSpec, NeuronKind, NeuronModelName, PlannedModelName, AnyPopulationSpec, ValueSpec } from '../core/types.ts';
import { channelKey, type ModelAnalysis } from '../equations/compile.ts';
import { EquationError } from '../equations/errors.ts';
import type { CompiledModel } from '../equations/model.ts';
import { builtinModel, modelsReceiving, neuronModel } from '../neurons/index.ts';
import type { ModelRules, SynapseKind } from '../neurons/types.ts';
import {
  analysisOf, compilePopulationModel, drawCount, equationIssues, equationModelOf, MAX_DRAWS, mergedParameters, onPreOf, quantityValue,
} from '../equations/population.ts';
import { checkReceptors, usesISyn, type Receptor, type ReceptorsSpec } from '../equations/receptors.ts';
import { MAX_DELAY_STEPS } from '../core/layout.ts';
import { ModelError, type ModelIssue } from './errors.ts';
import { GRID_TOL, isArrayLike, MAX_STEP, onGrid, supportOf, toSteps, isUniformValue } from './values.ts';
import { allowedSources, synapseCount } from './connect.ts';
import {
  DEFAULT_SPACING, distanceDelaySteps, MAX_OFFSET_TABLE, MAX_RADIUS_COLUMNS, maxProjectionDistance, offsetTableSize, reachableColumns,
  spatialParams, type SpatialParams,
} from './sheet.ts';
import { MAX_INPUTS, MAX_POPULATIONS, MAX_PROJECTIONS } from './streams.ts';
import { describe, PruningSchema, structureIssues, structureIssuesOf, suggest } from './schema.ts';
import { checkExprValue, checkRandomVars, isExprSpec, type Interval } from './expr.ts';
import { checkNoiseInput } from './noise-input.ts';

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
const MAX_U32 = 0xffffffff;

const KINDS: readonly NeuronKind[] = ['excitatory', 'inhibitory'];
const FIXED_RULES = 'explicit, one_to_one, all_to_all, fixed_indegree, fixed_outdegree, fixed_total_number or spatial_indegree';
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
  c.issues = inModelOrder(c.issues);
  return { issues: c.issues, dt: c.dt ?? NaN, populations: c.pops as CheckedPopulation[], projections: c.projs as CheckedProjection[], inputs: c.inputs as CheckedInput[] };
}

/** Problems of a pruning rule given through the API (sim.prune), with paths under `path`. */
export function checkPruning(rule: unknown, dt: number, path = 'rule'): ModelIssue[] {
  const structural = structureIssuesOf(PruningSchema, rule, path);
  if (structural.length) return structural;
  const c = new Checker();
  c.dt = dt;
  c.pruning(rule as Obj, path, '');
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

function fmt(x: number, unit: string): string {
  return unit ? `${x} ${unit}` : String(x);
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
  /** it has structural issues: only its valid name, size, type and built-in model are known */
  broken?: boolean;
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

const SECTIONS = ['populations', 'projections', 'inputs', 'monitors'];
/** Issues in the order of the model file: top-level fields, then each section entry by entry (a stable sort: the order within an entry stays). */
function inModelOrder(issues: ModelIssue[]): ModelIssue[] {
  const key = (p: string) => {
    const m = /^(populations|projections|inputs|monitors)(?:\[(\d+)\])?/.exec(p);
    return m ? (SECTIONS.indexOf(m[1]) + 1) * 2 ** 32 + (m[2] === undefined ? -1 : +m[2]) : 0;
  };
  return issues.map((x, i) => ({ x, i, k: key(x.path) })).sort((a, b) => a.k - b.k || a.i - b.i).map((e) => e.x);
}

/** The entry of the model an issue's path lies in: 'populations[2]', 'dt', 'models', or '' (the whole). */
function entryOf(path: string): string {
  const m = /^(populations|projections|inputs|monitors)\[(\d+)\]/.exec(path);
  if (m) return `${m[1]}[${m[2]}]`;
  return /^[^.[]*/.exec(path)![0];
}

class Checker {
  issues: ModelIssue[] = [];
  /** entries with structural issues (entryOf), not checked further */
  broken = new Set<string>();
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

  /** Neuron indices (an array of numbers, as the schema declares) of a population of `size` (undefined: range not checked). */
  indices(x: ArrayLike<number>, path: string, size: number | undefined, what: string): ArrayLike<number> | undefined {
    let bad = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (!Number.isInteger(v) || v < 0 || (size !== undefined && v >= size)) {
        if (bad < MAX_ARRAY_ISSUES) this.err(`${path}[${i}]`, `must be an integer in [0, ${size ?? 'size'}) (${what}), got ${v}`);
        bad++;
      }
    }
    if (bad > MAX_ARRAY_ISSUES) this.err(path, `${bad - MAX_ARRAY_ISSUES} more entries are out of range`);
    return bad ? undefined : x;
  }

  /**
   * A value (its structure holds: a finite number, an array of them, a distribution or {expr}):
   * its parsed form, or undefined when it does not fit here (an array where the count is not
   * fixed or of the wrong length, a distribution where none is allowed, reversed bounds).
   */
  value(x: unknown, path: string, o: ValueOpts): PV | undefined {
    if (typeof x === 'number') return { kind: 'const', spec: x, lo: x, hi: x };
    if (isArrayLike(x)) {
      if (o.count === null) {
        this.err(path, `per-synapse arrays are only allowed where the number of synapses is fixed (${FIXED_RULES})${o.arrayReason ? `; ${o.arrayReason}` : ''}`);
        return undefined;
      }
      if (o.count !== undefined && x.length !== o.count) {
        this.err(path, `must have ${o.countWhat ?? `${o.count} values`}, got ${x.length} values`);
        return undefined;
      }
      const spec = x as unknown as number[];
      const s = supportOf(spec);
      return { kind: 'array', spec, lo: s.lo, hi: s.hi };
    }
    const v = x as Obj;
    if (isExprSpec(v)) return checkExprValue(this, v, path, o);
    if (o.noDist) {
      this.err(path, `distributions are not allowed here: ${o.noDist}`);
      return undefined;
    }
    const before = this.issues.length;
    if (v.dist === 'uniform') {
      const { low, high } = v as { low: number; high: number };
      if (low > high) this.err(join(path, 'high'), `must be >= low (${low}), got ${high}`);
    } else if (v.dist === 'normal') {
      const { mean, std, min, max, bound } = v as { mean: number; std: number; min?: number; max?: number; bound?: string };
      if (std < 0) this.err(join(path, 'std'), `must be >= 0, got ${std}`);
      if (min !== undefined && max !== undefined && min > max) this.err(join(path, 'max'), `must be >= min (${min}), got ${max}`);
      if (bound === 'redraw' && std === 0 && ((min !== undefined && mean < min) || (max !== undefined && mean > max)))
        this.err(path, `with std 0 and bound 'redraw' no value can fall within [min, max]`);
    }
    if (this.issues.length !== before) return undefined;
    const spec = v as unknown as ValueSpec;
    const s = supportOf(spec);
    return { kind: v.dist as PV['kind'], spec, lo: s.lo, hi: s.hi };
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

  /** x.start and x.stop (ms >= 0, optional): on the grid, stop >= start. */
  timeWindow(x: Record<string, unknown>, path: string): void {
    const start = x.start === undefined ? 0 : this.gridTime(x.start as number, `${path}.start`);
    const stop = x.stop === undefined ? MAX_STEP : this.gridTime(x.stop as number, `${path}.stop`);
    if (start !== undefined && stop !== undefined && start > stop) this.err(`${path}.stop`, `must be >= start (${x.start} ms), got ${x.stop} ms`);
  }

  /** A time in ms (>= 0) on the grid (when dt is valid): its step, or undefined. */
  gridTime(v: number, path: string): number | undefined {
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

  popRef(x: string, path: string): Pop | undefined {
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

  model(input: unknown): void {
    // the structure first (src/network/schema.ts); then the meaning of every entry whose structure
    // holds (an entry with a structural issue is not looked into further: what follows reads the declared types)
    const structural = structureIssues(input);
    this.issues.push(...structural);
    this.broken = new Set(structural.map((x) => entryOf(x.path)));
    const spec = input as Obj;
    if (!isObj(input) || !Array.isArray(spec.populations) || this.broken.has('populations') || this.broken.has('models') || this.broken.has('')) return;
    if (!this.broken.has('dt')) this.dt = spec.dt as number;
    if (spec.duration !== undefined && !this.broken.has('duration')) this.gridTime(spec.duration as number, 'duration');

    if (spec.models !== undefined) {
      this.models = spec.models as Obj;
      for (const name of Object.keys(this.models)) {
        const builtin = builtinModel(name);
        if (builtin) this.err(`models.${name}`, `"${name}" is ${builtin === name ? 'a built-in model' : `an alias of the built-in model '${builtin}'`}; give the model from equations another name`);
        else if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) this.err(`models.${name}`, `a model's name must be an identifier (letters, digits, _, - and .), got ${JSON.stringify(name)}`);
      }
    }
    // populations first: the other sections refer to them
    const pops = spec.populations as Obj[];
    if (pops.length > MAX_POPULATIONS) this.err('populations', `at most ${MAX_POPULATIONS} populations are supported, got ${pops.length}`);
    const popList = pops.slice(0, MAX_POPULATIONS);
    popList.forEach((p, i) => this.preparePopulation(p, i));
    popList.forEach((p, i) => {
      if (!this.broken.has(`populations[${i}]`)) this.population(p, i);
    });

    this.section(spec.projections as Obj[] | undefined, 'projections', MAX_PROJECTIONS, (p, i) => this.projection(p, i));
    this.section(spec.inputs as Obj[] | undefined, 'inputs', MAX_INPUTS, (p, i) => this.input(p, i));
    this.section(spec.monitors as Obj[] | undefined, 'monitors', Infinity, (p, i) => this.monitor(p, i));
    // a model from equations: one ring channel per variable that projections and inputs drive
    this.popInfo.forEach((info, i) => {
      const cp = this.pops[i];
      if (info.eq && cp) cp.channels = info.eq.inputs.length;
    });
  }

  section(x: Obj[] | undefined, path: string, max: number, f: (x: Obj, i: number) => void): void {
    if (x === undefined || this.broken.has(path)) return;
    if (x.length > max) {
      this.err(path, `at most ${max} entries are supported, got ${x.length}`);
      return;
    }
    x.forEach((e, i) => {
      if (!this.broken.has(`${path}[${i}]`)) f(e, i);
      else if (path === 'projections') this.projs[i] = null;
      else if (path === 'inputs') this.inputs[i] = null;
    });
    // a broken projection's name still names it for the monitors
    if (path === 'projections') x.forEach((e, i) => {
      if (!this.broken.has(`${path}[${i}]`)) return;
      const str = (x: unknown) => (typeof x === 'string' ? x : '?');
      this.allProjNames.push(isObj(e) && typeof e.name === 'string' ? e.name : `${isObj(e) ? str(e.source) : '?'}->${isObj(e) ? str(e.target) : '?'}`);
    });
  }

  /** Names, sizes and models, so that references can be resolved before the details. */
  preparePopulation(p: Obj, i: number): void {
    if (this.broken.has(`populations[${i}]`)) {
      // what holds of it, for the entries that refer to it (their checks skip what it lacks)
      const info: Pop = { index: i, broken: true };
      this.popInfo[i] = info;
      this.pops[i] = null;
      if (!isObj(p)) return;
      if (typeof p.name === 'string' && p.name && !this.popByName.has(p.name)) {
        info.name = p.name;
        this.popByName.set(p.name, i);
      }
      if (typeof p.size === 'number' && Number.isInteger(p.size) && p.size >= 1) info.size = p.size;
      if (KINDS.includes(p.type as NeuronKind)) info.type = p.type as NeuronKind;
      info.model = builtinModel(p.model);
      return;
    }
    const name = p.name as string;
    const size = p.size as number;
    const info: Pop = { index: i, name, size };
    this.popInfo[i] = info;
    if (!this.popByName.has(name)) this.popByName.set(name, i);
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
    info.type = p.type as NeuronKind | undefined;
    const syn = rulesOf(info.model)?.synapses ?? [];
    if (syn.length) info.synapse = (p.synapse as SynapseKind | undefined) ?? syn[0];
    info.hasSheet = p.sheet !== undefined;
    if (p.sheet !== undefined) {
      const { columns_x: cx, columns_y: cy, spacing } = p.sheet as SheetSpec;
      if (size % (cx * cy) === 0) info.sheet = { columns_x: cx, columns_y: cy, spacing: spacing ?? DEFAULT_SPACING, perColumn: size / (cx * cy) };
    }
  }

  /** populations[i].sheet: size a positive multiple of columns_x * columns_y. */
  sheet(x: SheetSpec, path: string, size: number): void {
    const cols = x.columns_x * x.columns_y;
    if (size % cols !== 0)
      this.err(
        path.replace(/\.sheet$/, '.size'),
        `must be a positive multiple of sheet.columns_x * sheet.columns_y = ${cols} (the same number of neurons in every column), got ${size}`,
      );
  }

  population(p: Obj, i: number): void {
    const path = `populations[${i}]`;
    const info = this.popInfo[i];
    this.pops[i] = null;
    const before = this.issues.length;
    const first = this.popByName.get(info.name!)!;
    if (first !== i) this.err(`${path}.name`, `duplicate population name "${info.name}" (also populations[${first}])`);
    if (p.sheet !== undefined) this.sheet(p.sheet as SheetSpec, `${path}.sheet`, info.size!);
    const model = info.model;
    const size = info.size;
    const who = `population "${info.name ?? i}"`;
    const perNeuronBase = (unit: string): ValueOpts => ({ unit, count: size, countWhat: `one value per neuron of ${who} (${size})` });
    const vars = checkRandomVars(this, p.random as Obj | undefined, `${path}.random`, perNeuronBase(''));
    const perNeuron = (unit: string): ValueOpts => ({ ...perNeuronBase(unit), vars, varsOf: who });

    // the model's own params and initial state (src/neurons/<model>/model.ts), or its equations
    const pr = (p.params ?? {}) as Obj;
    const init = p.initial as Obj | undefined;
    if (p.receptors !== undefined) this.receptors(p, path, info);
    if (model === 'equations') this.equationPopulation(p, path, info, perNeuron);
    else if (model) rulesOf(model)!.check(this, pr, `${path}.params`, init, `${path}.initial`, info.synapse, perNeuron, size);

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
    const own = !this.reportedModels.has(eq.path);
    this.reportedModels.add(eq.path);
    const a = eq.analysis;
    if (!a) {
      if (own) {
        const e = analysisOf(eq.def);
        if (e instanceof EquationError) this.issues.push(...equationIssues(e, eq.path));
      }
      return;
    }
    const params = p.parameters as Obj | undefined;
    const merged = mergedParameters(eq.def, p as unknown as AnyPopulationSpec);
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
        else if (from === 'population') this.value(v, vpath, perNeuron(q.unit));
      }
    };
    if (own && def.parameters !== undefined) check(def.parameters as Obj, `${eq.path}.parameters`, 'model');
    if (params !== undefined) check(params, `${path}.parameters`, 'population');
    const init = p.initial as Obj | undefined;
    if (init !== undefined) {
      {
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
    const list = checkReceptors(p.receptors as ReceptorsSpec, rp, this.issues);
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

  /**
   * A projection's or input's on_pre, or the one its receptor names (`"receptor": "NMDA"` →
   * "y_NMDA += w"; a list, `["AMPA", "NMDA"]`, gives the weight to each: "g_AMPA += w; g_NMDA += w").
   */
  private onPreFor(tgt: Pop, x: Obj, path: string): unknown {
    if (!tgt.receptors) return x.on_pre;
    if (tgt.receptors === 'invalid') return undefined;
    if (x.receptor === undefined) {
      if (x.on_pre === undefined) this.err(`${path}.receptor`, `is required: the receptor of population "${tgt.name}" this drives (${tgt.receptors.map((r) => r.name).join(', ')})`);
      return x.on_pre;
    }
    const have = tgt.receptors;
    const names = Array.isArray(x.receptor) ? (x.receptor as unknown[]) : [x.receptor];
    const found: Receptor[] = [];
    names.forEach((n, k) => {
      const at = Array.isArray(x.receptor) ? `${path}.receptor[${k}]` : `${path}.receptor`;
      const r = have.find((q) => q.name === n);
      if (!r) this.err(at, `must be a receptor of population "${tgt.name}" (${have.map((q) => q.name).join(', ')}), got ${describe(n)}`);
      else if (found.includes(r)) this.err(at, `names receptor "${r.name}" twice`);
      else found.push(r);
    });
    if (names.length === 0) this.err(`${path}.receptor`, `must name at least one receptor of population "${tgt.name}" (${have.map((q) => q.name).join(', ')})`);
    if (found.length !== names.length || names.length === 0) return undefined;
    const onPre = found.map((r) => `${r.driven} += w`).join('; ');
    if (x.on_pre !== undefined) {
      this.err(`${path}.on_pre`, `is given by the receptor ("${onPre}"): give receptor or on_pre, not both`);
      return undefined;
    }
    return onPre;
  }

  /**
   * The ring channel and weight factor of a projection or input into a model from equations, from
   * its on_pre (`"ge += w"`): each distinct on_pre gets a channel, in the order first driven, keyed
   * by its variables (channelKey: `ge`, or `g_AMPA;g_NMDA*0.5` for a synapse that drives two). The
   * first statement's factor (and its variable's unit) scales the weights; the others' factors are
   * relative to it, so all of one on_pre's variables must have one unit.
   */
  private equationTarget(tgt: Pop, onPre: unknown, path: string): { channel: number; factor: number; unit: string } | undefined {
    const a = tgt.eq?.analysis;
    if (!a) return undefined;
    const terms = onPreOf(a, onPre, `${path}.on_pre`, this.issues);
    if (!terms) return undefined;
    const units = tgt.eq!.units;
    const u0 = units.get(terms[0].variable);
    const odd = terms.find((t) => units.get(t.variable)?.unit !== u0?.unit);
    if (odd) {
      this.err(`${path}.on_pre`, `drives variables of different units ('${terms[0].variable}': ${u0?.unit || '1'}, '${odd.variable}': ${units.get(odd.variable)?.unit || '1'}): one weight cannot be both; use one projection per unit`);
      return undefined;
    }
    const f0 = terms[0].factor;
    if (f0 === 0 && terms.length > 1) {
      this.err(`${path}.on_pre`, `the first statement's factor is 0: leave it out`);
      return undefined;
    }
    const key = channelKey(terms.map((t, k) => ({ variable: t.variable, factor: k === 0 ? 1 : t.factor / f0 })));
    const inputs = tgt.eq!.inputs;
    let channel = inputs.indexOf(key);
    if (channel < 0) channel = inputs.push(key) - 1;
    return { channel, factor: f0 * (u0?.factor ?? 1), unit: u0?.unit ?? '' };
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

  /** spike_times (one array of finite numbers per neuron, as the schema declares): one per neuron, >= 0, on the grid, no step twice. */
  spikeTimes(x: ArrayLike<ArrayLike<number>>, path: string, size: number | undefined): void {
    if (size !== undefined && x.length !== size) this.err(path, `must have one array of spike times per neuron (${size}), got ${x.length}`);
    let bad = 0;
    const report = (p: string, m: string) => {
      if (bad++ < 5) this.err(p, m);
    };
    const dt = this.dt;
    for (let i = 0; i < x.length; i++) {
      const row = x[i];
      const rp = `${path}[${i}]`;
      const seen = new Set<number>();
      for (let j = 0; j < row.length; j++) {
        const t = row[j];
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

  projection(p: Obj, i: number): void {
    const path = `projections[${i}]`;
    this.projs[i] = null;
    const before = this.issues.length;
    if (typeof p.name === 'string') {
      const j = this.projNames.get(p.name);
      if (j !== undefined) this.err(`${path}.name`, `duplicate projection name "${p.name}" (also projections[${j}])`);
      else this.projNames.set(p.name, i);
    }
    const src = this.popRef(p.source as string, `${path}.source`);
    const tgt = this.popRef(p.target as string, `${path}.target`);
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
    const conn = p.connect as Obj;
    count = this.connect(conn, `${path}.connect`, src, tgt, same);

    // weight
    const wUnit = tRules ? tRules.inputUnit(tgt!.synapse) : eqTarget ? eqTarget.unit : '';
    const arrayCount = count === undefined ? undefined : count.fixed ? count.count : null;
    const rule = conn.rule as string;
    const synOpts = (unit: string): ValueOpts => ({
      unit, count: arrayCount, countWhat: `one value per synapse (${arrayCount})`,
      arrayReason: `this projection uses ${rule}`,
    });
    const w = this.value(p.weight, `${path}.weight`, synOpts(wUnit));
    {
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
    if (p.receptor !== undefined && tgt && !tgt.broken && !tgt.receptors && !KINDS.includes(p.receptor as NeuronKind))
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
    if (p.plasticity !== undefined) this.plasticity(p.plasticity as Obj, `${path}.plasticity`, src, wUnit);
    if (p.pruning !== undefined) this.pruning(p.pruning as Obj, `${path}.pruning`, wUnit);
    if (p.short_term !== undefined && p.plasticity !== undefined) this.err(`${path}.short_term`, 'cannot be combined with plasticity (STDP) on the same projection');
    if (p.weight_precision === 'float16') {
      if (p.plasticity !== undefined)
        this.err(`${path}.weight_precision`, "'float16' cannot hold the small weight changes of plasticity: use 'float32' (the default)");
      else if (w && isUniformValue(w.spec) && p.pruning === undefined)
        this.err(`${path}.weight_precision`, "'float16' stores per-synapse weights, and this projection's weight is one value (stored once, exactly): remove weight_precision");
    }

    if (this.issues.length === before && src && tgt && count && w && src.size !== undefined && tgt.size !== undefined) {
      this.projs[i] = {
        index: i, name, source: src.index, target: tgt.index, same, channel, count: count.count, countFixed: count.fixed,
        weightPerSynapse: !isUniformValue(w.spec) || p.plasticity !== undefined || p.pruning !== undefined, delayPerSynapse, maxDelaySteps,
        weightFactor: eqTarget?.factor ?? 1,
      };
      if (eqTarget) this.projs[i]!.channel = eqTarget.channel;
    }
  }

  /** projections[i].plasticity: the weight bounds ordered and of the sign Dale's principle allows, the interval on the grid. */
  plasticity(x: Obj, path: string, src: Pop | undefined, wUnit: string): void {
    const u = wUnit ? ` ${wUnit}` : '';
    const wMin = (x.w_min as number | undefined) ?? 0;
    const wMax = x.w_max as number;
    if (wMin > wMax) this.err(`${path}.w_min`, `must be <= w_max (${wMax}${u}), got ${wMin}${u}: the weight bounds are reversed`);
    if (src?.type === 'excitatory' && wMin < 0)
      this.err(`${path}.w_min`, `must be >= 0, the source population "${src.name}" is excitatory (Dale's principle): weights would become negative, got ${wMin}${u}`);
    if (src?.type === 'inhibitory' && wMax > 0)
      this.err(`${path}.w_max`, `must be <= 0, the source population "${src.name}" is inhibitory (Dale's principle): weights would become positive, got ${wMax}${u}`);
    if (x.apply_every_ms !== undefined) this.interval(x.apply_every_ms as number, `${path}.apply_every_ms`);
  }

  /** An interval in ms (> 0): a whole number of steps. */
  private interval(v: number, path: string): void {
    if (this.dt !== undefined && !onGrid(v, this.dt)) this.err(path, `${v} ms is not a whole number of time steps (dt = ${this.dt} ms)`);
  }

  /** projections[i].pruning (or a rule given to sim.prune): w_ref with bias 'weak' only, the times on the grid. */
  pruning(x: Obj, path: string, wUnit: string): void {
    const wu = wUnit ? `, ${wUnit}` : '';
    if (x.rule === 'elimination_rate') {
      if (x.bias === 'weak' && x.w_ref === undefined) this.err(`${path}.w_ref`, `is required with bias 'weak' (the weight magnitude at which a synapse is safe${wu})`);
      else if (x.bias !== 'weak' && x.w_ref !== undefined) this.err(`${path}.w_ref`, `is only used with bias 'weak'`);
    }
    if (x.every_ms !== undefined) this.interval(x.every_ms as number, `${path}.every_ms`);
    if (x.at_ms !== undefined) this.interval(x.at_ms as number, `${path}.at_ms`);
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
    const { offset, velocity } = x.distance as { offset: number; velocity: number };
    const sheet = this.sameSheet(src, tgt, path, 'a distance-dependent delay');
    if (this.issues.length !== before || !sheet || this.dt === undefined) return undefined;
    // the largest distance the projection's synapses can span (spatial_indegree: within its radius)
    let sp: SpatialParams | null = null;
    if (isObj(conn) && conn.rule === 'spatial_indegree') {
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
  connect(c: Obj, path: string, src: Pop | undefined, tgt: Pop | undefined, same: boolean): { count: number; fixed: boolean } | undefined {
    const rule = c.rule as string;
    const before = this.issues.length;
    const aut = (c.allow_autapses as boolean | undefined) ?? (rule !== 'spatial_indegree' || !same);
    const mult = (c.allow_multapses as boolean | undefined) ?? true;
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
      case 'pairwise_bernoulli':
        break;
      case 'fixed_indegree':
      case 'fixed_outdegree': {
        const key = rule === 'fixed_indegree' ? 'indegree' : 'outdegree';
        const K = c[key] as number;
        if (!known) break;
        const pool = key === 'indegree' ? nAllowedSrc! : allowedSources(nTgt, same, aut);
        const poolName = key === 'indegree' ? `sources in ${srcName}` : `targets in ${tgtName}`;
        if (!mult && K > pool)
          this.err(`${path}.${key}`, `${K} is more than the ${pool} allowed ${poolName}${autNote}: without multapses each ${key === 'indegree' ? 'target' : 'source'} can have at most ${pool} synapses`);
        else if (K > 0 && pool === 0) this.err(`${path}.${key}`, `${K} synapses requested but there are no allowed ${poolName}${autNote}`);
        break;
      }
      case 'fixed_total_number': {
        const n = c.n as number;
        if (!known) break;
        const pairs = nAllowedSrc! * nTgt;
        if (!mult && n > pairs) this.err(`${path}.n`, `${n} is more than the ${pairs} distinct (source, target) pairs${autNote}: without multapses n <= ${pairs}`);
        else if (n > 0 && pairs === 0) this.err(`${path}.n`, `${n} synapses requested but there are no allowed (source, target) pairs${autNote}`);
        break;
      }
      case 'spatial_indegree': {
        const K = c.indegree as number;
        const sigma = c.sigma as number;
        const sheet = this.sameSheet(src, tgt, path, 'spatial_indegree');
        if (!sheet || !known) break;
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
        const s = this.indices(c.sources as ArrayLike<number>, `${path}.sources`, nSrc, `neurons of ${srcName}`);
        const t = this.indices(c.targets as ArrayLike<number>, `${path}.targets`, nTgt, `neurons of ${tgtName}`);
        if (s && t && s.length !== t.length) this.err(`${path}.targets`, `must have the same length as sources (${s.length}), got ${t.length}`);
        if (s && t && s.length > MAX_U32) this.err(`${path}.sources`, `at most ${MAX_U32} synapses per projection`);
        break;
      }
    }
    if (this.issues.length !== before || !known) return undefined;
    return synapseCount(c as unknown as ConnectSpec, nSrc, nTgt, same);
  }

  // --- inputs --------------------------------------------------------------------------------

  input(x: Obj, i: number): void {
    const path = `inputs[${i}]`;
    this.inputs[i] = null;
    const before = this.issues.length;
    if (x.type === 'random_drive') {
      this.randomDrive(x, path, i);
      return;
    }
    const tgt = this.popRef(x.target as string, `${path}.target`);
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
      const rate = x.rate as number;
      if (this.dt !== undefined && (rate * this.dt) / 1000 > MAX_POISSON_LAMBDA)
        this.err(`${path}.rate`, `${rate} Hz gives ${(rate * this.dt) / 1000} expected events per step, more than ${MAX_POISSON_LAMBDA}`);
      const tr = rulesOf(tgt?.model);
      const weight = x.weight as number;
      if (x.receptor !== undefined && tgt && !tgt.broken && !tgt.receptors && !KINDS.includes(x.receptor as NeuronKind))
        this.err(`${path}.receptor`, `must be 'excitatory' or 'inhibitory', got ${describe(x.receptor)}`);
      else if (tr && tr.channels(tgt!.synapse) === 2) {
        const r = (x.receptor as NeuronKind | undefined) ?? (weight < 0 ? 'inhibitory' : 'excitatory');
        channel = r === 'inhibitory' ? 1 : 0;
      }
    } else if (x.type === 'noise') {
      channel = checkNoiseInput(this, x, path, tgt);
    } else {
      if (tgt && tgt.model !== undefined && tgt.model !== 'equations' && !rulesOf(tgt.model)!.receives.current)
        this.err(`${path}.target`, `population "${tgt.name}" (${tgt.model}) has no input current: current inputs target ${this.receivers('current')}`);
      if (x.neurons !== undefined) this.indices(x.neurons as ArrayLike<number>, `${path}.neurons`, tgt?.size, `neurons of "${tgt?.name}"`);
    }
    this.timeWindow(x, path);
    if (this.issues.length === before && tgt) this.inputs[i] = { index: i, target: tgt.index, channel, ...(eqTarget ? { weightFactor: eqTarget.factor } : {}) };
  }

  /** inputs[i] of type random_drive: { target: name | names, amplitude, count?, receptor?, start?, stop? } */
  private randomDrive(x: Obj, path: string, i: number): void {
    const before = this.issues.length;
    const names = typeof x.target === 'string' ? [x.target] : (x.target as string[]);
    const targets: { target: number; channel: number }[] = [];
    names.forEach((n, k) => {
      const tp = typeof x.target === 'string' ? `${path}.target` : `${path}.target[${k}]`;
      const tgt = this.popRef(n, tp);
      if (!tgt) return;
      if (tgt.model !== undefined && !rulesOf(tgt.model)?.receives.randomDrive)
        this.err(tp, `population "${tgt.name}" (${tgt.model}) cannot receive a random drive: targets must be ${this.receivers('randomDrive')}`);
      else if (targets.some((t) => t.target === tgt.index)) this.err(tp, `population "${tgt.name}" is listed twice`);
      const two = rulesOf(tgt.model)?.channels(tgt.synapse) === 2;
      targets.push({ target: tgt.index, channel: two && x.receptor === 'inhibitory' ? 1 : 0 });
    });
    this.timeWindow(x, path);
    if (this.issues.length === before && targets.length) this.inputs[i] = { index: i, target: targets[0].target, channel: targets[0].channel, targets };
  }

  // --- monitors ------------------------------------------------------------------------------

  monitor(x: Obj, i: number): void {
    const path = `monitors[${i}]`;
    const t = x.type as MonitorSpec['type'];
    if (t === 'synapses') {
      if (!this.allProjNames.includes(x.projection as string))
        this.err(`${path}.projection`, `unknown projection "${x.projection}" (projections: ${this.allProjNames.join(', ') || 'none'})`);
      if (x.every_ms !== undefined) this.interval(x.every_ms as number, `${path}.every_ms`);
      return;
    }
    const pop = this.popRef(x.population as string, `${path}.population`);
    const who = `neurons of "${pop?.name}"`;
    if (t === 'spikes') {
      if (x.neurons !== undefined) this.indices(x.neurons as ArrayLike<number>, `${path}.neurons`, pop?.size, who);
    } else if (t === 'state') {
      const vars = pop?.eq ? (pop.eq.units.size ? [...pop.eq.units.keys()] : undefined) : pop?.model ? stateVariables(pop.model as NeuronModelName, pop.synapse) : undefined;
      const variables = x.variables as string[];
      if (vars && vars.length === 0) this.err(`${path}.variables`, `a '${pop!.model}' population has no state variables to record`);
      else {
        const seen = new Set<string>();
        variables.forEach((v, k) => {
          const vp = `${path}.variables[${k}]`;
          if (vars && !vars.includes(v)) this.err(vp, `unknown variable "${v}" of a '${pop!.model}' population (variables: ${vars.join(', ')})`);
          else if (seen.has(v)) this.err(vp, `duplicate variable "${v}"`);
          seen.add(v);
        });
      }
      this.indices(x.neurons as ArrayLike<number>, `${path}.neurons`, pop?.size, who);
      if (x.every !== undefined && (x.every as number) > MAX_STEP) this.err(`${path}.every`, `must be an integer >= 1 (record every k steps) up to ${MAX_STEP}, got ${x.every}`);
    }
  }
}

/** Receptor from the weight's sign: every value >= 0 → excitatory, every value <= 0 → inhibitory. */
function signKind(w: PV): NeuronKind | undefined {
  if (w.lo >= 0) return 'excitatory';
  if (w.hi <= 0) return 'inhibitory';
  return undefined;
}

