/**
 * Izhikevich and noise kernels, on every backend and variant (js, wasm-simd, wasm-scalar,
 * wasm-debug), checked against
 *  - a double-precision reference of the same scheme (the firing classes of Izhikevich 2003),
 *  - an independent float32 specification written here in the documented order (bitwise),
 *  - the js backend run in lockstep (bitwise),
 *  - rngNormal32 (the float32 ziggurat) of src/core/rng.ts for every noise draw.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../src/backend/index.ts';
import * as L from '../src/core/layout.ts';
import { rngKey, rngNormal32 } from '../src/core/rng.ts';

import { ARENA, Arena, BACKENDS, expectBits, fr, prng, SIZES, lockstepBackends } from './kernel-harness.ts';


// ------------------------------------------------------------------------------------------------
// Izhikevich: parameters, state, and an independent float32 specification
// ------------------------------------------------------------------------------------------------

interface IzhP {
  a: number; b: number; c: number; d: number; vpeak: number; p11e: number; p11i: number;
}

function block(ps: IzhP[], hetero: boolean): Float32Array {
  const n = ps.length;
  const out = new Float32Array(L.IZH_NPARAMS * (hetero ? n : 1));
  const stride = hetero ? n : 1;
  (hetero ? ps : ps.slice(0, 1)).forEach((p, i) => {
    out[L.IZH_A * stride + i] = p.a;
    out[L.IZH_B * stride + i] = p.b;
    out[L.IZH_C * stride + i] = p.c;
    out[L.IZH_D * stride + i] = p.d;
    out[L.IZH_VPEAK * stride + i] = p.vpeak;
    out[L.IZH_P11E * stride + i] = p.p11e;
    out[L.IZH_P11I * stride + i] = p.p11i;
  });
  return out;
}

function par(params: Float32Array, hetero: boolean, n: number, k: number, i: number): number {
  return hetero ? params[k * n + i] : params[k];
}

interface IzhState {
  v: Float32Array; u: Float32Array; ie: Float32Array; ii: Float32Array; bias: Float32Array;
}

/**
 * The documented float32 step, written independently of every backend. Mutates s and clears the
 * inputs; returns the spikes. exp = false: inE is the (delta) input and ie, ii, inI are unused.
 */
function izhSpec(s: IzhState, inE: Float32Array, inI: Float32Array, params: Float32Array, hetero: boolean, exp: boolean, scheme: number, dt: number): number[] {
  const n = s.v.length;
  const spikes: number[] = [];
  const K = fr(0.04);
  const h = fr(dt);
  const f = (v: number, u: number, I: number) => {
    let t = fr(v * v);
    t = fr(t * K);
    t = fr(t + fr(v * 5));
    t = fr(t + 140);
    t = fr(t - u);
    return fr(t + I);
  };
  for (let i = 0; i < n; i++) {
    const P = (k: number) => par(params, hetero, n, k, i);
    const a = P(L.IZH_A), b = P(L.IZH_B);
    const g = (v: number, u: number) => fr(fr(fr(b * v) - u) * a);
    let v = s.v[i];
    let u = s.u[i];
    const I = exp ? fr(fr(s.ie[i] + s.ii[i]) + s.bias[i]) : fr(s.bias[i] + inE[i]);
    if (scheme === L.IZH_SCHEME_2003) {
      v = fr(v + fr(0.5 * f(v, u, I)));
      v = fr(v + fr(0.5 * f(v, u, I)));
      u = fr(u + g(v, u));
    } else {
      const dv = f(v, u, I);
      const du = g(v, u);
      v = fr(v + fr(dv * h));
      u = fr(u + fr(du * h));
    }
    if (exp) {
      s.ie[i] = fr(fr(s.ie[i] * P(L.IZH_P11E)) + inE[i]);
      s.ii[i] = fr(fr(s.ii[i] * P(L.IZH_P11I)) + inI[i]);
    }
    if (v >= P(L.IZH_VPEAK)) {
      v = P(L.IZH_C);
      u = fr(u + P(L.IZH_D));
      spikes.push(i);
    }
    s.v[i] = v;
    s.u[i] = u;
  }
  inE.fill(0);
  inI.fill(0);
  return spikes;
}

interface IzhPtrs {
  v: number; u: number; ie: number; ii: number; bias: number; inE: number; inI: number; params: number; spikes: number;
}

