/* elementwise.c — Add, Sub, Mul, Div, Sum, Max, Min, PRelu.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Binary ops broadcast both ways (numpy rules, broadcast.h); Sum/Max/Min
 * take one or more inputs broadcast together; PRelu broadcasts its slope
 * one way onto X. float32 at run time, split over the thread pool by flat
 * output ranges (the coalescing walker covers the same-shape, scalar and
 * per-channel fast paths). int64 is accepted when every input is constant:
 * the graph pass folds shape arithmetic at load time through the reference
 * implementation.
 */
#include "broadcast.h"
#include "op_util.h"

#include <string.h>

typedef struct {
  const char *op_type;
  CnnBinOp op;
} BinOpName;

static const BinOpName bin_ops[] = {
  { "Add", CNN_BIN_ADD }, { "Sub", CNN_BIN_SUB }, { "Mul", CNN_BIN_MUL },
  { "Div", CNN_BIN_DIV }, { "Sum", CNN_BIN_ADD }, { "Max", CNN_BIN_MAX },
  { "Min", CNN_BIN_MIN }, { "PRelu", CNN_BIN_PRELU },
};

static CnnBinOp
node_bin_op (const CnnNode *node)
{
  for (size_t i = 0; i < sizeof bin_ops / sizeof bin_ops[0]; i++)
    if (strcmp (node->op_type, bin_ops[i].op_type) == 0)
      return bin_ops[i].op;
  return CNN_BIN_COPY;
}

/* All inputs share input 0's dtype: float32, or int64 when constant. */
static CnnStatus
check_dtypes (CnnGraph *g, const CnnNode *node, bool allow_int64, CnnDiag *d)
{
  CnnDType t0 = cnn_node_input (g, node, 0)->info.dtype;
  for (int i = 0; i < node->n_inputs; i++) {
    if (node->inputs[i] < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "input %d is missing", i);
    CnnStatus s = cnn_op_check_dtype (g, node, i, allow_int64, d);
    if (s != CNN_OK)
      return s;
    if (g->values[node->inputs[i]].info.dtype != t0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "input %d has type %s but input 0 has type %s", i,
          cnn_op_dtype_name (g->values[node->inputs[i]].info.dtype),
          cnn_op_dtype_name (t0));
  }
  return CNN_OK;
}

/* Add, Sub, Mul, Div (2 inputs) and Sum, Max, Min (1 or more). */
static CnnStatus
prepare_broadcast (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  bool variadic = strcmp (node->op_type, "Sum") == 0 ||
      strcmp (node->op_type, "Max") == 0 || strcmp (node->op_type, "Min") == 0;
  CnnStatus s = cnn_op_check_arity (node, variadic ? 1 : 2,
      variadic ? 64 : 2, 1, 1, d);
  if (s == CNN_OK)
    s = check_dtypes (g, node, true, d);
  if (s != CNN_OK)
    return s;
  CnnTensorInfo out = cnn_node_input (g, node, 0)->info;
  for (int i = 1; i < node->n_inputs && s == CNN_OK; i++)
    s = cnn_broadcast_dims (&out, &cnn_node_input (g, node, i)->info, &out, d);
  if (s != CNN_OK)
    return s;
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
prepare_prelu (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  CnnStatus s = cnn_op_check_arity (node, 2, 2, 1, 1, d);
  if (s == CNN_OK)
    s = check_dtypes (g, node, false, d);
  if (s != CNN_OK)
    return s;
  const CnnTensorInfo *x = &cnn_node_input (g, node, 0)->info;
  s = cnn_broadcast_check_to (&cnn_node_input (g, node, 1)->info, x, d);
  if (s != CNN_OK)
    return s;
  return cnn_op_set_output (g, node, 0, x, d);
}

typedef struct {
  CnnBcast plan;
  CnnBinOp op;
  float *out;
  const float *a, *b;
} BinJob;

static void
bin_job_range (void *ctx, int64_t begin, int64_t end, int thread)
{
  const BinJob *j = ctx;
  cnn_bcast_binary_f32 (&j->plan, j->op, j->out, j->a, j->b, begin, end);
}

/* out = op (a, b) with broadcasting, over the pool. */
static void
run_pair_f32 (const CnnExec *exec, CnnBinOp op, const CnnValue *out,
    const CnnTensorInfo *a_info, const float *a, const CnnTensorInfo *b_info,
    const float *b, float *o)
{
  BinJob job;
  cnn_bcast_plan (&job.plan, &out->info, a_info, b_info);
  job.op = op;
  job.out = o;
  job.a = a;
  job.b = b;
  cnn_parallel_for (exec->pool, job.plan.numel, 16384, bin_job_range, &job);
}

static CnnStatus
run_broadcast (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  CnnBinOp op = node_bin_op (node);
  const CnnValue *out = &g->values[node->outputs[0]];
  const CnnValue *in0 = &g->values[node->inputs[0]];
  void *o = exec->ptr[node->outputs[0]];

  if (out->info.dtype == CNN_DTYPE_INT64) {
    CnnStatus s = CNN_OK;
    if (node->n_inputs == 1)
      return cnn_bcast_ref_i64 (CNN_BIN_COPY, &out->info, o, &in0->info,
          exec->ptr[node->inputs[0]], NULL, NULL, d);
    for (int i = 1; i < node->n_inputs && s == CNN_OK; i++) {
      const CnnValue *b = &g->values[node->inputs[i]];
      s = cnn_bcast_ref_i64 (op, &out->info, o,
          i == 1 ? &in0->info : &out->info,
          i == 1 ? exec->ptr[node->inputs[0]] : o, &b->info,
          exec->ptr[node->inputs[i]], d);
    }
    return s;
  }
  if (node->n_inputs == 1) {
    run_pair_f32 (exec, CNN_BIN_COPY, out, &in0->info,
        exec->ptr[node->inputs[0]], NULL, NULL, o);
    return CNN_OK;
  }
  /* in0 op in1, then accumulate further inputs into the output */
  for (int i = 1; i < node->n_inputs; i++) {
    const CnnValue *b = &g->values[node->inputs[i]];
    run_pair_f32 (exec, op, out, i == 1 ? &in0->info : &out->info,
        i == 1 ? exec->ptr[node->inputs[0]] : o, &b->info,
        exec->ptr[node->inputs[i]], o);
  }
  return CNN_OK;
}

const CnnOpDef cnn_ops_elementwise[] = {
  { "Add", prepare_broadcast, run_broadcast, NULL, NULL },
  { "Sub", prepare_broadcast, run_broadcast, NULL, NULL },
  { "Mul", prepare_broadcast, run_broadcast, NULL, NULL },
  { "Div", prepare_broadcast, run_broadcast, NULL, NULL },
  { "Sum", prepare_broadcast, run_broadcast, NULL, NULL },
  { "Max", prepare_broadcast, run_broadcast, NULL, NULL },
  { "Min", prepare_broadcast, run_broadcast, NULL, NULL },
  { "PRelu", prepare_prelu, run_broadcast, NULL, NULL },
  { NULL },
};
