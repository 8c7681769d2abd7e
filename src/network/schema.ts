/**
 * The model format, declared once (TypeBox, docs/model-format.md): from these declarations come
 * the TypeScript types of a model description (src/core/types.ts re-exports them), the structural
 * validation (structureIssues below: fields, types, required fields, names, plain numeric ranges)
 * and the JSON Schema published as schema/model.json (`$schema` of every example, so that an
 * editor completes and checks model files). What depends on more than one field — Dale's
 * principle, the time grid, references between populations, sizes before allocation — is checked
 * by src/network/validate.ts on top, once the structure holds.
 *
 * Messages say what was expected with the field's path (`populations[0].size: must be a positive
 * integer (number of neurons) up to 2147483647, got 0`): every declaration carries a description
 * (shown by editors too), and a few carry a message of their own under the EXPECTED symbol, which
 * never reaches the JSON Schema.
 */
import {
  Array as TArray, Boolean as TBoolean, Integer, Kind, Literal, Never, Number as TNumber, Object as TObject, Optional, Record as TRecord,
  String as TString, TypeRegistry, Union, Unsafe, type Static, type TLiteral, type TOptional, type TSchema,
} from '@sinclair/typebox';
import { Errors, ValueErrorType } from '@sinclair/typebox/errors';
import { builtinModel, BUILTIN_MODELS, MODEL_ALIASES } from '../neurons/index.ts';
import { standardCell, standardCells } from '../neurons/cells/index.ts';
import { IZHIKEVICH_EXP_VARS, IZHIKEVICH_PARAM_NAMES, LIF_EXP_VARS, LIF_PARAM_NAMES, THRESHOLD_PARAM_NAMES, THRESHOLD_VARS } from './streams.ts';
import type { ModelIssue } from './errors.ts';
import { KINETICS, MG_BLOCKS, NAMED_RECEPTORS } from '../equations/receptors.ts';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** TypeBox's builders, imported one by one (the bundle then holds only these, not all of TypeBox's Type). */
const Type = { Array: TArray, Boolean: TBoolean, Integer, Literal, Never, Number: TNumber, Object: TObject, Optional, Record: TRecord, String: TString, Union, Unsafe };

/** What a declaration expects, in words, when its description does not say it well enough. */
export const EXPECTED = Symbol('axonal.expected');
/** Of a union: picks the variant a value means (an index), or undefined when it means none. */
const DISPATCH = Symbol('axonal.dispatch');
/** Of an object: what to say about a field that belongs elsewhere (`params` of a model from equations). */
const HINTS = Symbol('axonal.hints');
/** Of an object: what it is, in messages about its fields ("a population"). */
const WHAT = Symbol('axonal.what');

const MAX_SIZE = 2 ** 31 - 1;
const MAX_U32 = 0xffffffff;

/**
 * Numbers, one per neuron or synapse: a JSON array, or (from the API) a typed array. Its own kind,
 * so that an array of millions is checked in one loop; its entries are reported by structureIssues.
 */
TypeRegistry.Set('axonal.NumberArray', (_s, v) => isNumberArray(v));
function isNumberArray(v: unknown): boolean {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Number.isFinite((v as unknown as ArrayLike<number>).length) && !hasNonFinite(v as unknown as ArrayLike<number>);
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number' || !Number.isFinite(v[i])) return false;
  return true;
}
function hasNonFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] - a[i] !== 0) return true;
  return false;
}
const NumberArray = (description: string) => Type.Unsafe<number[]>({ [Kind]: 'axonal.NumberArray', type: 'array', items: { type: 'number' }, description });

const num = (description: string, o: object = {}) => Type.Number({ description, ...o });
const pos = (description: string) => num(description, { exclusiveMinimum: 0 });
const nonNeg = (description: string) => num(description, { minimum: 0 });
const int = (description: string, minimum: number, maximum?: number) => Type.Integer({ description, minimum, ...(maximum === undefined ? {} : { maximum }) });
const str = (description: string, o: object = {}) => Type.String({ description, ...o });
const bool = (description: string) => Type.Boolean({ description });
const opt = <T extends TSchema>(t: T) => Type.Optional(t);
/** 'a' | 'b' | …, reported as "must be 'a' or 'b'" */
function oneOf<const T extends readonly string[]>(values: T, description: string) {
  return Type.Union(values.map((v) => Type.Literal(v)) as unknown as TLiteral<T[number]>[], { description });
}
/** An object with exactly these fields (a typo is an error: it would silently change the model). */
function obj<T extends Record<string, TSchema>>(what: string, properties: T, o: { description?: string; hints?: Record<string, string> } = {}) {
  return Type.Object(properties, { additionalProperties: false, description: o.description ?? what, [WHAT]: what, ...(o.hints ? { [HINTS]: o.hints } : {}) });
}
/** A union of objects told apart by the string field `key` (connect.rule, inputs[i].type, …). */
function tagged<T extends TSchema[]>(key: string, variants: [...T], description: string, dispatch?: (x: Record<string, unknown>) => number | undefined) {
  const tags = variants.map((v) => (v as unknown as { properties: Record<string, { const?: string; anyOf?: { const: string }[] }> }).properties[key]);
  const values = tags.map((t) => (t.const !== undefined ? [t.const] : t.anyOf!.map((a) => a.const)));
  const pick = dispatch ?? ((x: Record<string, unknown>) => {
    const k = values.findIndex((vs) => vs.includes(x[key] as string));
    return k < 0 ? undefined : k;
  });
  return Type.Union(variants, { description, [DISPATCH]: pick, [TAG]: { key, values: values.flat() } });
}
const TAG = Symbol('axonal.tag');
/** Of a union: the issue when DISPATCH finds no variant (else: "must be <expected>"). */
const UNDISPATCHED = Symbol('axonal.undispatched');

// ---------------------------------------------------------------------------------------------
// Values given per population, neuron or synapse
// ---------------------------------------------------------------------------------------------

