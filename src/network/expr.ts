/**
 * Per-neuron expressions: the value spec `{ "expr": "-65 + 15*r^2" }` over named per-neuron
 * variables that a population declares in `random` (e.g. `"random": { "r": { "dist": "uniform",
 * "low": 0, "high": 1 } }`), so that several parameters of one neuron can share one draw (Izhikevich
 * 2003: c = -65 + 15 r^2 and d = 8 - 6 r^2 with the same r). See docs/model-format.md.
 *
 * A tiny parser, no eval:
 *   expr   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := ('+' | '-') unary | power
 *   power  := atom ('^' unary)?            right-associative; -r^2 = -(r^2), 2^-1 = 0.5
 *   atom   := number | name | '(' expr ')'
 *   number := digits ['.' digits] [('e' | 'E') ['+' | '-'] digits]  (or '.' digits ...)
 *   name   := [A-Za-z_][A-Za-z0-9_]*   (a variable of the population's `random`)
 * The exponent of '^' must be constant (no variables). Values are computed in double precision on
 * the host; an integer power is a product by repeated squaring (so it is the same on every JS
 * engine), any other power Math.pow. The bounds of an expression (what it can give) follow by
 * interval arithmetic from the bounds of its variables; an expression that could divide by zero
 * or take a non-integer power of a negative number is an error.
 */
import type { ValueSpec } from '../core/types.ts';
import { RedrawError, sampleNeuronValues } from './values.ts';
import { ModelError } from './errors.ts';
import type { PV, ValueOpts } from './validate.ts';
import { randomVarStream, MAX_VARS } from './streams.ts';

/** Longest expression accepted (characters) and deepest nesting. */
export const MAX_EXPR_LENGTH = 1000;
export const MAX_EXPR_DEPTH = 64;
/** Variable names: identifiers. */
export const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type ExprNode =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string; pos: number }
  | { k: 'neg'; a: ExprNode }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: ExprNode; b: ExprNode; pos: number };

export class ExprSyntaxError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}

/** True for a value spec of the form { expr: string } (checked further by validation). */
export function isExprSpec(x: unknown): x is { expr: string } {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) && 'expr' in x;
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/** Parse an expression; throws ExprSyntaxError with the position (0-based) of the problem. */
export function parseExpr(src: string): ExprNode {
  if (src.length > MAX_EXPR_LENGTH) throw new ExprSyntaxError(`is longer than ${MAX_EXPR_LENGTH} characters`, MAX_EXPR_LENGTH);
  let pos = 0;
  let depth = 0;
  const at = (p: number) => (p < src.length ? `"${src[p]}" at position ${p}` : 'the end');
  const ws = () => {
    while (pos < src.length && (src[pos] === ' ' || src[pos] === '\t' || src[pos] === '\n' || src[pos] === '\r')) pos++;
  };
  const peek = (): string => {
    ws();
    return pos < src.length ? src[pos] : '';
  };
  const enter = () => {
    if (++depth > MAX_EXPR_DEPTH) throw new ExprSyntaxError(`nests deeper than ${MAX_EXPR_DEPTH} levels`, pos);
  };

  function expr(): ExprNode {
    enter();
    let a = term();
    for (;;) {
      const c = peek();
      if (c !== '+' && c !== '-') break;
      const p = pos++;
      a = { k: 'bin', op: c, a, b: term(), pos: p };
    }
    depth--;
    return a;
  }
  function term(): ExprNode {
    let a = unary();
    for (;;) {
      const c = peek();
      if (c !== '*' && c !== '/') break;
      const p = pos++;
      a = { k: 'bin', op: c, a, b: unary(), pos: p };
    }
    return a;
  }
  function unary(): ExprNode {
    const c = peek();
    if (c === '-' || c === '+') {
      pos++;
      enter();
      const a = unary();
      depth--;
      return c === '-' ? { k: 'neg', a } : a;
    }
    return power();
  }
  function power(): ExprNode {
    const a = atom();
    if (peek() === '^') {
      const p = pos++;
      enter();
      const b = unary();
      depth--;
      return { k: 'bin', op: '^', a, b, pos: p };
    }
    return a;
  }
  function atom(): ExprNode {
    const c = peek();
    if (c === '(') {
      pos++;
      const e = expr();
      if (peek() !== ')') throw new ExprSyntaxError(`expected ")" but found ${at(pos)}`, pos);
      pos++;
      return e;
    }
    if ((c >= '0' && c <= '9') || c === '.') {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(pos));
      if (!m) throw new ExprSyntaxError(`malformed number at position ${pos}`, pos);
      const v = Number(m[0]);
      if (!Number.isFinite(v)) throw new ExprSyntaxError(`the number ${m[0]} at position ${pos} is not finite`, pos);
      pos += m[0].length;
      return { k: 'num', v };
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(pos))!;
      const p = pos;
      pos += m[0].length;
      return { k: 'var', name: m[0], pos: p };
    }
    throw new ExprSyntaxError(
      c === '' ? 'ends where a number, a variable or "(" was expected' : `expected a number, a variable or "(" but found ${at(pos)}`,
      pos,
    );
  }

  const e = expr();
  if (peek() !== '') throw new ExprSyntaxError(`unexpected ${at(pos)}`, pos);
  return e;
}

