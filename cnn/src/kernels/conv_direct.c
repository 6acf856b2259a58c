/* conv_direct.c — planning, padded rows and work split of the direct
 * convolution (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: conv_direct.h. The kernels themselves are direct_avx2.c and
 * direct_avx512.c.
 */
#include "conv_direct.h"

#include <string.h>

/* Floats of one item's padded input rows: stays in L2 while every block
 * of output channels sweeps it. */
#define ROWS_BUDGET ((int64_t) 32 << 10)

/* Items per thread with a pool of several threads (output row blocks are
 * cheap to cut finer: a late thread's share is picked up by the others). */
#define ITEMS_PER_THREAD 4

/* Below this many flops a convolution runs as one item on the caller:
 * splitting costs more than it saves (small28's 0.45 Mflop stem at 2
 * threads: 7 us alone, 10 us split; the whole net 0.96x the time). */
#define PARALLEL_FLOPS ((int64_t) 1 << 20)

static int64_t
round_up (int64_t v, int64_t m)
{
  return (v + m - 1) / m * m;
}

static int64_t
taps (const CnnConvGeom *g)
{
  return g->c * g->k[1] * g->k[2];
}

static bool
applies (const CnnConvGeom *g)
{
  return g->in[0] == 1 && g->k[0] == 1 && g->out[0] == 1
      && g->group == 1 && g->dil[1] == 1 && g->dil[2] == 1
      && (g->stride[2] == 1 || g->stride[2] == 2) && g->k[2] <= 64
      && g->k[1] * g->k[2] > 1 && taps (g) <= CNN_DIRECT_MAX_TAPS;
}

bool
cnn_conv_direct_plan (CnnConvDirect *d, const CnnConvGeom *g,
    CnnCpuLevel level)
{
  memset (d, 0, sizeof *d);
  CnnCpuLevel have = cnn_cpu_level ();
  level = level > have ? have : level;
  if (!applies (g))
    return false;
#if defined(CNN_HAVE_X86_KERNELS)
  if (level >= CNN_CPU_AVX512) {
    d->fn = cnn_conv_direct_rows_avx512;
    d->ocb = 16;
  } else if (level >= CNN_CPU_AVX2) {
    d->fn = cnn_conv_direct_rows_avx2;
    d->ocb = 8;
  }
#endif
  if (!d->fn)
    return false;
  int64_t sw = g->stride[2];
  /* a vector of 16 outputs from the last one's start reads (kw - 1) / sw
   * further */
  d->phase = round_up (round_up (g->out[2], 16) + (g->k[2] - 1) / sw + 1,
      16);
  d->row_floats = sw * d->phase;
  int64_t rows_in = ROWS_BUDGET / (g->c * d->row_floats);
  int64_t rows = (rows_in - g->k[1]) / g->stride[1] + 1;
  rows = rows < 1 ? 1 : rows > g->out[1] ? g->out[1] : rows;
  d->max_rows = rows;
  return true;
}

size_t
cnn_conv_direct_packed_floats (const CnnConvDirect *d, const CnnConvGeom *g)
{
  return (size_t) (round_up (g->oc, d->ocb) * taps (g));
}

void
cnn_conv_direct_pack (const CnnConvDirect *d, const CnnConvGeom *g,
    const float *w, float *dst)
{
  int64_t t_n = taps (g), ocb = d->ocb;
  for (int64_t o0 = 0; o0 < g->oc; o0 += ocb)
    for (int64_t t = 0; t < t_n; t++)
      for (int64_t j = 0; j < ocb; j++)
        *dst++ = o0 + j < g->oc ? w[(o0 + j) * t_n + t] : 0.0f;
}

static int64_t
in_rows (const CnnConvGeom *g, int64_t rows)
{
  return (rows - 1) * g->stride[1] + g->k[1];
}

static size_t
rows_bytes (const CnnConvDirect *d, const CnnConvGeom *g)
{
  return (size_t) round_up (g->c * in_rows (g, d->max_rows)
      * d->row_floats * 4, 64);
}

static size_t
packed_bytes (const CnnConvDirect *d, const CnnConvGeom *g)
{
  return (size_t) round_up ((int64_t) cnn_conv_direct_packed_floats (d, g)
      * 4, 64);
}

