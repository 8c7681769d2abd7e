/**
 * The algorithms of src/equations/mathf.ts written against `Lanes` (src/equations/wasm-encoder.ts),
 * giving scalar f32 and f32x4 SIMD WebAssembly from one text. Every step mirrors mathf.ts: same
 * constants, same operations, same order, so the three implementations agree to the bit (lane by
 * lane for SIMD: a select is a bitselect on a comparison mask, an integer is an i32x4 lane, 2^k is
 * built as the bits (k + 127) << 23, a truncation to integer is trunc_sat, NaN → 0, in both).
 */
import type { H, Lanes } from './wasm-encoder.ts';
import {
  COS_P, EXP_HI, EXP_LO, EXP_P, EXPM1_HI, EXPM1_LO, FLT_MIN, LN2_HI, LN2_LO, LOG2E, LOG_OFFSET,
  LOG_P, LOG_SQRTH, MAGIC, PIO2, SIN_P, TANH_HI, TANH_TINY, TRIG_KMAX, TRIG_LO_MAX, TWO_OVER_PI,
} from './mathf.ts';
import type { MathFn1, MathFn2 } from './ir.ts';

const EXP_PH = [...EXP_P].reverse();

function horner(L: Lanes, c: readonly number[], x: H): H {
  let p = L.c(c[0]);
  for (let i = 1; i < c.length; i++) p = L.add(L.mul(p, x), L.c(c[i]));
  return p;
}

/** 2^k for an integer k in [−127, 128]. */
function pow2(L: Lanes, k: H): H {
  return L.fromBits(L.ishl(L.iadd(k, L.ic(127)), 23));
}

function expReduce(L: Lanes, xc: H, lo?: H): { kf: H; q: H } {
  const kf = L.sub(L.add(L.mul(xc, L.c(LOG2E)), L.c(MAGIC)), L.c(MAGIC));
  let r = L.sub(L.sub(xc, L.mul(kf, L.c(LN2_HI))), L.mul(kf, L.c(LN2_LO)));
  if (lo !== undefined) r = L.add(r, lo);
  const z = L.mul(r, r);
  return { kf, q: L.add(L.mul(z, horner(L, EXP_PH, r)), r) };
}

function expScale(L: Lanes, kf: H, q: H): H {
  const k = L.toInt(kf);
  const k1 = L.ishr(k, 1);
  return L.mul(L.mul(L.add(L.c(1), q), pow2(L, k1)), pow2(L, L.isub(k, k1)));
}

function exp(L: Lanes, x: H): H {
  const { kf, q } = expReduce(L, L.min(L.max(x, L.c(EXP_LO)), L.c(EXP_HI)));
  return expScale(L, kf, q);
}

function expm1Sum(L: Lanes, x: H): { y: H; scale: H } {
  const { kf, q } = expReduce(L, L.min(L.max(x, L.c(EXPM1_LO)), L.c(EXPM1_HI)));
  const big = L.gt(kf, L.c(64));
  const j = L.toInt(L.sel(big, L.sub(kf, L.c(16)), kf));
  const s = pow2(L, j);
  const scale = L.sel(big, L.c(65536), L.c(1));
  return { y: L.add(L.mul(s, q), L.sub(s, L.c(1))), scale };
}

function expm1(L: Lanes, x: H): H {
  const { y, scale } = expm1Sum(L, x);
  return L.mul(y, scale);
}

function exprel(L: Lanes, x: H): H {
  const { y, scale } = expm1Sum(L, x);
  const r = L.mul(L.div(y, L.min(x, L.c(EXPM1_HI))), scale);
  return L.sel(L.eq(x, L.c(0)), L.c(1), r);
}

function logReduce(L: Lanes, x: H): { f: H; ef: H; y: H } {
  const sub = L.lt(x, L.c(FLT_MIN));
  const xs = L.sel(sub, L.mul(x, L.c(8388608)), x);
  const ix = L.iadd(L.bits(xs), L.ic(LOG_OFFSET));
  const e = L.isub(L.ishr(ix, 23), L.ic(127));
  const m = L.fromBits(L.iadd(L.iand(ix, L.ic(0x007fffff)), L.ic(LOG_SQRTH)));
  const f = L.sub(m, L.c(1));
  const ef = L.add(L.toFloat(e), L.sel(sub, L.c(-23), L.c(0)));
  return { f, ef, y: L.mul(L.mul(horner(L, LOG_P, f), f), L.mul(f, f)) };
}

function logSpecial(L: Lanes, x: H, r: H): H {
  r = L.sel(L.gt(x, L.c(0)), r, L.c(NaN));
  r = L.sel(L.eq(x, L.c(0)), L.c(-Infinity), r);
  return L.sel(L.eq(x, L.c(Infinity)), L.c(Infinity), r);
}

function log(L: Lanes, x: H): H {
  const { f, ef, y: y0 } = logReduce(L, x);
  let y = L.add(y0, L.mul(ef, L.c(LN2_LO)));
  y = L.sub(y, L.mul(L.c(0.5), L.mul(f, f)));
  const r = L.add(L.add(f, y), L.mul(ef, L.c(LN2_HI)));
  return logSpecial(L, x, r);
}

