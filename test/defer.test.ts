/**
 * Deferred delivery (defer_propagate / defer_flush, src/core/delivery.ts): the ring values read at
 * every step must be the bits of direct delivery (propagate), on every backend and variant, with
 * buckets large enough never to fill and so small that they are applied early (spills) many times.
 * The bucket memory itself must be the same on every backend (the JS mirror keeps the same layout).
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '../src/backend/index.ts';
import { Arena, BACKENDS, expectBits, fr, lockstepBackends, prng, toLayout } from './kernel-harness.ts';

interface Proj {
  rowPtr: Uint32Array;
  /** the layout's targets (rows ordered by delay) and, with per-synapse delays, its runs */
  syn: Uint32Array;
  weights: Float32Array | null;
  runPtr: Uint32Array | null;
  runs: Uint8Array | null;
  constWeight: number;
  constDelay: number;
}

/** A random projection: nSrc rows of 0..maxRow synapses onto nTarget targets (repeats allowed), in the kernels' layout. */
function projection(rnd: () => number, nSrc: number, nTarget: number, maxRow: number, slots: number, kind: 'delays' | 'const'): Proj {
  const rowPtr = new Uint32Array(nSrc + 1);
  for (let s = 0; s < nSrc; s++) rowPtr[s + 1] = rowPtr[s] + Math.floor(rnd() * (maxRow + 1));
  const n = rowPtr[nSrc];
  const targets = Uint32Array.from({ length: n }, () => Math.floor(rnd() * nTarget));
  const delays = kind === 'delays' ? Uint8Array.from({ length: n }, () => 1 + Math.floor(rnd() * slots)) : null; // delays 1..slots
  // magnitudes from 1e-6 to 1e3, both signs: the bits depend on the order of the additions
  const weights = rnd() < 0.8 ? Float32Array.from(targets, () => (rnd() < 0.5 ? -1 : 1) * 10 ** (-6 + 9 * rnd())) : null;
  const l = toLayout(rowPtr, targets, delays, weights, false);
  return {
    rowPtr, syn: l.syn as Uint32Array, weights: l.weights, runPtr: l.runPtr, runs: l.runs, constWeight: fr(0.37),
    constDelay: delays ? l.base : 1 + Math.floor(rnd() * slots),
  };
}

for (const B of BACKENDS) {
  describe(`deferred delivery: ${B.label}`, () => {
    const ctx = lockstepBackends(B);

    it('each slot read holds the bits of direct delivery, with and without early (full-bucket) application; same buckets as js', () => {
      const { a, r } = ctx;
      const rnd = prng(7);
      const slots = 12, nTarget = 23, nSrc = 9, steps = 40;
      // delays over 12 steps (gaps of more than 7: runs of no synapses) and rows of up to 200 synapses
      // over 3 delays (more than 31 of one delay: runs of step 0)
      const projs = [projection(rnd, nSrc, nTarget, 12, slots, 'delays'), projection(rnd, nSrc, nTarget, 6, slots, 'const'), projection(rnd, nSrc, nTarget, 30, slots, 'delays'),
        projection(rnd, nSrc, nTarget, 200, 3, 'delays')];
      const runs = projs.flatMap((p) => Array.from(p.runs ?? []));
      expect(runs.some((v) => (v & 31) === 0), 'a run of no synapses').toBe(true);
      expect(runs.some((v, i) => v >>> 5 === 0 && i > 0 && (runs[i - 1] & 31) === 31), 'a run of step 0 after a full one').toBe(true);
      const spikesAt = Array.from({ length: steps }, () => Array.from({ length: Math.floor(rnd() * 6) }, () => Math.floor(rnd() * nSrc)));
      for (const cap of [1, 3, 16, 4096]) {
        /** steps of (flush, read and clear slot t, then deliver the spikes of step t); returns every slot read */
        const run = (ar: Arena, deferred: boolean): { reads: Float32Array[]; buckets: Uint32Array; fill: Uint32Array; events: number } => {
          ar.reset();
          const K = ar.be.kernels;
          const ring = ar.f32(new Float32Array(slots * nTarget));
          const ptrs = projs.map((p) => ({
            rowPtr: ar.u32(p.rowPtr), syn: ar.u32(p.syn), weights: p.weights ? ar.f32(p.weights) : 0, runPtr: p.runPtr ? ar.u32(p.runPtr) : 0, runs: p.runs ? ar.u8(p.runs) : 0,
          }));
          const buckets = ar.u32(new Uint32Array(slots * cap * 2));
          const fill = ar.u32(new Uint32Array(slots));
          const spikes = ar.i32(new Int32Array(16));
          const reads: Float32Array[] = [];
          let events = 0;
          for (let t = 0; t < steps; t++) {
            const slot = t % slots;
            if (deferred) K.defer_flush(slot, slots, buckets, cap, fill);
            const view = new Float32Array(ar.be.buffer, ring + slot * nTarget * 4, nTarget);
            reads.push(view.slice());
            view.fill(0);
            new Int32Array(ar.be.buffer, spikes, 16).set(spikesAt[t]);
            projs.forEach((p, i) => {
              const q = ptrs[i];
              const args = [spikesAt[t].length, spikes, q.rowPtr, q.syn, q.weights, p.constWeight, 0, q.runPtr, q.runs, p.constDelay, ring, nTarget, slots, slot] as const;
              events += deferred ? K.defer_propagate(...args, buckets, cap, fill) : K.propagate(...args);
            });
          }
          return { reads, buckets: ar.getU32(buckets, slots * cap * 2), fill: ar.getU32(fill, slots), events };
        };
        const direct = run(a, false);
        const deferred = run(a, true);
        expect(deferred.events, `cap ${cap}`).toBe(direct.events);
        expect(direct.events).toBeGreaterThan(100);
        for (let t = 0; t < steps; t++) expectBits(deferred.reads[t], direct.reads[t], `cap ${cap}, slot read at step ${t}`);
        // the reads are not trivially equal: some slots received many additions
        expect(direct.reads.some((x) => x.some((v) => v !== 0))).toBe(true);
        const js = run(r, true);
        expectBits(deferred.buckets, js.buckets, `cap ${cap}: bucket memory vs js`);
        expectBits(deferred.fill, js.fill, `cap ${cap}: fill counts vs js`);
        if (cap === 4096) expect(Math.max(...deferred.fill)).toBeGreaterThan(0); // entries still pending at the end
      }
    });

    it('the order of additions shows in the bits (so the test above would see a reordering)', () => {
      const { a } = ctx;
      const rnd = prng(11);
      const slots = 3, nTarget = 5, nSrc = 4;
      const p = projection(rnd, nSrc, nTarget, 40, slots, 'delays');
      if (!p.weights) p.weights = Float32Array.from(p.syn, () => (rnd() < 0.5 ? -1 : 1) * 10 ** (-6 + 9 * rnd()));
      const deliver = (spikes: number[]): Float32Array => {
        a.reset();
        const K = a.be.kernels;
        const ring = a.f32(new Float32Array(slots * nTarget));
        const cap = 8;
        const buckets = a.u32(new Uint32Array(slots * cap * 2));
        const fill = a.u32(new Uint32Array(slots));
        K.defer_propagate(spikes.length, a.i32(spikes), a.u32(p.rowPtr), a.u32(p.syn), a.f32(p.weights!), 0, 0, a.u32(p.runPtr!), a.u8(p.runs!), p.constDelay, ring, nTarget, slots, 0, buckets, cap, fill);
        for (let s = 0; s < slots; s++) K.defer_flush(s, slots, buckets, cap, fill);
        return a.getF32(ring, slots * nTarget);
      };
      const fwd = deliver([0, 1, 2, 3]);
      const rev = deliver([3, 2, 1, 0]);
      let differ = false;
      for (let i = 0; i < fwd.length; i++) if (!Object.is(fwd[i], rev[i])) differ = true;
      expect(differ).toBe(true);
    });
  });
}

