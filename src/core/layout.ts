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

/**
 * Izhikevich parameter block (kernels assembly/izhikevich.ts; built by src/neurons/izhikevich/model.ts).
 * MUST MATCH assembly/layout.ts.
 */
export const IZH_A = 0; //       recovery time scale, 1/ms
export const IZH_B = 1; //       sensitivity of u to v
export const IZH_C = 2; //       reset of v, mV
export const IZH_D = 3; //       increment of u at a spike
export const IZH_VPEAK = 4; //   spike cut-off, mV
export const IZH_P11E = 5; //    exp(-dt/tau_syn_e) ('exp' synapses; 0 for 'delta')
export const IZH_P11I = 6; //    exp(-dt/tau_syn_i)
export const IZH_NPARAMS = 7;
/** Izhikevich integration schemes (argument `scheme` of izhikevich_update). MUST MATCH assembly/layout.ts. */
export const IZH_SCHEME_2003 = 0; //  the 2003 paper's code: two half steps of v, then u (dt = 1 ms)
export const IZH_SCHEME_EULER = 1; // forward Euler with step dt

/** Alignment of every buffer in an arena, bytes. */
export const ARENA_ALIGN = 16;
/** First usable byte of a WASM arena (page 0 is left to the AssemblyScript runtime's static data). */
export const WASM_ARENA_BASE = 65536;
/** Largest WASM memory (wasm32): 65536 pages of 64 KiB. */
export const WASM_MAX_BYTES = 4 * 1024 * 1024 * 1024;
/** Largest delay in steps (delays are stored as uint8). */
export const MAX_DELAY_STEPS = 255;

// ---------------------------------------------------------------------------------------------
// Connectivity descriptor (connect_count / connect_fill): a block of CONN_DESC_BYTES in the arena,
// 8-byte aligned. Byte offsets; u32 fields unless marked f64. MUST MATCH assembly/layout.ts.
// ---------------------------------------------------------------------------------------------

