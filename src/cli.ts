/**
 * axonal command line.
 *   axonal run <model.json | circuit_config.json | simulation_config.json> [--backend wasm|js] [--duration ms] [--seed n] [--threads n] [--out dir]
 *                           [--delivery auto|ring|deferred] [--stream] [--plot] [--dry-run] [--checkpoint file [--checkpoint-every ms]] [--quiet] ...
 *   axonal validate <model.json>
 *   axonal resume <snapshot> [--duration ms] [--backend b] [--threads n] [--out dir]
 *   axonal info [snapshot] [--json]
 *   axonal generate thalamocortical --neurons N [--columns C] [--seed s] [--duration ms] [--synapses kind] [--stdp] [--out model.json]
 *   axonal analyze <model.json> [--spikes out/spikes.csv] [--out dir] [--bin ms] [--frames list]
 * Exit codes: 0 success, 1 model or run error, 2 usage error; a run stopped by SIGINT (Ctrl-C) or
 * SIGTERM writes what it recorded (summary.json "completed": false) and exits 130 or 143.
 */
import { DELIVERY_MODES, type Delivery } from './core/delivery.ts';
import { grouped } from './core/format.ts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, freemem, totalmem, platform, arch } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Simulation, SimulationError, SnapshotError, type PlanSummary } from './sim/simulation.ts';
import { ModelError, validateModel, DEFAULT_DURATION } from './network/index.ts';
import { readModelFile, ModelFileError } from './io/model-file.ts';
import { summarize } from './io/output.ts';
import { OutputError, RecordWriter, type RecordState } from './io/records.ts';
import { detectFeatures } from './backend/index.ts';
import { VERSION } from './version.ts';
import type { ModelSpec, MonitorSpec } from './core/types.ts';
import { RasterCollector, rasterSvg } from './plot/raster.ts';
import type { SpikeChunk } from './plot/spikes.ts';
import { thalamocorticalModel } from './models/thalamocortical.ts';
import { importExternal } from './core/import.ts';

/** Bytes one WebAssembly memory can address (4 GiB): the limit of one shard's arena. */
const WASM_MEMORY_BYTES = 2 ** 32;

function parseNumber(name: string, integer = false, min = -Infinity) {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x)))
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a finite number'}, got "${v}"`);
    if (x < min) throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${v}`);
    return x;
  };
}

function parseThreads(v: string): number | 'auto' {
  return v === 'auto' ? 'auto' : parseNumber('--threads', true, 1)(v);
}

function fail(e: unknown): never {
  if (e instanceof ModelError || e instanceof ModelFileError || e instanceof SimulationError || e instanceof OutputError || e instanceof SnapshotError) {
    process.stderr.write(`axonal: ${e.message}\n`);
  } else {
    process.stderr.write(`axonal: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  process.exit(1);
}

/** --backend, --variant and --delivery of run and resume: a usage error (exit 2) naming the option. */
function checkEngineOptions(o: { backend: string; variant?: string; delivery: string }): void {
  if (o.backend !== 'wasm' && o.backend !== 'js') usage(`--backend must be wasm or js, got "${o.backend}"`);
  if (o.variant && !['simd', 'scalar', 'debug'].includes(o.variant)) usage(`--variant must be simd, scalar or debug, got "${o.variant}"`);
  if (o.variant && o.backend === 'js') usage('--variant applies to --backend wasm only');
  if (!DELIVERY_MODES.includes(o.delivery as Delivery)) usage(`--delivery must be auto, ring or deferred, got "${o.delivery}"`);
}

