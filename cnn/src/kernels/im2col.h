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
 *
 * For the packed GEMM (pgemm.h), cnn_im2col_panels writes rows k0 ..
 * k0+kc-1 of the same col matrix restricted to columns p0 .. p0+len-1 as
 * panels of nr columns: element (row r, column p0 + j) goes to
 *   dst[(j / nr) * kc * nr + (r - k0) * nr + j % nr]
 * and the unused tail of the last panel is zero. cnn_pack_rows_panels
 * does the same for a plain matrix (the 1x1 convolution, where col is X
 * itself): rows of src are ld floats apart.
 */
#ifndef CNN_KERNELS_IM2COL_H
#define CNN_KERNELS_IM2COL_H

#include "conv_geom.h"
#include "cpu.h"

void cnn_im2col (const CnnConvGeom *g, const float *x, int64_t cg,
    int64_t p0, int64_t len, float *col);

void cnn_im2col_ref (const CnnConvGeom *g, const float *x, int64_t cg,
    int64_t p0, int64_t len, float *col);

void cnn_im2col_panels (const CnnConvGeom *g, const float *x, int64_t k0,
    int64_t kc, int64_t p0, int64_t len, int nr, float *dst);

/* cnn_im2col_panels with the copies of CPU level `level` (capped to the
 * machine's): the same floats at every level (tests run each). */
void cnn_im2col_panels_at (CnnCpuLevel level, const CnnConvGeom *g,
    const float *x, int64_t k0, int64_t kc, int64_t p0, int64_t len, int nr,
    float *dst);

/* The zero-bordered plane of one channel that the 2-D path copies runs
 * from (hp x wp floats, at most CNN_IM2COL_PLANE_MAX, on the stack, then
 * CNN_IM2COL_PLANE_SLACK zeros that a stride-2 copy may read). */
#define CNN_IM2COL_PLANE_MAX 8192
#define CNN_IM2COL_PLANE_SLACK 4

typedef struct {
  int64_t hp, wp;               /* bordered plane's rows and columns */
} CnnIm2colBordered;

/* The 2-D path with 16-float copies (im2col_avx512.c), no zero tail. */
void cnn_im2col_panels_2d_avx512 (const CnnConvGeom *g,
    const CnnIm2colBordered *b, const float *x, int64_t k0, int64_t kc,
    int64_t p0, int64_t len, int nr, float *dst);

void cnn_pack_rows_panels (const float *src, int64_t ld, int64_t k0,
    int64_t kc, int64_t p0, int64_t len, int nr, float *dst);

#endif /* CNN_KERNELS_IM2COL_H */