/** Names of the variables of an expression (in order of first appearance). */
export function exprVariables(e: ExprNode, out: { name: string; pos: number }[] = []): { name: string; pos: number }[] {
  if (e.k === 'var') {
    if (!out.some((x) => x.name === e.name)) out.push({ name: e.name, pos: e.pos });
  } else if (e.k === 'neg') exprVariables(e.a, out);
  else if (e.k === 'bin') {
    exprVariables(e.a, out);
    exprVariables(e.b, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic (shared by bounds and evaluation, so that both agree)
// ---------------------------------------------------------------------------------------------

/** x^k for an integer k, by repeated squaring (deterministic on every engine). */
export function powInt(x: number, k: number): number {
  let e = Math.abs(k);
  let r = 1;
  let b = x;
  while (e > 0) {
    if (e & 1) r *= b;
    e = Math.floor(e / 2);
    if (e > 0) b *= b;
  }
  return k < 0 ? 1 / r : r;
}

function powConst(x: number, p: number): number {
  return Number.isInteger(p) && Math.abs(p) <= 2 ** 30 ? powInt(x, p) : Math.pow(x, p);
}

/** Value of an expression without variables (undefined if it has any). */
function constValue(e: ExprNode): number | undefined {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var':
      return undefined;
    case 'neg': {
      const a = constValue(e.a);
      return a === undefined ? undefined : -a;
    }
    case 'bin': {
      const a = constValue(e.a);
      const b = constValue(e.b);
      if (a === undefined || b === undefined) return undefined;
      return binop(e.op, a, b);
    }
  }
}

function binop(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    default: return powConst(a, b);
  }
}

// ---------------------------------------------------------------------------------------------
// Bounds (interval arithmetic)
// ---------------------------------------------------------------------------------------------

export interface Interval {
  lo: number;
  hi: number;
}

export class ExprDomainError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = 'ExprDomainError';
  }
}

const fmtI = (x: Interval) => `[${x.lo}, ${x.hi}]`;

/** 0 * ±Infinity = 0 for interval ends (the ends are limits of finite values). */
function mulEnd(a: number, b: number): number {
  const p = a * b;
  return p !== p ? 0 : p;
}

function mulI(a: Interval, b: Interval): Interval {
  const p = [mulEnd(a.lo, b.lo), mulEnd(a.lo, b.hi), mulEnd(a.hi, b.lo), mulEnd(a.hi, b.hi)];
  return { lo: Math.min(...p), hi: Math.max(...p) };
}

