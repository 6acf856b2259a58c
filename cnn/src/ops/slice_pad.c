/* slice_pad.c — Slice and Pad (part of the cnn_ops_layout table).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Both derive a small plan (per-dim start/step or begin padding, and the
 * output shape) from attributes (Slice < 10, Pad < 11) or constant inputs
 * (later opsets; Pad's constant_value may also be a run-time scalar, read
 * by run()). prepare() builds it to validate and to set the output;
 * run() rebuilds it on the stack (a few integer operations, no
 * allocation) and walks the output one innermost row at a time.
 */
#include "layout.h"
#include "op_util.h"

#include <string.h>

/* ---- Slice ---------------------------------------------------------- */

typedef struct {
  int64_t start[CNN_MAX_RANK];
  int64_t step[CNN_MAX_RANK];
  CnnTensorInfo out;
} SlicePlan;

/* starts/ends/axes/steps from attributes (opset < 10) or inputs 1..4. */
static CnnStatus
slice_params (const CnnGraph *g, const CnnNode *node,
    int64_t (*v)[CNN_MAX_RANK], size_t *n, CnnDiag *d)
{
  static const char *const names[] = { "starts", "ends", "axes", "steps" };
  for (int k = 0; k < 4; k++) {
    n[k] = 0;
    if (g->opset < 10) {
      const int64_t *a;
      n[k] = k < 3 ? cnn_node_attr_ints (node, names[k], &a) : 0;
      if (n[k] > CNN_MAX_RANK)
        return cnn_fail (d, CNN_ERR_INVALID_MODEL, "too many %s", names[k]);
      if (n[k])
        memcpy (v[k], a, n[k] * sizeof *a);
    } else if (cnn_op_has_input (node, k + 1)) {
      CnnStatus s = cnn_op_const_ints (g, node, k + 1, names[k], v[k],
          CNN_MAX_RANK, &n[k], d);
      if (s != CNN_OK)
        return s;
    }
  }
  if (n[1] != n[0] || (n[2] && n[2] != n[0]) ||
      (n[3] && n[3] != n[0]))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "starts, ends, axes and steps differ in length (%zu, %zu, %zu, %zu)",
        n[0], n[1], n[2], n[3]);
  return CNN_OK;
}

static CnnStatus
slice_plan (const CnnGraph *g, const CnnNode *node, SlicePlan *p,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  int64_t v[4][CNN_MAX_RANK];
  size_t n[4];
  unsigned seen = 0;
  CnnStatus s = slice_params (g, node, v, n, d);
  if (s != CNN_OK)
    return s;
  p->out = *in;
  for (int i = 0; i < in->rank; i++) {
    p->start[i] = 0;
    p->step[i] = 1;
  }
  for (size_t k = 0; k < n[0]; k++) {
    int axis;
    s = cnn_op_norm_axis (n[2] ? v[2][k] : (int64_t) k, in->rank, "axis",
        &axis, d);
    if (s != CNN_OK)
      return s;
    if ((seen >> axis) & 1)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "axis %d is repeated", axis);
    seen |= 1u << axis;
    int64_t dim = in->dims[axis], b = v[0][k], e = v[1][k];
    int64_t step = n[3] ? v[3][k] : 1, count;
    if (step == 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "step is 0 on axis %d",
          axis);
    if (b < 0)
      b += dim;
    if (e < 0)
      e += dim;
    if (step > 0) {
      b = b < 0 ? 0 : (b > dim ? dim : b);
      e = e < 0 ? 0 : (e > dim ? dim : e);
      count = e > b ? 1 + (e - b - 1) / step : 0;
    } else {
      b = b < 0 ? 0 : (b > dim - 1 ? dim - 1 : b);
      e = e < -1 ? -1 : (e > dim - 1 ? dim - 1 : e);
      int64_t back = step == INT64_MIN ? INT64_MAX : -step;
      count = b > e ? 1 + (b - e - 1) / back : 0;
    }
    p->start[axis] = b;
    p->step[axis] = step;
    p->out.dims[axis] = count;
  }
  return CNN_OK;
}

CnnStatus
cnn_prepare_slice (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  SlicePlan p;
  CnnStatus s = cnn_op_check_arity (node, g->opset < 10 ? 1 : 3,
      g->opset < 10 ? 1 : 5, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, true, d);
  if (s == CNN_OK)
    s = slice_plan (g, node, &p, d);
  return s != CNN_OK ? s : cnn_op_set_output (g, node, 0, &p.out, d);
}

