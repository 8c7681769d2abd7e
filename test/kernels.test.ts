/**
 * Kernel tests. Every test is written once and runs on every backend and variant:
 * js, wasm-simd, wasm-scalar, wasm-debug. Each backend is checked against
 *  - an independent specification written here (float32 via Math.fround, in the documented order),
 *  - a double-precision reference where the physics is concerned (lif),
 *  - the js backend run in lockstep on the same inputs (bitwise),
 *  - src/core/rng.ts for every random number.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackend, detectFeatures, KERNEL_NAMES, type Backend } from '../src/backend/index.ts';
import * as L from '../src/core/layout.ts';
import { rngKey, rngNormal, rngU32 } from '../src/core/rng.ts';

import { ARENA, Arena, BACKENDS, bits, expectBits, firstDiff, fr, prng, SIZES, lockstepBackends, toLayout } from './kernel-harness.ts';
import { halfTable } from '../src/backend/js/propagate.ts';


function expectAscending(sp: Int32Array, n: number, what: string): void {
  for (let k = 0; k < sp.length; k++) {
    expect(sp[k] >= 0 && sp[k] < n, `${what}: spike index ${sp[k]} out of range`).toBe(true);
    if (k > 0) expect(sp[k] > sp[k - 1], `${what}: spikes not strictly ascending at ${k}`).toBe(true);
  }
}

// ------------------------------------------------------------------------------------------------
// LIF: parameters, data and an independent specification
// ------------------------------------------------------------------------------------------------

type LifParams = number[]; // LIF_NPARAMS values

function lifParams(tauM: number, cm: number, tauE: number, tauI: number, dt: number, vrest: number, vth: number, vreset: number, refSteps: number): LifParams {
  const A = -Math.expm1(-dt / tauM);
  // exact-integration propagator current -> v (mV per nA), tau_syn != tau_m
  const p21 = (tauS: number) => ((tauS * tauM) / (tauM - tauS)) * (Math.exp(-dt / tauM) - Math.exp(-dt / tauS)) / cm;
  const p: number[] = [];
  p[L.LIF_A] = A;
  p[L.LIF_B] = (tauM / cm) * A;
  p[L.LIF_P21E] = p21(tauE);
  p[L.LIF_P21I] = p21(tauI);
  p[L.LIF_P11E] = Math.exp(-dt / tauE);
  p[L.LIF_P11I] = Math.exp(-dt / tauI);
  p[L.LIF_VREST] = vrest;
  p[L.LIF_VTH] = vth;
  p[L.LIF_VRESET] = vreset;
  p[L.LIF_REFSTEPS] = refSteps;
  return p.map(fr);
}

const HOMO = lifParams(20, 0.25, 5, 10, 0.1, -65, -50, -60, 20);

/** n neurons of parameters, parameter-major (param k of neuron i at k*n + i). */
function heteroParams(n: number, rnd: () => number): Float32Array {
  const out = new Float32Array(L.LIF_NPARAMS * n);
  for (let i = 0; i < n; i++) {
    const p = lifParams(10 + 20 * rnd(), 0.1 + 0.4 * rnd(), 2 + 4 * rnd(), 6 + 3.5 * rnd(), 0.1, -70 + 10 * rnd(), -55 + 10 * rnd(), -70 + 8 * rnd(), Math.floor(rnd() * 8));
    for (let k = 0; k < L.LIF_NPARAMS; k++) out[k * n + i] = p[k];
  }
  return out;
}

function paramOf(params: Float32Array, hetero: boolean, n: number, k: number, i: number): number {
  return hetero ? params[k * n + i] : params[k];
}

interface LifState {
  v: Float32Array;
  ie: Float32Array;
  ii: Float32Array;
  ref: Int32Array;
  bias: Float32Array;
}

function lifState(n: number, rnd: () => number): LifState {
  const s: LifState = {
    v: new Float32Array(n), ie: new Float32Array(n), ii: new Float32Array(n), ref: new Int32Array(n), bias: new Float32Array(n),
  };
  for (let i = 0; i < n; i++) {
    s.v[i] = -75 + 32 * rnd(); // some start above threshold
    s.ie[i] = 3 * rnd();
    s.ii[i] = -3 * rnd();
    s.ref[i] = rnd() < 0.3 ? 1 + Math.floor(rnd() * 4) : 0;
    s.bias[i] = 0.2 * rnd();
  }
  return s;
}

function inputs(n: number, rnd: () => number, scale: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rnd() < 0.5 ? 0 : scale * rnd();
  return x;
}

/** The documented step, in float32, written independently of every backend. Mutates s. */
function lifSpec(s: LifState, inE: Float32Array, inI: Float32Array, params: Float32Array, hetero: boolean, delta: boolean): number[] {
  const n = s.v.length;
  const spikes: number[] = [];
  for (let i = 0; i < n; i++) {
    const P = (k: number) => paramOf(params, hetero, n, k, i);
    let v = s.v[i];
    let r = s.ref[i];
    if (r > 0) {
      r -= 1;
    } else if (delta) {
      let t = fr(P(L.LIF_VREST) - v);
      t = fr(t * P(L.LIF_A));
      t = fr(t + fr(s.bias[i] * P(L.LIF_B)));
      v = fr(v + t);
      v = fr(v + inE[i]);
    } else {
      let t = fr(P(L.LIF_VREST) - v);
      t = fr(t * P(L.LIF_A));
      t = fr(t + fr(s.ie[i] * P(L.LIF_P21E)));
      t = fr(t + fr(s.ii[i] * P(L.LIF_P21I)));
      t = fr(t + fr(s.bias[i] * P(L.LIF_B)));
      v = fr(v + t);
    }
    if (!delta) {
      s.ie[i] = fr(fr(s.ie[i] * P(L.LIF_P11E)) + inE[i]);
      s.ii[i] = fr(fr(s.ii[i] * P(L.LIF_P11I)) + inI[i]);
    }
    if (r === 0 && v >= P(L.LIF_VTH)) {
      v = P(L.LIF_VRESET);
      r = Math.trunc(P(L.LIF_REFSTEPS));
      spikes.push(i);
    }
    s.v[i] = v;
    s.ref[i] = r;
  }
  inE.fill(0);
  inI.fill(0);
  return spikes;
}

