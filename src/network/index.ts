/** src/network: model description → built network (validation, parameters, connectivity). */
export { ModelError, formatIssues, type ModelIssue } from './errors.ts';
export {
  validateModel, checkModel, stateVariables, channelsOf, LIF_DEFAULTS, THRESHOLD_DEFAULT_MU, DEFAULT_DURATION,
  DEFAULT_SEED, type CheckedModel,
} from './validate.ts';
export { buildNetwork, lifP21, lifBlock, type BuildOptions } from './build.ts';
export { estimateNetwork, type NetworkEstimate } from './estimate.ts';
export {
  toSteps, onGrid, GRID_TOL, poissonTable, poissonThreshold, sampleNeuronValues, compileValue, drawValue,
} from './values.ts';
export { generateIncoming, incomingToCSR, binomial, hypergeometric, detLog1m, type Incoming, type CSR } from './connect.ts';
export * as streams from './streams.ts';
