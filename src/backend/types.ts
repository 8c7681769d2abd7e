/**
 * The kernel contract: every backend implements these functions with the same names and
 * arguments as the AssemblyScript exports in assembly/. All pointers are byte offsets into the
 * backend's arena (a WebAssembly.Memory for `wasm`, an ArrayBuffer for `js`). Arrays are float32
 * (f32), int32 (i32), uint32 (u32) or uint8 (u8) as stated; every buffer is 16-byte aligned.
 * Counts and indices are local to a population.
 */
import type { KernelIR } from '../equations/ir.ts';
export interface Kernels {
  /**
   * Leaky integrate-and-fire, current-based exponential synapses (NEST iaf_psc_exp order), one step:
   *   if ref[i] > 0: ref[i] -= 1                       (v held)
   *   else: v += (v_rest - v)*A + ie*P21e + ii*P21i + bias*B   (left to right, float32)
   *   ie = ie*P11e + inE[i]; ii = ii*P11i + inI[i]; inE[i] = inI[i] = 0
   *   if ref[i] == 0 and v >= v_th: v = v_reset; ref[i] = refSteps; spikes[count++] = i
   * params: LIF_NPARAMS f32 (hetero = 0) or LIF_NPARAMS arrays of n f32, parameter-major (hetero = 1).
   * v, ie, ii, bias: f32[n]; ref: i32[n]; inE, inI: f32[n] (the current ring slot); spikes: i32[n].
   * bias = 0: no bias current (the term bias*B is left out: one load and one product fewer).
   * Returns the number of spikes, written in ascending index order.
   */
  lif_update(
    n: number, v: number, ie: number, ii: number, ref: number, bias: number,
    inE: number, inI: number, params: number, hetero: number, spikes: number,
  ): number;

  /**
   * Leaky integrate-and-fire with delta synapses (NEST iaf_psc_delta), one step:
   *   if ref[i] > 0: ref[i] -= 1; input discarded
   *   else: v += (v_rest - v)*A + bias*B; v += in[i]
   *   in[i] = 0
   *   if ref[i] == 0 and v >= v_th: v = v_reset; ref[i] = refSteps; spike
   * Same params block as lif_update (P21*, P11* unused).
   */
  lif_delta_update(
    n: number, v: number, ref: number, bias: number, inp: number, params: number, hetero: number,
    spikes: number,
  ): number;

  /**
   * McCulloch–Pitts threshold units: if init != 0, the spikes are the units whose state[i] != 0
   * (the initial state, step 0); else state[i] = (in[i] >= mu_i) ? 1 : 0. in[i] = 0 afterwards.
   * state: i32[n]; inp: f32[n]; mu: f32[1] (hetero = 0) or f32[n].
   */
  threshold_update(n: number, state: number, inp: number, mu: number, hetero: number, init: number, spikes: number): number;

  /**
   * Poisson spike sources, one step: neuron i spikes iff rngU32(key, offset + i) < thr_i (unsigned
   * compare); offset = global index of the first neuron of this slice of the population.
   * key = rngKey(seed, stream, step), computed by the host. thr: u32[1] (hetero = 0) or u32[n].
   */
  poisson_update(n: number, key: number, offset: number, thr: number, hetero: number, spikes: number): number;

  /**
   * Poisson input current: for each target neuron i, draw u = rngU32(key, offset + i), count k = number of
   * table entries t_j (u32, ascending) with u >= t_j (unsigned), and if k > 0:
   * out[i] += fround(k * weight). out: f32[n] (the current ring slot of the target channel).
   */
  poisson_input(n: number, key: number, offset: number, table: number, tableLen: number, weight: number, out: number): void;

  /**
   * Deliver the spikes of a source population through one projection (CSR by source) into the
   * target ring: for each spike s (in the order given), for k in rowPtr[s]..rowPtr[s+1]:
   *   format: bit 0 = 16-bit targets, bit 1 = float16 weights (u16 bits, widened exactly to float32)
   *   t = syn[k]: the target's index in the shard, u16 when format & 1 (nTarget <= 2^16), else u32
   *   d = constDelay when runPtr = 0; else the delay of the run that holds k: row s's synapses come
   *       in the runs runs[runPtr[s]..runPtr[s+1]) (u8 each: step << 5 | count) in row order, the
   *       delay starting the row at constDelay and advancing by each run's step before its count
   *       synapses (src/sim/synapse-layout.ts)
   *   slot = slotNow + d, minus slots if >= slots
   *   ring[slot*nTarget + t] += (weights ? weights[k] : constWeight)
   * spikes: i32 (source indices); rowPtr, runPtr: u32; weights: f32, or 0 when every weight is
   * constWeight. Returns the number of synapses delivered (synaptic events: the sum of the
   * spikes' row lengths, < 2^31).
   */
  propagate(
    nSpikes: number, spikes: number, rowPtr: number, syn: number, weights: number,
    constWeight: number, format: number, runPtr: number, runs: number, constDelay: number, ring: number, nTarget: number,
    slots: number, slotNow: number,
  ): number;

