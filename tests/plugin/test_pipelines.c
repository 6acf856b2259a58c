/* test_pipelines.c — cnnclassify/cnnoverlay in real pipelines with system
 * elements: metadata through videoconvert/videoscale, drawing on a scaled
 * branch, and real photos through a real ImageNet model.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The photo test needs jpegdec (gstreamer1.0-plugins-good) and
 * gdkpixbufdec (gstreamer1.0-plugins-good) and reads SHARED_DIR/photos and SHARED_DIR/models (the
 * project's ../shared); it is left out of the suite, with a SKIP line,
 * when they are absent. MobileNetV2's
 * documented preprocessing: centre crop, 224x224, (p - 128) / 128 ≈
 * (p/255 - 0.5) / 0.5, RGB; output is 1001 softmax scores (0 = background).
 */
#include "plugin_test_util.h"

#include <gst/cnn/cnnmeta.h>
#include <string.h>

/* Runs a launch line to EOS; returns the cnnclassify messages (newest
 * last) and fails on an error. */
static GList *
run_to_eos (const gchar * launch, GstPadProbeCallback probe,
    gpointer probe_data)
{
  GError *error = NULL;
  GstElement *pipe = gst_parse_launch (launch, &error);
  GstBus *bus;
  GList *msgs = NULL;
  gboolean done = FALSE;

  /* a missing element (e.g. no system plugins) gives a partial pipeline */
  fail_unless (pipe != NULL && error == NULL, "parse: %s",
      error ? error->message : "?");
  if (probe) {
    GstElement *sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
    GstPad *pad = gst_element_get_static_pad (sink, "sink");
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, probe, probe_data,
        NULL);
    gst_object_unref (pad);
    gst_object_unref (sink);
  }
  bus = gst_element_get_bus (pipe);
  fail_unless (gst_element_set_state (pipe, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    fail_unless (m != NULL, "timeout: %s", launch);
    if (GST_MESSAGE_TYPE (m) == GST_MESSAGE_ERROR) {
      GError *err = NULL;
      gst_message_parse_error (m, &err, NULL);
      fail ("error from %s: %s", GST_OBJECT_NAME (m->src), err->message);
    }
    done = GST_MESSAGE_TYPE (m) == GST_MESSAGE_EOS;
    if (gst_message_has_name (m, "cnnclassify"))
      msgs = g_list_append (msgs, m);
    else
      gst_message_unref (m);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipe);
  return msgs;
}

static GstPadProbeReturn
count_red_meta (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  const gchar *label = meta_top_label (buf, NULL);

  if (label != NULL && strcmp (label, "red") == 0)
    (*(guint *) data)++;
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_meta_survives_convert_and_scale)
{
  gchar *model = test_model_path ("color.onnx");
  gchar *launch = g_strdup_printf ("videotestsrc pattern=red num-buffers=5 ! "
      "video/x-raw,format=RGB,width=64,height=48 ! cnnclassify model=%s ! "
      "videoconvert ! video/x-raw,format=I420 ! videoscale ! "
      "video/x-raw,width=32,height=24 ! fakesink name=sink", model);
  guint n_red = 0;
  GList *msgs = run_to_eos (launch, count_red_meta, &n_red);

  guint n_results = 0;

  for (GList * l = msgs; l != NULL; l = l->next)
    n_results += cnn_message_n_results (l->data);
  fail_unless_equals_int (n_red, 5);
  fail_unless_equals_int (n_results, 5);
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  g_free (launch);
  g_free (model);
}

GST_END_TEST;

static GstPadProbeReturn
check_drawn (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstMapInfo map;
  guint n_not_blue = 0;

  /* BGRx 320x240 blue frame: drawn pixels are not pure blue */
  gst_buffer_map (buf, &map, GST_MAP_READ);
  for (gsize i = 0; i + 3 < map.size; i += 4)
    n_not_blue += !(map.data[i] == 255 && map.data[i + 1] == 0
        && map.data[i + 2] == 0);
  gst_buffer_unmap (buf, &map);
  if (n_not_blue > 0)
    (*(guint *) data)++;
  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_overlay_on_scaled_branch)
{
  gchar *model = test_model_path ("color.onnx");
  gchar *launch = g_strdup_printf ("videotestsrc pattern=blue num-buffers=3 ! "
      "video/x-raw,format=BGRx,width=32,height=24 ! cnnclassify model=%s ! "
      "videoscale ! video/x-raw,width=320,height=240 ! cnnoverlay ! "
      "fakesink name=sink", model);
  guint n_drawn = 0;
  GList *msgs = run_to_eos (launch, check_drawn, &n_drawn);

  fail_unless_equals_int (n_drawn, 3);
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  g_free (launch);
  g_free (model);
}

GST_END_TEST;

/* 8 branches of one pipeline on one model file (shared through the
 * plugin's model cache), each with its own colour, size and format: every
 * branch's messages carry its own colour. */
