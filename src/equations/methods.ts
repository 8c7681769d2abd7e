/**
 * Integration methods, as Brian2 defines them (brian2/stateupdaters). Every method computes the
 * new value of every variable from the old values of all (a simultaneous update). Notation:
 * f(X, t) is the deterministic part of dX/dt, g_j(X, t) the factor of the noise xi_j
 * (dX/dt = f + Σ g_j xi_j), dW_j = sqrt(dt) n_j with n_j a standard normal draw per step.
 *
 *   exact              dX/dt = A X + b with A, b constant over the step (parameters, dt, external
 *                      variables in b):  X' = e^{A dt} X + Φ b,  Φ = ∫0^dt e^{A s} ds,
 *                      computed on the host (see compile.ts: 'linear' host expressions)
 *   exponential_euler  dx/dt = A x + B, A and B free of x:  x' = x + (A x + B) dt exprel(A dt)
 *                      (= (x + B/A) e^{A dt} - B/A, Brian2's formula, without dividing by A)
 *   euler              x' = x + dt f(X, t) + Σ g_j dW_j              (additive noise only)
 *   rk2 (midpoint)     k = dt f(X, t);  x' = x + dt f(X + k/2, t + dt/2)
 *   rk4                k1 = dt f(X, t), k2 = dt f(X + k1/2, t + dt/2), k3 = dt f(X + k2/2, t + dt/2),
 *                      k4 = dt f(X + k3, t + dt);  x' = x + (k1 + 2 k2 + 2 k3 + k4)/6
 *   heun (stochastic)  X_s = X + g_j(X, t) dW_j,  x' = x + dt f(X, t) + Σ_j dW_j (g_j(X, t) + g_j(X_s, t + dt))/2
 *                      (Brian2's stochastic Heun: without noise it is Euler's step)
 * When `method` is not given, Brian2's choice: exact if the system is linear with constant
 * coefficients, else euler if it is deterministic or has additive noise, else heun.
 *
 * Refractoriness: a variable flagged `unless refractory` has its derivative multiplied by
 * not_refractory, as Brian2 does (and compile.ts also keeps its old value while refractory). For
 * `exact` the propagator assumes not_refractory = 1; when another variable depends on a clamped
 * one, a second propagator with the clamped rows zeroed is used where not_refractory is false.
 *
 * After integration, a `noise` leaf stands for the standard normal draw n_j of that xi.
 */
import * as X from './expr.ts';
import type { E } from './expr.ts';

export interface OdeInput { name: string; rhs: E; clamped: boolean }

/** A linear system as symbolic entries (compile.ts turns them into HostExpr). */
export interface SystemE { vars: string[]; A: E[][]; b: E[] }

export interface Integration {
  method: string;
  /** new value of each variable, in terms of the old values */
  updates: Map<string, E>;
  systems: SystemE[];
}

/** e = coef * x + rest with coef, rest free of x; or the term that is not linear in x */
export type Linear = { ok: true; coef: E; rest: E } | { ok: false; term: E };

export function linearIn(e: E, isX: (leaf: E) => boolean): Linear {
  const has = (y: E): boolean => X.some(y, isX);
  const go = (y: E): Linear => {
    if (!has(y)) return { ok: true, coef: X.ZERO, rest: y };
    switch (y.k) {
      case 'var': case 'noise': return { ok: true, coef: X.ONE, rest: X.ZERO };
      case 'neg': {
        const a = go(y.a);
        return a.ok ? { ok: true, coef: X.neg(a.coef), rest: X.neg(a.rest) } : a;
      }
      case 'bin': {
        if (y.op === '+' || y.op === '-') {
          const a = go(y.a);
          if (!a.ok) return a;
          const b = go(y.b);
          if (!b.ok) return b;
          return { ok: true, coef: X.bin(y.op, a.coef, b.coef), rest: X.bin(y.op, a.rest, b.rest) };
        }
        if (y.op === '*' && !(has(y.a) && has(y.b))) {
          const [lin, other] = has(y.a) ? [go(y.a), y.b] : [go(y.b), y.a];
          return lin.ok ? { ok: true, coef: X.mul(lin.coef, other), rest: X.mul(lin.rest, other) } : lin;
        }
        if (y.op === '/' && !has(y.b)) {
          const a = go(y.a);
          return a.ok ? { ok: true, coef: X.div(a.coef, y.b), rest: X.div(a.rest, y.b) } : a;
        }
        return { ok: false, term: y };
      }
      default: return { ok: false, term: y };
    }
  };
  return go(e);
}

