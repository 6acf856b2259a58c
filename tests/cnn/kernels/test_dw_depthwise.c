/* test_dw_depthwise.c — every depthwise kernel against the reference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each CPU level this machine has (generic, AVX2, AVX-512; forced
 * through cnn_depthwise_select), on odd plane sizes (1 to 37 wide, so
 * chunks of 16 and 8 lanes end ragged), 3x3 and 5x5 and other kernels,
 * strides 1 and 2, symmetric pads, the asymmetric [0,0,1,1] of
 * TF-converted models and pads larger than the kernel reach, each fused
 * activation (none, Relu, Clip 0..6, LeakyRelu): the plane equals
 * act (cnn_depthwise_plane_ref) within 1e-5 relative + 1e-5 * taps
 * absolute (the kernels sum in float with FMA, the reference in double).
 * Values next to the plane are canaries that must stay untouched, and the
 * input is placed at the very end of a page-sized buffer region so reads
 * past the row would show as wrong values or a crash under ASan. Also:
 * the selector falls back to the portable kernel for dilation 2 and
 * column stride 3, and cnn_depthwise_plane keeps its old contract.
 */
#include "kernels/depthwise.h"
#include "check.h"

#include <math.h>
#include <string.h>

typedef struct {
  int64_t h, w, kh, kw, sh, sw, dh, dw;
  int64_t pt, pl, pb, pr;   /* pads top, left, bottom, right */
} DwCase;

static uint32_t rng = 12345;

