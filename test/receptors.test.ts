/**
 * Receptor channels (src/equations/receptors.ts, populations[i].receptors, projections[i].receptor):
 * the NMDA current–voltage curve of the Mg²⁺ block (Jahr & Stevens 1990; Izhikevich & Edelman 2008)
 * against its formula; exp, alpha and difference-of-exponentials kinetics against their closed forms
 * (peak w, at tau or at the dual-exponential peak time); a projection drives the receptor it names;
 * the same spikes on js and wasm and on 1–3 threads; errors that name the field.
 */
import { describe, it, expect } from 'vitest';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import { validateModel } from '../src/network/index.ts';
import { dualExpFactor, mgBlock } from '../src/equations/receptors.ts';
import type { ModelSpec } from '../src/core/types.ts';

const VS = [-100, -80, -70, -60, -50, -40, -30, -20, -10, 0, 10, 20, 40];

/** Neurons clamped at VS (dv/dt = 0) integrating q = ∫ I_syn dt / 1 nF: q(T)/T is the current in nA. */
function clampSpec(receptors: unknown, conductance0: number, T: number): ModelSpec {
  return {
    dt: 0.1, duration: T, seed: 1,
    models: { clamp: { equations: 'dv/dt = 0*mV/ms : volt\ndq/dt = I_syn/nF : volt', method: 'euler' } },
    populations: [{ name: 'C', size: VS.length, model: 'clamp', receptors: receptors as never, initial: { v: VS, g_NMDA: conductance0 } as never }],
    monitors: [{ type: 'state', population: 'C', variables: ['q'], neurons: VS.map((_, k) => k), every: 1 }],
  } as ModelSpec;
}

async function finalState(spec: ModelSpec, v: string, opts: SimulationOptions = { threads: 1 }): Promise<number[]> {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(spec.duration);
    return sim.state(0).values[v].map((s: ArrayLike<number>) => s[s.length - 1]);
  } finally {
    sim.dispose();
  }
}

