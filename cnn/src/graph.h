/* graph.h — the load-time passes over a CnnGraph (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * model.c runs them in this order on the graph the ONNX loader built:
 *   cnn_graph_sort     topological order; rejects cycles and dangling values
 *   cnn_graph_infer    shape inference (op->prepare) and constant folding
 *   cnn_graph_fuse     Identity/Dropout removal, BatchNorm into Conv,
 *                      Relu/Clip/LeakyRelu into Conv/Gemm; re-prepares nodes
 *   cnn_graph_plan     liveness-based offsets of run-time values in one arena
 * Each returns CNN_OK or a status with the message in d (node-prefixed).
 */
#ifndef CNN_GRAPH_H
#define CNN_GRAPH_H

#include "ir.h"

#define CNN_ARENA_ALIGN 64

CnnStatus cnn_graph_sort (CnnGraph *g, CnnDiag *d);
CnnStatus cnn_graph_infer (CnnGraph *g, uint64_t max_const_bytes,
    CnnDiag *d);
CnnStatus cnn_graph_fuse (CnnGraph *g, CnnDiag *d);
/* Sets value->arena_offset for every run-time value; *arena_bytes_out is
 * the activation arena size (scratch excluded). */
CnnStatus cnn_graph_plan (CnnGraph *g, uint64_t *arena_bytes_out,
    CnnDiag *d);

/* Largest op scratch over the live nodes for a thread count. */
size_t cnn_graph_scratch_bytes (const CnnGraph *g, int threads);
/* Counts n_uses of every value from live nodes and graph outputs. */
void cnn_graph_count_uses (CnnGraph *g);
/* Bytes of constant data still referenced by live nodes or outputs. */
uint64_t cnn_graph_const_bytes (const CnnGraph *g);
/* Calls prepare on node i and prefixes errors with the node. */
CnnStatus cnn_graph_prepare_node (CnnGraph *g, int i, CnnDiag *d);
/* Rounds up to CNN_ARENA_ALIGN. */
static inline uint64_t
cnn_align_up (uint64_t n)
{
  return (n + CNN_ARENA_ALIGN - 1) & ~(uint64_t) (CNN_ARENA_ALIGN - 1);
}

#endif /* CNN_GRAPH_H */
