/* test_layout.c — Transpose, Concat, Split, Slice, Gather, Pad.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Transpose and Pad against per-element reference loops written here on
 * odd shapes (every permutation of a rank-4 tensor, negative pads, reflect
 * and edge); Slice against the ONNX examples and a Python-range model of
 * every start/end/step combination on one axis; Concat, Split, Gather on
 * hand cases, float32 and int64. All comparisons exact (data is moved, not
 * computed).
 */
#include "check.h"
#include "op_harness.h"

#include <string.h>

static float seq[240];

static void
test_transpose (void)
{
  int64_t dims[4] = { 2, 3, 1, 5 }, str[4] = { 15, 5, 5, 1 };
  int perms = 0;
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      for (int p = 0; p < 4; p++)
        for (int q = 0; q < 4; q++) {
          int64_t perm[4] = { a, b, p, q };
          if (a == b || a == p || a == q || b == p || b == q || p == q)
            continue;
          OpCase *c = oc_new ("Transpose", 13);
          oc_input (c, CNN_DTYPE_FLOAT32, 4, dims, seq, false);
          oc_attr_ints (c, "perm", perm, 4);
          oc_output (c);
          CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
          int64_t od[4] = { dims[a], dims[b], dims[p], dims[q] };
          CHECK (oc_out_dims_are (c, 0, 4, od));
          const float *y = oc_out (c, 0);
          bool ok = true;
          int64_t i = 0;
          for (int64_t i0 = 0; i0 < od[0]; i0++)
            for (int64_t i1 = 0; i1 < od[1]; i1++)
              for (int64_t i2 = 0; i2 < od[2]; i2++)
                for (int64_t i3 = 0; i3 < od[3]; i3++, i++)
                  ok = ok && y[i] == seq[i0 * str[a] + i1 * str[b] +
                      i2 * str[p] + i3 * str[q]];
          CHECK_MSG (ok, "perm %d%d%d%d", a, b, p, q);
          oc_free (c);
          perms++;
        }
  CHECK (perms == 24);
  /* default: reverse; int64 data */
  int64_t v[6] = { 1, 2, 3, 4, 5, 6 }, want[6] = { 1, 4, 2, 5, 3, 6 };
  OpCase *c = oc_new ("Transpose", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2, 3), v, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (3, 2)));
  CHECK (memcmp (oc_out (c, 0), want, sizeof want) == 0);
  oc_free (c);
  c = oc_new ("Transpose", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), NULL, false);
  oc_attr_ints (c, "perm", (int64_t[]) { 0, 0 }, 2);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
}

static void
test_concat (void)
{
  float a[] = { 1, 2, 3, 4 }, b[] = { 5, 6 };
  float want0[] = { 1, 2, 3, 4, 5, 6 }, want1[] = { 1, 2, 5, 3, 4, 6 };
  for (int64_t axis = -2; axis <= 1; axis++) {
    bool ax0 = axis == 0 || axis == -2;
    OpCase *c = oc_new ("Concat", 13);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 2), a, false);
    if (ax0)
      oc_input (c, CNN_DTYPE_FLOAT32, DIMS (1, 2), b, false);
    else
      oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 1), b, false);
    oc_attr_int (c, "axis", axis);
    oc_output (c);
    CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
    CHECK (ax0 ? oc_out_dims_are (c, 0, DIMS (3, 2)) :
        oc_out_dims_are (c, 0, DIMS (2, 3)));
    CHECK_CLOSE ((float *) oc_out (c, 0), ax0 ? want0 : want1, 6, 0, 0);
    oc_free (c);
  }
  /* shape vectors: [] ++ [1] ++ [-1, 7] */
  int64_t one[] = { 1 }, two[] = { -1, 7 }, want[] = { 1, -1, 7 };
  OpCase *c = oc_new ("Concat", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (0), NULL, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), one, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), two, true);
  oc_attr_int (c, "axis", 0);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (3)));
  CHECK (memcmp (oc_out (c, 0), want, sizeof want) == 0);
  oc_free (c);
  c = oc_new ("Concat", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 2), a, false);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 3), NULL, false);
  oc_attr_int (c, "axis", 0);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_SHAPE);
  oc_free (c);
}

