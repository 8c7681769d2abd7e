/**
 * A thalamocortical network generator after Izhikevich & Edelman (2008), "Large-scale model of
 * mammalian thalamocortical systems", PNAS 105:3593–3598: a sheet of cortical columns, each with the
 * layered excitatory and inhibitory populations of the Potjans–Diesmann microcircuit (relative sizes
 * and connection structure from src/models/microcircuit.ts), Izhikevich (2003) neuron classes, and a
 * topographic thalamus of relay (TC) and reticular (RE) cells. Connections are drawn around each
 * target's own column (`spatial_indegree`), with delays from distance and a conduction velocity
 * (`delay: { distance: { offset, velocity } }`), so activity can travel across the sheet.
 *
 * `thalamocorticalModel(opts)` returns an ordinary ModelSpec (a JSON model file). Every number below
 * is explained in docs/thalamocortical.md (source or rationale, and which parts are simplifications).
 *
 * Units: ms, mV, µm (sheet), m/s (= mm/ms, velocities); currents and weights in the Izhikevich
 * model's own unit (the I of v' = 0.04 v² + 5 v + 140 − u + I), as in docs/model-format.md.
 */
import type { AnyPopulationSpec, ModelSpec, PopulationSpec, ProjectionSpec, InputSpec, MonitorSpec, ValueSpec } from '../core/types.ts';
import { CONN_PROBS, FULL_NUM_NEURONS, POPULATIONS as PD_POPULATIONS } from './microcircuit.ts';

// ---------------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------------

/**
 * Cortical populations: the microcircuit's, each inhibitory one split into its two classes, fast
 * spiking (FS: basket cells) and low-threshold spiking (LTS: e.g. Martinotti cells), LTS_FRACTION of
 * it LTS, so that a projection can treat them apart (their synapses depress and facilitate); then
 * the two thalamic ones.
 */
export const CORTICAL = ['L23E', 'L23FS', 'L23LTS', 'L4E', 'L4FS', 'L4LTS', 'L5E', 'L5FS', 'L5LTS', 'L6E', 'L6FS', 'L6LTS'] as const;
/** Share of the LTS class among a layer's inhibitory neurons (Izhikevich & Edelman 2008 mix FS and LTS; 30 % as before the split). */
export const LTS_FRACTION = 0.3;
type CorticalPopulation = (typeof CORTICAL)[number];
/** the microcircuit population a cortical one comes from (L23FS, L23LTS → L23I) */
export function microcircuitPopulation(p: CorticalPopulation): (typeof PD_POPULATIONS)[number] {
  return (p.endsWith('E') ? p : p.replace(/(FS|LTS)$/, 'I')) as (typeof PD_POPULATIONS)[number];
}
/** a cortical population's share of its microcircuit population: 1 (E), 1 − LTS_FRACTION (FS), LTS_FRACTION (LTS) */
function classShare(p: CorticalPopulation): number {
  return p.endsWith('LTS') ? LTS_FRACTION : p.endsWith('FS') ? 1 - LTS_FRACTION : 1;
}
const pdIndex = (p: CorticalPopulation) => (PD_POPULATIONS as readonly string[]).indexOf(microcircuitPopulation(p));
export const THALAMIC = ['TC', 'RE'] as const;
export const TC_POPULATIONS = [...CORTICAL, ...THALAMIC] as const;
export type TcPopulation = (typeof TC_POPULATIONS)[number];

/**
 * Share of the thalamus in every column: relay (TC) 2 %, reticular (RE) 1 % of the column's
 * neurons; the cortex has the rest, split as the microcircuit's full_num_neurons.
 */
export const THALAMIC_FRACTION = { TC: 0.02, RE: 0.01 } as const;

/** µm between column centres (the sheet's `spacing`). */
export const DEFAULT_SPACING = 100;
/**
 * Preferred neurons per column when `columns` is not given: ~800, the microcircuit's density
 * (77,169 neurons under 1 mm²) times the 0.01 mm² of a 100 µm × 100 µm patch.
 */
export const TARGET_PER_COLUMN = 800;
/** Fewest neurons a column may hold: every population needs at least one neuron in every column. */
export const MIN_PER_COLUMN = 100;

/** Mean number of synapses per neuron (recurrent, thalamic and corticothalamic), the seed's 500. */
export const SYNAPSES_PER_NEURON = 500;

/** Time step, ms (forward Euler of the Izhikevich equations). */
export const DT = 0.25;

/** Synaptic current time constants, ms: AMPA 5 ms, GABA_A 6 ms (Izhikevich & Edelman 2008). */
export const TAU_SYN_E = 5;
export const TAU_SYN_I = 6;

/**
 * Conduction: intracortical axons (unmyelinated) 0.2 m/s; thalamocortical and corticothalamic axons
 * (myelinated) faster; offsets (ms) stand for the synaptic delay and the vertical path between layers
 * or between thalamus and cortex, which the flat sheet does not represent.
 */
export const CONDUCTION = {
  cortexVelocity: 0.2,
  cortexOffsetE: 1.0,
  cortexOffsetI: 0.5,
  thalamocorticalVelocity: 2,
  thalamocorticalOffset: 2.0,
  corticothalamicVelocity: 1,
  corticothalamicOffset: 4.0,
  thalamicVelocity: 0.5,
  thalamicOffset: 1.0,
} as const;