const isVar = (name: string) => (leaf: E): boolean => leaf.k === 'var' && leaf.name === name;
const NR: E = X.select(X.v('not_refractory'), X.ONE, X.ZERO);

class Unsupported extends Error {}

interface Split { f: E; g: Map<string, E> }

/** f + Σ g_j xi_j */
function splitNoise(rhs: E, noise: string[], name: string): Split {
  let f = rhs;
  const g = new Map<string, E>();
  for (const xi of noise) {
    const lin = linearIn(f, (l) => l.k === 'noise' && l.name === xi);
    if (!lin.ok) throw new Unsupported(`the noise ${xi} must appear linearly in d${name}/dt (as a factor of a term), but appears in '${X.show(lin.term)}'`);
    if (!(lin.coef.k === 'num' && lin.coef.v === 0)) g.set(xi, lin.coef);
    f = lin.rest;
  }
  return { f, g };
}

/** what the host can compute: names (parameters, dt, N, i) and whole expressions */
export interface HostTest { name: (name: string) => boolean; expr: (e: E) => boolean }

function exact(odes: OdeInput[], splits: Split[], host: HostTest, systems: SystemE[]): Map<string, E> {
  if (splits.some((s) => s.g.size > 0)) throw new Unsupported('exact integration cannot solve stochastic equations');
  const names = odes.map((o) => o.name);
  const n = names.length;
  const A: E[][] = [];
  const bHost: E[] = [];
  const bKernel: E[] = [];
  splits.forEach(({ f }, r) => {
    const row: E[] = [];
    let rest = f;
    for (const c of names) {
      const lin = linearIn(rest, isVar(c));
      if (!lin.ok) throw new Unsupported(`d${names[r]}/dt is not linear in ${c}: the term '${X.show(lin.term)}'`);
      row.push(lin.coef);
      rest = lin.rest;
    }
    row.forEach((coef, c) => {
      for (const used of X.varNames(coef)) {
        if (names.includes(used)) throw new Unsupported(`d${names[r]}/dt is not linear: the factor '${X.show(coef)}' of ${names[c]} depends on the variable ${used}`);
        if (!host.name(used)) throw new Unsupported(`in d${names[r]}/dt the factor '${X.show(coef)}' of ${names[c]} depends on '${used}', which is not a parameter constant over the run`);
      }
      if (X.hasRandom(coef)) throw new Unsupported(`in d${names[r]}/dt the factor '${X.show(coef)}' of ${names[c]} is random`);
      if (!host.expr(coef)) throw new Unsupported(`in d${names[r]}/dt the factor '${X.show(coef)}' of ${names[c]} cannot be computed before the run`);
    });
    A.push(row);
    if (X.hasRandom(rest)) throw new Unsupported(`d${names[r]}/dt has a random term '${X.show(rest)}'`);
    if (X.uses(rest, 't')) throw new Unsupported(`d${names[r]}/dt depends on t in '${X.show(rest)}', which is not constant over a time step`);
    const [onHost, kernel] = splitTerms(rest, host.expr);
    bHost.push(onHost);
    bKernel.push(kernel);
  });
  const zero = (e: E): boolean => e.k === 'num' && e.v === 0;
  const clamped = odes.map((o) => o.clamped);
  /** the derivative of r depends, directly or through other variables, on c (so M[r][c] may be non-zero) */
  const reachOf = (Am: E[][], r: number, c: number): boolean => {
    const seen = new Set<number>([r]);
    const stack = [r];
    while (stack.length) {
      const k = stack.pop()!;
      if (k === c) return true;
      for (let j = 0; j < n; j++) if (!seen.has(j) && !zero(Am[k][j])) { seen.add(j); stack.push(j); }
    }
    return false;
  };
  const needsSecond = names.some((_, r) => !clamped[r] && names.some((__, c) => c !== r && clamped[c] && reachOf(A, r, c)));

  const build = (Am: E[][], bh: E[], bk: E[]): Map<string, E> => {
    const out = new Map<string, E>();
    // connected components of the coupling graph, each its own system
    const comp = names.map((_, k) => k);
    const find = (k: number): number => (comp[k] === k ? k : (comp[k] = find(comp[k])));
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (!zero(Am[r][c])) comp[find(r)] = find(c);
    for (let root = 0; root < n; root++) {
      const members = names.map((_, k) => k).filter((k) => find(k) === root);
      if (members.length === 0) continue;
      const vars = members.map((k) => names[k]);
      const sub = members.map((r) => members.map((c) => Am[r][c]));
      const base = systems.length;
      systems.push({ vars, A: sub, b: members.map((k) => bh[k]) });
      const extra = new Map<number, number>();
      members.forEach((k, local) => {
        if (zero(bk[k])) return;
        extra.set(local, systems.length);
        systems.push({ vars, A: sub, b: members.map((_, j) => (j === local ? X.ONE : X.ZERO)) });
      });
      const col = vars.length;
      members.forEach((r, lr) => {
        let value: E = X.ZERO;
        members.forEach((c, lc) => {
          if (reachOf(Am, r, c)) value = X.add(value, X.mul({ k: 'lin', system: base, row: lr, col: lc }, X.v(names[c])));
        });
        if (members.some((c) => reachOf(Am, r, c) && !zero(bh[c]))) value = X.add(value, { k: 'lin', system: base, row: lr, col });
        for (const [lc, sys] of extra) {
          if (reachOf(Am, r, members[lc])) value = X.add(value, X.mul({ k: 'lin', system: sys, row: lr, col }, bk[members[lc]]));
        }
        out.set(names[r], value);
      });
    }
    return out;
  };
  const first = build(A, bHost, bKernel);
  if (!needsSecond) return first;
  const keep = (row: E[], r: number): E[] => (clamped[r] ? row.map(() => X.ZERO) : row);
  const second = build(A.map(keep), bHost.map((x, r) => (clamped[r] ? X.ZERO : x)), bKernel.map((x, r) => (clamped[r] ? X.ZERO : x)));
  const out = new Map<string, E>();
  // a clamped variable keeps its value anyway while refractory (compile.ts), the others switch
  names.forEach((name, r) => out.set(name, clamped[r] ? first.get(name)! : X.select(X.v('not_refractory'), first.get(name)!, second.get(name)!)));
  return out;
}

