/* cnnasync.c — a single worker thread running the newest submitted frame.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnasync.h. One mutex guards the job flag, the finished
 * result and the error text; the inference itself runs unlocked.
 */
#include "cnnasync.h"

#include <string.h>

struct CnnWorker {
  CnnEngine *engine;
  CnnScores *scores;
  GThread *thread;
  GMutex lock;
  GCond cond;                   /* a job was submitted, or quit */
  GCond idle_cond;              /* a job finished */
  gboolean quit;
  gboolean busy;                /* a job is submitted or running */
  /* the job */
  GstClockTime pts;
  guint64 preprocess_ns;
  CnnSoftmaxMode softmax;
  gfloat smoothing;
  /* output */
  CnnResult latest;
  gchar *error;
};

static void
run_job (CnnWorker * w)
{
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = cnn_engine_run (w->engine, &error);

  if (ok)
    cnn_scores_update (w->scores, w->engine->output, w->softmax,
        w->smoothing);
  g_mutex_lock (&w->lock);
  if (ok) {
    memcpy (w->latest.probs, w->scores->probs,
        w->latest.n_classes * sizeof (gfloat));
    w->latest.pts = w->pts;
    w->latest.inference_ns = w->preprocess_ns +
        (guint64) (g_get_monotonic_time () - t0) * 1000;
    w->latest.seq++;
  } else {
    g_free (w->error);
    w->error = g_strdup (error->message);
    g_error_free (error);
  }
  w->busy = FALSE;
  g_cond_broadcast (&w->idle_cond);
  g_mutex_unlock (&w->lock);
}

static gpointer
worker_main (gpointer data)
{
  CnnWorker *w = data;

  g_mutex_lock (&w->lock);
  while (TRUE) {
    while (!w->busy && !w->quit)
      g_cond_wait (&w->cond, &w->lock);
    if (w->quit)
      break;
    g_mutex_unlock (&w->lock);
    run_job (w);
    g_mutex_lock (&w->lock);
  }
  g_mutex_unlock (&w->lock);
  return NULL;
}

CnnWorker *
cnn_worker_new (CnnEngine * engine, CnnScores * scores)
{
  CnnWorker *w = g_new0 (CnnWorker, 1);

  w->engine = engine;
  w->scores = scores;
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  g_cond_init (&w->idle_cond);
  cnn_result_init (&w->latest, engine->n_classes);
  w->thread = g_thread_new ("cnnclassify-worker", worker_main, w);
  return w;
}

void
cnn_worker_free (CnnWorker * worker)
{
  if (worker == NULL)
    return;
  g_mutex_lock (&worker->lock);
  worker->quit = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->lock);
  g_thread_join (worker->thread);
  cnn_result_clear (&worker->latest);
  g_free (worker->error);
  g_mutex_clear (&worker->lock);
  g_cond_clear (&worker->cond);
  g_cond_clear (&worker->idle_cond);
  g_free (worker);
}

void
cnn_worker_reset (CnnWorker * worker)
{
  g_mutex_lock (&worker->lock);
  while (worker->busy)
    g_cond_wait (&worker->idle_cond, &worker->lock);
  worker->latest.seq = 0;
  cnn_scores_reset (worker->scores);
  g_mutex_unlock (&worker->lock);
}

gboolean
cnn_worker_try_begin (CnnWorker * worker)
{
  gboolean idle;

  g_mutex_lock (&worker->lock);
  idle = !worker->busy;
  g_mutex_unlock (&worker->lock);
  return idle;
}

void
cnn_worker_submit (CnnWorker * worker, GstClockTime pts,
    guint64 preprocess_ns, CnnSoftmaxMode softmax, gfloat smoothing)
{
  g_mutex_lock (&worker->lock);
  worker->pts = pts;
  worker->preprocess_ns = preprocess_ns;
  worker->softmax = softmax;
  worker->smoothing = smoothing;
  worker->busy = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->lock);
}

gboolean
cnn_worker_latest (CnnWorker * worker, CnnResult * out)
{
  gboolean changed = FALSE;

  g_mutex_lock (&worker->lock);
  if (worker->latest.seq != out->seq) {
    cnn_result_copy (out, &worker->latest);
    changed = TRUE;
  }
  g_mutex_unlock (&worker->lock);
  return changed;
}

gchar *
cnn_worker_take_error (CnnWorker * worker)
{
  gchar *error;

  g_mutex_lock (&worker->lock);
  error = worker->error;
  worker->error = NULL;
  g_mutex_unlock (&worker->lock);
  return error;
}
