/**
 * `threads: "auto"`: how many shards (worker threads) a network runs on when nobody says.
 *
 * Shards meet at a barrier once per minimum-delay interval. A second thread halves the work of an
 * interval but adds the cost of the meeting (waking the other thread, exchanging the interval's
 * spikes), a few tens of microseconds on this kind of machine. So a network runs on one thread
 * when the work of one interval is small, and on every core when it is large:
 *
 *     work per interval (ns) = minDelay × (Σ updates × ns per update + Σ events per step × ns per event)
 *     ns per update          = NS_PER_NEURON for a built-in model; for a model from equations the
 *                              operations of its kernel (src/equations/cost.ts) × NS_PER_OP, at
 *                              least NS_PER_NEURON (a Hodgkin–Huxley neuron costs 25 LIF updates)
 *     events per step        = synapses × NOMINAL_RATE_HZ × dt / 1000, per projection
 *     ns per event           = NS_PER_DENSE_EVENT for all_to_all (rows of consecutive targets,
 *                              delivered four at a time), NS_PER_EVENT for the other rules
 *     threads = cores  if work per interval ≥ MIN_WORK_PER_INTERVAL_NS, else 1
 *
 * The constants were measured on the 2-core development machine (bench/README.md, "Threads:
 * auto", `npm run bench -- --auto-threads`): CUBA from 4,000 to 100,000 neurons on 1 and 2 threads;
 * the second thread starts to pay at CUBA-20k (17 µs per interval by this rule: 1.02×) and gives
 * 1.11× at CUBA-40k (34 µs), so the threshold sits between them. The firing rate is not known before the run; 10 Hz stands in
 * for it. A Poisson or noise input counts as one more update of each neuron it drives.
 *
 * A network whose one shard would not fit one WebAssembly memory takes the smallest thread
 * count whose largest shard fits (Simulation.create checks that count).
 */
import type { NetworkPlan } from '../core/types.ts';
import { kernelCost } from '../equations/cost.ts';

/** ns of one neuron update (state, inputs, threshold) in a large population, wasm SIMD */
export const NS_PER_NEURON = 0.6;
/** ns of one unit of kernelCost (src/equations/cost.ts): COBAHH's 1,545 units ≈ 25 LIF updates */
export const NS_PER_OP = 0.01;
/** ns of one synaptic event delivered into a ring (scattered targets) */
export const NS_PER_EVENT = 3;
/** ns of one synaptic event of an all_to_all projection (consecutive targets, SIMD delivery) */
export const NS_PER_DENSE_EVENT = 0.4;
/** the rate assumed for populations whose rate is not known before the run */
export const NOMINAL_RATE_HZ = 10;
/** below this much work per exchange interval, one thread is faster than several */
export const MIN_WORK_PER_INTERVAL_NS = 20_000;

export interface ThreadChoice {
  threads: number;
  /** one sentence: what was chosen and why (for sim.notes, summary.json and the progress line) */
  reason: string;
  /** estimated work per exchange interval, µs of one core */
  workPerIntervalUs: number;
}

/** The thread count for `threads: "auto"` (see the rule above); `minFit` is the smallest count whose shards fit memory. */
export function chooseThreads(net: NetworkPlan, cores: number, minFit = 1): ThreadChoice {
  let eventNs = 0;
  for (const pr of net.projections) eventNs += ((pr.synapses * NOMINAL_RATE_HZ * net.dt) / 1000) * (pr.rule === 'all_to_all' ? NS_PER_DENSE_EVENT : NS_PER_EVENT);
  // a neuron update costs by its model; a Poisson or noise input draws for every target neuron every step: as much as an update
  let updateNs = 0;
  for (const p of net.populations) updateNs += p.size * (p.equations ? Math.max(NS_PER_NEURON, kernelCost(p.equations.compiled.kernel) * NS_PER_OP) : NS_PER_NEURON);
  for (const inp of net.inputs) if (inp.type === 'poisson' || inp.type === 'noise') updateNs += net.populations[inp.target].size * NS_PER_NEURON;
  const interval = Math.max(1, net.minDelay);
  const work = interval * (updateNs + eventNs);
  const us = work / 1000;
  const per = `${us < 10 ? us.toFixed(1) : Math.round(us)} µs of work per exchange interval of ${interval} step${interval > 1 ? 's' : ''}`;
  const limit = MIN_WORK_PER_INTERVAL_NS / 1000;
  if (minFit > 1) {
    const t = Math.max(minFit, work >= MIN_WORK_PER_INTERVAL_NS ? cores : 1);
    return { threads: t, workPerIntervalUs: us, reason: `threads auto: ${t}, the fewest whose shards fit one WebAssembly memory each${t > minFit ? ', and all cores' : ''} (${per})` };
  }
  if (cores <= 1 || work < MIN_WORK_PER_INTERVAL_NS)
    return { threads: 1, workPerIntervalUs: us, reason: `threads auto: 1 (${per}, below the ${limit} µs at which a second thread pays for the meeting of the shards${cores <= 1 ? '; one core here' : ''})` };
  return { threads: cores, workPerIntervalUs: us, reason: `threads auto: ${cores}, one per core (${per}, above ${limit} µs)` };
}
