/* test_pool.c — MaxPool, AveragePool and the global pools.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. Hand-computed values (the ONNX operator examples and small padded
 *    windows) check the operators and, through them, the reference.
 * 2. A table of odd geometries (strides, dilations, asymmetric pads,
 *    ceil_mode, count_include_pad, auto_pad, 1-D/2-D/3-D): the op's output
 *    shape against the ONNX formula computed here, its values against
 *    cnn_pool_plane_ref on a geometry built here (1e-6 relative, 1e-6
 *    absolute), 1 vs 2 threads bitwise identical.
 * 3. Global pools against direct sums/maxima; Indices output refused.
 */
#include "kernels/pooling.h"
#include "op_harness.h"

#include <math.h>

typedef struct {
  const char *what;
  bool is_max;
  int rank;
  int64_t n, c, in[3], k[3], stride[3], dil[3], pads[6];
  bool ceil_mode, include_pad;
  const char *auto_pad;
} PoolCase;

static const PoolCase cases[] = {
  { "max 3x3 s2 p1", true, 2, 1, 3, { 7, 5 }, { 3, 3 }, { 2, 2 }, { 1, 1 },
    { 1, 1, 1, 1 }, false, false, NULL },
  { "max 2x2 s2 ceil", true, 2, 2, 2, { 7, 9 }, { 2, 2 }, { 2, 2 },
    { 1, 1 }, { 0 }, true, false, NULL },
  { "max 3x2 dil 2 asym", true, 2, 1, 2, { 9, 8 }, { 3, 2 }, { 1, 2 },
    { 2, 2 }, { 2, 0, 1, 1 }, false, false, NULL },
  { "avg 3x3 s2 p1 exclude", false, 2, 1, 3, { 7, 5 }, { 3, 3 }, { 2, 2 },
    { 1, 1 }, { 1, 1, 1, 1 }, false, false, NULL },
  { "avg 3x3 s2 p1 include", false, 2, 1, 3, { 7, 5 }, { 3, 3 }, { 2, 2 },
    { 1, 1 }, { 1, 1, 1, 1 }, false, true, NULL },
  { "avg ceil include asym", false, 2, 2, 2, { 8, 6 }, { 3, 2 }, { 2, 3 },
    { 1, 1 }, { 0, 1, 1, 0 }, true, true, NULL },
  { "avg ceil exclude dil", false, 2, 1, 2, { 9, 7 }, { 2, 3 }, { 3, 2 },
    { 2, 1 }, { 1, 1, 0, 1 }, true, false, NULL },
  { "avg SAME_UPPER", false, 2, 1, 2, { 7, 6 }, { 4, 3 }, { 2, 2 },
    { 1, 1 }, { 0 }, false, false, "SAME_UPPER" },
  { "max SAME_LOWER", true, 2, 1, 2, { 7, 6 }, { 4, 3 }, { 2, 2 },
    { 1, 1 }, { 0 }, false, false, "SAME_LOWER" },
  { "avg VALID", false, 2, 1, 2, { 7, 6 }, { 3, 3 }, { 3, 2 }, { 1, 1 },
    { 0 }, false, false, "VALID" },
  { "max 1-D", true, 1, 2, 3, { 11 }, { 3 }, { 2 }, { 1 }, { 1, 2 }, true,
    false, NULL },
  { "avg 1-D include", false, 1, 1, 2, { 10 }, { 4 }, { 3 }, { 1 },
    { 2, 1 }, false, true, NULL },
  { "max 3-D", true, 3, 1, 2, { 5, 6, 4 }, { 2, 3, 2 }, { 2, 1, 2 },
    { 1, 1, 1 }, { 1, 0, 1, 0, 1, 0 }, false, false, NULL },
  { "avg 3-D ceil include", false, 3, 1, 2, { 5, 5, 5 }, { 2, 2, 2 },
    { 2, 2, 2 }, { 1, 1, 1 }, { 0 }, true, true, NULL },
};

