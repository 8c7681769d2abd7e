/**
 * Connectivity built per shard (src/sim/connectivity.ts, the connect_count / connect_fill kernels):
 * for every rule, value kind and several shard splits (uneven, with an empty shard), the shards'
 * synapses together are exactly the single-shard projection, row by row (targets, weights and
 * delays, in order); every backend builds the same bits; how the build runs (chunks, buckets, hash
 * sets) changes nothing; storage stays within 9 bytes per synapse; draws that fail name the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import type { ConnectSpec, ModelSpec, NetworkPlan, ValueSpec } from '../src/core/types.ts';
import { ModelError, planNetwork } from '../src/network/index.ts';
import { targetsOf } from '../src/sim/synapse-layout.ts';
import { buildShardProjection, setConnectTuning } from '../src/sim/connectivity.ts';
import { BUILD_BACKENDS, bits, buildShard, oneProjection, type HostProjection } from './connectivity-util.ts';

const NS = 97;
const NT = 83;

function model(connect: ConnectSpec, o: { same?: boolean; weight?: ValueSpec; delay?: ValueSpec; nSrc?: number; nTgt?: number; seed?: number } = {}): ModelSpec {
  const nSrc = o.nSrc ?? NS;
  return oneProjection(connect, nSrc, o.same ? nSrc : (o.nTgt ?? NT), { ...o, weight: o.weight ?? 0.5, seed: o.seed ?? 7 });
}

const normalW: ValueSpec = { dist: 'normal', mean: 0.3, std: 0.2, min: 0, max: 0.6 };
const uniformD: ValueSpec = { dist: 'uniform', low: 0.1, high: 2.5 };
const redrawD: ValueSpec = { dist: 'normal', mean: 1, std: 0.4, min: 0.2, max: 2, bound: 'redraw' };
const arr = (n: number, f: (k: number) => number) => Array.from({ length: n }, (_, k) => f(k));

const expl = (() => {
  const sources: number[] = [];
  const targets: number[] = [];
  let x = 12345;
  for (let k = 0; k < 700; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    sources.push(x % NS);
    targets.push((x >>> 12) % NT);
  }
  sources.push(3, 3, 3);
  targets.push(0, 0, NT - 1); // a multapse and the last target
  return { sources, targets };
})();

const CASES: { name: string; spec: ModelSpec }[] = [
  { name: 'pairwise_bernoulli normal weights, uniform delays', spec: model({ rule: 'pairwise_bernoulli', p: 0.1 }, { weight: normalW, delay: uniformD }) },
  { name: 'pairwise_bernoulli without autapses', spec: model({ rule: 'pairwise_bernoulli', p: 0.3, allow_autapses: false }, { same: true }) },
  { name: 'pairwise_bernoulli p = 1', spec: model({ rule: 'pairwise_bernoulli', p: 1 }, { weight: { dist: 'uniform', low: 1, high: 2 } }) },
  { name: 'pairwise_bernoulli p = 0', spec: model({ rule: 'pairwise_bernoulli', p: 0 }) },
  { name: 'fixed_indegree uniform weights, redraw delays', spec: model({ rule: 'fixed_indegree', indegree: 9 }, { weight: { dist: 'uniform', low: -1, high: 1 }, delay: redrawD }) },
  { name: 'fixed_indegree without autapses and multapses, bernoulli weights', spec: model({ rule: 'fixed_indegree', indegree: 20, allow_autapses: false, allow_multapses: false }, { same: true, weight: { dist: 'bernoulli', p: 0.3 } }) },
  { name: 'fixed_indegree per-synapse arrays', spec: model({ rule: 'fixed_indegree', indegree: 4 }, { weight: arr(4 * NT, (k) => k / 7), delay: arr(4 * NT, (k) => 0.1 * (1 + (k % 13))) }) },
  { name: 'fixed_outdegree normal weights, uniform delays', spec: model({ rule: 'fixed_outdegree', outdegree: 15 }, { weight: normalW, delay: uniformD }) },
  { name: 'fixed_outdegree long rows (merge sort), redraw delays', spec: model({ rule: 'fixed_outdegree', outdegree: 70 }, { weight: normalW, delay: redrawD }) },
  { name: 'fixed_outdegree without autapses and multapses', spec: model({ rule: 'fixed_outdegree', outdegree: 60, allow_autapses: false, allow_multapses: false }, { same: true, weight: { dist: 'uniform', low: 0, high: 1 } }) },
  { name: 'fixed_outdegree per-synapse arrays', spec: model({ rule: 'fixed_outdegree', outdegree: 5 }, { weight: arr(5 * NS, (k) => k), delay: arr(5 * NS, (k) => 0.1 * (1 + (k % 9))) }) },
  { name: 'fixed_total_number, arrays', spec: model({ rule: 'fixed_total_number', n: 2000 }, { weight: arr(2000, (k) => -k), delay: arr(2000, (k) => 0.1 * (1 + (k % 5))) }) },
  { name: 'fixed_total_number without multapses, uniform delays', spec: model({ rule: 'fixed_total_number', n: 3000, allow_multapses: false }, { delay: uniformD }) },
  { name: 'all_to_all without autapses, arrays', spec: model({ rule: 'all_to_all', allow_autapses: false }, { same: true, weight: arr(NS * (NS - 1), (k) => k % 101), delay: arr(NS * (NS - 1), (k) => 0.1 * (1 + (k % 7))) }) },
  { name: 'all_to_all normal weights', spec: model({ rule: 'all_to_all' }, { weight: normalW }) },
  { name: 'one_to_one uniform delays', spec: model({ rule: 'one_to_one' }, { nTgt: NS, delay: uniformD, weight: normalW }) },
  { name: 'explicit with arrays (multapses)', spec: model({ rule: 'explicit', ...expl }, { weight: arr(expl.sources.length, (k) => k), delay: arr(expl.sources.length, (k) => 0.1 * (1 + (k % 4))) }) },
  { name: 'explicit, constant values', spec: model({ rule: 'explicit', ...expl }) },
];

/** Shard splits of n targets: [begin, end) per shard. */
function splits(n: number): [number, number][][] {
  const even = (T: number) => Array.from({ length: T }, (_, k) => [Math.floor((k * n) / T), Math.floor(((k + 1) * n) / T)] as [number, number]);
  return [
    even(1), even(2), even(3), even(4),
    [[0, 1], [1, 1], [1, Math.floor(n / 2)], [Math.floor(n / 2), n]], // uneven, with an empty shard
    [[0, n - 1], [n - 1, n]],
  ];
}

