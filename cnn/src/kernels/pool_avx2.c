/* pool_avx2.c — max and average pooling with AVX2 (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx2 -mfma; call only through cnn_pool_select ()
 * (pooling.h), which checks the CPU and cnn_pool_simd_applies (2-D
 * window, dilation 1, column stride 1 or 2).
 *
 * The scheme of pool_avx512.c with 8 lanes: per chunk of 8 output columns
 * and window column kw, lane masks of the input columns inside the row;
 * full chunks use plain loads, partial ones vmaskmovps (masked lanes are
 * never touched; a max replaces them by -inf). At column stride 2 the 16
 * inputs from column kw give columns kw (even) and kw + 1 (odd). NaN and
 * divisors as in pool_avx512.c. Global pools run 8 floats per step
 * (sums in double).
 */
#include "pooling.h"
#include "store_v8.h"

#include <immintrin.h>
#include <math.h>

static inline __m256i
lanes (int64_t lo, int64_t hi)
{
  const __m256i idx = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  lo = lo < -1 ? -1 : lo > 9 ? 9 : lo;
  hi = hi < -1 ? -1 : hi > 9 ? 9 : hi;
  return _mm256_and_si256 (
      _mm256_cmpgt_epi32 (idx, _mm256_set1_epi32 ((int) lo - 1)),
      _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) hi), idx));
}

typedef struct {
  __m256i m0[64], m1[64];   /* per window column: first / second 8 inputs */
  bool full[64];            /* every input read is inside the row */
  __m256 count_w;           /* averages: divisor along W per lane */
} Chunk;

static inline void
chunk_setup (const CnnPoolGeom *pg, int64_t j0, int64_t n, int kw_n, int s,
    Chunk *c)
{
  const CnnConvGeom *g = &pg->geom;
  for (int kw = 0; kw < kw_n; kw++) {
    int64_t start = j0 * s - g->pad[2] + kw;
    int64_t hi = g->in[2] - start, last = s == 2 ? 2 * n : n;
    hi = hi < last ? hi : last;
    c->m0[kw] = lanes (-start, hi);
    c->m1[kw] = lanes (-start - 8, hi - 8);
    c->full[kw] = start >= 0 && hi == 8 * s;
  }
  c->count_w = _mm256_set1_ps (1.0f);
  if (!pg->is_max) {
    float cw[8] = { 0 };
    for (int64_t l = 0; l < n; l++)
      cw[l] = (float) cnn_pool_axis_count (pg, 2, j0 + l);
    c->count_w = _mm256_loadu_ps (cw);
  }
}

static inline __m256
load8 (const float *p, __m256i m, bool full, __m256 fill, bool is_max)
{
  if (full)
    return _mm256_loadu_ps (p);
  __m256 v = _mm256_maskload_ps (p, m);
  return is_max ? _mm256_blendv_ps (fill, v, _mm256_castsi256_ps (m)) : v;
}

static inline __m256
pick (__m256 a, __m256 b, int sel)
{
  __m256 t = sel ? _mm256_shuffle_ps (a, b, _MM_SHUFFLE (3, 1, 3, 1))
      : _mm256_shuffle_ps (a, b, _MM_SHUFFLE (2, 0, 2, 0));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (t),
          _MM_SHUFFLE (3, 1, 2, 0)));
}

/* Output row oh of the chunk at column j0 (masks c). */
static inline __attribute__ ((always_inline)) void
row8 (const CnnPoolGeom *pg, const float *x, float *out, int64_t oh,
    int64_t j0, const Chunk *c, const int kh_n, const int kw_n, const int s,
    const bool is_max)
{
  const CnnConvGeom *g = &pg->geom;
  const int64_t h = g->in[1], wd = g->in[2], ow_n = g->out[2];
  const int64_t sh = g->stride[1], ph = g->pad[1], pw = g->pad[2];
  const __m256 fill = _mm256_set1_ps (is_max ? -INFINITY : 0.0f);
  __m256 acc = fill, nan = _mm256_setzero_ps ();
  for (int kh = 0; kh < kh_n; kh++) {
    int64_t ih = oh * sh - ph + kh;
    if (ih < 0 || ih >= h)
      continue;
    const float *r = x + ih * wd + (j0 * s - pw);
    __m256 v[64];
#pragma GCC unroll 8
    for (int kw = 0; kw < kw_n; kw++) {
      if (s == 1) {
        v[kw] = load8 (r + kw, c->m0[kw], c->full[kw], fill, is_max);
      } else if (kw % 2 == 0) {
        __m256 a = load8 (r + kw, c->m0[kw], c->full[kw], fill, is_max);
        __m256 b = load8 (r + kw + 8, c->m1[kw], c->full[kw], fill, is_max);
        v[kw] = pick (a, b, 0);
        if (kw + 1 < kw_n)
          v[kw + 1] = pick (a, b, 1);
      }
      if (is_max) {
        nan = _mm256_or_ps (nan, _mm256_cmp_ps (v[kw], v[kw],
                _CMP_UNORD_Q));
        acc = _mm256_max_ps (acc, v[kw]);
      } else {
        acc = _mm256_add_ps (acc, v[kw]);
      }
    }
  }
  __m256 y;
  if (is_max) {
    y = _mm256_blendv_ps (acc, _mm256_set1_ps (NAN), nan);
  } else {
    __m256 cnt = _mm256_mul_ps (c->count_w, _mm256_set1_ps ((float)
            cnn_pool_axis_count (pg, 1, oh)));
    __m256 some = _mm256_cmp_ps (cnt, _mm256_setzero_ps (), _CMP_GT_OQ);
    y = _mm256_and_ps (_mm256_div_ps (acc, cnt), some);
  }
  int64_t n = ow_n - j0 < 8 ? ow_n - j0 : 8;
  cnn_store_first_v8 (out + oh * ow_n + j0, (int) n, y);
}

