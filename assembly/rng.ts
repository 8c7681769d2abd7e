// Counter-based random numbers. Must match src/core/rng.ts bit for bit (see its doc comment).

// @ts-ignore: decorator
@inline export function mix32(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x7feb352d;
  x ^= x >>> 15;
  x *= 0x846ca68b;
  x ^= x >>> 16;
  return x;
}

// @ts-ignore: decorator
@inline export function rngKey(seed: u32, stream: u32, index: u32): u32 {
  let h = mix32(seed ^ 0x6a09e667);
  h = mix32(h ^ stream);
  h = mix32(h + index);
  return h;
}

// @ts-ignore: decorator
@inline export function rngU32(key: u32, counter: u32): u32 {
  const x = mix32(key ^ (counter * 0x9e3779b9));
  return mix32(x ^ ((key << 16) | (key >>> 16)));
}

// @ts-ignore: decorator
@inline export function uniform01(u: u32): f64 {
  return <f64>(u >>> 8) * 5.9604644775390625e-8;
}

// @ts-ignore: decorator
@inline export function uniform53(u1: u32, u2: u32): f64 {
  return (<f64>(u1 >>> 5) * 67108864.0 + <f64>(u2 >>> 6)) * 1.1102230246251565e-16;
}

const LN2: f64 = 0.6931471805599453;
const SQRT2: f64 = 1.4142135623730951;

/** log(x), x > 0 normal, from basic float64 operations; mirrors detLog in src/core/rng.ts. */
export function detLog(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  const hi = <u32>(bits >>> 32);
  let e = <i32>((hi >>> 20) & 0x7ff) - 1023;
  let m = reinterpret<f64>((<u64>((hi & 0x000fffff) | 0x3ff00000) << 32) | (bits & 0xffffffff));
  if (m >= SQRT2) {
    m = m * 0.5;
    e = e + 1;
  }
  const s = (m - 1.0) / (m + 1.0);
  const z = s * s;
  let p: f64 = 1.0 / 23.0;
  p = p * z + 1.0 / 21.0;
  p = p * z + 1.0 / 19.0;
  p = p * z + 1.0 / 17.0;
  p = p * z + 1.0 / 15.0;
  p = p * z + 1.0 / 13.0;
  p = p * z + 1.0 / 11.0;
  p = p * z + 1.0 / 9.0;
  p = p * z + 1.0 / 7.0;
  p = p * z + 1.0 / 5.0;
  p = p * z + 1.0 / 3.0;
  p = p * z + 1.0;
  return <f64>e * LN2 + 2.0 * s * p;
}

/** cos(2 pi u), u in [0, 1); mirrors detCos2Pi in src/core/rng.ts. */
export function detCos2Pi(u: f64): f64 {
  const q = Math.floor(u * 8.0);
  const r = u * 8.0 - q;
  const oct = <i32>q & 7;
  let useSin = false;
  let sign: f64 = 1.0;
  let a: f64;
  if (oct == 0) { a = r; }
  else if (oct == 1) { a = 1.0 - r; useSin = true; }
  else if (oct == 2) { a = r; useSin = true; sign = -1.0; }
  else if (oct == 3) { a = 1.0 - r; sign = -1.0; }
  else if (oct == 4) { a = r; sign = -1.0; }
  else if (oct == 5) { a = 1.0 - r; useSin = true; sign = -1.0; }
  else if (oct == 6) { a = r; useSin = true; }
  else { a = 1.0 - r; }
  const x = a * 0.7853981633974483;
  const z = x * x;
  let p: f64;
  if (useSin) {
    p = -7.647163731819816e-13;
    p = p * z + 1.6059043836821613e-10;
    p = p * z - 2.505210838544172e-8;
    p = p * z + 2.7557319223985893e-6;
    p = p * z - 1.984126984126984e-4;
    p = p * z + 8.333333333333333e-3;
    p = p * z - 1.6666666666666666e-1;
    p = p * z + 1.0;
    p = p * x;
  } else {
    p = 4.779477332387385e-14;
    p = p * z - 1.1470745597729725e-11;
    p = p * z + 2.08767569878681e-9;
    p = p * z - 2.755731922398589e-7;
    p = p * z + 2.48015873015873e-5;
    p = p * z - 1.388888888888889e-3;
    p = p * z + 4.1666666666666664e-2;
    p = p * z - 0.5;
    p = p * z + 1.0;
  }
  return sign * p;
}

/** Standard normal draw j of a key; mirrors rngNormal in src/core/rng.ts. */
export function rngNormal(key: u32, j: u32): f64 {
  const u1 = uniform53(rngU32(key, 4 * j), rngU32(key, 4 * j + 1));
  const u2 = uniform01(rngU32(key, 4 * j + 2));
  const r = Math.sqrt(-2.0 * detLog(1.0 - u1));
  return r * detCos2Pi(u2);
}
