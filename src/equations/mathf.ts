/**
 * The float32 transcendental functions of the equation kernels, written once as algorithms of
 * IEEE float32 operations (+ − × ÷, min, max, abs, comparisons, selects, i32 truncation and a
 * few integer operations on bit patterns) so that this TypeScript version, the scalar WebAssembly
 * one and the f32x4 SIMD one (src/equations/mathf-wasm.ts, the same steps in the same order) give
 * the same bits. In TS every arithmetic result passes through Math.fround (a double operation on
 * two float32 values rounded once to float32 is the correctly rounded float32 operation); 2^k is
 * read from a table of exact powers of two (the same value WebAssembly builds as (k+127) << 23);
 * log reads the bit pattern through a shared Float32Array/Int32Array. No FMA, no library exp/log.
 *
 *   exp    x clamped to [−104, 100]; k = nearest(x·log2 e) by the 1.5·2^23 trick; Cody–Waite
 *          r = (x − k·C1) − k·C2 (C1 = 0.693359375 exact in 9 bits); e^r − 1 = r + r²·P5(r)
 *          (Cephes expf minimax); result (1 + q)·2^(k>>1)·2^(k−(k>>1)) so subnormal results
 *          round once and overflow gives +Inf; exp(NaN) = NaN, exp(−Inf) = 0.
 *   expm1  same reduction on x clamped to [−30, 95]; 2^j·q + (2^j − 1), j = k (or k − 16 and a
 *          final ×65536 when k > 64, so that 2^j stays finite): exact q for tiny x.
 *   exprel expm1's sum divided by min(x, 95) before the ×65536; exprel(0) = 1, exprel(−Inf) = 0,
 *          exprel(x) = +Inf for x > 88.72 (where e^x overflows float32 even though e^x/x would
 *          not, up to x ≈ 93.2).
 *   log    subnormals scaled by 2^23; x = m·2^e with m in [√½, √2) from the bit pattern (musl's
 *          offset trick); log(1+f) = f − f²/2 + f³·P8(f) (Cephes logf), + e·ln 2 in two parts;
 *          log(0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf.
 *   sin, cos  k = nearest(x·2/π), r = x − k·(π/2) with π/2 split in five 8-bit parts (k·part is
 *          exact for |k| < 2^16, i.e. |x| < 1e5) and a 24-bit sixth; the rounding errors of the
 *          last two subtractions (Fast2Sum) kept as a low part rl, Cephes sinf/cosf polynomials
 *          on [−π/4, π/4] corrected by rl (sin r + rl, cos r − r·rl), quadrant from k & 3.
 *          k is clamped to ±2^30, r to [−1, 1] and rl to ±2^-20: accurate for |x| ≤ 1e5;
 *          beyond, deterministic values in [−1, 1] (meaningless); ±Inf gives NaN.
 *   tanh   e/(e + 2) with e = expm1(2·min(|x|, 9)), the sign of x; x itself for |x| < 2^-12.
 *   pow    exp(b·ln a) with ln a as a pair of floats h + lo and b·(h + lo) as ph + pl (Dekker's
 *          exact product, 12-bit halves), pl added to exp's reduced argument: a few ulp while
 *          |b| is moderate (the pair carries ~28 bits of ln a); pow(a, 0) = 1, pow(1, b) = 1,
 *          a < 0 gives NaN, pow(0, b > 0) = 0, pow(0, b < 0) = +Inf.
 *
 * Accuracy, in ulp of the float32 result against Math.* in double (max over the samples of
 * test/equations-codegen.test.ts, ≥ 100k arguments each, plus a 10^6-sample run; the tests assert
 * the bounds of ACCURACY):
 *   exp    0.96 on [−87, 88.7] (normal results)            expm1  1.41 on [−20, 88.7] and |x| ≤ 1e-3
 *   exprel 1.65 on [−20, 88] and |x| ≤ 1e-3                log    0.77 over all positive floats
 *   sin    0.90, cos 0.84 on |x| ≤ 100π including the float32 neighbours of every kπ/2 there;
 *          1.04 / 1.69 for random |x| ≤ 1e5, 3.6 next to multiples of π/2 up to 1e5
 *   tanh   2.21 on [−10, 10]
 *   pow    1.10 for a ≤ 10, |b| ≤ 5; 3.1 for a ≤ 100, |b| ≤ 30, |b·ln a| ≤ 40; 1.1 for
 *          a ∈ 1 ± 0.005, |b| ≤ 1000
 */

