/* cnn-demo.c — Fashion-MNIST test set through cnnclassify, scored live.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: streams the Fashion-MNIST test images (Debian package
 * dataset-fashion-mnist) as GRAY8 28x28 video frames from an appsrc through
 * a real pipeline
 *
 *   appsrc ! cnnclassify ! fakesink                       (default, headless)
 *   appsrc ! videoscale ! cnnclassify overlay=true ! videoconvert
 *          ! autovideosink                                (--display)
 *
 * reads the element's own results from its "cnnclassify" bus messages
 * (fields timestamp, class-id, label, confidence), matches each to its frame
 * by timestamp, compares with the true labels, shows a progress line while
 * it runs and ends with the accuracy and the frames per second. Ctrl+C ends
 * the stream early and still prints the figures.
 *
 * Exit status: 0 when every frame got a result (and --min-accuracy, when
 * given, is reached); 1 otherwise; 77 when the data set is not installed.
 */
#include <glib-unix.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fmnist_idx.h"

typedef struct {
  /* options */
  gchar *model;
  gchar *data;
  gint limit, threads, fps, scale;
  gboolean display;
  gdouble min_accuracy;

  /* data and pipeline */
  FmnistSet set;
  gsize n;                      /* frames to stream */
  GstElement *pipeline;
  GMainLoop *loop;
  gboolean failed, interrupted;
  gboolean tty;                 /* stdout is a terminal */

  /* feeding (appsrc streaming thread) */
  gsize next;                   /* next frame to push */

  /* results (bus sync handler in the posting threads; progress in main) */
  GMutex lock;
  gint8 *pred;                  /* per frame: class id; -1 = no result yet,
                                 * -2 = unclassified or out of range */
  gint results, correct, unmatched;
  gint64 t_start, t_last;       /* monotonic µs: first frame pushed, last result */
} Demo;

static GstClockTime
frame_pts (const Demo * d, guint64 i)
{
  return gst_util_uint64_scale_int (i, GST_SECOND, d->fps);
}

/* appsrc "need-data": push frames until the queue is full or all are out. */
static void
need_data (GstAppSrc * src, guint length, gpointer user_data)
{
  Demo *d = user_data;
  gsize pixels = (gsize) d->set.rows * d->set.cols;

  while (d->next < d->n) {
    GstBuffer *buf = gst_buffer_new_memdup (d->set.images + d->next * pixels,
        pixels);
    GST_BUFFER_PTS (buf) = frame_pts (d, d->next);
    GST_BUFFER_DURATION (buf) = frame_pts (d, d->next + 1) - frame_pts (d,
        d->next);
    GST_BUFFER_OFFSET (buf) = d->next;
    if (d->next++ == 0) {
      g_mutex_lock (&d->lock);
      d->t_start = g_get_monotonic_time ();
      g_mutex_unlock (&d->lock);
    }
    if (gst_app_src_push_buffer (src, buf) != GST_FLOW_OK)
      return;
    /* Leave once appsrc holds a few frames; it calls again when it drains. */
    if (gst_app_src_get_current_level_buffers (src) >= 64)
      return;
  }
  gst_app_src_end_of_stream (src);
}

/* A structure field as a double, whatever its numeric type. */
static gboolean
field_double (const GstStructure * s, const gchar * name, gdouble * out)
{
  const GValue *v = gst_structure_get_value (s, name);
  GValue d = G_VALUE_INIT;
  if (!v || !g_value_type_transformable (G_VALUE_TYPE (v), G_TYPE_DOUBLE))
    return FALSE;
  g_value_init (&d, G_TYPE_DOUBLE);
  g_value_transform (v, &d);
  *out = g_value_get_double (&d);
  g_value_unset (&d);
  return TRUE;
}

/* Scores one result of a "cnnclassify" message, with d->lock held. A
 * frame the element left unclassified (class-id < 0, under the threshold)
 * counts as a wrong answer. */
static void
score_result (Demo * d, const GstStructure * s)
{
  GstClockTime ts = GST_CLOCK_TIME_NONE;
  gdouble class_id = -1;
  if (!gst_structure_get_clock_time (s, "timestamp", &ts)
      || !GST_CLOCK_TIME_IS_VALID (ts)
      || !field_double (s, "class-id", &class_id)) {
    d->unmatched++;
    return;
  }
  guint64 i = gst_util_uint64_scale_round (ts, d->fps, GST_SECOND);
  if (i >= d->n || d->pred[i] != -1) {
    d->unmatched++;
    return;
  }
  d->pred[i] = class_id >= 0 && class_id <= 9 ? (gint8) class_id : -2;
  if ((gint) class_id == d->set.labels[i])
    d->correct++;
  d->results++;
  d->t_last = g_get_monotonic_time ();
}

