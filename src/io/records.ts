/**
 * The model's monitors written to disk by `axonal run` (README "Command line", docs/model-format.md
 * "Monitors"): every monitor as declared, in one pass at the end of the run or chunk by chunk
 * (--stream), giving the same bytes either way.
 *
 *   spikes.csv         t_ms,population,index            every spike monitor, sorted by time, then population order, then index
 *   state_<k>.csv      t_ms,population,index,<var>_<unit>,...   the state monitor monitors[k]: one row per sample and neuron, values in the docs' units
 *   rate_<k>.csv       t_ms,population,count,rate_hz     the rate monitor monitors[k]: every step
 *   synapses_<k>.csv   t_ms,projection,count            the synapses monitor monitors[k]
 *
 * k is the monitor's position in the model file's `monitors`. Population and projection names are
 * identifiers (validate.ts), so no field needs quoting. Each `drain` takes what the simulation
 * recorded since the last one (the spike, state and rate stores are emptied; the small synapse-count
 * series is read from a cursor), so memory stays bounded by one chunk.
 */
import { createWriteStream, statSync, truncateSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Simulation } from '../sim/simulation.ts';
import type { MonitorSpec } from '../core/types.ts';
import { csvRowPieces, type SpikeChunk } from '../plot/spikes.ts';
import { neuronModel } from '../neurons/index.ts';
import { timeDecimals } from './output.ts';

/** A recorded file could not be written (the message names it and the system's reason, e.g. ENOSPC). */
export class OutputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OutputError';
  }
}

/**
 * One CSV file written in order, with backpressure; the first write error (a full disk, a removed
 * folder) is kept and thrown at the next write or at close, naming the file. A stream that failed
 * emits neither 'drain' nor 'finish' again, so every wait also ends at 'close': without that a
 * failed write left a promise that never settled, and Node exited with status 0 and no summary.
 */
class CsvFile {
  private readonly out: WriteStream;
  private error: Error | null = null;
  /** bytes handed to the stream so far (the header included) */
  bytes = 0;
  /**
   * A new file with its header line, or (appendAt, a checkpoint's length of it) the file cut back
   * to that length and written on from there.
   */
  constructor(readonly path: string, header: string, appendAt?: number) {
    if (appendAt === undefined) {
      this.out = createWriteStream(path);
      this.count(header + '\n');
      this.out.write(header + '\n');
    } else {
      let size: number;
      try {
        size = statSync(path).size;
      } catch (e) {
        throw new OutputError(`cannot append to ${path}: ${(e as Error).message} (the checkpoint expects ${appendAt} bytes there; resume with another --out to write fresh files)`);
      }
      if (size < appendAt)
        throw new OutputError(`cannot append to ${path}: it holds ${size} bytes, the checkpoint expects at least ${appendAt} (resume with another --out to write fresh files)`);
      truncateSync(path, appendAt);
      this.bytes = appendAt;
      this.out = createWriteStream(path, { flags: 'a' });
    }
    this.out.on('error', (e) => (this.error ??= new OutputError(`writing ${path}: ${e.message}`, { cause: e })));
  }
  private count(text: string): void {
    this.bytes += Buffer.byteLength(text);
  }
  /** Wait until everything written so far has reached the file. */
  async sync(): Promise<void> {
    if (this.error) throw this.error;
    if (!this.out.destroyed) await new Promise<void>((res) => this.out.write('', () => res()));
    if (this.error) throw this.error;
  }
  private settled(event: 'drain' | 'finish'): Promise<unknown> {
    return Promise.race([once(this.out, event), once(this.out, 'close')]).catch(() => undefined);
  }
  async write(text: string): Promise<void> {
    if (this.error) throw this.error;
    if (text) this.count(text);
    if (text && !this.out.write(text) && !this.out.destroyed) await this.settled('drain');
    if (this.error) throw this.error;
  }
  async close(): Promise<void> {
    if (!this.error && !this.out.destroyed) {
      this.out.end();
      await this.settled('finish');
    }
    if (this.error) throw this.error;
  }
}

/** The unit of a state variable in the docs' units, and the factor from the kernel's value to it. */
export function stateUnit(sim: Simulation, population: string, variable: string): { unit: string; scale: number } {
  const p = sim.network.populations.find((q) => q.name === population)!;
  if (p.model === 'equations') {
    const st = p.equations!.compiled.state.find((s) => s.name === variable);
    return st ? { unit: st.unit === '1' ? '' : st.unit, scale: 1 / st.factor } : { unit: '', scale: 1 };
  }
  const u = neuronModel(p.model).rules?.initialUnit(variable, p.synapse as never) ?? '';
  return { unit: /^[A-Za-z]+$/.test(u) ? u : '', scale: 1 };
}

const header = (name: string, unit: string) => (unit ? `${name}_${unit}` : name);

export interface RecordOptions {
  /** write spikes.csv (false: --no-spikes) */
  spikes: boolean;
  /** the model file's monitors, to number the files as monitors[k] */
  declared: readonly MonitorSpec[];
  /** receives every spike chunk taken (the raster of --plot) */
  onSpikes?: (chunks: SpikeChunk[]) => void;
  /** resume into the same files (a checkpoint's RecordWriter.state()): cut each back to its length then and write on */
  append?: RecordState;
}

