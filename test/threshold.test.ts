/** McCulloch–Pitts threshold units on every backend: gates and a recurrent network with a known sequence. */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { BACKENDS, simulate } from './util.ts';
import type { ModelSpec } from '../src/core/types.ts';

const gates = JSON.parse(readFileSync(new URL('../examples/threshold-gates.json', import.meta.url), 'utf8')) as ModelSpec;

function firingSteps(sim: Awaited<ReturnType<typeof simulate>>, pop: string): number[] {
  return Array.from(sim.spikes(pop).steps);
}

for (const b of BACKENDS) {
  describe(`threshold units on ${b.label}`, () => {
    it('compute AND, OR, NOT and XOR (examples/threshold-gates.json)', async () => {
      const spec: ModelSpec = {
        ...gates,
        monitors: ['A', 'B', 'AND', 'OR', 'NOT_A', 'XOR'].map((p) => ({ type: 'spikes' as const, population: p })),
      };
      const sim = await simulate(spec, b.opts);
      const A = new Set(firingSteps(sim, 'A'));
      const B = new Set(firingSteps(sim, 'B'));
      const AND = new Set(firingSteps(sim, 'AND'));
      const OR = new Set(firingSteps(sim, 'OR'));
      const NOT = new Set(firingSteps(sim, 'NOT_A'));
      const XOR = new Set(firingSteps(sim, 'XOR'));
      const steps = sim.step;
      sim.dispose();
      // layer 1 answers one step after its inputs, layer 2 two steps after
      for (let t = 0; t + 2 < steps; t++) {
        const a = A.has(t), bb = B.has(t);
        expect(AND.has(t + 1), `AND at ${t + 1}`).toBe(a && bb);
        expect(OR.has(t + 1), `OR at ${t + 1}`).toBe(a || bb);
        expect(NOT.has(t + 1), `NOT at ${t + 1}`).toBe(!a);
        expect(XOR.has(t + 2), `XOR at ${t + 2}`).toBe(a !== bb);
      }
      // all four patterns were presented
      expect([...A].filter((t) => B.has(t)).length).toBeGreaterThan(0);
    });

    it('run a recurrent ring with a known state sequence (shift register and a 2-unit oscillator)', async () => {
      // ring: 0 -> 1 -> 2 -> 3 -> 4 -> 0 with unit 0 and 2 active at step 0; the pattern rotates by one unit per step.
      // oscillator: two units inhibiting an always-on... implemented as x(t+1) = NOT x(t): weight -1, mu 0.
      const explicitRing = { rule: 'explicit' as const, sources: [0, 1, 2, 3, 4], targets: [1, 2, 3, 4, 0] };
      const spec: ModelSpec = {
        dt: 1,
        duration: 40,
        populations: [
          { name: 'ring', size: 5, model: 'threshold', params: { mu: 1 }, initial: { n: [1, 0, 1, 0, 0] } },
          { name: 'osc', size: 1, model: 'threshold', params: { mu: 0 } },
        ],
        projections: [
          { source: 'ring', target: 'ring', connect: explicitRing, weight: 1, delay: 1 },
          { source: 'osc', target: 'osc', connect: { rule: 'one_to_one' }, weight: -1, delay: 1 },
        ],
        monitors: [
          { type: 'state', population: 'ring', variables: ['n'], neurons: [0, 1, 2, 3, 4] },
          { type: 'spikes', population: 'osc' },
        ],
      };
      const sim = await simulate(spec, b.opts);
      const st = sim.state(0);
      const osc = new Set(firingSteps(sim, 'osc'));
      sim.dispose();
      // state sampled at the start of step t is n(t-1); expected n(t) = initial rotated by t
      const init = [1, 0, 1, 0, 0];
      for (let k = 1; k < st.t.length; k++) {
        const t = k - 1;
        for (let i = 0; i < 5; i++) expect(st.values.n[i][k], `unit ${i} at step ${t}`).toBe(init[(((i - t) % 5) + 5) % 5]);
      }
      // oscillator: n(0) = 0, then 1, 0, 1, ...
      for (let t = 0; t < 40; t++) expect(osc.has(t), `osc at ${t}`).toBe(t % 2 === 1);
    });
  });
}
