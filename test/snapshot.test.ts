/**
 * Snapshots (src/sim/snapshot.ts, docs/snapshots.md), issue 17 items 1, 2, 4 and 5: for every
 * example, T ms in one go gives the same spikes, state, weights, synapse counts and monitor data,
 * to the bit, as t ms, a snapshot, a restore and T − t ms — with t inside a minimum-delay interval
 * and at its edge, and the restore on another thread count (1 → 3, 2 → 1, 1 → 2), another backend
 * (wasm → js) and another delivery (deferred → ring). Then the refused files: truncated, corrupted,
 * foreign, a later version, a model that no longer validates, and a full disk while writing.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync, mkdtempSync, rmSync, existsSync, symlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Simulation, type SimulationOptions } from '../src/sim/simulation.ts';
import { SnapshotError, crc32js, SNAPSHOT_VERSION } from '../src/sim/snapshot-format.ts';
import { microcircuit } from '../src/models/microcircuit.ts';
import { planNetwork } from '../src/network/index.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { mixedModel } from './models.ts';

// the example files as plain JSON (the tests change fields of them)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const example = (name: string): any => JSON.parse(readFileSync(new URL(`../examples/${name}.json`, import.meta.url), 'utf8'));

/** CUBA with 2 ms delays: a minimum-delay interval of 20 steps, so that t can fall inside one. */
function cubaSlow(): ModelSpec {
  const m = example('cuba');
  m.projections.forEach((p: { delay: number }) => (p.delay = 2));
  m.monitors!.push({ type: 'state', population: 'E', variables: ['v', 'ie'], neurons: [0, 7, 3199], every: 3 });
  return m;
}

function polychronization(): ModelSpec {
  const m = example('polychronization');
  // the weights are applied every 50 ms here (1 s in the example), so that the runs cross applications
  for (const p of m.projections) if (p.plasticity && 'apply_every_ms' in p.plasticity) (p.plasticity as { apply_every_ms: number }).apply_every_ms = 50;
  m.monitors = m.monitors.map((x: { type: string }) => (x.type === 'synapses' ? { ...x, every_ms: 20 } : x));
  return m;
}

function development(): ModelSpec {
  const m = example('development');
  for (const p of m.projections) if (p.pruning) p.pruning = { ...p.pruning, every_ms: 40 } as typeof p.pruning;
  // delays from 3 ms (1 ms in the example): an exchange interval of 3 steps
  for (const p of m.projections) p.delay = typeof p.delay === 'number' ? Math.max(3, p.delay) : { ...(p.delay as object), low: 3 } as typeof p.delay;
  m.monitors!.push({ type: 'synapses', projection: m.projections[0].name ?? `${m.projections[0].source}->${m.projections[0].target}`, every_ms: 10 });
  return m;
}

function microcircuitThalamus(): ModelSpec {
  const m = microcircuit({ scaleN: 0.05, scaleK: 0.05, background: 'poisson', thalamus: true, durationMs: 40 });
  const tc = m.populations.find((p) => p.name === 'TC') as { params: object };
  // the thalamic pulse (700–710 ms in the model) moved to 10–20 ms, across the snapshot
  tc.params = { ...tc.params, start: 10, stop: 20 };
  return m;
}

/** COBA (a model from equations) with depressing short-term plasticity on E → E. */
function cobaStp(): ModelSpec {
  const m = example('coba');
  m.projections[0].short_term = { rule: 'tsodyks_markram', U: 0.4, tau_rec: 80, tau_fac: 20 };
  return m;
}

interface Case {
  name: string;
  model: () => ModelSpec;
  /** T, and t inside a minimum-delay interval and at an edge of one, ms */
  T: number;
  inside: number;
  edge: number;
}

const CASES: Case[] = [
  { name: 'CUBA (2 ms delays, a state monitor)', model: cubaSlow, T: 60, inside: 27.3, edge: 40 },
  { name: 'threshold units', model: () => example('threshold-random'), T: 120, inside: 77, edge: 50 },
  { name: 'Izhikevich 2003', model: () => example('izhikevich2003'), T: 100, inside: 63, edge: 50 },
  { name: 'polychronization with STDP', model: polychronization, T: 160, inside: 101, edge: 50 },
  { name: 'development with pruning (delays from 3 ms)', model: development, T: 160, inside: 76, edge: 81 },
  { name: '5 % microcircuit with thalamus', model: microcircuitThalamus, T: 22, inside: 13.7, edge: 10 },
  { name: 'a model from equations (CUBA)', model: () => example('cuba-equations'), T: 50, inside: 21.3, edge: 20 },
  { name: 'COBA with short-term plasticity', model: cobaStp, T: 50, inside: 17.1, edge: 30 },
  { name: 'mixed: Poisson, current and noise inputs, delta synapses', model: () => mixedModel, T: 150, inside: 99.9, edge: 120 },
];

