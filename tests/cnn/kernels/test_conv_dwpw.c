/* test_conv_dwpw.c — the fused depthwise + 1x1 Conv against the reference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. A Conv node of domain CNN_CONV_DWPW_DOMAIN (as graph_fuse.c makes of
 *    a depthwise Conv and the 1x1 Conv reading it), built by hand on odd
 *    shapes: 3x3 and 5x5 kernels, strides 1 and 2, image sizes whose rows
 *    do not split evenly into bands, a batch of 3, with and without biases
 *    and the residual input, both activations fused. Output against cnn_conv_ref
 *    run twice (depthwise, its activation, then 1x1 + bias + R and the
 *    activation) within 1e-4 relative + 1e-5 * channels absolute; 1, 2 and
 *    3 threads bitwise identical (the bands depend on the geometry only).
 * 2. cnn_conv_dwpw_fusable on prepared pairs: true for few channels on a
 *    large image, false with too many channels, on an image too small for
 *    four bands, and for a 1x1 Conv that is not stride 1.
 * 3. At the portable level (CNN_CPU=generic: no micro-kernels) nothing is
 *    fusable and a fused node is refused with a message.
 * 4. A 1x1 Conv with bias and residual reading a depthwise Conv's output,
 *    as two nodes (MobileNet's projections, too small an image to fuse):
 *    on the shapes cnn_conv_fast_split_k_after_depthwise takes, the plan
 *    sums k in halves, so its output differs in the last bits from the
 *    same Conv reading a graph input; both within 1e-4 relative + 1e-5 *
 *    channels absolute of cnn_conv_ref + bias + R, 1, 2 and 3 threads
 *    bitwise identical. The planner's shape limits, directly.
 * meson runs this at every CPU level through CNN_CPU.
 */
#include "op_harness.h"
#include "kernels/conv_geom.h"
#include "kernels/conv_fast.h"
#include "kernels/cpu.h"

#include <stdio.h>

typedef struct {
  const char *what;
  int64_t n, c, oc, h, w, k, stride;
  bool bias, residual;
} DwPwCase;

static const CnnFusedAct relu6 = { CNN_ACT_CLIP, 0.0f, 6.0f };
static const CnnFusedAct clip = { CNN_ACT_CLIP, -0.5f, 0.75f };

/* The depthwise geometry of t (pad k / 2 on every side). */
/* Whether the outputs of the 1, 2 and 3 thread runs have the same bits. */
static bool
same_bits (float *const y[3], size_t ny)
{
  return memcmp (y[0], y[1], ny * 4) == 0 && memcmp (y[0], y[2], ny * 4) == 0;
}

static CnnConvGeom
dw_geom (const DwPwCase *t)
{
  int64_t p = t->k / 2;
  CnnConvGeom g = { .n = t->n, .c = t->c, .oc = t->c, .group = t->c,
    .in = { 1, t->h, t->w }, .k = { 1, t->k, t->k },
    .stride = { 1, t->stride, t->stride }, .dil = { 1, 1, 1 },
    .pad = { 0, p, p } };
  g.out[0] = 1;
  g.out[1] = (t->h + 2 * p - t->k) / t->stride + 1;
  g.out[2] = (t->w + 2 * p - t->k) / t->stride + 1;
  return g;
}

/* Reference: act (pw (pre_act (dw (x) + bd)) + bp + r). */
static float *
reference (const DwPwCase *t, const float *x, const float *wd,
    const float *bd, const float *wp, const float *bp, const float *r)
{
  CnnConvGeom gd = dw_geom (t);
  int64_t hw = gd.out[1] * gd.out[2], n = t->n;
  CnnConvGeom gp = { .n = n, .c = t->c, .oc = t->oc, .group = 1,
    .in = { 1, gd.out[1], gd.out[2] }, .out = { 1, gd.out[1], gd.out[2] },
    .k = { 1, 1, 1 }, .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 } };
  float *mid = malloc (sizeof (float) * (size_t) (n * t->c * hw));
  float *y = malloc (sizeof (float) * (size_t) (n * t->oc * hw));
  cnn_conv_ref (&gd, x, wd, bd, mid);
  h_act_ref (mid, (size_t) (n * t->c * hw), &relu6);
  cnn_conv_ref (&gp, mid, wp, bp, y);
  for (int64_t i = 0; r && i < n * t->oc * hw; i++)
    y[i] += r[i];
  h_act_ref (y, (size_t) (n * t->oc * hw), &clip);
  free (mid);
  return y;
}

/* The fused node of t in gr (inputs X, W, B, R, W_d, B_d); returns its
 * index. */
