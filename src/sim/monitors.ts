/**
 * Monitors (Brian2 style). Each step the simulator copies what a monitor records from the arena
 * into host-side chunks of fixed size, so the arena only holds the current step and a long run
 * holds every recorded value once.
 */

/** The largest chunk; the first holds FIRST values and each next one twice the last, up to CHUNK. */
const CHUNK = 1 << 16;
const FIRST = 1 << 10;

/**
 * Append-only int32 store in chunks (no reallocation of recorded data). Chunks start small and
 * double: a run holding a few values (and a shard's stores renewed at every run) allocates a few
 * KiB, not a full chunk per store.
 */
export class ChunkedInt32 {
  private chunks: Int32Array[] = [];
  private cur: Int32Array = new Int32Array(0);
  private pos = 0;
  length = 0;

  push(x: number): void {
    if (this.pos === this.cur.length) this.flush();
    this.cur[this.pos++] = x;
    this.length++;
  }

  /** append src[from..to) */
  pushRange(src: Int32Array, from: number, to: number): void {
    while (from < to) {
      if (this.pos === this.cur.length) this.flush();
      const k = Math.min(this.cur.length - this.pos, to - from);
      this.cur.set(src.subarray(from, from + k), this.pos);
      this.pos += k;
      from += k;
      this.length += k;
    }
  }

  /** append `count` copies of x */
  fill(x: number, count: number): void {
    while (count > 0) {
      if (this.pos === this.cur.length) this.flush();
      const k = Math.min(this.cur.length - this.pos, count);
      this.cur.fill(x, this.pos, this.pos + k);
      this.pos += k;
      count -= k;
      this.length += k;
    }
  }

  private flush(): void {
    if (this.pos > 0) this.chunks.push(this.cur);
    this.cur = new Int32Array(Math.min(CHUNK, Math.max(FIRST, 2 * this.cur.length)));
    this.pos = 0;
  }

  toArray(): Int32Array {
    const out = new Int32Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    out.set(this.cur.subarray(0, this.pos), o);
    return out;
  }
}

/** Append-only float32 store in chunks (as ChunkedInt32). */
export class ChunkedFloat32 {
  private chunks: Float32Array[] = [];
  private cur = new Float32Array(0);
  private pos = 0;
  length = 0;

  push(x: number): void {
    if (this.pos === this.cur.length) {
      if (this.pos > 0) this.chunks.push(this.cur);
      this.cur = new Float32Array(Math.min(CHUNK, Math.max(FIRST, 2 * this.cur.length)));
      this.pos = 0;
    }
    this.cur[this.pos++] = x;
    this.length++;
  }

  toArray(): Float32Array {
    const out = new Float32Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    out.set(this.cur.subarray(0, this.pos), o);
    return out;
  }
}

/** Recorded spikes of one population: parallel arrays of neuron indices and times (Brian2's i, t). */
export interface SpikeData {
  population: string;
  /** neuron index within the population */
  i: Int32Array;
  /** spike step (time = step * dt) */
  steps: Int32Array;
  /** spike time, ms */
  t: Float64Array;
  count: number;
}

/** Spikes of one population recorded on the main thread, merged from the shards. */
export class SpikeMonitor {
  steps = new ChunkedInt32();
  indices = new ChunkedInt32();
  constructor(
    readonly population: number,
    readonly populationName: string,
  ) {}

  /** append spikes sorted by step, then index */
  append(steps: Int32Array, indices: Int32Array): void {
    this.steps.pushRange(steps, 0, steps.length);
    this.indices.pushRange(indices, 0, indices.length);
  }

  data(dt: number): SpikeData {
    const i = this.indices.toArray();
    const steps = this.steps.toArray();
    const t = new Float64Array(steps.length);
    for (let k = 0; k < steps.length; k++) t[k] = steps[k] * dt;
    return { population: this.populationName, i, steps, t, count: i.length };
  }

  /** the data recorded so far, forgotten here (streaming) */
  take(dt: number): SpikeData {
    const d = this.data(dt);
    this.steps = new ChunkedInt32();
    this.indices = new ChunkedInt32();
    return d;
  }
}

/**
 * Merge the spikes of several shards (each sorted by step, then index; shard s holds lower
 * indices than shard s+1) into one list sorted by step, then index.
 */
