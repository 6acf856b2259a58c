/* op_harness.c — one-node graphs for operator tests.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See op_harness.h. Test code: allocation failures abort the test run.
 */
#include "op_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
xalloc (size_t n)
{
  void *p = calloc (1, n ? n : 1);
  if (!p) {
    fprintf (stderr, "out of memory\n");
    exit (1);
  }
  return p;
}

OpCase *
oc_new (const char *op_type, int64_t opset)
{
  OpCase *c = xalloc (sizeof *c);
  cnn_graph_init (&c->g);
  c->g.opset = opset;
  c->node = cnn_graph_add_node (&c->g);
  CnnNode *n = &c->g.nodes[c->node];
  n->op_type = strdup (op_type);
  n->name = strdup ("test");
  n->domain = strdup ("");
  n->inputs = xalloc (sizeof (int) * OC_MAX_VALUES);
  n->outputs = xalloc (sizeof (int) * OC_MAX_VALUES);
  n->attrs = xalloc (sizeof (CnnAttr) * 16);
  n->op = cnn_op_lookup (op_type);
  return c;
}

void
oc_free (OpCase *c)
{
  for (int i = 0; i < OC_MAX_VALUES; i++)
    free (c->buf[i]);
  cnn_graph_clear (&c->g);
  if (c->pool)
    cnn_threadpool_free (c->pool);
  free (c);
}

int
oc_input (OpCase *c, CnnDType dtype, int rank, const int64_t *dims,
    const void *data, bool constant)
{
  char name[32];
  snprintf (name, sizeof name, "in%d", c->g.n_values);
  int v = cnn_graph_add_value (&c->g, name,
      constant ? CNN_VALUE_CONST : CNN_VALUE_INPUT);
  CnnValue *val = &c->g.values[v];
  val->info.dtype = dtype;
  val->info.rank = rank;
  for (int i = 0; i < rank; i++)
    val->info.dims[i] = dims[i];
  val->shape_known = true;
  size_t bytes = (size_t) cnn_numel (&val->info) * cnn_dtype_size (dtype);
  void *copy = xalloc (bytes);
  if (data)
    memcpy (copy, data, bytes);
  if (constant)
    val->data = copy;
  else
    c->buf[v] = copy;
  CnnNode *n = &c->g.nodes[c->node];
  n->inputs[n->n_inputs++] = v;
  return v;
}

void
oc_input_absent (OpCase *c)
{
  CnnNode *n = &c->g.nodes[c->node];
  n->inputs[n->n_inputs++] = -1;
}

void
oc_output (OpCase *c)
{
  char name[32];
  snprintf (name, sizeof name, "out%d", c->g.n_values);
  int v = cnn_graph_add_value (&c->g, name, CNN_VALUE_ACT);
  c->g.values[v].producer = c->node;
  CnnNode *n = &c->g.nodes[c->node];
  n->outputs[n->n_outputs++] = v;
}

void
oc_output_absent (OpCase *c)
{
  CnnNode *n = &c->g.nodes[c->node];
  n->outputs[n->n_outputs++] = -1;
}

static CnnAttr *
add_attr (OpCase *c, const char *name, CnnAttrType type)
{
  CnnNode *n = &c->g.nodes[c->node];
  CnnAttr *a = &n->attrs[n->n_attrs++];
  a->name = strdup (name);
  a->type = type;
  return a;
}

void
oc_attr_int (OpCase *c, const char *name, int64_t v)
{
  add_attr (c, name, CNN_ATTR_INT)->i = v;
}

void
oc_attr_float (OpCase *c, const char *name, float v)
{
  add_attr (c, name, CNN_ATTR_FLOAT)->f = v;
}

void
oc_attr_ints (OpCase *c, const char *name, const int64_t *v, size_t n)
{
  CnnAttr *a = add_attr (c, name, CNN_ATTR_INTS);
  a->ints = xalloc (n * sizeof *v);
  memcpy (a->ints, v, n * sizeof *v);
  a->n = n;
}

