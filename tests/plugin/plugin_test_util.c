/* plugin_test_util.c — see plugin_test_util.h.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "plugin_test_util.h"

#include <gst/cnn/cnnmeta.h>
#include <math.h>
#include <string.h>

gchar *
test_model_path (const gchar * name)
{
  return g_build_filename (TEST_MODELS_DIR, name, NULL);
}

static void
set_props (GstElement * e, const gchar * props)
{
  gchar **parts;

  if (props == NULL)
    return;
  parts = g_strsplit (props, " ", -1);
  for (guint i = 0; parts[i]; i++) {
    gchar *eq = strchr (parts[i], '=');
    if (eq == NULL)
      continue;
    *eq = '\0';
    gst_util_set_object_arg (G_OBJECT (e), parts[i], eq + 1);
  }
  g_strfreev (parts);
}

GstHarness *
harness_new_with_model (const gchar * factory, const gchar * model,
    const gchar * props)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  GstBus *bus = gst_bus_new ();
  GstHarness *h;

  fail_unless (e != NULL, "no element %s", factory);
  if (model != NULL) {
    gchar *path = test_model_path (model);
    g_object_set (e, "model", path, NULL);
    g_free (path);
  }
  set_props (e, props);
  gst_element_set_bus (e, bus);
  gst_object_unref (bus);
  h = gst_harness_new_with_element (e, "sink", "src");
  gst_object_unref (e);
  return h;
}

void
harness_teardown (GstHarness * h)
{
  GstBus *bus = gst_element_get_bus (h->element);

  if (bus != NULL) {
    gst_bus_set_flushing (bus, TRUE);
    gst_object_unref (bus);
  }
  gst_harness_teardown (h);
}

void
harness_set_video_caps (GstHarness * h, GstVideoFormat format, gint width,
    gint height)
{
  GstVideoInfo info;

  gst_video_info_set_format (&info, format, width, height);
  GST_VIDEO_INFO_FPS_N (&info) = 30;
  GST_VIDEO_INFO_FPS_D (&info) = 1;
  gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
}

void
harness_negotiate_allocation (GstHarness * h)
{
  /* the harness negotiates allocation when asked for its first buffer */
  gst_buffer_unref (gst_harness_create_buffer (h, 1));
}

static guint32
solid (gint x, gint y, gpointer data)
{
  return GPOINTER_TO_UINT (data);
}

GstBuffer *
make_frame (GstVideoFormat format, gint width, gint height, guint32 rgb,
    guint pad, guint index)
{
  return make_frame_func (format, width, height, solid,
      GUINT_TO_POINTER (rgb), pad, index);
}

static GstBuffer *
make_rgb (gint width, gint height, guint32 (*color) (gint, gint, gpointer),
    gpointer data, GstVideoInfo * info)
{
  GstBuffer *buf;
  GstVideoFrame f;

  gst_video_info_set_format (info, GST_VIDEO_FORMAT_RGB, width, height);
  buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  gst_video_frame_map (&f, info, buf, GST_MAP_WRITE);
  for (gint y = 0; y < height; y++) {
    guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f, 0) +
        (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
    for (gint x = 0; x < width; x++) {
      guint32 c = color (x, y, data);
      row[3 * x] = c >> 16;
      row[3 * x + 1] = (c >> 8) & 0xff;
      row[3 * x + 2] = c & 0xff;
    }
  }
  gst_video_frame_unmap (&f);
  return buf;
}

GstBuffer *
make_frame_func (GstVideoFormat format, gint width, gint height,
    guint32 (*color) (gint x, gint y, gpointer data), gpointer data,
    guint pad, guint index)
{
  GstVideoInfo rgb_info, info;
  GstBuffer *rgb = make_rgb (width, height, color, data, &rgb_info);
  GstBuffer *buf;
  GstVideoFrame in, out;
  GstVideoConverter *conv;
  GstMapInfo map;

  gst_video_info_set_format (&info, format, width, height);
  if (pad > 0) {
    GstVideoAlignment align;
    gst_video_alignment_reset (&align);
    align.padding_right = pad;
    fail_unless (gst_video_info_align (&info, &align));
  }
  buf = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  memset (map.data, 0x5a, map.size);    /* padding bytes are not zero */
  gst_buffer_unmap (buf, &map);
  gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, format,
      width, height, GST_VIDEO_INFO_N_PLANES (&info), info.offset,
      info.stride);

  conv = gst_video_converter_new (&rgb_info, &info, NULL);
  gst_video_frame_map (&in, &rgb_info, rgb, GST_MAP_READ);
  gst_video_frame_map (&out, &info, buf, GST_MAP_WRITE);
  gst_video_converter_frame (conv, &in, &out);
  gst_video_frame_unmap (&out);
  gst_video_frame_unmap (&in);
  gst_video_converter_free (conv);
  gst_buffer_unref (rgb);

  GST_BUFFER_PTS (buf) = gst_util_uint64_scale (index, GST_SECOND, 30);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale (1, GST_SECOND, 30);
  return buf;
}

