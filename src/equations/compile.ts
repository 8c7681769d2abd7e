/**
 * From an analysed model (analyze.ts) to the kernel IR of one step of one neuron (ir.ts), the
 * roles of its operands and the host-side quantities (model.ts).
 *
 * One step of neuron i, with old values X (state), p (parameters), t = step*dt:
 *
 *   1. not_refractory:
 *        refractory = a time T:      c = refractory_steps > 0 ? refractory_steps - 1 : 0;  not_refractory = c <= 0
 *                                     (on a spike refractory_steps := R = floor((T + 1e-3 dt)/dt),
 *                                     Brian2's timestep(T, dt): a neuron that spiked at step s has
 *                                     not_refractory false at steps s+1 … s+R-1, as Brian2's
 *                                     timestep(t - lastspike, dt) >= timestep(T, dt))
 *        refractory = a condition C: not_refractory = not_refractory_old or not C(X)   (Brian2)
 *   2. X1 = the method's update of every differential equation from X (simultaneous); variables
 *      `unless refractory` keep X where not not_refractory (and their derivative is multiplied by
 *      not_refractory, as Brian2's add_refractoriness does).
 *   3. x2 = x1 + input_x for every driven variable (kept at x1 for a clamped variable while
 *      refractory: Brian2 does not apply synaptic effects to it then); input_x := 0.
 *   4. spike = threshold(X2) and not_refractory.
 *   5. reset statements in order, each `x := spike ? reset(X) : x` on the values so far; then
 *      refractory_steps := spike ? R : c (or not_refractory := spike ? 0 : not_refractory) and
 *      lastspike := spike ? t : lastspike.
 *   6. store the state: differential-equation variables, external variables that changed,
 *      internal variables (refractory_steps / not_refractory, lastspike).
 * Subexpressions are evaluated with the values current where they are used (X in step 2, X2 in
 * the threshold, the values so far in each reset statement).
 */
import { type EquationSpec, type ModelAnalysis, analyzeModel } from './analyze.ts';
import { EquationError, Issues } from './errors.ts';
import * as X from './expr.ts';
import type { E } from './expr.ts';
import { evaluateDerived, evaluateHost, isHostExpr, toHost } from './host.ts';
import type { Expr } from './ir.ts';
import { type Leaf, Lowerer } from './lower.ts';
import { MethodError, integrate } from './methods.ts';
import type { CompiledModel, HostExpr, LinearSystem, ParamInfo, QuantityInfo, StateInfo } from './model.ts';
import { type Ast, parseStatements } from './parse.ts';
import { type Dim, DIMENSIONLESS, TIME, describeDim, lookupUnit, parseQuantity, userUnit } from './units.ts';

export type { EquationSpec, ModelAnalysis };
export { analyzeModel, evaluateDerived, parseQuantity, EquationError };

export interface CompileOptions {
  /** time step, ms */
  dt: number;
  /** the effective parameter values (the model's, overridden by the population's): numbers in axonal units or strings with units */
  params: Record<string, number | string>;
  /** parameters whose values differ between neurons */
  perNeuron?: ReadonlySet<string>;
  /** the ring channels that projections drive: variable names, or channel keys (channelKey) */
  inputs?: string[];
  name?: string;
}

/** lastspike of a neuron that never spiked, ms (finite, as Brian2's -1e4 s) */
export const NEVER_SPIKED = -1e7;

function quantity(name: string, dim: Dim): QuantityInfo {
  const u = userUnit(dim);
  return { name, unit: u.unit, dim, factor: u.factor };
}

/** the kernel value of a parameter given as a number in axonal units or as a string with units */
function kernelValue(value: number | string, dim: Dim, name: string): number {
  return typeof value === 'number' ? value * userUnit(dim).factor : parseQuantity(value, dim, `parameters.${name}`).value;
}