interface LifPtrs {
  v: number; ie: number; ii: number; ref: number; bias: number; inE: number; inI: number; params: number; spikes: number;
}

function lifUpload(a: Arena, s: LifState, params: Float32Array): LifPtrs {
  const n = s.v.length;
  return {
    v: a.f32(s.v), ie: a.f32(s.ie), ii: a.f32(s.ii), ref: a.i32(s.ref), bias: a.f32(s.bias),
    inE: a.alloc(n * 4), inI: a.alloc(n * 4), params: a.f32(params), spikes: a.alloc(n * 4),
  };
}

function lifRun(a: Arena, p: LifPtrs, n: number, inE: Float32Array, inI: Float32Array, hetero: boolean, delta: boolean): Int32Array {
  const K = a.be.kernels;
  new Float32Array(a.be.buffer, p.inE, n).set(inE);
  new Float32Array(a.be.buffer, p.inI, n).set(inI);
  const c = delta
    ? K.lif_delta_update(n, p.v, p.ref, p.bias, p.inE, p.params, hetero ? 1 : 0, p.spikes)
    : K.lif_update(n, p.v, p.ie, p.ii, p.ref, p.bias, p.inE, p.inI, p.params, hetero ? 1 : 0, p.spikes);
  expect(c >= 0 && c <= n, `spike count ${c}`).toBe(true);
  return a.getI32(p.spikes, c);
}

function lifDownload(a: Arena, p: LifPtrs, n: number): LifState {
  return { v: a.getF32(p.v, n), ie: a.getF32(p.ie, n), ii: a.getF32(p.ii, n), ref: a.getI32(p.ref, n), bias: a.getF32(p.bias, n) };
}

// ------------------------------------------------------------------------------------------------
// shared suites
// ------------------------------------------------------------------------------------------------