const Uniform = obj('a uniform distribution', { dist: Type.Literal('uniform'), low: num('lower end'), high: num('upper end') });
const Normal = obj('a normal distribution', {
  dist: Type.Literal('normal'),
  mean: num('mean'),
  std: num('standard deviation, >= 0'),
  min: opt(num('lower bound: values below are clipped (default) or redrawn')),
  max: opt(num('upper bound')),
  bound: opt(oneOf(['clip', 'redraw'], 'what happens to a value outside [min, max]')),
});
const Bernoulli = obj('a bernoulli distribution', { dist: Type.Literal('bernoulli'), p: num('probability of 1', { minimum: 0, maximum: 1 }) });
const Expr = obj('an expression value', {
  expr: str('per-neuron expression over the population\'s random variables, e.g. "-65 + 15*r^2" (+ - * / ^, parentheses, numbers, names)'),
  /** never given: tells an expression from a distribution (for TypeScript, and for JSON Schema's anyOf) */
  dist: opt(Type.Never()),
});
const Distribution = tagged('dist', [Uniform, Normal, Bernoulli], 'a distribution');

/** A value: a number, one number per neuron or synapse, a distribution or a per-neuron expression. */
export const ValueSchema = Type.Union([num('a value'), NumberArray('one value per neuron or synapse'), Distribution, Expr], {
  $id: 'Value',
  description: 'a number, an array of numbers (one per neuron or synapse), a distribution {dist: uniform | normal | bernoulli, ...} or {expr}',
  [EXPECTED]: (s: Schema) => {
    const unit = splitUnit(String(s.description)).unit;
    return `a number${unit ? ` (${unit})` : ''}, an array of numbers or a distribution {dist: 'uniform' | 'normal' | 'bernoulli', ...}`;
  },
  [DISPATCH]: (x: unknown) => (typeof x === 'number' ? 0 : isArrayLikeValue(x) ? 1 : isObject(x) ? ('expr' in x && !('dist' in x) ? 3 : 2) : undefined),
});
/** A value, or a string with units (a model from equations: "10*nS"). */
const QuantitySchema = Type.Union([ValueSchema, str('a quantity with units, e.g. "10*nS"')], {
  $id: 'Quantity',
  description: 'a number in axonal units, a string with units such as "10*nS", an array, a distribution or {expr}',
  [DISPATCH]: (x: unknown) => (typeof x === 'string' ? 1 : 0),
});

// ---------------------------------------------------------------------------------------------
// Populations: one declaration per model
// ---------------------------------------------------------------------------------------------

const UNITS: Record<string, string> = {
  tau_m: 'membrane time constant, ms, > 0', cm: 'membrane capacitance, nF, > 0', v_rest: 'resting potential, mV', v_thresh: 'spike threshold, mV',
  v_reset: 'reset potential, mV (< v_thresh)', tau_refrac: 'refractory period, ms (a whole number of steps)', tau_syn_e: 'excitatory synaptic time constant, ms (synapse exp)',
  tau_syn_i: 'inhibitory synaptic time constant, ms (synapse exp)', i_offset: 'constant bias current, nA (izhikevich: in the unit of I)',
  mu: 'threshold: a unit is active when its input reaches mu (default 1)',
  a: 'recovery time scale, 1/ms', b: 'sensitivity of u to v', c: 'reset potential, mV (< v_peak)', d: 'reset increment of u', v_peak: 'spike cut-off, mV',
};
function params<const T extends readonly string[], E extends Record<string, TSchema> = {}>(what: string, names: T, extra?: E) {
  const props = Object.fromEntries(names.map((n) => [n, opt(withDescription(ValueSchema, UNITS[n] ?? n))])) as { [K in T[number]]: TOptional<typeof ValueSchema> };
  return obj(what, { ...props, ...(extra ?? ({} as E)) });
}
function withDescription<T extends TSchema>(t: T, description: string): T {
  return { ...t, description } as T;
}

export const LifParamsSchema = params("a 'lif' population's params", LIF_PARAM_NAMES);
const IzhikevichParamsSchema = params("an 'izhikevich' population's params", IZHIKEVICH_PARAM_NAMES, {
  scheme: opt(oneOf(['izhikevich2003', 'euler'], "integration: 'euler' (forward Euler, any dt; default) or 'izhikevich2003' (the 2003 paper's code, dt = 1 ms)")),
});
const ThresholdParamsSchema = params("a 'threshold' population's params", THRESHOLD_PARAM_NAMES);
const PoissonParamsSchema = obj("a 'poisson' population's params", {
  rate: withDescription(ValueSchema, 'firing rate of each neuron, Hz, >= 0'),
  start: opt(nonNeg('active from, ms')),
  stop: opt(nonNeg('active until, ms')),
});
const SpikeGeneratorParamsSchema = obj("a 'spike_generator' population's params", {
  spike_times: Type.Array(NumberArray('spike times of one neuron, ms, on the time grid'), { description: 'one array of spike times (ms) per neuron' }),
});

const Sheet = obj('a sheet', {
  columns_x: int('number of columns', 1, MAX_SIZE),
  columns_y: int('number of columns', 1, MAX_SIZE),
  spacing: opt(pos('distance between neighbouring column centres, um (default 100)')),
}, { description: 'places the population on a sheet of columns_x * columns_y cortical columns (size a multiple of it)' });

