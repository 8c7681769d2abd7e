/** Poisson sources and Poisson input currents in TypeScript: mirror of assembly/inputs.ts. */
import { rngU32 } from '../../core/rng.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

export function inputKernels(m: Views): Pick<Kernels, 'poisson_update' | 'poisson_input'> {
  return {
    poisson_update(n, key, offset, thr, hetero, spikes) {
      const u32 = m.u32;
      const i32 = m.i32;
      const to = thr >>> 2, so = spikes >>> 2;
      const k = key >>> 0;
      let count = 0;
      if (hetero === 0) {
        const t = u32[to];
        for (let i = 0; i < n; i++) if (rngU32(k, (offset + i) >>> 0) < t) i32[so + count++] = i;
      } else {
        for (let i = 0; i < n; i++) if (rngU32(k, (offset + i) >>> 0) < u32[to + i]) i32[so + count++] = i;
      }
      return count;
    },

    poisson_input(n, key, offset, table, tableLen, weight, out) {
      if (tableLen <= 0) return;
      const u32 = m.u32;
      const f32 = m.f32;
      const tb = table >>> 2, oo = out >>> 2;
      const k0 = key >>> 0;
      const w = Math.fround(weight); // the wasm ABI rounds an f32 argument the same way
      const t0 = u32[tb];
      for (let i = 0; i < n; i++) {
        const u = rngU32(k0, (offset + i) >>> 0);
        if (u < t0) continue;
        let k = 1;
        while (k < tableLen && u >= u32[tb + k]) k++;
        f32[oo + i] = f32[oo + i] + Math.fround(k * w);
      }
    },
  };
}
