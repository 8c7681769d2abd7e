/**
 * Backends by name: `createBackend('wasm' | 'js', opts)`. 'wasm' runs the SIMD build when the
 * engine supports fixed-width SIMD, else the scalar build (`opts.variant` forces one, including
 * 'debug'); 'js' runs the TypeScript kernels. All give bit-identical results.
 */
import { JsBackend } from './js/index.ts';
import type { Backend, BackendName, BackendOptions } from './types.ts';
import { detectWasmFeatures, WasmBackend } from './wasm/index.ts';

export type { Backend, BackendFeatures, BackendName, BackendOptions, Kernels, PrimedKernel } from './types.ts';
export { JsBackend, createJsKernels, Views } from './js/index.ts';
export { WasmBackend, KERNEL_NAMES, setWasmLocator, type WasmLocator, type WasmVariant } from './wasm/index.ts';

export interface DetectedFeatures {
  /** WebAssembly is available */
  wasm: boolean;
  /** WebAssembly fixed-width SIMD (v128) validates */
  simd: boolean;
  /** the variant createBackend('wasm') picks by default, or null without WebAssembly */
  wasmVariant: 'simd' | 'scalar' | null;
}

/** Feature detection (synchronous, cached): WebAssembly and SIMD support of this engine. */
export function detectFeatures(): DetectedFeatures {
  const f = detectWasmFeatures();
  return { wasm: f.wasm, simd: f.simd, wasmVariant: !f.wasm ? null : f.simd ? 'simd' : 'scalar' };
}

let live = 0;

/** Number of backends created and not yet disposed (in this thread): lets tests check that a failed build leaves nothing allocated. */
export function liveBackendCount(): number {
  return live;
}

function tracked(b: Backend): Backend {
  live++;
  const dispose = b.dispose.bind(b);
  let done = false;
  Object.defineProperty(b, 'dispose', {
    value: () => {
      if (!done) {
        done = true;
        live--;
      }
      dispose();
    },
  });
  return b;
}

export async function createBackend(name: BackendName, opts: BackendOptions = {}): Promise<Backend> {
  return tracked(await createUntracked(name, opts));
}

async function createUntracked(name: BackendName, opts: BackendOptions): Promise<Backend> {
  if (name === 'js') {
    if (opts.variant !== undefined) throw new Error(`js backend: option variant='${opts.variant}' applies to the wasm backend only`);
    return new JsBackend();
  }
  if (name === 'wasm') {
    const f = detectFeatures();
    if (!f.wasm) throw new Error('wasm backend: WebAssembly is not available in this engine (use the js backend)');
    const variant = opts.variant ?? f.wasmVariant!;
    if (variant !== 'simd' && variant !== 'scalar' && variant !== 'debug') {
      throw new Error(`wasm backend: unknown variant '${String(variant)}' (expected 'simd', 'scalar' or 'debug')`);
    }
    if (variant === 'simd' && !f.simd) {
      throw new Error("wasm backend: variant 'simd' requested but this engine does not support WebAssembly SIMD (use 'scalar')");
    }
    return WasmBackend.create(variant);
  }
  throw new Error(`unknown backend '${String(name)}' (expected 'wasm' or 'js')`);
}
