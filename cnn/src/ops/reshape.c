/* reshape.c — shape-only and constant-producing operators: Shape, Reshape,
 * Flatten, Squeeze, Unsqueeze, Identity, Dropout, Constant, Cast,
 * ConstantOfShape, Expand.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The view ops (Reshape … Dropout) only change the declared shape: run()
 * copies the bytes (or does nothing when the planner gave the output the
 * input's buffer). They accept int64 when their data is constant, because
 * exporters push shape vectors through Unsqueeze/Squeeze/Reshape. Shape
 * writes the input's static dims as int64 without reading its data, so
 * the graph pass can fold it. Shape-giving inputs (Reshape's shape,
 * Squeeze/Unsqueeze axes from opset 13, Expand's shape, ConstantOfShape's
 * input) must be constant; a run-time one is a clear unsupported error.
 */
#include "broadcast.h"
#include "op_util.h"

#include <math.h>
#include <string.h>

static size_t
value_bytes (const CnnValue *v)
{
  return (size_t) cnn_numel (&v->info) * cnn_dtype_size (v->info.dtype);
}

/* run() of every view op: output bytes = input bytes. */
static CnnStatus
run_copy (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  cnn_op_copy (exec->ptr[node->outputs[0]], exec->ptr[node->inputs[0]],
      value_bytes (&g->values[node->outputs[0]]));
  return CNN_OK;
}

/* Checks arity and input 0's dtype; sets *in to input 0's info. */
static CnnStatus
prepare_view_common (CnnGraph *g, CnnNode *node, int min_in, int max_in,
    const CnnTensorInfo **in, CnnDiag *d)
{
  int max_out = strcmp (node->op_type, "Dropout") == 0 ? 2 : 1;
  CnnStatus s = cnn_op_check_arity (node, min_in, max_in, 1, max_out, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, true, d);
  if (s == CNN_OK)
    *in = &cnn_node_input (g, node, 0)->info;
  return s;
}

/* ---- Shape ---------------------------------------------------------- */

static void
shape_range (const CnnGraph *g, const CnnNode *node, int rank, int *b, int *e)
{
  int64_t start = 0, end = rank;
  if (g->opset >= 15) {
    start = cnn_node_attr_int (node, "start", 0);
    end = cnn_node_attr_int (node, "end", rank);
  }
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = start < 0 ? 0 : (start > rank ? rank : start);
  end = end < 0 ? 0 : (end > rank ? rank : end);
  *b = (int) start;
  *e = (int) (end < start ? start : end);
}

