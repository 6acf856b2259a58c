/* onnx_tensor.c — TensorProto conversion and the public cnn_tensor_* I/O.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One implementation turns any TensorProto (initializer, Constant/attribute
 * tensor, ONNX test-data .pb file) into core data: float types become
 * float32, integer types int64 (see onnx_tensor.h). Every size is checked
 * against the dims before a byte is allocated; data in raw_data and in
 * external files is little-endian as ONNX specifies, and is decoded
 * portably. The top-level initializers of a model are unpacked without
 * their raw_data (onnx_strip.c): their payloads are converted straight
 * from the model bytes, and from a file mapping the pages read are
 * dropped as they are copied. Tensor data comes from cnn_aligned_alloc
 * (64-byte aligned), so kernels reading weights in place (Gemm's rows in
 * gemv.c) never split a vector load over two cache lines (malloc's 16-byte
 * alignment made small28 7 % slower). Writing (cnn_tensor_save_pb) emits
 * dims, data_type, name and raw_data for float32 and int64 tensors.
 */
#include "onnx_tensor.h"
#include "../bigalloc.h"
#include "onnx_load.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_IS_LE 1
#else
#define HOST_IS_LE 0
#endif

const char *
cnn_onnx_type_name (int32_t t)
{
  static const char *const names[] = {
    "undefined", "float32", "uint8", "int8", "uint16", "int16", "int32",
    "int64", "string", "bool", "float16", "double", "uint32", "uint64",
    "complex64", "complex128", "bfloat16",
  };
  if (t >= 0 && t < (int32_t) (sizeof names / sizeof names[0]))
    return names[t];
  return "unknown";
}

CnnDType
cnn_onnx_core_dtype (int32_t t)
{
  switch (t) {
    case CNN_ONNX_FLOAT:
    case CNN_ONNX_FLOAT16:
    case CNN_ONNX_DOUBLE:
      return CNN_DTYPE_FLOAT32;
    case CNN_ONNX_INT64:
    case CNN_ONNX_INT32:
      return CNN_DTYPE_INT64;
    default:
      return CNN_DTYPE_UNDEFINED;
  }
}

/* Bytes per element of an ONNX type as stored in raw_data / files. */
static size_t
onnx_elem_size (int32_t t)
{
  switch (t) {
    case CNN_ONNX_FLOAT16:
      return 2;
    case CNN_ONNX_FLOAT:
    case CNN_ONNX_INT32:
      return 4;
    case CNN_ONNX_INT64:
    case CNN_ONNX_DOUBLE:
      return 8;
    default:
      return 0;
  }
}

