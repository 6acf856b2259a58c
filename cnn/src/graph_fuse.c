/* graph_fuse.c — graph rewrites after shape inference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. Identity and Dropout nodes on run-time values disappear: consumers
 *    read the input directly (kept when the output is a graph output).
 * 2. BatchNormalization whose input comes only from a Conv with constant
 *    weights is folded into that Conv's weights and bias
 *    (W' = W·s, b' = (b − mean)·s + beta, s = scale / sqrt(var + eps)).
 *    Other BatchNormalization nodes stay (as in DenseNet).
 * 3. Add (Y, R) where Y comes only from a Conv without a fused activation
 *    and R has Y's shape and is computed before that Conv (ResNet's
 *    residual sums) disappears: the Conv takes R as a fourth input and
 *    adds it in its epilogue (domain CNN_CONV_FUSED_DOMAIN, conv_geom.h).
 * 4. Relu, Clip (constant bounds) and LeakyRelu whose input comes only
 *    from a Conv or Gemm become that node's fused epilogue (node->act),
 *    applied after the residual.
 * 5. A depthwise Conv whose output only a 1x1 Conv reads (MobileNet's
 *    blocks) is folded into that Conv when cnn_conv_dwpw_fusable says the
 *    pair gains from running band by band: the 1x1 Conv (domain
 *    CNN_CONV_DWPW_DOMAIN) takes the depthwise input, weights and bias as
 *    inputs 0, 4 and 5, its attributes as pre_attrs and its activation as
 *    pre_act.
 * 6. A MaxPool whose input comes only from a Conv on the direct kernels
 *    (a network's stem: few taps per output, constant weights, no
 *    residual) is folded into that Conv when cnn_conv_pool_fusable says
 *    they can run band by band: the Conv (domain CNN_CONV_POOL_DOMAIN)
 *    writes the pool's output and keeps the pool's attributes as
 *    post_attrs.
 * Then every live node is prepared again (its inputs may have changed) and
 * constants no longer referenced are freed.
 */
#include "graph.h"
#include "kernels/conv_geom.h"
#include "ops/ops.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cnn_graph_count_uses (CnnGraph *g)
{
  for (int v = 0; v < g->n_values; v++)
    g->values[v].n_uses = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    if (g->nodes[i].dead)
      continue;
    for (int k = 0; k < g->nodes[i].n_inputs; k++)
      if (g->nodes[i].inputs[k] >= 0)
        g->values[g->nodes[i].inputs[k]].n_uses++;
  }
  for (int k = 0; k < g->n_outputs; k++)
    g->values[g->outputs[k]].n_uses++;
}

static bool
is_op (const CnnNode *n, const char *op_type)
{
  return !n->dead && strcmp (n->op_type, op_type) == 0;
}

/* The live node producing value v with no other consumer, or NULL. */
static CnnNode *
sole_producer (CnnGraph *g, int v)
{
  const CnnValue *val = &g->values[v];
  if (val->kind != CNN_VALUE_ACT || val->producer < 0 || val->is_output
      || val->n_uses != 1)
    return NULL;
  CnnNode *p = &g->nodes[val->producer];
  return p->dead ? NULL : p;
}

/* Identity/Dropout on run-time values: consumers read the input instead.
 * One pass builds value aliases (in topological order, so chains resolve
 * to their first input), one pass rewrites inputs: linear in graph size. */
static CnnStatus
remove_identities (CnnGraph *g, CnnDiag *d)
{
  int *alias = malloc (sizeof (int) * (size_t) (g->n_values + 1));
  if (!alias)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  for (int v = 0; v < g->n_values; v++)
    alias[v] = v;
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *n = &g->nodes[i];
    if (!(is_op (n, "Identity") || is_op (n, "Dropout")) || n->n_inputs < 1)
      continue;
    int in = n->inputs[0], out = n->outputs[0];
    bool extra_outputs = false;
    for (int k = 1; k < n->n_outputs; k++)
      extra_outputs |= n->outputs[k] >= 0 && g->values[n->outputs[k]].n_uses;
    if (in < 0 || out < 0 || g->values[out].is_output || extra_outputs)
      continue;
    alias[out] = alias[in];
    n->dead = true;
  }
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs && !n->dead; k++)
      if (n->inputs[k] >= 0)
        n->inputs[k] = alias[n->inputs[k]];
  }
  free (alias);
  cnn_graph_count_uses (g);
  return CNN_OK;
}