function checkParams(a: ModelAnalysis, opts: CompileOptions, issues: Issues): void {
  const per = opts.perNeuron ?? new Set<string>();
  for (const p of a.params) {
    const value = opts.params[p.name];
    const where = p.line > 0 ? `equations line ${p.line}: ` : '';
    if (value === undefined) {
      const msg = `${where}parameter '${p.name}' is never given a value (expected a number in ${userUnit(p.dim).unit} or a string with units, unit ${describeDim(p.dim)})`;
      issues.list.push({ field: p.line > 0 ? 'equations' : 'parameters', line: p.line, column: 0, message: msg });
      continue;
    }
    try {
      if (typeof value === 'string') parseQuantity(value, p.dim, `parameters.${p.name}`);
      else if (!Number.isFinite(value)) issues.field(`parameters.${p.name}`, 0, `'${p.name}' must be a finite number`);
    } catch (err) {
      if (!(err instanceof EquationError)) throw err;
      issues.list.push(...err.issues);
    }
    if (p.shared && per.has(p.name)) issues.field(`parameters.${p.name}`, 0, `'${p.name}' is declared (shared): it has one value for the population, not one per neuron`);
  }
  for (const name of Object.keys(opts.params)) {
    const ext = a.externals.find((x) => x.name === name);
    if (ext) issues.field(`parameters.${name}`, 0, `'${name}' is a state variable (equations line ${ext.line}, declared without '(constant)'): give its value in initial`);
  }
  for (const key of opts.inputs ?? []) {
    for (const { variable: x, factor } of channelTerms(key)) {
      if (!a.odes.some((o) => o.name === x) && !a.externals.some((e) => e.name === x))
        issues.field('on_pre', 0, `the target '${x}' is not a state variable of the model (variables: ${[...a.odes, ...a.externals].map((o) => o.name).join(', ')})`);
      if (!Number.isFinite(factor)) issues.field('on_pre', 0, `the channel '${key}' has a factor that is not a finite number`);
    }
  }
  if (!(opts.dt > 0) || !Number.isFinite(opts.dt)) issues.field('dt', 0, `expected a time step in ms > 0, got ${opts.dt}`);
}

/** R of the refractory countdown: Brian2's timestep(T, dt) */
function refractorySteps(T: E): E {
  const dt = X.v('dt');
  return X.call('floor', [X.div(X.add(T, X.mul(X.num(1e-3), dt)), dt)]);
}

/** The design rule "durations the grid cannot represent are errors": the refractory period must be a multiple of dt. */
function checkRefractoryGrid(a: ModelAnalysis, opts: CompileOptions, issues: Issues): void {
  if (a.refractory.kind !== 'time' || issues.size > 0) return;
  const names = X.varNames(a.refractory.expr);
  if ([...names].some((n) => opts.perNeuron?.has(n))) return;
  const params: Record<string, number> = {};
  for (const p of a.params) if (names.has(p.name)) params[p.name] = kernelValue(opts.params[p.name], p.dim, p.name);
  const steps = evaluateHost(toHost(a.refractory.expr), { dt: opts.dt, N: 1, params }) / opts.dt;
  if (!(steps >= 0) || Math.abs(steps - Math.round(steps)) > 1e-6 * Math.max(1, steps)) {
    issues.field('refractory', 0, `the refractory period ${+(steps * opts.dt).toPrecision(6)} ms is not a whole number of time steps (dt = ${opts.dt} ms)`);
  }
}

