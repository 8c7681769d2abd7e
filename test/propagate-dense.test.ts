/**
 * propagate on dense rows (targets first..first+len-1, as all-to-all connectivity gives): the SIMD
 * build adds groups of four consecutive targets with one f32x4 add. Rows that only look dense
 * (first and last target span the row's length, but with permuted, repeated or skipped targets
 * inside), short rows, unaligned starts and repeated sources must still give the bits of the
 * sequential specification on every backend and variant.
 */
import { describe, expect, it } from 'vitest';
import { Arena, BACKENDS, expectBits, fr, lockstepBackends, prng } from './kernel-harness.ts';

function rows(nTarget: number): number[][] {
  const dense = (first: number, len: number) => Array.from({ length: len }, (_, k) => first + k);
  const out: number[][] = [
    dense(0, nTarget), // all-to-all
    dense(3, nTarget - 3), // unaligned start
    dense(1, 7), // a group of four and a tail of three
    dense(5, 3), // shorter than four
    dense(0, 4),
    [],
  ];
  // first/last span the length, but not consecutive inside
  const perm = dense(0, 16);
  [perm[5], perm[6]] = [perm[6], perm[5]];
  out.push(perm);
  out.push([0, 1, 1, 3]); // a multapse
  out.push([2, 3, 4, 5, 7, 6, 8, 9, 10, 11, 12, 13]); // the second group is permuted
  const skip = dense(10, 20);
  skip[9] = skip[8]; // repeated target, span still 19
  out.push(skip);
  out.push(dense(nTarget - 9, 9)); // up to the last target
  return out;
}

function spec(ring: Float32Array, rowPtr: Uint32Array, targets: Uint32Array, weights: Float32Array, spikes: number[], nTarget: number, slot: number): void {
  for (const s of spikes) {
    for (let k = rowPtr[s]; k < rowPtr[s + 1]; k++) {
      const idx = slot * nTarget + targets[k];
      ring[idx] = fr(ring[idx] + weights[k]);
    }
  }
}

for (const B of BACKENDS) {
  describe(`propagate, dense rows: ${B.label}`, () => {
    const ctx = lockstepBackends(B);

    it('per-synapse weights, constant delay: the bits of sequential delivery, also vs js', () => {
      const { a, r } = ctx;
      for (const nTarget of [37, 1000]) {
        const rs = rows(nTarget);
        const rowPtr = new Uint32Array(rs.length + 1);
        rs.forEach((row, s) => (rowPtr[s + 1] = rowPtr[s] + row.length));
        const targets = Uint32Array.from(rs.flat());
        const rnd = prng(nTarget);
        // magnitudes from 1e-6 to 1e3, both signs: the bits depend on the order of the additions
        const weights = Float32Array.from(targets, () => (rnd() < 0.5 ? -1 : 1) * 10 ** (-6 + 9 * rnd()));
        const spikes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 6, 8, 9, 0];
        const slots = 3;
        const ring0 = Float32Array.from({ length: slots * nTarget }, () => fr(rnd() - 0.5));
        for (const [now, cd] of [[0, 1], [2, 1], [1, 0], [2, 3]]) {
          const run = (ar: Arena, tgt16 = false): { ring: Float32Array; events: number } => {
            ar.reset();
            const pRing = ar.f32(ring0);
            const events = ar.be.kernels.propagate(
              spikes.length, ar.i32(spikes), ar.u32(rowPtr), tgt16 ? ar.u16(targets) : ar.u32(targets), ar.f32(weights), 0, tgt16 ? 1 : 0, 0, 0, cd,
              pRing, nTarget, slots, now,
            );
            return { ring: ar.getF32(pRing, ring0.length), events };
          };
          let slot = now + cd;
          if (slot >= slots) slot -= slots;
          const want = ring0.slice();
          spec(want, rowPtr, targets, weights, spikes, nTarget, slot);
          const got = run(a);
          const what = `nTarget ${nTarget} now ${now} delay ${cd}`;
          expect(got.events, what).toBe(spikes.reduce((e, s) => e + rowPtr[s + 1] - rowPtr[s], 0));
          expectBits(got.ring, want, `${what} vs spec`);
          expectBits(got.ring, run(r).ring, `${what} vs js`);
          expectBits(run(a, true).ring, want, `${what}, 16-bit targets vs spec`);
        }
      }
    });
  });
}
