/* conv_dwpw.h — a depthwise convolution and the 1x1 convolution that
 * reads it, run together band of rows by band of rows (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * In MobileNet-style blocks a 3x3 depthwise convolution's output (often
 * megabytes) is read once, by a 1x1 convolution. Run apart, it is written
 * to memory and read back from L3 or DRAM. Here each work item is one
 * band of output rows of one image: the depthwise kernel writes the
 * band's rows of every channel into a per-thread buffer that stays in L2
 * (at most CNN_DWPW_BAND_BYTES), and the pgemm micro-kernels read that
 * buffer in place as B, writing the band's columns of the 1x1 output
 * with bias, residual and activation fused. The bands depend on the
 * geometry only, so the output bits are the same for every thread count.
 * Nothing is allocated per run.
 */
#ifndef CNN_OPS_CONV_DWPW_H
#define CNN_OPS_CONV_DWPW_H

#include "../kernels/conv_fast.h"
#include "../kernels/conv_geom.h"
#include "../kernels/depthwise.h"
#include "../kernels/threadpool.h"
#include "../ir.h"

#include <stdbool.h>
#include <stddef.h>

/* Bytes of one band buffer (all channels of a band of rows): it and the
 * 1x1 weights' slices share the L2 (1 MB per core on the reference
 * machine). */
#define CNN_DWPW_BAND_BYTES ((int64_t) 256 << 10)

typedef struct {
  CnnConvGeom dw;               /* the depthwise convolution */
  CnnDepthwiseFn dw_fn;
  CnnFusedAct dw_act;
  int64_t band_rows, bands;     /* output rows per band, bands per image */
  int64_t ld;                   /* floats between channels in a band */
} CnnDwPw;

/* Plans the pair: dw a depthwise convolution (c == oc == group, 2-D) with
 * SIMD kernels at `level`, pw the 1x1 convolution of its output (planned
 * by cnn_conv_fast_init). False when running them together does not pay:
 * more than 64 channels (see conv_dwpw.c), fewer than four bands per
 * image, or bands narrower than two micro-kernel panels. */
bool cnn_dwpw_plan (CnnDwPw *f, const CnnConvGeom *dw,
    const CnnFusedAct *dw_act, const CnnConvFast *pw, CnnCpuLevel level);

/* Scratch bytes of one run with `threads` threads (64-byte aligned). */
size_t cnn_dwpw_scratch (const CnnDwPw *f, const CnnConvFast *pw,
    int threads);

/* The tensors of one run: x the depthwise input (n, c, h, w); w_dw
 * (c, 1, kh, kw), b_dw (c) or NULL; pw.w (oc, c) unless pw->packed,
 * pw.bias (oc) or NULL, pw.res (n, oc, ho, wo) or NULL, pw.y the output
 * (n, oc, ho, wo), pw.act its activation (pw.x is unused). */
typedef struct {
  const float *x, *w_dw, *b_dw;
  CnnConvIO pw;
} CnnDwPwIO;

void cnn_dwpw_run (const CnnDwPw *f, const CnnConvFast *pw,
    const CnnConvGeom *pw_geom, const CnnDwPwIO *io, CnnThreadPool *pool,
    void *scratch);

#endif /* CNN_OPS_CONV_DWPW_H */
