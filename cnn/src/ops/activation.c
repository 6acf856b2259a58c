/* activation.c — Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid, HardSwish,
 * Tanh, Elu, and cnn_apply_act() for fused Conv/Gemm epilogues.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * All are float32 element-wise maps y = f(x) with the output shaped like
 * the input, split over the thread pool by flat ranges. Clip takes its
 * bounds from attributes before opset 11 and from optional scalar inputs
 * from opset 11 on (read at run time, so they may be constants or
 * run-time scalars). NaN passes through Relu and Clip as numpy does.
 */
#include "op_util.h"
#include "../kernels/eltwise_simd.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef enum {
  ACT_RELU,
  ACT_LEAKY_RELU,
  ACT_CLIP,
  ACT_SIGMOID,
  ACT_HARD_SIGMOID,
  ACT_HARD_SWISH,
  ACT_TANH,
  ACT_ELU,
} ActKind;

typedef struct {
  const char *op_type;
  ActKind kind;
  float alpha, beta; /* attribute defaults */
} ActDef;

static const ActDef act_defs[] = {
  { "Relu", ACT_RELU, 0, 0 },
  { "LeakyRelu", ACT_LEAKY_RELU, 0.01f, 0 },
  { "Clip", ACT_CLIP, -FLT_MAX, FLT_MAX },
  { "Sigmoid", ACT_SIGMOID, 0, 0 },
  { "HardSigmoid", ACT_HARD_SIGMOID, 0.2f, 0.5f },
  { "HardSwish", ACT_HARD_SWISH, 1.0f / 6.0f, 0.5f },
  { "Tanh", ACT_TANH, 0, 0 },
  { "Elu", ACT_ELU, 1.0f, 0 },
};

static const ActDef *
find_def (const CnnNode *node)
{
  for (size_t i = 0; i < sizeof act_defs / sizeof act_defs[0]; i++)
    if (strcmp (node->op_type, act_defs[i].op_type) == 0)
      return &act_defs[i];
  return NULL;
}

/* numpy's clip: minimum (maximum (x, lo), hi); keeps NaN, gives hi when
 * lo > hi. */
static inline float
clampf (float x, float lo, float hi)
{
  float y = x < lo ? lo : x;
  return y > hi ? hi : y;
}

/* The SIMD row kernels' name for kind; false for Tanh and Elu. */
static bool
simd_kind (ActKind kind, CnnEltAct *out)
{
  switch (kind) {
    case ACT_RELU: *out = CNN_ELT_RELU; return true;
    case ACT_LEAKY_RELU: *out = CNN_ELT_LEAKY_RELU; return true;
    case ACT_CLIP: *out = CNN_ELT_CLIP; return true;
    case ACT_SIGMOID: *out = CNN_ELT_SIGMOID; return true;
    case ACT_HARD_SIGMOID: *out = CNN_ELT_HARD_SIGMOID; return true;
    case ACT_HARD_SWISH: *out = CNN_ELT_HARD_SWISH; return true;
    default: return false;
  }
}

/* y[i] = f(x[i]) for i in [0, n); y may equal x. AVX2 / AVX-512 rows
 * (kernels/eltwise_simd.h) when the CPU has them, else the loops below. */
static void
act_f32 (ActKind kind, float alpha, float beta, const float *x, float *y,
    int64_t n)
{
  CnnEltActFn simd = cnn_elt_act_select (cnn_cpu_level ());
  CnnEltAct ek;
  if (simd && simd_kind (kind, &ek) && simd (ek, alpha, beta, x, y, n))
    return;
  switch (kind) {
    case ACT_RELU:
      for (int64_t i = 0; i < n; i++)
        y[i] = x[i] < 0 ? 0.0f : x[i];
      break;
    case ACT_LEAKY_RELU:
      for (int64_t i = 0; i < n; i++)
        y[i] = x[i] < 0 ? alpha * x[i] : x[i];
      break;
    case ACT_CLIP:
      for (int64_t i = 0; i < n; i++)
        y[i] = clampf (x[i], alpha, beta);
      break;
    case ACT_SIGMOID:
      for (int64_t i = 0; i < n; i++)
        y[i] = 1.0f / (1.0f + expf (-x[i]));
      break;
    case ACT_HARD_SIGMOID:
      for (int64_t i = 0; i < n; i++)
        y[i] = fmaxf (0.0f, fminf (1.0f, alpha * x[i] + beta));
      break;
    case ACT_HARD_SWISH:
      for (int64_t i = 0; i < n; i++)
        y[i] = x[i] * fmaxf (0.0f, fminf (1.0f, alpha * x[i] + beta));
      break;
    case ACT_TANH:
      for (int64_t i = 0; i < n; i++)
        y[i] = tanhf (x[i]);
      break;
    case ACT_ELU:
      for (int64_t i = 0; i < n; i++)
        y[i] = x[i] < 0 ? alpha * expm1f (x[i]) : x[i];
      break;
  }
}