const POP_NAME = '^[A-Za-z0-9_.-]+$';
const common = {
  name: str('the population\'s name', { minLength: 1, pattern: POP_NAME, [EXPECTED]: "made of letters, digits, '_', '-' and '.' (it is a field of spikes.csv)" }),
  size: int('number of neurons', 1, MAX_SIZE),
  type: opt(oneOf(['excitatory', 'inhibitory'], "Dale's principle: every projection from this population has weights of this sign")),
  random: opt(Type.Record(Type.String(), ValueSchema, { description: 'named per-neuron values that {expr} values may use' })),
  sheet: opt(Sheet),
};
const SYNAPSE = oneOf(['exp', 'delta'], "'exp' (exponential synaptic currents, weights in nA) or 'delta' (weights in mV, lif; in I for one step, izhikevich)");
/** A population of a built-in model: its names (the model's and its aliases, src/neurons/index.ts), its params and initial state. */
function builtinPopulation<const N extends readonly [string, ...string[]], E extends Record<string, TSchema>>(names: N, extra: E) {
  const model = names[0];
  const aliases = Object.keys(MODEL_ALIASES).filter((a) => MODEL_ALIASES[a] === model);
  if (names.length !== aliases.length + 1 || !aliases.every((a) => names.includes(a))) throw new Error(`internal error: the names of '${model}' in the schema are not ${[model, ...aliases].join(', ')}`);
  const hints: Record<string, string> = {
    parameters: `belongs to a population of a model from equations; a '${model}' population takes params`,
    receptors: `belongs to a population of a model from equations or a standard cell; a '${model}' population has its own synapses`,
  };
  if (!('synapse' in extra)) hints.synapse = `only applies to models 'lif', 'izhikevich' (this population is '${model}')`;
  return obj(`a${/^[aeiou]/.test(model) ? 'n' : ''} '${model}' population`, { ...common, model: oneOf(names, `the built-in model '${model}'`), ...extra }, { hints });
}
const state = <const N extends readonly string[]>(what: string, names: N) =>
  obj(what, Object.fromEntries(names.map((n) => [n, opt(withDescription(ValueSchema, `initial ${n}${STATE_UNITS[n] ? `, ${STATE_UNITS[n]}` : ''}`))])) as { [K in N[number]]: TOptional<typeof ValueSchema> }, { description: 'initial state' });
/** units of the built-in models' state (lif and izhikevich 'exp': ie and ii in nA; izhikevich's u in the unit of I) */
const STATE_UNITS: Record<string, string> = { v: 'mV', ie: 'nA', ii: 'nA' };
const LifPopulation = builtinPopulation(['lif', 'IF_curr_exp'], {
  synapse: opt(SYNAPSE), params: opt(LifParamsSchema), initial: opt(state("the initial state of a 'lif' population", LIF_EXP_VARS)),
});
const IzhikevichPopulation = builtinPopulation(['izhikevich', 'Izhikevich'], {
  synapse: opt(SYNAPSE), params: opt(IzhikevichParamsSchema), initial: opt(state("the initial state of an 'izhikevich' population", IZHIKEVICH_EXP_VARS)),
});
const ThresholdPopulation = builtinPopulation(['threshold'], {
  params: opt(ThresholdParamsSchema), initial: opt(state("the initial state of a 'threshold' population", THRESHOLD_VARS)),
});
const PoissonPopulation = builtinPopulation(['poisson'], { params: PoissonParamsSchema });
const SpikeGeneratorPopulation = builtinPopulation(['spike_generator'], { params: SpikeGeneratorParamsSchema });

/** A neuron model written as equations, as Brian2 writes it (docs/equations.md). */
export const EquationModelSchema = obj('a model from equations', {
  equations: str('the equations, one per line: dx/dt = expr : unit (flags), x = expr : unit, x : unit (constant)'),
  threshold: opt(str('the spike condition, e.g. "v > v_th"')),
  reset: opt(str('statements run after a spike, e.g. "v = v_r"')),
  refractory: opt(Type.Union([nonNeg('refractory period, ms'), str('a time with units ("2*ms") or a condition')], { [DISPATCH]: (x: unknown) => (typeof x === 'string' ? 1 : 0) })),
  method: opt(str("integration: 'exact', 'exponential_euler', 'euler', 'rk2', 'rk4' or 'heun' (chosen as Brian2 does when omitted)")),
  parameters: opt(Type.Record(Type.String(), Type.Union([num('in axonal units'), str('with units')], { [DISPATCH]: (x: unknown) => (typeof x === 'string' ? 1 : 0) }), { description: 'the model\'s parameter values: numbers in axonal units or strings with units' })),
});

const Receptor = obj('a receptor', {
  kinetics: opt(oneOf(KINETICS, 'time course of the conductance or current')),
  type: opt(oneOf(['conductance', 'current'], "'conductance' (default; e_rev required, weights in µS) or 'current' (weights in nA)")),
  tau: opt(pos('time constant, ms (exp and alpha)')),
  tau_rise: opt(pos('rise time constant, ms (dual_exp)')),
  tau_decay: opt(pos('decay time constant, ms (dual_exp)')),
  e_rev: opt(num('reversal potential, mV')),
  mg_block: opt(oneOf(MG_BLOCKS, 'magnesium block (NMDA): Jahr & Stevens (1990) or Izhikevich & Edelman (2008)')),
  mg: opt(nonNeg('magnesium concentration, mM (jahr_stevens; default 1)')),
});
const Receptors = Type.Union([
  Type.Array(Type.Union(Object.keys(NAMED_RECEPTORS).map((n) => Type.Literal(n)), {
    description: 'a receptor with defaults',
    [EXPECTED]: `the name of a receptor with defaults (${Object.keys(NAMED_RECEPTORS).join(', ')}); other receptors are given as an object {name: {kinetics, tau, e_rev, ...}}`,
  }), { description: 'receptors with defaults, by name' }),
  Type.Record(Type.String(), Receptor, { description: 'receptors by name, each {kinetics, tau, e_rev, ...}' }),
], {
  description: 'receptor channels of a model whose equations use I_syn (docs/equations.md#receptors)',
  [EXPECTED]: 'a list of receptor names (AMPA, NMDA, GABA_A, GABA_B) or an object {name: {kinetics, tau, e_rev, ...}}',
  [DISPATCH]: (x: unknown) => (Array.isArray(x) ? 0 : isObject(x) ? 1 : undefined),
});

const EQUATION_HINTS = {
  params: 'a population of a model from equations takes its values in parameters (params is for the built-in models)',
  synapse: "only applies to models 'lif', 'izhikevich' (this population is a model from equations)",
};
/**
 * The name of one of the models: not a built-in model's nor a standard cell's (those have their
 * own declarations, so that a population means exactly one of them, in this validator and in JSON Schema's anyOf).
 */
