/* test_cnnclassify.c — GstHarness tests of the cnnclassify element.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The models (make_models.py) answer "which colour channel is brightest"
 * (color*.onnx) or "is the luminance above one half" (gray.onnx), so every
 * expected label and most scores are known by construction: a pure colour
 * gives logits (10, 0, 0) → p = e^10 / (e^10 + 2) = 0.999909.
 */
#include "plugin_test_util.h"

#include <gst/cnn/cnnmeta.h>
#include <math.h>
#include <string.h>


static const GstVideoFormat all_formats[] = {
  GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_BGR, GST_VIDEO_FORMAT_RGBx,
  GST_VIDEO_FORMAT_BGRx, GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR,
  GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_BGRA, GST_VIDEO_FORMAT_ARGB,
  GST_VIDEO_FORMAT_ABGR, GST_VIDEO_FORMAT_I420, GST_VIDEO_FORMAT_YV12,
  GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_NV21, GST_VIDEO_FORMAT_YUY2,
  GST_VIDEO_FORMAT_UYVY, GST_VIDEO_FORMAT_GRAY8,
};

static const struct {
  gint w, h;
  guint pad;
} sizes[] = {
  {1, 1, 0}, {33, 17, 0}, {1921, 1081, 0}, {33, 17, 7}, {64, 48, 13},
};

static const struct {
  guint32 rgb;
  const gchar *label;
} colours[] = {
  {RGB_RED, "red"}, {RGB_GREEN, "green"}, {RGB_BLUE, "blue"},
};

/* Pushes one frame, checks it comes back byte-identical, returns it. */
static GstBuffer *
push_identical (GstHarness * h, GstBuffer * in)
{
  GstBuffer *copy = gst_buffer_copy_deep (in), *out;

  out = gst_harness_push_and_pull (h, in);
  fail_unless (out != NULL);
  fail_unless (buffers_equal (out, copy), "frame bytes changed");
  gst_buffer_unref (copy);
  return out;
}

static void
check_label (GstBuffer * out, const gchar * expected, const gchar * what)
{
  const gchar *label = meta_top_label (out, NULL);

  fail_unless (label != NULL, "%s: no classification meta", what);
  fail_unless (g_strcmp0 (label, expected) == 0, "%s: got '%s', expected '%s'",
      what, label, expected);
}

GST_START_TEST (test_formats_and_sizes)
{
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
    for (guint f = 0; f < G_N_ELEMENTS (all_formats); f++) {
      GstVideoFormat fmt = all_formats[f];
      gboolean gray = fmt == GST_VIDEO_FORMAT_GRAY8;
      GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
          NULL);
      gchar *what;

      /* 1921x1081 is slow to build in every format: two colours there */
      guint n_col = sizes[s].w > 1000 ? 2 : G_N_ELEMENTS (colours);
      harness_set_video_caps (h, fmt, sizes[s].w, sizes[s].h);
      for (guint c = 0; c < n_col; c++) {
        GstBuffer *out = push_identical (h, make_frame (fmt, sizes[s].w,
                sizes[s].h, colours[c].rgb, sizes[s].pad, c));
        what = g_strdup_printf ("%s %dx%d pad %u colour %s",
            gst_video_format_to_string (fmt), sizes[s].w, sizes[s].h,
            sizes[s].pad, colours[c].label);
        /* a gray picture has no brightest channel: only the bytes count */
        if (!gray)
          check_label (out, colours[c].label, what);
        else
          fail_unless (meta_top_label (out, NULL) != NULL, "%s", what);
        g_free (what);
        gst_buffer_unref (out);
      }
      harness_teardown (h);
    }
  }
}

GST_END_TEST;

