#!/usr/bin/env node
// Builds the three WebAssembly variants of the kernels in assembly/ (targets of asconfig.json):
//   build/axonal.simd.wasm    release, -O3, SIMD enabled and used (v128 paths under ASC_FEATURE_SIMD)
//   build/axonal.scalar.wasm  release, -O3, no SIMD
//   build/axonal.debug.wasm   debug: assertions and bounds checks kept, uncheckedBehavior "never", SIMD on
// Uses the local AssemblyScript compiler through its JS API (nothing from the network) and
// fails loudly: any compiler diagnostic error, a missing/extra export, an unexpected import, a
// SIMD build without SIMD (or a scalar build with it), or a module that does not instantiate
// with { env: { memory, abort, host_step } } exits with status 1.
//
// Usage: node scripts/build-wasm.js [--wat] [simd|scalar|debug ...]
//   --wat   also write build/axonal.<variant>.wat (text format, for reading the generated code)
import asc from 'assemblyscript/asc';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root); // asc resolves entries and asconfig.json relative to the working directory

const KERNELS = [
  'lif_update', 'lif_delta_update', 'threshold_update', 'poisson_update', 'poisson_input',
  'propagate', 'defer_propagate', 'propagate_scaled', 'defer_flush', 'touch_lines', 'connect_count', 'connect_fill', 'find_nonfinite', 'rng_fill', 'rng_fill_normal',
  'izhikevich_update', 'izhikevich_delta_update', 'noise_input', 'uniform_fill', 'stdp_pre', 'stdp_post', 'trace_decay',
  'trace_step', 'stdp_delayed_post', 'stdp_delayed_pre', 'deriv_apply', 'run_steps',
];
const VARIANTS = ['simd', 'scalar', 'debug'];

const args = process.argv.slice(2);
const wantWat = args.includes('--wat');
const picked = args.filter((a) => !a.startsWith('--'));
for (const v of picked) if (!VARIANTS.includes(v)) fail(`unknown variant '${v}' (expected ${VARIANTS.join(', ')})`);
const variants = picked.length ? picked : VARIANTS;

function fail(msg) {
  console.error(`build-wasm: ERROR: ${msg}`);
  process.exit(1);
}

async function build(variant) {
  const wasmName = `build/axonal.${variant}.wasm`;
  const watName = `build/axonal.${variant}.wat`;
  const outputs = new Map();
  let log = '';
  const sink = { write: (s) => { log += String(s); return true; } };
  const t0 = performance.now();
  const { error } = await asc.main(
    ['assembly/index.ts', '--config', 'asconfig.json', '--target', variant, '--outFile', wasmName, '--textFile', watName],
    {
      stdout: sink,
      stderr: sink,
      writeFile: (name, contents) => { outputs.set(path.basename(name), contents); },
    },
  );
  if (error) fail(`asc failed for target '${variant}': ${error.message}\n${log}`);
  if (/\bERROR\b/.test(log)) fail(`asc reported errors for target '${variant}':\n${log}`);
  if (log.trim()) process.stderr.write(log); // warnings

  const bin = outputs.get(path.basename(wasmName));
  const wat = outputs.get(path.basename(watName));
  if (!(bin instanceof Uint8Array) || bin.length === 0) fail(`asc produced no binary for target '${variant}'`);
  if (typeof wat !== 'string') fail(`asc produced no text format for target '${variant}'`);

  // --- checks ---
  let mod;
  try {
    mod = new WebAssembly.Module(bin);
  } catch (e) {
    fail(`${wasmName} does not compile: ${e.message}`);
  }
  const exports = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
  const want = [...KERNELS, 'table'].sort(); // the function table: the step loop calls the kernels from equations through it
  if (exports.join() !== want.join()) {
    fail(`${wasmName} exports [${exports.join(', ')}], expected exactly [${want.join(', ')}]`);
  }
  const imports = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}:${i.kind}`);
  const allowed = new Set(['env.memory:memory', 'env.abort:function', 'env.host_step:function']);
  const bad = imports.filter((i) => !allowed.has(i));
  if (bad.length || !imports.includes('env.memory:memory')) {
    fail(`${wasmName} imports [${imports.join(', ')}]; only env.memory (required), env.abort and env.host_step are allowed`);
  }
  const hasSimd = /\bv128\b|\b[fi](32|64)x[24]\.|\bi(8x16|16x8)\./.test(wat);
  if (variant === 'scalar' && hasSimd) fail(`${wasmName} contains SIMD instructions`);
  if (variant === 'simd') {
    for (const op of ['f32x4.ge', 'i32x4.bitmask', 'f32x4.mul', 'v128.bitselect']) {
      if (!wat.includes(op)) fail(`${wasmName} does not use ${op}: the SIMD paths were not compiled`);
    }
  }
  if (variant === 'debug' && !/call \$~lib\/builtins\/abort|call \$~lib\/.*abort/.test(wat)) {
    fail(`${wasmName} contains no assertion (abort) calls`);
  }
  // static data must stay in page 0, below the arena (WASM_ARENA_BASE = 65536)
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  try {
    new WebAssembly.Instance(mod, { env: { memory, abort: () => { throw new Error('abort'); }, host_step: () => 0 } });
  } catch (e) {
    fail(`${wasmName} does not instantiate with { env: { memory (1 page), abort } }: ${e.message}`);
  }

  await writeFile(wasmName, bin);
  if (wantWat) await writeFile(watName, wat);
  const ms = (performance.now() - t0).toFixed(0);
  console.log(`build-wasm: ${wasmName} ${bin.length} bytes (${ms} ms)${wantWat ? ` + ${watName}` : ''}`);
}

await mkdir('build', { recursive: true });
for (const v of variants) await build(v);
