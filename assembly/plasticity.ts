// Pair-based STDP with exponential traces. Mirrored by src/backend/js/plasticity.ts.
// Every product and sum is one float32 operation, in the order written (no fused multiply-add):
// the JS mirror rounds each with Math.fround, so the weights are bit-identical.

import { inBounds } from "./util";

/**
 * Pre-synaptic spikes of one step (depression, then the pre trace):
 * for each spike s (in the order given), for k in rowPtr[s]..rowPtr[s+1]:
 *   t = syn[k] (u16 when tgt16 != 0, else u32)
 *   c = mult ? w[k] - wMin : wMax
 *   w[k] = clip(w[k] - (aMinus * c) * yPost[t], wMin, wMax)
 * then xPre[s] = nearest ? 1 : xPre[s] + 1.
 * spikes: i32 source indices (each at most once); rowPtr: u32; weights, xPre (per source),
 * yPost (per local target): f32. Returns the number of synapses updated.
 */
export function stdp_pre(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, weights: usize, tgt16: i32,
  xPre: usize, yPost: usize, aMinus: f32, wMin: f32, wMax: f32, mult: i32, nearest: i32,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0, "stdp_pre: nSpikes < 0");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4), "stdp_pre: spikes out of bounds or misaligned");
    assert(inBounds(rowPtr, 4, 4) && (syn & (tgt16 != 0 ? 1 : 3)) == 0 && (weights & 3) == 0 && weights != 0, "stdp_pre: rowPtr/syn/weights");
    assert(inBounds(xPre, 4, 4) && inBounds(yPost, 0, 4), "stdp_pre: traces out of bounds or misaligned");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const src = load<u32>(spikes + (<usize>s << 2));
      const e = load<u32>(rowPtr + (<usize>src << 2), 4);
      assert(inBounds(weights, <u64>e << 2, 4) && inBounds(syn, <u64>e << (tgt16 != 0 ? 1 : 2), 1), "stdp_pre: synapses out of bounds");
      assert(inBounds(xPre, (<u64>src + 1) << 2, 4), "stdp_pre: source outside xPre");
    }
  }
  let n: i32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const src = <usize>load<u32>(spikes + (<usize>s << 2));
    const b = load<u32>(rowPtr + (src << 2));
    const e = load<u32>(rowPtr + (src << 2), 4);
    for (let k = b; k < e; k++) {
      const t = tgt16 != 0 ? <u32>load<u16>(syn + (<usize>k << 1)) : load<u32>(syn + (<usize>k << 2));
      const wp = weights + (<usize>k << 2);
      let w = load<f32>(wp);
      const c: f32 = mult != 0 ? w - wMin : wMax;
      w = w - (aMinus * c) * load<f32>(yPost + (<usize>t << 2));
      if (w < wMin) w = wMin;
      if (w > wMax) w = wMax;
      store<f32>(wp, w);
    }
    n += <i32>(e - b);
    const xp = xPre + (src << 2);
    store<f32>(xp, nearest != 0 ? <f32>1 : load<f32>(xp) + <f32>1);
  }
  return n;
}

/**
 * Post-synaptic spikes of one step (potentiation, then the post trace):
 * for each spike t (local target index, in the order given), for j in revPtr[t]..revPtr[t+1]:
 *   k = revPos[j]; c = mult ? wMax - w[k] : wMax
 *   w[k] = clip(w[k] + (aPlus * c) * xPre[revSrc[j]], wMin, wMax)
 * then yPost[t] = nearest ? 1 : yPost[t] + 1.
 * revPtr: u32[nTarget + 1]; revPos, revSrc: u32 (each target's synapses: their CSR positions
 * ascending, and their sources). Returns the number of synapses updated.
 */
export function stdp_post(
  nSpikes: i32, spikes: usize, revPtr: usize, revPos: usize, revSrc: usize, weights: usize,
  xPre: usize, yPost: usize, aPlus: f32, wMin: f32, wMax: f32, mult: i32, nearest: i32,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0, "stdp_post: nSpikes < 0");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4), "stdp_post: spikes out of bounds or misaligned");
    assert(inBounds(revPtr, 4, 4) && (revPos & 3) == 0 && (revSrc & 3) == 0 && (weights & 3) == 0 && weights != 0, "stdp_post: pointers");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const t = load<u32>(spikes + (<usize>s << 2));
      const e = load<u32>(revPtr + (<usize>t << 2), 4);
      assert(inBounds(revPos, <u64>e << 2, 4) && inBounds(revSrc, <u64>e << 2, 4), "stdp_post: reverse index out of bounds");
      assert(inBounds(yPost, (<u64>t + 1) << 2, 4), "stdp_post: target outside yPost");
    }
  }
  let n: i32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const t = <usize>load<u32>(spikes + (<usize>s << 2));
    const b = load<u32>(revPtr + (t << 2));
    const e = load<u32>(revPtr + (t << 2), 4);
    for (let j = b; j < e; j++) {
      const k = load<u32>(revPos + (<usize>j << 2));
      const x = load<f32>(xPre + (<usize>load<u32>(revSrc + (<usize>j << 2)) << 2));
      const wp = weights + (<usize>k << 2);
      let w = load<f32>(wp);
      const c: f32 = mult != 0 ? wMax - w : wMax;
      w = w + (aPlus * c) * x;
      if (w < wMin) w = wMin;
      if (w > wMax) w = wMax;
      store<f32>(wp, w);
    }
    n += <i32>(e - b);
    const yp = yPost + (t << 2);
    store<f32>(yp, nearest != 0 ? <f32>1 : load<f32>(yp) + <f32>1);
  }
  return n;
}

