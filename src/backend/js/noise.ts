/** Gaussian noise current in TypeScript: mirror of assembly/noise.ts. */
import { rngU32, ZIG_KN, ZIG_WN, zigSlow } from '../../core/rng.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

export function noiseKernels(m: Views): Pick<Kernels, 'noise_input' | 'uniform_fill'> {
  return {
    /**
     * out[i] += f32(f32(std * z) + mean), z = rngNormal32(key, offset + i) of src/core/rng.ts,
     * with its fast path (rngU32 and the ziggurat layer test) written out here.
     */
    noise_input(n, key, offset, mean, std, out) {
      const f32 = m.f32;
      const oo = out >>> 2;
      const k = key >>> 0;
      const rot = (k << 16) | (k >>> 16);
      const mu = Math.fround(mean); // the wasm ABI rounds f32 arguments the same way
      const sd = Math.fround(std);
      const KN = ZIG_KN;
      const WN = ZIG_WN;
      for (let i = 0; i < n; i++) {
        const j = (offset + i) >>> 0;
        // u = rngU32(k, 2j) = mix32(mix32(k ^ 2j*0x9e3779b9) ^ rot)
        let x = k ^ Math.imul(2 * j, 0x9e3779b9);
        x ^= x >>> 16;
        x = Math.imul(x, 0x7feb352d);
        x ^= x >>> 15;
        x = Math.imul(x, 0x846ca68b);
        x ^= x >>> 16;
        x ^= rot;
        x ^= x >>> 16;
        x = Math.imul(x, 0x7feb352d);
        x ^= x >>> 15;
        x = Math.imul(x, 0x846ca68b);
        x ^= x >>> 16;
        const l = x & 255;
        const s = x >> 8;
        const z = (s < 0 ? -s : s) < KN[l] ? Math.fround(s * WN[l]) : zigSlow(k, j, x >>> 0);
        let t = Math.fround(sd * z);
        t = Math.fround(t + mu);
        f32[oo + i] = f32[oo + i] + t;
      }
    },
    /** out[i] = (rngU32(key, offset + i) >>> 8) * 2^-24 (exact in float32 and float64) */
    uniform_fill(n, key, offset, out) {
      const f32 = m.f32;
      const o = out >>> 2;
      const k = key >>> 0;
      for (let i = 0; i < n; i++) f32[o + i] = (rngU32(k, (offset + i) >>> 0) >>> 8) * 5.9604644775390625e-8;
    },
  };
}
