/* ir.c — construction, lookup and destruction of the graph IR.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See ir.h. Everything a CnnGraph points to is owned by it and released by
 * cnn_graph_clear(), including op params (through node->op->free_params).
 */
#include "ir.h"
#include "ops/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cnn_graph_init (CnnGraph *g)
{
  memset (g, 0, sizeof *g);
}

void
cnn_attr_clear (CnnAttr *a)
{
  free (a->name);
  free (a->s);
  free (a->floats);
  free (a->ints);
  if (a->t) {
    cnn_tensor_clear (a->t);
    free (a->t);
  }
  memset (a, 0, sizeof *a);
}

void
cnn_node_clear (CnnNode *n)
{
  if (n->params && n->op && n->op->free_params)
    n->op->free_params (n->params);
  n->params = NULL;
  for (int i = 0; i < n->n_attrs; i++)
    cnn_attr_clear (&n->attrs[i]);
  free (n->attrs);
  for (int i = 0; i < n->n_pre_attrs; i++)
    cnn_attr_clear (&n->pre_attrs[i]);
  free (n->pre_attrs);
  for (int i = 0; i < n->n_post_attrs; i++)
    cnn_attr_clear (&n->post_attrs[i]);
  free (n->post_attrs);
  free (n->name);
  free (n->op_type);
  free (n->domain);
  free (n->inputs);
  free (n->outputs);
  memset (n, 0, sizeof *n);
}

void
cnn_graph_clear (CnnGraph *g)
{
  for (int i = 0; i < g->n_nodes; i++)
    cnn_node_clear (&g->nodes[i]);
  for (int i = 0; i < g->n_values; i++) {
    free (g->values[i].name);
    free (g->values[i].data);
  }
  for (int i = 0; i < g->n_meta; i++) {
    free (g->meta[i].key);
    free (g->meta[i].value);
  }
  free (g->meta);
  free (g->nodes);
  free (g->values);
  free (g->inputs);
  free (g->outputs);
  free (g->graph_name);
  cnn_graph_init (g);
}

int
cnn_graph_find_value (const CnnGraph *g, const char *name)
{
  for (int i = 0; i < g->n_values; i++)
    if (strcmp (g->values[i].name, name) == 0)
      return i;
  return -1;
}

/* Grows *arr (of elem_size items, capacity *cap) to hold need items. */
static bool
grow (void **arr, int *cap, int need, size_t elem_size)
{
  if (need <= *cap)
    return true;
  int ncap = *cap ? *cap * 2 : 16;
  while (ncap < need)
    ncap *= 2;
  void *p = realloc (*arr, (size_t) ncap * elem_size);
  if (!p)
    return false;
  memset ((char *) p + (size_t) *cap * elem_size, 0,
      (size_t) (ncap - *cap) * elem_size);
  *arr = p;
  *cap = ncap;
  return true;
}

int
cnn_graph_add_value (CnnGraph *g, const char *name, CnnValueKind kind)
{
  if (!grow ((void **) &g->values, &g->cap_values, g->n_values + 1,
          sizeof (CnnValue)))
    return -1;
  char *copy = strdup (name ? name : "");
  if (!copy)
    return -1;
  CnnValue *v = &g->values[g->n_values];
  memset (v, 0, sizeof *v);
  v->name = copy;
  v->kind = kind;
  v->producer = -1;
  return g->n_values++;
}

int
cnn_graph_add_node (CnnGraph *g)
{
  if (!grow ((void **) &g->nodes, &g->cap_nodes, g->n_nodes + 1,
          sizeof (CnnNode)))
    return -1;
  memset (&g->nodes[g->n_nodes], 0, sizeof (CnnNode));
  return g->n_nodes++;
}

const CnnAttr *
cnn_node_attr (const CnnNode *node, const char *name)
{
  for (int i = 0; i < node->n_attrs; i++)
    if (strcmp (node->attrs[i].name, name) == 0)
      return &node->attrs[i];
  return NULL;
}

int64_t
cnn_node_attr_int (const CnnNode *node, const char *name, int64_t fallback)
{
  const CnnAttr *a = cnn_node_attr (node, name);
  return a && a->type == CNN_ATTR_INT ? a->i : fallback;
}

