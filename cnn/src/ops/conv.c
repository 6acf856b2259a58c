/* conv.c — the Conv operator (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Conv (opsets 1–17), float32, NCHW with 1 to 3 spatial dimensions:
 * group (including depthwise and depthwise with a channel multiplier),
 * pads, strides, dilations, auto_pad, optional bias, kernel_shape optional
 * (taken from W). W and B may be constants or run-time inputs. Every
 * convolution is described in three spatial dimensions
 * (kernels/conv_geom.h) and prepare() picks one kernel:
 *   CONV_DEPTHWISE  group == C, 2-D: kernels/depthwise.c, one plane each,
 *                   the SIMD variant chosen at prepare;
 *   CONV_FAST       anything else on a CPU with AVX2 or AVX-512:
 *                   kernels/conv_fast.h (Winograd F(2x2, 3x3) or the
 *                   packed-B GEMM micro-kernels; W read in place; bias,
 *                   residual and activation fused into the store);
 *   CONV_1X1        (portable) 1x1x1 kernel, stride 1, no padding:
 *                   out_g = W_g x X_g, one BLAS sgemm per tile of output
 *                   positions;
 *   CONV_IM2COL     (portable) everything else: per-thread im2col of a
 *                   tile of output positions into scratch, then one BLAS
 *                   sgemm.
 * Work is split across the pool by (image, group, tile of positions, block
 * of output channels) or by output plane; the split depends on the
 * geometry only, so any thread count gives bitwise the same output. Every
 * thread makes single-threaded BLAS calls. On the BLAS paths the bias and
 * the fused activation (node->act) are applied to each tile while it is
 * in cache.
 * A Conv into which graph_fuse.c folded a residual Add (domain
 * CNN_CONV_FUSED_DOMAIN, fourth input R of the output's shape) computes
 * act (conv + bias + R). A 1x1 Conv into which it folded the depthwise
 * Conv producing its input (domain CNN_CONV_DWPW_DOMAIN, conv_geom.h)
 * runs both band by band (CONV_DWPW, ops/conv_dwpw.c); the pair is
 * chosen by cnn_conv_dwpw_fusable. A Conv on the direct kernels into
 * which it folded the MaxPool reading its output (domain
 * CNN_CONV_POOL_DOMAIN) writes the pool's output, running both band by
 * band (CONV_POOL, ops/conv_pool.c; chosen by cnn_conv_pool_fusable). The
 * reference for all paths is cnn_conv_ref (kernels/conv_ref.c).
 */
#include "ops.h"
#include "../bigalloc.h"
#include "conv_dwpw.h"
#include "conv_pool.h"
#include "spatial.h"
#include "../kernels/conv_geom.h"
#include "../kernels/depthwise.h"
#include "../kernels/epilogue.h"
#include "../kernels/gemm.h"
#include "../kernels/im2col.h"
#include "../kernels/conv_fast.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
  CONV_IM2COL,
  CONV_1X1,
  CONV_DEPTHWISE,
  CONV_FAST,
  CONV_DWPW,
  CONV_POOL,
} ConvAlgo;

typedef struct {
  CnnConvGeom geom;
  ConvAlgo algo;
  CnnDepthwiseFn dw_fn;         /* CONV_DEPTHWISE */
  CnnConvFast fast;             /* CONV_FAST, CONV_DWPW (the 1x1) */
  CnnDwPw dwpw;                 /* CONV_DWPW */
  CnnConvPool cpool;            /* CONV_POOL (the direct plan in fast) */
  float *packed;                /* CONV_FAST: weights packed at load (owned) */
} ConvParams;

/* Floats of im2col scratch one thread may use (4 MiB). */
#define CONV_COL_BUDGET ((int64_t) 1 << 20)

static int64_t
round_up (int64_t v, int64_t m)
{
  return (v + m - 1) / m * m;
}

/* The pool is fed at least this many work items per convolution when
 * the shapes allow it. */
#define CONV_MIN_ITEMS 4

/* Output positions per GEMM tile. The split depends on the geometry only,
 * never on the thread count, so every thread count runs the very same
 * BLAS calls and gives bitwise identical results: tiles small enough for
 * the im2col budget, and enough of them (of at least 32 positions) that
 * images x groups x tiles reaches CONV_MIN_ITEMS. */