function trig(L: Lanes, x: H, quadrant: number): H {
  let kf = L.sub(L.add(L.mul(x, L.c(TWO_OVER_PI)), L.c(MAGIC)), L.c(MAGIC));
  kf = L.min(L.max(kf, L.c(-TRIG_KMAX)), L.c(TRIG_KMAX));
  let q = L.toInt(kf);
  if (quadrant !== 0) q = L.iadd(q, L.ic(quadrant));
  let a = x;
  for (let i = 0; i < 3; i++) a = L.sub(a, L.mul(kf, L.c(PIO2[i])));
  const b = L.mul(kf, L.c(PIO2[3]));
  const r4 = L.sub(a, b);
  const e4 = L.sub(L.sub(a, r4), b);
  const t = L.add(L.mul(kf, L.c(PIO2[4])), L.mul(kf, L.c(PIO2[5])));
  let r = L.sub(r4, t);
  const e5 = L.sub(L.sub(r4, r), t);
  r = L.min(L.max(r, L.c(-1)), L.c(1));
  const rl = L.min(L.max(L.add(e4, e5), L.c(-TRIG_LO_MAX)), L.c(TRIG_LO_MAX));
  const z = L.mul(r, r);
  const s = L.add(L.add(L.mul(L.mul(horner(L, SIN_P, z), z), r), rl), r);
  const hz = L.mul(L.c(0.5), z);
  const u = L.sub(L.c(1), hz);
  const c = L.add(u, L.sub(L.add(L.sub(L.sub(L.c(1), u), hz), L.mul(L.mul(horner(L, COS_P, z), z), z)), L.mul(r, rl)));
  const v = L.sel(L.inz(L.iand(q, L.ic(1))), c, s);
  const w = L.sel(L.inz(L.iand(q, L.ic(2))), L.neg(v), v);
  return L.sel(L.eq(L.abs(x), L.c(Infinity)), L.c(NaN), w);
}

function tanh(L: Lanes, x: H): H {
  const a = L.abs(x);
  const e = expm1(L, L.mul(L.c(2), L.min(a, L.c(TANH_HI))));
  const v = L.div(e, L.add(e, L.c(2)));
  const r = L.sel(L.lt(x, L.c(0)), L.neg(v), v);
  return L.sel(L.lt(a, L.c(TANH_TINY)), x, r);
}

function prodErr(L: Lanes, a: H, b: H, p: H): H {
  let c = L.mul(L.c(4097), a);
  const ah = L.sub(c, L.sub(c, a)), al = L.sub(a, ah);
  c = L.mul(L.c(4097), b);
  const bh = L.sub(c, L.sub(c, b)), bl = L.sub(b, bh);
  return L.add(L.add(L.add(L.sub(L.mul(ah, bh), p), L.mul(ah, bl)), L.mul(al, bh)), L.mul(al, bl));
}

function pow(L: Lanes, a: H, b: H): H {
  const { f, ef, y } = logReduce(L, a);
  const t = L.sub(y, L.mul(L.c(0.5), L.mul(f, f)));
  const hi = L.mul(ef, L.c(LN2_HI));
  const s = L.add(hi, f);
  const e1 = L.sub(f, L.sub(s, hi));
  const h = logSpecial(L, a, L.add(s, t));
  const e2 = L.sub(t, L.sub(h, s));
  const lo = L.add(L.add(e1, e2), L.mul(ef, L.c(LN2_LO)));
  const ph = L.mul(b, h);
  const pl = L.sel(L.lt(L.abs(ph), L.c(200)), L.add(prodErr(L, b, h, ph), L.mul(b, lo)), L.c(0));
  const { kf, q } = expReduce(L, L.min(L.max(ph, L.c(EXP_LO)), L.c(EXP_HI)), pl);
  let r = expScale(L, kf, q);
  r = L.sel(L.eq(b, L.c(0)), L.c(1), r);
  return L.sel(L.eq(a, L.c(1)), L.c(1), r);
}

/** The functions written as algorithms, inlined where the kernel calls them (the others are single instructions). */
export const HELPERS = ['exp', 'expm1', 'exprel', 'log', 'sin', 'cos', 'tanh', 'pow'] as const;
export type Helper = (typeof HELPERS)[number];

export function isHelper(fn: string): fn is Helper {
  return (HELPERS as readonly string[]).includes(fn);
}

/** The body of helper `fn` applied to `args` (1 or 2 values). */
export function emitHelper(L: Lanes, fn: Helper, args: H[]): H {
  switch (fn) {
    case 'exp': return exp(L, args[0]);
    case 'expm1': return expm1(L, args[0]);
    case 'exprel': return exprel(L, args[0]);
    case 'log': return log(L, args[0]);
    case 'sin': return trig(L, args[0], 0);
    case 'cos': return trig(L, args[0], 1);
    case 'tanh': return tanh(L, args[0]);
    case 'pow': return pow(L, args[0], args[1]);
  }
}

/** A one-instruction function (or a short select chain): sqrt, abs, floor, ceil, trunc, sign, min, max. */
export function emitInline(L: Lanes, fn: Exclude<MathFn1 | MathFn2, Helper>, args: H[]): H {
  const a = args[0];
  switch (fn) {
    case 'sqrt': return L.sqrt(a);
    case 'abs': return L.abs(a);
    case 'floor': return L.floor(a);
    case 'ceil': return L.ceil(a);
    case 'trunc': return L.trunc(a);
    case 'sign': return L.sel(L.gt(a, L.c(0)), L.c(1), L.sel(L.lt(a, L.c(0)), L.c(-1), a));
    case 'min': return L.min(a, args[1]);
    case 'max': return L.max(a, args[1]);
  }
}
