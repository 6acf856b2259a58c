/* cnnsettings.h — properties of cnnclassify and cnnoverlay.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: one CnnSettings per element, guarded by the element's object
 * lock. cnn_settings_install_properties() installs every property with its
 * blurb, range and default (cnnoverlay gets only the drawing ones). The
 * streaming thread works on a snapshot (cnn_settings_snapshot) so property
 * changes while PLAYING apply from the next frame.
 */
#ifndef __CNN_SETTINGS_H__
#define __CNN_SETTINGS_H__

#include <gst/gst.h>

#include "cnnengine.h"
#include "cnnpostprocess.h"
#include "cnnrender.h"

G_BEGIN_DECLS

enum {
  CNN_PROP_0,
  /* drawing, both elements */
  CNN_PROP_FONT_DESC,
  CNN_PROP_HALIGNMENT,
  CNN_PROP_VALIGNMENT,
  CNN_PROP_COLOR,
  CNN_PROP_SHADED_BACKGROUND,
  CNN_PROP_OVERLAY_LINES,
  /* cnnclassify only */
  CNN_PROP_MODEL,
  CNN_PROP_LABELS,
  CNN_PROP_TOP_K,
  CNN_PROP_THRESHOLD,
  CNN_PROP_INTERVAL,
  CNN_PROP_ASYNC,
  CNN_PROP_THREADS,
  CNN_PROP_MAX_MEMORY,
  CNN_PROP_MEAN,
  CNN_PROP_STD,
  CNN_PROP_CHANNEL_ORDER,
  CNN_PROP_RESIZE,
  CNN_PROP_SOFTMAX,
  CNN_PROP_SMOOTHING,
  CNN_PROP_OVERLAY,
  CNN_PROP_POST_MESSAGES,
  CNN_PROP_MESSAGE_INTERVAL,
};

typedef struct {
  gchar *model_path;            /* NULL: default model */
  gchar *labels_path;
  guint top_k;
  gfloat threshold;
  guint interval;
  gboolean async;
  gint threads;
  guint64 max_memory;
  guint n_mean, n_std;
  gfloat mean[3], std[3];
  CnnChannelOrder channel_order;
  CnnResizeMode resize;
  CnnSoftmaxMode softmax;
  gfloat smoothing;
  gboolean overlay;
  guint overlay_lines;
  gboolean post_messages;
  GstClockTime message_interval;  /* see cnnposter.h */
  gchar *font_desc;
  CnnRenderStyle style;         /* style.font_desc points at font_desc */
} CnnSettings;

void cnn_settings_install_properties (GObjectClass * klass,
    gboolean classify);
void cnn_settings_init (CnnSettings * s);
void cnn_settings_clear (CnnSettings * s);
/* Copy for the streaming thread (owns its own font string). */
void cnn_settings_snapshot (const CnnSettings * s, CnnSettings * copy);
/* Returns TRUE when a property needing a model reload changed. Such
 * properties are refused (with a warning) when running is TRUE. */
gboolean cnn_settings_set (CnnSettings * s, guint prop_id,
    const GValue * value, GParamSpec * pspec, gboolean running);
void cnn_settings_get (const CnnSettings * s, guint prop_id, GValue * value,
    GParamSpec * pspec);
/* Fills config; *model and *labels receive owned copies it points to. */
void cnn_settings_engine_config (const CnnSettings * s,
    CnnEngineConfig * config, gchar ** model, gchar ** labels);
/* The model used when the model property is unset. */
const gchar *cnn_settings_default_model (void);

G_END_DECLS

#endif /* __CNN_SETTINGS_H__ */
