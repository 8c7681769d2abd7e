/**
 * Shard worker (worker_threads in Node, a module Web Worker in a browser): owns one shard and its
 * backend, builds the shard's synapses in its own thread, and runs minimum-delay intervals in
 * lock-step with the other shards (one barrier per interval, spikes exchanged through
 * SharedArrayBuffer outboxes). Bundled as dist/worker.js.
 */
import { primedKernels } from './step-program.ts';
import { createBackend } from '../backend/index.ts';
import { provideModule } from '../backend/wasm/loader.ts';
import type { BackendName } from '../backend/types.ts';
import type { BuiltNetwork, MonitorSpec } from '../core/types.ts';
import type { Delivery } from '../core/delivery.ts';
import { loadEquationKernels } from '../equations/runtime.ts';
import { outboxLayouts, Shard, SimulationError } from './shard.ts';
import { SnapshotReader, type SnapshotHeader } from './snapshot-format.ts';
import { partBuffers, ShardRestore } from './snapshot.ts';
import {
  barrier, CTL_ERROR, CTL_PROGRESS, DECISION_ABORT, DECISION_ERROR, type OutboxLayout, SpinBudget, WorkerDiedError,
} from './sync.ts';
import { importExternal } from '../core/import.ts';

export interface InitMessage {
  type: 'init';
  net: BuiltNetwork;
  index: number;
  count: number;
  backend: BackendName;
  variant?: 'simd' | 'scalar' | 'debug';
  monitors: MonitorSpec[];
  checkEvery: number;
  delivery: Delivery;
  interval: number;
  /** largest barrier spin count (adapted down under load, src/sim/sync.ts): long when every worker has its own core */
  spin: number;
  ctl: SharedArrayBuffer;
  outboxes: SharedArrayBuffer[];
  /** the wasm backend: the main thread's compiled kernels of the variant to run (not fetched again here) */
  wasm?: { variant: 'simd' | 'scalar' | 'debug'; module: WebAssembly.Module };
  /** a snapshot to continue from: its header and its data in shared memory (each shard takes its slices) */
  snapshot?: { header: SnapshotHeader; data: SharedArrayBuffer; offset: number; length: number };
}

interface Port {
  post(m: unknown, transfer?: Transferable[]): void;
  on(cb: (m: any) => void): void;
  close(): void;
}

async function parentPort(): Promise<Port> {
  const g = globalThis as any;
  if (typeof g.WorkerGlobalScope !== 'undefined' && g.self instanceof g.WorkerGlobalScope) {
    return {
      post: (m, t) => g.self.postMessage(m, t ?? []),
      on: (cb) => g.self.addEventListener('message', (e: MessageEvent) => cb(e.data)),
      close: () => g.self.close(),
    };
  }
  const wt = await importExternal('node:worker_threads');
  const pp = wt.parentPort!;
  return { post: (m, t) => pp.postMessage(m, t as any), on: (cb) => pp.on('message', cb), close: () => pp.close() };
}

function errorPayload(e: unknown) {
  if (e instanceof SimulationError)
    return { kind: 'simulation', message: e.message, population: e.population, variable: e.variable, neuron: e.neuron, step: e.step };
  const err = e as Error;
  // 'died': this shard stopped because another failed (the run reports the other's error)
  return { kind: e instanceof WorkerDiedError ? 'died' : 'error', message: err?.message ?? String(e), stack: err?.stack };
}

class ShardWorker {
  shard!: Shard;
  ctl!: Int32Array;
  outboxes!: Int32Array[];
  layouts!: OutboxLayout[];
  T = 1;
  D = 1;
  checkEvery = 10;
  spin = new SpinBudget(4000);
  intervals = 0;

  constructor(readonly port: Port) {}

  async init(m: InitMessage) {
    const t0 = performance.now();
    if (m.wasm) provideModule(m.wasm.variant, m.wasm.module);
    const backend = await createBackend(m.backend, { variant: m.wasm?.variant ?? m.variant });
    let compileSeconds = 0;
    try {
      backend.prime(primedKernels(m.net, m.index, m.count, m.delivery, m.checkEvery));
      const gen = await loadEquationKernels(m.net, backend);
      compileSeconds = gen.seconds;
      const restore = m.snapshot ? new ShardRestore(new SnapshotReader(m.snapshot.header, new Uint8Array(m.snapshot.data, m.snapshot.offset, m.snapshot.length))) : null;
      this.shard = new Shard(m.net, m.index, m.count, backend, m.monitors, m.delivery, gen.kernels, restore);
    } catch (e) {
      backend.dispose();
      throw e;
    }
    this.T = m.count;
    this.D = m.interval;
    this.spin = new SpinBudget(m.spin, Math.min(256, m.spin));
    this.checkEvery = m.checkEvery;
    this.ctl = new Int32Array(m.ctl);
    this.outboxes = m.outboxes.map((b) => new Int32Array(b));
    // every shard's outbox layout, from the slices of every population
    this.layouts = outboxLayouts(m.net, m.count, m.interval);
    const synapses = this.shard.projs.reduce((a, p) => a + p.nSyn, 0);
    this.port.post({
      type: 'ready', buildSeconds: (performance.now() - t0) / 1000, arenaBytes: this.shard.arena.bytes,
      parts: this.shard.arena.parts, synapses, variant: backend.features.variant, compileSeconds,
    });
  }

