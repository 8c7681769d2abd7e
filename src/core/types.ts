/**
 * Shared types: the model description (what a user writes, in JSON or through the API) and the
 * built network (what src/network hands to the simulator). Units are those of PyNN:
 * ms, mV, nA, nF, Hz. See docs/model-format.md.
 */
import type { EquationPlan } from '../equations/runtime.ts';

// ---------------------------------------------------------------------------------------------
// Model description (model.json)
// ---------------------------------------------------------------------------------------------

// The model description's types come from its schema (src/network/schema.ts), declared once.
import type { NeuronKind, ValueSpec, ConnectSpec, PruningSpec, SheetSpec, MonitorSpec } from '../network/schema.ts';
export type {
  ValueSpec, EquationModelSpec, NeuronKind, LifParamsSpec, PopulationSpec, SheetSpec, DistanceDelaySpec, ConnectSpec, ProjectionSpec,
  ShortTermSpec, PruningSpec, PlasticitySpec, StdpSpec, Izhikevich2006Spec, InputSpec, MonitorSpec, ModelSpec, AnyPopulationSpec,
} from '../network/schema.ts';

export type NeuronModelName = 'lif' | 'threshold' | 'poisson' | 'spike_generator' | 'izhikevich';
/** what a population runs once planned: a built-in model, or a model from equations (docs/equations.md) */
export type PlannedModelName = NeuronModelName | 'equations';

/** STDP of a projection as the kernels use it: float32 constants, trace decay factors exp(-dt/tau) */
export interface PlasticityPlan {
  aPlus: number;
  aMinus: number;
  wMin: number;
  wMax: number;
  /** float32 exp(-dt/tau_plus) (pre trace) and exp(-dt/tau_minus) (post trace) */
  decayPre: number;
  decayPost: number;
  multiplicative: boolean;
  nearest: boolean;
  /** 'stdp' updates the weights; 'izhikevich2006' a derivative applied every applyEverySteps */
  rule: 'stdp' | 'izhikevich2006';
  /** izhikevich2006: float32 bias and derivative decay, and the interval in steps (else 0) */
  bias: number;
  derivDecay: number;
  applyEverySteps: number;
}

/** A pruning rule as the shards apply it (float32 values, steps) */
export interface PruningPlan {
  rule: 'weight_below' | 'elimination_rate';
  /** weight_below: float32 threshold */
  threshold: number;
  /** elimination_rate: rate (1/s), bias, w_ref (float32, > 0 for 'weak') */
  rate: number;
  bias: 'none' | 'weak' | 'inactive';
  wRef: number;
  /** applied after the delivery of step t when (t + 1) % everySteps === 0, or when t + 1 === atStep (else -1) */
  everySteps: number;
  atStep: number;
  /** random stream of the draws (elimination_rate) */
  stream: number;
}

// ---------------------------------------------------------------------------------------------
// Network plan (src/network output, src/sim input): populations and inputs as host typed arrays,
// projections as plans from which every shard generates its own synapses in its arena.
// ---------------------------------------------------------------------------------------------

