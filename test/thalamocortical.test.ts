/**
 * The thalamocortical generator (src/models/thalamocortical.ts, docs/thalamocortical.md) on small
 * networks: population sizes and synapse counts as specified, delays equal offset + distance /
 * velocity on the grid, Dale's principle, identical spikes on the js and wasm backends and on 1 and
 * 2 threads, bounded rates after a short run, the CLI's `generate` output validates and bad
 * arguments give clear errors; plus the spectrum (FFT / Welch) and sheet analysis helpers.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  thalamocorticalModel, thalamocorticalStructure, thalamocorticalProjections, chooseColumns, columnGrid, TC_POPULATIONS, MIN_PER_COLUMN,
  SYNAPSES_PER_NEURON, DT, WEIGHT_CV, NMDA_RATIO, GABAB_RATIO, SHORT_TERM, SHORT_TERM_FACILITATING, LTS_FRACTION, microcircuitIndegrees, stdpRule,
  CONDUCTION,
} from '../src/models/thalamocortical.ts';
import { validateModel, planNetwork } from '../src/network/index.ts';
import { sheetDistance } from '../src/network/sheet.ts';
import { createBackend } from '../src/backend/index.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { SheetActivity } from '../src/analysis/sheet.ts';
import { fft, welch, peakFrequency, spectralFloor } from '../src/analysis/spectrum.ts';
import { sheetReport, sheetPopulations, waveEvents, waveStats } from '../src/analysis/sheet-report.ts';
import type { ModelSpec, DistanceDelaySpec } from '../src/core/types.ts';
import { buildShard } from './connectivity-util.ts';
import { spikeTrains } from './util.ts';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin/axonal.js');
const axonal = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });

/** 2,000 neurons on 2 × 2 columns of 500 */
const SMALL = { neurons: 2000, columns: 4, seed: 3 };

