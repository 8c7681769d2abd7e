/**
 * Host expressions (model.ts HostExpr): the quantities of a kernel that depend only on
 * parameters, dt, N and i, computed on the host in double precision and rounded to float32 once.
 *
 * 'linear' entries are those of the propagator of a linear system dX/dt = A X + b (exact
 * integration): with the augmented matrix Â = [[A, b], [0, 0]] (order n+1),
 *     e^{Â dt} = [[e^{A dt}, ∫0^dt e^{A s} ds b], [0, 1]],
 * so entry (row, col) with col < n is e^{A dt}[row][col] and col = n is the row of c.
 */
import type { E } from './expr.ts';
import { expm } from './expm.ts';
import type { CompiledModel, HostExpr, LinearSystem } from './model.ts';

const HOST_FNS = new Set(['exp', 'log', 'log10', 'expm1', 'exprel', 'sin', 'cos', 'tanh', 'sqrt', 'abs', 'floor', 'ceil', 'int', 'sign', 'clip', 'min', 'max']);

/** true when `e` can be computed on the host: constants, host names, arithmetic and functions */
export function isHostExpr(e: E, hostVar: (name: string) => boolean): boolean {
  switch (e.k) {
    case 'num': case 'lin': return true;
    case 'var': return hostVar(e.name);
    case 'neg': return isHostExpr(e.a, hostVar);
    case 'bin': return ['+', '-', '*', '/', '**'].includes(e.op) && isHostExpr(e.a, hostVar) && isHostExpr(e.b, hostVar);
    case 'call': return HOST_FNS.has(e.fn) && e.args.every((a) => isHostExpr(a, hostVar));
    default: return false;
  }
}

/** converts a host-computable expression (see isHostExpr) */
export function toHost(e: E): HostExpr {
  switch (e.k) {
    case 'num': return { op: 'const', value: e.v };
    case 'lin': return { op: 'linear', system: e.system, row: e.row, col: e.col };
    case 'var':
      if (e.name === 'dt') return { op: 'dt' };
      if (e.name === 'N') return { op: 'N' };
      if (e.name === 'i') return { op: 'i' };
      return { op: 'param', name: e.name };
    case 'neg': return { op: 'neg', a: toHost(e.a) };
    case 'bin': {
      const ops = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow' } as const;
      return { op: ops[e.op as keyof typeof ops], a: toHost(e.a), b: toHost(e.b) };
    }
    case 'call':
      if (e.fn === 'min' || e.fn === 'max') return { op: e.fn, a: toHost(e.args[0]), b: toHost(e.args[1]) };
      return { op: 'call', fn: e.fn, args: e.args.map(toHost) };
    default: throw new Error(`not a host expression: ${e.k}`);
  }
}

function callHost(fn: string, x: number[]): number {
  switch (fn) {
    case 'exp': return Math.exp(x[0]);
    case 'log': return Math.log(x[0]);
    case 'log10': return Math.log10(x[0]);
    case 'expm1': return Math.expm1(x[0]);
    case 'exprel': return x[0] === 0 ? 1 : Math.expm1(x[0]) / x[0];
    case 'sin': return Math.sin(x[0]);
    case 'cos': return Math.cos(x[0]);
    case 'tanh': return Math.tanh(x[0]);
    case 'sqrt': return Math.sqrt(x[0]);
    case 'abs': return Math.abs(x[0]);
    case 'floor': return Math.floor(x[0]);
    case 'ceil': return Math.ceil(x[0]);
    case 'int': case 'trunc': return Math.trunc(x[0]);
    case 'sign': return Math.sign(x[0]);
    case 'clip': return Math.min(Math.max(x[0], x[1]), x[2]);
    default: throw new Error(`unknown host function ${fn}`);
  }
}

export interface HostEnv { dt: number; N: number; params: Record<string, number | ArrayLike<number>> }

/** whether an entry of a linear system differs between neurons (per-neuron parameter values or i) */
function variesByNeuron(e: HostExpr, env: HostEnv): boolean {
  switch (e.op) {
    case 'param': return typeof env.params[e.name] !== 'number';
    case 'i': return true;
    case 'add': case 'sub': case 'mul': case 'div': case 'pow': case 'min': case 'max':
      return variesByNeuron(e.a, env) || variesByNeuron(e.b, env);
    case 'neg': return variesByNeuron(e.a, env);
    case 'call': return e.args.some((a) => variesByNeuron(a, env));
    default: return false;
  }
}