static GstBusSyncReply
bus_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Demo *d = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT || !s
      || !gst_structure_has_name (s, "cnnclassify"))
    return GST_BUS_PASS;
  /* called from the thread that posts it: the streaming thread, or the
   * element's timer for results it held, which come in one message, the
   * older ones in earlier-results */
  const GValue *earlier = gst_structure_get_value (s, "earlier-results");
  g_mutex_lock (&d->lock);
  for (guint i = 0; earlier && i < gst_value_array_get_size (earlier); i++) {
    const GValue *v = gst_value_array_get_value (earlier, i);
    if (GST_VALUE_HOLDS_STRUCTURE (v))
      score_result (d, gst_value_get_structure (v));
    else
      d->unmatched++;
  }
  score_result (d, s);
  g_mutex_unlock (&d->lock);
  /* Scored here, no need to queue 10,000; a dropping handler unrefs. */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

/* Snapshot of the scores; secs = first frame pushed .. last result. */
static void
snapshot (Demo * d, gint * results, gint * correct, gdouble * secs)
{
  g_mutex_lock (&d->lock);
  *results = d->results;
  *correct = d->correct;
  *secs = d->t_start && d->t_last > d->t_start ?
      (d->t_last - d->t_start) / 1e6 : 0;
  g_mutex_unlock (&d->lock);
}

static gboolean
progress (gpointer user_data)
{
  Demo *d = user_data;
  gint results, correct;
  gdouble secs;
  snapshot (d, &results, &correct, &secs);
  /* On a terminal the line updates in place; in a log, one line each. */
  g_print ("%s[%5d/%" G_GSIZE_FORMAT "] %3d%%  accuracy %.4f  %6.0f fps%s",
      d->tty ? "\r" : "", results, d->n, (gint) (100.0 * results / d->n),
      results ? (gdouble) correct / results : 0.0,
      secs > 0 ? results / secs : 0.0, d->tty ? " " : "\n");
  return G_SOURCE_CONTINUE;
}

static gboolean
bus_watch (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Demo *d = user_data;
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;
    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("\nERROR from %s: %s\n%s\n", GST_OBJECT_NAME (msg->src),
        err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    d->failed = TRUE;
    g_main_loop_quit (d->loop);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
    g_main_loop_quit (d->loop);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint (gpointer user_data)
{
  Demo *d = user_data;
  g_printerr ("\ninterrupted: stopping the stream\n");
  d->interrupted = TRUE;        /* score only the frames sent so far */
  gst_element_send_event (d->pipeline, gst_event_new_eos ());
  return G_SOURCE_REMOVE;
}

/* The state change failed: show the element's error message. */
static void
print_start_error (Demo * d)
{
  GstBus *bus = gst_element_get_bus (d->pipeline);
  GstMessage *msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg) {
    bus_watch (bus, msg, d);
    gst_message_unref (msg);
  } else {
    g_printerr ("the pipeline failed to start\n");
  }
  d->failed = TRUE;
  gst_object_unref (bus);
}

/* Builds the pipeline and sets the element's properties. */
static gboolean
build_pipeline (Demo * d)
{
  GError *err = NULL;
  gchar *desc;
  if (d->display)
    desc = g_strdup_printf ("appsrc name=src ! videoscale method=nearest-"
        "neighbour ! video/x-raw,width=%d,height=%d ! cnnclassify name=cls "
        "overlay=true ! videoconvert ! autovideosink",
        d->set.cols * d->scale, d->set.rows * d->scale);
  else
    desc = g_strdup ("appsrc name=src ! cnnclassify name=cls ! "
        "fakesink sync=false");
  d->pipeline = gst_parse_launch (desc, &err);
  g_free (desc);
  if (err) {                    /* also set for a missing element */
    g_clear_object (&d->pipeline);
    g_printerr ("cannot build the pipeline: %s\n(is the plugin on "
        "GST_PLUGIN_PATH? try: gst-inspect-1.0 cnnclassify)\n", err->message);
    g_clear_error (&err);
    return FALSE;
  }
  GstElement *cls = gst_bin_get_by_name (GST_BIN (d->pipeline), "cls");
  if (d->model)
    g_object_set (cls, "model", d->model, NULL);
  if (d->threads >= 0)
    g_object_set (cls, "threads", d->threads, NULL);
  g_object_set (cls, "post-messages", TRUE, NULL);
  gst_object_unref (cls);

  GstElement *src = gst_bin_get_by_name (GST_BIN (d->pipeline), "src");
  GstCaps *caps = gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, "GRAY8",
      "width", G_TYPE_INT, d->set.cols, "height", G_TYPE_INT, d->set.rows,
      "framerate", GST_TYPE_FRACTION, d->fps, 1, NULL);
  GstAppSrcCallbacks cb = { need_data, NULL, NULL, {NULL} };
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME,
      "block", FALSE, NULL);
  gst_app_src_set_callbacks (GST_APP_SRC (src), &cb, d, NULL);
  gst_caps_unref (caps);
  gst_object_unref (src);

  GstBus *bus = gst_element_get_bus (d->pipeline);
  gst_bus_set_sync_handler (bus, bus_sync, d, NULL);
  gst_bus_add_watch (bus, bus_watch, d);
  gst_object_unref (bus);
  return TRUE;
}

