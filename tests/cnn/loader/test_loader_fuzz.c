/* test_loader_fuzz.c — truncated, random and mutated bytes never crash the
 * loader and always fail with a message.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every strict prefix of a small model must be rejected (PARSE, or
 * INVALID_MODEL when the cut falls between top-level fields); random buffers
 * must be rejected; byte mutations of a valid model may load or not, but a
 * failure always carries a message and a success a consistent graph. Run
 * under ASan+UBSan to catch what a status code cannot.
 */
#include "check.h"
#include "model_builder.h"
#include "onnx/onnx_load.h"

#include <string.h>

static uint32_t rng_state = 12345u;

static uint32_t
rng (void)
{
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

/* A model touching most of the parser: attributes, two initializer
 * encodings, a tensor attribute, symbolic dims. No metadata, so that the
 * last top-level field (opset_import) is required. */
static TbModel *
fuzz_model (void)
{
  TbModel *m = tb_new (8, 13);
  int64_t xd[4] = { -1, 3, 4, 4 }, wd[4] = { 2, 3, 3, 3 }, bd[1] = { 2 };
  int64_t pads[4] = { 1, 1, 1, 1 }, two = 2;
  float w[54], b[2] = { 0.5f, -0.5f };
  int64_t shape[2] = { 1, -1 };

  for (int i = 0; i < 54; i++)
    w[i] = (float) i / 54.0f - 0.5f;
  tb_input (m, "x", 1, 4, xd);
  tb_add_initializer (m, tb_tensor_f32 (m, "w", 4, wd, w));
  Onnx__TensorProto *bt = tb_add_initializer (m,
      tb_tensor_f32 (m, "b", 1, bd, NULL));
  bt->n_float_data = 2;
  bt->float_data = tb_alloc (m, sizeof b);
  memcpy (bt->float_data, b, sizeof b);
  Onnx__NodeProto *conv = tb_node (m, "Conv", "conv", "x,w,b", "c");
  tb_attr_ints (m, conv, "pads", 4, pads);
  tb_attr_string (m, conv, "auto_pad", "NOTSET");
  tb_node (m, "Relu", "relu", "c", "r");
  Onnx__NodeProto *k = tb_node (m, "Constant", "k", "", "shape");
  tb_attr_tensor (m, k, "value", tb_tensor_i64 (m, "kv", 1, &two, shape));
  tb_node (m, "Reshape", "flat", "r,shape", "y");
  tb_output (m, "y");
  return m;
}

static CnnStatus
load_bytes (const uint8_t *buf, size_t n, CnnDiag *d, int *n_nodes)
{
  CnnGraph g;
  cnn_diag_reset (d);
  CnnStatus st = cnn_onnx_load_graph (buf, n, NULL, NULL, &g, d);
  *n_nodes = g.n_nodes;
  if (st == CNN_OK) {
    /* a loaded graph must be internally consistent */
    for (int i = 0; i < g.n_nodes; i++) {
      for (int k = 0; k < g.nodes[i].n_inputs; k++)
        if (g.nodes[i].inputs[k] >= g.n_values)
          st = CNN_ERR_ARGUMENT;
      if (!g.nodes[i].op)
        st = CNN_ERR_ARGUMENT;
    }
    if (st != CNN_OK)
      cnn_fail (d, st, "inconsistent graph after a successful load");
  }
  cnn_graph_clear (&g);
  return st;
}

static void
test_truncation (const uint8_t *buf, size_t n)
{
  CnnDiag d;
  int nodes, bad = 0;

  for (size_t len = 0; len < n; len++) {
    CnnStatus st = load_bytes (buf, len, &d, &nodes);
    if ((st != CNN_ERR_PARSE && st != CNN_ERR_INVALID_MODEL
            && st != CNN_ERR_UNSUPPORTED) || d.message[0] == '\0') {
      if (bad++ < 5)
        fprintf (stderr, "prefix %zu/%zu: %s '%s'\n", len, n,
            cnn_status_name (st), d.message);
    }
  }
  CHECK_MSG (bad == 0, "%d of %zu prefixes not rejected cleanly", bad, n);
  CHECK (load_bytes (buf, n, &d, &nodes) == CNN_OK && nodes == 4);
}

static void
test_random (void)
{
  uint8_t buf[2048];
  CnnDiag d;
  int nodes, bad = 0;

  for (int it = 0; it < 2000; it++) {
    size_t n = 1 + rng () % sizeof buf;
    for (size_t i = 0; i < n; i++)
      buf[i] = (uint8_t) rng ();
    CnnStatus st = load_bytes (buf, n, &d, &nodes);
    if (st == CNN_OK || d.message[0] == '\0')
      bad++;
  }
  CHECK_MSG (bad == 0, "%d random buffers not rejected with a message", bad);
}

static void
test_mutations (const uint8_t *orig, size_t n)
{
  uint8_t *buf = malloc (n);
  CnnDiag d;
  int nodes, loaded = 0, failed = 0, silent = 0;

  for (int it = 0; it < 20000; it++) {
    memcpy (buf, orig, n);
    int flips = 1 + (int) (rng () % 4);
    for (int f = 0; f < flips; f++) {
      size_t pos = rng () % n;
      buf[pos] = (rng () & 1) ? (uint8_t) rng () : (uint8_t) (buf[pos] ^ (1u
              << (rng () % 8)));
    }
    CnnStatus st = load_bytes (buf, n, &d, &nodes);
    if (st == CNN_OK) {
      loaded++;
    } else {
      failed++;
      if (d.message[0] == '\0' || st == CNN_ERR_ARGUMENT)
        silent++;
    }
  }
  printf ("mutations: %d loaded, %d rejected\n", loaded, failed);
  CHECK_MSG (silent == 0, "%d mutations failed without a message", silent);
  CHECK (failed > 0);
  free (buf);
}

int
main (void)
{
  TbModel *m = fuzz_model ();
  size_t n;
  uint8_t *buf = tb_pack (m, &n);

  test_truncation (buf, n);
  test_random ();
  test_mutations (buf, n);
  free (buf);
  tb_free (m);
  return check_summary ("loader-fuzz");
}
