/**
 * Ring or deferred delivery (SimulationOptions.delivery, src/core/delivery.ts): the same spikes and
 * the same final state to the bit, on js and wasm, for 1 to 3 threads; 'auto' defers exactly when a
 * shard's rings are large and delays vary; the memory estimate counts the buckets; a bad value is
 * refused before anything is built.
 */
import { describe, expect, it } from 'vitest';
import { resolveDelivery, Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import { estimateShards, ModelError, planNetwork } from '../src/network/index.ts';
import { DEFER_MIN_RING_BYTES } from '../src/core/delivery.ts';
import { minDelaySteps } from '../src/sim/shard.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { expectArena, spikeTrains } from './util.ts';

/** E/I network with per-synapse (normal) delays up to about 6 ms: 60 slots × 2 channels × 3000 neurons of rings. */
function model(constDelay = false, minDelay = 0.1): ModelSpec {
  const lif = { tau_m: 10, cm: 250, v_rest: -65, v_thresh: -50, v_reset: -65, tau_refrac: 2, tau_syn_e: 0.5, tau_syn_i: 0.5 };
  const delay = (mean: number) => (constDelay ? mean : { dist: 'normal' as const, mean: Math.max(mean, 2 * minDelay), std: mean / 2, min: minDelay });
  return {
    dt: 0.1,
    seed: 5,
    populations: [
      { name: 'E', size: 2400, model: 'lif', synapse: 'exp', params: lif, initial: { v: { dist: 'normal', mean: -58, std: 5 } } },
      { name: 'I', size: 600, model: 'lif', synapse: 'exp', params: lif, initial: { v: { dist: 'normal', mean: -58, std: 5 } } },
    ],
    projections: [
      { source: 'E', target: 'E', connect: { rule: 'fixed_indegree', indegree: 80 }, weight: { dist: 'normal', mean: 88, std: 8.8 }, delay: delay(1.5), receptor: 'excitatory' },
      { source: 'E', target: 'I', connect: { rule: 'fixed_indegree', indegree: 80 }, weight: { dist: 'normal', mean: 88, std: 8.8 }, delay: delay(1.5), receptor: 'excitatory' },
      { source: 'I', target: 'E', connect: { rule: 'fixed_total_number', n: 48000 }, weight: { dist: 'normal', mean: -352, std: 35 }, delay: delay(0.8), receptor: 'inhibitory' },
      { source: 'I', target: 'I', connect: { rule: 'fixed_total_number', n: 12000 }, weight: { dist: 'normal', mean: -352, std: 35 }, delay: delay(0.8), receptor: 'inhibitory' },
    ],
    inputs: [
      { type: 'poisson', target: 'E', rate: 12000, weight: 88 },
      { type: 'poisson', target: 'I', rate: 12000, weight: 88 },
    ],
    monitors: [{ type: 'spikes', population: 'E' }, { type: 'spikes', population: 'I' }],
  };
}

async function run(spec: ModelSpec, opts: SimulationOptions) {
  const sim = await Simulation.create(spec, opts);
  try {
    await sim.run(150);
    const v = Array.from(await sim.getState('E', 'v'));
    return { trains: spikeTrains(sim), v, buckets: sim.arenaParts.some((p) => p.name === 'delivery buckets'), arenaBytes: sim.arenaBytes, arenaParts: sim.arenaParts.slice(), events: sim.events };
  } finally {
    sim.dispose();
  }
}

describe('delivery: ring or deferred', () => {
  it('the same spikes and membrane potentials to the bit, js and wasm, 1 to 3 threads (per-synapse delays)', async () => {
    const spec = model();
    const ref = await run(spec, { backend: 'js', threads: 1, delivery: 'ring' });
    expect(ref.buckets).toBe(false);
    const nE = ref.trains.E.i.length, nI = ref.trains.I.i.length;
    // active but not saturated: a few to some tens of Hz over 150 ms
    expect(nE / 2400 / 0.15).toBeGreaterThan(1);
    expect(nI / 600 / 0.15).toBeGreaterThan(1);
    expect(nE / 2400 / 0.15).toBeLessThan(100);
    const cases: SimulationOptions[] = [
      { backend: 'js', threads: 1, delivery: 'deferred' },
      { backend: 'wasm', threads: 1, delivery: 'ring' },
      { backend: 'wasm', threads: 1, delivery: 'deferred' },
      { backend: 'wasm', variant: 'scalar', threads: 1, delivery: 'deferred' },
      { backend: 'wasm', threads: 2, delivery: 'deferred' },
      { backend: 'wasm', threads: 3, delivery: 'deferred' },
      { backend: 'wasm', threads: 2, delivery: 'ring' },
    ];
    for (const opts of cases) {
      const got = await run(spec, opts);
      const what = JSON.stringify(opts);
      expect(got.buckets, what).toBe(opts.delivery === 'deferred');
      expect(got.events, what).toBe(ref.events);
      expect(got.trains, what).toEqual(ref.trains);
      expect(got.v, what).toEqual(ref.v);
    }
  });

  it('shards exchanging spikes every 10 steps (minimum delay 1 ms): deferred on 2 threads gives the spikes of the ring on 1', async () => {
    const spec = model(false, 1);
    expect(minDelaySteps(planNetwork(spec))).toBe(10);
    const ref = await run(spec, { backend: 'wasm', threads: 1, delivery: 'ring' });
    expect(ref.trains.E.i.length).toBeGreaterThan(100);
    for (const threads of [2, 3]) {
      const got = await run(spec, { backend: 'wasm', threads, delivery: 'deferred' });
      expect(got.trains, `${threads} threads`).toEqual(ref.trains);
      expect(got.v, `${threads} threads`).toEqual(ref.v);
    }
  });

  it('constant delays deferred: the same spikes as the ring', async () => {
    const spec = model(true);
    const a = await run(spec, { backend: 'wasm', threads: 1, delivery: 'ring' });
    const b = await run(spec, { backend: 'wasm', threads: 1, delivery: 'deferred' });
    expect(a.trains.E.i.length).toBeGreaterThan(100);
    expect(b.trains).toEqual(a.trains);
    expect(b.v).toEqual(a.v);
  });

  it("'auto' defers when delays vary and a shard's rings exceed DEFER_MIN_RING_BYTES; the estimate counts the buckets", async () => {
    const spec = model();
    const est1 = estimateShards(spec, 1);
    const rings1 = est1.shards[0].parts.filter((p) => p.name.startsWith('ring buffers')).reduce((s, p) => s + p.bytes, 0);
    expect(rings1).toBeGreaterThan(DEFER_MIN_RING_BYTES); // 1 thread: about 1.4 MB of rings
    const est2 = estimateShards(spec, 2);
    const rings2 = est2.shards[0].parts.filter((p) => p.name.startsWith('ring buffers')).reduce((s, p) => s + p.bytes, 0);
    expect(rings2).toBeLessThan(DEFER_MIN_RING_BYTES); // 2 threads: half of it per shard
    // per shard, the synapse counts of fixed_total_number are exact from the plan (expected from the description)
    const plan = planNetwork(spec);
    const auto1 = await run(spec, { backend: 'wasm', threads: 1 });
    expect(auto1.buckets).toBe(true);
    // the estimate is the arena (the delay runs at most: their number depends on the delays drawn)
    expectArena(est1.shards, auto1, '1 thread, from the description');
    expectArena(estimateShards(plan, 1).shards, auto1, '1 thread');
    const auto2 = await run(spec, { backend: 'wasm', threads: 2 });
    expect(auto2.buckets).toBe(false);
    expectArena(estimateShards(plan, 2).shards, auto2, '2 threads');
    expect(auto2.trains).toEqual(auto1.trains);
    // forced either way, the estimate still is the arena
    for (const [T, delivery] of [[1, 'ring'], [2, 'deferred'], [3, 'deferred']] as const) {
      const r = await run(spec, { backend: 'js', threads: T, delivery });
      expectArena(estimateShards(plan, T, delivery).shards, r, `${T} threads ${delivery}`);
    }
    // constant delays: nothing to gain, no buckets
    const c = await run(model(true), { backend: 'wasm', threads: 1 });
    expect(c.buckets).toBe(false);
  });

  it('Simulation.plan: the parts, summed over the shards, add up to the bytes; the buckets only when deferred', async () => {
    for (const [T, delivery] of [[1, 'auto'], [2, 'deferred'], [3, 'ring']] as const) {
      const plan = await Simulation.plan(model(), { threads: T, delivery });
      expect(plan.parts.reduce((a, p) => a + p.bytes, 0), `${T} ${delivery}`).toBe(plan.bytes);
      expect(plan.shards.reduce((a, p) => a + p.bytes, 0)).toBe(plan.bytes);
      expect(plan.parts.some((p) => p.name === 'delivery buckets'), `${T} ${delivery}`).toBe(delivery !== 'ring');
    }
  });

  it('sim.phases: per shard, the wall seconds of the runs in step, wait and deliver (host loop) or loop (step loop), within the run time', async () => {
    for (const [threads, stepLoop] of [[1, 'backend'], [1, 'host'], [2, 'backend']] as const) {
      const sim = await Simulation.create(model(), { backend: 'wasm', threads, stepLoop });
      const inLoop = sim.stepLoop === 'backend';
      expect(inLoop).toBe(threads === 1 && stepLoop === 'backend');
      try {
        expect(sim.phases).toEqual([]);
        const r = await sim.run(50);
        expect(sim.phases.length).toBe(threads);
        for (const p of sim.phases) {
          if (inLoop) {
            expect(p.loop).toBeGreaterThan(0);
            expect(p.step + p.deliver).toBe(0);
          } else {
            expect(p.step).toBeGreaterThan(0);
            expect(p.deliver).toBeGreaterThan(0);
            expect(p.loop).toBe(0);
          }
          expect(p.wait).toBeGreaterThanOrEqual(0);
          if (threads === 1) expect(p.wait).toBe(0);
          expect(p.step + p.wait + p.deliver + p.loop).toBeLessThanOrEqual(r.seconds + 0.01);
        }
        const before = sim.phases.map((p) => p.step + p.loop);
        await sim.run(20);
        sim.phases.forEach((p, k) => expect(p.step + p.loop).toBeGreaterThan(before[k])); // cumulative
      } finally {
        sim.dispose();
      }
    }
  });

  it("'auto' falls back to the ring when the buckets would not fit one WebAssembly memory or the machine", () => {
    const spec = model();
    const ring = estimateShards(spec, 1, 'ring'), auto = estimateShards(spec, 1, 'auto');
    expect(auto.maxShardBytes).toBeGreaterThan(ring.maxShardBytes);
    const between = Math.floor((ring.maxShardBytes + auto.maxShardBytes) / 2);
    expect(resolveDelivery(spec, 1, 'auto', 2 ** 32, 0)).toBe('auto');
    expect(resolveDelivery(spec, 1, 'auto', between, 0)).toBe('ring');
    expect(resolveDelivery(spec, 1, 'auto', 2 ** 32, Math.ceil(between / 0.9))).toBe('ring'); // the machine's memory
    expect(resolveDelivery(spec, 1, 'auto', ring.maxShardBytes - 1, 0)).toBe('auto'); // neither fits: the error names the default
    expect(resolveDelivery(spec, 1, 'deferred', between, 0)).toBe('deferred'); // asked for: kept (and refused if too large)
    expect(resolveDelivery(model(true), 1, 'auto', 1000, 0)).toBe('auto'); // no buckets anyway
  });

  it('refuses an unknown delivery mode, naming the option', async () => {
    const bad = Simulation.create(model(), { backend: 'js', threads: 1, delivery: 'later' as never });
    await expect(bad).rejects.toBeInstanceOf(ModelError);
    await expect(Simulation.create(model(), { backend: 'js', threads: 1, delivery: 'later' as never })).rejects.toThrow(/delivery.*'auto', 'ring', 'deferred'.*"later"/s);
    await expect(Simulation.plan(model(), { threads: 1, delivery: 'later' as never })).rejects.toThrow(/delivery.*"later"/s);
  });
});
