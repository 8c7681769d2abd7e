/**
 * Kernel IR (src/equations/ir.ts) → a WebAssembly module, generated in the process (no toolchain):
 * the module imports `env.memory` (minimum 1 page, no maximum, so it accepts the shard's memory)
 * and exports one function per kernel under its sanitised name,
 *
 *     kernel(n: i32, args: i32, spikes: i32) -> i32   (the number of spikes appended)
 *
 * with the operands' byte addresses in memory, u32 args[k] (src/equations/ir.ts). One signature for
 * every kernel, so that the step loop calls any of them through the main module's function table
 * (call_indirect, STEP_OP_KERNEL). The addresses are read once per call, before the loop.
 *
 * Scalar module: one loop over i in [0, n). Scalar operands are loaded once before the loop; at the
 * top of each iteration off = 4·i and every per-neuron operand the kernel loads is read from
 * p + off (so every load sees the value from before this neuron's stores); then the statements in
 * order, each IR node one float32 instruction; the math functions of mathf-wasm.ts are inlined
 * (measured on a kernel of four exp/exprel calls, Node 20: inlined is ~10% faster than calls to
 * internal functions in the scalar loop and ~30% faster with SIMD, for ~2.5× the code bytes);
 * `spike` appends i to the buffer when its condition holds.
 *
 * SIMD module: the same statements on four neurons per iteration with v128.load/store and the
 * f32x4 instructions of the same operations (scalar operands splatted, conditions as lane masks,
 * select as v128.bitselect, bool as mask & 1.0); the spike statement takes i32x4.bitmask of the
 * condition and appends i + ctz(m) while m ≠ 0 (m &= m − 1), i.e. the lanes in ascending order.
 * The last n mod 4 neurons run the scalar code. Every instruction is lane-wise the scalar one, so
 * both modules, and the JS kernel of src/equations/js.ts, give the same bits.
 *
 * Memory is read and written directly on every call (nothing cached across calls), so a grown
 * memory just works. Accesses carry the natural alignment hints (f32: 2, v128: 4); the engine's
 * arrays are 16-byte aligned, and WebAssembly accesses are correct at any alignment anyway.
 */
import type { Cond, Expr, KernelIR, MathFn1, MathFn2, Stmt } from './ir.ts';
import { canonicalText, checkKernel, sanitizeName, type KernelUse } from './codegen-util.ts';
import { Func, Lanes, OP, SIMD, T_F32, T_I32, T_V128, encodeModule, type H, type ModuleFunc } from './wasm-encoder.ts';
import { emitHelper, emitInline, isHelper, type Helper } from './mathf-wasm.ts';

export interface WasmOptions {
  /** four neurons per iteration with 128-bit SIMD (plus a scalar tail) */
  simd: boolean;
}

/** The export name of a kernel: its name sanitised to an identifier. */
export function kernelExportName(k: KernelIR, index: number): string {
  return sanitizeName(k.name, `kernel${index}`);
}

interface KernelCtx {
  k: KernelIR;
  /** local of operand j's byte address (read from args before the loop) */
  ptr: Map<number, number>;
  /** n is local 0, args 1, spikes 2 */
  spikesParam: number;
  i: number;
  off: number;
  count: number;
  /** scalar operand j: its f32 local (and v128 splat for SIMD) */
  scalarF: Map<number, number>;
  scalarV: Map<number, number>;
  loads: number[];
}

