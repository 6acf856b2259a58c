/* broadcast.c — numpy-style broadcasting: shapes, reference, fast walker.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See broadcast.h. The walker and the reference share only the scalar
 * formula of each op (OP_F32 / apply_i64), so tests comparing them check
 * the index arithmetic independently. The walker's rows of Add, Sub, Mul
 * and Div with contiguous or broadcast operands run on the AVX2 / AVX-512
 * row kernels of kernels/eltwise_simd.h when the CPU has them.
 */
#include "broadcast.h"
#include "op_util.h"
#include "../kernels/eltwise_simd.h"

#include <string.h>

CnnStatus
cnn_broadcast_dims (const CnnTensorInfo *a, const CnnTensorInfo *b,
    CnnTensorInfo *out, CnnDiag *d)
{
  CnnTensorInfo r;
  memset (&r, 0, sizeof r);
  r.dtype = a->dtype;
  r.rank = a->rank > b->rank ? a->rank : b->rank;
  for (int i = 0; i < r.rank; i++) {
    int ia = i - (r.rank - a->rank), ib = i - (r.rank - b->rank);
    int64_t da = ia >= 0 ? a->dims[ia] : 1;
    int64_t db = ib >= 0 ? b->dims[ib] : 1;
    if (da == db || db == 1) {
      r.dims[i] = da;
    } else if (da == 1) {
      r.dims[i] = db;
    } else {
      char sa[128], sb[128];
      return cnn_fail (d, CNN_ERR_SHAPE, "cannot broadcast %s with %s",
          cnn_dims_str (a, sa, sizeof sa), cnn_dims_str (b, sb, sizeof sb));
    }
  }
  *out = r;
  return CNN_OK;
}

CnnStatus
cnn_broadcast_check_to (const CnnTensorInfo *from, const CnnTensorInfo *to,
    CnnDiag *d)
{
  bool ok = from->rank <= to->rank;
  for (int i = 0; ok && i < from->rank; i++) {
    int64_t df = from->dims[i], dt = to->dims[i + to->rank - from->rank];
    ok = df == dt || df == 1;
  }
  if (!ok) {
    char sa[128], sb[128];
    return cnn_fail (d, CNN_ERR_SHAPE, "cannot broadcast %s to %s",
        cnn_dims_str (from, sa, sizeof sa), cnn_dims_str (to, sb, sizeof sb));
  }
  return CNN_OK;
}

void
cnn_broadcast_strides (const CnnTensorInfo *in, const CnnTensorInfo *out,
    int64_t *strides)
{
  int64_t s = 1;
  for (int i = out->rank - 1; i >= 0; i--) {
    int k = i - (out->rank - in->rank);
    if (k < 0) {
      strides[i] = 0;
      continue;
    }
    strides[i] = in->dims[k] == 1 ? 0 : s;
    s *= in->dims[k];
  }
}

void
cnn_bcast_plan (CnnBcast *p, const CnnTensorInfo *out,
    const CnnTensorInfo *a, const CnnTensorInfo *b)
{
  int64_t sa[CNN_MAX_RANK], sb[CNN_MAX_RANK] = { 0 };
  cnn_broadcast_strides (a, out, sa);
  if (b)
    cnn_broadcast_strides (b, out, sb);
  memset (p, 0, sizeof *p);
  for (int i = 0; i < out->rank; i++) {
    int64_t n = out->dims[i];
    if (n == 1)
      continue;
    int j = p->rank - 1;
    if (j >= 0 && p->stride[0][j] == sa[i] * n &&
        p->stride[1][j] == sb[i] * n) {
      /* previous dim continues this one for both inputs: merge */
      p->dims[j] *= n;
      p->stride[0][j] = sa[i];
      p->stride[1][j] = sb[i];
      continue;
    }
    p->dims[p->rank] = n;
    p->stride[0][p->rank] = sa[i];
    p->stride[1][p->rank] = sb[i];
    p->rank++;
  }
  if (p->rank == 0) {
    p->rank = 1;
    p->dims[0] = 1;
  }
  p->numel = cnn_numel (out);
}

