/**
 * Parameter grids of `axonal sweep` (README "Parameter sweeps"): `--set PATH=VALUES` per axis, the
 * runs are the Cartesian product of the axes (the last axis varies fastest).
 *
 * PATH is a path into the model file: `seed`, `duration`, `projections[0].weight`,
 * `populations[E].params.i_offset` (a bracket holds an index, or the `name` of an element of that
 * list), `inputs[0].rate`. VALUES:
 *   a:b:n       n evenly spaced values from a to b (both included)
 *   a..b        the integers from a to b
 *   v1,v2,...   a list of numbers
 *   v           one number
 */

export interface SweepAxis {
  /** the path as given */
  path: string;
  values: number[];
}

/** An error in a --set argument, naming it (usage: exit 2), or in the sweep's runs (exit 1). */
export class SweepError extends Error {
  constructor(message: string, readonly usage = true) {
    super(message);
    this.name = 'SweepError';
  }
}

const num = (s: string, arg: string): number => {
  const x = Number(s);
  if (s.trim() === '' || !Number.isFinite(x)) throw new SweepError(`--set ${arg}: "${s}" is not a number`);
  return x;
};

/** One --set argument: `path=values`. */
export function parseSet(arg: string): SweepAxis {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new SweepError(`--set ${arg}: expected PATH=VALUES, e.g. 'projections[0].weight=0.05:0.15:11' or 'seed=1..5'`);
  const path = arg.slice(0, eq).trim();
  const spec = arg.slice(eq + 1).trim();
  parsePath(path, arg);
  let values: number[];
  const range = /^(-?\d+)\.\.(-?\d+)$/.exec(spec);
  if (range) {
    const a = Number(range[1]), b = Number(range[2]);
    if (b < a) throw new SweepError(`--set ${arg}: the range ${spec} is empty (${b} < ${a})`);
    values = Array.from({ length: b - a + 1 }, (_, k) => a + k);
  } else if (spec.split(':').length === 3) {
    const [a, b, n] = spec.split(':').map((s) => num(s, arg));
    if (!Number.isInteger(n) || n < 1) throw new SweepError(`--set ${arg}: the count of a:b:n must be an integer >= 1, got ${n}`);
    values = n === 1 ? [a] : Array.from({ length: n }, (_, k) => (k === n - 1 ? b : a + ((b - a) * k) / (n - 1)));
  } else {
    values = spec.split(',').map((s) => num(s, arg));
  }
  return { path, values };
}

type Segment = string | number | { name: string };

/** `a.b[0].c[E]` → ['a', 'b', 0, 'c', {name: 'E'}]. */
export function parsePath(path: string, arg = path): Segment[] {
  const out: Segment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)|\[([^\]]+)\]|(\.)/gy;
  let m: RegExpExecArray | null;
  let expectName = true;
  while (re.lastIndex < path.length && (m = re.exec(path))) {
    if (m[1] !== undefined) {
      if (!expectName) throw new SweepError(`--set ${arg}: expected '.' or '[' before "${m[1]}"`);
      out.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) {
      if (expectName) throw new SweepError(`--set ${arg}: a bracket must follow a name`);
      out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : { name: m[2] });
    } else {
      if (expectName) throw new SweepError(`--set ${arg}: unexpected '.'`);
      expectName = true;
    }
  }
  if (re.lastIndex !== path.length || out.length === 0 || expectName)
    throw new SweepError(`--set ${arg}: "${path}" is not a path such as projections[0].weight or populations[E].params.i_offset`);
  return out;
}

/** Set the value at `path` in `model` (a copy is the caller's to make); the path's containers must exist. */
export function applyPath(model: Record<string, unknown>, path: string, value: number): void {
  const segs = parsePath(path);
  let cur: unknown = model;
  let where = '';
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    const last = k === segs.length - 1;
    if (typeof s === 'string') {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) throw new SweepError(`--set ${path}: ${where || 'the model'} is not an object`);
      const o = cur as Record<string, unknown>;
      if (last) o[s] = value;
      else {
        // an object missing along the way (e.g. params) is created; a list is not
        if (o[s] === undefined && typeof segs[k + 1] === 'string') o[s] = {};
        cur = o[s];
      }
      where = where ? `${where}.${s}` : s;
    } else {
      if (!Array.isArray(cur)) throw new SweepError(`--set ${path}: ${where} is not a list`);
      let i: number;
      if (typeof s === 'number') i = s;
      else {
        i = cur.findIndex((x) => x && typeof x === 'object' && (x as { name?: unknown }).name === s.name);
        if (i < 0) throw new SweepError(`--set ${path}: ${where} has no element named "${s.name}"`);
      }
      if (i >= cur.length) throw new SweepError(`--set ${path}: ${where}[${i}] does not exist (${where} has ${cur.length})`);
      if (last) cur[i] = value;
      else cur = cur[i];
      where = `${where}[${typeof s === 'number' ? s : s.name}]`;
    }
  }
}

/** The grid's points, in run order (the last axis fastest). */
export function gridPoints(axes: readonly SweepAxis[]): number[][] {
  let pts: number[][] = [[]];
  for (const a of axes) pts = pts.flatMap((p) => a.values.map((v) => [...p, v]));
  return pts;
}
