/**
 * planNetwork: validate, then compute everything but the synapses: parameters, initial state, input
 * tables, and every projection's plan (src/network/plan.ts), from which each shard generates its own
 * incoming synapses in its arena (src/sim/connectivity.ts). Transcendental constants are computed
 * here once, in double precision, and stored as float32.
 */
import type {
  BuiltInput, BuiltPopulation, InputSpec, ModelSpec, MonitorSpec, NetworkPlan, PopulationSpec, ValueSpec,
} from '../core/types.ts';
import {
  LIF_A, LIF_B, LIF_NPARAMS, LIF_P11E, LIF_P11I, LIF_P21E, LIF_P21I, LIF_REFSTEPS, LIF_VREST, LIF_VRESET, LIF_VTH,
} from '../core/layout.ts';
import { ModelError } from './errors.ts';
import {
  checkModel, DEFAULT_DURATION, DEFAULT_SEED, LIF_DEFAULTS, THRESHOLD_DEFAULT_MU,
  type CheckedPopulation,
} from './validate.ts';
import { estimateChecked, tooLargeMessage } from './estimate.ts';
import {
  at, perNeuron, poissonTable, poissonThreshold, stepWindow, toSteps,
} from './values.ts';
import { planProjection } from './plan.ts';
import { resolveNeuronValues } from './expr.ts';
import { planEquationPopulation, scaleValueSpec } from '../equations/population.ts';
import { buildIzhikevich, buildNoiseInput } from './izhikevich.ts';
import {
  initialStream, LIF_PARAM_NAMES, paramStream, poissonInputStream, populationStream, LIF_EXP_VARS,
  randomDriveStream,
} from './streams.ts';

export interface PlanOptions {
  /** overrides the model's seed (integer 0..2^32-1); default spec.seed, else 1 */
  seed?: number;
  /**
   * refuse (ModelError, before computing anything per neuron) a network whose single-shard arena
   * estimate exceeds this many bytes; default: no limit (the simulator checks every shard against
   * one WebAssembly memory with estimateShards)
   */
  maxBytes?: number;
}

const MAX_U32 = 0xffffffff;

/**
 * Validate and plan a model: everything but the synapses. Throws ModelError listing every issue of
 * the description, or the sizes when the network would not fit in opts.maxBytes. The plan is plain
 * structured-cloneable data (posted to worker threads); each shard then builds its own synapses.
 */
export function planNetwork(spec: ModelSpec, opts: PlanOptions = {}): NetworkPlan {
  const checked = checkModel(spec);
  const issues = checked.issues.slice();
  if (opts.seed !== undefined && !(Number.isInteger(opts.seed) && opts.seed >= 0 && opts.seed <= MAX_U32))
    issues.push({ path: 'seed', message: `the seed option must be an integer in 0..4294967295, got ${opts.seed}` });
  if (issues.length) throw new ModelError(issues);
  if ([...checked.populations, ...checked.projections, ...checked.inputs].some((x) => !x))
    throw new Error('internal error: a model without issues was not fully resolved');

  if (opts.maxBytes !== undefined) {
    const est = estimateChecked(spec, checked);
    if (est.bytes > opts.maxBytes) throw new ModelError([{ path: '', message: tooLargeMessage(est, opts.maxBytes) }]);
  }
  for (const cp of checked.projections) {
    if (cp.count > MAX_U32)
      throw new ModelError([{ path: `projections[${cp.index}].connect`, message: `${cp.count} synapses, more than ${MAX_U32} in one projection` }]);
  }

  const dt = spec.dt;
  const seed = opts.seed ?? spec.seed ?? DEFAULT_SEED;
  const populations = checked.populations.map((cp) => buildPopulation(spec, spec.populations[cp.index], cp, dt, seed));
  // a target from equations takes its weights in the unit of the variable it drives: scaled here to the kernel's
  const projections = checked.projections.map((cp) => {
    const ps = spec.projections![cp.index];
    return planProjection(cp.weightFactor === 1 ? ps : { ...ps, weight: scaleValueSpec(ps.weight, cp.weightFactor) }, cp, checked.populations, dt, seed);
  });
  const inputs: BuiltInput[] = (spec.inputs ?? []).map((inp, i) => {
    const ci = checked.inputs[i];
    const scaled = ci.weightFactor !== undefined && ci.weightFactor !== 1 && inp.type === 'poisson' ? { ...inp, weight: inp.weight * ci.weightFactor } : inp;
    return buildInput(scaled, i, ci.target, ci.channel, dt, ci.targets);
  });
  let maxDelay = 1;
  let minDelay = Infinity;
  let synapses = 0;
  for (const p of projections) {
    maxDelay = Math.max(maxDelay, p.maxDelay);
    minDelay = Math.min(minDelay, p.minDelay);
    synapses += p.synapses;
  }
  // slot t is read and cleared by the update of step t before the spikes of step t are delivered
  // (to t + 1 .. t + maxDelay), so maxDelay slots hold every spike in flight
  const ringSlots = Math.max(1, maxDelay);
  return {
    name: spec.name ?? 'model',
    dt,
    seed,
    steps: toSteps(spec.duration ?? DEFAULT_DURATION, dt),
    populations,
    projections,
    inputs,
    monitors: (spec.monitors ?? []).map(copyMonitor),
    ringSlots,
    neurons: populations.reduce((s, p) => s + p.size, 0),
    synapses,
    minDelay: Number.isFinite(minDelay) ? minDelay : ringSlots,
  };
}

