/**
 * `izhikevich` — Izhikevich (2003) neurons (PyNN Izhikevich, NEST izhikevich), scheme
 * 'izhikevich2003' (the paper's two half-steps of v) or 'euler', delta or exponential synapses;
 * bound to the hand-written kernels izhikevich_update / izhikevich_delta_update (assembly/izhikevich.ts
 * = src/backend/js/izhikevich.ts); parameters and validation in ./model.ts.
 * Arena per slice: v, u, (ie, ii with 'exp' synapses), bias, and the parameter block.
 */
import { IZH_NPARAMS, STEP_OP_IZH, STEP_OP_IZH_DELTA } from '../../core/layout.ts';
import { izhikevichRules } from './model.ts';
import type { NeuronModel, PopulationRuntime, SliceContext, StateVar, StepContext, Views } from '../types.ts';
import { writeCurrentModel } from '../util.ts';

export const izhikevich: NeuronModel = {
  name: 'izhikevich',
  rules: izhikevichRules,
  runtime(c: SliceContext): PopulationRuntime {
    const { pop, m, begin } = c;
    const exp = pop.synapse === 'exp';
    const v = c.alloc(c.part, m * 4);
    const u = c.alloc(c.part, m * 4);
    const ie = exp ? c.alloc(c.part, m * 4) : 0;
    const ii = exp ? c.alloc(c.part, m * 4) : 0;
    const bias = c.alloc(c.part, m * 4);
    const params = c.alloc(c.part, (pop.hetero ? IZH_NPARAMS * m : IZH_NPARAMS) * 4);
    const hetero = pop.hetero ? 1 : 0;
    const scheme = pop.scheme!;
    const vars: StateVar[] = [{ name: 'v', ptr: v, int: false }, { name: 'u', ptr: u, int: false }];
    if (exp) vars.push({ name: 'ie', ptr: ie, int: false }, { name: 'ii', ptr: ii, int: false });
    return {
      vars,
      bias,
      write: (w: Views) => writeCurrentModel(w.f32, pop, IZH_NPARAMS, begin, m, params, bias, vars),
      stepOp: (s) =>
        exp
          ? { code: STEP_OP_IZH, args: [m, v, u, ie, ii, bias, s.rings[0], s.rings[1], params, hetero, scheme, s.dt, s.spikes], floats: [11] }
          : { code: STEP_OP_IZH_DELTA, args: [m, v, u, bias, s.rings[0], params, hetero, scheme, s.dt, s.spikes], floats: [8] },
      step(s: StepContext): number {
        const off = s.slot * m * 4;
        if (exp) return s.K.izhikevich_update(m, v, u, ie, ii, bias, s.rings[0] + off, s.rings[1] + off, params, hetero, scheme, s.dt, s.spikes);
        return s.K.izhikevich_delta_update(m, v, u, bias, s.rings[0] + off, params, hetero, scheme, s.dt, s.spikes);
      },
    };
  },
  primed: (pop) => [pop.synapse === 'exp' ? 'izhikevich_update' : 'izhikevich_delta_update'],
  stateVariables: (pop) => (pop.synapse === 'exp' ? ['v', 'u', 'ie', 'ii'] : ['v', 'u']),
  planBytes: (pop, m, buf) => (pop.synapse === 'exp' ? 5 : 3) * buf(m * 4) + buf((pop.hetero ? IZH_NPARAMS * m : IZH_NPARAMS) * 4),
};
