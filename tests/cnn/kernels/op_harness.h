/* op_harness.h — build a one-node graph by hand and run an operator.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For the kernel/operator tests of this folder: values and a node are
 * added with the ir.h helpers, the node is prepared (twice, as the graph
 * passes do), optionally packed (h_pack, as at the end of loading) and run with a real thread pool and scratch sized by the
 * op's scratch_bytes. Test-only code: aborts the test on allocation
 * failure.
 */
#ifndef CNN_TEST_OP_HARNESS_H
#define CNN_TEST_OP_HARNESS_H

#include "ops/ops.h"
#include "kernels/cpu.h"
#include "check.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deterministic pseudo-random floats in [-1, 1). */
static inline float
h_rand (uint32_t *state)
{
  *state = *state * 1664525u + 1013904223u;
  return (float) ((*state >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static inline float *
h_rand_array (size_t n, uint32_t seed)
{
  float *a = malloc (sizeof (float) * (n ? n : 1));
  if (!a)
    abort ();
  for (size_t i = 0; i < n; i++)
    a[i] = h_rand (&seed);
  return a;
}

/* Adds a float32 value; data (numel floats) is copied when not NULL. */
static inline int
h_value (CnnGraph *g, const char *name, CnnValueKind kind, int rank,
    const int64_t *dims, const float *data)
{
  int v = cnn_graph_add_value (g, name, kind);
  if (v < 0)
    abort ();
  CnnValue *val = &g->values[v];
  val->info.dtype = CNN_DTYPE_FLOAT32;
  val->info.rank = rank;
  for (int i = 0; i < rank; i++)
    val->info.dims[i] = dims[i];
  val->shape_known = kind != CNN_VALUE_ACT;
  if (data) {
    size_t bytes = sizeof (float) * (size_t) cnn_numel (&val->info);
    val->data = malloc (bytes ? bytes : 1);
    if (!val->data)
      abort ();
    memcpy (val->data, data, bytes);
  }
  return v;
}

/* Adds a node of op_type (looked up in table) with the given value
 * indices; returns the node index. */
static inline int
h_node (CnnGraph *g, const CnnOpDef *table, const char *op_type,
    int n_in, const int *in, int n_out, const int *out)
{
  int i = cnn_graph_add_node (g);
  if (i < 0)
    abort ();
  CnnNode *n = &g->nodes[i];
  n->name = strdup ("test");
  n->op_type = strdup (op_type);
  n->domain = strdup ("");
  n->n_inputs = n_in;
  n->inputs = malloc (sizeof (int) * (size_t) (n_in ? n_in : 1));
  n->n_outputs = n_out;
  n->outputs = malloc (sizeof (int) * (size_t) (n_out ? n_out : 1));
  if (!n->name || !n->op_type || !n->domain || !n->inputs || !n->outputs)
    abort ();
  memcpy (n->inputs, in, sizeof (int) * (size_t) n_in);
  memcpy (n->outputs, out, sizeof (int) * (size_t) n_out);
  for (const CnnOpDef *def = table; def->op_type; def++)
    if (strcmp (def->op_type, op_type) == 0)
      n->op = def;
  if (!n->op)
    abort ();
  for (int k = 0; k < n_out; k++)
    if (out[k] >= 0)
      g->values[out[k]].producer = i;
  return i;
}

static inline CnnAttr *
h_attr_new (CnnNode *n, const char *name, CnnAttrType type)
{
  CnnAttr *a = realloc (n->attrs, sizeof (CnnAttr) * (size_t) (n->n_attrs + 1));
  if (!a)
    abort ();
  n->attrs = a;
  a = &n->attrs[n->n_attrs++];
  memset (a, 0, sizeof *a);
  a->name = strdup (name);
  a->type = type;
  return a;
}

static inline void
h_attr_int (CnnNode *n, const char *name, int64_t v)
{
  h_attr_new (n, name, CNN_ATTR_INT)->i = v;
}

static inline void
h_attr_float (CnnNode *n, const char *name, float v)
{
  h_attr_new (n, name, CNN_ATTR_FLOAT)->f = v;
}

static inline void
h_attr_string (CnnNode *n, const char *name, const char *s)
{
  h_attr_new (n, name, CNN_ATTR_STRING)->s = strdup (s);
}

static inline void
h_attr_ints (CnnNode *n, const char *name, int count, const int64_t *v)
{
  CnnAttr *a = h_attr_new (n, name, CNN_ATTR_INTS);
  a->ints = malloc (sizeof (int64_t) * (size_t) (count ? count : 1));
  if (!a->ints)
    abort ();
  memcpy (a->ints, v, sizeof (int64_t) * (size_t) count);
  a->n = (size_t) count;
}

/* Prepares node ni twice (as the fusion pass does) and leaves the status
 * and message in d. */
static inline CnnStatus
h_prepare (CnnGraph *g, int ni, CnnDiag *d)
{
  CnnNode *n = &g->nodes[ni];
  cnn_diag_reset (d);
  for (int pass = 0; pass < 2; pass++) {
    if (n->params && n->op->free_params)
      n->op->free_params (n->params);
    n->params = NULL;
    CnnStatus st = n->op->prepare (g, n, d);
    if (st != CNN_OK)
      return st;
  }
  return CNN_OK;
}

/* The end-of-load packing of a prepared node (op->pack, if the op has
 * one; the caller must have counted uses: a value made by h_value has
 * n_uses 0, so the harness counts this node's inputs first). Returns the
 * status; *bytes = what the op packed. */
static inline CnnStatus
h_pack (CnnGraph *g, int ni, uint64_t *bytes, CnnDiag *d)
{
  CnnNode *n = &g->nodes[ni];
  *bytes = 0;
  cnn_diag_reset (d);
  if (!n->op->pack)
    return CNN_OK;
  for (int k = 0; k < n->n_inputs; k++)
    if (n->inputs[k] >= 0)
      g->values[n->inputs[k]].n_uses++;
  return n->op->pack (g, n, bytes, d);
}

/* Runs a prepared node with `threads` threads as the session's run number
 * `run` (0 = its first: CnnExec.runs). inputs[k] feeds the node's k-th
 * input when the value is not constant (NULL: use its data); outputs must
 * be allocated by the caller (out[k] for output k). */
static inline CnnStatus
h_run_nth (CnnGraph *g, int ni, int threads, uint64_t run,
    float *const *inputs, float *const *outputs, CnnDiag *d)
{
  CnnNode *n = &g->nodes[ni];
  void **ptr = calloc ((size_t) g->n_values, sizeof (void *));
  if (!ptr)
    abort ();
  for (int k = 0; k < n->n_inputs; k++) {
    int v = n->inputs[k];
    if (v >= 0)
      ptr[v] = inputs && inputs[k] ? (void *) inputs[k] : g->values[v].data;
  }
  for (int k = 0; k < n->n_outputs; k++)
    if (n->outputs[k] >= 0)
      ptr[n->outputs[k]] = outputs[k];
  size_t sb = n->op->scratch_bytes ? n->op->scratch_bytes (g, n, threads) : 0;
  void *scratch = sb ? aligned_alloc (64, (sb + 63) / 64 * 64) : NULL;
  CnnThreadPool *pool = threads > 1 ? cnn_threadpool_new (threads) : NULL;
  if ((sb && !scratch) || (threads > 1 && !pool))
    abort ();
  CnnExec exec = { ptr, scratch, sb, pool, threads, run };
  cnn_diag_reset (d);
  CnnStatus st = n->op->run (g, n, &exec, d);
  cnn_threadpool_free (pool);
  free (scratch);
  free (ptr);
  return st;
}

/* h_run_nth as a session's first run. */
static inline CnnStatus
h_run (CnnGraph *g, int ni, int threads, float *const *inputs,
    float *const *outputs, CnnDiag *d)
{
  return h_run_nth (g, ni, threads, 0, inputs, outputs, d);
}

/* The status of preparing a fused node (graph_fuse.c's domains): at the
 * portable level (no SIMD kernels) it must be refused with a message
 * saying the two cannot run together, else prepared. True when the node
 * is prepared and the test goes on to run it. */
static inline bool
h_fused_prepared (CnnStatus st, const CnnDiag *d, const char *what)
{
  if (cnn_cpu_level () < CNN_CPU_AVX2) {
    CHECK_MSG (st == CNN_ERR_UNSUPPORTED && strstr (d->message, "cannot run "
            "together"), "%s: portable level: got %d '%s'", what, (int) st,
        d->message);
    return false;
  }
  CHECK_MSG (st == CNN_OK, "%s: prepare: %s", what, d->message);
  return st == CNN_OK;
}

/* y = act (y) in plain C for ir.h's fused activations (the reference the
 * kernels' fused epilogues are checked against). */
static inline void
h_act_ref (float *y, size_t n, const CnnFusedAct *act)
{
  for (size_t i = 0; i < n; i++) {
    float v = y[i];
    if (act->kind == CNN_ACT_RELU)
      v = v < 0 ? 0 : v;
    else if (act->kind == CNN_ACT_CLIP)
      v = v < act->alpha ? act->alpha : v > act->beta ? act->beta : v;
    else if (act->kind == CNN_ACT_LEAKY_RELU)
      v = v < 0 ? act->alpha * v : v;
    y[i] = v;
  }
}

/* numel of value v. */
static inline size_t
h_numel (const CnnGraph *g, int v)
{
  return (size_t) cnn_numel (&g->values[v].info);
}

#endif /* CNN_TEST_OP_HARNESS_H */
