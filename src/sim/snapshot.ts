/**
 * Snapshots of a running network in global terms (docs/snapshots.md): what each shard holds is
 * written as if the network were one shard, so a snapshot restores on any backend and any thread
 * count. A shard hands over its part (Shard.snapshotPart) as named arrays with a layout:
 *
 *   slice   per neuron (or per target) of the shard's slice: the shards' pieces, in shard order,
 *           make the population's array
 *   slots   slot-major [slots][m] (ring buffers, the Izhikevich-2006 post-trace ring): the global
 *           array is [slots][size], each shard's slice at its neurons in every slot
 *   same    the same in every shard (pre traces of all sources, short-term plasticity per source,
 *           the last spike of each source, Poisson tables): shard 0's
 *   ptr     a projection's synapses by target (u32[m + 1], from 0): the global pointers over all
 *           targets, each shard's offset by the synapses of the shards before it
 *   syn     per synapse, in target-major order (targets ascending; each target's synapses by
 *           source, multapses in generation order): the shards' pieces in shard order
 *
 * Restoring, each shard takes its slice of every array (Shard with a SnapshotReader) and rebuilds
 * its rows from the target-major synapses: rows by source with targets ascending and multapses in
 * their order, which is the order the connectivity build gives, so every addition to a ring cell
 * happens in the same order as in the uninterrupted run.
 *
 * The spikes in flight are the ring buffers' contents: a shard with deferred delivery first applies
 * every slot's pending additions to its rings (as a bucket that fills up is applied early), so the
 * rings hold every addition still to come, in order, whatever the delivery mode of the restore.
 */
import { SnapshotError, type SectionData, type SectionType, type SnapshotReader } from './snapshot-format.ts';

type Typed = Uint8Array | Int32Array | Uint32Array | Float32Array | Float64Array;

export interface PartArray {
  name: string;
  type: SectionType;
  layout: 'slice' | 'slots' | 'same' | 'ptr' | 'syn';
  data: Typed;
  /** slice, slots, ptr: the first global index of the shard's slice, and the global size */
  begin?: number;
  total?: number;
  /** slots: the number of slots */
  slots?: number;
}

/** One shard's part of a snapshot. */
export interface ShardPart {
  arrays: PartArray[];
  /** per projection: numbers that are the same in every shard */
  projections: { constWeight: number; lastPrune: number }[];
}

