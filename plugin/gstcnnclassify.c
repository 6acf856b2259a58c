/* gstcnnclassify.c — cnnclassify: classify video frames with a CNN.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: an in-place GstVideoFilter. The frame passes through with size
 * and format unchanged (byte-identical unless overlay=true and downstream
 * cannot take an overlay composition meta). The model loads on NULL→READY
 * (and again on READY→PAUSED when model-related properties changed in
 * READY); failures post GST_ELEMENT_ERROR with the core's message and fail
 * the state change. Per frame: preprocess (cnnpreprocess.c) → inference
 * (cnnengine.c, or the worker in cnnasync.c) → probabilities
 * (cnnpostprocess.c) → meta + ROI meta + bus message (cnnmessage.c) →
 * optional overlay (cnnrender.c).
 */

/**
 * SECTION:element-cnnclassify
 * @title: cnnclassify
 *
 * Classifies every video frame with a convolutional neural network (an ONNX
 * model run by gst-cnn's own inference core) and publishes the result as
 * GstCnnClassificationMeta, as a whole-frame GstVideoRegionOfInterestMeta
 * with a `cnn-classification` parameter structure (`label`, `label_id`,
 * `confidence`) and as an element message named `cnnclassify` on the bus
 * (`timestamp`, `stream-time`, `running-time`, `duration`, `label`,
 * `class-id`, `confidence`, `top-labels`, `top-ids`, `top-scores`; one
 * message per new result; results that come faster than
 * #GstCnnClassify:message-interval are posted together in one message, each
 * at most that late, all before EOS: the newest result's fields, and the
 * others in `earlier-results`, an array of `cnnclassify` structures with
 * the same fields, oldest first). The video itself is not modified unless
 * #GstCnnClassify:overlay is set.
 *
 * Without #GstCnnClassify:model the element uses the model named by the
 * environment variable GST_CNN_DEFAULT_MODEL, else the installed default
 * model (Fashion-MNIST). Labels, mean, std, channel order and resize mode
 * default to the model's ONNX metadata_props (`labels` is one label per
 * line).
 *
 * In synchronous mode (default) every classified frame waits for its
 * result, and LATENCY queries are answered with the measured per-frame
 * cost. With async=true inference runs on a worker thread on the newest
 * frame and frames carry the latest finished result (stale flag set, its
 * source PTS recorded); before the first result no metadata is attached.
 *
 * QoS is off by default (the "qos" property of GstBaseTransform): a late
 * frame is still passed on, since dropping video to save a classification
 * is rarely wanted; use interval or async for slow models.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -m v4l2src ! videoconvert ! cnnclassify model=m.onnx labels=l.txt overlay=true ! videoconvert ! autovideosink
 * ]|
 * |[
 * gst-launch-1.0 -m filesrc location=cat.jpg ! jpegdec ! videoconvert ! imagefreeze num-buffers=1 ! cnnclassify model=mobilenet_v2_1.0_224.onnx labels=labels.txt mean="<0.5>" std="<0.5>" resize=center-crop ! fakesink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstcnnclassify.h"
#include "cnnsettings.h"

#include "cnnasync.h"
#include "cnnengine.h"
#include "cnnmessage.h"
#include "cnnpostprocess.h"
#include "cnnposter.h"
#include "cnnpreprocess.h"
#include "cnnrender.h"

GST_DEBUG_CATEGORY_STATIC (gst_cnn_classify_debug);
#define GST_CAT_DEFAULT gst_cnn_classify_debug

struct _GstCnnClassify {
  GstVideoFilter parent;

  CnnSettings settings; /* properties, object lock */
  gboolean model_dirty;         /* model-related property changed */
  GstClockTime latency;         /* reported per-frame cost, object lock */
  GstClockTime cost_avg;        /* moving average of it, object lock */

  /* streaming state; engine is replaced only in NULL/READY */
  CnnEngine *engine;
  CnnPreprocess pre;
  CnnScores scores;
  CnnResult result;
  CnnWorker *worker;
  CnnRender *render;
  gboolean attach_overlay;      /* downstream takes composition meta */
  guint64 frame_count;
  guint64 posted_seq;
  CnnPoster *poster;            /* result messages */
  CnnResultRecord record;       /* the message's content, streaming thread */
};

