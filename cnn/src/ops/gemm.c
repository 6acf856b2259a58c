/* gemm.c — the Gemm and MatMul operators (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Gemm: Y (M, N) = alpha * op(A) * op(B) + beta * C, transA/transB,
 * optional C unidirectionally broadcast to (M, N) (scalar, [N], [1, N],
 * [M, 1], [M, N] …), then the fused activation (node->act).
 * MatMul: numpy semantics — a 1-D A is a row vector, a 1-D B a column
 * vector (the added axis is removed again), leading batch axes broadcast.
 * A batch-1 Gemm with transB (a fully connected layer: alpha 1, C absent
 * or a per-output bias with beta 1) runs on kernels/gemv.c, its rows
 * shared by the pool, bias and activation fused. Otherwise both run on
 * kernels/gemm.c (BLAS, one call at a time): one sgemm per matrix
 * product, per batch item for a batched MatMul; a MatMul whose B has no
 * batch axes folds the batch into the rows of A (one large product). No
 * scratch is used.
 */
#include "ops.h"
#include "spatial.h"
#include "../kernels/epilogue.h"
#include "../kernels/gemm.h"
#include "../kernels/gemv.h"

#include <limits.h>
#include <stdlib.h>

static void
gemm_free_params (void *params)
{
  free (params);
}

static CnnStatus
check_dims_int (int64_t m, int64_t n, int64_t k, CnnDiag *d)
{
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX)
    return cnn_fail (d, CNN_ERR_LIMIT, "matrix product %lldx%lldx%lld is too "
        "large", (long long) m, (long long) n, (long long) k);
  return CNN_OK;
}

/* ---- Gemm --------------------------------------------------------------- */

typedef struct {
  int m, n, k;
  bool trans_a, trans_b;
  float alpha, beta;
  int64_t c_row_stride, c_col_stride;  /* C (i, j) = c[i * rs + j * cs] */
  bool gemv;                    /* runs on kernels/gemv.c (on_gemv) */
} GemmParams;

/* Strides that broadcast C (rank 0..2) to (m, n); false if it cannot. */
static bool
c_strides (const CnnTensorInfo *ci, int64_t m, int64_t n, GemmParams *p)
{
  int64_t rows = ci->rank == 2 ? ci->dims[0] : 1;
  int64_t cols = ci->rank >= 1 ? ci->dims[ci->rank - 1] : 1;
  if (ci->rank > 2 || (rows != 1 && rows != m) || (cols != 1 && cols != n))
    return false;
  p->c_col_stride = cols == 1 ? 0 : 1;
  p->c_row_stride = rows == 1 ? 0 : cols;
  return true;
}

/* Whether a Gemm runs on kernels/gemv.c (one row of A times B^T, bias a
 * row vector or absent), else on BLAS; decided once, at prepare. */
static bool
on_gemv (const GemmParams *p, bool has_c)
{
  return p->m == 1 && p->trans_b && !p->trans_a && p->alpha == 1.0f
      && (!has_c || (p->beta == 1.0f && p->c_col_stride == 1))
      && p->k > 0 && cnn_gemv_available ();
}

static CnnStatus
gemm_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  if (node->n_inputs < 2 || node->n_inputs > 3 || node->n_outputs < 1
      || !cnn_node_input (gr, node, 0) || !cnn_node_input (gr, node, 1)
      || !cnn_node_output (gr, node, 0))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "Gemm needs inputs A, B "
        "(optional C) and one output");
  const CnnValue *a = cnn_node_input (gr, node, 0);
  const CnnValue *b = cnn_node_input (gr, node, 1);
  const CnnValue *c = cnn_node_input (gr, node, 2);
  CnnStatus st;
  if ((st = cnn_require_f32 (a, "A", d)) != CNN_OK
      || (st = cnn_require_f32 (b, "B", d)) != CNN_OK
      || (c && (st = cnn_require_f32 (c, "C", d)) != CNN_OK))
    return st;
  if (a->info.rank != 2 || b->info.rank != 2)
    return cnn_fail (d, CNN_ERR_SHAPE, "A and B must be 2-D, got rank %d "
        "and %d", a->info.rank, b->info.rank);
  GemmParams p = {
    .trans_a = cnn_node_attr_int (node, "transA", 0) != 0,
    .trans_b = cnn_node_attr_int (node, "transB", 0) != 0,
    .alpha = cnn_node_attr_float (node, "alpha", 1.0f),
    .beta = cnn_node_attr_float (node, "beta", 1.0f),
  };
  int64_t m = a->info.dims[p.trans_a ? 1 : 0];
  int64_t k = a->info.dims[p.trans_a ? 0 : 1];
  int64_t kb = b->info.dims[p.trans_b ? 1 : 0];
  int64_t n = b->info.dims[p.trans_b ? 0 : 1];
  char bufa[64], bufb[64];
  if (k != kb)
    return cnn_fail (d, CNN_ERR_SHAPE, "A %s%s and B %s%s do not multiply "
        "(%lld vs %lld)", cnn_dims_str (&a->info, bufa, sizeof bufa),
        p.trans_a ? " (transposed)" : "",
        cnn_dims_str (&b->info, bufb, sizeof bufb),
        p.trans_b ? " (transposed)" : "", (long long) k, (long long) kb);
  if (c && !c_strides (&c->info, m, n, &p))
    return cnn_fail (d, CNN_ERR_SHAPE, "C %s does not broadcast to "
        "[%lld,%lld]", cnn_dims_str (&c->info, bufa, sizeof bufa),
        (long long) m, (long long) n);
  if ((st = check_dims_int (m, n, k, d)) != CNN_OK)
    return st;
  p.m = (int) m;
  p.n = (int) n;
  p.k = (int) k;
  p.gemv = on_gemv (&p, c != NULL);
  if (!p.gemv && (st = cnn_require_blas (d)) != CNN_OK)
    return st;
  GemmParams *pp = malloc (sizeof *pp);
  if (!pp)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  *pp = p;
  node->params = pp;
  CnnValue *y = cnn_node_output (gr, node, 0);
  y->info.dtype = CNN_DTYPE_FLOAT32;
  y->info.rank = 2;
  y->info.dims[0] = m;
  y->info.dims[1] = n;
  y->shape_known = true;
  return CNN_OK;
}

