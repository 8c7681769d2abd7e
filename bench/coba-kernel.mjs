#!/usr/bin/env node
// COBA's neuron update alone (examples/coba.json's model, 4,000 neurons, 2,000 steps per round, the
// state reset before each round, the best of 15 rounds, variants alternated), ns per neuron and step:
//   - generated: the f32x4 kernel src/equations generates for the model (what a run uses);
//   - reference: the same operations written by hand in AssemblyScript (bench/kernels/coba-reference.ts);
//   - reference without divisions: Cm, taue and taui as reciprocals.
// How fast V8 runs this update at best, beside Brian2's (its profile: bench/README.md).
//   node bench/coba-kernel.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import { equations } from '../dist/index.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = 4000, STEPS = 2000, ROUNDS = 15;
const spec = JSON.parse(readFileSync(path.join(root, 'examples/coba.json'), 'utf8')).models.coba;

// kernel units (ms, mV, nF, µS), as the engine hands them to the kernel
const values = { dt: 0.1, gl: 0.01, El: -60, Ee: 0, Ei: -80, Cm: 0.2, Vt: -50, Vr: -60, taue: 5, taui: 10, refractory_period_steps: 50 };

const memory = new WebAssembly.Memory({ initial: 64 });
const f32 = new Float32Array(memory.buffer);
const i32 = new Int32Array(memory.buffer);
let top = 65536;
const alloc = (bytes) => { const at = top; top += Math.ceil(bytes / 16) * 16; return at; };

// the generated kernel and its operands
const model = equations.compileModel(equations.analyzeModel(spec), { dt: values.dt, params: spec.parameters, inputs: ['ge', 'gi'], name: 'coba' });
const k = model.kernel;
const gen = new WebAssembly.Instance(new WebAssembly.Module(equations.emitWasm([k], { simd: true })), { env: { memory } }).exports;
const generated = Object.values(gen)[0];
const ptrs = k.operands.map((o) => alloc(o.per === 'neuron' ? N * 4 : 4));
k.operands.forEach((o, j) => {
  if (o.per === 'scalar') {
    if (!(o.name in values)) throw new Error(`no value for the kernel's operand ${o.name}`);
    f32[ptrs[j] >>> 2] = values[o.name];
  }
});
const args = alloc(ptrs.length * 4);
i32.set(ptrs, args >>> 2);
const spikes = alloc(N * 4);
const op = (name) => ptrs[k.operands.findIndex((o) => o.name === name)];

// the hand-written reference, compiled here
const outputs = new Map();
const { error } = await asc.main(
  // from bench/kernels (not the repository's root, whose asconfig.json would add the engine's entries)
  ['coba-reference.ts', '--baseDir', path.join(root, 'bench/kernels'), '-O3', '--runtime', 'stub', '--importMemory', '--enable', 'simd', '--outFile', 'ref.wasm'],
  { writeFile: (name, contents) => outputs.set(path.basename(name), contents), stdout: { write: () => true }, stderr: process.stderr },
);
if (error) throw error;
const ref = new WebAssembly.Instance(new WebAssembly.Module(outputs.get('ref.wasm')), { env: { memory, abort() { throw new Error('abort'); } } }).exports;
const scalars = (nodiv) => {
  const at = alloc(64);
  const v = [values.dt, values.gl, values.El, values.Ee, values.Ei, nodiv ? 1 / values.Cm : values.Cm, values.Vt, values.Vr,
    nodiv ? 1 / values.taue : values.taue, nodiv ? 1 / values.taui : values.taui, values.refractory_period_steps];
  v.forEach((x, j) => (f32[(at >>> 2) + j] = x));
  return at;
};
const sc = scalars(false), scNodiv = scalars(true);
// the reference reads v, refractory_steps, ge, gi, input_ge, input_gi: the generated kernel's arrays
const refArgs = ['v', 'refractory_steps', 'ge', 'gi', 'input_ge', 'input_gi'].map(op);

const reset = () => {
  for (let i = 0; i < N; i++) {
    f32[(op('v') >>> 2) + i] = -60 + (5 * i) / N;
    f32[(op('ge') >>> 2) + i] = 0.004;
    f32[(op('gi') >>> 2) + i] = 0.02;
    f32[(op('refractory_steps') >>> 2) + i] = 0;
  }
};
const variants = [
  { name: 'generated (src/equations, f32x4)', step: () => generated(N, args, spikes) },
  { name: 'hand-written reference (AssemblyScript, f32x4)', step: () => ref.coba(N, ...refArgs, sc, spikes) },
  { name: 'hand-written reference without divisions', step: () => ref.coba_nodiv(N, ...refArgs, scNodiv, spikes) },
].map((v) => ({ ...v, best: Infinity }));
for (let r = 0; r < ROUNDS; r++)
  for (const v of variants) {
    reset();
    const t0 = performance.now();
    for (let s = 0; s < STEPS; s++) v.step();
    v.best = Math.min(v.best, ((performance.now() - t0) * 1e6) / (N * STEPS));
  }
console.log(`COBA's neuron update, ${N} neurons × ${STEPS} steps, best of ${ROUNDS} rounds (node ${process.version}):`);
for (const v of variants) console.log(`  ${v.name.padEnd(48)} ${v.best.toFixed(3)} ns per neuron and step`);
