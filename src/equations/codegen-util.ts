/**
 * What the WebAssembly and JavaScript generators share: the check of a kernel's IR (operand
 * indices, temporaries defined before use, stores to per-neuron operands only, at most one spike
 * statement), identifier sanitising, the set of operands a kernel loads, and a canonical text of
 * the IR (constants by their float32 bits) for caches.
 */
import type { Cond, Expr, KernelIR, MathFn1, MathFn2, Stmt } from './ir.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `s` as an identifier /^[A-Za-z_][A-Za-z0-9_]*$/ (other characters become '_'), or `fallback`. */
export function sanitizeName(s: string, fallback: string): string {
  const t = s.replace(/[^A-Za-z0-9_]/g, '_');
  if (t === '') return fallback;
  return IDENT.test(t) ? t : `_${t}`;
}

const FN1 = new Set<string>(['exp', 'log', 'expm1', 'exprel', 'sin', 'cos', 'tanh', 'sqrt', 'abs', 'floor', 'ceil', 'trunc', 'sign']);
const FN2 = new Set<string>(['pow', 'min', 'max']);

/** What a kernel uses: the operands it loads and those it stores to, the functions it calls. Throws on malformed IR. */
export interface KernelUse {
  loads: Set<number>;
  stores: Set<number>;
  fns: Set<MathFn1 | MathFn2>;
}

export function checkKernel(k: KernelIR): KernelUse {
  const where = `kernel '${k.name}'`;
  const loads = new Set<number>();
  const stores = new Set<number>();
  const fns = new Set<MathFn1 | MathFn2>();
  const floats = new Set<number>();
  const bools = new Set<number>();
  let spikes = 0;
  const fail = (msg: string): never => { throw new Error(`${where}: ${msg}`); };
  const operand = (o: number): void => {
    if (!Number.isInteger(o) || o < 0 || o >= k.operands.length) fail(`operand ${o} does not exist`);
  };
  const expr = (e: Expr): void => {
    switch (e.op) {
      case 'const': if (typeof e.value !== 'number') fail('constant is not a number'); return;
      case 'load': operand(e.operand); loads.add(e.operand); return;
      case 'local': if (!floats.has(e.id)) fail(`temporary ${e.id} used before its let`); return;
      case 'add': case 'sub': case 'mul': case 'div': expr(e.a); expr(e.b); return;
      case 'neg': expr(e.a); return;
      case 'call1': if (!FN1.has(e.fn)) fail(`unknown function ${e.fn}`); fns.add(e.fn); expr(e.a); return;
      case 'call2': if (!FN2.has(e.fn)) fail(`unknown function ${e.fn}`); fns.add(e.fn); expr(e.a); expr(e.b); return;
      case 'select': cond(e.cond); expr(e.a); expr(e.b); return;
      case 'bool': cond(e.cond); return;
      default: fail(`unknown expression ${(e as { op: string }).op}`);
    }
  };
  const cond = (c: Cond): void => {
    switch (c.op) {
      case 'lt': case 'le': case 'gt': case 'ge': case 'eq': case 'ne': expr(c.a); expr(c.b); return;
      case 'and': case 'or': cond(c.a); cond(c.b); return;
      case 'not': cond(c.a); return;
      case 'clocal': if (!bools.has(c.id)) fail(`condition ${c.id} used before its letc`); return;
      case 'true': case 'false': return;
      default: fail(`unknown condition ${(c as { op: string }).op}`);
    }
  };
  const defined = (id: number): void => {
    if (floats.has(id) || bools.has(id)) fail(`temporary ${id} defined twice`);
  };
  for (const s of k.body as Stmt[]) {
    switch (s.op) {
      case 'let': expr(s.value); defined(s.id); floats.add(s.id); break;
      case 'letc': cond(s.cond); defined(s.id); bools.add(s.id); break;
      case 'store':
        operand(s.operand);
        if (k.operands[s.operand].per !== 'neuron') fail(`store to scalar operand '${k.operands[s.operand].name}'`);
        if (!k.operands[s.operand].write) fail(`store to operand '${k.operands[s.operand].name}', which is not marked write`);
        stores.add(s.operand);
        expr(s.value);
        break;
      case 'spike': if (++spikes > 1) fail('more than one spike statement'); cond(s.cond); break;
      default: fail(`unknown statement ${(s as { op: string }).op}`);
    }
  }
  return { loads, stores, fns };
}

const bitsView = new DataView(new ArrayBuffer(4));

/** A float32 constant as 8 hex digits of its bit pattern (NaN canonical). */
export function constBits(v: number): string {
  const f = Math.fround(v);
  if (f !== f) return '7fc00000';
  bitsView.setFloat32(0, f);
  return bitsView.getUint32(0).toString(16).padStart(8, '0');
}

function exprText(e: Expr): string {
  switch (e.op) {
    case 'const': return `#${constBits(e.value)}`;
    case 'load': return `@${e.operand}`;
    case 'local': return `$${e.id}`;
    case 'neg': return `(neg ${exprText(e.a)})`;
    case 'call1': return `(${e.fn} ${exprText(e.a)})`;
    case 'call2': return `(${e.fn} ${exprText(e.a)} ${exprText(e.b)})`;
    case 'select': return `(? ${condText(e.cond)} ${exprText(e.a)} ${exprText(e.b)})`;
    case 'bool': return `(bool ${condText(e.cond)})`;
    default: return `(${e.op} ${exprText(e.a)} ${exprText(e.b)})`;
  }
}

function condText(c: Cond): string {
  switch (c.op) {
    case 'and': case 'or': return `(${c.op} ${condText(c.a)} ${condText(c.b)})`;
    case 'not': return `(not ${condText(c.a)})`;
    case 'clocal': return `$${c.id}`;
    case 'true': case 'false': return c.op;
    default: return `(${c.op} ${exprText(c.a)} ${exprText(c.b)})`;
  }
}

/** A canonical text of the kernels (names, operands, statements): equal texts, equal code. */
export function canonicalText(kernels: readonly KernelIR[]): string {
  return kernels.map((k) => {
    const ops = k.operands.map((o) => `${o.per === 'neuron' ? 'n' : 's'}${o.write ? 'w' : ''}:${JSON.stringify(o.name)}`).join(',');
    const body = k.body.map((s) => {
      switch (s.op) {
        case 'let': return `let ${s.id} ${exprText(s.value)}`;
        case 'letc': return `letc ${s.id} ${condText(s.cond)}`;
        case 'store': return `store ${s.operand} ${exprText(s.value)}`;
        case 'spike': return `spike ${condText(s.cond)}`;
      }
    }).join(';');
    return `${JSON.stringify(k.name)}[${ops}]{${body}}`;
  }).join('\n');
}
