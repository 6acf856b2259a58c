/* pooling.c — max and average pooling kernels.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See pooling.h. The fast kernel computes, per output row and column, the
 * range of window taps that fall inside the input in closed form and loops
 * over exactly those taps; the reference tests every tap.
 */
#include "pooling.h"

#include <math.h>

/* Taps [*lo, *hi) of a window of k taps (dilation dil) starting at input
 * index start that land in [0, size). */
static void
tap_range (int64_t start, int64_t k, int64_t dil, int64_t size, int64_t *lo,
    int64_t *hi)
{
  int64_t a, b;
  if (dil == 1) {                 /* the common case, without divisions */
    a = start >= 0 ? 0 : -start;
    b = size - start < 0 ? 0 : size - start;
  } else {
    a = start >= 0 ? 0 : (-start + dil - 1) / dil;
    b = size - 1 - start < 0 ? 0 : (size - 1 - start) / dil + 1;
  }
  *lo = a < k ? a : k;
  *hi = b < k ? b : k;
  if (*hi < *lo)
    *hi = *lo;
}

/* Taps of one axis counted by an average with count_include_pad: those
 * inside [-pad_begin, size + pad_end). */
static int64_t
padded_taps (const CnnPoolGeom *pg, int axis, int64_t o)
{
  const CnnConvGeom *g = &pg->geom;
  int64_t start = o * g->stride[axis]; /* in padded coordinates */
  int64_t lo, hi;
  tap_range (start, g->k[axis], g->dil[axis],
      g->in[axis] + g->pad[axis] + pg->pad_end[axis], &lo, &hi);
  return hi - lo;
}

bool
cnn_pool_fast_applies (const CnnPoolGeom *pg)
{
  return pg->geom.in[0] == 1 && pg->geom.k[0] == 1 && pg->geom.out[0] == 1
      && pg->geom.pad[0] == 0;
}

bool
cnn_pool_simd_applies (const CnnPoolGeom *pg)
{
  const CnnConvGeom *g = &pg->geom;
  return cnn_pool_fast_applies (pg) && g->dil[1] == 1 && g->dil[2] == 1
      && (g->stride[2] == 1 || g->stride[2] == 2) && g->k[2] < 64
      && g->in[2] < ((int64_t) 1 << 30);
}

int64_t
cnn_pool_axis_count (const CnnPoolGeom *pg, int axis, int64_t o)
{
  const CnnConvGeom *g = &pg->geom;
  if (pg->count_include_pad)
    return padded_taps (pg, axis, o);
  int64_t lo, hi;
  tap_range (o * g->stride[axis] - g->pad[axis], g->k[axis], g->dil[axis],
      g->in[axis], &lo, &hi);
  return hi - lo;
}

CnnPoolFn
cnn_pool_select (const CnnPoolGeom *pg, CnnCpuLevel level)
{
  CnnCpuLevel have = cnn_cpu_level ();
  if (level > have)
    level = have;
  if (!cnn_pool_fast_applies (pg))
    return cnn_pool_plane_ref;
#ifdef CNN_HAVE_X86_KERNELS
  if (cnn_pool_simd_applies (pg)) {
    if (level >= CNN_CPU_AVX512)
      return cnn_pool_plane_avx512;
    if (level >= CNN_CPU_AVX2)
      return cnn_pool_plane_avx2;
  }
#endif
  return cnn_pool_plane;
}

