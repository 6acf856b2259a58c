/* cnnengine.c — load a classifier and resolve its settings.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnengine.h. Settings resolve in this order: property, then
 * the model's ONNX metadata_props (`labels`: one label per line joined with
 * "\n"; `mean`/`std`: "0.5" or "0.485,0.456,0.406"; `channel_order`:
 * rgb|bgr|gray; `resize`: stretch|center-crop|letterbox), then built-in
 * defaults (mean 0, std 1, rgb, stretch). Labels come from the `labels` file
 * if set, else metadata, else a `<model>.labels` file beside the model, else
 * the class numbers.
 */
#include "cnnengine.h"
#include "cnnmodelcache.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (cnn-engine-error-quark, cnn_engine_error);

gboolean
cnn_parse_float_list (const gchar * text, gfloat * values, guint * n_values)
{
  gchar **parts;
  guint n, i;
  gboolean ok = TRUE;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ",", -1);
  n = g_strv_length (parts);
  if (n != 1 && n != 3)
    ok = FALSE;
  for (i = 0; ok && i < n; i++) {
    gchar *end = NULL;
    gdouble v = g_ascii_strtod (g_strstrip (parts[i]), &end);
    if (end == parts[i] || *end != '\0' || !isfinite (v))
      ok = FALSE;
    else
      values[i] = (gfloat) v;
  }
  g_strfreev (parts);
  if (ok)
    *n_values = n;
  return ok;
}

/* Splits text into labels, one per line ("\r\n" accepted); trailing empty
 * lines are dropped. Returns the number of labels. */
static guint
split_labels (const gchar * text, gchar *** labels_out)
{
  gchar **lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);

  for (guint i = 0; i < n; i++)
    g_strchomp (lines[i]);
  while (n > 0 && lines[n - 1][0] == '\0') {
    g_free (lines[n - 1]);
    lines[--n] = NULL;
  }
  *labels_out = lines;
  return n;
}

static gboolean
set_labels (CnnEngine * e, const gchar * text, const gchar * origin,
    GError ** error)
{
  gchar **lines = NULL;
  guint n = split_labels (text, &lines);

  if (n != e->n_classes) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_LABELS,
        "%s has %u labels but model '%s' has %u classes", origin, n, e->name,
        e->n_classes);
    g_strfreev (lines);
    return FALSE;
  }
  for (guint i = 0; i < n; i++)
    e->labels[i] = g_quark_from_string (lines[i]);
  g_strfreev (lines);
  return TRUE;
}

static gboolean
load_labels_file (CnnEngine * e, const gchar * path, GError ** error)
{
  gchar *text = NULL, *origin;
  GError *io_error = NULL;
  gboolean ok;

  if (!g_file_get_contents (path, &text, NULL, &io_error)) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_LABELS,
        "cannot read labels file: %s", io_error->message);
    g_error_free (io_error);
    return FALSE;
  }
  origin = g_strdup_printf ("labels file '%s'", path);
  ok = set_labels (e, text, origin, error);
  g_free (origin);
  g_free (text);
  return ok;
}

static gboolean
resolve_labels (CnnEngine * e, const CnnEngineConfig * c, GError ** error)
{
  const gchar *meta = cnn_model_metadata (e->model, "labels");
  gchar *beside;
  gboolean ok = TRUE;

  e->labels = g_new0 (GQuark, e->n_classes);
  if (c->labels_path != NULL && c->labels_path[0] != '\0')
    return load_labels_file (e, c->labels_path, error);
  if (meta != NULL)
    return set_labels (e, meta, "metadata_props 'labels'", error);
  beside = g_strconcat (c->model_path, ".labels", NULL);
  if (g_file_test (beside, G_FILE_TEST_IS_REGULAR)) {
    ok = load_labels_file (e, beside, error);
  } else {
    for (guint i = 0; i < e->n_classes; i++) {
      gchar num[16];
      g_snprintf (num, sizeof num, "%u", i);
      e->labels[i] = g_quark_from_string (num);
    }
  }
  g_free (beside);
  return ok;
}

/* One of mean/std: property values, else metadata key, else fallback. */
static gboolean
resolve_norm (CnnEngine * e, const gchar * key, guint n_prop,
    const gfloat * prop, gfloat fallback, gfloat * out, GError ** error)
{
  gfloat vals[3];
  guint n = n_prop;
  const gchar *meta = cnn_model_metadata (e->model, key);

  if (n > 0) {
    memcpy (vals, prop, n * sizeof (gfloat));
  } else if (meta != NULL) {
    if (!cnn_parse_float_list (meta, vals, &n)) {
      g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_SETTINGS,
          "model metadata '%s' = '%s' is not 1 or 3 comma-separated numbers",
          key, meta);
      return FALSE;
    }
  } else {
    vals[0] = fallback;
    n = 1;
  }
  if (n != 1 && n != (guint) e->channels) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_SETTINGS,
        "%s has %u values but the model input has %d channel(s)", key, n,
        e->channels);
    return FALSE;
  }
  for (gint c = 0; c < e->channels; c++)
    out[c] = vals[n == 1 ? 0 : c];
  return TRUE;
}