static float
half_to_float (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  uint32_t bits;
  float f;

  if (exp == 0) {
    /* zero or subnormal: man * 2^-24 */
    f = (float) man * 0x1p-24f;
    return sign ? -f : f;
  }
  if (exp == 31)
    bits = sign | 0x7f800000u | (man << 13);
  else
    bits = sign | ((exp + 112u) << 23) | (man << 13);
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* double -> float without undefined behaviour for out-of-range values. */
static float
double_to_float (double x)
{
  if (x > FLT_MAX)
    return INFINITY;
  if (x < -FLT_MAX)
    return -INFINITY;
  return (float) x;
}

static uint64_t
load_le (const uint8_t *p, size_t nbytes)
{
  uint64_t v = 0;
  for (size_t i = nbytes; i > 0; i--)
    v = (v << 8) | p[i - 1];
  return v;
}

/* Decodes n little-endian elements of ONNX type t at src into dst (core
 * type: float for float types, int64_t for integer types). */
static void
convert_le (int32_t t, const uint8_t *src, size_t n, void *dst)
{
  float *f = dst;
  int64_t *q = dst;

  if (n == 0)
    return;
  if (HOST_IS_LE && (t == CNN_ONNX_FLOAT || t == CNN_ONNX_INT64)) {
    memcpy (dst, src, n * onnx_elem_size (t));
    return;
  }
  for (size_t i = 0; i < n; i++) {
    switch (t) {
      case CNN_ONNX_FLOAT:{
        uint32_t b = (uint32_t) load_le (src + 4 * i, 4);
        memcpy (&f[i], &b, 4);
        break;
      }
      case CNN_ONNX_FLOAT16:
        f[i] = half_to_float ((uint16_t) load_le (src + 2 * i, 2));
        break;
      case CNN_ONNX_DOUBLE:{
        uint64_t b = load_le (src + 8 * i, 8);
        double x;
        memcpy (&x, &b, 8);
        f[i] = double_to_float (x);
        break;
      }
      case CNN_ONNX_INT64:
        q[i] = (int64_t) load_le (src + 8 * i, 8);
        break;
      case CNN_ONNX_INT32:
        q[i] = (int32_t) (uint32_t) load_le (src + 4 * i, 4);
        break;
    }
  }
}

/* Decodes n host-order elements of ONNX type t at src into dst. */
static void
convert_host (int32_t t, const void *src, size_t n, void *dst)
{
  float *f = dst;
  int64_t *q = dst;

  if (n == 0)
    return;
  switch (t) {
    case CNN_ONNX_FLOAT:
    case CNN_ONNX_INT64:
      memcpy (dst, src, n * onnx_elem_size (t));
      break;
    case CNN_ONNX_FLOAT16:
      for (size_t i = 0; i < n; i++)
        f[i] = half_to_float (((const uint16_t *) src)[i]);
      break;
    case CNN_ONNX_DOUBLE:
      for (size_t i = 0; i < n; i++)
        f[i] = double_to_float (((const double *) src)[i]);
      break;
    case CNN_ONNX_INT32:
      for (size_t i = 0; i < n; i++)
        q[i] = ((const int32_t *) src)[i];
      break;
  }
}

/* Number of values in the typed field that holds type t, and the field. */
static size_t
typed_count (const Onnx__TensorProto *tp, int32_t t)
{
  switch (t) {
    case CNN_ONNX_FLOAT:
      return tp->n_float_data;
    case CNN_ONNX_FLOAT16:
    case CNN_ONNX_INT32:
      return tp->n_int32_data;
    case CNN_ONNX_INT64:
      return tp->n_int64_data;
    case CNN_ONNX_DOUBLE:
      return tp->n_double_data;
    default:
      return 0;
  }
}

static void
convert_typed (const Onnx__TensorProto *tp, int32_t t, size_t n, void *dst)
{
  float *f = dst;
  int64_t *q = dst;

  if (n == 0)
    return;
  switch (t) {
    case CNN_ONNX_FLOAT:
      memcpy (f, tp->float_data, n * sizeof (float));
      break;
    case CNN_ONNX_FLOAT16:
      /* float16 bit patterns live in the low 16 bits of int32_data */
      for (size_t i = 0; i < n; i++)
        f[i] = half_to_float ((uint16_t) (tp->int32_data[i] & 0xffff));
      break;
    case CNN_ONNX_INT32:
      for (size_t i = 0; i < n; i++)
        q[i] = tp->int32_data[i];
      break;
    case CNN_ONNX_INT64:
      memcpy (q, tp->int64_data, n * sizeof (int64_t));
      break;
    case CNN_ONNX_DOUBLE:
      for (size_t i = 0; i < n; i++)
        f[i] = double_to_float (tp->double_data[i]);
      break;
  }
}

/* Validates type and dims; fills info (core dtype) and the element count. */
static CnnStatus
tensor_header (const Onnx__TensorProto *tp, const char *what,
    CnnTensorInfo *info, int64_t *numel_out, CnnDiag *d)
{
  int32_t t = tp->has_data_type ? tp->data_type : 0;
  int64_t numel = 1;

  memset (info, 0, sizeof *info);
  info->dtype = cnn_onnx_core_dtype (t);
  if (info->dtype == CNN_DTYPE_UNDEFINED)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "%s has element type %s (%d); supported are float32, float16, "
        "double, int32 and int64", what, cnn_onnx_type_name (t), (int) t);
  if (tp->n_dims > CNN_MAX_RANK)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "%s has rank %zu; at most %d is supported", what, tp->n_dims,
        CNN_MAX_RANK);
  info->rank = (int) tp->n_dims;
  for (size_t i = 0; i < tp->n_dims; i++) {
    if (tp->dims[i] < 0)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "%s has negative dimension %lld", what, (long long) tp->dims[i]);
    if (cnn_mul_overflows (numel, tp->dims[i], &numel))
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "%s: the product of its dimensions overflows", what);
    info->dims[i] = tp->dims[i];
  }
  if (tp->segment)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "%s has a segment field (not a plain TensorProto?); segmented "
        "tensors are not supported", what);
  *numel_out = numel;
  return CNN_OK;
}

