/** IF_curr_alpha (PyNN), NEST iaf_psc_alpha: leaky integrate-and-fire with alpha-function currents. */
import type { StandardCell } from './index.ts';
import { CURR_ALPHA_SYNAPSES } from './common.ts';

export const IF_curr_alpha: StandardCell = {
  name: 'IF_curr_alpha',
  aliases: ['iaf_psc_alpha'],
  model: {
    equations: [
      'dv/dt = (v_rest - v)/tau_m + (isyn_exc + isyn_inh + i_offset)/cm : volt (unless refractory)',
      ...CURR_ALPHA_SYNAPSES,
    ].join('\n'),
    threshold: 'v > v_thresh',
    reset: 'v = v_reset',
    refractory: 'tau_refrac',
    // linear with constant coefficients: NEST's exact integration (Rotter & Diesmann 1999)
    method: 'exact',
    parameters: {
      v_rest: '-65*mV',
      cm: '1*nF',
      tau_m: '20*ms',
      tau_refrac: '0.1*ms',
      tau_syn_E: '0.5*ms',
      tau_syn_I: '0.5*ms',
      i_offset: '0*nA',
      v_reset: '-65*mV',
      v_thresh: '-50*mV',
    },
  },
  initial: { v: '-65*mV', isyn_exc: '0*nA', isyn_inh: '0*nA', ysyn_exc: '0*nA', ysyn_inh: '0*nA' },
  reference:
    'Rotter & Diesmann (1999) Biol Cybern 81:381 (exact integration); NEST models/iaf_psc_alpha.{h,cpp}; PyNN pyNN/standardmodels/cells.py (IF_curr_alpha)',
};