/** Lateral spread (σ of the Gaussian offset per axis, µm) per kind of projection. */
export const SIGMA = {
  /** local excitatory (all intra- and interlaminar E → X): within a column or two */
  localE: 100,
  /** local inhibitory (basket and LTS axons are narrower) */
  localI: 75,
  /** long-range horizontal excitatory connections in L2/3 and L5 */
  horizontal: 400,
  /** thalamocortical, corticothalamic and intrathalamic: topographic */
  thalamic: 100,
  /** reticular → relay inhibition spreads wider than the relay's own column */
  reticular: 150,
} as const;

/** Share of the L2/3 E → L2/3 E and L5 E → L5 E synapses that are long-range horizontal ones. */
export const HORIZONTAL_FRACTION = 0.3;

/**
 * Thalamic in-degrees (before the common scaling of the cortical ones they are absolute):
 * TC → L4E 30, L4 FS and LTS 25, L6E 12, L6 FS and LTS 6 (≈ 6–9 % of a L4 cell's synapses, as anatomy finds),
 * L6E → TC 80 and → RE 100 (corticothalamic synapses outnumber the retinal ones at relay cells),
 * RE → TC 40, TC → RE 40, RE → RE 20.
 */
export const THALAMIC_INDEGREE = {
  'TC->L4E': 30,
  'TC->L4FS': 25,
  'TC->L4LTS': 25,
  'TC->L6E': 12,
  'TC->L6FS': 6,
  'TC->L6LTS': 6,
  'L6E->TC': 80,
  'L6E->RE': 100,
  'RE->TC': 40,
  'TC->RE': 40,
  'RE->RE': 20,
} as const;

// ---------------------------------------------------------------------------------------------
// Dynamics (tuned on 10k-neuron runs, see docs/thalamocortical.md)
// ---------------------------------------------------------------------------------------------

/** Weights (current units): an excitatory cortical synapse, and the factor of inhibitory ones. */
export const WEIGHTS = {
  /** cortical excitatory → any cortical target */
  exc: 0.25,
  /** cortical inhibitory = g × exc (inhibition-dominated, as Brunel 2000 and Potjans & Diesmann 2014) */
  g: -8,
  /** TC → cortex (thalamocortical synapses: twice a cortical excitatory one) */
  thalamocortical: 0.5,
  /** L6E → TC, L6E → RE (corticothalamic: many weak synapses) */
  corticothalamic: 0.3,
  /** TC → RE */
  tcToRe: 0.5,
  /** RE → TC, RE → RE */
  reToTc: -1.0,
  reToRe: -1.0,
} as const;

/**
 * Background drive: a Poisson train per neuron (rate Hz, weight in current units) per population —
 * sparse strong events (each an EPSP of several mV) standing for the inputs from outside the model
 * and for spontaneous release (the 'minis' that drive Izhikevich & Edelman's model).
 */
export const BACKGROUND: Record<TcPopulation, { rate: number; weight: number }> = {
  ...cortical({ rate: 50, weight: 10 }),
  TC: { rate: 100, weight: 2.5 },
  RE: { rate: 100, weight: 3 },
};

/** the same value for every cortical population */
function cortical<T>(v: T): Record<CorticalPopulation, T> {
  return Object.fromEntries(CORTICAL.map((p) => [p, v])) as Record<CorticalPopulation, T>;
}

// ---------------------------------------------------------------------------------------------
// The paper's neurons and synapses (synapses: 'conductance', the default)
// ---------------------------------------------------------------------------------------------

/**
 * Izhikevich's simple model (Izhikevich 2007, "Dynamical Systems in Neuroscience", ch. 8, the form
 * Izhikevich & Edelman 2008 use): C v' = k (v − vr)(v − vt) − u + I, u' = a (U(v) − u), spike at
 * v ≥ vpeak + pu·u, then v ← c + ru·u, u ← min(u + d, umax). U(v) = b (v − vr) for most classes; the
 * book's FS cell has U = 0.025 (v − vb)³ above vb = −55 mV and 0 below, and its TC and RTN cells a
 * b that changes at vb = −65 mV (blo below, bhi above: the T-current's rebound bursts). I is I_syn,
 * the receptors' current (pA here: the book's units).
 */
export const IZH2007_EQUATIONS = [
  'dv/dt = (k*(v - vr)*(v - vt) - u + I_syn)/C : volt',
  'du/dt = a*(U_v - u) : amp',
  'U_v = (v < vb)*blo*(v - vr) + (v >= vb)*(bhi*(v - vr) + p3*(v - vb)**3) : amp',
].join('\n');
export const IZH2007_THRESHOLD = 'v >= vpeak + pu*u';
export const IZH2007_RESET = 'v = c + ru*u\nu = u + d - (u + d > umax)*(u + d - umax)';

type Izh2007 = Record<'C' | 'k' | 'vr' | 'vt' | 'vpeak' | 'a' | 'blo' | 'bhi' | 'vb' | 'p3' | 'c' | 'd' | 'pu' | 'ru' | 'umax', number>;

/**
 * The seven classes of Izhikevich (2007, ch. 8; figure of each): C pF, k nS/mV, mV, a 1/ms, b nS,
 * d pA (the values as NetPyNE's izhi2007 cells also list them). RS: layer 5 regular spiking
 * pyramidal cell (fig. 8.12); IB: intrinsically bursting (fig. 8.19); CH: chattering (fig. 8.23);
 * LTS: low-threshold spiking interneuron (fig. 8.25: its spike peak and reset depend on u, and u is
 * capped at 670 pA); FS: fast spiking interneuron (fig. 8.27); TC: thalamocortical relay cell
 * (fig. 8.31); RTN: reticular thalamic nucleus cell (fig. 8.32).
 */