/* The raw_data of a tensor: its own field, or the payload in the model
 * bytes that a stripped initializer's reference stands for. */
typedef struct {
  const uint8_t *data;
  size_t len;
  bool present;
  bool stripped;        /* data lies in the model bytes (never stolen) */
  bool release;         /* ... which are a file mapping */
  const uint8_t *base;  /* start of that mapping (release only) */
} RawData;

/* Checks that the data source of tp holds exactly numel elements. */
static CnnStatus
check_source (const Onnx__TensorProto *tp, const RawData *raw,
    const char *what, int64_t numel, uint64_t src_bytes, CnnDiag *d)
{
  int32_t t = tp->data_type;
  size_t typed = typed_count (tp, t);
  bool external = tp->has_data_location
      && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;

  if (external && (raw->present || typed > 0))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s is marked external but also holds data", what);
  if (raw->present && typed > 0)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s has both raw_data and typed data", what);
  if (raw->present && (uint64_t) raw->len != src_bytes)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: raw_data has %zu bytes but %lld %s elements need %llu", what,
        raw->len, (long long) numel, cnn_onnx_type_name (t),
        (unsigned long long) src_bytes);
  if (!external && !raw->present && (uint64_t) typed != (uint64_t) numel)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s holds %zu values but its dimensions need %lld", what, typed,
        (long long) numel);
  return CNN_OK;
}

/* Reads external data of type t into the core buffer dst. */
static CnnStatus
fill_external (CnnOnnxExternal *ext, int32_t t, size_t n, void *dst,
    const char *what, CnnDiag *d)
{
  if (HOST_IS_LE && (t == CNN_ONNX_FLOAT || t == CNN_ONNX_INT64))
    return cnn_onnx_external_read (ext, dst, what, d);

  void *tmp = malloc (ext->length ? ext->length : 1);
  if (!tmp) {
    cnn_onnx_external_close (ext);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "%s: out of memory", what);
  }
  CnnStatus st = cnn_onnx_external_read (ext, tmp, what, d);
  if (st == CNN_OK)
    convert_le (t, tmp, n, dst);
  free (tmp);
  return st;
}

static CnnStatus
check_budget (CnnOnnxDataCtx *ctx, uint64_t bytes, const char *what,
    CnnDiag *d)
{
  if (ctx->limit && (bytes > ctx->limit || ctx->used > ctx->limit - bytes))
    return cnn_fail (d, CNN_ERR_LIMIT,
        "%s needs %llu bytes; the weights would exceed the memory limit "
        "of %llu bytes", what, (unsigned long long) bytes,
        (unsigned long long) ctx->limit);
  return CNN_OK;
}

/* Takes over tp's raw_data buffer when it already is the core's layout
 * (float32 or int64, little-endian host, aligned as cnn_aligned_alloc
 * aligns); NULL otherwise. */
static void *
steal_raw_data (Onnx__TensorProto *tp, const RawData *raw, int64_t out_bytes)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  bool same_layout = tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
      || tp->data_type == ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
  void *p = tp->raw_data.data;
  if (!raw->present || raw->stripped || !same_layout || !p || out_bytes <= 0
      || (uint64_t) tp->raw_data.len != (uint64_t) out_bytes
      || ((uintptr_t) p % CNN_ALLOC_ALIGN) != 0)
    return NULL;
  tp->raw_data.data = NULL;
  tp->raw_data.len = 0;
  tp->has_raw_data = 0;
  return p;
#else
  (void) tp;
  (void) raw;
  (void) out_bytes;
  return NULL;
#endif
}

/* Pages of a mapped payload are dropped after every RELEASE_CHUNK bytes.
 * Each drop also covers the RELEASE_BEHIND bytes before the chunk: a page
 * fault in a file mapping maps the cached pages around it too (the
 * kernel's fault-around, 64 KB by default), pages dropped one chunk (or
 * one tensor) earlier among them. Without the overlap those came back and
 * stayed: ResNet-50's load peaked 40 MB above its steady state at 64 KB
 * chunks, and a model whose biggest tensor fits in one chunk held it twice
 * (small28: 1.1 MB over its 1.7 MB of weights at 4 MB chunks). */
