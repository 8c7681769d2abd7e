#!/usr/bin/env node
// `npm run bench -- --equations`: kernels generated from equations beside the hand-written
// kernels of the built-in models, on the same networks, and the compile time of a model.
//
//  1. The neuron update alone: 100,000 unconnected neurons driven by a constant current for 1 s of
//     model time (no synapses, so the update is all there is), lif (exp synapses, exact
//     integration) and izhikevich (scheme 'euler', dt 0.1 ms), each as the built-in model and as
//     the same equations (src/equations), wasm SIMD, wasm scalar and js, one thread.
//  2. Whole networks: CUBA-4k and CUBA-100k as the built-in lif (examples/cuba.json) and as
//     Brian2's strings (examples/cuba-equations.json), wasm SIMD, one thread.
//  3. Compile time of the Hodgkin–Huxley model of test/fixtures/cobahh.json (Brian2's COBAHH):
//     front end (parse, units, method, IR), WebAssembly generation, WebAssembly.compile, and the
//     JS kernel; the median of 20 fresh compilations (no cache).
//
// Every timing: one warm-up run, then the median of --repeats (default 5) runs of fresh
// Simulations, built-in and generated alternated; run time only (build excluded).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Simulation, VERSION } from '../dist/index.js';
import { cubaModel } from './cuba.js';

const arg = (name, dflt) => {
  const k = process.argv.indexOf(name);
  return k > 0 ? process.argv[k + 1] : dflt;
};
const repeats = Number(arg('--repeats', '5'));
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = (rel) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));

const N = 100_000;
const LIF = { tau_m: 20, cm: 1, v_rest: -65, v_thresh: -50, v_reset: -65, tau_refrac: 2, tau_syn_e: 5, tau_syn_i: 10, i_offset: 1 };
const lifBuiltin = () => ({
  name: 'lif-update', dt: 0.1, seed: 1,
  populations: [{ name: 'P', size: N, model: 'lif', synapse: 'exp', params: LIF, initial: { v: { dist: 'uniform', low: -65, high: -50 } } }],
});
const lifEquations = () => ({
  name: 'lif-update-equations', dt: 0.1, seed: 1,
  models: {
    lif_eq: {
      equations: 'dv/dt = (v_rest - v)/tau_m + (ie + ii + i_offset)/cm : volt (unless refractory)\ndie/dt = -ie/tau_syn_e : amp\ndii/dt = -ii/tau_syn_i : amp',
      threshold: 'v >= v_thresh', reset: 'v = v_reset', refractory: '2*ms', method: 'exact',
      parameters: { tau_m: '20*ms', cm: '1*nF', v_rest: '-65*mV', v_thresh: '-50*mV', v_reset: '-65*mV', tau_syn_e: '5*ms', tau_syn_i: '10*ms', i_offset: '1*nA' },
    },
  },
  populations: [{ name: 'P', size: N, model: 'lif_eq', initial: { v: { dist: 'uniform', low: -65, high: -50 } } }],
});
const IZH = { a: 0.02, b: 0.2, c: -65, d: 8, i_offset: 10, scheme: 'euler' };
const izhBuiltin = () => ({
  name: 'izhikevich-update', dt: 0.1, seed: 1,
  populations: [{ name: 'P', size: N, model: 'izhikevich', synapse: 'delta', params: IZH, initial: { v: { dist: 'uniform', low: -70, high: -50 } } }],
});
const izhEquations = () => ({
  name: 'izhikevich-update-equations', dt: 0.1, seed: 1,
  models: {
    izh: {
      equations: 'dv/dt = (0.04/mV*v**2 + 5*v + 140*mV - u + I)/ms : volt\ndu/dt = a*(b*v - u)/ms : volt',
      threshold: 'v >= 30*mV', reset: 'v = c\nu += d', method: 'euler',
      parameters: { a: 0.02, b: 0.2, c: '-65*mV', d: '8*mV', I: '10*mV' },
    },
  },
  populations: [{ name: 'P', size: N, model: 'izh', initial: { v: { dist: 'uniform', low: -70, high: -50 }, u: -13 } }],
});

async function once(spec, opts, ms) {
  const sim = await Simulation.create(spec, { threads: 1, ...opts });
  try {
    const r = await sim.run(ms);
    return { seconds: r.seconds, spikes: sim.spikeTotals.reduce((a, b) => a + b, 0), compile: sim.compileSeconds, variant: sim.variant };
  } finally {
    sim.dispose();
  }
}