#define VIDEO_FORMATS "{ RGB, BGR, RGBx, BGRx, xRGB, xBGR, RGBA, BGRA, " \
  "ARGB, ABGR, I420, YV12, NV12, NV21, YUY2, UYVY, GRAY8, Y444, Y42B, AYUV }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (VIDEO_FORMATS)));

#define gst_cnn_classify_parent_class parent_class
G_DEFINE_TYPE (GstCnnClassify, gst_cnn_classify, GST_TYPE_VIDEO_FILTER);
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (cnnclassify, "cnnclassify",
    GST_RANK_NONE, GST_TYPE_CNN_CLASSIFY,
    GST_DEBUG_CATEGORY_INIT (gst_cnn_classify_debug, "cnnclassify", 0,
        "CNN image classification"));

/* ---- model lifecycle --------------------------------------------------- */

static void
free_engine (GstCnnClassify * self)
{
  cnn_worker_free (self->worker);
  self->worker = NULL;
  cnn_preprocess_clear (&self->pre);
  cnn_scores_clear (&self->scores);
  cnn_result_clear (&self->result);
  cnn_engine_free (self->engine);
  self->engine = NULL;
}

/* Runs the model once on its zero input: proves it runs and measures the
 * per-frame cost reported to LATENCY queries before the first frame. */
static gboolean
warm_up (GstCnnClassify * self, CnnEngine * engine, GError ** error)
{
  gint64 t0 = g_get_monotonic_time ();

  if (!cnn_engine_run (engine, error))
    return FALSE;
  GST_OBJECT_LOCK (self);
  self->latency = (GstClockTime) (g_get_monotonic_time () - t0) * GST_USECOND;
  self->cost_avg = 0;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
load_engine (GstCnnClassify * self)
{
  CnnEngineConfig config;
  gchar *model, *labels;
  GError *error = NULL;
  CnnEngine *engine;

  GST_OBJECT_LOCK (self);
  cnn_settings_engine_config (&self->settings, &config, &model,
      &labels);
  self->model_dirty = FALSE;
  GST_OBJECT_UNLOCK (self);

  /* the new engine is made before the old one goes, so a model that stays
   * the same is shared through the model cache instead of parsed again */
  GST_INFO_OBJECT (self, "loading model %s", model);
  engine = cnn_engine_new (&config, &error);
  if (engine != NULL && !warm_up (self, engine, &error)) {
    cnn_engine_free (engine);
    engine = NULL;
  }
  g_free (model);
  g_free (labels);
  if (engine == NULL) {
    GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ, ("%s", error->message),
        ("cnnclassify could not load its model"));
    g_error_free (error);
    /* keep the old engine but never run it in place of the asked one */
    GST_OBJECT_LOCK (self);
    self->model_dirty = TRUE;
    GST_OBJECT_UNLOCK (self);
    return FALSE;
  }
  free_engine (self);
  self->engine = engine;
  cnn_scores_init (&self->scores, engine->n_classes);
  cnn_result_init (&self->result, engine->n_classes);
  GST_INFO_OBJECT (self, "model %s: input %dx%dx%d, %u classes", engine->name,
      engine->channels, engine->width, engine->height, engine->n_classes);
  return TRUE;
}

static GstStateChangeReturn
gst_cnn_classify_change_state (GstElement * element, GstStateChange transition)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && !load_engine (self))
    return GST_STATE_CHANGE_FAILURE;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_READY_TO_NULL)
    free_engine (self);
  return ret;
}

/* A new stream (start, caps change, flush, stream-start): forget the
 * carried result, a result still being computed for an old frame, the
 * smoothing history and the interval phase, so nothing of the old stream
 * is attached to the new one. Streaming thread (or stopped streaming). */
