/**
 * A population of a model from equations inside a shard: where its kernel's operands live in the
 * arena, what the host writes before each call, and the call itself. The estimate
 * (src/network/estimate.ts) reads `equationAllocations` so that its bytes equal the arena's.
 *
 * Operands (src/equations/model.ts OperandRole), for a slice [begin, begin + m) of the population:
 *   state     f32[m], starting from the population's `initial` arrays
 *   param     f32[m] (per-neuron) or one f32 (shared), in kernel units
 *   derived   the same, computed on the host once (src/equations/compile.ts evaluateDerived)
 *   input     no allocation: the ring slot of the step of the variable's channel, read and zeroed by the kernel
 *   random    f32[m], refilled before every call: standard normal draws by the noise kernel (mean 0,
 *             std 1, so each value is the draw itself) or uniform ones by uniform_fill, (u >>> 8) 2^-24
 *             in [0, 1); both a pure function of (seed, stream, step, global neuron index)
 *   time      one f32, t = step * dt (ms), written before every call
 * and the kernel's argument table: u32[k], every operand's byte address (an input's: its ring slot,
 * written before every call), which the kernel reads (src/equations/ir.ts).
 */
import type { Backend, Kernels, GeneratedKernel } from '../backend/types.ts';
import type { StepOp } from '../neurons/types.ts';
import { STEP_OP_KERNEL } from '../core/layout.ts';
import type { NetworkPlan } from '../core/types.ts';
import { rngKey } from '../core/rng.ts';
import type { CompiledModel } from './model.ts';

/** The stream of draw `draw` of population `pop`'s equations: index step, counter global neuron index. */
export const STREAM_EQUATION_DRAW = 0xb0000;
export const equationDrawStream = (pop: number, draw: number): number => STREAM_EQUATION_DRAW + pop * 64 + draw;
/** at most this many rand()/randn()/xi draws per model (streams are 64 apart per population) */
export const MAX_DRAWS = 64;

/** What a population of a model from equations carries in the network plan (plain, structured-cloneable data). */
export interface EquationPlan {
  /** the model's name (its key in `models`, or the population's name for an inline model) */
  model: string;
  compiled: CompiledModel;
  /** per operand: the values of 'param' and 'derived' operands (number: shared; Float32Array(size): per neuron), else null */
  values: (number | Float32Array | null)[];
  /** ring channel c feeds the input operand of variable inputs[c] */
  inputs: string[];
}

/**
 * The generated kernel of every population of a model from equations, for `backend` (before the
 * shard is laid out: compiling is asynchronous). Returns the kernels by population index and the
 * seconds it took (code generation and WebAssembly compilation; modules are cached per IR).
 */
export async function loadEquationKernels(net: NetworkPlan, backend: Backend): Promise<{ kernels: Map<number, GeneratedKernel>; seconds: number }> {
  const t0 = performance.now();
  const kernels = new Map<number, GeneratedKernel>();
  for (const p of net.populations) if (p.equations) kernels.set(p.index, await backend.loadKernel(p.equations.compiled.kernel));
  return { kernels, seconds: (performance.now() - t0) / 1000 };
}

/** The arena allocations of a slice of m neurons, in order: one per operand that takes memory, then the argument table (operand -1). */
export function equationAllocations(c: CompiledModel, m: number): { operand: number; bytes: number }[] {
  const out: { operand: number; bytes: number }[] = [];
  c.kernel.operands.forEach((op, k) => {
    const role = c.roles[k].role;
    if (role === 'input') return;
    out.push({ operand: k, bytes: op.per === 'neuron' ? m * 4 : 4 });
  });
  out.push({ operand: -1, bytes: c.kernel.operands.length * 4 });
  return out;
}

export class EquationRuntime {
  /** operand byte addresses, in operand order (inputs: their ring, see `step`) */
  readonly ptrs: Int32Array;
  /** byte address of the kernel's argument table u32[operands] */
  readonly args: number;
  private readonly inputOperands: { operand: number; channel: number }[] = [];
  private readonly normals: { ptr: number; stream: number }[] = [];
  private readonly uniforms: { ptr: number; stream: number }[] = [];
  private timePtr = -1;

