/** EIF_cond_alpha_isfa_ista (PyNN), NEST aeif_cond_alpha: AdEx with alpha-function conductances. */
import type { StandardCell } from './index.ts';
import { COND_ALPHA_SYNAPSES, EIF_DEFAULTS, EIF_MEMBRANE } from './common.ts';

export const EIF_cond_alpha_isfa_ista: StandardCell = {
  name: 'EIF_cond_alpha_isfa_ista',
  aliases: ['aeif_cond_alpha'],
  model: {
    equations: [...EIF_MEMBRANE, ...COND_ALPHA_SYNAPSES].join('\n'),
    threshold: 'v > v_spike',
    reset: 'v = v_reset\nw += b',
    refractory: 'tau_refrac',
    method: 'rk4',
    parameters: { ...EIF_DEFAULTS },
  },
  initial: { v: '-70.6*mV', w: '0*nA', gsyn_exc: '0*uS', gsyn_inh: '0*uS', ysyn_exc: '0*uS', ysyn_inh: '0*uS' },
  reference:
    'Brette & Gerstner (2005) J Neurophysiol 94:3637; NEST models/aeif_cond_alpha.{h,cpp}; PyNN pyNN/standardmodels/cells.py (EIF_cond_alpha_isfa_ista)',
};