/* Prints the final figures; returns the exit status. */
static int
report (Demo * d)
{
  gint results, correct;
  gdouble secs;
  gsize sent = d->interrupted ? d->next : d->n;
  snapshot (d, &results, &correct, &secs);
  progress (d);
  if (d->tty)
    g_print ("\n");
  if (sent == 0 || results == 0) {
    g_printerr ("no results: did cnnclassify post its messages?\n");
    return 1;
  }
  gdouble acc = (gdouble) correct / sent;
  g_print ("frames %" G_GSIZE_FORMAT ", results %d, correct %d\n", sent,
      results, correct);
  g_print ("accuracy %.4f\n", acc);
  g_print ("frames per second %.1f (%.2f s)\n", secs > 0 ? results / secs : 0,
      secs);
  if (d->unmatched)
    g_printerr ("%d messages did not match a frame\n", d->unmatched);
  if (d->failed || (gsize) results != sent) {
    g_printerr ("FAIL: %" G_GSIZE_FORMAT " frames without a result\n",
        sent - MIN ((gsize) results, sent));
    return 1;
  }
  if (d->min_accuracy > 0 && acc < d->min_accuracy) {
    g_printerr ("FAIL: accuracy %.4f below %.4f\n", acc, d->min_accuracy);
    return 1;
  }
  return 0;
}

static gboolean
parse_options (Demo * d, int *argc, char ***argv)
{
  GOptionEntry entries[] = {
    {"model", 'm', 0, G_OPTION_ARG_FILENAME, &d->model,
        "ONNX model (default: the element's default model)", "FILE"},
    {"data", 0, 0, G_OPTION_ARG_FILENAME, &d->data,
        "Fashion-MNIST folder (default " "$FASHION_MNIST_DIR or Debian's)",
        "DIR"},
    {"limit", 'n', 0, G_OPTION_ARG_INT, &d->limit,
        "Stream only the first N test images", "N"},
    {"threads", 't', 0, G_OPTION_ARG_INT, &d->threads,
        "cnnclassify threads (0 = all cores)", "N"},
    {"display", 'd', 0, G_OPTION_ARG_NONE, &d->display,
        "Show the frames with the overlay in a window", NULL},
    {"fps", 0, 0, G_OPTION_ARG_INT, &d->fps,
        "Frame rate (paces the window with --display; default 30)", "N"},
    {"scale", 0, 0, G_OPTION_ARG_INT, &d->scale,
        "Zoom factor of the window with --display (default 12)", "N"},
    {"min-accuracy", 0, 0, G_OPTION_ARG_DOUBLE, &d->min_accuracy,
        "Exit with status 1 below this accuracy", "X"},
    {NULL}
  };
  GError *err = NULL;
  GOptionContext *ctx = g_option_context_new ("- stream the Fashion-MNIST "
      "test set through cnnclassify and score it");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  gboolean ok = g_option_context_parse (ctx, argc, argv, &err);
  g_option_context_free (ctx);
  if (!ok) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
    return FALSE;
  }
  if (d->fps < 1 || d->scale < 1 || d->limit < 0) {
    g_printerr ("--fps and --scale must be >= 1, --limit >= 0\n");
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  Demo d = { .threads = -1, .fps = 30, .scale = 12 };
  char err[512];
  int rc = 1;

  if (!parse_options (&d, &argc, &argv))
    return 2;
  gst_init (&argc, &argv);
  if (fmnist_load (d.data ? d.data : fmnist_default_dir (), "t10k", &d.set,
          err, sizeof err) != 0) {
    g_printerr ("SKIP: Fashion-MNIST not readable (apt install "
        "dataset-fashion-mnist): %s\n", err);
    return 77;
  }
  d.n = d.limit > 0 ? MIN ((gsize) d.limit, d.set.count) : d.set.count;
  d.pred = g_malloc (d.n);
  memset (d.pred, -1, d.n);
  g_mutex_init (&d.lock);
  d.loop = g_main_loop_new (NULL, FALSE);
  if (build_pipeline (&d)) {
    g_print ("streaming %" G_GSIZE_FORMAT " Fashion-MNIST test images "
        "through cnnclassify%s\n", d.n, d.display ? " (display)" : "");
    d.tty = isatty (1);
    guint prog = g_timeout_add (d.tty ? 200 : 2000, progress, &d);
    g_unix_signal_add (SIGINT, on_sigint, &d);
    if (gst_element_set_state (d.pipeline, GST_STATE_PLAYING)
        == GST_STATE_CHANGE_FAILURE)
      print_start_error (&d);
    else
      g_main_loop_run (d.loop);
    g_source_remove (prog);
    gst_element_set_state (d.pipeline, GST_STATE_NULL);
    rc = report (&d);
    gst_object_unref (d.pipeline);
  }
  g_main_loop_unref (d.loop);
  g_mutex_clear (&d.lock);
  g_free (d.pred);
  g_free (d.model);
  g_free (d.data);
  fmnist_free (&d.set);
  return rc;
}