/**
 * The shards' synapses as one CSR: row s is the concatenation of the shards' rows s, in shard
 * order, then ordered by delay (stable): a shard's row is the single-shard row restricted to its
 * targets (ordered by delay, then target), so this gives the single-shard row.
 */
function union(parts: HostProjection[], nSrc: number) {
  const rowPtr = new Uint32Array(nSrc + 1);
  const n = parts.reduce((a, q) => a + q.nSyn, 0);
  const targets = new Uint32Array(n);
  const wbits = new Uint32Array(n);
  const delays = new Uint8Array(n);
  let k = 0;
  for (let s = 0; s < nSrc; s++) {
    const row: [number, number, number][] = [];
    for (const q of parts) {
      const w = q.weights ? new Uint32Array(q.weights.buffer, q.weights.byteOffset, q.nSyn) : null;
      for (let j = q.rowPtr[s]; j < q.rowPtr[s + 1]; j++) row.push([q.targets[j], w ? w[j] : 0, q.delays ? q.delays[j] : q.constDelay]);
    }
    row.sort((a, b) => a[2] - b[2]); // stable
    for (const [t, w, d] of row) {
      targets[k] = t;
      wbits[k] = w;
      delays[k++] = d;
    }
    rowPtr[s + 1] = k;
  }
  return { rowPtr, targets, wbits, delays };
}

/** Row s of a shard: (global target, weight bits, delay) triples in order. */
function row(p: HostProjection, s: number): number[][] {
  const out: number[][] = [];
  const wb = bits(p.weights);
  for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) out.push([p.targets[k], wb ? wb[k] : -1, p.delays ? p.delays[k] : p.constDelay]);
  return out;
}

