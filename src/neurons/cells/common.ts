/**
 * Pieces shared by the standard cells (src/neurons/cells/*.ts): the synapse equations as Brian2
 * (and PyNN's Brian2 backend) writes them, and PyNN's defaults of the integrate-and-fire family, as
 * strings with units (PyNN's units: ms, mV, nF, nA, µS; `a` of the AdEx in nS as PyNN gives it).
 */

/** Exponentially decaying conductances (µS), driven by `gsyn_exc += w` / `gsyn_inh += w`. */
export const COND_EXP_SYNAPSES = [
  'dgsyn_exc/dt = -gsyn_exc/tau_syn_E : siemens',
  'dgsyn_inh/dt = -gsyn_inh/tau_syn_I : siemens',
];

/**
 * Alpha-function conductances (µS): two variables per synapse type, as Brian2 writes alpha
 * synapses. A spike `ysyn_exc += w` makes gsyn_exc(t) = w (t/tau) e^(1 - t/tau), whose peak is
 * w at t = tau (NEST's normalisation of iaf_cond_alpha).
 */
export const COND_ALPHA_SYNAPSES = [
  'dgsyn_exc/dt = (e*ysyn_exc - gsyn_exc)/tau_syn_E : siemens',
  'dysyn_exc/dt = -ysyn_exc/tau_syn_E : siemens',
  'dgsyn_inh/dt = (e*ysyn_inh - gsyn_inh)/tau_syn_I : siemens',
  'dysyn_inh/dt = -ysyn_inh/tau_syn_I : siemens',
];

/** Alpha-function currents (nA), `ysyn_exc += w`: isyn_exc peaks at w at t = tau_syn_E. */
export const CURR_ALPHA_SYNAPSES = [
  'disyn_exc/dt = (e*ysyn_exc - isyn_exc)/tau_syn_E : amp',
  'dysyn_exc/dt = -ysyn_exc/tau_syn_E : amp',
  'disyn_inh/dt = (e*ysyn_inh - isyn_inh)/tau_syn_I : amp',
  'dysyn_inh/dt = -ysyn_inh/tau_syn_I : amp',
];

/** The synaptic current of conductance synapses into the membrane (nA). */
export const COND_CURRENT = 'gsyn_exc*(e_rev_E - v) + gsyn_inh*(e_rev_I - v)';

/** PyNN's defaults of IF_cond_exp (pyNN/standardmodels/cells.py). */
export const IF_COND_DEFAULTS: Record<string, string> = {
  v_rest: '-65*mV',
  cm: '1*nF',
  tau_m: '20*ms',
  tau_refrac: '0.1*ms',
  tau_syn_E: '5*ms',
  tau_syn_I: '5*ms',
  e_rev_E: '0*mV',
  e_rev_I: '-70*mV',
  v_thresh: '-50*mV',
  v_reset: '-65*mV',
  i_offset: '0*nA',
};

/** PyNN's defaults of EIF_cond_exp_isfa_ista and EIF_cond_alpha_isfa_ista (the same for both). */
export const EIF_DEFAULTS: Record<string, string> = {
  cm: '0.281*nF',
  tau_refrac: '0.1*ms',
  v_spike: '-40*mV',
  v_reset: '-70.6*mV',
  v_rest: '-70.6*mV',
  tau_m: '9.3667*ms',
  i_offset: '0*nA',
  a: '4*nS',
  b: '0.0805*nA',
  delta_T: '2*mV',
  tau_w: '144*ms',
  v_thresh: '-50.4*mV',
  e_rev_E: '0*mV',
  tau_syn_E: '5*ms',
  e_rev_I: '-80*mV',
  tau_syn_I: '5*ms',
};

/**
 * The AdEx membrane (Brette & Gerstner 2005) with PyNN's names. As NEST's aeif_* models do
 * (`V = min(V_m, V_peak)` in every derivative), the right-hand sides see v_clip = min(v, v_spike):
 * below v_spike it is v, and a step (or a Runge–Kutta stage) that overshoots v_spike cannot
 * overflow the exponential nor carry the overshoot into w.
 */
export const EIF_MEMBRANE = [
  'dv/dt = (gL*(v_rest - v_clip) + gL*delta_T*exp((v_clip - v_thresh)/delta_T) + gsyn_exc*(e_rev_E - v_clip) + gsyn_inh*(e_rev_I - v_clip) + i_offset - w)/cm : volt (unless refractory)',
  'dw/dt = (a*(v_clip - v_rest) - w)/tau_w : amp',
  'v_clip = clip(v, v_rest - 1000*mV, v_spike) : volt',
  'gL = cm/tau_m : siemens',
];
