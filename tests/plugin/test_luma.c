/* test_luma.c — cnnclassify's direct luma path for grey models at their own
 * input size (plugin/cnnpreprocess.c) against the GstVideoConverter path it
 * replaces.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For every 8-bit YUV and grey format below, in three colorimetries, a
 * 28x28 frame of random bytes (luma and chroma) must give bit for bit the
 * floats of the converter path (the same CnnPreprocess with the direct path
 * switched off), wherever configure took the direct path (GRAY8 said to be
 * BT.709 among them, whose byte map is not the identity); configure must
 * take it for the formats cameras and videotestsrc give (I420, NV12, YUY2,
 * GRAY8) in BT.601, and must not take it for a colour model, a frame of
 * another size, one too small to hold all 256 luma values, a tiny source
 * (fewer than 8 lines, which rebuilds the converter per frame) or one
 * field per buffer.
 */
#include "check.h"
#include "cnnpreprocess.h"

#include <string.h>

#define SIDE 28

static const GstVideoFormat formats[] = {
  GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12, GST_VIDEO_FORMAT_NV12,
  GST_VIDEO_FORMAT_NV21, GST_VIDEO_FORMAT_YUY2, GST_VIDEO_FORMAT_UYVY,
  GST_VIDEO_FORMAT_YVYU, GST_VIDEO_FORMAT_AYUV, GST_VIDEO_FORMAT_Y444,
  GST_VIDEO_FORMAT_Y42B, GST_VIDEO_FORMAT_Y41B, GST_VIDEO_FORMAT_NV16,
  GST_VIDEO_FORMAT_NV24, GST_VIDEO_FORMAT_GRAY8,
};

static void
grey_engine (CnnEngine * e, gint side)
{
  memset (e, 0, sizeof *e);
  e->channels = 1;
  e->width = e->height = side;
  e->resize = CNN_RESIZE_STRETCH;
  e->mean[0] = 0.2860f;         /* Fashion-MNIST's */
  e->std[0] = 0.3530f;
}

static GstBuffer *
random_frame (const GstVideoInfo * info, GRand * rng)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = (guint8) g_rand_int_range (rng, 0, 256);
  gst_buffer_unmap (buf, &map);
  return buf;
}

static void
run (CnnPreprocess * pre, const GstVideoInfo * info, GstBuffer * buf,
    float *out)
{
  GstVideoFrame frame;

  CHECK (gst_video_frame_map (&frame, info, buf, GST_MAP_READ));
  CHECK (cnn_preprocess_run (pre, &frame, out));
  gst_video_frame_unmap (&frame);
}

/* Returns whether configure took the direct path. */
static gboolean
check_format (GstVideoFormat fmt, const gchar * colorimetry, GRand * rng)
{
  CnnEngine e;
  CnnPreprocess pre = { 0 };
  GstVideoInfo info;
  const gint n = SIDE * SIDE;
  float got[SIDE * SIDE], want[SIDE * SIDE];
  const gchar *name = gst_video_format_to_string (fmt);

  grey_engine (&e, SIDE);
  gst_video_info_set_format (&info, fmt, SIDE, SIDE);
  CHECK (gst_video_colorimetry_from_string (&info.colorimetry, colorimetry));
  CHECK (cnn_preprocess_configure (&pre, &info, &e));
  gboolean direct = pre.direct_luma;
  for (gint i = 0; direct && i < 4; i++) {
    GstBuffer *buf = random_frame (&info, rng);
    run (&pre, &info, buf, got);
    pre.direct_luma = FALSE;
    run (&pre, &info, buf, want);
    pre.direct_luma = TRUE;
    gint bad = 0;
    for (gint k = 0; k < n; k++)
      bad += memcmp (&got[k], &want[k], sizeof (float)) != 0;
    CHECK_MSG (bad == 0, "%s %s frame %d: %d of %d floats differ from the "
        "converter path", name, colorimetry, i, bad, n);
    gst_buffer_unref (buf);
  }
  cnn_preprocess_clear (&pre);
  return direct;
}

/* configure's choice for a grey (or colour) model of mw x mh fed I420
 * frames of w x h. */
static gboolean
direct_for (gint channels, gint mw, gint mh, gint w, gint h)
{
  CnnEngine e;
  CnnPreprocess pre = { 0 };
  GstVideoInfo info;

  grey_engine (&e, mw);
  e.height = mh;
  e.channels = channels;
  e.std[1] = e.std[2] = 1.0f;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, w, h);
  CHECK (cnn_preprocess_configure (&pre, &info, &e));
  gboolean direct = pre.direct_luma;
  cnn_preprocess_clear (&pre);
  return direct;
}

/* One field per buffer (interlace-mode=alternate): the converter path. */
static gboolean
alternate_fields_direct (void)
{
  CnnEngine e;
  CnnPreprocess pre = { 0 };
  GstVideoInfo info;

  grey_engine (&e, SIDE);
  gst_video_info_set_interlaced_format (&info, GST_VIDEO_FORMAT_I420,
      GST_VIDEO_INTERLACE_MODE_ALTERNATE, SIDE, SIDE);
  CHECK (cnn_preprocess_configure (&pre, &info, &e));
  gboolean direct = pre.direct_luma;
  cnn_preprocess_clear (&pre);
  return direct;
}

int
main (int argc, char **argv)
{
  static const gchar *colorimetries[] = { "bt601", "bt709", "1:4:0:0" };
  GRand *rng = g_rand_new_with_seed (28);
  gint taken = 0, cases = 0;

  gst_init (&argc, &argv);
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint k = 0; k < G_N_ELEMENTS (colorimetries); k++) {
      gboolean direct = check_format (formats[f], colorimetries[k], rng);
      taken += direct;
      cases++;
      if (!direct)
        g_print ("converter kept: %s %s\n",
            gst_video_format_to_string (formats[f]), colorimetries[k]);
      gboolean common = formats[f] == GST_VIDEO_FORMAT_I420
          || formats[f] == GST_VIDEO_FORMAT_NV12
          || formats[f] == GST_VIDEO_FORMAT_YUY2
          || formats[f] == GST_VIDEO_FORMAT_GRAY8;
      if (common && k == 0)
        CHECK_MSG (direct, "%s bt601: direct path not taken",
            gst_video_format_to_string (formats[f]));
      /* GRAY8 said to be BT.709 is remapped (16 -> 0, 235 -> 253): the
       * one case here where the converter's byte map is not the identity */
      if (formats[f] == GST_VIDEO_FORMAT_GRAY8 && k == 1)
        CHECK_MSG (direct, "GRAY8 bt709: direct path not taken");
    }
  g_print ("direct luma path taken in %d of %d format x colorimetry cases\n",
      taken, cases);
  CHECK (direct_for (1, SIDE, SIDE, SIDE, SIDE));
  CHECK (!direct_for (3, SIDE, SIDE, SIDE, SIDE));      /* colour model */
  CHECK (!direct_for (1, SIDE, SIDE, 2 * SIDE, SIDE));  /* scaled */
  CHECK (!direct_for (1, 12, 12, 12, 12));      /* 144 pixels < 256 */
  CHECK (direct_for (1, 32, 8, 32, 8));
  CHECK (!direct_for (1, 64, 4, 64, 4));        /* tiny source */
  CHECK (!alternate_fields_direct ());
  g_rand_free (rng);
  return check_summary ("test_luma");
}
