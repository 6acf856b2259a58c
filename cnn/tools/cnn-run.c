/* cnn-run.c — command-line runner of the gst-cnn inference core.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   cnn-run MODEL.onnx [-i INPUT]... [-o OUTDIR] [--threads N] [--bench N]
 *           [--top K] [--labels FILE] [--info]
 *
 * -i files map, in order, to the graph inputs that are not initializers.
 * A .pb input fixes its input's shape through a CnnInputBinding (and, for
 * integer tensors, its value: shape/index inputs of ONNX node tests); a
 * .f32/.raw input takes its shape from the model. Without -i every input
 * gets a deterministic pattern. Exit status: 0 ok, 1 bad model or input
 * (one line on stderr), 2 bad usage.
 */
#include "cnn/cnn.h"
#include "onnx/onnx_load.h"
#include "run_io.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_INPUTS 64

typedef struct {
  const char *model_path;
  const char *inputs[MAX_INPUTS];
  int n_inputs;
  const char *outdir;
  const char *labels;
  int threads;
  int bench;
  int top;
  bool info;
} RunArgs;

static void
usage (FILE *f)
{
  fprintf (f,
      "usage: cnn-run MODEL.onnx [-i INPUT]... [-o OUTDIR] [--threads N]\n"
      "               [--bench N] [--top K] [--labels FILE] [--info]\n"
      "  -i INPUT       input tensor, in the order of the graph's inputs:\n"
      "                 ONNX TensorProto (.pb) or raw little-endian float32\n"
      "                 (.f32/.raw, shape from the model); default: a\n"
      "                 deterministic pattern\n"
      "  -o OUTDIR      write every output as OUTDIR/output_<k>.pb\n"
      "  --threads N    worker threads (0 = all CPUs, default)\n"
      "  --bench N      N timed runs after a warm-up; prints\n"
      "                 median_ms=<x> p90_ms=<y> runs=<N>\n"
      "  --top K        print 'rank class_id score label' for the K best\n"
      "                 classes of the first output\n"
      "  --labels FILE  class labels, one per line\n"
      "  --info         print inputs, outputs, metadata and sizes; no run\n"
      "  -h, --help     this text\n");
}

static bool
parse_int (const char *s, int min, int *out)
{
  char *end;
  long v;
  if (!s || !*s)
    return false;
  v = strtol (s, &end, 10);
  if (*end || v < min || v > INT_MAX)
    return false;
  *out = (int) v;
  return true;
}

/* 0: run, 1: help printed, 2: usage error (message printed). */
static int
parse_args (int argc, char **argv, RunArgs *a)
{
  memset (a, 0, sizeof *a);
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool ok = true, takes = true;
    if (!strcmp (o, "-h") || !strcmp (o, "--help"))
      return 1;
    if (!strcmp (o, "-i") && v && a->n_inputs < MAX_INPUTS)
      a->inputs[a->n_inputs++] = v;
    else if (!strcmp (o, "-o") && v)
      a->outdir = v;
    else if (!strcmp (o, "--labels") && v)
      a->labels = v;
    else if (!strcmp (o, "--threads"))
      ok = parse_int (v, 0, &a->threads);
    else if (!strcmp (o, "--bench"))
      ok = parse_int (v, 1, &a->bench);
    else if (!strcmp (o, "--top"))
      ok = parse_int (v, 1, &a->top);
    else if (!strcmp (o, "--info"))
      a->info = true, takes = false;
    else if (o[0] != '-' && !a->model_path)
      a->model_path = o, takes = false;
    else
      ok = false;
    if (!ok) {
      fprintf (stderr, "cnn-run: bad or incomplete option '%s'\n", o);
      return 2;
    }
    if (takes)
      i++;
  }
  if (!a->model_path) {
    fprintf (stderr, "cnn-run: no model given\n");
    return 2;
  }
  return 0;
}

/* Everything one invocation holds, released by run_state_clear. */
typedef struct {
  CnnOnnxInputDecl *decls;
  size_t n_decls;
  RunInput inputs[MAX_INPUTS];
  int n_inputs;
  CnnInputBinding bindings[MAX_INPUTS];
  size_t n_bindings;
  CnnModel *model;
  CnnSession *session;
  char **labels;
  size_t n_labels;
  char err[RUN_ERR_MAX];
} RunState;

static void
run_state_clear (RunState *s)
{
  cnn_session_free (s->session);
  if (s->model)
    cnn_model_unref (s->model);
  for (int k = 0; k < s->n_inputs; k++)
    run_input_clear (&s->inputs[k]);
  cnn_onnx_input_decls_free (s->decls, s->n_decls);
  run_labels_free (s->labels, s->n_labels);
}

/* Reads the -i files and turns .pb inputs into bindings. */
static bool
prepare_inputs (const RunArgs *a, RunState *s)
{
  CnnDiag d;
  void *bytes;
  size_t size;

  if (!run_read_file (a->model_path, &bytes, &size, s->err))
    return false;
  cnn_diag_reset (&d);
  CnnStatus st = cnn_onnx_list_inputs (bytes, size, &s->decls, &s->n_decls,
      &d);
  free (bytes);
  if (st != CNN_OK) {
    snprintf (s->err, sizeof s->err, "%s: %s", a->model_path, d.message);
    return false;
  }
  if (a->n_inputs && (size_t) a->n_inputs != s->n_decls) {
    snprintf (s->err, sizeof s->err, "the model has %zu inputs but %d -i "
        "files were given", s->n_decls, a->n_inputs);
    return false;
  }
  for (int k = 0; k < a->n_inputs; k++) {
    RunInput *in = &s->inputs[k];
    s->n_inputs = k + 1;
    if (!run_input_load (a->inputs[k], in, s->err))
      return false;
    if (!in->is_pb)
      continue;
    CnnInputBinding *b = &s->bindings[s->n_bindings++];
    b->name = s->decls[k].name;
    b->info = in->tensor.info;
    if (in->tensor.info.dtype != CNN_DTYPE_FLOAT32)
      b->data = in->tensor.data;      /* integer inputs become constants */
  }
  return true;
}

