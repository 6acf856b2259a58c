/* winograd_body.h — the Winograd F(2x2, 3x3) input and output transforms
 * at one vector width (internal; included only by winograd.c, 8 lanes, and
 * winograd_avx512.c, 16 lanes).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: winograd.h (cnn_winograd_input_span, cnn_winograd_output_span).
 * The transforms work on WL tiles of one row of tiles at a time (lanes of
 * a WL-float vector): the 4x4 patches are gathered with bounds checks into
 * lanes, transformed with vector arithmetic, and each of the 16 results
 * is one WL-float store into V (tiles are contiguous there). Each lane's
 * arithmetic is the same at every width, so both widths give the same
 * bits. The including file defines WL, the vector types VF and VI (GCC
 * vector extensions of WL floats and int32s), the lane mask type MASK,
 * RANGE (lo, hi) (lanes lo <= l < hi set; lo and hi clamped to [0, WL]),
 * LOAD_M (p, mask) (lanes outside the mask are zero and not read),
 * STORE_FIRST (p, n, v) (the first n lanes), EVEN and ODD (a, b) (the even
 * and the odd lanes of the 2 WL floats a then b), ZIP_LO and ZIP_HI (a, b)
 * (a and b interleaved, lanes 0 .. WL/2-1 and WL/2 .. WL-1 of each), and
 * the names WINO_INPUT_SPAN and WINO_OUTPUT_SPAN.
 */
#ifndef CNN_KERNELS_WINOGRAD_BODY_H
#define CNN_KERNELS_WINOGRAD_BODY_H

/* ---- 1-D transforms; s is the distance between the 4 (or 3) values ---- */

static inline void
bt4 (const VF *d, int s, VF *r, int rs)
{
  VF d0 = d[0], d1 = d[s], d2 = d[2 * s], d3 = d[3 * s];
  r[0] = d0 - d2;
  r[rs] = d1 + d2;
  r[2 * rs] = d2 - d1;
  r[3 * rs] = d1 - d3;
}

static inline void
at4 (const VF *m, int s, VF *o, int os)
{
  VF m1 = m[s], m2 = m[2 * s];
  o[0] = m[0] + m1 + m2;
  o[os] = m1 - m2 - m[3 * s];
}

/* The tiles [*lo, *hi) of tile row th that lie in the span. */
static inline void
span_row (const CnnWinoSpan *sp, int64_t tw_n, int64_t th, int64_t *lo,
    int64_t *hi)
{
  *lo = sp->t0 - th * tw_n > 0 ? sp->t0 - th * tw_n : 0;
  *hi = sp->t1 - th * tw_n < tw_n ? sp->t1 - th * tw_n : tw_n;
}

/* Gathers the 4x4 patches of tiles (th, tw0 .. tw0+n-1) of plane xc into
 * d[e] lane k (zero outside the plane; lanes >= n are unspecified).
 * Column j of tile k is input column iw0 + 2k + j, so each input row gives
 * its 4 columns as the even and odd floats of two pairs of vector loads;
 * rows that reach past the plane are loaded with lane masks (zeros
 * outside). */
static void
gather (const CnnConvGeom *g, const float *xc, int64_t th, int64_t tw0,
    int n, VF d[CNN_WINO_E])
{
  const int span = 2 * WL + 2;
  int64_t h = g->in[1], w = g->in[2];
  int64_t ih0 = th * 2 - g->pad[1], iw0 = tw0 * 2 - g->pad[2];
  const bool inside = iw0 >= 0 && iw0 + span <= w;
  (void) n;
  for (int i = 0; i < 4; i++) {
    int64_t ih = ih0 + i;
    VF a = { 0 }, b = { 0 }, c = { 0 }, e = { 0 };
    const float *src = ih >= 0 && ih < h ? xc + ih * w : NULL;
    if (src && inside) {
      src += iw0;
      memcpy (&a, src, sizeof a);
      memcpy (&b, src + WL, sizeof b);
      memcpy (&c, src + 2, sizeof c);
      memcpy (&e, src + 2 + WL, sizeof e);
    } else if (src) {
      /* lane l of the load at offset k is column iw0 + k + l: the lanes
       * before column 0 are masked off, so the address may precede the
       * row without a byte being read there */
      src += iw0;
      a = LOAD_M (src, RANGE (-iw0, w - iw0));
      b = LOAD_M (src + WL, RANGE (-iw0 - WL, w - iw0 - WL));
      c = LOAD_M (src + 2, RANGE (-iw0 - 2, w - iw0 - 2));
      e = LOAD_M (src + 2 + WL, RANGE (-iw0 - 2 - WL, w - iw0 - 2 - WL));
    }
    d[i * 4] = EVEN (a, b);
    d[i * 4 + 1] = ODD (a, b);
    d[i * 4 + 2] = EVEN (c, e);
    d[i * 4 + 3] = ODD (c, e);
  }
}

