/* test_winograd.c — Winograd F(2x2, 3x3) against the direct reference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The transforms of kernels/winograd.h with the pgemm GEMMs between them
 * (as ops/conv.c runs them) against cnn_conv_ref (double sums) on shapes
 * whose output is not a multiple of the 2x2 tile, with pads 0, 1, 2 and
 * asymmetric ones, odd channel counts, split across several calls of each
 * step (as threads split them), bias and every fused activation. The
 * transforms change the rounding, so the tolerance is relative to the
 * output scale: |y - ref| <= 3e-6 * max |ref before the activation|
 * (measured: 1e-7 to 1e-6 of it, like the direct sum; F(4x4, 3x3) gave
 * 2e-6 to 1e-5, a wrong transform coefficient gives 1e-2 or more).
 * At AVX-512 the 16-lane transforms (winograd_avx512.c) must give the
 * 8-lane ones' bits (check_widths). winograd.c is built
 * for AVX2, so the test runs at CNN_CPU=avx2 and avx512 and skips (77)
 * below AVX2.
 */
#include "kernels/epilogue.h"
#include "kernels/im2col.h"
#include "kernels/pgemm.h"
#include "kernels/winograd.h"
#include "op_harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const float *b;
  int64_t ld;
} Rows;

static void
pack_rows (void *ctx, int64_t k0, int64_t kc, int64_t p0, int64_t len,
    int nr, float *dst)
{
  const Rows *r = ctx;
  cnn_pack_rows_panels (r->b, r->ld, k0, kc, p0, len, nr, dst);
}

/* The transforms by blocks of BLOCK tiles, which cut tile rows anywhere
 * as conv_fast_run.c's L2 blocks do, through the span functions (pointed into
 * the whole-image V and M, so the GEMMs are the same): V bit for bit the
 * whole-image V, and the output with a residual fused bit for bit the
 * whole-image output followed by cnn_residual_bias_act. */
#define BLOCK 37

static void
check_blocks (const CnnConvGeom *g, const float *x, const float *v,
    const float *m, const float *bias, const CnnFusedAct *act)
{
  int64_t c = g->c, oc = g->oc, tiles = cnn_winograd_tiles (g);
  int64_t outsz = g->out[1] * g->out[2], n = oc * outsz;
  int64_t sv = cnn_winograd_plane (c * tiles);
  int64_t sm = cnn_winograd_plane (oc * tiles);
  float *res = h_rand_array ((size_t) n, 99);
  float *want = malloc (sizeof (float) * (size_t) n);
  float *got = malloc (sizeof (float) * (size_t) n);
  float *v2 = calloc ((size_t) (CNN_WINO_E * sv), sizeof (float));
  cnn_winograd_output (g, m, bias, NULL, 0, oc, want);
  for (int64_t o = 0; o < oc; o++)
    cnn_residual_bias_act (want + o * outsz, res + o * outsz, outsz, 0.0f,
        act);
  for (int64_t t0 = 0; t0 < tiles; t0 += BLOCK) {
    int64_t t1 = tiles - t0 < BLOCK ? tiles : t0 + BLOCK;
    CnnWinoSpan in = { t0, t1, tiles, sv }, out = { t0, t1, tiles, sm };
    cnn_winograd_input_span (g, x, 0, c, &in, v2 + t0);
    cnn_winograd_output_span (g, m + t0, bias, act, res, 0, oc, &out, got);
  }
  int64_t dv = 0, dy = 0;
  for (int64_t e = 0; e < CNN_WINO_E; e++)
    for (int64_t i = 0; i < c * tiles; i++)
      dv += memcmp (&v[e * sv + i], &v2[e * sv + i], sizeof (float)) != 0;
  for (int64_t i = 0; i < n; i++)
    dy += memcmp (&got[i], &want[i], sizeof (float)) != 0;
  CHECK_MSG (dv == 0, "V by blocks of %d tiles: %lld values differ", BLOCK,
      (long long) dv);
  CHECK_MSG (dy == 0, "output by blocks with residual: %lld of %lld "
      "values differ", (long long) dy, (long long) n);
  free (res);
  free (want);
  free (got);
  free (v2);
}

/* At AVX-512, the 16-lane transforms against the 8-lane ones, bit for bit,
 * over the whole image and with a residual (whatever width the dispatch
 * would pick for this row of tiles). */
static void
check_widths (const CnnConvGeom *g, const float *x, const float *m,
    const float *bias, const CnnFusedAct *act)
{
  if (cnn_cpu_level () < CNN_CPU_AVX512)
    return;
  int64_t c = g->c, oc = g->oc, tiles = cnn_winograd_tiles (g);
  int64_t n = oc * g->out[1] * g->out[2];
  int64_t sv = cnn_winograd_plane (c * tiles);
  int64_t sm = cnn_winograd_plane (oc * tiles);
  size_t vbytes = sizeof (float) * (size_t) (CNN_WINO_E * sv);
  float *v8 = calloc (1, vbytes), *v16 = calloc (1, vbytes);
  float *res = h_rand_array ((size_t) n, 77);
  float *y8 = malloc (sizeof (float) * (size_t) n);
  float *y16 = malloc (sizeof (float) * (size_t) n);
  CnnWinoSpan in = { 0, tiles, tiles, sv }, out = { 0, tiles, tiles, sm };
  cnn_winograd_input_span_v8 (g, x, 0, c, &in, v8);
  cnn_winograd_input_span_v16 (g, x, 0, c, &in, v16);
  CHECK_MSG (memcmp (v8, v16, vbytes) == 0, "V at 16 lanes differs from V "
      "at 8 lanes");
  for (int with_res = 0; with_res < 2; with_res++) {
    const float *r = with_res ? res : NULL;
    cnn_winograd_output_span_v8 (g, m, bias, act, r, 0, oc, &out, y8);
    cnn_winograd_output_span_v16 (g, m, bias, act, r, 0, oc, &out, y16);
    CHECK_MSG (memcmp (y8, y16, sizeof (float) * (size_t) n) == 0,
        "output at 16 lanes (residual %d) differs from 8 lanes", with_res);
  }
  free (v8);
  free (v16);
  free (res);
  free (y8);
  free (y16);
}

