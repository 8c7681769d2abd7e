/**
 * Analysis of a Brian2-style model: symbols, name resolution, types (number / condition) and
 * dimensional analysis of every equation, subexpression, condition and statement, as Brian2 does.
 *
 * Symbols, in the order a name is resolved:
 *   1. the model's own: differential-equation variables, subexpressions (inlined where used),
 *      parameters `x : unit (constant)` / `(shared)`, external variables `x : unit` (per-neuron
 *      state that is stored but not integrated; set through `initial`);
 *   2. built-ins: t, dt (time), i, N (dimensionless), lastspike (time), not_refractory (condition;
 *      only with `refractory`), xi and xi_* (white noise, s^-1/2, only in differential equations),
 *      pi, e, True, False;
 *   3. names given in the spec's `parameters` (a number: dimensionless, unless declared; a string
 *      with units: its dimension);
 *   4. Brian2's unit names (mV, nS, cm2, …), which become their kernel values.
 * Anything else is an unknown identifier (with the closest known name as a suggestion).
 *
 * Dimension rules: + - and comparisons need equal dimensions (a literal 0 goes with any);
 * * and / combine; x**p needs a dimensionless p, and a constant one when x has a unit;
 * exp/log/log10/expm1/exprel/sin/cos/tanh/int take dimensionless arguments; sqrt halves;
 * abs/floor/ceil keep the unit; sign gives 1; clip(x, lo, hi) and min/max need equal units.
 * dx/dt = f : u needs f in u/second; x = f : u needs f in u.
 */
import { EquationError, Issues } from './errors.ts';
import * as X from './expr.ts';
import type { E } from './expr.ts';
import {
  type Ast, type EquationLine, type Parsed, type Statement, textOf,
  parseEquations, parseField, parseStatements,
} from './parse.ts';
import type { EquationModelSpec } from '../core/types.ts';
import {
  type Dim, DIMENSIONLESS, TIME, describeDim, dimDiv, dimEq, dimMul, dimPow, evalConstant, isDimensionless,
  lookupUnit, parseQuantity, unitNames,
} from './units.ts';

/** a model from equations as a model file writes it (src/core/types.ts) */
export type EquationSpec = EquationModelSpec;

export interface OdeDef { name: string; dim: Dim; line: number; rhs: E; unlessRefractory: boolean }
export interface QuantityDef { name: string; dim: Dim; line: number }
export interface ParamDef extends QuantityDef { shared: boolean; declared: boolean }
export interface ResetDef { target: string; op: '=' | '+=' | '-=' | '*=' | '/='; expr: E; line: number }

export type RefractoryDef = { kind: 'none' } | { kind: 'time'; expr: E } | { kind: 'condition'; cond: E };

export interface ModelAnalysis {
  spec: EquationSpec;
  odes: OdeDef[];
  externals: QuantityDef[];
  /** declared parameters and those only named in spec.parameters that the model uses */
  params: ParamDef[];
  threshold?: E;
  reset: ResetDef[];
  refractory: RefractoryDef;
  /** the method asked for (a Brian2 name), or undefined to choose as Brian2 does */
  method?: string;
  /** xi names, in order of appearance */
  noise: string[];
  /** rand()/randn() call sites, numbered from 0 */
  randomSites: ('uniform' | 'normal')[];
  /** true when some expression reads lastspike */
  usesLastspike: boolean;
}

export const METHODS = ['exact', 'linear', 'exponential_euler', 'euler', 'rk2', 'rk4', 'heun', 'milstein'];

const BUILTINS = new Set(['t', 'dt', 'i', 'N', 'lastspike', 'not_refractory', 'pi', 'e', 'True', 'False', 'xi']);
const RESERVED = new Set([...BUILTINS, 'inf', 'refractory', 'refractory_until', 'refractory_steps', 'and', 'or', 'not']);
/** Brian2 functions that axonal's kernels do not have */
const UNSUPPORTED_FUNCTIONS = new Set(['tan', 'sinh', 'cosh', 'arcsin', 'arccos', 'arctan', 'log1p', 'poisson', 'timestep']);

