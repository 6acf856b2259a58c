/* test_gemm_ops.c — the Gemm and MatMul operators.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Gemm: every transpose combination, alpha/beta, C absent or broadcast
 * from every allowed shape, fused Relu, batch-1 fully connected shapes; MatMul: 1-D operands, batched with
 * broadcast batch axes, unbatched B (folded rows). Values against plain
 * loops written here in double (1e-5 relative, 1e-5 * K absolute), output
 * shapes against numpy's rules, 1 vs 2 threads bitwise identical, and
 * mismatched shapes refused with a message naming both operands.
 */
#include "op_harness.h"

/* ---- Gemm --------------------------------------------------------------- */

typedef struct {
  int64_t m, k, n;
  bool ta, tb;
  float alpha, beta;
  int c_rank;             /* -1 = no C */
  int64_t c_dims[2];
  bool relu;
} GemmCase;

static const GemmCase gemm_cases[] = {
  { 3, 5, 4, false, false, 1, 1, -1, { 0 }, false },
  { 3, 5, 4, true, false, 0.5f, 2, 2, { 3, 4 }, false },
  { 3, 5, 4, false, true, 1, 1, 1, { 4 }, true },
  { 3, 5, 4, true, true, 2, -1, 2, { 1, 4 }, false },
  { 3, 5, 4, false, false, 1, 0.5f, 2, { 3, 1 }, false },
  { 3, 5, 4, false, false, 1, 1, 0, { 0 }, false },
  { 3, 5, 4, false, false, 1, 1, 1, { 1 }, true },
  { 1, 512, 1000, false, true, 1, 1, 1, { 1000 }, false },
  /* batch-1 fully connected layers (kernels/gemv.c): odd sizes, Relu,
   * no C; and beta 2, which stays on BLAS */
  { 1, 37, 71, false, true, 1, 1, 2, { 1, 71 }, true },
  { 1, 300, 130, false, true, 1, 1, -1, { 0 }, true },
  { 1, 64, 9, false, true, 1, 2, 1, { 9 }, false },
  { 2, 300, 130, false, true, 1, 1, 1, { 130 }, true },
  { 140, 33, 20, false, false, 1, 1, 2, { 140, 20 }, false },
};

static void
gemm_case (const GemmCase *t, uint32_t seed)
{
  int64_t ad[2] = { t->ta ? t->k : t->m, t->ta ? t->m : t->k };
  int64_t bd[2] = { t->tb ? t->n : t->k, t->tb ? t->k : t->n };
  size_t nc = 1;
  for (int i = 0; i < t->c_rank; i++)
    nc *= (size_t) t->c_dims[i];
  size_t ny = (size_t) (t->m * t->n);
  float *a = h_rand_array ((size_t) (t->m * t->k), seed);
  float *b = h_rand_array ((size_t) (t->k * t->n), seed + 1);
  float *c = h_rand_array (nc, seed + 2);
  float *ref = malloc (ny * 4), *y1 = malloc (ny * 4), *y2 = malloc (ny * 4);
  for (int64_t i = 0; i < t->m; i++)
    for (int64_t j = 0; j < t->n; j++) {
      double s = 0;
      for (int64_t p = 0; p < t->k; p++)
        s += (double) a[t->ta ? p * t->m + i : i * t->k + p]
            * b[t->tb ? j * t->k + p : p * t->n + j];
      double cv = 0;
      if (t->c_rank >= 0) {
        int64_t ci = t->c_rank == 2 ? (t->c_dims[0] == 1 ? 0 : i) : 0;
        int64_t cj = t->c_rank == 0 ? 0
            : t->c_dims[t->c_rank - 1] == 1 ? 0 : j;
        int64_t cols = t->c_rank == 0 ? 1 : t->c_dims[t->c_rank - 1];
        cv = c[ci * cols + cj];
      }
      double v = t->alpha * s + t->beta * cv;
      ref[i * t->n + j] = (float) (t->relu && v < 0 ? 0 : v);
    }

  CnnGraph gr;
  cnn_graph_init (&gr);
  int in[3] = { h_value (&gr, "A", CNN_VALUE_INPUT, 2, ad, NULL),
    h_value (&gr, "B", CNN_VALUE_CONST, 2, bd, b),
    t->c_rank < 0 ? -1
        : h_value (&gr, "C", CNN_VALUE_CONST, t->c_rank, t->c_dims, c) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_gemm, "Gemm", t->c_rank < 0 ? 2 : 3, in, 1,
      &yv);
  CnnNode *node = &gr.nodes[ni];
  h_attr_int (node, "transA", t->ta);
  h_attr_int (node, "transB", t->tb);
  h_attr_float (node, "alpha", t->alpha);
  h_attr_float (node, "beta", t->beta);
  if (t->relu)
    node->act.kind = CNN_ACT_RELU;
  CnnDiag d;
  CnnStatus st = h_prepare (&gr, ni, &d);
  CHECK_MSG (st == CNN_OK, "Gemm %lldx%lldx%lld: %s", (long long) t->m,
      (long long) t->k, (long long) t->n, d.message);
  if (st == CNN_OK) {
    const CnnTensorInfo *yi = &gr.values[yv].info;
    CHECK (yi->rank == 2 && yi->dims[0] == t->m && yi->dims[1] == t->n);
    float *inputs[3] = { a, NULL, NULL };
    CHECK (h_run (&gr, ni, 1, inputs, &y1, &d) == CNN_OK);
    /* a second run: gemv.c walks the rows the other way, same bits */
    CHECK (h_run_nth (&gr, ni, 2, 1, inputs, &y2, &d) == CNN_OK);
    CHECK_CLOSE (y1, ref, ny, 1e-5, 1e-5 * (double) t->k);
    CHECK (memcmp (y1, y2, ny * 4) == 0);
  }
  cnn_graph_clear (&gr);
  free (a);
  free (b);
  free (c);
  free (ref);
  free (y1);
  free (y2);
}

