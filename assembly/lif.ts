// Leaky integrate-and-fire kernels. Mirrored function for function by src/backend/js/lif.ts.
//
// Float order (float32, no FMA, every operation rounded), exp synapses:
//   t = v_rest - v; t = t*A; t = t + ie*P21e; t = t + ii*P21i; t = t + bias*B (not when bias = 0); v = v + t
//   ie = ie*P11e + inE;  ii = ii*P11i + inI
// delta synapses:
//   t = v_rest - v; t = t*A; t = t + bias*B; v = v + t; v = v + in
// The SIMD paths (4 neurons per iteration) perform the same IEEE float32 operations lane-wise,
// so they give the same bits as the scalar tail and as the JS backend.

import {
  LIF_A, LIF_B, LIF_P21E, LIF_P21I, LIF_P11E, LIF_P11I, LIF_VREST, LIF_VTH, LIF_VRESET,
  LIF_REFSTEPS, LIF_NPARAMS,
} from "./layout";
import { inBounds } from "./util";

// @ts-ignore: decorator
@inline function par(params: usize, k: i32): f32 {
  return load<f32>(params + (<usize>k << 2));
}

// @ts-ignore: decorator
@inline function emitSpikes(m: i32, i: i32, spikes: usize, count: i32): i32 {
  // lanes of the bitmask in ascending order -> ascending neuron indices
  while (m != 0) {
    store<i32>(spikes + (<usize>count << 2), i + ctz<i32>(m));
    count++;
    m &= m - 1;
  }
  return count;
}

/** The SIMD loop of lif_update with one parameter block, neurons [0, n4), with or without the bias term. */
// @ts-ignore: decorator
@inline function homoLoop(
  BIAS: bool, n4: i32, v: usize, ie: usize, ii: usize, ref: usize, bias: usize, inE: usize, inI: usize, spikes: usize,
  A: f32, B: f32, P21e: f32, P21i: f32, P11e: f32, P11i: f32, vrest: f32, vth: f32, vreset: f32, refSteps: i32,
): i32 {
  let count: i32 = 0;
  const zero = i32x4.splat(0);
  const vA = f32x4.splat(A);
  const vB = f32x4.splat(B);
  const v21e = f32x4.splat(P21e);
  const v21i = f32x4.splat(P21i);
  const v11e = f32x4.splat(P11e);
  const v11i = f32x4.splat(P11i);
  const vRest = f32x4.splat(vrest);
  const vTh = f32x4.splat(vth);
  const vReset = f32x4.splat(vreset);
  const vRef = i32x4.splat(refSteps);
  let i: i32 = 0;
  if (!BIAS) {
    // eight neurons per iteration: the loop's overhead (V8 checks the stack at every iteration)
    // halved, 0.80 -> 0.74 ns per neuron; with the bias term there are no registers to spare for it
    const n8 = n4 & ~7;
    for (; i < n8; i += 8) {
      const o = <usize>i << 2;
      const o2 = o + 16;
      const x = v128.load(v + o);
      const xb = v128.load(v + o2);
      const e = v128.load(ie + o);
      const eb = v128.load(ie + o2);
      const h = v128.load(ii + o);
      const hb = v128.load(ii + o2);
      const r = v128.load(ref + o);
      const rb = v128.load(ref + o2);
      let t = f32x4.mul(f32x4.sub(vRest, x), vA);
      let tb = f32x4.mul(f32x4.sub(vRest, xb), vA);
      t = f32x4.add(t, f32x4.mul(e, v21e));
      tb = f32x4.add(tb, f32x4.mul(eb, v21e));
      t = f32x4.add(t, f32x4.mul(h, v21i));
      tb = f32x4.add(tb, f32x4.mul(hb, v21i));
      const held = i32x4.gt_s(r, zero);
      const heldb = i32x4.gt_s(rb, zero);
      let x2 = v128.bitselect(x, f32x4.add(x, t), held);
      let x2b = v128.bitselect(xb, f32x4.add(xb, tb), heldb);
      let r2 = i32x4.add(r, held);
      let r2b = i32x4.add(rb, heldb);
      v128.store(ie + o, f32x4.add(f32x4.mul(e, v11e), v128.load(inE + o)));
      v128.store(ie + o2, f32x4.add(f32x4.mul(eb, v11e), v128.load(inE + o2)));
      v128.store(ii + o, f32x4.add(f32x4.mul(h, v11i), v128.load(inI + o)));
      v128.store(ii + o2, f32x4.add(f32x4.mul(hb, v11i), v128.load(inI + o2)));
      v128.store(inE + o, zero);
      v128.store(inE + o2, zero);
      v128.store(inI + o, zero);
      v128.store(inI + o2, zero);
      const spk = v128.and(i32x4.eq(r2, zero), f32x4.ge(x2, vTh));
      const spkb = v128.and(i32x4.eq(r2b, zero), f32x4.ge(x2b, vTh));
      const m = i32x4.bitmask(spk) | (i32x4.bitmask(spkb) << 4);
      if (m != 0) {
        x2 = v128.bitselect(vReset, x2, spk);
        r2 = v128.bitselect(vRef, r2, spk);
        x2b = v128.bitselect(vReset, x2b, spkb);
        r2b = v128.bitselect(vRef, r2b, spkb);
        count = emitSpikes(m, i, spikes, count);
      }
      v128.store(v + o, x2);
      v128.store(v + o2, x2b);
      v128.store(ref + o, r2);
      v128.store(ref + o2, r2b);
    }
  }
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(v + o);
    const e = v128.load(ie + o);
    const h = v128.load(ii + o);
    const r = v128.load(ref + o);
    let t = f32x4.sub(vRest, x);
    t = f32x4.mul(t, vA);
    t = f32x4.add(t, f32x4.mul(e, v21e));
    t = f32x4.add(t, f32x4.mul(h, v21i));
    if (BIAS) t = f32x4.add(t, f32x4.mul(v128.load(bias + o), vB));
    const held = i32x4.gt_s(r, zero); // all ones where ref > 0
    let x2 = v128.bitselect(x, f32x4.add(x, t), held);
    let r2 = i32x4.add(r, held); // ref - 1 where ref > 0
    v128.store(ie + o, f32x4.add(f32x4.mul(e, v11e), v128.load(inE + o)));
    v128.store(ii + o, f32x4.add(f32x4.mul(h, v11i), v128.load(inI + o)));
    v128.store(inE + o, zero);
    v128.store(inI + o, zero);
    const spk = v128.and(i32x4.eq(r2, zero), f32x4.ge(x2, vTh));
    const m = i32x4.bitmask(spk);
    if (m != 0) {
      x2 = v128.bitselect(vReset, x2, spk);
      r2 = v128.bitselect(vRef, r2, spk);
      count = emitSpikes(m, i, spikes, count);
    }
    v128.store(v + o, x2);
    v128.store(ref + o, r2);
  }
  return count;
}

