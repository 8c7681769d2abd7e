/**
 * Validation: each bad input is reported with the path of its field and a message saying what was
 * expected; every problem is reported at once; too-large networks are refused before generation.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { planNetwork, estimateNetwork, ModelError, validateModel, assertValidModel } from '../src/network/index.ts';
import { WASM_ARENA_BASE, WASM_MAX_BYTES } from '../src/core/layout.ts';

/** One WebAssembly memory: the limit of a single-shard arena. */
const ONE_MEMORY = { maxBytes: WASM_MAX_BYTES - WASM_ARENA_BASE };
import type { ModelSpec } from '../src/core/types.ts';

/** A valid model touching every section; tests break one thing at a time. */
function base(): any {
  return {
    name: 'base',
    dt: 0.1,
    duration: 100,
    seed: 3,
    populations: [
      { name: 'E', size: 40, model: 'lif', type: 'excitatory', params: { tau_m: 20, v_thresh: -50, v_reset: -65 }, initial: { v: { dist: 'uniform', low: -65, high: -50 } } },
      { name: 'I', size: 10, model: 'lif', type: 'inhibitory', synapse: 'exp' },
      { name: 'P', size: 20, model: 'poisson', params: { rate: 5 } },
      { name: 'G', size: 2, model: 'spike_generator', params: { spike_times: [[1, 2], []] } },
      { name: 'T', size: 5, model: 'threshold', params: { mu: 1 }, initial: { n: [1, 0, 0, 0, 0] } },
      { name: 'D', size: 5, model: 'lif', synapse: 'delta' },
    ],
    projections: [
      { name: 'EI', source: 'E', target: 'I', connect: { rule: 'pairwise_bernoulli', p: 0.1 }, weight: 0.1, delay: 1 },
      { name: 'IE', source: 'I', target: 'E', connect: { rule: 'fixed_indegree', indegree: 5 }, weight: -0.4, delay: 0.5 },
      { source: 'P', target: 'E', connect: { rule: 'all_to_all' }, weight: 0.05 },
      { source: 'T', target: 'T', connect: { rule: 'one_to_one' }, weight: 1, delay: 0.1 },
    ],
    inputs: [
      { type: 'poisson', target: 'E', rate: 1000, weight: 0.1 },
      { type: 'current', target: 'I', amplitude: 0.2, start: 10, stop: 50 },
    ],
    monitors: [
      { type: 'spikes', population: 'E' },
      { type: 'state', population: 'E', variables: ['v', 'ie'], neurons: [0, 1], every: 2 },
      { type: 'rate', population: 'I' },
    ],
  };
}

/** The issues of base() after `mutate`. */
function issuesOf(mutate: (m: any) => void) {
  const m = base();
  mutate(m);
  return validateModel(m);
}

/** Exactly one issue, at `path`, whose message matches `re`. */
function expectOne(mutate: (m: any) => void, path: string, re: RegExp) {
  const issues = issuesOf(mutate);
  expect(issues, JSON.stringify(issues)).toHaveLength(1);
  expect(issues[0].path).toBe(path);
  expect(issues[0].message).toMatch(re);
}

describe('valid models', () => {
  it('the base model and every example are valid', () => {
    expect(validateModel(base())).toEqual([]);
    const dir = new URL('../examples/', import.meta.url);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const spec = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
      expect(validateModel(spec), f).toEqual([]);
    }
  });

  it('the examples of docs/model-format.md are valid and build', () => {
    const doc = readFileSync(new URL('../docs/model-format.md', import.meta.url), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
    expect(blocks.length).toBe(2);
    for (const spec of blocks) {
      expect(validateModel(spec)).toEqual([]);
      expect(planNetwork(spec).neurons).toBeGreaterThan(0);
    }
  });
});

