/* run_onnx_case.c — runs ONNX backend test cases on the core.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: for each case folder given on the command line (the layout of
 * ONNX's backend test data: model.onnx + test_data_set_N/input_K.pb and
 * output_K.pb), and for every data set in it, loads the model through the
 * public API with the inputs bound (float inputs: shape only; int64 inputs:
 * shape and data, so they become constants; an unnamed input_K.pb feeds
 * the K-th graph input that is not an initializer, read from the model with
 * protobuf-c), runs one session and compares every graph output with
 * output_K.pb: shapes must be equal, int64 values
 * exactly, float values within |y - ref| <= ATOL + RTOL * |ref| (ONNX's
 * node cases) or, with --scaled-tol T, within T * max|ref| (whole
 * networks). --threads-check N runs a second session with N threads and
 * requires the same outputs within the same tolerance (it reports whether
 * they are bit-identical). Prints one PASS/FAIL line per case and
 * "conformance: N passed, N failed". Exit status: 0 all passed, 1 a
 * failure, 77 (skip) when the first case folder does not exist (test data
 * not installed or not generated).
 *
 * Usage: run_onnx_case [--threads N] [--threads-check N] [--scaled-tol T]
 *                      CASE_DIR...
 */
#include "cnn/cnn.h"
#include "onnx.pb-c.h"

#include <glob.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RTOL 1e-3
#define ATOL 1e-5
#define MAX_TENSORS 16

typedef struct {
  CnnTensor in[MAX_TENSORS];
  size_t n_in;
  CnnTensor out[MAX_TENSORS];
  size_t n_out;
} DataSet;

typedef struct {
  int threads;         /* threads of the main session */
  int threads_check;   /* > 0: compare with a session of this many threads */
  double scaled_tol;   /* > 0: tolerance scaled_tol * max|ref| */
} Options;

/* Result of one case over its data sets: message is set on failure. */
typedef struct {
  char message[8192];   /* room for a path and a core error */
  double max_diff;       /* largest |y - ref| over the float outputs */
  double max_ref;        /* largest |ref| (with --scaled-tol) */
  double threads_diff;   /* largest |y1 - yN| (with --threads-check) */
  bool threads_identical;
} SetResult;

static bool
is_dir (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISDIR (st.st_mode);
}

static bool
is_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

static void
dataset_clear (DataSet *ds)
{
  for (size_t i = 0; i < ds->n_in; i++)
    cnn_tensor_clear (&ds->in[i]);
  for (size_t i = 0; i < ds->n_out; i++)
    cnn_tensor_clear (&ds->out[i]);
  ds->n_in = ds->n_out = 0;
}

/* Loads prefix_0.pb, prefix_1.pb … until one is missing. */
static bool
load_tensors (const char *dir, const char *prefix, CnnTensor *t, size_t *n,
    SetResult *r)
{
  char path[4096];
  CnnError err;
  *n = 0;
  for (size_t k = 0; k < MAX_TENSORS; k++) {
    snprintf (path, sizeof path, "%s/%s_%zu.pb", dir, prefix, k);
    if (!is_file (path))
      return true;
    if (cnn_tensor_load_pb (path, &t[k], &err) != CNN_OK) {
      snprintf (r->message, sizeof r->message, "cannot read %s: %s", path,
          err.message);
      return false;
    }
    *n = k + 1;
  }
  return true;
}

static bool
dims_equal (const CnnTensorInfo *a, const CnnTensorInfo *b)
{
  if (a->rank != b->rank)
    return false;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i])
      return false;
  return true;
}

static void
dims_str (const CnnTensorInfo *info, char *buf, size_t len)
{
  size_t used = (size_t) snprintf (buf, len, "[");
  for (int i = 0; i < info->rank && used < len; i++)
    used += (size_t) snprintf (buf + used, len - used, "%s%lld", i ? "," : "",
        (long long) info->dims[i]);
  if (used < len)
    snprintf (buf + used, len - used, "]");
}

/* Reads a whole file into memory; NULL when it cannot. */
static uint8_t *
read_all (const char *path, size_t *size)
{
  FILE *f = fopen (path, "rb");
  uint8_t *buf = NULL;
  long len = -1;
  if (f && fseek (f, 0, SEEK_END) == 0 && (len = ftell (f)) >= 0
      && fseek (f, 0, SEEK_SET) == 0 && (buf = malloc ((size_t) len + 1))) {
    if (fread (buf, 1, (size_t) len, f) == (size_t) len) {
      *size = (size_t) len;
    } else {
      free (buf);
      buf = NULL;
    }
  }
  if (f)
    fclose (f);
  return buf;
}

