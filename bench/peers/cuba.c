/*
 * cuba.c - plain C99 CUBA benchmark: the practical single-core ceiling for axonal.
 *
 * Same model, integration and data layout as axonal's engine (src/backend/types.ts,
 * assembly/lif.ts, assembly/propagate.ts): float32 state v, ie, ii, int32 ref; per step
 *   if (ref > 0) ref--; else v += (v_rest - v)*A + ie*P21e + ii*P21i + bias*B  (left to right)
 *   ie = ie*P11e + inE[slot]; ii = ii*P11i + inI[slot]; inE[slot] = inI[slot] = 0
 *   if (ref == 0 && v >= v_th) { v = v_reset; ref = 50; spike }
 * then spikes are propagated through a CSR-by-source matrix (uint32 targets, constant weight:
 * excitatory rows add 0.081 nA to the excitatory ring, inhibitory rows -0.45 nA to the
 * inhibitory ring) with a delay of 1 step (2-slot ring). Propagators are computed in double
 * and stored as float32. Connectivity: pairwise Bernoulli p = 80/N (autapses allowed, as in
 * Brian2's CUBA.py), sampled by geometric skipping with xoshiro256**. It is a speed ceiling,
 * not a correctness reference: its random bits differ from axonal's.
 *
 * Build: gcc -O3 -march=native -std=c99 -ffp-contract=off -o cuba cuba.c -lm
 *        (no -ffast-math; -ffp-contract=off forbids FMA contraction, as in axonal)
 * Usage: cuba N duration_ms [seed]      -> one JSON line on stdout
 * run_seconds: CLOCK_MONOTONIC around the step loop only (neuron update, spike recording into a
 * growing array, propagation). build_seconds: connectivity + state initialisation.
 */
#define _POSIX_C_SOURCE 199309L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- xoshiro256** + splitmix64 seeding ---- */
static uint64_t rs[4];
static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t next_u64(void) {
  uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
  rs[2] ^= rs[0]; rs[3] ^= rs[1]; rs[1] ^= rs[2]; rs[0] ^= rs[3];
  rs[2] ^= t; rs[3] = rotl(rs[3], 45);
  return r;
}
/* uniform in [0, 1) */
static inline double next_double(void) { return (double)(next_u64() >> 11) * 0x1.0p-53; }

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) { fprintf(stderr, "cuba: out of memory (%zu bytes)\n", n); exit(2); }
  return p;
}

/* Bitwise select: m = all ones -> a, m = 0 -> b. The float arithmetic is done unconditionally
 * and the result chosen by bits, because with GCC's default -ftrapping-math a conditional
 * float add (held ? x : x + t) blocks if-conversion and hence vectorisation. */
static inline float fsel(uint32_t m, float a, float b) {
  uint32_t ua, ub, u;
  float f;
  memcpy(&ua, &a, 4);
  memcpy(&ub, &b, 4);
  u = (ua & m) | (ub & ~m);
  memcpy(&f, &u, 4);
  return f;
}

/* One neuron-update step over all neurons; branch-free so the compiler vectorises it
 * (axonal's WASM kernel uses f32x4 the same way). Same operation order as assembly/lif.ts. */
