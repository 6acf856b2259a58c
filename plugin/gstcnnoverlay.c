/* gstcnnoverlay.c — cnnoverlay: draw classification metadata on video.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: an in-place GstVideoFilter that reads GstCnnClassificationMeta
 * from each buffer and draws it with the renderer cnnclassify uses
 * (cnnrender.c). Buffers without the meta pass through untouched. The
 * overlay is attached as GstVideoOverlayCompositionMeta when downstream
 * announces support for it in the allocation query, else blended.
 */

/**
 * SECTION:element-cnnoverlay
 * @title: cnnoverlay
 *
 * Draws the label and confidence found in GstCnnClassificationMeta (set by
 * cnnclassify upstream) onto the video. Because the meta survives
 * videoconvert and videoscale, a pipeline can classify a small copy of the
 * video and draw on the full-resolution one.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! video/x-raw,width=1280,height=720 ! videoscale ! video/x-raw,width=224,height=224 ! cnnclassify ! videoscale ! video/x-raw,width=1280,height=720 ! cnnoverlay overlay-lines=3 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcnnoverlay.h"

#include <gst/cnn/cnnmeta.h>

#include "cnnrender.h"
#include "cnnsettings.h"

GST_DEBUG_CATEGORY_STATIC (gst_cnn_overlay_debug);
#define GST_CAT_DEFAULT gst_cnn_overlay_debug

struct _GstCnnOverlay {
  GstVideoFilter parent;

  CnnSettings settings;         /* drawing properties, object lock */
  gboolean attach_overlay;      /* object lock */
  CnnRender *render;            /* streaming thread */
};

#define VIDEO_FORMATS "{ RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, " \
  "ARGB, ABGR, I420, YV12, NV12, NV21, YUY2, UYVY, GRAY8, Y444, Y42B, AYUV }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)));

#define gst_cnn_overlay_parent_class parent_class
G_DEFINE_TYPE (GstCnnOverlay, gst_cnn_overlay, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (cnnoverlay, "cnnoverlay",
    GST_RANK_NONE, GST_TYPE_CNN_OVERLAY,
    GST_DEBUG_CATEGORY_INIT (gst_cnn_overlay_debug, "cnnoverlay", 0,
        "CNN classification overlay"));

static gboolean
gst_cnn_overlay_start (GstBaseTransform * trans)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (trans);

  self->render = cnn_render_new ();
  return TRUE;
}

static gboolean
gst_cnn_overlay_stop (GstBaseTransform * trans)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (trans);

  cnn_render_free (self->render);
  self->render = NULL;
  return TRUE;
}

static gboolean
gst_cnn_overlay_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (trans);
  gboolean ret, attach;

  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation (trans,
      decide_query, query);
  attach = ret && gst_query_find_allocation_meta (query,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  GST_OBJECT_LOCK (self);
  self->attach_overlay = attach;
  GST_OBJECT_UNLOCK (self);
  return ret;
}

static GstFlowReturn
gst_cnn_overlay_transform_frame_ip (GstVideoFilter * filter,
    GstVideoFrame * frame)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (filter);
  GstCnnClassificationMeta *meta =
      gst_buffer_get_cnn_classification_meta (frame->buffer);
  const gchar *labels[CNN_RENDER_MAX_LINES];
  gchar *lines[CNN_RENDER_MAX_LINES];
  gfloat scores[CNN_RENDER_MAX_LINES], bars[CNN_RENDER_MAX_LINES];
  GstVideoOverlayComposition *comp;
  CnnSettings s;
  gboolean attach;
  guint n;

  if (meta == NULL)
    return GST_FLOW_OK;
  GST_OBJECT_LOCK (self);
  cnn_settings_snapshot (&self->settings, &s);
  attach = self->attach_overlay;
  GST_OBJECT_UNLOCK (self);

  for (n = 0; n < meta->n_entries && n < s.overlay_lines
      && n < CNN_RENDER_MAX_LINES; n++) {
    labels[n] = g_quark_to_string (meta->entries[n].label);
    scores[n] = meta->entries[n].score;
    bars[n] = s.overlay_lines > 1 ? scores[n] : -1.0f;
  }
  n = cnn_render_format_lines (labels, scores, n, s.overlay_lines, lines);
  if (meta->n_entries == 0)
    bars[0] = -1.0f;
  comp = cnn_render_get (self->render, &s.style,
      (const gchar * const *) lines, bars, n, GST_VIDEO_FRAME_WIDTH (frame),
      GST_VIDEO_FRAME_HEIGHT (frame));
  for (guint i = 0; i < n; i++)
    g_free (lines[i]);
  if (comp != NULL) {
    cnn_render_apply (comp, frame, attach);
    gst_video_overlay_composition_unref (comp);
  }
  cnn_settings_clear (&s);
  return GST_FLOW_OK;
}

static void
gst_cnn_overlay_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  cnn_settings_set (&self->settings, prop_id, value, pspec, FALSE);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cnn_overlay_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (object);

  GST_OBJECT_LOCK (self);
  cnn_settings_get (&self->settings, prop_id, value, pspec);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cnn_overlay_finalize (GObject * object)
{
  GstCnnOverlay *self = GST_CNN_OVERLAY (object);

  cnn_render_free (self->render);
  cnn_settings_clear (&self->settings);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_cnn_overlay_class_init (GstCnnOverlayClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  gobject_class->set_property = gst_cnn_overlay_set_property;
  gobject_class->get_property = gst_cnn_overlay_get_property;
  gobject_class->finalize = gst_cnn_overlay_finalize;
  cnn_settings_install_properties (gobject_class, FALSE);

  gst_element_class_set_static_metadata (element_class,
      "CNN classification overlay", "Filter/Editor/Video",
      "Draws the classification found in GstCnnClassificationMeta. Example: "
      "gst-launch-1.0 videotestsrc ! video/x-raw,width=224,height=224 ! "
      "cnnclassify ! videoscale ! video/x-raw,width=1280,height=720 ! "
      "cnnoverlay ! videoconvert ! autovideosink",
      "the gst-cnn authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_cnn_overlay_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_cnn_overlay_stop);
  trans_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_cnn_overlay_propose_allocation);
  filter_class->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_cnn_overlay_transform_frame_ip);
}

static void
gst_cnn_overlay_init (GstCnnOverlay * self)
{
  cnn_settings_init (&self->settings);
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
}
