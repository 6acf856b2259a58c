/* dw_avx512.c — depthwise convolution with AVX-512 (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl -mfma; call
 * only through cnn_depthwise_select () (depthwise.h), which checks the CPU
 * and cnn_depthwise_simd_applies (dilation 1, column stride 1 or 2).
 *
 * Shapes as in depthwise.h: x is (in[1], in[2]), w is (k[1], k[2]), out is
 * (out[1], out[2]). The output row is cut into chunks of 16 columns
 * (8 when the row is at most 8 wide, so 7x7 planes do not waste half of
 * every vector). For each chunk and filter column kw, one mask tells which
 * of the input columns under the chunk are inside the row; masked loads
 * read only those (others are 0, like the zero padding), so the borders
 * and the ragged end of the row take the same code as the interior. At
 * column stride 2 a chunk reads 32 consecutive inputs and keeps the even
 * ones (vpermt2ps). Each output is bias + taps in (kh, kw) order with
 * FMA, then the fused activation, then a masked store.
 */
#include "depthwise.h"
#include "act_simd.h"

#include <immintrin.h>

/* Bits [lo, hi) of a 32-bit mask (lo, hi clamped to [0, 32]). */
static inline uint32_t
bits (int64_t lo, int64_t hi)
{
  lo = lo < 0 ? 0 : lo;
  hi = hi > 32 ? 32 : hi;
  if (hi <= lo)
    return 0;
  return (uint32_t) (((uint64_t) 1 << hi) - ((uint64_t) 1 << lo));
}

/* Masks of the input columns under the chunk of n outputs starting at
 * output column j0, for each filter column: bit p of m[kw] is set when
 * input column j0 * sw - pw + kw + p is inside [0, wd) and is read. */
static inline void
chunk_masks (const CnnConvGeom *g, int64_t j0, int64_t n, int kw_n, int sw,
    uint32_t *m)
{
  for (int kw = 0; kw < kw_n; kw++) {
    int64_t start = j0 * sw - g->pad[2] + kw;
    int64_t hi = g->in[2] - start, last = (int64_t) sw * (n - 1) + 1;
    m[kw] = bits (-start, hi < last ? hi : last);
  }
}

/* 16-wide chunks. kh_n, kw_n and sw are constants after inlining for the
 * common shapes. Weights are broadcast from w inside the loops; the
 * compiler keeps them in registers for the unrolled shapes. */
static inline __attribute__ ((always_inline)) void
plane16 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, const int kh_n, const int kw_n,
    const int sw)
{
  const int64_t h = g->in[1], wd = g->in[2];
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  const int64_t sh = g->stride[1], ph = g->pad[1], pw = g->pad[2];
  const __m512i even = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 16,
      18, 20, 22, 24, 26, 28, 30);
  uint32_t m[64];

  for (int64_t j0 = 0; j0 < ow_n; j0 += 16) {
    int64_t n = ow_n - j0 < 16 ? ow_n - j0 : 16;
    __mmask16 store = (__mmask16) bits (0, n);
    chunk_masks (g, j0, n, kw_n, sw, m);
    for (int64_t oh = 0; oh < oh_n; oh++) {
      __m512 acc = _mm512_set1_ps (bias);
      for (int kh = 0; kh < kh_n; kh++) {
        int64_t ih = oh * sh - ph + kh;
        if (ih < 0 || ih >= h)
          continue;
        const float *r = x + ih * wd + (j0 * sw - pw);
        const float *wr = w + kh * kw_n;
        for (int kw = 0; kw < kw_n; kw++) {
          __m512 v = _mm512_maskz_loadu_ps ((__mmask16) m[kw], r + kw);
          if (sw == 2)
            v = _mm512_permutex2var_ps (v, even, _mm512_maskz_loadu_ps (
                    (__mmask16) (m[kw] >> 16), r + kw + 16));
          acc = _mm512_fmadd_ps (v, _mm512_set1_ps (wr[kw]), acc);
        }
      }
      _mm512_mask_storeu_ps (out + oh * ow_n + j0, store,
          cnn_act_v16 (acc, act));
    }
  }
}