function powI(a: Interval, p: number, pos: number): Interval {
  if (p === 0) return { lo: 1, hi: 1 };
  if (Number.isInteger(p)) {
    if (p < 0 && a.lo <= 0 && a.hi >= 0)
      throw new ExprDomainError(`raises a value that can be 0 (it ranges over ${fmtI(a)}) to the negative power ${p}`, pos);
    const x = powConst(a.lo, p);
    const y = powConst(a.hi, p);
    if (p % 2 !== 0) return p > 0 ? { lo: x, hi: y } : { lo: y, hi: x }; // odd: monotone (p < 0: decreasing on each side of 0)
    if (a.lo >= 0) return p > 0 ? { lo: x, hi: y } : { lo: y, hi: x };
    if (a.hi <= 0) return p > 0 ? { lo: y, hi: x } : { lo: x, hi: y };
    return { lo: 0, hi: Math.max(x, y) }; // even power, interval around 0 (p > 0 here)
  }
  if (a.lo < 0)
    throw new ExprDomainError(`raises a value that can be negative (it ranges over ${fmtI(a)}) to the non-integer power ${p}`, pos);
  if (p < 0 && a.lo <= 0)
    throw new ExprDomainError(`raises a value that can be 0 (it ranges over ${fmtI(a)}) to the negative power ${p}`, pos);
  const x = Math.pow(a.lo, p);
  const y = Math.pow(a.hi, p);
  return p > 0 ? { lo: x, hi: y } : { lo: y, hi: x };
}

/**
 * Bounds of an expression given the bounds of its variables. Throws ExprDomainError when the
 * expression can divide by zero, raise a negative number to a non-integer power, or has a
 * variable exponent.
 */
