/**
 * Helpers for connectivity tests: build one projection's synapses onto a range of targets in a
 * backend's arena (src/sim/connectivity.ts) and copy them out as host arrays, decoded.
 */
import { createBackend, type Backend } from '../src/backend/index.ts';
import type { ConnectSpec, ModelSpec, NetworkPlan, ValueSpec } from '../src/core/types.ts';
import { buildShardProjection, type ShardProjection } from '../src/sim/connectivity.ts';
import { ArenaAllocator } from '../src/sim/arena.ts';
import { delaysOf, targetsOf } from '../src/sim/synapse-layout.ts';

/** Every backend and WASM variant. */
export const BUILD_BACKENDS: { label: string; make: () => Promise<Backend> }[] = [
  { label: 'js', make: () => createBackend('js') },
  { label: 'wasm-simd', make: () => createBackend('wasm', { variant: 'simd' }) },
  { label: 'wasm-scalar', make: () => createBackend('wasm', { variant: 'scalar' }) },
  { label: 'wasm-debug', make: () => createBackend('wasm', { variant: 'debug' }) },
];

/** A shard's synapses on the host: CSR by source with global target indices. */
export interface HostProjection {
  nSyn: number;
  rowPtr: Uint32Array;
  /** target indices in the target population (shard-local + tgtBegin), in layout order */
  targets: Uint32Array;
  /** the targets as stored (shard-local; 16 or 32 bits: `tgt16`) */
  syn: Uint16Array | Uint32Array;
  tgt16: number;
  /** null when every weight is constWeight */
  weights: Float32Array | null;
  /** delays in steps (from the runs), null when every delay is constDelay */
  delays: Uint8Array | null;
  /** the runs as stored (src/sim/synapse-layout.ts), null when every delay is constDelay */
  runPtr: Uint32Array | null;
  runs: Uint8Array | null;
  constWeight: number;
  constDelay: number;
  /** bytes reported by buildShardProjection, and bytes the arena holds after it */
  bytes: number;
  allocated: number;
  minDelay: number;
  maxDelay: number;
  shard: ShardProjection;
}

/**
 * Build projection p of a plan onto targets [b, e) in `be` (its arena is reused from `be.base`)
 * and copy the result out.
 */
export function buildShard(be: Backend, plan: NetworkPlan, p: number, b?: number, e?: number): HostProjection {
  const pr = plan.projections[p];
  const tb = b ?? 0;
  const te = e ?? pr.nTgt;
  const arena = new ArenaAllocator(be, be.base);
  const r = buildShardProjection(be, arena, plan, p, tb, te);
  const buf = be.buffer;
  const rowPtr = new Uint32Array(buf, r.rowPtr, pr.nSrc + 1).slice();
  const syn = targetsOf(buf, r).slice();
  const weights = r.weights ? new Float32Array(buf, r.weights, r.nSyn).slice() : null;
  const targets = Uint32Array.from(syn, (t) => t + tb);
  const delays = r.runPtr ? delaysOf(buf, r, pr.nSrc) : null;
  return {
    nSyn: r.nSyn, rowPtr, targets, syn, tgt16: r.tgt16, weights, delays,
    runPtr: r.runPtr ? new Uint32Array(buf, r.runPtr, pr.nSrc + 1).slice() : null,
    runs: r.runPtr ? new Uint8Array(buf, r.runs, r.nRuns).slice() : null,
    constWeight: r.constWeight, constDelay: r.constDelay,
    bytes: r.bytes, allocated: arena.bytes, minDelay: pr.minDelay, maxDelay: pr.maxDelay, shard: r,
  };
}

/** Bit patterns of a float32 array (to compare NaN payloads and -0 exactly). */
export function bits(a: Float32Array | null): number[] | null {
  return a ? Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length)) : null;
}

/**
 * A model with one projection between threshold populations (no receptor or Dale rules involved):
 * S (nSrc) onto T (nTgt), or A onto itself when `same`.
 */
export function oneProjection(
  connect: ConnectSpec, nSrc: number, nTgt: number,
  o: { same?: boolean; weight?: ValueSpec; delay?: ValueSpec; seed?: number } = {},
): ModelSpec {
  const pops = o.same
    ? [{ name: 'A', size: nSrc, model: 'threshold' as const }]
    : [
        { name: 'S', size: nSrc, model: 'threshold' as const },
        { name: 'T', size: nTgt, model: 'threshold' as const },
      ];
  return {
    dt: 0.1,
    seed: o.seed ?? 1,
    populations: pops,
    projections: [{ source: pops[0].name, target: pops[pops.length - 1].name, connect, weight: o.weight ?? 1, delay: o.delay }],
  };
}