static void
check_split (int64_t opset, const int64_t *split, int n_split, int n_out,
    CnnStatus want_status, const int64_t *want_sizes)
{
  OpCase *c = oc_new ("Split", opset);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 7), seq, false);
  if (n_split && opset < 13)
    oc_attr_ints (c, "split", split, (size_t) n_split);
  else if (n_split)
    oc_input (c, CNN_DTYPE_INT64, 1, (int64_t[]) { n_split }, split, true);
  if (opset >= 18 && !n_split)
    oc_attr_int (c, "num_outputs", n_out);
  oc_attr_int (c, "axis", -1);
  for (int i = 0; i < n_out; i++)
    oc_output (c);
  CnnStatus s = oc_run (c);
  CHECK_MSG (s == want_status, "opset %lld: %s", (long long) opset,
      c->d.message);
  for (int i = 0, off = 0; s == CNN_OK && i < n_out; i++) {
    CHECK (oc_out_dims_are (c, i, DIMS (2, want_sizes[i])));
    const float *y = oc_out (c, i);
    bool ok = true;
    for (int r = 0; r < 2; r++)
      for (int k = 0; k < want_sizes[i]; k++)
        ok = ok && y[r * want_sizes[i] + k] == seq[r * 7 + off + k];
    CHECK (ok);
    off += (int) want_sizes[i];
  }
  oc_free (c);
}

static void
test_split (void)
{
  int64_t sizes[] = { 2, 0, 5 };
  check_split (11, sizes, 3, 3, CNN_OK, sizes);
  check_split (13, sizes, 3, 3, CNN_OK, sizes);
  check_split (13, NULL, 0, 7, CNN_OK, (int64_t[]) { 1, 1, 1, 1, 1, 1, 1 });
  check_split (13, NULL, 0, 3, CNN_ERR_SHAPE, NULL);
  check_split (18, NULL, 0, 3, CNN_OK, (int64_t[]) { 3, 3, 1 });
  check_split (13, (int64_t[]) { 3, 3 }, 2, 2, CNN_ERR_SHAPE, NULL);
  check_split (11, sizes, 3, 2, CNN_ERR_INVALID_MODEL, NULL);
  check_split (13, (int64_t[]) { -1, 8 }, 2, 2, CNN_ERR_SHAPE, NULL);
}

/* One axis of n = 7: the spec's clamping, then a plain Python-style range
 * loop, written independently of slice_pad.c. */
static int
model_slice (int64_t n, int64_t start, int64_t end, int64_t step,
    int64_t *idx)
{
  int count = 0;
  if (start < 0)
    start += n;
  if (end < 0)
    end += n;
  if (step > 0) {
    start = start < 0 ? 0 : start;
    end = end > n ? n : end;
    for (int64_t i = start; i < end; i += step)
      idx[count++] = i;
  } else {
    /* the spec clamps starts to [0, n-1] here (numpy would give an empty
     * slice for a start below -n) */
    start = start < 0 ? 0 : (start > n - 1 ? n - 1 : start);
    end = end < -1 ? -1 : end;
    for (int64_t i = start; i > end && i >= 0; i += step)
      idx[count++] = i;
  }
  return count;
}

static void
test_slice_model (void)
{
  const int64_t vals[] = { -100, -8, -7, -3, -1, 0, 1, 3, 6, 7, 8, 100,
    INT64_MAX, -INT64_MAX };
  const int64_t steps[] = { 1, 2, 3, -1, -2, -4 };
  int cases = 0, bad = 0;
  for (size_t a = 0; a < 14; a++)
    for (size_t b = 0; b < 14; b++)
      for (size_t s = 0; s < 6; s++) {
        int64_t idx[16], st[] = { vals[a] }, en[] = { vals[b] };
        int n = model_slice (7, vals[a], vals[b], steps[s], idx);
        OpCase *c = oc_new ("Slice", 13);
        oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 7), seq, false);
        oc_input (c, CNN_DTYPE_INT64, DIMS (1), st, true);
        oc_input (c, CNN_DTYPE_INT64, DIMS (1), en, true);
        oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { -1 }, true);
        oc_input (c, CNN_DTYPE_INT64, DIMS (1), &steps[s], true);
        oc_output (c);
        bool ok = oc_run (c) == CNN_OK && oc_out_dims_are (c, 0, DIMS (3, n));
        for (int r = 0; ok && r < 3; r++)
          for (int k = 0; ok && k < n; k++)
            ok = ((float *) oc_out (c, 0))[r * n + k] == seq[r * 7 + idx[k]];
        if (!ok && bad++ < 5)
          fprintf (stderr, "slice start %lld end %lld step %lld: %s\n",
              (long long) vals[a], (long long) vals[b], (long long) steps[s],
              c->d.message);
        cases++;
        oc_free (c);
      }
  CHECK_MSG (bad == 0, "%d of %d slice cases wrong", bad, cases);
}

