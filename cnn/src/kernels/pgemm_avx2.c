/* pgemm_avx2.c — the AVX2 + FMA micro-kernel of pgemm.h.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx2 -mfma; called only when cnn_cpu_level () >=
 * CNN_CPU_AVX2. Tile: 6 rows x 16 columns = 12 ymm accumulators; per k
 * step two 8-float loads of B and six broadcasts of A feed 12 FMAs. A
 * panel of at most 8 valid columns uses one vector per row; partial
 * vectors are stored through a lane mask.
 */
#include "pgemm.h"
#include "act_simd.h"
#include "store_v8.h"

#include <immintrin.h>

#define MR 6

/* Lanes 0 .. left-1 set (all when left >= 8). */
static inline __m256i
lane_mask (int left)
{
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 (left), lanes);
}

static inline __attribute__ ((always_inline)) __m256
load_part (const float *p, __m256i mask, bool full)
{
  return full ? _mm256_loadu_ps (p) : _mm256_maskload_ps (p, mask);
}

static inline __attribute__ ((always_inline)) void
store_tile (__m256 acc[MR][2], int NV, float *c, int64_t ldc, int mv,
    int nv, int flags, const CnnPgemmEpi *epi)
{
  __m256i mask[2];
  bool full[2];
#pragma GCC unroll 2
  for (int v = 0; v < NV; v++) {
    mask[v] = lane_mask (nv - 8 * v);
    full[v] = nv - 8 * v >= 8;
  }
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++) {
    if (i >= mv)
      break;
    float *ci = c + i * ldc;
    __m256 bias = _mm256_setzero_ps ();
    if ((flags & CNN_PGEMM_FINISH) && epi->bias)
      bias = _mm256_set1_ps (epi->bias[i]);
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++) {
      __m256 x = acc[i][v];
      if (flags & CNN_PGEMM_LOAD_C)
        x = _mm256_add_ps (x, load_part (ci + 8 * v, mask[v], full[v]));
      if (flags & CNN_PGEMM_FINISH) {
        x = _mm256_add_ps (x, bias);
        if (epi->res)
          x = _mm256_add_ps (x, load_part (epi->res + i * epi->ldr + 8 * v,
                  mask[v], full[v]));
        x = cnn_act_v8 (x, epi->act);
      }
      cnn_store_first_v8 (ci + 8 * v, nv - 8 * v, x);
    }
  }
}

/* PART: the last of the NV vectors is partial (nv < 8 NV): it is loaded
 * with a mask, so B read in place (ldb = its row stride) is never read
 * past column nv. */
static inline __attribute__ ((always_inline)) void
kernel_nv (int NV, bool PART, int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi)
{
  const __m256i last = lane_mask (nv - 8 * (NV - 1));
  __m256 acc[MR][2];
  const float *ar[MR];          /* rows past mv repeat row 0 */
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++)
    ar[i] = a + (i < mv ? i : 0) * lda;
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++)
      acc[i][v] = _mm256_setzero_ps ();
  for (int64_t p = 0; p < kc; p++) {
    __m256 bv[2];
#pragma GCC unroll 2
    for (int v = 0; v < NV; v++)
      bv[v] = PART && v == NV - 1 ? _mm256_maskload_ps (b + 8 * v, last)
          : _mm256_loadu_ps (b + 8 * v);
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++) {
      __m256 av = _mm256_broadcast_ss (ar[i] + p);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++)
        acc[i][v] = _mm256_fmadd_ps (av, bv[v], acc[i][v]);
    }
    b += ldb;
  }
  store_tile (acc, NV, c, ldc, mv, nv, flags, epi);
}

void
cnn_pgemm_ukernel_avx2 (int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi)
{
  if (nv == 16)
    kernel_nv (2, false, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else if (nv > 8)
    kernel_nv (2, true, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else if (nv == 8)
    kernel_nv (1, false, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else
    kernel_nv (1, true, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
}

static inline float
act1 (float v, const CnnFusedAct *act)
{
  switch (act ? act->kind : CNN_ACT_NONE) {
    case CNN_ACT_RELU:
      return 0.0f > v ? 0.0f : v;       /* NaN stays NaN */
    case CNN_ACT_CLIP:
      v = act->alpha > v ? act->alpha : v;
      return act->beta < v ? act->beta : v;
    case CNN_ACT_LEAKY_RELU:
      return v < 0.0f ? act->alpha * v : v;
    case CNN_ACT_NONE:
    default:
      return v;
  }
}

static inline float
hsum (__m256 v)
{
  __m128 s = _mm_add_ps (_mm256_castps256_ps128 (v),
      _mm256_extractf128_ps (v, 1));
  s = _mm_add_ps (s, _mm_movehl_ps (s, s));
  s = _mm_add_ss (s, _mm_movehdup_ps (s));
  return _mm_cvtss_f32 (s);
}

/* The dot kernel of pgemm.h: 8 products of k at a time per (row, column),
 * the last run of k masked, then one horizontal sum. */
void
cnn_pgemm_dot_avx2 (int64_t kc, const float *a, int64_t lda,
    const float *bt, int64_t ldbt, float *c, int64_t ldc, int mv, int nt,
    int flags, const CnnPgemmEpi *epi)
{
  const float *ar[MR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; i++)
    ar[i] = a + (i < mv ? i : 0) * lda;
  int64_t rest = kc % 8;
  __m256i last = lane_mask ((int) rest);
  for (int j = 0; j < nt; j++) {
    const float *bj = bt + j * ldbt;
    __m256 acc[MR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; i++)
      acc[i] = _mm256_setzero_ps ();
    int64_t p = 0;
    for (; p + 8 <= kc; p += 8) {
      __m256 bv = _mm256_loadu_ps (bj + p);
#pragma GCC unroll 6
      for (int i = 0; i < MR; i++)
        acc[i] = _mm256_fmadd_ps (_mm256_loadu_ps (ar[i] + p), bv, acc[i]);
    }
    if (rest) {
      __m256 bv = _mm256_maskload_ps (bj + p, last);
#pragma GCC unroll 6
      for (int i = 0; i < MR; i++)
        acc[i] = _mm256_fmadd_ps (_mm256_maskload_ps (ar[i] + p, last), bv,
            acc[i]);
    }
    for (int i = 0; i < mv; i++) {
      float v = hsum (acc[i]);
      float *ci = c + i * ldc + j;
      if (flags & CNN_PGEMM_LOAD_C)
        v += *ci;
      if (flags & CNN_PGEMM_FINISH) {
        if (epi->bias)
          v += epi->bias[i];
        if (epi->res)
          v += epi->res[i * epi->ldr + j];
        v = act1 (v, epi->act);
      }
      *ci = v;
    }
  }
}