/* 1-channel model: luminance, in every format. */
GST_START_TEST (test_gray_model_all_formats)
{
  for (guint f = 0; f < G_N_ELEMENTS (all_formats); f++) {
    GstVideoFormat fmt = all_formats[f];
    GstHarness *h = harness_new_with_model ("cnnclassify", "gray.onnx", NULL);
    GstBuffer *out;

    harness_set_video_caps (h, fmt, 33, 17);
    out = push_identical (h, make_frame (fmt, 33, 17, RGB_WHITE, 0, 0));
    check_label (out, "bright", gst_video_format_to_string (fmt));
    gst_buffer_unref (out);
    out = push_identical (h, make_frame (fmt, 33, 17, RGB_BLACK, 3, 1));
    check_label (out, "dark", gst_video_format_to_string (fmt));
    gst_buffer_unref (out);
    /* pure green is bright (luma 0.59), pure blue dark (0.11) */
    out = push_identical (h, make_frame (fmt, 33, 17, RGB_GREEN, 0, 2));
    check_label (out, "bright", gst_video_format_to_string (fmt));
    gst_buffer_unref (out);
    out = push_identical (h, make_frame (fmt, 33, 17, RGB_BLUE, 0, 3));
    check_label (out, "dark", gst_video_format_to_string (fmt));
    gst_buffer_unref (out);
    harness_teardown (h);
  }
}

GST_END_TEST;

static void
check_roi (GstBuffer * out, const gchar * label, gint id, gdouble conf,
    gint w, gint h)
{
  GstVideoRegionOfInterestMeta *roi =
      gst_buffer_get_video_region_of_interest_meta (out);
  GstStructure *p;
  gint lid;
  gdouble c;

  fail_unless (roi != NULL);
  fail_unless_equals_string (g_quark_to_string (roi->roi_type), label);
  fail_unless (roi->x == 0 && roi->y == 0 && roi->w == (guint) w
      && roi->h == (guint) h);
  p = gst_video_region_of_interest_meta_get_param (roi, "cnn-classification");
  fail_unless (p != NULL);
  fail_unless_equals_string (gst_structure_get_string (p, "label"), label);
  fail_unless (gst_structure_get_int (p, "label_id", &lid));
  fail_unless_equals_int (lid, id);
  fail_unless (gst_structure_get_double (p, "confidence", &c));
  fail_unless (fabs (c - conf) < 1e-4, "roi confidence %f vs %f", c, conf);
}