export const CELL_CLASSES: Record<'RS' | 'IB' | 'CH' | 'LTS' | 'FS' | 'TC' | 'RTN', Izh2007> = {
  RS: { C: 100, k: 0.7, vr: -60, vt: -40, vpeak: 35, a: 0.03, blo: -2, bhi: -2, vb: 0, p3: 0, c: -50, d: 100, pu: 0, ru: 0, umax: 1e6 },
  IB: { C: 150, k: 1.2, vr: -75, vt: -45, vpeak: 50, a: 0.01, blo: 5, bhi: 5, vb: 0, p3: 0, c: -56, d: 130, pu: 0, ru: 0, umax: 1e6 },
  CH: { C: 50, k: 1.5, vr: -60, vt: -40, vpeak: 25, a: 0.03, blo: 1, bhi: 1, vb: 0, p3: 0, c: -40, d: 150, pu: 0, ru: 0, umax: 1e6 },
  LTS: { C: 100, k: 1, vr: -56, vt: -42, vpeak: 40, a: 0.03, blo: 8, bhi: 8, vb: 0, p3: 0, c: -53, d: 20, pu: -0.1, ru: 0.04, umax: 670 },
  FS: { C: 20, k: 1, vr: -55, vt: -40, vpeak: 25, a: 0.2, blo: 0, bhi: 0, vb: -55, p3: 0.025, c: -45, d: 0, pu: 0, ru: 0, umax: 1e6 },
  TC: { C: 200, k: 1.6, vr: -60, vt: -50, vpeak: 35, a: 0.01, blo: 15, bhi: 0, vb: -65, p3: 0, c: -60, d: 10, pu: 0.1, ru: -0.1, umax: 1e6 },
  RTN: { C: 40, k: 0.25, vr: -65, vt: -45, vpeak: 0, a: 0.015, blo: 10, bhi: 2, vb: -65, p3: 0, c: -55, d: 50, pu: 0, ru: 0, umax: 1e6 },
};

/** the book's unit of each parameter (strings for the model's defaults) */
const IZH2007_UNITS: Record<keyof Izh2007, string> = {
  C: 'pF', k: 'nS/mV', vr: 'mV', vt: 'mV', vpeak: 'mV', a: '/ms', blo: 'nS', bhi: 'nS', vb: 'mV', p3: 'pA/mV**3', c: 'mV', d: 'pA', pu: 'mV/pA', ru: 'mV/pA', umax: 'pA',
};
/** book unit → axonal's number for the parameter's dimension (nF, µS/mV, Hz, µS, nA, nA/mV³, mV/nA) */
const IZH2007_TO_AXONAL: Record<keyof Izh2007, number> = {
  C: 1e-3, k: 1e-3, vr: 1, vt: 1, vpeak: 1, a: 1000, blo: 1e-3, bhi: 1e-3, vb: 1, p3: 1e-3, c: 1, d: 1e-3, pu: 1000, ru: 1000, umax: 1e-3,
};

/**
 * Receptors of every neuron (Izhikevich & Edelman 2008: first-order kinetics, τ 5, 150, 6 and 150 ms,
 * reversal potentials 0, 0, −70 and −90 mV; NMDA with the paper's own voltage dependence,
 * ((v + 80)/60)² / (1 + ((v + 80)/60)²)).
 */
export const RECEPTORS = { AMPA: {}, NMDA: { mg_block: 'izhikevich2008' }, GABA_A: {}, GABA_B: {} } as const;

/**
 * Peak conductances (µS) of one synapse, the mean of its drawn weight (normal, CV WEIGHT_CV, at
 * least 0): an excitatory synapse opens AMPA and NMDA (NMDA_RATIO of AMPA's conductance), an
 * inhibitory one GABA_A and GABA_B (GABAB_RATIO). Tuned on the 10k network (docs/thalamocortical.md).
 */
export const CONDUCTANCES = {
  /**
   * cortical excitatory → cortical excitatory: twice `exc`, so that the cortex's recurrent
   * excitation sustains up states that the background ignites and that spread over the sheet
   * (tuned on the 10k and 100k networks, docs/thalamocortical.md "Slow waves")
   */
  excToExc: 0.002,
  /** cortical excitatory → any other target (cortical interneurons, TC, RE) */
  exc: 0.001,
  /** cortical inhibitory → cortical */
  inh: 0.001,
  /** TC → cortex: thalamocortical synapses are strong and reliable (Gil et al. 1999) */
  thalamocortical: 0.005,
  /** TC → RE */
  tcToRe: 0.006,
  /** RE → TC */
  reToTc: 0.003,
  /** RE → RE */
  reToRe: 0.001,
} as const;
export const NMDA_RATIO = 0.1;
export const GABAB_RATIO = 0.01;
/** coefficient of variation of the weights drawn around their mean */
export const WEIGHT_CV = 0.3;
/**
 * Short-term plasticity (Tsodyks–Markram) of the excitatory synapses, by target class: onto
 * excitatory, FS and thalamic cells depressing, U 0.5, τ_rec 800 ms (the depressing neocortical
 * pyramid-to-pyramid synapse of Markram & Tsodyks 1996 and Tsodyks & Markram 1997, NEST's
 * tsodyks2_synapse defaults); onto LTS cells facilitating (SHORT_TERM_FACILITATING). Inhibitory
 * synapses are static.
 */
