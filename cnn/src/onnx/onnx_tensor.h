/* onnx_tensor.h — TensorProto → (CnnTensorInfo, data) conversion (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared by the initializer and attribute paths of onnx_model.c, by input
 * bindings and by the public cnn_tensor_*_pb functions, so every tensor
 * entering the core is checked and converted by one implementation:
 *   FLOAT, FLOAT16, DOUBLE -> CNN_DTYPE_FLOAT32
 *   INT64, INT32           -> CNN_DTYPE_INT64
 * Any other element type is CNN_ERR_UNSUPPORTED. Sizes are validated
 * before anything is allocated. Only onnx/ files include this header.
 */
#ifndef CNN_ONNX_TENSOR_H
#define CNN_ONNX_TENSOR_H

#include "../ir.h"
#include "onnx.pb-c.h"

/* ONNX TensorProto.DataType numbers used here. */
enum {
  CNN_ONNX_FLOAT = 1,
  CNN_ONNX_INT32 = 6,
  CNN_ONNX_INT64 = 7,
  CNN_ONNX_FLOAT16 = 10,
  CNN_ONNX_DOUBLE = 11,
};

/* ---- initializer payloads kept out of protobuf-c (onnx_strip.c) ------- */

/* Where one raw_data payload lies in the original model bytes. */
typedef struct {
  size_t offset;
  size_t length;
} CnnOnnxSpan;

/* A model whose top-level initializers' raw_data payloads were replaced by
 * references (see onnx_strip.c): bytes/size unpack with protobuf-c like the
 * original, but small; base holds the payloads and must outlive the
 * conversion of the initializers. */
typedef struct {
  uint8_t *bytes;         /* stripped model, malloc'd (freed after unpack) */
  size_t size;
  const uint8_t *base;    /* the original model bytes */
  CnnOnnxSpan *spans;     /* payload n of the references */
  size_t n_spans;
  bool release;           /* base is a file mapping: drop pages once read */
} CnnOnnxStripped;

/* Builds out from the model bytes [bytes, bytes + size). Broken framing
 * (anything protobuf-c would refuse in the parts walked) is CNN_ERR_PARSE;
 * nothing outside the bytes is read. On failure out is empty. */
CnnStatus cnn_onnx_strip (const void *bytes, size_t size,
    CnnOnnxStripped *out, CnnDiag *d);
/* Frees the stripped bytes only (once protobuf-c has unpacked them). */
void cnn_onnx_strip_free_bytes (CnnOnnxStripped *s);
/* Frees everything (safe on an empty or cleared struct). */
void cnn_onnx_strip_clear (CnnOnnxStripped *s);
/* The payload that the reference in raw_data (an initializer's field as
 * unpacked from s->bytes) stands for; false if it is no valid reference. */
bool cnn_onnx_strip_lookup (const CnnOnnxStripped *s,
    const ProtobufCBinaryData *raw_data, const uint8_t **data_out,
    size_t *len_out);

/* Where tensor data may come from and how much of it is allowed. */
typedef struct {
  const char *model_dir;  /* external data folder; NULL = refused */
  uint64_t limit;         /* max total converted bytes; 0 = no limit */
  uint64_t used;          /* converted bytes so far (updated) */
  /* set while loading a stripped model: top-level initializers' raw_data
   * are references into it (cnn_onnx_initializer_convert) */
  const CnnOnnxStripped *stripped;
} CnnOnnxDataCtx;

/* Converts one TensorProto. what names it in messages ("initializer 'w'").
 * On success *data_out is malloc'd (at least 1 byte, even for 0 elements)
 * and ctx->used grows by its size. float32/int64 raw_data on a
 * little-endian host is taken over instead of copied (tp->raw_data is
 * cleared), so a model's weights are not held twice while loading. */
CnnStatus cnn_onnx_tensor_convert (Onnx__TensorProto *tp,
    CnnOnnxDataCtx *ctx, const char *what, CnnTensorInfo *info_out,
    void **data_out, CnnDiag *d);

/* The same for an initializer of the top-level graph. With ctx->stripped
 * set, its raw_data is a reference and the bytes are converted from the
 * original model bytes (same checks and messages, with the payload's
 * real length); for a file mapping the pages read are dropped as they are
 * copied, so they never add up in the resident set. */
CnnStatus cnn_onnx_initializer_convert (Onnx__TensorProto *tp,
    CnnOnnxDataCtx *ctx, const char *what, CnnTensorInfo *info_out,
    void **data_out, CnnDiag *d);

/* Converts numel host-order elements of ONNX type onnx_type (FLOAT,
 * FLOAT16, DOUBLE, INT64, INT32) into a new buffer of the core type.
 * Used for bound input data. */
CnnStatus cnn_onnx_convert_host (int32_t onnx_type, const void *src,
    int64_t numel, CnnOnnxDataCtx *ctx, const char *what,
    CnnDType *dtype_out, void **data_out, CnnDiag *d);

/* Core dtype an ONNX type converts to, CNN_DTYPE_UNDEFINED if none. */
CnnDType cnn_onnx_core_dtype (int32_t onnx_type);

/* ---- external data (onnx_external.c) ---------------------------------- */

/* An opened, validated external-data range. */
typedef struct {
  int fd;
  uint64_t offset;
  uint64_t length;
} CnnOnnxExternal;

/* Resolves tp's external_data entries inside model_dir: the location must
 * be relative, without '..' components, and its real path must stay inside
 * the real model_dir; offset + length must lie within the file and length
 * must equal expect_bytes. Nothing is read yet. */
CnnStatus cnn_onnx_external_open (const Onnx__TensorProto *tp,
    const char *model_dir, const char *what, uint64_t expect_bytes,
    CnnOnnxExternal *ext, CnnDiag *d);
/* Reads the whole range into dst (ext->length bytes) and closes it. */
CnnStatus cnn_onnx_external_read (CnnOnnxExternal *ext, void *dst,
    const char *what, CnnDiag *d);
void cnn_onnx_external_close (CnnOnnxExternal *ext);

#endif /* CNN_ONNX_TENSOR_H */
