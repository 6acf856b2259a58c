/* check_shared_model.c — real pretrained models against their references.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: runs one of the pretrained models kept in ../shared/models (see
 * the README beside each) on its reference input and checks the output
 * against the reference output written by onnxruntime:
 *   - float32 models: |y - ref| <= 1e-4 * max|ref| and the same top-5;
 *   - squeezenet1.1-7-fp16w.onnx (weights stored as float16): compared with
 *     the float32 model's reference, |y - ref| <= 0.021 (the bound its README
 *     gives) and the same top-5.
 * The SqueezeNet check also runs the ONNX model zoo's own test pair
 * (zoo_test_data_set_0_*.npy). Every check runs with 1 and 2 threads.
 * Prints the max error of each check. Exit 77 (skip) when the shared models
 * folder is absent.
 *
 * Usage: check_shared_model MODELS_DIR NAME
 *   NAME: squeezenet1.1 | squeezenet1.1-fp16w | mobilenetv2-1.0
 */
#include "cnn/cnn.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  const char *model;     /* relative to MODELS_DIR */
  const char *input;     /* raw .f32 or .npy */
  const char *output;
  double scaled_tol;     /* > 0: tolerance scaled_tol * max|ref| */
  double abs_tol;        /* > 0: absolute tolerance */
} RefPair;

typedef struct {
  const char *name;
  RefPair pairs[2];
  int n_pairs;
} SharedModel;

static const SharedModel shared_models[] = {
  { "squeezenet1.1", {
      { "squeezenet1.1/squeezenet1.1-7.onnx",
        "squeezenet1.1/ref/skimage_chelsea.torch256.input.f32",
        "squeezenet1.1/ref/skimage_chelsea.torch256.output.f32", 1e-4, 0 },
      { "squeezenet1.1/squeezenet1.1-7.onnx",
        "squeezenet1.1/ref/zoo_test_data_set_0_input_0.npy",
        "squeezenet1.1/ref/zoo_test_data_set_0_output_0.npy", 1e-4, 0 } },
    2 },
  { "squeezenet1.1-fp16w", {
      { "squeezenet1.1/squeezenet1.1-7-fp16w.onnx",
        "squeezenet1.1/ref/skimage_chelsea.torch256.input.f32",
        "squeezenet1.1/ref/skimage_chelsea.torch256.output.f32", 0, 0.021 } },
    1 },
  { "mobilenetv2-1.0", {
      { "mobilenetv2-1.0/mobilenet_v2_1.0_224.onnx",
        "mobilenetv2-1.0/ref/skimage_chelsea.tf224crop.input.f32",
        "mobilenetv2-1.0/ref/skimage_chelsea.tf224crop.output.f32", 1e-4, 0 } },
    1 },
};

/* Reads a whole file; NULL on error (message printed). */
static char *
read_file (const char *path, size_t *size)
{
  FILE *f = fopen (path, "rb");
  char *buf = NULL;
  long len;
  if (!f || fseek (f, 0, SEEK_END) != 0 || (len = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0 || !(buf = malloc ((size_t) len + 1))
      || fread (buf, 1, (size_t) len, f) != (size_t) len) {
    fprintf (stderr, "cannot read %s\n", path);
    free (buf);
    buf = NULL;
  } else {
    *size = (size_t) len;
  }
  if (f)
    fclose (f);
  return buf;
}

/* Loads little-endian float32 data from a raw .f32 file or a version 1/2
 * .npy file holding '<f4' in C order. Returns the float count, 0 on error. */
static size_t
load_floats (const char *path, float **out)
{
  size_t size = 0, offset = 0;
  char *buf = read_file (path, &size);
  *out = NULL;
  if (!buf)
    return 0;
  const char *ext = strrchr (path, '.');
  if (ext && strcmp (ext, ".npy") == 0) {
    if (size < 12 || memcmp (buf, "\x93NUMPY", 6) != 0
        || (buf[6] != 1 && buf[6] != 2)) {
      fprintf (stderr, "%s: not a .npy file\n", path);
      free (buf);
      return 0;
    }
    const unsigned char *u = (const unsigned char *) buf;
    size_t hlen = buf[6] == 1 ? (size_t) (u[8] | u[9] << 8)
        : (size_t) u[8] | (size_t) u[9] << 8 | (size_t) u[10] << 16
        | (size_t) u[11] << 24;
    size_t start = buf[6] == 1 ? 10 : 12;
    offset = start + hlen;
    if (offset > size) {
      fprintf (stderr, "%s: truncated .npy header\n", path);
      free (buf);
      return 0;
    }
    char saved = buf[offset];
    buf[offset] = '\0';
    int ok = strstr (buf + start, "'<f4'")
        && strstr (buf + start, "'fortran_order': False");
    buf[offset] = saved;
    if (!ok) {
      fprintf (stderr, "%s: expected a C-order '<f4' array\n", path);
      free (buf);
      return 0;
    }
  }
  size_t n = (size - offset) / sizeof (float);
  if ((size - offset) % sizeof (float) != 0 || n == 0
      || !(*out = malloc (n * sizeof (float)))) {
    fprintf (stderr, "%s: bad size %zu\n", path, size);
    free (buf);
    return 0;
  }
  memcpy (*out, buf + offset, n * sizeof (float));
  free (buf);
  return n;
}

/* Indices of the 5 largest of v[0..n), best first. */
static void
top5 (const float *v, size_t n, size_t idx[5])
{
  for (int k = 0; k < 5; k++) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
      int taken = 0;
      for (int j = 0; j < k; j++)
        taken |= idx[j] == i;
      if (!taken && (best == SIZE_MAX || v[i] > v[best]))
        best = i;
    }
    idx[k] = best;
  }
}