function usage(msg: string): never {
  process.stderr.write(`axonal: ${msg}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------


function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let k = 0;
  while (v >= 1024 && k < u.length - 1) {
    v /= 1024;
    k++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${u[k]}`;
}

function wall(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.floor(s - m * 60)).padStart(2, '0')} s`;
}

function speed(modelMs: number, wallS: number): string {
  if (wallS <= 0 || modelMs <= 0) return '-';
  const x = modelMs / 1000 / wallS;
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

export async function main(argv: string[]): Promise<void> {
  const cores = availableParallelism();
  const program = new Command();
  program
    .name('axonal')
    .description('Spiking neural network engine: WebAssembly hot loop, bit-identical pure-JS backend')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText('after', '\nExit codes: 0 success, 1 model or run error, 2 usage error, 130/143 stopped by SIGINT/SIGTERM.');

  program
    .command('run')
    .description("run a model file or a SONATA circuit; writes <out>/summary.json and the model's monitors: spikes.csv, state_<k>.csv, rate_<k>.csv, synapses_<k>.csv (and the raster figure with --plot; spikes.h5 as well for a SONATA circuit)")
    .argument('<model>', 'model file (JSON), see docs/model-format.md, or a SONATA circuit_config.json / simulation_config.json (docs/sonata.md)')
    .addOption(new Option('-b, --backend <name>', 'wasm or js').default('wasm'))
    .option('-d, --duration <ms>', "model time to simulate, ms (default: the model's duration)", parseNumber('--duration', false, 0))
    .option('-s, --seed <n>', "random seed, integer 0..2^32-1 (default: the model's seed)", parseNumber('--seed', true))
    .option('-t, --threads <n>', `worker threads (one shard each): auto or an integer >= 1 (default: the model's "threads", else auto: one thread for small or fast-exchanging networks, all ${cores} cores for large ones)`, parseThreads)
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--variant <name>', 'wasm build: simd, scalar or debug (default: simd when supported)')
    .option('--delivery <mode>', 'spike delivery: auto, ring or deferred (the same spikes; only the speed differs, see README)', 'auto')
    .option('--record <what>', "model: the model's monitors as declared (default; a model without monitors: all); all: every spike of every population instead of the model's spike monitors, with its other monitors")
    .option('--no-spikes', 'do not write spikes.csv')
    .option('--stream', 'write every monitor during the run, chunk by chunk, so memory stays bounded; a stopped run keeps what it wrote')
    .option('--chunk <ms>', 'with --stream: model time per chunk written, ms', parseNumber('--chunk', false), 100)
    .option('--plot', 'also write <out>/raster.svg and <out>/raster.png: spike raster over binned population rates')
    .option('--dry-run', 'print the memory plan per part and per shard, then exit without running')
    .option('--checkpoint <file>', 'write a snapshot of the whole state to this file at the end of the run and on Ctrl-C (atomically: a crash keeps the previous one); axonal resume <file> continues it')
    .option('--checkpoint-every <ms>', 'with --checkpoint: also every so much model time, ms', parseNumber('--checkpoint-every', false))
    .option('-q, --quiet', 'print nothing but errors (no progress bar, no summary)')
    .addHelpText(
      'after',
      '\nA progress bar (model time, wall time, speed relative to real time) is shown when stdout is a terminal.\n' +
        'Ctrl-C stops the run cleanly: what was recorded is written and summary.json says "completed": false.',
    )
    .action(async (modelPath: string, o) => {
      checkEngineOptions(o);
      if (o.seed !== undefined && (o.seed < 0 || o.seed > 0xffffffff)) usage(`--seed must be an integer in 0..4294967295, got ${o.seed}`);
      if (!(o.chunk > 0)) usage(`--chunk must be > 0 ms, got ${o.chunk}`);
      if (o.record !== undefined && o.record !== 'model' && o.record !== 'all') usage(`--record must be model or all, got "${o.record}"`);
      if (o.checkpointEvery !== undefined && !o.checkpoint) usage('--checkpoint-every needs --checkpoint <file>');
      if (o.checkpointEvery !== undefined && !(o.checkpointEvery > 0)) usage(`--checkpoint-every must be > 0 ms, got ${o.checkpointEvery}`);
      await runCommand(modelPath, o);
    });

  program
    .command('resume')
    .description("continue a run from its checkpoint (axonal run --checkpoint): into the run's own --out folder, appending to its files, or into fresh files with another --out")
    .argument('<file>', 'a snapshot written by axonal run --checkpoint or sim.saveSnapshot')
    .addOption(new Option('-b, --backend <name>', 'wasm or js (any: the snapshot does not depend on it)').default('wasm'))
    .option('-d, --duration <ms>', 'model time to run from the checkpoint, ms (default: what remains of the run that wrote it)', parseNumber('--duration', false, 0))
    .option('-t, --threads <n>', 'worker threads: auto or an integer >= 1 (any: the snapshot does not depend on it)', parseThreads)
    .option('-o, --out <dir>', "output directory (default: the run's own, whose files are appended to)")
    .option('--variant <name>', 'wasm build: simd, scalar or debug (default: simd when supported)')
    .option('--delivery <mode>', 'spike delivery: auto, ring or deferred', 'auto')
    .option('--stream', "write every monitor during the run (default: as the run that wrote the checkpoint)")
    .option('--chunk <ms>', 'with --stream: model time per chunk written, ms', parseNumber('--chunk', false))
    .option('--checkpoint <file>', 'checkpoint into this file (default: the one resumed from)')
    .option('--checkpoint-every <ms>', 'also every so much model time, ms (default: as the run that wrote it)', parseNumber('--checkpoint-every', false))
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', '\nThe spikes, state and weights after resuming are those of an uninterrupted run, to the bit, on any backend and thread count.')
    .action(async (file: string, o) => {
      checkEngineOptions(o);
      if (o.chunk !== undefined && !(o.chunk > 0)) usage(`--chunk must be > 0 ms, got ${o.chunk}`);
      if (o.checkpointEvery !== undefined && !(o.checkpointEvery > 0)) usage(`--checkpoint-every must be > 0 ms, got ${o.checkpointEvery}`);
      await resumeCommand(file, o);
    });

  program
    .command('validate')
    .description('check a model file and report every error with its path')
    .argument('<model>', 'model file (JSON)')
    .action((modelPath: string) => {
      try {
        const spec = readModelFile(modelPath);
        const issues = validateModel(spec);
        if (issues.length) {
          for (const i of issues) process.stderr.write(`${i.path || '(model)'}: ${i.message}\n`);
          process.stderr.write(`${modelPath}: ${issues.length} error${issues.length > 1 ? 's' : ''}\n`);
          process.exit(1);
        }
        process.stdout.write(`${modelPath}: valid\n`);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('generate')
    .description('write a generated model file (JSON) to stdout or --out; see docs/thalamocortical.md')
    .argument('<kind>', 'generator: thalamocortical')
    .option('-n, --neurons <n>', 'total number of neurons (cortex and thalamus), integer > 0', parseNumber('--neurons', true), 10000)
    .option('-c, --columns <n>', 'number of columns on a near-square grid (default: a square number giving ~800 neurons per column)', parseNumber('--columns', true))
    .option('-s, --seed <n>', 'seed written into the model, integer 0..2^32-1', parseNumber('--seed', true), 1)
    .option('-d, --duration <ms>', 'default run length written into the model, ms', parseNumber('--duration', false, 0), 1000)
    .option('--spacing <um>', 'distance between column centres, µm', parseNumber('--spacing', false), 100)
    .option('--velocity <m/s>', 'intracortical conduction velocity, m/s', parseNumber('--velocity', false), 0.2)
    .option('--record <fraction>', 'fraction of every population whose spikes the model records', parseNumber('--record', false), 1)
    .addOption(new Option('--synapses <kind>', "conductance: the paper's neurons, receptors, depression and drawn weights; current: Izhikevich 2003 neurons, current synapses, one weight per projection").choices(['conductance', 'current']).default('conductance'))
    .option('--stdp', "STDP (Izhikevich 2006) on the cortical E -> E synapses; needs --synapses current")
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action((kind: string, o) => {
      if (kind !== 'thalamocortical') usage(`unknown generator "${kind}"; available: thalamocortical`);
      if (o.seed < 0 || o.seed > 0xffffffff) usage(`--seed must be an integer in 0..4294967295, got ${o.seed}`);
      let spec: ModelSpec;
      try {
        spec = thalamocorticalModel({
          neurons: o.neurons, columns: o.columns, seed: o.seed, durationMs: o.duration, spacing: o.spacing, velocity: o.velocity, recordFraction: o.record,
          synapses: o.synapses, stdp: o.stdp ?? false,
        });
      } catch (e) {
        if (e instanceof RangeError) usage(e.message);
        throw e;
      }
      // a file names the package's JSON Schema (relative to it), so that an editor checks and completes it
      const schema = relative(dirname(resolve(o.out ?? '.')), fileURLToPath(new URL('../schema/model.json', import.meta.url)));
      const json = JSON.stringify(o.out ? { $schema: schema.split(sep).join('/'), ...spec } : spec, null, 1) + '\n';
      if (o.out) {
        // as run's --out: the folder is made if missing
        try {
          mkdirSync(dirname(resolve(o.out)), { recursive: true });
          writeFileSync(o.out, json);
        } catch (e) {
          throw new OutputError(`--out ${o.out}: cannot write the model file: ${(e as Error).message}`, { cause: e });
        }
      }
      else process.stdout.write(json);
    });

  program
    .command('analyze')
    .description('analyse a run of a model with sheets (e.g. generate thalamocortical): column/layer raster, rates, spectra, sheet activity maps')
    .argument('<model>', 'the model file that was run')
    .option('--spikes <file>', 'spikes.csv of the run (axonal run ... --out dir)', 'out/spikes.csv')
    .option('-o, --out <dir>', 'output directory', 'out/analysis')
    .option('--bin <ms>', 'bin of the population rates and spectra, ms', parseNumber('--bin', false), 1)
    .option('--frame <ms>', 'width of the time window of each sheet map, ms', parseNumber('--frame', false), 10)
    .option('--frames <list>', 'start times of the sheet maps, ms, comma-separated (default: 6 evenly spaced)')
    .option('--t0 <ms>', 'leave out the spikes before this time (warm-up), ms', parseNumber('--t0', false, 0), 0)
    .option('-d, --duration <ms>', "length of the run that was analysed, ms (default: the model's duration)", parseNumber('--duration', false, 0))
    .option('--no-png', 'write the SVG figures only')
    .action(async (modelPath: string, o) => {
      const { analyzeCommand } = await import('./analysis/sheet-report.ts');
      try {
        const written = await analyzeCommand(modelPath, o);
        process.stdout.write(`wrote ${written.join(', ')}\n`);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('sweep')
    .description('run a model over a grid of parameter values, one run per worker over the cores; one row per run in <out>/sweep.csv (resumes where it stopped)')
    .argument('<model>', 'model file (JSON)')
    .option('--set <path=values>', "an axis of the grid, repeatable: 'projections[0].weight=0.05:0.15:11' (a:b:n), 'seed=1..5', 'populations[E].params.i_offset=0.5,1,2'", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('-o, --out <dir>', 'output directory', 'out/sweep')
    .option('-d, --duration <ms>', "model time of each run, ms (default: the model's duration)", parseNumber('--duration', false, 0))
    .option('-j, --jobs <n>', `runs at a time (default: the ${cores} cores)`, parseNumber('--jobs', true, 1))
    .addOption(new Option('-b, --backend <name>', 'wasm or js').default('wasm'))
    .option('--plot', 'also write <out>/sweep.svg and .png: the first population\'s rate over the grid')
    .option('--restart', 'start over in an --out that holds another or the same sweep')
    .option('-q, --quiet', 'no progress line')
    .addHelpText('after', '\nThe grid is every combination of the --set axes (the last varies fastest); every point is validated before any runs.\nColumns: run, the axes, per population <name>_rate_hz, <name>_cv (mean ISI CV), <name>_synchrony (spike-count chi), spikes, run_seconds.\nCtrl-C stops after writing the rows done; the same command resumes.')
    .action(async (modelPath: string, o) => {
      if (o.backend !== 'wasm' && o.backend !== 'js') usage(`--backend must be wasm or js, got "${o.backend}"`);
      const { sweepCommand } = await import('./sweep/run.ts');
      const { SweepError } = await import('./sweep/grid.ts');
      let spec: ModelSpec;
      try {
        spec = readModelFile(modelPath);
      } catch (e) {
        fail(e);
      }
      const controller = new AbortController();
      const onInt = () => controller.abort();
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onInt);
      try {
        const r = await sweepCommand(spec, modelPath, o, controller.signal);
        if (r.stopped) {
          process.stderr.write(`axonal: sweep stopped: ${r.done} of ${r.total} runs in ${r.files[0]}; the same command resumes\n`);
          process.exit(130);
        }
        if (!o.quiet) process.stdout.write(`${r.total} runs; wrote ${r.files.join(', ')}\n`);
      } catch (e) {
        if (e instanceof SweepError) {
          if (e.usage) usage(e.message);
          process.stderr.write(`axonal: ${e.message}\n`);
          process.exit(1);
        }
        fail(e);
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onInt);
      }
    });

  program
    .command('export')
    .description('write the network as built for a seed in another format: --format sonata, a SONATA circuit NEST reads, with run_nest.py (docs/sonata.md)')
    .argument('<model>', 'model file (JSON)')
    .requiredOption('--format <format>', 'sonata')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('-s, --seed <n>', "random seed, integer 0..2^32-1 (default: the model's seed)", parseNumber('--seed', true))
    .action(async (modelPath: string, o: { format: string; out: string; seed?: number }) => {
      if (o.format !== 'sonata') usage(`--format must be sonata, got "${o.format}"`);
      try {
        const { exportSonata } = await import('./io/sonata.ts');
        const r = await exportSonata(readModelFile(modelPath), o.out, { seed: o.seed });
        for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
        const edges = Object.values(r.edges).reduce((a, b) => a + b, 0);
        process.stdout.write(`${o.out}: SONATA circuit, ${Object.keys(r.nodes).length} node populations, ${edges} edges in ${Object.keys(r.edges).length} edge populations; run it in NEST with python3 ${join(o.out, 'run_nest.py')}\n`);
      } catch (e) {
        fail(e);
      }
    });

  program
    .command('info')
    .description('print version, backend features (SIMD, threads) and memory limits; with a snapshot file, describe the snapshot')
    .argument('[file]', 'a snapshot (axonal run --checkpoint, sim.saveSnapshot)')
    .option('--json', 'print the same as JSON')
    .action(async (file: string | undefined, o: { json?: boolean }) => {
      if (file !== undefined) {
        try {
          const { describeSnapshotFile } = await import('./io/snapshot-info.ts');
          const d = await describeSnapshotFile(file);
          process.stdout.write(o.json ? JSON.stringify(d.json, null, 2) + '\n' : d.text);
        } catch (e) {
          fail(e);
        }
        return;
      }
      const info = await collectInfo();
      if (o.json) {
        process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      const t = info.threads;
      process.stdout.write(
        [
          `axonal ${info.version}`,
          `node ${info.node} (${info.platform})`,
          `backends: wasm (${info.wasm.variant ?? 'unavailable'}), js`,
          `wasm: ${info.wasm.available ? 'yes' : 'no'}, simd: ${info.wasm.simd ? 'yes' : 'no'}`,
          `threads: ${t.available ? 'available' : 'not available'} (worker_threads: ${t.worker_threads ? 'yes' : 'no'}, ` +
            `SharedArrayBuffer: ${t.shared_array_buffer ? 'yes' : 'no'}), ${t.cores} cores; run --threads defaults to auto (1, or all ${t.cores} cores for a large network; or the model's "threads")`,
          `memory: ${bytes(info.memory.wasm_memory_bytes)} per WebAssembly memory (one arena per shard, one shard per thread); ` +
            `machine ${bytes(info.memory.total_bytes)} total, ${bytes(info.memory.free_bytes)} free; ` +
            `JS heap limit ${bytes(info.memory.js_heap_limit_bytes)}`,
          '',
        ].join('\n'),
      );
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
      process.exit(2);
    }
    fail(e);
  }
}

async function collectInfo() {
  const f = detectFeatures();
  let workerThreads = false;
  try {
    const wt = await importExternal<typeof import('node:worker_threads')>('node:worker_threads');
    workerThreads = typeof wt.Worker === 'function';
  } catch {
    workerThreads = false;
  }
  const sab = typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
  const cores = availableParallelism();
  return {
    version: VERSION,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    wasm: { available: f.wasm, simd: f.simd, variant: f.wasmVariant },
    threads: { available: workerThreads && sab, worker_threads: workerThreads, shared_array_buffer: sab, cores },
    memory: {
      wasm_memory_bytes: WASM_MEMORY_BYTES,
      total_bytes: totalmem(),
      free_bytes: freemem(),
      js_heap_limit_bytes: getHeapStatistics().heap_size_limit,
    },
  };
}

interface RunOpts {
  checkpoint?: string;
  checkpointEvery?: number;
  backend: 'wasm' | 'js';
  duration?: number;
  seed?: number;
  /** undefined: the model's `threads`, else 'auto' (Simulation's default) */
  threads?: number | 'auto';
  out: string;
  variant?: 'simd' | 'scalar' | 'debug';
  delivery: Delivery;
  spikes: boolean;
  record?: 'model' | 'all';
  stream?: boolean;
  chunk: number;
  plot?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
}

async function runCommand(modelPath: string, o: RunOpts): Promise<void> {
  let spec: ModelSpec;
  // a SONATA circuit_config.json or simulation_config.json: the model of the circuit (docs/sonata.md, Import)
  const sonata = await import('./io/sonata-import.ts').then((m) => (m.isSonataConfig(modelPath) ? m : null));
  try {
    spec = sonata ? await sonata.importSonata(modelPath, { onWarning: (w) => process.stderr.write(`warning: ${w}\n`) }) : readModelFile(modelPath);
  } catch (e) {
    fail(e);
  }
  if (o.dryRun) {
    await dryRun(spec, o);
    return;
  }

  // --record all (or a model without monitors): one unfiltered spike monitor per population
  // replaces the model's own spike monitors (its state, rate and synapse monitors stay)
  const declared: MonitorSpec[] = Array.isArray(spec.monitors) ? spec.monitors : [];
  const record = o.record ?? (declared.length ? 'model' : 'all');
  let monitors: MonitorSpec[] | undefined = spec.monitors;
  if (record === 'all' && Array.isArray(spec.populations)) {
    monitors = [
      ...declared.filter((m) => m?.type !== 'spikes'),
      ...spec.populations.filter((p) => p && typeof p.name === 'string').map((p) => ({ type: 'spikes' as const, population: p.name })),
    ];
  }

  const durationMs = o.duration ?? (typeof spec.duration === 'number' ? spec.duration : DEFAULT_DURATION);
  // before building anything when the model's dt is usable (else Simulation.create reports it)
  if (typeof spec.dt === 'number' && spec.dt > 0) {
    if (o.duration !== undefined) onGrid('--duration', durationMs, spec.dt);
    if (o.checkpointEvery !== undefined) onGrid('--checkpoint-every', o.checkpointEvery, spec.dt);
  }

  let sim: Simulation;
  try {
    sim = await Simulation.create({ ...spec, monitors }, { backend: o.backend, seed: o.seed, variant: o.variant, threads: o.threads, delivery: o.delivery });
  } catch (e) {
    fail(e);
  }
  const dt = sim.dt;
  try {
    onGrid('--duration', durationMs, dt);
    if (o.checkpointEvery !== undefined) onGrid('--checkpoint-every', o.checkpointEvery, dt);
  } catch (e) {
    sim.dispose();
    throw e;
  }
  await execute(sim, {
    modelPath, out: o.out, totalSteps: Math.round(durationMs / dt), declared, record, spikes: o.spikes, stream: !!o.stream, chunk: o.chunk,
    plot: !!o.plot, quiet: !!o.quiet, sonata, checkpoint: o.checkpoint ? resolve(o.checkpoint) : null, checkpointEvery: o.checkpointEvery ?? null,
    append: null, priorSeconds: 0,
  });
}

/** A usage error (exit 2) unless `ms` is a whole number of steps of dt. */
function onGrid(option: string, ms: number, dt: number): void {
  const steps = Math.round(ms / dt);
  if (Math.abs(steps * dt - ms) > 1e-6 * Math.max(1, ms)) usage(`${option}: ${ms} ms is not a whole number of steps of dt = ${dt} ms`);
  if (option === '--checkpoint-every' && steps < 1) usage(`--checkpoint-every must be at least one step (${dt} ms), got ${ms}`);
}

/** What `axonal run --checkpoint` keeps in the snapshot (its `app` data) for `axonal resume`. */
interface CliCheckpoint {
  command: 'axonal run';
  model: string;
  /** the run's output folder (absolute), its files' lengths and synapse-monitor rows at the checkpoint */
  out: string;
  records: RecordState;
  /** the step the whole run ends at */
  totalSteps: number;
  runSeconds: number;
  declared: MonitorSpec[];
  record: 'model' | 'all';
  spikes: boolean;
  stream: boolean;
  chunk: number;
  checkpoint: string;
  checkpointEvery: number | null;
}

interface ResumeOpts {
  backend: 'wasm' | 'js';
  duration?: number;
  threads?: number | 'auto';
  out?: string;
  variant?: 'simd' | 'scalar' | 'debug';
  delivery: Delivery;
  stream?: boolean;
  chunk?: number;
  checkpoint?: string;
  checkpointEvery?: number;
  quiet?: boolean;
}

async function resumeCommand(file: string, o: ResumeOpts): Promise<void> {
  let sim: Simulation;
  try {
    sim = await Simulation.load(file, { backend: o.backend, variant: o.variant, threads: o.threads, delivery: o.delivery });
  } catch (e) {
    fail(e);
  }
  const app = (sim.restoredFrom?.app ?? null) as CliCheckpoint | null;
  const dt = sim.dt;
  const fromCli = app?.command === 'axonal run';
  const out = o.out ?? (fromCli ? app.out : 'out');
  const same = fromCli && resolve(out) === app.out;
  let totalSteps: number;
  try {
    if (o.duration !== undefined) {
      onGrid('--duration', o.duration, dt);
      totalSteps = sim.step + Math.round(o.duration / dt);
    } else totalSteps = fromCli ? app.totalSteps : sim.step + sim.network.steps;
    if (o.checkpointEvery !== undefined) onGrid('--checkpoint-every', o.checkpointEvery, dt);
    if (totalSteps <= sim.step)
      usage(`${file}: the run that wrote it ended at t = ${+(sim.step * dt).toFixed(6)} ms; give --duration <ms> to run on from there`);
  } catch (e) {
    sim.dispose();
    throw e;
  }
  const declared = fromCli ? app.declared : (sim.model?.monitors ?? []);
  await execute(sim, {
    modelPath: fromCli ? app.model : file, out, totalSteps, declared, record: fromCli ? app.record : 'model', spikes: fromCli ? app.spikes : true,
    stream: o.stream ?? (fromCli ? app.stream : false), chunk: o.chunk ?? (fromCli ? app.chunk : 100), plot: false, quiet: !!o.quiet, sonata: null,
    checkpoint: o.checkpoint ? resolve(o.checkpoint) : fromCli ? app.checkpoint : null,
    checkpointEvery: o.checkpointEvery ?? (fromCli ? app.checkpointEvery : null),
    append: same ? app.records : null, priorSeconds: fromCli ? app.runSeconds : 0, resumedFrom: { file: resolve(file), t_ms: sim.step * dt, appended: same },
  });
}

interface ExecuteOpts {
  modelPath: string;
  out: string;
  /** the step to run to */
  totalSteps: number;
  declared: MonitorSpec[];
  record: 'model' | 'all';
  spikes: boolean;
  stream: boolean;
  chunk: number;
  plot: boolean;
  quiet: boolean;
  sonata: typeof import('./io/sonata-import.ts') | null;
  /** the checkpoint file (absolute) and how often, ms of model time (null: at the end and on Ctrl-C only) */
  checkpoint: string | null;
  checkpointEvery: number | null;
  /** resume into the same files */
  append: RecordState | null;
  /** run seconds before this process (a resumed run) */
  priorSeconds: number;
  resumedFrom?: { file: string; t_ms: number; appended: boolean };
}

/** Run a built (or restored) simulation to x.totalSteps, writing its records, checkpoints and summary.json. */
async function execute(sim: Simulation, x: ExecuteOpts): Promise<void> {
  const controller = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    if (stoppedBy) process.exit(sig === 'SIGINT' ? 130 : 143); // second signal: stop now
    stoppedBy = sig;
    controller.abort();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');

  const dt = sim.dt;
  const { totalSteps, sonata } = x;
  const startStep = sim.step;
  // --stream runs chunk by chunk, taking the spikes of each; otherwise one run (still stoppable: the signal)
  const chunkSteps = x.stream ? Math.max(1, Math.round(x.chunk / dt)) : Math.max(1, totalSteps - startStep);
  const everySteps = x.checkpointEvery ? Math.round(x.checkpointEvery / dt) : 0;
  const pops = sim.network.populations.map((p) => ({ name: p.name, size: p.size }));
  const raster = x.plot ? new RasterCollector(pops, { dt, durationMs: totalSteps * dt }) : null;
  const popIndex = new Map(pops.map((p, k) => [p.name, k]));
  // a SONATA circuit's spikes also go to <out>/spikes.h5 (SONATA's spike file), kept until the end
  const sonataSpikes = sonata && x.spikes ? new Map<string, { steps: number[]; i: number[] }>() : null;
  const onSpikes = raster || sonataSpikes ? (chunks: SpikeChunk[]) => chunks.forEach((c) => {
    raster?.add(popIndex.get(c.population)!, c.steps, c.i, c.count);
    if (sonataSpikes) {
      const s = sonataSpikes.get(c.population) ?? sonataSpikes.set(c.population, { steps: [], i: [] }).get(c.population)!;
      for (let k = 0; k < c.count; k++) s.steps.push(c.steps[k]), s.i.push(c.i[k]);
    }
  }) : undefined;
  let records: RecordWriter;
  try {
    mkdirSync(x.out, { recursive: true });
    records = new RecordWriter(sim, x.out, { spikes: x.spikes, declared: x.declared, append: x.append ?? undefined, onSpikes });
  } catch (e) {
    sim.dispose();
    fail(e);
  }
  const drain = async () => {
    if (x.stream) await records.drain();
  };

  let runSeconds = 0;
  const checkpoints = { count: 0, bytes: 0, seconds: 0, t_ms: 0 };
  const checkpointNow = async () => {
    // the records drained so far reach their files first, so that the checkpoint says where they stand
    await records.sync();
    const app: CliCheckpoint = {
      command: 'axonal run', model: resolve(x.modelPath), out: resolve(x.out), records: records.state(), totalSteps,
      runSeconds: x.priorSeconds + runSeconds, declared: x.declared, record: x.record, spikes: x.spikes, stream: x.stream, chunk: x.chunk,
      checkpoint: x.checkpoint!, checkpointEvery: x.checkpointEvery,
    };
    let r: { bytes: number; seconds: number };
    try {
      r = await sim.saveSnapshot(x.checkpoint!, { app });
    } catch (e) {
      // a full disk or a missing folder: the run's error, said without a stack; the previous checkpoint stays
      throw new OutputError(`writing the checkpoint ${x.checkpoint}: ${(e as Error).message}`, { cause: e });
    }
    checkpoints.count++;
    checkpoints.bytes = r.bytes;
    checkpoints.seconds += r.seconds;
    checkpoints.t_ms = sim.time;
  };

  const showBar = !x.quiet && process.stdout.isTTY === true;
  const bar = showBar ? await makeBar(`${sim.network.name || x.modelPath} (${threadsLabel(sim)})`, totalSteps - startStep, dt) : null;

  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let runError: unknown = null;
  try {
    bar?.start(totalSteps - startStep, 0);
    while (sim.step < totalSteps && !controller.signal.aborted) {
      let n = Math.min(chunkSteps, totalSteps - sim.step);
      if (everySteps) n = Math.min(n, everySteps - (sim.step % everySteps));
      const before = sim.step - startStep;
      const res = await sim.run(n * dt, {
        signal: controller.signal,
        progressEvery: bar ? Math.max(1, Math.round(n / 8)) : undefined,
        onProgress: bar ? (d) => bar.update(before + d) : undefined,
      });
      runSeconds += res.seconds;
      bar?.update(sim.step - startStep);
      await drain();
      if (res.aborted) break;
      if (everySteps && sim.step % everySteps === 0 && sim.step < totalSteps) await checkpointNow();
      // let signal handlers and stream writes run between chunks
      await new Promise((r) => setImmediate(r));
    }
  } catch (e) {
    runError = e;
  } finally {
    bar?.stop();
  }
  // the checkpoint at the end (or at Ctrl-C), after the records are in their files; not after an
  // error: the state would not be a state of the model, and the last periodic checkpoint stays
  if (x.checkpoint && runError === null) {
    try {
      await records.drain();
      await checkpointNow();
    } catch (e) {
      runError = e;
    }
  }

  const completed = runError === null && sim.step === totalSteps;
  try {
    const base = summarize(sim, x.priorSeconds + runSeconds);
    // everything (or, streamed, what the last, failed or stopped chunk recorded); a write error
    // (a full disk) is the run's error, and summary.json still says so
    await records.drain().catch((e) => (runError ??= e));
    await records.close().catch((e) => (runError ??= e));
    const summary = {
      ...base,
      threads: sim.threads,
      threads_requested: sim.threadsRequested,
      ...(threadsReason(sim) ? { threads_reason: threadsReason(sim) } : {}),
      record: x.record,
      completed,
      ...(stoppedBy ? { stopped_by: stoppedBy } : {}),
      ...(runError ? { error: (runError as Error)?.message ?? String(runError) } : {}),
      streamed: x.stream,
      ...(x.resumedFrom ? { resumed_from: x.resumedFrom } : {}),
      ...(checkpoints.count ? { checkpoint: { file: x.checkpoint, t_ms: checkpoints.t_ms, bytes: checkpoints.bytes, written: checkpoints.count, seconds: checkpoints.seconds } } : {}),
    };
    writeFileSync(join(x.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    const written = [join(x.out, 'summary.json'), ...records.files];
    if (checkpoints.count) written.push(x.checkpoint!);
    if (sonata && sonataSpikes) {
      await sonata.writeSonataSpikes(join(x.out, 'spikes.h5'), [...sonataSpikes].map(([name, s]) => ({ name, ...s })), dt);
      written.push(join(x.out, 'spikes.h5'));
    }
    if (raster) {
      raster.finish(sim.step);
      const svg = rasterSvg(raster, {
        title: `${base.model || x.modelPath}: ${grouped(base.neurons)} neurons, ${grouped(base.synapses)} synapses`,
        subtitle:
          `${+base.duration_ms.toFixed(6)} ms of model time (dt ${base.dt_ms} ms) in ${runSeconds.toFixed(2)} s, ` +
          `${speed(base.duration_ms, runSeconds)}x real time; backend ${base.backend} (${base.variant}), ` +
          `${summary.threads} thread${summary.threads > 1 ? 's' : ''}, seed ${base.seed}${completed ? '' : '; run stopped early'}`,
      });
      writeFileSync(join(x.out, 'raster.svg'), svg);
      written.push(join(x.out, 'raster.svg'));
      const { writePng } = await import('./plot/png.ts');
      if (await writePng(join(x.out, 'raster.png'), svg, 'raster.png')) written.push(join(x.out, 'raster.png'));
    }
    if (!x.quiet && runError === null) printSummary(summary, written, completed);
    if (stoppedBy)
      process.stderr.write(
        `axonal: stopped by ${stoppedBy} at t = ${+sim.time.toFixed(6)} ms of ${+(totalSteps * dt).toFixed(6)} ms; ` +
          `wrote what was recorded until then (summary.json "completed": false)${checkpoints.count ? `; axonal resume ${x.checkpoint} continues it` : ''}\n`,
      );
  } catch (e) {
    runError ??= e;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    sim.dispose();
  }
  if (runError) {
    if (!(runError instanceof SimulationError || runError instanceof ModelError)) fail(runError);
    process.stderr.write(`axonal: ${(runError as Error).message}\n`);
    process.stderr.write(`axonal: the run stopped early; wrote what was recorded until then to ${x.out} (summary.json "completed": false)\n`);
    process.exit(1);
  }
  if (stoppedBy) process.exit(stoppedBy === 'SIGINT' ? 130 : 143);
}

function threadsLabel(sim: Simulation): string {
  return `${sim.threads} thread${sim.threads > 1 ? 's' : ''}${sim.threadsRequested === 'auto' ? ' (auto)' : ''}`;
}

/** What `threads: "auto"` chose and why (the note Simulation.create wrote), or undefined. */
function threadsReason(sim: Simulation): string | undefined {
  return sim.notes.find((n) => n.startsWith('threads auto:'));
}

async function makeBar(name: string, totalSteps: number, dt: number) {
  const { default: cliProgress } = await importExternal<{ default: typeof import('cli-progress') }>('cli-progress');
  const totalMs = +(totalSteps * dt).toFixed(6);
  const b = new cliProgress.SingleBar(
    {
      format: `${name} {bar} {percentage}% | {model} / ${totalMs} ms model time | {wall} wall | {speed}x real time | ETA {eta_formatted}`,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      barsize: 24,
      hideCursor: true,
      stream: process.stdout,
      clearOnComplete: false,
      etaBuffer: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (steps: number, seconds: number) => ({
    model: +(steps * dt).toFixed(6),
    wall: wall(seconds),
    speed: speed(steps * dt, seconds),
  });
  let t0 = 0;
  return {
    start(total: number, v: number) {
      t0 = performance.now();
      b.start(total, v, payload(0, 0));
    },
    /** steps done so far; wall time is counted from start() */
    update(steps: number) {
      b.update(steps, payload(steps, (performance.now() - t0) / 1000));
    },
    stop() {
      b.stop();
    },
  };
}

async function dryRun(spec: ModelSpec, o: RunOpts): Promise<void> {
  let plan: PlanSummary;
  try {
    plan = await Simulation.plan(spec, { threads: o.threads, delivery: o.delivery });
  } catch (e) {
    fail(e);
  }
  const name = (typeof spec.name === 'string' && spec.name) || 'model';
  const lines: string[] = [];
  lines.push(
    `${name}: ${grouped(plan.neurons)} neurons, ${grouped(plan.synapses)} synapses, ${bytes(plan.bytes)} (${grouped(plan.bytes)} bytes) of arena ` +
      `in ${plan.shards.length} shard${plan.shards.length > 1 ? 's' : ''} (${plan.threads} thread${plan.threads > 1 ? 's' : ''})`,
  );
  if (plan.threadsReason) lines.push(plan.threadsReason);
  if (plan.bytesPerSynapse) lines.push(`synapses: ${plan.bytesPerSynapse.toFixed(2)} bytes each, row pointers included (the projections' parts below over ${grouped(plan.synapses)} synapses)`);
  if (plan.compileSeconds) lines.push(`models from equations compiled in ${(plan.compileSeconds * 1000).toFixed(1)} ms (front end, WebAssembly generation and compilation)`);
  const w = Math.max(4, ...plan.parts.map((p) => p.name.length));
  lines.push('', `${'part'.padEnd(w)}  ${'bytes'.padStart(15)}  ${''.padStart(10)}`);
  for (const p of plan.parts) lines.push(`${p.name.padEnd(w)}  ${grouped(p.bytes).padStart(15)}  ${bytes(p.bytes).padStart(10)}`);
  lines.push('', `${'shard'.padEnd(5)}  ${'neurons'.padStart(13)}  ${'synapses'.padStart(15)}  ${'bytes'.padStart(15)}  ${''.padStart(10)}`);
  const over: number[] = [];
  for (const s of plan.shards) {
    lines.push(
      `${String(s.index).padEnd(5)}  ${grouped(s.neurons).padStart(13)}  ${grouped(s.synapses).padStart(15)}  ${grouped(s.bytes).padStart(15)}  ${bytes(s.bytes).padStart(10)}`,
    );
    if (s.bytes > WASM_MEMORY_BYTES) over.push(s.index);
  }
  lines.push('', `limit: ${bytes(WASM_MEMORY_BYTES)} per shard (one WebAssembly memory each); machine memory ${bytes(totalmem())}`);
  lines.push('dry run: nothing was allocated or run');
  process.stdout.write(lines.join('\n') + '\n');
  if (over.length) {
    process.stderr.write(`axonal: shard${over.length > 1 ? 's' : ''} ${over.join(', ')} exceed the 4 GiB of one WebAssembly memory; use more --threads\n`);
    process.exit(1);
  }
}

function printSummary(s: ReturnType<typeof summarize> & { threads: number; threads_reason?: string }, written: string[], completed: boolean) {
  const rates = Object.entries(s.rates_hz)
    .map(([k, v]) => `${k} ${v.toFixed(2)} Hz`)
    .join(', ');
  process.stdout.write(
    `${s.model}: ${s.neurons} neurons, ${s.synapses} synapses, ${s.steps} steps of ${s.dt_ms} ms${completed ? '' : ' (stopped early)'}\n` +
      `spikes ${s.spikes} (${rates})\n` +
      `build ${s.build_seconds.toFixed(3)} s, run ${s.run_seconds.toFixed(3)} s ` +
      `(${speed(s.duration_ms, s.run_seconds)}x real time, ${(s.synaptic_events / Math.max(s.run_seconds, 1e-9) / 1e6).toFixed(1)} M synaptic events/s), ` +
      `backend ${s.backend} (${s.variant}), ${s.threads} thread${s.threads > 1 ? 's' : ''}\n` +
      (s.threads_reason ? `${s.threads_reason}\n` : '') +
      `wrote ${written.join(', ')}\n`,
  );
}