/** Compiles an analysed model for the effective parameters; throws EquationError with every issue. */
export function compileModel(a: ModelAnalysis, opts: CompileOptions): CompiledModel {
  const issues = new Issues();
  checkParams(a, opts, issues);
  checkRefractoryGrid(a, opts, issues);
  issues.throwIfAny();

  const per = opts.perNeuron ?? new Set<string>();
  const paramNames = new Set(a.params.map((p) => p.name));
  const hostName = (n: string): boolean => paramNames.has(n) || n === 'dt' || n === 'N' || n === 'i';
  const hostExpr = (e: E): boolean => isHostExpr(e, hostName);
  const ref = a.refractory;

  // internal state
  const internal: StateInfo[] = [];
  let nr: E | undefined;
  let countdown: E | undefined;
  if (ref.kind === 'time') {
    internal.push({ ...quantity('refractory_steps', DIMENSIONLESS), kind: 'internal', defaultInitial: 0, line: 0 });
    // refractory_steps holds a whole number >= 0: a select gives max(r - 1, 0) without the
    // NaN-propagating f32x4.max (several instructions on x86) in the SIMD kernel
    countdown = X.select(X.bin('>', X.v('refractory_steps'), X.ZERO), X.sub(X.v('refractory_steps'), X.ONE), X.ZERO);
    nr = X.bin('<=', countdown, X.ZERO);
  } else if (ref.kind === 'condition') {
    internal.push({ ...quantity('not_refractory', DIMENSIONLESS), kind: 'internal', defaultInitial: 1, line: 0 });
    nr = X.bin('or', X.bin('!=', X.v('not_refractory'), X.ZERO), { k: 'not', a: ref.cond });
  }
  if (a.usesLastspike) internal.push({ ...quantity('lastspike', TIME), kind: 'internal', defaultInitial: NEVER_SPIKED, line: 0 });

  // 2. integration
  const clamped = new Set(ref.kind === 'none' ? [] : a.odes.filter((o) => o.unlessRefractory).map((o) => o.name));
  let integration;
  try {
    integration = integrate(a.odes.map((o) => ({ name: o.name, rhs: o.rhs, clamped: clamped.has(o.name) })), a.noise, a.method, { name: hostName, expr: hostExpr });
  } catch (err) {
    if (!(err instanceof MethodError)) throw err;
    issues.field(a.method ? 'method' : 'equations', 0, err.message);
    issues.throwIfAny();
    throw err;
  }
  const withNr = (cur: ReadonlyMap<string, E>): Map<string, E> => new Map([...cur, ...(nr ? [['not_refractory', nr] as const] : [])]);
  const cur = new Map<string, E>();
  for (const o of a.odes) {
    const next = X.substVars(integration.updates.get(o.name)!, withNr(new Map()));
    cur.set(o.name, nr && clamped.has(o.name) ? X.select(nr, next, X.v(o.name)) : next);
  }
  // 3. inputs: each channel's arrived weight added to its variables (times the further ones' factors)
  const inputs = opts.inputs ?? [];
  for (const key of inputs) {
    for (const { variable: x, factor } of channelTerms(key)) {
      const base = cur.get(x) ?? X.v(x);
      const arrived = X.v(`input:${key}`);
      const driven = X.add(base, factor === 1 ? arrived : X.mul(X.num(factor), arrived));
      cur.set(x, nr && clamped.has(x) ? X.select(nr, driven, base) : driven);
    }
  }
  // 4. threshold
  let spike: E | undefined;
  if (a.threshold) {
    spike = X.substVars(a.threshold, withNr(cur));
    if (nr) spike = X.bin('and', spike, nr);
  }
  // 5. reset, refractoriness, lastspike
  if (a.reset.length > 0 && !spike) issues.field('reset', 0, 'a reset needs a threshold');
  issues.throwIfAny();
  for (const r of a.reset) {
    const value = X.substVars(r.expr, withNr(cur));
    const old = cur.get(r.target) ?? X.v(r.target);
    const ops = { '=': value, '+=': X.add(old, value), '-=': X.sub(old, value), '*=': X.mul(old, value), '/=': X.div(old, value) };
    cur.set(r.target, X.select(spike!, ops[r.op], old));
  }
  const steps = ref.kind === 'time' ? refractorySteps(ref.expr) : undefined;
  if (steps) cur.set('refractory_steps', spike ? X.select(spike, steps, countdown!) : countdown!);
  if (ref.kind === 'condition') cur.set('not_refractory', X.select(spike ?? { k: 'bool', v: false }, X.ZERO, X.select(nr!, X.ONE, X.ZERO)));
  if (a.usesLastspike && spike) cur.set('lastspike', X.select(spike, X.v('t'), X.v('lastspike')));

  // operands and lowering
  const systems: LinearSystem[] = integration.systems.map((s) => ({ vars: s.vars, A: s.A.map((row) => row.map(toHost)), b: s.b.map(toHost) }));
  const usesPerNeuron = (h: HostExpr): boolean => {
    switch (h.op) {
      case 'param': return per.has(h.name);
      case 'i': return true;
      case 'linear': return [...systems[h.system].A.flat(), ...systems[h.system].b].some(usesPerNeuron);
      case 'add': case 'sub': case 'mul': case 'div': case 'pow': case 'min': case 'max': return usesPerNeuron(h.a) || usesPerNeuron(h.b);
      case 'neg': return usesPerNeuron(h.a);
      case 'call': return h.args.some(usesPerNeuron);
      default: return false;
    }
  };
  const stateNames = new Set([...a.odes.map((o) => o.name), ...a.externals.map((x) => x.name), ...internal.map((s) => s.name)]);
  const leaf = (name: string): Leaf => {
    if (name.startsWith('input:')) return { role: { role: 'input', variable: name.slice(6) }, name: inputName(name.slice(6)), per: 'neuron' };
    if (stateNames.has(name)) return { role: { role: 'state', variable: name }, name, per: 'neuron' };
    if (paramNames.has(name)) return { role: { role: 'param', name }, name, per: per.has(name) ? 'neuron' : 'scalar' };
    if (name === 't') return { role: { role: 'time' }, name: 't', per: 'scalar' };
    if (name === 'dt' || name === 'N' || name === 'i') {
      const expr = toHost(X.v(name));
      return { role: { role: 'derived', expr }, name, per: name === 'i' ? 'neuron' : 'scalar' };
    }
    throw new Error(`unresolved name ${name}`);
  };
  const draws = new Map<string, number>();
  /** P<system>_<row variable>_<column variable, or 1 for the constant term> */
  const nameOf = (e: E): string | undefined => {
    if (e === steps) return 'refractory_period_steps';
    if (e.k !== 'lin') return undefined;
    const vars = systems[e.system].vars;
    return `P${e.system}_${vars[e.row]}_${e.col < vars.length ? vars[e.col] : '1'}`;
  };
  const lower = new Lowerer(leaf, hostName, usesPerNeuron, nameOf, (e) => {
    const key = e.k === 'noise' ? e.name : `site${e.site}`;
    if (!draws.has(key)) draws.set(key, draws.size);
    const draw = draws.get(key)!;
    return e.k === 'noise' ? { draw, dist: 'normal', name: e.name } : { draw, dist: e.dist, name: `${e.dist === 'uniform' ? 'rand' : 'randn'}_${draw}` };
  });

  const state: StateInfo[] = [
    ...a.odes.map((o): StateInfo => ({ ...quantity(o.name, o.dim), kind: 'ode', defaultInitial: 0, line: o.line })),
    ...a.externals.map((x): StateInfo => ({ ...quantity(x.name, x.dim), kind: 'external', defaultInitial: 0, line: x.line })),
    ...internal,
  ];
  const stores: { operand: number; value: Expr }[] = [];
  for (const s of state) {
    const value = cur.get(s.name);
    if (!value) continue;
    const operand = lower.operand(`leaf:${s.name}`, s.name, 'neuron', { role: 'state', variable: s.name });
    stores.push({ operand, value: lower.num(value) });
  }
  const spikeCond = spike && lower.cond(spike);
  for (const x of inputs) {
    const operand = lower.operand(`leaf:input:${x}`, inputName(x), 'neuron', { role: 'input', variable: x });
    stores.push({ operand, value: { op: 'const', value: 0 } });
  }
  for (const s of stores) lower.markWrite(s.operand);
  const kernel = lower.kernel(opts.name ?? 'equations', stores, spikeCond);

  const parameters: ParamInfo[] = a.params.map((p) => ({ ...quantity(p.name, p.dim), line: p.line }));
  return {
    methods: Object.fromEntries(a.odes.map((o) => [o.name, integration.method])),
    state,
    parameters,
    inputs: inputs.map((x) => quantity(x, state.find((s) => s.name === channelTerms(x)[0].variable)!.dim)),
    roles: lower.roles,
    systems,
    kernel,
    refractory: ref.kind === 'time' ? { kind: 'time', expr: toHost(ref.expr) } : ref.kind === 'condition' ? { kind: 'condition' } : { kind: 'none' },
  };
}

