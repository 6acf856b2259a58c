/* embed_example.c — using cnnclassify from a C application.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: builds a pipeline around cnnclassify, reads the result of every
 * frame in two ways — the GstCnnClassificationMeta on the buffer (a pad
 * probe on the sink) and the element's "cnnclassify" bus message (a bus sync
 * handler) — and prints one JSON object per frame on stdout:
 *
 *   {"frame":0,"pts":0,"label":"Bag","class_id":8,"confidence":0.93,
 *    "stale":false,"inference_us":212,
 *    "top_k":[{"class_id":8,"label":"Bag","score":0.93},...],
 *    "message":{"label":"Bag","class_id":8,"confidence":0.93}}
 *
 * "label" is null when no class reached the threshold; "message" is null
 * when no bus message matched the frame's PTS. Diagnostics go to stderr.
 *
 *   embed-example [--model M.onnx] [--num-buffers N] [--pipeline DESC]
 *
 * DESC is a gst-launch description containing an element named "cls"
 * (cnnclassify) and one named "sink"; the default classifies a test
 * pattern. Build: cc embed_example.c $(pkg-config --cflags --libs
 * gstreamer-cnn-1.0 gstreamer-1.0).
 */
#include <gst/cnn/cnnmeta.h>
#include <gst/gst.h>
#include <stdio.h>

typedef struct {
  GMutex lock;
  GHashTable *messages;         /* PTS (guint64*) -> GstStructure* */
  guint frames;
} App;

/* Keeps each "cnnclassify" message until the probe sees its buffer. Called
 * from the streaming thread, before the buffer travels downstream (with
 * message-interval=0, set below). */
static GstBusSyncReply
bus_sync (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  App *app = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  GstClockTime ts;
  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT || !s
      || !gst_structure_has_name (s, "cnnclassify")
      || !gst_structure_get_clock_time (s, "timestamp", &ts))
    return GST_BUS_PASS;
  g_mutex_lock (&app->lock);
  g_hash_table_replace (app->messages, g_memdup2 (&ts, sizeof ts),
      gst_structure_copy (s));
  g_mutex_unlock (&app->lock);
  gst_message_unref (msg);      /* a handler returning DROP owns the message */
  return GST_BUS_DROP;
}

/* Appends s as a JSON string literal (or null). */
static void
json_string (GString * out, const gchar * s)
{
  if (!s) {
    g_string_append (out, "null");
    return;
  }
  g_string_append_c (out, '"');
  for (const guchar * p = (const guchar *) s; *p; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf (out, "\\%c", *p);
    else if (*p < 0x20)
      g_string_append_printf (out, "\\u%04x", *p);
    else
      g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
}

static void
json_meta (GString * out, const GstCnnClassificationMeta * meta)
{
  gint id = -1;
  const gchar *label = NULL;
  gfloat score = 0;
  gboolean top = gst_cnn_classification_meta_get_top (meta, &id, &label,
      &score);
  g_string_append (out, ",\"label\":");
  json_string (out, top ? label : NULL);
  g_string_append_printf (out, ",\"class_id\":%d,\"confidence\":%.6f,"
      "\"stale\":%s,\"inference_us\":%" G_GUINT64_FORMAT ",\"top_k\":[",
      top ? id : -1, top ? score : 0.0, meta->stale ? "true" : "false",
      meta->inference_ns / 1000);
  for (guint i = 0; i < meta->n_entries; i++) {
    const GstCnnClassEntry *e = gst_cnn_classification_meta_get_entry (meta,
        i);
    g_string_append_printf (out, "%s{\"class_id\":%d,\"label\":",
        i ? "," : "", e->class_id);
    json_string (out, g_quark_to_string (e->label));
    g_string_append_printf (out, ",\"score\":%.6f}", e->score);
  }
  g_string_append_c (out, ']');
}

static void
json_message (GString * out, const GstStructure * s)
{
  gint id = -1;
  gdouble conf = 0;
  if (!s) {
    g_string_append (out, ",\"message\":null");
    return;
  }
  /* The element posts class-id as int and confidence as double. */
  gst_structure_get_int (s, "class-id", &id);
  gst_structure_get_double (s, "confidence", &conf);
  g_string_append (out, ",\"message\":{\"label\":");
  json_string (out, gst_structure_get_string (s, "label"));
  g_string_append_printf (out, ",\"class_id\":%d,\"confidence\":%.6f}", id,
      conf);
}

/* Pad probe on the sink: one JSON line per buffer. */
static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  App *app = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  GstCnnClassificationMeta *meta = gst_buffer_get_cnn_classification_meta (buf);
  GString *line = g_string_new (NULL);

  g_mutex_lock (&app->lock);
  gpointer key = NULL, value = NULL;
  if (g_hash_table_steal_extended (app->messages, &pts, &key, &value))
    g_free (key);
  GstStructure *msg = value;
  guint frame = app->frames++;
  g_mutex_unlock (&app->lock);

  g_string_append_printf (line, "{\"frame\":%u,\"pts\":", frame);
  if (GST_CLOCK_TIME_IS_VALID (pts))
    g_string_append_printf (line, "%" G_GUINT64_FORMAT, pts);
  else
    g_string_append (line, "null");
  if (meta)
    json_meta (line, meta);
  else
    g_string_append (line, ",\"label\":null,\"top_k\":[]");
  json_message (line, msg);
  g_string_append (line, "}\n");
  fputs (line->str, stdout);
  fflush (stdout);
  g_string_free (line, TRUE);
  if (msg)
    gst_structure_free (msg);
  return GST_PAD_PROBE_OK;
}