function evalHost(e: HostExpr, env: HostEnv, i: number, linear: (s: number, r: number, c: number, i: number) => number): number {
  const go = (x: HostExpr): number => {
    switch (x.op) {
      case 'const': return x.value;
      case 'param': {
        const p = env.params[x.name];
        if (p === undefined) throw new Error(`parameter '${x.name}' has no value`);
        if (typeof p === 'number') return p;
        if (i < 0) throw new Error(`parameter '${x.name}' has one value per neuron, but the model was compiled with it shared (CompileOptions.perNeuron)`);
        return p[i];
      }
      case 'dt': return env.dt;
      case 'N': return env.N;
      case 'i': return i;
      case 'add': return go(x.a) + go(x.b);
      case 'sub': return go(x.a) - go(x.b);
      case 'mul': return go(x.a) * go(x.b);
      case 'div': return go(x.a) / go(x.b);
      case 'pow': return go(x.a) ** go(x.b);
      case 'min': return Math.min(go(x.a), go(x.b));
      case 'max': return Math.max(go(x.a), go(x.b));
      case 'neg': return -go(x.a);
      case 'call': return callHost(x.fn, x.args.map(go));
      case 'linear': return linear(x.system, x.row, x.col, i);
    }
  };
  return go(e);
}

/** the value of a host expression without propagator entries, for neuron i (-1: the same for all) */
export function evaluateHost(e: HostExpr, env: HostEnv, i = -1): number {
  return evalHost(e, env, i, () => { throw new Error('a propagator entry needs evaluateDerived'); });
}

/** the propagator [[e^{A dt}, c]] (rows of n+1 entries) of a system, for neuron i */
export function propagator(sys: LinearSystem, env: HostEnv, i: number): number[][] {
  const n = sys.vars.length;
  const aug = Array.from({ length: n + 1 }, (_, r) => Array.from({ length: n + 1 }, (__, c) => {
    if (r === n) return 0;
    return evaluateHost(c < n ? sys.A[r][c] : sys.b[r], env, i) * env.dt;
  }));
  return expm(aug).slice(0, n);
}

/**
 * The value of every 'derived' operand (null for the other roles): a number for a scalar operand,
 * a Float32Array of N for a per-neuron one. `env.params` holds kernel values (numbers given by
 * users times QuantityInfo.factor): a number when shared, an array of N when per neuron (a number
 * is also accepted for a per-neuron parameter).
 */
export function evaluateDerived(m: CompiledModel, env: HostEnv): (number | Float32Array | null)[] {
  return derivedValues(m, env, true) as (number | Float32Array | null)[];
}

/** As evaluateDerived, in double precision without rounding (for tests of the methods and diagnostics). */
export function evaluateDerived64(m: CompiledModel, env: HostEnv): (number | Float64Array | null)[] {
  return derivedValues(m, env, false) as (number | Float64Array | null)[];
}

function derivedValues(m: CompiledModel, env: HostEnv, float32: boolean): (number | Float32Array | Float64Array | null)[] {
  const systemPer = m.systems.map((s) => [...s.A.flat(), ...s.b].some((e) => variesByNeuron(e, env)));
  const cache = new Map<string, number[][]>();
  const linear = (s: number, r: number, c: number, i: number): number => {
    const key = systemPer[s] ? `${s}:${i}` : `${s}`;
    let p = cache.get(key);
    if (!p) { p = propagator(m.systems[s], env, i); cache.set(key, p); }
    return p[r][c];
  };
  return m.roles.map((role, k) => {
    if (role.role !== 'derived') return null;
    if (m.kernel.operands[k].per === 'scalar') {
      const x = evalHost(role.expr, env, -1, linear);
      return float32 ? Math.fround(x) : x;
    }
    const out = float32 ? new Float32Array(env.N) : new Float64Array(env.N);
    for (let i = 0; i < env.N; i++) out[i] = evalHost(role.expr, env, i, linear);
    return out;
  });
}