size_t
cnn_conv_direct_scratch (const CnnConvDirect *d, const CnnConvGeom *g,
    int threads, bool packed)
{
  size_t n = (size_t) (threads > 1 ? threads : 1);
  return (packed ? 0 : packed_bytes (d, g)) + rows_bytes (d, g) * n;
}

bool
cnn_conv_direct_splits (const CnnConvGeom *g)
{
  return 2 * g->n * g->oc * taps (g) * g->out[1] * g->out[2]
      >= PARALLEL_FLOPS;
}

size_t
cnn_conv_direct_band_scratch (const CnnConvDirect *d, const CnnConvGeom *g,
    int64_t rows)
{
  return (size_t) round_up (g->c * in_rows (g, rows) * d->row_floats * 4,
      64);
}

void
cnn_conv_direct_band (const CnnConvDirect *d, const CnnConvGeom *g,
    const float *wp, const float *bias, const CnnFusedAct *act,
    const float *x, int64_t first, int64_t buf_rows, int64_t y0, int64_t y1,
    float *buf, void *scratch)
{
  /* the buffer as the whole output of a convolution whose row i is row
   * first + i of g's: same input rows, so the padding moves up by first
   * rows (it may turn negative: an offset into the input) */
  CnnConvGeom b = *g;
  b.out[1] = buf_rows;
  b.pad[1] = g->pad[1] - first * g->stride[1];
  CnnDirectRows r = {
    .g = &b, .wp = wp, .bias = bias, .act = act, .x = x,
    .in = scratch, .in_rows = in_rows (g, y1 - y0),
    .row_floats = d->row_floats, .phase = d->phase, .y0 = y0, .y1 = y1,
    .y = buf, .res = NULL,
  };
  d->fn (&r);
}

typedef struct {
  const CnnConvDirect *d;
  const CnnConvGeom *g;
  const CnnConvIO *io;
  const float *wp;
  char *rows;                   /* per-thread padded rows */
  size_t stride;
  int64_t rows_per_item, blocks;
} DirectJob;

static void
direct_item (const DirectJob *j, int64_t item, int thread)
{
  const CnnConvDirect *d = j->d;
  const CnnConvGeom *g = j->g;
  int64_t img = item / j->blocks, y0 = item % j->blocks * j->rows_per_item;
  int64_t y1 = y0 + j->rows_per_item < g->out[1]
      ? y0 + j->rows_per_item : g->out[1];
  int64_t out_plane = g->out[1] * g->out[2];
  CnnDirectRows r = {
    .g = g, .wp = j->wp, .bias = j->io->bias, .act = j->io->act,
    .x = j->io->x + img * g->c * g->in[1] * g->in[2],
    .in = (float *) (j->rows + j->stride * (size_t) thread),
    .in_rows = in_rows (g, y1 - y0), .row_floats = d->row_floats,
    .phase = d->phase, .y0 = y0, .y1 = y1,
    .y = j->io->y + img * g->oc * out_plane,
    .res = j->io->res ? j->io->res + img * g->oc * out_plane : NULL,
  };
  d->fn (&r);
}

static void
direct_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  for (int64_t i = begin; i < end; i++)
    direct_item (ctx, i, thread);
}

void
cnn_conv_direct_run (const CnnConvDirect *d, const CnnConvGeom *g,
    const CnnConvIO *io, const float *packed, CnnThreadPool *pool,
    void *scratch)
{
  int threads = cnn_threadpool_size (pool);
  char *s = scratch;
  if (!packed) {
    cnn_conv_direct_pack (d, g, io->w, (float *) s);
    packed = (const float *) s;
    s += packed_bytes (d, g);
  }
  int64_t oh = g->out[1], rows = d->max_rows;
  bool split = cnn_conv_direct_splits (g);
  if (threads > 1 && split) {
    int64_t blocks = (ITEMS_PER_THREAD * threads + g->n - 1) / g->n;
    int64_t want = (oh + blocks - 1) / blocks;
    rows = want < rows ? want : rows;
  }
  DirectJob j = {
    .d = d, .g = g, .io = io, .wp = packed, .rows = s,
    .stride = rows_bytes (d, g), .rows_per_item = rows,
    .blocks = (oh + rows - 1) / rows,
  };
  if (!split)
    pool = NULL;
  cnn_parallel_for (pool, g->n * j.blocks, 1, direct_chunk, &j);
}
