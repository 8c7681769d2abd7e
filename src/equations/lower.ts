/**
 * Lowering of symbolic expressions (expr.ts) to the kernel IR (ir.ts).
 *
 *  - A maximal subexpression that depends only on parameters, dt, N, i (and propagator entries)
 *    becomes a 'derived' operand, computed on the host in double (host.ts), so the kernel does
 *    only per-step float32 work: exp(-dt/tau) is one load.
 *  - IR nodes are hash-consed: structurally equal nodes are one object, and a node used more than
 *    once becomes a `let` (or `letc`) temporary, defined before its first use.
 *  - x**k for an integer |k| <= 16 is a product by repeated squaring (x², x⁴, … multiplied in
 *    ascending order), x**0.5 is sqrt(x), other powers call pow.
 *  - Constants are rounded to float32 (Math.fround).
 */
import * as X from './expr.ts';
import type { E } from './expr.ts';
import { isHostExpr, toHost } from './host.ts';
import type { Cond, Expr, KernelIR, MathFn1, Operand, Stmt } from './ir.ts';
import type { HostExpr, OperandRole } from './model.ts';

/** How a name of the symbolic expressions maps to an operand. */
export type Leaf = { role: OperandRole; name: string; per: 'neuron' | 'scalar' };

const CALL1: Record<string, MathFn1> = {
  exp: 'exp', log: 'log', expm1: 'expm1', exprel: 'exprel', sin: 'sin', cos: 'cos', tanh: 'tanh',
  sqrt: 'sqrt', abs: 'abs', floor: 'floor', ceil: 'ceil', int: 'trunc', sign: 'sign',
};

type Node = Expr | Cond;

export class Lowerer {
  readonly operands: Operand[] = [];
  readonly roles: OperandRole[] = [];
  private readonly operandKey = new Map<string, number>();
  private readonly interned = new Map<string, Node>();
  private readonly ids = new Map<Node, number>();
  private readonly memoNum = new Map<E, Expr>();
  private readonly memoCond = new Map<E, Cond>();

  /**
   * @param leaf       the operand of a variable name
   * @param hostVar    whether a name is known on the host (parameters, dt, N, i)
   * @param perNeuronHost whether a host expression differs between neurons
   * @param nameOf     a name for some derived operands (else one is made from the expression)
   */
  constructor(
    private readonly leaf: (name: string) => Leaf,
    private readonly hostVar: (name: string) => boolean,
    private readonly perNeuronHost: (e: HostExpr) => boolean,
    private readonly nameOf: (e: E) => string | undefined,
    private readonly randomDraw: (e: E & ({ k: 'rand' } | { k: 'noise' })) => { draw: number; dist: 'uniform' | 'normal'; name: string },
  ) {}

  /** the operand with this role (created once) */
  operand(key: string, name: string, per: 'neuron' | 'scalar', role: OperandRole): number {
    let k = this.operandKey.get(key);
    if (k === undefined) {
      k = this.operands.length;
      const taken = new Set(this.operands.map((o) => o.name));
      let unique = name;
      for (let n = 2; taken.has(unique); n++) unique = `${name}_${n}`;
      this.operands.push({ name: unique, per, write: false });
      this.roles.push(role);
      this.operandKey.set(key, k);
    }
    return k;
  }

  markWrite(operand: number): void { this.operands[operand].write = true; }

  private intern<T extends Node>(node: T): T {
    const key = JSON.stringify(node, (k, val) => (k !== '' && val && typeof val === 'object' && this.ids.has(val) ? `#${this.ids.get(val)}` : val));
    const hit = this.interned.get(key);
    if (hit) return hit as T;
    this.interned.set(key, node);
    this.ids.set(node, this.ids.size);
    return node;
  }

  private c(value: number): Expr { return this.intern({ op: 'const', value: Math.fround(value) }); }

  private load(l: Leaf, key: string): Expr {
    return this.intern({ op: 'load', operand: this.operand(key, l.name, l.per, l.role) });
  }

  private derived(e: E): Expr {
    const host = toHost(e);
    const per = this.perNeuronHost(host) ? 'neuron' : 'scalar';
    return this.load({ role: { role: 'derived', expr: host }, name: this.nameOf(e) ?? derivedName(e), per }, `derived:${JSON.stringify(host)}`);
  }

  num(e: E): Expr {
    const hit = this.memoNum.get(e);
    if (hit) return hit;
    const r = this.numUncached(e);
    this.memoNum.set(e, r);
    return r;
  }

