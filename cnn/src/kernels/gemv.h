/* gemv.h — one-row matrix products on the pgemm dot kernel (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * y (n) = act (W (n x k, row stride ldw) x (k) + bias (n, or NULL)): a
 * fully connected layer at batch 1. The rows of W are cut into blocks of
 * CNN_GEMV_ROWS shared by the pool's threads (BLAS runs one call at a
 * time, see gemm.c, and a layer of this kind streams its weights from
 * memory, which two threads do faster than one). Each output is one dot
 * product of the pgemm dot kernel (pgemm.h), whatever block or thread
 * computes it, so the result is the same bits for any pool and either
 * order. Nothing is allocated.
 *
 * reverse: each thread walks its rows from the last block to the first.
 * A caller running the same layer again and again alternates it: weights
 * a little larger than what stays in the core's cache are then read
 * starting with the blocks it read last, which are still there, instead
 * of each pass evicting the blocks the next one needs first (small28's
 * 1.6 MB layer beside the rest of its net, 2 MB L2: 0.042 ms a pass one
 * way, see gemm.c).
 */
#ifndef CNN_KERNELS_GEMV_H
#define CNN_KERNELS_GEMV_H

#include "../ir.h"
#include "threadpool.h"

#include <stdbool.h>

#define CNN_GEMV_ROWS 64

/* Whether this CPU level has the pgemm kernel cnn_gemv_rows runs on. */
bool cnn_gemv_available (void);

/* Returns false, computing nothing, when k is 0 or the CPU level has no
 * pgemm kernel (below AVX2): the caller then uses BLAS. */
bool cnn_gemv_rows (CnnThreadPool *pool, int n, int k, const float *w,
    int ldw, const float *x, const float *bias, const CnnFusedAct *act,
    float *y, bool reverse);

#endif /* CNN_KERNELS_GEMV_H */
