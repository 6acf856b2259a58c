/* test_conv_pool.c — the fused Conv + MaxPool against the two apart.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 1. A Conv node of domain CNN_CONV_POOL_DOMAIN (as graph_fuse.c makes of
 *    a stem Conv and the MaxPool reading it), built by hand: SqueezeNet's
 *    and ResNet's stems (the latter on an odd image size), a 5x5 stride-1
 *    convolution with a 2x2 pool, a stride-1 3x3 pool (bands share two
 *    rows), ceil_mode, pool padding, a batch of 2, every fused activation,
 *    with and without bias. Its output must be bitwise the Conv and the
 *    MaxPool run apart (same sums, same maxima), and bitwise a max over
 *    each window computed here from the Conv's output; 1, 2 and 3 threads
 *    bitwise identical.
 * 2. cnn_conv_pool_fusable on prepared pairs: true for SqueezeNet's stem,
 *    false for small28's (its 100 KB output stays in L2), an AveragePool,
 *    weights that are not constant, and a 1x1 Conv (not on the direct
 *    kernels).
 * 3. At the portable level (CNN_CPU=generic: no direct kernels) nothing is
 *    fusable and a fused node is refused with a message.
 * meson runs this at every CPU level through CNN_CPU.
 */
#include "op_harness.h"
#include "kernels/conv_geom.h"
#include "kernels/cpu.h"

#include <math.h>
#include <stdio.h>

typedef struct {
  const char *what;
  int64_t n, c, oc, h, w;
  int64_t k, s, p;              /* convolution k x k, stride, pad */
  int64_t pk, ps, pp;           /* max pool k x k, stride, pad */
  bool ceil, bias;
  CnnFusedAct act;
} PoolCase;

static const PoolCase cases[] = {
  { "SqueezeNet stem 3->64 224x224 3x3 s2, pool 3x3 s2 ceil", 1, 3, 64,
    224, 224, 3, 2, 0, 3, 2, 0, true, true, { CNN_ACT_RELU, 0, 0 } },
  { "ResNet stem 3->64 203x187 7x7 s2 p3, pool 3x3 s2 p1", 1, 3, 64, 203,
    187, 7, 2, 3, 3, 2, 1, false, true, { CNN_ACT_RELU, 0, 0 } },
  { "3->48 101x77 5x5 s1 p2, pool 2x2 s2, clip, no bias", 1, 3, 48, 101,
    77, 5, 1, 2, 2, 2, 0, false, false, { CNN_ACT_CLIP, -0.5f, 0.75f } },
  { "1->40 90x83 3x3 s1 p1, pool 3x3 s1 p1, leaky", 1, 1, 40, 90, 83, 3, 1,
    1, 3, 1, 1, false, true, { CNN_ACT_LEAKY_RELU, 0.1f, 0 } },
  { "batch 2, 3->64 150x170 3x3 s2, pool 3x3 s2 ceil, no activation", 2, 3,
    64, 150, 170, 3, 2, 0, 3, 2, 0, true, true, { CNN_ACT_NONE, 0, 0 } },
};

static int64_t
conv_out (const PoolCase *t, int64_t in)
{
  return (in + 2 * t->p - t->k) / t->s + 1;
}

/* The pool's output size over n inputs (ONNX: a ceil_mode window must
 * start inside the input or the begin padding). */
static int64_t
pool_out (const PoolCase *t, int64_t n)
{
  int64_t span = n + 2 * t->pp - t->pk;
  int64_t o = (t->ceil ? (span + t->ps - 1) / t->ps : span / t->ps) + 1;
  if (t->ceil && (o - 1) * t->ps >= n + t->pp)
    o--;
  return o;
}

static void
conv_attrs (CnnNode *n, const PoolCase *t)
{
  int64_t pads[4] = { t->p, t->p, t->p, t->p }, st[2] = { t->s, t->s };
  h_attr_ints (n, "pads", 4, pads);
  h_attr_ints (n, "strides", 2, st);
}

static void
pool_attrs (CnnNode *n, const PoolCase *t)
{
  int64_t k[2] = { t->pk, t->pk }, st[2] = { t->ps, t->ps };
  int64_t pads[4] = { t->pp, t->pp, t->pp, t->pp };
  h_attr_ints (n, "kernel_shape", 2, k);
  h_attr_ints (n, "strides", 2, st);
  h_attr_ints (n, "pads", 4, pads);
  h_attr_int (n, "ceil_mode", t->ceil);
}