  private numUncached(e: E): Expr {
    if (e.k === 'num') return this.c(e.v);
    if (e.k === 'lin' || (e.k !== 'var' && isHostExpr(e, this.hostVar))) return this.derived(e);
    const bin = (op: 'add' | 'sub' | 'mul' | 'div', a: Expr, b: Expr): Expr => this.intern({ op, a, b });
    switch (e.k) {
      case 'bool': return this.c(e.v ? 1 : 0);
      case 'var': {
        const l = this.leaf(e.name);
        return l.role.role === 'derived' ? this.derived(e) : this.load(l, `leaf:${e.name}`);
      }
      case 'noise': case 'rand': {
        const r = this.randomDraw(e);
        return this.load({ role: { role: 'random', dist: r.dist, draw: r.draw }, name: r.name, per: 'neuron' }, `random:${r.draw}`);
      }
      case 'neg': return this.intern({ op: 'neg', a: this.num(e.a) });
      case 'not': return this.intern({ op: 'bool', cond: this.cond(e) });
      case 'select': return this.intern({ op: 'select', cond: this.cond(e.c), a: this.num(e.a), b: this.num(e.b) });
      case 'call': return this.call(e.fn, e.args);
      case 'bin':
        switch (e.op) {
          case '+': return bin('add', this.num(e.a), this.num(e.b));
          case '-': return bin('sub', this.num(e.a), this.num(e.b));
          case '*': return bin('mul', this.num(e.a), this.num(e.b));
          case '/': return bin('div', this.num(e.a), this.num(e.b));
          case '**': return this.power(e.a, e.b);
          default: return this.intern({ op: 'bool', cond: this.cond(e) });
        }
    }
  }

  private power(base: E, exp: E): Expr {
    if (exp.k === 'num' && Number.isInteger(exp.v) && Math.abs(exp.v) <= 16) {
      if (exp.v === 0) return this.c(1);
      let k = Math.abs(exp.v);
      let sq = this.num(base);
      let acc: Expr | undefined;
      for (;;) {
        if (k & 1) acc = acc ? this.intern({ op: 'mul', a: acc, b: sq }) : sq;
        k >>= 1;
        if (k === 0) break;
        sq = this.intern({ op: 'mul', a: sq, b: sq });
      }
      return exp.v < 0 ? this.intern({ op: 'div', a: this.c(1), b: acc! }) : acc!;
    }
    if (exp.k === 'num' && exp.v === 0.5) return this.intern({ op: 'call1', fn: 'sqrt', a: this.num(base) });
    return this.intern({ op: 'call2', fn: 'pow', a: this.num(base), b: this.num(exp) });
  }

  private call(fn: string, args: E[]): Expr {
    const a = args.map((x) => this.num(x));
    if (fn === 'log10') return this.intern({ op: 'mul', a: this.intern({ op: 'call1', fn: 'log', a: a[0] }), b: this.c(1 / Math.LN10) });
    if (fn === 'min' || fn === 'max') return this.intern({ op: 'call2', fn, a: a[0], b: a[1] });
    if (fn === 'clip') {
      const lo = this.intern({ op: 'call2', fn: 'max', a: a[0], b: a[1] });
      return this.intern({ op: 'call2', fn: 'min', a: lo, b: a[2] });
    }
    const f = CALL1[fn];
    if (!f) throw new Error(`no kernel function for ${fn}`);
    return this.intern({ op: 'call1', fn: f, a: a[0] });
  }

  cond(e: E): Cond {
    const hit = this.memoCond.get(e);
    if (hit) return hit;
    const r = this.condUncached(e);
    this.memoCond.set(e, r);
    return r;
  }

  private condUncached(e: E): Cond {
    const cmp = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' } as const;
    if (e.k === 'bool') return this.intern({ op: e.v ? 'true' : 'false' });
    if (e.k === 'not') return this.intern({ op: 'not', a: this.cond(e.a) });
    if (e.k === 'bin' && (e.op === 'and' || e.op === 'or')) return this.intern({ op: e.op, a: this.cond(e.a), b: this.cond(e.b) });
    if (e.k === 'bin' && e.op in cmp) return this.intern({ op: cmp[e.op as keyof typeof cmp], a: this.num(e.a), b: this.num(e.b) });
    // a number as a condition (a stored boolean such as not_refractory): true when not 0
    return this.intern({ op: 'ne', a: this.num(e), b: this.c(0) });
  }

