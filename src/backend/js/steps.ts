/**
 * The step loop in TypeScript: mirror of assembly/steps.ts. It interprets the same step program
 * (src/sim/step-program.ts) by calling this backend's own kernels in the program's order, so the
 * bits are those of the host's per-step loop (Shard.step and Shard.deliverOwn).
 */
import {
  STEP_H_COUNTS, STEP_H_EVENTS, STEP_H_FILLS, STEP_H_HIST, STEP_H_HISTCAP, STEP_H_NOPS, STEP_H_NPOPS, STEP_H_SEED,
  STEP_H_SLOTS, STEP_H_TOTALS, STEP_HEADER_WORDS, STEP_OP_FLUSH, STEP_OP_IZH, STEP_OP_IZH_DELTA, STEP_OP_LIF, STEP_OP_LIF_DELTA,
  STEP_OP_NOISE_INPUT, STEP_OP_POISSON, STEP_OP_POISSON_INPUT, STEP_OP_PROPAGATE, STEP_OP_RECORD, STEP_OP_THRESHOLD,
  STEP_OP_TOUCH, STEP_OP_CHECK, STEP_OP_HOST, STEP_OP_SAMPLE, STEP_OP_KERNEL, stepOpLength,
} from '../../core/layout.ts';
import { rngKey } from '../../core/rng.ts';
import type { Kernels } from '../types.ts';
import type { Views } from './views.ts';
import type { JsKernel } from '../../equations/js.ts';

/** The host's step of a population from inside the loop (Backend.setHostStep), as env.host_step for WebAssembly. */
export type HostStep = (pop: number, t: number, slot: number) => number;