static int64_t
conv_tile (const ConvParams *p)
{
  const CnnConvGeom *g = &p->geom;
  int64_t positions = cnn_conv_geom_out_size (g);
  int64_t rows = g->c / g->group * cnn_conv_geom_k_size (g);
  int64_t tiles = p->algo == CONV_IM2COL
      ? (rows * positions + CONV_COL_BUDGET - 1) / CONV_COL_BUDGET : 1;
  int64_t outer = g->n * g->group;
  int64_t want = outer >= CONV_MIN_ITEMS ? 1
      : (CONV_MIN_ITEMS + outer - 1) / outer;
  if (want > positions / 32)
    want = positions / 32;
  if (tiles < want)
    tiles = want;
  if (tiles < 1)
    tiles = 1;
  int64_t tile = round_up ((positions + tiles - 1) / tiles, 8);
  return tile < positions ? tile : positions;
}

/* Output channels per GEMM block: all of a group's, unless images x
 * groups x tiles stay below CONV_MIN_ITEMS; then blocks of >= 32 channels
 * (a multiple of 16). Recomputing a small tile's im2col per block costs
 * about 1/block of the block's GEMM. Depends on the geometry only. */
static int64_t
conv_mblock (const ConvParams *p, int64_t tiles)
{
  const CnnConvGeom *g = &p->geom;
  int64_t ocg = g->oc / g->group, items = g->n * g->group * tiles;
  int64_t parts = items >= CONV_MIN_ITEMS ? 1
      : (CONV_MIN_ITEMS + items - 1) / items;
  if (parts > ocg / 32)
    parts = ocg / 32;
  if (parts <= 1)
    return ocg;
  int64_t block = round_up ((ocg + parts - 1) / parts, 16);
  return block < ocg ? block : ocg;
}

/* Bytes of im2col scratch per thread, 64-byte aligned. */
static size_t
col_stride (const ConvParams *p)
{
  if (p->algo != CONV_IM2COL)
    return 0;
  const CnnConvGeom *g = &p->geom;
  int64_t rows = g->c / g->group * cnn_conv_geom_k_size (g);
  return (size_t) round_up (rows * conv_tile (p) * 4, 64);
}

static size_t
conv_scratch_bytes (const CnnGraph *gr, const CnnNode *node, int threads)
{
  const ConvParams *p = node->params;
  if (!p)
    return 0;
  if (p->algo == CONV_FAST)
    return cnn_conv_fast_scratch (&p->fast, &p->geom, threads);
  if (p->algo == CONV_DWPW)
    return cnn_dwpw_scratch (&p->dwpw, &p->fast, threads);
  if (p->algo == CONV_POOL)
    return cnn_conv_pool_scratch (&p->cpool, &p->fast, &p->geom, threads);
  return col_stride (p) * (size_t) (threads > 1 ? threads : 1);
}

static void
conv_free_params (void *params)
{
  ConvParams *p = params;
  if (p)
    free (p->packed);
  free (params);
}

/* ---- prepare ------------------------------------------------------------ */

static bool
in_domain (const CnnNode *node, const char *domain)
{
  return node->domain && strcmp (node->domain, domain) == 0;
}