const RESERVED_NAMES = [...BUILTIN_MODELS, ...Object.keys(MODEL_ALIASES), ...standardCells().flatMap((c) => [c.name, ...c.aliases])];
TypeRegistry.Set('axonal.ModelName', (_s, v) => typeof v === 'string' && namedModels.has(v));
const NAMED_MODEL = Type.Unsafe<string>({ [Kind]: 'axonal.ModelName', type: 'string', not: { enum: RESERVED_NAMES }, description: 'the name of one of the models' });
/** A population of a model from equations named in `models` or written here. */
const EquationPopulation = obj('a population', {
  ...common,
  model: Type.Union([NAMED_MODEL, EquationModelSchema], {
    description: `a built-in model (${BUILTIN_MODELS.join(', ')}), a standard cell, the name of one of the models, or a model from equations`,
    [EXPECTED]: `one of ${BUILTIN_MODELS.map((m) => `'${m}'`).join(', ')}, a standard cell, a name from models or a model from equations {equations, threshold, reset, ...}`,
    [DISPATCH]: (x: unknown) => (typeof x === 'string' ? 0 : isObject(x) ? 1 : undefined),
  }),
  parameters: opt(Type.Record(Type.String(), QuantitySchema, { description: "values of the model's parameters for this population" })),
  initial: opt(Type.Record(Type.String(), QuantitySchema, { description: 'initial state' })),
  receptors: opt(Receptors),
}, { hints: EQUATION_HINTS });
/** A population of a standard cell: PyNN's parameters by name (docs/cells.md). */
function cellPopulation(name: string) {
  const cell = standardCell(name)!;
  const names = Object.keys(cell.model.parameters ?? {});
  return obj(`a '${cell.name}' population`, {
    ...common,
    model: oneOf([cell.name, ...cell.aliases], `the standard cell ${cell.name} (docs/cells.md)`),
    parameters: opt(obj(`the parameters of ${cell.name}`, Object.fromEntries(names.map((n) => [n, opt(withDescription(QuantitySchema, `${n} (default ${String(cell.model.parameters![n])})`))])), { description: `PyNN's parameters of ${cell.name}` })),
    initial: opt(Type.Record(Type.String(), QuantitySchema, { description: 'initial state' })),
    receptors: opt(Receptors),
  }, { hints: EQUATION_HINTS });
}
const CELL_POPULATIONS = standardCells().map((c) => cellPopulation(c.name));

const BUILTIN_POPULATIONS = { lif: LifPopulation, izhikevich: IzhikevichPopulation, threshold: ThresholdPopulation, poisson: PoissonPopulation, spike_generator: SpikeGeneratorPopulation };
const POPULATION_VARIANTS = [LifPopulation, IzhikevichPopulation, ThresholdPopulation, PoissonPopulation, SpikeGeneratorPopulation, ...CELL_POPULATIONS, EquationPopulation] as const;
export const PopulationSchema = Type.Union([...POPULATION_VARIANTS], {
  description: 'a population: name, size, model and its parameters',
  [EXPECTED]: 'an object {name, size, model, ...}',
  [DISPATCH]: (x: unknown) => {
    if (!isObject(x)) return undefined;
    const b = builtinModel(x.model);
    if (b) return POPULATION_VARIANTS.indexOf(BUILTIN_POPULATIONS[b]);
    const cell = typeof x.model === 'string' ? standardCell(x.model) : null;
    if (cell) return POPULATION_VARIANTS.indexOf(CELL_POPULATIONS[standardCells().indexOf(cell)]);
    if (typeof x.model === 'string' && !namedModels.has(x.model)) return undefined;
    return POPULATION_VARIANTS.length - 1;
  },
  [UNDISPATCHED]: (x: unknown, path: string): ModelIssue => {
    if (!isObject(x)) return { path, message: `must be an object {name, size, model, ...}, got ${describe(x)}` };
    const named = [...namedModels];
    const cells = standardCells().map((c) => c.name);
    const s = suggest(x.model as string, [...BUILTIN_MODELS, ...cells, ...named]);
    return {
      path: joinKey(path, 'model'),
      message: `must be one of ${quoteList(BUILTIN_MODELS)}, a standard cell (${cells.join(', ')})${named.length ? `, a name from models (${named.join(', ')})` : ''} or a model from equations {equations, threshold, reset, ...}, got ${describe(x.model)}${s ? `; did you mean "${s}"?` : ''}`,
    };
  },
});
/** The names of the model's `models` while structureIssues runs (a population's model may name one). */
let namedModels: ReadonlySet<string> = new Set();

// ---------------------------------------------------------------------------------------------
// Projections
// ---------------------------------------------------------------------------------------------

const autapses = opt(bool('synapses from a neuron onto itself (source = target population)'));
const multapses = opt(bool('more than one synapse per (source, target) pair'));
const synapsesPer = (who: string) => int(`synapses per ${who} neuron`, 0, MAX_U32);
export const ConnectSchema = tagged('rule', [
  obj("the rule 'all_to_all'", { rule: Type.Literal('all_to_all'), allow_autapses: autapses }),
  obj("the rule 'one_to_one'", { rule: Type.Literal('one_to_one') }),
  obj("the rule 'pairwise_bernoulli'", { rule: Type.Literal('pairwise_bernoulli'), p: num('connection probability', { minimum: 0, maximum: 1 }), allow_autapses: autapses }),
  obj("the rule 'fixed_indegree'", { rule: Type.Literal('fixed_indegree'), indegree: synapsesPer('target'), allow_autapses: autapses, allow_multapses: multapses }),
  obj("the rule 'fixed_outdegree'", { rule: Type.Literal('fixed_outdegree'), outdegree: synapsesPer('source'), allow_autapses: autapses, allow_multapses: multapses }),
  obj("the rule 'fixed_total_number'", { rule: Type.Literal('fixed_total_number'), n: int('total number of synapses', 0, MAX_U32), allow_autapses: autapses, allow_multapses: multapses }),
  obj("the rule 'explicit'", { rule: Type.Literal('explicit'), sources: NumberArray('source neuron indices'), targets: NumberArray('target neuron indices') }),
  obj("the rule 'spatial_indegree'", {
    rule: Type.Literal('spatial_indegree'),
    indegree: synapsesPer('target'),
    sigma: nonNeg('std of the offset per axis, um'),
    radius: opt(nonNeg('largest offset, um (default 3 sigma)')),
    periodic: opt(bool('the sheet wraps around (a torus); default true')),
    allow_autapses: opt(bool('default false when source and target are one population')),
    allow_multapses: multapses,
  }),
], 'how sources and targets are connected (NEST\'s rules)');

