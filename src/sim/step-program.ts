/**
 * The step program: what the step loop (run_steps, assembly/steps.ts = src/backend/js/steps.ts)
 * runs for every step of a one-shard run, written into the arena as u32 words (layout STEP_* of
 * src/core/layout.ts, written by src/core/step-program.ts's StepProgramWriter). Its ops are the kernel calls of Shard.step and Shard.deliverOwn, in their
 * order: the deferred flush (each ring slot touched, then the bucket applied), the Poisson and
 * noise inputs, each population's update, the records (every population's spike count, and its
 * spikes where a spike monitor wants them), then every projection's delivery.
 *
 * What the loop does not do stays with the host: between chunks of steps it samples the state and
 * synapse monitors, changes the current inputs' bias and checks for NaN, at the steps where the
 * host's loop would. A model with a feature the loop has no op for (see `hostReason`) runs in the
 * host's loop.
 */
import type { PrimedKernel } from '../backend/types.ts';
import type { BuiltNetwork } from '../core/types.ts';
import { defersDelivery, hasVariableDelays, type Delivery } from '../core/delivery.ts';
import { neuronModel } from '../neurons/index.ts';
import { ARENA_ALIGN, sliceOf, STEP_HEADER_WORDS } from '../core/layout.ts';
import { STEP_CHUNK } from '../core/step-program.ts';

/** Spikes a recorded population's arrays hold: two steps of every neuron spiking, at least 1,024. */
export const recordCap = (m: number): number => Math.max(1024, 2 * m);

/**
 * Program words of a population at most: its update (15 words at most for a built-in model, 7 + 2
 * per input channel for a kernel from equations), its record (7), a touch per input channel (3
 * each) and a NaN check per state variable (4 each; `vars`: those of its equations, or 4, the most
 * a built-in model has).
 */
export const popProgramWords = (channels: number, vars: number): number => Math.max(15, 7 + 2 * channels) + 7 + 3 * channels + 4 * vars;

/** State variables a population's NaN checks cover at most (popProgramWords). */
export const loopVars = (equationStates: number | undefined): number => equationStates ?? 4;

/**
 * The (variable, neuron) pairs of the state monitors the loop samples itself: all of them when
 * they are at most MAX_LOOP_SAMPLES, else none (the host samples them between calls, which then
 * end at every sampled step).
 */
export const MAX_LOOP_SAMPLES = 4096;
export function loopSamples(monitors: readonly { type: string; variables?: readonly string[]; neurons?: readonly number[] }[]): number {
  const n = monitors.reduce((a, m) => a + (m.type === 'state' ? (m.variables?.length ?? 0) * (m.neurons?.length ?? 0) : 0), 0);
  return n <= MAX_LOOP_SAMPLES ? n : 0;
}

/** What the step loop's part depends on, per population. */
export interface LoopPopulation {
  m: number;
  recorded: boolean;
  channels: number;
  vars: number;
}

/** Where the step loop keeps what (byte offsets from the start of its arena part). */
export interface StepLoopLayout {
  bytes: number;
  /** the program's room (a bound, see POP_PROGRAM_WORDS) */
  programBytes: number;
  counts: number;
  totals: number;
  fills: number;
  hist: number;
  /** the state monitors' samples: f32[samples][STEP_CHUNK], one row per (monitor, variable, neuron) */
  sampled: number;
  samples: number;
  /** per population: its spikes' indices and steps (u32[cap] each), cap 0 when no spike monitor records it */
  records: { idx: number; steps: number; cap: number }[];
}

/**
 * The arena part 'step loop' of a one-shard run, which the estimate counts: a bound on the
 * program (header, deferred flush, each population's words (popProgramWords), a delivery per
 * projection, an input op per input, a sample op per state monitor pair), each population's spike
 * count, total, fill and count history (STEP_CHUNK steps), the state monitors' samples
 * (loopSamples) and the spike arrays of the populations a spike monitor records. Fixed by the
 * model, so that the plan and the arena agree.
 */
export function stepLoopLayout(pops: readonly LoopPopulation[], projections: number, inputs: number, samples: number, minProgramBytes = 0): StepLoopLayout {
  const align = (b: number) => Math.max(ARENA_ALIGN, Math.ceil(b / ARENA_ALIGN) * ARENA_ALIGN);
  const popWords = pops.reduce((a, p) => a + popProgramWords(p.channels, p.vars), 0);
  const programBytes = align(Math.max(minProgramBytes, (STEP_HEADER_WORDS + 4 + popWords + projections * 16 + inputs * 10 + samples * 5) * 4));
  let o = programBytes;
  const take = (bytes: number) => {
    const at = o;
    o += align(bytes);
    return at;
  };
  const counts = take(pops.length * 4), totals = take(pops.length * 4), fills = take(pops.length * 4);
  const hist = take(pops.length * STEP_CHUNK * 4);
  const sampled = samples > 0 ? take(samples * STEP_CHUNK * 4) : o;
  const records = pops.map((p) => {
    if (!p.recorded) return { idx: 0, steps: 0, cap: 0 };
    const cap = recordCap(p.m);
    return { idx: take(cap * 4), steps: take(cap * 4), cap };
  });
  return { bytes: o, programBytes, counts, totals, fills, hist, sampled, samples, records };
}


/**
 * The step kernels of shard `index` of `count` (Backend.prime warms them before the shard is
 * built): its populations' updates, its inputs, the delivery it will use, the NaN check.
 */
export function primedKernels(net: BuiltNetwork, index: number, count: number, delivery: Delivery, checkEvery: number): PrimedKernel[] {
  const s = new Set<PrimedKernel>();
  let cells = 0;
  for (const p of net.populations) {
    const [b, e] = sliceOf(p.size, index, count);
    cells += p.channels * (e - b);
    for (const k of neuronModel(p.model).primed?.(p) ?? []) s.add(k);
  }
  for (const inp of net.inputs) {
    if (inp.type === 'poisson') s.add('poisson_input');
    else if (inp.type === 'noise') s.add('noise_input');
  }
  const defers = defersDelivery(delivery, hasVariableDelays(net), net.ringSlots, cells);
  if (net.projections.length) s.add(defers ? 'defer_propagate' : 'propagate');
  if (defers) s.add('defer_flush').add('touch_lines');
  if (checkEvery > 0) s.add('find_nonfinite');
  return [...s];
}
