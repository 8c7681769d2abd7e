/**
 * The README's Vite recipe ("Embedding in a page"), as a Vite user runs it: a page project with
 * `axonal` in its node_modules (a link to this package, resolved through its exports under the
 * browser condition), the kernels and the shard worker (`axonal/worker`) imported with `?url` and
 * given to setWasmLocator and setWorkerLocator, built with Vite's build() into a temporary
 * directory, served cross-origin isolated (scripts/serve.js), runs CUBA on 2 threads in headless
 * Chromium with the spikes of Node on one thread: the page of the esbuild test in
 * test/browser.test.ts. The recipe's imports and locators are taken from the README as written.
 *
 * Nothing is downloaded: vite is a devDependency, the browser Debian's /usr/bin/chromium driven by
 * playwright-core. Skipped where it is missing, except in CI (CI=true), where that fails.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const CHROMIUM = process.env.AXONAL_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCI = process.env.CI === 'true';

if (!haveChromium && !inCI)
  console.warn(`Vite bundle test skipped: ${CHROMIUM} not found; install it with \`apt-get update && apt-get install -y chromium\``);

/** The js block of README "### Embedding in a page" that imports `axonal/worker?url`. */
function viteRecipe(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = (readme.split(/^### Embedding in a page$/m)[1] ?? '').split(/^#{1,3} /m)[0];
  const block = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes("'axonal/worker?url'"));
  expect(block, 'README "Embedding in a page": the Vite recipe').toBeTruthy();
  return block!;
}

describe.skipIf(!haveChromium && !inCI)(`a page bundled with Vite in headless Chromium (${CHROMIUM})`, () => {
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f();
  });

  it("runs CUBA on 2 threads with the README's recipe (?url imports of the kernels and axonal/worker, setWasmLocator, setWorkerLocator)", async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must install it (apt-get install -y chromium)`);
    const recipe = viteRecipe();
    // the recipe's imports and locators; from its Simulation.create on, the page of the esbuild test
    const at = recipe.indexOf('const sim');
    expect(at, 'the recipe ends with Simulation.create').toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'axonal-vite-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'node_modules'));
    mkdirSync(join(dir, 'public'));
    const link = join(dir, 'node_modules', 'axonal');
    symlinkSync(root, link);
    writeFileSync(join(dir, 'main.js'), `${recipe.slice(0, at)}
const model = await (await fetch('./cuba.json')).json();
const sim = await Simulation.create(model, { backend: 'wasm', threads: 2 });
await sim.run(200);
document.body.textContent = JSON.stringify({ threads: sim.threads, spikes: sim.spikes('E').count + sim.spikes('I').count });
sim.dispose();
`);
    copyFileSync(join(root, 'examples', 'cuba.json'), join(dir, 'public', 'cuba.json'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bundled with Vite</title><script type="module" src="./main.js"></script>');

    const { build } = await import('vite');
    await build({ root: dir, configFile: false, logLevel: 'warn', build: { outDir: join(dir, 'dist'), emptyOutDir: true } });
    rmSync(link, { force: true }); // no link back into the repository left behind
    // Vite copied the kernels and the worker (already a bundle) into its assets, with hashed names
    const assets = readdirSync(join(dir, 'dist', 'assets'));
    for (const re of [/^axonal\.simd-[\w-]+\.wasm$/, /^axonal\.scalar-[\w-]+\.wasm$/, /^browser-worker-[\w-]+\.js$/])
      expect(assets.some((f) => re.test(f)), `${re} in ${assets.join(', ')}`).toBe(true);

    const { serve } = await import('../scripts/serve.js');
    const server = await serve(join(dir, 'dist'), { port: 0 });
    cleanup.push(() => server.close());
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'axonal-chromium-'));
    cleanup.push(() => rmSync(profile, { recursive: true, force: true }));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanup.push(() => ctx.close());
    const p = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [];
    const fetched: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    ctx.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path !== '/favicon.ico') fetched.push(`${r.status()} ${path}`);
    });
    await p.goto(server.url);
    await expect.poll(async () => errors.join('\n') || (await p.locator('body').textContent()), { timeout: 30_000 }).toMatch(/threads/);
    const got = JSON.parse((await p.locator('body').textContent())!);
    expect(errors).toEqual([]);
    // the kernels and the shard worker came from the assets Vite emitted, and nothing was missing
    expect(fetched.filter((f) => !f.startsWith('200 ')), fetched.join('\n')).toEqual([]);
    expect(fetched.filter((f) => /^200 \/assets\/axonal\.(simd|scalar)-[\w-]+\.wasm$/.test(f)).length, fetched.join('\n')).toBeGreaterThan(0);
    expect(fetched.filter((f) => /^200 \/assets\/browser-worker-[\w-]+\.js$/.test(f)).length, fetched.join('\n')).toBeGreaterThan(0);

    // the same spikes as in Node on one thread
    const { Simulation } = await import('../src/sim/simulation.ts');
    const model = JSON.parse(readFileSync(join(root, 'examples', 'cuba.json'), 'utf8'));
    const sim = await Simulation.create(model, { threads: 1 });
    await sim.run(200);
    expect(got).toEqual({ threads: 2, spikes: sim.spikes('E').count + sim.spikes('I').count });
    expect(got.spikes).toBeGreaterThan(100);
    sim.dispose();
  });
});
