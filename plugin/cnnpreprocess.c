/* cnnpreprocess.c — scale/convert with GstVideoConverter, then normalise.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnpreprocess.h. Resize modes: stretch (whole frame to the
 * model size, aspect not kept), center-crop (the largest centred region with
 * the model's aspect ratio, then scaled), letterbox (whole frame scaled to
 * fit, aspect kept, black borders). Scaling is linear. GstVideoConverter's
 * linear filter widens with the ratio (about 17 taps per direction from
 * 1920x1080 to 224x224, 7-8 ms per frame); for frames at least LARGE_RATIO
 * times the model input both ways it is limited to 2 taps, i.e. plain
 * bilinear interpolation as OpenCV's INTER_LINEAR and torchvision's resize
 * without antialiasing do (0.3-1 ms per 1080p frame, issue 5 §4).
 *
 * GStreamer 1.22's GstVideoConverter returns the first frame's picture
 * again for later frames when the source is only a few lines high (seen
 * with heights 1-4 in BGR, I420, NV12, YUY2, GRAY8 ...). For sources lower
 * than TINY_HEIGHT lines the converter is therefore rebuilt for every
 * frame, which is cheap at that size.
 *
 * Grey models at their own input size (small28, the demo's Fashion-MNIST
 * net): the converter's work per 28x28 frame (its line loop and generated
 * code, about 1 us of a 100 us frame) buys nothing there, since GRAY8 is
 * a function of the luma byte alone. Configure asks the converter itself
 * for that function: it converts probe frames holding every byte value in
 * the luma component, under three different chroma fills, and the direct
 * path is taken only when every pixel with the same luma byte came out the
 * same (a converter that mixes in chroma, e.g. between colour matrices,
 * keeps the converter path). The floats are then those of the converter
 * path, bit for bit (test_luma checks both paths).
 */
#include "cnnpreprocess.h"

#define TINY_HEIGHT 8
#define LARGE_RATIO 2

/* Source crop for center-crop: largest centred W:H region of the frame. */
static void
center_crop (gint fw, gint fh, gint mw, gint mh, gint * x, gint * y,
    gint * w, gint * h)
{
  /* compare fw/fh with mw/mh without division */
  if ((gint64) fw * mh > (gint64) fh * mw) {
    *h = fh;
    *w = MAX (1, (gint) (((gint64) fh * mw + mh / 2) / mh));
  } else {
    *w = fw;
    *h = MAX (1, (gint) (((gint64) fw * mh + mw / 2) / mw));
  }
  *x = (fw - *w) / 2;
  *y = (fh - *h) / 2;
}

/* Destination box for letterbox: the frame scaled to fit the model size. */
static void
letterbox (gint fw, gint fh, gint mw, gint mh, gint * x, gint * y,
    gint * w, gint * h)
{
  if ((gint64) fw * mh > (gint64) fh * mw) {
    *w = mw;
    *h = MAX (1, (gint) (((gint64) fh * mw + fw / 2) / fw));
  } else {
    *h = mh;
    *w = MAX (1, (gint) (((gint64) fw * mh + fh / 2) / fh));
  }
  *x = (mw - *w) / 2;
  *y = (mh - *h) / 2;
}

/* TRUE when the frame is at least LARGE_RATIO times the model input in
 * both directions (e.g. 1920x1080 → 224x224). */
static gboolean
large_downscale (const GstVideoInfo * in, const CnnEngine * e)
{
  return GST_VIDEO_INFO_WIDTH (in) >= LARGE_RATIO * e->width &&
      GST_VIDEO_INFO_HEIGHT (in) >= LARGE_RATIO * e->height;
}

/* Source rectangle and destination box of the resize mode. */
static void
resize_geometry (const GstVideoInfo * in, const CnnEngine * e,
    CnnResampleGeometry * g)
{
  const gint fw = GST_VIDEO_INFO_WIDTH (in), fh = GST_VIDEO_INFO_HEIGHT (in);
  *g = (CnnResampleGeometry) {
  0, 0, fw, fh, 0, 0, e->width, e->height, e->width, e->height};
  if (e->resize == CNN_RESIZE_CENTER_CROP)
    center_crop (fw, fh, e->width, e->height, &g->src_x, &g->src_y,
        &g->src_w, &g->src_h);
  else if (e->resize == CNN_RESIZE_LETTERBOX)
    letterbox (fw, fh, e->width, e->height, &g->dst_x, &g->dst_y,
        &g->dst_w, &g->dst_h);
}

