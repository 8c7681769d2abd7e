/**
 * Symbolic expressions after analysis: names resolved, subexpressions inlined (as shared objects:
 * an expression is a DAG), unit names replaced by their kernel values. Integration methods
 * (methods.ts) transform them; compile.ts lowers them to the kernel IR and the host expressions.
 *
 * The builders fold constants and drop neutral terms (x + 0, 1*x, x*0 when x holds no random
 * draw), so that propagators and method formulas stay small.
 */
import type { BinOp } from './parse.ts';

export type E =
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  /** a state variable, parameter, or built-in (t, dt, N, i, lastspike, not_refractory) */
  | { k: 'var'; name: string }
  /** white noise xi / xi_*: s^-1/2 (methods replace it by a normal draw / sqrt(dt)) */
  | { k: 'noise'; name: string }
  /** a rand() / randn() call site */
  | { k: 'rand'; dist: 'uniform' | 'normal'; site: number }
  | { k: 'neg' | 'not'; a: E }
  | { k: 'bin'; op: BinOp; a: E; b: E }
  | { k: 'call'; fn: string; args: E[] }
  | { k: 'select'; c: E; a: E; b: E }
  /** entry (row, col) of the propagator of linear system `system` (methods.ts exact, model.ts HostExpr 'linear') */
  | { k: 'lin'; system: number; row: number; col: number };

export const num = (v: number): E => ({ k: 'num', v });
export const v = (name: string): E => ({ k: 'var', name });
export const ZERO = num(0);
export const ONE = num(1);

const isNum = (e: E, x?: number): e is { k: 'num'; v: number } => e.k === 'num' && (x === undefined || e.v === x);

export function neg(a: E): E {
  if (a.k === 'num') return num(-a.v);
  if (a.k === 'neg') return a.a;
  return { k: 'neg', a };
}

export function add(a: E, b: E): E {
  if (isNum(a) && isNum(b)) return num(a.v + b.v);
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (b.k === 'neg') return sub(a, b.a);
  return { k: 'bin', op: '+', a, b };
}

export function sub(a: E, b: E): E {
  if (isNum(a) && isNum(b)) return num(a.v - b.v);
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  if (b.k === 'neg') return add(a, b.a);
  return { k: 'bin', op: '-', a, b };
}

export function mul(a: E, b: E): E {
  if (isNum(a) && isNum(b)) return num(a.v * b.v);
  if ((isNum(a, 0) && !hasRandom(b)) || (isNum(b, 0) && !hasRandom(a))) return ZERO;
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  return { k: 'bin', op: '*', a, b };
}

export function div(a: E, b: E): E {
  if (isNum(a) && isNum(b) && b.v !== 0) return num(a.v / b.v);
  if (isNum(b, 1)) return a;
  if (isNum(a, 0) && !hasRandom(b)) return ZERO;
  return { k: 'bin', op: '/', a, b };
}

export function bin(op: BinOp, a: E, b: E): E {
  switch (op) {
    case '+': return add(a, b);
    case '-': return sub(a, b);
    case '*': return mul(a, b);
    case '/': return div(a, b);
    case '**':
      if (isNum(a) && isNum(b)) return num(a.v ** b.v);
      if (isNum(b, 1)) return a;
      return { k: 'bin', op, a, b };
    default: return { k: 'bin', op, a, b };
  }
}

/** functions of constants folded at compile time (in double, as the host would) */
const FOLD: Record<string, (x: number) => number> = { sqrt: Math.sqrt, exp: Math.exp, log: Math.log, abs: Math.abs };

export function call(fn: string, args: E[]): E {
  const a = args[0];
  if (args.length === 1 && a.k === 'num' && FOLD[fn]) return num(FOLD[fn](a.v));
  return { k: 'call', fn, args };
}

export function select(c: E, a: E, b: E): E {
  if (c.k === 'bool') return c.v ? a : b;
  // where a is the value, c holds, and where b is, it does not: selects on the same condition
  // inside them take their branch (the same bits: e.g. `unless refractory`'s derivative times
  // not_refractory, 1.0 where the update is kept)
  a = assuming(a, c, true);
  b = assuming(b, c, false);
  if (a === b) return a;
  return { k: 'select', c, a, b };
}