  /**
   * Deferred delivery: the additions of propagate (same arguments, same synapses, same order), kept
   * instead of made. Each becomes an entry (cell byte address: u32, then weight: f32) appended to
   * the bucket of its ring slot b: fill[b] entries at buckets + b*cap*8 (fill: u32[slots]; cap > 0).
   * An entry for a full bucket first applies the bucket to the ring in order (f32[address] +=
   * weight) and empties it. Every ring cell thus receives the same float32 additions in the same
   * order as with propagate, once defer_flush has run for its slot. Returns the events.
   */
  defer_propagate(
    nSpikes: number, spikes: number, rowPtr: number, syn: number, weights: number,
    constWeight: number, format: number, runPtr: number, runs: number, constDelay: number, ring: number, nTarget: number,
    slots: number, slotNow: number, buckets: number, cap: number, fill: number,
  ): number;

  /**
   * Delivery with a factor per spike (short-term plasticity): the synapses and order of propagate,
   * each addition being float32(weight * scales[s]) for the s-th spike (scales: f32[nSpikes]); into
   * the ring (buckets = 0) or, as defer_propagate, into the slot buckets. Returns the events.
   */
  propagate_scaled(
    nSpikes: number, spikes: number, scales: number, rowPtr: number, syn: number, weights: number,
    constWeight: number, format: number, runPtr: number, runs: number, constDelay: number, ring: number, nTarget: number,
    slots: number, slotNow: number, buckets: number, cap: number, fill: number,
  ): number;

  /** Apply the entries of bucket `slot` in order (f32[address] += weight) and empty it (fill[slot] = 0). */
  defer_flush(slot: number, slots: number, buckets: number, cap: number, fill: number): void;

  /**
   * Load one byte of every 64-byte line of [ptr, ptr + bytes), in order, and return them xor-ed:
   * a ring slot brought into the cache before defer_flush adds into it. Changes no memory.
   */
  touch_lines(ptr: number, bytes: number): number;

  /**
   * STDP, pre-synaptic spikes of one step (assembly/plasticity.ts gives the exact float32 order):
   * for each source s in spikes, for k in its row: t = target of syn[k];
   *   w[k] = clip(w[k] - aMinus * (mult ? w[k] - wMin : wMax) * yPost[t], wMin, wMax);
   * then xPre[s] = nearest ? 1 : xPre[s] + 1. Returns the number of synapses updated.
   */
  stdp_pre(
    nSpikes: number, spikes: number, rowPtr: number, syn: number, weights: number, tgt16: number,
    xPre: number, yPost: number, aMinus: number, wMin: number, wMax: number, mult: number, nearest: number,
  ): number;

  /**
   * STDP, post-synaptic spikes of one step: for each local target t in spikes, for j in
   * revPtr[t]..revPtr[t+1]: k = revPos[j],
   *   w[k] = clip(w[k] + aPlus * (mult ? wMax - w[k] : wMax) * xPre[revSrc[j]], wMin, wMax);
   * then yPost[t] = nearest ? 1 : yPost[t] + 1. Returns the number of synapses updated.
   */
  stdp_post(
    nSpikes: number, spikes: number, revPtr: number, revPos: number, revSrc: number, weights: number,
    xPre: number, yPost: number, aPlus: number, wMin: number, wMax: number, mult: number, nearest: number,
  ): number;

  /** trace[i] *= factor (float32) for i < n. */
  trace_decay(n: number, trace: number, factor: number): void;

  /**
   * Izhikevich (2006) rule (assembly/plasticity.ts): one step of a trace ring,
   * next[i] = prev[i] * decay, then next[s] = nearest ? 1 : next[s] + 1 for each spike s.
   */
  trace_step(n: number, prev: number, next: number, decay: number, nSpikes: number, spikes: number, nearest: number): void;

  /**
   * Potentiation at post spikes: deriv[k] += aPlus * xHist[((slotNow + R - d - 1) % R) * nSrc + src]
   * for every synapse k (delay d) into each spiking local target. Returns the synapses updated.
   */
  stdp_delayed_post(
    nSpikes: number, spikes: number, revPtr: number, revPos: number, revSrc: number, delays: number, constDelay: number,
    deriv: number, xHist: number, nSrc: number, ring: number, slotNow: number, aPlus: number,
  ): number;

