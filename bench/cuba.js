// CUBA (Brette et al. 2007, benchmark 2) at any size: examples/cuba.json with N neurons (80 %
// excitatory) and connection probability 80/N, so that every neuron keeps ~80 inputs and the
// same firing rate as the 4,000-neuron original. atSize does the same to any model of two
// populations (E, I) with pairwise_bernoulli projections (COBA, COBAHH: bench/brette.js).
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(new URL('../examples/cuba.json', import.meta.url), 'utf8'));

/**
 * A copy of `spec` (populations[0] excitatory, populations[1] inhibitory) with N neurons, 80 % of
 * them excitatory, and p = synapsesPerNeuron / N (at most 1) on every projection; seed and duration set.
 */
export function atSize(spec, neurons, { seed = 1, durationMs = 1000, synapsesPerNeuron = 80 } = {}) {
  const m = structuredClone(spec);
  const ne = Math.round(neurons * 0.8);
  m.name = `${spec.name}-${neurons}`;
  m.seed = seed;
  m.duration = durationMs;
  m.populations[0].size = ne;
  m.populations[1].size = neurons - ne;
  const p = Math.min(1, synapsesPerNeuron / neurons);
  for (const pr of m.projections) pr.connect.p = p;
  return m;
}

/**
 * synapsesPerNeuron (default 80): the expected in-degree; weights are scaled by 80 / K so that the
 * mean synaptic drive stays that of CUBA (the rate stays in the CUBA range).
 */
export function cubaModel(neurons, { seed = 1, durationMs = 1000, monitors = true, synapsesPerNeuron = 80 } = {}) {
  const m = atSize(base, neurons, { seed, durationMs, synapsesPerNeuron });
  m.name = `cuba-${neurons}`;
  const scale = 80 / synapsesPerNeuron;
  if (scale !== 1) for (const pr of m.projections) pr.weight = pr.weight * scale;
  if (!monitors) m.monitors = [];
  return m;
}
