/* cnnmeta.c — GstCnnClassificationMeta registration, add/get helpers.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: the API type is registered once (thread safe) with no tags, so
 * every transform (copy, videoconvert, videoscale) keeps the meta: it
 * describes the whole frame and has no coordinates to adjust. Entries are
 * owned by the meta and freed with it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst/cnn/cnnmeta.h"

#include <string.h>

GType
gst_cnn_classification_meta_api_get_type (void)
{
  static GType type = 0;
  static const gchar *tags[] = { NULL };

  if (g_once_init_enter (&type)) {
    GType t = gst_meta_api_type_register ("GstCnnClassificationMetaAPI", tags);
    g_once_init_leave (&type, t);
  }
  return type;
}

static gboolean
cnn_meta_init (GstMeta * meta, gpointer params, GstBuffer * buffer)
{
  GstCnnClassificationMeta *cmeta = (GstCnnClassificationMeta *) meta;

  cmeta->n_entries = 0;
  cmeta->entries = NULL;
  cmeta->model = 0;
  cmeta->source_pts = GST_CLOCK_TIME_NONE;
  cmeta->inference_ns = 0;
  cmeta->stale = FALSE;
  return TRUE;
}

static void
cnn_meta_free (GstMeta * meta, GstBuffer * buffer)
{
  GstCnnClassificationMeta *cmeta = (GstCnnClassificationMeta *) meta;

  g_free (cmeta->entries);
  cmeta->entries = NULL;
  cmeta->n_entries = 0;
}

/* Copies the meta for every kind of transform: the result is about the
 * whole picture, so scaling, conversion and copies leave it valid. */
static gboolean
cnn_meta_transform (GstBuffer * dest, GstMeta * meta, GstBuffer * buffer,
    GQuark type, gpointer data)
{
  GstCnnClassificationMeta *src = (GstCnnClassificationMeta *) meta;
  GstCnnClassificationMeta *dmeta;

  dmeta = (GstCnnClassificationMeta *) gst_buffer_add_meta (dest,
      GST_CNN_CLASSIFICATION_META_INFO, NULL);
  if (dmeta == NULL)
    return FALSE;
  dmeta->n_entries = src->n_entries;
  dmeta->entries = src->n_entries ?
      g_memdup2 (src->entries, src->n_entries * sizeof (GstCnnClassEntry)) :
      NULL;
  dmeta->model = src->model;
  dmeta->source_pts = src->source_pts;
  dmeta->inference_ns = src->inference_ns;
  dmeta->stale = src->stale;
  return TRUE;
}

const GstMetaInfo *
gst_cnn_classification_meta_get_info (void)
{
  static const GstMetaInfo *info = NULL;

  if (g_once_init_enter ((GstMetaInfo **) & info)) {
    const GstMetaInfo *mi =
        gst_meta_register (GST_CNN_CLASSIFICATION_META_API_TYPE,
        "GstCnnClassificationMeta", sizeof (GstCnnClassificationMeta),
        cnn_meta_init, cnn_meta_free, cnn_meta_transform);
    g_once_init_leave ((GstMetaInfo **) & info, (GstMetaInfo *) mi);
  }
  return info;
}

GstCnnClassificationMeta *
gst_buffer_add_cnn_classification_meta (GstBuffer * buffer,
    const GstCnnClassEntry * entries, guint n_entries,
    const gchar * model_name, GstClockTime source_pts, guint64 inference_ns,
    gboolean stale)
{
  GstCnnClassificationMeta *meta;

  g_return_val_if_fail (GST_IS_BUFFER (buffer), NULL);
  g_return_val_if_fail (n_entries == 0 || entries != NULL, NULL);

  meta = (GstCnnClassificationMeta *) gst_buffer_add_meta (buffer,
      GST_CNN_CLASSIFICATION_META_INFO, NULL);
  if (meta == NULL)
    return NULL;
  meta->n_entries = n_entries;
  meta->entries = n_entries ?
      g_memdup2 (entries, n_entries * sizeof (GstCnnClassEntry)) : NULL;
  meta->model = model_name ? g_quark_from_string (model_name) : 0;
  meta->source_pts = source_pts;
  meta->inference_ns = inference_ns;
  meta->stale = stale;
  return meta;
}

const GstCnnClassEntry *
gst_cnn_classification_meta_get_entry (const GstCnnClassificationMeta * meta,
    guint index)
{
  g_return_val_if_fail (meta != NULL, NULL);

  if (index >= meta->n_entries)
    return NULL;
  return &meta->entries[index];
}

gboolean
gst_cnn_classification_meta_get_top (const GstCnnClassificationMeta * meta,
    gint * class_id, const gchar ** label, gfloat * score)
{
  g_return_val_if_fail (meta != NULL, FALSE);

  if (meta->n_entries == 0)
    return FALSE;
  if (class_id)
    *class_id = meta->entries[0].class_id;
  if (label)
    *label = g_quark_to_string (meta->entries[0].label);
  if (score)
    *score = meta->entries[0].score;
  return TRUE;
}
