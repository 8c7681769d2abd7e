// Runs a CommonJS script with V8's code cache: the command line's start-up (issue 13, "no
// cold-start penalty"). Node 20 caches no compiled code of its own (module.enableCompileCache is
// Node 22), and vm.Script's cache is for scripts, not ES modules, so the command line is bundled
// as dist/cli.cjs (scripts/bundles.js) and compiled here. The cache is written after a command has
// run (save()), so it holds the bytecode of every function that command compiled, not only of the
// top level: parsing and compiling them was ~35 ms of a CUBA-4k run's 160 (bench/README.md).
//
// V8 checks a cache against its own version and flags and the source's length only; a cache of a
// different source of the same length would be taken, so the file starts with the SHA-256 of the
// source it was made from, and a cache of another source is not used (and is replaced by save()).
// Then one byte: 1 if the cache was made by a run that marked itself `full` (the command line's
// `run` and `resume`, whose start-up matters), 0 otherwise; a full run replaces a cache that is not
// (made by, say, `axonal --help` after a build, which compiles little of what a run needs).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const HASH_BYTES = 32;
const HEADER_BYTES = HASH_BYTES + 1;

/**
 * The script's parameters. `__axonal_url` is its import.meta.url (scripts/bundles.js defines it so);
 * `__axonal_import` is this module's import(), which src/core/import.ts calls: code compiled from a
 * cache loses the host's import() callback in Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
 */
const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', '__axonal_url', '__axonal_import'];

const importer = (spec) => import(spec);

/**
 * Run the CommonJS script at `path` (a path or file URL). Its cache is `${path}.cache` unless
 * `cacheFile` says otherwise; `useCache: false` neither reads nor writes one.
 * Returns its exports, what became of the cache (`used`; `absent`; `stale`: made from another
 * source; `rejected`: by V8, e.g. another Node or other V8 flags; `off`) and save(), which writes a
 * new cache unless one was used (or one was used that was not made by a `full` run, and this one
 * is), atomically (a temporary file renamed), and gives up silently where it cannot write (a
 * read-only installation runs without a cache, as before).
 */
export function runScript(path, { cacheFile, useCache = true, full = false } = {}) {
  const file = path instanceof URL ? fileURLToPath(path) : String(path);
  const cachePath = cacheFile ?? `${file}.cache`;
  const bytes = readFileSync(file);
  const hash = createHash('sha256').update(bytes).digest();
  let cachedData;
  let cachedFull = false;
  let cache = useCache ? 'absent' : 'off';
  if (useCache) {
    try {
      const data = readFileSync(cachePath);
      if (data.length > HEADER_BYTES && hash.equals(data.subarray(0, HASH_BYTES))) {
        cachedFull = data[HASH_BYTES] === 1;
        cachedData = data.subarray(HEADER_BYTES);
      } else cache = 'stale';
    } catch {
      // no cache yet
    }
  }
  const source = `(function (${PARAMS.join(', ')}) {${bytes.toString('utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, cachedData });
  if (cachedData) cache = script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} };
  const fn = script.runInThisContext();
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), pathToFileURL(file).href, importer);
  const save = () => {
    if (cache === 'off' || (cache === 'used' && (cachedFull || !full))) return;
    const tmp = `${cachePath}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, Buffer.concat([hash, Buffer.from([full ? 1 : 0]), script.createCachedData()]));
      renameSync(tmp, cachePath);
    } catch {
      rmSync(tmp, { force: true });
    }
  };
  return { exports: module.exports, cache, full: cachedFull, save };
}
