/**
 * What the front end (src/equations/compile.ts) makes of a model written as equations, for the
 * engine: the per-neuron state it stores, the parameters it reads, the quantities the host computes
 * once in double precision (propagators of `exact`, exp(-dt/tau) of exponential Euler, …), the
 * inputs that projections can drive (`on_pre: "ge += w"`), the random draws the host fills every
 * step from the counter-based generator, and the kernel IR (src/equations/ir.ts) of one step.
 *
 * All values are in axonal's units (ms, mV, nA, nF, µS, Hz, and their products): the front end
 * converts every constant of the model text, and says for each quantity which unit it expects, so
 * that the engine converts the numbers of a model file (`"10*nS"`, or a plain number in the unit
 * the equation declares) before they reach the kernel.
 */
import type { KernelIR } from './ir.ts';

/** An expression evaluated on the host in double precision (then rounded to float32 once). */
export type HostExpr =
  | { op: 'const'; value: number }
  /** a parameter of the model (per-neuron or shared), in axonal units */
  | { op: 'param'; name: string }
  /** the time step, ms */
  | { op: 'dt' }
  /** the population's size N, and the neuron index i in the population */
  | { op: 'N' }
  | { op: 'i' }
  | { op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'min' | 'max'; a: HostExpr; b: HostExpr }
  | { op: 'neg'; a: HostExpr }
  | { op: 'call'; fn: string; args: HostExpr[] }
  /** element (row, col) of the matrix exponential / integral of a linear system: see compile.ts */
  | { op: 'linear'; system: number; row: number; col: number };

/** How the engine fills an operand of the kernel before each call (ir.ts: Operand, same index). */
export type OperandRole =
  /** a state variable (per-neuron, read and written): `initial` gives its starting values */
  | { role: 'state'; variable: string }
  /** a parameter: per-neuron when the population's values differ between neurons, else scalar */
  | { role: 'param'; name: string }
  /** computed on the host from parameters, dt, N and i: per-neuron when any of those is */
  | { role: 'derived'; expr: HostExpr }
  /** the ring slot of the current step for the variable that projections drive (read, then stored 0) */
  | { role: 'input'; variable: string }
  /** draw `draw` of this step: uniform in [0, 1) or standard normal, per neuron, from the counter-based RNG */
  | { role: 'random'; dist: 'uniform' | 'normal'; draw: number }
  /** the time of this step, t = step*dt in ms (scalar) */
  | { role: 'time' };

export interface QuantityInfo {
  name: string;
  /** the unit the value is in, as axonal writes it ('mV', 'ms', 'nA', 'uS', 'nF', 'Hz', '1', 'uS/nF', …) */
  unit: string;
  /** SI dimension exponents [m, kg, s, A, K, mol, cd] (fractions allowed: xi has s^-1/2) */
  dim: readonly number[];
  /**
   * a plain number given for this quantity in a model file is in `unit`; multiplied by `factor`
   * it is the value the kernel computes with (1 for every unit but those with time in the
   * denominator that users give per second: Hz -> 1/ms is 1e-3)
   */
  factor: number;
}

export interface StateInfo extends QuantityInfo {
  /** where it comes from: a differential equation, a Brian2 parameter line `x : unit` that is not constant, or internal (refractory counter, lastspike) */
  kind: 'ode' | 'external' | 'internal';
  /** the value it starts at when `initial` says nothing (0, or for internal ones their own start) */
  defaultInitial: number;
  /** equation line (1-based) in the model's `equations`, 0 for internal variables */
  line: number;
}

export interface ParamInfo extends QuantityInfo {
  /** line of its declaration, or 0 when it only appears in `parameters` */
  line: number;
}

export interface CompiledModel {
  /** the integration method used for each differential equation's variable, as Brian2 names them */
  methods: Record<string, string>;
  state: StateInfo[];
  parameters: ParamInfo[];
  /** variables projections may drive, with the unit of the weight they take (that of the variable) */
  inputs: QuantityInfo[];
  /** one per kernel operand (same order as kernel.operands) */
  roles: OperandRole[];
  /** linear systems of `exact` whose matrix exponential the host computes (HostExpr 'linear') */
  systems: LinearSystem[];
  kernel: KernelIR;
  /** the threshold is checked (and reset applied) in the kernel; refractoriness in steps or by condition */
  refractory: { kind: 'none' } | { kind: 'time'; expr: HostExpr } | { kind: 'condition' };
}

/**
 * dX/dt = A X + b over the variables `vars` (in that order), with A and b functions of parameters
 * only. The host computes, per neuron (or once when shared), the propagator of one step
 * [[e^{A dt}, ∫0^dt e^{A s} ds · b]] by the exponential of the augmented matrix, in double.
 */
export interface LinearSystem {
  vars: string[];
  /** A[r][c] and b[r] */
  A: HostExpr[][];
  b: HostExpr[];
}
