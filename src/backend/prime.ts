/**
 * Warming the step kernels (Backend.prime): each kernel named runs on scratch memory at the start
 * of the arena, enough times for V8 to compile it with its optimising tier (TurboFan) in the
 * background; the scratch is then zeroed, as a fresh arena is. V8 tiers a WebAssembly function up
 * once it has run for a while (its tiering budget, roughly bytes of code executed: 64 calls over
 * 1,024 neurons or synapses exhaust it), and a call already running does not switch to the new
 * code. Without this, a short run spends its first steps in the baseline code (Liftoff) of its
 * kernels and shares the machine with their compilation (bench/README.md, "Fast by default").
 */
import type { Backend, PrimedKernel } from './types.ts';
import { STEP_OP_RECORD } from '../core/layout.ts';
import { STEP_CHUNK, StepProgramWriter } from '../core/step-program.ts';

const N = 1024;
const CALLS = 64;

/** bytes of scratch: 12 arrays of N words, a parameter block, a CSR row, the buckets */
const SCRATCH = 64 * N * 4;

export function primeKernels(b: Backend, names: readonly PrimedKernel[]): void {
  if (names.length === 0) return;
  b.reserve(SCRATCH);
  const K = b.kernels;
  const at = (k: number) => b.base + k * N * 4; // array k of N words
  const params = at(0), rowPtr = at(1), spikes = at(2), table = at(3), fill = at(4);
  const u32 = new Uint32Array(b.buffer);
  u32[rowPtr >>> 2] = 0;
  u32[(rowPtr >>> 2) + 1] = N; // row 0: targets 0..N-1 of the syn array
  // four spikes of source 0 a call: the delivery's budget is spent per synapse (64 calls of one
  // row of 1,024 did not always tier it up before a small network's build was done)
  const syn = at(5), ring = at(6); // ring: 4 slots of N cells (arrays 6..9)
  for (let k = 0; k < N; k++) u32[(syn >>> 2) + k] = k;
  u32[table >>> 2] = 0x80000000;
  const v = at(10), u = at(11), ie = at(12), ii = at(13), bias = at(14), ref = at(15), out = at(16);
  const buckets = at(20); // 4 slots of cap N entries (8 bytes each): arrays 20..51
  for (let c = 0; c < CALLS; c++) {
    const slot = c & 3;
    for (const name of names) {
      switch (name) {
        case 'lif_update': // both loops: with the bias term and without (bias = 0)
          K.lif_update(N, v, ie, ii, ref, bias, ring, ring + N * 4, params, 0, out);
          K.lif_update(N, v, ie, ii, ref, 0, ring, ring + N * 4, params, 0, out);
          break;
        case 'lif_delta_update': K.lif_delta_update(N, v, ref, bias, ring, params, 0, out); break;
        case 'izhikevich_update': K.izhikevich_update(N, v, u, ie, ii, bias, ring, ring + N * 4, params, 0, 1, 0.1, out); break;
        case 'izhikevich_delta_update': K.izhikevich_delta_update(N, v, u, bias, ring, params, 0, 1, 0.1, out); break;
        case 'poisson_update': K.poisson_update(N, c, 0, table, 0, out); break;
        case 'threshold_update': K.threshold_update(N, v, ring, params, 0, 0, out); break;
        case 'poisson_input': K.poisson_input(N, c, 0, table, 1, 0.5, ring); break;
        case 'noise_input': K.noise_input(N, c, 0, 0, 1, ring); break;
        case 'propagate': K.propagate(4, spikes, rowPtr, syn, 0, 0.5, 0, 0, 0, 1, ring, N, 4, slot); break;
        case 'defer_propagate': K.defer_propagate(4, spikes, rowPtr, syn, 0, 0.5, 0, 0, 0, 1, ring, N, 4, slot, buckets, N, fill); break;
        case 'defer_flush': K.defer_flush(slot, 4, buckets, N, fill); break;
        case 'touch_lines': K.touch_lines(ring, 4 * N * 4); break;
        case 'find_nonfinite': K.find_nonfinite(v, N); break;
      }
    }
  }
  // the step loop itself (run_steps: a call of 256 steps runs in the code it started with, so its
  // first calls of a short run would run in the baseline code): a program of one record op, a
  // population that never spikes
  {
    const w = new StepProgramWriter();
    w.op(STEP_OP_RECORD, [0, spikes, 0, 0, 0, 0]); // population 0, its spikes, no spike record: counts only
    const prog = at(52), counts = at(53); // counts, totals, fills: one word each
    w.write(u32, new Float32Array(b.buffer), prog, { slots: 1, seed: 0, pops: 1, counts, totals: counts + 4, fills: counts + 8, hist: at(54) });
    for (let c = 0; c < CALLS; c++) K.run_steps(prog, c * STEP_CHUNK, STEP_CHUNK); // hist: STEP_CHUNK words of array 54
  }
  new Uint8Array(b.buffer, b.base, SCRATCH).fill(0);
}