/* Rows of at most 8 outputs: one 8-wide chunk (AVX-512VL masks). */
static inline __attribute__ ((always_inline)) void
plane8 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, const int kh_n, const int kw_n,
    const int sw)
{
  const int64_t h = g->in[1], wd = g->in[2];
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  const int64_t sh = g->stride[1], ph = g->pad[1], pw = g->pad[2];
  const __m512i even = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 0, 0,
      0, 0, 0, 0, 0, 0);
  const __mmask8 store = (__mmask8) bits (0, ow_n);
  uint32_t m[64];

  chunk_masks (g, 0, ow_n, kw_n, sw, m);
  for (int64_t oh = 0; oh < oh_n; oh++) {
    __m256 acc = _mm256_set1_ps (bias);
    for (int kh = 0; kh < kh_n; kh++) {
      int64_t ih = oh * sh - ph + kh;
      if (ih < 0 || ih >= h)
        continue;
      const float *r = x + ih * wd - pw;
      const float *wr = w + kh * kw_n;
      for (int kw = 0; kw < kw_n; kw++) {
        __m256 v;
        if (sw == 2)
          v = _mm512_castps512_ps256 (_mm512_permutexvar_ps (even,
                  _mm512_maskz_loadu_ps ((__mmask16) m[kw], r + kw)));
        else
          v = _mm256_maskz_loadu_ps ((__mmask8) m[kw], r + kw);
        acc = _mm256_fmadd_ps (v, _mm256_set1_ps (wr[kw]), acc);
      }
    }
    _mm256_mask_storeu_ps (out + oh * ow_n, store, cnn_act_v8 (acc, act));
  }
}

static void
plane8_any (const CnnConvGeom *g, const float *x, const float *w,
    float bias, const CnnFusedAct *act, float *out)
{
  if (g->stride[2] == 1)
    plane8 (g, x, w, bias, act, out, (int) g->k[1], (int) g->k[2], 1);
  else
    plane8 (g, x, w, bias, act, out, (int) g->k[1], (int) g->k[2], 2);
}

/* Rows of RB outputs at a time when the row and column strides are equal
 * (s) and kh_n, kw_n, s are constants: each input row is loaded once per
 * block and feeds every output row of the block it reaches, and the RB
 * accumulators are independent FMA chains. A last partial block computes
 * RB rows and stores the ones that exist (rows past the input read
 * nothing). The accumulators and loaded rows are named variables, not
 * arrays: GCC kept arrays of them on the stack (a store and a reload per
 * FMA), which made these kernels 1.2-1.3x slower. RB is 4 in the code
 * (a0 .. a3). */
#define RB 4

/* Chunks whose masks block16 keeps at once: rows up to 512 outputs wide
 * are walked row block by row block across the whole row, wider ones in
 * strips of this many chunks. */
#define STRIP_CHUNKS 32

/* Input planes up to this many floats (32 KB, the L1 data cache of the
 * reference machine) are walked chunk by chunk (block16). */
#define L1_PLANE_FLOATS 8192

/* The masks of one 16-wide chunk for block16 (kw_n <= 5). */
typedef struct {
  uint32_t m[5], mp[3];
  __mmask16 store;
} Chunk16;

static inline __attribute__ ((always_inline)) void
chunk16_masks (const CnnConvGeom *g, int64_t j0, const int kw_n,
    const int s, Chunk16 *ck)
{
  int64_t ow_n = g->out[2], n = ow_n - j0 < 16 ? ow_n - j0 : 16;
  ck->store = (__mmask16) bits (0, n);
  chunk_masks (g, j0, n, kw_n, s, ck->m);
  for (int kw = 0; s == 2 && kw + 1 < kw_n; kw += 2) {
    /* pairs of taps (kw, kw + 1) share 32 inputs from column kw; the pair
     * before an odd last tap also loads input 2n, which that tap's last
     * lane reads (see load_row16) */
    int64_t start = j0 * 2 - g->pad[2] + kw, hi = g->in[2] - start;
    int64_t last = 2 * n + (kw + 3 == kw_n);
    ck->mp[kw / 2] = bits (-start, hi < last ? hi : last);
  }
  if (s == 2 && kw_n % 2 == 1 && kw_n >= 3) {
    /* the odd last tap's input 2 * 16 past its pair's column (lane 0) */
    int64_t at = j0 * 2 - g->pad[2] + kw_n - 3 + 2 * (ow_n <= 8 ? 8 : 16);
    ck->mp[kw_n / 2] = at >= 0 && at < g->in[2];
  }
}

/* The inputs under the chunk at column j0 (masks ck) of input row r (at
 * column 0) for filter columns 0 .. kw_n - 1 (at most 5). */
