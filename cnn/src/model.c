/* model.c — loading a model: file → ONNX graph → passes → immutable model.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Public CnnModel API (cnn.h). A model is built once by cnn_model_load_*,
 * never changed afterwards, and freed when the last reference goes, so any
 * number of sessions on any threads may share it.
 */
#include "graph.h"
#include "model_priv.h"
#include "onnx/onnx_load.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_MEMORY (2ULL << 30)

void
cnn_model_options_init (CnnModelOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->default_dim = 1;
  opts->max_memory_bytes = DEFAULT_MAX_MEMORY;
}

const char *
cnn_version (void)
{
  return "0.1.0";
}

static CnnStatus
list_live_nodes (CnnModel *m, CnnDiag *d)
{
  CnnGraph *g = &m->graph;
  m->live = malloc (sizeof (int) * (size_t) (g->n_nodes + 1));
  if (!m->live)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  for (int i = 0; i < g->n_nodes; i++)
    if (!g->nodes[i].dead)
      m->live[m->n_live++] = i;
  return CNN_OK;
}

static CnnStatus
check_outputs (const CnnGraph *g, CnnDiag *d)
{
  if (g->n_outputs == 0)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "the graph has no outputs");
  for (int k = 0; k < g->n_outputs; k++) {
    const CnnValue *v = &g->values[g->outputs[k]];
    if (!v->shape_known)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL,
          "graph output '%s' is not computed by the graph", v->name);
    if (v->kind != CNN_VALUE_CONST && v->info.dtype != CNN_DTYPE_FLOAT32)
      return cnn_fail (d, CNN_ERR_UNSUPPORTED,
          "graph output '%s' is not float32", v->name);
  }
  return CNN_OK;
}

/* Runs the passes of graph.h on the freshly loaded graph of m. */
static CnnStatus
build (CnnModel *m, const CnnModelOptions *opts, CnnDiag *d)
{
  CnnGraph *g = &m->graph;
  CnnStatus st;
  if ((st = cnn_graph_sort (g, d)) != CNN_OK
      || (st = cnn_graph_infer (g, opts->max_memory_bytes, d)) != CNN_OK
      || (st = cnn_graph_fuse (g, d)) != CNN_OK
      || (st = check_outputs (g, d)) != CNN_OK
      || (st = list_live_nodes (m, d)) != CNN_OK)
    return st;
  /* a plan now also proves the graph can be planned: sessions plan again
   * for their thread count */
  CnnArenaPlan plan;
  if ((st = cnn_graph_plan (g, 1, &plan, d)) != CNN_OK)
    return st;
  m->weight_bytes = cnn_graph_const_bytes (g);
  uint64_t total = m->weight_bytes + plan.bytes;
  cnn_arena_plan_clear (&plan);
  if (opts->max_memory_bytes && total > opts->max_memory_bytes)
    return cnn_fail (d, CNN_ERR_LIMIT, "model needs %llu bytes (weights + "
        "activations), more than the limit of %llu bytes",
        (unsigned long long) total,
        (unsigned long long) opts->max_memory_bytes);
  return CNN_OK;
}

/* Builds a model from ONNX bytes: the caller's (file NULL) or a model
 * file's (cnn_onnx_load_graph_file drops the pages of a mapping as it
 * reads them, so the weights are held once while loading). */
static CnnStatus
load_bytes (const void *bytes, size_t size, const CnnFileBytes *file,
    const char *dir, const CnnModelOptions *opts, CnnModel **model_out,
    CnnError *err)
{
  CnnDiag d;
  cnn_diag_reset (&d);
  CnnModelOptions defaults;
  if (!opts) {
    cnn_model_options_init (&defaults);
    opts = &defaults;
  }
  CnnModel *m = calloc (1, sizeof *m);
  CnnStatus st;
  if (!m) {
    st = cnn_fail (&d, CNN_ERR_NO_MEMORY, "out of memory");
  } else {
    atomic_init (&m->refcount, 1);
    cnn_graph_init (&m->graph);
    st = file
        ? cnn_onnx_load_graph_file (file, dir, opts, &m->graph, &d)
        : cnn_onnx_load_graph (bytes, size, dir, opts, &m->graph, &d);
    if (st == CNN_OK)
      st = build (m, opts, &d);
  }
  if (st != CNN_OK) {
    if (m) {
      atomic_store (&m->refcount, 1);
      cnn_model_unref (m);
    }
    cnn_diag_to_error (&d, err);
    return st;
  }
  *model_out = m;
  if (err)
    cnn_diag_to_error (&d, err);
  return CNN_OK;
}