export const SHORT_TERM = { rule: 'tsodyks_markram', U: 0.5, tau_rec: 800 } as const;
/**
 * Pyramid → LTS (bitufted, Martinotti) synapses facilitate (Markram, Wang & Tsodyks 1998; Reyes et
 * al. 1998): U 0.05, τ_rec 125 ms, τ_fac 1200 ms, the excitatory-to-inhibitory values that Maass,
 * Natschläger & Markram (2002) took from those measurements.
 */
export const SHORT_TERM_FACILITATING = { rule: 'tsodyks_markram', U: 0.05, tau_rec: 125, tau_fac: 1200 } as const;
/**
 * Background (the minis and outside input of the paper): Poisson AMPA events, rate Hz and peak
 * conductance µS; 20/s onto cortical cells (50/s before the slow waves: an asynchronous cortex
 * without up states), 50/s onto thalamic ones.
 */
export const CONDUCTANCE_BACKGROUND: Record<TcPopulation, { rate: number; weight: number }> = {
  ...cortical({ rate: 20, weight: 0.006 }),
  TC: { rate: 50, weight: 0.006 }, RE: { rate: 50, weight: 0.002 },
};
/**
 * Offset (ms) of the intrathalamic delays (TC → RE, RE → TC, RE → RE) in the conductance variant,
 * instead of CONDUCTION.thalamicOffset: tuned, it sets the period of the TC–RE loop (15.6 Hz with
 * 1 ms, 13.7 Hz with 3 ms, 11.7 Hz with 5 ms on the 10k network with FS and LTS cells in one
 * population; once they were split and the LTS cells' input made facilitating, 5 ms gave a peak
 * spread over 11.7–13.7 Hz and 6 ms put it at 11.7 Hz again, seeds 1–3).
 */
export const INTRATHALAMIC_OFFSET = 6;

/** a population's parameters: class `a`, or class `b` where the Bernoulli variable `flag` is 1 */
function classParams(a: keyof typeof CELL_CLASSES, b?: keyof typeof CELL_CLASSES, flag?: string): Record<string, number | { expr: string }> {
  const out: Record<string, number | { expr: string }> = {};
  for (const key of Object.keys(IZH2007_TO_AXONAL) as (keyof Izh2007)[]) {
    const f = IZH2007_TO_AXONAL[key];
    const x = CELL_CLASSES[a][key] * f;
    const y = b ? CELL_CLASSES[b][key] * f : x;
    out[key] = x === y ? x : { expr: `${x} + (${y - x})*${flag}` };
  }
  return out;
}

/** Classes per population (as the current variant's Izhikevich 2003 mix, with the book's cells). */
function conductanceNeuron(p: TcPopulation): { parameters: Record<string, number | { expr: string }>; random?: Record<string, ValueSpec>; vr: number } {
  switch (p) {
    case 'L23E':
      return { parameters: classParams('RS', 'CH', 'ch'), random: { ch: { dist: 'bernoulli', p: 0.2 } }, vr: CELL_CLASSES.RS.vr };
    case 'L5E':
      return { parameters: classParams('RS', 'IB', 'ib'), random: { ib: { dist: 'bernoulli', p: 0.3 } }, vr: CELL_CLASSES.RS.vr };
    case 'L4E':
    case 'L6E':
      return { parameters: classParams('RS'), vr: CELL_CLASSES.RS.vr };
    case 'TC':
      return { parameters: classParams('TC'), vr: CELL_CLASSES.TC.vr };
    case 'RE':
      return { parameters: classParams('RTN'), vr: CELL_CLASSES.RTN.vr };
    default:
      return p.endsWith('LTS') ? { parameters: classParams('LTS'), vr: CELL_CLASSES.LTS.vr } : { parameters: classParams('FS'), vr: CELL_CLASSES.FS.vr };
  }
}

// ---------------------------------------------------------------------------------------------
// Options and derived structure
// ---------------------------------------------------------------------------------------------

export interface ThalamocorticalOptions {
  /** total number of neurons (cortex and thalamus), rounded down to a multiple of the column count; default 10,000 */
  neurons?: number;
  /** number of columns, laid out on a near-square grid; default: a square number giving ~800 neurons per column (see chooseColumns) */
  columns?: number;
  /** µm between column centres, default 100 */
  spacing?: number;
  /** default 1 */
  seed?: number;
  /** default run length, ms; default 1000 */
  durationMs?: number;
  /** intracortical conduction velocity, m/s (= mm/ms); default 0.2 */
  velocity?: number;
  /** fraction of every population whose spikes are recorded (spread evenly over the population and so over its columns), default 1; 0 for none */
  recordFraction?: number;
  /**
   * 'conductance' (default): the paper's neurons (Izhikevich 2007 simple model, seven classes),
   * AMPA, NMDA, GABA_A and GABA_B conductances, short-term depression, drawn weights;
   * 'current': Izhikevich (2003) neurons with current-based exponential synapses and one weight
   * per projection (4 bytes per synapse, the network of the first version)
   */
  synapses?: 'conductance' | 'current';
  /**
   * STDP on the cortical excitatory-to-excitatory synapses (stdpRule), off by default; only with
   * synapses 'current' (the conductance variant's excitatory synapses have short-term plasticity,
   * which a projection cannot combine with STDP)
   */
  stdp?: boolean;
}

