/* test_conv_direct.c — the direct convolution kernels against the
 * reference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. cnn_conv_fast_init picks the direct kernels for short sums (the
 *    stems of small28, MobileNetV2, SqueezeNet and ResNet) and not for
 *    dilation, groups, sums longer than CNN_DIRECT_MAX_TAPS, column
 *    stride 3, 3-D, a 1x1 kernel, or a kernel row longer than 64.
 * 2. Each direct kernel this machine can run (AVX2, AVX-512) on odd
 *    geometries: one input plane and three, partial channel blocks, rows
 *    that end inside a vector, column strides 1 and 2, row stride 3,
 *    asymmetric pads and pads wider than the kernel (outputs made of
 *    padding only), 1-D, batches of 2 and 3, items of several row blocks,
 *    bias or none, residual or none, each fused activation. Output against
 *    cnn_conv_ref + bias + residual then the activation, within 1e-4
 *    relative + 1e-5 * taps absolute; 1, 2 and 3 threads and weights
 *    packed at load or in the run are all bitwise identical.
 * Skips (77) when the CPU has no AVX2.
 */
#include "kernels/conv_direct.h"
#include "kernels/conv_fast.h"
#include "op_harness.h"

#include <stdio.h>

typedef struct {
  const char *what;
  int64_t n, c, oc, in[2], k[2], stride[2];
  int64_t pad[4];               /* top, left, bottom, right */
  CnnFusedAct act;
  bool bias, res;
} DirectCase;

static const DirectCase cases[] = {
  { "small28 stem 1->32 28x28 3x3", 1, 1, 32, { 28, 28 }, { 3, 3 },
    { 1, 1 }, { 1, 1, 1, 1 }, { CNN_ACT_RELU, 0, 0 }, true, false },
  { "3->20 37x41 3x3 s2 asym pads, batch 2, residual", 2, 3, 20,
    { 37, 41 }, { 3, 3 }, { 2, 2 }, { 1, 0, 2, 1 },
    { CNN_ACT_LEAKY_RELU, 0.1f, 0 }, true, true },
  { "3->40 200x21 7x7 s2 p3 (row blocks)", 1, 3, 40, { 200, 21 },
    { 7, 7 }, { 2, 2 }, { 3, 3, 3, 3 }, { CNN_ACT_CLIP, -0.5f, 0.75f },
    true, false },
  { "1->7 40x70 5x4 row stride 3", 1, 1, 7, { 40, 70 }, { 5, 4 },
    { 3, 1 }, { 0, 2, 1, 2 }, { CNN_ACT_NONE, 0, 0 }, false, false },
  { "1-D 2->5 width 50, 9 taps s2 p4", 1, 2, 5, { 1, 50 }, { 1, 9 },
    { 1, 2 }, { 0, 4, 0, 4 }, { CNN_ACT_RELU, 0, 0 }, true, true },
  { "2->3 6x5 3x3 pads 4 (padding-only outputs)", 3, 2, 3, { 6, 5 },
    { 3, 3 }, { 1, 2 }, { 4, 4, 4, 4 }, { CNN_ACT_NONE, 0, 0 }, true,
    false },
  { "3->17 33x33 3x3 s2 p0 (odd width)", 1, 3, 17, { 33, 33 }, { 3, 3 },
    { 2, 2 }, { 0, 0, 0, 0 }, { CNN_ACT_RELU, 0, 0 }, true, true },
};

static CnnConvGeom
geom (const DirectCase *t)
{
  CnnConvGeom g = { .n = t->n, .c = t->c, .oc = t->oc, .group = 1,
    .in = { 1, t->in[0], t->in[1] }, .k = { 1, t->k[0], t->k[1] },
    .stride = { 1, t->stride[0], t->stride[1] }, .dil = { 1, 1, 1 },
    .pad = { 0, t->pad[0], t->pad[1] } };
  g.out[0] = 1;
  for (int i = 0; i < 2; i++)
    g.out[1 + i] = (t->in[i] + t->pad[i] + t->pad[2 + i] - t->k[i])
        / t->stride[i] + 1;
  return g;
}

/* Runs d on io with `threads` threads (packed: weights packed before). */
static void
run (const CnnConvDirect *d, const CnnConvGeom *g, const CnnConvIO *io,
    const float *packed, int threads)
{
  size_t sb = cnn_conv_direct_scratch (d, g, threads, packed != NULL);
  void *scratch = aligned_alloc (64, (sb + 63) / 64 * 64);
  CnnThreadPool *pool = threads > 1 ? cnn_threadpool_new (threads) : NULL;
  if (!scratch || (threads > 1 && !pool))
    abort ();
  cnn_conv_direct_run (d, g, io, packed, pool, scratch);
  cnn_threadpool_free (pool);
  free (scratch);
}

