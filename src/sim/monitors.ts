/**
 * Monitors (Brian2 style). Each step the simulator copies what a monitor records from the arena
 * into host-side chunks of fixed size, so the arena only holds the current step and a long run
 * holds every recorded value once.
 */

const CHUNK = 1 << 16;

/** Append-only int32 store in fixed-size chunks (no reallocation of recorded data). */
export class ChunkedInt32 {
  private chunks: Int32Array[] = [];
  private cur: Int32Array = new Int32Array(CHUNK);
  private pos = 0;
  length = 0;

  push(x: number): void {
    if (this.pos === CHUNK) this.flush();
    this.cur[this.pos++] = x;
    this.length++;
  }

  /** append src[from..to) */
  pushRange(src: Int32Array, from: number, to: number): void {
    while (from < to) {
      if (this.pos === CHUNK) this.flush();
      const k = Math.min(CHUNK - this.pos, to - from);
      this.cur.set(src.subarray(from, from + k), this.pos);
      this.pos += k;
      from += k;
      this.length += k;
    }
  }

  /** append `count` copies of x */
  fill(x: number, count: number): void {
    while (count > 0) {
      if (this.pos === CHUNK) this.flush();
      const k = Math.min(CHUNK - this.pos, count);
      this.cur.fill(x, this.pos, this.pos + k);
      this.pos += k;
      count -= k;
      this.length += k;
    }
  }

  private flush(): void {
    this.chunks.push(this.cur);
    this.cur = new Int32Array(CHUNK);
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

/** Append-only float32 store in fixed-size chunks. */
export class ChunkedFloat32 {
  private chunks: Float32Array[] = [];
  private cur = new Float32Array(CHUNK);
  private pos = 0;
  length = 0;

  push(x: number): void {
    if (this.pos === CHUNK) {
      this.chunks.push(this.cur);
      this.cur = new Float32Array(CHUNK);
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

export class SpikeMonitor {
  readonly steps = new ChunkedInt32();
  readonly indices = new ChunkedInt32();
  /** per-neuron filter (1 = recorded) or null for all */
  readonly filter: Uint8Array | null;
  constructor(
    readonly population: number,
    readonly populationName: string,
    size: number,
    neurons?: number[],
  ) {
    if (neurons) {
      this.filter = new Uint8Array(size);
      for (const n of neurons) this.filter[n] = 1;
    } else this.filter = null;
  }

  record(step: number, spikes: Int32Array, from: number, count: number): void {
    if (count === 0) return;
    if (this.filter === null) {
      this.indices.pushRange(spikes, from, from + count);
      this.steps.fill(step, count);
    } else {
      const f = this.filter;
      for (let k = from; k < from + count; k++) {
        const i = spikes[k];
        if (f[i]) {
          this.indices.push(i);
          this.steps.push(step);
        }
      }
    }
  }

  data(dt: number): SpikeData {
    const i = this.indices.toArray();
    const steps = this.steps.toArray();
    const t = new Float64Array(steps.length);
    for (let k = 0; k < steps.length; k++) t[k] = steps[k] * dt;
    return { population: this.populationName, i, steps, t, count: i.length };
  }
}

/** Population rate: spike count of the whole population per step (Brian2's PopulationRateMonitor). */
export class RateMonitor {
  readonly counts = new ChunkedInt32();
  firstStep = -1;
  constructor(
    readonly population: number,
    readonly populationName: string,
    readonly size: number,
  ) {}
  record(step: number, count: number): void {
    if (this.firstStep < 0) this.firstStep = step;
    this.counts.push(count);
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
}

/** State variables of chosen neurons every `every` steps (Brian2's StateMonitor). */
export class StateMonitor {
  readonly steps = new ChunkedInt32();
  readonly values: ChunkedFloat32[][]; // [variable][neuron]
  constructor(
    readonly population: number,
    readonly populationName: string,
    readonly variables: string[],
    readonly neurons: number[],
    readonly every: number,
  ) {
    this.values = variables.map(() => neurons.map(() => new ChunkedFloat32()));
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
}
