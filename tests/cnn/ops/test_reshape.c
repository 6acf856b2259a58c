/* test_reshape.c — Shape, Reshape, Flatten, Squeeze, Unsqueeze, Identity,
 * Dropout, Constant, Cast, ConstantOfShape, Expand.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Inferred shapes and data against hand-written expectations (exact), for
 * the attribute and input forms of each opset, plus the errors a bad model
 * must produce (non-constant shape inputs, impossible reshapes, the
 * Dropout mask, unsupported casts).
 */
#include "check.h"
#include "op_harness.h"

#include <string.h>

static const float seq[24] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
  14, 15, 16, 17, 18, 19, 20, 21, 22, 23 };

static void
test_shape (void)
{
  struct { int64_t opset; bool attrs; int64_t start, end; int n;
    int64_t want[4]; } cases[] = {
    { 13, false, 0, 0, 4, { 2, 3, 1, 4 } },
    { 15, true, 1, 3, 2, { 3, 1 } },
    { 15, true, -1, 99, 1, { 4 } },
    { 15, true, -99, -2, 2, { 2, 3 } },
    { 15, true, 3, 1, 0, { 0 } },
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    OpCase *c = oc_new ("Shape", cases[k].opset);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 1, 4), NULL, false);
    oc_output (c);
    if (cases[k].attrs) {
      oc_attr_int (c, "start", cases[k].start);
      oc_attr_int (c, "end", cases[k].end);
    }
    CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
    const CnnTensorInfo *o = oc_out_info (c, 0);
    CHECK (o->dtype == CNN_DTYPE_INT64 && o->rank == 1 &&
        o->dims[0] == cases[k].n);
    CHECK (memcmp (oc_out (c, 0), cases[k].want,
            (size_t) cases[k].n * 8) == 0);
    oc_free (c);
  }
}

/* Reshape [2,3,4] with a constant shape; want_rank 0 means an error. */
static void
check_reshape (const int64_t *shape, int n, bool allowzero, int want_rank,
    const int64_t *want)
{
  OpCase *c = oc_new ("Reshape", 14);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), seq, false);
  oc_input (c, CNN_DTYPE_INT64, 1, (int64_t[]) { n }, shape, true);
  oc_output (c);
  if (allowzero)
    oc_attr_int (c, "allowzero", 1);
  CnnStatus s = oc_run (c);
  if (want_rank == 0) {
    CHECK_MSG (s != CNN_OK, "reshape should fail");
  } else {
    CHECK_MSG (s == CNN_OK, "%s", c->d.message);
    CHECK (s == CNN_OK && oc_out_dims_are (c, 0, want_rank, want));
    CHECK (s == CNN_OK && memcmp (oc_out (c, 0), seq, sizeof seq) == 0);
  }
  oc_free (c);
}

static void
test_reshape (void)
{
  check_reshape ((int64_t[]) { 6, 4 }, 2, false, 2, (int64_t[]) { 6, 4 });
  check_reshape ((int64_t[]) { 0, -1 }, 2, false, 2, (int64_t[]) { 2, 12 });
  check_reshape ((int64_t[]) { -1 }, 1, false, 1, (int64_t[]) { 24 });
  check_reshape ((int64_t[]) { 0, 0, 2, 2 }, 4, false, 4,
      (int64_t[]) { 2, 3, 2, 2 });
  check_reshape ((int64_t[]) { 5, -1 }, 2, false, 0, NULL);
  check_reshape ((int64_t[]) { -1, -1 }, 2, false, 0, NULL);
  check_reshape ((int64_t[]) { 0, 6 }, 2, true, 0, NULL);
  check_reshape ((int64_t[]) { 0, 0, 0, 0, 0 }, 5, false, 0, NULL);
  /* allowzero: 0 is a real size (only possible for empty tensors) */
  for (int az = 0; az <= 1; az++) {
    OpCase *e = oc_new ("Reshape", 14);
    oc_input (e, CNN_DTYPE_FLOAT32, DIMS (0, 3), NULL, false);
    oc_input (e, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 3, 0 }, true);
    oc_attr_int (e, "allowzero", az);
    oc_output (e);
    CHECK (oc_prepare (e) == (az ? CNN_OK : CNN_ERR_SHAPE));
    CHECK (!az || oc_out_dims_are (e, 0, DIMS (3, 0)));
    oc_free (e);
  }
  /* a run-time shape input is a clear error */
  OpCase *c = oc_new ("Reshape", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), NULL, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), NULL, false);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  CHECK_MSG (strstr (c->d.message, "constant") != NULL, "%s", c->d.message);
  oc_free (c);
  /* int64 constant data (shape vectors) reshape too */
  int64_t v[] = { 7, 8 }, one[] = { 1, 2 };
  c = oc_new ("Reshape", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), v, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), one, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (1, 2)));
  CHECK (memcmp (oc_out (c, 0), v, sizeof v) == 0);
  oc_free (c);
}

