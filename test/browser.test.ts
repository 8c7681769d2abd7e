/**
 * The browser demo in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core;
 * no browser download): build web-dist, serve it with scripts/serve.js (cross-origin isolated),
 * run CUBA for 1 s of model time, check that spikes were drawn and counted, move the input-rate
 * slider and see the rate follow, check that an invalid or too-large model leaves the running
 * network alone, run CUBA written as equations (compiled in the page) and show an equation error
 * with its line and column while the network keeps running, and save screenshots under
 * test-output/. Also runs the README's "Embedding in a page" snippet against dist/browser.js, and
 * measures the compile time of a Hodgkin-Huxley model from equations (test/fixtures/cobahh.json)
 * in a page of its own: sim.compileSeconds below 20 ms.
 *
 * Skipped where /usr/bin/chromium is missing (install it with `apt-get install -y chromium`),
 * except in CI (CI=true), where a missing browser fails the suite.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, openBrowser, outDir, requireChromium, root, serveDemo, skipBrowser, type Browser, type Served } from './browser-harness.ts';

if (skipBrowser) console.warn(`browser tests skipped: ${CHROMIUM} not found; install it with \`apt-get update && apt-get install -y chromium\``);

describe.skipIf(skipBrowser)(`browser demo in headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let server: Served;
  let embedServer: Served;
  let compileServer: Served;
  let bundleServer: Served;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    requireChromium();
    if (!existsSync(join(root, 'dist/browser.js')) || !existsSync(join(root, 'build/axonal.simd.wasm')))
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    server = await serveDemo('web-dist');
    browser = await openBrowser('demo', { width: 1320, height: 860 });
    ({ ctx, page, pageErrors } = browser);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await embedServer?.close();
    await compileServer?.close();
    await bundleServer?.close();
  });

  const num = async (sel: string, attr: string) => Number(await page.locator(sel).getAttribute(attr));
  const setRange = (sel: string, v: number) =>
    page.locator(sel).evaluate((el, value) => {
      (el as HTMLInputElement).value = String(value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
  const modelTime = async () => Number(await page.locator('#model-time').textContent());

  it('is served cross-origin isolated, with .wasm as application/wasm', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const w = await fetch(new URL('build/axonal.simd.wasm', server.url));
    expect(w.headers.get('content-type')).toBe('application/wasm');
    expect((await fetch(new URL('../../etc/passwd', server.url))).status).not.toBe(200);
  });

  it('runs CUBA for 1 s of model time, draws and counts its spikes', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('#model option').count()).toBeGreaterThan(1);
    await expect.poll(() => page.locator('#env').textContent()).toMatch(/WebAssembly yes/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator('#model').inputValue()).toBe('cuba');
    await page.locator('#duration').fill('1000');
    await page.locator('#pace').selectOption('0');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state'), { timeout: 60_000 }).toBe('completed');
    expect(await modelTime()).toBe(1000);
    const count = await num('#spike-count', 'data-count');
    expect(count).toBeGreaterThan(1000);
    await expect.poll(() => page.locator('#backend-info').textContent()).toMatch(/^wasm \((simd|scalar)\)/);
    expect(Number(await page.locator('#speed').getAttribute('data-speed'))).toBeGreaterThan(0);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    // the canvas holds marks in the population colours (E blue, I red), not just axes
    const coloured = await page.locator('#raster').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let blue = 0, red = 0;
      for (let k = 0; k < d.length; k += 4) {
        const [r, g, b] = [d[k], d[k + 1], d[k + 2]];
        if (b > 150 && r < 100 && g < 160) blue++;
        if (r > 170 && g < 80 && b < 80) red++;
      }
      return { blue, red };
    });
    expect(coloured.blue).toBeGreaterThan(2000);
    expect(coloured.red).toBeGreaterThan(300);
    await page.screenshot({ path: join(outDir, 'browser-demo-cuba.png') });
    expect(pageErrors).toEqual([]);
  });

  it('the input-rate slider changes the rate while the network runs', async () => {
    await page.locator('#duration').fill('0');
    await page.locator('#pace').selectOption('1');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state')).toBe('running');
    await expect.poll(modelTime, { timeout: 20_000 }).toBeGreaterThan(600);
    // the page redraws its rates as chunks arrive: on a loaded machine one reading can be stale, so
    // poll for the baseline (CUBA with its 200 Hz input: 7-8 Hz over 200 ms windows in Node)
    const rateE = () => num('#rates [data-pop="E"]', 'data-rate');
    await expect.poll(async () => { const r = await rateE(); return r > 2 && r < 15; }, { timeout: 20_000 }).toBe(true);
    const before = await rateE();
    await setRange('#input-rate', 4000);
    expect(await page.locator('#input-rate-value').textContent()).toBe('4000');
    const t1 = await modelTime();
    await expect.poll(modelTime, { timeout: 20_000 }).toBeGreaterThan(t1 + 500);
    await expect.poll(rateE, { timeout: 20_000 }).toBeGreaterThan(Math.max(2 * before, 20));
    const after = await rateE();
    // inhibitory weights up: the excitatory rate comes down again
    await setRange('#weights-inhibitory', 3);
    const t2 = await modelTime();
    await expect.poll(modelTime, { timeout: 20_000 }).toBeGreaterThan(t2 + 500);
    expect(await num('#rates [data-pop="E"]', 'data-rate')).toBeLessThan(after);
    await page.screenshot({ path: join(outDir, 'browser-demo-slider.png') });
  });

  it('an invalid model shows every error with its path and leaves the running network alone', async () => {
    expect(await page.locator('#state').getAttribute('data-state')).toBe('running');
    const bad = JSON.parse(readFileSync(join(root, 'examples/cuba.json'), 'utf8'));
    bad.dt = -0.1;
    bad.populations[1].size = 0;
    bad.projections[2].weight = 0.45; // inhibitory source, positive weight
    await page.locator('#custom summary').click();
    await page.locator('#model-json').fill(JSON.stringify(bad, null, 2));
    await page.locator('#load-custom').click();
    await expect.poll(() => page.locator('#errors').isVisible()).toBe(true);
    const items = await page.locator('#error-list li').allTextContents();
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.join('\n')).toMatch(/^dt: /m);
    expect(items.join('\n')).toMatch(/populations\[1\]\.size/);
    expect(items.join('\n')).toMatch(/projections\[2\]\.weight/);
    expect(await page.locator('#errors-title').textContent()).toMatch(/keeps running/);
    const t = await modelTime();
    await expect.poll(modelTime).toBeGreaterThan(t + 100);
    expect(await page.locator('#state').getAttribute('data-state')).toBe('running');
  });

  it('a model too large for one WebAssembly memory is refused with the numbers, before allocation', async () => {
    const huge = {
      name: 'huge', dt: 0.1,
      populations: [{ name: 'A', size: 2_000_000, model: 'lif' }],
      projections: [{ source: 'A', target: 'A', connect: { rule: 'fixed_indegree', indegree: 1000 }, weight: 0.01 }],
    };
    // one thread: with 'auto' (the page's default) the engine takes the fewest threads whose shards
    // each fit in one memory, here 2 shards of ~4 GB, and would build them
    // a thread count changed under a running network takes effect at the next Run: the page says so
    expect(await page.locator('#restart-hint').isHidden()).toBe(true);
    await page.locator('#threads').selectOption('1');
    expect(await page.locator('#restart-hint').isVisible()).toBe(true);
    await page.locator('#model-json').fill(JSON.stringify(huge));
    const t0 = Date.now();
    await page.locator('#load-custom').click();
    await expect.poll(() => page.locator('#errors-title').textContent()).toMatch(/^The model cannot be built here \(the previous network keeps running\)/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const msg = (await page.locator('#error-list').textContent()) ?? '';
    expect(msg).toMatch(/2,000,000 neurons/);
    expect(msg).toMatch(/needs about [\d.]+ GiB \([\d,]+ bytes\)/); // sizes for people, the exact count beside
    expect(msg).not.toMatch(/ModelError/);
    const t = await modelTime();
    await expect.poll(modelTime).toBeGreaterThan(t + 100);
    await page.screenshot({ path: join(outDir, 'browser-demo-errors.png') });
    await page.locator('#stop').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state')).toBe('stopped');
    // the same refusal with nothing running: the status forgets the earlier run
    await page.locator('#threads').selectOption('1');
    await page.locator('#load-custom').click();
    await expect.poll(() => page.locator('#errors-title').textContent()).toMatch(/\(nothing was started\)/);
    expect(await page.locator('#backend-info').textContent()).toBe('–');
    expect(await page.locator('#model-time').textContent()).toBe('0');
    await page.locator('#threads').selectOption('auto');
    expect(pageErrors).toEqual([]);
  });

  it('lists the threshold-unit example and runs it on the js backend', async () => {
    await page.locator('#model').selectOption('threshold');
    await page.locator('#backend').selectOption('js');
    await page.locator('#duration').fill('200');
    await page.locator('#pace').selectOption('0');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state'), { timeout: 30_000 }).toBe('completed');
    // the page says the thread count, and '(auto)' when the engine chose it
    expect(await page.locator('#backend-info').textContent()).toBe('js, 1 thread (auto)');
    expect(await num('#spike-count', 'data-count')).toBeGreaterThan(0);
    const izh = existsSync(join(root, 'examples/izhikevich2003.json'));
    expect(await page.locator('#model option[value=izhikevich]').count()).toBe(izh ? 1 : 0);
  });

  it('runs the 10k thalamocortical example (wasm) and lists the 100k one', async () => {
    expect(await page.locator('#model option[value=thalamocortical-100k]').count()).toBe(1);
    await page.locator('#model').selectOption('thalamocortical-10k');
    await page.locator('#backend').selectOption('wasm');
    await page.locator('#duration').fill('300');
    await page.locator('#pace').selectOption('0');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state'), { timeout: 60_000 }).toBe('completed');
    expect(await num('#spike-count', 'data-count')).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it('runs the CUBA example written as equations, draws its spikes and shows the compile time', async () => {
    expect(await page.locator('#model option[value=cuba-equations]').count()).toBe(1);
    await page.locator('#model').selectOption('cuba-equations');
    await page.locator('#backend').selectOption('wasm');
    await page.locator('#duration').fill('600');
    await page.locator('#pace').selectOption('0');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state'), { timeout: 60_000 }).toBe('completed');
    expect(await modelTime()).toBe(600);
    expect(await num('#spike-count', 'data-count')).toBeGreaterThan(1000);
    // rates over the last 200 ms: CUBA fires at a few Hz (5-8 Hz in Node), both populations
    expect(await num('#rates [data-pop="E"]', 'data-rate')).toBeGreaterThan(0);
    expect(await num('#rates [data-pop="I"]', 'data-rate')).toBeGreaterThan(0);
    expect(await page.locator('#backend-info').textContent()).toMatch(/^wasm \((simd|scalar)\)/);
    // the status line: the build time, and the compile time of the equations inside it
    expect(await page.locator('#compile-row').isVisible()).toBe(true);
    const compile = await num('#compile-time', 'data-seconds');
    const buildS = await num('#build-time', 'data-seconds');
    expect(compile).toBeGreaterThan(0);
    expect(compile).toBeLessThanOrEqual(buildS);
    expect(await page.locator('#compile-time').textContent()).toMatch(/^[\d.]+ (ms|s)$/);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const coloured = await page.locator('#raster').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let blue = 0, red = 0;
      for (let k = 0; k < d.length; k += 4) {
        const [r, g, b] = [d[k], d[k + 1], d[k + 2]];
        if (b > 150 && r < 100 && g < 160) blue++;
        if (r > 170 && g < 80 && b < 80) red++;
      }
      return { blue, red };
    });
    expect(coloured.blue).toBeGreaterThan(500);
    expect(coloured.red).toBeGreaterThan(100);
    await page.screenshot({ path: join(outDir, 'browser-demo-cuba-equations.png') });
    expect(pageErrors).toEqual([]);
  });

  it('an equation error shows its path, line and column, and the running network keeps running', async () => {
    await page.locator('#model').selectOption('cuba-equations');
    await page.locator('#duration').fill('0');
    await page.locator('#pace').selectOption('1');
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state')).toBe('running');
    await expect.poll(modelTime, { timeout: 20_000 }).toBeGreaterThan(100);
    const bad = JSON.parse(readFileSync(join(root, 'examples/cuba-equations.json'), 'utf8'));
    // line 2 ends in a '+' with nothing after it; line 3 names a parameter that does not exist
    bad.models.cuba.equations = 'dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)\ndge/dt = -ge/taue + : volt\ndgi/dt = -gi/tau_i : volt';
    if (!(await page.locator('#custom').evaluate((d: HTMLDetailsElement) => d.open))) await page.locator('#custom summary').click();
    await page.locator('#model-json').fill(JSON.stringify(bad, null, 2));
    await page.locator('#load-custom').click();
    await expect.poll(() => page.locator('#errors').isVisible()).toBe(true);
    expect(await page.locator('#errors-title').textContent()).toMatch(/not valid.*keeps running/);
    const items = await page.locator('#error-list li').allTextContents();
    const text = items.join('\n');
    expect(text).toMatch(/^models\.cuba\.equations — line 2, column \d+: syntax error/m);
    expect(text).toMatch(/^models\.cuba\.equations — line 3, column \d+: unknown identifier 'tau_i'/m);
    // the offending line under the message, with a caret under the column
    const line2 = page.locator('#error-list li[data-line="2"]');
    expect(await line2.locator('.where').textContent()).toMatch(/^line 2, column \d+$/);
    const excerpt = (await line2.locator('pre.excerpt').textContent()) ?? '';
    expect(excerpt).toContain('2 | dge/dt = -ge/taue + : volt');
    const col = Number(await line2.getAttribute('data-column'));
    const [src, caret] = excerpt.split('\n');
    expect(caret.indexOf('^')).toBe(src.indexOf('|') + 2 + col - 1);
    console.log(`browser demo, equation error:\n${items.map((i) => `  ${i}`).join('\n')}`);
    // the network runs on
    const t = await modelTime();
    await expect.poll(modelTime).toBeGreaterThan(t + 100);
    expect(await page.locator('#state').getAttribute('data-state')).toBe('running');
    await page.screenshot({ path: join(outDir, 'browser-demo-equation-error.png') });
    await page.locator('#stop').click();
    await expect.poll(() => page.locator('#state').getAttribute('data-state')).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });

  it("the README's 'Embedding in a page' snippet runs against dist/browser.js", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.split(/^### Embedding in a page$/m)[1];
    expect(section, 'README section "Embedding in a page"').toBeTruthy();
    const html = /```html\n([\s\S]*?)```/.exec(section)![1];
    const dir = join(outDir, 'embed-page');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), html);
    const { serve } = await import('../scripts/serve.js');
    embedServer = await serve(dir, { port: 0, mounts: { '/node_modules/axonal/': root } });
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(embedServer.url);
    await expect.poll(() => p.locator('body').textContent(), { timeout: 30_000 }).toMatch(/E fires at [\d.]+ Hz/);
    expect(errors).toEqual([]);
    await p.close();
  });

  it('a page bundled with esbuild runs CUBA on 2 threads, with the worker and kernels where the bundler put them (setWorkerLocator, setWasmLocator)', async () => {
    // as a user of a bundler: `import ... from 'axonal'` resolved through the package's exports (browser
    // condition), the worker (axonal/worker) and the kernels copied into the page's assets
    const dir = join(outDir, 'bundle-page');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'src', 'node_modules'), { recursive: true });
    mkdirSync(join(dir, 'assets'), { recursive: true });
    symlinkSync(root, join(dir, 'src', 'node_modules', 'axonal'));
    writeFileSync(join(dir, 'src', 'app.js'), `import { Simulation, setWasmLocator, setWorkerLocator } from 'axonal';
setWasmLocator((file) => new URL('./assets/' + file, import.meta.url));
setWorkerLocator(new URL('./assets/browser-worker.js', import.meta.url));
const model = await (await fetch('./cuba.json')).json();
const sim = await Simulation.create(model, { backend: 'wasm', threads: 2 });
await sim.run(200);
document.body.textContent = JSON.stringify({ threads: sim.threads, spikes: sim.spikes('E').count + sim.spikes('I').count });
sim.dispose();
`);
    const { build } = await import('esbuild');
    await build({ entryPoints: [join(dir, 'src', 'app.js')], bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'app.js'), logLevel: 'error' });
    // axonal/worker under the browser condition (what a bundler resolves)
    const worker = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports['./worker'].browser;
    expect(worker).toBe('./dist/browser-worker.js');
    copyFileSync(join(root, worker), join(dir, 'assets', 'browser-worker.js'));
    for (const f of ['axonal.simd.wasm', 'axonal.scalar.wasm']) copyFileSync(join(root, 'build', f), join(dir, 'assets', f));
    copyFileSync(join(root, 'examples', 'cuba.json'), join(dir, 'cuba.json'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bundled</title><script type="module" src="./app.js"></script>');
    rmSync(join(dir, 'src', 'node_modules', 'axonal'), { force: true }); // no link back into the repository left behind
    const { serve } = await import('../scripts/serve.js');
    bundleServer = await serve(dir, { port: 0 });
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(bundleServer.url);
    await expect.poll(() => p.locator('body').textContent(), { timeout: 60_000 }).toMatch(/threads/);
    const got = JSON.parse((await p.locator('body').textContent())!);
    expect(errors).toEqual([]);
    await p.close();
    // the same spikes as in Node on one thread
    const { Simulation } = await import('../src/sim/simulation.ts');
    const model = JSON.parse(readFileSync(join(root, 'examples', 'cuba.json'), 'utf8'));
    const sim = await Simulation.create(model, { threads: 1 });
    await sim.run(200);
    expect(got).toEqual({ threads: 2, spikes: sim.spikes('E').count + sim.spikes('I').count });
    expect(got.spikes).toBeGreaterThan(100);
    sim.dispose();
  });

  it('compiles a Hodgkin-Huxley model from equations (cobahh fixture) in the page and reports the compile time (the 20 ms target: printed, see bench/README.md)', async () => {
    // a page of its own, nothing run in it before: the compile of a first model, as a visitor sees it
    // (the generated modules are cached per page, so a second create of the same model costs ~1 ms).
    // WebAssembly.compile is timed on the side, to tell the engine's code generation (JS) from V8.
    const dir = join(outDir, 'compile-page');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.html'), `<!doctype html>
<meta charset="utf-8">
<title>axonal: compile time</title>
<script>
  window.wasmCompiles = [];
  const compile = WebAssembly.compile;
  WebAssembly.compile = function (bytes) {
    const t0 = performance.now();
    return compile.call(WebAssembly, bytes).then((m) => {
      // the generated modules export model_<name>; the engine's own kernels (build/*.wasm) are not equations
      const generated = WebAssembly.Module.exports(m).some((e) => e.name.startsWith('model_'));
      wasmCompiles.push({ bytes: bytes.byteLength, ms: performance.now() - t0, generated });
      return m;
    });
  };
</script>
<script type="importmap">{ "imports": { "axonal": "/node_modules/axonal/dist/browser.js" } }</script>
<script type="module">
  import { Simulation, validateModel } from 'axonal';
  window.measure = async () => {
    const model = await (await fetch('/node_modules/axonal/test/fixtures/cobahh.json')).json();
    model.populations[0].size = 200;
    model.populations[1].size = 50;
    // the front end's parse and units run in validation (cached per model text): timed apart,
    // sim.compileSeconds does not include them
    const v0 = performance.now();
    const issues = validateModel(model);
    const validateMs = performance.now() - v0;
    const before = wasmCompiles.length;
    const c0 = performance.now();
    const sim = await Simulation.create(model, { backend: 'wasm', threads: 1 });
    const createMs = performance.now() - c0;
    await sim.run(20);
    const r = {
      compileSeconds: sim.compileSeconds, buildSeconds: sim.buildSeconds, createMs, validateMs, issues: issues.length,
      frontEndSeconds: sim.network.populations.map((p) => p.equations?.compileSeconds ?? 0),
      wasmCompiles: wasmCompiles.slice(before).filter((c) => c.generated), step: sim.step, variant: sim.variant, spikes: sim.spikeTotals.reduce((a, b) => a + b, 0),
    };
    sim.dispose();
    return r;
  };
</script>
`);
    const { serve } = await import('../scripts/serve.js');
    compileServer = await serve(dir, { port: 0, mounts: { '/node_modules/axonal/': root } });
    const p = await ctx.newPage();
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(compileServer.url);
    await p.waitForFunction(() => typeof (window as unknown as { measure?: unknown }).measure === 'function');
    type Measured = {
      compileSeconds: number; buildSeconds: number; createMs: number; validateMs: number; issues: number; frontEndSeconds: number[];
      wasmCompiles: { bytes: number; ms: number }[]; step: number; variant: string; spikes: number;
    };
    const m = await p.evaluate(() => (window as unknown as { measure: () => Promise<Measured> }).measure());
    const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;
    const report =
      `cobahh (200 + 50 Hodgkin-Huxley neurons, wasm ${m.variant}) in Chromium: sim.compileSeconds ${ms(m.compileSeconds)} ` +
      `= front end (methods, IR) ${m.frontEndSeconds.map(ms).join(' + ')} + WebAssembly.compile ${m.wasmCompiles.map((c) => `${c.ms.toFixed(1)} ms (${c.bytes} B)`).join(', ')} ` +
      `+ code generation and instantiation ${ms(m.compileSeconds - m.frontEndSeconds.reduce((a, b) => a + b, 0) - m.wasmCompiles.reduce((a, c) => a + c.ms, 0) / 1000)}; ` +
      `not in it: validateModel ${m.validateMs.toFixed(1)} ms (parse, units and a trial compile of the equations, cached for create); Simulation.create ${m.createMs.toFixed(1)} ms`;
    console.log(report);
    expect(errors).toEqual([]);
    expect(m.issues).toBe(0);
    expect(m.step).toBe(200); // 20 ms at dt 0.1 ms
    expect(m.compileSeconds).toBeGreaterThan(0);
    // the generated module was compiled in the page, and compileSeconds covers it
    expect(m.wasmCompiles.length, report).toBeGreaterThan(0);
    expect(m.compileSeconds * 1000, report).toBeGreaterThanOrEqual(m.wasmCompiles.reduce((a, c) => a + c.ms, 0) - 0.5);
    // the speed target (< 20 ms) is a benchmark's, not this test's (a timed unit test fails under
    // load): the report above prints the figure; bench/README.md "Models from equations" quotes it
    await p.close();
  });
});