static void
run_case (const DirectCase *t, CnnCpuLevel level, uint32_t seed)
{
  CnnConvGeom g = geom (t);
  CnnConvDirect d;
  if (!cnn_conv_direct_plan (&d, &g, level)) {
    CHECK_MSG (false, "%s: no direct plan at %s", t->what,
        cnn_cpu_level_name (level));
    return;
  }
  size_t nx = (size_t) (t->n * t->c * t->in[0] * t->in[1]);
  size_t nw = (size_t) (t->oc * t->c * t->k[0] * t->k[1]);
  size_t ny = (size_t) (t->n * t->oc * g.out[1] * g.out[2]);
  float *x = h_rand_array (nx, seed), *w = h_rand_array (nw, seed + 1);
  float *b = h_rand_array ((size_t) t->oc, seed + 2);
  float *r = h_rand_array (ny, seed + 3), *ref = malloc (ny * 4);
  float *packed = malloc (cnn_conv_direct_packed_floats (&d, &g) * 4);
  float *y[4];
  for (int i = 0; i < 4; i++)
    y[i] = malloc (ny * 4);
  cnn_conv_ref (&g, x, w, t->bias ? b : NULL, ref);
  for (size_t i = 0; t->res && i < ny; i++)
    ref[i] += r[i];
  h_act_ref (ref, ny, &t->act);
  cnn_conv_direct_pack (&d, &g, w, packed);
  for (int i = 0; i < 4; i++) {
    CnnConvIO io = { x, w, t->bias ? b : NULL, t->res ? r : NULL, y[i],
      &t->act };
    run (&d, &g, &io, i < 3 ? packed : NULL, i < 3 ? i + 1 : 2);
  }
  double atol = 1e-5 * (double) (t->c * t->k[0] * t->k[1]);
  size_t wi;
  double md, excess = check_max_excess (y[0], ref, ny, 1e-4, atol, &wi, &md);
  CHECK_MSG (excess <= 0.0, "%s at %s: max |diff| %.3g at [%zu]: %.9g vs "
      "%.9g", t->what, cnn_cpu_level_name (level), md, wi, (double) y[0][wi],
      (double) ref[wi]);
  for (int i = 1; i < 4; i++)
    CHECK_MSG (memcmp (y[0], y[i], ny * 4) == 0, "%s at %s: run %d (%s) "
        "differs from 1 thread", t->what, cnn_cpu_level_name (level), i,
        i < 3 ? "threads" : "weights packed in the run");
  for (int i = 0; i < 4; i++)
    free (y[i]);
  free (x);
  free (w);
  free (b);
  free (r);
  free (ref);
  free (packed);
}

/* cnn_conv_fast_init's choice for a 2-D (or, with d0 > 1, 3-D) geometry. */
static bool
picks_direct (int64_t c, int64_t hw, int64_t k, int64_t stride,
    int64_t dil, int64_t group, int64_t d0, CnnCpuLevel level)
{
  CnnConvGeom g = { .n = 1, .c = c, .oc = 32, .group = group,
    .in = { d0, hw, hw }, .k = { d0, k, k }, .stride = { 1, stride,
        stride }, .dil = { 1, dil, dil }, .pad = { 0, 0, 0 } };
  g.out[0] = 1;
  g.out[1] = g.out[2] = (hw - dil * (k - 1) - 1) / stride + 1;
  CnnConvFast f;
  return cnn_conv_fast_init (&f, &g, false, level) && f.direct;
}

static void
test_choice (CnnCpuLevel level)
{
  const char *l = cnn_cpu_level_name (level);
  CHECK_MSG (picks_direct (1, 28, 3, 1, 1, 1, 1, level), "small28 at %s", l);
  CHECK_MSG (picks_direct (3, 224, 3, 2, 1, 1, 1, level), "3x3 s2 at %s", l);
  CHECK_MSG (picks_direct (3, 224, 7, 2, 1, 1, 1, level), "7x7 s2 at %s", l);
  CHECK_MSG (!picks_direct (3, 56, 3, 1, 2, 1, 1, level), "dilation at %s",
      l);
  CHECK_MSG (!picks_direct (4, 56, 3, 1, 1, 2, 1, level), "groups at %s", l);
  CHECK_MSG (!picks_direct (32, 28, 3, 1, 1, 1, 1, level), "288 taps at %s",
      l);
  CHECK_MSG (!picks_direct (3, 56, 3, 3, 1, 1, 1, level), "stride 3 at %s",
      l);
  CHECK_MSG (!picks_direct (1, 20, 3, 1, 1, 1, 2, level), "3-D at %s", l);
  CHECK_MSG (!picks_direct (64, 56, 1, 2, 1, 1, 1, level), "1x1 s2 at %s",
      l);
  /* a 1-D kernel row of 100 taps */
  CnnConvGeom g = { .n = 1, .c = 1, .oc = 4, .group = 1,
    .in = { 1, 1, 300 }, .out = { 1, 1, 201 }, .k = { 1, 1, 100 },
    .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 }, .pad = { 0, 0, 0 } };
  CnnConvDirect d;
  CHECK_MSG (!cnn_conv_direct_plan (&d, &g, level), "kw 100 at %s", l);
}

int
main (void)
{
  if (cnn_cpu_level () < CNN_CPU_AVX2) {
    printf ("SKIP: no AVX2 on this CPU\n");
    return 77;
  }
  for (int level = CNN_CPU_AVX2; level <= (int) cnn_cpu_level (); level++) {
    test_choice ((CnnCpuLevel) level);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
      run_case (&cases[i], (CnnCpuLevel) level, 300 + (uint32_t) i);
  }
  return check_summary ("conv_direct");
}
