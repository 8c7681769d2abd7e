/**
 * Sheets of cortical columns, spatial_indegree and distance-dependent delays: exact synapse counts,
 * sources within the radius of their target's column, a Gaussian spread of the offsets, delays of
 * offset + distance / velocity on the grid, the same synapses on every backend and shard split,
 * the same spikes on js / wasm and 1, 2, 3 threads, and validation errors naming their field.
 */
import { afterAll, describe, it, expect } from 'vitest';
import { planNetwork, validateModel, estimateNetwork, ModelError } from '../src/network/index.ts';
import {
  columnCentre, columnOf, distanceDelaySteps, neuronDistance, offsetTableSize, reachableColumns, sheetDistance, spatialOffsetTable,
  spatialParams,
} from '../src/network/sheet.ts';
import type { ConnectSpec, ModelSpec, ProjectionSpec, SheetSpec } from '../src/core/types.ts';
import { setConnectTuning } from '../src/sim/connectivity.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { BUILD_BACKENDS, buildShard, type HostProjection } from './connectivity-util.ts';
import { spikeTrains } from './util.ts';

type Spatial = Extract<ConnectSpec, { rule: 'spatial_indegree' }>;

/** S (nSrc) onto T (nTgt) on equal sheets, or A onto itself when `same`; threshold units. */
function sheetModel(
  connect: ConnectSpec, nSrc: number, nTgt: number, sheet: SheetSpec,
  o: { same?: boolean; delay?: ProjectionSpec['delay']; seed?: number; tgtSheet?: SheetSpec | null; srcSheet?: SheetSpec | null; dt?: number } = {},
): ModelSpec {
  const srcSheet = o.srcSheet === null ? undefined : (o.srcSheet ?? sheet);
  const tgtSheet = o.tgtSheet === null ? undefined : (o.tgtSheet ?? sheet);
  const pops = o.same
    ? [{ name: 'A', size: nSrc, model: 'threshold' as const, sheet: srcSheet }]
    : [
        { name: 'S', size: nSrc, model: 'threshold' as const, sheet: srcSheet },
        { name: 'T', size: nTgt, model: 'threshold' as const, sheet: tgtSheet },
      ];
  return {
    dt: o.dt ?? 0.1,
    seed: o.seed ?? 1,
    populations: pops,
    projections: [{ source: pops[0].name, target: pops[pops.length - 1].name, connect, weight: 1, delay: o.delay }],
  };
}

/** Signed shortest column offset a - b along an axis of n columns (periodic) or plain. */
function axisOffset(a: number, b: number, n: number, periodic: boolean): number {
  let d = a - b;
  if (periodic) {
    d = ((d % n) + n) % n;
    if (d > n / 2) d -= n;
  }
  return d;
}

const builds = new Map<string, HostProjection>();
afterAll(() => setConnectTuning(null));

/** The projection built on the js backend (one shard), cached per model. */
async function build(spec: ModelSpec, label = 'js'): Promise<HostProjection> {
  const key = label + JSON.stringify(spec);
  if (!builds.has(key)) {
    const be = await BUILD_BACKENDS.find((b) => b.label === label)!.make();
    builds.set(key, buildShard(be, planNetwork(spec), 0));
  }
  return builds.get(key)!;
}

/** (target, source, delay) of every synapse, as sorted strings. */
function triples(p: HostProjection): string[] {
  const out: string[] = [];
  for (let s = 0; s + 1 < p.rowPtr.length; s++)
    for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) out.push(`${p.targets[k]},${s},${p.delays ? p.delays[k] : p.constDelay}`);
  return out.sort();
}

const SHEET: SheetSpec = { columns_x: 12, columns_y: 9, spacing: 80 };