static int
fused_node (CnnGraph *gr, const DwPwCase *t, const float *wd,
    const float *bd, const float *wp, const float *bp)
{
  CnnConvGeom gd = dw_geom (t);
  int64_t xd[4] = { t->n, t->c, t->h, t->w };
  int64_t wdd[4] = { t->c, 1, t->k, t->k };
  int64_t wpd[4] = { t->oc, t->c, 1, 1 }, cd[1] = { t->c }, od[1] = { t->oc };
  int64_t yd[4] = { t->n, t->oc, gd.out[1], gd.out[2] };
  int in[6] = { h_value (gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
    h_value (gr, "W", CNN_VALUE_CONST, 4, wpd, wp),
    t->bias ? h_value (gr, "B", CNN_VALUE_CONST, 1, od, bp) : -1,
    t->residual ? h_value (gr, "R", CNN_VALUE_INPUT, 4, yd, NULL) : -1,
    h_value (gr, "Wd", CNN_VALUE_CONST, 4, wdd, wd),
    t->bias ? h_value (gr, "Bd", CNN_VALUE_CONST, 1, cd, bd) : -1 };
  int yv = h_value (gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (gr, cnn_ops_conv, "Conv", 6, in, 1, &yv);
  CnnNode *node = &gr->nodes[ni];
  free (node->domain);
  node->domain = strdup (CNN_CONV_DWPW_DOMAIN);
  /* the depthwise attributes go where graph_fuse.c moves them */
  CnnNode dw = { 0 };
  int64_t p = t->k / 2, pads[4] = { p, p, p, p };
  int64_t strides[2] = { t->stride, t->stride };
  h_attr_int (&dw, "group", t->c);
  h_attr_ints (&dw, "pads", 4, pads);
  h_attr_ints (&dw, "strides", 2, strides);
  node->pre_attrs = dw.attrs;
  node->n_pre_attrs = dw.n_attrs;
  node->pre_act = relu6;
  node->act = clip;
  return ni;
}

static void
run_case (const DwPwCase *t, uint32_t seed)
{
  CnnConvGeom gd = dw_geom (t);
  size_t nx = (size_t) (t->n * t->c * t->h * t->w);
  size_t ny = (size_t) (t->n * t->oc * gd.out[1] * gd.out[2]);
  float *x = h_rand_array (nx, seed);
  float *wd = h_rand_array ((size_t) (t->c * t->k * t->k), seed + 1);
  float *bd = h_rand_array ((size_t) t->c, seed + 2);
  float *wp = h_rand_array ((size_t) (t->oc * t->c), seed + 3);
  float *bp = h_rand_array ((size_t) t->oc, seed + 4);
  float *r = h_rand_array (ny, seed + 5);
  float *ref = reference (t, x, wd, t->bias ? bd : NULL, wp,
      t->bias ? bp : NULL, t->residual ? r : NULL);
  float *y[3] = { malloc (ny * 4), malloc (ny * 4), malloc (ny * 4) };

  CnnGraph gr;
  cnn_graph_init (&gr);
  int ni = fused_node (&gr, t, wd, bd, wp, bp);
  CnnDiag d;
  CnnStatus st = h_prepare (&gr, ni, &d);
  if (h_fused_prepared (st, &d, t->what)) {
    float *inputs[6] = { x, NULL, NULL, r, NULL, NULL };
    for (int k = 0; st == CNN_OK && k < 3; k++)
      CHECK (h_run (&gr, ni, k + 1, inputs, &y[k], &d) == CNN_OK);
    if (st == CNN_OK) {
      CHECK_CLOSE (y[0], ref, ny, 1e-4, 1e-5 * (double) t->c);
      CHECK_MSG (same_bits (y, ny), "%s: 1, 2 and 3 threads differ",
          t->what);
    }
  }
  cnn_graph_clear (&gr);
  free (x);
  free (wd);
  free (bd);
  free (wp);
  free (bp);
  free (r);
  free (ref);
  for (int k = 0; k < 3; k++)
    free (y[k]);
}

/* A depthwise Conv (k x k, stride s, pad k / 2) on c x hw x hw and a 1x1
 * Conv of stride pw_stride to oc channels reading it, both prepared;
 * returns cnn_conv_dwpw_fusable. */
static bool
pair_fusable (int64_t c, int64_t oc, int64_t hw, int64_t s,
    int64_t pw_stride)
{
  DwPwCase t = { "pair", 1, c, oc, hw, hw, 3, s, true, false };
  CnnConvGeom gd = dw_geom (&t);
  int64_t xd[4] = { 1, c, hw, hw }, wdd[4] = { c, 1, 3, 3 };
  int64_t wpd[4] = { oc, c, 1, 1 };
  CnnGraph gr;
  cnn_graph_init (&gr);
  int x = h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL);
  int in_d[2] = { x, h_value (&gr, "Wd", CNN_VALUE_INPUT, 4, wdd, NULL) };
  int mid = h_value (&gr, "M", CNN_VALUE_ACT, 0, NULL, NULL);
  int di = h_node (&gr, cnn_ops_conv, "Conv", 2, in_d, 1, &mid);
  int64_t pads[4] = { 1, 1, 1, 1 }, st2[2] = { s, s };
  h_attr_int (&gr.nodes[di], "group", c);
  h_attr_ints (&gr.nodes[di], "pads", 4, pads);
  h_attr_ints (&gr.nodes[di], "strides", 2, st2);
  int in_p[2] = { mid, h_value (&gr, "W", CNN_VALUE_INPUT, 4, wpd, NULL) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int pi = h_node (&gr, cnn_ops_conv, "Conv", 2, in_p, 1, &yv);
  int64_t sp[2] = { pw_stride, pw_stride };
  h_attr_ints (&gr.nodes[pi], "strides", 2, sp);
  CnnDiag d;
  bool ok = h_prepare (&gr, di, &d) == CNN_OK
      && gr.values[mid].info.dims[2] == gd.out[1]
      && h_prepare (&gr, pi, &d) == CNN_OK;
  CHECK_MSG (ok, "pair %lld->%lld %lldx%lld: prepare: %s", (long long) c,
      (long long) oc, (long long) hw, (long long) hw, d.message);
  bool fusable = ok && cnn_conv_dwpw_fusable (&gr.nodes[di], &gr.nodes[pi]);
  cnn_graph_clear (&gr);
  return fusable;
}

static void
test_fusable (void)
{
  bool simd = cnn_cpu_level () >= CNN_CPU_AVX2;
  CHECK_MSG (pair_fusable (32, 16, 112, 1, 1) == simd,
      "MobileNetV2's first block");
  CHECK_MSG (pair_fusable (64, 40, 56, 2, 1) == simd, "64 channels, s2");
  CHECK_MSG (!pair_fusable (96, 24, 112, 2, 1), "96 channels fused");
  CHECK_MSG (!pair_fusable (32, 16, 6, 1, 1), "6x6 image fused");
  CHECK_MSG (!pair_fusable (32, 16, 112, 1, 2), "1x1 of stride 2 fused");
}

/* Runs the 1x1 Conv (inputs M, W, B, R; residual domain) c -> oc on
 * hw x hw into y at `threads`; its input M is the output of a depthwise
 * 3x3 Conv when after_dw (x is then given as M itself), else a graph
 * input. Returns the run's status. */
static CnnStatus
run_projection (int64_t c, int64_t oc, int64_t hw, bool after_dw,
    int threads, float *x, const float *wp, const float *bp, float *r,
    float *y)
{
  int64_t xd[4] = { 1, c, hw, hw }, wdd[4] = { c, 1, 3, 3 };
  int64_t wpd[4] = { oc, c, 1, 1 }, od[1] = { oc }, yd[4] = { 1, oc, hw, hw };
  CnnGraph gr;
  CnnDiag d;
  cnn_graph_init (&gr);
  int mid = h_value (&gr, "M", after_dw ? CNN_VALUE_ACT : CNN_VALUE_INPUT,
      after_dw ? 0 : 4, xd, NULL);
  CnnStatus st = CNN_OK;
  if (after_dw) {
    int in_d[2] = { h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
      h_value (&gr, "Wd", CNN_VALUE_INPUT, 4, wdd, NULL) };
    int di = h_node (&gr, cnn_ops_conv, "Conv", 2, in_d, 1, &mid);
    int64_t pads[4] = { 1, 1, 1, 1 };
    h_attr_int (&gr.nodes[di], "group", c);
    h_attr_ints (&gr.nodes[di], "pads", 4, pads);
    st = h_prepare (&gr, di, &d);
  }
  int in_p[4] = { mid, h_value (&gr, "W", CNN_VALUE_CONST, 4, wpd, wp),
    h_value (&gr, "B", CNN_VALUE_CONST, 1, od, bp),
    h_value (&gr, "R", CNN_VALUE_INPUT, 4, yd, NULL) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int pi = h_node (&gr, cnn_ops_conv, "Conv", 4, in_p, 1, &yv);
  free (gr.nodes[pi].domain);
  gr.nodes[pi].domain = strdup (CNN_CONV_FUSED_DOMAIN);
  if (st == CNN_OK)
    st = h_prepare (&gr, pi, &d);
  float *inputs[4] = { x, NULL, NULL, r };
  if (st == CNN_OK)
    st = h_run (&gr, pi, threads, inputs, &y, &d);
  CHECK_MSG (st == CNN_OK, "projection %lld->%lld %lldx%lld: %s",
      (long long) c, (long long) oc, (long long) hw, (long long) hw,
      d.message);
  cnn_graph_clear (&gr);
  return st;
}

static void
projection_case (int64_t c, int64_t oc, int64_t hw, uint32_t seed)
{
  size_t nx = (size_t) (c * hw * hw), ny = (size_t) (oc * hw * hw);
  float *x = h_rand_array (nx, seed), *r = h_rand_array (ny, seed + 1);
  float *wp = h_rand_array ((size_t) (oc * c), seed + 2);
  float *bp = h_rand_array ((size_t) oc, seed + 3);
  float *ref = malloc (ny * 4), *alone = malloc (ny * 4);
  float *y[3] = { malloc (ny * 4), malloc (ny * 4), malloc (ny * 4) };
  CnnConvGeom gp = { .n = 1, .c = c, .oc = oc, .group = 1,
    .in = { 1, hw, hw }, .out = { 1, hw, hw }, .k = { 1, 1, 1 },
    .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 } };
  cnn_conv_ref (&gp, x, wp, bp, ref);
  for (size_t i = 0; i < ny; i++)
    ref[i] += r[i];
  bool ok = run_projection (c, oc, hw, false, 1, x, wp, bp, r, alone)
      == CNN_OK;
  for (int k = 0; ok && k < 3; k++)
    ok = run_projection (c, oc, hw, true, k + 1, x, wp, bp, r, y[k])
        == CNN_OK;
  if (ok) {
    CHECK_CLOSE (alone, ref, ny, 1e-4, 1e-5 * (double) c);
    CHECK_CLOSE (y[0], ref, ny, 1e-4, 1e-5 * (double) c);
    CHECK_MSG (same_bits (y, ny), "projection %lld->%lld: 1, 2 and 3 "
        "threads differ", (long long) c, (long long) oc);
    if (cnn_cpu_level () >= CNN_CPU_AVX2)
      CHECK_MSG (memcmp (y[0], alone, ny * 4) != 0, "projection %lld->%lld "
          "%lldx%lld: the same bits after a depthwise Conv (no split sum?)",
          (long long) c, (long long) oc, (long long) hw, (long long) hw);
  }
  free (x);
  free (r);
  free (wp);
  free (bp);
  free (ref);
  free (alone);
  for (int k = 0; k < 3; k++)
    free (y[k]);
}

/* cnn_conv_fast_split_k_after_depthwise's limits. */
static bool
splits (int64_t c, int64_t oc, int64_t hw)
{
  CnnConvGeom g = { .n = 1, .c = c, .oc = oc, .group = 1,
    .in = { 1, hw, hw }, .out = { 1, hw, hw }, .k = { 1, 1, 1 },
    .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 } };
  CnnConvFast f;
  return cnn_conv_fast_init (&f, &g, true, cnn_cpu_level ())
      && cnn_conv_fast_split_k_after_depthwise (&f, &g) && f.ksplit == 2;
}

static void
test_projections (void)
{
  projection_case (384, 64, 14, 500);
  projection_case (576, 160, 7, 510);
  projection_case (130, 24, 13, 520);   /* k halves of 65 rows */
  if (cnn_cpu_level () < CNN_CPU_AVX2)
    return;
  CHECK (splits (384, 64, 14) && splits (960, 320, 7));
  CHECK_MSG (!splits (384, 64, 28), "28x28 split");
  CHECK_MSG (!splits (64, 384, 14), "an expansion split");
  CHECK_MSG (!splits (96, 64, 14), "k = 96 split");
}

int
main (void)
{
  static const DwPwCase cases[] = {
    { "3x3 s1 32->16 40x40", 1, 32, 16, 40, 40, 3, 1, true, false },
    { "3x3 s1 24->24 37x29 residual", 1, 24, 24, 37, 29, 3, 1, true, true },
    { "3x3 s2 16->40 65x50 no bias", 1, 16, 40, 65, 50, 3, 2, false, false },
    { "5x5 s2 8->20 71x43 residual", 1, 8, 20, 71, 43, 5, 2, true, true },
    { "5x5 s1 64->9 30x33", 1, 64, 9, 30, 33, 5, 1, true, false },
    { "3x3 s1 3->50 48x20 residual", 1, 3, 50, 48, 20, 3, 1, false, true },
    { "batch 3, 3x3 s2 12->28 41x38 residual", 3, 12, 28, 41, 38, 3, 2, true,
      true },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    run_case (&cases[i], 300 + 7 * (uint32_t) i);
  test_fusable ();
  test_projections ();
  return check_summary ("conv_dwpw");
}
