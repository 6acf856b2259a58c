/* conv_fast.h — convolution on the packed-B GEMM and Winograd kernels
 * (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fast paths of ops/conv.c for CPUs with AVX2 or AVX-512, with the
 * geometry of conv_geom.h (any groups, strides, dilations, pads, 1-3-D):
 *  - Winograd F(2x2, 3x3) (winograd.h) for single-group 3x3 stride-1
 *    convolutions with enough output tiles and channels;
 *  - else the direct kernels (conv_direct.h) when each output sums few
 *    taps (a first layer over 1 or 3 planes);
 *  - otherwise pgemm (pgemm.h): per (image, group, tile of output
 *    positions, block of output channels) the input is packed straight
 *    into B panels (a copy for a 1x1 stride-1 kernel, im2col otherwise)
 *    and the micro-kernel reads W in place and applies bias, residual and
 *    activation at its store. When all positions fit one tile but the
 *    channels are split (small late layers), B is packed once, in
 *    parallel, and every channel block reads it.
 * cnn_conv_fast_init plans from the geometry only (tile sizes, channel
 * blocks, algorithm), so the work items and every sum's order, hence the
 * output bits, are the same for any thread count. cnn_conv_fast_run
 * splits the items over the pool with cnn_parallel_for and allocates
 * nothing: scratch holds cnn_conv_fast_scratch bytes (64-byte aligned).
 */
#ifndef CNN_KERNELS_CONV_FAST_H
#define CNN_KERNELS_CONV_FAST_H

#include "conv_direct.h"
#include "conv_geom.h"
#include "cpu.h"
#include "pgemm.h"
#include "threadpool.h"
#include "../ir.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  CnnPgemm pg;
  bool one;                     /* 1x1 stride 1: B is X itself */
  bool winograd;
  bool direct;                  /* conv_direct.h's kernels, plan dir */
  CnnConvDirect dir;
  bool shared_b;                /* one tile, several channel blocks */
  int64_t tile, mblock;         /* positions (Winograd: tiles) per item,
                                 * at most; output channels per item */
  int64_t tiles;                /* pgemm: tiles of positions, whole
                                 * micro-kernel panels shared out evenly */
  int64_t mblock_par;           /* output channels per item with a pool of
                                 * several threads (same bits) */
  bool shared_b_par;            /* shared_b for that split */
  int64_t tiles_par;            /* > 0: with a pool of several threads,
                                 * this many tiles of positions of all
                                 * output channels instead (a 1x1 reading
                                 * B in place; same bits) */
  int64_t ksplit;               /* > 0: the sum over k is cut into this
                                 * many parts, summed afterwards (small
                                 * images of many channels; any pool) */
  int64_t wino_u, wino_v, wino_m; /* Winograd: floats of U, V, M (per
                                 * thread when wino_block) */
  int64_t wino_block;           /* Winograd: tiles per L2-sized block run
                                 * start to end by one thread, 0: each
                                 * step over the whole image */
  /* Weights made once at load by cnn_conv_fast_pack (NULL: the run reads
   * CnnConvIO.w): Winograd U, or W with row stride ldw. Not owned. */
  const float *packed;
  int64_t ldw;
} CnnConvFast;

/* Plans g at CPU level `level`; false when the level has no micro-kernel
 * (the caller keeps its BLAS path). one: 1x1x1 kernel, stride 1, no pad. */
bool cnn_conv_fast_init (CnnConvFast *f, const CnnConvGeom *g, bool one,
    CnnCpuLevel level);

/* For a 1x1 convolution planned by cnn_conv_fast_init whose input is the
 * output of a depthwise convolution (the caller knows the graph): cuts the
 * sum over k into halves, one per half of the channels, where the shape
 * gains from it (see conv_fast.c). Returns whether it did. */
bool cnn_conv_fast_split_k_after_depthwise (CnnConvFast *f,
    const CnnConvGeom *g);

/* Floats of the weights in the layout the run reads best, or 0 when W as
 * it is serves as well: Winograd's transformed filters U (made at every
 * run otherwise), or W with its rows one cache line apart when its row
 * length is a multiple of 256 floats (otherwise the run copies each
 * slice of mr rows to keep them out of the same L1 sets). */
size_t cnn_conv_fast_packed_floats (const CnnConvFast *f,
    const CnnConvGeom *g);

/* Writes that layout of w into dst (cnn_conv_fast_packed_floats floats)
 * and makes every later run read dst instead of CnnConvIO.w; dst must
 * outlive f. Same output bits as without packing. */
void cnn_conv_fast_pack (CnnConvFast *f, const CnnConvGeom *g,
    const float *w, float *dst);

/* Scratch bytes of one run (after cnn_conv_fast_pack, if any). */
size_t cnn_conv_fast_scratch (const CnnConvFast *f, const CnnConvGeom *g,
    int threads);

void cnn_conv_fast_run (const CnnConvFast *f, const CnnConvGeom *g,
    const CnnConvIO *io, CnnThreadPool *pool, void *scratch);

#endif /* CNN_KERNELS_CONV_FAST_H */
