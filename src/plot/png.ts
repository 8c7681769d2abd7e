/**
 * SVG → PNG in Node with resvg compiled to WebAssembly (@resvg/resvg-wasm: nothing to compile or
 * download at install, the same pixels on every platform) and the DejaVu Sans TrueType fonts from
 * the dejavu-fonts-ttf package (resvg-wasm cannot see system fonts; shipping the font makes the
 * text of the figure identical everywhere). Both are loaded on first use only, and both are optional
 * peer dependencies of the package: without them svgToPng throws a PngUnavailableError (the SVG figures
 * are still written).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { importExternal } from '../core/import.ts';

type ResvgModule = typeof import('@resvg/resvg-wasm');

let ready: Promise<{ resvg: ResvgModule; fonts: Uint8Array[] }> | null = null;

/** PNG output needs the optional peer dependencies, which a library user may not have installed. */
export class PngUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`PNG figures need the optional packages @resvg/resvg-wasm and dejavu-fonts-ttf (npm install @resvg/resvg-wasm dejavu-fonts-ttf): ${(cause as Error)?.message ?? cause}`);
    this.name = 'PngUnavailableError';
  }
}

function load() {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    let resvg: ResvgModule;
    try {
      resvg = await importExternal<typeof import('@resvg/resvg-wasm')>('@resvg/resvg-wasm');
      require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
    } catch (e) {
      ready = null;
      throw new PngUnavailableError(e);
    }
    await resvg.initWasm(readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
    const fonts = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map(
      (f) => new Uint8Array(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${f}`))),
    );
    return { resvg, fonts };
  })();
  return ready;
}

/** Render an SVG document to PNG bytes, `scale` device pixels per SVG unit (default 1.5). */
export async function svgToPng(svg: string, scale = 1.5): Promise<Uint8Array> {
  const { resvg, fonts } = await load();
  const r = new resvg.Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    font: { fontBuffers: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    shapeRendering: 2,
    textRendering: 1,
  });
  try {
    const img = r.render();
    try {
      return img.asPng();
    } finally {
      img.free();
    }
  } finally {
    r.free();
  }
}

/**
 * Write the PNG of an SVG figure to `path`: true when written, false (with the reason on stderr,
 * naming the figure) when the optional packages are missing. Other errors are thrown.
 */
export async function writePng(path: string, svg: string, what: string): Promise<boolean> {
  try {
    writeFileSync(path, await svgToPng(svg));
    return true;
  } catch (e) {
    if (!(e instanceof PngUnavailableError)) throw e;
    process.stderr.write(`axonal: ${what} not written: ${e.message}\n`);
    return false;
  }
}
