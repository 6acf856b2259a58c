/* onnx_nodes.c — NodeProto / AttributeProto → CnnNode / CnnAttr.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nodes are copied in file order (graph_sort.c orders them later). Pass 1
 * creates each node, resolves its operator (default domain only), copies
 * its attributes and creates its output values; pass 2 resolves inputs, so
 * a node may use a value produced further down the file. Every error names
 * the node: "node 3 (FooOp 'name'): unsupported operator 'FooOp'". Tensor
 * attributes go through the same converter as initializers; subgraph
 * attributes (If, Loop, Scan) are refused.
 */
#include "onnx_build.h"
#include "onnx_load.h"
#include "../ops/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
dup_or_empty (const char *s)
{
  return strdup (s ? s : "");
}

/* Attribute type, inferred from the set field in files that omit it. */
static int
attr_type (const Onnx__AttributeProto *ap)
{
  if (ap->has_type && ap->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
    return ap->type;
  if (ap->t)
    return CNN_ATTR_TENSOR;
  if (ap->g)
    return CNN_ATTR_GRAPH;
  if (ap->n_floats)
    return CNN_ATTR_FLOATS;
  if (ap->n_ints)
    return CNN_ATTR_INTS;
  if (ap->n_strings)
    return CNN_ATTR_STRINGS;
  if (ap->has_s)
    return CNN_ATTR_STRING;
  if (ap->has_f)
    return CNN_ATTR_FLOAT;
  if (ap->has_i)
    return CNN_ATTR_INT;
  return CNN_ATTR_UNDEFINED;
}

static CnnStatus
attr_tensor (CnnOnnxBuild *b, const Onnx__AttributeProto *ap, CnnAttr *a)
{
  char what[160];

  if (!ap->t)
    return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
        "attribute '%s' has type TENSOR but no tensor", a->name);
  a->t = calloc (1, sizeof (CnnTensor));
  if (!a->t)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  snprintf (what, sizeof what, "tensor attribute '%.128s'", a->name);
  CnnStatus st = cnn_onnx_tensor_convert (ap->t, &b->data, what,
      &a->t->info, &a->t->data, b->d);
  if (st == CNN_OK && ap->t->name && ap->t->name[0]
      && !(a->t->name = strdup (ap->t->name)))
    st = cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  return st;
}

static CnnStatus
attr_copy (CnnOnnxBuild *b, const Onnx__AttributeProto *ap, CnnAttr *a)
{
  int type = attr_type (ap);

  if (!ap->name || !ap->name[0])
    return cnn_fail (b->d, CNN_ERR_INVALID_MODEL, "attribute without name");
  if (!(a->name = strdup (ap->name)))
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  a->type = (CnnAttrType) type;
  switch (type) {
    case CNN_ATTR_FLOAT:
      a->f = ap->f;
      return CNN_OK;
    case CNN_ATTR_INT:
      a->i = ap->i;
      return CNN_OK;
    case CNN_ATTR_STRING:
      a->s = malloc (ap->s.len + 1);
      if (!a->s)
        break;
      if (ap->s.len)
        memcpy (a->s, ap->s.data, ap->s.len);
      a->s[ap->s.len] = '\0';
      return CNN_OK;
    case CNN_ATTR_TENSOR:
      return attr_tensor (b, ap, a);
    case CNN_ATTR_FLOATS:
      a->n = ap->n_floats;
      a->floats = malloc (sizeof (float) * (a->n ? a->n : 1));
      if (!a->floats)
        break;
      if (a->n)
        memcpy (a->floats, ap->floats, sizeof (float) * a->n);
      return CNN_OK;
    case CNN_ATTR_INTS:
      a->n = ap->n_ints;
      a->ints = malloc (sizeof (int64_t) * (a->n ? a->n : 1));
      if (!a->ints)
        break;
      if (a->n)
        memcpy (a->ints, ap->ints, sizeof (int64_t) * a->n);
      return CNN_OK;
    case CNN_ATTR_GRAPH:
    case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS:
      return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
          "attribute '%s': subgraphs are not supported", a->name);
    case CNN_ATTR_UNDEFINED:
      return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
          "attribute '%s' has no type", a->name);
    default:
      return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
          "attribute '%s' has type %d, which is not supported", a->name,
          type);
  }
  return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
}

/* Creates the ACT value of each named output of node idx. */
static CnnStatus
node_outputs (CnnOnnxBuild *b, int idx, const Onnx__NodeProto *np)
{
  CnnGraph *g = b->g;

  g->nodes[idx].outputs = malloc (sizeof (int) * (np->n_output ? np->n_output
          : 1));
  if (!g->nodes[idx].outputs)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t k = 0; k < np->n_output; k++) {
    const char *name = np->output[k] ? np->output[k] : "";
    int v = -1;
    if (name[0]) {
      if (cnn_name_map_get (&b->names, name) >= 0)
        return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
            "output '%s' is already defined by another node, an "
            "initializer or a graph input", name);
      v = cnn_graph_add_value (g, name, CNN_VALUE_ACT);
      if (v < 0)
        return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
      g->values[v].producer = idx;
      cnn_name_map_put (&b->names, g->values[v].name, v);
    }
    g->nodes[idx].outputs[k] = v;
    g->nodes[idx].n_outputs = (int) k + 1;
  }
  return CNN_OK;
}

/* Operators whose float32 inference semantics did not change between
 * their first version and opset 7, so graphs older than opset 7 may use
 * them (with the extra checks in check_legacy_node). */