/* The Conv node of t in gr, inputs X, W, B (constants), output value yv. */
static int
conv_node (CnnGraph *gr, const PoolCase *t, const float *w, const float *b,
    int yv)
{
  int64_t xd[4] = { t->n, t->c, t->h, t->w };
  int64_t wd[4] = { t->oc, t->c, t->k, t->k }, bd[1] = { t->oc };
  int in[3] = { h_value (gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
    h_value (gr, "W", CNN_VALUE_CONST, 4, wd, w),
    t->bias ? h_value (gr, "B", CNN_VALUE_CONST, 1, bd, b) : -1 };
  int ni = h_node (gr, cnn_ops_conv, "Conv", 3, in, 1, &yv);
  conv_attrs (&gr->nodes[ni], t);
  gr->nodes[ni].act = t->act;
  return ni;
}

/* The Conv and the MaxPool apart: *mid gets the Conv's output. */
static float *
run_apart (const PoolCase *t, const float *x, const float *w,
    const float *b, float **mid)
{
  size_t nm = (size_t) (t->n * t->oc * conv_out (t, t->h) * conv_out (t,
          t->w));
  size_t ny = (size_t) (t->n * t->oc * pool_out (t, conv_out (t, t->h))
      * pool_out (t, conv_out (t, t->w)));
  float *y = malloc (ny * 4);
  *mid = malloc (nm * 4);
  CnnGraph gr;
  cnn_graph_init (&gr);
  int mv = h_value (&gr, "M", CNN_VALUE_ACT, 0, NULL, NULL);
  int ci = conv_node (&gr, t, w, b, mv);
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int pi = h_node (&gr, cnn_ops_pool, "MaxPool", 1, &mv, 1, &yv);
  pool_attrs (&gr.nodes[pi], t);
  CnnDiag d;
  float *xin[3] = { (float *) x, NULL, NULL };
  CHECK_MSG (h_prepare (&gr, ci, &d) == CNN_OK
      && h_prepare (&gr, pi, &d) == CNN_OK && h_numel (&gr, yv) == ny
      && h_run (&gr, ci, 1, xin, mid, &d) == CNN_OK
      && h_run (&gr, pi, 1, mid, &y, &d) == CNN_OK, "%s: apart: %s",
      t->what, d.message);
  cnn_graph_clear (&gr);
  return y;
}

/* Max over each window of the Conv's output m, here. */
static float *
window_max (const PoolCase *t, const float *m)
{
  int64_t mh = conv_out (t, t->h), mw = conv_out (t, t->w);
  int64_t oh = pool_out (t, mh), ow = pool_out (t, mw);
  float *y = malloc (sizeof (float) * (size_t) (t->n * t->oc * oh * ow));
  for (int64_t pl = 0; pl < t->n * t->oc; pl++)
    for (int64_t i = 0; i < oh; i++)
      for (int64_t j = 0; j < ow; j++) {
        float best = -INFINITY;
        for (int64_t a = 0; a < t->pk; a++)
          for (int64_t b = 0; b < t->pk; b++) {
            int64_t r = i * t->ps - t->pp + a, c = j * t->ps - t->pp + b;
            if (r >= 0 && r < mh && c >= 0 && c < mw)
              best = fmaxf (best, m[(pl * mh + r) * mw + c]);
          }
        y[(pl * oh + i) * ow + j] = best;
      }
  return y;
}

/* The fused node of t in gr; returns its index. */
static int
fused_node (CnnGraph *gr, const PoolCase *t, const float *w, const float *b)
{
  int yv = h_value (gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = conv_node (gr, t, w, b, yv);
  CnnNode *node = &gr->nodes[ni];
  free (node->domain);
  node->domain = strdup (CNN_CONV_POOL_DOMAIN);
  /* the pool's attributes go where graph_fuse.c moves them */
  CnnNode mp = { 0 };
  pool_attrs (&mp, t);
  node->post_attrs = mp.attrs;
  node->n_post_attrs = mp.n_attrs;
  return ni;
}

static void
check_fused (const PoolCase *t, CnnGraph *gr, int ni, const float *x,
    const float *apart, const float *ref, size_t ny)
{
  float *y[3] = { malloc (ny * 4), malloc (ny * 4), malloc (ny * 4) };
  float *inputs[3] = { (float *) x, NULL, NULL };
  CnnDiag d;
  uint64_t bytes;
  CnnStatus st = h_pack (gr, ni, &bytes, &d);
  CHECK_MSG (st == CNN_OK && bytes > 0, "%s: pack: %s", t->what, d.message);
  for (int k = 0; st == CNN_OK && k < 3; k++)
    CHECK_MSG ((st = h_run (gr, ni, k + 1, inputs, &y[k], &d)) == CNN_OK,
        "%s: run: %s", t->what, d.message);
  if (st == CNN_OK) {
    CHECK_MSG (memcmp (y[0], apart, ny * 4) == 0, "%s: not the bits of "
        "the two layers apart", t->what);
    CHECK_MSG (memcmp (y[0], ref, ny * 4) == 0, "%s: not the windows' "
        "maxima", t->what);
    CHECK_MSG (memcmp (y[0], y[1], ny * 4) == 0
        && memcmp (y[0], y[2], ny * 4) == 0, "%s: 1, 2 and 3 threads "
        "differ", t->what);
  }
  for (int k = 0; k < 3; k++)
    free (y[k]);
}

static void
run_case (const PoolCase *t, uint32_t seed)
{
  size_t nx = (size_t) (t->n * t->c * t->h * t->w);
  float *x = h_rand_array (nx, seed);
  float *w = h_rand_array ((size_t) (t->oc * t->c * t->k * t->k), seed + 1);
  float *b = h_rand_array ((size_t) t->oc, seed + 2);
  float *mid;
  float *apart = run_apart (t, x, w, b, &mid);
  float *ref = window_max (t, mid);
  size_t ny = (size_t) (t->n * t->oc * pool_out (t, conv_out (t, t->h))
      * pool_out (t, conv_out (t, t->w)));

  CnnGraph gr;
  cnn_graph_init (&gr);
  int ni = fused_node (&gr, t, w, b);
  CnnDiag d;
  if (h_fused_prepared (h_prepare (&gr, ni, &d), &d, t->what))
    check_fused (t, &gr, ni, x, apart, ref, ny);
  cnn_graph_clear (&gr);
  free (x);
  free (w);
  free (b);
  free (mid);
  free (apart);
  free (ref);
}

/* A Conv (k x k, stride s, pad k / 2, constant weights unless w_input)
 * from c to oc channels on hw x hw and a pool (MaxPool or AveragePool,
 * 3x3 stride 2) reading it, both prepared; returns cnn_conv_pool_fusable. */
static bool
pair_fusable (int64_t c, int64_t oc, int64_t hw, int64_t k, int64_t s,
    const char *pool_op, bool w_input)
{
  PoolCase t = { "pair", 1, c, oc, hw, hw, k, s, k / 2, 3, 2, 0, false,
    true, { CNN_ACT_RELU, 0, 0 } };
  int64_t xd[4] = { 1, c, hw, hw }, wd[4] = { oc, c, k, k };
  float *w = h_rand_array ((size_t) (oc * c * k * k), 7);
  CnnGraph gr;
  cnn_graph_init (&gr);
  int in[2] = { h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
    h_value (&gr, "W", w_input ? CNN_VALUE_INPUT : CNN_VALUE_CONST, 4, wd,
        w_input ? NULL : w) };
  int mv = h_value (&gr, "M", CNN_VALUE_ACT, 0, NULL, NULL);
  int ci = h_node (&gr, cnn_ops_conv, "Conv", 2, in, 1, &mv);
  conv_attrs (&gr.nodes[ci], &t);
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int pi = h_node (&gr, cnn_ops_pool, pool_op, 1, &mv, 1, &yv);
  pool_attrs (&gr.nodes[pi], &t);
  CnnDiag d;
  bool ok = h_prepare (&gr, ci, &d) == CNN_OK
      && h_prepare (&gr, pi, &d) == CNN_OK;
  CHECK_MSG (ok, "pair %lld->%lld %lldx%lld: prepare: %s", (long long) c,
      (long long) oc, (long long) hw, (long long) hw, d.message);
  bool fusable = ok && cnn_conv_pool_fusable (&gr, &gr.nodes[ci],
      &gr.nodes[pi]);
  cnn_graph_clear (&gr);
  free (w);
  return fusable;
}

static void
test_fusable (void)
{
  bool simd = cnn_cpu_level () >= CNN_CPU_AVX2;
  CHECK_MSG (pair_fusable (3, 64, 224, 3, 2, "MaxPool", false) == simd,
      "SqueezeNet's stem");
  CHECK_MSG (!pair_fusable (1, 32, 28, 3, 1, "MaxPool", false),
      "small28's stem fused");
  CHECK_MSG (!pair_fusable (3, 64, 224, 3, 2, "AveragePool", false),
      "an average pool fused");
  CHECK_MSG (!pair_fusable (3, 64, 224, 3, 2, "MaxPool", true),
      "weights that are not constant fused");
  CHECK_MSG (!pair_fusable (64, 64, 112, 1, 1, "MaxPool", false),
      "a 1x1 Conv fused");
}

int
main (void)
{
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    run_case (&cases[i], 500 + 11 * (uint32_t) i);
  test_fusable ();
  return check_summary ("conv_pool");
}
