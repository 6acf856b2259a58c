/* test_activation.c — Relu, LeakyRelu, Clip, Sigmoid, HardSigmoid,
 * HardSwish, Tanh, Elu and cnn_apply_act.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each op on fixed inputs against the formula evaluated in double here
 * (rtol 1e-6, atol 1e-7), with default and explicit attributes, both Clip
 * forms (attributes before opset 11, optional inputs from 11), and a
 * two-thread run on a large tensor.
 */
#include "check.h"
#include "op_harness.h"

#include <float.h>
#include <math.h>
#include <string.h>

static const float xs[] = { -7.5f, -3.0f, -1.0f, -0.25f, 0.0f, 0.3f, 1.0f,
  2.5f, 6.0f, 9.0f };
#define NX (sizeof xs / sizeof xs[0])

typedef double (*RefFn) (double x, double alpha, double beta);

#define REF(name, expr)                                                     \
  static double name (double x, double a, double b) { return (expr); }
REF (ref_relu, x < 0 ? 0 : x)
REF (ref_leaky, x < 0 ? a * x : x)
REF (ref_sigmoid, 1 / (1 + exp (-x)))
REF (ref_hsig, fmax (0, fmin (1, a * x + b)))
REF (ref_hswish, x * fmax (0, fmin (1, x / 6 + 0.5)))
REF (ref_tanh, tanh (x))
REF (ref_elu, x < 0 ? a * (exp (x) - 1) : x)

static void
check_act (const char *op, RefFn fn, bool set_attrs, float alpha, float beta)
{
  float want[NX];
  OpCase *c = oc_new (op, 14);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, NX / 2), xs, false);
  oc_output (c);
  if (set_attrs) {
    oc_attr_float (c, "alpha", alpha);
    if (strcmp (op, "HardSigmoid") == 0)
      oc_attr_float (c, "beta", beta);
  }
  CHECK_MSG (oc_run (c) == CNN_OK, "%s: %s", op, c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (2, NX / 2)));
  for (size_t i = 0; i < NX; i++)
    want[i] = (float) fn (xs[i], alpha, beta);
  CHECK_CLOSE ((float *) oc_out (c, 0), want, NX, 1e-6, 1e-7);
  oc_free (c);
}

static void
test_unary (void)
{
  check_act ("Relu", ref_relu, false, 0, 0);
  check_act ("LeakyRelu", ref_leaky, false, 0.01f, 0);
  check_act ("LeakyRelu", ref_leaky, true, 0.2f, 0);
  check_act ("Sigmoid", ref_sigmoid, false, 0, 0);
  check_act ("HardSigmoid", ref_hsig, false, 0.2f, 0.5f);
  check_act ("HardSigmoid", ref_hsig, true, 0.1f, 0.3f);
  check_act ("HardSwish", ref_hswish, false, 0, 0);
  check_act ("Tanh", ref_tanh, false, 0, 0);
  check_act ("Elu", ref_elu, false, 1.0f, 0);
  check_act ("Elu", ref_elu, true, 0.5f, 0);
  /* NaN passes through Relu */
  float nan_in[] = { NAN, -1 };
  OpCase *c = oc_new ("Relu", 14);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2), nan_in, false);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (isnan (((float *) oc_out (c, 0))[0]));
  CHECK (((float *) oc_out (c, 0))[1] == 0);
  oc_free (c);
  /* int64 at run time is refused */
  c = oc_new ("Relu", 14);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), NULL, false);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  oc_free (c);
}

/* Clip with bounds lo/hi, by attributes (opset 6) or inputs (opset 11+). */
static void
check_clip (int64_t opset, const float *lo, const float *hi)
{
  float want[NX];
  OpCase *c = oc_new ("Clip", opset);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (NX), xs, false);
  if (opset < 11) {
    if (lo)
      oc_attr_float (c, "min", *lo);
    if (hi)
      oc_attr_float (c, "max", *hi);
  } else {
    if (lo)
      oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, lo, true);
    else if (hi)
      oc_input_absent (c);
    if (hi)
      oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, hi, true);
  }
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  for (size_t i = 0; i < NX; i++) {
    double v = xs[i];
    if (lo && v < *lo)
      v = *lo;
    if (hi && v > *hi)
      v = *hi;
    want[i] = (float) v;
  }
  CHECK_CLOSE ((float *) oc_out (c, 0), want, NX, 0, 0);
  oc_free (c);
}

static void
test_clip (void)
{
  float zero = 0, six = 6, m1 = -1;
  for (int64_t opset = 6; opset <= 13; opset += 7) {
    check_clip (opset, &zero, &six);
    check_clip (opset, NULL, &six);
    check_clip (opset, &m1, NULL);
    check_clip (opset, NULL, NULL);
  }
  /* min > max gives max everywhere (numpy clip) */
  float lo = 2, hi = 1, want[NX];
  OpCase *c = oc_new ("Clip", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (NX), xs, false);
  oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, &lo, true);
  oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, &hi, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  for (size_t i = 0; i < NX; i++)
    want[i] = 1;
  CHECK_CLOSE ((float *) oc_out (c, 0), want, NX, 0, 0);
  oc_free (c);
  /* a non-scalar bound is an error */
  float two[] = { 0, 1 };
  c = oc_new ("Clip", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (NX), xs, false);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2), two, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
}

static void
test_apply_act (void)
{
  float x[NX], want[NX];
  CnnFusedAct acts[] = {
    { CNN_ACT_NONE, 0, 0 }, { CNN_ACT_RELU, 0, 0 },
    { CNN_ACT_CLIP, 0, 6 }, { CNN_ACT_LEAKY_RELU, 0.1f, 0 },
  };
  for (size_t k = 0; k < 4; k++) {
    memcpy (x, xs, sizeof x);
    cnn_apply_act (&acts[k], x, NX);
    for (size_t i = 0; i < NX; i++) {
      double v = xs[i];
      if (acts[k].kind == CNN_ACT_RELU)
        v = v < 0 ? 0 : v;
      else if (acts[k].kind == CNN_ACT_CLIP)
        v = fmin (fmax (v, 0), 6);
      else if (acts[k].kind == CNN_ACT_LEAKY_RELU)
        v = v < 0 ? 0.1 * v : v;
      want[i] = (float) v;
    }
    CHECK_CLOSE (x, want, NX, 1e-7, 0);
  }
}

static void
test_parallel (void)
{
  size_t n = 3 * 70001;
  float *x = malloc (n * 4), *want = malloc (n * 4);
  oc_fill_random (x, n, 3);
  for (size_t i = 0; i < n; i++)
    want[i] = (float) ref_sigmoid (x[i] * 8, 0, 0);
  for (size_t i = 0; i < n; i++)
    x[i] *= 8;
  OpCase *c = oc_new ("Sigmoid", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 70001), x, false);
  oc_output (c);
  oc_threads (c, 2);
  CHECK (oc_run (c) == CNN_OK);
  CHECK_CLOSE ((float *) oc_out (c, 0), want, n, 1e-6, 1e-7);
  oc_free (c);
  free (x);
  free (want);
}

int
main (void)
{
  test_unary ();
  test_clip ();
  test_apply_act ();
  test_parallel ();
  return check_summary ("activation");
}
