/* im2col_avx512.c — the bordered-plane im2col path with AVX-512 copies
 * (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx512f ...; called only when cnn_cpu_level () ==
 * CNN_CPU_AVX512 (im2col.c). The loops are im2col_2d_body.h; a run of n
 * outputs is copied 16 floats at a time (the last 16 overlapping the ones
 * before), below 16 with one masked store; stride 2 picks the even floats
 * of two loads with one permute. ResNet-50's stride-2 3x3 128->128 from
 * 56x56 alone: 0.86x the time of the 4-float copies (its packing was a
 * quarter of the layer).
 */
#include "im2col.h"

#include <immintrin.h>

static inline void
copy_run (float *dst, const float *src, int64_t n, int64_t s)
{
  const __m512i even = _mm512_set_epi32 (30, 28, 26, 24, 22, 20, 18, 16,
      14, 12, 10, 8, 6, 4, 2, 0);
  if (n <= 0)
    return;
  if (n < 16) {
    __mmask16 m = (__mmask16) ((1u << n) - 1);
    if (s == 1) {
      _mm512_mask_storeu_ps (dst, m, _mm512_maskz_loadu_ps (m, src));
      return;
    }
    /* the taps src[0 .. 2n - 2], no further */
    int64_t taps = 2 * n - 1;
    __mmask16 lo = taps >= 16 ? (__mmask16) 0xffff
        : (__mmask16) ((1u << taps) - 1);
    __mmask16 hi = taps > 16 ? (__mmask16) ((1u << (taps - 16)) - 1) : 0;
    _mm512_mask_storeu_ps (dst, m, _mm512_permutex2var_ps (
            _mm512_maskz_loadu_ps (lo, src), even,
            _mm512_maskz_loadu_ps (hi, src + 16)));
    return;
  }
  for (int64_t t = 0;; t += 16) {
    t = t + 16 > n ? n - 16 : t;
    __m512 v = s == 1 ? _mm512_loadu_ps (src + t)
        : _mm512_permutex2var_ps (_mm512_loadu_ps (src + 2 * t), even,
        _mm512_loadu_ps (src + 2 * t + 16));
    _mm512_storeu_ps (dst + t, v);
    if (t + 16 == n)
      return;
  }
}

#define IM2COL_2D_FN cnn_im2col_panels_2d_avx512
#define IM2COL_2D_LINKAGE
#include "im2col_2d_body.h"
