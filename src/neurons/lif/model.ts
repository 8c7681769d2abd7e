/**
 * The description side of `lif` (PyNN IF_curr_exp / NEST iaf_psc_exp, iaf_psc_delta): PyNN's
 * defaults and units, the checks of a population's params, the exact-integration parameter block
 * computed once in double precision (NEST's propagators), and the arena bytes.
 */
import type { BuiltPopulation, ValueSpec } from '../../core/types.ts';
import {
  LIF_A, LIF_B, LIF_NPARAMS, LIF_P11E, LIF_P11I, LIF_P21E, LIF_P21I, LIF_REFSTEPS, LIF_VREST, LIF_VRESET, LIF_VTH,
} from '../../core/layout.ts';
import type { PV } from '../../network/validate.ts';
import { at, isUniformValue, onGrid, perNeuron, toSteps } from '../../network/values.ts';
import { initialStream, LIF_EXP_VARS, LIF_PARAM_NAMES, paramStream } from '../../network/streams.ts';
import type { ModelChecker, ModelRules, SynapseKind } from '../types.ts';
import { checkInitialValues, constPV, toF32 } from '../util.ts';

/** PyNN IF_curr_exp defaults: ms, nF, mV, nA. */
export const LIF_DEFAULTS: Readonly<Record<(typeof LIF_PARAM_NAMES)[number], number>> = {
  tau_m: 20,
  cm: 1,
  v_rest: -65,
  v_thresh: -50,
  v_reset: -65,
  tau_refrac: 0.1,
  tau_syn_e: 5,
  tau_syn_i: 5,
  i_offset: 0,
};
const LIF_UNITS: Record<string, string> = {
  tau_m: 'ms', cm: 'nF', v_rest: 'mV', v_thresh: 'mV', v_reset: 'mV', tau_refrac: 'ms', tau_syn_e: 'ms', tau_syn_i: 'ms', i_offset: 'nA',
};

/**
 * Exact propagator of an exponentially decaying synaptic current into v over one step dt, per nA:
 *   P21 = (1/cm) * tau_m*tau_s/(tau_s - tau_m) * (exp(-dt/tau_s) - exp(-dt/tau_m))
 *       = (dt/cm) * exp(-dt/tau_m) * expm1(x)/x,   x = dt/tau_m - dt/tau_s
 * written without cancellation: expm1(x)/x for 1e-5 <= |x| < 1, its series 1 + x/2 + x^2/6 below
 * (so tau_s = tau_m gives the limit (dt/cm) exp(-dt/tau_m) exactly, and nearby values are
 * continuous), and the direct difference for |x| >= 1 (no cancellation, no overflow).
 */
export function lifP21(dt: number, tauM: number, tauS: number, cm: number): number {
  const x = dt / tauM - dt / tauS;
  const ax = Math.abs(x);
  if (ax >= 1) return ((dt / cm) * (Math.exp(-dt / tauS) - Math.exp(-dt / tauM))) / x;
  const f = ax < 1e-5 ? 1 + x / 2 + (x * x) / 6 : Math.expm1(x) / x;
  return (dt / cm) * Math.exp(-dt / tauM) * f;
}

/** The LIF parameter block (layout.ts) of one neuron, in double precision, into out[j*stride + i]. */
export function lifBlock(
  dt: number, p: { tau_m: number; cm: number; v_rest: number; v_thresh: number; v_reset: number; tau_refrac: number; tau_syn_e: number; tau_syn_i: number },
  out: Float32Array, i: number, stride: number,
): void {
  const A = -Math.expm1(-dt / p.tau_m);
  out[LIF_A * stride + i] = A;
  out[LIF_B * stride + i] = (p.tau_m / p.cm) * A;
  out[LIF_P21E * stride + i] = lifP21(dt, p.tau_m, p.tau_syn_e, p.cm);
  out[LIF_P21I * stride + i] = lifP21(dt, p.tau_m, p.tau_syn_i, p.cm);
  out[LIF_P11E * stride + i] = Math.exp(-dt / p.tau_syn_e);
  out[LIF_P11I * stride + i] = Math.exp(-dt / p.tau_syn_i);
  out[LIF_VREST * stride + i] = p.v_rest;
  out[LIF_VTH * stride + i] = p.v_thresh;
  out[LIF_VRESET * stride + i] = p.v_reset;
  out[LIF_REFSTEPS * stride + i] = toSteps(p.tau_refrac, dt);
}


