/* direct_avx2.c — direct convolution kernel with AVX2 + FMA (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx2 -mfma; called only through cnn_conv_direct_plan
 * (conv_direct.h), which checks the CPU. 8 output columns per vector,
 * 8 output channels per block (8 of the 16 registers accumulate); the
 * loops are in direct_body.h.
 */
#include "conv_direct.h"
#include "act_simd.h"
#include "store_v8.h"

#include <immintrin.h>

#define W 8
#define OCB 8
#define NV_MAX 1
#define CH 8
typedef __m256 V;
typedef int M;                  /* lanes [0, M) */
#define LOADU(p) _mm256_loadu_ps (p)
#define SET1(x) _mm256_set1_ps (x)
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define ZERO _mm256_setzero_ps ()
#define LOAD_M(p, m) _mm256_maskload_ps ((p), lane_mask (m))
#define STORE_M(p, m, v) cnn_store_first_v8 ((p), (m), (v))
#define STOREU(p, v) _mm256_storeu_ps ((p), (v))
#define ACT cnn_act_v8
#define ROWS_FN cnn_conv_direct_rows_avx2

static inline M
tail_mask (int64_t left)
{
  return left >= W ? W : (int) left;
}

static inline __m256i
lane_mask (int n)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 (n),
      _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
}

/* shuffle_ps gives a0 a2 b0 b2 | a4 a6 b4 b6 (evens) or the odds; the
 * 64-bit permute puts the pairs in order. */
static inline void
EVEN_ODD (const float *p, V *e, V *o)
{
  V a = _mm256_loadu_ps (p), b = _mm256_loadu_ps (p + 8);
  *e = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (
              _mm256_shuffle_ps (a, b, 0x88)), 0xd8));
  *o = _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (
              _mm256_shuffle_ps (a, b, 0xdd)), 0xd8));
}

#include "direct_body.h"
