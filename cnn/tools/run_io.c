/* run_io.c — file and text helpers of the cnn-run tool.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See run_io.h. Raw inputs are little-endian float32 as the usage text
 * says; output files are TensorProto written by cnn_tensor_save_pb().
 */
#include "run_io.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), k = strlen (suffix);
  return n >= k && strcmp (s + n - k, suffix) == 0;
}

bool
run_read_file (const char *path, void **data_out, size_t *size_out,
    char *err)
{
  FILE *f = fopen (path, "rb");
  struct stat st;
  void *buf;

  if (!f) {
    snprintf (err, RUN_ERR_MAX, "cannot open '%s': %s", path,
        strerror (errno));
    return false;
  }
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode)) {
    fclose (f);
    snprintf (err, RUN_ERR_MAX, "'%s' is not a regular file", path);
    return false;
  }
  buf = malloc (st.st_size ? (size_t) st.st_size : 1);
  if (!buf || fread (buf, 1, (size_t) st.st_size, f) != (size_t) st.st_size) {
    free (buf);
    fclose (f);
    snprintf (err, RUN_ERR_MAX, "cannot read '%s'", path);
    return false;
  }
  fclose (f);
  *data_out = buf;
  *size_out = (size_t) st.st_size;
  return true;
}

bool
run_input_load (const char *path, RunInput *in, char *err)
{
  CnnError e;

  memset (in, 0, sizeof *in);
  in->path = path;
  if (ends_with (path, ".pb")) {
    in->is_pb = true;
    if (cnn_tensor_load_pb (path, &in->tensor, &e) != CNN_OK) {
      snprintf (err, RUN_ERR_MAX, "input %s", e.message);
      return false;
    }
    return true;
  }
  if (ends_with (path, ".f32") || ends_with (path, ".raw")) {
    if (!run_read_file (path, &in->raw, &in->raw_bytes, err))
      return false;
    if (in->raw_bytes % 4 != 0) {
      snprintf (err, RUN_ERR_MAX, "input '%s' has %zu bytes, not a whole "
          "number of float32 values", path, in->raw_bytes);
      return false;
    }
    return true;
  }
  snprintf (err, RUN_ERR_MAX,
      "input '%s': unknown file type (use .pb, .f32 or .raw)", path);
  return false;
}

void
run_input_clear (RunInput *in)
{
  cnn_tensor_clear (&in->tensor);
  free (in->raw);
  memset (in, 0, sizeof *in);
}

void
run_fill_pattern (float *x, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++)
    x[i] = sinf (0.01f * (float) i + 0.7f * (float) seed);
}

bool
run_write_outputs (const CnnModel *model, const CnnSession *session,
    const char *outdir, char *err)
{
  char path[4096];
  CnnError e;

  if (mkdir (outdir, 0777) != 0 && errno != EEXIST) {
    snprintf (err, RUN_ERR_MAX, "cannot create '%s': %s", outdir,
        strerror (errno));
    return false;
  }
  for (size_t k = 0; k < cnn_model_output_count (model); k++) {
    CnnTensor t;
    const char *name;
    memset (&t, 0, sizeof t);
    cnn_model_output_info (model, k, &name, &t.info);
    t.data = (void *) cnn_session_output_data (session, k);
    t.name = (char *) name;
    if (snprintf (path, sizeof path, "%s/output_%zu.pb", outdir, k)
        >= (int) sizeof path) {
      snprintf (err, RUN_ERR_MAX, "output folder name is too long");
      return false;
    }
    if (cnn_tensor_save_pb (path, &t, &e) != CNN_OK) {
      snprintf (err, RUN_ERR_MAX, "%s", e.message);
      return false;
    }
  }
  return true;
}

bool
run_labels_load (const char *path, char ***labels_out, size_t *n_out,
    char *err)
{
  char *text, **labels;
  size_t size, n = 0, lines = 1;

  if (!run_read_file (path, (void **) &text, &size, err))
    return false;
  for (size_t i = 0; i < size; i++)
    lines += text[i] == '\n';
  labels = calloc (lines, sizeof (char *));
  for (size_t i = 0; labels && i < size;) {
    size_t end = i;
    while (end < size && text[end] != '\n')
      end++;
    size_t len = end - i;
    while (len > 0 && (text[i + len - 1] == '\r'))
      len--;
    if (!(labels[n] = malloc (len + 1)))
      break;
    memcpy (labels[n], text + i, len);
    labels[n++][len] = '\0';
    i = end + 1;
  }
  free (text);
  if (!labels) {
    snprintf (err, RUN_ERR_MAX, "out of memory reading '%s'", path);
    return false;
  }
  *labels_out = labels;
  *n_out = n;
  return true;
}