interface FnRule { arity: number; dim: (args: Dim[]) => Dim | string }
const dimless = (args: Dim[]): Dim | string => (args.every(isDimensionless) ? DIMENSIONLESS : 'dimensionless');
const sameAsFirst = (args: Dim[]): Dim | string => (args.every((a) => dimEq(a, args[0])) ? args[0] : 'same');
export const FUNCTIONS: Record<string, FnRule> = {
  exp: { arity: 1, dim: dimless }, log: { arity: 1, dim: dimless }, log10: { arity: 1, dim: dimless },
  expm1: { arity: 1, dim: dimless }, exprel: { arity: 1, dim: dimless }, sin: { arity: 1, dim: dimless },
  cos: { arity: 1, dim: dimless }, tanh: { arity: 1, dim: dimless }, int: { arity: 1, dim: dimless },
  sqrt: { arity: 1, dim: ([a]) => dimPow(a, 0.5) },
  abs: { arity: 1, dim: ([a]) => a }, floor: { arity: 1, dim: ([a]) => a }, ceil: { arity: 1, dim: ([a]) => a },
  sign: { arity: 1, dim: () => DIMENSIONLESS },
  clip: { arity: 3, dim: sameAsFirst }, min: { arity: 2, dim: sameAsFirst }, max: { arity: 2, dim: sameAsFirst },
  rand: { arity: 0, dim: () => DIMENSIONLESS }, randn: { arity: 0, dim: () => DIMENSIONLESS },
};

/** A checked expression: its dimension, whether it is a condition, its symbolic form; null after an error. */
interface Typed { dim: Dim; bool: boolean; e: E; zero: boolean }

/** Levenshtein distance, for suggestions */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

export function suggest(name: string, candidates: Iterable<string>): string {
  let best = '';
  let bestD = name.length <= 2 ? 1 : Math.max(2, Math.min(3, Math.floor(name.length / 3)));
  for (const c of candidates) {
    const dd = distance(name, c);
    if (dd < bestD || (dd === bestD && best === '')) { best = c; bestD = dd; }
  }
  return best ? ` (did you mean '${best}'?)` : '';
}

class Analyzer {
  readonly issues = new Issues();
  readonly defs = new Map<string, EquationLine>();
  private readonly subTyped = new Map<string, Typed | null>();
  private readonly visiting: string[] = [];
  readonly specParams = new Map<string, Dim>();
  readonly usedParams = new Set<string>();
  /** names defined by equation lines with a syntax error (their uses are not reported again) */
  readonly broken = new Set<string>();
  readonly noise: string[] = [];
  readonly randomSites: ('uniform' | 'normal')[] = [];
  usesLastspike = false;
  hasRefractory = false;

  constructor(readonly spec: EquationSpec) {}

  kind(name: string): 'ode' | 'subexpression' | 'param' | 'external' | undefined {
    const d = this.defs.get(name);
    if (!d) return undefined;
    if (d.kind === 'parameter') return d.flags.includes('constant') || d.flags.includes('shared') ? 'param' : 'external';
    return d.kind;
  }

  unitOf(def: EquationLine): Dim {
    return evalConstant(def.unit.ast, def.unit.src, this.issues, true)?.dim ?? DIMENSIONLESS;
  }

  knownNames(): string[] {
    return [...this.defs.keys(), ...this.specParams.keys(), ...BUILTINS, ...Object.keys(FUNCTIONS), ...unitNames()];
  }

