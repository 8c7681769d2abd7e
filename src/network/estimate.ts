/**
 * Memory estimate of a model, computed from the description alone (no connectivity generated), so
 * that a network too large for one WebAssembly memory is refused in microseconds.
 *
 * The byte formula mirrors the arena plan of src/sim/simulation.ts (every buffer rounded up to
 * ARENA_ALIGN = 16 bytes, an empty buffer still taking 16):
 *   every population      spikes n*4
 *   lif 'exp'             v, ie, ii, bias, ref: 5 * n*4; params 10*4 (or 10*n*4 heterogeneous);
 *                         2 ring channels of ringSlots*n*4
 *   lif 'delta'           v, bias, ref: 3 * n*4; params; 1 ring channel
 *   threshold             state n*4; mu 4 (or n*4); 1 ring channel
 *   poisson               thresholds 4 (or n*4)
 *   spike_generator       nothing more (its events stay on the host)
 *   projection            rowPtr (nSrc+1)*4, targets nSyn*4, weights nSyn*4 if per synapse,
 *                         delays nSyn*1 if per synapse
 *   Poisson input         table length*4
 * ringSlots = largest delay in steps + 1 (at least 2). nSyn is exact for the fixed rules and the
 * expectation N_src*N_tgt*p (rounded) for pairwise_bernoulli.
 */
import type { ModelSpec, PopulationSpec, InputSpec } from '../core/types.ts';
import { ARENA_ALIGN, LIF_NPARAMS } from '../core/layout.ts';
import { ModelError } from './errors.ts';
import { checkModel, type CheckedModel } from './validate.ts';
import { isUniformValue, poissonTable } from './values.ts';
import { LIF_PARAM_NAMES } from './streams.ts';

export interface NetworkEstimate {
  neurons: number;
  /** exact for fixed rules, expected for pairwise_bernoulli */
  synapses: number;
  /** arena bytes */
  bytes: number;
  ringSlots: number;
  parts: { name: string; bytes: number }[];
}

function buf(bytes: number): number {
  return Math.max(ARENA_ALIGN, Math.ceil(bytes / ARENA_ALIGN) * ARENA_ALIGN);
}

/** Estimate a model's size. Validates first (throws ModelError with every issue). */
export function estimateNetwork(spec: ModelSpec): NetworkEstimate {
  const checked = checkModel(spec);
  if (checked.issues.length) throw new ModelError(checked.issues);
  return estimateChecked(spec, checked);
}

/** Estimate of a model already checked without issues. */
export function estimateChecked(spec: ModelSpec, checked: CheckedModel): NetworkEstimate {
  const parts: { name: string; bytes: number }[] = [];
  let ringSlots = 2;
  for (const p of checked.projections) ringSlots = Math.max(ringSlots, p.maxDelaySteps + 1);
  let neurons = 0;
  checked.populations.forEach((cp, k) => {
    const ps = spec.populations[k] as PopulationSpec;
    const n = cp.size;
    neurons += n;
    const params = (ps.params ?? {}) as Record<string, unknown>;
    let b = buf(n * 4); // spikes
    if (cp.model === 'lif') {
      b += (cp.synapse === 'delta' ? 3 : 5) * buf(n * 4);
      const hetero = LIF_PARAM_NAMES.some((name) => name !== 'i_offset' && params[name] !== undefined && !isUniformValue(params[name] as never));
      b += buf(LIF_NPARAMS * (hetero ? n : 1) * 4);
    } else if (cp.model === 'threshold') {
      b += buf(n * 4);
      b += buf((params.mu === undefined || isUniformValue(params.mu as never) ? 1 : n) * 4);
    } else if (cp.model === 'poisson') {
      b += buf((isUniformValue(params.rate as never) ? 1 : n) * 4);
    }
    parts.push({ name: `population ${cp.name}`, bytes: b });
    if (cp.channels > 0) parts.push({ name: `ring buffers ${cp.name}`, bytes: cp.channels * buf(ringSlots * n * 4) });
  });
  let synapses = 0;
  for (const cp of checked.projections) {
    const nSrc = checked.populations[cp.source].size;
    const nSyn = Math.round(cp.count);
    synapses += nSyn;
    let b = buf((nSrc + 1) * 4) + buf(nSyn * 4);
    if (cp.weightPerSynapse) b += buf(nSyn * 4);
    if (cp.delayPerSynapse) b += buf(nSyn);
    parts.push({ name: `projection ${cp.name}`, bytes: b });
  }
  let inputBytes = 0;
  (spec.inputs ?? []).forEach((inp: InputSpec) => {
    if (inp.type === 'poisson') inputBytes += buf(poissonTable((inp.rate * checked.dt) / 1000).length * 4);
  });
  if (inputBytes) parts.push({ name: 'inputs', bytes: inputBytes });
  const bytes = parts.reduce((s, p) => s + p.bytes, 0);
  return { neurons, synapses, bytes, ringSlots, parts };
}

/** The message of a model too large for `limit` bytes. */
export function tooLargeMessage(est: NetworkEstimate, limit: number): string {
  const gib = (b: number) => (b / 2 ** 30).toFixed(2);
  const top = est.parts
    .slice()
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((p) => `${p.name} ${gib(p.bytes)} GiB`)
    .join(', ');
  return (
    `the network is too large: ${est.neurons} neurons and ${est.synapses} synapses need ${est.bytes} bytes ` +
    `(${gib(est.bytes)} GiB) of arena, more than the limit of ${limit} bytes (${gib(limit)} GiB, one WebAssembly memory); ` +
    `largest parts: ${top}. Nothing was generated.`
  );
}
