/* conv_fast.c — the pgemm and Winograd convolution drivers (see
 * conv_fast.h).
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
#include "epilogue.h"
#include "im2col.h"
#include "winograd.h"

#include <string.h>

/* Below this many flops (about 80 us on one core) a convolution is one
 * work item in the plan of its position tiles; the tiles decide which
 * columns take the dot kernel, hence the output bits, so they are planned
 * the same for every thread count, and smaller tiles cost one thread
 * speed. */
#define SERIAL_FLOPS ((int64_t) 8 << 20)

/* With a pool of several threads, convolutions above this many flops that
 * the tile plan left as fewer than MIN_ITEMS items are also split into
 * blocks of output channels (which do not change any output bit). A
 * worker that is asleep or descheduled does not delay the caller, which
 * takes the grains the worker does not claim (threadpool.c). Measured at
 * 2 threads against no split below 8 Mflop: small28 0.81x, SqueezeNet
 * 0.92x the time. */
#define PARALLEL_FLOPS ((int64_t) 2 << 20)

/* Work items wanted per convolution (above SERIAL_FLOPS). */
#define MIN_ITEMS 4

/* A convolution cut into several tiles gets a multiple of this many, so
 * that 2 or 4 threads share them evenly (SqueezeNet's stem: 5 tiles ran
 * 3:2 on two threads). */
#define TILE_MULTIPLE 4

/* A 1x1 convolution that reads B in place as one tile, which a pool of
 * several threads would cut into blocks of output channels, takes
 * TILE_MULTIPLE tiles of positions instead when it has at least this many
 * micro-kernel panels of them: with channel blocks every thread reads all
 * of B, half of it just written by the other core, where most layers
 * before it (1x1 tiles, Winograd blocks, the stem's bands) leave each
 * core the positions of its own half. SqueezeNet's 1x1 16->64 on 55x55 at
 * two threads: 35 us against 48; the net 0.990x the time. */
#define PAR_TILES_MIN_PANELS 12

/* Bytes of one packed B block (k block x tile): it stays in L2. */
#define B_BUDGET ((int64_t) 320 << 10)

/* A convolution whose whole image is one tile of at most KSPLIT_MAX_POS
 * positions, with at least KSPLIT_MIN_K rows to sum over and at least
 * KSPLIT_MIN_OC output channels (ResNet's 3x3 512->512 on 7x7), sums its k
 * rows in KSPLIT_PARTS parts, one work item each, every part over all
 * output channels into its own partial output, then adds the parts, the
 * bias and the residual and applies the activation. Each part packs its
 * own rows of B, so no thread reads a B another one packed. With one
 * shared packed B (each thread packing some of it, every thread reading
 * all of it), the VM this was tuned on ran those layers 1.5-1.8x slower
 * in its phases where a cache line takes 330 ns to cross between the two
 * vCPUs: ResNet-18 at 2 threads took 21.1-21.2 ms there, 17.9 ms with the
 * parts; in normal phases 14.9-15.1 ms either way, and 1.02x the time at
 * 1 thread (the parts' sums). The parts are the same for every pool size,
 * so are the bits. */
#define KSPLIT_MAX_POS 64
#define KSPLIT_MIN_K 2048
#define KSPLIT_MIN_OC 256
#define KSPLIT_PARTS 4

/* A 1x1 convolution reading a depthwise convolution's output (MobileNet's
 * projections: many input channels, few output channels, a small image)
 * sums its k rows in DW_KSPLIT_PARTS halves, when it has at most
 * DW_KSPLIT_MAX_POS positions and at least DW_KSPLIT_MIN_K rows, twice
 * its output channels or more. The depthwise layer is cut by channels, so
 * at two threads each core wrote half of the channels; cut by positions,
 * the 1x1 layer made each core read the other half from the other core
 * (or from L3), at about a third of the speed of its own L2: on the Intel
 * Xeon VM, MobileNetV2's 1x1 work took 1.22x its one-thread time in
 * thread time at two threads, the projections 1.45-1.79x. With halves of
 * k each core sums the channels it wrote, and only the two partial
 * outputs (oc x positions) cross. MobileNetV2 0.939x the time at two
 * threads, 1.013x at one (the partial sums and their pass, sum_parts);
 * the 28x28 projections as well had cost more at one thread (1.046x
 * against 1.034x, before sum_parts); four parts: 0.986x.
 * SqueezeNet and ResNet-50, whose 1x1 layers read other layers, did not
 * gain (1.001x, 1.011x at two threads), hence the condition on the
 * producer. Same parts at every pool size, so the same bits. */
