/**
 * The backend's step loop (run_steps: assembly/steps.ts, src/backend/js/steps.ts, the program of
 * src/sim/step-program.ts) against the host's loop (Shard.step, Shard.deliverOwn): the same spikes,
 * rates, state samples, synapse counts, events and final state, on every backend; what makes a run
 * use the host's loop; the record buffer filling up; changes made during a run.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import { estimateShards } from '../src/network/estimate.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { mixedModel, noisy } from './models.ts';
import { createBackend, JsBackend } from '../src/backend/index.ts';
import { WasmBackend } from '../src/backend/wasm/index.ts';
import { planNetwork } from '../src/network/index.ts';
import { primedKernels } from '../src/sim/step-program.ts';
import { BACKENDS, spikeTrains } from './util.ts';

const example = (name: string) => JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8')) as ModelSpec;

/** The mixed model with every monitor the loop has to leave to the host or record itself. */
function monitored(): ModelSpec {
  const m = structuredClone(mixedModel);
  m.monitors = [
    ...m.monitors!,
    { type: 'spikes', population: 'E', neurons: [0, 5, 17, 200] },
    { type: 'rate', population: 'E' },
    { type: 'rate', population: 'T' },
    { type: 'state', population: 'E', variables: ['v', 'ie'], neurons: [3, 300], every: 3 },
    { type: 'state', population: 'D', variables: ['v'], neurons: [0, 56] },
    { type: 'synapses', projection: m.projections![0].name ?? 'P->E', every_ms: 7.3 },
  ];
  return m;
}

async function outcome(spec: ModelSpec, opts: SimulationOptions, runs: number[]) {
  const sim = await Simulation.create(spec, opts);
  try {
    for (const d of runs) await sim.run(d);
    const net = sim.network;
    const rates = spec.monitors!.filter((m) => m.type === 'rate').map((m) => Array.from(sim.rate((m as { population: string }).population).counts ?? []));
    const states = spec.monitors!.filter((m) => m.type === 'state').map((_, k) => JSON.stringify(sim.state(k)));
    const synapses = spec.monitors!.filter((m) => m.type === 'synapses').map((m) => sim.synapseHistory((m as { projection: string }).projection));
    const finals: Record<string, number[]> = {};
    for (const p of net.populations) if (p.model === 'lif') finals[p.name] = Array.from(await sim.getState(p.name, 'v'));
    return {
      loop: sim.stepLoop, trains: spikeTrains(sim), rates, states, events: sim.events, totals: sim.spikeTotals.slice(),
      synapses: synapses.map((s) => ({ t: Array.from(s.t), count: Array.from(s.count) })), finals,
    };
  } finally {
    sim.dispose();
  }
}

