/** Messages between the page's small-model views (#neuron, #gates) and their worker (web/lab-worker.ts). */

/** One neuron model the #neuron view offers. */
export interface NeuronEntry {
  id: string;
  title: string;
  /** one or two sentences */
  description: string;
  /** the unit of the current slider, and its range */
  unit: string;
  currentMax: number;
  currentStep: number;
  currentDefault: number;
  /** lines to mark on the membrane potential: threshold, reset, spike cut-off (mV) */
  marks: { label: string; v: number; kind: 'threshold' | 'reset' | 'cutoff' }[];
  /** the y range of the trace, mV */
  vRange: [number, number];
}

/** A threshold unit of the #gates view: n(t+1) = 1 if wA A + wB B >= mu (layer 1), or of the OR and AND units (XOR). */
export interface GateUnit {
  name: string;
  /** weights from its two inputs (A and B, or OR and AND for the second layer) */
  w: [number, number];
  mu: number;
}

export interface GatesRequest {
  /** layer 1: units reading A and B */
  layer1: GateUnit[];
  /** layer 2: one unit reading the layer-1 units named in `inputs` */
  layer2: GateUnit & { inputs: [string, string] };
}

export type ToLab =
  | { type: 'neuron-start'; model: string; current: number; pace: number }
  | { type: 'neuron-current'; current: number }
  | { type: 'neuron-pace'; pace: number }
  | { type: 'neuron-stop' }
  | { type: 'fi'; id: number; model: string; currents: number[]; durationMs: number }
  | { type: 'gates'; id: number; request: GatesRequest };

export type FromLab =
  | { type: 'ready'; neurons: NeuronEntry[] }
  | { type: 'neuron-chunk'; model: string; current: number; t: Float64Array; v: Float32Array; spikes: Float64Array }
  | { type: 'neuron-stopped' }
  | { type: 'fi'; id: number; model: string; currents: number[]; rates: number[]; durationMs: number; seconds: number }
  /** per unit, its output (0/1) for the input patterns (A, B) = 00, 01, 10, 11 */
  | { type: 'gates'; id: number; outputs: Record<string, number[]>; steps: number }
  | { type: 'lab-error'; what: string; message: string };