void
WINO_INPUT_SPAN (const CnnConvGeom *g, const float *x, int64_t c0,
    int64_t c1, const CnnWinoSpan *sp, float *v)
{
  int64_t tw_n = cnn_winograd_tiles_w (g), plane = g->in[1] * g->in[2];
  for (int64_t ci = c0; ci < c1; ci++)
    for (int64_t th = sp->t0 / tw_n, lo, hi; th * tw_n < sp->t1; th++) {
      span_row (sp, tw_n, th, &lo, &hi);
      for (int64_t tw = lo; tw < hi; tw += WL) {
        int n = hi - tw < WL ? (int) (hi - tw) : WL;
        VF d[CNN_WINO_E], t[CNN_WINO_E], r[CNN_WINO_E];
        gather (g, x + ci * plane, th, tw, n, d);
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++)     /* columns: B^T d */
          bt4 (d + j, 4, t + j, 4);
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++)     /* rows: (B^T d) B */
          bt4 (t + 4 * i, 1, r + 4 * i, 1);
        float *dst = v + ci * sp->ld + th * tw_n + tw - sp->t0;
        if (n == WL) {
#pragma GCC unroll 16
          for (int e = 0; e < CNN_WINO_E; e++)
            memcpy (dst + e * sp->plane, &r[e], sizeof r[e]);
        } else {
#pragma GCC unroll 16
          for (int e = 0; e < CNN_WINO_E; e++)
            STORE_FIRST (dst + e * sp->plane, n, r[e]);
        }
      }
    }
}

/* act (v + bias) (NaN stays NaN under Relu and Clip). */
static inline VF
bias_act1 (VF v, float bias, const CnnFusedAct *act)
{
  const VF zero = { 0 };
  CnnActKind kind = act ? act->kind : CNN_ACT_NONE;
  v += zero + bias;
  if (kind == CNN_ACT_RELU)
    v = (VF) ((VI) v & ~(VI) (v < zero));
  else if (kind == CNN_ACT_CLIP) {
    VF lo = zero + act->alpha, hi = zero + act->beta;
    v = (VF) (((VI) lo & (VI) (v < lo))
        | ((VI) v & ~(VI) (v < lo)));
    v = (VF) (((VI) hi & (VI) (v > hi))
        | ((VI) v & ~(VI) (v > hi)));
  } else if (kind == CNN_ACT_LEAKY_RELU) {
    VI neg = (VI) (v < zero);
    v = (VF) (((VI) (v * (zero + act->alpha)) & neg)
        | ((VI) v & ~neg));
  }
  return v;
}

/* Writes the 2x2 results o[i * 2 + j] lane k (tile th, tw0 + k) to the
 * plane yo, dropping what falls past the edges: the two columns of each
 * output row are interleaved into 16 floats, stored directly or with
 * masked stores at the edges. With a residual plane ro, y = act (o + r)
 * exactly as cnn_residual_bias_act orders it (o already holds the bias). */
static void
scatter (const CnnConvGeom *g, const VF o[4], int64_t th, int64_t tw0,
    int n, const float *ro, const CnnFusedAct *act, float *yo)
{
  int64_t h = g->out[1], w = g->out[2];
  int64_t cols = w - tw0 * 2 < 2 * n ? w - tw0 * 2 : 2 * n;
  const MASK ma = RANGE (0, cols), mb = RANGE (0, cols - WL);
  for (int i = 0; i < 2 && th * 2 + i < h; i++) {
    int64_t at = (th * 2 + i) * w + tw0 * 2;
    VF a = ZIP_LO (o[i * 2], o[i * 2 + 1]);
    VF b = ZIP_HI (o[i * 2], o[i * 2 + 1]);
    if (ro) {
      a = bias_act1 (a + LOAD_M (ro + at, ma), 0.0f, act);
      b = bias_act1 (b + LOAD_M (ro + at + WL, mb), 0.0f, act);
    }
    if (cols == 2 * WL) {
      memcpy (yo + at, &a, sizeof a);
      memcpy (yo + at + WL, &b, sizeof b);
    } else {
      STORE_FIRST (yo + at, cols < WL ? (int) cols : WL, a);
      if (cols > WL)
        STORE_FIRST (yo + at + WL, (int) cols - WL, b);
    }
  }
}

void
WINO_OUTPUT_SPAN (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, const float *res, int64_t o0,
    int64_t o1, const CnnWinoSpan *sp, float *y)
{
  int64_t tw_n = cnn_winograd_tiles_w (g), plane = g->out[1] * g->out[2];
  for (int64_t o = o0; o < o1; o++)
    for (int64_t th = sp->t0 / tw_n, lo, hi; th * tw_n < sp->t1; th++) {
      span_row (sp, tw_n, th, &lo, &hi);
      for (int64_t tw = lo; tw < hi; tw += WL) {
        int n = hi - tw < WL ? (int) (hi - tw) : WL;
        VF s[CNN_WINO_E], t[8], r[4];
        const float *src = m + o * sp->ld + th * tw_n + tw - sp->t0;
        if (n == WL) {
#pragma GCC unroll 16
          for (int e = 0; e < CNN_WINO_E; e++)
            memcpy (&s[e], src + e * sp->plane, sizeof s[e]);
        } else {
          const MASK mask = RANGE (0, n);
          /* unrolled like the full loads: a loop here kept s[] on the
           * stack, each load waiting for the one before (SqueezeNet's rows
           * of 28 tiles end in 12) */
#pragma GCC unroll 16
          for (int e = 0; e < CNN_WINO_E; e++)
            s[e] = LOAD_M (src + e * sp->plane, mask);
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

#endif /* CNN_KERNELS_WINOGRAD_BODY_H */