static GstStructure *
converter_options (const GstVideoInfo * in, const CnnEngine * e,
    const CnnResampleGeometry * g)
{
  GstStructure *s = gst_structure_new ("options",
      GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD, GST_TYPE_VIDEO_RESAMPLER_METHOD,
      GST_VIDEO_RESAMPLER_METHOD_LINEAR,
      GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
      GST_VIDEO_DITHER_NONE, NULL);

  if (e->resize == CNN_RESIZE_CENTER_CROP) {
    gst_structure_set (s, GST_VIDEO_CONVERTER_OPT_SRC_X, G_TYPE_INT, g->src_x,
        GST_VIDEO_CONVERTER_OPT_SRC_Y, G_TYPE_INT, g->src_y,
        GST_VIDEO_CONVERTER_OPT_SRC_WIDTH, G_TYPE_INT, g->src_w,
        GST_VIDEO_CONVERTER_OPT_SRC_HEIGHT, G_TYPE_INT, g->src_h, NULL);
  } else if (e->resize == CNN_RESIZE_LETTERBOX) {
    gst_structure_set (s, GST_VIDEO_CONVERTER_OPT_DEST_X, G_TYPE_INT, g->dst_x,
        GST_VIDEO_CONVERTER_OPT_DEST_Y, G_TYPE_INT, g->dst_y,
        GST_VIDEO_CONVERTER_OPT_DEST_WIDTH, G_TYPE_INT, g->dst_w,
        GST_VIDEO_CONVERTER_OPT_DEST_HEIGHT, G_TYPE_INT, g->dst_h,
        GST_VIDEO_CONVERTER_OPT_FILL_BORDER, G_TYPE_BOOLEAN, TRUE,
        GST_VIDEO_CONVERTER_OPT_BORDER_ARGB, G_TYPE_UINT, 0xff000000u, NULL);
  }
  if (large_downscale (in, e))
    gst_structure_set (s, GST_VIDEO_CONVERTER_OPT_RESAMPLER_TAPS, G_TYPE_UINT,
        2u, NULL);
  return s;
}

/* Whether frames of `in` can skip the converter for a grey model: same
 * size, 8-bit luma as component 0 of a YUV or grey format, not tiled, not
 * one field per buffer, a frame large enough to hold every byte value
 * once (tiny sources are left out by the caller: rebuild_per_frame). */
static gboolean
luma_direct_applies (const GstVideoInfo * in, const CnnEngine * e)
{
  const GstVideoFormatInfo *f = in->finfo;
  const gint w = GST_VIDEO_INFO_WIDTH (in), h = GST_VIDEO_INFO_HEIGHT (in);

  return e->channels == 1 && w == e->width && h == e->height
      && (GST_VIDEO_FORMAT_INFO_IS_YUV (f) || GST_VIDEO_FORMAT_INFO_IS_GRAY (f))
      && !GST_VIDEO_FORMAT_INFO_IS_TILED (f)
      && GST_VIDEO_FORMAT_INFO_DEPTH (f, 0) == 8
      && GST_VIDEO_FORMAT_INFO_BITS (f) == 8
      && GST_VIDEO_FORMAT_INFO_W_SUB (f, 0) == 0
      && GST_VIDEO_FORMAT_INFO_H_SUB (f, 0) == 0
      && GST_VIDEO_FORMAT_INFO_PSTRIDE (f, 0) >= 1
      && GST_VIDEO_INFO_INTERLACE_MODE (in) !=
      GST_VIDEO_INTERLACE_MODE_ALTERNATE && (gint64) w * h >= 256;
}

/* Luma byte of probe pixel (x, y) of a w-wide frame: every value appears
 * in 256 pixels. */
static guint8
probe_luma (gint x, gint y, gint w)
{
  return (guint8) ((y * w + x) & 255);
}

/* Fills `src` with chroma (every byte) `fill` and the probe luma, converts
 * it into pre->scaled and records GRAY8 per luma byte in map (seen marks
 * recorded bytes). FALSE if a byte maps to two values. */
