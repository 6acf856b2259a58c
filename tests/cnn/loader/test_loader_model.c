/* test_loader_model.c — loaded models through the public API, end to end.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Models written to a temporary folder are loaded with cnn_model_load_file
 * (external data beside them, IR 3 initializer inputs, int64 bindings,
 * metadata), run (default options, 1 and 2 threads, with and without
 * cnn_session_wake) and compared with values computed here. Loader errors
 * reach CnnError unchanged, and byte mutations of a valid model never crash
 * the whole load path (loader + graph passes).
 */
#include "check.h"
#include "model_builder.h"
#include "cnn/cnn.h"

#include <stdbool.h>
#include <string.h>

static const int64_t x_dims[4] = { 1, 2, 2, 4 };
static const float b_data[4] = { 1, -2, 3, -4 };

/* x[1,2,2,4] + b[4] -> Relu -> y; b as raw data or external file. */
static TbModel *
add_relu_model (int64_t ir, bool external)
{
  int64_t four = 4;
  TbModel *m = tb_new (ir, 13);
  tb_meta (m, "labels", "a\nb");
  tb_meta (m, "mean", "0.485,0.456,0.406");
  tb_input (m, "x", 1, 4, x_dims);
  Onnx__TensorProto *b = tb_add_initializer (m,
      tb_tensor_f32 (m, "b", 1, &four, external ? NULL : b_data));
  if (external) {
    tb_external (m, b, "location", "b.bin");
    tb_external (m, b, "offset", "0");
    tb_external (m, b, "length", "16");
  }
  if (ir == 3)
    tb_input (m, "b", 1, 1, &four);
  tb_node (m, "Add", "add0", "x,b", "t");
  tb_node (m, "Relu", "relu0", "t", "y");
  tb_output (m, "y");
  return m;
}

/* Loads path, runs it on a known x and checks y = relu(x + b). */
static void
check_add_relu (const char *path)
{
  CnnModel *model = NULL;
  CnnSession *s = NULL;
  CnnError err;
  CnnTensorInfo info;
  const char *name;
  float x[16], want[16];

  CHECK_MSG (cnn_model_load_file (path, NULL, &model, &err) == CNN_OK, "%s",
      err.message);
  if (!model)
    return;
  CHECK (cnn_model_input_count (model) == 1);
  CHECK (cnn_model_input_info (model, 0, &name, &info) == CNN_OK
      && strcmp (name, "x") == 0 && info.rank == 4 && info.dims[3] == 4);
  CHECK (cnn_model_output_count (model) == 1);
  CHECK (cnn_model_output_info (model, 0, &name, &info) == CNN_OK
      && strcmp (name, "y") == 0 && info.rank == 4 && info.dims[1] == 2);
  CHECK (cnn_model_metadata (model, "mean")
      && strcmp (cnn_model_metadata (model, "mean"), "0.485,0.456,0.406")
      == 0);
  CHECK (cnn_model_metadata_count (model) == 2);
  for (int i = 0; i < 16; i++) {
    x[i] = (float) (i % 5) - 1.5f;
    float t = x[i] + b_data[i % 4];
    want[i] = t > 0 ? t : 0;
  }
  /* default options, then 1 and 2 threads with the wake hint (which
   * changes nothing but when the workers wake, also for NULL) */
  for (int threads = 0; threads <= 2; threads++) {
    CnnSessionOptions so;
    cnn_session_options_init (&so);
    so.threads = threads;
    CHECK_MSG (cnn_session_new (model, threads ? &so : NULL, &s, &err)
        == CNN_OK, "%s", err.message);
    if (!s)
      continue;
    cnn_session_wake (threads ? s : NULL);
    CHECK (cnn_session_set_input (s, 0, x, sizeof x) == CNN_OK);
    CHECK_MSG (cnn_session_run (s) == CNN_OK, "%s",
        cnn_session_last_error (s));
    CHECK_CLOSE (cnn_session_output_data (s, 0), want, 16, 0, 0);
    /* a wrong size is refused before anything is written or woken */
    CHECK (cnn_session_set_input (s, 0, x, sizeof x - 4) == CNN_ERR_ARGUMENT
        && strstr (cnn_session_last_error (s), "takes 64 bytes, got 60"));
    cnn_session_free (s);
    s = NULL;
  }
  cnn_model_unref (model);
}