const fr = Math.fround;

/** Bounds (ulp) that the tests assert over the domains above (pow: a ≤ 10, |b| ≤ 5). */
export const ACCURACY = {
  exp: 1.5, expm1: 2, exprel: 2, log: 1, sin: 1.5, cos: 1.5, tanh: 3, pow: 2,
} as const;

// --- constants shared with mathf-wasm.ts (all exact float32 values) --------------------------

export const MAGIC = 12582912; // 1.5·2^23: (t + MAGIC) − MAGIC = nearest(t) for |t| < 2^22
export const LOG2E = fr(1.4426950408889634);
export const LN2_HI = 0.693359375;
export const LN2_LO = fr(-2.12194440e-4);
/** e^r − 1 − r ≈ r²·(E0 + r·(E1 + r·(E2 + r·(E3 + r·(E4 + r·E5))))) on [−ln2/2, ln2/2] (Cephes expf) */
export const EXP_P = [fr(5.0000001201e-1), fr(1.6666665459e-1), fr(4.1665795894e-2),
  fr(8.3334519073e-3), fr(1.3981999507e-3), fr(1.9875691500e-4)];
export const EXP_LO = -104;
export const EXP_HI = 100;
export const EXPM1_LO = -30;
export const EXPM1_HI = 95;

export const FLT_MIN = fr(1.1754943508222875e-38); // 2^-126
export const LOG_OFFSET = 0x3f800000 - 0x3f3504f3; // moves m into [√½, √2)
export const LOG_SQRTH = 0x3f3504f3;
/** log(1+f) − f + f²/2 ≈ f³·P(f), P highest degree first (Cephes logf) */
export const LOG_P = [fr(7.0376836292e-2), fr(-1.1514610310e-1), fr(1.1676998740e-1),
  fr(-1.2420140846e-1), fr(1.4249322787e-1), fr(-1.6668057665e-1), fr(2.0000714765e-1),
  fr(-2.4999993993e-1), fr(3.3333331174e-1)];

export const TWO_OVER_PI = fr(0.6366197723675814);
/** π/2 = Σ parts (8, 8, 8, 8, 8 significant bits, then 24) */
export const PIO2 = [1.5703125, 0.000457763671875, 0.000025987625122070312, 7.543712854385376e-8,
  6.002665031701326e-11, 7.443547731314504e-13];
export const TRIG_KMAX = 1073741824; // 2^30
export const TRIG_LO_MAX = 2 ** -20; // bound of the reduced argument's low part (only reached for |x| > 1e5)
/** sin r ≈ r + r·z·(S1 + z·(S2 + z·S3)), z = r², highest degree first */
export const SIN_P = [fr(-1.9515295891e-4), fr(8.3321608736e-3), fr(-1.6666654611e-1)];
/** cos r ≈ 1 − z/2 + z²·(C1 + z·(C2 + z·C3)), highest degree first */
export const COS_P = [fr(2.443315711809948e-5), fr(-1.388731625493765e-3), fr(4.166664568298827e-2)];
export const TANH_HI = 9;
export const TANH_TINY = 2 ** -12;

// --- helpers ---------------------------------------------------------------------------------

/** P2[k + 127] = 2^k as WebAssembly builds it from the bits (k + 127) << 23 (k = −127 gives 0, 128 gives +Inf). */
const P2 = new Float64Array(256);
for (let k = -127; k <= 128; k++) P2[k + 127] = k === -127 ? 0 : k === 128 ? Infinity : 2 ** k;

