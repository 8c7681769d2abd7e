// CUBA (Brette et al. 2007, benchmark 2) at any size: examples/cuba.json with N neurons (80 %
// excitatory) and connection probability 80/N, so that every neuron keeps ~80 inputs and the
// same firing rate as the 4,000-neuron original.
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(new URL('../examples/cuba.json', import.meta.url), 'utf8'));

/**
 * synapsesPerNeuron (default 80): the expected in-degree; weights are scaled by 80 / K so that the
 * mean synaptic drive stays that of CUBA (the rate stays in the CUBA range).
 */
export function cubaModel(neurons, { seed = 1, durationMs = 1000, monitors = true, synapsesPerNeuron = 80 } = {}) {
  const m = structuredClone(base);
  const ne = Math.round(neurons * 0.8);
  m.name = `cuba-${neurons}`;
  m.seed = seed;
  m.duration = durationMs;
  m.populations[0].size = ne;
  m.populations[1].size = neurons - ne;
  const p = Math.min(1, synapsesPerNeuron / neurons);
  const scale = 80 / synapsesPerNeuron;
  for (const pr of m.projections) {
    pr.connect.p = p;
    if (scale !== 1) pr.weight = pr.weight * scale;
  }
  if (!monitors) m.monitors = [];
  return m;
}
