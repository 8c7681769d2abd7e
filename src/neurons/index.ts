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
  lif, izhikevich, threshold, poisson, spike_generator: spikeGenerator, equations,
};

/** The descriptor of a planned population's model. */
export function neuronModel(name: PlannedModelName): NeuronModel {
  const d = MODELS[name];
  if (!d) throw new Error(`internal error: no neuron model "${name}"`);
  return d;
}
