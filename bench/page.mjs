#!/usr/bin/env node
// The demo page's CUBA in headless Chromium (Debian's /usr/bin/chromium), beside the same model in a
// bare page's Web Worker and in Node, rounds alternated: how much of the page's speed is the page.
//   - page: web-dist (npm run build:web first), #network, CUBA, 1 thread, pace 0, 1 s of model time:
//     its "× real time" (the engine's run time, data-speed);
//   - worker: a blank page whose module worker imports dist/browser.js and runs the page's model
//     (examples/cuba.json plus the page's 200 Hz Poisson input to every neuron, scripts/build-web.js)
//     for 1 s, then examples/cuba.json as it is, three fresh simulations each;
//   - node: the same two models in this process, three fresh simulations each.
//   node bench/page.mjs [--rounds 2]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.js';
import { Simulation } from '../dist/index.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const k = process.argv.indexOf('--rounds');
const rounds = k > 0 ? Number(process.argv[k + 1]) : 2;
const PAGE_INPUTS = [{ type: 'poisson', target: 'E', rate: 200, weight: 0.081 }, { type: 'poisson', target: 'I', rate: 200, weight: 0.081 }];
const cuba = JSON.parse(readFileSync(path.join(root, 'examples/cuba.json'), 'utf8'));
const models = { page: { ...cuba, inputs: PAGE_INPUTS }, example: cuba };

const bare = mkdtempSync(path.join(os.tmpdir(), 'axonal-page-'));
writeFileSync(path.join(bare, 'index.html'), '<!doctype html><title>bare</title>');
writeFileSync(path.join(bare, 'w.js'), `
const ax = await import('/repo/dist/browser.js');
const models = ${JSON.stringify(models)};
const out = {};
for (const [name, m] of Object.entries(models)) {
  out[name] = [];
  for (let r = 0; r < 3; r++) {
    const sim = await ax.Simulation.create(m, { backend: 'wasm', threads: 1 });
    out[name].push((await sim.run(1000)).seconds);
    sim.dispose();
  }
}
postMessage(out);
`);

const site = await serve(path.join(root, 'web-dist'), { port: 0 });
const blank = await serve(bare, { port: 0, mounts: { '/repo/': root } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const fmt = (xs) => xs.map((x) => x.toFixed(3)).join(', ');
console.log(`the demo page's CUBA, headless ${browser.version()}, node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
try {
  for (let r = 0; r < rounds; r++) {
    const speeds = [];
    for (let j = 0; j < 3; j++) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(site.url);
      await page.waitForFunction(() => document.querySelectorAll('#model option').length > 1);
      await page.locator('#threads').selectOption('1');
      await page.locator('#duration').fill('1000');
      await page.locator('#pace').selectOption('0');
      await page.locator('#run').click();
      await page.waitForFunction(() => document.querySelector('#state')?.getAttribute('data-state') === 'completed', null, { timeout: 120000 });
      speeds.push(Number(await page.locator('#speed').getAttribute('data-speed')));
      await ctx.close();
    }
    const page = await browser.newPage();
    await page.goto(blank.url);
    const worker = await page.evaluate(() => new Promise((res, rej) => {
      const w = new Worker('/w.js', { type: 'module' });
      w.onmessage = (e) => res(e.data);
      w.onerror = (e) => rej(new Error(e.message));
    }));
    await page.close();
    const node = {};
    for (const [name, m] of Object.entries(models)) {
      node[name] = [];
      for (let j = 0; j < 3; j++) {
        const sim = await Simulation.create(m, { backend: 'wasm', threads: 1 });
        node[name].push((await sim.run(1000)).seconds);
        sim.dispose();
      }
    }
    console.log(`round ${r + 1}: page ${speeds.map((x) => x.toFixed(1)).join(', ')}× real time (the page's model)`);
    console.log(`  the page's model, s for 1 s: bare worker ${fmt(worker.page)}; node ${fmt(node.page)}`);
    console.log(`  examples/cuba.json, s for 1 s: bare worker ${fmt(worker.example)}; node ${fmt(node.example)}`);
  }
} finally {
  await browser.close();
  await site.close();
  await blank.close();
}
