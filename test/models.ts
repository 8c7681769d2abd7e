import type { ModelSpec } from '../src/core/types.ts';

/** A network exercising every part: delays (distributions and arrays), Poisson sources and inputs,
 * heterogeneous parameters, delta and exp synapses, current input, threshold units. */
export const mixedModel: ModelSpec = {
  name: 'mixed',
  dt: 0.1,
  duration: 300,
  seed: 42,
  populations: [
    { name: 'P', size: 200, model: 'poisson', params: { rate: { dist: 'uniform', low: 5, high: 40 } } },
    {
      name: 'E', size: 403, model: 'lif', type: 'excitatory', synapse: 'exp',
      params: { tau_m: { dist: 'normal', mean: 20, std: 2, min: 5 }, v_thresh: -50, v_reset: -65, v_rest: -65, tau_refrac: 2, tau_syn_e: 5, tau_syn_i: 10, cm: 0.25 },
      initial: { v: { dist: 'uniform', low: -65, high: -50 } },
    },
    {
      name: 'I', size: 101, model: 'lif', type: 'inhibitory', synapse: 'exp',
      params: { tau_m: 10, v_thresh: -50, v_reset: -60, v_rest: -65, tau_refrac: 1, tau_syn_e: 2, tau_syn_i: 4, cm: 0.25, i_offset: 0.1 },
    },
    {
      name: 'D', size: 57, model: 'lif', synapse: 'delta',
      params: { tau_m: 15, v_thresh: -52, v_reset: -70, v_rest: -65, tau_refrac: 3, cm: 0.5 },
    },
    { name: 'T', size: 64, model: 'threshold', params: { mu: { dist: 'uniform', low: 0.5, high: 3 } } },
  ],
  projections: [
    { source: 'P', target: 'E', connect: { rule: 'fixed_indegree', indegree: 20 }, weight: 0.3, delay: { dist: 'uniform', low: 0.1, high: 3 } },
    { source: 'P', target: 'D', connect: { rule: 'pairwise_bernoulli', p: 0.1 }, weight: { dist: 'normal', mean: 1.5, std: 0.5 }, delay: 1 },
    { source: 'E', target: 'E', connect: { rule: 'pairwise_bernoulli', p: 0.05, allow_autapses: false }, weight: { dist: 'normal', mean: 0.1, std: 0.05, min: 0 }, delay: { dist: 'normal', mean: 1.5, std: 0.75, min: 0.1 } },
    { source: 'E', target: 'I', connect: { rule: 'fixed_outdegree', outdegree: 10 }, weight: 0.2, delay: 0.5 },
    { source: 'I', target: 'E', connect: { rule: 'fixed_total_number', n: 4000 }, weight: { dist: 'uniform', low: -0.8, high: -0.2 }, delay: 0.8 },
    { source: 'E', target: 'D', connect: { rule: 'fixed_indegree', indegree: 30, allow_multapses: false }, weight: 0.5, delay: { dist: 'uniform', low: 0.1, high: 10 } },
    { source: 'E', target: 'T', connect: { rule: 'pairwise_bernoulli', p: 0.05 }, weight: 1, delay: 0.1 },
    { source: 'T', target: 'T', connect: { rule: 'fixed_indegree', indegree: 5 }, weight: { dist: 'normal', mean: 0, std: 1 }, delay: 0.2 },
    { source: 'T', target: 'I', connect: { rule: 'all_to_all' }, weight: 0.05, delay: 2 },
  ],
  inputs: [
    { type: 'poisson', target: 'E', rate: 2000, weight: 0.05, receptor: 'excitatory' },
    { type: 'poisson', target: 'I', rate: 800, weight: -0.1, receptor: 'inhibitory', start: 100, stop: 250 },
    { type: 'current', target: 'D', amplitude: 0.4, start: 50, stop: 200 },
  ],
  monitors: ['P', 'E', 'I', 'D', 'T'].map((p) => ({ type: 'spikes' as const, population: p })),
};

/** A stochastic model: rand() in the equations, xi noise (Euler–Maruyama), a Poisson input into g. */
export const noisy: ModelSpec = {
  name: 'noisy', dt: 0.1, duration: 100, seed: 3,
  models: {
    ou: {
      equations: [
        'dv/dt = (mu - v + g*(E - v)/gL)/tau + sigma*sqrt(2/tau)*xi : volt (unless refractory)',
        'dg/dt = -g/tau_g : siemens',
        'I = 0.5*rand()*mV : volt',
      ].join('\n'),
      threshold: 'v > -50*mV + I',
      reset: 'v = -65*mV',
      refractory: '2*ms',
      parameters: { mu: '-52*mV', tau: '10*ms', sigma: '3*mV', E: '0*mV', gL: '10*nS', tau_g: '5*ms' },
    },
  },
  populations: [{ name: 'P', size: 203, model: 'ou', initial: { v: { dist: 'uniform', low: -65, high: -50 } } }],
  projections: [{ name: 'PP', source: 'P', target: 'P', connect: { rule: 'fixed_indegree', indegree: 10 }, weight: 0.0005, delay: 0.5, on_pre: 'g += w' }],
  inputs: [{ type: 'poisson', target: 'P', rate: 2000, weight: 0.001, on_pre: 'g += w' }],
  monitors: [{ type: 'spikes', population: 'P' }],
};
