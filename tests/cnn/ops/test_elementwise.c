/* test_elementwise.c — broadcasting and Add/Sub/Mul/Div/Sum/Max/Min/PRelu.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Hand-computed cases, shape errors, int64 folding, and the fast
 * coalescing walker against the per-element reference on many odd shape
 * pairs (rank mismatch, size-1 dims, scalars, per-channel), single- and
 * two-threaded. Tolerance: exact for the walker (same formula per
 * element), 1e-6 relative for hand values.
 */
#include "check.h"
#include "op_harness.h"
#include "ops/broadcast.h"

#include <string.h>

static void
test_broadcast_dims (void)
{
  CnnDiag d;
  CnnTensorInfo a = { CNN_DTYPE_FLOAT32, 4, { 2, 1, 4, 1 } };
  CnnTensorInfo b = { CNN_DTYPE_FLOAT32, 3, { 3, 1, 5 } };
  CnnTensorInfo out;
  CHECK (cnn_broadcast_dims (&a, &b, &out, &d) == CNN_OK);
  CHECK (out.rank == 4 && out.dims[0] == 2 && out.dims[1] == 3 &&
      out.dims[2] == 4 && out.dims[3] == 5);
  CnnTensorInfo c = { CNN_DTYPE_FLOAT32, 2, { 2, 3 } };
  CnnTensorInfo e = { CNN_DTYPE_FLOAT32, 1, { 4 } };
  CHECK (cnn_broadcast_dims (&c, &e, &out, &d) == CNN_ERR_SHAPE);
  CHECK_MSG (strstr (d.message, "cannot broadcast [2,3] with [4]") != NULL,
      "message: %s", d.message);
  CnnTensorInfo s = { CNN_DTYPE_FLOAT32, 0, { 0 } };
  CHECK (cnn_broadcast_dims (&s, &c, &out, &d) == CNN_OK);
  CHECK (out.rank == 2 && out.dims[0] == 2 && out.dims[1] == 3);
  CnnTensorInfo z = { CNN_DTYPE_FLOAT32, 2, { 0, 1 } };
  CHECK (cnn_broadcast_dims (&z, &e, &out, &d) == CNN_OK);
  CHECK (out.dims[0] == 0 && out.dims[1] == 4);
  CHECK (cnn_broadcast_check_to (&e, &c, &d) == CNN_ERR_SHAPE);
  CHECK (cnn_broadcast_check_to (&s, &c, &d) == CNN_OK);
}

/* Fast walker (whole range and in uneven pieces) == reference. */
static void
walker_vs_ref (const CnnTensorInfo *a, const CnnTensorInfo *b, CnnBinOp op,
    unsigned seed)
{
  CnnDiag d;
  CnnTensorInfo out;
  if (cnn_broadcast_dims (a, b, &out, &d) != CNN_OK) {
    CHECK_MSG (0, "%s", d.message);
    return;
  }
  size_t na = (size_t) cnn_numel (a), nb = (size_t) cnn_numel (b);
  size_t no = (size_t) cnn_numel (&out);
  float *x = malloc (na * 4), *y = malloc (nb * 4);
  float *ref = malloc (no * 4 + 4), *fast = malloc (no * 4 + 4);
  oc_fill_random (x, na, seed);
  oc_fill_random (y, nb, seed + 1);
  for (size_t i = 0; i < nb; i++)
    y[i] += y[i] >= 0 ? 0.5f : -0.5f;   /* keep Div away from 0 */
  cnn_bcast_ref_f32 (op, &out, ref, a, x, b, y);
  CnnBcast plan;
  cnn_bcast_plan (&plan, &out, a, b);
  CHECK (plan.numel == (int64_t) no);
  memset (fast, 0, no * 4);
  cnn_bcast_binary_f32 (&plan, op, fast, x, y, 0, (int64_t) no);
  CHECK_CLOSE (fast, ref, no, 0, 0);
  /* pieces of 7 elements cut rows anywhere */
  memset (fast, 0, no * 4);
  for (int64_t p = 0; p < (int64_t) no; p += 7)
    cnn_bcast_binary_f32 (&plan, op, fast, x, y, p,
        p + 7 < (int64_t) no ? p + 7 : (int64_t) no);
  CHECK_CLOSE (fast, ref, no, 0, 0);
  free (x);
  free (y);
  free (ref);
  free (fast);
}

