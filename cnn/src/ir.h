/* ir.h — the core's own graph representation (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ONNX loader (onnx/) fills a CnnGraph; graph passes (graph_*.c) sort,
 * infer shapes, fold constants, fuse and plan it; operators (ops/) see only
 * these types, never protobuf. Values are referred to by index into
 * graph->values; an absent optional input is -1.
 */
#ifndef CNN_IR_H
#define CNN_IR_H

#include "cnn/cnn.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  CNN_VALUE_INPUT,  /* run-time graph input (float32, in the arena) */
  CNN_VALUE_CONST,  /* initializer, bound input or folded result: data owned */
  CNN_VALUE_ACT,    /* produced by a node at run time (float32, in arena) */
} CnnValueKind;

typedef struct {
  char *name;
  CnnValueKind kind;
  CnnTensorInfo info;   /* complete after shape inference */
  bool shape_known;
  void *data;           /* CONST only: numel * dtype size bytes, malloc'd */
  bool is_output;       /* listed in graph outputs */
  int producer;         /* node index, -1 for inputs/constants */
  int n_uses;           /* live consumer count (incl. graph output use) */
} CnnValue;

typedef enum {
  CNN_ATTR_UNDEFINED = 0,
  CNN_ATTR_FLOAT = 1,
  CNN_ATTR_INT = 2,
  CNN_ATTR_STRING = 3,
  CNN_ATTR_TENSOR = 4,
  CNN_ATTR_GRAPH = 5,
  CNN_ATTR_FLOATS = 6,
  CNN_ATTR_INTS = 7,
  CNN_ATTR_STRINGS = 8,
} CnnAttrType; /* numbers as ONNX AttributeProto.AttributeType */

typedef struct {
  char *name;
  CnnAttrType type;
  float f;
  int64_t i;
  char *s;             /* STRING: NUL-terminated copy */
  float *floats;       /* FLOATS */
  int64_t *ints;       /* INTS */
  size_t n;            /* element count of floats/ints */
  CnnTensor *t;        /* TENSOR (dtype float32 or int64, owned) */
} CnnAttr;

/* Activation fused into a producing Conv / Gemm / MatMul epilogue. */
typedef enum {
  CNN_ACT_NONE = 0,
  CNN_ACT_RELU,
  CNN_ACT_CLIP,       /* min(max(x, alpha), beta) */
  CNN_ACT_LEAKY_RELU, /* x < 0 ? alpha * x : x */
} CnnActKind;

typedef struct {
  CnnActKind kind;
  float alpha, beta;
} CnnFusedAct;

struct CnnOpDef;

typedef struct {
  char *name;          /* may be "" */
  char *op_type;
  char *domain;        /* "" or "ai.onnx" */
  int n_inputs;
  int *inputs;         /* value indices, -1 = absent */
  int n_outputs;
  int *outputs;        /* value indices, -1 = absent */
  int n_attrs;
  CnnAttr *attrs;
  const struct CnnOpDef *op; /* resolved at graph build */
  void *params;        /* op-private, from op->prepare */
  CnnFusedAct act;     /* set by the fusion pass */
  /* A depthwise Conv that the fusion pass folded in front of this 1x1
   * Conv (domain CNN_CONV_DWPW_DOMAIN, kernels/conv_geom.h): its
   * attributes (moved from the folded node) and its fused activation. */
  int n_pre_attrs;
  CnnAttr *pre_attrs;
  CnnFusedAct pre_act;
  /* The MaxPool that the fusion pass folded after this Conv (domain
   * CNN_CONV_POOL_DOMAIN): its attributes, moved from the folded node. */
  int n_post_attrs;
  CnnAttr *post_attrs;
  bool dead;           /* removed by folding/fusion */
} CnnNode;

typedef struct {
  char *key;
  char *value;
} CnnMetaProp;

typedef struct {
  CnnValue *values;
  int n_values, cap_values;
  CnnNode *nodes;      /* topological order after graph_sort */
  int n_nodes, cap_nodes;
  int *inputs;         /* run-time input value indices, graph order */
  int n_inputs;
  int *outputs;        /* graph output value indices, graph order */
  int n_outputs;
  int64_t opset;       /* default-domain opset import */
  int64_t ir_version;
  CnnMetaProp *meta;
  int n_meta;
  char *graph_name;
  uint64_t packed_bytes; /* weights copied into op params by op->pack */
} CnnGraph;

/* ---- construction helpers (ir.c) -------------------------------------- */
void cnn_graph_init (CnnGraph *g);
void cnn_graph_clear (CnnGraph *g);
/* Index of the value named name, or -1. Linear in debug use only; the
 * loader keeps its own hash while building. */
int cnn_graph_find_value (const CnnGraph *g, const char *name);
/* Appends a value (name copied); returns its index or -1 (no memory). */
int cnn_graph_add_value (CnnGraph *g, const char *name, CnnValueKind kind);
/* Appends a zeroed node; returns its index or -1. */
int cnn_graph_add_node (CnnGraph *g);

/* Attribute lookup on a node: NULL when absent. */
const CnnAttr *cnn_node_attr (const CnnNode *node, const char *name);
int64_t cnn_node_attr_int (const CnnNode *node, const char *name,
    int64_t fallback);
float cnn_node_attr_float (const CnnNode *node, const char *name,
    float fallback);
const char *cnn_node_attr_string (const CnnNode *node, const char *name,
    const char *fallback);
/* INTS attribute: returns element count (0 if absent), *ints_out set. */
size_t cnn_node_attr_ints (const CnnNode *node, const char *name,
    const int64_t **ints_out);

/* Node stops reading its input i (which becomes absent, -1); a constant
 * that nothing reads any more has its data freed. Needs n_uses counted. */
void cnn_node_drop_input (CnnGraph *g, CnnNode *node, int i);

/* Input/output value of a node, NULL when absent/out of range. */
CnnValue *cnn_node_input (CnnGraph *g, const CnnNode *node, int i);
CnnValue *cnn_node_output (CnnGraph *g, const CnnNode *node, int i);

void cnn_attr_clear (CnnAttr *a);
void cnn_node_clear (CnnNode *n);

/* Shape helpers. */
int64_t cnn_numel (const CnnTensorInfo *info);
bool cnn_info_equal_dims (const CnnTensorInfo *a, const CnnTensorInfo *b);
/* Formats "[1,3,224,224]" into buf. */
const char *cnn_dims_str (const CnnTensorInfo *info, char *buf, size_t len);

/* Safe multiplication: false on overflow or negative. */
bool cnn_mul_overflows (int64_t a, int64_t b, int64_t *out);

#endif /* CNN_IR_H */
