/* model_builder.c — see model_builder.h.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every allocation is recorded in the TbModel and released by tb_free();
 * repeated fields grow by copying into a new recorded array. Test code only:
 * allocation failure ends the test program.
 */
#include "model_builder.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct TbModel {
  Onnx__ModelProto model;
  Onnx__GraphProto graph;
  void **allocs;
  size_t n_allocs, cap_allocs;
};

void *
tb_alloc (TbModel *m, size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (!p) {
    fprintf (stderr, "model_builder: out of memory\n");
    exit (99);
  }
  if (m->n_allocs == m->cap_allocs) {
    m->cap_allocs = m->cap_allocs ? 2 * m->cap_allocs : 64;
    m->allocs = realloc (m->allocs, m->cap_allocs * sizeof (void *));
    if (!m->allocs) {
      fprintf (stderr, "model_builder: out of memory\n");
      exit (99);
    }
  }
  m->allocs[m->n_allocs++] = p;
  return p;
}

char *
tb_strdup (TbModel *m, const char *s)
{
  size_t n = strlen (s);
  char *c = tb_alloc (m, n + 1);
  memcpy (c, s, n);
  return c;
}

/* Appends item to a repeated field (array of pointers, count). Arrays only
 * grow through here, so their capacity is the next power of two: a new
 * array is needed when the count is 0 or a power of two. */
static void
push (TbModel *m, void ***arr, size_t *n, void *item)
{
  if ((*n & (*n - 1)) == 0) {
    void **grown = tb_alloc (m, (*n ? 2 * *n : 1) * sizeof (void *));
    if (*n)
      memcpy (grown, *arr, *n * sizeof (void *));
    *arr = grown;
  }
  (*arr)[(*n)++] = item;
}

TbModel *
tb_new (int64_t ir_version, int64_t opset)
{
  TbModel *m = calloc (1, sizeof *m);
  if (!m)
    exit (99);
  onnx__model_proto__init (&m->model);
  onnx__graph_proto__init (&m->graph);
  m->model.has_ir_version = 1;
  m->model.ir_version = ir_version;
  m->model.producer_name = tb_strdup (m, "gst-cnn tests");
  m->model.graph = &m->graph;
  m->graph.name = tb_strdup (m, "g");
  Onnx__OperatorSetIdProto *os = tb_alloc (m, sizeof *os);
  onnx__operator_set_id_proto__init (os);
  os->domain = tb_strdup (m, "");
  os->has_version = 1;
  os->version = opset;
  push (m, (void ***) &m->model.opset_import, &m->model.n_opset_import, os);
  return m;
}

void
tb_free (TbModel *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->n_allocs; i++)
    free (m->allocs[i]);
  free (m->allocs);
  free (m);
}

Onnx__ModelProto *
tb_proto (TbModel *m)
{
  return &m->model;
}

static Onnx__TensorProto *
tensor_new (TbModel *m, const char *name, int32_t type, int rank,
    const int64_t *dims)
{
  Onnx__TensorProto *t = tb_alloc (m, sizeof *t);
  onnx__tensor_proto__init (t);
  t->name = tb_strdup (m, name);
  t->has_data_type = 1;
  t->data_type = type;
  t->n_dims = (size_t) rank;
  t->dims = tb_alloc (m, sizeof (int64_t) * (size_t) (rank ? rank : 1));
  for (int i = 0; i < rank; i++)
    t->dims[i] = dims[i];
  return t;
}

static size_t
numel_of (int rank, const int64_t *dims)
{
  size_t n = 1;
  for (int i = 0; i < rank; i++)
    n *= (size_t) dims[i];
  return n;
}

Onnx__TensorProto *
tb_tensor_f32 (TbModel *m, const char *name, int rank, const int64_t *dims,
    const float *data)
{
  Onnx__TensorProto *t = tensor_new (m, name, 1, rank, dims);
  if (data) {
    size_t bytes = numel_of (rank, dims) * sizeof (float);
    t->has_raw_data = 1;
    t->raw_data.len = bytes;
    t->raw_data.data = tb_alloc (m, bytes);
    memcpy (t->raw_data.data, data, bytes);
  }
  return t;
}

