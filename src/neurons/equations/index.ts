/**
 * A model from equations (docs/equations.md): the kernel generated at run time from the model's
 * kernel IR (src/equations), its operands laid out by src/equations/runtime.ts.
 */
import { EquationRuntime, equationAllocations } from '../../equations/runtime.ts';
import type { NeuronModel, PopulationRuntime, SliceContext, StepContext, Views } from '../types.ts';

export const equations: NeuronModel = {
  name: 'equations',
  // its rules come from its equations (src/equations/population.ts, validate.ts)
  rules: null,
  runtime(c: SliceContext): PopulationRuntime {
    const { pop } = c;
    if (!c.generated) throw new Error(`internal error: no generated kernel for population "${pop.name}"`);
    const rt = new EquationRuntime(pop.equations!, pop.index, c.begin, c.m, c.alloc, c.part, c.generated);
    const rtOps = {
      vars: rt.stateVars().map((x) => ({ ...x, int: false })),
      bias: -1,
      write: (w: Views) => rt.write(w.f32, w.u32, pop.initial),
      step: (s: StepContext) => rt.step(s.K, s.f32, s.i32, s.seed, s.t, s.dt, s.slot, s.rings, s.spikes),
    };
    // in the step loop: the kernel called from it, unless it needs draws or t from the host (then its host step is)
    return rt.inLoop ? { ...rtOps, stepOp: (s) => rt.stepOp(s.rings, s.spikes) } : rtOps;
  },
  stateVariables: (pop) => pop.equations!.compiled.state.map((x) => x.name),
  planBytes: (pop, m, buf) => equationAllocations(pop.equations!.compiled, m).reduce((a, x) => a + buf(x.bytes), 0),
};
