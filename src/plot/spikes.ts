/**
 * Spikes in chunks (from `sim.takeSpikes(population)`), for streaming output (CLI `--stream`) and
 * the live display of the web demo. Browser-safe: no Node built-ins.
 */

/** Spikes of one population: parallel arrays (Brian2's i, t), as returned by sim.takeSpikes. */
export interface SpikeChunk {
  population: string;
  i: Int32Array;
  steps: Int32Array;
  t?: Float64Array;
  count: number;
}

/**
 * CSV rows `t_ms,population,index` of one chunk of model time: rows sorted by step, then by the
 * order of `chunks` (population order), then by index (as recorded: ascending within a step).
 * Concatenating the rows of consecutive chunks gives exactly the rows of the whole run.
 * `decimals`: digits of t_ms (see timeDecimals in src/io/output.ts).
 */
export function csvRows(chunks: readonly SpikeChunk[], dt: number, decimals: number): string {
  let out = '';
  for (const piece of csvRowPieces(chunks, dt, decimals)) out += piece;
  return out;
}

/**
 * The rows of csvRows in pieces of about `pieceChars` characters (whole steps), for writing a long
 * run's spikes: one string of millions of rows, built by concatenation, costs ~150 bytes of memory
 * per row (the 1 M thalamocortical network's 15 M recorded spikes took 2.2 GB), a piece ~20.
 */
export function* csvRowPieces(chunks: readonly SpikeChunk[], dt: number, decimals: number, pieceChars = 1 << 20): Generator<string> {
  const pos = chunks.map(() => 0);
  let out = '';
  for (;;) {
    let step = Infinity;
    for (let k = 0; k < chunks.length; k++) {
      const c = chunks[k];
      if (pos[k] < c.count && c.steps[pos[k]] < step) step = c.steps[pos[k]];
    }
    if (step === Infinity) break;
    const t = (step * dt).toFixed(decimals);
    for (let k = 0; k < chunks.length; k++) {
      const c = chunks[k];
      let p = pos[k];
      while (p < c.count && c.steps[p] === step) out += `${t},${c.population},${c.i[p++]}\n`;
      pos[k] = p;
    }
    if (out.length >= pieceChars) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}
