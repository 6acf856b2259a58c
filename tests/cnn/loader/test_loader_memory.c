/* test_loader_memory.c — the loader holds the weights once (issue 5).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Model files are mapped and their initializers' raw_data payloads are
 * converted straight from the mapping (onnx_strip.c, onnx_tensor.c). This
 * checks, with numbers:
 *   - a model of every initializer encoding (float32 raw_data larger than
 *     the 256 KiB release chunk, float16 raw_data, double raw_data, int64,
 *     float_data, zero-size) gives bit-identical outputs and equal weight
 *     bytes loaded from a file and from memory, and the values computed
 *     here;
 *   - the stripped path keeps the loader's checks: raw_data length
 *     mismatch and raw_data + float_data (messages), truncated files;
 *     protobuf-c's merging of repeated graph fields and a duplicated
 *     raw_data (the last one wins) reach the right payloads;
 *   - cnn_onnx_strip itself: spans, lookup, framing that protobuf-c
 *     refuses;
 *   - loading a file with 64 MiB of weights, or with 4 MiB in one tensor
 *     (as a small net's fully connected layer), raises the peak resident
 *     set (VmHWM, reset through /proc/self/clear_refs) by less than 1.2 x
 *     the weights: the mapped pages are dropped as they are converted, and
 *     the kernel's fault-around does not bring them back (skipped without
 *     /proc or under AddressSanitizer). Measured 1.02-1.13; with the
 *     former 4 MiB release chunk the 4 MiB case took 2.0 x.
 */
#include "check.h"
#include "model_builder.h"
#include "onnx/onnx_load.h"
#include "onnx/onnx_tensor.h"
#include "cnn/cnn.h"

#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdbool.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

enum { K1 = 1024, N1 = 1100, N2 = 2100 };

static float
w1_at (int i, int j)
{
  return (float) ((i * 7 + j * 3) % 17 - 8) / 64.0f;
}

static float
w2_at (int i, int j)
{
  return (float) ((i * 5 + j) % 9 - 4) / 16.0f;
}

/* float16 bits of v, which must be 0 or an exactly representable normal. */
static uint16_t
half_bits (float v)
{
  int e;
  uint16_t sign = v < 0 ? 0x8000 : 0;
  if (v == 0)
    return 0;
  float m = frexpf (fabsf (v), &e);       /* |v| = m * 2^e, m in [0.5, 1) */
  return (uint16_t) (sign | (uint16_t) ((e + 14) << 10)
      | (uint16_t) ((m * 2 - 1) * 1024));
}

/* Attaches n bytes as t's raw_data (copied into the model). */
static void
set_raw (TbModel *m, Onnx__TensorProto *t, const void *bytes, size_t n)
{
  t->has_raw_data = 1;
  t->raw_data.len = n;
  t->raw_data.data = tb_alloc (m, n);
  memcpy (t->raw_data.data, bytes, n);
}

/* x[1,1024] -> Gemm(W1 f32 raw [1100,1024], b1 float_data) -> Relu
 * -> Gemm(W2 f16 raw [2100,1100]) -> + c (double raw) -> Reshape(int64
 * [2100,1]) -> y; plus two unused zero-size initializers. */