/* Runs the pipeline to EOS; returns FALSE on an error message. */
static gboolean
run (GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gboolean ok = gst_element_set_state (pipeline, GST_STATE_PLAYING)
      != GST_STATE_CHANGE_FAILURE;
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, ok ? GST_CLOCK_TIME_NONE
      : 0, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (msg && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *dbg = NULL;
    gst_message_parse_error (msg, &err, &dbg);
    g_printerr ("ERROR from %s: %s\n%s\n", GST_OBJECT_NAME (msg->src),
        err->message, dbg ? dbg : "");
    g_clear_error (&err);
    g_free (dbg);
    ok = FALSE;
  } else if (!msg) {
    g_printerr ("the pipeline failed to start\n");
    ok = FALSE;
  }
  if (msg)
    gst_message_unref (msg);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return ok;
}

/* Parses DESC and wires the probe and the bus handler. */
static GstElement *
build (const gchar * desc, const gchar * model, App * app)
{
  GError *err = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &err);
  if (err) {
    g_printerr ("cannot build \"%s\": %s\n", desc, err->message);
    g_clear_error (&err);
    g_clear_object (&pipeline);
    return NULL;
  }
  GstElement *cls = gst_bin_get_by_name (GST_BIN (pipeline), "cls");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (!cls || !sink) {
    g_printerr ("the pipeline needs elements named \"cls\" and \"sink\"\n");
    g_clear_object (&cls);
    g_clear_object (&sink);
    gst_object_unref (pipeline);
    return NULL;
  }
  if (model)
    g_object_set (cls, "model", model, NULL);
  /* message-interval=0: each message is posted before its buffer leaves
   * cnnclassify, so the probe finds it (by default, results of frames less
   * than 10 ms apart are posted together, up to 10 ms later) */
  g_object_set (cls, "post-messages", TRUE, "message-interval",
      G_GUINT64_CONSTANT (0), NULL);
  GstPad *pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, app, NULL);
  gst_object_unref (pad);
  gst_object_unref (cls);
  gst_object_unref (sink);

  GstBus *bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, bus_sync, app, NULL);
  gst_object_unref (bus);
  return pipeline;
}

int
main (int argc, char **argv)
{
  gchar *model = NULL, *desc = NULL;
  gint num_buffers = 10;
  GOptionEntry entries[] = {
    {"model", 'm', 0, G_OPTION_ARG_FILENAME, &model, "ONNX model", "FILE"},
    {"num-buffers", 'n', 0, G_OPTION_ARG_INT, &num_buffers,
        "Frames of the default test pattern (default 10)", "N"},
    {"pipeline", 'p', 0, G_OPTION_ARG_STRING, &desc,
        "Pipeline with elements named cls and sink", "DESC"},
    {NULL}
  };
  GError *err = NULL;
  GOptionContext *ctx = g_option_context_new ("- print cnnclassify results "
      "as JSON lines");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  gst_init (&argc, &argv);
  if (!desc)
    desc = g_strdup_printf ("videotestsrc num-buffers=%d ! video/x-raw,"
        "width=320,height=240 ! cnnclassify name=cls ! fakesink name=sink",
        num_buffers);

  App app = { 0 };
  g_mutex_init (&app.lock);
  app.messages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
      (GDestroyNotify) gst_structure_free);
  GstElement *pipeline = build (desc, model, &app);
  gboolean ok = pipeline && run (pipeline);
  if (pipeline)
    gst_object_unref (pipeline);
  g_printerr ("%u frames\n", app.frames);
  g_hash_table_unref (app.messages);
  g_mutex_clear (&app.lock);
  g_free (model);
  g_free (desc);
  return ok && app.frames > 0 ? 0 : 1;
}
