/**
 * Kernel IR (src/equations/ir.ts) → a JavaScript kernel performing exactly the float32 operations
 * of the scalar WebAssembly (src/equations/wasm.ts), in the same order: Math.fround around every
 * arithmetic result, constants printed exactly (a float32 value's shortest decimal parses back to
 * itself), the math functions of src/equations/mathf.ts, conditions as booleans, loads of every
 * per-neuron operand at the top of the iteration and of scalar operands before the loop.
 *
 *     type JsKernel = (f32, i32, n, args, spikes) => count
 *
 * f32/i32 are views of the shard's memory, args the byte address of the operands' byte addresses
 * (u32[k], operand order; read once per call, as the WebAssembly kernel does), spikes the byte
 * address of the i32 spike buffer; returns how many neuron indices it appended.
 *
 * Two ways to build one:
 *   - generated source through `new Function` (the source is made only from the IR: generated
 *     identifiers, numbers printed by this file; nothing of the model's text reaches it);
 *   - where `new Function` is refused (a page whose Content-Security-Policy has no
 *     'unsafe-eval': EvalError), a closure-compiled interpreter: each IR node becomes one JS closure
 *     once, with the same float32 operations, hence the same bits. Measured on a CUBA-like LIF
 *     kernel (Node 20, 4096 neurons × 20 steps, test/equations-codegen.test.ts "fallback cost"):
 *     the closures take 19–26× the time of the generated code (~1 ms → ~20 ms), the cost of one
 *     megamorphic closure call per IR node; a correct but much slower path, for CSP pages only.
 */
import type { Cond, Expr, KernelIR, Stmt } from './ir.ts';
import { checkKernel } from './codegen-util.ts';
import * as mathf from './mathf.ts';

export type JsKernel = (f32: Float32Array, i32: Int32Array, n: number, args: number, spikes: number) => number;

/** Functions that are calls into mathf (the others are one Math.* operation or a select). */
const MATHF = new Set(['exp', 'expm1', 'exprel', 'log', 'sin', 'cos', 'tanh', 'pow', 'sign']);

/** A float32 value as a JS literal that evaluates to exactly that value. */
function num(v: number): string {
  const f = Math.fround(v);
  if (Object.is(f, -0)) return '(-0)';
  const s = String(f);
  return f < 0 ? `(${s})` : s;
}

/** The body of a function of (f32, i32, n, args, spikes), inside a scope providing `M` (mathf). */
export function emitJsSource(kernel: KernelIR): string {
  const { loads, stores } = checkKernel(kernel);
  const ops = kernel.operands;
  const lines: string[] = ['"use strict";', 'const P = args >>> 2;'];
  const sorted = [...loads].sort((a, b) => a - b);
  for (let j = 0; j < ops.length; j++) {
    if (ops[j].per === 'neuron' && (loads.has(j) || stores.has(j))) lines.push(`const o${j} = i32[P + ${j}] >>> 2;`);
  }
  for (const j of sorted) if (ops[j].per === 'scalar') lines.push(`const v${j} = f32[i32[P + ${j}] >>> 2];`);
  lines.push('const sp = spikes >>> 2;', 'let count = 0;', 'for (let i = 0; i < n; i++) {');
  for (const j of sorted) if (ops[j].per === 'neuron') lines.push(`  const v${j} = f32[o${j} + i];`);
  const F = (s: string) => `Math.fround(${s})`;
  const expr = (e: Expr): string => {
    switch (e.op) {
      case 'const': return num(e.value);
      case 'load': return `v${e.operand}`;
      case 'local': return `t${e.id}`;
      case 'add': return F(`${expr(e.a)} + ${expr(e.b)}`);
      case 'sub': return F(`${expr(e.a)} - ${expr(e.b)}`);
      case 'mul': return F(`${expr(e.a)} * ${expr(e.b)}`);
      case 'div': return F(`${expr(e.a)} / ${expr(e.b)}`);
      case 'neg': return `(-${expr(e.a)})`;
      case 'call1':
        if (MATHF.has(e.fn)) return `M_${e.fn}(${expr(e.a)})`;
        return e.fn === 'sqrt' ? F(`Math.sqrt(${expr(e.a)})`) : `Math.${e.fn}(${expr(e.a)})`;
      case 'call2':
        if (MATHF.has(e.fn)) return `M_${e.fn}(${expr(e.a)}, ${expr(e.b)})`;
        return `Math.${e.fn}(${expr(e.a)}, ${expr(e.b)})`;
      case 'select': return `(${cond(e.cond)} ? ${expr(e.a)} : ${expr(e.b)})`;
      case 'bool': return `(${cond(e.cond)} ? 1 : 0)`;
    }
  };
  const CMP = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '===', ne: '!==' } as const;
  const cond = (c: Cond): string => {
    switch (c.op) {
      case 'lt': case 'le': case 'gt': case 'ge': case 'eq': case 'ne':
        return `(${expr(c.a)} ${CMP[c.op]} ${expr(c.b)})`;
      case 'and': return `(${cond(c.a)} && ${cond(c.b)})`;
      case 'or': return `(${cond(c.a)} || ${cond(c.b)})`;
      case 'not': return `(!${cond(c.a)})`;
      case 'clocal': return `c${c.id}`;
      case 'true': return 'true';
      case 'false': return 'false';
    }
  };
  for (const s of kernel.body as Stmt[]) {
    switch (s.op) {
      case 'let': lines.push(`  const t${s.id} = ${expr(s.value)};`); break;
      case 'letc': lines.push(`  const c${s.id} = ${cond(s.cond)};`); break;
      case 'store': lines.push(`  f32[o${s.operand} + i] = ${expr(s.value)};`); break;
      case 'spike': lines.push(`  if (${cond(s.cond)}) i32[sp + count++] = i;`); break;
    }
  }
  lines.push('}', 'return count;');
  return lines.join('\n');
}