function upload(a: Arena, s: IzhState, params: Float32Array): IzhPtrs {
  const n = s.v.length;
  return {
    v: a.f32(s.v), u: a.f32(s.u), ie: a.f32(s.ie), ii: a.f32(s.ii), bias: a.f32(s.bias),
    inE: a.alloc(n * 4), inI: a.alloc(n * 4), params: a.f32(params), spikes: a.alloc(n * 4),
  };
}

function run(a: Arena, p: IzhPtrs, n: number, inE: Float32Array, inI: Float32Array, hetero: boolean, exp: boolean, scheme: number, dt: number): Int32Array {
  const K = a.be.kernels;
  a.setF32(p.inE, inE);
  a.setF32(p.inI, inI);
  const c = exp
    ? K.izhikevich_update(n, p.v, p.u, p.ie, p.ii, p.bias, p.inE, p.inI, p.params, hetero ? 1 : 0, scheme, dt, p.spikes)
    : K.izhikevich_delta_update(n, p.v, p.u, p.bias, p.inE, p.params, hetero ? 1 : 0, scheme, dt, p.spikes);
  expect(c >= 0 && c <= n, `spike count ${c}`).toBe(true);
  return a.getI32(p.spikes, c);
}

function download(a: Arena, p: IzhPtrs, n: number): IzhState {
  return { v: a.getF32(p.v, n), u: a.getF32(p.u, n), ie: a.getF32(p.ie, n), ii: a.getF32(p.ii, n), bias: a.getF32(p.bias, n) };
}

// ------------------------------------------------------------------------------------------------
// Firing classes of Izhikevich (2003), Fig. 2, under a constant current step
// ------------------------------------------------------------------------------------------------

const CLASSES = {
  RS: { a: 0.02, b: 0.2, c: -65, d: 8 }, //    regular spiking
  IB: { a: 0.02, b: 0.2, c: -55, d: 4 }, //    intrinsically bursting
  CH: { a: 0.02, b: 0.2, c: -50, d: 2 }, //    chattering
  FS: { a: 0.1, b: 0.2, c: -65, d: 2 }, //     fast spiking
  LTS: { a: 0.02, b: 0.25, c: -65, d: 2 }, //  low-threshold spiking
} as const;
type ClassName = keyof typeof CLASSES;

/** The same scheme in float64 from v = -65, u = b v, constant I: spike steps. */
function reference64(p: { a: number; b: number; c: number; d: number }, I: number, steps: number, scheme: number, dt: number): number[] {
  const { a, b, c, d } = p;
  let v = -65;
  let u = b * v;
  const out: number[] = [];
  for (let t = 0; t < steps; t++) {
    if (scheme === L.IZH_SCHEME_2003) {
      v += 0.5 * (0.04 * v * v + 5 * v + 140 - u + I);
      v += 0.5 * (0.04 * v * v + 5 * v + 140 - u + I);
      u += a * (b * v - u);
    } else {
      const dv = 0.04 * v * v + 5 * v + 140 - u + I;
      const du = a * (b * v - u);
      v += dt * dv;
      u += dt * du;
    }
    if (v >= 30) {
      v = c;
      u += d;
      out.push(t);
    }
  }
  return out;
}

/** One neuron driven by izhikevich_delta_update step by step with bias = I: spike steps. */
function singleNeuron(a: Arena, p: { a: number; b: number; c: number; d: number }, I: number, steps: number, scheme: number, dt: number): number[] {
  a.reset();
  const s: IzhState = {
    v: Float32Array.of(-65), u: Float32Array.of(fr(p.b * -65)), ie: new Float32Array(1), ii: new Float32Array(1), bias: Float32Array.of(I),
  };
  const ptr = upload(a, s, block([{ ...p, vpeak: 30, p11e: 0, p11i: 0 }], false));
  const K = a.be.kernels;
  const out: number[] = [];
  for (let t = 0; t < steps; t++) {
    if (K.izhikevich_delta_update(1, ptr.v, ptr.u, ptr.bias, ptr.inE, ptr.params, 0, scheme, dt, ptr.spikes) > 0) out.push(t);
  }
  return out;
}

const isis = (steps: number[], dt: number) => steps.slice(1).map((t, k) => (t - steps[k]) * dt);

// ------------------------------------------------------------------------------------------------
// shared suites
// ------------------------------------------------------------------------------------------------

