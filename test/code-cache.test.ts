// bin/code-cache.js: the command line's script run with V8's code cache (issue 13's start-up).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain JS module without declarations
import { runScript } from '../bin/code-cache.js';

const root = new URL('..', import.meta.url).pathname;

/** a script whose top level and whose function `f` (compiled lazily, so only in a cache made after it ran) give `x` */
const script = (x: string) => `exports.top = '${x}'; exports.f = function () { return '${x}' + __axonal_url.slice(0, 5); };\n`;

describe('code cache (bin/code-cache.js)', () => {
  it('is written by save(), used by the next run, and not used for another source of the same length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axonal-cache-'));
    const file = join(dir, 'a.cjs');
    writeFileSync(file, script('A'));
    const first = runScript(file);
    expect(first.cache).toBe('absent');
    expect(first.exports.f()).toBe('Afile:');
    first.save();
    const data = readFileSync(`${file}.cache`);
    expect(data.subarray(0, 32).equals(createHash('sha256').update(readFileSync(file)).digest())).toBe(true);
    expect(data[32]).toBe(0);

    const second = runScript(file);
    expect(second.cache).toBe('used');
    expect([second.exports.top, second.exports.f()]).toEqual(['A', 'Afile:']);
    const mtime = statSync(`${file}.cache`).mtimeMs;
    second.save(); // a cache that was used is kept as it is
    expect(statSync(`${file}.cache`).mtimeMs).toBe(mtime);

    // V8 would take this cache for B (it checks the source's length only) and run A's bytecode
    writeFileSync(file, script('B'));
    const third = runScript(file);
    expect(third.cache).toBe('stale');
    expect([third.exports.top, third.exports.f()]).toEqual(['B', 'Bfile:']);
    third.save();
    expect(runScript(file).cache).toBe('used');
  });

  it('a full run replaces a cache that another run made, and only that', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axonal-cache-'));
    const file = join(dir, 'a.cjs');
    writeFileSync(file, script('D'));
    runScript(file).save(); // not full: the top level only
    expect(readFileSync(`${file}.cache`)[32]).toBe(0);
    const full = runScript(file, { full: true });
    expect([full.cache, full.full]).toEqual(['used', false]);
    full.exports.f();
    full.save();
    expect(readFileSync(`${file}.cache`)[32]).toBe(1);
    const mtime = statSync(`${file}.cache`).mtimeMs;
    const other = runScript(file);
    expect([other.cache, other.full]).toEqual(['used', true]);
    other.save();
    runScript(file, { full: true }).save();
    expect(statSync(`${file}.cache`).mtimeMs).toBe(mtime);
  });

  it('runs without a cache that is damaged, or with useCache false; save() gives up where it cannot write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'axonal-cache-'));
    const file = join(dir, 'a.cjs');
    writeFileSync(file, script('C'));
    const hash = createHash('sha256').update(readFileSync(file)).digest();
    writeFileSync(`${file}.cache`, Buffer.concat([hash, Buffer.from('not a V8 code cache at all')]));
    const damaged = runScript(file);
    expect(damaged.cache).toBe('rejected');
    expect(damaged.exports.f()).toBe('Cfile:');
    const off = runScript(file, { useCache: false });
    expect(off.cache).toBe('off');
    expect(off.exports.top).toBe('C');
    expect(() => runScript(file, { cacheFile: join(dir, 'missing', 'x.cache') }).save()).not.toThrow();
  });

  it('gives the script an import() that works when the script comes from the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axonal-cache-'));
    const file = join(dir, 'a.cjs');
    writeFileSync(file, "exports.os = () => __axonal_import('node:os').then((m) => typeof m.cpus);\n");
    const first = runScript(file);
    expect(await first.exports.os()).toBe('function');
    first.save();
    const second = runScript(file);
    expect(second.cache).toBe('used');
    expect(await second.exports.os()).toBe('function');
  });

  it("loading the command line's script does not load child_process (commander's require of it is lazy)", () => {
    const script = `import('${join(root, 'bin/code-cache.js')}').then(({ runScript }) => {
      runScript('${join(root, 'dist/cli.cjs')}', { useCache: false });
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /child_process/.test(m))));
    });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('the command line writes dist/cli.cjs.cache of dist/cli.cjs, and runs the same from it', () => {
    const out = mkdtempSync(join(tmpdir(), 'axonal-cache-'));
    const run = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, [join(root, 'bin/axonal.js'), 'run', join(root, 'examples/cuba.json'), '--duration', '20', '--out', out, '--quiet'], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      return readFileSync(join(out, 'spikes.csv'), 'utf8');
    };
    const without = run({ AXONAL_CODE_CACHE: '0' });
    rmSync(join(root, 'dist/cli.cjs.cache'), { force: true }); // this run writes it (another test's command may too: the same bytes' hash)
    const first = run({});
    const cache = readFileSync(join(root, 'dist/cli.cjs.cache'));
    expect(cache.subarray(0, 32).equals(createHash('sha256').update(readFileSync(join(root, 'dist/cli.cjs'))).digest())).toBe(true);
    expect(first).toBe(without);
    expect(run({})).toBe(without);
  });
});
