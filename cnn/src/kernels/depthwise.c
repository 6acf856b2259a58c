/* depthwise.c — direct depthwise convolution.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See depthwise.h. The portable kernel fills the output row with the
 * bias, then adds one tap (kh, kw) at a time over the interval of output
 * columns whose input column is inside the row (closed form), so the
 * inner loop has no bounds checks; at stride 1 it runs on 8-float
 * vectors. The fused activation is applied to each row while it is in
 * cache. The SIMD kernels live in dw_avx2.c and dw_avx512.c; this file
 * chooses between them.
 */
#include "depthwise.h"
#include "epilogue.h"

#include <string.h>

bool
cnn_depthwise_applies (const CnnConvGeom *g)
{
  return g->group > 1 && g->group == g->c && g->oc % g->c == 0
      && g->in[0] == 1 && g->k[0] == 1 && g->out[0] == 1;
}

bool
cnn_depthwise_simd_applies (const CnnConvGeom *g)
{
  /* the masks of dw_avx*.c cover 32 input columns per 16 outputs */
  return cnn_depthwise_applies (g) && g->dil[1] == 1 && g->dil[2] == 1
      && (g->stride[2] == 1 || g->stride[2] == 2) && g->stride[1] >= 1
      && g->in[2] < ((int64_t) 1 << 30) && g->k[2] < 64;
}

CnnDepthwiseFn
cnn_depthwise_select (const CnnConvGeom *g, CnnCpuLevel level)
{
  CnnCpuLevel have = cnn_cpu_level ();
  if (level > have)
    level = have;
#ifdef CNN_HAVE_X86_KERNELS
  if (cnn_depthwise_simd_applies (g)) {
    if (level >= CNN_CPU_AVX512)
      return cnn_depthwise_plane_avx512;
    if (level >= CNN_CPU_AVX2)
      return cnn_depthwise_plane_avx2;
  }
#endif
  return cnn_depthwise_plane_generic;
}

void
cnn_depthwise_plane_act (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out)
{
  cnn_depthwise_select (g, cnn_cpu_level ()) (g, x, w, bias, act, out);
}

void
cnn_depthwise_plane (const CnnConvGeom *g, const float *x, const float *w,
    float bias, float *out)
{
  cnn_depthwise_plane_act (g, x, w, bias, NULL, out);
}

/* Eight floats; GCC and clang lower it to the widest vectors the target
 * has (two SSE registers on baseline x86-64). */
typedef float v8f __attribute__ ((vector_size (32)));

/* y[j] += wv * xr[j * s] for j in [0, n). Stride 1 is written with vector
 * extensions because -O2 does not vectorise loops with a run-time trip
 * count; memcpy expresses unaligned loads and stores. */
static void
axpy_strided (float *restrict y, const float *restrict xr, float wv,
    int64_t n, int64_t s)
{
  int64_t j = 0;
  if (s == 1) {
    v8f w8 = { wv, wv, wv, wv, wv, wv, wv, wv };
    for (; j + 8 <= n; j += 8) {
      v8f a, b;
      memcpy (&a, y + j, sizeof a);
      memcpy (&b, xr + j, sizeof b);
      a += w8 * b;
      memcpy (y + j, &a, sizeof a);
    }
  }
  for (; j < n; j++)
    y[j] += wv * xr[j * s];
}

void
cnn_depthwise_plane_generic (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out)
{
  int64_t h = g->in[1], wd = g->in[2];
  int64_t oh_n = g->out[1], ow_n = g->out[2];
  int64_t sh = g->stride[1], sw = g->stride[2];

  for (int64_t oh = 0; oh < oh_n; oh++) {
    float *y = out + oh * ow_n;
    for (int64_t ow = 0; ow < ow_n; ow++)
      y[ow] = bias;
    for (int64_t kh = 0; kh < g->k[1]; kh++) {
      int64_t ih = oh * sh - g->pad[1] + kh * g->dil[1];
      if (ih < 0 || ih >= h)
        continue;
      const float *xr = x + ih * wd;
      for (int64_t kw = 0; kw < g->k[2]; kw++) {
        int64_t off = kw * g->dil[2] - g->pad[2], lo, hi;
        cnn_conv_valid_range (off, sw, wd, ow_n, &lo, &hi);
        if (hi > lo)
          axpy_strided (y + lo, xr + lo * sw + off, w[kh * g->k[2] + kw],
              hi - lo, sw);
      }
    }
    cnn_bias_act (y, ow_n, 0.0f, act);
  }
}

void
cnn_depthwise_plane_ref (const CnnConvGeom *g, const float *x,
    const float *w, float bias, float *out)
{
  for (int64_t oh = 0; oh < g->out[1]; oh++)
    for (int64_t ow = 0; ow < g->out[2]; ow++) {
      double acc = bias;
      for (int64_t kh = 0; kh < g->k[1]; kh++)
        for (int64_t kw = 0; kw < g->k[2]; kw++) {
          int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dil[1];
          int64_t iw = ow * g->stride[2] - g->pad[2] + kw * g->dil[2];
          if (ih >= 0 && ih < g->in[1] && iw >= 0 && iw < g->in[2])
            acc += (double) x[ih * g->in[2] + iw] * w[kh * g->k[2] + kw];
        }
      out[oh * g->out[2] + ow] = (float) acc;
    }
}
