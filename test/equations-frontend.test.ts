/**
 * The front end of Brian2-style models (src/equations: parse, units, analyze, methods, compile).
 * Kernels are run by a small IR interpreter defined here (float32 with Math.fround after every
 * operation, or float64 for convergence orders), since the code generators live elsewhere.
 */
import { describe, expect, it } from 'vitest';
import {
  type EquationSpec, EquationError, analyzeModel, channelKey, channelTerms, compileModel, evaluateDerived, parseOnPre, parseQuantity,
} from '../src/equations/compile.ts';
import { expm } from '../src/equations/expm.ts';
import { evaluateDerived64 } from '../src/equations/host.ts';
import type { Cond, Expr, Stmt } from '../src/equations/ir.ts';
import type { CompiledModel } from '../src/equations/model.ts';
import { userUnit, siName } from '../src/equations/units.ts';

// ---------------------------------------------------------------------------------------------
// IR interpreter

interface SimOptions {
  dt: number;
  N: number;
  /** kernel values (default: the model's parameters converted) */
  params?: Record<string, number | number[]>;
  initial?: Record<string, number | number[]>;
  f64?: boolean;
  seed?: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Sim {
  readonly values: (Float64Array | number)[];
  private readonly uniform: () => number;
  private readonly f: (x: number) => number;
  step = 0;
  constructor(readonly m: CompiledModel, readonly o: SimOptions) {
    this.f = o.f64 ? (x) => x : Math.fround;
    this.uniform = rng(o.seed ?? 1);
    const params: Record<string, number | Float64Array> = {};
    const given = o.params ?? kernelParams.get(m) ?? {};
    for (const [k, val] of Object.entries(given)) params[k] = typeof val === 'number' ? val : Float64Array.from(val);
    const derived = (o.f64 ? evaluateDerived64 : evaluateDerived)(m, { dt: o.dt, N: o.N, params });
    this.values = m.roles.map((r, k) => {
      const per = m.kernel.operands[k].per === 'neuron';
      const arr = (x: number | ArrayLike<number>): Float64Array | number =>
        (per ? (typeof x === 'number' ? new Float64Array(o.N).fill(x) : Float64Array.from(x)) : (x as number));
      switch (r.role) {
        case 'state': {
          const info = m.state.find((s) => s.name === r.variable)!;
          return arr(o.initial?.[r.variable] ?? info.defaultInitial);
        }
        case 'param': return arr(given[r.name]);
        case 'derived': {
          const d = derived[k]!;
          return typeof d === 'number' ? arr(d) : Float64Array.from(d);
        }
        default: return new Float64Array(o.N);
      }
    });
  }

  get(name: string): Float64Array {
    const k = this.m.roles.findIndex((r) => r.role === 'state' && r.variable === name);
    return this.values[k] as Float64Array;
  }

  input(variable: string): Float64Array {
    const k = this.m.roles.findIndex((r) => r.role === 'input' && r.variable === variable);
    return this.values[k] as Float64Array;
  }

  private normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** one step of every neuron; returns the indices that spiked */
  run(): number[] {
    const { m, o, f } = this;
    m.roles.forEach((r, k) => {
      if (r.role === 'time') this.values[k] = f(this.step * o.dt);
      if (r.role === 'random') {
        const a = this.values[k] as Float64Array;
        for (let i = 0; i < o.N; i++) a[i] = f(r.dist === 'normal' ? this.normal() : this.uniform());
      }
    });
    const spikes: number[] = [];
    for (let i = 0; i < o.N; i++) this.neuron(i, m.kernel.body, spikes);
    this.step++;
    return spikes;
  }

  private neuron(i: number, body: Stmt[], spikes: number[]): void {
    const f = this.f;
    const locals = new Map<number, number | boolean>();
    const stored = new Set<number>();
    const load = (k: number): number => {
      if (stored.has(k)) throw new Error('load after store');
      const val = this.values[k];
      return typeof val === 'number' ? val : val[i];
    };
    const call1: Record<string, (x: number) => number> = {
      exp: Math.exp, log: Math.log, expm1: Math.expm1, exprel: (x) => (x === 0 ? 1 : Math.expm1(x) / x), sin: Math.sin,
      cos: Math.cos, tanh: Math.tanh, sqrt: Math.sqrt, abs: Math.abs, floor: Math.floor, ceil: Math.ceil, trunc: Math.trunc, sign: Math.sign,
    };
    const ex = (e: Expr): number => {
      switch (e.op) {
        case 'const': if (Math.fround(e.value) !== e.value) throw new Error('constant not float32'); return e.value;
        case 'load': return load(e.operand);
        case 'local': return locals.get(e.id) as number;
        case 'add': return f(ex(e.a) + ex(e.b));
        case 'sub': return f(ex(e.a) - ex(e.b));
        case 'mul': return f(ex(e.a) * ex(e.b));
        case 'div': return f(ex(e.a) / ex(e.b));
        case 'neg': return -ex(e.a);
        case 'call1': return f(call1[e.fn](ex(e.a)));
        case 'call2': return f(e.fn === 'pow' ? ex(e.a) ** ex(e.b) : e.fn === 'min' ? Math.min(ex(e.a), ex(e.b)) : Math.max(ex(e.a), ex(e.b)));
        case 'select': { const c = cd(e.cond); const a = ex(e.a); const b = ex(e.b); return c ? a : b; }
        case 'bool': return cd(e.cond) ? 1 : 0;
      }
    };
    const cd = (c: Cond): boolean => {
      switch (c.op) {
        case 'lt': return ex(c.a) < ex(c.b);
        case 'le': return ex(c.a) <= ex(c.b);
        case 'gt': return ex(c.a) > ex(c.b);
        case 'ge': return ex(c.a) >= ex(c.b);
        case 'eq': return ex(c.a) === ex(c.b);
        case 'ne': return ex(c.a) !== ex(c.b);
        case 'and': { const a = cd(c.a); const b = cd(c.b); return a && b; }
        case 'or': { const a = cd(c.a); const b = cd(c.b); return a || b; }
        case 'not': return !cd(c.a);
        case 'clocal': return locals.get(c.id) as boolean;
        case 'true': return true;
        case 'false': return false;
      }
    };
    for (const s of body) {
      switch (s.op) {
        case 'let': locals.set(s.id, ex(s.value)); break;
        case 'letc': locals.set(s.id, cd(s.cond)); break;
        case 'spike': if (cd(s.cond)) spikes.push(i); break;
        case 'store': {
          const x = ex(s.value);
          (this.values[s.operand] as Float64Array)[i] = x;
          stored.add(s.operand);
          break;
        }
      }
    }
  }
}

/** the kernel values of the spec's parameters of a built model */
const kernelParams = new WeakMap<CompiledModel, Record<string, number>>();

/** analyse + compile with the spec's parameters */
function build(spec: EquationSpec, opts: { dt?: number; inputs?: string[]; perNeuron?: string[] } = {}): CompiledModel {
  const a = analyzeModel(spec);
  const m = compileModel(a, { dt: opts.dt ?? 0.1, params: spec.parameters ?? {}, inputs: opts.inputs, perNeuron: new Set(opts.perNeuron ?? []) });
  const values: Record<string, number> = {};
  for (const p of m.parameters) {
    const given = spec.parameters![p.name];
    values[p.name] = typeof given === 'number' ? given * p.factor : parseQuantity(given, p.dim).value;
  }
  kernelParams.set(m, values);
  return m;
}

/** the issues of a failing call */
function issues(fn: () => unknown): EquationError['issues'] {
  try {
    fn();
  } catch (err) {
    if (err instanceof EquationError) return err.issues;
    throw err;
  }
  throw new Error('expected an EquationError');
}

// ---------------------------------------------------------------------------------------------

describe('parser', () => {
  it('reads the three forms of equations, flags, comments and continuation lines', () => {
    const a = analyzeModel({
      equations: `
        # leaky integrate-and-fire with a current
        dv/dt = (El - v + R*I_syn)/tau : volt (unless refractory)   # membrane
        I_syn = g*(E_syn - \\
                 v) : amp
        dg/dt = -g/tau_g : siemens
        I_ext : amp
        El : volt (constant)
        tau : second (constant, shared)
        w = (v +
             El) / 2 : volt
      `,
      refractory: 2,
      parameters: { R: '100*Mohm', E_syn: '0*mV', tau_g: '5*ms', El: -65, tau: 20 },
    });
    expect(a.odes.map((o) => [o.name, o.unlessRefractory, o.line])).toEqual([['v', true, 3], ['g', false, 6]]);
    expect(a.externals.map((x) => x.name)).toEqual(['I_ext']);
    expect(a.params.find((p) => p.name === 'tau')).toMatchObject({ shared: true, declared: true, line: 9 });
    expect(a.params.map((p) => p.name).sort()).toEqual(['E_syn', 'El', 'R', 'tau', 'tau_g']);
  });

  it('parses Python expression syntax: numbers, power, unary minus, chained comparisons', () => {
    const m = build({
      equations: 'dx/dt = (-x**2 + 1.5e0*.5 + 5. * 2E-1 - 2**-1) / ms : 1',
      threshold: '0 < x < 2 and not x == 1 or False', parameters: {},
    });
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { x: 3 }, f64: true });
    sim.run();
    // dx/dt = -9 + 0.75 + 1 - 0.5 = -7.75 per ms
    expect(sim.get('x')[0]).toBeCloseTo(3 - 0.775, 12);
  });