GST_START_TEST (test_eight_branches)
{
  static const gchar *pattern[] = { "red", "green", "blue" };
  static const gchar *format[] = { "RGB", "I420", "NV12", "BGRx", "YUY2" };
  gchar *model = test_model_path ("color-big.onnx");
  GString *launch = g_string_new (NULL);
  guint counts[8] = { 0 };
  GList *msgs;

  for (guint b = 0; b < 8; b++)
    g_string_append_printf (launch, "videotestsrc pattern=%s num-buffers=20 "
        "! video/x-raw,format=%s,width=%u,height=%u ! cnnclassify name=c%u "
        "model=%s threads=1 ! fakesink ", pattern[b % 3], format[b % 5],
        32 + 40 * b, 24 + 30 * b, b, model);
  msgs = run_to_eos (launch->str, NULL, NULL);
  for (GList * l = msgs; l != NULL; l = l->next) {
    GstMessage *m = l->data;
    guint b = GST_OBJECT_NAME (m->src)[1] - '0';
    fail_unless (b < 8);
    for (guint k = 0; k < cnn_message_n_results (m); k++)
      fail_unless_equals_string (gst_structure_get_string
          (cnn_message_result (m, k), "label"), pattern[b % 3]);
    counts[b] += cnn_message_n_results (m);
  }
  for (guint b = 0; b < 8; b++)
    fail_unless_equals_int (counts[b], 20);
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
  g_string_free (launch, TRUE);
  g_free (model);
}

GST_END_TEST;

static const struct {
  const gchar *file;
  gint ok[3];                   /* acceptable 1001-class ids, 0 = none */
} photos[] = {
  {"coral_cat.bmp", {286, 282, 283}},
  {"coral_parrot.jpg", {89, 0, 0}},
  {"coral_hot_dog.jpg", {935, 0, 0}},
  {"coral_grace_hopper.bmp", {653, 835, 458}},
  {"coral_bird.bmp", {20, 0, 0}},
  {"coral_dragonfly.bmp", {320, 321, 0}},
  {"coral_sunflower.bmp", {986, 310, 0}},
};

/* As decoded (RGB, through GstVideoConverter) and scaled 3x as I420 (large
 * 4:2:0 frames: the direct sampler of cnnresample.c). */
static const gchar *sources[] = {
  "video/x-raw,format=RGB",
  "videoscale ! video/x-raw,format=I420,width=1536,pixel-aspect-ratio=1/1",
};

GST_START_TEST (test_photos_mobilenet)
{
  gchar *dir = g_build_filename (SHARED_DIR, "models", "mobilenetv2-1.0",
      NULL);
  gchar *model = g_build_filename (dir, "mobilenet_v2_1.0_224.onnx", NULL);
  gchar *labels = g_build_filename (dir, "labels.txt", NULL);

  fail_unless (g_file_test (model, G_FILE_TEST_EXISTS));
  for (guint k = 0; k < G_N_ELEMENTS (sources) * G_N_ELEMENTS (photos); k++) {
    const guint i = k % G_N_ELEMENTS (photos);
    gchar *photo = g_build_filename (SHARED_DIR, "photos", photos[i].file,
        NULL);
    /* decodebin does not pick gdkpixbufdec for BMP: name the decoder */
    const gchar *dec = g_str_has_suffix (photos[i].file, ".jpg") ? "jpegdec" :
        "gdkpixbufdec";
    gchar *launch = g_strdup_printf ("filesrc location=%s ! %s ! "
        "videoconvert ! %s ! imagefreeze num-buffers=1 ! "
        "cnnclassify model=%s labels=%s mean=\"<0.5>\" std=\"<0.5>\" "
        "resize=center-crop ! fakesink", photo, dec,
        sources[k / G_N_ELEMENTS (photos)], model, labels);
    GList *msgs = run_to_eos (launch, NULL, NULL);
    const GstStructure *s;
    gint id;

    fail_unless_equals_int (g_list_length (msgs), 1);
    s = gst_message_get_structure (msgs->data);
    fail_unless (gst_structure_get_int (s, "class-id", &id));
    g_print ("%s (%s): %d %s %.4f\n", photos[i].file,
        sources[k / G_N_ELEMENTS (photos)], id,
        gst_structure_get_string (s, "label"),
        g_value_get_double (gst_structure_get_value (s, "confidence")));
    fail_unless (id == photos[i].ok[0] || id == photos[i].ok[1]
        || id == photos[i].ok[2], "%s: got class %d", photos[i].file, id);
    g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
    g_free (launch);
    g_free (photo);
  }
  g_free (labels);
  g_free (model);
  g_free (dir);
}

GST_END_TEST;

static Suite *
pipelines_suite (void)
{
  Suite *s = suite_create ("cnn-pipelines");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_meta_survives_convert_and_scale);
  tcase_add_test (tc, test_overlay_on_scaled_branch);
  tcase_add_test (tc, test_eight_branches);
  /* Added only where the shared models are (exit (77) inside a forked
   * check test would count as an error, not a skip). */
  gchar *model = g_build_filename (SHARED_DIR, "models", "mobilenetv2-1.0",
      "mobilenet_v2_1.0_224.onnx", NULL);
  if (g_file_test (model, G_FILE_TEST_EXISTS))
    tcase_add_test (tc, test_photos_mobilenet);
  else
    g_print ("SKIP: test_photos_mobilenet: %s absent\n", model);
  g_free (model);
  return s;
}

GST_CHECK_MAIN (pipelines);