GST_START_TEST (test_three_metadata_forms)
{
  /* message-interval=0: each message is on the bus when its frame is out
   * (test_messages.c tests the held ones) */
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "message-interval=0");
  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 40, 30);

  for (guint c = 0; c < G_N_ELEMENTS (colours); c++) {
    GstBuffer *out = push_identical (h,
        make_frame (GST_VIDEO_FORMAT_RGB, 40, 30, colours[c].rgb, 0, c));
    GstCnnClassificationMeta *meta =
        gst_buffer_get_cnn_classification_meta (out);
    GstClockTime pts = GST_BUFFER_PTS (out);
    GstMessage *msg;

    fail_unless (meta != NULL);
    fail_unless_equals_int (meta->n_entries, 3);        /* top-k 5, 3 classes */
    fail_unless_equals_int (meta->entries[0].class_id, (gint) c);
    fail_unless_equals_string (g_quark_to_string (meta->entries[0].label),
        colours[c].label);
    fail_unless (fabs (meta->entries[0].score - P_PURE) < 1e-5);
    fail_unless (meta->entries[1].score <= meta->entries[0].score);
    fail_unless_equals_string (g_quark_to_string (meta->model), "color.onnx");
    fail_unless_equals_uint64 (meta->source_pts, pts);
    fail_unless (meta->inference_ns > 0);
    fail_if (meta->stale);

    check_roi (out, colours[c].label, c, P_PURE, 40, 30);
    msg = pop_cnn_message (h);
    fail_unless (msg != NULL);
    check_cnn_message (msg, colours[c].label, c, P_PURE, pts, 3);
    gst_message_unref (msg);
    gst_buffer_unref (out);
  }
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_threshold_and_top_k)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "threshold=0.5 top-k=2");
  GstBuffer *out;
  GstMessage *msg;
  GstCnnClassificationMeta *meta;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGBx, 16, 16);
  /* gray: p = 1/3 each, below 0.5 → unclassified in all three forms */
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGBx, 16, 16,
          RGB_GRAY, 0, 0));
  fail_unless_equals_string (meta_top_label (out, NULL), "");
  check_roi (out, "unclassified", -1, 1.0 / 3, 16, 16);
  msg = pop_cnn_message (h);
  check_cnn_message (msg, "unclassified", -1, 1.0 / 3, GST_BUFFER_PTS (out), 0);
  gst_message_unref (msg);
  gst_buffer_unref (out);

  /* changed while PLAYING */
  g_object_set (h->element, "threshold", 0.3f, NULL);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGBx, 16, 16,
          RGB_GRAY, 0, 1));
  meta = gst_buffer_get_cnn_classification_meta (out);
  fail_unless_equals_int (meta->n_entries, 2);
  gst_buffer_unref (out);

  g_object_set (h->element, "top-k", 1, "threshold", 0.0f, NULL);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGBx, 16, 16,
          RGB_BLUE, 0, 2));
  meta = gst_buffer_get_cnn_classification_meta (out);
  fail_unless_equals_int (meta->n_entries, 1);
  fail_unless_equals_string (meta_top_label (out, NULL), "blue");
  gst_buffer_unref (out);
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_interval)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "interval=3 message-interval=0");
  guint n_msgs = 0;
  GstMessage *msg;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_BGRx, 16, 16);
  for (guint i = 0; i < 7; i++) {
    GstBuffer *out = push_identical (h, make_frame (GST_VIDEO_FORMAT_BGRx, 16,
            16, colours[i % 3].rgb, 0, i));
    GstCnnClassificationMeta *meta =
        gst_buffer_get_cnn_classification_meta (out);
    guint src = i - i % 3;      /* frame the result comes from */

    fail_unless (meta != NULL);
    fail_unless_equals_int (meta->stale, i % 3 != 0);
    fail_unless_equals_uint64 (meta->source_pts,
        gst_util_uint64_scale (src, GST_SECOND, 30));
    fail_unless_equals_string (meta_top_label (out, NULL),
        colours[src % 3].label);
    gst_buffer_unref (out);
  }
  while ((msg = pop_cnn_message (h)) != NULL) {
    n_msgs += cnn_message_n_results (msg);
    gst_message_unref (msg);
  }
  fail_unless_equals_int (n_msgs, 3);   /* frames 0, 3, 6 */

  /* back to every frame while PLAYING */
  g_object_set (h->element, "interval", 1, NULL);
  for (guint i = 7; i < 9; i++) {
    GstBuffer *out = push_identical (h, make_frame (GST_VIDEO_FORMAT_BGRx, 16,
            16, colours[i % 3].rgb, 0, i));
    fail_unless_equals_string (meta_top_label (out, NULL),
        colours[i % 3].label);
    gst_buffer_unref (out);
  }
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_async)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "async=true");
  gboolean saw_red = FALSE, saw_blue = FALSE;
  guint i;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_I420, 32, 24);
  for (i = 0; i < 400 && !saw_blue; i++) {
    guint32 rgb = i < 200 ? RGB_RED : RGB_BLUE;
    GstBuffer *out = push_identical (h, make_frame (GST_VIDEO_FORMAT_I420, 32,
            24, rgb, 0, i));
    GstCnnClassificationMeta *meta =
        gst_buffer_get_cnn_classification_meta (out);

    if (meta != NULL) {
      const gchar *label = meta_top_label (out, NULL);
      guint src = (guint) gst_util_uint64_scale_round (meta->source_pts, 30,
          GST_SECOND);
      /* the result belongs to an earlier (or this) frame of its colour */
      fail_unless (src <= i);
      fail_unless_equals_string (label, src < 200 ? "red" : "blue");
      fail_unless_equals_int (meta->stale, src != i);
      saw_red |= src < 200;
      saw_blue |= src >= 200;
    }
    gst_buffer_unref (out);
    g_usleep (2000);
  }
  fail_unless (saw_red && saw_blue, "async results never arrived");
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_smoothing)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx",
      "smoothing=0.5");
  const gfloat a = P_PURE, b = (1.0f - P_PURE) / 2;
  GstBuffer *out;
  gfloat score;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 8, 8);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 8, 8, RGB_RED, 0,
          0));
  fail_unless_equals_string (meta_top_label (out, &score), "red");
  fail_unless (fabsf (score - a) < 1e-5);
  gst_buffer_unref (out);
  /* 0.5 red + 0.5 blue: red and blue tie at (a + b) / 2 */
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 8, 8, RGB_BLUE,
          0, 1));
  meta_top_label (out, &score);
  fail_unless (fabsf (score - (a + b) / 2) < 1e-5, "score %f", score);
  gst_buffer_unref (out);
  /* then blue = 0.5 (a + b) / 2 + 0.5 a */
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 8, 8, RGB_BLUE,
          0, 2));
  fail_unless_equals_string (meta_top_label (out, &score), "blue");
  fail_unless (fabsf (score - ((a + b) / 4 + a / 2)) < 1e-5, "score %f",
      score);
  gst_buffer_unref (out);
  /* off while PLAYING: sharp again */
  g_object_set (h->element, "smoothing", 0.0f, NULL);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 8, 8, RGB_GREEN,
          0, 3));
  fail_unless_equals_string (meta_top_label (out, &score), "green");
  fail_unless (fabsf (score - a) < 1e-5);
  gst_buffer_unref (out);
  harness_teardown (h);
}