static TbModel *
mixed_model (void)
{
  int64_t xd[2] = { 1, K1 }, w1d[2] = { N1, K1 }, b1d[1] = { N1 };
  int64_t w2d[2] = { N2, N1 }, cd[1] = { N2 }, sd[1] = { 2 }, zd[1] = { 0 };
  int64_t shape[2] = { N2, 1 };
  TbModel *m = tb_new (8, 13);
  float *w1 = malloc (sizeof (float) * N1 * K1);
  uint16_t *w2 = malloc (sizeof (uint16_t) * N2 * N1);
  double *c = malloc (sizeof (double) * N2);

  for (int i = 0; i < N1; i++)
    for (int j = 0; j < K1; j++)
      w1[(size_t) i * K1 + j] = w1_at (i, j);
  for (int i = 0; i < N2; i++)
    for (int j = 0; j < N1; j++)
      w2[(size_t) i * N1 + j] = half_bits (w2_at (i, j));
  for (int i = 0; i < N2; i++)
    c[i] = (i % 7) * 0.25;
  tb_input (m, "x", 1, 2, xd);
  tb_add_initializer (m, tb_tensor_f32 (m, "W1", 2, w1d, w1));
  Onnx__TensorProto *b1 = tb_add_initializer (m,
      tb_tensor_f32 (m, "b1", 1, b1d, NULL));
  b1->n_float_data = N1;
  b1->float_data = tb_alloc (m, sizeof (float) * N1);
  for (int i = 0; i < N1; i++)
    b1->float_data[i] = (float) (i % 5 - 2) / 4.0f;
  Onnx__TensorProto *t = tb_add_initializer (m,
      tb_tensor_f32 (m, "W2", 2, w2d, NULL));
  t->data_type = 10;
  set_raw (m, t, w2, sizeof (uint16_t) * N2 * N1);
  t = tb_add_initializer (m, tb_tensor_f32 (m, "c", 1, cd, NULL));
  t->data_type = 11;
  set_raw (m, t, c, sizeof (double) * N2);
  tb_add_initializer (m, tb_tensor_i64 (m, "shape", 1, sd, shape));
  t = tb_add_initializer (m, tb_tensor_f32 (m, "empty_raw", 1, zd, NULL));
  set_raw (m, t, "", 0);
  tb_add_initializer (m, tb_tensor_f32 (m, "empty_typed", 1, zd, NULL));
  Onnx__NodeProto *n = tb_node (m, "Gemm", "fc1", "x,W1,b1", "h");
  tb_attr_int (m, n, "transB", 1);
  tb_node (m, "Relu", "relu", "h", "r");
  n = tb_node (m, "Gemm", "fc2", "r,W2", "z");
  tb_attr_int (m, n, "transB", 1);
  tb_node (m, "Add", "add", "z,c", "u");
  tb_node (m, "Reshape", "reshape", "u,shape", "y");
  tb_output (m, "y");
  free (w1);
  free (w2);
  free (c);
  return m;
}

static float
x_at (int j)
{
  return (float) (j % 13 - 6) / 8.0f;
}

/* Runs model on x_at (1 thread) into y[N2]; false on failure. */
static bool
run_model (CnnModel *model, float *y)
{
  CnnSessionOptions so;
  CnnSession *s = NULL;
  CnnError err;
  float x[K1];
  bool ok;

  cnn_session_options_init (&so);
  so.threads = 1;
  CHECK_MSG (cnn_session_new (model, &so, &s, &err) == CNN_OK, "%s",
      err.message);
  if (!s)
    return false;
  for (int j = 0; j < K1; j++)
    x[j] = x_at (j);
  ok = cnn_session_set_input (s, 0, x, sizeof x) == CNN_OK
      && cnn_session_run (s) == CNN_OK;
  CHECK_MSG (ok, "%s", cnn_session_last_error (s));
  if (ok)
    memcpy (y, cnn_session_output_data (s, 0), sizeof (float) * N2);
  cnn_session_free (s);
  return ok;
}