describe('the step loop against the host loop', () => {
  for (const b of BACKENDS) {
    for (const delivery of ['ring', 'deferred'] as const) {
      it(`${b.label}, ${delivery}: a model with every kind of population, input and monitor, over runs of uneven lengths`, async () => {
        const spec = monitored();
        const runs = [37.4, 0.1, 120, 42.5];
        const loop = await outcome(spec, { ...b.opts, delivery }, runs);
        const host = await outcome(spec, { ...b.opts, delivery, stepLoop: 'host' }, runs);
        expect(loop.loop).toBe('backend');
        expect(host.loop).toBe("host: stepLoop 'host' asked for");
        expect(loop.totals.reduce((a, c) => a + c, 0)).toBeGreaterThan(1000);
        expect(loop.synapses[0].count.length).toBeGreaterThan(20);
        expect({ ...loop, loop: '' }).toEqual({ ...host, loop: '' });
      });
    }
  }

  it('izhikevich2003 (noise inputs, all-to-all, delta synapses): the same spikes on js and wasm, both loops', async () => {
    const spec = example('izhikevich2003');
    const got = [];
    for (const backend of ['wasm', 'js'] as const)
      for (const stepLoop of ['backend', 'host'] as const) got.push(await outcome(spec, { backend, threads: 1, stepLoop }, [300]));
    expect(got[0].totals.reduce((a, c) => a + c, 0)).toBeGreaterThan(1000);
    for (const g of got.slice(1)) expect({ ...g, loop: '' }).toEqual({ ...got[0], loop: '' });
  });

  /** Runs `body` with Backend.setHostStep of both backends recorded: whether a host step was set for the loop. */
  async function hostStepsSet<T>(body: () => Promise<T>): Promise<{ result: T; set: boolean }> {
    const protos = [JsBackend.prototype, WasmBackend.prototype] as { setHostStep(fn: unknown): void }[];
    const saved = protos.map((p) => p.setHostStep);
    let set = false;
    protos.forEach((p, k) => {
      p.setHostStep = function (this: unknown, fn: unknown) {
        if (fn) set = true;
        return saved[k].call(this, fn);
      };
    });
    try {
      return { result: await body(), set };
    } finally {
      protos.forEach((p, k) => (p.setHostStep = saved[k]));
    }
  }

  for (const name of ['cuba-equations', 'coba', 'cobahh'])
    it(`${name} (populations from equations, their kernels called by the loop through the function table): the same as the host loop on js and wasm`, async () => {
      const spec = example(name);
      const got = [];
      for (const backend of ['wasm', 'js'] as const)
        for (const stepLoop of ['backend', 'host'] as const) {
          const { result, set } = await hostStepsSet(() => outcome(spec, { backend, threads: 1, stepLoop }, [name === 'cobahh' ? 30 : 100]));
          // STEP_OP_KERNEL: no population of these needs the host's step
          if (stepLoop === 'backend') expect(set, `${name} ${backend}: a host step`).toBe(false);
          got.push(result);
        }
      expect(got[0].loop).toBe('backend');
      expect(got[0].totals.reduce((a, c) => a + c, 0)).toBeGreaterThan(100);
      for (const g of got.slice(1)) expect({ ...g, loop: '' }).toEqual({ ...got[0], loop: '' });
    });

  it('a model from equations with random draws and t is stepped by the host from inside the loop, as in the host loop', async () => {
    // the stochastic model of the equations tests (rand(), xi, a Poisson input), its rand() term times
    // a function of t, beside a deterministic model Q, whose kernel the loop calls through the table
    const spec = structuredClone(noisy);
    const ou = spec.models!.ou as { equations: string };
    ou.equations = ou.equations.replace('I = 0.5*rand()*mV', 'I = 0.5*rand()*mV*(1 + 0*t/ms)');
    expect(ou.equations).toContain('t/ms');
    spec.models!.coba_like = {
      equations: 'dv/dt = (El - v + g*(E - v)/gL)/tau : volt\ndg/dt = -g/tau_g : siemens', threshold: 'v > -55*mV', reset: 'v = -65*mV',
      parameters: { El: '-65*mV', tau: '10*ms', E: '0*mV', gL: '10*nS', tau_g: '5*ms' },
    };
    spec.populations.push({ name: 'Q', size: 50, model: 'coba_like', initial: { v: -65 } });
    spec.projections!.push({ name: 'PQ', source: 'P', target: 'Q', connect: { rule: 'fixed_indegree', indegree: 20 }, weight: 0.002, delay: 0.5, on_pre: 'g += w' });
    spec.monitors!.push({ type: 'spikes', population: 'Q' });
    for (const backend of ['wasm', 'js'] as const) {
      const { result: loop, set } = await hostStepsSet(() => outcome(spec, { backend, threads: 1 }, [25, 35]));
      expect(set, 'the noisy population needs its host step').toBe(true);
      const host = await outcome(spec, { backend, threads: 1, stepLoop: 'host' }, [25, 35]);
      expect(loop.loop).toBe('backend');
      expect(loop.trains.P.i.length).toBeGreaterThan(50);
      expect(loop.trains.Q.i.length).toBeGreaterThan(0);
      expect({ ...loop, loop: '' }).toEqual({ ...host, loop: '' });
    }
  });

  it('spike generators (stepped by the host from inside the loop) drive a LIF population as in the host loop', async () => {
    const spec: ModelSpec = {
      name: 'generated', dt: 0.1, duration: 50, seed: 5,
      populations: [
        { name: 'G', size: 3, model: 'spike_generator', params: { spike_times: [[1, 2.5, 30], [], [4, 4.1, 40]] } },
        { name: 'E', size: 20, model: 'lif', params: { v_thresh: -64.5 } },
      ],
      projections: [{ source: 'G', target: 'E', connect: { rule: 'all_to_all' }, weight: 2, delay: 0.3 }],
      monitors: [{ type: 'spikes', population: 'G' }, { type: 'spikes', population: 'E' }, { type: 'rate', population: 'G' }],
    };
    for (const backend of ['wasm', 'js'] as const) {
      const loop = await outcome(spec, { backend, threads: 1 }, [20, 30]);
      const host = await outcome(spec, { backend, threads: 1, stepLoop: 'host' }, [20, 30]);
      expect(loop.loop).toBe('backend');
      expect(loop.trains.G.i.length).toBe(6);
      expect(loop.trains.E.i.length).toBeGreaterThan(0);
      expect({ ...loop, loop: '' }).toEqual({ ...host, loop: '' });
    }
  });

  it('state monitors beyond the loop\'s 4,096 samples are sampled by the host between calls, with the same values', async () => {
    const spec = structuredClone(mixedModel);
    const E = Array.from({ length: 403 }, (_, i) => i);
    spec.monitors = [
      { type: 'spikes', population: 'E' },
      { type: 'state', population: 'E', variables: ['v', 'ie', 'ii'], neurons: E, every: 2 }, // 1,209 pairs
      { type: 'state', population: 'E', variables: ['v', 'ie', 'ii'], neurons: E, every: 3 },
      { type: 'state', population: 'E', variables: ['v', 'ie', 'ii'], neurons: E, every: 5 },
      { type: 'state', population: 'E', variables: ['v', 'ie', 'ii'], neurons: E, every: 7 },
      { type: 'state', population: 'T', variables: ['n'], neurons: Array.from({ length: 64 }, (_, i) => i) }, // 4,900 in all
    ];
    expect(estimateShards(spec, 1).shards[0].parts.find((p) => p.name === 'step loop')!.bytes).toBeLessThan(2 ** 20); // no samples' room
    const loop = await outcome(spec, { backend: 'wasm', threads: 1 }, [25.3, 4]);
    const host = await outcome(spec, { backend: 'wasm', threads: 1, stepLoop: 'host' }, [25.3, 4]);
    expect(loop.loop).toBe('backend');
    expect({ ...loop, loop: '' }).toEqual({ ...host, loop: '' });
    // and within the limit (the T monitor alone: integer states), sampled in the loop
    spec.monitors = [spec.monitors[0], spec.monitors[5]];
    const loop2 = await outcome(spec, { backend: 'js', threads: 1 }, [25.3, 4]);
    const host2 = await outcome(spec, { backend: 'js', threads: 1, stepLoop: 'host' }, [25.3, 4]);
    expect(Object.keys(JSON.parse(loop2.states[0]).values.n[0]).length).toBe(293); // every step of 25.3 + 4 ms
    expect({ ...loop2, loop: '' }).toEqual({ ...host2, loop: '' });
  });

  it('stops a call when the record buffer is full and goes on in the next', async () => {
    // 40,000 recorded Poisson sources at 3,000 Hz: above 10,000 words a step, so a call of
    // the loop holds a few steps, not 256
    const spec: ModelSpec = {
      name: 'dense-records', dt: 0.1, duration: 5, seed: 3,
      populations: [{ name: 'P', size: 40000, model: 'poisson', params: { rate: 3000 } }, { name: 'E', size: 10, model: 'lif', params: {} }],
      projections: [{ source: 'P', target: 'E', connect: { rule: 'fixed_indegree', indegree: 5 }, weight: 0.01, delay: 0.1 }],
      monitors: [{ type: 'spikes', population: 'P' }, { type: 'spikes', population: 'E' }],
    };
    const loop = await outcome(spec, { backend: 'wasm', threads: 1 }, [5]);
    const host = await outcome(spec, { backend: 'wasm', threads: 1, stepLoop: 'host' }, [5]);
    expect(loop.trains.P.i.length).toBeGreaterThan(50 * 10000);
    expect({ ...loop, loop: '' }).toEqual({ ...host, loop: '' });
  });

  it('a Poisson rate and a weight scale changed during a run take effect from the next chunk, as in the host loop', async () => {
    const spec = example('cuba');
    spec.inputs = [{ type: 'poisson', target: 'E', rate: 500, weight: 0.5, receptor: 'excitatory' }];
    const run = async (stepLoop: 'backend' | 'host') => {
      const sim = await Simulation.create(spec, { backend: 'wasm', threads: 1, stepLoop });
      try {
        // progress every 256 steps: the loop's chunks end there too, so both change at the same step
        await sim.run(200, {
          progressEvery: 256,
          onProgress: (done) => {
            if (done === 512) sim.setPoissonRate(0, 4000);
            if (done === 1024) sim.scaleWeights(sim.network.projections[0].name, 0.5);
          },
        });
        return { trains: spikeTrains(sim), events: sim.events };
      } finally {
        sim.dispose();
      }
    };
    const loop = await run('backend'), host = await run('host');
    expect(loop).toEqual(host);
  });

  it('which runs use the host loop, and why', async () => {
    const cases: [string, SimulationOptions, RegExp][] = [
      ['cuba', { threads: 1 }, /^backend$/],
      ['izhikevich2003', { threads: 1 }, /^backend$/],
      ['polychronization', { threads: 1 }, /^host: random_drive inputs$/],
      ['cuba-equations', { threads: 1 }, /^backend$/],
      ['coba', { threads: 1 }, /^backend$/],
      ['cuba', { threads: 2 }, /^host: more than one shard$/],
      ['cuba', { threads: 1, stepLoop: 'host' }, /^host: stepLoop 'host' asked for$/],
    ];
    for (const [name, opts, want] of cases) {
      const sim = await Simulation.create(example(name), opts);
      try {
        expect(sim.stepLoop, `${name} ${JSON.stringify(opts)}`).toMatch(want);
      } finally {
        sim.dispose();
      }
    }
  });

  it('the arena holds the step loop part the estimate counts, for one thread only', async () => {
    const spec = monitored();
    const one = estimateShards(spec, 1).shards[0].parts.find((p) => p.name === 'step loop');
    expect(one?.bytes).toBeGreaterThan(0);
    expect(estimateShards(spec, 2).shards.some((s) => s.parts.some((p) => p.name === 'step loop'))).toBe(false);
    const sim = await Simulation.create(spec, { threads: 1 });
    try {
      expect(sim.arenaParts.find((p) => p.name === 'step loop')?.bytes).toBe(one!.bytes);
    } finally {
      sim.dispose();
    }
  });
});

