/**
 * Shared types: the model description (what a user writes, in JSON or through the API) and the
 * built network (what src/network hands to the simulator). Units are those of PyNN:
 * ms, mV, nA, nF, Hz. See docs/model-format.md.
 */
import type { EquationPlan } from '../equations/runtime.ts';

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
/** what a population runs once planned: a built-in model, or a model from equations (docs/equations.md) */
export type PlannedModelName = NeuronModelName | 'equations';

/**
 * A neuron model written as equations, as Brian2 writes it (docs/equations.md): `equations` lines
 * `dx/dt = expr : unit (flags)`, `x = expr : unit`, `x : unit (constant)`; `threshold` a condition;
 * `reset` statements; `refractory` a time or a condition; `method` ('exact', 'exponential_euler',
 * 'euler', 'rk2', 'rk4', 'heun'; chosen as Brian2 does when omitted); `parameters` values (numbers in
 * axonal's unit for the declared dimension, or strings with units such as "10*nS").
 */
export interface EquationModelSpec {
  equations: string;
  threshold?: string;
  reset?: string;
  refractory?: string | number;
  method?: string;
  parameters?: Record<string, number | string>;
}
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
  /** a built-in model, the name of an entry of the model's `models`, or a model from equations written here */
  model: NeuronModelName | string | EquationModelSpec;
  /**
   * a model from equations: values of its parameters for this population, overriding the model's
   * (numbers, strings with units, arrays, distributions, { expr })
   */
  parameters?: Record<string, ValueSpec | string>;
  /** Dale's principle: every projection from this population has weights of this sign */
  type?: NeuronKind;
  /** lif only: 'exp' (current-based exponential synapses, weights in nA) or 'delta' (weights in mV) */
  synapse?: 'exp' | 'delta';
  /**
   * lif: LifParamsSpec; threshold: { mu }; poisson: { rate } (Hz);
   * spike_generator: { spike_times: number[][] } (ms, one list per neuron)
   */
  params?: Record<string, unknown>;
  /**
   * a model from equations or standard cell whose equations use I_syn: its receptor channels
   * (docs/equations.md#receptors), by name with defaults (AMPA, NMDA, GABA_A, GABA_B) or given
   */
  receptors?: readonly string[] | Readonly<Record<string, import('../equations/receptors.ts').ReceptorSpec>>;
  /** initial state: lif { v, ie, ii } (mV, nA); threshold { n } (0/1); izhikevich { v, u, ie, ii } */
  initial?: Record<string, ValueSpec>;
  /** named per-neuron values (numbers, arrays, distributions) that `{ expr }` values may use */
  random?: Record<string, ValueSpec>;
  /**
   * places the population on a sheet of columns_x * columns_y cortical columns (size a multiple of
   * it): neuron i is in column floor(i / (size / (columns_x columns_y))), column c's centre at
   * ((c % columns_x) spacing, floor(c / columns_x) spacing) um (src/network/sheet.ts)
   */
  sheet?: SheetSpec;
}

/** A sheet of cortical columns (docs/model-format.md#sheets-and-spatial-connectivity). */
export interface SheetSpec {
  columns_x: number;
  columns_y: number;
  /** um between neighbouring column centres, > 0; default 100 */
  spacing?: number;
}

/**
 * A delay growing with the distance between the source's and the target's column centres (both
 * populations on equal sheets): offset + d / (1000 velocity) ms, d in um, velocity in m/s (= mm/ms),
 * rounded to the grid as drawn delays (steps = max(1, round(x / dt))).
 */
export interface DistanceDelaySpec {
  distance: { offset: number; velocity: number };
}

export type ConnectSpec =
  | { rule: 'all_to_all'; allow_autapses?: boolean }
  | { rule: 'one_to_one' }
  | { rule: 'pairwise_bernoulli'; p: number; allow_autapses?: boolean }
  | { rule: 'fixed_indegree'; indegree: number; allow_autapses?: boolean; allow_multapses?: boolean }
  | { rule: 'fixed_outdegree'; outdegree: number; allow_autapses?: boolean; allow_multapses?: boolean }
  | { rule: 'fixed_total_number'; n: number; allow_autapses?: boolean; allow_multapses?: boolean }
  | { rule: 'explicit'; sources: number[]; targets: number[] }
  /**
   * per target, `indegree` sources drawn around the target's column with a 2D Gaussian offset (std
   * sigma um per axis, at most radius um, default 3 sigma), on sheets (docs/model-format.md)
   */
  | {
      rule: 'spatial_indegree';
      indegree: number;
      sigma: number;
      radius?: number;
      /** the sheet wraps around (a torus); default true */
      periodic?: boolean;
      /** default false when source and target are one population */
      allow_autapses?: boolean;
      allow_multapses?: boolean;
    };

export interface ProjectionSpec {
  name?: string;
  source: string;
  target: string;
  connect: ConnectSpec;
  /** nA for lif 'exp', mV for lif 'delta', unitless for threshold */
  weight: ValueSpec;
  /**
   * ms, >= dt; rounded to the grid by round(delay/dt), off-grid by more than 1e-6 steps is an error;
   * or distance-dependent ({ distance: { offset, velocity } }, populations on sheets)
   */
  delay?: ValueSpec | DistanceDelaySpec;
  /**
   * receptor channel of the target: excitatory or inhibitory current (lif and izhikevich 'exp'), or
   * the name of one of the target's `receptors` (a model from equations; then no on_pre)
   */
  receptor?: NeuronKind | string;
  /**
   * a target from equations: what a spike does to it, `"x += w"` (also `-=`, and `w*c` with a
   * constant c): w, the weight, in the unit of the target variable x (docs/equations.md)
   */
  on_pre?: string;
  /** spike-timing-dependent plasticity of the weights (docs/model-format.md#plasticity) */
  plasticity?: PlasticitySpec;
  /** removal of weak synapses during the run (docs/model-format.md#pruning) */
  pruning?: PruningSpec;
  /** short-term depression and facilitation (docs/model-format.md#short-term-plasticity) */
  short_term?: ShortTermSpec;
}

