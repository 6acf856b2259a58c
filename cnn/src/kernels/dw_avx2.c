/* dw_avx2.c — depthwise convolution with AVX2 + FMA (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx2 -mfma; call only through cnn_depthwise_select ()
 * (depthwise.h), which checks the CPU and cnn_depthwise_simd_applies
 * (dilation 1, column stride 1 or 2).
 *
 * Shapes as in depthwise.h: x is (in[1], in[2]), w is (k[1], k[2]), out is
 * (out[1], out[2]). The same scheme as dw_avx512.c with 8 lanes: the
 * output row is cut into chunks of 8 columns; per chunk and filter column
 * a lane mask says which input columns are inside the row. Full chunks
 * use plain loads, partial ones vmaskmovps (which never touches masked
 * lanes), so borders share the interior code. At column stride 2 a chunk
 * reads 16 inputs and keeps the even ones (shuffle + permute). Each output
 * is bias + taps in (kh, kw) order with FMA, then the fused activation.
 */
#include "depthwise.h"
#include "act_simd.h"
#include "store_v8.h"

#include <immintrin.h>

/* Lanes l in [lo, hi) of an 8-lane mask vector; *full when all 8 are. */
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

/* Input columns under a chunk, per filter column kw: lanes of the first
 * (m0) and second (m1, stride 2 only) 8 inputs, and whether all lanes of
 * both are inside the row. */
typedef struct {
  __m256i m0, m1;
  bool full;
} TapMask;

static inline void
chunk_masks (const CnnConvGeom *g, int64_t j0, int64_t n, int kw_n, int sw,
    TapMask *t)
{
  for (int kw = 0; kw < kw_n; kw++) {
    int64_t start = j0 * sw - g->pad[2] + kw;
    int64_t hi = g->in[2] - start, last = (int64_t) sw * (n - 1) + 1;
    hi = hi < last ? hi : last;
    t[kw].m0 = lanes (-start, hi);
    t[kw].m1 = lanes (-start - 8, hi - 8);
    t[kw].full = start >= 0 && hi >= 8 * sw - (sw - 1) && n == 8;
  }
}

/* Even elements of a ++ b. */
static inline __m256
evens (__m256 a, __m256 b)
{
  __m256 t = _mm256_shuffle_ps (a, b, _MM_SHUFFLE (2, 0, 2, 0));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (t),
          _MM_SHUFFLE (3, 1, 2, 0)));
}

/* Odd elements of a ++ b. */
static inline __m256
odds (__m256 a, __m256 b)
{
  __m256 t = _mm256_shuffle_ps (a, b, _MM_SHUFFLE (3, 1, 3, 1));
  return _mm256_castpd_ps (_mm256_permute4x64_pd (_mm256_castps_pd (t),
          _MM_SHUFFLE (3, 1, 2, 0)));
}

static inline __attribute__ ((always_inline)) __m256
load_tap (const float *p, const TapMask *t, int sw)
{
  if (sw == 1)
    return t->full ? _mm256_loadu_ps (p) : _mm256_maskload_ps (p, t->m0);
  if (t->full)      /* the first 8 inputs are inside the row */
    return evens (_mm256_loadu_ps (p), _mm256_maskload_ps (p + 8, t->m1));
  return evens (_mm256_maskload_ps (p, t->m0),
      _mm256_maskload_ps (p + 8, t->m1));
}

static inline __attribute__ ((always_inline)) void
plane8 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, const int kh_n, const int kw_n,
    const int sw)
{
  const int64_t h = g->in[1], wd = g->in[2];
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  const int64_t sh = g->stride[1], ph = g->pad[1], pw = g->pad[2];
  TapMask t[64];

  for (int64_t j0 = 0; j0 < ow_n; j0 += 8) {
    int64_t n = ow_n - j0 < 8 ? ow_n - j0 : 8;
    chunk_masks (g, j0, n, kw_n, sw, t);
    for (int64_t oh = 0; oh < oh_n; oh++) {
      __m256 acc = _mm256_set1_ps (bias);
      for (int kh = 0; kh < kh_n; kh++) {
        int64_t ih = oh * sh - ph + kh;
        if (ih < 0 || ih >= h)
          continue;
        const float *r = x + ih * wd + (j0 * sw - pw);
        const float *wr = w + kh * kw_n;
        for (int kw = 0; kw < kw_n; kw++)
          acc = _mm256_fmadd_ps (load_tap (r + kw, &t[kw], sw),
              _mm256_set1_ps (wr[kw]), acc);
      }
      cnn_store_first_v8 (out + oh * ow_n + j0, (int) n,
          cnn_act_v8 (acc, act));
    }
  }
}

