/** A spike arrives exactly `delay` steps later, on every backend and for every delay representation. */
import { describe, it, expect } from 'vitest';
import { BACKENDS, simulate } from './util.ts';
import type { ModelSpec, ValueSpec } from '../src/core/types.ts';

const dt = 0.1;

function delayModel(delay: ValueSpec, n = 4): ModelSpec {
  return {
    dt,
    duration: 40,
    populations: [
      { name: 'src', size: 1, model: 'spike_generator', params: { spike_times: [[0.5, 10]] } },
      // threshold units fire exactly in the step their input arrives (mu = 1, weight 1)
      { name: 'tu', size: n, model: 'threshold', params: { mu: 1 } },
      // delta LIF at rest with no leak drive: v jumps by the weight in the step of arrival
      { name: 'lif', size: n, model: 'lif', synapse: 'delta', params: { v_rest: -65, v_thresh: -50, v_reset: -65, tau_m: 10, cm: 1, tau_refrac: 0 }, initial: { v: -65 } },
    ],
    projections: [
      { source: 'src', target: 'tu', connect: { rule: 'all_to_all' }, weight: 1, delay },
      { source: 'src', target: 'lif', connect: { rule: 'all_to_all' }, weight: 2, delay },
    ],
    monitors: [
      { type: 'spikes', population: 'tu' },
      { type: 'state', population: 'lif', variables: ['v'], neurons: Array.from({ length: n }, (_, i) => i) },
    ],
  };
}

for (const b of BACKENDS) {
  describe(`delays on ${b.label}`, () => {
    for (const d of [1, 2, 7, 30, 255]) {
      it(`a constant delay of ${d} steps`, async () => {
        const sim = await simulate(delayModel(d * dt), b.opts, 40);
        const sp = sim.spikes('tu');
        // generator spikes at steps 5 and 100; every unit fires at 5 + d and 100 + d
        const expected: number[] = [];
        for (const s of [5, 100]) if (s + d < 400) for (let i = 0; i < 4; i++) expected.push(s + d);
        expect(Array.from(sp.steps)).toEqual(expected);
        // delta LIF: v unchanged at the start of step 5 + d, jumped by 2 mV at the start of the next
        const st = sim.state(0);
        const v = st.values.v[0];
        expect(v[5 + d]).toBe(-65);
        expect(v[5 + d + 1]).toBe(-63);
        sim.dispose();
      });
    }

    it('per-synapse delays (an array): each synapse delivers after its own delay', async () => {
      const delays = [0.1, 0.4, 1.2, 2.5];
      const sim = await simulate(delayModel(delays), b.opts, 40);
      const sp = sim.spikes('tu');
      const got = new Map<number, number[]>();
      for (let k = 0; k < sp.count; k++) got.set(sp.i[k], [...(got.get(sp.i[k]) ?? []), sp.steps[k]]);
      delays.forEach((d, i) => expect(got.get(i)).toEqual([5 + Math.round(d / dt), 100 + Math.round(d / dt)]));
      sim.dispose();
    });
  });
}