static const char *const legacy_ops[] = {
  "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
  "LRN", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Elu",
  "Softmax", "LogSoftmax", "Flatten", "Transpose", "Identity", "Dropout",
  "BatchNormalization", "Clip", "Sum", "Gemm", "MatMul", "Add", "Sub", "Mul",
  "Div", "Concat", "Constant", "Squeeze", "Unsqueeze", "Split", "Slice",
  "ReduceMean", "Shape", "Gather", "Pad", NULL,
};

/* Before opset 7: refuse what would silently mean something else (legacy
 * axis broadcasting, training-mode BatchNormalization, PRelu's per-channel
 * slope, Reshape's and Cast's attribute forms). */
static CnnStatus
check_legacy_node (int64_t opset, const CnnNode *n, CnnDiag *d)
{
  bool known = false;
  for (int i = 0; legacy_ops[i] && !known; i++)
    known = strcmp (legacy_ops[i], n->op_type) == 0;
  if (!known)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "operator '%s' is not "
        "supported in opset %lld (before 7)", n->op_type, (long long) opset);
  bool arith = !strcmp (n->op_type, "Add") || !strcmp (n->op_type, "Sub")
      || !strcmp (n->op_type, "Mul") || !strcmp (n->op_type, "Div");
  if (arith && cnn_node_attr (n, "axis"))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "legacy broadcasting with "
        "'axis' (opset %lld) is not supported", (long long) opset);
  if (!strcmp (n->op_type, "BatchNormalization")
      && cnn_node_attr_int (n, "is_test", 0) == 0)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "BatchNormalization in "
        "training mode (is_test=0, opset %lld) is not supported",
        (long long) opset);
  if (!strcmp (n->op_type, "Concat") && !cnn_node_attr (n, "axis"))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "Concat without 'axis' "
        "(opset %lld) is not supported", (long long) opset);
  return CNN_OK;
}

/* Pass 1 for one node: header, operator, attributes, outputs. */
static CnnStatus
node_define (CnnOnnxBuild *b, int idx, const Onnx__NodeProto *np)
{
  CnnNode *n = &b->g->nodes[idx];
  CnnStatus st;

  n->name = dup_or_empty (np->name);
  n->op_type = dup_or_empty (np->op_type);
  n->domain = dup_or_empty (np->domain);
  if (!n->name || !n->op_type || !n->domain)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  if (!n->op_type[0])
    return cnn_fail (b->d, CNN_ERR_INVALID_MODEL, "node without op_type");
  if (n->domain[0] && strcmp (n->domain, "ai.onnx") != 0)
    return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
        "operator domain '%s' is not supported", n->domain);
  n->op = cnn_op_lookup (n->op_type);
  if (!n->op)
    return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
        "unsupported operator '%s'", n->op_type);
  n->attrs = calloc (np->n_attribute ? np->n_attribute : 1,
      sizeof (CnnAttr));
  if (!n->attrs)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t k = 0; k < np->n_attribute; k++) {
    n->n_attrs = (int) k + 1;
    st = attr_copy (b, np->attribute[k], &n->attrs[k]);
    if (st != CNN_OK)
      return st;
  }
  if (b->g->opset < 7 && (st = check_legacy_node (b->g->opset, n, b->d)))
    return st;
  return node_outputs (b, idx, np);
}

/* Pass 2 for one node: input names → value indices. */
static CnnStatus
node_inputs (CnnOnnxBuild *b, int idx, const Onnx__NodeProto *np)
{
  CnnNode *n = &b->g->nodes[idx];

  n->inputs = malloc (sizeof (int) * (np->n_input ? np->n_input : 1));
  if (!n->inputs)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t k = 0; k < np->n_input; k++) {
    const char *name = np->input[k] ? np->input[k] : "";
    int v = -1;
    if (name[0]) {
      v = cnn_name_map_get (&b->names, name);
      if (v < 0)
        return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
            "input %zu '%s' is not produced by any node, initializer or "
            "graph input", k, name);
    }
    n->inputs[k] = v;
    n->n_inputs = (int) k + 1;
  }
  return CNN_OK;
}

/* Adds the "node i (Op 'name'): " prefix and returns st. */
static CnnStatus
node_error (CnnOnnxBuild *b, const Onnx__NodeProto *np, int idx,
    CnnStatus st)
{
  cnn_diag_prefix_node (b->d, idx, np->op_type, np->name ? np->name : "");
  return st;
}

CnnStatus
cnn_onnx_add_nodes (CnnOnnxBuild *b, const Onnx__GraphProto *gp)
{
  CnnStatus st;

  if (gp->n_node > CNN_ONNX_MAX_NODES)
    return cnn_fail (b->d, CNN_ERR_LIMIT, "too many nodes (%zu; at most %d)",
        gp->n_node, CNN_ONNX_MAX_NODES);
  for (size_t i = 0; i < gp->n_node; i++) {
    int idx = cnn_graph_add_node (b->g);
    if (idx < 0)
      return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
    st = node_define (b, idx, gp->node[i]);
    if (st != CNN_OK)
      return node_error (b, gp->node[i], idx, st);
  }
  for (size_t i = 0; i < gp->n_node; i++) {
    st = node_inputs (b, (int) i, gp->node[i]);
    if (st != CNN_OK)
      return node_error (b, gp->node[i], (int) i, st);
  }
  return CNN_OK;
}