static CnnStatus
check_inputs (CnnGraph *gr, const CnnNode *node, CnnDiag *d)
{
  int max_inputs = in_domain (node, CNN_CONV_DWPW_DOMAIN) ? 6
      : in_domain (node, CNN_CONV_FUSED_DOMAIN) ? 4 : 3;
  if (node->n_inputs < 2 || node->n_inputs > max_inputs
      || node->n_outputs < 1 || !cnn_node_input (gr, node, 0)
      || !cnn_node_input (gr, node, 1) || !cnn_node_output (gr, node, 0))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "Conv needs inputs X, W "
        "(optional B) and one output");
  const CnnValue *x = cnn_node_input (gr, node, 0);
  const CnnValue *w = cnn_node_input (gr, node, 1);
  const CnnValue *b = cnn_node_input (gr, node, 2);
  CnnStatus st;
  if ((st = cnn_require_f32 (x, "X", d)) != CNN_OK
      || (st = cnn_require_f32 (w, "W", d)) != CNN_OK
      || (b && (st = cnn_require_f32 (b, "B", d)) != CNN_OK))
    return st;
  int rank = x->info.rank;
  char buf[128];
  if (rank < 3 || rank > 5)
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "X has shape %s; Conv supports "
        "rank 3 to 5 (1-D to 3-D)", cnn_dims_str (&x->info, buf, sizeof buf));
  if (w->info.rank != rank)
    return cnn_fail (d, CNN_ERR_SHAPE, "W has rank %d, X has rank %d",
        w->info.rank, rank);
  for (int i = 0; i < rank; i++)
    if (x->info.dims[i] < 1 || w->info.dims[i] < 1)
      return cnn_fail (d, CNN_ERR_SHAPE, "X %s and W %s must have sizes >= 1",
          cnn_dims_str (&x->info, buf, sizeof buf),
          cnn_dims_str (&w->info, buf + 64, sizeof buf - 64));
  return CNN_OK;
}

static CnnStatus
check_channels (CnnGraph *gr, const CnnNode *node, int64_t group,
    CnnDiag *d)
{
  const CnnValue *x = cnn_node_input (gr, node, 0);
  const CnnValue *w = cnn_node_input (gr, node, 1);
  const CnnValue *b = cnn_node_input (gr, node, 2);
  int64_t c = x->info.dims[1], oc = w->info.dims[0];
  if (group < 1)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "group %lld must be >= 1",
        (long long) group);
  if (c % group != 0 || oc % group != 0)
    return cnn_fail (d, CNN_ERR_SHAPE, "group %lld does not divide X's %lld "
        "channels and W's %lld output channels", (long long) group,
        (long long) c, (long long) oc);
  if (w->info.dims[1] != c / group)
    return cnn_fail (d, CNN_ERR_SHAPE, "W has %lld input channels per group, "
        "X has %lld", (long long) w->info.dims[1], (long long) (c / group));
  if (b && (b->info.rank != 1 || b->info.dims[0] != oc))
    return cnn_fail (d, CNN_ERR_SHAPE, "B must have shape [%lld]",
        (long long) oc);
  return CNN_OK;
}

/* Fills geom from the shapes and the resolved window (3-D, leading 1s). */
static void
fill_geom (CnnConvGeom *g, const CnnValue *x, const CnnValue *w,
    int64_t group, const CnnSpatial *sp)
{
  g->n = x->info.dims[0];
  g->c = x->info.dims[1];
  g->oc = w->info.dims[0];
  g->group = group;
  cnn_spatial_window (sp, g);
}

static ConvAlgo
choose_algo (const CnnConvGeom *g)
{
  if (cnn_depthwise_applies (g))
    return CONV_DEPTHWISE;
  bool one = true;
  for (int i = 0; i < 3; i++)
    one &= g->k[i] == 1 && g->stride[i] == 1 && g->pad[i] == 0
        && g->out[i] == g->in[i];
  return one ? CONV_1X1 : CONV_IM2COL;
}

/* The folded depthwise convolution of a CNN_CONV_DWPW_DOMAIN node: its
 * window over X (from the node's pre_attrs) into sd, after checking its
 * weights W_d (c, 1, kh, kw) and bias B_d (c). */
static CnnStatus
resolve_pre_depthwise (CnnGraph *gr, const CnnNode *node, CnnSpatial *sd,
    CnnDiag *d)
{
  const CnnValue *x = cnn_node_input (gr, node, 0);
  const CnnValue *wd = cnn_node_input (gr, node, 4);
  const CnnValue *bd = cnn_node_input (gr, node, 5);
  CnnNode view = *node;
  view.attrs = node->pre_attrs;
  view.n_attrs = node->n_pre_attrs;
  int64_t c = x->info.dims[1];
  if (!wd || wd->info.dtype != CNN_DTYPE_FLOAT32 || x->info.rank != 4
      || wd->info.rank != 4 || wd->info.dims[0] != c || wd->info.dims[1] != 1
      || cnn_node_attr_int (&view, "group", 1) != c
      || (bd && (bd->info.dtype != CNN_DTYPE_FLOAT32 || bd->info.rank != 1
              || bd->info.dims[0] != c)))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "the folded depthwise "
        "convolution does not match its input");
  return cnn_spatial_resolve (&view, 2, x->info.dims + 2, wd->info.dims + 2,
      false, sd, d);
}