describe('structure', () => {
  it('sizes: every population is a whole number per column, the columns sum to the neurons', () => {
    for (const [n, c] of [[2000, 4], [10_000, undefined], [12_345, 9], [100_000, undefined]] as const) {
      const st = thalamocorticalStructure({ neurons: n, columns: c });
      const spec = thalamocorticalModel({ neurons: n, columns: c });
      expect(st.columns).toBe(c ?? chooseColumns(n));
      expect(st.columnsX * st.columnsY).toBe(st.columns);
      expect(st.perColumn).toBe(Math.floor(n / st.columns));
      expect(st.neurons).toBe(st.perColumn * st.columns);
      expect(spec.populations.map((p) => p.name)).toEqual([...TC_POPULATIONS]);
      let total = 0;
      for (const p of spec.populations) {
        expect(p.sheet).toEqual({ columns_x: st.columnsX, columns_y: st.columnsY, spacing: 100 });
        expect(p.size).toBe(st.perColumnByPopulation[p.name as (typeof TC_POPULATIONS)[number]] * st.columns);
        expect(p.size % st.columns).toBe(0);
        expect(p.size / st.columns).toBeGreaterThanOrEqual(1);
        total += p.size;
      }
      expect(total).toBe(st.neurons);
    }
    // the defaults: square grids with ~800 neurons per column
    expect([10_000, 100_000, 1_000_000].map(chooseColumns)).toEqual([16, 100, 1600]);
    expect(columnGrid(12)).toEqual({ x: 4, y: 3 });
    expect(columnGrid(7)).toEqual({ x: 7, y: 1 });
  });

  it('relative sizes follow the microcircuit (L4E the largest cortical population, L5I the smallest)', () => {
    const st = thalamocorticalStructure({ neurons: 100_000 });
    expect(st.sizes.L4E).toBeGreaterThan(st.sizes.L23E);
    expect(st.sizes.L5FS).toBeLessThan(st.sizes.L6FS);
    expect(st.sizes.L5LTS).toBeLessThan(st.sizes.L5FS);
    expect(st.sizes.TC).toBe(2 * st.sizes.RE);
    expect((st.sizes.TC + st.sizes.RE) / st.neurons).toBeCloseTo(0.03, 3);
  });

  it('each inhibitory population of the microcircuit becomes FS and LTS: LTS_FRACTION of its neurons, FS and LTS sources sharing its in-degree, the same in-degree onto each', () => {
    const st = thalamocorticalStructure({ neurons: 1_000_000 });
    for (const l of ['L23', 'L4', 'L5', 'L6'] as const) {
      // per column whole numbers (largest remainder): within one neuron of the share
      const fs = st.perColumnByPopulation[`${l}FS`], lts = st.perColumnByPopulation[`${l}LTS`];
      expect(Math.abs(lts - LTS_FRACTION * (fs + lts)), l).toBeLessThanOrEqual(1);
      expect(lts, l).toBeGreaterThan(0);
    }
    const K = microcircuitIndegrees(); // [target][source], PD order L23E, L23I, L4E, L4I, ...
    const qs = thalamocorticalProjections({ neurons: 1_000_000 });
    const k = (name: string) => qs.filter((q) => q.name === name || q.name === `${name}:horizontal`).reduce((a, q) => a + q.indegree, 0);
    // L4E receives from L23I: FS and LTS together carry the microcircuit's in-degree, in proportion
    expect(k('L23FS->L4E') + k('L23LTS->L4E')).toBeCloseTo(K[2][1] * st.kappa, -0.5);
    expect(k('L23LTS->L4E') / (k('L23FS->L4E') + k('L23LTS->L4E'))).toBeCloseTo(LTS_FRACTION, 1);
    // FS and LTS targets each receive what the microcircuit's I did
    expect(k('L4E->L23FS')).toBe(Math.round(K[1][2] * st.kappa));
    expect(k('L4E->L23LTS')).toBe(Math.round(K[1][2] * st.kappa));
  });

  it('synapse counts: ≈ 500 per neuron, every target has exactly its in-degree', async () => {
    for (const n of [10_000, 1_000_000]) {
      const spec = thalamocorticalModel({ neurons: n });
      const size = new Map(spec.populations.map((p) => [p.name, p.size]));
      const total = spec.projections!.reduce((a, q) => a + size.get(q.target)! * (q.connect as { indegree: number }).indegree, 0);
      expect(Math.abs(total / n - SYNAPSES_PER_NEURON)).toBeLessThan(1);
    }
    const spec = thalamocorticalModel(SMALL);
    const plan = planNetwork(spec);
    const be = await createBackend('js');
    try {
      let built = 0;
      spec.projections!.forEach((q, p) => {
        const h = buildShard(be, plan, p);
        const k = (q.connect as { indegree: number }).indegree;
        const nTgt = plan.projections[p].nTgt;
        expect(h.nSyn, q.name).toBe(k * nTgt);
        const per = new Uint32Array(nTgt);
        for (const t of h.targets) per[t]++;
        expect(per.every((x) => x === k), q.name).toBe(true);
        built += h.nSyn;
      });
      const sim = await Simulation.create(spec, { backend: 'js', threads: 1 });
      expect(sim.synapses).toBe(built);
      sim.dispose();
    } finally {
      be.dispose();
    }
  });

  it('projections: thalamocortical to L4 and L6, corticothalamic from L6, reticular inhibition of relay cells; long-range horizontal in L2/3 and L5', () => {
    const qs = thalamocorticalProjections(SMALL);
    const names = new Set(qs.map((q) => q.name));
    for (const n of ['TC->L4E', 'TC->L4FS', 'TC->L4LTS', 'TC->L6E', 'TC->L6FS', 'TC->L6LTS', 'L6E->TC', 'L6E->RE', 'TC->RE', 'RE->TC', 'L23E->L23E:horizontal', 'L5E->L5E:horizontal'])
      expect(names.has(n), n).toBe(true);
    const horizontal = qs.filter((q) => q.name.endsWith(':horizontal'));
    const local = qs.filter((q) => !q.name.endsWith(':horizontal') && q.source.startsWith('L'));
    expect(Math.min(...horizontal.map((q) => q.sigma))).toBeGreaterThan(Math.max(...local.map((q) => q.sigma)));
  });
});

