// axonal WebAssembly kernels: the exports named exactly as the `Kernels` interface of
// src/backend/types.ts. C-style ABI: byte offsets (pointers) and counts in, nothing managed across
// the boundary. Built three ways by scripts/build-wasm.js (simd, scalar, debug).

export { lif_update, lif_delta_update } from "./lif";
export { izhikevich_update, izhikevich_delta_update } from "./izhikevich";
export { noise_input, uniform_fill } from "./noise";
export { threshold_update } from "./threshold";
export { poisson_update, poisson_input } from "./inputs";
export { propagate, defer_propagate, propagate_scaled, defer_flush, touch_lines } from "./propagate";
export { connect_count, connect_fill } from "./connect";
export { find_nonfinite, rng_fill, rng_fill_normal } from "./util";
export { stdp_pre, stdp_post, trace_decay, trace_step, stdp_delayed_post, stdp_delayed_pre, deriv_apply } from "./plasticity";
export { run_steps } from "./steps";
