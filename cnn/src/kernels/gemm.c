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
 * without the lock, test_threadpool_gemm's concurrent products differ in
 * about half of its runs), so
 * every BLAS call here holds blas_lock. On AVX2 and AVX-512 neither the
 * convolutions (pgemm.h) nor batch-1 fully connected layers (gemv.h) use
 * BLAS; what does (other Gemm and MatMul shapes, convolutions below AVX2)
 * runs one BLAS call at a time per process, so it is not split across
 * the session's pool.
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
