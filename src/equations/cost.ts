/**
 * The work of one neuron update of a kernel from equations, in units of one float32 operation, for
 * `threads: "auto"` (src/sim/auto-threads.ts): every arithmetic, comparison and select counts 1, a
 * division 4, a square root 4, loads and stores 1; exp, log, expm1, sin and cos 120, exprel and tanh
 * 140, pow 250. The weights of the functions are measured, not counted: a kernel's time per neuron
 * grows with its arithmetic at about the rate of one unit each, and with each call of those
 * functions (their float32 algorithms of src/equations/mathf.ts, with clamps and selects, in SIMD)
 * at about 120 units (CUBA's LIF from equations: 45 units and ~2 ns per neuron and step on the
 * development machine, COBA's 76 units ~2 ns, COBAHH's 1,630 units ~46 ns; bench/README.md).
 */
import type { Cond, Expr, KernelIR } from './ir.ts';

const CALL_COST: Record<string, number> = { exp: 120, log: 120, expm1: 120, exprel: 140, sin: 120, cos: 120, tanh: 140, sqrt: 4, pow: 250 };

function exprCost(e: Expr): number {
  switch (e.op) {
    case 'const': case 'local': return 0;
    case 'load': return 1;
    case 'add': case 'sub': case 'mul': return 1 + exprCost(e.a) + exprCost(e.b);
    case 'div': return 4 + exprCost(e.a) + exprCost(e.b);
    case 'neg': return 1 + exprCost(e.a);
    case 'call1': return (CALL_COST[e.fn] ?? 1) + exprCost(e.a);
    case 'call2': return (CALL_COST[e.fn] ?? 1) + exprCost(e.a) + exprCost(e.b);
    case 'select': return 1 + condCost(e.cond) + exprCost(e.a) + exprCost(e.b);
    case 'bool': return 1 + condCost(e.cond);
  }
}

function condCost(c: Cond): number {
  switch (c.op) {
    case 'true': case 'false': case 'clocal': return 0;
    case 'not': return 1 + condCost(c.a);
    case 'and': case 'or': return 1 + condCost(c.a) + condCost(c.b);
    default: return 1 + exprCost(c.a) + exprCost(c.b);
  }
}

/** Operations of one neuron update of the kernel (see above). */
export function kernelCost(k: KernelIR): number {
  let n = 0;
  for (const s of k.body) {
    if (s.op === 'let' || s.op === 'store') n += exprCost(s.value) + (s.op === 'store' ? 1 : 0);
    else n += condCost(s.cond) + (s.op === 'spike' ? 1 : 0);
  }
  return n;
}
