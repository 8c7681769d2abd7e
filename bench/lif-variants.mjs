#!/usr/bin/env node
// lif_update of several WebAssembly builds, in one process, alternated: the best of 40 rounds of
// 2,000 calls over 3,200 neurons (CUBA's excitatory population), ns per neuron and step.
// Each argument is a build and whether the call passes a bias array or 0 (no bias current):
//   node bench/lif-variants.mjs build/axonal.simd.wasm:1 build/axonal.simd.wasm:0 /tmp/other/build/axonal.simd.wasm:0
import fs from 'fs';
async function load(file) {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const { instance } = await WebAssembly.instantiate(fs.readFileSync(file), { env: { memory, abort: () => { throw new Error('abort'); }, host_step: () => 0 } });
  return { K: instance.exports, memory };
}
const specs = process.argv.slice(2).map((a) => { const [file, b] = a.split(':'); return { file, biasOn: b !== '0' }; });
const n = 3200, base = 65536;
const vs = [];
for (const s of specs) vs.push({ ...s, m: await load(s.file) });
for (const { m } of vs) {
  const f32 = new Float32Array(m.memory.buffer);
  [0.0049875, 0.1, 0.0045, 0.0045, 0.82, 0.9, -49, -50, -60, 50].forEach((x, i) => (f32[(base >> 2) + i] = x));
  for (let i = 0; i < n; i++) f32[((base + 4096) >> 2) + i] = -60 + 10 * Math.random();
}
const arr = (k) => base + 4096 + k * n * 4;
const best = vs.map(() => 1e9);
for (let round = 0; round < 40; round++)
  vs.forEach(({ m, biasOn }, j) => {
    const t0 = performance.now();
    for (let r = 0; r < 2000; r++) m.K.lif_update(n, arr(0), arr(1), arr(2), arr(3), biasOn ? arr(4) : 0, arr(5), arr(6), base, 0, arr(7));
    best[j] = Math.min(best[j], ((performance.now() - t0) * 1e6) / 2000 / n);
  });
vs.forEach((v, j) => console.log(v.file, v.biasOn ? 'bias' : 'no bias', best[j].toFixed(3)));
