/**
 * The `js` backend: the kernels of assembly/ in TypeScript over an ArrayBuffer arena with the
 * same offsets as the WASM arena (first usable byte WASM_ARENA_BASE), so that a plan, a pointer
 * and a snapshot mean the same thing on both backends.
 */
import { WASM_ARENA_BASE, WASM_MAX_BYTES } from '../../core/layout.ts';
import type { Backend, BackendFeatures, GeneratedKernel, Kernels } from '../types.ts';
import type { KernelIR } from '../../equations/ir.ts';
import { compileJsKernel, type JsKernel } from '../../equations/js.ts';
import { connectKernels } from './connect.ts';
import { inputKernels } from './inputs.ts';
import { izhikevichKernels } from './izhikevich.ts';
import { lifKernels } from './lif.ts';
import { noiseKernels } from './noise.ts';
import { plasticityKernels } from './plasticity.ts';
import { propagateKernels } from './propagate.ts';
import { stepKernels, type HostStep } from './steps.ts';
import { thresholdKernels } from './threshold.ts';
import { utilKernels } from './util.ts';
import { Views } from './views.ts';

export { Views, truncSat } from './views.ts';

const PAGE = 65536;

/**
 * A `Kernels` object bound to `views` (call `views.set(buffer)` to rebind after a reallocation);
 * `generated` holds the kernels from equations that the step loop's STEP_OP_KERNEL calls by index.
 */
export function createJsKernels(views: Views, hostStep: () => HostStep = () => noHostStep, generated: readonly JsKernel[] = []): Kernels {
  const K = {
    ...lifKernels(views),
    ...izhikevichKernels(views),
    ...noiseKernels(views),
    ...thresholdKernels(views),
    ...inputKernels(views),
    ...propagateKernels(views),
    ...plasticityKernels(views),
    ...connectKernels(views),
    ...utilKernels(views),
  };
  return { ...K, ...stepKernels(views, K, hostStep, generated) };
}

/** The host step of a backend that has none (Backend.setHostStep(null)). */
export function noHostStep(): never {
  throw new Error('axonal: the step loop met a host step, but no host step is set');
}

/** Throws on any call: installed in place of every kernel by dispose(). */
export function disposedKernel(): never {
  throw new Error('axonal: kernel called on a disposed backend');
}

/** Byte size of an arena of `bytes` usable bytes after `base`, checked against `maxBytes`. */
export function arenaSize(name: string, base: number, bytes: number, maxBytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 0) {
    throw new Error(`${name} backend: reserve(bytes) expects a non-negative integer number of bytes, got ${bytes}`);
  }
  if (base + bytes > maxBytes) {
    throw new Error(
      `${name} backend: cannot reserve ${bytes} bytes of arena: ${base} + ${bytes} = ${base + bytes} bytes ` +
        `exceeds the limit of ${maxBytes} bytes (${maxBytes - base} usable)`,
    );
  }
  return Math.ceil((base + bytes) / PAGE) * PAGE;
}

export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly features: BackendFeatures = { simd: false, variant: 'js' };
  readonly base = WASM_ARENA_BASE;
  readonly maxBytes = WASM_MAX_BYTES;
  readonly kernels: Kernels;
  private views: Views;
  private buf: ArrayBuffer;
  private disposed = false;
  private hostStep: HostStep = noHostStep;
  /** the kernels from equations loaded so far (GeneratedKernel.index) */
  private readonly generated: JsKernel[] = [];

  constructor() {
    this.buf = new ArrayBuffer(this.base);
    this.views = new Views(this.buf);
    this.kernels = createJsKernels(this.views, () => this.hostStep, this.generated);
  }

  setHostStep(fn: HostStep | null): void {
    this.hostStep = fn ?? noHostStep;
  }

  /**
   * Grow the arena to at least base + bytes (page-rounded); existing contents are kept, new bytes
   * are zero. An ArrayBuffer cannot grow in place, so each growth copies the arena: it grows by at
   * least a quarter (up to maxBytes) so that a shard's many allocations copy it a few times, not
   * once per buffer.
   */
  reserve(bytes: number): void {
    if (this.disposed) throw new Error('js backend: reserve() after dispose()');
    const need = arenaSize('js', this.base, bytes, this.maxBytes);
    if (need <= this.buf.byteLength) return;
    const roomy = Math.max(need, Math.min(this.maxBytes, Math.ceil((this.buf.byteLength * 1.25) / PAGE) * PAGE));
    let nb: ArrayBuffer;
    try {
      nb = new ArrayBuffer(roomy);
    } catch (e) {
      try {
        nb = new ArrayBuffer(need); // the room to spare did not fit: exactly what was asked for
      } catch {
        throw new Error(`js backend: cannot allocate an arena of ${need} bytes (reserve(${bytes})): ${(e as Error).message}`);
      }
    }
    new Uint8Array(nb).set(new Uint8Array(this.buf));
    this.buf = nb;
    this.views.set(nb);
  }

  get buffer(): ArrayBuffer {
    return this.buf;
  }

  /** The JavaScript kernel generated from the IR (src/equations/js.ts): the same float32 operations as the WebAssembly one. */
  async loadKernel(kernel: KernelIR): Promise<GeneratedKernel> {
    if (this.disposed) throw new Error('js backend: loadKernel() after dispose()');
    const run = compileJsKernel(kernel);
    this.generated.push(run);
    return { run, index: this.generated.length - 1 };
  }

  /** Nothing to warm: the JavaScript kernels are the reference, not the measured path. */
  prime(): void {}

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const k = this.kernels as unknown as Record<string, unknown>;
    for (const name of Object.keys(k)) k[name] = disposedKernel;
    this.buf = new ArrayBuffer(0);
    this.views.set(this.buf);
  }
}