static inline __attribute__ ((always_inline)) void
load_row16 (const float *r, const Chunk16 ck, const int kw_n, const int s,
    __m512 *v0, __m512 *v1, __m512 *v2, __m512 *v3, __m512 *v4)
{
  const __m512i even = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 16,
      18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32 (1, 3, 5, 7, 9, 11, 13, 15, 17,
      19, 21, 23, 25, 27, 29, 31);
  __m512 *v[5] = { v0, v1, v2, v3, v4 };
#pragma GCC unroll 8
  for (int kw = 0; kw < kw_n; kw++) {
    if (s == 1) {
      *v[kw] = _mm512_maskz_loadu_ps ((__mmask16) ck.m[kw], r + kw);
    } else if (kw % 2 == 0 && kw + 1 == kw_n && kw >= 2) {
      /* odd last tap: the evens of the pair before it shifted by one
       * column (input 2j + 2 is even input j + 1), lane 15 from the input
       * 32 columns on */
      __m512 nx = _mm512_maskz_loadu_ps ((__mmask16) ck.mp[kw / 2],
          r + kw - 2 + 32);
      *v[kw] = _mm512_castsi512_ps (_mm512_alignr_epi32 (
              _mm512_castps_si512 (nx), _mm512_castps_si512 (*v[kw - 2]), 1));
    } else if (kw % 2 == 0) {
      /* 32 inputs from column kw: evens are tap kw, odds kw + 1 */
      __m512 lo = _mm512_maskz_loadu_ps ((__mmask16) ck.mp[kw / 2], r + kw);
      __m512 hi = _mm512_maskz_loadu_ps ((__mmask16) (ck.mp[kw / 2] >> 16),
          r + kw + 16);
      *v[kw] = _mm512_permutex2var_ps (lo, even, hi);
      if (kw + 1 < kw_n)
        *v[kw + 1] = _mm512_permutex2var_ps (lo, odd, hi);
    }
  }
}

/* acc + one filter row wr (kw_n taps) times the loaded inputs, kw order. */
static inline __attribute__ ((always_inline)) __m512
fma_row16 (__m512 acc, const float *wr, const int kw_n, __m512 v0,
    __m512 v1, __m512 v2, __m512 v3, __m512 v4)
{
  const __m512 v[5] = { v0, v1, v2, v3, v4 };
#pragma GCC unroll 8
  for (int kw = 0; kw < kw_n; kw++)
    acc = _mm512_fmadd_ps (v[kw], _mm512_set1_ps (wr[kw]), acc);
  return acc;
}

/* RB (4) output rows from oh of the chunk at column j0: each input row is
 * loaded once and feeds every output row it reaches; four named
 * accumulators (independent FMA chains that stay in registers). Every
 * output is bias + taps in (kh, kw) order. */
static inline __attribute__ ((always_inline)) void
rows16 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, int64_t oh, int64_t j0,
    const Chunk16 ck, const int kh_n, const int kw_n, const int s)
{
  const int64_t h = g->in[1], oh_n = g->out[1], ow_n = g->out[2];
  __m512 a0 = _mm512_set1_ps (bias), a1 = a0, a2 = a0, a3 = a0;
#pragma GCC unroll 16
  for (int rr = 0; rr < (RB - 1) * s + kh_n; rr++) {
    int64_t ih = oh * s - g->pad[1] + rr;
    if (ih < 0 || ih >= h)
      continue;
    __m512 v0, v1, v2, v3, v4;
    load_row16 (x + ih * g->in[2] + (j0 * s - g->pad[2]), ck, kw_n, s, &v0,
        &v1, &v2, &v3, &v4);
    if (rr < kh_n)
      a0 = fma_row16 (a0, w + rr * kw_n, kw_n, v0, v1, v2, v3, v4);
    if (rr >= s && rr - s < kh_n)
      a1 = fma_row16 (a1, w + (rr - s) * kw_n, kw_n, v0, v1, v2, v3, v4);
    if (rr >= 2 * s && rr - 2 * s < kh_n)
      a2 = fma_row16 (a2, w + (rr - 2 * s) * kw_n, kw_n, v0, v1, v2, v3, v4);
    if (rr >= 3 * s && rr - 3 * s < kh_n)
      a3 = fma_row16 (a3, w + (rr - 3 * s) * kw_n, kw_n, v0, v1, v2, v3, v4);
  }
  float *o = out + oh * ow_n + j0;
  _mm512_mask_storeu_ps (o, ck.store, cnn_act_v16 (a0, act));
  if (oh + 1 < oh_n)
    _mm512_mask_storeu_ps (o + ow_n, ck.store, cnn_act_v16 (a1, act));
  if (oh + 2 < oh_n)
    _mm512_mask_storeu_ps (o + 2 * ow_n, ck.store, cnn_act_v16 (a2, act));
  if (oh + 3 < oh_n)
    _mm512_mask_storeu_ps (o + 3 * ow_n, ck.store, cnn_act_v16 (a3, act));
}