/** Where the files stood (for a checkpoint): bytes per file name, and the synapse-monitor rows written. */
export interface RecordState {
  files: Record<string, number>;
  synapsesDone: number[];
}

export class RecordWriter {
  readonly files: string[] = [];
  private spikes: CsvFile | null = null;
  private readonly states: { index: number; file: CsvFile; vars: { name: string; scale: number }[] }[] = [];
  private readonly rates: { index: number; file: CsvFile }[] = [];
  private readonly synapses: { projection: string; file: CsvFile; done: number }[] = [];
  private readonly decimals: number;

  constructor(readonly sim: Simulation, dir: string, readonly o: RecordOptions) {
    this.decimals = timeDecimals(sim.dt);
    const opened: CsvFile[] = [];
    const open = (name: string, head: string) => {
      const at = o.append?.files[name];
      if (o.append && at === undefined) throw new OutputError(`cannot append to ${join(dir, name)}: the checkpoint's run did not write it (resume with another --out to write fresh files)`);
      let f: CsvFile;
      try {
        f = new CsvFile(join(dir, name), head, at);
      } catch (e) {
        opened.forEach((x) => x.close().catch(() => {}));
        throw e;
      }
      opened.push(f);
      this.names.set(f, name);
      this.files.push(f.path);
      return f;
    };
    if (o.spikes) this.spikes = open('spikes.csv', 't_ms,population,index');
    // the files are numbered by the position of their monitor in the model file
    let si = 0, ri = 0;
    o.declared.forEach((m, k) => {
      if (m.type === 'state') {
        const vars = m.variables.map((v) => ({ name: v, ...stateUnit(sim, m.population, v) }));
        this.states.push({ index: si++, vars, file: open(`state_${k}.csv`, ['t_ms', 'population', 'index', ...vars.map((v) => header(v.name, v.unit))].join(',')) });
      } else if (m.type === 'rate') {
        this.rates.push({ index: ri++, file: open(`rate_${k}.csv`, 't_ms,population,count,rate_hz') });
      } else if (m.type === 'synapses') {
        this.synapses.push({ projection: m.projection, done: o.append?.synapsesDone[this.synapses.length] ?? 0, file: open(`synapses_${k}.csv`, 't_ms,projection,count') });
      }
    });
  }

  private readonly names = new Map<CsvFile, string>();

  private all(): CsvFile[] {
    return [this.spikes, ...this.states.map((s) => s.file), ...this.rates.map((r) => r.file), ...this.synapses.map((y) => y.file)].filter((f): f is CsvFile => !!f);
  }

  /** Wait until everything drained so far is in the files (before a checkpoint records where they stand). */
  async sync(): Promise<void> {
    for (const f of this.all()) await f.sync();
  }

  /** Where the files stand: what a checkpoint keeps to resume into them (RecordOptions.append). */
  state(): RecordState {
    const files: Record<string, number> = {};
    for (const f of this.all()) files[this.names.get(f)!] = f.bytes;
    return { files, synapsesDone: this.synapses.map((y) => y.done) };
  }

  /** Write what was recorded since the last drain. */
  async drain(): Promise<void> {
    const sim = this.sim;
    const dt = sim.dt, dec = this.decimals;
    const chunks: SpikeChunk[] = sim
      .spikeMonitorList()
      .slice()
      .sort((a, b) => a.population - b.population)
      .map((m) => m.take(dt));
    this.o.onSpikes?.(chunks);
    if (this.spikes) for (const piece of csvRowPieces(chunks, dt, dec)) await this.spikes.write(piece);
    for (const s of this.states) {
      const d = sim.takeState(s.index);
      let text = '';
      for (let j = 0; j < d.t.length; j++) {
        const t = d.t[j].toFixed(dec);
        d.neurons.forEach((n, ni) => {
          text += `${t},${d.population},${n}`;
          for (const v of s.vars) text += `,${d.values[v.name][ni][j] * v.scale}`;
          text += '\n';
        });
        if (text.length > 1 << 20) {
          await s.file.write(text);
          text = '';
        }
      }
      await s.file.write(text);
    }
    for (const r of this.rates) {
      const d = sim.takeRate(r.index);
      let text = '';
      for (let j = 0; j < d.t.length; j++) text += `${d.t[j].toFixed(dec)},${d.population},${d.counts[j]},${d.rate[j]}\n`;
      await r.file.write(text);
    }
    for (const y of this.synapses) {
      const h = sim.synapseHistory(y.projection);
      let text = '';
      for (let j = y.done; j < h.t.length; j++) text += `${h.t[j].toFixed(dec)},${y.projection},${h.count[j]}\n`;
      y.done = h.t.length;
      await y.file.write(text);
    }
  }

  /** Close every file (after the last drain); throws the first write error. */
  async close(): Promise<void> {
    let err: unknown = null;
    for (const f of this.all()) {
      try {
        await f.close();
      } catch (e) {
        err ??= e;
      }
    }
    if (err) throw err;
  }
}

