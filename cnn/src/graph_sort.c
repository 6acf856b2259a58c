/* graph_sort.c — topological order of the graph's nodes.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Kahn's algorithm over value producers. Nodes keep their file order where
 * the data flow allows. A node that never becomes ready is part of a cycle
 * (or depends on one) and the graph is rejected, naming that node. After
 * sorting, value->producer holds the new node indices.
 */
#include "graph.h"

#include <stdlib.h>
#include <string.h>

/* Number of inputs of node n produced by other nodes (its in-degree). */
static int
count_pending (const CnnGraph *g, const CnnNode *n)
{
  int pending = 0;
  for (int k = 0; k < n->n_inputs; k++) {
    int v = n->inputs[k];
    if (v >= 0 && g->values[v].producer >= 0)
      pending++;
  }
  return pending;
}

static CnnStatus
check_values (const CnnGraph *g, CnnDiag *d)
{
  for (int i = 0; i < g->n_values; i++) {
    const CnnValue *v = &g->values[i];
    if (v->kind == CNN_VALUE_ACT && v->producer < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "value '%s' is used but nothing produces it", v->name);
  }
  return CNN_OK;
}

/* Consumers as a CSR list: for value v, cons[start[v] .. start[v+1]). */
static CnnStatus
build_consumers (const CnnGraph *g, int **start_out, int **cons_out,
    CnnDiag *d)
{
  int *start = calloc ((size_t) g->n_values + 1, sizeof (int));
  int total = 0;
  if (!start)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory sorting graph");
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_inputs; k++)
      if (g->nodes[i].inputs[k] >= 0) {
        start[g->nodes[i].inputs[k] + 1]++;
        total++;
      }
  for (int v = 0; v < g->n_values; v++)
    start[v + 1] += start[v];
  int *cons = malloc (sizeof (int) * (size_t) (total ? total : 1));
  int *fill = calloc ((size_t) g->n_values, sizeof (int));
  if (!cons || !fill) {
    free (start);
    free (cons);
    free (fill);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory sorting graph");
  }
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_inputs; k++) {
      int v = g->nodes[i].inputs[k];
      if (v >= 0)
        cons[start[v] + fill[v]++] = i;
    }
  free (fill);
  *start_out = start;
  *cons_out = cons;
  return CNN_OK;
}

static CnnStatus
apply_order (CnnGraph *g, const int *order, CnnDiag *d)
{
  CnnNode *sorted = malloc (sizeof (CnnNode) * (size_t) g->n_nodes);
  if (!sorted)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory sorting graph");
  for (int i = 0; i < g->n_nodes; i++)
    sorted[i] = g->nodes[order[i]];
  memcpy (g->nodes, sorted, sizeof (CnnNode) * (size_t) g->n_nodes);
  free (sorted);
  for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_outputs; k++)
      if (g->nodes[i].outputs[k] >= 0)
        g->values[g->nodes[i].outputs[k]].producer = i;
  return CNN_OK;
}

CnnStatus
cnn_graph_sort (CnnGraph *g, CnnDiag *d)
{
  CnnStatus st = check_values (g, d);
  if (st != CNN_OK || g->n_nodes == 0)
    return st;
  int *start = NULL, *cons = NULL;
  if ((st = build_consumers (g, &start, &cons, d)) != CNN_OK)
    return st;
  int *pending = malloc (sizeof (int) * (size_t) g->n_nodes);
  int *order = malloc (sizeof (int) * (size_t) g->n_nodes);
  if (!pending || !order) {
    st = cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory sorting graph");
    goto out;
  }
  int n_order = 0;
  for (int i = 0; i < g->n_nodes; i++)
    if ((pending[i] = count_pending (g, &g->nodes[i])) == 0)
      order[n_order++] = i;
  /* order[] doubles as the queue: nodes are appended when ready. */
  for (int head = 0; head < n_order; head++) {
    const CnnNode *n = &g->nodes[order[head]];
    for (int k = 0; k < n->n_outputs; k++) {
      int v = n->outputs[k];
      if (v < 0)
        continue;
      for (int c = start[v]; c < start[v + 1]; c++)
        if (--pending[cons[c]] == 0)
          order[n_order++] = cons[c];
    }
  }
  if (n_order < g->n_nodes) {
    for (int i = 0; i < g->n_nodes; i++)
      if (pending[i] > 0) {
        st = cnn_fail (d, CNN_ERR_INVALID_MODEL,
            "graph has a cycle: node %d (%s '%s') is on or behind a cycle",
            i, g->nodes[i].op_type, g->nodes[i].name);
        break;
      }
    goto out;
  }
  st = apply_order (g, order, d);
out:
  free (pending);
  free (order);
  free (start);
  free (cons);
  return st;
}