static void
test_file_vs_memory (const char *dir)
{
  static float y_file[N2], y_mem[N2], want[N2];
  static double h[N1];
  char path[4200];
  CnnModel *fm = NULL, *mm = NULL;
  CnnError err;
  size_t n;
  TbModel *m = mixed_model ();
  uint8_t *buf = tb_pack (m, &n);

  tb_free (m);
  snprintf (path, sizeof path, "%s/mixed.onnx", dir);
  CHECK (tb_write_bytes (path, buf, n) == 0);
  CHECK_MSG (cnn_model_load_file (path, NULL, &fm, &err) == CNN_OK, "%s",
      err.message);
  CHECK_MSG (cnn_model_load_memory (buf, n, NULL, &mm, &err) == CNN_OK,
      "%s", err.message);
  free (buf);
  if (!fm || !mm)
    goto out;
  /* W1 + b1 + W2 (as float32) + c (as float32) + shape, zero-size ones */
  uint64_t want_bytes = 4ull * (N1 * K1 + N1 + (uint64_t) N2 * N1 + N2)
      + 16;
  CHECK_MSG (cnn_model_weight_bytes (fm) == cnn_model_weight_bytes (mm),
      "file %llu, memory %llu",
      (unsigned long long) cnn_model_weight_bytes (fm),
      (unsigned long long) cnn_model_weight_bytes (mm));
  CHECK_MSG (cnn_model_weight_bytes (fm) >= want_bytes - 16
      && cnn_model_weight_bytes (fm) <= want_bytes,
      "weights %llu, expected about %llu",
      (unsigned long long) cnn_model_weight_bytes (fm),
      (unsigned long long) want_bytes);
  if (!run_model (fm, y_file) || !run_model (mm, y_mem))
    goto out;
  CHECK (memcmp (y_file, y_mem, sizeof y_file) == 0);
  for (int i = 0; i < N1; i++) {
    double acc = (double) (i % 5 - 2) / 4.0;
    for (int j = 0; j < K1; j++)
      acc += (double) w1_at (i, j) * x_at (j);
    h[i] = acc > 0 ? acc : 0;
  }
  for (int i = 0; i < N2; i++) {
    double acc = (i % 7) * 0.25;
    for (int j = 0; j < N1; j++)
      acc += (double) w2_at (i, j) * h[j];
    want[i] = (float) acc;
  }
  CHECK_CLOSE (y_file, want, N2, 1e-4, 1e-3);
out:
  cnn_model_unref (fm);
  cnn_model_unref (mm);
}

/* ---- the stripped path keeps the loader's checks ---------------------- */

/* x[1,2,2,4] + b[4] -> Relu -> y */
static TbModel *
small_model (void)
{
  return tb_small_model ();
}

/* Writes bytes to dir/name and loads that file; returns the status and
 * leaves the message in err. */
static CnnStatus
load_bytes_as_file (const char *dir, const char *name, const void *bytes,
    size_t n, CnnError *err)
{
  char path[4200];
  CnnModel *model = NULL;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  CHECK (tb_write_bytes (path, bytes, n) == 0);
  CnnStatus st = cnn_model_load_file (path, NULL, &model, err);
  cnn_model_unref (model);
  return st;
}

static void
expect_file (int line, const char *dir, TbModel *m, CnnStatus want,
    const char *needle)
{
  CnnError err;
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  CnnStatus st = load_bytes_as_file (dir, "case.onnx", buf, n, &err);

  CHECK_MSG (st == want && strstr (err.message, needle),
      "line %d: %s '%s', expected %s '%s'", line, cnn_status_name (st),
      err.message, cnn_status_name (want), needle);
  free (buf);
  tb_free (m);
}

static void
test_checks_kept (const char *dir)
{
  float f[4] = { 0 };
  TbModel *m = small_model ();
  tb_proto (m)->graph->initializer[0]->raw_data.len = 12;
  expect_file (__LINE__, dir, m, CNN_ERR_INVALID_MODEL,
      "initializer 'b': raw_data has 12 bytes but 4 float32 elements need "
      "16");

  m = small_model ();
  tb_proto (m)->graph->initializer[0]->n_float_data = 4;
  tb_proto (m)->graph->initializer[0]->float_data = f;
  expect_file (__LINE__, dir, m, CNN_ERR_INVALID_MODEL,
      "initializer 'b' has both raw_data and typed data");

  /* raw_data of the wrong size for its float16 elements */
  m = small_model ();
  tb_proto (m)->graph->initializer[0]->data_type = 10;
  expect_file (__LINE__, dir, m, CNN_ERR_INVALID_MODEL,
      "raw_data has 16 bytes but 4 float16 elements need 8");

  /* truncated files: inside W1's payload, and everywhere near the end */
  size_t n;
  m = mixed_model ();
  uint8_t *buf = tb_pack (m, &n);
  tb_free (m);
  CnnError err;
  CnnStatus st = load_bytes_as_file (dir, "cut.onnx", buf, n / 4, &err);
  CHECK_MSG (st == CNN_ERR_PARSE
      && strstr (err.message, "not a valid ONNX model"), "%s: %s",
      cnn_status_name (st), err.message);
  int refused = 0;
  for (size_t cut = 1; cut <= 64; cut++)
    refused += load_bytes_as_file (dir, "cut.onnx", buf, n - cut, &err)
        != CNN_OK;
  CHECK_MSG (refused == 64, "%d of 64 truncations refused", refused);
  free (buf);
}