function expectSame(a: HostProjection, b: HostProjection, what: string) {
  expect(b.nSyn, what).toBe(a.nSyn);
  expect(Array.from(b.rowPtr), what).toEqual(Array.from(a.rowPtr));
  expect(Array.from(b.syn), what).toEqual(Array.from(a.syn));
  expect(bits(b.weights), what).toEqual(bits(a.weights));
  expect([b.constWeight, b.constDelay, b.tgt16], what).toEqual([a.constWeight, a.constDelay, a.tgt16]);
  expect(b.runPtr && Array.from(b.runPtr), what).toEqual(a.runPtr && Array.from(a.runPtr));
  expect(b.runs && Array.from(b.runs), what).toEqual(a.runs && Array.from(a.runs));
}

describe('shards build the single-shard network, on every backend', () => {
  const backends: { label: string; be: Backend }[] = [];
  beforeAll(async () => {
    for (const B of BUILD_BACKENDS) backends.push({ label: B.label, be: await B.make() });
  });
  afterAll(() => {
    for (const b of backends) b.be.dispose();
    setConnectTuning(null);
  });

  /** Reference (js, one shard, default tuning) per case. */
  const refs = new Map<string, HostProjection>();
  function reference(c: (typeof CASES)[number], plan: NetworkPlan): HostProjection {
    let r = refs.get(c.name);
    if (!r) {
      r = buildShard(backends[0].be, plan, 0);
      refs.set(c.name, r);
    }
    return r;
  }

  for (const c of CASES) {
    it(c.name, () => {
      const plan = planNetwork(c.spec);
      const pr = plan.projections[0];
      const ref = reference(c, plan);
      // rows ascend by delay, then by target (multapses of one delay adjacent); the runs cover them
      let descending = 0;
      const d = (k: number) => (ref.delays ? ref.delays[k] : ref.constDelay);
      for (let s = 0; s < pr.nSrc; s++)
        for (let k = ref.rowPtr[s] + 1; k < ref.rowPtr[s + 1]; k++) if (d(k) < d(k - 1) || (d(k) === d(k - 1) && ref.targets[k] < ref.targets[k - 1])) descending++;
      expect(descending).toBe(0);
      if (ref.runs) {
        // the fewest runs: a run of no synapses only to step over a gap of more than 7 (step 7),
        // a run of step 0 only to go on with a delay of more than 31 synapses, and the runs cover
        // the row; the base is the least delay
        let k = 0, bad = 0, least = 255;
        for (let s = 0; s < pr.nSrc; s++) {
          let prev = -1;
          for (let r = ref.runPtr![s]; r < ref.runPtr![s + 1]; r++) {
            const v = ref.runs[r], step = v >>> 5, c = v & 31;
            if (c === 0 && step !== 7) bad++;
            if (step === 0 && r > ref.runPtr![s] && prev !== 31) bad++;
            prev = c;
            k += c;
          }
          if (k !== ref.rowPtr[s + 1]) bad++;
        }
        for (const x of ref.delays!) least = Math.min(least, x);
        expect(bad).toBe(0);
        if (ref.nSyn > 0) expect(ref.constDelay).toBe(least);
      }
      if (pr.exact) expect(ref.nSyn).toBe(pr.synapses);
      if (c.name.includes('p = 0')) expect(ref.nSyn).toBe(0);
      else expect(ref.nSyn).toBeGreaterThan(0);
      for (const { label, be } of backends) {
        // the same bits on every backend
        expectSame(ref, buildShard(be, plan, 0), `${label}: one shard`);
        // shards together: each row is the concatenation of the shards' rows, in shard order
        for (const split of splits(pr.nTgt)) {
          const parts = split.map(([b, e]) => buildShard(be, plan, 0, b, e));
          let total = 0;
          let outside = 0;
          parts.forEach((q, i) => {
            total += q.nSyn;
            for (let k = 0; k < q.nSyn; k++) if (q.targets[k] < split[i][0] || q.targets[k] >= split[i][1]) outside++;
          });
          expect(outside).toBe(0);
          expect(total, `${label} split ${JSON.stringify(split)}`).toBe(ref.nSyn);
          const u = union(parts, pr.nSrc);
          const want = union([ref], pr.nSrc);
          expect(u.rowPtr, `${label} split ${JSON.stringify(split)}: rows`).toEqual(want.rowPtr);
          expect(u.targets, `${label} split ${JSON.stringify(split)}: targets`).toEqual(want.targets);
          expect(u.wbits, `${label} split ${JSON.stringify(split)}: weights`).toEqual(want.wbits);
          expect(u.delays, `${label} split ${JSON.stringify(split)}: delays`).toEqual(want.delays);
        }
      }
    });
  }

  it('how the build runs (chunks of one target, buckets, no hash sets) changes nothing', () => {
    setConnectTuning({
      chunkSynapses: 7, firstChunkSynapses: 1, bucketMinSynapses: 0, bucketMinSources: 0, bucketShift: 2, bucketCap: 3, hashSets: false,
    });
    try {
      for (const c of CASES) {
        const plan = planNetwork(c.spec);
        const ref = reference(c, plan);
        for (const { label, be } of backends) {
          expectSame(ref, buildShard(be, plan, 0), `${label}: ${c.name}`);
          const [b, e] = [Math.floor(plan.projections[0].nTgt / 3), plan.projections[0].nTgt - 2];
          const part = buildShard(be, plan, 0, b, e);
          const got: number[][] = [];
          const want: number[][] = [];
          for (let s = 0; s < plan.projections[0].nSrc; s++) {
            got.push(...row(part, s));
            want.push(...row(ref, s).filter((x) => x[0] >= b && x[0] < e));
          }
          expect(got, `${label}: ${c.name}`).toEqual(want);
        }
      }
    } finally {
      setConnectTuning(null);
    }
  });

  it('a drawn delay above the bound and a failing redraw are ModelErrors naming the field and the neuron', () => {
    const plan = planNetwork(model({ rule: 'fixed_indegree', indegree: 5 }, { delay: uniformD }));
    plan.projections[0].maxDelay = 3; // the ring would be too short for these delays
    const bad = planNetwork(model({ rule: 'pairwise_bernoulli', p: 0.2 }, { weight: { dist: 'normal', mean: 0, std: 1, min: 40, max: 41, bound: 'redraw' } }));
    const out = planNetwork(model({ rule: 'fixed_outdegree', outdegree: 3 }, { delay: { dist: 'normal', mean: 1, std: 1, min: 20, max: 21, bound: 'redraw' } }));
    for (const { label, be } of backends) {
      let err: unknown;
      try {
        buildShard(be, plan, 0);
      } catch (e) {
        err = e;
      }
      expect(err, label).toBeInstanceOf(ModelError);
      expect((err as ModelError).issues[0].path).toBe('projections[0].delay');
      expect((err as ModelError).message).toMatch(/drew a delay of [\d.]+ ms = \d+ steps \(target neuron \d+\), more than the 3 steps/);
      expect(() => buildShard(be, bad, 0), label).toThrow(/projections\[0\]\.weight: a normal distribution with bound 'redraw' found no value .* \(target neuron \d+\)/);
      expect(() => buildShard(be, out, 0), label).toThrow(/projections\[0\]\.delay: .*redraw.* \(source neuron \d+\)/);
    }
  });

  it('refuses packed delays for more than 2^24 targets in a shard, and a range outside the population', () => {
    const plan = planNetwork(model({ rule: 'one_to_one' }, { nTgt: NS, delay: uniformD }));
    const big = structuredClone(plan);
    big.projections[0].nTgt = 2 ** 24 + 1;
    const be = backends[0].be;
    const alloc = {
      alloc: () => {
        throw new Error('nothing may be allocated');
      },
      release: () => {
        throw new Error('nothing may be released');
      },
    };
    expect(() => buildShardProjection(be, alloc, big, 0, 0, 2 ** 24 + 1)).toThrow(ModelError);
    expect(() => buildShardProjection(be, alloc, big, 0, 0, 2 ** 24 + 1)).toThrow(/projections\[0\]\.delay: per-synapse delays need at most 16777216 target neurons per shard/);
    expect(() => buildShardProjection(be, alloc, plan, 0, 5, 3)).toThrow(/target range \[5, 3\) outside/);
    expect(() => buildShardProjection(be, alloc, plan, 0, 0, NS + 1)).toThrow(/outside/);
  });

  it('an allocator that leaves gaps (the synapse arrays land on the temporaries) builds the same synapses', () => {
    for (const c of CASES) {
      const plan = planNetwork(c.spec);
      for (const { label, be } of backends) {
        let off = be.base;
        const alloc = {
          alloc: (_name: string, bytes: number) => {
            off += 1 << 20; // a gap of 1 MiB before every allocation
            const at = off;
            off += Math.max(16, Math.ceil(bytes / 16) * 16);
            be.reserve(off - be.base);
            return at;
          },
          release: (_name: string, at: number) => {
            off = at;
          },
        };
        const r = buildShardProjection(be, alloc, plan, 0, 0, plan.projections[0].nTgt);
        const ref = reference(c, plan);
        expect(r.nSyn, `${label}: ${c.name}`).toBe(ref.nSyn);
        expect(Array.from(new Uint32Array(be.buffer, r.rowPtr, plan.projections[0].nSrc + 1)), `${label}: ${c.name}`).toEqual(Array.from(ref.rowPtr));
        expect(Array.from(targetsOf(be.buffer, r)), `${label}: ${c.name}`).toEqual(Array.from(ref.syn));
        if (ref.weights) expect(bits(new Float32Array(be.buffer, r.weights, r.nSyn))).toEqual(bits(ref.weights));
        if (ref.runs) expect(Array.from(new Uint8Array(be.buffer, r.runs, r.nRuns)), `${label}: ${c.name}`).toEqual(Array.from(ref.runs));
      }
    }
  });

  it('the plan is structured-cloneable and a clone builds the same synapses', () => {
    for (const c of CASES.slice(0, 12)) {
      const plan = planNetwork(c.spec);
      const clone = structuredClone(plan);
      expectSame(reference(c, plan), buildShard(backends[1].be, clone, 0), c.name);
    }
  });
});

