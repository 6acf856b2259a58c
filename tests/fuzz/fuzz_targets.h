/* fuzz_targets.h — the two fuzz entry points and their contract check.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each target takes arbitrary bytes, drives one public entry of libcnn and
 * returns 0. A breach of the API contract (a failure without a message, a
 * buffer smaller than its shape, ...) prints what broke and traps, so that
 * libFuzzer keeps the input as a crash and a replay test fails.
 */
#ifndef CNN_FUZZ_TARGETS_H
#define CNN_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define FUZZ_REQUIRE(cond, ...)                                             \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf (stderr, "%s: contract broken: %s: ", __func__, #cond);       \
      fprintf (stderr, __VA_ARGS__);                                        \
      fputc ('\n', stderr);                                                 \
      __builtin_trap ();                                                    \
    }                                                                       \
  } while (0)

/* Memory limit given to the model loader (CnnModelOptions.max_memory_bytes).
 * It also bounds the work of one run: at 64 MiB, valid models with large
 * pooling or convolution shapes took seconds each under the fuzzer's
 * instrumentation and throughput fell below 200 inputs/s; at 16 MiB a few
 * such inputs still took most of the time. Shapes and edge cases need no
 * big tensors. */
#define FUZZ_MAX_MEMORY (4u << 20)

/* bytes → cnn_model_load_memory → 1-thread session → one run → free. */
int fuzz_model_one (const uint8_t *data, size_t size);
/* bytes → cnn_tensor_read_pb → checks → save/load round trip → clear. */
int fuzz_tensor_pb_one (const uint8_t *data, size_t size);

#endif /* CNN_FUZZ_TARGETS_H */