  run(from: number, steps: number) {
    const shard = this.shard;
    const me = this.layouts[shard.index];
    const out = this.outboxes[shard.index];
    const end = from + steps;
    let t = from;
    let aborted = false;
    let error: unknown = null;
    let lastPost = performance.now();
    shard.beginRun(from, end);
    while (t < end) {
      const len = Math.min(this.D, end - t);
      const parity = this.intervals & 1;
      const t0 = performance.now();
      try {
        for (let j = 0; j < len; j++) {
          const s = t + j;
          shard.step(s);
          shard.exportSpikes(out, me.countBase(parity, j), me.idxBase(parity, j));
          if (this.checkEvery > 0 && (s + 1) % this.checkEvery === 0) shard.checkFinite(s, this.checkEvery);
        }
      } catch (e) {
        error = e;
        Atomics.store(this.ctl, CTL_ERROR, 1);
      }
      let d: number;
      const t1 = performance.now();
      try {
        d = barrier(this.ctl, this.T, this.spin);
      } catch (e) {
        if (e instanceof WorkerDiedError) {
          error ??= e;
          break;
        }
        throw e;
      }
      if (d === DECISION_ERROR) break;
      const t2 = performance.now();
      try {
        for (let j = 0; j < len; j++) {
          shard.deliverAll(t + j, this.outboxes, this.layouts, parity, j);
        }
        const t3 = performance.now();
        shard.phases.step += (t1 - t0) / 1000;
        shard.phases.wait += (t2 - t1) / 1000;
        shard.phases.deliver += (t3 - t2) / 1000;
      } catch (e) {
        // the others are past this barrier: the main thread releases them when it sees this error
        error = e;
        Atomics.store(this.ctl, CTL_ERROR, 1);
        break;
      }
      t += len;
      this.intervals++;
      if (shard.index === 0) {
        Atomics.store(this.ctl, CTL_PROGRESS, t - from);
        const now = performance.now();
        if (now - lastPost > 100) {
          lastPost = now;
          this.port.post({ type: 'progress', done: t - from, total: steps });
        }
      }
      if (d === DECISION_ABORT) {
        aborted = true;
        break;
      }
    }
    if (!error && this.checkEvery >= 0) {
      try {
        if (t > from) shard.checkFinite(t - 1, this.checkEvery);
      } catch (e) {
        error = e;
      }
    }
    const records = shard.takeRecords();
    const transfer: Transferable[] = [];
    for (const s of records.spikes) transfer.push(s.steps.buffer, s.indices.buffer);
    for (const r of records.rates) transfer.push(r.counts.buffer);
    this.port.post(
      {
        type: 'done', step: t, records, spikeTotals: shard.spikeTotals, events: shard.events, phases: shard.phases, aborted,
        error: error ? errorPayload(error) : null,
      },
      transfer,
    );
  }
}

const port = await parentPort();
const worker = new ShardWorker(port);
port.on(async (m: any) => {
  try {
    switch (m.type) {
      case 'init':
        await worker.init(m as InitMessage);
        break;
      case 'run':
        worker.run(m.from, m.steps);
        break;
      case 'getState':
        port.post({ type: 'state', id: m.id, data: worker.shard.getState(m.pop, m.variable) });
        break;
      case 'getWeights':
        port.post({ type: 'weights', id: m.id, data: worker.shard.getWeights(m.projection) });
        break;
      case 'snapshot': {
        const part = worker.shard.snapshotPart();
        port.post({ type: 'weights', id: m.id, data: part }, partBuffers(part));
        break;
      }
      case 'synapseCounts':
        port.post({ type: 'weights', id: m.id, data: worker.shard.synapseCounts() });
        break;
      case 'prune':
        worker.shard.pruneNow(m.projection, m.rule, m.t);
        port.post({ type: 'weights', id: m.id, data: null });
        break;
      case 'setPoissonRate':
        worker.shard.setPoissonRate(m.input, m.rate);
        break;
      case 'scaleWeights':
        worker.shard.scaleWeights(m.projection, m.factor);
        break;
      case 'fail':
        // test hook: make this shard throw in its next step
        if (m.index === worker.shard.index) {
          worker.shard.step = () => {
            throw new Error(`injected failure in shard ${m.index}`);
          };
        }
        break;
      case 'dispose':
        worker.shard?.dispose();
        port.post({ type: 'disposed' });
        port.close();
        break;
    }
  } catch (e) {
    port.post({ type: 'error', error: errorPayload(e) });
  }
});
