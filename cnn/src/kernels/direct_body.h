/* direct_body.h — the loops of the direct convolution kernels (internal;
 * included only by direct_avx2.c and direct_avx512.c).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: conv_direct.h. The including file defines the lanes W, the
 * channels per block OCB, the vector and mask types V and M, LOADU (a full
 * load), SET1, FMA (a * b + c), ADD, ZERO, tail_mask (n: the first n
 * lanes), LOAD_M / STORE_M (masked: lanes outside the mask are neither
 * read nor written), STOREU, EVEN_ODD (p, &e, &o: the even and the odd
 * floats of p[0, 2W)) and ACT (v, act), the tile of NV_MAX vectors by CH
 * channels (CH divides OCB) and names the entry point ROWS_FN.
 * The accumulators are an array indexed only by constants in fully
 * unrolled loops, so they live in registers.
 */
#ifndef CNN_KERNELS_DIRECT_BODY_H
#define CNN_KERNELS_DIRECT_BODY_H

#include <string.h>

/* Column col of an input row of iw floats, 0 outside it (padding). */
static inline float
padded_at (const float *src, int64_t iw, int64_t col)
{
  return col >= 0 && col < iw ? src[col] : 0.0f;
}

/* One padded input row (layout in conv_direct.h). */
static void
pad_row (const CnnDirectRows *r, const float *src, float *dst)
{
  const int64_t iw = r->g->in[2], pw = r->g->pad[2], n = r->phase;
  if (r->g->stride[2] == 1) {
    int64_t lead = pw < n ? pw : n;
    int64_t len = iw < n - lead ? iw : n - lead;
    memset (dst, 0, sizeof (float) * (size_t) lead);
    memcpy (dst + lead, src, sizeof (float) * (size_t) len);
    memset (dst + lead + len, 0, sizeof (float) * (size_t) (n - lead - len));
    return;
  }
  float *even = dst, *odd = dst + n;
  int64_t q = 0;
  for (; q < n && 2 * q - pw < 0; q++) {
    even[q] = padded_at (src, iw, 2 * q - pw);
    odd[q] = padded_at (src, iw, 2 * q + 1 - pw);
  }
  for (; q + W <= n && 2 * (q + W) - pw <= iw; q += W) {
    V e, o;
    EVEN_ODD (src + 2 * q - pw, &e, &o);
    STOREU (even + q, e);
    STOREU (odd + q, o);
  }
  for (; q < n; q++) {
    even[q] = padded_at (src, iw, 2 * q - pw);
    odd[q] = padded_at (src, iw, 2 * q + 1 - pw);
  }
}

/* The item's padded input rows into r->in. */
static void
pad_rows (const CnnDirectRows *r)
{
  const CnnConvGeom *g = r->g;
  const int64_t ih = g->in[1], iw = g->in[2], rf = r->row_floats;
  for (int64_t c = 0; c < g->c; c++)
    for (int64_t row = 0; row < r->in_rows; row++) {
      int64_t iy = r->y0 * g->stride[1] - g->pad[1] + row;
      float *dst = r->in + (c * r->in_rows + row) * rf;
      if (iy < 0 || iy >= ih)
        memset (dst, 0, sizeof (float) * (size_t) rf);
      else
        pad_row (r, r->x + (c * ih + iy) * iw, dst);
    }
}

/* act (taps + bias + residual) of CH channels from o0 + jb (those below
 * nb real) at output row y, nv vectors of columns from x0 (the last cut at
 * the row's end; every vector starts inside the row, so its loads stay in
 * the padded row). wp points at the block's packed weights (OCB floats per
 * tap). Each output's taps are summed in the same order whatever nv and
 * CH, so the tile shape changes no bit. */
