/* pooling.h — max and average pooling kernels (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Geometry as in conv_geom.h with c == oc == group (each channel pooled on
 * its own) plus the end padding, which matters for the divisor of an
 * average with count_include_pad when ceil_mode lets the last window run
 * past the padding. Per plane:
 *   x   is one input plane, (in[0], in[1], in[2])
 *   out is one output plane, (out[0], out[1], out[2])
 * A max ignores taps in the padding; an average divides by the number of
 * taps inside the input (count_include_pad = 0) or inside input + pads
 * (count_include_pad = 1). A window with no tap inside gives -inf (max)
 * or 0 (average).
 * cnn_pool_plane is the portable fast kernel (2-D and 1-D: in[0] ==
 * k[0] == 1); cnn_pool_plane_ref the per-tap reference for any rank;
 * cnn_pool_plane_avx2 / _avx512 (kernels/pool_avx2.c, pool_avx512.c)
 * vectorise the output row like the depthwise kernels (masked loads read
 * only inside the input row, so the padding needs no separate code) for
 * dilation 1 and column stride 1 or 2. cnn_pool_select picks one.
 */
#ifndef CNN_KERNELS_POOLING_H
#define CNN_KERNELS_POOLING_H

#include "conv_geom.h"
#include "cpu.h"

#include <stdbool.h>

typedef struct {
  CnnConvGeom geom;         /* n, c (== oc == group), sizes, pad = begin */
  int64_t pad_end[3];
  bool is_max;
  bool count_include_pad;   /* average only */
} CnnPoolGeom;

/* True when cnn_pool_plane handles pg (one depth slice, window depth 1). */
bool cnn_pool_fast_applies (const CnnPoolGeom *pg);

typedef void (*CnnPoolFn) (const CnnPoolGeom *pg, const float *x,
    float *out);

void cnn_pool_plane (const CnnPoolGeom *pg, const float *x, float *out);

/* True when the AVX2 / AVX-512 kernels handle pg. */
bool cnn_pool_simd_applies (const CnnPoolGeom *pg);

/* The fastest kernel for pg at CPU level `level` (capped to this
 * machine's): SIMD, portable fast, or the reference for 3-D windows. */
CnnPoolFn cnn_pool_select (const CnnPoolGeom *pg, CnnCpuLevel level);

/* Divisor of an average along axis (1 = H, 2 = W) for output index o:
 * the taps inside the input, or inside input + pads with
 * count_include_pad. The 2-D divisor is the product over both axes. */
int64_t cnn_pool_axis_count (const CnnPoolGeom *pg, int axis, int64_t o);

/* Global pools: y[i] = mean or max of the plane x + i * plane, for i in
 * [0, planes). Means are summed in double; a max is NaN when the plane
 * holds a NaN. The portable kernel and its AVX2 / AVX-512 versions. */
typedef void (*CnnGlobalPoolFn) (const float *x, int64_t plane,
    int64_t planes, bool is_max, float *y);

void cnn_global_pool_generic (const float *x, int64_t plane, int64_t planes,
    bool is_max, float *y);
void cnn_global_pool_avx2 (const float *x, int64_t plane, int64_t planes,
    bool is_max, float *y);
void cnn_global_pool_avx512 (const float *x, int64_t plane, int64_t planes,
    bool is_max, float *y);
CnnGlobalPoolFn cnn_global_pool_select (CnnCpuLevel level);

void cnn_pool_plane_avx2 (const CnnPoolGeom *pg, const float *x,
    float *out);
void cnn_pool_plane_avx512 (const CnnPoolGeom *pg, const float *x,
    float *out);

void cnn_pool_plane_ref (const CnnPoolGeom *pg, const float *x, float *out);

#endif /* CNN_KERNELS_POOLING_H */
