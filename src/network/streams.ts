/**
 * Random stream ids. Every random number of a model is a pure function of
 * (seed, stream, index, counter) (src/core/rng.ts); this file fixes the `stream` part, so that
 * any backend, shard or later port draws the same numbers. Documented in docs/model-format.md.
 *
 *   0x10000 + p             connectivity of projection p      index: target neuron (source for fixed_outdegree)
 *   0x20000 + p             per-synapse weights of p          index: target neuron, counter over its synapses
 *                                                              (fixed_outdegree: source, a sub-key per draw)
 *   0x30000 + p             per-synapse delays of p           index: target neuron, counter over its synapses
 *   0x40000 + pop*64 + v    initial value v of population pop index: neuron
 *   0x50000 + pop           per-step draws of population pop  index: step (Poisson sources)
 *   0x60000 + i             Poisson input i                   index: step
 *   0x70000 + pop*64 + k    parameter k of population pop     index: neuron
 *   0x80000 + p             fixed_total_number: synapse counts per target of p (one key, index 0)
 *   0x90000 + i             noise input i                     index: step, counter: target neuron (global)
 *   0xA0000 + pop*64 + k    variable k of population pop's `random` (names sorted)   index: neuron
 *   0xD0000 + p             pruning draws of p (elimination_rate)   index: application, sub-keys: target, source
 *   0xE0000 + i             random_drive input i              index: step, counter: draw
 *
 * Hence at most MAX_POPULATIONS populations and MAX_PROJECTIONS projections / inputs (checked by
 * validateModel), so that no two streams coincide.
 */

export const STREAM_CONNECT = 0x10000;
export const STREAM_WEIGHT = 0x20000;
export const STREAM_DELAY = 0x30000;
export const STREAM_INITIAL = 0x40000;
export const STREAM_POPULATION = 0x50000;
export const STREAM_POISSON_INPUT = 0x60000;
export const STREAM_PARAM = 0x70000;
export const STREAM_TOTAL_COUNTS = 0x80000;

export const MAX_POPULATIONS = 1024;
export const MAX_PROJECTIONS = 0x10000;
export const MAX_INPUTS = 0x10000;
export const MAX_VARS = 64;

export const connStream = (projection: number): number => STREAM_CONNECT + projection;
export const weightStream = (projection: number): number => STREAM_WEIGHT + projection;
export const delayStream = (projection: number): number => STREAM_DELAY + projection;
export const totalCountStream = (projection: number): number => STREAM_TOTAL_COUNTS + projection;
export const initialStream = (population: number, variable: number): number =>
  STREAM_INITIAL + population * MAX_VARS + variable;
export const populationStream = (population: number): number => STREAM_POPULATION + population;
export const poissonInputStream = (input: number): number => STREAM_POISSON_INPUT + input;
export const paramStream = (population: number, param: number): number => STREAM_PARAM + population * MAX_VARS + param;

/** Parameter names per model, in the order of their stream index (paramStream(pop, k)). */
export const LIF_PARAM_NAMES = [
  'tau_m', 'cm', 'v_rest', 'v_thresh', 'v_reset', 'tau_refrac', 'tau_syn_e', 'tau_syn_i', 'i_offset',
] as const;
export const THRESHOLD_PARAM_NAMES = ['mu'] as const;

/** Initial-state variable names per model, in the order of their stream index (initialStream(pop, v)). */
export const LIF_EXP_VARS = ['v', 'ie', 'ii'] as const;
export const LIF_DELTA_VARS = ['v'] as const;
export const THRESHOLD_VARS = ['n'] as const;

// Izhikevich neurons, noise inputs and per-neuron variables (src/neurons/izhikevich/model.ts, src/network/noise-input.ts, expr.ts)
export const STREAM_NOISE_INPUT = 0x90000;
export const STREAM_RANDOM_VAR = 0xa0000;
export const STREAM_PRUNING = 0xd0000;
export const STREAM_RANDOM_DRIVE = 0xe0000;
export const pruningStream = (projection: number): number => STREAM_PRUNING + projection;
export const randomDriveStream = (input: number): number => STREAM_RANDOM_DRIVE + input;
export const noiseInputStream = (input: number): number => STREAM_NOISE_INPUT + input;
export const randomVarStream = (population: number, k: number): number => STREAM_RANDOM_VAR + population * MAX_VARS + k;
/** Izhikevich parameters in the order of their stream index (paramStream(pop, k)). */
export const IZHIKEVICH_PARAM_NAMES = ['a', 'b', 'c', 'd', 'v_peak', 'i_offset', 'tau_syn_e', 'tau_syn_i'] as const;
/** Izhikevich initial-state variables in the order of their stream index (initialStream(pop, v)). */
export const IZHIKEVICH_EXP_VARS = ['v', 'u', 'ie', 'ii'] as const;
export const IZHIKEVICH_DELTA_VARS = ['v', 'u'] as const;
