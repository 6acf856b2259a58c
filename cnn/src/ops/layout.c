/* layout.c — operators that move elements around: Transpose, Concat,
 * Split, Gather (Slice and Pad are in slice_pad.c, same table).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Data is float32 at run time or int64 when every input is constant (shape
 * vectors being folded), so the kernels move elements of 4 or 8 bytes and
 * copy whole contiguous runs with memcpy. Index-like inputs (Split's split
 * from opset 13, Gather's indices) must be constant.
 */
#include "layout.h"
#include "op_util.h"

#include <string.h>

/* Copies n elements of esize bytes from src with element stride `stride`
 * to contiguous dst. */
void
cnn_layout_gather_row (char *dst, const char *src, int64_t stride, int64_t n,
    size_t esize)
{
  if (stride == 1) {
    memcpy (dst, src, (size_t) n * esize);
  } else if (esize == 4) {
    const float *s = (const float *) src;
    float *o = (float *) dst;
    for (int64_t i = 0; i < n; i++)
      o[i] = s[i * stride];
  } else {
    for (int64_t i = 0; i < n; i++)
      memcpy (dst + (size_t) i * esize, src + (i * stride) * (int64_t) esize,
          esize);
  }
}

/* ---- Transpose ------------------------------------------------------ */

static CnnStatus
transpose_perm (const CnnNode *node, int rank, int *perm, CnnDiag *d)
{
  const int64_t *p;
  size_t n = cnn_node_attr_ints (node, "perm", &p);
  unsigned seen = 0;
  if (n == 0) {
    for (int i = 0; i < rank; i++)
      perm[i] = rank - 1 - i;
    return CNN_OK;
  }
  if ((int) n != rank)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "perm has %zu entries for rank %d", n, rank);
  for (int i = 0; i < rank; i++) {
    if (p[i] < 0 || p[i] >= rank || (seen >> p[i]) & 1)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "perm is not a permutation of 0..%d", rank - 1);
    seen |= 1u << p[i];
    perm[i] = (int) p[i];
  }
  return CNN_OK;
}

static CnnStatus
prepare_transpose (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  int perm[CNN_MAX_RANK];
  CnnStatus s = cnn_op_check_arity (node, 1, 1, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, true, d);
  if (s != CNN_OK)
    return s;
  const CnnTensorInfo *in = &cnn_node_input (g, node, 0)->info;
  if ((s = transpose_perm (node, in->rank, perm, d)) != CNN_OK)
    return s;
  CnnTensorInfo out = *in;
  for (int i = 0; i < in->rank; i++)
    out.dims[i] = in->dims[perm[i]];
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
run_transpose (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  const CnnTensorInfo *out = &g->values[node->outputs[0]].info;
  size_t esize = cnn_dtype_size (in->dtype);
  int perm[CNN_MAX_RANK];
  int64_t istr[CNN_MAX_RANK], dims[CNN_MAX_RANK], str[CNN_MAX_RANK];
  int r = 0;
  CnnStatus s = transpose_perm (node, in->rank, perm, d);
  if (s != CNN_OK)
    return s;
  cnn_op_strides (in, istr);
  /* output dims with their input strides; size-1 dims dropped, dims that
   * stay adjacent in the input merged */
  for (int i = 0; i < out->rank; i++) {
    if (out->dims[i] == 1)
      continue;
    if (r > 0 && str[r - 1] == istr[perm[i]] * out->dims[i]) {
      dims[r - 1] *= out->dims[i];
      str[r - 1] = istr[perm[i]];
      continue;
    }
    dims[r] = out->dims[i];
    str[r++] = istr[perm[i]];
  }
  if (r == 0) {
    dims[r] = 1;
    str[r++] = 1;
  }
  int64_t total = cnn_numel (out), coord[CNN_MAX_RANK] = { 0 }, off = 0;
  const char *x = exec->ptr[node->inputs[0]];
  char *y = exec->ptr[node->outputs[0]];
  for (int64_t pos = 0; pos < total; pos += dims[r - 1]) {
    cnn_layout_gather_row (y + pos * (int64_t) esize, x + off * (int64_t) esize,
        str[r - 1], dims[r - 1], esize);
    for (int k = r - 2; k >= 0; k--) {
      off += str[k];
      if (++coord[k] < dims[k])
        break;
      off -= coord[k] * str[k];
      coord[k] = 0;
    }
  }
  return CNN_OK;
}

/* ---- Concat --------------------------------------------------------- */

static CnnStatus
prepare_concat (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  int axis;
  CnnStatus s = cnn_op_check_arity (node, 1, 1 << 20, 1, 1, d);
  if (s != CNN_OK)
    return s;
  const CnnTensorInfo *in0 = &cnn_node_input (g, node, 0)->info;
  if (!cnn_node_attr (node, "axis"))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "attribute 'axis' is missing");
  s = cnn_op_norm_axis (cnn_node_attr_int (node, "axis", 0), in0->rank,
      "axis", &axis, d);
  if (s != CNN_OK)
    return s;
  CnnTensorInfo out = *in0;
  out.dims[axis] = 0;
  for (int i = 0; i < node->n_inputs && s == CNN_OK; i++) {
    const CnnValue *v = cnn_node_input (g, node, i);
    if (!v)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "input %d is missing", i);
    s = cnn_op_check_dtype (g, node, i, true, d);
    bool ok = v->info.rank == in0->rank && v->info.dtype == in0->dtype;
    for (int k = 0; ok && k < in0->rank; k++)
      ok = k == axis || v->info.dims[k] == in0->dims[k];
    if (s == CNN_OK && !ok) {
      char sa[128], sb[128];
      return cnn_fail (d, CNN_ERR_SHAPE,
          "input %d %s does not match input 0 %s outside axis %d", i,
          cnn_dims_str (&v->info, sa, sizeof sa),
          cnn_dims_str (in0, sb, sizeof sb), axis);
    }
    out.dims[axis] += v->info.dims[axis];
  }
  return s != CNN_OK ? s : cnn_op_set_output (g, node, 0, &out, d);
}

