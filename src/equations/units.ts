/**
 * Physical units: dimensions, Brian2's unit names, and the conversion to the kernel's numbers.
 *
 * A dimension is a vector of exponents over the SI base units [m, kg, s, A, K, mol, cd]; exponents
 * may be fractions (white noise xi has s^-1/2).
 *
 * Kernel units. The kernel computes in the coherent system built on ms, mV and nA, so that
 * nA = µS·mV and nF·mV/ms = nA. Per SI base unit, one SI unit is this many kernel units:
 *     s -> 1e3 (ms)     A -> 1e9 (nA)     m -> 1e6 (µm)     kg -> 1e9 (µg: pinned by V -> 1e3,
 *     since V = kg·m²·s⁻³·A⁻¹ gives 1e9·1e12·1e-9·1e-9 = 1e3)     mol -> 1e18 (amol, so that
 *     mM = amol/µm³ is 1)     K, cd -> 1.
 * Hence µS, nF, MΩ, pC, µm, mM are 1 in the kernel; 1 Hz is 1e-3 (per ms); 1 S/cm² is 1e-2 µS/µm².
 *
 * User units. A plain number in a model file (a parameter, an initial value) is in axonal's unit
 * for the quantity's dimension (`userUnit`): ms, mV, nA, nF, uS, Hz, um, mM, Mohm, pcoulomb, 1, …
 * and otherwise a composition of those with um and ms (`uS/um2`, `mV/ms`, `mV**2`, `1/ms**2`),
 * always a valid Brian2 unit expression. Its kernel value is the number times `factor` — 1 for
 * every unit except Hz (1e-3).
 */
import { Issues, Source } from './errors.ts';
import { type Ast, parseExpression } from './parse.ts';

export type Dim = readonly number[];

export const DIMENSIONLESS: Dim = [0, 0, 0, 0, 0, 0, 0];
const BASE_SI = ['m', 'kg', 's', 'A', 'K', 'mol', 'cd'];
/** kernel units per SI unit, per base dimension (see the header) */
const KERNEL_PER_SI = [1e6, 1e9, 1e3, 1e9, 1, 1e18, 1];

const d = (m = 0, kg = 0, s = 0, A = 0, K = 0, mol = 0, cd = 0): Dim => [m, kg, s, A, K, mol, cd];

export function dimMul(a: Dim, b: Dim): Dim { return a.map((x, k) => x + b[k]); }
export function dimDiv(a: Dim, b: Dim): Dim { return a.map((x, k) => x - b[k]); }
export function dimPow(a: Dim, p: number): Dim { return a.map((x) => x * p); }
export function dimEq(a: Dim, b: Dim): boolean { return a.every((x, k) => Math.abs(x - b[k]) < 1e-9); }
export function isDimensionless(a: Dim): boolean { return dimEq(a, DIMENSIONLESS); }

export const TIME = d(0, 0, 1);
export const VOLT = d(2, 1, -3, -1);

/** kernel value of one SI unit of dimension `dim` */
export function kernelScale(dim: Dim): number {
  let s = 1;
  dim.forEach((x, k) => { if (x !== 0) s *= KERNEL_PER_SI[k] ** x; });
  return s;
}

// ---------------------------------------------------------------------------------------------
// Brian2's unit names

interface UnitDef { dim: Dim; si: number }

