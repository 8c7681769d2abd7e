#!/usr/bin/env node
// Kernel micro-benchmarks with benny: one LIF step over 100,000 neurons, and the propagation of
// 1,000 spikes through 80 synapses each, on every backend. `npm run bench -- --kernels`
import b from 'benny';
import { createBackend } from '../dist/index.js';

const N = 100_000;
const LIF_NPARAMS = 10;

async function setup(label) {
  const [name, variant] = label.split('-');
  const be = await createBackend(name, variant ? { variant } : {});
  let off = be.base;
  const alloc = (nbytes) => { const p = off; off += Math.ceil(nbytes / 16) * 16; return p; };
  const p = {
    v: alloc(N * 4), ie: alloc(N * 4), ii: alloc(N * 4), ref: alloc(N * 4), bias: alloc(N * 4),
    inE: alloc(N * 4), inI: alloc(N * 4), params: alloc(LIF_NPARAMS * 4), fired: alloc(N * 4), spikes: alloc(1000 * 4),
    rowPtr: alloc((N + 1) * 4), targets: alloc(N * 80 * 4), ring: alloc(2 * N * 4),
  };
  be.reserve(off - be.base);
  const f32 = new Float32Array(be.buffer), u32 = new Uint32Array(be.buffer), i32 = new Int32Array(be.buffer);
  for (let i = 0; i < N; i++) f32[(p.v >> 2) + i] = -60 + 10 * Math.random();
  f32.set([0.005, 0.1, 0.09, 0.08, 0.98, 0.99, -49, -50, -60, 50], p.params >> 2);
  for (let s = 0; s <= N; s++) u32[(p.rowPtr >> 2) + s] = Math.min(s, N) * 80;
  for (let k = 0; k < N * 80; k++) u32[(p.targets >> 2) + k] = (Math.random() * N) | 0;
  for (let s = 0; s < 1000; s++) i32[(p.spikes >> 2) + s] = s * 97;
  return { be, p };
}

const labels = ['js', 'wasm-simd', 'wasm-scalar'];
const ctx = {};
for (const l of labels) ctx[l] = await setup(l);

await b.suite(
  `lif_update, ${N} neurons, one step`,
  ...labels.map((l) => b.add(l, () => {
    const { be, p } = ctx[l];
    be.kernels.lif_update(N, p.v, p.ie, p.ii, p.ref, p.bias, p.inE, p.inI, p.params, 0, p.fired);
  })),
  b.cycle(),
  b.complete(),
);

await b.suite(
  'propagate, 1000 spikes x 80 synapses, constant weight and delay',
  ...labels.map((l) => b.add(l, () => {
    const { be, p } = ctx[l];
    be.kernels.propagate(1000, p.spikes, p.rowPtr, p.targets, 0, 0.081, 0, 0, 0, 1, p.ring, N, 2, 0);
  })),
  b.cycle(),
  b.complete(),
);
for (const l of labels) ctx[l].be.dispose();