  /** checks `ast` of `p`; white noise is allowed only where `noiseOk` (differential equations) */
  check(p: Parsed, ast: Ast, noiseOk: boolean): Typed | null {
    const at = (n: Ast, msg: string): null => { this.issues.at(p.src, n.s, msg); return null; };
    const go = (n: Ast): Typed | null => {
      switch (n.k) {
        case 'num': return { dim: DIMENSIONLESS, bool: false, e: X.num(n.v), zero: n.v === 0 };
        case 'bool': return { dim: DIMENSIONLESS, bool: true, e: { k: 'bool', v: n.v }, zero: false };
        case 'id': return this.identifier(p, n, noiseOk);
        case 'neg': {
          const a = go(n.a);
          if (!a) return null;
          if (a.bool) return at(n, `'${textOf(p, n.a)}' is a condition, not a number`);
          return { ...a, e: X.neg(a.e) };
        }
        case 'not': {
          const a = go(n.a);
          if (!a) return null;
          if (!a.bool) return at(n, `'not' needs a condition, but '${textOf(p, n.a)}' is a number`);
          return { dim: DIMENSIONLESS, bool: true, e: { k: 'not', a: a.e }, zero: false };
        }
        case 'call': return this.call(p, n, go);
        case 'bin': {
          const a = go(n.a);
          const b = go(n.b);
          if (!a || !b) return null;
          const ta = textOf(p, n.a);
          const tb = textOf(p, n.b);
          if (n.op === 'and' || n.op === 'or') {
            if (!a.bool || !b.bool) return at(n, `'${n.op}' needs conditions, but '${!a.bool ? ta : tb}' is a number`);
            return { dim: DIMENSIONLESS, bool: true, e: X.bin(n.op, a.e, b.e), zero: false };
          }
          const numeric = (t: Typed): E => (t.bool ? { k: 'select', c: t.e, a: X.ONE, b: X.ZERO } : t.e);
          if (n.op === '+' || n.op === '-' || ['<', '<=', '>', '>=', '==', '!='].includes(n.op)) {
            if (!dimEq(a.dim, b.dim) && !a.zero && !b.zero) {
              return at(n, `'${textOf(p, n)}' uses inconsistent units ('${ta}' has unit ${describeDim(a.dim)}; '${tb}' has unit ${describeDim(b.dim)})`);
            }
            const dim = a.zero ? b.dim : a.dim;
            const cmp = n.op !== '+' && n.op !== '-';
            return { dim: cmp ? DIMENSIONLESS : dim, bool: cmp, e: X.bin(n.op, numeric(a), numeric(b)), zero: false };
          }
          if (n.op === '*') return { dim: dimMul(a.dim, b.dim), bool: false, e: X.mul(numeric(a), numeric(b)), zero: a.zero || b.zero };
          if (n.op === '/') return { dim: dimDiv(a.dim, b.dim), bool: false, e: X.div(numeric(a), numeric(b)), zero: a.zero };
          // '**'
          if (!isDimensionless(b.dim)) return at(n.b, `the exponent '${tb}' must be dimensionless, but has unit ${describeDim(b.dim)}`);
          if (!isDimensionless(a.dim) && b.e.k !== 'num') {
            return at(n.b, `the exponent '${tb}' of '${ta}' (unit ${describeDim(a.dim)}) must be a constant number`);
          }
          const dim = isDimensionless(a.dim) ? DIMENSIONLESS : dimPow(a.dim, (b.e as { v: number }).v);
          return { dim, bool: false, e: X.bin('**', numeric(a), numeric(b)), zero: false };
        }
      }
    };
    return go(ast);
  }

  private call(p: Parsed, n: Ast & { k: 'call' }, go: (n: Ast) => Typed | null): Typed | null {
    const rule = FUNCTIONS[n.fn];
    if (!rule) {
      if (UNSUPPORTED_FUNCTIONS.has(n.fn)) this.issues.at(p.src, n.s, `the function '${n.fn}' is not supported (available: ${Object.keys(FUNCTIONS).join(', ')})`);
      else this.issues.at(p.src, n.s, `unknown function '${n.fn}'${suggest(n.fn, Object.keys(FUNCTIONS))}`);
      return null;
    }
    if (n.args.length !== rule.arity) {
      this.issues.at(p.src, n.s, `${n.fn}() takes ${rule.arity} argument${rule.arity === 1 ? '' : 's'}, got ${n.args.length}`);
      return null;
    }
    if (n.fn === 'rand' || n.fn === 'randn') {
      const dist = n.fn === 'rand' ? 'uniform' : 'normal';
      this.randomSites.push(dist);
      return { dim: DIMENSIONLESS, bool: false, e: { k: 'rand', dist, site: this.randomSites.length - 1 }, zero: false };
    }
    const args = n.args.map(go);
    if (args.some((a) => a === null)) return null;
    const typed = args as Typed[];
    if (n.fn === 'int' && typed[0].bool) return { dim: DIMENSIONLESS, bool: false, e: X.select(typed[0].e, X.ONE, X.ZERO), zero: false };
    const bad = typed.findIndex((a) => a.bool);
    if (bad >= 0) {
      this.issues.at(p.src, n.args[bad].s, `argument ${bad + 1} of ${n.fn}() is a condition, not a number`);
      return null;
    }
    // a literal 0 is allowed for any unit (clip(x, 0, x_max))
    const dims = typed.map((a, k) => (a.zero && k > 0 ? typed[0].dim : a.dim));
    const dim = rule.dim(dims);
    if (typeof dim === 'string') {
      const detail = typed.map((a, k) => `'${textOf(p, n.args[k])}' has unit ${describeDim(a.dim)}`).join('; ');
      const need = dim === 'dimensionless' ? 'dimensionless arguments' : 'arguments of the same unit';
      this.issues.at(p.src, n.s, `${n.fn}() needs ${need} (${detail})`);
      return null;
    }
    return { dim, bool: false, e: X.call(n.fn, typed.map((a) => a.e)), zero: false };
  }

