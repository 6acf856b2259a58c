/* store_v8.h — storing the first lanes of an 8-float vector (internal;
 * included by files built with AVX2).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cnn_store_first_v8 (p, n, v) writes lanes [0, n) of v to p[0, n)
 * (0 <= n <= 8) and nothing else, with plain 4-, 2- and 1-float stores.
 * It replaces the AVX2 masked store (vmaskmovps), which is microcoded on
 * AMD's cores: it took 62 % of Winograd's input transform on a 14x14
 * image and 30 % of the AVX2 direct convolution on MobileNetV2's stem.
 * Used by every AVX2 kernel file (Winograd, GEMM tile edges, depthwise,
 * direct, pooling, element-wise).
 */
#ifndef CNN_KERNELS_STORE_V8_H
#define CNN_KERNELS_STORE_V8_H

#include <immintrin.h>

static inline void
cnn_store_first_v8 (float *p, int n, __m256 v)
{
  __m128 part = _mm256_castps256_ps128 (v);
  if (n >= 8) {
    _mm256_storeu_ps (p, v);
    return;
  }
  if (n >= 4) {
    _mm_storeu_ps (p, part);
    part = _mm256_extractf128_ps (v, 1);
    p += 4;
    n -= 4;
  }
  if (n >= 2) {
    _mm_storel_pi ((__m64 *) p, part);
    part = _mm_movehl_ps (part, part);
    p += 2;
    n -= 2;
  }
  if (n)
    _mm_store_ss (p, part);
}

#endif /* CNN_KERNELS_STORE_V8_H */
