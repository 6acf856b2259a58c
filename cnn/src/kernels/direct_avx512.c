/* direct_avx512.c — direct convolution kernel with AVX-512 (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl -mfma; called
 * only through cnn_conv_direct_plan (conv_direct.h), which checks the CPU.
 * 16 output columns per vector, 16 output channels per block (16 of the
 * 32 registers accumulate); the loops are in direct_body.h.
 */
#include "conv_direct.h"
#include "act_simd.h"

#include <immintrin.h>

#define W 16
#define OCB 16
#define NV_MAX 3
#define CH 8
typedef __m512 V;
typedef __mmask16 M;
#define LOADU(p) _mm512_loadu_ps (p)
#define SET1(x) _mm512_set1_ps (x)
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define ZERO _mm512_setzero_ps ()
#define LOAD_M(p, m) _mm512_maskz_loadu_ps ((m), (p))
#define STORE_M(p, m, v) _mm512_mask_storeu_ps ((p), (m), (v))
#define STOREU(p, v) _mm512_storeu_ps ((p), (v))
#define ACT cnn_act_v16
#define ROWS_FN cnn_conv_direct_rows_avx512

static inline M
tail_mask (int64_t left)
{
  return left >= W ? (M) 0xffff : (M) ((1u << left) - 1);
}

static inline void
EVEN_ODD (const float *p, V *e, V *o)
{
  const __m512i evens = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 16,
      18, 20, 22, 24, 26, 28, 30);
  const __m512i odds = _mm512_add_epi32 (evens, _mm512_set1_epi32 (1));
  V a = _mm512_loadu_ps (p), b = _mm512_loadu_ps (p + 16);
  *e = _mm512_permutex2var_ps (a, evens, b);
  *o = _mm512_permutex2var_ps (a, odds, b);
}

#include "direct_body.h"
