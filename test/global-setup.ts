// Builds what the tests run out of the source tree: the Node and browser bundles in dist/ (shard workers are
// started from dist/worker.js, the CLI tests run bin/axonal.js → dist/cli.cjs), with the esbuild
// options of scripts/bundles.js (as scripts/build-ts.js) but without the type declarations, and the WASM binaries when
// they are missing. Takes well under a second when the WASM is built.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
// @ts-expect-error: a plain JS module without declarations
import { browserBundle, browserWorkerBundle, cliBundle, nodeBundle } from '../scripts/bundles.js';

export default async function setup() {
  const root = new URL('..', import.meta.url).pathname;
  if (!existsSync(`${root}build/axonal.simd.wasm`)) execFileSync(process.execPath, ['scripts/build-wasm.js'], { cwd: root, stdio: 'inherit' });
  await build({ ...nodeBundle, absWorkingDir: root });
  await build({ ...cliBundle, absWorkingDir: root });
  await build({ ...browserBundle, absWorkingDir: root });
  await build({ ...browserWorkerBundle, absWorkingDir: root });
}