// ---------------------------------------------------------------------------------------------
// Populations
// ---------------------------------------------------------------------------------------------


/**
 * Exact propagator of an exponentially decaying synaptic current into v over one step dt, per nA:
 *   P21 = (1/cm) * tau_m*tau_s/(tau_s - tau_m) * (exp(-dt/tau_s) - exp(-dt/tau_m))
 *       = (dt/cm) * exp(-dt/tau_m) * expm1(x)/x,   x = dt/tau_m - dt/tau_s
 * written without cancellation: expm1(x)/x for 1e-5 <= |x| < 1, its series 1 + x/2 + x^2/6 below
 * (so tau_s = tau_m gives the limit (dt/cm) exp(-dt/tau_m) exactly, and nearby values are
 * continuous), and the direct difference for |x| >= 1 (no cancellation, no overflow).
 */
export function lifP21(dt: number, tauM: number, tauS: number, cm: number): number {
  const x = dt / tauM - dt / tauS;
  const ax = Math.abs(x);
  if (ax >= 1) return ((dt / cm) * (Math.exp(-dt / tauS) - Math.exp(-dt / tauM))) / x;
  const f = ax < 1e-5 ? 1 + x / 2 + (x * x) / 6 : Math.expm1(x) / x;
  return (dt / cm) * Math.exp(-dt / tauM) * f;
}

/** The LIF parameter block (layout.ts) of one neuron, in double precision, into out[j*stride + i]. */
export function lifBlock(
  dt: number, p: { tau_m: number; cm: number; v_rest: number; v_thresh: number; v_reset: number; tau_refrac: number; tau_syn_e: number; tau_syn_i: number },
  out: Float32Array, i: number, stride: number,
): void {
  const A = -Math.expm1(-dt / p.tau_m);
  out[LIF_A * stride + i] = A;
  out[LIF_B * stride + i] = (p.tau_m / p.cm) * A;
  out[LIF_P21E * stride + i] = lifP21(dt, p.tau_m, p.tau_syn_e, p.cm);
  out[LIF_P21I * stride + i] = lifP21(dt, p.tau_m, p.tau_syn_i, p.cm);
  out[LIF_P11E * stride + i] = Math.exp(-dt / p.tau_syn_e);
  out[LIF_P11I * stride + i] = Math.exp(-dt / p.tau_syn_i);
  out[LIF_VREST * stride + i] = p.v_rest;
  out[LIF_VTH * stride + i] = p.v_thresh;
  out[LIF_VRESET * stride + i] = p.v_reset;
  out[LIF_REFSTEPS * stride + i] = toSteps(p.tau_refrac, dt);
}

function toF32(v: number | Float64Array, n: number): Float32Array {
  const out = new Float32Array(n);
  if (typeof v === 'number') out.fill(v);
  else out.set(v);
  return out;
}