describe('top level', () => {
  it('not an object', () => {
    expect(validateModel(null)[0]).toEqual({ path: '', message: expect.stringMatching(/must be an object/) });
    expect(validateModel([1])[0].path).toBe('');
  });
  it('dt', () => {
    expectOne((m) => (m.dt = 0), 'dt', /must be > 0 ms \(time step\), got 0/);
    expectOne((m) => (m.dt = -0.1), 'dt', /must be > 0/);
    expectOne((m) => (m.dt = '0.1'), 'dt', /must be a number > 0 .* got "0.1"/);
    expectOne((m) => delete m.dt, 'dt', /is required/);
  });
  it('duration: >= 0 and a whole number of steps', () => {
    expectOne((m) => (m.duration = -1), 'duration', /must be >= 0 ms/);
    expectOne((m) => (m.duration = 100.05), 'duration', /100.05 ms is not a whole number of time steps \(dt = 0.1 ms\)/);
    // within 1e-6 steps (relative) of the grid is accepted: 0.1 * 3 = 0.30000000000000004
    expect(issuesOf((m) => (m.duration = 0.1 * 3))).toEqual([]);
  });
  it('seed: integer 0..2^32-1', () => {
    expectOne((m) => (m.seed = 2 ** 32), 'seed', /integer in 0\.\.4294967295/);
    expectOne((m) => (m.seed = 1.5), 'seed', /integer/);
    expectOne((m) => (m.seed = -1), 'seed', /integer/);
    // threads is checked whether or not the model sets a seed
    expectOne((m) => (m.threads = 0), 'threads', /integer >= 1, got 0/);
    expectOne((m) => { delete m.seed; m.threads = 1.5; }, 'threads', /integer >= 1, got 1\.5/);
    expect(issuesOf((m) => (m.seed = 2 ** 32 - 1))).toEqual([]);
  });
  it('unknown fields, with a suggestion', () => {
    expectOne((m) => (m.durtion = 5), 'durtion', /unknown field; did you mean "duration"\?/);
    expectOne((m) => (m.populations[0].sise = 5), 'populations[0].sise', /unknown field; did you mean "size"\?/);
    expectOne((m) => (m.populations[0].params.tau_mem = 5), 'populations[0].params.tau_mem', /unknown field; did you mean "tau_m"\?/);
    expectOne((m) => (m.projections[0].connect.prob = 0.1), 'projections[0].connect.prob', /unknown field/);
    expectOne((m) => (m.projections[0].weight = { dist: 'uniform', low: 0, high: 1, hihg: 2 }), 'projections[0].weight.hihg', /did you mean "high"/);
  });
  it('NaN and Infinity anywhere', () => {
    expectOne((m) => (m.dt = NaN), 'dt', /must be a finite number, got NaN/);
    expectOne((m) => (m.populations[0].params.tau_m = Infinity), 'populations[0].params.tau_m', /finite number, got Infinity/);
    expectOne((m) => (m.populations[3].params.spike_times[0][1] = NaN), 'populations[3].params.spike_times[0][1]', /finite/);
    expectOne((m) => (m.projections[0].weight = { dist: 'normal', mean: 0.1, std: -Infinity }), 'projections[0].weight.std', /finite/);
    expectOne((m) => (m.inputs[0].rate = NaN), 'inputs[0].rate', /finite/);
    expectOne((m) => (m.populations[0].initial.v = new Array(40).fill(-60).fill(NaN, 7, 8)), 'populations[0].initial.v[7]', /finite/);
  });
});