/* Blocks of RB output rows (see dw_avx512.c): chunk by chunk while the
 * input plane fits in L1, else row block by row block across strips of up
 * to STRIP_CHUNKS 8-wide chunks, in address order. Each input row is
 * loaded once per block and feeds every output row of the block it
 * reaches; the RB (4, named) accumulators are independent FMA chains. At
 * stride 2 the 16 inputs from column kw give taps kw (evens) and kw + 1
 * (odds). */
#define RB 4
#define STRIP_CHUNKS 16
#define L1_PLANE_FLOATS 8192

/* The masks of one 8-wide chunk for block8 (kw_n <= 5). */
typedef struct {
  TapMask t[5], tp[3];
  int n;
} Chunk8;

static inline __attribute__ ((always_inline)) void
chunk8_masks (const CnnConvGeom *g, int64_t j0, const int kw_n,
    const int s, Chunk8 *ck)
{
  int64_t ow_n = g->out[2], n = ow_n - j0 < 8 ? ow_n - j0 : 8;
  ck->n = (int) n;
  chunk_masks (g, j0, n, kw_n, s, ck->t);
  for (int kw = 0; s == 2 && kw < kw_n; kw += 2) {
    int64_t start = j0 * 2 - g->pad[2] + kw, hi = g->in[2] - start;
    hi = hi < 2 * n ? hi : 2 * n;
    ck->tp[kw / 2].m0 = lanes (-start, hi);
    ck->tp[kw / 2].m1 = lanes (-start - 8, hi - 8);
    ck->tp[kw / 2].full = start >= 0 && hi >= 16;
  }
}

/* The inputs under the chunk at column j0 (masks ck) of input row r (at
 * column 0) for filter columns 0 .. kw_n - 1 (at most 5). */
static inline __attribute__ ((always_inline)) void
load_row8 (const float *r, const Chunk8 ck, const int kw_n, const int s,
    __m256 *v0, __m256 *v1, __m256 *v2, __m256 *v3, __m256 *v4)
{
  __m256 *v[5] = { v0, v1, v2, v3, v4 };
#pragma GCC unroll 8
  for (int kw = 0; kw < kw_n; kw++) {
    if (s == 1) {
      *v[kw] = load_tap (r + kw, &ck.t[kw], 1);
    } else if (kw % 2 == 0) {
      const TapMask *pm = &ck.tp[kw / 2];
      __m256 a = pm->full ? _mm256_loadu_ps (r + kw)
          : _mm256_maskload_ps (r + kw, pm->m0);
      __m256 b = pm->full ? _mm256_loadu_ps (r + kw + 8)
          : _mm256_maskload_ps (r + kw + 8, pm->m1);
      *v[kw] = evens (a, b);
      if (kw + 1 < kw_n)
        *v[kw + 1] = odds (a, b);
    }
  }
}

/* acc + one filter row wr (kw_n taps) times the loaded inputs, kw order. */
static inline __attribute__ ((always_inline)) __m256
fma_row8 (__m256 acc, const float *wr, const int kw_n, __m256 v0,
    __m256 v1, __m256 v2, __m256 v3, __m256 v4)
{
  const __m256 v[5] = { v0, v1, v2, v3, v4 };
#pragma GCC unroll 8
  for (int kw = 0; kw < kw_n; kw++)
    acc = _mm256_fmadd_ps (v[kw], _mm256_set1_ps (wr[kw]), acc);
  return acc;
}

static inline void
store8 (float *o, const Chunk8 ck, __m256 y)
{
  cnn_store_first_v8 (o, ck.n, y);
}

/* RB (4) output rows from oh of the chunk at column j0: each input row is
 * loaded once and feeds every output row it reaches; four named
 * accumulators (independent FMA chains that stay in registers). */
