/**
 * Receptor channels of a population of a model from equations (docs/equations.md#receptors):
 * `"receptors": ["AMPA", "NMDA", "GABA_A", "GABA_B"]` or `{ NMDA: { tau: 100 }, slow: { kinetics:
 * "dual_exp", tau_rise: 2, tau_decay: 50, e_rev: -90 } }`. Each receptor becomes equations appended
 * to the model (its conductance or current, with its own kinetics), and together they define the
 * membrane current `I_syn`, which the model's equations use (`dv/dt = (... + I_syn)/C`). A
 * projection or Poisson input names the receptor it drives (`"receptor": "NMDA"`); its weight is
 * the receptor's peak conductance (µS) or current (nA) per spike.
 *
 * Kinetics (x = g for a conductance, i for a current; a spike adds w to the driven variable):
 *   exp:       dx/dt = -x/tau                                      (driven: x)
 *   alpha:     dx/dt = (e*y - x)/tau, dy/dt = -y/tau               (driven: y; x peaks at w at t = tau)
 *   dual_exp:  dx/dt = c*y - x/tau_decay, dy/dt = -y/tau_rise      (driven: y; c chosen so that x peaks at w)
 * A conductance gives the current g*(e_rev - v), times the Mg²⁺ block B(v) when `mg_block` is set:
 *   jahr_stevens (Jahr & Stevens 1990):  B = 1/(1 + exp(-0.062 v/mV) [Mg]/3.57 mM)
 *   izhikevich2008 (Izhikevich & Edelman 2008):  B = s²/(1 + s²), s = (v/mV + 80)/60
 * The named receptors' defaults are those of Izhikevich & Edelman (2008): first-order kinetics with
 * tau 5, 150, 6 and 150 ms and reversal potentials 0, 0, -70 and -90 mV for AMPA, NMDA, GABA_A and
 * GABA_B; NMDA with the Jahr–Stevens block at 1 mM Mg²⁺ (the paper's own block is mg_block "izhikevich2008").
 */
import type { EquationModelSpec } from '../core/types.ts';

export const KINETICS = ['exp', 'alpha', 'dual_exp'] as const;
export type Kinetics = (typeof KINETICS)[number];
export const MG_BLOCKS = ['none', 'jahr_stevens', 'izhikevich2008'] as const;
export type MgBlock = (typeof MG_BLOCKS)[number];

export interface ReceptorSpec {
  kinetics?: Kinetics;
  /** 'conductance' (default; e_rev required, weights in µS) or 'current' (weights in nA) */
  type?: 'conductance' | 'current';
  /** ms: exp and alpha */
  tau?: number;
  /** ms: dual_exp, tau_rise < tau_decay */
  tau_rise?: number;
  tau_decay?: number;
  /** mV */
  e_rev?: number;
  mg_block?: MgBlock;
  /** mM, jahr_stevens (default 1) */
  mg?: number;
}

export type ReceptorsSpec = readonly string[] | Readonly<Record<string, ReceptorSpec>>;

/** Izhikevich & Edelman (2008), the thalamocortical model: time constants and reversal potentials. */
export const NAMED_RECEPTORS: Readonly<Record<string, Required<Pick<ReceptorSpec, 'kinetics' | 'tau' | 'e_rev' | 'mg_block'>>>> = {
  AMPA: { kinetics: 'exp', tau: 5, e_rev: 0, mg_block: 'none' },
  NMDA: { kinetics: 'exp', tau: 150, e_rev: 0, mg_block: 'jahr_stevens' },
  GABA_A: { kinetics: 'exp', tau: 6, e_rev: -70, mg_block: 'none' },
  GABA_B: { kinetics: 'exp', tau: 150, e_rev: -90, mg_block: 'none' },
};

const NAME = /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/;

/** A receptor with its defaults filled in. */
export interface Receptor {
  name: string;
  kinetics: Kinetics;
  current: boolean;
  tau: number;
  tauRise: number;
  tauDecay: number;
  eRev: number;
  mgBlock: MgBlock;
  mg: number;
  /** the state variable a spike drives */
  driven: string;
}