static gboolean
probe_one (CnnPreprocess * pre, GstBuffer * src, guint8 fill, guint8 map[256],
    gboolean seen[256])
{
  GstVideoFrame in, out;
  gboolean same = TRUE;

  gst_buffer_memset (src, 0, fill, gst_buffer_get_size (src));
  if (!gst_video_frame_map (&in, &pre->in_info, src, GST_MAP_READWRITE))
    return FALSE;
  if (!gst_video_frame_map (&out, &pre->scaled_info, pre->scaled,
          GST_MAP_READWRITE)) {
    gst_video_frame_unmap (&in);
    return FALSE;
  }
  const gint w = GST_VIDEO_FRAME_WIDTH (&in), h = GST_VIDEO_FRAME_HEIGHT (&in);
  guint8 *y0 = GST_VIDEO_FRAME_COMP_DATA (&in, 0);
  const gint st = GST_VIDEO_FRAME_COMP_STRIDE (&in, 0);
  const gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&in, 0);
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      y0[(gsize) y * st + (gsize) x * ps] = probe_luma (x, y, w);
  gst_video_converter_frame (pre->converter, &in, &out);
  const guint8 *g = GST_VIDEO_FRAME_PLANE_DATA (&out, 0);
  const gint gst = GST_VIDEO_FRAME_PLANE_STRIDE (&out, 0);
  for (gint y = 0; y < h && same; y++)
    for (gint x = 0; x < w; x++) {
      guint8 v = probe_luma (x, y, w), grey = g[(gsize) y * gst + x];
      if (seen[v] && map[v] != grey) {
        same = FALSE;
        break;
      }
      seen[v] = TRUE;
      map[v] = grey;
    }
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  return same;
}

/* Sets pre->luma_lut from the converter's byte map when GRAY8 depends on
 * the luma byte only (probed with chroma fills 0, 128 and 255). */
static gboolean
probe_luma_map (CnnPreprocess * pre)
{
  static const guint8 fills[] = { 0, 128, 255 };
  GstBuffer *src = gst_buffer_new_allocate (NULL,
      GST_VIDEO_INFO_SIZE (&pre->in_info), NULL);
  guint8 map[256] = { 0 };
  gboolean seen[256] = { FALSE }, ok = src != NULL;

  for (guint i = 0; ok && i < G_N_ELEMENTS (fills); i++)
    ok = probe_one (pre, src, fills[i], map, seen);
  if (src)
    gst_buffer_unref (src);
  for (gint v = 0; ok && v < 256; v++)
    pre->luma_lut[v] = pre->lut[0][map[v]];
  return ok;
}

gboolean
cnn_preprocess_configure (CnnPreprocess * pre, const GstVideoInfo * in_info,
    const CnnEngine * engine)
{
  GstVideoFormat fmt = engine->channels == 1 ? GST_VIDEO_FORMAT_GRAY8 :
      GST_VIDEO_FORMAT_RGB;
  GstVideoInfo in = *in_info;
  CnnResampleGeometry geo;

  cnn_preprocess_clear (pre);
  gst_video_info_set_format (&pre->scaled_info, fmt, engine->width,
      engine->height);
  /* The private picture is progressive, full range, square pixels. */
  GST_VIDEO_INFO_INTERLACE_MODE (&in) = GST_VIDEO_INTERLACE_MODE_PROGRESSIVE;
  GST_VIDEO_INFO_PAR_N (&in) = GST_VIDEO_INFO_PAR_D (&in) = 1;
  GST_VIDEO_INFO_FPS_N (&pre->scaled_info) = GST_VIDEO_INFO_FPS_N (&in);
  GST_VIDEO_INFO_FPS_D (&pre->scaled_info) = GST_VIDEO_INFO_FPS_D (&in);

  pre->in_info = in;
  pre->channels = engine->channels;
  pre->swap_rb = engine->channel_order == CNN_CHANNEL_ORDER_BGR;
  for (gint c = 0; c < engine->channels; c++)
    for (gint v = 0; v < 256; v++)
      pre->lut[c][v] = ((gfloat) v / 255.0f - engine->mean[c]) /
          engine->std[c];

  resize_geometry (&in, engine, &geo);
  pre->use_resample = large_downscale (&in, engine)
      && cnn_resample_configure (&pre->resample, &in, &geo, engine->channels);
  if (pre->use_resample)
    return TRUE;
  pre->options = converter_options (&in, engine, &geo);
  pre->rebuild_per_frame = geo.src_h < TINY_HEIGHT;
  pre->converter = gst_video_converter_new (&in, &pre->scaled_info,
      gst_structure_copy (pre->options));
  if (pre->converter == NULL)
    return FALSE;
  pre->scaled = gst_buffer_new_allocate (NULL,
      GST_VIDEO_INFO_SIZE (&pre->scaled_info), NULL);
  if (pre->scaled == NULL)
    return FALSE;
  pre->direct_luma = !pre->rebuild_per_frame
      && luma_direct_applies (in_info, engine) && probe_luma_map (pre);
  return TRUE;
}

