/* gemm.c — the single wrapper around BLAS sgemm/sgemv (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract (see gemm.h): the only file that touches BLAS. OpenBLAS is
 * loaded with dlopen the first time a model needs it (cnn_blas_load, from
 * the prepare step of an op whose plan runs on BLAS), not linked: on AVX2
 * and AVX-512 neither the convolutions (pgemm.h) nor batch-1 fully
 * connected layers (gemv.h) use it, and linked it cost every process 1.9
 * MB of resident memory (OpenBLAS's symbol and relocation tables, which
 * the loader reads, and libgfortran) and its load time, used or not. The
 * library is CNN_BLAS_LIBRARY (Debian's serial build, chosen by
 * cnn/meson.build), or $CNN_BLAS_LIBRARY when set. It is pinned to one
 * thread at load: the pthread build's idle worker spins beside our own
 * pool. The serial build starts no worker threads but is not safe for
 * concurrent calls (its buffer pool has no lock: without the lock,
 * test_threadpool_gemm's concurrent products differ in about half of its
 * runs), so every BLAS call here holds blas_lock; what uses BLAS (other
 * Gemm and MatMul shapes, convolutions below AVX2) runs one BLAS call at a
 * time per process, so it is not split across the session's pool.
 * A product of one row (m == 1) goes to sgemv, which reads B once.
 * cnn_sgemm_ref is a plain triple loop with double accumulation, the
 * reference for tests; cnn_sgemm falls back to it if BLAS cannot be
 * loaded (ops refuse such models at load, so only direct callers see it).
 */
#define _DEFAULT_SOURCE         /* dlopen under -std=c11 */
#include "gemm.h"

#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef CNN_BLAS_LIBRARY
#define CNN_BLAS_LIBRARY "libopenblas.so.0"
#endif

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t blas_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
  __typeof__ (&cblas_sgemm) sgemm;
  __typeof__ (&cblas_sgemv) sgemv;
  char error[512];
} blas;

static void
blas_load_once (void)
{
  const char *path = getenv ("CNN_BLAS_LIBRARY");
  if (!path || !*path)
    path = CNN_BLAS_LIBRARY;
  void *lib = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    snprintf (blas.error, sizeof blas.error, "cannot load BLAS: %s",
        dlerror ());
    return;
  }
  void (*set_threads) (int);
  *(void **) &set_threads = dlsym (lib, "openblas_set_num_threads");
  *(void **) &blas.sgemm = dlsym (lib, "cblas_sgemm");
  *(void **) &blas.sgemv = dlsym (lib, "cblas_sgemv");
  if (!blas.sgemm || !blas.sgemv) {
    snprintf (blas.error, sizeof blas.error, "BLAS library %s has no "
        "cblas_sgemm or cblas_sgemv", path);
    blas.sgemm = NULL;
    blas.sgemv = NULL;
    dlclose (lib);
    return;
  }
  if (set_threads)
    set_threads (1);
}

const char *
cnn_blas_load (void)
{
  pthread_once (&blas_once, blas_load_once);
  return blas.sgemm ? NULL : blas.error;
}

void
cnn_sgemm (bool trans_a, bool trans_b, int m, int n, int k, float alpha,
    const float *a, int lda, const float *b, int ldb, float beta, float *c,
    int ldc)
{
  if (m <= 0 || n <= 0)
    return;
  if (k <= 0) {
    /* BLAS would do this too, but some builds reject k == 0 leading dims */
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++)
        c[(size_t) i * ldc + j] = beta == 0.0f ? 0.0f
            : beta * c[(size_t) i * ldc + j];
    return;
  }
  if (cnn_blas_load ()) {
    cnn_sgemm_ref (trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta,
        c, ldc);
    return;
  }
  pthread_mutex_lock (&blas_lock);
  if (m == 1) {
    /* One row (batch 1 classifiers): sgemm would first pack all of B,
     * a full extra pass over the weights; sgemv streams them once. */
    int inc_a = trans_a ? lda : 1;
    if (trans_b)
      blas.sgemv (CblasRowMajor, CblasNoTrans, n, k, alpha, b, ldb, a,
          inc_a, beta, c, 1);
    else
      blas.sgemv (CblasRowMajor, CblasTrans, k, n, alpha, b, ldb, a, inc_a,
          beta, c, 1);
  } else {
    blas.sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
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