describe('populations', () => {
  it('names unique and non-empty', () => {
    expectOne((m) => (m.populations[5].name = 'E'), 'populations[5].name', /duplicate population name "E" \(also populations\[0\]\)/);
    const empty = issuesOf((m) => (m.populations[5].name = ''));
    expect(empty[0]).toEqual({ path: 'populations[5].name', message: expect.stringMatching(/non-empty string/) });
  });
  it('size a positive integer', () => {
    expectOne((m) => (m.populations[5].size = 0), 'populations[5].size', /positive integer .* got 0/);
    expectOne((m) => (m.populations[5].size = 2.5), 'populations[5].size', /positive integer/);
  });
  it('model and type', () => {
    expectOne((m) => (m.populations[5].model = 'izh'), 'populations[5].model', /must be one of 'lif', 'threshold', 'poisson', 'spike_generator'/);
    expectOne((m) => (m.populations[0].type = 'exc'), 'populations[0].type', /'excitatory' or 'inhibitory'/);
    expectOne((m) => (m.populations[4].synapse = 'exp'), 'populations[4].synapse', /only applies to models 'lif', 'izhikevich' \(this population is 'threshold'\)/);
  });
  it('LIF parameters: tau > 0, cm > 0, v_reset < v_thresh, tau_refrac >= 0 on the grid', () => {
    expectOne((m) => (m.populations[0].params.tau_m = 0), 'populations[0].params.tau_m', /must be > 0 ms, got 0 ms/);
    expectOne((m) => (m.populations[0].params.cm = -1), 'populations[0].params.cm', /must be > 0 nF/);
    expectOne((m) => (m.populations[1].params = { tau_syn_i: 0 }), 'populations[1].params.tau_syn_i', /must be > 0 ms/);
    expectOne((m) => (m.populations[0].params.v_reset = -50), 'populations[0].params.v_reset', /must be < v_thresh \(-50 mV\), got -50 mV/);
    expectOne((m) => (m.populations[0].params.tau_refrac = -1), 'populations[0].params.tau_refrac', /must be >= 0 ms/);
    expectOne((m) => (m.populations[0].params.tau_refrac = 0.25), 'populations[0].params.tau_refrac', /whole number of time steps \(dt = 0.1 ms\)/);
    expectOne((m) => (m.populations[0].params.tau_refrac = { dist: 'uniform', low: 1, high: 2 }), 'populations[0].params.tau_refrac', /distributions are not allowed/);
    expectOne((m) => (m.populations[5].params = { tau_syn_e: 2 }), 'populations[5].params.tau_syn_e', /only used with synapse 'exp'/);
  });
  it('distributions must keep constraints over their whole support', () => {
    expectOne((m) => (m.populations[0].params.tau_m = { dist: 'normal', mean: 20, std: 2 }), 'populations[0].params.tau_m', /must be > 0 ms, but a normal distribution without min can give any value \(set min\)/);
    expect(issuesOf((m) => (m.populations[0].params.tau_m = { dist: 'normal', mean: 20, std: 2, min: 1 }))).toEqual([]);
    expectOne((m) => (m.populations[0].params.tau_m = { dist: 'uniform', low: -1, high: 2 }), 'populations[0].params.tau_m', /uniform distribution ranges over \[-1, 2\]/);
    expectOne((m) => (m.populations[0].params.v_reset = { dist: 'uniform', low: -70, high: -49 }), 'populations[0].params.v_reset', /must be < v_thresh for every neuron/);
  });
  it('per-neuron arrays have the population size; elements are checked', () => {
    expectOne((m) => (m.populations[0].params.tau_m = [10, 20]), 'populations[0].params.tau_m', /one value per neuron of population "E" \(40\), got 2 values/);
    expectOne((m) => (m.populations[1].params = { tau_m: [10, 10, 10, -1, 10, 10, 10, 10, 10, 10] }), 'populations[1].params.tau_m[3]', /must be > 0 ms, got -1 ms/);
  });
  it('distribution objects well-formed', () => {
    expectOne((m) => (m.populations[0].initial.v = { dist: 'uniform', low: -50, high: -60 }), 'populations[0].initial.v.high', /must be >= low/);
    expectOne((m) => (m.populations[0].initial.v = { dist: 'normal', mean: -60, std: -1 }), 'populations[0].initial.v.std', /must be >= 0/);
    expectOne((m) => (m.populations[0].initial.v = { dist: 'normal', mean: -60, std: 1, min: -50, max: -55 }), 'populations[0].initial.v.max', /must be >= min/);
    expectOne((m) => (m.populations[0].initial.v = { dist: 'normal', mean: -60, std: 1, bound: 'wrap' }), 'populations[0].initial.v.bound', /'clip' or 'redraw'/);
    expectOne((m) => (m.populations[0].initial.v = { dist: 'gamma', k: 1 }), 'populations[0].initial.v.dist', /'uniform', 'normal' or 'bernoulli'/);
    expectOne((m) => (m.populations[0].initial.v = 'rest'), 'populations[0].initial.v', /must be a number \(mV\), an array of numbers or a distribution/);
  });
  it('initial state variables per model', () => {
    expectOne((m) => (m.populations[0].initial.n = 1), 'populations[0].initial.n', /unknown field/);
    expectOne((m) => (m.populations[5].initial = { ie: 0 }), 'populations[5].initial.ie', /unknown field/);
    expectOne((m) => (m.populations[4].initial.n = [1, 0, 2, 0, 0]), 'populations[4].initial.n[2]', /must be 0 or 1/);
    expectOne((m) => (m.populations[4].initial.n = { dist: 'uniform', low: 0, high: 1 }), 'populations[4].initial.n', /must be 0 or 1/);
  });
  it('poisson rate >= 0 and required', () => {
    expectOne((m) => (m.populations[2].params.rate = -5), 'populations[2].params.rate', /must be >= 0 Hz/);
    expectOne((m) => delete m.populations[2].params, 'populations[2].params', /is required/);
  });
  it('spike_generator: one list per neuron, on the grid, >= 0, no duplicates', () => {
    expectOne((m) => (m.populations[3].params.spike_times = [[1]]), 'populations[3].params.spike_times', /one array of spike times per neuron \(2\), got 1/);
    expectOne((m) => (m.populations[3].params.spike_times[1] = [0.25]), 'populations[3].params.spike_times[1][0]', /0.25 ms is not on the time grid \(dt = 0.1 ms\)/);
    expectOne((m) => (m.populations[3].params.spike_times[1] = [-1]), 'populations[3].params.spike_times[1][0]', /must be >= 0 ms/);
    expectOne((m) => (m.populations[3].params.spike_times[1] = [3, 1, 3]), 'populations[3].params.spike_times[1][2]', /duplicate spike time 3 ms/);
    // unsorted is fine
    expect(issuesOf((m) => (m.populations[3].params.spike_times[1] = [3, 1, 2]))).toEqual([]);
  });
});

