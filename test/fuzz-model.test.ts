/**
 * Property-based fuzzing of model input (fast-check): every example model file, mutated — types,
 * signs, sizes, missing and extra fields, huge numbers, deep nesting, long strings, wrong units in
 * equations — is either a valid model that runs, or refused with a ModelError whose issues name a
 * path; never another exception, never a hang, and nothing large allocated before the refusal.
 *
 * `npm test` runs a bounded number of cases; `npm run fuzz` runs many more (FUZZ_RUNS, FUZZ_SEED).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Simulation, SimulationError } from '../src/sim/simulation.ts';
import { estimateNetwork, ModelError, validateModel } from '../src/network/index.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? 20261202 : Number(process.env.FUZZ_SEED);
/** a valid mutant runs when it is at most this big (the rest is estimated, not built) */
const RUN_NEURONS = 5000;
const RUN_SYNAPSES = 500_000;

const dir = new URL('../examples/', import.meta.url);
const EXAMPLES = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const models: Record<string, unknown> = Object.fromEntries(EXAMPLES.map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8'))]));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Every place in a value (objects' fields, arrays' entries), at most `max`, spread over the tree. */
function places(x: Json, max = 400): Path[] {
  const out: Path[] = [];
  const walk = (v: Json, p: Path) => {
    if (out.length >= max) return;
    if (Array.isArray(v)) {
      // long arrays (spike times, neuron lists): a few entries are enough
      const idx = v.length <= 8 ? v.map((_, i) => i) : [0, 1, v.length >> 1, v.length - 1];
      for (const i of idx) {
        out.push([...p, i]);
        walk(v[i], [...p, i]);
      }
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      // (a typed array put in by a mutation is a leaf: a value, as the API gives one)
      for (const k of Object.keys(v)) {
        out.push([...p, k]);
        walk(v[k], [...p, k]);
      }
    }
  };
  walk(x, []);
  return out;
}

function parentOf(root: Json, p: Path): { parent: Json; key: string | number } | null {
  let v: Json = root;
  for (const k of p.slice(0, -1)) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string | number, Json>)[k];
  }
  return v !== null && typeof v === 'object' ? { parent: v, key: p[p.length - 1] } : null;
}

const deep = (n: number): Json => (n === 0 ? 1 : { a: [deep(n - 1)] });
/** values that break assumptions: types, signs, sizes, non-finite numbers, nesting, long strings */
const strange: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53 + 1, 1e-320, 0.05, -1, 0),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('x'.repeat(100_000), '', 'lif', 'exp', 'excitatory', '10*ms', '-65*mV', 'E', 'E->E'),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
  fc.integer({ min: 1, max: 300 }).map(deep),
  fc.constant(new Float64Array([1, NaN, 3])),
);

/** wrong units and broken syntax in an equation string */
const unitBreaks: [RegExp, string][] = [
  [/: volt/g, ': amp'], [/\*ms\b/g, '*mV'], [/\bms\b/g, 'nS'], [/\)/, ''], [/=/, '=='], [/v/, 'v_nope'], [/\*/, '**'], [/ : /, ' '],
];

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'extra'; at: number; key: string; value: unknown }
  | { kind: 'scale'; at: number; factor: number }
  | { kind: 'negate'; at: number }
  | { kind: 'unit'; at: number; which: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: strange }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extra' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('sise', 'tau_mm', 'params', 'parameters', 'synapse', 'receptors', '__proto__', 'constructor')), value: strange }),
  fc.record({ kind: fc.constant('scale' as const), at: fc.nat(), factor: fc.constantFrom(0, 0.5, 1.5, 10, 1e3, 1e6, 1e12) }),
  fc.record({ kind: fc.constant('negate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unit' as const), at: fc.nat(), which: fc.nat({ max: unitBreaks.length - 1 }) }),
);

