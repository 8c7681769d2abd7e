/** axonal public API. */
export { Simulation, SimulationError } from './sim/simulation.ts';
export type { SimulationOptions, RunOptions, RunResult, PlanSummary } from './sim/simulation.ts';
export type { SpikeData } from './sim/monitors.ts';
export { buildNetwork, validateModel, estimateNetwork, ModelError } from './network/index.ts';
export { createBackend, detectFeatures, setWasmLocator, type WasmLocator, type WasmVariant } from './backend/index.ts';
export type { Backend, BackendName, Kernels } from './backend/types.ts';
export type * from './core/types.ts';
export { VERSION } from './version.ts';