const F = new Float32Array(1);
const I = new Int32Array(F.buffer);

/** Horner's scheme in float32, coefficients highest degree first. */
function horner(c: readonly number[], x: number): number {
  let p = c[0];
  for (let i = 1; i < c.length; i++) p = fr(fr(p * x) + c[i]);
  return p;
}

const EXP_PH = [...EXP_P].reverse();

/**
 * nearest(x·log2e) as a float (in redK), and q = e^r − 1 for the reduced r, plus `lo` when given
 * (pow's low part); exp, expm1, exprel and pow share it.
 */
let redK = 0;
function expReduce(xc: number, lo?: number): number {
  const kf = fr(fr(fr(xc * LOG2E) + MAGIC) - MAGIC);
  let r = fr(fr(xc - fr(kf * LN2_HI)) - fr(kf * LN2_LO));
  if (lo !== undefined) r = fr(r + lo);
  const z = fr(r * r);
  redK = kf;
  return fr(fr(z * horner(EXP_PH, r)) + r);
}

/** (1 + q)·2^k, scaled in two steps so that subnormal results round once. */
function expScale(q: number): number {
  const k = redK | 0;
  const k1 = k >> 1;
  return fr(fr(fr(1 + q) * P2[k1 + 127]) * P2[k - k1 + 127]);
}

export function exp(x: number): number {
  return expScale(expReduce(Math.min(Math.max(x, EXP_LO), EXP_HI)));
}

/** 2^j·q + (2^j − 1) and the final scale, for expm1 and exprel. */
let emScale = 1;
function expm1Sum(x: number): number {
  const q = expReduce(Math.min(Math.max(x, EXPM1_LO), EXPM1_HI));
  const kf = redK;
  const big = kf > 64;
  const j = (big ? fr(kf - 16) : kf) | 0;
  const s = P2[j + 127];
  emScale = big ? 65536 : 1;
  return fr(fr(s * q) + fr(s - 1));
}

export function expm1(x: number): number {
  const y = expm1Sum(x);
  return fr(y * emScale);
}

export function exprel(x: number): number {
  const y = expm1Sum(x);
  const r = fr(fr(y / Math.min(x, EXPM1_HI)) * emScale);
  return x === 0 ? 1 : r;
}

/** x = (1 + f)·2^ef with 1 + f in [√½, √2) (f in logF, ef in logE); returns f³·P(f) (log's polynomial). */
let logF = 0;
let logE = 0;
function logReduce(x: number): number {
  const sub = x < FLT_MIN;
  F[0] = sub ? fr(x * 8388608) : x;
  const ix = (I[0] + LOG_OFFSET) | 0;
  const e = (ix >> 23) - 127;
  I[0] = (ix & 0x007fffff) + LOG_SQRTH;
  const f = fr(F[0] - 1);
  logF = f;
  logE = fr(e + (sub ? -23 : 0));
  return fr(fr(horner(LOG_P, f) * f) * fr(f * f));
}

/** log's special values: NaN below 0, −Inf at 0, +Inf at +Inf, else r. */
function logSpecial(x: number, r: number): number {
  r = x > 0 ? r : NaN;
  r = x === 0 ? -Infinity : r;
  return x === Infinity ? Infinity : r;
}

export function log(x: number): number {
  let y = logReduce(x);
  const f = logF, ef = logE;
  y = fr(y + fr(ef * LN2_LO));
  y = fr(y - fr(0.5 * fr(f * f)));
  const r = fr(fr(f + y) + fr(ef * LN2_HI));
  return logSpecial(x, r);
}

