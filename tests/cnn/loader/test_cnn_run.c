/* test_cnn_run.c — the cnn-run command line, run as a program.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Builds small models and inputs in a temporary folder, runs cnn-run with
 * stdout/stderr captured, and checks exit codes (0 / 1 bad model or input /
 * 2 usage), the single stderr line on errors, output .pb files against
 * values computed here, --top, --bench and --info lines, .pb shape
 * bindings for symbolic dims and int64 inputs.
 */
#include "check.h"
#include "model_builder.h"
#include "cnn/cnn.h"

#include <string.h>
#include <sys/wait.h>

#ifndef CNN_RUN_PATH
#error "CNN_RUN_PATH must name the cnn-run executable"
#endif

static char *dir;
static char out_text[8192], err_text[8192];

static void
slurp (const char *path, char *buf, size_t len)
{
  FILE *f = fopen (path, "rb");
  size_t n = f ? fread (buf, 1, len - 1, f) : 0;
  buf[n] = '\0';
  if (f)
    fclose (f);
}

/* Runs cnn-run with args (a shell fragment of safe words); returns its
 * exit status and leaves stdout/stderr in out_text/err_text. */
static int
run_tool (const char *args)
{
  char cmd[16384], o[4200], e[4200];
  snprintf (o, sizeof o, "%s/stdout.txt", dir);
  snprintf (e, sizeof e, "%s/stderr.txt", dir);
  snprintf (cmd, sizeof cmd, "'%s' %s >'%s' 2>'%s'", CNN_RUN_PATH, args, o,
      e);
  int st = system (cmd);
  slurp (o, out_text, sizeof out_text);
  slurp (e, err_text, sizeof err_text);
  return WIFEXITED (st) ? WEXITSTATUS (st) : -1;
}

