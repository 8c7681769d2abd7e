/**
 * The step program's format as the host writes it (layout STEP_* of src/core/layout.ts; read by
 * run_steps, assembly/steps.ts = src/backend/js/steps.ts): a header and u32 words, some of them
 * float32. What a shard's program holds is src/sim/step-program.ts; Backend.prime writes a small one
 * to warm the loop.
 */
import {
  STEP_HEADER_WORDS, STEP_H_COUNTS, STEP_H_FILLS, STEP_H_HIST, STEP_H_HISTCAP, STEP_H_NOPS, STEP_H_NPOPS, STEP_H_SEED,
  STEP_H_SLOTS, STEP_H_TOTALS,
} from './layout.ts';

/** Steps of one call of the loop at most: the host yields, reports progress and checks the signal between calls. */
export const STEP_CHUNK = 256;

/** A program being written: u32 words, with the positions holding float32 values. */
export class StepProgramWriter {
  readonly words: number[] = [];
  private readonly floats = new Set<number>();
  private ops = 0;

  op(code: number, args: readonly number[], floats: readonly number[] = []): void {
    const at = this.words.length + 1;
    this.words.push(code);
    for (const a of args) {
      if (!Number.isFinite(a)) throw new Error(`internal error: step program op ${code}: argument ${a}`);
      this.words.push(a);
    }
    for (const f of floats) this.floats.add(at + f);
    this.ops++;
  }

  get opCount(): number {
    return this.ops;
  }

  /** Write the header and the ops at byte address `at` (16-byte aligned). */
  write(u32: Uint32Array, f32: Float32Array, at: number, header: { slots: number; seed: number; pops: number; counts: number; totals: number; fills: number; hist: number }): void {
    const h = at >>> 2;
    u32.fill(0, h, h + STEP_HEADER_WORDS);
    u32[h + STEP_H_NOPS] = this.ops;
    u32[h + STEP_H_SLOTS] = header.slots;
    u32[h + STEP_H_SEED] = header.seed >>> 0;
    u32[h + STEP_H_NPOPS] = header.pops;
    u32[h + STEP_H_COUNTS] = header.counts;
    u32[h + STEP_H_TOTALS] = header.totals;
    u32[h + STEP_H_FILLS] = header.fills;
    u32[h + STEP_H_HIST] = header.hist;
    u32[h + STEP_H_HISTCAP] = STEP_CHUNK;
    const o = h + STEP_HEADER_WORDS;
    this.words.forEach((w, k) => {
      if (this.floats.has(k)) f32[o + k] = w;
      else u32[o + k] = w >>> 0;
    });
  }

  /** bytes of the header and the ops */
  get bytes(): number {
    return (STEP_HEADER_WORDS + this.words.length) * 4;
  }
}
