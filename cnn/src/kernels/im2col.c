/* im2col.c — unfolding convolution windows into a GEMM operand.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See im2col.h. The fast version walks each column tile row segment by row
 * segment of the output: for a fixed tap (kd, kh, kw) and output row
 * (od, oh), the valid output columns form one interval computed in closed
 * form, so the inner loop is a plain strided copy with zero fill around it.
 * The panel packer has a second path for the common 2-D windows of several
 * taps, stride 1 or 2, no dilation: each channel plane is first copied
 * into a zero-bordered plane, then every run of outputs is a copy with no
 * bounds to work out (ResNet-50's 3x3 512->512 on 7x7: 0.14 ms a layer
 * instead of 0.38, its stride-2 3x3 layers 0.17-0.50 instead of 0.40-0.51).
 * That path's loops are im2col_2d_body.h, here with 4-float SSE copies,
 * in im2col_avx512.c with 16-float ones (masked below 16).
 */
#include "im2col.h"

#include <stdbool.h>
#include <string.h>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

/* dst[j] = src_row[(ow0 + j) * s + off] for ow0 + j in [ow0, ow1), 0 where
 * the index leaves the row. src_row NULL: all zero. */
static void
fill_segment (float *dst, const float *src_row, int64_t ow0, int64_t ow1,
    int64_t s, int64_t off, int64_t w, int64_t out_w)
{
  int64_t n = ow1 - ow0;
  if (!src_row) {
    memset (dst, 0, sizeof (float) * (size_t) n);
    return;
  }
  int64_t lo, hi;
  cnn_conv_valid_range (off, s, w, out_w, &lo, &hi);
  if (lo < ow0)
    lo = ow0;
  if (hi > ow1)
    hi = ow1;
  if (lo > ow1)     /* the whole segment lies in the padding */
    lo = ow1;
  if (hi < lo)
    hi = lo;
  int64_t j = 0;
  for (; ow0 + j < lo; j++)
    dst[j] = 0.0f;
  const float *src = src_row + lo * s + off;
  if (s == 1) {
    memcpy (dst + j, src, sizeof (float) * (size_t) (hi - lo));
    j += hi - lo;
  } else {
    for (int64_t t = 0; t < hi - lo; t++)
      dst[j++] = src[t * s];
  }
  for (; j < n; j++)
    dst[j] = 0.0f;
}

/* Fills one row of col (tap kd, kh, kw of channel plane xc). */
static void
im2col_row (const CnnConvGeom *g, const float *xc, int64_t kd, int64_t kh,
    int64_t kw, int64_t p0, int64_t len, float *dst)
{
  int64_t oh_n = g->out[1], ow_n = g->out[2];
  int64_t off_w = kw * g->dil[2] - g->pad[2];
  int64_t p = p0, end = p0 + len;
  /* position p0 as (od, oh, ow); then walk row by row without dividing */
  int64_t ow = p0 % ow_n, oh = p0 / ow_n % oh_n, od = p0 / ow_n / oh_n;
  while (p < end) {
    int64_t seg = ow_n - ow < end - p ? ow_n - ow : end - p;
    int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dil[0];
    int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dil[1];
    const float *row = NULL;
    if (id >= 0 && id < g->in[0] && ih >= 0 && ih < g->in[1])
      row = xc + (id * g->in[1] + ih) * g->in[2];
    fill_segment (dst, row, ow, ow + seg, g->stride[2], off_w, g->in[2], ow_n);
    dst += seg;
    p += seg;
    ow = 0;
    if (++oh == oh_n) {
      oh = 0;
      od++;
    }
  }
}

void
cnn_im2col (const CnnConvGeom *g, const float *x, int64_t cg, int64_t p0,
    int64_t len, float *col)
{
  int64_t in_size = cnn_conv_geom_in_size (g);
  for (int64_t c = 0; c < cg; c++) {
    const float *xc = x + c * in_size;
    for (int64_t kd = 0; kd < g->k[0]; kd++)
      for (int64_t kh = 0; kh < g->k[1]; kh++)
        for (int64_t kw = 0; kw < g->k[2]; kw++) {
          im2col_row (g, xc, kd, kh, kw, p0, len, col);
          col += len;
        }
  }
}

/* Zeroes the columns len .. of the last panel of kc rows. */
static void
zero_tail (int64_t kc, int64_t len, int nr, float *dst)
{
  int64_t tail = len % nr;
  if (tail == 0)
    return;
  float *last = dst + len / nr * kc * nr;
  for (int64_t r = 0; r < kc; r++)
    memset (last + r * nr + tail, 0, sizeof (float) * (size_t) (nr - tail));
}