/** the operand name of a channel's input: input_ge, input_g_AMPA__g_NMDA_0_5 (an identifier) */
const inputName = (key: string): string => `input_${key.replace(/[^A-Za-z0-9_]/g, '_')}`;

/** The synapse's weight in on_pre (Brian2's name). */
const WEIGHT = 'w';

/**
 * The `on_pre` of a projection: one or more statements `ge += w`, `gi += 2*w`, `v -= w`,
 * `ge_post += w/2`, separated by `;` or newlines: each adds the weight w (in the unit of its
 * variable) times its factor to its variable, e.g. `g_AMPA += w; g_NMDA += 0.5*w` (one synapse that
 * opens two receptors). As in Brian2, `w` is the synapse's weight even when the target model has a
 * variable `w` (the AdEx cells' adaptation current), and `x_post` names the target's variable x
 * (`w_post += w`); another name that is not the model's (`weight`) stands for the weight too. A
 * target `w` in a model with a variable `w` is an error (the weight cannot be changed; the variable
 * is `w_post`), and so is a variable driven twice. Other on_pre forms are not supported. Throws
 * EquationError.
 */
export function parseOnPre(a: ModelAnalysis, text: string): OnPreTerm[] {
  const issues = new Issues();
  const sts = parseStatements('on_pre', text, issues);
  issues.throwIfAny();
  if (sts.length === 0) {
    issues.field('on_pre', 0, `expected a statement such as 'ge += w', got none`);
    issues.throwIfAny();
  }
  const names = [...a.odes, ...a.externals].map((o) => o.name);
  // the target neuron's names: its variables and parameters, bare or with _post
  const neuron = new Set([...names, ...a.params.map((p) => p.name)]);
  const terms: OnPreTerm[] = [];
  for (const st of sts) {
    const variable = withoutPost(st.target);
    if (st.target === WEIGHT && names.includes(WEIGHT))
      issues.at(st.src, st.targetAt, `the target 'w' is the synapse's weight (as in Brian2), which on_pre cannot change; the model's variable w is 'w_post' (e.g. 'w_post += w')`);
    else if (!names.includes(variable)) issues.at(st.src, st.targetAt, `the target '${st.target}' is not a state variable of the model (variables: ${names.join(', ')})`);
    else if (terms.some((t) => t.variable === variable)) issues.at(st.src, st.targetAt, `'${variable}' is driven twice: write its weights as one statement`);
    if (st.op !== '+=' && st.op !== '-=') issues.at(st.src, st.targetAt, `only 'x += weight' and 'x -= weight' are supported, not '${st.op}'`);
    const factor = weightFactor(st.expr.ast, (n) => neuron.has(withoutPost(n)));
    if (factor === undefined) {
      const own = idsOf(st.expr.ast).filter((n) => n !== WEIGHT && neuron.has(withoutPost(n)));
      const why = own.length ? ` ('${own[0]}' is the target's ${names.includes(withoutPost(own[0])) ? 'variable' : 'parameter'} ${withoutPost(own[0])}; the weight is 'w')` : '';
      issues.at(st.expr.src, st.expr.ast.s, `unsupported on_pre expression '${st.expr.src.text.slice(st.expr.ast.s, st.expr.ast.e).trim()}': expected the weight times a number (w, 2*w, w/2, -w)${why}`);
    } else if (factor === 0 && sts.length > 1) issues.at(st.expr.src, st.expr.ast.s, `a factor of 0 drives nothing: leave the statement out`);
    terms.push({ variable, factor: (st.op === '-=' ? -1 : 1) * (factor ?? 0) });
  }
  issues.throwIfAny();
  return terms;
}

