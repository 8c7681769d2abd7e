/**
 * The firing types of Izhikevich (2003), "Simple model of spiking neurons", IEEE TNN 14:1569, Fig. 2,
 * with the built-in `izhikevich` model (v' = 0.04 v² + 5 v + 140 − u + I, u' = a (b v − u), at
 * v ≥ 30 mV: v = c, u += d; I in the paper's unit, docs/model-format.md), scheme 'euler' at the
 * figure's time resolution of 0.1 ms, each neuron starting at its resting state (u = b v):
 *
 *   RS  regular spiking          0.02  0.2   −65  8      adapting spikes
 *   IB  intrinsically bursting   0.02  0.2   −55  4      an initial burst, then single spikes
 *   CH  chattering               0.02  0.2   −50  2      repetitive bursts
 *   FS  fast spiking             0.1   0.2   −65  2      a high rate without adaptation
 *   LTS low-threshold spiking    0.02  0.25  −65  2      a high rate with strong adaptation
 *   TC  thalamo-cortical         0.02  0.25  −65  0.05   tonic when depolarized from rest, a rebound
 *                                                         burst after a hyperpolarization to about −90 mV
 *   RZ  resonator                0.1   0.26  −65  2      damped subthreshold oscillations; a pair of
 *                                                         weak pulses fires at the resonant interval only
 *
 * The first five are told apart by a classifier of spike trains (counts and inter-spike intervals)
 * under the figure's step of I = 10; TC and RZ by their own protocols, against the other types.
 */
import { describe, it, expect } from 'vitest';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import type { ModelSpec } from '../src/core/types.ts';

const JS: SimulationOptions = { backend: 'js', threads: 1 };
const WASM: SimulationOptions = { backend: 'wasm', threads: 1 };
const DT = 0.1;

/** a, b, c, d of Fig. 2 */
const TYPES = {
  RS: [0.02, 0.2, -65, 8],
  IB: [0.02, 0.2, -55, 4],
  CH: [0.02, 0.2, -50, 2],
  FS: [0.1, 0.2, -65, 2],
  LTS: [0.02, 0.25, -65, 2],
  TC: [0.02, 0.25, -65, 0.05],
  RZ: [0.1, 0.26, -65, 2],
} as const;
type Type = keyof typeof TYPES;

/** The resting potential with I = 0: the stable root of 0.04 v² + (5 − b) v + 140 = 0 (u = b v). */
const rest = (b: number) => (-(5 - b) - Math.sqrt((5 - b) ** 2 - 4 * 0.04 * 140)) / (2 * 0.04);

type Current = { amplitude: number; start: number; stop: number };

/**
 * One neuron per type in one population, at rest, under the current steps `currents` (every
 * neuron the same); the spike times of each and, when `record`, the v of every neuron per step.
 */
async function simulate(types: Type[], currents: Current[], duration: number, opts: SimulationOptions = JS, record = false) {
  const col = (j: number) => types.map((t) => TYPES[t][j]);
  const spec = {
    dt: DT, duration, seed: 1,
    populations: [{
      name: 'P', size: types.length, model: 'izhikevich',
      params: { a: col(0), b: col(1), c: col(2), d: col(3) },
      initial: { v: types.map((t) => rest(TYPES[t][1])) },
    }],
    inputs: currents.map((c) => ({ type: 'current', target: 'P', ...c })),
    monitors: [
      { type: 'spikes', population: 'P' },
      ...(record ? [{ type: 'state', population: 'P', variables: ['v'], neurons: types.map((_, k) => k), every: 1 }] : []),
    ],
  } as ModelSpec;
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(duration);
    const d = sim.spikes('P');
    const t: number[][] = types.map(() => []);
    for (let k = 0; k < d.count; k++) t[d.i[k]].push(d.steps[k] * DT);
    const v = record ? types.map((_, k) => Float32Array.from(sim.state(0).values.v[k])) : [];
    return { t, v, steps: Array.from(d.steps), i: Array.from(d.i) };
  } finally {
    sim.dispose();
  }
}

const isis = (t: number[]) => t.slice(1).map((x, k) => x - t[k]);
const mean = (x: number[]) => x.reduce((s, y) => s + y, 0) / x.length;

/**
 * The spikes split into bursts at the long intervals: an ISI longer than 8 times the shortest one
 * ends a burst (bursts = short ISIs followed by long ones).
 */
function bursts(t: number[]): number[][] {
  const d = isis(t);
  const long = 8 * Math.min(...d);
  const out: number[][] = [[t[0]]];
  d.forEach((x, k) => (x > long ? out.push([t[k + 1]]) : out.at(-1)!.push(t[k + 1])));
  return out;
}