static void
check_case (const CnnPgemm *pg, int64_t c, int64_t oc, int64_t h, int64_t w,
    int64_t pt, int64_t pl, int64_t pb, int64_t pr, CnnFusedAct act,
    bool bias_on, uint32_t seed)
{
  CnnConvGeom g = { .n = 1, .c = c, .oc = oc, .group = 1,
    .in = { 1, h, w }, .out = { 1, h + pt + pb - 2, w + pl + pr - 2 },
    .k = { 1, 3, 3 }, .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 },
    .pad = { 0, pt, pl } };
  CHECK (cnn_winograd_applies (&g));
  int64_t tiles = cnn_winograd_tiles (&g), outsz = g.out[1] * g.out[2];
  float *x = h_rand_array ((size_t) (c * h * w), seed);
  float *wt = h_rand_array ((size_t) (oc * c * 9), seed + 1);
  float *bias = h_rand_array ((size_t) oc, seed + 2);
  float *ref = malloc (sizeof (float) * (size_t) (oc * outsz));
  float *y = malloc (sizeof (float) * (size_t) (oc * outsz));
  int64_t su = cnn_winograd_plane (oc * c);
  int64_t sv = cnn_winograd_plane (c * tiles);
  int64_t sm = cnn_winograd_plane (oc * tiles);
  float *u = malloc (sizeof (float) * (size_t) (CNN_WINO_E * su));
  float *v = malloc (sizeof (float) * (size_t) (CNN_WINO_E * sv));
  float *m = malloc (sizeof (float) * (size_t) (CNN_WINO_E * sm));
  float *bb = aligned_alloc (64, (size_t) cnn_pgemm_b_floats (pg, c, tiles)
      * 4 + 64);
  float *ab = aligned_alloc (64, (size_t) cnn_pgemm_a_floats (pg) * 4);
  cnn_conv_ref (&g, x, wt, bias_on ? bias : NULL, ref);
  double scale = 0;
  for (int64_t i = 0; i < oc * outsz; i++)
    scale = fmax (scale, fabs (ref[i]));
  h_act_ref (ref, (size_t) (oc * outsz), &act);
  /* each step in two uneven parts, as two threads would run it */
  cnn_winograd_weights (&g, wt, 0, oc / 3, u);
  cnn_winograd_weights (&g, wt, oc / 3, oc, u);
  cnn_winograd_input (&g, x, 0, c / 2 + 1, v);
  cnn_winograd_input (&g, x, c / 2 + 1, c, v);
  for (int e = 0; e < CNN_WINO_E; e++) {
    Rows r = { v + e * sv, tiles };
    cnn_pgemm_block (pg, oc, c, u + e * su, c, pack_rows, &r, 0, tiles,
        m + e * sm, tiles, NULL, NULL, tiles, NULL, bb, ab);
  }
  const float *b = bias_on ? bias : NULL;
  cnn_winograd_output (&g, m, b, &act, 0, oc / 2, y);
  cnn_winograd_output (&g, m, b, &act, oc / 2, oc, y);
  CHECK_CLOSE (y, ref, (size_t) (oc * outsz), 0.0, 3e-6 * scale);
  check_blocks (&g, x, v, m, b, &act);
  check_widths (&g, x, m, b, &act);
  if (check_failed_count)
    fprintf (stderr, "  case c %lld oc %lld %lldx%lld pads %lld %lld %lld "
        "%lld act %d\n", (long long) c, (long long) oc, (long long) h,
        (long long) w, (long long) pt, (long long) pl, (long long) pb,
        (long long) pr, (int) act.kind);
  free (x);
  free (wt);
  free (bias);
  free (ref);
  free (y);
  free (u);
  free (v);
  free (m);
  free (bb);
  free (ab);
}

int
main (void)
{
  CnnPgemm pg;
  CnnCpuLevel level = cnn_cpu_level ();
  if (!cnn_pgemm_init (&pg, level))
    CHECK_SKIP ("Winograd runs only with AVX2 or AVX-512 (level %s)",
        cnn_cpu_level_name (level));
  CnnFusedAct none = { CNN_ACT_NONE, 0, 0 }, relu = { CNN_ACT_RELU, 0, 0 };
  CnnFusedAct clip = { CNN_ACT_CLIP, -0.5f, 0.75f };
  CnnFusedAct leaky = { CNN_ACT_LEAKY_RELU, 0.1f, 0 };
  check_case (&pg, 16, 16, 8, 8, 1, 1, 1, 1, none, true, 1);
  check_case (&pg, 17, 19, 30, 27, 1, 1, 1, 1, relu, true, 2);
  check_case (&pg, 5, 3, 25, 33, 2, 0, 1, 2, clip, false, 3);
  check_case (&pg, 64, 24, 14, 14, 0, 0, 0, 0, leaky, true, 4);
  check_case (&pg, 3, 70, 7, 61, 2, 2, 2, 2, relu, true, 5);
  check_case (&pg, 300, 9, 9, 10, 1, 1, 1, 1, none, true, 6);
  /* ResNet-like: large values of c make the rounding of the sums count */
  check_case (&pg, 128, 32, 28, 28, 1, 1, 1, 1, relu, true, 7);
  return check_summary ("winograd");
}
