/* leak_canary.c — leaks one buffer on purpose, through a cnnclassify
 * harness, so the leak check (check_leaks.sh --expect-leak) proves it
 * notices a leak. Not a test of the element.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "plugin_test_util.h"

GST_START_TEST (test_planted_leak)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", NULL);
  GstBuffer *out;

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 8, 8);
  out = gst_harness_push_and_pull (h, make_frame (GST_VIDEO_FORMAT_RGB, 8, 8,
          RGB_RED, 0, 0));
  fail_unless (out != NULL);
  /* out is deliberately never unreffed */
  harness_teardown (h);
}

GST_END_TEST;

static Suite *
canary_suite (void)
{
  Suite *s = suite_create ("leak-canary");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_planted_leak);
  return s;
}

GST_CHECK_MAIN (canary);