/* Runs the model once with the given thread count; copies the output. */
static int
run_once (CnnModel *model, const float *in, size_t n_in, float *out,
    size_t n_out, int threads)
{
  CnnSessionOptions so;
  CnnSession *s = NULL;
  CnnError err;
  cnn_session_options_init (&so);
  so.threads = threads;
  if (cnn_session_new (model, &so, &s, &err) != CNN_OK) {
    fprintf (stderr, "session: %s\n", err.message);
    return 0;
  }
  int ok = cnn_session_set_input (s, 0, in, n_in * sizeof (float)) == CNN_OK
      && cnn_session_run (s) == CNN_OK;
  if (ok)
    memcpy (out, cnn_session_output_data (s, 0), n_out * sizeof (float));
  else
    fprintf (stderr, "run: %s\n", cnn_session_last_error (s));
  cnn_session_free (s);
  return ok;
}

static void
compare (const char *what, const float *y, const float *ref, size_t n,
    const RefPair *p)
{
  double ref_max = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs ((double) ref[i]) > ref_max)
      ref_max = fabs ((double) ref[i]);
  double tol = p->scaled_tol > 0 ? p->scaled_tol * ref_max : p->abs_tol;
  size_t wi;
  double md;
  check_max_excess (y, ref, n, 0, tol, &wi, &md);
  printf ("%s: max|ref| %.5g, max |diff| %.3g (limit %.3g)\n", what, ref_max,
      md, tol);
  CHECK_CLOSE (y, ref, n, 0, tol);
  size_t ty[5], tr[5];
  top5 (y, n, ty);
  top5 (ref, n, tr);
  printf ("%s: top-5 %zu %zu %zu %zu %zu, reference %zu %zu %zu %zu %zu\n",
      what, ty[0], ty[1], ty[2], ty[3], ty[4], tr[0], tr[1], tr[2], tr[3],
      tr[4]);
  CHECK (memcmp (ty, tr, sizeof ty) == 0);
}

static void
check_pair (const char *dir, const RefPair *p)
{
  char path[3][4096];
  float *in = NULL, *ref = NULL, *y1 = NULL, *y2 = NULL;
  CnnModel *model = NULL;
  CnnError err;
  CnnTensorInfo ii, oi;
  snprintf (path[0], sizeof path[0], "%s/%s", dir, p->model);
  snprintf (path[1], sizeof path[1], "%s/%s", dir, p->input);
  snprintf (path[2], sizeof path[2], "%s/%s", dir, p->output);
  size_t n_in = load_floats (path[1], &in);
  size_t n_ref = load_floats (path[2], &ref);
  CHECK (n_in > 0 && n_ref > 0);
  CnnStatus st = cnn_model_load_file (path[0], NULL, &model, &err);
  CHECK_MSG (st == CNN_OK, "load %s: %s", path[0], err.message);
  if (st != CNN_OK || !n_in || !n_ref)
    goto out;
  cnn_model_input_info (model, 0, NULL, &ii);
  cnn_model_output_info (model, 0, NULL, &oi);
  CHECK_MSG ((size_t) cnn_tensor_info_numel (&ii) == n_in
      && (size_t) cnn_tensor_info_numel (&oi) == n_ref,
      "model takes %lld floats and gives %lld; reference files hold %zu, %zu",
      (long long) cnn_tensor_info_numel (&ii),
      (long long) cnn_tensor_info_numel (&oi), n_in, n_ref);
  if ((size_t) cnn_tensor_info_numel (&ii) != n_in
      || (size_t) cnn_tensor_info_numel (&oi) != n_ref)
    goto out;
  y1 = malloc (n_ref * sizeof (float));
  y2 = malloc (n_ref * sizeof (float));
  CHECK (y1 && y2);
  if (!y1 || !y2)
    goto out;
  char what[4200];
  for (int threads = 1; threads <= 2; threads++) {
    float *y = threads == 1 ? y1 : y2;
    int ok = run_once (model, in, n_in, y, n_ref, threads);
    CHECK (ok);
    if (!ok)
      goto out;
    snprintf (what, sizeof what, "%s on %s, %d thread(s)", p->model,
        strrchr (p->input, '/') + 1, threads);
    compare (what, y, ref, n_ref, p);
  }
  printf ("%s: 1 vs 2 threads %s\n", p->model,
      memcmp (y1, y2, n_ref * sizeof (float)) == 0 ? "bit-identical"
      : "not bit-identical");
out:
  cnn_model_unref (model);
  free (in);
  free (ref);
  free (y1);
  free (y2);
}

int
main (int argc, char **argv)
{
  struct stat st;
  if (argc != 3) {
    fprintf (stderr, "usage: %s MODELS_DIR NAME\n", argv[0]);
    return 2;
  }
  if (stat (argv[1], &st) != 0 || !S_ISDIR (st.st_mode))
    CHECK_SKIP ("%s not found: the shared models are not beside the source "
        "tree", argv[1]);
  for (size_t i = 0; i < sizeof shared_models / sizeof shared_models[0];
      i++) {
    const SharedModel *m = &shared_models[i];
    if (strcmp (m->name, argv[2]) != 0)
      continue;
    for (int k = 0; k < m->n_pairs; k++)
      check_pair (argv[1], &m->pairs[k]);
    return check_summary (argv[2]);
  }
  fprintf (stderr, "unknown model %s\n", argv[2]);
  return 2;
}
