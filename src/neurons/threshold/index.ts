/**
 * `threshold` — McCulloch–Pitts units in synchronous discrete time: n(t+1) = 1 if Σ W n(t) ≥ μ,
 * else 0; bound to the hand-written kernel threshold_update (assembly/threshold.ts =
 * src/backend/js/threshold.ts). Arena per slice: the state n (int32) and μ (one, or one per unit).
 */
import { STEP_OP_THRESHOLD } from '../../core/layout.ts';
import { thresholdRules } from './model.ts';
import type { NeuronModel, PopulationRuntime, SliceContext, StepContext, Views } from '../types.ts';
import { writeSlice } from '../util.ts';

export const threshold: NeuronModel = {
  name: 'threshold',
  rules: thresholdRules,
  runtime(c: SliceContext): PopulationRuntime {
    const { pop, m, begin } = c;
    const state = c.alloc(c.part, m * 4);
    const params = c.alloc(c.part, (pop.hetero ? m : 1) * 4);
    const hetero = pop.hetero ? 1 : 0;
    return {
      vars: [{ name: 'n', ptr: state, int: true }],
      bias: -1,
      write(w: Views) {
        if (pop.hetero) writeSlice(w.f32, pop.params!, begin, m, params);
        else w.f32.set(pop.params!, params >>> 2);
        if (pop.initial.n) writeSlice(w.i32, pop.initial.n as Int32Array, begin, m, state);
      },
      stepOp: (s) => ({ code: STEP_OP_THRESHOLD, args: [m, state, s.rings[0], params, hetero, s.spikes] }),
      step: (s: StepContext) => s.K.threshold_update(m, state, s.rings[0] + s.slot * m * 4, params, hetero, s.t === 0 ? 1 : 0, s.spikes),
    };
  },
  primed: () => ['threshold_update'],
  stateVariables: () => ['n'],
  planBytes: (pop, m, buf) => buf(m * 4) + buf((pop.hetero ? m : 1) * 4),
};