/** splits a sum into the terms the host can compute and the others */
function splitTerms(e: E, hostExpr: (e: E) => boolean): [E, E] {
  if (hostExpr(e)) return [e, X.ZERO];
  if (e.k === 'bin' && (e.op === '+' || e.op === '-')) {
    const [ha, ka] = splitTerms(e.a, hostExpr);
    const [hb, kb] = splitTerms(e.b, hostExpr);
    return [X.bin(e.op, ha, hb), X.bin(e.op, ka, kb)];
  }
  if (e.k === 'neg') {
    const [h, k] = splitTerms(e.a, hostExpr);
    return [X.neg(h), X.neg(k)];
  }
  return [X.ZERO, e];
}

function explicit(method: string, odes: OdeInput[], splits: Split[], noise: string[]): Map<string, E> {
  const names = odes.map((o) => o.name);
  const dt = X.v('dt');
  const t = X.v('t');
  const stochastic = splits.some((s) => s.g.size > 0);
  const multiplicative = splits.some((s) => [...s.g.values()].some((g) => names.some((nm) => X.uses(g, nm))));
  const at = (e: E, shift: Map<string, E>, dtFrac: E | null): E => {
    const map = new Map<string, E>();
    for (const nm of names) { const d = shift.get(nm); if (d) map.set(nm, X.add(X.v(nm), d)); }
    if (dtFrac) map.set('t', X.add(t, dtFrac));
    return X.substVars(e, map);
  };
  const dW = (xi: string): E => X.mul(X.call('sqrt', [dt]), { k: 'noise', name: xi });
  const out = new Map<string, E>();
  /** dt * f(X + shift, t + dtFrac) per variable */
  const kOf = (shift: Map<string, E>, dtFrac: E | null): Map<string, E> =>
    new Map(names.map((nm, r) => [nm, X.mul(dt, at(splits[r].f, shift, dtFrac))]));
  switch (method) {
    case 'euler': {
      if (multiplicative) throw new Unsupported("euler handles additive noise only; this noise is multiplicative (its factor depends on a variable): use method 'heun'");
      names.forEach((nm, r) => {
        let x = X.add(X.v(nm), X.mul(dt, splits[r].f));
        for (const [xi, g] of splits[r].g) x = X.add(x, X.mul(g, dW(xi)));
        out.set(nm, x);
      });
      return out;
    }
    case 'rk2': case 'rk4': {
      if (stochastic) throw new Unsupported(`${method} cannot solve stochastic equations: use 'euler' (additive noise) or 'heun'`);
      const halfOf = (k: Map<string, E>): Map<string, E> => new Map([...k].map(([nm, x]) => [nm, X.div(x, X.num(2))]));
      const k1 = kOf(new Map(), null);
      const half = X.div(dt, X.num(2));
      if (method === 'rk2') {
        names.forEach((nm, r) => out.set(nm, X.add(X.v(nm), X.mul(dt, at(splits[r].f, halfOf(k1), half)))));
        return out;
      }
      const k2 = kOf(halfOf(k1), half);
      const k3 = kOf(halfOf(k2), half);
      const k4 = kOf(k3, dt);
      names.forEach((nm) => {
        const sum = X.add(X.add(X.add(k1.get(nm)!, X.mul(X.num(2), k2.get(nm)!)), X.mul(X.num(2), k3.get(nm)!)), k4.get(nm)!);
        out.set(nm, X.add(X.v(nm), X.div(sum, X.num(6))));
      });
      return out;
    }
    case 'heun': {
      names.forEach((nm, r) => out.set(nm, X.add(X.v(nm), X.mul(dt, splits[r].f))));
      for (const xi of noise) {
        const support = new Map<string, E>();
        names.forEach((nm, r) => { const g = splits[r].g.get(xi); if (g) support.set(nm, X.mul(g, dW(xi))); });
        names.forEach((nm, r) => {
          const g = splits[r].g.get(xi);
          if (!g) return;
          const gs = at(g, support, dt);
          out.set(nm, X.add(out.get(nm)!, X.mul(X.mul(X.num(0.5), dW(xi)), X.add(g, gs))));
        });
      }
      return out;
    }
  }
  throw new Unsupported(`the method '${method}' is not supported`);
}