  /**
   * Depression at arrival, for spikes emitted at ring slot slotEmit:
   * deriv[k] -= aMinus * yHist[((slotEmit + d) % R) * nTgt + target] for every synapse of each source.
   */
  stdp_delayed_pre(
    nSpikes: number, spikes: number, rowPtr: number, syn: number, tgt16: number, delays: number, constDelay: number,
    deriv: number, yHist: number, nTgt: number, ring: number, slotEmit: number, aMinus: number,
  ): number;

  /** w[k] = clip(w[k] + (bias + deriv[k]), wMin, wMax); deriv[k] *= decay (float32), k < n. */
  deriv_apply(n: number, weights: number, deriv: number, bias: number, decay: number, wMin: number, wMax: number): void;

  /**
   * The step loop (assembly/steps.ts): steps t0, t0 + 1, ... (at most n) of the step program at
   * prog (layout STEP_* of src/core/layout.ts, written by src/sim/step-program.ts), each op calling
   * the kernel Shard.step / Shard.deliverOwn would call, with the same arguments, in their order.
   * Stops before a step whose records might not fit the record buffer. Writes the words recorded
   * and the synaptic events of the call into the program's header; returns the steps run.
   */
  run_steps(prog: number, t0: number, n: number): number;

  /**
   * Connectivity, pass 1, for one projection onto the targets [tgtBegin, tgtEnd) of a shard.
   * desc points to a CONN_DESC_BYTES block (8-byte aligned; layout and flags in src/core/layout.ts
   * CONN_*): rule, sizes, target range, flags, K / p, seed and streams, pointers. Every synapse
   * onto the range is generated from the counter-based generator (per target key; per source for
   * fixed_outdegree) and counted per source into rowPtr (u32[nSrc + 1]), which is then prefix-summed
   * (rowPtr[s] = first synapse of row s). Returns the number of synapses (also stored at
   * CONN_NSYN) or a negative CONN_ERR_* code. Scratch: marks (u32 per source, or per target for
   * fixed_outdegree) when sampling without replacement.
   */
  connect_count(desc: number): number;

  /**
   * Connectivity, pass 2: with rowPtr as left by connect_count and syn (u32[nSyn]), weights
   * (f32[nSyn], when the weight kind is not constant) and, for fixed_outdegree, a sort scratch of
   * 2K u32 allocated, regenerates the same synapses with the same draws and places each at
   * rowPtr[s]++: syn = local target | delay << 24 when CONN_F_PACKED (delays drawn, steps =
   * round(delay/dt) clipped below at 1, at most CONN_D_MAX), else the local target; weights
   * drawn per target key (weight stream) in generation order. Rows end with ascending targets.
   * rowPtr is then shifted back to row pointers. Returns the number of synapses or a negative
   * CONN_ERR_* code (CONN_ERR_INDEX and CONN_ERR_VALUE say where and what).
   */
  connect_fill(desc: number): number;

  /**
   * Izhikevich (2003) neurons, current-based exponential synapses, one step
   * (assembly/izhikevich.ts gives the exact float32 order):
   *   I = ie + ii + bias                                  (currents at the start of the step)
   *   f = 0.04 v^2 + 5 v + 140 - u + I,  g = a (b v - u)
   *   scheme 0 (IZH_SCHEME_2003, dt = 1 ms): v += 0.5 f; v += 0.5 f (f at the new v); u += g (new v)
   *   scheme 1 (IZH_SCHEME_EULER):            v += dt f; u += dt g   (both at the old v, u)
   *   if v >= v_peak: v = c; u += d; spikes[count++] = i
   *   ie = ie*P11e + inE; ii = ii*P11i + inI; inE[i] = inI[i] = 0
   * params: IZH_NPARAMS f32 (hetero = 0) or IZH_NPARAMS arrays of n f32, parameter-major (hetero = 1).
   * v, u, ie, ii, bias: f32[n]; inE, inI: f32[n] (the current ring slot); spikes: i32[n]; dt: f32 (ms).
   * Returns the number of spikes, written in ascending index order.
   */
  izhikevich_update(
    n: number, v: number, u: number, ie: number, ii: number, bias: number, inE: number, inI: number,
    params: number, hetero: number, scheme: number, dt: number, spikes: number,
  ): number;

  /**
   * Izhikevich neurons with delta synapses: as izhikevich_update with I = bias + in[i] (the ring
   * slot of this step is a current lasting one step, the 2003 paper's I) and no synaptic state;
   * in[i] = 0 afterwards. Same params block (P11e, P11i unused).
   */
  izhikevich_delta_update(
    n: number, v: number, u: number, bias: number, inp: number, params: number, hetero: number,
    scheme: number, dt: number, spikes: number,
  ): number;

