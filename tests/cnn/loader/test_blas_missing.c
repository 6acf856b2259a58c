/* test_blas_missing.c — what a user gets when BLAS cannot be loaded.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenBLAS is loaded when a model first needs it (kernels/gemm.c). With
 * $CNN_BLAS_LIBRARY pointing nowhere (set before the first load, which
 * reads it once): a MatMul model is refused at load with
 * CNN_ERR_UNSUPPORTED, a message naming the node, the reason and the
 * path, and no model; a batch-1 Gemm that runs on our gemv kernel (AVX2
 * and up) still loads and computes the exact sums; cnn_sgemm called
 * directly falls back to the reference product, bit for bit.
 */
#include "check.h"
#include "kernels/gemm.h"
#include "kernels/gemv.h"
#include "model_builder.h"

#include <stdlib.h>
#include <string.h>

#define NOWHERE "/nonexistent/libopenblas.so.0"

/* x[1,4] -> op(x, W[4,3] or W^T[3,4]) -> y[1,3], W[k][n] = k + 10 n. */
static TbModel *
product_model (const char *op)
{
  static const int64_t xd[2] = { 1, 4 }, wd[2] = { 4, 3 }, wtd[2] = { 3, 4 };
  float w[12];
  bool gemm = strcmp (op, "Gemm") == 0;
  for (int k = 0; k < 4; k++)
    for (int n = 0; n < 3; n++)
      w[gemm ? n * 4 + k : k * 3 + n] = (float) (k + 10 * n);
  TbModel *m = tb_new (8, 13);
  tb_add_initializer (m, tb_tensor_f32 (m, "W", 2, gemm ? wtd : wd, w));
  tb_input (m, "x", 1, 2, xd);
  Onnx__NodeProto *node = tb_node (m, op, "prod", "x,W", "y");
  if (gemm)
    tb_attr_int (m, node, "transB", 1);
  tb_output (m, "y");
  return m;
}

static CnnStatus
load (const char *op, CnnModel **model, CnnError *err)
{
  TbModel *m = product_model (op);
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  *model = NULL;
  CnnStatus st = cnn_model_load_memory (buf, n, NULL, model, err);
  free (buf);
  tb_free (m);
  return st;
}

static void
test_matmul_refused (void)
{
  CnnModel *model;
  CnnError err;
  CHECK (load ("MatMul", &model, &err) == CNN_ERR_UNSUPPORTED);
  CHECK (model == NULL);
  CHECK_MSG (strstr (err.message, "MatMul 'prod'") != NULL
      && strstr (err.message, "cannot load BLAS") != NULL
      && strstr (err.message, NOWHERE) != NULL, "message: %s", err.message);
  printf ("MatMul without BLAS: %s\n", err.message);
}

static void
test_gemv_without_blas (void)
{
  CnnModel *model;
  CnnError err;
  CnnStatus st = load ("Gemm", &model, &err);
  if (!cnn_gemv_available ()) {
    CHECK_MSG (st == CNN_ERR_UNSUPPORTED, "Gemm below AVX2: %s",
        err.message);
    return;
  }
  CHECK_MSG (st == CNN_OK, "%s", err.message);
  if (st != CNN_OK)
    return;
  CnnSession *s = NULL;
  CHECK (cnn_session_new (model, NULL, &s, &err) == CNN_OK);
  static const float x[4] = { 1, 2, 3, 4 };
  CHECK (cnn_session_set_input (s, 0, x, sizeof x) == CNN_OK);
  CHECK (cnn_session_run (s) == CNN_OK);
  /* y[n] = sum_k x[k] (k + 10 n) = 20 + 100 n */
  static const float want[3] = { 20, 120, 220 };
  CHECK_CLOSE (cnn_session_output_data (s, 0), want, 3, 0.0, 0.0);
  cnn_session_free (s);
  cnn_model_unref (model);
}

static void
test_sgemm_fallback (void)
{
  enum { M = 5, N = 7, K = 9 };
  float a[M * K], b[K * N], c[M * N], ref[M * N];
  for (int i = 0; i < M * K; i++)
    a[i] = (float) ((i * 37) % 11) / 7.0f - 0.5f;
  for (int i = 0; i < K * N; i++)
    b[i] = (float) ((i * 53) % 13) / 9.0f - 0.6f;
  for (int i = 0; i < M * N; i++)
    c[i] = ref[i] = (float) i / 3.0f;
  cnn_sgemm (false, false, M, N, K, 0.5f, a, K, b, N, 2.0f, c, N);
  cnn_sgemm_ref (false, false, M, N, K, 0.5f, a, K, b, N, 2.0f, ref, N);
  CHECK (memcmp (c, ref, sizeof c) == 0);
}

int
main (void)
{
  /* before any call: the library is looked up once per process */
  setenv ("CNN_BLAS_LIBRARY", NOWHERE, 1);
  const char *why = cnn_blas_load ();
  CHECK_MSG (why != NULL && strstr (why, NOWHERE) != NULL, "%s",
      why ? why : "loaded");
  test_matmul_refused ();
  test_gemv_without_blas ();
  test_sgemm_fallback ();
  return check_summary ("blas-missing");
}