CnnStatus
cnn_model_load_memory (const void *bytes, size_t size,
    const CnnModelOptions *opts, CnnModel **model_out, CnnError *err)
{
  if (!model_out || (!bytes && size)) {
    CnnDiag d;
    cnn_fail (&d, CNN_ERR_ARGUMENT, "cnn_model_load_memory: NULL argument");
    cnn_diag_to_error (&d, err);
    return d.status;
  }
  *model_out = NULL;
  return load_bytes (bytes, size, NULL, NULL, opts, model_out, err);
}

CnnStatus
cnn_model_load_file (const char *path, const CnnModelOptions *opts,
    CnnModel **model_out, CnnError *err)
{
  CnnDiag d;
  cnn_diag_reset (&d);
  if (!path || !model_out) {
    cnn_fail (&d, CNN_ERR_ARGUMENT, "cnn_model_load_file: NULL argument");
    cnn_diag_to_error (&d, err);
    return d.status;
  }
  *model_out = NULL;
  CnnFileBytes file;
  uint64_t max = opts ? opts->max_memory_bytes : DEFAULT_MAX_MEMORY;
  char dir[PATH_MAX];
  CnnStatus st = cnn_file_bytes_open (path, max, &file, &d);
  if (st == CNN_OK && !realpath (path, dir))
    st = cnn_fail (&d, CNN_ERR_IO, "cannot resolve '%s': %s", path,
        strerror (errno));
  if (st != CNN_OK) {
    cnn_file_bytes_close (&file);
    cnn_diag_to_error (&d, err);
    return st;
  }
  char *slash = strrchr (dir, '/');
  if (slash)
    slash[slash == dir ? 1 : 0] = '\0';
  st = load_bytes (NULL, 0, &file, dir, opts, model_out, err);
  cnn_file_bytes_close (&file);
  if (st != CNN_OK && err) {
    char msg[CNN_ERROR_MAX];
    snprintf (msg, sizeof msg, "%.200s: %.300s", path, err->message);
    memcpy (err->message, msg, sizeof msg);
  }
  return st;
}

CnnModel *
cnn_model_ref (CnnModel *model)
{
  if (model)
    atomic_fetch_add (&model->refcount, 1);
  return model;
}

void
cnn_model_unref (CnnModel *model)
{
  if (!model || atomic_fetch_sub (&model->refcount, 1) != 1)
    return;
  cnn_graph_clear (&model->graph);
  free (model->live);
  free (model);
}

/* ---- queries ----------------------------------------------------------- */

static CnnStatus
value_info (const CnnModel *model, const int *list, int n, size_t index,
    const char **name_out, CnnTensorInfo *info_out)
{
  if (!model || index >= (size_t) n)
    return CNN_ERR_ARGUMENT;
  const CnnValue *v = &model->graph.values[list[index]];
  if (name_out)
    *name_out = v->name;
  if (info_out)
    *info_out = v->info;
  return CNN_OK;
}

size_t
cnn_model_input_count (const CnnModel *model)
{
  return model ? (size_t) model->graph.n_inputs : 0;
}

size_t
cnn_model_output_count (const CnnModel *model)
{
  return model ? (size_t) model->graph.n_outputs : 0;
}

CnnStatus
cnn_model_input_info (const CnnModel *model, size_t index,
    const char **name_out, CnnTensorInfo *info_out)
{
  return value_info (model, model ? model->graph.inputs : NULL,
      model ? model->graph.n_inputs : 0, index, name_out, info_out);
}

CnnStatus
cnn_model_output_info (const CnnModel *model, size_t index,
    const char **name_out, CnnTensorInfo *info_out)
{
  return value_info (model, model ? model->graph.outputs : NULL,
      model ? model->graph.n_outputs : 0, index, name_out, info_out);
}

const char *
cnn_model_metadata (const CnnModel *model, const char *key)
{
  if (!model || !key)
    return NULL;
  for (int i = 0; i < model->graph.n_meta; i++)
    if (strcmp (model->graph.meta[i].key, key) == 0)
      return model->graph.meta[i].value;
  return NULL;
}

size_t
cnn_model_metadata_count (const CnnModel *model)
{
  return model ? (size_t) model->graph.n_meta : 0;
}

CnnStatus
cnn_model_metadata_at (const CnnModel *model, size_t index,
    const char **key_out, const char **value_out)
{
  if (!model || index >= (size_t) model->graph.n_meta)
    return CNN_ERR_ARGUMENT;
  if (key_out)
    *key_out = model->graph.meta[index].key;
  if (value_out)
    *value_out = model->graph.meta[index].value;
  return CNN_OK;
}

uint64_t
cnn_model_weight_bytes (const CnnModel *model)
{
  return model ? model->weight_bytes : 0;
}

uint64_t
cnn_model_arena_bytes (const CnnModel *model, int threads)
{
  if (!model)
    return 0;
  return cnn_graph_arena_bytes (&model->graph, cnn_resolve_threads (threads));
}

size_t
cnn_model_node_count (const CnnModel *model)
{
  return model ? (size_t) model->n_live : 0;
}
