/* cnnpostprocess.c — softmax, temporal smoothing, top-k, threshold.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnpostprocess.h. Smoothing is an exponential moving
 * average over inferences: with smoothing s, each new probability vector
 * contributes (1 - s); s = 0 disables it. Non-finite outputs count as 0.
 */
#include "cnnpostprocess.h"

#include <math.h>
#include <string.h>

void
cnn_result_init (CnnResult * result, guint n_classes)
{
  result->n_classes = n_classes;
  result->probs = g_new0 (gfloat, n_classes);
  result->pts = GST_CLOCK_TIME_NONE;
  result->inference_ns = 0;
  result->seq = 0;
}

void
cnn_result_clear (CnnResult * result)
{
  g_free (result->probs);
  memset (result, 0, sizeof *result);
}

void
cnn_result_copy (CnnResult * dest, const CnnResult * src)
{
  g_return_if_fail (dest->n_classes == src->n_classes);

  memcpy (dest->probs, src->probs, src->n_classes * sizeof (gfloat));
  dest->pts = src->pts;
  dest->inference_ns = src->inference_ns;
  dest->seq = src->seq;
}

void
cnn_scores_init (CnnScores * scores, guint n_classes)
{
  scores->n_classes = n_classes;
  scores->probs = g_new0 (gfloat, n_classes);
  scores->scratch = g_new0 (gfloat, n_classes);
  scores->have_history = FALSE;
}

void
cnn_scores_clear (CnnScores * scores)
{
  g_free (scores->probs);
  g_free (scores->scratch);
  scores->probs = scores->scratch = NULL;
  scores->n_classes = 0;
  scores->have_history = FALSE;
}

void
cnn_scores_reset (CnnScores * scores)
{
  scores->have_history = FALSE;
}

gboolean
cnn_is_distribution (const float *v, guint n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++) {
    if (!(v[i] >= 0.0f && v[i] <= 1.0f))
      return FALSE;
    sum += v[i];
  }
  return fabs (sum - 1.0) <= 1e-3;
}

void
cnn_softmax (const float *in, gfloat * out, guint n)
{
  float max = -INFINITY;
  double sum = 0;

  for (guint i = 0; i < n; i++)
    if (in[i] > max)
      max = in[i];
  if (!isfinite (max)) {
    /* all -inf/NaN, or +inf present: mass on the +inf entries, else 0 */
    for (guint i = 0; i < n; i++)
      out[i] = (isinf (max) && max > 0 && in[i] == max) ? 1.0f : 0.0f;
    return;
  }
  for (guint i = 0; i < n; i++) {
    out[i] = isnan (in[i]) ? 0.0f : expf (in[i] - max);
    sum += out[i];
  }
  for (guint i = 0; i < n; i++)
    out[i] = (gfloat) (out[i] / sum);
}

void
cnn_scores_update (CnnScores * scores, const float *raw, CnnSoftmaxMode mode,
    gfloat smoothing)
{
  const guint n = scores->n_classes;
  gboolean apply = mode == CNN_SOFTMAX_ON ||
      (mode == CNN_SOFTMAX_AUTO && !cnn_is_distribution (raw, n));
  gfloat keep = CLAMP (smoothing, 0.0f, 1.0f);
  gfloat *cur = scores->scratch;

  if (apply) {
    cnn_softmax (raw, cur, n);
  } else {
    for (guint i = 0; i < n; i++)
      cur[i] = isfinite (raw[i]) ? raw[i] : 0.0f;
  }
  if (keep <= 0.0f || !scores->have_history) {
    memcpy (scores->probs, cur, n * sizeof (gfloat));
  } else {
    for (guint i = 0; i < n; i++)
      scores->probs[i] = keep * scores->probs[i] + (1.0f - keep) * cur[i];
  }
  scores->have_history = TRUE;
}

/* Insert (id, score) into the descending list of at most k entries. */
static void
insert_sorted (CnnTopK * out, guint k, gint id, gfloat score)
{
  guint pos;

  if (out->n == k && score <= out->scores[k - 1])
    return;
  pos = out->n < k ? out->n++ : k - 1;
  while (pos > 0 && out->scores[pos - 1] < score) {
    out->ids[pos] = out->ids[pos - 1];
    out->scores[pos] = out->scores[pos - 1];
    pos--;
  }
  out->ids[pos] = id;
  out->scores[pos] = score;
}

void
cnn_top_k (const gfloat * probs, guint n_classes, guint k, gfloat threshold,
    CnnTopK * out)
{
  k = CLAMP (k, 1, CNN_MAX_TOP_K);
  out->n = 0;
  out->best_id = -1;
  out->best_score = 0.0f;
  for (guint i = 0; i < n_classes; i++) {
    if (out->best_id < 0 || probs[i] > out->best_score) {
      out->best_id = (gint) i;
      out->best_score = probs[i];
    }
    if (probs[i] >= threshold)
      insert_sorted (out, k, (gint) i, probs[i]);
  }
}
