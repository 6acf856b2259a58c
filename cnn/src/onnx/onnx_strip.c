/* onnx_strip.c — a model's protobuf bytes without the weights' payloads.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * protobuf-c copies every bytes field it unpacks, so unpacking a whole
 * model holds its weights twice: the model's bytes and protobuf-c's copies.
 * cnn_onnx_strip() walks the wire format of a ModelProto and writes a copy
 * in which every raw_data (TensorProto field 9) of an initializer
 * (GraphProto field 5) of the top-level graph (ModelProto field 7) is
 * replaced by a reference: REF_BYTES bytes holding, little-endian, the
 * index of a span (offset, length) of the original bytes. Everything else
 * is copied byte for byte, tags included; only the length prefixes of the
 * rewritten graph and initializer messages are re-encoded. The copy
 * unpacks into the same ModelProto as the original except for those
 * raw_data fields (protobuf-c's merging of repeated graph fields or
 * duplicate raw_data cannot mix references up: each names its own span),
 * and onnx_tensor.c converts each payload straight from the original
 * bytes (cnn_onnx_strip_lookup).
 *
 * Framing is checked as protobuf-c checks it, so the copy is refused
 * exactly when the original would be: tags of at most 5 bytes whose first
 * byte is not 0 (field number 0), length prefixes of at most 5 bytes that
 * stay inside their message, varints of at most 10 bytes, no groups or
 * invalid wire types. Nothing outside [bytes, bytes + size) is read. The
 * walk only enters the three rewritten message kinds, so it recurses at
 * most three levels whatever the input.
 */
#include "onnx_tensor.h"

#include <stdlib.h>
#include <string.h>

enum {
  FIELD_GRAPH = 7,            /* ModelProto.graph */
  FIELD_INITIALIZER = 5,      /* GraphProto.initializer */
  FIELD_RAW_DATA = 9,         /* TensorProto.raw_data */
  WIRE_VARINT = 0,
  WIRE_64BIT = 1,
  WIRE_LEN = 2,
  WIRE_32BIT = 5,
  REF_BYTES = 8,              /* a reference: uint64 span index, LE */
};

typedef enum { KIND_MODEL, KIND_GRAPH, KIND_TENSOR, KIND_OTHER } Kind;

typedef struct {
  const uint8_t *base;        /* original bytes */
  uint8_t *out;               /* the copy being written */
  size_t pos;                 /* bytes written so far */
  CnnOnnxSpan *spans;
  size_t n_spans, cap_spans;
  bool oom;
} Strip;

