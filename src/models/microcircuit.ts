/**
 * The cortical microcircuit of Potjans & Diesmann (2014), "The cell-type specific cortical
 * microcircuit: relating structure and activity in a full-scale spiking network model", Cereb.
 * Cortex 24:785–806, as implemented by the reference PyNEST code of INM-6/microcircuit-PD14-model
 * (PyNEST/src/microcircuit/: network_params.py, sim_params.py, stimulus_params.py, network.py,
 * helpers.py; the newer parameter_definitions.py holds the same values). Every number below names
 * its source as `file: variable`. docs/microcircuit.md explains the derivations and the few places
 * where axonal's model differs from NEST's.
 *
 * Units: the reference works in pA and pF; our format uses nA and nF (PyNN), so currents and
 * capacitances are divided by 1000 when written into the spec — every derivation below is done
 * in the reference's units first, exactly as the reference computes it.
 */
import type { ModelSpec, PopulationSpec, ProjectionSpec, InputSpec, MonitorSpec } from '../core/types.ts';

// ---------------------------------------------------------------------------------------------
// Reference parameters
// ---------------------------------------------------------------------------------------------

/** network_params.py: net_dict['populations'] */
export const POPULATIONS = ['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I'] as const;

/** network_params.py: net_dict['full_num_neurons'] */
export const FULL_NUM_NEURONS = [20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948];

/**
 * network_params.py: net_dict['full_mean_rates'] (spikes/s) — the rates of one full-scale NEST
 * run (4 threads, no MPI); used by the K scaling (adjust_weights_and_input_to_synapse_scaling)
 * and by scripts/validate-microcircuit.js as the reference.
 */
export const FULL_MEAN_RATES = [0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829];