/* Length-delimited field `field` holding [p, p + n), appended to out. */
static size_t
put_field (uint8_t *out, int field, const void *p, size_t n)
{
  size_t k = 0;
  out[k++] = (uint8_t) (field << 3 | 2);
  for (size_t v = n; ; v >>= 7) {
    out[k++] = (uint8_t) ((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
    if (v < 0x80)
      break;
  }
  memcpy (out + k, p, n);
  return k + n;
}

/* The value named name in g, or NULL. */
static const CnnValue *
find_value (const CnnGraph *g, const char *name)
{
  for (int i = 0; i < g->n_values; i++)
    if (strcmp (g->values[i].name, name) == 0)
      return &g->values[i];
  return NULL;
}

/* small_model + a second ModelProto.graph field (merged by protobuf-c)
 * with initializer c whose raw_data appears twice: [1, 2] then [3, 4]. */
static uint8_t *
merged_model (size_t *n_out)
{
  const float first[2] = { 1, 2 }, last[2] = { 3, 4 };
  int64_t two = 2;
  size_t n, tn, gn;
  TbModel *m = small_model ();
  uint8_t *base = tb_pack (m, &n);
  TbModel *cm = tb_new (8, 13);
  Onnx__TensorProto *c = tb_tensor_f32 (cm, "c", 1, &two, first);
  uint8_t tensor[128], graph[160];

  tn = onnx__tensor_proto__pack (c, tensor);
  tn += put_field (tensor + tn, 9, last, sizeof last);
  gn = put_field (graph, 5, tensor, tn);
  uint8_t *out = malloc (n + gn + 8);
  memcpy (out, base, n);
  *n_out = n + put_field (out + n, 7, graph, gn);
  free (base);
  tb_free (m);
  tb_free (cm);
  return out;
}

static void
check_merged (CnnGraph *g, CnnStatus st, const CnnDiag *d, const char *how)
{
  CHECK_MSG (st == CNN_OK, "%s: %s", how, d->message);
  const CnnValue *b = find_value (g, "b"), *c = find_value (g, "c");
  CHECK_MSG (b && c && memcmp (b->data, tb_small_b, sizeof tb_small_b) == 0
      && c->info.dims[0] == 2 && ((float *) c->data)[0] == 3
      && ((float *) c->data)[1] == 4, "%s: wrong constants", how);
  cnn_graph_clear (g);
}

static void
test_merged_graphs (const char *dir)
{
  char path[4200];
  CnnFileBytes file;
  CnnGraph g;
  CnnDiag d;
  size_t n;
  uint8_t *buf = merged_model (&n);

  cnn_diag_reset (&d);
  check_merged (&g, cnn_onnx_load_graph (buf, n, NULL, NULL, &g, &d), &d,
      "memory");
  snprintf (path, sizeof path, "%s/merged.onnx", dir);
  CHECK (tb_write_bytes (path, buf, n) == 0);
  CHECK (cnn_file_bytes_open (path, 0, &file, &d) == CNN_OK && file.mapped
      && file.size == n);
  check_merged (&g, cnn_onnx_load_graph_file (&file, dir, NULL, &g, &d), &d,
      "file");
  cnn_file_bytes_close (&file);
  free (buf);

  /* an empty file maps to "" and fails like an empty buffer */
  snprintf (path, sizeof path, "%s/empty.onnx", dir);
  CHECK (tb_write_bytes (path, "", 0) == 0);
  CHECK (cnn_file_bytes_open (path, 0, &file, &d) == CNN_OK && !file.mapped
      && file.size == 0 && file.data);
  CHECK (cnn_onnx_load_graph_file (&file, dir, NULL, &g, &d)
      == CNN_ERR_UNSUPPORTED && strstr (d.message, "IR version 0"));
  cnn_file_bytes_close (&file);
}

/* ---- cnn_onnx_strip ---------------------------------------------------- */

static void
test_strip (void)
{
  CnnOnnxStripped s;
  CnnDiag d;
  size_t n;
  TbModel *m = mixed_model ();
  uint8_t *buf = tb_pack (m, &n);

  tb_free (m);
  CHECK (cnn_onnx_strip (buf, n, &s, &d) == CNN_OK);
  /* W1, W2, c, shape, empty_raw have raw_data; b1, empty_typed do not */
  CHECK_MSG (s.n_spans == 5, "%zu spans", s.n_spans);
  /* what is left: b1's float_data and about 400 bytes of graph */
  CHECK_MSG (s.size < sizeof (float) * N1 + 1024, "stripped model of %zu "
      "bytes", s.size);
  if (s.n_spans == 5) {
    CHECK (s.spans[0].length == sizeof (float) * N1 * K1);
    float w;
    memcpy (&w, buf + s.spans[0].offset + 4 * (K1 + 5), 4);
    CHECK (w == w1_at (1, 5));
    CHECK (s.spans[4].length == 0);
  }
  uint8_t bad_ref[8] = { 5, 0, 0, 0, 0, 0, 0, 0 };
  ProtobufCBinaryData ref = { sizeof bad_ref, bad_ref };
  const uint8_t *p;
  size_t len;
  CHECK (!cnn_onnx_strip_lookup (&s, &ref, &p, &len));
  bad_ref[0] = 1;
  CHECK (cnn_onnx_strip_lookup (&s, &ref, &p, &len)
      && p == buf + s.spans[1].offset);
  ref.len = 4;
  CHECK (!cnn_onnx_strip_lookup (&s, &ref, &p, &len));
  cnn_onnx_strip_clear (&s);
  free (buf);

  /* framing protobuf-c refuses: 6-byte length prefix, 6-byte tag, field
   * number 0, a group, a payload past the end of its message */
  static const uint8_t bad[][12] = {
    { 0x3a, 0x09, 0x2a, 0x07, 0x4a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 },
    { 0x3a, 0x09, 0x2a, 0x07, 0xca, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00 },
    { 0x3a, 0x04, 0x2a, 0x02, 0x02, 0x00 },
    { 0x3a, 0x03, 0x2a, 0x01, 0x4b },
    { 0x3a, 0x06, 0x2a, 0x04, 0x4a, 0x05, 0x00, 0x00 },
  };
  static const size_t bad_len[] = { 11, 11, 6, 5, 8 };
  for (size_t i = 0; i < sizeof bad_len / sizeof bad_len[0]; i++) {
    CnnStatus st = cnn_onnx_strip (bad[i], bad_len[i], &s, &d);
    CHECK_MSG (st == CNN_ERR_PARSE && s.bytes == NULL, "case %zu: %s", i,
        cnn_status_name (st));
    CHECK_MSG (onnx__model_proto__unpack (NULL, bad_len[i], bad[i]) == NULL,
        "case %zu: protobuf-c accepts it", i);
  }
}

/* ---- peak resident set ------------------------------------------------- */

/* A /proc/self/status field in kB, -1 if unavailable. */
static long
status_kb (const char *key)
{
  char line[256];
  long v = -1;
  size_t k = strlen (key);
  FILE *f = fopen ("/proc/self/status", "r");

  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, key, k) == 0 && line[k] == ':')
      v = strtol (line + k + 1, NULL, 10);
  if (f)
    fclose (f);
  return v;
}