  constructor(
    readonly plan: EquationPlan,
    readonly popIndex: number,
    readonly begin: number,
    readonly m: number,
    alloc: (name: string, bytes: number) => number,
    partName: string,
    private readonly kernel: GeneratedKernel,
  ) {
    const c = plan.compiled;
    this.ptrs = new Int32Array(c.kernel.operands.length);
    let args = 0;
    for (const a of equationAllocations(c, m)) {
      const at = alloc(partName, a.bytes);
      if (a.operand < 0) args = at;
      else this.ptrs[a.operand] = at;
    }
    this.args = args;
    c.roles.forEach((r, k) => {
      if (r.role === 'input') {
        const ch = plan.inputs.indexOf(r.variable);
        if (ch < 0) throw new Error(`internal error: no ring channel for the input of "${r.variable}"`);
        this.inputOperands.push({ operand: k, channel: ch });
      } else if (r.role === 'random') {
        (r.dist === 'normal' ? this.normals : this.uniforms).push({ ptr: this.ptrs[k], stream: equationDrawStream(popIndex, r.draw) });
      } else if (r.role === 'time') this.timePtr = this.ptrs[k];
    });
  }

  /** Write the slice's initial state, parameters, host-computed constants and argument table (after the arena stopped growing). */
  write(f32: Float32Array, u32: Uint32Array, initial: Record<string, Float32Array | Int32Array>): void {
    const { compiled: c, values } = this.plan;
    const b = this.begin, m = this.m;
    u32.set(this.ptrs, this.args >>> 2);
    c.roles.forEach((r, k) => {
      const o = this.ptrs[k] >>> 2;
      if (r.role === 'state') {
        const init = initial[r.variable] as Float32Array | undefined;
        if (init) f32.set(init.subarray(b, b + m), o);
        else f32.fill(Math.fround(c.state.find((s) => s.name === r.variable)!.defaultInitial), o, o + m);
      } else if (r.role === 'param' || r.role === 'derived') {
        const v = values[k];
        const perNeuron = c.kernel.operands[k].per === 'neuron';
        // a per-neuron operand whose values came out equal for every neuron (a uniform array) is one number
        if (typeof v === 'number') f32.fill(v, o, perNeuron ? o + m : o + 1);
        else if (v) {
          if (c.kernel.operands[k].per === 'neuron') f32.set(v.subarray(b, b + m), o);
          else f32[o] = v[0];
        }
      }
    });
  }

  /** Whether the step loop calls the kernel itself (stepOp): a slice whose kernel needs no draws and no t. */
  get inLoop(): boolean {
    return this.m > 0 && this.normals.length === 0 && this.uniforms.length === 0 && this.timePtr < 0;
  }

  /** The step loop's op for the slice (STEP_OP_KERNEL: the inputs pointed at their ring slot, then the kernel); only when inLoop. */
  stepOp(rings: readonly number[], spikes: number): StepOp {
    if (!this.inLoop) throw new Error('internal error: the step loop cannot call a kernel that needs draws or t from the host');
    const pairs = this.inputOperands.flatMap((x) => [x.operand, rings[x.channel]]);
    return { code: STEP_OP_KERNEL, args: [this.kernel.index, this.m, this.args, spikes, this.inputOperands.length, ...pairs] };
  }

  /** One step: fill the draws and t, point the inputs at ring slot `slot`, run the kernel. Returns the spike count. */
  step(K: Kernels, f32: Float32Array, i32: Int32Array, seed: number, t: number, dt: number, slot: number, rings: readonly number[], spikes: number): number {
    const m = this.m;
    if (m === 0) return 0;
    for (const d of this.normals) {
      const o = d.ptr >>> 2;
      f32.fill(0, o, o + m);
      K.noise_input(m, rngKey(seed, d.stream, t), this.begin, 0, 1, d.ptr);
    }
    for (const d of this.uniforms) K.uniform_fill(m, rngKey(seed, d.stream, t), this.begin, d.ptr);
    if (this.timePtr >= 0) f32[this.timePtr >>> 2] = t * dt;
    const a = this.args >>> 2;
    for (const x of this.inputOperands) i32[a + x.operand] = rings[x.channel] + slot * m * 4;
    return this.kernel.run(f32, i32, m, this.args, spikes);
  }

  /** The state variables with their addresses (for monitors, getState and the NaN check). */
  stateVars(): { name: string; ptr: number }[] {
    const out: { name: string; ptr: number }[] = [];
    this.plan.compiled.roles.forEach((r, k) => {
      if (r.role === 'state') out.push({ name: r.variable, ptr: this.ptrs[k] });
    });
    return out;
  }
}
