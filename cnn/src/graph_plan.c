/* graph_plan.c — one arena for all run-time values and op scratch, planned
 * by liveness.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every run-time value (graph inputs and outputs of live nodes) lives from
 * the step that defines it to its last reader (graph inputs from step -1
 * to the end, so a run never overwrites its input; graph outputs to the
 * end). At one thread a node's scratch (op->scratch_bytes) lives at its
 * own step only, so it reuses the bytes of values dead by then: small28's
 * Winograd scratch sits where its stem's output was (one-thread arenas:
 * small28 0.43 -> 0.38 MiB, SqueezeNet 3.40 -> 2.72, ResNet-50 9.58 ->
 * 7.67). At several threads the nodes share one
 * scratch region, alive all run (see collect_scratch). Items are placed
 * largest first at the lowest
 * 64-byte-aligned offset that overlaps no placed item alive at the same
 * time (greedy first fit).
 *
 * Concat without a copy: when nothing precedes the axis (batch 1 along
 * channels), each input is a contiguous slice of the output. An input
 * read by that Concat only (not a graph input or output, produced by a
 * node other than a Concat, listed once) becomes a view of its slice: it
 * gets no place of its own, its producer writes straight into the output,
 * whose lifetime starts at the first such producer, and run_concat skips
 * the slices already in place (ops/layout.c).
 */
#include "graph.h"
#include "ops/ops.h"

#include <stdlib.h>
#include <string.h>

/* A value living inside another one: view_of[v] = host value or -1. */
typedef struct {
  int *view_of;
  int64_t *view_offset;  /* bytes from the host's start */
} Views;

static bool
is_concat (const CnnNode *n)
{
  return !n->dead && n->op && strcmp (n->op->op_type, "Concat") == 0;
}

/* Readers of each value among live nodes, graph outputs counted. */
static void
count_readers (const CnnGraph *g, int *readers)
{
  memset (readers, 0, sizeof (int) * (size_t) g->n_values);
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].n_inputs; k++)
      if (g->nodes[i].inputs[k] >= 0)
        readers[g->nodes[i].inputs[k]]++;
  for (int k = 0; k < g->n_outputs; k++)
    readers[g->outputs[k]]++;
}

/* Marks the inputs of one Concat that can be views of its output. */
static void
concat_views (const CnnGraph *g, const CnnNode *n, const int *readers,
    Views *vw)
{
  int out = n->outputs[0];
  const CnnTensorInfo *oi = &g->values[out].info;
  int axis = (int) cnn_node_attr_int (n, "axis", 0);
  axis = axis < 0 ? axis + oi->rank : axis;
  for (int d = 0; d < axis; d++)
    if (oi->dims[d] != 1)
      return;
  int64_t offset = 0;
  for (int k = 0; k < n->n_inputs; k++) {
    int v = n->inputs[k];
    const CnnValue *val = &g->values[v];
    bool ok = val->kind == CNN_VALUE_ACT && !val->is_output
        && readers[v] == 1 && val->producer >= 0
        && !is_concat (&g->nodes[val->producer]);
    if (ok) {
      vw->view_of[v] = out;
      vw->view_offset[v] = offset;
    }
    offset += (int64_t) cnn_numel (&val->info)
        * (int64_t) cnn_dtype_size (val->info.dtype);
  }
}

static void
find_views (const CnnGraph *g, int *readers, Views *vw)
{
  for (int v = 0; v < g->n_values; v++)
    vw->view_of[v] = -1;
  count_readers (g, readers);
  for (int i = 0; i < g->n_nodes; i++)
    if (is_concat (&g->nodes[i]) && g->nodes[i].outputs[0] >= 0)
      concat_views (g, &g->nodes[i], readers, vw);
}

typedef struct {
  int value;           /* value index, or -1: the scratch of node */
  int node;
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
  return x->value != y->value ? x->value - y->value : x->node - y->node;
}

