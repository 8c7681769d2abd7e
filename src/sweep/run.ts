/**
 * `axonal sweep MODEL --set PATH=VALUES ... --out DIR`: every point of the grid (src/sweep/grid.ts)
 * is validated before anything runs, then run over the cores (one simulation per worker thread,
 * each on one thread), and one row per run is appended to DIR/sweep.csv, in run order, as the runs
 * finish. DIR/sweep.json holds the sweep's definition; started again with the same definition, the
 * sweep resumes after the last row written (a stop with Ctrl-C loses only the runs in flight).
 * `--plot` draws DIR/sweep.svg (and .png): the first population's rate over the first axis (one line
 * per value of the second), or a heat map over the first two axes when both have several values
 * (other axes averaged).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ModelSpec } from '../core/types.ts';
import { DEFAULT_DURATION, validateModel } from '../network/index.ts';
import { applyPath, gridPoints, parseSet, SweepError, type SweepAxis } from './grid.ts';
import type { SweepJob, SweepResult } from './worker.ts';
import { sweepSvg } from './plot.ts';
import { importExternal } from '../core/import.ts';

export interface SweepOptions {
  set: string[];
  out: string;
  duration?: number;
  jobs?: number;
  backend: 'wasm' | 'js';
  plot?: boolean;
  restart?: boolean;
  quiet?: boolean;
}

const METRICS = ['rate_hz', 'cv', 'synchrony'] as const;

/** The header of sweep.csv. */
export function sweepHeader(axes: readonly SweepAxis[], populations: readonly string[]): string {
  return ['run', ...axes.map((a) => a.path), ...populations.flatMap((p) => METRICS.map((m) => `${p}_${m}`)), 'spikes', 'run_seconds'].join(',');
}

/** The model of grid point `values`, and its validation issues. */
export function pointModel(spec: ModelSpec, axes: readonly SweepAxis[], values: readonly number[]): ModelSpec {
  const m = structuredClone(spec) as unknown as Record<string, unknown>;
  axes.forEach((a, k) => applyPath(m, a.path, values[k]));
  return m as unknown as ModelSpec;
}

