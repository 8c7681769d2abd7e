/**
 * A small WebAssembly binary encoder for the equation code generators (src/equations/wasm.ts and
 * the float32 math of src/equations/mathf-wasm.ts): LEB128 integers, the few sections a kernel
 * module needs (type, import, function, export, code), and a function builder with typed locals.
 *
 * Values are built in SSA style through `Lanes` (below): every operation evaluates its operands
 * (handles that push a value: a local.get or a constant), applies one instruction and stores the
 * result in a fresh local, whose getter it returns. The same algorithm written against `Lanes`
 * gives scalar code (f32 values, i32 integers and conditions 0/1) or f32x4 SIMD code (every value a
 * v128: floats, i32x4 integers and conditions as all-ones/all-zeros lane masks), with the same
 * IEEE operation applied to each lane as the scalar code applies to one value: only lane-wise
 * instructions are used (f32x4.add/sub/mul/div/min/max/sqrt/abs/neg/floor/ceil/trunc,
 * i32x4.trunc_sat_f32x4_s, f32x4.convert_i32x4_s, i32x4.add/sub/shl/shr_s, v128.and/or/not,
 * v128.bitselect, comparisons), never pmin/pmax, relaxed SIMD or fused multiply-add.
 *
 * Opcodes: MVP one byte; saturating truncation 0xfc 0x00; SIMD 0xfd followed by the LEB128 u32
 * opcode of the SIMD proposal (checked against binaryen's encoder).
 */

export const T_I32 = 0x7f;
export const T_F32 = 0x7d;
export const T_V128 = 0x7b;