static CnnStatus
gemm_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const GemmParams *p = node->params;
  if (!p)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "Gemm was not prepared");
  const float *a = cnn_exec_f32 (exec, node->inputs[0]);
  const float *b = cnn_exec_f32 (exec, node->inputs[1]);
  const float *c = node->n_inputs > 2 && node->inputs[2] >= 0
      ? cnn_exec_f32 (exec, node->inputs[2]) : NULL;
  float *y = cnn_exec_f32 (exec, node->outputs[0]);
  if (p->gemv
      && cnn_gemv_rows (exec->pool, p->n, p->k, b, p->k, a, c, &node->act,
          y, exec->runs & 1))
    return CNN_OK;
  float beta = 0.0f;
  if (c && p->beta != 0.0f) {
    for (int64_t i = 0; i < p->m; i++)
      for (int64_t j = 0; j < p->n; j++)
        y[i * p->n + j] = p->beta
            * c[i * p->c_row_stride + j * p->c_col_stride];
    beta = 1.0f;
  }
  cnn_sgemm (p->trans_a, p->trans_b, p->m, p->n, p->k, p->alpha, a,
      p->trans_a ? p->m : p->k, b, p->trans_b ? p->k : p->n, beta, y, p->n);
  if (node->act.kind != CNN_ACT_NONE)
    cnn_bias_act (y, (int64_t) p->m * p->n, 0.0f, &node->act);
  return CNN_OK;
}

/* ---- MatMul ------------------------------------------------------------- */

typedef struct {
  int m, n, k;
  int batch_rank;                       /* broadcast batch axes */
  int64_t batch_dims[CNN_MAX_RANK];
  int64_t a_stride[CNN_MAX_RANK];       /* elements per batch step, 0 = */
  int64_t b_stride[CNN_MAX_RANK];       /* broadcast */
  int64_t batch;                        /* product of batch_dims */
  bool fold_rows;                       /* B unbatched: one (batch*m) GEMM */
} MatMulParams;

/* Batch strides of one operand (rank r, matrix size mat) aligned to the
 * right of the broadcast batch shape; false if the axes do not broadcast. */
static bool
batch_strides (const CnnTensorInfo *t, int r, int64_t mat, MatMulParams *p,
    int64_t *stride)
{
  int nb = r - 2, off = p->batch_rank - nb;
  int64_t s = mat;
  for (int i = p->batch_rank - 1; i >= 0; i--) {
    int64_t dim = i >= off ? t->dims[i - off] : 1;
    if (dim != 1 && dim != p->batch_dims[i])
      return false;
    stride[i] = dim == 1 ? 0 : s;
    s *= dim;
  }
  return true;
}