type FunctionFactory = (...args: string[]) => (...a: unknown[]) => unknown;

const defaultFactory: FunctionFactory = (...args) => new Function(...args) as (...a: unknown[]) => unknown;
let factory: FunctionFactory = defaultFactory;
let kind: 'generated' | 'closures' | 'untried' = 'untried';

/** Which kind of kernel compileJsKernel makes in this environment ('untried' before the first). */
export function jsKernelKind(): 'generated' | 'closures' | 'untried' {
  return kind;
}

/**
 * For tests only: replace the `new Function` factory (e.g. by one that throws EvalError, as under
 * a Content-Security-Policy without 'unsafe-eval'); null restores it. Not part of the user API.
 */
export function __setFunctionFactoryForTests(f: FunctionFactory | null): void {
  factory = f ?? defaultFactory;
  kind = 'untried';
}

/** The generated kernel, or the closure interpreter where `new Function` is refused (EvalError). */
export function compileJsKernel(kernel: KernelIR): JsKernel {
  const src = emitJsSource(kernel);
  if (kind !== 'closures') {
    try {
      const names = [...MATHF].map((fn) => `M_${fn}`);
      const make = factory(...names, `return function (f32, i32, n, args, spikes) {\n${src}\n};`);
      const fn = make(...[...MATHF].map((m) => (mathf as Record<string, unknown>)[m])) as JsKernel;
      kind = 'generated';
      return fn;
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      kind = 'closures';
    }
  }
  return compileJsClosures(kernel);
}

type Num = () => number;
type Bool = () => boolean;

const fr = Math.fround;

/**
 * The same kernel as a tree of closures (no code generation at run time): every IR node becomes
 * one closure, built once; values live in a Float64Array of slots (operands, then temporaries).
 */