function buildPopulation(spec: ModelSpec, ps: PopulationSpec, cp: CheckedPopulation, dt: number, seed: number): BuiltPopulation {
  const n = cp.size;
  const k = cp.index;
  const path = `populations[${k}]`;
  if (cp.model === 'equations') return buildEquationPopulation(spec, ps, cp, dt, seed);
  // { expr } values become per-neuron arrays over the population's `random` variables (expr.ts)
  const { params, init } = resolveNeuronValues(ps, k, seed, n, path);
  const pop: BuiltPopulation = {
    name: cp.name, index: k, size: n, model: cp.model, channels: cp.channels, hetero: false, initial: {}, stream: populationStream(k),
  };
  if (cp.type) pop.type = cp.type;
  if (cp.sheet) pop.sheet = { columns_x: cp.sheet.columns_x, columns_y: cp.sheet.columns_y, spacing: cp.sheet.spacing };
  if (cp.model === 'lif') {
    pop.synapse = cp.synapse;
    const v: Record<string, number | Float64Array> = {};
    LIF_PARAM_NAMES.forEach((name, j) => {
      v[name] = perNeuron(params[name], LIF_DEFAULTS[name], seed, paramStream(k, j), n, `${path}.params.${name}`);
    });
    const blockNames = LIF_PARAM_NAMES.filter((x) => x !== 'i_offset');
    const hetero = blockNames.some((name) => typeof v[name] !== 'number');
    const one = (i: number) => ({
      tau_m: at(v.tau_m, i), cm: at(v.cm, i), v_rest: at(v.v_rest, i), v_thresh: at(v.v_thresh, i), v_reset: at(v.v_reset, i),
      tau_refrac: at(v.tau_refrac, i), tau_syn_e: at(v.tau_syn_e, i), tau_syn_i: at(v.tau_syn_i, i),
    });
    if (!hetero) {
      pop.params = new Float32Array(LIF_NPARAMS);
      lifBlock(dt, one(0), pop.params, 0, 1);
    } else {
      const block = new Float32Array(LIF_NPARAMS * n);
      for (let i = 0; i < n; i++) lifBlock(dt, one(i), block, i, n);
      // every neuron's block equal after rounding to float32: store it once
      let same = true;
      for (let j = 0; j < LIF_NPARAMS && same; j++) {
        const row = j * n;
        for (let i = 1; i < n; i++) if (block[row + i] !== block[row]) { same = false; break; }
      }
      if (same) {
        pop.params = new Float32Array(LIF_NPARAMS);
        for (let j = 0; j < LIF_NPARAMS; j++) pop.params[j] = block[j * n];
      } else {
        pop.params = block;
        pop.hetero = true;
      }
    }
    pop.bias = toF32(v.i_offset, n);
    // initial state: v defaults to v_rest, ie and ii to 0
    const vars = cp.synapse === 'delta' ? ['v'] : (LIF_EXP_VARS as readonly string[]);
    vars.forEach((name, j) => {
      const dflt = name === 'v' ? v.v_rest : 0;
      const x = init[name] === undefined ? dflt : perNeuron(init[name], 0, seed, initialStream(k, j), n, `${path}.initial.${name}`);
      pop.initial[name] = toF32(x, n);
    });
  } else if (cp.model === 'izhikevich') {
    pop.synapse = cp.synapse;
    buildIzhikevich(pop, params, init, dt, seed, path);
  } else if (cp.model === 'threshold') {
    const mu = perNeuron(params.mu, THRESHOLD_DEFAULT_MU, seed, paramStream(k, 0), n, `${path}.params.mu`);
    pop.params = typeof mu === 'number' ? Float32Array.of(mu) : Float32Array.from(mu);
    pop.hetero = pop.params.length > 1;
    const s = perNeuron(init.n, 0, seed, initialStream(k, 0), n, `${path}.initial.n`);
    const st = new Int32Array(n);
    if (typeof s === 'number') st.fill(s);
    else for (let i = 0; i < n; i++) st[i] = s[i];
    pop.initial.n = st;
  } else if (cp.model === 'poisson') {
    const rate = perNeuron(params.rate, 0, seed, paramStream(k, 0), n, `${path}.params.rate`);
    if (typeof rate === 'number') pop.poissonThreshold = Uint32Array.of(poissonThreshold(rate, dt));
    else {
      const thr = new Uint32Array(n);
      for (let i = 0; i < n; i++) thr[i] = poissonThreshold(rate[i], dt);
      pop.poissonThreshold = thr;
    }
    pop.hetero = pop.poissonThreshold.length > 1;
    Object.assign(pop, stepWindow(params, dt));
  } else {
    const times = (params.spike_times ?? []) as unknown as ArrayLike<ArrayLike<number>>;
    let total = 0;
    for (let i = 0; i < n; i++) total += times[i].length;
    const st = new Int32Array(total);
    const idx = new Int32Array(total);
    const order = new Uint32Array(total);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const row = times[i];
      for (let j = 0; j < row.length; j++, e++) {
        st[e] = toSteps(row[j], dt);
        idx[e] = i;
        order[e] = e;
      }
    }
    order.sort((a, b) => st[a] - st[b] || idx[a] - idx[b]);
    pop.generatorSteps = new Int32Array(total);
    pop.generatorIndices = new Int32Array(total);
    for (let j = 0; j < total; j++) {
      pop.generatorSteps[j] = st[order[j]];
      pop.generatorIndices[j] = idx[order[j]];
    }
  }
  return pop;
}

