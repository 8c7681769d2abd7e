#!/usr/bin/env node
// Writes the Potjans & Diesmann (2014) microcircuit (src/models/microcircuit.ts) as a model file.
//   node scripts/gen-microcircuit.js                       → examples/microcircuit.json (full scale, DC background)
//   node scripts/gen-microcircuit.js --scale 0.1 --background poisson --out /tmp/mc10.json
// Needs the built bundle (npm run build:ts).
import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { microcircuit } from '../dist/index.js';

const o = new Command()
  .name('node scripts/gen-microcircuit.js')
  .option('--scale <x>', 'N and K scaling (network_params.py N_scaling = K_scaling)', '1')
  .option('--scale-n <x>', 'N scaling only (overrides --scale)')
  .option('--scale-k <x>', 'K scaling only (overrides --scale)')
  .option('--background <type>', "'dc' (reference default) or 'poisson'", 'dc')
  .option('--thalamus', 'add the transient thalamic input (stimulus_params.py thalamic_input)')
  .option('--seed <n>', 'seed (sim_params.py rng_seed)', '55')
  .option('--duration <ms>', 'default run length, ms (t_presim + t_sim)', '1500')
  .option('--record-fraction <f>', 'fraction of every population whose spikes are recorded', '1')
  .option('--out <file>', 'output file', 'examples/microcircuit.json')
  .parse(process.argv)
  .opts();

const spec = microcircuit({
  scaleN: Number(o.scaleN ?? o.scale),
  scaleK: Number(o.scaleK ?? o.scale),
  background: o.background,
  thalamus: !!o.thalamus,
  seed: Number(o.seed),
  durationMs: Number(o.duration),
  recordFraction: Number(o.recordFraction),
});

// two-space indentation, with arrays of numbers (spike times, neuron lists) kept on one line
// the file names the JSON Schema of model files (relative to it), for editors
const schema = relative(dirname(resolve(o.out)), fileURLToPath(new URL('../schema/model.json', import.meta.url))).split(sep).join('/');
const json = JSON.stringify({ $schema: schema, ...spec }, null, 2).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, body) => `[${body.split(/,\s*/).join(', ')}]`);
writeFileSync(o.out, json + '\n');
const syn = spec.projections.reduce((a, p) => a + p.connect.n, 0);
console.log(`${o.out}: ${spec.populations.length} populations, ${spec.populations.reduce((a, p) => a + p.size, 0)} neurons, ${spec.projections.length} projections, ${syn} synapses, ${json.length} bytes`);
