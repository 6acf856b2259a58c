/* test_threadpool_gemm.c — the thread pool and the sgemm wrapper.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pool: every item of [0, n) is visited exactly once, by a thread index in
 * range, for 1..4 threads and awkward n / min_chunk, over many calls in a
 * row (reuse of one pool), and at two threads with the worker asleep when
 * each job comes; cnn_threadpool_wake wakes a sleeping worker, keeps a
 * polling one awake past its usual polls, and the worker sleeps again
 * afterwards; a wake with no job since the last one does nothing. Gemm: cnn_sgemm against the triple-loop
 * reference for every transpose combination on odd sizes, with leading
 * dimensions larger than the rows, alpha/beta != 1; tolerance 1e-5
 * relative + 1e-5 * K absolute; and the same product computed by 3 pool
 * threads at once, 12 x 32 times, each bitwise equal to the one-thread
 * result (OpenBLAS's serial build is not safe for concurrent calls: gemm.c
 * serialises them).
 */
#include "kernels/gemm.h"
#include "kernels/threadpool.h"
#include "op_harness.h"
#include "test_clock.h"

#include <stdatomic.h>

typedef struct {
  atomic_int *hits;
  int threads;
  atomic_int bad_thread;
} VisitCtx;

static void
visit (void *ctx, int64_t begin, int64_t end, int thread)
{
  VisitCtx *v = ctx;
  if (thread < 0 || thread >= v->threads)
    atomic_fetch_add (&v->bad_thread, 1);
  for (int64_t i = begin; i < end; i++)
    atomic_fetch_add (&v->hits[i], 1);
}

static void
test_pool (void)
{
  static const int64_t sizes[] = { 1, 2, 3, 7, 64, 1001 };
  static const int64_t chunks[] = { 1, 3, 16, 5000 };
  atomic_int *hits = calloc (1001, sizeof (atomic_int));
  for (int threads = 1; threads <= 4; threads++) {
    CnnThreadPool *pool = cnn_threadpool_new (threads);
    CHECK (pool != NULL);
    CHECK (cnn_threadpool_size (pool) == threads);
    for (int rep = 0; rep < 200; rep++)
      for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
        for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
          int64_t n = sizes[s];
          for (int64_t i = 0; i < n; i++)
            atomic_store (&hits[i], 0);
          VisitCtx v = { hits, threads, 0 };
          cnn_parallel_for (pool, n, chunks[c], visit, &v);
          bool once = true;
          for (int64_t i = 0; i < n; i++)
            once &= atomic_load (&hits[i]) == 1;
          if (rep == 0 || !once || v.bad_thread) {
            CHECK_MSG (once, "threads %d n %lld chunk %lld", threads,
                (long long) n, (long long) chunks[c]);
            CHECK (atomic_load (&v.bad_thread) == 0);
          }
        }
    cnn_threadpool_free (pool);
  }
  CHECK (cnn_threadpool_size (NULL) == 1);
  CHECK (cnn_threadpool_new (0) == NULL);
  free (hits);
}

/* Two threads, the worker asleep when each job comes (it sleeps after a
 * few tens of microseconds without work): the caller takes its half of
 * an even number of grains at once and the worker, woken late, the other
 * half or what the caller left of it; odd counts take shares. Every item
 * exactly once, by thread 0 or 1, and each call returns. */
static void
test_pool_late_worker (void)
{
  static const int64_t sizes[] = { 2, 8, 9, 64, 65 };
  atomic_int *hits = calloc (65, sizeof (atomic_int));
  CnnThreadPool *pool = cnn_threadpool_new (2);
  CHECK (pool != NULL);
  for (int rep = 0; rep < 20; rep++)
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
      int64_t n = sizes[s];
      for (int64_t i = 0; i < n; i++)
        atomic_store (&hits[i], 0);
      struct timespec pause = { 0, 300000 };
      nanosleep (&pause, NULL);
      VisitCtx v = { hits, 2, 0 };
      cnn_parallel_for (pool, n, 1, visit, &v);
      bool once = true;
      for (int64_t i = 0; i < n; i++)
        once &= atomic_load (&hits[i]) == 1;
      if (rep == 0 || !once || v.bad_thread) {
        CHECK_MSG (once, "late worker: n %lld", (long long) n);
        CHECK (atomic_load (&v.bad_thread) == 0);
      }
    }
  cnn_threadpool_free (pool);
  free (hits);
}

