/* reduce.c — ReduceMean, ReduceSum, ReduceMax, ReduceMin (float32).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Axes come from the `axes` attribute before opset 13 (ReduceSum) / 18
 * (the others) and from an optional constant input after; no axes means
 * all axes, unless noop_with_empty_axes makes the op an identity.
 * keepdims (default 1) keeps reduced dims as 1.
 *
 * The input shape is simplified first: size-1 dims dropped, neighbouring
 * dims that are both reduced or both kept merged. When the reduced dims
 * are then one trailing block (ReduceMean over H,W of NCHW), each output
 * is one contiguous sum in double. Otherwise the input is walked row by
 * row and accumulated into the output in place.
 */
#include "op_util.h"

#include <math.h>
#include <string.h>

typedef enum { RED_SUM, RED_MEAN, RED_MAX, RED_MIN } RedKind;

typedef struct {
  int rank;                       /* merged dims */
  int64_t dims[CNN_MAX_RANK];
  bool reduced[CNN_MAX_RANK];
  int64_t out_stride[CNN_MAX_RANK]; /* 0 on reduced dims */
  int64_t count;                  /* input elements per output */
  CnnTensorInfo out;
  bool identity;
} RedPlan;

static RedKind
red_kind (const CnnNode *node)
{
  if (strcmp (node->op_type, "ReduceSum") == 0)
    return RED_SUM;
  if (strcmp (node->op_type, "ReduceMax") == 0)
    return RED_MAX;
  if (strcmp (node->op_type, "ReduceMin") == 0)
    return RED_MIN;
  return RED_MEAN;
}

/* Mask of reduced axes, or identity when axes are empty and noop is set. */
static CnnStatus
red_axes (const CnnGraph *g, const CnnNode *node, int rank, unsigned *mask,
    bool *identity, CnnDiag *d)
{
  int64_t axes[CNN_MAX_RANK];
  size_t n = 0;
  bool from_input = g->opset >= (red_kind (node) == RED_SUM ? 13 : 18);
  CnnStatus s = CNN_OK;
  *identity = false;
  if (!from_input) {
    const int64_t *a;
    n = cnn_node_attr_ints (node, "axes", &a);
    if (n > CNN_MAX_RANK)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "too many axes");
    if (n)
      memcpy (axes, a, n * sizeof *a);
  } else if (cnn_op_has_input (node, 1)) {
    s = cnn_op_const_ints (g, node, 1, "axes", axes, CNN_MAX_RANK, &n, d);
  }
  if (s != CNN_OK)
    return s;
  if (n == 0) {
    *identity = from_input &&
        cnn_node_attr_int (node, "noop_with_empty_axes", 0) != 0;
    *mask = *identity ? 0 : (rank ? (1u << rank) - 1 : 0);
    return CNN_OK;
  }
  return cnn_op_axes_mask (axes, n, rank, "axis", mask, d);
}

static CnnStatus
red_plan (const CnnGraph *g, const CnnNode *node, RedPlan *p, CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  bool keep = cnn_node_attr_int (node, "keepdims", 1) != 0;
  unsigned mask;
  CnnStatus s = red_axes (g, node, in->rank, &mask, &p->identity, d);
  if (s != CNN_OK)
    return s;
  memset (&p->out, 0, sizeof p->out);
  p->out.dtype = in->dtype;
  p->rank = 0;
  p->count = 1;
  for (int i = 0; i < in->rank; i++) {
    bool r = (mask >> i) & 1;
    if (r)
      p->count *= in->dims[i];
    if (!r || keep)
      p->out.dims[p->out.rank++] = r ? 1 : in->dims[i];
    if (in->dims[i] == 1)
      continue;
    if (p->rank > 0 && p->reduced[p->rank - 1] == r) {
      p->dims[p->rank - 1] *= in->dims[i];
      continue;
    }
    p->dims[p->rank] = in->dims[i];
    p->reduced[p->rank++] = r;
  }
  if (p->rank == 0) {
    p->dims[0] = 1;
    p->reduced[p->rank++] = false;
  }
  int64_t st = 1;
  for (int i = p->rank - 1; i >= 0; i--) {
    p->out_stride[i] = p->reduced[i] ? 0 : st;
    st *= p->reduced[i] ? 1 : p->dims[i];
  }
  return CNN_OK;
}