/** One statement of an on_pre: the weight times `factor` is added to `variable`. */
export interface OnPreTerm {
  variable: string;
  factor: number;
}

/**
 * The ring channel of a target from equations that an on_pre drives: its first variable, then
 * `;name*factor` for each further one (factor relative to the first's, which the weights carry),
 * e.g. `g_AMPA` or `g_AMPA;g_NMDA*0.5`. Projections with the same terms share a channel.
 */
export function channelKey(terms: readonly OnPreTerm[]): string {
  return terms.map((t, k) => (k === 0 ? t.variable : t.factor === 1 ? `;${t.variable}` : `;${t.variable}*${t.factor}`)).join('');
}

/** The terms of a channel key (channelKey's inverse; the first factor is 1). */
export function channelTerms(key: string): OnPreTerm[] {
  return key.split(';').map((part) => {
    const star = part.indexOf('*');
    return star < 0 ? { variable: part, factor: 1 } : { variable: part.slice(0, star), factor: Number(part.slice(star + 1)) };
  });
}

const withoutPost = (name: string): string => (name.endsWith('_post') ? name.slice(0, -5) : name);

/** the names an expression reads, in order */
function idsOf(n: Ast): string[] {
  if (n.k === 'id') return [n.name];
  if (n.k === 'neg' || n.k === 'not') return idsOf(n.a);
  if (n.k === 'bin') return [...idsOf(n.a), ...idsOf(n.b)];
  if (n.k === 'call') return n.args.flatMap(idsOf);
  return [];
}

/** c for an expression c*w made of one weight name (`w`, or a name that is not the neuron's nor a unit) and numbers; undefined otherwise */
function weightFactor(ast: Ast, neuron: (name: string) => boolean): number | undefined {
  const constant = (n: Ast): number | undefined => {
    if (n.k === 'num') return n.v;
    if (n.k === 'neg') { const v = constant(n.a); return v === undefined ? undefined : -v; }
    if (n.k === 'bin' && (n.op === '*' || n.op === '/')) {
      const x = constant(n.a);
      const y = constant(n.b);
      return x === undefined || y === undefined ? undefined : n.op === '*' ? x * y : x / y;
    }
    return undefined;
  };
  const go = (n: Ast): number | undefined => {
    if (n.k === 'id') return n.name === WEIGHT || !(neuron(n.name) || lookupUnit(n.name)) ? 1 : undefined;
    if (n.k === 'neg') { const f = go(n.a); return f === undefined ? undefined : -f; }
    if (n.k === 'bin' && n.op === '*') {
      const ca = constant(n.a);
      if (ca !== undefined) { const f = go(n.b); return f === undefined ? undefined : ca * f; }
      const cb = constant(n.b);
      if (cb !== undefined) { const f = go(n.a); return f === undefined ? undefined : cb * f; }
    }
    if (n.k === 'bin' && n.op === '/') {
      const cb = constant(n.b);
      if (cb !== undefined && cb !== 0) { const f = go(n.a); return f === undefined ? undefined : f / cb; }
    }
    return undefined;
  };
  return go(ast);
}