describe('sheet helpers', () => {
  it('columnOf, columnCentre, sheetDistance follow the documented layout', () => {
    const sheet = { columns_x: 4, columns_y: 3 };
    const pop = { size: 24, sheet }; // 2 neurons per column
    expect([0, 1, 2, 3, 7, 23].map((i) => columnOf(pop, i))).toEqual([0, 0, 1, 1, 3, 11]);
    expect(columnCentre(sheet, 0)).toEqual({ x: 0, y: 0 });
    expect(columnCentre(sheet, 6)).toEqual({ x: 200, y: 100 });
    expect(columnCentre({ ...sheet, spacing: 50 }, 11)).toEqual({ x: 150, y: 100 });
    // columns 0 (0, 0) and 11 (3, 2): plain sqrt(9 + 4), periodic sqrt(1 + 1)
    expect(sheetDistance(sheet, 0, 11)).toBe(100 * Math.sqrt(13));
    expect(sheetDistance(sheet, 0, 11, true)).toBe(100 * Math.sqrt(2));
    expect(neuronDistance(pop, 0, { size: 12, sheet }, 11, false)).toBe(100 * Math.sqrt(13));
    expect(distanceDelaySteps(0.5, 0.2, 300, 0.1)).toBe(20); // 0.5 + 300 / 200 = 2 ms
  });

  it('reachableColumns counts the columns within the radius (corner of a plain sheet; torus)', () => {
    expect(reachableColumns(10, 10, 0, true)).toBe(1);
    expect(reachableColumns(10, 10, 1, true)).toBe(5);
    expect(reachableColumns(10, 10, 2, true)).toBe(9);
    expect(reachableColumns(10, 10, 2, false)).toBe(4); // (0,0) (1,0) (0,1) (1,1)
    expect(reachableColumns(3, 3, 100, true)).toBe(9);
    expect(reachableColumns(3, 3, 100, false)).toBe(9);
  });

  it('the alias table of column offsets holds the rounded Gaussian within the radius', () => {
    // independent reference: Simpson's rule over each cell of exp(-x^2 / 2 sigma^2)
    const cell = (k: number, sc: number) => {
      const a = k - 0.5, b = k + 0.5, n = 200;
      let acc = 0;
      for (let i = 0; i <= n; i++) {
        const x = a + ((b - a) * i) / n;
        acc += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp((-0.5 * x * x) / (sc * sc));
      }
      return (acc * (b - a)) / (3 * n) / (sc * Math.sqrt(2 * Math.PI));
    };
    for (const [sigma, radius, periodic, cx, cy] of [[150, 400, false, 20, 20], [250, 1000, true, 7, 9], [300, 120, true, 30, 30]] as const) {
      const sp = spatialParams({ sigma, radius, periodic }, 100);
      const tab = spatialOffsetTable(sp, cx, cy, 100);
      const n = tab.length / 3;
      expect(n).toBe(offsetTableSize(cx, cy, sp.rho2, periodic));
      // probability of every offset from the table
      const got = new Map<number, number>();
      for (let j = 0; j < n; j++) {
        const p = tab[3 * j] / 2 ** 32;
        got.set(tab[3 * j + 1], (got.get(tab[3 * j + 1]) ?? 0) + p / n);
        got.set(tab[3 * j + 2], (got.get(tab[3 * j + 2]) ?? 0) + (1 - p) / n);
      }
      // reference: offsets within the radius, folded onto the torus or cut to the sheet
      const want = new Map<number, number>();
      let total = 0;
      const r = Math.ceil(radius / 100);
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy > sp.rho2) continue;
          let ox = dx, oy = dy;
          if (periodic) {
            ox = axisOffset(dx, 0, cx, true);
            oy = axisOffset(dy, 0, cy, true);
          } else if (Math.abs(dx) >= cx || Math.abs(dy) >= cy) continue;
          const code = ((ox + 32768) | ((oy + 32768) << 16)) >>> 0;
          const m = cell(dx, sigma / 100) * cell(dy, sigma / 100);
          want.set(code, (want.get(code) ?? 0) + m);
          total += m;
        }
      }
      expect(got.size).toBe(want.size);
      for (const [code, m] of want) expect(Math.abs(got.get(code)! - m / total)).toBeLessThan(1e-8);
    }
  });
});