describe('storage', () => {
  for (const label of ['js', 'wasm-simd']) {
    it(`${label}: at most 6.4 bytes per synapse, row pointers included (1 M synapses, pairwise_bernoulli, normal weights and delays)`, async () => {
      const be = await BUILD_BACKENDS.find((b) => b.label === label)!.make();
      try {
        const plan = planNetwork(model({ rule: 'pairwise_bernoulli', p: 0.01 }, {
          nSrc: 10000, nTgt: 10000, weight: normalW, delay: { dist: 'normal', mean: 1.5, std: 0.5, min: 0.1, max: 3 },
        }));
        const p = buildShard(be, plan, 0);
        expect(Math.abs(p.nSyn - 1e6)).toBeLessThan(5 * 1000);
        expect(p.tgt16).toBe(1);
        expect(p.runs).not.toBeNull();
        expect(p.weights).not.toBeNull();
        // everything the projection holds in the arena: rowPtr (nSrc + 1) u32, 16-bit targets, weights f32,
        // run pointers (nSrc + 1) u32 and a one-byte run per delay of a row
        const r16 = (x: number) => Math.ceil(x / 16) * 16;
        expect(p.allocated).toBe(p.bytes);
        expect(p.bytes).toBe(2 * r16(10001 * 4) + r16(p.nSyn * 2) + r16(p.nSyn * 4) + r16(p.runs!.length));
        // rows of ~100 synapses with delays of sd 5 steps: ~22 distinct delays (runs) each, 0.22 bytes per synapse
        expect(p.runs!.length).toBeLessThan(24 * 10000);
        expect(p.runs!.length).toBeGreaterThan(20 * 10000);
        expect(p.bytes / p.nSyn).toBeLessThanOrEqual(6.4);
        // delays and weights as drawn: within their bounds, steps = round(x / dt) in 1..30
        let lo = 255, hi = 0;
        for (const d of p.delays!) {
          lo = Math.min(lo, d);
          hi = Math.max(hi, d);
        }
        expect(lo).toBe(1);
        expect(hi).toBe(30);
        expect(Math.min(...p.weights!.subarray(0, 10000))).toBeGreaterThanOrEqual(0);
        // constant weights and delays: 4 bytes per synapse
        const c = buildShard(be, planNetwork(model({ rule: 'pairwise_bernoulli', p: 0.01 }, { nSrc: 10000, nTgt: 10000 })), 0);
        expect(c.weights).toBeNull();
        expect(c.runs).toBeNull();
        expect(c.bytes / c.nSyn).toBeLessThan(2.1);
      } finally {
        be.dispose();
      }
    });
  }
});
