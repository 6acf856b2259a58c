/* pool.c — MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool
 * (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * float32, NCHW with 1 to 3 spatial dimensions. MaxPool: kernel_shape,
 * pads, strides, dilations, ceil_mode, auto_pad; storage_order only
 * concerns the Indices output, which is int64 and therefore refused.
 * AveragePool: the same window attributes (dilations as in opset 19) plus
 * count_include_pad. Windows are resolved by spatial.c and pooled by the
 * kernel cnn_pool_select picks at prepare time: AVX-512 / AVX2 for 2-D
 * windows with dilation 1 and column stride 1 or 2, the portable fast
 * kernel for other 1-D/2-D windows, the reference for 3-D.
 * Global pools reduce each channel plane of any spatial rank to 1 value
 * (kernels/pooling.h: cnn_global_pool_select).
 * Planes (image, channel) are split across the pool's threads.
 */
#include "ops.h"
#include "spatial.h"
#include "../kernels/pooling.h"

#include <stdlib.h>

/* MaxPool / AveragePool params: the window and its kernel, chosen for
 * this CPU at prepare time (kernels/pooling.h). */
typedef struct {
  CnnPoolGeom pg;
  CnnPoolFn fn;
} PoolParams;

static void
pool_free_params (void *params)
{
  free (params);
}

/* Checks one float32 input X of rank >= 3 and one output; *x_out = X. */
static CnnStatus
check_io (CnnGraph *gr, const CnnNode *node, int max_rank,
    const CnnValue **x_out, CnnDiag *d)
{
  if (node->n_inputs != 1 || node->n_outputs < 1
      || !cnn_node_input (gr, node, 0) || !cnn_node_output (gr, node, 0))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s needs one input and an "
        "output", node->op_type);
  const CnnValue *x = cnn_node_input (gr, node, 0);
  CnnStatus st = cnn_require_f32 (x, "X", d);
  if (st != CNN_OK)
    return st;
  char buf[128];
  if (x->info.rank < 3 || x->info.rank > max_rank)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "X has shape %s; %s supports "
        "rank 3 to %d", cnn_dims_str (&x->info, buf, sizeof buf),
        node->op_type, max_rank);
  for (int i = 0; i < x->info.rank; i++)
    if (x->info.dims[i] < 1)
      return cnn_fail (d, CNN_ERR_SHAPE, "X has an empty shape %s",
          cnn_dims_str (&x->info, buf, sizeof buf));
  *x_out = x;
  return CNN_OK;
}

/* ---- MaxPool / AveragePool ---------------------------------------------- */

static CnnStatus
window_pool_prepare (CnnGraph *gr, CnnNode *node, bool is_max, CnnDiag *d)
{
  const CnnValue *x;
  CnnStatus st = check_io (gr, node, 5, &x, d);
  if (st != CNN_OK)
    return st;
  if (is_max && node->n_outputs > 1 && node->outputs[1] >= 0)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "MaxPool's second output "
        "(Indices, int64) is not supported");
  int64_t ceil_mode = cnn_node_attr_int (node, "ceil_mode", 0);
  int64_t include = cnn_node_attr_int (node, "count_include_pad", 0);
  int64_t order = cnn_node_attr_int (node, "storage_order", 0);
  if ((ceil_mode != 0 && ceil_mode != 1) || (include != 0 && include != 1)
      || (order != 0 && order != 1))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "ceil_mode, "
        "count_include_pad and storage_order must be 0 or 1");
  int rank = x->info.rank - 2;
  CnnSpatial sp;
  PoolParams *pp = calloc (1, sizeof *pp);
  if (!pp)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  st = cnn_pool_geom_resolve (node, &x->info, is_max, &pp->pg, &sp, d);
  if (st != CNN_OK) {
    free (pp);
    return st;
  }
  pp->fn = cnn_pool_select (&pp->pg, cnn_cpu_level ());
  node->params = pp;

  CnnValue *y = cnn_node_output (gr, node, 0);
  y->info = x->info;
  for (int i = 0; i < rank; i++)
    y->info.dims[2 + i] = sp.out[i];
  y->shape_known = true;
  return CNN_OK;
}

