/**
 * The description side of `spike_generator` (NEST spike_generator): one array of spike times (ms)
 * per neuron, on the time grid, turned into (step, index) pairs sorted by step then index.
 */
import type { BuiltPopulation, ValueSpec } from '../../core/types.ts';
import { toSteps } from '../../network/values.ts';
import type { ModelRules } from '../types.ts';
import { checkInitialValues, SOURCE } from '../util.ts';

export const spikeGeneratorRules: ModelRules = {
  ...SOURCE,
  check(c, pr, ppath, init, ipath, synapse, perNeuron, size) {
    c.spikeTimes(pr.spike_times as ArrayLike<ArrayLike<number>>, `${ppath}.spike_times`, size);
    checkInitialValues(c, spikeGeneratorRules, 'spike_generator', init, ipath, synapse, perNeuron);
  },
  build(pop: BuiltPopulation, params: Record<string, ValueSpec | undefined>, _init: Record<string, ValueSpec | undefined>, dt: number) {
    const n = pop.size;
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
  },
  specBytes: () => 0,
};