/* Adds a float32 constant of shape [len] holding data (ownership taken). */
static int
add_const_vector (CnnGraph *g, const char *base, const char *suffix,
    float *data, int64_t len)
{
  char name[256];
  snprintf (name, sizeof name, "%s%s", base, suffix);
  int v = cnn_graph_add_value (g, name, CNN_VALUE_CONST);
  if (v < 0)
    return -1;
  CnnValue *val = &g->values[v];
  val->info.dtype = CNN_DTYPE_FLOAT32;
  val->info.rank = 1;
  val->info.dims[0] = len;
  val->shape_known = true;
  val->data = data;
  return v;
}

static bool
const_f32 (const CnnGraph *g, int v, int64_t numel)
{
  return v >= 0 && g->values[v].kind == CNN_VALUE_CONST
      && g->values[v].info.dtype == CNN_DTYPE_FLOAT32
      && cnn_numel (&g->values[v].info) == numel;
}

/* Folds BN node bn into conv; returns false when the pattern does not fit. */
static CnnStatus
fold_bn_into_conv (CnnGraph *g, CnnNode *conv, CnnNode *bn, CnnDiag *d)
{
  const CnnValue *w = &g->values[conv->inputs[1]];
  int64_t oc = w->info.dims[0], per_oc = cnn_numel (&w->info) / oc;
  const float *scale = g->values[bn->inputs[1]].data;
  const float *beta = g->values[bn->inputs[2]].data;
  const float *mean = g->values[bn->inputs[3]].data;
  const float *var = g->values[bn->inputs[4]].data;
  const float *bias = conv->n_inputs > 2 && conv->inputs[2] >= 0
      ? g->values[conv->inputs[2]].data : NULL;
  float eps = cnn_node_attr_float (bn, "epsilon", 1e-5f);
  float *nw = malloc (sizeof (float) * (size_t) (oc * per_oc));
  float *nb = malloc (sizeof (float) * (size_t) oc);
  int *inputs = malloc (sizeof (int) * 3);
  if (!nw || !nb || !inputs) {
    free (nw);
    free (nb);
    free (inputs);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory folding BN");
  }
  const float *wd = w->data;
  for (int64_t o = 0; o < oc; o++) {
    double s = scale[o] / sqrt ((double) var[o] + eps);
    for (int64_t j = 0; j < per_oc; j++)
      nw[o * per_oc + j] = (float) (wd[o * per_oc + j] * s);
    nb[o] = (float) (((bias ? bias[o] : 0.0) - mean[o]) * s + beta[o]);
  }
  int vw = add_const_vector (g, conv->name, "/bn_folded_W", nw, oc * per_oc);
  int vb = vw < 0 ? -1 : add_const_vector (g, conv->name, "/bn_folded_B", nb, oc);
  if (vw < 0 || vb < 0) {
    if (vw < 0)
      free (nw);
    free (nb);
    free (inputs);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory folding BN");
  }
  g->values[vw].info = g->values[conv->inputs[1]].info; /* keep W's shape */
  inputs[0] = conv->inputs[0];
  inputs[1] = vw;
  inputs[2] = vb;
  free (conv->inputs);
  conv->inputs = inputs;
  conv->n_inputs = 3;
  int old_out = conv->outputs[0];
  conv->outputs[0] = bn->outputs[0];
  g->values[bn->outputs[0]].producer = g->values[old_out].producer;
  g->values[old_out].producer = -1;
  g->values[old_out].n_uses = 0;
  bn->dead = true;
  return CNN_OK;
}

