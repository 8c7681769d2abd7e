/** Messages between the demo page (web/main.ts) and its simulation worker (web/sim-worker.ts). */

export interface StartMessage {
  type: 'start';
  /** a model description (parsed JSON) */
  model: unknown;
  backend: 'wasm' | 'js';
  /** wasm only: force the scalar build (default: SIMD when the browser has it) */
  variant?: 'simd' | 'scalar';
  /** a number, or 'auto': the engine chooses from the network (src/sim/auto-threads.ts) */
  threads: number | 'auto';
  /** model time to run, ms; 0 = until stopped */
  durationMs: number;
  /** model time per wall time to keep to (1 = real time); 0 = as fast as possible */
  pace: number;
  /** live controls to apply before the first step */
  inputRateHz?: number;
  /** weight factor (relative to the model's weights) per group of projections: 'excitatory',
   *  'inhibitory' (by the type of the source population) or 'all' (sources without a type) */
  weightFactors?: Record<string, number>;
}

export type ToWorker =
  | StartMessage
  | { type: 'stop' }
  | { type: 'setInputRate'; rateHz: number }
  | { type: 'setWeights'; factors: Record<string, number> }
  | { type: 'pace'; pace: number };

export interface ModelInfo {
  name: string;
  neurons: number;
  synapses: number;
  dt: number;
  populations: { name: string; size: number; type?: string }[];
  /** Poisson inputs: index in the model's inputs[], target, initial rate (Hz) */
  poissonInputs: { index: number; target: string; rateHz: number }[];
  projections: { name: string; source: string; target: string; sourceType?: string }[];
  backend: string;
  variant: string;
  threads: number;
  /** the engine chose the thread count, and why */
  threadsAuto: boolean;
  threadsReason?: string;
  /** seconds of Simulation.create: validation, connectivity, arenas (compileSeconds included) */
  buildSeconds: number;
  /** the network has populations of models from equations (compiled at run time) */
  fromEquations: boolean;
  /** seconds compiling its models from equations (sim.compileSeconds: front end, code generation,
   *  WebAssembly compilation); 0 without such models */
  compileSeconds: number;
  durationMs: number;
  arenaBytes: number;
}

export interface Features {
  wasm: boolean;
  simd: boolean;
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  cores: number;
}

export type FromWorker =
  | { type: 'ready'; features: Features }
  | { type: 'invalid'; issues: { path: string; message: string }[]; running: boolean }
  | {
      type: 'error';
      name: string;
      message: string;
      running: boolean;
      /** a ModelError from Simulation.create (e.g. too large, or refused by the equations compiler): its issues */
      issues?: { path: string; message: string }[];
    }
  | { type: 'started'; info: ModelInfo }
  | {
      type: 'chunk';
      /** model time at the end of the chunk, ms */
      t: number;
      step: number;
      /** seconds spent inside sim.run so far (the engine's speed), and wall seconds since the start */
      runSeconds: number;
      wallSeconds: number;
      /** per population: spikes of this chunk */
      spikes: { steps: Int32Array; i: Int32Array }[];
      /** spikes per population since the start */
      totals: number[];
    }
  | { type: 'done'; reason: 'completed' | 'stopped' | 'error'; message?: string; t: number }
  | { type: 'applied'; what: string };