/* The scalar formula of each op on floats x (from a) and y (from b). Max
 * and Min propagate NaN like numpy. */
#define OP_F32(op, x, y)                                                    \
  ((op) == CNN_BIN_ADD ? (x) + (y) :                                        \
   (op) == CNN_BIN_SUB ? (x) - (y) :                                        \
   (op) == CNN_BIN_MUL ? (x) * (y) :                                        \
   (op) == CNN_BIN_DIV ? (x) / (y) :                                        \
   (op) == CNN_BIN_PRELU ? ((x) < 0 ? (x) * (y) : (x)) :                    \
   (op) == CNN_BIN_MAX ? (((x) != (x) || (x) > (y)) ? (x) : (y)) :          \
   (op) == CNN_BIN_MIN ? (((x) != (x) || (x) < (y)) ? (x) : (y)) : (x))

/* One row of n outputs; the stride pattern is tested once per row so the
 * common cases are plain vectorisable loops. o may equal a (Sum
 * accumulates in place), so no restrict. */
#define ROW_LOOPS(OP)                                                       \
  do {                                                                      \
    if (sa == 1 && sb == 1) {                                               \
      for (int64_t i = 0; i < n; i++)                                       \
        o[i] = OP_F32 (OP, a[i], b[i]);                                     \
    } else if (sa == 1 && sb == 0) {                                        \
      const float y = b[0];                                                 \
      for (int64_t i = 0; i < n; i++)                                       \
        o[i] = OP_F32 (OP, a[i], y);                                        \
    } else if (sa == 0 && sb == 1) {                                        \
      const float x = a[0];                                                 \
      for (int64_t i = 0; i < n; i++)                                       \
        o[i] = OP_F32 (OP, x, b[i]);                                        \
    } else {                                                                \
      for (int64_t i = 0; i < n; i++)                                       \
        o[i] = OP_F32 (OP, a[i * sa], b[i * sb]);                           \
    }                                                                       \
  } while (0)

/* The SIMD row kernels take Add, Sub, Mul and Div. */
static bool
simd_op (CnnBinOp op, CnnEltOp *out)
{
  switch (op) {
    case CNN_BIN_ADD: *out = CNN_ELT_ADD; return true;
    case CNN_BIN_SUB: *out = CNN_ELT_SUB; return true;
    case CNN_BIN_MUL: *out = CNN_ELT_MUL; return true;
    case CNN_BIN_DIV: *out = CNN_ELT_DIV; return true;
    default: return false;
  }
}

static void
row_f32 (CnnEltBinFn simd, CnnBinOp op, float *o, const float *a,
    int64_t sa, const float *b, int64_t sb, int64_t n)
{
  CnnEltOp eop;
  if (simd && simd_op (op, &eop) && simd (eop, o, a, sa, b, sb, n))
    return;
  switch (op) {
    case CNN_BIN_ADD: ROW_LOOPS (CNN_BIN_ADD); break;
    case CNN_BIN_SUB: ROW_LOOPS (CNN_BIN_SUB); break;
    case CNN_BIN_MUL: ROW_LOOPS (CNN_BIN_MUL); break;
    case CNN_BIN_DIV: ROW_LOOPS (CNN_BIN_DIV); break;
    case CNN_BIN_PRELU: ROW_LOOPS (CNN_BIN_PRELU); break;
    case CNN_BIN_MAX: ROW_LOOPS (CNN_BIN_MAX); break;
    case CNN_BIN_MIN: ROW_LOOPS (CNN_BIN_MIN); break;
    case CNN_BIN_COPY:
      if (sa == 1) {
        memmove (o, a, (size_t) n * sizeof (float));
      } else {
        for (int64_t i = 0; i < n; i++)
          o[i] = a[i * sa];
      }
      break;
  }
}