/** Run (or resume) a sweep; resolves to the number of runs done, or rejects with a SweepError. */
export async function sweepCommand(spec: ModelSpec, modelPath: string, o: SweepOptions, signal?: AbortSignal): Promise<{ done: number; total: number; stopped: boolean; files: string[] }> {
  if (!o.set.length) throw new SweepError('--set is required: at least one PATH=VALUES, e.g. --set seed=1..5');
  const axes = o.set.map(parseSet);
  const dup = axes.find((a, k) => axes.findIndex((b) => b.path === a.path) !== k);
  if (dup) throw new SweepError(`--set ${dup.path}: given twice`);
  const points = gridPoints(axes);
  const durationMs = o.duration ?? (typeof spec.duration === 'number' ? spec.duration : DEFAULT_DURATION);
  // every point valid before anything runs
  const models = points.map((p, k) => {
    const m = pointModel(spec, axes, p);
    const issues = validateModel(m);
    if (issues.length)
      throw new SweepError(`run ${k} (${axes.map((a, j) => `${a.path}=${p[j]}`).join(', ')}): ${issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}; nothing was run`, false);
    return m;
  });
  const pops = models[0].populations.map((p) => p.name);
  const header = sweepHeader(axes, pops);

  mkdirSync(o.out, { recursive: true });
  const csvPath = join(o.out, 'sweep.csv');
  const defPath = join(o.out, 'sweep.json');
  const definition = { model: modelPath, axes, duration_ms: durationMs, backend: o.backend, runs: points.length, header };
  let done = 0;
  if (!o.restart && existsSync(defPath) && existsSync(csvPath)) {
    const old = JSON.parse(readFileSync(defPath, 'utf8'));
    if (JSON.stringify({ ...old, model: modelPath }) !== JSON.stringify(definition))
      throw new SweepError(`${o.out} holds another sweep (${defPath} differs): give another --out, or --restart to start this one over`, false);
    const { parse } = await importExternal<typeof import('csv-parse/sync')>('csv-parse/sync');
    const rows: string[][] = parse(readFileSync(csvPath, 'utf8'), { skip_empty_lines: true, relax_column_count: true });
    if (rows[0]?.join(',') !== header) throw new SweepError(`${csvPath}: the header is not this sweep's; --restart to start over`, false);
    // rows are written in run order: the complete ones are a prefix (a torn last line is dropped)
    const cols = header.split(',').length;
    while (done < rows.length - 1 && rows[done + 1].length === cols && Number(rows[done + 1][0]) === done) done++;
    const keep = rows.slice(0, done + 1).map((r) => r.join(',') + '\n').join('');
    writeFileSync(csvPath, keep);
  } else {
    writeFileSync(defPath, JSON.stringify(definition, null, 2) + '\n');
    writeFileSync(csvPath, header + '\n');
  }

  const out = createWriteStream(csvPath, { flags: 'a' });
  let writeError: Error | null = null;
  out.on('error', (e) => (writeError ??= e));
  const total = points.length;
  const jobs = Math.max(1, Math.min(o.jobs ?? availableParallelism(), total - done));
  const pending = new Map<number, SweepResult>();
  let next = done;
  let written = done;
  let failed: SweepResult | null = null;
  const progress = (msg: string) => {
    if (!o.quiet && process.stderr.isTTY) process.stderr.write(msg);
  };
  const row = (r: SweepResult): string => {
    const p = points[r.index];
    const m = pops.flatMap((name) => METRICS.map((k) => String(r.metrics![name][k])));
    return [r.index, ...p, ...m, r.spikes, r.runSeconds!.toFixed(4)].join(',') + '\n';
  };
  const workers: Worker[] = [];
  // dist/sweep-worker.js, next to this bundle (or from the sources, in dist/)
  const workerUrl = new URL(/\/src\/sweep\/[^/]+$/.test(import.meta.url) ? '../../dist/sweep-worker.js' : './sweep-worker.js', import.meta.url);
  await new Promise<void>((resolve) => {
    let active = 0;
    const finish = () => {
      if (active === 0) resolve();
    };
    const dispatch = (w: Worker) => {
      if (failed || signal?.aborted || next >= total || writeError) {
        finish();
        return;
      }
      const index = next++;
      active++;
      const job: SweepJob = { index, model: models[index], durationMs, backend: o.backend };
      w.postMessage(job);
    };
    const onAbort = () => {
      for (const w of workers) void w.terminate();
      active = 0;
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    for (let j = 0; j < jobs; j++) {
      const w = new Worker(workerUrl);
      workers.push(w);
      w.on('message', (r: SweepResult) => {
        active--;
        if (r.error) failed ??= r;
        else {
          pending.set(r.index, r);
          let text = '';
          while (pending.has(written)) {
            text += row(pending.get(written)!);
            pending.delete(written++);
          }
          if (text) out.write(text);
          progress(`\rsweep: ${written}/${total} runs`);
        }
        dispatch(w);
      });
      w.on('error', (e) => {
        active--;
        failed ??= { index: -1, error: e.message };
        finish();
      });
      dispatch(w);
    }
  });
  await Promise.all(workers.map((w) => w.terminate()));
  // (a stream that failed emits no 'finish': wait for 'close' too, else the process ends silently with status 0)
  if (!writeError && !out.destroyed) {
    out.end();
    await Promise.race([once(out, 'finish'), once(out, 'close')]).catch(() => undefined);
  }
  progress('\n');
  if (writeError) throw writeError;
  if (failed) {
    const f = failed as SweepResult;
    const p = points[f.index];
    throw new SweepError(`run ${f.index}${p ? ` (${axes.map((a, j) => `${a.path}=${p[j]}`).join(', ')})` : ''} failed: ${f.error}; the ${written} runs before it are in ${csvPath}`, false);
  }
  const files = [csvPath, defPath];
  if (o.plot && written > 0) {
    const { parse } = await importExternal<typeof import('csv-parse/sync')>('csv-parse/sync');
    const rows: string[][] = parse(readFileSync(csvPath, 'utf8'), { skip_empty_lines: true });
    const svg = sweepSvg(axes, rows, pops[0], `${spec.name || modelPath}: ${written} of ${total} runs, ${durationMs} ms each`);
    writeFileSync(join(o.out, 'sweep.svg'), svg);
    files.push(join(o.out, 'sweep.svg'));
    const { writePng } = await import('../plot/png.ts');
    if (await writePng(join(o.out, 'sweep.png'), svg, 'sweep.png')) files.push(join(o.out, 'sweep.png'));
  }
  return { done: written, total, stopped: written < total, files };
}
