/* epilogue.h — bias + fused activation over a run of outputs (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Conv and Gemm finish each output row with y = act (y + bias) in one pass
 * while the row is still in cache. act follows ir.h's CnnFusedAct: Relu,
 * Clip (min(max(y, alpha), beta)), LeakyRelu (y < 0 ? alpha * y : y).
 */
#ifndef CNN_KERNELS_EPILOGUE_H
#define CNN_KERNELS_EPILOGUE_H

#include "../ir.h"

static inline void
cnn_bias_act (float *y, int64_t n, float bias, const CnnFusedAct *act)
{
  switch (act ? act->kind : CNN_ACT_NONE) {
    case CNN_ACT_NONE:
      if (bias != 0.0f)
        for (int64_t i = 0; i < n; i++)
          y[i] += bias;
      break;
    case CNN_ACT_RELU:
      for (int64_t i = 0; i < n; i++) {
        float v = y[i] + bias;
        y[i] = v < 0.0f ? 0.0f : v;
      }
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

#endif /* CNN_KERNELS_EPILOGUE_H */