GST_END_TEST;

/* Runs one frame through a fresh element; returns label and score. */
static gchar *
classify_once (const gchar * model, const gchar * props, GstVideoFormat fmt,
    gint w, gint hgt, guint32 (*color) (gint, gint, gpointer), gpointer data,
    gfloat * score)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", model, props);
  GstBuffer *out;
  gchar *label;

  harness_set_video_caps (h, fmt, w, hgt);
  out = push_identical (h, make_frame_func (fmt, w, hgt, color, data, 0, 0));
  label = g_strdup (meta_top_label (out, score));
  gst_buffer_unref (out);
  harness_teardown (h);
  return label;
}

static guint32
solid_colour (gint x, gint y, gpointer data)
{
  return GPOINTER_TO_UINT (data);
}

#define SOLID(c) solid_colour, GUINT_TO_POINTER (c)

GST_START_TEST (test_softmax_labels_file_and_order)
{
  gfloat score;
  gchar *label;

  /* logits model + labels beside it: softmax=auto applies softmax */
  label = classify_once ("color-logits.onnx", NULL, GST_VIDEO_FORMAT_RGB, 8,
      8, SOLID (RGB_GREEN), &score);
  fail_unless_equals_string (label, "green");
  fail_unless (fabsf (score - P_PURE) < 1e-5, "score %f", score);
  g_free (label);
  label = classify_once ("color-logits.onnx", "softmax=off",
      GST_VIDEO_FORMAT_RGB, 8, 8, SOLID (RGB_GREEN), &score);
  fail_unless (fabsf (score - 10.0f) < 1e-4, "raw score %f", score);
  g_free (label);
  /* on a softmax model, softmax=on is applied a second time */
  label = classify_once ("color.onnx", "softmax=on", GST_VIDEO_FORMAT_RGB, 8,
      8, SOLID (RGB_GREEN), &score);
  fail_unless (fabsf (score - expf (P_PURE) / (expf (P_PURE) +
              2 * expf ((1 - P_PURE) / 2))) < 1e-5, "score %f", score);
  g_free (label);
  /* channel order from property, from metadata, and overridden */
  label = classify_once ("color.onnx", "channel-order=bgr",
      GST_VIDEO_FORMAT_RGB, 8, 8, SOLID (RGB_RED), &score);
  fail_unless_equals_string (label, "blue");
  g_free (label);
  label = classify_once ("color-bgr.onnx", NULL, GST_VIDEO_FORMAT_BGRx, 8, 8,
      SOLID (RGB_RED), &score);
  fail_unless_equals_string (label, "blue");
  /* metadata mean 0.5 std 0.5: red → (-1, -1, 1) → logits 20 apart */
  fail_unless (score > 0.99999f, "score %f", score);
  g_free (label);
  label = classify_once ("color-bgr.onnx", "channel-order=rgb",
      GST_VIDEO_FORMAT_BGRx, 8, 8, SOLID (RGB_RED), &score);
  fail_unless_equals_string (label, "red");
  g_free (label);
}

