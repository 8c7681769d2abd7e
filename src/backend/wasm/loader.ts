/**
 * Locating, compiling and instantiating the WebAssembly kernels (build/axonal.{simd,scalar,debug}.wasm,
 * written by scripts/build-wasm.js). The modules import exactly { env: { memory, abort } } and
 * export the functions of the `Kernels` interface; nothing else is needed at run time.
 *
 * Node: the .wasm files are read from build/ in the package root, found by walking up from this
 * module's URL to the first package.json whose name is "axonal" (works from src/ under vitest/tsx
 * and from a bundle in dist/). Browser: fetched from the package's build/, i.e. `../build/<file>`
 * relative to a bundle in dist/ (or `../../../build/<file>` relative to this file when served
 * unbundled), unless `setWasmLocator` says otherwise.
 */
import type { Kernels } from '../types.ts';
import { importExternal } from '../../core/import.ts';

export type WasmVariant = 'simd' | 'scalar' | 'debug';

export const WASM_FILES: Readonly<Record<WasmVariant, string>> = {
  simd: 'axonal.simd.wasm',
  scalar: 'axonal.scalar.wasm',
  debug: 'axonal.debug.wasm',
};

/** Every function of the Kernels interface, i.e. the exports every module must have. */
export const KERNEL_NAMES: readonly (keyof Kernels)[] = [
  'lif_update',
  'lif_delta_update',
  'threshold_update',
  'poisson_update',
  'poisson_input',
  'propagate',
  'defer_propagate',
  'propagate_scaled',
  'defer_flush',
  'touch_lines',
  'connect_count',
  'connect_fill',
  'find_nonfinite',
  'rng_fill',
  'rng_fill_normal',
  'izhikevich_update',
  'izhikevich_delta_update',
  'noise_input',
  'uniform_fill',
  'stdp_pre',
  'stdp_post',
  'trace_decay',
  'trace_step',
  'stdp_delayed_post',
  'stdp_delayed_pre',
  'deriv_apply',
  'run_steps',
];

/** Where to get a .wasm file: a URL/path string, a URL, or the bytes themselves. */
export type WasmLocator = (file: string, variant: WasmVariant) =>
  string | URL | ArrayBuffer | Uint8Array | Promise<string | URL | ArrayBuffer | Uint8Array>;

let locator: WasmLocator | null = null;
const modules = new Map<WasmVariant, Promise<WebAssembly.Module>>();