describe('deferred delivery: debug build checks', () => {
  it('refuses a fill count above cap and a slot outside the ring', async () => {
    const b = await createBackend('wasm', { variant: 'debug' });
    try {
      b.reserve(1 << 16);
      const rp = b.base, tg = b.base + 64, sp = b.base + 128, ring = b.base + 256, fill = b.base + 512, buckets = b.base + 1024;
      const runPtr = b.base + 96, runs = b.base + 112;
      new Uint32Array(b.buffer, rp, 2).set([0, 1]);
      new Uint32Array(b.buffer, runPtr, 2).set([0, 1]);
      new Uint8Array(b.buffer, runs, 1)[0] = (1 << 5) | 1; // one synapse of delay 0 + 1
      new Uint32Array(b.buffer, tg, 1)[0] = 3;
      new Uint32Array(b.buffer, fill, 2).set([0, 5]); // slot 1 holds 5 entries, cap is 4
      expect(() => b.kernels.defer_propagate(1, sp, rp, tg, 0, 1, 0, runPtr, runs, 0, ring, 4, 2, 0, buckets, 4, fill)).toThrow(/fill\[slot\] > cap/);
      expect(() => b.kernels.defer_flush(2, 2, buckets, 4, fill)).toThrow(/slot outside/);
      new Uint32Array(b.buffer, fill, 2).set([0, 0]);
      new Uint32Array(b.buffer, tg, 1)[0] = 4; // target 4 >= nTarget 4
      expect(() => b.kernels.defer_propagate(1, sp, rp, tg, 0, 1, 0, runPtr, runs, 0, ring, 4, 2, 0, buckets, 4, fill)).toThrow(/target index >= nTarget/);
      new Uint32Array(b.buffer, tg, 1)[0] = 3;
      expect(b.kernels.defer_propagate(1, sp, rp, tg, 0, 1, 0, runPtr, runs, 0, ring, 4, 2, 0, buckets, 4, fill)).toBe(1);
      expect(new Uint32Array(b.buffer, fill, 2)[1]).toBe(1);
      b.kernels.defer_flush(1, 2, buckets, 4, fill);
      expect(new Float32Array(b.buffer, ring, 8)[4 + 3]).toBe(1);
      expect(new Uint32Array(b.buffer, fill, 2)[1]).toBe(0);
    } finally {
      b.dispose();
    }
  });
});
