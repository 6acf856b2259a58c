/* test_conv.c — the Conv operator and its kernels against the reference.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. cnn_im2col vs cnn_im2col_ref and cnn_depthwise_plane vs
 *    cnn_depthwise_plane_ref on odd geometries (exact equality: both copy
 *    or sum the same taps in a fixed order, so only float rounding of the
 *    depthwise sums may differ: 1e-5).
 * 2. The Conv op (prepare twice, run) on a table of cases covering the
 *    1x1, depthwise (multiplier 1 and 2) and im2col paths, 1-D/2-D/3-D,
 *    position tiles and output-channel blocks (one tile at one thread
 *    and four at two for a 1x1 of 965 positions),
 *    groups, strides, dilations, asymmetric pads, auto_pad, constant and
 *    run-time W, with and without bias, fused Relu/Clip/LeakyRelu, and the
 *    packed path's edges (several k blocks, channel counts and position
 *    counts that are not multiples of the micro-tile), the sum over k in
 *    parts (small images of many channels), Winograd on a
 *    small image (split by output channels at 2 threads; meson runs this at
 *    every CPU level through CNN_CPU): output
 *    shape as computed here from the ONNX formulas, values against
 *    cnn_conv_ref (double accumulation) within 1e-4 relative + 1e-5 * taps
 *    absolute, and 1 thread vs 2 threads bitwise identical.
 * 3. The residual Conv that graph_fuse.c makes of Conv + Add (domain
 *    CNN_CONV_FUSED_DOMAIN, fourth input R) on every path (pgemm 1x1 and
 *    im2col, B shared by channel blocks, the sum over k in parts,
 *    Winograd, depthwise, the BLAS
 *    paths at CNN_CPU=generic or with run-time W, the direct kernels of
 *    conv_direct.h): act (conv + bias + R)
 *    against cnn_conv_ref plus R, 1 vs 2 threads bitwise identical; the
 *    plain Conv refuses a fourth input.
 *    Every case with constant W is then packed as at the end of loading
 *    (conv_pack: Winograd's U, or W rows padded when they are a multiple
 *    of 256 floats) and must give bitwise the unpacked output.
 * 4. Shape and type errors give the documented messages.
 */
#include "kernels/conv_fast.h"
#include "kernels/conv_geom.h"
#include "kernels/cpu.h"
#include "kernels/depthwise.h"
#include "kernels/im2col.h"
#include "op_harness.h"

#include <stdio.h>

typedef struct {
  const char *what;
  int rank;                 /* spatial rank */
  int64_t n, c, oc, group;
  int64_t in[3], k[3], stride[3], dil[3];
  int64_t pads[6];          /* begin..., end... */
  const char *auto_pad;     /* NULL = NOTSET */
  CnnActKind act;
  bool w_runtime, bias, kernel_attr;
} ConvCase;

