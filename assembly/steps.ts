// The step loop: many steps of one shard in one call, so that a run on one thread crosses from
// JavaScript into WebAssembly once per chunk of steps instead of several times per step.
// Mirrored by src/backend/js/steps.ts; the program is written by src/sim/step-program.ts.
//
// A step runs the program's ops in order; they call the same kernels, with the same arguments, in
// the same order as Shard.step and Shard.deliverOwn (src/sim/shard.ts) do, so the bits are those
// of the host's loop. Per step, the ring slot is t % slots and a random key is
// rngKey(seed, stream, t), as the host computes them.
//
// The kernels are called, not inlined (each is far above binaryen's inlining size), so that every
// kernel tiers up to optimised code on its own while a long call of run_steps is still running.

import {
  STEP_H_NOPS, STEP_H_SLOTS, STEP_H_SEED, STEP_H_NPOPS, STEP_H_COUNTS, STEP_H_TOTALS, STEP_H_FILLS, STEP_H_HIST,
  STEP_H_HISTCAP, STEP_H_EVENTS, STEP_HEADER_WORDS,
  STEP_OP_TOUCH, STEP_OP_FLUSH, STEP_OP_POISSON_INPUT, STEP_OP_NOISE_INPUT, STEP_OP_LIF, STEP_OP_LIF_DELTA,
  STEP_OP_IZH, STEP_OP_IZH_DELTA, STEP_OP_POISSON, STEP_OP_THRESHOLD, STEP_OP_RECORD, STEP_OP_PROPAGATE, STEP_OP_CHECK, STEP_OP_HOST, STEP_OP_SAMPLE,
  STEP_OP_KERNEL,
} from "./layout";
import { lif_update, lif_delta_update } from "./lif";
import { izhikevich_update, izhikevich_delta_update } from "./izhikevich";
import { noise_input } from "./noise";
import { poisson_update, poisson_input } from "./inputs";
import { threshold_update } from "./threshold";
import { propagate, defer_propagate, defer_flush, touch_lines } from "./propagate";
import { rngKey } from "./rng";
import { find_nonfinite } from "./util";

/**
 * The host's step of population `pop` at step t (ring slot `slot`): a model without an op of its
 * own (a model from equations, a spike generator) runs its JavaScript step from inside the loop.
 * Returns its spike count.
 */
// @ts-ignore: decorator
@external("env", "host_step")
declare function host_step(pop: i32, t: u32, slot: u32): i32;

// @ts-ignore: decorator
@inline function word(p: usize, k: i32): u32 {
  return load<u32>(p + (<usize>k << 2));
}

// @ts-ignore: decorator
@inline function ptr(p: usize, k: i32): usize {
  return <usize>load<u32>(p + (<usize>k << 2));
}

// @ts-ignore: decorator
@inline function real(p: usize, k: i32): f32 {
  return load<f32>(p + (<usize>k << 2));
}

/** words of the op at p, its opcode included */
function opWords(p: usize): i32 {
  const op = load<u32>(p);
  switch (op) {
    case STEP_OP_TOUCH: return 3;
    case STEP_OP_FLUSH: return 4;
    case STEP_OP_POISSON_INPUT: return 10;
    case STEP_OP_NOISE_INPUT: return 9;
    case STEP_OP_LIF: return 13;
    case STEP_OP_LIF_DELTA: return 10;
    case STEP_OP_IZH: return 15;
    case STEP_OP_IZH_DELTA: return 12;
    case STEP_OP_POISSON: return 10;
    case STEP_OP_THRESHOLD: return 8;
    case STEP_OP_RECORD: return 7;
    case STEP_OP_PROPAGATE: return 16;
    case STEP_OP_CHECK: return 4;
    case STEP_OP_HOST: return 2;
    case STEP_OP_SAMPLE: return 5;
    case STEP_OP_KERNEL: return 7 + 2 * <i32>load<u32>(p + 24);
    default: return 0;
  }
}

/**
 * Run steps t0, t0 + 1, ... of the program at `prog`, at most n of them (and at most histCap).
 * Each STEP_OP_RECORD keeps its population's spike count of the step in hist[pop][step of the
 * call] and totals[pop], and, for a population with a spike monitor, appends the spikes and their
 * step to its idx and steps arrays at fills[pop]; a step after which one of those has less room
 * than its population has neurons ends the call. So does a STEP_OP_CHECK that finds a NaN or an
 * infinity (the host then finds it again and reports it). totals and fills are zeroed first; the
 * synaptic events of the call go to STEP_H_EVENTS (f64). Returns the number of steps run.
 * Aborts on an unknown opcode.
 */
