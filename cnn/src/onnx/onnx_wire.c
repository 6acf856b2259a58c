/* onnx_wire.c — bounded-depth pre-scan of an ONNX model's protobuf bytes.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * protobuf-c unpacks nested messages recursively, so a hostile file that
 * nests subgraphs (AttributeProto.g → GraphProto → NodeProto → …) or types
 * (TypeProto.Sequence → TypeProto …) a million levels deep overflows the
 * stack. Before unpacking, this walker follows only the message fields of
 * the ONNX schema that can recurse, with an explicit depth bound, and
 * rejects anything deeper than CNN_ONNX_MAX_NESTING or malformed framing.
 * Field numbers are those of onnx.proto.
 */
#include "onnx_load.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  MSG_MODEL, MSG_GRAPH, MSG_NODE, MSG_ATTR, MSG_FUNCTION, MSG_TRAINING,
  MSG_VALUE_INFO, MSG_TYPE, MSG_TYPE_INNER, MSG_NONE,
} MsgKind;

/* The child message kind of field `field` in a message of kind `kind`. */
static MsgKind
child_kind (MsgKind kind, uint64_t field)
{
  switch (kind) {
    case MSG_MODEL:
      return field == 7 ? MSG_GRAPH : field == 20 ? MSG_TRAINING
          : field == 25 ? MSG_FUNCTION : MSG_NONE;
    case MSG_TRAINING:
      return field == 1 || field == 2 ? MSG_GRAPH : MSG_NONE;
    case MSG_FUNCTION:
      return field == 7 ? MSG_NODE : MSG_NONE;
    case MSG_GRAPH:
      return field == 1 ? MSG_NODE
          : field >= 11 && field <= 13 ? MSG_VALUE_INFO : MSG_NONE;
    case MSG_NODE:
      return field == 5 ? MSG_ATTR : MSG_NONE;
    case MSG_ATTR:
      return field == 6 || field == 11 ? MSG_GRAPH
          : field == 14 || field == 15 ? MSG_TYPE : MSG_NONE;
    case MSG_VALUE_INFO:
      return field == 2 ? MSG_TYPE : MSG_NONE;
    case MSG_TYPE:       /* Sequence, Map, Optional hold a TypeProto */
      return field == 4 || field == 5 || field == 9 ? MSG_TYPE_INNER
          : MSG_NONE;
    case MSG_TYPE_INNER:
      return field == 1 || field == 2 ? MSG_TYPE : MSG_NONE;
    default:
      return MSG_NONE;
  }
}

static bool
read_varint (const uint8_t **p, const uint8_t *end, uint64_t *out)
{
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*p >= end)
      return false;
    uint8_t b = *(*p)++;
    v |= (uint64_t) (b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  return false;
}

/* Walks one message body; false on bad framing or too deep nesting. */
static bool
scan (const uint8_t *p, const uint8_t *end, MsgKind kind, int depth,
    int *too_deep)
{
  if (depth > CNN_ONNX_MAX_NESTING) {
    *too_deep = 1;
    return false;
  }
  while (p < end) {
    uint64_t tag, v;
    if (!read_varint (&p, end, &tag))
      return false;
    switch (tag & 7) {
      case 0:
        if (!read_varint (&p, end, &v))
          return false;
        break;
      case 1:
        if (end - p < 8)
          return false;
        p += 8;
        break;
      case 5:
        if (end - p < 4)
          return false;
        p += 4;
        break;
      case 2: {
        if (!read_varint (&p, end, &v) || v > (uint64_t) (end - p))
          return false;
        MsgKind child = child_kind (kind, tag >> 3);
        if (child != MSG_NONE && !scan (p, p + v, child, depth + 1, too_deep))
          return false;
        p += v;
        break;
      }
      default:         /* groups (3, 4) and invalid wire types */
        return false;
    }
  }
  return true;
}

CnnStatus
cnn_onnx_check_nesting (const void *bytes, size_t size, CnnDiag *d)
{
  const uint8_t *p = bytes;
  int too_deep = 0;
  if (scan (p, p + size, MSG_MODEL, 0, &too_deep))
    return CNN_OK;
  if (too_deep)
    return cnn_fail (d, CNN_ERR_LIMIT, "model nests subgraphs or types "
        "more than %d levels deep", CNN_ONNX_MAX_NESTING);
  return cnn_fail (d, CNN_ERR_PARSE, "not a valid ONNX model (protobuf "
      "framing is broken: truncated or not an ONNX file)");
}
