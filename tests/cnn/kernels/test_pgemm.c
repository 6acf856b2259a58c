/* test_pgemm.c — the packed GEMM micro-kernels and B packers against
 * references.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs at the CPU level the process gets (cnn_cpu_level (); meson runs it
 * once with CNN_CPU=avx2 and once with CNN_CPU=avx512; a level without a
 * micro-kernel, or a machine without the instructions, skips with 77).
 * 1. cnn_im2col_panels and cnn_pack_rows_panels against cnn_im2col_ref
 *    rearranged into panels (exact: both copy the same inputs), including
 *    the zeroed tail of the last panel; tiles and k blocks starting
 *    inside a row or a channel's taps on the bordered-plane path.
 * 2. cnn_pgemm_block on shapes that are not multiples of the tile (m, k,
 *    len odd; k above CNN_PGEMM_KC so that C is accumulated over several k
 *    blocks; A's row stride odd or a multiple of 256, which takes the
 *    copied-slice path), with and without bias and residual, with every
 *    fused
 *    activation, against cnn_sgemm_ref (double sums) then the epilogue in
 *    plain C: within 1e-5 relative + 1e-6 * k absolute. Elements of C
 *    outside the block must stay untouched (the masked stores), and a NaN
 *    through Relu and Clip must stay NaN.
 * 3. The same blocks with B read in place (cnn_pgemm_rows_b: columns 1 ..
 *    len of a k x (len + 1) matrix, allocated to its last float): bit for
 *    bit the packed result.
 */
#include "kernels/gemm.h"
#include "kernels/im2col.h"
#include "kernels/pgemm.h"
#include "op_harness.h"

#include <math.h>
#include <stdio.h>

/* Rearranges a full col (rows x len) into the panel layout of pgemm.h. */
static void
to_panels (const float *col, int64_t rows, int64_t k0, int64_t kc,
    int64_t len, int nr, float *dst)
{
  int64_t panels = (len + nr - 1) / nr;
  for (int64_t q = 0; q < panels; q++)
    for (int64_t r = 0; r < kc; r++)
      for (int j = 0; j < nr; j++) {
        int64_t col_j = q * nr + j;
        dst[(q * kc + r) * nr + j] = col_j < len
            ? col[(k0 + r) * len + col_j] : 0.0f;
      }
  (void) rows;
}

/* Column stride 2 on rows long enough for the 8-wide even-lane copy of
 * im2col.c (runs of 8 to 23 outputs, pads on both sides): 2 channels
 * 7x47, 3x3 kernel, stride 2, pad 1 -> 4x24 outputs. */
static void
test_im2col_stride2 (int nr)
{
  CnnConvGeom g = { .n = 1, .c = 2, .oc = 1, .group = 1,
    .in = { 1, 7, 47 }, .out = { 1, 4, 24 }, .k = { 1, 3, 3 },
    .stride = { 1, 2, 2 }, .dil = { 1, 1, 1 }, .pad = { 0, 1, 1 } };
  int64_t rows = 18, len = 96;
  size_t n = (size_t) (rows * ((len + nr - 1) / nr * nr));
  float *x = h_rand_array (2 * 7 * 47, 5);
  float *col = malloc (sizeof (float) * (size_t) (rows * len));
  float *want = malloc (n * 4), *got = malloc (n * 4);
  cnn_im2col_ref (&g, x, 2, 0, len, col);
  to_panels (col, rows, 0, rows, len, nr, want);
  for (size_t e = 0; e < n; e++)
    got[e] = NAN;
  cnn_im2col_panels (&g, x, 0, rows, 0, len, nr, got);
  CHECK_MSG (memcmp (got, want, n * 4) == 0, "im2col panels, stride 2");
  free (x);
  free (col);
  free (want);
  free (got);
}

/* cnn_im2col_panels of rows k0 .. k0+kc-1 (of rows), columns p0 .. p0+len-1
 * of cg channels of x: bit for bit the reference rearranged in panels. */