float
cnn_node_attr_float (const CnnNode *node, const char *name, float fallback)
{
  const CnnAttr *a = cnn_node_attr (node, name);
  if (a && a->type == CNN_ATTR_FLOAT)
    return a->f;
  if (a && a->type == CNN_ATTR_INT)
    return (float) a->i;
  return fallback;
}

const char *
cnn_node_attr_string (const CnnNode *node, const char *name,
    const char *fallback)
{
  const CnnAttr *a = cnn_node_attr (node, name);
  return a && a->type == CNN_ATTR_STRING && a->s ? a->s : fallback;
}

size_t
cnn_node_attr_ints (const CnnNode *node, const char *name,
    const int64_t **ints_out)
{
  const CnnAttr *a = cnn_node_attr (node, name);
  if (!a || a->type != CNN_ATTR_INTS) {
    *ints_out = NULL;
    return 0;
  }
  *ints_out = a->ints;
  return a->n;
}

CnnValue *
cnn_node_input (CnnGraph *g, const CnnNode *node, int i)
{
  if (i < 0 || i >= node->n_inputs || node->inputs[i] < 0)
    return NULL;
  return &g->values[node->inputs[i]];
}

void
cnn_node_drop_input (CnnGraph *g, CnnNode *node, int i)
{
  CnnValue *v = cnn_node_input (g, node, i);
  if (!v)
    return;
  node->inputs[i] = -1;
  if (v->n_uses > 0)
    v->n_uses--;
  if (v->n_uses == 0 && v->kind == CNN_VALUE_CONST) {
    free (v->data);
    v->data = NULL;
  }
}

CnnValue *
cnn_node_output (CnnGraph *g, const CnnNode *node, int i)
{
  if (i < 0 || i >= node->n_outputs || node->outputs[i] < 0)
    return NULL;
  return &g->values[node->outputs[i]];
}

bool
cnn_mul_overflows (int64_t a, int64_t b, int64_t *out)
{
  if (a < 0 || b < 0)
    return true;
  if (a != 0 && b > INT64_MAX / a)
    return true;
  *out = a * b;
  return false;
}

int64_t
cnn_numel (const CnnTensorInfo *info)
{
  int64_t n = 1;
  for (int i = 0; i < info->rank; i++)
    if (cnn_mul_overflows (n, info->dims[i], &n))
      return -1;
  return n;
}

int64_t
cnn_tensor_info_numel (const CnnTensorInfo *info)
{
  return info ? cnn_numel (info) : -1;
}

size_t
cnn_dtype_size (CnnDType dtype)
{
  switch (dtype) {
    case CNN_DTYPE_FLOAT32:
    case CNN_DTYPE_INT32:
      return 4;
    case CNN_DTYPE_INT64:
      return 8;
    case CNN_DTYPE_FLOAT16:
      return 2;
    default:
      return 0;
  }
}

bool
cnn_info_equal_dims (const CnnTensorInfo *a, const CnnTensorInfo *b)
{
  if (a->rank != b->rank)
    return false;
  for (int i = 0; i < a->rank; i++)
    if (a->dims[i] != b->dims[i])
      return false;
  return true;
}

const char *
cnn_dims_str (const CnnTensorInfo *info, char *buf, size_t len)
{
  size_t used = 0;
  if (len == 0)
    return buf;
  buf[0] = '\0';
  used += (size_t) snprintf (buf, len, "[");
  for (int i = 0; i < info->rank && used < len; i++)
    used += (size_t) snprintf (buf + used, len - used, "%s%lld",
        i ? "," : "", (long long) info->dims[i]);
  if (used < len)
    snprintf (buf + used, len - used, "]");
  return buf;
}

const char *
cnn_status_name (CnnStatus status)
{
  switch (status) {
    case CNN_OK: return "ok";
    case CNN_ERR_ARGUMENT: return "invalid argument";
    case CNN_ERR_IO: return "i/o error";
    case CNN_ERR_PARSE: return "parse error";
    case CNN_ERR_INVALID_MODEL: return "invalid model";
    case CNN_ERR_UNSUPPORTED: return "unsupported";
    case CNN_ERR_SHAPE: return "shape error";
    case CNN_ERR_NO_MEMORY: return "out of memory";
    case CNN_ERR_LIMIT: return "limit exceeded";
  }
  return "unknown status";
}
