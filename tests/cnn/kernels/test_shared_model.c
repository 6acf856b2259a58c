/* test_shared_model.c — one loaded CnnModel shared by many sessions on
 * many threads at once, as eight camera streams share one model file.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-kernels-shared_model MODEL.onnx [ROUNDS]
 *
 * The main thread computes reference outputs for N_INPUTS distinct inputs
 * with a one-thread session. Then N_WORKERS threads start together; each
 * is given its own model reference, creates its own session (1 or 2 pool
 * threads, alternating), drops that reference, runs every
 * input ROUNDS times in its own order and compares each output bitwise
 * with the reference (1 and 2 pool threads give identical results by the
 * core's design), then frees its session. The main thread drops its own
 * model reference while the workers still run, so the last session to go
 * frees the model. Under ThreadSanitizer (scripts/sanitize.sh tsan) this
 * shows that sessions only read the shared model. Skips (77) when the
 * model file is missing.
 */
#include <cnn/cnn.h>
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_WORKERS 8
#define N_INPUTS 3

typedef struct {
  CnnModel *model;
  size_t in_numel, out_numel;
  float *inputs[N_INPUTS];
  float *refs[N_INPUTS];
  int rounds;
  pthread_barrier_t start;
  atomic_int mismatches;
  atomic_int failures;
} Shared;

typedef struct {
  Shared *sh;
  CnnModel *model;              /* the worker's own reference */
  int index;
} Worker;

static size_t
numel_of (const CnnModel *m, int is_input)
{
  CnnTensorInfo info;
  CnnStatus st = is_input ? cnn_model_input_info (m, 0, NULL, &info)
      : cnn_model_output_info (m, 0, NULL, &info);
  int64_t n = st == CNN_OK ? cnn_tensor_info_numel (&info) : -1;
  return n > 0 ? (size_t) n : 0;
}

static CnnSession *
new_session (CnnModel *m, int threads)
{
  CnnSessionOptions so;
  CnnError err;
  CnnSession *s = NULL;
  cnn_session_options_init (&so);
  so.threads = threads;
  if (cnn_session_new (m, &so, &s, &err) != CNN_OK) {
    fprintf (stderr, "session: %s\n", err.message);
    return NULL;
  }
  return s;
}

static int
run_one (CnnSession *s, const Shared *sh, int k, float *out)
{
  memcpy (cnn_session_input_data (s, 0), sh->inputs[k],
      sh->in_numel * sizeof (float));
  if (cnn_session_run (s) != CNN_OK) {
    fprintf (stderr, "run: %s\n", cnn_session_last_error (s));
    return -1;
  }
  memcpy (out, cnn_session_output_data (s, 0), sh->out_numel * sizeof (float));
  return 0;
}

static void *
worker_main (void *arg)
{
  Worker *w = arg;
  Shared *sh = w->sh;
  pthread_barrier_wait (&sh->start);
  CnnSession *s = new_session (w->model, 1 + w->index % 2);
  /* From here on only the session keeps the model alive. */
  cnn_model_unref (w->model);
  float *out = malloc (sh->out_numel * sizeof (float));
  if (!s || !out) {
    atomic_fetch_add (&sh->failures, 1);
    goto done;
  }
  for (int r = 0; r < sh->rounds; r++)
    for (int i = 0; i < N_INPUTS; i++) {
      int k = (i + w->index + r) % N_INPUTS;
      if (run_one (s, sh, k, out) != 0)
        atomic_fetch_add (&sh->failures, 1);
      else if (memcmp (out, sh->refs[k], sh->out_numel * sizeof (float)))
        atomic_fetch_add (&sh->mismatches, 1);
    }
done:
  free (out);
  cnn_session_free (s);
  return NULL;
}

/* Distinct inputs and their one-thread reference outputs. */
static int
make_references (Shared *sh)
{
  CnnSession *s = new_session (sh->model, 1);
  if (!s)
    return -1;
  uint32_t seed = 12345u;
  int rc = 0;
  for (int k = 0; k < N_INPUTS && rc == 0; k++) {
    sh->inputs[k] = malloc (sh->in_numel * sizeof (float));
    sh->refs[k] = malloc (sh->out_numel * sizeof (float));
    for (size_t i = 0; i < sh->in_numel; i++) {
      seed = seed * 1664525u + 1013904223u;
      sh->inputs[k][i] = (float) (seed >> 8) / 16777216.0f * 2.0f - 1.0f;
    }
    rc = run_one (s, sh, k, sh->refs[k]);
  }
  cnn_session_free (s);
  return rc;
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s MODEL.onnx [ROUNDS]\n", argv[0]);
    return 2;
  }
  CnnError err;
  Shared sh;
  memset (&sh, 0, sizeof sh);
  sh.rounds = argc > 2 ? atoi (argv[2]) : 4;
  if (cnn_model_load_file (argv[1], NULL, &sh.model, &err) != CNN_OK) {
    if (err.status == CNN_ERR_IO) {
      printf ("SKIP: %s\n", err.message);
      return 77;
    }
    fprintf (stderr, "load: %s\n", err.message);
    return 1;
  }
  sh.in_numel = numel_of (sh.model, 1);
  sh.out_numel = numel_of (sh.model, 0);
  CHECK (sh.in_numel > 0 && sh.out_numel > 0);
  CHECK (make_references (&sh) == 0);

  pthread_t tid[N_WORKERS];
  Worker w[N_WORKERS];
  pthread_barrier_init (&sh.start, NULL, N_WORKERS + 1);
  for (int i = 0; i < N_WORKERS; i++) {
    w[i] = (Worker) { &sh, cnn_model_ref (sh.model), i };
    CHECK (pthread_create (&tid[i], NULL, worker_main, &w[i]) == 0);
  }
  pthread_barrier_wait (&sh.start);
  /* The workers' references and sessions now keep the model alive. */
  cnn_model_unref (sh.model);
  sh.model = NULL;
  for (int i = 0; i < N_WORKERS; i++)
    pthread_join (tid[i], NULL);
  pthread_barrier_destroy (&sh.start);

  CHECK_MSG (atomic_load (&sh.failures) == 0, "%d session/run failures",
      atomic_load (&sh.failures));
  CHECK_MSG (atomic_load (&sh.mismatches) == 0,
      "%d of %d outputs differ from the one-thread reference",
      atomic_load (&sh.mismatches), N_WORKERS * sh.rounds * N_INPUTS);
  printf ("%d workers x %d rounds x %d inputs on one model\n", N_WORKERS,
      sh.rounds, N_INPUTS);
  for (int k = 0; k < N_INPUTS; k++) {
    free (sh.inputs[k]);
    free (sh.refs[k]);
  }
  return check_summary ("shared_model");
}
