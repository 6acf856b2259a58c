/* fuzz_tensor_pb.c — libFuzzer target: bytes → cnn_tensor_read_pb().
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TensorProto reader behind cnn-run's input/output files. Besides what
 * ASan/UBSan report, the contract is checked and a breach traps:
 *   - a failure returns a known status, copies it to CnnError, carries a
 *     message and leaves the tensor zeroed (data and name NULL);
 *   - a success has a supported dtype, a rank in 0..CNN_MAX_RANK, known
 *     dims and a data buffer of numel * element size bytes (read in full,
 *     so ASan sees a short buffer);
 *   - a float32 or int64 tensor written back with cnn_tensor_save_pb()
 *     reads back identical (dims, name, bytes).
 * The same function replays the committed regression inputs (fuzz_replay.c);
 * LLVMFuzzerTestOneInput exists only with -DFUZZ_LIBFUZZER.
 */
#include "fuzz_targets.h"

#include "cnn/cnn.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


/* Bytes of t's data; traps when the tensor is inconsistent. */
static size_t
tensor_bytes (const CnnTensor *t)
{
  FUZZ_REQUIRE (t->info.rank >= 0 && t->info.rank <= CNN_MAX_RANK,
      "rank %d", t->info.rank);
  size_t es = cnn_dtype_size (t->info.dtype);
  FUZZ_REQUIRE (es > 0, "dtype %d has no size", (int) t->info.dtype);
  int64_t n = cnn_tensor_info_numel (&t->info);
  FUZZ_REQUIRE (n >= 0, "unknown numel");
  FUZZ_REQUIRE (n == 0 || t->data != NULL, "%lld elements, no data",
      (long long) n);
  return (size_t) n * es;
}

/* Save t, load it back, compare; only for the dtypes the writer takes. */
static void
check_round_trip (const CnnTensor *t, size_t bytes)
{
  char path[64];
  CnnTensor back;
  CnnError err;

  if (t->info.dtype != CNN_DTYPE_FLOAT32 && t->info.dtype != CNN_DTYPE_INT64)
    return;
  snprintf (path, sizeof path, "/tmp/cnn-fuzz-tensor-%ld.pb",
      (long) getpid ());
  CnnStatus st = cnn_tensor_save_pb (path, t, &err);
  FUZZ_REQUIRE (st == CNN_OK, "cannot save a tensor just read: %s",
      err.message);
  st = cnn_tensor_load_pb (path, &back, &err);
  unlink (path);
  FUZZ_REQUIRE (st == CNN_OK, "cannot read back a saved tensor: %s",
      err.message);
  FUZZ_REQUIRE (back.info.dtype == t->info.dtype && back.info.rank
      == t->info.rank, "dtype/rank changed (%d/%d -> %d/%d)",
      (int) t->info.dtype, t->info.rank, (int) back.info.dtype,
      back.info.rank);
  for (int i = 0; i < t->info.rank; i++)
    FUZZ_REQUIRE (back.info.dims[i] == t->info.dims[i], "dim %d changed", i);
  FUZZ_REQUIRE (bytes == 0 || memcmp (back.data, t->data, bytes) == 0,
      "data changed in the round trip");
  const char *n1 = t->name ? t->name : "", *n2 = back.name ? back.name : "";
  FUZZ_REQUIRE (strcmp (n1, n2) == 0, "name '%s' came back as '%s'", n1, n2);
  cnn_tensor_clear (&back);
}

int
fuzz_tensor_pb_one (const uint8_t *data, size_t size)
{
  CnnTensor t;
  CnnError err;

  memset (&err, 0, sizeof err);
  memset (&t, 0xa5, sizeof t);
  CnnStatus st = cnn_tensor_read_pb (data, size, &t, &err);
  FUZZ_REQUIRE (st >= CNN_OK && st <= CNN_ERR_LIMIT, "returned %d", (int) st);
  if (st != CNN_OK) {
    FUZZ_REQUIRE (err.status == st, "CnnError.status %d, returned %d",
        (int) err.status, (int) st);
    FUZZ_REQUIRE (err.message[0] != '\0', "failed (%s) without a message",
        cnn_status_name (st));
    FUZZ_REQUIRE (t.data == NULL && t.name == NULL,
        "failed read left data or name set");
    return 0;
  }
  size_t bytes = tensor_bytes (&t);
  volatile uint8_t sink = 0;
  for (size_t k = 0; k < bytes; k++)
    sink ^= ((const uint8_t *) t.data)[k];
  (void) sink;
  check_round_trip (&t, bytes);
  cnn_tensor_clear (&t);
  return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  return fuzz_tensor_pb_one (data, size);
}
#endif