static bool
is_initializer (const Onnx__GraphProto *g, const char *name)
{
  for (size_t i = 0; i < g->n_initializer; i++)
    if (g->initializer[i]->name && strcmp (g->initializer[i]->name, name) == 0)
      return true;
  return false;
}

/* Names the input tensors that came without a name (the PyTorch cases):
 * input_K.pb feeds the K-th graph input that is not an initializer, as in
 * ONNX's backend test runner. Reads the model with protobuf-c only when
 * some tensor is unnamed. */
static bool
name_inputs (const char *model_path, DataSet *ds, SetResult *r)
{
  bool all_named = true;
  for (size_t i = 0; i < ds->n_in; i++)
    all_named &= ds->in[i].name && ds->in[i].name[0];
  if (all_named)
    return true;
  size_t size = 0;
  uint8_t *bytes = read_all (model_path, &size);
  Onnx__ModelProto *mp = bytes
      ? onnx__model_proto__unpack (NULL, size, bytes) : NULL;
  free (bytes);
  if (!mp || !mp->graph) {
    snprintf (r->message, sizeof r->message, "cannot read the graph inputs "
        "of %s", model_path);
    if (mp)
      onnx__model_proto__free_unpacked (mp, NULL);
    return false;
  }
  size_t k = 0;
  for (size_t i = 0; i < mp->graph->n_input && k < ds->n_in; i++) {
    const char *name = mp->graph->input[i]->name;
    if (!name || is_initializer (mp->graph, name))
      continue;
    CnnTensor *t = &ds->in[k++];
    if (!t->name || !t->name[0]) {
      free (t->name);
      t->name = strdup (name);
    }
  }
  onnx__model_proto__free_unpacked (mp, NULL);
  return true;
}

/* One binding per input tensor: float inputs fix the shape, int64 inputs
 * also give the data (they become constants). */
static size_t
make_bindings (const DataSet *ds, CnnInputBinding *b)
{
  size_t n = 0;
  for (size_t i = 0; i < ds->n_in; i++) {
    const CnnTensor *t = &ds->in[i];
    if (!t->name || !t->name[0])
      continue;
    b[n].name = t->name;
    b[n].info = t->info;
    b[n].data = t->info.dtype == CNN_DTYPE_INT64 ? t->data : NULL;
    n++;
  }
  return n;
}

/* The data-set tensor feeding run-time input k: the one with its name. */
static const CnnTensor *
find_input (const DataSet *ds, const char *name)
{
  for (size_t i = 0; i < ds->n_in; i++)
    if (name && ds->in[i].name && strcmp (ds->in[i].name, name) == 0)
      return &ds->in[i];
  return NULL;
}

static bool
feed_inputs (const CnnModel *model, CnnSession *s, const DataSet *ds,
    SetResult *r)
{
  size_t n = cnn_model_input_count (model);
  for (size_t k = 0; k < n; k++) {
    const char *name = NULL;
    CnnTensorInfo info;
    cnn_model_input_info (model, k, &name, &info);
    const CnnTensor *t = find_input (ds, name);
    if (!t || t->info.dtype != CNN_DTYPE_FLOAT32) {
      snprintf (r->message, sizeof r->message, "no float32 data for run-time "
          "input %zu ('%s')", k, name ? name : "");
      return false;
    }
    size_t bytes = (size_t) cnn_tensor_info_numel (&t->info) * sizeof (float);
    if (cnn_session_set_input (s, k, t->data, bytes) != CNN_OK) {
      snprintf (r->message, sizeof r->message, "set input %zu ('%s'): %s", k,
          name ? name : "", cnn_session_last_error (s));
      return false;
    }
  }
  return true;
}

/* Largest |v| of a float tensor. */
static double
max_abs (const float *v, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs ((double) v[i]) > m)
      m = fabs ((double) v[i]);
  return m;
}

/* Checks n floats y against ref: |y - ref| <= atol + rtol * |ref|. Records
 * the largest difference in *max_diff; writes the first failure to msg. */
static bool
floats_close (const float *y, const float *ref, size_t n, double rtol,
    double atol, double *max_diff, char *msg, size_t len, const char *what)
{
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    double diff = fabs ((double) y[i] - (double) ref[i]);
    if (isnan (y[i]) != isnan (ref[i]))
      diff = INFINITY;
    else if (isnan (ref[i]))
      diff = 0;
    if (diff > *max_diff)
      *max_diff = diff;
    if (ok && !(diff <= atol + rtol * fabs ((double) ref[i]))) {
      snprintf (msg, len, "%s [%zu]: %.9g vs %.9g (|diff| %.3g > %.3g)",
          what, i, (double) y[i], (double) ref[i], diff,
          atol + rtol * fabs ((double) ref[i]));
      ok = false;
    }
  }
  return ok;
}