/**
 * STDP of ThalamocorticalOptions.stdp on the cortical E → E synapses (current variant): Izhikevich's
 * (2006) rule, which Izhikevich & Edelman (2008) apply to their cortical excitatory synapses, pre
 * spikes counted at their arrival so that the conduction delays shape it; the parameters of
 * spnet.cpp (w_max 10, a_plus 0.1, a_minus 0.12, bias 0.01 per second, sd decay 0.9, for an initial
 * weight of 6) scaled to this network's excitatory weight WEIGHTS.exc.
 */
export function stdpRule(w: number = WEIGHTS.exc) {
  const f = w / 6;
  return { rule: 'izhikevich2006', tau_plus: 20, tau_minus: 20, a_plus: 0.1 * f, a_minus: 0.12 * f, w_min: 0, w_max: 10 * f, apply_every_ms: 1000, bias: 0.01 * f, decay: 0.9 } as const;
}

/** ThalamocorticalOptions.synapses when not given */
export const DEFAULT_SYNAPSES = 'conductance';

export interface ThalamocorticalStructure {
  neurons: number;
  columns: number;
  columnsX: number;
  columnsY: number;
  spacing: number;
  /** neurons per column, and per population per column */
  perColumn: number;
  perColumnByPopulation: Record<TcPopulation, number>;
  /** population sizes (perColumnByPopulation × columns) */
  sizes: Record<TcPopulation, number>;
  /** the scaling of the microcircuit's in-degrees that gives SYNAPSES_PER_NEURON per neuron */
  kappa: number;
}

function fail(msg: string): never {
  throw new RangeError(`thalamocortical: ${msg}`);
}

/** Near-square grid for c columns: columns_x = the largest divisor of c not above √c. */
export function columnGrid(c: number): { x: number; y: number } {
  let x = Math.floor(Math.sqrt(c));
  while (c % x !== 0) x--;
  return { x: c / x, y: x };
}

/**
 * Default column count for n neurons: a square k² that divides n, with at least MIN_PER_COLUMN
 * neurons per column and n / k² closest (in ratio) to TARGET_PER_COLUMN (ties: more columns);
 * when no square divides n, k = round(√(n / TARGET_PER_COLUMN)) (n is then rounded down).
 * 10,000 → 16 (625 per column), 100,000 → 100 (1000), 1,000,000 → 1600 (625).
 */
export function chooseColumns(n: number): number {
  let best = 0;
  let bestScore = Infinity;
  for (let k = 1; k * k * MIN_PER_COLUMN <= n; k++) {
    if (n % (k * k) !== 0) continue;
    const score = Math.abs(Math.log(n / (k * k) / TARGET_PER_COLUMN));
    if (score <= bestScore + 1e-12) {
      best = k * k;
      bestScore = score;
    }
  }
  if (best > 0) return best;
  const k = Math.max(1, Math.round(Math.sqrt(n / TARGET_PER_COLUMN)));
  return Math.max(1, Math.min(k * k, Math.floor(n / MIN_PER_COLUMN)));
}

/** Relative size of every population (sums to 1). */
export function populationFractions(): Record<TcPopulation, number> {
  const cortex = 1 - THALAMIC_FRACTION.TC - THALAMIC_FRACTION.RE;
  const total = FULL_NUM_NEURONS.reduce((a, b) => a + b, 0);
  const out = {} as Record<TcPopulation, number>;
  CORTICAL.forEach((p) => (out[p] = (cortex * FULL_NUM_NEURONS[pdIndex(p)] * classShare(p)) / total));
  out.TC = THALAMIC_FRACTION.TC;
  out.RE = THALAMIC_FRACTION.RE;
  return out;
}

/** Split m neurons of a column by the fractions (largest remainder, at least 1 each). */
function splitColumn(m: number): Record<TcPopulation, number> {
  const f = populationFractions();
  const names = TC_POPULATIONS;
  const raw = names.map((p) => f[p] * m);
  const n = raw.map((x) => Math.max(1, Math.floor(x)));
  let left = m - n.reduce((a, b) => a + b, 0);
  const order = names.map((_, i) => i).sort((a, b) => raw[b] - Math.floor(raw[b]) - (raw[a] - Math.floor(raw[a])) || a - b);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) n[order[k]]++;
  // (left < 0 only if the minimum of 1 was applied; take from the largest populations)
  while (left < 0) {
    let big = 0;
    n.forEach((v, i) => (v > n[big] ? (big = i) : 0));
    n[big]--;
    left++;
  }
  const out = {} as Record<TcPopulation, number>;
  names.forEach((p, i) => (out[p] = n[i]));
  return out;
}

/**
 * The microcircuit's in-degrees K_ij = C_ij · N_j (connection probability × full-scale source size,
 * the expected number of j-synapses of an i-neuron), [target][source].
 */
export function microcircuitIndegrees(): number[][] {
  return CONN_PROBS.map((row) => row.map((c, j) => c * FULL_NUM_NEURONS[j]));
}

/** Number of distinct synapses per neuron at κ = 1 (mean over the network) and the thalamic ones. */
function synapseBudget(sizes: Record<TcPopulation, number>) {
  const K = microcircuitIndegrees();
  let cortical = 0;
  CORTICAL.forEach((t) => CORTICAL.forEach((s) => (cortical += sizes[t] * K[pdIndex(t)][pdIndex(s)] * classShare(s))));
  let thal = 0;
  for (const [name, k] of Object.entries(THALAMIC_INDEGREE)) thal += sizes[name.split('->')[1] as TcPopulation] * k;
  return { cortical, thalamic: thal };
}