#define DW_KSPLIT_PARTS 2
#define DW_KSPLIT_MAX_POS 200
#define DW_KSPLIT_MIN_K 128

/* Winograd is worth it with at least this many 2x2 tiles per image and
 * at least WINO_MIN_CHANNELS input and output channels. With the filters
 * transformed at load (cnn_conv_fast_pack), 14x14 and 13x13 outputs (49
 * tiles) gain too (CPU time per run against a limit of 128 tiles:
 * ResNet-18 0.92x, SqueezeNet 0.94x, ResNet-50 0.95x); 7x7 (16 tiles)
 * loses (ResNet-18 1.07x: GEMMs 16 columns wide, under the 48-column
 * micro-kernel). */
#define WINO_MIN_TILES 40
#define WINO_MIN_CHANNELS 16

/* Bytes of V and M for one block of tiles (L2 is 1 MB per core on the
 * reference machine; U's slices and the packed B block share it). Images
 * with at least WINO_MIN_BLOCKS such blocks run block by block, each
 * block's input transform, 16 GEMMs and output transform on one thread
 * while the data is in its L2; smaller ones run each step over the whole
 * image (all of it fits in cache, and there are too few blocks to share
 * between threads). */
#define WINO_BLOCK_BYTES ((int64_t) 512 << 10)
#define WINO_MIN_BLOCKS 4
/* ... and the last few tiles of an image join the full blocks when that
 * makes each at most 1/WINO_SPREAD_MAX larger and the GEMMs' extra
 * columns go to the dot kernel (one more column instead of a block of 4
 * tiles: at two threads the thread that took that block ran its tiles
 * 1.15x slower, ResNet-50's 3x3 128->128 on 28x28 in 5 blocks; ResNet-50
 * 0.962x the time, ResNet-18 0.949x). Not where the extra columns would
 * take a masked micro-kernel panel: SqueezeNet's 3x3 16->64 on 55x55 in
 * 8 blocks of 98 ran 1.021x the net's time at one thread. Same bits: a
 * tile's sums do not depend on the blocks. */
#define WINO_SPREAD_MAX 8

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

static int64_t
round_up (int64_t v, int64_t m)
{
  return (v + m - 1) / m * m;
}

static int64_t
k_rows (const CnnConvGeom *g)
{
  return g->c / g->group * cnn_conv_geom_k_size (g);
}

/* Whether a 1x1 convolution's micro-kernels read X itself as B (rows of
 * `positions` floats at a stride they take in place). */
static bool
b_in_place (const CnnConvFast *f, const CnnConvGeom *g)
{
  int64_t positions = cnn_conv_geom_out_size (g);
  return f->one && cnn_pgemm_lda (positions) == positions;
}

/* Positions per tile for a sum over k rows: multiples of nr whose B block
 * fits B_BUDGET, equal tiles over n positions. */
static int64_t
budget_tile (const CnnConvFast *f, int64_t k, int64_t n, int64_t tiles_min)
{
  int64_t nr = f->pg.nr, kc = k < CNN_PGEMM_KC ? k : CNN_PGEMM_KC;
  int64_t tile = B_BUDGET / (4 * kc) / nr * nr;
  tile = tile < nr ? nr : tile;
  int64_t tiles = (n + tile - 1) / tile;
  tiles = tiles < tiles_min ? tiles_min : tiles;
  tile = round_up ((n + tiles - 1) / tiles, nr);
  return tile < n ? tile : n;
}

/* Tiles, then (while there are fewer than MIN_ITEMS items) blocks of
 * output channels (multiples of mr, at least 4 panels), then smaller
 * tiles. */
