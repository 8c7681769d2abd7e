/** Utility kernels in TypeScript: mirror of assembly/util.ts. */
import { rngKey, rngNormal, rngU32 } from '../../core/rng.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

export function utilKernels(m: Views): Pick<Kernels, 'find_nonfinite' | 'rng_fill' | 'rng_fill_normal'> {
  return {
    find_nonfinite(ptr, n) {
      const u32 = m.u32;
      const o = ptr >>> 2;
      for (let i = 0; i < n; i++) if ((u32[o + i] & 0x7f800000) === 0x7f800000) return i;
      return -1;
    },

    rng_fill(seed, stream, index, counter0, n, out) {
      const u32 = m.u32;
      const o = out >>> 2;
      const key = rngKey(seed >>> 0, stream >>> 0, index >>> 0);
      for (let j = 0; j < n; j++) u32[o + j] = rngU32(key, (counter0 + j) >>> 0);
    },

    rng_fill_normal(seed, stream, index, j0, n, out) {
      const f64 = m.f64;
      const o = out >>> 3;
      const key = rngKey(seed >>> 0, stream >>> 0, index >>> 0);
      for (let j = 0; j < n; j++) f64[o + j] = rngNormal(key, (j0 + j) >>> 0);
    },
  };
}