const NAMED_SI: [string[], Dim, number][] = [
  [['metre', 'meter'], d(1), 1],
  [['gram', 'gramme'], d(0, 1), 1e-3],
  [['second'], d(0, 0, 1), 1],
  [['amp', 'ampere'], d(0, 0, 0, 1), 1],
  [['kelvin'], d(0, 0, 0, 0, 1), 1],
  [['mole', 'mol'], d(0, 0, 0, 0, 0, 1), 1],
  [['candle'], d(0, 0, 0, 0, 0, 0, 1), 1],
  [['molar'], d(-3, 0, 0, 0, 0, 1), 1e3],
  [['radian', 'steradian'], d(), 1],
  [['hertz', 'becquerel'], d(0, 0, -1), 1],
  [['newton'], d(1, 1, -2), 1],
  [['pascal'], d(-1, 1, -2), 1],
  [['joule'], d(2, 1, -2), 1],
  [['watt'], d(2, 1, -3), 1],
  [['coulomb'], d(0, 0, 1, 1), 1],
  [['volt'], VOLT, 1],
  [['farad'], d(-2, -1, 4, 2), 1],
  [['ohm'], d(2, 1, -3, -2), 1],
  [['siemens'], d(-2, -1, 3, 2), 1],
  [['weber'], d(2, 1, -2, -1), 1],
  [['tesla'], d(0, 1, -2, -1), 1],
  [['henry'], d(2, 1, -2, -2), 1],
  [['lumen'], d(0, 0, 0, 0, 0, 0, 1), 1],
  [['lux'], d(-2, 0, 0, 0, 0, 0, 1), 1],
  [['gray', 'sievert'], d(2, 0, -2), 1],
  [['katal'], d(0, 0, -1, 0, 0, 1), 1],
];
const PREFIXES: [string, number][] = [
  ['y', -24], ['z', -21], ['a', -18], ['f', -15], ['p', -12], ['n', -9], ['u', -6], ['m', -3], ['c', -2], ['d', -1],
  ['da', 1], ['h', 2], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18], ['Z', 21], ['Y', 24],
];
/** Brian2's stdunits: short names */
const SHORT: Record<string, string> = {
  mV: 'mvolt', mA: 'mamp', uA: 'uamp', nA: 'namp', pA: 'pamp', pF: 'pfarad', uF: 'ufarad', nF: 'nfarad',
  nS: 'nsiemens', uS: 'usiemens', mS: 'msiemens', ms: 'msecond', us: 'usecond', Hz: 'hertz', kHz: 'khertz',
  MHz: 'Mhertz', cm: 'cmetre', cm2: 'cmetre2', cm3: 'cmetre3', mm: 'mmetre', mm2: 'mmetre2', mm3: 'mmetre3',
  um: 'umetre', um2: 'umetre2', um3: 'umetre3', mM: 'mmolar', uM: 'umolar', nM: 'nmolar',
};

function buildUnits(): Map<string, UnitDef> {
  const table = new Map<string, UnitDef>();
  const add = (name: string, u: UnitDef): void => {
    table.set(name, u);
    table.set(`${name}2`, { dim: dimPow(u.dim, 2), si: u.si ** 2 });
    table.set(`${name}3`, { dim: dimPow(u.dim, 3), si: u.si ** 3 });
  };
  for (const [names, dim, si] of NAMED_SI) {
    for (const name of names) {
      add(name, { dim, si });
      for (const [p, e] of PREFIXES) add(p + name, { dim, si: si * 10 ** e });
    }
  }
  for (const name of ['kilogram', 'kilogramme']) add(name, { dim: d(0, 1), si: 1 });
  for (const name of ['liter', 'litre']) add(name, { dim: d(3), si: 1e-3 });
  for (const [short, long] of Object.entries(SHORT)) table.set(short, table.get(long)!);
  return table;
}

let unitTable: Map<string, UnitDef> | null = null;
/** the table of units, built at its first use (2–3 ms, which a run without equations need not spend) */
const units = (): Map<string, UnitDef> => (unitTable ??= buildUnits());

/** The unit called `name` in Brian2 (`mV`, `nsiemens`, `cm2`, …), with its kernel value. */
export function lookupUnit(name: string): { dim: Dim; kernel: number } | undefined {
  const u = units().get(name);
  return u && { dim: u.dim, kernel: u.si * kernelScale(u.dim) };
}

export function unitNames(): Iterable<string> { return units().keys(); }

// ---------------------------------------------------------------------------------------------
// Names for dimensions