static void lif_update(int n, float *restrict v, float *restrict ie, float *restrict ii,
                       int32_t *restrict ref, const float *restrict bias, float *restrict inE,
                       float *restrict inI, float A, float B, float P21e, float P21i, float P11e,
                       float P11i, float v_rest, float v_th, float v_reset, int32_t ref_steps) {
  for (int i = 0; i < n; i++) {
    const float x = v[i], e = ie[i], h = ii[i];
    const int32_t r = ref[i];
    float tt = v_rest - x;
    tt = tt * A;
    tt = tt + e * P21e;
    tt = tt + h * P21i;
    tt = tt + bias[i] * B;
    const float xn = x + tt;
    const int32_t held = r > 0;
    const float x2 = fsel(-(uint32_t)held, x, xn);
    const int32_t r2 = r - held;
    ie[i] = e * P11e + inE[i];
    ii[i] = h * P11i + inI[i];
    inE[i] = 0.0f;
    inI[i] = 0.0f;
    const int32_t fire = (r2 == 0) & (x2 >= v_th);
    v[i] = fsel(-(uint32_t)fire, v_reset, x2);
    ref[i] = fire ? ref_steps : r2;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s N duration_ms [seed]\n", argv[0]);
    return 1;
  }
  const long nl = strtol(argv[1], NULL, 10);
  const double duration_ms = strtod(argv[2], NULL);
  uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
  if (nl < 2 || nl > 100000000L || !(duration_ms >= 0)) {
    fprintf(stderr, "cuba: bad arguments\n");
    return 1;
  }
  const int n = (int)nl;
  const int ne = (int)lround(0.8 * n);
  const double p = 80.0 / n < 1.0 ? 80.0 / n : 1.0;
  const double dt = 0.1;
  const long steps = lround(duration_ms / dt);

  /* parameters (mV, ms, nF, nA) */
  const double tau_m = 20, tau_e = 5, tau_i = 10, cm = 1;
  const float v_rest = -49.0f, v_th = -50.0f, v_reset = -60.0f;
  const int ref_steps = 50; /* 5 ms / 0.1 ms */
  const float w_e = 0.081f, w_i = -0.45f;
  const double Ad = -expm1(-dt / tau_m);
  const float A = (float)Ad;
  const float B = (float)((tau_m / cm) * Ad);
  const float P11e = (float)exp(-dt / tau_e);
  const float P11i = (float)exp(-dt / tau_i);
  const float P21e = (float)((1 / cm) * tau_m * tau_e / (tau_e - tau_m) * (exp(-dt / tau_e) - exp(-dt / tau_m)));
  const float P21i = (float)((1 / cm) * tau_m * tau_i / (tau_i - tau_m) * (exp(-dt / tau_i) - exp(-dt / tau_m)));

  splitmix64(&seed);
  for (int k = 0; k < 4; k++) rs[k] = splitmix64(&seed);

  const double t_build0 = now_s();
  /* ---- connectivity: CSR by source, geometric skipping ---- */
  uint32_t *row_ptr = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  size_t cap = (size_t)((double)n * n * p * 1.1) + 1024, nnz = 0;
  uint32_t *targets = xmalloc(cap * sizeof(uint32_t));
  const double log1mp = log1p(-p);
  for (int i = 0; i < n; i++) {
    row_ptr[i] = (uint32_t)nnz;
    long j = -1;
    for (;;) {
      if (p >= 1.0) j += 1;
      else {
        const double u = 1.0 - next_double(); /* (0, 1] */
        const double skip = floor(log(u) / log1mp);
        if (skip >= (double)n) break;
        j += 1 + (long)skip;
      }
      if (j >= n) break;
      if (nnz == 0xFFFFFFFFULL) { fprintf(stderr, "cuba: too many synapses for uint32 row pointers\n"); return 2; }
      if (nnz == cap) {
        cap *= 2;
        targets = realloc(targets, cap * sizeof(uint32_t));
        if (!targets) { fprintf(stderr, "cuba: out of memory\n"); return 2; }
      }
      targets[nnz++] = (uint32_t)j;
    }
  }
  row_ptr[n] = (uint32_t)nnz;

  /* ---- state ---- */
  float *v = xmalloc((size_t)n * sizeof(float));
  float *ie = xmalloc((size_t)n * sizeof(float));
  float *ii = xmalloc((size_t)n * sizeof(float));
  float *bias = xmalloc((size_t)n * sizeof(float));
  int32_t *ref = xmalloc((size_t)n * sizeof(int32_t));
  float *ringE = xmalloc(2 * (size_t)n * sizeof(float));
  float *ringI = xmalloc(2 * (size_t)n * sizeof(float));
  int32_t *spk = xmalloc((size_t)n * sizeof(int32_t));
  for (int i = 0; i < n; i++) {
    v[i] = (float)(-60.0 + 10.0 * next_double());
    ie[i] = ii[i] = bias[i] = 0.0f;
    ref[i] = 0;
  }
  for (size_t k = 0; k < 2 * (size_t)n; k++) ringE[k] = ringI[k] = 0.0f;
  /* spike monitor: growing arrays of (step, index) */
  size_t mon_cap = 1 << 16, mon_n = 0;
  int32_t *mon_t = xmalloc(mon_cap * sizeof(int32_t));
  int32_t *mon_i = xmalloc(mon_cap * sizeof(int32_t));
  const double build_seconds = now_s() - t_build0;

  /* ---- simulation ---- */
  uint64_t events = 0;
  const double t_run0 = now_s();
  for (long t = 0; t < steps; t++) {
    const int slot = (int)(t & 1), next = slot ^ 1;
    float *restrict inE = ringE + (size_t)slot * n;
    float *restrict inI = ringI + (size_t)slot * n;
    lif_update(n, v, ie, ii, ref, bias, inE, inI, A, B, P21e, P21i, P11e, P11i, v_rest, v_th,
               v_reset, ref_steps);
    /* spikes in ascending index order: a neuron spiked this step iff ref == ref_steps */
    int c = 0, i = 0;
    for (; i + 64 <= n; i += 64) { /* skip quiet blocks of 64 (spikes are sparse) */
      int any = 0;
      for (int k = 0; k < 64; k++) any += ref[i + k] == ref_steps;
      if (any)
        for (int k = 0; k < 64; k++) { spk[c] = i + k; c += ref[i + k] == ref_steps; }
    }
    for (; i < n; i++) { spk[c] = i; c += ref[i] == ref_steps; }
    if (c == 0) continue;
    /* record */
    if (mon_n + (size_t)c > mon_cap) {
      while (mon_n + (size_t)c > mon_cap) mon_cap *= 2;
      mon_t = realloc(mon_t, mon_cap * sizeof(int32_t));
      mon_i = realloc(mon_i, mon_cap * sizeof(int32_t));
      if (!mon_t || !mon_i) { fprintf(stderr, "cuba: out of memory\n"); return 2; }
    }
    for (int s = 0; s < c; s++) { mon_t[mon_n + s] = (int32_t)t; mon_i[mon_n + s] = spk[s]; }
    mon_n += (size_t)c;
    /* propagate, delay 1 step -> the other ring slot */
    float *restrict outE = ringE + (size_t)next * n;
    float *restrict outI = ringI + (size_t)next * n;
    for (int s = 0; s < c; s++) {
      const int src = spk[s];
      const uint32_t b = row_ptr[src], e = row_ptr[src + 1];
      events += e - b;
      float *restrict out = src < ne ? outE : outI;
      const float w = src < ne ? w_e : w_i;
      for (uint32_t k = b; k < e; k++) out[targets[k]] += w;
    }
  }
  const double run_seconds = now_s() - t_run0;

  size_t spikes_e = 0;
  for (size_t s = 0; s < mon_n; s++) spikes_e += mon_i[s] < ne;
  const double dur_s = duration_ms / 1000.0;
  const double rate = dur_s > 0 ? (double)mon_n / n / dur_s : 0.0;
  const double rate_e = dur_s > 0 && ne > 0 ? (double)spikes_e / ne / dur_s : 0.0;
  const double rate_i = dur_s > 0 && n > ne ? (double)(mon_n - spikes_e) / (n - ne) / dur_s : 0.0;
  printf("{\"peer\": \"c\", \"model\": \"cuba\", \"neurons\": %d, \"excitatory\": %d, \"inhibitory\": %d, "
         "\"p\": %.10g, \"synapses\": %zu, \"duration_ms\": %.17g, \"dt_ms\": 0.1, \"steps\": %ld, "
         "\"seed\": %llu, \"spikes\": %zu, \"rate_hz\": %.10g, \"rate_e_hz\": %.10g, \"rate_i_hz\": %.10g, "
         "\"synaptic_events\": %llu, \"build_seconds\": %.9f, \"run_seconds\": %.9f}\n",
         n, ne, n - ne, p, nnz, duration_ms, steps, (unsigned long long)(argc > 3 ? strtoull(argv[3], NULL, 10) : 1),
         mon_n, rate, rate_e, rate_i, (unsigned long long)events, build_seconds, run_seconds);
  free(row_ptr); free(targets); free(v); free(ie); free(ii); free(bias); free(ref);
  free(ringE); free(ringI); free(spk); free(mon_t); free(mon_i);
  return 0;
}