export const lifRules: ModelRules = {
  synapses: ['exp', 'delta'],
  channels: (s) => (s === 'delta' ? 1 : 2),
  stateVariables: (s) => (s === 'delta' ? ['v'] : [...LIF_EXP_VARS]),
  inputUnit: (s) => (s === 'delta' ? 'mV' : 'nA'),
  initialUnit: (x, s) => (x === 'v' || s === 'delta' ? 'mV' : 'nA'),
  receives: { synapses: true, poisson: true, noise: true, current: true, randomDrive: true },
  check(c: ModelChecker, pr, ppath, init, ipath, synapse, perNeuron, _size) {
    const pv: Record<string, PV | undefined> = {};
    for (const k of LIF_PARAM_NAMES) {
      if (pr[k] === undefined) continue;
      if ((k === 'tau_syn_e' || k === 'tau_syn_i') && synapse === 'delta') {
        c.err(`${ppath}.${k}`, `only used with synapse 'exp' (this population has synapse 'delta')`);
        continue;
      }
      const opts = perNeuron(LIF_UNITS[k]);
      if (k === 'tau_refrac') opts.noDist = 'the refractory period must be a whole number of steps: give a number or an array';
      pv[k] = c.value(pr[k], `${ppath}.${k}`, opts);
    }
    for (const k of ['tau_m', 'cm', 'tau_syn_e', 'tau_syn_i'] as const) {
      const v = pv[k];
      if (v) c.constrain(v, `${ppath}.${k}`, (x) => x > 0, `must be > 0 ${LIF_UNITS[k]}`, LIF_UNITS[k]);
    }
    const tr = pv.tau_refrac;
    if (tr && c.constrain(tr, `${ppath}.tau_refrac`, (x) => x >= 0, 'must be >= 0 ms', 'ms') && c.dt !== undefined) {
      const dt = c.dt;
      c.constrain(tr, `${ppath}.tau_refrac`, (x) => onGrid(x, dt), `must be a whole number of time steps (dt = ${dt} ms)`, 'ms');
    }
    // v_reset < v_thresh
    const vr = pr.v_reset === undefined ? constPV(LIF_DEFAULTS.v_reset) : pv.v_reset;
    const vt = pr.v_thresh === undefined ? constPV(LIF_DEFAULTS.v_thresh) : pv.v_thresh;
    if (vr && vt) c.resetBelowThreshold(vr, vt, `${ppath}.v_reset`);
    checkInitialValues(c, lifRules, 'lif', init, ipath, synapse, perNeuron);
  },
  build(pop: BuiltPopulation, params: Record<string, ValueSpec | undefined>, init: Record<string, ValueSpec | undefined>, dt: number, seed: number, path: string) {
    const n = pop.size;
    const k = pop.index;
    const v: Record<string, number | Float64Array> = {};
    LIF_PARAM_NAMES.forEach((name, j) => {
      v[name] = perNeuron(params[name], LIF_DEFAULTS[name], seed, paramStream(k, j), n, `${path}.params.${name}`);
    });
    const blockNames = LIF_PARAM_NAMES.filter((x) => x !== 'i_offset');
    const hetero = blockNames.some((name) => typeof v[name] !== 'number');
    const one = (i: number) => ({
      tau_m: at(v.tau_m, i), cm: at(v.cm, i), v_rest: at(v.v_rest, i), v_thresh: at(v.v_thresh, i), v_reset: at(v.v_reset, i),
      tau_refrac: at(v.tau_refrac, i), tau_syn_e: at(v.tau_syn_e, i), tau_syn_i: at(v.tau_syn_i, i),
    });
    if (!hetero) {
      pop.params = new Float32Array(LIF_NPARAMS);
      lifBlock(dt, one(0), pop.params, 0, 1);
    } else {
      const block = new Float32Array(LIF_NPARAMS * n);
      for (let i = 0; i < n; i++) lifBlock(dt, one(i), block, i, n);
      // every neuron's block equal after rounding to float32: store it once
      let same = true;
      for (let j = 0; j < LIF_NPARAMS && same; j++) {
        const row = j * n;
        for (let i = 1; i < n; i++) if (block[row + i] !== block[row]) { same = false; break; }
      }
      if (same) {
        pop.params = new Float32Array(LIF_NPARAMS);
        for (let j = 0; j < LIF_NPARAMS; j++) pop.params[j] = block[j * n];
      } else {
        pop.params = block;
        pop.hetero = true;
      }
    }
    pop.bias = toF32(v.i_offset, n);
    // initial state: v defaults to v_rest, ie and ii to 0
    const vars = pop.synapse === 'delta' ? ['v'] : (LIF_EXP_VARS as readonly string[]);
    vars.forEach((name, j) => {
      const dflt = name === 'v' ? v.v_rest : 0;
      const x = init[name] === undefined ? dflt : perNeuron(init[name], 0, seed, initialStream(k, j), n, `${path}.initial.${name}`);
      pop.initial[name] = toF32(x, n);
    });
  },
  specBytes(m, params, synapse, buf) {
    const hetero = LIF_PARAM_NAMES.some((name) => name !== 'i_offset' && params[name] !== undefined && !isUniformValue(params[name] as never));
    return (synapse === 'delta' ? 3 : 5) * buf(m * 4) + buf(LIF_NPARAMS * (hetero ? m : 1) * 4);
  },
};

export type { SynapseKind, PV };
