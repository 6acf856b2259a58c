/* conv_fast_run.c — the runs of the pgemm and Winograd convolution
 * drivers and the scratch they take (see conv_fast.h; the plans are
 * conv_fast.c).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scratch layout: tiled pgemm: per thread [B buffer | A slice buffer];
 * shared B: [whole packed B | A slice buffer per thread]; sum over k in
 * parts: [the parts' outputs | per thread (B buffer | A slice buffer)];
 * Winograd:
 * [U (unless packed at load) | V | M | per thread (B buffer | A slice
 * buffer)]; Winograd by blocks: [U (unless packed) | per thread (V block |
 * M block | B buffer | A slice buffer)].
 */
#include "conv_fast.h"
#include "conv_fast_priv.h"
#include "epilogue.h"
#include "im2col.h"
#include "winograd.h"

#include <string.h>

/* A small whole image (at most this many channels x tiles of input) run
 * by a pool of several threads is split by output channels only: each
 * thread transforms the whole input into its own V (redundant work, but
 * little), then runs its rows of the 16 GEMMs and their output transform:
 * one fork and join instead of three, and no thread reads what another
 * wrote. At 2 threads: small28's 3x3 32->64 on 14x14 0.85x the time (the
 * net 0.94x), SqueezeNet's 48->192 and 64->256 on 13x13 0.89x and 0.96x;
 * ResNet's 256->256 on 14x14 (12544) lost (the net 1.06x). That was a
 * Zen 4 VM. On a Zen 5 VM (AVX-512 on 512-bit units, 500 ns between the
 * vCPUs) SqueezeNet's four such layers (2352 and 3136) ran 1.2-1.5x
 * slower split than in three steps (0.18-0.35 ms against 0.14-0.25),
 * the net 0.91-0.94x the time without the split; small28's (1568) was
 * neutral there, and on an Intel Xeon VM (AVX-512, 120 ns between the
 * vCPUs) 0.041-0.042 ms in three steps against 0.044-0.045 split, the
 * net 0.92x the time at 2 threads: now only inputs of at most 1000
 * channels x tiles split. Same bits either way: the GEMMs keep their
 * column tiles. */
#define WINO_SPLIT_MAX_INPUT 1000

static size_t
abuf_bytes (const CnnConvFast *f)
{
  return (size_t) round_up (cnn_pgemm_a_floats (&f->pg) * 4, 64);
}

static size_t
bbuf_bytes (const CnnConvFast *f, int64_t rows)
{
  return (size_t) round_up (cnn_pgemm_b_floats (&f->pg, rows, f->tile) * 4,
      64);
}

static size_t
shared_b_bytes (const CnnConvFast *f, const CnnConvGeom *g)
{
  return (size_t) round_up (cnn_pgemm_b_all_floats (&f->pg, k_rows (g),
          f->tile) * 4, 64);
}

/* Rows of k per part of a split sum (the last part may have fewer). */
static int64_t
ksplit_rows (const CnnConvFast *f, const CnnConvGeom *g)
{
  return (k_rows (g) + f->ksplit - 1) / f->ksplit;
}

/* The parts' partial outputs of one image. */
static size_t
ksplit_partial_bytes (const CnnConvFast *f, const CnnConvGeom *g)
{
  return (size_t) round_up ((int64_t) f->ksplit * g->oc
      * cnn_conv_geom_out_size (g) * 4, 64);
}

/* Each thread's B buffer for a part of a split sum (none when the
 * micro-kernels read X in place). */
static size_t
ksplit_bbuf_bytes (const CnnConvFast *f, const CnnConvGeom *g)
{
  return b_in_place (f, g) ? 0 : bbuf_bytes (f, ksplit_rows (f, g));
}

/* Whether a pool of several threads runs the image as wino_split_chunk
 * items. */
static bool
wino_split (const CnnConvFast *f, const CnnConvGeom *g)
{
  return !f->wino_block
      && g->c * cnn_winograd_tiles (g) <= WINO_SPLIT_MAX_INPUT;
}