/* Copies input data (or the pattern) into the session's run-time inputs. */
static bool
feed_inputs (RunState *s)
{
  for (size_t r = 0; r < cnn_model_input_count (s->model); r++) {
    const char *name;
    CnnTensorInfo info;
    cnn_model_input_info (s->model, r, &name, &info);
    size_t n = (size_t) cnn_tensor_info_numel (&info);
    const RunInput *in = NULL;
    for (int k = 0; k < s->n_inputs; k++)
      if (!strcmp (s->decls[k].name, name))
        in = &s->inputs[k];
    if (!in) {
      run_fill_pattern (cnn_session_input_data (s->session, r), n,
          (unsigned) r);
      continue;
    }
    const void *src = in->is_pb ? in->tensor.data : in->raw;
    size_t bytes = in->is_pb ? (size_t) cnn_tensor_info_numel (
        &in->tensor.info) * sizeof (float) : in->raw_bytes;
    if (bytes != n * sizeof (float)) {
      snprintf (s->err, sizeof s->err, "input '%s' has %zu float32 values "
          "but the model's input '%s' needs %zu", in->path,
          bytes / sizeof (float), name, n);
      return false;
    }
    if (cnn_session_set_input (s->session, r, src, bytes) != CNN_OK) {
      snprintf (s->err, sizeof s->err, "%s",
          cnn_session_last_error (s->session));
      return false;
    }
  }
  return true;
}

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec * 1e-6;
}

static bool
run_once (RunState *s)
{
  if (cnn_session_run (s->session) == CNN_OK)
    return true;
  snprintf (s->err, sizeof s->err, "%s", cnn_session_last_error (s->session));
  return false;
}

static bool
bench (RunState *s, int runs)
{
  double *ms = malloc (sizeof (double) * (size_t) runs), median, p90;
  bool ok = ms != NULL;

  for (int w = 0; ok && w < 2; w++)
    ok = run_once (s);
  for (int r = 0; ok && r < runs; r++) {
    double t0 = now_ms ();
    ok = run_once (s);
    ms[r] = now_ms () - t0;
  }
  if (ok) {
    run_stats (ms, (size_t) runs, &median, &p90);
    printf ("median_ms=%.3f p90_ms=%.3f runs=%d\n", median, p90, runs);
  } else if (!ms) {
    snprintf (s->err, sizeof s->err, "out of memory");
  }
  free (ms);
  return ok;
}

/* Loads, runs and reports; false with s->err set on failure. */
static bool
run (const RunArgs *a, RunState *s)
{
  CnnModelOptions mo;
  CnnSessionOptions so;
  CnnError e;

  if (!prepare_inputs (a, s))
    return false;
  if (a->labels && !run_labels_load (a->labels, &s->labels, &s->n_labels,
          s->err))
    return false;
  cnn_model_options_init (&mo);
  mo.bindings = s->bindings;
  mo.n_bindings = s->n_bindings;
  if (cnn_model_load_file (a->model_path, &mo, &s->model, &e) != CNN_OK) {
    snprintf (s->err, sizeof s->err, "%s", e.message);
    return false;
  }
  if (a->info) {
    run_print_info (s->model);
    return true;
  }
  cnn_session_options_init (&so);
  so.threads = a->threads;
  if (cnn_session_new (s->model, &so, &s->session, &e) != CNN_OK) {
    snprintf (s->err, sizeof s->err, "%s", e.message);
    return false;
  }
  if (!feed_inputs (s))
    return false;
  if (a->bench)
    return bench (s, a->bench);
  if (!run_once (s))
    return false;
  if (a->outdir && !run_write_outputs (s->model, s->session, a->outdir,
          s->err))
    return false;
  if (a->top) {
    CnnTensorInfo info;
    cnn_model_output_info (s->model, 0, NULL, &info);
    if (info.dtype != CNN_DTYPE_FLOAT32) {
      snprintf (s->err, sizeof s->err, "--top needs a float32 output");
      return false;
    }
    run_print_top (cnn_session_output_data (s->session, 0),
        (size_t) cnn_tensor_info_numel (&info), a->top, s->labels,
        s->n_labels);
  }
  if (!a->outdir && !a->top)
    run_print_summary (s->model, s->session);
  return true;
}

int
main (int argc, char **argv)
{
  RunArgs a;
  RunState s;
  int rc = parse_args (argc, argv, &a);

  if (rc == 1) {
    usage (stdout);
    return 0;
  }
  if (rc == 2) {
    usage (stderr);
    return 2;
  }
  memset (&s, 0, sizeof s);
  rc = run (&a, &s) ? 0 : 1;
  if (rc)
    fprintf (stderr, "cnn-run: %s\n", s.err);
  run_state_clear (&s);
  return rc;
}
