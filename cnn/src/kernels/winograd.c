/* winograd.c — Winograd F(2x2, 3x3) transforms (see winograd.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input and output transforms work on 8 tiles of one row of tiles at
 * a time (lanes of an 8-float vector): the 4x4 patches are gathered with
 * bounds checks into a lane-major buffer, transformed with vector
 * arithmetic, and each of the 16 results is one 8-float store into V
 * (tiles are contiguous there). The matrices are those of Lavin and Gray
 * for the points 0, +-1 and infinity; every coefficient is 0, +-1 or
 * +-1/2, so the transforms add almost no rounding:
 *   B^T rows: (1 0 -1 0) (0 1 1 0) (0 -1 1 0) (0 1 0 -1)
 *   G rows:   (1 0 0) (1/2 1/2 1/2) (1/2 -1/2 1/2) (0 0 1)
 *   A^T rows: (1 1 1 0) (0 1 -1 -1)
 */
#include "winograd.h"
#include "epilogue.h"
#include "store_v8.h"

#include <immintrin.h>
#include <string.h>

#define LANES 8

/* Lanes lo <= l < hi set (all bits), others clear: for the AVX2 masked
 * loads of the partial chunks at plane edges (masked-off lanes are not
 * read, so nothing past a buffer is touched). */
static inline __m256i
lane_range (int64_t lo, int64_t hi)
{
  const __m256i idx = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  lo = lo < 0 ? 0 : lo > LANES ? LANES : lo;
  hi = hi < 0 ? 0 : hi > LANES ? LANES : hi;
  return _mm256_andnot_si256 (
      _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) lo), idx),
      _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) hi), idx));
}

static inline cnn_v8f
load_lanes (const float *p, __m256i mask)
{
  return (cnn_v8f) _mm256_maskload_ps (p, mask);
}

bool
cnn_winograd_applies (const CnnConvGeom *g)
{
  return g->group == 1 && g->k[0] == 1 && g->in[0] == 1 && g->out[0] == 1
      && g->k[1] == 3 && g->k[2] == 3 && g->stride[1] == 1
      && g->stride[2] == 1 && g->dil[1] == 1 && g->dil[2] == 1;
}

static int64_t
tiles_w (const CnnConvGeom *g)
{
  return (g->out[2] + 1) / 2;
}

static int64_t
tiles_h (const CnnConvGeom *g)
{
  return (g->out[1] + 1) / 2;
}

int64_t
cnn_winograd_tiles (const CnnConvGeom *g)
{
  return tiles_h (g) * tiles_w (g);
}

/* ---- 1-D transforms; s is the distance between the 4 (or 3) values ---- */

static inline void
bt4 (const cnn_v8f *d, int s, cnn_v8f *r, int rs)
{
  cnn_v8f d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s];
  r[0] = d0 - d2;
  r[rs] = d1 + d2;
  r[2 * rs] = d2 - d1;
  r[3 * rs] = d1 - d3;
}

static inline void
at4 (const cnn_v8f *m, int s, cnn_v8f *o, int os)
{
  cnn_v8f m1 = m[s], m2 = m[2 * s];
  o[0] = m[0] + m1 + m2;
  o[os] = m1 - m2 - m[3 * s];
}

static inline void
g3 (const float *g, int s, float *r, int rs)
{
  float g0 = g[0], g1 = g[s], g2 = g[2 * s];
  r[0] = g0;
  r[rs] = (g0 + g1 + g2) * 0.5f;
  r[2 * rs] = (g0 - g1 + g2) * 0.5f;
  r[3 * rs] = g2;
}

/* Filters are transformed WB input channels at a time into a local block,
 * then written as 16 runs of WB floats: U's 16 planes are oc * c floats
 * apart (often a power of two), and scattered single stores would keep
 * evicting each other from L1. */
#define WB 16

void
cnn_winograd_weights (const CnnConvGeom *g, const float *w, int64_t o0,
    int64_t o1, float *u)
{
  int64_t oc = g->oc, c = g->c, su = cnn_winograd_plane (oc * c);
  float blk[CNN_WINO_E][WB];
  for (int64_t o = o0; o < o1; o++)
    for (int64_t c0 = 0; c0 < c; c0 += WB) {
      int n = c - c0 < WB ? (int) (c - c0) : WB;
      for (int k = 0; k < n; k++) {
        const float *f = w + (o * c + c0 + k) * 9;
        float t[12], r[16];
        for (int j = 0; j < 3; j++)     /* columns: G g (4 x 3) */
          g3 (f + j, 3, t + j, 3);
        for (int i = 0; i < 4; i++)     /* rows: (G g) G^T (4 x 4) */
          g3 (t + 3 * i, 1, r + 4 * i, 1);
        for (int e = 0; e < CNN_WINO_E; e++)
          blk[e][k] = r[e];
      }
      for (int e = 0; e < CNN_WINO_E; e++)
        memcpy (u + e * su + o * c + c0, blk[e], sizeof (float) * (size_t) n);
    }
}

