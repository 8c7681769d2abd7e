// The esbuild options of dist/: used by scripts/build-ts.js and by the test setup, so that the
// bundles the tests run are the ones `npm run build` makes.

/**
 * What the Node bundles leave to node_modules: the packages loaded only when a command needs them
 * (h5wasm, csv-parse, cli-progress, the optional PNG packages) and commander (CommonJS, one file).
 * @sinclair/typebox is bundled: its ESM build is 266 files, and resolving and linking them took
 * about 100 ms of every process start (the command line, each shard worker).
 */
const EXTERNAL = ['h5wasm', 'h5wasm/*', 'csv-parse', 'csv-parse/*', 'cli-progress', 'commander', '@resvg/resvg-wasm', '@resvg/resvg-wasm/*', 'dejavu-fonts-ttf', 'dejavu-fonts-ttf/*'];

/** Node bundles: the API, the command line, the shard worker and the sweep worker. Dependencies stay external. */
export const nodeBundle = {
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts', worker: 'src/sim/worker.ts', 'sweep-worker': 'src/sweep/worker.ts', sonata: 'src/io/sonata.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  logLevel: 'warning',
};

/** The same API bundled for browsers (no dependencies; .wasm fetched relative to the bundle). */
export const browserBundle = {
  entryPoints: { browser: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  sourcemap: true,
  logLevel: 'warning',
};

/** The shard worker for browsers (a module Web Worker, as dist/browser.js starts it). */
export const browserWorkerBundle = { ...browserBundle, entryPoints: { 'browser-worker': 'src/sim/worker.ts' } };
