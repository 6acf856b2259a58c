/* test_tensor_pb.c — cnn_tensor_read_pb / load_pb / save_pb / clear.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Round trips of float32 and int64 tensors through files; ONNX's own test
 * data as an outside reference (Relu: relu(input_0) == output_0 exactly;
 * Cast FLOAT16->FLOAT: our float16 conversion of input_0 == output_0
 * exactly); bad files fail with the right status.
 */
#include "check.h"
#include "model_builder.h"
#include "cnn/cnn.h"

#include <string.h>

#ifndef ONNX_TESTDATA
#define ONNX_TESTDATA "/usr/share/libonnx-testdata/data"
#endif

static void
test_roundtrip (const char *dir)
{
  char path[4200];
  float f[6] = { 1.5f, -2.0f, 0.0f, 3.25f, -0.0f, 1e-30f };
  int64_t q[3] = { -1, INT64_C (1) << 50, 7 };
  CnnTensor t, back;
  CnnError err;

  memset (&t, 0, sizeof t);
  t.info.dtype = CNN_DTYPE_FLOAT32;
  t.info.rank = 2;
  t.info.dims[0] = 2;
  t.info.dims[1] = 3;
  t.data = f;
  t.name = "scores";
  snprintf (path, sizeof path, "%s/f.pb", dir);
  CHECK (cnn_tensor_save_pb (path, &t, &err) == CNN_OK);
  CHECK_MSG (cnn_tensor_load_pb (path, &back, &err) == CNN_OK, "%s",
      err.message);
  CHECK (back.info.dtype == CNN_DTYPE_FLOAT32 && back.info.rank == 2
      && back.info.dims[0] == 2 && back.info.dims[1] == 3);
  CHECK (back.name && strcmp (back.name, "scores") == 0);
  CHECK (back.data && memcmp (back.data, f, sizeof f) == 0);
  cnn_tensor_clear (&back);
  CHECK (back.data == NULL && back.name == NULL);

  t.info.dtype = CNN_DTYPE_INT64;
  t.info.rank = 1;
  t.info.dims[0] = 3;
  t.data = q;
  t.name = NULL;
  snprintf (path, sizeof path, "%s/q.pb", dir);
  CHECK (cnn_tensor_save_pb (path, &t, &err) == CNN_OK);
  CHECK (cnn_tensor_load_pb (path, &back, &err) == CNN_OK);
  CHECK (back.info.dtype == CNN_DTYPE_INT64 && back.info.rank == 1
      && back.name == NULL && memcmp (back.data, q, sizeof q) == 0);
  cnn_tensor_clear (&back);

  /* scalar */
  t.info.dtype = CNN_DTYPE_FLOAT32;
  t.info.rank = 0;
  t.data = f;
  snprintf (path, sizeof path, "%s/s.pb", dir);
  CHECK (cnn_tensor_save_pb (path, &t, &err) == CNN_OK);
  CHECK (cnn_tensor_load_pb (path, &back, &err) == CNN_OK);
  CHECK (back.info.rank == 0 && ((float *) back.data)[0] == 1.5f);
  cnn_tensor_clear (&back);

  t.info.dtype = CNN_DTYPE_INT32;
  CHECK (cnn_tensor_save_pb (path, &t, &err) == CNN_ERR_ARGUMENT);
  CHECK (strstr (err.message, "only float32 and int64") != NULL);
  t.info.dtype = CNN_DTYPE_FLOAT32;
  snprintf (path, sizeof path, "%s/no/such/dir/x.pb", dir);
  CHECK (cnn_tensor_save_pb (path, &t, &err) == CNN_ERR_IO);
}

