/**
 * What the browser tests share: headless Chromium (Debian's /usr/bin/chromium, or the one
 * AXONAL_CHROMIUM names) driven by playwright-core, with no browser download; the demo built
 * into a folder of its own under test-output/ (the browser test files run at the same time) and
 * served cross-origin isolated by scripts/serve.js.
 *
 * The tests are skipped where the browser is missing, except in CI (CI=true), where that fails the suite.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

export const root = new URL('..', import.meta.url).pathname;
export const CHROMIUM = process.env.AXONAL_CHROMIUM ?? '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const inCI = process.env.CI === 'true';
/** describe.skipIf(skipBrowser): no browser here, and not in CI */
export const skipBrowser = !haveChromium && !inCI;
export const outDir = join(root, 'test-output');

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export type Served = { url: string; close: () => Promise<void> };

export interface Browser {
  ctx: BrowserContext;
  /** the profile's first page */
  page: Page;
  /** uncaught errors and console.error messages of `page` */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Fail at once in CI when the browser is missing. */
export function requireChromium(): void {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must install it (apt-get install -y chromium)`);
}

/** Build the demo into test-output/<folder> (the kernels first if missing) and serve it. */
export async function serveDemo(folder: string): Promise<Served> {
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(join(root, 'build/axonal.simd.wasm'))) execFileSync('npm', ['run', 'asbuild'], { cwd: root, stdio: 'inherit' });
  const dir = join(outDir, folder);
  execFileSync(process.execPath, ['scripts/build-web.js', '--out', dir], { cwd: root, stdio: 'inherit' });
  const { serve } = await import('../scripts/serve.js');
  return serve(dir, { port: 0 });
}

/** Headless Chromium on a profile of its own in a temporary folder (removed by close). */
export async function openBrowser(name: string, viewport: { width: number; height: number }): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), `axonal-chromium-${name}-`));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport, acceptDownloads: true });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  return {
    ctx, page, pageErrors,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
