/* test_messages.c — cnnclassify's result messages when results come
 * faster than message-interval: every held result reaches the bus, in
 * frame order, with the same content as an immediate message (several in
 * one message's earlier-results); the timer, EOS and stopping each post
 * what is held.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "plugin_test_util.h"

static const guint32 colour_rgb[] = { RGB_RED, RGB_GREEN, RGB_BLUE };
static const gchar *colour_label[] = { "red", "green", "blue" };

#define TEN_SECONDS "message-interval=10000000000"

/* Pushes frame i (colour i % 3, PTS i/30 s) and drops what comes out. */
static void
push_colour (GstHarness * h, guint i)
{
  GstBuffer *out = gst_harness_push_and_pull (h,
      make_frame (GST_VIDEO_FORMAT_RGB, 16, 16, colour_rgb[i % 3], 0, i));

  fail_unless (out != NULL);
  gst_buffer_unref (out);
}

/* Results taken off the bus and not yet checked, oldest first: a message
 * carries one result or several (earlier-results). */
static GQueue pending = G_QUEUE_INIT;

/* The next result, waiting at most timeout for a message, must be frame
 * i's, every field as an immediate message has it. */
static void
expect_result (GstBus * bus, guint i, GstClockTime timeout)
{
  GstMessage *msg;

  if (g_queue_is_empty (&pending)) {
    msg = gst_bus_timed_pop_filtered (bus, timeout, GST_MESSAGE_ELEMENT);
    fail_unless (msg != NULL, "no message for frame %u", i);
    fail_unless (gst_message_has_name (msg, "cnnclassify"));
    for (guint k = 0; k < cnn_message_n_results (msg); k++)
      g_queue_push_tail (&pending,
          gst_structure_copy (cnn_message_result (msg, k)));
    gst_message_unref (msg);
  }
  GstStructure *s = g_queue_pop_head (&pending);
  check_cnn_result (s, colour_label[i % 3], (gint) (i % 3), P_PURE,
      gst_util_uint64_scale (i, GST_SECOND, 30), 3);
  gst_structure_free (s);
}

static void
expect_none (GstBus * bus)
{
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);

  fail_unless (g_queue_is_empty (&pending), "%u results left",
      g_queue_get_length (&pending));

  fail_unless (msg == NULL, "unexpected message %" GST_PTR_FORMAT, msg);
}

static GstHarness *
harness_rgb (const gchar * props, GstBus ** bus)
{
  GstHarness *h = harness_new_with_model ("cnnclassify", "color.onnx", props);

  harness_set_video_caps (h, GST_VIDEO_FORMAT_RGB, 16, 16);
  *bus = gst_element_get_bus (h->element);
  return h;
}

/* Default 10 ms; a value over 60 s is refused with GObject's warning and
 * leaves the interval as it was (a bad value from gst-launch-1.0 gets the
 * same warning on the terminal). */
GST_START_TEST (test_default_and_out_of_range_interval)
{
  GstElement *e = gst_element_factory_make ("cnnclassify", NULL);
  guint64 interval;

  g_object_get (e, "message-interval", &interval, NULL);
  fail_unless_equals_uint64 (interval, 10 * GST_MSECOND);
  ASSERT_WARNING (g_object_set (e, "message-interval",
          (guint64) (61 * GST_SECOND), NULL));
  g_object_get (e, "message-interval", &interval, NULL);
  fail_unless_equals_uint64 (interval, 10 * GST_MSECOND);
  gst_object_unref (e);
}

GST_END_TEST;

/* Pushes frames 0..n-1 at a 10 s interval: the first result goes out at
 * once, the others are held. */
static GstHarness *
push_held (guint n, GstBus ** bus)
{
  GstHarness *h = harness_rgb (TEN_SECONDS, bus);

  for (guint i = 0; i < n; i++)
    push_colour (h, i);
  expect_result (*bus, 0, 0);
  expect_none (*bus);
  return h;
}

/* Once EOS or stop has come, results 1..n-1 are on the bus, in order. */
static void
expect_rest (GstHarness * h, GstBus * bus, guint n)
{
  for (guint i = 1; i < n; i++)
    expect_result (bus, i, 0);
  expect_none (bus);
  gst_object_unref (bus);
  harness_teardown (h);
}

