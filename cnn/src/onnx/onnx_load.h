/* onnx_load.h — ONNX model bytes → CnnGraph (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The only door from the ONNX file format into the core: protobuf types
 * stay behind it (onnx_model.c, onnx_tensor.c, onnx_strip.c).
 * cnn_onnx_load_graph() validates everything it copies (versions, tensor
 * sizes before any allocation, external-data paths, names) and builds the
 * IR in file order; sorting, shape inference and folding are the graph
 * passes' job. The weights are held once while loading: protobuf-c
 * unpacks the model without the initializers' raw_data, which are
 * converted straight from the model bytes.
 */
#ifndef CNN_ONNX_LOAD_H
#define CNN_ONNX_LOAD_H

#include "../ir.h"

/* Accepted versions (inclusive). */
#define CNN_ONNX_IR_MIN 3
#define CNN_ONNX_IR_MAX 10
#define CNN_ONNX_OPSET_MIN 1
#define CNN_ONNX_OPSET_MAX 21
/* Hostile-input bounds: nesting of subgraphs/types (checked before
 * protobuf-c recurses into it) and node count (keeps every load-time pass,
 * some of which are quadratic in the worst case, within seconds). */
#define CNN_ONNX_MAX_NESTING 64
#define CNN_ONNX_MAX_NODES 50000

/* Rejects models whose protobuf framing is broken or whose recursive
 * message fields nest deeper than CNN_ONNX_MAX_NESTING (onnx_wire.c). */
CnnStatus cnn_onnx_check_nesting (const void *bytes, size_t size,
    CnnDiag *d);

/* Parses an ONNX ModelProto and fills g (which is reset first).
 *
 * bytes/size:  the serialized model.
 * model_dir:   folder that external-data files must lie in; NULL refuses
 *              external data.
 * opts:        default_dim, max_memory_bytes (weights only here) and input
 *              bindings; NULL means default_dim 1, no limit, no bindings.
 * g:           receives constants (initializers, bound inputs), run-time
 *              inputs (g->inputs, float32 only), node outputs, nodes in file
 *              order with node->op resolved, graph outputs, metadata.
 * d:           message on failure.
 *
 * On failure g is left empty (cnn_graph_clear). */
CnnStatus cnn_onnx_load_graph (const void *bytes, size_t size,
    const char *model_dir, const CnnModelOptions *opts, CnnGraph *g,
    CnnDiag *d);

/* A whole regular file in memory: mapped read-only (MAP_PRIVATE), or read
 * into a malloc'd buffer where the file cannot be mapped. */
typedef struct {
  const void *data;     /* size bytes; never NULL ("" for an empty file) */
  size_t size;
  bool mapped;          /* data is the mapping: its pages may be dropped */
  void *owned;          /* the mapping or the buffer; NULL if none */
} CnnFileBytes;

/* Opens path like cnn_read_file (same checks, limit and messages) and maps
 * it. Release with cnn_file_bytes_close (safe on a failed open). */
CnnStatus cnn_file_bytes_open (const char *path, uint64_t max_bytes,
    CnnFileBytes *out, CnnDiag *d);
void cnn_file_bytes_close (CnnFileBytes *f);
/* Drops the pages of a read-only file mapping that hold [p, p + len)
 * (MADV_DONTNEED, rounded out to whole pages): they leave the resident set
 * and are read back from the file if touched again. Only for mappings. */
void cnn_release_pages (const void *p, size_t len);

/* cnn_onnx_load_graph for a model file's bytes. A mapping is read once:
 * the pages of the metadata are dropped after the walk that strips the
 * weights out of it, those of every weight as soon as it is copied, so
 * the load holds the weights only once. */
CnnStatus cnn_onnx_load_graph_file (const CnnFileBytes *file,
    const char *model_dir, const CnnModelOptions *opts, CnnGraph *g,
    CnnDiag *d);

/* A graph input that is not an initializer, as declared in the file. */
typedef struct {
  char *name;
  int32_t elem_type;     /* ONNX TensorProto.DataType, 0 if not a tensor */
} CnnOnnxInputDecl;

/* Lists the graph inputs that are not initializers, in graph order, without
 * building the graph (tools use it to bind inputs before loading). Free
 * with cnn_onnx_input_decls_free. */
CnnStatus cnn_onnx_list_inputs (const void *bytes, size_t size,
    CnnOnnxInputDecl **decls_out, size_t *n_out, CnnDiag *d);
void cnn_onnx_input_decls_free (CnnOnnxInputDecl *decls, size_t n);

/* Name of an ONNX TensorProto.DataType ("float32", "int64", "bool" …). */
const char *cnn_onnx_type_name (int32_t onnx_type);

/* Reads a whole regular file into a malloc'd buffer (NUL-terminated,
 * the terminator is not counted in *size_out). Files larger than max_bytes
 * (0 = no limit) are refused with CNN_ERR_LIMIT. */
CnnStatus cnn_read_file (const char *path, uint64_t max_bytes,
    void **data_out, size_t *size_out, CnnDiag *d);

#endif /* CNN_ONNX_LOAD_H */
