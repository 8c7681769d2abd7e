/**
 * LIF neuron against closed forms, on every backend:
 *  - membrane potential under constant current: v(t) = v_rest + R I (1 - exp(-t/tau_m)),
 *    R = tau_m / cm, relative error <= 1e-5, and the refractory hold at v_reset;
 *  - firing rate under constant current against the analytic f-I relation with refractory period
 *    T = t_ref + tau_m ln((R I + v_rest - v_reset) / (R I + v_rest - v_th)), within the time grid.
 */
import { describe, it, expect } from 'vitest';
import { BACKENDS, simulate, lifModel } from './util.ts';

const base = { tau_m: 10, cm: 0.25, v_rest: -65, v_thresh: -50, v_reset: -70, tau_refrac: 2, tau_syn_e: 0.5, tau_syn_i: 0.5 };
const dt = 0.1;

for (const b of BACKENDS) {
  describe(`lif on ${b.label}`, () => {
    it('follows the closed form under constant current, below threshold (rel. error <= 1e-5)', async () => {
      const I = 0.3; // nA: R I = 12 mV, v_inf = -53 mV < threshold
      const R = base.tau_m / base.cm;
      const sim = await simulate(
        lifModel({ ...base, i_offset: I }, { monitors: [{ type: 'state', population: 'n', variables: ['v'], neurons: [0] }] }),
        b.opts,
        200,
      );
      const st = sim.state(0);
      const v = st.values.v[0];
      expect(v.length).toBe(2000);
      let worst = 0;
      for (let k = 0; k < v.length; k++) {
        const t = st.t[k];
        const exact = base.v_rest + R * I * (1 - Math.exp(-t / base.tau_m));
        worst = Math.max(worst, Math.abs(v[k] - exact) / Math.abs(exact));
      }
      expect(worst).toBeLessThanOrEqual(1e-5);
      expect(sim.spikeTotals[0]).toBe(0);
      sim.dispose();
    });

    it('holds v at v_reset during the refractory period, then relaxes along the closed form', async () => {
      const I = 2; // nA: R I = 80 mV, fires
      const R = base.tau_m / base.cm;
      const sim = await simulate(
        lifModel({ ...base, i_offset: I }, {
          monitors: [
            { type: 'state', population: 'n', variables: ['v'], neurons: [0] },
            { type: 'spikes', population: 'n' },
          ],
        }),
        b.opts,
        30,
      );
      const v = sim.state(0).values.v[0];
      const spikeSteps = Array.from(sim.spikes('n').steps);
      expect(spikeSteps.length).toBeGreaterThan(2);
      const refSteps = Math.round(base.tau_refrac / dt);
      const vInf = base.v_rest + R * I;
      // v recorded at the start of step k is the state after k steps (time k*dt)
      for (let j = 0; j + 1 < spikeSteps.length; j++) {
        const s = spikeSteps[j];
        for (let k = s + 1; k <= s + 1 + refSteps; k++) expect(v[k]).toBe(Math.fround(base.v_reset));
        const release = s + 1 + refSteps; // first step that integrates again
        for (let k = release + 1; k <= spikeSteps[j + 1]; k++) {
          const exact = vInf + (base.v_reset - vInf) * Math.exp(-((k - release) * dt) / base.tau_m);
          expect(Math.abs(v[k] - exact) / Math.abs(exact)).toBeLessThanOrEqual(1e-5);
        }
      }
      sim.dispose();
    });

    it('fires at the analytic f-I rate (within the time grid) and not below rheobase', async () => {
      const R = base.tau_m / base.cm;
      const rheobase = (base.v_thresh - base.v_rest) / R; // 0.375 nA
      for (const I of [0.3, 0.376, 0.4, 0.5, 0.8, 1.5, 3]) {
        const duration = 2000;
        const sim = await simulate(
          lifModel({ ...base, i_offset: I }, { monitors: [{ type: 'spikes', population: 'n' }] }),
          b.opts,
          duration,
        );
        const steps = Array.from(sim.spikes('n').steps);
        sim.dispose();
        if (I <= rheobase) {
          expect(steps.length, `I = ${I} nA is below rheobase`).toBe(0);
          continue;
        }
        const T = base.tau_refrac + base.tau_m * Math.log((R * I + base.v_rest - base.v_reset) / (R * I + base.v_rest - base.v_thresh));
        // first spike starts from v_rest, later ones from v_reset: use the inter-spike intervals
        expect(steps.length).toBeGreaterThan(2);
        const isi = ((steps[steps.length - 1] - steps[0]) / (steps.length - 1)) * dt;
        // the threshold crossing is detected at the end of a step: each ISI is T rounded up to the grid
        expect(isi).toBeGreaterThanOrEqual(T - 1e-9);
        expect(isi).toBeLessThanOrEqual(T + dt + 1e-9);
        const rate = 1000 / isi;
        expect(Math.abs(rate - 1000 / T) / (1000 / T)).toBeLessThan(dt / T + 1e-9);
      }
    });
  });
}
