/* onnx_model.c — ModelProto → CnnGraph: versions, constants, inputs,
 * bindings, outputs.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Order of the build (cnn_onnx_load_graph):
 *   1. parse (without the initializers' raw_data payloads, onnx_strip.c),
 *      check IR version and default-domain opset, copy metadata;
 *   2. initializers become CNN_VALUE_CONST values (onnx_tensor.c converts,
 *      payloads straight from the model bytes);
 *   3. graph inputs that are not initializers become CNN_VALUE_INPUT with
 *      their declared type (symbolic dims = opts->default_dim);
 *   4. opts->bindings fix shapes or turn inputs into constants;
 *   5. the remaining run-time inputs (float32 only) are listed in g->inputs;
 *   6. nodes (onnx_nodes.c), then graph outputs.
 * Any failure clears the graph; the protobuf tree is always freed.
 */
#include "onnx_build.h"
#include "onnx_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- name map ---------------------------------------------------------- */

static uint64_t
hash_str (const char *s)
{
  uint64_t h = 14695981039346656037ull;   /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (uint8_t) *s) * 1099511628211ull;
  return h;
}

bool
cnn_name_map_init (CnnNameMap *m, size_t max_entries)
{
  size_t cap = 16;
  while (cap < 2 * max_entries + 1)
    cap *= 2;
  m->keys = calloc (cap, sizeof (char *));
  m->vals = calloc (cap, sizeof (int));
  m->cap = cap;
  return m->keys && m->vals;
}

void
cnn_name_map_free (CnnNameMap *m)
{
  free (m->keys);
  free (m->vals);
  memset (m, 0, sizeof *m);
}

int
cnn_name_map_get (const CnnNameMap *m, const char *key)
{
  size_t mask = m->cap - 1;
  for (size_t i = hash_str (key) & mask; m->keys[i]; i = (i + 1) & mask)
    if (strcmp (m->keys[i], key) == 0)
      return m->vals[i];
  return -1;
}

void
cnn_name_map_put (CnnNameMap *m, const char *key, int value)
{
  size_t mask = m->cap - 1;
  size_t i = hash_str (key) & mask;
  while (m->keys[i])
    i = (i + 1) & mask;
  m->keys[i] = key;
  m->vals[i] = value;
}

/* ---- model header ------------------------------------------------------ */

static CnnStatus
check_versions (const Onnx__ModelProto *mp, CnnGraph *g, CnnDiag *d)
{
  int64_t ir = mp->has_ir_version ? mp->ir_version : 0;
  bool found = false;

  if (ir < CNN_ONNX_IR_MIN || ir > CNN_ONNX_IR_MAX)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "ONNX IR version %lld is not supported (%d to %d are)",
        (long long) ir, CNN_ONNX_IR_MIN, CNN_ONNX_IR_MAX);
  g->ir_version = ir;
  for (size_t i = 0; i < mp->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *os = mp->opset_import[i];
    const char *dom = os->domain ? os->domain : "";
    if (dom[0] && strcmp (dom, "ai.onnx") != 0)
      continue;           /* other domains matter only if a node uses them */
    g->opset = os->has_version ? os->version : 0;
    found = true;
  }
  if (!found)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "the model imports no opset of the default ONNX domain");
  if (g->opset < CNN_ONNX_OPSET_MIN || g->opset > CNN_ONNX_OPSET_MAX)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "ONNX opset %lld is not supported (%d to %d are)",
        (long long) g->opset, CNN_ONNX_OPSET_MIN, CNN_ONNX_OPSET_MAX);
  if (!mp->graph)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "the model has no graph");
  return CNN_OK;
}

static CnnStatus
copy_meta (const Onnx__ModelProto *mp, CnnGraph *g, CnnDiag *d)
{
  g->graph_name = strdup (mp->graph->name ? mp->graph->name : "");
  g->meta = calloc (mp->n_metadata_props ? mp->n_metadata_props : 1,
      sizeof (CnnMetaProp));
  if (!g->graph_name || !g->meta)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < mp->n_metadata_props; i++) {
    const Onnx__StringStringEntryProto *e = mp->metadata_props[i];
    CnnMetaProp *p = &g->meta[g->n_meta++];
    p->key = strdup (e->key ? e->key : "");
    p->value = strdup (e->value ? e->value : "");
    if (!p->key || !p->value)
      return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  }
  return CNN_OK;
}

/* ---- constants and inputs ---------------------------------------------- */

