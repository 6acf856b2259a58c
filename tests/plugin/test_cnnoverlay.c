/* test_cnnoverlay.c — overlay drawing of cnnclassify and cnnoverlay.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The attach path (downstream proposes GstVideoOverlayCompositionMeta)
 * leaves the pixels alone and yields the label box rectangle; the blend
 * path must change pixels, and only inside that same rectangle.
 */
#include "plugin_test_util.h"

#include <gst/cnn/cnnmeta.h>
#include <string.h>

typedef struct {
  gint x, y, w, h;
} Box;

/* The single overlay rectangle attached to buf; checks it has ink. */
static Box
attached_box (GstBuffer * buf, gint fw, gint fh)
{
  GstVideoOverlayCompositionMeta *cm =
      gst_buffer_get_video_overlay_composition_meta (buf);
  GstVideoOverlayRectangle *rect;
  GstBuffer *pixels;
  GstMapInfo map;
  guint width, height, ink = 0;
  Box b;

  fail_unless (cm != NULL, "no overlay composition meta");
  fail_unless_equals_int (gst_video_overlay_composition_n_rectangles
      (cm->overlay), 1);
  rect = gst_video_overlay_composition_get_rectangle (cm->overlay, 0);
  gst_video_overlay_rectangle_get_render_rectangle (rect, &b.x, &b.y,
      &width, &height);
  b.w = width;
  b.h = height;
  fail_unless (b.x >= 0 && b.y >= 0 && b.w > 0 && b.h > 0);
  fail_unless (b.x + b.w <= fw && b.y + b.h <= fh, "box outside frame");
  pixels = gst_video_overlay_rectangle_get_pixels_unscaled_argb (rect,
      GST_VIDEO_OVERLAY_FORMAT_FLAG_PREMULTIPLIED_ALPHA);
  gst_buffer_map (pixels, &map, GST_MAP_READ);
  for (gsize i = 0; i < map.size; i += 4)
    ink += map.data[i + 3] != 0;
  gst_buffer_unmap (pixels, &map);
  fail_unless (ink > 0, "overlay rectangle is fully transparent");
  return b;
}

/* Bounding box of changed pixels of plane 0 (x in pixels); counts them. */
static guint
changed_pixels (GstBuffer * a, GstBuffer * b, GstVideoFormat fmt, gint w,
    gint h, Box * bbox)
{
  GstVideoInfo info;
  GstVideoFrame fa, fb;
  guint n = 0;
  gint ps;

  gst_video_info_set_format (&info, fmt, w, h);
  gst_video_frame_map (&fa, &info, a, GST_MAP_READ);
  gst_video_frame_map (&fb, &info, b, GST_MAP_READ);
  ps = GST_VIDEO_FRAME_COMP_PSTRIDE (&fa, 0);
  bbox->x = bbox->y = G_MAXINT;
  bbox->w = bbox->h = -1;       /* used as x1, y1 */
  for (gint y = 0; y < h; y++) {
    const guint8 *ra = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fa, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&fa, 0);
    const guint8 *rb = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fb, 0) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE (&fb, 0);
    for (gint x = 0; x < w; x++) {
      if (memcmp (ra + x * ps, rb + x * ps, ps) != 0) {
        n++;
        bbox->x = MIN (bbox->x, x);
        bbox->y = MIN (bbox->y, y);
        bbox->w = MAX (bbox->w, x);
        bbox->h = MAX (bbox->h, y);
      }
    }
  }
  gst_video_frame_unmap (&fa);
  gst_video_frame_unmap (&fb);
  return n;
}

