/* test_streams.c — many cnnclassify instances in one process share one
 * loaded model: results right on every stream while all run in parallel,
 * and memory grows by about one arena per extra stream, not by the
 * weights.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * color-big.onnx (make_models.py) answers like color.onnx but carries
 * 25 MB of weights, so a copy of the weights per stream would be plain in
 * the resident set size (VmRSS of /proc/self/status).
 */
#include "plugin_test_util.h"

#include <cnn/cnn.h>
#include <gst/cnn/cnnmeta.h>
#include <string.h>

#define N_STREAMS 8
#define N_FRAMES 40

static const struct {
  GstVideoFormat fmt;
  gint w, h;
} stream_formats[N_STREAMS] = {
  {GST_VIDEO_FORMAT_RGB, 64, 64}, {GST_VIDEO_FORMAT_I420, 320, 240},
  {GST_VIDEO_FORMAT_NV12, 128, 96}, {GST_VIDEO_FORMAT_BGRx, 33, 17},
  {GST_VIDEO_FORMAT_YUY2, 160, 120}, {GST_VIDEO_FORMAT_RGBA, 64, 48},
  {GST_VIDEO_FORMAT_GRAY8, 1, 1}, {GST_VIDEO_FORMAT_BGR, 640, 480},
};

static const guint32 colours[] = { RGB_RED, RGB_GREEN, RGB_BLUE };
static const gchar *labels[] = { "red", "green", "blue" };

typedef struct {
  GstHarness *h;
  guint index;
  GstBuffer *frames[3];         /* one per colour, pushed as copies */
  gchar *error;                 /* first wrong result, or NULL */
} Stream;

/* Resident set size of this process in bytes (0 if unknown). */
static guint64
rss_bytes (void)
{
  gchar *status = NULL, *line;
  guint64 kb = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line != NULL)
    kb = g_ascii_strtoull (line + 6, NULL, 10);
  g_free (status);
  return kb * 1024;
}

/* Colour of frame i of stream s: the streams are out of phase. */
static guint
colour_of (guint s, guint i)
{
  return (s + i / 3) % 3;
}

static GstBuffer *
push_frame (Stream * st, guint i)
{
  guint c = colour_of (st->index, i);
  GstBuffer *in = gst_buffer_copy (st->frames[c]);

  GST_BUFFER_PTS (in) = gst_util_uint64_scale (i, GST_SECOND, 30);
  return gst_harness_push_and_pull (st->h, in);
}

/* Gray frames have no brightest channel: those streams only need meta. */
static void
check_frame (Stream * st, guint i, GstBuffer * out)
{
  const gchar *label = out ? meta_top_label (out, NULL) : NULL;
  const gchar *want = labels[colour_of (st->index, i)];
  gboolean gray = stream_formats[st->index].fmt == GST_VIDEO_FORMAT_GRAY8;

  if (st->error == NULL && (label == NULL || (!gray && strcmp (label,
                  want) != 0)))
    st->error = g_strdup_printf ("stream %u frame %u: got '%s', want '%s'",
        st->index, i, label ? label : "(none)", want);
}

static gpointer
stream_main (gpointer data)
{
  Stream *st = data;

  for (guint i = 1; i < N_FRAMES; i++) {
    GstBuffer *out = push_frame (st, i);
    check_frame (st, i, out);
    if (out != NULL)
      gst_buffer_unref (out);
  }
  return NULL;
}

/* The test frames are made before any memory is measured. */
static void
stream_prepare (Stream * st, guint index)
{
  const GstVideoFormat fmt = stream_formats[index].fmt;
  const gint w = stream_formats[index].w, h = stream_formats[index].h;

  st->index = index;
  for (guint c = 0; c < 3; c++)
    st->frames[c] = make_frame (fmt, w, h, colours[c], 0, 0);
}

static void
stream_start (Stream * st, const gchar * model)
{
  const GstVideoFormat fmt = stream_formats[st->index].fmt;
  GstBuffer *out;

  st->h = harness_new_with_model ("cnnclassify", model, "threads=1");
  harness_set_video_caps (st->h, fmt, stream_formats[st->index].w,
      stream_formats[st->index].h);
  /* the first frame touches the session's arena */
  out = push_frame (st, 0);
  check_frame (st, 0, out);
  gst_buffer_unref (out);
}