static CnnStatus
prepare_shape (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  CnnStatus s = cnn_op_check_arity (node, 1, 1, 1, 1, d);
  if (s != CNN_OK)
    return s;
  int b, e;
  shape_range (g, node, cnn_node_input (g, node, 0)->info.rank, &b, &e);
  CnnTensorInfo out = { CNN_DTYPE_INT64, 1, { e - b } };
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
run_shape (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  int64_t *out = exec->ptr[node->outputs[0]];
  int b, e;
  shape_range (g, node, in->rank, &b, &e);
  for (int i = b; i < e; i++)
    out[i - b] = in->dims[i];
  return CNN_OK;
}

/* ---- Reshape, Flatten ----------------------------------------------- */

static CnnStatus
prepare_reshape (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  int64_t shape[CNN_MAX_RANK];
  size_t n;
  CnnStatus s = prepare_view_common (g, node, 2, 2, &in, d);
  if (s == CNN_OK)
    s = cnn_op_const_ints (g, node, 1, "shape", shape, CNN_MAX_RANK, &n, d);
  if (s != CNN_OK)
    return s;
  bool allowzero = cnn_node_attr_int (node, "allowzero", 0) != 0;
  CnnTensorInfo out = { in->dtype, (int) n, { 0 } };
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < n; i++) {
    int64_t v = shape[i];
    if (v == 0 && !allowzero) {
      if ((int) i >= in->rank)
        return cnn_fail (d, CNN_ERR_SHAPE,
            "shape[%zu] = 0 copies a dim the input (rank %d) does not have",
            i, in->rank);
      v = in->dims[i];
    }
    if (v == -1) {
      if (infer >= 0)
        return cnn_fail (d, CNN_ERR_INVALID_MODEL,
            "shape has more than one -1");
      infer = (int) i;
      continue;
    }
    if (v < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "shape[%zu] = %lld", i,
          (long long) v);
    out.dims[i] = v;
    if (cnn_mul_overflows (known, v, &known))
      return cnn_fail (d, CNN_ERR_SHAPE, "shape is too large");
  }
  int64_t numel = cnn_numel (in);
  char sa[128], sb[128];
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      return cnn_fail (d, CNN_ERR_SHAPE,
          "cannot infer -1 reshaping %s (%lld elements) with %lld known",
          cnn_dims_str (in, sa, sizeof sa), (long long) numel,
          (long long) known);
    out.dims[infer] = numel / known;
  } else if (known != numel) {
    return cnn_fail (d, CNN_ERR_SHAPE, "cannot reshape %s to %s",
        cnn_dims_str (in, sa, sizeof sa), cnn_dims_str (&out, sb, sizeof sb));
  }
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
prepare_flatten (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  CnnStatus s = prepare_view_common (g, node, 1, 1, &in, d);
  if (s != CNN_OK)
    return s;
  int64_t axis = cnn_node_attr_int (node, "axis", 1);
  if (axis < -(int64_t) in->rank || axis > in->rank)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "axis %lld is out of range for rank %d", (long long) axis, in->rank);
  if (axis < 0)
    axis += in->rank;
  CnnTensorInfo out = { in->dtype, 2, { 1, 1 } };
  for (int i = 0; i < in->rank; i++)
    out.dims[i < axis ? 0 : 1] *= in->dims[i];
  return cnn_op_set_output (g, node, 0, &out, d);
}

/* ---- Squeeze, Unsqueeze --------------------------------------------- */

/* axes from the attribute (opset < 13) or input 1 (opset >= 13). */
static CnnStatus
read_axes (CnnGraph *g, const CnnNode *node, int64_t *axes, size_t *n,
    CnnDiag *d)
{
  if (g->opset < 13) {
    const int64_t *a;
    *n = cnn_node_attr_ints (node, "axes", &a);
    if (*n > CNN_MAX_RANK)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED, "too many axes (%zu)", *n);
    if (*n)
      memcpy (axes, a, *n * sizeof *axes);
    return CNN_OK;
  }
  *n = 0;
  if (!cnn_op_has_input (node, 1))
    return CNN_OK;
  return cnn_op_const_ints (g, node, 1, "axes", axes, CNN_MAX_RANK, n, d);
}

