/**
 * The neuron models: one descriptor per model, each in its own folder (src/neurons/<name>/). The
 * engine finds a population's model here by the name its plan carries.
 */
import type { PlannedModelName } from '../core/types.ts';
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
