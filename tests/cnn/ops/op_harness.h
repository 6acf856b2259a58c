/* op_harness.h — build one operator node by hand and run it (tests only).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An OpCase is a tiny CnnGraph with one node: add inputs (run-time or
 * constant), attributes and outputs, then oc_prepare() (the op's own
 * shape inference) and oc_run() (output buffers allocated from the
 * inferred infos, optional thread pool). The op is looked up with
 * cnn_op_lookup, as the loader does. Errors stay in c->d.message.
 */
#ifndef OP_HARNESS_H
#define OP_HARNESS_H

#include "ops/ops.h"

#define OC_MAX_VALUES 32

typedef struct {
  CnnGraph g;
  int node;
  CnnDiag d;
  void *buf[OC_MAX_VALUES];  /* run-time data per value (inputs, outputs) */
  CnnThreadPool *pool;
} OpCase;

/* Shorthand for dims: DIMS(2, 3) -> rank 2, (int64_t[]){2, 3}. */
#define DIMS(...)                                                           \
  (int) (sizeof ((int64_t[]) { __VA_ARGS__ }) / sizeof (int64_t)),          \
      (int64_t[]) { __VA_ARGS__ }
#define SCALAR 0, NULL

OpCase *oc_new (const char *op_type, int64_t opset);
void oc_free (OpCase *c);

/* Adds an input; data (numel * dtype size bytes) is copied. constant
 * inputs become CNN_VALUE_CONST. Returns the value index. */
int oc_input (OpCase *c, CnnDType dtype, int rank, const int64_t *dims,
    const void *data, bool constant);
void oc_input_absent (OpCase *c);
void oc_output (OpCase *c);
void oc_output_absent (OpCase *c);

void oc_attr_int (OpCase *c, const char *name, int64_t v);
void oc_attr_float (OpCase *c, const char *name, float v);
void oc_attr_ints (OpCase *c, const char *name, const int64_t *v, size_t n);
void oc_attr_floats (OpCase *c, const char *name, const float *v, size_t n);
void oc_attr_string (OpCase *c, const char *name, const char *s);
void oc_attr_tensor (OpCase *c, const char *name, CnnDType dtype, int rank,
    const int64_t *dims, const void *data);

/* Runs with a pool of n threads (default: no pool). */
void oc_threads (OpCase *c, int n);

CnnStatus oc_prepare (OpCase *c);
/* oc_prepare + allocate outputs + run. */
CnnStatus oc_run (OpCase *c);

const CnnTensorInfo *oc_out_info (OpCase *c, int i);
void *oc_out (OpCase *c, int i);
/* True when output i has exactly these dims. */
bool oc_out_dims_are (OpCase *c, int i, int rank, const int64_t *dims);

/* Deterministic pseudo-random floats in [-1, 1). */
void oc_fill_random (float *x, size_t n, unsigned seed);

#endif /* OP_HARNESS_H */
