/**
 * Shared harness of the kernel-level tests: every backend and WASM variant, a bump allocator over a
 * backend's arena, deterministic test data, and bitwise comparison.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { createBackend, type Backend } from '../src/backend/index.ts';

export interface Maker {
  label: string;
  variant: string;
  make: () => Promise<Backend>;
}

export const BACKENDS: Maker[] = [
  { label: 'js', variant: 'js', make: () => createBackend('js') },
  { label: 'wasm-simd', variant: 'simd', make: () => createBackend('wasm', { variant: 'simd' }) },
  { label: 'wasm-scalar', variant: 'scalar', make: () => createBackend('wasm', { variant: 'scalar' }) },
  { label: 'wasm-debug', variant: 'debug', make: () => createBackend('wasm', { variant: 'debug' }) },
];

/** bytes every test reserves per backend */
export const ARENA = 8 << 20;
export const SIZES = [1, 3, 4, 5, 17, 1000];
export const fr = Math.fround;

// ------------------------------------------------------------------------------------------------
// helpers
// ------------------------------------------------------------------------------------------------

/** Deterministic test data (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bump allocator over a backend's arena (16-byte aligned buffers, starting at `base`). */
export class Arena {
  next: number;
  constructor(readonly be: Backend) {
    this.next = be.base;
  }
  reset(): this {
    new Uint8Array(this.be.buffer, this.be.base, ARENA).fill(0);
    this.next = this.be.base;
    return this;
  }
  alloc(bytes: number): number {
    const p = this.next;
    this.next = p + Math.ceil(Math.max(bytes, 1) / 16) * 16;
    if (this.next > this.be.base + ARENA) throw new Error('test arena exhausted');
    return p;
  }
  f32(src: ArrayLike<number>): number {
    const p = this.alloc(src.length * 4);
    new Float32Array(this.be.buffer, p, src.length).set(src);
    return p;
  }
  i32(src: ArrayLike<number>): number {
    const p = this.alloc(src.length * 4);
    new Int32Array(this.be.buffer, p, src.length).set(src);
    return p;
  }
  u32(src: ArrayLike<number>): number {
    const p = this.alloc(src.length * 4);
    new Uint32Array(this.be.buffer, p, src.length).set(src);
    return p;
  }
  u16(src: ArrayLike<number>): number {
    const p = this.alloc(src.length * 2);
    new Uint16Array(this.be.buffer, p, src.length).set(src);
    return p;
  }
  u8(src: ArrayLike<number>): number {
    const p = this.alloc(src.length);
    new Uint8Array(this.be.buffer, p, src.length).set(src);
    return p;
  }
  setF32(p: number, src: ArrayLike<number>): void {
    new Float32Array(this.be.buffer, p, src.length).set(src);
  }
  getF32(p: number, n: number): Float32Array {
    return new Float32Array(this.be.buffer, p, n).slice();
  }
  getI32(p: number, n: number): Int32Array {
    return new Int32Array(this.be.buffer, p, n).slice();
  }
  getU32(p: number, n: number): Uint32Array {
    return new Uint32Array(this.be.buffer, p, n).slice();
  }
}

export function bits(a: Float32Array | Int32Array | Uint32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Index of the first element whose bits differ (or -1); lengths must agree. */
export function firstDiff(a: Float32Array | Int32Array | Uint32Array, b: Float32Array | Int32Array | Uint32Array): number {
  if (a.length !== b.length) return -2;
  const x = bits(a), y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

export function expectBits(got: Float32Array | Int32Array | Uint32Array, want: Float32Array | Int32Array | Uint32Array, what: string): void {
  const d = firstDiff(got, want);
  expect(d, `${what}: first differing element ${d}${d >= 0 ? ` (got ${got[d]}, want ${want[d]})` : ''}`).toBe(-1);
}

/**
 * A backend under test and a js reference run in lockstep, each with an arena of ARENA bytes:
 * created before the suite's tests, disposed after them. Fields are set once beforeAll has run.
 */
export function lockstepBackends(B: Maker): { be: Backend; ref: Backend; a: Arena; r: Arena } {
  const ctx = {} as { be: Backend; ref: Backend; a: Arena; r: Arena };
  beforeAll(async () => {
    ctx.be = await B.make();
    ctx.ref = await createBackend('js');
    ctx.be.reserve(ARENA);
    ctx.ref.reserve(ARENA);
    ctx.a = new Arena(ctx.be);
    ctx.r = new Arena(ctx.ref);
  });
  afterAll(() => {
    ctx.be.dispose();
    ctx.ref.dispose();
  });
  return ctx;
}

/**
 * Rows (CSR by source: targets, per-synapse delays or null, weights or null) in the layout the
 * delivery kernels read (src/sim/synapse-layout.ts), computed independently of it: each row ordered
 * by delay (stable), one-byte runs `step << 5 | count` (count <= 31, step <= 7) from `base` (the
 * least delay; the kernels' constDelay), targets as u16 or u32.
 */
export function toLayout(rowPtr: ArrayLike<number>, targets: ArrayLike<number>, delays: ArrayLike<number> | null, weights: ArrayLike<number> | null, tgt16: boolean) {
  const nSrc = rowPtr.length - 1, n = targets.length;
  const order: number[] = [];
  const runPtr = new Uint32Array(nSrc + 1);
  const runs: number[] = [];
  const base = delays && n > 0 ? Math.min(...Array.from(delays)) : 0;
  for (let s = 0; s < nSrc; s++) {
    const ks = Array.from({ length: rowPtr[s + 1] - rowPtr[s] }, (_, i) => rowPtr[s] + i);
    if (delays) ks.sort((a, b) => delays[a] - delays[b]); // stable
    order.push(...ks);
    if (delays) {
      let at = base;
      for (let i = 0; i < ks.length; ) {
        const d = delays[ks[i]];
        let c = 0;
        while (i + c < ks.length && delays[ks[i + c]] === d) c++;
        i += c;
        // the gap in steps of at most 7, the last one with the first (up to) 31 synapses
        while (d - at > 7) {
          runs.push(7 << 5);
          at += 7;
        }
        let first = true;
        while (c > 0 || first) {
          const take = Math.min(c, 31);
          runs.push(((first ? d - at : 0) << 5) | take);
          c -= take;
          first = false;
        }
        at = d;
      }
      runPtr[s + 1] = runs.length;
    }
  }
  const syn = tgt16 ? new Uint16Array(n) : new Uint32Array(n);
  order.forEach((k, j) => (syn[j] = targets[k]));
  return {
    syn,
    weights: weights ? Float32Array.from(order, (k) => weights[k]) : null,
    delays: delays ? Uint8Array.from(order, (k) => delays[k]) : null,
    runPtr: delays ? runPtr : null,
    runs: delays ? Uint8Array.from(runs) : null,
    base,
  };
}
