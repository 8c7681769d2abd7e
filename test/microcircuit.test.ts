/**
 * The Potjans & Diesmann (2014) microcircuit (src/models/microcircuit.ts) against the reference
 * PyNEST implementation's numbers (INM-6/microcircuit-PD14-model), and a 5 % version
 * (N_scaling = K_scaling = 0.05, 3,858 neurons, 747,205 synapses) built and run: synapse counts,
 * weight and delay distributions, identical spike trains across backends and thread counts, and
 * non-zero rates in every population.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  microcircuit, microcircuitDerived, numSynapsesFromConnProb, postsynapticPotentialToCurrent, roundHalfEven,
  FULL_NUM_NEURONS, CONN_PROBS, POPULATIONS, THALAMUS,
} from '../src/models/microcircuit.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { ArenaAllocator } from '../src/sim/arena.ts';
import { delaysOf } from '../src/sim/synapse-layout.ts';
import { buildShardProjection } from '../src/sim/connectivity.ts';
import { createBackend } from '../src/backend/index.ts';
import { validateModel } from '../src/network/index.ts';
import type { ModelSpec, NetworkPlan } from '../src/core/types.ts';
import { spikeTrains } from './util.ts';

/** The reference's full-scale synapse counts, np.round(num_synapses_from_conn_probs(...)), [target][source] (numpy 2.4) */
const FULL_SYNAPSES = [
  [45499805, 22323577, 20253647, 9670918, 3293578, 0, 2271404, 0],
  [17443694, 5018763, 4105338, 1690074, 2221213, 0, 353461, 0],
  [3503670, 756561, 24482849, 17413576, 714524, 7003, 14624432, 0],
  [8114254, 92832, 9933538, 5223272, 87836, 0, 8810905, 0],
  [10613575, 1817058, 5507804, 151900, 2040738, 2407889, 1438969, 0],
  [1241436, 169424, 607667, 12851, 319602, 430444, 132414, 0],
  [4681225, 556108, 6727570, 1320234, 4112225, 305029, 8372649, 10827677],
  [2260836, 17207, 220033, 8078, 401638, 25218, 2888426, 1354320],
];

