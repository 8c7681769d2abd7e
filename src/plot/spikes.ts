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
  }
  return out;
}