static CnnStatus
matmul_shapes (const CnnValue *a, const CnnValue *b, MatMulParams *p,
    CnnTensorInfo *yi, CnnDiag *d)
{
  const CnnTensorInfo *ai = &a->info, *bi = &b->info;
  char bufa[128], bufb[128];
  if (ai->rank < 1 || bi->rank < 1)
    return cnn_fail (d, CNN_ERR_SHAPE, "MatMul inputs must have rank >= 1");
  int ra = ai->rank < 2 ? 2 : ai->rank, rb = bi->rank < 2 ? 2 : bi->rank;
  int64_t m = ai->rank == 1 ? 1 : ai->dims[ai->rank - 2];
  int64_t k = ai->dims[ai->rank - 1];
  int64_t kb = bi->rank == 1 ? bi->dims[0] : bi->dims[bi->rank - 2];
  int64_t n = bi->rank == 1 ? 1 : bi->dims[bi->rank - 1];
  if (k != kb)
    return cnn_fail (d, CNN_ERR_SHAPE, "A %s and B %s do not multiply "
        "(%lld vs %lld)", cnn_dims_str (ai, bufa, sizeof bufa),
        cnn_dims_str (bi, bufb, sizeof bufb), (long long) k, (long long) kb);
  p->batch_rank = (ra > rb ? ra : rb) - 2;
  p->batch = 1;
  for (int i = 0; i < p->batch_rank; i++) {
    int ia = i - (p->batch_rank - (ra - 2));
    int ib = i - (p->batch_rank - (rb - 2));
    int64_t da = ia >= 0 ? ai->dims[ia] : 1, db = ib >= 0 ? bi->dims[ib] : 1;
    if (da != db && da != 1 && db != 1)
      return cnn_fail (d, CNN_ERR_SHAPE, "batch axes of A %s and B %s do "
          "not broadcast", cnn_dims_str (ai, bufa, sizeof bufa),
          cnn_dims_str (bi, bufb, sizeof bufb));
    p->batch_dims[i] = da > db ? da : db;
    p->batch *= p->batch_dims[i];
  }
  batch_strides (ai, ra, m * k, p, p->a_stride);
  batch_strides (bi, rb, k * n, p, p->b_stride);
  CnnStatus st = check_dims_int (m * p->batch, n, k, d);
  if (st != CNN_OK)
    return st;
  p->m = (int) m;
  p->n = (int) n;
  p->k = (int) k;
  bool b_unbatched = true, a_dense = true;
  for (int i = 0; i < p->batch_rank; i++) {
    b_unbatched &= p->b_stride[i] == 0;
    a_dense &= p->a_stride[i] != 0 || p->batch_dims[i] == 1;
  }
  p->fold_rows = b_unbatched && a_dense;

  yi->dtype = CNN_DTYPE_FLOAT32;
  yi->rank = 0;
  for (int i = 0; i < p->batch_rank; i++)
    yi->dims[yi->rank++] = p->batch_dims[i];
  if (ai->rank > 1)
    yi->dims[yi->rank++] = m;
  if (bi->rank > 1)
    yi->dims[yi->rank++] = n;
  return CNN_OK;
}

static CnnStatus
matmul_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  if (node->n_inputs != 2 || node->n_outputs < 1
      || !cnn_node_input (gr, node, 0) || !cnn_node_input (gr, node, 1)
      || !cnn_node_output (gr, node, 0))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "MatMul needs inputs A, B "
        "and one output");
  const CnnValue *a = cnn_node_input (gr, node, 0);
  const CnnValue *b = cnn_node_input (gr, node, 1);
  CnnStatus st;
  if ((st = cnn_require_f32 (a, "A", d)) != CNN_OK
      || (st = cnn_require_f32 (b, "B", d)) != CNN_OK)
    return st;
  MatMulParams *p = calloc (1, sizeof *p);
  if (!p)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  CnnTensorInfo yi;
  if ((st = matmul_shapes (a, b, p, &yi, d)) != CNN_OK
      || (st = cnn_require_blas (d)) != CNN_OK) {
    free (p);
    return st;
  }
  node->params = p;
  CnnValue *y = cnn_node_output (gr, node, 0);
  y->info = yi;
  y->shape_known = true;
  return CNN_OK;
}

/* Offsets of A and B for batch item t. */
static void
batch_offsets (const MatMulParams *p, int64_t t, int64_t *oa, int64_t *ob)
{
  *oa = *ob = 0;
  for (int i = p->batch_rank - 1; i >= 0; i--) {
    int64_t idx = t % p->batch_dims[i];
    t /= p->batch_dims[i];
    *oa += idx * p->a_stride[i];
    *ob += idx * p->b_stride[i];
  }
}

static CnnStatus
matmul_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const MatMulParams *p = node->params;
  if (!p)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "MatMul was not prepared");
  const float *a = cnn_exec_f32 (exec, node->inputs[0]);
  const float *b = cnn_exec_f32 (exec, node->inputs[1]);
  float *y = cnn_exec_f32 (exec, node->outputs[0]);
  if (p->fold_rows) {
    cnn_sgemm (false, false, (int) (p->batch * p->m), p->n, p->k, 1.0f, a,
        p->k, b, p->n, 0.0f, y, p->n);
  } else {
    for (int64_t t = 0; t < p->batch; t++) {
      int64_t oa, ob;
      batch_offsets (p, t, &oa, &ob);
      cnn_sgemm (false, false, p->m, p->n, p->k, 1.0f, a + oa, p->k,
          b + ob, p->n, 0.0f, y + t * p->m * p->n, p->n);
    }
  }
  if (node->act.kind != CNN_ACT_NONE)
    cnn_bias_act (y, p->batch * p->m * p->n, 0.0f, &node->act);
  return CNN_OK;
}

const CnnOpDef cnn_ops_gemm[] = {
  { "Gemm", gemm_prepare, gemm_run, NULL, gemm_free_params },
  { "MatMul", matmul_prepare, matmul_run, NULL, gemm_free_params },
  { NULL }
};
