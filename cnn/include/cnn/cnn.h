/* cnn.h — public API of the gst-cnn inference core.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: pure C11, no global mutable state visible to callers, no
 * exit()/abort() on any input. Every call returns a CnnStatus; load errors are
 * written to a caller-provided CnnError, session errors are kept on the
 * session (cnn_session_last_error). A CnnModel is immutable after load and
 * reference-counted, so many sessions on many threads may share it. A
 * CnnSession belongs to one thread at a time and never allocates inside
 * cnn_session_run().
 *
 * Worked example — classify one 224x224 RGB image:
 *
 *   CnnError err;
 *   CnnModel *model = NULL;
 *   if (cnn_model_load_file ("squeezenet.onnx", NULL, &model, &err) != CNN_OK) {
 *     fprintf (stderr, "%s\n", err.message);
 *     return 1;
 *   }
 *   CnnSessionOptions so;
 *   cnn_session_options_init (&so);
 *   so.threads = 2;
 *   CnnSession *session = NULL;
 *   if (cnn_session_new (model, &so, &session, &err) != CNN_OK) { ... }
 *
 *   float *in = cnn_session_input_data (session, 0);      // NCHW float32
 *   fill_with_normalised_pixels (in);
 *   if (cnn_session_run (session) != CNN_OK)
 *     fprintf (stderr, "%s\n", cnn_session_last_error (session));
 *   const float *scores = cnn_session_output_data (session, 0);
 *
 *   cnn_session_free (session);
 *   cnn_model_unref (model);
 */
#ifndef CNN_CNN_H
#define CNN_CNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CNN_BUILDING)
#define CNN_API __attribute__ ((visibility ("default")))
#else
#define CNN_API
#endif

/* Largest tensor rank the core handles. */
#define CNN_MAX_RANK 8
/* Size of the text buffer in CnnError. */
#define CNN_ERROR_MAX 512

typedef enum {
  CNN_OK = 0,
  CNN_ERR_ARGUMENT,      /* NULL handle, index out of range, bad option */
  CNN_ERR_IO,            /* file missing or unreadable */
  CNN_ERR_PARSE,         /* not a valid ONNX protobuf / TensorProto */
  CNN_ERR_INVALID_MODEL, /* well-formed protobuf but inconsistent graph */
  CNN_ERR_UNSUPPORTED,   /* valid ONNX that this core cannot run */
  CNN_ERR_SHAPE,         /* shapes do not fit together */
  CNN_ERR_NO_MEMORY,     /* allocation failed */
  CNN_ERR_LIMIT,         /* a configured size limit would be exceeded */
} CnnStatus;

/* Element types; the numbers are ONNX's TensorProto.DataType values. Inside
 * a session, run-time tensors are always CNN_DTYPE_FLOAT32; INT64 tensors
 * exist only as constants (shape arithmetic, indices). */
typedef enum {
  CNN_DTYPE_UNDEFINED = 0,
  CNN_DTYPE_FLOAT32 = 1,
  CNN_DTYPE_INT32 = 6,
  CNN_DTYPE_INT64 = 7,
  CNN_DTYPE_FLOAT16 = 10,
} CnnDType;

/* Error text of a failed load or session creation. */
typedef struct {
  CnnStatus status;
  char message[CNN_ERROR_MAX];
} CnnError;

/* Shape and type of a tensor. dims[i] < 0 means unknown (symbolic). */
typedef struct {
  CnnDType dtype;
  int rank;
  int64_t dims[CNN_MAX_RANK];
} CnnTensorInfo;

/* A tensor with owned data, as read from / written to TensorProto files. */
typedef struct {
  CnnTensorInfo info;
  void *data;        /* numel * element size bytes, owned */
  char *name;        /* owned, may be NULL */
} CnnTensor;

/* Fixes a graph input at load time: its shape (replacing symbolic dims)
 * and, when data != NULL, its value (the input becomes a constant and is
 * folded; this is how int64 shape/index inputs are given). */
typedef struct {
  const char *name;       /* graph input name */
  CnnTensorInfo info;     /* dtype must match the graph's declaration */
  const void *data;       /* NULL: shape only */
} CnnInputBinding;

typedef struct {
  /* Value given to symbolic dimensions (e.g. batch "N"). Default 1. */
  int64_t default_dim;
  /* Refuse models whose weights + planned memory exceed this (bytes).
   * Default 2 GiB; 0 = no limit. */
  uint64_t max_memory_bytes;
  /* Optional bindings for graph inputs (see CnnInputBinding). */
  const CnnInputBinding *bindings;
  size_t n_bindings;
} CnnModelOptions;

typedef struct {
  /* Worker threads for this session; 0 = number of online CPUs. */
  int threads;
} CnnSessionOptions;

typedef struct CnnModel CnnModel;
typedef struct CnnSession CnnSession;

