/* cnnengine.h — one loaded classifier: model, session, labels, preprocessing
 * parameters resolved from properties and the model's metadata_props.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: cnn_engine_new() loads and validates everything up front (image
 * input [1,C,H,W] with C = 1 or 3, one output of N classes, N labels); any
 * failure returns NULL with a GError whose message carries the core's text.
 * After that, cnn_engine_run() only calls cnn_session_run() (no allocation).
 * An engine is used by one thread at a time. The CnnModel comes from the
 * process-wide cache (cnnmodelcache.h): engines on the same file share its
 * weights; each engine has its own session (arena, thread pool).
 */
#ifndef __CNN_ENGINE_H__
#define __CNN_ENGINE_H__

#include <glib.h>
#include <cnn/cnn.h>

G_BEGIN_DECLS

#define CNN_ENGINE_ERROR (cnn_engine_error_quark ())
GQuark cnn_engine_error_quark (void);

typedef enum {
  CNN_ENGINE_ERROR_MODEL,       /* load / session failed (core message) */
  CNN_ENGINE_ERROR_NOT_IMAGE,   /* input is not [1,C,H,W] with C = 1|3 */
  CNN_ENGINE_ERROR_LABELS,      /* unreadable labels or count mismatch */
  CNN_ENGINE_ERROR_SETTINGS,    /* mean/std/metadata values invalid */
  CNN_ENGINE_ERROR_RUN,         /* cnn_session_run failed */
} CnnEngineErrorCode;

typedef enum {
  CNN_CHANNEL_ORDER_AUTO,       /* model metadata `channel_order`, else rgb */
  CNN_CHANNEL_ORDER_RGB,
  CNN_CHANNEL_ORDER_BGR,
} CnnChannelOrder;

typedef enum {
  CNN_RESIZE_AUTO,              /* model metadata `resize`, else stretch */
  CNN_RESIZE_STRETCH,
  CNN_RESIZE_CENTER_CROP,
  CNN_RESIZE_LETTERBOX,
} CnnResizeMode;

/* What the user asked for; n_mean/n_std = 0 means "from the model". */
typedef struct {
  const gchar *model_path;
  const gchar *labels_path;     /* NULL: metadata, then <model>.labels */
  gint threads;                 /* 0 = all cores */
  guint64 max_memory;           /* bytes of weights + arena; 0 = no limit */
  guint n_mean, n_std;
  gfloat mean[3], std[3];
  CnnChannelOrder channel_order;
  CnnResizeMode resize;
} CnnEngineConfig;

typedef struct {
  CnnModel *model;
  CnnSession *session;
  gchar *name;                  /* file name of the model */
  GQuark name_quark;            /* the same, as the metas carry it */
  gint channels, width, height; /* model input [1,channels,height,width] */
  guint n_classes;
  GQuark *labels;               /* n_classes quarks */
  gfloat mean[3], std[3];       /* per model channel, resolved */
  CnnChannelOrder channel_order;        /* RGB or BGR, resolved */
  CnnResizeMode resize;         /* resolved, never AUTO */
  gint threads;                 /* the session's threads (>= 1) */
  float *input;                 /* session input, NCHW */
  const float *output;          /* session output, n_classes floats */
} CnnEngine;

CnnEngine *cnn_engine_new (const CnnEngineConfig * config, GError ** error);
void cnn_engine_free (CnnEngine * engine);
/* Call before writing a frame into engine->input: the session's idle
 * worker threads wake while the frame is converted (cnn_session_wake). */
void cnn_engine_wake (CnnEngine * engine);
gboolean cnn_engine_run (CnnEngine * engine, GError ** error);

/* Parses "0.485,0.456,0.406" (1 or 3 numbers); FALSE on anything else. */
gboolean cnn_parse_float_list (const gchar * text, gfloat * values,
    guint * n_values);

G_END_DECLS

#endif /* __CNN_ENGINE_H__ */
