/* registry.c — operator lookup by ONNX op_type.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Joins the per-family tables declared in ops.h. Lookup is a linear scan
 * over a few dozen names, done once per node at load time.
 */
#include "ops.h"

#include <string.h>

static const CnnOpDef *const families[] = {
  cnn_ops_conv, cnn_ops_pool, cnn_ops_gemm, cnn_ops_norm,
  cnn_ops_elementwise, cnn_ops_activation, cnn_ops_softmax,
  cnn_ops_reshape, cnn_ops_layout, cnn_ops_reduce,
};

const CnnOpDef *
cnn_op_lookup (const char *op_type)
{
  if (!op_type)
    return NULL;
  for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
    for (const CnnOpDef *op = families[f]; op->op_type; op++)
      if (strcmp (op->op_type, op_type) == 0)
        return op;
  return NULL;
}