function trig(x: number, quadrant: number): number {
  let kf = fr(fr(fr(x * TWO_OVER_PI) + MAGIC) - MAGIC);
  kf = Math.min(Math.max(kf, -TRIG_KMAX), TRIG_KMAX);
  const q = (kf | 0) + quadrant;
  let a = x;
  for (let i = 0; i < 3; i++) a = fr(a - fr(kf * PIO2[i]));
  const b = fr(kf * PIO2[3]);
  const r4 = fr(a - b);
  const e4 = fr(fr(a - r4) - b);
  const t = fr(fr(kf * PIO2[4]) + fr(kf * PIO2[5]));
  let r = fr(r4 - t);
  const e5 = fr(fr(r4 - r) - t);
  r = Math.min(Math.max(r, -1), 1);
  const rl = Math.min(Math.max(fr(e4 + e5), -TRIG_LO_MAX), TRIG_LO_MAX);
  const z = fr(r * r);
  const s = fr(fr(fr(fr(horner(SIN_P, z) * z) * r) + rl) + r);
  const hz = fr(0.5 * z);
  const u = fr(1 - hz);
  const c = fr(u + fr(fr(fr(fr(1 - u) - hz) + fr(fr(horner(COS_P, z) * z) * z)) - fr(r * rl)));
  const v = (q & 1) !== 0 ? c : s;
  const w = (q & 2) !== 0 ? -v : v;
  return Math.abs(x) === Infinity ? NaN : w;
}

export function sin(x: number): number { return trig(x, 0); }
export function cos(x: number): number { return trig(x, 1); }

export function tanh(x: number): number {
  const a = Math.abs(x);
  const e = expm1(fr(2 * Math.min(a, TANH_HI)));
  const v = fr(e / fr(e + 2));
  const r = x < 0 ? -v : v;
  return a < TANH_TINY ? x : r;
}

/** The rounding error of the float32 product p = fr(a·b): a·b − p exactly (Dekker, 12-bit halves). */
function prodErr(a: number, b: number, p: number): number {
  let c = fr(4097 * a);
  const ah = fr(c - fr(c - a)), al = fr(a - ah);
  c = fr(4097 * b);
  const bh = fr(c - fr(c - b)), bl = fr(b - bh);
  return fr(fr(fr(fr(fr(ah * bh) - p) + fr(ah * bl)) + fr(al * bh)) + fr(al * bl));
}

/**
 * a^b = exp(b·ln a) with ln a as a float32 pair h + lo (Fast2Sum of e·C1 + f + poly) and the
 * product b·(h + lo) as ph + pl (Dekker), pl added to exp's reduced argument.
 */
export function pow(a: number, b: number): number {
  const t = fr(logReduce(a) - fr(0.5 * fr(logF * logF)));
  const f = logF, ef = logE;
  const hi = fr(ef * LN2_HI);
  const s = fr(hi + f);
  const e1 = fr(f - fr(s - hi));
  const h = logSpecial(a, fr(s + t));
  const e2 = fr(t - fr(h - s));
  const lo = fr(fr(e1 + e2) + fr(ef * LN2_LO));
  const ph = fr(b * h);
  const pl = Math.abs(ph) < 200 ? fr(prodErr(b, h, ph) + fr(b * lo)) : 0;
  let y = expScale(expReduce(Math.min(Math.max(ph, EXP_LO), EXP_HI), pl));
  y = b === 0 ? 1 : y;
  return a === 1 ? 1 : y;
}

export function sqrt(x: number): number { return fr(Math.sqrt(x)); }
export function abs(x: number): number { return Math.abs(x); }
export function floor(x: number): number { return Math.floor(x); }
export function ceil(x: number): number { return Math.ceil(x); }
export function trunc(x: number): number { return Math.trunc(x); }
/** −1, +1, or x itself for ±0 and NaN. */
export function sign(x: number): number { return x > 0 ? 1 : x < 0 ? -1 : x; }
/** WebAssembly f32.min/f32.max semantics (NaN if either is NaN, −0 < +0): those of Math.min/max. */
export function min(a: number, b: number): number { return Math.min(a, b); }
export function max(a: number, b: number): number { return Math.max(a, b); }
