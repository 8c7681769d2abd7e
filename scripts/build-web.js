#!/usr/bin/env node
// Builds the browser demo into a static folder that any static server can host:
//   web-dist/index.html, style.css
//   web-dist/app/main.js        the page (web/main.ts), esbuild, platform browser
//   web-dist/app/sim-worker.js  the simulation worker (web/sim-worker.ts)
//   web-dist/app/lab-worker.js  the worker of the #neuron and #gates views (web/lab-worker.ts)
//   web-dist/app/browser-worker.js  the engine's shard worker (src/sim/worker.ts), for threads > 1, where the engine looks for it
//   web-dist/build/*.wasm       the kernels (from build/, built first if missing), where the engine's
//                               loader looks by default: ../build/ relative to the bundles in app/
//   web-dist/models/            the example models and index.json listing them
// Models: CUBA (examples/cuba.json with a Poisson input added to both populations, for the input
// rate slider), the random threshold-unit network (examples/threshold-random.json with a Poisson
// input at 0 Hz: noise to perturb its deterministic cycle), and the Izhikevich network
// (examples/izhikevich2003.json) when that file exists, CUBA written as equations (examples/cuba-equations.json,
// Brian2's strings, compiled at run time, with the same Poisson input as CUBA driving ge), COBA and COBAHH
// (examples/coba.json, examples/cobahh.json: Brette et al. 2007 benchmarks 1 and 3 as equations, as they are,
// without input), and the 10k and 100k thalamocortical networks (examples/thalamocortical-10k.json, -100k.json).
//
// Usage: node scripts/build-web.js [--out dir] [--no-minify]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = path.resolve(outIdx >= 0 ? args[outIdx + 1] : 'web-dist');
const minify = !args.includes('--no-minify');

const WASM = ['simd', 'scalar'].map((v) => `axonal.${v}.wasm`);
if (WASM.some((f) => !existsSync(path.join('build', f)))) {
  console.log('build-web: building the WebAssembly kernels first');
  execFileSync(process.execPath, ['scripts/build-wasm.js'], { stdio: 'inherit' });
}

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'app'), { recursive: true });
mkdirSync(path.join(out, 'build'), { recursive: true });
mkdirSync(path.join(out, 'models'), { recursive: true });

