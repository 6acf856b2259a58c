/* spatial.h — window geometry shared by Conv and the pooling ops (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cnn_spatial_resolve reads kernel_shape, strides, dilations, pads and
 * auto_pad of a Conv/MaxPool/AveragePool node for spatial rank 1..3 and
 * computes the output size and the begin/end padding, following the ONNX
 * operator spec (SAME_UPPER puts the odd padding at the end, SAME_LOWER at
 * the beginning; ceil_mode drops a last window that would start inside the
 * end padding, as PyTorch and ONNX Runtime do). Errors are CNN_ERR_SHAPE
 * or CNN_ERR_INVALID_MODEL with a message naming the attribute or sizes.
 */
#ifndef CNN_OPS_SPATIAL_H
#define CNN_OPS_SPATIAL_H

#include "ops.h"
#include "../kernels/pooling.h"

#define CNN_SPATIAL_MAX 3

typedef struct {
  int rank;                             /* spatial rank, 1..3 */
  int64_t in[CNN_SPATIAL_MAX];          /* input size per spatial axis */
  int64_t k[CNN_SPATIAL_MAX];           /* kernel (window) size */
  int64_t stride[CNN_SPATIAL_MAX];
  int64_t dil[CNN_SPATIAL_MAX];
  int64_t pad_begin[CNN_SPATIAL_MAX];
  int64_t pad_end[CNN_SPATIAL_MAX];
  int64_t out[CNN_SPATIAL_MAX];         /* output size per spatial axis */
} CnnSpatial;

/* kernel: the window from the weights (Conv), or NULL to require the
 * kernel_shape attribute (pooling). in: rank spatial input sizes. */
CnnStatus cnn_spatial_resolve (const CnnNode *node, int rank,
    const int64_t *in, const int64_t *kernel, bool ceil_mode,
    CnnSpatial *sp, CnnDiag *d);

/* The window sp into g's spatial fields (in, out, k, stride, dil, pad),
 * three axes with leading 1s (kernels/conv_geom.h). */
void cnn_spatial_window (const CnnSpatial *sp, CnnConvGeom *g);

/* The window of a MaxPool / AveragePool node (its attributes, ceil_mode
 * and count_include_pad included) over an input of shape x (n, c, rank
 * spatial sizes) as a pooling kernel geometry (kernels/pooling.h). */
CnnStatus cnn_pool_geom_resolve (const CnnNode *node, const CnnTensorInfo *x,
    bool is_max, CnnPoolGeom *pg, CnnSpatial *sp, CnnDiag *d);

/* The window of a prepared MaxPool / AveragePool node, NULL for any other
 * node (ops/pool.c). */
const CnnPoolGeom *cnn_pool_node_geom (const CnnNode *node);

/* Formats n sizes as "5x5" into buf. */
const char *cnn_format_sizes (const int64_t *v, int n, char *buf,
    size_t len);

/* Fails with "<what> must be float32, got <type>" unless v is float32. */
CnnStatus cnn_require_f32 (const CnnValue *v, const char *what, CnnDiag *d);

/* Loads BLAS for an op whose plan runs on cnn_sgemm (kernels/gemm.h);
 * fails with why it cannot be loaded. */
CnnStatus cnn_require_blas (CnnDiag *d);

#endif /* CNN_OPS_SPATIAL_H */
