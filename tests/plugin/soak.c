/* soak.c — stream many frames through cnnclassify and watch the resident
 * set size: after warm-up it must stay flat.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pipeline: videotestsrc pattern=ball (moving content, so results vary)
 * ! video/x-raw,format=F,width=W,height=H ! cnnclassify PROPS ! fakesink.
 * Every --every frames a pad probe on the sink reads VmRSS from
 * /proc/self/status; the sample after --warmup frames is the baseline.
 * The main thread drains the bus (the element posts one message per new
 * result). Exit status 0 when all frames arrived, at most
 * --allow-unclassified lacked classification meta, at least
 * --min-messages results were posted and the growth after warm-up is at
 * most --limit-kb; 1 otherwise. Run through soak.sh.
 */
#include <gst/gst.h>
#include <gst/cnn/cnnmeta.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  gint64 frames, every, warmup;
  guint64 frames_seen, frames_without_meta;
  guint64 baseline_kb, last_kb, peak_kb;
  gint64 t_start;
} Soak;

static guint64
rss_kb (void)
{
  gchar *status = NULL, *line;
  guint64 kb = 0;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  if (line != NULL)
    kb = g_ascii_strtoull (line + 6, NULL, 10);
  g_free (status);
  return kb;
}

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Soak *s = data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint64 n = ++s->frames_seen;

  if (gst_buffer_get_cnn_classification_meta (buf) == NULL)
    s->frames_without_meta++;
  if (n % s->every == 0) {
    guint64 kb = rss_kb ();
    gdouble secs = (g_get_monotonic_time () - s->t_start) / 1e6;
    if (n == (guint64) s->warmup)
      s->baseline_kb = kb;
    s->last_kb = kb;
    if (s->baseline_kb > 0)
      s->peak_kb = MAX (s->peak_kb, kb);
    g_print ("frame %8" G_GUINT64_FORMAT "  VmRSS %8" G_GUINT64_FORMAT
        " kB  %+7" G_GINT64_FORMAT " kB since warm-up  %.0f frames/s\n", n,
        kb, s->baseline_kb ? (gint64) kb - (gint64) s->baseline_kb : 0,
        n / MAX (secs, 1e-3));
  }
  return GST_PAD_PROBE_OK;
}

/* Runs to EOS; returns the number of results the cnnclassify messages
 * carry, -1 on error. */
static gint64
run (GstElement * pipe)
{
  GstBus *bus = gst_element_get_bus (pipe);
  gint64 n_msgs = 0;
  gboolean done = FALSE;

  gst_element_set_state (pipe, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop (bus, GST_CLOCK_TIME_NONE);
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_ERROR:{
        GError *err = NULL;
        gchar *dbg = NULL;
        gst_message_parse_error (m, &err, &dbg);
        g_printerr ("error from %s: %s (%s)\n", GST_OBJECT_NAME (m->src),
            err->message, dbg ? dbg : "");
        g_error_free (err);
        g_free (dbg);
        n_msgs = -1;
        done = TRUE;
        break;
      }
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ELEMENT:
        if (gst_message_has_name (m, "cnnclassify")) {
          const GValue *earlier = gst_structure_get_value
              (gst_message_get_structure (m), "earlier-results");
          /* results: the message's own and those it carries */
          n_msgs += 1 + (earlier ? gst_value_array_get_size (earlier) : 0);
        }
        break;
      default:
        break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipe, GST_STATE_NULL);
  gst_object_unref (bus);
  return n_msgs;
}

/* The soak pipeline (printed), with on_buffer probing the sink's pad;
 * NULL, with a message, when it cannot be built. */
static GstElement *
make_pipeline (Soak * s, const gchar * format, gint width, gint height,
    const gchar * props)
{
  GError *error = NULL;
  GstElement *pipe, *sink;
  GstPad *pad;
  gchar *launch = g_strdup_printf ("videotestsrc pattern=ball num-buffers=%"
      G_GINT64_FORMAT " ! video/x-raw,format=%s,width=%d,height=%d,"
      "framerate=30/1 ! cnnclassify %s ! fakesink name=sink", s->frames,
      format ? format : "I420", width, height, props ? props : "");

  g_print ("%s\n", launch);
  pipe = gst_parse_launch (launch, &error);
  g_free (launch);
  if (pipe == NULL || error != NULL) {
    g_printerr ("cannot build the pipeline: %s\n", error ? error->message :
        "?");
    g_clear_error (&error);
    if (pipe != NULL)
      gst_object_unref (pipe);
    return NULL;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipe), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, s, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);
  return pipe;
}