/** Unsigned LEB128. */
export function u32(out: number[], v: number): void {
  v >>>= 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
export function s32(out: number[], v: number): void {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const cvt = new DataView(new ArrayBuffer(4));

/** Little-endian bytes of the float32 `v` (which must already be a float32 value). */
export function f32bytes(out: number[], v: number): void {
  cvt.setFloat32(0, v, true);
  out.push(cvt.getUint8(0), cvt.getUint8(1), cvt.getUint8(2), cvt.getUint8(3));
}

/** Bit pattern of a float32 value, as an unsigned 32-bit integer. */
export function f32bits(v: number): number {
  cvt.setFloat32(0, v, true);
  return cvt.getUint32(0, true);
}

export function name(out: number[], s: string): void {
  const b = new TextEncoder().encode(s);
  u32(out, b.length);
  for (const x of b) out.push(x);
}

// --- instructions -------------------------------------------------------------------------------

export const OP = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, br_if: 0x0d, select: 0x1b,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, f32_load: 0x2a, i32_store: 0x36, f32_store: 0x38,
  i32_const: 0x41, f32_const: 0x43,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_gt_s: 0x4a, i32_ge_s: 0x4e, i32_ge_u: 0x4f,
  f32_eq: 0x5b, f32_ne: 0x5c, f32_lt: 0x5d, f32_gt: 0x5e, f32_le: 0x5f, f32_ge: 0x60,
  i32_ctz: 0x68, i32_add: 0x6a, i32_sub: 0x6b, i32_and: 0x71, i32_or: 0x72,
  i32_shl: 0x74, i32_shr_s: 0x75,
  f32_abs: 0x8b, f32_neg: 0x8c, f32_ceil: 0x8d, f32_floor: 0x8e, f32_trunc: 0x8f,
  f32_sqrt: 0x91, f32_add: 0x92, f32_sub: 0x93, f32_mul: 0x94, f32_div: 0x95, f32_min: 0x96, f32_max: 0x97,
  f32_convert_i32_s: 0xb2, f32_convert_i32_u: 0xb3, i32_reinterpret_f32: 0xbc, f32_reinterpret_i32: 0xbe,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = {
  v128_load: 0x00, v128_store: 0x0b, v128_const: 0x0c, f32x4_splat: 0x13,
  i32x4_eq: 0x37, i32x4_ne: 0x38,
  f32x4_eq: 0x41, f32x4_ne: 0x42, f32x4_lt: 0x43, f32x4_gt: 0x44, f32x4_le: 0x45, f32x4_ge: 0x46,
  v128_not: 0x4d, v128_and: 0x4e, v128_or: 0x50, v128_bitselect: 0x52,
  f32x4_ceil: 0x67, f32x4_floor: 0x68, f32x4_trunc: 0x69,
  i32x4_bitmask: 0xa4, i32x4_shl: 0xab, i32x4_shr_s: 0xac, i32x4_add: 0xae, i32x4_sub: 0xb1,
  f32x4_abs: 0xe0, f32x4_neg: 0xe1, f32x4_sqrt: 0xe3, f32x4_add: 0xe4, f32x4_sub: 0xe5,
  f32x4_mul: 0xe6, f32x4_div: 0xe7, f32x4_min: 0xe8, f32x4_max: 0xe9,
  i32x4_trunc_sat_f32x4_s: 0xf8, f32x4_convert_i32x4_s: 0xfa,
} as const;

/** One function body under construction: parameters, extra locals, instruction bytes. */
export class Func {
  readonly code: number[] = [];
  private readonly types: number[];
  private readonly nParams: number;

  constructor(params: readonly number[]) {
    this.types = [...params];
    this.nParams = params.length;
  }

  /** A new local of value type `t`; returns its index. */
  local(t: number): number {
    this.types.push(t);
    return this.types.length - 1;
  }

  op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  simd(opcode: number): this {
    this.code.push(0xfd);
    u32(this.code, opcode);
    return this;
  }

  get(i: number): this { this.code.push(OP.local_get); u32(this.code, i); return this; }
  set(i: number): this { this.code.push(OP.local_set); u32(this.code, i); return this; }
  i32(v: number): this { this.code.push(OP.i32_const); s32(this.code, v); return this; }
  f32(v: number): this { this.code.push(OP.f32_const); f32bytes(this.code, v); return this; }
  /** A memory access with alignment exponent `align` (log2 bytes) and a constant byte offset. */
  mem(opcode: number, align: number, offset = 0): this {
    this.code.push(opcode, align);
    u32(this.code, offset);
    return this;
  }
  simdMem(opcode: number): this { this.simd(opcode); this.code.push(4, 0); return this; }

  /** The encoded body: local declarations (runs of one type) and code, with the final `end`. */
  encode(): number[] {
    const runs: [number, number][] = [];
    for (let i = this.nParams; i < this.types.length; i++) {
      const t = this.types[i];
      if (runs.length > 0 && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
      else runs.push([1, t]);
    }
    const body: number[] = [];
    u32(body, runs.length);
    for (const [count, t] of runs) { u32(body, count); body.push(t); }
    for (const b of this.code) body.push(b);
    body.push(OP.end);
    const out: number[] = [];
    u32(out, body.length);
    for (const b of body) out.push(b);
    return out;
  }
}

// --- SSA values over scalar or SIMD lanes ----------------------------------------------------

/** Pushes one value onto the operand stack. */
export type H = () => void;

/**
 * Float, integer and condition operations on one value (scalar) or four lanes (simd). Each method
 * emits the instruction now into a new local and returns its getter; constants are pushed where used.
 */
export class Lanes {
  readonly simd: boolean;
  readonly f: Func;

  constructor(f: Func, simd: boolean) {
    this.f = f;
    this.simd = simd;
  }

  /** Evaluates `h` into a new local now (type: float, int or condition). */
  keep(h: H, kind: 'f' | 'i' | 'c'): H {
    const t = this.simd ? T_V128 : kind === 'f' ? T_F32 : T_I32;
    const l = this.f.local(t);
    h();
    this.f.set(l);
    return () => { this.f.get(l); };
  }

  private un(a: H, sop: number, vop: number, kind: 'f' | 'i' | 'c'): H {
    return this.keep(() => { a(); if (this.simd) this.f.simd(vop); else this.f.op(sop); }, kind);
  }

  private bin(a: H, b: H, sop: number, vop: number, kind: 'f' | 'i' | 'c'): H {
    return this.keep(() => { a(); b(); if (this.simd) this.f.simd(vop); else this.f.op(sop); }, kind);
  }

  /** A float32 constant (v must be a float32 value). */
  c(v: number): H {
    if (!this.simd) return () => { this.f.f32(v); };
    return () => {
      this.f.simd(SIMD.v128_const);
      for (let k = 0; k < 4; k++) f32bytes(this.f.code, v);
    };
  }

  /** An i32 constant. */
  ic(v: number): H {
    if (!this.simd) return () => { this.f.i32(v); };
    const bytes: number[] = [];
    cvt.setInt32(0, v, true);
    for (let k = 0; k < 4; k++) bytes.push(cvt.getUint8(0), cvt.getUint8(1), cvt.getUint8(2), cvt.getUint8(3));
    return () => { this.f.simd(SIMD.v128_const).op(...bytes); };
  }

  add(a: H, b: H): H { return this.bin(a, b, OP.f32_add, SIMD.f32x4_add, 'f'); }
  sub(a: H, b: H): H { return this.bin(a, b, OP.f32_sub, SIMD.f32x4_sub, 'f'); }
  mul(a: H, b: H): H { return this.bin(a, b, OP.f32_mul, SIMD.f32x4_mul, 'f'); }
  div(a: H, b: H): H { return this.bin(a, b, OP.f32_div, SIMD.f32x4_div, 'f'); }
  min(a: H, b: H): H { return this.bin(a, b, OP.f32_min, SIMD.f32x4_min, 'f'); }
  max(a: H, b: H): H { return this.bin(a, b, OP.f32_max, SIMD.f32x4_max, 'f'); }
  abs(a: H): H { return this.un(a, OP.f32_abs, SIMD.f32x4_abs, 'f'); }
  neg(a: H): H { return this.un(a, OP.f32_neg, SIMD.f32x4_neg, 'f'); }
  sqrt(a: H): H { return this.un(a, OP.f32_sqrt, SIMD.f32x4_sqrt, 'f'); }
  floor(a: H): H { return this.un(a, OP.f32_floor, SIMD.f32x4_floor, 'f'); }
  ceil(a: H): H { return this.un(a, OP.f32_ceil, SIMD.f32x4_ceil, 'f'); }
  trunc(a: H): H { return this.un(a, OP.f32_trunc, SIMD.f32x4_trunc, 'f'); }

  lt(a: H, b: H): H { return this.bin(a, b, OP.f32_lt, SIMD.f32x4_lt, 'c'); }
  le(a: H, b: H): H { return this.bin(a, b, OP.f32_le, SIMD.f32x4_le, 'c'); }
  gt(a: H, b: H): H { return this.bin(a, b, OP.f32_gt, SIMD.f32x4_gt, 'c'); }
  ge(a: H, b: H): H { return this.bin(a, b, OP.f32_ge, SIMD.f32x4_ge, 'c'); }
  eq(a: H, b: H): H { return this.bin(a, b, OP.f32_eq, SIMD.f32x4_eq, 'c'); }
  ne(a: H, b: H): H { return this.bin(a, b, OP.f32_ne, SIMD.f32x4_ne, 'c'); }
  and(a: H, b: H): H { return this.bin(a, b, OP.i32_and, SIMD.v128_and, 'c'); }
  or(a: H, b: H): H { return this.bin(a, b, OP.i32_or, SIMD.v128_or, 'c'); }
  not(a: H): H { return this.un(a, OP.i32_eqz, SIMD.v128_not, 'c'); }
  /** A condition that always holds / never holds. */
  bool(v: boolean): H { return this.simd ? this.ic(v ? -1 : 0) : this.ic(v ? 1 : 0); }

  /** c ? a : b (floats). */
  sel(c: H, a: H, b: H): H {
    return this.keep(() => {
      a(); b(); c();
      if (this.simd) this.f.simd(SIMD.v128_bitselect); else this.f.op(OP.select);
    }, 'f');
  }

  /** 1.0 where c holds, else 0.0. */
  toNum(c: H): H {
    if (this.simd) return this.keep(() => { c(); this.c(1)(); this.f.simd(SIMD.v128_and); }, 'f');
    return this.keep(() => { c(); this.f.op(OP.f32_convert_i32_u); }, 'f');
  }

  /** i32 truncation, saturating (NaN -> 0): i32.trunc_sat_f32_s / i32x4.trunc_sat_f32x4_s. */
  toInt(a: H): H {
    if (this.simd) return this.un(a, 0, SIMD.i32x4_trunc_sat_f32x4_s, 'i');
    return this.keep(() => { a(); this.f.op(0xfc, 0x00); }, 'i');
  }
  toFloat(a: H): H { return this.un(a, OP.f32_convert_i32_s, SIMD.f32x4_convert_i32x4_s, 'f'); }
  /** Reinterpretations (no-ops on v128). */
  bits(a: H): H { return this.simd ? a : this.un(a, OP.i32_reinterpret_f32, 0, 'i'); }
  fromBits(a: H): H { return this.simd ? a : this.un(a, OP.f32_reinterpret_i32, 0, 'f'); }
  iadd(a: H, b: H): H { return this.bin(a, b, OP.i32_add, SIMD.i32x4_add, 'i'); }
  isub(a: H, b: H): H { return this.bin(a, b, OP.i32_sub, SIMD.i32x4_sub, 'i'); }
  iand(a: H, b: H): H { return this.bin(a, b, OP.i32_and, SIMD.v128_and, 'i'); }
  ishl(a: H, n: number): H { return this.bin(a, () => { this.f.i32(n); }, OP.i32_shl, SIMD.i32x4_shl, 'i'); }
  ishr(a: H, n: number): H { return this.bin(a, () => { this.f.i32(n); }, OP.i32_shr_s, SIMD.i32x4_shr_s, 'i'); }
  /** The condition a != 0 for an integer. */
  inz(a: H): H { return this.bin(a, this.ic(0), OP.i32_ne, SIMD.i32x4_ne, 'c'); }
}

// --- module -------------------------------------------------------------------------------------

export interface ModuleFunc {
  params: number[];
  results: number[];
  body: Func;
  export: string;
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  u32(out, content.length);
  for (const b of content) out.push(b);
}

/**
 * A module importing `env.memory` (minimum 1 page, no maximum: it accepts any non-shared memory)
 * and defining and exporting `funcs` in order (function index = position).
 */
export function encodeModule(funcs: readonly ModuleFunc[]): Uint8Array {
  const types: string[] = [];
  const typeBytes: number[][] = [];
  const typeOf = funcs.map((fn) => {
    const key = `${fn.params.join(',')}>${fn.results.join(',')}`;
    let i = types.indexOf(key);
    if (i < 0) {
      i = types.length;
      types.push(key);
      const t = [0x60];
      u32(t, fn.params.length);
      t.push(...fn.params);
      u32(t, fn.results.length);
      t.push(...fn.results);
      typeBytes.push(t);
    }
    return i;
  });
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const type: number[] = [];
  u32(type, typeBytes.length);
  for (const t of typeBytes) type.push(...t);
  section(out, 1, type);
  const imp: number[] = [];
  u32(imp, 1);
  name(imp, 'env');
  name(imp, 'memory');
  imp.push(0x02, 0x00, 0x01); // memory, limits without maximum, min 1 page
  section(out, 2, imp);
  const fsec: number[] = [];
  u32(fsec, funcs.length);
  for (const t of typeOf) u32(fsec, t);
  section(out, 3, fsec);
  const exp: number[] = [];
  u32(exp, funcs.length);
  funcs.forEach((fn, i) => { name(exp, fn.export); exp.push(0x00); u32(exp, i); });
  section(out, 7, exp);
  const code: number[] = [];
  u32(code, funcs.length);
  for (const fn of funcs) for (const b of fn.body.encode()) code.push(b);
  section(out, 10, code);
  return Uint8Array.from(out);
}