static void
check_im2col_span (const CnnConvGeom *g, const float *x, int64_t cg,
    int64_t rows, int64_t p0, int64_t len, int64_t k0, int64_t kc, int nr,
    const char *what)
{
  size_t n = (size_t) (kc * ((len + nr - 1) / nr * nr));
  float *col = malloc (sizeof (float) * (size_t) (rows * len));
  float *want = malloc (n * 4), *got = malloc (n * 4);
  cnn_im2col_ref (g, x, cg, p0, len, col);
  to_panels (col, rows, k0, kc, len, nr, want);
  for (size_t e = 0; e < n; e++)
    got[e] = NAN;
  cnn_im2col_panels (g, x, k0, kc, p0, len, nr, got);
  CHECK_MSG (memcmp (got, want, n * 4) == 0, "im2col panels: %s, p0 %lld "
      "len %lld k0 %lld kc %lld", what, (long long) p0, (long long) len,
      (long long) k0, (long long) kc);
  free (col);
  free (want);
  free (got);
}

/* The bordered-plane path of im2col.c (2-D, stride 1 or 2, no dilation):
 * tiles starting inside an output row and k blocks starting inside a
 * channel's taps, for both strides; 3 channels 9x13 and 9x29, 3x3, pad 1
 * (output rows of 13, 7, 29 and 15: the AVX-512 copies' masked runs below
 * 16, a stride-2 run reading into its second vector, and full vectors). */
static void
test_im2col_bordered (int nr)
{
  int64_t spans[][4] = {        /* p0, len, k0, kc */
    { 0, 0, 0, 27 }, { 7, 30, 5, 9 }, { 0, 1, 26, 1 }, { 3, 41, 4, 20 },
  };
  for (int64_t v = 0; v < 4; v++) {
    int64_t s = v % 2 + 1, w = v < 2 ? 13 : 29;
    CnnConvGeom g = { .n = 1, .c = 3, .oc = 1, .group = 1,
      .in = { 1, 9, w }, .out = { 1, (9 + 2 - 3) / s + 1,
          (w + 2 - 3) / s + 1 }, .k = { 1, 3, 3 }, .stride = { 1, s, s },
      .dil = { 1, 1, 1 }, .pad = { 0, 1, 1 } };
    int64_t rows = 27, positions = g.out[1] * g.out[2];
    float *x = h_rand_array ((size_t) (3 * 9 * w), 6);
    spans[0][1] = positions;
    for (size_t i = 0; i < 4; i++) {
      int64_t p0 = spans[i][0];
      int64_t len = positions - p0 < spans[i][1] ? positions - p0
          : spans[i][1];
      check_im2col_span (&g, x, 3, rows, p0, len, spans[i][2], spans[i][3],
          nr, s == 1 ? "bordered, stride 1" : "bordered, stride 2");
    }
    free (x);
  }
}

static void
test_packers (int nr)
{
  /* 3 channels 9x11, 3x2 kernel, stride (2,1), dilation (1,2), pads */
  CnnConvGeom g = { .n = 1, .c = 3, .oc = 1, .group = 1,
    .in = { 1, 9, 11 }, .out = { 1, 5, 9 }, .k = { 1, 3, 2 },
    .stride = { 1, 2, 1 }, .dil = { 1, 1, 2 }, .pad = { 0, 2, 1 } };
  int64_t rows = 18, positions = 45;
  float *x = h_rand_array (3 * 99, 3);
  float *xr = h_rand_array ((size_t) (rows * positions), 4);
  int64_t spans[][4] = {        /* p0, len, k0, kc */
    { 0, 45, 0, 18 }, { 7, 30, 5, 9 }, { 44, 1, 17, 1 }, { 3, 41, 0, 7 },
  };
  for (size_t i = 0; i < 4; i++) {
    int64_t p0 = spans[i][0], len = spans[i][1], k0 = spans[i][2],
        kc = spans[i][3];
    size_t n = (size_t) (kc * ((len + nr - 1) / nr * nr));
    float *col = malloc (sizeof (float) * (size_t) (rows * len));
    float *want = malloc (n * 4), *got = malloc (n * 4);
    check_im2col_span (&g, x, 3, rows, p0, len, k0, kc, nr, "dilation 2");
    /* a plain 18 x 45 matrix as 1x1 rows */
    for (int64_t r = 0; r < rows; r++)
      for (int64_t j = 0; j < len; j++)
        col[r * len + j] = xr[r * positions + p0 + j];
    to_panels (col, rows, k0, kc, len, nr, want);
    for (size_t e = 0; e < n; e++)
      got[e] = NAN;
    cnn_pack_rows_panels (xr, positions, k0, kc, p0, len, nr, got);
    CHECK_MSG (memcmp (got, want, n * 4) == 0, "row panels span %zu", i);
    free (col);
    free (want);
    free (got);
  }
  free (x);
  free (xr);
  test_im2col_stride2 (nr);
  test_im2col_bordered (nr);
}

