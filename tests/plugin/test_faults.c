/* test_faults.c — cnnclassify under live faults: caps renegotiation,
 * flushing seeks, EOS, many state cycles, model changes and a model file
 * deleted or replaced while playing.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The colour model (make_models.py) labels a pure colour frame with its
 * colour at p = 0.999909, so a result carried over from before a fault
 * (a stale red on a blue stream) is always visible as a wrong label or a
 * source PTS from the old stream.
 */
#include "plugin_test_util.h"

#include <gst/cnn/cnnmeta.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>


/* Pushes one solid frame and returns the output (never NULL). */
static GstBuffer *
push_solid (GstHarness * h, GstVideoFormat fmt, gint w, gint hgt,
    guint32 rgb, guint index)
{
  GstBuffer *out = gst_harness_push_and_pull (h,
      make_frame (fmt, w, hgt, rgb, 0, index));

  fail_unless (out != NULL, "no output buffer");
  return out;
}

/* A fresh (not carried) result for this very frame with this label. */
static void
check_fresh (GstBuffer * out, const gchar * label, gint w, gint h)
{
  GstCnnClassificationMeta *meta =
      gst_buffer_get_cnn_classification_meta (out);
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_get_video_region_of_interest_meta (out);
  gfloat score;

  fail_unless (meta != NULL, "no meta");
  fail_unless_equals_string (meta_top_label (out, &score), label);
  /* YUV formats round-trip the colour with a few levels of error */
  fail_unless (fabsf (score - P_PURE) < 2e-4, "score %f", score);
  fail_if (meta->stale, "stale result on a fresh frame");
  fail_unless_equals_uint64 (meta->source_pts, GST_BUFFER_PTS (out));
  fail_unless (roi != NULL);
  fail_unless (roi->w == (guint) w && roi->h == (guint) h,
      "roi %ux%u on a %dx%d frame", roi->w, roi->h, w, h);
}

static guint
drain_messages (GstHarness * h)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = pop_cnn_message (h)) != NULL) {
    n += cnn_message_n_results (msg);
    gst_message_unref (msg);
  }
  return n;
}

static void
push_flush (GstHarness * h)
{
  GstSegment segment;

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
}

/* Format, size and colour per step; results must follow every change. */
static const struct {
  GstVideoFormat fmt;
  gint w, h;
  guint32 rgb;
  const gchar *label;
} steps[] = {
  {GST_VIDEO_FORMAT_RGB, 16, 16, RGB_RED, "red"},
  {GST_VIDEO_FORMAT_I420, 64, 48, RGB_BLUE, "blue"},
  {GST_VIDEO_FORMAT_NV12, 320, 240, RGB_GREEN, "green"},
  {GST_VIDEO_FORMAT_BGRx, 3, 2, RGB_RED, "red"},
  {GST_VIDEO_FORMAT_YUY2, 1280, 720, RGB_BLUE, "blue"},
  {GST_VIDEO_FORMAT_RGB, 16, 16, RGB_GREEN, "green"},
};

GST_START_TEST (test_caps_change_mid_stream)
{
  /* interval=4: without a reset, the first frame after a change would
   * carry the previous caps' result */
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "interval=4 message-interval=0");
  guint index = 0;

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++) {
    harness_set_video_caps (h, steps[s].fmt, steps[s].w, steps[s].h);
    for (guint i = 0; i < 3; i++) {
      GstBuffer *out = push_solid (h, steps[s].fmt, steps[s].w, steps[s].h,
          steps[s].rgb, index++);
      GstCnnClassificationMeta *meta =
          gst_buffer_get_cnn_classification_meta (out);
      if (i == 0)
        check_fresh (out, steps[s].label, steps[s].w, steps[s].h);
      fail_unless (meta != NULL);
      fail_unless_equals_string (meta_top_label (out, NULL), steps[s].label);
      fail_unless_equals_int (meta->stale, i != 0);
      gst_buffer_unref (out);
    }
    /* one message per classified frame: the first of each caps */
    fail_unless_equals_int (drain_messages (h), 1);
  }
  harness_teardown (h);
}