static void
stream_stop (Stream * st)
{
  for (guint c = 0; c < 3; c++)
    gst_buffer_unref (st->frames[c]);
  harness_teardown (st->h);
  fail_if (st->error != NULL, "%s", st->error);
}

static void
model_figures (const gchar * name, guint64 * weights, guint64 * arena)
{
  gchar *path = test_model_path (name);
  CnnModel *model = NULL;

  fail_unless_equals_int (cnn_model_load_file (path, NULL, &model, NULL),
      CNN_OK);
  *weights = cnn_model_weight_bytes (model);
  *arena = cnn_model_arena_bytes (model, 1);
  cnn_model_unref (model);
  g_free (path);
}

/* Starts N_STREAMS instances on model, runs them all at once from as many
 * threads, checks every result; returns the RSS growth of the first
 * stream and of all the others together. */
static void
run_streams (const gchar * model, guint64 * first, guint64 * others)
{
  Stream streams[N_STREAMS] = { {0} };
  GThread *threads[N_STREAMS];
  guint64 r0, r1, r8;

  /* one unrelated warm-up instance: code pages, registry, fonts ... */
  stream_prepare (&streams[0], 0);
  stream_start (&streams[0], "color.onnx");
  stream_stop (&streams[0]);
  memset (&streams[0], 0, sizeof streams[0]);

  for (guint s = 0; s < N_STREAMS; s++)
    stream_prepare (&streams[s], s);
  r0 = rss_bytes ();
  stream_start (&streams[0], model);
  r1 = rss_bytes ();
  for (guint s = 1; s < N_STREAMS; s++)
    stream_start (&streams[s], model);
  r8 = rss_bytes ();

  for (guint s = 0; s < N_STREAMS; s++)
    threads[s] = g_thread_new ("stream", stream_main, &streams[s]);
  for (guint s = 0; s < N_STREAMS; s++)
    g_thread_join (threads[s]);
  for (guint s = 0; s < N_STREAMS; s++)
    stream_stop (&streams[s]);
  *first = r1 > r0 ? r1 - r0 : 0;
  *others = r8 > r1 ? r8 - r1 : 0;
}

GST_START_TEST (test_eight_streams_share_the_model)
{
  guint64 weights, arena, first, others;

  run_streams ("color-big.onnx", &first, &others);
  model_figures ("color-big.onnx", &weights, &arena);
  g_print ("color-big.onnx: weights %.2f MB, arena %.1f kB per session; "
      "RSS +%.2f MB for the first stream, +%.2f MB for the other %d "
      "(%.0f kB each)\n", weights / 1e6, arena / 1e3, first / 1e6,
      others / 1e6, N_STREAMS - 1, others / 1e3 / (N_STREAMS - 1));
  fail_unless (weights > 20000000, "big model has %" G_GUINT64_FORMAT
      " bytes of weights", weights);
  /* the first stream pays for the weights ... */
  fail_unless (first > weights / 2, "first stream +%" G_GUINT64_FORMAT
      " bytes, weights %" G_GUINT64_FORMAT, first, weights);
  /* ... the seven others for much less than one copy of them together */
  fail_unless (others < weights / 2, "7 more streams +%" G_GUINT64_FORMAT
      " bytes: the weights are not shared (%" G_GUINT64_FORMAT ")", others,
      weights);
}

GST_END_TEST;

/* The same with the small colour model: every stream right, in parallel. */
GST_START_TEST (test_eight_streams_small_model)
{
  guint64 first, others;

  run_streams ("color.onnx", &first, &others);
  g_print ("color.onnx: RSS +%.0f kB first stream, +%.0f kB per other\n",
      first / 1e3, others / 1e3 / (N_STREAMS - 1));
}

GST_END_TEST;

static Suite *
streams_suite (void)
{
  Suite *s = suite_create ("cnnclassify-streams");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_eight_streams_share_the_model);
  tcase_add_test (tc, test_eight_streams_small_model);
  return s;
}

GST_CHECK_MAIN (streams);