static void
test_errors (const char *dir)
{
  char path[4200];
  uint8_t junk[64];
  CnnTensor t;
  CnnError err;

  CHECK (cnn_tensor_load_pb ("/nonexistent/x.pb", &t, &err) == CNN_ERR_IO);
  CHECK (strstr (err.message, "/nonexistent/x.pb") != NULL);
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (uint8_t) (0xff - i);
  CHECK (cnn_tensor_read_pb (junk, sizeof junk, &t, &err) == CNN_ERR_PARSE);
  CHECK (t.data == NULL);

  /* a bool tensor and an external-data tensor, built with protobuf-c */
  Onnx__TensorProto tp = ONNX__TENSOR_PROTO__INIT;
  int64_t dims[1] = { 2 };
  uint8_t raw[2] = { 1, 0 };
  tp.n_dims = 1;
  tp.dims = dims;
  tp.has_data_type = 1;
  tp.data_type = 9;
  tp.has_raw_data = 1;
  tp.raw_data.len = 2;
  tp.raw_data.data = raw;
  tp.name = "flags";
  uint8_t buf[256];
  size_t n = onnx__tensor_proto__pack (&tp, buf);
  CHECK (cnn_tensor_read_pb (buf, n, &t, &err) == CNN_ERR_UNSUPPORTED);
  CHECK (strstr (err.message, "tensor 'flags' has element type bool"));

  tp.data_type = 1;
  tp.raw_data.len = 2;
  n = onnx__tensor_proto__pack (&tp, buf);
  CHECK (cnn_tensor_read_pb (buf, n, &t, &err) == CNN_ERR_INVALID_MODEL);
  CHECK (strstr (err.message, "raw_data has 2 bytes but 2 float32 elements "
          "need 8"));

  Onnx__StringStringEntryProto loc = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
  Onnx__StringStringEntryProto *locs[1] = { &loc };
  loc.key = "location";
  loc.value = "data.bin";
  tp.has_raw_data = 0;
  tp.n_external_data = 1;
  tp.external_data = locs;
  tp.has_data_location = 1;
  tp.data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  n = onnx__tensor_proto__pack (&tp, buf);
  snprintf (path, sizeof path, "%s/ext.pb", dir);
  CHECK (tb_write_bytes (path, buf, n) == 0);
  CHECK (cnn_tensor_load_pb (path, &t, &err) == CNN_ERR_UNSUPPORTED);
  CHECK (strstr (err.message, "uses external data"));
}

static void
test_onnx_testdata (void)
{
  const char *relu = ONNX_TESTDATA "/node/test_relu/test_data_set_0";
  const char *cast = ONNX_TESTDATA
      "/node/test_cast_FLOAT16_to_FLOAT/test_data_set_0";
  char path[4200];
  CnnTensor in, out;
  CnnError err;

  snprintf (path, sizeof path, "%s/input_0.pb", relu);
  if (cnn_tensor_load_pb (path, &in, &err) == CNN_ERR_IO)
    CHECK_SKIP ("ONNX test data not found at %s", ONNX_TESTDATA);
  snprintf (path, sizeof path, "%s/output_0.pb", relu);
  CHECK (cnn_tensor_load_pb (path, &out, &err) == CNN_OK);
  CHECK (in.info.dtype == CNN_DTYPE_FLOAT32 && in.info.rank == 3
      && in.info.dims[0] == 3 && in.info.dims[1] == 4 && in.info.dims[2] == 5);
  CHECK (out.info.rank == 3
      && memcmp (in.info.dims, out.info.dims, 3 * sizeof (int64_t)) == 0);
  size_t n = (size_t) cnn_tensor_info_numel (&in.info);
  float *x = in.data;
  for (size_t i = 0; i < n; i++)
    x[i] = x[i] > 0 ? x[i] : 0;
  CHECK_CLOSE (x, (const float *) out.data, n, 0, 0);
  cnn_tensor_clear (&in);
  cnn_tensor_clear (&out);

  snprintf (path, sizeof path, "%s/input_0.pb", cast);
  CHECK_MSG (cnn_tensor_load_pb (path, &in, &err) == CNN_OK, "%s",
      err.message);
  snprintf (path, sizeof path, "%s/output_0.pb", cast);
  CHECK (cnn_tensor_load_pb (path, &out, &err) == CNN_OK);
  n = (size_t) cnn_tensor_info_numel (&out.info);
  CHECK (in.info.dtype == CNN_DTYPE_FLOAT32 && n > 0
      && (size_t) cnn_tensor_info_numel (&in.info) == n);
  if (in.data && out.data)
    CHECK_CLOSE ((const float *) in.data, (const float *) out.data, n, 0, 0);
  cnn_tensor_clear (&in);
  cnn_tensor_clear (&out);
}

int
main (void)
{
  char *dir = tb_tmpdir_new ();
  test_roundtrip (dir);
  test_errors (dir);
  tb_rmtree (dir);
  free (dir);
  test_onnx_testdata ();
  return check_summary ("tensor-pb");
}
