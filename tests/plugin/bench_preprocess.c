/* bench_preprocess.c — cost of cnnclassify's preprocessing (scale + convert
 * + normalise into the float NCHW input) for a large frame, per format.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: bench_preprocess [--width 1920] [--height 1080] [--size 224]
 *        [--runs 200] [--threads N]
 * Prints the median and p90 per frame in ms for each source format. Not a
 * pass/fail test (issue 5 §4 asks for ≤ 1 ms at 1920x1080 → 224x224).
 */
#include "cnnpreprocess.h"

#include <stdlib.h>
#include <string.h>

static const GstVideoFormat formats[] = {
  GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_YUY2,
  GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_RGBA,
  GST_VIDEO_FORMAT_GRAY8,
};

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* A frame with some texture (so caches and branches see real data). */
static GstBuffer *
make_source (GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;

  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = (guint8) ((i * 2654435761u) >> 24);
  gst_buffer_unmap (buf, &map);
  return buf;
}

static void
bench_format (GstVideoFormat fmt, gint w, gint h, CnnEngine * e, gint runs)
{
  CnnPreprocess pre = { 0 };
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buf;
  double *t = g_new (double, runs);

  gst_video_info_set_format (&info, fmt, w, h);
  buf = make_source (&info);
  if (!cnn_preprocess_configure (&pre, &info, e)) {
    g_printerr ("%s: cannot configure\n", gst_video_format_to_string (fmt));
    return;
  }
  gst_video_frame_map (&frame, &info, buf, GST_MAP_READ);
  for (gint i = 0; i < 5; i++)
    cnn_preprocess_run (&pre, &frame, e->input);
  for (gint i = 0; i < runs; i++) {
    gint64 t0 = g_get_monotonic_time ();
    cnn_preprocess_run (&pre, &frame, e->input);
    t[i] = (g_get_monotonic_time () - t0) / 1000.0;
  }
  gst_video_frame_unmap (&frame);
  qsort (t, runs, sizeof (double), cmp_double);
  g_print ("%-6s %dx%d -> %dx%d: median %.3f ms  p90 %.3f ms\n",
      gst_video_format_to_string (fmt), w, h, e->width, e->height,
      t[runs / 2], t[runs * 9 / 10]);
  cnn_preprocess_clear (&pre);
  gst_buffer_unref (buf);
  g_free (t);
}

int
main (int argc, char **argv)
{
  gint width = 1920, height = 1080, size = 224, runs = 200, threads = 0;
  GOptionEntry entries[] = {
    {"width", 0, 0, G_OPTION_ARG_INT, &width, "source width", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &height, "source height", "H"},
    {"size", 0, 0, G_OPTION_ARG_INT, &size, "model input size", "S"},
    {"runs", 0, 0, G_OPTION_ARG_INT, &runs, "timed runs", "N"},
    {"threads", 0, 0, G_OPTION_ARG_INT, &threads, "threads (0 = all)", "N"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- preprocessing benchmark");
  CnnEngine e = { 0 };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, NULL) || runs < 1)
    return 2;
  g_option_context_free (ctx);
  gst_init (NULL, NULL);

  e.channels = 3;
  e.width = e.height = size;
  e.threads = threads;
  e.mean[0] = e.mean[1] = e.mean[2] = 0.5f;
  e.std[0] = e.std[1] = e.std[2] = 0.5f;
  e.channel_order = CNN_CHANNEL_ORDER_RGB;
  e.resize = CNN_RESIZE_STRETCH;
  e.input = g_new0 (float, 3 * size * size);
  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    bench_format (formats[f], width, height, &e, runs);
  g_free (e.input);
  return 0;
}