describe('spatial_indegree', () => {
  const cases: [string, Spatial, { same?: boolean; n?: [number, number] }][] = [
    ['periodic, two populations', { rule: 'spatial_indegree', indegree: 25, sigma: 120 }, {}],
    ['non-periodic, radius given', { rule: 'spatial_indegree', indegree: 25, sigma: 200, radius: 250, periodic: false }, {}],
    ['one population, no autapses (default), no multapses', { rule: 'spatial_indegree', indegree: 30, sigma: 100, allow_multapses: false }, { same: true }],
    ['sigma = 0: the own column only', { rule: 'spatial_indegree', indegree: 7, sigma: 0 }, { n: [108 * 5, 108 * 2] }],
  ];
  for (const [name, conn, o] of cases) {
    it(`${name}: exact counts, sources within the radius of their target's column, flags honoured`, async () => {
      const [nSrc, nTgt] = o.n ?? (o.same ? [108 * 4, 108 * 4] : [108 * 3, 108 * 2]);
      const spec = sheetModel(conn, nSrc, nTgt, SHEET, { same: o.same });
      const plan = planNetwork(spec);
      expect(plan.projections[0].synapses).toBe(conn.indegree * nTgt);
      expect(plan.projections[0].exact).toBe(true);
      expect(estimateNetwork(spec).synapses).toBe(conn.indegree * nTgt);
      const p = await build(spec);
      expect(p.nSyn).toBe(conn.indegree * nTgt);
      const periodic = conn.periodic !== false;
      const radius = conn.sigma > 0 ? (conn.radius ?? 3 * conn.sigma) : 0;
      const src = { size: nSrc, sheet: SHEET };
      const tgt = { size: nTgt, sheet: SHEET };
      const inDeg = new Uint32Array(nTgt);
      let far = 0, aut = 0, mult = 0;
      for (let s = 0; s < nSrc; s++) {
        for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) {
          const t = p.targets[k];
          inDeg[t]++;
          if (neuronDistance(src, s, tgt, t, periodic) > radius) far++;
          if (o.same && s === t) aut++;
          if (k > p.rowPtr[s] && p.targets[k - 1] === t) mult++;
          if (k > p.rowPtr[s]) expect(p.targets[k - 1] <= t).toBe(true);
        }
      }
      expect(far).toBe(0);
      expect(Array.from(inDeg).every((d) => d === conn.indegree)).toBe(true);
      if (o.same) expect(aut).toBe(0);
      if (conn.allow_multapses === false) expect(mult).toBe(0);
      else if (conn.sigma > 0) expect(mult).toBeGreaterThan(0); // multapses allowed do occur
      if (conn.sigma === 0) {
        for (let s = 0; s < nSrc; s++)
          for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) expect(columnOf(src, s)).toBe(columnOf(tgt, p.targets[k]));
      }
    });
  }

  it('a radius much smaller than sigma, a plain sheet much smaller than the radius: no cost blow-up, sources within the radius', async () => {
    for (const conn of [
      { rule: 'spatial_indegree', indegree: 40, sigma: 5000, radius: 170 },
      { rule: 'spatial_indegree', indegree: 40, sigma: 5000, periodic: false },
    ] as Spatial[]) {
      const spec = sheetModel(conn, 216, 108, SHEET);
      const p = await build(spec);
      expect(p.nSyn).toBe(40 * 108);
      const radius = conn.radius ?? 15000;
      const periodic = conn.periodic !== false;
      const cols = new Set<number>();
      for (let s = 0; s < 216; s++) {
        for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) {
          expect(neuronDistance({ size: 216, sheet: SHEET }, s, { size: 108, sheet: SHEET }, p.targets[k], periodic)).toBeLessThanOrEqual(radius);
          if (p.targets[k] === 0) cols.add(columnOf({ size: 216, sheet: SHEET }, s));
        }
      }
      // radius 170 um at 80 um spacing: 13 columns on the torus; the plain sheet: the corner target draws all over it
      if (conn.radius) expect(cols.size).toBeLessThanOrEqual(13);
      else expect(cols.size).toBeGreaterThan(25);
    }
  });

  it('autapses can be allowed explicitly', async () => {
    const conn: Spatial = { rule: 'spatial_indegree', indegree: 40, sigma: 0, allow_autapses: true };
    const p = await build(sheetModel(conn, 108, 108, SHEET, { same: true }));
    let aut = 0;
    for (let s = 0; s < 108; s++) for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) if (p.targets[k] === s) aut++;
    expect(aut).toBeGreaterThan(0); // one neuron per column: every synapse is an autapse
    expect(aut).toBe(40 * 108);
  });

  it('offsets are Gaussian: mean squared column distance 2 sigma^2 (+ s^2/6 for the rounding to columns) within 3 %', async () => {
    // 41 x 41 columns of 100 um, sigma 300 um, radius 10 sigma (no truncation to speak of, the
    // torus wraps beyond 6.8 sigma): E[dx^2] = sigma^2 + s^2/12 per axis (Sheppard), 33620 synapses
    const sheet = { columns_x: 41, columns_y: 41, spacing: 100 };
    const sigma = 300;
    const n = 41 * 41;
    const spec = sheetModel({ rule: 'spatial_indegree', indegree: 20, sigma, radius: 10 * sigma }, n, n, sheet, { seed: 11 });
    const p = await build(spec);
    let sx = 0, sy = 0, sxx = 0, syy = 0, within1 = 0;
    for (let s = 0; s < n; s++) {
      for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) {
        const t = p.targets[k];
        const dx = axisOffset(s % 41, t % 41, 41, true) * 100;
        const dy = axisOffset(Math.floor(s / 41), Math.floor(t / 41), 41, true) * 100;
        sx += dx; sy += dy; sxx += dx * dx; syy += dy * dy;
        if (dx * dx + dy * dy <= sigma * sigma) within1++;
      }
    }
    const N = p.nSyn;
    const expected = 2 * (sigma * sigma + (100 * 100) / 12);
    expect(Math.abs((sxx + syy) / N / expected - 1)).toBeLessThan(0.03);
    expect(Math.abs(sxx / syy - 1)).toBeLessThan(0.05); // isotropic
    expect(Math.abs(sx / N)).toBeLessThan(5); // mean offset ~0 (SE ~1.7 um)
    expect(Math.abs(sy / N)).toBeLessThan(5);
    // columns within sigma: 29 column offsets; P ≈ 0.39 for the continuous Gaussian, a bit more on the grid
    expect(within1 / N).toBeGreaterThan(0.35);
    expect(within1 / N).toBeLessThan(0.5);
  });

  it('the default radius is 3 sigma and truncates the Gaussian there', async () => {
    const sheet = { columns_x: 30, columns_y: 30, spacing: 50 };
    const spec = sheetModel({ rule: 'spatial_indegree', indegree: 50, sigma: 100 }, 900, 900, sheet);
    const p = await build(spec);
    let maxD = 0;
    for (let s = 0; s < 900; s++)
      for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) maxD = Math.max(maxD, sheetDistance(sheet, s, p.targets[k], true));
    expect(maxD).toBeLessThanOrEqual(300);
    expect(maxD).toBeGreaterThan(250);
  });
});

