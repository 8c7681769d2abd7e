/**
 * Stand-in until connectivity is built in the shard's arena by kernels: the synapses of a built
 * (host-side) projection onto targets [tgtBegin, tgtEnd), copied into the arena with shard-local
 * target indices. Same fields as connectivity.ts's ShardProjection; `packed` carries the delays
 * pointer (0 = constant delay) for the current propagate kernel.
 */
import type { Backend } from '../backend/types.ts';
import type { BuiltNetwork } from '../core/types.ts';

export interface ShardProjection {
  rowPtr: number;
  syn: number;
  weights: number;
  constWeight: number;
  packed: number;
  constDelay: number;
  nSyn: number;
  bytes: number;
}

export function buildShardProjection(
  backend: Backend, alloc: (name: string, bytes: number) => number, net: BuiltNetwork, p: number, tgtBegin: number, tgtEnd: number,
): ShardProjection {
  const pr = net.projections[p];
  const nSrc = pr.rowPtr.length - 1;
  const rowPtr = new Uint32Array(nSrc + 1);
  let c = 0;
  for (let s = 0; s < nSrc; s++) {
    rowPtr[s] = c;
    for (let k = pr.rowPtr[s]; k < pr.rowPtr[s + 1]; k++) {
      const t = pr.targets[k];
      if (t >= tgtBegin && t < tgtEnd) c++;
    }
  }
  rowPtr[nSrc] = c;
  const targets = new Uint32Array(c);
  const weights = pr.weights ? new Float32Array(c) : null;
  const delays = pr.delays ? new Uint8Array(c) : null;
  c = 0;
  for (let k = 0; k < pr.nSyn; k++) {
    const t = pr.targets[k];
    if (t < tgtBegin || t >= tgtEnd) continue;
    targets[c] = t - tgtBegin;
    if (weights) weights[c] = pr.weights![k];
    if (delays) delays[c] = pr.delays![k];
    c++;
  }
  const name = `projection ${pr.name}`;
  const pRow = alloc(name, rowPtr.length * 4);
  const pSyn = alloc(name, c * 4);
  const pW = weights ? alloc(name, c * 4) : 0;
  const pD = delays ? alloc(name, c) : 0;
  const buf = backend.buffer;
  new Uint32Array(buf, pRow, rowPtr.length).set(rowPtr);
  new Uint32Array(buf, pSyn, c).set(targets);
  if (weights) new Float32Array(buf, pW, c).set(weights);
  if (delays) new Uint8Array(buf, pD, c).set(delays);
  return {
    rowPtr: pRow, syn: pSyn, weights: pW, constWeight: pr.constWeight, packed: pD, constDelay: pr.constDelay, nSyn: c,
    bytes: rowPtr.length * 4 + c * (4 + (weights ? 4 : 0) + (delays ? 1 : 0)),
  };
}