export function compileJsClosures(kernel: KernelIR): JsKernel {
  const { loads } = checkKernel(kernel);
  const ops = kernel.operands;
  const nOps = ops.length;
  const slot = new Map<number, number>();
  for (const s of kernel.body) if (s.op === 'let' || s.op === 'letc') slot.set(s.id, nOps + slot.size);
  const vals = new Float64Array(nOps + slot.size);
  const bools: boolean[] = new Array(nOps + slot.size).fill(false);
  const offs = new Int32Array(nOps);
  // state of the current call, shared by the closures
  let F32: Float32Array = new Float32Array(0);
  let I32: Int32Array = new Int32Array(0);
  let I = 0;
  let sp = 0;
  let count = 0;

  const bin = (op: 'add' | 'sub' | 'mul' | 'div', a: Num, b: Num): Num => {
    switch (op) {
      case 'add': return () => fr(a() + b());
      case 'sub': return () => fr(a() - b());
      case 'mul': return () => fr(a() * b());
      case 'div': return () => fr(a() / b());
    }
  };
  const expr = (e: Expr): Num => {
    switch (e.op) {
      case 'const': { const v = Math.fround(e.value); return () => v; }
      case 'load': { const j = e.operand; return () => vals[j]; }
      case 'local': { const j = slot.get(e.id)!; return () => vals[j]; }
      case 'add': case 'sub': case 'mul': case 'div': return bin(e.op, expr(e.a), expr(e.b));
      case 'neg': { const a = expr(e.a); return () => -a(); }
      case 'call1': {
        const a = expr(e.a);
        switch (e.fn) {
          case 'sqrt': return () => fr(Math.sqrt(a()));
          case 'abs': return () => Math.abs(a());
          case 'floor': return () => Math.floor(a());
          case 'ceil': return () => Math.ceil(a());
          case 'trunc': return () => Math.trunc(a());
          default: { const f = mathf[e.fn]; return () => f(a()); }
        }
      }
      case 'call2': {
        const a = expr(e.a), b = expr(e.b);
        switch (e.fn) {
          case 'min': return () => Math.min(a(), b());
          case 'max': return () => Math.max(a(), b());
          case 'pow': return () => mathf.pow(a(), b());
        }
      }
      case 'select': { const c = cond(e.cond), a = expr(e.a), b = expr(e.b); return () => (c() ? a() : b()); }
      case 'bool': { const c = cond(e.cond); return () => (c() ? 1 : 0); }
    }
  };
  const cond = (c: Cond): Bool => {
    switch (c.op) {
      case 'lt': { const a = expr(c.a), b = expr(c.b); return () => a() < b(); }
      case 'le': { const a = expr(c.a), b = expr(c.b); return () => a() <= b(); }
      case 'gt': { const a = expr(c.a), b = expr(c.b); return () => a() > b(); }
      case 'ge': { const a = expr(c.a), b = expr(c.b); return () => a() >= b(); }
      case 'eq': { const a = expr(c.a), b = expr(c.b); return () => a() === b(); }
      case 'ne': { const a = expr(c.a), b = expr(c.b); return () => a() !== b(); }
      case 'and': { const a = cond(c.a), b = cond(c.b); return () => a() && b(); }
      case 'or': { const a = cond(c.a), b = cond(c.b); return () => a() || b(); }
      case 'not': { const a = cond(c.a); return () => !a(); }
      case 'clocal': { const j = slot.get(c.id)!; return () => bools[j]; }
      case 'true': return () => true;
      case 'false': return () => false;
    }
  };
  const stmts = (kernel.body as Stmt[]).map((s): (() => void) => {
    switch (s.op) {
      case 'let': { const j = slot.get(s.id)!, v = expr(s.value); return () => { vals[j] = v(); }; }
      case 'letc': { const j = slot.get(s.id)!, c = cond(s.cond); return () => { bools[j] = c(); }; }
      case 'store': { const j = s.operand, v = expr(s.value); return () => { F32[offs[j] + I] = v(); }; }
      case 'spike': { const c = cond(s.cond); return () => { if (c()) I32[sp + count++] = I; }; }
    }
  });
  const perLoads = Int32Array.from([...loads].filter((j) => ops[j].per === 'neuron'));
  const scalarLoads = Int32Array.from([...loads].filter((j) => ops[j].per === 'scalar'));
  const nStmts = stmts.length, nPer = perLoads.length;
  return (f32, i32, n, args, spikes) => {
    F32 = f32;
    I32 = i32;
    for (let j = 0; j < nOps; j++) offs[j] = i32[(args >>> 2) + j] >>> 2;
    for (let p = 0; p < scalarLoads.length; p++) vals[scalarLoads[p]] = f32[offs[scalarLoads[p]]];
    sp = spikes >>> 2;
    count = 0;
    for (I = 0; I < n; I++) {
      for (let p = 0; p < nPer; p++) { const j = perLoads[p]; vals[j] = f32[offs[j] + I]; }
      for (let s = 0; s < nStmts; s++) stmts[s]();
    }
    return count;
  };
}