for (const B of BACKENDS) {
  describe(`izhikevich kernels: ${B.label}`, () => {
    let be: Backend;
    let ref: Backend;
    let a: Arena;
    let r: Arena;
    const ctx = lockstepBackends(B);
    beforeAll(() => ({ be, ref, a, r } = ctx));

    /*
     * Forward Euler at dt = 0.1 ms, I = 10, 1 s. Tolerance: float32 rounds every operation to a
     * relative 2^-24 (6e-8); the spike times of a tonic train are then exact until the phase drift
     * of the float32 trajectory against float64 reaches a step. Bursting and regular trains stay
     * on the same steps for the whole second (observed: 0 steps apart); the fast periodic trains of
     * FS and LTS drift by at most ~13 steps (1.3 ms) after 1 s and 77-131 spikes (observed). So
     * we require: the first 15 spike times within 1 step, every spike within 2 ms (0.2% of the
     * run), the same spike count ±1; and the class signature on the float32 train.
     */
    it('firing classes of Izhikevich (2003), forward Euler dt = 0.1 ms, I = 10: spike times vs float64, class signatures', () => {
      const dt = 0.1;
      const steps = 10000;
      const trains = {} as Record<ClassName, number[]>;
      for (const name of Object.keys(CLASSES) as ClassName[]) {
        const p = CLASSES[name];
        const got = singleNeuron(a, p, 10, steps, L.IZH_SCHEME_EULER, dt);
        const want = reference64(p, 10, steps, L.IZH_SCHEME_EULER, dt);
        trains[name] = got;
        expect(Math.abs(got.length - want.length), `${name}: spike count ${got.length} vs float64 ${want.length}`).toBeLessThanOrEqual(1);
        expect(got.length, `${name}: spikes`).toBeGreaterThan(15);
        for (let k = 0; k < 15; k++) expect(Math.abs(got[k] - want[k]), `${name}: spike ${k} at step ${got[k]} vs float64 ${want[k]}`).toBeLessThanOrEqual(1);
        for (let k = 0; k < Math.min(got.length, want.length); k++)
          expect(Math.abs(got[k] - want[k]) * dt, `${name}: spike ${k} at ${got[k] * dt} ms vs float64 ${want[k] * dt} ms`).toBeLessThanOrEqual(2);
      }
      const rate = (n: ClassName) => trains[n].length; // Hz: 1 s
      const I = (n: ClassName) => isis(trains[n], dt);
      // RS: tonic single spikes (no ISI below 20 ms) that adapt: the steady ISI is > 1.5x the first
      const rs = I('RS');
      expect(Math.min(...rs), 'RS: no bursts').toBeGreaterThan(20);
      expect(rs[rs.length - 1] / rs[0], 'RS: adapting').toBeGreaterThan(1.5);
      // IB: an initial burst (the first two ISIs < 10 ms), then tonic single spikes (ISIs > 20 ms)
      const ib = I('IB');
      expect(ib[0] < 10 && ib[1] < 10, `IB: initial burst, ISIs ${ib.slice(0, 3).join(', ')}`).toBe(true);
      expect(Math.min(...ib.slice(2)), 'IB: tonic after the burst').toBeGreaterThan(20);
      // CH: repeated bursts: ISIs bimodal (< 10 ms within bursts, > 30 ms between), >= 10 bursts of >= 3 spikes
      const ch = I('CH');
      expect(ch.every((x) => x < 10 || x > 30), 'CH: ISIs bimodal').toBe(true);
      const gaps = ch.map((x, k) => (x > 30 ? k : -1)).filter((k) => k >= 0);
      expect(gaps.length, 'CH: repeated bursts').toBeGreaterThanOrEqual(10);
      for (const k of gaps) if (k + 2 < ch.length) expect(ch[k + 1] < 10 && ch[k + 2] < 10, `CH: burst after the gap at ISI ${k}`).toBe(true);
      // FS: high rate (> 100 Hz), practically no adaptation after the onset (ISIs after the 5th within 10%)
      const fs = I('FS');
      expect(rate('FS'), 'FS: high rate').toBeGreaterThan(100);
      const fsTail = fs.slice(5);
      expect(Math.max(...fsTail) / Math.min(...fsTail), 'FS: non-adapting').toBeLessThan(1.1);
      // LTS: high initial rate (first ISI < 5 ms) that adapts (steady ISI > 2.5x the first); tonic (> 10 ms)
      const lts = I('LTS');
      expect(lts[0], 'LTS: high initial rate').toBeLessThan(5);
      expect(lts[lts.length - 1] / lts[0], 'LTS: adapting').toBeGreaterThan(2.5);
      expect(lts[lts.length - 1], 'LTS: steady ISI').toBeGreaterThan(10);
      // the classes are distinct: FS fires most, RS least; only IB and CH burst
      expect(rate('FS')).toBeGreaterThan(Math.max(rate('LTS'), rate('CH'), rate('IB'), rate('RS')));
      expect(rate('RS')).toBeLessThan(Math.min(rate('LTS'), rate('CH'), rate('IB'), rate('FS')));
      expect(rs[0] > 10 && lts[0] < 10 && fs[0] < 10).toBe(true);
    });

    /*
     * The 2003 scheme (dt = 1 ms, two half steps of v) is a coarse map: after the first few spikes
     * the float32 and float64 trajectories decorrelate (observed: 6 to 29 spikes agree within one
     * step, then up to ~100 steps apart, with the float64 counts differing by up to 8%). So: the
     * first 5 spike times within one step, the spike count within 15%, and the coarse signatures.
     */
    it("firing classes, scheme 'izhikevich2003' (dt = 1 ms), I = 10: first spikes vs float64, rates, signatures", () => {
      const steps = 1000;
      const trains = {} as Record<ClassName, number[]>;
      for (const name of Object.keys(CLASSES) as ClassName[]) {
        const p = CLASSES[name];
        const got = singleNeuron(a, p, 10, steps, L.IZH_SCHEME_2003, 1);
        const want = reference64(p, 10, steps, L.IZH_SCHEME_2003, 1);
        trains[name] = got;
        for (let k = 0; k < 5; k++) expect(Math.abs(got[k] - want[k]), `${name}: spike ${k} at step ${got[k]} vs float64 ${want[k]}`).toBeLessThanOrEqual(1);
        expect(Math.abs(got.length - want.length) / want.length, `${name}: ${got.length} spikes vs float64 ${want.length}`).toBeLessThanOrEqual(0.15);
      }
      const I = (n: ClassName) => isis(trains[n], 1);
      expect(I('RS')[0], 'RS: no initial burst').toBeGreaterThan(20);
      expect(I('IB')[0], 'IB: initial doublet').toBeLessThanOrEqual(5);
      expect(Math.min(...I('IB').slice(1)), 'IB: then tonic').toBeGreaterThan(20);
      const ch = I('CH');
      expect(ch.filter((x) => x <= 5).length, 'CH: bursts').toBeGreaterThan(10);
      expect(ch.filter((x) => x > 30).length, 'CH: between bursts').toBeGreaterThan(10);
      expect(trains.FS.length).toBeGreaterThan(Math.max(trains.RS.length, trains.IB.length, trains.LTS.length));
      expect(trains.RS.length).toBeLessThan(Math.min(trains.IB.length, trains.CH.length, trains.FS.length, trains.LTS.length));
    });

    // ------------------------------------------------------------------ bit-identity
    for (const exp of [false, true]) {
      const kname = exp ? 'izhikevich_update' : 'izhikevich_delta_update';
      it(`${kname}: bit-identical to the float32 spec and to js over 60 steps (n = ${SIZES.join(', ')}; both schemes; homogeneous and heterogeneous)`, () => {
        for (const n of SIZES) {
          for (const hetero of [false, true]) {
            for (const scheme of [L.IZH_SCHEME_2003, L.IZH_SCHEME_EULER]) {
              const rnd = prng(977 * n + (hetero ? 1 : 0) + (exp ? 10 : 0) + 100 * scheme);
              a.reset();
              r.reset();
              const dt = scheme === L.IZH_SCHEME_2003 ? 1 : 0.1 + 0.4 * rnd();
              const ps: IzhP[] = Array.from({ length: n }, () => ({
                a: 0.01 + 0.1 * rnd(), b: 0.15 + 0.15 * rnd(), c: -70 + 25 * rnd(), d: 8 * rnd(),
                vpeak: 25 + 10 * rnd(), p11e: 0.5 + 0.49 * rnd(), p11i: 0.6 + 0.39 * rnd(),
              }));
              const params = block(ps, hetero);
              const spec: IzhState = {
                v: Float32Array.from({ length: n }, () => -80 + 115 * rnd()), // some start above v_peak
                u: Float32Array.from({ length: n }, () => -20 + 25 * rnd()),
                ie: Float32Array.from({ length: n }, () => (exp ? 10 * rnd() : 0)),
                ii: Float32Array.from({ length: n }, () => (exp ? -10 * rnd() : 0)),
                bias: Float32Array.from({ length: n }, () => 12 * rnd() - 2),
              };
              const pa = upload(a, spec, params);
              const pr = upload(r, spec, params);
              let total = 0;
              for (let step = 0; step < 60; step++) {
                const inE = Float32Array.from({ length: n }, () => (rnd() < 0.5 ? 0 : 8 * rnd()));
                const inI = Float32Array.from({ length: n }, () => (exp && rnd() < 0.5 ? -8 * rnd() : 0));
                const sa = run(a, pa, n, inE, inI, hetero, exp, scheme, dt);
                const sr = run(r, pr, n, inE, inI, hetero, exp, scheme, dt);
                const ss = Int32Array.from(izhSpec(spec, inE.slice(), inI.slice(), params, hetero, exp, scheme, dt));
                const what = `${kname} n=${n} hetero=${hetero} scheme=${scheme} step ${step}`;
                for (let k = 1; k < sa.length; k++) expect(sa[k] > sa[k - 1], `${what}: ascending spikes`).toBe(true);
                expectBits(sa, ss, `${what}: spikes vs spec`);
                expectBits(sa, sr, `${what}: spikes vs js`);
                const ga = download(a, pa, n);
                const gr = download(r, pr, n);
                expectBits(ga.v, spec.v, `${what}: v vs spec`);
                expectBits(ga.u, spec.u, `${what}: u vs spec`);
                expectBits(ga.v, gr.v, `${what}: v vs js`);
                expectBits(ga.u, gr.u, `${what}: u vs js`);
                if (exp) {
                  expectBits(ga.ie, spec.ie, `${what}: ie vs spec`);
                  expectBits(ga.ii, spec.ii, `${what}: ii vs spec`);
                  expectBits(ga.ie, gr.ie, `${what}: ie vs js`);
                  expectBits(ga.ii, gr.ii, `${what}: ii vs js`);
                }
                expect(Array.from(a.getF32(pa.inE, n)).every((x) => x === 0), `${what}: input consumed`).toBe(true);
                if (exp) expect(Array.from(a.getF32(pa.inI, n)).every((x) => x === 0), `${what}: inhibitory input consumed`).toBe(true);
                expect(ga.v.every((x) => Number.isFinite(x)) && ga.u.every((x) => Number.isFinite(x)), `${what}: finite`).toBe(true);
                total += sa.length;
              }
              if (n >= 17) expect(total, `n=${n}: some spikes`).toBeGreaterThan(n / 2);
            }
          }
        }
      });
    }

    it('izhikevich kernels: spike, reset and input order at the edges (v exactly v_peak, NaN-free reset, old ie used)', () => {
      a.reset();
      // Euler with dt = 0: v stays, so a neuron at exactly v_peak spikes and one just below does not
      const p = block([{ a: 0.02, b: 0.2, c: -65, d: 8, vpeak: 30, p11e: 0.5, p11i: 0.25 }], false);
      const s: IzhState = {
        v: Float32Array.from([30, fr(30 - 2 ** -19), -70, -70, 30]),
        u: Float32Array.from([1, 2, 3, 4, 5]),
        ie: Float32Array.from([0, 0, 2, 0, 0]), ii: Float32Array.from([0, 0, 0, -4, 0]), bias: new Float32Array(5),
      };
      const ptr = upload(a, s, p);
      const sp = run(a, ptr, 5, Float32Array.from([0, 0, 1, 0, 0]), Float32Array.from([0, 0, 0, 1, 0]), false, true, L.IZH_SCHEME_EULER, 0);
      const g = download(a, ptr, 5);
      expect(Array.from(sp)).toEqual([0, 4]);
      expect(Array.from(g.v)).toEqual([-65, fr(30 - 2 ** -19), -70, -70, -65]);
      expect(Array.from(g.u)).toEqual([9, 2, 3, 4, 13]);
      expect(Array.from(g.ie)).toEqual([0, 0, 2, 0, 0]); // 2*0.5 + 1
      expect(Array.from(g.ii)).toEqual([0, 0, 0, 0, 0]); // -4*0.25 + 1
    });

    // ------------------------------------------------------------------ noise
    it('noise_input: out[i] += f32(f32(std*z) + mean), z = rngNormal32(key, offset + i), bit for bit; sharding draws the same numbers', () => {
      for (const n of [1, 3, 4, 5, 17, 1001]) {
        a.reset();
        const rnd = prng(n + 31);
        const init = Float32Array.from({ length: n }, () => fr(rnd() * 10 - 5));
        const po = a.f32(init);
        const want = init.slice();
        for (let t = 0; t < 6; t++) {
          const key = rngKey(2003, 0x90000 + t, t);
          const offset = t % 2 === 0 ? 0 : 0xfffffff0 - 500 * t; // counters wrap in 32 bits
          const mean = [0, 1.7, -0.3][t % 3]; // not float32: the kernel sees fround
          const std = [5, 2, 0.0123][t % 3];
          be.kernels.noise_input(n, key, offset, mean, std, po);
          for (let i = 0; i < n; i++) {
            const z = rngNormal32(key, (offset + i) >>> 0);
            want[i] = fr(want[i] + fr(fr(fr(std) * z) + fr(mean)));
          }
          expectBits(a.getF32(po, n), want, `noise_input n=${n} t=${t}`);
        }
      }
      // a population split into shards [0, 37) and [37, 100) draws what the whole population draws
      a.reset();
      const key = rngKey(1, 0x90001, 12);
      const whole = a.alloc(400);
      be.kernels.noise_input(100, key, 0, 0.5, 3, whole);
      const parts = a.alloc(400);
      be.kernels.noise_input(37, key, 0, 0.5, 3, parts);
      be.kernels.noise_input(63, key, 37, 0.5, 3, parts + 37 * 4);
      expectBits(a.getF32(parts, 100), a.getF32(whole, 100), 'shards vs whole');
    });

    it('noise_input: mean and variance of many draws', () => {
      a.reset();
      const n = 20000;
      const po = a.alloc(n * 4);
      const mean = 1.5, std = 2.5;
      let s1 = 0, s2 = 0, N = 0;
      for (let t = 0; t < 10; t++) {
        new Float32Array(be.buffer, po, n).fill(0);
        be.kernels.noise_input(n, rngKey(7, 0x90000, t), 0, mean, std, po);
        const x = a.getF32(po, n);
        for (let i = 0; i < n; i++) {
          s1 += x[i];
          s2 += x[i] * x[i];
        }
        N += n;
      }
      const m = s1 / N;
      const v = s2 / N - m * m;
      // standard errors: mean std/sqrt(N) = 0.0056; variance std^2 sqrt(2/N) = 0.028
      expect(Math.abs(m - mean)).toBeLessThan(5 * (std / Math.sqrt(N)));
      expect(Math.abs(v - std * std)).toBeLessThan(5 * std * std * Math.sqrt(2 / N));
    });
  });
}

