/* pgemm_avx512.c — the AVX-512 micro-kernel of pgemm.h.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl -mfma; called
 * only when cnn_cpu_level () == CNN_CPU_AVX512. Tile: 8 rows x 48 columns
 * = 24 zmm accumulators; per k step three 16-float loads of B and eight
 * broadcasts of A feed 24 FMAs. Narrower tiles (the last panel of a row
 * of positions) use one or two vectors per row, masked at the store.
 */
#include "pgemm.h"
#include "act_simd.h"

#include <immintrin.h>
#include <stdbool.h>

#define MR 8

/* Stores rows 0 .. mv-1 of the tile acc (NV vectors per row). */
static inline __attribute__ ((always_inline)) void
store_tile (__m512 acc[MR][3], int NV, float *c, int64_t ldc, int mv,
    int nv, int flags, const CnnPgemmEpi *epi)
{
  __mmask16 mask[3];
#pragma GCC unroll 3
  for (int v = 0; v < NV; v++) {
    int left = nv - 16 * v;
    mask[v] = left >= 16 ? (__mmask16) 0xffff
        : (__mmask16) ((1u << (left > 0 ? left : 0)) - 1);
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++) {
    if (i >= mv)
      break;
    float *ci = c + i * ldc;
    __m512 bias = _mm512_setzero_ps ();
    if ((flags & CNN_PGEMM_FINISH) && epi->bias)
      bias = _mm512_set1_ps (epi->bias[i]);
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) {
      __m512 x = acc[i][v];
      if (flags & CNN_PGEMM_LOAD_C)
        x = _mm512_add_ps (x, _mm512_maskz_loadu_ps (mask[v], ci + 16 * v));
      if (flags & CNN_PGEMM_FINISH) {
        x = _mm512_add_ps (x, bias);
        if (epi->res)
          x = _mm512_add_ps (x, _mm512_maskz_loadu_ps (mask[v],
                  epi->res + i * epi->ldr + 16 * v));
        x = cnn_act_v16 (x, epi->act);
      }
      _mm512_mask_storeu_ps (ci + 16 * v, mask[v], x);
    }
  }
}

/* PART: the last of the NV vectors is partial (nv < 16 NV): it is loaded
 * with a mask, so B read in place (ldb = its row stride) is never read
 * past column nv. */
static inline __attribute__ ((always_inline)) void
kernel_nv (int NV, bool PART, int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi)
{
  const __mmask16 last = PART
      ? (__mmask16) ((1u << (nv - 16 * (NV - 1))) - 1) : (__mmask16) 0xffff;
  __m512 acc[MR][3];
  const float *ar[MR];          /* rows past mv repeat row 0 */
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    ar[i] = a + (i < mv ? i : 0) * lda;
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++)
      acc[i][v] = _mm512_setzero_ps ();
  for (int64_t p = 0; p < kc; p++) {
    __m512 bv[3];
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++)
      bv[v] = PART && v == NV - 1 ? _mm512_maskz_loadu_ps (last, b + 16 * v)
          : _mm512_loadu_ps (b + 16 * v);
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++) {
      __m512 av = _mm512_set1_ps (ar[i][p]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; v++)
        acc[i][v] = _mm512_fmadd_ps (av, bv[v], acc[i][v]);
    }
    b += ldb;
  }
  store_tile (acc, NV, c, ldc, mv, nv, flags, epi);
}

void
cnn_pgemm_ukernel_avx512 (int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi)
{
  if (nv == 48)
    kernel_nv (3, false, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else if (nv > 32)
    kernel_nv (3, true, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else if (nv == 32)
    kernel_nv (2, false, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else if (nv > 16)
    kernel_nv (2, true, kc, a, lda, b, ldb, c, ldc, mv, nv, flags, epi);
  else if (nv == 16)
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

/* The dot kernel of pgemm.h: 16 products of k at a time per (row, column),
 * the last run of k masked, then one horizontal sum. */
void
cnn_pgemm_dot_avx512 (int64_t kc, const float *a, int64_t lda,
    const float *bt, int64_t ldbt, float *c, int64_t ldc, int mv, int nt,
    int flags, const CnnPgemmEpi *epi)
{
  const float *ar[MR];
#pragma GCC unroll 8
  for (int i = 0; i < MR; i++)
    ar[i] = a + (i < mv ? i : 0) * lda;
  int64_t rest = kc % 16;
  __mmask16 last = (__mmask16) ((1u << rest) - 1);
  for (int j = 0; j < nt; j++) {
    const float *bj = bt + j * ldbt;
    __m512 acc[MR];
#pragma GCC unroll 8
    for (int i = 0; i < MR; i++)
      acc[i] = _mm512_setzero_ps ();
    int64_t p = 0;
    for (; p + 16 <= kc; p += 16) {
      __m512 bv = _mm512_loadu_ps (bj + p);
#pragma GCC unroll 8
      for (int i = 0; i < MR; i++)
        acc[i] = _mm512_fmadd_ps (_mm512_loadu_ps (ar[i] + p), bv, acc[i]);
    }
    if (rest) {
      __m512 bv = _mm512_maskz_loadu_ps (last, bj + p);
#pragma GCC unroll 8
      for (int i = 0; i < MR; i++)
        acc[i] = _mm512_fmadd_ps (_mm512_maskz_loadu_ps (last, ar[i] + p),
            bv, acc[i]);
    }
    for (int i = 0; i < mv; i++) {
      float v = _mm512_reduce_add_ps (acc[i]);
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
