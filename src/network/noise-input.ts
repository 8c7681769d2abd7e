/**
 * Gaussian noise inputs (`{ type: 'noise', target, mean, std, receptor?, start?, stop? }`): a
 * current mean + std N(0, 1) drawn every step for every target neuron from the counter-based
 * generator (kernel noise_input, assembly/noise.ts = src/backend/js/noise.ts). Checked here and
 * built here; the target's model says whether and in which unit it takes one (src/neurons).
 */
import type { BuiltInput, NeuronKind, PlannedModelName } from '../core/types.ts';
import { modelsReceiving, neuronModel } from '../neurons/index.ts';
import type { CheckerLike } from './expr.ts';
import { isArrayLike, stepWindow } from './values.ts';
import { noiseInputStream } from './streams.ts';

export const NOISE_INPUT_FIELDS = ['type', 'target', 'mean', 'std', 'receptor', 'start', 'stop'];

function show(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || typeof x !== 'object') return String(x);
  return isArrayLike(x) ? `an array of length ${x.length}` : 'an object';
}

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
  const unit = rules?.receives.noise ? rules.inputUnit(tgt?.synapse) : '';
  const u = unit ? ` (${unit})` : '';
  if (x.mean !== undefined) c.num(x.mean, `${path}.mean`, `a number${u}`);
  if (x.std === undefined) c.err(`${path}.std`, `is required (standard deviation of the current drawn every step${u})`);
  else {
    const s = c.num(x.std, `${path}.std`, `a number >= 0${u}`);
    if (s !== undefined && s < 0) c.err(`${path}.std`, `must be >= 0, got ${s}`);
  }
  if (x.receptor !== undefined && x.receptor !== 'excitatory' && x.receptor !== 'inhibitory') {
    c.err(`${path}.receptor`, `must be 'excitatory' or 'inhibitory', got ${show(x.receptor)}`);
    return 0;
  }
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
