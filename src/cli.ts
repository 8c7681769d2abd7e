/**
 * axonal command line.
 *   axonal run <model.json> [--backend wasm|js] [--duration ms] [--seed n] [--out dir]
 *   axonal validate <model.json>
 *   axonal info
 * Exit codes: 0 success, 1 model or run error, 2 usage error.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Simulation, SimulationError } from './sim/simulation.ts';
import { ModelError, validateModel } from './network/index.ts';
import { readModelFile, ModelFileError } from './io/model-file.ts';
import { summarize, writeSpikesCsv } from './io/output.ts';
import { detectFeatures } from './backend/index.ts';
import { VERSION } from './version.ts';

function parseNumber(name: string, integer = false) {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x)))
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a finite number'}, got "${v}"`);
    return x;
  };
}

function fail(e: unknown): never {
  if (e instanceof ModelError || e instanceof ModelFileError || e instanceof SimulationError) {
    process.stderr.write(`axonal: ${e.message}\n`);
  } else {
    process.stderr.write(`axonal: ${(e as Error)?.stack ?? String(e)}\n`);
  }
  process.exit(1);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('axonal')
    .description('Spiking neural network engine: WebAssembly hot loop, bit-identical pure-JS backend')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run a model file; writes <out>/summary.json and <out>/spikes.csv')
    .argument('<model>', 'model file (JSON), see docs/model-format.md')
    .option('-b, --backend <name>', 'wasm or js', 'wasm')
    .option('-d, --duration <ms>', 'model time to simulate, ms (default: the model\'s duration)', parseNumber('--duration'))
    .option('-s, --seed <n>', 'random seed, integer 0..2^32-1 (default: the model\'s seed)', parseNumber('--seed', true))
    .option('-o, --out <dir>', 'output directory', 'out')
    .option('--variant <name>', 'wasm build: simd, scalar or debug (default: simd when supported)')
    .option('--no-spikes', 'do not write spikes.csv')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (modelPath: string, o) => {
      if (o.backend !== 'wasm' && o.backend !== 'js') usage(`--backend must be wasm or js, got "${o.backend}"`);
      if (o.variant && !['simd', 'scalar', 'debug'].includes(o.variant)) usage(`--variant must be simd, scalar or debug, got "${o.variant}"`);
      if (o.seed !== undefined && (o.seed < 0 || o.seed > 0xffffffff)) usage(`--seed must be an integer in 0..4294967295, got ${o.seed}`);
      if (o.duration !== undefined && o.duration < 0) usage(`--duration must be >= 0 ms, got ${o.duration}`);
      let sim: Simulation | undefined;
      try {
        const spec = readModelFile(modelPath);
        // record every population's spikes for spikes.csv (the model's own monitors are kept)
        const monitors = [...(spec.monitors ?? [])];
        if (o.spikes && Array.isArray(spec.populations)) {
          for (const p of spec.populations) {
            const has = monitors.some((m) => m.type === 'spikes' && m.population === p?.name && !m.neurons);
            if (!has && p && typeof p.name === 'string') monitors.push({ type: 'spikes', population: p.name });
          }
        }
        sim = await Simulation.create({ ...spec, monitors }, { backend: o.backend, seed: o.seed, variant: o.variant });
        const res = await sim.run(o.duration);
        mkdirSync(o.out, { recursive: true });
        const summary = summarize(sim, res.seconds);
        writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
        if (o.spikes) await writeSpikesCsv(sim, join(o.out, 'spikes.csv'));
        if (!o.quiet) printSummary(summary, o.out, o.spikes);
      } catch (e) {
        fail(e);
      } finally {
        sim?.dispose();
      }
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
    .command('info')
    .description('print version, backend features and limits')
    .action(() => {
      const f = detectFeatures();
      process.stdout.write(
        `axonal ${VERSION}\nnode ${process.version}\nwasm simd: ${f.simd ? 'yes' : 'no'}\n` +
          `wasm memory limit: 4 GiB per arena\nthreads: 1 (multi-threaded shards are not implemented yet)\n`,
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

function usage(msg: string): never {
  process.stderr.write(`axonal: ${msg}\n`);
  process.exit(2);
}

function printSummary(s: ReturnType<typeof summarize>, out: string, spikes: boolean) {
  const rates = Object.entries(s.rates_hz)
    .map(([k, v]) => `${k} ${v.toFixed(2)} Hz`)
    .join(', ');
  const rt = s.duration_ms / 1000 / s.run_seconds;
  process.stdout.write(
    `${s.model}: ${s.neurons} neurons, ${s.synapses} synapses, ${s.steps} steps of ${s.dt_ms} ms\n` +
      `spikes ${s.spikes} (${rates})\n` +
      `build ${s.build_seconds.toFixed(3)} s, run ${s.run_seconds.toFixed(3)} s ` +
      `(${rt.toFixed(1)}x real time, ${(s.synaptic_events / s.run_seconds / 1e6).toFixed(1)} M synaptic events/s), backend ${s.backend} (${s.variant})\n` +
      `wrote ${join(out, 'summary.json')}${spikes ? ` and ${join(out, 'spikes.csv')}` : ''}\n`,
  );
}
