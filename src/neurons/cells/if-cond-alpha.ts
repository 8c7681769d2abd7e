/** IF_cond_alpha (PyNN), NEST iaf_cond_alpha: leaky integrate-and-fire with alpha-function conductances. */
import type { StandardCell } from './index.ts';
import { COND_ALPHA_SYNAPSES, COND_CURRENT, IF_COND_DEFAULTS } from './common.ts';

export const IF_cond_alpha: StandardCell = {
  name: 'IF_cond_alpha',
  aliases: ['iaf_cond_alpha'],
  model: {
    equations: [
      `dv/dt = (v_rest - v)/tau_m + (${COND_CURRENT} + i_offset)/cm : volt (unless refractory)`,
      ...COND_ALPHA_SYNAPSES,
    ].join('\n'),
    threshold: 'v > v_thresh',
    reset: 'v = v_reset',
    refractory: 'tau_refrac',
    // exponential Euler would hold ysyn constant over a step: 19 % too much conductance at tau 0.3 ms, dt 0.1 ms
    method: 'rk4',
    // PyNN's IF_cond_alpha: rise times 0.3 / 0.5 ms
    parameters: { ...IF_COND_DEFAULTS, tau_syn_E: '0.3*ms', tau_syn_I: '0.5*ms' },
  },
  initial: { v: '-65*mV', gsyn_exc: '0*uS', gsyn_inh: '0*uS', ysyn_exc: '0*uS', ysyn_inh: '0*uS' },
  reference:
    'Kuhn, Aertsen & Rotter (2004) J Neurosci 24:2345; NEST models/iaf_cond_alpha.{h,cpp}; PyNN pyNN/standardmodels/cells.py (IF_cond_alpha) and pyNN/brian2/standardmodels/cells.py',
};