describe('izhikevich layout', () => {
  it('IZH_* of assembly/layout.ts mirror src/core/layout.ts', () => {
    const src = readFileSync(new URL('../assembly/layout.ts', import.meta.url), 'utf8');
    const as = new Map<string, number>();
    for (const m of src.matchAll(/export const (IZH_\w+): i32 = (\d+);/g)) as.set(m[1], Number(m[2]));
    const ts = Object.entries(L).filter(([k]) => k.startsWith('IZH_'));
    expect(ts.length).toBe(10);
    for (const [k, v] of ts) expect(as.get(k), k).toBe(v);
    expect(as.size).toBe(ts.length);
  });

  it('debug build checks izhikevich and noise pointers', async () => {
    const b = await createBackend('wasm', { variant: 'debug' });
    b.reserve(65536);
    const p = b.base;
    expect(() => b.kernels.izhikevich_update(4, 100, p, p, p, p, p, p, p, 0, 0, 1, p)).toThrow(/izhikevich_update: v out of bounds/);
    expect(() => b.kernels.izhikevich_delta_update(4, p, p + 2, p, p, p, 0, 1, 0.1, p)).toThrow(/izhikevich_delta_update: u out of bounds/);
    expect(() => b.kernels.izhikevich_delta_update(4, p, p, p, p, p, 0, 2, 0.1, p)).toThrow(/scheme must be 0/);
    expect(() => b.kernels.noise_input(4, 1, 0, 0, 1, b.buffer.byteLength - 8)).toThrow(/noise_input: out out of bounds/);
    b.dispose();
  });
});