type Issue = { path: string; message: string };

/** The receptors of a population, checked (issues under `path`), or null when there are issues. */
export function checkReceptors(x: ReceptorsSpec, path: string, issues: Issue[]): Receptor[] | null {
  // the structure (names with defaults in a list, the fields and their types) is src/network/schema.ts's
  const before = issues.length;
  const err = (p: string, message: string) => issues.push({ path: p, message });
  const entries: [string, ReceptorSpec, string][] = Array.isArray(x)
    ? (x as readonly string[]).map((n, k) => [n, {}, `${path}[${k}]`])
    : Object.entries(x as Record<string, ReceptorSpec>).map(([n, s]) => [n, s, `${path}.${n}`]);
  if (entries.length === 0) err(path, 'must name at least one receptor');
  const out: Receptor[] = [];
  const seen = new Set<string>();
  for (const [name, spec, p] of entries) {
    if (!NAME.test(name)) {
      err(p, `"${name}" is not a receptor name (letters and digits, parts joined by single underscores)`);
      continue;
    }
    if (seen.has(name)) err(p, `receptor "${name}" is listed twice`);
    seen.add(name);
    const base = Object.hasOwn(NAMED_RECEPTORS, name) ? NAMED_RECEPTORS[name] : undefined;
    const kinetics = spec.kinetics ?? base?.kinetics ?? 'exp';
    const type = spec.type ?? 'conductance';
    const num = (k: 'tau' | 'tau_rise' | 'tau_decay' | 'e_rev' | 'mg', dflt?: number): number => spec[k] ?? dflt ?? NaN;
    let tau = NaN, tauRise = NaN, tauDecay = NaN;
    if (kinetics === 'dual_exp') {
      for (const k of ['tau_rise', 'tau_decay'] as const) if (spec[k] === undefined) err(`${p}.${k}`, `is required with kinetics 'dual_exp' (ms)`);
      if (spec.tau !== undefined) err(`${p}.tau`, `is for kinetics 'exp' and 'alpha'; 'dual_exp' takes tau_rise and tau_decay`);
      tauRise = num('tau_rise');
      tauDecay = num('tau_decay');
      if (tauRise > 0 && tauDecay > 0 && !(tauRise < tauDecay)) err(`${p}.tau_rise`, `must be < tau_decay (${tauDecay} ms), got ${tauRise} ms (equal time constants are the 'alpha' kinetics)`);
    } else {
      for (const k of ['tau_rise', 'tau_decay'] as const) if (spec[k] !== undefined) err(`${p}.${k}`, `is for kinetics 'dual_exp'; '${kinetics}' takes tau`);
      if (spec.tau === undefined && !base) err(`${p}.tau`, 'is required (the time constant, ms)');
      tau = num('tau', base?.tau);
    }
    const current = type === 'current';
    let eRev = NaN;
    if (current) {
      if (spec.e_rev !== undefined) err(`${p}.e_rev`, `is for conductance receptors; this one has type 'current'`);
    } else {
      if (spec.e_rev === undefined && !base) err(`${p}.e_rev`, 'is required for a conductance receptor (the reversal potential, mV)');
      eRev = num('e_rev', base?.e_rev);
    }
    const mgBlock = spec.mg_block ?? base?.mg_block ?? 'none';
    if (current && mgBlock !== 'none') err(`${p}.mg_block`, 'needs a conductance receptor (the block scales g*(e_rev - v))');
    if (spec.mg !== undefined && mgBlock !== 'jahr_stevens') err(`${p}.mg`, `is the Mg²⁺ concentration of mg_block 'jahr_stevens'`);
    const mg = num('mg', 1);
    const v = current ? 'i' : 'g';
    out.push({ name, kinetics, current, tau, tauRise, tauDecay, eRev, mgBlock, mg, driven: kinetics === 'exp' ? `${v}_${name}` : `y_${name}` });
  }
  return issues.length === before ? out : null;
}

