/* ops.h — the operator interface (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each operator family (conv.c, pool.c, elementwise.c …) exports one table
 * `const CnnOpDef cnn_ops_<family>[]` ending with an entry whose op_type is
 * NULL; registry.c joins the tables. An operator:
 *
 *  - prepare(): called once per node at load, in topological order, when
 *    every input's info (dtype, dims) is known and constant inputs have
 *    data. It validates attributes and inputs, writes the output infos
 *    (set out->info and out->shape_known = true) and may build op-private
 *    params (node->params; e.g. packed weights). It is called again after
 *    fusion passes change the node (free_params first), so it must be
 *    idempotent. Errors: return cnn_fail (d, …) with what is wrong; the
 *    caller adds the node prefix.
 *
 *  - run(): computes the outputs. exec->ptr[v] is the data of value v
 *    (arena or constant). At session run time all run-time values are
 *    float32. When every input is constant, the graph pass calls run() at
 *    load time to fold the node (then values may be int64; an op that
 *    accepts int64 in prepare must handle it in run). run() never
 *    allocates: temporary memory comes from exec->scratch, sized by
 *    scratch_bytes().
 *
 *  - scratch_bytes(): optional; bytes of temporary memory run() needs with
 *    the given thread count.
 *
 *  - free_params(): optional; frees node->params.
 *
 *  - pack(): optional; called once per node at the end of loading, after
 *    the last prepare(), when every constant has its final value (batch
 *    norms folded). It may copy constant inputs into params in the layout
 *    its kernels read (node->params then owns that memory; *bytes = its
 *    size, counted as weights) and stop reading the original with
 *    cnn_node_drop_input(), which frees a constant nobody else uses.
 */
#ifndef CNN_OPS_H
#define CNN_OPS_H

#include "../ir.h"
#include "../kernels/threadpool.h"

typedef struct {
  void **ptr;            /* indexed by value index */
  void *scratch;         /* 64-byte aligned */
  size_t scratch_bytes;
  CnnThreadPool *pool;   /* NULL = run on the calling thread only */
  int threads;           /* cnn_threadpool_size (pool), >= 1 */
  uint64_t runs;         /* runs of the session before this one */
} CnnExec;

typedef struct CnnOpDef {
  const char *op_type;
  CnnStatus (*prepare) (CnnGraph *g, CnnNode *node, CnnDiag *d);
  CnnStatus (*run) (const CnnGraph *g, const CnnNode *node,
      const CnnExec *exec, CnnDiag *d);
  size_t (*scratch_bytes) (const CnnGraph *g, const CnnNode *node,
      int threads);
  void (*free_params) (void *params);
  CnnStatus (*pack) (CnnGraph *g, CnnNode *node, uint64_t *bytes,
      CnnDiag *d);
} CnnOpDef;

/* Operator tables, one per family file. */
extern const CnnOpDef cnn_ops_conv[];        /* ops/conv.c */
extern const CnnOpDef cnn_ops_pool[];        /* ops/pool.c */
extern const CnnOpDef cnn_ops_gemm[];        /* ops/gemm.c: Gemm, MatMul */
extern const CnnOpDef cnn_ops_norm[];        /* ops/norm.c: BN, LRN */
extern const CnnOpDef cnn_ops_elementwise[]; /* ops/elementwise.c */
extern const CnnOpDef cnn_ops_activation[];  /* ops/activation.c */
extern const CnnOpDef cnn_ops_softmax[];     /* ops/softmax.c */
extern const CnnOpDef cnn_ops_reshape[];     /* ops/reshape.c */
extern const CnnOpDef cnn_ops_layout[];      /* ops/layout.c */
extern const CnnOpDef cnn_ops_reduce[];      /* ops/reduce.c */

/* True when the prepared Conv nodes dw (depthwise) and pw (a 1x1 Conv
 * reading dw's output) gain from running together band by band, as one
 * node of domain CNN_CONV_DWPW_DOMAIN (graph_fuse.c, ops/conv_dwpw.h). */
bool cnn_conv_dwpw_fusable (const CnnNode *dw, const CnnNode *pw);

/* True when the prepared Conv node conv (on the direct kernels, constant
 * weights, no residual) and the prepared MaxPool pool reading its output
 * can run together band by band, as one Conv of domain
 * CNN_CONV_POOL_DOMAIN (graph_fuse.c, ops/conv_pool.h). */
bool cnn_conv_pool_fusable (const CnnGraph *gr, const CnnNode *conv,
    const CnnNode *pool);

/* Definition for op_type in the default domain, or NULL. */
const CnnOpDef *cnn_op_lookup (const char *op_type);

/* Convenience for ops. */
static inline float *
cnn_exec_f32 (const CnnExec *exec, int value)
{
  return (float *) exec->ptr[value];
}

/* Applies a fused activation to n floats in place. */
void cnn_apply_act (const CnnFusedAct *act, float *x, size_t n);

#endif /* CNN_OPS_H */
