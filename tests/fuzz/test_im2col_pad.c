/* test_im2col_pad.c — regression of the first fuzzer finding: im2col with
 * a begin padding wider than a column segment.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * regressions/conv-wide-begin-pad.onnx (Conv, pads [1, 42, 1, 1]) made
 * fill_segment() in kernels/im2col.c write zeros past the end of a row
 * segment whose columns all lie in the left padding, overflowing the
 * session's scratch. Whether a whole model reaches that case depends on how
 * ops/conv.c tiles the positions, so this test drives the kernels directly:
 * for every tile split (p0, len) of several geometries with wide begin pads,
 * cnn_im2col and cnn_im2col_panels must equal cnn_im2col_ref exactly and
 * must not touch the guard floats after their output. No sanitizer needed.
 */
#include "check.h"
#include "kernels/im2col.h"

#include <stdlib.h>
#include <string.h>

#define GUARD 64
#define SENTINEL -12345.0f

/* Output positions of one geometry, set from pads and strides. */
static void
geom_init (CnnConvGeom *g, int64_t w, int64_t pad_w, int64_t pad_w_end,
    int64_t stride, int64_t kw)
{
  memset (g, 0, sizeof *g);
  g->n = 1;
  g->c = 2;
  g->oc = 1;
  g->group = 1;
  g->in[0] = 1;
  g->in[1] = 5;
  g->in[2] = w;
  g->k[0] = 1;
  g->k[1] = 3;
  g->k[2] = kw;
  for (int i = 0; i < 3; i++)
    g->dil[i] = 1;
  g->stride[0] = 1;
  g->stride[1] = 1;
  g->stride[2] = stride;
  g->pad[1] = 1;
  g->pad[2] = pad_w;
  g->out[0] = 1;
  g->out[1] = 5;
  g->out[2] = (w + pad_w + pad_w_end - kw) / stride + 1;
}

static int
guard_intact (const float *buf, size_t n)
{
  for (size_t i = 0; i < GUARD; i++)
    if (buf[n + i] != SENTINEL)
      return 0;
  return 1;
}

/* cnn_im2col of columns [p0, p0 + len) against the reference. */
static void
check_plain (const CnnConvGeom *g, const float *x, int64_t p0, int64_t len,
    const char *what)
{
  int64_t rows = g->c * cnn_conv_geom_k_size (g);
  size_t n = (size_t) (rows * len);
  float *want = malloc (sizeof (float) * n);
  float *got = malloc (sizeof (float) * (n + GUARD));
  cnn_im2col_ref (g, x, g->c, p0, len, want);
  for (size_t i = 0; i < n + GUARD; i++)
    got[i] = SENTINEL;
  cnn_im2col (g, x, g->c, p0, len, got);
  CHECK_MSG (guard_intact (got, n), "%s: im2col p0 %lld len %lld wrote past "
      "its %zu floats", what, (long long) p0, (long long) len, n);
  CHECK_MSG (memcmp (got, want, n * sizeof (float)) == 0,
      "%s: im2col p0 %lld len %lld differs from the reference", what,
      (long long) p0, (long long) len);
  free (want);
  free (got);
}

/* cnn_im2col_panels of all rows, columns [p0, p0 + len), nr-wide panels. */
static void
check_panels (const CnnConvGeom *g, const float *x, int64_t p0, int64_t len,
    int nr, const char *what)
{
  int64_t rows = g->c * cnn_conv_geom_k_size (g);
  int64_t panels = (len + nr - 1) / nr;
  size_t n = (size_t) (panels * rows * nr);
  float *col = malloc (sizeof (float) * (size_t) (rows * len));
  float *want = calloc (n, sizeof (float));
  float *got = malloc (sizeof (float) * (n + GUARD));
  cnn_im2col_ref (g, x, g->c, p0, len, col);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t j = 0; j < len; j++)
      want[(j / nr) * rows * nr + r * nr + j % nr] = col[r * len + j];
  for (size_t i = 0; i < n + GUARD; i++)
    got[i] = SENTINEL;
  cnn_im2col_panels (g, x, 0, rows, p0, len, nr, got);
  CHECK_MSG (guard_intact (got, n), "%s: panels nr %d p0 %lld len %lld "
      "wrote past its %zu floats", what, nr, (long long) p0,
      (long long) len, n);
  CHECK_MSG (memcmp (got, want, n * sizeof (float)) == 0,
      "%s: panels nr %d p0 %lld len %lld differ from the reference", what,
      nr, (long long) p0, (long long) len);
  free (col);
  free (want);
  free (got);
}

int
main (void)
{
  static const struct {
    const char *what;
    int64_t w, pad_w, pad_w_end, stride, kw;
  } cases[] = {
    { "fuzz input: W 5, pads 42/1", 5, 42, 1, 1, 3 },
    { "stride 2, pads 42/1", 5, 42, 1, 2, 3 },
    { "end pad 30", 7, 2, 30, 1, 3 },
    { "both pads 20, kernel 1", 4, 20, 20, 1, 1 },
    { "stride 3, pads 17/9", 9, 17, 9, 3, 2 },
  };
  static const int64_t lens[] = { 1, 3, 7, 8, 16, 36, 64 };
  float x[2 * 5 * 9];
  for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
    x[i] = (float) i + 1.0f;

  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    CnnConvGeom g;
    geom_init (&g, cases[c].w, cases[c].pad_w, cases[c].pad_w_end,
        cases[c].stride, cases[c].kw);
    int64_t positions = cnn_conv_geom_out_size (&g);
    for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++)
      for (int64_t p0 = 0; p0 < positions; p0 += lens[l]) {
        int64_t len = positions - p0 < lens[l] ? positions - p0 : lens[l];
        check_plain (&g, x, p0, len, cases[c].what);
        check_panels (&g, x, p0, len, 8, cases[c].what);
        check_panels (&g, x, p0, len, 16, cases[c].what);
      }
    check_plain (&g, x, 0, positions, cases[c].what);
  }
  return check_summary ("im2col-pad");
}
