/**
 * The description side of `izhikevich` (Izhikevich 2003; PyNN Izhikevich, NEST izhikevich):
 * defaults, validation of a population's params, the parameter block (src/core/layout.ts IZH_*),
 * initial state and the arena bytes. Kernels: assembly/izhikevich.ts (= src/backend/js/).
 * Documented in docs/model-format.md.
 *
 *   v' = 0.04 v^2 + 5 v + 140 - u + I,  u' = a (b v - u);  if v >= v_peak: v = c, u = u + d
 *   I = bias + ring input of the step ('delta')  or  ie + ii + bias ('exp', currents decaying with
 *   tau_syn_e / tau_syn_i; P11 = exp(-dt/tau_syn) computed here in double precision)
 *   scheme 'izhikevich2003' (dt = 1 ms only): the paper's code, v += 0.5 f twice, then u += g (new v)
 *   scheme 'euler' (default): v += dt f, u += dt g, both at the old state
 * Currents (i_offset, weights, noise) are in the model's own unit, the I of the equation (mV/ms).
 */
import type { BuiltPopulation, ValueSpec } from '../../core/types.ts';
import {
  IZH_A, IZH_B, IZH_C, IZH_D, IZH_NPARAMS, IZH_P11E, IZH_P11I, IZH_SCHEME_2003, IZH_SCHEME_EULER, IZH_VPEAK,
} from '../../core/layout.ts';
import type { CheckerLike } from '../../network/expr.ts';
import type { ModelRules } from '../types.ts';
import { checkInitialValues } from '../util.ts';
import type { PV, ValueOpts } from '../../network/validate.ts';
import { at, isUniformValue, perNeuron } from '../../network/values.ts';
import {
  IZHIKEVICH_DELTA_VARS, IZHIKEVICH_EXP_VARS, IZHIKEVICH_PARAM_NAMES, initialStream, paramStream,
} from '../../network/streams.ts';

export type IzhikevichParam = (typeof IZHIKEVICH_PARAM_NAMES)[number];
export type IzhikevichScheme = 'izhikevich2003' | 'euler';

/** Defaults: the paper's regular-spiking neuron (NEST izhikevich; PyNN's Izhikevich has d = 2). */
export const IZHIKEVICH_DEFAULTS: Readonly<Record<IzhikevichParam, number>> = {
  a: 0.02,
  b: 0.2,
  c: -65,
  d: 8,
  v_peak: 30,
  i_offset: 0,
  tau_syn_e: 5,
  tau_syn_i: 5,
};
export const IZHIKEVICH_SCHEMES: readonly IzhikevichScheme[] = ['izhikevich2003', 'euler'];
export const IZHIKEVICH_DEFAULT_SCHEME: IzhikevichScheme = 'euler';
/** Default initial membrane potential, mV (the paper's v = -65; u defaults to b*v). */
export const IZHIKEVICH_DEFAULT_V = -65;
/** Default synapse of an izhikevich population: the paper's (the ring input is I for one step). */
export const IZHIKEVICH_DEFAULT_SYNAPSE = 'delta' as const;

const UNITS: Record<IzhikevichParam, string> = {
  a: '1/ms', b: '', c: 'mV', d: '', v_peak: 'mV', i_offset: '', tau_syn_e: 'ms', tau_syn_i: 'ms',
};
/** State variables of an izhikevich population (initial values, state monitors). */
export function izhikevichStateVariables(synapse: 'exp' | 'delta' | undefined): string[] {
  return synapse === 'exp' ? [...IZHIKEVICH_EXP_VARS] : [...IZHIKEVICH_DELTA_VARS];
}

