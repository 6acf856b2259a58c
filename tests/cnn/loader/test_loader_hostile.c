/* test_loader_hostile.c — models built to exhaust the loader.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Regression tests for issue 6 §6: subgraphs or types nested thousands of
 * levels deep (protobuf-c recursed into them and overflowed the stack, a
 * crash found with a 200,000-level file) are refused with CNN_ERR_LIMIT;
 * a graph with more nodes than the limit is refused; a long chain of
 * Identity and Relu nodes (the passes must stay linear on it) loads and
 * computes relu(x) exactly.
 */
#include "check.h"
#include "model_builder.h"
#include "onnx/onnx_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Protobuf bytes built from the inside out, backwards in a fixed buffer:
 * the message occupies data[pos .. cap). */
typedef struct {
  uint8_t *data;
  size_t len;
  size_t cap, pos;
} Bytes;

static Bytes
bytes_new (size_t cap)
{
  Bytes b = { malloc (cap), 0, cap, cap };
  return b;
}

static void
put_varint (uint8_t *out, size_t *n, uint64_t v)
{
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out[(*n)++] = b | (v ? 0x80 : 0);
  } while (v);
}

static void
prepend (Bytes *b, const uint8_t *head, size_t n)
{
  b->pos -= n;
  memcpy (b->data + b->pos, head, n);
  b->len = b->cap - b->pos;
}

/* b = (field, length-delimited b): wraps the message in one more level. */
static void
wrap (Bytes *b, unsigned field)
{
  uint8_t head[24];
  size_t n = 0, m = 0;
  uint8_t len[12];
  put_varint (len, &m, b->cap - b->pos);
  put_varint (head, &n, ((uint64_t) field << 3) | 2);
  memcpy (head + n, len, m);
  prepend (b, head, n + m);
}

/* ModelProto{ir_version 8, graph: inner}. */
static void
finish_model (Bytes *b)
{
  static const uint8_t ir_version[] = { (1 << 3) | 0, 8 };
  wrap (b, 7);
  prepend (b, ir_version, sizeof ir_version);
}

static const uint8_t *
bytes_start (const Bytes *b)
{
  return b->data + b->pos;
}

static void
expect_refused (const Bytes *b, CnnStatus want, const char *needle)
{
  CnnModel *m = NULL;
  CnnError err;
  CnnStatus st = cnn_model_load_memory (bytes_start (b), b->len, NULL, &m,
      &err);
  CHECK_MSG (st == want, "status %s, expected %s (%s)", cnn_status_name (st),
      cnn_status_name (want), err.message);
  CHECK_MSG (strstr (err.message, needle) != NULL, "message '%s' lacks '%s'",
      err.message, needle);
  CHECK (m == NULL);
}

static void
test_deep_subgraphs (void)
{
  Bytes b = bytes_new (1 << 20);
  for (int i = 0; i < 5000; i++) {
    wrap (&b, 6);   /* AttributeProto.g */
    wrap (&b, 5);   /* NodeProto.attribute */
    wrap (&b, 1);   /* GraphProto.node */
  }
  finish_model (&b);
  expect_refused (&b, CNN_ERR_LIMIT, "levels deep");
  /* The same bytes cut short: broken framing, not a crash. */
  b.len /= 2;
  b.cap = b.pos + b.len;
  expect_refused (&b, CNN_ERR_PARSE, "not a valid ONNX model");
  free (b.data);
}

static void
test_deep_types (void)
{
  Bytes b = bytes_new (1 << 20);
  for (int i = 0; i < 5000; i++) {
    wrap (&b, 1);   /* Sequence.elem_type (TypeProto) */
    wrap (&b, 4);   /* TypeProto.sequence_type */
  }
  wrap (&b, 2);     /* ValueInfoProto.type */
  wrap (&b, 11);    /* GraphProto.input */
  finish_model (&b);
  expect_refused (&b, CNN_ERR_LIMIT, "levels deep");
  free (b.data);
}

static void
test_too_many_nodes (void)
{
  static const int64_t dims[] = { 1, 4 };
  TbModel *m = tb_new (8, 13);
  tb_input (m, "x", 1, 2, dims);
  char in[32], out[32];
  for (int i = 0; i <= CNN_ONNX_MAX_NODES; i++) {
    snprintf (in, sizeof in, i ? "t%d" : "x", i - 1);
    snprintf (out, sizeof out, "t%d", i);
    tb_node (m, "Relu", "", in, out);
  }
  tb_output (m, out);
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  Bytes b = { buf, n, n, 0 };
  expect_refused (&b, CNN_ERR_LIMIT, "too many nodes");
  free (buf);
  tb_free (m);
}

/* 20,000 nodes alternating Identity and Relu: loads (Identity removal and
 * fusion are linear) and computes relu(x). */
static void
test_long_chain (void)
{
  static const int64_t dims[] = { 1, 4 };
  TbModel *m = tb_new (8, 13);
  tb_input (m, "x", 1, 2, dims);
  char in[32], out[32];
  for (int i = 0; i < 20000; i++) {
    snprintf (in, sizeof in, i ? "t%d" : "x", i - 1);
    snprintf (out, sizeof out, "t%d", i);
    tb_node (m, i % 2 ? "Relu" : "Identity", "", in, out);
  }
  tb_output (m, out);
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  CnnModel *model = NULL;
  CnnSession *s = NULL;
  CnnError err;
  CnnStatus st = cnn_model_load_memory (buf, n, NULL, &model, &err);
  CHECK_MSG (st == CNN_OK, "%s", err.message);
  if (st == CNN_OK) {
    CHECK_MSG (cnn_model_node_count (model) == 10000,
        "%zu live nodes, expected the 10000 Relu", cnn_model_node_count (model));
    CHECK (cnn_session_new (model, NULL, &s, &err) == CNN_OK);
    const float x[4] = { -2.0f, -0.0f, 0.5f, 3.0f };
    const float want[4] = { 0.0f, 0.0f, 0.5f, 3.0f };
    CHECK (cnn_session_set_input (s, 0, x, sizeof x) == CNN_OK);
    CHECK (cnn_session_run (s) == CNN_OK);
    CHECK_CLOSE (cnn_session_output_data (s, 0), want, 4, 0.0, 0.0);
  }
  cnn_session_free (s);
  cnn_model_unref (model);
  free (buf);
  tb_free (m);
}

int
main (void)
{
  test_deep_subgraphs ();
  test_deep_types ();
  test_too_many_nodes ();
  test_long_chain ();
  return check_summary ("loader-hostile");
}