/** trace[i] *= factor for i < n (f32; factor = exp(-dt/tau) computed by the host). */
export function trace_decay(n: i32, trace: usize, factor: f32): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0 && inBounds(trace, <u64>n << 2, 4), "trace_decay: trace out of bounds or misaligned");
  }
  for (let i: i32 = 0; i < n; i++) {
    const p = trace + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * factor);
  }
}

// ---------------------------------------------------------------------------------------------
// Izhikevich (2006) "Polychronization" rule: spike pairs change a per-synapse derivative `deriv`
// instead of the weight; deriv_apply moves the weights periodically. Pre spikes count when they
// arrive (emission step + the synapse's delay). The traces are kept as rings of R = maxDelay + 2
// steps (slot-major: hist + (slot * n + i) * 4), so the value of a trace at any step of the last
// R steps can be read: the pre trace as seen at a synapse's end is the source's trace d steps ago.
// ---------------------------------------------------------------------------------------------

/**
 * One step of a trace ring: next[i] = prev[i] * decay for i < n, then for each spike s:
 * next[s] = nearest ? 1 : next[s] + 1 (float32). prev and next are two slots of the ring.
 */
export function trace_step(n: i32, prev: usize, next: usize, decay: f32, nSpikes: i32, spikes: usize, nearest: i32): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0 && nSpikes >= 0, "trace_step: negative count");
    assert(inBounds(prev, <u64>n << 2, 4) && inBounds(next, <u64>n << 2, 4), "trace_step: traces out of bounds or misaligned");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4), "trace_step: spikes out of bounds or misaligned");
    for (let s: i32 = 0; s < nSpikes; s++) assert(load<u32>(spikes + (<usize>s << 2)) < <u32>n, "trace_step: spike index >= n");
  }
  for (let i: i32 = 0; i < n; i++) {
    store<f32>(next + (<usize>i << 2), load<f32>(prev + (<usize>i << 2)) * decay);
  }
  for (let s: i32 = 0; s < nSpikes; s++) {
    const p = next + (<usize>load<u32>(spikes + (<usize>s << 2)) << 2);
    store<f32>(p, nearest != 0 ? <f32>1 : load<f32>(p) + <f32>1);
  }
}

/**
 * Potentiation at post spikes of step t: for each local target t in spikes (in the order given),
 * for j in revPtr[t]..revPtr[t+1]: k = revPos[j], s = revSrc[j], d = delay of synapse k
 * (delays ? delays[k] (u8) : constDelay), slot = (slotNow + R - d - 1) % R:
 *   deriv[k] = deriv[k] + aPlus * xHist[slot * nSrc + s]
 * (pre spikes that arrived at least one step before the post spike). Returns the synapses updated.
 */
export function stdp_delayed_post(
  nSpikes: i32, spikes: usize, revPtr: usize, revPos: usize, revSrc: usize, delays: usize, constDelay: i32,
  deriv: usize, xHist: usize, nSrc: i32, ring: i32, slotNow: i32, aPlus: f32,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0 && nSrc >= 0 && ring >= 2 && slotNow >= 0 && slotNow < ring, "stdp_delayed_post: bad sizes");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4) && inBounds(xHist, (<u64>ring * <u64>nSrc) << 2, 4), "stdp_delayed_post: spikes/xHist out of bounds");
    assert(inBounds(revPtr, 4, 4) && (revPos & 3) == 0 && (revSrc & 3) == 0 && (deriv & 3) == 0, "stdp_delayed_post: pointers");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const t = load<u32>(spikes + (<usize>s << 2));
      const b = load<u32>(revPtr + (<usize>t << 2));
      const e = load<u32>(revPtr + (<usize>t << 2), 4);
      assert(inBounds(revPos, <u64>e << 2, 4) && inBounds(revSrc, <u64>e << 2, 4), "stdp_delayed_post: reverse index out of bounds");
      for (let j = b; j < e; j++) {
        const k = load<u32>(revPos + (<usize>j << 2));
        assert((delays == 0 || inBounds(delays, <u64>k + 1, 1)) && inBounds(deriv, (<u64>k + 1) << 2, 4), "stdp_delayed_post: synapse out of bounds");
        const d = delays != 0 ? <i32>load<u8>(delays + <usize>k) : constDelay;
        assert(d >= 1 && d + 1 <= ring, "stdp_delayed_post: delay outside the ring");
        assert(load<u32>(revSrc + (<usize>j << 2)) < <u32>nSrc, "stdp_delayed_post: source >= nSrc");
      }
    }
  }
  let n: i32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const t = <usize>load<u32>(spikes + (<usize>s << 2));
    const b = load<u32>(revPtr + (t << 2));
    const e = load<u32>(revPtr + (t << 2), 4);
    for (let j = b; j < e; j++) {
      const k = <usize>load<u32>(revPos + (<usize>j << 2));
      const d = delays != 0 ? <i32>load<u8>(delays + k) : constDelay;
      const slot = (slotNow + ring - d - 1) % ring;
      const x = load<f32>(xHist + ((<usize>slot * <usize>nSrc + <usize>load<u32>(revSrc + (<usize>j << 2))) << 2));
      const p = deriv + (k << 2);
      store<f32>(p, load<f32>(p) + aPlus * x);
    }
    n += <i32>(e - b);
  }
  return n;
}

