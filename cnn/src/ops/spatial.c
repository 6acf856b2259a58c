/* spatial.c — window geometry shared by Conv and the pooling ops.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See spatial.h. Pure attribute arithmetic: no allocation.
 */
#include "spatial.h"
#include "../kernels/gemm.h"

#include <stdio.h>
#include <string.h>

const char *
cnn_format_sizes (const int64_t *v, int n, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && used < len; i++)
    used += (size_t) snprintf (buf + used, len - used, "%s%lld",
        i ? "x" : "", (long long) v[i]);
  return buf;
}

static const char *
dtype_name (CnnDType t)
{
  switch (t) {
    case CNN_DTYPE_FLOAT32: return "float32";
    case CNN_DTYPE_INT32: return "int32";
    case CNN_DTYPE_INT64: return "int64";
    case CNN_DTYPE_FLOAT16: return "float16";
    default: return "an unsupported type";
  }
}

CnnStatus
cnn_require_f32 (const CnnValue *v, const char *what, CnnDiag *d)
{
  if (v->info.dtype != CNN_DTYPE_FLOAT32)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "%s must be float32, got %s",
        what, dtype_name (v->info.dtype));
  return CNN_OK;
}

CnnStatus
cnn_require_blas (CnnDiag *d)
{
  const char *why = cnn_blas_load ();
  if (why)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "this shape runs on BLAS on "
        "this CPU, and %s", why);
  return CNN_OK;
}

/* Reads an INTS attribute of exactly n entries, each >= min, into out
 * (left unchanged when the attribute is absent). */
static CnnStatus
read_ints (const CnnNode *node, const char *name, int n, int64_t min,
    int64_t *out, CnnDiag *d)
{
  const int64_t *v;
  size_t count = cnn_node_attr_ints (node, name, &v);
  if (!cnn_node_attr (node, name))
    return CNN_OK;
  if (count != (size_t) n)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s has %zu values, expected "
        "%d", name, count, n);
  for (int i = 0; i < n; i++) {
    if (v[i] < min || v[i] > (int64_t) 1 << 30)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s[%d] = %lld is out of "
          "range", name, i, (long long) v[i]);
    out[i] = v[i];
  }
  return CNN_OK;
}

typedef enum { PAD_NOTSET, PAD_SAME_UPPER, PAD_SAME_LOWER, PAD_VALID } AutoPad;

static CnnStatus
read_auto_pad (const CnnNode *node, AutoPad *mode, CnnDiag *d)
{
  const char *s = cnn_node_attr_string (node, "auto_pad", "NOTSET");
  if (strcmp (s, "NOTSET") == 0 || s[0] == '\0')
    *mode = PAD_NOTSET;
  else if (strcmp (s, "SAME_UPPER") == 0)
    *mode = PAD_SAME_UPPER;
  else if (strcmp (s, "SAME_LOWER") == 0)
    *mode = PAD_SAME_LOWER;
  else if (strcmp (s, "VALID") == 0)
    *mode = PAD_VALID;
  else
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "unknown auto_pad '%s'", s);
  return CNN_OK;
}

/* Output size of one axis with explicit pads; -1 if the window does not
 * fit. */
static int64_t
axis_out (const CnnSpatial *sp, int i, bool ceil_mode)
{
  int64_t eff = (sp->k[i] - 1) * sp->dil[i] + 1;
  int64_t room = sp->in[i] + sp->pad_begin[i] + sp->pad_end[i] - eff;
  if (room < 0)
    return -1;
  int64_t out = (ceil_mode ? (room + sp->stride[i] - 1) / sp->stride[i]
      : room / sp->stride[i]) + 1;
  if (ceil_mode && (out - 1) * sp->stride[i] >= sp->in[i] + sp->pad_begin[i])
    out--;
  return out;
}

static CnnStatus
read_geometry (const CnnNode *node, int rank, const int64_t *kernel,
    CnnSpatial *sp, CnnDiag *d)
{
  int64_t pads[2 * CNN_SPATIAL_MAX] = { 0 };
  CnnStatus st;
  if ((st = read_ints (node, "strides", rank, 1, sp->stride, d)) != CNN_OK
      || (st = read_ints (node, "dilations", rank, 1, sp->dil, d)) != CNN_OK
      || (st = read_ints (node, "pads", 2 * rank, 0, pads, d)) != CNN_OK)
    return st;
  for (int i = 0; i < rank; i++) {
    sp->pad_begin[i] = pads[i];
    sp->pad_end[i] = pads[rank + i];
  }
  if (kernel) {
    int64_t attr_k[CNN_SPATIAL_MAX];
    memcpy (attr_k, kernel, sizeof (int64_t) * (size_t) rank);
    if ((st = read_ints (node, "kernel_shape", rank, 1, attr_k, d)) != CNN_OK)
      return st;
    char a[64], b[64];
    if (memcmp (attr_k, kernel, sizeof (int64_t) * (size_t) rank) != 0)
      return cnn_fail (d, CNN_ERR_SHAPE, "kernel_shape %s does not match the "
          "weights' kernel %s", cnn_format_sizes (attr_k, rank, a, sizeof a),
          cnn_format_sizes (kernel, rank, b, sizeof b));
    memcpy (sp->k, kernel, sizeof (int64_t) * (size_t) rank);
  } else {
    if (!cnn_node_attr (node, "kernel_shape"))
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "kernel_shape is required");
    if ((st = read_ints (node, "kernel_shape", rank, 1, sp->k, d)) != CNN_OK)
      return st;
  }
  return CNN_OK;
}

