/* cnnmeta.h — GstCnnClassificationMeta: a classification result on a buffer.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: the `cnnclassify` element attaches one GstCnnClassificationMeta
 * to each buffer it has a result for. The meta holds the top-k classes whose
 * score reached the element's threshold (best first; none means
 * "unclassified"), the model name, the PTS of the frame the result was
 * computed on, the inference time and a stale flag (the result comes from an
 * earlier frame: interval > 1 or async mode). The meta has no tags, so it
 * survives buffer copies, videoconvert and videoscale unchanged (it describes
 * the whole frame). Link with pkg-config `gstreamer-cnn-1.0`.
 *
 * Example — print the top result of every buffer reaching a pad probe:
 *
 *   #include <gst/cnn/cnnmeta.h>
 *
 *   GstCnnClassificationMeta *meta =
 *       gst_buffer_get_cnn_classification_meta (buffer);
 *   if (meta != NULL) {
 *     for (guint i = 0; i < meta->n_entries; i++) {
 *       const GstCnnClassEntry *e = gst_cnn_classification_meta_get_entry (meta, i);
 *       g_print ("%u: %s (class %d) %.3f%s\n", i,
 *           g_quark_to_string (e->label), e->class_id, e->score,
 *           meta->stale ? " [stale]" : "");
 *     }
 *   }
 */
#ifndef __GST_CNN_META_H__
#define __GST_CNN_META_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#ifndef GST_CNN_META_API
#define GST_CNN_META_API extern
#endif

#define GST_CNN_CLASSIFICATION_META_API_TYPE \
  (gst_cnn_classification_meta_api_get_type ())
#define GST_CNN_CLASSIFICATION_META_INFO \
  (gst_cnn_classification_meta_get_info ())

/**
 * GstCnnClassEntry:
 * @class_id: index of the class in the model's output
 * @label: the class's label as a quark (g_quark_to_string() gives the text;
 *   the class number as text when the model has no labels)
 * @score: probability in [0,1] (after softmax and smoothing)
 */
typedef struct {
  gint class_id;
  GQuark label;
  gfloat score;
} GstCnnClassEntry;

/**
 * GstCnnClassificationMeta:
 * @meta: parent #GstMeta
 * @n_entries: number of entries (0 = no class reached the threshold)
 * @entries: the entries, best first
 * @model: the model's name (file name without folder) as a quark
 * @source_pts: PTS of the frame the result was computed on
 * @inference_ns: wall time of preprocessing + inference + postprocessing
 * @stale: TRUE when the result was computed on an earlier frame
 */
typedef struct {
  GstMeta meta;

  guint n_entries;
  GstCnnClassEntry *entries;
  GQuark model;
  GstClockTime source_pts;
  guint64 inference_ns;
  gboolean stale;
} GstCnnClassificationMeta;

GST_CNN_META_API
GType gst_cnn_classification_meta_api_get_type (void);

GST_CNN_META_API
const GstMetaInfo *gst_cnn_classification_meta_get_info (void);

/* Adds a meta with a copy of @entries (@n_entries of them, best first).
 * @model_name may be NULL. */
GST_CNN_META_API
GstCnnClassificationMeta *gst_buffer_add_cnn_classification_meta (
    GstBuffer * buffer, const GstCnnClassEntry * entries, guint n_entries,
    const gchar * model_name, GstClockTime source_pts, guint64 inference_ns,
    gboolean stale);

/* The first classification meta on @buffer, or NULL. */
#define gst_buffer_get_cnn_classification_meta(b) \
  ((GstCnnClassificationMeta *) gst_buffer_get_meta ((b), \
      GST_CNN_CLASSIFICATION_META_API_TYPE))

/* Entry @index (0 = best) or NULL when @index >= n_entries. */
GST_CNN_META_API
const GstCnnClassEntry *gst_cnn_classification_meta_get_entry (
    const GstCnnClassificationMeta * meta, guint index);

/* Top-1 result: TRUE and the fields when there is one, FALSE when the frame
 * is unclassified. Any out pointer may be NULL. */
GST_CNN_META_API
gboolean gst_cnn_classification_meta_get_top (
    const GstCnnClassificationMeta * meta, gint * class_id,
    const gchar ** label, gfloat * score);

G_END_DECLS

#endif /* __GST_CNN_META_H__ */
