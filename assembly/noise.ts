// Gaussian noise current. Mirrored by src/backend/js/noise.ts.

import { mix32x4, rngNormal32, rngU32, zigSlow, ZIG_KN, ZIG_WN } from "./rng";
import { inBounds } from "./util";

/** Lanes 0..3 of a gather: table[idx[lane]] for a 4-byte table at address `table`. */
// @ts-ignore: decorator
@inline function gather4(table: usize, idx: v128): v128 {
  let r = v128.load32_zero(table + (<usize>i32x4.extract_lane(idx, 0) << 2));
  r = v128.load32_lane(table + (<usize>i32x4.extract_lane(idx, 1) << 2), r, 1);
  r = v128.load32_lane(table + (<usize>i32x4.extract_lane(idx, 2) << 2), r, 2);
  return v128.load32_lane(table + (<usize>i32x4.extract_lane(idx, 3) << 2), r, 3);
}

/** Lanes of z whose ziggurat fast path failed (ok lane 0), from zigSlow: neurons j..j+3, draws u. */
function slowLanes(z: v128, ok: v128, u: v128, key: u32, j: u32): v128 {
  if (i32x4.extract_lane(ok, 0) == 0) z = f32x4.replace_lane(z, 0, zigSlow(key, j, i32x4.extract_lane(u, 0)));
  if (i32x4.extract_lane(ok, 1) == 0) z = f32x4.replace_lane(z, 1, zigSlow(key, j + 1, i32x4.extract_lane(u, 1)));
  if (i32x4.extract_lane(ok, 2) == 0) z = f32x4.replace_lane(z, 2, zigSlow(key, j + 2, i32x4.extract_lane(u, 2)));
  if (i32x4.extract_lane(ok, 3) == 0) z = f32x4.replace_lane(z, 3, zigSlow(key, j + 3, i32x4.extract_lane(u, 3)));
  return z;
}

/**
 * Gaussian noise current, one step: for each target i,
 *   z = rngNormal32(key, offset + i)   (float32 ziggurat, assembly/rng.ts = src/core/rng.ts)
 *   t = std*z; t = t + mean; out[i] = out[i] + t      (float32, each operation rounded)
 * key = rngKey(seed, stream, step) is computed by the host; offset is the global index (within the
 * population) of the shard's first neuron, so every shard count draws the same numbers.
 * out: f32[n] (the current ring slot of the target channel).
 * SIMD: eight (then four) neurons per iteration, the hash (rngU32) lane-wise, the table reads as
 * gathers; when a lane misses the ziggurat's fast path, that lane calls zigSlow as the scalar code
 * does, so every lane gets the same bits as the scalar tail and as JS.
 */
export function noise_input(n: i32, key: u32, offset: u32, mean: f32, std: f32, out: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "noise_input: n < 0");
    assert(inBounds(out, <u64>n << 2, 4), "noise_input: out out of bounds or misaligned");
  }
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const kv = i32x4.splat(key);
    const rot = i32x4.splat((key << 16) | (key >>> 16));
    const lo8 = i32x4.splat(255);
    const sd = f32x4.splat(std);
    const mu = f32x4.splat(mean);
    // counters 2j, j = offset + i + lane (mod 2^32, as the scalar code); cg = counter * 0x9e3779b9,
    // advanced by 8 * 0x9e3779b9 per four neurons (the same product mod 2^32)
    let cg = i32x4.mul(i32x4.add(i32x4.splat(offset << 1), i32x4(0, 2, 4, 6)), i32x4.splat(<i32>0x9e3779b9));
    const step = i32x4.splat(<i32>(<u32>0x9e3779b9 << 3));
    // eight neurons per iteration (two independent vectors: the hash is a long dependency chain)
    const n8 = n & ~7;
    for (; i < n8; i += 8) {
      const cb = i32x4.add(cg, step);
      const ua = mix32x4(v128.xor(mix32x4(v128.xor(kv, cg)), rot));
      const ub = mix32x4(v128.xor(mix32x4(v128.xor(kv, cb)), rot));
      cg = i32x4.add(cb, step);
      const la = v128.and(ua, lo8);
      const lb = v128.and(ub, lo8);
      const sa = i32x4.shr_s(ua, 8);
      const sb = i32x4.shr_s(ub, 8);
      const oka = i32x4.lt_s(i32x4.abs(sa), gather4(ZIG_KN, la));
      const okb = i32x4.lt_s(i32x4.abs(sb), gather4(ZIG_KN, lb));
      let za = f32x4.mul(f32x4.convert_i32x4_s(sa), gather4(ZIG_WN, la));
      let zb = f32x4.mul(f32x4.convert_i32x4_s(sb), gather4(ZIG_WN, lb));
      if (!i32x4.all_true(v128.and(oka, okb))) {
        const j = offset + <u32>i;
        za = slowLanes(za, oka, ua, key, j);
        zb = slowLanes(zb, okb, ub, key, j + 4);
      }
      const p = out + (<usize>i << 2);
      v128.store(p, f32x4.add(v128.load(p), f32x4.add(f32x4.mul(sd, za), mu)));
      v128.store(p, f32x4.add(v128.load(p, 16), f32x4.add(f32x4.mul(sd, zb), mu)), 16);
    }
    const n4 = n & ~3;
    for (; i < n4; i += 4) {
      const u = mix32x4(v128.xor(mix32x4(v128.xor(kv, cg)), rot));
      cg = i32x4.add(cg, step);
      const l = v128.and(u, lo8);
      const s = i32x4.shr_s(u, 8);
      const ok = i32x4.lt_s(i32x4.abs(s), gather4(ZIG_KN, l));
      let z = f32x4.mul(f32x4.convert_i32x4_s(s), gather4(ZIG_WN, l));
      if (!i32x4.all_true(ok)) z = slowLanes(z, ok, u, key, offset + <u32>i);
      const p = out + (<usize>i << 2);
      v128.store(p, f32x4.add(v128.load(p), f32x4.add(f32x4.mul(sd, z), mu)));
    }
  }
  for (; i < n; i++) {
    const p = out + (<usize>i << 2);
    let t = rngNormal32(key, offset + <u32>i);
    t = std * t;
    t = t + mean;
    store<f32>(p, load<f32>(p) + t);
  }
}

/**
 * Uniform draws in [0, 1), one per target (the rand() of a model from equations):
 *   out[i] = (rngU32(key, offset + i) >>> 8) * 2^-24      (exact in float32)
 * key = rngKey(seed, stream, step) from the host; offset the global index of the slice's first
 * neuron, so every shard count draws the same numbers. out: f32[n].
 */
export function uniform_fill(n: i32, key: u32, offset: u32, out: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "uniform_fill: n < 0");
    assert(inBounds(out, <u64>n << 2, 4), "uniform_fill: out out of bounds or misaligned");
  }
  for (let i: i32 = 0; i < n; i++) {
    const u = rngU32(key, offset + <u32>i);
    store<f32>(out + (<usize>i << 2), <f32>(u >>> 8) * <f32>5.9604644775390625e-8);
  }
}