GST_END_TEST;

GST_START_TEST (test_mean_std)
{
  gfloat score;
  gchar *label;
  /* gray 128/255 minus mean (0, 0.5, 0.5): (0.502, 0.002, 0.002) */
  const gdouble v = 128.0 / 255.0, e = exp (10 * v), o = exp (10 * (v - 0.5));

  label = classify_once ("color.onnx", "mean=<0.0,0.5,0.5>",
      GST_VIDEO_FORMAT_RGB, 8, 8, SOLID (RGB_GRAY), &score);
  fail_unless_equals_string (label, "red");
  fail_unless (fabs (score - e / (e + 2 * o)) < 1e-4, "score %f", score);
  g_free (label);
  /* std 2 halves the logits: (5v, 0, 0) for red */
  label = classify_once ("color.onnx", "std=<2.0>", GST_VIDEO_FORMAT_RGB, 8,
      8, SOLID (RGB_RED), &score);
  fail_unless (fabs (score - exp (5.0) / (exp (5.0) + 2)) < 1e-4, "score %f",
      score);
  g_free (label);
}

GST_END_TEST;

/* 30x10: green | red | blue thirds. */
static guint32
thirds (gint x, gint y, gpointer data)
{
  return x < 10 ? RGB_GREEN : x < 20 ? RGB_RED : RGB_BLUE;
}

GST_START_TEST (test_resize_modes)
{
  gfloat score_stretch, score_box;
  gchar *label;

  label = classify_once ("color.onnx", "resize=center-crop",
      GST_VIDEO_FORMAT_RGB, 30, 10, thirds, NULL, NULL);
  fail_unless_equals_string (label, "red");
  g_free (label);
  /* tall blue frame: letterboxing adds black, lowering the confidence */
  label = classify_once ("color.onnx", "resize=stretch",
      GST_VIDEO_FORMAT_RGB, 10, 30, SOLID (RGB_BLUE), &score_stretch);
  fail_unless_equals_string (label, "blue");
  g_free (label);
  label = classify_once ("color.onnx", "resize=letterbox",
      GST_VIDEO_FORMAT_RGB, 10, 30, SOLID (RGB_BLUE), &score_box);
  fail_unless_equals_string (label, "blue");
  g_free (label);
  fail_unless (fabsf (score_stretch - P_PURE) < 1e-5);
  /* 3 of 8 columns blue: logit 3.75 → 0.955; allow edge blending */
  fail_unless (score_box > 0.85f && score_box < 0.99f, "letterbox %f",
      score_box);
}

GST_END_TEST;

/* Setting READY must fail and post an error containing `expected`;
 * max_memory 0 keeps the element's default limit. */
