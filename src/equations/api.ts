/**
 * The model language's public surface (exported as `equations` by the package): the front end
 * (analyse, compile to the kernel IR, evaluate the host-side quantities), the code generators and
 * quantities with units. The engine uses the same functions (src/equations/population.ts).
 */
export { analyzeModel, compileModel, evaluateDerived, parseOnPre, parseQuantity, EquationError } from './compile.ts';
export type { EquationSpec, ModelAnalysis, CompileOptions } from './compile.ts';
export type { EquationIssue } from './errors.ts';
export type { CompiledModel, OperandRole, HostExpr, LinearSystem, QuantityInfo, StateInfo, ParamInfo } from './model.ts';
export type { KernelIR, Expr, Cond, Stmt, Operand } from './ir.ts';
export { emitWasm, compileKernels } from './wasm.ts';
export { compileJsKernel, compileJsClosures, emitJsSource, type JsKernel } from './js.ts';
export * as mathf from './mathf.ts';