static void
reset_stream (GstCnnClassify * self)
{
  if (self->worker != NULL)
    cnn_worker_reset (self->worker);
  cnn_scores_reset (&self->scores);
  self->result.seq = 0;
  self->frame_count = 0;
  self->posted_seq = 0;
}

static gboolean
gst_cnn_classify_start (GstBaseTransform * trans)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (trans);
  gboolean dirty, async;

  GST_OBJECT_LOCK (self);
  dirty = self->model_dirty || self->engine == NULL;
  async = self->settings.async;
  GST_OBJECT_UNLOCK (self);
  if (dirty && !load_engine (self))
    return FALSE;

  reset_stream (self);
  if (async)
    self->worker = cnn_worker_new (self->engine, &self->scores);
  self->render = cnn_render_new ();
  return TRUE;
}

static gboolean
gst_cnn_classify_stop (GstBaseTransform * trans)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (trans);

  cnn_worker_free (self->worker);
  self->worker = NULL;
  cnn_render_free (self->render);
  self->render = NULL;
  cnn_poster_flush (self->poster);
  return TRUE;
}

static gboolean
gst_cnn_classify_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (filter);

  if (self->engine == NULL)
    return FALSE;
  if (!cnn_preprocess_configure (&self->pre, in_info, self->engine)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("cannot convert %" GST_PTR_FORMAT " to the model's input", incaps));
    return FALSE;
  }
  reset_stream (self);
  return TRUE;
}

static gboolean
gst_cnn_classify_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_STREAM_START:
      GST_DEBUG_OBJECT (self, "%s: new stream", GST_EVENT_TYPE_NAME (event));
      if (self->engine != NULL)
        reset_stream (self);
      break;
    case GST_EVENT_EOS:        /* every result before the EOS message */
      cnn_poster_flush (self->poster);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* ---- allocation and latency -------------------------------------------- */

static gboolean
gst_cnn_classify_propose_allocation (GstBaseTransform * trans,
    GstQuery * decide_query, GstQuery * query)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (trans);
  gboolean ret, attach;

  /* In place: the base class forwards the query downstream; what it
   * answers tells whether overlay compositions can be attached. */
  ret = GST_BASE_TRANSFORM_CLASS (parent_class)->propose_allocation (trans,
      decide_query, query);
  attach = ret && gst_query_find_allocation_meta (query,
      GST_VIDEO_OVERLAY_COMPOSITION_META_API_TYPE, NULL);
  GST_OBJECT_LOCK (self);
  self->attach_overlay = attach;
  GST_OBJECT_UNLOCK (self);
  GST_DEBUG_OBJECT (self, "overlay composition meta downstream: %d", attach);
  return ret;
}

static gboolean
gst_cnn_classify_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (trans);
  gboolean ret = GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans,
      direction, query);

  if (ret && direction == GST_PAD_SRC &&
      GST_QUERY_TYPE (query) == GST_QUERY_LATENCY) {
    gboolean live;
    GstClockTime min, max, own;

    gst_query_parse_latency (query, &live, &min, &max);
    GST_OBJECT_LOCK (self);
    own = self->settings.async ? 0 : self->latency;
    GST_OBJECT_UNLOCK (self);
    min += own;
    if (GST_CLOCK_TIME_IS_VALID (max))
      max += own;
    GST_DEBUG_OBJECT (self, "adding latency %" GST_TIME_FORMAT,
        GST_TIME_ARGS (own));
    gst_query_set_latency (query, live, min, max);
  }
  return ret;
}

/* The reported cost follows the moving average of the measured one: a
 * LATENCY message is posted when the average outgrows the reported value
 * by a quarter, and the value drops without a message when the average
 * falls under half of it. Single slow frames do not count: with the
 * reported value set from each one, a noisy machine posted a LATENCY
 * message every 28 frames at 8,000 frames/s, and each made the
 * application recompute the pipeline's latency. */