static void
plan_pgemm (CnnConvFast *f, const CnnConvGeom *g)
{
  int64_t nr = f->pg.nr, mr = f->pg.mr, ocg = g->oc / g->group;
  int64_t rows = k_rows (g), positions = cnn_conv_geom_out_size (g);
  int64_t outer = g->n * g->group;
  int64_t want = 2 * ocg * rows * positions * outer < SERIAL_FLOPS
      ? 1 : MIN_ITEMS;
  int64_t tile = budget_tile (f, rows, positions, 1);
  int64_t tiles = (positions + tile - 1) / tile, parts = 1;
  if (tiles > 1 && outer == 1 && tiles % TILE_MULTIPLE != 0
      && positions / nr >= round_up (tiles, TILE_MULTIPLE)) {
    tile = budget_tile (f, rows, positions, round_up (tiles, TILE_MULTIPLE));
    tiles = (positions + tile - 1) / tile;
  }
  /* a sum of one k block packed from im2col is packed by one thread when
   * B is shared: tiles of positions instead (each thread packs its own),
   * when each keeps 4 panels or more. ResNet-18's 1x1 stride-2 64->128
   * on 28x28 (784 positions) at 2 threads: 0.08 ms against 0.14 in
   * channel blocks (0.11 at one thread); with one panel a tile (its
   * 128->256, 196 positions) it lost: 0.12 against 0.11. */
  if (outer * tiles < want && rows <= CNN_PGEMM_KC && !f->one
      && positions / nr >= 4 * want) {
    tile = budget_tile (f, rows, positions, want);
    tiles = (positions + tile - 1) / tile;
  }
  if (outer * tiles < want) {
    parts = (want + outer * tiles - 1) / (outer * tiles);
    if (parts > ocg / (4 * mr))
      parts = ocg / (4 * mr);
    parts = parts < 1 ? 1 : parts;
  }
  f->mblock = round_up ((ocg + parts - 1) / parts, mr);
  parts = (ocg + f->mblock - 1) / f->mblock;
  if (outer * tiles * parts < want) {
    int64_t more = (want + outer * parts - 1) / (outer * parts);
    tiles = more < positions / nr ? more : positions / nr;
    tile = budget_tile (f, rows, positions, tiles < 1 ? 1 : tiles);
  }
  /* the tiles' count stays; their whole panels are shared out evenly
   * (784 positions in 4 tiles: 192, 192, 192, 208, not 240, 240, 240, 64) */
  f->tiles = (positions + tile - 1) / tile;
  int64_t panels = (positions + nr - 1) / nr;
  tile = (panels + f->tiles - 1) / f->tiles * nr;
  f->tile = tile < positions ? tile : positions;
  /* a 1x1 convolution reads B in place (cnn_pgemm_rows_b): nothing to
   * share */
  bool in_place = b_in_place (f, g);
  f->shared_b = f->tile == positions && f->mblock < ocg && !in_place;
  /* the channel blocks of a multi-thread pool */
  f->mblock_par = f->mblock;
  int64_t items = outer * tiles * parts;
  if (2 * ocg * rows * positions * outer >= PARALLEL_FLOPS
      && items < MIN_ITEMS && parts < ocg / (2 * mr)) {
    int64_t more = (MIN_ITEMS + outer * tiles - 1) / (outer * tiles);
    more = more < ocg / (2 * mr) ? more : ocg / (2 * mr);
    if (more > 2 && outer * tiles * more % 2 == 1)
      more--;
    f->mblock_par = round_up ((ocg + more - 1) / more, mr);
  }
  f->shared_b_par = f->tile == positions && f->mblock_par < ocg
      && !in_place;
  /* whole panels in every tile but the last, as in the one-tile plan, so
   * the same columns take the dot kernel: the same bits */
  if (in_place && f->tiles == 1 && outer == 1 && f->mblock_par < ocg
      && positions / nr >= PAR_TILES_MIN_PANELS)
    f->tiles_par = TILE_MULTIPLE;
  if (f->tile == positions && positions <= KSPLIT_MAX_POS && !in_place
      && g->group == 1 && rows >= KSPLIT_MIN_K && ocg >= KSPLIT_MIN_OC)
    f->ksplit = KSPLIT_PARTS;
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

static bool
plan_winograd (CnnConvFast *f, const CnnConvGeom *g)
{
#if !defined(CNN_HAVE_X86_KERNELS)
  return false;                 /* winograd.c is built with the AVX2 set */
#endif
  if (!cnn_winograd_applies (g) || g->c < WINO_MIN_CHANNELS
      || g->oc < WINO_MIN_CHANNELS
      || cnn_winograd_tiles (g) < WINO_MIN_TILES)
    return false;
  int64_t tiles = cnn_winograd_tiles (g), nr = f->pg.nr;
  int64_t block = WINO_BLOCK_BYTES / (CNN_WINO_E * 4 * (g->c + g->oc))
      / nr * nr;
  block = block < nr ? nr : block;
  /* a remainder of a few tiles is spread over the full blocks instead of
   * making a block of its own (196 tiles: 4 blocks of 49, not 4 of 48
   * and one of 4) */
  int64_t full = tiles / block;
  if (full >= WINO_MIN_BLOCKS && tiles % block != 0) {
    int64_t spread = (tiles + full - 1) / full, extra = spread % nr;
    if (spread <= block + block / WINO_SPREAD_MAX && (extra == 0
            || (extra <= CNN_PGEMM_DOT_MAX
                && cnn_pgemm_dot_pays (extra, cnn_pgemm_kc (g->c)))))
      block = spread;
  }
  f->winograd = true;
  f->mblock = g->oc;
  f->wino_u = CNN_WINO_E * cnn_winograd_plane (g->oc * g->c);
  if ((tiles + block - 1) / block >= WINO_MIN_BLOCKS) {
    f->wino_block = block;
    f->tile = block;
    f->wino_v = CNN_WINO_E * cnn_winograd_plane (g->c * block);
    f->wino_m = CNN_WINO_E * cnn_winograd_plane (g->oc * block);
    return true;
  }
  f->wino_v = CNN_WINO_E * cnn_winograd_plane (g->c * tiles);
  f->wino_m = CNN_WINO_E * cnn_winograd_plane (g->oc * tiles);
  /* GEMM items: (element, tile of tiles), all output channels each */
  f->tile = budget_tile (f, g->c, tiles, 1);
  return true;
}

bool
cnn_conv_fast_init (CnnConvFast *f, const CnnConvGeom *g, bool one,
    CnnCpuLevel level)
{
  memset (f, 0, sizeof *f);
  if (!cnn_pgemm_init (&f->pg, level))
    return false;
  f->one = one;
  if (plan_winograd (f, g))
    return true;
  /* after Winograd: SqueezeNet's 3x3 16->64 on 55x55 took 1.15x its time
   * on the direct kernels */
  if (!one && cnn_conv_direct_plan (&f->dir, g, level)) {
    f->direct = true;
    return true;
  }
  plan_pgemm (f, g);
  return true;
}

bool
cnn_conv_fast_split_k_after_depthwise (CnnConvFast *f, const CnnConvGeom *g)
{
  int64_t rows = k_rows (g), positions = cnn_conv_geom_out_size (g);
  if (!f->one || f->winograd || f->direct || f->ksplit || g->group != 1
      || !b_in_place (f, g) || positions > DW_KSPLIT_MAX_POS
      || rows < DW_KSPLIT_MIN_K || rows < 2 * g->oc)
    return false;
  f->ksplit = DW_KSPLIT_PARTS;
  f->tile = positions;
  f->tiles = 1;
  f->shared_b = f->shared_b_par = false;
  return true;
}

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

size_t
cnn_conv_fast_packed_floats (const CnnConvFast *f, const CnnConvGeom *g)
{
  if (f->direct)
    return cnn_conv_direct_packed_floats (&f->dir, g);
  if (f->winograd)
    return (size_t) f->wino_u;
  int64_t rows = k_rows (g);
  int64_t ldw = cnn_pgemm_lda (rows);
  return ldw != rows ? (size_t) (g->oc * ldw) : 0;
}

void
cnn_conv_fast_pack (CnnConvFast *f, const CnnConvGeom *g, const float *w,
    float *dst)
{
  if (f->direct) {
    cnn_conv_direct_pack (&f->dir, g, w, dst);
    f->packed = dst;
    return;
  }
#if defined(CNN_HAVE_X86_KERNELS)
  if (f->winograd) {
    cnn_winograd_weights (g, w, 0, g->oc, dst);
    f->packed = dst;
    return;
  }
#endif
  int64_t rows = k_rows (g), ldw = cnn_pgemm_lda (rows);
  for (int64_t o = 0; o < g->oc; o++) {
    memcpy (dst + o * ldw, w + o * rows, sizeof (float) * (size_t) rows);
    memset (dst + o * ldw + rows, 0, sizeof (float) * (size_t) (ldw - rows));
  }
  f->packed = dst;
  f->ldw = ldw;
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