/* EOS posts them all before it passes on. */
GST_START_TEST (test_eos_posts_held_results)
{
  GstBus *bus;
  GstHarness *h = push_held (6, &bus);

  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  expect_rest (h, bus, 6);
}

GST_END_TEST;

/* Held results go out together: one message, the newest result's fields
 * and the others in earlier-results, oldest first. */
GST_START_TEST (test_held_results_share_one_message)
{
  GstBus *bus;
  GstHarness *h = push_held (5, &bus);
  GstMessage *msg;

  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL && gst_message_has_name (msg, "cnnclassify"));
  fail_unless_equals_int (cnn_message_n_results (msg), 4);
  for (guint i = 1; i < 5; i++)
    check_cnn_result (cnn_message_result (msg, i - 1), colour_label[i % 3],
        (gint) (i % 3), P_PURE, gst_util_uint64_scale (i, GST_SECOND, 30),
        3);
  gst_message_unref (msg);
  expect_none (bus);
  gst_object_unref (bus);
  harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_stop_posts_held_results)
{
  GstBus *bus;
  GstHarness *h = push_held (4, &bus);

  fail_unless_equals_int (gst_element_set_state (h->element,
          GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  expect_rest (h, bus, 4);
}

GST_END_TEST;

/* With no more frames, the timer posts the held result, not before the
 * interval has passed since the previous post. */
GST_START_TEST (test_timer_posts_held_result)
{
  GstBus *bus;
  GstHarness *h = harness_rgb ("message-interval=1000000000", &bus);
  gint64 t0 = g_get_monotonic_time ();

  push_colour (h, 0);
  push_colour (h, 1);
  expect_result (bus, 0, 0);
  expect_none (bus);
  expect_result (bus, 1, 10 * GST_SECOND);
  fail_unless (g_get_monotonic_time () - t0 >= 1000000,
      "held result posted %" G_GINT64_FORMAT " us after the first frame",
      g_get_monotonic_time () - t0);
  gst_object_unref (bus);
  harness_teardown (h);
}

GST_END_TEST;

/* Frames as fast as they can go at the default interval: the timer thread
 * and the streaming thread share the posting, and not one result is lost
 * or out of order. */
GST_START_TEST (test_fast_stream_every_result_in_order)
{
  GstBus *bus;
  GstHarness *h = harness_rgb (NULL, &bus);
  const guint n = 400;

  for (guint i = 0; i < n; i++)
    push_colour (h, i);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  for (guint i = 0; i < n; i++)
    expect_result (bus, i, 0);
  expect_none (bus);
  gst_object_unref (bus);
  harness_teardown (h);
}

GST_END_TEST;

/* Changed while playing: from 0 on, each result goes out at once. */
GST_START_TEST (test_interval_zero_while_playing)
{
  GstBus *bus;
  GstHarness *h = harness_rgb (TEN_SECONDS, &bus);

  push_colour (h, 0);
  push_colour (h, 1);
  expect_result (bus, 0, 0);
  expect_none (bus);
  g_object_set (h->element, "message-interval", G_GUINT64_CONSTANT (0), NULL);
  push_colour (h, 2);           /* joins the held one: order is kept */
  expect_result (bus, 1, 10 * GST_SECOND);
  expect_result (bus, 2, 10 * GST_SECOND);
  push_colour (h, 3);
  expect_result (bus, 3, 0);
  gst_object_unref (bus);
  harness_teardown (h);
}

GST_END_TEST;

static Suite *
messages_suite (void)
{
  Suite *s = suite_create ("cnnclassify-messages");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_default_and_out_of_range_interval);
  tcase_add_test (tc, test_eos_posts_held_results);
  tcase_add_test (tc, test_held_results_share_one_message);
  tcase_add_test (tc, test_stop_posts_held_results);
  tcase_add_test (tc, test_timer_posts_held_result);
  tcase_add_test (tc, test_fast_stream_every_result_in_order);
  tcase_add_test (tc, test_interval_zero_while_playing);
  return s;
}

GST_CHECK_MAIN (messages);