/** network_params.py: net_dict['conn_probs'] — first index the target, second the source */
export const CONN_PROBS: readonly (readonly number[])[] = [
  [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
  [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
  [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
  [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
  [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
  [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
  [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
  [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
];

/** network_params.py: net_dict['PSP_exc_mean'], mV */
export const PSP_EXC_MEAN = 0.15;
/** network_params.py: net_dict['weight_rel_std'] */
export const WEIGHT_REL_STD = 0.1;
/** network_params.py: net_dict['g'] */
export const G = -4;
/** network_params.py: net_dict['delay_exc_mean'], net_dict['delay_inh_mean'], ms */
export const DELAY_EXC_MEAN = 1.5;
export const DELAY_INH_MEAN = 0.75;
/** network_params.py: net_dict['delay_rel_std'] */
export const DELAY_REL_STD = 0.5;
/** network_params.py: net_dict['K_ext'] — external (cortico-cortical) in-degrees */
export const K_EXT = [1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100];
/** network_params.py: net_dict['bg_rate'], spikes/s */
export const BG_RATE = 8.0;
/** network_params.py: net_dict['delay_poisson'], ms (see docs/microcircuit.md: inputs have no delay here) */
export const DELAY_POISSON = 1.5;

/** network_params.py: net_dict['V0_type'] = 'optimized': neuron_params['V0_mean'/'V0_std']['optimized'], mV */
export const V0_MEAN_OPTIMIZED = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43];
export const V0_STD_OPTIMIZED = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48];

/** network_params.py: net_dict['neuron_params'] (reference units: mV, pF, ms) */
export const NEURON_PARAMS = {
  E_L: -65.0,
  V_th: -50.0,
  V_reset: -65.0,
  /** pF */
  C_m: 250.0,
  tau_m: 10.0,
  tau_syn: 0.5,
  t_ref: 2.0,
} as const;

/** sim_params.py: sim_dict['sim_resolution'], ms */
export const SIM_RESOLUTION = 0.1;
/** sim_params.py: sim_dict['t_presim'], sim_dict['t_sim'], ms */
export const T_PRESIM = 500.0;
export const T_SIM = 1000.0;
/** sim_params.py: sim_dict['rng_seed'] */
export const RNG_SEED = 55;

/** stimulus_params.py: stim_dict — the optional thalamic input */
export const THALAMUS = {
  /** th_start, th_duration (ms), th_rate (spikes/s) */
  start: 700.0,
  duration: 10.0,
  rate: 120.0,
  /** num_th_neurons */
  neurons: 902,
  /** conn_probs_th: to L23E … L6I */
  connProbs: [0.0, 0.0, 0.0983, 0.0619, 0.0, 0.0, 0.0512, 0.0196],
  /** PSP_th (mV), delay_th_mean (ms), delay_th_rel_std */
  psp: 0.15,
  delayMean: 1.5,
  delayRelStd: 0.5,
} as const;


// ---------------------------------------------------------------------------------------------
// The reference's derivations (helpers.py, network.py), in the reference's units
// ---------------------------------------------------------------------------------------------

/** numpy's np.round: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * helpers.py: num_synapses_from_conn_probs — total synapse count from a connection probability
 * (same pairs drawn with replacement): ln(1 - C) / ln((N1 N2 - 1) / (N1 N2)). Not rounded.
 */
export function numSynapsesFromConnProb(conn: number, n1: number, n2: number): number {
  const prod = n1 * n2;
  const k = Math.log(1.0 - conn) / Math.log((prod - 1.0) / prod);
  return k === 0 ? 0 : k; // the reference gives -0 for C = 0
}

/**
 * helpers.py: postsynaptic_potential_to_current — pA per mV of PSP peak for an exponential PSC
 * (C_m in pF, times in ms). For the microcircuit's neurons: 585.39 pA/mV, so 0.15 mV → 87.81 pA.
 */
export function postsynapticPotentialToCurrent(C_m: number, tau_m: number, tau_syn: number): number {
  const sub = 1.0 / (tau_syn - tau_m);
  const pre = ((tau_m * tau_syn) / C_m) * sub;
  const frac = (tau_m / tau_syn) ** sub;
  return 1.0 / (pre * (frac ** tau_m - frac ** tau_syn));
}

/** helpers.py: dc_input_compensating_poisson — DC (pA) with the mean of the Poisson background. */
export function dcInputCompensatingPoisson(bgRate: number, kExt: number, tauSyn: number, pscExt: number): number {
  return bgRate * kExt * pscExt * tauSyn * 0.001;
}

/**
 * helpers.py: adjust_weights_and_input_to_synapse_scaling — weights / sqrt(K_scaling), plus DC
 * that restores the mean input lost by the scaling (recurrent at full_mean_rates, and the external
 * Poisson input when it is used). pA.
 */
export function adjustWeightsAndInputToSynapseScaling(
  fullNumNeurons: readonly number[], fullNumSynapses: readonly (readonly number[])[], kScaling: number,
  pscMatrix: readonly (readonly number[])[], pscExt: number, tauSyn: number, fullMeanRates: readonly number[],
  dcAmp: readonly number[], bgInputType: 'dc' | 'poisson', bgRate: number, kExt: readonly number[],
): { pscMatrix: number[][]; pscExt: number; dcAmp: number[] } {
  const sq = Math.sqrt(kScaling);
  const n = fullNumNeurons.length;
  const newMatrix = pscMatrix.map((row) => row.map((w) => w / sq));
  const newExt = pscExt / sq;
  const newDc: number[] = [];
  for (let i = 0; i < n; i++) {
    // input_rec = sum_j mean_PSC_matrix[i][j] * (full_num_synapses[i][j] / full_num_neurons[i]) * full_mean_rates[j]
    let inputRec = 0;
    for (let j = 0; j < n; j++) inputRec += pscMatrix[i][j] * (fullNumSynapses[i][j] / fullNumNeurons[i]) * fullMeanRates[j];
    let dc = dcAmp[i] + 0.001 * tauSyn * (1.0 - sq) * inputRec;
    if (bgInputType === 'poisson') dc += 0.001 * tauSyn * (1.0 - sq) * (pscExt * kExt[i] * bgRate);
    newDc.push(dc);
  }
  return { pscMatrix: newMatrix, pscExt: newExt, dcAmp: newDc };
}

/** helpers.py: compute_rheo_base_current, pA */
export function rheobaseCurrent(V_th: number, E_L: number, C_m: number, tau_m: number): number {
  return (C_m * (V_th - E_L)) / tau_m;
}

// ---------------------------------------------------------------------------------------------
// Derived parameters of one scaled network (network.py: Network.__derive_parameters)
// ---------------------------------------------------------------------------------------------

export interface MicrocircuitOptions {
  /** scaling of the neuron numbers (network_params.py: N_scaling), default 1 */
  scaleN?: number;
  /** scaling of the in-degrees (network_params.py: K_scaling), default 1; weights and DC compensate */
  scaleK?: number;
  /** background input (network_params.py 'poisson_input' / parameter_definitions.py bg_input_type), default 'dc' */
  background?: 'dc' | 'poisson';
  /** transient thalamic input (stimulus_params.py: thalamic_input), default false */
  thalamus?: boolean;
  /** default 55 (sim_params.py: rng_seed) */
  seed?: number;
  /** default run length, ms: t_presim + t_sim = 1500 (sim_params.py) */
  durationMs?: number;
  /** fraction of every population whose spikes are recorded (the first neurons), default 1 */
  recordFraction?: number;
}

export interface MicrocircuitDerived {
  scaleN: number;
  scaleK: number;
  background: 'dc' | 'poisson';
  /** network.py: num_neurons = np.round(full_num_neurons * N_scaling) */
  numNeurons: number[];
  /** helpers.py num_synapses_from_conn_probs at full scale (not rounded), [target][source] */
  fullNumSynapses: number[][];
  /** network.py: num_synapses = np.round(full_num_synapses * N_scaling * K_scaling), [target][source] */
  numSynapses: number[][];
  /** network.py: ext_indegrees = np.round(K_ext * K_scaling) */
  extIndegrees: number[];
  /** pA per mV (helpers.py postsynaptic_potential_to_current) */
  pscOverPsp: number;
  /** mean PSC amplitudes after K scaling, pA, [target][source] (network.py: weight_matrix_mean) */
  weightMatrixMean: number[][];
  /** external weight after K scaling, pA (network.py: weight_ext) */
  weightExt: number;
  /** DC per population, pA (network.py: DC_amp) */
  dcAmp: number[];
  /** mean delays, ms, [target][source] (network_params.py: delay_matrix_mean) */
  delayMatrixMean: number[][];
  /** thalamus: synapses per target population and mean weight (pA), network.py */
  numThSynapses: number[];
  weightTh: number;
  /** populations below rheobase with their DC alone (network.py warns about these) */
  subThreshold: string[];
}

function checkScale(name: string, x: number): void {
  if (!Number.isFinite(x) || x <= 0 || x > 1) throw new RangeError(`microcircuit: ${name} must be in (0, 1], got ${x}`);
}

/** Everything the reference derives before creating nodes (network.py __derive_parameters). */
export function microcircuitDerived(opts: MicrocircuitOptions = {}): MicrocircuitDerived {
  const scaleN = opts.scaleN ?? 1;
  const scaleK = opts.scaleK ?? 1;
  const background = opts.background ?? 'dc';
  checkScale('scaleN', scaleN);
  checkScale('scaleK', scaleK);
  if (background !== 'dc' && background !== 'poisson') throw new RangeError(`microcircuit: background must be 'dc' or 'poisson', got ${background}`);
  const n = POPULATIONS.length;
  const { C_m, tau_m, tau_syn, V_th, E_L } = NEURON_PARAMS;

  const fullNumSynapses = CONN_PROBS.map((row, i) => row.map((c, j) => numSynapsesFromConnProb(c, FULL_NUM_NEURONS[i], FULL_NUM_NEURONS[j])));
  const numNeurons = FULL_NUM_NEURONS.map((x) => roundHalfEven(x * scaleN));
  const numSynapses = fullNumSynapses.map((row) => row.map((k) => roundHalfEven(k * scaleN * scaleK)));
  const extIndegrees = K_EXT.map((k) => roundHalfEven(k * scaleK));

  // network_params.py: PSP_matrix_mean = get_exc_inh_matrix(PSP_exc_mean, PSP_exc_mean * g); [0, 2] doubled
  const pspMatrix = POPULATIONS.map((_, i) => POPULATIONS.map((__, j) => (j % 2 === 0 ? PSP_EXC_MEAN : PSP_EXC_MEAN * G)));
  pspMatrix[0][2] = 2.0 * PSP_EXC_MEAN;
  const delayMatrixMean = POPULATIONS.map(() => POPULATIONS.map((__, j) => (j % 2 === 0 ? DELAY_EXC_MEAN : DELAY_INH_MEAN)));

  const pscOverPsp = postsynapticPotentialToCurrent(C_m, tau_m, tau_syn);
  let weightMatrixMean = pspMatrix.map((row) => row.map((p) => p * pscOverPsp));
  let weightExt = PSP_EXC_MEAN * pscOverPsp;
  let dcAmp = background === 'poisson' ? new Array(n).fill(0) : K_EXT.map((k) => dcInputCompensatingPoisson(BG_RATE, k, tau_syn, weightExt));
  const subThreshold: string[] = [];
  if (scaleK !== 1) {
    const adj = adjustWeightsAndInputToSynapseScaling(
      FULL_NUM_NEURONS, fullNumSynapses, scaleK, weightMatrixMean, weightExt, tau_syn, FULL_MEAN_RATES, dcAmp, background, BG_RATE, K_EXT,
    );
    weightMatrixMean = adj.pscMatrix;
    weightExt = adj.pscExt;
    dcAmp = adj.dcAmp;
    if (background === 'dc') {
      const iRh = rheobaseCurrent(V_th, E_L, C_m, tau_m);
      POPULATIONS.forEach((p, i) => {
        if (dcAmp[i] < iRh) subThreshold.push(p);
      });
    }
  }

  // thalamus (network.py): counts from the full-scale target sizes, scaled by K_scaling only
  let numThSynapses = THALAMUS.connProbs.map((c, i) => numSynapsesFromConnProb(c, THALAMUS.neurons, FULL_NUM_NEURONS[i]));
  let weightTh = THALAMUS.psp * pscOverPsp;
  if (scaleK !== 1) {
    numThSynapses = numThSynapses.map((k) => k * scaleK);
    weightTh /= Math.sqrt(scaleK);
  }
  numThSynapses = numThSynapses.map(roundHalfEven);

  return {
    scaleN, scaleK, background, numNeurons, fullNumSynapses, numSynapses, extIndegrees, pscOverPsp, weightMatrixMean, weightExt, dcAmp,
    delayMatrixMean, numThSynapses, weightTh, subThreshold,
  };
}

// ---------------------------------------------------------------------------------------------
// The model spec
// ---------------------------------------------------------------------------------------------

/** pA → nA, rounded to 12 significant digits so that the JSON stays readable (relative error 1e-12). */
const nA = (pA: number): number => Number((pA / 1000).toPrecision(12));

/** A normal weight with the reference's redraw bounds: at least 0 (excitatory) or at most 0 (inhibitory). */
function weightSpec(meanPA: number): ProjectionSpec['weight'] {
  const mean = nA(meanPA);
  const std = nA(Math.abs(meanPA * WEIGHT_REL_STD));
  return mean < 0
    ? { dist: 'normal', mean, std, max: 0, bound: 'redraw' }
    : { dist: 'normal', mean, std, min: 0, bound: 'redraw' };
}

/**
 * A normal delay redrawn below resolution / 2 (network.py: min = nest.resolution - 0.5 *
 * nest.resolution), then rounded to the grid by our rule round(d / dt), at least 1 step — NEST's
 * rule too (Time::delay_ms_to_steps = ld_round(ms * steps_per_ms)).
 */
function delaySpec(mean: number, relStd: number, dt: number): ProjectionSpec['delay'] {
  return { dist: 'normal', mean, std: mean * relStd, min: dt - 0.5 * dt, bound: 'redraw' };
}


/**
 * The microcircuit as a ModelSpec. Full scale by default (77,169 neurons, 298,880,968 synapses);
 * `scaleN` / `scaleK` give the reference's down-scaled versions.
 */
export function microcircuit(opts: MicrocircuitOptions = {}): ModelSpec {
  const d = microcircuitDerived(opts);
  const seed = opts.seed ?? RNG_SEED;
  const duration = opts.durationMs ?? T_PRESIM + T_SIM;
  const recordFraction = opts.recordFraction ?? 1;
  if (!Number.isFinite(recordFraction) || recordFraction < 0 || recordFraction > 1)
    throw new RangeError(`microcircuit: recordFraction must be in [0, 1], got ${recordFraction}`);
  const dt = SIM_RESOLUTION;
  const P = NEURON_PARAMS;

  const populations: PopulationSpec[] = POPULATIONS.map((name, i) => ({
    name,
    size: d.numNeurons[i],
    model: 'lif',
    type: i % 2 === 0 ? 'excitatory' : 'inhibitory',
    synapse: 'exp',
    params: {
      tau_m: P.tau_m,
      cm: P.C_m / 1000,
      v_rest: P.E_L,
      v_thresh: P.V_th,
      v_reset: P.V_reset,
      tau_refrac: P.t_ref,
      tau_syn_e: P.tau_syn,
      tau_syn_i: P.tau_syn,
      // network.py: I_e = DC_amp[i]
      i_offset: nA(d.dcAmp[i]),
    },
    initial: { v: { dist: 'normal', mean: V0_MEAN_OPTIMIZED[i], std: V0_STD_OPTIMIZED[i] } },
  }));

  // network.py __connect_neuronal_populations: for each target i, each source j, fixed_total_number
  const projections: ProjectionSpec[] = [];
  POPULATIONS.forEach((tgt, i) => {
    POPULATIONS.forEach((src, j) => {
      const n = d.numSynapses[i][j];
      if (n <= 0) return; // the reference calls Connect with N = 0, which creates nothing
      projections.push({
        name: `${src}->${tgt}`,
        source: src,
        target: tgt,
        connect: { rule: 'fixed_total_number', n, allow_autapses: true, allow_multapses: true },
        weight: weightSpec(d.weightMatrixMean[i][j]),
        delay: delaySpec(d.delayMatrixMean[i][j], DELAY_REL_STD, dt),
      });
    });
  });

  const inputs: InputSpec[] = [];
  if (d.background === 'poisson') {
    // network.py __create_poisson_bg_input: rate = bg_rate * ext_indegrees, weight = weight_ext
    POPULATIONS.forEach((tgt, i) => {
      inputs.push({ type: 'poisson', target: tgt, rate: BG_RATE * d.extIndegrees[i], weight: nA(d.weightExt) });
    });
  }

  if (opts.thalamus) {
    // stimulus_params.py th_start, th_duration, th_rate: a Poisson population firing in [700, 710) ms
    populations.push({
      name: 'TC', size: THALAMUS.neurons, model: 'poisson', type: 'excitatory',
      params: { rate: THALAMUS.rate, start: THALAMUS.start, stop: THALAMUS.start + THALAMUS.duration },
    });
    POPULATIONS.forEach((tgt, i) => {
      const n = d.numThSynapses[i];
      if (n <= 0) return;
      projections.push({
        name: `TC->${tgt}`,
        source: 'TC',
        target: tgt,
        connect: { rule: 'fixed_total_number', n, allow_autapses: true, allow_multapses: true },
        // network.py __connect_thalamic_stim_input: std = weight_th * weight_rel_std, redrawn at >= 0
        weight: weightSpec(d.weightTh),
        delay: delaySpec(THALAMUS.delayMean, THALAMUS.delayRelStd, dt),
      });
    });
  }

  const monitors: MonitorSpec[] = [];
  if (recordFraction > 0)
    POPULATIONS.forEach((name, i) => {
      const size = d.numNeurons[i];
      const k = Math.round(size * recordFraction);
      if (k >= size) monitors.push({ type: 'spikes', population: name });
      else if (k > 0) monitors.push({ type: 'spikes', population: name, neurons: Array.from({ length: k }, (_, x) => x) });
    });

  const total = d.numSynapses.flat().reduce((a, b) => a + b, 0);
  return {
    name: 'microcircuit',
    description:
      `Potjans & Diesmann (2014) cortical microcircuit (reference: INM-6/microcircuit-PD14-model, PyNEST); ` +
      `N_scaling ${d.scaleN}, K_scaling ${d.scaleK}, ${d.background} background${opts.thalamus ? ', thalamic input 700-710 ms' : ''}; ` +
      `${d.numNeurons.reduce((a, b) => a + b, 0)} neurons, ${total} recurrent synapses. See docs/microcircuit.md.`,
    dt,
    duration,
    seed,
    populations,
    projections,
    inputs,
    monitors,
  };
}
