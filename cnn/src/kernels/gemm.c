/* gemm.c — the single wrapper around BLAS sgemm/sgemv (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract (see gemm.h): the only file that includes cblas.h. OpenBLAS is
 * pinned to one thread once per process (cnn_blas_init, also called by
 * every entry point). The core links Debian's serial OpenBLAS when present
 * (cnn/meson.build): it starts no worker threads (the pthread build's
 * idle worker spins beside our own pool and cost 10-30 % at 2 threads),
 * but it is not safe for concurrent calls (its buffer pool has no lock:
 * the parallel sgemm test returned wrong values in 13 of 30 runs), so
 * every BLAS call here holds blas_lock. On AVX2 and AVX-512 neither the
 * convolutions (pgemm.h) nor batch-1 fully connected layers (gemv.h) use
 * BLAS; what does (other Gemm and MatMul shapes, convolutions below AVX2)
 * runs one BLAS call at a time per process. cnn_sgemm_parallel therefore runs its blocks on the calling
 * thread: it cuts C into column blocks (or row blocks when C is too
 * narrow) whose sizes depend on the matrix sizes only, so any thread count
 * gives bitwise the same result.
 * A product of one row (m == 1) goes to sgemv, which reads B once.
 * cnn_sgemm_ref is a plain triple loop with double accumulation, the
 * reference for tests.
 */
#include "gemm.h"

#include <cblas.h>
#include <pthread.h>

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t blas_lock = PTHREAD_MUTEX_INITIALIZER;

static void
blas_init_once (void)
{
  openblas_set_num_threads (1);
}

void
cnn_blas_init (void)
{
  pthread_once (&blas_once, blas_init_once);
}

void
cnn_sgemm (bool trans_a, bool trans_b, int m, int n, int k, float alpha,
    const float *a, int lda, const float *b, int ldb, float beta, float *c,
    int ldc)
{
  if (m <= 0 || n <= 0)
    return;
  cnn_blas_init ();
  if (k <= 0) {
    /* BLAS would do this too, but some builds reject k == 0 leading dims */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++)
        c[(size_t) i * ldc + j] = beta == 0.0f ? 0.0f
            : beta * c[(size_t) i * ldc + j];
    return;
  }
  pthread_mutex_lock (&blas_lock);
  if (m == 1) {
    /* One row (batch 1 classifiers): sgemm would first pack all of B,
     * a full extra pass over the weights; sgemv streams them once. */
    int inc_a = trans_a ? lda : 1;
    if (trans_b)
      cblas_sgemv (CblasRowMajor, CblasNoTrans, n, k, alpha, b, ldb, a,
          inc_a, beta, c, 1);
    else
      cblas_sgemv (CblasRowMajor, CblasTrans, k, n, alpha, b, ldb, a, inc_a,
          beta, c, 1);
  } else {
    cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
        trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb,
        beta, c, ldc);
  }
  pthread_mutex_unlock (&blas_lock);
}

typedef struct {
  bool trans_a, trans_b, split_rows;
  int m, n, k;
  float alpha, beta;
  const float *a, *b;
  int lda, ldb, ldc;
  float *c;
  int64_t block;                /* columns or rows per work item */
} GemmJob;

/* Block `item` of the job: rows or columns [item * block, + block). */
static void
gemm_block (const GemmJob *j, int64_t item)
{
  int64_t limit = j->split_rows ? j->m : j->n;
  int64_t lo = item * j->block, hi = lo + j->block;
  if (hi > limit)
    hi = limit;
  if (lo >= hi)
    return;
  int len = (int) (hi - lo);
  if (j->split_rows) {
    /* rows lo..hi of op(A) and of C */
    const float *a = j->trans_a ? j->a + lo : j->a + lo * j->lda;
    cnn_sgemm (j->trans_a, j->trans_b, len, j->n, j->k, j->alpha, a, j->lda,
        j->b, j->ldb, j->beta, j->c + lo * j->ldc, j->ldc);
  } else {
    /* columns lo..hi of op(B) and of C */
    const float *b = j->trans_b ? j->b + lo * j->ldb : j->b + lo;
    cnn_sgemm (j->trans_a, j->trans_b, j->m, len, j->k, j->alpha, j->a,
        j->lda, b, j->ldb, j->beta, j->c + lo, j->ldc);
  }
}

static void
gemm_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  for (int64_t i = begin; i < end; i++)
    gemm_block (ctx, i);
}

void
cnn_sgemm_parallel (CnnThreadPool *pool, bool trans_a, bool trans_b,
    int m, int n, int k, float alpha, const float *a, int lda,
    const float *b, int ldb, float beta, float *c, int ldc)
{
  /* The blocks depend on the sizes only, never on the thread count, so the
   * same BLAS calls run (and the same bits come out) with any pool. Up to
   * 8 blocks of at least 64 columns, or of 32 rows when C is narrow.
   * Below 4 M multiply-adds (about 80 us on one core) the product runs on
   * the calling thread: waking a pool thread that went to sleep costs tens
   * of microseconds on a loaded machine. */
  int64_t work = (int64_t) m * n * (k > 0 ? k : 1);
  bool split_rows = n < 128;
  int64_t limit = split_rows ? m : n, min_block = split_rows ? 32 : 64;
  int64_t blocks = limit / min_block < 8 ? limit / min_block : 8;
  if (work < ((int64_t) 4 << 20) || blocks < 2) {
    cnn_sgemm (trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c,
        ldc);
    return;
  }
  cnn_blas_init ();
  GemmJob j = { trans_a, trans_b, split_rows, m, n, k, alpha, beta,
    a, b, lda, ldb, ldc, c, 0 };
  j.block = ((limit + blocks - 1) / blocks + 15) / 16 * 16;
  /* one BLAS call at a time (blas_lock): the pool would only wait */
  (void) pool;
  gemm_chunk (&j, 0, (limit + j.block - 1) / j.block, 0);
}

void
cnn_sgemm_ref (bool trans_a, bool trans_b, int m, int n, int k,
    float alpha, const float *a, int lda, const float *b, int ldb,
    float beta, float *c, int ldc)
{
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      double acc = 0;
      for (int p = 0; p < k; p++) {
        float av = trans_a ? a[(size_t) p * lda + i] : a[(size_t) i * lda + p];
        float bv = trans_b ? b[(size_t) j * ldb + p] : b[(size_t) p * ldb + j];
        acc += (double) av * bv;
      }
      float *cij = &c[(size_t) i * ldc + j];
      double old = beta == 0.0f ? 0.0 : (double) beta * *cij;
      *cij = (float) (alpha * acc + old);
    }
  }
}
