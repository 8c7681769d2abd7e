/** IF_cond_exp (PyNN), NEST iaf_cond_exp: leaky integrate-and-fire with exponential conductances. */
import type { StandardCell } from './index.ts';
import { COND_CURRENT, COND_EXP_SYNAPSES, IF_COND_DEFAULTS } from './common.ts';

export const IF_cond_exp: StandardCell = {
  name: 'IF_cond_exp',
  aliases: ['iaf_cond_exp'],
  model: {
    equations: [
      `dv/dt = (v_rest - v)/tau_m + (${COND_CURRENT} + i_offset)/cm : volt (unless refractory)`,
      ...COND_EXP_SYNAPSES,
    ].join('\n'),
    threshold: 'v > v_thresh',
    reset: 'v = v_reset',
    refractory: 'tau_refrac',
    // exact for v given the conductances of the step (and for the conductances themselves)
    method: 'exponential_euler',
    parameters: { ...IF_COND_DEFAULTS },
  },
  initial: { v: '-65*mV', gsyn_exc: '0*uS', gsyn_inh: '0*uS' },
  reference:
    'Kuhn, Aertsen & Rotter (2004) J Neurosci 24:2345; NEST models/iaf_cond_exp.{h,cpp}; PyNN pyNN/standardmodels/cells.py (IF_cond_exp) and pyNN/brian2/standardmodels/cells.py',
};