#define RELEASE_CHUNK ((size_t) 256 << 10)
#define RELEASE_BEHIND ((size_t) 256 << 10)

/* Decodes the n elements of raw into dst; from a file mapping, chunk by
 * chunk, dropping the pages read so they never add up in the resident
 * set. */
static void
convert_raw (int32_t t, const RawData *raw, size_t n, void *dst)
{
  size_t es = onnx_elem_size (t);
  size_t cs = cnn_dtype_size (cnn_onnx_core_dtype (t));
  size_t step = RELEASE_CHUNK / es;

  if (!raw->release) {
    convert_le (t, raw->data, n, dst);
    return;
  }
  for (size_t i = 0; i < n; i += step) {
    size_t m = n - i < step ? n - i : step;
    const uint8_t *chunk = raw->data + i * es;
    const uint8_t *from = (size_t) (chunk - raw->base) > RELEASE_BEHIND
        ? chunk - RELEASE_BEHIND : raw->base;
    convert_le (t, chunk, m, (uint8_t *) dst + i * cs);
    cnn_release_pages (from, (size_t) (chunk - from) + m * es);
  }
}

/* Allocates the core buffer and fills it from raw, external data (ext
 * open) or typed data. */
static CnnStatus
fill_tensor (Onnx__TensorProto *tp, const RawData *raw,
    CnnOnnxExternal *ext, int64_t numel, int64_t out_bytes,
    const char *what, void **data_out, CnnDiag *d)
{
  CnnStatus st = CNN_OK;
  void *stolen = ext->fd >= 0 ? NULL : steal_raw_data (tp, raw, out_bytes);
  void *data = stolen ? stolen : cnn_aligned_alloc ((size_t) out_bytes);

  if (!data) {
    cnn_onnx_external_close (ext);
    return cnn_fail (d, CNN_ERR_NO_MEMORY,
        "%s: out of memory for %lld bytes", what, (long long) out_bytes);
  }
  if (stolen)
    st = CNN_OK;
  else if (ext->fd >= 0)
    st = fill_external (ext, tp->data_type, (size_t) numel, data, what, d);
  else if (raw->present)
    convert_raw (tp->data_type, raw, (size_t) numel, data);
  else
    convert_typed (tp, tp->data_type, (size_t) numel, data);
  if (st != CNN_OK) {
    free (data);
    return st;
  }
  *data_out = data;
  return CNN_OK;
}

static CnnStatus
convert_tensor (Onnx__TensorProto *tp, const RawData *raw,
    CnnOnnxDataCtx *ctx, const char *what, CnnTensorInfo *info_out,
    void **data_out, CnnDiag *d)
{
  CnnOnnxExternal ext = { -1, 0, 0 };
  CnnTensorInfo info;
  int64_t numel = 0, out_bytes, src_bytes;
  CnnStatus st;

  *data_out = NULL;
  st = tensor_header (tp, what, &info, &numel, d);
  if (st != CNN_OK)
    return st;
  if (cnn_mul_overflows (numel, (int64_t) cnn_dtype_size (info.dtype),
          &out_bytes)
      || cnn_mul_overflows (numel, (int64_t) onnx_elem_size (tp->data_type),
          &src_bytes))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "%s is too large", what);
  st = check_source (tp, raw, what, numel, (uint64_t) src_bytes, d);
  if (st == CNN_OK)
    st = check_budget (ctx, (uint64_t) out_bytes, what, d);
  if (st != CNN_OK)
    return st;

  bool external = tp->has_data_location
      && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  if (external) {
    if (!ctx->model_dir)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED,
          "%s uses external data, which needs a model file (not memory)",
          what);
    st = cnn_onnx_external_open (tp, ctx->model_dir, what,
        (uint64_t) src_bytes, &ext, d);
    if (st != CNN_OK)
      return st;
  }
  st = fill_tensor (tp, raw, &ext, numel, out_bytes, what, data_out, d);
  if (st != CNN_OK)
    return st;
  ctx->used += (uint64_t) out_bytes;
  *info_out = info;
  return CNN_OK;
}