  it('reports syntax errors with field, line, column and what was expected', () => {
    const list = issues(() => analyzeModel({
      equations: 'dv/dt = -v/tau : volt\ndw/dt = (v + ) / tau : volt\nx = 3 4 : 1\ny : volt (constant',
      threshold: 'v > = 1', reset: 'v = 0; w + 1',
      parameters: { tau: 10 },
    }));
    const at = list.map((i) => [i.field, i.line, i.column]);
    expect(at).toContainEqual(['equations', 2, 14]);
    expect(at).toContainEqual(['equations', 3, 7]);
    expect(list.find((i) => i.line === 4)!.message).toMatch(/flags/);
    expect(list.find((i) => i.field === 'threshold')!.message).toMatch(/^threshold line 1, column 5: syntax error: expected a number, a name or '\('/);
    expect(list.find((i) => i.field === 'reset')).toMatchObject({ line: 1, column: 8 });
  });

  it('limits line length and nesting depth without overflowing the stack', () => {
    const deep = `${'('.repeat(5000)}v${')'.repeat(5000)}`;
    expect(issues(() => analyzeModel({ equations: `dv/dt = ${deep} / ms : 1` }))[0].message).toMatch(/at most 2000/);
    const nested = `${'('.repeat(100)}v${')'.repeat(100)}`;
    expect(issues(() => analyzeModel({ equations: `dv/dt = ${nested} / ms : 1` }))[0].message).toMatch(/nested deeper than 64/);
    const minus = `${'-'.repeat(500)}v`;
    expect(issues(() => analyzeModel({ equations: `dv/dt = ${minus} / ms : 1` }))[0].message).toMatch(/nested deeper than 64/);
    expect(issues(() => analyzeModel({ equations: 'v : 1\n'.repeat(201) }))[0].message).toMatch(/has 202 lines; at most 200 are allowed/);
  });

