/**
 * How spikes reach the ring buffers of a shard (src/sim/shard.ts):
 * - 'ring': propagate adds each synapse's weight into its ring cell at once;
 * - 'deferred': defer_propagate appends (cell, weight) to a bucket per ring slot, and each bucket is
 *   applied just before its slot is read (or earlier, in order, when it is full).
 * Every cell receives the same float32 additions in the same order either way, so the spikes are
 * the same to the bit; only where in memory the work happens differs. With per-synapse delays a
 * direct addition lands anywhere in rings of (slots × cells) floats, which for a large network is
 * far beyond the caches; a flush touches one slot of every ring, which stays in cache.
 * - 'auto' (the default) defers when some projection has per-synapse delays and the shard's rings
 *   are larger than DEFER_MIN_RING_BYTES.
 */
import type { NetworkPlan } from './types.ts';

export type Delivery = 'auto' | 'ring' | 'deferred';

export const DELIVERY_MODES: readonly Delivery[] = ['auto', 'ring', 'deferred'];

/** 'auto' delivery defers when a shard's ring buffers exceed this many bytes (about a core's L2 cache). */
export const DEFER_MIN_RING_BYTES = 1 << 20;

/** Some projection of the plan has per-synapse delays (its syn words carry them: `packed`). */
export function hasVariableDelays(plan: NetworkPlan): boolean {
  return plan.projections.some((p) => p.constDelay === null);
}

/**
 * Whether a shard defers its delivery: `variableDelays` when some projection has per-synapse delays,
 * `ringSlots` the slots of every ring, `cells` the ring cells of one slot (channels × neurons, summed
 * over the shard's populations).
 */
export function defersDelivery(delivery: Delivery, variableDelays: boolean, ringSlots: number, cells: number): boolean {
  if (delivery !== 'auto') return delivery === 'deferred';
  return variableDelays && ringSlots * cells * 4 > DEFER_MIN_RING_BYTES;
}

/**
 * Entries (8 bytes) per slot bucket: two per ring cell of a slot, from 1024 to 2^20. A slot receives
 * about (events per step) entries before it is read; a bucket that fills up is applied early (same
 * result), at the cost of one more pass over the slot's cells.
 */
export function bucketCap(cells: number): number {
  return Math.min(1 << 20, Math.max(1024, 2 * cells));
}

/** Arena bytes of the delivery buckets of a shard (0 when it does not defer): slots × cap entries and a fill count per slot. */
export function bucketBytes(defers: boolean, ringSlots: number, cells: number, align: (bytes: number) => number): number {
  return defers ? align(ringSlots * bucketCap(cells) * 8) + align(ringSlots * 4) : 0;
}