CnnStatus
cnn_run_slice (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  SlicePlan p;
  int64_t istr[CNN_MAX_RANK], coord[CNN_MAX_RANK] = { 0 };
  CnnStatus s = slice_plan (g, node, &p, d);
  if (s != CNN_OK)
    return s;
  int64_t total = cnn_numel (&p.out);
  if (total == 0)
    return CNN_OK;
  int last = in->rank - 1;
  size_t esize = cnn_dtype_size (in->dtype);
  const char *x = exec->ptr[node->inputs[0]];
  char *y = exec->ptr[node->outputs[0]];
  if (in->rank == 0) {
    memcpy (y, x, esize);
    return CNN_OK;
  }
  cnn_op_strides (in, istr);
  int64_t row = p.out.dims[last];
  for (int64_t pos = 0; pos < total; pos += row) {
    int64_t off = 0;
    for (int k = 0; k <= last; k++)
      off += (p.start[k] + coord[k] * p.step[k]) * istr[k];
    cnn_layout_gather_row (y + pos * (int64_t) esize,
        x + off * (int64_t) esize, p.step[last], row, esize);
    for (int k = last - 1; k >= 0; k--) {
      if (++coord[k] < p.out.dims[k])
        break;
      coord[k] = 0;
    }
  }
  return CNN_OK;
}

/* ---- Pad ------------------------------------------------------------ */

typedef enum { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE } PadMode;

typedef struct {
  int64_t begin[CNN_MAX_RANK];
  CnnTensorInfo out;
  PadMode mode;
  float value;
} PadPlan;

/* A run-time constant_value must be one float32; run() reads it. */
static CnnStatus
check_runtime_value (const CnnValue *v, CnnDiag *d)
{
  if (v->info.dtype != CNN_DTYPE_FLOAT32 || cnn_numel (&v->info) != 1)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "constant_value must be one float32 value");
  return CNN_OK;
}

/* pads (2 * n values: all begins then all ends) and the axes they apply
 * to, from the attribute (opset < 11) or inputs 1 and 3. */
static CnnStatus
pad_params (const CnnGraph *g, const CnnNode *node, int rank,
    int64_t *pads, size_t *n_pads, int *axes, PadPlan *p, CnnDiag *d)
{
  int64_t ax[CNN_MAX_RANK];
  size_t n_axes = (size_t) rank;
  CnnStatus s = CNN_OK;
  if (g->opset < 11) {
    const int64_t *a;
    *n_pads = cnn_node_attr_ints (node, "pads", &a);
    if (*n_pads > 2 * CNN_MAX_RANK)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "too many pads");
    if (*n_pads)
      memcpy (pads, a, *n_pads * sizeof *a);
    p->value = cnn_node_attr_float (node, "value", 0.0f);
  } else {
    s = cnn_op_const_ints (g, node, 1, "pads", pads, 2 * CNN_MAX_RANK,
        n_pads, d);
    if (s == CNN_OK && cnn_op_input_const (g, node, 2))
      s = cnn_op_const_scalar (g, node, 2, "constant_value", &p->value, d);
    else if (s == CNN_OK && cnn_op_has_input (node, 2))
      s = check_runtime_value (&g->values[node->inputs[2]], d);
    if (s == CNN_OK && cnn_op_has_input (node, 3))
      s = cnn_op_const_ints (g, node, 3, "axes", ax, CNN_MAX_RANK, &n_axes,
          d);
  }
  for (size_t k = 0; k < n_axes && s == CNN_OK; k++)
    s = cnn_op_has_input (node, 3) ?
        cnn_op_norm_axis (ax[k], rank, "axis", &axes[k], d) :
        ((axes[k] = (int) k), CNN_OK);
  if (s == CNN_OK && *n_pads != 2 * n_axes)
    s = cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "pads has %zu values, expected %zu", *n_pads, 2 * n_axes);
  *n_pads = n_axes;
  return s;
}

