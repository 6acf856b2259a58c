/* test_resample.c — cnnclassify's direct 4:2:0 sampler (plugin/cnnresample.c)
 * against GstVideoConverter (linear, 2 taps, same crop/box: the path it
 * replaces for large frames).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Sources: 1920x1080 frames in I420, YV12, NV12, NV21 holding the same
 * smooth YUV picture (gradients and slow waves: sampling phase conventions
 * cannot matter there), BT.709 limited range and BT.601 full range (1:4:0:0). For
 * stretch, center-crop and letterbox, RGB, BGR and grey models, the float
 * input written by cnn_preprocess_run must match
 *  - the exact reference (bilinear at pixel centres, centred chroma, the
 *    source's matrix and range in doubles, rounded to bytes, same lookup
 *    table) within 1 level of 8 bits at every pixel, 0.05 on average (the
 *    sampler's weights are 8-bit fixed point);
 *  - GstVideoConverter's picture through the same table within 8 levels,
 *    3 on average: GStreamer's own 8-bit matrix is off by up to about
 *    6 levels for limited-range BT.709 (Y=235 gives R=253, Y=30 gives 14
 *    instead of 16), so this only guards the conventions (matrix, range,
 *    crop/box geometry, channel order); colour models only: its GRAY8
 *    output differs from our grey (the BT.601 luma of the RGB bytes) by up
 *    to 15 levels at some pixels, so grey is held to the exact reference;
 * and letterbox borders must be exactly black. A 320x240 frame (not a large downscale) must still go through
 * the converter.
 */
#include "check.h"
#include "cnnpreprocess.h"

#include <math.h>
#include <string.h>

#define SRC_W 1920
#define SRC_H 1080
#define MODEL 224

static const GstVideoFormat formats[] = {
  GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12, GST_VIDEO_FORMAT_NV12,
  GST_VIDEO_FORMAT_NV21,
};

/* Smooth Y, U, V values at (x, y) of a w x h frame. */
static void
smooth_yuv (gint x, gint y, gint w, gint h, guint8 v[3])
{
  const double fx = (double) x / w, fy = (double) y / h;
  v[0] = (guint8) (30 + 190 * (0.5 * fx + 0.3 * fy)
      + 15 * sin (6.0 * fx) * cos (4.0 * fy));
  v[1] = (guint8) (128 + 80 * sin (3.0 * fx + 1.0) * fy);
  v[2] = (guint8) (128 + 80 * cos (2.0 * fy + 0.5) * (1.0 - fx));
}

static GstBuffer *
make_frame (GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstVideoFrame f;
  guint8 v[3];

  gst_video_frame_map (&f, info, buf, GST_MAP_WRITE);
  for (gint c = 0; c < 3; c++) {
    const gint cw = GST_VIDEO_FRAME_COMP_WIDTH (&f, c);
    const gint ch = GST_VIDEO_FRAME_COMP_HEIGHT (&f, c);
    guint8 *base = GST_VIDEO_FRAME_COMP_DATA (&f, c);
    for (gint y = 0; y < ch; y++)
      for (gint x = 0; x < cw; x++) {
        smooth_yuv (x * SRC_W / cw, y * SRC_H / ch, SRC_W, SRC_H, v);
        base[y * GST_VIDEO_FRAME_COMP_STRIDE (&f, c)
            + x * GST_VIDEO_FRAME_COMP_PSTRIDE (&f, c)] = v[c];
      }
  }
  gst_video_frame_unmap (&f);
  return buf;
}