static CnnStatus
fold_batchnorms (CnnGraph *g, CnnDiag *d)
{
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *bn = &g->nodes[i];
    if (!is_op (bn, "BatchNormalization") || bn->n_inputs < 5)
      continue;
    bool extra = false;
    for (int k = 1; k < bn->n_outputs; k++)
      extra |= bn->outputs[k] >= 0;
    CnnNode *conv = bn->inputs[0] >= 0 ? sole_producer (g, bn->inputs[0]) : NULL;
    if (extra || !conv || !is_op (conv, "Conv") || conv->act.kind != CNN_ACT_NONE
        || conv->n_inputs < 2 || conv->inputs[1] < 0)
      continue;
    const CnnValue *w = &g->values[conv->inputs[1]];
    int64_t oc = w->info.rank > 0 ? w->info.dims[0] : -1;
    if (w->kind != CNN_VALUE_CONST || w->info.dtype != CNN_DTYPE_FLOAT32
        || oc <= 0 || g->values[bn->inputs[0]].info.rank < 2
        || g->values[bn->inputs[0]].info.dims[1] != oc)
      continue;
    bool consts = true;
    for (int k = 1; k < 5; k++)
      consts &= const_f32 (g, bn->inputs[k], oc);
    if (conv->n_inputs > 2 && conv->inputs[2] >= 0)
      consts &= const_f32 (g, conv->inputs[2], oc);
    if (!consts)
      continue;
    CnnStatus st = fold_bn_into_conv (g, conv, bn, d);
    if (st != CNN_OK)
      return st;
  }
  return CNN_OK;
}

/* Reads constant bound input k of a Clip node (absent: fallback). */
static bool
clip_bound (const CnnGraph *g, const CnnNode *n, int k, float fallback,
    float *out)
{
  if (k >= n->n_inputs || n->inputs[k] < 0) {
    *out = fallback;
    return true;
  }
  const CnnValue *v = &g->values[n->inputs[k]];
  if (v->kind != CNN_VALUE_CONST || v->info.dtype != CNN_DTYPE_FLOAT32
      || cnn_numel (&v->info) != 1)
    return false;
  *out = *(const float *) v->data;
  return true;
}

/* Describes node n as a fusable activation; false if it is none. */
static bool
activation_of (const CnnGraph *g, const CnnNode *n, CnnFusedAct *act)
{
  if (is_op (n, "Relu")) {
    *act = (CnnFusedAct) { CNN_ACT_RELU, 0, 0 };
    return true;
  }
  if (is_op (n, "LeakyRelu")) {
    *act = (CnnFusedAct) { CNN_ACT_LEAKY_RELU,
        cnn_node_attr_float (n, "alpha", 0.01f), 0 };
    return true;
  }
  if (!is_op (n, "Clip"))
    return false;
  act->kind = CNN_ACT_CLIP;
  if (g->opset < 11) {
    act->alpha = cnn_node_attr_float (n, "min", -INFINITY);
    act->beta = cnn_node_attr_float (n, "max", INFINITY);
    return true;
  }
  return clip_bound (g, n, 1, -INFINITY, &act->alpha)
      && clip_bound (g, n, 2, INFINITY, &act->beta);
}

/* Sets node n's domain to a copy of domain; false when memory runs out
 * (n unchanged). */
static bool
set_domain (CnnNode *n, const char *domain)
{
  size_t len = strlen (domain) + 1;
  char *copy = malloc (len);
  if (!copy)
    return false;
  memcpy (copy, domain, len);
  free (n->domain);
  n->domain = copy;
  return true;
}

/* Node p, whose output 0 a folded node read, writes that node's output v
 * instead; its old output value is left without producer or reader. */
static void
take_output (CnnGraph *g, CnnNode *p, int v)
{
  int old_out = p->outputs[0];
  p->outputs[0] = v;
  g->values[v].producer = g->values[old_out].producer;
  g->values[old_out].producer = -1;
  g->values[old_out].n_uses = 0;
}

