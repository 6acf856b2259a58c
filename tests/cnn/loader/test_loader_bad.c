/* test_loader_bad.c — malformed and unsupported models are refused cleanly.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each case starts from a small valid model (x + b -> Relu -> y), breaks
 * one thing, and checks the exact status, a message naming what is wrong,
 * and that the graph is left empty. External-data cases run in a private
 * temporary folder.
 */
#include "check.h"
#include "model_builder.h"
#include "onnx/onnx_load.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const int64_t x_dims[4] = { 1, 2, 2, 4 };
static const int64_t b_dims[1] = { 4 };
static const float b_data[4] = { 1, -2, 3, -4 };

/* x[1,2,2,4] + b[4] -> t -> Relu -> y */
static TbModel *
base_model (void)
{
  return tb_small_model ();
}

static Onnx__TensorProto *
init_b (TbModel *m)
{
  return tb_proto (m)->graph->initializer[0];
}

/* Loads m, expects status want and a message containing needle; frees m. */
static void
expect (int line, TbModel *m, const CnnModelOptions *opts, const char *dir,
    CnnStatus want, const char *needle)
{
  CnnGraph g;
  CnnDiag d;
  size_t n;
  uint8_t *buf = tb_pack (m, &n);

  cnn_diag_reset (&d);
  CnnStatus st = cnn_onnx_load_graph (buf, n, dir, opts, &g, &d);
  CHECK_MSG (st == want, "line %d: status %s, expected %s (%s)", line,
      cnn_status_name (st), cnn_status_name (want), d.message);
  CHECK_MSG (strstr (d.message, needle) != NULL,
      "line %d: message '%s' lacks '%s'", line, d.message, needle);
  CHECK_MSG (g.n_values == 0 && g.n_nodes == 0 && g.values == NULL,
      "line %d: graph not cleared", line);
  cnn_graph_clear (&g);
  free (buf);
  tb_free (m);
}

#define EXPECT(m, opts, dir, want, needle) \
  expect (__LINE__, (m), (opts), (dir), (want), (needle))

/* The control case: m loads. */
static void
expect_ok (TbModel *m, const char *dir)
{
  CnnGraph g;
  CnnDiag d;
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  CHECK_MSG (cnn_onnx_load_graph (buf, n, dir, NULL, &g, &d) == CNN_OK,
      "%s", d.message);
  cnn_graph_clear (&g);
  free (buf);
  tb_free (m);
}

static void
test_tensors (void)
{
  TbModel *m;

  m = base_model ();
  init_b (m)->data_type = 9;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "initializer 'b' has element type bool");

  m = base_model ();
  init_b (m)->has_data_type = 0;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "element type undefined");

  m = base_model ();
  init_b (m)->data_type = 8;   /* string */
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "string");

  /* dims whose product overflows int64 */
  m = base_model ();
  {
    int64_t big[3] = { INT64_C (1) << 31, INT64_C (1) << 31, 4 };
    Onnx__TensorProto *t = tb_tensor_f32 (m, "big", 3, big, NULL);
    t->has_raw_data = 1;
    t->raw_data.len = 4;
    t->raw_data.data = (uint8_t *) tb_alloc (m, 4);
    tb_add_initializer (m, t);
  }
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "initializer 'big': the product of its dimensions overflows");

  /* declared size far larger than the data in the file */
  m = base_model ();
  {
    int64_t huge[2] = { INT64_C (1) << 30, 1024 };
    Onnx__TensorProto *t = tb_tensor_f32 (m, "huge", 2, huge, NULL);
    t->has_raw_data = 1;
    t->raw_data.len = 16;
    t->raw_data.data = (uint8_t *) tb_alloc (m, 16);
    tb_add_initializer (m, t);
  }
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "raw_data has 16 bytes but 1099511627776 float32 elements need "
      "4398046511104");

}

