/* graph_plan.c — one arena for all run-time values, planned by liveness.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every run-time value (graph inputs and outputs of live nodes) lives from
 * the step that defines it to its last reader (graph inputs from step -1
 * to the end, so a run never overwrites its input; graph outputs to the
 * end). Values are placed largest first at the lowest
 * 64-byte-aligned offset that overlaps no placed value alive at the same
 * time (greedy first fit). Op scratch is added per session after the
 * activations (cnn_graph_scratch_bytes).
 */
#include "graph.h"
#include "ops/ops.h"

#include <stdlib.h>

typedef struct {
  int value;
  int first, last;     /* live step interval, inclusive */
  uint64_t bytes;      /* aligned size */
  uint64_t offset;
} PlanItem;

static int
by_size_desc (const void *a, const void *b)
{
  const PlanItem *x = a, *y = b;
  if (x->bytes != y->bytes)
    return x->bytes < y->bytes ? 1 : -1;
  return x->value - y->value;
}

/* Collects run-time values and their lifetimes into items. */
static int
collect (CnnGraph *g, PlanItem *items)
{
  int *first = malloc (sizeof (int) * (size_t) g->n_values);
  int *last = malloc (sizeof (int) * (size_t) g->n_values);
  if (!first || !last) {
    free (first);
    free (last);
    return -1;
  }
  for (int v = 0; v < g->n_values; v++) {
    first[v] = g->values[v].kind == CNN_VALUE_INPUT ? -1 : g->n_nodes;
    last[v] = -2;
    g->values[v].arena_offset = -1;
  }
  for (int i = 0; i < g->n_nodes; i++) {
    const CnnNode *n = &g->nodes[i];
    if (n->dead)
      continue;
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] >= 0 && last[n->inputs[k]] < i)
        last[n->inputs[k]] = i;
    for (int k = 0; k < n->n_outputs; k++)
      if (n->outputs[k] >= 0) {
        first[n->outputs[k]] = i;
        if (last[n->outputs[k]] < i)
          last[n->outputs[k]] = i;
      }
  }
  for (int k = 0; k < g->n_outputs; k++)
    last[g->outputs[k]] = g->n_nodes;
  /* Inputs stay intact for the whole run: callers may run again on the
   * same input without rewriting it. */
  for (int k = 0; k < g->n_inputs; k++)
    last[g->inputs[k]] = g->n_nodes;
  int n = 0;
  for (int v = 0; v < g->n_values; v++) {
    const CnnValue *val = &g->values[v];
    if (val->kind == CNN_VALUE_CONST || last[v] < -1 || first[v] > last[v])
      continue;
    items[n].value = v;
    items[n].first = first[v];
    items[n].last = last[v];
    items[n].bytes = cnn_align_up ((uint64_t) cnn_numel (&val->info)
        * cnn_dtype_size (val->info.dtype));
    items[n].offset = 0;
    n++;
  }
  free (first);
  free (last);
  return n;
}

static int
by_offset (const void *a, const void *b)
{
  const PlanItem *x = *(PlanItem *const *) a, *y = *(PlanItem *const *) b;
  return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Lowest offset for items[i] clear of the already placed items[0..i) that
 * are alive at the same time; conflicts is scratch for i pointers. */
static uint64_t
first_fit (const PlanItem *items, int i, const PlanItem **conflicts)
{
  int n = 0;
  for (int j = 0; j < i; j++)
    if (items[j].first <= items[i].last && items[i].first <= items[j].last)
      conflicts[n++] = &items[j];
  qsort (conflicts, (size_t) n, sizeof *conflicts, by_offset);
  uint64_t offset = 0;
  for (int j = 0; j < n; j++) {
    if (offset + items[i].bytes <= conflicts[j]->offset)
      break;
    if (conflicts[j]->offset + conflicts[j]->bytes > offset)
      offset = conflicts[j]->offset + conflicts[j]->bytes;
  }
  return offset;
}

CnnStatus
cnn_graph_plan (CnnGraph *g, uint64_t *arena_bytes_out, CnnDiag *d)
{
  PlanItem *items = malloc (sizeof (PlanItem) * (size_t) (g->n_values + 1));
  const PlanItem **conflicts = malloc (sizeof (PlanItem *)
      * (size_t) (g->n_values + 1));
  if (!items || !conflicts) {
    free (items);
    free (conflicts);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory planning");
  }
  int n = collect (g, items);
  if (n < 0) {
    free (items);
    free (conflicts);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory planning");
  }
  qsort (items, (size_t) n, sizeof *items, by_size_desc);
  uint64_t total = 0;
  for (int i = 0; i < n; i++) {
    items[i].offset = first_fit (items, i, conflicts);
    g->values[items[i].value].arena_offset = (int64_t) items[i].offset;
    if (items[i].offset + items[i].bytes > total)
      total = items[i].offset + items[i].bytes;
  }
  free (items);
  free (conflicts);
  *arena_bytes_out = total;
  return CNN_OK;
}

size_t
cnn_graph_scratch_bytes (const CnnGraph *g, int threads)
{
  size_t most = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    const CnnNode *n = &g->nodes[i];
    if (n->dead || !n->op->scratch_bytes)
      continue;
    size_t b = n->op->scratch_bytes (g, n, threads);
    if (b > most)
      most = b;
  }
  return most;
}
