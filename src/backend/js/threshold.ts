/** McCulloch–Pitts threshold units in TypeScript: mirror of assembly/threshold.ts. */
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';

export function thresholdKernels(m: Views): Pick<Kernels, 'threshold_update'> {
  return {
    threshold_update(n, state, inp, mu, hetero, init, spikes) {
      const f32 = m.f32;
      const i32 = m.i32;
      const so = state >>> 2, xo = inp >>> 2, oo = spikes >>> 2;
      let count = 0;
      if (init !== 0) {
        for (let i = 0; i < n; i++) {
          f32[xo + i] = 0;
          if (i32[so + i] !== 0) i32[oo + count++] = i;
        }
        return count;
      }
      const mo = mu >>> 2;
      const step = hetero !== 0 ? 1 : 0;
      for (let i = 0; i < n; i++) {
        const s = f32[xo + i] >= f32[mo + step * i] ? 1 : 0;
        i32[so + i] = s;
        f32[xo + i] = 0;
        if (s !== 0) i32[oo + count++] = i;
      }
      return count;
    },
  };
}