function exponentialEuler(odes: OdeInput[], splits: Split[]): Map<string, E> {
  if (splits.some((s) => s.g.size > 0)) throw new Unsupported('exponential_euler cannot solve stochastic equations');
  const dt = X.v('dt');
  const out = new Map<string, E>();
  odes.forEach(({ name }, r) => {
    const lin = linearIn(splits[r].f, isVar(name));
    if (!lin.ok) throw new Unsupported(`d${name}/dt is not linear in ${name} (exponential_euler needs dx/dt = A x + B with A, B free of x): the term '${X.show(lin.term)}'`);
    const x = X.v(name);
    const isZero = lin.coef.k === 'num' && lin.coef.v === 0;
    const slope = X.add(X.mul(lin.coef, x), lin.rest);
    out.set(name, isZero ? X.add(x, X.mul(dt, lin.rest)) : X.add(x, X.mul(X.mul(slope, dt), X.call('exprel', [X.mul(lin.coef, dt)]))));
  });
  return out;
}

export class MethodError extends Error {}

/**
 * Integrates the system with `method` (or Brian2's default choice); throws MethodError saying why
 * the method does not apply.
 */
export function integrate(odes: OdeInput[], noise: string[], method: string | undefined, host: HostTest): Integration {
  const build = (m: string): Integration => {
    const splits = odes.map((o) => splitNoise(o.rhs, noise, o.name));
    const systems: SystemE[] = [];
    if (m === 'exact') return { method: m, updates: exact(odes, splits, host, systems), systems };
    // Brian2: the derivative of a variable `unless refractory` is multiplied by not_refractory
    const gated = splits.map((s, r) => (odes[r].clamped ? { f: X.mul(NR, s.f), g: new Map([...s.g].map(([k, g]) => [k, X.mul(NR, g)])) } : s));
    if (m === 'exponential_euler') return { method: m, updates: exponentialEuler(odes, gated), systems };
    return { method: m, updates: explicit(m, odes, gated, noise), systems };
  };
  if (odes.length === 0) return { method: method ?? 'exact', updates: new Map(), systems: [] };
  const tryAll = method ? [method] : ['exact', 'euler', 'heun'];
  const reasons: string[] = [];
  for (const m of tryAll) {
    try {
      return build(m);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      reasons.push(method ? err.message : `${m}: ${err.message}`);
    }
  }
  throw new MethodError(method ? `method '${method}' does not apply: ${reasons[0]}` : `no integration method applies (${reasons.join('; ')})`);
}
