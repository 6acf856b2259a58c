/* winograd_avx512.c — the Winograd F(2x2, 3x3) input and output
 * transforms at 16 lanes (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: winograd.h (cnn_winograd_input_span_v16,
 * cnn_winograd_output_span_v16). Built with the AVX-512 set; the loops
 * are winograd_body.h, the lane masks AVX-512 mask registers (masked-off
 * lanes are neither read nor written, so nothing past a buffer is
 * touched).
 */
#include "winograd.h"

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

typedef float wino_v16f __attribute__ ((vector_size (64)));
typedef int32_t wino_v16i __attribute__ ((vector_size (64)));

/* Lanes lo <= l < hi, lo and hi clamped to [0, 16]. */
static inline __mmask16
lane_range (int64_t lo, int64_t hi)
{
  lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
  hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
  uint32_t below_hi = (1u << hi) - 1, below_lo = (1u << lo) - 1;
  return (__mmask16) (below_hi & ~below_lo);
}

#define WL 16
#define VF wino_v16f
#define VI wino_v16i
#define MASK __mmask16
#define RANGE(lo, hi) lane_range ((lo), (hi))
#define LOAD_M(p, mask) ((wino_v16f) _mm512_maskz_loadu_ps ((mask), (p)))
#define STORE_FIRST(p, n, v) \
  _mm512_mask_storeu_ps ((p), (__mmask16) ((1u << (n)) - 1), (__m512) (v))
#define EVEN(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14, \
    16, 18, 20, 22, 24, 26, 28, 30)
#define ODD(a, b) __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15, \
    17, 19, 21, 23, 25, 27, 29, 31)
#define ZIP_LO(a, b) __builtin_shufflevector (a, b, 0, 16, 1, 17, 2, 18, 3, \
    19, 4, 20, 5, 21, 6, 22, 7, 23)
#define ZIP_HI(a, b) __builtin_shufflevector (a, b, 8, 24, 9, 25, 10, 26, \
    11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define WINO_INPUT_SPAN cnn_winograd_input_span_v16
#define WINO_OUTPUT_SPAN cnn_winograd_output_span_v16
#include "winograd_body.h"