const DistanceDelay = obj('a distance-dependent delay', {
  distance: obj('a distance-dependent delay', { offset: nonNeg('delay at distance 0, ms'), velocity: pos('conduction velocity, m/s') }),
}, { description: 'offset + distance / velocity (populations on sheets)' });

const PAIR = {
  tau_plus: opt(pos('time constant of the pre trace, ms (default 20)')),
  tau_minus: opt(pos('time constant of the post trace, ms (default 20)')),
  a_plus: opt(nonNeg('amplitude of potentiation')),
  a_minus: opt(nonNeg('amplitude of depression')),
  w_min: opt(num('lower weight bound (default 0)')),
  w_max: num('upper weight bound'),
  pairing: opt(oneOf(['all_to_all', 'nearest'], 'which spike pairs count')),
};
const Stdp = obj("an 'stdp' plasticity rule", { rule: Type.Literal('stdp'), ...PAIR, weight_dependence: opt(oneOf(['additive', 'multiplicative'], "default 'additive'")) });
const Izhikevich2006 = obj("an 'izhikevich2006' plasticity rule", {
  rule: Type.Literal('izhikevich2006'),
  ...PAIR,
  apply_every_ms: opt(pos('interval of the weight updates, ms, a whole number of steps (default 1000)')),
  bias: opt(num('added to every weight at each application (default 0.01)')),
  decay: opt(num('factor of the derivative after each application (default 0.9)', { minimum: 0, maximum: 1 })),
});
export const PlasticitySchema = tagged('rule', [Stdp, Izhikevich2006], 'spike-timing-dependent plasticity (docs/model-format.md#plasticity)');
const WHEN = { every_ms: opt(pos('apply every so much model time, ms')), at_ms: opt(pos('apply once at this time, ms')) };
export const PruningSchema = tagged('rule', [
  obj("a 'weight_below' pruning rule", { rule: Type.Literal('weight_below'), threshold: num('remove synapses whose weight is below this'), ...WHEN }),
  obj("an 'elimination_rate' pruning rule", {
    rule: Type.Literal('elimination_rate'),
    rate: nonNeg('eliminations per synapse and second, 1/s'),
    bias: opt(oneOf(['none', 'weak', 'inactive'], 'which synapses are more eligible')),
    w_ref: opt(pos("bias 'weak': the weight magnitude at and above which a synapse is safe")),
    ...WHEN,
  }),
], 'removal of synapses during the run (docs/model-format.md#pruning)');
const ShortTerm = obj("a 'tsodyks_markram' rule", {
  rule: Type.Literal('tsodyks_markram', { description: "NEST's tsodyks2_synapse, PyNN's TsodyksMarkramSynapse" }),
  U: num('utilisation increment', { exclusiveMinimum: 0, maximum: 1 }),
  tau_rec: pos('recovery time constant, ms'),
  tau_fac: opt(nonNeg('facilitation time constant, ms (0: none)')),
}, { description: 'short-term depression and facilitation (docs/model-format.md#short-term-plasticity)' });

export const ProjectionSchema = obj('a projection', {
  name: opt(str('the projection\'s name (default source->target)', { minLength: 1, pattern: '^[A-Za-z0-9_.:>-]+$', [EXPECTED]: "made of letters, digits, '_', '-', '.', '>' and ':' (it is a field of synapses_<k>.csv)" })),
  source: str('a population name'),
  target: str('a population name'),
  connect: ConnectSchema,
  weight: withDescription(ValueSchema, 'synaptic weight: nA (lif exp), mV (lif delta), unitless (threshold), the unit of on_pre\'s variable (models from equations)'),
  delay: opt(Type.Union([ValueSchema, DistanceDelay], {
    description: 'ms, >= dt, on the grid; or {distance: {offset, velocity}}',
    [DISPATCH]: (x: unknown) => (isObject(x) && 'distance' in x ? 1 : 0),
  })),
  receptor: opt(Type.Union([str("'excitatory' or 'inhibitory', or one of the target's receptors"), Type.Array(str('a receptor of the target'), { minItems: 1 })], {
    description: "'excitatory' or 'inhibitory', or one of the target's receptors, or a list of them (each gets the weight)",
    [DISPATCH]: (x: unknown) => (Array.isArray(x) ? 1 : 0),
  })),
  on_pre: opt(str('a target from equations: what a spike does, e.g. "ge += w"')),
  plasticity: opt(PlasticitySchema),
  pruning: opt(PruningSchema),
  short_term: opt(ShortTerm),
  weight_precision: opt(Type.Union([Type.Literal('float32'), Type.Literal('float16')], {
    description: "storage of per-synapse weights: 'float32' (default, exact) or 'float16' (2 bytes, each weight rounded to the nearest float16; not with plasticity)",
  })),
});

// ---------------------------------------------------------------------------------------------
// Inputs and monitors
// ---------------------------------------------------------------------------------------------