  it('collects every kind of error at once, naming field, line and symbol', () => {
    const list = issues(() => analyzeModel({
      equations: [
        'dv/dt = (El - v)/tau_mm + I/nF : volt', // 1 unknown tau_mm (suggest tau_m), I + volt/s mismatch
        'dw/dt = (v - w) : volt', // 2 missing /tau
        'a = b + 1 : 1', // 3 cycle a -> b -> a
        'b = a : 1', // 4
        'tau_m : second (constant)', // 5
        'El : volt (constant)', // 6
        'El : volt (constant)', // 7 defined twice
        'I : amp', // 8
        'ms : second', // 9 unit name
      ].join('\n'),
      threshold: 'v > I',
      reset: 'tau_m = 1*ms\nv = I',
      refractory: 'v',
    }));
    const text = list.map((i) => i.message).join('\n');
    expect(text).toMatch(/equations line 1, column 18: unknown identifier 'tau_mm' \(did you mean 'tau_m'\?\)/);
    expect(text).toMatch(/equations line 2, column 9: dw\/dt = '\(v - w\)' has unit volt \(mV\), but w is in volt \(mV\), so it must be volt\/second \(mV\/ms\)/);
    expect(text).toMatch(/equations line [34], column \d+: subexpressions form a cycle: (a -> b -> a|b -> a -> b)/);
    expect(text).toMatch(/equations line 7, column 1: 'El' is defined twice \(lines 6 and 7\)/);
    expect(text).toMatch(/equations line 9, column 1: 'ms' is the name of a unit/);
    expect(text).toMatch(/threshold line 1, column 1: 'v > I' uses inconsistent units \('v' has unit volt \(mV\); 'I' has unit amp \(nA\)\)/);
    expect(text).toMatch(/reset line 1, column 1: reset assigns to 'tau_m', which is a parameter/);
    expect(text).toMatch(/reset line 2, column 5: 'v = I': 'I' has unit amp \(nA\), expected volt \(mV\)/);
    expect(text).toMatch(/refractory line 1, column 1: refractory 'v' has unit volt \(mV\): expected a time/);
    expect(list.every((i) => i.message.startsWith(`${i.field} line ${i.line}`))).toBe(true);
  });

  it('refuses a threshold that is not a condition, v + I, and unknown functions with suggestions', () => {
    const t = issues(() => analyzeModel({ equations: 'dv/dt = -v/(10*ms) : volt', threshold: 'v - 1*mV' }));
    expect(t[0].message).toMatch(/threshold line 1, column 1: threshold 'v - 1\*mV' is not a condition/);
    const s = issues(() => analyzeModel({ equations: 'dv/dt = (v + I)/ms : volt\nI : amp' }));
    expect(s[0].message).toMatch(/'\(v \+ I\)' uses inconsistent units/);
    const f = issues(() => analyzeModel({ equations: 'dv/dt = epx(-v)/ms : 1' }));
    expect(f[0].message).toMatch(/unknown function 'epx' \(did you mean 'exp'\?\)/);
    expect(issues(() => analyzeModel({ equations: 'dv/dt = tan(v)/ms : 1' }))[0].message).toMatch(/the function 'tan' is not supported/);
    expect(issues(() => analyzeModel({ equations: 'dv/dt = -v/ms : 1', threshold: 'v > 1 & v < 2' }))[0].message).toMatch(/found '&' \(write 'and'\)/);
    const e = issues(() => analyzeModel({ equations: 'dv/dt = exp(v)/ms : volt' }));
    expect(e[0].message).toMatch(/exp\(\) needs dimensionless arguments \('v' has unit volt \(mV\)\)/);
  });

  it('reports parameters never given when compiling with the effective values', () => {
    const a = analyzeModel({ equations: 'dv/dt = (El - v)/tau : volt\nEl : volt (constant)\ntau : second (constant)', parameters: { El: -65 } });
    const list = issues(() => compileModel(a, { dt: 0.1, params: { El: -65 } }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ field: 'equations', line: 3 });
    expect(list[0].message).toMatch(/parameter 'tau' is never given a value \(expected a number in ms/);
    const wrong = issues(() => compileModel(a, { dt: 0.1, params: { El: -65, tau: '5*mV' } }));
    expect(wrong[0].message).toMatch(/parameters.tau line 1, column 1: '5\*mV' has unit volt \(mV\), expected second \(ms\)/);
  });
});

