// Gaussian noise current. Mirrored by src/backend/js/noise.ts.

import { rngNormal } from "./rng";
import { inBounds } from "./util";

/**
 * Gaussian noise current, one step: for each target i,
 *   z = rngNormal(key, offset + i)   (float64, assembly/rng.ts = src/core/rng.ts)
 *   t = f32(z); t = std*t; t = t + mean; out[i] = out[i] + t      (float32, each operation rounded)
 * key = rngKey(seed, stream, step) is computed by the host; offset is the global index (within the
 * population) of the shard's first neuron, so every shard count draws the same numbers.
 * out: f32[n] (the current ring slot of the target channel). Scalar: the Box–Muller transform of
 * rngNormal (detLog, detCos2Pi) is branchy float64 code.
 */
export function noise_input(n: i32, key: u32, offset: u32, mean: f32, std: f32, out: usize): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "noise_input: n < 0");
    assert(inBounds(out, <u64>n << 2, 4), "noise_input: out out of bounds or misaligned");
  }
  for (let i: i32 = 0; i < n; i++) {
    const p = out + (<usize>i << 2);
    let t = <f32>rngNormal(key, offset + <u32>i);
    t = std * t;
    t = t + mean;
    store<f32>(p, load<f32>(p) + t);
  }
}
