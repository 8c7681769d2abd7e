// Pair-based STDP with exponential traces. Mirrored by src/backend/js/plasticity.ts.
// Every product and sum is one float32 operation, in the order written (no fused multiply-add):
// the JS mirror rounds each with Math.fround, so the weights are bit-identical.

import { inBounds } from "./util";

/**
 * Pre-synaptic spikes of one step (depression, then the pre trace):
 * for each spike s (in the order given), for k in rowPtr[s]..rowPtr[s+1]:
 *   t = packed ? syn[k] & 0xffffff : syn[k]
 *   c = mult ? w[k] - wMin : wMax
 *   w[k] = clip(w[k] - (aMinus * c) * yPost[t], wMin, wMax)
 * then xPre[s] = nearest ? 1 : xPre[s] + 1.
 * spikes: i32 source indices (each at most once); rowPtr, syn: u32; weights, xPre (per source),
 * yPost (per local target): f32. Returns the number of synapses updated.
 */
export function stdp_pre(
  nSpikes: i32, spikes: usize, rowPtr: usize, syn: usize, weights: usize, packed: i32,
  xPre: usize, yPost: usize, aMinus: f32, wMin: f32, wMax: f32, mult: i32, nearest: i32,
): i32 {
  if (!ASC_NO_ASSERT) {
    assert(nSpikes >= 0, "stdp_pre: nSpikes < 0");
    assert(inBounds(spikes, <u64>nSpikes << 2, 4), "stdp_pre: spikes out of bounds or misaligned");
    assert(inBounds(rowPtr, 4, 4) && (syn & 3) == 0 && (weights & 3) == 0 && weights != 0, "stdp_pre: rowPtr/syn/weights");
    assert(inBounds(xPre, 4, 4) && inBounds(yPost, 0, 4), "stdp_pre: traces out of bounds or misaligned");
    for (let s: i32 = 0; s < nSpikes; s++) {
      const src = load<u32>(spikes + (<usize>s << 2));
      const e = load<u32>(rowPtr + (<usize>src << 2), 4);
      assert(inBounds(weights, <u64>e << 2, 4) && inBounds(syn, <u64>e << 2, 4), "stdp_pre: synapses out of bounds");
      assert(inBounds(xPre, (<u64>src + 1) << 2, 4), "stdp_pre: source outside xPre");
    }
  }
  let n: i32 = 0;
  for (let s: i32 = 0; s < nSpikes; s++) {
    const src = <usize>load<u32>(spikes + (<usize>s << 2));
    const b = load<u32>(rowPtr + (src << 2));
    const e = load<u32>(rowPtr + (src << 2), 4);
    for (let k = b; k < e; k++) {
      const v = load<u32>(syn + (<usize>k << 2));
      const t = packed != 0 ? v & 0xffffff : v;
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