size_t
cnn_conv_fast_scratch (const CnnConvFast *f, const CnnConvGeom *g,
    int threads)
{
  if (f->direct)
    return cnn_conv_direct_scratch (&f->dir, g, threads, f->packed != NULL);
  size_t n = (size_t) (threads > 1 ? threads : 1);
  size_t u_bytes = (size_t) (f->packed ? 0 : f->wino_u) * 4;
  size_t vm_bytes = (size_t) (f->wino_v + f->wino_m) * 4;
  if (f->winograd && f->wino_block)
    return u_bytes + (vm_bytes + bbuf_bytes (f, g->c) + abuf_bytes (f)) * n;
  if (f->winograd && threads > 1 && wino_split (f, g))
    return u_bytes + (size_t) f->wino_m * 4 + ((size_t) f->wino_v * 4
        + bbuf_bytes (f, g->c) + abuf_bytes (f)) * n;
  if (f->winograd)
    return u_bytes + vm_bytes + (bbuf_bytes (f, g->c) + abuf_bytes (f)) * n;
  if (f->ksplit)
    return ksplit_partial_bytes (f, g) + (ksplit_bbuf_bytes (f, g)
        + abuf_bytes (f)) * n;
  if (threads > 1 ? f->shared_b_par : f->shared_b)
    return shared_b_bytes (f, g) + abuf_bytes (f) * n;
  return (bbuf_bytes (f, k_rows (g)) + abuf_bytes (f)) * n;
}

/* First position of tile t of `tiles` over n positions (tile t covers
 * [start (t), start (t + 1))): whole micro-kernel panels shared out
 * evenly. */
static int64_t
tile_start (const CnnConvFast *f, int64_t tiles, int64_t t, int64_t n)
{
  int64_t panels = (n + f->pg.nr - 1) / f->pg.nr;
  int64_t p = t * panels / tiles * f->pg.nr;
  return p < n ? p : n;
}

/* ---- tiled pgemm -------------------------------------------------------- */

typedef struct {
  const CnnConvFast *f;
  const CnnConvGeom *g;
  CnnConvIO io;
  char *scratch;
  size_t stride;                /* per-thread scratch bytes */
  int64_t tiles, mblock, mblocks; /* mblock: f's for this pool size */
  int64_t img_group;            /* shared B: image * group + group */
  float *u, *v, *m;             /* Winograd (u may be f->packed) */
} Job;

/* The B packer's view of one group's input; its row k0 is row k_off + k0
 * of the group's B (k_off > 0 only for a part of a split sum). */
typedef struct {
  const CnnConvGeom *g;
  const float *x;
  bool one;
  int64_t k_off;
} PackCtx;

static void
pack_b (void *ctx, int64_t k0, int64_t kc, int64_t p0, int64_t len, int nr,
    float *dst)
{
  const PackCtx *pc = ctx;
  k0 += pc->k_off;
  if (pc->one)
    cnn_pack_rows_panels (pc->x, cnn_conv_geom_out_size (pc->g), k0, kc, p0,
        len, nr, dst);
  else
    cnn_im2col_panels (pc->g, pc->x, k0, kc, p0, len, nr, dst);
}

/* The input of (image, group) ig for the B packer, and the index of that
 * image's first output channel of the group, image * oc + group * ocg. */
static void
group_view (const Job *j, int64_t ig, PackCtx *pc, int64_t *plane0)
{
  const CnnConvGeom *g = j->g;
  int64_t cg = g->c / g->group, ocg = g->oc / g->group;
  int64_t img = ig / g->group, gi = ig % g->group;
  pc->g = g;
  pc->x = j->io.x + (img * g->c + gi * cg) * cnn_conv_geom_in_size (g);
  pc->one = j->f->one;
  pc->k_off = 0;
  *plane0 = img * g->oc + gi * ocg;
}

/* Output channels [m0, m0 + mlen) of the group whose first output plane
 * is plane0, positions [p0, p0 + len); pc NULL: B is packed in bbuf. */
static void
gemm_block (const Job *j, const PackCtx *pc, int64_t plane0, int64_t m0,
    int64_t mlen, int64_t p0, int64_t len, float *bbuf, float *abuf)
{
  const CnnConvGeom *g = j->g;
  int64_t rows = k_rows (g), positions = cnn_conv_geom_out_size (g);
  int64_t oc0 = plane0 % g->oc + m0;
  int64_t off = (plane0 + m0) * positions + p0;
  const float *w = j->f->packed ? j->f->packed : j->io.w;
  int64_t ldw = j->f->packed ? j->f->ldw : rows;
  CnnPgemmRows x_rows = { pc ? pc->x : NULL, positions };
  CnnPgemmPackB pack = pc ? (pc->one ? cnn_pgemm_rows_b : pack_b) : NULL;
  void *ctx = pc && pc->one ? (void *) &x_rows : (void *) pc;
  cnn_pgemm_block (&j->f->pg, mlen, rows, w + oc0 * ldw, ldw,
      pack, ctx, p0, len, j->io.y + off, positions,
      j->io.bias ? j->io.bias + oc0 : NULL,
      j->io.res ? j->io.res + off : NULL, positions, j->io.act, bbuf, abuf);
}