describe('units', () => {
  it('converts Brian2 quantities to kernel units (ms, mV, nA, nF, µS)', () => {
    expect(parseQuantity('10*nS').value).toBeCloseTo(0.01, 15);
    expect(parseQuantity('200*pF').value).toBeCloseTo(0.2, 15);
    expect(parseQuantity('-65*mV').value).toBeCloseTo(-65, 12);
    expect(parseQuantity('0.5*second').value).toBeCloseTo(500, 12);
    expect(parseQuantity('1*Hz').value).toBeCloseTo(0.001, 15);
    expect(parseQuantity('2*msiemens/cm**2').value).toBeCloseTo(2e-5, 18);
    expect(parseQuantity('100*Mohm').value).toBeCloseTo(100, 12);
    expect(parseQuantity('1*mM').value).toBeCloseTo(1, 12);
    expect(parseQuantity('0.5').value).toBe(0.5);
    // a current density times an area: 1 µA/cm² on 100 µm² is 1e-12 A = 0.001 nA
    expect(parseQuantity('1*uA/cm**2').value * parseQuantity('100*um2').value).toBeCloseTo(0.001, 15);
    // plain numbers are in axonal's unit for the expected dimension
    expect(parseQuantity('5', parseQuantity('1*ms').dim).value).toBe(5);
    expect(parseQuantity('5', parseQuantity('1*Hz').dim).value).toBeCloseTo(0.005, 15);
  });

  it('names dimensions as Brian2 (SI) and as axonal (user units, factor)', () => {
    const dim = (s: string): readonly number[] => parseQuantity(s).dim;
    expect(siName(dim('1*volt'))).toBe('volt');
    expect(siName(dim('1*siemens/cm**2'))).toBe('siemens/metre2');
    expect(userUnit(dim('1*siemens/cm**2'))).toEqual({ unit: 'uS/um2', factor: 1 });
    expect(userUnit(dim('1*Hz'))).toEqual({ unit: 'Hz', factor: 1e-3 });
    expect(userUnit(dim('1*mV/ms')).unit).toBe('mV/ms');
    expect(userUnit(dim('1*nA')).unit).toBe('nA');
    expect(userUnit(dim('1*pF')).unit).toBe('nF');
    // every user unit is a Brian2 unit expression whose kernel value is its factor
    for (const q of ['1*Hz', '1*mV/ms', '1*amp/metre**2', '1/second**2', '1*volt**2', '1*coulomb', '1*kelvin', '1*mole', '1*ohm', '1*second**-0.5', '1*kilogram']) {
      const u = userUnit(dim(q));
      expect(parseQuantity(`1*${u.unit}`).value, `${q} -> ${u.unit}`).toBeCloseTo(u.factor, 12);
      expect(parseQuantity(`1*${u.unit}`).dim).toEqual(dim(q));
    }
  });

  it('refuses mismatched units, naming the expected and the found unit', () => {
    const list = issues(() => parseQuantity('3*nA', parseQuantity('1*mV').dim, 'parameters.V_th'));
    expect(list[0].message).toBe("parameters.V_th line 1, column 1: '3*nA' has unit amp (nA), expected volt (mV)");
    expect(issues(() => parseQuantity('3*nA + 2*mV'))[0].message).toMatch(/adds amp \(nA\) and volt \(mV\)/);
    expect(issues(() => parseQuantity('3*bogus'))[0].message).toMatch(/'bogus' is not a unit/);
  });

  it('checks the units of equations: conversions of constants and units of variables', () => {
    const m = build({ equations: 'dv/dt = (-70*mV - v)/(20*ms) + 6*nS*(0*mV - v)/(200*pF) : volt\nr : Hz\nc : siemens/cm**2' });
    const v = m.state.find((s) => s.name === 'v')!;
    expect(v).toMatchObject({ unit: 'mV', factor: 1, kind: 'ode' });
    expect(m.state.find((s) => s.name === 'r')).toMatchObject({ unit: 'Hz', factor: 1e-3, kind: 'external' });
    expect(m.state.find((s) => s.name === 'c')).toMatchObject({ unit: 'uS/um2', kind: 'external' });
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { v: -60 }, f64: true });
    sim.run();
    // exact: tau_eff from 1/20 + 0.006/0.2 = 0.08 per ms
    const k = 0.08;
    const vinf = (-70 / 20) / k;
    expect(sim.get('v')[0]).toBeCloseTo(vinf + (-60 - vinf) * Math.exp(-k * 0.1), 10);
  });
});