export const CONN_RULE = 0; //        rule code (RULE_*)
export const CONN_FLAGS = 4; //       CONN_F_* bits
export const CONN_NSRC = 8; //        size of the source population
export const CONN_NTGT = 12; //       size of the target population (all shards)
export const CONN_TGT_BEGIN = 16; //  first target of this shard (index in the target population)
export const CONN_TGT_END = 20; //    one past the last target of this shard
export const CONN_K = 24; //          fixed_indegree / fixed_outdegree: K
export const CONN_SEED = 28; //       model seed
export const CONN_STREAM = 32; //     connectivity stream (connStream(p))
export const CONN_WSTREAM = 36; //    weight stream (weightStream(p))
export const CONN_DSTREAM = 40; //    delay stream (delayStream(p))
export const CONN_ROWPTR = 44; //     ptr: u32[nSrc + 1] row pointers (written by both passes)
export const CONN_SYN = 48; //        ptr: u32[nSyn] target | delay << 24 (connect_fill)
export const CONN_WEIGHTS = 52; //    ptr: f32[nSyn] or 0 (connect_fill)
export const CONN_COUNTS = 56; //     ptr: u32 per target of the shard (fixed_total_number)
export const CONN_EXPL_PTR = 60; //   ptr: u32[nLocal + 1] explicit: first pair of each target of the shard (from 0)
export const CONN_EXPL_SRC = 64; //   ptr: u32 explicit: source of each pair of the shard, target-major
export const CONN_MARKS = 68; //      ptr: u32 per pool element (sampling without replacement)
export const CONN_SORT_TMP = 72; //   ptr: u32[2K] (fixed_outdegree fill: merge-sort scratch)
export const CONN_W_KIND = 76; //     value kind of the weights (VAL_*)
export const CONN_D_KIND = 80; //     value kind of the delays (VAL_*)
export const CONN_W_ARR = 84; //      ptr: f32 per-synapse weights (VAL_ARRAY)
export const CONN_D_ARR = 88; //      ptr: u8 per-synapse delays in steps (VAL_ARRAY)
export const CONN_D_MAX = 92; //      largest delay in steps allowed (the plan's maxDelay, <= 255)
export const CONN_NSYN = 96; //       out: synapses of the shard (connect_count)
export const CONN_ERR_INDEX = 100; // out: target (source for fixed_outdegree) of a failed draw
export const CONN_P = 104; //         f64: pairwise_bernoulli p
export const CONN_DEG_LO = 112; //    pairwise_bernoulli: smallest in-degree of the degree table
export const CONN_DEG_LEN = 116; //   pairwise_bernoulli: entries of the degree table
export const CONN_DT = 120; //        f64: time step, ms
export const CONN_W_A = 128; //       f64: weights: uniform low / normal mean / bernoulli p
export const CONN_W_B = 136; //       f64: weights: uniform high - low / normal std
export const CONN_W_LO = 144; //      f64: weights: normal min (-Infinity when none)
export const CONN_W_HI = 152; //      f64: weights: normal max (Infinity when none)
export const CONN_D_A = 160; //       f64: delays (ms), as CONN_W_A
export const CONN_D_B = 168; //       f64
export const CONN_D_LO = 176; //      f64
export const CONN_D_HI = 184; //      f64
export const CONN_ERR_VALUE = 192; // out f64: the value of a failed draw (ms for delays)
export const CONN_BUCKETS = 200; //    ptr: connect_fill placement buckets (0: place directly), see assembly/connect.ts
export const CONN_BUCKET_CAP = 204; // entries per bucket
export const CONN_BUCKET_SHIFT = 208; // bucket of source s: s >>> shift
export const CONN_DEG_TABLE = 212; // ptr: f64[CONN_DEG_LEN] pairwise_bernoulli: P(K <= lo + j), the last 1
export const CONN_PHASE = 216; //       CONN_PHASE_* bits; 0 = one call for the whole range (FIRST | LAST)
export const CONN_CHUNK_BEGIN = 220; // with CONN_PHASE_CHUNK: the targets (sources for fixed_outdegree) of this call
export const CONN_CHUNK_END = 224;
export const CONN_IDX = 228; //         connect_fill state between chunks: synapses placed so far (array index)
export const CONN_HASH_BITS = 232; //   sampling without replacement: 0 = CONN_MARKS is a u32 tag per pool element,
//                                           else a hash set of 2^bits (tag, value) u32 pairs (same result)
// spatial_indegree and distance-dependent delays (sheets of columns, see src/network/sheet.ts)
export const CONN_SHEET_CX = 236; //     columns of the sheet along x (both populations)
export const CONN_SHEET_CY = 240; //     columns along y
export const CONN_NPC_SRC = 244; //      source neurons per column
export const CONN_NPC_TGT = 248; //      target neurons per column
export const CONN_SP_TABLE = 252; //     ptr: spatial_indegree: alias table of column offsets, u32[3 CONN_SP_LEN]:
//                                           per entry (threshold, offset, alias's offset), offset = dx + 32768 | (dy + 32768) << 16
export const CONN_SP_LEN = 256; //       spatial_indegree: entries of the alias table (>= 1)
export const CONN_SRC_LIST = 260; //     ptr: u32 per synapse or 0: the sources in generation order, written by connect_count
//                                           and read back by connect_fill instead of drawing them again (fixed_indegree,
//                                           fixed_total_number, pairwise_bernoulli; room for the shard's bound on synapses)
export const CONN_SPACING = 264; //      f64: distance between neighbouring column centres, um
export const CONN_LIST_POS = 272; //     state between chunks of a pass: entries of CONN_SRC_LIST written / read so far
export const CONN_LIST_CAP = 276; //     entries CONN_SRC_LIST has room for; connect_count sets CONN_SRC_LIST to 0 (no list) when
//                                           the synapses do not fit
export const CONN_DESC_BYTES = 280;

/** CONN_FLAGS bits */
export const CONN_F_NO_AUTAPSES = 1; //  source and target are one population and autapses are excluded
export const CONN_F_NO_MULTAPSES = 2; // sample without replacement
export const CONN_F_PACKED = 4; //       delays vary: syn = delay << 24 | target
export const CONN_F_W_REDRAW = 8; //     weights: normal with bound 'redraw'
export const CONN_F_D_REDRAW = 16; //    delays: normal with bound 'redraw'
export const CONN_F_PERIODIC = 32; //    the sheet wraps around (a torus): spatial_indegree draws and distance delays
export const CONN_F_COUNT_BUCKETS = 64; // connect_count counts through CONN_BUCKETS (else straight into rowPtr)
// partition (assembly/connect.ts; needs CONN_SRC_LIST, CONN_BUCKETS, constant weights and delays and
// local targets below 2^(32 - shift)): connect_count counts per bucket only, connect_fill writes each
// synapse as (source & (2^shift - 1)) | local target << shift to its bucket's range of syn, then sorts
// each bucket by source (stably) through the bucket area. Same synapses; the js backend ignores it.
export const CONN_F_PARTITION = 128;