static gboolean
resolve_preprocessing (CnnEngine * e, const CnnEngineConfig * c,
    GError ** error)
{
  const gchar *order = cnn_model_metadata (e->model, "channel_order");
  const gchar *resize = cnn_model_metadata (e->model, "resize");

  if (!resolve_norm (e, "mean", c->n_mean, c->mean, 0.0f, e->mean, error) ||
      !resolve_norm (e, "std", c->n_std, c->std, 1.0f, e->std, error))
    return FALSE;
  for (gint i = 0; i < e->channels; i++) {
    if (!(e->std[i] != 0.0f) || !isfinite (e->std[i])) {
      g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_SETTINGS,
          "std[%d] = %g: must be a non-zero number", i, e->std[i]);
      return FALSE;
    }
  }

  e->channel_order = c->channel_order;
  if (e->channel_order == CNN_CHANNEL_ORDER_AUTO)
    e->channel_order = (order && g_ascii_strcasecmp (order, "bgr") == 0) ?
        CNN_CHANNEL_ORDER_BGR : CNN_CHANNEL_ORDER_RGB;

  e->resize = c->resize;
  if (e->resize == CNN_RESIZE_AUTO) {
    e->resize = CNN_RESIZE_STRETCH;
    if (resize && g_ascii_strcasecmp (resize, "center-crop") == 0)
      e->resize = CNN_RESIZE_CENTER_CROP;
    else if (resize && g_ascii_strcasecmp (resize, "letterbox") == 0)
      e->resize = CNN_RESIZE_LETTERBOX;
  }
  return TRUE;
}

/* Checks input 0 is [1,C,H,W] (C = 1|3) and output 0 holds the classes. */
static gboolean
check_shapes (CnnEngine * e, GError ** error)
{
  CnnTensorInfo in, out;
  const gchar *in_name = NULL;
  int64_t n_out;

  if (cnn_model_input_count (e->model) != 1 ||
      cnn_model_input_info (e->model, 0, &in_name, &in) != CNN_OK ||
      in.rank != 4 || in.dims[0] != 1 || (in.dims[1] != 1 && in.dims[1] != 3)
      || in.dims[2] < 1 || in.dims[3] < 1 || in.dims[2] > 16384
      || in.dims[3] > 16384) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_NOT_IMAGE,
        "model '%s' does not take one image tensor [1,1|3,H,W] "
        "(it has %zu run-time inputs)", e->name,
        cnn_model_input_count (e->model));
    return FALSE;
  }
  e->channels = (gint) in.dims[1];
  e->height = (gint) in.dims[2];
  e->width = (gint) in.dims[3];

  if (cnn_model_output_count (e->model) < 1 ||
      cnn_model_output_info (e->model, 0, NULL, &out) != CNN_OK ||
      (n_out = cnn_tensor_info_numel (&out)) < 1 || n_out > 1000000) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_NOT_IMAGE,
        "model '%s' has no usable class-score output", e->name);
    return FALSE;
  }
  e->n_classes = (guint) n_out;
  return TRUE;
}

/* A model shared through the cache was loaded under another element's
 * limit: check this element's own (weights + this session's arena). */
static gboolean
check_memory (CnnEngine * e, const CnnEngineConfig * c, GError ** error)
{
  guint64 need = cnn_model_weight_bytes (e->model)
      + cnn_model_arena_bytes (e->model, e->threads);
  if (c->max_memory == 0 || need <= c->max_memory)
    return TRUE;
  g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_MODEL,
      "model '%s' needs %" G_GUINT64_FORMAT " bytes (weights + "
      "activations), more than max-memory (%" G_GUINT64_FORMAT ")",
      c->model_path, need, c->max_memory);
  return FALSE;
}

static gboolean
open_model (CnnEngine * e, const CnnEngineConfig * c, GError ** error)
{
  CnnError err = { 0 };
  CnnSessionOptions so;

  if (cnn_model_cache_acquire (c->model_path, c->max_memory, &e->model,
          &err) != CNN_OK) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_MODEL,
        "cannot load model '%s': %s", c->model_path, err.message);
    e->model = NULL;
    return FALSE;
  }
  if (!check_shapes (e, error))
    return FALSE;
  cnn_session_options_init (&so);
  so.threads = c->threads;
  if (cnn_session_new (e->model, &so, &e->session, &err) != CNN_OK) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_MODEL,
        "cannot prepare model '%s': %s", c->model_path, err.message);
    e->session = NULL;
    return FALSE;
  }
  e->threads = MAX (1, cnn_session_threads (e->session));
  if (!check_memory (e, c, error))
    return FALSE;
  e->input = cnn_session_input_data (e->session, 0);
  e->output = cnn_session_output_data (e->session, 0);
  if (e->input == NULL || e->output == NULL) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_MODEL,
        "model '%s': session has no input/output buffer", e->name);
    return FALSE;
  }
  return TRUE;
}

CnnEngine *
cnn_engine_new (const CnnEngineConfig * config, GError ** error)
{
  CnnEngine *e;

  g_return_val_if_fail (config != NULL && config->model_path != NULL, NULL);

  e = g_new0 (CnnEngine, 1);
  e->name = g_path_get_basename (config->model_path);
  e->name_quark = g_quark_from_string (e->name);
  if (!open_model (e, config, error) || !resolve_labels (e, config, error)
      || !resolve_preprocessing (e, config, error)) {
    cnn_engine_free (e);
    return NULL;
  }
  return e;
}

void
cnn_engine_free (CnnEngine * engine)
{
  if (engine == NULL)
    return;
  if (engine->session)
    cnn_session_free (engine->session);
  cnn_model_cache_release (engine->model);
  g_free (engine->labels);
  g_free (engine->name);
  g_free (engine);
}

void
cnn_engine_wake (CnnEngine * engine)
{
  cnn_session_wake (engine->session);
}

gboolean
cnn_engine_run (CnnEngine * engine, GError ** error)
{
  if (cnn_session_run (engine->session) != CNN_OK) {
    g_set_error (error, CNN_ENGINE_ERROR, CNN_ENGINE_ERROR_RUN,
        "inference failed: %s", cnn_session_last_error (engine->session));
    return FALSE;
  }
  return TRUE;
}