static CnnStatus
prepare_reduce (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  RedPlan p;
  CnnStatus s = cnn_op_check_arity (node, 1, 2, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, false, d);
  if (s == CNN_OK)
    s = red_plan (g, node, &p, d);
  if (s != CNN_OK)
    return s;
  return cnn_op_set_output (g, node, 0,
      p.identity ? &cnn_node_input (g, node, 0)->info : &p.out, d);
}

/* Reduces n contiguous values into one. */
static float
reduce_line (RedKind k, const float *x, int64_t n)
{
  if (k == RED_MAX || k == RED_MIN) {
    float m = k == RED_MAX ? -INFINITY : INFINITY;
    for (int64_t i = 0; i < n; i++)
      if (k == RED_MAX ? (x[i] > m || x[i] != x[i]) :
          (x[i] < m || x[i] != x[i]))
        m = x[i];
    return m;
  }
  double sum = 0;
  for (int64_t i = 0; i < n; i++)
    sum += x[i];
  return (float) (k == RED_MEAN ? sum / (double) n : sum);
}

static inline float
combine (RedKind k, float acc, float x)
{
  if (k == RED_MAX)
    return x > acc || x != x ? x : acc;
  if (k == RED_MIN)
    return x < acc || x != x ? x : acc;
  return acc + x;
}

/* General case: out initialised, then every input row accumulated. */
static void
reduce_walk (const RedPlan *p, RedKind k, const float *x, float *y)
{
  int64_t n_out = cnn_numel (&p->out), total = 1, coord[CNN_MAX_RANK] = { 0 };
  int last = p->rank - 1;
  float init = k == RED_MAX ? -INFINITY : k == RED_MIN ? INFINITY : 0.0f;
  for (int i = 0; i < p->rank; i++)
    total *= p->dims[i];
  for (int64_t i = 0; i < n_out; i++)
    y[i] = init;
  for (int64_t pos = 0; pos < total; pos += p->dims[last]) {
    int64_t off = 0;
    for (int i = 0; i < last; i++)
      off += coord[i] * p->out_stride[i];
    if (p->reduced[last]) {
      float r = reduce_line (k == RED_MEAN ? RED_SUM : k, x + pos,
          p->dims[last]);
      y[off] = combine (k, y[off], r);
    } else {
      for (int64_t j = 0; j < p->dims[last]; j++)
        y[off + j] = combine (k, y[off + j], x[pos + j]);
    }
    for (int i = last - 1; i >= 0; i--) {
      if (++coord[i] < p->dims[i])
        break;
      coord[i] = 0;
    }
  }
  if (k == RED_MEAN)
    for (int64_t i = 0; i < n_out; i++)
      y[i] = (float) (y[i] / (double) p->count);
}

static CnnStatus
run_reduce (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  RedPlan p;
  CnnStatus s = red_plan (g, node, &p, d);
  if (s != CNN_OK)
    return s;
  const float *x = cnn_exec_f32 (exec, node->inputs[0]);
  float *y = cnn_exec_f32 (exec, node->outputs[0]);
  RedKind k = red_kind (node);
  int64_t n_in = cnn_numel (&g->values[node->inputs[0]].info);
  if (p.identity) {
    cnn_op_copy (y, x, (size_t) n_in * sizeof *x);
    return CNN_OK;
  }
  /* fast path: only the trailing merged dim is reduced */
  bool trailing = p.reduced[p.rank - 1];
  for (int i = 0; i < p.rank - 1; i++)
    trailing = trailing && !p.reduced[i];
  if (trailing || p.count == 0 || n_in == 0) {
    int64_t n_out = cnn_numel (&p.out);
    for (int64_t o = 0; o < n_out; o++)
      y[o] = reduce_line (k, x + o * p.count, p.count);
    return CNN_OK;
  }
  reduce_walk (&p, k, x, y);
  return CNN_OK;
}

const CnnOpDef cnn_ops_reduce[] = {
  { "ReduceMean", prepare_reduce, run_reduce, NULL, NULL },
  { "ReduceSum", prepare_reduce, run_reduce, NULL, NULL },
  { "ReduceMax", prepare_reduce, run_reduce, NULL, NULL },
  { "ReduceMin", prepare_reduce, run_reduce, NULL, NULL },
  { NULL },
};
