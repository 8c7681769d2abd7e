/**
 * The kernel contract: every backend implements these functions with the same names and
 * arguments as the AssemblyScript exports in assembly/. All pointers are byte offsets into the
 * backend's arena (a WebAssembly.Memory for `wasm`, an ArrayBuffer for `js`). Arrays are float32
 * (f32), int32 (i32), uint32 (u32) or uint8 (u8) as stated; every buffer is 16-byte aligned.
 * Counts and indices are local to a population.
 */
export interface Kernels {
  /**
   * Leaky integrate-and-fire, current-based exponential synapses (NEST iaf_psc_exp order), one step:
   *   if ref[i] > 0: ref[i] -= 1                       (v held)
   *   else: v += (v_rest - v)*A + ie*P21e + ii*P21i + bias*B   (left to right, float32)
   *   ie = ie*P11e + inE[i]; ii = ii*P11i + inI[i]; inE[i] = inI[i] = 0
   *   if ref[i] == 0 and v >= v_th: v = v_reset; ref[i] = refSteps; spikes[count++] = i
   * params: LIF_NPARAMS f32 (hetero = 0) or LIF_NPARAMS arrays of n f32, parameter-major (hetero = 1).
   * v, ie, ii, bias: f32[n]; ref: i32[n]; inE, inI: f32[n] (the current ring slot); spikes: i32[n].
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
   *   d = delays ? delays[k] : constDelay; slot = slotNow + d, minus slots if >= slots
   *   ring[slot*nTarget + targets[k]] += (weights ? weights[k] : constWeight)
   * spikes: i32; rowPtr, targets: u32; weights: f32 or 0; delays: u8 or 0 (pointer 0 means constant).
   */
  propagate(
    nSpikes: number, spikes: number, rowPtr: number, targets: number, weights: number,
    constWeight: number, delays: number, constDelay: number, ring: number, nTarget: number,
    slots: number, slotNow: number,
  ): void;

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
  readonly buffer: ArrayBuffer;
  dispose(): void;
}

export interface BackendOptions {
  /** wasm: force a variant ('simd' | 'scalar' | 'debug'); default: SIMD when supported */
  variant?: 'simd' | 'scalar' | 'debug';
}