static void
test_tensor_data (void)
{
  TbModel *m;
  float f[4] = { 0 };

  m = base_model ();
  init_b (m)->dims[0] = -4;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "negative dimension -4");

  m = base_model ();
  init_b (m)->raw_data.len = 12;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "raw_data has 12 bytes but 4 float32 elements need 16");

  m = base_model ();
  init_b (m)->dims[0] = 5;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "raw_data has 16 bytes");

  /* typed field with the wrong count */
  m = base_model ();
  init_b (m)->has_raw_data = 0;
  init_b (m)->n_float_data = 3;
  init_b (m)->float_data = f;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "initializer 'b' holds 3 values but its dimensions need 4");

  /* no data at all */
  m = base_model ();
  init_b (m)->has_raw_data = 0;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "holds 0 values");

  /* raw_data and typed data together */
  m = base_model ();
  init_b (m)->n_float_data = 4;
  init_b (m)->float_data = f;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "both raw_data and typed");

  m = base_model ();
  {
    int64_t d9[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    tb_add_initializer (m, tb_tensor_f32 (m, "r9", 9, d9, f));
  }
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "'r9' has rank 9");

  m = base_model ();
  init_b (m)->name[0] = '\0';
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "initializer 0 has no name");

  m = base_model ();
  tb_add_initializer (m, tb_tensor_f32 (m, "b", 1, b_dims, b_data));
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "initializer 'b' is defined twice");

  /* weight limit */
  {
    CnnModelOptions o = { .default_dim = 1, .max_memory_bytes = 8 };
    EXPECT (base_model (), &o, NULL, CNN_ERR_LIMIT, "memory limit of 8");
  }
}

static void
test_graph (void)
{
  TbModel *m;

  m = base_model ();
  tb_proto (m)->graph->node[0]->input[1] = tb_strdup (m, "missing_w");
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "node 0 (Add 'add0'): input 1 'missing_w' is not produced by any "
      "node, initializer or graph input");

  m = base_model ();
  tb_node (m, "FooOp", "foo", "y", "z");
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 2 (FooOp 'foo'): unsupported operator 'FooOp'");

  m = base_model ();
  tb_proto (m)->graph->node[1]->domain = tb_strdup (m, "com.microsoft");
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 1 (Relu 'relu0'): operator domain 'com.microsoft'");

  /* the domains of nodes our fusion pass makes are not open to models */
  m = base_model ();
  tb_proto (m)->graph->node[1]->domain = tb_strdup (m, "gst-cnn.dwpw");
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 1 (Relu 'relu0'): operator domain 'gst-cnn.dwpw'");
  m = base_model ();
  tb_proto (m)->graph->node[1]->domain = tb_strdup (m, "gst-cnn.convpool");
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 1 (Relu 'relu0'): operator domain 'gst-cnn.convpool'");

  m = base_model ();
  tb_node (m, "Relu", "again", "x", "t");
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "node 2 (Relu 'again'): output 't' is already defined");

  m = base_model ();
  tb_node (m, "Relu", "shadow", "y", "b");
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "output 'b' is already");

  m = base_model ();
  tb_proto (m)->graph->node[0]->op_type[0] = '\0';
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "node without op_type");

  m = base_model ();
  tb_output (m, "nowhere");
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "graph output 'nowhere' is not produced by any node");

  m = base_model ();
  tb_output (m, "y");
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "'y' is listed twice");

  m = base_model ();
  tb_proto (m)->graph->n_output = 0;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "the graph has no outputs");

  m = base_model ();
  tb_input (m, "x", 1, 4, x_dims);
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "graph input 'x' is listed twice");

  m = base_model ();
  tb_proto (m)->graph = NULL;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "the model has no graph");
}

static void
test_attributes (void)
{
  TbModel *m;

  m = base_model ();
  {
    Onnx__AttributeProto *a = tb_attr_int (m,
        tb_proto (m)->graph->node[1], "body", 0);
    a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
    a->g = tb_alloc (m, sizeof (Onnx__GraphProto));
    onnx__graph_proto__init (a->g);
  }
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 1 (Relu 'relu0'): attribute 'body': subgraphs are not supported");

  m = base_model ();
  {
    int64_t one = 1;
    Onnx__TensorProto *t = tb_tensor_f32 (m, "", 1, &one, b_data);
    t->data_type = 2;           /* uint8 */
    tb_attr_tensor (m, tb_proto (m)->graph->node[1], "value", t);
  }
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 1 (Relu 'relu0'): tensor attribute 'value' has element type "
      "uint8");

  m = base_model ();
  tb_attr_int (m, tb_proto (m)->graph->node[1], "alpha", 1)->has_type = 0;
  tb_proto (m)->graph->node[1]->attribute[0]->has_i = 0;
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "attribute 'alpha' has no type");

  m = base_model ();
  tb_attr_int (m, tb_proto (m)->graph->node[1], "", 1);
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL, "attribute without name");
}

