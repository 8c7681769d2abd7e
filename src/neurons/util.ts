/** Helpers of the descriptors' runtimes: copying a slice of a planned population into the arena. */
import type { BuiltPopulation } from '../core/types.ts';

/** values[begin, begin + m) to the f32 (or i32/u32) array at `ptr` */
export function writeSlice(a: Float32Array | Int32Array | Uint32Array, values: ArrayLike<number> & { subarray(b: number, e: number): ArrayLike<number> }, begin: number, m: number, ptr: number): void {
  a.set(values.subarray(begin, begin + m), ptr >>> 2);
}

/**
 * A parameter block of np values: one block when the population's parameters are the same for
 * every neuron, else parameter-major (parameter k of the slice at ptr + 4 k m).
 */
export function writeBlock(f32: Float32Array, pop: BuiltPopulation, np: number, begin: number, m: number, ptr: number): void {
  const p = pop.params!;
  if (!pop.hetero) {
    f32.set(p, ptr >>> 2);
    return;
  }
  const n = pop.size;
  for (let k = 0; k < np; k++) f32.set(p.subarray(k * n + begin, k * n + begin + m), (ptr >>> 2) + k * m);
}