CnnStatus
cnn_spatial_resolve (const CnnNode *node, int rank, const int64_t *in,
    const int64_t *kernel, bool ceil_mode, CnnSpatial *sp, CnnDiag *d)
{
  memset (sp, 0, sizeof *sp);
  if (rank < 1 || rank > CNN_SPATIAL_MAX)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "%d spatial dimensions are not "
        "supported (1 to %d)", rank, CNN_SPATIAL_MAX);
  sp->rank = rank;
  for (int i = 0; i < rank; i++) {
    if (in[i] < 1)
      return cnn_fail (d, CNN_ERR_SHAPE, "spatial size %lld is empty",
          (long long) in[i]);
    sp->in[i] = in[i];
    sp->stride[i] = sp->dil[i] = 1;
  }
  AutoPad mode = PAD_NOTSET;
  CnnStatus st;
  if ((st = read_auto_pad (node, &mode, d)) != CNN_OK
      || (st = read_geometry (node, rank, kernel, sp, d)) != CNN_OK)
    return st;
  for (int i = 0; i < rank; i++) {
    int64_t eff = (sp->k[i] - 1) * sp->dil[i] + 1;
    if (mode == PAD_VALID) {
      sp->pad_begin[i] = sp->pad_end[i] = 0;
    } else if (mode == PAD_SAME_UPPER || mode == PAD_SAME_LOWER) {
      int64_t out = (in[i] + sp->stride[i] - 1) / sp->stride[i];
      int64_t total = (out - 1) * sp->stride[i] + eff - in[i];
      if (total < 0)
        total = 0;
      sp->pad_begin[i] = mode == PAD_SAME_UPPER ? total / 2 : total - total / 2;
      sp->pad_end[i] = total - sp->pad_begin[i];
    }
    sp->out[i] = axis_out (sp, i, ceil_mode && mode == PAD_NOTSET);
  }
  for (int i = 0; i < rank; i++) {
    if (sp->out[i] < 1) {
      char k[64], x[64], p[128];
      int64_t pads[2 * CNN_SPATIAL_MAX];
      for (int j = 0; j < rank; j++) {
        pads[j] = sp->pad_begin[j];
        pads[rank + j] = sp->pad_end[j];
      }
      cnn_format_sizes (pads, 2 * rank, p, sizeof p);
      for (char *c = p; *c; c++)
        if (*c == 'x')
          *c = ',';
      return cnn_fail (d, CNN_ERR_SHAPE, "kernel %s%s does not fit input %s "
          "(pads %s)", cnn_format_sizes (sp->k, rank, k, sizeof k),
          sp->dil[i] > 1 ? " (dilated)" : "",
          cnn_format_sizes (sp->in, rank, x, sizeof x), p);
    }
  }
  return CNN_OK;
}

void
cnn_spatial_window (const CnnSpatial *sp, CnnConvGeom *g)
{
  int lead = 3 - sp->rank;
  for (int i = 0; i < 3; i++) {
    int s = i - lead;
    g->in[i] = s < 0 ? 1 : sp->in[s];
    g->out[i] = s < 0 ? 1 : sp->out[s];
    g->k[i] = s < 0 ? 1 : sp->k[s];
    g->stride[i] = s < 0 ? 1 : sp->stride[s];
    g->dil[i] = s < 0 ? 1 : sp->dil[s];
    g->pad[i] = s < 0 ? 0 : sp->pad_begin[s];
  }
}

CnnStatus
cnn_pool_geom_resolve (const CnnNode *node, const CnnTensorInfo *x,
    bool is_max, CnnPoolGeom *pg, CnnSpatial *sp, CnnDiag *d)
{
  int rank = x->rank - 2;
  bool ceil_mode = cnn_node_attr_int (node, "ceil_mode", 0) == 1;
  CnnStatus st = cnn_spatial_resolve (node, rank, x->dims + 2, NULL,
      ceil_mode, sp, d);
  if (st != CNN_OK)
    return st;
  memset (pg, 0, sizeof *pg);
  CnnConvGeom *g = &pg->geom;
  g->n = x->dims[0];
  g->c = g->oc = g->group = x->dims[1];
  cnn_spatial_window (sp, g);
  int lead = 3 - rank;
  for (int i = lead; i < 3; i++)
    pg->pad_end[i] = sp->pad_end[i - lead];
  pg->is_max = is_max;
  pg->count_include_pad =
      cnn_node_attr_int (node, "count_include_pad", 0) == 1;
  return CNN_OK;
}