/** built-in and generated, alternated, median of `repeats` after a warm-up of each */
async function pair(label, a, b, opts, ms) {
  await once(a(), opts, Math.min(ms, 100));
  await once(b(), opts, Math.min(ms, 100));
  const ta = [], tb = [];
  let ra, rb;
  for (let r = 0; r < repeats; r++) {
    ra = await once(a(), opts, ms);
    ta.push(ra.seconds);
    rb = await once(b(), opts, ms);
    tb.push(rb.seconds);
  }
  const A = median(ta), B = median(tb);
  console.log(`| ${label} | ${ra.variant} | ${A.toFixed(3)} | ${B.toFixed(3)} | ${(B / A).toFixed(2)} | ${ra.spikes} / ${rb.spikes} | ${(rb.compile * 1000).toFixed(1)} |`);
  return { label, variant: ra.variant, builtin: A, generated: B, ratio: B / A };
}

console.log(`axonal ${VERSION} equations bench — node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}, ${new Date().toISOString()}`);
console.log(`median of ${repeats} runs after a warm-up, built-in and generated alternated, one thread, run time only\n`);
console.log('| what | build | built-in s | generated s | generated / built-in | spikes (built-in / generated) | compile ms |');
console.log('|---|---|---|---|---|---|---|');
const rows = [];
for (const [backend, variant] of [['wasm', 'simd'], ['wasm', 'scalar'], ['js', undefined]]) {
  const opts = { backend, variant };
  const ms = backend === 'js' ? 100 : 1000;
  rows.push(await pair(`lif update, ${N} neurons, ${ms} ms`, lifBuiltin, lifEquations, opts, ms));
  rows.push(await pair(`izhikevich (euler) update, ${N} neurons, ${ms} ms`, izhBuiltin, izhEquations, opts, ms));
}
const cubaEq = load('../examples/cuba-equations.json');
const cubaEqOf = (n) => {
  const m = structuredClone(cubaEq);
  const ne = Math.round(n * 0.8);
  m.populations[0].size = ne;
  m.populations[1].size = n - ne;
  for (const pr of m.projections) pr.connect.p = 80 / n;
  return m;
};
for (const n of [4000, 100_000]) rows.push(await pair(`CUBA-${n / 1000}k network, 1000 ms`, () => cubaModel(n), () => cubaEqOf(n), { backend: 'wasm' }, 1000));

// compile time of a Hodgkin–Huxley model, fresh every time
const { equations } = await import('../dist/index.js');
const { analyzeModel, compileModel, emitWasm, compileJsKernel } = equations;
const hh = load('../test/fixtures/cobahh.json').models.hh;
const parts = { front: [], emit: [], compile: [], simdEmit: [], simdCompile: [], js: [] };
for (let k = 0; k < 20; k++) {
  const t0 = performance.now();
  const a = analyzeModel(hh);
  const c = compileModel(a, { dt: 0.1, params: hh.parameters, inputs: ['ge', 'gi'], name: `hh${k}` });
  const t1 = performance.now();
  const bytes = emitWasm([c.kernel], { simd: false });
  const t2 = performance.now();
  await WebAssembly.compile(bytes);
  const t3 = performance.now();
  const sb = emitWasm([c.kernel], { simd: true });
  const t4 = performance.now();
  await WebAssembly.compile(sb);
  const t5 = performance.now();
  compileJsKernel(c.kernel);
  const t6 = performance.now();
  parts.front.push(t1 - t0); parts.emit.push(t2 - t1); parts.compile.push(t3 - t2); parts.simdEmit.push(t4 - t3); parts.simdCompile.push(t5 - t4); parts.js.push(t6 - t5);
}
const m = (x) => median(x).toFixed(2);
console.log(`\nHodgkin–Huxley (COBAHH) model, median of 20 fresh compilations, ms: front end ${m(parts.front)}, ` +
  `scalar emit ${m(parts.emit)} + compile ${m(parts.compile)}, SIMD emit ${m(parts.simdEmit)} + compile ${m(parts.simdCompile)}, JS kernel ${m(parts.js)}; ` +
  `front end + SIMD module: ${(median(parts.front) + median(parts.simdEmit) + median(parts.simdCompile)).toFixed(2)} ms (target < 20 ms)`);