static void
test_walker (void)
{
  static const struct {
    int ra;
    int64_t a[5];
    int rb;
    int64_t b[5];
  } cases[] = {
    { 4, { 2, 3, 5, 7 }, 4, { 2, 3, 5, 7 } },     /* same shape */
    { 4, { 2, 3, 5, 7 }, 0, { 0 } },              /* scalar */
    { 0, { 0 }, 3, { 3, 5, 7 } },                 /* scalar first */
    { 4, { 2, 3, 5, 7 }, 3, { 3, 1, 1 } },        /* per-channel */
    { 4, { 1, 3, 5, 7 }, 4, { 1, 3, 1, 1 } },
    { 4, { 2, 3, 5, 7 }, 1, { 7 } },              /* last dim */
    { 3, { 3, 1, 7 }, 3, { 1, 5, 1 } },           /* outer product */
    { 5, { 2, 1, 3, 1, 5 }, 4, { 4, 3, 6, 1 } },
    { 2, { 1, 1 }, 3, { 2, 1, 3 } },
    { 3, { 3, 5, 7 }, 2, { 5, 1 } },
    { 4, { 2, 3, 5, 7 }, 4, { 2, 1, 5, 1 } },
    { 2, { 17, 1 }, 1, { 13 } },
    { 2, { 0, 3 }, 1, { 3 } },                    /* empty */
  };
  const CnnBinOp ops[] = { CNN_BIN_ADD, CNN_BIN_SUB, CNN_BIN_MUL, CNN_BIN_DIV,
    CNN_BIN_MAX, CNN_BIN_MIN, CNN_BIN_PRELU };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    CnnTensorInfo a = { CNN_DTYPE_FLOAT32, cases[c].ra, { 0 } };
    CnnTensorInfo b = { CNN_DTYPE_FLOAT32, cases[c].rb, { 0 } };
    memcpy (a.dims, cases[c].a, sizeof cases[c].a);
    memcpy (b.dims, cases[c].b, sizeof cases[c].b);
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
      walker_vs_ref (&a, &b, ops[o], (unsigned) (c * 10 + o));
  }
  /* the reference itself on a hand case: [2,1] + [3] */
  CnnTensorInfo a = { CNN_DTYPE_FLOAT32, 2, { 2, 1 } };
  CnnTensorInfo b = { CNN_DTYPE_FLOAT32, 1, { 3 } };
  CnnTensorInfo out = { CNN_DTYPE_FLOAT32, 2, { 2, 3 } };
  float x[] = { 10, 20 }, y[] = { 1, 2, 3 }, r[6];
  float want[] = { 11, 12, 13, 21, 22, 23 };
  cnn_bcast_ref_f32 (CNN_BIN_ADD, &out, r, &a, x, &b, y);
  CHECK_CLOSE (r, want, 6, 0, 0);
}

static void
test_binary_ops (void)
{
  const char *names[] = { "Add", "Sub", "Mul", "Div" };
  float a[] = { 1, -2, 3, 4, 5, -6 }, b[] = { 2, -4, 0.5f };
  float want[4][6] = {
    { 3, -6, 3.5f, 6, 1, -5.5f },
    { -1, 2, 2.5f, 2, 9, -6.5f },
    { 2, 8, 1.5f, 8, -20, -3 },
    { 0.5f, 0.5f, 6, 2, -1.25f, -12 },
  };
  for (int k = 0; k < 4; k++) {
    for (int threads = 1; threads <= 2; threads++) {
      OpCase *c = oc_new (names[k], 13);
      oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), a, false);
      oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), b, true);
      oc_output (c);
      oc_threads (c, threads);
      CHECK_MSG (oc_run (c) == CNN_OK, "%s: %s", names[k], c->d.message);
      CHECK (oc_out_dims_are (c, 0, DIMS (2, 3)));
      CHECK_CLOSE ((float *) oc_out (c, 0), want[k], 6, 1e-6, 0);
      oc_free (c);
    }
  }
  /* shape error names both shapes */
  OpCase *c = oc_new ("Add", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), NULL, false);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (4), NULL, false);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_SHAPE);
  CHECK_MSG (strstr (c->d.message, "[2,3]") && strstr (c->d.message, "[4]"),
      "%s", c->d.message);
  oc_free (c);
  /* mixed dtypes are rejected */
  int64_t i2[] = { 1, 2 };
  c = oc_new ("Mul", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2), NULL, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), i2, true);
  oc_output (c);
  CHECK (oc_prepare (c) != CNN_OK);
  oc_free (c);
}