/* Plans a CNN_CONV_DWPW_DOMAIN node (its 1x1 geometry already in p). */
static CnnStatus
plan_dwpw (CnnGraph *gr, const CnnNode *node, const CnnSpatial *sd,
    ConvParams *p, CnnDiag *d)
{
  const CnnValue *x = cnn_node_input (gr, node, 0);
  const CnnValue *wd = cnn_node_input (gr, node, 4);
  CnnConvGeom gd;
  fill_geom (&gd, x, wd, x->info.dims[1], sd);
  if (choose_algo (&p->geom) != CONV_1X1 || p->geom.group != 1
      || !cnn_conv_fast_init (&p->fast, &p->geom, true, cnn_cpu_level ())
      || !cnn_dwpw_plan (&p->dwpw, &gd, &node->pre_act, &p->fast,
          cnn_cpu_level ()))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "the folded depthwise and 1x1 "
        "convolutions cannot run together");
  p->algo = CONV_DWPW;
  return CNN_OK;
}

/* The MaxPool folded into a CNN_CONV_POOL_DOMAIN node (its post_attrs)
 * over the convolution output (p->geom): planned with the direct path
 * into p->cpool; *out gets the pool's window. */
static CnnStatus
plan_pool (const CnnNode *node, ConvParams *p, CnnSpatial *out, CnnDiag *d)
{
  CnnNode view = *node;
  view.attrs = node->post_attrs;
  view.n_attrs = node->n_post_attrs;
  const CnnConvGeom *g = &p->geom;
  CnnTensorInfo y = { .dtype = CNN_DTYPE_FLOAT32, .rank = 4,
    .dims = { g->n, g->oc, g->out[1], g->out[2] } };
  CnnPoolGeom pg;
  CnnStatus st = cnn_pool_geom_resolve (&view, &y, true, &pg, out, d);
  if (st != CNN_OK)
    return st;
  if (p->algo != CONV_FAST || !cnn_conv_pool_plan (&p->cpool, g, &p->fast,
          &pg, cnn_cpu_level ()))
    return cnn_fail (d, CNN_ERR_UNSUPPORTED, "the folded convolution and "
        "max pool cannot run together");
  p->algo = CONV_POOL;
  return CNN_OK;
}

/* Sets the output's type and shape; checks the fused residual's. */
static CnnStatus
set_output (CnnGraph *gr, CnnNode *node, const CnnConvGeom *g,
    const CnnSpatial *sp, CnnDiag *d)
{
  const CnnValue *x = cnn_node_input (gr, node, 0);
  CnnValue *y = cnn_node_output (gr, node, 0);
  y->info.dtype = CNN_DTYPE_FLOAT32;
  y->info.rank = x->info.rank;
  y->info.dims[0] = g->n;
  y->info.dims[1] = g->oc;
  for (int i = 0; i < sp->rank; i++)
    y->info.dims[2 + i] = sp->out[i];
  y->shape_known = true;
  const CnnValue *r = cnn_node_input (gr, node, 3);
  if (r && (r->info.dtype != CNN_DTYPE_FLOAT32
          || !cnn_info_equal_dims (&r->info, &y->info))) {
    char buf[64];
    return cnn_fail (d, CNN_ERR_SHAPE, "residual input must be float32 "
        "with the output's shape %s", cnn_dims_str (&y->info, buf,
            sizeof buf));
  }
  return CNN_OK;
}

/* Whether value x is the output of a prepared depthwise Conv. */
static bool
reads_depthwise (const CnnGraph *gr, const CnnValue *x)
{
  if (x->producer < 0 || x->producer >= gr->n_nodes)
    return false;
  const CnnNode *src = &gr->nodes[x->producer];
  const ConvParams *sp = src->params;
  return src->op == cnn_ops_conv && sp && sp->algo == CONV_DEPTHWISE;
}

