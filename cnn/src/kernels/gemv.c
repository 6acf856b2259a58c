/* gemv.c — one-row matrix products on the pgemm dot kernel (see gemv.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The dot kernel is called directly on mr rows at a time over the whole
 * of k, with x as its one transposed column (no k blocks: a row needs no
 * L1-sized slice here, and each block would cost a horizontal sum per
 * output), bias and activation in its epilogue. A thread walks its row
 * blocks backwards when asked (the caller alternates, see gemv.h).
 */
#include "gemv.h"
#include "cpu.h"
#include "pgemm.h"

typedef struct {
  CnnPgemm pg;
  int n, k, ldw;
  const float *w, *x, *bias;
  const CnnFusedAct *act;
  float *y;
  bool reverse;
} GemvJob;

static void
gemv_rows_at (const GemvJob *j, int64_t r)
{
  int mr = j->pg.mr;
  int mv = j->n - r < mr ? (int) (j->n - r) : mr;
  CnnPgemmEpi epi = { j->bias ? j->bias + r : NULL, NULL, 0, j->act };
  j->pg.dot (j->k, j->w + r * j->ldw, j->ldw, j->x, j->k, j->y + r, 1, mv,
      1, CNN_PGEMM_FINISH, &epi);
}

static void
gemv_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const GemvJob *j = ctx;
  int64_t first = begin * CNN_GEMV_ROWS;
  int64_t last = end * CNN_GEMV_ROWS < j->n ? end * CNN_GEMV_ROWS : j->n;
  int64_t blocks = (last - first + j->pg.mr - 1) / j->pg.mr;
  (void) thread;
  for (int64_t q = 0; q < blocks; q++)
    gemv_rows_at (j, first + (j->reverse ? blocks - 1 - q : q) * j->pg.mr);
}

bool
cnn_gemv_available (void)
{
  CnnPgemm pg;
  return cnn_pgemm_init (&pg, cnn_cpu_level ());
}

bool
cnn_gemv_rows (CnnThreadPool *pool, int n, int k, const float *w, int ldw,
    const float *x, const float *bias, const CnnFusedAct *act, float *y,
    bool reverse)
{
  GemvJob j = { .n = n, .k = k, .ldw = ldw, .w = w, .x = x, .bias = bias,
    .act = act && act->kind != CNN_ACT_NONE ? act : NULL, .y = y,
    .reverse = reverse };
  if (k <= 0 || !cnn_pgemm_init (&j.pg, cnn_cpu_level ()))
    return false;
  if (n > 0)
    cnn_parallel_for (pool, (n + CNN_GEMV_ROWS - 1) / CNN_GEMV_ROWS, 1,
        gemv_chunk, &j);
  return true;
}
