/* conv_dwpw.c — depthwise + 1x1 convolution, band by band (see
 * conv_dwpw.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scratch per thread: [band buffer: c channels, ld floats apart | pgemm A
 * slice buffer], each rounded up to CNN_ARENA_ALIGN (64) bytes. The band buffer's channel stride ld is a row stride the
 * micro-kernels read in place (cnn_pgemm_lda), so B is never packed.
 */
#include "conv_dwpw.h"
#include "../graph.h"

#include <string.h>

/* Bands wanted per image: enough to share between threads. */
#define MIN_BANDS 4

/* Depthwise convolutions of at most this many channels are fused. With
 * few channels the 1x1 convolution does little work per byte of its input,
 * so reading that input from L2 instead of L3 pays; with more, the bands'
 * extra calls cost what the cache saves. Measured in MobileNetV2 at one
 * thread: its 32-channel block 0.71x the time of the two layers apart
 * (whole model 0.99x); fusing its 96- to 192-channel blocks as well gave
 * 1.00-1.15x on those layers. */
#define MAX_CHANNELS 64

bool
cnn_dwpw_plan (CnnDwPw *f, const CnnConvGeom *dw, const CnnFusedAct *dw_act,
    const CnnConvFast *pw, CnnCpuLevel level)
{
  memset (f, 0, sizeof *f);
  if (!cnn_depthwise_applies (dw) || !cnn_depthwise_simd_applies (dw)
      || dw->oc != dw->c || dw->in[0] != 1 || dw->k[0] != 1
      || dw->pad[1] >= dw->k[1] || pw->winograd || !pw->one
      || dw->c > MAX_CHANNELS)
    return false;
  int64_t ho = dw->out[1], wo = dw->out[2];
  int64_t rows = CNN_DWPW_BAND_BYTES / (4 * dw->c * wo);
  if (rows > (ho + MIN_BANDS - 1) / MIN_BANDS)
    rows = (ho + MIN_BANDS - 1) / MIN_BANDS;
  rows = rows < 1 ? 1 : rows;
  int64_t bands = (ho + rows - 1) / rows;
  rows = (ho + bands - 1) / bands;      /* equal bands */
  bands = (ho + rows - 1) / rows;
  if (bands < MIN_BANDS || rows * wo < 2 * pw->pg.nr)
    return false;
  f->dw = *dw;
  f->dw_fn = cnn_depthwise_select (dw, level);
  f->dw_act = *dw_act;
  f->band_rows = rows;
  f->bands = bands;
  f->ld = cnn_pgemm_lda (rows * wo);
  return true;
}

static size_t
band_bytes (const CnnDwPw *f)
{
  return (size_t) cnn_align_up ((uint64_t) (4 * f->dw.c * f->ld));
}

static size_t
thread_bytes (const CnnDwPw *f, const CnnConvFast *pw)
{
  return band_bytes (f) + (size_t) cnn_align_up ((uint64_t) (4
          * cnn_pgemm_a_floats (&pw->pg)));
}

size_t
cnn_dwpw_scratch (const CnnDwPw *f, const CnnConvFast *pw, int threads)
{
  return thread_bytes (f, pw) * (size_t) (threads > 1 ? threads : 1);
}

/* Output rows [r0, r1) of every channel of one image's depthwise
 * convolution (x: that image's input) into band, channel k at
 * band + k * ld: the kernel runs on the geometry of the rows that band
 * reads, whose padding is real padding only. */
static void
band_depthwise (const CnnDwPw *f, const float *x, const float *w,
    const float *b, int64_t r0, int64_t r1, float *band)
{
  CnnConvGeom g = f->dw;
  int64_t first = r0 * g.stride[1] - g.pad[1];
  int64_t start = first < 0 ? 0 : first;
  int64_t end = (r1 - 1) * g.stride[1] - g.pad[1] + g.k[1];
  end = end < g.in[1] ? end : g.in[1];
  g.out[1] = r1 - r0;
  g.pad[1] = start - first;
  g.in[1] = end - start;
  int64_t plane = f->dw.in[1] * f->dw.in[2], taps = g.k[1] * g.k[2];
  const float *x0 = x + start * g.in[2];
  for (int64_t k = 0; k < g.c; k++)
    f->dw_fn (&g, x0 + k * plane, w + k * taps, b ? b[k] : 0.0f,
        &f->dw_act, band + k * f->ld);
}

typedef struct {
  const CnnDwPw *f;
  const CnnConvFast *pw;
  const CnnConvGeom *pg;
  const CnnDwPwIO *io;
  char *scratch;
  size_t stride;
} Job;

/* Band `item` (image * bands + band). */
static void
band_item (const Job *j, int64_t item, int thread)
{
  const CnnDwPw *f = j->f;
  const CnnConvGeom *dw = &f->dw;
  int64_t img = item / f->bands, r0 = item % f->bands * f->band_rows;
  int64_t r1 = r0 + f->band_rows < dw->out[1] ? r0 + f->band_rows
      : dw->out[1];
  float *band = (float *) (j->scratch + j->stride * (size_t) thread);
  float *abuf = (float *) ((char *) band + band_bytes (f));
  band_depthwise (f, j->io->x + img * dw->c * dw->in[1] * dw->in[2],
      j->io->w_dw, j->io->b_dw, r0, r1, band);

  const CnnConvIO *o = &j->io->pw;
  int64_t hw = dw->out[1] * dw->out[2];
  int64_t off = img * j->pg->oc * hw + r0 * dw->out[2];
  const float *w = j->pw->packed ? j->pw->packed : o->w;
  int64_t ldw = j->pw->packed ? j->pw->ldw : j->pg->c;
  CnnPgemmRows rows = { band, f->ld };
  /* ld is a stride the kernels read in place: no B buffer is needed */
  cnn_pgemm_block (&j->pw->pg, j->pg->oc, j->pg->c, w, ldw, cnn_pgemm_rows_b,
      &rows, 0, (r1 - r0) * dw->out[2], o->y + off, hw, o->bias,
      o->res ? o->res + off : NULL, hw, o->act, NULL, abuf);
}

static void
band_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  for (int64_t i = begin; i < end; i++)
    band_item (ctx, i, thread);
}

void
cnn_dwpw_run (const CnnDwPw *f, const CnnConvFast *pw,
    const CnnConvGeom *pw_geom, const CnnDwPwIO *io, CnnThreadPool *pool,
    void *scratch)
{
  Job j = { f, pw, pw_geom, io, scratch, thread_bytes (f, pw) };
  cnn_parallel_for (pool, f->dw.n * f->bands, 1, band_chunk, &j);
}