void
oc_attr_floats (OpCase *c, const char *name, const float *v, size_t n)
{
  CnnAttr *a = add_attr (c, name, CNN_ATTR_FLOATS);
  a->floats = xalloc (n * sizeof *v);
  memcpy (a->floats, v, n * sizeof *v);
  a->n = n;
}

void
oc_attr_string (OpCase *c, const char *name, const char *s)
{
  add_attr (c, name, CNN_ATTR_STRING)->s = strdup (s);
}

void
oc_attr_tensor (OpCase *c, const char *name, CnnDType dtype, int rank,
    const int64_t *dims, const void *data)
{
  CnnAttr *a = add_attr (c, name, CNN_ATTR_TENSOR);
  a->t = xalloc (sizeof *a->t);
  a->t->info.dtype = dtype;
  a->t->info.rank = rank;
  for (int i = 0; i < rank; i++)
    a->t->info.dims[i] = dims[i];
  size_t bytes = (size_t) cnn_numel (&a->t->info) * cnn_dtype_size (dtype);
  a->t->data = xalloc (bytes);
  memcpy (a->t->data, data, bytes);
}

void
oc_threads (OpCase *c, int n)
{
  c->pool = cnn_threadpool_new (n);
}

CnnStatus
oc_prepare (OpCase *c)
{
  CnnNode *n = &c->g.nodes[c->node];
  cnn_diag_reset (&c->d);
  if (!n->op)
    return cnn_fail (&c->d, CNN_ERR_UNSUPPORTED, "no op %s", n->op_type);
  if (n->params && n->op->free_params)
    n->op->free_params (n->params);
  n->params = NULL;
  return n->op->prepare (&c->g, n, &c->d);
}

CnnStatus
oc_run (OpCase *c)
{
  CnnNode *n = &c->g.nodes[c->node];
  CnnStatus s = oc_prepare (c);
  if (s != CNN_OK)
    return s;
  void *ptr[OC_MAX_VALUES] = { 0 };
  for (int v = 0; v < c->g.n_values; v++)
    ptr[v] = c->g.values[v].kind == CNN_VALUE_CONST ? c->g.values[v].data
        : c->buf[v];
  for (int k = 0; k < n->n_outputs; k++) {
    int v = n->outputs[k];
    if (v < 0)
      continue;
    const CnnTensorInfo *info = &c->g.values[v].info;
    free (c->buf[v]);
    c->buf[v] = xalloc ((size_t) cnn_numel (info) *
        cnn_dtype_size (info->dtype));
    ptr[v] = c->buf[v];
  }
  size_t sb = n->op->scratch_bytes ?
      n->op->scratch_bytes (&c->g, n, cnn_threadpool_size (c->pool)) : 0;
  void *scratch = sb ? aligned_alloc (64, (sb + 63) & ~(size_t) 63) : NULL;
  CnnExec exec = { ptr, scratch, sb, c->pool, cnn_threadpool_size (c->pool) };
  s = n->op->run (&c->g, n, &exec, &c->d);
  free (scratch);
  return s;
}

const CnnTensorInfo *
oc_out_info (OpCase *c, int i)
{
  return &c->g.values[c->g.nodes[c->node].outputs[i]].info;
}

void *
oc_out (OpCase *c, int i)
{
  return c->buf[c->g.nodes[c->node].outputs[i]];
}

bool
oc_out_dims_are (OpCase *c, int i, int rank, const int64_t *dims)
{
  const CnnTensorInfo *info = oc_out_info (c, i);
  if (info->rank != rank)
    return false;
  for (int k = 0; k < rank; k++)
    if (info->dims[k] != dims[k])
      return false;
  return true;
}

void
oc_fill_random (float *x, size_t n, unsigned seed)
{
  uint32_t s = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float) ((s >> 8) & 0xffff) / 32768.0f - 1.0f;
  }
}