typedef struct {
  const float *b;               /* k x ldb */
  int64_t ldb;
} RowsCtx;

static void
pack_rows (void *ctx, int64_t k0, int64_t kc, int64_t p0, int64_t len,
    int nr, float *dst)
{
  const RowsCtx *rc = ctx;
  cnn_pack_rows_panels (rc->b, rc->ldb, k0, kc, p0, len, nr, dst);
}

static float
epilogue (float v, float bias, float res, const CnnFusedAct *act)
{
  v += bias + res;
  switch (act->kind) {
    case CNN_ACT_RELU:
      return v < 0 ? 0 : v;
    case CNN_ACT_CLIP:
      return v < act->alpha ? act->alpha : v > act->beta ? act->beta : v;
    case CNN_ACT_LEAKY_RELU:
      return v < 0 ? act->alpha * v : v;
    case CNN_ACT_NONE:
    default:
      return v;
  }
}

/* Section 3: the block again with B in place; packed holds the packed
 * run's whole C (the block at offset off). */
static void
check_in_place (const CnnPgemm *pg, int64_t m, int64_t k, const float *a,
    int64_t lda, const float *b, int64_t len, const float *packed,
    int64_t off, int64_t ldc, const float *bias, const float *res,
    int64_t ldr, const CnnFusedAct *act, float *bbuf, float *abuf)
{
  int64_t ld = len + 1, n = (m + 3) * ldc;
  float *wide = malloc (sizeof (float) * (size_t) (k * ld));
  float *c = malloc (sizeof (float) * (size_t) n);
  for (int64_t r = 0; r < k; r++) {
    wide[r * ld] = NAN;         /* column 0 is not part of B */
    memcpy (wide + r * ld + 1, b + r * len, sizeof (float) * (size_t) len);
  }
  memcpy (c, packed, sizeof (float) * (size_t) n);
  for (int64_t i = 0; i < m; i++)       /* the block is rewritten */
    for (int64_t j = 0; j < len; j++)
      c[off + i * ldc + j] = -1.0f;
  CnnPgemmRows rows = { wide, ld };
  cnn_pgemm_block (pg, m, k, a, lda, cnn_pgemm_rows_b, &rows, 1, len,
      c + off, ldc, bias, res, ldr, act, bbuf, abuf);
  CHECK_MSG (memcmp (c, packed, sizeof (float) * (size_t) n) == 0,
      "B in place differs from packed B (m %lld k %lld len %lld)",
      (long long) m, (long long) k, (long long) len);
  free (wide);
  free (c);
}

/* C block at (rows 2.., columns 3..) of a larger matrix; m x k x len. */
static void
check_block (const CnnPgemm *pg, int64_t m, int64_t k, int64_t lda,
    int64_t len, bool bias_on, bool res_on, CnnFusedAct act, uint32_t seed)
{
  int64_t ldc = len + 5, ldr = len + 2, rows = m + 3;
  float *a = h_rand_array ((size_t) (m * lda), seed);
  float *b = h_rand_array ((size_t) (k * len), seed + 1);
  float *bias = h_rand_array ((size_t) m, seed + 2);
  float *res = h_rand_array ((size_t) (m * ldr), seed + 3);
  float *c = h_rand_array ((size_t) (rows * ldc), seed + 4);
  float *want = malloc (sizeof (float) * (size_t) (rows * ldc));
  float *bbuf = aligned_alloc (64, (size_t) cnn_pgemm_b_floats (pg, k, len)
      * 4 + 64);
  float *abuf = aligned_alloc (64, (size_t) cnn_pgemm_a_floats (pg) * 4);
  memcpy (want, c, sizeof (float) * (size_t) (rows * ldc));
  float *wblock = want + 2 * ldc + 3, *cblock = c + 2 * ldc + 3;
  cnn_sgemm_ref (false, false, (int) m, (int) len, (int) k, 1.0f, a, (int) lda,
      b, (int) len, 0.0f, wblock, (int) ldc);
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < len; j++)
      wblock[i * ldc + j] = epilogue (wblock[i * ldc + j],
          bias_on ? bias[i] : 0.0f, res_on ? res[i * ldr + j] : 0.0f, &act);
  RowsCtx rc = { b, len };
  cnn_pgemm_block (pg, m, k, a, lda, pack_rows, &rc, 0, len, cblock, ldc,
      bias_on ? bias : NULL, res_on ? res : NULL, ldr,
      act.kind == CNN_ACT_NONE ? NULL : &act, bbuf, abuf);
  CHECK_CLOSE (c, want, (size_t) (rows * ldc), 1e-5, 1e-6 * (double) k);
  check_in_place (pg, m, k, a, lda, b, len, c, cblock - c, ldc,
      bias_on ? bias : NULL, res_on ? res : NULL, ldr,
      act.kind == CNN_ACT_NONE ? NULL : &act, bbuf, abuf);
  if (check_failed_count)
    fprintf (stderr, "  block m %lld k %lld len %lld act %d bias %d res %d\n",
        (long long) m, (long long) k, (long long) len, (int) act.kind,
        bias_on, res_on);
  free (a);
  free (b);
  free (bias);
  free (res);
  free (c);
  free (want);
  free (bbuf);
  free (abuf);
}

