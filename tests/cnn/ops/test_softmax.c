/* test_softmax.c — Softmax and LogSoftmax, both axis semantics.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Opset 11 (coerce to 2-D at axis) and opset 13 (single axis) give
 * different results on a [2,3,4] tensor with axis 1; both are compared to
 * a double-precision reference written here (rtol 1e-5, atol 1e-7). Large
 * logits (±1000) must not overflow.
 */
#include "check.h"
#include "op_harness.h"

#include <math.h>
#include <string.h>

/* Reference over [outer, n, inner] with the softmax along n. */
static void
ref_softmax (const float *x, float *y, int64_t outer, int64_t n,
    int64_t inner, bool log_out)
{
  for (int64_t o = 0; o < outer; o++)
    for (int64_t j = 0; j < inner; j++) {
      const float *xr = x + o * n * inner + j;
      float *yr = y + o * n * inner + j;
      double mx = -INFINITY, sum = 0;
      for (int64_t k = 0; k < n; k++)
        mx = fmax (mx, xr[k * inner]);
      for (int64_t k = 0; k < n; k++)
        sum += exp (xr[k * inner] - mx);
      for (int64_t k = 0; k < n; k++)
        yr[k * inner] = (float) (log_out ? xr[k * inner] - mx - log (sum) :
            exp (xr[k * inner] - mx) / sum);
    }
}

static void
check_softmax (const char *op, int64_t opset, bool set_axis, int64_t axis,
    int64_t outer, int64_t n, int64_t inner)
{
  float x[24], want[24];
  oc_fill_random (x, 24, (unsigned) (opset + axis));
  for (int i = 0; i < 24; i++)
    x[i] *= 4;
  ref_softmax (x, want, outer, n, inner, strcmp (op, "LogSoftmax") == 0);
  OpCase *c = oc_new (op, opset);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), x, false);
  oc_output (c);
  if (set_axis)
    oc_attr_int (c, "axis", axis);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (2, 3, 4)));
  CHECK_MSG (check_max_excess (oc_out (c, 0), want, 24, 1e-5, 1e-7, NULL,
          NULL) <= 0, "%s opset %lld axis %lld", op, (long long) opset,
      (long long) axis);
  oc_free (c);
}

static void
test_axes (void)
{
  const char *ops[] = { "Softmax", "LogSoftmax" };
  for (int k = 0; k < 2; k++) {
    /* opset 11: rows of prod(dims[axis:]) */
    check_softmax (ops[k], 11, false, 1, 2, 12, 1);
    check_softmax (ops[k], 11, true, 0, 1, 24, 1);
    check_softmax (ops[k], 11, true, 2, 6, 4, 1);
    check_softmax (ops[k], 11, true, -1, 6, 4, 1);
    /* opset 13: one axis */
    check_softmax (ops[k], 13, false, -1, 6, 4, 1);
    check_softmax (ops[k], 13, true, 1, 2, 3, 4);
    check_softmax (ops[k], 13, true, 0, 1, 2, 12);
    check_softmax (ops[k], 13, true, -2, 2, 3, 4);
  }
  OpCase *c = oc_new ("Softmax", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), NULL, false);
  oc_output (c);
  oc_attr_int (c, "axis", 2);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
}

static void
test_stability (void)
{
  float x[] = { 1000, 999, -1000, 0 };
  double e1 = exp (-1.0), s = 1 + e1 + exp (-1000.0) + exp (-2000.0);
  float want[] = { (float) (1 / s), (float) (e1 / s), 0, 0 };
  OpCase *c = oc_new ("Softmax", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (1, 4), x, false);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK_CLOSE ((float *) oc_out (c, 0), want, 4, 1e-6, 1e-30);
  oc_free (c);
  float lwant[] = { (float) -log (s), (float) (-1 - log (s)),
    (float) (-2000 - log (s)), (float) (-1000 - log (s)) };
  c = oc_new ("LogSoftmax", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (1, 4), x, false);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK_CLOSE ((float *) oc_out (c, 0), lwant, 4, 1e-6, 1e-6);
  oc_free (c);
}

int
main (void)
{
  test_axes ();
  test_stability ();
  return check_summary ("softmax");
}