static void
test_flatten (void)
{
  struct { int64_t axis; int64_t want[2]; } cases[] = {
    { 0, { 1, 24 } }, { 1, { 2, 12 } }, { 2, { 6, 4 } }, { 3, { 24, 1 } },
    { -1, { 6, 4 } },
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    OpCase *c = oc_new ("Flatten", 13);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), seq, false);
    oc_output (c);
    oc_attr_int (c, "axis", cases[k].axis);
    CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
    CHECK (oc_out_dims_are (c, 0, 2, cases[k].want));
    CHECK (memcmp (oc_out (c, 0), seq, sizeof seq) == 0);
    oc_free (c);
  }
  OpCase *c = oc_new ("Flatten", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), seq, false);
  oc_output (c);
  oc_attr_int (c, "axis", 4);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
}

/* Squeeze or Unsqueeze of [1,3,1,4]-like input, attr or input axes. */
static void
check_squeeze (const char *op, int64_t opset, const int64_t *axes, int n_axes,
    int in_rank, const int64_t *in_dims, CnnStatus want_status,
    int want_rank, const int64_t *want)
{
  OpCase *c = oc_new (op, opset);
  oc_input (c, CNN_DTYPE_FLOAT32, in_rank, in_dims, seq, false);
  if (n_axes >= 0 && opset < 13)
    oc_attr_ints (c, "axes", axes, (size_t) n_axes);
  else if (n_axes >= 0)
    oc_input (c, CNN_DTYPE_INT64, 1, (int64_t[]) { n_axes }, axes, true);
  oc_output (c);
  CnnStatus s = oc_run (c);
  CHECK_MSG (s == want_status, "%s opset %lld: %s", op, (long long) opset,
      c->d.message);
  if (s == CNN_OK && want_status == CNN_OK) {
    CHECK (oc_out_dims_are (c, 0, want_rank, want));
    CHECK (memcmp (oc_out (c, 0), seq, 12 * sizeof (float)) == 0);
  }
  oc_free (c);
}

static void
test_squeeze (void)
{
  int64_t in[] = { 1, 3, 1, 4 }, flat[] = { 3, 4 };
  for (int64_t opset = 11; opset <= 13; opset += 2) {
    check_squeeze ("Squeeze", opset, (int64_t[]) { 0 }, 1, 4, in, CNN_OK,
        3, (int64_t[]) { 3, 1, 4 });
    check_squeeze ("Squeeze", opset, (int64_t[]) { -2, 0 }, 2, 4, in, CNN_OK,
        2, flat);
    check_squeeze ("Squeeze", opset, NULL, -1, 4, in, CNN_OK, 2, flat);
    check_squeeze ("Squeeze", opset, (int64_t[]) { 1 }, 1, 4, in,
        CNN_ERR_SHAPE, 0, NULL);
    check_squeeze ("Squeeze", opset, (int64_t[]) { 4 }, 1, 4, in,
        CNN_ERR_INVALID_MODEL, 0, NULL);
    check_squeeze ("Unsqueeze", opset, (int64_t[]) { 0, 3 }, 2, 2, flat,
        CNN_OK, 4, (int64_t[]) { 1, 3, 4, 1 });
    check_squeeze ("Unsqueeze", opset, (int64_t[]) { -1, 1 }, 2, 2, flat,
        CNN_OK, 4, (int64_t[]) { 3, 1, 4, 1 });
    check_squeeze ("Unsqueeze", opset, (int64_t[]) { 1, 1 }, 2, 2, flat,
        CNN_ERR_INVALID_MODEL, 0, NULL);
    check_squeeze ("Unsqueeze", opset, (int64_t[]) { 4 }, 1, 2, flat,
        CNN_ERR_INVALID_MODEL, 0, NULL);
  }
  /* Unsqueeze of a scalar int64 (shape chains) */
  int64_t five = 5;
  OpCase *c = oc_new ("Unsqueeze", 13);
  oc_input (c, CNN_DTYPE_INT64, SCALAR, &five, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 0 }, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (1)));
  CHECK (*(int64_t *) oc_out (c, 0) == 5);
  oc_free (c);
}

static void
test_identity_dropout (void)
{
  OpCase *c = oc_new ("Identity", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), seq, false);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (memcmp (oc_out (c, 0), seq, sizeof seq) == 0);
  oc_free (c);
  c = oc_new ("Dropout", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), seq, false);
  oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, (float[]) { 0.5f }, true);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (memcmp (oc_out (c, 0), seq, sizeof seq) == 0);
  oc_free (c);
  c = oc_new ("Dropout", 10);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3, 4), seq, false);
  oc_output (c);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  CHECK_MSG (strstr (c->d.message, "mask") != NULL, "%s", c->d.message);
  oc_free (c);
}

