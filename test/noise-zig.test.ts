/**
 * The float32 ziggurat normal of the noise input (rngNormal32 of src/core/rng.ts, assembly/rng.ts,
 * kernel noise_input):
 *  - its tables: the literals of src/core/rng.ts recomputed from Marsaglia & Tsang's recursion, and
 *    the same literals in assembly/rng.ts;
 *  - bit identity of js, wasm-simd, wasm-scalar and wasm-debug with rngNormal32 on many keys, offsets
 *    (also wrapping in 32 bits) and lengths, the rare wedge and tail paths included;
 *  - statistics of 4,000,000 draws (a fixed stream, so the test is deterministic; every bound is
 *    5 standard errors or the 1 % Kolmogorov–Smirnov critical value).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../src/backend/index.ts';
import { rngKey, rngNormal32, rngU32, ZIG_G, ZIG_HX, ZIG_KN, ZIG_R, ZIG_WN } from '../src/core/rng.ts';

// ------------------------------------------------------------------------------------------------
// tables
// ------------------------------------------------------------------------------------------------

describe('ziggurat tables', () => {
  it('are the 256-layer ziggurat of Marsaglia & Tsang (r = 3.6541528853610088), recomputed', () => {
    const N = 256;
    const f = (x: number) => Math.exp(-0.5 * x * x);
    // v = r f(r) + int_r^inf f, the tail by Simpson's rule on [r, r + 40]
    const m = 2000000, h = 40 / m;
    let tail = f(ZIG_R) + f(ZIG_R + 40);
    for (let i = 1; i < m; i++) tail += (i % 2 ? 4 : 2) * f(ZIG_R + i * h);
    const v = ZIG_R * f(ZIG_R) + (tail * h) / 3;
    expect(v).toBeCloseTo(4.92867323399e-3, 13); // Marsaglia & Tsang's v for 256 layers
    const x = new Float64Array(N);
    x[N - 1] = ZIG_R;
    for (let i = N - 2; i >= 1; i--) x[i] = Math.sqrt(-2 * Math.log(v / x[i + 1] + f(x[i + 1])));
    // equal areas: the top layer [0, x_1] x [f(x_1), 1] has area v too
    expect(Math.abs(x[1] * (1 - f(x[1])) - v) / v).toBeLessThan(1e-10);
    const S = 2 ** 23;
    expect(ZIG_KN.length).toBe(N);
    expect(ZIG_WN.length).toBe(N);
    expect(ZIG_HX.length).toBe(N);
    expect(ZIG_G.length).toBe(N);
    const w0 = Math.fround(v / f(ZIG_R) / S);
    expect(ZIG_WN[0]).toBe(w0);
    expect(ZIG_KN[0]).toBe(Math.floor(ZIG_R / w0));
    for (let i = 1; i < N; i++) {
      const w = Math.fround(x[i] / S);
      // Math.exp/Math.log may differ in the last bit between engines: allow one float32 ulp / one step
      expect(Math.abs(ZIG_WN[i] - w) / w, `WN[${i}]`).toBeLessThan(2 ** -23);
      expect(Math.abs(ZIG_KN[i] - Math.floor(x[i - 1] / ZIG_WN[i])), `KN[${i}]`).toBeLessThanOrEqual(1);
      expect(Math.abs(ZIG_HX[i] - 0.5 * x[i] * x[i]) / ZIG_HX[i], `HX[${i}]`).toBeLessThan(1e-13);
      const g = (i === 1 ? 1 : f(x[i - 1])) / f(x[i]) - 1; // f(x_0) = f(0) = 1
      expect(Math.abs(ZIG_G[i] - g) / g, `G[${i}]`).toBeLessThan(1e-12);
    }
    expect(ZIG_KN[1]).toBe(0); // top layer: everything goes through the wedge test
  });

  it('assembly/rng.ts holds the same literals', () => {
    const src = readFileSync(new URL('../assembly/rng.ts', import.meta.url), 'utf8');
    const table = (name: string, type: string): number[] => {
      const m = new RegExp(`const ${name}: usize = memory\\.data<${type}>\\(\\[([^\\]]*)\\]\\)`).exec(src);
      expect(m, name).not.toBeNull();
      return m![1].split(',').map((t) => t.trim()).filter((t) => t.length).map(Number);
    };
    expect(table('ZIG_KN', 'i32')).toEqual(Array.from(ZIG_KN));
    expect(table('ZIG_WN', 'f32')).toEqual(Array.from(ZIG_WN));
    expect(table('ZIG_HX', 'f64')).toEqual(Array.from(ZIG_HX));
    expect(table('ZIG_G', 'f64')).toEqual(Array.from(ZIG_G));
    expect(Number(/const ZIG_R: f64 = ([0-9.e-]+);/.exec(src)?.[1])).toBe(ZIG_R);
  });
});

// ------------------------------------------------------------------------------------------------
// backends
// ------------------------------------------------------------------------------------------------

const LABELS = ['js', 'wasm-simd', 'wasm-scalar', 'wasm-debug'] as const;
const backends = new Map<string, Backend>();
const ARENA = 4 << 20;

beforeAll(async () => {
  for (const l of LABELS) {
    const be = l === 'js' ? await createBackend('js') : await createBackend('wasm', { variant: l.slice(5) as 'simd' | 'scalar' | 'debug' });
    be.reserve(ARENA);
    backends.set(l, be);
  }
});
afterAll(() => {
  for (const be of backends.values()) be.dispose();
});

/** The raw draws z = rngNormal32(key, offset + i), i < n, through noise_input (mean 0, std 1: out = 0 + (1*z + 0) = z). */
function draws(be: Backend, key: number, offset: number, n: number): Float32Array {
  const out = new Float32Array(be.buffer, be.base, n);
  out.fill(0);
  be.kernels.noise_input(n, key, offset, 0, 1, be.base);
  return out.slice();
}