const CnnPoolGeom *
cnn_pool_node_geom (const CnnNode *node)
{
  if (node->dead || !node->params
      || (node->op != &cnn_ops_pool[0] && node->op != &cnn_ops_pool[1]))
    return NULL;
  return &((const PoolParams *) node->params)->pg;
}

static CnnStatus
maxpool_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  return window_pool_prepare (gr, node, true, d);
}

static CnnStatus
avgpool_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  return window_pool_prepare (gr, node, false, d);
}

typedef struct {
  const PoolParams *pp;
  const float *x;
  float *y;
} PoolJob;

static void
pool_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const PoolJob *j = ctx;
  const CnnPoolGeom *pg = &j->pp->pg;
  int64_t in_size = cnn_conv_geom_in_size (&pg->geom);
  int64_t out_size = cnn_conv_geom_out_size (&pg->geom);
  for (int64_t i = begin; i < end; i++)
    j->pp->fn (pg, j->x + i * in_size, j->y + i * out_size);
}

static CnnStatus
window_pool_run (const CnnGraph *gr, const CnnNode *node,
    const CnnExec *exec, CnnDiag *d)
{
  const PoolParams *pp = node->params;
  if (!pp)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s was not prepared",
        node->op_type);
  PoolJob j = { pp, cnn_exec_f32 (exec, node->inputs[0]),
    cnn_exec_f32 (exec, node->outputs[0]) };
  /* Planes per chunk: enough window reads (~64k) that waking a worker is
   * worth it; small networks then run their pools on one thread. */
  int64_t per_plane = cnn_conv_geom_out_size (&pp->pg.geom)
      * cnn_conv_geom_k_size (&pp->pg.geom);
  int64_t min_planes = per_plane > 0 ? (65536 + per_plane - 1) / per_plane : 1;
  cnn_parallel_for (exec->pool, pp->pg.geom.n * pp->pg.geom.c,
      min_planes > 4 ? min_planes : 4, pool_chunk, &j);
  return CNN_OK;
}

/* ---- GlobalAveragePool / GlobalMaxPool ---------------------------------- */

static CnnStatus
global_pool_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  const CnnValue *x;
  CnnStatus st = check_io (gr, node, CNN_MAX_RANK, &x, d);
  if (st != CNN_OK)
    return st;
  CnnValue *y = cnn_node_output (gr, node, 0);
  y->info = x->info;
  for (int i = 2; i < x->info.rank; i++)
    y->info.dims[i] = 1;
  y->shape_known = true;
  return CNN_OK;
}

typedef struct {
  CnnGlobalPoolFn fn;
  const float *x;
  float *y;
  int64_t plane;
  bool is_max;
} GlobalJob;

static void
global_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const GlobalJob *j = ctx;
  j->fn (j->x + begin * j->plane, j->plane, end - begin, j->is_max,
      j->y + begin);
}

static CnnStatus
global_pool_run (const CnnGraph *gr, const CnnNode *node, bool is_max,
    const CnnExec *exec)
{
  const CnnTensorInfo *xi = &gr->values[node->inputs[0]].info;
  GlobalJob j = { cnn_global_pool_select (cnn_cpu_level ()),
    cnn_exec_f32 (exec, node->inputs[0]),
    cnn_exec_f32 (exec, node->outputs[0]), 1, is_max };
  for (int i = 2; i < xi->rank; i++)
    j.plane *= xi->dims[i];
  cnn_parallel_for (exec->pool, xi->dims[0] * xi->dims[1],
      j.plane >= 4096 ? 1 : 64, global_chunk, &j);
  return CNN_OK;
}

static CnnStatus
global_avg_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  return global_pool_run (gr, node, false, exec);
}

static CnnStatus
global_max_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  return global_pool_run (gr, node, true, exec);
}

const CnnOpDef cnn_ops_pool[] = {
  { "MaxPool", maxpool_prepare, window_pool_run, NULL, pool_free_params },
  { "AveragePool", avgpool_prepare, window_pool_run, NULL, pool_free_params },
  { "GlobalAveragePool", global_pool_prepare, global_avg_run, NULL, NULL },
  { "GlobalMaxPool", global_pool_prepare, global_max_run, NULL, NULL },
  { NULL }
};
