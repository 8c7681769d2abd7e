/**
 * import() of a module outside the bundle: a Node built-in, h5wasm, csv-parse, cli-progress, resvg.
 *
 * The specifier is a variable, so that browser bundles (and bundlers of users' pages) leave Node's
 * modules alone. The command line's bundle (dist/cli.cjs) is compiled by bin/axonal.js with V8's
 * code cache (bin/code-cache.js) as a function whose parameter `__axonal_import` is the loader's own
 * import(): in Node 20, code compiled from a code cache loses the host's import() callback
 * (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so it imports through the loader. Everywhere else (the
 * ESM bundles, browsers, the sources run by the tests) `__axonal_import` is not defined and this is
 * import() itself.
 */
declare const __axonal_import: ((spec: string) => Promise<unknown>) | undefined;

export function importExternal<T = any>(spec: string): Promise<T> {
  return (typeof __axonal_import === 'function' ? __axonal_import(spec) : import(/* @vite-ignore */ spec)) as Promise<T>;
}
