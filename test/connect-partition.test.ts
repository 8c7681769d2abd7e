/**
 * The fast paths of the connectivity build (issue 3) change nothing: the source list that pass 1
 * stores for pass 2, the partition mode of the wasm kernels (pass 1 counts per bucket, pass 2 writes
 * each bucket's range of the synapse array and sorts it by source), and their fallbacks (a bucket
 * larger than the bucket area, a source list without room for every synapse) build bit for bit the
 * synapses of the plain two-pass build, on every backend, for whole and partial shards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import type { ConnectSpec, ValueSpec } from '../src/core/types.ts';
import { planNetwork } from '../src/network/index.ts';
import { setConnectTuning, type ConnectTuning } from '../src/sim/connectivity.ts';
import { BUILD_BACKENDS, bits, buildShard, oneProjection, type HostProjection } from './connectivity-util.ts';

const NS = 2000;
const NT = 500;

const small: Partial<ConnectTuning> = {
  bucketMinSynapses: 0, bucketMinSources: 0, bucketShift: 6, chunkSynapses: 5000, firstChunkSynapses: 300,
};
const TUNINGS: { name: string; t: Partial<ConnectTuning> }[] = [
  { name: 'plain (no list, no partition)', t: { ...small, sourceList: false, partition: false } },
  { name: 'defaults', t: {} },
  { name: 'partition', t: small },
  { name: 'partition, one call per pass', t: { ...small, chunkSynapses: 1e9, firstChunkSynapses: 1e9 } },
  { name: 'partition, buckets larger than the bucket area', t: { ...small, bucketBytesPerSynapse: 0.01 } },
  { name: 'partition, source list overflows', t: { ...small, sourceListFraction: 0.5 } },
  { name: 'source list without partition', t: { ...small, partition: false } },
  { name: 'source list, count buckets', t: { ...small, partition: false, countBucketMinSources: 0 } },
  { name: 'partition, count buckets, bucket shift 12', t: { ...small, bucketShift: 12, countBucketMinSources: 0 } },
];

const uniformD: ValueSpec = { dist: 'uniform', low: 0.1, high: 2.5 };
const normalW: ValueSpec = { dist: 'normal', mean: 0.3, std: 0.2, min: 0, max: 0.6 };
const CASES: { name: string; connect: ConnectSpec; same?: boolean; weight?: ValueSpec; delay?: ValueSpec; nSrc?: number; nTgt?: number }[] = [
  { name: 'fixed_indegree', connect: { rule: 'fixed_indegree', indegree: 80 } },
  { name: 'fixed_indegree without autapses and multapses', connect: { rule: 'fixed_indegree', indegree: 20, allow_autapses: false, allow_multapses: false }, same: true },
  { name: 'pairwise_bernoulli', connect: { rule: 'pairwise_bernoulli', p: 0.03 } },
  { name: 'pairwise_bernoulli without autapses', connect: { rule: 'pairwise_bernoulli', p: 0.01, allow_autapses: false }, same: true },
  { name: 'pairwise_bernoulli, uniform delays (list, no partition)', connect: { rule: 'pairwise_bernoulli', p: 0.03 }, delay: uniformD },
  { name: 'pairwise_bernoulli, normal weights (no list)', connect: { rule: 'pairwise_bernoulli', p: 0.03 }, weight: normalW },
  { name: 'fixed_total_number', connect: { rule: 'fixed_total_number', n: 30000 } },
  // pools large enough for the hash sets of sampling without replacement
  { name: 'pairwise_bernoulli, hash set', connect: { rule: 'pairwise_bernoulli', p: 0.002 }, nSrc: 40000, nTgt: 300 },
  { name: 'fixed_indegree without multapses, hash set', connect: { rule: 'fixed_indegree', indegree: 50, allow_multapses: false }, nSrc: 40000, nTgt: 300 },
  // 2^32 mod 999993 = 997354: about one draw in 4300 is rejected (below()'s retries consume counters)
  { name: 'fixed_indegree, many rejected draws', connect: { rule: 'fixed_indegree', indegree: 1000 }, nSrc: 999993, nTgt: 100 },
  { name: 'pairwise_bernoulli, hash set, many rejected draws', connect: { rule: 'pairwise_bernoulli', p: 0.001 }, nSrc: 999993, nTgt: 100 },
];

function sameAs(ref: HostProjection, got: HostProjection, b: number, e: number, nSrc: number, what: string): void {
  // (source, target, weight bits, delay) of every synapse onto [b, e), in row order, as flat int arrays
  // compared in one pass (the first difference is shown with its neighbours)
  const flat = (p: HostProjection, keep: (t: number) => boolean): Float64Array => {
    const wb = bits(p.weights);
    let n = 0;
    for (let k = 0; k < p.rowPtr[nSrc]; k++) if (keep(p.targets[k])) n++;
    const out = new Float64Array(4 * n);
    let o = 0;
    for (let s = 0; s < nSrc; s++)
      for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) {
        if (!keep(p.targets[k])) continue;
        out[o++] = s;
        out[o++] = p.targets[k];
        out[o++] = wb ? wb[k] : -1;
        out[o++] = p.delays ? p.delays[k] : p.constDelay;
      }
    return out;
  };
  const want = flat(ref, (t) => t >= b && t < e);
  const have = flat(got, () => true);
  expect(have.length, what).toBe(want.length);
  let i = 0;
  while (i < want.length && want[i] === have[i]) i++;
  if (i < want.length) {
    const at = i - (i % 4);
    expect(Array.from(have.subarray(at, at + 8)), `${what}: synapse ${at / 4} (source, target, weight bits, delay)`).toEqual(Array.from(want.subarray(at, at + 8)));
  }
}

describe('source list and partition mode build the same synapses', () => {
  const backends: { label: string; be: Backend }[] = [];
  beforeAll(async () => {
    for (const B of BUILD_BACKENDS) backends.push({ label: B.label, be: await B.make() });
  });
  afterAll(() => {
    setConnectTuning(null);
    for (const { be } of backends) be.dispose();
  });

  for (const c of CASES) {
    it(c.name, () => {
      const ns = c.nSrc ?? NS;
      const plan = planNetwork(oneProjection(c.connect, ns, c.same ? ns : (c.nTgt ?? NT), { same: c.same, weight: c.weight ?? 0.5, delay: c.delay, seed: 11 }));
      const nTgt = plan.projections[0].nTgt;
      setConnectTuning(TUNINGS[0].t);
      const ref = buildShard(backends[0].be, plan, 0);
      expect(ref.nSyn).toBeGreaterThan(10000);
      for (const { name, t } of TUNINGS) {
        setConnectTuning(t);
        for (const { label, be } of backends) {
          for (const [b, e] of [[0, nTgt], [Math.floor(nTgt / 3), nTgt - 5]]) {
            sameAs(ref, buildShard(be, plan, 0, b, e), b, e, plan.projections[0].nSrc, `${label}, ${name}, targets [${b}, ${e})`);
          }
        }
      }
      setConnectTuning(null);
    });
  }
});