static void
update_latency (GstCnnClassify * self, guint64 cost_ns)
{
  gboolean repost = FALSE;

  GST_OBJECT_LOCK (self);
  self->cost_avg = self->cost_avg == 0 ? cost_ns
      : (self->cost_avg * 7 + cost_ns) / 8;
  if (self->cost_avg > self->latency + self->latency / 4) {
    self->latency = self->cost_avg;
    repost = TRUE;
  } else if (self->cost_avg < self->latency / 2) {
    self->latency = self->cost_avg;
  }
  GST_OBJECT_UNLOCK (self);
  if (repost)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_latency (GST_OBJECT (self)));
}

/* ---- per frame ---------------------------------------------------------- */

/* Synchronous: classify this frame now. */
static gboolean
classify_now (GstCnnClassify * self, GstVideoFrame * frame,
    const CnnSettings * s)
{
  gint64 t0 = g_get_monotonic_time ();
  GError *error = NULL;
  guint64 cost;

  cnn_engine_wake (self->engine);
  if (!cnn_preprocess_run (&self->pre, frame, self->engine->input)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
        ("could not convert the frame for the model"));
    return FALSE;
  }
  if (!cnn_engine_run (self->engine, &error)) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("%s", error->message), (NULL));
    g_error_free (error);
    return FALSE;
  }
  cnn_scores_update (&self->scores, self->engine->output, s->softmax,
      s->smoothing);
  memcpy (self->result.probs, self->scores.probs,
      self->result.n_classes * sizeof (gfloat));
  cost = (guint64) (g_get_monotonic_time () - t0) * 1000;
  self->result.pts = GST_BUFFER_PTS (frame->buffer);
  self->result.inference_ns = cost;
  self->result.seq++;
  update_latency (self, cost);
  return TRUE;
}

/* Asynchronous: hand the frame to an idle worker, take the newest result. */
static gboolean
classify_async (GstCnnClassify * self, GstVideoFrame * frame,
    const CnnSettings * s)
{
  gchar *error;

  if (cnn_worker_try_begin (self->worker)) {
    gint64 t0 = g_get_monotonic_time ();
    cnn_engine_wake (self->engine);
    if (!cnn_preprocess_run (&self->pre, frame, self->engine->input)) {
      GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
          ("could not convert the frame for the model"));
      return FALSE;
    }
    cnn_worker_submit (self->worker, GST_BUFFER_PTS (frame->buffer),
        (guint64) (g_get_monotonic_time () - t0) * 1000, s->softmax,
        s->smoothing);
  }
  error = cnn_worker_take_error (self->worker);
  if (error != NULL) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, ("%s", error), (NULL));
    g_free (error);
    return FALSE;
  }
  cnn_worker_latest (self->worker, &self->result);
  return TRUE;
}

static void
draw_overlay (GstCnnClassify * self, GstVideoFrame * frame,
    const CnnSettings * s, const CnnTopK * top)
{
  const gchar *labels[CNN_RENDER_MAX_LINES];
  gchar *lines[CNN_RENDER_MAX_LINES];
  gfloat bars[CNN_RENDER_MAX_LINES];
  guint n, n_lines = MIN (s->overlay_lines, CNN_RENDER_MAX_LINES);
  GstVideoOverlayComposition *comp;
  gboolean attach;

  for (n = 0; n < top->n && n < n_lines; n++) {
    labels[n] = g_quark_to_string (self->engine->labels[top->ids[n]]);
    bars[n] = n_lines > 1 ? top->scores[n] : -1.0f;
  }
  n = cnn_render_format_lines (labels, top->scores, n, n_lines, lines);
  if (top->n == 0)
    bars[0] = -1.0f;
  comp = cnn_render_get (self->render, &s->style,
      (const gchar * const *) lines, bars, n, GST_VIDEO_FRAME_WIDTH (frame),
      GST_VIDEO_FRAME_HEIGHT (frame));
  for (guint i = 0; i < n; i++)
    g_free (lines[i]);
  if (comp == NULL)
    return;
  GST_OBJECT_LOCK (self);
  attach = self->attach_overlay;
  GST_OBJECT_UNLOCK (self);
  cnn_render_apply (comp, frame, attach);
  gst_video_overlay_composition_unref (comp);
}

