// Bundles the TypeScript sources into dist/ (ESM, Node; the command line as dist/cli.cjs, see
// scripts/bundles.js). Dependencies stay external.
// Also: dist/browser.js (the same API bundled for browsers: platform browser, no dependencies,
// the .wasm files fetched from ../build/ relative to the bundle unless setWasmLocator says
// otherwise) and the type declarations in dist/types/ (tsc -p tsconfig.build.json; relative
// `.ts` specifiers rewritten to `.js`, so that they resolve to the emitted .d.ts files).
import { build } from 'esbuild';
import { browserBundle, browserWorkerBundle, cliBundle, nodeBundle } from './bundles.js';

await build(nodeBundle);
await build(cliBundle);
await build(browserBundle);
await build(browserWorkerBundle);

// type declarations
{
  const { execFileSync } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const require = createRequire(import.meta.url);
  fs.rmSync('dist/types', { recursive: true, force: true });
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  } catch {
    // tsc emits the declarations even with type errors; `npm run typecheck` is the gate for those
    console.error('build-ts: warning: tsc reported type errors (declarations were emitted anyway; see `npm run typecheck`)');
  }
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  for (const f of walk('dist/types')) {
    if (!f.endsWith('.d.ts')) continue;
    const src = fs.readFileSync(f, 'utf8');
    const out = src.replace(/(['"])(\.{1,2}\/[^'"]*?)\.ts\1/g, '$1$2.js$1');
    if (out !== src) fs.writeFileSync(f, out);
  }
}

// the JSON Schema of a model file (src/network/schema.ts), published as schema/model.json (`$schema` of the examples)
{
  const fs = await import('node:fs');
  const { modelJsonSchema } = await import('../dist/index.js');
  fs.mkdirSync('schema', { recursive: true });
  fs.writeFileSync('schema/model.json', JSON.stringify(modelJsonSchema(), null, 2) + '\n');
}
