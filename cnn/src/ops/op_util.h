/* op_util.h — small helpers shared by the light operators (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input/output count checks, reading constant integer inputs (shapes,
 * axes, pads), axis normalisation and output info setting. Every helper
 * that can fail writes a message with cnn_fail() and returns its status;
 * none of them allocates.
 */
#ifndef CNN_OP_UTIL_H
#define CNN_OP_UTIL_H

#include "ops.h"

/* Checks min_in <= present-or-absent input count <= max_in and the same
 * for outputs, and that the first min_in inputs / first output exist. */
CnnStatus cnn_op_check_arity (const CnnNode *node, int min_in, int max_in,
    int min_out, int max_out, CnnDiag *d);

/* True when input i is present (index >= 0). */
bool cnn_op_has_input (const CnnNode *node, int i);

/* True when input i is present, constant and has data. */
bool cnn_op_input_const (const CnnGraph *g, const CnnNode *node, int i);

/* True when every present input is constant (the node will be folded). */
bool cnn_op_all_inputs_const (const CnnGraph *g, const CnnNode *node);

/* Reads constant integer input i (int64 or int32, rank 0 or 1) into
 * out[0..max); *n_out gets the count. what names the input in messages
 * ("shape", "axes"). Fails when not constant, wrong type or too long. */
CnnStatus cnn_op_const_ints (const CnnGraph *g, const CnnNode *node, int i,
    const char *what, int64_t *out, size_t max, size_t *n_out, CnnDiag *d);

/* Reads a constant scalar input i (float32, or int64 converted) into *out.
 * Used for optional Clip bounds and Pad's constant_value. */
CnnStatus cnn_op_const_scalar (const CnnGraph *g, const CnnNode *node, int i,
    const char *what, float *out, CnnDiag *d);

/* Normalises axis (negative counts from the end) for rank; fails with
 * "<what> 5 is out of range for rank 4". */
CnnStatus cnn_op_norm_axis (int64_t axis, int rank, const char *what,
    int *out, CnnDiag *d);

/* Normalises a list of axes into a bit mask over rank dims; fails on an
 * out-of-range or repeated axis. */
CnnStatus cnn_op_axes_mask (const int64_t *axes, size_t n, int rank,
    const char *what, unsigned *mask_out, CnnDiag *d);

/* Sets output i's info (shape_known = true); checks the element count
 * does not overflow. */
CnnStatus cnn_op_set_output (CnnGraph *g, const CnnNode *node, int i,
    const CnnTensorInfo *info, CnnDiag *d);

/* Requires the input's dtype to be float32, or (when allow_int64 and the
 * input is constant) int64. */
CnnStatus cnn_op_check_dtype (const CnnGraph *g, const CnnNode *node, int i,
    bool allow_int64, CnnDiag *d);

/* Name of an ONNX TensorProto data type ("float16", "bool" …). */
const char *cnn_op_dtype_name (int64_t onnx_type);

/* Row-major element strides of info into strides[0..rank). */
void cnn_op_strides (const CnnTensorInfo *info, int64_t *strides);

/* Copies bytes from src to dst unless they are the same buffer. */
void cnn_op_copy (void *dst, const void *src, size_t bytes);

#endif /* CNN_OP_UTIL_H */
