/* fmnist_accuracy.c — accuracy of a Fashion-MNIST model on our own core.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: loads an ONNX classifier with the public API (cnn/cnn.h), runs
 * every Fashion-MNIST test image through one session, preprocessing each
 * pixel as (p / 255 - mean) / std with mean/std taken from the model's
 * metadata_props, and prints the accuracy, the per-class accuracy and the
 * images per second. Exit status: 0 on success; 1 when a check fails
 * (--min-accuracy not reached, or the accuracy differs by more than
 * --max-delta from the PyTorch figure in the model's "test_accuracy"
 * metadata); 77 (meson's skip) when the data set is not installed; 2 on
 * usage or load errors.
 *
 *   fmnist-accuracy [--model M.onnx] [--data DIR] [--threads N]
 *                   [--limit N] [--min-accuracy X] [--max-delta X]
 */
#include <cnn/cnn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "fmnist_idx.h"

#ifndef FMNIST_DEFAULT_MODEL
#define FMNIST_DEFAULT_MODEL "fashion-mnist.onnx"
#endif

typedef struct {
  const char *model;
  const char *data;
  int threads;
  long limit;
  double min_accuracy;          /* < 0: not checked */
  double max_delta;             /* < 0: not checked */
} Args;

static int
parse_args (int argc, char **argv, Args *a)
{
  a->model = FMNIST_DEFAULT_MODEL;
  a->data = fmnist_default_dir ();
  a->threads = 1;
  a->limit = 0;
  a->min_accuracy = -1;
  a->max_delta = -1;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp (argv[i], "--help") || !v) {
      fprintf (stderr, "usage: %s [--model M.onnx] [--data DIR] [--threads N]"
          " [--limit N] [--min-accuracy X] [--max-delta X]\n", argv[0]);
      return -1;
    }
    if (!strcmp (argv[i], "--model"))
      a->model = v;
    else if (!strcmp (argv[i], "--data"))
      a->data = v;
    else if (!strcmp (argv[i], "--threads"))
      a->threads = atoi (v);
    else if (!strcmp (argv[i], "--limit"))
      a->limit = atol (v);
    else if (!strcmp (argv[i], "--min-accuracy"))
      a->min_accuracy = atof (v);
    else if (!strcmp (argv[i], "--max-delta"))
      a->max_delta = atof (v);
    else {
      fprintf (stderr, "unknown option %s (try --help)\n", argv[i]);
      return -1;
    }
    i++;
  }
  return 0;
}

/* Reads a float from the model's metadata_props; def when absent. */
static double
meta_double (const CnnModel *model, const char *key, double def)
{
  const char *s = cnn_model_metadata (model, key);
  return s ? atof (s) : def;
}

/* Checks that the model takes [1,1,rows,cols] and gives [1,10]. */
static int
check_io (const CnnModel *model, const FmnistSet *set)
{
  CnnTensorInfo in, out;
  if (cnn_model_input_count (model) != 1 || cnn_model_output_count (model) < 1
      || cnn_model_input_info (model, 0, NULL, &in) != CNN_OK
      || cnn_model_output_info (model, 0, NULL, &out) != CNN_OK) {
    fprintf (stderr, "model must have one input and one output\n");
    return -1;
  }
  if (in.rank != 4 || in.dims[0] != 1 || in.dims[1] != 1
      || in.dims[2] != set->rows || in.dims[3] != set->cols
      || cnn_tensor_info_numel (&out) != 10) {
    fprintf (stderr, "model input must be [1,1,%d,%d] and output 10 "
        "scores\n", set->rows, set->cols);
    return -1;
  }
  return 0;
}

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Runs n images; fills per-class totals; returns correct count or -1. */
static long
run_all (CnnSession *session, const FmnistSet *set, size_t n, float mean,
    float std, long *class_total, long *class_correct)
{
  size_t pixels = (size_t) set->rows * set->cols;
  float *in = cnn_session_input_data (session, 0);
  long correct = 0;
  for (size_t i = 0; i < n; i++) {
    const uint8_t *img = set->images + i * pixels;
    for (size_t p = 0; p < pixels; p++)
      in[p] = (img[p] / 255.0f - mean) / std;
    if (cnn_session_run (session) != CNN_OK) {
      fprintf (stderr, "image %zu: %s\n", i, cnn_session_last_error (session));
      return -1;
    }
    const float *scores = cnn_session_output_data (session, 0);
    int best = 0;
    for (int c = 1; c < 10; c++)
      if (scores[c] > scores[best])
        best = c;
    class_total[set->labels[i]]++;
    if (best == set->labels[i]) {
      class_correct[best]++;
      correct++;
    }
  }
  return correct;
}

static int
evaluate (const Args *a, const FmnistSet *set)
{
  CnnError err;
  CnnModel *model = NULL;
  CnnSession *session = NULL;
  if (cnn_model_load_file (a->model, NULL, &model, &err) != CNN_OK) {
    fprintf (stderr, "%s: %s\n", a->model, err.message);
    return 2;
  }
  CnnSessionOptions so;
  cnn_session_options_init (&so);
  so.threads = a->threads;
  if (check_io (model, set) != 0
      || cnn_session_new (model, &so, &session, &err) != CNN_OK) {
    if (!session)
      fprintf (stderr, "session: %s\n", err.message);
    cnn_model_unref (model);
    return 2;
  }
  float mean = (float) meta_double (model, "mean", 0.0);
  float std = (float) meta_double (model, "std", 1.0);
  double torch_acc = meta_double (model, "test_accuracy", -1.0);
  size_t n = a->limit > 0 && (size_t) a->limit < set->count ?
      (size_t) a->limit : set->count;
  long total[10] = { 0 }, good[10] = { 0 };

  printf ("model %s: mean %.4f std %.4f, %zu images, %d thread(s)\n",
      a->model, mean, std, n, cnn_session_threads (session));
  double t0 = now_s ();
  long correct = run_all (session, set, n, mean, std, total, good);
  double secs = now_s () - t0;
  cnn_session_free (session);
  cnn_model_unref (model);
  if (correct < 0)
    return 2;

  double acc = (double) correct / n;
  for (int c = 0; c < 10; c++)
    if (total[c])
      printf ("  %-12s %.4f (%ld/%ld)\n", fmnist_class_names[c],
          (double) good[c] / total[c], good[c], total[c]);
  printf ("accuracy %.4f (%ld/%zu), %.0f images/s\n", acc, correct, n,
      n / secs);
  if (a->min_accuracy >= 0)
    CHECK_MSG (acc >= a->min_accuracy, "accuracy %.4f < %.4f", acc,
        a->min_accuracy);
  if (a->max_delta >= 0 && torch_acc >= 0 && n == set->count) {
    printf ("PyTorch accuracy from metadata %.4f\n", torch_acc);
    CHECK_MSG (acc - torch_acc <= a->max_delta
        && torch_acc - acc <= a->max_delta,
        "core %.4f vs PyTorch %.4f differ by more than %.4f", acc, torch_acc,
        a->max_delta);
  }
  return check_summary ("fmnist-accuracy");
}

int
main (int argc, char **argv)
{
  Args a;
  FmnistSet set;
  char err[512];
  if (parse_args (argc, argv, &a) != 0)
    return 2;
  if (fmnist_load (a.data, "t10k", &set, err, sizeof err) != 0)
    CHECK_SKIP ("Fashion-MNIST test set not readable: %s", err);
  int rc = evaluate (&a, &set);
  fmnist_free (&set);
  return rc;
}