/* Blocks of RB output rows of one chunk after another: each input row is
 * loaded once per block and feeds every output row of the block it
 * reaches, and the RB accumulators are independent FMA chains. A last
 * partial block computes RB rows and stores the ones that exist (rows
 * past the input read nothing). Chunk by chunk down the whole plane while
 * the input plane fits in L1 (a chunk's masks stay in registers); larger
 * planes are walked row block by row block across strips of up to
 * STRIP_CHUNKS chunks, in address order, which the hardware prefetcher
 * streams when the planes are cold (as in a model, where other layers ran
 * in between). Measured in MobileNetV2: its 112x112 layer 1.5x faster,
 * 28x28 planes 1.1x slower rows first. */
static inline __attribute__ ((always_inline)) void
block16 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, const int kh_n, const int kw_n,
    const int s)
{
  const int64_t oh_n = g->out[1], ow_n = g->out[2];
  if (g->in[1] * g->in[2] <= L1_PLANE_FLOATS) {
    for (int64_t j0 = 0; j0 < ow_n; j0 += 16) {
      Chunk16 one;
      chunk16_masks (g, j0, kw_n, s, &one);
      for (int64_t oh = 0; oh < oh_n; oh += RB)
        rows16 (g, x, w, bias, act, out, oh, j0, one, kh_n, kw_n, s);
    }
    return;
  }
  Chunk16 ck[STRIP_CHUNKS];
  for (int64_t s0 = 0; s0 < ow_n; s0 += 16 * STRIP_CHUNKS) {
    int64_t s1 = ow_n - s0 < 16 * STRIP_CHUNKS ? ow_n : s0 + 16 * STRIP_CHUNKS;
    for (int64_t j0 = s0; j0 < s1; j0 += 16)
      chunk16_masks (g, j0, kw_n, s, &ck[(j0 - s0) / 16]);
    for (int64_t oh = 0; oh < oh_n; oh += RB)
      for (int64_t j0 = s0; j0 < s1; j0 += 16)
        rows16 (g, x, w, bias, act, out, oh, j0, ck[(j0 - s0) / 16], kh_n,
            kw_n, s);
  }
}

/* block16 for rows of at most 8 outputs: one 8-wide chunk (AVX-512VL
 * masks); at stride 2 the 16 inputs of a tap pair are one masked load. */
/* load_row16 for one chunk of at most 8 outputs (AVX-512VL masks); at
 * stride 2 the 16 inputs of a tap pair are one masked load. */
static inline __attribute__ ((always_inline)) void
load_row8 (const float *r, const Chunk16 ck, const int kw_n, const int s,
    __m256 *v0, __m256 *v1, __m256 *v2, __m256 *v3, __m256 *v4)
{
  const __m512i evod = _mm512_setr_epi32 (0, 2, 4, 6, 8, 10, 12, 14, 1, 3,
      5, 7, 9, 11, 13, 15);
  __m256 *v[5] = { v0, v1, v2, v3, v4 };
#pragma GCC unroll 8
  for (int kw = 0; kw < kw_n; kw++) {
    if (s == 1) {
      *v[kw] = _mm256_maskz_loadu_ps ((__mmask8) ck.m[kw], r + kw);
    } else if (kw % 2 == 0 && kw + 1 == kw_n && kw >= 2) {
      /* as load_row16: the evens before, shifted, lane 7 from 16 on */
      __m256 nx = _mm256_maskz_loadu_ps ((__mmask8) ck.mp[kw / 2],
          r + kw - 2 + 16);
      *v[kw] = _mm256_castsi256_ps (_mm256_alignr_epi32 (
              _mm256_castps_si256 (nx), _mm256_castps_si256 (*v[kw - 2]), 1));
    } else if (kw % 2 == 0) {
      __m512 p = _mm512_permutexvar_ps (evod,
          _mm512_maskz_loadu_ps ((__mmask16) ck.mp[kw / 2], r + kw));
      *v[kw] = _mm512_castps512_ps256 (p);
      if (kw + 1 < kw_n)
        *v[kw + 1] = _mm512_extractf32x8_ps (p, 1);
    }
  }
}