/* One frame through `factory`; attach or blend; returns the output. */
static GstBuffer *
run_overlay (const gchar * factory, const gchar * model, const gchar * props,
    gboolean attach, GstVideoFormat fmt, gint w, gint h, GstBuffer * in)
{
  GstHarness *hn = harness_new_with_model (factory, model, props);
  GstBuffer *out;

  if (attach)
    gst_harness_add_propose_allocation_meta (hn,
        GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  harness_set_video_caps (hn, fmt, w, h);
  harness_negotiate_allocation (hn);
  out = gst_harness_push_and_pull (hn, in);
  fail_unless (out != NULL);
  harness_teardown (hn);
  return out;
}

static void
check_blend_inside (const gchar * factory, const gchar * model,
    const gchar * props, GstVideoFormat fmt, gint w, gint h, GstBuffer * in,
    gint margin)
{
  GstBuffer *copy = gst_buffer_copy_deep (in), *out, *attached;
  Box box, diff;
  guint n;

  /* attach path: pixels untouched, box known */
  attached = run_overlay (factory, model, props, TRUE, fmt, w, h,
      gst_buffer_copy_deep (in));
  fail_unless (buffers_equal (attached, copy), "attach path changed pixels");
  box = attached_box (attached, w, h);
  gst_buffer_unref (attached);

  /* blend path: changes, all inside the box */
  out = run_overlay (factory, model, props, FALSE, fmt, w, h, in);
  fail_if (gst_buffer_get_video_overlay_composition_meta (out) != NULL);
  n = changed_pixels (copy, out, fmt, w, h, &diff);
  GST_INFO ("%s %s: box %d,%d %dx%d, %u changed in %d,%d-%d,%d", factory,
      gst_video_format_to_string (fmt), box.x, box.y, box.w, box.h, n,
      diff.x, diff.y, diff.w, diff.h);
  fail_unless (n > 0, "%s: blend changed nothing",
      gst_video_format_to_string (fmt));
  fail_unless (diff.x >= box.x - margin && diff.y >= box.y - margin &&
      diff.w < box.x + box.w + margin && diff.h < box.y + box.h + margin,
      "%s: pixels changed outside the label box",
      gst_video_format_to_string (fmt));
  gst_buffer_unref (out);
  gst_buffer_unref (copy);
}

GST_START_TEST (test_classify_overlay_attach_and_blend)
{
  static const GstVideoFormat fmts[] = { GST_VIDEO_FORMAT_BGRx,
    GST_VIDEO_FORMAT_RGB, GST_VIDEO_FORMAT_RGBA, GST_VIDEO_FORMAT_I420,
    GST_VIDEO_FORMAT_NV12, GST_VIDEO_FORMAT_YUY2, GST_VIDEO_FORMAT_GRAY8
  };
  for (guint i = 0; i < G_N_ELEMENTS (fmts); i++) {
    gboolean packed_rgb = GST_VIDEO_FORMAT_INFO_IS_RGB
        (gst_video_format_get_info (fmts[i]));
    check_blend_inside ("cnnclassify", "color.onnx", "overlay=true", fmts[i],
        160, 120, make_frame (fmts[i], 160, 120, RGB_RED, 0, 0),
        packed_rgb ? 0 : 2);
  }
  /* bottom-right, three lines with bars */
  check_blend_inside ("cnnclassify", "color.onnx",
      "overlay=true overlay-lines=3 halignment=right valignment=bottom",
      GST_VIDEO_FORMAT_BGRx, 321, 241,
      make_frame (GST_VIDEO_FORMAT_BGRx, 321, 241, RGB_BLUE, 0, 0), 0);
}

GST_END_TEST;

GST_START_TEST (test_classify_overlay_tiny_frames)
{
  /* the box is clipped to the frame: 1x1 and 7x5 must not crash */
  GstBuffer *out = run_overlay ("cnnclassify", "color.onnx", "overlay=true",
      FALSE, GST_VIDEO_FORMAT_RGB, 1, 1,
      make_frame (GST_VIDEO_FORMAT_RGB, 1, 1, RGB_RED, 0, 0));
  gst_buffer_unref (out);
  out = run_overlay ("cnnclassify", "color.onnx", "overlay=true", TRUE,
      GST_VIDEO_FORMAT_I420, 7, 5,
      make_frame (GST_VIDEO_FORMAT_I420, 7, 5, RGB_RED, 0, 0));
  attached_box (out, 7, 5);
  gst_buffer_unref (out);
}

GST_END_TEST;

GST_START_TEST (test_overlay_toggle_and_cache)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  GstBuffer *in, *copy, *out;
  GstVideoOverlayRectangle *r1, *r2;

  gst_harness_add_propose_allocation_meta (h,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGBx, 64, 48);
  harness_negotiate_allocation (h);
  /* overlay off: nothing attached */
  out = gst_harness_push_and_pull (h, make_frame (GST_VIDEO_FORMAT_RGBx, 64,
          48, RGB_RED, 0, 0));
  fail_if (gst_buffer_get_video_overlay_composition_meta (out) != NULL);
  gst_buffer_unref (out);

  /* on while PLAYING; same text twice → the same cached rectangle */
  g_object_set (h->element, "overlay", TRUE, NULL);
  in = make_frame (GST_VIDEO_FORMAT_RGBx, 64, 48, RGB_RED, 0, 1);
  copy = gst_buffer_copy_deep (in);
  out = gst_harness_push_and_pull (h, in);
  fail_unless (buffers_equal (out, copy));
  r1 = gst_video_overlay_composition_get_rectangle
      (gst_buffer_get_video_overlay_composition_meta (out)->overlay, 0);
  gst_video_overlay_rectangle_ref (r1);
  gst_buffer_unref (out);
  gst_buffer_unref (copy);
  out = gst_harness_push_and_pull (h, make_frame (GST_VIDEO_FORMAT_RGBx, 64,
          48, RGB_RED, 0, 2));
  r2 = gst_video_overlay_composition_get_rectangle
      (gst_buffer_get_video_overlay_composition_meta (out)->overlay, 0);
  fail_unless (r1 == r2, "same text was rendered again");
  gst_buffer_unref (out);
  /* new text → new rendering */
  out = gst_harness_push_and_pull (h, make_frame (GST_VIDEO_FORMAT_RGBx, 64,
          48, RGB_GREEN, 0, 3));
  r2 = gst_video_overlay_composition_get_rectangle
      (gst_buffer_get_video_overlay_composition_meta (out)->overlay, 0);
  fail_unless (r1 != r2, "changed text was not rendered");
  gst_buffer_unref (out);
  gst_video_overlay_rectangle_unref (r1);
  harness_teardown (h);
}

