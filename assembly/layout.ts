// Offsets and enums shared by the kernels.
// MUST MATCH src/core/layout.ts (same names, same values). A test (test/kernels.test.ts)
// checks the two files against each other.

/** LIF parameter block (see src/core/layout.ts for the meaning of each entry). */
export const LIF_A: i32 = 0; //        1 - exp(-dt/tau_m)
export const LIF_B: i32 = 1; //        (tau_m/cm) * LIF_A
export const LIF_P21E: i32 = 2; //     exc. current -> v propagator
export const LIF_P21I: i32 = 3; //     inh. current -> v propagator
export const LIF_P11E: i32 = 4; //     exp(-dt/tau_syn_e)
export const LIF_P11I: i32 = 5; //     exp(-dt/tau_syn_i)
export const LIF_VREST: i32 = 6; //    mV
export const LIF_VTH: i32 = 7; //      mV
export const LIF_VRESET: i32 = 8; //   mV
export const LIF_REFSTEPS: i32 = 9; // refractory steps, as a float holding an integer
export const LIF_NPARAMS: i32 = 10;

/** Alignment of every buffer in an arena, bytes. */
export const ARENA_ALIGN: i32 = 16;
/** First usable byte of a WASM arena (page 0 is left to static data). */
export const WASM_ARENA_BASE: i32 = 65536;
/** Largest delay in steps (delays are stored as uint8). */
export const MAX_DELAY_STEPS: i32 = 255;
