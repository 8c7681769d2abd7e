/**
 * The model format's one declaration (src/network/schema.ts): the published JSON Schema is current
 * and valid, an independent JSON Schema validator (Ajv) agrees with axonal's validator on the
 * examples and on broken models, every example names the schema, and structural issues come with
 * their paths while the meaning of the rest of the model is still checked.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { modelJsonSchema, structureIssues } from '../src/network/schema.ts';
import { validateModel } from '../src/network/index.ts';

const root = new URL('..', import.meta.url);
const examples = readdirSync(new URL('examples/', root)).filter((f) => f.endsWith('.json'));
const read = (f: string) => JSON.parse(readFileSync(new URL(`examples/${f}`, root), 'utf8'));
const published = JSON.parse(readFileSync(new URL('schema/model.json', root), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
const ajvValidate = ajv.compile(published);

const base = () => ({
  dt: 0.1,
  populations: [
    { name: 'E', size: 8, model: 'lif', type: 'excitatory', params: { tau_m: 20 } },
    { name: 'C', size: 4, model: 'IF_cond_exp', parameters: { tau_m: '10*ms' } },
  ],
  projections: [{ source: 'E', target: 'E', connect: { rule: 'fixed_indegree', indegree: 2 }, weight: 0.1, delay: 1 }],
});

describe('the JSON Schema of model files', () => {
  it('schema/model.json is what the declarations give (the build writes it; run npm run build:ts after changing src/network/schema.ts)', () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(modelJsonSchema())));
  });

  it('is a valid draft-07 schema that Ajv compiles, with shared declarations once under definitions', () => {
    expect(ajv.validateSchema(published)).toBe(true);
    expect(Object.keys(published.definitions)).toEqual(expect.arrayContaining(['Value', 'Quantity']));
    // editors show the descriptions: every population field says what it is
    const lif = published.properties.populations.items.anyOf.find((v: { description: string }) => v.description === "a 'lif' population");
    expect(lif.properties.params.properties.tau_m.description).toMatch(/membrane time constant, ms/);
  });

  it('every example names it and is valid for Ajv and for axonal', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    for (const f of examples) {
      const spec = read(f);
      expect(spec.$schema, f).toBe('../schema/model.json');
      expect(ajvValidate(spec), `${f}: ${JSON.stringify(ajvValidate.errors?.slice(0, 3))}`).toBe(true);
      expect(validateModel(spec), f).toEqual([]);
    }
  });

  const broken: [string, (m: any) => void, string][] = [
    ['an unknown lif param', (m) => (m.populations[0].params.tau_mm = 3), 'populations[0].params.tau_mm'],
    ['a word for a number', (m) => (m.populations[0].params.tau_m = 'twenty'), 'populations[0].params.tau_m'],
    ["izhikevich's params on a lif population", (m) => (m.populations[0].params = { a: 0.02 }), 'populations[0].params.a'],
    ['an unknown parameter of a standard cell', (m) => (m.populations[1].parameters.tau_mx = '1*ms'), 'populations[1].parameters.tau_mx'],
    ['params on a standard cell', (m) => (m.populations[1].params = { tau_m: 10 }), 'populations[1].params'],
    ['a connect rule misspelt', (m) => (m.projections[0].connect.rule = 'fixed_indegre'), 'projections[0].connect.rule'],
    ['a field of another rule', (m) => (m.projections[0].connect.p = 0.1), 'projections[0].connect.p'],
    ['a size of 0', (m) => (m.populations[0].size = 0), 'populations[0].size'],
    ['a missing dt', (m) => delete m.dt, 'dt'],
    ['an unknown top-level field', (m) => (m.durtion = 5), 'durtion'],
    ['a distribution without its fields', (m) => (m.projections[0].weight = { dist: 'uniform', low: 0 }), 'projections[0].weight.high'],
  ];
  for (const [what, mutate, path] of broken) {
    it(`Ajv and axonal both refuse ${what}, axonal at ${path}`, () => {
      const m: any = base();
      expect(ajvValidate(m)).toBe(true);
      mutate(m);
      expect(ajvValidate(m)).toBe(false);
      const issues = validateModel(m);
      expect(issues.map((i) => i.path)).toEqual([path]);
    });
  }
});

describe('structure first, then meaning', () => {
  it('a structural issue names the field and what was expected; unknown fields get a suggestion and the list', () => {
    const m: any = base();
    m.populations[0].params.tau_mm = 3;
    expect(structureIssues(m)).toEqual([
      { path: 'populations[0].params.tau_mm', message: expect.stringMatching(/^unknown field; did you mean "tau_m"\? \(fields of a 'lif' population's params: tau_m, cm, /) },
    ]);
  });

  it('the meaning of entries without structural issues is still checked (Dale\'s principle beside a bad size)', () => {
    const m: any = base();
    m.populations.push({ name: 'I', size: 0, model: 'lif', type: 'inhibitory' });
    m.projections[0].weight = -0.1; // E is excitatory
    expect(validateModel(m).map((i) => i.path)).toEqual(['populations[2].size', 'projections[0].weight']);
  });

  it('an entry referring to a population with structural issues is checked with what holds of it (its type, not its size)', () => {
    const m: any = base();
    m.populations[0].size = -1;
    m.projections[0].weight = -0.1; // E is still excitatory
    expect(validateModel(m).map((i) => i.path)).toEqual(['populations[0].size', 'projections[0].weight']);
    // a receptor model with a broken field: the projection's receptor is not judged without its receptors
    m.populations[0] = { name: 'E', size: -1, model: 'IF_cond_exp', receptors: ['AMPA'] };
    m.projections[0] = { source: 'E', target: 'E', connect: { rule: 'one_to_one' }, weight: 0.1, receptor: 'AMPA' };
    expect(validateModel(m).map((i) => i.path)).toEqual(['populations[0].size']);
  });

  it('a population whose model is neither built in, a cell nor one of the models is told what it can be', () => {
    const m: any = base();
    m.populations[0].model = 'iaf_cond_expp';
    const issues = validateModel(m);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('populations[0].model');
    expect(issues[0].message).toMatch(/a standard cell \(IF_cond_exp, .*got "iaf_cond_expp"/);
    m.models = { mine: { equations: 'dv/dt = -v/(10*ms) : volt', threshold: 'v > 1*mV', reset: 'v = 0*mV' } };
    m.populations[0].model = 'mine';
    delete m.populations[0].params;
    delete m.populations[0].type;
    m.projections[0].on_pre = 'v += w';
    expect(validateModel(m)).toEqual([]);
  });

  it('objects without a prototype from the API (Object.create(null)) are described, never converted (found by npm run fuzz)', () => {
    const m: any = base();
    const odd = Object.assign(Object.create(null), { x: 1 });
    m.projections[0].source = odd;
    expect(validateModel(m)).toEqual([{ path: 'projections[0].source', message: 'must be a string (a population name), got an object' }]);
    m.projections[0].source = 'E';
    m.populations[0].params = odd;
    expect(validateModel(m).map((i) => i.path)).toEqual(['populations[0].params.x']);
  });

  it('typed arrays from the API are arrays of numbers; a NaN among a million entries is found at its index', () => {
    const m: any = base();
    m.projections[0] = { source: 'E', target: 'E', connect: { rule: 'one_to_one' }, weight: new Float64Array(8).fill(0.1) };
    expect(validateModel(m)).toEqual([]);
    const w = new Float64Array(1_000_000).fill(0.1);
    w[765_432] = NaN;
    m.populations[0].size = 1_000_000;
    m.projections[0].weight = w;
    expect(validateModel(m)).toEqual([{ path: 'projections[0].weight[765432]', message: 'must be a finite number, got NaN' }]);
  });
});