/* The reference: GstVideoConverter into RGB/GRAY8, then the same LUT. */
static void
reference (const GstVideoInfo * in, GstBuffer * buf, const CnnEngine * e,
    const CnnPreprocess * pre, float *out)
{
  GstVideoInfo rgb;
  GstVideoFrame fi, fo;
  const gint n = e->width * e->height;
  gint y, h;
  GstStructure *opts = gst_structure_new ("options",
      GST_VIDEO_CONVERTER_OPT_RESAMPLER_METHOD, GST_TYPE_VIDEO_RESAMPLER_METHOD,
      GST_VIDEO_RESAMPLER_METHOD_LINEAR,
      GST_VIDEO_CONVERTER_OPT_RESAMPLER_TAPS, G_TYPE_UINT, 2u,
      GST_VIDEO_CONVERTER_OPT_DITHER_METHOD, GST_TYPE_VIDEO_DITHER_METHOD,
      GST_VIDEO_DITHER_NONE, NULL);

  if (e->resize == CNN_RESIZE_CENTER_CROP) {
    /* 16:9 → 1:1: the centred 1080x1080 square */
    gst_structure_set (opts, GST_VIDEO_CONVERTER_OPT_SRC_X, G_TYPE_INT,
        (SRC_W - SRC_H) / 2, GST_VIDEO_CONVERTER_OPT_SRC_WIDTH, G_TYPE_INT,
        SRC_H, NULL);
  } else if (e->resize == CNN_RESIZE_LETTERBOX) {
    h = (SRC_H * e->width + SRC_W / 2) / SRC_W;
    y = (e->height - h) / 2;
    gst_structure_set (opts, GST_VIDEO_CONVERTER_OPT_DEST_Y, G_TYPE_INT, y,
        GST_VIDEO_CONVERTER_OPT_DEST_HEIGHT, G_TYPE_INT, h,
        GST_VIDEO_CONVERTER_OPT_FILL_BORDER, G_TYPE_BOOLEAN, TRUE,
        GST_VIDEO_CONVERTER_OPT_BORDER_ARGB, G_TYPE_UINT, 0xff000000u, NULL);
  }
  gst_video_info_set_format (&rgb, e->channels == 1 ? GST_VIDEO_FORMAT_GRAY8
      : GST_VIDEO_FORMAT_RGB, e->width, e->height);
  GstVideoConverter *conv = gst_video_converter_new ((GstVideoInfo *) in,
      &rgb, opts);
  GstBuffer *obuf = gst_buffer_new_allocate (NULL, rgb.size, NULL);
  gst_video_frame_map (&fi, in, buf, GST_MAP_READ);
  gst_video_frame_map (&fo, &rgb, obuf, GST_MAP_WRITE);
  gst_video_converter_frame (conv, &fi, &fo);
  const guint8 *p = GST_VIDEO_FRAME_PLANE_DATA (&fo, 0);
  const gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, 0);
  for (gint i = 0; i < n; i++) {
    const guint8 *px = p + (i / e->width) * stride
        + (i % e->width) * e->channels;
    for (gint c = 0; c < e->channels; c++) {
      const gint src_c = e->channels == 1 ? 0
          : pre->swap_rb ? 2 - c : c;
      out[c * n + i] = pre->lut[c][px[src_c]];
    }
  }
  gst_video_frame_unmap (&fi);
  gst_video_frame_unmap (&fo);
  gst_buffer_unref (obuf);
  gst_video_converter_free (conv);
}

/* Bilinear value of plane c of the smooth picture at luma-space sample
 * position (sx, sy) (pixel centres), chroma centred. */
static double
plane_at (gint c, double sx, double sy)
{
  const gint sub = c ? 2 : 1, pw = SRC_W / sub, ph = SRC_H / sub;
  double px = c ? (sx + 0.5) / 2 - 0.5 : sx, py = c ? (sy + 0.5) / 2 - 0.5 : sy;
  px = CLAMP (px, 0.0, pw - 1.0);
  py = CLAMP (py, 0.0, ph - 1.0);
  const gint x0 = (gint) px, y0 = (gint) py;
  const gint x1 = MIN (x0 + 1, pw - 1), y1 = MIN (y0 + 1, ph - 1);
  const double fx = px - x0, fy = py - y0;
  guint8 v00[3], v01[3], v10[3], v11[3];
  smooth_yuv (x0 * sub, y0 * sub, SRC_W, SRC_H, v00);
  smooth_yuv (x1 * sub, y0 * sub, SRC_W, SRC_H, v01);
  smooth_yuv (x0 * sub, y1 * sub, SRC_W, SRC_H, v10);
  smooth_yuv (x1 * sub, y1 * sub, SRC_W, SRC_H, v11);
  return (v00[c] * (1 - fx) + v01[c] * fx) * (1 - fy)
      + (v10[c] * (1 - fx) + v11[c] * fx) * fy;
}

