/**
 * Matrix exponential in double precision, for the propagators of `exact` integration:
 * scaling and squaring with the degree-13 Padé approximant (Higham 2005, "The scaling and
 * squaring method for the matrix exponential revisited"): e^A = (e^{A/2^s})^{2^s}, where
 * s makes ||A/2^s||_1 <= 5.37 and e^{A/2^s} ≈ (V - U)^{-1}(V + U). Accurate to a few ulps for
 * the small well-scaled systems of neuron models. Matrices are arrays of rows.
 */

type M = number[][];

const B13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
  10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
const THETA13 = 5.371920351148152;

const identity = (n: number): M => Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (r === c ? 1 : 0)));

function matmul(a: M, b: M): M {
  const n = a.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < n; k++) {
      const x = a[r][k];
      if (x === 0) continue;
      for (let c = 0; c < n; c++) out[r][c] += x * b[k][c];
    }
  }
  return out;
}

/** sum of c_k * m_k */
function lincomb(terms: [number, M][]): M {
  const n = terms[0][1].length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [c, m] of terms) for (let r = 0; r < n; r++) for (let k = 0; k < n; k++) out[r][k] += c * m[r][k];
  return out;
}

/** solves P X = Q by Gaussian elimination with partial pivoting */
function solve(p: M, q: M): M {
  const n = p.length;
  const a = p.map((row, r) => [...row, ...q[r]]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    const d = a[col][col];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r][col] / d;
      if (f === 0) continue;
      for (let k = col; k < 2 * n; k++) a[r][k] -= f * a[col][k];
    }
  }
  return a.map((row, r) => row.slice(n).map((x) => x / a[r][r]));
}

function norm1(a: M): number {
  let best = 0;
  for (let c = 0; c < a.length; c++) {
    let s = 0;
    for (let r = 0; r < a.length; r++) s += Math.abs(a[r][c]);
    best = Math.max(best, s);
  }
  return best;
}

export function expm(a: M): M {
  const n = a.length;
  const norm = norm1(a);
  if (!Number.isFinite(norm)) return a.map((row) => row.map(() => NaN));
  const s = norm > THETA13 ? Math.max(0, Math.ceil(Math.log2(norm / THETA13))) : 0;
  const x = a.map((row) => row.map((v) => v / 2 ** s));
  const I = identity(n);
  const x2 = matmul(x, x);
  const x4 = matmul(x2, x2);
  const x6 = matmul(x4, x2);
  const b = B13;
  const u = matmul(x, lincomb([
    [1, matmul(x6, lincomb([[b[13], x6], [b[11], x4], [b[9], x2]]))],
    [b[7], x6], [b[5], x4], [b[3], x2], [b[1], I],
  ]));
  const v = lincomb([
    [1, matmul(x6, lincomb([[b[12], x6], [b[10], x4], [b[8], x2]]))],
    [b[6], x6], [b[4], x4], [b[2], x2], [b[0], I],
  ]);
  let r = solve(lincomb([[1, v], [-1, u]]), lincomb([[1, v], [1, u]]));
  for (let k = 0; k < s; k++) r = matmul(r, r);
  return r;
}