static CnnStatus
prepare_squeeze (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  int64_t axes[CNN_MAX_RANK];
  size_t n;
  unsigned mask = 0;
  CnnStatus s = prepare_view_common (g, node, 1, g->opset >= 13 ? 2 : 1,
      &in, d);
  if (s == CNN_OK)
    s = read_axes (g, node, axes, &n, d);
  if (s == CNN_OK)
    s = cnn_op_axes_mask (axes, n, in->rank, "axis", &mask, d);
  if (s != CNN_OK)
    return s;
  CnnTensorInfo out = { in->dtype, 0, { 0 } };
  for (int i = 0; i < in->rank; i++) {
    bool drop = n ? (mask >> i) & 1 : in->dims[i] == 1;
    if (drop && in->dims[i] != 1)
      return cnn_fail (d, CNN_ERR_SHAPE,
          "cannot squeeze axis %d of size %lld", i, (long long) in->dims[i]);
    if (!drop)
      out.dims[out.rank++] = in->dims[i];
  }
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
prepare_unsqueeze (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  int64_t axes[CNN_MAX_RANK];
  size_t n;
  unsigned mask = 0;
  CnnStatus s = prepare_view_common (g, node, g->opset >= 13 ? 2 : 1,
      g->opset >= 13 ? 2 : 1, &in, d);
  if (s == CNN_OK)
    s = read_axes (g, node, axes, &n, d);
  if (s == CNN_OK && n == 0)
    s = cnn_fail (d, CNN_ERR_INVALID_MODEL, "axes are missing");
  if (s == CNN_OK && in->rank + (int) n > CNN_MAX_RANK)
    s = cnn_fail (d, CNN_ERR_UNSUPPORTED, "output rank %d exceeds %d",
        in->rank + (int) n, CNN_MAX_RANK);
  if (s == CNN_OK)
    s = cnn_op_axes_mask (axes, n, in->rank + (int) n, "axis", &mask, d);
  if (s != CNN_OK)
    return s;
  CnnTensorInfo out = { in->dtype, in->rank + (int) n, { 0 } };
  for (int i = 0, k = 0; i < out.rank; i++)
    out.dims[i] = (mask >> i) & 1 ? 1 : in->dims[k++];
  return cnn_op_set_output (g, node, 0, &out, d);
}

/* ---- Identity, Dropout ---------------------------------------------- */

static CnnStatus
prepare_identity (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  CnnStatus s = prepare_view_common (g, node, 1, 1, &in, d);
  return s != CNN_OK ? s : cnn_op_set_output (g, node, 0, in, d);
}

static CnnStatus
prepare_dropout (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  CnnStatus s = prepare_view_common (g, node, 1, 3, &in, d);
  if (s != CNN_OK)
    return s;
  if (node->n_outputs > 1 && node->outputs[1] >= 0)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "the optional 'mask' output is not supported (inference only)");
  if (cnn_op_has_input (node, 2)) {
    const CnnValue *t = cnn_node_input (g, node, 2);
    bool known_false = cnn_op_input_const (g, node, 2) &&
        cnn_numel (&t->info) == 1 &&
        ((t->info.dtype == 9 && *(const uint8_t *) t->data == 0) ||
        (t->info.dtype == CNN_DTYPE_INT64 && *(const int64_t *) t->data == 0));
    if (!known_false)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED,
          "training_mode must be a constant false (inference only)");
  }
  return cnn_op_set_output (g, node, 0, in, d);
}

/* ---- Constant ------------------------------------------------------- */

/* The single value attribute of a Constant node, as info + data. */
static CnnStatus
constant_value (const CnnNode *node, CnnTensorInfo *info, const void **data,
    CnnDiag *d)
{
  static const char *const unsupported[] = {
    "value_string", "value_strings", "sparse_value",
  };
  const CnnAttr *a;
  memset (info, 0, sizeof *info);
  for (size_t i = 0; i < 3; i++)
    if (cnn_node_attr (node, unsupported[i]))
      return cnn_fail (d, CNN_ERR_UNSUPPORTED, "attribute '%s' is not "
          "supported", unsupported[i]);
  if ((a = cnn_node_attr (node, "value")) && a->type == CNN_ATTR_TENSOR &&
      a->t) {
    *info = a->t->info;
    *data = a->t->data;
    if (cnn_dtype_size (info->dtype) == 0 || info->dtype == CNN_DTYPE_FLOAT16)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED, "value of type %s",
          cnn_op_dtype_name (info->dtype));
  } else if ((a = cnn_node_attr (node, "value_float")) &&
      a->type == CNN_ATTR_FLOAT) {
    info->dtype = CNN_DTYPE_FLOAT32;
    *data = &a->f;
  } else if ((a = cnn_node_attr (node, "value_int")) &&
      a->type == CNN_ATTR_INT) {
    info->dtype = CNN_DTYPE_INT64;
    *data = &a->i;
  } else if ((a = cnn_node_attr (node, "value_floats")) &&
      a->type == CNN_ATTR_FLOATS) {
    *info = (CnnTensorInfo) { CNN_DTYPE_FLOAT32, 1, { (int64_t) a->n } };
    *data = a->floats;
  } else if ((a = cnn_node_attr (node, "value_ints")) &&
      a->type == CNN_ATTR_INTS) {
    *info = (CnnTensorInfo) { CNN_DTYPE_INT64, 1, { (int64_t) a->n } };
    *data = a->ints;
  } else {
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "no value attribute");
  }
  return CNN_OK;
}