for (const B of BACKENDS) {
  describe(B.label, () => {
    let be: Backend;
    let ref: Backend; // js reference, run in lockstep
    let a: Arena;
    let r: Arena;
    const ctx = lockstepBackends(B);
    beforeAll(() => ({ be, ref, a, r } = ctx));

    it('reports its variant and arena geometry', () => {
      expect(be.features.variant).toBe(B.variant);
      expect(be.base).toBe(L.WASM_ARENA_BASE);
      expect(be.maxBytes).toBe(L.WASM_MAX_BYTES);
      expect(be.buffer.byteLength).toBeGreaterThanOrEqual(be.base + ARENA);
      expect(Object.keys(be.kernels).sort()).toEqual([...KERNEL_NAMES].sort());
    });

    // ---------------------------------------------------------------- RNG
    it('rng_fill equals rngU32 of src/core/rng.ts (incl. counter wrap-around)', () => {
      a.reset();
      const n = 4000;
      const out = a.alloc(n * 4);
      const cases = [
        [1, 2, 3, 0],
        [0xffffffff, 0x80000000, 0xdeadbeef, 0xfffff000], // counters wrap past 2^32
        [12345, 0, 4000000000, 77],
      ];
      for (const [seed, stream, index, c0] of cases) {
        be.kernels.rng_fill(seed, stream, index, c0, n, out);
        const got = a.getU32(out, n);
        const key = rngKey(seed, stream, index);
        const want = new Uint32Array(n);
        for (let j = 0; j < n; j++) want[j] = rngU32(key, (c0 + j) >>> 0);
        expectBits(got, want, `rng_fill(${seed}, ${stream}, ${index}, ${c0})`);
      }
    });

    it('uniform_fill equals (rngU32 >>> 8) 2^-24 of src/core/rng.ts, in [0, 1) (incl. offsets wrapping past 2^32)', () => {
      a.reset();
      const n = 4001;
      const out = a.alloc(n * 4);
      for (const [key, offset] of [[0x12345678, 0], [0xffffffff, 0xfffffff0], [7, 3000000000]]) {
        be.kernels.uniform_fill(n, key, offset, out);
        const got = a.getF32(out, n);
        const want = new Float32Array(n);
        for (let i = 0; i < n; i++) want[i] = (rngU32(key, (offset + i) >>> 0) >>> 8) * 2 ** -24;
        expectBits(got, want, `uniform_fill(${key}, ${offset})`);
        expect(Math.max(...got)).toBeLessThan(1);
        expect(Math.min(...got)).toBeGreaterThanOrEqual(0);
      }
    });

    it('rng_fill_normal equals rngNormal of src/core/rng.ts, bit for bit', () => {
      a.reset();
      const n = 3000;
      const out = a.alloc(n * 8);
      for (const [seed, stream, index, j0] of [[7, 1, 2, 0], [0xfffffff0, 9, 0xffffffff, 0x3ffffff0]]) {
        be.kernels.rng_fill_normal(seed, stream, index, j0, n, out);
        const got = new Float64Array(be.buffer, out, n);
        const key = rngKey(seed, stream, index);
        let bad = -1;
        let sum = 0;
        for (let j = 0; j < n; j++) {
          if (!Object.is(got[j], rngNormal(key, (j0 + j) >>> 0)) && bad < 0) bad = j;
          sum += got[j];
        }
        expect(bad, `first differing normal draw`).toBe(-1);
        expect(Math.abs(sum / n)).toBeLessThan(0.1); // mean of 3000 N(0,1): sd 0.018
      }
    });

    // ---------------------------------------------------------------- LIF
    for (const delta of [false, true]) {
      const kname = delta ? 'lif_delta_update' : 'lif_update';

      it(`${kname}: one step matches a double-precision reference`, () => {
        const rnd = prng(delta ? 11 : 10);
        const n = 1000;
        for (const hetero of [false, true]) {
          a.reset();
          const params = hetero ? heteroParams(n, rnd) : Float32Array.from(HOMO);
          const s0 = lifState(n, rnd);
          const inE = inputs(n, rnd, delta ? 2 : 1);
          const inI = delta ? new Float32Array(n) : inputs(n, rnd, -1);
          const p = lifUpload(a, s0, params);
          const sp = lifRun(a, p, n, inE, inI, hetero, delta);
          const s1 = lifDownload(a, p, n);
          expectAscending(sp, n, kname);
          const spiked = new Set(sp);
          let checked = 0, fired = 0, held = 0;
          for (let i = 0; i < n; i++) {
            const P = (k: number) => paramOf(params, hetero, n, k, i);
            let vd = s0.v[i];
            let rr = s0.ref[i];
            if (rr > 0) {
              rr -= 1;
              held++;
            } else {
              vd = s0.v[i] + (P(L.LIF_VREST) - s0.v[i]) * P(L.LIF_A) + s0.bias[i] * P(L.LIF_B) +
                (delta ? inE[i] : s0.ie[i] * P(L.LIF_P21E) + s0.ii[i] * P(L.LIF_P21I));
            }
            if (!delta) {
              expect(Math.abs(s1.ie[i] - (s0.ie[i] * P(L.LIF_P11E) + inE[i]))).toBeLessThan(1e-5);
              expect(Math.abs(s1.ii[i] - (s0.ii[i] * P(L.LIF_P11I) + inI[i]))).toBeLessThan(1e-5);
            }
            if (Math.abs(vd - P(L.LIF_VTH)) < 1e-3) continue; // too close to call in float32
            checked++;
            const shouldFire = rr === 0 && vd >= P(L.LIF_VTH);
            expect(spiked.has(i), `neuron ${i}: spike`).toBe(shouldFire);
            if (shouldFire) {
              fired++;
              expect(s1.v[i]).toBe(P(L.LIF_VRESET));
              expect(s1.ref[i]).toBe(Math.trunc(P(L.LIF_REFSTEPS)));
            } else {
              expect(Math.abs(s1.v[i] - vd), `neuron ${i}: v`).toBeLessThan(1e-4);
              expect(s1.ref[i]).toBe(rr);
            }
          }
          expect(checked).toBeGreaterThan(n * 0.9);
          expect(fired).toBeGreaterThan(10);
          expect(held).toBeGreaterThan(10);
          // the inputs were consumed
          expect(Array.from(a.getF32(p.inE, n)).every((x) => x === 0)).toBe(true);
          if (!delta) expect(Array.from(a.getF32(p.inI, n)).every((x) => x === 0)).toBe(true);
        }
      });

      it(`${kname}: bit-identical to the float32 spec and to js over 60 steps (n = ${SIZES.join(', ')}; homogeneous and heterogeneous)`, () => {
        for (const n of SIZES) {
          for (const hetero of [false, true]) {
            const rnd = prng(1000 * n + (hetero ? 1 : 0) + (delta ? 7 : 0));
            a.reset();
            r.reset();
            const params = hetero ? heteroParams(n, rnd) : Float32Array.from(HOMO);
            const spec = lifState(n, rnd);
            const pa = lifUpload(a, spec, params);
            const pr = lifUpload(r, spec, params);
            let total = 0;
            for (let step = 0; step < 60; step++) {
              const inE = inputs(n, rnd, delta ? 3 : 4);
              const inI = delta ? new Float32Array(n) : inputs(n, rnd, -2);
              const sa = lifRun(a, pa, n, inE, inI, hetero, delta);
              const sr = lifRun(r, pr, n, inE, inI, hetero, delta);
              const ss = Int32Array.from(lifSpec(spec, inE.slice(), inI.slice(), params, hetero, delta));
              const what = `${kname} n=${n} hetero=${hetero} step ${step}`;
              expectAscending(sa, n, what);
              expectBits(sa, ss, `${what}: spikes vs spec`);
              expectBits(sa, sr, `${what}: spikes vs js`);
              const ga = lifDownload(a, pa, n);
              const gr = lifDownload(r, pr, n);
              expectBits(ga.v, spec.v, `${what}: v vs spec`);
              expectBits(ga.v, gr.v, `${what}: v vs js`);
              expectBits(ga.ref, spec.ref, `${what}: ref vs spec`);
              if (!delta) {
                expectBits(ga.ie, spec.ie, `${what}: ie vs spec`);
                expectBits(ga.ii, spec.ii, `${what}: ii vs spec`);
                expectBits(ga.ie, gr.ie, `${what}: ie vs js`);
              }
              total += sa.length;
            }
            if (n >= 17) expect(total, `n=${n}: some spikes`).toBeGreaterThan(0);
          }
        }
      });
    }

    it(`lif_update with bias = 0 (no bias current): the same bits as a bias of zeros, and as js, over 60 steps (n = ${SIZES.join(', ')})`, () => {
      for (const n of SIZES) {
        for (const hetero of [false, true]) {
          const rnd = prng(5000 + n + (hetero ? 1 : 0));
          a.reset();
          r.reset();
          const params = hetero ? heteroParams(n, rnd) : Float32Array.from(HOMO);
          const s0 = { ...lifState(n, rnd) };
          s0.bias = new Float32Array(n);
          const pz = lifUpload(a, s0, params); // a bias array of zeros
          const pn = lifUpload(a, s0, params); // no bias (pointer 0)
          const pj = lifUpload(r, s0, params);
          let total = 0;
          for (let step = 0; step < 60; step++) {
            const inE = inputs(n, rnd, 4);
            const inI = inputs(n, rnd, -2);
            const sz = lifRun(a, pz, n, inE, inI, hetero, false);
            const sn = lifRun(a, { ...pn, bias: 0 }, n, inE, inI, hetero, false);
            const sj = lifRun(r, { ...pj, bias: 0 }, n, inE, inI, hetero, false);
            const what = `n=${n} hetero=${hetero} step ${step}`;
            expectBits(sn, sz, `${what}: spikes, no bias vs zeros`);
            expectBits(sn, sj, `${what}: spikes vs js`);
            const gz = lifDownload(a, pz, n), gn = lifDownload(a, pn, n), gj = lifDownload(r, pj, n);
            expectBits(gn.v, gz.v, `${what}: v, no bias vs zeros`);
            expectBits(gn.v, gj.v, `${what}: v vs js`);
            expectBits(gn.ie, gz.ie, `${what}: ie`);
            total += sn.length;
          }
          if (n >= 17) expect(total, `n=${n}: some spikes`).toBeGreaterThan(0);
        }
      }
    });

    it('lif_update: a refractory neuron whose counter reaches 0 fires if v >= v_th (contract order)', () => {
      a.reset();
      const n = 5;
      const s: LifState = {
        v: Float32Array.from([-40, -40, -40, -70, -50.5]),
        ie: new Float32Array(n), ii: new Float32Array(n),
        ref: Int32Array.from([1, 2, 0, 0, 0]),
        bias: new Float32Array(n),
      };
      const p = lifUpload(a, s, Float32Array.from(HOMO));
      const sp = lifRun(a, p, n, new Float32Array(n), new Float32Array(n), false, false);
      const g = lifDownload(a, p, n);
      expect(Array.from(sp)).toEqual([0, 2]);
      expect(Array.from(g.ref)).toEqual([20, 1, 20, 0, 0]);
      expect(g.v[1]).toBe(-40); // held
      expect(g.v[0]).toBe(HOMO[L.LIF_VRESET]);
    });

    // ---------------------------------------------------------------- threshold units
    it('threshold_update: init and update, homogeneous and heterogeneous, == spec', () => {
      for (const n of SIZES) {
        const rnd = prng(n + 5);
        for (const hetero of [false, true]) {
          for (const init of [1, 0]) {
            a.reset();
            const state = Int32Array.from({ length: n }, () => (rnd() < 0.4 ? (rnd() < 0.5 ? 1 : 7) : 0));
            const mu = hetero ? Float32Array.from({ length: n }, () => fr(rnd() - 0.5)) : Float32Array.of(0.125);
            const inp = Float32Array.from({ length: n }, (_, i) => (rnd() < 0.2 ? mu[hetero ? i : 0] : fr(2 * rnd() - 1)));
            const ps = a.i32(state), pi = a.f32(inp), pm = a.f32(mu), po = a.alloc(n * 4);
            const c = be.kernels.threshold_update(n, ps, pi, pm, hetero ? 1 : 0, init, po);
            const sp = a.getI32(po, c);
            const wantState = init ? state : Int32Array.from({ length: n }, (_, i) => (inp[i] >= mu[hetero ? i : 0] ? 1 : 0));
            const wantSp = Int32Array.from([...wantState.keys()].filter((i) => wantState[i] !== 0));
            const what = `threshold n=${n} hetero=${hetero} init=${init}`;
            expectBits(sp, wantSp, `${what}: spikes`);
            expectBits(a.getI32(ps, n), wantState, `${what}: state`);
            expect(Array.from(a.getF32(pi, n)).every((x) => x === 0), `${what}: input cleared`).toBe(true);
            if (n === 1000) expect(c).toBeGreaterThan(100);
          }
        }
      }
    });

    // ---------------------------------------------------------------- Poisson sources
    it('poisson_update: spike i iff rngU32(key, i) < thr_i, with the right rate', () => {
      const seed = 42;
      for (const n of [1, 3, 5, 17, 10007]) {
        for (const hetero of [false, true]) {
          a.reset();
          const p = 0.03;
          const thr = hetero
            ? Uint32Array.from({ length: n }, (_, i) => Math.floor(((i % 5) * 0.02) * 2 ** 32))
            : Uint32Array.of(Math.floor(p * 2 ** 32));
          const pt = a.u32(thr), po = a.alloc(n * 4);
          let total = 0;
          const perGroup = [0, 0, 0, 0, 0];
          const steps = n > 1000 ? 20 : 50;
          for (let t = 0; t < steps; t++) {
            const key = rngKey(seed, 3, t);
            const off = t % 3 === 0 ? 0 : 1000 * t + 3;
            const c = be.kernels.poisson_update(n, key, off, pt, hetero ? 1 : 0, po);
            const sp = a.getI32(po, c);
            const want: number[] = [];
            for (let i = 0; i < n; i++) if (rngU32(key, off + i) < thr[hetero ? i : 0]) want.push(i);
            expectBits(sp, Int32Array.from(want), `poisson_update n=${n} hetero=${hetero} t=${t}`);
            total += c;
            for (const i of sp) perGroup[i % 5]++;
          }
          if (n > 1000) {
            if (!hetero) {
              const mean = n * steps * p, sd = Math.sqrt(mean * (1 - p));
              expect(Math.abs(total - mean)).toBeLessThan(5 * sd);
            } else {
              expect(perGroup[0]).toBe(0); // rate 0 never fires
              for (let g = 1; g < 5; g++) {
                const m = (n / 5) * steps * g * 0.02, sd = Math.sqrt(m);
                expect(Math.abs(perGroup[g] - m), `group ${g}`).toBeLessThan(5 * sd);
              }
            }
          }
        }
      }
    });

    // ---------------------------------------------------------------- Poisson input current
    it('poisson_input: counts from the table, mean ≈ λ, exact float32 accumulation', () => {
      for (const lambda of [0.3, 4]) {
        // table t_j = 2^32 * P(K <= j): k = #{j : u >= t_j} is Poisson(λ)
        const table: number[] = [];
        let pmf = Math.exp(-lambda), cdf = pmf;
        for (let j = 0; cdf < 1 - 1e-12 && j < 64; j++) {
          table.push(Math.min(0xffffffff, Math.round(cdf * 2 ** 32)));
          pmf *= lambda / (j + 1);
          cdf += pmf;
        }
        for (const n of [1, 3, 5, 17, 20000]) {
          a.reset();
          const rnd = prng(n);
          const w = 0.0123; // not a float32: the kernel sees fround(w)
          const wf = fr(w);
          const init = Float32Array.from({ length: n }, () => fr(rnd() * 10 - 5));
          const pt = a.u32(table), po = a.f32(init);
          const steps = n > 1000 ? 5 : 40;
          let sumK = 0, sumK2 = 0;
          const expected = init.slice();
          for (let t = 0; t < steps; t++) {
            const key = rngKey(9, 77, t);
            const off = t % 2 === 0 ? 0 : 777 * t + 1;
            be.kernels.poisson_input(n, key, off, pt, table.length, w, po);
            for (let i = 0; i < n; i++) {
              const u = rngU32(key, off + i);
              let k = 0;
              for (const tj of table) if (u >= tj) k++;
              sumK += k;
              sumK2 += k * k;
              if (k > 0) expected[i] = fr(expected[i] + fr(k * wf));
            }
            expectBits(a.getF32(po, n), expected, `poisson_input λ=${lambda} n=${n} t=${t}`);
          }
          if (n > 1000) {
            const N = n * steps, mean = sumK / N, variance = sumK2 / N - mean * mean;
            expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / N));
            expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.05);
          }
        }
        // empty table: nothing happens
        a.reset();
        const po = a.f32([1, 2, 3]);
        be.kernels.poisson_input(3, 123, 0, 0, 0, 1, po); // an empty table may have pointer 0
        expect(Array.from(a.getF32(po, 3))).toEqual([1, 2, 3]);
      }
    });

    // ---------------------------------------------------------------- propagate
    interface Csr { rowPtr: Uint32Array; targets: Uint32Array; weights: Float32Array; delays: Uint8Array }

    function makeCsr(nSource: number, nTarget: number, maxRow: number, slots: number, rnd: () => number): Csr {
      const rows: number[][] = [];
      for (let s = 0; s < nSource; s++) {
        const len = s % 7 === 3 ? 0 : Math.floor(rnd() * (maxRow + 1));
        const row = Array.from({ length: len }, () => Math.floor(rnd() * nTarget));
        if (len > 2) row[1] = row[0]; // a multapse: same target twice in a row
        rows.push(row);
      }
      const rowPtr = new Uint32Array(nSource + 1);
      rows.forEach((row, s) => (rowPtr[s + 1] = rowPtr[s] + row.length));
      const targets = Uint32Array.from(rows.flat());
      const m = targets.length;
      // magnitudes from 1e-6 to 1e3, both signs: the result depends on the order of addition
      const weights = Float32Array.from({ length: m }, () => (rnd() < 0.5 ? -1 : 1) * 10 ** (-6 + 9 * rnd()));
      const delays = Uint8Array.from({ length: m }, () => 1 + Math.floor(rnd() * slots)); // 1..slots
      return { rowPtr, targets, weights, delays };
    }

    function propagateSpec(ring: Float32Array, csr: Csr, spikes: number[], useW: boolean, useD: boolean, cw: number, cd: number, nTarget: number, slots: number, now: number): void {
      const w0 = fr(cw);
      for (const s of spikes) {
        for (let k = csr.rowPtr[s]; k < csr.rowPtr[s + 1]; k++) {
          let slot = now + (useD ? csr.delays[k] : cd);
          if (slot >= slots) slot -= slots;
          const idx = slot * nTarget + csr.targets[k];
          ring[idx] = fr(ring[idx] + (useW ? csr.weights[k] : w0));
        }
      }
    }

    it('propagate: constant/per-synapse weights, constant delays or delay runs, 16/32-bit targets, wrap-around, fixed order == spec and js; returns the events', () => {
      const configs = [
        { nSource: 60, nTarget: 37, maxRow: 9, slots: 8 },
        { nSource: 300, nTarget: 1001, maxRow: 150, slots: 17 },
        { nSource: 5, nTarget: 1, maxRow: 6, slots: 1 },
        { nSource: 12, nTarget: 40, maxRow: 400, slots: 3 }, // more than 31 synapses of one delay: runs of step 0
        { nSource: 40, nTarget: 2, maxRow: 4, slots: 60 }, // gaps of more than 7 steps: runs of no synapses
      ];
      let continued = 0, skips = 0;
      for (const cfg of configs) {
        const rnd = prng(cfg.nTarget);
        const csr = makeCsr(cfg.nSource, cfg.nTarget, cfg.maxRow, cfg.slots, rnd);
        const spikes: number[] = [];
        for (let k = 0; k < cfg.nSource; k++) spikes.push(Math.floor(rnd() * cfg.nSource));
        spikes.push(spikes[0], 3); // repeated sources, an empty row (3 % 7 == 3)
        const ringLen = cfg.slots * cfg.nTarget;
        const ring0 = Float32Array.from({ length: ringLen }, () => fr(rnd() - 0.5));
        for (const useW of [false, true]) {
          for (const useD of [false, true]) {
            for (const now of [0, cfg.slots - 1, Math.floor(cfg.slots / 2)]) {
              for (const cd of useD ? [0] : [1, cfg.slots - 1, cfg.slots].filter((d) => d >= 1)) {
                const cw = -0.0371; // rounded to float32 by the kernel ABI
                let events = -1;
                // the rows as the kernels read them: ordered by delay, runs, 16- or 32-bit targets
                const run = (ar: Arena, tgt16: boolean): Float32Array => {
                  ar.reset();
                  const pRing = ar.f32(ring0);
                  const l = toLayout(csr.rowPtr, csr.targets, useD ? csr.delays : null, csr.weights, tgt16);
                  if (l.runs) for (let r = 0; r < l.runs.length; r++) {
                    if ((l.runs[r] & 31) === 0) skips++;
                    if (l.runs[r] >>> 5 === 0 && r > 0 && (l.runs[r - 1] & 31) === 31) continued++;
                  }
                  events = ar.be.kernels.propagate(
                    spikes.length, ar.i32(spikes), ar.u32(csr.rowPtr), tgt16 ? ar.u16(l.syn) : ar.u32(l.syn),
                    useW ? ar.f32(l.weights!) : 0, cw, tgt16 ? 1 : 0, l.runPtr ? ar.u32(l.runPtr) : 0, l.runs ? ar.u8(l.runs) : 0, useD ? l.base : cd,
                    pRing, cfg.nTarget, cfg.slots, now,
                  );
                  return ar.getF32(pRing, ringLen);
                };
                const got = run(a, false);
                let wantEvents = 0;
                for (const sp of spikes) wantEvents += csr.rowPtr[sp + 1] - csr.rowPtr[sp];
                expect(events, 'events').toBe(wantEvents);
                const want = ring0.slice();
                propagateSpec(want, csr, spikes, useW, useD, cw, cd, cfg.nTarget, cfg.slots, now);
                const what = `propagate ${JSON.stringify(cfg)} weights=${useW} delays=${useD} now=${now} cd=${cd}`;
                // the spec adds in the rows' own order: reordering by delay keeps every cell's sum
                expectBits(got, want, `${what} vs spec`);
                expectBits(got, run(r, false), `${what} vs js`);
                expectBits(run(a, true), want, `${what}, 16-bit targets vs spec`);
                expectBits(run(r, true), want, `${what}, 16-bit targets, js vs spec`);
                expect(firstDiff(got, ring0), `${what}: something was delivered`).toBeGreaterThanOrEqual(0);
                if (useW && cfg.nTarget > 1) {
                  // the test can see a change of order: reversed spike order gives other bits
                  const rev = ring0.slice();
                  propagateSpec(rev, csr, [...spikes].reverse(), useW, useD, cw, cd, cfg.nTarget, cfg.slots, now);
                  expect(firstDiff(got, rev), `${what}: order-sensitive data`).toBeGreaterThanOrEqual(0);
                }
              }
            }
          }
        }
      }
      // the layouts exercised both kinds of runs beyond one per delay
      expect(continued, 'runs continuing a delay of more than 31 synapses').toBeGreaterThan(0);
      expect(skips, 'runs of no synapses (gaps of more than 7 steps)').toBeGreaterThan(0);
    });

    it('touch_lines: one byte of every 64-byte line from ptr (xor-ed), memory unchanged', () => {
      a.reset();
      const bytes = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 255);
      const p = a.u8(bytes) + 5; // not on a line boundary
      const len = 250;
      let exp = bytes[5];
      for (let q = (p & ~63) + 64; q < p + len; q += 64) exp ^= bytes[q - p + 5];
      expect(be.kernels.touch_lines(p, len) >>> 0).toBe(exp);
      expect(be.kernels.touch_lines(p, 0) >>> 0).toBe(0);
      expect(Array.from(new Uint8Array(be.buffer, p - 5, 300))).toEqual(bytes);
    });

    it('propagate: nothing to do for zero spikes and empty rows', () => {
      a.reset();
      const ring = a.f32([1, 2, 3, 4]);
      const rowPtr = a.u32([0, 0, 0]);
      expect(be.kernels.propagate(0, a.i32([]), rowPtr, a.u32([]), 0, 5, 0, 0, 0, 1, ring, 2, 2, 0)).toBe(0);
      expect(be.kernels.propagate(2, a.i32([1, 0]), rowPtr, a.u32([]), 0, 5, 0, 0, 0, 1, ring, 2, 2, 1)).toBe(0);
      expect(be.kernels.propagate(2, a.i32([1, 0]), rowPtr, a.u32([]), 0, 5, 1, a.u32([0, 0, 0]), a.u32([0]), 0, ring, 2, 2, 1)).toBe(0);
      expect(Array.from(a.getF32(ring, 4))).toEqual([1, 2, 3, 4]);
    });

    it('propagate, propagate_scaled: every finite float16 weight (format bit 1) is widened exactly, with 16- and 32-bit targets, scaled (folded, and beyond 2^15) and deferred', () => {
      const halves: number[] = [];
      for (let h = 0; h < 65536; h++) if ((h & 0x7c00) !== 0x7c00) halves.push(h);
      const n = halves.length;
      // scale undefined: propagate; else propagate_scaled by that factor, into the ring or deferred
      const cases: { scale?: number; deferred?: boolean }[] = [{}, { scale: 1 }, { scale: 0.3 }, { scale: 40000 }, { scale: 0.3, deferred: true }, { scale: 40000, deferred: true }];
      for (const tgt16 of [false, true]) {
        for (const c of cases) {
          a.reset();
          const targets = Array.from({ length: n }, (_, i) => (i * 7919) % n); // scattered, distinct
          const spikes = a.i32([0]);
          const rowPtr = a.u32([0, n]);
          const syn = tgt16 ? a.u16(targets) : a.u32(targets);
          const weights = a.u16(halves);
          const ring = a.f32(new Float32Array(n));
          const format = 2 | (tgt16 ? 1 : 0);
          const buckets = c.deferred ? a.alloc(n * 8) : 0, fill = c.deferred ? a.u32([0]) : 0;
          const f = c.scale ?? 1;
          const events = c.scale === undefined
            ? be.kernels.propagate(1, spikes, rowPtr, syn, weights, 0, format, 0, 0, 0, ring, n, 1, 0)
            : be.kernels.propagate_scaled(1, spikes, a.f32([f]), rowPtr, syn, weights, 0, format, 0, 0, 0, ring, n, 1, 0, buckets, c.deferred ? n : 0, fill);
          expect(events).toBe(n);
          if (c.deferred) be.kernels.defer_flush(0, 1, buckets, n, fill);
          const got = a.getF32(ring, n);
          const exp = new Float32Array(n);
          for (let i = 0; i < n; i++) exp[targets[i]] = fr(0 + fr(halfTable()[halves[i]] * fr(f)));
          expectBits(got, exp, `float16 weights, ${tgt16 ? 16 : 32}-bit targets, ${JSON.stringify(c)}`);
        }
      }
    });

    // ---------------------------------------------------------------- find_nonfinite
    it('find_nonfinite: NaN, +Inf, -Inf at every kind of position; -1 when finite', () => {
      const specials = [NaN, Infinity, -Infinity];
      for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 16, 17, 33, 1000]) {
        a.reset();
        const rnd = prng(n + 99);
        const finite = Float32Array.from({ length: n }, (_, i) =>
          [3.4028234663852886e38, -3.4028234663852886e38, -0, 1e-45, 0][i % 7] ?? fr((rnd() - 0.5) * 1e6));
        const p = a.f32(finite);
        expect(be.kernels.find_nonfinite(p, n), `n=${n} all finite`).toBe(-1);
        const positions = [...new Set([0, 1, 2, 3, 4, 5, 7, 8, 15, 16, n >> 1, n - 2, n - 1])].filter((x) => x >= 0 && x < n);
        const view = new Float32Array(be.buffer, p, n);
        for (const pos of positions) {
          for (const x of specials) {
            view.set(finite);
            view[pos] = x;
            expect(be.kernels.find_nonfinite(p, n), `n=${n} ${x} at ${pos}`).toBe(pos);
            if (pos + 3 < n) {
              view[pos + 3] = NaN; // the first one counts
              expect(be.kernels.find_nonfinite(p, n)).toBe(pos);
            }
            expect(be.kernels.find_nonfinite(p, pos), `n=${pos} (prefix before ${x})`).toBe(-1);
          }
        }
        // a NaN with an unusual payload, and the smallest exponent pattern that is not finite
        if (n > 2) {
          view.set(finite);
          new Uint32Array(be.buffer, p, n)[n - 1] = 0xffc00001;
          expect(be.kernels.find_nonfinite(p, n)).toBe(n - 1);
        }
      }
    });

    // ---------------------------------------------------------------- backend object
    it('reserve keeps contents, rejects more than maxBytes naming the sizes; dispose is idempotent', async () => {
      const b2 = await B.make();
      b2.reserve(1000);
      const buf0 = b2.buffer;
      expect(buf0.byteLength % 65536).toBe(0);
      expect(buf0.byteLength).toBeGreaterThanOrEqual(b2.base + 1000);
      new Uint8Array(b2.buffer)[b2.base + 999] = 42;
      b2.reserve(200000);
      expect(b2.buffer.byteLength).toBeGreaterThanOrEqual(b2.base + 200000);
      expect(new Uint8Array(b2.buffer)[b2.base + 999]).toBe(42);
      expect(new Uint8Array(b2.buffer)[b2.base + 199999]).toBe(0);
      b2.reserve(10); // never shrinks
      expect(b2.buffer.byteLength).toBeGreaterThanOrEqual(b2.base + 200000);
      if (B.label === 'js') {
        // an ArrayBuffer is copied to grow: it grows by a quarter at least, so small steps reuse it
        const big = b2.buffer;
        expect(big.byteLength).toBeGreaterThanOrEqual(Math.ceil((buf0.byteLength * 1.25) / 65536) * 65536);
        for (let n = 200000; n <= big.byteLength - b2.base; n += 65536) b2.reserve(n);
        expect(b2.buffer).toBe(big);
        b2.reserve(big.byteLength - b2.base + 1);
        expect(b2.buffer.byteLength).toBeGreaterThanOrEqual(Math.ceil((big.byteLength * 1.25) / 65536) * 65536);
        expect(new Uint8Array(b2.buffer)[b2.base + 999]).toBe(42);
      }
      const tooMuch = b2.maxBytes;
      expect(() => b2.reserve(tooMuch)).toThrow(new RegExp(`${tooMuch}.*${b2.maxBytes}`));
      expect(() => b2.reserve(-1)).toThrow();
      // kernels work on the grown arena
      const p = b2.base + 1024;
      b2.kernels.rng_fill(1, 2, 3, 0, 4, p);
      expect(new Uint32Array(b2.buffer, p, 1)[0]).toBe(rngU32(rngKey(1, 2, 3), 0));
      b2.dispose();
      b2.dispose();
      expect(() => b2.kernels.find_nonfinite(p, 4)).toThrow(/disposed/);
    });
  });
}