describe('reference numbers', () => {
  it('PSC amplitude of a 0.15 mV PSP is 87.81 pA (helpers.py postsynaptic_potential_to_current)', () => {
    const f = postsynapticPotentialToCurrent(250, 10, 0.5);
    expect(f).toBeCloseTo(585.3899568613896, 9);
    expect(0.15 * f).toBeCloseTo(87.81, 2);
  });

  it('full-scale synapse counts equal the reference formula ln(1-C)/ln((N1 N2 - 1)/(N1 N2)), rounded as numpy does', () => {
    const d = microcircuitDerived();
    expect(d.numNeurons).toEqual(FULL_NUM_NEURONS);
    expect(d.numSynapses).toEqual(FULL_SYNAPSES);
    expect(d.numSynapses.flat().reduce((a, b) => a + b, 0)).toBe(298880968);
    expect(numSynapsesFromConnProb(0.1009, 20683, 20683)).toBeCloseTo(45499804.9, 0);
    expect(numSynapsesFromConnProb(0, 100, 100)).toBe(0);
    expect(CONN_PROBS[0][2]).toBe(0.0437);
  });

  it('DC background = K_ext × 8 Hz × PSC × tau_syn (helpers.py dc_input_compensating_poisson), pA', () => {
    const d = microcircuitDerived();
    const expected = [561.97435859, 526.85096118, 737.59134565, 667.34455082, 702.46794823, 667.34455082, 1018.57852494, 737.59134565];
    d.dcAmp.forEach((x, i) => expect(x).toBeCloseTo(expected[i], 6));
    expect(d.weightExt).toBeCloseTo(87.80849352920843, 9);
    // L4E -> L23E doubled; inhibitory g = -4
    expect(d.weightMatrixMean[0][2]).toBeCloseTo(2 * 87.80849352920843, 9);
    expect(d.weightMatrixMean[0][1]).toBeCloseTo(-4 * 87.80849352920843, 9);
    expect(d.delayMatrixMean[3]).toEqual([1.5, 0.75, 1.5, 0.75, 1.5, 0.75, 1.5, 0.75]);
  });

  it('K scaling: weights / sqrt(K), DC compensation as adjust_weights_and_input_to_synapse_scaling (values from numpy)', () => {
    const dc = microcircuitDerived({ scaleN: 0.1, scaleK: 0.1 });
    const expDc = [206.74690515, 278.97610066, 346.21658509, 326.02322575, 347.55814673, 362.71734286, 365.94970109, 386.95658312];
    dc.dcAmp.forEach((x, i) => expect(x).toBeCloseTo(expDc[i], 6));
    expect(dc.weightExt).toBeCloseTo(87.80849352920843 / Math.sqrt(0.1), 9);
    expect(dc.numNeurons).toEqual([2068, 583, 2192, 548, 485, 106, 1440, 295]);
    expect(dc.numSynapses.flat().reduce((a, b) => a + b, 0)).toBe(2988807);
    expect(dc.extIndegrees).toEqual([160, 150, 210, 190, 200, 190, 290, 210]);
    const po = microcircuitDerived({ scaleN: 0.1, scaleK: 0.1, background: 'poisson' });
    const expPo = [29.03500917, 112.37119818, 112.96972162, 114.99034928, 125.41827676, 151.68446639, 43.84688964, 153.70971965];
    po.dcAmp.forEach((x, i) => expect(x).toBeCloseTo(expPo[i], 6));
    const s5 = microcircuitDerived({ scaleN: 0.05, scaleK: 0.05 });
    expect(s5.numSynapses.flat().reduce((a, b) => a + b, 0)).toBe(747205);
    expect(s5.numNeurons).toEqual([1034, 292, 1096, 274, 242, 53, 720, 147]);
  });

  it('numpy rounding (half to even) and the thalamic synapse counts', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
    expect(microcircuitDerived().numThSynapses).toEqual([0, 0, 2045393, 315791, 0, 0, 682419, 52636]);
  });

  it('thalamus: a Poisson population of 902 neurons at 120 Hz in [700, 710) ms (stimulus_params.py)', () => {
    const tc = microcircuit({ thalamus: true }).populations.find((p) => p.name === 'TC')!;
    expect(tc).toMatchObject({ size: THALAMUS.neurons, model: 'poisson', type: 'excitatory', params: { rate: 120, start: 700, stop: 710 } });
  });

  it('the full-scale model file is valid and small (only 8 × 8 tables, no per-neuron arrays); examples/microcircuit.json is it', () => {
    const spec = microcircuit();
    const { $schema, ...file } = JSON.parse(readFileSync(new URL('../examples/microcircuit.json', import.meta.url), 'utf8'));
    expect($schema).toBe('../schema/model.json');
    expect(file).toEqual(JSON.parse(JSON.stringify(spec)));
    expect(validateModel(spec)).toEqual([]);
    expect(JSON.stringify(spec).length).toBeLessThan(60_000);
    expect(spec.projections).toHaveLength(55);
    expect(spec.populations.map((p) => p.size)).toEqual(FULL_NUM_NEURONS);
    const th = microcircuit({ thalamus: true, scaleN: 0.1, scaleK: 0.1, background: 'poisson' });
    expect(validateModel(th)).toEqual([]);
    expect(th.projections!.filter((p) => p.source === 'TC').map((p) => (p.connect as { n: number }).n)).toEqual([204539, 31579, 68242, 5264]);
  });
});

// ---------------------------------------------------------------------------------------------
// 5 % version
// ---------------------------------------------------------------------------------------------

