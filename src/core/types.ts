/**
 * Shared types: the model description (what a user writes, in JSON or through the API) and the
 * built network (what src/network hands to the simulator). Units are those of PyNN:
 * ms, mV, nA, nF, Hz. See docs/model-format.md.
 */

// ---------------------------------------------------------------------------------------------
// Model description (model.json)
// ---------------------------------------------------------------------------------------------

/** A value given per population or per neuron/synapse. */
export type ValueSpec =
  | number
  | number[]
  | { dist: 'uniform'; low: number; high: number }
  | {
      dist: 'normal';
      mean: number;
      std: number;
      /** bounds; values outside are clipped (default) or redrawn */
      min?: number;
      max?: number;
      bound?: 'clip' | 'redraw';
    }
  /** 1 with probability p, else 0 (e.g. initial state n of threshold units) */
  | { dist: 'bernoulli'; p: number }
  /**
   * per-neuron expression over the population's `random` variables, e.g. "-65 + 15*r^2"
   * (+ - * / ^, parentheses, numbers, variable names; src/network/expr.ts)
   */
  | { expr: string; dist?: undefined };

export type NeuronModelName = 'lif' | 'threshold' | 'poisson' | 'spike_generator' | 'izhikevich';
export type NeuronKind = 'excitatory' | 'inhibitory';

export interface LifParamsSpec {
  /** membrane time constant, ms (> 0) */
  tau_m?: ValueSpec;
  /** membrane capacitance, nF (> 0) */
  cm?: ValueSpec;
  /** resting potential, mV */
  v_rest?: ValueSpec;
  /** spike threshold, mV (> v_reset) */
  v_thresh?: ValueSpec;
  /** reset potential, mV (may lie below rest) */
  v_reset?: ValueSpec;
  /** absolute refractory period, ms (>= 0, a whole number of steps) */
  tau_refrac?: ValueSpec;
  /** excitatory synaptic current time constant, ms (> 0), synapse 'exp' only */
  tau_syn_e?: ValueSpec;
  /** inhibitory synaptic current time constant, ms (> 0), synapse 'exp' only */
  tau_syn_i?: ValueSpec;
  /** constant bias current, nA */
  i_offset?: ValueSpec;
}

export interface PopulationSpec {
  name: string;
  size: number;
  model: NeuronModelName;
  /** Dale's principle: every projection from this population has weights of this sign */
  type?: NeuronKind;
  /** lif only: 'exp' (current-based exponential synapses, weights in nA) or 'delta' (weights in mV) */
  synapse?: 'exp' | 'delta';
  /**
   * lif: LifParamsSpec; threshold: { mu }; poisson: { rate } (Hz);
   * spike_generator: { spike_times: number[][] } (ms, one list per neuron)
   */
  params?: Record<string, unknown>;
  /** initial state: lif { v, ie, ii } (mV, nA); threshold { n } (0/1); izhikevich { v, u, ie, ii } */
  initial?: Record<string, ValueSpec>;
  /** named per-neuron values (numbers, arrays, distributions) that `{ expr }` values may use */
  random?: Record<string, ValueSpec>;
}

export type ConnectSpec =
  | { rule: 'all_to_all'; allow_autapses?: boolean }
  | { rule: 'one_to_one' }
  | { rule: 'pairwise_bernoulli'; p: number; allow_autapses?: boolean }
  | { rule: 'fixed_indegree'; indegree: number; allow_autapses?: boolean; allow_multapses?: boolean }
  | { rule: 'fixed_outdegree'; outdegree: number; allow_autapses?: boolean; allow_multapses?: boolean }
  | { rule: 'fixed_total_number'; n: number; allow_autapses?: boolean; allow_multapses?: boolean }
  | { rule: 'explicit'; sources: number[]; targets: number[] };

export interface ProjectionSpec {
  name?: string;
  source: string;
  target: string;
  connect: ConnectSpec;
  /** nA for lif 'exp', mV for lif 'delta', unitless for threshold */
  weight: ValueSpec;
  /** ms, >= dt; rounded to the grid by round(delay/dt), off-grid by more than 1e-6 steps is an error */
  delay?: ValueSpec;
  /** receptor channel of the target: excitatory or inhibitory current (lif 'exp' only) */
  receptor?: NeuronKind;
  /** spike-timing-dependent plasticity of the weights (docs/model-format.md#plasticity) */
  plasticity?: PlasticitySpec;
  /** removal of weak synapses during the run (docs/model-format.md#pruning) */
  pruning?: PruningSpec;
}

