/** Helpers of the descriptors' runtimes: copying a slice of a planned population into the arena. */
import type { BuiltPopulation } from '../core/types.ts';
import type { PV, ValueOpts } from '../network/validate.ts';
import type { ModelChecker, ModelRules, StateVar, SynapseKind } from './types.ts';

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

/**
 * A slice of a model driven by a bias current (lif, izhikevich): its parameter block, its bias
 * (i_offset) and the initial values of its float32 state variables.
 */
export function writeCurrentModel(
  f32: Float32Array, pop: BuiltPopulation, np: number, begin: number, m: number, params: number, bias: number, vars: readonly StateVar[],
): void {
  writeBlock(f32, pop, np, begin, m, params);
  writeSlice(f32, pop.bias!, begin, m, bias);
  for (const x of vars) if (pop.initial[x.name]) writeSlice(f32, pop.initial[x.name] as Float32Array, begin, m, x.ptr);
}

/** A constant value as the checker describes it (bounds lo = hi = x). */
export function constPV(x: number): PV {
  return { kind: 'const', spec: x, lo: x, hi: x };
}

/** Values (a number or per-neuron values) as float32 per neuron. */
export function toF32(v: number | Float64Array, n: number): Float32Array {
  const out = new Float32Array(n);
  if (typeof v === 'number') out.fill(v);
  else out.set(v);
  return out;
}

/**
 * The `initial` object of a population of a built-in model: names among its state variables,
 * each a value in the unit the model gives it (per neuron: numbers, arrays, distributions, { expr }).
 */
export function checkInitialValues(
  c: ModelChecker, rules: ModelRules, model: string, init: Record<string, unknown> | undefined, ipath: string,
  synapse: SynapseKind | undefined, perNeuron: (unit: string) => ValueOpts,
): void {
  if (init === undefined) return;
  const vars = rules.stateVariables(synapse);
  if (vars.length === 0) {
    for (const k of Object.keys(init)) c.err(`${ipath}.${k}`, `a '${model}' population has no state variables to initialise`);
    return;
  }
  // the schema allows every variable of the model; some only with synapse 'exp'
  for (const k of Object.keys(init)) {
    if (!vars.includes(k)) c.err(`${ipath}.${k}`, `unknown field: the state of a '${model}' population with synapse '${synapse}' is ${vars.join(', ')} (${k} only with synapse 'exp')`);
    else if (init[k] !== undefined) c.value(init[k], `${ipath}.${k}`, perNeuron(rules.initialUnit(k, synapse)));
  }
}

/** The rules a spike source shares: no synapse type, no input channel, no state, nothing it receives. */
export const SOURCE = {
  synapses: [],
  channels: () => 0,
  stateVariables: () => [],
  inputUnit: () => '',
  initialUnit: () => '',
  receives: { synapses: false, poisson: false, noise: false, current: false, randomDrive: false },
} as const satisfies Partial<ModelRules>;
