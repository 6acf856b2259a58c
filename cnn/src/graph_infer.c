/* graph_infer.c — shape inference and constant folding.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One forward sweep in topological order: each live node's op->prepare()
 * sets its output infos; a node whose inputs are all constant is then run
 * at load time (op->run on constant data; Shape needs only the static
 * dims of its input) and its outputs become constants,
 * which folds Constant nodes, Shape→Gather→Unsqueeze→Concat→Reshape chains,
 * Identity on weights and Cast of fp16 weights. Afterwards every remaining
 * node must produce float32 (run-time tensors are float32 only).
 */
#include "graph.h"
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>

CnnStatus
cnn_graph_prepare_node (CnnGraph *g, int i, CnnDiag *d)
{
  CnnNode *n = &g->nodes[i];
  if (n->params && n->op->free_params)
    n->op->free_params (n->params);
  n->params = NULL;
  for (int k = 0; k < n->n_outputs; k++)
    if (n->outputs[k] >= 0)
      g->values[n->outputs[k]].shape_known = false;
  CnnStatus st = n->op->prepare (g, n, d);
  if (st == CNN_OK) {
    for (int k = 0; k < n->n_outputs; k++) {
      const CnnValue *v = cnn_node_output (g, n, k);
      if (v && !v->shape_known) {
        st = cnn_fail (d, CNN_ERR_UNSUPPORTED,
            "output %d ('%s') has no inferred shape", k, v->name);
        break;
      }
      if (v && cnn_numel (&v->info) < 0) {
        st = cnn_fail (d, CNN_ERR_SHAPE, "output '%s' has an invalid size",
            v->name);
        break;
      }
    }
  }
  if (st != CNN_OK)
    cnn_diag_prefix_node (d, i, n->op_type, n->name);
  return st;
}

/* True when the node's outputs can be computed at load time: every input
 * is constant, or the node is Shape (it reads only the static dims). */
static bool
foldable (const CnnGraph *g, const CnnNode *n)
{
  if (strcmp (n->op_type, "Shape") == 0)
    return true;
  for (int k = 0; k < n->n_inputs; k++) {
    int v = n->inputs[k];
    if (v >= 0 && g->values[v].kind != CNN_VALUE_CONST)
      return false;
  }
  return true;
}

/* Runs node i on constant inputs and turns its outputs into constants. */
static CnnStatus
fold_node (CnnGraph *g, int i, void **ptr, uint64_t *const_bytes,
    uint64_t max_const_bytes, CnnDiag *d)
{
  CnnNode *n = &g->nodes[i];
  CnnStatus st = CNN_OK;
  for (int k = 0; k < n->n_outputs && st == CNN_OK; k++) {
    CnnValue *v = cnn_node_output (g, n, k);
    if (!v)
      continue;
    size_t bytes = (size_t) cnn_numel (&v->info) * cnn_dtype_size (v->info.dtype);
    *const_bytes += bytes;
    if (max_const_bytes && *const_bytes > max_const_bytes)
      st = cnn_fail (d, CNN_ERR_LIMIT, "constant data exceeds the memory "
          "limit of %llu bytes", (unsigned long long) max_const_bytes);
    else if (!(v->data = calloc (1, bytes ? bytes : 1)))
      st = cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory folding '%s'",
          v->name);
  }
  size_t scratch_bytes = n->op->scratch_bytes
      ? n->op->scratch_bytes (g, n, 1) : 0;
  void *scratch = NULL;
  if (st == CNN_OK && scratch_bytes
      && !(scratch = aligned_alloc (CNN_ARENA_ALIGN,
              cnn_align_up (scratch_bytes))))
    st = cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory folding");
  if (st == CNN_OK) {
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] >= 0)
        ptr[n->inputs[k]] = g->values[n->inputs[k]].data;
    for (int k = 0; k < n->n_outputs; k++)
      if (n->outputs[k] >= 0)
        ptr[n->outputs[k]] = g->values[n->outputs[k]].data;
    CnnExec exec = { ptr, scratch, scratch_bytes, NULL, 1 };
    st = n->op->run (g, n, &exec, d);
  }
  free (scratch);
  if (st != CNN_OK) {
    cnn_diag_prefix_node (d, i, n->op_type, n->name);
    return st;
  }
  for (int k = 0; k < n->n_outputs; k++) {
    CnnValue *v = cnn_node_output (g, n, k);
    if (v) {
      v->kind = CNN_VALUE_CONST;
      v->producer = -1;
    }
  }
  if (n->params && n->op->free_params)
    n->op->free_params (n->params);
  n->params = NULL;
  n->dead = true;
  return CNN_OK;
}

static CnnStatus
check_runtime_types (CnnGraph *g, int i, CnnDiag *d)
{
  CnnNode *n = &g->nodes[i];
  for (int k = 0; k < n->n_outputs; k++) {
    const CnnValue *v = cnn_node_output (g, n, k);
    if (v && v->info.dtype != CNN_DTYPE_FLOAT32) {
      cnn_fail (d, CNN_ERR_UNSUPPORTED, "output '%s' would be computed at "
          "run time with a non-float32 type (%d); only float32 tensors "
          "flow at run time", v->name, (int) v->info.dtype);
      cnn_diag_prefix_node (d, i, n->op_type, n->name);
      return d->status;
    }
  }
  return CNN_OK;
}

CnnStatus
cnn_graph_infer (CnnGraph *g, uint64_t max_const_bytes, CnnDiag *d)
{
  uint64_t const_bytes = 0;
  for (int v = 0; v < g->n_values; v++) {
    CnnValue *val = &g->values[v];
    if (val->kind == CNN_VALUE_ACT) {
      val->shape_known = false;
    } else {
      val->shape_known = true;
      if (val->kind == CNN_VALUE_CONST)
        const_bytes += (uint64_t) cnn_numel (&val->info)
            * cnn_dtype_size (val->info.dtype);
    }
  }
  void **ptr = calloc ((size_t) g->n_values + 1, sizeof (void *));
  if (!ptr)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  CnnStatus st = CNN_OK;
  for (int i = 0; i < g->n_nodes && st == CNN_OK; i++) {
    if (g->nodes[i].dead)
      continue;
    st = cnn_graph_prepare_node (g, i, d);
    if (st != CNN_OK)
      break;
    if (foldable (g, &g->nodes[i]))
      st = fold_node (g, i, ptr, &const_bytes, max_const_bytes, d);
    else
      st = check_runtime_types (g, i, d);
  }
  free (ptr);
  return st;
}