describe('distance-dependent delays', () => {
  it('delay = offset + distance / velocity, rounded on the grid (spatial_indegree, periodic distance)', async () => {
    const conn: Spatial = { rule: 'spatial_indegree', indegree: 20, sigma: 250 };
    const spec = sheetModel(conn, 216, 108, SHEET, { delay: { distance: { offset: 0.3, velocity: 0.25 } } });
    const plan = planNetwork(spec);
    const pr = plan.projections[0];
    expect(pr.constDelay).toBe(null);
    expect(pr.minDelay).toBe(3);
    // max distance: min(radius 750, torus half-diagonal 80 sqrt(6^2 + 4^2)) = 576.9 um -> 0.3 + 2.31 ms = 26 steps
    expect(pr.maxDelay).toBe(26);
    expect(plan.ringSlots).toBe(26);
    const p = await build(spec);
    const src = { size: 216, sheet: SHEET };
    const tgt = { size: 108, sheet: SHEET };
    const seen = new Set<number>();
    for (let s = 0; s < 216; s++) {
      for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) {
        const d = neuronDistance(src, s, tgt, p.targets[k], true);
        const want = Math.max(1, Math.round((0.3 + d / 250) / 0.1));
        expect(p.delays![k]).toBe(want);
        expect(distanceDelaySteps(0.3, 0.25, d, 0.1)).toBe(want);
        seen.add(want);
      }
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(Math.max(...seen)).toBeLessThanOrEqual(pr.maxDelay);
    expect(Math.min(...seen)).toBe(3);
  });

  it('with another rule on equal sheets: the plain (non-periodic) distance', async () => {
    const spec = sheetModel({ rule: 'fixed_indegree', indegree: 10 }, 216, 108, SHEET, { delay: { distance: { offset: 0, velocity: 0.5 } } });
    const plan = planNetwork(spec);
    // sheet diagonal 80 sqrt(11^2 + 8^2) = 1088 um -> 2.18 ms = 22 steps
    expect(plan.projections[0].maxDelay).toBe(22);
    expect(plan.projections[0].minDelay).toBe(1);
    const p = await build(spec);
    const src = { size: 216, sheet: SHEET };
    const tgt = { size: 108, sheet: SHEET };
    for (let s = 0; s < 216; s++)
      for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++)
        expect(p.delays![k]).toBe(distanceDelaySteps(0, 0.5, neuronDistance(src, s, tgt, p.targets[k], false), 0.1));
  });
});