// ------------------------------------------------------------------------------------------------
// not per backend
// ------------------------------------------------------------------------------------------------

describe('backend selection and build', () => {
  it('detects SIMD and picks the SIMD build by default', async () => {
    const f = detectFeatures();
    expect(f.wasm).toBe(true);
    expect(f.simd).toBe(true); // Node >= 20
    const b = await createBackend('wasm');
    expect(b.features.variant).toBe(f.simd ? 'simd' : 'scalar');
    b.dispose();
    await expect(createBackend('nope' as never)).rejects.toThrow(/unknown backend/);
    await expect(createBackend('wasm', { variant: 'fast' as never })).rejects.toThrow(/unknown variant/);
  });

  it('assembly/layout.ts mirrors src/core/layout.ts', () => {
    const src = readFileSync(new URL('../assembly/layout.ts', import.meta.url), 'utf8');
    const as = new Map<string, number>();
    for (const m of src.matchAll(/export const (\w+): i32 = (-?\d+);/g)) as.set(m[1], Number(m[2]));
    expect(as.size).toBeGreaterThan(10);
    for (const [k, v] of as) expect((L as Record<string, unknown>)[k], k).toBe(v);
    const mirrored = /^(LIF_|CONN_|RULE_|VAL_|PACKED_|RUN_|STEP_)|^WASM_ARENA_BASE$|^MAX_DELAY_STEPS$/;
    for (const k of Object.keys(L)) if (mirrored.test(k)) expect(as.get(k), k).toBe((L as Record<string, unknown>)[k]);
  });

  it('debug build aborts on a bad pointer with a decoded message', async () => {
    const b = await createBackend('wasm', { variant: 'debug' });
    b.reserve(65536);
    const end = b.buffer.byteLength;
    expect(() => b.kernels.find_nonfinite(end - 8, 4)).toThrow(/find_nonfinite: ptr out of bounds.*assembly\/util\.ts:\d+/);
    expect(() => b.kernels.lif_update(4, 100, b.base, b.base, b.base, b.base, b.base, b.base, b.base, 0, b.base))
      .toThrow(/lif_update: v out of bounds/);
    const rp = b.base, tg = b.base + 64, sp = b.base + 128, ring = b.base + 256;
    new Uint32Array(b.buffer, rp, 2).set([0, 1]);
    new Uint32Array(b.buffer, tg, 1)[0] = 5; // target 5 >= nTarget 4
    expect(() => b.kernels.propagate(1, sp, rp, tg, 0, 1, 0, 0, 0, 1, ring, 4, 2, 0)).toThrow(/target index >= nTarget/);
    new Uint32Array(b.buffer, tg, 1)[0] = 3;
    expect(b.kernels.propagate(1, sp, rp, tg, 0, 1, 0, 0, 0, 1, ring, 4, 2, 0)).toBe(1);
    expect(new Float32Array(b.buffer, ring, 8)[4 + 3]).toBe(1);
    // delay runs (step << 5 | count, from constDelay): a delay of 1 + 2 = 3 > slots = 2, runs short of
    // the row, then a run of no synapses before the one that reaches delay 2
    const runPtr = b.base + 512, runs = b.base + 576;
    new Uint32Array(b.buffer, runPtr, 2).set([0, 1]);
    new Uint8Array(b.buffer, runs, 2).set([(2 << 5) | 1, 0]);
    expect(() => b.kernels.propagate(1, sp, rp, tg, 0, 1, 0, runPtr, runs, 1, ring, 4, 2, 0)).toThrow(/delay > slots/);
    new Uint8Array(b.buffer, runs, 1)[0] = (1 << 5) | 2;
    expect(() => b.kernels.propagate(1, sp, rp, tg, 0, 1, 0, runPtr, runs, 1, ring, 4, 2, 0)).toThrow(/runs do not cover the row/);
    new Uint32Array(b.buffer, runPtr, 2).set([0, 2]);
    new Uint8Array(b.buffer, runs, 2).set([0, (1 << 5) | 1]);
    new Float32Array(b.buffer, ring, 8).fill(0);
    expect(b.kernels.propagate(1, sp, rp, tg, 0, 1, 0, runPtr, runs, 1, ring, 4, 2, 0)).toBe(1);
    expect(new Float32Array(b.buffer, ring, 8)[3], 'delay 1 + 0 + 1 = 2: slot 0').toBe(1);
    // connectivity: a chunk outside the target range of the descriptor
    const desc = b.base + 1024;
    new Uint8Array(b.buffer, desc, L.CONN_DESC_BYTES).fill(0);
    const d = new Uint32Array(b.buffer, desc, L.CONN_DESC_BYTES / 4);
    d[L.CONN_RULE / 4] = L.RULE_ONE_TO_ONE;
    d[L.CONN_NSRC / 4] = 4;
    d[L.CONN_NTGT / 4] = 4;
    d[L.CONN_TGT_END / 4] = 4;
    d[L.CONN_ROWPTR / 4] = b.base + 2048;
    d[L.CONN_PHASE / 4] = L.CONN_PHASE_CHUNK | L.CONN_PHASE_FIRST | L.CONN_PHASE_LAST;
    d[L.CONN_CHUNK_BEGIN / 4] = 2;
    d[L.CONN_CHUNK_END / 4] = 9;
    expect(() => b.kernels.connect_count(desc)).toThrow(/connect: chunk outside the loop's range/);
    d[L.CONN_CHUNK_END / 4] = 4;
    expect(b.kernels.connect_count(desc)).toBe(2);
    d[L.CONN_ROWPTR / 4] = b.buffer.byteLength - 8;
    expect(() => b.kernels.connect_count(desc)).toThrow(/connect: rowPtr out of bounds/);
    b.dispose();
  });
});