/** CONN_PHASE bits: a pass may be split into calls over consecutive chunks of the outer loop */
export const CONN_PHASE_FIRST = 1; // initialise (rowPtr / marks / buckets)
export const CONN_PHASE_LAST = 2; //  finish (prefix sums / flush and shift) and return the count
export const CONN_PHASE_CHUNK = 4; // only [CONN_CHUNK_BEGIN, CONN_CHUNK_END) of the outer loop

/** Rule codes */
export const RULE_ALL_TO_ALL = 0;
export const RULE_ONE_TO_ONE = 1;
export const RULE_PAIRWISE_BERNOULLI = 2;
export const RULE_FIXED_INDEGREE = 3;
export const RULE_FIXED_OUTDEGREE = 4;
export const RULE_FIXED_TOTAL_NUMBER = 5;
export const RULE_EXPLICIT = 6;
export const RULE_SPATIAL_INDEGREE = 7;

/** Value kinds of per-synapse weights and delays (as src/network/values.ts V_*) */
export const VAL_CONST = 0;
export const VAL_ARRAY = 1;
export const VAL_UNIFORM = 2;
export const VAL_NORMAL = 3;
export const VAL_BERNOULLI = 4;
/** delay = CONN_D_A + distance / CONN_D_B (ms; distance between the column centres in um, CONN_D_B = 1000 velocity) */
export const VAL_DISTANCE = 5;

/** Error codes returned by connect_count / connect_fill (negative; >= 0 is a synapse count) */
export const CONN_ERR_DELAY_RANGE = -1; //  a drawn delay above CONN_D_MAX steps
export const CONN_ERR_W_REDRAW = -2; //     a 'redraw' normal weight found no value within bounds
export const CONN_ERR_D_REDRAW = -3; //     a 'redraw' normal delay found no value within bounds
export const CONN_ERR_TOO_MANY = -4; //     more than 2^31 - 1 synapses in one shard
export const CONN_ERR_SPATIAL = -5; //      spatial_indegree: no allowed source after CONN_SPATIAL_MAX_ATTEMPTS draws
/** A shard's targets are stored in 16 bits when its slice of the target has at most this many neurons (src/sim/synapse-layout.ts). */
export const TGT16_MAX = 65536;
/**
 * A delay run (src/sim/synapse-layout.ts) is one byte, `step << RUN_COUNT_BITS | count`: the row's
 * delay advances by step (0..RUN_STEP_MAX) steps, then count (0..RUN_COUNT_MAX) synapses have it.
 */
export const RUN_COUNT_BITS = 5;
/** Synapses of one run at most (the 5-bit count). */
export const RUN_COUNT_MAX = 31;
/** Largest advance of the delay in one run (the 3-bit step). */
export const RUN_STEP_MAX = 7;
/** Largest shard-local target index + 1 when delays are packed into the high byte. */
export const PACKED_MAX_TARGETS = 16777216;
/** Attempts of a 'redraw' normal before the build fails (values.ts MAX_REDRAW). */
export const CONN_MAX_REDRAW = 1000;
/** Draws of one spatial_indegree synapse before the build fails (CONN_ERR_SPATIAL). */
export const CONN_SPATIAL_MAX_ATTEMPTS = 1048576;

/**
 * The step program of run_steps (assembly/steps.ts, src/sim/step-program.ts): a header of
 * STEP_HEADER_WORDS u32 words, then the ops, each an opcode word and its fixed arguments.
 */