static CnnStatus
conv_prepare (CnnGraph *gr, CnnNode *node, CnnDiag *d)
{
  CnnStatus st = check_inputs (gr, node, d);
  if (st != CNN_OK)
    return st;
  int64_t group = cnn_node_attr_int (node, "group", 1);
  if ((st = check_channels (gr, node, group, d)) != CNN_OK)
    return st;
  const CnnValue *x = cnn_node_input (gr, node, 0);
  const CnnValue *w = cnn_node_input (gr, node, 1);
  int rank = x->info.rank - 2;
  bool dwpw = in_domain (node, CNN_CONV_DWPW_DOMAIN);
  CnnSpatial sp, sd;
  if (dwpw && (st = resolve_pre_depthwise (gr, node, &sd, d)) != CNN_OK)
    return st;
  st = cnn_spatial_resolve (node, rank, dwpw ? sd.out : x->info.dims + 2,
      w->info.dims + 2, false, &sp, d);
  if (st != CNN_OK)
    return st;

  ConvParams *p = calloc (1, sizeof *p);
  if (!p)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory");
  fill_geom (&p->geom, x, w, group, &sp);
  p->algo = choose_algo (&p->geom);
  const CnnConvGeom *g = &p->geom;
  int64_t rows = g->c / g->group * cnn_conv_geom_k_size (g);
  int64_t positions = cnn_conv_geom_out_size (g);
  if (rows > INT_MAX / 16 || positions > INT_MAX / 16
      || g->oc > INT_MAX / 16) {
    free (p);
    return cnn_fail (d, CNN_ERR_LIMIT, "convolution is too large (%lld "
        "weights per output, %lld positions)", (long long) rows,
        (long long) positions);
  }
  if (dwpw) {
    if ((st = plan_dwpw (gr, node, &sd, p, d)) != CNN_OK) {
      free (p);
      return st;
    }
  } else if (p->algo == CONV_DEPTHWISE)
    p->dw_fn = cnn_depthwise_select (g, cnn_cpu_level ());
  else if (cnn_conv_fast_init (&p->fast, g, p->algo == CONV_1X1,
          cnn_cpu_level ())) {
    if (p->algo == CONV_1X1 && reads_depthwise (gr, x))
      cnn_conv_fast_split_k_after_depthwise (&p->fast, g);
    p->algo = CONV_FAST;
  }
  if (in_domain (node, CNN_CONV_POOL_DOMAIN)
      && (st = plan_pool (node, p, &sp, d)) != CNN_OK) {
    free (p);
    return st;
  }
  if ((p->algo == CONV_IM2COL || p->algo == CONV_1X1)
      && (st = cnn_require_blas (d)) != CNN_OK) {
    free (p);
    return st;
  }
  node->params = p;
  return set_output (gr, node, g, &sp, d);
}

bool
cnn_conv_dwpw_fusable (const CnnNode *dw, const CnnNode *pw)
{
  const ConvParams *pd = dw->params, *pp = pw->params;
  if (!pd || !pp || dw->op != cnn_ops_conv || pw->op != cnn_ops_conv
      || pd->algo != CONV_DEPTHWISE || pp->algo != CONV_FAST
      || dw->n_inputs > 3 || pw->n_inputs > 4 || pp->geom.group != 1)
    return false;
  CnnDwPw plan;
  return cnn_dwpw_plan (&plan, &pd->geom, &dw->act, &pp->fast,
      cnn_cpu_level ());
}

bool
cnn_conv_pool_fusable (const CnnGraph *gr, const CnnNode *conv,
    const CnnNode *pool)
{
  const ConvParams *p = conv->params;
  const CnnPoolGeom *pg = cnn_pool_node_geom (pool);
  const CnnValue *w = conv->n_inputs > 1 && conv->inputs[1] >= 0
      ? &gr->values[conv->inputs[1]] : NULL;
  if (!p || !pg || conv->op != cnn_ops_conv || p->algo != CONV_FAST
      || conv->n_inputs > 3 || !w || w->kind != CNN_VALUE_CONST
      || (pool->n_outputs > 1 && pool->outputs[1] >= 0))
    return false;
  CnnConvPool plan;
  return cnn_conv_pool_plan (&plan, &p->geom, &p->fast, pg, cnn_cpu_level ());
}

