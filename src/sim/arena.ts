/**
 * The arena's bump allocator: 16-byte aligned offsets above `base`, growing the backend's arena
 * as it goes, with the bytes of every named part counted (Simulation.memory). The last
 * allocations can be given back (release): the synapse layout (src/sim/synapse-layout.ts)
 * rewrites a projection smaller in place.
 */
import type { Backend } from '../backend/types.ts';
import { ARENA_ALIGN } from '../core/layout.ts';

export class ArenaAllocator {
  offset: number;
  readonly parts: { name: string; bytes: number }[] = [];
  constructor(
    readonly backend: Backend | null,
    readonly base: number,
  ) {
    this.offset = base;
  }
  alloc = (name: string, bytes: number): number => {
    const p = this.offset;
    const b = Math.max(ARENA_ALIGN, Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN);
    this.offset += b;
    const part = this.parts.find((x) => x.name === name);
    if (part) part.bytes += b;
    else this.parts.push({ name, bytes: b });
    if (this.backend) this.backend.reserve(this.offset - this.base);
    return p;
  };
  /** Free everything from byte offset `at` on: the last allocations, all made under `name`. */
  release = (name: string, at: number): void => {
    const part = this.parts.find((x) => x.name === name);
    const freed = this.offset - at;
    if (!part || at < this.base || freed < 0 || freed > part.bytes || at % ARENA_ALIGN !== 0)
      throw new Error(`internal error: ArenaAllocator.release(${name}, ${at}) with the arena at ${this.offset}`);
    part.bytes -= freed;
    this.offset = at;
  };
  get bytes(): number {
    return this.offset - this.base;
  }
}
