/* act_simd.h — the fused activation on one vector (internal; included by
 * the SIMD kernel files, each built with its own target flags).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Used by the GEMM micro-kernels, the depthwise and the direct kernels.
 * act (v) for ir.h's CnnFusedAct (NULL: none), lane by lane, with the
 * same values as epilogue.h: Relu max (0, v), Clip min (max (v, alpha),
 * beta), LeakyRelu (v < 0 ? alpha * v : v). The intrinsic min/max return
 * their second operand when either is NaN, so v goes second and NaN stays
 * NaN as in the portable code. cnn_act_v16 needs AVX-512 F, cnn_act_v8
 * AVX2 (both are defined only where the including file's flags allow).
 */
#ifndef CNN_KERNELS_ACT_SIMD_H
#define CNN_KERNELS_ACT_SIMD_H

#include "../ir.h"

#include <immintrin.h>

#if defined(__AVX2__)
static inline __attribute__ ((always_inline)) __m256
cnn_act_v8 (__m256 v, const CnnFusedAct *act)
{
  switch (act ? act->kind : CNN_ACT_NONE) {
    case CNN_ACT_RELU:
      return _mm256_max_ps (_mm256_setzero_ps (), v);
    case CNN_ACT_CLIP:
      return _mm256_min_ps (_mm256_set1_ps (act->beta),
          _mm256_max_ps (_mm256_set1_ps (act->alpha), v));
    case CNN_ACT_LEAKY_RELU: {
      __m256 neg = _mm256_cmp_ps (v, _mm256_setzero_ps (), _CMP_LT_OQ);
      return _mm256_blendv_ps (v, _mm256_mul_ps (v,
              _mm256_set1_ps (act->alpha)), neg);
    }
    case CNN_ACT_NONE:
    default:
      return v;
  }
}
#endif

#if defined(__AVX512F__)
static inline __attribute__ ((always_inline)) __m512
cnn_act_v16 (__m512 v, const CnnFusedAct *act)
{
  switch (act ? act->kind : CNN_ACT_NONE) {
    case CNN_ACT_RELU:
      return _mm512_max_ps (_mm512_setzero_ps (), v);
    case CNN_ACT_CLIP:
      return _mm512_min_ps (_mm512_set1_ps (act->beta),
          _mm512_max_ps (_mm512_set1_ps (act->alpha), v));
    case CNN_ACT_LEAKY_RELU:
      return _mm512_mask_mul_ps (v, _mm512_cmp_ps_mask (v,
              _mm512_setzero_ps (), _CMP_LT_OQ), v,
          _mm512_set1_ps (act->alpha));
    case CNN_ACT_NONE:
    default:
      return v;
  }
}
#endif

#endif /* CNN_KERNELS_ACT_SIMD_H */
