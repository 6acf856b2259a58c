/* test_loader_valid.c — valid models become the expected IR.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Drives cnn_onnx_load_graph() directly and checks values, nodes,
 * attributes, metadata, input bindings, tensor conversions (float16 raw and
 * typed, double, int32 -> int64) and external data against hand-computed
 * numbers.
 */
#include "check.h"
#include "model_builder.h"
#include "onnx/onnx_load.h"
#include "ops/ops.h"

#include <stdint.h>
#include <string.h>

static const CnnModelOptions no_opts = { .default_dim = 1 };

static CnnStatus
load (TbModel *m, const CnnModelOptions *o, const char *dir, CnnGraph *g)
{
  CnnDiag d;
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  cnn_diag_reset (&d);
  CnnStatus st = cnn_onnx_load_graph (buf, n, dir, o, g, &d);
  if (st != CNN_OK)
    fprintf (stderr, "load failed: %s\n", d.message);
  free (buf);
  return st;
}

static const CnnValue *
value (const CnnGraph *g, const char *name)
{
  int v = cnn_graph_find_value (g, name);
  return v >= 0 ? &g->values[v] : NULL;
}

/* Conv-like model in reverse file order, with every attribute kind. */
static void
test_structure (void)
{
  TbModel *m = tb_new (7, 11);
  int64_t xd[4] = { -1, 3, 8, 8 }, wd[4] = { 2, 3, 1, 1 }, one = 1;
  float w[6] = { 1, 2, 3, 4, 5, 6 };
  int64_t pads[4] = { 0, 0, 0, 0 };
  CnnGraph g;

  tb_meta (m, "labels", "a,b");
  tb_meta (m, "mean", "0.5");
  tb_input (m, "x", 1, 4, xd);
  tb_add_initializer (m, tb_tensor_f32 (m, "w", 4, wd, w));
  Onnx__NodeProto *relu = tb_node (m, "Relu", "", "c", "y");
  Onnx__NodeProto *conv = tb_node (m, "Conv", "conv0", "x,w,", "c");
  tb_attr_ints (m, conv, "pads", 4, pads);
  tb_attr_int (m, conv, "group", 1);
  tb_attr_float (m, conv, "alpha", 0.25f);
  tb_attr_string (m, conv, "auto_pad", "NOTSET");
  tb_attr_tensor (m, conv, "value", tb_tensor_f32 (m, "cv", 1, &one, w));
  tb_output (m, "y");
  (void) relu;

  CnnModelOptions o = no_opts;
  o.default_dim = 3;
  CHECK (load (m, &o, NULL, &g) == CNN_OK);
  CHECK (g.ir_version == 7 && g.opset == 11);
  CHECK (g.graph_name && strcmp (g.graph_name, "g") == 0);
  CHECK (g.n_meta == 2 && strcmp (g.meta[0].key, "labels") == 0
      && strcmp (g.meta[0].value, "a,b") == 0
      && strcmp (g.meta[1].value, "0.5") == 0);
  CHECK (g.n_values == 4 && g.n_nodes == 2);

  const CnnValue *x = value (&g, "x"), *wv = value (&g, "w");
  const CnnValue *c = value (&g, "c"), *y = value (&g, "y");
  CHECK (x && x->kind == CNN_VALUE_INPUT && x->info.dtype == CNN_DTYPE_FLOAT32
      && x->info.rank == 4 && x->info.dims[0] == 3 && x->info.dims[3] == 8
      && x->shape_known && x->producer == -1);
  CHECK (wv && wv->kind == CNN_VALUE_CONST && wv->info.rank == 4
      && wv->info.dims[0] == 2 && wv->data
      && memcmp (wv->data, w, sizeof w) == 0);
  CHECK (c && c->kind == CNN_VALUE_ACT && c->producer == 1 && !c->is_output);
  CHECK (y && y->kind == CNN_VALUE_ACT && y->producer == 0 && y->is_output);
  CHECK (g.n_inputs == 1 && g.inputs[0] == cnn_graph_find_value (&g, "x"));
  CHECK (g.n_outputs == 1 && g.outputs[0] == cnn_graph_find_value (&g, "y"));

  const CnnNode *n0 = &g.nodes[0], *n1 = &g.nodes[1];
  CHECK (strcmp (n0->op_type, "Relu") == 0 && strcmp (n0->name, "") == 0);
  CHECK (n0->op == cnn_op_lookup ("Relu") && n0->op != NULL);
  CHECK (n0->n_inputs == 1 && n0->inputs[0] == cnn_graph_find_value (&g, "c"));
  CHECK (n1->op == cnn_op_lookup ("Conv") && strcmp (n1->name, "conv0") == 0);
  CHECK (n1->n_inputs == 3 && n1->inputs[2] == -1);
  CHECK (n1->n_outputs == 1 && n1->outputs[0] == cnn_graph_find_value (&g,
          "c"));
  const int64_t *ints;
  CHECK (cnn_node_attr_ints (n1, "pads", &ints) == 4 && ints[3] == 0);
  CHECK (cnn_node_attr_int (n1, "group", 0) == 1);
  CHECK (cnn_node_attr_float (n1, "alpha", 0) == 0.25f);
  CHECK (strcmp (cnn_node_attr_string (n1, "auto_pad", ""), "NOTSET") == 0);
  const CnnAttr *t = cnn_node_attr (n1, "value");
  CHECK (t && t->type == CNN_ATTR_TENSOR && t->t
      && t->t->info.dtype == CNN_DTYPE_FLOAT32 && t->t->info.rank == 1
      && ((float *) t->t->data)[0] == 1.0f);
  cnn_graph_clear (&g);
  tb_free (m);
}