export function mergeShardSpikes(parts: { steps: Int32Array; indices: Int32Array }[]): { steps: Int32Array; indices: Int32Array } {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.steps.length;
  const steps = new Int32Array(n);
  const indices = new Int32Array(n);
  const pos = parts.map(() => 0);
  let o = 0;
  while (o < n) {
    let step = 0x7fffffff;
    for (let s = 0; s < parts.length; s++) if (pos[s] < parts[s].steps.length && parts[s].steps[pos[s]] < step) step = parts[s].steps[pos[s]];
    for (let s = 0; s < parts.length; s++) {
      const P = parts[s];
      let k = pos[s];
      while (k < P.steps.length && P.steps[k] === step) {
        steps[o] = step;
        indices[o++] = P.indices[k++];
      }
      pos[s] = k;
    }
  }
  return { steps, indices };
}

/** Population rate: spike count of the whole population per step (Brian2's PopulationRateMonitor). */
export class RateMonitor {
  counts = new ChunkedInt32();
  firstStep = -1;
  constructor(
    readonly population: number,
    readonly populationName: string,
    readonly size: number,
  ) {}
  append(firstStep: number, counts: Int32Array): void {
    if (counts.length === 0) return;
    if (this.firstStep < 0) this.firstStep = firstStep;
    this.counts.pushRange(counts, 0, counts.length);
  }
  /** rate in Hz per step and the step times in ms */
  data(dt: number): { population: string; t: Float64Array; rate: Float64Array; counts: Int32Array } {
    const counts = this.counts.toArray();
    const t = new Float64Array(counts.length);
    const rate = new Float64Array(counts.length);
    const scale = 1000 / (this.size * dt);
    for (let k = 0; k < counts.length; k++) {
      t[k] = (this.firstStep + k) * dt;
      rate[k] = counts[k] * scale;
    }
    return { population: this.populationName, t, rate, counts };
  }
  /** the data recorded so far, forgotten here (streaming) */
  take(dt: number): ReturnType<RateMonitor['data']> {
    const d = this.data(dt);
    this.counts = new ChunkedInt32();
    if (d.counts.length) this.firstStep += d.counts.length;
    return d;
  }
}

/** State variables of chosen neurons every `every` steps (Brian2's StateMonitor). */
export class StateMonitor {
  steps = new ChunkedInt32();
  /** [variable][position in `neurons`] */
  values: ChunkedFloat32[][];
  constructor(
    readonly population: number,
    readonly populationName: string,
    readonly variables: string[],
    readonly neurons: number[],
    readonly every: number,
  ) {
    this.values = variables.map(() => neurons.map(() => new ChunkedFloat32()));
  }
  /** append what the shards sampled: steps (the same for every shard) and per shard its neurons' values */
  append(steps: Int32Array, parts: { neurons: number[]; values: Float32Array[][] }[]): void {
    this.steps.pushRange(steps, 0, steps.length);
    for (const part of parts) {
      // part.neurons is this.neurons filtered to the shard's slice, in order
      let k = 0;
      for (let pos = 0; pos < this.neurons.length && k < part.neurons.length; pos++) {
        if (this.neurons[pos] !== part.neurons[k]) continue;
        this.variables.forEach((_, vi) => {
          const col = this.values[vi][pos];
          for (const x of part.values[vi][k]) col.push(x);
        });
        k++;
      }
    }
  }
  data(dt: number): {
    population: string;
    neurons: number[];
    t: Float64Array;
    values: Record<string, Float32Array[]>;
  } {
    const steps = this.steps.toArray();
    const t = new Float64Array(steps.length);
    for (let k = 0; k < steps.length; k++) t[k] = steps[k] * dt;
    const values: Record<string, Float32Array[]> = {};
    this.variables.forEach((v, vi) => (values[v] = this.values[vi].map((c) => c.toArray())));
    return { population: this.populationName, neurons: this.neurons, t, values };
  }
  /** the data recorded so far, forgotten here (streaming) */
  take(dt: number): ReturnType<StateMonitor['data']> {
    const d = this.data(dt);
    this.steps = new ChunkedInt32();
    this.values = this.variables.map(() => this.neurons.map(() => new ChunkedFloat32()));
    return d;
  }
}
