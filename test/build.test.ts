/**
 * planNetwork: LIF propagators against closed forms (and an independent ODE integration),
 * heterogeneity detection, initial values, Poisson thresholds and tables, the delay rounding rule,
 * receptor defaults, spike generators, and the memory estimate against the simulator's arena plan.
 */
import { describe, it, expect } from 'vitest';
import { planNetwork, estimateNetwork, estimateShards, lifP21, ModelError, poissonTable, streams } from '../src/network/index.ts';
import { JsBackend } from '../src/backend/js/index.ts';
import { buildShard } from './connectivity-util.ts';
import {
  LIF_A, LIF_B, LIF_NPARAMS, LIF_P11E, LIF_P11I, LIF_P21E, LIF_P21I, LIF_REFSTEPS, LIF_VREST, LIF_VRESET, LIF_VTH,
} from '../src/core/layout.ts';
import { KeyStream } from '../src/core/rng.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { expectArena } from './util.ts';
import type { ModelSpec, PopulationSpec, ProjectionSpec, InputSpec } from '../src/core/types.ts';

const f32 = Math.fround;

function model(populations: PopulationSpec[], extra: Partial<ModelSpec> = {}): ModelSpec {
  return { dt: 0.1, populations, ...extra };
}

function rel(a: number, b: number) {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** v(dt) for v' = -v/tau_m + exp(-t/tau_s)/cm, v(0) = 0, by RK4 with a fine step. */
function integrateP21(dt: number, tauM: number, tauS: number, cm: number) {
  const n = 20000;
  const h = dt / n;
  const f = (t: number, v: number) => -v / tauM + Math.exp(-t / tauS) / cm;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const t = k * h;
    const k1 = f(t, v);
    const k2 = f(t + h / 2, v + (h / 2) * k1);
    const k3 = f(t + h / 2, v + (h / 2) * k2);
    const k4 = f(t + h, v + h * k3);
    v += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  return v;
}

describe('LIF parameter block', () => {
  const dt = 0.1;
  const p = { tau_m: 12, cm: 0.3, v_rest: -63, v_thresh: -51, v_reset: -68, tau_refrac: 2.5, tau_syn_e: 4, tau_syn_i: 9, i_offset: 0.2 };
  const net = planNetwork(model([{ name: 'n', size: 3, model: 'lif', params: p }]));
  const pop = net.populations[0];

  it('matches the closed forms (float32 of the double-precision value)', () => {
    const P = pop.params!;
    expect(P.length).toBe(LIF_NPARAMS);
    expect(pop.hetero).toBe(false);
    const A = 1 - Math.exp(-dt / p.tau_m);
    expect(P[LIF_A]).toBe(f32(-Math.expm1(-dt / p.tau_m)));
    expect(rel(P[LIF_A], A)).toBeLessThan(1e-7);
    expect(rel(P[LIF_B], (p.tau_m / p.cm) * A)).toBeLessThan(1e-7);
    const p21 = (ts: number) => ((1 / p.cm) * ((p.tau_m * ts) / (ts - p.tau_m))) * (Math.exp(-dt / ts) - Math.exp(-dt / p.tau_m));
    expect(rel(P[LIF_P21E], p21(p.tau_syn_e))).toBeLessThan(1e-7);
    expect(rel(P[LIF_P21I], p21(p.tau_syn_i))).toBeLessThan(1e-7);
    expect(P[LIF_P11E]).toBe(f32(Math.exp(-dt / p.tau_syn_e)));
    expect(P[LIF_P11I]).toBe(f32(Math.exp(-dt / p.tau_syn_i)));
    expect(P[LIF_VREST]).toBe(-63);
    expect(P[LIF_VTH]).toBe(-51);
    expect(P[LIF_VRESET]).toBe(-68);
    expect(P[LIF_REFSTEPS]).toBe(25);
    expect(Array.from(pop.bias!)).toEqual([f32(0.2), f32(0.2), f32(0.2)]);
    expect(pop.channels).toBe(2);
  });

  it('P21 is the exact solution of the membrane ODE driven by a decaying current (vs RK4)', () => {
    for (const [tm, ts, cm] of [[10, 5, 1], [20, 0.5, 0.25], [5, 50, 2], [10, 10, 1], [10, 10 * (1 + 1e-7), 1], [0.05, 2, 1]])
      expect(rel(lifP21(dt, tm, ts, cm), integrateP21(dt, tm, ts, cm)), `${tm} ${ts}`).toBeLessThan(1e-9);
  });

  it('P21 at tau_syn = tau_m is the limit (dt/cm) exp(-dt/tau_m), and continuous around it', () => {
    expect(lifP21(dt, 10, 10, 2)).toBe((dt / 2) * Math.exp(-dt / 10));
    const lim = (dt / 2) * Math.exp(-dt / 10);
    for (const e of [1e-12, 1e-9, 1e-6, 1e-4]) {
      // first order: x = dt/tau_m - dt/tau_s = (dt/tau_m) e, P21 = lim * expm1(x)/x = lim * (1 + x/2)
      const expected = lim * (1 + (dt / (2 * 10)) * e);
      expect(rel(lifP21(dt, 10, 10 * (1 + e), 2), expected)).toBeLessThan(1e-9);
    }
    // tiny tau_m (strongly overdamped) stays finite
    expect(Number.isFinite(lifP21(dt, 1e-4, 5, 1))).toBe(true);
  });

  it('defaults are those of PyNN IF_curr_exp', () => {
    const d = planNetwork(model([{ name: 'n', size: 1, model: 'lif' }])).populations[0];
    const P = d.params!;
    expect(P[LIF_VREST]).toBe(-65);
    expect(P[LIF_VTH]).toBe(-50);
    expect(P[LIF_VRESET]).toBe(-65);
    expect(P[LIF_REFSTEPS]).toBe(1);
    expect(P[LIF_A]).toBe(f32(-Math.expm1(-0.1 / 20)));
    expect(P[LIF_P11E]).toBe(f32(Math.exp(-0.1 / 5)));
    expect(d.bias![0]).toBe(0);
    expect(d.initial.v[0]).toBe(-65);
    expect(d.initial.ie[0]).toBe(0);
    expect(d.initial.ii[0]).toBe(0);
  });

  it('delta synapses: one channel, only v as state', () => {
    const d = planNetwork(model([{ name: 'n', size: 2, model: 'lif', synapse: 'delta' }])).populations[0];
    expect(d.channels).toBe(1);
    expect(Object.keys(d.initial)).toEqual(['v']);
  });
});

describe('heterogeneity', () => {
  it('numbers and arrays of equal values are homogeneous; i_offset alone does not make params hetero', () => {
    const a = planNetwork(model([{ name: 'n', size: 4, model: 'lif', params: { tau_m: [15, 15, 15, 15], i_offset: [0, 0.1, 0.2, 0.3] } }])).populations[0];
    expect(a.hetero).toBe(false);
    expect(a.params!.length).toBe(LIF_NPARAMS);
    expect(Array.from(a.bias!)).toEqual([0, 0.1, 0.2, 0.3].map(f32));
  });

  it('per-neuron values give a parameter-major block of 10*n', () => {
    const tau = [10, 20, 40];
    const b = planNetwork(model([{ name: 'n', size: 3, model: 'lif', params: { tau_m: tau, v_thresh: [-50, -49, -48] } }])).populations[0];
    expect(b.hetero).toBe(true);
    expect(b.params!.length).toBe(LIF_NPARAMS * 3);
    for (let i = 0; i < 3; i++) {
      expect(b.params![LIF_A * 3 + i]).toBe(f32(-Math.expm1(-0.1 / tau[i])));
      expect(b.params![LIF_VTH * 3 + i]).toBe(-50 + i);
      expect(b.params![LIF_VREST * 3 + i]).toBe(-65);
    }
  });

  it('a distribution makes the block hetero, drawn per neuron independently of the population size', () => {
    const mk = (n: number) =>
      planNetwork(model([{ name: 'n', size: n, model: 'lif', params: { tau_m: { dist: 'uniform', low: 10, high: 30 } } }])).populations[0];
    const small = mk(50);
    const large = mk(120);
    expect(small.hetero).toBe(true);
    for (let i = 0; i < 50; i++) expect(large.params![LIF_A * 120 + i]).toBe(small.params![LIF_A * 50 + i]);
    const A = Array.from(small.params!.subarray(LIF_A * 50, LIF_A * 50 + 50));
    expect(Math.min(...A)).toBeGreaterThanOrEqual(f32(-Math.expm1(-0.1 / 30))); // A decreases with tau_m
    expect(Math.max(...A)).toBeLessThanOrEqual(f32(-Math.expm1(-0.1 / 10)));
    expect(new Set(A).size).toBeGreaterThan(45);
  });

  it('threshold mu and poisson rates: 1 value when homogeneous, n otherwise', () => {
    const net = planNetwork(
      model([
        { name: 't1', size: 5, model: 'threshold' },
        { name: 't2', size: 5, model: 'threshold', params: { mu: [1, 2, 3, 4, 5] } },
        { name: 'p1', size: 5, model: 'poisson', params: { rate: 10 } },
        { name: 'p2', size: 5, model: 'poisson', params: { rate: { dist: 'uniform', low: 1, high: 100 } } },
      ]),
    );
    const [t1, t2, p1, p2] = net.populations;
    expect(Array.from(t1.params!)).toEqual([1]); // default mu = 1
    expect(t1.hetero).toBe(false);
    expect(Array.from(t2.params!)).toEqual([1, 2, 3, 4, 5]);
    expect(t2.hetero).toBe(true);
    expect(p1.poissonThreshold!.length).toBe(1);
    expect(p2.poissonThreshold!.length).toBe(5);
    expect(p2.hetero).toBe(true);
    expect(t1.channels).toBe(1);
    expect(p1.channels).toBe(0);
    expect(p1.stream).toBe(streams.populationStream(2));
  });
});

describe('initial values', () => {
  const n = 20000;
  it('uniform: within [low, high), mean within 5 SE', () => {
    const pop = planNetwork(model([{ name: 'n', size: n, model: 'lif', initial: { v: { dist: 'uniform', low: -70, high: -50 } } }])).populations[0];
    const v = pop.initial.v;
    let m = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of v) {
      m += x;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    m /= n;
    expect(lo).toBeGreaterThanOrEqual(-70);
    expect(hi).toBeLessThanOrEqual(-50);
    // SD of U(-70,-50) is 20/sqrt(12) = 5.77; SE of the mean 0.041
    expect(Math.abs(m + 60)).toBeLessThan(5 * 0.041);
    expect(hi - lo).toBeGreaterThan(19.9);
  });

  it('normal with clip and with redraw stays within [min, max]; clip piles up at the bounds, redraw does not', () => {
    const clip = planNetwork(model([{ name: 'n', size: n, model: 'lif', initial: { v: { dist: 'normal', mean: -60, std: 5, min: -62, max: -55 } } }])).populations[0].initial.v;
    const redraw = planNetwork(model([{ name: 'n', size: n, model: 'lif', initial: { v: { dist: 'normal', mean: -60, std: 5, min: -62, max: -55, bound: 'redraw' } } }])).populations[0].initial.v;
    for (const arr of [clip, redraw]) {
      expect(Math.min(...arr)).toBeGreaterThanOrEqual(-62);
      expect(Math.max(...arr)).toBeLessThanOrEqual(-55);
    }
    // P(x < -62) = Phi(-0.4) = 0.345: about a third of the clipped values sit exactly at min
    const atMin = clip.filter((x) => x === -62).length / n;
    expect(Math.abs(atMin - 0.3446)).toBeLessThan(5 * Math.sqrt((0.3446 * 0.6554) / n));
    expect(redraw.filter((x) => x === -62).length).toBeLessThan(5);
  });

  it('normal: mean and SD within 5 SE', () => {
    const v = planNetwork(model([{ name: 'n', size: n, model: 'lif', initial: { ie: { dist: 'normal', mean: 0.5, std: 0.2 } } }])).populations[0].initial.ie;
    let m = 0;
    for (const x of v) m += x;
    m /= n;
    let s2 = 0;
    for (const x of v) s2 += (x - m) ** 2;
    s2 /= n - 1;
    expect(Math.abs(m - 0.5)).toBeLessThan(5 * (0.2 / Math.sqrt(n)));
    // SE of s^2 for a normal: sigma^2 sqrt(2/(n-1)) = 0.0004
    expect(Math.abs(s2 - 0.04)).toBeLessThan(5 * 0.04 * Math.sqrt(2 / (n - 1)));
  });

  it('v defaults to each neuron\'s v_rest; threshold n from arrays and bernoulli', () => {
    const net = planNetwork(
      model([
        { name: 'a', size: 3, model: 'lif', params: { v_rest: [-70, -65, -60], v_thresh: -50 } },
        { name: 'b', size: 4, model: 'threshold', initial: { n: [1, 0, 0, 1] } },
        { name: 'c', size: n, model: 'threshold', initial: { n: { dist: 'bernoulli', p: 0.1 } } },
      ]),
    );
    expect(Array.from(net.populations[0].initial.v)).toEqual([-70, -65, -60]);
    expect(net.populations[1].initial.n).toBeInstanceOf(Int32Array);
    expect(Array.from(net.populations[1].initial.n)).toEqual([1, 0, 0, 1]);
    const c = net.populations[2].initial.n;
    let ones = 0;
    for (const x of c) {
      expect(x === 0 || x === 1).toBe(true);
      ones += x;
    }
    expect(Math.abs(ones / n - 0.1)).toBeLessThan(5 * Math.sqrt(0.09 / n));
  });

  it('a redraw that cannot succeed fails the build naming the field', () => {
    const spec = model([{ name: 'n', size: 3, model: 'lif', initial: { v: { dist: 'normal', mean: 0, std: 1, min: 40, max: 41, bound: 'redraw' } } }]);
    expect(() => planNetwork(spec)).toThrow(ModelError);
    expect(() => planNetwork(spec)).toThrow(/populations\[0\]\.initial\.v: .*redraw/);
  });
});

describe('Poisson sources and inputs', () => {
  it('source thresholds: floor((1 - exp(-rate dt)) 2^32), 0 for rate 0, capped at 2^32-1', () => {
    const net = planNetwork(
      model([
        { name: 'a', size: 1, model: 'poisson', params: { rate: 20 } },
        { name: 'b', size: 1, model: 'poisson', params: { rate: 0 } },
        { name: 'c', size: 1, model: 'poisson', params: { rate: 1e12 } },
      ]),
    );
    expect(net.populations[0].poissonThreshold![0]).toBe(Math.floor((1 - Math.exp((-20 * 0.1) / 1000)) * 2 ** 32));
    expect(net.populations[1].poissonThreshold![0]).toBe(0);
    expect(net.populations[2].poissonThreshold![0]).toBe(2 ** 32 - 1);
  });

  /** pmf implied by a table: P(count = k) with count = #{j: u >= t_j}, u uniform on 0..2^32-1. */
  function impliedPmf(t: Uint32Array) {
    const pmf: number[] = [];
    let prev = 0;
    for (const x of t) {
      pmf.push((x - prev) / 2 ** 32);
      prev = x;
    }
    pmf.push(1 - prev / 2 ** 32);
    return pmf;
  }

  it('input tables: ascending, probabilities sum to 1, match the Poisson pmf, mean and variance = lambda', () => {
    for (const lambda of [0.0005, 0.2, 1, 2.5, 20, 400]) {
      const t = poissonTable(lambda);
      for (let j = 1; j < t.length; j++) expect(t[j]).toBeGreaterThanOrEqual(t[j - 1]);
      const pmf = impliedPmf(t);
      expect(pmf.every((q) => q >= 0)).toBe(true);
      expect(Math.abs(pmf.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      let mean = 0;
      let m2 = 0;
      let logp = -lambda; // log pmf(k) of the Poisson law
      let worst = 0;
      pmf.forEach((q, k) => {
        if (k > 0) logp += Math.log(lambda) - Math.log(k);
        worst = Math.max(worst, Math.abs(q - Math.exp(logp)));
        mean += k * q;
        m2 += k * k * q;
      });
      // every probability within 2^-32 (rounding of two table entries) of the exact pmf; the last
      // one, P(count = L), also holds the tail P(K > L) < 2^-33
      expect(worst).toBeLessThan(2 ** -32 + 2 ** -33);
      expect(rel(mean, lambda)).toBeLessThan(1e-6);
      expect(rel(m2 - mean * mean, lambda)).toBeLessThan(1e-5);
    }
    expect(poissonTable(0).length).toBe(0);
  });

  it('an input gets its table (lambda = rate dt / 1000), steps, stream and channel', () => {
    const inputs: InputSpec[] = [
      { type: 'poisson', target: 'E', rate: 8000, weight: 0.1 },
      { type: 'poisson', target: 'E', rate: 8000, weight: -0.1, start: 10, stop: 20.5 },
      { type: 'poisson', target: 'E', rate: 8000, weight: 0.1, receptor: 'inhibitory' },
      { type: 'current', target: 'E', amplitude: 0.5, neurons: [1, 3] },
    ];
    const net = planNetwork(model([{ name: 'E', size: 4, model: 'lif' }], { inputs }));
    const [a, b, c, d] = net.inputs;
    if (a.type !== 'poisson' || b.type !== 'poisson' || c.type !== 'poisson' || d.type !== 'current') throw new Error('types');
    expect(a.table).toEqual(poissonTable(0.8));
    expect([a.channel, b.channel, c.channel]).toEqual([0, 1, 1]);
    expect([a.startStep, a.stopStep]).toEqual([0, 2 ** 31 - 1]);
    expect([b.startStep, b.stopStep]).toEqual([100, 205]);
    expect([a.stream, b.stream]).toEqual([streams.poissonInputStream(0), streams.poissonInputStream(1)]);
    expect(Array.from(d.neurons!)).toEqual([1, 3]);
  });
});

describe('delays', () => {
  /** the synapses of a plan's first projection, built in one shard (js backend) */
  function built(net: ReturnType<typeof planNetwork>) {
    const be = new JsBackend();
    try {
      return buildShard(be, net, 0);
    } finally {
      be.dispose();
    }
  }

  function delayNet(delay: ProjectionSpec['delay'], nSrc = 200, nTgt = 100, seed = 1) {
    return planNetwork(
      model(
        [
          { name: 'S', size: nSrc, model: 'threshold' },
          { name: 'T', size: nTgt, model: 'threshold' },
        ],
        { seed, projections: [{ source: 'S', target: 'T', connect: { rule: 'all_to_all' }, weight: 1, delay }] },
      ),
    );
  }

  it('constants on the grid: steps = round(delay/dt); the default is one step', () => {
    expect(delayNet(0.3, 2, 2).projections[0].constDelay).toBe(3);
    expect(built(delayNet(0.3, 2, 2)).delays).toBeNull();
    expect(built(delayNet(0.3, 2, 2)).constDelay).toBe(3);
    expect(delayNet(undefined, 2, 2).projections[0].constDelay).toBe(1);
    const top = delayNet(25.5, 2, 2);
    expect(top.projections[0].constDelay).toBe(255);
    expect(top.ringSlots).toBe(255);
    expect(delayNet(0.1, 2, 2).ringSlots).toBe(1);
  });

  it('distributions: each value rounded by round(x/dt) and clipped below at 1 step (histogram)', () => {
    // x ~ U[0, 1) ms at dt = 0.1: step 1 gets x < 0.15 (P = 0.15, including the clipped 0),
    // steps 2..9 get 0.1 each, step 10 gets x >= 0.95 (P = 0.05)
    const p = built(delayNet({ dist: 'uniform', low: 0, high: 1 }));
    const n = p.nSyn;
    const h = new Array(12).fill(0);
    for (const d of p.delays!) h[d]++;
    const expected = [0, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0];
    expected.forEach((q, k) => expect(Math.abs(h[k] / n - q), `step ${k}`).toBeLessThanOrEqual(5 * Math.sqrt((q * (1 - q)) / n)));
    expect(p.minDelay).toBe(1);
    expect(p.maxDelay).toBe(10);
  });

  it('per-synapse draws come from key (seed, delayStream, target), counter over its synapses in order', () => {
    const seed = 9;
    const nSrc = 5;
    const net = delayNet({ dist: 'uniform', low: 0.1, high: 3 }, nSrc, 4, seed);
    const p = built(net);
    const ks = new KeyStream(seed, streams.delayStream(0), 0);
    for (let t = 0; t < 4; t++) {
      ks.reset(seed, streams.delayStream(0), t);
      for (let s = 0; s < nSrc; s++) {
        // all_to_all generates target t's synapses in source order; row s holds targets 0..3 (ordered by delay)
        const x = 0.1 + 2.9 * ks.uniform();
        const k = p.targets.subarray(p.rowPtr[s], p.rowPtr[s + 1]).indexOf(t) + p.rowPtr[s];
        expect(p.delays![k]).toBe(Math.max(1, Math.round(x / 0.1)));
      }
    }
    expect(net.ringSlots).toBe(p.maxDelay);
  });
});

describe('receptor channel defaults (lif exp targets)', () => {
  const pops: PopulationSpec[] = [
    { name: 'E', size: 3, model: 'lif', type: 'excitatory' },
    { name: 'I', size: 3, model: 'lif', type: 'inhibitory' },
    { name: 'U', size: 3, model: 'poisson', params: { rate: 5 } },
    { name: 'D', size: 3, model: 'lif', synapse: 'delta' },
    { name: 'T', size: 3, model: 'threshold' },
  ];
  const proj = (source: string, target: string, weight: ProjectionSpec['weight'], receptor?: 'excitatory' | 'inhibitory'): ProjectionSpec => ({
    source, target, connect: { rule: 'one_to_one' }, weight, ...(receptor ? { receptor } : {}),
  });
  it('from the source type, else the sign of the weight; explicit receptor wins; delta/threshold have channel 0', () => {
    const net = planNetwork(
      model(pops, {
        projections: [
          proj('E', 'E', 0), //                             excitatory source → 0
          proj('I', 'E', -1), //                            inhibitory source → 1
          proj('U', 'E', 0.5), //                           untyped, positive → 0
          proj('U', 'E', -0.5), //                          untyped, negative → 1
          proj('U', 'E', { dist: 'uniform', low: -2, high: -1 }), // support <= 0 → 1
          proj('U', 'E', { dist: 'normal', mean: 1, std: 1, min: 0 }), // support >= 0 → 0
          proj('U', 'E', 0.5, 'inhibitory'), //             explicit → 1
          proj('I', 'D', -1), //                            delta: one channel
          proj('I', 'T', -1), //                            threshold: one channel
        ],
      }),
    );
    expect(net.projections.map((p) => p.channel)).toEqual([0, 1, 0, 1, 1, 0, 1, 0, 0]);
  });
});

describe('spike generators and the network', () => {
  it('spike times are sorted by step then index, on the grid', () => {
    const net = planNetwork(
      model([{ name: 'G', size: 3, model: 'spike_generator', params: { spike_times: [[2, 0.5], [], [0.5, 0, 7.3]] } }], { duration: 10 }),
    );
    const g = net.populations[0];
    expect(Array.from(g.generatorSteps!)).toEqual([0, 5, 5, 20, 73]);
    expect(Array.from(g.generatorIndices!)).toEqual([2, 0, 2, 0, 2]);
    expect(net.steps).toBe(100);
    expect(g.channels).toBe(0);
  });

  it('totals, defaults, seed, name, monitors', () => {
    const spec = model(
      [
        { name: 'A', size: 10, model: 'threshold' },
        { name: 'B', size: 5, model: 'threshold' },
      ],
      {
        projections: [
          { source: 'A', target: 'B', connect: { rule: 'all_to_all' }, weight: 1, delay: 0.5 },
          { name: 'back', source: 'B', target: 'A', connect: { rule: 'fixed_indegree', indegree: 2 }, weight: 1 },
        ],
        monitors: [{ type: 'state', population: 'A', variables: ['n'], neurons: [0] }],
      },
    );
    const net = planNetwork(spec);
    expect(net.neurons).toBe(15);
    expect(net.synapses).toBe(50 + 20);
    expect(net.steps).toBe(10000); // default duration 1000 ms
    expect(net.seed).toBe(1);
    expect(planNetwork({ ...spec, seed: 5 }).seed).toBe(5);
    expect(planNetwork({ ...spec, seed: 5 }, { seed: 6 }).seed).toBe(6);
    expect(net.ringSlots).toBe(5);
    expect(net.projections.map((p) => p.name)).toEqual(['A->B', 'back']);
    expect(net.monitors).toEqual([{ type: 'state', population: 'A', variables: ['n'], neurons: [0], every: 1 }]);
  });
});

describe('memory estimate', () => {
  it('equals the simulator arena plan for fixed rules, and the expectation for pairwise_bernoulli', async () => {
    const spec: ModelSpec = {
      dt: 0.1,
      populations: [
        { name: 'E', size: 101, model: 'lif', params: { tau_m: { dist: 'uniform', low: 10, high: 20 } } },
        { name: 'D', size: 33, model: 'lif', synapse: 'delta' },
        { name: 'T', size: 17, model: 'threshold', params: { mu: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] } },
        { name: 'P', size: 20, model: 'poisson', params: { rate: 5 } },
        { name: 'G', size: 3, model: 'spike_generator', params: { spike_times: [[1], [], [2]] } },
      ],
      projections: [
        { source: 'P', target: 'E', connect: { rule: 'fixed_indegree', indegree: 7 }, weight: 0.1, delay: { dist: 'uniform', low: 0.1, high: 1.2 } },
        { source: 'E', target: 'D', connect: { rule: 'all_to_all' }, weight: { dist: 'normal', mean: 1, std: 0.1 }, delay: 1.2 },
        { source: 'G', target: 'T', connect: { rule: 'fixed_total_number', n: 9 }, weight: 1 },
      ],
      inputs: [{ type: 'poisson', target: 'E', rate: 3000, weight: 0.1 }],
    };
    const est = estimateNetwork(spec);
    const net = planNetwork(spec);
    expect(est.neurons).toBe(net.neurons);
    expect(est.synapses).toBe(net.synapses);
    expect(est.ringSlots).toBe(net.ringSlots); // the uniform reaches 12 steps
    const sim = await Simulation.create(spec, { backend: 'js', threads: 1 });
    // the estimate is the arena the simulator lays out (the delay runs of P -> E at most)
    expectArena(estimateShards(spec, 1).shards, sim, 'one thread');
    expect(est.bytes).toBe(estimateShards(spec, 1).bytes);
    sim.dispose();

    const b: ModelSpec = {
      dt: 0.1,
      populations: [{ name: 'A', size: 1000, model: 'threshold' }],
      projections: [{ source: 'A', target: 'A', connect: { rule: 'pairwise_bernoulli', p: 0.1, allow_autapses: false }, weight: 1 }],
    };
    expect(estimateNetwork(b).synapses).toBe(1000 * 999 * 0.1);
    // formula by hand: spikes + state + mu + 1 ring channel of 1 slot (delay 1 step); rowPtr + 16-bit targets;
    // the step loop of one thread: its program (header 12 words, flush 4, 44 per population, 16 per
    // projection), the population's spike count, total and fill, and its counts of 256 steps
    const r16 = (x: number) => Math.ceil(x / 16) * 16;
    const loop = r16((12 + 4 + 44 + 16) * 4) + 3 * 16 + 256 * 4;
    expect(estimateNetwork(b).bytes).toBe(r16(4000) * 2 + 16 + r16(1 * 4000) + r16(1001 * 4) + r16(99900 * 2) + loop);
  });

  it('estimateShards: an expected synapse count is the same total for every number of shards (rounded cumulatively over the targets)', () => {
    const spec: ModelSpec = {
      dt: 0.1,
      populations: [{ name: 'E', size: 997, model: 'lif' }, { name: 'I', size: 251, model: 'lif' }],
      projections: [
        { source: 'E', target: 'E', connect: { rule: 'pairwise_bernoulli', p: 0.0137 }, weight: 0.1 },
        { source: 'E', target: 'I', connect: { rule: 'pairwise_bernoulli', p: 0.0311 }, weight: 0.1 },
        { source: 'I', target: 'E', connect: { rule: 'pairwise_bernoulli', p: 0.0577 }, weight: -0.4 },
      ],
    };
    const totals = [1, 2, 3, 4, 5, 7].map((T) => estimateShards(spec, T).shards.reduce((n, sh) => n + sh.synapses, 0));
    expect(new Set(totals).size).toBe(1);
    expect(totals[0]).toBe(Math.round(997 * 997 * 0.0137) + Math.round(997 * 251 * 0.0311) + Math.round(251 * 997 * 0.0577));
  });

  it('estimateShards: per-shard bytes of the simulator\'s arenas (exact for fixed rules, from the plan or the description)', async () => {
    const spec: ModelSpec = {
      dt: 0.1,
      populations: [
        { name: 'E', size: 101, model: 'lif', params: { tau_m: { dist: 'uniform', low: 10, high: 20 } } },
        { name: 'T', size: 17, model: 'threshold', params: { mu: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] } },
        { name: 'P', size: 20, model: 'poisson', params: { rate: 5 } },
      ],
      projections: [
        { source: 'P', target: 'E', connect: { rule: 'fixed_indegree', indegree: 7 }, weight: 0.1, delay: { dist: 'uniform', low: 0.1, high: 1.2 } },
        { source: 'E', target: 'T', connect: { rule: 'all_to_all' }, weight: { dist: 'normal', mean: 1, std: 0.1 }, delay: 1.2 },
        { source: 'T', target: 'T', connect: { rule: 'fixed_total_number', n: 90 }, weight: 1 },
        { source: 'E', target: 'E', connect: { rule: 'explicit', sources: [0, 5, 7, 100], targets: [3, 50, 99, 100] }, weight: 0.5 },
      ],
      inputs: [{ type: 'poisson', target: 'E', rate: 3000, weight: 0.1 }],
    };
    const plan = planNetwork(spec);
    for (const T of [1, 3]) {
      const fromPlan = estimateShards(plan, T);
      const fromSpec = estimateShards(spec, T);
      expect(fromPlan.shards.length).toBe(T);
      // synapse counts per shard are exact from the plan (fixed_total_number's counts are drawn)
      const sim = await Simulation.create(spec, { backend: 'js', threads: T });
      expectArena(fromPlan.shards, sim, `${T} threads`);
      expect(fromPlan.synapses).toBe(plan.synapses);
      sim.dispose();
      // from the description every rule but fixed_total_number is exact per shard
      expect(fromSpec.neurons).toBe(fromPlan.neurons);
      expect(fromSpec.shards.map((x) => x.neurons)).toEqual(fromPlan.shards.map((x) => x.neurons));
      if (T === 1) expect(fromSpec.bytes).toBe(fromPlan.bytes);
      // slices [floor(k n / T), floor((k+1) n / T)): the shards' neurons add up
      expect(fromPlan.shards.reduce((a, x) => a + x.neurons, 0)).toBe(101 + 17 + 20);
      expect(fromPlan.maxShardBytes).toBe(Math.max(...fromPlan.shards.map((x) => x.bytes)));
    }
    // per projection: row pointers over all sources in every shard, targets 2 bytes (slices of at
    // most 2^16 neurons), weights 4 when they vary; the runs of per-synapse delays: run pointers
    // and at most min(synapses, sources x delay values) + synapses / 31 one-byte runs, plus per
    // row (delay values - 1) / 7 runs of no synapses for its gaps
    const e3 = estimateShards(plan, 3);
    const r16 = (x: number) => Math.max(16, Math.ceil(x / 16) * 16);
    for (const sh of e3.shards) {
      const pe = sh.projections[1]; // E -> T, all_to_all, normal weights
      expect(pe.rowPtrBytes).toBe(r16((101 + 1) * 4));
      expect(pe.synBytes).toBe(r16(pe.synapses * 2));
      expect(pe.weightBytes).toBe(r16(pe.synapses * 4));
      expect(pe.runBytes).toBe(0);
      expect(sh.projections[2].weightBytes).toBe(0);
      const pd = sh.projections[0]; // P -> E, 12 delay values
      expect(pd.runBytes).toBe(r16(21 * 4) + r16(Math.min(pd.synapses, 20 * 12) + Math.floor(pd.synapses / 31) + Math.min(pd.synapses, 20) * Math.floor(11 / 7)));
    }
  });

  it('planNetwork refuses a model above maxBytes before generating', () => {
    const spec: ModelSpec = {
      dt: 0.1,
      populations: [{ name: 'A', size: 1000, model: 'threshold' }],
      projections: [{ source: 'A', target: 'A', connect: { rule: 'all_to_all' }, weight: 1 }],
    };
    expect(() => planNetwork(spec, { maxBytes: 1e6 })).toThrow(/1,000 neurons and 1,000,000 synapses need [\d.]+ MiB \([\d,]+ bytes\) .* limit of 976\.56 KiB \(1,000,000 bytes\)/);
    expect(planNetwork(spec, { maxBytes: 5e6 }).synapses).toBe(1e6);
  });
});