static guint8
byte_of (double v)
{
  return (guint8) (CLAMP (v, 0.0, 255.0) + 0.5);
}

/* The exact reference into out (model planes), box (bx, by, bw, bh) fed
 * from source rectangle (sx0, sy0, sw, sh); black elsewhere. */
static void
exact_reference (const GstVideoInfo * in, const CnnEngine * e,
    const CnnPreprocess * pre, const gint box[4], const gint src[4],
    float *out)
{
  const gboolean full = in->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
  const gboolean bt709 = in->colorimetry.matrix == GST_VIDEO_COLOR_MATRIX_BT709;
  const double kr = bt709 ? 0.2126 : 0.299, kb = bt709 ? 0.0722 : 0.114;
  const double kg = 1 - kr - kb, ys = full ? 1.0 : 255.0 / 219;
  const double cs = full ? 1.0 : 255.0 / 224, yo = full ? 0 : 16;
  const gint n = e->width * e->height;

  for (gint c = 0; c < e->channels; c++)
    for (gint i = 0; i < n; i++)
      out[c * n + i] = pre->lut[c][0];
  for (gint dy = 0; dy < box[3]; dy++)
    for (gint dx = 0; dx < box[2]; dx++) {
      const double sx = src[0] + (dx + 0.5) * src[2] / box[2] - 0.5;
      const double sy = src[1] + (dy + 0.5) * src[3] / box[3] - 0.5;
      const double y = (plane_at (0, sx, sy) - yo) * ys;
      const double u = (plane_at (1, sx, sy) - 128) * cs;
      const double v = (plane_at (2, sx, sy) - 128) * cs;
      const guint8 rgb[3] = { byte_of (y + 2 * (1 - kr) * v),
        byte_of (y - 2 * kb * (1 - kb) / kg * u - 2 * kr * (1 - kr) / kg * v),
        byte_of (y + 2 * (1 - kb) * u)
      };
      const gint i = (box[1] + dy) * e->width + box[0] + dx;
      if (e->channels == 1) {
        out[i] = pre->lut[0][byte_of (0.299 * rgb[0] + 0.587 * rgb[1]
                + 0.114 * rgb[2])];
        continue;
      }
      for (gint c = 0; c < 3; c++)
        out[c * n + i] = pre->lut[c][rgb[pre->swap_rb ? 2 - c : c]];
    }
}

/* Differences in 8-bit levels (the LUT's slope is 1/(255 std)). */
static void
compare (const float *got, const float *want, gint n, float std,
    double max_levels, double mean_levels, const gchar * what)
{
  double max = 0, sum = 0;
  for (gint i = 0; i < n; i++) {
    double d = fabs ((double) got[i] - want[i]) * 255.0 * std;
    sum += d;
    max = MAX (max, d);
  }
  CHECK_MSG (max <= max_levels + 1e-3, "%s: max difference %.2f levels "
      "(limit %.1f)", what, max, max_levels);
  CHECK_MSG (sum / n <= mean_levels, "%s: mean difference %.3f levels "
      "(limit %.2f)", what, sum / n, mean_levels);
}

