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

/** Izhikevich parameter block (see src/core/layout.ts). */
export const IZH_A: i32 = 0; //       recovery time scale, 1/ms
export const IZH_B: i32 = 1; //       sensitivity of u to v
export const IZH_C: i32 = 2; //       reset of v, mV
export const IZH_D: i32 = 3; //       increment of u at a spike
export const IZH_VPEAK: i32 = 4; //   spike cut-off, mV
export const IZH_P11E: i32 = 5; //    exp(-dt/tau_syn_e) ('exp' synapses; 0 for 'delta')
export const IZH_P11I: i32 = 6; //    exp(-dt/tau_syn_i)
export const IZH_NPARAMS: i32 = 7;
/** Izhikevich integration schemes (argument `scheme` of izhikevich_update). */
export const IZH_SCHEME_2003: i32 = 0; //  the 2003 paper's code: two half steps of v, then u (dt = 1 ms)
export const IZH_SCHEME_EULER: i32 = 1; // forward Euler with step dt

/** Alignment of every buffer in an arena, bytes. */
export const ARENA_ALIGN: i32 = 16;
/** First usable byte of a WASM arena (page 0 is left to static data). */
export const WASM_ARENA_BASE: i32 = 65536;
/** Largest delay in steps (delays are stored as uint8). */
export const MAX_DELAY_STEPS: i32 = 255;
/** A delay run is one byte: step << RUN_COUNT_BITS | count (assembly/propagate.ts, src/sim/synapse-layout.ts). */
export const RUN_COUNT_BITS: i32 = 5;
export const RUN_COUNT_MAX: i32 = 31;
export const RUN_STEP_MAX: i32 = 7;

// ---------------------------------------------------------------------------------------------
// Connectivity descriptor (connect_count / connect_fill): a block of CONN_DESC_BYTES in the arena,
// 8-byte aligned. Byte offsets; u32 fields unless marked f64. MUST MATCH src/core/layout.ts.
// ---------------------------------------------------------------------------------------------