export const STEP_H_NOPS = 0; //     number of ops
export const STEP_H_SLOTS = 1; //    ring slots
export const STEP_H_SEED = 2; //     the model's seed
export const STEP_H_NPOPS = 3; //    populations
export const STEP_H_COUNTS = 4; //   byte address of i32 counts[populations]: the spikes of the step
export const STEP_H_TOTALS = 5; //   byte address of i32 totals[populations]: the spikes of the call (zeroed by run_steps)
export const STEP_H_FILLS = 6; //    byte address of i32 fills[populations]: spikes recorded in the call (zeroed by run_steps)
export const STEP_H_HIST = 7; //     byte address of i32 hist[populations][histCap]: the count of every step of the call
export const STEP_H_HISTCAP = 8; //  steps of one call at most
export const STEP_H_EVENTS = 10; //  f64 (words 10, 11): synaptic events of the last call (written by run_steps)
export const STEP_HEADER_WORDS = 12;
export const STEP_OP_TOUCH = 1; //        ring, bytes
export const STEP_OP_FLUSH = 2; //        buckets, cap, fill
export const STEP_OP_POISSON_INPUT = 3; // start, stop, m, stream, begin, table, tableLen, weight (f32), ring
export const STEP_OP_NOISE_INPUT = 4; //  start, stop, m, stream, begin, mean (f32), std (f32), ring
export const STEP_OP_LIF = 5; //          pop, m, v, ie, ii, ref, bias, ringE, ringI, params, hetero, spikes
export const STEP_OP_LIF_DELTA = 6; //    pop, m, v, ref, bias, ring, params, hetero, spikes
export const STEP_OP_IZH = 7; //          pop, m, v, u, ie, ii, bias, ringE, ringI, params, hetero, scheme, dt (f32), spikes
export const STEP_OP_IZH_DELTA = 8; //    pop, m, v, u, bias, ring, params, hetero, scheme, dt (f32), spikes
export const STEP_OP_POISSON = 9; //      pop, start, stop, m, stream, begin, thr, hetero, spikes
export const STEP_OP_THRESHOLD = 10; //   pop, m, state, ring, params, hetero, spikes
export const STEP_OP_RECORD = 11; //      pop, spikes, idx, steps, cap, m: the count into hist and totals; with idx != 0 the spikes and their step appended at fills[pop] of idx[cap], steps[cap], the call ending after a step that leaves less than m
export const STEP_OP_PROPAGATE = 12; //   pop, spikes, rowPtr, syn, weights, constWeight (f32), format, runPtr, runs, constDelay, ring, nTarget, buckets (0: into the ring), cap, fill
export const STEP_OP_HOST = 14; //        pop: the count from the host's step of the population (env.host_step(pop, t, slot)), for a model without an op of its own
export const STEP_OP_SAMPLE = 15; //      every, src, dst, int: at a step t with t % every == 0, f32[dst][step of the call] = the value at src (an i32 converted when int != 0), before the step
export const STEP_OP_CHECK = 13; //       every, ptr, n: after step t with (t + 1) % every == 0, stop after it if f32[n] at ptr holds a NaN or infinity
export const STEP_OP_KERNEL = 16; //      pop, index, m, args, spikes, nIn, then nIn pairs (operand, ring): args[operand] = ring + slot * m * 4 for each pair, then the count from kernel `index` of the function table (a model from equations), called (m, args, spikes); 7 + 2 nIn words
/** Words of each op of the step program, its opcode included, by opcode (host side; assembly/steps.ts opWords); STEP_OP_KERNEL: stepOpLength. */
export const stepOpWords: readonly number[] = [0, 3, 4, 10, 9, 13, 10, 15, 12, 10, 8, 7, 16, 4, 2, 5, 0];
/** Words of the op at word p of the program: stepOpWords, or for STEP_OP_KERNEL 7 + 2 nIn. */
export const stepOpLength = (u32: Uint32Array, p: number): number => (u32[p] === STEP_OP_KERNEL ? 7 + 2 * u32[p + 6] : stepOpWords[u32[p]]);
/** A step (start or stop of an input) as a u32 word of the step program: Infinity and later steps as 2^32 - 1, a step the loop never reaches. */
export const stepWord = (t: number): number => (t >= 0xffffffff ? 0xffffffff : t);

/**
 * Slice k of a population of n neurons among T shards: [floor(k n / T), floor((k+1) n / T)).
 * Every shard holds slice k of every population (host-side rule, not mirrored in assembly/).
 */
export function sliceOf(n: number, k: number, T: number): [number, number] {
  return [Math.floor((k * n) / T), Math.floor(((k + 1) * n) / T)];
}