describe('identical synapses everywhere', () => {
  const models: [string, ModelSpec][] = [
    ['periodic, distance delays, normal weights', {
      ...sheetModel({ rule: 'spatial_indegree', indegree: 30, sigma: 150 }, 324, 216, SHEET, { delay: { distance: { offset: 0.2, velocity: 0.3 } } }),
    }],
    ['non-periodic, one population, no multapses', sheetModel(
      { rule: 'spatial_indegree', indegree: 12, sigma: 90, periodic: false, allow_multapses: false }, 216, 216, SHEET, { same: true },
    )],
  ];
  models[0][1].projections![0].weight = { dist: 'normal', mean: 1, std: 0.2 };

  for (const [name, spec] of models) {
    it(`${name}: every backend, every shard split, chunked and bucketed builds`, async () => {
      const plan = planNetwork(spec);
      const nTgt = plan.projections[0].nTgt;
      const refBe = await BUILD_BACKENDS[0].make();
      const ref = buildShard(refBe, plan, 0);
      const refTriples = triples(ref);
      for (const b of BUILD_BACKENDS) {
        const be = await b.make();
        const r = buildShard(be, plan, 0);
        expect(Array.from(r.rowPtr), b.label).toEqual(Array.from(ref.rowPtr));
        expect(Array.from(r.syn), b.label).toEqual(Array.from(ref.syn));
        if (ref.weights) expect(Array.from(r.weights!), b.label).toEqual(Array.from(ref.weights));
        // 2 and 3 shards: the union of the shards' synapses is the single-shard network
        for (const T of [2, 3]) {
          const all: string[] = [];
          for (let k = 0; k < T; k++) {
            const lo = Math.floor((k * nTgt) / T);
            const hi = Math.floor(((k + 1) * nTgt) / T);
            all.push(...triples(buildShard(be, plan, 0, lo, hi)));
          }
          expect(all.sort(), `${b.label}, ${T} shards`).toEqual(refTriples);
        }
      }
      // many small chunks, placement buckets, no hash sets: the same synapses
      setConnectTuning({ chunkSynapses: 700, firstChunkSynapses: 50, bucketMinSynapses: 0, bucketMinSources: 0, bucketShift: 3, bucketCap: 5, hashSets: false });
      try {
        for (const b of [BUILD_BACKENDS[0], BUILD_BACKENDS[3]]) {
          const r = buildShard(await b.make(), plan, 0);
          expect(Array.from(r.syn), `${b.label} (tuned)`).toEqual(Array.from(ref.syn));
          expect(Array.from(r.rowPtr), `${b.label} (tuned)`).toEqual(Array.from(ref.rowPtr));
        }
      } finally {
        setConnectTuning(null);
      }
    });
  }
});

