/* test_norm.c — BatchNormalization (inference) and LRN.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BatchNormalization with constant and with run-time statistics, rank 2
 * and 4, against the ONNX formula evaluated here in double (1e-5
 * relative, 1e-6 absolute); the training forms are refused by name. LRN
 * with odd and even sizes against the ONNX formula, element by element
 * (1e-5 relative); 1 vs 2 threads bitwise identical.
 */
#include "op_harness.h"

#include <math.h>

static void
bn_case (int rank, const int64_t *xd, bool runtime, uint32_t seed)
{
  int64_t c = xd[1], numel = 1, plane = 1;
  for (int i = 0; i < rank; i++)
    numel *= xd[i];
  for (int i = 2; i < rank; i++)
    plane *= xd[i];
  float *x = h_rand_array ((size_t) numel, seed);
  float *p[4];
  for (int k = 0; k < 4; k++)
    p[k] = h_rand_array ((size_t) c, seed + 1 + k);
  for (int64_t i = 0; i < c; i++)
    p[3][i] = fabsf (p[3][i]) + 0.1f; /* variance > 0 */
  const float eps = 1e-3f;
  float *ref = malloc ((size_t) numel * 4), *y1 = malloc ((size_t) numel * 4);
  float *y2 = malloc ((size_t) numel * 4);
  for (int64_t i = 0; i < numel; i++) {
    int64_t ch = i / plane % c;
    ref[i] = (float) (((double) x[i] - p[2][ch])
        / sqrt ((double) p[3][ch] + eps) * p[0][ch] + p[1][ch]);
  }
  CnnGraph gr;
  cnn_graph_init (&gr);
  static const char *names[4] = { "scale", "B", "mean", "var" };
  int in[5];
  in[0] = h_value (&gr, "X", CNN_VALUE_INPUT, rank, xd, NULL);
  for (int k = 0; k < 4; k++)
    in[1 + k] = runtime ? h_value (&gr, names[k], CNN_VALUE_INPUT, 1, &c, NULL)
        : h_value (&gr, names[k], CNN_VALUE_CONST, 1, &c, p[k]);
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_norm, "BatchNormalization", 5, in, 1, &yv);
  h_attr_float (&gr.nodes[ni], "epsilon", eps);
  CnnDiag d;
  CHECK_MSG (h_prepare (&gr, ni, &d) == CNN_OK, "%s", d.message);
  CHECK (cnn_info_equal_dims (&gr.values[yv].info, &gr.values[in[0]].info));
  float *inputs[5] = { x, runtime ? p[0] : NULL, runtime ? p[1] : NULL,
    runtime ? p[2] : NULL, runtime ? p[3] : NULL };
  CHECK (h_run (&gr, ni, 1, inputs, &y1, &d) == CNN_OK);
  CHECK (h_run (&gr, ni, 2, inputs, &y2, &d) == CNN_OK);
  CHECK_CLOSE (y1, ref, (size_t) numel, 1e-5, 1e-6);
  CHECK (memcmp (y1, y2, (size_t) numel * 4) == 0);
  cnn_graph_clear (&gr);
  free (x);
  for (int k = 0; k < 4; k++)
    free (p[k]);
  free (ref);
  free (y1);
  free (y2);
}

static void
bn_errors (void)
{
  CnnGraph gr;
  cnn_graph_init (&gr);
  int64_t xd[4] = { 1, 3, 2, 2 }, c = 3, c4 = 4;
  int in[5];
  in[0] = h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL);
  for (int k = 1; k < 5; k++)
    in[k] = h_value (&gr, "p", CNN_VALUE_INPUT, 1, &c, NULL);
  int outs[3] = { h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL),
    h_value (&gr, "mean_out", CNN_VALUE_ACT, 0, NULL, NULL), -1 };
  int ni = h_node (&gr, cnn_ops_norm, "BatchNormalization", 5, in, 2, outs);
  CnnDiag d;
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_UNSUPPORTED
      && strstr (d.message, "training"));
  gr.nodes[ni].outputs[1] = -1;
  CHECK (h_prepare (&gr, ni, &d) == CNN_OK);
  h_attr_int (&gr.nodes[ni], "training_mode", 1);
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_UNSUPPORTED
      && strstr (d.message, "training_mode"));
  gr.nodes[ni].attrs[0].i = 0;
  h_attr_int (&gr.nodes[ni], "spatial", 0);
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_UNSUPPORTED
      && strstr (d.message, "spatial"));
  gr.nodes[ni].attrs[1].i = 1;
  gr.values[in[3]].info.dims[0] = c4;
  CHECK (h_prepare (&gr, ni, &d) == CNN_ERR_SHAPE
      && strstr (d.message, "input_mean must have shape [3]"));
  cnn_graph_clear (&gr);
}

static void
lrn_case (int64_t size, float alpha, float beta, float bias, uint32_t seed)
{
  int64_t xd[4] = { 2, 7, 3, 5 }, plane = 15, c = 7;
  size_t n = 2 * 7 * 15;
  float *x = h_rand_array (n, seed);
  float *ref = malloc (n * 4), *y1 = malloc (n * 4), *y2 = malloc (n * 4);
  for (int64_t img = 0; img < 2; img++)
    for (int64_t ch = 0; ch < c; ch++)
      for (int64_t i = 0; i < plane; i++) {
        int64_t lo = ch - (int64_t) floor ((size - 1) / 2.0);
        int64_t hi = ch + (int64_t) ceil ((size - 1) / 2.0);
        double sq = 0;
        for (int64_t cc = lo; cc <= hi; cc++)
          if (cc >= 0 && cc < c) {
            double v = x[(img * c + cc) * plane + i];
            sq += v * v;
          }
        size_t at = (size_t) ((img * c + ch) * plane + i);
        ref[at] = (float) (x[at] / pow (bias + alpha / size * sq, beta));
      }
  CnnGraph gr;
  cnn_graph_init (&gr);
  int xv = h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL);
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_norm, "LRN", 1, &xv, 1, &yv);
  h_attr_int (&gr.nodes[ni], "size", size);
  h_attr_float (&gr.nodes[ni], "alpha", alpha);
  h_attr_float (&gr.nodes[ni], "beta", beta);
  h_attr_float (&gr.nodes[ni], "bias", bias);
  CnnDiag d;
  CHECK_MSG (h_prepare (&gr, ni, &d) == CNN_OK, "%s", d.message);
  float *inputs[1] = { x };
  CHECK (h_run (&gr, ni, 1, inputs, &y1, &d) == CNN_OK);
  CHECK (h_run (&gr, ni, 2, inputs, &y2, &d) == CNN_OK);
  CHECK_CLOSE (y1, ref, n, 1e-5, 1e-7);
  CHECK (memcmp (y1, y2, n * 4) == 0);
  cnn_graph_clear (&gr);
  free (x);
  free (ref);
  free (y1);
  free (y2);
}

int
main (void)
{
  int64_t x4[4] = { 2, 5, 3, 7 }, x2[2] = { 4, 6 };
  bn_case (4, x4, false, 1);
  bn_case (4, x4, true, 2);
  bn_case (2, x2, false, 3);
  bn_errors ();
  lrn_case (5, 1e-4f, 0.75f, 1.0f, 10);
  lrn_case (4, 0.5f, 0.6f, 2.0f, 11);  /* even size: window c-1 .. c+2 */
  lrn_case (3, 2.0f, 1.0f, 0.5f, 12);
  return check_summary ("norm");
}
