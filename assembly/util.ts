// Utility kernels (non-finite scan, RNG cross-checks) and debug-build helpers.
// Mirrored function for function by src/backend/js/util.ts.

import { WASM_ARENA_BASE } from "./layout";
import { rngKey, rngU32, rngNormal } from "./rng";

/**
 * Debug-build check: ptr is `align`-aligned, at or above the arena base, and ptr + bytes lies
 * inside the memory; an empty buffer (bytes == 0) may have any pointer, e.g. 0.
 * Only called under `if (!ASC_NO_ASSERT)`, i.e. in the debug build.
 */
// @ts-ignore: decorator
@inline export function inBounds(ptr: usize, bytes: u64, align: usize): bool {
  return bytes == 0 || ((ptr & (align - 1)) == 0
    && <u64>ptr >= <u64>WASM_ARENA_BASE
    && <u64>ptr + bytes <= (<u64>memory.size() << 16));
}

/** Index of the first non-finite f32 (NaN, +Inf, -Inf) in ptr[0..n), or -1. */
export function find_nonfinite(ptr: usize, n: i32): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "find_nonfinite: n < 0");
    assert(inBounds(ptr, <u64>n << 2, 4), "find_nonfinite: ptr out of bounds or misaligned");
  }
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const E = i32x4.splat(0x7f800000);
    const n8 = n & ~7;
    for (; i < n8; i += 8) {
      const p = ptr + (<usize>i << 2);
      const a = v128.and(v128.load(p), E);
      const b = v128.and(v128.load(p, 16), E);
      const ma = i32x4.eq(a, E);
      const mb = i32x4.eq(b, E);
      if (v128.any_true(v128.or(ma, mb))) {
        const m = i32x4.bitmask(ma) | (i32x4.bitmask(mb) << 4);
        return i + ctz<i32>(m);
      }
    }
  }
  for (; i < n; i++) {
    if ((load<u32>(ptr + (<usize>i << 2)) & 0x7f800000) == 0x7f800000) return i;
  }
  return -1;
}

/** out[j] (u32) = rngU32(rngKey(seed, stream, index), counter0 + j), j in [0, n). */
export function rng_fill(seed: u32, stream: u32, index: u32, counter0: u32, n: i32, out: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "rng_fill: n < 0");
    assert(inBounds(out, <u64>n << 2, 4), "rng_fill: out out of bounds or misaligned");
  }
  const key = rngKey(seed, stream, index);
  for (let j: i32 = 0; j < n; j++) {
    store<u32>(out + (<usize>j << 2), rngU32(key, counter0 + <u32>j));
  }
}

/** out[j] (f64) = rngNormal(rngKey(seed, stream, index), j0 + j), j in [0, n). */
export function rng_fill_normal(seed: u32, stream: u32, index: u32, j0: u32, n: i32, out: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "rng_fill_normal: n < 0");
    assert(inBounds(out, <u64>n << 3, 8), "rng_fill_normal: out out of bounds or misaligned");
  }
  const key = rngKey(seed, stream, index);
  for (let j: i32 = 0; j < n; j++) {
    store<f64>(out + (<usize>j << 3), rngNormal(key, j0 + <u32>j));
  }
}