/* float16 values of test_conversions' tensors: 1, -2, 65504, 2^-24
 * (subnormal), +inf, 0.5, as bits and as floats */
static const uint16_t conv_half_bits[6] =
    { 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x3800 };
static const float conv_half_floats[6] =
    { 1.0f, -2.0f, 65504.0f, 0x1p-24f, INFINITY, 0.5f };

/* Adds to m the initializers test_conversions checks: float16 as raw
 * bytes and as int32_data, double, int32 as raw little-endian bytes,
 * int64, a scalar and an empty tensor; their data lives in m. */
static void
add_conversion_initializers (TbModel *m)
{
  int64_t six = 6, two = 2, three = 3, zero = 0;
  const int32_t i32[3] = { -7, 0, 2147483647 };

  Onnx__TensorProto *t = tb_add_initializer (m,
      tb_tensor_f32 (m, "h_raw", 1, &six, NULL));
  t->data_type = 10;
  t->has_raw_data = 1;
  t->raw_data.len = 12;
  t->raw_data.data = tb_alloc (m, 12);
  for (int i = 0; i < 6; i++) {
    t->raw_data.data[2 * i] = (uint8_t) (conv_half_bits[i] & 0xff);
    t->raw_data.data[2 * i + 1] = (uint8_t) (conv_half_bits[i] >> 8);
  }
  t = tb_add_initializer (m, tb_tensor_f32 (m, "h_typed", 1, &six, NULL));
  t->data_type = 10;
  t->n_int32_data = 6;
  t->int32_data = tb_alloc (m, 6 * sizeof (int32_t));
  for (int i = 0; i < 6; i++)
    t->int32_data[i] = conv_half_bits[i];
  t = tb_add_initializer (m, tb_tensor_f32 (m, "d", 1, &two, NULL));
  t->data_type = 11;
  t->n_double_data = 2;
  t->double_data = tb_alloc (m, 2 * sizeof (double));
  t->double_data[0] = 1.5;
  t->double_data[1] = -1e300;
  t = tb_add_initializer (m, tb_tensor_f32 (m, "i32", 1, &three, NULL));
  t->data_type = 6;
  t->has_raw_data = 1;
  t->raw_data.len = 12;
  t->raw_data.data = tb_alloc (m, 12);
  for (int i = 0; i < 3; i++)
    for (int b = 0; b < 4; b++)
      t->raw_data.data[4 * i + b] = (uint8_t) ((uint32_t) i32[i] >> (8 * b));
  t = tb_add_initializer (m, tb_tensor_f32 (m, "i64", 1, &two, NULL));
  t->data_type = 7;
  t->n_int64_data = 2;
  t->int64_data = tb_alloc (m, 16);
  t->int64_data[0] = -5;
  t->int64_data[1] = INT64_C (1) << 40;
  tb_add_initializer (m, tb_tensor_f32 (m, "scalar", 0, NULL,
          conv_half_floats));
  tb_add_initializer (m, tb_tensor_f32 (m, "empty", 1, &zero,
          conv_half_floats));
}