/** Kernel argument `scheme` of a scheme name. */
export function schemeCode(s: IzhikevichScheme): number {
  return s === 'izhikevich2003' ? IZH_SCHEME_2003 : IZH_SCHEME_EULER;
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Check the params of an izhikevich population (`pr` is its params object, maybe empty). */
export function checkIzhikevichParams(
  c: CheckerLike, pr: Record<string, unknown>, ppath: string, synapse: 'exp' | 'delta' | undefined,
  perNeuron: (unit: string) => ValueOpts,
): void {
  const pv: Partial<Record<IzhikevichParam, PV>> = {};
  for (const k of IZHIKEVICH_PARAM_NAMES) {
    if (pr[k] === undefined) continue;
    if ((k === 'tau_syn_e' || k === 'tau_syn_i') && synapse !== 'exp') {
      c.err(`${ppath}.${k}`, `only used with synapse 'exp' (this population has synapse 'delta')`);
      continue;
    }
    const v = c.value(pr[k], `${ppath}.${k}`, perNeuron(UNITS[k]));
    if (v) pv[k] = v;
  }
  for (const k of ['tau_syn_e', 'tau_syn_i'] as const) {
    const v = pv[k];
    if (v) c.constrain(v, `${ppath}.${k}`, (x) => x > 0, 'must be > 0 ms', 'ms');
  }
  // c < v_peak: after a spike v is reset to c, which must lie below the cut-off
  const cv = pr.c === undefined ? constPV(IZHIKEVICH_DEFAULTS.c) : pv.c;
  const pk = pr.v_peak === undefined ? constPV(IZHIKEVICH_DEFAULTS.v_peak) : pv.v_peak;
  if (cv && pk) resetBelowPeak(c, cv, pk, `${ppath}.c`);
  // scheme
  const s = pr.scheme;
  if (s !== undefined) {
    if (s === 'izhikevich2003' && c.dt !== undefined && c.dt !== 1)
      c.err(
        `${ppath}.scheme`,
        `'izhikevich2003' integrates exactly 1 ms per step (two half steps of 0.5 ms, as the paper's code) and needs dt = 1 ms, ` +
          `got dt = ${c.dt} ms; use 'euler' for other time steps`,
      );
  }
}

function constPV(x: number): PV {
  return { kind: 'const', spec: x, lo: x, hi: x };
}

function resetBelowPeak(c: CheckerLike, cv: PV, pk: PV, path: string): void {
  const exact = (v: PV) => v.kind === 'const' || v.kind === 'array';
  if (exact(cv) && exact(pk)) {
    const len = (v: PV) => (v.kind === 'array' ? (v.spec as number[]).length : 1);
    const at = (v: PV, i: number) => (v.kind === 'array' ? (v.spec as number[])[i] : (v.spec as number));
    const n = Math.max(len(cv), len(pk));
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const r = at(cv, i);
      const t = at(pk, i);
      if (r < t) continue;
      if (bad < 3) c.err(cv.kind === 'array' ? `${path}[${i}]` : path, `must be < v_peak (${t} mV): after a spike v is reset to c, got ${r} mV`);
      bad++;
    }
    if (bad > 3) c.err(path, `${bad - 3} more neurons have c >= v_peak`);
    return;
  }
  if (!(cv.hi < pk.lo))
    c.err(path, `must be < v_peak for every neuron (after a spike v is reset to c), but c can reach ${cv.hi} mV and v_peak can be as low as ${pk.lo} mV`);
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------


/** The parameter block of neuron i (double precision) into out[k*stride + i] (float32). */
export function izhikevichBlock(
  dt: number, synapse: 'exp' | 'delta',
  p: { a: number; b: number; c: number; d: number; v_peak: number; tau_syn_e: number; tau_syn_i: number },
  out: Float32Array, i: number, stride: number,
): void {
  out[IZH_A * stride + i] = p.a;
  out[IZH_B * stride + i] = p.b;
  out[IZH_C * stride + i] = p.c;
  out[IZH_D * stride + i] = p.d;
  out[IZH_VPEAK * stride + i] = p.v_peak;
  out[IZH_P11E * stride + i] = synapse === 'exp' ? Math.exp(-dt / p.tau_syn_e) : 0;
  out[IZH_P11I * stride + i] = synapse === 'exp' ? Math.exp(-dt / p.tau_syn_i) : 0;
}

/**
 * Fill an izhikevich BuiltPopulation: params (IZH_NPARAMS values, or IZH_NPARAMS*n parameter-major
 * when some neuron differs after rounding to float32), hetero, bias (i_offset), scheme (kernel
 * code), initial v (default -65 mV), u (default b*v, in double precision, then float32) and for
 * 'exp' ie, ii (default 0). `params` and `init` have their expressions resolved (expr.ts).
 */
export function buildIzhikevich(
  pop: BuiltPopulation, params: Record<string, unknown>, init: Record<string, ValueSpec | undefined>,
  dt: number, seed: number, path: string,
): void {
  const n = pop.size;
  const k = pop.index;
  const synapse = pop.synapse === 'exp' ? 'exp' : 'delta';
  const v: Record<string, number | Float64Array> = {};
  IZHIKEVICH_PARAM_NAMES.forEach((name, j) => {
    v[name] = perNeuron(params[name] as ValueSpec | undefined, IZHIKEVICH_DEFAULTS[name], seed, paramStream(k, j), n, `${path}.params.${name}`);
  });
  const one = (i: number) => ({
    a: at(v.a, i), b: at(v.b, i), c: at(v.c, i), d: at(v.d, i), v_peak: at(v.v_peak, i),
    tau_syn_e: at(v.tau_syn_e, i), tau_syn_i: at(v.tau_syn_i, i),
  });
  const blockNames = IZHIKEVICH_PARAM_NAMES.filter((x) => x !== 'i_offset');
  let block: Float32Array;
  let hetero = blockNames.some((name) => typeof v[name] !== 'number');
  if (!hetero) {
    block = new Float32Array(IZH_NPARAMS);
    izhikevichBlock(dt, synapse, one(0), block, 0, 1);
  } else {
    block = new Float32Array(IZH_NPARAMS * n);
    for (let i = 0; i < n; i++) izhikevichBlock(dt, synapse, one(i), block, i, n);
    let same = true;
    for (let j = 0; j < IZH_NPARAMS && same; j++) {
      const row = j * n;
      for (let i = 1; i < n; i++) if (block[row + i] !== block[row]) { same = false; break; }
    }
    if (same) {
      const b1 = new Float32Array(IZH_NPARAMS);
      for (let j = 0; j < IZH_NPARAMS; j++) b1[j] = block[j * n];
      block = b1;
      hetero = false;
    }
  }
  pop.params = block;
  pop.hetero = hetero;
  pop.scheme = schemeCode((params.scheme as IzhikevichScheme | undefined) ?? IZHIKEVICH_DEFAULT_SCHEME);
  const bias = new Float32Array(n);
  if (typeof v.i_offset === 'number') bias.fill(v.i_offset);
  else bias.set(v.i_offset);
  pop.bias = bias;
  // initial state
  const vars = izhikevichStateVariables(synapse);
  const draw = (name: string, dflt: number) =>
    init[name] === undefined ? dflt : perNeuron(init[name], dflt, seed, initialStream(k, vars.indexOf(name)), n, `${path}.initial.${name}`);
  const v0 = draw('v', IZHIKEVICH_DEFAULT_V);
  const vf = new Float32Array(n);
  const uf = new Float32Array(n);
  for (let i = 0; i < n; i++) vf[i] = at(v0, i);
  if (init.u === undefined) for (let i = 0; i < n; i++) uf[i] = at(v.b, i) * at(v0, i);
  else {
    const u0 = draw('u', 0);
    for (let i = 0; i < n; i++) uf[i] = at(u0, i);
  }
  pop.initial.v = vf;
  pop.initial.u = uf;
  if (synapse === 'exp') {
    for (const name of ['ie', 'ii']) {
      const x = draw(name, 0);
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) f[i] = at(x, i);
      pop.initial[name] = f;
    }
  }
}

