/* cnnpreprocess.h — video frame → model input tensor.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: cnn_preprocess_configure() is called once per input format
 * (set_info) and allocates everything; cnn_preprocess_run() reads a mapped
 * frame (never writes it), scales/converts it with a GstVideoConverter into
 * a private RGB (or GRAY8 for 1-channel models) picture of the model's input
 * size, then writes float NCHW values (v/255 - mean[c]) / std[c] in the
 * model's channel order. For a 1-channel model fed frames of its own size
 * in an 8-bit YUV or grey format, the luma bytes are read directly through
 * one table (the converter's byte map, found at configure, composed with
 * the normalisation), which gives the same floats without the converter's
 * per-frame work. No allocation per frame.
 */
#ifndef __CNN_PREPROCESS_H__
#define __CNN_PREPROCESS_H__

#include <gst/video/video.h>
#include "cnnengine.h"
#include "cnnresample.h"

G_BEGIN_DECLS

typedef struct {
  GstVideoConverter *converter;
  GstVideoInfo in_info;         /* progressive, square-pixel copy */
  GstStructure *options;        /* converter options, kept for rebuilds */
  gboolean rebuild_per_frame;   /* tiny sources: see cnnpreprocess.c */
  GstVideoInfo scaled_info;     /* RGB or GRAY8, model size */
  GstBuffer *scaled;            /* one private picture */
  gint channels;
  gboolean swap_rb;             /* model wants BGR */
  gfloat lut[3][256];           /* byte value → normalised float per channel */
  gboolean direct_luma;         /* grey model, same size: read luma */
  gfloat luma_lut[256];         /* luma byte → normalised float */
  gboolean use_resample;        /* large 4:2:0 frames: cnnresample.c */
  CnnResample resample;
} CnnPreprocess;

gboolean cnn_preprocess_configure (CnnPreprocess * pre,
    const GstVideoInfo * in_info, const CnnEngine * engine);
gboolean cnn_preprocess_run (CnnPreprocess * pre, GstVideoFrame * frame,
    float *input);
void cnn_preprocess_clear (CnnPreprocess * pre);

G_END_DECLS

#endif /* __CNN_PREPROCESS_H__ */