describe('connectivity of a generated network', () => {
  it("delays are offset + distance / velocity on the grid; sources lie within the radius; Dale's principle holds", async () => {
    const spec = thalamocorticalModel({ neurons: 3600, columns: 9, seed: 5 });
    expect(validateModel(spec)).toEqual([]);
    const plan = planNetwork(spec);
    const pops = new Map(spec.populations.map((p) => [p.name, p]));
    const be = await createBackend('js');
    try {
      spec.projections!.forEach((q, p) => {
        const h = buildShard(be, plan, p);
        const src = pops.get(q.source)!;
        const tgt = pops.get(q.target)!;
        const sheet = src.sheet!;
        const perS = src.size / 9;
        const perT = tgt.size / 9;
        const { offset, velocity } = (q.delay as DistanceDelaySpec).distance;
        const sigma = (q.connect as { sigma: number }).sigma;
        // Dale: conductances are >= 0 and the source's type says which receptors they open
        const w = h.weights ?? new Float32Array([h.constWeight]);
        expect(w.length, q.name).toBe(h.nSyn); // drawn per synapse
        expect(w.filter((x) => !(x >= 0)).length, q.name).toBe(0);
        expect(q.on_pre, q.name).toMatch(src.type === 'excitatory' ? /^g_AMPA \+= w; g_NMDA \+= [\d.]+\*w$/ : /^g_GABA_A \+= w; g_GABA_B \+= [\d.]+\*w$/);
        let checked = 0;
        let far = 0;
        const wrong: string[] = [];
        for (let s = 0; s < plan.projections[p].nSrc; s++) {
          const cs = Math.floor(s / perS);
          for (let k = h.rowPtr[s]; k < h.rowPtr[s + 1]; k++) {
            const t = h.targets[k];
            const d = sheetDistance(sheet, cs, Math.floor(t / perT), true);
            if (d > 3 * sigma + 1e-9) far++;
            const steps = Math.max(1, Math.round((offset + d / (1000 * velocity)) / DT));
            const got = h.delays ? h.delays[k] : h.constDelay;
            if (got !== steps && wrong.length < 5) wrong.push(`${s} -> ${t}: delay ${got} steps, expected ${steps}`);
            checked++;
          }
        }
        expect(far, q.name).toBe(0);
        expect(wrong, q.name).toEqual([]);
        expect(checked).toBe(h.nSyn);
      });
    } finally {
      be.dispose();
    }
  });

  it('every population declares its type; the conductance variant draws positive weights and opens receptors by source type; the current one has negative inhibitory weights', () => {
    const spec = thalamocorticalModel(SMALL);
    const type = new Map(spec.populations.map((p) => [p.name, p.type]));
    for (const p of spec.populations) expect(['excitatory', 'inhibitory']).toContain(p.type);
    expect(spec.populations.filter((p) => p.type === 'inhibitory').map((p) => p.name)).toEqual(['L23FS', 'L23LTS', 'L4FS', 'L4LTS', 'L5FS', 'L5LTS', 'L6FS', 'L6LTS', 'RE']);
    for (const p of spec.populations) {
      expect(p.model).toBe('izh2007');
      expect(Object.keys((p as { receptors: object }).receptors)).toEqual(['AMPA', 'NMDA', 'GABA_A', 'GABA_B']);
    }
    for (const q of spec.projections!) {
      const exc = type.get(q.source) === 'excitatory';
      const w = q.weight as { dist: string; mean: number; std: number; min: number };
      expect(w.dist, q.name).toBe('normal');
      expect(w.mean, q.name).toBeGreaterThan(0);
      expect(w.std, q.name).toBeCloseTo(WEIGHT_CV * w.mean, 12);
      expect(w.min).toBe(0);
      expect(q.on_pre, q.name).toBe(exc ? `g_AMPA += w; g_NMDA += ${NMDA_RATIO}*w` : `g_GABA_A += w; g_GABA_B += ${GABAB_RATIO}*w`);
      // excitatory synapses depress, but facilitate onto LTS cells; inhibitory ones are static
      expect(q.short_term, q.name).toEqual(exc ? (q.target.endsWith('LTS') ? SHORT_TERM_FACILITATING : SHORT_TERM) : undefined);
    }
    expect(spec.projections!.filter((q) => q.short_term?.tau_fac).map((q) => q.name)).toEqual(
      ['L23E->L23LTS', 'L4E->L23LTS', 'L5E->L23LTS', 'L6E->L23LTS', 'L23E->L4LTS', 'L4E->L4LTS', 'L5E->L4LTS', 'L6E->L4LTS',
        'L23E->L5LTS', 'L4E->L5LTS', 'L5E->L5LTS', 'L6E->L5LTS', 'L23E->L6LTS', 'L4E->L6LTS', 'L5E->L6LTS', 'L6E->L6LTS', 'TC->L4LTS', 'TC->L6LTS']
        .filter((n) => spec.projections!.some((q) => q.name === n)),
    );
    // the current variant: Izhikevich (2003) neurons, the weight's sign follows the source
    const cur = thalamocorticalModel({ ...SMALL, synapses: 'current' });
    expect(validateModel(cur)).toEqual([]);
    for (const p of cur.populations) expect(p.model).toBe('izhikevich');
    for (const q of cur.projections!) expect(Math.sign(q.weight as number), q.name).toBe(type.get(q.source) === 'excitatory' ? 1 : -1);
    // a flipped sign is refused by validation (Dale's principle)
    const bad: ModelSpec = { ...cur, projections: cur.projections!.map((q, k) => (k === 0 ? { ...q, weight: -1 } : q)) };
    expect(validateModel(bad).some((i) => /excitatory/.test(i.message))).toBe(true);
    expect(() => thalamocorticalModel({ ...SMALL, synapses: 'pulses' as never })).toThrow(/synapses must be 'conductance' or 'current', got "pulses"/);
  });
});

