// axonal WebAssembly kernels: the exports named exactly as the `Kernels` interface of
// src/backend/types.ts. C-style ABI: byte offsets (pointers) and counts in, nothing managed across
// the boundary. Built three ways by scripts/build-wasm.js (simd, scalar, debug).

export { lif_update, lif_delta_update } from "./lif";
export { threshold_update } from "./threshold";
export { poisson_update, poisson_input } from "./inputs";
export { propagate } from "./propagate";
export { find_nonfinite, rng_fill, rng_fill_normal } from "./util";