/* Collects run-time values and their lifetimes into items. */
static int
collect_values (const CnnGraph *g, const Views *vw, PlanItem *items)
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
  /* a host lives from the first write of any of its views */
  for (int v = 0; v < g->n_values; v++)
    if (vw->view_of[v] >= 0 && first[v] < first[vw->view_of[v]])
      first[vw->view_of[v]] = first[v];
  int n = 0;
  for (int v = 0; v < g->n_values; v++) {
    const CnnValue *val = &g->values[v];
    if (val->kind == CNN_VALUE_CONST || last[v] < -1 || first[v] > last[v]
        || vw->view_of[v] >= 0)
      continue;
    items[n].value = v;
    items[n].node = -1;
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

/* Adds the scratch items for threads to items; returns their count. One
 * thread: one item per node with scratch, alive at its step only. Several
 * threads: one item of the largest size, alive all run, which every node
 * uses: with scratch spread over the arena a thread's scratch lines were
 * often lines the other core had just written (MobileNetV2 took 1.01x the
 * time at two threads). */
static int
collect_scratch (const CnnGraph *g, int threads, PlanItem *items,
    CnnArenaPlan *plan)
{
  int n = 0;
  uint64_t most = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    const CnnNode *node = &g->nodes[i];
    size_t b = node->dead || !node->op->scratch_bytes ? 0
        : node->op->scratch_bytes (g, node, threads);
    if (b == 0)
      continue;
    plan->scratch_bytes[i] = (size_t) cnn_align_up (b);
    most = plan->scratch_bytes[i] > most ? plan->scratch_bytes[i] : most;
    if (threads == 1)
      items[n++] = (PlanItem) { .value = -1, .node = i, .first = i,
        .last = i, .bytes = plan->scratch_bytes[i] };
  }
  if (threads > 1 && most > 0)
    items[n++] = (PlanItem) { .value = -1, .node = -1, .first = -1,
      .last = g->n_nodes, .bytes = most };
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

static bool
plan_alloc (CnnArenaPlan *plan, const CnnGraph *g)
{
  memset (plan, 0, sizeof *plan);
  plan->value_offset = malloc (sizeof (int64_t) * ((size_t) g->n_values + 1));
  plan->scratch_offset = malloc (sizeof (int64_t) * ((size_t) g->n_nodes + 1));
  plan->scratch_bytes = malloc (sizeof (size_t) * ((size_t) g->n_nodes + 1));
  if (!plan->value_offset || !plan->scratch_offset || !plan->scratch_bytes)
    return false;
  for (int v = 0; v < g->n_values; v++)
    plan->value_offset[v] = -1;
  for (int i = 0; i < g->n_nodes; i++) {
    plan->scratch_offset[i] = -1;
    plan->scratch_bytes[i] = 0;
  }
  return true;
}

/* Places items[0..n) and records their offsets in plan. */
static void
place (PlanItem *items, int n, int g_nodes, const PlanItem **conflicts,
    CnnArenaPlan *plan)
{
  qsort (items, (size_t) n, sizeof *items, by_size_desc);
  for (int i = 0; i < n; i++) {
    items[i].offset = first_fit (items, i, conflicts);
    if (items[i].value >= 0)
      plan->value_offset[items[i].value] = (int64_t) items[i].offset;
    else if (items[i].node >= 0)
      plan->scratch_offset[items[i].node] = (int64_t) items[i].offset;
    else                        /* the scratch all nodes share */
      for (int k = 0; k < g_nodes; k++)
        if (plan->scratch_bytes[k] > 0)
          plan->scratch_offset[k] = (int64_t) items[i].offset;
    if (items[i].offset + items[i].bytes > plan->bytes)
      plan->bytes = items[i].offset + items[i].bytes;
  }
}

CnnStatus
cnn_graph_plan (const CnnGraph *g, int threads, CnnArenaPlan *plan,
    CnnDiag *d)
{
  size_t ni = (size_t) g->n_values + (size_t) g->n_nodes + 1;
  size_t nv = (size_t) g->n_values + 1;
  PlanItem *items = malloc (sizeof (PlanItem) * ni);
  const PlanItem **conflicts = malloc (sizeof (PlanItem *) * ni);
  int *readers = malloc (sizeof (int) * nv);
  Views vw = { malloc (sizeof (int) * nv), malloc (sizeof (int64_t) * nv) };
  int n = -1;
  if (plan_alloc (plan, g) && items && conflicts && readers && vw.view_of
      && vw.view_offset) {
    find_views (g, readers, &vw);
    n = collect_values (g, &vw, items);
  }
  if (n >= 0) {
    n += collect_scratch (g, threads, items + n, plan);
    place (items, n, g->n_nodes, conflicts, plan);
    for (int v = 0; v < g->n_values; v++)
      if (vw.view_of[v] >= 0)
        plan->value_offset[v] = plan->value_offset[vw.view_of[v]]
            + vw.view_offset[v];
  }
  free (items);
  free (conflicts);
  free (readers);
  free (vw.view_of);
  free (vw.view_offset);
  if (n < 0) {
    cnn_arena_plan_clear (plan);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory planning");
  }
  return CNN_OK;
}

void
cnn_arena_plan_clear (CnnArenaPlan *plan)
{
  free (plan->value_offset);
  free (plan->scratch_offset);
  free (plan->scratch_bytes);
  memset (plan, 0, sizeof *plan);
}

uint64_t
cnn_graph_arena_bytes (const CnnGraph *g, int threads)
{
  CnnArenaPlan plan;
  CnnDiag d;
  if (cnn_graph_plan (g, threads, &plan, &d) != CNN_OK)
    return 0;
  uint64_t bytes = plan.bytes;
  cnn_arena_plan_clear (&plan);
  return bytes;
}
