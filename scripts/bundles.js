// The esbuild options of dist/: used by scripts/build-ts.js and by the test setup, so that the
// bundles the tests run are the ones `npm run build` makes.

/**
 * What the Node bundles leave to node_modules: the packages loaded only when a command needs them
 * (h5wasm, csv-parse, cli-progress, the optional PNG packages) and commander, which only the
 * command line uses and dist/cli.cjs bundles (there it is in the code cache: 9 ms of its start-up).
 * @sinclair/typebox is bundled: its ESM build is 266 files, and resolving and linking them took
 * about 100 ms of every process start (the command line, each shard worker).
 */
const EXTERNAL = ['h5wasm', 'h5wasm/*', 'csv-parse', 'csv-parse/*', 'cli-progress', 'commander', '@resvg/resvg-wasm', '@resvg/resvg-wasm/*', 'dejavu-fonts-ttf', 'dejavu-fonts-ttf/*'];

/** Node bundles: the API, the shard worker and the sweep worker. Dependencies stay external. */
export const nodeBundle = {
  entryPoints: { index: 'src/index.ts', worker: 'src/sim/worker.ts', 'sweep-worker': 'src/sweep/worker.ts', sonata: 'src/io/sonata.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  logLevel: 'warning',
};

/**
 * commander requires node:child_process when it loads, for executable subcommands, which axonal has
 * none of; loading it (with net, dgram, ...) took ~4 ms of every start of the command line. In
 * dist/cli.cjs it is a proxy that requires the module at its first use. Nothing of axonal's own
 * uses child_process.
 */
function lazyChildProcess() {
  return {
    name: 'lazy-child-process',
    setup(build) {
      build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
        args.namespace === 'lazy' ? { path: 'node:child_process', external: true } : { path: 'child_process', namespace: 'lazy' });
      build.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
        contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
        loader: 'js',
      }));
    },
  };
}

/**
 * The command line, dist/cli.cjs: a CommonJS script, because bin/axonal.js compiles it with V8's
 * code cache (bin/code-cache.js), which Node 20 offers for scripts (vm.Script) and not for ES
 * modules. It is strict, as the ES modules it is made of. The loader runs it as a function of
 * (exports, require, module, __filename, __dirname, __axonal_url, __axonal_import): import.meta.url
 * is its file's URL, and src/core/import.ts imports through the loader.
 */
export const cliBundle = {
  ...nodeBundle,
  entryPoints: { cli: 'src/cli.ts' },
  external: EXTERNAL.filter((p) => p !== 'commander'),
  plugins: [lazyChildProcess()],
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  define: { 'import.meta.url': '__axonal_url' },
  banner: { js: '"use strict";' },
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
