/**
 * Populations of models from equations in a model file (docs/equations.md): finding the model
 * (`"model": { equations, ... }` inline, or the name of an entry of the top-level `models`),
 * checking it and the population's `parameters` and `initial` (validate.ts calls `checkEquationPopulation`),
 * the `on_pre` of the projections and inputs that drive it, and planning it (build.ts calls
 * `planEquationPopulation`): parameter values in kernel units, the compiled model, the quantities
 * the host computes once, and the initial state.
 *
 * Units: a plain number for a quantity is in axonal's unit for its dimension (ms, mV, nA, nF, µS,
 * Hz, …, as the model's `unit` of that quantity says); a string carries its units ("10*nS").
 */
import type { EquationModelSpec, ModelSpec, AnyPopulationSpec, ValueSpec } from '../core/types.ts';
import { analyzeModel, compileModel, evaluateDerived, parseOnPre, type ModelAnalysis, type OnPreTerm } from './compile.ts';
import { parseQuantity } from './units.ts';
import { EquationError } from './errors.ts';
import type { CompiledModel } from './model.ts';
import type { EquationPlan } from './runtime.ts';
import { MAX_DRAWS } from './runtime.ts';
import { checkReceptors, usesISyn, withReceptors, type ReceptorsSpec } from './receptors.ts';
import { standardCell, type StandardCell } from '../neurons/cells/index.ts';

export type Issue = { path: string; message: string };

/**
 * The model of a population when it is one from equations: its definition, name and the path where
 * it is written, and the standard cell when it is one (an entry of `models` that has a cell's name
 * is the user's model, not the cell); else null. With valid `receptors`, `def` has their equations
 * appended (src/equations/receptors.ts) and `written` is the model as written.
 */
export function equationModelOf(spec: { models?: unknown }, p: { model?: unknown; name?: unknown; receptors?: unknown }, i: number):
  { def: EquationModelSpec; name: string; path: string; cell?: StandardCell; written?: EquationModelSpec } | null {
  const found = writtenModelOf(spec, p, i);
  if (!found || p.receptors === undefined || !found.def || typeof found.def.equations !== 'string') return found;
  // receptors (src/equations/receptors.ts): their equations appended, when they are valid (validate.ts reports them)
  const receptors = checkReceptors(p.receptors as ReceptorsSpec, '', []);
  const use = usesISyn(found.def.equations);
  if (!use.uses || use.defines) return found;
  // invalid receptors (reported by validate.ts): I_syn = 0, so that the model's own issues are still found
  return { ...found, def: withReceptors(found.def, receptors ?? []), written: found.def };
}

/** The model as written: inline, an entry of `models`, or a standard cell. */
function writtenModelOf(spec: { models?: unknown }, p: { model?: unknown; name?: unknown }, i: number):
  { def: EquationModelSpec; name: string; path: string; cell?: StandardCell } | null {
  if (p.model !== null && typeof p.model === 'object' && !Array.isArray(p.model))
    return { def: p.model as EquationModelSpec, name: typeof p.name === 'string' ? p.name : `population ${i}`, path: `populations[${i}].model` };
  if (typeof p.model === 'string' && spec.models && typeof spec.models === 'object') {
    const d = (spec.models as Record<string, unknown>)[p.model];
    if (d !== undefined && Object.prototype.hasOwnProperty.call(spec.models, p.model))
      return { def: d as EquationModelSpec, name: p.model, path: `models.${p.model}` };
  }
  if (typeof p.model === 'string') {
    const cell = standardCell(p.model);
    if (cell) return { def: cell.model, name: cell.name, path: `populations[${i}].model`, cell };
  }
  return null;
}

/** EquationError issues as model issues under `path` (`models.cuba.equations line 3, column 7: …`). */
export function equationIssues(e: EquationError, path: string): Issue[] {
  return e.issues.map((x) => {
    const where = x.line ? `line ${x.line}${x.column ? `, column ${x.column}` : ''}` : '';
    // the front end's message starts with the field and position: the path says the field
    const own = `${x.field}${where ? ` ${where}` : ''}: `;
    const message = x.message.startsWith(own) ? x.message.slice(own.length) : x.message;
    return { path: x.field ? `${path}.${x.field}` : path, message: (where ? `${where}: ` : '') + message };
  });
}

const analyses = new Map<string, ModelAnalysis | EquationError>();

/**
 * Seconds this process has spent in the front end of models from equations (analysis, and
 * compilation to the kernel IR, in validation and in planning): Simulation.create reports the
 * difference over its own work in sim.compileSeconds.
 */
export const frontEndClock = { seconds: 0 };

