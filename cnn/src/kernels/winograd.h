/* winograd.h — Winograd F(2x2, 3x3) convolution transforms (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A 3x3, stride 1, dilation 1, single-group 2-D convolution (geometry of
 * conv_geom.h) computed on 2x2 output tiles (Lavin and Gray, 2016):
 *   Y_tile = A^T [ sum_c (G g_oc,c G^T) . (B^T d_c,tile B) ] A
 * where d is the 4x4 input patch under the tile (zero outside the input),
 * g a 3x3 filter, and . the element-wise product. For each of the 16
 * elements e of the 4x4 transformed domain the sum over c is one GEMM
 *   M_e (oc x tiles) = U_e (oc x c) x V_e (c x tiles),
 * 2.25x fewer multiplications than the direct 3x3 sum, plus the
 * transforms. The
 * caller runs the GEMMs (pgemm.h) and splits the steps across threads:
 *   U is (16, oc, c)      cnn_winograd_weights, filters o0 .. o1-1
 *   V is (16, c, tiles)   cnn_winograd_input, channels c0 .. c1-1 of one
 *                         image x (c, in H, in W)
 *   M is (16, oc, tiles)  the GEMM results
 * where the 16 planes of U, V and M are cnn_winograd_plane (oc * c, c *
 * tiles, oc * tiles) floats apart: padded so that the 16 streams written
 * together do not fall into the same L1 cache set.
 *   y is (oc, out H, out W), one image: cnn_winograd_output writes
 *         channels o0 .. o1-1 as act (A^T M A + bias).
 * Tiles are numbered row-major over ceil(out H / 2) x ceil(out W / 2);
 * outputs of the last row and column of tiles past the edge are dropped.
 * Rounding: the transforms only add and halve, so the result stays
 * within a few float roundings of the direct sum (F(4x4, 3x3), 4x fewer
 * multiplications, was tried and left out: its coefficients up to 8 and
 * 1/24 cost about 1e-5 of the output scale per layer, which pushed
 * Inception-v3 to the edge of the networks suite's 1e-4 of PyTorch).
 * Built with -mavx2 -mfma (the AVX2 library; the 16-lane transforms with
 * the AVX-512 one): call only when cnn_cpu_level () >= CNN_CPU_AVX2.
 */
#ifndef CNN_KERNELS_WINOGRAD_H
#define CNN_KERNELS_WINOGRAD_H

#include "conv_geom.h"
#include "../ir.h"

#include <stdbool.h>

#define CNN_WINO_E 16           /* transformed tile elements (4 x 4) */

/* True when g is a single-group 2-D 3x3 convolution with stride 1 and
 * dilation 1. */
bool cnn_winograd_applies (const CnnConvGeom *g);

/* Tiles per row of tiles. */
static inline int64_t
cnn_winograd_tiles_w (const CnnConvGeom *g)
{
  return (g->out[2] + 1) / 2;
}

/* Output tiles per image. */
int64_t cnn_winograd_tiles (const CnnConvGeom *g);

/* Distance in floats between the planes of a (16, rows, cols) array with
 * floats = rows * cols: an odd number of 64-byte lines, so 16 planes
 * start in 16 different L1 sets. */
static inline int64_t
cnn_winograd_plane (int64_t floats)
{
  int64_t lines = (floats + 15) / 16;
  return (lines % 2 == 0 ? lines + 1 : lines) * 16;
}

void cnn_winograd_weights (const CnnConvGeom *g, const float *w, int64_t o0,
    int64_t o1, float *u);

void cnn_winograd_input (const CnnConvGeom *g, const float *x, int64_t c0,
    int64_t c1, float *v);

void cnn_winograd_output (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, int64_t o0, int64_t o1,
    float *y);

/* A block of consecutive tiles t0 .. t1-1 (row-major over the image, may
 * span tile rows) held in V or M as (16, channels, ld) with planes `plane`
 * floats apart: tile t of channel r is at r * ld + t - t0. The functions
 * above are these over the whole image with the planes described at the
 * top. Blocks small enough for L2 let one thread run input transform,
 * GEMMs and output transform on the same data (conv_fast_run.c). */
typedef struct {
  int64_t t0, t1, ld, plane;
} CnnWinoSpan;

void cnn_winograd_input_span (const CnnConvGeom *g, const float *x,
    int64_t c0, int64_t c1, const CnnWinoSpan *sp, float *v);

/* As cnn_winograd_output, for the tiles of sp; with res (oc, out H,
 * out W, or NULL) y = act (A^T M A + bias + res), rounded as
 * cnn_residual_bias_act does after a plain output. */
void cnn_winograd_output_span (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, const float *res, int64_t o0,
    int64_t o1, const CnnWinoSpan *sp, float *y);

/* The two functions above at one width: 8 lanes (winograd.c) and 16
 * lanes (winograd_avx512.c, built with the AVX-512 set: call only when
 * cnn_cpu_level () >= CNN_CPU_AVX512), bit for bit the same results. The
 * functions above pick 16 lanes themselves for rows of 9 tiles or more
 * where the CPU allows; tests call these directly to compare. */
void cnn_winograd_input_span_v8 (const CnnConvGeom *g, const float *x,
    int64_t c0, int64_t c1, const CnnWinoSpan *sp, float *v);
void cnn_winograd_output_span_v8 (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, const float *res, int64_t o0,
    int64_t o1, const CnnWinoSpan *sp, float *y);
void cnn_winograd_input_span_v16 (const CnnConvGeom *g, const float *x,
    int64_t c0, int64_t c1, const CnnWinoSpan *sp, float *v);
void cnn_winograd_output_span_v16 (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, const float *res, int64_t o0,
    int64_t o1, const CnnWinoSpan *sp, float *y);

#endif /* CNN_KERNELS_WINOGRAD_H */
