/* pool_avx512.c — max and average pooling with AVX-512 (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl -mfma; call only
 * through cnn_pool_select () (pooling.h), which checks the CPU and
 * cnn_pool_simd_applies (2-D window, dilation 1, column stride 1 or 2).
 *
 * Shapes as in pooling.h: x is one plane (in[1], in[2]), out one plane
 * (out[1], out[2]). The output row is cut into chunks of 16 columns; per
 * chunk and window column kw a mask tells which input columns under the
 * chunk are inside the row, and masked loads read only those (a max sees
 * -inf, an average 0 elsewhere), so padding and ragged row ends share the
 * interior code. Window rows outside the input are skipped. At column
 * stride 2 the 32 inputs from column kw give columns kw (even elements)
 * and kw + 1 (odd ones). A max is NaN when any tap is NaN, as in the
 * portable kernel; an average divides by cnn_pool_axis_count (H) x
 * cnn_pool_axis_count (W), and is 0 for a window with nothing to count.
 * Global pools run 16 floats per step (sums in double) with a masked
 * last step.
 */
#include "pooling.h"

#include <immintrin.h>
#include <math.h>

static inline uint32_t
bits (int64_t lo, int64_t hi)
{
  lo = lo < 0 ? 0 : lo;
  hi = hi > 32 ? 32 : hi;
  if (hi <= lo)
    return 0;
  return (uint32_t) (((uint64_t) 1 << hi) - ((uint64_t) 1 << lo));
}

typedef struct {
  uint32_t m[64];           /* per window column: input columns read */
  __m512 count_w;           /* averages: divisor along W per lane */
} Chunk;

static inline void
chunk_setup (const CnnPoolGeom *pg, int64_t j0, int64_t n, int kw_n, int s,
    Chunk *c)
{
  const CnnConvGeom *g = &pg->geom;
  for (int kw = 0; kw < kw_n; kw++) {
    /* stride 2 reads pairs from even kw: 2n inputs; stride 1: n */
    int64_t start = j0 * s - g->pad[2] + kw;
    int64_t hi = g->in[2] - start, last = s == 2 ? 2 * n : n;
    c->m[kw] = bits (-start, hi < last ? hi : last);
  }
  c->count_w = _mm512_set1_ps (1.0f);
  if (!pg->is_max) {
    float cw[16] = { 0 };
    for (int64_t l = 0; l < n; l++)
      cw[l] = (float) cnn_pool_axis_count (pg, 2, j0 + l);
    c->count_w = _mm512_loadu_ps (cw);
  }
}

/* Output row oh of the chunk at column j0 (masks c). */
static inline __attribute__ ((always_inline)) void
row16 (const CnnPoolGeom *pg, const float *x, float *out, int64_t oh,
    int64_t j0, const Chunk *c, const int kh_n, const int kw_n, const int s,
    const bool is_max)
{
  const CnnConvGeom *g = &pg->geom;
  const int64_t h = g->in[1], wd = g->in[2], ow_n = g->out[2];
  const int64_t sh = g->stride[1], ph = g->pad[1], pw = g->pad[2];
  const __m512i even = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 16,
      18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32 (1, 3, 5, 7, 9, 11, 13, 15, 17,
      19, 21, 23, 25, 27, 29, 31);
  const __m512 fill = _mm512_set1_ps (is_max ? -INFINITY : 0.0f);
  uint32_t m[64];
  for (int kw = 0; kw < kw_n; kw++)
    m[kw] = c->m[kw];
  __m512 acc = fill;
  __mmask16 nan = 0;
  for (int kh = 0; kh < kh_n; kh++) {
    int64_t ih = oh * sh - ph + kh;
    if (ih < 0 || ih >= h)
      continue;
    const float *r = x + ih * wd + (j0 * s - pw);
    __m512 v[64];
#pragma GCC unroll 8
    for (int kw = 0; kw < kw_n; kw++) {
      if (s == 1) {
        v[kw] = _mm512_mask_loadu_ps (fill, (__mmask16) m[kw], r + kw);
      } else if (kw % 2 == 0) {
        __m512 lo = _mm512_mask_loadu_ps (fill, (__mmask16) m[kw], r + kw);
        __m512 hi = _mm512_mask_loadu_ps (fill, (__mmask16) (m[kw] >> 16),
            r + kw + 16);
        v[kw] = _mm512_permutex2var_ps (lo, even, hi);
        if (kw + 1 < kw_n)
          v[kw + 1] = _mm512_permutex2var_ps (lo, odd, hi);
      }
      if (is_max) {
        nan |= _mm512_cmp_ps_mask (v[kw], v[kw], _CMP_UNORD_Q);
        acc = _mm512_max_ps (acc, v[kw]);
      } else {
        acc = _mm512_add_ps (acc, v[kw]);
      }
    }
  }
  __m512 y;
  if (is_max) {
    y = _mm512_mask_mov_ps (acc, nan, _mm512_set1_ps (NAN));
  } else {
    __m512 cnt = _mm512_mul_ps (c->count_w, _mm512_set1_ps ((float)
            cnn_pool_axis_count (pg, 1, oh)));
    __mmask16 some = _mm512_cmp_ps_mask (cnt, _mm512_setzero_ps (),
        _CMP_GT_OQ);
    y = _mm512_maskz_div_ps (some, acc, cnt);
  }
  int64_t n = ow_n - j0 < 16 ? ow_n - j0 : 16;
  _mm512_mask_storeu_ps (out + oh * ow_n + j0, (__mmask16) bits (0, n), y);
}