/* Tensor conversions: float16 (raw and int32_data), double, int32. */
static void
test_conversions (void)
{
  TbModel *m = tb_new (8, 13);
  const float *hf = conv_half_floats;
  CnnGraph g;

  add_conversion_initializers (m);
  tb_node (m, "Relu", "r", "h_raw", "y");
  tb_output (m, "y");

  CHECK (load (m, &no_opts, NULL, &g) == CNN_OK);
  const CnnValue *v = value (&g, "h_raw");
  CHECK (v && v->info.dtype == CNN_DTYPE_FLOAT32 && v->info.dims[0] == 6);
  if (v)
    CHECK_CLOSE ((const float *) v->data, hf, 6, 0, 0);
  v = value (&g, "h_typed");
  if (v)
    CHECK_CLOSE ((const float *) v->data, hf, 6, 0, 0);
  v = value (&g, "d");
  CHECK (v && v->info.dtype == CNN_DTYPE_FLOAT32
      && ((float *) v->data)[0] == 1.5f
      && isinf (((float *) v->data)[1]) && ((float *) v->data)[1] < 0);
  v = value (&g, "i32");
  CHECK (v && v->info.dtype == CNN_DTYPE_INT64
      && ((int64_t *) v->data)[0] == -7 && ((int64_t *) v->data)[1] == 0
      && ((int64_t *) v->data)[2] == 2147483647);
  v = value (&g, "i64");
  CHECK (v && v->info.dtype == CNN_DTYPE_INT64
      && ((int64_t *) v->data)[0] == -5
      && ((int64_t *) v->data)[1] == INT64_C (1) << 40);
  v = value (&g, "scalar");
  CHECK (v && v->info.rank == 0 && ((float *) v->data)[0] == 1.0f);
  v = value (&g, "empty");
  CHECK (v && v->info.rank == 1 && v->info.dims[0] == 0 && v->data != NULL);
  /* kernels read weights in place with 64-byte vector loads */
  int n_const = 0;
  for (int i = 0; i < g.n_values; i++)
    if (g.values[i].kind == CNN_VALUE_CONST) {
      n_const++;
      CHECK ((uintptr_t) g.values[i].data % 64 == 0);
    }
  CHECK (n_const == 7);
  cnn_graph_clear (&g);
  tb_free (m);
}

