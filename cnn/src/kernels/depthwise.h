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
 *   out  is one output plane, (out[1], out[2]), set to
 *        act (bias + taps) (act NULL or CNN_ACT_NONE: bias + taps).
 *
 * Kernels, all with the CnnDepthwiseFn signature:
 *   cnn_depthwise_plane_ref     bounds-checked reference, double sums, no
 *                               activation (the tests apply it after);
 *   cnn_depthwise_plane_generic portable C, any geometry;
 *   cnn_depthwise_plane_avx2    AVX2 + FMA (kernels/dw_avx2.c) and
 *   cnn_depthwise_plane_avx512  AVX-512 F/BW/DQ/VL (kernels/dw_avx512.c):
 *                               dilation 1, column stride 1 or 2, any pads,
 *                               any kernel size; the output row is
 *                               vectorised (16 or 8 lanes) with masked
 *                               loads that read only inside the input row,
 *                               so borders need no separate code.
 * The SIMD kernels may be called only when cnn_depthwise_simd_applies ()
 * and the CPU has the instructions; cnn_depthwise_select () checks both.
 * Every kernel computes each output from the same taps, so results do not
 * depend on how planes are split across threads.
 */
#ifndef CNN_KERNELS_DEPTHWISE_H
#define CNN_KERNELS_DEPTHWISE_H

#include "conv_geom.h"
#include "cpu.h"
#include "../ir.h"

#include <stdbool.h>

typedef void (*CnnDepthwiseFn) (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out);

/* True when g can use the depthwise kernels. */
bool cnn_depthwise_applies (const CnnConvGeom *g);

/* True when the AVX2 / AVX-512 kernels handle g. */
bool cnn_depthwise_simd_applies (const CnnConvGeom *g);

/* The fastest kernel for g (which cnn_depthwise_applies) at CPU level
 * `level`, capped to what this machine has (cnn_cpu_level ()). Call it
 * once at prepare time and keep the pointer. Never NULL. */
CnnDepthwiseFn cnn_depthwise_select (const CnnConvGeom *g,
    CnnCpuLevel level);

/* Convenience: cnn_depthwise_select (g, cnn_cpu_level ()) then run it. */
void cnn_depthwise_plane_act (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out);

/* Old entry point, kept for callers: bias + taps, no activation. */
void cnn_depthwise_plane (const CnnConvGeom *g, const float *x,
    const float *w, float bias, float *out);

void cnn_depthwise_plane_generic (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out);
void cnn_depthwise_plane_avx2 (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out);
void cnn_depthwise_plane_avx512 (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out);

void cnn_depthwise_plane_ref (const CnnConvGeom *g, const float *x,
    const float *w, float bias, float *out);

#endif /* CNN_KERNELS_DEPTHWISE_H */