const SCALE = 0.05;
const spec5 = (background: 'dc' | 'poisson', durationMs = 300): ModelSpec => microcircuit({ scaleN: SCALE, scaleK: SCALE, background, durationMs });

/** Synapse count of a planned projection (exact for fixed_total_number). */
const plannedCount = (pr: NetworkPlan['projections'][number]): number => (pr as { nSyn?: number }).nSyn ?? pr.synapses;

/** Build one projection of a plan (connect kernels, all targets in one shard) and read its weights (nA) and delays (steps) back. */
async function readProjection(plan: NetworkPlan, p: number): Promise<{ weights: Float64Array; delays: Int32Array }> {
  const be = await createBackend('wasm');
  try {
    const pr = plan.projections[p];
    const r = buildShardProjection(be, new ArenaAllocator(be, be.base), plan, p, 0, pr.nTgt);
    const weights = r.weights ? Float64Array.from(new Float32Array(be.buffer, r.weights, r.nSyn)) : new Float64Array(r.nSyn).fill(r.constWeight);
    const delays = r.runPtr ? Int32Array.from(delaysOf(be.buffer, r, pr.nSrc)) : new Int32Array(r.nSyn).fill(r.constDelay);
    return { weights, delays };
  } finally {
    be.dispose();
  }
}

const stats = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k];
  const m = s / xs.length;
  let q = 0;
  for (let k = 0; k < xs.length; k++) q += (xs[k] - m) ** 2;
  return { mean: m, sd: Math.sqrt(q / (xs.length - 1)), n: xs.length };
};

/**
 * Mean and SD of max(1, round(X / dt)) for X normal(mu, sd) redrawn below lo (our rule and NEST's),
 * by numerical integration.
 */
function delayStepMoments(mu: number, sd: number, lo: number, dt: number) {
  let z = 0;
  let m1 = 0;
  let m2 = 0;
  const h = sd / 2000;
  for (let x = lo; x < mu + 12 * sd; x += h) {
    const p = Math.exp(-0.5 * ((x + h / 2 - mu) / sd) ** 2) * h;
    const k = Math.max(1, Math.round((x + h / 2) / dt));
    z += p;
    m1 += p * k;
    m2 += p * k * k;
  }
  const mean = m1 / z;
  return { mean, sd: Math.sqrt(m2 / z - mean * mean) };
}