/** Everything a run leaves that a restore must give back. */
async function outcome(sim: Simulation) {
  const out: Record<string, unknown> = {};
  const net = sim.network;
  for (const m of net.monitors) {
    if (m.type === 'spikes') {
      const d = sim.spikes(m.population);
      out[`spikes ${m.population}`] = { steps: Array.from(d.steps), i: Array.from(d.i) };
    }
  }
  net.monitors.filter((m) => m.type === 'rate').forEach((m) => {
    const r = sim.rate((m as { population: string }).population);
    out[`rate ${(m as { population: string }).population}`] = { t0: r.t[0], counts: Array.from(r.counts) };
  });
  net.monitors.filter((m) => m.type === 'state').forEach((_, k) => {
    const s = sim.state(k);
    out[`state ${k}`] = { t: Array.from(s.t), values: Object.fromEntries(Object.entries(s.values).map(([v, cols]) => [v, cols.map((c) => Array.from(c))])) };
  });
  for (const m of net.monitors) if (m.type === 'synapses') out[`synapses ${m.projection}`] = Array.from(sim.synapseHistory(m.projection).count);
  for (const p of net.populations)
    for (const v of await stateNames(sim, p.name)) out[`${p.name}.${v}`] = Array.from(await sim.getState(p.name, v));
  for (const pr of net.projections) {
    const w = await sim.getWeights(pr.name);
    out[`weights ${pr.name}`] = { w: Array.from(w.weights), t: Array.from(w.targets), s: Array.from(w.sources) };
  }
  out.counts = await sim.synapseCounts();
  out.totals = sim.spikeTotals.slice();
  out.events = sim.events;
  out.step = sim.step;
  return out;
}

async function stateNames(sim: Simulation, pop: string): Promise<string[]> {
  const { neuronModel } = await import('../src/neurons/index.ts');
  const p = sim.network.populations.find((x) => x.name === pop)!;
  return neuronModel(p.model).stateVariables(p);
}

/** t ms on `from`, a snapshot, a restore on `to`, T − t ms: the outcome. */
async function resumed(model: ModelSpec, T: number, t: number, from: SimulationOptions, to: SimulationOptions) {
  const a = await Simulation.create(model, from);
  let bytes: Uint8Array;
  try {
    await a.run(t);
    bytes = await a.snapshot();
  } finally {
    a.dispose();
  }
  const b = await Simulation.restore(bytes, to);
  try {
    expect(b.step).toBe(Math.round(t / model.dt));
    expect(b.threads).toBe(to.threads);
    expect(b.backendName).toBe(to.backend ?? 'wasm');
    await b.run(T - t);
    return { out: await outcome(b), bytes: bytes.length };
  } finally {
    b.dispose();
  }
}

