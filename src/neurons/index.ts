/**
 * The neuron models: one descriptor per model, each in its own folder (src/neurons/<name>/). The
 * engine finds a population's model here by the name its plan carries.
 */
import type { NeuronModelName, PlannedModelName } from '../core/types.ts';
import type { NeuronModel } from './types.ts';
import { lif } from './lif/index.ts';
import { izhikevich } from './izhikevich/index.ts';
import { threshold } from './threshold/index.ts';
import { poisson } from './poisson/index.ts';
import { spikeGenerator } from './spike_generator/index.ts';
import { equations } from './equations/index.ts';

export type { NeuronModel, PopulationRuntime, StateVar } from './types.ts';

const MODELS: Record<PlannedModelName, NeuronModel> = {
  lif, threshold, poisson, spike_generator: spikeGenerator, izhikevich, equations,
};

/** The built-in models a model file names (every descriptor but that of models from equations), in the registry's order. */
export const BUILTIN_MODELS = (Object.keys(MODELS) as PlannedModelName[]).filter((m) => MODELS[m].rules) as Exclude<PlannedModelName, 'equations'>[];

/**
 * Other names of the built-in models, PyNN's (docs/model-format.md): a population whose model is
 * one of them is a population of that built-in model, with its parameters; the plan carries the
 * built-in name. The one place that maps them.
 */
export const MODEL_ALIASES: Readonly<Record<string, NeuronModelName>> = { IF_curr_exp: 'lif', Izhikevich: 'izhikevich' };

/** The built-in model that a model file's `model` names (its own name or an alias), or undefined. */
export function builtinModel(name: unknown): NeuronModelName | undefined {
  if (typeof name !== 'string') return undefined;
  if ((BUILTIN_MODELS as readonly string[]).includes(name)) return name as NeuronModelName;
  return Object.prototype.hasOwnProperty.call(MODEL_ALIASES, name) ? MODEL_ALIASES[name] : undefined;
}

/** The built-in models that take an input of kind `what`, quoted for messages ("'lif', 'izhikevich' or 'threshold'"). */
export function modelsReceiving(what: keyof NonNullable<NeuronModel['rules']>['receives']): string {
  const q = BUILTIN_MODELS.filter((m) => MODELS[m].rules!.receives[what]).map((m) => `'${m}'`);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}` : q.join('');
}

/** The descriptor of a planned population's model. */
export function neuronModel(name: PlannedModelName): NeuronModel {
  const d = MODELS[name];
  if (!d) throw new Error(`internal error: no neuron model "${name}"`);
  return d;
}