/** Sizes, grid and the in-degree scaling κ for the options (throws a RangeError on bad options). */
export function thalamocorticalStructure(opts: ThalamocorticalOptions = {}): ThalamocorticalStructure {
  const n = opts.neurons ?? 10_000;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) fail(`neurons must be a positive integer, got ${n}`);
  if (n < MIN_PER_COLUMN) fail(`neurons must be at least ${MIN_PER_COLUMN} (one column of every population), got ${n}`);
  const c = opts.columns ?? chooseColumns(n);
  if (typeof c !== 'number' || !Number.isInteger(c) || c <= 0) fail(`columns must be a positive integer, got ${c}`);
  const perColumn = Math.floor(n / c);
  if (perColumn < MIN_PER_COLUMN)
    fail(
      `${c} columns do not fit ${n} neurons: that leaves ${perColumn} neurons per column, and a column needs at least ` +
        `${MIN_PER_COLUMN} (every population in every column); use at most ${Math.floor(n / MIN_PER_COLUMN)} columns`,
    );
  const spacing = opts.spacing ?? DEFAULT_SPACING;
  if (!(Number.isFinite(spacing) && spacing > 0)) fail(`spacing must be a positive number of µm, got ${spacing}`);
  const grid = columnGrid(c);
  const perColumnByPopulation = splitColumn(perColumn);
  const sizes = {} as Record<TcPopulation, number>;
  for (const p of TC_POPULATIONS) sizes[p] = perColumnByPopulation[p] * c;
  const total = perColumn * c;
  const b = synapseBudget(sizes);
  const kappa = (SYNAPSES_PER_NEURON * total - b.thalamic) / b.cortical;
  return { neurons: total, columns: c, columnsX: grid.x, columnsY: grid.y, spacing, perColumn, perColumnByPopulation, sizes, kappa };
}

// ---------------------------------------------------------------------------------------------
// Neurons
// ---------------------------------------------------------------------------------------------

/** Izhikevich (2003) parameters per population; classes mixed by per-neuron Bernoulli variables. */
function neuronSpec(p: TcPopulation): Pick<AnyPopulationSpec, 'params' | 'random' | 'initial'> {
  const syn = { tau_syn_e: TAU_SYN_E, tau_syn_i: TAU_SYN_I };
  const initial: AnyPopulationSpec['initial'] = { v: { dist: 'uniform', low: -70, high: -60 } };
  switch (p) {
    case 'L23E': // regular spiking, 20 % chattering (Izhikevich 2003: RS c = -65, d = 8; CH c = -50, d = 2)
      return { random: { ch: { dist: 'bernoulli', p: 0.2 } }, params: { a: 0.02, b: 0.2, c: { expr: '-65 + 15*ch' }, d: { expr: '8 - 6*ch' }, ...syn }, initial };
    case 'L5E': // regular spiking, 30 % intrinsically bursting (IB c = -55, d = 4)
      return { random: { ib: { dist: 'bernoulli', p: 0.3 } }, params: { a: 0.02, b: 0.2, c: { expr: '-65 + 10*ib' }, d: { expr: '8 - 4*ib' }, ...syn }, initial };
    case 'L4E': // spiny stellate and pyramidal cells: regular spiking
    case 'L6E':
      return { params: { a: 0.02, b: 0.2, c: -65, d: 8, ...syn }, initial };
    case 'TC': // thalamocortical relay (Izhikevich 2003, Fig. 2: a = 0.02, b = 0.25, c = -65, d = 0.05)
      return { params: { a: 0.02, b: 0.25, c: -65, d: 0.05, ...syn }, initial };
    case 'RE': // reticular: low-threshold spiking (the 2003 class closest to RE's T-current bursts)
      return { params: { a: 0.02, b: 0.25, c: -65, d: 2, ...syn }, initial };
    default: // inhibitory: fast-spiking basket cells (a = 0.1, b = 0.2) or low-threshold spiking ones (a = 0.02, b = 0.25)
      return p.endsWith('LTS') ? { params: { a: 0.02, b: 0.25, c: -65, d: 2, ...syn }, initial } : { params: { a: 0.1, b: 0.2, c: -65, d: 2, ...syn }, initial };
  }
}

const isInhibitory = (p: TcPopulation) => p === 'RE' || p.endsWith('FS') || p.endsWith('LTS');

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

/** A projection of the generator before it becomes a ProjectionSpec. */
export interface TcProjection {
  name: string;
  source: TcPopulation;
  target: TcPopulation;
  indegree: number;
  sigma: number;
  weight: number;
  offset: number;
  velocity: number;
}