/* Rows before the axis and bytes per row slice of dims[axis..]. */
static void
axis_split (const CnnTensorInfo *info, int axis, int64_t *outer,
    int64_t *inner_bytes)
{
  *outer = 1;
  *inner_bytes = (int64_t) cnn_dtype_size (info->dtype);
  for (int i = 0; i < info->rank; i++) {
    if (i < axis)
      *outer *= info->dims[i];
    else
      *inner_bytes *= info->dims[i];
  }
}

static CnnStatus
run_concat (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *out = &g->values[node->outputs[0]].info;
  int axis;
  cnn_op_norm_axis (cnn_node_attr_int (node, "axis", 0), out->rank, "axis",
      &axis, d);
  int64_t outer, out_row, in_row, offset = 0;
  axis_split (out, axis, &outer, &out_row);
  char *y = exec->ptr[node->outputs[0]];
  for (int i = 0; i < node->n_inputs; i++) {
    const char *x = exec->ptr[node->inputs[i]];
    axis_split (&g->values[node->inputs[i]].info, axis, &outer, &in_row);
    /* an input planned as a view of its slice is already in place */
    for (int64_t o = 0; o < outer && in_row > 0 && x != y + offset; o++)
      memcpy (y + o * out_row + offset, x + o * in_row, (size_t) in_row);
    offset += in_row;
  }
  return CNN_OK;
}

/* ---- Split ---------------------------------------------------------- */

/* Sizes of the outputs along the axis into sizes[0..n_outputs). */
static CnnStatus
split_sizes (const CnnGraph *g, const CnnNode *node, int64_t dim,
    int64_t *sizes, CnnDiag *d)
{
  int n = node->n_outputs;
  size_t ns = 0;
  if (g->opset < 13) {
    const int64_t *a;
    ns = cnn_node_attr_ints (node, "split", &a);
    if (ns)
      memcpy (sizes, a, (ns <= (size_t) n ? ns : (size_t) n) * sizeof *a);
  } else if (cnn_op_has_input (node, 1)) {
    CnnStatus s = cnn_op_const_ints (g, node, 1, "split", sizes, (size_t) n,
        &ns, d);
    if (s != CNN_OK)
      return s;
  }
  if (ns == 0) {
    /* opset 18 num_outputs: ceil-sized chunks, the last one smaller */
    int64_t chunk = (dim + n - 1) / n;
    if (g->opset < 18 && dim % n != 0)
      return cnn_fail (d, CNN_ERR_SHAPE,
          "axis of size %lld does not split evenly into %d outputs",
          (long long) dim, n);
    for (int i = 0; i < n; i++) {
      int64_t left = dim - chunk * i;
      sizes[i] = left < 0 ? 0 : (left < chunk ? left : chunk);
    }
    return CNN_OK;
  }
  int64_t sum = 0;
  if (ns != (size_t) n)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "split has %zu sizes for %d outputs", ns, n);
  for (size_t i = 0; i < ns; i++) {
    if (sizes[i] < 0 || sizes[i] > dim)
      return cnn_fail (d, CNN_ERR_SHAPE, "split[%zu] = %lld for an axis of "
          "size %lld", i, (long long) sizes[i], (long long) dim);
    sum += sizes[i];
  }
  if (sum != dim)
    return cnn_fail (d, CNN_ERR_SHAPE, "split sizes sum to %lld for an axis "
        "of size %lld", (long long) sum, (long long) dim);
  return CNN_OK;
}

static CnnStatus
prepare_split (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  int axis;
  int64_t sizes[64];
  CnnStatus s = cnn_op_check_arity (node, 1, g->opset >= 13 ? 2 : 1, 1, 64, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, true, d);
  if (s != CNN_OK)
    return s;
  const CnnTensorInfo *in = &cnn_node_input (g, node, 0)->info;
  s = cnn_op_norm_axis (cnn_node_attr_int (node, "axis", 0), in->rank,
      "axis", &axis, d);
  if (s == CNN_OK)
    s = split_sizes (g, node, in->dims[axis], sizes, d);
  for (int i = 0; i < node->n_outputs && s == CNN_OK; i++) {
    CnnTensorInfo out = *in;
    out.dims[axis] = sizes[i];
    s = cnn_op_set_output (g, node, i, &out, d);
  }
  return s;
}

