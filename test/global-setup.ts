// Builds what the tests run out of the source tree: the Node and browser bundles in dist/ (shard workers are
// started from dist/worker.js, the CLI tests run bin/axonal.js → dist/cli.js), with the same esbuild
// options as scripts/build-ts.js but without the type declarations, and the WASM binaries when
// they are missing. Takes well under a second when the WASM is built.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

export default async function setup() {
  const root = new URL('..', import.meta.url).pathname;
  if (!existsSync(`${root}build/axonal.simd.wasm`)) execFileSync(process.execPath, ['scripts/build-wasm.js'], { cwd: root, stdio: 'inherit' });
  await build({
    absWorkingDir: root,
    entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts', worker: 'src/sim/worker.ts' },
    outdir: 'dist',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  // the browser bundle (test/browser.test.ts, test/package.test.ts), as scripts/build-ts.js builds it
  await build({
    absWorkingDir: root,
    entryPoints: { browser: 'src/index.ts' },
    outdir: 'dist',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    sourcemap: true,
    logLevel: 'warning',
  });
}
