/* onnx_build.h — state shared while one ModelProto becomes a CnnGraph
 * (internal to onnx/).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * onnx_model.c owns the build (versions, constants, inputs, bindings,
 * outputs); onnx_nodes.c adds the nodes and their attributes. Value names
 * are found through an open-addressing hash sized once for every name the
 * file can define, so graphs with thousands of values load in linear time.
 */
#ifndef CNN_ONNX_BUILD_H
#define CNN_ONNX_BUILD_H

#include "onnx_tensor.h"

/* Name → value index. Keys are borrowed from graph value names (their
 * strings never move, even when the value array grows). */
typedef struct {
  const char **keys;
  int *vals;
  size_t cap;           /* power of two, > 2 * capacity asked for */
} CnnNameMap;

bool cnn_name_map_init (CnnNameMap *m, size_t max_entries);
void cnn_name_map_free (CnnNameMap *m);
/* Value index or -1. */
int cnn_name_map_get (const CnnNameMap *m, const char *key);
/* Inserts a key that is not present; the table never fills because it
 * was sized for every possible name. */
void cnn_name_map_put (CnnNameMap *m, const char *key, int value);

typedef struct {
  CnnGraph *g;
  CnnDiag *d;
  CnnOnnxDataCtx data;
  CnnNameMap names;
} CnnOnnxBuild;

/* Adds every node of gp in file order: operator lookup, attributes, one
 * CNN_VALUE_ACT value per named output, then input resolution. */
CnnStatus cnn_onnx_add_nodes (CnnOnnxBuild *b, const Onnx__GraphProto *gp);

#endif /* CNN_ONNX_BUILD_H */
