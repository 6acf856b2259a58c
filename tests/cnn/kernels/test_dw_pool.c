/* test_dw_pool.c — every pooling kernel against the reference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each CPU level this machine has (cnn_pool_select with a forced
 * level): max and average (count_include_pad 0 and 1) windows of 1x1 to
 * 5x5 and 3x7, strides 1 and 2 (and row stride 3 with column stride 2),
 * symmetric, asymmetric and ceil-mode end pads (pad_end larger than the
 * begin pad, so whole windows can fall in the padding), on planes 1 to 37
 * wide: the plane equals cnn_pool_plane_ref within 1e-6 relative + 1e-6
 * absolute (float vs double sums of at most 35 taps). Max pooling with
 * NaNs in the input (three, in even and odd columns) gives NaN in every
 * window that holds one. Canaries
 * after the output plane must stay untouched and the input ends where the
 * buffer's NaN tail begins, so reads past the plane would show.
 * Max pools with a single NaN at every position of the plane in turn.
 * Global average / max pools of 1 to 3136 floats per plane: within 1e-6
 * relative of a double sum, exactly the max, NaN when the plane has one.
 */
#include "kernels/pooling.h"
#include "check.h"

#include <math.h>
#include <string.h>

static uint32_t rng = 777;

static float
frand (void)
{
  rng = rng * 1664525u + 1013904223u;
  return (float) ((rng >> 8) & 0xffff) / 32768.0f - 1.0f;
}

typedef struct {
  int64_t h, w, kh, kw, sh, sw;
  int64_t pt, pl, pb, pr;
  bool is_max, include;
} PCase;

static bool
make_geom (const PCase *c, CnnPoolGeom *pg)
{
  memset (pg, 0, sizeof *pg);
  CnnConvGeom *g = &pg->geom;
  g->n = 1;
  g->c = g->oc = g->group = 1;
  g->in[0] = g->out[0] = g->k[0] = g->stride[0] = g->dil[0] = 1;
  g->in[1] = c->h;
  g->in[2] = c->w;
  g->k[1] = c->kh;
  g->k[2] = c->kw;
  g->stride[1] = c->sh;
  g->stride[2] = c->sw;
  g->dil[1] = g->dil[2] = 1;
  g->pad[1] = c->pt;
  g->pad[2] = c->pl;
  pg->pad_end[1] = c->pb;
  pg->pad_end[2] = c->pr;
  g->out[1] = (c->h + c->pt + c->pb - c->kh) / c->sh + 1;
  g->out[2] = (c->w + c->pl + c->pr - c->kw) / c->sw + 1;
  pg->is_max = c->is_max;
  pg->count_include_pad = c->include;
  return c->h + c->pt + c->pb >= c->kh && c->w + c->pl + c->pr >= c->kw;
}

#define CANARY 4321.0f
#define MAX_IN 16384

static void
run_case (const PCase *c, CnnCpuLevel level, bool with_nan)
{
  static float xbuf[MAX_IN + 64], ref[MAX_IN], got[MAX_IN + 32];
  CnnPoolGeom pg;
  if (!make_geom (c, &pg))
    return;
  int64_t in = c->h * c->w, out = pg.geom.out[1] * pg.geom.out[2];
  if (in > MAX_IN || out > MAX_IN) {
    CHECK_MSG (false, "test case too large");
    return;
  }
  float *x = xbuf + MAX_IN - in;
  for (int64_t i = 0; i < MAX_IN + 64; i++)
    xbuf[i] = NAN;
  for (int64_t i = 0; i < in; i++)
    x[i] = frand ();
  if (with_nan) {             /* columns of both parities */
    x[in / 2] = NAN;
    x[in / 3 + 1] = NAN;
    x[(2 * in) / 3 + 2 < in ? (2 * in) / 3 + 2 : in - 1] = NAN;
  }
  for (int64_t i = 0; i < out + 32; i++)
    got[i] = CANARY;
  cnn_pool_plane_ref (&pg, x, ref);
  cnn_pool_select (&pg, level) (&pg, x, got);
  size_t wi;
  double md;
  double ex = check_max_excess (got, ref, (size_t) out, 1e-6, 1e-6, &wi, &md);
  CHECK_MSG (ex <= 0, "%s %s%s %lldx%lld k%lldx%lld s%lld,%lld pads "
      "%lld,%lld,%lld,%lld%s: max |diff| %.3g at [%zu]: %.9g vs %.9g",
      cnn_cpu_level_name (level), c->is_max ? "max" : "avg",
      c->include ? " include_pad" : "", (long long) c->h, (long long) c->w,
      (long long) c->kh, (long long) c->kw, (long long) c->sh,
      (long long) c->sw, (long long) c->pt, (long long) c->pl,
      (long long) c->pb, (long long) c->pr, with_nan ? " NaN" : "", md, wi,
      (double) got[wi], (double) ref[wi]);
  bool canary = true;
  for (int64_t i = out; i < out + 32; i++)
    canary &= got[i] == CANARY;
  CHECK_MSG (canary, "%s wrote past the output plane",
      cnn_cpu_level_name (level));
}