export interface BuiltPopulation {
  name: string;
  index: number;
  size: number;
  model: PlannedModelName;
  /** a model from equations: the compiled model, its parameter values and input channels */
  equations?: EquationPlan;
  type?: NeuronKind;
  /** lif: synapse type; 'delta' and threshold have one input channel, 'exp' has two */
  synapse?: 'exp' | 'delta';
  /** number of input channels of the ring buffer (exp: 2, delta/threshold: 1, sources: 0) */
  channels: number;
  /**
   * lif: LIF_NPARAMS values (homogeneous) or LIF_NPARAMS*size values, parameter-major (hetero);
   * layout in src/core/layout.ts. threshold: mu, 1 or size values.
   */
  params?: Float32Array;
  hetero: boolean;
  /** lif: i_offset per neuron, nA */
  bias?: Float32Array;
  /** initial state arrays, per neuron: lif v, ie, ii; threshold n (Int32Array of 0/1) */
  initial: Record<string, Float32Array | Int32Array>;
  /** poisson: spike threshold per step as uint32 (spike iff draw < threshold), 1 or size values */
  poissonThreshold?: Uint32Array;
  /** poisson: the steps [startStep, stopStep) in which it fires */
  startStep?: number;
  stopStep?: number;
  /** spike_generator: (step, index) pairs sorted by step then index */
  generatorSteps?: Int32Array;
  generatorIndices?: Int32Array;
  /** stream id for per-step random numbers */
  stream: number;
  /** izhikevich: integration scheme, kernel argument (IZH_SCHEME_2003 or IZH_SCHEME_EULER of layout.ts) */
  scheme?: number;
  /** the population's sheet (spacing resolved), if any: src/network/sheet.ts columnOf etc. take { size, sheet } */
  sheet?: SheetSpec;
}

/** A per-synapse weight or delay as the connectivity kernels draw it (plain numbers). */
export interface SynapseValuePlan {
  /**
   * const: one value; array: per synapse (ProjectionPlan.weightArray / delayArray); distance (delays):
   * a + distance / b ms (ProjectionPlan.sheet); else a distribution
   */
  kind: 'const' | 'array' | 'uniform' | 'normal' | 'bernoulli' | 'distance';
  /** const: the value (weights: float32, delays: steps); uniform: low; normal: mean; bernoulli: p; distance: offset, ms */
  a: number;
  /** uniform: high - low; normal: std; distance: 1000 velocity (um/ms); else 0 */
  b: number;
  /** normal bounds (-Infinity / Infinity when absent) */
  min: number;
  max: number;
  /** normal with bound 'redraw' (else clip) */
  redraw: boolean;
}

/**
 * A projection as planned before any synapse exists: everything a shard needs to generate its own
 * incoming synapses (src/sim/connectivity.ts buildShardProjection). Plain structured-cloneable data.
 */
export interface ProjectionPlan {
  name: string;
  index: number;
  /** population indices */
  source: number;
  target: number;
  /** ring channel at the target: 0 = excitatory (or the only channel), 1 = inhibitory */
  channel: number;
  /** population sizes */
  nSrc: number;
  nTgt: number;
  rule: ConnectSpec['rule'];
  /** pairwise_bernoulli: p, else 0 */
  p: number;
  /** fixed_indegree / fixed_outdegree: K; fixed_total_number: n; else 0 */
  k: number;
  /** autapses excluded (source and target are one population and allow_autapses is false) */
  noAutapses: boolean;
  /** sampling without replacement (allow_multapses false) */
  noMultapses: boolean;
  /** number of synapses of the whole projection: exact when `exact`, else expected (pairwise_bernoulli) */
  synapses: number;
  exact: boolean;
  /** float32 weight of every synapse, or null when weights vary (then stored per synapse) */
  constWeight: number | null;
  /** delay of every synapse in steps, or null when delays vary (then packed into the high byte of syn) */
  constDelay: number | null;
  weight: SynapseValuePlan;
  /** delays: distributions in ms (rounded per synapse: steps = round(x/dt), at least 1); const in steps */
  delay: SynapseValuePlan;
  /** bounds of the delays in steps (from the spec: a drawn delay above maxDelay fails the build) */
  minDelay: number;
  maxDelay: number;
  /** per-synapse arrays in generation order (explicit: target-major, as explicitPtr) */
  weightArray: Float32Array | null;
  /** per-synapse delays in steps */
  delayArray: Uint8Array | null;
  /** fixed_total_number: synapses of every target (sequential conditional binomials, all targets) */
  totalCounts: Uint32Array | null;
  /** explicit: the pairs sorted by target (stably): explicitPtr[t]..explicitPtr[t+1] index explicitSources */
  explicitPtr: Uint32Array | null;
  explicitSources: Uint32Array | null;
  /** random streams (src/network/streams.ts) */
  streams: { connect: number; weight: number; delay: number; totalCount: number };
  /**
   * spatial_indegree or distance-dependent delays: the sheet of both populations and the rule's
   * parameters (sigma and radius in um, 0 for other rules; periodic: false for other rules), else null
   */
  sheet: SheetPlan | null;
  /** STDP (then weights are always stored per synapse: constWeight is null), or null */
  plasticity: PlasticityPlan | null;
  /** pruning: float32 threshold and interval in steps, or null (then weights are stored per synapse) */
  pruning: PruningPlan | null;
  /** short-term plasticity, or null */
  shortTerm: ShortTermPlan | null;
  /** weight_precision "float16": per-synapse weights stored as float16 (src/sim/synapse-layout.ts) */
  weightHalf: boolean;
}