static void
test_versions (void)
{
  TbModel *m;

  m = base_model ();
  tb_proto (m)->ir_version = 2;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "ONNX IR version 2 is not");

  m = base_model ();
  tb_proto (m)->ir_version = 11;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "ONNX IR version 11 is not");

  m = base_model ();
  tb_proto (m)->has_ir_version = 0;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "ONNX IR version 0 is not");

  m = base_model ();
  tb_proto (m)->opset_import[0]->version = 0;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "ONNX opset 0 is not supported");

  /* Before opset 7: legacy axis broadcasting and ops whose old semantics
   * differ are refused, naming the node. */
  m = base_model ();
  tb_proto (m)->opset_import[0]->version = 6;
  tb_attr_int (m, tb_proto (m)->graph->node[0], "axis", 1);
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "node 0 (Add 'add0'): legacy broadcasting with 'axis'");

  m = base_model ();
  tb_proto (m)->opset_import[0]->version = 6;
  tb_proto (m)->graph->node[1]->op_type = tb_strdup (m, "PRelu");
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "operator 'PRelu' is not supported in opset 6 (before 7)");

  m = base_model ();
  tb_proto (m)->opset_import[0]->version = 22;
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED, "ONNX opset 22 is not");

  m = base_model ();
  tb_proto (m)->opset_import[0]->domain = tb_strdup (m, "ai.onnx.ml");
  EXPECT (m, NULL, NULL, CNN_ERR_INVALID_MODEL,
      "imports no opset of the default ONNX domain");
}

static void
test_inputs (void)
{
  TbModel *m;
  int64_t shape_dims[1] = { 2 };

  /* int64 run-time input must be bound */
  m = base_model ();
  tb_input (m, "shape", 7, 1, shape_dims);
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "input 'shape' is int64; bind its value with CnnInputBinding");

  m = base_model ();
  tb_input (m, "noshape", 1, -1, NULL);
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "input 'noshape' declares no shape");

}

static void
test_bindings (void)
{
  TbModel *m;
  int64_t shape_dims[1] = { 2 };
  int64_t shape_val[2] = { 4, 4 };
  CnnModelOptions o = { .default_dim = 1 };
  CnnInputBinding bd[2];

  memset (bd, 0, sizeof bd);
  o.bindings = bd;
  bd[0].name = "nope";
  bd[0].info.dtype = CNN_DTYPE_FLOAT32;
  o.n_bindings = 1;
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "binding names 'nope', which is not a graph input");

  /* a value that exists but is not a graph input */
  bd[0].name = "t";
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "binding names 't', which is not a graph input");

  bd[0].name = "x";
  bd[0].info.dtype = CNN_DTYPE_INT64;
  bd[0].info.rank = 4;
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "binding for input 'x' is int64 but the model declares float32");

  bd[0].info.dtype = CNN_DTYPE_FLOAT32;
  bd[0].info.rank = 2;
  bd[0].info.dims[0] = 4;
  bd[0].info.dims[1] = 4;
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "binding for input 'x' has rank 2 but the model declares 4");

  bd[0].info.rank = 4;
  bd[0].info.dims[2] = -3;
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "binding for input 'x' has invalid dimensions");

  bd[0].info.dims[2] = 1;
  bd[0].info.dims[3] = 1;
  bd[1] = bd[0];
  o.n_bindings = 2;
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "input 'x' is bound twice");

  /* an initializer listed as input needs a value, not just a shape */
  m = base_model ();
  tb_input (m, "b", 1, 1, b_dims);
  bd[0].name = "b";
  bd[0].info.rank = 1;
  bd[0].info.dims[0] = 4;
  o.n_bindings = 1;
  EXPECT (m, &o, NULL, CNN_ERR_ARGUMENT,
      "input 'b' has an initializer; its binding must give a value");

  /* int64 binding with data, but over the weight limit */
  m = base_model ();
  tb_input (m, "shape", 7, 1, shape_dims);
  bd[0].name = "shape";
  bd[0].info.dtype = CNN_DTYPE_INT64;
  bd[0].info.rank = 1;
  bd[0].info.dims[0] = 2;
  bd[0].data = shape_val;
  o.max_memory_bytes = 20;     /* b takes 16, shape 16 more */
  EXPECT (m, &o, NULL, CNN_ERR_LIMIT, "binding for input 'shape' needs 16");

  o.n_bindings = 0;
  o.max_memory_bytes = 0;
  o.default_dim = -1;
  EXPECT (base_model (), &o, NULL, CNN_ERR_ARGUMENT,
      "invalid model options");
}

