/* test_reduce.c — ReduceMean, ReduceSum, ReduceMax, ReduceMin.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every subset of the axes of a [2,3,4,5] tensor (and one with size-1
 * dims), keepdims 0 and 1, axes as attribute (opset 13) and as input
 * (opset 18; ReduceSum from 13), against a reference that visits each
 * input element by its coordinates and accumulates in double here.
 * Tolerance rtol 1e-5, atol 1e-6 (float vs double accumulation).
 */
#include "check.h"
#include "op_harness.h"

#include <math.h>
#include <string.h>

static const char *const ops[] = { "ReduceMean", "ReduceSum", "ReduceMax",
  "ReduceMin" };

/* Reference: y over the kept dims (row-major), k = index in ops[]. */
static void
ref_reduce (int k, const float *x, const int64_t *dims, int rank,
    unsigned mask, float *y, int64_t n_out)
{
  double acc[256];
  int64_t cnt = 1, total = 1;
  for (int i = 0; i < rank; i++) {
    total *= dims[i];
    if ((mask >> i) & 1)
      cnt *= dims[i];
  }
  for (int64_t o = 0; o < n_out; o++)
    acc[o] = k == 2 ? -INFINITY : k == 3 ? INFINITY : 0;
  for (int64_t i = 0; i < total; i++) {
    int64_t rem = i, o = 0, ostride = 1;
    for (int d = rank - 1; d >= 0; d--) {
      int64_t c = rem % dims[d];
      rem /= dims[d];
      if (!((mask >> d) & 1)) {
        o += c * ostride;
        ostride *= dims[d];
      }
    }
    if (k == 2)
      acc[o] = fmax (acc[o], x[i]);
    else if (k == 3)
      acc[o] = fmin (acc[o], x[i]);
    else
      acc[o] += x[i];
  }
  for (int64_t o = 0; o < n_out; o++)
    y[o] = (float) (k == 0 ? acc[o] / (double) cnt : acc[o]);
}

static int bad_cases;

static void
check_reduce (int k, int64_t opset, const int64_t *dims, int rank,
    unsigned mask, bool keep)
{
  float x[240], want[256];
  int64_t axes[4], out_dims[4], n_out = 1;
  int n_axes = 0, out_rank = 0;
  oc_fill_random (x, 240, mask * 7 + (unsigned) k);
  for (int i = 0; i < rank; i++) {
    bool r = (mask >> i) & 1;
    if (r)
      axes[n_axes++] = i - (i % 2 ? rank : 0);  /* mix negative axes */
    if (!r)
      n_out *= dims[i];
    if (!r || keep)
      out_dims[out_rank++] = r ? 1 : dims[i];
  }
  if (mask == 0) {
    /* no axes given: reduce everything */
    n_out = 1;
    out_rank = keep ? rank : 0;
    for (int i = 0; i < out_rank; i++)
      out_dims[i] = 1;
  }
  ref_reduce (k, x, dims, rank, mask ? mask : (1u << rank) - 1, want, n_out);
  bool from_input = opset >= (k == 1 ? 13 : 18);
  OpCase *c = oc_new (ops[k], opset);
  oc_input (c, CNN_DTYPE_FLOAT32, rank, dims, x, false);
  if (n_axes && from_input)
    oc_input (c, CNN_DTYPE_INT64, 1, (int64_t[]) { n_axes }, axes, true);
  else if (n_axes)
    oc_attr_ints (c, "axes", axes, (size_t) n_axes);
  oc_attr_int (c, "keepdims", keep);
  oc_output (c);
  bool ok = oc_run (c) == CNN_OK && oc_out_dims_are (c, 0, out_rank, out_dims)
      && check_max_excess (oc_out (c, 0), want, (size_t) n_out, 1e-5, 1e-6,
          NULL, NULL) <= 0;
  if (!ok && bad_cases++ < 5)
    fprintf (stderr, "%s opset %lld mask %x keep %d: %s\n", ops[k],
        (long long) opset, mask, keep, c->d.message);
  CHECK (ok);
  oc_free (c);
}

static void
test_all_axes (void)
{
  int64_t dims[] = { 2, 3, 4, 5 }, ones[] = { 3, 1, 4, 1 };
  for (int k = 0; k < 4; k++)
    for (unsigned mask = 0; mask < 16; mask++)
      for (int keep = 0; keep <= 1; keep++) {
        check_reduce (k, 13, dims, 4, mask, keep);
        check_reduce (k, 18, dims, 4, mask, keep);
        check_reduce (k, 13, ones, 4, mask, keep);
      }
  CHECK_MSG (bad_cases == 0, "%d reduce cases wrong", bad_cases);
}

static void
test_noop_and_errors (void)
{
  float x[6] = { 1, 2, 3, 4, 5, 6 };
  OpCase *c = oc_new ("ReduceMean", 18);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), x, false);
  oc_attr_int (c, "noop_with_empty_axes", 1);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (2, 3)));
  CHECK_CLOSE ((float *) oc_out (c, 0), x, 6, 0, 0);
  oc_free (c);
  /* the SE-block case: mean over H, W of NCHW, keepdims */
  c = oc_new ("ReduceMean", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (1, 2, 1, 3), x, false);
  oc_attr_ints (c, "axes", (int64_t[]) { 2, 3 }, 2);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (1, 2, 1, 1)));
  CHECK_CLOSE ((float *) oc_out (c, 0), ((float[]) { 2, 5 }), 2, 1e-7, 0);
  oc_free (c);
  c = oc_new ("ReduceSum", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), x, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 1, -1 }, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
  c = oc_new ("ReduceMax", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), x, false);
  oc_attr_ints (c, "axes", (int64_t[]) { 2 }, 1);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
}

int
main (void)
{
  test_all_axes ();
  test_noop_and_errors ();
  return check_summary ("reduce");
}