/**
 * Tsodyks–Markram short-term plasticity as NEST's tsodyks2_synapse (docs/model-format.md#short-term-plasticity):
 * at each spike of a source, h ms after its previous one,
 *   x = 1 + (x - x*u - 1) * exp(-h/tau_rec);  u = U + u*(1 - U) * exp(-h/tau_fac)  (0 if tau_fac = 0)
 * and every synapse of the source delivers weight * x * u; before the first spike x = 1, u = 0.
 */
export interface ShortTermSpec {
  rule: 'tsodyks_markram';
  /** utilisation increment (NEST U, PyNN U), in (0, 1] */
  U: number;
  /** ms, > 0: recovery time constant of the resources x (depression) */
  tau_rec: number;
  /** ms, >= 0 (default 0: no facilitation): time constant of the utilisation u */
  tau_fac?: number;
}

/**
 * Structural plasticity: remove synapses by a rule, at intervals (every_ms) or once (at_ms), during
 * the run (docs/model-format.md#pruning). `sim.prune()` applies a rule from the API.
 */
export type PruningSpec =
  | {
      /** remove every synapse whose weight is below threshold (the signed weight is compared) */
      rule: 'weight_below';
      threshold: number;
      every_ms?: number;
      at_ms?: number;
    }
  | {
      /**
       * remove each synapse with probability 1 - exp(-rate * b * T) per application, T = the time
       * in s since the previous application to this projection (or since the start); b in [0, 1] is
       * the bias: 1 ('none'), the weight's distance below w_ref ('weak': 1 - |w| / w_ref, clipped
       * to [0, 1]), or whether the source has not spiked since the last application ('inactive')
       */
      rule: 'elimination_rate';
      /** per synapse and second, 1/s, >= 0 (the rate of the most eligible synapses) */
      rate: number;
      bias?: 'none' | 'weak' | 'inactive';
      /** 'weak': the weight magnitude at and above which a synapse is never removed (> 0) */
      w_ref?: number;
      every_ms?: number;
      at_ms?: number;
    };

/** Pair-based STDP with exponential traces (NEST-like), or Izhikevich's (2006) rule (docs/model-format.md#plasticity). */
export type PlasticitySpec = StdpSpec | Izhikevich2006Spec;

/** What both pair rules share: trace time constants, pair amplitudes and weight bounds. */
interface PairRuleSpec {
  /** ms, > 0; default 20 */
  tau_plus?: number;
  tau_minus?: number;
  /** >= 0; defaults: stdp 0.01 and 0.012, izhikevich2006 0.1 and 0.12 */
  a_plus?: number;
  a_minus?: number;
  /** weight bounds (the weight's unit); w_min defaults to 0, w_max is required */
  w_min?: number;
  w_max: number;
}

export interface StdpSpec extends PairRuleSpec {
  rule: 'stdp';
  /** default 'additive' */
  weight_dependence?: 'additive' | 'multiplicative';
  /** default 'all_to_all' */
  pairing?: 'all_to_all' | 'nearest';
}

/**
 * Izhikevich (2006), "Polychronization": spike pairs (pre spikes counted at their arrival) change a
 * per-synapse derivative sd; every apply_every_ms, w = clip(w + bias + sd, w_min, w_max) and sd *= decay.
 */
export interface Izhikevich2006Spec extends PairRuleSpec {
  rule: 'izhikevich2006';
  /** ms, a whole number of steps, default 1000 */
  apply_every_ms?: number;
  /** added to every weight at each application (default 0.01) */
  bias?: number;
  /** factor of the derivative after each application, in [0, 1] (default 0.9) */
  decay?: number;
  /** default 'nearest' (a spike resets its trace to 1, as in the paper's code) */
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

export type InputSpec =
  | {
      type: 'poisson';
      target: string;
      /** total rate per target neuron, Hz */
      rate: number;
      weight: number;
      /** as a projection's receptor */
      receptor?: NeuronKind | string;
      /** a target from equations: the variable it drives, as a projection's on_pre (`"ge += w"`) */
      on_pre?: string;
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
      /**
       * In every step, `count` neurons drawn uniformly (with replacement) from the concatenation of the
       * target populations each receive `amplitude` for that step (Izhikevich 2006: one random neuron per ms)
       */
      type: 'random_drive';
      target: string | string[];
      amplitude: number;
      /** neurons drawn per step, default 1 */
      count?: number;
      receptor?: NeuronKind;
      start?: number;
      stop?: number;
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
  /** the number of synapses of a projection at times 0, every_ms, 2·every_ms, … (default 100 ms; at least every step) */
  | { type: 'synapses'; projection: string; every_ms?: number }
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
  /**
   * worker threads (shards), or 'auto' (the default): one thread for small or fast-exchanging
   * networks, every core for large ones (src/sim/auto-threads.ts); the API option and --threads override it
   */
  threads?: number | 'auto';
  /** models from equations, defined once for several populations (docs/equations.md) */
  models?: Record<string, EquationModelSpec>;
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