describe('identical spikes on js and wasm, 1, 2 and 3 threads', () => {
  // excitatory and inhibitory LIF populations on a 10 x 10 sheet, local recurrent connectivity with
  // distance-dependent delays, Poisson drive
  const sheet = { columns_x: 10, columns_y: 10, spacing: 100 };
  const spec: ModelSpec = {
    dt: 0.1,
    seed: 5,
    populations: [
      { name: 'E', size: 800, model: 'lif', type: 'excitatory', sheet,
        params: { tau_m: 20, cm: 0.25, tau_refrac: 2, tau_syn_e: 5, tau_syn_i: 10 },
        initial: { v: { dist: 'uniform', low: -65, high: -50 } } },
      { name: 'I', size: 200, model: 'lif', type: 'inhibitory', sheet, params: { tau_m: 10, cm: 0.25, tau_refrac: 1 } },
    ],
    projections: [
      { source: 'E', target: 'E', connect: { rule: 'spatial_indegree', indegree: 60, sigma: 150 }, weight: 0.06,
        delay: { distance: { offset: 0.5, velocity: 0.3 } } },
      { source: 'E', target: 'I', connect: { rule: 'spatial_indegree', indegree: 60, sigma: 200, periodic: false }, weight: 0.06,
        delay: { distance: { offset: 0.5, velocity: 0.3 } } },
      { source: 'I', target: 'E', connect: { rule: 'spatial_indegree', indegree: 20, sigma: 100, allow_multapses: false },
        weight: { dist: 'uniform', low: -0.4, high: -0.2 }, delay: 0.8 },
      { source: 'I', target: 'I', connect: { rule: 'fixed_indegree', indegree: 15 }, weight: -0.3,
        delay: { distance: { offset: 0.3, velocity: 0.5 } } },
    ],
    inputs: [
      { type: 'poisson', target: 'E', rate: 9000, weight: 0.05 },
      { type: 'poisson', target: 'I', rate: 9000, weight: 0.05 },
    ],
    monitors: [{ type: 'spikes', population: 'E' }, { type: 'spikes', population: 'I' }],
  };

  it('the same spike trains and weights', async () => {
    const run = async (opts: { backend: 'js' | 'wasm'; threads: number }) => {
      const sim = await Simulation.create(spec, opts);
      try {
        await sim.run(150);
        return { trains: spikeTrains(sim), w: await sim.getWeights('I->E'), synapses: sim.synapses };
      } finally {
        sim.dispose();
      }
    };
    const ref = await run({ backend: 'wasm', threads: 1 });
    expect(ref.synapses).toBe(60 * 800 + 60 * 200 + 20 * 800 + 15 * 200);
    expect(ref.trains.E.i.length).toBeGreaterThan(100);
    expect(ref.trains.I.i.length).toBeGreaterThan(10);
    for (const opts of [{ backend: 'js' as const, threads: 1 }, { backend: 'wasm' as const, threads: 2 }, { backend: 'wasm' as const, threads: 3 }, { backend: 'js' as const, threads: 2 }]) {
      const r = await run(opts);
      const label = `${opts.backend}, ${opts.threads} threads`;
      expect(r.synapses, label).toBe(ref.synapses);
      expect(r.trains, label).toEqual(ref.trains);
      expect(Array.from(r.w.sources), label).toEqual(Array.from(ref.w.sources));
      expect(Array.from(r.w.targets), label).toEqual(Array.from(ref.w.targets));
      expect(Array.from(r.w.weights), label).toEqual(Array.from(ref.w.weights));
    }
  });
});

