/**
 * Counter-based random numbers, shared by every backend (must match assembly/rng.ts).
 *
 * A random number is a pure function of (seed, stream, index, counter):
 *   key  = rngKey(seed, stream, index)        -- once per target neuron, per step, ...
 *   u32  = rngU32(key, counter)               -- the counter-th draw of that key
 * Only 32-bit integer operations (Math.imul, xor, shifts) are used, so the TypeScript and the
 * AssemblyScript versions give the same bits. The mixing function is Chris Wellons'
 * "lowbias32" (hash-prospector), a bijection on 32-bit integers with low avalanche bias.
 *
 * Derived floats:
 *   uniform01(u)   = (u >>> 8) * 2^-24   in [0, 1), exactly representable in float32 and float64
 *   uniformOpen(u) = ((u >>> 8) + 1) * 2^-24  in (0, 1]
 *   normal(key, j) = Box–Muller from draws 2j and 2j+1, with log and cos written from basic
 *                    float64 operations (detLog, detCos2Pi), so that a WASM kernel can reproduce it.
 */

/** lowbias32: x ^= x>>16; x *= 0x7feb352d; x ^= x>>15; x *= 0x846ca68b; x ^= x>>16 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Key of one random stream: seed, stream id (e.g. projection or population), index (target neuron, step). */
export function rngKey(seed: number, stream: number, index: number): number {
  let h = mix32((seed ^ 0x6a09e667) >>> 0);
  h = mix32((h ^ stream) >>> 0);
  h = mix32((h + index) >>> 0);
  return h;
}

/** The counter-th 32-bit draw of a key. */
export function rngU32(key: number, counter: number): number {
  const x = mix32((key ^ Math.imul(counter, 0x9e3779b9)) >>> 0);
  return mix32((x ^ ((key << 16) | (key >>> 16))) >>> 0);
}

const TWO_M24 = 5.9604644775390625e-8; // 2^-24

/** [0, 1) with 24 random bits (exact in float32). */
export function uniform01(u: number): number {
  return (u >>> 8) * TWO_M24;
}

/** (0, 1] with 24 random bits. */
export function uniformOpen(u: number): number {
  return ((u >>> 8) + 1) * TWO_M24;
}