GST_END_TEST;

/* async: after a caps change or a flush no frame may carry a result
 * computed on a frame of the old stream. */
static void
check_async_new_stream (gboolean flush)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "async=true");
  guint i, first_new = 0, n_new = 0;
  gboolean saw_red = FALSE;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 32, 24);
  for (i = 0; i < 300 && !saw_red; i++) {
    GstBuffer *out = push_solid (h, GST_VIDEO_FORMAT_RGB, 32, 24, RGB_RED, i);
    saw_red = meta_top_label (out, NULL) != NULL;
    gst_buffer_unref (out);
    g_usleep (1000);
  }
  fail_unless (saw_red, "no async result on the first stream");
  /* queue a job on the old stream right before the change */
  gst_buffer_unref (push_solid (h, GST_VIDEO_FORMAT_RGB, 32, 24, RGB_RED,
          i++));
  if (flush)
    push_flush (h);
  else
    harness_set_video_caps (h, GST_VIDEO_FORMAT_I420, 48, 32);
  first_new = i;
  for (; i < first_new + 300 && n_new < 5; i++) {
    GstBuffer *out = flush ?
        push_solid (h, GST_VIDEO_FORMAT_RGB, 32, 24, RGB_BLUE, i) :
        push_solid (h, GST_VIDEO_FORMAT_I420, 48, 32, RGB_BLUE, i);
    GstCnnClassificationMeta *meta =
        gst_buffer_get_cnn_classification_meta (out);
    if (meta != NULL) {
      fail_unless_equals_string (meta_top_label (out, NULL), "blue");
      fail_unless (meta->source_pts >= gst_util_uint64_scale (first_new,
              GST_SECOND, 30), "result from before the change attached");
      n_new++;
    }
    gst_buffer_unref (out);
    g_usleep (1000);
  }
  fail_unless (n_new > 0, "no async result after the change");
  harness_teardown (h);
}

GST_START_TEST (test_async_caps_change)
{
  check_async_new_stream (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_async_flush)
{
  check_async_new_stream (TRUE);
}

GST_END_TEST;

GST_START_TEST (test_flush_resets_interval_and_smoothing)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "interval=5 smoothing=0.9 message-interval=0");
  GstBuffer *out;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_BGRx, 16, 16);
  for (guint i = 0; i < 7; i++)
    gst_buffer_unref (push_solid (h, GST_VIDEO_FORMAT_BGRx, 16, 16, RGB_RED,
            i));
  fail_unless_equals_int (drain_messages (h), 2);       /* frames 0, 5 */

  /* flushing seek back to 0: the next frame is classified afresh, with
   * no smoothing history (score exactly that of one blue frame) */
  push_flush (h);
  out = push_solid (h, GST_VIDEO_FORMAT_BGRx, 16, 16, RGB_BLUE, 0);
  check_fresh (out, "blue", 16, 16);
  gst_buffer_unref (out);
  fail_unless_equals_int (drain_messages (h), 1);
  out = push_solid (h, GST_VIDEO_FORMAT_BGRx, 16, 16, RGB_BLUE, 1);
  fail_unless (gst_buffer_get_cnn_classification_meta (out)->stale);
  gst_buffer_unref (out);
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_eos_then_flushing_seek)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  GstEvent *ev;
  GstBuffer *out;
  gboolean saw_eos = FALSE;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_RED, 0);
  check_fresh (out, "red", 16, 16);
  gst_buffer_unref (out);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  while ((ev = gst_harness_try_pull_event (h)) != NULL) {
    saw_eos |= GST_EVENT_TYPE (ev) == GST_EVENT_EOS;
    gst_event_unref (ev);
  }
  fail_unless (saw_eos, "EOS not forwarded");

  /* a flushing seek after EOS (what a player does to replay) starts a
   * new stream with fresh results; a restart through READY is covered by
   * test_state_cycles */
  push_flush (h);
  out = push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_GREEN, 0);
  check_fresh (out, "green", 16, 16);
  gst_buffer_unref (out);
  harness_teardown (h);
}