  private identifier(p: Parsed, n: Ast & { k: 'id' }, noiseOk: boolean): Typed | null {
    const name = n.name;
    const typed = (dim: Dim, e: E, bool = false): Typed => ({ dim, bool, e, zero: false });
    const kind = this.kind(name);
    if (kind === 'subexpression') return this.subexpression(name, p, n);
    if (kind) {
      if (kind === 'param') this.usedParams.add(name);
      return typed(this.unitOf(this.defs.get(name)!), X.v(name));
    }
    switch (name) {
      case 't': case 'dt': return typed(TIME, X.v(name));
      case 'i': case 'N': return typed(DIMENSIONLESS, X.v(name));
      case 'pi': return typed(DIMENSIONLESS, X.num(Math.PI));
      case 'e': return typed(DIMENSIONLESS, X.num(Math.E));
      case 'lastspike': this.usesLastspike = true; return typed(TIME, X.v(name));
      case 'not_refractory':
        if (!this.hasRefractory) break;
        return typed(DIMENSIONLESS, X.v(name), true);
    }
    if (name === 'xi' || name.startsWith('xi_')) {
      if (!noiseOk) { this.issues.at(p.src, n.s, `white noise '${name}' may only appear in differential equations`); return null; }
      if (!this.noise.includes(name)) this.noise.push(name);
      return typed(dimPow(TIME, -0.5), { k: 'noise', name });
    }
    const pd = this.specParams.get(name);
    if (pd) { this.usedParams.add(name); return typed(pd, X.v(name)); }
    const unit = lookupUnit(name);
    if (unit) return typed(unit.dim, X.num(unit.kernel));
    if (this.broken.has(name)) return null; // its own line's syntax error is reported
    const why = name === 'not_refractory' ? " ('not_refractory' exists only when the model has a refractory period)" : suggest(name, this.knownNames());
    this.issues.at(p.src, n.s, `unknown identifier '${name}'${why}: define it in the equations (e.g. '${name} : 1 (constant)') or give it in parameters`);
    return null;
  }

  private subexpression(name: string, p: Parsed, n: Ast): Typed | null {
    if (this.subTyped.has(name)) return this.subTyped.get(name)!;
    const cycleAt = this.visiting.indexOf(name);
    if (cycleAt >= 0) {
      const cycle = [...this.visiting.slice(cycleAt), name].join(' -> ');
      this.issues.at(p.src, n.s, `subexpressions form a cycle: ${cycle}`);
      for (const s of this.visiting.slice(cycleAt)) this.subTyped.set(s, null);
      return null;
    }
    const def = this.defs.get(name)!;
    this.visiting.push(name);
    const t = this.check(def.expr!, def.expr!.ast, true);
    this.visiting.pop();
    if (this.subTyped.has(name)) return null; // part of a cycle found below
    let result: Typed | null = null;
    if (t) {
      const dim = this.unitOf(def);
      if (t.bool) this.issues.at(def.src, def.nameAt, `subexpression '${name}' is a condition; conditions are not supported as subexpressions`);
      else if (!dimEq(t.dim, dim) && !t.zero) {
        this.issues.at(def.expr!.src, def.expr!.ast.s, `subexpression '${name}' = '${textOf(def.expr!, def.expr!.ast)}' has unit ${describeDim(t.dim)}, but is declared as ${describeDim(dim)}`);
      } else result = { ...t, dim };
    }
    this.subTyped.set(name, result);
    return result;
  }
}

function checkFlags(a: Analyzer, def: EquationLine): void {
  const allowed: Record<string, string[]> = {
    ode: ['unless refractory'], subexpression: ['shared'], parameter: ['constant', 'shared'],
  };
  for (const flag of def.flags) {
    if (allowed[def.kind].includes(flag)) continue;
    const why = flag === 'constant over dt' || flag === 'linked'
      ? `the flag '${flag}' is not supported`
      : `unknown flag '${flag}' for a ${def.kind === 'ode' ? 'differential equation' : def.kind} (allowed: ${allowed[def.kind].join(', ')})`;
    a.issues.at(def.src, def.src.text.indexOf(flag), `${def.name}: ${why}`);
  }
}