static void
fuse_activations (CnnGraph *g)
{
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *a = &g->nodes[i];
    CnnFusedAct act;
    if (a->dead || a->n_inputs < 1 || a->inputs[0] < 0 || a->n_outputs < 1
        || !activation_of (g, a, &act))
      continue;
    CnnNode *p = sole_producer (g, a->inputs[0]);
    if (!p || !(is_op (p, "Conv") || is_op (p, "Gemm"))
        || p->act.kind != CNN_ACT_NONE || p->outputs[0] != a->inputs[0])
      continue;
    p->act = act;
    take_output (g, p, a->outputs[0]);
    a->dead = true;
  }
}

/* Folds Add node a into the Conv producing its input `side`; false (graph
 * unchanged) when the pattern does not apply or memory runs out. */
static bool
fuse_residual_add (CnnGraph *g, CnnNode *a, int side)
{
  int v = a->inputs[side], r = a->inputs[1 - side], out = a->outputs[0];
  CnnNode *p = sole_producer (g, v);
  if (!p || !is_op (p, "Conv") || p->act.kind != CNN_ACT_NONE
      || p->n_inputs < 2 || p->n_inputs > 3 || p->outputs[0] != v || r == v
      || r < 0 || out < 0)
    return false;
  const CnnValue *yv = &g->values[v], *rv = &g->values[r];
  const CnnValue *ov = &g->values[out];
  if (!yv->shape_known || !rv->shape_known || !ov->shape_known
      || rv->info.dtype != CNN_DTYPE_FLOAT32
      || !cnn_info_equal_dims (&yv->info, &rv->info)
      || !cnn_info_equal_dims (&yv->info, &ov->info)
      || rv->producer >= (int) (p - g->nodes))
    return false;
  int *inputs = realloc (p->inputs, 4 * sizeof (int));
  if (!inputs)
    return false;
  p->inputs = inputs;
  if (!set_domain (p, CNN_CONV_FUSED_DOMAIN))
    return false;
  if (p->n_inputs < 3)
    inputs[2] = -1;
  inputs[3] = r;
  p->n_inputs = 4;
  take_output (g, p, out);   /* r keeps its count: the Add's use moved */
  a->dead = true;
  return true;
}

static void
fuse_residuals (CnnGraph *g)
{
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *a = &g->nodes[i];
    if (!is_op (a, "Add") || a->n_inputs != 2 || a->n_outputs < 1
        || a->inputs[0] < 0 || a->inputs[1] < 0)
      continue;
    if (!fuse_residual_add (g, a, 0))
      fuse_residual_add (g, a, 1);
  }
}

/* Folds depthwise Conv dw into the 1x1 Conv pw reading its only output;
 * false (graph unchanged) when memory runs out. */
static bool
fold_depthwise (CnnGraph *g, CnnNode *dw, CnnNode *pw)
{
  int *inputs = malloc (6 * sizeof (int));
  char *domain = malloc (sizeof CNN_CONV_DWPW_DOMAIN);
  if (!inputs || !domain) {
    free (inputs);
    free (domain);
    return false;
  }
  memcpy (domain, CNN_CONV_DWPW_DOMAIN, sizeof CNN_CONV_DWPW_DOMAIN);
  int v = pw->inputs[0];
  inputs[0] = dw->inputs[0];
  inputs[1] = pw->inputs[1];
  inputs[2] = pw->n_inputs > 2 ? pw->inputs[2] : -1;
  inputs[3] = pw->n_inputs > 3 ? pw->inputs[3] : -1;
  inputs[4] = dw->inputs[1];
  inputs[5] = dw->n_inputs > 2 ? dw->inputs[2] : -1;
  free (pw->inputs);
  pw->inputs = inputs;
  pw->n_inputs = 6;
  free (pw->domain);
  pw->domain = domain;
  pw->pre_attrs = dw->attrs;
  pw->n_pre_attrs = dw->n_attrs;
  pw->pre_act = dw->act;
  dw->attrs = NULL;
  dw->n_attrs = 0;
  g->values[v].producer = -1;
  g->values[v].n_uses = 0;
  dw->dead = true;
  return true;
}

