/* model_builder.h — builds small ONNX models in memory for loader tests.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tests make every model (good and malformed) from C with the
 * protobuf-c structs, so no binary model is committed. Every pointer a
 * TbModel hands out stays owned by it; tests may poke at the returned
 * protobuf structs (wrong sizes, types, names) before tb_pack().
 */
#ifndef TB_MODEL_BUILDER_H
#define TB_MODEL_BUILDER_H

#include "onnx.pb-c.h"

#include <stddef.h>
#include <stdint.h>

typedef struct TbModel TbModel;

/* A model with the given IR version and default-domain opset, graph "g". */
TbModel *tb_new (int64_t ir_version, int64_t opset);
void tb_free (TbModel *m);
Onnx__ModelProto *tb_proto (TbModel *m);

/* Memory owned by the model (zeroed) and string copies. */
void *tb_alloc (TbModel *m, size_t size);
char *tb_strdup (TbModel *m, const char *s);

/* A TensorProto (not yet attached). data: n floats as raw_data, or NULL
 * for no data at all. */
Onnx__TensorProto *tb_tensor_f32 (TbModel *m, const char *name, int rank,
    const int64_t *dims, const float *data);
/* An int64 tensor with raw_data. */
Onnx__TensorProto *tb_tensor_i64 (TbModel *m, const char *name, int rank,
    const int64_t *dims, const int64_t *data);
/* Appends t to the graph's initializers; returns t. */
Onnx__TensorProto *tb_add_initializer (TbModel *m, Onnx__TensorProto *t);

/* Graph input of elem_type; dims[i] < 0 becomes the symbolic dim "N".
 * rank < 0: no shape at all. */
Onnx__ValueInfoProto *tb_input (TbModel *m, const char *name,
    int32_t elem_type, int rank, const int64_t *dims);
Onnx__ValueInfoProto *tb_output (TbModel *m, const char *name);

/* Node with comma-separated input/output names ("x,,w": empty = absent). */
Onnx__NodeProto *tb_node (TbModel *m, const char *op_type, const char *name,
    const char *inputs, const char *outputs);
Onnx__AttributeProto *tb_attr_int (TbModel *m, Onnx__NodeProto *n,
    const char *name, int64_t v);
Onnx__AttributeProto *tb_attr_float (TbModel *m, Onnx__NodeProto *n,
    const char *name, float v);
Onnx__AttributeProto *tb_attr_ints (TbModel *m, Onnx__NodeProto *n,
    const char *name, size_t count, const int64_t *v);
Onnx__AttributeProto *tb_attr_string (TbModel *m, Onnx__NodeProto *n,
    const char *name, const char *v);
Onnx__AttributeProto *tb_attr_tensor (TbModel *m, Onnx__NodeProto *n,
    const char *name, Onnx__TensorProto *t);

/* Adds a metadata_props entry. */
void tb_meta (TbModel *m, const char *key, const char *value);
/* Adds an external_data key/value entry to t and marks it EXTERNAL. */
void tb_external (TbModel *m, Onnx__TensorProto *t, const char *key,
    const char *value);

/* The small model several tests start from: x[1,2,2,4] + b -> Add
 * "add0" -> t -> Relu "relu0" -> y, with b the initializer [4] holding
 * tb_small_b; opset 13, IR 8. */
extern const float tb_small_b[4];
TbModel *tb_small_model (void);

/* Serialized model (malloc'd, caller frees). */
uint8_t *tb_pack (TbModel *m, size_t *size_out);
/* Serializes into path; 0 on success. */
int tb_write (TbModel *m, const char *path);

/* Writes bytes to path; 0 on success. */
int tb_write_bytes (const char *path, const void *bytes, size_t size);

/* A fresh folder under $TMPDIR (or /tmp), and its recursive removal. The
 * returned path is malloc'd. */
char *tb_tmpdir_new (void);
void tb_rmtree (const char *path);

#endif /* TB_MODEL_BUILDER_H */
