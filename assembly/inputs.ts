// Poisson sources and Poisson input currents. Mirrored by src/backend/js/inputs.ts.
// Random numbers: rngU32(key, i) of assembly/rng.ts (the SIMD paths compute the same 32-bit
// integer hash on 4 lanes; i32x4.mul gives the low 32 bits of the product, like Math.imul).

import { rngU32, rngU32x4 } from "./rng";
import { inBounds } from "./util";

/**
 * Poisson spike sources, one step: neuron i spikes iff rngU32(key, offset + i) < thr_i (unsigned);
 * offset is the global index of the shard's first neuron, so every shard count draws the same numbers.
 * thr: u32[1] (hetero = 0) or u32[n]. Returns the number of spikes, in ascending order.
 */
export function poisson_update(n: i32, key: u32, offset: u32, thr: usize, hetero: i32, spikes: usize): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "poisson_update: n < 0");
    assert(inBounds(thr, hetero != 0 ? <u64>n << 2 : 4, 4), "poisson_update: thr out of bounds or misaligned");
    assert(inBounds(spikes, <u64>n << 2, 4), "poisson_update: spikes out of bounds or misaligned");
  }
  let count: i32 = 0;
  let i: i32 = 0;
  const thrStep: usize = hetero != 0 ? 4 : 0;
  if (ASC_FEATURE_SIMD) {
    const kx = i32x4.splat(key);
    const kr = i32x4.splat(rotl<u32>(key, 16));
    const vthr = i32x4.splat(load<u32>(thr));
    const n4 = n & ~3;
    for (; i < n4; i += 4) {
      const u = rngU32x4(kx, kr, <i32>offset + i);
      const t = hetero != 0 ? v128.load(thr + (<usize>i << 2)) : vthr;
      let m = i32x4.bitmask(i32x4.lt_u(u, t));
      while (m != 0) {
        store<i32>(spikes + (<usize>count << 2), i + ctz<i32>(m));
        count++;
        m &= m - 1;
      }
    }
  }
  for (; i < n; i++) {
    if (rngU32(key, offset + <u32>i) < load<u32>(thr + thrStep * <usize>i)) {
      store<i32>(spikes + (<usize>count << 2), i);
      count++;
    }
  }
  return count;
}

/**
 * Poisson input current: for each target i, u = rngU32(key, offset + i), k = number of entries t_j of the
 * ascending table (u32) with u >= t_j (unsigned); if k > 0: out[i] += f32(k) * weight.
 */
export function poisson_input(n: i32, key: u32, offset: u32, table: usize, tableLen: i32, weight: f32, out: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0 && tableLen >= 0, "poisson_input: n < 0 or tableLen < 0");
    assert(inBounds(table, <u64>tableLen << 2, 4), "poisson_input: table out of bounds or misaligned");
    assert(inBounds(out, <u64>n << 2, 4), "poisson_input: out out of bounds or misaligned");
  }
  if (tableLen <= 0) return;
  const t0 = load<u32>(table);
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const kx = i32x4.splat(key);
    const kr = i32x4.splat(rotl<u32>(key, 16));
    const vt0 = i32x4.splat(t0);
    const vw = f32x4.splat(weight);
    const n4 = n & ~3;
    for (; i < n4; i += 4) {
      const u = rngU32x4(kx, kr, <i32>offset + i);
      let hit = i32x4.ge_u(u, vt0);
      if (!v128.any_true(hit)) continue;
      let cnt = i32x4.sub(i32x4.splat(0), hit); // k so far: 1 where u >= t0
      for (let j: i32 = 1; j < tableLen; j++) {
        const ge = i32x4.ge_u(u, i32x4.splat(load<u32>(table + (<usize>j << 2))));
        if (!v128.any_true(ge)) break;
        cnt = i32x4.sub(cnt, ge);
      }
      const p = out + (<usize>i << 2);
      const o = v128.load(p);
      const sum = f32x4.add(o, f32x4.mul(f32x4.convert_i32x4_s(cnt), vw));
      v128.store(p, v128.bitselect(sum, o, hit));
    }
  }
  for (; i < n; i++) {
    const u = rngU32(key, offset + <u32>i);
    if (u < t0) continue;
    let k: i32 = 1;
    while (k < tableLen && u >= load<u32>(table + (<usize>k << 2))) k++;
    const p = out + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + <f32>k * weight);
  }
}