static const ConvCase cases[] = {
  { "3x3 s1 p1", 2, 1, 3, 8, 1, { 7, 5 }, { 3, 3 }, { 1, 1 }, { 1, 1 },
    { 1, 1, 1, 1 }, NULL, CNN_ACT_NONE, false, true, true },
  { "3x3 s2 d2 asym pads", 2, 2, 3, 5, 1, { 7, 5 }, { 3, 3 }, { 2, 2 },
    { 2, 2 }, { 1, 0, 2, 3 }, NULL, CNN_ACT_RELU, false, true, false },
  { "groups 2, 5x3 kernel", 2, 1, 4, 6, 2, { 9, 8 }, { 5, 3 }, { 2, 1 },
    { 1, 2 }, { 2, 1, 1, 0 }, NULL, CNN_ACT_NONE, false, false, true },
  { "1x1 (gemm path)", 2, 2, 7, 9, 1, { 6, 5 }, { 1, 1 }, { 1, 1 },
    { 1, 1 }, { 0 }, NULL, CNN_ACT_CLIP, false, true, false },
  { "1x1 groups 3", 2, 1, 6, 9, 3, { 5, 5 }, { 1, 1 }, { 1, 1 },
    { 1, 1 }, { 0 }, NULL, CNN_ACT_NONE, false, true, false },
  { "1x1 stride 2 (im2col)", 2, 1, 4, 3, 1, { 7, 7 }, { 1, 1 }, { 2, 2 },
    { 1, 1 }, { 0 }, NULL, CNN_ACT_NONE, false, true, false },
  { "depthwise 3x3 s1", 2, 1, 5, 5, 5, { 7, 6 }, { 3, 3 }, { 1, 1 },
    { 1, 1 }, { 1, 1, 1, 1 }, NULL, CNN_ACT_RELU, false, true, false },
  { "depthwise 3x3 s2 asym", 2, 2, 4, 4, 4, { 9, 7 }, { 3, 3 }, { 2, 2 },
    { 1, 1 }, { 0, 1, 1, 0 }, NULL, CNN_ACT_CLIP, false, true, false },
  { "depthwise multiplier 2, 5x5 d2", 2, 1, 3, 6, 3, { 11, 9 }, { 5, 5 },
    { 1, 2 }, { 2, 1 }, { 4, 2, 3, 2 }, NULL, CNN_ACT_LEAKY_RELU, false,
    false, false },
  { "SAME_UPPER s2", 2, 1, 3, 4, 1, { 7, 6 }, { 4, 3 }, { 2, 2 },
    { 1, 1 }, { 0 }, "SAME_UPPER", CNN_ACT_NONE, false, true, false },
  { "SAME_LOWER s2", 2, 1, 3, 4, 1, { 7, 6 }, { 4, 3 }, { 2, 2 },
    { 1, 1 }, { 0 }, "SAME_LOWER", CNN_ACT_NONE, false, true, false },
  { "VALID", 2, 1, 2, 3, 1, { 8, 6 }, { 3, 2 }, { 3, 1 }, { 1, 1 },
    { 0 }, "VALID", CNN_ACT_NONE, false, true, false },
  { "runtime W and B", 2, 2, 3, 4, 1, { 6, 7 }, { 2, 3 }, { 1, 2 },
    { 2, 1 }, { 1, 2, 0, 1 }, NULL, CNN_ACT_NONE, true, true, false },
  { "runtime W depthwise", 2, 1, 4, 8, 4, { 5, 5 }, { 3, 3 }, { 1, 1 },
    { 1, 1 }, { 1, 1, 1, 1 }, NULL, CNN_ACT_NONE, true, false, false },
  { "1-D", 1, 2, 3, 4, 1, { 13 }, { 3 }, { 2 }, { 2 }, { 2, 1 }, NULL,
    CNN_ACT_NONE, false, true, true },
  { "1-D depthwise", 1, 1, 4, 4, 4, { 10 }, { 5 }, { 1 }, { 1 }, { 2, 2 },
    NULL, CNN_ACT_NONE, false, true, false },
  { "3-D", 3, 1, 2, 3, 1, { 5, 6, 4 }, { 3, 2, 3 }, { 2, 1, 1 },
    { 1, 2, 1 }, { 1, 0, 1, 0, 1, 1 }, NULL, CNN_ACT_RELU, false, true,
    true },
  { "3-D groups 2", 3, 2, 4, 2, 2, { 4, 4, 4 }, { 2, 2, 2 }, { 1, 1, 1 },
    { 1, 1, 1 }, { 0 }, NULL, CNN_ACT_NONE, false, false, false },
  { "resnet-like 3x3 64->64 28x28 (several tiles)", 2, 1, 64, 64, 1,
    { 28, 28 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_RELU, false, true, false },
  { "3x3 40->80 5x5 (channel blocks 48 + 32)", 2, 2, 40, 80, 1, { 5, 5 },
    { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL, CNN_ACT_RELU, false,
    true, false },
  { "1x1 groups 2, 7x7 (channel blocks)", 2, 1, 64, 128, 2, { 7, 7 },
    { 1, 1 }, { 1, 1 }, { 1, 1 }, { 0 }, NULL, CNN_ACT_NONE, false, true,
    false },
  { "7x7 s2 p3 (stem)", 2, 1, 3, 16, 1, { 45, 37 }, { 7, 7 }, { 2, 2 },
    { 1, 1 }, { 3, 3, 3, 3 }, NULL, CNN_ACT_RELU, false, true, false },
  { "3x3 1->40 28x28 (direct: 3 channel blocks, ragged rows)", 2, 2, 1, 40,
    1, { 28, 28 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_LEAKY_RELU, false, true, false },
  /* packed path (AVX2 / AVX-512): k blocks, row and column remainders of
   * the micro-tile, output-channel blocks, several tiles of positions */
  { "3x3 64->13 9x11 (3 k blocks, odd channels)", 2, 1, 64, 13, 1,
    { 9, 11 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_LEAKY_RELU, false, true, false },
  { "1x1 300->20 7x7 (2 k blocks)", 2, 2, 300, 20, 1, { 7, 7 }, { 1, 1 },
    { 1, 1 }, { 1, 1 }, { 0 }, NULL, CNN_ACT_CLIP, false, true, false },
  { "3x3 s2 groups 2 30->70 15x13", 2, 1, 30, 70, 2, { 15, 13 }, { 3, 3 },
    { 2, 2 }, { 1, 1 }, { 1, 0, 0, 1 }, NULL, CNN_ACT_RELU, false, true,
    false },
  { "3x3 d2 130->200 6x6 (channel blocks)", 2, 1, 130, 200, 1, { 6, 6 },
    { 3, 3 }, { 1, 1 }, { 2, 2 }, { 2, 2, 2, 2 }, NULL, CNN_ACT_NONE, false,
    true, false },
  { "3x3 groups 2 64->128 7x7 (B packed once, shared)", 2, 1, 64, 128, 2,
    { 7, 7 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_RELU, false, true, false },
  { "3x3 32->24 31x29 (Winograd, edge tiles)", 2, 2, 32, 24, 1, { 31, 29 },
    { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 2, 0, 1 }, NULL, CNN_ACT_CLIP, false,
    true, false },
  { "1x1 24->40 61x37 (many tiles)", 2, 1, 24, 40, 1, { 61, 37 }, { 1, 1 },
    { 1, 1 }, { 1, 1 }, { 0 }, NULL, CNN_ACT_RELU, false, false, false },
  /* one tile at one thread, 4 tiles of whole panels at 2 (tiles_par):
   * 965 positions; tiles of 241 would send column 240 to the dot kernel
   * at 2 threads only */
  { "1x1 32->64 5x193 (position tiles at 2 threads)", 2, 1, 32, 64, 1,
    { 5, 193 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 0 }, NULL, CNN_ACT_RELU,
    false, true, false },
  /* a small image of many channels: the sum over k in parts (batch 2:
   * the parts' buffer is reused per image) */
  { "3x3 300->260 5x7 batch 2 (k split in parts)", 2, 2, 300, 260, 1,
    { 5, 7 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_CLIP, false, true, false },
  { "3x3 240->256 6x6 no bias (k split in parts)", 2, 1, 240, 256, 1,
    { 6, 6 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_NONE, false, false, false },
  /* Winograd in L2 blocks: 580 tiles in 4 blocks of 145 (the remainder
   * spread over the full blocks) */
  { "3x3 32->24 58x40 (Winograd blocks of 145 tiles)", 2, 1, 32, 24, 1,
    { 58, 40 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_RELU, false, true, false },
  /* a small image: at 2 threads split by output channels, V per thread */
  { "3x3 32->20 14x12 batch 2 (Winograd split by channels)", 2, 2, 32, 20,
    1, { 14, 12 }, { 3, 3 }, { 1, 1 }, { 1, 1 }, { 1, 1, 1, 1 }, NULL,
    CNN_ACT_RELU, false, true, false },
};

/* Output size and begin pad of one axis, from the ONNX spec. */
static void
expected_axis (const ConvCase *t, int i, int64_t *out, int64_t *pad)
{
  int64_t eff = (t->k[i] - 1) * t->dil[i] + 1;
  if (t->auto_pad && strncmp (t->auto_pad, "SAME", 4) == 0) {
    *out = (t->in[i] + t->stride[i] - 1) / t->stride[i];
    int64_t total = (*out - 1) * t->stride[i] + eff - t->in[i];
    total = total < 0 ? 0 : total;
    *pad = strcmp (t->auto_pad, "SAME_UPPER") == 0 ? total / 2
        : total - total / 2;
  } else if (t->auto_pad) {
    *out = (t->in[i] - eff) / t->stride[i] + 1;
    *pad = 0;
  } else {
    *out = (t->in[i] + t->pads[i] + t->pads[t->rank + i] - eff)
        / t->stride[i] + 1;
    *pad = t->pads[i];
  }
}

static void
apply_act (float *y, size_t n, CnnActKind kind)
{
  for (size_t i = 0; i < n; i++) {
    if (kind == CNN_ACT_RELU)
      y[i] = y[i] > 0 ? y[i] : 0;
    else if (kind == CNN_ACT_CLIP)
      y[i] = y[i] < -0.5f ? -0.5f : y[i] > 0.75f ? 0.75f : y[i];
    else if (kind == CNN_ACT_LEAKY_RELU)
      y[i] = y[i] < 0 ? 0.1f * y[i] : y[i];
  }
}

static void
set_attrs (CnnNode *node, const ConvCase *t)
{
  h_attr_int (node, "group", t->group);
  h_attr_ints (node, "strides", t->rank, t->stride);
  h_attr_ints (node, "dilations", t->rank, t->dil);
  if (t->auto_pad)
    h_attr_string (node, "auto_pad", t->auto_pad);
  else
    h_attr_ints (node, "pads", 2 * t->rank, t->pads);
  if (t->kernel_attr)
    h_attr_ints (node, "kernel_shape", t->rank, t->k);
  CnnFusedAct acts[] = { { CNN_ACT_NONE, 0, 0 }, { CNN_ACT_RELU, 0, 0 },
    { CNN_ACT_CLIP, -0.5f, 0.75f }, { CNN_ACT_LEAKY_RELU, 0.1f, 0 } };
  node->act = acts[t->act];
}

/* Cases whose weights were packed (checked at the end: the packed paths
 * must be exercised at the AVX2 and AVX-512 levels). */
static int packed_cases;

/* Packs node ni (as the end of loading does) and runs it again with 1
 * and 2 threads: bitwise the same as unpacked (y1). Returns whether the
 * op packed anything. inputs as for h_run; W is absent once packed. */
static bool
check_packed (CnnGraph *gr, int ni, float *const *inputs, const float *y1,
    size_t ny, const char *what)
{
  CnnDiag d;
  uint64_t bytes = 0;
  CHECK_MSG (h_pack (gr, ni, &bytes, &d) == CNN_OK, "%s: pack: %s", what,
      d.message);
  if (bytes == 0)
    return false;
  CHECK_MSG (gr->nodes[ni].inputs[1] < 0, "%s: W still read after pack",
      what);
  float *p1 = malloc (ny * 4), *p2 = malloc (ny * 4);
  CHECK (h_run (gr, ni, 1, inputs, &p1, &d) == CNN_OK);
  CHECK (h_run (gr, ni, 2, inputs, &p2, &d) == CNN_OK);
  CHECK_MSG (memcmp (p1, y1, ny * 4) == 0, "%s: packed weights change the "
      "output", what);
  CHECK_MSG (memcmp (p2, y1, ny * 4) == 0, "%s: packed, 2 threads differ",
      what);
  free (p1);
  free (p2);
  return true;
}

static void
run_case (const ConvCase *t, uint32_t seed)
{
  CnnConvGeom g = { .n = t->n, .c = t->c, .oc = t->oc, .group = t->group };
  int lead = 3 - t->rank;
  int64_t xd[5] = { t->n, t->c }, wd[5] = { t->oc, t->c / t->group };
  for (int i = 0; i < 3; i++) {
    int s = i - lead;
    g.in[i] = s < 0 ? 1 : t->in[s];
    g.k[i] = s < 0 ? 1 : t->k[s];
    g.stride[i] = s < 0 ? 1 : t->stride[s];
    g.dil[i] = s < 0 ? 1 : t->dil[s];
    g.out[i] = 1;
    g.pad[i] = 0;
    if (s >= 0) {
      expected_axis (t, s, &g.out[i], &g.pad[i]);
      xd[2 + s] = t->in[s];
      wd[2 + s] = t->k[s];
    }
  }
  size_t nx = (size_t) (t->n * t->c * cnn_conv_geom_in_size (&g));
  size_t nw = (size_t) (t->oc * wd[1] * cnn_conv_geom_k_size (&g));
  size_t ny = (size_t) (t->n * t->oc * cnn_conv_geom_out_size (&g));
  float *x = h_rand_array (nx, seed), *w = h_rand_array (nw, seed + 1);
  float *b = h_rand_array ((size_t) t->oc, seed + 2);
  float *ref = malloc (ny * 4), *y1 = malloc (ny * 4), *y2 = malloc (ny * 4);
  cnn_conv_ref (&g, x, w, t->bias ? b : NULL, ref);
  apply_act (ref, ny, t->act);

  CnnGraph gr;
  cnn_graph_init (&gr);
  int64_t bd[1] = { t->oc };
  int in[3] = { h_value (&gr, "X", CNN_VALUE_INPUT, 2 + t->rank, xd, NULL),
    t->w_runtime ? h_value (&gr, "W", CNN_VALUE_INPUT, 2 + t->rank, wd, NULL)
        : h_value (&gr, "W", CNN_VALUE_CONST, 2 + t->rank, wd, w),
    !t->bias ? -1 : t->w_runtime
        ? h_value (&gr, "B", CNN_VALUE_INPUT, 1, bd, NULL)
        : h_value (&gr, "B", CNN_VALUE_CONST, 1, bd, b) };
  int out = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_conv, "Conv", t->bias ? 3 : 2, in, 1, &out);
  set_attrs (&gr.nodes[ni], t);
  CnnDiag d;
  CnnStatus st = h_prepare (&gr, ni, &d);
  CHECK_MSG (st == CNN_OK, "%s: prepare: %s", t->what, d.message);
  if (st == CNN_OK) {
    const CnnTensorInfo *yi = &gr.values[out].info;
    bool shape_ok = yi->rank == 2 + t->rank && yi->dims[0] == t->n
        && yi->dims[1] == t->oc && h_numel (&gr, out) == ny;
    for (int s = 0; s < t->rank; s++)
      shape_ok &= yi->dims[2 + s] == g.out[lead + s];
    char buf[64];
    CHECK_MSG (shape_ok, "%s: output shape %s", t->what,
        cnn_dims_str (yi, buf, sizeof buf));
    float *inputs[3] = { x, t->w_runtime ? w : NULL,
      t->w_runtime ? b : NULL };
    CHECK (h_run (&gr, ni, 1, inputs, &y1, &d) == CNN_OK);
    CHECK (h_run (&gr, ni, 2, inputs, &y2, &d) == CNN_OK);
    double atol = 1e-5 * (double) (wd[1] * cnn_conv_geom_k_size (&g));
    CHECK_CLOSE (y1, ref, ny, 1e-4, atol);
    CHECK_MSG (memcmp (y1, y2, ny * 4) == 0, "%s: 1 and 2 threads differ",
        t->what);
    if (!t->w_runtime && check_packed (&gr, ni, inputs, y1, ny, t->what))
      packed_cases++;
  }
  cnn_graph_clear (&gr);
  free (x);
  free (w);
  free (b);
  free (ref);
  free (y1);
  free (y2);
}

static void
test_kernels (void)
{
  /* 2 channels, 9x7 input, 3x2 kernel, stride (2,1), dilation (1,2), pads
   * (2,1) begin: outputs 5x5 with pad_end implied */
  CnnConvGeom g = { .n = 1, .c = 2, .oc = 2, .group = 1,
    .in = { 1, 9, 7 }, .out = { 1, 5, 5 }, .k = { 1, 3, 2 },
    .stride = { 1, 2, 1 }, .dil = { 1, 1, 2 }, .pad = { 0, 2, 1 } };
  float *x = h_rand_array (2 * 63, 7);
  float a[12 * 25], r[12 * 25];
  int64_t tiles[][2] = { { 0, 25 }, { 3, 9 }, { 7, 1 }, { 24, 1 } };
  for (size_t i = 0; i < 4; i++) {
    cnn_im2col (&g, x, 2, tiles[i][0], tiles[i][1], a);
    cnn_im2col_ref (&g, x, 2, tiles[i][0], tiles[i][1], r);
    CHECK (memcmp (a, r, sizeof (float) * (size_t) (12 * tiles[i][1])) == 0);
  }
  /* depthwise plane: 3x3 stride 2 dilation 2, asymmetric pads */
  CnnConvGeom dg = { .n = 1, .c = 3, .oc = 3, .group = 3,
    .in = { 1, 10, 9 }, .out = { 1, 5, 4 }, .k = { 1, 3, 3 },
    .stride = { 1, 2, 2 }, .dil = { 1, 2, 2 }, .pad = { 0, 3, 1 } };
  CHECK (cnn_depthwise_applies (&dg));
  float *w = h_rand_array (9, 8);
  cnn_depthwise_plane (&dg, x, w, 0.25f, a);
  cnn_depthwise_plane_ref (&dg, x, w, 0.25f, r);
  CHECK_CLOSE (a, r, 20, 1e-5, 1e-5);
  free (x);
  free (w);
}

/* A residual Conv, 2-D square: c -> oc channels on hw x hw, k x k kernel,
 * stride, symmetric pad, group; fused Relu. */
static void
residual_case (const char *what, int64_t c, int64_t oc, int64_t group,
    int64_t hw, int64_t k, int64_t stride, int64_t pad, bool w_runtime,
    uint32_t seed)
{
  int64_t out = (hw + 2 * pad - k) / stride + 1;
  CnnConvGeom g = { .n = 1, .c = c, .oc = oc, .group = group,
    .in = { 1, hw, hw }, .out = { 1, out, out }, .k = { 1, k, k },
    .stride = { 1, stride, stride }, .dil = { 1, 1, 1 },
    .pad = { 0, pad, pad } };
  int64_t xd[4] = { 1, c, hw, hw }, wd[4] = { oc, c / group, k, k };
  int64_t yd[4] = { 1, oc, out, out }, bd[1] = { oc };
  size_t nx = (size_t) (c * hw * hw), nw = (size_t) (oc * c / group * k * k);
  size_t ny = (size_t) (oc * out * out);
  float *x = h_rand_array (nx, seed), *w = h_rand_array (nw, seed + 1);
  float *b = h_rand_array ((size_t) oc, seed + 2);
  float *r = h_rand_array (ny, seed + 3);
  float *ref = malloc (ny * 4), *y1 = malloc (ny * 4), *y2 = malloc (ny * 4);
  cnn_conv_ref (&g, x, w, b, ref);
  for (size_t i = 0; i < ny; i++)
    ref[i] += r[i];
  apply_act (ref, ny, CNN_ACT_RELU);

  CnnGraph gr;
  cnn_graph_init (&gr);
  int in[4] = { h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
    h_value (&gr, "W", w_runtime ? CNN_VALUE_INPUT : CNN_VALUE_CONST, 4, wd,
        w_runtime ? NULL : w),
    h_value (&gr, "B", CNN_VALUE_CONST, 1, bd, b),
    h_value (&gr, "R", CNN_VALUE_INPUT, 4, yd, NULL) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_conv, "Conv", 4, in, 1, &yv);
  CnnNode *node = &gr.nodes[ni];
  int64_t pads[4] = { pad, pad, pad, pad }, strides[2] = { stride, stride };
  h_attr_int (node, "group", group);
  h_attr_ints (node, "pads", 4, pads);
  h_attr_ints (node, "strides", 2, strides);
  node->act = (CnnFusedAct) { CNN_ACT_RELU, 0, 0 };
  CnnDiag d;
  /* a plain Conv does not take a fourth input */
  CHECK_MSG (h_prepare (&gr, ni, &d) == CNN_ERR_INVALID_MODEL, "%s: plain "
      "Conv accepted 4 inputs", what);
  free (node->domain);
  node->domain = strdup (CNN_CONV_FUSED_DOMAIN);
  CnnStatus st = h_prepare (&gr, ni, &d);
  CHECK_MSG (st == CNN_OK, "%s: prepare: %s", what, d.message);
  if (st == CNN_OK) {
    float *inputs[4] = { x, w_runtime ? w : NULL, NULL, r };
    CHECK (h_run (&gr, ni, 1, inputs, &y1, &d) == CNN_OK);
    CHECK (h_run (&gr, ni, 2, inputs, &y2, &d) == CNN_OK);
    CHECK_CLOSE (y1, ref, ny, 1e-4, 1e-5 * (double) (wd[1] * k * k));
    CHECK_MSG (memcmp (y1, y2, ny * 4) == 0, "%s: 1 and 2 threads differ",
        what);
    if (!w_runtime && check_packed (&gr, ni, inputs, y1, ny, what))
      packed_cases++;
  }
  cnn_graph_clear (&gr);
  free (x);
  free (w);
  free (b);
  free (r);
  free (ref);
  free (y1);
  free (y2);
}

static void
test_residual (void)
{
  residual_case ("residual 1x1 40->72 9x9", 40, 72, 1, 9, 1, 1, 0, false, 1);
  residual_case ("residual 3x3 s2 24->40 15x15", 24, 40, 1, 15, 3, 2, 1,
      false, 2);
  residual_case ("residual 3x3 64->128 7x7 (shared B)", 64, 128, 1, 7, 3, 1,
      1, false, 3);
  residual_case ("residual 3x3 32->32 30x30 (Winograd)", 32, 32, 1, 30, 3,
      1, 1, false, 4);
  residual_case ("residual 3x3 48->72 13x13 (Winograd split by channels)",
      48, 72, 1, 13, 3, 1, 1, false, 12);
  residual_case ("residual depthwise 3x3 12 11x11", 12, 12, 12, 11, 3, 1, 1,
      false, 5);
  residual_case ("residual 3x3 run-time W 8->12 10x10", 8, 12, 1, 10, 3, 1,
      1, true, 6);
  /* few taps per output: the direct kernels (packed at load, in the run) */
  residual_case ("residual 3x3 s2 3->20 33x33 (direct)", 3, 20, 1, 33, 3, 2,
      1, false, 10);
  residual_case ("residual 5x5 run-time W 1->24 30x30 (direct)", 1, 24, 1,
      30, 5, 1, 2, true, 11);
  /* rows of 256 and 2304 floats: W packed with a padded row stride */
  residual_case ("residual 1x1 256->20 6x6 (padded W rows)", 256, 20, 1, 6,
      1, 1, 0, false, 7);
  residual_case ("residual 3x3 256->24 5x5 (padded W rows, shared B)", 256,
      24, 1, 5, 3, 1, 1, false, 8);
  residual_case ("residual 3x3 s2 grouped 512->18 7x7 (padded W rows)", 512,
      18, 2, 7, 3, 2, 1, false, 9);
  /* ResNet's last stage: the sum over k in parts, then residual, bias, act */
  residual_case ("residual 3x3 512->256 7x7 (k split, padded W rows)", 512,
      256, 1, 7, 3, 1, 1, false, 13);
  residual_case ("residual 3x3 run-time W 240->264 5x5 (k split)", 240, 264,
      1, 5, 3, 1, 1, true, 14);
}

/* The plan takes the split sum for those shapes and not for a big image
 * or few channels (at the levels with micro-kernels). */
static void
test_ksplit_plan (void)
{
  CnnConvFast f;
  CnnConvGeom g = { .n = 1, .c = 512, .oc = 512, .group = 1,
    .in = { 1, 7, 7 }, .out = { 1, 7, 7 }, .k = { 1, 3, 3 },
    .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 }, .pad = { 0, 1, 1 } };
  if (cnn_cpu_level () < CNN_CPU_AVX2)
    return;
  CHECK (cnn_conv_fast_init (&f, &g, false, cnn_cpu_level ()) && f.ksplit);
  g.oc = 128;
  CHECK (cnn_conv_fast_init (&f, &g, false, cnn_cpu_level ()) && !f.ksplit);
  g.oc = 512;
  g.in[1] = g.in[2] = g.out[1] = g.out[2] = 14;
  CHECK (cnn_conv_fast_init (&f, &g, false, cnn_cpu_level ()) && !f.ksplit);
}

/* Position tiles for a pool of several threads: a 1x1 reading B in place
 * as one tile that would be cut into channel blocks, with at least 12
 * panels of positions (SqueezeNet's 16->64 on 55x55), not with 3 (13x13)
 * nor when the plan already has several tiles (256->32 on 27x27). */
static int64_t
par_tiles_of (int64_t c, int64_t oc, int64_t hw)
{
  CnnConvFast f;
  CnnConvGeom g = { .n = 1, .c = c, .oc = oc, .group = 1,
    .in = { 1, hw, hw }, .out = { 1, hw, hw }, .k = { 1, 1, 1 },
    .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 }, .pad = { 0 } };
  return cnn_conv_fast_init (&f, &g, true, cnn_cpu_level ()) ? f.tiles_par
      : -1;
}

static void
test_par_tiles_plan (void)
{
  if (cnn_cpu_level () < CNN_CPU_AVX2)
    return;
  CHECK_MSG (par_tiles_of (16, 64, 55) == 4, "got %lld",
      (long long) par_tiles_of (16, 64, 55));
  CHECK (par_tiles_of (48, 192, 13) == 0);
  CHECK (par_tiles_of (256, 32, 27) == 0);
}

/* Winograd's L2 blocks: a remainder of a few tiles joins the full blocks
 * when their GEMMs take the extra columns in the dot kernel, else it keeps
 * a block of its own. */
static int64_t
wino_block_of (int64_t c, int64_t oc, int64_t hw)
{
  CnnConvFast f;
  CnnConvGeom g = { .n = 1, .c = c, .oc = oc, .group = 1,
    .in = { 1, hw, hw }, .out = { 1, hw, hw }, .k = { 1, 3, 3 },
    .stride = { 1, 1, 1 }, .dil = { 1, 1, 1 }, .pad = { 0, 1, 1 } };
  return cnn_conv_fast_init (&f, &g, false, cnn_cpu_level ())
      && f.winograd ? f.wino_block : -1;
}

static void
test_wino_blocks_plan (void)
{
  if (cnn_cpu_level () < CNN_CPU_AVX2)
    return;
  bool z = cnn_cpu_level () >= CNN_CPU_AVX512;  /* 48 columns, else 16 */
  /* ResNet's 3x3 128->128 on 28x28, 196 tiles: 4 blocks of 49 (AVX2: 6 of
   * 33), not 4 of 48 and one of 4 (6 of 32 and one of 4) */
  CHECK_MSG (wino_block_of (128, 128, 28) == (z ? 49 : 33), "got %lld",
      (long long) wino_block_of (128, 128, 28));
  /* its 64->64 on 56x56, 784 tiles: 16 blocks of 49 (12 of 66) */
  CHECK (wino_block_of (64, 64, 56) == (z ? 49 : 66));
  /* SqueezeNet's 16->64 on 55x55: 98 would leave 2 columns to a masked
   * panel at k = 16: 96 and a block of 16 */
  CHECK_MSG (wino_block_of (16, 64, 55) == 96, "got %lld",
      (long long) wino_block_of (16, 64, 55));
}

/* Prepares a Conv with X dims xd and W dims wd (rank 4) and attributes
 * from setup; checks the status and that the message contains expect. */
static void
expect_error (const int64_t *xd, CnnDType xtype, const int64_t *wd,
    const int64_t *pads, CnnStatus want, const char *expect)
{
  CnnGraph gr;
  cnn_graph_init (&gr);
  int in[2] = { h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
    h_value (&gr, "W", CNN_VALUE_INPUT, 4, wd, NULL) };
  gr.values[in[0]].info.dtype = xtype;
  int out = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_conv, "Conv", 2, in, 1, &out);
  if (pads)
    h_attr_ints (&gr.nodes[ni], "pads", 4, pads);
  CnnDiag d;
  CnnStatus st = h_prepare (&gr, ni, &d);
  CHECK_MSG (st == want && strstr (d.message, expect), "got %d '%s', "
      "expected '%s'", (int) st, d.message, expect);
  cnn_graph_clear (&gr);
}

static void
test_errors (void)
{
  int64_t x3[4] = { 1, 4, 3, 3 }, w5[4] = { 2, 4, 5, 5 };
  int64_t zero[4] = { 0 }, one[4] = { 1, 1, 0, 0 };
  expect_error (x3, CNN_DTYPE_FLOAT32, w5, zero, CNN_ERR_SHAPE,
      "kernel 5x5 does not fit input 3x3 (pads 0,0,0,0)");
  expect_error (x3, CNN_DTYPE_FLOAT32, w5, one, CNN_ERR_SHAPE,
      "kernel 5x5 does not fit input 3x3 (pads 1,1,0,0)");
  int64_t w3[4] = { 2, 3, 1, 1 };
  expect_error (x3, CNN_DTYPE_FLOAT32, w3, NULL, CNN_ERR_SHAPE,
      "W has 3 input channels per group, X has 4");
  expect_error (x3, CNN_DTYPE_INT64, w3, NULL, CNN_ERR_UNSUPPORTED,
      "X must be float32, got int64");
}

int
main (void)
{
  test_kernels ();
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    run_case (&cases[i], 100 + (uint32_t) i);
  test_residual ();
  test_ksplit_plan ();
  test_par_tiles_plan ();
  test_wino_blocks_plan ();
  /* Winograd's U and the three padded-row cases pack at AVX2 and up;
   * the portable level keeps W as it is. */
  if (cnn_cpu_level () >= CNN_CPU_AVX2)
    CHECK_MSG (packed_cases >= 4, "only %d cases packed", packed_cases);
  else
    CHECK_MSG (packed_cases == 0, "%d cases packed at the portable level",
        packed_cases);
  test_errors ();
  return check_summary ("conv");
}