export function run_steps(prog: usize, t0: u32, n: i32): i32 {
  const nOps = <i32>word(prog, STEP_H_NOPS);
  const slots = word(prog, STEP_H_SLOTS);
  const seed = word(prog, STEP_H_SEED);
  const nPops = <usize>word(prog, STEP_H_NPOPS);
  const counts = ptr(prog, STEP_H_COUNTS);
  const totals = ptr(prog, STEP_H_TOTALS);
  const fills = ptr(prog, STEP_H_FILLS);
  const hist = ptr(prog, STEP_H_HIST);
  const histCap = <i32>word(prog, STEP_H_HISTCAP);
  const ops = prog + (<usize>STEP_HEADER_WORDS << 2);
  memory.fill(totals, 0, nPops << 2);
  memory.fill(fills, 0, nPops << 2);
  if (n > histCap) n = histCap;
  let events: f64 = 0;
  let done: i32 = 0;
  let halt = false;
  while (!halt && done < n) {
    const t = t0 + <u32>done;
    const slot = t % slots;
    let p = ops;
    for (let k = 0; k < nOps; k++) {
      const op = load<u32>(p);
      const a = p + 4; // the arguments
      switch (op) {
        case STEP_OP_TOUCH: {
          const bytes = word(a, 1);
          touch_lines(ptr(a, 0) + <usize>slot * <usize>bytes, <i32>bytes);
          break;
        }
        case STEP_OP_FLUSH: {
          defer_flush(<i32>slot, <i32>slots, ptr(a, 0), <i32>word(a, 1), ptr(a, 2));
          break;
        }
        case STEP_OP_POISSON_INPUT: {
          const m = word(a, 2);
          if (t >= word(a, 0) && t < word(a, 1))
            poisson_input(<i32>m, rngKey(seed, word(a, 3), t), word(a, 4), ptr(a, 5), <i32>word(a, 6), real(a, 7), ptr(a, 8) + <usize>slot * <usize>m * 4);
          break;
        }
        case STEP_OP_NOISE_INPUT: {
          const m = word(a, 2);
          if (t >= word(a, 0) && t < word(a, 1))
            noise_input(<i32>m, rngKey(seed, word(a, 3), t), word(a, 4), real(a, 5), real(a, 6), ptr(a, 7) + <usize>slot * <usize>m * 4);
          break;
        }
        case STEP_OP_LIF: {
          const m = word(a, 1);
          const off = <usize>slot * <usize>m * 4;
          const c = lif_update(<i32>m, ptr(a, 2), ptr(a, 3), ptr(a, 4), ptr(a, 5), ptr(a, 6), ptr(a, 7) + off, ptr(a, 8) + off, ptr(a, 9), <i32>word(a, 10), ptr(a, 11));
          store<i32>(counts + (<usize>word(a, 0) << 2), c);
          break;
        }
        case STEP_OP_LIF_DELTA: {
          const m = word(a, 1);
          const off = <usize>slot * <usize>m * 4;
          const c = lif_delta_update(<i32>m, ptr(a, 2), ptr(a, 3), ptr(a, 4), ptr(a, 5) + off, ptr(a, 6), <i32>word(a, 7), ptr(a, 8));
          store<i32>(counts + (<usize>word(a, 0) << 2), c);
          break;
        }
        case STEP_OP_IZH: {
          const m = word(a, 1);
          const off = <usize>slot * <usize>m * 4;
          const c = izhikevich_update(<i32>m, ptr(a, 2), ptr(a, 3), ptr(a, 4), ptr(a, 5), ptr(a, 6), ptr(a, 7) + off, ptr(a, 8) + off, ptr(a, 9), <i32>word(a, 10), <i32>word(a, 11), real(a, 12), ptr(a, 13));
          store<i32>(counts + (<usize>word(a, 0) << 2), c);
          break;
        }
        case STEP_OP_IZH_DELTA: {
          const m = word(a, 1);
          const off = <usize>slot * <usize>m * 4;
          const c = izhikevich_delta_update(<i32>m, ptr(a, 2), ptr(a, 3), ptr(a, 4), ptr(a, 5) + off, ptr(a, 6), <i32>word(a, 7), <i32>word(a, 8), real(a, 9), ptr(a, 10));
          store<i32>(counts + (<usize>word(a, 0) << 2), c);
          break;
        }
        case STEP_OP_POISSON: {
          let c: i32 = 0;
          if (t >= word(a, 1) && t < word(a, 2))
            c = poisson_update(<i32>word(a, 3), rngKey(seed, word(a, 4), t), word(a, 5), ptr(a, 6), <i32>word(a, 7), ptr(a, 8));
          store<i32>(counts + (<usize>word(a, 0) << 2), c);
          break;
        }
        case STEP_OP_THRESHOLD: {
          const m = word(a, 1);
          const c = threshold_update(<i32>m, ptr(a, 2), ptr(a, 3) + <usize>slot * <usize>m * 4, ptr(a, 4), <i32>word(a, 5), t == 0 ? 1 : 0, ptr(a, 6));
          store<i32>(counts + (<usize>word(a, 0) << 2), c);
          break;
        }
        case STEP_OP_RECORD: {
          const pop = <usize>word(a, 0);
          const c = load<i32>(counts + (pop << 2));
          store<i32>(hist + ((pop * <usize>histCap + <usize>done) << 2), c);
          const tp = totals + (pop << 2);
          store<i32>(tp, load<i32>(tp) + c);
          const idx = ptr(a, 2);
          if (idx != 0) {
            const fp = fills + (pop << 2);
            const f = load<i32>(fp);
            if (c > 0) {
              memory.copy(idx + (<usize>f << 2), ptr(a, 1), <usize>c << 2);
              const st = ptr(a, 3) + (<usize>f << 2);
              for (let j = 0; j < c; j++) store<u32>(st + (<usize>j << 2), t);
            }
            store<i32>(fp, f + c);
            if (<i32>word(a, 4) - (f + c) < <i32>word(a, 5)) halt = true;
          }
          break;
        }
        case STEP_OP_PROPAGATE: {
          const c = load<i32>(counts + (<usize>word(a, 0) << 2));
          if (c > 0) {
            const buckets = ptr(a, 12);
            events += <f64>(buckets != 0
              ? defer_propagate(c, ptr(a, 1), ptr(a, 2), ptr(a, 3), ptr(a, 4), real(a, 5), <i32>word(a, 6), ptr(a, 7), ptr(a, 8), <i32>word(a, 9), ptr(a, 10), <i32>word(a, 11), <i32>slots, <i32>slot, buckets, <i32>word(a, 13), ptr(a, 14))
              : propagate(c, ptr(a, 1), ptr(a, 2), ptr(a, 3), ptr(a, 4), real(a, 5), <i32>word(a, 6), ptr(a, 7), ptr(a, 8), <i32>word(a, 9), ptr(a, 10), <i32>word(a, 11), <i32>slots, <i32>slot));
          }
          break;
        }
        case STEP_OP_SAMPLE: {
          if (t % word(a, 0) == 0) {
            const src = ptr(a, 1);
            store<f32>(ptr(a, 2) + (<usize>done << 2), word(a, 3) != 0 ? <f32>load<i32>(src) : load<f32>(src));
          }
          break;
        }
        case STEP_OP_HOST: {
          const pop = <usize>word(a, 0);
          store<i32>(counts + (pop << 2), host_step(<i32>pop, t, slot));
          break;
        }
        case STEP_OP_KERNEL: {
          // a kernel from equations (src/equations/wasm.ts), placed in this module's function table by the host
          const m = <usize>word(a, 2);
          const args = ptr(a, 3);
          const nIn = <i32>word(a, 5);
          for (let j = 0; j < nIn; j++)
            store<u32>(args + (<usize>word(a, 6 + 2 * j) << 2), word(a, 7 + 2 * j) + <u32>(<usize>slot * m * 4));
          store<i32>(counts + (<usize>word(a, 0) << 2), call_indirect<i32>(word(a, 1), <i32>m, args, ptr(a, 4)));
          break;
        }
        case STEP_OP_CHECK: {
          if ((t + 1) % word(a, 0) == 0 && find_nonfinite(ptr(a, 1), <i32>word(a, 2)) >= 0) halt = true;
          break;
        }
        default:
          abort("run_steps: unknown opcode");
      }
      p += <usize>opWords(p) << 2;
    }
    done++;
  }
  store<f64>(prog + (<usize>STEP_H_EVENTS << 2), events);
  return done;
}