void
cnn_pool_plane (const CnnPoolGeom *pg, const float *x, float *out)
{
  const CnnConvGeom *g = &pg->geom;
  int64_t w = g->in[2], dh = g->dil[1], dw = g->dil[2];
  for (int64_t oh = 0; oh < g->out[1]; oh++) {
    int64_t h0 = oh * g->stride[1] - g->pad[1], kh0, kh1;
    tap_range (h0, g->k[1], dh, g->in[1], &kh0, &kh1);
    int64_t rows_pad = pg->count_include_pad ? padded_taps (pg, 1, oh) : 0;
    for (int64_t ow = 0; ow < g->out[2]; ow++) {
      int64_t w0 = ow * g->stride[2] - g->pad[2], kw0, kw1;
      tap_range (w0, g->k[2], dw, w, &kw0, &kw1);
      const float *base = x + h0 * w + w0;
      float r;
      if (pg->is_max) {
        /* branch-free max; a NaN anywhere in the window wins at the end */
        bool nan = false;
        r = -INFINITY;
        for (int64_t kh = kh0; kh < kh1; kh++) {
          const float *row = base + kh * dh * w;
          for (int64_t kw = kw0; kw < kw1; kw++) {
            float v = row[kw * dw];
            r = v > r ? v : r;
            nan |= v != v;
          }
        }
        if (nan)
          r = NAN;
      } else {
        float s = 0.0f;
        for (int64_t kh = kh0; kh < kh1; kh++)
          for (int64_t kw = kw0; kw < kw1; kw++)
            s += base[kh * dh * w + kw * dw];
        int64_t count = pg->count_include_pad
            ? rows_pad * padded_taps (pg, 2, ow) : (kh1 - kh0) * (kw1 - kw0);
        r = count > 0 ? s / (float) count : 0.0f;
      }
      out[oh * g->out[2] + ow] = r;
    }
  }
}

/* One output of the reference: position (od, oh, ow). */
static float
ref_window (const CnnPoolGeom *pg, const float *x, const int64_t o[3])
{
  const CnnConvGeom *g = &pg->geom;
  double sum = 0;
  float best = -INFINITY;
  int64_t inside = 0, padded = 0;
  for (int64_t kd = 0; kd < g->k[0]; kd++)
    for (int64_t kh = 0; kh < g->k[1]; kh++)
      for (int64_t kw = 0; kw < g->k[2]; kw++) {
        const int64_t k[3] = { kd, kh, kw };
        int64_t idx[3];
        bool in = true, in_pad = true;
        for (int a = 0; a < 3; a++) {
          idx[a] = o[a] * g->stride[a] - g->pad[a] + k[a] * g->dil[a];
          in &= idx[a] >= 0 && idx[a] < g->in[a];
          in_pad &= idx[a] >= -g->pad[a] && idx[a] < g->in[a] + pg->pad_end[a];
        }
        padded += in_pad;
        if (!in)
          continue;
        float v = x[(idx[0] * g->in[1] + idx[1]) * g->in[2] + idx[2]];
        inside++;
        sum += v;
        if (v > best || isnan (v))
          best = v;
      }
  if (pg->is_max)
    return best;
  int64_t count = pg->count_include_pad ? padded : inside;
  return count > 0 ? (float) (sum / (double) count) : 0.0f;
}

void
cnn_pool_plane_ref (const CnnPoolGeom *pg, const float *x, float *out)
{
  const CnnConvGeom *g = &pg->geom;
  int64_t o[3];
  for (o[0] = 0; o[0] < g->out[0]; o[0]++)
    for (o[1] = 0; o[1] < g->out[1]; o[1]++)
      for (o[2] = 0; o[2] < g->out[2]; o[2]++)
        out[(o[0] * g->out[1] + o[1]) * g->out[2] + o[2]]
            = ref_window (pg, x, o);
}

void
cnn_global_pool_generic (const float *x, int64_t plane, int64_t planes,
    bool is_max, float *y)
{
  for (int64_t i = 0; i < planes; i++) {
    const float *p = x + i * plane;
    if (is_max) {
      float m = -INFINITY;
      for (int64_t k = 0; k < plane; k++)
        m = p[k] > m || isnan (p[k]) ? p[k] : m;
      y[i] = m;
    } else {
      /* four partial sums in double: accurate */
      double s[4] = { 0, 0, 0, 0 };
      int64_t k = 0;
      for (; k + 4 <= plane; k += 4)
        for (int l = 0; l < 4; l++)
          s[l] += p[k + l];
      for (; k < plane; k++)
        s[0] += p[k];
      y[i] = (float) (((s[0] + s[1]) + (s[2] + s[3])) / (double) plane);
    }
  }
}

CnnGlobalPoolFn
cnn_global_pool_select (CnnCpuLevel level)
{
  CnnCpuLevel have = cnn_cpu_level ();
  if (level > have)
    level = have;
#ifdef CNN_HAVE_X86_KERNELS
  if (level >= CNN_CPU_AVX512)
    return cnn_global_pool_avx512;
  if (level >= CNN_CPU_AVX2)
    return cnn_global_pool_avx2;
#endif
  return cnn_global_pool_generic;
}
