/** Gaussian noise current in TypeScript: mirror of assembly/noise.ts. */
import { rngNormal } from '../../core/rng.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

export function noiseKernels(m: Views): Pick<Kernels, 'noise_input'> {
  return {
    /** out[i] += f32(f32(std * f32(z)) + mean), z = rngNormal(key, offset + i) */
    noise_input(n, key, offset, mean, std, out) {
      const f32 = m.f32;
      const oo = out >>> 2;
      const k = key >>> 0;
      const mu = Math.fround(mean); // the wasm ABI rounds f32 arguments the same way
      const sd = Math.fround(std);
      for (let i = 0; i < n; i++) {
        let t = Math.fround(rngNormal(k, (offset + i) >>> 0));
        t = Math.fround(sd * t);
        t = Math.fround(t + mu);
        f32[oo + i] = f32[oo + i] + t;
      }
    },
  };
}
