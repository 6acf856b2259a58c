/* cnnsettings.c — property specs, defaults, set/get, snapshots.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnsettings.h. Model-related properties (model, labels,
 * threads, mean, std, channel-order, resize, async) are
 * GST_PARAM_MUTABLE_READY; everything else is GST_PARAM_MUTABLE_PLAYING.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cnnsettings.h"

#include <string.h>

#ifndef CNN_DEFAULT_MODEL
#error "CNN_DEFAULT_MODEL must be defined by the build"
#endif

#define DEFAULT_TOP_K 5
#define DEFAULT_THRESHOLD 0.0f
#define DEFAULT_INTERVAL 1
#define DEFAULT_THREADS 0
/* 10 ms: a stream under 100 frames/s gets every result at once; faster
 * ones one message (one wake-up of the application) per 10 ms. small28 at
 * 9,000 frames/s on one vCPU: 0.110-0.112 ms a frame at 10 ms, 0.118-0.119
 * at 2 ms, 0.107-0.109 without messages (issue 5, README). */
#define DEFAULT_MESSAGE_INTERVAL (10 * GST_MSECOND)
#define MAX_MESSAGE_INTERVAL (60 * GST_SECOND)
#define DEFAULT_MAX_MEMORY (G_GUINT64_CONSTANT (2) << 30)
#define DEFAULT_SMOOTHING 0.0f
#define DEFAULT_COLOR 0xffffffffu
#define DEFAULT_OVERLAY_LINES 1

#define RW (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)
#define RW_READY (RW | GST_PARAM_MUTABLE_READY)
#define RW_PLAYING (RW | GST_PARAM_MUTABLE_PLAYING | GST_PARAM_CONTROLLABLE)

static GType
register_enum (const gchar * name, const GEnumValue * values, GType * type)
{
  if (g_once_init_enter (type))
    g_once_init_leave (type, g_enum_register_static (name, values));
  return *type;
}

static GType
channel_order_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CNN_CHANNEL_ORDER_AUTO, "From the model's metadata, else rgb", "auto"},
    {CNN_CHANNEL_ORDER_RGB, "Planes R, G, B", "rgb"},
    {CNN_CHANNEL_ORDER_BGR, "Planes B, G, R", "bgr"},
    {0, NULL, NULL}
  };
  return register_enum ("GstCnnChannelOrder", values, &type);
}

static GType
resize_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CNN_RESIZE_AUTO, "From the model's metadata, else stretch", "auto"},
    {CNN_RESIZE_STRETCH, "Whole frame scaled to the input size", "stretch"},
    {CNN_RESIZE_CENTER_CROP, "Largest centred region of the input's aspect",
        "center-crop"},
    {CNN_RESIZE_LETTERBOX, "Whole frame, aspect kept, black borders",
        "letterbox"},
    {0, NULL, NULL}
  };
  return register_enum ("GstCnnResize", values, &type);
}

static GType
softmax_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {CNN_SOFTMAX_AUTO, "Unless the outputs already sum to 1", "auto"},
    {CNN_SOFTMAX_ON, "Always", "on"},
    {CNN_SOFTMAX_OFF, "Never (outputs used as scores)", "off"},
    {0, NULL, NULL}
  };
  return register_enum ("GstCnnSoftmax", values, &type);
}

const gchar *
cnn_settings_default_model (void)
{
  const gchar *env = g_getenv ("GST_CNN_DEFAULT_MODEL");

  return env && env[0] ? env : CNN_DEFAULT_MODEL;
}

