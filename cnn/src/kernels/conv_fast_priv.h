/* conv_fast_priv.h — helpers shared by conv_fast.c (plans) and
 * conv_fast_run.c (runs and their scratch); internal to those two files.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CNN_KERNELS_CONV_FAST_PRIV_H
#define CNN_KERNELS_CONV_FAST_PRIV_H

#include "conv_fast.h"

static inline int64_t
round_up (int64_t v, int64_t m)
{
  return (v + m - 1) / m * m;
}

static inline int64_t
k_rows (const CnnConvGeom *g)
{
  return g->c / g->group * cnn_conv_geom_k_size (g);
}

/* Whether a 1x1 convolution's micro-kernels read X itself as B (rows of
 * `positions` floats at a stride they take in place). */
static inline bool
b_in_place (const CnnConvFast *f, const CnnConvGeom *g)
{
  int64_t positions = cnn_conv_geom_out_size (g);
  return f->one && cnn_pgemm_lda (positions) == positions;
}

#endif /* CNN_KERNELS_CONV_FAST_PRIV_H */
