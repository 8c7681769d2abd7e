/**
 * Snapshots in the demo page, in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core, as test/browser.test.ts): Save snapshot while CUBA runs downloads
 * `<model>-t<ms>.axsnap`; Load snapshot continues it on another backend and thread count from the
 * saved time, and the spike count at the end equals the uninterrupted run's in the page and Node's
 * run of the same model (the file also restores in Node); the live controls come back as they were
 * saved; a corrupted, truncated or foreign file shows the SnapshotError's message and leaves the
 * previous network as it was, running or not.
 *
 * Skipped where /usr/bin/chromium is missing, except in CI (CI=true), where that fails the suite.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Simulation } from '../src/sim/simulation.ts';
import type { ModelSpec } from '../src/core/types.ts';
import { CHROMIUM, openBrowser, outDir, requireChromium, serveDemo, skipBrowser, type Browser, type Served } from './browser-harness.ts';

// a folder of its own: the other browser tests may build theirs at the same time
const webDist = join(outDir, 'web-dist-snapshot');

describe.skipIf(skipBrowser)(`snapshots in the demo page, headless Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];
  let server: Served;
  let tmp = '';

  beforeAll(async () => {
    requireChromium();
    server = await serveDemo('web-dist-snapshot');
    browser = await openBrowser('snapshot', { width: 1320, height: 900 });
    ({ page, pageErrors } = browser);
    tmp = mkdtempSync(join(tmpdir(), 'axonal-snapshot-files-'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const attr = async (sel: string, name: string) => (await page.locator(sel).getAttribute(name)) ?? '';
  const modelTime = async () => Number(await page.locator('#model-time').textContent());
  const spikeCount = async () => Number(await attr('#spike-count', 'data-count'));
  const pageState = () => attr('#state', 'data-state');
  const setRange = (sel: string, v: number) =>
    page.locator(sel).evaluate((el, value) => {
      (el as HTMLInputElement).value = String(value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
  /** Save snapshot: the download's file name, its model time (from the name) and where it was saved */
  const save = async (file: string) => {
    const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('#save-snapshot').click()]);
    const name = dl.suggestedFilename();
    const m = /^cuba-poisson-t(\d+(?:\.\d+)?)\.axsnap$/.exec(name);
    expect(m, name).not.toBeNull();
    const path = join(tmp, file);
    await dl.saveAs(path);
    return { name, t: Number(m![1]), path };
  };
  /** Set the Network controls: selectors by value, the duration in ms */
  const setControls = async (c: { model?: string; backend?: string; threads?: string; pace?: string; duration?: number }) => {
    for (const id of ['model', 'backend', 'threads', 'pace'] as const) if (c[id] !== undefined) await page.locator(`#${id}`).selectOption(c[id]);
    if (c.duration !== undefined) await page.locator('#duration').fill(String(c.duration));
  };
  /** the model times the status line shows from now on */
  const recordTimes = () =>
    page.evaluate(() => {
      const w = window as unknown as { times: string[] };
      w.times = [];
      const el = document.getElementById('model-time')!;
      new MutationObserver(() => w.times.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
  const recordedTimes = () => page.evaluate(() => (window as unknown as { times: string[] }).times.map(Number));

  let saved: { name: string; t: number; path: string };
  let uninterrupted = 0;

  it('saves a snapshot of CUBA while it runs; the file continues it from the saved time on js, 2 threads, to the same spike count', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('#model option').count()).toBeGreaterThan(1);
    await expect.poll(() => page.locator('#env').textContent()).toMatch(/WebAssembly yes/);
    expect(await page.locator('#model').inputValue()).toBe('cuba');
    // nothing to save before a network is built
    expect(await page.locator('#save-snapshot').isDisabled()).toBe(true);
    await setControls({ threads: '1', duration: 500, pace: '0.25' }); // slow motion: 2 s of wall time, saved on the way
    await page.locator('#run').click();
    await expect.poll(modelTime, { timeout: 30_000 }).toBeGreaterThan(100);
    saved = await save('mid.axsnap');
    expect(saved.t).toBeGreaterThan(100);
    expect(saved.t).toBeLessThan(500);
    // the run went on after the snapshot, to its end
    await expect.poll(pageState, { timeout: 30_000 }).toBe('completed');
    expect(await modelTime()).toBe(500);
    uninterrupted = await spikeCount();
    expect(uninterrupted).toBeGreaterThan(1000);

    // Node's run of the same model for the same time counts the same spikes
    const model = JSON.parse(readFileSync(join(webDist, 'models/cuba.json'), 'utf8')) as ModelSpec;
    const sim = await Simulation.create(model, { backend: 'js', threads: 1 });
    await sim.run(500);
    expect(sim.spikeTotals.reduce((a, b) => a + b, 0)).toBe(uninterrupted);
    sim.dispose();
    // and the page's file restores in Node at its time, and ends with that count
    const bytes = new Uint8Array(readFileSync(saved.path));
    const back = await Simulation.restore(bytes, { backend: 'js', threads: 1 });
    expect(back.time).toBeCloseTo(saved.t, 9);
    await back.run(500 - back.time);
    expect(back.spikeTotals.reduce((a, b) => a + b, 0)).toBe(uninterrupted);
    back.dispose();

    // Load snapshot, on js with 2 threads
    await setControls({ backend: 'js', threads: '2', pace: '0' });
    await recordTimes();
    await page.locator('#snapshot-file').setInputFiles(saved.path);
    await expect.poll(() => page.locator('#restored-row').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.locator('#restored-file').textContent()).toBe('mid.axsnap');
    expect(Number(await page.locator('#restored-at').textContent())).toBe(saved.t);
    await expect.poll(() => page.locator('#backend-info').textContent()).toBe('js, 2 threads');
    await expect.poll(pageState, { timeout: 30_000 }).toBe('completed');
    expect(await modelTime()).toBe(500);
    expect(await spikeCount()).toBe(uninterrupted);
    // the page went on from the saved time: the first time it showed was the snapshot's, none earlier
    const times = await recordedTimes();
    expect(times[0]).toBeCloseTo(saved.t, 1);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Math.floor(saved.t * 10) / 10);
    expect(times.at(-1)).toBe(500);
    // the restored model is in the editor: Run starts it again from 0
    expect(JSON.parse(await page.locator('#model-json').inputValue()).name).toBe('cuba-poisson');
    expect(await page.locator('#model').inputValue()).toBe('custom');
    await page.screenshot({ path: join(outDir, 'browser-snapshot-restored.png') });
    expect(pageErrors).toEqual([]);
  });

  it('the live controls and the probed neuron are saved with the snapshot and shown again when it is loaded', async () => {
    // E:12 recorded every step by a state monitor from the start
    await page.goto(`${server.url}#network?model=cuba&neuron=E:12`);
    const cubaText = readFileSync(join(webDist, 'models/cuba.json'), 'utf8');
    await expect.poll(() => page.locator('#model-json').inputValue()).toBe(cubaText);
    await setControls({ backend: 'wasm', threads: '1', duration: 1200, pace: '0.25' });
    await page.locator('#run').click();
    await expect.poll(pageState, { timeout: 30_000 }).toBe('running');
    await expect.poll(modelTime, { timeout: 30_000 }).toBeGreaterThan(100);
    await setRange('#input-rate', 1500);
    await setRange('#weights-inhibitory', 2);
    const t = await modelTime();
    await expect.poll(modelTime, { timeout: 30_000 }).toBeGreaterThan(t + 100);
    const controlled = await save('controls.axsnap');
    expect(controlled.t).toBeLessThan(1200);
    await expect.poll(pageState, { timeout: 30_000 }).toBe('completed');
    const total = await spikeCount();
    // other settings meanwhile: the snapshot's come back
    await setRange('#input-rate', 300);
    await setRange('#weights-inhibitory', 1);
    expect(await page.locator('#input-rate-value').textContent()).toBe('300');
    await page.locator('#probe-note').click(); // no neuron drawn
    expect(await page.locator('#probe').isHidden()).toBe(true);
    await setControls({ pace: '0' });
    await page.locator('#snapshot-file').setInputFiles(controlled.path);
    await expect.poll(() => page.locator('#restored-file').textContent(), { timeout: 30_000 }).toBe('controls.axsnap');
    expect(await page.locator('#input-rate-value').textContent()).toBe('1500');
    expect(await page.locator('#weights-inhibitory').inputValue()).toBe('2');
    expect(await page.locator('#weights-excitatory').inputValue()).toBe('1');
    // the snapshot's state monitor records E:12: drawn again, every step
    expect(await attr('#probe', 'data-neuron')).toBe('E:12');
    expect(await page.locator('#probe-note').textContent()).toMatch(/^E neuron 12: .*every step by a state monitor/);
    await expect.poll(pageState, { timeout: 30_000 }).toBe('completed');
    expect(await modelTime()).toBe(1200);
    expect(await spikeCount()).toBe(total);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(Number(await attr('#probe', 'data-samples'))).toBe(Math.round((1200 - controlled.t) * 10)); // dt = 0.1 ms: every step since the restore
    expect(pageErrors).toEqual([]);
  });

  it('a corrupted, truncated or foreign file shows the SnapshotError and leaves the previous network as it was', async () => {
    const good = new Uint8Array(readFileSync(saved.path));
    const corrupted = good.slice();
    corrupted[good.length >> 1] ^= 0x55;
    const files = [
      { name: 'corrupted.axsnap', buffer: Buffer.from(corrupted), message: /^corrupted\.axsnap: corrupted snapshot: its checksum is 0x[0-9a-f]{8}, the bytes give 0x[0-9a-f]{8}$/ },
      { name: 'truncated.axsnap', buffer: Buffer.from(good.subarray(0, good.length - 1000)), message: /^truncated\.axsnap: truncated snapshot: \d+ bytes, its header says \d+\b/ },
      { name: 'cuba.json', buffer: readFileSync(join(webDist, 'models/cuba.json')), message: /^cuba\.json: not an axonal snapshot/ },
    ];
    // nothing running: the completed network stays, with its time, count and backend
    expect(await pageState()).toBe('completed');
    const count = await spikeCount();
    const backend = await page.locator('#backend-info').textContent();
    for (const f of files) {
      await page.locator('#snapshot-file').setInputFiles({ name: f.name, mimeType: 'application/octet-stream', buffer: f.buffer });
      await expect.poll(() => page.locator('#error-list').textContent(), { timeout: 30_000 }).toMatch(f.message);
      expect(await page.locator('#errors').isVisible()).toBe(true);
      expect(await page.locator('#errors-title').textContent()).toBe('The snapshot cannot be loaded (the previous network stays)');
      expect(await pageState()).toBe('completed');
      expect(await modelTime()).toBe(1200);
      expect(await spikeCount()).toBe(count);
      expect(await page.locator('#backend-info').textContent()).toBe(backend);
      expect(await page.locator('#restored-file').textContent()).toBe('controls.axsnap');
    }
    // a stopped network can be saved too: at its time
    expect((await save('end.axsnap')).t).toBe(1200);
    // while a network runs it keeps running
    await setControls({ duration: 0 });
    await page.locator('#run').click();
    await expect.poll(pageState, { timeout: 30_000 }).toBe('running');
    await page.locator('#snapshot-file').setInputFiles({ name: files[0].name, mimeType: 'application/octet-stream', buffer: files[0].buffer });
    await expect.poll(() => page.locator('#errors-title').textContent(), { timeout: 30_000 }).toBe('The snapshot cannot be loaded (the previous network keeps running)');
    expect(await page.locator('#error-list').textContent()).toMatch(files[0].message);
    const t = await modelTime();
    await expect.poll(modelTime, { timeout: 30_000 }).toBeGreaterThan(t + 100);
    expect(await pageState()).toBe('running');
    await page.screenshot({ path: join(outDir, 'browser-snapshot-error.png') });
    await page.locator('#stop').click();
    await expect.poll(pageState).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });
});