/** Emits one iteration's statements through `L` (scalar or SIMD), neuron index(es) from ctx.i. */
function emitIteration(L: Lanes, ctx: KernelCtx): void {
  const f = L.f;
  const simd = L.simd;
  const per = new Map<number, H>();
  for (const j of ctx.loads) {
    if (ctx.k.operands[j].per !== 'neuron') continue;
    per.set(j, L.keep(() => {
      f.get(ctx.ptr.get(j)!).get(ctx.off).op(OP.i32_add);
      if (simd) f.simdMem(SIMD.v128_load); else f.mem(OP.f32_load, 2);
    }, 'f'));
  }
  const floats = new Map<number, H>();
  const bools = new Map<number, H>();
  const expr = (e: Expr): H => {
    switch (e.op) {
      case 'const': return L.c(Math.fround(e.value));
      case 'load': {
        const h = per.get(e.operand);
        if (h) return h;
        const l = (simd ? ctx.scalarV : ctx.scalarF).get(e.operand)!;
        return () => { f.get(l); };
      }
      case 'local': return floats.get(e.id)!;
      case 'add': return L.add(expr(e.a), expr(e.b));
      case 'sub': return L.sub(expr(e.a), expr(e.b));
      case 'mul': return L.mul(expr(e.a), expr(e.b));
      case 'div': return L.div(expr(e.a), expr(e.b));
      case 'neg': return L.neg(expr(e.a));
      case 'call1': case 'call2': {
        const args = e.op === 'call1' ? [expr(e.a)] : [expr(e.a), expr(e.b)];
        return isHelper(e.fn) ? emitHelper(L, e.fn, args) : emitInline(L, e.fn as Exclude<MathFn1 | MathFn2, Helper>, args);
      }
      case 'select': {
        const c = cond(e.cond);
        return L.sel(c, expr(e.a), expr(e.b));
      }
      case 'bool': return L.toNum(cond(e.cond));
    }
  };
  const cond = (c: Cond): H => {
    switch (c.op) {
      case 'lt': return L.lt(expr(c.a), expr(c.b));
      case 'le': return L.le(expr(c.a), expr(c.b));
      case 'gt': return L.gt(expr(c.a), expr(c.b));
      case 'ge': return L.ge(expr(c.a), expr(c.b));
      case 'eq': return L.eq(expr(c.a), expr(c.b));
      case 'ne': return L.ne(expr(c.a), expr(c.b));
      case 'and': return L.and(cond(c.a), cond(c.b));
      case 'or': return L.or(cond(c.a), cond(c.b));
      case 'not': return L.not(cond(c.a));
      case 'clocal': return bools.get(c.id)!;
      case 'true': return L.bool(true);
      case 'false': return L.bool(false);
    }
  };
  for (const s of ctx.k.body as Stmt[]) {
    switch (s.op) {
      case 'let': floats.set(s.id, expr(s.value)); break;
      case 'letc': bools.set(s.id, cond(s.cond)); break;
      case 'store': {
        const v = expr(s.value);
        f.get(ctx.ptr.get(s.operand)!).get(ctx.off).op(OP.i32_add);
        v();
        if (simd) f.simdMem(SIMD.v128_store); else f.mem(OP.f32_store, 2);
        break;
      }
      case 'spike': {
        const c = cond(s.cond);
        if (simd) emitSpikesSimd(f, ctx, c);
        else {
          c();
          f.op(OP.if, 0x40);
          spikeAppend(f, ctx, () => { f.get(ctx.i); });
          f.op(OP.end);
        }
        break;
      }
    }
  }
}

/** spikes[count++] = index */
function spikeAppend(f: Func, ctx: KernelCtx, index: () => void): void {
  f.get(ctx.spikesParam).get(ctx.count).i32(2).op(OP.i32_shl, OP.i32_add);
  index();
  f.mem(OP.i32_store, 2);
  f.get(ctx.count).i32(1).op(OP.i32_add).set(ctx.count);
}

/** m = bitmask(c); while (m) { spikes[count++] = i + ctz(m); m &= m − 1 } */
function emitSpikesSimd(f: Func, ctx: KernelCtx, c: H): void {
  const m = f.local(T_I32);
  c();
  f.simd(SIMD.i32x4_bitmask).set(m);
  f.op(OP.block, 0x40, OP.loop, 0x40);
  f.get(m).op(OP.i32_eqz, OP.br_if, 1);
  spikeAppend(f, ctx, () => { f.get(ctx.i).get(m).op(OP.i32_ctz, OP.i32_add); });
  f.get(m).get(m).i32(1).op(OP.i32_sub, OP.i32_and).set(m);
  f.op(OP.br, 0, OP.end, OP.end);
}