static void
tiled_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const CnnConvGeom *g = j->g;
  int64_t positions = cnn_conv_geom_out_size (g), ocg = g->oc / g->group;
  int64_t mblock = j->mblock;
  float *bbuf = (float *) (j->scratch + j->stride * (size_t) thread);
  float *abuf = (float *) ((char *) bbuf + bbuf_bytes (j->f, k_rows (g)));
  for (int64_t i = begin; i < end; i++) {
    int64_t mb = i % j->mblocks, rest = i / j->mblocks;
    int64_t t = rest % j->tiles, ig = rest / j->tiles;
    int64_t p0 = tile_start (j->f, j->tiles, t, positions);
    int64_t p1 = tile_start (j->f, j->tiles, t + 1, positions);
    int64_t m0 = mb * mblock, plane0;
    PackCtx pc;
    group_view (j, ig, &pc, &plane0);
    gemm_block (j, &pc, plane0, m0, ocg - m0 < mblock ? ocg - m0 : mblock, p0,
        p1 - p0, bbuf, abuf);
  }
}

/* ---- pgemm with B packed once and shared -------------------------------- */

/* k blocks [begin, end) of (image, group) j->img_group. */
static void
prepack_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  int64_t rows = k_rows (j->g), kc = cnn_pgemm_kc (rows), plane0;
  int64_t positions = cnn_conv_geom_out_size (j->g), nr = j->f->pg.nr;
  PackCtx pc;
  group_view (j, j->img_group, &pc, &plane0);
  for (int64_t i = begin; i < end; i++) {
    int64_t k0 = i * kc, n = rows - k0 < kc ? rows - k0 : kc;
    pack_b (&pc, k0, n, 0, positions, (int) nr,
        (float *) j->scratch + k0 * round_up (positions, nr));
  }
}

/* Channel blocks [begin, end) of (image, group) j->img_group. */
static void
shared_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  int64_t ocg = j->g->oc / j->g->group, mblock = j->mblock, plane0;
  PackCtx pc;
  group_view (j, j->img_group, &pc, &plane0);
  float *abuf = (float *) (j->scratch + shared_b_bytes (j->f, j->g)
      + j->stride * (size_t) thread);
  for (int64_t mb = begin; mb < end; mb++) {
    int64_t m0 = mb * mblock;
    gemm_block (j, NULL, plane0, m0, ocg - m0 < mblock ? ocg - m0 : mblock,
        0, cnn_conv_geom_out_size (j->g), (float *) j->scratch, abuf);
  }
}

static void
shared_run (Job *j, CnnThreadPool *pool)
{
  const CnnConvGeom *g = j->g;
  int64_t rows = k_rows (g), kc = cnn_pgemm_kc (rows);
  j->stride = abuf_bytes (j->f);
  for (j->img_group = 0; j->img_group < g->n * g->group; j->img_group++) {
    cnn_parallel_for (pool, (rows + kc - 1) / kc, 1, prepack_chunk, j);
    cnn_parallel_for (pool, j->mblocks, 1, shared_chunk, j);
  }
}

/* ---- pgemm with the sum over k split into parts ------------------------- */

/* Parts [begin, end) of image j->img_group: partial p = A[:, part p] x
 * B[part p, :], no epilogue. */
