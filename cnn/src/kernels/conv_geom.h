/* conv_geom.h — convolution geometry and the reference convolution
 * (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every convolution is described in three spatial dimensions (D, H, W); a
 * 1-D or 2-D convolution has leading sizes of 1 (kernel 1, stride 1,
 * dilation 1, pad 0), so one set of kernels serves ranks 1 to 3. Tensors
 * are dense NCDHW float32:
 *   x    is (n, c, in[0], in[1], in[2])
 *   w    is (oc, c / group, k[0], k[1], k[2])
 *   bias is (oc) or NULL
 *   out  is (n, oc, out[0], out[1], out[2])
 * Output channel o of group gi = o / (oc / group) reads input channels
 * gi * (c / group) .. (gi + 1) * (c / group) - 1.
 */
#ifndef CNN_KERNELS_CONV_GEOM_H
#define CNN_KERNELS_CONV_GEOM_H

#include <stdint.h>

/* Domain of a Conv node into which graph_fuse.c folded a following Add:
 * such a node has a fourth input R (the output's shape) and computes
 * act (conv + bias + R). The ONNX loader accepts only the default domain,
 * so a model cannot produce it. */
#define CNN_CONV_FUSED_DOMAIN "gst-cnn.fused"

/* Domain of a 1x1 Conv into which graph_fuse.c folded the depthwise Conv
 * producing its input: inputs X (the depthwise input), W, B, R (as
 * above; B and R may be -1), W and B of the depthwise convolution; its
 * attributes and activation are the node's pre_attrs and pre_act (ir.h).
 * It computes act (W x pre_act (depthwise (X)) + B + R), band of rows by
 * band of rows (ops/conv_dwpw.c). */
#define CNN_CONV_DWPW_DOMAIN "gst-cnn.dwpw"

/* Domain of a Conv into which graph_fuse.c folded the MaxPool reading its
 * output: inputs X, W, B (no residual); the pool's attributes are the
 * node's post_attrs (ir.h); its output is the pool's. It computes
 * maxpool (act (conv (X) + B)), band of rows by band of rows
 * (ops/conv_pool.c). */
#define CNN_CONV_POOL_DOMAIN "gst-cnn.convpool"

typedef struct {
  int64_t n;              /* batch */
  int64_t c, oc, group;   /* input channels, output channels, groups */
  int64_t in[3];          /* input D, H, W */
  int64_t out[3];         /* output D, H, W */
  int64_t k[3];           /* kernel D, H, W */
  int64_t stride[3];
  int64_t dil[3];
  int64_t pad[3];         /* padding before each axis (the end is implied
                           * by out) */
} CnnConvGeom;

/* Output positions [lo, hi) of one axis (n of them) whose input position
 * o * s + off lies in [0, w): the taps of a kernel element that read real
 * input rather than padding. */
static inline void
cnn_conv_valid_range (int64_t off, int64_t s, int64_t w, int64_t n,
    int64_t *lo, int64_t *hi)
{
  int64_t a, b;
  if (s == 1) {                   /* the common case, without divisions */
    a = off >= 0 ? 0 : -off;
    b = w - off < 0 ? 0 : w - off;
  } else {
    a = off >= 0 ? 0 : (-off + s - 1) / s;
    b = w - 1 - off < 0 ? 0 : (w - 1 - off) / s + 1;
  }
  *lo = a < n ? a : n;
  *hi = b < n ? b : n;
  if (*hi < *lo)
    *hi = *lo;
}

static inline int64_t
cnn_conv_geom_in_size (const CnnConvGeom *g)
{
  return g->in[0] * g->in[1] * g->in[2];
}

static inline int64_t
cnn_conv_geom_out_size (const CnnConvGeom *g)
{
  return g->out[0] * g->out[1] * g->out[2];
}

static inline int64_t
cnn_conv_geom_k_size (const CnnConvGeom *g)
{
  return g->k[0] * g->k[1] * g->k[2];
}

/* Plain reference: direct loops, double accumulation, no fused activation.
 * The fast paths in ops/conv.c are tested against it. */
void cnn_conv_ref (const CnnConvGeom *g, const float *x, const float *w,
    const float *bias, float *out);

#endif /* CNN_KERNELS_CONV_GEOM_H */