/** for (; i < limit; i += step) { off = i << 2; iteration } */
function emitLoop(f: Func, ctx: KernelCtx, limit: number, step: number, iteration: () => void): void {
  f.op(OP.block, 0x40, OP.loop, 0x40);
  f.get(ctx.i).get(limit).op(OP.i32_ge_s, OP.br_if, 1);
  f.get(ctx.i).i32(2).op(OP.i32_shl).set(ctx.off);
  iteration();
  f.get(ctx.i).i32(step).op(OP.i32_add).set(ctx.i);
  f.op(OP.br, 0, OP.end, OP.end);
}

function emitKernel(k: KernelIR, { loads, stores }: KernelUse, simd: boolean): Func {
  const f = new Func([T_I32, T_I32, T_I32]);
  const ctx: KernelCtx = {
    k, ptr: new Map(), spikesParam: 2, i: f.local(T_I32), off: f.local(T_I32), count: f.local(T_I32),
    scalarF: new Map(), scalarV: new Map(), loads: [...loads].sort((a, b) => a - b),
  };
  // the addresses of the per-neuron operands it loads or stores
  for (const j of [...new Set([...loads, ...stores])].sort((a, b) => a - b)) {
    if (k.operands[j].per !== 'neuron') continue;
    const l = f.local(T_I32);
    f.get(1).mem(OP.i32_load, 2, 4 * j).set(l);
    ctx.ptr.set(j, l);
  }
  for (const j of ctx.loads) {
    if (k.operands[j].per !== 'scalar') continue;
    const l = f.local(T_F32);
    f.get(1).mem(OP.i32_load, 2, 4 * j).mem(OP.f32_load, 2).set(l);
    ctx.scalarF.set(j, l);
    if (simd) {
      const v = f.local(T_V128);
      f.get(l).simd(SIMD.f32x4_splat).set(v);
      ctx.scalarV.set(j, v);
    }
  }
  if (simd) {
    const n4 = f.local(T_I32);
    f.get(0).i32(-4).op(OP.i32_and).set(n4);
    const vecL = new Lanes(f, true);
    emitLoop(f, ctx, n4, 4, () => emitIteration(vecL, ctx));
  }
  const scalarL = new Lanes(f, false);
  emitLoop(f, ctx, 0, 1, () => emitIteration(scalarL, ctx));
  f.get(ctx.count);
  return f;
}

/** A complete module with one exported function per kernel (see the header). */
export function emitWasm(kernels: readonly KernelIR[], opts: WasmOptions): Uint8Array {
  const uses = kernels.map(checkKernel);
  const names = kernels.map(kernelExportName);
  if (new Set(names).size !== names.length) throw new Error(`kernel names must be distinct once sanitised: ${names.join(', ')}`);
  const funcs: ModuleFunc[] = kernels.map((k, i) => ({
    params: [T_I32, T_I32, T_I32],
    results: [T_I32],
    body: emitKernel(k, uses[i], opts.simd),
    export: names[i],
  }));
  return encodeModule(funcs);
}

const cache = new Map<string, Promise<WebAssembly.Module>>();

/** emitWasm + WebAssembly.compile, once per process for the same IR and options. */
export function compileKernels(kernels: readonly KernelIR[], opts: WasmOptions): Promise<WebAssembly.Module> {
  const key = `${opts.simd ? 'simd' : 'scalar'}\n${canonicalText(kernels)}`;
  let m = cache.get(key);
  if (!m) {
    m = WebAssembly.compile(emitWasm(kernels, opts) as BufferSource);
    cache.set(key, m);
    m.catch(() => cache.delete(key));
  }
  return m;
}

/** The exported kernel functions of an instance of a module from compileKernels: (n, args, spikes) -> spike count. */
export type WasmKernel = (n: number, args: number, spikes: number) => number;

/** Instantiates `module` on `memory` (asynchronously: browsers refuse large synchronous instantiation) and returns its kernels by export name. */
export async function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<Record<string, WasmKernel>> {
  const inst = await WebAssembly.instantiate(module, { env: { memory } });
  return inst.exports as unknown as Record<string, WasmKernel>;
}