static int64_t
expected_axis (const PoolCase *t, int i, int64_t *pb, int64_t *pe)
{
  int64_t eff = (t->k[i] - 1) * t->dil[i] + 1;
  if (t->auto_pad && strncmp (t->auto_pad, "SAME", 4) == 0) {
    int64_t out = (t->in[i] + t->stride[i] - 1) / t->stride[i];
    int64_t total = (out - 1) * t->stride[i] + eff - t->in[i];
    total = total < 0 ? 0 : total;
    *pb = strcmp (t->auto_pad, "SAME_UPPER") == 0 ? total / 2
        : total - total / 2;
    *pe = total - *pb;
    return out;
  }
  *pb = t->auto_pad ? 0 : t->pads[i];
  *pe = t->auto_pad ? 0 : t->pads[t->rank + i];
  double span = (double) (t->in[i] + *pb + *pe - eff) / t->stride[i];
  int64_t out = (int64_t) (t->ceil_mode ? ceil (span) : floor (span)) + 1;
  /* PyTorch / ONNX Runtime: no window may start in the end padding */
  if (t->ceil_mode && (out - 1) * t->stride[i] >= t->in[i] + *pb)
    out--;
  return out;
}

/* Builds a graph with one pooling node; returns the node index. */
static int
pool_graph (CnnGraph *gr, const char *op, int rank, const int64_t *xd,
    int *x_out, int *y_out)
{
  cnn_graph_init (gr);
  *x_out = h_value (gr, "X", CNN_VALUE_INPUT, rank, xd, NULL);
  *y_out = h_value (gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  return h_node (gr, cnn_ops_pool, op, 1, x_out, 1, y_out);
}

static void
run_case (const PoolCase *t, uint32_t seed)
{
  CnnPoolGeom pg = { .is_max = t->is_max,
    .count_include_pad = t->include_pad };
  CnnConvGeom *g = &pg.geom;
  g->n = t->n;
  g->c = g->oc = g->group = t->c;
  int lead = 3 - t->rank;
  int64_t xd[5] = { t->n, t->c };
  for (int i = 0; i < 3; i++) {
    int s = i - lead;
    g->in[i] = g->k[i] = g->stride[i] = g->dil[i] = g->out[i] = 1;
    g->pad[i] = pg.pad_end[i] = 0;
    if (s >= 0) {
      g->in[i] = xd[2 + s] = t->in[s];
      g->k[i] = t->k[s];
      g->stride[i] = t->stride[s];
      g->dil[i] = t->dil[s];
      g->out[i] = expected_axis (t, s, &g->pad[i], &pg.pad_end[i]);
    }
  }
  int64_t planes = t->n * t->c, in_size = cnn_conv_geom_in_size (g);
  int64_t out_size = cnn_conv_geom_out_size (g);
  size_t ny = (size_t) (planes * out_size);
  float *x = h_rand_array ((size_t) (planes * in_size), seed);
  float *ref = malloc (ny * 4), *y1 = malloc (ny * 4), *y2 = malloc (ny * 4);
  for (int64_t p = 0; p < planes; p++)
    cnn_pool_plane_ref (&pg, x + p * in_size, ref + p * out_size);

  CnnGraph gr;
  int xv, yv;
  int ni = pool_graph (&gr, t->is_max ? "MaxPool" : "AveragePool",
      2 + t->rank, xd, &xv, &yv);
  CnnNode *node = &gr.nodes[ni];
  h_attr_ints (node, "kernel_shape", t->rank, t->k);
  h_attr_ints (node, "strides", t->rank, t->stride);
  h_attr_ints (node, "dilations", t->rank, t->dil);
  if (t->auto_pad)
    h_attr_string (node, "auto_pad", t->auto_pad);
  else
    h_attr_ints (node, "pads", 2 * t->rank, t->pads);
  h_attr_int (node, "ceil_mode", t->ceil_mode);
  h_attr_int (node, "count_include_pad", t->include_pad);
  CnnDiag d;
  CnnStatus st = h_prepare (&gr, ni, &d);
  CHECK_MSG (st == CNN_OK, "%s: %s", t->what, d.message);
  if (st == CNN_OK) {
    bool shape_ok = h_numel (&gr, yv) == ny;
    for (int s = 0; s < t->rank; s++)
      shape_ok &= gr.values[yv].info.dims[2 + s] == g->out[lead + s];
    CHECK_MSG (shape_ok, "%s: output shape", t->what);
    float *in[1] = { x };
    CHECK (h_run (&gr, ni, 1, in, &y1, &d) == CNN_OK);
    CHECK (h_run (&gr, ni, 2, in, &y2, &d) == CNN_OK);
    CHECK_CLOSE (y1, ref, ny, 1e-6, 1e-6);
    CHECK_MSG (memcmp (y1, y2, ny * 4) == 0, "%s: threads differ", t->what);
  }
  cnn_graph_clear (&gr);
  free (x);
  free (ref);
  free (y1);
  free (y2);
}

/* Runs op on a 1x1xHxW input with integer attributes; y gets the output. */
static void
run_small (const char *op, int64_t h, int64_t w, const float *x,
    const int64_t *k, const int64_t *s, const int64_t *pads, int ceil_mode,
    int include, float *y, size_t ny)
{
  CnnGraph gr;
  int xv, yv;
  int64_t xd[4] = { 1, 1, h, w };
  int ni = pool_graph (&gr, op, 4, xd, &xv, &yv);
  h_attr_ints (&gr.nodes[ni], "kernel_shape", 2, k);
  h_attr_ints (&gr.nodes[ni], "strides", 2, s);
  h_attr_ints (&gr.nodes[ni], "pads", 4, pads);
  h_attr_int (&gr.nodes[ni], "ceil_mode", ceil_mode);
  h_attr_int (&gr.nodes[ni], "count_include_pad", include);
  CnnDiag d;
  CHECK (h_prepare (&gr, ni, &d) == CNN_OK);
  CHECK (h_numel (&gr, yv) == ny);
  float *in[1] = { (float *) x };
  if (h_numel (&gr, yv) == ny)
    CHECK (h_run (&gr, ni, 1, in, &y, &d) == CNN_OK);
  cnn_graph_clear (&gr);
}

static void
test_values (void)
{
  float x16[16], x9[9], y[16];
  for (int i = 0; i < 16; i++)
    x16[i] = (float) (i + 1);
  for (int i = 0; i < 9; i++)
    x9[i] = (float) (i + 1);
  int64_t k3[2] = { 3, 3 }, k2[2] = { 2, 2 }, s2[2] = { 2, 2 };
  int64_t s1[2] = { 1, 1 }, p0[4] = { 0 }, p1[4] = { 1, 1, 1, 1 };
  /* ONNX examples maxpool_2d_ceil / averagepool_2d_ceil */
  const float max_ceil[4] = { 11, 12, 15, 16 };
  const float avg_ceil[4] = { 6, 7.5f, 12, 13.5f };
  run_small ("MaxPool", 4, 4, x16, k3, s2, p0, 1, 0, y, 4);
  CHECK_CLOSE (y, max_ceil, 4, 0, 0);
  run_small ("AveragePool", 4, 4, x16, k3, s2, p0, 1, 0, y, 4);
  CHECK_CLOSE (y, avg_ceil, 4, 1e-7, 0);
  /* 3x3 input, 2x2 windows, stride 1, pads 1: 4x4 outputs */
  const float inc[16] = { 0.25f, 0.75f, 1.25f, 0.75f, 1.25f, 3, 4, 2.25f,
    2.75f, 6, 7, 3.75f, 1.75f, 3.75f, 4.25f, 2.25f };
  const float exc[16] = { 1, 1.5f, 2.5f, 3, 2.5f, 3, 4, 4.5f, 5.5f, 6, 7,
    7.5f, 7, 7.5f, 8.5f, 9 };
  const float mx[16] = { 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 7, 8, 9, 9 };
  run_small ("AveragePool", 3, 3, x9, k2, s1, p1, 0, 1, y, 16);
  CHECK_CLOSE (y, inc, 16, 1e-7, 0);
  run_small ("AveragePool", 3, 3, x9, k2, s1, p1, 0, 0, y, 16);
  CHECK_CLOSE (y, exc, 16, 1e-7, 0);
  run_small ("MaxPool", 3, 3, x9, k2, s1, p1, 0, 0, y, 16);
  CHECK_CLOSE (y, mx, 16, 0, 0);
}

static void
test_global (void)
{
  int64_t xd[5] = { 2, 3, 5, 4, 3 };
  size_t plane = 60, n = 6 * plane;
  float *x = h_rand_array (n, 5), avg[6], mx[6], ref_avg[6], ref_max[6];
  for (size_t p = 0; p < 6; p++) {
    double s = 0;
    float m = -INFINITY;
    for (size_t i = 0; i < plane; i++) {
      s += x[p * plane + i];
      m = fmaxf (m, x[p * plane + i]);
    }
    ref_avg[p] = (float) (s / plane);
    ref_max[p] = m;
  }
  const char *ops[2] = { "GlobalAveragePool", "GlobalMaxPool" };
  float *outs[2] = { avg, mx };
  for (int o = 0; o < 2; o++) {
    CnnGraph gr;
    int xv, yv;
    int ni = pool_graph (&gr, ops[o], 5, xd, &xv, &yv);
    CnnDiag d;
    CHECK (h_prepare (&gr, ni, &d) == CNN_OK);
    const CnnTensorInfo *yi = &gr.values[yv].info;
    CHECK (yi->rank == 5 && yi->dims[0] == 2 && yi->dims[1] == 3
        && yi->dims[2] == 1 && yi->dims[3] == 1 && yi->dims[4] == 1);
    float *in[1] = { x };
    CHECK (h_run (&gr, ni, 2, in, &outs[o], &d) == CNN_OK);
    cnn_graph_clear (&gr);
  }
  CHECK_CLOSE (avg, ref_avg, 6, 1e-6, 1e-7);
  CHECK_CLOSE (mx, ref_max, 6, 0, 0);
  free (x);
}

static void
test_errors (void)
{
  CnnGraph gr;
  int64_t xd[4] = { 1, 1, 4, 4 }, k[2] = { 2, 2 };
  cnn_graph_init (&gr);
  int xv = h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL);
  int outs[2] = { h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL),
    h_value (&gr, "I", CNN_VALUE_ACT, 0, NULL, NULL) };
  int ni = h_node (&gr, cnn_ops_pool, "MaxPool", 1, &xv, 2, outs);
  h_attr_ints (&gr.nodes[ni], "kernel_shape", 2, k);
  CnnDiag d;
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_UNSUPPORTED
      && strstr (d.message, "Indices"));
  gr.nodes[ni].outputs[1] = -1;
  CHECK (h_prepare (&gr, ni, &d) == CNN_OK);
  gr.values[xv].info.dtype = CNN_DTYPE_INT64;
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_UNSUPPORTED
      && strstr (d.message, "X must be float32, got int64"));
  gr.values[xv].info.dtype = CNN_DTYPE_FLOAT32;
  gr.nodes[ni].attrs[0].ints[0] = 5; /* kernel_shape */
  gr.nodes[ni].attrs[0].ints[1] = 5;
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_SHAPE
      && strstr (d.message, "kernel 5x5 does not fit input 4x4"));
  cnn_graph_clear (&gr);
}

int
main (void)
{
  test_values ();
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    run_case (&cases[i], 200 + (uint32_t) i);
  test_global ();
  test_errors ();
  return check_summary ("pool");
}
