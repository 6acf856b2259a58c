/* eltwise_body.h — the loops shared by eltwise_avx2.c and eltwise_avx512.c
 * (internal; included only by those two files).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The including file defines the vector width W, the vector and mask
 * types V and M, and LOADU / STOREU (full vectors), LOAD / STORE (masked,
 * for the last n % W elements; masked-off lanes are neither read nor
 * written), SET1, ADD, SUB, MUL, DIV, MIN, MAX, FMA, ROUND (to nearest),
 * ZERO, tail_mask (left), leaky (v, alpha) and pow2i (integer-valued n).
 * Intrinsic min/max return their second operand when either is NaN; the
 * operand orders below are chosen so that NaN behaves as in the portable
 * code (eltwise_simd.h).
 */
#ifndef CNN_KERNELS_ELTWISE_BODY_H
#define CNN_KERNELS_ELTWISE_BODY_H

/* One loop over [0, n): x and y are the operands of element i, EXPR the
 * result. XL / YL load them (sa / sb of 1: a vector, 0: the broadcast). */
#define ELT_LOOP(XL, YL, XM, YM, EXPR)                                      \
  do {                                                                      \
    int64_t i = 0;                                                          \
    for (; i + W <= n; i += W) {                                            \
      V x = XL, y = YL;                                                     \
      STOREU (o + i, EXPR);                                                 \
    }                                                                       \
    if (i < n) {                                                            \
      M m = tail_mask (n - i);                                              \
      V x = XM, y = YM;                                                     \
      STORE (o + i, m, EXPR);                                               \
    }                                                                       \
  } while (0)

#define ELT_PATTERNS(EXPR)                                                  \
  do {                                                                      \
    if (sa && sb)                                                           \
      ELT_LOOP (LOADU (a + i), LOADU (b + i), LOAD (a + i, m),              \
          LOAD (b + i, m), EXPR);                                           \
    else if (sa)                                                            \
      ELT_LOOP (LOADU (a + i), yb, LOAD (a + i, m), yb, EXPR);              \
    else                                                                    \
      ELT_LOOP (xa, LOADU (b + i), xa, LOAD (b + i, m), EXPR);              \
  } while (0)

static inline bool
elt_binary (CnnEltOp op, float *o, const float *a, int64_t sa,
    const float *b, int64_t sb, int64_t n)
{
  if (!((sa == 1 && sb == 1) || (sa == 1 && sb == 0) || (sa == 0
              && sb == 1)))
    return false;
  if (n <= 0)
    return true;
  const V xa = SET1 (a[0]), yb = SET1 (b[0]);
  switch (op) {
    case CNN_ELT_ADD:
      ELT_PATTERNS (ADD (x, y));
      return true;
    case CNN_ELT_SUB:
      ELT_PATTERNS (SUB (x, y));
      return true;
    case CNN_ELT_MUL:
      ELT_PATTERNS (MUL (x, y));
      return true;
    case CNN_ELT_DIV:
      ELT_PATTERNS (DIV (x, y));
      return true;
  }
  return false;
}

/* exp (z) for z clamped to [-87.33, 88.37] (so 2^n stays a normal
 * float): n = round (z / ln 2), r = z - n ln 2 in two parts, then the
 * Cephes expf polynomial. NaN stays NaN. */
static inline V
elt_exp (V z)
{
  z = MIN (SET1 (88.3762626647949f), z);
  z = MAX (SET1 (-87.3365447504f), z);
  V n = ROUND (MUL (z, SET1 (1.44269504088896341f)));
  V r = FMA (n, SET1 (-0.693359375f), z);
  r = FMA (n, SET1 (2.12194440e-4f), r);
  V p = SET1 (1.9875691500e-4f);
  p = FMA (p, r, SET1 (1.3981999507e-3f));
  p = FMA (p, r, SET1 (8.3334519073e-3f));
  p = FMA (p, r, SET1 (4.1665795894e-2f));
  p = FMA (p, r, SET1 (1.6666665459e-1f));
  p = FMA (p, r, SET1 (5.0000001201e-1f));
  p = FMA (p, MUL (r, r), ADD (r, SET1 (1.0f)));
  return MUL (p, pow2i (n));
}

/* fmaxf (0, fminf (1, v)): a NaN v gives 1, as fminf does */
static inline V
elt_unit_clamp (V v)
{
  return MAX (MIN (v, SET1 (1.0f)), ZERO);
}

#define ACT_LOOP(EXPR)                                                      \
  do {                                                                      \
    int64_t i = 0;                                                          \
    for (; i + W <= n; i += W) {                                            \
      V v = LOADU (x + i);                                                  \
      STOREU (y + i, EXPR);                                                 \
    }                                                                       \
    if (i < n) {                                                            \
      M m = tail_mask (n - i);                                              \
      V v = LOAD (x + i, m);                                                \
      STORE (y + i, m, EXPR);                                               \
    }                                                                       \
  } while (0)

static inline bool
elt_act (CnnEltAct kind, float alpha, float beta, const float *x, float *y,
    int64_t n)
{
  const V va = SET1 (alpha), vb = SET1 (beta), one = SET1 (1.0f);
  switch (kind) {
    case CNN_ELT_RELU:
      ACT_LOOP (MAX (ZERO, v));
      return true;
    case CNN_ELT_LEAKY_RELU:
      ACT_LOOP (leaky (v, alpha));
      return true;
    case CNN_ELT_CLIP:
      ACT_LOOP (MIN (vb, MAX (va, v)));
      return true;
    case CNN_ELT_SIGMOID:
      ACT_LOOP (DIV (one, ADD (one, elt_exp (SUB (ZERO, v)))));
      return true;
    case CNN_ELT_HARD_SIGMOID:
      ACT_LOOP (elt_unit_clamp (FMA (va, v, vb)));
      return true;
    case CNN_ELT_HARD_SWISH:
      ACT_LOOP (MUL (v, elt_unit_clamp (FMA (va, v, vb))));
      return true;
  }
  return false;
}

#endif /* CNN_KERNELS_ELTWISE_BODY_H */