describe('rhythms and waves', () => {
  it('20,000 neurons in 200 columns (2 x 1 mm), 3 s: alpha in the thalamus, up states (delta) in every cortical layer, travelling slowly across the sheet', async () => {
    const spec = thalamocorticalModel({ neurons: 20_000, columns: 200, seed: 1, durationMs: 3000 });
    const sim = await Simulation.create(spec, { threads: 2 });
    try {
      await sim.run(3000);
      const act = new SheetActivity(sheetPopulations(spec), { t0: 500, t1: 3000, binMs: 1 });
      spec.populations.forEach((p, k) => {
        const d = sim.spikes(p.name);
        act.add(k, d.i, Array.from(d.steps, (s) => s * sim.dt));
      });
      const rep = sheetReport(act);
      const layer = (name: string) => rep.layers.find((l) => l.layer === name)!;
      const th = layer('thalamus');
      // measured (seed 1): the thalamus at 11.7 Hz, 21x the floor; delta 440-1460x in the cortex;
      // L2/3's alpha 1.3x; three up states, each spreading from one column at 3-6 mm/s (r 0.72-0.87)
      expect(th.band_peaks.alpha.rel_floor).toBeGreaterThan(10);
      expect(th.peak_hz).toBeGreaterThanOrEqual(8);
      expect(th.peak_hz).toBeLessThanOrEqual(13);
      for (const l of ['L2/3', 'L4', 'L5', 'L6']) expect(layer(l).band_peaks.delta.rel_floor, l).toBeGreaterThan(50);
      expect(layer('L2/3').band_peaks.alpha.rel_floor).toBeLessThan(3);
      expect(spectralFloor(rep.spectra.thalamus)).toBeGreaterThan(0);
      const w = rep.wave_events!;
      expect(w.travelling).toBeGreaterThanOrEqual(2);
      // far slower than the conduction velocity: the wave is carried by recruitment, not by the axons
      expect(w.speed_m_per_s!).toBeGreaterThan(0.001);
      expect(w.speed_m_per_s!).toBeLessThan(0.25 * CONDUCTION.cortexVelocity);
    } finally {
      sim.dispose();
    }
  });
});