/** The transferable buffers of a part (for postMessage). */
export function partBuffers(p: ShardPart): ArrayBuffer[] {
  const seen = new Set<ArrayBufferLike>();
  for (const a of p.arrays) seen.add(a.data.buffer);
  return [...seen].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** The sections of the whole network from every shard's part (in shard order). */
export function assembleSections(parts: ShardPart[]): SectionData[] {
  const out: SectionData[] = [];
  const byName = new Map<string, PartArray[]>();
  const order: PartArray[] = [];
  for (const p of parts)
    for (const a of p.arrays) {
      const list = byName.get(a.name);
      if (list) list.push(a);
      else {
        byName.set(a.name, [a]);
        order.push(a);
      }
    }
  for (const first of order) {
    const list = byName.get(first.name)!;
    const { name, type } = first;
    if (first.layout === 'same') out.push({ name, type, pieces: [first.data] });
    else if (first.layout === 'slice' || first.layout === 'syn') out.push({ name, type, pieces: list.map((a) => a.data) });
    else if (first.layout === 'slots') {
      const total = first.total!, slots = first.slots!;
      const C = first.data.constructor as new (n: number) => Typed;
      const g = new C(slots * total);
      for (const a of list) {
        const m = a.data.length / slots;
        for (let q = 0; q < slots; q++) g.set(a.data.subarray(q * m, (q + 1) * m) as any, q * total + a.begin!);
      }
      out.push({ name, type, pieces: [g] });
    } else {
      // ptr: [0, then each shard's pointers after its first, offset by the synapses before it]
      const g = new Uint32Array(first.total! + 1);
      let off = 0;
      for (const a of list) {
        const d = a.data as Uint32Array;
        const m = d.length - 1;
        for (let j = 1; j <= m; j++) g[a.begin! + j] = d[j] + off;
        off += d[m];
      }
      out.push({ name, type: 'u32', pieces: [g] });
    }
  }
  return out;
}

/** What a shard takes from a snapshot: its slices of the global arrays. */
export class ShardRestore {
  constructor(readonly snap: SnapshotReader) {}

  private need(name: string, type: SectionType): Typed {
    if (!this.snap.has(name)) throw new SnapshotError(`the snapshot lacks "${name}", which this network needs: it was written for a different model`);
    return this.snap.get(name, type) as Typed;
  }

  /** slice layout: elements [begin, begin + m) */
  slice(name: string, type: SectionType, begin: number, m: number): Typed {
    const a = this.need(name, type);
    return a.subarray(begin, begin + m);
  }

  /** slots layout: copy this shard's cells of every slot into `dst` (slot-major [slots][m]) */
  slots(name: string, type: SectionType, begin: number, m: number, slots: number, total: number, dst: Typed): void {
    const a = this.need(name, type);
    if (a.length !== slots * total) throw new SnapshotError(`the snapshot's "${name}" holds ${a.length} values, this network needs ${slots} × ${total}`);
    for (let q = 0; q < slots; q++) (dst as any).set(a.subarray(q * total + begin, q * total + begin + m), q * m);
  }

  same(name: string, type: SectionType, length: number): Typed {
    const a = this.need(name, type);
    if (a.length !== length) throw new SnapshotError(`the snapshot's "${name}" holds ${a.length} values, this network needs ${length}`);
    return a;
  }

  has(name: string): boolean {
    return this.snap.has(name);
  }

  /**
   * A projection's synapses onto targets [begin, begin + m): the target-major entries of the slice
   * and, for each, its position in rows by source (targets ascending, multapses in order).
   * `word(e)` of entry e is its source (with the delay in the top byte when packed).
   */
  synapses(k: number, begin: number, m: number, nTgt: number, nSrc: number): {
    first: number; n: number; tptr: Uint32Array; rowPtr: Uint32Array; pos: Uint32Array; src: Uint32Array; delay: Uint8Array | null;
  } {
    const ptr = this.need(`proj/${k}/ptr`, 'u32') as Uint32Array;
    if (ptr.length !== nTgt + 1) throw new SnapshotError(`the snapshot's projection ${k} has ${ptr.length - 1} targets, this network ${nTgt}`);
    const first = ptr[begin], n = ptr[begin + m] - first;
    const tptr = new Uint32Array(m + 1);
    for (let j = 0; j <= m; j++) {
      tptr[j] = ptr[begin + j] - first;
      if (j > 0 && tptr[j] < tptr[j - 1]) throw new SnapshotError(`the snapshot's projection ${k} has decreasing target pointers`);
    }
    const srcAll = this.need(`proj/${k}/src`, 'u32') as Uint32Array;
    const src = srcAll.subarray(first, first + n);
    const delay = this.snap.has(`proj/${k}/delay`) ? (this.snap.get(`proj/${k}/delay`, 'u8') as Uint8Array).subarray(first, first + n) : null;
    const wordPacked = this.packedWords(k);
    const mask = wordPacked ? 0xffffff : 0xffffffff;
    const rowPtr = new Uint32Array(nSrc + 1);
    for (let e = 0; e < n; e++) {
      const s = (src[e] & mask) >>> 0;
      if (s >= nSrc) throw new SnapshotError(`the snapshot's projection ${k} has a synapse from source ${s}, beyond its ${nSrc} sources`);
      rowPtr[s + 1]++;
    }
    for (let s = 0; s < nSrc; s++) rowPtr[s + 1] += rowPtr[s];
    const cur = rowPtr.slice(0, nSrc);
    const pos = new Uint32Array(n);
    for (let e = 0; e < n; e++) pos[e] = cur[(src[e] & mask) >>> 0]++;
    return { first, n, tptr, rowPtr, pos, src, delay };
  }

  packedWords(k: number): boolean {
    const st = this.snap.header.state as { projections?: { packedWords?: boolean }[] };
    return !!st.projections?.[k]?.packedWords;
  }

  /** projection k's target-major per-synapse array (weights, derivatives), entries [first, first + n) */
  perSynapse(k: number, what: string, type: SectionType, first: number, n: number): Typed {
    const a = this.need(`proj/${k}/${what}`, type);
    return a.subarray(first, first + n);
  }
}