static void
test_constant (void)
{
  float t[] = { 1.5f, -2, 3 };
  OpCase *c = oc_new ("Constant", 13);
  oc_attr_tensor (c, "value", CNN_DTYPE_FLOAT32, DIMS (3, 1), t);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (3, 1)));
  CHECK (memcmp (oc_out (c, 0), t, sizeof t) == 0);
  oc_free (c);
  c = oc_new ("Constant", 13);
  oc_attr_float (c, "value_float", 0.25f);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_info (c, 0)->rank == 0 && *(float *) oc_out (c, 0) == 0.25f);
  oc_free (c);
  int64_t iv[] = { 4, -1 };
  c = oc_new ("Constant", 13);
  oc_attr_ints (c, "value_ints", iv, 2);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_info (c, 0)->dtype == CNN_DTYPE_INT64);
  CHECK (oc_out_dims_are (c, 0, DIMS (2)));
  CHECK (memcmp (oc_out (c, 0), iv, sizeof iv) == 0);
  oc_free (c);
  c = oc_new ("Constant", 13);
  oc_attr_string (c, "value_string", "x");
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  oc_free (c);
}

static void
test_cast (void)
{
  float f[] = { 1.9f, -2.7f, 3 };
  int64_t i[] = { 7, -3, 1 << 20 };
  OpCase *c = oc_new ("Cast", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), f, true);
  oc_attr_int (c, "to", CNN_DTYPE_INT64);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  int64_t want_i[] = { 1, -2, 3 };
  CHECK (memcmp (oc_out (c, 0), want_i, sizeof want_i) == 0);
  oc_free (c);
  c = oc_new ("Cast", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (3), i, true);
  oc_attr_int (c, "to", CNN_DTYPE_FLOAT32);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  float want_f[] = { 7, -3, 1 << 20 };
  CHECK_CLOSE ((float *) oc_out (c, 0), want_f, 3, 0, 0);
  oc_free (c);
  /* run-time float -> float is a copy; -> int64 is refused */
  c = oc_new ("Cast", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), f, false);
  oc_attr_int (c, "to", CNN_DTYPE_FLOAT32);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK_CLOSE ((float *) oc_out (c, 0), f, 3, 0, 0);
  oc_free (c);
  c = oc_new ("Cast", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), f, false);
  oc_attr_int (c, "to", CNN_DTYPE_INT64);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  oc_free (c);
  c = oc_new ("Cast", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), f, true);
  oc_attr_int (c, "to", 11);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  CHECK_MSG (strstr (c->d.message, "double") != NULL, "%s", c->d.message);
  oc_free (c);
}

static void
test_constant_of_shape_expand (void)
{
  int64_t shape[] = { 2, 3 };
  OpCase *c = oc_new ("ConstantOfShape", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), shape, true);
  oc_attr_tensor (c, "value", CNN_DTYPE_FLOAT32, DIMS (1),
      (float[]) { 2.5f });
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (2, 3)));
  float want[6] = { 2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f };
  CHECK_CLOSE ((float *) oc_out (c, 0), want, 6, 0, 0);
  oc_free (c);
  c = oc_new ("ConstantOfShape", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), shape, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  float zeros[6] = { 0 };
  CHECK_CLOSE ((float *) oc_out (c, 0), zeros, 6, 0, 0);
  oc_free (c);
  /* Expand [3,1] by [2,1,4] -> [2,3,4] */
  float x[] = { 1, 2, 3 };
  c = oc_new ("Expand", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 1), x, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (3), (int64_t[]) { 2, 1, 4 }, true);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (2, 3, 4)));
  float *y = oc_out (c, 0);
  bool ok = true;
  for (int i = 0; i < 24; i++)
    ok = ok && y[i] == x[(i / 4) % 3];
  CHECK (ok);
  oc_free (c);
  int64_t iv[] = { 9, 8 };
  c = oc_new ("Expand", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), iv, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 2, 1 }, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  int64_t want_i[] = { 9, 8, 9, 8 };
  CHECK (oc_out_dims_are (c, 0, DIMS (2, 2)));
  CHECK (memcmp (oc_out (c, 0), want_i, sizeof want_i) == 0);
  oc_free (c);
  c = oc_new ("Expand", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 2), NULL, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 4 }, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_SHAPE);
  oc_free (c);
}

int
main (void)
{
  test_shape ();
  test_reshape ();
  test_flatten ();
  test_squeeze ();
  test_identity_dropout ();
  test_constant ();
  test_cast ();
  test_constant_of_shape_expand ();
  return check_summary ("reshape");
}