/* ---- options ---------------------------------------------------------- */
CNN_API void cnn_model_options_init (CnnModelOptions *opts);
CNN_API void cnn_session_options_init (CnnSessionOptions *opts);

/* ---- model ------------------------------------------------------------ */
/* Parse an ONNX file; external data is read from the file's folder only.
 * opts may be NULL (defaults); err may be NULL. */
CNN_API CnnStatus cnn_model_load_file (const char *path, const CnnModelOptions *opts,
    CnnModel **model_out, CnnError *err);
/* Same from memory; external-data tensors are refused (no folder). */
CNN_API CnnStatus cnn_model_load_memory (const void *bytes, size_t size,
    const CnnModelOptions *opts, CnnModel **model_out, CnnError *err);
CNN_API CnnModel *cnn_model_ref (CnnModel *model);
CNN_API void cnn_model_unref (CnnModel *model);

/* Run-time inputs (graph inputs that are neither initializers nor bound)
 * and graph outputs, with their planned shapes. name_out may be NULL. */
CNN_API size_t cnn_model_input_count (const CnnModel *model);
CNN_API size_t cnn_model_output_count (const CnnModel *model);
CNN_API CnnStatus cnn_model_input_info (const CnnModel *model, size_t index,
    const char **name_out, CnnTensorInfo *info_out);
CNN_API CnnStatus cnn_model_output_info (const CnnModel *model, size_t index,
    const char **name_out, CnnTensorInfo *info_out);

/* ONNX metadata_props: value of key, or NULL. */
CNN_API const char *cnn_model_metadata (const CnnModel *model, const char *key);
CNN_API size_t cnn_model_metadata_count (const CnnModel *model);
CNN_API CnnStatus cnn_model_metadata_at (const CnnModel *model, size_t index,
    const char **key_out, const char **value_out);

/* Bytes of constant data (weights) the model holds, and bytes of the arena
 * one session will allocate for a given thread count (as in
 * CnnSessionOptions: 0 = the number of online CPUs). */
CNN_API uint64_t cnn_model_weight_bytes (const CnnModel *model);
CNN_API uint64_t cnn_model_arena_bytes (const CnnModel *model, int threads);
/* Number of nodes left after folding and fusion (for diagnostics). */
CNN_API size_t cnn_model_node_count (const CnnModel *model);

/* ---- session ---------------------------------------------------------- */
CNN_API CnnStatus cnn_session_new (CnnModel *model, const CnnSessionOptions *opts,
    CnnSession **session_out, CnnError *err);
CNN_API void cnn_session_free (CnnSession *session);

/* Buffers of run-time input i / output i (float32, shape as in
 * cnn_model_*_info). Valid until cnn_session_free. Write inputs, call
 * cnn_session_run, read outputs. NULL for a bad index. */
CNN_API float *cnn_session_input_data (CnnSession *session, size_t index);
CNN_API const float *cnn_session_output_data (const CnnSession *session, size_t index);

/* Copy helper: bytes must equal the input's size in bytes. Wakes the
 * session's idle worker threads first (as cnn_session_wake). */
CNN_API CnnStatus cnn_session_set_input (CnnSession *session, size_t index,
    const float *data, size_t bytes);

/* Optional hint that a run follows soon, for callers that write the input
 * in place (cnn_session_input_data): idle worker threads start waking now,
 * while the input is written, and poll for the run for a few ms before
 * they sleep again, so the run's first layer does not wait for them.
 * No effect with one thread or a NULL session. */
CNN_API void cnn_session_wake (CnnSession *session);

/* One inference. Allocates nothing. */
CNN_API CnnStatus cnn_session_run (CnnSession *session);
/* Text of the last failed call on this session ("" if none). */
CNN_API const char *cnn_session_last_error (const CnnSession *session);
CNN_API int cnn_session_threads (const CnnSession *session);

/* ---- tensors (ONNX TensorProto files, as in ONNX's test data) --------- */
CNN_API CnnStatus cnn_tensor_read_pb (const void *bytes, size_t size,
    CnnTensor *tensor_out, CnnError *err);
CNN_API CnnStatus cnn_tensor_load_pb (const char *path, CnnTensor *tensor_out,
    CnnError *err);
/* Writes float32 or int64 tensors with dims, name and raw_data. */
CNN_API CnnStatus cnn_tensor_save_pb (const char *path, const CnnTensor *tensor,
    CnnError *err);
CNN_API void cnn_tensor_clear (CnnTensor *tensor);

/* ---- helpers ---------------------------------------------------------- */
CNN_API int64_t cnn_tensor_info_numel (const CnnTensorInfo *info); /* -1 if unknown */
CNN_API size_t cnn_dtype_size (CnnDType dtype); /* 0 for unsupported */
CNN_API const char *cnn_status_name (CnnStatus status);
CNN_API const char *cnn_version (void);

#ifdef __cplusplus
}
#endif
#endif /* CNN_CNN_H */