describe('priming the step kernels (Backend.prime)', () => {
  it('names the kernels of the network\'s steps', () => {
    expect(primedKernels(planNetwork(example('cuba')), 0, 1, 'auto', 10).sort()).toEqual(['find_nonfinite', 'lif_update', 'propagate']);
    expect(primedKernels(planNetwork(example('izhikevich2003')), 0, 1, 'auto', 0).sort()).toEqual(['izhikevich_delta_update', 'noise_input', 'propagate']);
    expect(primedKernels(planNetwork(monitored()), 0, 1, 'deferred', 10).sort()).toEqual([
      'defer_flush', 'defer_propagate', 'find_nonfinite', 'lif_delta_update', 'lif_update', 'poisson_input', 'poisson_update', 'threshold_update', 'touch_lines',
    ]);
  });

  for (const variant of ['simd', 'scalar', 'debug'] as const)
    it(`wasm-${variant}: every step kernel and the step loop (run_steps) run on scratch memory, which is zero afterwards`, async () => {
      const b = await createBackend('wasm', { variant });
      try {
        b.prime(['lif_update', 'lif_delta_update', 'izhikevich_update', 'izhikevich_delta_update', 'poisson_update', 'threshold_update', 'poisson_input', 'noise_input', 'propagate', 'defer_propagate', 'defer_flush', 'touch_lines', 'find_nonfinite']);
        const bytes = new Uint8Array(b.buffer, b.base);
        expect(bytes.length).toBeGreaterThanOrEqual(64 * 1024 * 4);
        expect(bytes.every((x) => x === 0)).toBe(true);
      } finally {
        b.dispose();
      }
    });
});
