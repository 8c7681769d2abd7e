/**
 * A neuron model is one descriptor (one folder under src/neurons/): what a population of it holds
 * in a shard's arena and how one step runs it, its state variables, and its arena bytes. The shard
 * (src/sim/shard.ts), the monitors and the estimate read descriptors through `neuronModel(name)`
 * (src/neurons/index.ts) and name no model themselves.
 */
import type { GeneratedKernel, Kernels, PrimedKernel } from '../backend/types.ts';
import type { BuiltPopulation, PlannedModelName, ValueSpec } from '../core/types.ts';
import type { CheckerLike } from '../network/expr.ts';
import type { PV, ValueOpts } from '../network/validate.ts';

/** What a population's slice gets when a shard lays it out. */
export interface SliceContext {
  pop: BuiltPopulation;
  /** global index of the slice's first neuron, and its size */
  begin: number;
  m: number;
  /** the arena allocator (16-byte aligned, in the shard's order) and the part name to book under */
  alloc: (name: string, bytes: number) => number;
  part: string;
  /** the generated kernel of a model from equations (src/equations/runtime.ts), else undefined */
  generated?: GeneratedKernel;
  /** the bias current can be other than 0: the population's is somewhere, or a current input targets it */
  biased: boolean;
}

/** The arena, for writing a slice's initial state. */
export interface Views {
  f32: Float32Array;
  i32: Int32Array;
  u32: Uint32Array;
}

/** One step of a slice: the kernels, the arena, the step, and where its inputs and spikes are. */
export interface StepContext extends Views {
  K: Kernels;
  seed: number;
  /** the step, and dt in ms */
  t: number;
  dt: number;
  /** ring slot of this step, and the slice's ring buffers (one per input channel) */
  slot: number;
  rings: readonly number[];
  /** the slice's i32 spike buffer (local indices, ascending) */
  spikes: number;
}

export interface StateVar {
  name: string;
  /** byte address of the slice's values */
  ptr: number;
  /** int32 values (threshold units' n), else float32; float32 ones are checked for NaN and infinity */
  int: boolean;
}

/** A population's slice in a shard. */
export interface PopulationRuntime {
  /** write the initial state and the parameters (after the arena has stopped growing) */
  write(v: Views): void;
  /** run one step; returns the number of spikes written to ctx.spikes */
  step(ctx: StepContext): number;
  /** the state variables (monitors, getState, the NaN check) */
  readonly vars: readonly StateVar[];
  /** per-neuron state beyond `vars` that a snapshot holds (LIF's refractory counters), if any */
  readonly hidden?: readonly StateVar[];
  /** address of the per-neuron bias current that `current` inputs change, or -1 */
  readonly bias: number;
  /**
   * The op of the step loop (src/sim/step-program.ts) that runs `step` for every step: its opcode
   * (STEP_OP_* of src/core/layout.ts) and the words after the population's index, with the
   * positions of those written as float32. Absent: the slice runs only in the host's loop.
   */
  stepOp?(s: { rings: readonly number[]; spikes: number; dt: number }): StepOp;
}

/** One op of the step program: opcode, u32 argument words, and which of them are float32. */
export interface StepOp {
  code: number;
  args: readonly number[];
  floats?: readonly number[];
}

export interface NeuronModel {
  readonly name: PlannedModelName;
  /** lay out a slice of a population in a shard */
  runtime(ctx: SliceContext): PopulationRuntime;
  /** the state variables a monitor can record, of a planned population */
  stateVariables(pop: BuiltPopulation): string[];
  /** arena bytes of a slice of m neurons beyond its spikes and ring buffers, from the plan (`buf` rounds one buffer up to the alignment) */
  planBytes(pop: BuiltPopulation, m: number, buf: (bytes: number) => number): number;
  /** the kernels of its step, which Backend.prime warms before a build (none: nothing to warm) */
  primed?(pop: BuiltPopulation): readonly PrimedKernel[];
  /** the description side of a built-in model (null for models from equations, whose rules come from their equations) */
  readonly rules: ModelRules | null;
}

export type SynapseKind = 'exp' | 'delta';

/** What a model's rules use of the model-file checker (src/network/validate.ts's Checker). */
export interface ModelChecker extends CheckerLike {
  /** v_reset < v_thresh for every neuron (constants and arrays) */
  resetBelowThreshold(vr: PV, vt: PV, path: string): void;
  /** `start`/`stop` of an object, on the grid and ordered */
  timeWindow(x: Record<string, unknown>, path: string): void;
  /** one array of spike times (ms) per neuron */
  spikeTimes(x: ArrayLike<ArrayLike<number>>, path: string, size: number | undefined): void;
}

/**
 * The description side of a built-in model: what validate.ts, build.ts and estimate.ts need to
 * check, plan and size a population of it. (A model from equations gets these from its equations:
 * src/equations/population.ts.)
 */
export interface ModelRules {
  /** the synapse types it takes, the default first; [] when `synapse` does not apply */
  synapses: readonly SynapseKind[];
  /** ring channels of its inputs (0: it receives nothing) */
  channels(synapse: SynapseKind | undefined): number;
  /** its state variables (initial values, state monitors) */
  stateVariables(synapse: SynapseKind | undefined): string[];
  /** the unit of its input: weights of projections and Poisson inputs, noise and drives ('' when unitless) */
  inputUnit(synapse: SynapseKind | undefined): string;
  /** the unit of an initial value */
  initialUnit(variable: string, synapse: SynapseKind | undefined): string;
  /** what may drive it */
  receives: { synapses: boolean; poisson: boolean; noise: boolean; current: boolean; randomDrive: boolean };
  /** check its params (`pr`, maybe empty) and initial values (`init`, an object) */
  check(c: ModelChecker, pr: Record<string, unknown>, ppath: string, init: Record<string, unknown> | undefined, ipath: string, synapse: SynapseKind | undefined, perNeuron: (unit: string) => ValueOpts, size: number | undefined): void;
  /** fill a planned population from its params and initial values (expressions resolved) */
  build(pop: BuiltPopulation, params: Record<string, ValueSpec | undefined>, init: Record<string, ValueSpec | undefined>, dt: number, seed: number, path: string): void;
  /** arena bytes of a slice of m neurons beyond its spikes and rings, from the description's params */
  specBytes(m: number, params: Record<string, unknown>, synapse: SynapseKind | undefined, buf: (bytes: number) => number): number;
}
