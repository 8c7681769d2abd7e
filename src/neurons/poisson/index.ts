/**
 * `poisson` — Poisson spike sources (NEST poisson_generator with start and stop): a neuron spikes
 * in a step when its counter-based draw is below its threshold (rate dt as a uint32); kernel
 * poisson_update (assembly/inputs.ts = src/backend/js/inputs.ts). Arena per slice: the thresholds.
 */
import { STEP_OP_POISSON, stepWord } from '../../core/layout.ts';
import { rngKey } from '../../core/rng.ts';
import { poissonRules } from './model.ts';
import type { NeuronModel, PopulationRuntime, SliceContext, StepContext, Views } from '../types.ts';
import { writeSlice } from '../util.ts';

export const poisson: NeuronModel = {
  name: 'poisson',
  rules: poissonRules,
  runtime(c: SliceContext): PopulationRuntime {
    const { pop, m, begin } = c;
    const thr = c.alloc(c.part, (pop.hetero ? m : 1) * 4);
    const hetero = pop.hetero ? 1 : 0;
    const start = pop.startStep ?? 0;
    const stop = pop.stopStep ?? Infinity;
    return {
      vars: [],
      bias: -1,
      write(w: Views) {
        if (pop.hetero) writeSlice(w.u32, pop.poissonThreshold!, begin, m, thr);
        else w.u32.set(pop.poissonThreshold!, thr >>> 2);
      },
      stepOp: (s) => ({ code: STEP_OP_POISSON, args: [start, stepWord(stop), m, pop.stream, begin, thr, hetero, s.spikes] }),
      step: (s: StepContext) => (s.t >= start && s.t < stop ? s.K.poisson_update(m, rngKey(s.seed, pop.stream, s.t), begin, thr, hetero, s.spikes) : 0),
    };
  },
  primed: () => ['poisson_update'],
  stateVariables: () => [],
  planBytes: (pop, m, buf) => buf((pop.hetero ? m : 1) * 4),
};
