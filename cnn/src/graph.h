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
 * and each session plans its memory with cnn_graph_plan (liveness-based
 * offsets of run-time values and op scratch in one arena).
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
/* One session's memory: every run-time value and each node's op scratch
 * (at the session's thread count) at an offset in one arena. */
typedef struct {
  int64_t *value_offset;   /* per value: bytes from the arena base, -1 if
                              not in the arena (constants, dead values) */
  int64_t *scratch_offset; /* per node: its scratch, -1 if it needs none */
  size_t *scratch_bytes;   /* per node: its scratch size (aligned up) */
  uint64_t bytes;          /* the arena's size */
} CnnArenaPlan;

/* Plans the arena for threads; plan is cleared by cnn_arena_plan_clear. */
CnnStatus cnn_graph_plan (const CnnGraph *g, int threads,
    CnnArenaPlan *plan, CnnDiag *d);
void cnn_arena_plan_clear (CnnArenaPlan *plan);
/* The planned arena's size at threads; 0 when out of memory. */
uint64_t cnn_graph_arena_bytes (const CnnGraph *g, int threads);
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