GST_END_TEST;

static GstBuffer *
frame_with_meta (const gchar * label, gint w, gint h)
{
  GstBuffer *buf = make_frame (GST_VIDEO_FORMAT_BGRx, w, h, RGB_GRAY, 0, 0);
  GstCnnClassEntry e = { 7, g_quark_from_string (label), 0.75f };

  gst_buffer_add_cnn_classification_meta (buf, &e, 1, "test", 0, 1000,
      FALSE);
  return buf;
}

GST_START_TEST (test_cnnoverlay_element)
{
  GstBuffer *plain, *copy, *out, *wide, *narrow;
  Box bw, bn;

  /* draws from the meta; only inside the box */
  check_blend_inside ("cnnoverlay", NULL, NULL, GST_VIDEO_FORMAT_BGRx, 200,
      100, frame_with_meta ("R&B <b>", 200, 100), 0);

  /* no meta: untouched, nothing attached */
  plain = make_frame (GST_VIDEO_FORMAT_BGRx, 64, 48, RGB_GRAY, 0, 0);
  copy = gst_buffer_copy_deep (plain);
  out = run_overlay ("cnnoverlay", NULL, NULL, FALSE, GST_VIDEO_FORMAT_BGRx,
      64, 48, plain);
  fail_unless (buffers_equal (out, copy));
  fail_if (gst_buffer_get_video_overlay_composition_meta (out) != NULL);
  gst_buffer_unref (out);
  gst_buffer_unref (copy);

  /* text is literal: "<b>" adds width (markup would hide it or fail) */
  wide = run_overlay ("cnnoverlay", NULL, NULL, TRUE, GST_VIDEO_FORMAT_BGRx,
      400, 100, frame_with_meta ("R&B <b>", 400, 100));
  narrow = run_overlay ("cnnoverlay", NULL, NULL, TRUE, GST_VIDEO_FORMAT_BGRx,
      400, 100, frame_with_meta ("R&B", 400, 100));
  bw = attached_box (wide, 400, 100);
  bn = attached_box (narrow, 400, 100);
  fail_unless (bw.w > bn.w + 5, "widths %d vs %d", bw.w, bn.w);
  gst_buffer_unref (wide);
  gst_buffer_unref (narrow);
}

GST_END_TEST;

static Suite *
cnnoverlay_suite (void)
{
  Suite *s = suite_create ("cnnoverlay");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_classify_overlay_attach_and_blend);
  tcase_add_test (tc, test_classify_overlay_tiny_frames);
  tcase_add_test (tc, test_overlay_toggle_and_cache);
  tcase_add_test (tc, test_cnnoverlay_element);
  return s;
}

GST_CHECK_MAIN (cnnoverlay);
