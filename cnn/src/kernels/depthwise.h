/* depthwise.h — direct depthwise convolution (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A depthwise convolution (group == c, oc = c * multiplier) applies one
 * small filter to one input plane per output channel; there is no
 * reduction over channels, so GEMM does not help. With the geometry of
 * conv_geom.h restricted to 2-D (in[0] == k[0] == 1):
 *   x    is one input plane, (in[1], in[2])
 *   w    is that output channel's filter, (k[1], k[2])
 *   out  is one output plane, (out[1], out[2]), set to bias + taps.
 * cnn_depthwise_plane_ref is the bounds-checked reference.
 */
#ifndef CNN_KERNELS_DEPTHWISE_H
#define CNN_KERNELS_DEPTHWISE_H

#include "conv_geom.h"

#include <stdbool.h>

/* True when g can use the depthwise kernels. */
bool cnn_depthwise_applies (const CnnConvGeom *g);

void cnn_depthwise_plane (const CnnConvGeom *g, const float *x,
    const float *w, float bias, float *out);

void cnn_depthwise_plane_ref (const CnnConvGeom *g, const float *x,
    const float *w, float bias, float *out);

#endif /* CNN_KERNELS_DEPTHWISE_H */
