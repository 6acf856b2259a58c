/* fma_peak.c — the fp32 FMA peak of one core of this machine, for the
 * benchmark's "% of peak" column.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: runs 24 independent chains of fused multiply-adds on the
 * widest vectors the CPU has (AVX-512, else AVX2 + FMA, else scalar
 * fmaf) on the calling thread, about 0.2 s per trial, and prints the best
 * of 5 trials as
 *
 *   peak_gflops=<x> isa=<avx512|avx2|scalar>
 *
 * (2 flops per lane per FMA). 24 chains cover the FMA latency times the
 * number of FMA pipes of current x86 cores, so the loop is limited by FMA
 * throughput. Exit status 0.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define CHAINS 24

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Each returns flops per second of `iters` rounds of CHAINS FMAs; sink
 * keeps the results alive. */
#if defined(__x86_64__)
__attribute__ ((target ("avx512f")))
static double
run_avx512 (long iters, float *sink)
{
  __m512 a[CHAINS], b = _mm512_set1_ps (1.0000001f), c = _mm512_set1_ps (1e-7f);
  for (int i = 0; i < CHAINS; i++)
    a[i] = _mm512_set1_ps ((float) i);
  double t0 = now ();
  for (long k = 0; k < iters; k++)
#pragma GCC unroll 24
    for (int i = 0; i < CHAINS; i++)
      a[i] = _mm512_fmadd_ps (a[i], b, c);
  double t = now () - t0;
  for (int i = 0; i < CHAINS; i++)
    *sink += _mm512_reduce_add_ps (a[i]);
  return (double) iters * CHAINS * 16 * 2 / t;
}

__attribute__ ((target ("avx2,fma")))
static double
run_avx2 (long iters, float *sink)
{
  __m256 a[CHAINS], b = _mm256_set1_ps (1.0000001f), c = _mm256_set1_ps (1e-7f);
  for (int i = 0; i < CHAINS; i++)
    a[i] = _mm256_set1_ps ((float) i);
  double t0 = now ();
  for (long k = 0; k < iters; k++)
#pragma GCC unroll 24
    for (int i = 0; i < CHAINS; i++)
      a[i] = _mm256_fmadd_ps (a[i], b, c);
  double t = now () - t0;
  float lanes[8];
  for (int i = 0; i < CHAINS; i++) {
    _mm256_storeu_ps (lanes, a[i]);
    *sink += lanes[0];
  }
  return (double) iters * CHAINS * 8 * 2 / t;
}
#endif

static double
run_scalar (long iters, float *sink)
{
  float a[CHAINS];
  for (int i = 0; i < CHAINS; i++)
    a[i] = (float) i;
  double t0 = now ();
  for (long k = 0; k < iters; k++)
    for (int i = 0; i < CHAINS; i++)
      a[i] = fmaf (a[i], 1.0000001f, 1e-7f);
  double t = now () - t0;
  for (int i = 0; i < CHAINS; i++)
    *sink += a[i];
  return (double) iters * CHAINS * 2 / t;
}

int
main (void)
{
  double (*run) (long, float *) = run_scalar;
  const char *isa = "scalar";
#if defined(__x86_64__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f")) {
    run = run_avx512;
    isa = "avx512";
  } else if (__builtin_cpu_supports ("avx2")
      && __builtin_cpu_supports ("fma")) {
    run = run_avx2;
    isa = "avx2";
  }
#endif
  float sink = 0;
  /* calibrate to about 0.2 s per trial */
  long iters = 1000000;
  double rate = run (iters, &sink);
  iters = (long) (0.2 * rate / (CHAINS * 2.0 * 16)) + 1;
  double best = 0;
  for (int trial = 0; trial < 5; trial++) {
    double r = run (iters, &sink);
    best = r > best ? r : best;
  }
  printf ("peak_gflops=%.1f isa=%s\n", best / 1e9, isa);
  return sink == 12345.0f;      /* never: keeps sink observable */
}