const window = { start: opt(nonNeg('active from, ms')), stop: opt(nonNeg('active until, ms')) };
export const InputSchema = tagged('type', [
  obj("a 'poisson' input", {
    type: Type.Literal('poisson'),
    target: str('a population name'),
    rate: nonNeg('total rate of input spikes per target neuron, Hz'),
    weight: num('weight of each input spike'),
    receptor: opt(Type.Union([str("as a projection's receptor"), Type.Array(str('a receptor of the target'), { minItems: 1 })], {
      description: "as a projection's receptor",
      [DISPATCH]: (x: unknown) => (Array.isArray(x) ? 1 : 0),
    })),
    on_pre: opt(str('a target from equations: the variable it drives, e.g. "ge += w"')),
    ...window,
  }),
  obj("a 'current' input", {
    type: Type.Literal('current'),
    target: str('a population name'),
    amplitude: num('nA, added to the bias current while active'),
    ...window,
    neurons: opt(NumberArray('indices of the target neurons (default all)')),
  }),
  obj("a 'noise' input", {
    type: Type.Literal('noise'),
    target: str('a population name'),
    mean: opt(num("mean current, the unit of the target's input (default 0)")),
    std: nonNeg('standard deviation of the current drawn every step'),
    receptor: opt(oneOf(['excitatory', 'inhibitory'], 'the channel it drives')),
    ...window,
  }),
  obj("a 'random_drive' input", {
    type: Type.Literal('random_drive'),
    target: Type.Union([str('a population name'), Type.Array(str('a population name'), { minItems: 1 })], {
      [EXPECTED]: 'a population name or a non-empty array of names',
      [DISPATCH]: (x: unknown) => (typeof x === 'string' ? 0 : Array.isArray(x) ? 1 : undefined),
    }),
    amplitude: num("the input added to a drawn neuron in that step: nA for lif 'exp', mV for lif 'delta', I for izhikevich"),
    count: opt(int('neurons drawn per step (default 1)', 1, 1e6)),
    receptor: opt(oneOf(['excitatory', 'inhibitory'], 'the channel it drives')),
    ...window,
  }),
], 'an input: poisson, current, noise or random_drive');

export const MonitorSchema = tagged('type', [
  obj("a 'spikes' monitor", { type: Type.Literal('spikes'), population: str('a population name'), neurons: opt(NumberArray('indices of the neurons to record (default all)')) }),
  obj("a 'state' monitor", {
    type: Type.Literal('state'),
    population: str('a population name'),
    variables: Type.Array(str('a state variable'), { minItems: 1, description: 'names of state variables' }),
    neurons: NumberArray('indices of the neurons to record'),
    every: opt(Type.Integer({ minimum: 1, description: 'record every k steps', [EXPECTED]: 'an integer >= 1 (record every k steps)' })),
  }),
  obj("a 'rate' monitor", { type: Type.Literal('rate'), population: str('a population name') }),
  obj("a 'synapses' monitor", { type: Type.Literal('synapses'), projection: str('a projection name'), every_ms: opt(pos('interval, ms (default 100)')) }),
], 'a monitor: spikes, state, rate or synapses');

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

export const ModelSchema = obj('a model', {
  $schema: opt(str('the JSON Schema of this file (for editors)')),
  name: opt(str('the model\'s name')),
  description: opt(str('what the model is')),
  dt: pos('time step, ms'),
  duration: opt(nonNeg('default duration of a run, ms')),
  seed: opt(Type.Integer({ minimum: 0, maximum: MAX_U32, description: 'seed of every random draw', [EXPECTED]: 'an integer in 0..4294967295' })),
  threads: opt(Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, [EXPECTED]: '"auto" or an integer >= 1' })], {
    description: 'worker threads, or "auto" (the default)',
    [EXPECTED]: '"auto" or an integer >= 1 (worker threads; the upper limit depends on the machine)',
    [DISPATCH]: (x: unknown) => (x === 'auto' ? 0 : typeof x === 'number' ? 1 : undefined),
  })),
  models: opt(Type.Record(Type.String(), EquationModelSchema, { description: 'models from equations, defined once for several populations' })),
  populations: Type.Array(PopulationSchema, { minItems: 1, description: 'the populations' }),
  projections: opt(Type.Array(ProjectionSchema, { description: 'the projections' })),
  inputs: opt(Type.Array(InputSchema, { description: 'the inputs' })),
  monitors: opt(Type.Array(MonitorSchema, { description: 'the monitors' })),
}, { description: 'an axonal model (docs/model-format.md)' });

// ---------------------------------------------------------------------------------------------
// Types (src/core/types.ts re-exports them)
// ---------------------------------------------------------------------------------------------

/** A value given per population or per neuron/synapse. */
export type ValueSpec = Static<typeof ValueSchema>;
export type NeuronKind = 'excitatory' | 'inhibitory';
export type EquationModelSpec = Static<typeof EquationModelSchema>;
export type LifParamsSpec = Static<typeof LifParamsSchema>;
/** A population: its fields, and the params (or parameters) of its model. */
export type PopulationSpec = Static<typeof PopulationSchema>;
/**
 * Any population, with the fields of every model (all optional beyond name, size and model): for
 * code that handles populations of any model (a PopulationSpec is one; narrow by `model` to get its precise params).
 */
export interface AnyPopulationSpec {
  name: string;
  size: number;
  model: string | EquationModelSpec;
  type?: NeuronKind;
  synapse?: 'exp' | 'delta';
  params?: Record<string, unknown>;
  parameters?: Record<string, ValueSpec | string | undefined>;
  initial?: Record<string, ValueSpec | string | undefined>;
  random?: Record<string, ValueSpec>;
  sheet?: SheetSpec;
  receptors?: Static<typeof Receptors>;
}
/** (compile-time check: every population the schema declares is one) */
export type _EveryPopulationIsAny = PopulationSpec extends AnyPopulationSpec ? true : never;
const _everyPopulationIsAny: _EveryPopulationIsAny = true;
void _everyPopulationIsAny;
export type SheetSpec = Static<typeof Sheet>;
export type DistanceDelaySpec = Static<typeof DistanceDelay>;
export type ConnectSpec = Static<typeof ConnectSchema>;
export type ProjectionSpec = Static<typeof ProjectionSchema>;
export type ShortTermSpec = Static<typeof ShortTerm>;
export type PruningSpec = Static<typeof PruningSchema>;
export type PlasticitySpec = Static<typeof PlasticitySchema>;
export type StdpSpec = Static<typeof Stdp>;
export type Izhikevich2006Spec = Static<typeof Izhikevich2006>;
export type InputSpec = Static<typeof InputSchema>;
export type MonitorSpec = Static<typeof MonitorSchema>;
/** A model description (docs/model-format.md): what a model file holds. */
export type ModelSpec = Static<typeof ModelSchema>;