static void
ksplit_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const CnnConvGeom *g = j->g;
  int64_t rows = k_rows (g), part = ksplit_rows (j->f, g), plane0;
  int64_t positions = cnn_conv_geom_out_size (g);
  const float *w = j->f->packed ? j->f->packed : j->io.w;
  int64_t ldw = j->f->packed ? j->f->ldw : rows;
  float *bbuf = (float *) (j->scratch + ksplit_partial_bytes (j->f, g)
      + j->stride * (size_t) thread);
  float *abuf = (float *) ((char *) bbuf + ksplit_bbuf_bytes (j->f, g));
  bool in_place = b_in_place (j->f, g);
  PackCtx pc;
  group_view (j, j->img_group, &pc, &plane0);
  for (int64_t p = begin; p < end; p++) {
    pc.k_off = p * part;
    int64_t klen = rows - pc.k_off < part ? rows - pc.k_off : part;
    float *partial = (float *) j->scratch + p * g->oc * positions;
    if (klen <= 0) {
      memset (partial, 0, sizeof (float) * (size_t) (g->oc * positions));
      continue;
    }
    /* a 1x1 part reads its rows of X in place */
    CnnPgemmRows x_rows = { pc.x + pc.k_off * positions, positions };
    cnn_pgemm_block (&j->f->pg, g->oc, klen, w + pc.k_off, ldw,
        in_place ? cnn_pgemm_rows_b : pack_b,
        in_place ? (void *) &x_rows : (void *) &pc, 0, positions, partial,
        positions, NULL, NULL, 0, NULL, bbuf, abuf);
  }
}

/* y[i] = part 0 + part 1 + ... in part order, + r[i] (r NULL: none), 8
 * floats at a time (parts `stride` floats apart): the same sums as one at
 * a time; the scalar loop with the parts inside did not vectorise (a
 * 192->64 1x1 layer on 14x14 took 15 us more split than whole at one
 * thread). */
static void
sum_parts (float *y, const float *part0, int64_t stride, int64_t parts,
    const float *r, int64_t n)
{
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    cnn_v8f v, w;
    memcpy (&v, part0 + i, sizeof v);
    for (int64_t p = 1; p < parts; p++) {
      memcpy (&w, part0 + p * stride + i, sizeof w);
      v += w;
    }
    if (r) {
      memcpy (&w, r + i, sizeof w);
      v += w;
    }
    memcpy (y + i, &v, sizeof v);
  }
  for (; i < n; i++) {
    float v = part0[i];
    for (int64_t p = 1; p < parts; p++)
      v += part0[p * stride + i];
    y[i] = r ? v + r[i] : v;
  }
}

/* Output channels [begin, end) of image j->img_group: the parts' sum in
 * part order, + residual, + bias, activation. */
static void
ksplit_sum_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const CnnConvGeom *g = j->g;
  int64_t positions = cnn_conv_geom_out_size (g);
  const float *parts = (const float *) j->scratch;
  (void) thread;
  for (int64_t o = begin; o < end; o++) {
    int64_t off = (j->img_group * g->oc + o) * positions;
    float *y = j->io.y + off;
    const float *r = j->io.res ? j->io.res + off : NULL;
    sum_parts (y, parts + o * positions, g->oc * positions, j->f->ksplit, r,
        positions);
    cnn_bias_act (y, positions, j->io.bias ? j->io.bias[o] : 0.0f,
        j->io.act);
  }
}

static void
ksplit_run (Job *j, CnnThreadPool *pool)
{
  const CnnConvGeom *g = j->g;
  j->stride = ksplit_bbuf_bytes (j->f, g) + abuf_bytes (j->f);
  for (j->img_group = 0; j->img_group < g->n; j->img_group++) {
    cnn_parallel_for (pool, j->f->ksplit, 1, ksplit_chunk, j);
    cnn_parallel_for (pool, g->oc, 8, ksplit_sum_chunk, j);
  }
}

/* ---- Winograd (each step split by channel or GEMM item) ----------------- */

#if defined(CNN_HAVE_X86_KERNELS)

static void
wino_weights_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  cnn_winograd_weights (j->g, j->io.w, begin, end, j->u);
}

static void
wino_input_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  cnn_winograd_input (j->g, j->io.x, begin, end, j->v);
}

static void
wino_output_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  int64_t tiles = cnn_winograd_tiles (j->g);
  CnnWinoSpan sp = { 0, tiles, tiles, j->f->wino_m / CNN_WINO_E };
  cnn_winograd_output_span (j->g, j->m, j->io.bias, j->io.act, j->io.res,
      begin, end, &sp, j->io.y);
}

/* Rows o0 .. o0+rows-1 and columns p0 .. p0+len-1 of M_e (row stride
 * ld) = U_e x V_e, V_e read in place (row stride ld); v and m point at
 * element e's planes. */