static void
check_case (GstVideoFormat fmt, const gchar * colorimetry, CnnResizeMode mode,
    gint channels, CnnChannelOrder order)
{
  CnnEngine e = { 0 };
  CnnPreprocess pre = { 0 };
  GstVideoInfo info;
  GstVideoFrame frame;
  const gint n = channels * MODEL * MODEL;
  float *got = g_new (float, n), *want = g_new (float, n);
  gchar *what;

  e.channels = channels;
  e.width = e.height = MODEL;
  e.resize = mode;
  e.channel_order = order;
  for (gint c = 0; c < 3; c++) {
    e.mean[c] = 0.4f + 0.05f * c;
    e.std[c] = 0.25f;
  }
  gst_video_info_set_format (&info, fmt, SRC_W, SRC_H);
  CHECK (gst_video_colorimetry_from_string (&info.colorimetry, colorimetry));
  GstBuffer *buf = make_frame (&info);
  what = g_strdup_printf ("%s %s resize %d, %d channel(s), order %d",
      gst_video_format_to_string (fmt), colorimetry, mode, channels, order);

  CHECK (cnn_preprocess_configure (&pre, &info, &e));
  CHECK_MSG (pre.use_resample, "%s: fast path not taken", what);
  gst_video_frame_map (&frame, &info, buf, GST_MAP_READ);
  CHECK (cnn_preprocess_run (&pre, &frame, got));
  gst_video_frame_unmap (&frame);
  gint box[4] = { 0, 0, MODEL, MODEL }, src[4] = { 0, 0, SRC_W, SRC_H };
  if (mode == CNN_RESIZE_CENTER_CROP) {
    src[0] = (SRC_W - SRC_H) / 2;       /* 16:9 → 1:1: centred square */
    src[2] = SRC_H;
  } else if (mode == CNN_RESIZE_LETTERBOX) {
    box[3] = (SRC_H * MODEL + SRC_W / 2) / SRC_W;
    box[1] = (MODEL - box[3]) / 2;
  }
  exact_reference (&info, &e, &pre, box, src, want);
  compare (got, want, n, e.std[0], 1.0, 0.05, what);
  if (channels == 3) {
    reference (&info, buf, &e, &pre, want);
    compare (got, want, n, e.std[0], 8.0, 3.0, what);
  }
  if (mode == CNN_RESIZE_LETTERBOX) {
    /* rows 0 and MODEL-1 are border: exactly black in every channel */
    gint bad = 0;
    for (gint c = 0; c < channels; c++)
      for (gint x = 0; x < MODEL; x++)
        bad += got[c * MODEL * MODEL + x] != pre.lut[c][0]
            || got[c * MODEL * MODEL + (MODEL - 1) * MODEL + x]
            != pre.lut[c][0];
    CHECK_MSG (bad == 0, "%s: %d border values not black", what, bad);
  }
  cnn_preprocess_clear (&pre);
  gst_buffer_unref (buf);
  g_free (what);
  g_free (got);
  g_free (want);
}

/* Small frames keep GstVideoConverter. */
static void
check_small_frame_uses_converter (void)
{
  CnnEngine e = { 0 };
  CnnPreprocess pre = { 0 };
  GstVideoInfo info;

  e.channels = 3;
  e.width = e.height = MODEL;
  e.resize = CNN_RESIZE_STRETCH;
  e.std[0] = e.std[1] = e.std[2] = 1.0f;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 240);
  CHECK (cnn_preprocess_configure (&pre, &info, &e));
  CHECK (!pre.use_resample && pre.converter != NULL);
  cnn_preprocess_clear (&pre);
}

int
main (int argc, char **argv)
{
  static const gchar *colorimetries[] = { "bt709", "1:4:0:0" };
  static const CnnResizeMode modes[] = {
    CNN_RESIZE_STRETCH, CNN_RESIZE_CENTER_CROP, CNN_RESIZE_LETTERBOX,
  };

  gst_init (&argc, &argv);
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint k = 0; k < G_N_ELEMENTS (colorimetries); k++)
      for (guint m = 0; m < G_N_ELEMENTS (modes); m++) {
        check_case (formats[f], colorimetries[k], modes[m], 3,
            CNN_CHANNEL_ORDER_RGB);
        check_case (formats[f], colorimetries[k], modes[m], 3,
            CNN_CHANNEL_ORDER_BGR);
        check_case (formats[f], colorimetries[k], modes[m], 1,
            CNN_CHANNEL_ORDER_RGB);
      }
  check_small_frame_uses_converter ();
  return check_summary ("test_resample");
}