export const CONN_RULE: i32 = 0; //        rule code (RULE_*)
export const CONN_FLAGS: i32 = 4; //       CONN_F_* bits
export const CONN_NSRC: i32 = 8; //        size of the source population
export const CONN_NTGT: i32 = 12; //       size of the target population (all shards)
export const CONN_TGT_BEGIN: i32 = 16; //  first target of this shard (index in the target population)
export const CONN_TGT_END: i32 = 20; //    one past the last target of this shard
export const CONN_K: i32 = 24; //          fixed_indegree / fixed_outdegree: K
export const CONN_SEED: i32 = 28; //       model seed
export const CONN_STREAM: i32 = 32; //     connectivity stream (connStream(p))
export const CONN_WSTREAM: i32 = 36; //    weight stream (weightStream(p))
export const CONN_DSTREAM: i32 = 40; //    delay stream (delayStream(p))
export const CONN_ROWPTR: i32 = 44; //     ptr: u32[nSrc + 1] row pointers (written by both passes)
export const CONN_SYN: i32 = 48; //        ptr: u32[nSyn] target | delay << 24 (connect_fill)
export const CONN_WEIGHTS: i32 = 52; //    ptr: f32[nSyn] or 0 (connect_fill)
export const CONN_COUNTS: i32 = 56; //     ptr: u32 per target of the shard (fixed_total_number)
export const CONN_EXPL_PTR: i32 = 60; //   ptr: u32[nLocal + 1] explicit: first pair of each target of the shard (from 0)
export const CONN_EXPL_SRC: i32 = 64; //   ptr: u32 explicit: source of each pair of the shard, target-major
export const CONN_MARKS: i32 = 68; //      ptr: u32 per pool element (sampling without replacement)
export const CONN_SORT_TMP: i32 = 72; //   ptr: u32[2K] (fixed_outdegree fill: merge-sort scratch)
export const CONN_W_KIND: i32 = 76; //     value kind of the weights (VAL_*)
export const CONN_D_KIND: i32 = 80; //     value kind of the delays (VAL_*)
export const CONN_W_ARR: i32 = 84; //      ptr: f32 per-synapse weights (VAL_ARRAY)
export const CONN_D_ARR: i32 = 88; //      ptr: u8 per-synapse delays in steps (VAL_ARRAY)
export const CONN_D_MAX: i32 = 92; //      largest delay in steps allowed (the plan's maxDelay, <= 255)
export const CONN_NSYN: i32 = 96; //       out: synapses of the shard (connect_count)
export const CONN_ERR_INDEX: i32 = 100; // out: target (source for fixed_outdegree) of a failed draw
export const CONN_P: i32 = 104; //         f64: pairwise_bernoulli p
export const CONN_DEG_LO: i32 = 112; //    pairwise_bernoulli: smallest in-degree of the degree table
export const CONN_DEG_LEN: i32 = 116; //   pairwise_bernoulli: entries of the degree table
export const CONN_DT: i32 = 120; //        f64: time step, ms
export const CONN_W_A: i32 = 128; //       f64: weights: uniform low / normal mean / bernoulli p
export const CONN_W_B: i32 = 136; //       f64: weights: uniform high - low / normal std
export const CONN_W_LO: i32 = 144; //      f64: weights: normal min (-Infinity when none)
export const CONN_W_HI: i32 = 152; //      f64: weights: normal max (Infinity when none)
export const CONN_D_A: i32 = 160; //       f64: delays (ms), as CONN_W_A
export const CONN_D_B: i32 = 168; //       f64
export const CONN_D_LO: i32 = 176; //      f64
export const CONN_D_HI: i32 = 184; //      f64
export const CONN_ERR_VALUE: i32 = 192; // out f64: the value of a failed draw (ms for delays)
export const CONN_BUCKETS: i32 = 200; //    ptr: connect_fill placement buckets (0: place directly), see assembly/connect.ts
export const CONN_BUCKET_CAP: i32 = 204; // entries per bucket
export const CONN_BUCKET_SHIFT: i32 = 208; // bucket of source s: s >>> shift
export const CONN_DEG_TABLE: i32 = 212; // ptr: f64[CONN_DEG_LEN] pairwise_bernoulli: P(K <= lo + j), the last 1
export const CONN_PHASE: i32 = 216; //       CONN_PHASE_* bits; 0 = one call for the whole range (FIRST | LAST)
export const CONN_CHUNK_BEGIN: i32 = 220; // with CONN_PHASE_CHUNK: the targets (sources for fixed_outdegree) of this call
export const CONN_CHUNK_END: i32 = 224;
export const CONN_IDX: i32 = 228; //         connect_fill state between chunks: synapses placed so far (array index)
export const CONN_HASH_BITS: i32 = 232; //   sampling without replacement: 0 = CONN_MARKS is a u32 tag per pool element,
//                                           else a hash set of 2^bits (tag, value) u32 pairs (same result)
// spatial_indegree and distance-dependent delays (sheets of columns, see src/network/sheet.ts)
export const CONN_SHEET_CX: i32 = 236; //     columns of the sheet along x (both populations)
export const CONN_SHEET_CY: i32 = 240; //     columns along y
export const CONN_NPC_SRC: i32 = 244; //      source neurons per column
export const CONN_NPC_TGT: i32 = 248; //      target neurons per column
export const CONN_SP_TABLE: i32 = 252; //     ptr: spatial_indegree: alias table of column offsets, u32[3 CONN_SP_LEN]:
//                                           per entry (threshold, offset, alias's offset), offset = dx + 32768 | (dy + 32768) << 16
export const CONN_SP_LEN: i32 = 256; //       spatial_indegree: entries of the alias table (>= 1)
export const CONN_SRC_LIST: i32 = 260; //     ptr: u32 per synapse or 0: the sources in generation order, written by connect_count
//                                           and read back by connect_fill instead of drawing them again (fixed_indegree,
//                                           fixed_total_number, pairwise_bernoulli; room for the shard's bound on synapses)
export const CONN_SPACING: i32 = 264; //      f64: distance between neighbouring column centres, um
export const CONN_LIST_POS: i32 = 272; //     state between chunks of a pass: entries of CONN_SRC_LIST written / read so far
export const CONN_LIST_CAP: i32 = 276; //     entries CONN_SRC_LIST has room for; connect_count sets CONN_SRC_LIST to 0 (no list) when
//                                           the synapses do not fit
export const CONN_DESC_BYTES: i32 = 280;