/* Input planes up to this many floats (32 KB, the L1 data cache of the
 * reference machine) are walked chunk by chunk down the plane; larger ones
 * row by row across strips of up to STRIP_CHUNKS chunks, in address
 * order, which the hardware prefetcher streams when the plane is cold (as
 * in a model: ResNet's 112x112 max pool 0.6x the time inside the model). */
#define L1_PLANE_FLOATS 8192
#define STRIP_CHUNKS 8

static inline __attribute__ ((always_inline)) void
pool16 (const CnnPoolGeom *pg, const float *x, float *out, const int kh_n,
    const int kw_n, const int s, const bool is_max)
{
  const CnnConvGeom *g = &pg->geom;
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  if (g->in[1] * g->in[2] <= L1_PLANE_FLOATS) {
    for (int64_t j0 = 0; j0 < ow_n; j0 += 16) {
      Chunk c;
      chunk_setup (pg, j0, ow_n - j0 < 16 ? ow_n - j0 : 16, kw_n, s, &c);
      for (int64_t oh = 0; oh < oh_n; oh++)
        row16 (pg, x, out, oh, j0, &c, kh_n, kw_n, s, is_max);
    }
    return;
  }
  Chunk c[STRIP_CHUNKS];
  for (int64_t s0 = 0; s0 < ow_n; s0 += 16 * STRIP_CHUNKS) {
    int64_t s1 = ow_n - s0 < 16 * STRIP_CHUNKS ? ow_n : s0 + 16 * STRIP_CHUNKS;
    for (int64_t j0 = s0; j0 < s1; j0 += 16)
      chunk_setup (pg, j0, ow_n - j0 < 16 ? ow_n - j0 : 16, kw_n, s,
          &c[(j0 - s0) / 16]);
    for (int64_t oh = 0; oh < oh_n; oh++)
      for (int64_t j0 = s0; j0 < s1; j0 += 16)
        row16 (pg, x, out, oh, j0, &c[(j0 - s0) / 16], kh_n, kw_n, s,
            is_max);
  }
}

/* The max of window row ih's three taps for the 16 outputs of chunk c
 * (column stride 2), NaN lanes into *nan (one compare covers two taps). */
static inline __m512
row_max3 (const float *r, const Chunk *c, __mmask16 *nan)
{
  const __m512i even = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 16,
      18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32 (1, 3, 5, 7, 9, 11, 13, 15, 17,
      19, 21, 23, 25, 27, 29, 31);
  const __m512 fill = _mm512_set1_ps (-INFINITY);
  __m512 lo, hi, lo2, hi2;
  if ((c->m[0] & c->m[2]) == 0xffffffffu) {
    /* inside the row (most chunks): plain loads, no fill to merge into */
    lo = _mm512_loadu_ps (r);
    hi = _mm512_loadu_ps (r + 16);
    lo2 = _mm512_loadu_ps (r + 2);
    hi2 = _mm512_loadu_ps (r + 18);
  } else {
    lo = _mm512_mask_loadu_ps (fill, (__mmask16) c->m[0], r);
    hi = _mm512_mask_loadu_ps (fill, (__mmask16) (c->m[0] >> 16), r + 16);
    lo2 = _mm512_mask_loadu_ps (fill, (__mmask16) c->m[2], r + 2);
    hi2 = _mm512_mask_loadu_ps (fill, (__mmask16) (c->m[2] >> 16), r + 18);
  }
  __m512 v0 = _mm512_permutex2var_ps (lo, even, hi);
  __m512 v1 = _mm512_permutex2var_ps (lo, odd, hi);
  __m512 v2 = _mm512_permutex2var_ps (lo2, even, hi2);
  *nan = _mm512_cmp_ps_mask (v0, v1, _CMP_UNORD_Q)
      | _mm512_cmp_ps_mask (v2, v2, _CMP_UNORD_Q);
  return _mm512_max_ps (_mm512_max_ps (v0, v1), v2);
}

/* 3x3 max pool, stride 2 both ways: each window row's three-tap max is
 * computed once and kept for the next output row, whose window starts on
 * the row this one ends on (a third fewer loads and shuffles than
 * row16). max_ps returns its second operand on ties, so the nested maxes
 * pick the same tap as row16's running one, bit for bit (-0 and +0
 * included). Strips of chunks as in pool16. */