/** SI names for messages, Brian2-style */
const SI_NAMES: [string, Dim][] = [
  ['1', d()], ['volt', VOLT], ['amp', d(0, 0, 0, 1)], ['siemens', d(-2, -1, 3, 2)], ['farad', d(-2, -1, 4, 2)],
  ['second', TIME], ['hertz', d(0, 0, -1)], ['ohm', d(2, 1, -3, -2)], ['coulomb', d(0, 0, 1, 1)],
  ['metre', d(1)], ['kilogram', d(0, 1)], ['mole', d(0, 0, 0, 0, 0, 1)], ['molar', d(-3, 0, 0, 0, 0, 1)],
  ['kelvin', d(0, 0, 0, 0, 1)], ['watt', d(2, 1, -3)], ['joule', d(2, 1, -2)], ['newton', d(1, 1, -2)],
  ['henry', d(2, 1, -2, -2)], ['weber', d(2, 1, -2, -1)], ['tesla', d(0, 1, -2, -1)], ['candle', d(0, 0, 0, 0, 0, 0, 1)],
];
/** axonal's units: [name, dimension, kernel value of one of them] */
const USER_NAMES: [string, Dim, number][] = [
  ['1', d(), 1], ['ms', TIME, 1], ['mV', VOLT, 1], ['nA', d(0, 0, 0, 1), 1], ['nF', d(-2, -1, 4, 2), 1],
  ['uS', d(-2, -1, 3, 2), 1], ['Hz', d(0, 0, -1), 1e-3], ['um', d(1), 1], ['mM', d(-3, 0, 0, 0, 0, 1), 1],
  ['Mohm', d(2, 1, -3, -2), 1], ['pcoulomb', d(0, 0, 1, 1), 1], ['kelvin', d(0, 0, 0, 0, 1), 1], ['amol', d(0, 0, 0, 0, 0, 1), 1],
];

/** name^p as Brian2 writes it: um2, metre3 when that unit exists, else ms**2 */
function powText(name: string, p: number): string {
  if (p === 1) return name;
  if ((p === 2 || p === 3) && units().has(`${name}${p}`)) return `${name}${p}`;
  return `${name}**${p}`;
}

/**
 * Writes `dim` as named * length^j * time^k (named^p allowed), the simplest such form, e.g.
 * 'siemens/metre2' or 'uS/um2'; falls back to base-unit exponents.
 */
function compose(dim: Dim, names: [string, Dim, ...unknown[]][], length: string, time: string, base: string[]): string {
  let best: { text: string; cost: number } | undefined;
  for (const [name, nd] of names) {
    for (const p of [1, 2, 3, -1, 0.5, -0.5]) {
      if (name === '1' && p !== 1) continue;
      for (let j = -3; j <= 3; j++) {
        for (let k = -3; k <= 3; k++) {
          const cand = dimMul(dimPow(nd, p), dimMul(dimPow(d(1), j), dimPow(TIME, k)));
          if (!dimEq(cand, dim)) continue;
          const cost = (p === 1 ? 0 : 1) + Math.abs(j) + Math.abs(k) + (name === '1' ? 0.5 : 0);
          if (best && best.cost <= cost) continue;
          const num: string[] = [];
          const den: string[] = [];
          const put = (n: string, e: number): void => { if (e > 0) num.push(powText(n, e)); else if (e < 0) den.push(powText(n, -e)); };
          if (name !== '1') put(name, p);
          put(length, j);
          put(time, k);
          const text = (num.length ? num.join('*') : '1') + (den.length ? `/${den.join('/')}` : '');
          best = { text, cost };
        }
      }
    }
  }
  if (best) return best.text;
  return dim.map((x, k) => (x === 0 ? '' : x === 1 ? base[k] : `${base[k]}**${x}`)).filter((s) => s).join('*');
}

/** Brian2-style SI name of a dimension: 'volt', 'siemens/metre2', '1' */
export function siName(dim: Dim): string {
  return compose(dim, SI_NAMES, 'metre', 'second', BASE_SI);
}

/** axonal's unit for a dimension ('mV', 'uS/um2', 'Hz', '1') and the kernel value of one of it */
export function userUnit(dim: Dim): { unit: string; factor: number } {
  for (const [name, nd, kernel] of USER_NAMES) if (dimEq(nd, dim)) return { unit: name, factor: kernel };
  const unit = compose(dim, USER_NAMES.filter(([n]) => n !== 'Hz'), 'um', 'ms', ['um', 'ugram', 'ms', 'nA', 'kelvin', 'amol', 'candle']);
  return { unit, factor: 1 };
}

/** 'volt (mV)' — for messages */
export function describeDim(dim: Dim): string {
  const si = siName(dim);
  const user = userUnit(dim).unit;
  if (si === '1') return 'dimensionless (1)';
  return si === user ? si : `${si} (${user})`;
}

// ---------------------------------------------------------------------------------------------
// Unit expressions and quantities

/**
 * The dimension and kernel value of a constant expression of numbers, unit names, `pi`, `e`,
 * + - * / and ** with a constant exponent; reports (and returns undefined) otherwise.
 */
