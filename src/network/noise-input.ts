/**
 * Gaussian noise inputs (`{ type: 'noise', target, mean, std, receptor?, start?, stop? }`): a
 * current mean + std N(0, 1) drawn every step for every target neuron from the counter-based
 * generator (kernel noise_input, assembly/noise.ts = src/backend/js/noise.ts). Checked here and
 * built here; the target's model says whether and in which unit it takes one (src/neurons).
 */
import type { BuiltInput, NeuronKind, PlannedModelName } from '../core/types.ts';
import { modelsReceiving, neuronModel } from '../neurons/index.ts';
import type { CheckerLike } from './expr.ts';
import { stepWindow } from './values.ts';
import { noiseInputStream } from './streams.ts';

/**
 * Check a noise input (fields, target, mean, std, receptor); start and stop are checked by the
 * caller. Returns the ring channel of the target (0 = excitatory or the only one, 1 = inhibitory).
 */
export function checkNoiseInput(
  c: CheckerLike, x: Record<string, unknown>, path: string,
  tgt: { name?: string; model?: PlannedModelName; synapse?: 'exp' | 'delta' } | undefined,
): number {
  const rules = tgt?.model !== undefined ? neuronModel(tgt.model).rules : undefined;
  if (tgt && tgt.model !== undefined && !rules?.receives.noise)
    c.err(`${path}.target`, `population "${tgt.name}" (${tgt.model}) cannot receive input: targets must be ${modelsReceiving('noise')}`);
  const twoChannels = rules ? rules.channels(tgt?.synapse) === 2 : false;
  return twoChannels && (x.receptor as NeuronKind | undefined) === 'inhibitory' ? 1 : 0;
}

/** A built noise input (mean and std rounded to float32, as the kernel sees them). */
export function buildNoiseInput(
  inp: { mean?: number; std: number; start?: number; stop?: number }, i: number, target: number, channel: number,
  dt: number,
): BuiltInput {
  return {
    type: 'noise', target, channel, mean: Math.fround(inp.mean ?? 0), std: Math.fround(inp.std),
    ...stepWindow(inp, dt),
    stream: noiseInputStream(i),
  };
}