/* Polls (1 ms apart, at most 5 s) until the pool has `want` sleepers. */
static bool
await_sleepers (const CnnThreadPool *pool, int want)
{
  struct timespec ms = { 0, 1000000 };
  for (int i = 0; i < 5000; i++) {
    if (cnn_threadpool_sleepers (pool) == want)
      return true;
    nanosleep (&ms, NULL);
  }
  return false;
}

static bool
run_once_each (CnnThreadPool *pool, atomic_int *hits, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    atomic_store (&hits[i], 0);
  VisitCtx v = { hits, 2, 0 };
  cnn_parallel_for (pool, n, 1, visit, &v);
  bool once = atomic_load (&v.bad_thread) == 0;
  for (int64_t i = 0; i < n; i++)
    once &= atomic_load (&hits[i]) == 1;
  return once;
}

/* Whether the pool has `want` sleepers 300 us after a wake (preceded by a
 * job when job_first, else by the worker falling asleep). A try whose
 * 300 us overran by 1 ms (this thread descheduled: the suite runs two
 * tests at once on two CPUs) is taken again, up to 20 tries; so is one
 * where a loaded machine let the worker sleep through its polls. Without
 * the behaviour checked every try fails. */
static bool
sleepers_after_wake (CnnThreadPool *pool, atomic_int *hits, bool job_first,
    int want)
{
  struct timespec us300 = { 0, 300000 };
  for (int t = 0; t < 20; t++) {
    if (job_first)
      run_once_each (pool, hits, 64);
    else
      await_sleepers (pool, 1);
    double t0 = test_now_us ();
    cnn_threadpool_wake (pool);
    nanosleep (&us300, NULL);
    int sleepers = cnn_threadpool_sleepers (pool);
    if (test_now_us () - t0 < 1300.0 && sleepers == want)
      return true;
  }
  return false;
}

/* A sleeping worker wakes when woken: in one of 3 tries, since on the VM
 * a futex wake of an idle vCPU now and then took seconds (a wake that
 * does nothing fails all three). Each try starts after a job (a wake with
 * no job since the last one does nothing) with the worker asleep. */
static bool
woken_in_one_of_3 (CnnThreadPool *pool, atomic_int *hits)
{
  for (int t = 0; t < 3; t++) {
    if (t > 0)
      run_once_each (pool, hits, 64);
    if (!await_sleepers (pool, 1))
      continue;
    cnn_threadpool_wake (pool);
    if (await_sleepers (pool, 0))
      return true;
  }
  return false;
}

static void
test_pool_wake (void)
{
  atomic_int *hits = calloc (64, sizeof (atomic_int));
  CnnThreadPool *pool = cnn_threadpool_new (2);
  CHECK (pool != NULL);
  CHECK (run_once_each (pool, hits, 64));
  /* idle: the worker polls a few tens of microseconds, then sleeps */
  CHECK_MSG (woken_in_one_of_3 (pool, hits), "wake left the worker asleep");
  /* it polls for the job a few ms, then sleeps again */
  CHECK_MSG (await_sleepers (pool, 1), "woken worker never slept again");
  /* no job since that wake: the next one leaves the worker asleep (a woken
   * one would poll for ms) */
  CHECK_MSG (sleepers_after_wake (pool, hits, false, 1),
      "a wake with no job since the last one woke the worker");
  /* a wake while the worker still polls after a job: 300 us later (ten
   * times its usual polls) it has not slept */
  CHECK_MSG (sleepers_after_wake (pool, hits, true, 0),
      "a wake while polling did not extend the polls");
  /* freed while the woken worker polls: returns */
  cnn_threadpool_free (pool);
  cnn_threadpool_wake (NULL);
  CnnThreadPool *one = cnn_threadpool_new (1);
  cnn_threadpool_wake (one);
  CHECK (cnn_threadpool_sleepers (one) == 0);
  cnn_threadpool_free (one);
  free (hits);
}