static CnnStatus
prepare_constant (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  CnnTensorInfo info;
  const void *data;
  CnnStatus s = cnn_op_check_arity (node, 0, 0, 1, 1, d);
  if (s == CNN_OK)
    s = constant_value (node, &info, &data, d);
  return s != CNN_OK ? s : cnn_op_set_output (g, node, 0, &info, d);
}

static CnnStatus
run_constant (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  CnnTensorInfo info;
  const void *data;
  CnnStatus s = constant_value (node, &info, &data, d);
  if (s == CNN_OK)
    cnn_op_copy (exec->ptr[node->outputs[0]], data,
        (size_t) cnn_numel (&info) * cnn_dtype_size (info.dtype));
  return s;
}

/* ---- Cast ----------------------------------------------------------- */

static CnnStatus
prepare_cast (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  CnnStatus s = cnn_op_check_arity (node, 1, 1, 1, 1, d);
  if (s != CNN_OK)
    return s;
  const CnnValue *in = cnn_node_input (g, node, 0);
  int64_t to = cnn_node_attr_int (node, "to", 0);
  if (to != CNN_DTYPE_FLOAT32 && to != CNN_DTYPE_INT64)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "cast to %s is not supported (only float32 and int64)",
        cnn_op_dtype_name (to));
  if (in->info.dtype != CNN_DTYPE_FLOAT32 &&
      in->info.dtype != CNN_DTYPE_INT64 && in->info.dtype != CNN_DTYPE_INT32)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "cast from %s is not supported (only float32, int64, int32)",
        cnn_op_dtype_name (in->info.dtype));
  if (!cnn_op_input_const (g, node, 0) &&
      (in->info.dtype != CNN_DTYPE_FLOAT32 || to != CNN_DTYPE_FLOAT32))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "cast of run-time tensor '%s' from %s to %s (run-time tensors are "
        "float32 only)", in->name, cnn_op_dtype_name (in->info.dtype),
        cnn_op_dtype_name (to));
  CnnTensorInfo out = in->info;
  out.dtype = (CnnDType) to;
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
run_cast (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  CnnDType to = g->values[node->outputs[0]].info.dtype;
  const void *x = exec->ptr[node->inputs[0]];
  void *y = exec->ptr[node->outputs[0]];
  int64_t n = cnn_numel (in);
  if (in->dtype == to)
    cnn_op_copy (y, x, (size_t) n * cnn_dtype_size (to));
  for (int64_t i = 0; in->dtype != to && i < n; i++) {
    double v = in->dtype == CNN_DTYPE_FLOAT32 ? ((const float *) x)[i] :
        in->dtype == CNN_DTYPE_INT64 ? (double) ((const int64_t *) x)[i] :
        ((const int32_t *) x)[i];
    if (to == CNN_DTYPE_FLOAT32) {
      ((float *) y)[i] = in->dtype == CNN_DTYPE_INT64 ?
          (float) ((const int64_t *) x)[i] : (float) v;
    } else if (!(v > -9.2233720368547758e18 && v < 9.2233720368547758e18)) {
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "value %g cannot be cast to int64", v);
    } else {
      ((int64_t *) y)[i] = in->dtype == CNN_DTYPE_INT32 ?
          ((const int32_t *) x)[i] : (int64_t) v;
    }
  }
  return CNN_OK;
}

/* ---- ConstantOfShape, Expand ---------------------------------------- */

