/* eltwise_simd.h — vectorised element-wise rows (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inner loops of ops/broadcast.c (binary ops) and ops/activation.c
 * (activations), written with AVX2 + FMA (kernels/eltwise_avx2.c) and
 * AVX-512 (kernels/eltwise_avx512.c) intrinsics. Each function handles a
 * subset and returns false, touching nothing, for anything else; the
 * caller then runs its portable loop. Results equal the portable formulas
 * except for FMA contraction (HardSigmoid, HardSwish: a * x + b rounded
 * once) and Sigmoid, whose exp is a degree-6 polynomial after range
 * reduction (within 2 ulp of expf; see the tests). NaN propagates as in
 * the portable code.
 *
 * Binary: o[i] = op (a[i * sa], b[i * sb]) for i in [0, n) with (sa, sb)
 * one of (1, 1), (1, 0), (0, 1); op Add, Sub, Mul, Div. o may equal a or
 * b (in-place accumulation); otherwise the arrays must not overlap.
 * Activation: y[i] = f (x[i]) for CnnEltAct kinds; y may equal x.
 */
#ifndef CNN_KERNELS_ELTWISE_SIMD_H
#define CNN_KERNELS_ELTWISE_SIMD_H

#include "cpu.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
  CNN_ELT_ADD,
  CNN_ELT_SUB,
  CNN_ELT_MUL,
  CNN_ELT_DIV,
} CnnEltOp;

typedef enum {
  CNN_ELT_RELU,          /* x < 0 ? 0 : x */
  CNN_ELT_LEAKY_RELU,    /* x < 0 ? alpha * x : x */
  CNN_ELT_CLIP,          /* min (max (x, alpha), beta) */
  CNN_ELT_SIGMOID,       /* 1 / (1 + exp (-x)) */
  CNN_ELT_HARD_SIGMOID,  /* fmaxf (0, fminf (1, alpha * x + beta)) */
  CNN_ELT_HARD_SWISH,    /* x * hard_sigmoid (x) */
} CnnEltAct;

typedef bool (*CnnEltBinFn) (CnnEltOp op, float *o, const float *a,
    int64_t sa, const float *b, int64_t sb, int64_t n);
typedef bool (*CnnEltActFn) (CnnEltAct kind, float alpha, float beta,
    const float *x, float *y, int64_t n);

bool cnn_elt_binary_avx2 (CnnEltOp op, float *o, const float *a,
    int64_t sa, const float *b, int64_t sb, int64_t n);
bool cnn_elt_binary_avx512 (CnnEltOp op, float *o, const float *a,
    int64_t sa, const float *b, int64_t sb, int64_t n);
bool cnn_elt_act_avx2 (CnnEltAct kind, float alpha, float beta,
    const float *x, float *y, int64_t n);
bool cnn_elt_act_avx512 (CnnEltAct kind, float alpha, float beta,
    const float *x, float *y, int64_t n);

/* The functions for `level` (capped to this machine's), or NULL for the
 * portable loops. */
CnnEltBinFn cnn_elt_binary_select (CnnCpuLevel level);
CnnEltActFn cnn_elt_act_select (CnnCpuLevel level);

#endif /* CNN_KERNELS_ELTWISE_SIMD_H */