export function evalConstant(ast: Ast, src: Source, issues: Issues, unitsOnly: boolean): { value: number; dim: Dim } | undefined {
  const text = (n: Ast): string => src.text.slice(n.s, n.e).trim();
  const go = (n: Ast): { value: number; dim: Dim } | undefined => {
    switch (n.k) {
      case 'num': return { value: n.v, dim: DIMENSIONLESS };
      case 'id': {
        const u = lookupUnit(n.name);
        if (u) return { value: u.kernel, dim: u.dim };
        if (!unitsOnly && (n.name === 'pi' || n.name === 'e')) return { value: n.name === 'pi' ? Math.PI : Math.E, dim: DIMENSIONLESS };
        if (n.name === 'boolean' || n.name === 'integer') {
          issues.at(src, n.s, `the type '${n.name}' is not supported: variables are floating-point quantities with a unit`);
        } else issues.at(src, n.s, `'${n.name}' is not a unit`);
        return undefined;
      }
      case 'neg': {
        const a = go(n.a);
        if (unitsOnly) { issues.at(src, n.s, 'a unit cannot be negative'); return undefined; }
        return a && { value: -a.value, dim: a.dim };
      }
      case 'bin': {
        const a = go(n.a);
        const b = go(n.b);
        if (!a || !b) return undefined;
        switch (n.op) {
          case '*': return { value: a.value * b.value, dim: dimMul(a.dim, b.dim) };
          case '/': return { value: a.value / b.value, dim: dimDiv(a.dim, b.dim) };
          case '**':
            if (!isDimensionless(b.dim)) { issues.at(src, n.b.s, `the exponent '${text(n.b)}' must be dimensionless`); return undefined; }
            return { value: a.value ** b.value, dim: dimPow(a.dim, b.value) };
          case '+': case '-':
            if (!unitsOnly) {
              if (!dimEq(a.dim, b.dim)) {
                issues.at(src, n.s, `'${text(n)}' adds ${describeDim(a.dim)} and ${describeDim(b.dim)}`);
                return undefined;
              }
              return { value: n.op === '+' ? a.value + b.value : a.value - b.value, dim: a.dim };
            }
        }
        issues.at(src, n.s, `'${text(n)}' is not a ${unitsOnly ? 'unit' : 'quantity'}: expected numbers and units joined by *, / and **`);
        return undefined;
      }
      default:
        issues.at(src, n.s, `'${text(n)}' is not a ${unitsOnly ? 'unit' : 'quantity'}: expected numbers and units joined by *, / and **`);
        return undefined;
    }
  };
  return go(ast);
}

/** true when the expression names no unit */
function unitless(ast: Ast): boolean {
  switch (ast.k) {
    case 'id': return lookupUnit(ast.name) === undefined;
    case 'neg': case 'not': return unitless(ast.a);
    case 'bin': return unitless(ast.a) && unitless(ast.b);
    case 'call': return ast.args.every(unitless);
    default: return true;
  }
}

/**
 * A quantity written by a user, such as "10*nS", "-65*mV", "2*msiemens/cm**2", "0.5": its value
 * in kernel units and its dimension. A text without units, for a quantity whose dimension is
 * expected, is a number in axonal's unit for that dimension (userUnit): "5" for a time is 5 ms,
 * for a rate 5 Hz. With `expectedDim`, another dimension is an error that names both units.
 * Throws EquationError.
 */
export function parseQuantity(text: string, expectedDim?: Dim, field = 'value'): { value: number; dim: Dim } {
  const issues = new Issues();
  const src = Source.ofLine(field, text, 1);
  const parsed = parseExpression(src, issues);
  let result: { value: number; dim: Dim } | undefined;
  if (parsed) {
    result = evalConstant(parsed.ast, src, issues, false);
    if (result && expectedDim && isDimensionless(result.dim) && unitless(parsed.ast)) {
      result = { value: result.value * userUnit(expectedDim).factor, dim: expectedDim };
    }
    if (result && expectedDim && !dimEq(result.dim, expectedDim)) {
      issues.at(src, 0, `'${text.trim()}' has unit ${describeDim(result.dim)}, expected ${describeDim(expectedDim)}`);
    }
    if (result && !Number.isFinite(result.value)) issues.at(src, 0, `'${text.trim()}' is not a finite number`);
  }
  issues.throwIfAny();
  return result!;
}