static CnnStatus
add_initializers (CnnOnnxBuild *b, const Onnx__GraphProto *gp)
{
  char what[160];

  if (gp->n_sparse_initializer)
    return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
        "sparse initializers are not supported");
  for (size_t i = 0; i < gp->n_initializer; i++) {
    Onnx__TensorProto *tp = gp->initializer[i];
    const char *name = tp->name ? tp->name : "";
    CnnTensorInfo info;
    void *data;

    if (!name[0])
      return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
          "initializer %zu has no name", i);
    if (cnn_name_map_get (&b->names, name) >= 0)
      return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
          "initializer '%s' is defined twice", name);
    snprintf (what, sizeof what, "initializer '%.128s'", name);
    CnnStatus st = cnn_onnx_initializer_convert (tp, &b->data, what, &info,
        &data, b->d);
    if (st != CNN_OK)
      return st;
    int v = cnn_graph_add_value (b->g, name, CNN_VALUE_CONST);
    if (v < 0) {
      free (data);
      return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
    }
    b->g->values[v].info = info;
    b->g->values[v].data = data;
    b->g->values[v].shape_known = true;
    cnn_name_map_put (&b->names, b->g->values[v].name, v);
  }
  return CNN_OK;
}

/* What the file declares about one graph input. */
typedef struct {
  int value;            /* value index */
  int32_t elem_type;    /* declared ONNX type (0 = none) */
  bool is_init;         /* also an initializer: stays constant */
  bool has_shape;       /* declared or bound shape */
  bool bound;
} InputDecl;

/* Reads the declared type of a graph input into info (ONNX type number
 * in info->dtype; symbolic or missing dims become default_dim). */
static CnnStatus
declared_info (const Onnx__ValueInfoProto *vi, int64_t default_dim,
    CnnTensorInfo *info, InputDecl *decl, CnnDiag *d)
{
  const Onnx__TypeProto *tp = vi->type;
  const Onnx__TensorShapeProto *sh;

  memset (info, 0, sizeof *info);
  if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
      || !tp->tensor_type)
    return decl->is_init ? CNN_OK : cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "graph input '%s' is not a tensor", vi->name);
  decl->elem_type = tp->tensor_type->has_elem_type
      ? tp->tensor_type->elem_type : 0;
  info->dtype = (CnnDType) decl->elem_type;
  sh = tp->tensor_type->shape;
  if (!sh)
    return CNN_OK;
  if (sh->n_dim > CNN_MAX_RANK)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED,
        "graph input '%s' has rank %zu; at most %d is supported", vi->name,
        sh->n_dim, CNN_MAX_RANK);
  info->rank = (int) sh->n_dim;
  for (size_t k = 0; k < sh->n_dim; k++) {
    const Onnx__TensorShapeProto__Dimension *dim = sh->dim[k];
    if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
      if (dim->dim_value < 0)
        return cnn_fail (d, CNN_ERR_INVALID_MODEL,
            "graph input '%s' has negative dimension %lld", vi->name,
            (long long) dim->dim_value);
      info->dims[k] = dim->dim_value;
    } else {
      info->dims[k] = default_dim;
    }
  }
  decl->has_shape = true;
  return CNN_OK;
}

static CnnStatus
add_input (CnnOnnxBuild *b, const Onnx__ValueInfoProto *vi, size_t i,
    int64_t default_dim, bool *listed, InputDecl *decl)
{
  const char *name = vi->name ? vi->name : "";
  CnnTensorInfo info;
  CnnStatus st;
  int v;

  if (!name[0])
    return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
        "graph input %zu has no name", i);
  v = cnn_name_map_get (&b->names, name);
  if (v >= 0 && (b->g->values[v].kind != CNN_VALUE_CONST || listed[v]))
    return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
        "graph input '%s' is listed twice", name);
  decl->is_init = v >= 0;
  st = declared_info (vi, default_dim, &info, decl, b->d);
  if (st != CNN_OK)
    return st;
  if (v >= 0) {
    listed[v] = true;
  } else {
    v = cnn_graph_add_value (b->g, name, CNN_VALUE_INPUT);
    if (v < 0)
      return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
    b->g->values[v].info = info;
    cnn_name_map_put (&b->names, b->g->values[v].name, v);
  }
  decl->value = v;
  return CNN_OK;
}