static void
test_slice_examples (void)
{
  float data[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  /* ONNX example 1: axes [0,1], starts [1,0], ends [2,3], steps [1,2] */
  OpCase *c = oc_new ("Slice", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 4), data, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 1, 0 }, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 2, 3 }, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 0, 1 }, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 1, 2 }, true);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (1, 2)));
  CHECK_CLOSE ((float *) oc_out (c, 0), ((float[]) { 5, 7 }), 2, 0, 0);
  oc_free (c);
  /* ONNX example 2 in the opset-1 attribute form */
  c = oc_new ("Slice", 9);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 4), data, false);
  oc_attr_ints (c, "starts", (int64_t[]) { 0, 1 }, 2);
  oc_attr_ints (c, "ends", (int64_t[]) { -1, 1000 }, 2);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (1, 3)));
  CHECK_CLOSE ((float *) oc_out (c, 0), ((float[]) { 2, 3, 4 }), 3, 0, 0);
  oc_free (c);
  /* int64 shape vector: shape[2:] */
  int64_t shp[] = { 1, 3, 224, 224 };
  c = oc_new ("Slice", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), shp, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 2 }, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { INT64_MAX }, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (2)));
  CHECK (memcmp (oc_out (c, 0), shp + 2, 16) == 0);
  oc_free (c);
  /* extreme steps take one element and must not overflow */
  const int64_t ext[2][3] = { { 2, 7, INT64_MAX },
    { 5, INT64_MIN, INT64_MIN } };
  for (int k = 0; k < 2; k++) {
    c = oc_new ("Slice", 13);
    oc_input (c, CNN_DTYPE_FLOAT32, DIMS (7), seq, false);
    oc_input (c, CNN_DTYPE_INT64, DIMS (1), &ext[k][0], true);
    oc_input (c, CNN_DTYPE_INT64, DIMS (1), &ext[k][1], true);
    oc_input_absent (c);
    oc_input (c, CNN_DTYPE_INT64, DIMS (1), &ext[k][2], true);
    oc_output (c);
    CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
    CHECK (oc_out_dims_are (c, 0, DIMS (1)));
    CHECK (((float *) oc_out (c, 0))[0] == (float) ext[k][0]);
    oc_free (c);
  }
  /* step 0 and a run-time starts input are errors */
  c = oc_new ("Slice", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 4), data, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 0 }, true);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 2 }, true);
  oc_input_absent (c);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 0 }, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
  c = oc_new ("Slice", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 4), data, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), NULL, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 2 }, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  oc_free (c);
}

static void
test_gather (void)
{
  /* data [3,4]; axis 1 with 2-D indices incl. negative -> [3,2,2] */
  OpCase *c = oc_new ("Gather", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 4), seq, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2, 2), (int64_t[]) { 0, -1, 2, 1 },
      true);
  oc_attr_int (c, "axis", 1);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (3, 2, 2)));
  float want[] = { 0, 3, 2, 1, 4, 7, 6, 5, 8, 11, 10, 9 };
  CHECK_CLOSE ((float *) oc_out (c, 0), want, 12, 0, 0);
  oc_free (c);
  /* axis 0, scalar index, int32 indices -> [4] */
  c = oc_new ("Gather", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 4), seq, false);
  oc_input (c, CNN_DTYPE_INT32, SCALAR, (int32_t[]) { -2 }, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_dims_are (c, 0, DIMS (4)));
  CHECK_CLOSE ((float *) oc_out (c, 0), seq + 4, 4, 0, 0);
  oc_free (c);
  /* Shape -> Gather(0) on int64 */
  int64_t shp[] = { 1, 3, 224, 224 };
  c = oc_new ("Gather", 13);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), shp, true);
  oc_input (c, CNN_DTYPE_INT64, SCALAR, (int64_t[]) { 0 }, true);
  oc_output (c);
  CHECK (oc_run (c) == CNN_OK);
  CHECK (oc_out_info (c, 0)->rank == 0 && *(int64_t *) oc_out (c, 0) == 1);
  oc_free (c);
  c = oc_new ("Gather", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (3, 4), seq, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { 3 }, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_INVALID_MODEL);
  oc_free (c);
}

/* Reference pad of one coordinate: input index or -1 (constant). */
static int64_t
ref_pad_index (const char *mode, int64_t c, int64_t n)
{
  if (c >= 0 && c < n)
    return c;
  if (strcmp (mode, "constant") == 0)
    return -1;
  if (strcmp (mode, "edge") == 0)
    return c < 0 ? 0 : n - 1;
  while (c < 0 || c >= n)   /* reflect, one bounce at a time */
    c = c < 0 ? -c : 2 * (n - 1) - c;
  return c;
}