Onnx__TensorProto *
tb_tensor_i64 (TbModel *m, const char *name, int rank, const int64_t *dims,
    const int64_t *data)
{
  Onnx__TensorProto *t = tensor_new (m, name, 7, rank, dims);
  size_t bytes = numel_of (rank, dims) * sizeof (int64_t);
  t->has_raw_data = 1;
  t->raw_data.len = bytes;
  t->raw_data.data = tb_alloc (m, bytes);
  memcpy (t->raw_data.data, data, bytes);
  return t;
}

Onnx__TensorProto *
tb_add_initializer (TbModel *m, Onnx__TensorProto *t)
{
  push (m, (void ***) &m->graph.initializer, &m->graph.n_initializer, t);
  return t;
}

static Onnx__ValueInfoProto *
value_info (TbModel *m, const char *name, int32_t elem_type, int rank,
    const int64_t *dims)
{
  Onnx__ValueInfoProto *vi = tb_alloc (m, sizeof *vi);
  Onnx__TypeProto *tp = tb_alloc (m, sizeof *tp);
  Onnx__TypeProto__Tensor *tt = tb_alloc (m, sizeof *tt);
  onnx__value_info_proto__init (vi);
  onnx__type_proto__init (tp);
  onnx__type_proto__tensor__init (tt);
  vi->name = tb_strdup (m, name);
  vi->type = tp;
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  tt->has_elem_type = 1;
  tt->elem_type = elem_type;
  if (rank >= 0) {
    Onnx__TensorShapeProto *sh = tb_alloc (m, sizeof *sh);
    onnx__tensor_shape_proto__init (sh);
    for (int i = 0; i < rank; i++) {
      Onnx__TensorShapeProto__Dimension *d = tb_alloc (m, sizeof *d);
      onnx__tensor_shape_proto__dimension__init (d);
      if (dims[i] >= 0) {
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
        d->dim_value = dims[i];
      } else {
        d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
        d->dim_param = tb_strdup (m, "N");
      }
      push (m, (void ***) &sh->dim, &sh->n_dim, d);
    }
    tt->shape = sh;
  }
  return vi;
}

Onnx__ValueInfoProto *
tb_input (TbModel *m, const char *name, int32_t elem_type, int rank,
    const int64_t *dims)
{
  Onnx__ValueInfoProto *vi = value_info (m, name, elem_type, rank, dims);
  push (m, (void ***) &m->graph.input, &m->graph.n_input, vi);
  return vi;
}

Onnx__ValueInfoProto *
tb_output (TbModel *m, const char *name)
{
  Onnx__ValueInfoProto *vi = value_info (m, name, 1, -1, NULL);
  push (m, (void ***) &m->graph.output, &m->graph.n_output, vi);
  return vi;
}

const float tb_small_b[4] = { 1, -2, 3, -4 };

TbModel *
tb_small_model (void)
{
  static const int64_t x_dims[4] = { 1, 2, 2, 4 }, b_dims[1] = { 4 };
  TbModel *m = tb_new (8, 13);
  tb_input (m, "x", 1, 4, x_dims);
  tb_add_initializer (m, tb_tensor_f32 (m, "b", 1, b_dims, tb_small_b));
  tb_node (m, "Add", "add0", "x,b", "t");
  tb_node (m, "Relu", "relu0", "t", "y");
  tb_output (m, "y");
  return m;
}

/* Splits "a,,b" into names (empty strings kept). */
static void
split_names (TbModel *m, const char *csv, char ***arr, size_t *n)
{
  const char *p = csv;
  if (!csv || !*csv)
    return;
  for (;;) {
    size_t len = strcspn (p, ",");
    char *s = tb_alloc (m, len + 1);
    memcpy (s, p, len);
    push (m, (void ***) arr, n, s);
    if (!p[len])
      break;
    p += len + 1;
  }
}

Onnx__NodeProto *
tb_node (TbModel *m, const char *op_type, const char *name,
    const char *inputs, const char *outputs)
{
  Onnx__NodeProto *n = tb_alloc (m, sizeof *n);
  onnx__node_proto__init (n);
  n->op_type = tb_strdup (m, op_type);
  n->name = tb_strdup (m, name ? name : "");
  split_names (m, inputs, &n->input, &n->n_input);
  split_names (m, outputs, &n->output, &n->n_output);
  push (m, (void ***) &m->graph.node, &m->graph.n_node, n);
  return n;
}