export function stepKernels(m: Views, K: Omit<Kernels, 'run_steps'>, host: () => HostStep, generated: readonly JsKernel[]): Pick<Kernels, 'run_steps'> {
  return {
    run_steps(prog, t0, n) {
      const u32 = m.u32, i32 = m.i32, f32 = m.f32;
      const h = prog >>> 2;
      const nOps = u32[h + STEP_H_NOPS], slots = u32[h + STEP_H_SLOTS], seed = u32[h + STEP_H_SEED];
      const nPops = u32[h + STEP_H_NPOPS], counts = u32[h + STEP_H_COUNTS] >>> 2;
      const totals = u32[h + STEP_H_TOTALS] >>> 2, fills = u32[h + STEP_H_FILLS] >>> 2;
      const hist = u32[h + STEP_H_HIST] >>> 2, histCap = u32[h + STEP_H_HISTCAP];
      i32.fill(0, totals, totals + nPops);
      i32.fill(0, fills, fills + nPops);
      if (n > histCap) n = histCap;
      let events = 0, done = 0, halt = false;
      while (!halt && done < n) {
        const t = (t0 + done) >>> 0;
        const slot = t % slots;
        let p = h + STEP_HEADER_WORDS;
        for (let k = 0; k < nOps; k++) {
          const op = u32[p];
          const a = p + 1;
          switch (op) {
            case STEP_OP_TOUCH:
              K.touch_lines(u32[a] + slot * u32[a + 1], u32[a + 1]);
              break;
            case STEP_OP_FLUSH:
              K.defer_flush(slot, slots, u32[a], u32[a + 1], u32[a + 2]);
              break;
            case STEP_OP_POISSON_INPUT: {
              const mm = u32[a + 2];
              if (t >= u32[a] && t < u32[a + 1])
                K.poisson_input(mm, rngKey(seed, u32[a + 3], t), u32[a + 4], u32[a + 5], u32[a + 6], f32[a + 7], u32[a + 8] + slot * mm * 4);
              break;
            }
            case STEP_OP_NOISE_INPUT: {
              const mm = u32[a + 2];
              if (t >= u32[a] && t < u32[a + 1])
                K.noise_input(mm, rngKey(seed, u32[a + 3], t), u32[a + 4], f32[a + 5], f32[a + 6], u32[a + 7] + slot * mm * 4);
              break;
            }
            case STEP_OP_LIF: {
              const mm = u32[a + 1], off = slot * mm * 4;
              i32[counts + u32[a]] = K.lif_update(mm, u32[a + 2], u32[a + 3], u32[a + 4], u32[a + 5], u32[a + 6], u32[a + 7] + off, u32[a + 8] + off, u32[a + 9], u32[a + 10], u32[a + 11]);
              break;
            }
            case STEP_OP_LIF_DELTA: {
              const mm = u32[a + 1], off = slot * mm * 4;
              i32[counts + u32[a]] = K.lif_delta_update(mm, u32[a + 2], u32[a + 3], u32[a + 4], u32[a + 5] + off, u32[a + 6], u32[a + 7], u32[a + 8]);
              break;
            }
            case STEP_OP_IZH: {
              const mm = u32[a + 1], off = slot * mm * 4;
              i32[counts + u32[a]] = K.izhikevich_update(mm, u32[a + 2], u32[a + 3], u32[a + 4], u32[a + 5], u32[a + 6], u32[a + 7] + off, u32[a + 8] + off, u32[a + 9], u32[a + 10], u32[a + 11], f32[a + 12], u32[a + 13]);
              break;
            }
            case STEP_OP_IZH_DELTA: {
              const mm = u32[a + 1], off = slot * mm * 4;
              i32[counts + u32[a]] = K.izhikevich_delta_update(mm, u32[a + 2], u32[a + 3], u32[a + 4], u32[a + 5] + off, u32[a + 6], u32[a + 7], u32[a + 8], f32[a + 9], u32[a + 10]);
              break;
            }
            case STEP_OP_POISSON:
              i32[counts + u32[a]] = t >= u32[a + 1] && t < u32[a + 2]
                ? K.poisson_update(u32[a + 3], rngKey(seed, u32[a + 4], t), u32[a + 5], u32[a + 6], u32[a + 7], u32[a + 8])
                : 0;
              break;
            case STEP_OP_THRESHOLD: {
              const mm = u32[a + 1];
              i32[counts + u32[a]] = K.threshold_update(mm, u32[a + 2], u32[a + 3] + slot * mm * 4, u32[a + 4], u32[a + 5], t === 0 ? 1 : 0, u32[a + 6]);
              break;
            }
            case STEP_OP_RECORD: {
              const pop = u32[a];
              const c = i32[counts + pop];
              i32[hist + pop * histCap + done] = c;
              i32[totals + pop] += c;
              const idx = u32[a + 2] >>> 2;
              if (idx !== 0) {
                const f = i32[fills + pop];
                if (c > 0) {
                  const s = u32[a + 1] >>> 2;
                  i32.copyWithin(idx + f, s, s + c);
                  u32.fill(t, (u32[a + 3] >>> 2) + f, (u32[a + 3] >>> 2) + f + c);
                }
                i32[fills + pop] = f + c;
                if (u32[a + 4] - (f + c) < u32[a + 5]) halt = true;
              }
              break;
            }
            case STEP_OP_PROPAGATE: {
              const c = i32[counts + u32[a]];
              if (c > 0) {
                const buckets = u32[a + 12];
                events += buckets !== 0
                  ? K.defer_propagate(c, u32[a + 1], u32[a + 2], u32[a + 3], u32[a + 4], f32[a + 5], u32[a + 6], u32[a + 7], u32[a + 8], u32[a + 9], u32[a + 10], u32[a + 11], slots, slot, buckets, u32[a + 13], u32[a + 14])
                  : K.propagate(c, u32[a + 1], u32[a + 2], u32[a + 3], u32[a + 4], f32[a + 5], u32[a + 6], u32[a + 7], u32[a + 8], u32[a + 9], u32[a + 10], u32[a + 11], slots, slot);
              }
              break;
            }
            case STEP_OP_SAMPLE:
              if (t % u32[a] === 0) f32[(u32[a + 2] >>> 2) + done] = u32[a + 3] !== 0 ? i32[u32[a + 1] >>> 2] : f32[u32[a + 1] >>> 2];
              break;
            case STEP_OP_HOST:
              i32[counts + u32[a]] = host()(u32[a], t, slot);
              break;
            case STEP_OP_KERNEL: {
              const mm = u32[a + 2], args = u32[a + 3] >>> 2, nIn = u32[a + 5];
              for (let j = 0; j < nIn; j++) u32[args + u32[a + 6 + 2 * j]] = u32[a + 7 + 2 * j] + slot * mm * 4;
              i32[counts + u32[a]] = generated[u32[a + 1]](f32, i32, mm, u32[a + 3], u32[a + 4]);
              break;
            }
            case STEP_OP_CHECK:
              if ((t + 1) % u32[a] === 0 && K.find_nonfinite(u32[a + 1], u32[a + 2]) >= 0) halt = true;
              break;
            default:
              throw new Error(`run_steps: unknown opcode ${op} at word ${p - h}`);
          }
          p += stepOpLength(u32, p);
        }
        done++;
      }
      new Float64Array(u32.buffer, prog + STEP_H_EVENTS * 4, 1)[0] = events;
      return done;
    },
  };
}
