/* im2col_2d_body.h — the bordered-plane im2col loops shared by im2col.c
 * and im2col_avx512.c (internal; included only by those two files).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The including file defines copy_run (dst[t] = src[t * s] for t < n, s 1
 * or 2, reading at most one float past src[(n - 1) * s]), IM2COL_2D_FN
 * (the name of the panel function) and optionally IM2COL_2D_LINKAGE. The
 * result is the same floats whichever copy_run: only the copy width
 * differs.
 */
#include <string.h>

#ifndef IM2COL_2D_LINKAGE
#define IM2COL_2D_LINKAGE static
#endif

/* Rows [ip0, ip1) of the bordered plane: plane[ih + pad, iw + pad] =
 * xc[ih, iw] inside the input, else 0. */
static void
build_bordered (const CnnConvGeom *g, const CnnIm2colBordered *b,
    const float *xc, int64_t ip0, int64_t ip1, float *plane)
{
  int64_t lo = g->pad[2] < b->wp ? g->pad[2] : b->wp;
  int64_t n = g->in[2] < b->wp - lo ? g->in[2] : b->wp - lo;
  memset (plane + ip0 * b->wp, 0, sizeof (float) * (size_t) ((ip1 - ip0)
          * b->wp));
  for (int64_t ip = ip0; ip < ip1 && n > 0; ip++) {
    int64_t ih = ip - g->pad[1];
    if (ih >= 0 && ih < g->in[1])
      copy_run (plane + ip * b->wp + lo, xc + ih * g->in[2], n, 1);
  }
}

/* cnn_im2col_panels where the bordered path applies, without the zero
 * tail: each channel's plane is bordered once per call, then each (row,
 * output row) is one copy_run per panel it falls in. */
IM2COL_2D_LINKAGE void
IM2COL_2D_FN (const CnnConvGeom *g, const CnnIm2colBordered *b,
    const float *x, int64_t k0, int64_t kc, int64_t p0, int64_t len, int nr,
    float *dst)
{
  float plane[CNN_IM2COL_PLANE_MAX];
  int64_t in_size = cnn_conv_geom_in_size (g), ow_n = g->out[2];
  int64_t sh = g->stride[1], sw = g->stride[2], taps = g->k[1] * g->k[2];
  int64_t pstride = kc * nr, ow0 = p0 % ow_n, oh0 = p0 / ow_n;
  /* the plane rows the tile's output rows oh0 .. reach */
  int64_t ip0 = oh0 * sh, ip1 = (p0 + len - 1) / ow_n * sh + g->k[1];
  memset (plane + b->hp * b->wp, 0,
      sizeof (float) * CNN_IM2COL_PLANE_SLACK);
  /* row k0 as (channel, kh, kw), then counted on without dividing */
  int64_t c = k0 / taps, kh = k0 % taps / g->k[2], kw = k0 % g->k[2];
  for (int64_t r = 0; r < kc; r++) {
    if (r == 0 || (kh == 0 && kw == 0))
      build_bordered (g, b, x + c * in_size, ip0, ip1, plane);
    const float *src0 = plane + kh * b->wp + kw;
    float *drow = dst + r * nr;
    if (++kw == g->k[2]) {
      kw = 0;
      if (++kh == g->k[1]) {
        kh = 0;
        c++;
      }
    }
    int64_t ow = ow0, oh = oh0, j = 0, q = 0, lane = 0;
    while (j < len) {
      int64_t n = ow_n - ow < len - j ? ow_n - ow : len - j;
      const float *src = src0 + oh * sh * b->wp + ow * sw;
      j += n;
      if (lane + n < nr) {      /* the run stays in its panel */
        copy_run (drow + q * pstride + lane, src, n, sw);
        lane += n;
      } else
        while (n > 0) {
          int64_t piece = nr - lane < n ? nr - lane : n;
          copy_run (drow + q * pstride + lane, src, piece, sw);
          src += piece * sw;
          n -= piece;
          lane += piece;
          if (lane == nr) {
            lane = 0;
            q++;
          }
        }
      ow = 0;
      oh++;
    }
  }
}