/* A varint of at most max_bytes bytes; false if longer or truncated. */
static bool
read_varint (const uint8_t **p, const uint8_t *end, int max_bytes,
    uint64_t *out)
{
  uint64_t v = 0;
  for (int i = 0; i < max_bytes && *p < end; i++) {
    uint8_t b = *(*p)++;
    v |= (uint64_t) (b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

static size_t
varint_size (uint64_t v)
{
  size_t n = 1;
  for (; v >= 0x80; v >>= 7)
    n++;
  return n;
}

static void
put_varint (Strip *s, uint64_t v)
{
  for (; v >= 0x80; v >>= 7)
    s->out[s->pos++] = (uint8_t) (v | 0x80);
  s->out[s->pos++] = (uint8_t) v;
}

static void
put_bytes (Strip *s, const uint8_t *p, size_t n)
{
  memcpy (s->out + s->pos, p, n);
  s->pos += n;
}

/* Skips the value of a field that is not length-delimited. */
static bool
skip_scalar (const uint8_t **p, const uint8_t *end, unsigned wire)
{
  uint64_t v;
  size_t n;

  switch (wire) {
    case WIRE_VARINT:
      return read_varint (p, end, 10, &v);
    case WIRE_64BIT:
      n = 8;
      break;
    case WIRE_32BIT:
      n = 4;
      break;
    default:                  /* groups (3, 4) and invalid wire types */
      return false;
  }
  if ((size_t) (end - *p) < n)
    return false;
  *p += n;
  return true;
}

/* The kind of the message held by field `field` of a `kind` message, when
 * the walk must rewrite it; KIND_OTHER when it is copied as it is. */
static Kind
child_kind (Kind kind, uint64_t field)
{
  if (kind == KIND_MODEL && field == FIELD_GRAPH)
    return KIND_GRAPH;
  if (kind == KIND_GRAPH && field == FIELD_INITIALIZER)
    return KIND_TENSOR;
  return KIND_OTHER;
}

/* Writes tag + a reference to a new span [payload, payload + len). */
static void
put_reference (Strip *s, const uint8_t *tag, size_t tag_len,
    const uint8_t *payload, size_t len)
{
  if (s->n_spans == s->cap_spans) {
    size_t cap = s->cap_spans ? 2 * s->cap_spans : 64;
    CnnOnnxSpan *spans = realloc (s->spans, cap * sizeof *spans);
    if (!spans) {
      s->oom = true;
      return;
    }
    s->spans = spans;
    s->cap_spans = cap;
  }
  uint64_t index = s->n_spans;
  s->spans[s->n_spans].offset = (size_t) (payload - s->base);
  s->spans[s->n_spans++].length = len;
  put_bytes (s, tag, tag_len);
  put_varint (s, REF_BYTES);
  for (int i = 0; i < REF_BYTES; i++)
    s->out[s->pos++] = (uint8_t) (index >> (8 * i));
}

/* Walks the body [p, end) of a `kind` message: *size_out receives the size
 * of its stripped form, which is appended to s->out when write is set
 * (and only then are spans recorded). False on broken framing or (write)
 * out of memory. */
static bool
strip_body (Strip *s, bool write, const uint8_t *p, const uint8_t *end,
    Kind kind, size_t *size_out)
{
  size_t size = 0;

  while (p < end && !s->oom) {
    const uint8_t *field = p, *body;
    uint64_t tag, len;
    if ((*p & 0xf8) == 0 || !read_varint (&p, end, 5, &tag))
      return false;
    size_t tag_len = (size_t) (p - field);
    if ((tag & 7) != WIRE_LEN) {
      if (!skip_scalar (&p, end, (unsigned) (tag & 7)))
        return false;
      size += (size_t) (p - field);
      if (write)
        put_bytes (s, field, (size_t) (p - field));
      continue;
    }
    if (!read_varint (&p, end, 5, &len) || len > (uint64_t) (end - p))
      return false;
    body = p;
    p += len;
    Kind child = child_kind (kind, tag >> 3);
    if (kind == KIND_TENSOR && tag >> 3 == FIELD_RAW_DATA) {
      size += tag_len + varint_size (REF_BYTES) + REF_BYTES;
      if (write)
        put_reference (s, field, tag_len, body, (size_t) len);
    } else if (child == KIND_OTHER) {
      size += (size_t) (p - field);
      if (write)
        put_bytes (s, field, (size_t) (p - field));
    } else {
      size_t child_size;
      if (!strip_body (s, false, body, p, child, &child_size))
        return false;
      size += tag_len + varint_size (child_size) + child_size;
      if (write) {
        put_bytes (s, field, tag_len);
        put_varint (s, child_size);
        if (!strip_body (s, true, body, p, child, &child_size))
          return false;
      }
    }
  }
  *size_out = size;
  return !s->oom;
}

CnnStatus
cnn_onnx_strip (const void *bytes, size_t size, CnnOnnxStripped *out,
    CnnDiag *d)
{
  Strip s = { .base = bytes };
  size_t total, written;

  memset (out, 0, sizeof *out);
  if (!strip_body (&s, false, s.base, s.base + size, KIND_MODEL, &total))
    return cnn_fail (d, CNN_ERR_PARSE, "not a valid ONNX model (protobuf "
        "parse failed: truncated or not an ONNX file)");
  s.out = malloc (total ? total : 1);
  if (!s.out)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  if (!strip_body (&s, true, s.base, s.base + size, KIND_MODEL, &written)
      || written != total || s.pos != total) {
    free (s.out);
    free (s.spans);
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  }
  out->bytes = s.out;
  out->size = s.pos;
  out->base = bytes;
  out->spans = s.spans;
  out->n_spans = s.n_spans;
  return CNN_OK;
}

void
cnn_onnx_strip_free_bytes (CnnOnnxStripped *s)
{
  free (s->bytes);
  s->bytes = NULL;
  s->size = 0;
}

void
cnn_onnx_strip_clear (CnnOnnxStripped *s)
{
  cnn_onnx_strip_free_bytes (s);
  free (s->spans);
  memset (s, 0, sizeof *s);
}

bool
cnn_onnx_strip_lookup (const CnnOnnxStripped *s,
    const ProtobufCBinaryData *raw_data, const uint8_t **data_out,
    size_t *len_out)
{
  uint64_t index = 0;

  if (raw_data->len != REF_BYTES || !raw_data->data)
    return false;
  for (int i = REF_BYTES - 1; i >= 0; i--)
    index = (index << 8) | raw_data->data[i];
  if (index >= s->n_spans)
    return false;
  *data_out = s->base + s->spans[index].offset;
  *len_out = s->spans[index].length;
  return true;
}