/* Resets VmHWM to the current resident set; false if not possible. */
static bool
reset_peak (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");
  if (!f)
    return false;
  bool ok = fputs ("5", f) >= 0;
  return fclose (f) == 0 && ok;
}

/* Writes path's pages out and drops them from the page cache, so that the
 * load reads the file as a model file that was not just written: loading
 * the 4 MiB case straight after writing it peaked 2 MB higher (1.5 x;
 * mappings of the freshly written page cache, not the loader's memory). */
static void
drop_cached (const char *path)
{
  int fd = open (path, O_RDONLY);
  if (fd < 0)
    return;
  (void) fdatasync (fd);
  (void) posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
}

/* x[1,1024] -> MatMul(W[1024,N]) -> y: N / 256 MiB of float32 weights.
 * measure false: load it only (the first MatMul loads BLAS, kernels/
 * gemm.c: 2 MB of libraries the peaks measured after it do not count). */
static void
test_peak_rss (const char *dir, int N, bool measure)
{
  enum { K = 1024 };
  int64_t xd[2] = { 1, K }, wd[2] = { K, N };
  size_t bytes = sizeof (float) * K * N;
  char path[4200];
  CnnModel *model = NULL;
  CnnError err;

  if (UNDER_ASAN) {
    printf ("peak RSS check skipped under AddressSanitizer\n");
    return;
  }
  TbModel *m = tb_new (8, 13);
  Onnx__TensorProto *w = tb_add_initializer (m,
      tb_tensor_f32 (m, "W", 2, wd, NULL));
  w->has_raw_data = 1;
  w->raw_data.len = bytes;
  w->raw_data.data = calloc (1, bytes);
  for (size_t i = 0; i < (size_t) K * N; i += 997)
    ((float *) w->raw_data.data)[i] = (float) (i % 5);
  tb_input (m, "x", 1, 2, xd);
  tb_node (m, "MatMul", "mm", "x,W", "y");
  tb_output (m, "y");
  snprintf (path, sizeof path, "%s/big.onnx", dir);
  CHECK (tb_write (m, path) == 0);
  free (w->raw_data.data);
  tb_free (m);
  drop_cached (path);

  if (status_kb ("VmHWM") < 0 || !reset_peak ()) {
    printf ("peak RSS check skipped: no /proc/self/status or clear_refs\n");
    return;
  }
  long before = status_kb ("VmHWM");
  CHECK_MSG (cnn_model_load_file (path, NULL, &model, &err) == CNN_OK, "%s",
      err.message);
  if (!measure) {
    cnn_model_unref (model);
    return;
  }
  long peak = status_kb ("VmHWM"), after = status_kb ("VmRSS");
  double growth = (double) (peak - before) * 1024 / (double) bytes;
  printf ("%zu MiB of weights: peak RSS grew by %.3f x the weights "
      "(%ld kB), resident after load %+ld kB\n", bytes >> 20, growth,
      peak - before, after - before);
  CHECK_MSG (growth < 1.2, "%zu MiB: peak RSS grew by %.3f x the weights",
      bytes >> 20, growth);
  CHECK_MSG ((double) (after - before) * 1024 > 0.95 * (double) bytes,
      "%zu MiB: the weights are not resident after the load (%+ld kB): "
      "the measurement missed them", bytes >> 20, after - before);
  CHECK (cnn_model_weight_bytes (model) == bytes);
  cnn_model_unref (model);
}

int
main (void)
{
#ifdef __GLIBC__
  /* fixed thresholds, so that big blocks are mapped and unmapped whole and
   * freed heap memory is trimmed: test_peak_rss then sees the loader's own
   * pages, not heap pages that earlier tests freed and that stay resident
   * (glibc's dynamic threshold otherwise rises to the largest block freed) */
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
  mallopt (M_TRIM_THRESHOLD, 128 * 1024);
#endif
  char *dir = tb_tmpdir_new ();
  if (!dir)
    CHECK_SKIP ("no temporary folder");
  test_file_vs_memory (dir);
  test_checks_kept (dir);
  test_merged_graphs (dir);
  test_strip ();
  test_peak_rss (dir, 256, false);
  test_peak_rss (dir, 1024, true);
  test_peak_rss (dir, 16384, true);
  tb_rmtree (dir);
  free (dir);
  return check_summary ("loader-memory");
}