/* ---- pack (once, at the end of loading) --------------------------------- */

/* A constant W of a CONV_FAST node is copied into the layout the kernels
 * read (conv_fast.h); when this node was its only reader the original is
 * freed, so the model keeps one copy of each weight. */
static CnnStatus
conv_pack (CnnGraph *gr, CnnNode *node, uint64_t *bytes, CnnDiag *d)
{
  ConvParams *p = node->params;
  const CnnValue *w = cnn_node_input (gr, node, 1);
  *bytes = 0;
  if (!p || (p->algo != CONV_FAST && p->algo != CONV_DWPW
          && p->algo != CONV_POOL) || !w
      || w->kind != CNN_VALUE_CONST || !w->data)
    return CNN_OK;
  size_t floats = cnn_conv_fast_packed_floats (&p->fast, &p->geom);
  if (floats == 0)
    return CNN_OK;
  size_t size = (floats * sizeof (float) + 63) / 64 * 64;
  p->packed = cnn_big_alloc (size);
  if (!p->packed)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory packing %zu "
        "bytes of weights", size);
  cnn_conv_fast_pack (&p->fast, &p->geom, w->data, p->packed);
  *bytes = size;
  cnn_node_drop_input (gr, node, 1);
  return CNN_OK;
}

/* ---- run ---------------------------------------------------------------- */

typedef struct {
  const ConvParams *p;
  const float *x, *w, *bias;
  const float *res;             /* fused residual (output's layout) or NULL */
  float *y;
  const CnnFusedAct *act;
  char *scratch;
  size_t col_stride;
  int64_t tile, tiles;          /* output positions per tile, tile count */
  int64_t mblock, mblocks;      /* output channels per block, block count */
} ConvJob;

/* One (image, group, tile, channel block) of the 1x1 and im2col paths. */
static void
gemm_item (const ConvJob *j, int64_t item, int thread)
{
  const CnnConvGeom *g = &j->p->geom;
  int64_t cg = g->c / g->group, ocg = g->oc / g->group;
  int64_t rows = cg * cnn_conv_geom_k_size (g);
  int64_t positions = cnn_conv_geom_out_size (g);
  int64_t mb = item % j->mblocks, rest = item / j->mblocks;
  int64_t t = rest % j->tiles;
  rest /= j->tiles;
  int64_t gi = rest % g->group, img = rest / g->group;
  int64_t p0 = t * j->tile, m0 = mb * j->mblock;
  int64_t len = positions - p0 < j->tile ? positions - p0 : j->tile;
  int64_t mlen = ocg - m0 < j->mblock ? ocg - m0 : j->mblock;

  const float *xg = j->x + (img * g->c + gi * cg) * cnn_conv_geom_in_size (g);
  const float *b;
  int ldb;
  if (j->p->algo == CONV_1X1) {
    b = xg + p0;
    ldb = (int) positions;
  } else {
    float *col = (float *) (j->scratch + j->col_stride * (size_t) thread);
    cnn_im2col (g, xg, cg, p0, len, col);
    b = col;
    ldb = (int) len;
  }
  int64_t oc0 = gi * ocg + m0;
  float *yb = j->y + (img * g->oc + oc0) * positions + p0;
  cnn_sgemm (false, false, (int) mlen, (int) len, (int) rows, 1.0f,
      j->w + oc0 * rows, (int) rows, b, ldb, 0.0f, yb, (int) positions);
  const float *rb = j->res ? j->res + (yb - j->y) : NULL;
  for (int64_t o = 0; o < mlen; o++)
    cnn_residual_bias_act (yb + o * positions,
        rb ? rb + o * positions : NULL, len,
        j->bias ? j->bias[oc0 + o] : 0.0f, j->act);
}

static void
gemm_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  for (int64_t i = begin; i < end; i++)
    gemm_item (ctx, i, thread);
}