static void
sweep (CnnCpuLevel level)
{
  static const int64_t sizes[] = { 1, 2, 3, 6, 7, 8, 9, 13, 16, 17, 27, 33,
    37 };
  static const int64_t wins[][2] = { { 1, 1 }, { 2, 2 }, { 3, 3 }, { 5, 5 },
    { 3, 7 } };
  static const int64_t pads[][4] = {
    { 0, 0, 0, 0 }, { 1, 1, 1, 1 }, { 0, 0, 1, 1 }, { 1, 0, 2, 3 },
    { 0, 0, 2, 2 }, { 2, 2, 2, 2 },
  };
  const size_t ns = sizeof sizes / sizeof sizes[0];
  int n = 0;
  for (size_t si = 0; si < ns; si++)
    for (size_t wi = 0; wi < sizeof wins / sizeof wins[0]; wi++)
      for (int64_t s = 1; s <= 2; s++)
        for (size_t pi = 0; pi < sizeof pads / sizeof pads[0]; pi++) {
          const int64_t *p = pads[pi];
          if (p[0] >= wins[wi][0] || p[1] >= wins[wi][1])
            continue;             /* ONNX: pads smaller than the window */
          PCase c = { sizes[(si + pi) % ns], sizes[si], wins[wi][0],
            wins[wi][1], s, s, p[0], p[1], p[2], p[3], n % 3 == 0,
            n % 3 == 2 };
          n++;
          run_case (&c, level, false);
          if (c.is_max)
            run_case (&c, level, true);
        }
  static const PCase odd[] = {
    { 20, 33, 3, 3, 3, 2, 1, 1, 1, 1, true, false },
    { 20, 33, 3, 3, 3, 2, 1, 1, 1, 1, false, true },
    { 112, 112, 3, 3, 2, 2, 1, 1, 1, 1, true, false },  /* ResNet stem */
    { 55, 55, 3, 3, 2, 2, 0, 0, 1, 1, true, false },    /* SqueezeNet ceil */
    { 13, 13, 3, 3, 1, 1, 1, 1, 1, 1, false, false },
    /* planes larger than L1, rows wider than a strip of chunks (128
     * outputs on AVX-512, 64 on AVX2), ragged last strip */
    { 9, 1500, 3, 3, 1, 1, 1, 1, 1, 1, true, false },
    { 7, 2100, 3, 3, 2, 2, 1, 1, 1, 1, false, false },
  };
  for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
    run_case (&odd[i], level, false);
    run_case (&odd[i], level, true);
  }
}

/* Max pools with one NaN, at every position of the plane in turn: each
 * window holding it, and only those, must give NaN (a NaN that reaches
 * only one tap of the vector code's shuffles would get lost). */
