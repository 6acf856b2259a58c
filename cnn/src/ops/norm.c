/* norm.c — BatchNormalization (inference) and LRN (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BatchNormalization: Y = (X - mean) / sqrt(var + epsilon) * scale + B per
 * channel (axis 1), for X of rank >= 2. scale, B, mean and var may be
 * constants or run-time inputs: the per-channel factor and offset are
 * computed in double when a plane is processed, so both cases share one
 * path. Training (training_mode = 1, or any of the optional mean/var
 * outputs requested) and opset-7 spatial = 0 are refused. Most
 * BatchNormalization nodes never get here: graph_fuse.c folds those that
 * follow a Conv into its weights.
 * LRN: Y = X / (bias + alpha / size * sum of X^2 over the channels
 * c - floor((size - 1) / 2) .. c + ceil((size - 1) / 2))^beta.
 * Both split (image, channel) planes across the pool.
 */
#include "ops.h"
#include "spatial.h"

#include <math.h>
#include <stdlib.h>

static CnnStatus
check_x (CnnGraph *gr, const CnnNode *node, int min_rank, CnnDiag *d)
{
  const CnnValue *x = cnn_node_input (gr, node, 0);
  if (!x || !cnn_node_output (gr, node, 0))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s needs input X and "
        "output Y", node->op_type);
  CnnStatus st = cnn_require_f32 (x, "X", d);
  if (st != CNN_OK)
    return st;
  char buf[128];
  if (x->info.rank < min_rank)
    return cnn_fail (d, CNN_ERR_SHAPE, "X has shape %s; %s needs rank >= %d",
        cnn_dims_str (&x->info, buf, sizeof buf), node->op_type, min_rank);
  CnnValue *y = cnn_node_output (gr, node, 0);
  y->info = x->info;
  y->shape_known = true;
  return CNN_OK;
}

/* Elements per (image, channel) plane of X. */
static int64_t
plane_size (const CnnTensorInfo *xi)
{
  int64_t s = 1;
  for (int i = 2; i < xi->rank; i++)
    s *= xi->dims[i];
  return s;
}

/* ---- BatchNormalization ------------------------------------------------- */

static CnnStatus
bn_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  static const char *const names[] = { "X", "scale", "B", "input_mean",
    "input_var" };
  if (node->n_inputs != 5)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "BatchNormalization needs 5 "
        "inputs (X, scale, B, mean, var), got %d", node->n_inputs);
  if (cnn_node_attr_int (node, "training_mode", 0) != 0)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "training_mode = 1 is not "
        "supported (inference only)");
  for (int k = 1; k < node->n_outputs; k++)
    if (node->outputs[k] >= 0)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED, "output %d (running or saved "
          "statistics) is only produced in training, which is not "
          "supported", k);
  if (cnn_node_attr_int (node, "spatial", 1) != 1)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "spatial = 0 (per-element "
        "statistics) is not supported");
  CnnStatus st = check_x (gr, node, 2, d);
  if (st != CNN_OK)
    return st;
  int64_t c = cnn_node_input (gr, node, 0)->info.dims[1];
  for (int k = 1; k < 5; k++) {
    const CnnValue *v = cnn_node_input (gr, node, k);
    if (!v)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "input %s is missing",
          names[k]);
    if ((st = cnn_require_f32 (v, names[k], d)) != CNN_OK)
      return st;
    if (v->info.rank != 1 || v->info.dims[0] != c)
      return cnn_fail (d, CNN_ERR_SHAPE, "%s must have shape [%lld] (X's "
          "channels)", names[k], (long long) c);
  }
  return CNN_OK;
}

typedef struct {
  const float *x, *scale, *bias, *mean, *var;
  float *y;
  int64_t channels, plane;
  float eps;
} BnJob;

static void
bn_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const BnJob *j = ctx;
  for (int64_t i = begin; i < end; i++) {
    int64_t c = i % j->channels;
    double s = j->scale[c] / sqrt ((double) j->var[c] + j->eps);
    float fs = (float) s;
    float ft = (float) (j->bias[c] - j->mean[c] * s);
    const float *x = j->x + i * j->plane;
    float *y = j->y + i * j->plane;
    for (int64_t k = 0; k < j->plane; k++)
      y[k] = x[k] * fs + ft;
  }
}

static CnnStatus
bn_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *xi = &gr->values[node->inputs[0]].info;
  BnJob j = {
    cnn_exec_f32 (exec, node->inputs[0]), cnn_exec_f32 (exec, node->inputs[1]),
    cnn_exec_f32 (exec, node->inputs[2]), cnn_exec_f32 (exec, node->inputs[3]),
    cnn_exec_f32 (exec, node->inputs[4]), cnn_exec_f32 (exec, node->outputs[0]),
    xi->dims[1], plane_size (xi), cnn_node_attr_float (node, "epsilon", 1e-5f),
  };
  cnn_parallel_for (exec->pool, xi->dims[0] * xi->dims[1],
      j.plane >= 1024 ? 1 : 64, bn_chunk, &j);
  return CNN_OK;
}

/* ---- LRN ---------------------------------------------------------------- */

static CnnStatus
lrn_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  if (node->n_inputs != 1)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "LRN needs one input");
  int64_t size = cnn_node_attr_int (node, "size", 0);
  if (size < 1)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "LRN needs a size >= 1, got "
        "%lld", (long long) size);
  return check_x (gr, node, 3, d);
}

typedef struct {
  const float *x;
  float *y;
  int64_t channels, plane, size;
  float alpha, beta, bias;
} LrnJob;

static void
lrn_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const LrnJob *j = ctx;
  float scale = j->alpha / (float) j->size;
  for (int64_t i = begin; i < end; i++) {
    int64_t c = i % j->channels, img = i / j->channels;
    int64_t lo = c - (j->size - 1) / 2, hi = c + j->size / 2;
    lo = lo < 0 ? 0 : lo;
    hi = hi >= j->channels ? j->channels - 1 : hi;
    const float *xi = j->x + img * j->channels * j->plane;
    float *y = j->y + i * j->plane;
    /* y first holds the sum of squares, then the result */
    for (int64_t k = 0; k < j->plane; k++)
      y[k] = 0.0f;
    for (int64_t cc = lo; cc <= hi; cc++) {
      const float *xc = xi + cc * j->plane;
      for (int64_t k = 0; k < j->plane; k++)
        y[k] += xc[k] * xc[k];
    }
    const float *x = xi + c * j->plane;
    for (int64_t k = 0; k < j->plane; k++)
      y[k] = x[k] / powf (j->bias + scale * y[k], j->beta);
  }
}

static CnnStatus
lrn_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *xi = &gr->values[node->inputs[0]].info;
  LrnJob j = {
    cnn_exec_f32 (exec, node->inputs[0]), cnn_exec_f32 (exec, node->outputs[0]),
    xi->dims[1], plane_size (xi), cnn_node_attr_int (node, "size", 1),
    cnn_node_attr_float (node, "alpha", 1e-4f),
    cnn_node_attr_float (node, "beta", 0.75f),
    cnn_node_attr_float (node, "bias", 1.0f),
  };
  cnn_parallel_for (exec->pool, xi->dims[0] * xi->dims[1],
      j.plane >= 1024 ? 1 : 64, lrn_chunk, &j);
  return CNN_OK;
}

const CnnOpDef cnn_ops_norm[] = {
  { "BatchNormalization", bn_prepare, bn_run, NULL, NULL },
  { "LRN", lrn_prepare, lrn_run, NULL, NULL },
  { NULL }
};