static void
check_refused (const gchar * model, const gchar * labels,
    guint64 max_memory, const gchar * expected)
{
  GstElement *e = gst_element_factory_make ("cnnclassify", NULL);
  GstBus *bus = gst_bus_new ();
  gchar *path = test_model_path (model), *lpath = NULL;
  GstMessage *msg;
  GError *err = NULL;

  g_object_set (e, "model", path, NULL);
  if (max_memory)
    g_object_set (e, "max-memory", max_memory, NULL);
  if (labels) {
    lpath = test_model_path (labels);
    g_object_set (e, "labels", lpath, NULL);
  }
  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "%s: no error message", model);
  gst_message_parse_error (msg, &err, NULL);
  GST_INFO ("%s: %s", model, err->message);
  fail_unless (strstr (err->message, expected) != NULL,
      "'%s' not in '%s'", expected, err->message);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (e);
  gst_object_unref (bus);
  g_free (path);
  g_free (lpath);
}

static void
check_bad_model (const gchar * model, const gchar * labels,
    const gchar * expected)
{
  check_refused (model, labels, 0, expected);
}

GST_START_TEST (test_max_memory)
{
  GstElement *holder = gst_element_factory_make ("cnnclassify", NULL);
  gchar *path = test_model_path ("color.onnx");
  guint64 limit = 0;

  g_object_get (holder, "max-memory", &limit, NULL);
  fail_unless (limit == G_GUINT64_CONSTANT (2) << 30, "default %"
      G_GUINT64_FORMAT, limit);
  /* not cached yet: the core refuses to load it */
  check_refused ("color.onnx", NULL, 64, "more than the limit of 64");
  /* cached by another element: this element's own limit still applies */
  g_object_set (holder, "model", path, NULL);
  fail_unless_equals_int (gst_element_set_state (holder, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  check_refused ("color.onnx", NULL, 64, "more than max-memory (64)");
  gst_element_set_state (holder, GST_STATE_NULL);
  gst_object_unref (holder);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_bad_models)
{
  check_bad_model ("missing.onnx", NULL, "cannot load model");
  check_bad_model ("corrupt.onnx", NULL, "cannot load model");
  check_bad_model ("notimage.onnx", NULL, "does not take one image tensor");
  check_bad_model ("color.onnx", "four.labels",
      "has 4 labels but model 'color.onnx' has 3 classes");
  check_bad_model ("color.onnx", "no-such.labels", "cannot read labels");
}

GST_END_TEST;

GST_START_TEST (test_core_message_in_error)
{
  /* the error text carries the core's own message after the path */
  GstElement *e = gst_element_factory_make ("cnnclassify", NULL);
  GstBus *bus = gst_bus_new ();
  gchar *path = test_model_path ("corrupt.onnx"), *prefix;
  GstMessage *msg;
  GError *err = NULL;

  g_object_set (e, "model", path, NULL);
  gst_element_set_bus (e, bus);
  fail_unless_equals_int (gst_element_set_state (e, GST_STATE_READY),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &err, NULL);
  prefix = g_strdup_printf ("cannot load model '%s': ", path);
  fail_unless (g_str_has_prefix (err->message, prefix), "%s", err->message);
  fail_unless (strlen (err->message) > strlen (prefix) + 5,
      "core message missing: %s", err->message);
  g_free (prefix);
  g_error_free (err);
  gst_message_unref (msg);
  gst_element_set_state (e, GST_STATE_NULL);
  gst_object_unref (e);
  gst_object_unref (bus);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_model_change_in_ready)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  gchar *gray = test_model_path ("gray.onnx");
  GstBuffer *out;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 16, 16,
          RGB_WHITE, 0, 0));
  fail_unless (meta_top_label (out, NULL) != NULL);
  gst_buffer_unref (out);

  fail_unless_equals_int (gst_element_set_state (h->element, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  g_object_set (h->element, "model", gray, NULL);
  gst_harness_play (h);
  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 16, 16,
          RGB_WHITE, 0, 1));
  fail_unless_equals_string (meta_top_label (out, NULL), "bright");
  fail_unless_equals_string (g_quark_to_string
      (gst_buffer_get_cnn_classification_meta (out)->model), "gray.onnx");
  gst_buffer_unref (out);
  g_free (gray);
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_timestamps_and_flags)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  GstBuffer *in, *out;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_NV12, 20, 10);
  in = make_frame (GST_VIDEO_FORMAT_NV12, 20, 10, RGB_RED, 0, 5);
  GST_BUFFER_DTS (in) = 12345;
  GST_BUFFER_OFFSET (in) = 5;
  GST_BUFFER_OFFSET_END (in) = 6;
  GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DISCONT);
  GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DELTA_UNIT);
  out = push_identical (h, in);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out),
      gst_util_uint64_scale (5, GST_SECOND, 30));
  fail_unless_equals_uint64 (GST_BUFFER_DTS (out), 12345);
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out),
      gst_util_uint64_scale (1, GST_SECOND, 30));
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (out), 5);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (out), 6);
  fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DISCONT));
  fail_unless (GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DELTA_UNIT));
  gst_buffer_unref (out);
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_latency_and_defaults)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", NULL, NULL);
  gchar *model = NULL;
  guint top_k, interval;
  gboolean post, qos;
  GstBuffer *out;
  GstBus *bus;
  GstMessage *msg;
  guint n_latency = 0;

  /* no model property: GST_CNN_DEFAULT_MODEL (the colour model here) */
  g_object_get (h->element, "model", &model, "top-k", &top_k, "interval",
      &interval, "post-messages", &post, "qos", &qos, NULL);
  fail_unless (g_str_has_suffix (model, "color.onnx"), "%s", model);
  fail_unless_equals_int (top_k, 5);
  fail_unless_equals_int (interval, 1);
  fail_unless (post);
  fail_if (qos);
  g_free (model);

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 16, 16, RGB_RED,
          0, 0));
  fail_unless_equals_string (meta_top_label (out, NULL), "red");
  gst_buffer_unref (out);
  /* synchronous: our measured cost is added to upstream's (0) */
  fail_unless (gst_harness_query_latency (h) > 0);

  /* LATENCY messages follow the average cost, not single slow frames (the
   * per-frame rule posted one every 28 frames on a noisy machine) */
  bus = gst_element_get_bus (h->element);
  for (guint i = 1; i <= 300; i++) {
    out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 16, 16,
            RGB_RED, 0, i));
    gst_buffer_unref (out);
    while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_LATENCY)) != NULL) {
      n_latency++;
      gst_message_unref (msg);
    }
  }
  gst_object_unref (bus);
  fail_unless (n_latency <= 10, "%u LATENCY messages in 300 frames",
      n_latency);
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_meta_survives_copy)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  GstBuffer *out, *copy;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  out = push_identical (h, make_frame (GST_VIDEO_FORMAT_RGB, 16, 16, RGB_BLUE,
          0, 0));
  copy = gst_buffer_copy (out);
  gst_buffer_unref (out);
  fail_unless_equals_string (meta_top_label (copy, NULL), "blue");
  gst_buffer_unref (copy);
  harness_teardown (h);
}

GST_END_TEST;

static Suite *
cnnclassify_suite (void)
{
  Suite *s = suite_create ("cnnclassify");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_formats_and_sizes);
  tcase_add_test (tc, test_gray_model_all_formats);
  tcase_add_test (tc, test_three_metadata_forms);
  tcase_add_test (tc, test_threshold_and_top_k);
  tcase_add_test (tc, test_interval);
  tcase_add_test (tc, test_async);
  tcase_add_test (tc, test_smoothing);
  tcase_add_test (tc, test_softmax_labels_file_and_order);
  tcase_add_test (tc, test_mean_std);
  tcase_add_test (tc, test_resize_modes);
  tcase_add_test (tc, test_bad_models);
  tcase_add_test (tc, test_max_memory);
  tcase_add_test (tc, test_core_message_in_error);
  tcase_add_test (tc, test_model_change_in_ready);
  tcase_add_test (tc, test_timestamps_and_flags);
  tcase_add_test (tc, test_latency_and_defaults);
  tcase_add_test (tc, test_meta_survives_copy);
  return s;
}

GST_CHECK_MAIN (cnnclassify);