static void
check_pad (const char *mode, int64_t opset, const int64_t *pads)
{
  int64_t in[3] = { 2, 3, 4 }, out[3];
  for (int k = 0; k < 3; k++)
    out[k] = in[k] + pads[k] + pads[k + 3];
  OpCase *c = oc_new ("Pad", opset);
  oc_input (c, CNN_DTYPE_FLOAT32, 3, in, seq, false);
  if (opset < 11) {
    oc_attr_ints (c, "pads", pads, 6);
    oc_attr_float (c, "value", -9);
  } else {
    oc_input (c, CNN_DTYPE_INT64, DIMS (6), pads, true);
    oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, (float[]) { -9 }, true);
  }
  oc_attr_string (c, "mode", mode);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s: %s", mode, c->d.message);
  CHECK (oc_out_dims_are (c, 0, 3, out));
  const float *y = oc_out (c, 0);
  bool ok = true;
  for (int64_t i = 0, a = 0; a < out[0]; a++)
    for (int64_t b = 0; b < out[1]; b++)
      for (int64_t d = 0; d < out[2]; d++, i++) {
        int64_t ia = ref_pad_index (mode, a - pads[0], in[0]);
        int64_t ib = ref_pad_index (mode, b - pads[1], in[1]);
        int64_t id = ref_pad_index (mode, d - pads[2], in[2]);
        float want = ia < 0 || ib < 0 || id < 0 ? -9 :
            seq[(ia * in[1] + ib) * in[2] + id];
        ok = ok && y[i] == want;
      }
  CHECK_MSG (ok, "pad %s opset %lld", mode, (long long) opset);
  oc_free (c);
}

static void
test_pad (void)
{
  const int64_t pads[][6] = {
    { 0, 0, 1, 0, 0, 2 }, { 1, 2, 3, 0, 1, 2 }, { 0, 1, -1, 1, 0, -2 },
    { 0, 0, 0, 0, 0, 0 }, { 0, 2, 3, 0, 2, 3 },
    { 1, 4, 6, 3, 5, 9 },  /* wider than the input: repeated reflection */
  };
  for (size_t k = 0; k < 6; k++) {
    check_pad ("constant", 2, pads[k]);
    check_pad ("constant", 13, pads[k]);
    if (k != 2) {
      check_pad ("edge", 13, pads[k]);
      check_pad ("reflect", 11, pads[k]);
    }
  }
  /* opset 18 axes: pad only the last axis */
  OpCase *c = oc_new ("Pad", 18);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 2), seq, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (2), (int64_t[]) { 1, 0 }, true);
  oc_input_absent (c);
  oc_input (c, CNN_DTYPE_INT64, DIMS (1), (int64_t[]) { -1 }, true);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (2, 3)));
  CHECK_CLOSE ((float *) oc_out (c, 0), ((float[]) { 0, 0, 1, 0, 2, 3 }), 6,
      0, 0);
  oc_free (c);
  /* constant_value given at run time */
  c = oc_new ("Pad", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 2), seq, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), (int64_t[]) { 0, 0, 1, 0 }, true);
  oc_input (c, CNN_DTYPE_FLOAT32, SCALAR, (float[]) { 7 }, false);
  oc_output (c);
  CHECK_MSG (oc_run (c) == CNN_OK, "%s", c->d.message);
  CHECK (oc_out_dims_are (c, 0, DIMS (3, 2)));
  CHECK_CLOSE ((float *) oc_out (c, 0), ((float[]) { 0, 1, 2, 3, 7, 7 }), 6,
      0, 0);
  oc_free (c);
  c = oc_new ("Pad", 13);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 2), seq, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), (int64_t[]) { 0, -3, 0, 0 }, true);
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_SHAPE);
  oc_free (c);
  c = oc_new ("Pad", 19);
  oc_input (c, CNN_DTYPE_FLOAT32, DIMS (2, 2), seq, false);
  oc_input (c, CNN_DTYPE_INT64, DIMS (4), (int64_t[]) { 0, 1, 0, 0 }, true);
  oc_attr_string (c, "mode", "wrap");
  oc_output (c);
  CHECK (oc_prepare (c) == CNN_ERR_UNSUPPORTED);
  oc_free (c);
}

int
main (void)
{
  for (int i = 0; i < 240; i++)
    seq[i] = (float) i;
  test_transpose ();
  test_concat ();
  test_split ();
  test_slice_model ();
  test_slice_examples ();
  test_gather ();
  test_pad ();
  return check_summary ("layout");
}