static float
frand (void)
{
  rng = rng * 1664525u + 1013904223u;
  return (float) ((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static void
make_geom (const DwCase *c, CnnConvGeom *g)
{
  memset (g, 0, sizeof *g);
  g->n = 1;
  g->c = g->oc = g->group = 2;
  g->in[0] = g->out[0] = g->k[0] = g->stride[0] = g->dil[0] = 1;
  g->in[1] = c->h;
  g->in[2] = c->w;
  g->k[1] = c->kh;
  g->k[2] = c->kw;
  g->stride[1] = c->sh;
  g->stride[2] = c->sw;
  g->dil[1] = c->dh;
  g->dil[2] = c->dw;
  g->pad[1] = c->pt;
  g->pad[2] = c->pl;
  g->out[1] = (c->h + c->pt + c->pb - (c->kh - 1) * c->dh - 1) / c->sh + 1;
  g->out[2] = (c->w + c->pl + c->pr - (c->kw - 1) * c->dw - 1) / c->sw + 1;
}

static float
apply_act (float v, const CnnFusedAct *a)
{
  switch (a->kind) {
    case CNN_ACT_RELU:
      return v < 0 ? 0 : v;
    case CNN_ACT_CLIP:
      v = v < a->alpha ? a->alpha : v;
      return v > a->beta ? a->beta : v;
    case CNN_ACT_LEAKY_RELU:
      return v < 0 ? a->alpha * v : v;
    default:
      return v;
  }
}

#define CANARY 1234.5f
#define MAX_IN 8192
#define MAX_OUT 8192

/* One case at one level with one activation; returns false on failure. */
static void
run_case (const DwCase *c, CnnCpuLevel level, const CnnFusedAct *act)
{
  static float xbuf[MAX_IN + 64], wbuf[64], ref[MAX_OUT], got[MAX_OUT + 32];
  CnnConvGeom g;
  make_geom (c, &g);
  int64_t in = c->h * c->w, out = g.out[1] * g.out[2];
  if (in > MAX_IN || out > MAX_OUT || g.out[1] < 1 || g.out[2] < 1) {
    CHECK_MSG (false, "bad test case %lldx%lld", (long long) c->h,
        (long long) c->w);
    return;
  }
  /* input at the end of xbuf; the 64 floats after it are NaN, so a read
   * past the plane would spoil the result */
  float *x = xbuf + MAX_IN - in;
  for (int64_t i = 0; i < MAX_IN + 64; i++)
    xbuf[i] = NAN;
  for (int64_t i = 0; i < in; i++)
    x[i] = frand ();
  for (int64_t i = 0; i < c->kh * c->kw; i++)
    wbuf[i] = frand ();
  float bias = frand ();

  cnn_depthwise_plane_ref (&g, x, wbuf, bias, ref);
  for (int64_t i = 0; i < out; i++)
    ref[i] = apply_act (ref[i], act);
  for (int64_t i = 0; i < out + 32; i++)
    got[i] = CANARY;
  CnnDepthwiseFn fn = cnn_depthwise_select (&g, level);
  fn (&g, x, wbuf, bias, act, got);

  double atol = 1e-5 * (double) (c->kh * c->kw);
  size_t wi;
  double md;
  double ex = check_max_excess (got, ref, (size_t) out, 1e-5, atol, &wi, &md);
  CHECK_MSG (ex <= 0, "%s %lldx%lld k%lldx%lld s%lld,%lld d%lld,%lld pads "
      "%lld,%lld,%lld,%lld act %d: max |diff| %.3g at [%zu]: %.9g vs %.9g",
      cnn_cpu_level_name (level), (long long) c->h, (long long) c->w,
      (long long) c->kh, (long long) c->kw, (long long) c->sh,
      (long long) c->sw, (long long) c->dh, (long long) c->dw,
      (long long) c->pt, (long long) c->pl, (long long) c->pb,
      (long long) c->pr, (int) act->kind, md, wi, (double) got[wi],
      (double) ref[wi]);
  bool canary = true;
  for (int64_t i = out; i < out + 32; i++)
    canary &= got[i] == CANARY;
  CHECK_MSG (canary, "%s wrote past the output plane",
      cnn_cpu_level_name (level));
}

static const CnnFusedAct acts[] = {
  { CNN_ACT_NONE, 0, 0 },
  { CNN_ACT_RELU, 0, 0 },
  { CNN_ACT_CLIP, 0.0f, 6.0f },
  { CNN_ACT_CLIP, -0.25f, 0.3f },
  { CNN_ACT_LEAKY_RELU, 0.1f, 0 },
};

/* The shapes of MobileNet-style networks and odd ones around them. */
static void
sweep (CnnCpuLevel level)
{
  static const int64_t sizes[] = { 1, 2, 3, 5, 7, 8, 9, 14, 15, 16, 17, 23,
    31, 33, 37 };
  static const int64_t pads[][4] = {
    { 1, 1, 1, 1 }, { 0, 0, 1, 1 }, { 0, 0, 0, 0 }, { 2, 2, 2, 2 },
    { 1, 0, 2, 3 }, { 3, 4, 3, 4 },
  };
  int n = 0;
  for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
    for (int k = 3; k <= 5; k += 2)
      for (int64_t s = 1; s <= 2; s++)
        for (size_t pi = 0; pi < sizeof pads / sizeof pads[0]; pi++) {
          int64_t w = sizes[si], h = sizes[(si + pi + 3) %
              (sizeof sizes / sizeof sizes[0])];
          const int64_t *p = pads[pi];
          if (h + p[0] + p[2] < k || w + p[1] + p[3] < k)
            continue;
          DwCase c = { h, w, k, k, s, s, 1, 1, p[0], p[1], p[2], p[3] };
          run_case (&c, level, &acts[n++ % 5]);
        }
  /* every activation on the two MobileNetV2 shapes */
  for (int a = 0; a < 5; a++) {
    DwCase s1 = { 14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 };
    DwCase s2 = { 28, 28, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1 };
    DwCase wide = { 5, 112, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 };
    /* rows longer than one strip of chunks (512 outputs on AVX-512, 128
     * on AVX2), with a ragged last strip */
    DwCase strips = { 6, 530, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1 };
    run_case (&s1, level, &acts[a]);
    run_case (&s2, level, &acts[a]);
    run_case (&wide, level, &acts[a]);
    run_case (&strips, level, &acts[a]);
  }
  /* rectangular kernels, mixed strides, 7x7, 1-wide kernels */
  static const DwCase odd[] = {
    { 9, 19, 3, 5, 2, 1, 1, 1, 1, 2, 1, 2 },
    { 11, 13, 5, 3, 1, 2, 1, 1, 2, 1, 2, 1 },
    { 20, 21, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3 },
    { 20, 41, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3 },
    { 6, 40, 1, 9, 3, 1, 1, 1, 0, 4, 0, 4 },
    { 12, 7, 3, 1, 1, 2, 1, 1, 1, 0, 1, 0 },
    { 7, 1061, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2 },
  };
  for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
    run_case (&odd[i], level, &acts[i % 5]);
}

/* Dilation and stride 3 go to the portable kernel at every level. */
static void
fallbacks (void)
{
  static const DwCase cs[] = {
    { 13, 17, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2 },
    { 13, 17, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1 },
  };
  for (size_t i = 0; i < 2; i++) {
    CnnConvGeom g;
    make_geom (&cs[i], &g);
    CHECK (!cnn_depthwise_simd_applies (&g));
    CHECK (cnn_depthwise_select (&g, CNN_CPU_AVX512)
        == cnn_depthwise_plane_generic);
    run_case (&cs[i], cnn_cpu_level (), &acts[1]);
  }
}

/* cnn_depthwise_plane: bias + taps, no activation. */
static void
old_entry (void)
{
  DwCase c = { 10, 19, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1 };
  CnnConvGeom g;
  make_geom (&c, &g);
  float x[190], w[9], ref[50], got[50];
  for (int i = 0; i < 190; i++)
    x[i] = frand ();
  for (int i = 0; i < 9; i++)
    w[i] = frand ();
  cnn_depthwise_plane_ref (&g, x, w, -0.5f, ref);
  cnn_depthwise_plane (&g, x, w, -0.5f, got);
  CHECK_CLOSE (got, ref, (size_t) (g.out[1] * g.out[2]), 1e-5, 1e-4);
}

int
main (void)
{
  CnnCpuLevel have = cnn_cpu_level ();
  for (int l = CNN_CPU_GENERIC; l <= (int) have; l++) {
    int before = check_failed_count;
    sweep ((CnnCpuLevel) l);
    printf ("level %s: %s\n", cnn_cpu_level_name ((CnnCpuLevel) l),
        check_failed_count == before ? "ok" : "FAILED");
  }
  if (have < CNN_CPU_AVX512)
    printf ("note: this machine (or CNN_CPU) stops at %s; higher levels "
        "not tested\n", cnn_cpu_level_name (have));
  fallbacks ();
  old_entry ();
  return check_summary ("dw_depthwise");
}
