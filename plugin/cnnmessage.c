/* cnnmessage.c — the three published forms of a result.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnmessage.h. Message fields: timestamp, stream-time,
 * running-time, duration (guint64 ns, GST_CLOCK_TIME_NONE when unknown),
 * label (string), class-id (int), confidence (double), and GstValueArrays
 * top-labels (strings), top-ids (ints), top-scores (doubles) holding the
 * entries that reached the threshold, best first. A message carrying
 * several results has the newest one's fields and earlier-results, a
 * GstValueArray of the others as "cnnclassify" structures, oldest first.
 */
#include "cnnmessage.h"

#include <gst/cnn/cnnmeta.h>

const gchar *
cnn_top_label (const CnnTopK * top, const CnnEngine * engine)
{
  if (top->n == 0)
    return CNN_UNCLASSIFIED_LABEL;
  return g_quark_to_string (engine->labels[top->ids[0]]);
}

void
cnn_attach_metas (GstBuffer * buffer, const CnnTopK * top,
    const CnnEngine * engine, const CnnResult * result, gboolean stale,
    gint width, gint height)
{
  GstCnnClassEntry entries[CNN_MAX_TOP_K];
  GstVideoRegionOfInterestMeta *roi;
  const gchar *label = cnn_top_label (top, engine);

  for (guint i = 0; i < top->n; i++) {
    entries[i].class_id = top->ids[i];
    entries[i].label = engine->labels[top->ids[i]];
    entries[i].score = top->scores[i];
  }
  gst_buffer_add_cnn_classification_meta (buffer, entries, top->n,
      engine->name, result->pts, result->inference_ns, stale);

  roi = gst_buffer_add_video_region_of_interest_meta (buffer, label, 0, 0,
      (guint) width, (guint) height);
  gst_video_region_of_interest_meta_add_param (roi,
      gst_structure_new ("cnn-classification",
          "label", G_TYPE_STRING, label,
          "label_id", G_TYPE_INT, top->n ? top->ids[0] : -1,
          "confidence", G_TYPE_DOUBLE,
          (gdouble) (top->n ? top->scores[0] : top->best_score), NULL));
}

static void
append_value (GValue * array, GType type, gconstpointer v)
{
  GValue item = G_VALUE_INIT;

  g_value_init (&item, type);
  if (type == G_TYPE_STRING)
    g_value_set_static_string (&item, v);
  else if (type == G_TYPE_INT)
    g_value_set_int (&item, *(const gint *) v);
  else
    g_value_set_double (&item, *(const gdouble *) v);
  gst_value_array_append_and_take_value (array, &item);
}

static void
set_top_arrays (GstStructure * s, const CnnResultRecord * r)
{
  GValue labels = G_VALUE_INIT, ids = G_VALUE_INIT, scores = G_VALUE_INIT;

  gst_value_array_init (&labels, r->n);
  gst_value_array_init (&ids, r->n);
  gst_value_array_init (&scores, r->n);
  for (guint i = 0; i < r->n; i++) {
    gdouble score = r->top[i].score;
    append_value (&labels, G_TYPE_STRING, g_quark_to_string (r->top[i].label));
    append_value (&ids, G_TYPE_INT, &r->top[i].id);
    append_value (&scores, G_TYPE_DOUBLE, &score);
  }
  gst_structure_take_value (s, "top-labels", &labels);
  gst_structure_take_value (s, "top-ids", &ids);
  gst_structure_take_value (s, "top-scores", &scores);
}

void
cnn_result_record_fill (CnnResultRecord * r, const CnnTopK * top,
    const CnnEngine * engine, const CnnResult * result,
    const GstSegment * segment, GstClockTime duration)
{
  r->timestamp = result->pts;
  r->stream_time = r->running_time = GST_CLOCK_TIME_NONE;
  if (GST_CLOCK_TIME_IS_VALID (r->timestamp)
      && segment->format == GST_FORMAT_TIME) {
    r->stream_time = gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
        r->timestamp);
    r->running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
        r->timestamp);
  }
  r->duration = duration;
  r->class_id = top->n ? top->ids[0] : -1;
  r->confidence = top->n ? top->scores[0] : top->best_score;
  r->n = top->n;
  for (guint i = 0; i < top->n; i++) {
    r->top[i].id = top->ids[i];
    r->top[i].score = top->scores[i];
    r->top[i].label = engine->labels[top->ids[i]];
  }
}

/* The fields of record, in a structure named "cnnclassify". */
static GstStructure *
record_structure (const CnnResultRecord * r)
{
  /* label strings are quark strings: they live as long as the process */
  GstStructure *s = gst_structure_new ("cnnclassify",
      "timestamp", G_TYPE_UINT64, r->timestamp,
      "stream-time", G_TYPE_UINT64, r->stream_time,
      "running-time", G_TYPE_UINT64, r->running_time,
      "duration", G_TYPE_UINT64, r->duration,
      "label", G_TYPE_STRING, r->n ? g_quark_to_string (r->top[0].label)
      : CNN_UNCLASSIFIED_LABEL,
      "class-id", G_TYPE_INT, r->class_id,
      "confidence", G_TYPE_DOUBLE, (gdouble) r->confidence, NULL);

  set_top_arrays (s, r);
  return s;
}

GstMessage *
cnn_result_record_message (GstObject * src, const CnnResultRecord * r)
{
  return gst_message_new_element (src, record_structure (r));
}

GstMessage *
cnn_result_records_message (GstObject * src, const guint8 * records,
    gsize len)
{
  GValue earlier = G_VALUE_INIT;
  const CnnResultRecord *r = (const CnnResultRecord *) records;
  gsize at = CNN_RESULT_RECORD_SIZE (r);
  GstStructure *s;

  if (at >= len)
    return cnn_result_record_message (src, r);
  gst_value_array_init (&earlier, 8);
  for (;;) {
    GValue item = G_VALUE_INIT;

    g_value_init (&item, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&item, record_structure (r));
    gst_value_array_append_and_take_value (&earlier, &item);
    r = (const CnnResultRecord *) (records + at);
    at += CNN_RESULT_RECORD_SIZE (r);
    if (at >= len)
      break;
  }
  s = record_structure (r);
  gst_structure_take_value (s, "earlier-results", &earlier);
  return gst_message_new_element (src, s);
}