int
main (int argc, char **argv)
{
  Soak s = { 100000, 5000, 10000 };
  gint width = 320, height = 240, limit_kb = 1024;
  gint64 min_messages = -1, allow_unclassified = 0;
  gchar *format = NULL, *props = NULL;
  GOptionEntry entries[] = {
    {"frames", 'n', 0, G_OPTION_ARG_INT64, &s.frames, "frames (100000)",
        "N"},
    {"every", 0, 0, G_OPTION_ARG_INT64, &s.every, "sample RSS every N "
          "frames (5000)", "N"},
    {"warmup", 0, 0, G_OPTION_ARG_INT64, &s.warmup, "baseline after N "
          "frames, a multiple of --every (10000)", "N"},
    {"width", 0, 0, G_OPTION_ARG_INT, &width, "width (320)", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &height, "height (240)", "H"},
    {"format", 0, 0, G_OPTION_ARG_STRING, &format, "format (I420)", "F"},
    {"props", 0, 0, G_OPTION_ARG_STRING, &props, "cnnclassify properties, "
          "e.g. \"model=m.onnx overlay=true\"", "P"},
    {"limit-kb", 0, 0, G_OPTION_ARG_INT, &limit_kb, "allowed growth after "
          "warm-up (1024)", "KB"},
    {"min-messages", 0, 0, G_OPTION_ARG_INT64, &min_messages, "fewest bus "
          "results in messages (default: one per frame; async/interval post "
          "fewer)", "N"},
    {"allow-unclassified", 0, 0, G_OPTION_ARG_INT64, &allow_unclassified,
        "frames allowed without meta (0; async needs a few)", "N"},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- cnnclassify soak test");
  GError *error = NULL;
  GstElement *pipe;
  gint64 n_msgs;
  gint64 growth;
  gboolean ok;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  g_option_context_free (ctx);
  if (s.every < 1 || s.warmup < s.every || s.warmup % s.every != 0 ||
      s.frames < s.warmup + s.every) {
    g_printerr ("need 1 <= every <= warmup (a multiple of every) < frames\n");
    return 2;
  }
  pipe = make_pipeline (&s, format, width, height, props);
  if (pipe == NULL)
    return 2;

  s.t_start = g_get_monotonic_time ();
  n_msgs = run (pipe);
  gst_object_unref (pipe);

  growth = (gint64) s.last_kb - (gint64) s.baseline_kb;
  g_print ("frames %" G_GUINT64_FORMAT ", results in messages %" G_GINT64_FORMAT
      ", without meta %" G_GUINT64_FORMAT "; VmRSS after warm-up %"
      G_GUINT64_FORMAT " kB, at the end %" G_GUINT64_FORMAT " kB (%+"
      G_GINT64_FORMAT " kB), peak %" G_GUINT64_FORMAT " kB; limit %d kB; "
      "%.1f s\n", s.frames_seen, n_msgs, s.frames_without_meta,
      s.baseline_kb, s.last_kb, growth, s.peak_kb, limit_kb,
      (g_get_monotonic_time () - s.t_start) / 1e6);
  if (min_messages < 0)
    min_messages = s.frames;
  ok = n_msgs >= min_messages && n_msgs <= s.frames &&
      s.frames_seen == (guint64) s.frames &&
      s.frames_without_meta <= (guint64) allow_unclassified &&
      s.baseline_kb > 0 &&
      (gint64) s.peak_kb - (gint64) s.baseline_kb <= limit_kb;
  g_print ("%s\n", ok ? "PASS" : "FAIL");
  g_free (format);
  g_free (props);
  return ok ? 0 : 1;
}