static void
test_files (const char *dir)
{
  char path[4200];
  TbModel *m;

  snprintf (path, sizeof path, "%s/raw.onnx", dir);
  m = add_relu_model (8, false);
  CHECK (tb_write (m, path) == 0);
  tb_free (m);
  check_add_relu (path);

  snprintf (path, sizeof path, "%s/ir3.onnx", dir);
  m = add_relu_model (3, false);
  CHECK (tb_write (m, path) == 0);
  tb_free (m);
  check_add_relu (path);

  snprintf (path, sizeof path, "%s/b.bin", dir);
  CHECK (tb_write_bytes (path, b_data, sizeof b_data) == 0);
  snprintf (path, sizeof path, "%s/ext.onnx", dir);
  m = add_relu_model (8, true);
  CHECK (tb_write (m, path) == 0);
  tb_free (m);
  check_add_relu (path);
}

/* x[1,16] -> Reshape(shape = bound int64 input [4,-1]) -> y[4,4]. */
static void
test_int64_binding (void)
{
  int64_t xd[2] = { 1, 16 }, sd[1] = { 2 }, shape[2] = { 4, -1 };
  TbModel *m = tb_new (8, 13);
  CnnModel *model = NULL;
  CnnError err;
  CnnTensorInfo info;
  size_t n;

  tb_input (m, "x", 1, 2, xd);
  tb_input (m, "shape", 7, 1, sd);
  tb_node (m, "Reshape", "r", "x,shape", "y");
  tb_output (m, "y");
  uint8_t *buf = tb_pack (m, &n);

  CHECK (cnn_model_load_memory (buf, n, NULL, &model, &err)
      == CNN_ERR_UNSUPPORTED);
  CHECK (strstr (err.message, "input 'shape' is int64") != NULL);

  CnnModelOptions o;
  CnnInputBinding bd;
  cnn_model_options_init (&o);
  memset (&bd, 0, sizeof bd);
  bd.name = "shape";
  bd.info.dtype = CNN_DTYPE_INT64;
  bd.info.rank = 1;
  bd.info.dims[0] = 2;
  bd.data = shape;
  o.bindings = &bd;
  o.n_bindings = 1;
  CHECK_MSG (cnn_model_load_memory (buf, n, &o, &model, &err) == CNN_OK,
      "%s", err.message);
  if (model) {
    CHECK (cnn_model_input_count (model) == 1);
    CHECK (cnn_model_output_info (model, 0, NULL, &info) == CNN_OK
        && info.rank == 2 && info.dims[0] == 4 && info.dims[1] == 4);
    cnn_model_unref (model);
  }
  free (buf);
  tb_free (m);
}

static void
test_errors (void)
{
  TbModel *m = add_relu_model (8, false);
  CnnModel *model = NULL;
  CnnError err;
  size_t n;

  tb_node (m, "FooOp", "foo", "y", "z");
  uint8_t *buf = tb_pack (m, &n);
  CHECK (cnn_model_load_memory (buf, n, NULL, &model, &err)
      == CNN_ERR_UNSUPPORTED && model == NULL);
  CHECK (err.status == CNN_ERR_UNSUPPORTED);
  CHECK_MSG (strcmp (err.message,
          "node 2 (FooOp 'foo'): unsupported operator 'FooOp'") == 0,
      "'%s'", err.message);
  free (buf);
  tb_free (m);

  CHECK (cnn_model_load_file ("/nonexistent/m.onnx", NULL, &model, &err)
      == CNN_ERR_IO);
  CHECK (cnn_model_load_memory ("\x08", 1, NULL, &model, &err) != CNN_OK);
  CHECK (err.message[0] != '\0');
}

/* Mutated bytes through loader + graph passes: no crash, failures carry a
 * message, successes give a model whose outputs have known shapes. */
static void
test_mutations (void)
{
  TbModel *m = add_relu_model (8, false);
  uint32_t r = 777u;
  size_t n;
  uint8_t *orig = tb_pack (m, &n), *buf = malloc (n);
  int silent = 0, loaded = 0;

  for (int it = 0; it < 3000; it++) {
    CnnModel *model = NULL;
    CnnError err;
    memcpy (buf, orig, n);
    for (int f = 0; f < 2; f++) {
      r = r * 1664525u + 1013904223u;
      buf[(r >> 8) % n] ^= (uint8_t) (1u << ((r >> 4) % 8));
    }
    if (cnn_model_load_memory (buf, n, NULL, &model, &err) == CNN_OK) {
      loaded++;
      cnn_model_unref (model);
    } else if (err.message[0] == '\0') {
      silent++;
    }
  }
  printf ("mutations: %d of 3000 loaded\n", loaded);
  CHECK (silent == 0);
  free (buf);
  free (orig);
  tb_free (m);
}

int
main (void)
{
  char *dir = tb_tmpdir_new ();
  test_files (dir);
  tb_rmtree (dir);
  free (dir);
  test_int64_binding ();
  test_errors ();
  test_mutations ();
  return check_summary ("loader-model");
}
