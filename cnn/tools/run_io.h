/* run_io.h — file and text helpers of the cnn-run tool.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything cnn-run reads or writes besides the model: input tensors
 * (.pb TensorProto or raw little-endian float32 .f32/.raw), output .pb
 * files, label files, the deterministic default input, top-k and timing
 * statistics. Functions that can fail write one line into err and return
 * false.
 */
#ifndef CNN_RUN_IO_H
#define CNN_RUN_IO_H

#include "cnn/cnn.h"

#include <stdbool.h>
#include <stddef.h>

#define RUN_ERR_MAX 640

/* One -i file. A .pb file is parsed at once (its shape and type steer the
 * input binding); a raw file is kept as bytes until the model's shape is
 * known. */
typedef struct {
  const char *path;
  bool is_pb;
  CnnTensor tensor;     /* .pb: converted tensor (float32 or int64) */
  void *raw;            /* .f32/.raw: file contents */
  size_t raw_bytes;
} RunInput;

bool run_input_load (const char *path, RunInput *in, char *err);
void run_input_clear (RunInput *in);

/* Whole file into a malloc'd buffer. */
bool run_read_file (const char *path, void **data_out, size_t *size_out,
    char *err);

/* Fills n floats with a deterministic smooth pattern (seed varies it per
 * input). */
void run_fill_pattern (float *x, size_t n, unsigned seed);

/* Writes output k of the session as outdir/output_<k>.pb, creating outdir
 * if needed. */
bool run_write_outputs (const CnnModel *model, const CnnSession *session,
    const char *outdir, char *err);

/* Labels, one per line (trailing CR/LF stripped). */
bool run_labels_load (const char *path, char ***labels_out, size_t *n_out,
    char *err);
void run_labels_free (char **labels, size_t n);

/* Prints "rank class_id score label" for the k best of n scores. */
void run_print_top (const float *scores, size_t n, int k,
    char *const *labels, size_t n_labels);

/* Prints one summary line per output (shape, min, max, mean, argmax). */
void run_print_summary (const CnnModel *model, const CnnSession *session);

/* Prints inputs, outputs, metadata and sizes of a loaded model. */
void run_print_info (const CnnModel *model);

/* Median and 90th percentile (nearest rank) of n samples; sorts them. */
void run_stats (double *ms, size_t n, double *median, double *p90);

#endif /* CNN_RUN_IO_H */