/* Compares output k of the session with its reference tensor. */
static bool
compare_output (const CnnModel *model, const CnnSession *s, size_t k,
    const CnnTensor *ref, const Options *o, SetResult *r)
{
  const char *name = NULL;
  CnnTensorInfo info;
  char a[128], b[128], what[160];
  cnn_model_output_info (model, k, &name, &info);
  if (!dims_equal (&info, &ref->info)) {
    dims_str (&info, a, sizeof a);
    dims_str (&ref->info, b, sizeof b);
    snprintf (r->message, sizeof r->message, "output %zu ('%s') shape %s, "
        "reference %s", k, name, a, b);
    return false;
  }
  size_t n = (size_t) cnn_tensor_info_numel (&info);
  const void *y = cnn_session_output_data (s, k);
  if (ref->info.dtype != info.dtype) {
    snprintf (r->message, sizeof r->message, "output %zu ('%s') dtype %d, "
        "reference %d", k, name, info.dtype, ref->info.dtype);
    return false;
  }
  if (info.dtype == CNN_DTYPE_INT64) {
    if (n && memcmp (y, ref->data, n * sizeof (int64_t)) != 0) {
      snprintf (r->message, sizeof r->message, "output %zu ('%s'): int64 "
          "values differ", k, name);
      return false;
    }
    return true;
  }
  if (info.dtype != CNN_DTYPE_FLOAT32) {
    snprintf (r->message, sizeof r->message, "output %zu has dtype %d", k,
        info.dtype);
    return false;
  }
  double ref_max = max_abs (ref->data, n);
  double rtol = o->scaled_tol > 0 ? 0 : RTOL;
  double atol = o->scaled_tol > 0 ? o->scaled_tol * ref_max : ATOL;
  if (ref_max > r->max_ref)
    r->max_ref = ref_max;
  snprintf (what, sizeof what, "output %zu ('%s')", k, name);
  return floats_close (y, ref->data, n, rtol, atol, &r->max_diff,
      r->message, sizeof r->message, what);
}

/* Runs a second session with o->threads_check threads on the same inputs
 * and compares its outputs with those of the first session. */
static bool
check_threads (CnnModel *model, const CnnSession *s1, const DataSet *ds,
    const Options *o, SetResult *r)
{
  CnnSessionOptions so;
  CnnError err;
  CnnSession *s2 = NULL;
  bool ok = false;
  cnn_session_options_init (&so);
  so.threads = o->threads_check;
  if (cnn_session_new (model, &so, &s2, &err) != CNN_OK) {
    snprintf (r->message, sizeof r->message, "session (%d threads): %s",
        o->threads_check, err.message);
    return false;
  }
  if (!feed_inputs (model, s2, ds, r))
    goto out;
  if (cnn_session_run (s2) != CNN_OK) {
    snprintf (r->message, sizeof r->message, "run (%d threads): %s",
        o->threads_check, cnn_session_last_error (s2));
    goto out;
  }
  ok = true;
  for (size_t k = 0; k < ds->n_out && ok; k++) {
    CnnTensorInfo info;
    cnn_model_output_info (model, k, NULL, &info);
    size_t n = (size_t) cnn_tensor_info_numel (&info);
    size_t bytes = n * cnn_dtype_size (info.dtype);
    const float *y1 = cnn_session_output_data (s1, k);
    const float *y2 = cnn_session_output_data (s2, k);
    if (memcmp (y1, y2, bytes) != 0)
      r->threads_identical = false;
    if (info.dtype != CNN_DTYPE_FLOAT32)
      continue;
    double ref_max = max_abs (ds->out[k].data, n);
    double atol = o->scaled_tol > 0 ? o->scaled_tol * ref_max : ATOL;
    double rtol = o->scaled_tol > 0 ? 0 : RTOL;
    ok = floats_close (y2, y1, n, rtol, atol, &r->threads_diff, r->message,
        sizeof r->message, "threads: output");
  }
out:
  cnn_session_free (s2);
  return ok;
}