static void
test_blocks (const CnnPgemm *pg)
{
  static const int64_t shapes[][3] = {  /* m, k, len */
    { 1, 1, 1 }, { 8, 9, 48 }, { 6, 16, 16 }, { 13, 27, 49 },
    { 21, 300, 97 }, { 5, 700, 17 }, { 64, 576, 196 }, { 7, 257, 33 },
    { 9, 3, 8 }, { 17, 40, 7 },
    /* last vectors of 2 and 6 lanes (the partial stores' 4/2/1 split) */
    { 11, 20, 26 }, { 5, 33, 30 },
  };
  CnnFusedAct acts[] = { { CNN_ACT_NONE, 0, 0 }, { CNN_ACT_RELU, 0, 0 },
    { CNN_ACT_CLIP, -0.5f, 0.75f }, { CNN_ACT_LEAKY_RELU, 0.1f, 0 } };
  uint32_t seed = 50;
  for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
    for (int v = 0; v < 4; v++, seed += 7) {
      /* A's row stride: k + 3, or a multiple of 256 (A slices copied) */
      int64_t k = shapes[s][1];
      int64_t lda = v == 2 ? (k + 255) / 256 * 256 : k + 3;
      check_block (pg, shapes[s][0], k, lda, shapes[s][2], v & 1,
          (v + (int) s) & 1, acts[(v + (int) s) % 4], seed);
    }
}

/* A NaN in A stays NaN through Relu and Clip (as in the reference). */
static void
test_nan (const CnnPgemm *pg)
{
  int64_t m = 3, k = 4, len = 5;
  float a[12], b[20], c[15];
  for (int i = 0; i < 12; i++)
    a[i] = 0.5f;
  for (int i = 0; i < 20; i++)
    b[i] = -1.0f;
  a[5] = NAN;                   /* row 1 */
  float *bbuf = aligned_alloc (64, 4096);
  float *abuf = aligned_alloc (64, (size_t) cnn_pgemm_a_floats (pg) * 4);
  CnnFusedAct acts[] = { { CNN_ACT_RELU, 0, 0 },
    { CNN_ACT_CLIP, -0.5f, 0.75f } };
  for (int t = 0; t < 2; t++) {
    RowsCtx rc = { b, len };
    cnn_pgemm_block (pg, m, k, a, k, pack_rows, &rc, 0, len, c, len, NULL,
        NULL, len, &acts[t], bbuf, abuf);
    CHECK (isnan (c[5]) && isnan (c[9]));
    CHECK (c[0] == (t == 0 ? 0.0f : -0.5f) && c[14] == c[0]);
  }
  free (bbuf);
  free (abuf);
}

int
main (void)
{
  CnnPgemm pg;
  CnnCpuLevel level = cnn_cpu_level ();
  if (!cnn_pgemm_init (&pg, level))
    CHECK_SKIP ("no packed GEMM kernel at CPU level %s",
        cnn_cpu_level_name (level));
  printf ("level %s: tile %d x %d\n", cnn_cpu_level_name (level), pg.mr,
      pg.nr);
  test_packers (pg.nr);
  test_packers (5);
  test_blocks (&pg);
  test_nan (&pg);
  return check_summary ("pgemm");
}