static inline __attribute__ ((always_inline)) void
rows8 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, int64_t oh, int64_t j0,
    const Chunk8 ck, const int kh_n, const int kw_n, const int s)
{
  const int64_t h = g->in[1], oh_n = g->out[1], ow_n = g->out[2];
  __m256 a0 = _mm256_set1_ps (bias), a1 = a0, a2 = a0, a3 = a0;
#pragma GCC unroll 16
  for (int rr = 0; rr < (RB - 1) * s + kh_n; rr++) {
    int64_t ih = oh * s - g->pad[1] + rr;
    if (ih < 0 || ih >= h)
      continue;
    __m256 v0, v1, v2, v3, v4;
    load_row8 (x + ih * g->in[2] + (j0 * s - g->pad[2]), ck, kw_n, s, &v0,
        &v1, &v2, &v3, &v4);
    if (rr < kh_n)
      a0 = fma_row8 (a0, w + rr * kw_n, kw_n, v0, v1, v2, v3, v4);
    if (rr >= s && rr - s < kh_n)
      a1 = fma_row8 (a1, w + (rr - s) * kw_n, kw_n, v0, v1, v2, v3, v4);
    if (rr >= 2 * s && rr - 2 * s < kh_n)
      a2 = fma_row8 (a2, w + (rr - 2 * s) * kw_n, kw_n, v0, v1, v2, v3, v4);
    if (rr >= 3 * s && rr - 3 * s < kh_n)
      a3 = fma_row8 (a3, w + (rr - 3 * s) * kw_n, kw_n, v0, v1, v2, v3, v4);
  }
  float *o = out + oh * ow_n + j0;
  store8 (o, ck, cnn_act_v8 (a0, act));
  if (oh + 1 < oh_n)
    store8 (o + ow_n, ck, cnn_act_v8 (a1, act));
  if (oh + 2 < oh_n)
    store8 (o + 2 * ow_n, ck, cnn_act_v8 (a2, act));
  if (oh + 3 < oh_n)
    store8 (o + 3 * ow_n, ck, cnn_act_v8 (a3, act));
}

static inline __attribute__ ((always_inline)) void
block8 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, const int kh_n, const int kw_n,
    const int s)
{
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  if (g->in[1] * g->in[2] <= L1_PLANE_FLOATS) {
    for (int64_t j0 = 0; j0 < ow_n; j0 += 8) {
      Chunk8 one;
      chunk8_masks (g, j0, kw_n, s, &one);
      for (int64_t oh = 0; oh < oh_n; oh += RB)
        rows8 (g, x, w, bias, act, out, oh, j0, one, kh_n, kw_n, s);
    }
    return;
  }
  Chunk8 ck[STRIP_CHUNKS];
  for (int64_t s0 = 0; s0 < ow_n; s0 += 8 * STRIP_CHUNKS) {
    int64_t s1 = ow_n - s0 < 8 * STRIP_CHUNKS ? ow_n : s0 + 8 * STRIP_CHUNKS;
    for (int64_t j0 = s0; j0 < s1; j0 += 8)
      chunk8_masks (g, j0, kw_n, s, &ck[(j0 - s0) / 8]);
    for (int64_t oh = 0; oh < oh_n; oh += RB)
      for (int64_t j0 = s0; j0 < s1; j0 += 8)
        rows8 (g, x, w, bias, act, out, oh, j0, ck[(j0 - s0) / 8], kh_n,
            kw_n, s);
  }
}

void
cnn_depthwise_plane_avx2 (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out)
{
  int kh_n = (int) g->k[1], kw_n = (int) g->k[2];
  bool s1 = g->stride[2] == 1;
  bool same = g->stride[1] == g->stride[2];
  bool k3 = kh_n == 3 && kw_n == 3, k5 = kh_n == 5 && kw_n == 5;
  if (k3 && s1 && same)
    block8 (g, x, w, bias, act, out, 3, 3, 1);
  else if (k3 && same)
    block8 (g, x, w, bias, act, out, 3, 3, 2);
  else if (k5 && s1 && same)
    block8 (g, x, w, bias, act, out, 5, 5, 1);
  else if (k5 && same)
    block8 (g, x, w, bias, act, out, 5, 5, 2);
  else if (s1)
    plane8 (g, x, w, bias, act, out, kh_n, kw_n, 1);
  else
    plane8 (g, x, w, bias, act, out, kh_n, kw_n, 2);
}