/** The peak factor of dual_exp: c such that x(t) = c w (e^(-t/td) - e^(-t/tr)) / (1/tr - 1/td) peaks at w. */
export function dualExpFactor(tauRise: number, tauDecay: number): number {
  const tp = ((tauRise * tauDecay) / (tauDecay - tauRise)) * Math.log(tauDecay / tauRise);
  return (1 / tauRise - 1 / tauDecay) / (Math.exp(-tp / tauDecay) - Math.exp(-tp / tauRise));
}

/** The Mg²⁺ block as a function of v in mV (the formula the equations use), for tests and docs. */
export function mgBlock(kind: MgBlock, vMv: number, mgMm = 1): number {
  if (kind === 'jahr_stevens') return 1 / (1 + (Math.exp(-0.062 * vMv) * mgMm) / 3.57);
  if (kind === 'izhikevich2008') {
    const s = (vMv + 80) / 60;
    return (s * s) / (1 + s * s);
  }
  return 1;
}

/** Whether the model's equations use the identifier I_syn (and do not define it). */
export function usesISyn(equations: string): { uses: boolean; defines: boolean } {
  const uses = /(^|[^A-Za-z0-9_])I_syn([^A-Za-z0-9_]|$)/m.test(equations);
  const defines = /^\s*I_syn\s*=/m.test(equations) || /^\s*dI_syn\s*\/\s*dt/m.test(equations);
  return { uses, defines };
}

/** The model with the receptors' equations and parameters appended, and I_syn defined. */
export function withReceptors(def: EquationModelSpec, receptors: readonly Receptor[]): EquationModelSpec {
  const eqs: string[] = [];
  const params: Record<string, string> = {};
  const terms: string[] = [];
  for (const r of receptors) {
    const n = r.name;
    const unit = r.current ? 'amp' : 'siemens';
    const x = `${r.current ? 'i' : 'g'}_${n}`;
    if (r.kinetics === 'exp') {
      eqs.push(`d${x}/dt = -${x}/tau_${n} : ${unit}`);
      params[`tau_${n}`] = `${r.tau}*ms`;
    } else if (r.kinetics === 'alpha') {
      eqs.push(`d${x}/dt = (e*y_${n} - ${x})/tau_${n} : ${unit}`, `dy_${n}/dt = -y_${n}/tau_${n} : ${unit}`);
      params[`tau_${n}`] = `${r.tau}*ms`;
    } else {
      eqs.push(`d${x}/dt = c_${n}*y_${n} - ${x}/tau_decay_${n} : ${unit}`, `dy_${n}/dt = -y_${n}/tau_rise_${n} : ${unit}`);
      params[`tau_rise_${n}`] = `${r.tauRise}*ms`;
      params[`tau_decay_${n}`] = `${r.tauDecay}*ms`;
      params[`c_${n}`] = `${dualExpFactor(r.tauRise, r.tauDecay)}/ms`;
    }
    if (r.current) {
      terms.push(x);
      continue;
    }
    params[`e_rev_${n}`] = `${r.eRev}*mV`;
    let block = '';
    if (r.mgBlock === 'jahr_stevens') {
      eqs.push(`B_${n} = 1/(1 + exp(-0.062*v/mV)*mg_${n}/(3.57*mM)) : 1`);
      params[`mg_${n}`] = `${r.mg}*mM`;
      block = `*B_${n}`;
    } else if (r.mgBlock === 'izhikevich2008') {
      eqs.push(`B_${n} = ((v/mV + 80)/60)**2/(1 + ((v/mV + 80)/60)**2) : 1`);
      block = `*B_${n}`;
    }
    terms.push(`${x}${block}*(e_rev_${n} - v)`);
  }
  eqs.push(`I_syn = ${terms.length ? terms.join(' + ') : '0*amp'} : amp`);
  return { ...def, equations: `${def.equations}\n${eqs.join('\n')}`, parameters: { ...(def.parameters ?? {}), ...params } };
}