/** CONN_FLAGS bits */
export const CONN_F_NO_AUTAPSES: i32 = 1; //  source and target are one population and autapses are excluded
export const CONN_F_NO_MULTAPSES: i32 = 2; // sample without replacement
export const CONN_F_PACKED: i32 = 4; //       delays vary: syn = delay << 24 | target
export const CONN_F_W_REDRAW: i32 = 8; //     weights: normal with bound 'redraw'
export const CONN_F_D_REDRAW: i32 = 16; //    delays: normal with bound 'redraw'
export const CONN_F_PERIODIC: i32 = 32; //    the sheet wraps around (a torus): spatial_indegree draws and distance delays
export const CONN_F_COUNT_BUCKETS: i32 = 64; // connect_count counts through CONN_BUCKETS (else straight into rowPtr)
// partition (assembly/connect.ts; needs CONN_SRC_LIST, CONN_BUCKETS, constant weights and delays and
// local targets below 2^(32 - shift)): connect_count counts per bucket only, connect_fill writes each
// synapse as (source & (2^shift - 1)) | local target << shift to its bucket's range of syn, then sorts
// each bucket by source (stably) through the bucket area. Same synapses; the js backend ignores it.
export const CONN_F_PARTITION: i32 = 128;

/** CONN_PHASE bits: a pass may be split into calls over consecutive chunks of the outer loop */
export const CONN_PHASE_FIRST: i32 = 1; // initialise (rowPtr / marks / buckets)
export const CONN_PHASE_LAST: i32 = 2; //  finish (prefix sums / flush and shift) and return the count
export const CONN_PHASE_CHUNK: i32 = 4; // only [CONN_CHUNK_BEGIN, CONN_CHUNK_END) of the outer loop

/** Rule codes */
export const RULE_ALL_TO_ALL: i32 = 0;
export const RULE_ONE_TO_ONE: i32 = 1;
export const RULE_PAIRWISE_BERNOULLI: i32 = 2;
export const RULE_FIXED_INDEGREE: i32 = 3;
export const RULE_FIXED_OUTDEGREE: i32 = 4;
export const RULE_FIXED_TOTAL_NUMBER: i32 = 5;
export const RULE_EXPLICIT: i32 = 6;
export const RULE_SPATIAL_INDEGREE: i32 = 7;

/** Value kinds of per-synapse weights and delays (as src/network/values.ts V_*) */
export const VAL_CONST: i32 = 0;
export const VAL_ARRAY: i32 = 1;
export const VAL_UNIFORM: i32 = 2;
export const VAL_NORMAL: i32 = 3;
export const VAL_BERNOULLI: i32 = 4;
/** delay = CONN_D_A + distance / CONN_D_B (ms; distance between the column centres in um, CONN_D_B = 1000 velocity) */
export const VAL_DISTANCE: i32 = 5;

/** Error codes returned by connect_count / connect_fill (negative; >= 0 is a synapse count) */
export const CONN_ERR_DELAY_RANGE: i32 = -1; //  a drawn delay above CONN_D_MAX steps
export const CONN_ERR_W_REDRAW: i32 = -2; //     a 'redraw' normal weight found no value within bounds
export const CONN_ERR_D_REDRAW: i32 = -3; //     a 'redraw' normal delay found no value within bounds
export const CONN_ERR_TOO_MANY: i32 = -4; //     more than 2^31 - 1 synapses in one shard
export const CONN_ERR_SPATIAL: i32 = -5; //      spatial_indegree: no allowed source after CONN_SPATIAL_MAX_ATTEMPTS draws
/** Largest shard-local target index + 1 when delays are packed into the high byte. */
export const PACKED_MAX_TARGETS: i32 = 16777216;
/** Attempts of a 'redraw' normal before the build fails (values.ts MAX_REDRAW). */
export const CONN_MAX_REDRAW: i32 = 1000;
/** Draws of one spatial_indegree synapse before the build fails (CONN_ERR_SPATIAL). */
export const CONN_SPATIAL_MAX_ATTEMPTS: i32 = 1048576;


