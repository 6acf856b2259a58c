/* cnnpostprocess.h — model output → probabilities → top-k.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: CnnScores keeps the (optionally smoothed) probability vector of
 * one stream; it is allocated once by cnn_scores_init() and updated without
 * allocation. cnn_top_k() selects the best k classes of a probability vector
 * and applies the threshold.
 */
#ifndef __CNN_POSTPROCESS_H__
#define __CNN_POSTPROCESS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

#define CNN_MAX_TOP_K 100

typedef enum {
  CNN_SOFTMAX_AUTO,             /* apply unless the output already sums to 1 */
  CNN_SOFTMAX_ON,
  CNN_SOFTMAX_OFF,
} CnnSoftmaxMode;

typedef struct {
  guint n_classes;
  gfloat *probs;                /* n_classes values */
  gfloat *scratch;              /* n_classes values, this frame's */
  gboolean have_history;        /* probs holds an earlier frame (smoothing) */
} CnnScores;

typedef struct {
  guint n;                      /* entries that reached the threshold */
  gint ids[CNN_MAX_TOP_K];
  gfloat scores[CNN_MAX_TOP_K];
  gint best_id;                 /* top-1 even when below the threshold */
  gfloat best_score;
} CnnTopK;

/* A finished result: probabilities and where they came from. */
typedef struct {
  guint n_classes;
  gfloat *probs;                /* n_classes values */
  GstClockTime pts;             /* PTS of the frame it was computed on */
  guint64 inference_ns;         /* preprocess + inference + postprocess */
  guint64 seq;                  /* 0 = no result yet, then 1, 2, ... */
} CnnResult;

void cnn_result_init (CnnResult * result, guint n_classes);
void cnn_result_clear (CnnResult * result);
/* Copies probs and provenance; both sides have the same n_classes. */
void cnn_result_copy (CnnResult * dest, const CnnResult * src);

void cnn_scores_init (CnnScores * scores, guint n_classes);
void cnn_scores_clear (CnnScores * scores);
/* Forget the history (new stream, smoothing changed to 0). */
void cnn_scores_reset (CnnScores * scores);
/* probs = smoothing * probs + (1 - smoothing) * softmax?(raw). */
void cnn_scores_update (CnnScores * scores, const float *raw,
    CnnSoftmaxMode mode, gfloat smoothing);

/* TRUE when every value is in [0,1] and they sum to 1 within 1e-3. */
gboolean cnn_is_distribution (const float *v, guint n);
void cnn_softmax (const float *in, gfloat * out, guint n);
void cnn_top_k (const gfloat * probs, guint n_classes, guint k,
    gfloat threshold, CnnTopK * out);

G_END_DECLS

#endif /* __CNN_POSTPROCESS_H__ */