/** `e` with every select on condition `c` (the same node) replaced by its branch for c = `holds`. */
function assuming(e: E, c: E, holds: boolean): E {
  if (!some(e, (x) => x.k === 'select' && x.c === c)) return e;
  return rewrite(e, (x, go) => (x.k === 'select' && x.c === c ? go(holds ? x.a : x.b) : undefined));
}

function children(e: E): E[] {
  switch (e.k) {
    case 'neg': case 'not': return [e.a];
    case 'bin': return [e.a, e.b];
    case 'call': return e.args;
    case 'select': return [e.c, e.a, e.b];
    default: return [];
  }
}

/** true when some node of `e` satisfies `pred` (memoised over the DAG) */
export function some(e: E, pred: (x: E) => boolean): boolean {
  const seen = new Set<E>();
  const stack = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (pred(x)) return true;
    stack.push(...children(x));
  }
  return false;
}

export function hasRandom(e: E): boolean { return some(e, (x) => x.k === 'rand' || x.k === 'noise'); }

export function uses(e: E, name: string): boolean { return some(e, (x) => x.k === 'var' && x.name === name); }

/** the names of all `var` leaves */
export function varNames(e: E): Set<string> {
  const out = new Set<string>();
  some(e, (x) => { if (x.k === 'var') out.add(x.name); return false; });
  return out;
}

const INNER = new Set<E['k']>(['neg', 'not', 'bin', 'call', 'select']);

/** replaces leaves: `f` returns a replacement or undefined to keep the node (memoised over the DAG) */
export function substitute(e: E, f: (leaf: E) => E | undefined): E {
  return rewrite(e, (x) => (INNER.has(x.k) ? undefined : f(x)));
}

/**
 * Rebuilds `e` bottom-up through the simplifying constructors (memoised over the DAG); `f` may
 * replace any node first (it gets `go` to rewrite the parts it keeps), or return undefined.
 */
function rewrite(e: E, f: (x: E, go: (y: E) => E) => E | undefined): E {
  const memo = new Map<E, E>();
  const go = (x: E): E => {
    const hit = memo.get(x);
    if (hit) return hit;
    let r = f(x, go);
    if (r === undefined) {
      switch (x.k) {
        case 'neg': r = neg(go(x.a)); break;
        case 'not': r = { k: 'not', a: go(x.a) }; break;
        case 'bin': r = bin(x.op, go(x.a), go(x.b)); break;
        case 'call': r = call(x.fn, x.args.map(go)); break;
        case 'select': r = select(go(x.c), go(x.a), go(x.b)); break;
        default: r = x;
      }
    }
    memo.set(x, r);
    return r;
  };
  return go(e);
}

/** replaces variables by name */
export function substVars(e: E, map: ReadonlyMap<string, E>): E {
  return substitute(e, (x) => (x.k === 'var' ? map.get(x.name) : undefined));
}

const PREC: Record<string, number> = { or: 1, and: 2, '<': 4, '<=': 4, '>': 4, '>=': 4, '==': 4, '!=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '**': 8 };

/** Python-like text, for messages */
export function show(e: E, outer = 0): string {
  const wrap = (p: number, s: string): string => (p < outer ? `(${s})` : s);
  switch (e.k) {
    case 'num': return e.v < 0 ? wrap(7, String(e.v)) : String(e.v);
    case 'bool': return e.v ? 'True' : 'False';
    case 'var': case 'noise': return e.name;
    case 'rand': return e.dist === 'uniform' ? 'rand()' : 'randn()';
    case 'lin': return `_P${e.system}[${e.row},${e.col}]`;
    case 'neg': return wrap(7, `-${show(e.a, 7)}`);
    case 'not': return wrap(3, `not ${show(e.a, 3)}`);
    case 'bin': {
      const p = PREC[e.op];
      const right = e.op === '**' ? p : p + 1;
      return wrap(p, `${show(e.a, e.op === '**' ? p + 1 : p)} ${e.op} ${show(e.b, right)}`);
    }
    case 'call': return `${e.fn}(${e.args.map((a) => show(a)).join(', ')})`;
    case 'select': return `(${show(e.a)} if ${show(e.c)} else ${show(e.b)})`;
  }
}