/* ---- MatMul ------------------------------------------------------------- */

typedef struct {
  int ra, rb, ry;
  int64_t ad[4], bd[4], yd[4];
} MatMulCase;

static const MatMulCase matmul_cases[] = {
  { 2, 2, 2, { 3, 4 }, { 4, 5 }, { 3, 5 } },
  { 1, 2, 1, { 4 }, { 4, 5 }, { 5 } },
  { 2, 1, 1, { 3, 4 }, { 4 }, { 3 } },
  { 1, 1, 0, { 4 }, { 4 }, { 0 } },
  { 3, 2, 3, { 2, 3, 4 }, { 4, 5 }, { 2, 3, 5 } },
  { 4, 3, 4, { 2, 1, 3, 4 }, { 5, 4, 2 }, { 2, 5, 3, 2 } },
  { 3, 3, 3, { 1, 3, 4 }, { 2, 4, 5 }, { 2, 3, 5 } },
  { 3, 3, 3, { 2, 3, 4 }, { 2, 4, 5 }, { 2, 3, 5 } },
  { 1, 3, 2, { 4 }, { 3, 4, 2 }, { 3, 2 } },
  { 3, 2, 3, { 1, 200, 300 }, { 300, 70 }, { 1, 200, 70 } },
  { 3, 3, 3, { 5, 40, 33 }, { 5, 33, 150 }, { 5, 40, 150 } },
};

/* Element offset of batch multi-index idx (aligned right, rank r of which
 * the last mat_axes are the matrix) in a tensor of dims d, broadcasting. */
static int64_t
batch_offset (const int64_t *idx, int bi_rank, const int64_t *d, int r,
    int mat_axes, int64_t mat)
{
  int nb = r - mat_axes;
  int64_t off = 0, stride = mat;
  for (int i = nb - 1; i >= 0; i--) {
    int64_t ix = d[i] == 1 ? 0 : idx[bi_rank - nb + i];
    off += ix * stride;
    stride *= d[i];
  }
  return off;
}