/* Chunk by chunk down planes that fit in L1 (32 KB), row by row across
 * strips of STRIP_CHUNKS chunks for larger ones (see pool_avx512.c). */
#define L1_PLANE_FLOATS 8192
#define STRIP_CHUNKS 8

static inline __attribute__ ((always_inline)) void
pool8 (const CnnPoolGeom *pg, const float *x, float *out, const int kh_n,
    const int kw_n, const int s, const bool is_max)
{
  const CnnConvGeom *g = &pg->geom;
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  if (g->in[1] * g->in[2] <= L1_PLANE_FLOATS) {
    Chunk c;
    for (int64_t j0 = 0; j0 < ow_n; j0 += 8) {
      chunk_setup (pg, j0, ow_n - j0 < 8 ? ow_n - j0 : 8, kw_n, s, &c);
      for (int64_t oh = 0; oh < oh_n; oh++)
        row8 (pg, x, out, oh, j0, &c, kh_n, kw_n, s, is_max);
    }
    return;
  }
  Chunk c[STRIP_CHUNKS];
  for (int64_t s0 = 0; s0 < ow_n; s0 += 8 * STRIP_CHUNKS) {
    int64_t s1 = ow_n - s0 < 8 * STRIP_CHUNKS ? ow_n : s0 + 8 * STRIP_CHUNKS;
    for (int64_t j0 = s0; j0 < s1; j0 += 8)
      chunk_setup (pg, j0, ow_n - j0 < 8 ? ow_n - j0 : 8, kw_n, s,
          &c[(j0 - s0) / 8]);
    for (int64_t oh = 0; oh < oh_n; oh++)
      for (int64_t j0 = s0; j0 < s1; j0 += 8)
        row8 (pg, x, out, oh, j0, &c[(j0 - s0) / 8], kh_n, kw_n, s, is_max);
  }
}

void
cnn_pool_plane_avx2 (const CnnPoolGeom *pg, const float *x, float *out)
{
  const CnnConvGeom *g = &pg->geom;
  int kh_n = (int) g->k[1], kw_n = (int) g->k[2];
  bool s1 = g->stride[2] == 1, mx = pg->is_max;
  if (kh_n == 3 && kw_n == 3 && !s1 && mx)
    pool8 (pg, x, out, 3, 3, 2, true);
  else if (kh_n == 3 && kw_n == 3 && s1 && mx)
    pool8 (pg, x, out, 3, 3, 1, true);
  else if (kh_n == 2 && kw_n == 2 && !s1 && mx)
    pool8 (pg, x, out, 2, 2, 2, true);
  else if (kh_n == 3 && kw_n == 3 && !s1)
    pool8 (pg, x, out, 3, 3, 2, false);
  else if (kh_n == 3 && kw_n == 3)
    pool8 (pg, x, out, 3, 3, 1, false);
  else if (mx && s1)
    pool8 (pg, x, out, kh_n, kw_n, 1, true);
  else if (mx)
    pool8 (pg, x, out, kh_n, kw_n, 2, true);
  else if (s1)
    pool8 (pg, x, out, kh_n, kw_n, 1, false);
  else
    pool8 (pg, x, out, kh_n, kw_n, 2, false);
}

void
cnn_global_pool_avx2 (const float *x, int64_t plane, int64_t planes,
    bool is_max, float *y)
{
  const __m256 ninf = _mm256_set1_ps (-INFINITY);
  float lanes8[8];
  double lanes4[4];
  for (int64_t i = 0; i < planes; i++) {
    const float *p = x + i * plane;
    if (is_max) {
      __m256 m = ninf, nan = _mm256_setzero_ps ();
      for (int64_t k = 0; k < plane; k += 8) {
        __m256i in = lanes (0, plane - k);
        __m256 v = plane - k >= 8 ? _mm256_loadu_ps (p + k)
            : _mm256_blendv_ps (ninf, _mm256_maskload_ps (p + k, in),
                _mm256_castsi256_ps (in));
        nan = _mm256_or_ps (nan, _mm256_cmp_ps (v, v, _CMP_UNORD_Q));
        m = _mm256_max_ps (m, v);
      }
      _mm256_storeu_ps (lanes8, m);
      float r = lanes8[0];
      for (int l = 1; l < 8; l++)
        r = lanes8[l] > r ? lanes8[l] : r;
      y[i] = _mm256_movemask_ps (nan) ? NAN : r;
    } else {
      __m256d s0 = _mm256_setzero_pd (), s1 = _mm256_setzero_pd ();
      for (int64_t k = 0; k < plane; k += 8) {
        __m256 v = plane - k >= 8 ? _mm256_loadu_ps (p + k)
            : _mm256_maskload_ps (p + k, lanes (0, plane - k));
        s0 = _mm256_add_pd (s0, _mm256_cvtps_pd (_mm256_castps256_ps128 (v)));
        s1 = _mm256_add_pd (s1, _mm256_cvtps_pd (
                _mm256_extractf128_ps (v, 1)));
      }
      _mm256_storeu_pd (lanes4, _mm256_add_pd (s0, s1));
      y[i] = (float) (((lanes4[0] + lanes4[1]) + (lanes4[2] + lanes4[3]))
          / (double) plane);
    }
  }
}
