/* gemm.h — the single wrapper around BLAS sgemm (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gemm.c is the only file that includes cblas.h. Matrices are row-major:
 * C (M x N) = alpha * op(A) (M x K) * op(B) (K x N) + beta * C.
 * BLAS runs single-threaded, one call at a time per process (see gemm.c):
 * cnn_sgemm may be called from any thread.
 */
#ifndef CNN_GEMM_H
#define CNN_GEMM_H

#include <stdbool.h>

/* Loads BLAS (once per process; thread-safe) and pins it to one thread.
 * Returns NULL when it is available, else why not. Ops whose plan runs on
 * cnn_sgemm call it when prepared, so that a run never loads it. */
const char *cnn_blas_load (void);

void cnn_sgemm (bool trans_a, bool trans_b, int m, int n, int k, float alpha,
    const float *a, int lda, const float *b, int ldb, float beta, float *c,
    int ldc);

/* Plain triple loop, same contract; the reference the tests compare to. */
void cnn_sgemm_ref (bool trans_a, bool trans_b, int m, int n, int k,
    float alpha, const float *a, int lda, const float *b, int ldb,
    float beta, float *c, int ldc);

#endif /* CNN_GEMM_H */