describe('projections', () => {
  it('unknown population names', () => {
    expectOne((m) => (m.projections[0].source = 'X'), 'projections[0].source', /unknown population "X" \(populations: E, I, P, G, T, D\)/);
    expectOne((m) => (m.projections[0].target = 'Ee'), 'projections[0].target', /unknown population "Ee"; did you mean "E"\?/);
  });
  it('sources cannot be targets', () => {
    expectOne((m) => (m.projections[2].target = 'P'), 'projections[2].target', /"P" \(poisson\) is a source and cannot receive synapses/);
    expectOne((m) => (m.projections[2].target = 'G'), 'projections[2].target', /"G" \(spike_generator\) is a source and cannot receive synapses/);
  });
  it('connect rules: p in [0, 1], integer degrees, feasibility', () => {
    expectOne((m) => (m.projections[0].connect.p = 1.2), 'projections[0].connect.p', /must be in \[0, 1\] \(connection probability\), got 1.2/);
    expectOne((m) => (m.projections[0].connect = { rule: 'fixed_indegre', indegree: 3 }), 'projections[0].connect.rule', /did you mean 'fixed_indegree'/);
    expectOne((m) => (m.projections[1].connect.indegree = 2.5), 'projections[1].connect.indegree', /non-negative integer/);
    expectOne((m) => (m.projections[1].connect.indegree = -1), 'projections[1].connect.indegree', /non-negative integer/);
    // I has 10 neurons: 11 distinct sources do not exist, with multapses they do
    expectOne((m) => (m.projections[1].connect = { rule: 'fixed_indegree', indegree: 11, allow_multapses: false }), 'projections[1].connect.indegree', /11 is more than the 10 allowed sources in "I"/);
    expect(issuesOf((m) => (m.projections[1].connect.indegree = 11))).toEqual([]);
    // within one population without autapses only N - 1 sources are allowed
    expectOne((m) => (m.projections[3].connect = { rule: 'fixed_indegree', indegree: 5, allow_autapses: false, allow_multapses: false }), 'projections[3].connect.indegree', /more than the 4 allowed sources in "T" \(autapses excluded\)/);
    expectOne((m) => (m.projections[0].connect = { rule: 'fixed_outdegree', outdegree: 11, allow_multapses: false }), 'projections[0].connect.outdegree', /more than the 10 allowed targets in "I"/);
    expectOne((m) => (m.projections[0].connect = { rule: 'fixed_total_number', n: 401, allow_multapses: false }), 'projections[0].connect.n', /more than the 400 distinct \(source, target\) pairs/);
    expectOne((m) => (m.projections[3].connect = { rule: 'one_to_one' }, (m.projections[3].target = 'I'), (m.projections[3].weight = 1)), 'projections[3].connect', /same size/);
    expectOne((m) => (m.projections[3].connect.allow_autapses = false), 'projections[3].connect.allow_autapses', /unknown field \(fields of the rule 'one_to_one': rule\)/);
    expectOne((m) => (m.projections[0].connect.allow_autapses = 'no'), 'projections[0].connect.allow_autapses', /true or false/);
  });
  it('explicit: equal lengths, indices in range', () => {
    expectOne((m) => (m.projections[3].connect = { rule: 'explicit', sources: [0, 1], targets: [1] }), 'projections[3].connect.targets', /same length as sources \(2\), got 1/);
    expectOne((m) => (m.projections[3].connect = { rule: 'explicit', sources: [0, 5], targets: [1, 2] }), 'projections[3].connect.sources[1]', /integer in \[0, 5\)/);
    expectOne((m) => (m.projections[3].connect = { rule: 'explicit', sources: [0, 1], targets: [1, 0.5] }), 'projections[3].connect.targets[1]', /integer/);
  });
  it('per-synapse arrays: the number of synapses, only where it is fixed', () => {
    expectOne((m) => (m.projections[0].weight = [0.1, 0.2]), 'projections[0].weight', /only allowed where the number of synapses is fixed .*this projection uses pairwise_bernoulli/);
    expectOne((m) => (m.projections[3].weight = [1, 1, 1]), 'projections[3].weight', /one value per synapse \(5\), got 3/);
    // fixed_indegree 5 into the 40 neurons of E: 200 synapses
    expectOne((m) => (m.projections[1].delay = new Array(199).fill(0.5)), 'projections[1].delay', /one value per synapse \(200\), got 199/);
    expect(issuesOf((m) => (m.projections[1].delay = new Array(200).fill(0.5)))).toEqual([]);
  });
  it("Dale's principle names the projection", () => {
    expectOne((m) => (m.projections[0].weight = -0.1), 'projections[0].weight', /^must be >= 0, the source population "E" is excitatory$/);
    expectOne((m) => (m.projections[1].weight = 0.4), 'projections[1].weight', /^must be <= 0, the source population "I" is inhibitory$/);
    expectOne((m) => (m.projections[0].weight = { dist: 'normal', mean: 0.1, std: 0.05 }), 'projections[0].weight', /must be >= 0, the source population "E" is excitatory, but a normal distribution without min/);
    expectOne((m) => (m.projections[1].weight = { dist: 'uniform', low: -1, high: 0.1 }), 'projections[1].weight', /must be <= 0, the source population "I" is inhibitory/);
    expect(issuesOf((m) => (m.projections[0].weight = { dist: 'normal', mean: 0.1, std: 0.05, min: 0 }))).toEqual([]);
    // untyped populations may have either sign
    expect(issuesOf((m) => (m.projections[3].weight = -1))).toEqual([]);
  });
  it('delays: >= dt, on the grid, <= 255 steps; distributions bounded', () => {
    expectOne((m) => (m.projections[0].delay = 0.05), 'projections[0].delay', /0.05 ms is shorter than one time step \(dt = 0.1 ms\) in projection "EI"/);
    expectOne((m) => (m.projections[3].delay = 0), 'projections[3].delay', /shorter than one time step \(dt = 0.1 ms\) in projection T -> T/);
    expectOne((m) => (m.projections[0].delay = 0.25), 'projections[0].delay', /0.25 ms is not a whole number of time steps \(dt = 0.1 ms\)/);
    expectOne((m) => (m.projections[0].delay = 25.6), 'projections[0].delay', /256 steps .* more than the maximum of 255 steps \(25.5 ms at dt = 0.1 ms\)/);
    expect(issuesOf((m) => (m.projections[0].delay = 25.5))).toEqual([]);
    expectOne((m) => (m.projections[0].delay = { dist: 'uniform', low: 1, high: 30 }), 'projections[0].delay', /reaches 30 ms = 300 steps/);
    expectOne((m) => (m.projections[0].delay = { dist: 'normal', mean: 20, std: 5 }), 'projections[0].delay', /without max can exceed .*; set max/);
    // distributions below one step are clipped to 1 step, not an error
    expect(issuesOf((m) => (m.projections[0].delay = { dist: 'uniform', low: 0, high: 1 }))).toEqual([]);
    expectOne((m) => (m.projections[1].delay = new Array(200).fill(0.5).fill(0.55, 9, 10)), 'projections[1].delay[9]', /not a whole number of time steps/);
  });
  it('receptor: inferred, or an error asking to set it', () => {
    expectOne(
      (m) => m.projections.push({ source: 'T', target: 'E', connect: { rule: 'all_to_all' }, weight: { dist: 'uniform', low: -1, high: 1 } }),
      'projections[4].receptor',
      /cannot be inferred: the source population "T" has no type and the weights take both signs; set receptor/,
    );
    expect(issuesOf((m) => m.projections.push({ source: 'T', target: 'E', connect: { rule: 'all_to_all' }, weight: { dist: 'uniform', low: -1, high: 1 }, receptor: 'excitatory' }))).toEqual([]);
    // delta and threshold targets have one channel: mixed signs are fine
    expect(issuesOf((m) => m.projections.push({ source: 'T', target: 'D', connect: { rule: 'all_to_all' }, weight: { dist: 'uniform', low: -1, high: 1 } }))).toEqual([]);
    expectOne((m) => (m.projections[0].receptor = 'exc'), 'projections[0].receptor', /'excitatory' or 'inhibitory'/);
  });
  it('duplicate projection names', () => {
    expectOne((m) => (m.projections[1].name = 'EI'), 'projections[1].name', /duplicate projection name "EI"/);
  });
});

