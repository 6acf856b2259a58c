/* conv_fast.c — the plans of the pgemm and Winograd convolution drivers
 * and the weights they pack at load (see conv_fast.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cnn_conv_fast_init chooses Winograd, the direct kernels or pgemm and
 * cuts the work into items (tiles of positions, blocks of output
 * channels, parts of the sum over k, Winograd blocks of tiles); the runs
 * and their scratch are conv_fast_run.c.
 */
#include "conv_fast.h"
#include "conv_fast_priv.h"
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