/** Parses and checks a model; throws EquationError with every issue found. */
export function analyzeModel(spec: EquationSpec): ModelAnalysis {
  const a = new Analyzer(spec);
  const { issues } = a;
  if (typeof spec.equations !== 'string') {
    issues.field('equations', 0, 'expected a string of equations');
    issues.throwIfAny();
  }
  a.hasRefractory = spec.refractory !== undefined;
  const lines = parseEquations(spec.equations, issues, a.broken);

  for (const def of lines) {
    const prev = a.defs.get(def.name);
    if (prev) issues.at(def.src, def.nameAt, `'${def.name}' is defined twice (lines ${prev.line} and ${def.line})`);
    else if (RESERVED.has(def.name) || def.name.startsWith('xi_') || def.name.startsWith('_')) issues.at(def.src, def.nameAt, `'${def.name}' is a reserved name (a built-in of Brian2's model language)`);
    else if (lookupUnit(def.name)) issues.at(def.src, def.nameAt, `'${def.name}' is the name of a unit; choose another name`);
    else a.defs.set(def.name, def);
    checkFlags(a, def);
    a.unitOf(def);
  }

  for (const [name, value] of Object.entries(spec.parameters ?? {})) {
    const kind = a.kind(name);
    if (kind === 'ode' || kind === 'subexpression' || kind === 'external') {
      const def = a.defs.get(name)!;
      issues.field('parameters', 0, `'${name}' is ${kind === 'ode' ? 'a differential equation variable' : kind === 'external' ? "a state variable (declared without '(constant)'): give it in initial" : 'a subexpression'} (equations line ${def.line}), not a parameter`);
      continue;
    }
    const declared = kind === 'param' ? a.unitOf(a.defs.get(name)!) : undefined;
    try {
      const dim = typeof value === 'string' ? parseQuantity(value, declared, `parameters.${name}`).dim : (declared ?? DIMENSIONLESS);
      if (typeof value === 'number' && !Number.isFinite(value)) issues.field(`parameters.${name}`, 0, `'${name}' must be a finite number`);
      if (!declared) a.specParams.set(name, dim);
    } catch (err) {
      if (!(err instanceof EquationError)) throw err;
      issues.list.push(...err.issues);
    }
  }

  const odes: OdeDef[] = [];
  for (const def of lines) {
    if (a.defs.get(def.name) !== def || def.kind === 'parameter') continue;
    // a subexpression is checked where it is first used; this checks the unused ones too
    if (def.kind === 'subexpression') { a.check(def.expr!, { k: 'id', name: def.name, s: def.nameAt, e: def.nameAt + def.name.length }, false); continue; }
    const t = a.check(def.expr!, def.expr!.ast, true);
    if (!t) continue;
    const dim = a.unitOf(def);
    const want = dimDiv(dim, TIME);
    if (t.bool) issues.at(def.expr!.src, def.expr!.ast.s, `d${def.name}/dt is a condition, expected a number in ${describeDim(want)}`);
    else if (!dimEq(t.dim, want) && !t.zero) {
      issues.at(def.expr!.src, def.expr!.ast.s, `d${def.name}/dt = '${textOf(def.expr!, def.expr!.ast)}' has unit ${describeDim(t.dim)}, but ${def.name} is in ${describeDim(dim)}, so it must be ${describeDim(want)}`);
    } else odes.push({ name: def.name, dim, line: def.line, rhs: t.e, unlessRefractory: def.flags.includes('unless refractory') });
  }
  if (lines.length === 0 && issues.size === 0) {
    issues.field('equations', 0, 'no equations: expected at least one line such as "dv/dt = -v/tau : volt"');
  }

  let threshold: E | undefined;
  if (spec.threshold !== undefined && spec.threshold.trim() !== '') {
    const p = parseField('threshold', spec.threshold, issues);
    const t = p && a.check(p, p.ast, false);
    if (t && !t.bool) issues.at(p.src, p.ast.s, `threshold '${textOf(p, p.ast)}' is not a condition (expected e.g. 'v > v_th')`);
    else if (t) threshold = t.e;
  }

  const reset: ResetDef[] = [];
  if (spec.reset !== undefined) {
    for (const st of parseStatements('reset', spec.reset, issues)) {
      const r = checkStatement(a, st);
      if (r) reset.push(r);
    }
  }

  const refractory = checkRefractory(a, spec.refractory);

  let method: string | undefined;
  if (spec.method !== undefined) {
    if (!METHODS.includes(spec.method)) issues.field('method', 0, `unknown integration method '${spec.method}'${suggest(spec.method, METHODS)} (known: ${METHODS.join(', ')})`);
    else method = spec.method === 'linear' ? 'exact' : spec.method;
  }

  issues.throwIfAny();
  const externals: QuantityDef[] = [];
  const params: ParamDef[] = [];
  for (const def of a.defs.values()) {
    const k = a.kind(def.name);
    if (k === 'external') externals.push({ name: def.name, dim: a.unitOf(def), line: def.line });
    if (k === 'param') params.push({ name: def.name, dim: a.unitOf(def), line: def.line, shared: def.flags.includes('shared'), declared: true });
  }
  for (const [name, dim] of a.specParams) if (a.usedParams.has(name)) params.push({ name, dim, line: 0, shared: false, declared: false });
  return {
    spec, odes, externals, params, threshold, reset, refractory, method,
    noise: a.noise, randomSites: a.randomSites, usesLastspike: a.usesLastspike,
  };
}