export function exprBounds(e: ExprNode, vars: ReadonlyMap<string, Interval>): Interval {
  switch (e.k) {
    case 'num':
      return { lo: e.v, hi: e.v };
    case 'var': {
      const b = vars.get(e.name);
      if (!b) throw new ExprDomainError(`unknown variable "${e.name}"`, e.pos);
      return b;
    }
    case 'neg': {
      const a = exprBounds(e.a, vars);
      return { lo: -a.hi, hi: -a.lo };
    }
    case 'bin': {
      const a = exprBounds(e.a, vars);
      if (e.op === '^') {
        const p = constValue(e.b);
        if (p === undefined) throw new ExprDomainError('the exponent of "^" must be a constant (no variables)', e.pos);
        if (!Number.isFinite(p)) throw new ExprDomainError(`the exponent of "^" is not finite (${p})`, e.pos);
        return powI(a, p, e.pos);
      }
      const b = exprBounds(e.b, vars);
      switch (e.op) {
        case '+':
          return { lo: a.lo + b.lo, hi: a.hi + b.hi };
        case '-':
          return { lo: a.lo - b.hi, hi: a.hi - b.lo };
        case '*':
          return mulI(a, b);
        case '/':
          if (b.lo <= 0 && b.hi >= 0)
            throw new ExprDomainError(`divides by a value that can be 0 (it ranges over ${fmtI(b)})`, e.pos);
          return mulI(a, { lo: 1 / b.hi, hi: 1 / b.lo });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/** Values of a (validated) expression for neurons 0..n-1; vars: name -> one value per neuron. */
export function evalExpr(e: ExprNode, vars: ReadonlyMap<string, ArrayLike<number>>, n: number): Float64Array {
  const r = evalNode(e, vars, n);
  if (typeof r === 'number') return new Float64Array(n).fill(r);
  return r;
}

function evalNode(e: ExprNode, vars: ReadonlyMap<string, ArrayLike<number>>, n: number): number | Float64Array {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var': {
      const a = vars.get(e.name);
      if (!a) throw new Error(`expression: unknown variable "${e.name}"`);
      return Float64Array.from({ length: n }, (_, i) => a[i]);
    }
    case 'neg': {
      const a = evalNode(e.a, vars, n);
      if (typeof a === 'number') return -a;
      for (let i = 0; i < n; i++) a[i] = -a[i];
      return a;
    }
    case 'bin': {
      const a = evalNode(e.a, vars, n);
      const b = evalNode(e.b, vars, n);
      if (typeof a === 'number' && typeof b === 'number') return binop(e.op, a, b);
      const out = typeof a === 'number' ? (b as Float64Array) : a;
      const op = e.op;
      for (let i = 0; i < n; i++) {
        const x = typeof a === 'number' ? a : a[i];
        const y = typeof b === 'number' ? b : b[i];
        out[i] = binop(op, x, y);
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Population variables (`random`) and resolution of expressions for the builder
// ---------------------------------------------------------------------------------------------

/**
 * The population's variables in stream order: sorted by name (so that rewriting a JSON file with
 * another key order draws the same numbers); variable k draws from randomVarStream(pop, k).
 */
export function randomVarNames(random: Record<string, unknown> | undefined): string[] {
  return random ? Object.keys(random).sort() : [];
}

/** At most this many variables per population (their streams are randomVarStream(pop, 0..63)). */
export const MAX_RANDOM_VARS = MAX_VARS;

/**
 * Per-neuron values of the population's `random` variables (validated), drawn with
 * rngKey(seed, randomVarStream(pop, k), neuron).
 */
export function sampleRandomVars(
  random: Record<string, ValueSpec> | undefined, pop: number, seed: number, n: number, path: string,
): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  randomVarNames(random).forEach((name, k) => {
    try {
      out.set(name, sampleNeuronValues(random![name], seed, randomVarStream(pop, k), n));
    } catch (e) {
      if (e instanceof RedrawError) throw new ModelError([{ path: `${path}.${name}`, message: `${e.message} (neuron ${e.index})` }]);
      throw e;
    }
  });
  return out;
}

/**
 * A copy of a population's `params` and `initial` with every { expr } value replaced by its
 * per-neuron values (a Float64Array, i.e. an array spec), evaluated over the population's `random`
 * variables. Other entries are passed through unchanged. Throws ModelError (with the path of the
 * field) when an expression gives a non-finite value for some neuron.
 */
export function resolveNeuronValues(
  ps: { params?: Record<string, unknown>; initial?: Record<string, unknown>; random?: Record<string, ValueSpec> },
  pop: number, seed: number, n: number, path: string, paramsField = 'params',
): { params: Record<string, ValueSpec | undefined>; init: Record<string, ValueSpec | undefined> } {
  const params = { ...(ps.params ?? {}) } as Record<string, ValueSpec | undefined>;
  const init = { ...(ps.initial ?? {}) } as Record<string, ValueSpec | undefined>;
  const has = (o: Record<string, unknown>) => Object.values(o).some(isExprSpec);
  if (!has(params) && !has(init)) return { params, init };
  const vars = sampleRandomVars(ps.random, pop, seed, n, `${path}.random`);
  const resolve = (o: Record<string, ValueSpec | undefined>, where: string) => {
    for (const k of Object.keys(o)) {
      const s = o[k];
      if (!isExprSpec(s)) continue;
      const vals = evalExpr(parseExpr(s.expr), vars, n);
      for (let i = 0; i < n; i++) {
        if (!Number.isFinite(vals[i]))
          throw new ModelError([{ path: `${path}.${where}.${k}.expr`, message: `gives ${vals[i]} for neuron ${i} (${describeVars(vars, i)})` }]);
      }
      o[k] = vals as unknown as number[];
    }
  };
  resolve(params, paramsField);
  resolve(init, 'initial');
  return { params, init };
}

function describeVars(vars: ReadonlyMap<string, ArrayLike<number>>, i: number): string {
  const parts = [...vars].map(([k, v]) => `${k} = ${v[i]}`);
  return parts.length ? parts.join(', ') : 'no variables';
}

// ---------------------------------------------------------------------------------------------
// Validation (called from validate.ts: Checker.value and Checker.population)
// ---------------------------------------------------------------------------------------------

/** What the validation helpers here and in izhikevich.ts use of validate.ts's Checker. */
export interface CheckerLike {
  issues: { path: string; message: string }[];
  dt: number | undefined;
  err(path: string, message: string): void;
  value(x: unknown, path: string, o: ValueOpts): PV | undefined;
  constrain(pv: PV, path: string, ok: (x: number) => boolean, need: string, unit: string, exactConst?: boolean): boolean;
}

/**
 * Check a population's `random` (name -> value spec: a number, an array of one value per neuron
 * or a distribution; no expressions) and return the bounds of every variable, or undefined when
 * the population has none or they are malformed (expressions then report unknown variables).
 */
export function checkRandomVars(
  c: CheckerLike, x: Record<string, unknown> | undefined, path: string, opts: ValueOpts,
): Map<string, Interval> {
  const out = new Map<string, Interval>();
  if (x === undefined) return out;
  const o = x;
  const names = Object.keys(o);
  if (names.length > MAX_RANDOM_VARS) c.err(path, `at most ${MAX_RANDOM_VARS} variables per population, got ${names.length}`);
  for (const name of names.slice(0, MAX_RANDOM_VARS)) {
    const p = `${path}.${name}`;
    if (!VAR_NAME.test(name)) {
      c.err(p, 'a variable name must be an identifier (letters, digits and _, not starting with a digit)');
      continue;
    }
    const spec = o[name];
    if (isExprSpec(spec)) {
      c.err(p, 'must be a number, an array (one value per neuron) or a distribution; a variable cannot be an expression (write the expression where the value is used)');
      continue;
    }
    const pv = c.value(spec, p, { ...opts, vars: undefined });
    if (pv) out.set(name, { lo: pv.lo, hi: pv.hi });
  }
  return out;
}

/** Check a value spec { expr } against the variables of opts.vars (see ValueOpts). */
export function checkExprValue(c: CheckerLike, x: Record<string, unknown>, path: string, o: ValueOpts): PV | undefined {
  const before = c.issues.length;
  if (o.noDist) {
    c.err(path, `expressions are not allowed here: ${o.noDist}`);
    return undefined;
  }
  if (!o.vars) {
    c.err(path, 'expressions are only allowed for per-neuron values (population params and initial state)');
    return undefined;
  }
  const src = x.expr as string;
  const ep = `${path}.expr`;
  let e: ExprNode;
  try {
    e = parseExpr(src);
  } catch (err) {
    if (!(err instanceof ExprSyntaxError)) throw err;
    c.err(ep, `${err.message} in ${JSON.stringify(src)}`);
    return undefined;
  }
  const declared = [...o.vars.keys()];
  for (const v of exprVariables(e)) {
    if (o.vars.has(v.name)) continue;
    c.err(
      ep,
      `unknown variable "${v.name}" at position ${v.pos} in ${JSON.stringify(src)} ` +
        (declared.length
          ? `(variables of ${o.varsOf ?? 'the population'}: ${declared.join(', ')})`
          : `(${o.varsOf ?? 'the population'} declares no variables: add e.g. "random": {"${v.name}": {"dist": "uniform", "low": 0, "high": 1}})`),
    );
  }
  if (c.issues.length !== before) return undefined;
  let b: Interval;
  try {
    b = exprBounds(e, o.vars);
  } catch (err) {
    if (!(err instanceof ExprDomainError)) throw err;
    c.err(ep, `${err.message} (at position ${err.pos} in ${JSON.stringify(src)})`);
    return undefined;
  }
  const bounded = exprVariables(e).every(({ name }) => {
    const v = o.vars!.get(name)!;
    return Number.isFinite(v.lo) && Number.isFinite(v.hi);
  });
  if (bounded && !(Number.isFinite(b.lo) && Number.isFinite(b.hi))) {
    c.err(ep, `overflows: it can give values in [${b.lo}, ${b.hi}] (${JSON.stringify(src)})`);
    return undefined;
  }
  return { kind: 'expr', spec: x as unknown as ValueSpec, lo: b.lo, hi: b.hi };
}
