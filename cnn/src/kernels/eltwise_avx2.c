/* eltwise_avx2.c — element-wise rows with AVX2 + FMA (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx2 -mfma; see eltwise_simd.h for the contract. 8
 * floats per step, the ragged end loaded with vmaskmovps and stored with
 * plain partial stores (store_v8.h); lanes past the end are never
 * touched. The loops are in eltwise_body.h, shared with
 * eltwise_avx512.c.
 */
#include "eltwise_simd.h"
#include "store_v8.h"

#include <immintrin.h>

#define W 8
typedef __m256 V;
typedef int M;                  /* lanes [0, M) */
#define LOADU(p) _mm256_loadu_ps (p)
#define STOREU(p, v) _mm256_storeu_ps ((p), (v))
#define LOAD(p, m) _mm256_maskload_ps ((p), lane_mask (m))
#define STORE(p, m, v) cnn_store_first_v8 ((p), (m), (v))
#define ROUND(v) _mm256_round_ps ((v), _MM_FROUND_TO_NEAREST_INT \
    | _MM_FROUND_NO_EXC)
#define SET1(x) _mm256_set1_ps (x)
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define DIV _mm256_div_ps
#define MIN _mm256_min_ps
#define MAX _mm256_max_ps
#define FMA _mm256_fmadd_ps
#define ZERO _mm256_setzero_ps ()

/* Lanes [0, left) for left < 8: the count (stores, store_v8.h) or the
 * mask (loads). */
static inline M
tail_mask (int64_t left)
{
  return (int) left;
}

static inline __m256i
lane_mask (int n)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 (n),
      _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
}

static inline V
leaky (V v, float alpha)
{
  return _mm256_blendv_ps (v, MUL (v, SET1 (alpha)),
      _mm256_cmp_ps (v, ZERO, _CMP_LT_OQ));
}

static inline V
pow2i (V n)
{
  __m256i e = _mm256_add_epi32 (_mm256_cvtps_epi32 (n),
      _mm256_set1_epi32 (127));
  return _mm256_castsi256_ps (_mm256_slli_epi32 (e, 23));
}

#include "eltwise_body.h"

bool
cnn_elt_binary_avx2 (CnnEltOp op, float *o, const float *a, int64_t sa,
    const float *b, int64_t sb, int64_t n)
{
  return elt_binary (op, o, a, sa, b, sb, n);
}

bool
cnn_elt_act_avx2 (CnnEltAct kind, float alpha, float beta, const float *x,
    float *y, int64_t n)
{
  return elt_act (kind, alpha, beta, x, y, n);
}