/* Component 0 of frame (bytes ps apart in a row) → one float plane
 * through lut. */
static void
component_to_plane (const GstVideoFrame * frame, const gfloat lut[256],
    float *input)
{
  const gint w = GST_VIDEO_FRAME_WIDTH (frame);
  const gint h = GST_VIDEO_FRAME_HEIGHT (frame);
  const guint8 *base = GST_VIDEO_FRAME_COMP_DATA (frame, 0);
  const gint stride = GST_VIDEO_FRAME_COMP_STRIDE (frame, 0);
  const gint ps = GST_VIDEO_FRAME_COMP_PSTRIDE (frame, 0);

  for (gint y = 0; y < h; y++) {
    const guint8 *row = base + (gsize) y * stride;
    float *o = input + (gsize) y * w;
    for (gint x = 0; x < w; x++)
      o[x] = lut[row[(gsize) x * ps]];
  }
}

/* Packed RGB (or GRAY8) rows → planar float, one pass. */
static void
to_planar (const CnnPreprocess * pre, const GstVideoFrame * scaled,
    float *input)
{
  const gint w = GST_VIDEO_FRAME_WIDTH (scaled);
  const gint h = GST_VIDEO_FRAME_HEIGHT (scaled);
  const gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (scaled, 0);
  const guint8 *base = GST_VIDEO_FRAME_PLANE_DATA (scaled, 0);
  const gsize plane = (gsize) w * h;

  if (pre->channels == 1) {
    component_to_plane (scaled, pre->lut[0], input);
    return;
  }
  /* plane p of the model gets RGB component src[p] (swapped for BGR) */
  const gint s0 = pre->swap_rb ? 2 : 0, s2 = pre->swap_rb ? 0 : 2;
  for (gint y = 0; y < h; y++) {
    const guint8 *row = base + (gsize) y * stride;
    float *o0 = input + (gsize) y * w, *o1 = o0 + plane, *o2 = o1 + plane;
    for (gint x = 0; x < w; x++, row += 3) {
      o0[x] = pre->lut[0][row[s0]];
      o1[x] = pre->lut[1][row[1]];
      o2[x] = pre->lut[2][row[s2]];
    }
  }
}

gboolean
cnn_preprocess_run (CnnPreprocess * pre, GstVideoFrame * frame, float *input)
{
  GstVideoFrame scaled;

  if (pre->use_resample) {
    cnn_resample_run (&pre->resample, frame, pre->lut, pre->swap_rb, input);
    return TRUE;
  }
  if (pre->direct_luma) {
    component_to_plane (frame, pre->luma_lut, input);
    return TRUE;
  }
  if (pre->converter == NULL)
    return FALSE;
  if (pre->rebuild_per_frame) {
    gst_video_converter_free (pre->converter);
    pre->converter = gst_video_converter_new (&pre->in_info,
        &pre->scaled_info, gst_structure_copy (pre->options));
    if (pre->converter == NULL)
      return FALSE;
  }
  if (!gst_video_frame_map (&scaled, &pre->scaled_info, pre->scaled,
          GST_MAP_READWRITE))
    return FALSE;
  gst_video_converter_frame (pre->converter, frame, &scaled);
  to_planar (pre, &scaled, input);
  gst_video_frame_unmap (&scaled);
  return TRUE;
}

void
cnn_preprocess_clear (CnnPreprocess * pre)
{
  if (pre->converter)
    gst_video_converter_free (pre->converter);
  pre->converter = NULL;
  if (pre->options)
    gst_structure_free (pre->options);
  pre->options = NULL;
  gst_clear_buffer (&pre->scaled);
  cnn_resample_clear (&pre->resample);
  pre->use_resample = FALSE;
  pre->direct_luma = FALSE;
}
