/* threadpool.c — persistent pthread pool, one per session (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract (see threadpool.h): a pool of n threads is n - 1 workers plus
 * the caller. cnn_parallel_for publishes one job (function, context, item
 * count, chunk count) under the mutex, bumps an atomic generation counter
 * and broadcasts; worker t runs chunk t (if there is one), the caller runs
 * chunk 0, and the call returns when every worker has acknowledged the job
 * (an atomic count of pending workers reaches 0).
 * Waiting first spins for a bounded time (CNN_POOL_SPIN polls, tens of
 * microseconds) and then sleeps on a condition variable, so back-to-back
 * layers hand over in well under a microsecond while an idle session uses
 * no CPU. Nothing is allocated per call. A pool is driven by one thread at
 * a time and fn must not call cnn_parallel_for on the same pool (no
 * nesting). cnn_threadpool_free stops and joins the workers.
 */
#include "threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause ()
#else
#define cpu_relax() ((void) 0)
#endif

/* Polls before a waiting thread goes to sleep (~30-60 us on x86). */
#define CNN_POOL_SPIN 2000

typedef struct {
  CnnThreadPool *pool;
  int index;                    /* 1 .. n - 1 */
} Worker;

struct CnnThreadPool {
  int n_threads;
  int n_started;                /* workers actually running */
  pthread_t *threads;           /* n_threads - 1 */
  Worker *workers;
  pthread_mutex_t mutex;
  pthread_cond_t work_cond;     /* generation changed or stop */
  pthread_cond_t done_cond;     /* pending reached 0 */
  atomic_uint_fast64_t generation;
  atomic_bool stop;
  atomic_int pending;           /* workers yet to finish the job */
  /* the current job */
  CnnParallelFn fn;
  void *ctx;
  int64_t n_items;
  int n_chunks;
};

/* Items [begin, end) of chunk i when n items are split into k chunks. */
static void
chunk_range (int64_t n, int k, int i, int64_t *begin, int64_t *end)
{
  *begin = n / k * i + (i < n % k ? i : n % k);
  *end = *begin + n / k + (i < n % k ? 1 : 0);
}

/* Spins until the generation differs from seen or stop is set; returns
 * false when the spin budget ran out first. */
static bool
spin_for_job (CnnThreadPool *pool, uint64_t seen)
{
  for (int i = 0; i < CNN_POOL_SPIN; i++) {
    if (atomic_load_explicit (&pool->generation, memory_order_acquire) != seen
        || atomic_load_explicit (&pool->stop, memory_order_relaxed))
      return true;
    cpu_relax ();
  }
  return false;
}

static void *
worker_main (void *arg)
{
  Worker *w = arg;
  CnnThreadPool *pool = w->pool;
  uint64_t seen = 0;

  for (;;) {
    if (!spin_for_job (pool, seen)) {
      pthread_mutex_lock (&pool->mutex);
      while (atomic_load (&pool->generation) == seen
          && !atomic_load (&pool->stop))
        pthread_cond_wait (&pool->work_cond, &pool->mutex);
      pthread_mutex_unlock (&pool->mutex);
    }
    if (atomic_load (&pool->stop))
      break;
    /* the job fields were written before the generation was released */
    seen = atomic_load_explicit (&pool->generation, memory_order_acquire);
    if (w->index < pool->n_chunks) {
      int64_t begin, end;
      chunk_range (pool->n_items, pool->n_chunks, w->index, &begin, &end);
      pool->fn (pool->ctx, begin, end, w->index);
    }
    /* every worker acknowledges every job, with or without a chunk, so the
     * next job is published only after all of them have read this one */
    if (atomic_fetch_sub_explicit (&pool->pending, 1,
            memory_order_acq_rel) == 1) {
      pthread_mutex_lock (&pool->mutex);
      pthread_cond_signal (&pool->done_cond);
      pthread_mutex_unlock (&pool->mutex);
    }
  }
  return NULL;
}

static void
stop_workers (CnnThreadPool *pool)
{
  pthread_mutex_lock (&pool->mutex);
  atomic_store (&pool->stop, true);
  pthread_cond_broadcast (&pool->work_cond);
  pthread_mutex_unlock (&pool->mutex);
  for (int i = 0; i < pool->n_started; i++)
    pthread_join (pool->threads[i], NULL);
  pool->n_started = 0;
}

CnnThreadPool *
cnn_threadpool_new (int n_threads)
{
  if (n_threads < 1)
    return NULL;
  CnnThreadPool *pool = calloc (1, sizeof *pool);
  if (!pool)
    return NULL;
  pool->n_threads = n_threads;
  if (n_threads > 1) {
    pool->threads = calloc ((size_t) n_threads - 1, sizeof (pthread_t));
    pool->workers = calloc ((size_t) n_threads - 1, sizeof (Worker));
    if (!pool->threads || !pool->workers) {
      free (pool->threads);
      free (pool->workers);
      free (pool);
      return NULL;
    }
  }
  pthread_mutex_init (&pool->mutex, NULL);
  pthread_cond_init (&pool->work_cond, NULL);
  pthread_cond_init (&pool->done_cond, NULL);
  for (int i = 0; i < n_threads - 1; i++) {
    pool->workers[i].pool = pool;
    pool->workers[i].index = i + 1;
    if (pthread_create (&pool->threads[i], NULL, worker_main,
            &pool->workers[i]) != 0) {
      cnn_threadpool_free (pool);
      return NULL;
    }
    pool->n_started++;
  }
  return pool;
}

void
cnn_threadpool_free (CnnThreadPool *pool)
{
  if (!pool)
    return;
  stop_workers (pool);
  pthread_cond_destroy (&pool->done_cond);
  pthread_cond_destroy (&pool->work_cond);
  pthread_mutex_destroy (&pool->mutex);
  free (pool->threads);
  free (pool->workers);
  free (pool);
}

int
cnn_threadpool_size (const CnnThreadPool *pool)
{
  return pool ? pool->n_threads : 1;
}

void
cnn_parallel_for (CnnThreadPool *pool, int64_t n, int64_t min_chunk,
    CnnParallelFn fn, void *ctx)
{
  if (n <= 0)
    return;
  if (min_chunk < 1)
    min_chunk = 1;
  int64_t max_chunks = (n + min_chunk - 1) / min_chunk;
  int k = cnn_threadpool_size (pool);
  if (max_chunks < k)
    k = (int) max_chunks;
  if (k <= 1) {
    fn (ctx, 0, n, 0);
    return;
  }

  pthread_mutex_lock (&pool->mutex);
  pool->fn = fn;
  pool->ctx = ctx;
  pool->n_items = n;
  pool->n_chunks = k;
  atomic_store_explicit (&pool->pending, pool->n_threads - 1,
      memory_order_relaxed);
  atomic_fetch_add_explicit (&pool->generation, 1, memory_order_release);
  pthread_cond_broadcast (&pool->work_cond);
  pthread_mutex_unlock (&pool->mutex);

  int64_t begin, end;
  chunk_range (n, k, 0, &begin, &end);
  fn (ctx, begin, end, 0);

  for (int i = 0; i < CNN_POOL_SPIN; i++) {
    if (atomic_load_explicit (&pool->pending, memory_order_acquire) == 0)
      return;
    cpu_relax ();
  }
  pthread_mutex_lock (&pool->mutex);
  while (atomic_load_explicit (&pool->pending, memory_order_acquire) > 0)
    pthread_cond_wait (&pool->done_cond, &pool->mutex);
  pthread_mutex_unlock (&pool->mutex);
}
