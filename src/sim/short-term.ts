/**
 * Tsodyks–Markram short-term plasticity (NEST's tsodyks2_synapse; Tsodyks, Pawelzik & Markram 1998;
 * Fuhrmann et al. 2002). With the parameters of a projection, the state of a synapse depends only on
 * the spike train of its source, so it is kept per source neuron (not per synapse), in every shard
 * that receives the source's spikes: each shard updates its copy from the same spikes in the same
 * order, so all copies stay equal, on every backend and thread count.
 *
 * At a spike of source s in step t, h = (t - last[s]) * dt ms after its previous spike:
 *   x = 1 + (x - x*u - 1) * exp(-h/tau_rec)
 *   u = U + u*(1 - U) * exp(-h/tau_fac)            (the second term is 0 when tau_fac = 0)
 * and every synapse of s delivers float32(weight * float32(x*u)) (kernel propagate_scaled).
 * Before its first spike a source has x = 1, u = 0 (the decay factors are then 0): the first spike
 * delivers U * weight. This is NEST's order (the recovery of x uses the u of the previous spike).
 * The arithmetic is double precision in the host (the same JavaScript on every backend and in
 * every worker; Math.exp is V8's deterministic implementation).
 */
import type { ShortTermPlan } from '../core/types.ts';

export class ShortTermState {
  /** resources x and utilisation u after each source's last spike */
  readonly x: Float64Array;
  readonly u: Float64Array;
  /** the step of each source's last spike, -1: none yet */
  readonly last: Int32Array;

  constructor(
    readonly plan: ShortTermPlan,
    nSrc: number,
    readonly dt: number,
    /** byte offset of the f32 factors of one step's spikes (nSrc floats) in the shard's memory */
    readonly scales: number,
  ) {
    this.x = new Float64Array(nSrc).fill(1);
    this.u = new Float64Array(nSrc);
    this.last = new Int32Array(nSrc).fill(-1);
  }

  /**
   * Advance the sources of `n` spikes of step t (source indices i32[spikes/4 ...]) and write each
   * spike's factor x*u (float32) to f32[scales/4 + j].
   */
  update(n: number, spikes: number, t: number, i32: Int32Array, f32: Float32Array): void {
    const { U, tauRec, tauFac } = this.plan;
    const { x, u, last } = this;
    const so = spikes >>> 2, fo = this.scales >>> 2;
    for (let j = 0; j < n; j++) {
      const s = i32[so + j];
      let xd = 0, ud = 0;
      if (last[s] >= 0) {
        const h = (t - last[s]) * this.dt;
        xd = Math.exp(-h / tauRec);
        ud = tauFac > 0 ? Math.exp(-h / tauFac) : 0;
      }
      const xs = 1 + (x[s] - x[s] * u[s] - 1) * xd;
      const us = U + u[s] * (1 - U) * ud;
      x[s] = xs;
      u[s] = us;
      last[s] = t;
      f32[fo + j] = xs * us;
    }
  }
}
