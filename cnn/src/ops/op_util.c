/* op_util.c — small helpers shared by the light operators.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See op_util.h. Messages say what is wrong without the node prefix (the
 * graph pass adds "node 17 (Reshape 'r'): ").
 */
#include "op_util.h"

#include <string.h>

bool
cnn_op_has_input (const CnnNode *node, int i)
{
  return i >= 0 && i < node->n_inputs && node->inputs[i] >= 0;
}

CnnStatus
cnn_op_check_arity (const CnnNode *node, int min_in, int max_in,
    int min_out, int max_out, CnnDiag *d)
{
  int n_in = node->n_inputs;
  /* trailing absent optional inputs do not count */
  while (n_in > 0 && node->inputs[n_in - 1] < 0)
    n_in--;
  if (n_in < min_in || n_in > max_in) {
    if (min_in == max_in)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "expects %d input%s, has %d", min_in, min_in == 1 ? "" : "s",
          n_in);
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "expects %d to %d inputs, has %d", min_in, max_in, n_in);
  }
  for (int i = 0; i < min_in; i++)
    if (node->inputs[i] < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "required input %d is missing", i);
  if (node->n_outputs < min_out || node->n_outputs > max_out)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "expects %d to %d outputs, has %d", min_out, max_out,
        node->n_outputs);
  if (min_out > 0 && node->outputs[0] < 0)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "output 0 is missing");
  return CNN_OK;
}

bool
cnn_op_input_const (const CnnGraph *g, const CnnNode *node, int i)
{
  if (!cnn_op_has_input (node, i))
    return false;
  const CnnValue *v = &g->values[node->inputs[i]];
  return v->kind == CNN_VALUE_CONST && v->data != NULL;
}

bool
cnn_op_all_inputs_const (const CnnGraph *g, const CnnNode *node)
{
  for (int i = 0; i < node->n_inputs; i++)
    if (node->inputs[i] >= 0 && !cnn_op_input_const (g, node, i))
      return false;
  return true;
}

CnnStatus
cnn_op_const_ints (const CnnGraph *g, const CnnNode *node, int i,
    const char *what, int64_t *out, size_t max, size_t *n_out, CnnDiag *d)
{
  if (!cnn_op_has_input (node, i))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "input '%s' is missing",
        what);
  const CnnValue *v = &g->values[node->inputs[i]];
  if (!cnn_op_input_const (g, node, i))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "input '%s' ('%s') must be a constant", what, v->name);
  if (v->info.dtype != CNN_DTYPE_INT64 && v->info.dtype != CNN_DTYPE_INT32)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "input '%s' must be int64 or int32, is %s", what,
        cnn_op_dtype_name (v->info.dtype));
  if (v->info.rank > 1)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "input '%s' must be 1-D, has rank %d", what, v->info.rank);
  int64_t n = cnn_numel (&v->info);
  if (n < 0 || (uint64_t) n > max)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "input '%s' has %lld values, at most %zu supported", what,
        (long long) n, max);
  for (int64_t k = 0; k < n; k++)
    out[k] = v->info.dtype == CNN_DTYPE_INT64 ?
        ((const int64_t *) v->data)[k] : ((const int32_t *) v->data)[k];
  *n_out = (size_t) n;
  return CNN_OK;
}

CnnStatus
cnn_op_const_scalar (const CnnGraph *g, const CnnNode *node, int i,
    const char *what, float *out, CnnDiag *d)
{
  const CnnValue *v = &g->values[node->inputs[i]];
  if (!cnn_op_input_const (g, node, i))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "input '%s' ('%s') must be a constant", what, v->name);
  if (cnn_numel (&v->info) != 1)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "input '%s' must hold one value", what);
  switch (v->info.dtype) {
    case CNN_DTYPE_FLOAT32:
      *out = *(const float *) v->data;
      return CNN_OK;
    case CNN_DTYPE_INT64:
      *out = (float) *(const int64_t *) v->data;
      return CNN_OK;
    case CNN_DTYPE_INT32:
      *out = (float) *(const int32_t *) v->data;
      return CNN_OK;
    default:
      return cnn_fail (d, CNN_ERR_UNSUPPORTED, "input '%s' has type %s",
          what, cnn_op_dtype_name (v->info.dtype));
  }
}

CnnStatus
cnn_op_norm_axis (int64_t axis, int rank, const char *what, int *out,
    CnnDiag *d)
{
  if (axis < -(int64_t) rank || axis >= (int64_t) rank)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s %lld is out of range for rank %d", what, (long long) axis,
        rank);
  *out = (int) (axis < 0 ? axis + rank : axis);
  return CNN_OK;
}

CnnStatus
cnn_op_axes_mask (const int64_t *axes, size_t n, int rank, const char *what,
    unsigned *mask_out, CnnDiag *d)
{
  unsigned mask = 0;
  for (size_t k = 0; k < n; k++) {
    int a = 0;
    CnnStatus s = cnn_op_norm_axis (axes[k], rank, what, &a, d);
    if (s != CNN_OK)
      return s;
    if (mask & (1u << a))
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s %lld is repeated",
          what, (long long) axes[k]);
    mask |= 1u << a;
  }
  *mask_out = mask;
  return CNN_OK;
}

CnnStatus
cnn_op_set_output (CnnGraph *g, const CnnNode *node, int i,
    const CnnTensorInfo *info, CnnDiag *d)
{
  CnnValue *v = cnn_node_output (g, node, i);
  if (!v)
    return CNN_OK;
  if (info->rank < 0 || info->rank > CNN_MAX_RANK)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "output %d would have rank %d (at most %d supported)", i,
        info->rank, CNN_MAX_RANK);
  if (cnn_numel (info) < 0) {
    char buf[128];
    return cnn_fail (d, CNN_ERR_SHAPE, "output %d shape %s is invalid or "
        "too large", i, cnn_dims_str (info, buf, sizeof buf));
  }
  v->info = *info;
  v->shape_known = true;
  return CNN_OK;
}

CnnStatus
cnn_op_check_dtype (const CnnGraph *g, const CnnNode *node, int i,
    bool allow_int64, CnnDiag *d)
{
  const CnnValue *v = &g->values[node->inputs[i]];
  if (v->info.dtype == CNN_DTYPE_FLOAT32)
    return CNN_OK;
  if (v->info.dtype == CNN_DTYPE_INT64 && allow_int64) {
    if (cnn_op_all_inputs_const (g, node))
      return CNN_OK;
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "int64 input %d ('%s') is only supported when all inputs are "
        "constant", i, v->name);
  }
  return cnn_fail (d, CNN_ERR_UNSUPPORTED,
      "input %d ('%s') has type %s; only float32%s is supported", i,
      v->name, cnn_op_dtype_name (v->info.dtype),
      allow_int64 ? " (and constant int64)" : "");
}

const char *
cnn_op_dtype_name (int64_t t)
{
  static const char *const names[] = {
    "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32",
    "int64", "string", "bool", "float16", "double", "uint32", "uint64",
    "complex64", "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz",
    "float8e5m2", "float8e5m2fnuz", "uint4", "int4",
  };
  if (t >= 0 && t < (int64_t) (sizeof names / sizeof names[0]))
    return names[t];
  return "unknown";
}

void
cnn_op_strides (const CnnTensorInfo *info, int64_t *strides)
{
  int64_t s = 1;
  for (int i = info->rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= info->dims[i];
  }
}

void
cnn_op_copy (void *dst, const void *src, size_t bytes)
{
  if (dst != src && bytes)
    memmove (dst, src, bytes);
}