static Onnx__AttributeProto *
attr_new (TbModel *m, Onnx__NodeProto *n, const char *name, int type)
{
  Onnx__AttributeProto *a = tb_alloc (m, sizeof *a);
  onnx__attribute_proto__init (a);
  a->name = tb_strdup (m, name);
  a->has_type = 1;
  a->type = (Onnx__AttributeProto__AttributeType) type;
  push (m, (void ***) &n->attribute, &n->n_attribute, a);
  return a;
}

Onnx__AttributeProto *
tb_attr_int (TbModel *m, Onnx__NodeProto *n, const char *name, int64_t v)
{
  Onnx__AttributeProto *a = attr_new (m, n, name, 2);
  a->has_i = 1;
  a->i = v;
  return a;
}

Onnx__AttributeProto *
tb_attr_float (TbModel *m, Onnx__NodeProto *n, const char *name, float v)
{
  Onnx__AttributeProto *a = attr_new (m, n, name, 1);
  a->has_f = 1;
  a->f = v;
  return a;
}

Onnx__AttributeProto *
tb_attr_ints (TbModel *m, Onnx__NodeProto *n, const char *name,
    size_t count, const int64_t *v)
{
  Onnx__AttributeProto *a = attr_new (m, n, name, 7);
  a->n_ints = count;
  a->ints = tb_alloc (m, sizeof (int64_t) * (count ? count : 1));
  memcpy (a->ints, v, sizeof (int64_t) * count);
  return a;
}

Onnx__AttributeProto *
tb_attr_string (TbModel *m, Onnx__NodeProto *n, const char *name,
    const char *v)
{
  Onnx__AttributeProto *a = attr_new (m, n, name, 3);
  a->has_s = 1;
  a->s.len = strlen (v);
  a->s.data = (uint8_t *) tb_strdup (m, v);
  return a;
}

Onnx__AttributeProto *
tb_attr_tensor (TbModel *m, Onnx__NodeProto *n, const char *name,
    Onnx__TensorProto *t)
{
  Onnx__AttributeProto *a = attr_new (m, n, name, 4);
  a->t = t;
  return a;
}

void
tb_meta (TbModel *m, const char *key, const char *value)
{
  Onnx__StringStringEntryProto *e = tb_alloc (m, sizeof *e);
  onnx__string_string_entry_proto__init (e);
  e->key = tb_strdup (m, key);
  e->value = tb_strdup (m, value);
  push (m, (void ***) &m->model.metadata_props, &m->model.n_metadata_props,
      e);
}

void
tb_external (TbModel *m, Onnx__TensorProto *t, const char *key,
    const char *value)
{
  Onnx__StringStringEntryProto *e = tb_alloc (m, sizeof *e);
  onnx__string_string_entry_proto__init (e);
  e->key = tb_strdup (m, key);
  e->value = tb_strdup (m, value);
  push (m, (void ***) &t->external_data, &t->n_external_data, e);
  t->has_data_location = 1;
  t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
}

uint8_t *
tb_pack (TbModel *m, size_t *size_out)
{
  size_t n = onnx__model_proto__get_packed_size (&m->model);
  uint8_t *buf = malloc (n ? n : 1);
  if (!buf)
    exit (99);
  onnx__model_proto__pack (&m->model, buf);
  *size_out = n;
  return buf;
}

int
tb_write_bytes (const char *path, const void *bytes, size_t size)
{
  FILE *f = fopen (path, "wb");
  if (!f)
    return -1;
  size_t w = fwrite (bytes, 1, size, f);
  return (fclose (f) == 0 && w == size) ? 0 : -1;
}

int
tb_write (TbModel *m, const char *path)
{
  size_t n;
  uint8_t *buf = tb_pack (m, &n);
  int r = tb_write_bytes (path, buf, n);
  free (buf);
  return r;
}

char *
tb_tmpdir_new (void)
{
  const char *base = getenv ("TMPDIR");
  char tmpl[4096];
  snprintf (tmpl, sizeof tmpl, "%s/cnn-loader-XXXXXX",
      base && *base ? base : "/tmp");
  if (!mkdtemp (tmpl)) {
    perror ("mkdtemp");
    exit (99);
  }
  char *dir = strdup (tmpl);
  if (!dir)
    exit (99);
  return dir;
}

static int
rm_entry (const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
  (void) sb;
  (void) type;
  (void) ftw;
  return remove (path);
}

void
tb_rmtree (const char *path)
{
  nftw (path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