/**
 * The step program of run_steps (assembly/steps.ts, src/sim/step-program.ts): a header of
 * STEP_HEADER_WORDS u32 words, then the ops, each an opcode word and its fixed arguments.
 */
export const STEP_H_NOPS: i32 = 0; //     number of ops
export const STEP_H_SLOTS: i32 = 1; //    ring slots
export const STEP_H_SEED: i32 = 2; //     the model's seed
export const STEP_H_NPOPS: i32 = 3; //    populations
export const STEP_H_COUNTS: i32 = 4; //   byte address of i32 counts[populations]: the spikes of the step
export const STEP_H_TOTALS: i32 = 5; //   byte address of i32 totals[populations]: the spikes of the call (zeroed by run_steps)
export const STEP_H_FILLS: i32 = 6; //    byte address of i32 fills[populations]: spikes recorded in the call (zeroed by run_steps)
export const STEP_H_HIST: i32 = 7; //     byte address of i32 hist[populations][histCap]: the count of every step of the call
export const STEP_H_HISTCAP: i32 = 8; //  steps of one call at most
export const STEP_H_EVENTS: i32 = 10; //  f64 (words 10, 11): synaptic events of the last call (written by run_steps)
export const STEP_HEADER_WORDS: i32 = 12;
export const STEP_OP_TOUCH: i32 = 1; //        ring, bytes
export const STEP_OP_FLUSH: i32 = 2; //        buckets, cap, fill
export const STEP_OP_POISSON_INPUT: i32 = 3; // start, stop, m, stream, begin, table, tableLen, weight (f32), ring
export const STEP_OP_NOISE_INPUT: i32 = 4; //  start, stop, m, stream, begin, mean (f32), std (f32), ring
export const STEP_OP_LIF: i32 = 5; //          pop, m, v, ie, ii, ref, bias, ringE, ringI, params, hetero, spikes
export const STEP_OP_LIF_DELTA: i32 = 6; //    pop, m, v, ref, bias, ring, params, hetero, spikes
export const STEP_OP_IZH: i32 = 7; //          pop, m, v, u, ie, ii, bias, ringE, ringI, params, hetero, scheme, dt (f32), spikes
export const STEP_OP_IZH_DELTA: i32 = 8; //    pop, m, v, u, bias, ring, params, hetero, scheme, dt (f32), spikes
export const STEP_OP_POISSON: i32 = 9; //      pop, start, stop, m, stream, begin, thr, hetero, spikes
export const STEP_OP_THRESHOLD: i32 = 10; //   pop, m, state, ring, params, hetero, spikes
export const STEP_OP_RECORD: i32 = 11; //      pop, spikes, idx, steps, cap, m: the count into hist and totals; with idx != 0 the spikes and their step appended at fills[pop] of idx[cap], steps[cap], the call ending after a step that leaves less than m
export const STEP_OP_PROPAGATE: i32 = 12; //   pop, spikes, rowPtr, syn, weights, constWeight (f32), format, runPtr, runs, constDelay, ring, nTarget, buckets (0: into the ring), cap, fill
export const STEP_OP_HOST: i32 = 14; //        pop: the count from the host's step of the population (env.host_step(pop, t, slot)), for a model without an op of its own
export const STEP_OP_SAMPLE: i32 = 15; //      every, src, dst, int: at a step t with t % every == 0, f32[dst][step of the call] = the value at src (an i32 converted when int != 0), before the step
export const STEP_OP_CHECK: i32 = 13; //       every, ptr, n: after step t with (t + 1) % every == 0, stop after it if f32[n] at ptr holds a NaN or infinity
export const STEP_OP_KERNEL: i32 = 16; //      pop, index, m, args, spikes, nIn, then nIn pairs (operand, ring): args[operand] = ring + slot * m * 4 for each pair, then the count from kernel `index` of the function table (a model from equations), called (m, args, spikes); 7 + 2 nIn words