CnnStatus
cnn_onnx_tensor_convert (Onnx__TensorProto *tp, CnnOnnxDataCtx *ctx,
    const char *what, CnnTensorInfo *info_out, void **data_out, CnnDiag *d)
{
  RawData raw = {
    .data = tp->raw_data.data,
    .len = tp->raw_data.len,
    .present = tp->has_raw_data,
  };
  return convert_tensor (tp, &raw, ctx, what, info_out, data_out, d);
}

CnnStatus
cnn_onnx_initializer_convert (Onnx__TensorProto *tp, CnnOnnxDataCtx *ctx,
    const char *what, CnnTensorInfo *info_out, void **data_out, CnnDiag *d)
{
  const CnnOnnxStripped *s = ctx->stripped;
  RawData raw = { .present = tp->has_raw_data };

  if (!s || !tp->has_raw_data)
    return cnn_onnx_tensor_convert (tp, ctx, what, info_out, data_out, d);
  *data_out = NULL;
  if (!cnn_onnx_strip_lookup (s, &tp->raw_data, &raw.data, &raw.len))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: raw_data cannot be located in the model", what);
  raw.stripped = true;
  raw.release = s->release;
  raw.base = s->base;
  return convert_tensor (tp, &raw, ctx, what, info_out, data_out, d);
}

CnnStatus
cnn_onnx_convert_host (int32_t onnx_type, const void *src, int64_t numel,
    CnnOnnxDataCtx *ctx, const char *what, CnnDType *dtype_out,
    void **data_out, CnnDiag *d)
{
  CnnDType dt = cnn_onnx_core_dtype (onnx_type);
  int64_t bytes;
  CnnStatus st;

  *data_out = NULL;
  if (dt == CNN_DTYPE_UNDEFINED)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "%s has element type %s",
        what, cnn_onnx_type_name (onnx_type));
  if (numel < 0 || cnn_mul_overflows (numel, (int64_t) cnn_dtype_size (dt),
          &bytes))
    return cnn_fail (d, CNN_ERR_ARGUMENT, "%s is too large", what);
  st = check_budget (ctx, (uint64_t) bytes, what, d);
  if (st != CNN_OK)
    return st;
  void *data = cnn_aligned_alloc ((size_t) bytes);
  if (!data)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "%s: out of memory", what);
  convert_host (onnx_type, src, (size_t) numel, data);
  ctx->used += (uint64_t) bytes;
  *dtype_out = dt;
  *data_out = data;
  return CNN_OK;
}

/* ---- public TensorProto I/O ------------------------------------------- */

void
cnn_tensor_clear (CnnTensor *tensor)
{
  if (!tensor)
    return;
  free (tensor->data);
  free (tensor->name);
  memset (tensor, 0, sizeof *tensor);
}

static CnnStatus
tensor_read (const void *bytes, size_t size, CnnTensor *out, CnnDiag *d)
{
  CnnOnnxDataCtx ctx = { NULL, 0, 0 };
  Onnx__TensorProto *tp;
  CnnStatus st;
  char what[96];

  if (!out || (!bytes && size))
    return cnn_fail (d, CNN_ERR_ARGUMENT, "tensor: NULL argument");
  memset (out, 0, sizeof *out);
  tp = onnx__tensor_proto__unpack (NULL, size, bytes);
  if (!tp)
    return cnn_fail (d, CNN_ERR_PARSE,
        "not a valid TensorProto (protobuf parse failed)");
  snprintf (what, sizeof what, "tensor '%.64s'", tp->name ? tp->name : "");
  st = cnn_onnx_tensor_convert (tp, &ctx, what, &out->info, &out->data, d);
  if (st == CNN_OK && tp->name && tp->name[0]) {
    out->name = strdup (tp->name);
    if (!out->name)
      st = cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  }
  onnx__tensor_proto__free_unpacked (tp, NULL);
  if (st != CNN_OK)
    cnn_tensor_clear (out);
  return st;
}

CnnStatus
cnn_tensor_read_pb (const void *bytes, size_t size, CnnTensor *tensor_out,
    CnnError *err)
{
  CnnDiag d;
  cnn_diag_reset (&d);
  CnnStatus st = tensor_read (bytes, size, tensor_out, &d);
  cnn_diag_to_error (&d, err);
  return st;
}

