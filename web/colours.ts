/**
 * Colours by E/I type, so that Dale's principle shows: every population of excitatory neurons in a
 * blue, every inhibitory one in a red (shades when there are several), populations without a type
 * (sources, threshold units, models whose synapses may take either sign) in other colours.
 */
export const EXCITATORY = ['#1f77b4', '#08519c', '#4292c6', '#2171b5', '#0b3d91', '#3a7dc9'];
export const INHIBITORY = ['#d62728', '#a50f15', '#e8292b', '#b8141a', '#c9302c', '#d9281f'];
export const UNTYPED = ['#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e'];

export function populationColours(pops: readonly { type?: string }[]): string[] {
  let e = 0;
  let i = 0;
  let o = 0;
  return pops.map((p) =>
    p.type === 'excitatory' ? EXCITATORY[e++ % EXCITATORY.length] : p.type === 'inhibitory' ? INHIBITORY[i++ % INHIBITORY.length] : UNTYPED[o++ % UNTYPED.length],
  );
}