/**
 * The firing type of a spike train under a sustained step, from counts and ISIs only:
 *   CH   three or more bursts, each (but the last, cut by the end of the step) of 3 spikes or more;
 *   IB   a first burst of 3 spikes or more, then single spikes;
 *   without bursts (at least 5 spikes), by the steady ISI (the mean of the last three) and the
 *   adaptation (steady ISI / first ISI):
 *   FS   steady rate above 50 Hz, adaptation below 3;     LTS  above 50 Hz, adaptation 3 or more;
 *   RS   steady rate up to 50 Hz, adaptation above 1.5;   tonic  up to 50 Hz without adaptation.
 */
function classify(t: number[]): string {
  if (t.length < 5) return 'silent';
  const b = bursts(t);
  if (b.length >= 3 && b.slice(0, -1).every((x) => x.length >= 3)) return 'CH';
  if (b.length >= 2 && b[0].length >= 3 && b.slice(1).every((x) => x.length === 1)) return 'IB';
  if (b.length > 1) return 'irregular';
  const d = isis(t);
  const steady = mean(d.slice(-3));
  const adaptation = steady / d[0];
  if (steady < 20) return adaptation >= 3 ? 'LTS' : 'FS';
  return adaptation > 1.5 ? 'RS' : 'tonic';
}