/** Override where the .wasm binaries come from (e.g. a bundler asset URL in a browser). */
export function setWasmLocator(fn: WasmLocator | null): void {
  locator = fn;
  modules.clear();
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

let packageRoot: Promise<string> | null = null;

/** Directory of the axonal package (the first ancestor with a package.json named "axonal"). */
export function findPackageRoot(): Promise<string> {
  packageRoot ??= (async () => {
    const fs = await importExternal('node:fs/promises');
    const path = await importExternal('node:path');
    const url = await importExternal('node:url');
    const start = path.dirname(url.fileURLToPath(import.meta.url));
    let dir = start;
    for (;;) {
      try {
        const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8'));
        if (pkg && pkg.name === 'axonal') return dir as string;
      } catch {
        // no (readable) package.json here: keep walking up
      }
      const parent = path.dirname(dir);
      if (parent === dir) {
        throw new Error(`axonal: cannot find the package root (no package.json named "axonal" above ${start})`);
      }
      dir = parent;
    }
  })();
  return packageRoot;
}

async function readSource(src: string | URL | ArrayBuffer | Uint8Array, what: string): Promise<Uint8Array> {
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  const s = String(src);
  if (isNode && !/^(https?|data|blob):/.test(s)) {
    const fs = await importExternal('node:fs/promises');
    const url = await importExternal('node:url');
    const file = s.startsWith('file:') ? url.fileURLToPath(s) : s;
    try {
      return new Uint8Array(await fs.readFile(file));
    } catch (e) {
      throw new Error(`axonal: cannot read ${what} from ${file} (run \`npm run asbuild\` to build it): ${(e as Error).message}`);
    }
  }
  const res = await fetch(s);
  if (!res.ok) throw new Error(`axonal: cannot fetch ${what} from ${s}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function loadBytes(variant: WasmVariant): Promise<Uint8Array> {
  const file = WASM_FILES[variant];
  if (locator) return readSource(await locator(file, variant), file);
  if (isNode) {
    const path = await importExternal('node:path');
    return readSource(path.join(await findPackageRoot(), 'build', file), file);
  }
  // served from source (src/backend/wasm/loader.ts) or from a bundle in dist/
  const fromSource = /\/src\/backend\/wasm\/loader\.[cm]?[jt]s(\?.*)?$/.test(import.meta.url);
  return readSource(new URL(`${fromSource ? '../../../' : '../'}build/${file}`, import.meta.url), file);
}

/**
 * Use a module compiled elsewhere for a variant (a shard worker gets the main thread's, so that it
 * neither fetches nor compiles the kernels, and the main thread's setWasmLocator holds in workers).
 */
export function provideModule(variant: WasmVariant, module: WebAssembly.Module): void {
  modules.set(variant, Promise.resolve(module));
}

/** The compiled module of a variant (compiled once per process, then cached). */
export function compileVariant(variant: WasmVariant): Promise<WebAssembly.Module> {
  let p = modules.get(variant);
  if (!p) {
    p = loadBytes(variant).then(async (bytes) => {
      try {
        return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
      } catch (e) {
        throw new Error(`axonal: ${WASM_FILES[variant]} is not a valid WebAssembly module for this engine: ${(e as Error).message}`);
      }
    });
    p.catch(() => modules.delete(variant)); // do not cache failures
    modules.set(variant, p);
  }
  return p;
}

/**
 * Decode an AssemblyScript string (UTF-16LE, byte length stored in the 4 bytes before it) from
 * memory; null if the pointer does not look like one.
 */
export function readAsString(buffer: ArrayBuffer, ptr: number): string | null {
  ptr = ptr >>> 0;
  if (ptr < 4 || ptr > buffer.byteLength) return null;
  const dv = new DataView(buffer);
  const len = dv.getUint32(ptr - 4, true);
  if (len & 1 || len > 1 << 16 || ptr + len > buffer.byteLength) return null;
  let s = '';
  for (let i = 0; i < len; i += 2) s += String.fromCharCode(dv.getUint16(ptr + i, true));
  return s;
}

/** The `env.abort` import: throws a JS Error with the message, file and line decoded. */
export function makeAbort(memory: () => WebAssembly.Memory | null): (msg: number, file: number, line: number, col: number) => never {
  return (msg, file, line, col) => {
    const mem = memory();
    const m = mem ? readAsString(mem.buffer, msg) : null;
    const f = mem ? readAsString(mem.buffer, file) : null;
    throw new Error(`axonal wasm abort: ${m ?? 'assertion failed'}${f ? ` (${f}:${line}:${col})` : ''}`);
  };
}

export interface WasmInstance {
  memory: WebAssembly.Memory;
  kernels: Kernels;
  /** the module's function table (exported as `table`): the host adds the kernels from equations to it */
  table: WebAssembly.Table;
}

/** Instantiate a variant with a fresh memory of `initialPages` (maximum 65536 pages = 4 GiB). */
export async function instantiateVariant(
  variant: WasmVariant, initialPages = 1,
  hostStep: (pop: number, t: number, slot: number) => number = () => {
    throw new Error('axonal: the step loop met a host step, but no host step is set');
  },
): Promise<WasmInstance> {
  const module = await compileVariant(variant);
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: 65536 });
  const abort = makeAbort(() => memory);
  let instance: WebAssembly.Instance;
  try {
    instance = await WebAssembly.instantiate(module, { env: { memory, abort, host_step: hostStep } });
  } catch (e) {
    throw new Error(`axonal: cannot instantiate ${WASM_FILES[variant]}: ${(e as Error).message}`);
  }
  const ex = instance.exports as Record<string, unknown>;
  const missing = KERNEL_NAMES.filter((k) => typeof ex[k] !== 'function');
  if (missing.length) {
    throw new Error(`axonal: ${WASM_FILES[variant]} lacks the exports ${missing.join(', ')} (stale build? run \`npm run asbuild\`)`);
  }
  if (!(ex.table instanceof WebAssembly.Table)) throw new Error(`axonal: ${WASM_FILES[variant]} exports no function table (stale build? run \`npm run asbuild\`)`);
  const kernels = {} as Record<string, unknown>;
  for (const k of KERNEL_NAMES) kernels[k] = ex[k];
  return { memory, kernels: kernels as unknown as Kernels, table: ex.table };
}

// (module (func (result v128) i32.const 0 i32x4.splat))
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, //       type section: () -> v128
  0x03, 0x02, 0x01, 0x00, //                         function section
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x11, 0x0b, // code: i32.const 0; i32x4.splat; end
]);

let features: { wasm: boolean; simd: boolean } | null = null;

/** What this engine supports: WebAssembly at all, and fixed-width SIMD (v128). */
export function detectWasmFeatures(): { wasm: boolean; simd: boolean } {
  if (!features) {
    const wasm = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
    let simd = false;
    if (wasm) {
      try {
        simd = WebAssembly.validate(SIMD_PROBE);
      } catch {
        simd = false;
      }
    }
    features = { wasm, simd };
  }
  return features;
}
