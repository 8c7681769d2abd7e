/**
 * The kernel IR: what a model from equations becomes after parsing, unit checking and choosing an
 * integration method (src/equations/compile.ts), and what the code generators turn into a
 * WebAssembly function (src/equations/wasm.ts, scalar and f32x4 SIMD) and into a JavaScript kernel
 * (src/equations/js.ts). Both generators perform exactly the operations written here, in this
 * order, in IEEE float32, so that every backend gives the same bits.
 *
 * A kernel is straight-line code run once per neuron i of a slice [0, n): no branches, only
 * `select` (so that the SIMD generator can run four neurons per iteration, lane by lane, and give
 * the bits of the scalar one). Its signature, in WebAssembly and in JS, is
 *
 *     kernel(n: i32, args: i32, spikes: i32) -> i32
 *
 * where args is the byte address of u32[k], one byte address per operand (in operand order), and
 * spikes the address of an i32 spike buffer: every neuron i for which the `spike` statement's
 * condition holds is appended to it, in ascending order of i; the kernel returns how many it
 * appended.
 *
 * Operands are float32 arrays in the shard's memory:
 *   - per: 'neuron'  element i is at address p + 4*i (the state of the neuron, a per-neuron
 *                    parameter, a ring slot of input, a buffer of random draws);
 *   - per: 'scalar'  one float32 at address p, the same for every neuron of the call (a
 *                    parameter shared by the population, a constant computed on the host, `t`).
 * A `load` always reads the value the operand had when the kernel started for this neuron (the
 * generators load every operand an expression uses before the first store to it: the front end
 * writes stores last, and never stores to an operand it loads afterwards for the same neuron).
 */

/** Functions of one float32 implementation shared by both generators (src/equations/mathf.ts). */
export type MathFn1 =
  | 'exp' | 'log' | 'expm1' | 'exprel' | 'sin' | 'cos' | 'tanh'
  | 'sqrt' | 'abs' | 'floor' | 'ceil' | 'trunc' | 'sign';
export type MathFn2 = 'pow' | 'min' | 'max';

export type Expr =
  /** a float32 constant; `value` is exactly representable in float32 (already Math.fround-ed) */
  | { op: 'const'; value: number }
  /** the operand's value for this neuron (per-neuron) or for the call (scalar) */
  | { op: 'load'; operand: number }
  /** a temporary defined earlier by a `let` */
  | { op: 'local'; id: number }
  | { op: 'add' | 'sub' | 'mul' | 'div'; a: Expr; b: Expr }
  | { op: 'neg'; a: Expr }
  | { op: 'call1'; fn: MathFn1; a: Expr }
  | { op: 'call2'; fn: MathFn2; a: Expr; b: Expr }
  /** `cond ? a : b`, both sides evaluated (they are pure) */
  | { op: 'select'; cond: Cond; a: Expr; b: Expr }
  /** 1.0 where the condition holds, else 0.0 (Brian2's boolean used as a number) */
  | { op: 'bool'; cond: Cond };

export type Cond =
  | { op: 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne'; a: Expr; b: Expr }
  | { op: 'and' | 'or'; a: Cond; b: Cond }
  | { op: 'not'; a: Cond }
  /** a boolean temporary defined earlier by a `letc` */
  | { op: 'clocal'; id: number }
  | { op: 'true' }
  | { op: 'false' };

export type Stmt =
  /** temporary `id` (f32) := value; ids are unique within a kernel */
  | { op: 'let'; id: number; value: Expr }
  /** boolean temporary `id` := cond; ids share the numbering of `let` */
  | { op: 'letc'; id: number; cond: Cond }
  /** operand (per-neuron or scalar... only per-neuron operands are stored to) := value */
  | { op: 'store'; operand: number; value: Expr }
  /** append i to the spike buffer when cond holds; at most one per kernel */
  | { op: 'spike'; cond: Cond };

export interface Operand {
  /** a name for the generated code and for error messages (the model's symbol, or a derived name) */
  name: string;
  per: 'neuron' | 'scalar';
  /** true when the kernel stores to it (then it is per-neuron) */
  write: boolean;
}

export interface KernelIR {
  /** a name for the exported function and for messages */
  name: string;
  operands: Operand[];
  body: Stmt[];
}
