/**
 * The description side of `threshold` (McCulloch–Pitts units): the threshold μ (default 1: a unit
 * with one active input of weight 1 becomes active), the state n (0 or 1) and the arena bytes.
 */
import type { BuiltPopulation, ValueSpec } from '../../core/types.ts';
import { isUniformValue, perNeuron } from '../../network/values.ts';
import { initialStream, paramStream, THRESHOLD_VARS } from '../../network/streams.ts';
import type { ModelRules } from '../types.ts';

/** Threshold units: default threshold (a unit with one active input of weight 1 becomes active). */
export const THRESHOLD_DEFAULT_MU = 1;

export const thresholdRules: ModelRules = {
  synapses: [],
  channels: () => 1,
  stateVariables: () => [...THRESHOLD_VARS],
  inputUnit: () => '',
  initialUnit: () => '',
  receives: { synapses: true, poisson: true, noise: true, current: false, randomDrive: true },
  check(c, pr, ppath, init, ipath, _synapse, perNeuron) {
    if (pr.mu !== undefined) c.value(pr.mu, `${ppath}.mu`, perNeuron(''));
    if (init === undefined) return;
    if (init.n === undefined) return;
    const path = `${ipath}.n`;
    const v = c.value(init.n, path, { ...perNeuron(''), noDist: undefined });
    if (v && (v.kind === 'uniform' || v.kind === 'normal' || v.kind === 'expr')) c.err(path, "must be 0 or 1: a number, an array or {dist: 'bernoulli', p}");
    else if (v) c.constrain(v, path, (x) => x === 0 || x === 1, 'must be 0 or 1', '');
  },
  build(pop: BuiltPopulation, params: Record<string, ValueSpec | undefined>, init: Record<string, ValueSpec | undefined>, _dt: number, seed: number, path: string) {
    const n = pop.size;
    const k = pop.index;
    const mu = perNeuron(params.mu, THRESHOLD_DEFAULT_MU, seed, paramStream(k, 0), n, `${path}.params.mu`);
    pop.params = typeof mu === 'number' ? Float32Array.of(mu) : Float32Array.from(mu);
    pop.hetero = pop.params.length > 1;
    const s = perNeuron(init.n, 0, seed, initialStream(k, 0), n, `${path}.initial.n`);
    const st = new Int32Array(n);
    if (typeof s === 'number') st.fill(s);
    else for (let i = 0; i < n; i++) st[i] = s[i];
    pop.initial.n = st;
  },
  specBytes: (m, params, _s, buf) => buf(m * 4) + buf((params.mu === undefined || isUniformValue(params.mu as never) ? 1 : m) * 4),
};