describe('runs', () => {
  const spec = thalamocorticalModel({ ...SMALL, durationMs: 150 });

  async function trains(opts: { backend: 'wasm' | 'js'; threads: number }) {
    const sim = await Simulation.create(spec, opts);
    try {
      await sim.run(150);
      return { trains: spikeTrains(sim), totals: sim.spikeTotals.slice() };
    } finally {
      sim.dispose();
    }
  }

  it('identical spikes on js and wasm, 1 and 2 threads', async () => {
    const ref = await trains({ backend: 'wasm', threads: 1 });
    expect(ref.totals.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(await trains({ backend: 'wasm', threads: 2 })).toEqual(ref);
    expect(await trains({ backend: 'js', threads: 1 })).toEqual(ref);
    expect(await trains({ backend: 'js', threads: 2 })).toEqual(ref);
  });

  it('rates are finite and bounded after a short run; the sheet report has every population and layer', async () => {
    const sim = await Simulation.create(thalamocorticalModel({ neurons: 5000, seed: 2, durationMs: 400 }), { threads: 2 });
    try {
      await sim.run(400);
      const m = thalamocorticalModel({ neurons: 5000, seed: 2 });
      const act = new SheetActivity(sheetPopulations(m), { t0: 100, t1: 400, binMs: 1 });
      m.populations.forEach((p, k) => {
        const d = sim.spikes(p.name);
        act.add(k, d.i, Array.from(d.steps, (s) => s * sim.dt));
      });
      const rep = sheetReport(act);
      expect(rep.populations.map((p) => p.name)).toEqual([...TC_POPULATIONS]);
      expect(rep.layers.map((l) => l.layer)).toEqual(['L2/3', 'L4', 'L5', 'L6', 'thalamus']);
      for (const p of rep.populations) {
        expect(Number.isFinite(p.rate_hz), p.name).toBe(true);
        expect(p.rate_hz, p.name).toBeGreaterThan(0.1);
        expect(p.rate_hz, p.name).toBeLessThan(50);
      }
      for (const l of rep.layers) expect(Number.isFinite(l.peak_hz)).toBe(true);
    } finally {
      sim.dispose();
    }
  });
});

describe('CLI', () => {
  it('generate thalamocortical writes a model that validates', () => {
    const r = axonal(['generate', 'thalamocortical', '--neurons', '2000', '--columns', '4', '--seed', '9']);
    expect(r.status, r.stderr).toBe(0);
    const spec = JSON.parse(r.stdout) as ModelSpec;
    expect(spec.seed).toBe(9);
    expect(spec.populations.reduce((a, p) => a + p.size, 0)).toBe(2000);
    expect(validateModel(spec)).toEqual([]);
    expect(spec).toEqual(thalamocorticalModel({ neurons: 2000, columns: 4, seed: 9 }));
  });

  it('generate --out makes a missing folder, and names the file when it cannot write it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axonal-generate-'));
    try {
      const out = join(dir, 'a', 'b', 'tc.json');
      const r = axonal(['generate', 'thalamocortical', '--neurons', '1000', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      expect((JSON.parse(readFileSync(out, 'utf8')) as ModelSpec).populations.length).toBe(TC_POPULATIONS.length);
      // a file where the folder should be
      const bad = join(out, 'x.json');
      const f = axonal(['generate', 'thalamocortical', '--neurons', '1000', '--out', bad]);
      expect(f.status).toBe(1);
      expect(f.stderr).toMatch(new RegExp(`^axonal: --out ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write the model file: `));
      expect(f.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('examples/thalamocortical-10k.json and -100k.json are the generator output (seed 1)', () => {
    for (const n of [10_000, 100_000]) {
      const { $schema, ...file } = JSON.parse(readFileSync(join(root, `examples/thalamocortical-${n / 1000}k.json`), 'utf8'));
      expect($schema).toBe('../schema/model.json');
      expect(file).toEqual(thalamocorticalModel({ neurons: n, seed: 1 }));
    }
  });

  it('bad arguments give clear errors (exit code 2)', () => {
    const cases: [string[], RegExp][] = [
      [['--neurons', '0'], /neurons must be a positive integer, got 0/],
      [['--neurons', '-5'], /neurons must be a positive integer, got -5/],
      [['--neurons', '1.5'], /--neurons must be an integer/],
      [['--neurons', '1000', '--columns', '50'], /50 columns do not fit 1000 neurons: that leaves 20 neurons per column.*at most 10 columns/],
      [['--neurons', '1000', '--columns', '0'], /columns must be a positive integer, got 0/],
    ];
    for (const [args, re] of cases) {
      const r = axonal(['generate', 'thalamocortical', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stdout).toBe('');
    }
    const u = axonal(['generate', 'cortex']);
    expect(u.status).toBe(2);
    expect(u.stderr).toMatch(/unknown generator "cortex"; available: thalamocortical/);
  });

  it('stdp: Izhikevich (2006) STDP on exactly the cortical E -> E projections of the current variant, scaled to their weight; refused with conductance synapses', () => {
    const spec = thalamocorticalModel({ ...SMALL, synapses: 'current', stdp: true });
    expect(validateModel(spec)).toEqual([]);
    const plastic = spec.projections!.filter((q) => q.plasticity);
    const cortical = new Set(['L23E', 'L4E', 'L5E', 'L6E']);
    expect(plastic.map((q) => q.name)).toEqual(spec.projections!.filter((q) => cortical.has(q.source) && cortical.has(q.target)).map((q) => q.name));
    expect(plastic.length).toBeGreaterThanOrEqual(16);
    for (const q of plastic) {
      expect(q.plasticity).toEqual(stdpRule(q.weight as number));
      expect((q.plasticity as { w_max: number }).w_max).toBeCloseTo(((q.weight as number) * 10) / 6, 12); // spnet: 6 -> 10
    }
    expect(thalamocorticalModel({ ...SMALL, synapses: 'current' }).projections!.some((q) => q.plasticity)).toBe(false);
    expect(() => thalamocorticalModel({ ...SMALL, stdp: true })).toThrow(/stdp needs synapses: 'current'/);
    const r = axonal(['generate', 'thalamocortical', '--neurons', '2000', '--columns', '4', '--stdp']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/stdp needs synapses: 'current'/);
    const g = axonal(['generate', 'thalamocortical', '--neurons', '2000', '--columns', '4', '--seed', '3', '--synapses', 'current', '--stdp']);
    expect(g.status, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout)).toEqual(spec);
  });

  it('the API throws RangeErrors naming the option', () => {
    expect(() => thalamocorticalModel({ neurons: 0 })).toThrow(/thalamocortical: neurons must be a positive integer/);
    expect(() => thalamocorticalModel({ neurons: 50 })).toThrow(new RegExp(`at least ${MIN_PER_COLUMN}`));
    expect(() => thalamocorticalModel({ neurons: 1000, columns: 11 })).toThrow(/do not fit/);
    expect(() => thalamocorticalModel({ neurons: 1000, velocity: 0 })).toThrow(/velocity must be a positive/);
  });
});

describe('spectra', () => {
  it('the FFT of a cosine has its power in one bin; Welch finds a 40 Hz rhythm and keeps the variance', () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, k) => Math.cos((2 * Math.PI * 5 * k) / n));
    const im = new Float64Array(n);
    fft(re, im);
    expect(re[5]).toBeCloseTo(n / 2, 9);
    expect(re[n - 5]).toBeCloseTo(n / 2, 9);
    expect(Math.abs(re[4]) + Math.abs(im[4])).toBeLessThan(1e-9);
    // 4 s at 1 kHz: 5 + 3 sin(2π 40 t)
    const x = Float64Array.from({ length: 4000 }, (_, k) => 5 + 3 * Math.sin((2 * Math.PI * 40 * k) / 1000));
    const s = welch(x, 1000, { segment: 512 });
    expect(Math.abs(peakFrequency(s, 2).freq - 40)).toBeLessThan(1000 / 512); // one bin
    let total = 0;
    for (let k = 0; k < s.power.length; k++) total += (s.power[k] * 1000) / 512;
    expect(total).toBeCloseTo(4.5, 1); // variance of 3 sin = 9 / 2
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
  });
});

describe('travelling waves', () => {
  // a 20 x 1 sheet of 50 µm columns, 50 neurons each: pulses every 97 ms that leave column 0 and
  // travel along the row at 0.1 m/s (0.5 ms per column), or fire every column at once
  function sheetOf(speedMmPerMs: number | null): SheetActivity {
    const pops = [{ name: 'L4E', size: 1000, columnsX: 20, columnsY: 1, spacing: 50 }];
    const act = new SheetActivity(pops, { t0: 0, t1: 3000, binMs: 1, columnBinMs: 1 });
    const idx: number[] = [], ts: number[] = [];
    let x = 7;
    const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0), x / 4294967296);
    const events: [number, number][] = [];
    for (let t = 5; t < 2900; t += 97)
      for (let c = 0; c < 20; c++) {
        const d = c * 0.05; // mm from column 0
        const at = t + (speedMmPerMs === null ? 0 : d / speedMmPerMs);
        for (let k = 0; k < 20; k++) events.push([c * 50 + Math.floor(rnd() * 50), at + rnd() * 2]);
      }
    events.sort((a, b) => a[1] - b[1]);
    for (const [i, t] of events) (idx.push(i), ts.push(t));
    act.add(0, idx, ts);
    return act;
  }

  it('waveStats finds the speed of a travelling pulse and no wave in synchronous activity', () => {
    const w = waveStats(sheetOf(0.1), { periodic: false })!;
    expect(w.pairs).toBe(190);
    expect(w.r).toBeGreaterThan(0.9);
    expect(w.speed_m_per_s).toBeGreaterThan(0.08);
    expect(w.speed_m_per_s).toBeLessThan(0.12);
    const s = waveStats(sheetOf(null), { periodic: false })!;
    expect(s.slope_ms_per_mm).toBeLessThan(1); // |lag| ~0 at every distance
    expect(s.by_distance.every((b) => b.mean_abs_lag_ms <= 1)).toBe(true);
    // one column: nothing to compare
    expect(waveStats(new SheetActivity([{ name: 'L4E', size: 10, columnsX: 1, columnsY: 1 }], { t1: 100 }))).toBeNull();
  });

  // a 16 x 12 torus of 100 µm columns, 40 neurons each, firing at 2 spikes/s; up states of 200 ms
  // at 60 spikes/s that rise at `origin` and spread at `speed` (mm/ms), or everywhere at once
  function upStates(speed: number | null, origins: ([number, number] | [number, number][])[]): SheetActivity {
    const cx = 16, cy = 12, per = 40;
    const act = new SheetActivity([{ name: 'L23E', size: cx * cy * per, columnsX: cx, columnsY: cy, spacing: 100 }], { t0: 0, t1: 4000, binMs: 1, columnBinMs: 2 });
    let x = 11;
    const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0), x / 4294967296);
    const ev: [number, number][] = [];
    const poisson = (c: number, from: number, to: number, hz: number) => {
      for (let t = from - Math.log(1 - rnd()) / ((hz * per) / 1000); t < to; t -= Math.log(1 - rnd()) / ((hz * per) / 1000)) ev.push([c * per + Math.floor(rnd() * per), t]);
    };
    for (let c = 0; c < cx * cy; c++) poisson(c, 0, 4000, 2);
    origins.forEach((o, k) => {
      const t = 700 + 1000 * k;
      const sites = (typeof o[0] === 'number' ? [o] : o) as [number, number][]; // one origin, or several rising at once
      for (let c = 0; c < cx * cy; c++) {
        const d = Math.min(...sites.map(([ox, oy]) => Math.hypot(Math.min(Math.abs((c % cx) - ox), cx - Math.abs((c % cx) - ox)), Math.min(Math.abs(Math.floor(c / cx) - oy), cy - Math.abs(Math.floor(c / cx) - oy)))));
        const at = t + (speed === null ? 0 : (d * 0.1) / speed);
        poisson(c, at, at + 200, 60);
      }
    });
    ev.sort((a, b) => a[1] - b[1]);
    act.add(0, ev.map((e) => e[0]), ev.map((e) => e[1]));
    return act;
  }

  it('waveEvents finds each up state, where it rose and how fast it spread; none in asynchronous activity', () => {
    const origins: [number, number][] = [[3, 4], [12, 9], [8, 0]];
    const w = waveEvents(upStates(0.01, origins))!; // 10 mm/s: 0.6 mm (the farthest column) in 60 ms
    expect(w.events.length).toBe(3);
    w.events.forEach((e, k) => {
      expect(e.columns, `event ${k}`).toBe(16 * 12);
      expect(Math.hypot(e.origin.x - origins[k][0], e.origin.y - origins[k][1]), `event ${k} origin`).toBeLessThanOrEqual(1.5);
      expect(e.r, `event ${k}`).toBeGreaterThan(0.8);
      expect(e.speed_m_per_s, `event ${k}`).toBeGreaterThan(0.008);
      expect(e.speed_m_per_s, `event ${k}`).toBeLessThan(0.0125);
      expect(e.t_ms).toBeGreaterThan(700 + 1000 * k - 5);
      expect(e.t_ms).toBeLessThan(700 + 1000 * k + 60);
    });
    expect(w.travelling).toBe(3);
    expect(w.speed_m_per_s!).toBeCloseTo(0.01, 2);
    w.events.forEach((e) => expect(e.sites).toEqual([{ x: e.origin.x, y: e.origin.y }]));
    // two fronts from two places at once (they meet half-way): both sites found, the same speed
    const two = waveEvents(upStates(0.01, [[[2, 3], [10, 8]]]))!;
    expect(two.events.length).toBe(1);
    const sites = two.events[0].sites.map(({ x, y }) => [x, y]).sort((a, b) => a[0] - b[0]);
    expect(sites.length).toBe(2);
    expect(Math.hypot(sites[0][0] - 2, sites[0][1] - 3)).toBeLessThanOrEqual(1.5);
    expect(Math.hypot(sites[1][0] - 10, sites[1][1] - 8)).toBeLessThanOrEqual(1.5);
    expect(two.events[0].r).toBeGreaterThan(0.7);
    expect(two.events[0].speed_m_per_s).toBeGreaterThan(0.008);
    expect(two.events[0].speed_m_per_s).toBeLessThan(0.0125);
    // rising everywhere at once: bursts, but no spread (onset delays do not grow with distance)
    const sync = waveEvents(upStates(null, origins))!;
    expect(sync.events.length).toBe(3);
    expect(sync.travelling).toBe(0);
    expect(sync.events.every((e) => Math.abs(e.r) < 0.3), sync.events.map((e) => e.r).join()).toBe(true);
    // no up states: no bursts
    expect(waveEvents(upStates(0.01, []))!.events).toEqual([]);
  });
});