function loopBias(
  n4: i32, v: usize, ie: usize, ii: usize, ref: usize, bias: usize, inE: usize, inI: usize, spikes: usize,
  A: f32, B: f32, P21e: f32, P21i: f32, P11e: f32, P11i: f32, vrest: f32, vth: f32, vreset: f32, refSteps: i32,
): i32 {
  return homoLoop(true, n4, v, ie, ii, ref, bias, inE, inI, spikes, A, B, P21e, P21i, P11e, P11i, vrest, vth, vreset, refSteps);
}

function loopNoBias(
  n4: i32, v: usize, ie: usize, ii: usize, ref: usize, bias: usize, inE: usize, inI: usize, spikes: usize,
  A: f32, B: f32, P21e: f32, P21i: f32, P11e: f32, P11i: f32, vrest: f32, vth: f32, vreset: f32, refSteps: i32,
): i32 {
  return homoLoop(false, n4, v, ie, ii, ref, bias, inE, inI, spikes, A, B, P21e, P21i, P11e, P11i, vrest, vth, vreset, refSteps);
}

/**
 * LIF with current-based exponential synapses, one step (see src/backend/types.ts):
 *   if ref > 0: ref -= 1 (v held) else v += (v_rest - v)*A + ie*P21e + ii*P21i + bias*B
 *   (bias = 0: no bias current, the last term left out)
 *   ie = ie*P11e + inE; ii = ii*P11i + inI; inE = inI = 0
 *   if ref == 0 and v >= v_th: v = v_reset; ref = refSteps; spike
 * Returns the number of spikes written to spikes[] in ascending order.
 */