/**
 * A population of a model from equations (src/equations/population.ts): its `parameters` and
 * `initial` values drawn per neuron as the built-in models' (streams paramStream(k, j) and
 * initialStream(k, j), j the name's place in sorted order), { expr } values over its `random`.
 */
function buildEquationPopulation(spec: ModelSpec, ps: PopulationSpec, cp: CheckedPopulation, dt: number, seed: number): BuiltPopulation {
  const n = cp.size;
  const k = cp.index;
  const path = `populations[${k}]`;
  const { params, init } = resolveNeuronValues({ params: ps.parameters as Record<string, unknown> | undefined, initial: ps.initial, random: ps.random }, k, seed, n, path, 'parameters');
  const resolved: PopulationSpec = { ...ps, parameters: params as Record<string, ValueSpec | string>, initial: init as Record<string, ValueSpec> };
  const { plan, initial } = planEquationPopulation(spec, resolved, k, n, dt, cp.inputs ?? [], (v, j, what, name) =>
    perNeuron(v, 0, seed, what === 'param' ? paramStream(k, j) : initialStream(k, j), n, `${path}.${what === 'param' ? 'parameters' : 'initial'}.${name}`),
  );
  const pop: BuiltPopulation = {
    name: cp.name, index: k, size: n, model: 'equations', channels: cp.channels, hetero: false, initial, stream: populationStream(k), equations: plan,
  };
  if (cp.type) pop.type = cp.type;
  if (cp.sheet) pop.sheet = { columns_x: cp.sheet.columns_x, columns_y: cp.sheet.columns_y, spacing: cp.sheet.spacing };
  return pop;
}

// ---------------------------------------------------------------------------------------------
// Inputs and monitors
// ---------------------------------------------------------------------------------------------

function buildInput(
  inp: InputSpec, i: number, target: number, channel: number, dt: number, targets?: { target: number; channel: number }[],
): BuiltInput {
  const { startStep, stopStep } = stepWindow(inp, dt);
  if (inp.type === 'random_drive') {
    return {
      type: 'random_drive', target, channel, targets: targets!.map((t) => ({ ...t })), amplitude: Math.fround(inp.amplitude),
      count: inp.count ?? 1, startStep, stopStep, stream: randomDriveStream(i),
    };
  }
  if (inp.type === 'poisson') {
    return {
      type: 'poisson', target, channel, table: poissonTable((inp.rate * dt) / 1000), weight: Math.fround(inp.weight),
      startStep, stopStep, stream: poissonInputStream(i),
    };
  }
  if (inp.type === 'noise') return buildNoiseInput(inp, i, target, channel, dt);
  return {
    type: 'current', target, amplitude: inp.amplitude,
    neurons: inp.neurons ? Int32Array.from(inp.neurons) : null, startStep, stopStep,
  };
}

function copyMonitor(m: MonitorSpec): MonitorSpec {
  if (m.type === 'spikes') return m.neurons ? { type: 'spikes', population: m.population, neurons: Array.from(m.neurons) } : { type: 'spikes', population: m.population };
  if (m.type === 'state')
    return { type: 'state', population: m.population, variables: Array.from(m.variables), neurons: Array.from(m.neurons), every: m.every ?? 1 };
  if (m.type === 'synapses') return m.every_ms === undefined ? { type: 'synapses', projection: m.projection } : { type: 'synapses', projection: m.projection, every_ms: m.every_ms };
  return { type: 'rate', population: m.population };
}