/* dst[t] = row[(ow0 + t) * s + off] for t < n where the output column
 * ow0 + t is in [lo, hi) (the columns whose tap lies in the row), else 0;
 * row NULL: all 0. Short runs, so plain loops rather than library calls. */
static inline void
put_run (float *dst, const float *row, int64_t ow0, int64_t n, int64_t lo,
    int64_t hi, int64_t s, int64_t off)
{
  int64_t a = lo - ow0, b = hi - ow0;
  a = a < 0 ? 0 : a > n ? n : a;
  b = b < a ? a : b > n ? n : b;
  if (!row)
    a = b = n;
  int64_t t = 0;
  for (; t < a; t++)
    dst[t] = 0.0f;
  const float *src = row ? row + ow0 * s + off : NULL;
#if defined(__SSE2__)
  if (s == 2)
    /* 8 outputs from 16 inputs, keeping the even ones (SSE, the x86-64
     * baseline); t + 8 < b keeps the last input read (2t + 15) before the
     * last one used (2b - 2) */
    for (; t + 8 < b; t += 8) {
      const float *in = src + 2 * t;
      _mm_storeu_ps (dst + t, _mm_shuffle_ps (_mm_loadu_ps (in),
              _mm_loadu_ps (in + 4), _MM_SHUFFLE (2, 0, 2, 0)));
      _mm_storeu_ps (dst + t + 4, _mm_shuffle_ps (_mm_loadu_ps (in + 8),
              _mm_loadu_ps (in + 12), _MM_SHUFFLE (2, 0, 2, 0)));
    }
#endif
  for (; t < b; t++)
    dst[t] = src[t * s];
  for (; t < n; t++)
    dst[t] = 0.0f;
}

/* Like im2col_row for the columns p0 .. p0+len-1, but column j goes to
 * dst[(j / nr) * pstride + j % nr]: each output-row segment is cut at the
 * panel boundaries. The valid output columns [lo, hi) depend on kw only,
 * so they are found once. */
static void
im2col_row_panels (const CnnConvGeom *g, const float *xc, int64_t kd,
    int64_t kh, int64_t kw, int64_t p0, int64_t len, int nr, int64_t pstride,
    float *dst)
{
  int64_t oh_n = g->out[1], ow_n = g->out[2], s = g->stride[2];
  int64_t off_w = kw * g->dil[2] - g->pad[2], lo, hi;
  cnn_conv_valid_range (off_w, s, g->in[2], ow_n, &lo, &hi);
  int64_t ow = p0 % ow_n, oh = p0 / ow_n % oh_n, od = p0 / ow_n / oh_n;
  int64_t j = 0, q = 0, in_panel = 0;   /* column, its panel and lane */
  while (j < len) {
    int64_t seg = ow_n - ow < len - j ? ow_n - ow : len - j;
    int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dil[0];
    int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dil[1];
    const float *row = NULL;
    if (id >= 0 && id < g->in[0] && ih >= 0 && ih < g->in[1])
      row = xc + (id * g->in[1] + ih) * g->in[2];
    while (seg > 0) {
      int64_t piece = nr - in_panel < seg ? nr - in_panel : seg;
      put_run (dst + q * pstride + in_panel, row, ow, piece, lo, hi, s,
          off_w);
      ow += piece;
      j += piece;
      seg -= piece;
      in_panel += piece;
      if (in_panel == nr) {
        in_panel = 0;
        q++;
      }
    }
    ow = 0;
    if (++oh == oh_n) {
      oh = 0;
      od++;
    }
  }
}

/* The zero-bordered plane path (im2col_2d_body.h): 2-D windows of several
 * taps, stride 1 or 2, no dilation, planes of at most CNN_IM2COL_PLANE_MAX
 * floats. */
static bool
bordered_applies (const CnnConvGeom *g, CnnIm2colBordered *b)
{
  if (g->in[0] != 1 || g->out[0] != 1 || g->k[0] != 1 || g->dil[1] != 1
      || g->dil[2] != 1 || (g->stride[2] != 1 && g->stride[2] != 2)
      || g->k[1] * g->k[2] == 1)
    return false;
  b->hp = (g->out[1] - 1) * g->stride[1] + g->k[1];
  b->wp = (g->out[2] - 1) * g->stride[2] + g->k[2];
  return b->hp * b->wp + CNN_IM2COL_PLANE_SLACK <= CNN_IM2COL_PLANE_MAX;
}

/* dst[t] = src[t * s] for t < n, s 1 or 2; with s 2 it may read one float
 * past the last tap src[2n - 2]. Four at a time, the last four overlapping
 * the ones before. */