static void
wino_gemm (const CnnConvFast *f, const CnnConvGeom *g, const float *u_e,
    const float *v, float *m, int64_t ld, int64_t o0, int64_t rows,
    int64_t p0, int64_t len, float *bbuf, float *abuf)
{
  CnnPgemmRows src = { v, ld };
  cnn_pgemm_block (&f->pg, rows, g->c, u_e + o0 * g->c, g->c,
      cnn_pgemm_rows_b, &src, p0, len, m + o0 * ld + p0, ld, NULL, NULL, ld,
      NULL, bbuf, abuf);
}

/* Thread `thread`'s scratch region: lead floats (V and/or M), then its B
 * and A buffers; returns the region's start. */
static float *
thread_region (const Job *j, int thread, int64_t lead, float **bbuf,
    float **abuf)
{
  float *base = (float *) (j->scratch + j->stride * (size_t) thread);
  *bbuf = base + lead;
  *abuf = (float *) ((char *) *bbuf + bbuf_bytes (j->f, j->g->c));
  return base;
}

/* GEMM items (element e, tile t): M_e = U_e x V_e. */
static void
wino_gemm_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const CnnConvFast *f = j->f;
  const CnnConvGeom *g = j->g;
  int64_t tiles = cnn_winograd_tiles (g), tile = f->tile;
  float *bbuf, *abuf;
  thread_region (j, thread, 0, &bbuf, &abuf);
  for (int64_t i = begin; i < end; i++) {
    int64_t e = i / j->tiles, p0 = i % j->tiles * tile;
    int64_t len = tiles - p0 < tile ? tiles - p0 : tile;
    wino_gemm (f, g, j->u + e * (f->wino_u / CNN_WINO_E),
        j->v + e * (f->wino_v / CNN_WINO_E),
        j->m + e * (f->wino_m / CNN_WINO_E), tiles, 0, g->oc, p0, len, bbuf,
        abuf);
  }
}

/* Items of output channels [i * mblock, ...) of one image (wino_split),
 * each in its thread's scratch [V | B buffer | A buffer]; M is shared
 * (disjoint rows). */
static void
wino_split_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const CnnConvFast *f = j->f;
  const CnnConvGeom *g = j->g;
  int64_t tiles = cnn_winograd_tiles (g), tile = f->tile;
  float *bbuf, *abuf;
  float *v = thread_region (j, thread, f->wino_v, &bbuf, &abuf);
  int64_t su = f->wino_u / CNN_WINO_E, sv = f->wino_v / CNN_WINO_E;
  int64_t sm = f->wino_m / CNN_WINO_E;
  cnn_winograd_input (g, j->io.x, 0, g->c, v);
  for (int64_t i = begin; i < end; i++) {
    int64_t o0 = i * j->mblock;
    int64_t rows = g->oc - o0 < j->mblock ? g->oc - o0 : j->mblock;
    for (int e = 0; e < CNN_WINO_E; e++)
      for (int64_t p0 = 0; p0 < tiles; p0 += tile)
        wino_gemm (f, g, j->u + e * su, v + e * sv, j->m + e * sm, tiles, o0,
            rows, p0, tiles - p0 < tile ? tiles - p0 : tile, bbuf, abuf);
    CnnWinoSpan sp = { 0, tiles, tiles, sm };
    cnn_winograd_output_span (g, j->m, j->io.bias, j->io.act, j->io.res,
        o0, o0 + rows, &sp, j->io.y);
  }
}

/* Blocks of f->wino_block tiles of one image, each start to end on one
 * thread in its own scratch: [V block | M block | B buffer | A buffer]. */
static void
wino_block_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const Job *j = ctx;
  const CnnConvFast *f = j->f;
  const CnnConvGeom *g = j->g;
  int64_t tiles = cnn_winograd_tiles (g), blk = f->wino_block;
  int64_t sv = f->wino_v / CNN_WINO_E, sm = f->wino_m / CNN_WINO_E;
  float *bbuf, *abuf;
  float *v = thread_region (j, thread, f->wino_v + f->wino_m, &bbuf, &abuf);
  float *m = v + f->wino_v;
  for (int64_t i = begin; i < end; i++) {
    int64_t t0 = i * blk, len = tiles - t0 < blk ? tiles - t0 : blk;
    CnnWinoSpan in = { t0, t0 + len, blk, sv }, out = { t0, t0 + len, blk,
      sm };
    cnn_winograd_input_span (g, j->io.x, 0, g->c, &in, v);
    for (int e = 0; e < CNN_WINO_E; e++)
      wino_gemm (f, g, j->u + e * (f->wino_u / CNN_WINO_E), v + e * sv,
          m + e * sm, blk, 0, g->oc, 0, len, bbuf, abuf);
    cnn_winograd_output_span (g, m, j->io.bias, j->io.act, j->io.res, 0,
        g->oc, &out, j->io.y);
  }
}