static CnnStatus
add_inputs (CnnOnnxBuild *b, const Onnx__GraphProto *gp, int64_t default_dim,
    InputDecl *decls)
{
  /* initializers listed as inputs: value indices 0 .. n_initializer-1 */
  bool *listed = calloc (gp->n_initializer ? gp->n_initializer : 1, 1);
  CnnStatus st = CNN_OK;

  if (!listed)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < gp->n_input && st == CNN_OK; i++)
    st = add_input (b, gp->input[i], i, default_dim, listed, &decls[i]);
  free (listed);
  return st;
}

/* ---- bindings ---------------------------------------------------------- */

static CnnStatus
check_binding (CnnOnnxBuild *b, const CnnInputBinding *bd,
    const InputDecl *decl, const CnnValue *val)
{
  CnnDType want = (CnnDType) decl->elem_type;
  int64_t numel = 1;

  if (decl->bound)
    return cnn_fail (b->d, CNN_ERR_ARGUMENT, "input '%s' is bound twice",
        bd->name);
  if (bd->info.dtype != want && !(want == CNN_DTYPE_INT32
          && bd->info.dtype == CNN_DTYPE_INT64))
    return cnn_fail (b->d, CNN_ERR_ARGUMENT,
        "binding for input '%s' is %s but the model declares %s", bd->name,
        cnn_onnx_type_name ((int32_t) bd->info.dtype),
        cnn_onnx_type_name ((int32_t) want));
  if (bd->info.rank < 0 || bd->info.rank > CNN_MAX_RANK)
    return cnn_fail (b->d, CNN_ERR_ARGUMENT,
        "binding for input '%s' has invalid rank %d", bd->name,
        bd->info.rank);
  if (decl->has_shape && !decl->is_init && bd->info.rank != val->info.rank)
    return cnn_fail (b->d, CNN_ERR_ARGUMENT,
        "binding for input '%s' has rank %d but the model declares %d",
        bd->name, bd->info.rank, val->info.rank);
  for (int k = 0; k < bd->info.rank; k++)
    if (cnn_mul_overflows (numel, bd->info.dims[k], &numel))
      return cnn_fail (b->d, CNN_ERR_ARGUMENT,
          "binding for input '%s' has invalid dimensions", bd->name);
  if (decl->is_init && !bd->data)
    return cnn_fail (b->d, CNN_ERR_ARGUMENT,
        "input '%s' has an initializer; its binding must give a value",
        bd->name);
  return CNN_OK;
}

static CnnStatus
apply_binding (CnnOnnxBuild *b, const CnnInputBinding *bd, InputDecl *decl)
{
  CnnValue *val = &b->g->values[decl->value];
  char what[160];
  void *data;
  CnnDType dt;

  CnnStatus st = check_binding (b, bd, decl, val);
  if (st != CNN_OK)
    return st;
  decl->bound = true;
  decl->has_shape = true;
  if (!bd->data) {
    for (int k = 0; k < bd->info.rank; k++)
      val->info.dims[k] = bd->info.dims[k];
    val->info.rank = bd->info.rank;
    return CNN_OK;
  }
  snprintf (what, sizeof what, "binding for input '%.128s'", bd->name);
  st = cnn_onnx_convert_host ((int32_t) bd->info.dtype, bd->data,
      cnn_numel (&bd->info), &b->data, what, &dt, &data, b->d);
  if (st != CNN_OK)
    return st;
  free (val->data);
  val->data = data;
  val->info = bd->info;
  val->info.dtype = dt;
  val->kind = CNN_VALUE_CONST;
  val->shape_known = true;
  return CNN_OK;
}

static CnnStatus
apply_bindings (CnnOnnxBuild *b, const CnnModelOptions *opts,
    InputDecl *decls, size_t n_decls)
{
  for (size_t i = 0; i < opts->n_bindings; i++) {
    const CnnInputBinding *bd = &opts->bindings[i];
    int v = bd->name ? cnn_name_map_get (&b->names, bd->name) : -1;
    InputDecl *decl = NULL;

    for (size_t j = 0; v >= 0 && j < n_decls && !decl; j++)
      if (decls[j].value == v)
        decl = &decls[j];
    if (!decl)
      return cnn_fail (b->d, CNN_ERR_ARGUMENT,
          "binding names '%s', which is not a graph input",
          bd->name ? bd->name : "(null)");
    CnnStatus st = apply_binding (b, bd, decl);
    if (st != CNN_OK)
      return st;
  }
  return CNN_OK;
}

