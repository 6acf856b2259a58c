/* softmax.c — Softmax and LogSoftmax (float32).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Before opset 13 the input is coerced to 2-D at `axis` (default 1) and
 * each row of prod(dims[axis:]) values is normalised; from opset 13 the
 * normalisation runs along the single dim `axis` (default -1). Numerically
 * stable: the row maximum is subtracted before exp, and the sum is kept in
 * double. The output may alias the input.
 */
#include "op_util.h"

#include <math.h>
#include <string.h>

static CnnStatus
softmax_axis (const CnnGraph *g, const CnnNode *node, int rank, int *axis,
    CnnDiag *d)
{
  int64_t a = cnn_node_attr_int (node, "axis", g->opset >= 13 ? -1 : 1);
  if (rank == 0)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "input must not be a scalar");
  /* opset < 13 allows axis == rank (rows of one element) */
  if (g->opset < 13 && (a == rank)) {
    *axis = rank;
    return CNN_OK;
  }
  return cnn_op_norm_axis (a, rank, "axis", axis, d);
}

static CnnStatus
prepare_softmax (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  int axis;
  CnnStatus s = cnn_op_check_arity (node, 1, 1, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, false, d);
  const CnnTensorInfo *in = s == CNN_OK ?
      &cnn_node_input (g, node, 0)->info : NULL;
  if (s == CNN_OK)
    s = softmax_axis (g, node, in->rank, &axis, d);
  if (s != CNN_OK)
    return s;
  return cnn_op_set_output (g, node, 0, in, d);
}

/* One softmax (or log-softmax) over n values x[k * stride] into y. */
static void
softmax_line (const float *x, float *y, int64_t n, int64_t stride,
    bool log_out)
{
  float mx = -INFINITY;
  double sum = 0;
  for (int64_t k = 0; k < n; k++)
    if (x[k * stride] > mx)
      mx = x[k * stride];
  if (log_out) {
    for (int64_t k = 0; k < n; k++)
      sum += exp ((double) x[k * stride] - mx);
    float lse = (float) log (sum);
    for (int64_t k = 0; k < n; k++)
      y[k * stride] = x[k * stride] - mx - lse;
    return;
  }
  for (int64_t k = 0; k < n; k++) {
    float e = expf (x[k * stride] - mx);
    y[k * stride] = e;
    sum += e;
  }
  float inv = (float) (1.0 / sum);
  for (int64_t k = 0; k < n; k++)
    y[k * stride] *= inv;
}

static CnnStatus
run_softmax (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  const float *x = cnn_exec_f32 (exec, node->inputs[0]);
  float *y = cnn_exec_f32 (exec, node->outputs[0]);
  bool log_out = strcmp (node->op_type, "LogSoftmax") == 0;
  int axis;
  CnnStatus s = softmax_axis (g, node, in->rank, &axis, d);
  if (s != CNN_OK)
    return s;
  int64_t outer = 1, n = 1, inner = 1;
  for (int i = 0; i < in->rank; i++) {
    if (i < axis)
      outer *= in->dims[i];
    else if (i == axis || g->opset < 13)
      n *= in->dims[i];
    else
      inner *= in->dims[i];
  }
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < inner; j++)
      softmax_line (x + o * n * inner + j, y + o * n * inner + j, n, inner,
          log_out);
  return CNN_OK;
}

const CnnOpDef cnn_ops_softmax[] = {
  { "Softmax", prepare_softmax, run_softmax, NULL, NULL },
  { "LogSoftmax", prepare_softmax, run_softmax, NULL, NULL },
  { NULL },
};
