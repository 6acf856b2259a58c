/* broadcast.h — numpy-style broadcasting for element-wise ops (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shapes are aligned on the right; a dim of 1 (or a missing leading dim)
 * stretches to the other operand's size. Two ways to compute:
 *
 *  - the reference (cnn_bcast_ref_*): every output element maps its
 *    coordinates back to each input by division/modulo. Plain and slow;
 *    also used for int64 constant folding.
 *  - the fast walker (cnn_bcast_plan + cnn_bcast_binary_f32): dims of size
 *    1 are dropped and adjacent dims merged while both inputs stay
 *    contiguous across them, so same-shape inputs become one flat loop, a
 *    scalar operand one loop against a constant, and a per-channel operand
 *    ((N,C,H,W) with (C,1,1)) rows of H*W against one value per row. The
 *    walker processes any sub-range [begin, end) of the output, so a thread
 *    pool can split it. It never allocates.
 */
#ifndef CNN_BROADCAST_H
#define CNN_BROADCAST_H

#include "../ir.h"

typedef enum {
  CNN_BIN_ADD,
  CNN_BIN_SUB,
  CNN_BIN_MUL,
  CNN_BIN_DIV,
  CNN_BIN_PRELU, /* a < 0 ? a * b : a  (b is the slope) */
  CNN_BIN_MAX,
  CNN_BIN_MIN,
  CNN_BIN_COPY,  /* out = a (b ignored): broadcasting copy for Expand */
} CnnBinOp;

/* Coalesced iteration plan: out dims plus each input's element strides
 * (0 along broadcast dims). rank >= 1. */
typedef struct {
  int rank;
  int64_t dims[CNN_MAX_RANK];
  int64_t stride[2][CNN_MAX_RANK];
  int64_t numel;
} CnnBcast;

/* Multidirectional broadcast shape of a and b into *out (dtype of a).
 * Fails with CNN_ERR_SHAPE "cannot broadcast [2,3] with [4]". */
CnnStatus cnn_broadcast_dims (const CnnTensorInfo *a, const CnnTensorInfo *b,
    CnnTensorInfo *out, CnnDiag *d);

/* Unidirectional: can `from` be broadcast to `to` (from's rank <= to's,
 * each dim equal or 1)? Fails with CNN_ERR_SHAPE otherwise. */
CnnStatus cnn_broadcast_check_to (const CnnTensorInfo *from,
    const CnnTensorInfo *to, CnnDiag *d);

/* Element strides of `in` read with shape `out` (right-aligned, 0 where in
 * has size 1 or no dim). strides has out->rank entries. */
void cnn_broadcast_strides (const CnnTensorInfo *in, const CnnTensorInfo *out,
    int64_t *strides);

/* Builds the coalesced plan for out from inputs a and b (b may be NULL). */
void cnn_bcast_plan (CnnBcast *p, const CnnTensorInfo *out,
    const CnnTensorInfo *a, const CnnTensorInfo *b);

/* Fast walker: out[i] = op (a[.], b[.]) for flat output i in [begin, end). */
void cnn_bcast_binary_f32 (const CnnBcast *p, CnnBinOp op, float *out,
    const float *a, const float *b, int64_t begin, int64_t end);

/* Reference: out (shape out_info) = op (a, b) by per-element index
 * arithmetic. b / b_info may be NULL for CNN_BIN_COPY. */
void cnn_bcast_ref_f32 (CnnBinOp op, const CnnTensorInfo *out_info,
    float *out, const CnnTensorInfo *a_info, const float *a,
    const CnnTensorInfo *b_info, const float *b);

/* int64 version of the reference (constant folding of shape arithmetic).
 * Division truncates toward zero; division by zero and INT64_MIN / -1 fail
 * with CNN_ERR_INVALID_MODEL. PRelu is not defined for int64. */
CnnStatus cnn_bcast_ref_i64 (CnnBinOp op, const CnnTensorInfo *out_info,
    int64_t *out, const CnnTensorInfo *a_info, const int64_t *a,
    const CnnTensorInfo *b_info, const int64_t *b, CnnDiag *d);

#endif /* CNN_BROADCAST_H */