describe('integration methods', () => {
  const lif: EquationSpec = {
    equations: 'dv/dt = (v_rest - v)/tau : volt\nv_rest : volt (constant)\ntau : second (constant)',
    parameters: { v_rest: -65, tau: 10 },
  };

  it('computes matrix exponentials to ~1e-15 (Padé 13, scaling and squaring)', () => {
    for (const theta of [0.1, 1, 30]) {
      const r = expm([[0, -theta], [theta, 0]]);
      expect(r[0][0]).toBeCloseTo(Math.cos(theta), 13);
      expect(r[1][0]).toBeCloseTo(Math.sin(theta), 13);
    }
    // [[a, b], [0, 0]]: e^a and b (e^a - 1)/a, the propagator of dx/dt = a x + b
    const [[ea, c]] = expm([[-0.005, 0.3], [0, 0]]);
    expect(Math.abs(ea - Math.exp(-0.005))).toBeLessThan(1e-16);
    expect(Math.abs(c - 0.3 * Math.expm1(-0.005) / -0.005)).toBeLessThan(1e-16);
    const [[big]] = expm([[-50]]);
    expect(big / Math.exp(-50)).toBeCloseTo(1, 12);
  });

  it('exact is chosen for a linear system and matches the closed form', () => {
    const m = build(lif, { perNeuron: ['tau'] });
    expect(m.methods).toEqual({ v: 'exact' });
    expect(m.systems).toHaveLength(1);
    const sim = new Sim(m, { dt: 0.1, N: 2, params: { v_rest: -65, tau: [10, 20] }, initial: { v: [-50, -80] } });
    for (let s = 0; s < 100; s++) sim.run();
    const closed = (v0: number, tau: number): number => -65 + (v0 + 65) * Math.exp(-10 / tau);
    // float32: 100 steps near -60 mV accumulate ~1e-4 mV of rounding
    expect(sim.get('v')[0]).toBeCloseTo(closed(-50, 10), 3);
    expect(sim.get('v')[1]).toBeCloseTo(closed(-80, 20), 3);
  });

  it('refuses per-neuron values for a parameter compiled as shared', () => {
    expect(() => evaluateDerived(build(lif), { dt: 0.1, N: 2, params: { v_rest: -65, tau: [10, 20] } })).toThrow(/'tau' has one value per neuron/);
  });

  it('per-neuron parameters make per-neuron propagators', () => {
    const m = build(lif, { perNeuron: ['tau'] });
    const d = evaluateDerived(m, { dt: 0.1, N: 2, params: { v_rest: -65, tau: [10, 20] } });
    const arrays = d.filter((x) => x instanceof Float32Array) as Float32Array[];
    expect(arrays.length).toBeGreaterThan(0);
    expect(arrays[0][0]).toBe(Math.fround(Math.exp(-0.01)));
    expect(arrays[0][1]).toBe(Math.fround(Math.exp(-0.005)));
  });

  it('exact solves the coupled CUBA system as the analytic solution', () => {
    const m = build({
      equations: 'dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)\ndge/dt = -ge/taue : volt\ndgi/dt = -gi/taui : volt',
      threshold: 'v > -50*mV', reset: 'v = -60*mV', refractory: '5*ms',
      parameters: { El: '-49*mV', taum: '20*ms', taue: '5*ms', taui: '10*ms' },
    });
    expect(m.methods.v).toBe('exact');
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { v: -70, ge: 8, gi: -3 }, f64: true });
    for (let s = 0; s < 200; s++) sim.run();
    const t = 20;
    const part = (g0: number, tg: number): number => (g0 * tg / (tg - 20)) * (Math.exp(-t / tg) - Math.exp(-t / 20));
    const expected = -49 + (-70 + 49) * Math.exp(-t / 20) + part(8, 5) + part(-3, 10);
    expect(sim.get('v')[0]).toBeCloseTo(expected, 9);
    expect(sim.get('ge')[0]).toBeCloseTo(8 * Math.exp(-t / 5), 12);
  });

  it('exact takes external variables as inputs constant over the step', () => {
    const m = build({ equations: 'dv/dt = (-v + R*I)/tau : volt\nI : amp', parameters: { R: '100*Mohm', tau: '10*ms' } });
    expect(m.methods.v).toBe('exact');
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { I: 0.2 }, f64: true });
    for (let s = 0; s < 100; s++) sim.run();
    expect(sim.get('v')[0]).toBeCloseTo(20 * (1 - Math.exp(-1)), 10);
  });

  it('exact uses a second propagator where a clamped variable drives another one', () => {
    const m = build({
      equations: 'dv/dt = (v0 - v)/tau : volt (unless refractory)\ndw/dt = (v - w)/tau_w : volt',
      threshold: 'v > -50*mV', reset: 'v = -60*mV', refractory: '1*ms',
      parameters: { v0: '-40*mV', tau: '10*ms', tau_w: '20*ms' },
    });
    expect(m.methods.w).toBe('exact');
    expect(m.systems.length).toBe(2);
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { v: -49, w: -70 }, f64: true });
    expect(sim.run()).toEqual([0]);
    const w0 = sim.get('w')[0];
    sim.run();
    // while refractory, v stays at -60 over the whole step, and w relaxes towards it exactly
    expect(sim.get('v')[0]).toBe(-60);
    expect(sim.get('w')[0]).toBeCloseTo(-60 + (w0 + 60) * Math.exp(-0.1 / 20), 12);
  });

  it('exact is refused on a non-linear equation with the term that is not linear', () => {
    const list = issues(() => build({ equations: 'dv/dt = v**2/(tau*mV) : volt', method: 'exact', parameters: { tau: '10*ms' } }));
    expect(list[0]).toMatchObject({ field: 'method' });
    expect(list[0].message).toMatch(/method 'exact' does not apply: dv\/dt is not linear in v: the term 'v \*\* 2'/);
    // without a method Brian2 falls back to euler
    expect(build({ equations: 'dv/dt = v**2/(tau*mV) : volt', parameters: { tau: '10*ms' } }).methods.v).toBe('euler');
  });

  it('lowers integer powers to products and hoists host expressions', () => {
    const m = build({ equations: 'dv/dt = -v**3/(tau*mV**2) : volt', method: 'euler', parameters: { tau: '10*ms' } });
    const text = JSON.stringify(m.kernel.body);
    expect(text).not.toMatch(/pow/);
    expect(m.roles.some((r) => r.role === 'derived')).toBe(true);
  });

  // dx/dt = -x² cos(t/tau)/tau, x(0) = 1: x(t) = 1/(1 + sin(t/tau)) (non-linear, depends on t)
  const orderOf = (method: string): number => {
    const err = (dt: number): number => {
      const m = build({ equations: 'dx/dt = -x**2*cos(t/tau)/tau : 1\ntau : second (constant)', method, parameters: { tau: 1 } }, { dt });
      const sim = new Sim(m, { dt, N: 1, initial: { x: 1 }, f64: true });
      for (let s = 0; s < Math.round(1 / dt); s++) sim.run();
      return Math.abs(sim.get('x')[0] - 1 / (1 + Math.sin(1)));
    };
    return Math.log2(err(0.025) / err(0.0125));
  };

  it('euler has order 1, rk2 order 2, rk4 order 4', () => {
    expect(Math.abs(orderOf('euler') - 1)).toBeLessThan(0.1);
    expect(Math.abs(orderOf('rk2') - 2)).toBeLessThan(0.1);
    expect(Math.abs(orderOf('rk4') - 4)).toBeLessThan(0.15);
  });

  it("rk4 is the classical scheme, t + dt/2 at the middle stages", () => {
    const f = (x: number, t: number): number => -x * x * Math.cos(t);
    let x = 1;
    const dt = 0.1;
    for (let s = 0, t = 0; s < 10; s++, t = s * dt) {
      const k1 = dt * f(x, t);
      const k2 = dt * f(x + k1 / 2, t + dt / 2);
      const k3 = dt * f(x + k2 / 2, t + dt / 2);
      const k4 = dt * f(x + k3, t + dt);
      x += (k1 + 2 * k2 + 2 * k3 + k4) / 6;
    }
    const m = build({ equations: 'dx/dt = -x**2*cos(t/tau)/tau : 1\ntau : second (constant)', method: 'rk4', parameters: { tau: 1 } }, { dt });
    const sim = new Sim(m, { dt, N: 1, initial: { x: 1 }, f64: true });
    for (let s = 0; s < 10; s++) sim.run();
    expect(sim.get('x')[0]).toBeCloseTo(x, 13);
  });

  it("heun is Brian2's stochastic Heun: on deterministic equations it is Euler's step", () => {
    expect(Math.abs(orderOf('heun') - 1)).toBeLessThan(0.1);
  });

  it('exponential Euler is exact for constant coefficients (HH gating)', () => {
    const m = build({
      equations: 'dm/dt = alpha*(1 - m) - beta*m : 1\nalpha : Hz (constant)\nbeta : Hz (constant)',
      method: 'exponential_euler', parameters: { alpha: 500, beta: 200 },
    });
    expect(m.methods.m).toBe('exponential_euler');
    const a = 0.5;
    const b = 0.2;
    const sim = new Sim(m, { dt: 0.1, N: 1, params: { alpha: a, beta: b }, initial: { m: 0.1 }, f64: true });
    for (let s = 0; s < 30; s++) sim.run();
    const minf = a / (a + b);
    expect(sim.get('m')[0]).toBeCloseTo(minf + (0.1 - minf) * Math.exp(-(a + b) * 3), 12);
    const bad = issues(() => build({ equations: 'dm/dt = -m**2/ms : 1', method: 'exponential_euler' }));
    expect(bad[0].message).toMatch(/not linear in m .*the term 'm \*\* 2'/);
  });

  it('exponential Euler on HH-like voltage-dependent rates hoists nothing per step but the rates', () => {
    const m = build({
      equations: 'dv/dt = -gl*(v - El)/C : volt\ndn/dt = 0.032*(mV**-1)*5*mV/exprel((15*mV - v)/(5*mV))/ms*(1 - n) - 0.5*exp((10*mV - v)/(40*mV))/ms*n : 1',
      method: 'exponential_euler', parameters: { gl: '10*nS', El: '-65*mV', C: '200*pF' },
    });
    const sim = new Sim(m, { dt: 0.01, N: 1, params: { gl: 0.01, El: -65, C: 0.2 }, initial: { v: -65, n: 0.3 } });
    for (let s = 0; s < 100; s++) sim.run();
    expect(Number.isFinite(sim.get('n')[0])).toBe(true);
    expect(sim.get('v')[0]).toBeCloseTo(-65, 4);
  });

  it('Euler–Maruyama: the stationary variance of an OU process', () => {
    const m = build({
      equations: 'dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt',
      parameters: { tau: '10*ms', sigma: '2*mV' },
    });
    expect(m.methods.v).toBe('euler');
    expect(m.roles.filter((r) => r.role === 'random')).toEqual([{ role: 'random', dist: 'normal', draw: 0 }]);
    const N = 1000;
    const sim = new Sim(m, { dt: 0.1, N, params: { tau: 10, sigma: 2 }, seed: 7 });
    for (let s = 0; s < 400; s++) sim.run();
    const v = sim.get('v');
    const mean = v.reduce((x, y) => x + y, 0) / N;
    const variance = v.reduce((x, y) => x + (y - mean) ** 2, 0) / N;
    expect(Math.abs(mean)).toBeLessThan(0.3);
    expect(variance).toBeGreaterThan(4 * 0.85);
    expect(variance).toBeLessThan(4 * 1.15);
  });

  it('chooses heun for multiplicative noise and refuses stochastic rk4 and exact', () => {
    const spec = { equations: 'dv/dt = -v/tau + 0.1*v*xi/sqrt(tau) : 1', parameters: { tau: '10*ms' } };
    expect(build(spec).methods.v).toBe('heun');
    expect(issues(() => build({ ...spec, method: 'rk4' }))[0].message).toMatch(/rk4 cannot solve stochastic equations/);
    expect(issues(() => build({ ...spec, method: 'euler' }))[0].message).toMatch(/multiplicative/);
    expect(issues(() => build({ ...spec, method: 'exact' }))[0].message).toMatch(/exact integration cannot solve stochastic/);
    expect(issues(() => analyzeModel({ ...spec, method: 'eulr' }))[0].message).toMatch(/unknown integration method 'eulr' \(did you mean 'euler'\?\)/);
  });

  it('updates all variables simultaneously from the old values', () => {
    // rotation: x' = -y, y' = x; Euler from (1, 0) gives (1, dt)
    const m = build({ equations: 'dx/dt = -y/ms : 1\ndy/dt = x/ms : 1', method: 'euler' });
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { x: 1, y: 0 }, f64: true });
    sim.run();
    expect([sim.get('x')[0], sim.get('y')[0]]).toEqual([1, 0.1]);
  });
});