// ---------------------------------------------------------------------------------------------
// Structural validation
// ---------------------------------------------------------------------------------------------

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x);
}
function isArrayLikeValue(x: unknown): x is ArrayLike<unknown> {
  return Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
}

/** At most this many structural issues are reported (then the first ones are enough to start). */
const MAX_ISSUES = 50;
/** At most this many entries of one array are reported. */
const MAX_ARRAY_ISSUES = 3;

type Schema = TSchema & Record<symbol | string, unknown>;

/**
 * The structural problems of a model description (empty when its structure holds), each with the
 * path of its field. Never throws; reads every field once, arrays of numbers in one loop.
 */
export function structureIssues(spec: unknown): ModelIssue[] {
  const out: ModelIssue[] = [];
  if (!isObject(spec)) out.push({ path: '', message: `a model must be an object with dt and populations, got ${describe(spec)}` });
  else {
    namedModels = new Set(isObject(spec.models) ? Object.keys(spec.models) : []);
    try {
      check(ModelSchema as unknown as Schema, spec, '', out);
    } finally {
      namedModels = new Set();
    }
  }
  return out.slice(0, MAX_ISSUES);
}

function check(schema: Schema, value: unknown, path: string, out: ModelIssue[]): void {
  if (out.length >= MAX_ISSUES) return;
  if (schema.anyOf) return union(schema, value, path, out);
  if (schema[Kind] === 'axonal.NumberArray') return numberArray(schema, value, path, out);
  const missing = new Set<string>();
  for (const e of Errors(schema, value)) {
    if (out.length >= MAX_ISSUES) return;
    const p = joinPath(path, e.path);
    const s = e.schema as Schema;
    if (e.type === ValueErrorType.ObjectRequiredProperty) {
      missing.add(p);
      out.push({ path: p, message: `is required${s.description ? ` (${s.description})` : ''}` });
    } else if (e.type === ValueErrorType.ObjectAdditionalProperties) unknownField(s, p, out);
    else if (missing.has(p)) continue; // a missing required field: reported once, as such
    else if (e.type === ValueErrorType.Union || e.type === ValueErrorType.Kind) check(s, e.value, p, out);
    else out.push({ path: p, message: message(s, e.value, e.type) });
  }
}

function union(schema: Schema, value: unknown, path: string, out: ModelIssue[]): void {
  const variants = schema.anyOf as Schema[];
  const tag = schema[TAG] as { key: string; values: string[] } | undefined;
  if (tag) {
    if (!isObject(value)) {
      out.push({ path, message: `must be an object {${tag.key}: ${quoteList(tag.values, ' | ')}, ...} (${schema.description}), got ${describe(value)}` });
      return;
    }
    const k = (schema[DISPATCH] as (x: unknown) => number | undefined)(value);
    if (k !== undefined) return check(variants[k], value, path, out);
    const t = value[tag.key];
    const tp = joinKey(path, tag.key);
    if (t === undefined) out.push({ path: tp, message: `is required (${quoteList(tag.values)})` });
    else {
      const s = typeof t === 'string' ? suggest(t, tag.values) : undefined;
      out.push({ path: tp, message: `must be ${either(tag.values)}${s ? ` (did you mean '${s}'?)` : ''}, got ${describe(t)}` });
    }
    return;
  }
  if (variants.every((v) => v.const !== undefined) && !schema[DISPATCH]) {
    const values = variants.map((v) => String(v.const));
    const s = typeof value === 'string' ? suggest(value, values) : undefined;
    out.push({ path, message: `must be ${schema[EXPECTED] ? expected(schema) : either(values)}${s ? ` (did you mean '${s}'?)` : ''}, got ${describe(value)}` });
    return;
  }
  const pick = schema[DISPATCH] as ((x: unknown) => number | undefined) | undefined;
  const k = pick ? pick(value) : undefined;
  if (k === undefined && schema[UNDISPATCHED]) {
    out.push((schema[UNDISPATCHED] as (x: unknown, p: string) => ModelIssue)(value, path));
    return;
  }
  if (k === undefined) {
    out.push({ path, message: typeof value === 'number' && !Number.isFinite(value) ? `must be a finite number, got ${value}` : `must be ${expected(schema)}, got ${describe(value)}` });
    return;
  }
  check(variants[k], value, path, out);
}

function numberArray(schema: Schema, value: unknown, path: string, out: ModelIssue[]): void {
  if (!isArrayLikeValue(value)) {
    out.push({ path, message: `must be an array of numbers (${schema.description}), got ${describe(value)}` });
    return;
  }
  const a = value as ArrayLike<unknown>;
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === 'number' && Number.isFinite(v)) continue;
    if (bad++ < MAX_ARRAY_ISSUES) out.push({ path: `${path}[${i}]`, message: typeof v === 'number' ? `must be a finite number, got ${v}` : `must be a number, got ${describe(v)}` });
  }
  if (bad > MAX_ARRAY_ISSUES) out.push({ path, message: `${bad - MAX_ARRAY_ISSUES} more entries are not finite numbers` });
}

function unknownField(objSchema: Schema, path: string, out: ModelIssue[]): void {
  const key = path.slice(path.lastIndexOf('.') + 1);
  const hints = objSchema[HINTS] as Record<string, string> | undefined;
  const hint = hints && Object.hasOwn(hints, key) ? hints[key] : undefined;
  if (hint) {
    out.push({ path, message: hint });
    return;
  }
  const allowed = Object.keys((objSchema.properties as Record<string, unknown>) ?? {});
  const s = suggest(key, allowed);
  out.push({ path, message: `unknown field${s ? `; did you mean "${s}"?` : ''} (fields of ${objSchema[WHAT] ?? 'this object'}: ${allowed.join(', ')})` });
}