describe('inputs and monitors', () => {
  it('inputs', () => {
    expectOne((m) => (m.inputs[0].rate = -1), 'inputs[0].rate', /must be >= 0 Hz/);
    expectOne((m) => (m.inputs[0].target = 'P'), 'inputs[0].target', /cannot receive input/);
    expectOne((m) => (m.inputs[1].target = 'T'), 'inputs[1].target', /has no input current: current inputs target 'lif' or 'izhikevich'/);
    expectOne((m) => (m.inputs[1].stop = 5), 'inputs[1].stop', /must be >= start \(10 ms\), got 5 ms/);
    expectOne((m) => (m.inputs[1].start = 10.05), 'inputs[1].start', /not a whole number of time steps/);
    expectOne((m) => (m.inputs[1].neurons = [0, 10]), 'inputs[1].neurons[1]', /integer in \[0, 10\)/);
    expectOne((m) => (m.inputs[0].type = 'spikes'), 'inputs[0].type', /'poisson', 'current', 'noise' or 'random_drive'/);
    expectOne((m) => (m.inputs[0].amplitude = 1), 'inputs[0].amplitude', /unknown field/);
  });
  it('monitors: variables valid for the model, neurons in range, every >= 1', () => {
    expectOne((m) => (m.monitors[1].variables = ['v', 'n']), 'monitors[1].variables[1]', /unknown variable "n" of a 'lif' population \(variables: v, ie, ii\)/);
    expectOne((m) => (m.monitors[1].population = 'D'), 'monitors[1].variables[1]', /unknown variable "ie" .*\(variables: v\)/);
    expectOne((m) => (m.monitors[1].population = 'P'), 'monitors[1].variables', /a 'poisson' population has no state variables/);
    expectOne((m) => (m.monitors[1].neurons = [0, 40]), 'monitors[1].neurons[1]', /integer in \[0, 40\)/);
    expectOne((m) => (m.monitors[1].every = 0), 'monitors[1].every', /integer >= 1/);
    expectOne((m) => (m.monitors[1].every = 1.5), 'monitors[1].every', /integer >= 1/);
    expectOne((m) => (m.monitors[0].population = 'Q'), 'monitors[0].population', /unknown population "Q"/);
    expectOne((m) => (m.monitors[2].type = 'voltage'), 'monitors[2].type', /'spikes', 'state', 'rate' or 'synapses'/);
  });
});

