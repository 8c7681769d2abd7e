/**
 * What differs between Node and a browser: starting a shard worker (worker_threads or a module
 * Web Worker), the number of cores, and whether shared memory is available.
 */
import { importExternal } from '../core/import.ts';

export interface WorkerPort {
  post(msg: unknown, transfer?: Transferable[]): void;
  onMessage(cb: (msg: any) => void): void;
  /** an uncaught error in the worker, or the worker exiting unexpectedly */
  onError(cb: (err: Error) => void): void;
  terminate(): void;
}

const isNode = typeof process !== 'undefined' && !!(process as any).versions?.node;

export function availableCores(): number {
  if (isNode) {
    const os = (globalThis as any).__axonal_os;
    if (os) return os.availableParallelism?.() ?? os.cpus().length;
  }
  const n = (globalThis as any).navigator?.hardwareConcurrency;
  return typeof n === 'number' && n > 0 ? n : 1;
}

/** Physical memory of this machine in bytes (Node), or null where unknown. */
export function machineMemory(): number | null {
  const os = (globalThis as any).__axonal_os;
  if (os) return os.totalmem();
  const gb = (globalThis as any).navigator?.deviceMemory;
  return typeof gb === 'number' ? gb * 2 ** 30 : null;
}

/** Load Node's os module once (through importExternal, which browser bundles leave alone). */
export async function initPlatform(): Promise<void> {
  if (isNode && !(globalThis as any).__axonal_os) {
    (globalThis as any).__axonal_os = await importExternal('node:os');
  }
}

/** Why threads cannot be used here, or null when they can. */
export function sharedMemoryUnavailable(): string | null {
  if (typeof SharedArrayBuffer === 'undefined')
    return 'SharedArrayBuffer is not available in this environment' +
      (isNode ? '' : ' (the page must be cross-origin isolated: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)');
  if (!isNode && (globalThis as any).crossOriginIsolated === false)
    return 'this page is not cross-origin isolated, so SharedArrayBuffer cannot be shared with workers (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  if (typeof Atomics === 'undefined' || typeof Atomics.wait !== 'function') return 'Atomics.wait is not available in this environment';
  return null;
}

/** Where the shard worker script is: a URL or path, or a function giving one (setWorkerLocator). */
export type WorkerLocator = string | URL | (() => string | URL);

let workerLocator: WorkerLocator | null = null;

/**
 * Say where the shard worker script is (`axonal/worker`: dist/worker.js in Node, dist/browser-worker.js
 * in a browser) when a bundler moves it, e.g. `setWorkerLocator(new URL('./browser-worker.js', import.meta.url))`
 * after copying it next to the bundle; null restores the default (next to the axonal bundle).
 */
export function setWorkerLocator(loc: WorkerLocator | null): void {
  workerLocator = loc;
}

/** The worker script's file in dist/ for this platform. */
export const WORKER_FILE = isNode ? 'worker.js' : 'browser-worker.js';

/** URL of the worker script: the locator's, else the bundled one next to this module (or in dist/ from the sources). */
function workerUrl(): string | URL {
  if (workerLocator !== null) return typeof workerLocator === 'function' ? workerLocator() : workerLocator;
  const here = import.meta.url;
  if (/\/src\/sim\/[^/]+$/.test(here)) return new URL(`../../dist/${WORKER_FILE}`, here);
  return new URL(`./${WORKER_FILE}`, here);
}

export async function spawnShardWorker(): Promise<WorkerPort> {
  if (isNode) {
    const wt = await importExternal('node:worker_threads');
    const w = new wt.Worker(workerUrl());
    let errorCb: ((e: Error) => void) | null = null;
    let ended = false;
    w.on('error', (e: Error) => errorCb?.(e));
    w.on('exit', (code: number) => {
      if (!ended) errorCb?.(new Error(`shard worker exited unexpectedly with code ${code}`));
    });
    return {
      post: (m, t) => w.postMessage(m, t as any),
      onMessage: (cb) => w.on('message', cb),
      onError: (cb) => (errorCb = cb),
      terminate: () => {
        ended = true;
        void w.terminate();
      },
    };
  }
  const w = new Worker(workerUrl(), { type: 'module' });
  return {
    post: (m, t) => w.postMessage(m, t ?? []),
    onMessage: (cb) => w.addEventListener('message', (e) => cb((e as MessageEvent).data)),
    onError: (cb) => w.addEventListener('error', (e) => cb(new Error((e as ErrorEvent).message || 'shard worker failed'))),
    terminate: () => w.terminate(),
  };
}