/** Arena bytes of an izhikevich population beyond its spikes and ring channels (see estimate.ts). */
export function izhikevichStateBytes(
  n: number, synapse: 'exp' | 'delta' | undefined, params: Record<string, unknown>, buf: (bytes: number) => number,
): number {
  // v, u, bias (+ ie, ii for 'exp'), and the parameter block
  const hetero = IZHIKEVICH_PARAM_NAMES.some(
    (name) => name !== 'i_offset' && params[name] !== undefined && !isUniformValue(params[name] as never),
  );
  return (synapse === 'exp' ? 5 : 3) * buf(n * 4) + buf(IZH_NPARAMS * (hetero ? n : 1) * 4);
}


export const izhikevichRules: ModelRules = {
  // the default synapse first
  synapses: [IZHIKEVICH_DEFAULT_SYNAPSE, 'exp'],
  channels: (s) => (s === 'exp' ? 2 : 1),
  stateVariables: (s) => izhikevichStateVariables(s),
  inputUnit: () => 'current units of the model',
  initialUnit: (x) => (x === 'v' ? 'mV' : 'current units of the model'),
  receives: { synapses: true, poisson: true, noise: true, current: true, randomDrive: true },
  check(c, pr, ppath, init, ipath, synapse, perNeuron) {
    checkIzhikevichParams(c, pr, ppath, synapse, perNeuron);
    checkInitialValues(c, izhikevichRules, 'izhikevich', init, ipath, synapse, perNeuron);
  },
  build: (pop, params, init, dt, seed, path) => buildIzhikevich(pop, params, init, dt, seed, path),
  specBytes: (m, params, synapse, buf) => izhikevichStateBytes(m, synapse, params, buf),
};