describe('all problems at once', () => {
  it('reports every issue, in order, and ModelError lists them as path: message lines', () => {
    const m = base();
    m.dt = -0.1;
    m.populations[5].size = 0;
    m.projections[1].weight = 0.4;
    m.monitors[1].every = 0;
    const issues = validateModel(m);
    // structural issues (dt, a size, every) and a semantic one (Dale's principle), in the order of the file
    expect(issues.map((i) => i.path)).toEqual(['dt', 'populations[5].size', 'projections[1].weight', 'monitors[1].every']);
    let err: unknown;
    try {
      planNetwork(m as ModelSpec);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    const me = err as ModelError;
    expect(me.issues).toEqual(issues);
    expect(me.message).toBe(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    expect(() => estimateNetwork(m as ModelSpec)).toThrow(ModelError);
  });

  it('validation does not throw on garbage', () => {
    for (const g of [undefined, 42, 'x', { populations: 'E' }, { dt: 1, populations: [null, 5, []] }, { dt: 1, populations: [{}], projections: [{ connect: null }] }]) {
      expect(() => validateModel(g)).not.toThrow();
      expect(validateModel(g).length).toBeGreaterThan(0);
    }
  });

  it('the seed option is checked', () => {
    expect(() => planNetwork(base(), { seed: -3 })).toThrow(/seed: the seed option must be an integer/);
  });
});

describe('networks too large for one WebAssembly memory', () => {
  it('2,000,000 neurons all_to_all are refused quickly, with the numbers, without generating', () => {
    const spec: ModelSpec = {
      dt: 0.1,
      populations: [{ name: 'A', size: 2_000_000, model: 'lif' }],
      projections: [{ source: 'A', target: 'A', connect: { rule: 'all_to_all' }, weight: 0.1 }],
    };
    const t0 = performance.now();
    let err: unknown;
    try {
      planNetwork(spec, ONE_MEMORY);
    } catch (e) {
      err = e;
    }
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(ModelError);
    const msg = (err as ModelError).message;
    expect(msg).toMatch(/2,000,000 neurons and 4,000,000,000,000 synapses need [\d.]+ GiB \([\d,]+ bytes\)/);
    expect(msg).toContain(`limit of 4.00 GiB (${(4 * 2 ** 30 - 65536).toLocaleString('en-US')} bytes)`);
    // generating 4e12 synapses would take hours; refusing takes microseconds
    expect(ms).toBeLessThan(200);
    expect(estimateNetwork(spec).synapses).toBe(4e12);
  });

  it('a large pairwise_bernoulli network is refused from its expected synapse count', () => {
    const spec: ModelSpec = {
      dt: 0.1,
      populations: [{ name: 'A', size: 1_000_000, model: 'threshold' }],
      projections: [{ source: 'A', target: 'A', connect: { rule: 'pairwise_bernoulli', p: 0.01 }, weight: 1, delay: { dist: 'uniform', low: 0.1, high: 5 } }],
    };
    const t0 = performance.now();
    expect(() => planNetwork(spec, ONE_MEMORY)).toThrow(/1,000,000 neurons and 10,000,000,000 synapses/);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('assertValidModel', () => {
  it('returns for a valid model and throws a ModelError with every issue otherwise', () => {
    expect(() => assertValidModel({ dt: 0.1, populations: [{ name: 'n', size: 10, model: 'lif' }] })).not.toThrow();
    let err: unknown;
    try {
      assertValidModel({ dt: -1, populations: [{ name: 'n', size: 0, model: 'lif' }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModelError);
    expect((err as InstanceType<typeof ModelError>).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['dt', 'populations[0].size']));
  });
});
