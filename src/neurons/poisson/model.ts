/**
 * The description side of `poisson` (Poisson spike sources, NEST poisson_generator): the rate in
 * Hz per neuron, active between `start` and `stop`; its per-step spike threshold (rate dt as a
 * uint32) and the arena bytes.
 */
import type { BuiltPopulation, ValueSpec } from '../../core/types.ts';
import { isUniformValue, perNeuron, poissonThreshold, stepWindow } from '../../network/values.ts';
import { paramStream } from '../../network/streams.ts';
import type { ModelRules } from '../types.ts';
import { checkInitialValues, SOURCE } from '../util.ts';

export const poissonRules: ModelRules = {
  ...SOURCE,
  check(c, pr, ppath, init, ipath, synapse, perNeuron) {
    const v = c.value(pr.rate, `${ppath}.rate`, perNeuron('Hz'));
    if (v) c.constrain(v, `${ppath}.rate`, (x) => x >= 0, 'must be >= 0 Hz', 'Hz');
    // active in [start, stop) (NEST poisson_generator's start and stop)
    c.timeWindow(pr, ppath);
    checkInitialValues(c, poissonRules, 'poisson', init, ipath, synapse, perNeuron);
  },
  build(pop: BuiltPopulation, params: Record<string, ValueSpec | undefined>, _init: Record<string, ValueSpec | undefined>, dt: number, seed: number, path: string) {
    const n = pop.size;
    const k = pop.index;
    const rate = perNeuron(params.rate, 0, seed, paramStream(k, 0), n, `${path}.params.rate`);
    if (typeof rate === 'number') pop.poissonThreshold = Uint32Array.of(poissonThreshold(rate, dt));
    else {
      const thr = new Uint32Array(n);
      for (let i = 0; i < n; i++) thr[i] = poissonThreshold(rate[i], dt);
      pop.poissonThreshold = thr;
    }
    pop.hetero = pop.poissonThreshold.length > 1;
    Object.assign(pop, stepWindow(params, dt));
  },
  specBytes: (m, params, _s, buf) => buf((isUniformValue(params.rate as never) ? 1 : m) * 4),
};