describe('receptor channels', () => {
  it('NMDA: the steady-state current–voltage curve is g·B(v)·(e_rev − v) with the Jahr–Stevens block (1 and 2 mM Mg²⁺) and with Izhikevich & Edelman\'s', async () => {
    const g0 = 0.01; // µS, constant over the run (tau 1e9 ms)
    const T = 10;
    for (const [block, mg] of [['jahr_stevens', 1], ['jahr_stevens', 2], ['izhikevich2008', 1]] as const) {
      const nmda = { kinetics: 'exp', tau: 1e9, e_rev: 0, mg_block: block, ...(block === 'jahr_stevens' ? { mg } : {}) };
      const q = await finalState(clampSpec({ NMDA: nmda }, g0, T), 'q');
      // q is recorded before the last step: T - dt of integration
      const I = q.map((x) => x / (T - 0.1));
      VS.forEach((v, k) => {
        const want = g0 * mgBlock(block, v, mg) * (0 - v);
        expect(Math.abs(I[k] - want), `${block} ${mg} mM at ${v} mV: ${I[k]} vs ${want}`).toBeLessThan(1e-4 * Math.abs(want) + 1e-9);
      });
      // the shape: outward-rectifying block, so the inward current is largest between -40 and -10 mV, not at -100 mV
      const peak = VS[I.indexOf(Math.max(...I))];
      expect(peak).toBeGreaterThanOrEqual(-40);
      expect(peak).toBeLessThanOrEqual(-10);
    }
    // more Mg²⁺ blocks more
    expect(mgBlock('jahr_stevens', -60, 2)).toBeLessThan(mgBlock('jahr_stevens', -60, 1));
  });

  it('exp, alpha and dual_exp kinetics: the conductance after one spike follows its closed form and peaks at w', async () => {
    const w = 0.02;
    const spec: ModelSpec = {
      dt: 0.01, duration: 60, seed: 1,
      models: { clamp: { equations: 'dv/dt = 0*mV/ms : volt\ndq/dt = I_syn/nF : volt', method: 'rk4' } },
      populations: [
        { name: 'S', size: 1, model: 'spike_generator', params: { spike_times: [[1]] } },
        {
          name: 'C', size: 1, model: 'clamp', initial: { v: -60 } as never,
          receptors: { fast: { kinetics: 'exp', tau: 3, e_rev: 0 }, alpha: { kinetics: 'alpha', tau: 2, e_rev: 0 }, slow: { kinetics: 'dual_exp', tau_rise: 1.5, tau_decay: 12, e_rev: -90 } },
        },
      ],
      projections: ['fast', 'alpha', 'slow'].map((r) => ({ source: 'S', target: 'C', connect: { rule: 'all_to_all' }, weight: w, delay: 1, receptor: r })),
      monitors: [{ type: 'state', population: 'C', variables: ['g_fast', 'g_alpha', 'g_slow'], neurons: [0], every: 1 }],
    } as ModelSpec;
    const sim = await Simulation.create(spec, { threads: 1 });
    await sim.run(spec.duration);
    const st = sim.state(0);
    sim.dispose();
    const t0 = 2.01; // the spike at 1 ms arrives after the 1 ms delay, in the step ending at 2.01 ms (the sample at 2.01 ms shows it)
    const closed: Record<string, (t: number) => number> = {
      fast: (t) => w * Math.exp(-t / 3),
      alpha: (t) => w * (t / 2) * Math.exp(1 - t / 2),
      slow: (t) => (dualExpFactor(1.5, 12) * w * (Math.exp(-t / 12) - Math.exp(-t / 1.5))) / (1 / 1.5 - 1 / 12),
    };
    const tPeak: Record<string, number> = { fast: 0, alpha: 2, slow: ((1.5 * 12) / (12 - 1.5)) * Math.log(12 / 1.5) };
    for (const r of ['fast', 'alpha', 'slow']) {
      const g = Array.from(st.values[`g_${r}`][0] as ArrayLike<number>);
      const times = Array.from(st.t);
      // the value at the arrival step is the jump (the spike is seen after that step's update)
      let max = 0, at = 0;
      g.forEach((x, k) => {
        if (x > max) [max, at] = [x, times[k]];
      });
      expect(max, r).toBeCloseTo(w, 4);
      expect(Math.abs(at - t0 - tPeak[r]), `${r} peak time`).toBeLessThan(0.02);
      for (const dtAfter of [0.5, 2, 5, 10, 30]) {
        const k = times.findIndex((x) => Math.abs(x - (t0 + dtAfter)) < 1e-6);
        expect(g[k], `${r} at +${dtAfter} ms`).toBeCloseTo(closed[r](dtAfter), 6);
      }
    }
  });

  it('a projection drives the receptor it names: NMDA\'s long, blocked conductance against AMPA\'s, and GABA_B hyperpolarises', async () => {
    const spec = (receptor: string): ModelSpec => ({
      dt: 0.1, duration: 400, seed: 1,
      models: { cond: { equations: 'dv/dt = (EL - v)/tau_m + I_syn/C : volt', parameters: { EL: '-65*mV', tau_m: '20*ms', C: '0.2*nF' }, method: 'euler' } },
      populations: [
        { name: 'S', size: 1, model: 'spike_generator', params: { spike_times: [[10]] } },
        { name: 'N', size: 1, model: 'cond', receptors: ['AMPA', 'NMDA', 'GABA_A', 'GABA_B'], initial: { v: -65 } as never },
      ],
      projections: [{ source: 'S', target: 'N', connect: { rule: 'all_to_all' }, weight: 0.002, delay: 1, receptor }],
      monitors: [{ type: 'state', population: 'N', variables: ['v'], neurons: [0], every: 1 }],
    }) as ModelSpec;
    const trace = async (r: string) => {
      const sim = await Simulation.create(spec(r), { threads: 1 });
      await sim.run(400);
      const v = Array.from(sim.state(0).values.v[0] as ArrayLike<number>);
      sim.dispose();
      return v;
    };
    const ampa = await trace('AMPA'), nmda = await trace('NMDA'), gabaA = await trace('GABA_A'), gabaB = await trace('GABA_B');
    const at = (v: number[], ms: number) => v[Math.round(ms / 0.1)];
    expect(Math.max(...ampa)).toBeGreaterThan(-64);
    // the blocked NMDA response is smaller at its peak but outlasts AMPA's
    expect(Math.max(...nmda)).toBeLessThan(Math.max(...ampa));
    expect(at(nmda, 200) + 65).toBeGreaterThan(5 * (at(ampa, 200) + 65));
    expect(Math.min(...gabaA)).toBeLessThan(-65.01);
    expect(Math.min(...gabaB)).toBeLessThan(-65.01);
    expect(at(gabaB, 200)).toBeLessThan(at(gabaA, 200));
  });

  it('one synapse opens several receptors: a receptor list gives each the weight, an on_pre of two statements its own factors', async () => {
    const w = 0.004;
    const spec = (proj: Record<string, unknown>): ModelSpec => ({
      dt: 0.1, duration: 100, seed: 1,
      models: { cond: { equations: 'dv/dt = (EL - v)/tau_m + I_syn/C : volt', parameters: { EL: '-65*mV', tau_m: '20*ms', C: '0.2*nF' }, method: 'euler' } },
      populations: [
        { name: 'S', size: 1, model: 'spike_generator', params: { spike_times: [[10]] } },
        { name: 'N', size: 1, model: 'cond', receptors: ['AMPA', 'NMDA', 'GABA_A', 'GABA_B'], initial: { v: -65 } as never },
      ],
      projections: [{ source: 'S', target: 'N', connect: { rule: 'all_to_all' }, weight: w, delay: 1, ...proj }],
      monitors: [{ type: 'state', population: 'N', variables: ['g_AMPA', 'g_NMDA', 'g_GABA_A'], neurons: [0], every: 1 }],
    }) as ModelSpec;
    const traces = async (proj: Record<string, unknown>) => {
      expect(validateModel(spec(proj))).toEqual([]);
      const sim = await Simulation.create(spec(proj), { threads: 1 });
      await sim.run(100);
      const v = sim.state(0).values;
      const out = Object.fromEntries(['g_AMPA', 'g_NMDA', 'g_GABA_A'].map((k) => [k, Array.from(v[k][0] as ArrayLike<number>)]));
      sim.dispose();
      return out;
    };
    // the spike at 10 ms arrives 1 ms later; exp kinetics under Euler: g = w' (1 - dt/tau)^k, k steps after it arrived
    const check = (g: number[], peak: number, tau: number, what: string) => {
      const k0 = g.findIndex((x) => x > 0);
      expect(k0, what).toBeGreaterThan(100);
      expect(g[k0], what).toBeCloseTo(peak, 7);
      for (const dk of [10, 100, 500]) expect(g[k0 + dk] / g[k0], `${what} after ${dk / 10} ms`).toBeCloseTo((1 - 0.1 / tau) ** dk, 4);
    };
    const both = await traces({ receptor: ['AMPA', 'NMDA'] });
    check(both.g_AMPA, w, 5, 'list: AMPA');
    check(both.g_NMDA, w, 150, 'list: NMDA');
    expect(Math.max(...both.g_GABA_A)).toBe(0);
    const ratio = await traces({ on_pre: 'g_AMPA += w; g_NMDA += 0.5*w' });
    check(ratio.g_AMPA, w, 5, 'on_pre: AMPA');
    check(ratio.g_NMDA, w / 2, 150, 'on_pre: NMDA at half the weight');
    // the same as the list when the factors are equal, to the bit
    const same = await traces({ on_pre: 'g_AMPA += w\ng_NMDA += w' });
    expect(same).toEqual(both);
  });

  it('a network with all four receptors: the same spikes on js and wasm, and on 1–3 threads', async () => {
    const spec: ModelSpec = {
      dt: 0.1, duration: 200, seed: 3,
      models: {
        izh: {
          equations: 'dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + I_syn*Mohm)/ms : volt\ndu/dt = a*(b*v - u)/ms : volt',
          threshold: 'v >= 30*mV', reset: 'v = c\nu += d', method: 'euler',
          parameters: { a: 0.02, b: 0.2, c: '-65*mV', d: '8*mV' },
        },
      },
      populations: [
        { name: 'E', size: 120, model: 'izh', type: 'excitatory', receptors: ['AMPA', 'NMDA', 'GABA_A', 'GABA_B'], initial: { v: { dist: 'uniform', low: -70, high: -60 }, u: -13 } as never },
        { name: 'I', size: 30, model: 'izh', type: 'inhibitory', receptors: ['AMPA', 'NMDA', 'GABA_A', 'GABA_B'], parameters: { a: 0.1, d: '2*mV' }, initial: { v: -65, u: -13 } as never },
      ],
      projections: [
        { source: 'E', target: 'E', connect: { rule: 'fixed_indegree', indegree: 10 }, weight: 0.02, delay: { dist: 'uniform', low: 1, high: 5 }, receptor: 'AMPA' },
        { source: 'E', target: 'E', connect: { rule: 'fixed_indegree', indegree: 10 }, weight: 0.005, delay: 2, receptor: 'NMDA', short_term: { rule: 'tsodyks_markram', U: 0.5, tau_rec: 300 } },
        { source: 'E', target: 'I', connect: { rule: 'fixed_indegree', indegree: 10 }, weight: 0.03, delay: 1, receptor: ['AMPA', 'NMDA'], short_term: { rule: 'tsodyks_markram', U: 0.2, tau_rec: 100, tau_fac: 500 } },
        { source: 'I', target: 'E', connect: { rule: 'fixed_indegree', indegree: 5 }, weight: 0.03, delay: 1, receptor: 'GABA_A' },
        { source: 'I', target: 'E', connect: { rule: 'fixed_indegree', indegree: 5 }, weight: 0.005, delay: 1, receptor: 'GABA_B' },
        { source: 'I', target: 'I', connect: { rule: 'fixed_indegree', indegree: 5 }, weight: { dist: 'uniform', low: 0.01, high: 0.03 }, delay: 1, on_pre: 'g_GABA_A += w; g_GABA_B += 0.1*w' },
      ],
      inputs: [{ type: 'poisson', target: 'E', rate: 800, weight: 0.05, receptor: 'AMPA' }, { type: 'poisson', target: 'I', rate: 500, weight: 0.05, receptor: 'AMPA' }],
      monitors: [{ type: 'spikes', population: 'E' }, { type: 'spikes', population: 'I' }],
    } as ModelSpec;
    expect(validateModel(spec)).toEqual([]);
    const spikes = async (opts: SimulationOptions) => {
      const sim = await Simulation.create(spec, opts);
      try {
        await sim.run(spec.duration);
        return ['E', 'I'].map((p) => [Array.from(sim.spikes(p).steps), Array.from(sim.spikes(p).i)]);
      } finally {
        sim.dispose();
      }
    };
    const ref = await spikes({ backend: 'js', threads: 1 });
    expect(ref[0][0].length).toBeGreaterThan(50);
    expect(ref[1][0].length).toBeGreaterThan(10);
    for (const opts of [{ backend: 'wasm', threads: 1 }, { backend: 'wasm', threads: 2 }, { backend: 'wasm', threads: 3 }] as SimulationOptions[])
      expect(await spikes(opts), JSON.stringify(opts)).toEqual(ref);
  });

  it('bad receptors: errors name the field and say what is expected', () => {
    const base = (pop: Record<string, unknown>, proj: Record<string, unknown> = {}, eqs = 'dv/dt = (-65*mV - v)/(20*ms) + I_syn/(0.2*nF) : volt'): ModelSpec => ({
      dt: 0.1, duration: 10,
      populations: [
        { name: 'S', size: 1, model: 'spike_generator', params: { spike_times: [[1]] } },
        { name: 'N', size: 2, model: { equations: eqs, method: 'euler' }, ...pop } as never,
      ],
      projections: [{ source: 'S', target: 'N', connect: { rule: 'all_to_all' }, weight: 0.001, delay: 1, ...proj }],
    });
    const issues = (s: ModelSpec) => validateModel(s).map((i) => `${i.path}: ${i.message}`);
    expect(issues(base({ receptors: ['AMPA'] }, { receptor: 'AMPA' }))).toEqual([]);
    expect(issues(base({ receptors: ['AMPA'] }, { receptor: 'NMDA' }))).toEqual([expect.stringMatching(/^projections\[0\]\.receptor: must be a receptor of population "N" \(AMPA\), got "NMDA"/)]);
    expect(issues(base({ receptors: ['AMPA'] }, { receptor: 'AMPA', on_pre: 'g_AMPA += w' }))).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: is given by the receptor/)]);
    expect(issues(base({ receptors: ['AMPA'] }))).toEqual([expect.stringMatching(/^projections\[0\]\.receptor: is required: the receptor of population "N"/)]);
    expect(issues(base({ receptors: ['AMPA', 'KAINATE'] }, { receptor: 'AMPA' }))).toEqual([expect.stringMatching(/^populations\[1\]\.receptors\[1\]: must be the name of a receptor with defaults/)]);
    expect(issues(base({ receptors: { slow: { kinetics: 'dual_exp', tau_rise: 10, tau_decay: 5, e_rev: 0 } } }, { receptor: 'slow' })))
      .toEqual([expect.stringMatching(/^populations\[1\]\.receptors\.slow\.tau_rise: must be < tau_decay \(5 ms\)/)]);
    expect(issues(base({ receptors: { x: { tau: 5 } } }, { receptor: 'x' }))).toEqual([expect.stringMatching(/^populations\[1\]\.receptors\.x\.e_rev: is required for a conductance receptor/)]);
    expect(issues(base({ receptors: { x: { tau: 5, e_rev: 0, taux: 1 } } }, { receptor: 'x' }))).toEqual([expect.stringMatching(/^populations\[1\]\.receptors\.x\.taux: unknown field; did you mean "tau"\?/)]);
    expect(issues(base({ receptors: { x: { type: 'current', tau: 5, mg_block: 'jahr_stevens' } } }, { receptor: 'x' })))
      .toEqual([expect.stringMatching(/^populations\[1\]\.receptors\.x\.mg_block: needs a conductance receptor/)]);
    expect(issues(base({ receptors: ['AMPA'] }, { receptor: 'AMPA' }, 'dv/dt = (-65*mV - v)/(20*ms) : volt'))).toEqual([
      expect.stringMatching(/^populations\[1\]\.receptors: the model's equations do not use I_syn/),
    ]);
    const lif = base({}, { receptor: 'excitatory' });
    (lif.populations[1] as unknown as Record<string, unknown>).model = 'lif';
    (lif.populations[1] as unknown as Record<string, unknown>).receptors = ['AMPA'];
    expect(issues(lif)).toEqual([expect.stringMatching(/^populations\[1\]\.receptors: belongs to a population of a model from equations/)]);
    // several receptors
    const four = { receptors: ['AMPA', 'NMDA', 'GABA_A', 'GABA_B'] };
    expect(issues(base(four, { receptor: ['AMPA', 'NMDA'] }))).toEqual([]);
    expect(issues(base(four, { receptor: ['AMPA', 'KAINATE'] }))).toEqual([expect.stringMatching(/^projections\[0\]\.receptor\[1\]: must be a receptor of population "N" \(AMPA, NMDA, GABA_A, GABA_B\), got "KAINATE"/)]);
    expect(issues(base(four, { receptor: ['AMPA', 'AMPA'] }))).toEqual([expect.stringMatching(/^projections\[0\]\.receptor\[1\]: names receptor "AMPA" twice/)]);
    expect(issues(base(four, { receptor: [] })).join('\n')).toMatch(/^projections\[0\]\.receptor/);
    expect(issues(base(four, { on_pre: 'g_AMPA += w; g_AMPA += w' }))).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: .*'g_AMPA' is driven twice/)]);
    expect(issues(base(four, { on_pre: 'g_AMPA += w; v += w' }))).toEqual([expect.stringMatching(/^projections\[0\]\.on_pre: drives variables of different units \('g_AMPA': uS, 'v': mV\)/)]);
  });
});