gboolean
buffers_equal (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo ma, mb;
  gboolean eq;

  gst_buffer_map (a, &ma, GST_MAP_READ);
  gst_buffer_map (b, &mb, GST_MAP_READ);
  eq = ma.size == mb.size && memcmp (ma.data, mb.data, ma.size) == 0;
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  return eq;
}

const gchar *
meta_top_label (GstBuffer * buf, gfloat * score_out)
{
  GstCnnClassificationMeta *meta =
      gst_buffer_get_cnn_classification_meta (buf);
  const gchar *label = NULL;

  if (meta == NULL)
    return NULL;
  if (!gst_cnn_classification_meta_get_top (meta, NULL, &label, score_out))
    return "";
  return label;
}

GstMessage *
pop_cnn_message (GstHarness * h)
{
  GstBus *bus = gst_element_get_bus (h->element);
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT)) != NULL) {
    if (gst_message_has_name (msg, "cnnclassify"))
      break;
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return msg;
}

void
check_cnn_message (GstMessage * msg, const gchar * label, gint id, gdouble conf,
    GstClockTime ts, guint n_top)
{
  fail_unless_equals_int (cnn_message_n_results (msg), 1);
  check_cnn_result (gst_message_get_structure (msg), label, id, conf, ts,
      n_top);
}

guint
cnn_message_n_results (GstMessage * msg)
{
  const GValue *earlier = gst_structure_get_value (gst_message_get_structure
      (msg), "earlier-results");

  return earlier ? 1 + gst_value_array_get_size (earlier) : 1;
}

const GstStructure *
cnn_message_result (GstMessage * msg, guint i)
{
  const GstStructure *s = gst_message_get_structure (msg);
  const GValue *earlier = gst_structure_get_value (s, "earlier-results");
  guint n_earlier = earlier ? gst_value_array_get_size (earlier) : 0;

  fail_unless (i <= n_earlier, "result %u of %u", i, n_earlier + 1);
  if (i == n_earlier)
    return s;
  fail_unless (G_VALUE_HOLDS (gst_value_array_get_value (earlier, i),
          GST_TYPE_STRUCTURE));
  return gst_value_get_structure (gst_value_array_get_value (earlier, i));
}

void
check_cnn_result (const GstStructure * s, const gchar * label, gint id,
    gdouble conf, GstClockTime ts, guint n_top)
{
  const GValue *labels, *ids, *scores;
  guint64 t;
  gint cid;
  gdouble c;

  fail_unless_equals_string (gst_structure_get_string (s, "label"), label);
  fail_unless (gst_structure_get_int (s, "class-id", &cid));
  fail_unless_equals_int (cid, id);
  fail_unless (gst_structure_get_double (s, "confidence", &c));
  fail_unless (fabs (c - conf) < 1e-4, "confidence %f vs %f", c, conf);
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &t));
  fail_unless_equals_uint64 (t, ts);
  fail_unless (gst_structure_get_uint64 (s, "stream-time", &t));
  fail_unless_equals_uint64 (t, ts);
  fail_unless (gst_structure_get_uint64 (s, "running-time", &t));
  fail_unless_equals_uint64 (t, ts);
  fail_unless (gst_structure_get_uint64 (s, "duration", &t));
  fail_unless_equals_uint64 (t, gst_util_uint64_scale (1, GST_SECOND, 30));
  labels = gst_structure_get_value (s, "top-labels");
  ids = gst_structure_get_value (s, "top-ids");
  scores = gst_structure_get_value (s, "top-scores");
  fail_unless (labels && ids && scores);
  fail_unless_equals_int (gst_value_array_get_size (labels), n_top);
  fail_unless_equals_int (gst_value_array_get_size (ids), n_top);
  fail_unless_equals_int (gst_value_array_get_size (scores), n_top);
  if (n_top > 0) {
    fail_unless_equals_string (g_value_get_string (gst_value_array_get_value
            (labels, 0)), label);
    fail_unless_equals_int (g_value_get_int (gst_value_array_get_value (ids,
                0)), id);
  }
}
