/* conv_ref.c — the reference convolution (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See conv_geom.h. Written for obviousness, not speed: one output element
 * at a time, every tap bounds-checked, accumulated in double.
 */
#include "conv_geom.h"

/* Sum over the taps of one input channel for output position (od, oh, ow). */
static double
channel_taps (const CnnConvGeom *g, const float *xc, const float *wc,
    int64_t od, int64_t oh, int64_t ow)
{
  double acc = 0;
  for (int64_t kd = 0; kd < g->k[0]; kd++) {
    int64_t id = od * g->stride[0] - g->pad[0] + kd * g->dil[0];
    if (id < 0 || id >= g->in[0])
      continue;
    for (int64_t kh = 0; kh < g->k[1]; kh++) {
      int64_t ih = oh * g->stride[1] - g->pad[1] + kh * g->dil[1];
      if (ih < 0 || ih >= g->in[1])
        continue;
      for (int64_t kw = 0; kw < g->k[2]; kw++) {
        int64_t iw = ow * g->stride[2] - g->pad[2] + kw * g->dil[2];
        if (iw < 0 || iw >= g->in[2])
          continue;
        float xv = xc[(id * g->in[1] + ih) * g->in[2] + iw];
        float wv = wc[(kd * g->k[1] + kh) * g->k[2] + kw];
        acc += (double) xv * wv;
      }
    }
  }
  return acc;
}

void
cnn_conv_ref (const CnnConvGeom *g, const float *x, const float *w,
    const float *bias, float *out)
{
  int64_t cg = g->c / g->group, ocg = g->oc / g->group;
  int64_t in_size = cnn_conv_geom_in_size (g);
  int64_t out_size = cnn_conv_geom_out_size (g);
  int64_t k_size = cnn_conv_geom_k_size (g);

  for (int64_t n = 0; n < g->n; n++) {
    for (int64_t o = 0; o < g->oc; o++) {
      int64_t gi = o / ocg;
      const float *xg = x + (n * g->c + gi * cg) * in_size;
      const float *wo = w + o * cg * k_size;
      float *y = out + (n * g->oc + o) * out_size;
      for (int64_t od = 0; od < g->out[0]; od++)
        for (int64_t oh = 0; oh < g->out[1]; oh++)
          for (int64_t ow = 0; ow < g->out[2]; ow++) {
            double acc = bias ? bias[o] : 0.0;
            for (int64_t ci = 0; ci < cg; ci++)
              acc += channel_taps (g, xg + ci * in_size, wo + ci * k_size,
                  od, oh, ow);
            y[(od * g->out[1] + oh) * g->out[2] + ow] = (float) acc;
          }
    }
  }
}
