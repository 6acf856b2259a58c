/* cnnasync.h — inference on a worker thread (cnnclassify async=true).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: the worker owns the engine's session while a job runs. The
 * streaming thread calls cnn_worker_try_begin(); only when it returns TRUE
 * may it write engine->input (the worker is idle) and then must call
 * cnn_worker_submit(). Finished results are read with cnn_worker_latest(),
 * which never waits for a running inference. Frames therefore never block
 * on the model; a frame arriving while the worker is busy is not classified.
 */
#ifndef __CNN_ASYNC_H__
#define __CNN_ASYNC_H__

#include "cnnengine.h"
#include "cnnpostprocess.h"

G_BEGIN_DECLS

typedef struct CnnWorker CnnWorker;

/* The worker uses engine and updates scores; both must outlive it. */
CnnWorker *cnn_worker_new (CnnEngine * engine, CnnScores * scores);
/* Stops the thread (waits for a running inference) and frees. */
void cnn_worker_free (CnnWorker * worker);

/* New stream: waits for a running inference to finish, then forgets the
 * finished result (latest seq back to 0) and the scores' history, so no
 * result of the old stream is handed out afterwards. */
void cnn_worker_reset (CnnWorker * worker);

gboolean cnn_worker_try_begin (CnnWorker * worker);
void cnn_worker_submit (CnnWorker * worker, GstClockTime pts,
    guint64 preprocess_ns, CnnSoftmaxMode softmax, gfloat smoothing);

/* Copies the newest finished result into out when its seq differs from
 * out->seq; returns TRUE when out changed. */
gboolean cnn_worker_latest (CnnWorker * worker, CnnResult * out);
/* Error text of a failed inference since the last call, or NULL (free). */
gchar *cnn_worker_take_error (CnnWorker * worker);

G_END_DECLS

#endif /* __CNN_ASYNC_H__ */