/** [0, 1) with 53 random bits from two draws (for host-side sampling in double precision). */
export function uniform53(u1: number, u2: number): number {
  return ((u1 >>> 5) * 67108864 + (u2 >>> 6)) * 1.1102230246251565e-16; // (a*2^26+b) / 2^53
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LN2 = 0.6931471805599453;
const SQRT2 = 1.4142135623730951;

/**
 * Natural logarithm of x > 0 from float64 basic operations only (mirrors assembly/rng.ts detLog).
 * x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716,
 * series to s^23: truncation error below 1e-17 relative. Subnormal inputs are not supported
 * (callers pass values >= 2^-53).
 */
export function detLog(x: number): number {
  F64[0] = x;
  const hi = U32[1];
  let e = ((hi >>> 20) & 0x7ff) - 1023;
  U32[1] = (hi & 0x000fffff) | 0x3ff00000; // mantissa in [1, 2)
  let m = F64[0];
  if (m >= SQRT2) {
    m = m * 0.5;
    e = e + 1;
  }
  const s = (m - 1) / (m + 1);
  const z = s * s;
  // 2 * (s + s^3/3 + ... + s^23/23)
  let p = 1 / 23;
  p = p * z + 1 / 21;
  p = p * z + 1 / 19;
  p = p * z + 1 / 17;
  p = p * z + 1 / 15;
  p = p * z + 1 / 13;
  p = p * z + 1 / 11;
  p = p * z + 1 / 9;
  p = p * z + 1 / 7;
  p = p * z + 1 / 5;
  p = p * z + 1 / 3;
  p = p * z + 1;
  return e * LN2 + 2 * s * p;
}

/** cos(2 pi u) for u in [0, 1), from float64 basic operations (mirrors assembly/rng.ts detCos2Pi). */
export function detCos2Pi(u: number): number {
  // reduce to r in [0, 1/8] and choose the function by octant
  const q = Math.floor(u * 8); // octant 0..7
  let r = u * 8 - q; // [0,1) within octant
  const oct = q & 7;
  // cos(2πu): octants map to ±cos or ±sin of an angle in [0, π/4]
  let useSin = false;
  let sign = 1;
  let a: number;
  switch (oct) {
    case 0: a = r; break; //          cos(x)
    case 1: a = 1 - r; useSin = true; break; // cos(π/4 + x) = sin(π/4 - x)
    case 2: a = r; useSin = true; sign = -1; break; // cos(π/2 + x) = -sin x
    case 3: a = 1 - r; sign = -1; break; // cos(3π/4 + x) = -cos(π/4 - x)
    case 4: a = r; sign = -1; break;
    case 5: a = 1 - r; useSin = true; sign = -1; break;
    case 6: a = r; useSin = true; break; // cos(3π/2 + x) = sin x
    default: a = 1 - r; break; // cos(7π/4 + x) = cos(π/4 - x)
  }
  const x = a * 0.7853981633974483; // a * π/4
  const z = x * x;
  let p: number;
  if (useSin) {
    // x - x^3/3! + ... - x^15/15!
    p = -7.647163731819816e-13;
    p = p * z + 1.6059043836821613e-10;
    p = p * z - 2.505210838544172e-8;
    p = p * z + 2.7557319223985893e-6;
    p = p * z - 1.984126984126984e-4;
    p = p * z + 8.333333333333333e-3;
    p = p * z - 1.6666666666666666e-1;
    p = p * z + 1;
    p = p * x;
  } else {
    // 1 - x^2/2! + ... + x^16/16!
    p = 4.779477332387385e-14;
    p = p * z - 1.1470745597729725e-11;
    p = p * z + 2.08767569878681e-9;
    p = p * z - 2.755731922398589e-7;
    p = p * z + 2.48015873015873e-5;
    p = p * z - 1.388888888888889e-3;
    p = p * z + 4.1666666666666664e-2;
    p = p * z - 0.5;
    p = p * z + 1;
  }
  return sign * p;
}

/** Standard normal draw j of a key (Box–Muller, cosine branch; uses counters 2j and 2j+1). */
export function rngNormal(key: number, j: number): number {
  const u1 = uniform53(rngU32(key, 4 * j), rngU32(key, 4 * j + 1));
  const u2 = uniform01(rngU32(key, 4 * j + 2));
  const r = Math.sqrt(-2 * detLog(1 - u1)); // 1-u1 in (0, 1]
  return r * detCos2Pi(u2);
}

/**
 * Convenience sequential generator over one key (host-side sampling: connectivity, initial values).
 * Draw numbers are consumed in order; the sequence is a pure function of (seed, stream, index).
 */
export class KeyStream {
  key: number;
  ctr = 0;
  constructor(seed: number, stream: number, index: number) {
    this.key = rngKey(seed, stream, index);
  }
  reset(seed: number, stream: number, index: number): void {
    this.key = rngKey(seed, stream, index);
    this.ctr = 0;
  }
  u32(): number {
    return rngU32(this.key, this.ctr++);
  }
  /** [0, 1) with 53 bits */
  uniform(): number {
    const a = rngU32(this.key, this.ctr++);
    const b = rngU32(this.key, this.ctr++);
    return uniform53(a, b);
  }
  /** integer in [0, n) without modulo bias (Lemire's method is avoided to keep 32-bit ops; rejection) */
  below(n: number): number {
    if (n <= 1) return 0;
    if (n <= 0x100000000) {
      // threshold = 2^32 mod n
      const lim = 0x100000000 - (0x100000000 % n);
      for (;;) {
        const u = rngU32(this.key, this.ctr++);
        if (u < lim) return u % n;
      }
    }
    return Math.floor(this.uniform() * n);
  }
  normal(): number {
    const u1 = this.uniform();
    const u2 = uniform01(rngU32(this.key, this.ctr++));
    return Math.sqrt(-2 * detLog(1 - u1)) * detCos2Pi(u2);
  }
}