describe('a restored run is the uninterrupted run, to the bit', () => {
  for (const c of CASES) {
    // the minimum delay in steps: the shards' exchange interval (every t is at an edge when it is 1 step)
    const D = planNetwork(c.model()).minDelay;
    const where = D > 1 ? `inside an interval of ${D} steps, and at its edge` : 'the exchange interval is 1 step';
    it(`${c.name}: ${c.T} ms in one go = ${c.inside} + ${+(c.T - c.inside).toFixed(6)} ms = ${c.edge} + ${c.T - c.edge} ms (${where})`, async () => {
      const model = c.model();
      if (D > 1) {
        expect(Math.round(c.inside / model.dt) % D).not.toBe(0);
        expect(Math.round(c.edge / model.dt) % D).toBe(0);
      }
      const ref = await Simulation.create(model, { threads: 1 });
      let want: Awaited<ReturnType<typeof outcome>>;
      try {
        await ref.run(c.T);
        want = await outcome(ref);
      } finally {
        ref.dispose();
      }
      // something happened: the comparison is not of empty records
      expect((want.totals as number[]).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
      // 1 → 3 threads (wasm), 2 threads → 1 on js, and at the edge 1 thread with deferred delivery → 2 on js with ring delivery
      const r1 = await resumed(model, c.T, c.inside, { threads: 1 }, { threads: 3 });
      expect(r1.out).toEqual(want);
      const r2 = await resumed(model, c.T, c.inside, { threads: 2 }, { threads: 1, backend: 'js' });
      expect(r2.out).toEqual(want);
      const r3 = await resumed(model, c.T, c.edge, { threads: 1, delivery: 'deferred' }, { threads: 2, backend: 'js', delivery: 'ring' });
      expect(r3.out).toEqual(want);
    }, 240_000);
  }

  it('a snapshot of a restored run equals the snapshot of the run it continues (same bytes but for the header)', async () => {
    const model = cubaSlow();
    const a = await Simulation.create(model, { threads: 1 });
    await a.run(30);
    const s1 = await a.snapshot();
    await a.run(10);
    const s2 = await a.snapshot();
    a.dispose();
    const b = await Simulation.restore(s1, { threads: 2 });
    await b.run(10);
    const s3 = await b.snapshot();
    b.dispose();
    const data = (s: Uint8Array) => {
      const h = new DataView(s.buffer, s.byteOffset).getUint32(12, true);
      return s.subarray(24 + h, s.length - 8);
    };
    expect(Buffer.compare(data(s3), data(s2))).toBe(0);
  }, 60_000);

  it('a model changed by its caller after create does not change the snapshot: it holds the model as built', async () => {
    const model = example('izhikevich2003');
    const a = await Simulation.create(model, { threads: 1 });
    await a.run(20);
    model.populations[0].params.a = 0.5;
    model.populations[0].size = 10;
    const b = await Simulation.restore(await a.snapshot(), { threads: 1 });
    expect(b.network.populations[0].size).toBe(800);
    expect((b.model!.populations[0] as { params: { a: unknown } }).params.a).not.toBe(0.5);
    a.dispose();
    b.dispose();
  });

  it('file size: about the synapses and the state (4 bytes per synapse of constant weight and delay)', async () => {
    const model = example('cuba');
    const a = await Simulation.create(model, { threads: 1 });
    await a.run(1);
    const bytes = await a.snapshot();
    a.dispose();
    // the synapses' sources (4 B each), the pointers by target, the state and rings of 4000 neurons
    expect(bytes.length / a.synapses).toBeGreaterThan(4);
    expect(bytes.length / a.synapses).toBeLessThan(5);
  }, 60_000);
});

// ---- faults ----

/** Rewrite a snapshot's header (and its checksum): to make files of other versions and models. */
function withHeader(bytes: Uint8Array, edit: (h: any) => void, version?: number): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset);
  const hl = dv.getUint32(12, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + hl)));
  edit(h);
  let json = new TextEncoder().encode(JSON.stringify(h));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  json = padded;
  const data = bytes.subarray(24 + hl, bytes.length - 8);
  const out = new Uint8Array(24 + json.length + data.length + 8);
  out.set(bytes.subarray(0, 24));
  const ov = new DataView(out.buffer);
  if (version !== undefined) ov.setUint32(8, version, true);
  ov.setUint32(12, json.length, true);
  out.set(json, 24);
  out.set(data, 24 + json.length);
  ov.setUint32(out.length - 8, crc32js(out.subarray(0, out.length - 8)), true);
  out.set(bytes.subarray(bytes.length - 4), out.length - 4);
  return out;
}

/** Count the WebAssembly memories (the wasm backend's arenas) made while `f` runs. */
async function memoriesDuring(f: () => Promise<unknown>): Promise<number> {
  const Orig = WebAssembly.Memory;
  let n = 0;
  (WebAssembly as any).Memory = function (d: WebAssembly.MemoryDescriptor) {
    n++;
    return new Orig(d);
  };
  try {
    await f();
  } finally {
    (WebAssembly as any).Memory = Orig;
  }
  return n;
}

