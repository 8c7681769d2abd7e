/** src/network: model description → built network (validation, parameters, connectivity). */
export { ModelError, formatIssues, type ModelIssue } from './errors.ts';
export {
  validateModel, assertValidModel, checkModel, stateVariables, channelsOf, DEFAULT_DURATION,
  DEFAULT_SEED, type CheckedModel,
} from './validate.ts';
export { planNetwork, type PlanOptions } from './build.ts';
export { lifP21, lifBlock, LIF_DEFAULTS } from '../neurons/lif/model.ts';
export { THRESHOLD_DEFAULT_MU } from '../neurons/threshold/model.ts';
export { planProjection } from './plan.ts';
export {
  estimateNetwork, estimateShards, type NetworkEstimate, type ShardsEstimate, type ShardEstimate, type ProjectionEstimate,
} from './estimate.ts';
export {
  toSteps, onGrid, GRID_TOL, poissonTable, poissonThreshold, sampleNeuronValues, compileValue, drawValue,
} from './values.ts';
export { binomial, binomialCdf, hypergeometric, totalNumberCounts, explicitByTarget, synapseCount } from './connect.ts';
export * as streams from './streams.ts';
export {
  columnOf, columnCentre, sheetDistance, neuronDistance, neuronsPerColumn, maxSheetDistance, spatialOffsetTable, DEFAULT_SPACING,
} from './sheet.ts';
export {
  buildIzhikevich, izhikevichBlock, IZHIKEVICH_DEFAULTS, IZHIKEVICH_DEFAULT_V, IZHIKEVICH_SCHEMES, izhikevichStateVariables,
  schemeCode,
} from '../neurons/izhikevich/model.ts';
export { parseExpr, evalExpr, exprBounds, exprVariables, resolveNeuronValues, ExprSyntaxError, type ExprNode } from './expr.ts';