function checkStatement(a: Analyzer, st: Statement): ResetDef | undefined {
  const kind = a.kind(st.target);
  const t = a.check(st.expr, st.expr.ast, false);
  if (kind !== 'ode' && kind !== 'external') {
    const what = kind === 'param' ? 'a parameter' : kind === 'subexpression' ? 'a subexpression'
      : BUILTINS.has(st.target) ? 'a built-in' : `not defined${suggest(st.target, [...a.defs.keys()])}`;
    a.issues.at(st.src, st.targetAt, `reset assigns to '${st.target}', which is ${what}; only state variables can be assigned`);
    return undefined;
  }
  if (!t) return undefined;
  const dim = a.unitOf(a.defs.get(st.target)!);
  const text = textOf(st.expr, st.expr.ast);
  if (t.bool) {
    a.issues.at(st.expr.src, st.expr.ast.s, `'${text}' is a condition, but '${st.target}' is a number`);
    return undefined;
  }
  const scaling = st.op === '*=' || st.op === '/=';
  const want = scaling ? DIMENSIONLESS : dim;
  if (!dimEq(t.dim, want) && !t.zero) {
    a.issues.at(st.expr.src, st.expr.ast.s, `'${st.target} ${st.op} ${text}': '${text}' has unit ${describeDim(t.dim)}, expected ${describeDim(want)}${scaling ? '' : ` (the unit of ${st.target})`}`);
    return undefined;
  }
  return { target: st.target, op: st.op, expr: t.e, line: st.line };
}

function checkRefractory(a: Analyzer, ref: string | number | undefined): RefractoryDef {
  if (ref === undefined) return { kind: 'none' };
  if (typeof ref === 'number') {
    if (!Number.isFinite(ref) || ref < 0) { a.issues.field('refractory', 0, `expected a duration in ms >= 0, got ${ref}`); return { kind: 'none' }; }
    return { kind: 'time', expr: X.num(ref) };
  }
  const p = parseField('refractory', ref, a.issues);
  const t = p && a.check(p, p.ast, false);
  if (!p || !t) return { kind: 'none' };
  if (t.bool) return { kind: 'condition', cond: t.e };
  if (!dimEq(t.dim, TIME)) {
    a.issues.at(p.src, p.ast.s, `refractory '${textOf(p, p.ast)}' has unit ${describeDim(t.dim)}: expected a time (e.g. '5*ms') or a condition (e.g. 'v > -40*mV')`);
    return { kind: 'none' };
  }
  const bad = [...X.varNames(t.e)].filter((n) => a.kind(n) !== 'param' && !a.specParams.has(n) && n !== 'dt');
  if (bad.length > 0 || X.hasRandom(t.e)) {
    a.issues.at(p.src, p.ast.s, `refractory '${textOf(p, p.ast)}' must depend on parameters only, but uses ${bad.length ? bad.map((n) => `'${n}'`).join(', ') : 'random numbers'}`);
    return { kind: 'none' };
  }
  return { kind: 'time', expr: t.e };
}