describe('a snapshot that cannot be used is refused with a clear message, before anything is allocated', () => {
  let good: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'axonal-snap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const refuse = async (bytes: Uint8Array, message: RegExp) => {
    let err: unknown = null;
    const made = await memoriesDuring(() => Simulation.restore(bytes, { threads: 1 }).then((s) => s.dispose(), (e) => (err = e)));
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as Error).message).toMatch(message);
    expect(made).toBe(0);
  };

  it('a good snapshot restores (and the counting of memories sees it)', async () => {
    const a = await Simulation.create(example('izhikevich2003'), { threads: 1 });
    await a.run(20);
    good = await a.snapshot();
    a.dispose();
    expect(await memoriesDuring(() => Simulation.restore(good, { threads: 1 }).then((s) => s.dispose()))).toBe(1);
  });

  it('truncated', async () => {
    await refuse(good.subarray(0, good.length - 1000), /truncated snapshot: \d+ bytes, its header says \d+/);
    await refuse(good.subarray(0, 20), /not an axonal snapshot/);
  });

  it('corrupted: one byte of the data changed', async () => {
    const bad = good.slice();
    bad[Math.floor(bad.length * 0.7)] ^= 0x10;
    await refuse(bad, /corrupted snapshot: its checksum is 0x[0-9a-f]{8}, the bytes give 0x[0-9a-f]{8}/);
  });

  it('foreign: a model file, or random bytes', async () => {
    await refuse(readFileSync(new URL('../examples/cuba.json', import.meta.url)), /not an axonal snapshot \(it does not start with "AXSNAPSH"\)/);
    const noise = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    await refuse(noise, /not an axonal snapshot/);
  });

  it('a later format version', async () => {
    await refuse(withHeader(good, () => {}, SNAPSHOT_VERSION + 1), new RegExp(`format version ${SNAPSHOT_VERSION + 1}; this axonal reads version ${SNAPSHOT_VERSION} \\(the file was written by a newer axonal\\)`));
  });

  it('a model that no longer validates says what differs', async () => {
    const bad = withHeader(good, (h) => {
      h.axonal = '0.0.1';
      h.model.populations[0].params.a = -5;
      h.model.populations[1].model = 'izhikevich2002';
    });
    await refuse(bad, /its model does not validate with this axonal \(.*; the snapshot was written by 0\.0\.1\): .*populations\[1\]\.model/);
  });

  it('a snapshot of another network (sizes differ) is refused naming the population', async () => {
    const bad = withHeader(good, (h) => (h.state.populations[0].size = 801));
    await refuse(bad, /population 0 is "E" of 801, the model's "E" of 800/);
  });

  it('Simulation.load of a file that is not there names it', async () => {
    await expect(Simulation.load(join(dir, 'none.snap'))).rejects.toThrow(/none\.snap: cannot read the snapshot/);
  });

  it('saveSnapshot is atomic: a full disk while writing keeps the previous file, loadable, and leaves no temporary', async () => {
    const file = join(dir, 'ck.snap');
    const a = await Simulation.create(example('izhikevich2003'), { threads: 1 });
    try {
      await a.run(10);
      await a.saveSnapshot(file);
      const before = readFileSync(file);
      await a.run(10);
      // the temporary file is <file>.tmp-<pid>: point it at /dev/full, which fails every write with ENOSPC
      const tmp = `${file}.tmp-${process.pid}`;
      symlinkSync('/dev/full', tmp);
      await expect(a.saveSnapshot(file)).rejects.toThrow(/ENOSPC/);
      expect(existsSync(tmp)).toBe(false);
      expect(Buffer.compare(readFileSync(file), before)).toBe(0);
      // loaded into shared memory, read by 2 shard workers directly
      const b = await Simulation.load(file, { threads: 2 });
      expect(b.step).toBe(10);
      expect(b.threads).toBe(2);
      b.dispose();
      // and the next write succeeds
      await a.saveSnapshot(file);
      const c = await Simulation.load(file);
      expect(c.step).toBe(20);
      c.dispose();
      expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    } finally {
      a.dispose();
    }
  });

  it('a snapshot is refused while a run is in progress, after a failed run, and from a NetworkPlan', async () => {
    const { planNetwork } = await import('../src/network/index.ts');
    const model = example('izhikevich2003');
    const a = await Simulation.create(model, { threads: 1 });
    const run = a.run(50);
    await expect(a.snapshot()).rejects.toThrow(/a run is in progress/);
    await run;
    a.failShard(0);
    await expect(a.run(1)).rejects.toThrow(/injected failure/);
    await expect(a.snapshot()).rejects.toThrow(/stopped after an error/);
    a.dispose();
    const p = await Simulation.create(planNetwork(model), { threads: 1 });
    await expect(p.snapshot()).rejects.toThrow(/created from a NetworkPlan/);
    p.dispose();
  });
});