describe('5 % microcircuit', () => {
  it('every projection has the reference synapse count, with the stated weight and delay distributions', async () => {
    const spec = spec5('dc');
    const d = microcircuitDerived({ scaleN: SCALE, scaleK: SCALE });
    const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1 });
    const plan = sim.network as NetworkPlan;
    sim.dispose();
    let k = 0;
    POPULATIONS.forEach((tgt, i) =>
      POPULATIONS.forEach((src, j) => {
        if (d.numSynapses[i][j] === 0) return;
        const pr = plan.projections[k++];
        expect(pr.name).toBe(`${src}->${tgt}`);
        expect(plannedCount(pr), pr.name).toBe(roundHalfEven(numSynapsesFromConnProb(CONN_PROBS[i][j], FULL_NUM_NEURONS[i], FULL_NUM_NEURONS[j]) * SCALE * SCALE));
      }),
    );
    expect(k).toBe(plan.projections.length);
    expect(plan.synapses).toBe(747205);

    const exc = statsCheck(await readProjection(plan, plan.projections.findIndex((p) => p.name === 'L23E->L23E')), d.weightMatrixMean[0][0], 1.5);
    expect(exc.n).toBe(d.numSynapses[0][0]);
    statsCheck(await readProjection(plan, plan.projections.findIndex((p) => p.name === 'L4E->L23E')), d.weightMatrixMean[0][2], 1.5);
    statsCheck(await readProjection(plan, plan.projections.findIndex((p) => p.name === 'L23I->L23E')), d.weightMatrixMean[0][1], 0.75);
    statsCheck(await readProjection(plan, plan.projections.findIndex((p) => p.name === 'L4I->L4E')), d.weightMatrixMean[2][3], 0.75);

    function statsCheck(r: { weights: Float64Array; delays: Int32Array }, meanPA: number, delayMean: number) {
      const w = stats(r.weights);
      const mean = meanPA / 1000; // nA
      // normal with relative SD 0.1, redrawn beyond 0 (10 SD away: no visible truncation)
      expect(Math.abs(w.mean - mean)).toBeLessThan(6 * (0.1 * Math.abs(mean)) / Math.sqrt(w.n));
      expect(w.sd / Math.abs(mean)).toBeGreaterThan(0.1 * (1 - 6 / Math.sqrt(2 * w.n)));
      expect(w.sd / Math.abs(mean)).toBeLessThan(0.1 * (1 + 6 / Math.sqrt(2 * w.n)));
      let wrongSign = 0;
      for (const x of r.weights) if (mean > 0 ? x < 0 : x > 0) wrongSign++;
      expect(wrongSign).toBe(0);
      // delays: normal(mean, mean / 2) redrawn below 0.05 ms, then max(1, round(d / 0.1)) steps
      const dm = delayStepMoments(delayMean, delayMean / 2, 0.05, 0.1);
      const ds = stats(r.delays);
      expect(Math.abs(ds.mean - dm.mean)).toBeLessThan((6 * dm.sd) / Math.sqrt(ds.n));
      expect(Math.abs(ds.sd - dm.sd)).toBeLessThan(0.05 * dm.sd);
      expect(r.delays.reduce((a, b) => Math.min(a, b), 255)).toBe(1);
      return w;
    }
  });

  it('spike trains are identical on wasm and js, on 1 and 2 threads; every population fires at a finite, non-zero rate', async () => {
    const spec = spec5('poisson', 400);
    const run = async (backend: 'wasm' | 'js', threads: number) => {
      const sim = await Simulation.create(spec, { backend, threads });
      try {
        await sim.run(400);
        return { trains: spikeTrains(sim), totals: sim.spikeTotals.slice() };
      } finally {
        sim.dispose();
      }
    };
    const ref = await run('wasm', 1);
    const js = await run('js', 1);
    expect(js.totals).toEqual(ref.totals);
    expect(js.trains).toEqual(ref.trains);
    const two = await run('wasm', 2);
    expect(two.totals).toEqual(ref.totals);
    expect(two.trains).toEqual(ref.trains);
    const jsTwo = await run('js', 2);
    expect(jsTwo.trains).toEqual(ref.trains);

    // rates over 100-400 ms (after the initial transient)
    spec.populations.forEach((p) => {
      const tr = ref.trains[p.name];
      const n = tr.steps.filter((s) => s >= 1000).length;
      const rate = (n * 1000) / (p.size * 300);
      expect(Number.isFinite(rate), p.name).toBe(true);
      expect(rate, p.name).toBeGreaterThan(0.05);
      expect(rate, p.name).toBeLessThan(50);
    });
  });

  it('thalamic input (700-710 ms) drives L4E, which it targets, and leaves L23E without direct input', async () => {
    const spec = microcircuit({ scaleN: SCALE, scaleK: SCALE, background: 'poisson', thalamus: true, durationMs: 730 });
    const sim = await Simulation.create(spec, { threads: 1 });
    try {
      await sim.run(730);
      const count = (pop: string, a: number, b: number) => {
        const d = sim.spikes(pop);
        let n = 0;
        for (const t of d.t) if (t >= a && t < b) n++;
        return n;
      };
      const before = count('L4E', 670, 700);
      const during = count('L4E', 700, 730);
      expect(during).toBeGreaterThan(3 * Math.max(before, 10));
      expect(spec.projections!.some((p) => p.source === 'TC' && p.target === 'L23E')).toBe(false);
    } finally {
      sim.dispose();
    }
  });
});