export function lif_update(
  n: i32, v: usize, ie: usize, ii: usize, ref: usize, bias: usize,
  inE: usize, inI: usize, params: usize, hetero: i32, spikes: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "lif_update: n < 0");
    const b = <u64>n << 2;
    assert(inBounds(v, b, 4), "lif_update: v out of bounds or misaligned");
    assert(inBounds(ie, b, 4), "lif_update: ie out of bounds or misaligned");
    assert(inBounds(ii, b, 4), "lif_update: ii out of bounds or misaligned");
    assert(inBounds(ref, b, 4), "lif_update: ref out of bounds or misaligned");
    assert(bias == 0 || inBounds(bias, b, 4), "lif_update: bias out of bounds or misaligned");
    assert(inBounds(inE, b, 4), "lif_update: inE out of bounds or misaligned");
    assert(inBounds(inI, b, 4), "lif_update: inI out of bounds or misaligned");
    assert(inBounds(spikes, b, 4), "lif_update: spikes out of bounds or misaligned");
    assert(inBounds(params, <u64>LIF_NPARAMS * (hetero != 0 ? b : 4), 4), "lif_update: params out of bounds or misaligned");
  }
  let count: i32 = 0;
  let i: i32 = 0;
  if (hetero == 0) {
    const A = par(params, LIF_A);
    const B = par(params, LIF_B);
    const P21e = par(params, LIF_P21E);
    const P21i = par(params, LIF_P21I);
    const P11e = par(params, LIF_P11E);
    const P11i = par(params, LIF_P11I);
    const vrest = par(params, LIF_VREST);
    const vth = par(params, LIF_VTH);
    const vreset = par(params, LIF_VRESET);
    const refSteps = <i32>par(params, LIF_REFSTEPS);
    if (ASC_FEATURE_SIMD) {
      // without a bias current (bias = 0) the loop has one term, one load and one register fewer;
      // each loop is a function of its own (called through a reference, so not inlined here):
      // compiled together, V8 allocates the registers of both worse
      i = n & ~3;
      const loop = bias != 0 ? loopBias : loopNoBias;
      count = loop(i, v, ie, ii, ref, bias, inE, inI, spikes, A, B, P21e, P21i, P11e, P11i, vrest, vth, vreset, refSteps);
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let x = load<f32>(v + o);
      const e = load<f32>(ie + o);
      const h = load<f32>(ii + o);
      let r = load<i32>(ref + o);
      if (r > 0) {
        r -= 1;
      } else {
        let t = vrest - x;
        t = t * A;
        t = t + e * P21e;
        t = t + h * P21i;
        if (bias != 0) t = t + load<f32>(bias + o) * B;
        x = x + t;
      }
      store<f32>(ie + o, e * P11e + load<f32>(inE + o));
      store<f32>(ii + o, h * P11i + load<f32>(inI + o));
      store<f32>(inE + o, 0);
      store<f32>(inI + o, 0);
      if (r == 0 && x >= vth) {
        x = vreset;
        r = refSteps;
        store<i32>(spikes + (<usize>count << 2), i);
        count++;
      }
      store<f32>(v + o, x);
      store<i32>(ref + o, r);
    }
  } else {
    // parameter-major arrays: parameter k of neuron i at params + (k*n + i)*4
    const stride = <usize>n << 2;
    const pA = params + <usize>LIF_A * stride;
    const pB = params + <usize>LIF_B * stride;
    const p21e = params + <usize>LIF_P21E * stride;
    const p21i = params + <usize>LIF_P21I * stride;
    const p11e = params + <usize>LIF_P11E * stride;
    const p11i = params + <usize>LIF_P11I * stride;
    const pRest = params + <usize>LIF_VREST * stride;
    const pTh = params + <usize>LIF_VTH * stride;
    const pReset = params + <usize>LIF_VRESET * stride;
    const pRef = params + <usize>LIF_REFSTEPS * stride;
    if (ASC_FEATURE_SIMD) {
      const zero = i32x4.splat(0);
      const n4 = n & ~3;
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        const x = v128.load(v + o);
        const e = v128.load(ie + o);
        const h = v128.load(ii + o);
        const r = v128.load(ref + o);
        let t = f32x4.sub(v128.load(pRest + o), x);
        t = f32x4.mul(t, v128.load(pA + o));
        t = f32x4.add(t, f32x4.mul(e, v128.load(p21e + o)));
        t = f32x4.add(t, f32x4.mul(h, v128.load(p21i + o)));
        if (bias != 0) t = f32x4.add(t, f32x4.mul(v128.load(bias + o), v128.load(pB + o)));
        const held = i32x4.gt_s(r, zero);
        let x2 = v128.bitselect(x, f32x4.add(x, t), held);
        let r2 = i32x4.add(r, held);
        v128.store(ie + o, f32x4.add(f32x4.mul(e, v128.load(p11e + o)), v128.load(inE + o)));
        v128.store(ii + o, f32x4.add(f32x4.mul(h, v128.load(p11i + o)), v128.load(inI + o)));
        v128.store(inE + o, zero);
        v128.store(inI + o, zero);
        const spk = v128.and(i32x4.eq(r2, zero), f32x4.ge(x2, v128.load(pTh + o)));
        const m = i32x4.bitmask(spk);
        if (m != 0) {
          x2 = v128.bitselect(v128.load(pReset + o), x2, spk);
          r2 = v128.bitselect(i32x4.trunc_sat_f32x4_s(v128.load(pRef + o)), r2, spk);
          count = emitSpikes(m, i, spikes, count);
        }
        v128.store(v + o, x2);
        v128.store(ref + o, r2);
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let x = load<f32>(v + o);
      const e = load<f32>(ie + o);
      const h = load<f32>(ii + o);
      let r = load<i32>(ref + o);
      if (r > 0) {
        r -= 1;
      } else {
        let t = load<f32>(pRest + o) - x;
        t = t * load<f32>(pA + o);
        t = t + e * load<f32>(p21e + o);
        t = t + h * load<f32>(p21i + o);
        if (bias != 0) t = t + load<f32>(bias + o) * load<f32>(pB + o);
        x = x + t;
      }
      store<f32>(ie + o, e * load<f32>(p11e + o) + load<f32>(inE + o));
      store<f32>(ii + o, h * load<f32>(p11i + o) + load<f32>(inI + o));
      store<f32>(inE + o, 0);
      store<f32>(inI + o, 0);
      if (r == 0 && x >= load<f32>(pTh + o)) {
        x = load<f32>(pReset + o);
        r = <i32>load<f32>(pRef + o);
        store<i32>(spikes + (<usize>count << 2), i);
        count++;
      }
      store<f32>(v + o, x);
      store<i32>(ref + o, r);
    }
  }
  return count;
}