void
cnn_bcast_binary_f32 (const CnnBcast *p, CnnBinOp op, float *out,
    const float *a, const float *b, int64_t begin, int64_t end)
{
  const int last = p->rank - 1;
  const int64_t *s0 = p->stride[0], *s1 = p->stride[1];
  int64_t coord[CNN_MAX_RANK], oa = 0, ob = 0, rem = begin;
  if (begin >= end)
    return;
  if (!b)
    b = a;
  CnnEltBinFn simd = cnn_elt_binary_select (cnn_cpu_level ());
  for (int k = last; k >= 0; k--) {
    coord[k] = rem % p->dims[k];
    rem /= p->dims[k];
    oa += coord[k] * s0[k];
    ob += coord[k] * s1[k];
  }
  for (int64_t pos = begin; pos < end;) {
    int64_t n = p->dims[last] - coord[last];
    if (n > end - pos)
      n = end - pos;
    row_f32 (simd, op, out + pos, a + oa, s0[last], b + ob, s1[last], n);
    pos += n;
    coord[last] += n;
    oa += n * s0[last];
    ob += n * s1[last];
    /* carry into outer dims */
    for (int k = last; k > 0 && coord[k] == p->dims[k]; k--) {
      oa += s0[k - 1] - coord[k] * s0[k];
      ob += s1[k - 1] - coord[k] * s1[k];
      coord[k] = 0;
      coord[k - 1]++;
    }
  }
}

/* Offset in an input of shape in for output flat index i of shape out. */
static int64_t
ref_offset (const CnnTensorInfo *out, const CnnTensorInfo *in, int64_t i)
{
  int64_t off = 0, stride = 1;
  for (int k = out->rank - 1, m = in->rank - 1; k >= 0; k--, m--) {
    int64_t c = i % out->dims[k];
    i /= out->dims[k];
    if (m < 0)
      continue;
    if (in->dims[m] != 1)
      off += c * stride;
    stride *= in->dims[m];
  }
  return off;
}

void
cnn_bcast_ref_f32 (CnnBinOp op, const CnnTensorInfo *out_info, float *out,
    const CnnTensorInfo *a_info, const float *a, const CnnTensorInfo *b_info,
    const float *b)
{
  int64_t n = cnn_numel (out_info);
  for (int64_t i = 0; i < n; i++) {
    float x = a[ref_offset (out_info, a_info, i)];
    float y = b ? b[ref_offset (out_info, b_info, i)] : 0.0f;
    out[i] = OP_F32 (op, x, y);
  }
}

static CnnStatus
apply_i64 (CnnBinOp op, int64_t x, int64_t y, int64_t *r, CnnDiag *d)
{
  switch (op) {
    case CNN_BIN_ADD:
      *r = (int64_t) ((uint64_t) x + (uint64_t) y);
      return CNN_OK;
    case CNN_BIN_SUB:
      *r = (int64_t) ((uint64_t) x - (uint64_t) y);
      return CNN_OK;
    case CNN_BIN_MUL:
      *r = (int64_t) ((uint64_t) x * (uint64_t) y);
      return CNN_OK;
    case CNN_BIN_DIV:
      if (y == 0 || (x == INT64_MIN && y == -1))
        return cnn_fail (d, CNN_ERR_INVALID_MODEL,
            "int64 division %lld / %lld is undefined", (long long) x,
            (long long) y);
      *r = x / y;
      return CNN_OK;
    case CNN_BIN_MAX:
      *r = x > y ? x : y;
      return CNN_OK;
    case CNN_BIN_MIN:
      *r = x < y ? x : y;
      return CNN_OK;
    case CNN_BIN_COPY:
      *r = x;
      return CNN_OK;
    case CNN_BIN_PRELU:
      break;
  }
  return cnn_fail (d, CNN_ERR_UNSUPPORTED, "operation not defined on int64");
}

CnnStatus
cnn_bcast_ref_i64 (CnnBinOp op, const CnnTensorInfo *out_info, int64_t *out,
    const CnnTensorInfo *a_info, const int64_t *a, const CnnTensorInfo *b_info,
    const int64_t *b, CnnDiag *d)
{
  int64_t n = cnn_numel (out_info);
  for (int64_t i = 0; i < n; i++) {
    int64_t x = a[ref_offset (out_info, a_info, i)];
    int64_t y = b ? b[ref_offset (out_info, b_info, i)] : 0;
    CnnStatus s = apply_i64 (op, x, y, &out[i], d);
    if (s != CNN_OK)
      return s;
  }
  return CNN_OK;
}