void
run_labels_free (char **labels, size_t n)
{
  for (size_t i = 0; labels && i < n; i++)
    free (labels[i]);
  free (labels);
}

void
run_print_top (const float *scores, size_t n, int k, char *const *labels,
    size_t n_labels)
{
  size_t *best = calloc ((size_t) (k > 0 ? k : 1), sizeof (size_t));
  size_t have = 0;

  if (!best)
    return;
  /* insertion into a sorted list of the k best; ties keep the lower id */
  for (size_t i = 0; i < n; i++) {
    size_t pos = have;
    while (pos > 0 && scores[i] > scores[best[pos - 1]])
      pos--;
    if (pos >= (size_t) k)
      continue;
    size_t last = have < (size_t) k ? have : (size_t) k - 1;
    memmove (best + pos + 1, best + pos, (last - pos) * sizeof (size_t));
    best[pos] = i;
    if (have < (size_t) k)
      have++;
  }
  for (size_t r = 0; r < have; r++)
    printf ("%zu %zu %.6g %s\n", r + 1, best[r], (double) scores[best[r]],
        best[r] < n_labels ? labels[best[r]] : "");
  free (best);
}

static const char *
dtype_name (CnnDType t)
{
  switch (t) {
    case CNN_DTYPE_FLOAT32:
      return "float32";
    case CNN_DTYPE_INT64:
      return "int64";
    case CNN_DTYPE_INT32:
      return "int32";
    case CNN_DTYPE_FLOAT16:
      return "float16";
    default:
      return "?";
  }
}

static void
print_shape (const CnnTensorInfo *info)
{
  printf ("[");
  for (int i = 0; i < info->rank; i++)
    printf ("%s%lld", i ? "," : "", (long long) info->dims[i]);
  printf ("] %s", dtype_name (info->dtype));
}

void
run_print_summary (const CnnModel *model, const CnnSession *session)
{
  for (size_t k = 0; k < cnn_model_output_count (model); k++) {
    CnnTensorInfo info;
    const char *name;
    cnn_model_output_info (model, k, &name, &info);
    const void *data = cnn_session_output_data (session, k);
    int64_t n = cnn_tensor_info_numel (&info);
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    int64_t arg = 0;
    for (int64_t i = 0; data && i < n; i++) {
      double v = info.dtype == CNN_DTYPE_INT64
          ? (double) ((const int64_t *) data)[i]
          : (double) ((const float *) data)[i];
      if (v > hi)
        arg = i;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
      sum += v;
    }
    printf ("output %zu '%s' ", k, name);
    print_shape (&info);
    printf (" min=%.6g max=%.6g mean=%.6g argmax=%lld\n", lo, hi,
        n > 0 ? sum / (double) n : 0.0, (long long) arg);
  }
}

void
run_print_info (const CnnModel *model)
{
  CnnTensorInfo info;
  const char *name, *key, *value;

  for (size_t k = 0; k < cnn_model_input_count (model); k++) {
    cnn_model_input_info (model, k, &name, &info);
    printf ("input %zu '%s' ", k, name);
    print_shape (&info);
    printf ("\n");
  }
  for (size_t k = 0; k < cnn_model_output_count (model); k++) {
    cnn_model_output_info (model, k, &name, &info);
    printf ("output %zu '%s' ", k, name);
    print_shape (&info);
    printf ("\n");
  }
  for (size_t k = 0; k < cnn_model_metadata_count (model); k++)
    if (cnn_model_metadata_at (model, k, &key, &value) == CNN_OK)
      printf ("metadata %s=%s\n", key, value);
  printf ("nodes %zu\nweight_bytes %llu\narena_bytes %llu\n",
      cnn_model_node_count (model),
      (unsigned long long) cnn_model_weight_bytes (model),
      (unsigned long long) cnn_model_arena_bytes (model, 1));
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

void
run_stats (double *ms, size_t n, double *median, double *p90)
{
  qsort (ms, n, sizeof (double), cmp_double);
  *median = n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2]);
  size_t rank = (size_t) ceil (0.9 * (double) n);
  *p90 = ms[rank > 0 ? rank - 1 : 0];
}