/**
 * LIF with delta synapses, one step (see src/backend/types.ts):
 *   if ref > 0: ref -= 1 (input discarded) else v += (v_rest - v)*A + bias*B; v += in
 *   in = 0
 *   if ref == 0 and v >= v_th: v = v_reset; ref = refSteps; spike
 */
export function lif_delta_update(
  n: i32, v: usize, ref: usize, bias: usize, inp: usize, params: usize, hetero: i32, spikes: usize,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0, "lif_delta_update: n < 0");
    const b = <u64>n << 2;
    assert(inBounds(v, b, 4), "lif_delta_update: v out of bounds or misaligned");
    assert(inBounds(ref, b, 4), "lif_delta_update: ref out of bounds or misaligned");
    assert(inBounds(bias, b, 4), "lif_delta_update: bias out of bounds or misaligned");
    assert(inBounds(inp, b, 4), "lif_delta_update: inp out of bounds or misaligned");
    assert(inBounds(spikes, b, 4), "lif_delta_update: spikes out of bounds or misaligned");
    assert(inBounds(params, <u64>LIF_NPARAMS * (hetero != 0 ? b : 4), 4), "lif_delta_update: params out of bounds or misaligned");
  }
  let count: i32 = 0;
  let i: i32 = 0;
  if (hetero == 0) {
    const A = par(params, LIF_A);
    const B = par(params, LIF_B);
    const vrest = par(params, LIF_VREST);
    const vth = par(params, LIF_VTH);
    const vreset = par(params, LIF_VRESET);
    const refSteps = <i32>par(params, LIF_REFSTEPS);
    if (ASC_FEATURE_SIMD) {
      const zero = i32x4.splat(0);
      const vA = f32x4.splat(A);
      const vB = f32x4.splat(B);
      const vRest = f32x4.splat(vrest);
      const vTh = f32x4.splat(vth);
      const vReset = f32x4.splat(vreset);
      const vRef = i32x4.splat(refSteps);
      const n4 = n & ~3;
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        const x = v128.load(v + o);
        const r = v128.load(ref + o);
        let t = f32x4.sub(vRest, x);
        t = f32x4.mul(t, vA);
        t = f32x4.add(t, f32x4.mul(v128.load(bias + o), vB));
        const xn = f32x4.add(f32x4.add(x, t), v128.load(inp + o));
        const held = i32x4.gt_s(r, zero);
        let x2 = v128.bitselect(x, xn, held);
        let r2 = i32x4.add(r, held);
        v128.store(inp + o, zero);
        const spk = v128.and(i32x4.eq(r2, zero), f32x4.ge(x2, vTh));
        const m = i32x4.bitmask(spk);
        if (m != 0) {
          x2 = v128.bitselect(vReset, x2, spk);
          r2 = v128.bitselect(vRef, r2, spk);
          count = emitSpikes(m, i, spikes, count);
        }
        v128.store(v + o, x2);
        v128.store(ref + o, r2);
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let x = load<f32>(v + o);
      let r = load<i32>(ref + o);
      if (r > 0) {
        r -= 1;
      } else {
        let t = vrest - x;
        t = t * A;
        t = t + load<f32>(bias + o) * B;
        x = x + t;
        x = x + load<f32>(inp + o);
      }
      store<f32>(inp + o, 0);
      if (r == 0 && x >= vth) {
        x = vreset;
        r = refSteps;
        store<i32>(spikes + (<usize>count << 2), i);
        count++;
      }
      store<f32>(v + o, x);
      store<i32>(ref + o, r);
    }
  } else {
    const stride = <usize>n << 2;
    const pA = params + <usize>LIF_A * stride;
    const pB = params + <usize>LIF_B * stride;
    const pRest = params + <usize>LIF_VREST * stride;
    const pTh = params + <usize>LIF_VTH * stride;
    const pReset = params + <usize>LIF_VRESET * stride;
    const pRef = params + <usize>LIF_REFSTEPS * stride;
    if (ASC_FEATURE_SIMD) {
      const zero = i32x4.splat(0);
      const n4 = n & ~3;
      for (; i < n4; i += 4) {
        const o = <usize>i << 2;
        const x = v128.load(v + o);
        const r = v128.load(ref + o);
        let t = f32x4.sub(v128.load(pRest + o), x);
        t = f32x4.mul(t, v128.load(pA + o));
        t = f32x4.add(t, f32x4.mul(v128.load(bias + o), v128.load(pB + o)));
        const xn = f32x4.add(f32x4.add(x, t), v128.load(inp + o));
        const held = i32x4.gt_s(r, zero);
        let x2 = v128.bitselect(x, xn, held);
        let r2 = i32x4.add(r, held);
        v128.store(inp + o, zero);
        const spk = v128.and(i32x4.eq(r2, zero), f32x4.ge(x2, v128.load(pTh + o)));
        const m = i32x4.bitmask(spk);
        if (m != 0) {
          x2 = v128.bitselect(v128.load(pReset + o), x2, spk);
          r2 = v128.bitselect(i32x4.trunc_sat_f32x4_s(v128.load(pRef + o)), r2, spk);
          count = emitSpikes(m, i, spikes, count);
        }
        v128.store(v + o, x2);
        v128.store(ref + o, r2);
      }
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let x = load<f32>(v + o);
      let r = load<i32>(ref + o);
      if (r > 0) {
        r -= 1;
      } else {
        let t = load<f32>(pRest + o) - x;
        t = t * load<f32>(pA + o);
        t = t + load<f32>(bias + o) * load<f32>(pB + o);
        x = x + t;
        x = x + load<f32>(inp + o);
      }
      store<f32>(inp + o, 0);
      if (r == 0 && x >= load<f32>(pTh + o)) {
        x = load<f32>(pReset + o);
        r = <i32>load<f32>(pRef + o);
        store<i32>(spikes + (<usize>count << 2), i);
        count++;
      }
      store<f32>(v + o, x);
      store<i32>(ref + o, r);
    }
  }
  return count;
}
