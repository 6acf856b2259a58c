/* conv_pool.c — direct convolution + max pool, band by band (see
 * conv_pool.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scratch per thread: [band buffer: oc channels of buf_rows x conv width
 * floats | the direct kernel's padded input rows], each rounded up to 64
 * bytes. Buffer row i holds convolution row first + i, where first is the
 * first row the current band reads.
 */
#include "conv_pool.h"
#include "../graph.h"
#include "../kernels/conv_direct.h"

#include <string.h>

/* Bands wanted per image, so that two to four threads share them. */
#define MIN_BANDS 8

/* Convolution outputs (per image) smaller than this stay in L2 when run
 * apart, and the bands' extra kernel calls cost more than the fusion
 * saves: small28's 32 x 28 x 28 stem (100 KB) with its 2x2 pool took
 * 1.09x the time fused at two threads (1.00x at one). SqueezeNet's and
 * ResNet's (3.2 MB) gain. */
#define MIN_OUTPUT_BYTES ((int64_t) 1 << 20)

bool
cnn_conv_pool_plan (CnnConvPool *f, const CnnConvGeom *conv,
    const CnnConvFast *fast, const CnnPoolGeom *pool, CnnCpuLevel level)
{
  memset (f, 0, sizeof *f);
  const CnnConvGeom *p = &pool->geom;
  if (!fast->direct || !pool->is_max || !cnn_pool_fast_applies (pool)
      || p->n != conv->n || p->c != conv->oc || p->in[1] != conv->out[1]
      || p->in[2] != conv->out[2] || p->dil[1] != 1 || p->pad[1] >= p->k[1]
      || p->out[1] < 2)
    return false;
  int64_t row_bytes = 4 * conv->oc * conv->out[2];
  if (row_bytes * conv->out[1] < MIN_OUTPUT_BYTES)
    return false;
  int64_t fit = CNN_CONV_POOL_BAND_BYTES / row_bytes;
  if (fit < p->k[1])
    return false;
  int64_t rows = (fit - p->k[1]) / p->stride[1] + 1;
  int64_t want = (p->out[1] + MIN_BANDS - 1) / MIN_BANDS;
  rows = rows < want ? rows : want;
  int64_t bands = (p->out[1] + rows - 1) / rows;
  rows = (p->out[1] + bands - 1) / bands;       /* equal bands */
  bands = (p->out[1] + rows - 1) / rows;
  if (bands < 2)
    return false;
  f->pool = *pool;
  f->pool_fn = cnn_pool_select (pool, level);
  f->band_rows = rows;
  f->bands = bands;
  f->buf_rows = (rows - 1) * p->stride[1] + p->k[1];
  return true;
}

static size_t
buf_bytes (const CnnConvPool *f, const CnnConvGeom *conv)
{
  return (size_t) cnn_align_up ((uint64_t) (4 * conv->oc * f->buf_rows
          * conv->out[2]));
}

static size_t
thread_bytes (const CnnConvPool *f, const CnnConvFast *fast,
    const CnnConvGeom *conv)
{
  return buf_bytes (f, conv) + cnn_conv_direct_band_scratch (&fast->dir,
      conv, f->buf_rows);
}

size_t
cnn_conv_pool_scratch (const CnnConvPool *f, const CnnConvFast *fast,
    const CnnConvGeom *conv, int threads)
{
  return thread_bytes (f, fast, conv) * (size_t) (threads > 1 ? threads : 1);
}

typedef struct {
  const CnnConvPool *f;
  const CnnConvFast *fast;
  const CnnConvGeom *g;
  const CnnConvPoolIO *io;
  char *scratch;
  size_t stride;
  int64_t parts;                /* contiguous runs of bands per image */
} Job;

/* What a thread's buffer holds: convolution rows [r0, r1) of image img
 * (img -1: nothing). */
typedef struct {
  int64_t img, r0, r1;
} Held;

/* Fills the buffer with convolution rows [r0, r1) of image img: the rows
 * it already holds move to the top, the others are computed. */