  /**
   * Gaussian noise current: out[i] += f32(f32(std * z) + mean), z = rngNormal32(key, offset + i)
   * (the float32 ziggurat of src/core/rng.ts). key = rngKey(seed, stream, step) from the host;
   * offset = global index of the first neuron (shards draw the same numbers). mean, std: f32; out: f32[n].
   */
  noise_input(n: number, key: number, offset: number, mean: number, std: number, out: number): void;

  /**
   * Uniform draws in [0, 1): out[i] = (rngU32(key, offset + i) >>> 8) 2^-24 (exact in float32),
   * the rand() of a model from equations. key = rngKey(seed, stream, step); offset as noise_input's.
   */
  uniform_fill(n: number, key: number, offset: number, out: number): void;

  /** Index of the first non-finite f32 in ptr[0..n), or -1. */
  find_nonfinite(ptr: number, n: number): number;

  /** Fill out[0..n) (u32) with rngU32(rngKey(seed, stream, index), counter0 + j): cross-checks the RNG. */
  rng_fill(seed: number, stream: number, index: number, counter0: number, n: number, out: number): void;
  /** Fill out[0..n) (f64) with rngNormal(rngKey(seed, stream, index), j0 + j): cross-checks the RNG. */
  rng_fill_normal(seed: number, stream: number, index: number, j0: number, n: number, out: number): void;
}

export type BackendName = 'wasm' | 'js';

export interface BackendFeatures {
  simd: boolean;
  /** which compiled variant runs: 'simd', 'scalar', 'debug' (wasm) or 'js' */
  variant: string;
}

/**
 * A backend owns one arena. `reserve(bytes)` sizes it once (before any buffer is written);
 * `buffer` is the current ArrayBuffer (re-read after reserve); dispose() is safe to call twice.
 */
/**
 * A kernel generated at run time from a model's equations (src/equations), loaded into a backend.
 * `run` is one step of a slice of n neurons: args is the byte address of u32[k], the byte addresses
 * of the kernel's operands (src/equations/ir.ts), spikes the address of the i32 spike buffer;
 * returns the number of spikes written. f32 and i32 view the arena (the JS kernel reads through
 * them; a WebAssembly kernel reads its memory directly). `index` is its place in the backend's
 * kernel table, by which the step loop calls it (STEP_OP_KERNEL: the main module's function table
 * for WebAssembly).
 */
export interface GeneratedKernel {
  run(f32: Float32Array, i32: Int32Array, n: number, args: number, spikes: number): number;
  index: number;
}

export interface Backend {
  readonly name: BackendName;
  readonly features: BackendFeatures;
  readonly kernels: Kernels;
  /** first usable byte offset in the arena */
  readonly base: number;
  /** largest arena in bytes this backend can hold */
  readonly maxBytes: number;
  /** make the arena at least `bytes` long (from `base`), zero-filled */
  reserve(bytes: number): void;
  /** compile a generated kernel for this backend's arena (WebAssembly: SIMD or scalar as the variant) */
  loadKernel(kernel: KernelIR): Promise<GeneratedKernel>;
  /**
   * Before anything is laid out in the arena: run the step kernels named on scratch memory (then
   * zeroed), so that the engine compiles them with its optimising tier while the network is being
   * built instead of during its first steps (WebAssembly: V8 tiers a function up after it has run
   * for a while). Changes no result; a no-op where there is nothing to warm.
   */
  prime(names: readonly PrimedKernel[]): void;
  /**
   * The host's step of a population, for the step loop's STEP_OP_HOST (a model without an op of
   * its own): run_steps calls it with (population, step, ring slot) and stores the spike count it
   * returns. Null: none (an op then throws).
   */
  setHostStep(fn: ((pop: number, t: number, slot: number) => number) | null): void;
  readonly buffer: ArrayBuffer;
  dispose(): void;
}

/** The kernels Backend.prime can warm: those of a step. */
export type PrimedKernel =
  | 'lif_update' | 'lif_delta_update' | 'izhikevich_update' | 'izhikevich_delta_update' | 'poisson_update' | 'threshold_update'
  | 'poisson_input' | 'noise_input' | 'propagate' | 'defer_propagate' | 'defer_flush' | 'touch_lines' | 'find_nonfinite';

export interface BackendOptions {
  /** wasm: force a variant ('simd' | 'scalar' | 'debug'); default: SIMD when supported */
  variant?: 'simd' | 'scalar' | 'debug';
}
