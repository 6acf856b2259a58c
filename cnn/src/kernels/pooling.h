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
 * cnn_pool_plane is the fast kernel (2-D and 1-D: in[0] == k[0] == 1);
 * cnn_pool_plane_ref the per-tap reference for any rank.
 */
#ifndef CNN_KERNELS_POOLING_H
#define CNN_KERNELS_POOLING_H

#include "conv_geom.h"

#include <stdbool.h>

typedef struct {
  CnnConvGeom geom;         /* n, c (== oc == group), sizes, pad = begin */
  int64_t pad_end[3];
  bool is_max;
  bool count_include_pad;   /* average only */
} CnnPoolGeom;

/* True when cnn_pool_plane handles pg (one depth slice, window depth 1). */
bool cnn_pool_fast_applies (const CnnPoolGeom *pg);

void cnn_pool_plane (const CnnPoolGeom *pg, const float *x, float *out);

void cnn_pool_plane_ref (const CnnPoolGeom *pg, const float *x, float *out);

#endif /* CNN_KERNELS_POOLING_H */