static inline void
copy_run (float *dst, const float *src, int64_t n, int64_t s)
{
  int64_t t = 0;
#if defined(__SSE2__)
  if (n >= 4 && s == 1)
    for (;; t += 4) {
      t = t + 4 > n ? n - 4 : t;
      _mm_storeu_ps (dst + t, _mm_loadu_ps (src + t));
      if (t + 4 == n)
        return;
    }
  if (n >= 4 && s == 2)
    for (;; t += 4) {
      t = t + 4 > n ? n - 4 : t;
      _mm_storeu_ps (dst + t, _mm_shuffle_ps (_mm_loadu_ps (src + 2 * t),
              _mm_loadu_ps (src + 2 * t + 4), _MM_SHUFFLE (2, 0, 2, 0)));
      if (t + 4 == n)
        return;
    }
#endif
  for (; t < n; t++)
    dst[t] = src[t * s];
}

#define IM2COL_2D_FN panels_2d_sse
#include "im2col_2d_body.h"

void
cnn_im2col_panels_at (CnnCpuLevel level, const CnnConvGeom *g,
    const float *x, int64_t k0, int64_t kc, int64_t p0, int64_t len, int nr,
    float *dst)
{
  CnnIm2colBordered b;
  if (len > 0 && bordered_applies (g, &b)) {
#if defined(CNN_HAVE_X86_KERNELS)
    if (level >= CNN_CPU_AVX512 && cnn_cpu_level () >= CNN_CPU_AVX512)
      cnn_im2col_panels_2d_avx512 (g, &b, x, k0, kc, p0, len, nr, dst);
    else
#endif
      panels_2d_sse (g, &b, x, k0, kc, p0, len, nr, dst);
    zero_tail (kc, len, nr, dst);
    return;
  }
  int64_t in_size = cnn_conv_geom_in_size (g);
  int64_t kw_n = g->k[2], kh_n = g->k[1], kd_n = g->k[0];
  for (int64_t r = k0; r < k0 + kc; r++) {
    int64_t kw = r % kw_n, kh = r / kw_n % kh_n;
    int64_t kd = r / kw_n / kh_n % kd_n, c = r / kw_n / kh_n / kd_n;
    im2col_row_panels (g, x + c * in_size, kd, kh, kw, p0, len, nr, kc * nr,
        dst + (r - k0) * nr);
  }
  zero_tail (kc, len, nr, dst);
}

void
cnn_im2col_panels (const CnnConvGeom *g, const float *x, int64_t k0,
    int64_t kc, int64_t p0, int64_t len, int nr, float *dst)
{
  cnn_im2col_panels_at (cnn_cpu_level (), g, x, k0, kc, p0, len, nr, dst);
}

void
cnn_pack_rows_panels (const float *src, int64_t ld, int64_t k0,
    int64_t kc, int64_t p0, int64_t len, int nr, float *dst)
{
  for (int64_t r = 0; r < kc; r++) {
    const float *row = src + (k0 + r) * ld + p0;
    for (int64_t j0 = 0; j0 < len; j0 += nr) {
      int64_t n = len - j0 < nr ? len - j0 : nr;
      memcpy (dst + j0 * kc + r * nr, row + j0, sizeof (float) * (size_t) n);
    }
  }
  zero_tail (kc, len, nr, dst);
}

void
cnn_im2col_ref (const CnnConvGeom *g, const float *x, int64_t cg,
    int64_t p0, int64_t len, float *col)
{
  int64_t in_size = cnn_conv_geom_in_size (g);
  int64_t row = 0;
  for (int64_t c = 0; c < cg; c++)
    for (int64_t kd = 0; kd < g->k[0]; kd++)
      for (int64_t kh = 0; kh < g->k[1]; kh++)
        for (int64_t kw = 0; kw < g->k[2]; kw++, row++)
          for (int64_t j = 0; j < len; j++) {
            int64_t p = p0 + j;
            int64_t ow = p % g->out[2], oh = p / g->out[2] % g->out[1];
            int64_t od = p / g->out[2] / g->out[1];
            int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dil[0];
            int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dil[1];
            int64_t iw = ow * g->stride[2] - g->pad[2] + kw * g->dil[2];
            bool inside = id >= 0 && id < g->in[0] && ih >= 0
                && ih < g->in[1] && iw >= 0 && iw < g->in[2];
            col[row * len + j] = inside
                ? x[c * in_size + (id * g->in[1] + ih) * g->in[2] + iw] : 0.0f;
          }
}