/** analyzeModel, once per model text (a model used by several populations is parsed once). */
export function analysisOf(def: EquationModelSpec): ModelAnalysis | EquationError {
  const key = JSON.stringify(def);
  let a = analyses.get(key);
  if (!a) {
    const t0 = performance.now();
    try {
      a = analyzeModel(def);
    } catch (e) {
      if (!(e instanceof EquationError)) throw e;
      a = e;
    } finally {
      frontEndClock.seconds += (performance.now() - t0) / 1000;
    }
    if (analyses.size > 256) analyses.clear();
    analyses.set(key, a);
  }
  return a;
}

/** A parameter or initial value of the model file: a number in axonal units, a string with units, or a per-neuron value spec. */
export type QuantitySpec = number | string | ValueSpec;

/** compilePopulationModel's results by their arguments (the compiled model is plain data, never changed) */
const compiledCache = new Map<string, CompiledModel>();

/** The model's parameters with the population's on top. */
export function mergedParameters(def: EquationModelSpec, p: AnyPopulationSpec | { parameters?: unknown }): Record<string, QuantitySpec> {
  const own = (p as { parameters?: unknown }).parameters;
  return { ...(def.parameters ?? {}), ...(own && typeof own === 'object' ? (own as Record<string, QuantitySpec>) : {}) };
}

/** The value of a string with units in kernel units, checked against the quantity's dimension. */
export function quantityValue(text: string, dim: readonly number[] | undefined, unit: string, path: string, issues: Issue[]): number | undefined {
  try {
    const q = parseQuantity(text);
    if (dim && !sameDim(q.dim, dim)) {
      issues.push({ path, message: `"${text}" has the wrong unit: expected a quantity in ${unit}` });
      return undefined;
    }
    return q.value;
  } catch (e) {
    if (!(e instanceof EquationError)) throw e;
    for (const x of e.issues) issues.push({ path, message: x.message });
    return undefined;
  }
}

export function sameDim(a: readonly number[], b: readonly number[]): boolean {
  for (let k = 0; k < 7; k++) if (Math.abs((a[k] ?? 0) - (b[k] ?? 0)) > 1e-9) return false;
  return true;
}

/**
 * Compile a population's model (throws EquationError). `params` are the merged values: numbers and
 * strings as the model file gives them; per-neuron specs stand in by a placeholder number (their
 * dimension is the declared one) and make the parameter per-neuron.
 */
export function compilePopulationModel(a: ModelAnalysis, params: Record<string, QuantitySpec>, dt: number, inputs: string[], name: string): CompiledModel {
  const scalar: Record<string, number | string> = {};
  const perNeuron = new Set<string>();
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number' || typeof v === 'string') scalar[k] = v;
    else {
      perNeuron.add(k);
      scalar[k] = 1;
    }
  }
  // validation, the estimates and the plan compile the same population several times: once each
  const key = JSON.stringify([a.spec, scalar, [...perNeuron].sort(), dt, inputs, name]);
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const t0 = performance.now();
  try {
    const c = compileModel(a, { dt, params: scalar, perNeuron, inputs, name });
    if (compiledCache.size > 256) compiledCache.clear();
    compiledCache.set(key, c);
    return c;
  } finally {
    frontEndClock.seconds += (performance.now() - t0) / 1000;
  }
}

/** on_pre of a projection or input into a model from equations: the variable it drives and the weight factor, or issues. */
export function onPreOf(a: ModelAnalysis, text: unknown, path: string, issues: Issue[]): OnPreTerm[] | undefined {
  if (text === undefined) {
    issues.push({ path, message: 'is required for a target from equations: what a spike does to it, e.g. "ge += w"' });
    return undefined;
  }
  if (typeof text !== 'string') {
    issues.push({ path, message: `must be a string such as "ge += w", got ${JSON.stringify(text)}` });
    return undefined;
  }
  try {
    return parseOnPre(a, text);
  } catch (e) {
    if (!(e instanceof EquationError)) throw e;
    issues.push(...e.issues.map((x) => ({ path, message: x.message })));
    return undefined;
  }
}

/** The number of random draws of a compiled model, checked against the streams available. */
export function drawCount(c: CompiledModel): number {
  return c.roles.filter((r) => r.role === 'random').length;
}
export { MAX_DRAWS };

/**
 * Plan a population of a model from equations: parameter values (sampled per neuron where the
 * file gives per-neuron specs, converted to kernel units), the compiled model, the host-computed
 * operands and the initial state (numbers and strings converted; unspecified states at a standard
 * cell's initial values, else at their defaults). `sample(spec, k, what)` draws a per-neuron value spec as build.ts does for built-in
 * models (stream k of the population's parameters or initial values).
 */
