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
  /** record one neuron's membrane potential (or other state variable) from the start: a state monitor every step */
  probe?: ProbeTarget;
}

/** Continue a snapshot file (sim.snapshot()) in place of the running network: Simulation.restore. */
export interface RestoreMessage {
  type: 'restore';
  /** the file's bytes (transferred) and its name (for the error messages) */
  bytes: Uint8Array;
  name: string;
  backend: 'wasm' | 'js';
  variant?: 'simd' | 'scalar';
  threads: number | 'auto';
  /** model time to run to, ms (the restored network starts at the snapshot's time); 0 = until stopped */
  durationMs: number;
  pace: number;
  /** the neuron the page draws: sampled between steps unless the snapshot's state monitor records one */
  probe?: ProbeTarget;
}

/** A neuron whose state the page draws (a click on the raster). */
export interface ProbeTarget {
  population: string;
  /** index within the population */
  neuron: number;
}

/** Models the worker generates with the engine's builders (src/models): the large networks. */
export type GenerateRequest =
  | { kind: 'microcircuit'; scaleN: number; scaleK: number }
  | { kind: 'thalamocortical'; neurons: number };

export type ToWorker =
  | StartMessage
  | RestoreMessage
  | { type: 'stop' }
  /** take a snapshot of the network between two runs (a running one pauses meanwhile) */
  | { type: 'snapshot' }
  | { type: 'setInputRate'; rateHz: number }
  | { type: 'setWeights'; factors: Record<string, number> }
  | { type: 'pace'; pace: number }
  /** draw this neuron's state from now on (sampled between steps while running), or none */
  | { type: 'probe'; target: ProbeTarget | null }
  | { type: 'generate'; id: number; request: GenerateRequest };

export interface ModelInfo {
  name: string;
  neurons: number;
  synapses: number;
  dt: number;
  populations: {
    name: string;
    size: number;
    type?: string;
    /** the population lies on a sheet of columns (PopulationSpec.sheet) */
    sheet?: { x: number; y: number };
    /** the state variable a probe of this population records ('v', or 'n' for threshold units), if any */
    probeVariable?: string;
    /** marks for the probe's trace: threshold and reset (mV), when the model has them */
    threshold?: number;
    reset?: number;
  }[];
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
  /** the step and model time (ms) it starts at, and spikes per population before it (non-zero when restored) */
  step: number;
  t: number;
  totals: number[];
  /** the neuron drawn from the start, and whether a state monitor records it every step */
  probe: ProbeTarget | null;
  probeExact: boolean;
  /** restored from a snapshot: the file, its model (JSON text, without the monitors the worker adds) and
   *  the live controls as they were when it was taken (from the page's data in the snapshot, if any) */
  restored?: { file: string; modelText: string; inputRateHz?: number; weightFactors?: Record<string, number> };
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
      /** what failed: starting a model (the default), taking a snapshot or restoring one */
      action?: 'snapshot' | 'restore';
      /** a network is still there (running or stopped): its views stay */
      kept?: boolean;
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
      /** the probed neuron's state over this chunk */
      probe?: { target: ProbeTarget; variable: string; t: Float64Array; y: Float32Array; exact: boolean };
    }
  | { type: 'generated'; id: number; model?: unknown; error?: string }
  /** a snapshot (transferred), its file name (`<model>-t<ms>.axsnap`) and model time (ms) */
  | { type: 'snapshot'; bytes: Uint8Array; name: string; t: number }
  | { type: 'done'; reason: 'completed' | 'stopped' | 'error'; message?: string; t: number }
  | { type: 'applied'; what: string };