/* Large tensor, two threads: the pool split must equal the reference. */
static void
test_parallel_large (void)
{
  enum { N = 2, C = 32, H = 33, W = 31 };
  size_t n = (size_t) N * C * H * W;
  float *x = malloc (n * 4), slope[C], *ref = malloc (n * 4);
  oc_fill_random (x, n, 5);
  oc_fill_random (slope, C, 6);
  CnnTensorInfo xi = { CNN_DTYPE_FLOAT32, 4, { N, C, H, W } };
  CnnTensorInfo si = { CNN_DTYPE_FLOAT32, 3, { C, 1, 1 } };
  cnn_bcast_ref_f32 (CNN_BIN_PRELU, &xi, ref, &xi, x, &si, slope);
  OpCase *c = oc_new ("PRelu", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (N, C, H, W), x, false);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (C, 1, 1), slope, true);
  oc_output (c);
  oc_threads (c, 2);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK_CLOSE ((float *) oc_out (c, 0), ref, n, 0, 0);
  oc_free (c);
  /* PRelu slope must broadcast one way onto X */
  c = oc_new ("PRelu", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (1, 3), NULL, false);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), NULL, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_SHAPE);
  oc_free (c);
  free (x);
  free (ref);
}

static void
test_variadic (void)
{
  float a[] = { 1, 2, 3 }, b[] = { 10 }, e[] = { 100, 200, 300, 400, 500, 600 };
  float want_sum[] = { 111, 212, 313, 411, 512, 613 };
  float want_max[] = { 100, 200, 300, 400, 500, 600 };
  float want_min[] = { 1, 2, 3, 1, 2, 3 };
  const char *names[] = { "Sum", "Max", "Min" };
  const float *wants[] = { want_sum, want_max, want_min };
  for (int k = 0; k < 3; k++) {
    OpCase *c = oc_new (names[k], 13);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), a, false);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (1), b, false);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), e, false);
    oc_output (c);
    CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
    CHECK (oc_out_dims_are (c, 0, DIMS (2, 3)));
    CHECK_CLOSE ((float *) oc_out (c, 0), wants[k], 6, 0, 0);
    oc_free (c);
  }
  /* one input: a copy */
  OpCase *c = oc_new ("Sum", 8);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3), a, false);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK_CLOSE ((float *) oc_out (c, 0), a, 3, 0, 0);
  oc_free (c);
}

static void
test_int64 (void)
{
  int64_t shape[] = { 1, 64, 7, 7 }, two[] = { 2 }, neg[] = { -7, 7 };
  OpCase *c = oc_new ("Div", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), shape, true);
  oc_input (c, CNN_DTYPE_INT64, SCALAR, two, true);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_info (c, 0)->dtype == CNN_DTYPE_INT64);
  int64_t *r = oc_out (c, 0);
  CHECK (r[0] == 0 && r[1] == 32 && r[2] == 3 && r[3] == 3);
  oc_free (c);
  /* truncation toward zero */
  c = oc_new ("Div", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), neg, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), two, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  r = oc_out (c, 0);
  CHECK (r[0] == -3 && r[1] == 3);
  oc_free (c);
  /* division by zero fails cleanly */
  int64_t zero[] = { 0 };
  c = oc_new ("Div", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), neg, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), zero, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
  /* Mul, Sub, Add on shapes */
  const char *names[] = { "Mul", "Sub", "Add" };
  int64_t want[3][4] = { { 2, 128, 14, 14 }, { -1, 62, 5, 5 },
    { 3, 66, 9, 9 } };
  for (int k = 0; k < 3; k++) {
    c = oc_new (names[k], 13);
    oc_input (c, CNN_DTYPE_INT64, DIMS (4), shape, true);
    oc_input (c, CNN_DTYPE_INT64, DIMS (1), two, true);
    oc_output (c);
    CHECK (oc_run (c) == CNN_OK);
    CHECK (memcmp (oc_out (c, 0), want[k], sizeof want[k]) == 0);
    oc_free (c);
  }
  /* int64 at run time is refused */
  c = oc_new ("Add", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), shape, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), two, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  oc_free (c);
}

int
main (void)
{
  test_broadcast_dims ();
  test_walker ();
  test_binary_ops ();
  test_parallel_large ();
  test_variadic ();
  test_int64 ();
  return check_summary ("elementwise");
}
