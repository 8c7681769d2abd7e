/**
 * The `wasm` backend: one WebAssembly.Memory per backend (the arena), kernels from the compiled
 * AssemblyScript in build/. Variants: 'simd' (default when the engine supports SIMD), 'scalar',
 * 'debug' (assertions and bounds checks that abort with a message naming kernel, file and line).
 */
import { WASM_ARENA_BASE, WASM_MAX_BYTES } from '../../core/layout.ts';
import { arenaSize, disposedKernel } from '../js/index.ts';
import type { Backend, BackendFeatures, GeneratedKernel, Kernels, PrimedKernel } from '../types.ts';
import { primeKernels } from '../prime.ts';
import type { KernelIR } from '../../equations/ir.ts';
import { compileKernels, kernelExportName, type WasmKernel } from '../../equations/wasm.ts';
import { detectWasmFeatures, instantiateVariant, type WasmVariant } from './loader.ts';

export {
  compileVariant, detectWasmFeatures, findPackageRoot, KERNEL_NAMES, provideModule, readAsString, setWasmLocator,
  WASM_FILES, type WasmLocator, type WasmVariant,
} from './loader.ts';

const PAGE = 65536;

export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly features: BackendFeatures;
  readonly base = WASM_ARENA_BASE;
  readonly maxBytes = WASM_MAX_BYTES;
  readonly kernels: Kernels;
  private memory: WebAssembly.Memory | null;
  private readonly table: WebAssembly.Table;

  private constructor(memory: WebAssembly.Memory, kernels: Kernels, table: WebAssembly.Table, variant: WasmVariant) {
    this.memory = memory;
    this.kernels = kernels;
    this.table = table;
    this.features = { simd: variant !== 'scalar' && detectWasmFeatures().simd, variant };
  }

  /** the host step the step loop's STEP_OP_HOST calls (env.host_step), or null */
  private hostStep: ((pop: number, t: number, slot: number) => number) | null = null;

  static async create(variant: WasmVariant): Promise<WasmBackend> {
    let self: WasmBackend | null = null;
    const { memory, kernels, table } = await instantiateVariant(variant, 1, (pop, t, slot) => {
      if (!self?.hostStep) throw new Error('axonal: the step loop met a host step, but no host step is set');
      return self.hostStep(pop, t, slot);
    });
    self = new WasmBackend(memory, kernels, table, variant);
    return self;
  }

  setHostStep(fn: ((pop: number, t: number, slot: number) => number) | null): void {
    this.hostStep = fn;
  }

  /** Grow the memory to base + bytes (page-rounded); existing contents are kept, new pages are zero. */
  reserve(bytes: number): void {
    const mem = this.memory;
    if (!mem) throw new Error('wasm backend: reserve() after dispose()');
    const size = arenaSize('wasm', this.base, bytes, this.maxBytes);
    const have = mem.buffer.byteLength;
    if (size <= have) return;
    try {
      mem.grow((size - have) / PAGE);
    } catch (e) {
      throw new Error(`wasm backend: cannot grow the memory to ${size} bytes (reserve(${bytes})): ${(e as Error).message}`);
    }
  }

  get buffer(): ArrayBuffer {
    if (!this.memory) throw new Error('wasm backend: buffer read after dispose()');
    return this.memory.buffer;
  }

  /**
   * A kernel generated from the IR (src/equations/wasm.ts), instantiated over this backend's
   * memory: the f32x4 module for the simd and debug variants, the scalar one for scalar. It is
   * added to the main module's function table, where the step loop calls it (STEP_OP_KERNEL).
   */
  async loadKernel(kernel: KernelIR): Promise<GeneratedKernel> {
    const memory = this.memory;
    if (!memory) throw new Error('wasm backend: loadKernel() after dispose()');
    const module = await compileKernels([kernel], { simd: this.features.variant !== 'scalar' && detectWasmFeatures().simd });
    const instance: WebAssembly.Instance = await WebAssembly.instantiate(module, { env: { memory } });
    const fn = instance.exports[kernelExportName(kernel, 0)] as WasmKernel;
    const index = this.table.grow(1);
    this.table.set(index, fn);
    return { run: (_f32, _i32, n, args, spikes) => fn(n, args, spikes), index };
  }

  prime(names: readonly PrimedKernel[]): void {
    primeKernels(this, names);
  }

  dispose(): void {
    if (!this.memory) return;
    this.memory = null;
    const k = this.kernels as unknown as Record<string, unknown>;
    for (const name of Object.keys(k)) k[name] = disposedKernel;
  }
}
