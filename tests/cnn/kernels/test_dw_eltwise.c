/* test_dw_eltwise.c — the AVX2 / AVX-512 element-wise rows against scalar
 * formulas.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each SIMD level this machine has (cnn_elt_*_select with a forced
 * level), on lengths 0 to 1000 around the vector widths:
 * 1. Add, Sub, Mul, Div with both operands contiguous, b broadcast and a
 *    broadcast, out of place and in place (o == a): bitwise equal to the
 *    scalar operation (IEEE rounds each the same), including inf and NaN
 *    inputs; nothing written past n. Unsupported strides are refused.
 * 2. Relu, LeakyRelu, Clip: bitwise equal to the scalar formulas of
 *    ops/activation.c, NaN kept. HardSigmoid / HardSwish (FMA-contracted):
 *    within 2e-7 relative + 1e-7 absolute of a double computation; a NaN
 *    gives 1 (HardSigmoid, as fminf) and NaN (HardSwish). Sigmoid on
 *    [-100, 100] and the extremes: within 4 float ulps (5e-7 relative) +
 *    1e-37 absolute of the double formula, NaN kept. The largest error
 *    seen is printed.
 */
#include "kernels/eltwise_simd.h"
#include "check.h"

#include <math.h>
#include <string.h>

#define NMAX 1000
#define CANARY -777.0f

static uint32_t rng = 99;

static float
frand (void)
{
  rng = rng * 1664525u + 1013904223u;
  return (float) ((rng >> 8) & 0xffff) / 4096.0f - 8.0f;
}

static const int64_t lengths[] = { 0, 1, 2, 3, 6, 7, 8, 9, 10, 14, 15, 16,
  17, 31, 32, 33, 100, 1000 };
#define N_LEN (sizeof lengths / sizeof lengths[0])

static float
bin_ref (CnnEltOp op, float x, float y)
{
  switch (op) {
    case CNN_ELT_ADD: return x + y;
    case CNN_ELT_SUB: return x - y;
    case CNN_ELT_MUL: return x * y;
    default: return x / y;
  }
}

static bool
same_bits (float a, float b)
{
  return (isnan (a) && isnan (b)) || memcmp (&a, &b, sizeof a) == 0;
}

static void
fill (float *v, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    v[i] = frand ();
  if (n > 5) {
    v[1] = INFINITY;
    v[3] = NAN;
    v[4] = 0.0f;
    v[5] = -0.0f;
  }
}

static void
binary (CnnEltBinFn fn, const char *lv)
{
  static float a[NMAX], b[NMAX], o[NMAX + 16], a2[NMAX];
  static const int64_t pat[3][2] = { { 1, 1 }, { 1, 0 }, { 0, 1 } };
  for (int op = CNN_ELT_ADD; op <= CNN_ELT_DIV; op++)
    for (int p = 0; p < 3; p++)
      for (size_t li = 0; li < N_LEN; li++) {
        int64_t n = lengths[li], sa = pat[p][0], sb = pat[p][1];
        fill (a, n > 0 ? n : 1);
        fill (b, n > 0 ? n : 1);
        for (int64_t i = 0; i < n + 16; i++)
          o[i] = CANARY;
        bool ok = fn ((CnnEltOp) op, o, a, sa, b, sb, n), eq = true;
        for (int64_t i = 0; i < n; i++)
          eq &= same_bits (o[i], bin_ref ((CnnEltOp) op, a[i * sa],
                  b[i * sb]));
        for (int64_t i = n; i < n + 16; i++)
          eq &= o[i] == CANARY;
        CHECK_MSG (ok && eq, "%s op %d strides %lld,%lld n %lld", lv, op,
            (long long) sa, (long long) sb, (long long) n);
        /* in place: o == a */
        if (sa == 1) {
          memcpy (a2, a, sizeof (float) * (size_t) n);
          fn ((CnnEltOp) op, a2, a2, 1, b, sb, n);
          eq = true;
          for (int64_t i = 0; i < n; i++)
            eq &= same_bits (a2[i], bin_ref ((CnnEltOp) op, a[i],
                    b[i * sb]));
          CHECK_MSG (eq, "%s op %d in place n %lld", lv, op, (long long) n);
        }
      }
  CHECK_MSG (!fn (CNN_ELT_ADD, o, a, 2, b, 1, 4), "%s took stride 2", lv);
}

