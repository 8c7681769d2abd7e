// McCulloch–Pitts threshold units. Mirrored by src/backend/js/threshold.ts.

import { inBounds } from "./util";

/**
 * init != 0: spikes = units with state[i] != 0 (the initial state, step 0); state is left as is.
 * init == 0: state[i] = (in[i] >= mu_i) ? 1 : 0; spikes = units with state[i] == 1.
 * In both cases in[i] = 0 afterwards. mu: f32[1] (hetero = 0) or f32[n].
 * Returns the number of spikes, in ascending order.
 */
export function threshold_update(
  n: i32, state: usize, inp: usize, mu: usize, hetero: i32, init: i32, spikes: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "threshold_update: n < 0");
    const b = <u64>n << 2;
    assert(inBounds(state, b, 4), "threshold_update: state out of bounds or misaligned");
    assert(inBounds(inp, b, 4), "threshold_update: inp out of bounds or misaligned");
    assert(inBounds(spikes, b, 4), "threshold_update: spikes out of bounds or misaligned");
    assert(inBounds(mu, hetero != 0 ? b : 4, 4), "threshold_update: mu out of bounds or misaligned");
  }
  let count: i32 = 0;
  let i: i32 = 0;
  if (init != 0) {
    if (ASC_FEATURE_SIMD) {
      const zero = i32x4.splat(0);
      const n4 = n & ~3;
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        let m = i32x4.bitmask(i32x4.ne(v128.load(state + o), zero));
        v128.store(inp + o, zero);
        while (m != 0) {
          store<i32>(spikes + (<usize>count << 2), i + ctz<i32>(m));
          count++;
          m &= m - 1;
        }
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(inp + o, 0);
      if (load<i32>(state + o) != 0) {
        store<i32>(spikes + (<usize>count << 2), i);
        count++;
      }
    }
    return count;
  }
  const mu0 = load<f32>(mu);
  const muStep: usize = hetero != 0 ? 4 : 0;
  if (ASC_FEATURE_SIMD) {
    const zero = i32x4.splat(0);
    const one = i32x4.splat(1);
    const vmu = f32x4.splat(mu0);
    const n4 = n & ~3;
    for (; i < n4; i += 4) {
      const o = <usize>i << 2;
      const ge = f32x4.ge(v128.load(inp + o), hetero != 0 ? v128.load(mu + o) : vmu);
      v128.store(state + o, v128.and(ge, one));
      v128.store(inp + o, zero);
      let m = i32x4.bitmask(ge);
      while (m != 0) {
        store<i32>(spikes + (<usize>count << 2), i + ctz<i32>(m));
        count++;
        m &= m - 1;
      }
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const s: i32 = load<f32>(inp + o) >= load<f32>(mu + muStep * <usize>i) ? 1 : 0;
    store<i32>(state + o, s);
    store<f32>(inp + o, 0);
    if (s != 0) {
      store<i32>(spikes + (<usize>count << 2), i);
      count++;
    }
  }
  return count;
}