GST_END_TEST;

/* PLAYING → READY → PLAYING many times; every cycle classifies its own
 * colour. Every tenth cycle runs async with interval so the worker and the
 * carried result are created and dropped as well. */
GST_START_TEST (test_state_cycles)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  static const guint32 rgb[] = { RGB_RED, RGB_GREEN, RGB_BLUE };
  static const gchar *label[] = { "red", "green", "blue" };

  for (guint c = 0; c < 1000; c++) {
    gboolean odd = c % 10 == 9;
    GstBuffer *out;

    fail_unless_equals_int (gst_element_set_state (h->element,
            GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
    g_object_set (h->element, "async", odd, "interval", odd ? 2 : 1, NULL);
    gst_harness_play (h);
    harness_set_video_caps (h, GST_VIDEO_FORMAT_RGBx, 8 + c % 5, 8);
    out = push_solid (h, GST_VIDEO_FORMAT_RGBx, 8 + c % 5, 8, rgb[c % 3], 0);
    if (!odd) {
      check_fresh (out, label[c % 3], 8 + c % 5, 8);
    } else {
      /* async: a result, if any, is this cycle's */
      const gchar *l = meta_top_label (out, NULL);
      fail_unless (l == NULL || strcmp (l, label[c % 3]) == 0,
          "cycle %u: stale '%s'", c, l);
    }
    gst_buffer_unref (out);
    drain_messages (h);
  }
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_bad_model_in_ready_then_fixed)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  gchar *corrupt = test_model_path ("corrupt.onnx");
  gchar *gray = test_model_path ("gray.onnx");
  GstBus *bus = gst_element_get_bus (h->element);
  GstMessage *msg;
  GstBuffer *out;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  gst_buffer_unref (push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_RED, 0));
  fail_unless_equals_int (gst_element_set_state (h->element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (h->element, "model", corrupt, NULL);
  fail_unless_equals_int (gst_element_set_state (h->element,
          GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message for a corrupt model");
  gst_message_unref (msg);

  /* a good model of another shape (1 channel, 4x4) fixes it */
  fail_unless_equals_int (gst_element_set_state (h->element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (h->element, "model", gray, NULL);
  gst_harness_play (h);
  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_WHITE, 1);
  fail_unless_equals_string (meta_top_label (out, NULL), "bright");
  gst_buffer_unref (out);
  gst_object_unref (bus);
  g_free (corrupt);
  g_free (gray);
  harness_teardown (h);
}

GST_END_TEST;

/* Copies a test model into dir under name; returns the new path. */
static gchar *
copy_model (const gchar * model, const gchar * dir, const gchar * name)
{
  gchar *src = test_model_path (model), *dst = g_build_filename (dir, name,
      NULL), *tmp = g_strconcat (dst, ".tmp", NULL), *data = NULL;
  gsize len = 0;

  fail_unless (g_file_get_contents (src, &data, &len, NULL));
  fail_unless (g_file_set_contents (tmp, data, len, NULL));
  fail_unless (g_rename (tmp, dst) == 0);       /* atomic replace */
  g_free (data);
  g_free (tmp);
  g_free (src);
  return dst;
}

/* NULL → READY must fail with an error naming the file. */
static void
check_cannot_load (GstElement * e, const gchar * path)
{
  GstBus *bus = gst_bus_new ();
  GstMessage *msg;
  GError *err = NULL;

  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL);
  gst_message_parse_error (msg, &err, NULL);
  fail_unless (strstr (err->message, "cannot load model") != NULL &&
      strstr (err->message, path) != NULL, "%s", err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_element_set_bus (e, NULL);
  gst_object_unref (bus);
}

GST_START_TEST (test_model_file_deleted_while_playing)
{
  gchar *dir = g_dir_make_tmp ("cnnfaults-XXXXXX", NULL);
  gchar *path = copy_model ("color.onnx", dir, "m.onnx");
  GstHarness *h = harness_new_with_model ("cnnclassify", NULL, NULL);
  GstElement *other;
  GstBuffer *out;

  gst_element_set_state (h->element, GST_STATE_NULL);
  g_object_set (h->element, "model", path, NULL);
  gst_harness_play (h);
  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  gst_buffer_unref (push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_RED, 0));
  fail_unless (g_unlink (path) == 0);

  /* the loaded model keeps working, through a restart too */
  out = push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_BLUE, 1);
  check_fresh (out, "blue", 16, 16);
  gst_buffer_unref (out);
  fail_unless_equals_int (gst_element_set_state (h->element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  gst_harness_play (h);
  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_solid (h, GST_VIDEO_FORMAT_RGB, 16, 16, RGB_GREEN, 0);
  check_fresh (out, "green", 16, 16);
  gst_buffer_unref (out);

  /* a new element cannot load the deleted file, though the model is
   * still in use here: it fails cleanly */
  other = gst_element_factory_make ("cnnclassify", NULL);
  g_object_set (other, "model", path, NULL);
  check_cannot_load (other, path);
  gst_object_unref (other);
  harness_teardown (h);
  fail_unless (g_rmdir (dir) == 0);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

/* A model file replaced under the same name: new elements load the new
 * contents, the running one keeps the old. */
GST_START_TEST (test_model_file_replaced)
{
  gchar *dir = g_dir_make_tmp ("cnnfaults-XXXXXX", NULL);
  gchar *path = copy_model ("color.onnx", dir, "m.onnx");
  GstHarness *a = harness_new_with_model ("cnnclassify", NULL, NULL);
  GstHarness *b;
  GstBuffer *out;

  gst_element_set_state (a->element, GST_STATE_NULL);
  g_object_set (a->element, "model", path, NULL);
  gst_harness_play (a);
  harness_set_video_caps (a, GST_VIDEO_FORMAT_RGB, 8, 8);
  gst_buffer_unref (push_solid (a, GST_VIDEO_FORMAT_RGB, 8, 8, RGB_RED, 0));

  g_free (copy_model ("color-bgr.onnx", dir, "m.onnx"));
  b = harness_new_with_model ("cnnclassify", NULL, NULL);
  gst_element_set_state (b->element, GST_STATE_NULL);
  g_object_set (b->element, "model", path, NULL);
  gst_harness_play (b);
  harness_set_video_caps (b, GST_VIDEO_FORMAT_RGB, 8, 8);
  /* colour-bgr reads a red frame as blue */
  out = push_solid (b, GST_VIDEO_FORMAT_RGB, 8, 8, RGB_RED, 0);
  fail_unless_equals_string (meta_top_label (out, NULL), "blue");
  gst_buffer_unref (out);
  out = push_solid (a, GST_VIDEO_FORMAT_RGB, 8, 8, RGB_RED, 1);
  fail_unless_equals_string (meta_top_label (out, NULL), "red");
  gst_buffer_unref (out);
  harness_teardown (a);
  harness_teardown (b);
  fail_unless (g_unlink (path) == 0);
  fail_unless (g_rmdir (dir) == 0);
  g_free (path);
  g_free (dir);
}

GST_END_TEST;

static Suite *
faults_suite (void)
{
  Suite *s = suite_create ("cnnclassify-faults");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_caps_change_mid_stream);
  tcase_add_test (tc, test_async_caps_change);
  tcase_add_test (tc, test_async_flush);
  tcase_add_test (tc, test_flush_resets_interval_and_smoothing);
  tcase_add_test (tc, test_eos_then_flushing_seek);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_bad_model_in_ready_then_fixed);
  tcase_add_test (tc, test_model_file_deleted_while_playing);
  tcase_add_test (tc, test_model_file_replaced);
  return s;
}

GST_CHECK_MAIN (faults);
