/* conv_direct.h — direct convolution for short sums (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * When each output sums only a few taps (c * kh * kw at most
 * CNN_DIRECT_MAX_TAPS: a network's first layer over 1 or 3 planes), the
 * GEMM path is a poor fit: im2col writes kh * kw copies of the image, and
 * each micro-kernel accumulator gets a handful of FMAs between its load
 * and its store. The direct kernels read the input themselves:
 *  - a work item is (image, block of output rows); it first copies the
 *    input rows its outputs read into scratch with the zero padding
 *    written out (column stride 2: the even and the odd columns apart), so
 *    the taps of W consecutive outputs are one contiguous load;
 *  - then per block of OCB output channels, output row and vector of W
 *    columns, all taps are summed in OCB registers, (c, ky, kx) in that
 *    order, each weight broadcast from the layout cnn_conv_direct_pack
 *    made, and act (sum + bias + residual) is stored once.
 * Applies to 2-D convolutions (in[0] == k[0] == 1; 1-D has in[1] == 1),
 * one group, dilation 1, column stride 1 or 2, any row stride, pads and
 * kernel size except 1x1 (a 1x1 kernel copies nothing in im2col, and
 * ResNet-18's 1x1 stride-2 layers took 1.5x the time here). Each output's sum order is fixed, so the bits do not
 * depend on the split, which may therefore follow the thread count.
 * Kernels: cnn_conv_direct_rows_avx512 (16 lanes, 16 channels per block,
 * kernels/direct_avx512.c) and _avx2 (8 lanes, 8 channels,
 * kernels/direct_avx2.c), one loop body (kernels/direct_body.h).
 */
#ifndef CNN_KERNELS_CONV_DIRECT_H
#define CNN_KERNELS_CONV_DIRECT_H

#include "conv_geom.h"
#include "cpu.h"
#include "threadpool.h"
#include "../ir.h"

#include <stdbool.h>
#include <stddef.h>

/* Longest sum per output the direct path takes (ResNet's 7x7 stem over 3
 * planes is 147). */
#define CNN_DIRECT_MAX_TAPS 160

/* One call of a kernel: output rows [y0, y1) of one image, all channels.
 * It first fills in with the image's padded input rows, (c, in_rows,
 * row_floats): row r is input row y0 * stride - pad + r (zeros outside
 * the image); within a row, phase p (p < column stride) holds padded
 * columns q * stride + p at q, from float p * phase. */
typedef struct {
  const CnnConvGeom *g;
  const float *wp;              /* cnn_conv_direct_pack's layout */
  const float *bias;            /* (oc) or NULL */
  const CnnFusedAct *act;
  const float *x;               /* the image's input, (c, ih, iw) */
  float *in;                    /* scratch: c * in_rows * row_floats */
  int64_t in_rows, row_floats, phase;
  int64_t y0, y1;
  float *y;                     /* the image's output, (oc, oh, ow) */
  const float *res;             /* the image's residual, same, or NULL */
} CnnDirectRows;

typedef void (*CnnDirectFn) (const CnnDirectRows *r);

typedef struct {
  CnnDirectFn fn;
  int64_t ocb;                  /* output channels per kernel block */
  int64_t phase, row_floats;    /* see CnnDirectRows */
  int64_t max_rows;             /* output rows per item at most (L2) */
} CnnConvDirect;

/* The tensors of one convolution run (here and in conv_fast.h): x (n, c,
 * in...), w (oc, c / group, k...), bias (oc) or NULL, res (the output's
 * shape) or NULL, y (n, oc, out...); y = act (conv (x, w) + bias + res). */
typedef struct {
  const float *x, *w, *bias, *res;
  float *y;
  const CnnFusedAct *act;
} CnnConvIO;

/* Plans g at CPU level `level` (capped to this machine's); false when g
 * does not qualify or the level has no direct kernel. */
bool cnn_conv_direct_plan (CnnConvDirect *d, const CnnConvGeom *g,
    CnnCpuLevel level);

/* Floats of the packed weights: (oc rounded up to ocb) * taps. */
size_t cnn_conv_direct_packed_floats (const CnnConvDirect *d,
    const CnnConvGeom *g);
/* w (oc, c, kh, kw) into dst as [block][tap][ocb], zeros past oc. */
void cnn_conv_direct_pack (const CnnConvDirect *d, const CnnConvGeom *g,
    const float *w, float *dst);

/* Scratch bytes of one run at `threads` threads; packed: the weights were
 * packed at load (otherwise the run packs them into scratch first). */
size_t cnn_conv_direct_scratch (const CnnConvDirect *d,
    const CnnConvGeom *g, int threads, bool packed);

/* True when convolution g has enough work to share between threads
 * (below that it runs on the caller alone). */
bool cnn_conv_direct_splits (const CnnConvGeom *g);

/* One image's output rows into a band buffer that holds rows first ..
 * first + buf_rows - 1 of every channel (channel o at
 * buf + o * buf_rows * out[2]): computes buffer rows [y0, y1), act (conv
 * + bias), no residual; x is the image's input, wp cnn_conv_direct_pack's
 * layout, in cnn_conv_direct_band_scratch (d, g, y1 - y0) bytes of
 * scratch. Each output is the same sum as in cnn_conv_direct_run, so the
 * bits are too. */
size_t cnn_conv_direct_band_scratch (const CnnConvDirect *d,
    const CnnConvGeom *g, int64_t rows);
void cnn_conv_direct_band (const CnnConvDirect *d, const CnnConvGeom *g,
    const float *wp, const float *bias, const CnnFusedAct *act,
    const float *x, int64_t first, int64_t buf_rows, int64_t y0, int64_t y1,
    float *buf, void *scratch);

/* y = act (conv (x, w) + bias + res); packed: cnn_conv_direct_pack's
 * output or NULL. Allocates nothing. */
void cnn_conv_direct_run (const CnnConvDirect *d, const CnnConvGeom *g,
    const CnnConvIO *io, const float *packed, CnnThreadPool *pool,
    void *scratch);

void cnn_conv_direct_rows_avx2 (const CnnDirectRows *r);
void cnn_conv_direct_rows_avx512 (const CnnDirectRows *r);

#endif /* CNN_KERNELS_CONV_DIRECT_H */
