/* fuzz_model.c — libFuzzer target: bytes → model → session → one run.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Feeds arbitrary bytes to cnn_model_load_memory() (ONNX parse, sort, shape
 * inference, constant folding, fusion, planning) with a 16 MiB memory limit,
 * then, when the model loads, creates a one-thread session, fills every
 * input, runs once and reads every output. Besides what ASan/UBSan report,
 * the API contract is checked and a breach traps:
 *   - a failure returns a known status, copies it to CnnError and carries a
 *     message, and leaves *model_out NULL;
 *   - a loaded model has fully known input/output shapes and fits the limit
 *     (weights + one-thread arena);
 *   - every input/output buffer is as large as its info says (written and
 *     read in full, so ASan sees any short buffer);
 *   - a failed session call leaves a message in cnn_session_last_error().
 * The same function replays the committed regression inputs (fuzz_replay.c);
 * LLVMFuzzerTestOneInput exists only with -DFUZZ_LIBFUZZER.
 */
#include "fuzz_targets.h"

#include "cnn/cnn.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* cnn_model_arena_bytes() aligns the scratch size up; allow for that. */
#define FUZZ_ALIGN_SLACK 4096u

static int
status_known (CnnStatus st)
{
  return st >= CNN_OK && st <= CNN_ERR_LIMIT;
}

/* Number of elements of a planned (fully known) shape; traps otherwise. */
static size_t
planned_numel (const CnnTensorInfo *info, const char *what, size_t i)
{
  FUZZ_REQUIRE (info->rank >= 0 && info->rank <= CNN_MAX_RANK,
      "%s %zu has rank %d", what, i, info->rank);
  int64_t n = cnn_tensor_info_numel (info);
  FUZZ_REQUIRE (n >= 0, "%s %zu has an unknown shape after planning",
      what, i);
  FUZZ_REQUIRE ((uint64_t) n <= FUZZ_MAX_MEMORY / 4,
      "%s %zu has %lld elements, beyond the memory limit", what, i,
      (long long) n);
  return (size_t) n;
}

/* Writes every element of every run-time input (float32, per cnn.h). */
static void
fill_inputs (const CnnModel *model, CnnSession *s)
{
  size_t n_in = cnn_model_input_count (model);
  for (size_t i = 0; i < n_in; i++) {
    CnnTensorInfo info;
    const char *name = NULL;
    FUZZ_REQUIRE (cnn_model_input_info (model, i, &name, &info) == CNN_OK,
        "input %zu of %zu has no info", i, n_in);
    FUZZ_REQUIRE (name != NULL, "input %zu has no name", i);
    FUZZ_REQUIRE (info.dtype == CNN_DTYPE_FLOAT32,
        "run-time input %zu is dtype %d", i, (int) info.dtype);
    size_t n = planned_numel (&info, "input", i);
    float *buf = cnn_session_input_data (s, i);
    FUZZ_REQUIRE (buf != NULL || n == 0, "input %zu has no buffer", i);
    for (size_t k = 0; k < n; k++)
      buf[k] = (float) ((int) (k % 13) - 6) * 0.25f;
  }
  FUZZ_REQUIRE (cnn_session_input_data (s, n_in) == NULL,
      "input index %zu (out of range) has a buffer", n_in);
}

/* Reads every output element so that ASan checks the buffer size. */
static void
read_outputs (const CnnModel *model, const CnnSession *s)
{
  size_t n_out = cnn_model_output_count (model);
  double sum = 0;
  for (size_t i = 0; i < n_out; i++) {
    CnnTensorInfo info;
    FUZZ_REQUIRE (cnn_model_output_info (model, i, NULL, &info) == CNN_OK,
        "output %zu of %zu has no info", i, n_out);
    size_t n = planned_numel (&info, "output", i);
    size_t es = cnn_dtype_size (info.dtype);
    FUZZ_REQUIRE (es == 4 || es == 8, "output %zu has dtype %d", i,
        (int) info.dtype);
    const float *buf = cnn_session_output_data (s, i);
    FUZZ_REQUIRE (buf != NULL || n == 0, "output %zu has no buffer", i);
    for (size_t k = 0; k < n * es / sizeof (float); k++)
      sum += buf[k];
  }
  volatile double sink = sum;
  (void) sink;
}

static void
run_session (CnnModel *model)
{
  CnnSessionOptions so;
  CnnSession *s = NULL;
  CnnError err;

  cnn_session_options_init (&so);
  so.threads = 1;
  memset (&err, 0, sizeof err);
  CnnStatus st = cnn_session_new (model, &so, &s, &err);
  FUZZ_REQUIRE (status_known (st), "cnn_session_new returned %d", (int) st);
  if (st != CNN_OK) {
    FUZZ_REQUIRE (s == NULL, "failed cnn_session_new set a session");
    FUZZ_REQUIRE (err.message[0] != '\0', "cnn_session_new failed (%s) "
        "without a message", cnn_status_name (st));
    return;
  }
  FUZZ_REQUIRE (cnn_session_threads (s) == 1, "session has %d threads",
      cnn_session_threads (s));
  fill_inputs (model, s);
  st = cnn_session_run (s);
  FUZZ_REQUIRE (status_known (st), "cnn_session_run returned %d", (int) st);
  if (st == CNN_OK)
    read_outputs (model, s);
  else
    FUZZ_REQUIRE (cnn_session_last_error (s)[0] != '\0',
        "cnn_session_run failed (%s) without a message",
        cnn_status_name (st));
  cnn_session_free (s);
}

int
fuzz_model_one (const uint8_t *data, size_t size)
{
  CnnModelOptions opts;
  CnnModel *model = NULL;
  CnnError err;

  cnn_model_options_init (&opts);
  opts.max_memory_bytes = FUZZ_MAX_MEMORY;
  memset (&err, 0, sizeof err);
  CnnStatus st = cnn_model_load_memory (data, size, &opts, &model, &err);
  FUZZ_REQUIRE (status_known (st), "load returned %d", (int) st);
  if (st != CNN_OK) {
    FUZZ_REQUIRE (model == NULL, "failed load set a model");
    FUZZ_REQUIRE (err.status == st, "CnnError.status %d, returned %d",
        (int) err.status, (int) st);
    FUZZ_REQUIRE (err.message[0] != '\0', "load failed (%s) without a "
        "message", cnn_status_name (st));
    return 0;
  }
  FUZZ_REQUIRE (model != NULL, "load succeeded without a model");
  uint64_t need = cnn_model_weight_bytes (model)
      + cnn_model_arena_bytes (model, 1);
  FUZZ_REQUIRE (need <= (uint64_t) FUZZ_MAX_MEMORY + FUZZ_ALIGN_SLACK,
      "model needs %llu bytes, limit %u", (unsigned long long) need,
      FUZZ_MAX_MEMORY);
  run_session (model);
  cnn_model_unref (model);
  return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_model_one (data, size);
}
#endif