CnnStatus
cnn_tensor_load_pb (const char *path, CnnTensor *tensor_out, CnnError *err)
{
  CnnDiag d;
  void *bytes = NULL;
  size_t size = 0;
  CnnStatus st;

  cnn_diag_reset (&d);
  if (!path || !tensor_out) {
    st = cnn_fail (&d, CNN_ERR_ARGUMENT, "tensor: NULL argument");
  } else {
    st = cnn_read_file (path, 0, &bytes, &size, &d);
    if (st == CNN_OK)
      st = tensor_read (bytes, size, tensor_out, &d);
    if (st != CNN_OK)
      cnn_diag_prefix (&d, path);
  }
  free (bytes);
  cnn_diag_to_error (&d, err);
  return st;
}

/* Little-endian copy of a core tensor's data for raw_data. */
static uint8_t *
data_to_le (const CnnTensor *t, size_t n, size_t bytes)
{
  uint8_t *buf = malloc (bytes ? bytes : 1);
  size_t es = cnn_dtype_size (t->info.dtype);
  if (!buf)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    uint64_t v = 0;
    if (es == 4) {
      uint32_t w;
      memcpy (&w, (const uint8_t *) t->data + 4 * i, 4);
      v = w;
    } else {
      memcpy (&v, (const uint8_t *) t->data + 8 * i, 8);
    }
    for (size_t b = 0; b < es; b++)
      buf[i * es + b] = (uint8_t) (v >> (8 * b));
  }
  return buf;
}

static CnnStatus
tensor_save (const char *path, const CnnTensor *t, CnnDiag *d)
{
  Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
  int64_t dims[CNN_MAX_RANK];
  int64_t numel;
  uint8_t *le = NULL, *buf = NULL;
  CnnStatus st = CNN_OK;

  if (!path || !t || (t->info.dtype != CNN_DTYPE_FLOAT32
          && t->info.dtype != CNN_DTYPE_INT64))
    return cnn_fail (d, CNN_ERR_ARGUMENT,
        "only float32 and int64 tensors can be saved");
  numel = cnn_tensor_info_numel (&t->info);
  if (t->info.rank < 0 || t->info.rank > CNN_MAX_RANK || numel < 0
      || (numel > 0 && !t->data))
    return cnn_fail (d, CNN_ERR_ARGUMENT, "tensor has an invalid shape");
  size_t bytes = (size_t) numel * cnn_dtype_size (t->info.dtype);
  for (int i = 0; i < t->info.rank; i++)
    dims[i] = t->info.dims[i];
  tp.n_dims = (size_t) t->info.rank;
  tp.dims = dims;
  tp.has_data_type = 1;
  tp.data_type = t->info.dtype == CNN_DTYPE_FLOAT32 ? CNN_ONNX_FLOAT
      : CNN_ONNX_INT64;
  tp.name = t->name;
  tp.has_raw_data = 1;
  tp.raw_data.len = bytes;
  if (HOST_IS_LE) {
    tp.raw_data.data = t->data;
  } else {
    le = data_to_le (t, (size_t) numel, bytes);
    tp.raw_data.data = le;
  }
  size_t packed = onnx__tensor_proto__get_packed_size (&tp);
  buf = malloc (packed ? packed : 1);
  if (!buf || (!HOST_IS_LE && !le)) {
    st = cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  } else {
    onnx__tensor_proto__pack (&tp, buf);
    FILE *f = fopen (path, "wb");
    if (!f) {
      st = cnn_fail (d, CNN_ERR_IO, "%s: cannot create file", path);
    } else {
      bool ok = fwrite (buf, 1, packed, f) == packed;
      if (fclose (f) != 0 || !ok)
        st = cnn_fail (d, CNN_ERR_IO, "%s: write failed", path);
    }
  }
  free (buf);
  free (le);
  return st;
}

CnnStatus
cnn_tensor_save_pb (const char *path, const CnnTensor *tensor, CnnError *err)
{
  CnnDiag d;
  cnn_diag_reset (&d);
  CnnStatus st = tensor_save (path, tensor, &d);
  cnn_diag_to_error (&d, err);
  return st;
}