/* Gathers the 4x4 patches of tiles (th, tw0 .. tw0+n-1) of plane xc into
 * d[e] lane k (zero outside the plane; lanes >= n are unspecified).
 * Column j of tile k is input column iw0 + 2k + j, so each input row gives
 * its 4 columns as the even and odd floats of two pairs of vector loads;
 * rows that reach past the plane are loaded with lane masks (zeros
 * outside). */
static void
gather (const CnnConvGeom *g, const float *xc, int64_t th, int64_t tw0,
    int n, cnn_v8f d[CNN_WINO_E])
{
  const int span = 2 * LANES + 2;
  int64_t h = g->in[1], w = g->in[2];
  int64_t ih0 = th * 2 - g->pad[1], iw0 = tw0 * 2 - g->pad[2];
  const bool inside = iw0 >= 0 && iw0 + span <= w;
  (void) n;
  for (int i = 0; i < 4; i++) {
    int64_t ih = ih0 + i;
    cnn_v8f a = { 0 }, b = { 0 }, c = { 0 }, e = { 0 };
    const float *src = ih >= 0 && ih < h ? xc + ih * w : NULL;
    if (src && inside) {
      src += iw0;
      memcpy (&a, src, sizeof a);
      memcpy (&b, src + LANES, sizeof b);
      memcpy (&c, src + 2, sizeof c);
      memcpy (&e, src + 2 + LANES, sizeof e);
    } else if (src) {
      /* lane l of the load at offset k is column iw0 + k + l: the lanes
       * before column 0 are masked off, so the address may precede the
       * row without a byte being read there */
      src += iw0;
      a = load_lanes (src, lane_range (-iw0, w - iw0));
      b = load_lanes (src + LANES, lane_range (-iw0 - LANES, w - iw0 - LANES));
      c = load_lanes (src + 2, lane_range (-iw0 - 2, w - iw0 - 2));
      e = load_lanes (src + 2 + LANES, lane_range (-iw0 - 2 - LANES,
              w - iw0 - 2 - LANES));
    }
    d[i * 4] = __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14);
    d[i * 4 + 1] = __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13,
        15);
    d[i * 4 + 2] = __builtin_shufflevector (c, e, 0, 2, 4, 6, 8, 10, 12,
        14);
    d[i * 4 + 3] = __builtin_shufflevector (c, e, 1, 3, 5, 7, 9, 11, 13,
        15);
  }
}

/* The tiles [*lo, *hi) of tile row th that lie in the span. */
static inline void
span_row (const CnnWinoSpan *sp, int64_t tw_n, int64_t th, int64_t *lo,
    int64_t *hi)
{
  *lo = sp->t0 - th * tw_n > 0 ? sp->t0 - th * tw_n : 0;
  *hi = sp->t1 - th * tw_n < tw_n ? sp->t1 - th * tw_n : tw_n;
}

void
cnn_winograd_input_span (const CnnConvGeom *g, const float *x, int64_t c0,
    int64_t c1, const CnnWinoSpan *sp, float *v)
{
  int64_t tw_n = tiles_w (g), plane = g->in[1] * g->in[2];
  for (int64_t ci = c0; ci < c1; ci++)
    for (int64_t th = sp->t0 / tw_n, lo, hi; th * tw_n < sp->t1; th++) {
      span_row (sp, tw_n, th, &lo, &hi);
      for (int64_t tw = lo; tw < hi; tw += LANES) {
        int n = hi - tw < LANES ? (int) (hi - tw) : LANES;
        cnn_v8f d[CNN_WINO_E], t[CNN_WINO_E], r[CNN_WINO_E];
        gather (g, x + ci * plane, th, tw, n, d);
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)     /* columns: B^T d */
          bt4 (d + j, 4, t + j, 4);
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)     /* rows: (B^T d) B */
          bt4 (t + 4 * i, 1, r + 4 * i, 1);
        float *dst = v + ci * sp->ld + th * tw_n + tw - sp->t0;
        if (n == LANES) {
#pragma GCC unroll 16
          for (int e = 0; e < CNN_WINO_E; e++)
            memcpy (dst + e * sp->plane, &r[e], sizeof r[e]);
        } else {
          for (int e = 0; e < CNN_WINO_E; e++)
            cnn_store_first_v8 (dst + e * sp->plane, n, (__m256) r[e]);
        }
      }
    }
}

/* The whole image: tiles 0 .. tiles-1 with the planes of winograd.h. */
static CnnWinoSpan
whole_span (const CnnConvGeom *g, int64_t rows)
{
  int64_t tiles = cnn_winograd_tiles (g);
  return (CnnWinoSpan) { 0, tiles, tiles, cnn_winograd_plane (rows * tiles) };
}

void
cnn_winograd_input (const CnnConvGeom *g, const float *x, int64_t c0,
    int64_t c1, float *v)
{
  CnnWinoSpan sp = whole_span (g, g->c);
  cnn_winograd_input_span (g, x, c0, c1, &sp, v);
}

