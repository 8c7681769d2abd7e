/**
 * `lif` — leaky integrate-and-fire (PyNN IF_curr_exp, NEST iaf_psc_exp / iaf_psc_delta): exact
 * integration with propagators computed on the host (src/network/build.ts lifBlock), bound to the
 * hand-written kernels lif_update / lif_delta_update (assembly/lif.ts = src/backend/js/lif.ts).
 * Arena per slice: v, (ie, ii with 'exp' synapses), bias, ref, and the parameter block (one, or
 * one per neuron when the parameters differ), in this order.
 */
import { LIF_NPARAMS, STEP_OP_LIF, STEP_OP_LIF_DELTA } from '../../core/layout.ts';
import { lifRules } from './model.ts';
import type { NeuronModel, PopulationRuntime, SliceContext, StateVar, StepContext, Views } from '../types.ts';
import { writeCurrentModel } from '../util.ts';

export const lif: NeuronModel = {
  name: 'lif',
  rules: lifRules,
  runtime(c: SliceContext): PopulationRuntime {
    const { pop, m, begin } = c;
    const exp = pop.synapse === 'exp';
    const v = c.alloc(c.part, m * 4);
    const ie = exp ? c.alloc(c.part, m * 4) : 0;
    const ii = exp ? c.alloc(c.part, m * 4) : 0;
    const bias = c.alloc(c.part, m * 4);
    const ref = c.alloc(c.part, m * 4);
    const params = c.alloc(c.part, (pop.hetero ? LIF_NPARAMS * m : LIF_NPARAMS) * 4);
    const hetero = pop.hetero ? 1 : 0;
    // lif_update leaves the bias term out for a pointer 0 (no bias current): 16 % faster
    const biasArg = c.biased ? bias : 0;
    const vars: StateVar[] = [{ name: 'v', ptr: v, int: false }];
    if (exp) vars.push({ name: 'ie', ptr: ie, int: false }, { name: 'ii', ptr: ii, int: false });
    return {
      vars,
      hidden: [{ name: 'ref', ptr: ref, int: false }],
      bias,
      write: (w: Views) => writeCurrentModel(w.f32, pop, LIF_NPARAMS, begin, m, params, bias, vars),
      stepOp: (s) =>
        exp
          ? { code: STEP_OP_LIF, args: [m, v, ie, ii, ref, biasArg, s.rings[0], s.rings[1], params, hetero, s.spikes] }
          : { code: STEP_OP_LIF_DELTA, args: [m, v, ref, bias, s.rings[0], params, hetero, s.spikes] },
      step(s: StepContext): number {
        const off = s.slot * m * 4;
        if (!exp) return s.K.lif_delta_update(m, v, ref, bias, s.rings[0] + off, params, hetero, s.spikes);
        return s.K.lif_update(m, v, ie, ii, ref, biasArg, s.rings[0] + off, s.rings[1] + off, params, hetero, s.spikes);
      },
    };
  },
  primed: (pop) => [pop.synapse === 'delta' ? 'lif_delta_update' : 'lif_update'],
  stateVariables: (pop) => (pop.synapse === 'delta' ? ['v'] : ['v', 'ie', 'ii']),
  planBytes: (pop, m, buf) => (pop.synapse === 'delta' ? 3 : 5) * buf(m * 4) + buf((pop.hetero ? LIF_NPARAMS * m : LIF_NPARAMS) * 4),
};