static CnnStatus
prepare_constant_of_shape (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  int64_t shape[CNN_MAX_RANK];
  size_t n;
  CnnStatus s = cnn_op_check_arity (node, 1, 1, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_const_ints (g, node, 0, "input", shape, CNN_MAX_RANK, &n, d);
  if (s != CNN_OK)
    return s;
  CnnTensorInfo out = { CNN_DTYPE_FLOAT32, (int) n, { 0 } };
  const CnnAttr *a = cnn_node_attr (node, "value");
  if (a && a->type == CNN_ATTR_TENSOR && a->t) {
    if (cnn_numel (&a->t->info) != 1)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "value must hold one element");
    out.dtype = a->t->info.dtype;
    if (out.dtype != CNN_DTYPE_FLOAT32 && out.dtype != CNN_DTYPE_INT64)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED, "value of type %s",
          cnn_op_dtype_name (out.dtype));
  }
  for (size_t i = 0; i < n; i++) {
    if (shape[i] < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "dim %zu is %lld", i,
          (long long) shape[i]);
    out.dims[i] = shape[i];
  }
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
run_constant_of_shape (const CnnGraph *g, const CnnNode *node,
    const CnnExec *exec, CnnDiag *d)
{
  const CnnValue *out = &g->values[node->outputs[0]];
  const CnnAttr *a = cnn_node_attr (node, "value");
  bool has = a && a->type == CNN_ATTR_TENSOR && a->t;
  int64_t n = cnn_numel (&out->info);
  if (out->info.dtype == CNN_DTYPE_INT64) {
    int64_t v = *(const int64_t *) a->t->data, *y = exec->ptr[node->outputs[0]];
    for (int64_t i = 0; i < n; i++)
      y[i] = v;
  } else {
    float v = has ? *(const float *) a->t->data : 0.0f;
    float *y = exec->ptr[node->outputs[0]];
    for (int64_t i = 0; i < n; i++)
      y[i] = v;
  }
  return CNN_OK;
}

static CnnStatus
prepare_expand (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  const CnnTensorInfo *in;
  int64_t shape[CNN_MAX_RANK];
  size_t n;
  CnnStatus s = prepare_view_common (g, node, 2, 2, &in, d);
  if (s == CNN_OK)
    s = cnn_op_const_ints (g, node, 1, "shape", shape, CNN_MAX_RANK, &n, d);
  if (s != CNN_OK)
    return s;
  CnnTensorInfo target = { in->dtype, (int) n, { 0 } }, out;
  for (size_t i = 0; i < n; i++) {
    if (shape[i] < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "shape[%zu] is %lld", i,
          (long long) shape[i]);
    target.dims[i] = shape[i];
  }
  s = cnn_broadcast_dims (in, &target, &out, d);
  return s != CNN_OK ? s : cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
run_expand (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  const CnnTensorInfo *out = &g->values[node->outputs[0]].info;
  if (out->dtype == CNN_DTYPE_INT64)
    return cnn_bcast_ref_i64 (CNN_BIN_COPY, out,
        exec->ptr[node->outputs[0]], in, exec->ptr[node->inputs[0]], NULL,
        NULL, d);
  CnnBcast plan;
  cnn_bcast_plan (&plan, out, in, NULL);
  cnn_bcast_binary_f32 (&plan, CNN_BIN_COPY, exec->ptr[node->outputs[0]],
      exec->ptr[node->inputs[0]], NULL, 0, plan.numel);
  return CNN_OK;
}

const CnnOpDef cnn_ops_reshape[] = {
  { "Shape", prepare_shape, run_shape, NULL, NULL },
  { "Reshape", prepare_reshape, run_copy, NULL, NULL },
  { "Flatten", prepare_flatten, run_copy, NULL, NULL },
  { "Squeeze", prepare_squeeze, run_copy, NULL, NULL },
  { "Unsqueeze", prepare_unsqueeze, run_copy, NULL, NULL },
  { "Identity", prepare_identity, run_copy, NULL, NULL },
  { "Dropout", prepare_dropout, run_copy, NULL, NULL },
  { "Constant", prepare_constant, run_constant, NULL, NULL },
  { "Cast", prepare_cast, run_cast, NULL, NULL },
  { "ConstantOfShape", prepare_constant_of_shape, run_constant_of_shape,
      NULL, NULL },
  { "Expand", prepare_expand, run_expand, NULL, NULL },
  { NULL },
};
