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

/* Structure and field names as quarks, looked up once: gst_structure_new
 * and the string variant of the ROI meta take GLib's global quark lock
 * and hash every name again, per frame. */
typedef struct
{
  GQuark cnnclassify, timestamp, stream_time, running_time, duration, label,
      class_id, confidence, top_labels, top_ids, top_scores, earlier,
      roi_params, label_id, unclassified;
} CnnQuarks;

static const CnnQuarks *
quarks (void)
{
  static CnnQuarks q;
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    q.cnnclassify = g_quark_from_static_string ("cnnclassify");
    q.timestamp = g_quark_from_static_string ("timestamp");
    q.stream_time = g_quark_from_static_string ("stream-time");
    q.running_time = g_quark_from_static_string ("running-time");
    q.duration = g_quark_from_static_string ("duration");
    q.label = g_quark_from_static_string ("label");
    q.class_id = g_quark_from_static_string ("class-id");
    q.confidence = g_quark_from_static_string ("confidence");
    q.top_labels = g_quark_from_static_string ("top-labels");
    q.top_ids = g_quark_from_static_string ("top-ids");
    q.top_scores = g_quark_from_static_string ("top-scores");
    q.earlier = g_quark_from_static_string ("earlier-results");
    q.roi_params = g_quark_from_static_string ("cnn-classification");
    q.label_id = g_quark_from_static_string ("label_id");
    q.unclassified = g_quark_from_static_string (CNN_UNCLASSIFIED_LABEL);
    g_once_init_leave (&done, 1);
  }
  return &q;
}

/* Top-1 label as a quark, or CNN_UNCLASSIFIED_LABEL's. */
static GQuark
top_label_quark (const CnnTopK * top, const CnnEngine * engine)
{
  return top->n ? engine->labels[top->ids[0]] : quarks ()->unclassified;
}

const gchar *
cnn_top_label (const CnnTopK * top, const CnnEngine * engine)
{
  return g_quark_to_string (top_label_quark (top, engine));
}

/* Initialises value as type holding *v (v itself for a string); strings
 * are quark strings, which live as long as the process: held, not
 * copied. */
static void
init_value (GValue * value, GType type, gconstpointer v)
{
  g_value_init (value, type);
  if (type == G_TYPE_STRING)
    g_value_set_static_string (value, v);
  else if (type == G_TYPE_INT)
    g_value_set_int (value, *(const gint *) v);
  else if (type == G_TYPE_UINT64)
    g_value_set_uint64 (value, *(const guint64 *) v);
  else
    g_value_set_double (value, *(const gdouble *) v);
}

static void
set_field (GstStructure * s, GQuark field, GType type, gconstpointer v)
{
  GValue value = G_VALUE_INIT;

  init_value (&value, type, v);
  gst_structure_id_take_value (s, field, &value);
}

static void
append_value (GValue * array, GType type, gconstpointer v)
{
  GValue item = G_VALUE_INIT;

  init_value (&item, type, v);
  gst_value_array_append_and_take_value (array, &item);
}

void
cnn_attach_metas (GstBuffer * buffer, const CnnTopK * top,
    const CnnEngine * engine, const CnnResult * result, gboolean stale,
    gint width, gint height)
{
  const CnnQuarks *q = quarks ();
  GstCnnClassEntry entries[CNN_MAX_TOP_K];
  GstCnnClassificationMeta *meta;
  GstVideoRegionOfInterestMeta *roi;
  GQuark label = top_label_quark (top, engine);
  GstStructure *params;
  gint label_id = top->n ? top->ids[0] : -1;
  gdouble confidence = top->n ? top->scores[0] : top->best_score;

  for (guint i = 0; i < top->n; i++) {
    entries[i].class_id = top->ids[i];
    entries[i].label = engine->labels[top->ids[i]];
    entries[i].score = top->scores[i];
  }
  meta = gst_buffer_add_cnn_classification_meta (buffer, entries, top->n,
      NULL, result->pts, result->inference_ns, stale);
  if (meta != NULL)
    meta->model = engine->name_quark;

  roi = gst_buffer_add_video_region_of_interest_meta_id (buffer, label, 0, 0,
      (guint) width, (guint) height);
  params = gst_structure_new_id_empty (q->roi_params);
  set_field (params, q->label, G_TYPE_STRING, g_quark_to_string (label));
  set_field (params, q->label_id, G_TYPE_INT, &label_id);
  set_field (params, q->confidence, G_TYPE_DOUBLE, &confidence);
  gst_video_region_of_interest_meta_add_param (roi, params);
}

static void
set_top_arrays (GstStructure * s, const CnnResultRecord * r)
{
  const CnnQuarks *q = quarks ();
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
  gst_structure_id_take_value (s, q->top_labels, &labels);
  gst_structure_id_take_value (s, q->top_ids, &ids);
  gst_structure_id_take_value (s, q->top_scores, &scores);
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
  const CnnQuarks *q = quarks ();
  GstStructure *s = gst_structure_new_id_empty (q->cnnclassify);
  const gchar *label = r->n ? g_quark_to_string (r->top[0].label)
      : CNN_UNCLASSIFIED_LABEL;
  gdouble confidence = r->confidence;

  set_field (s, q->timestamp, G_TYPE_UINT64, &r->timestamp);
  set_field (s, q->stream_time, G_TYPE_UINT64, &r->stream_time);
  set_field (s, q->running_time, G_TYPE_UINT64, &r->running_time);
  set_field (s, q->duration, G_TYPE_UINT64, &r->duration);
  set_field (s, q->label, G_TYPE_STRING, label);
  set_field (s, q->class_id, G_TYPE_INT, &r->class_id);
  set_field (s, q->confidence, G_TYPE_DOUBLE, &confidence);
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
  gst_structure_id_take_value (s, quarks ()->earlier, &earlier);
  return gst_message_new_element (src, s);
}