describe('validation', () => {
  const spatial: Spatial = { rule: 'spatial_indegree', indegree: 10, sigma: 100 };
  const issues = (spec: ModelSpec) => validateModel(spec);
  const expectIssue = (spec: ModelSpec, path: string, msg: RegExp) => {
    const is = issues(spec);
    expect(is.some((i) => i.path === path && msg.test(i.message)), JSON.stringify(is)).toBe(true);
  };

  it('a size that is not a multiple of the columns', () => {
    expectIssue(sheetModel(spatial, 107, 108, SHEET), 'populations[0].size', /multiple of sheet\.columns_x \* sheet\.columns_y = 108.*got 107/);
  });

  it('bad sheet fields', () => {
    expectIssue(sheetModel(spatial, 108, 108, { columns_x: 0, columns_y: 9 }), 'populations[0].sheet.columns_x', /positive integer/);
    expectIssue(sheetModel(spatial, 108, 108, { columns_x: 12, columns_y: 9, spacing: -1 }), 'populations[0].sheet.spacing', /> 0 um/);
    expectIssue(sheetModel(spatial, 108, 108, { columns_x: 12, columns_y: 9, spacng: 5 } as never), 'populations[0].sheet.spacng', /did you mean "spacing"/);
  });

  it('mismatched sheets and missing sheets', () => {
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { tgtSheet: { columns_x: 9, columns_y: 12, spacing: 80 } }), 'projections[0].connect', /equal sheets/);
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { tgtSheet: { ...SHEET, spacing: 100 } }), 'projections[0].connect', /equal sheets/);
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { srcSheet: null }), 'projections[0].connect', /population "S" has no sheet/);
  });

  it('distance delays without sheets, with bad fields, over the limit', () => {
    const dist = { distance: { offset: 1, velocity: 0.5 } };
    expectIssue(sheetModel({ rule: 'fixed_indegree', indegree: 5 }, 108, 108, SHEET, { tgtSheet: null, delay: dist }), 'projections[0].delay', /has no sheet/);
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { delay: { distance: { offset: -1, velocity: 0.5 } } }), 'projections[0].delay.distance.offset', />= 0 ms/);
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { delay: { distance: { offset: 1, velocity: 0 } } }), 'projections[0].delay.distance.velocity', /> 0 m\/s/);
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { delay: { distance: { offset: 1 } } as never }), 'projections[0].delay.distance.velocity', /is required/);
    // fixed_indegree: the sheet's diagonal 1088 um at 0.04 m/s = 27.2 ms + 1 ms = 282 steps > 255
    expectIssue(sheetModel({ rule: 'fixed_indegree', indegree: 5 }, 108, 108, SHEET, { delay: { distance: { offset: 1, velocity: 0.04 } } }),
      'projections[0].delay', /282 steps.*more than the maximum of 255 steps/);
    // spatial_indegree: at most the radius, 300 um / 0.04 m/s = 7.5 ms: fine; at 0.01 m/s 30 ms + 1 ms > 25.5 ms
    expect(issues(sheetModel(spatial, 108, 108, SHEET, { delay: { distance: { offset: 1, velocity: 0.04 } } }))).toEqual([]);
    expectIssue(sheetModel(spatial, 108, 108, SHEET, { delay: { distance: { offset: 1, velocity: 0.01 } } }), 'projections[0].delay', /more than the maximum of 255 steps/);
    // planNetwork throws a ModelError with the same path
    const err = (() => {
      try {
        planNetwork(sheetModel(spatial, 108, 108, SHEET, { delay: { distance: { offset: 1, velocity: 0.01 } } }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ModelError);
    expect((err as ModelError).message).toMatch(/projections\[0\]\.delay/);
  });

  it('negative sigma, indegree or radius; unknown fields', () => {
    expectIssue(sheetModel({ ...spatial, sigma: -1 }, 108, 108, SHEET), 'projections[0].connect.sigma', />= 0 um/);
    expectIssue(sheetModel({ ...spatial, indegree: -3 }, 108, 108, SHEET), 'projections[0].connect.indegree', /non-negative integer/);
    expectIssue(sheetModel({ ...spatial, radius: -3 }, 108, 108, SHEET), 'projections[0].connect.radius', />= 0 um/);
    expectIssue(sheetModel({ ...spatial, sigmaa: 1 } as never, 108, 108, SHEET), 'projections[0].connect.sigmaa', /did you mean "sigma"/);
    expectIssue(sheetModel({ rule: 'spatial_indegree', indegree: 3 } as never, 108, 108, SHEET), 'projections[0].connect.sigma', /is required/);
  });

  it('an indegree that cannot be attained', () => {
    // sigma = 0, one neuron per column, one population without autapses: no allowed source at all
    expectIssue(sheetModel({ rule: 'spatial_indegree', indegree: 1, sigma: 0 }, 108, 108, SHEET, { same: true }), 'projections[0].connect.indegree', /no allowed sources/);
    // without multapses: at most the neurons of the reachable columns (5 columns of 2 neurons on the torus)
    const conn: Spatial = { rule: 'spatial_indegree', indegree: 11, sigma: 30, radius: 80, allow_multapses: false };
    expectIssue(sheetModel(conn, 216, 216, SHEET), 'projections[0].connect.indegree', /more than the 10 allowed sources/);
    expect(issues(sheetModel({ ...conn, indegree: 10 }, 216, 216, SHEET))).toEqual([]);
    // a corner of a plain sheet reaches 3 columns only
    expectIssue(sheetModel({ ...conn, indegree: 7, periodic: false }, 216, 216, SHEET), 'projections[0].connect.indegree', /more than the 6 allowed sources/);
  });

  it('a build that finds too few distinct sources fails naming the field and the target', async () => {
    // sigma 1 um: the neighbouring columns (within the radius, so counted as reachable) have probability 0
    const spec = sheetModel({ rule: 'spatial_indegree', indegree: 3, sigma: 1, radius: 300, allow_multapses: false }, 108, 108, SHEET);
    expect(issues(spec)).toEqual([]);
    for (const label of ['js', 'wasm-debug']) {
      const be = await BUILD_BACKENDS.find((b) => b.label === label)!.make();
      let err: unknown;
      try {
        buildShard(be, planNetwork(spec), 0);
      } catch (e) {
        err = e;
      }
      expect(err, label).toBeInstanceOf(ModelError);
      expect((err as ModelError).issues[0].path).toBe('projections[0].connect');
      expect((err as ModelError).message).toMatch(/no allowed source for target neuron 0 in 1048576 draws/);
    }
  });

  it('per-synapse weight arrays are allowed (the count is fixed)', async () => {
    const spec = sheetModel({ rule: 'spatial_indegree', indegree: 2, sigma: 50 }, 108, 108, SHEET);
    spec.projections![0].weight = Array.from({ length: 216 }, (_, k) => k);
    expect(issues(spec)).toEqual([]);
    const p = await build(spec);
    // target-major generation order: target t's synapses are entries 2t and 2t + 1
    for (let s = 0; s < 108; s++)
      for (let k = p.rowPtr[s]; k < p.rowPtr[s + 1]; k++) expect(Math.floor(p.weights![k] / 2)).toBe(p.targets[k]);
  });
});