/** The generator's projections (names, in-degrees, σ, weights, delay parameters). */
export function thalamocorticalProjections(opts: ThalamocorticalOptions = {}, st = thalamocorticalStructure(opts)): TcProjection[] {
  const v = opts.velocity ?? CONDUCTION.cortexVelocity;
  if (!(Number.isFinite(v) && v > 0)) fail(`velocity must be a positive number of m/s, got ${v}`);
  const K = microcircuitIndegrees();
  const out: TcProjection[] = [];
  CORTICAL.forEach((tgt) => {
    CORTICAL.forEach((src) => {
      // an FS or LTS source: its class's share of the microcircuit's I in-degree
      const k = Math.round(K[pdIndex(tgt)][pdIndex(src)] * classShare(src) * st.kappa);
      if (k < 1) return;
      const inh = isInhibitory(src);
      const base = {
        source: src, target: tgt, weight: inh ? WEIGHTS.g * WEIGHTS.exc : WEIGHTS.exc, velocity: v,
        offset: inh ? CONDUCTION.cortexOffsetI : CONDUCTION.cortexOffsetE,
      };
      const horizontal = src === tgt && (src === 'L23E' || src === 'L5E');
      if (horizontal) {
        const kh = Math.round(k * HORIZONTAL_FRACTION);
        out.push({ ...base, name: `${src}->${tgt}`, indegree: k - kh, sigma: SIGMA.localE });
        out.push({ ...base, name: `${src}->${tgt}:horizontal`, indegree: kh, sigma: SIGMA.horizontal });
      } else {
        out.push({ ...base, name: `${src}->${tgt}`, indegree: k, sigma: inh ? SIGMA.localI : SIGMA.localE });
      }
    });
  });
  const C = CONDUCTION;
  const thal = (name: keyof typeof THALAMIC_INDEGREE, weight: number, sigma: number, offset: number, velocity: number) => {
    const [source, target] = name.split('->') as [TcPopulation, TcPopulation];
    out.push({ name, source, target, indegree: THALAMIC_INDEGREE[name], sigma, weight, offset, velocity });
  };
  thal('TC->L4E', WEIGHTS.thalamocortical, SIGMA.thalamic, C.thalamocorticalOffset, C.thalamocorticalVelocity);
  thal('TC->L4FS', WEIGHTS.thalamocortical, SIGMA.thalamic, C.thalamocorticalOffset, C.thalamocorticalVelocity);
  thal('TC->L4LTS', WEIGHTS.thalamocortical, SIGMA.thalamic, C.thalamocorticalOffset, C.thalamocorticalVelocity);
  thal('TC->L6E', WEIGHTS.thalamocortical, SIGMA.thalamic, C.thalamocorticalOffset, C.thalamocorticalVelocity);
  thal('TC->L6FS', WEIGHTS.thalamocortical, SIGMA.thalamic, C.thalamocorticalOffset, C.thalamocorticalVelocity);
  thal('TC->L6LTS', WEIGHTS.thalamocortical, SIGMA.thalamic, C.thalamocorticalOffset, C.thalamocorticalVelocity);
  thal('L6E->TC', WEIGHTS.corticothalamic, SIGMA.thalamic, C.corticothalamicOffset, C.corticothalamicVelocity);
  thal('L6E->RE', WEIGHTS.corticothalamic, SIGMA.thalamic, C.corticothalamicOffset, C.corticothalamicVelocity);
  const th = (opts.synapses ?? DEFAULT_SYNAPSES) === 'conductance' ? INTRATHALAMIC_OFFSET : C.thalamicOffset;
  thal('TC->RE', WEIGHTS.tcToRe, SIGMA.thalamic, th, C.thalamicVelocity);
  thal('RE->TC', WEIGHTS.reToTc, SIGMA.reticular, th, C.thalamicVelocity);
  thal('RE->RE', WEIGHTS.reToRe, SIGMA.thalamic, th, C.thalamicVelocity);
  return out;
}

/** The model of the conductance variant: the simple model with RS cells' parameters as defaults. */
function izh2007Model() {
  const parameters = Object.fromEntries(
    (Object.keys(IZH2007_UNITS) as (keyof Izh2007)[]).map((k) => [k, IZH2007_UNITS[k] === '/ms' ? `${CELL_CLASSES.RS[k]}/ms` : `${CELL_CLASSES.RS[k]}*${IZH2007_UNITS[k]}`]),
  );
  return { equations: IZH2007_EQUATIONS, threshold: IZH2007_THRESHOLD, reset: IZH2007_RESET, method: 'euler' as const, parameters };
}

/** Mean peak conductance (µS) of a synapse from source to target in the conductance variant. */
export function conductanceOf(source: TcPopulation, target: TcPopulation): number {
  if (source === 'TC') return target === 'RE' ? CONDUCTANCES.tcToRe : CONDUCTANCES.thalamocortical;
  if (source === 'RE') return target === 'TC' ? CONDUCTANCES.reToTc : CONDUCTANCES.reToRe;
  if (isInhibitory(source)) return CONDUCTANCES.inh;
  return isInhibitory(target) || target === 'TC' ? CONDUCTANCES.exc : CONDUCTANCES.excToExc;
}

/**
 * The thalamocortical network as a ModelSpec (see docs/thalamocortical.md). Throws a RangeError
 * naming the option when an option is out of range (neurons not a positive integer, columns that
 * leave fewer than MIN_PER_COLUMN neurons per column, ...).
 */