function message(s: Schema, value: unknown, type: ValueErrorType): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return `must be a finite number, got ${value}`;
  switch (type) {
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.NumberExclusiveMaximum:
    {
      const { unit, rest } = splitUnit(String(s.description ?? ''));
      return `must be ${range(s)}${unit ? ` ${unit}` : ''}${rest ? ` (${rest})` : ''}, got ${value}`;
    }
    case ValueErrorType.StringMinLength:
      return `must be a non-empty string, got ${describe(value)}`;
    case ValueErrorType.StringPattern:
      return `must be ${s[EXPECTED] ?? `a string matching ${String(s.pattern)}`}, got ${describe(value)}`;
    case ValueErrorType.ArrayMinItems:
      return `must contain at least ${String(s.minItems)} entr${s.minItems === 1 ? 'y' : 'ies'} (${s.description}), got none`;
    default:
      return `must be ${expected(s)}, got ${describe(value)}`;
  }
}

/** What a declaration expects, in words ("a positive integer (number of neurons) up to 2147483647"). */
function expected(s: Schema): string {
  const e = s[EXPECTED] as string | ((s: Schema) => string) | undefined;
  if (e) return typeof e === 'function' ? e(s) : e;
  const d = s.description ? ` (${s.description})` : '';
  if (s.const !== undefined) return `'${String(s.const)}'`;
  switch (s[Kind]) {
    case 'Integer': {
      const lo = s.minimum as number | undefined;
      const what = lo === 1 ? 'a positive integer' : lo === 0 ? 'a non-negative integer' : lo !== undefined ? `an integer >= ${lo}` : 'an integer';
      return `${what}${d}${s.maximum !== undefined ? ` up to ${String(s.maximum)}` : ''}`;
    }
    case 'Number': {
      const r = range(s);
      return `a number${r ? ` ${r}` : ''}${d}`;
    }
    case 'String':
      return `${s.minLength ? 'a non-empty string' : 'a string'}${d}`;
    case 'Boolean':
      return 'true or false';
    case 'Array':
      return `an array${d}`;
    case 'Object':
      return `an object (${(s[WHAT] as string | undefined) ?? s.description ?? 'fields'})`;
    case 'Record':
      return `an object${d}`;
    default:
      return s.description ? String(s.description) : 'a value of another kind';
  }
}

/** "default duration of a run, ms" → unit "ms", rest "default duration of a run" (descriptions give the unit after a comma). */
function splitUnit(description: string): { unit: string; rest: string } {
  const m = /^(.*?),\s*(ms|Hz|mV|nA|nF|um|m\/s|1\/s|1\/ms|mM|µS)\b,?\s*(.*)$/.exec(description);
  return m ? { unit: m[2], rest: [m[1], m[3]].filter(Boolean).join(', ') } : { unit: '', rest: description };
}

function range(s: Schema): string {
  const lo = s.exclusiveMinimum !== undefined ? `> ${String(s.exclusiveMinimum)}` : s.minimum !== undefined ? `>= ${String(s.minimum)}` : '';
  const hi = s.exclusiveMaximum !== undefined ? `< ${String(s.exclusiveMaximum)}` : s.maximum !== undefined ? `<= ${String(s.maximum)}` : '';
  if (s.minimum !== undefined && s.maximum !== undefined) return `in [${String(s.minimum)}, ${String(s.maximum)}]`;
  if (s.exclusiveMinimum !== undefined && s.maximum !== undefined) return `in (${String(s.exclusiveMinimum)}, ${String(s.maximum)}]`;
  return [lo, hi].filter(Boolean).join(' and ');
}

/** A JSON pointer below `path` as the validator writes paths: /populations/0/size → populations[0].size */
function joinPath(path: string, pointer: string): string {
  let p = path;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    p = /^\d+$/.test(seg) && !p.endsWith('.') ? `${p}[${seg}]` : joinKey(p, seg);
  }
  return p;
}
function joinKey(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** A value in a message: strings quoted (cut at 40 characters), arrays by length, objects as such. */
export function describe(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x);
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (isArrayLikeValue(x)) return `an array of length ${x.length}`;
  if (typeof x === 'object') return 'an object';
  return typeof x;
}

function quoteList(xs: readonly string[], sep = ', '): string {
  return xs.map((s) => `'${s}'`).join(sep);
}
/** 'a' or 'b'; one of 'a', 'b', 'c' */
function either(xs: readonly string[]): string {
  return xs.length <= 4 ? `${quoteList(xs.slice(0, -1))} or '${xs[xs.length - 1]}'` : `one of ${quoteList(xs)}`;
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

/** The closest of `allowed` to a mistyped `key`, when close enough to be what was meant. */
export function suggest(key: string, allowed: readonly string[]): string | undefined {
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

/**
 * The JSON Schema of a model file (schema/model.json): the declarations above, as JSON, with the
 * declarations used in many places (those with an $id: Value, Quantity) once under definitions.
 */
export function modelJsonSchema(): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  const walk = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(walk);
    if (!isObject(x)) return x;
    const { $id, ...rest } = x;
    const body = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, walk(v)]));
    if (typeof $id !== 'string') return body;
    const { description, ...def } = body;
    definitions[$id] ??= def;
    return { $ref: `#/definitions/${$id}`, ...(description === undefined ? {} : { description }) };
  };
  const root = walk(JSON.parse(JSON.stringify(ModelSchema))) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'axonal model', ...root, definitions };
}

/** The structural problems of `value` as one part of a model (e.g. a pruning rule given to sim.prune), paths under `path`. */
export function structureIssuesOf(schema: TSchema, value: unknown, path: string): ModelIssue[] {
  const out: ModelIssue[] = [];
  check(schema as Schema, value, path, out);
  return out.slice(0, MAX_ISSUES);
}
