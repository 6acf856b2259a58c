/* session.c — one stream's planned memory, thread pool and run loop.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A session allocates everything at creation: one 64-byte aligned arena
 * (run-time values and op scratch, planned for its thread count by
 * cnn_graph_plan), the value pointer table and the thread pool.
 * cnn_session_run() only walks the live nodes calling op->run; it
 * allocates nothing and touches no state shared with other sessions (the
 * model is read-only).
 */
#include "bigalloc.h"
#include "graph.h"
#include "model_priv.h"
#include "ops/ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct CnnSession {
  CnnModel *model;
  void *arena;
  uint64_t arena_bytes;
  void **ptr;              /* per value: arena slot or constant data */
  CnnArenaPlan plan;       /* where each node's scratch is */
  CnnExec exec;
  CnnThreadPool *pool;
  int threads;
  char error[CNN_ERROR_MAX];
};

void
cnn_session_options_init (CnnSessionOptions *opts)
{
  memset (opts, 0, sizeof *opts);
}

int
cnn_resolve_threads (int requested)
{
  if (requested > 0)
    return requested > 256 ? 256 : requested;
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int) (n > 256 ? 256 : n) : 1;
}

static CnnStatus
setup_memory (CnnSession *s, CnnDiag *d)
{
  const CnnGraph *g = &s->model->graph;
  CnnStatus st = cnn_graph_plan (g, s->threads, &s->plan, d);
  if (st != CNN_OK)
    return st;
  s->arena_bytes = s->plan.bytes;
  s->arena = cnn_big_alloc (s->arena_bytes);
  s->ptr = calloc ((size_t) g->n_values + 1, sizeof (void *));
  if (!s->arena || !s->ptr)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "cannot allocate %llu bytes of "
        "session memory", (unsigned long long) s->arena_bytes);
  memset (s->arena, 0, s->arena_bytes);
  for (int v = 0; v < g->n_values; v++) {
    const CnnValue *val = &g->values[v];
    if (val->kind == CNN_VALUE_CONST)
      s->ptr[v] = val->data;
    else if (s->plan.value_offset[v] >= 0)
      s->ptr[v] = (char *) s->arena + s->plan.value_offset[v];
  }
  s->exec.ptr = s->ptr;
  return CNN_OK;
}

CnnStatus
cnn_session_new (CnnModel *model, const CnnSessionOptions *opts,
    CnnSession **session_out, CnnError *err)
{
  CnnDiag d;
  cnn_diag_reset (&d);
  if (!model || !session_out) {
    cnn_fail (&d, CNN_ERR_ARGUMENT, "cnn_session_new: NULL argument");
    cnn_diag_to_error (&d, err);
    return d.status;
  }
  *session_out = NULL;
  CnnSession *s = calloc (1, sizeof *s);
  if (!s) {
    cnn_fail (&d, CNN_ERR_NO_MEMORY, "out of memory");
    cnn_diag_to_error (&d, err);
    return d.status;
  }
  s->model = cnn_model_ref (model);
  s->threads = cnn_resolve_threads (opts ? opts->threads : 0);
  CnnStatus st = setup_memory (s, &d);
  if (st == CNN_OK && s->threads > 1
      && !(s->pool = cnn_threadpool_new (s->threads)))
    st = cnn_fail (&d, CNN_ERR_NO_MEMORY, "cannot start %d threads",
        s->threads);
  s->exec.pool = s->pool;
  s->exec.threads = s->threads;
  if (st != CNN_OK) {
    cnn_session_free (s);
    cnn_diag_to_error (&d, err);
    return st;
  }
  if (err)
    cnn_diag_to_error (&d, err);
  *session_out = s;
  return CNN_OK;
}

void
cnn_session_free (CnnSession *session)
{
  if (!session)
    return;
  cnn_threadpool_free (session->pool);
  free (session->arena);
  free (session->ptr);
  cnn_arena_plan_clear (&session->plan);
  cnn_model_unref (session->model);
  free (session);
}

float *
cnn_session_input_data (CnnSession *session, size_t index)
{
  if (!session || index >= (size_t) session->model->graph.n_inputs)
    return NULL;
  return session->ptr[session->model->graph.inputs[index]];
}

const float *
cnn_session_output_data (const CnnSession *session, size_t index)
{
  if (!session || index >= (size_t) session->model->graph.n_outputs)
    return NULL;
  return session->ptr[session->model->graph.outputs[index]];
}

CnnStatus
cnn_session_set_input (CnnSession *session, size_t index, const float *data,
    size_t bytes)
{
  float *dst = cnn_session_input_data (session, index);
  if (!dst || !data)
    return CNN_ERR_ARGUMENT;
  const CnnValue *v =
      &session->model->graph.values[session->model->graph.inputs[index]];
  size_t want = (size_t) cnn_numel (&v->info) * sizeof (float);
  if (bytes != want) {
    snprintf (session->error, sizeof session->error, "input %zu ('%s') "
        "takes %zu bytes, got %zu", index, v->name, want, bytes);
    return CNN_ERR_ARGUMENT;
  }
  cnn_threadpool_wake (session->pool);
  memcpy (dst, data, bytes);
  return CNN_OK;
}

void
cnn_session_wake (CnnSession *session)
{
  if (session)
    cnn_threadpool_wake (session->pool);
}

CnnStatus
cnn_session_run (CnnSession *session)
{
  if (!session)
    return CNN_ERR_ARGUMENT;
  const CnnModel *m = session->model;
  const CnnGraph *g = &m->graph;
  CnnDiag d;
  d.status = CNN_OK;
  const CnnArenaPlan *plan = &session->plan;
  for (int k = 0; k < m->n_live; k++) {
    int i = m->live[k];
    const CnnNode *n = &g->nodes[i];
    session->exec.scratch = plan->scratch_offset[i] < 0 ? NULL
        : (char *) session->arena + plan->scratch_offset[i];
    session->exec.scratch_bytes = plan->scratch_bytes[i];
    CnnStatus st = n->op->run (g, n, &session->exec, &d);
    if (st != CNN_OK) {
      cnn_diag_prefix_node (&d, m->live[k], n->op_type, n->name);
      memcpy (session->error, d.message, sizeof session->error);
      return st;
    }
  }
  session->exec.runs++;
  session->error[0] = '\0';
  return CNN_OK;
}

const char *
cnn_session_last_error (const CnnSession *session)
{
  return session ? session->error : "NULL session";
}

int
cnn_session_threads (const CnnSession *session)
{
  return session ? session->threads : 0;
}