describe('a recorded fraction', () => {
  it('the generator spreads --record over every column, and the report divides by the recorded neurons', () => {
    const spec = thalamocorticalModel({ neurons: 5000, columns: 4, seed: 3, recordFraction: 0.25 });
    const pops = sheetPopulations(spec);
    for (const p of pops) {
      expect(p.recorded!.length, p.name).toBe(Math.round(p.size * 0.25));
      const C = p.columnsX * p.columnsY, per = p.size / C;
      const perCol = new Array(C).fill(0);
      for (const i of Array.from(p.recorded!)) perCol[Math.floor(i / per)]++;
      for (const n of perCol) expect(Math.abs(n - per * 0.25), p.name).toBeLessThanOrEqual(1);
    }
    // every recorded neuron fires 5 times in 1 s: 5 spikes/s whatever the fraction
    const act = new SheetActivity(pops, { t0: 0, t1: 1000, binMs: 1, frames: [0], frameMs: 1000 });
    pops.forEach((p, k) => {
      const idx: number[] = [], ts: number[] = [];
      for (let s = 0; s < 5; s++) for (const i of Array.from(p.recorded!)) (idx.push(i), ts.push(100 + 200 * s + (i % 50)));
      const order = ts.map((_, j) => j).sort((a, b) => ts[a] - ts[b]);
      act.add(k, order.map((j) => idx[j]), order.map((j) => ts[j]));
    });
    const rep = sheetReport(act);
    for (const p of rep.populations) {
      expect(p.rate_hz, p.name).toBeCloseTo(5, 9);
      expect(p.silent_fraction, p.name).toBe(0);
      expect(p.recorded, p.name).toBe(pops.find((q) => q.name === p.name)!.recorded!.length);
    }
    for (const l of rep.layers) expect(l.rate_hz, l.layer).toBeCloseTo(5, 9);
    const map = act.frameRates(0, [0, 1]);
    for (const r of map) expect(r).toBeCloseTo(5, 9);
  });

  it('a spike from outside the monitors\' neurons (axonal run --record all) counts the population as fully recorded; an unmonitored one has no rate', () => {
    const spec = thalamocorticalModel({ neurons: 2000, columns: 4, seed: 3, recordFraction: 0.5 });
    spec.monitors = spec.monitors!.filter((m) => !(m.type === 'spikes' && m.population === 'RE'));
    const pops = sheetPopulations(spec);
    const re = pops.findIndex((p) => p.name === 'RE'), l4 = pops.findIndex((p) => p.name === 'L4E');
    expect(pops[re].recorded).toEqual([]);
    const act = new SheetActivity(pops, { t0: 0, t1: 1000, binMs: 1 });
    const n = pops[l4].size;
    // every L4E neuron fires once: 1 spike/s per neuron once all are counted
    act.add(l4, Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => (i * 999) / n));
    expect(act.widened).toEqual(['L4E']);
    expect(act.nRecorded[l4]).toBe(n);
    expect(act.meanRate(l4)).toBeCloseTo(1, 9);
    expect(act.meanRate(re)).toBeNaN();
    expect(act.silentFraction(re)).toBeNaN();
    // a model without spike monitors: `axonal run` records all
    expect(sheetPopulations({ ...spec, monitors: [] }).every((p) => p.recorded === undefined)).toBe(true);
  });
});
