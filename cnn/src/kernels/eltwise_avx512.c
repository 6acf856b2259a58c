/* eltwise_avx512.c — element-wise rows with AVX-512 (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl -mfma; see
 * eltwise_simd.h for the contract. 16 floats per step, the ragged end
 * with masked loads and stores (nothing outside [0, n) is touched); the
 * loops are in eltwise_body.h, shared with eltwise_avx2.c.
 */
#include "eltwise_simd.h"

#include <immintrin.h>

#define W 16
typedef __m512 V;
#define LOADU(p) _mm512_loadu_ps (p)
#define STOREU(p, v) _mm512_storeu_ps ((p), (v))
#define LOAD(p, m) _mm512_maskz_loadu_ps ((m), (p))
#define STORE(p, m, v) _mm512_mask_storeu_ps ((p), (m), (v))
#define ROUND(v) _mm512_roundscale_ps ((v), _MM_FROUND_TO_NEAREST_INT \
    | _MM_FROUND_NO_EXC)
#define SET1(x) _mm512_set1_ps (x)
#define ADD _mm512_add_ps
#define SUB _mm512_sub_ps
#define MUL _mm512_mul_ps
#define DIV _mm512_div_ps
#define MIN _mm512_min_ps
#define MAX _mm512_max_ps
#define FMA _mm512_fmadd_ps
#define ZERO _mm512_setzero_ps ()
typedef __mmask16 M;

static inline M
tail_mask (int64_t left)
{
  return left >= W ? (M) 0xffff : (M) ((1u << left) - 1);
}

static inline V
leaky (V v, float alpha)
{
  return _mm512_mask_mul_ps (v, _mm512_cmp_ps_mask (v, ZERO, _CMP_LT_OQ),
      v, SET1 (alpha));
}

/* 2^n for integer-valued float n in [-127, 128] via the exponent field. */
static inline V
pow2i (V n)
{
  __m512i e = _mm512_add_epi32 (_mm512_cvtps_epi32 (n),
      _mm512_set1_epi32 (127));
  return _mm512_castsi512_ps (_mm512_slli_epi32 (e, 23));
}

#include "eltwise_body.h"

bool
cnn_elt_binary_avx512 (CnnEltOp op, float *o, const float *a, int64_t sa,
    const float *b, int64_t sb, int64_t n)
{
  return elt_binary (op, o, a, sa, b, sb, n);
}

bool
cnn_elt_act_avx512 (CnnEltAct kind, float alpha, float beta, const float *x,
    float *y, int64_t n)
{
  return elt_act (kind, alpha, beta, x, y, n);
}
