/**
 * Typed-array views of one arena buffer, shared by the JS kernels. Created once per buffer;
 * `set` recreates them only when the ArrayBuffer changes (e.g. after `reserve`).
 * Every kernel reads the views it needs into locals once per call: no allocation per call.
 */
export class Views {
  buffer: ArrayBuffer = new ArrayBuffer(0);
  f32: Float32Array = new Float32Array(0);
  i32: Int32Array = new Int32Array(0);
  u32: Uint32Array = new Uint32Array(0);
  u16: Uint16Array = new Uint16Array(0);
  u8: Uint8Array = new Uint8Array(0);
  f64: Float64Array = new Float64Array(0);

  constructor(buffer: ArrayBuffer) {
    this.set(buffer);
  }

  set(buffer: ArrayBuffer): void {
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    const len = buffer.byteLength;
    this.f32 = new Float32Array(buffer, 0, len >>> 2);
    this.i32 = new Int32Array(buffer, 0, len >>> 2);
    this.u32 = new Uint32Array(buffer, 0, len >>> 2);
    this.u16 = new Uint16Array(buffer, 0, len >>> 1);
    this.u8 = new Uint8Array(buffer, 0, len);
    this.f64 = new Float64Array(buffer, 0, Math.floor(len / 8));
  }
}

/**
 * f32 -> i32 conversion with WebAssembly's i32.trunc_sat_f32_s semantics (what AssemblyScript's
 * `<i32>x` compiles to): truncation toward zero, NaN -> 0, saturating at the i32 range.
 */
export function truncSat(x: number): number {
  if (x !== x) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return x | 0;
}