/** A mutated copy of an example (JSON round trip first, so that the example itself is untouched). */
function mutate(file: string, ms: Mutation[]): unknown {
  const m = JSON.parse(JSON.stringify(models[file])) as Json;
  for (const mu of ms) {
    const ps = places(m);
    if (ps.length === 0) break;
    const p = ps[mu.at % ps.length];
    const loc = parentOf(m, p);
    if (!loc) continue;
    const obj = loc.parent as Record<string | number, unknown>;
    const cur = obj[loc.key];
    switch (mu.kind) {
      case 'set': obj[loc.key] = mu.value; break;
      case 'delete': if (Array.isArray(obj)) obj.splice(loc.key as number, 1); else delete obj[loc.key]; break;
      // an own field, as JSON.parse makes it (also for "__proto__", which an assignment would turn into the prototype)
      // (onto objects only: a JSON array has no fields)
      case 'extra': {
        const o = cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? cur : obj;
        if (!Array.isArray(o)) Object.defineProperty(o, mu.key, { value: mu.value, enumerable: true, writable: true, configurable: true });
        break;
      }
      case 'scale': if (typeof cur === 'number') obj[loc.key] = cur * mu.factor; break;
      case 'negate': if (typeof cur === 'number') obj[loc.key] = -cur; break;
      case 'unit': if (typeof cur === 'string') obj[loc.key] = cur.replace(unitBreaks[mu.which][0], unitBreaks[mu.which][1]); break;
    }
  }
  return m;
}

/** What happened to one mutant; throws (failing the property) on anything not allowed. */
async function outcome(spec: unknown): Promise<'refused' | 'ran' | 'estimated' | 'fault'> {
  const issues = validateModel(spec);
  expect(Array.isArray(issues)).toBe(true);
  for (const i of issues) {
    expect(typeof i.path, JSON.stringify(i)).toBe('string');
    expect(typeof i.message === 'string' && i.message.length > 0, `an issue without a message: ${String(i.path)}`).toBe(true);
  }
  const before = process.memoryUsage().arrayBuffers;
  if (issues.length) {
    // refused with the same issues, before anything is allocated
    const err = await Simulation.create(spec as never, { backend: 'js', threads: 1 }).then(
      (s) => (s.dispose(), new Error('a model with issues was accepted')),
      (e: unknown) => e,
    );
    expect(err, String(err)).toBeInstanceOf(ModelError);
    expect((err as ModelError).issues).toEqual(issues);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    return 'refused';
  }
  const est = estimateNetwork(spec as never);
  if (est.neurons > RUN_NEURONS || est.synapses > RUN_SYNAPSES) return 'estimated';
  let sim: Simulation | undefined;
  try {
    sim = await Simulation.create(spec as never, { backend: 'js', threads: 1 });
    await sim.run(Math.min(5, (spec as { dt: number }).dt * 50));
    return 'ran';
  } catch (e) {
    // what a valid model may still meet: a refusal with a path (memory, a draw that cannot be
    // made) or a runaway state that names its population, variable and step
    if (e instanceof ModelError) {
      expect(e.issues.length).toBeGreaterThan(0);
      return 'refused';
    }
    if (e instanceof SimulationError) return 'fault';
    throw e;
  } finally {
    sim?.dispose();
  }
}

describe(`fuzzing model input (${RUNS} cases; npm run fuzz for more)`, () => {
  it('every mutant of every example is a valid run or a ModelError naming a path, nothing else', { timeout: 240_000 }, async () => {
    const counts = { refused: 0, ran: 0, estimated: 0, fault: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EXAMPLES), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (file, ms) => {
        counts[await outcome(mutate(file, ms))]++;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    console.log(`fuzz: ${RUNS} cases (seed ${SEED}): ${counts.refused} refused, ${counts.ran} ran, ${counts.estimated} estimated only, ${counts.fault} runtime faults`);
    // the mutations reach both sides: some mutants are refused and some still run
    expect(counts.refused).toBeGreaterThan(0);
    expect(counts.ran + counts.estimated).toBeGreaterThan(0);
  });

  it('the mutator itself changes the model (a property over unchanged examples would prove nothing)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXAMPLES), mutation, (file, mu) => {
        const before = JSON.stringify(models[file]);
        const after = mutate(file, [mu]);
        expect(JSON.stringify(models[file])).toBe(before); // the example is untouched
        return after !== undefined;
      }),
      { numRuns: 200, seed: SEED },
    );
    let changed = 0;
    for (let k = 0; k < 50; k++) if (JSON.stringify(mutate('cuba.json', [{ kind: 'set', at: k * 7, value: 'x' }])) !== JSON.stringify(models['cuba.json'])) changed++;
    expect(changed).toBeGreaterThan(40);
  });
});