static CnnStatus
pad_plan (const CnnGraph *g, const CnnNode *node, PadPlan *p, CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  int64_t pads[2 * CNN_MAX_RANK];
  int axes[CNN_MAX_RANK];
  size_t n;
  const char *mode = cnn_node_attr_string (node, "mode", "constant");
  memset (p, 0, sizeof *p);
  if (strcmp (mode, "constant") == 0)
    p->mode = PAD_CONSTANT;
  else if (strcmp (mode, "reflect") == 0)
    p->mode = PAD_REFLECT;
  else if (strcmp (mode, "edge") == 0)
    p->mode = PAD_EDGE;
  else
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "mode '%s' is not supported",
        mode);
  CnnStatus s = pad_params (g, node, in->rank, pads, &n, axes, p, d);
  if (s != CNN_OK)
    return s;
  p->out = *in;
  for (size_t k = 0; k < n; k++) {
    int a = axes[k];
    int64_t b = pads[k], e = pads[k + n], dim = in->dims[a];
    if (b < -(INT64_C (1) << 40) || b > (INT64_C (1) << 40) ||
        e < -(INT64_C (1) << 40) || e > (INT64_C (1) << 40))
      return cnn_fail (d, CNN_ERR_SHAPE, "pads %lld, %lld on axis %d are "
          "too large", (long long) b, (long long) e, a);
    p->begin[a] = b;
    p->out.dims[a] = dim + b + e;
    if (p->out.dims[a] < 0)
      return cnn_fail (d, CNN_ERR_SHAPE, "pads %lld, %lld on axis %d of "
          "size %lld leave a negative size", (long long) b, (long long) e,
          a, (long long) dim);
    if (p->mode != PAD_CONSTANT && dim == 0 && p->out.dims[a] > 0)
      return cnn_fail (d, CNN_ERR_SHAPE, "cannot %s-pad an empty axis %d",
          mode, a);
  }
  return CNN_OK;
}

CnnStatus
cnn_prepare_pad (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  PadPlan p;
  CnnStatus s = cnn_op_check_arity (node, g->opset < 11 ? 1 : 2,
      g->opset < 11 ? 1 : 4, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, false, d);
  if (s == CNN_OK)
    s = pad_plan (g, node, &p, d);
  return s != CNN_OK ? s : cnn_op_set_output (g, node, 0, &p.out, d);
}

/* Input coordinate for output coordinate c on an axis of size n, or -1
 * when it falls in constant padding. */
static inline int64_t
pad_map (PadMode mode, int64_t c, int64_t n)
{
  if (c >= 0 && c < n)
    return c;
  if (mode == PAD_CONSTANT)
    return -1;
  if (mode == PAD_EDGE)
    return c < 0 ? 0 : n - 1;
  if (n == 1)
    return 0;
  int64_t period = 2 * (n - 1);
  c %= period;
  if (c < 0)
    c += period;
  return c < n ? c : period - c;
}

/* One innermost output row of length n from input row x of length in_n. */
static void
pad_row (const PadPlan *p, float *y, int64_t n, const float *x, int64_t in_n,
    int64_t begin)
{
  if (!x) {
    for (int64_t j = 0; j < n; j++)
      y[j] = p->value;
    return;
  }
  if (p->mode != PAD_CONSTANT) {
    for (int64_t j = 0; j < n; j++)
      y[j] = x[pad_map (p->mode, j - begin, in_n)];
    return;
  }
  int64_t lo = begin < 0 ? 0 : (begin > n ? n : begin);
  int64_t hi = in_n + begin < lo ? lo : (in_n + begin > n ? n : in_n + begin);
  for (int64_t j = 0; j < lo; j++)
    y[j] = p->value;
  if (hi > lo)
    memcpy (y + lo, x + (lo - begin), (size_t) (hi - lo) * sizeof *y);
  for (int64_t j = hi; j < n; j++)
    y[j] = p->value;
}

CnnStatus
cnn_run_pad (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  PadPlan p;
  int64_t istr[CNN_MAX_RANK], coord[CNN_MAX_RANK] = { 0 };
  CnnStatus s = pad_plan (g, node, &p, d);
  if (s != CNN_OK)
    return s;
  const float *x = exec->ptr[node->inputs[0]];
  float *y = exec->ptr[node->outputs[0]];
  int64_t total = cnn_numel (&p.out);
  if (g->opset >= 11 && cnn_op_has_input (node, 2))
    p.value = *cnn_exec_f32 (exec, node->inputs[2]);
  if (in->rank == 0) {
    y[0] = x[0];
    return CNN_OK;
  }
  int last = in->rank - 1;
  int64_t row = p.out.dims[last];
  cnn_op_strides (in, istr);
  for (int64_t pos = 0; total > 0 && pos < total; pos += row) {
    int64_t off = 0;
    bool inside = true;
    for (int k = 0; k < last && inside; k++) {
      int64_t c = pad_map (p.mode, coord[k] - p.begin[k], in->dims[k]);
      inside = c >= 0;
      off += c * istr[k];
    }
    pad_row (&p, y + pos, row, inside ? x + off : NULL, in->dims[last],
        p.begin[last]);
    for (int k = last - 1; k >= 0; k--) {
      if (++coord[k] < p.out.dims[k])
        break;
      coord[k] = 0;
    }
  }
  return CNN_OK;
}
