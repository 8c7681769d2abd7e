/** Small canvas helpers the page's plots share. */

/** A round step (1, 2 or 5 × a power of ten) giving about n ticks over span. */
export function niceStep(span: number, n: number) {
  const raw = span / n;
  const e = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * e).find((s) => s >= raw) ?? 10 * e;
}

/** The canvas's 2D context drawing in w × h CSS pixels at the device's resolution, cleared to white. */
export function prepareCanvas(canvas: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== w * dpr || canvas.height !== h * dpr) {
    canvas.width = w * dpr;
    canvas.height = h * dpr;
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
  return ctx;
}

/** A label written upwards, centred on (x, y). */
export function verticalLabel(ctx: CanvasRenderingContext2D, text: string, x: number, y: number) {
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(text, 0, 0);
  ctx.restore();
}

/** Tick labels of a value axis: numbers at round steps between lo and hi, right-aligned at x. */
export function valueTicks(ctx: CanvasRenderingContext2D, lo: number, hi: number, n: number, x: number, yOf: (v: number) => number) {
  const st = niceStep(hi - lo, n);
  ctx.textAlign = 'right';
  for (let v = Math.ceil(lo / st - 1e-9) * st; v <= hi + 1e-9; v += st) ctx.fillText(String(+v.toFixed(6)), x, yOf(v) + 4);
}

/** Tick labels of a time (or other) axis below a plot: round steps between lo and hi, centred. */
export function axisTicks(ctx: CanvasRenderingContext2D, lo: number, hi: number, n: number, y: number, xOf: (v: number) => number) {
  const st = niceStep(hi - lo, n);
  ctx.textAlign = 'center';
  for (let v = Math.ceil(lo / st - 1e-9) * st; v <= hi + 1e-9; v += st) ctx.fillText(String(+v.toFixed(6)), xOf(v), y);
}