/* Output planes [begin, end) (image * oc + channel) of the depthwise path. */
static void
depthwise_chunk (void *ctx, int64_t begin, int64_t end, int thread)
{
  const ConvJob *j = ctx;
  const CnnConvGeom *g = &j->p->geom;
  int64_t mult = g->oc / g->c;
  int64_t in_size = cnn_conv_geom_in_size (g);
  int64_t out_size = cnn_conv_geom_out_size (g);
  int64_t k_size = cnn_conv_geom_k_size (g);
  for (int64_t i = begin; i < end; i++) {
    int64_t img = i / g->oc, o = i % g->oc;
    float *y = j->y + i * out_size;
    j->p->dw_fn (g, j->x + (img * g->c + o / mult) * in_size,
        j->w + o * k_size, j->bias ? j->bias[o] : 0.0f,
        j->res ? NULL : j->act, y);
    if (j->res)
      cnn_residual_bias_act (y, j->res + i * out_size, out_size, 0.0f,
          j->act);
  }
}

static CnnStatus
conv_run (const CnnGraph *gr, const CnnNode *node, const CnnExec *exec,
    CnnDiag *d)
{
  const ConvParams *p = node->params;
  if (!p)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL, "Conv was not prepared");
  int threads = cnn_threadpool_size (exec->pool);
  ConvJob j = {
    .p = p,
    .x = cnn_exec_f32 (exec, node->inputs[0]),
    .w = node->inputs[1] >= 0 ? cnn_exec_f32 (exec, node->inputs[1])
        : NULL,                 /* absorbed by conv_pack */
    .bias = node->n_inputs > 2 && node->inputs[2] >= 0
        ? cnn_exec_f32 (exec, node->inputs[2]) : NULL,
    .res = node->n_inputs > 3 && node->inputs[3] >= 0
        ? cnn_exec_f32 (exec, node->inputs[3]) : NULL,
    .y = cnn_exec_f32 (exec, node->outputs[0]),
    .act = &node->act,
    .scratch = exec->scratch,
    .col_stride = col_stride (p),
  };
  const CnnConvGeom *g = &p->geom;
  if (p->algo == CONV_DEPTHWISE) {
    cnn_parallel_for (exec->pool, g->n * g->oc, 1, depthwise_chunk, &j);
    return CNN_OK;
  }
  size_t need = conv_scratch_bytes (gr, node, threads);
  if (need > exec->scratch_bytes)
    return cnn_fail (d, CNN_ERR_LIMIT, "Conv needs %zu bytes of scratch, "
        "got %zu", need, exec->scratch_bytes);
  if (p->algo == CONV_FAST) {
    CnnConvIO io = { j.x, j.w, j.bias, j.res, j.y, j.act };
    cnn_conv_fast_run (&p->fast, g, &io, exec->pool, exec->scratch);
    return CNN_OK;
  }
  if (p->algo == CONV_POOL) {
    if (!p->fast.packed)
      return cnn_fail (d, CNN_ERR_INVALID_MODEL, "the folded convolution's "
          "weights were not packed");
    CnnConvPoolIO io = { j.x, p->fast.packed, j.bias, j.act, j.y };
    cnn_conv_pool_run (&p->cpool, &p->fast, g, &io, exec->pool,
        exec->scratch);
    return CNN_OK;
  }
  if (p->algo == CONV_DWPW) {
    CnnDwPwIO io = { j.x, cnn_exec_f32 (exec, node->inputs[4]),
      node->inputs[5] >= 0 ? cnn_exec_f32 (exec, node->inputs[5]) : NULL,
      { NULL, j.w, j.bias, j.res, j.y, j.act } };
    cnn_dwpw_run (&p->dwpw, &p->fast, g, &io, exec->pool, exec->scratch);
    return CNN_OK;
  }
  int64_t ocg = g->oc / g->group;
  j.tile = conv_tile (p);
  j.tiles = (cnn_conv_geom_out_size (g) + j.tile - 1) / j.tile;
  j.mblock = conv_mblock (p, j.tiles);
  j.mblocks = (ocg + j.mblock - 1) / j.mblock;
  cnn_parallel_for (exec->pool, g->n * g->group * j.tiles * j.mblocks, 1,
      gemm_chunk, &j);
  return CNN_OK;
}

const CnnOpDef cnn_ops_conv[] = {
  { "Conv", conv_prepare, conv_run, conv_scratch_bytes, conv_free_params,
    conv_pack },
  { NULL }
};