static void
fill_rows (const Job *j, int64_t img, int64_t r0, int64_t r1, Held *held,
    float *buf, void *in)
{
  const CnnConvGeom *g = j->g;
  int64_t plane = j->f->buf_rows * g->out[2], keep = 0;
  if (held->img == img && r0 >= held->r0 && r0 < held->r1) {
    keep = held->r1 - r0;
    if (r0 > held->r0)
      for (int64_t o = 0; o < g->oc; o++)
        memmove (buf + o * plane, buf + o * plane + (r0 - held->r0)
            * g->out[2], sizeof (float) * (size_t) (keep * g->out[2]));
  }
  if (keep < r1 - r0)
    cnn_conv_direct_band (&j->fast->dir, g, j->io->wp, j->io->bias,
        j->io->act, j->io->x + img * g->c * g->in[1] * g->in[2], r0,
        j->f->buf_rows, keep, r1 - r0, buf, in);
  *held = (Held) { img, r0, r1 };
}

/* Pool rows [q0, q1) of image img (at most band_rows of them) through
 * the thread's buffer. */
static void
run_band (const Job *j, int64_t img, int64_t q0, int64_t q1, float *buf,
    void *in, Held *held)
{
  const CnnConvPool *f = j->f;
  const CnnConvGeom *g = j->g, *p = &f->pool.geom;
  int64_t plane_in = f->buf_rows * g->out[2];
  int64_t plane_out = p->out[1] * p->out[2];
  int64_t top = q0 * p->stride[1] - p->pad[1], r0 = top > 0 ? top : 0;
  int64_t r1 = (q1 - 1) * p->stride[1] - p->pad[1] + p->k[1];
  r1 = r1 < g->out[1] ? r1 : g->out[1];
  fill_rows (j, img, r0, r1, held, buf, in);
  /* the band's pool over the rows in the buffer: same windows */
  CnnPoolGeom band = f->pool;
  band.geom.in[1] = r1 - r0;
  band.geom.pad[1] = r0 - top;
  band.geom.out[1] = q1 - q0;
  float *y = j->io->y + img * g->oc * plane_out + q0 * p->out[2];
  for (int64_t o = 0; o < g->oc; o++)
    f->pool_fn (&band, buf + o * plane_in, y + o * plane_out);
}

/* Parts [begin, end): part q is pool rows [k * rows / parts, (k + 1) *
 * rows / parts) of image q / parts (k = q % parts), in bands of at most
 * band_rows, in order, so that each band after the first of a part finds
 * its top rows in the buffer. */
static void
band_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const int64_t rows = j->f->pool.geom.out[1], parts = j->parts;
  float *buf = (float *) (j->scratch + j->stride * (size_t) thread);
  void *in = (char *) buf + buf_bytes (j->f, j->g);
  Held held = { -1, 0, 0 };
  for (int64_t q = begin; q < end; q++) {
    int64_t img = q / parts, k = q % parts;
    int64_t q1 = (k + 1) * rows / parts;
    for (int64_t q0 = k * rows / parts; q0 < q1; q0 += j->f->band_rows)
      run_band (j, img, q0, q0 + j->f->band_rows < q1 ? q0 + j->f->band_rows
          : q1, buf, in, &held);
  }
}

void
cnn_conv_pool_run (const CnnConvPool *f, const CnnConvFast *fast,
    const CnnConvGeom *conv, const CnnConvPoolIO *io, CnnThreadPool *pool,
    void *scratch)
{
  Job j = { f, fast, conv, io, scratch, thread_bytes (f, fast, conv), 1 };
  if (!cnn_conv_direct_splits (conv))
    pool = NULL;
  /* one contiguous run of rows per thread: each thread computes one
   * band's overlap rows twice at most, and dynamic claims of single bands
   * balanced worse (SqueezeNet's stem + pool at 2 threads: 0.43 ms in 10
   * bands, 0.35 in 11) */
  int threads = cnn_threadpool_size (pool);
  j.parts = threads > f->bands ? f->bands : threads;
  cnn_parallel_for (pool, conv->n * j.parts, 1, band_chunk, &j);
}
