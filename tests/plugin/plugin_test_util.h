/* plugin_test_util.h — helpers shared by the cnnclassify/cnnoverlay tests.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: models come from TEST_MODELS_DIR (generated at test time by
 * make_models.py). Frames are solid colours converted from RGB to any
 * format with GstVideoConverter, optionally with padded row strides
 * (described by a GstVideoMeta).
 */
#ifndef PLUGIN_TEST_UTIL_H
#define PLUGIN_TEST_UTIL_H

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#define RGB_RED 0xff0000u
#define RGB_GREEN 0x00ff00u
#define RGB_BLUE 0x0000ffu
#define RGB_WHITE 0xffffffu
#define RGB_BLACK 0x000000u
#define RGB_GRAY 0x808080u

/* color.onnx's probability for a pure colour: softmax of (10, 0, 0) */
#define P_PURE 0.999909f

/* Absolute path of a generated test model or file (free it). */
gchar *test_model_path (const gchar * name);

/* cnnclassify (or another element) with model= set, extra properties as
 * "name=value name=value", a bus attached, wrapped in a playing harness.
 * model may be NULL (default model). */
GstHarness *harness_new_with_model (const gchar * factory,
    const gchar * model, const gchar * props);
/* Drops pending bus messages (they reference the element) and tears the
 * harness down. */
void harness_teardown (GstHarness * h);
void harness_set_video_caps (GstHarness * h, GstVideoFormat format,
    gint width, gint height);
/* Makes the harness run the ALLOCATION query now (as a real upstream
 * element does after caps), so the element learns what downstream takes. */
void harness_negotiate_allocation (GstHarness * h);

/* A solid frame; pad > 0 adds that many bytes of right padding per row.
 * pts is in frames of 1/30 s. The buffer carries a GstVideoMeta. */
GstBuffer *make_frame (GstVideoFormat format, gint width, gint height,
    guint32 rgb, guint pad, guint index);
/* Same, with a per-pixel colour function. */
GstBuffer *make_frame_func (GstVideoFormat format, gint width, gint height,
    guint32 (*color) (gint x, gint y, gpointer data), gpointer data,
    guint pad, guint index);

/* TRUE when the bytes of both buffers are equal. */
gboolean buffers_equal (GstBuffer * a, GstBuffer * b);

/* Top label of the GstCnnClassificationMeta ("" when unclassified, NULL
 * without meta); score_out may be NULL. */
const gchar *meta_top_label (GstBuffer * buf, gfloat * score_out);

/* Next "cnnclassify" element message on the element's bus, or NULL. */
GstMessage *pop_cnn_message (GstHarness * h);
/* Asserts every field of a "cnnclassify" result: top-1 label, class id
 * and confidence (within 1e-4), timestamp = stream-time = running-time =
 * ts, duration 1/30 s, n_top entries in each top array, the first being
 * the top-1. */
void check_cnn_result (const GstStructure * s, const gchar * label, gint id,
    gdouble conf, GstClockTime ts, guint n_top);
/* The same for a message that must carry that one result only. */
void check_cnn_message (GstMessage * msg, const gchar * label, gint id,
    gdouble conf, GstClockTime ts, guint n_top);

/* Results a "cnnclassify" message carries (1 + its earlier-results), and
 * the i-th of them, oldest first (the last is the message's own fields). */
guint cnn_message_n_results (GstMessage * msg);
const GstStructure *cnn_message_result (GstMessage * msg, guint i);

#endif /* PLUGIN_TEST_UTIL_H */