static void
publish (GstCnnClassify * self, GstVideoFrame * frame,
    const CnnSettings * s, gboolean fresh)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  CnnTopK top;

  cnn_top_k (self->result.probs, self->result.n_classes, s->top_k,
      s->threshold, &top);
  cnn_attach_metas (frame->buffer, &top, self->engine, &self->result, !fresh,
      GST_VIDEO_FRAME_WIDTH (frame), GST_VIDEO_FRAME_HEIGHT (frame));
  if (s->post_messages && self->result.seq != self->posted_seq) {
    self->posted_seq = self->result.seq;
    cnn_result_record_fill (&self->record, &top, self->engine, &self->result,
        &trans->segment, GST_BUFFER_DURATION (frame->buffer));
    cnn_poster_post (self->poster, &self->record, s->message_interval);
  }
  if (s->overlay)
    draw_overlay (self, frame, s, &top);
}

static GstFlowReturn
gst_cnn_classify_transform_frame_ip (GstVideoFilter * filter,
    GstVideoFrame * frame)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (filter);
  CnnSettings s;
  gboolean fresh = FALSE, ok = TRUE;

  GST_OBJECT_LOCK (self);
  cnn_settings_snapshot (&self->settings, &s);
  GST_OBJECT_UNLOCK (self);

  if (self->worker != NULL) {
    ok = classify_async (self, frame, &s);
    fresh = self->result.seq != 0 &&
        self->result.pts == GST_BUFFER_PTS (frame->buffer) &&
        GST_BUFFER_PTS_IS_VALID (frame->buffer);
  } else if (self->frame_count % s.interval == 0) {
    ok = fresh = classify_now (self, frame, &s);
  }
  self->frame_count++;
  if (ok && self->result.seq != 0)
    publish (self, frame, &s, fresh);
  cnn_settings_clear (&s);
  return ok ? GST_FLOW_OK : GST_FLOW_ERROR;
}

/* ---- GObject ------------------------------------------------------------ */

static void
gst_cnn_classify_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (object);
  gboolean model_prop;

  GST_OBJECT_LOCK (self);
  model_prop = cnn_settings_set (&self->settings, prop_id, value,
      pspec, GST_STATE (self) > GST_STATE_READY);
  if (model_prop)
    self->model_dirty = TRUE;
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cnn_classify_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (object);

  GST_OBJECT_LOCK (self);
  cnn_settings_get (&self->settings, prop_id, value, pspec);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_cnn_classify_finalize (GObject * object)
{
  GstCnnClassify *self = GST_CNN_CLASSIFY (object);

  free_engine (self);
  cnn_render_free (self->render);
  cnn_poster_free (self->poster);
  cnn_settings_clear (&self->settings);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_cnn_classify_class_init (GstCnnClassifyClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);

  gobject_class->set_property = gst_cnn_classify_set_property;
  gobject_class->get_property = gst_cnn_classify_get_property;
  gobject_class->finalize = gst_cnn_classify_finalize;
  cnn_settings_install_properties (gobject_class, TRUE);

  gst_element_class_set_static_metadata (element_class,
      "CNN image classifier", "Filter/Analyzer/Video",
      "Classifies video frames with a convolutional neural network (ONNX) "
      "and publishes the result as metadata and bus messages. Example: "
      "gst-launch-1.0 -m v4l2src ! videoconvert ! cnnclassify model=m.onnx "
      "labels=l.txt overlay=true ! videoconvert ! autovideosink",
      "the gst-cnn authors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_cnn_classify_change_state);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_cnn_classify_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_cnn_classify_stop);
  trans_class->propose_allocation =
      GST_DEBUG_FUNCPTR (gst_cnn_classify_propose_allocation);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_cnn_classify_query);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_cnn_classify_sink_event);
  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_cnn_classify_set_info);
  filter_class->transform_frame_ip =
      GST_DEBUG_FUNCPTR (gst_cnn_classify_transform_frame_ip);
}

static void
gst_cnn_classify_init (GstCnnClassify * self)
{
  cnn_settings_init (&self->settings);
  self->poster = cnn_poster_new (GST_ELEMENT (self));
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), FALSE);
}