/* IR 3 style: initializers listed as graph inputs; bindings. */
static void
test_inputs_bindings (void)
{
  TbModel *m = tb_new (3, 9);
  int64_t xd[2] = { -1, 4 }, wd[1] = { 4 }, sd[1] = { 2 };
  float w[4] = { 1, 2, 3, 4 }, w2[4] = { 9, 8, 7, 6 };
  int64_t sv[2] = { 2, -1 };
  int32_t sv32[2] = { 4, 1 };
  CnnInputBinding bd[3];
  CnnGraph g;

  tb_input (m, "x", 1, 2, xd);
  tb_input (m, "w", 1, 1, wd);
  tb_input (m, "shape", 7, 1, sd);
  tb_input (m, "s32", 6, 1, sd);
  tb_add_initializer (m, tb_tensor_f32 (m, "w", 1, wd, w));
  tb_node (m, "Add", "a", "x,w", "s");
  tb_node (m, "Reshape", "r", "s,shape", "t");
  tb_node (m, "Reshape", "r2", "t,s32", "y");
  tb_output (m, "y");

  memset (bd, 0, sizeof bd);
  bd[0].name = "shape";
  bd[0].info.dtype = CNN_DTYPE_INT64;
  bd[0].info.rank = 1;
  bd[0].info.dims[0] = 2;
  bd[0].data = sv;
  bd[1].name = "x";
  bd[1].info.dtype = CNN_DTYPE_FLOAT32;
  bd[1].info.rank = 2;
  bd[1].info.dims[0] = 5;
  bd[1].info.dims[1] = 4;
  bd[2].name = "s32";
  bd[2].info.dtype = CNN_DTYPE_INT32;
  bd[2].info.rank = 1;
  bd[2].info.dims[0] = 2;
  bd[2].data = sv32;
  CnnModelOptions o = { .default_dim = 1, .bindings = bd, .n_bindings = 3 };
  CHECK (load (m, &o, NULL, &g) == CNN_OK);
  const CnnValue *v = value (&g, "x");
  CHECK (v && v->kind == CNN_VALUE_INPUT && v->info.dims[0] == 5
      && v->info.dims[1] == 4);
  v = value (&g, "w");
  CHECK (v && v->kind == CNN_VALUE_CONST && ((float *) v->data)[3] == 4);
  v = value (&g, "shape");
  CHECK (v && v->kind == CNN_VALUE_CONST && v->info.dtype == CNN_DTYPE_INT64
      && ((int64_t *) v->data)[1] == -1);
  v = value (&g, "s32");
  CHECK (v && v->kind == CNN_VALUE_CONST && v->info.dtype == CNN_DTYPE_INT64
      && ((int64_t *) v->data)[0] == 4);
  CHECK (g.n_inputs == 1 && g.inputs[0] == cnn_graph_find_value (&g, "x"));
  cnn_graph_clear (&g);

  /* a value binding overrides an initializer that is a graph input */
  bd[2] = bd[1];
  bd[1].name = "w";
  bd[1].info.rank = 1;
  bd[1].info.dims[0] = 4;
  bd[1].data = w2;
  o.n_bindings = 2;
  tb_proto (m)->graph->n_input = 3;     /* drop s32 */
  tb_proto (m)->graph->node[2]->input[1] = tb_strdup (m, "shape");
  CHECK (load (m, &o, NULL, &g) == CNN_OK);
  v = value (&g, "w");
  CHECK (v && v->kind == CNN_VALUE_CONST && ((float *) v->data)[0] == 9);
  v = value (&g, "x");
  CHECK (v && v->info.dims[0] == 1);    /* symbolic -> default_dim */
  cnn_graph_clear (&g);
  tb_free (m);
}

static void
test_external (void)
{
  char *dir = tb_tmpdir_new ();
  char path[4200];
  float blob[6] = { 7, 7, 1, -2, 3, -4 };
  int64_t four = 4;
  CnnGraph g;

  snprintf (path, sizeof path, "%s/weights.bin", dir);
  CHECK (tb_write_bytes (path, blob, sizeof blob) == 0);
  TbModel *m = tb_new (8, 13);
  tb_input (m, "x", 1, 1, &four);
  Onnx__TensorProto *t = tb_add_initializer (m,
      tb_tensor_f32 (m, "b", 1, &four, NULL));
  tb_external (m, t, "location", "weights.bin");
  tb_external (m, t, "offset", "8");
  tb_external (m, t, "length", "16");
  tb_node (m, "Add", "a", "x,b", "y");
  tb_output (m, "y");
  CHECK (load (m, &no_opts, dir, &g) == CNN_OK);
  const CnnValue *v = value (&g, "b");
  CHECK (v && v->kind == CNN_VALUE_CONST);
  if (v)
    CHECK_CLOSE ((const float *) v->data, blob + 2, 4, 0, 0);
  cnn_graph_clear (&g);

  /* float16 external data is converted too; no length = rest of file */
  t->data_type = 10;
  t->n_external_data = 2;
  t->external_data[1]->value = tb_strdup (m, "16");
  CHECK (load (m, &no_opts, dir, &g) == CNN_OK);
  v = value (&g, "b");
  CHECK (v != NULL);
  if (v) {
    /* bytes 16..23 of blob: floats 3.0 (0x40400000), -4.0 (0xc0800000)
     * read as little-endian halves 0x0000 0x4040 0x0000 0xc080 */
    float want[4] = { 0.0f, 2.125f, 0.0f, -2.25f };
    CHECK_CLOSE ((const float *) v->data, want, 4, 0, 0);
  }
  cnn_graph_clear (&g);
  tb_free (m);
  tb_rmtree (dir);
  free (dir);
}

int
main (void)
{
  test_structure ();
  test_conversions ();
  test_inputs_bindings ();
  test_external ();
  return check_summary ("loader-valid");
}
