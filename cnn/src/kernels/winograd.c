/* winograd.c — Winograd F(2x2, 3x3): filters, the 8-lane transforms and
 * the choice of width (see winograd.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The transforms themselves are winograd_body.h, here at 8 lanes (AVX2),
 * in winograd_avx512.c at 16. The matrices are those of Lavin and Gray
 * for the points 0, +-1 and infinity; every coefficient is 0, +-1 or
 * +-1/2, so the transforms add almost no rounding:
 *   B^T rows: (1 0 -1 0) (0 1 1 0) (0 -1 1 0) (0 1 0 -1)
 *   G rows:   (1 0 0) (1/2 1/2 1/2) (1/2 -1/2 1/2) (0 0 1)
 *   A^T rows: (1 1 1 0) (0 1 -1 -1)
 */
#include "winograd.h"
#include "cpu.h"
#include "epilogue.h"
#include "store_v8.h"

#include <immintrin.h>
#include <string.h>

/* Rows of at least this many tiles run at 16 lanes where the CPU has
 * AVX-512: a row of 7 tiles (13x13 and 14x14 outputs) fills 7 of 8 lanes
 * but 7 of 16. */
#define WIDE_MIN_TILES_W 9

/* Lanes lo <= l < hi set (all bits), others clear: for the AVX2 masked
 * loads of the partial chunks at plane edges (masked-off lanes are not
 * read, so nothing past a buffer is touched). */
static inline __m256i
lane_range (int64_t lo, int64_t hi)
{
  const __m256i idx = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  lo = lo < 0 ? 0 : lo > 8 ? 8 : lo;
  hi = hi < 0 ? 0 : hi > 8 ? 8 : hi;
  return _mm256_andnot_si256 (
      _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) lo), idx),
      _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) hi), idx));
}

#define WL 8
#define VF cnn_v8f
#define VI cnn_v8i
#define MASK __m256i
#define RANGE(lo, hi) lane_range ((lo), (hi))
#define LOAD_M(p, mask) ((cnn_v8f) _mm256_maskload_ps ((p), (mask)))
#define STORE_FIRST(p, n, v) cnn_store_first_v8 ((p), (n), (__m256) (v))
#define EVEN(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODD(a, b) __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define ZIP_LO(a, b) __builtin_shufflevector (a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define ZIP_HI(a, b) __builtin_shufflevector (a, b, 4, 12, 5, 13, 6, 14, 7, 15)
#define WINO_INPUT_SPAN cnn_winograd_input_span_v8
#define WINO_OUTPUT_SPAN cnn_winograd_output_span_v8
#include "winograd_body.h"

/* 16 lanes: AVX-512 present (and not turned off by CNN_CPU) and rows wide
 * enough to fill them. */
static bool
wide (const CnnConvGeom *g)
{
  return cnn_cpu_level () >= CNN_CPU_AVX512
      && cnn_winograd_tiles_w (g) >= WIDE_MIN_TILES_W;
}

void
cnn_winograd_input_span (const CnnConvGeom *g, const float *x, int64_t c0,
    int64_t c1, const CnnWinoSpan *sp, float *v)
{
  if (wide (g))
    cnn_winograd_input_span_v16 (g, x, c0, c1, sp, v);
  else
    cnn_winograd_input_span_v8 (g, x, c0, c1, sp, v);
}

void
cnn_winograd_output_span (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, const float *res, int64_t o0,
    int64_t o1, const CnnWinoSpan *sp, float *y)
{
  if (wide (g))
    cnn_winograd_output_span_v16 (g, m, bias, act, res, o0, o1, sp, y);
  else
    cnn_winograd_output_span_v8 (g, m, bias, act, res, o0, o1, sp, y);
}

bool
cnn_winograd_applies (const CnnConvGeom *g)
{
  return g->group == 1 && g->k[0] == 1 && g->in[0] == 1 && g->out[0] == 1
      && g->k[1] == 3 && g->k[2] == 3 && g->stride[1] == 1
      && g->stride[2] == 1 && g->dil[1] == 1 && g->dil[2] == 1;
}

static int64_t
tiles_h (const CnnConvGeom *g)
{
  return (g->out[1] + 1) / 2;
}

int64_t
cnn_winograd_tiles (const CnnConvGeom *g)
{
  return tiles_h (g) * cnn_winograd_tiles_w (g);
}

static inline void
g3 (const float *g, int s, float *r, int rs)
{
  float g0 = g[0], g1 = g[s], g2 = g[2 * s];
  r[0] = g0;
  r[rs] = (g0 + g1 + g2) * 0.5f;
  r[2 * rs] = (g0 - g1 + g2) * 0.5f;
  r[3 * rs] = g2;
}

/* Filters are transformed WB input channels at a time into a local block,
 * then written as 16 runs of WB floats: U's 16 planes are oc * c floats
 * apart (often a power of two), and scattered single stores would keep
 * evicting each other from L1. */
#define WB 16

void
cnn_winograd_weights (const CnnConvGeom *g, const float *w, int64_t o0,
    int64_t o1, float *u)
{
  int64_t oc = g->oc, c = g->c, su = cnn_winograd_plane (oc * c);
  float blk[CNN_WINO_E][WB];
  for (int64_t o = o0; o < o1; o++)
    for (int64_t c0 = 0; c0 < c; c0 += WB) {
      int n = c - c0 < WB ? (int) (c - c0) : WB;
      for (int k = 0; k < n; k++) {
        const float *f = w + (o * c + c0 + k) * 9;
        float t[12], r[16];
        for (int j = 0; j < 3; j++)     /* columns: G g (4 x 3) */
          g3 (f + j, 3, t + j, 3);
        for (int i = 0; i < 4; i++)     /* rows: (G g) G^T (4 x 4) */
          g3 (t + 3 * i, 1, r + 4 * i, 1);
        for (int e = 0; e < CNN_WINO_E; e++)
          blk[e][k] = r[e];
      }
      for (int e = 0; e < CNN_WINO_E; e++)
        memcpy (u + e * su + o * c + c0, blk[e], sizeof (float) * (size_t) n);
    }
}

/* The whole image: tiles 0 .. tiles-1 with the planes of winograd.h. */
static CnnWinoSpan
whole_span (const CnnConvGeom *g, int64_t rows)
{
  int64_t tiles = cnn_winograd_tiles (g);
  return (CnnWinoSpan) { 0, tiles, tiles, cnn_winograd_plane (rows * tiles) };
}

void
cnn_winograd_input (const CnnConvGeom *g, const float *x, int64_t c0,
    int64_t c1, float *v)
{
  CnnWinoSpan sp = whole_span (g, g->c);
  cnn_winograd_input_span (g, x, c0, c1, &sp, v);
}

void
cnn_winograd_output (const CnnConvGeom *g, const float *m,
    const float *bias, const CnnFusedAct *act, int64_t o0, int64_t o1,
    float *y)
{
  CnnWinoSpan sp = whole_span (g, g->oc);
  cnn_winograd_output_span (g, m, bias, act, NULL, o0, o1, &sp, y);
}