static CnnStatus
run_split (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *in = &g->values[node->inputs[0]].info;
  int axis;
  cnn_op_norm_axis (cnn_node_attr_int (node, "axis", 0), in->rank, "axis",
      &axis, d);
  int64_t outer, in_row, out_row, offset = 0;
  axis_split (in, axis, &outer, &in_row);
  const char *x = exec->ptr[node->inputs[0]];
  for (int i = 0; i < node->n_outputs; i++) {
    if (node->outputs[i] < 0)
      continue;
    char *y = exec->ptr[node->outputs[i]];
    axis_split (&g->values[node->outputs[i]].info, axis, &outer, &out_row);
    for (int64_t o = 0; o < outer && out_row > 0; o++)
      memcpy (y + o * out_row, x + o * in_row + offset, (size_t) out_row);
    offset += out_row;
  }
  return CNN_OK;
}

/* ---- Gather --------------------------------------------------------- */

static CnnStatus
prepare_gather (CnnGraph *g, CnnNode *node, CnnDiag *d)
{
  int axis;
  CnnStatus s = cnn_op_check_arity (node, 2, 2, 1, 1, d);
  if (s == CNN_OK)
    s = cnn_op_check_dtype (g, node, 0, true, d);
  if (s != CNN_OK)
    return s;
  const CnnTensorInfo *data = &cnn_node_input (g, node, 0)->info;
  const CnnValue *idx = cnn_node_input (g, node, 1);
  s = cnn_op_norm_axis (cnn_node_attr_int (node, "axis", 0), data->rank,
      "axis", &axis, d);
  if (s != CNN_OK)
    return s;
  if (!cnn_op_input_const (g, node, 1))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "indices ('%s') must be a constant", idx->name);
  if (idx->info.dtype != CNN_DTYPE_INT64 && idx->info.dtype != CNN_DTYPE_INT32)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "indices must be int64 or int32, are %s",
        cnn_op_dtype_name (idx->info.dtype));
  int64_t n = cnn_numel (&idx->info), dim = data->dims[axis];
  for (int64_t i = 0; i < n; i++) {
    int64_t v = idx->info.dtype == CNN_DTYPE_INT64 ?
        ((const int64_t *) idx->data)[i] : ((const int32_t *) idx->data)[i];
    if (v < -dim || v >= dim)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "index %lld is out of range for axis %d of size %lld",
          (long long) v, axis, (long long) dim);
  }
  CnnTensorInfo out = { data->dtype, data->rank - 1 + idx->info.rank, { 0 } };
  if (out.rank > CNN_MAX_RANK)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "output rank %d exceeds %d",
        out.rank, CNN_MAX_RANK);
  int k = 0;
  for (int i = 0; i < axis; i++)
    out.dims[k++] = data->dims[i];
  for (int i = 0; i < idx->info.rank; i++)
    out.dims[k++] = idx->info.dims[i];
  for (int i = axis + 1; i < data->rank; i++)
    out.dims[k++] = data->dims[i];
  return cnn_op_set_output (g, node, 0, &out, d);
}

static CnnStatus
run_gather (const CnnGraph *g, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const CnnTensorInfo *data = &g->values[node->inputs[0]].info;
  const CnnTensorInfo *ii = &g->values[node->inputs[1]].info;
  const void *idx = exec->ptr[node->inputs[1]];
  int axis;
  cnn_op_norm_axis (cnn_node_attr_int (node, "axis", 0), data->rank, "axis",
      &axis, d);
  int64_t outer = 1, inner = (int64_t) cnn_dtype_size (data->dtype);
  int64_t dim = data->dims[axis], n = cnn_numel (ii);
  for (int i = 0; i < data->rank; i++) {
    if (i < axis)
      outer *= data->dims[i];
    else if (i > axis)
      inner *= data->dims[i];
  }
  const char *x = exec->ptr[node->inputs[0]];
  char *y = exec->ptr[node->outputs[0]];
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < n; i++) {
      int64_t v = ii->dtype == CNN_DTYPE_INT64 ?
          ((const int64_t *) idx)[i] : ((const int32_t *) idx)[i];
      if (v < 0)
        v += dim;
      if (v < 0 || v >= dim)
        return cnn_fail (d, CNN_ERR_INVALID_MODEL, "index out of range");
      memcpy (y + (o * n + i) * inner, x + (o * dim + v) * inner,
          (size_t) inner);
    }
  }
  return CNN_OK;
}

const CnnOpDef cnn_ops_layout[] = {
  { "Transpose", prepare_transpose, run_transpose, NULL, NULL },
  { "Concat", prepare_concat, run_concat, NULL, NULL },
  { "Split", prepare_split, run_split, NULL, NULL },
  { "Gather", prepare_gather, run_gather, NULL, NULL },
  { "Slice", cnn_prepare_slice, cnn_run_slice, NULL, NULL },
  { "Pad", cnn_prepare_pad, cnn_run_pad, NULL, NULL },
  { NULL },
};