static void
matmul_case (const MatMulCase *t, uint32_t seed)
{
  int64_t m = t->ra == 1 ? 1 : t->ad[t->ra - 2], k = t->ad[t->ra - 1];
  int64_t n = t->rb == 1 ? 1 : t->bd[t->rb - 1];
  int ma = t->ra == 1 ? 1 : 2, mb = t->rb == 1 ? 1 : 2;
  int bi_rank = (t->ra - ma > t->rb - mb ? t->ra - ma : t->rb - mb);
  int64_t bdims[4] = { 0 }, batch = 1;
  for (int i = 0; i < bi_rank; i++) {
    int ia = i - (bi_rank - (t->ra - ma)), ib = i - (bi_rank - (t->rb - mb));
    int64_t da = ia >= 0 ? t->ad[ia] : 1, db = ib >= 0 ? t->bd[ib] : 1;
    bdims[i] = da > db ? da : db;
    batch *= bdims[i];
  }
  size_t na = 1, nb = 1, ny = (size_t) (batch * m * n);
  for (int i = 0; i < t->ra; i++)
    na *= (size_t) t->ad[i];
  for (int i = 0; i < t->rb; i++)
    nb *= (size_t) t->bd[i];
  float *a = h_rand_array (na, seed), *b = h_rand_array (nb, seed + 1);
  float *ref = malloc (ny * 4), *y1 = malloc (ny * 4), *y2 = malloc (ny * 4);
  for (int64_t bt = 0; bt < batch; bt++) {
    int64_t idx[4], rest = bt;
    for (int i = bi_rank - 1; i >= 0; i--) {
      idx[i] = rest % bdims[i];
      rest /= bdims[i];
    }
    const float *ab = a + batch_offset (idx, bi_rank, t->ad, t->ra, ma, m * k);
    const float *bb = b + batch_offset (idx, bi_rank, t->bd, t->rb, mb, k * n);
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) {
        double s = 0;
        for (int64_t p = 0; p < k; p++)
          s += (double) ab[i * k + p] * bb[p * n + j];
        ref[(bt * m + i) * n + j] = (float) s;
      }
  }
  CnnGraph gr;
  cnn_graph_init (&gr);
  int in[2] = { h_value (&gr, "A", CNN_VALUE_INPUT, t->ra, t->ad, NULL),
    h_value (&gr, "B", CNN_VALUE_INPUT, t->rb, t->bd, NULL) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_gemm, "MatMul", 2, in, 1, &yv);
  CnnDiag d;
  CnnStatus st = h_prepare (&gr, ni, &d);
  CHECK_MSG (st == CNN_OK, "MatMul: %s", d.message);
  if (st == CNN_OK) {
    const CnnTensorInfo *yi = &gr.values[yv].info;
    bool shape_ok = yi->rank == t->ry;
    for (int i = 0; i < t->ry && shape_ok; i++)
      shape_ok &= yi->dims[i] == t->yd[i];
    char buf[64];
    CHECK_MSG (shape_ok, "MatMul output %s", cnn_dims_str (yi, buf, 64));
    float *inputs[2] = { a, b };
    CHECK (h_run (&gr, ni, 1, inputs, &y1, &d) == CNN_OK);
    /* a second run: gemv.c walks the rows the other way, same bits */
    CHECK (h_run_nth (&gr, ni, 2, 1, inputs, &y2, &d) == CNN_OK);
    CHECK_CLOSE (y1, ref, ny, 1e-5, 1e-5 * (double) k);
    CHECK (memcmp (y1, y2, ny * 4) == 0);
  }
  cnn_graph_clear (&gr);
  free (a);
  free (b);
  free (ref);
  free (y1);
  free (y2);
}

static void
test_errors (void)
{
  CnnGraph gr;
  cnn_graph_init (&gr);
  int64_t ad[2] = { 3, 4 }, bd[2] = { 5, 6 };
  int in[2] = { h_value (&gr, "A", CNN_VALUE_INPUT, 2, ad, NULL),
    h_value (&gr, "B", CNN_VALUE_INPUT, 2, bd, NULL) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int gi = h_node (&gr, cnn_ops_gemm, "Gemm", 2, in, 1, &yv);
  int mi = h_node (&gr, cnn_ops_gemm, "MatMul", 2, in, 1, &yv);
  CnnDiag d;
  CHECK (h_prepare (&gr, gi, &d) == CNN_ERR_SHAPE
      && strstr (d.message, "A [3,4] and B [5,6] do not multiply"));
  CHECK (h_prepare (&gr, mi, &d) == CNN_ERR_SHAPE
      && strstr (d.message, "A [3,4] and B [5,6] do not multiply"));
  gr.values[in[1]].info.dtype = CNN_DTYPE_INT64;
  CHECK (h_prepare (&gr, mi, &d) == CNN_ERR_UNSUPPORTED
      && strstr (d.message, "B must be float32, got int64"));
  cnn_graph_clear (&gr);
}

int
main (void)
{
  for (size_t i = 0; i < sizeof gemm_cases / sizeof *gemm_cases; i++)
    gemm_case (&gemm_cases[i], 300 + (uint32_t) i);
  for (size_t i = 0; i < sizeof matmul_cases / sizeof *matmul_cases; i++)
    matmul_case (&matmul_cases[i], 400 + (uint32_t) i);
  test_errors ();
  return check_summary ("gemm_ops");
}