/** Remove the synapses whose weight is below threshold, every every_ms (default 100 ms) of simulated time. */
export interface PruningSpec {
  rule: 'weight_below';
  threshold: number;
  every_ms?: number;
}

/** Pair-based STDP with exponential traces (NEST-like, see docs/model-format.md#plasticity). */
export interface PlasticitySpec {
  rule: 'stdp';
  /** ms, > 0; default 20 */
  tau_plus?: number;
  tau_minus?: number;
  /** >= 0; defaults 0.01 and 0.012 */
  a_plus?: number;
  a_minus?: number;
  /** weight bounds (the weight's unit); w_min defaults to 0, w_max is required */
  w_min?: number;
  w_max: number;
  /** default 'additive' */
  weight_dependence?: 'additive' | 'multiplicative';
  /** default 'all_to_all' */
  pairing?: 'all_to_all' | 'nearest';
}

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
}

export type InputSpec =
  | {
      type: 'poisson';
      target: string;
      /** total rate per target neuron, Hz */
      rate: number;
      weight: number;
      receptor?: NeuronKind;
      start?: number;
      stop?: number;
    }
  | {
      type: 'current';
      target: string;
      /** nA, added to the bias current while active */
      amplitude: number;
      start?: number;
      stop?: number;
      neurons?: number[];
    }
  | {
      /** Gaussian current drawn every step for every target neuron: mean + std * N(0, 1) */
      type: 'noise';
      target: string;
      /** default 0; unit of the target's input (lif exp: nA, lif delta: mV, izhikevich: its I) */
      mean?: number;
      std: number;
      receptor?: NeuronKind;
      start?: number;
      stop?: number;
    };

export type MonitorSpec =
  | { type: 'spikes'; population: string; neurons?: number[] }
  | { type: 'state'; population: string; variables: string[]; neurons: number[]; every?: number }
  | { type: 'rate'; population: string };

export interface ModelSpec {
  name?: string;
  description?: string;
  /** time step, ms */
  dt: number;
  /** default duration of a run, ms */
  duration?: number;
  seed?: number;
  /** worker threads (shards); default: the number of cores; the API option and --threads override it */
  threads?: number;
  populations: PopulationSpec[];
  projections?: ProjectionSpec[];
  inputs?: InputSpec[];
  monitors?: MonitorSpec[];
}

// ---------------------------------------------------------------------------------------------
// Network plan (src/network output, src/sim input): populations and inputs as host typed arrays,
// projections as plans from which every shard generates its own synapses in its arena.
// ---------------------------------------------------------------------------------------------

export interface BuiltPopulation {
  name: string;
  index: number;
  size: number;
  model: NeuronModelName;
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
  /** spike_generator: (step, index) pairs sorted by step then index */
  generatorSteps?: Int32Array;
  generatorIndices?: Int32Array;
  /** stream id for per-step random numbers */
  stream: number;
  /** izhikevich: integration scheme, kernel argument (IZH_SCHEME_2003 or IZH_SCHEME_EULER of layout.ts) */
  scheme?: number;
}

/** A per-synapse weight or delay as the connectivity kernels draw it (plain numbers). */
export interface SynapseValuePlan {
  /** const: one value; array: per synapse (ProjectionPlan.weightArray / delayArray); else a distribution */
  kind: 'const' | 'array' | 'uniform' | 'normal' | 'bernoulli';
  /** const: the value (weights: float32, delays: steps); uniform: low; normal: mean; bernoulli: p */
  a: number;
  /** uniform: high - low; normal: std; else 0 */
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
  /** STDP (then weights are always stored per synapse: constWeight is null), or null */
  plasticity: PlasticityPlan | null;
  /** pruning: float32 threshold and interval in steps, or null (then weights are stored per synapse) */
  pruning: { threshold: number; everySteps: number } | null;
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
  /** slots of every ring buffer: max delay over all projections + 1 */
  ringSlots: number;
  neurons: number;
  /** exact for the fixed rules, expected for pairwise_bernoulli */
  synapses: number;
  /** smallest delay in steps over all projections (ringSlots - 1 when there are none) */
  minDelay: number;
}

/** @deprecated the former name of NetworkPlan (kept while src/sim moves over) */
export type BuiltNetwork = NetworkPlan;