void
cnn_apply_act (const CnnFusedAct *act, float *x, size_t n)
{
  if (!act)
    return;
  switch (act->kind) {
    case CNN_ACT_NONE:
      break;
    case CNN_ACT_RELU:
      act_f32 (ACT_RELU, 0, 0, x, x, (int64_t) n);
      break;
    case CNN_ACT_CLIP:
      act_f32 (ACT_CLIP, act->alpha, act->beta, x, x, (int64_t) n);
      break;
    case CNN_ACT_LEAKY_RELU:
      act_f32 (ACT_LEAKY_RELU, act->alpha, 0, x, x, (int64_t) n);
      break;
  }
}

/* Clip from opset 11: optional scalar inputs min (1) and max (2). */
static CnnStatus
check_clip_inputs (CnnGraph *g, const CnnNode *node, CnnDiag *d)
{
  for (int i = 1; i < node->n_inputs && i <= 2; i++) {
    const CnnValue *v = cnn_node_input (g, node, i);
    if (!v)
      continue;
    if (v->info.dtype != CNN_DTYPE_FLOAT32)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED,
          "input '%s' has type %s; only float32 is supported",
          i == 1 ? "min" : "max", cnn_op_dtype_name (v->info.dtype));
    if (cnn_numel (&v->info) != 1)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "input '%s' must be a scalar", i == 1 ? "min" : "max");
  }
  return CNN_OK;
}

static CnnStatus
prepare_act (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const ActDef *def = find_def (node);
  bool clip_inputs = def->kind == ACT_CLIP && g->opset >= 11;
  CnnStatus s = cnn_op_check_arity (node, 1, clip_inputs ? 3 : 1, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, false, d);
  if (s == CNN_OK && clip_inputs)
    s = check_clip_inputs (g, node, d);
  if (s != CNN_OK)
    return s;
  return cnn_op_set_output (g, node, 0, &cnn_node_input (g, node, 0)->info,
      d);
}

typedef struct {
  ActKind kind;
  float alpha, beta;
  const float *x;
  float *y;
} ActJob;

static void
act_job_range (void *ctx, int64_t begin, int64_t end, int thread)
{
  const ActJob *j = ctx;
  act_f32 (j->kind, j->alpha, j->beta, j->x + begin, j->y + begin,
      end - begin);
}

static CnnStatus
run_act (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const ActDef *def = find_def (node);
  ActJob job = { def->kind, def->alpha, def->beta, NULL, NULL };
  if (def->kind == ACT_CLIP && g->opset >= 11) {
    if (node->n_inputs > 1 && node->inputs[1] >= 0)
      job.alpha = *cnn_exec_f32 (exec, node->inputs[1]);
    if (node->n_inputs > 2 && node->inputs[2] >= 0)
      job.beta = *cnn_exec_f32 (exec, node->inputs[2]);
  } else if (def->kind == ACT_CLIP) {
    job.alpha = cnn_node_attr_float (node, "min", def->alpha);
    job.beta = cnn_node_attr_float (node, "max", def->beta);
  } else if (def->kind != ACT_HARD_SWISH) {
    job.alpha = cnn_node_attr_float (node, "alpha", def->alpha);
    job.beta = cnn_node_attr_float (node, "beta", def->beta);
  }
  job.x = cnn_exec_f32 (exec, node->inputs[0]);
  job.y = cnn_exec_f32 (exec, node->outputs[0]);
  int64_t n = cnn_numel (&g->values[node->inputs[0]].info);
  cnn_parallel_for (exec->pool, n, 16384, act_job_range, &job);
  return CNN_OK;
}

const CnnOpDef cnn_ops_activation[] = {
  { "Relu", prepare_act, run_act, NULL, NULL },
  { "LeakyRelu", prepare_act, run_act, NULL, NULL },
  { "Clip", prepare_act, run_act, NULL, NULL },
  { "Sigmoid", prepare_act, run_act, NULL, NULL },
  { "HardSigmoid", prepare_act, run_act, NULL, NULL },
  { "HardSwish", prepare_act, run_act, NULL, NULL },
  { "Tanh", prepare_act, run_act, NULL, NULL },
  { "Elu", prepare_act, run_act, NULL, NULL },
  { NULL },
};
