// Offsets and enums shared by the kernels. MUST MATCH assembly/layout.ts (same names, same values;
// checked by test/kernels.test.ts). WASM_MAX_BYTES is host-only.

/** LIF parameter block: propagators and constants computed on the host in double precision. */
export const LIF_A = 0; //        1 - exp(-dt/tau_m)                   (leak propagator, as -expm1)
export const LIF_B = 1; //        (tau_m/cm) * LIF_A                   mV per nA of bias current
export const LIF_P21E = 2; //     exc. current -> v propagator         mV per nA
export const LIF_P21I = 3; //     inh. current -> v propagator         mV per nA
export const LIF_P11E = 4; //     exp(-dt/tau_syn_e)
export const LIF_P11I = 5; //     exp(-dt/tau_syn_i)
export const LIF_VREST = 6; //    mV
export const LIF_VTH = 7; //      mV
export const LIF_VRESET = 8; //   mV
export const LIF_REFSTEPS = 9; // refractory steps, as a float holding an integer
export const LIF_NPARAMS = 10;

/** Alignment of every buffer in an arena, bytes. */
export const ARENA_ALIGN = 16;
/** First usable byte of a WASM arena (page 0 is left to the AssemblyScript runtime's static data). */
export const WASM_ARENA_BASE = 65536;
/** Largest WASM memory (wasm32): 65536 pages of 64 KiB. */
export const WASM_MAX_BYTES = 4 * 1024 * 1024 * 1024;
/** Largest delay in steps (delays are stored as uint8). */
export const MAX_DELAY_STEPS = 255;