static void
max3s2 (const CnnPoolGeom *pg, const float *x, float *out)
{
  const CnnConvGeom *g = &pg->geom;
  const int64_t oh_n = g->out[1], ow_n = g->out[2], h = g->in[1];
  const int64_t wd = g->in[2], ph = g->pad[1], pw = g->pad[2];
  Chunk c[STRIP_CHUNKS];
  __m512 kept[STRIP_CHUNKS];
  __mmask16 kept_nan[STRIP_CHUNKS];
  for (int64_t s0 = 0; s0 < ow_n; s0 += 16 * STRIP_CHUNKS) {
    int64_t s1 = ow_n - s0 < 16 * STRIP_CHUNKS ? ow_n : s0 + 16 * STRIP_CHUNKS;
    int nc = (int) ((s1 - s0 + 15) / 16);
    for (int k = 0; k < nc; k++)
      chunk_setup (pg, s0 + 16 * k, s1 - s0 - 16 * k < 16 ? s1 - s0 - 16 * k
          : 16, 3, 2, &c[k]);
    int64_t kept_row = -1;
    for (int64_t oh = 0; oh < oh_n; oh++) {
      int64_t ih0 = oh * 2 - ph;
      for (int k = 0; k < nc; k++) {
        int64_t j0 = s0 + 16 * k;
        __m512 acc = _mm512_set1_ps (-INFINITY);
        __mmask16 nan = 0;
        for (int kh = 0; kh < 3; kh++) {
          int64_t ih = ih0 + kh;
          if (ih < 0 || ih >= h)
            continue;
          __m512 v;
          __mmask16 vn;
          if (ih == kept_row) {
            v = kept[k];
            vn = kept_nan[k];
          } else {
            v = row_max3 (x + ih * wd + (j0 * 2 - pw), &c[k], &vn);
          }
          acc = _mm512_max_ps (acc, v);
          nan |= vn;
          if (kh == 2) {
            kept[k] = v;
            kept_nan[k] = vn;
          }
        }
        __m512 y = _mm512_mask_mov_ps (acc, nan, _mm512_set1_ps (NAN));
        int64_t n = ow_n - j0 < 16 ? ow_n - j0 : 16;
        _mm512_mask_storeu_ps (out + oh * ow_n + j0, (__mmask16) bits (0, n),
            y);
      }
      kept_row = ih0 + 2 < h ? ih0 + 2 : -1;
    }
  }
}

void
cnn_pool_plane_avx512 (const CnnPoolGeom *pg, const float *x, float *out)
{
  const CnnConvGeom *g = &pg->geom;
  int kh_n = (int) g->k[1], kw_n = (int) g->k[2];
  bool s1 = g->stride[2] == 1, mx = pg->is_max;
  if (kh_n == 3 && kw_n == 3 && !s1 && mx && g->stride[1] == 2)
    max3s2 (pg, x, out);
  else if (kh_n == 3 && kw_n == 3 && !s1 && mx)
    pool16 (pg, x, out, 3, 3, 2, true);
  else if (kh_n == 3 && kw_n == 3 && s1 && mx)
    pool16 (pg, x, out, 3, 3, 1, true);
  else if (kh_n == 2 && kw_n == 2 && !s1 && mx)
    pool16 (pg, x, out, 2, 2, 2, true);
  else if (kh_n == 3 && kw_n == 3 && !s1)
    pool16 (pg, x, out, 3, 3, 2, false);
  else if (kh_n == 3 && kw_n == 3)
    pool16 (pg, x, out, 3, 3, 1, false);
  else if (mx && s1)
    pool16 (pg, x, out, kh_n, kw_n, 1, true);
  else if (mx)
    pool16 (pg, x, out, kh_n, kw_n, 2, true);
  else if (s1)
    pool16 (pg, x, out, kh_n, kw_n, 1, false);
  else
    pool16 (pg, x, out, kh_n, kw_n, 2, false);
}

void
cnn_global_pool_avx512 (const float *x, int64_t plane, int64_t planes,
    bool is_max, float *y)
{
  const __m512 ninf = _mm512_set1_ps (-INFINITY);
  for (int64_t i = 0; i < planes; i++) {
    const float *p = x + i * plane;
    if (is_max) {
      __m512 m = ninf;
      __mmask16 nan = 0;
      for (int64_t k = 0; k < plane; k += 16) {
        __mmask16 in = (__mmask16) bits (0, plane - k);
        __m512 v = _mm512_mask_loadu_ps (ninf, in, p + k);
        nan |= _mm512_cmp_ps_mask (v, v, _CMP_UNORD_Q);
        m = _mm512_max_ps (m, v);
      }
      y[i] = nan ? NAN : _mm512_reduce_max_ps (m);
    } else {
      __m512d s0 = _mm512_setzero_pd (), s1 = _mm512_setzero_pd ();
      for (int64_t k = 0; k < plane; k += 16) {
        __m512 v = _mm512_maskz_loadu_ps ((__mmask16) bits (0, plane - k),
            p + k);
        s0 = _mm512_add_pd (s0, _mm512_cvtps_pd (_mm512_castps512_ps256 (v)));
        s1 = _mm512_add_pd (s1, _mm512_cvtps_pd (
                _mm512_extractf32x8_ps (v, 1)));
      }
      y[i] = (float) (_mm512_reduce_add_pd (_mm512_add_pd (s0, s1))
          / (double) plane);
    }
  }
}