static bool
run_model (const char *model_path, const DataSet *ds, const Options *o,
    SetResult *r)
{
  CnnInputBinding bind[MAX_TENSORS];
  CnnModelOptions mo;
  CnnSessionOptions so;
  CnnError err;
  CnnModel *model = NULL;
  CnnSession *s = NULL;
  bool ok = false;

  cnn_model_options_init (&mo);
  mo.bindings = bind;
  mo.n_bindings = make_bindings (ds, bind);
  if (cnn_model_load_file (model_path, &mo, &model, &err) != CNN_OK) {
    snprintf (r->message, sizeof r->message, "load: %s", err.message);
    return false;
  }
  cnn_session_options_init (&so);
  so.threads = o->threads;
  if (cnn_session_new (model, &so, &s, &err) != CNN_OK) {
    snprintf (r->message, sizeof r->message, "session: %s", err.message);
    goto out;
  }
  if (!feed_inputs (model, s, ds, r))
    goto out;
  if (cnn_session_run (s) != CNN_OK) {
    snprintf (r->message, sizeof r->message, "run: %s",
        cnn_session_last_error (s));
    goto out;
  }
  if (cnn_model_output_count (model) != ds->n_out) {
    snprintf (r->message, sizeof r->message, "%zu outputs, reference has %zu",
        cnn_model_output_count (model), ds->n_out);
    goto out;
  }
  ok = true;
  for (size_t k = 0; k < ds->n_out && ok; k++)
    ok = compare_output (model, s, k, &ds->out[k], o, r);
  if (ok && o->threads_check > 0)
    ok = check_threads (model, s, ds, o, r);
out:
  cnn_session_free (s);
  cnn_model_unref (model);
  return ok;
}

static void
print_pass (const char *dir, size_t n_sets, const Options *o,
    const SetResult *r)
{
  printf ("PASS %s: %zu data set(s), max |diff| %.3g", dir, n_sets,
      r->max_diff);
  if (o->scaled_tol > 0)
    printf (", max|ref| %.4g, max |diff| / max|ref| %.3g (limit %.3g)",
        r->max_ref, r->max_ref > 0 ? r->max_diff / r->max_ref : 0.0,
        o->scaled_tol);
  if (o->threads_check > 0)
    printf (", %d vs %d threads: max |diff| %.3g (%s)", o->threads,
        o->threads_check, r->threads_diff,
        r->threads_identical ? "bit-identical" : "not bit-identical");
  printf ("\n");
}

/* Runs every data set of one case; prints its PASS/FAIL line. */
static bool
run_case (const char *dir, const Options *o)
{
  char model_path[4096], pattern[4096];
  glob_t sets;
  SetResult r;
  bool ok = true;

  memset (&r, 0, sizeof r);
  r.threads_identical = true;
  snprintf (model_path, sizeof model_path, "%s/model.onnx", dir);
  snprintf (pattern, sizeof pattern, "%s/test_data_set_*", dir);
  if (glob (pattern, 0, NULL, &sets) != 0 || sets.gl_pathc == 0) {
    printf ("FAIL %s: no test_data_set_* folder\n", dir);
    return false;
  }
  for (size_t i = 0; i < sets.gl_pathc && ok; i++) {
    DataSet ds;
    memset (&ds, 0, sizeof ds);
    ok = load_tensors (sets.gl_pathv[i], "input", ds.in, &ds.n_in, &r)
        && load_tensors (sets.gl_pathv[i], "output", ds.out, &ds.n_out, &r)
        && name_inputs (model_path, &ds, &r)
        && run_model (model_path, &ds, o, &r);
    dataset_clear (&ds);
    if (!ok)
      printf ("FAIL %s [%s]: %s\n", dir, strrchr (sets.gl_pathv[i], '/') + 1,
          r.message);
  }
  if (ok)
    print_pass (dir, sets.gl_pathc, o, &r);
  globfree (&sets);
  return ok;
}

/* Parses the options; returns the index of the first case folder or -1. */
static int
parse_options (int argc, char **argv, Options *o)
{
  int i = 1;
  o->threads = 1;
  o->threads_check = 0;
  o->scaled_tol = 0;
  for (; i + 1 < argc && strncmp (argv[i], "--", 2) == 0; i += 2) {
    if (strcmp (argv[i], "--threads") == 0)
      o->threads = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--threads-check") == 0)
      o->threads_check = atoi (argv[i + 1]);
    else if (strcmp (argv[i], "--scaled-tol") == 0)
      o->scaled_tol = atof (argv[i + 1]);
    else
      return -1;
  }
  return i < argc && o->threads > 0 && o->threads_check >= 0 ? i : -1;
}

int
main (int argc, char **argv)
{
  Options o;
  int passed = 0, failed = 0;
  int first = parse_options (argc, argv, &o);
  if (first < 0) {
    fprintf (stderr, "usage: %s [--threads N] [--threads-check N] "
        "[--scaled-tol T] CASE_DIR...\n", argv[0]);
    return 2;
  }
  if (!is_dir (argv[first])) {
    printf ("SKIP: %s not found\n", argv[first]);
    return 77;
  }
  for (int i = first; i < argc; i++) {
    if (run_case (argv[i], &o))
      passed++;
    else
      failed++;
  }
  printf ("conformance: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