export function planEquationPopulation(
  spec: ModelSpec, ps: AnyPopulationSpec, index: number, size: number, dt: number, inputs: string[],
  sample: (v: ValueSpec, k: number, what: 'param' | 'initial', name: string) => number | Float64Array,
): { plan: EquationPlan; initial: Record<string, Float32Array> } {
  const found = equationModelOf(spec, ps, index)!;
  const a = analysisOf(found.def);
  if (a instanceof EquationError) throw a;
  const merged = mergedParameters(found.def, ps);
  const compiled = compilePopulationModel(a, merged, dt, inputs, kernelName(found.name));
  const info = new Map(compiled.parameters.map((p) => [p.name, p]));
  const names = Object.keys(merged).sort();
  const values: Record<string, number | Float32Array> = {};
  for (const name of names) {
    const v = merged[name];
    const q = info.get(name);
    if (!q) continue; // a value for a name the model does not use: validate.ts reported it
    values[name] = toKernel(v, q.dim, q.unit, q.factor, `populations[${index}].parameters.${name}`, (s) => sample(s, names.indexOf(name), 'param', name), size);
  }
  const t0 = performance.now();
  const derived = evaluateDerived(compiled, { dt, N: size, params: values });
  frontEndClock.seconds += (performance.now() - t0) / 1000;
  const opValues = compiled.roles.map((r, k) => {
    if (r.role === 'param') return values[r.name] ?? null;
    if (r.role === 'derived') return derived[k];
    return null;
  });
  const initial: Record<string, Float32Array> = {};
  // a standard cell starts at PyNN's initial values, variable by variable, where the population's initial says nothing
  const init = { ...(found.cell?.initial ?? {}), ...(ps.initial ?? {}) } as Record<string, QuantitySpec>;
  const states = compiled.state.map((s) => s.name);
  for (const st of compiled.state) {
    const v = init[st.name];
    const x = v === undefined ? st.defaultInitial : toKernel(v, st.dim, st.unit, st.factor, `populations[${index}].initial.${st.name}`, (s) => sample(s, states.indexOf(st.name), 'initial', st.name), size);
    initial[st.name] = typeof x === 'number' ? new Float32Array(size).fill(x) : x;
  }
  return { plan: { model: found.name, compiled, values: opValues, inputs }, initial };
}

/** A model-file value in kernel units: a number (axonal units) times factor, a string with units, or per-neuron values times factor. */
function toKernel(
  v: QuantitySpec, dim: readonly number[], unit: string, factor: number, path: string,
  sample: (s: ValueSpec) => number | Float64Array, n: number,
): number | Float32Array {
  if (typeof v === 'number') return Math.fround(v * factor);
  if (typeof v === 'string') {
    const issues: Issue[] = [];
    const x = quantityValue(v, dim, unit, path, issues);
    if (x === undefined) throw new Error(`internal error: ${path} was not validated (${issues.map((i) => i.message).join('; ')})`);
    return Math.fround(x);
  }
  const s = sample(v);
  if (typeof s === 'number') return Math.fround(s * factor);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = s[i] * factor;
  return out;
}

/** The exported name of a model's kernel: its name made an identifier (populations of one model share a compiled module when their IR is the same). */
export function kernelName(model: string): string {
  return `model_${model.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * A weight spec times `f` (a target from equations whose on_pre scales the weight, or whose
 * variable's unit is not the kernel's): numbers, arrays and the bounds and moments of
 * distributions scale; { expr } and bernoulli are refused by validate.ts for such targets.
 */
export function scaleValueSpec(v: ValueSpec, f: number): ValueSpec {
  if (f === 1) return v;
  if (typeof v === 'number') return v * f;
  if (Array.isArray(v)) return v.map((x) => x * f);
  const d = v as Exclude<ValueSpec, number | number[]>;
  if (d.dist === 'uniform') return f > 0 ? { dist: 'uniform', low: d.low * f, high: d.high * f } : { dist: 'uniform', low: d.high * f, high: d.low * f };
  if (d.dist === 'normal') {
    const lo = d.min === undefined ? undefined : d.min * f;
    const hi = d.max === undefined ? undefined : d.max * f;
    return { dist: 'normal', mean: d.mean * f, std: Math.abs(d.std * f), ...(f > 0 ? { min: lo, max: hi } : { min: hi, max: lo }), ...(d.bound ? { bound: d.bound } : {}) };
  }
  throw new Error(`internal error: a weight ${JSON.stringify(v)} cannot be scaled to the kernel's unit`);
}