/** Tsodyks–Markram constants as the shards use them (src/sim/short-term.ts): ms and dt. */
export interface ShortTermPlan {
  U: number;
  tauRec: number;
  /** 0: no facilitation */
  tauFac: number;
}

/** The sheet of a projection's populations (equal sheets), as the connectivity kernels use it. */
export interface SheetPlan {
  columnsX: number;
  columnsY: number;
  /** um */
  spacing: number;
  /** neurons per column of the source and of the target population */
  perColumnSrc: number;
  perColumnTgt: number;
  /** the sheet wraps around (spatial_indegree's periodic; false for other rules) */
  periodic: boolean;
  /** spatial_indegree: std of the offset per axis and the radius, um (0 otherwise) */
  sigma: number;
  radius: number;
  /**
   * spatial_indegree: the alias table of column offsets the kernels sample (u32 threshold, offset,
   * alias's offset per entry; src/network/sheet.ts spatialOffsetTable), else null
   */
  offsets: Uint32Array | null;
}

export type BuiltInput =
  | {
      type: 'poisson';
      target: number;
      channel: number;
      /** cumulative Poisson probabilities scaled to 2^32: count = number of entries <= draw */
      table: Uint32Array;
      weight: number;
      startStep: number;
      stopStep: number;
      stream: number;
    }
  | {
      type: 'current';
      target: number;
      amplitude: number;
      neurons: Int32Array | null;
      startStep: number;
      stopStep: number;
    }
  | {
      /** draw j of step t: u = rngU32(rngKey(seed, stream, t), j), neuron floor(u / 2^32 * total) of the concatenated targets */
      type: 'random_drive';
      target: number;
      channel: number;
      targets: { target: number; channel: number }[];
      /** float32 */
      amplitude: number;
      count: number;
      startStep: number;
      stopStep: number;
      stream: number;
    }
  | {
      /** kernel noise_input(n, rngKey(seed, stream, step), firstNeuron, mean, std, ring slot of channel) */
      type: 'noise';
      target: number;
      channel: number;
      /** float32 values */
      mean: number;
      std: number;
      startStep: number;
      stopStep: number;
      stream: number;
    };

/**
 * A network planned by planNetwork: validated, with populations, inputs and every projection's
 * plan, but no synapses yet (each shard builds its own). Plain structured-cloneable data.
 */
export interface NetworkPlan {
  name: string;
  dt: number;
  seed: number;
  /** default number of steps of a run (duration / dt) */
  steps: number;
  populations: BuiltPopulation[];
  projections: ProjectionPlan[];
  inputs: BuiltInput[];
  monitors: MonitorSpec[];
  /** slots of every ring buffer: the largest delay in steps over all projections (at least 1) */
  ringSlots: number;
  neurons: number;
  /** exact for the fixed rules, expected for pairwise_bernoulli */
  synapses: number;
  /** smallest delay in steps over all projections (ringSlots when there are none) */
  minDelay: number;
}

/** @deprecated the former name of NetworkPlan (kept while src/sim moves over) */
export type BuiltNetwork = NetworkPlan;
