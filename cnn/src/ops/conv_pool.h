/* conv_pool.h — a direct convolution and the max pool that reads its
 * output, run together band of rows by band of rows (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A network's stem convolution (3x3 or 7x7 over the three colour planes,
 * the direct kernels of conv_direct.h) writes megabytes (SqueezeNet:
 * 64 x 111 x 111 floats, 3.2 MB) that one max pool reads once and shrinks
 * fourfold. Run apart, that output goes out to L3 or DRAM and comes back.
 * Here a work item is one band of pool output rows of one image: the
 * direct kernel writes the convolution rows that band reads, for every
 * channel, into a per-thread buffer that stays in L2 (at most
 * CNN_CONV_POOL_BAND_BYTES), and the pool kernel reads them from there.
 * The rows a band shares with the next one (window taller than its
 * stride) are moved to the top of the buffer instead of computed again,
 * except at the first band a thread takes in a row of bands. Every
 * convolution output is the same sum as in the unfused direct kernel and
 * a max does not depend on where its inputs are, so the output bits are
 * those of the two layers apart, for every thread count. Nothing is
 * allocated per run.
 */
#ifndef CNN_OPS_CONV_POOL_H
#define CNN_OPS_CONV_POOL_H

#include "../kernels/conv_fast.h"
#include "../kernels/conv_geom.h"
#include "../kernels/pooling.h"
#include "../kernels/threadpool.h"
#include "../ir.h"

#include <stdbool.h>
#include <stddef.h>

/* Bytes of one band buffer (all channels of the band's convolution rows):
 * it shares the L2 (1 MB per core on the reference machine) with the
 * padded input rows and the packed weights. */
#define CNN_CONV_POOL_BAND_BYTES ((int64_t) 384 << 10)

typedef struct {
  CnnPoolGeom pool;             /* the pool, over the convolution output */
  CnnPoolFn pool_fn;
  int64_t band_rows;            /* pool output rows per band */
  int64_t bands;                /* bands per image */
  int64_t buf_rows;             /* convolution rows a buffer holds */
} CnnConvPool;

/* Plans the pair: conv planned on the direct kernels (fast->direct), pool
 * a 2-D max pool over conv's whole output with row dilation 1 and a
 * padding smaller than its window. False when they cannot run together
 * or it does not pay: fewer than two bands per image. */
bool cnn_conv_pool_plan (CnnConvPool *f, const CnnConvGeom *conv,
    const CnnConvFast *fast, const CnnPoolGeom *pool, CnnCpuLevel level);

/* Scratch bytes of one run with `threads` threads (64-byte aligned). */
size_t cnn_conv_pool_scratch (const CnnConvPool *f, const CnnConvFast *fast,
    const CnnConvGeom *conv, int threads);

/* x the convolution input (n, c, h, w); wp its weights packed at load
 * (fast->packed); bias (oc) or NULL; act the convolution's fused
 * activation; y the pool output (n, oc, pool out h, pool out w). */
typedef struct {
  const float *x, *wp, *bias;
  const CnnFusedAct *act;
  float *y;
} CnnConvPoolIO;

void cnn_conv_pool_run (const CnnConvPool *f, const CnnConvFast *fast,
    const CnnConvGeom *conv, const CnnConvPoolIO *io, CnnThreadPool *pool,
    void *scratch);

#endif /* CNN_OPS_CONV_POOL_H */