describe('threshold, reset, refractoriness, inputs', () => {
  const lif = (refractory: string | number): EquationSpec => ({
    equations: 'dv/dt = (v0 - v)/tau : volt (unless refractory)\ndw/dt = -w/tau : 1',
    threshold: 'v > -50*mV', reset: 'v = -60*mV; w += 1', refractory,
    parameters: { v0: '-40*mV', tau: '10*ms' },
  });

  it('a refractory time clamps the variable for the steps Brian2 clamps it and blocks the threshold', () => {
    const m = build(lif('2*ms'));
    expect(m.refractory).toEqual({ kind: 'time', expr: { op: 'const', value: 2 } });
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { v: -49 } });
    const spikesAt: number[] = [];
    const v: number[] = [];
    const w: number[] = [];
    for (let s = 0; s < 200; s++) {
      if (sim.run().length) spikesAt.push(s);
      v.push(sim.get('v')[0]);
      w.push(sim.get('w')[0]);
    }
    expect(spikesAt[0]).toBe(0);
    expect(w[0]).toBe(1);
    // after the spike at step 0: v stays at the reset value through step 19 (19 clamped
    // integrations, steps 1..19), integrates again from step 20 (Brian2: timestep(t - lastspike) >= 20)
    expect(v.slice(0, 20).every((x) => x === Math.fround(-60))).toBe(true);
    expect(v[20]).toBeGreaterThan(-60);
    for (let k = 1; k < spikesAt.length; k++) expect(spikesAt[k] - spikesAt[k - 1]).toBeGreaterThanOrEqual(20);
  });

  it("a variable 'unless refractory' keeps its update unmasked where it is kept, the others' stages masked", () => {
    // Brian2 multiplies the derivative by not_refractory; inside select(not_refractory, update, v) that
    // factor is 1.0 (the same bits), so it is left out there, and only there
    /** whether the value stored to `name` uses not_refractory as a 1.0/0.0 factor (through its lets) */
    const masked = (m: CompiledModel, name: string): boolean => {
      const lets = new Map<number, Expr | Cond>();
      const has = (e: Expr | Cond): boolean => {
        switch (e.op) {
          case 'bool': return true;
          case 'local': case 'clocal': return has(lets.get(e.id)!);
          case 'add': case 'sub': case 'mul': case 'div': case 'call2': return has(e.a) || has(e.b);
          case 'neg': case 'call1': case 'not': return has(e.a);
          case 'select':
            if (e.a.op === 'const' && e.a.value === 1 && e.b.op === 'const' && e.b.value === 0) return true;
            return has(e.cond) || has(e.a) || has(e.b);
          case 'lt': case 'le': case 'gt': case 'ge': case 'eq': case 'ne': case 'and': case 'or': return has(e.a) || has(e.b);
          default: return false;
        }
      };
      const k = m.kernel.operands.findIndex((o) => o.name === name);
      let found: boolean | undefined;
      for (const st of m.kernel.body as Stmt[]) {
        if (st.op === 'let') lets.set(st.id, st.value);
        if (st.op === 'letc') lets.set(st.id, st.cond);
        if (st.op === 'store' && st.operand === k) found = has(st.value);
      }
      expect(found, `a store to ${name}`).toBeDefined();
      return found!;
    };
    const euler = build({ ...lif('2*ms'), method: 'euler' });
    expect(masked(euler, 'v')).toBe(false);
    // rk4: w's stages use v's intermediate values, which are masked while refractory
    const coupled = build({ equations: 'dv/dt = (v0 - v)/tau : volt (unless refractory)\ndw/dt = (v - w)/tau : volt', threshold: 'v > -50*mV', reset: 'v = -60*mV',
      refractory: '2*ms', method: 'rk4', parameters: { v0: '-40*mV', tau: '10*ms' } });
    expect(masked(coupled, 'v')).toBe(false);
    expect(masked(coupled, 'w')).toBe(true);
  });

  it('refractory must be a whole number of steps; a number is ms', () => {
    expect(issues(() => build(lif('0.25*ms'), { dt: 0.1 }))[0].message).toMatch(/refractory: the refractory period 0.25 ms is not a whole number of time steps/);
    expect(build(lif(3)).refractory).toEqual({ kind: 'time', expr: { op: 'const', value: 3 } });
  });

  it('a refractory condition keeps the neuron refractory while it holds (Brian2)', () => {
    const m = build(lif('v < -55*mV'));
    expect(m.refractory).toEqual({ kind: 'condition' });
    expect(m.state.find((s) => s.name === 'not_refractory')).toMatchObject({ kind: 'internal', defaultInitial: 1 });
    const sim = new Sim(m, { dt: 0.1, N: 1, initial: { v: -49 } });
    expect(sim.run()).toEqual([0]);
    // clamped at -60 forever: the condition v < -55 mV keeps it refractory
    for (let s = 0; s < 50; s++) expect(sim.run()).toEqual([]);
    expect(sim.get('v')[0]).toBe(Math.fround(-60));
  });

  it('adds inputs after integration, consumes the slot, and reads lastspike', () => {
    const m = build({
      equations: 'dv/dt = -v/tau : volt\ndge/dt = -ge/tau : volt\nsince = t - lastspike : second',
      threshold: 'v > 10*mV and since > 1*ms', reset: 'v = 0*mV', parameters: { tau: '10*ms' },
    }, { inputs: ['v', 'ge'] });
    expect(m.inputs.map((q) => [q.name, q.unit])).toEqual([['v', 'mV'], ['ge', 'mV']]);
    expect(m.state.find((s) => s.name === 'lastspike')).toMatchObject({ defaultInitial: -1e7, unit: 'ms' });
    const sim = new Sim(m, { dt: 0.1, N: 2 });
    sim.input('v')[1] = 20;
    expect(sim.run()).toEqual([1]);
    expect(sim.input('v')[1]).toBe(0);
    expect(sim.get('v')[1]).toBe(0);
    expect(sim.get('lastspike')[1]).toBe(0);
    sim.input('v')[1] = 20;
    expect(sim.run()).toEqual([]); // since = 0.1 ms
  });

  it('parses on_pre statements', () => {
    const a = analyzeModel({ equations: 'dv/dt = -v/(10*ms) : volt\ndge/dt = -ge/(5*ms) : volt' });
    expect(parseOnPre(a, 'ge += w')).toEqual([{ variable: 'ge', factor: 1 }]);
    expect(parseOnPre(a, 'v -= 2*w')).toEqual([{ variable: 'v', factor: -2 }]);
    expect(parseOnPre(a, 'ge_post += w/2')).toEqual([{ variable: 'ge', factor: 0.5 }]);
    expect(parseOnPre(a, 'ge += w; v -= w/4')).toEqual([{ variable: 'ge', factor: 1 }, { variable: 'v', factor: -0.25 }]);
    expect(issues(() => parseOnPre(a, 'ge += w; ge += w'))[0].message).toMatch(/on_pre line 1, column 10: 'ge' is driven twice/);
    expect(channelTerms(channelKey([{ variable: 'ge', factor: 1 }, { variable: 'v', factor: -0.25 }]))).toEqual([{ variable: 'ge', factor: 1 }, { variable: 'v', factor: -0.25 }]);
    expect(issues(() => parseOnPre(a, 'gi += w'))[0].message).toMatch(/on_pre line 1, column 1: the target 'gi' is not a state variable of the model \(variables: v, ge\)/);
    expect(issues(() => parseOnPre(a, 'ge = w'))[0].message).toMatch(/only 'x \+= weight'/);
    expect(issues(() => parseOnPre(a, 'ge += w*v'))[0].message).toMatch(/unsupported on_pre expression 'w\*v'/);
    expect(issues(() => compileModel(a, { dt: 0.1, params: {}, inputs: ['gi'] }))[0].message).toMatch(/on_pre: the target 'gi'/);
    // as in Brian2: w is the weight even where the model has a variable w, which is then w_post
    const b = analyzeModel({ equations: 'dv/dt = (-v - w*Mohm)/tau : volt\ndw/dt = -w/(100*ms) : amp', parameters: { tau: '10*ms' } });
    expect(parseOnPre(b, 'v += w')).toEqual([{ variable: 'v', factor: 1 }]);
    expect(parseOnPre(b, 'w_post -= 3*w')).toEqual([{ variable: 'w', factor: -3 }]);
    expect(parseOnPre(b, 'v += weight')).toEqual([{ variable: 'v', factor: 1 }]);
    expect(issues(() => parseOnPre(b, 'w += w'))[0].message).toMatch(/on_pre line 1, column 1: the target 'w' is the synapse's weight .* 'w_post'/);
    expect(issues(() => parseOnPre(b, 'v += w_post'))[0].message).toMatch(/unsupported on_pre expression 'w_post'.*the target's variable w/);
    expect(issues(() => parseOnPre(b, 'v += tau/2'))[0].message).toMatch(/'tau' is the target's parameter tau/);
  });

  it('uses random draws per call site and i, N as derived operands', () => {
    const m = build({ equations: 'dv/dt = (rand() + randn()*0 + i/N - v)/ms : 1' });
    const random = m.roles.filter((r) => r.role === 'random');
    expect(random).toEqual([{ role: 'random', dist: 'uniform', draw: 0 }, { role: 'random', dist: 'normal', draw: 1 }]);
    const d = evaluateDerived(m, { dt: 0.1, N: 4, params: {} });
    expect(d.find((x) => x instanceof Float32Array)).toEqual(Float32Array.from([0, 0.25, 0.5, 0.75]));
  });
});
