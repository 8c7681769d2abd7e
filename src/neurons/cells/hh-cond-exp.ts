/**
 * HH_cond_exp (PyNN), NEST hh_cond_exp_traub: the Traub–Miles Hodgkin–Huxley point neuron of
 * Brette et al. (2007) (COBAHH), with exponential conductances.
 */
import type { StandardCell } from './index.ts';
import { COND_CURRENT, COND_EXP_SYNAPSES } from './common.ts';

export const HH_cond_exp: StandardCell = {
  name: 'HH_cond_exp',
  aliases: ['hh_cond_exp_traub'],
  model: {
    equations: [
      `I_m = g_leak*(e_rev_leak - v) + ${COND_CURRENT} - gbar_Na*(m*m*m)*h*(v - e_rev_Na) - gbar_K*(n*n*n*n)*(v - e_rev_K) + i_offset : amp`,
      'dv/dt = I_m/cm : volt',
      'dm/dt = alpha_m*(1 - m) - beta_m*m : 1',
      'dh/dt = alpha_h*(1 - h) - beta_h*h : 1',
      'dn/dt = alpha_n*(1 - n) - beta_n*n : 1',
      'alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + v_offset)/(4*mV))/ms : Hz',
      'beta_m = 0.28*(mV**-1)*5*mV/exprel((v - v_offset - 40*mV)/(5*mV))/ms : Hz',
      'alpha_h = 0.128*exp((17*mV - v + v_offset)/(18*mV))/ms : Hz',
      'beta_h = 4./(1 + exp((40*mV - v + v_offset)/(5*mV)))/ms : Hz',
      'alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + v_offset)/(5*mV))/ms : Hz',
      'beta_n = .5*exp((10*mV - v + v_offset)/(40*mV))/ms : Hz',
      ...COND_EXP_SYNAPSES,
    ].join('\n'),
    // NEST's rule: a spike where v >= V_T + 30 mV and v is falling (a local maximum above the
    // threshold), then 2 ms without spike detection; nothing is reset or clamped
    threshold: 'v >= v_offset + 30*mV and I_m < 0*nA',
    refractory: '2*ms',
    method: 'exponential_euler',
    parameters: {
      gbar_Na: '20*uS',
      gbar_K: '6*uS',
      g_leak: '0.01*uS',
      cm: '0.2*nF',
      v_offset: '-63*mV',
      e_rev_Na: '50*mV',
      e_rev_K: '-90*mV',
      e_rev_leak: '-65*mV',
      e_rev_E: '0*mV',
      e_rev_I: '-80*mV',
      tau_syn_E: '0.2*ms',
      tau_syn_I: '2*ms',
      i_offset: '0*nA',
    },
  },
  // PyNN's v = -65 mV; the gates at their steady state there (with the default v_offset), as NEST starts them
  initial: { v: '-65*mV', m: 0.0097324, h: 0.99756109, n: 0.027074479, gsyn_exc: '0*uS', gsyn_inh: '0*uS' },
  reference:
    'Traub & Miles (1991) Neuronal Networks of the Hippocampus; Brette et al. (2007) J Comput Neurosci 23:349 (benchmark 3, COBAHH); NEST models/hh_cond_exp_traub.{h,cpp}; PyNN pyNN/standardmodels/cells.py (HH_cond_exp); Brian2 examples/COBAHH.py',
};
