/* im2col.h — unfolding convolution windows into a GEMM operand (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With the geometry of conv_geom.h, one group's convolution is the GEMM
 *   out_g (oc/group, P) = w_g (oc/group, cg*KD*KH*KW) x col (cg*KD*KH*KW, P)
 * where P = out D*H*W. cnn_im2col writes the columns p0 .. p0+len-1 of col
 * (output positions in D, H, W order), so a caller can unfold and multiply
 * one tile of positions at a time:
 *   x   is one group's input, (cg, in[0], in[1], in[2])
 *   col is (cg*KD*KH*KW, len), row-major, rows in the weights' order
 *       (channel, kd, kh, kw); taps falling in the padding are 0.
 * cnn_im2col_ref does the same one element at a time (the test reference).
 */
#ifndef CNN_KERNELS_IM2COL_H
#define CNN_KERNELS_IM2COL_H

#include "conv_geom.h"

void cnn_im2col (const CnnConvGeom *g, const float *x, int64_t cg,
    int64_t p0, int64_t len, float *col);

void cnn_im2col_ref (const CnnConvGeom *g, const float *x, int64_t cg,
    int64_t p0, int64_t len, float *col);

#endif /* CNN_KERNELS_IM2COL_H */
