/** axonal public API. */
export { Simulation, SimulationError, SnapshotError } from './sim/simulation.ts';
export type { SimulationOptions, RunOptions, RunResult, PlanSummary, SnapshotOptions } from './sim/simulation.ts';
export type { Delivery } from './core/delivery.ts';
export type { SpikeData } from './sim/monitors.ts';
export { planNetwork, validateModel, assertValidModel, estimateNetwork, estimateShards, ModelError, type ModelIssue } from './network/index.ts';
export { modelJsonSchema } from './network/schema.ts';
export { buildShardProjection, type ShardProjection } from './sim/connectivity.ts';
export { createBackend, detectFeatures, setWasmLocator, type WasmLocator, type WasmVariant } from './backend/index.ts';
export { setWorkerLocator, type WorkerLocator } from './sim/platform.ts';
export type { Backend, BackendName, Kernels } from './backend/types.ts';
export type * from './core/types.ts';
export { VERSION } from './version.ts';
export { microcircuit, microcircuitDerived, type MicrocircuitOptions, type MicrocircuitDerived } from './models/microcircuit.ts';
export * as microcircuitParams from './models/microcircuit.ts';
export * as analysis from './analysis/index.ts';
export {
  thalamocorticalModel, thalamocorticalStructure, thalamocorticalProjections, type ThalamocorticalOptions, type ThalamocorticalStructure,
} from './models/thalamocortical.ts';
export * as thalamocorticalParams from './models/thalamocortical.ts';
/**
 * The model language on its own (docs/equations.md): analyse and compile a model from equations,
 * generate its WebAssembly module or JavaScript kernel, parse a quantity with units.
 */
export * as equations from './equations/api.ts';
/** what `threads: "auto"` would choose for a planned network on `cores` cores, and why */
export { chooseThreads, type ThreadChoice } from './sim/auto-threads.ts';
/** the standard cells (PyNN's names, NEST's as aliases; docs/cells.md) */
export { standardCell, standardCells, type StandardCell } from './neurons/cells/index.ts';
/** time series as an SVG line plot (docs/figures/cells/ are drawn with it) */
export { traceSvg, type Trace, type TracePanel, type TraceFigure } from './plot/trace.ts';
