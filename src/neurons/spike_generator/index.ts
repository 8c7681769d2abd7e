/**
 * `spike_generator` — neurons that spike at given times (NEST spike_generator): the (step, index)
 * pairs of the slice, sorted by step, kept on the host; nothing in the arena.
 */
import { spikeGeneratorRules } from './model.ts';
import type { NeuronModel, PopulationRuntime, SliceContext, StepContext } from '../types.ts';

export const spikeGenerator: NeuronModel = {
  name: 'spike_generator',
  rules: spikeGeneratorRules,
  runtime(c: SliceContext): PopulationRuntime {
    const { pop, begin, m } = c;
    const allSteps = pop.generatorSteps!, allIdx = pop.generatorIndices!;
    let n = 0;
    for (let k = 0; k < allIdx.length; k++) if (allIdx[k] >= begin && allIdx[k] < begin + m) n++;
    const steps = new Int32Array(n);
    const idx = new Int32Array(n);
    n = 0;
    for (let k = 0; k < allIdx.length; k++)
      if (allIdx[k] >= begin && allIdx[k] < begin + m) {
        steps[n] = allSteps[k];
        idx[n++] = allIdx[k] - begin;
      }
    let pos = 0;
    return {
      vars: [],
      bias: -1,
      write() {},
      step(s: StepContext): number {
        const i32 = s.i32;
        const base = s.spikes >>> 2;
        let c = 0;
        while (pos < steps.length && steps[pos] < s.t) pos++;
        while (pos < steps.length && steps[pos] === s.t) {
          const i = idx[pos++]; // a neuron listed twice at one step spikes once
          if (c === 0 || i32[base + c - 1] !== i) i32[base + c++] = i;
        }
        return c;
      },
    };
  },
  stateVariables: () => [],
  planBytes: () => 0,
};