static void
install_drawing (GObjectClass * klass)
{
  g_object_class_install_property (klass, CNN_PROP_FONT_DESC,
      g_param_spec_string ("font-desc", "Font description",
          "Pango font description of the label text, e.g. \"Sans Bold 16\"; "
          "without a size the text is 1/20 of the frame height",
          NULL, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_HALIGNMENT,
      g_param_spec_enum ("halignment", "Horizontal alignment",
          "Horizontal position of the label box", CNN_TYPE_HALIGN,
          CNN_HALIGN_LEFT, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_VALIGNMENT,
      g_param_spec_enum ("valignment", "Vertical alignment",
          "Vertical position of the label box", CNN_TYPE_VALIGN,
          CNN_VALIGN_TOP, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_COLOR,
      g_param_spec_uint ("color", "Color",
          "Colour of the text and bars as 0xAARRGGBB", 0, G_MAXUINT32,
          DEFAULT_COLOR, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_SHADED_BACKGROUND,
      g_param_spec_boolean ("shaded-background", "Shaded background",
          "Draw a dark translucent box behind the text", TRUE, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_OVERLAY_LINES,
      g_param_spec_uint ("overlay-lines", "Overlay lines",
          "Number of top classes drawn (1: the label only; more: one line "
          "each with a bar showing the score)", 1, CNN_RENDER_MAX_LINES,
          DEFAULT_OVERLAY_LINES, RW_PLAYING));
}

static void
install_model (GObjectClass * klass)
{
  g_object_class_install_property (klass, CNN_PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "ONNX model file (unset: $GST_CNN_DEFAULT_MODEL, else the "
          "installed default model)", CNN_DEFAULT_MODEL, RW_READY));
  g_object_class_install_property (klass, CNN_PROP_LABELS,
      g_param_spec_string ("labels", "Labels",
          "Labels file, one label per line (unset: the model's metadata_props "
          "'labels', else <model>.labels, else class numbers); the count "
          "must equal the model's class count", NULL, RW_READY));
  g_object_class_install_property (klass, CNN_PROP_THREADS,
      g_param_spec_int ("threads", "Threads",
          "Inference threads (0 = all cores)", 0, 256, DEFAULT_THREADS,
          RW_READY));
  g_object_class_install_property (klass, CNN_PROP_MAX_MEMORY,
      g_param_spec_uint64 ("max-memory", "Maximum model memory",
          "Refuse models whose weights + working memory exceed this many "
          "bytes (0 = no limit); guards against hostile model files",
          0, G_MAXUINT64, DEFAULT_MAX_MEMORY, RW_READY));
  g_object_class_install_property (klass, CNN_PROP_MEAN,
      gst_param_spec_array ("mean", "Mean",
          "Per-channel mean subtracted from pixel values in [0,1], 1 or 3 "
          "numbers, e.g. \"<0.485,0.456,0.406>\" (empty: the model's "
          "metadata_props 'mean', else 0)",
          g_param_spec_float ("value", "Value", "Mean of one channel",
              -G_MAXFLOAT, G_MAXFLOAT, 0.0f, RW), RW_READY));
  g_object_class_install_property (klass, CNN_PROP_STD,
      gst_param_spec_array ("std", "Standard deviation",
          "Per-channel divisor applied after the mean, 1 or 3 non-zero "
          "numbers, e.g. \"<0.229,0.224,0.225>\" (empty: the model's "
          "metadata_props 'std', else 1)",
          g_param_spec_float ("value", "Value", "Std of one channel",
              -G_MAXFLOAT, G_MAXFLOAT, 1.0f, RW), RW_READY));
  g_object_class_install_property (klass, CNN_PROP_CHANNEL_ORDER,
      g_param_spec_enum ("channel-order", "Channel order",
          "Order of the colour planes the model expects",
          channel_order_get_type (), CNN_CHANNEL_ORDER_AUTO, RW_READY));
  g_object_class_install_property (klass, CNN_PROP_RESIZE,
      g_param_spec_enum ("resize", "Resize",
          "How the frame is fitted to the model's input size",
          resize_get_type (), CNN_RESIZE_AUTO, RW_READY));
  g_object_class_install_property (klass, CNN_PROP_ASYNC,
      g_param_spec_boolean ("async", "Asynchronous",
          "Run inference on a worker thread on the newest frame; frames never "
          "wait and carry the latest finished result", FALSE, RW_READY));
}

static void
install_results (GObjectClass * klass)
{
  g_object_class_install_property (klass, CNN_PROP_TOP_K,
      g_param_spec_uint ("top-k", "Top k",
          "Number of best classes reported", 1, CNN_MAX_TOP_K, DEFAULT_TOP_K,
          RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_THRESHOLD,
      g_param_spec_float ("threshold", "Threshold",
          "Minimum score of a reported class; when the best class is below "
          "it the frame is reported as unclassified", 0.0f, 1.0f,
          DEFAULT_THRESHOLD, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_INTERVAL,
      g_param_spec_uint ("interval", "Interval",
          "Classify every Nth frame; the frames between carry the last "
          "result marked stale", 1, G_MAXINT, DEFAULT_INTERVAL, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_SOFTMAX,
      g_param_spec_enum ("softmax", "Softmax",
          "Turn the model's outputs into probabilities",
          softmax_get_type (), CNN_SOFTMAX_AUTO, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_SMOOTHING,
      g_param_spec_float ("smoothing", "Smoothing",
          "Temporal smoothing of the probabilities: weight of the history in "
          "an exponential moving average over classified frames (0 = off)",
          0.0f, 1.0f, DEFAULT_SMOOTHING, RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_OVERLAY,
      g_param_spec_boolean ("overlay", "Overlay",
          "Draw the label box on the video (attached as overlay composition "
          "meta when downstream supports it, else blended)", FALSE,
          RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a 'cnnclassify' element message for every new result", TRUE,
          RW_PLAYING));
  g_object_class_install_property (klass, CNN_PROP_MESSAGE_INTERVAL,
      g_param_spec_uint64 ("message-interval", "Message interval",
          "Shortest time in nanoseconds between two wake-ups of the bus: "
          "results that come faster are held and posted together in one "
          "message (the newest result's fields, the others in its "
          "earlier-results array, oldest first; none dropped, each at most "
          "this late; all at EOS), which saves a main-loop wake-up per frame "
          "on fast streams; 0 = post each result at once in its own message",
          0, MAX_MESSAGE_INTERVAL, DEFAULT_MESSAGE_INTERVAL, RW_PLAYING));
}

void
cnn_settings_install_properties (GObjectClass * klass, gboolean classify)
{
  if (classify) {
    install_model (klass);
    install_results (klass);
  }
  install_drawing (klass);
}

void
cnn_settings_init (CnnSettings * s)
{
  memset (s, 0, sizeof *s);
  s->top_k = DEFAULT_TOP_K;
  s->threshold = DEFAULT_THRESHOLD;
  s->interval = DEFAULT_INTERVAL;
  s->threads = DEFAULT_THREADS;
  s->max_memory = DEFAULT_MAX_MEMORY;
  s->smoothing = DEFAULT_SMOOTHING;
  s->post_messages = TRUE;
  s->message_interval = DEFAULT_MESSAGE_INTERVAL;
  s->overlay_lines = DEFAULT_OVERLAY_LINES;
  s->style.halign = CNN_HALIGN_LEFT;
  s->style.valign = CNN_VALIGN_TOP;
  s->style.color = DEFAULT_COLOR;
  s->style.shaded = TRUE;
}

void
cnn_settings_clear (CnnSettings * s)
{
  g_free (s->model_path);
  g_free (s->labels_path);
  g_free (s->font_desc);
  s->model_path = s->labels_path = s->font_desc = NULL;
  s->style.font_desc = NULL;
}

void
cnn_settings_snapshot (const CnnSettings * s, CnnSettings * copy)
{
  *copy = *s;
  copy->model_path = NULL;
  copy->labels_path = NULL;
  copy->font_desc = g_strdup (s->font_desc);
  copy->style.font_desc = copy->font_desc;
}

static void
set_float_array (const GValue * value, gfloat * out, guint * n_out)
{
  guint n = gst_value_array_get_size (value);

  if (n != 0 && n != 1 && n != 3) {
    g_warning ("cnnclassify: mean/std need 1 or 3 values, got %u; ignored",
        n);
    return;
  }
  for (guint i = 0; i < n; i++)
    out[i] = g_value_get_float (gst_value_array_get_value (value, i));
  *n_out = n;
}

static void
get_float_array (GValue * value, const gfloat * in, guint n)
{
  for (guint i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    g_value_init (&v, G_TYPE_FLOAT);
    g_value_set_float (&v, in[i]);
    gst_value_array_append_and_take_value (value, &v);
  }
}

static gboolean
set_model_prop (CnnSettings * s, guint prop_id, const GValue * value)
{
  switch (prop_id) {
    case CNN_PROP_MODEL:
      g_free (s->model_path);
      s->model_path = g_value_dup_string (value);
      break;
    case CNN_PROP_LABELS:
      g_free (s->labels_path);
      s->labels_path = g_value_dup_string (value);
      break;
    case CNN_PROP_THREADS:
      s->threads = g_value_get_int (value);
      break;
    case CNN_PROP_MAX_MEMORY:
      s->max_memory = g_value_get_uint64 (value);
      break;
    case CNN_PROP_MEAN:
      set_float_array (value, s->mean, &s->n_mean);
      break;
    case CNN_PROP_STD:
      set_float_array (value, s->std, &s->n_std);
      break;
    case CNN_PROP_CHANNEL_ORDER:
      s->channel_order = g_value_get_enum (value);
      break;
    case CNN_PROP_RESIZE:
      s->resize = g_value_get_enum (value);
      break;
    case CNN_PROP_ASYNC:
      s->async = g_value_get_boolean (value);
      break;
    default:
      return FALSE;
  }
  return TRUE;
}

static void
set_live_prop (CnnSettings * s, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  switch (prop_id) {
    case CNN_PROP_TOP_K:
      s->top_k = g_value_get_uint (value);
      break;
    case CNN_PROP_THRESHOLD:
      s->threshold = g_value_get_float (value);
      break;
    case CNN_PROP_INTERVAL:
      s->interval = g_value_get_uint (value);
      break;
    case CNN_PROP_SOFTMAX:
      s->softmax = g_value_get_enum (value);
      break;
    case CNN_PROP_SMOOTHING:
      s->smoothing = g_value_get_float (value);
      break;
    case CNN_PROP_OVERLAY:
      s->overlay = g_value_get_boolean (value);
      break;
    case CNN_PROP_POST_MESSAGES:
      s->post_messages = g_value_get_boolean (value);
      break;
    case CNN_PROP_MESSAGE_INTERVAL:
      s->message_interval = g_value_get_uint64 (value);
      break;
    case CNN_PROP_FONT_DESC:
      g_free (s->font_desc);
      s->font_desc = g_value_dup_string (value);
      s->style.font_desc = s->font_desc;
      break;
    case CNN_PROP_HALIGNMENT:
      s->style.halign = g_value_get_enum (value);
      break;
    case CNN_PROP_VALIGNMENT:
      s->style.valign = g_value_get_enum (value);
      break;
    case CNN_PROP_COLOR:
      s->style.color = g_value_get_uint (value);
      break;
    case CNN_PROP_SHADED_BACKGROUND:
      s->style.shaded = g_value_get_boolean (value);
      break;
    case CNN_PROP_OVERLAY_LINES:
      s->overlay_lines = g_value_get_uint (value);
      break;
    default:
      g_warning ("cnn: invalid property id %u (%s)", prop_id,
          pspec ? pspec->name : "?");
      break;
  }
}

gboolean
cnn_settings_set (CnnSettings * s, guint prop_id, const GValue * value,
    GParamSpec * pspec, gboolean running)
{
  gboolean model_prop = (pspec->flags & GST_PARAM_MUTABLE_READY) != 0;

  if (model_prop && running) {
    g_warning ("cnnclassify: property '%s' can only be changed in the NULL "
        "or READY state; ignored", pspec->name);
    return FALSE;
  }
  if (model_prop)
    return set_model_prop (s, prop_id, value);
  set_live_prop (s, prop_id, value, pspec);
  return FALSE;
}

void
cnn_settings_get (const CnnSettings * s, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  switch (prop_id) {
    case CNN_PROP_MODEL:
      g_value_set_string (value, s->model_path ? s->model_path :
          cnn_settings_default_model ());
      break;
    case CNN_PROP_LABELS:
      g_value_set_string (value, s->labels_path);
      break;
    case CNN_PROP_THREADS:
      g_value_set_int (value, s->threads);
      break;
    case CNN_PROP_MAX_MEMORY:
      g_value_set_uint64 (value, s->max_memory);
      break;
    case CNN_PROP_MEAN:
      get_float_array (value, s->mean, s->n_mean);
      break;
    case CNN_PROP_STD:
      get_float_array (value, s->std, s->n_std);
      break;
    case CNN_PROP_CHANNEL_ORDER:
      g_value_set_enum (value, s->channel_order);
      break;
    case CNN_PROP_RESIZE:
      g_value_set_enum (value, s->resize);
      break;
    case CNN_PROP_ASYNC:
      g_value_set_boolean (value, s->async);
      break;
    case CNN_PROP_TOP_K:
      g_value_set_uint (value, s->top_k);
      break;
    case CNN_PROP_THRESHOLD:
      g_value_set_float (value, s->threshold);
      break;
    case CNN_PROP_INTERVAL:
      g_value_set_uint (value, s->interval);
      break;
    case CNN_PROP_SOFTMAX:
      g_value_set_enum (value, s->softmax);
      break;
    case CNN_PROP_SMOOTHING:
      g_value_set_float (value, s->smoothing);
      break;
    case CNN_PROP_OVERLAY:
      g_value_set_boolean (value, s->overlay);
      break;
    case CNN_PROP_POST_MESSAGES:
      g_value_set_boolean (value, s->post_messages);
      break;
    case CNN_PROP_MESSAGE_INTERVAL:
      g_value_set_uint64 (value, s->message_interval);
      break;
    case CNN_PROP_FONT_DESC:
      g_value_set_string (value, s->font_desc);
      break;
    case CNN_PROP_HALIGNMENT:
      g_value_set_enum (value, s->style.halign);
      break;
    case CNN_PROP_VALIGNMENT:
      g_value_set_enum (value, s->style.valign);
      break;
    case CNN_PROP_COLOR:
      g_value_set_uint (value, s->style.color);
      break;
    case CNN_PROP_SHADED_BACKGROUND:
      g_value_set_boolean (value, s->style.shaded);
      break;
    case CNN_PROP_OVERLAY_LINES:
      g_value_set_uint (value, s->overlay_lines);
      break;
    default:
      g_warning ("cnn: invalid property id %u (%s)", prop_id,
          pspec ? pspec->name : "?");
      break;
  }
}

void
cnn_settings_engine_config (const CnnSettings * s, CnnEngineConfig * config,
    gchar ** model, gchar ** labels)
{
  memset (config, 0, sizeof *config);
  *model = g_strdup (s->model_path ? s->model_path :
      cnn_settings_default_model ());
  *labels = g_strdup (s->labels_path);
  config->model_path = *model;
  config->labels_path = *labels;
  config->threads = s->threads;
  config->max_memory = s->max_memory;
  config->n_mean = s->n_mean;
  config->n_std = s->n_std;
  memcpy (config->mean, s->mean, sizeof s->mean);
  memcpy (config->std, s->std, sizeof s->std);
  config->channel_order = s->channel_order;
  config->resize = s->resize;
}