/**
 * Depression at the arrival of pre spikes emitted at the step whose ring slot is slotEmit
 * (the host calls it maxDelay steps after emission, when every arrival has happened): for each
 * source s in spikes, for k in rowPtr[s]..rowPtr[s+1]: t = syn[k] (u16 when tgt16 != 0, else u32),
 * d = delays ? delays[k] (u8) : constDelay,
 * slot = (slotEmit + d) % R:  deriv[k] = deriv[k] - aMinus * yHist[slot * nTgt + t]
 * (post spikes at or before the arrival step). Returns the synapses updated.
 */
export function stdp_delayed_pre(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, tgt16: i32, delays: usize, constDelay: i32,
  deriv: usize, yHist: usize, nTgt: i32, ring: i32, slotEmit: i32, aMinus: f32,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0 && nTgt >= 0 && ring >= 2 && slotEmit >= 0 && slotEmit < ring, "stdp_delayed_pre: bad sizes");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4) && inBounds(yHist, (<u64>ring * <u64>nTgt) << 2, 4), "stdp_delayed_pre: spikes/yHist out of bounds");
    assert(inBounds(rowPtr, 4, 4) && (syn & (tgt16 != 0 ? 1 : 3)) == 0 && (deriv & 3) == 0, "stdp_delayed_pre: pointers");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const src = load<u32>(spikes + (<usize>s << 2));
      const b = load<u32>(rowPtr + (<usize>src << 2));
      const e = load<u32>(rowPtr + (<usize>src << 2), 4);
      assert(inBounds(syn, <u64>e << (tgt16 != 0 ? 1 : 2), 1) && inBounds(deriv, <u64>e << 2, 4), "stdp_delayed_pre: synapses out of bounds");
      assert(delays == 0 || inBounds(delays, <u64>e, 1), "stdp_delayed_pre: delays out of bounds");
      for (let k = b; k < e; k++) {
        const v = tgt16 != 0 ? <u32>load<u16>(syn + (<usize>k << 1)) : load<u32>(syn + (<usize>k << 2));
        const d = delays != 0 ? <i32>load<u8>(delays + <usize>k) : constDelay;
        assert(d >= 1 && d + 1 <= ring, "stdp_delayed_pre: delay outside the ring");
        assert(v < <u32>nTgt, "stdp_delayed_pre: target >= nTgt");
      }
    }
  }
  let n: i32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const src = <usize>load<u32>(spikes + (<usize>s << 2));
    const b = load<u32>(rowPtr + (src << 2));
    const e = load<u32>(rowPtr + (src << 2), 4);
    for (let k = b; k < e; k++) {
      const t = tgt16 != 0 ? <u32>load<u16>(syn + (<usize>k << 1)) : load<u32>(syn + (<usize>k << 2));
      const d = delays != 0 ? <i32>load<u8>(delays + <usize>k) : constDelay;
      const slot = (slotEmit + d) % ring;
      const y = load<f32>(yHist + ((<usize>slot * <usize>nTgt + <usize>t) << 2));
      const p = deriv + (<usize>k << 2);
      store<f32>(p, load<f32>(p) - aMinus * y);
    }
    n += <i32>(e - b);
  }
  return n;
}

/**
 * Periodic application of the derivative, for k < n:
 *   w[k] = clip(w[k] + (bias + deriv[k]), wMin, wMax); deriv[k] = deriv[k] * decay   (float32)
 */
export function deriv_apply(n: i32, weights: usize, deriv: usize, bias: f32, decay: f32, wMin: f32, wMax: f32): void {
  if (!ASC_NO_ASSERT) {
    assert(n >= 0 && inBounds(weights, <u64>n << 2, 4) && inBounds(deriv, <u64>n << 2, 4), "deriv_apply: out of bounds or misaligned");
  }
  for (let k: i32 = 0; k < n; k++) {
    const wp = weights + (<usize>k << 2), dp = deriv + (<usize>k << 2);
    const sd = load<f32>(dp);
    let w = load<f32>(wp) + (bias + sd);
    if (w < wMin) w = wMin;
    if (w > wMax) w = wMax;
    store<f32>(wp, w);
    store<f32>(dp, sd * decay);
  }
}