export function thalamocorticalModel(opts: ThalamocorticalOptions = {}): ModelSpec {
  const st = thalamocorticalStructure(opts);
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(`seed must be an integer in 0..4294967295, got ${seed}`);
  const duration = opts.durationMs ?? 1000;
  if (!(Number.isFinite(duration) && duration >= 0)) fail(`durationMs must be >= 0, got ${duration}`);
  const recordFraction = opts.recordFraction ?? 1;
  if (!(recordFraction >= 0 && recordFraction <= 1)) fail(`recordFraction must be in [0, 1], got ${recordFraction}`);
  const sheet = { columns_x: st.columnsX, columns_y: st.columnsY, spacing: st.spacing };

  const synapses = opts.synapses ?? DEFAULT_SYNAPSES;
  if (synapses !== 'conductance' && synapses !== 'current') fail(`synapses must be 'conductance' or 'current', got ${JSON.stringify(synapses)}`);
  const conductance = synapses === 'conductance';
  const stdp = opts.stdp ?? false;
  if (typeof stdp !== 'boolean') fail(`stdp must be true or false, got ${JSON.stringify(stdp)}`);
  if (stdp && conductance)
    fail("stdp needs synapses: 'current' (the conductance variant's excitatory synapses have short-term plasticity, which a projection cannot combine with STDP)");

  const populations: PopulationSpec[] = TC_POPULATIONS.map((p): PopulationSpec => {
    const type = isInhibitory(p) ? 'inhibitory' : 'excitatory';
    if (!conductance) return { name: p, size: st.sizes[p], model: 'izhikevich', type, synapse: 'exp', ...neuronSpec(p), sheet };
    const { vr, ...cell } = conductanceNeuron(p);
    return {
      name: p, size: st.sizes[p], model: 'izh2007', type, receptors: RECEPTORS, ...cell,
      initial: { v: { dist: 'uniform', low: vr - 5, high: vr + 5 }, u: 0 }, sheet,
    };
  });

  const projections = thalamocorticalProjections(opts, st).map((q): ProjectionSpec => {
    const base = {
      name: q.name,
      source: q.source,
      target: q.target,
      connect: { rule: 'spatial_indegree' as const, indegree: q.indegree, sigma: q.sigma },
      delay: { distance: { offset: q.offset, velocity: q.velocity } },
    };
    if (!conductance) {
      const plastic = stdp && CORTICAL.includes(q.source as CorticalPopulation) && CORTICAL.includes(q.target as CorticalPopulation) && q.source.endsWith('E') && q.target.endsWith('E');
      return { ...base, weight: q.weight, ...(plastic ? { plasticity: { ...stdpRule(q.weight) } } : {}) };
    }
    const exc = !isInhibitory(q.source);
    const g = conductanceOf(q.source, q.target);
    return {
      ...base,
      weight: { dist: 'normal', mean: g, std: WEIGHT_CV * g, min: 0 },
      on_pre: exc ? `g_AMPA += w; g_NMDA += ${NMDA_RATIO}*w` : `g_GABA_A += w; g_GABA_B += ${GABAB_RATIO}*w`,
      ...(exc ? { short_term: q.target.endsWith('LTS') ? { ...SHORT_TERM_FACILITATING } : { ...SHORT_TERM } } : {}),
    };
  });

  const inputs: InputSpec[] = TC_POPULATIONS.map((p) =>
    conductance
      ? { type: 'poisson', target: p, rate: CONDUCTANCE_BACKGROUND[p].rate, weight: CONDUCTANCE_BACKGROUND[p].weight, receptor: 'AMPA' }
      : { type: 'poisson', target: p, rate: BACKGROUND[p].rate, weight: BACKGROUND[p].weight },
  );

  const monitors: MonitorSpec[] = [];
  if (recordFraction > 0)
    for (const p of TC_POPULATIONS) {
      const size = st.sizes[p];
      const k = Math.round(size * recordFraction);
      if (k >= size) monitors.push({ type: 'spikes', population: p });
      // spread evenly over the population, so over every column (the columns are contiguous blocks)
      else if (k > 0) monitors.push({ type: 'spikes', population: p, neurons: Array.from({ length: k }, (_, x) => Math.floor((x * size) / k)) });
    }

  const nSyn = projections.reduce((a, q) => a + st.sizes[q.target as TcPopulation] * (q.connect as { indegree: number }).indegree, 0);
  const cells = conductance
    ? 'Izhikevich (2007) neurons of seven classes with AMPA, NMDA, GABA_A and GABA_B conductances, excitatory synapses depressing (onto LTS cells facilitating) and drawn weights'
    : 'Izhikevich (2003) neurons with current-based synapses';
  return {
    name: 'thalamocortical',
    description:
      `Thalamocortical network after Izhikevich & Edelman (2008): ${st.columns} columns (${st.columnsX} x ${st.columnsY}, ` +
      `${st.spacing} um apart) of ${st.perColumn} neurons, layers 2/3, 4, 5, 6 (E, and I split into FS and LTS cells; sizes after Potjans & Diesmann 2014) ` +
      `and a thalamus (TC relay, RE reticular); ${cells}; ${st.neurons} neurons, ${nSyn} synapses ` +
      `(${(nSyn / st.neurons).toFixed(1)} per neuron); distance-dependent connections and delays. See docs/thalamocortical.md.`,
    dt: DT,
    duration,
    seed,
    ...(conductance ? { models: { izh2007: izh2007Model() } } : {}),
    populations,
    projections,
    inputs,
    monitors,
  };
}

/** Number of synapses the model will have (every rule is a fixed in-degree). */
export function thalamocorticalSynapses(spec: ModelSpec): number {
  const size = new Map(spec.populations.map((p) => [p.name, p.size]));
  return (spec.projections ?? []).reduce((a, q) => a + (size.get(q.target) ?? 0) * ((q.connect as { indegree?: number }).indegree ?? 0), 0);
}