/* External data; every case in a private folder holding w.bin (16 B). */
static void
test_external (void)
{
  char *dir = tb_tmpdir_new ();
  char path[4400], sub[4200];
  TbModel *m;

  snprintf (path, sizeof path, "%s/w.bin", dir);
  CHECK (tb_write_bytes (path, b_data, sizeof b_data) == 0);
  snprintf (sub, sizeof sub, "%s/sub", dir);
  CHECK (mkdir (sub, 0700) == 0);

#define EXT_MODEL(loc, off, len)                                \
  do {                                                          \
    m = base_model ();                                          \
    init_b (m)->has_raw_data = 0;                               \
    tb_external (m, init_b (m), "location", (loc));             \
    if (off)                                                    \
      tb_external (m, init_b (m), "offset", (off));             \
    if (len)                                                    \
      tb_external (m, init_b (m), "length", (len));             \
  } while (0)

  EXT_MODEL ("w.bin", NULL, NULL);
  EXPECT (m, NULL, NULL, CNN_ERR_UNSUPPORTED,
      "initializer 'b' uses external data, which needs a model file");

  EXT_MODEL (path, NULL, NULL);
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL, "is an absolute path");

  EXT_MODEL ("../w.bin", NULL, NULL);
  EXPECT (m, NULL, sub, CNN_ERR_INVALID_MODEL, "contains '..'");

  EXT_MODEL ("sub/../w.bin", NULL, NULL);
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL, "contains '..'");

  EXT_MODEL ("w.bin", "8", "16");
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL,
      "external data range (offset 8, length 16) lies beyond the end");

  EXT_MODEL ("w.bin", "4096", NULL);
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL, "lies beyond the end");

  EXT_MODEL ("w.bin", "4", NULL);
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL,
      "external data has 12 bytes but its dimensions need 16");

  EXT_MODEL ("w.bin", "-4", NULL);
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL, "bad external data offset");

  EXT_MODEL ("missing.bin", NULL, NULL);
  EXPECT (m, NULL, dir, CNN_ERR_IO, "missing.bin");

  EXT_MODEL ("", NULL, NULL);
  EXPECT (m, NULL, dir, CNN_ERR_INVALID_MODEL,
      "external data without a location");

  /* a symlink inside the folder that points outside it */
  snprintf (path, sizeof path, "%s/escape.bin", sub);
  snprintf (sub, sizeof sub, "%s/w.bin", dir);
  CHECK (symlink (sub, path) == 0);
  EXT_MODEL ("escape.bin", NULL, NULL);
  snprintf (sub, sizeof sub, "%s/sub", dir);
  EXPECT (m, NULL, sub, CNN_ERR_INVALID_MODEL,
      "resolves outside the model folder");

  /* sanity: the same range read from inside the folder loads */
  EXT_MODEL ("w.bin", "0", "16");
  expect_ok (m, dir);
#undef EXT_MODEL
  tb_rmtree (dir);
  free (dir);
}

int
main (void)
{
  test_tensors ();
  test_tensor_data ();
  test_graph ();
  test_attributes ();
  test_versions ();
  test_inputs ();
  test_bindings ();
  test_external ();
  return check_summary ("loader-bad");
}