static inline __attribute__ ((always_inline)) __m256
fma_row8 (__m256 acc, const float *wr, const int kw_n, __m256 v0,
    __m256 v1, __m256 v2, __m256 v3, __m256 v4)
{
  const __m256 v[5] = { v0, v1, v2, v3, v4 };
#pragma GCC unroll 8
  for (int kw = 0; kw < kw_n; kw++)
    acc = _mm256_fmadd_ps (v[kw], _mm256_set1_ps (wr[kw]), acc);
  return acc;
}

/* block16 for rows of at most 8 outputs: one 8-wide chunk. */
static inline __attribute__ ((always_inline)) void
block8 (const CnnConvGeom *g, const float *x, const float *w, float bias,
    const CnnFusedAct *act, float *out, const int kh_n, const int kw_n,
    const int s)
{
  const int64_t h = g->in[1], oh_n = g->out[1], ow_n = g->out[2];
  Chunk16 ck;
  chunk16_masks (g, 0, kw_n, s, &ck);
  const __mmask8 store = (__mmask8) ck.store;
  for (int64_t oh = 0; oh < oh_n; oh += RB) {
    __m256 a0 = _mm256_set1_ps (bias), a1 = a0, a2 = a0, a3 = a0;
#pragma GCC unroll 16
    for (int rr = 0; rr < (RB - 1) * s + kh_n; rr++) {
      int64_t ih = oh * s - g->pad[1] + rr;
      if (ih < 0 || ih >= h)
        continue;
      __m256 v0, v1, v2, v3, v4;
      load_row8 (x + ih * g->in[2] - g->pad[2], ck, kw_n, s, &v0, &v1, &v2,
          &v3, &v4);
      if (rr < kh_n)
        a0 = fma_row8 (a0, w + rr * kw_n, kw_n, v0, v1, v2, v3, v4);
      if (rr >= s && rr - s < kh_n)
        a1 = fma_row8 (a1, w + (rr - s) * kw_n, kw_n, v0, v1, v2, v3, v4);
      if (rr >= 2 * s && rr - 2 * s < kh_n)
        a2 = fma_row8 (a2, w + (rr - 2 * s) * kw_n, kw_n, v0, v1, v2, v3,
            v4);
      if (rr >= 3 * s && rr - 3 * s < kh_n)
        a3 = fma_row8 (a3, w + (rr - 3 * s) * kw_n, kw_n, v0, v1, v2, v3,
            v4);
    }
    float *o = out + oh * ow_n;
    _mm256_mask_storeu_ps (o, store, cnn_act_v8 (a0, act));
    if (oh + 1 < oh_n)
      _mm256_mask_storeu_ps (o + ow_n, store, cnn_act_v8 (a1, act));
    if (oh + 2 < oh_n)
      _mm256_mask_storeu_ps (o + 2 * ow_n, store, cnn_act_v8 (a2, act));
    if (oh + 3 < oh_n)
      _mm256_mask_storeu_ps (o + 3 * ow_n, store, cnn_act_v8 (a3, act));
  }
}

void
cnn_depthwise_plane_avx512 (const CnnConvGeom *g, const float *x,
    const float *w, float bias, const CnnFusedAct *act, float *out)
{
  int kh_n = (int) g->k[1], kw_n = (int) g->k[2];
  bool s1 = g->stride[2] == 1;
  bool same = g->stride[1] == g->stride[2];
  bool k3 = kh_n == 3 && kw_n == 3, k5 = kh_n == 5 && kw_n == 5;
  if (g->out[2] <= 8) {
    if (k3 && s1 && same)
      block8 (g, x, w, bias, act, out, 3, 3, 1);
    else if (k3 && same)
      block8 (g, x, w, bias, act, out, 3, 3, 2);
    else if (k5 && s1 && same)
      block8 (g, x, w, bias, act, out, 5, 5, 1);
    else if (k5 && same)
      block8 (g, x, w, bias, act, out, 5, 5, 2);
    else
      plane8_any (g, x, w, bias, act, out);
  } else if (k3 && s1 && same) {
    block16 (g, x, w, bias, act, out, 3, 3, 1);
  } else if (k3 && same) {
    block16 (g, x, w, bias, act, out, 3, 3, 2);
  } else if (k5 && s1 && same) {
    block16 (g, x, w, bias, act, out, 5, 5, 1);
  } else if (k5 && same) {
    block16 (g, x, w, bias, act, out, 5, 5, 2);
  } else if (s1) {
    plane16 (g, x, w, bias, act, out, kh_n, kw_n, 1);
  } else {
    plane16 (g, x, w, bias, act, out, kh_n, kw_n, 2);
  }
}