/* g->inputs: graph inputs still fed at run time, which must be float32. */
static CnnStatus
collect_runtime_inputs (CnnOnnxBuild *b, const InputDecl *decls, size_t n)
{
  CnnGraph *g = b->g;

  g->inputs = malloc (sizeof (int) * (n ? n : 1));
  if (!g->inputs)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < n; i++) {
    CnnValue *val = &g->values[decls[i].value];
    if (val->kind != CNN_VALUE_INPUT)
      continue;
    if (val->info.dtype != CNN_DTYPE_FLOAT32)
      return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
          "input '%s' is %s; bind its value with CnnInputBinding", val->name,
          cnn_onnx_type_name ((int32_t) val->info.dtype));
    if (!decls[i].has_shape)
      return cnn_fail (b->d, CNN_ERR_UNSUPPORTED,
          "input '%s' declares no shape; give one with CnnInputBinding",
          val->name);
    val->shape_known = true;
    g->inputs[g->n_inputs++] = decls[i].value;
  }
  return CNN_OK;
}

static CnnStatus
add_outputs (CnnOnnxBuild *b, const Onnx__GraphProto *gp)
{
  CnnGraph *g = b->g;

  if (gp->n_output == 0)
    return cnn_fail (b->d, CNN_ERR_INVALID_MODEL, "the graph has no outputs");
  g->outputs = malloc (sizeof (int) * gp->n_output);
  if (!g->outputs)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < gp->n_output; i++) {
    const char *name = gp->output[i]->name ? gp->output[i]->name : "";
    int v = cnn_name_map_get (&b->names, name);
    if (v < 0)
      return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
          "graph output '%s' is not produced by any node", name);
    if (g->values[v].is_output)
      return cnn_fail (b->d, CNN_ERR_INVALID_MODEL,
          "graph output '%s' is listed twice", name);
    g->values[v].is_output = true;
    g->outputs[g->n_outputs++] = v;
  }
  return CNN_OK;
}

/* ---- entry points ------------------------------------------------------ */

static CnnStatus
build_graph (CnnOnnxBuild *b, const Onnx__ModelProto *mp,
    const CnnModelOptions *opts)
{
  const Onnx__GraphProto *gp = mp->graph;
  size_t names = gp->n_initializer + gp->n_input;
  InputDecl *decls;
  CnnStatus st;

  for (size_t i = 0; i < gp->n_node; i++)
    names += gp->node[i]->n_output;
  if (names > (size_t) (INT32_MAX / 4))
    return cnn_fail (b->d, CNN_ERR_LIMIT, "too many values (%zu)", names);
  if (!cnn_name_map_init (&b->names, names))
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  decls = calloc (gp->n_input ? gp->n_input : 1, sizeof (InputDecl));
  if (!decls)
    return cnn_fail (b->d, CNN_ERR_NO_MEMORY, "out of memory");
  st = add_initializers (b, gp);
  if (st == CNN_OK)
    st = add_inputs (b, gp, opts->default_dim, decls);
  if (st == CNN_OK)
    st = apply_bindings (b, opts, decls, gp->n_input);
  if (st == CNN_OK)
    st = collect_runtime_inputs (b, decls, gp->n_input);
  free (decls);
  if (st == CNN_OK)
    st = cnn_onnx_add_nodes (b, gp);
  if (st == CNN_OK)
    st = add_outputs (b, gp);
  return st;
}

/* Unpacks the model without the payloads of its initializers' raw_data
 * (onnx_strip.c): protobuf-c copies only the metadata, and the payloads
 * are converted from the model bytes when the initializers are added. */
static Onnx__ModelProto *
unpack_model (const void *bytes, size_t size, bool mapped,
    CnnOnnxStripped *stripped, CnnDiag *d)
{
  Onnx__ModelProto *mp = NULL;

  if (cnn_onnx_check_nesting (bytes, size, d) != CNN_OK
      || cnn_onnx_strip (bytes, size, stripped, d) != CNN_OK)
    return NULL;
  stripped->release = mapped;
  if (mapped)           /* the walk touched metadata pages only */
    cnn_release_pages (bytes, size);
  mp = onnx__model_proto__unpack (NULL, stripped->size, stripped->bytes);
  cnn_onnx_strip_free_bytes (stripped);
  if (!mp)
    cnn_fail (d, CNN_ERR_PARSE, "not a valid ONNX model (protobuf parse "
        "failed: truncated or not an ONNX file)");
  return mp;
}

