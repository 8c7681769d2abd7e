/**
 * planNetwork: validate, then compute everything but the synapses: parameters, initial state, input
 * tables, and every projection's plan (src/network/plan.ts), from which each shard generates its own
 * incoming synapses in its arena (src/sim/connectivity.ts). Transcendental constants are computed
 * here once, in double precision, and stored as float32.
 */
import type {
  BuiltInput, BuiltPopulation, InputSpec, ModelSpec, MonitorSpec, NetworkPlan, AnyPopulationSpec, ValueSpec,
} from '../core/types.ts';
import { ModelError } from './errors.ts';
import { checkModel, DEFAULT_DURATION, DEFAULT_SEED, type CheckedPopulation } from './validate.ts';
import { neuronModel } from '../neurons/index.ts';
import { estimateChecked, tooLargeMessage } from './estimate.ts';
import { perNeuron, poissonTable, stepWindow, toSteps } from './values.ts';
import { planProjection } from './plan.ts';
import { resolveNeuronValues } from './expr.ts';
import { planEquationPopulation, scaleValueSpec } from '../equations/population.ts';
import { buildNoiseInput } from './noise-input.ts';
import { initialStream, paramStream, poissonInputStream, populationStream, randomDriveStream } from './streams.ts';

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


function buildPopulation(spec: ModelSpec, ps: AnyPopulationSpec, cp: CheckedPopulation, dt: number, seed: number): BuiltPopulation {
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
  // the model's parameters and initial state (src/neurons/<model>/model.ts)
  if (cp.synapse) pop.synapse = cp.synapse;
  neuronModel(cp.model).rules!.build(pop, params, init, dt, seed, path);
  return pop;
}

/**
 * A population of a model from equations (src/equations/population.ts): its `parameters` and
 * `initial` values drawn per neuron as the built-in models' (streams paramStream(k, j) and
 * initialStream(k, j), j the name's place in sorted order), { expr } values over its `random`.
 */
function buildEquationPopulation(spec: ModelSpec, ps: AnyPopulationSpec, cp: CheckedPopulation, dt: number, seed: number): BuiltPopulation {
  const n = cp.size;
  const k = cp.index;
  const path = `populations[${k}]`;
  const { params, init } = resolveNeuronValues({ params: ps.parameters as Record<string, unknown> | undefined, initial: ps.initial as Record<string, ValueSpec> | undefined, random: ps.random }, k, seed, n, path, 'parameters');
  const resolved: AnyPopulationSpec = { ...ps, parameters: params as Record<string, ValueSpec | string>, initial: init as Record<string, ValueSpec> };
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
