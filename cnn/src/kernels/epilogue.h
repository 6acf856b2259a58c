/* epilogue.h — bias + fused activation over a run of outputs (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Conv and Gemm finish each output row with y = act (y + bias) in one pass
 * while the row is still in cache (a Conv with a fused residual Add also
 * adds the residual row first). act follows ir.h's CnnFusedAct: Relu,
 * Clip (min(max(y, alpha), beta)), LeakyRelu (y < 0 ? alpha * y : y).
 */
#ifndef CNN_KERNELS_EPILOGUE_H
#define CNN_KERNELS_EPILOGUE_H

#include "../ir.h"

#include <string.h>

/* Eight floats / ints; GCC and clang lower them to the target's vectors
 * (-O2 does not vectorise loops with a run-time trip count by itself). */
typedef float cnn_v8f __attribute__ ((vector_size (32)));
typedef int32_t cnn_v8i __attribute__ ((vector_size (32)));

/* y[i] = y[i] + bias, then max (., 0) when relu (NaN stays NaN). */
static inline void
cnn_bias_relu_v8 (float *y, int64_t n, float bias, bool relu)
{
  const cnn_v8f b = { bias, bias, bias, bias, bias, bias, bias, bias };
  const cnn_v8f zero = { 0 };
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    cnn_v8f v;
    memcpy (&v, y + i, sizeof v);
    v += b;
    if (relu)
      v = (cnn_v8f) ((cnn_v8i) v & ~(cnn_v8i) (v < zero));
    memcpy (y + i, &v, sizeof v);
  }
  for (; i < n; i++) {
    float v = y[i] + bias;
    y[i] = relu && v < 0.0f ? 0.0f : v;
  }
}

static inline void
cnn_bias_act (float *y, int64_t n, float bias, const CnnFusedAct *act)
{
  switch (act ? act->kind : CNN_ACT_NONE) {
    case CNN_ACT_NONE:
      if (bias != 0.0f)
        cnn_bias_relu_v8 (y, n, bias, false);
      break;
    case CNN_ACT_RELU:
      cnn_bias_relu_v8 (y, n, bias, true);
      break;
    case CNN_ACT_CLIP:
      for (int64_t i = 0; i < n; i++) {
        float v = y[i] + bias;
        v = v < act->alpha ? act->alpha : v;
        y[i] = v > act->beta ? act->beta : v;
      }
      break;
    case CNN_ACT_LEAKY_RELU:
      for (int64_t i = 0; i < n; i++) {
        float v = y[i] + bias;
        y[i] = v < 0.0f ? act->alpha * v : v;
      }
      break;
  }
}

/* y = act (y + bias + r) over n floats (r NULL: no residual). */
static inline void
cnn_residual_bias_act (float *y, const float *r, int64_t n, float bias,
    const CnnFusedAct *act)
{
  if (r)
    for (int64_t i = 0; i < n; i++)
      y[i] += r[i];
  cnn_bias_act (y, n, bias, act);
}

#endif /* CNN_KERNELS_EPILOGUE_H */