static void
nan_everywhere (CnnCpuLevel level)
{
  static const PCase cases[] = {
    { 9, 37, 3, 3, 2, 2, 1, 1, 1, 1, true, false },
    { 8, 21, 3, 3, 2, 2, 0, 0, 1, 1, true, false },
    { 7, 19, 3, 3, 1, 1, 1, 1, 1, 1, true, false },
    { 6, 18, 2, 2, 2, 2, 0, 0, 0, 0, true, false },
  };
  static float x[9 * 37], ref[9 * 37], got[9 * 37];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CnnPoolGeom pg;
    if (!make_geom (&cases[i], &pg))
      continue;
    int64_t in = cases[i].h * cases[i].w;
    int64_t out = pg.geom.out[1] * pg.geom.out[2], bad = 0;
    for (int64_t at = 0; at < in; at++) {
      for (int64_t k = 0; k < in; k++)
        x[k] = frand ();
      x[at] = NAN;
      cnn_pool_plane_ref (&pg, x, ref);
      cnn_pool_select (&pg, level) (&pg, x, got);
      for (int64_t k = 0; k < out; k++)
        bad += isnan (got[k]) != isnan (ref[k]);
    }
    CHECK_MSG (bad == 0, "%s max %lldx%lld k%lld s%lld, one NaN anywhere: "
        "%lld outputs disagree on NaN", cnn_cpu_level_name (level),
        (long long) cases[i].h, (long long) cases[i].w,
        (long long) cases[i].kh, (long long) cases[i].sh, (long long) bad);
  }
}

/* Global pools: each level against a double sum / a scalar max. */
static void
global (CnnCpuLevel level)
{
  static const int64_t planes[] = { 1, 2, 7, 8, 9, 15, 16, 17, 33, 49, 169,
    3136 };
  static float x[3 * 3136], y[3 + 8], ref[3];
  CnnGlobalPoolFn fn = cnn_global_pool_select (level);
  for (size_t pi = 0; pi < sizeof planes / sizeof planes[0]; pi++)
    for (int is_max = 0; is_max <= 1; is_max++) {
      int64_t plane = planes[pi];
      for (int64_t i = 0; i < 3 * plane; i++)
        x[i] = frand () + 0.25f;
      x[plane + plane / 2] = is_max ? NAN : x[plane + plane / 2];
      for (int p = 0; p < 3; p++) {
        double s = 0;
        float m = -INFINITY;
        for (int64_t k = 0; k < plane; k++) {
          s += x[p * plane + k];
          m = isnan (x[p * plane + k]) || x[p * plane + k] > m
              ? x[p * plane + k] : m;
          if (isnan (m))
            break;
        }
        ref[p] = is_max ? m : (float) (s / (double) plane);
      }
      for (int i = 0; i < 3 + 8; i++)
        y[i] = CANARY;
      fn (x, plane, 3, is_max, y);
      size_t wi;
      double md;
      double ex = check_max_excess (y, ref, 3, is_max ? 0 : 1e-6,
          is_max ? 0 : 1e-7, &wi, &md);
      CHECK_MSG (ex <= 0 && y[3] == CANARY, "%s global %s plane %lld: "
          "[%zu] %.9g vs %.9g", cnn_cpu_level_name (level),
          is_max ? "max" : "avg", (long long) plane, wi, (double) y[wi],
          (double) ref[wi]);
    }
}

int
main (void)
{
  CnnCpuLevel have = cnn_cpu_level ();
  for (int l = CNN_CPU_GENERIC; l <= (int) have; l++) {
    int before = check_failed_count;
    sweep ((CnnCpuLevel) l);
    nan_everywhere ((CnnCpuLevel) l);
    global ((CnnCpuLevel) l);
    printf ("level %s: %s\n", cnn_cpu_level_name ((CnnCpuLevel) l),
        check_failed_count == before ? "ok" : "FAILED");
  }
  /* dilation 2 and column stride 3 take the portable kernel */
  PCase d = { 9, 11, 3, 3, 1, 3, 1, 1, 1, 1, true, false };
  CnnPoolGeom pg;
  make_geom (&d, &pg);
  CHECK (!cnn_pool_simd_applies (&pg));
  CHECK (cnn_pool_select (&pg, CNN_CPU_AVX512) == cnn_pool_plane);
  pg.geom.dil[2] = 2;
  pg.geom.stride[2] = 1;
  CHECK (!cnn_pool_simd_applies (&pg));
  return check_summary ("dw_pool");
}