/* act (v + bias) (NaN stays NaN under Relu and Clip). */
static inline cnn_v8f
bias_act1 (cnn_v8f v, float bias, const CnnFusedAct *act)
{
  const cnn_v8f zero = { 0 };
  CnnActKind kind = act ? act->kind : CNN_ACT_NONE;
  v += zero + bias;
  if (kind == CNN_ACT_RELU)
    v = (cnn_v8f) ((cnn_v8i) v & ~(cnn_v8i) (v < zero));
  else if (kind == CNN_ACT_CLIP) {
    cnn_v8f lo = zero + act->alpha, hi = zero + act->beta;
    v = (cnn_v8f) (((cnn_v8i) lo & (cnn_v8i) (v < lo))
        | ((cnn_v8i) v & ~(cnn_v8i) (v < lo)));
    v = (cnn_v8f) (((cnn_v8i) hi & (cnn_v8i) (v > hi))
        | ((cnn_v8i) v & ~(cnn_v8i) (v > hi)));
  } else if (kind == CNN_ACT_LEAKY_RELU) {
    cnn_v8i neg = (cnn_v8i) (v < zero);
    v = (cnn_v8f) (((cnn_v8i) (v * (zero + act->alpha)) & neg)
        | ((cnn_v8i) v & ~neg));
  }
  return v;
}

/* Writes the 2x2 results o[i * 2 + j] lane k (tile th, tw0 + k) to the
 * plane yo, dropping what falls past the edges: the two columns of each
 * output row are interleaved into 16 floats, stored directly or with
 * masked stores at the edges. With a residual plane ro, y = act (o + r)
 * exactly as cnn_residual_bias_act orders it (o already holds the bias). */
static void
scatter (const CnnConvGeom *g, const cnn_v8f o[4], int64_t th, int64_t tw0,
    int n, const float *ro, const CnnFusedAct *act, float *yo)
{
  int64_t h = g->out[1], w = g->out[2];
  int64_t cols = w - tw0 * 2 < 2 * n ? w - tw0 * 2 : 2 * n;
  const __m256i ma = lane_range (0, cols), mb = lane_range (0, cols - LANES);
  for (int i = 0; i < 2 && th * 2 + i < h; i++) {
    int64_t at = (th * 2 + i) * w + tw0 * 2;
    cnn_v8f a = __builtin_shufflevector (o[i * 2], o[i * 2 + 1],
        0, 8, 1, 9, 2, 10, 3, 11);
    cnn_v8f b = __builtin_shufflevector (o[i * 2], o[i * 2 + 1],
        4, 12, 5, 13, 6, 14, 7, 15);
    if (ro) {
      a = bias_act1 (a + load_lanes (ro + at, ma), 0.0f, act);
      b = bias_act1 (b + load_lanes (ro + at + LANES, mb), 0.0f, act);
    }
    if (cols == 2 * LANES) {
      memcpy (yo + at, &a, sizeof a);
      memcpy (yo + at + LANES, &b, sizeof b);
    } else {
      cnn_store_first_v8 (yo + at, cols < LANES ? (int) cols : LANES,
          (__m256) a);
      if (cols > LANES)
        cnn_store_first_v8 (yo + at + LANES, (int) cols - LANES,
            (__m256) b);
    }
  }
}

void
cnn_winograd_output_span (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, const float *res, int64_t o0,
    int64_t o1, const CnnWinoSpan *sp, float *y)
{
  int64_t tw_n = tiles_w (g), plane = g->out[1] * g->out[2];
  for (int64_t o = o0; o < o1; o++)
    for (int64_t th = sp->t0 / tw_n, lo, hi; th * tw_n < sp->t1; th++) {
      span_row (sp, tw_n, th, &lo, &hi);
      for (int64_t tw = lo; tw < hi; tw += LANES) {
        int n = hi - tw < LANES ? (int) (hi - tw) : LANES;
        cnn_v8f s[CNN_WINO_E], t[8], r[4];
        const float *src = m + o * sp->ld + th * tw_n + tw - sp->t0;
        if (n == LANES) {
#pragma GCC unroll 16
          for (int e = 0; e < CNN_WINO_E; e++)
            memcpy (&s[e], src + e * sp->plane, sizeof s[e]);
        } else {
          const __m256i mask = lane_range (0, n);
          for (int e = 0; e < CNN_WINO_E; e++)
            s[e] = load_lanes (src + e * sp->plane, mask);
        }
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)     /* columns: A^T M (2 x 4) */
          at4 (s + j, 4, t + j, 4);
#pragma GCC unroll 2
        for (int i = 0; i < 2; i++)     /* rows: (A^T M) A (2 x 2) */
          at4 (t + 4 * i, 1, r + 2 * i, 1);
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)
          r[i] = bias_act1 (r[i], bias ? bias[o] : 0.0f, res ? NULL : act);
        scatter (g, r, th, tw, n, res ? res + o * plane : NULL, act,
            y + o * plane);
      }
    }
}

void
cnn_winograd_output (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, int64_t o0, int64_t o1,
    float *y)
{
  CnnWinoSpan sp = whole_span (g, g->oc);
  cnn_winograd_output_span (g, m, bias, act, NULL, o0, o1, &sp, y);
}