describe('Izhikevich (2003) Fig. 2: the firing types of the built-in izhikevich model', () => {
  const step: Current = { amplitude: 10, start: 20, stop: 220 };
  const five: Type[] = ['RS', 'IB', 'CH', 'FS', 'LTS'];

  it('under a step of I = 10: RS adapts, IB bursts once, CH bursts repeatedly, FS fires fast without adaptation, LTS fast with adaptation; the classifier tells them apart', async () => {
    const r = await simulate(five, [step], 240);
    const by = Object.fromEntries(five.map((n, k) => [n, r.t[k]])) as Record<Type, number[]>;
    const labels = five.map((n) => classify(by[n]));
    expect(labels).toEqual(five);
    expect(new Set(labels).size).toBe(5);
    for (const n of five) {
      // nothing before the step, firing within a few ms of its onset, nothing once it is over
      expect(by[n][0], n).toBeGreaterThan(step.start);
      expect(by[n][0], n).toBeLessThan(step.start + 5);
      expect(by[n].at(-1)!, n).toBeLessThan(step.stop + 1);
    }
    // RS: a few spikes, the rate falling to below 30 Hz
    expect(by.RS.length).toBeLessThan(10);
    expect(1000 / isis(by.RS).at(-1)!).toBeLessThan(30);
    // IB: a burst of 3 or more spikes at intervals below 5 ms, then regular spikes (intervals within 10 %)
    const ib = bursts(by.IB);
    expect(ib[0].length).toBeGreaterThanOrEqual(3);
    for (const d of isis(ib[0])) expect(d).toBeLessThan(5);
    const tonicIB = isis(by.IB).slice(ib[0].length);
    expect(tonicIB.length).toBeGreaterThanOrEqual(4);
    for (const d of tonicIB) expect(Math.abs(d / mean(tonicIB) - 1)).toBeLessThan(0.1);
    // CH: bursts of 4 or more spikes at intervals below 8 ms, repeating at 15 to 40 Hz
    const ch = bursts(by.CH);
    for (const b of ch.slice(0, -1)) {
      expect(b.length).toBeGreaterThanOrEqual(4);
      for (const d of isis(b)) expect(d).toBeLessThan(8);
    }
    const period = isis(ch.map((b) => b[0]));
    for (const p of period) expect(1000 / p).toBeGreaterThan(15);
    for (const p of period) expect(1000 / p).toBeLessThan(40);
    // FS: above 100 Hz throughout, the steady interval less than twice the first
    for (const d of isis(by.FS)) expect(1000 / d).toBeGreaterThan(100);
    expect(isis(by.FS).at(-1)! / isis(by.FS)[0]).toBeLessThan(2);
    // LTS: above 200 Hz at the onset, adapting to a steady rate below 100 Hz
    expect(1000 / isis(by.LTS)[0]).toBeGreaterThan(200);
    expect(1000 / isis(by.LTS).at(-1)!).toBeLessThan(100);
    // the same spikes on wasm
    const w = await simulate(five, [step], 240, WASM);
    expect(w.steps).toEqual(r.steps);
    expect(w.i).toEqual(r.i);
  });

  it('the classifier on made-up trains: bursts and adaptation from ratios of intervals, FS from the rate', () => {
    const regular = (isi: number, n: number) => Array.from({ length: n }, (_, k) => 20 + k * isi);
    expect(classify(regular(8, 20))).toBe('FS');
    expect(classify(regular(30, 7))).toBe('tonic');
    expect(classify([20, 22, 24, 26, 60, 62, 64, 66, 100, 102, 104])).toBe('CH');
    expect(classify([20, 22.5, 26, 60, 90, 120, 150])).toBe('IB');
    expect(classify([20, 21, 60, 80, 82, 120])).toBe('irregular');
    expect(classify([20, 30, 60])).toBe('silent');
  });

  it('TC: tonic firing when depolarized from rest; a rebound burst after a hyperpolarizing step to about -90 mV, which RS and FS do not fire', async () => {
    const types: Type[] = ['TC', 'RS', 'FS'];
    // depolarized from rest (v = -64.4 mV): spikes through the whole step, no burst
    const dep = await simulate(types, [step], 240);
    const tc = dep.t[0];
    expect(tc.length).toBeGreaterThan(20);
    expect(bursts(tc).length).toBe(1);
    expect(tc[0]).toBeLessThan(step.start + 5);
    expect(tc.at(-1)!).toBeGreaterThan(step.stop - 10);
    // a step of I = -30 for 100 ms, then release
    const hyper: Current = { amplitude: -30, start: 20, stop: 120 };
    const r = await simulate(types, [hyper], 300, JS, true);
    const vmin = Math.min(...r.v[0]);
    expect(vmin).toBeLessThan(-88);
    expect(vmin).toBeGreaterThan(-92);
    const burst = r.t[0];
    expect(burst.filter((x) => x < hyper.stop)).toEqual([]);
    // 4 or more spikes within 50 ms of the release, the first interval below 6 ms, then silence
    expect(burst.length).toBeGreaterThanOrEqual(4);
    expect(burst.at(-1)!).toBeLessThan(hyper.stop + 50);
    expect(isis(burst)[0]).toBeLessThan(6);
    // RS and FS: at most one spike after the same release
    expect(r.t[1].length).toBeLessThanOrEqual(1);
    expect(r.t[2].length).toBeLessThanOrEqual(1);
  });

  it('RZ: damped subthreshold oscillations at the frequency of its linearisation (the other types relax without oscillating); a pair of weak pulses fires at the resonant interval, not at half of it', async () => {
    const all = Object.keys(TYPES) as Type[];
    // a brief weak pulse (1 ms of I = 2) at 100 ms: no spike; v crosses its rest again and again (RZ) or at most once
    const pulse = await simulate(all, [{ amplitude: 2, start: 100, stop: 101 }], 400, JS, true);
    const crossings = all.map((n, k) => {
      const v0 = rest(TYPES[n][1]);
      const at: number[] = [];
      let prev = 0;
      for (let s = 1010; s < pulse.v[k].length; s++) {
        const sign = Math.sign(pulse.v[k][s] - v0);
        if (sign && prev && sign !== prev) at.push(s * DT);
        if (sign) prev = sign;
      }
      return at;
    });
    expect(pulse.t.every((t) => t.length === 0)).toBe(true);
    const rz = crossings[all.indexOf('RZ')];
    expect(rz.length).toBeGreaterThanOrEqual(4);
    for (const [k, n] of all.entries()) if (n !== 'RZ') expect(crossings[k].length, n).toBeLessThanOrEqual(1);
    // the period: the Jacobian at rest [[0.08 v + 5, -1], [a b, -a]] has eigenvalues -λ ± iω
    const [a, b] = TYPES.RZ;
    const j11 = 0.08 * rest(b) + 5;
    const omega = Math.sqrt(a * b - a * j11 - ((j11 - a) / 2) ** 2);
    const T = (2 * Math.PI) / omega; // ≈ 41 ms
    const half = isis(rz.slice(0, 4));
    for (const h of half) expect(Math.abs(h / (T / 2) - 1)).toBeLessThan(0.05);
    // resonance: 1 ms pulses of I = 2.3, alone, in a pair T apart, and in a pair T/2 apart
    const pair = (gap: number): Current[] => [{ amplitude: 2.3, start: 100, stop: 101 }, { amplitude: 2.3, start: 100 + gap, stop: 101 + gap }];
    const round = (ms: number) => Math.round(ms / DT) * DT;
    const single = await simulate(['RZ'], [{ amplitude: 2.3, start: 100, stop: 101 }], 300);
    const resonant = await simulate(['RZ'], pair(round(T)), 300);
    const offResonant = await simulate(['RZ'], pair(round(T / 2)), 300);
    expect(single.t[0]).toEqual([]);
    expect(resonant.t[0].length).toBe(1);
    expect(resonant.t[0][0]).toBeGreaterThan(100 + round(T));
    expect(offResonant.t[0]).toEqual([]);
  });
});