const t0 = performance.now();
await build({
  entryPoints: {
    main: 'web/main.ts',
    'sim-worker': 'web/sim-worker.ts',
    'lab-worker': 'web/lab-worker.ts',
    ...(existsSync('src/sim/worker.ts') ? { 'browser-worker': 'src/sim/worker.ts' } : {}),
  },
  outdir: path.join(out, 'app'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify,
  sourcemap: true,
  logLevel: 'warning',
});

for (const f of ['index.html', 'style.css']) copyFileSync(path.join('web', f), path.join(out, f));
for (const f of WASM) copyFileSync(path.join('build', f), path.join(out, 'build', f));

// --- models
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
const models = [];
function addModel(id, title, spec, description, extra = {}) {
  writeFileSync(path.join(out, 'models', `${id}.json`), JSON.stringify(spec, null, 2) + '\n');
  models.push({ id, title, description, file: `models/${id}.json`, ...extra });
}

{
  const cuba = readJson('examples/cuba.json');
  cuba.name = 'cuba-poisson';
  cuba.description =
    (cuba.description ?? '') +
    ' For the browser demo: plus an independent Poisson input to every neuron (200 Hz, 0.081 nA per input spike, as one excitatory synapse), whose rate the slider changes while it runs.';
  cuba.inputs = [
    ...(cuba.inputs ?? []),
    { type: 'poisson', target: 'E', rate: 200, weight: 0.081 },
    { type: 'poisson', target: 'I', rate: 200, weight: 0.081 },
  ];
  addModel(
    'cuba',
    'CUBA: 4,000 LIF neurons (Brette et al. 2007)',
    cuba,
    '3,200 excitatory and 800 inhibitory leaky integrate-and-fire neurons, 2% random connectivity, current-based exponential synapses; plus a Poisson input to every neuron.',
    { inputRateMax: 5000 },
  );
}
{
  const thr = readJson('examples/threshold-random.json');
  thr.inputs = [...(thr.inputs ?? []), { type: 'poisson', target: thr.populations[0].name, rate: 0, weight: 1 }];
  addModel(
    'threshold',
    'Threshold units: 1,000 McCulloch–Pitts neurons',
    thr,
    'A random recurrent network of threshold units in discrete time (dt = 1 ms): it settles onto a cycle. Raise the Poisson input (noise, weight 1) to knock it off.',
    { inputRateMax: 500 },
  );
}
if (existsSync('examples/izhikevich2003.json')) {
  const iz = readJson('examples/izhikevich2003.json');
  addModel(
    'izhikevich',
    'Izhikevich (2003): 1,000 spiking neurons',
    iz,
    iz.description ?? 'The network of Izhikevich (2003), "Simple model of spiking neurons": 800 excitatory and 200 inhibitory neurons.',
    { inputRateMax: 5000 },
  );
}
if (existsSync('examples/cuba-equations.json')) {
  // CUBA in the model language (Brian2's strings, docs/equations.md): the page compiles it at run time
  const cuba = readJson('examples/cuba-equations.json');
  const ee = cuba.projections.find((p) => p.source === 'E' && p.target === 'E') ?? cuba.projections[0];
  cuba.description =
    (cuba.description ?? '') +
    ` For the browser demo: plus an independent Poisson input to every neuron (200 Hz, ${ee.weight} mV per input spike into ge, as one excitatory synapse), whose rate the slider changes while it runs.`;
  cuba.inputs = [
    ...(cuba.inputs ?? []),
    { type: 'poisson', target: 'E', rate: 200, weight: ee.weight, on_pre: ee.on_pre ?? 'ge += w' },
    { type: 'poisson', target: 'I', rate: 200, weight: ee.weight, on_pre: ee.on_pre ?? 'ge += w' },
  ];
  addModel(
    'cuba-equations',
    'CUBA from equations: 4,000 neurons, Brian2\'s strings',
    cuba,
    'The CUBA network written as equations (dv/dt = (ge+gi-(v-El))/taum, dge/dt = -ge/taue, dgi/dt = -gi/taui; threshold v>Vt, reset v = Vr, refractory 5 ms), ' +
      'as in Brian2\'s examples/CUBA.py: compiled in the page into a WebAssembly kernel (the status line shows the compile time); plus a Poisson input to every neuron. ' +
      'Edit the equations below and run them again. See docs/equations.md.',
    { inputRateMax: 5000 },
  );
}
// COBA and COBAHH as they are: no input, the initial values start the activity and the network sustains it
if (existsSync('examples/coba.json'))
  addModel(
    'coba',
    'COBA: 4,000 conductance-based LIF neurons (Brette et al. 2007)',
    readJson('examples/coba.json'),
    'Benchmark 1 of Brette et al. (2007), as Brian\'s COBA.py: 3,200 excitatory and 800 inhibitory integrate-and-fire neurons with exponential synaptic ' +
      'conductances (6 nS excitatory, 67 nS inhibitory, reversal 0 and -80 mV), 2% random connectivity, Euler, written as equations and compiled in the page. ' +
      'No input: the random initial potentials and conductances start the activity and the network keeps it up by itself.',
  );
if (existsSync('examples/cobahh.json'))
  addModel(
    'cobahh',
    'COBAHH: 4,000 Hodgkin–Huxley neurons (Brette et al. 2007)',
    readJson('examples/cobahh.json'),
    'Benchmark 3 of Brette et al. (2007), as Brian2\'s examples/COBAHH.py: 4,000 Traub–Miles Hodgkin–Huxley neurons (sodium, potassium, leak) with the synapses ' +
      'of COBA, exponential Euler, written as equations and compiled in the page; slower than real time on one thread. ' +
      'No input: the random initial values start the activity and the network keeps it up by itself.',
  );
if (existsSync('examples/thalamocortical-10k.json')) {
  // axonal generate thalamocortical --neurons 10000 --seed 1 (docs/thalamocortical.md)
  const tc = readJson('examples/thalamocortical-10k.json');
  addModel(
    'thalamocortical-10k',
    'Thalamocortical: 10,000 Izhikevich neurons, 5 M synapses',
    tc,
    '16 cortical columns (4 × 4, 100 µm apart) with layers 2/3, 4, 5 and 6 (excitatory and inhibitory, sizes after Potjans & Diesmann) and a thalamus (relay TC and reticular RE cells); ' +
      'Izhikevich (2003) RS, CH, IB, FS, LTS and TC neurons; connections drawn around each column with distance-dependent delays; 500 synapses per neuron. ' +
      'The slider sets the background Poisson rate of every population (50/s cortex, 100/s thalamus at the start). See docs/thalamocortical.md.',
    { inputRateMax: 500 },
  );
}
if (existsSync('examples/thalamocortical-100k.json')) {
  // axonal generate thalamocortical --neurons 100000 --seed 1: the same network on 10 x 10 columns
  const tc = readJson('examples/thalamocortical-100k.json');
  const cols = tc.populations[0].sheet;
  addModel(
    'thalamocortical-100k',
    'Thalamocortical: 100,000 Izhikevich neurons, 50 M synapses',
    tc,
    `The network above on ${cols.columns_x} × ${cols.columns_y} columns: about 0.4 GB of memory (the page refuses it with the numbers where that does not fit) and slower than real time on one thread; ` +
      'with cross-origin isolation the page runs it on every core. See docs/thalamocortical.md.',
    { inputRateMax: 500 },
  );
}
writeFileSync(path.join(out, 'models', 'index.json'), JSON.stringify(models, null, 2) + '\n');

console.log(
  `build-web: ${path.relative(root, out) || out}/ (${models.map((m) => m.id).join(', ')}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
    'serve it with `node scripts/serve.js` (or any static server; cross-origin isolation headers enable threads)',
);