static void
fuse_depthwise_pointwise (CnnGraph *g)
{
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *pw = &g->nodes[i];
    if (!is_op (pw, "Conv") || pw->n_inputs < 2 || pw->inputs[0] < 0)
      continue;
    CnnNode *dw = sole_producer (g, pw->inputs[0]);
    if (dw && is_op (dw, "Conv") && dw->outputs[0] == pw->inputs[0]
        && cnn_conv_dwpw_fusable (dw, pw))
      fold_depthwise (g, dw, pw);
  }
}

/* Folds MaxPool node mp into the Conv producing its input; false (graph
 * unchanged) when memory runs out. */
static bool
fold_pool (CnnGraph *g, CnnNode *conv, CnnNode *mp)
{
  if (!set_domain (conv, CNN_CONV_POOL_DOMAIN))
    return false;
  take_output (g, conv, mp->outputs[0]);
  conv->post_attrs = mp->attrs;
  conv->n_post_attrs = mp->n_attrs;
  mp->attrs = NULL;
  mp->n_attrs = 0;
  mp->dead = true;
  return true;
}

static void
fuse_conv_pool (CnnGraph *g)
{
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *mp = &g->nodes[i];
    if (!is_op (mp, "MaxPool") || mp->n_inputs != 1 || mp->inputs[0] < 0
        || mp->n_outputs < 1)
      continue;
    CnnNode *conv = sole_producer (g, mp->inputs[0]);
    if (conv && is_op (conv, "Conv") && conv->outputs[0] == mp->inputs[0]
        && cnn_conv_pool_fusable (g, conv, mp))
      fold_pool (g, conv, mp);
  }
}

static void
free_unused_consts (CnnGraph *g)
{
  for (int v = 0; v < g->n_values; v++) {
    CnnValue *val = &g->values[v];
    if (val->kind == CNN_VALUE_CONST && val->n_uses == 0 && val->data) {
      free (val->data);
      val->data = NULL;
    }
  }
}

/* op->pack of every live node (after free_unused_consts, so that each
 * constant a pack absorbs is freed at once: the load peak holds one
 * layer's weights twice, not the model's). */
static CnnStatus
pack_weights (CnnGraph *g, CnnDiag *d)
{
  g->packed_bytes = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    CnnNode *n = &g->nodes[i];
    if (n->dead || !n->op || !n->op->pack)
      continue;
    uint64_t bytes = 0;
    CnnStatus st = n->op->pack (g, n, &bytes, d);
    if (st != CNN_OK) {
      cnn_diag_prefix_node (d, i, n->op_type, n->name);
      return st;
    }
    g->packed_bytes += bytes;
  }
  return CNN_OK;
}

CnnStatus
cnn_graph_fuse (CnnGraph *g, CnnDiag *d)
{
  cnn_graph_count_uses (g);
  CnnStatus st = remove_identities (g, d);
  if (st == CNN_OK)
    st = fold_batchnorms (g, d);
  if (st != CNN_OK)
    return st;
  fuse_residuals (g);
  fuse_activations (g);
  fuse_depthwise_pointwise (g);
  fuse_conv_pool (g);
  for (int i = 0; i < g->n_nodes; i++)
    if (!g->nodes[i].dead && (st = cnn_graph_prepare_node (g, i, d)) != CNN_OK)
      return st;
  cnn_graph_count_uses (g);
  free_unused_consts (g);
  return pack_weights (g, d);
}

uint64_t
cnn_graph_const_bytes (const CnnGraph *g)
{
  uint64_t total = g->packed_bytes;
  for (int v = 0; v < g->n_values; v++) {
    const CnnValue *val = &g->values[v];
    if (val->kind == CNN_VALUE_CONST && val->data && val->n_uses > 0)
      total += (uint64_t) cnn_numel (&val->info)
          * cnn_dtype_size (val->info.dtype);
  }
  return total;
}
