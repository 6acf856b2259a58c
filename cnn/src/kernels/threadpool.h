/* threadpool.h — the one owner of parallelism in a session (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A session owns a pool of n threads (the caller counts as one: n - 1
 * workers). OpenBLAS is kept single-threaded (cnn_blas_load in gemm.c) and
 * kernels split work through cnn_parallel_for, so the total number of busy
 * threads never exceeds the session's thread count. cnn_parallel_for does
 * not allocate and returns when every chunk is done.
 */
#ifndef CNN_THREADPOOL_H
#define CNN_THREADPOOL_H

#include <stdint.h>

typedef struct CnnThreadPool CnnThreadPool;

/* fn processes items [begin, end); thread is in [0, n_threads). */
typedef void (*CnnParallelFn) (void *ctx, int64_t begin, int64_t end,
    int thread);

/* NULL on failure (no memory, thread creation failed). n_threads >= 1. */
CnnThreadPool *cnn_threadpool_new (int n_threads);
void cnn_threadpool_free (CnnThreadPool *pool);
int cnn_threadpool_size (const CnnThreadPool *pool); /* 1 for NULL */

/* A job follows soon: idle workers wake now and poll for it (a few ms)
 * instead of being woken by the job itself. No-op for NULL / 1 thread,
 * and when no job came since the last wake (runs that use no worker). */
void cnn_threadpool_wake (CnnThreadPool *pool);
/* Workers asleep right now (for tests). */
int cnn_threadpool_sleepers (const CnnThreadPool *pool);

/* Cuts [0, n) into contiguous grains of at least min_chunk items (about
 * four per thread) and runs them on the caller and the pool's threads,
 * each grain exactly once, each thread claiming the next free grains (one
 * call of fn may get several neighbouring grains); fn must compute the
 * same for an item whatever thread and range it comes in. Returns when all
 * are done. pool may be NULL (everything runs on the caller). */
void cnn_parallel_for (CnnThreadPool *pool, int64_t n, int64_t min_chunk,
    CnnParallelFn fn, void *ctx);

#endif /* CNN_THREADPOOL_H */