static void
wino_run (Job *j, CnnThreadPool *pool)
{
  const CnnConvFast *f = j->f;
  const CnnConvGeom *g = j->g;
  int64_t in_size = g->c * cnn_conv_geom_in_size (g);
  int64_t out_size = g->oc * cnn_conv_geom_out_size (g);
  float *free_scratch = (float *) j->scratch;
  if (f->packed) {
    j->u = (float *) f->packed;
  } else {
    j->u = free_scratch;
    free_scratch += f->wino_u;
  }
  CnnConvIO io = j->io;
  if (!f->packed)
    cnn_parallel_for (pool, g->oc, 1, wino_weights_chunk, j);
  j->tiles = (cnn_winograd_tiles (g) + f->tile - 1) / f->tile;
  int threads = cnn_threadpool_size (pool);
  bool split = threads > 1 && wino_split (f, g);
  if (f->wino_block) {
    j->scratch = (char *) free_scratch;
    j->stride = (size_t) (f->wino_v + f->wino_m) * 4 + bbuf_bytes (f, g->c)
        + abuf_bytes (f);
  } else if (split) {
    j->m = free_scratch;
    j->scratch = (char *) (j->m + f->wino_m);
    j->stride = (size_t) f->wino_v * 4 + bbuf_bytes (f, g->c)
        + abuf_bytes (f);
    j->mblock = round_up ((g->oc + threads - 1) / threads, f->pg.mr);
  } else {
    j->v = free_scratch;
    j->m = j->v + f->wino_v;
    j->scratch = (char *) (j->m + f->wino_m);
    j->stride = bbuf_bytes (f, g->c) + abuf_bytes (f);
  }
  for (int64_t img = 0; img < g->n; img++) {
    j->io.x = io.x + img * in_size;
    j->io.y = io.y + img * out_size;
    j->io.res = io.res ? io.res + img * out_size : NULL;
    if (f->wino_block) {
      cnn_parallel_for (pool, j->tiles, 1, wino_block_chunk, j);
      continue;
    }
    if (split) {
      cnn_parallel_for (pool, (g->oc + j->mblock - 1) / j->mblock, 1,
          wino_split_chunk, j);
      continue;
    }
    cnn_parallel_for (pool, g->c, 1, wino_input_chunk, j);
    cnn_parallel_for (pool, CNN_WINO_E * j->tiles, 1, wino_gemm_chunk, j);
    cnn_parallel_for (pool, g->oc, 1, wino_output_chunk, j);
  }
}

#endif /* CNN_HAVE_X86_KERNELS */

void
cnn_conv_fast_run (const CnnConvFast *f, const CnnConvGeom *g,
    const CnnConvIO *io, CnnThreadPool *pool, void *scratch)
{
  int64_t ocg = g->oc / g->group;
  if (f->direct) {
    cnn_conv_direct_run (&f->dir, g, io, f->packed, pool, scratch);
    return;
  }
  Job j = { .f = f, .g = g, .io = *io, .scratch = scratch };
#if defined(CNN_HAVE_X86_KERNELS)
  if (f->winograd) {
    wino_run (&j, pool);
    return;
  }
#endif
  if (f->ksplit) {
    ksplit_run (&j, pool);
    return;
  }
  bool many = cnn_threadpool_size (pool) > 1;
  j.mblock = many && !f->tiles_par ? f->mblock_par : f->mblock;
  j.mblocks = (ocg + j.mblock - 1) / j.mblock;
  if (many ? f->shared_b_par : f->shared_b) {
    shared_run (&j, pool);
    return;
  }
  j.tiles = many && f->tiles_par ? f->tiles_par : f->tiles;
  j.stride = bbuf_bytes (f, k_rows (g)) + abuf_bytes (f);
  cnn_parallel_for (pool, g->n * g->group * j.tiles * j.mblocks, 1,
      tiled_chunk, &j);
}