#define N_COPIES 12
#define N_REPEATS 32

typedef struct {
  bool ta, tb;
  int m, n, k;
  float alpha;
  const float *a;
  int lda;
  const float *b;
  int ldb;
  float beta;
  const float *c0;
  int ldc;
  float *out;                   /* one C of nc floats per item */
  size_t nc;
  const float *want;            /* the one-thread result */
  atomic_int differ;            /* products that differ from it */
} ConcurrentGemm;

static void
concurrent_gemm (void *ctx, int64_t begin, int64_t end, int thread)
{
  ConcurrentGemm *g = ctx;
  (void) thread;
  for (int64_t i = begin; i < end; i++)
    for (int rep = 0; rep < N_REPEATS; rep++) {
      float *c = g->out + g->nc * (size_t) i;
      memcpy (c, g->c0, g->nc * 4);
      cnn_sgemm (g->ta, g->tb, g->m, g->n, g->k, g->alpha, g->a, g->lda,
          g->b, g->ldb, g->beta, c, g->ldc);
      if (memcmp (c, g->want, g->nc * 4) != 0)
        atomic_fetch_add (&g->differ, 1);
    }
}

static void
test_gemm_case (int m, int n, int k, bool ta, bool tb, float alpha,
    float beta)
{
  int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
  size_t na = (size_t) lda * (ta ? k : m), nb = (size_t) ldb * (tb ? n : k);
  size_t nc = (size_t) ldc * m;
  float *a = h_rand_array (na, 1 + m), *b = h_rand_array (nb, 2 + n);
  float *c0 = h_rand_array (nc, 3 + k);
  float *ref = malloc (nc * 4), *got = malloc (nc * 4);
  memcpy (ref, c0, nc * 4);
  cnn_sgemm_ref (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, ref, ldc);
  memcpy (got, c0, nc * 4);
  cnn_sgemm (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc);
  CHECK_CLOSE (got, ref, nc, 1e-5, 1e-5 * k);
  /* concurrent calls: each item writes its own copy of C */
  ConcurrentGemm cg = { ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c0,
    ldc, malloc (nc * 4 * N_COPIES), nc, got, 0 };
  CnnThreadPool *pool = cnn_threadpool_new (3);
  cnn_parallel_for (pool, N_COPIES, 1, concurrent_gemm, &cg);
  cnn_threadpool_free (pool);
  CHECK_MSG (atomic_load (&cg.differ) == 0, "%dx%dx%d: %d of %d concurrent "
      "products differ from the one-thread result", m, n, k,
      atomic_load (&cg.differ), N_COPIES * N_REPEATS);
  free (cg.out);
  free (a);
  free (b);
  free (c0);
  free (ref);
  free (got);
}

static void
test_gemm (void)
{
  static const int shapes[][3] = {
    { 1, 1, 1 }, { 7, 5, 3 }, { 1, 1000, 512 }, { 64, 3136, 27 },
    { 130, 17, 33 }, { 3, 257, 129 }, { 5, 9, 0 }, { 300, 40, 70 },
    { 64, 784, 576 },
  };
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
    for (int t = 0; t < 4; t++) {
      test_gemm_case (shapes[s][0], shapes[s][1], shapes[s][2], t & 1,
          t & 2, 1.0f, 0.0f);
      test_gemm_case (shapes[s][0], shapes[s][1], shapes[s][2], t & 1,
          t & 2, 0.5f, 2.0f);
    }
}

int
main (void)
{
  /* loaded, or cnn_sgemm would fall back to the reference it is compared
   * with */
  const char *why = cnn_blas_load ();
  CHECK_MSG (why == NULL, "%s", why ? why : "");
  test_pool_late_worker ();
  test_pool_wake ();
  test_pool ();
  test_gemm ();
  return check_summary ("threadpool_gemm");
}