static CnnStatus
load_graph (const void *bytes, size_t size, bool mapped,
    const char *model_dir, const CnnModelOptions *opts, CnnGraph *g,
    CnnDiag *d)
{
  CnnModelOptions defaults = { .default_dim = 1 };
  CnnOnnxBuild b = { .g = g, .d = d };
  CnnOnnxStripped stripped = { 0 };
  Onnx__ModelProto *mp;
  CnnStatus st;

  if (!opts)
    opts = &defaults;
  if (!g || (!bytes && size))
    return cnn_fail (d, CNN_ERR_ARGUMENT, "NULL model bytes or graph");
  if (opts->default_dim < 0 || (opts->n_bindings && !opts->bindings))
    return cnn_fail (d, CNN_ERR_ARGUMENT, "invalid model options");
  cnn_graph_init (g);
  b.data.model_dir = model_dir;
  b.data.limit = opts->max_memory_bytes;
  b.data.stripped = &stripped;
  if (!(mp = unpack_model (bytes ? bytes : "", size, mapped, &stripped, d))) {
    cnn_onnx_strip_clear (&stripped);
    return d->status;
  }
  st = check_versions (mp, g, d);
  if (st == CNN_OK)
    st = copy_meta (mp, g, d);
  if (st == CNN_OK)
    st = build_graph (&b, mp, opts);
  cnn_name_map_free (&b.names);
  onnx__model_proto__free_unpacked (mp, NULL);
  cnn_onnx_strip_clear (&stripped);
  if (st != CNN_OK)
    cnn_graph_clear (g);
  return st;
}

CnnStatus
cnn_onnx_load_graph (const void *bytes, size_t size, const char *model_dir,
    const CnnModelOptions *opts, CnnGraph *g, CnnDiag *d)
{
  return load_graph (bytes, size, false, model_dir, opts, g, d);
}

CnnStatus
cnn_onnx_load_graph_file (const CnnFileBytes *file, const char *model_dir,
    const CnnModelOptions *opts, CnnGraph *g, CnnDiag *d)
{
  if (!file)
    return cnn_fail (d, CNN_ERR_ARGUMENT, "NULL model bytes or graph");
  return load_graph (file->data, file->size, file->mapped, model_dir, opts,
      g, d);
}

CnnStatus
cnn_onnx_list_inputs (const void *bytes, size_t size,
    CnnOnnxInputDecl **decls_out, size_t *n_out, CnnDiag *d)
{
  CnnOnnxStripped stripped;
  Onnx__ModelProto *mp;
  CnnOnnxInputDecl *out;
  size_t n = 0;
  CnnStatus st = CNN_OK;

  *decls_out = NULL;
  *n_out = 0;
  if ((st = cnn_onnx_check_nesting (bytes, size, d)) != CNN_OK)
    return st;
  /* only names and types are needed: unpack without the weights */
  if ((st = cnn_onnx_strip (bytes, size, &stripped, d)) != CNN_OK)
    return st == CNN_ERR_PARSE ? cnn_fail (d, CNN_ERR_PARSE,
        "not a valid ONNX model (protobuf parse failed)") : st;
  mp = onnx__model_proto__unpack (NULL, stripped.size, stripped.bytes);
  cnn_onnx_strip_clear (&stripped);
  if (!mp)
    return cnn_fail (d, CNN_ERR_PARSE,
        "not a valid ONNX model (protobuf parse failed)");
  if (!mp->graph) {
    onnx__model_proto__free_unpacked (mp, NULL);
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "the model has no graph");
  }
  const Onnx__GraphProto *gp = mp->graph;
  out = calloc (gp->n_input ? gp->n_input : 1, sizeof *out);
  for (size_t i = 0; out && i < gp->n_input && st == CNN_OK; i++) {
    const Onnx__ValueInfoProto *vi = gp->input[i];
    const char *name = vi->name ? vi->name : "";
    bool is_init = false;
    for (size_t k = 0; k < gp->n_initializer && !is_init; k++)
      is_init = gp->initializer[k]->name
          && strcmp (gp->initializer[k]->name, name) == 0;
    if (is_init)
      continue;
    if (!(out[n].name = strdup (name)))
      st = cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
    else if (vi->type && vi->type->value_case
        == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && vi->type->tensor_type)
      out[n].elem_type = vi->type->tensor_type->elem_type;
    n++;
  }
  onnx__model_proto__free_unpacked (mp, NULL);
  if (!out)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  if (st != CNN_OK) {
    cnn_onnx_input_decls_free (out, n);
    return st;
  }
  *decls_out = out;
  *n_out = n;
  return CNN_OK;
}

void
cnn_onnx_input_decls_free (CnnOnnxInputDecl *decls, size_t n)
{
  for (size_t i = 0; decls && i < n; i++)
    free (decls[i].name);
  free (decls);
}