  /**
   * The kernel: `roots` are the final values (stores, in order) and the spike condition; every
   * node used more than once becomes a temporary.
   */
  kernel(name: string, stores: { operand: number; value: Expr }[], spike: Cond | undefined): KernelIR {
    const uses = new Map<Node, number>();
    const count = (n: Node): void => {
      const u = (uses.get(n) ?? 0) + 1;
      uses.set(n, u);
      if (u === 1) for (const child of kids(n)) count(child);
    };
    for (const s of stores) count(s.value);
    if (spike) count(spike);
    const body: Stmt[] = [];
    const local = new Map<Node, Node>();
    let nextId = 0;
    const emit = <T extends Node>(n: T): T => {
      const done = local.get(n);
      if (done) return done as T;
      const rebuilt = rebuild(n, emit);
      if ((uses.get(n) ?? 0) > 1 && !trivial(n)) {
        const id = nextId++;
        if (isCond(n)) {
          body.push({ op: 'letc', id, cond: rebuilt as Cond });
          local.set(n, { op: 'clocal', id });
        } else {
          body.push({ op: 'let', id, value: rebuilt as Expr });
          local.set(n, { op: 'local', id });
        }
        return local.get(n) as T;
      }
      local.set(n, rebuilt);
      return rebuilt;
    };
    // every stored value is computed into a temporary first, so that no load follows a store
    const values = stores.map((s) => {
      const value = emit(s.value);
      if (value.op === 'const' || value.op === 'local') return { operand: s.operand, value };
      const id = nextId++;
      body.push({ op: 'let', id, value });
      return { operand: s.operand, value: { op: 'local', id } as Expr };
    });
    const cond = spike && emit(spike);
    if (cond) body.push({ op: 'spike', cond });
    for (const s of values) body.push({ op: 'store', operand: s.operand, value: s.value });
    return { name, operands: this.operands, body };
  }
}

function isCond(n: Node): n is Cond {
  return ['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'and', 'or', 'not', 'clocal', 'true', 'false'].includes(n.op);
}

function trivial(n: Node): boolean {
  return n.op === 'const' || n.op === 'load' || n.op === 'local' || n.op === 'clocal' || n.op === 'true' || n.op === 'false';
}

function kids(n: Node): Node[] {
  switch (n.op) {
    case 'add': case 'sub': case 'mul': case 'div': case 'call2': case 'lt': case 'le': case 'gt': case 'ge': case 'eq': case 'ne': case 'and': case 'or':
      return [n.a, n.b];
    case 'neg': case 'call1': case 'not': return [n.a];
    case 'select': return [n.cond, n.a, n.b];
    case 'bool': return [n.cond];
    default: return [];
  }
}

function rebuild<T extends Node>(n: T, f: <U extends Node>(x: U) => U): T {
  const m = n as Node;
  switch (m.op) {
    case 'add': case 'sub': case 'mul': case 'div': return { ...m, a: f(m.a), b: f(m.b) } as T;
    case 'call2': return { ...m, a: f(m.a), b: f(m.b) } as T;
    case 'lt': case 'le': case 'gt': case 'ge': case 'eq': case 'ne': return { ...m, a: f(m.a), b: f(m.b) } as T;
    case 'and': case 'or': return { ...m, a: f(m.a), b: f(m.b) } as T;
    case 'neg': return { ...m, a: f(m.a) } as T;
    case 'call1': return { ...m, a: f(m.a) } as T;
    case 'not': return { ...m, a: f(m.a) } as T;
    case 'select': return { ...m, cond: f(m.cond), a: f(m.a), b: f(m.b) } as T;
    case 'bool': return { ...m, cond: f(m.cond) } as T;
    default: return n;
  }
}

/** a readable identifier for a derived operand: exp(-dt/tau) -> d_exp_neg_dt_div_tau */
function derivedName(e: E): string {
  if (e.k === 'var') return e.name;
  const text = X.show(e)
    .replace(/\*\*/g, '_pow_').replace(/\*/g, '_mul_').replace(/\//g, '_div_').replace(/\+/g, '_add_')
    .replace(/(^|[^\w.])-/g, '$1neg_').replace(/-/g, '_sub_').replace(/\./g, 'p').replace(/\W+/g, '_')
    .replace(/_+/g, '_').replace(/^_|_$/g, '');
  return `d_${text}`.slice(0, 48);
}
