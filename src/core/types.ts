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
  | { dist: 'bernoulli'; p: number };

export type NeuronModelName = 'lif' | 'threshold' | 'poisson' | 'spike_generator';
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
  /** initial state: lif { v, ie, ii } (mV, nA); threshold { n } (0/1) */
  initial?: Record<string, ValueSpec>;
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
  populations: PopulationSpec[];
  projections?: ProjectionSpec[];
  inputs?: InputSpec[];
  monitors?: MonitorSpec[];
}

// ---------------------------------------------------------------------------------------------
// Built network (src/network output, src/sim input). Host typed arrays; the simulator lays them
// out in the backend's arena.
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
}

export interface BuiltProjection {
  name: string;
  index: number;
  source: number;
  target: number;
  /** ring channel at the target: 0 = excitatory (or the only channel), 1 = inhibitory */
  channel: number;
  nSyn: number;
  /** CSR by source: rowPtr[s]..rowPtr[s+1] index the synapses of source s; targets ascending in a row */
  rowPtr: Uint32Array;
  targets: Uint32Array;
  /** null when every weight equals constWeight */
  weights: Float32Array | null;
  constWeight: number;
  /** delays in steps (1..255); null when every delay equals constDelay */
  delays: Uint8Array | null;
  constDelay: number;
  minDelay: number;
  maxDelay: number;
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
    };

export interface BuiltNetwork {
  name: string;
  dt: number;
  seed: number;
  /** default number of steps of a run (duration / dt) */
  steps: number;
  populations: BuiltPopulation[];
  projections: BuiltProjection[];
  inputs: BuiltInput[];
  monitors: MonitorSpec[];
  /** slots of every ring buffer: max delay over all projections + 1 */
  ringSlots: number;
  neurons: number;
  synapses: number;
}