/** Index of the first differing bit pattern, or -1. */
function firstDiff(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('rngNormal32 through noise_input', () => {
  it('every backend and variant gives the bits of rngNormal32 (many keys, offsets, lengths)', () => {
    let tails = 0;
    let slow = 0;
    let total = 0;
    for (let k = 0; k < 64; k++) {
      const key = rngKey(0x5eed + k, 0x90000 + (k % 5), k * 7919);
      const n = [1, 3, 5, 12, 15, 64, 1001, 30013][k % 8]; // SIMD: groups of 8, then 4, then scalar
      const offset = [0, 1, 3, 1000, 0xfffffff0, 0xffffffff - Math.floor(n / 2), 123456789, 2 ** 31 - 2][(k >> 3) % 8] >>> 0;
      const want = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const j = (offset + i) >>> 0;
        want[i] = rngNormal32(key, j);
        const u = rngU32(key, (2 * j) >>> 0);
        const s = u >> 8;
        if (Math.abs(s) >= ZIG_KN[u & 255]) slow++; // zigSlow ran
        if (Math.abs(want[i]) >= ZIG_R) tails++;
      }
      total += n;
      for (const l of LABELS) {
        const got = draws(backends.get(l)!, key, offset, n);
        const d = firstDiff(got, want);
        expect(d, `${l} key ${k} n ${n} offset ${offset}: index ${d}: ${got[d]} vs ${want[d]}`).toBe(-1);
      }
    }
    // the wedge/tail code ran: about 1.5 % of draws miss the fast path, 2.6e-4 are in the tail
    expect(slow).toBeGreaterThan(0.01 * total);
    expect(tails).toBeGreaterThan(5);
  });

  it('draws do not depend on how a population is split (offsets) or on the order of the calls', () => {
    const key = rngKey(4, 0x90003, 99);
    for (const l of LABELS) {
      const be = backends.get(l)!;
      const whole = draws(be, key, 0, 1000);
      const parts = new Float32Array(1000);
      for (const [b, e] of [[997, 1000], [501, 997], [0, 1], [1, 501]]) parts.set(draws(be, key, b, e - b), b);
      expect(firstDiff(parts, whole), l).toBe(-1);
    }
  });

  it('4e6 draws: mean, variance, skewness, kurtosis, tails, KS distance, lag-1 correlations', () => {
    const be = backends.get('wasm-simd')!; // bit-identical to the others (above)
    const n = 100000, T = 40, N = n * T;
    const all = new Float32Array(N);
    for (let t = 0; t < T; t++) all.set(draws(be, rngKey(2003, 0x90000, t), 0, n), t * n);
    let s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    let over3 = 0, overR = 0, over4 = 0, over45 = 0;
    let cNeighbour = 0, cStep = 0;
    for (let i = 0; i < N; i++) {
      const z = all[i];
      s1 += z;
      const z2 = z * z;
      s2 += z2;
      s3 += z2 * z;
      s4 += z2 * z2;
      const a = Math.abs(z);
      if (a > 3) over3++;
      if (a > ZIG_R) overR++;
      if (a > 4) over4++;
      if (a > 4.5) over45++;
      if (i % n !== n - 1) cNeighbour += z * all[i + 1]; // neuron i and i + 1, same step
      if (i + n < N) cStep += z * all[i + n]; // neuron i at steps t and t + 1
    }
    const mean = s1 / N;
    const m2 = s2 / N - mean * mean;
    const skew = (s3 / N - 3 * mean * m2 - mean ** 3) / m2 ** 1.5;
    const kurt = s4 / N / (m2 * m2) - 3; // mean ~ 0: the uncentred fourth moment suffices at this tolerance
    const se = (v: number) => 5 * Math.sqrt(v / N);
    expect(Math.abs(mean)).toBeLessThan(se(1)); // 0.0025
    expect(Math.abs(m2 - 1)).toBeLessThan(se(2)); // 0.0035
    expect(Math.abs(skew)).toBeLessThan(se(6)); // 0.0061
    expect(Math.abs(kurt)).toBeLessThan(se(24)); // 0.012
    expect(Math.abs(cNeighbour / (N - T))).toBeLessThan(se(1));
    expect(Math.abs(cStep / (N - n))).toBeLessThan(se(1));
    // two-sided tail probabilities (erfc(t / sqrt 2)); counts within 5 binomial standard deviations
    for (const [count, t] of [[over3, 3], [overR, ZIG_R], [over4, 4], [over45, 4.5]] as const) {
      const p = 2 * phi(-t);
      expect(Math.abs(count - N * p), `tail count ${count} vs ${N * p}`).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)) + 1);
    }
    // Kolmogorov–Smirnov: sup |F_N - Phi| below the 1 % critical value 1.628 / sqrt(N) (8.1e-4)
    all.sort();
    let D = 0;
    for (let i = 0; i < N; ) {
      let k = i;
      while (k < N && all[k] === all[i]) k++; // ties (float32 lattice)
      const F = phi(all[i]);
      D = Math.max(D, Math.abs(F - i / N), Math.abs(k / N - F));
      i = k;
    }
    expect(D).toBeLessThan(1.628 / Math.sqrt(N));
  });
});

/** Standard normal CDF from erf's Taylor series (|x| < 2.5 sqrt 2) or erfc's continued fraction; relative error ~1e-15. */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  let erfc: number;
  if (z < 2.5) {
    // erf by its Taylor series: 2/sqrt(pi) sum (-1)^k z^(2k+1) / (k! (2k+1))
    let term = z, sum = z;
    for (let k = 1; k < 200; k++) {
      term *= (-z * z) / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // continued fraction (Lentz): erfc z = exp(-z^2)/sqrt(pi) * 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...))))
    let f = 0;
    for (let k = 120; k >= 1; k--) f = (k / 2) / (z + f);
    erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + f);
  }
  return x < 0 ? erfc / 2 : 1 - erfc / 2;
}