static inline __attribute__ ((always_inline)) void
direct_tile (const CnnDirectRows *r, const int64_t *off, const float *wp,
    int64_t o0, int64_t jb, int64_t nb, int64_t y, int64_t x0, const int nv)
{
  const CnnConvGeom *g = r->g;
  const int64_t kh = g->k[1], kw = g->k[2], rf = r->row_floats;
  V acc[NV_MAX][CH];
#pragma GCC unroll 4
  for (int i = 0; i < nv; i++)
#pragma GCC unroll 16
    for (int j = 0; j < CH; j++)
      acc[i][j] = ZERO;
  const float *row = r->in + (y - r->y0) * g->stride[1] * rf + x0;
  wp += jb;
  for (int64_t c = 0; c < g->c; c++, row += r->in_rows * rf) {
    const float *src = row;
    for (int64_t ky = 0; ky < kh; ky++, src += rf)
      for (int64_t kx = 0; kx < kw; kx++, wp += OCB) {
        V v[NV_MAX];
#pragma GCC unroll 4
        for (int i = 0; i < nv; i++)
          v[i] = LOADU (src + off[kx] + i * W);
#pragma GCC unroll 16
        for (int j = 0; j < CH; j++) {
          V w = SET1 (wp[j]);
#pragma GCC unroll 4
          for (int i = 0; i < nv; i++)
            acc[i][j] = FMA (v[i], w, acc[i][j]);
        }
      }
  }
  const int64_t ow = g->out[2], plane = g->out[1] * ow;
#pragma GCC unroll 4
  for (int i = 0; i < nv; i++) {
    int64_t xi = x0 + i * W;
    M m = tail_mask (ow - xi);
    float *o = r->y + (o0 + jb) * plane + y * ow + xi;
    const float *res = r->res ? r->res + (o0 + jb) * plane + y * ow + xi
        : NULL;
#pragma GCC unroll 16
    for (int j = 0; j < CH; j++) {
      if (jb + j >= nb)
        break;
      V v = acc[i][j];
      if (r->bias)
        v = ADD (v, SET1 (r->bias[o0 + jb + j]));
      if (res)
        v = ADD (v, LOAD_M (res + j * plane, m));
      STORE_M (o + j * plane, m, ACT (v, r->act));
    }
  }
}

/* Vectors per tile for `left` vectors of a row still to do: NV_MAX at
 * most, and a row of 4 as 2 + 2 rather than 3 + 1. */
static inline int
tile_vectors (int64_t left)
{
  if (left >= NV_MAX && !(NV_MAX == 3 && left == 4))
    return NV_MAX;
  return left >= 2 && NV_MAX >= 2 ? 2 : 1;
}

/* One row's tiles of the block o0, each in channel groups of CH. */
static void
direct_row (const CnnDirectRows *r, const int64_t *off, const float *wp,
    int64_t o0, int64_t nb, int64_t y)
{
  const int64_t ow = r->g->out[2];
  for (int64_t x0 = 0; x0 < ow;) {
    int nv = tile_vectors ((ow - x0 + W - 1) / W);
    for (int64_t jb = 0; jb < nb; jb += CH) {
      if (nv == NV_MAX)
        direct_tile (r, off, wp, o0, jb, nb, y, x0, NV_MAX);
      else if (NV_MAX >= 2 && nv == 2)
        direct_tile (r, off, wp, o0, jb, nb, y, x0, 2);
      else
        direct_tile (r, off, wp, o0, jb, nb, y, x0, 1);
    }
    x0 += nv * W;
  }
}

void
ROWS_FN (const CnnDirectRows *r)
{
  const CnnConvGeom *g = r->g;
  const int64_t taps = g->c * g->k[1] * g->k[2];
  pad_rows (r);
  int64_t off[64];              /* kx -> float offset of its tap */
  for (int64_t kx = 0; kx < g->k[2] && kx < 64; kx++)
    off[kx] = kx % g->stride[2] * r->phase + kx / g->stride[2];
  for (int64_t o0 = 0; o0 < g->oc; o0 += OCB) {
    const float *wp = r->wp + o0 * taps;
    int64_t nb = g->oc - o0 < OCB ? g->oc - o0 : OCB;
    for (int64_t y = r->y0; y < r->y1; y++)
      direct_row (r, off, wp, o0, nb, y);
  }
}

#endif /* CNN_KERNELS_DIRECT_BODY_H */