static int
count_lines (const char *s)
{
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static const char *
file_in_dir (const char *name)
{
  static char bufs[4][4200];
  static int next;
  char *p = bufs[next++ % 4];
  snprintf (p, 4200, "%s/%s", dir, name);
  return p;
}

static void
save_f32 (const char *name, int rank, const int64_t *dims, const float *v)
{
  CnnTensor t;
  CnnError err;
  memset (&t, 0, sizeof t);
  t.info.dtype = CNN_DTYPE_FLOAT32;
  t.info.rank = rank;
  for (int i = 0; i < rank; i++)
    t.info.dims[i] = dims[i];
  t.data = (void *) v;
  CHECK (cnn_tensor_save_pb (file_in_dir (name), &t, &err) == CNN_OK);
}

/* x[N,5] (symbolic batch) -> Relu -> y */
static void
write_models (void)
{
  int64_t xd[2] = { -1, 5 }, sd[1] = { 2 }, fd[2] = { 1, 16 };
  TbModel *m = tb_new (8, 13);
  tb_input (m, "x", 1, 2, xd);
  tb_node (m, "Relu", "relu", "x", "y");
  tb_output (m, "y");
  CHECK (tb_write (m, file_in_dir ("relu.onnx")) == 0);
  tb_free (m);

  m = tb_new (8, 13);
  tb_input (m, "x", 1, 2, fd);
  tb_input (m, "shape", 7, 1, sd);
  tb_node (m, "Reshape", "r", "x,shape", "y");
  tb_output (m, "y");
  CHECK (tb_write (m, file_in_dir ("reshape.onnx")) == 0);
  tb_free (m);

  CHECK (tb_write_bytes (file_in_dir ("junk.onnx"), "not a model", 11) == 0);
  CHECK (tb_write_bytes (file_in_dir ("labels.txt"),
          "ant\r\nbee\ncat\ndog\neel\n", 21) == 0);
}

static void
test_usage (void)
{
  CHECK (run_tool ("--help") == 0 && strstr (out_text, "usage: cnn-run"));
  CHECK (run_tool ("") == 2 && strstr (err_text, "usage: cnn-run"));
  CHECK (run_tool ("m.onnx --bench abc") == 2);
  CHECK (run_tool ("m.onnx --top 0") == 2);
  CHECK (run_tool ("m.onnx -i") == 2);
  CHECK (run_tool ("m.onnx --frobnicate") == 2);
}

static void
test_bad_inputs (void)
{
  char args[9000];
  float five[5] = { 0 };

  CHECK (run_tool ("/nonexistent/model.onnx") == 1);
  CHECK_MSG (count_lines (err_text) == 1
      && strncmp (err_text, "cnn-run: ", 9) == 0, "stderr: %s", err_text);
  snprintf (args, sizeof args, "'%s'", file_in_dir ("junk.onnx"));
  CHECK (run_tool (args) == 1);
  CHECK_MSG (count_lines (err_text) == 1 && strstr (err_text, "not a valid"),
      "stderr: %s", err_text);

  CHECK (tb_write_bytes (file_in_dir ("short.f32"), five, 12) == 0);
  snprintf (args, sizeof args, "'%s' -i '%s'", file_in_dir ("relu.onnx"),
      file_in_dir ("short.f32"));
  CHECK (run_tool (args) == 1);
  CHECK_MSG (count_lines (err_text) == 1 && strstr (err_text,
          "has 3 float32 values but the model's input 'x' needs 5"),
      "stderr: %s", err_text);

  snprintf (args, sizeof args, "'%s' -i '%s' -i '%s'",
      file_in_dir ("relu.onnx"), file_in_dir ("short.f32"),
      file_in_dir ("short.f32"));
  CHECK (run_tool (args) == 1 && strstr (err_text, "has 1 inputs but 2"));

  snprintf (args, sizeof args, "'%s' -i '%s'", file_in_dir ("relu.onnx"),
      file_in_dir ("labels.txt"));
  CHECK (run_tool (args) == 1 && strstr (err_text, "unknown file type"));

  snprintf (args, sizeof args, "'%s'", file_in_dir ("reshape.onnx"));
  CHECK (run_tool (args) == 1 && strstr (err_text, "input 'shape' is int64"));
}

static void
test_run (void)
{
  char args[9000];
  int64_t d35[2] = { 3, 5 };
  float x[15];
  CnnTensor y;
  CnnError err;

  for (int i = 0; i < 15; i++)
    x[i] = (float) (i - 7) * 0.25f;
  save_f32 ("x35.pb", 2, d35, x);
  /* the .pb shape [3,5] replaces the symbolic batch dim */
  snprintf (args, sizeof args, "'%s' -i '%s' -o '%s'",
      file_in_dir ("relu.onnx"), file_in_dir ("x35.pb"), file_in_dir ("out"));
  CHECK_MSG (run_tool (args) == 0, "stderr: %s", err_text);
  CHECK (cnn_tensor_load_pb (file_in_dir ("out/output_0.pb"), &y, &err)
      == CNN_OK);
  CHECK (y.info.rank == 2 && y.info.dims[0] == 3 && y.info.dims[1] == 5);
  CHECK (y.name && strcmp (y.name, "y") == 0);
  if (y.data && cnn_tensor_info_numel (&y.info) == 15)
    for (int i = 0; i < 15; i++)
      CHECK (((float *) y.data)[i] == (x[i] > 0 ? x[i] : 0));
  cnn_tensor_clear (&y);

  /* raw float32 input, top-k with labels: scores 0.1 0.7 -1 0.3 0.5 */
  float s[5] = { 0.1f, 0.7f, -1.0f, 0.3f, 0.5f };
  CHECK (tb_write_bytes (file_in_dir ("s.f32"), s, sizeof s) == 0);
  snprintf (args, sizeof args, "'%s' -i '%s' --top 3 --labels '%s'",
      file_in_dir ("relu.onnx"), file_in_dir ("s.f32"),
      file_in_dir ("labels.txt"));
  CHECK_MSG (run_tool (args) == 0, "stderr: %s", err_text);
  CHECK_MSG (strcmp (out_text, "1 1 0.7 bee\n2 4 0.5 eel\n3 3 0.3 dog\n")
      == 0, "top: '%s'", out_text);

  snprintf (args, sizeof args, "'%s' --bench 5 --threads 1",
      file_in_dir ("relu.onnx"));
  CHECK_MSG (run_tool (args) == 0, "stderr: %s", err_text);
  double med = -1, p90 = -1;
  int runs = 0, used = 0;
  CHECK_MSG (sscanf (out_text, "median_ms=%lf p90_ms=%lf runs=%d\n%n", &med,
          &p90, &runs, &used) == 3 && runs == 5 && med >= 0 && p90 >= med
      && count_lines (out_text) == 1, "bench: '%s'", out_text);

  snprintf (args, sizeof args, "'%s' --info", file_in_dir ("relu.onnx"));
  CHECK (run_tool (args) == 0);
  CHECK_MSG (strstr (out_text, "input 0 'x' [1,5] float32\n")
      && strstr (out_text, "output 0 'y' [1,5] float32\n"), "info: '%s'",
      out_text);

  /* default run: deterministic input, one summary line per output */
  snprintf (args, sizeof args, "'%s'", file_in_dir ("relu.onnx"));
  CHECK (run_tool (args) == 0 && strstr (out_text, "output 0 'y' [1,5]"));
}

/* int64 .pb inputs become bound constants (ONNX node tests need this). */
static void
test_int64_input (void)
{
  char args[9000];
  int64_t fd[2] = { 1, 16 }, shape[2] = { 4, -1 }, two = 2;
  float x[16];
  CnnTensor t, y;
  CnnError err;

  for (int i = 0; i < 16; i++)
    x[i] = (float) i;
  save_f32 ("x16.pb", 2, fd, x);
  memset (&t, 0, sizeof t);
  t.info.dtype = CNN_DTYPE_INT64;
  t.info.rank = 1;
  t.info.dims[0] = two;
  t.data = shape;
  CHECK (cnn_tensor_save_pb (file_in_dir ("shape.pb"), &t, &err) == CNN_OK);
  snprintf (args, sizeof args, "'%s' -i '%s' -i '%s' -o '%s'",
      file_in_dir ("reshape.onnx"), file_in_dir ("x16.pb"),
      file_in_dir ("shape.pb"), file_in_dir ("out2"));
  CHECK_MSG (run_tool (args) == 0, "stderr: %s", err_text);
  CHECK (cnn_tensor_load_pb (file_in_dir ("out2/output_0.pb"), &y, &err)
      == CNN_OK);
  CHECK (y.info.rank == 2 && y.info.dims[0] == 4 && y.info.dims[1] == 4);
  if (y.data && cnn_tensor_info_numel (&y.info) == 16)
    CHECK_CLOSE ((const float *) y.data, x, 16, 0, 0);
  cnn_tensor_clear (&y);
}

int
main (void)
{
  dir = tb_tmpdir_new ();
  write_models ();
  test_usage ();
  test_bad_inputs ();
  test_run ();
  test_int64_input ();
  tb_rmtree (dir);
  free (dir);
  return check_summary ("cnn-run");
}