static double
act_ref (CnnEltAct k, double x, double alpha, double beta)
{
  switch (k) {
    case CNN_ELT_RELU: return x < 0 ? 0 : x;
    case CNN_ELT_LEAKY_RELU: return x < 0 ? (float) alpha * (float) x : x;
    case CNN_ELT_CLIP: {
      double v = x < alpha ? alpha : x;
      return v > beta ? beta : v;
    }
    case CNN_ELT_SIGMOID: return 1.0 / (1.0 + exp (-x));
    case CNN_ELT_HARD_SIGMOID:
      return fmax (0.0, fmin (1.0, alpha * x + beta));
    default:
      return x * fmax (0.0, fmin (1.0, alpha * x + beta));
  }
}

static void
activations (CnnEltActFn fn, const char *lv)
{
  static float x[NMAX], y[NMAX + 16];
  static const struct {
    CnnEltAct k;
    float alpha, beta, rtol, atol;
  } acts[] = {
    { CNN_ELT_RELU, 0, 0, 0, 0 },
    { CNN_ELT_LEAKY_RELU, 0.1f, 0, 0, 0 },
    { CNN_ELT_CLIP, -1.5f, 6.0f, 0, 0 },
    { CNN_ELT_SIGMOID, 0, 0, 5e-7f, 1e-37f },
    { CNN_ELT_HARD_SIGMOID, 0.2f, 0.5f, 2e-7f, 1e-7f },
    { CNN_ELT_HARD_SWISH, 1.0f / 6.0f, 0.5f, 2e-7f, 1e-7f },
  };
  for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++) {
    double worst = 0;
    for (size_t li = 0; li < N_LEN; li++) {
      int64_t n = lengths[li];
      for (int64_t i = 0; i < n; i++)
        x[i] = frand () * 12.0f;          /* [-96, 96) */
      if (n > 8) {
        x[0] = 100.0f;
        x[1] = -100.0f;
        x[2] = 88.5f;
        x[3] = -88.5f;
        x[4] = 0.0f;
        x[5] = NAN;
      }
      for (int64_t i = 0; i < n + 16; i++)
        y[i] = CANARY;
      bool ok = fn (acts[a].k, acts[a].alpha, acts[a].beta, x, y, n);
      bool good = ok;
      for (int64_t i = 0; i < n; i++) {
        if (isnan (x[i])) {
          bool one = acts[a].k == CNN_ELT_HARD_SIGMOID;
          good &= one ? y[i] == 1.0f : isnan (y[i]);
          continue;
        }
        double r = act_ref (acts[a].k, x[i], acts[a].alpha, acts[a].beta);
        double err = fabs ((double) y[i] - r);
        double lim = acts[a].atol + acts[a].rtol * fabs (r);
        if (acts[a].rtol == 0)
          good &= (float) r == y[i];
        else
          good &= err <= lim;
        if (fabs (r) > 1e-30 && err / fabs (r) > worst)
          worst = err / fabs (r);
      }
      for (int64_t i = n; i < n + 16; i++)
        good &= y[i] == CANARY;
      CHECK_MSG (good, "%s activation %d n %lld", lv, (int) acts[a].k,
          (long long) n);
    }
    if (acts[a].rtol > 0)
      printf ("  %s activation %d: max relative error %.3g (outputs "
          "above 1e-30)\n", lv,
          (int) acts[a].k, worst);
  }
}

int
main (void)
{
  CnnCpuLevel have = cnn_cpu_level ();
  CHECK (cnn_elt_binary_select (CNN_CPU_GENERIC) == NULL);
  CHECK (cnn_elt_act_select (CNN_CPU_GENERIC) == NULL);
  int tested = 0;
  for (int l = CNN_CPU_AVX2; l <= (int) have; l++) {
    CnnEltBinFn b = cnn_elt_binary_select ((CnnCpuLevel) l);
    CnnEltActFn a = cnn_elt_act_select ((CnnCpuLevel) l);
    const char *lv = cnn_cpu_level_name ((CnnCpuLevel) l);
    CHECK_MSG (b && a, "no %s kernels", lv);
    if (!b || !a)
      continue;
    binary (b, lv);
    activations (a, lv);
    tested++;
  }
  if (!tested)
    CHECK_SKIP ("no AVX2 on this machine: only the portable loops exist");
  return check_summary ("dw_eltwise");
}
