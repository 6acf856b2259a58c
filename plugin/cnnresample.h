/* cnnresample.h — direct bilinear sampling of 4:2:0 YUV frames into the
 * model's float input (the fast path of cnnpreprocess for large frames).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: cnn_resample_configure() accepts I420, YV12, NV12 and NV21
 * sources (FALSE for anything else: the caller keeps GstVideoConverter) and
 * precomputes every sampling position and weight, so cnn_resample_run()
 * allocates nothing. Per model pixel it interpolates Y, U and V linearly
 * between the 2x2 nearest samples of each plane (pixel centres, edges
 * clamped: torchvision's resize without antialiasing), converts to 8-bit RGB
 * with the source's colour matrix and range (as GstVideoConverter does,
 * without primaries or transfer conversion) and writes lut[c][value] into
 * plane c of the NCHW input. Pixels outside the destination box (letterbox)
 * get lut[c][0] (black). One-channel models get the BT.601 luma of that
 * RGB, as GstVideoConverter's GRAY8 output.
 */
#ifndef __CNN_RESAMPLE_H__
#define __CNN_RESAMPLE_H__

#include <gst/video/video.h>

G_BEGIN_DECLS

/* A source rectangle scaled into a destination box of the model picture. */
typedef struct {
  gint src_x, src_y, src_w, src_h;
  gint dst_x, dst_y, dst_w, dst_h;
  gint out_w, out_h;            /* model input size */
} CnnResampleGeometry;

/* One output coordinate: the two source samples (byte offsets) and the
 * weight of the second one in 1/256. */
typedef struct {
  guint32 off0, off1;
  guint32 w1;
} CnnResampleTap;

typedef struct {
  CnnResampleGeometry geo;
  gint channels;                /* 1 or 3 */
  CnnResampleTap *luma_x, *chroma_x;    /* dst_w each */
  CnnResampleTap *luma_y, *chroma_y;    /* dst_h each (row numbers) */
  gfloat y_offset, y_scale, c_scale;    /* range: Y' = (Y - off) * scale */
  gfloat r_v, g_u, g_v, b_u;            /* matrix coefficients */
} CnnResample;

gboolean cnn_resample_configure (CnnResample * r, const GstVideoInfo * in,
    const CnnResampleGeometry * geo, gint channels);
/* lut[c][v]: normalised value of byte v for model channel c; swap_rb: model
 * channel 0 takes blue. */
void cnn_resample_run (const CnnResample * r, const GstVideoFrame * frame,
    const gfloat lut[3][256], gboolean swap_rb, float *input);
void cnn_resample_clear (CnnResample * r);

G_END_DECLS

#endif /* __CNN_RESAMPLE_H__ */
