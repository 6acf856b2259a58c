/* pgemm.h — GEMM on a packed B with SIMD micro-kernels and a fused
 * epilogue, the engine of the fast convolutions (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Computes one block of
 *   C (m x len) = act (A (m x k) x B (k x len) + bias (per row)
 *                      + R (m x len))
 with A (the weights), C and R row-major (row strides ldc, ldr, lda). A
 * is read where it is: a micro-kernel broadcasts from mr row streams, so
 * the weights are never kept twice (the hardware prefetcher follows the
 * streams; one mr x kc slice stays in L1). Only when lda is a multiple of
 * 256 floats, which would put the mr rows into the same few L1 sets, is
 * each slice first copied into abuf with a row stride that spreads them
 * (a plain copy of mr runs of kc floats). B is produced on the fly, kc
 * rows at a time, by a caller's pack function into panels of nr columns:
 *   buf[(j / nr) * kc * nr + (p - k0) * nr + j % nr]
 * (columns past len may hold anything; they never reach C). The driver
 * walks k in blocks of at most CNN_PGEMM_KC rows, so the sum order, and
 * hence every bit of C, depends only on (m, k, len), never on the thread
 * that runs the block. The micro-kernels hold an mr x nr tile of C in
 * registers: 8 x 48 on AVX-512, 6 x 16 on AVX2 + FMA; bias, residual and
 * the activation are applied to the tile before its only store. A last
 * panel of at most CNN_PGEMM_DOT_MAX columns (7x7 outputs: 49 = 48 + 1)
 * takes a dot-product kernel instead (see CnnPgemmDot).
 * Levels below AVX2 have no micro-kernel: cnn_pgemm_init returns false
 * and the caller keeps its BLAS path.
 */
#ifndef CNN_KERNELS_PGEMM_H
#define CNN_KERNELS_PGEMM_H

#include "cpu.h"
#include "../ir.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest k block: the B block (kc x len) stays in L2, an A slice
 * (mr rows x kc) and the B panel a micro-kernel walks (kc x nr: 24 KB at
 * 128 x 48) in L1 (32 KB on Zen 4, 48 KB on Zen 5). On a Zen 5 (AVX-512
 * on 512-bit units) 128 against 256, alternating, time of ours / time at
 * 256, median of 6-8 pairs: ResNet-50 0.95-0.97 at one thread, 1.01 at
 * two; ResNet-18 0.98-0.99; SqueezeNet, MobileNetV2, small28 0.94-1.03
 * (noise); ResNet-50's 3x3 512->512 on 7x7 alone 0.95. */
#define CNN_PGEMM_KC 128

/* Micro-kernel flags. */
#define CNN_PGEMM_LOAD_C 1      /* add to C (k blocks after the first) */
#define CNN_PGEMM_FINISH 2      /* last k block: bias, residual, act */

typedef struct {
  const float *bias;            /* mr values for this tile's rows, or NULL */
  const float *res;             /* residual tile (row stride ldr) or NULL */
  int64_t ldr;
  const CnnFusedAct *act;       /* NULL = none */
} CnnPgemmEpi;

/* c (mv x nv valid of an mr x nr tile, row stride ldc) [+]= a (mv rows
 * of kc, row stride lda) x b (kc rows, ldb floats apart: nr in a packed
 * panel, the row stride of a B read in place; only the first nv floats
 * of a row are read); flags as above. */
typedef void (*CnnPgemmUkernel) (int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi);

/* The narrow tail: c (mv x nt, nt <= CNN_PGEMM_DOT_MAX) [+]= a (mv rows
 * of kc) x bt^T, where bt holds the nt columns of B transposed (column j
 * is the kc floats at bt + j * ldbt): one dot product along k per output,
 * vectorised over k, so a tail of a few columns costs a few columns'
 * work instead of a whole vector's. Same flags and epilogue. */
typedef void (*CnnPgemmDot) (int64_t kc, const float *a, int64_t lda,
    const float *bt, int64_t ldbt, float *c, int64_t ldc, int mv, int nt,
    int flags, const CnnPgemmEpi *epi);

/* Tails of at most this many columns take the dot kernel. */
#define CNN_PGEMM_DOT_MAX 8

typedef struct {
  CnnCpuLevel level;
  int mr, nr;
  CnnPgemmUkernel ukernel;
  CnnPgemmDot dot;
} CnnPgemm;

/* A row stride for A that the micro-kernels read well: lda itself, unless
 * it is a multiple of 256 floats (the mr rows would share a few L1 sets;
 * cnn_pgemm_block then copies each slice), then an odd number of cache
 * lines (lda + 16). Weights stored at this stride are read in place. */
int64_t cnn_pgemm_lda (int64_t lda);

/* Picks the micro-kernel for level; false when there is none. */
bool cnn_pgemm_init (CnnPgemm *pg, CnnCpuLevel level);

/* Writes rows k0 .. k0+kc-1 of columns p0 .. p0+len-1 of B into dst as
 * panels of nr columns (see above). */
typedef void (*CnnPgemmPackB) (void *ctx, int64_t k0, int64_t kc,
    int64_t p0, int64_t len, int nr, float *dst);

/* A B that already is row-major in memory (row k at b + k * ld), e.g.
 * the input of a 1x1 convolution or Winograd's V. Given as pack_b with a
 * CnnPgemmRows ctx, the driver reads the rows in place instead of packing
 * them (when ld spreads them over L1 sets: not a multiple of 256 floats);
 * the bits of C are the same either way. Called as a packer it packs. */
typedef struct {
  const float *b;
  int64_t ld;
} CnnPgemmRows;

void cnn_pgemm_rows_b (void *ctx, int64_t k0, int64_t kc, int64_t p0,
    int64_t len, int nr, float *dst);

/* Floats of B buffer the driver needs for len columns. */
int64_t cnn_pgemm_b_floats (const CnnPgemm *pg, int64_t k, int64_t len);

/* Floats of the A slice buffer the driver needs. */
int64_t cnn_pgemm_a_floats (const CnnPgemm *pg);

/* Rows per k block for a sum over k (the driver's blocking). */
int64_t cnn_pgemm_kc (int64_t k);

/* Whether a tail of nt (<= CNN_PGEMM_DOT_MAX) columns is cheaper in the
 * dot kernel than in a masked micro-kernel panel, for k blocks of kc
 * rows: cnn_pgemm_block's choice. */
bool cnn_pgemm_dot_pays (int64_t nt, int64_t kc);

/* Floats of a whole pre-packed B (all k blocks, len columns): block k0 of
 * it starts at k0 * (len rounded up to nr), laid out as above. */
int64_t cnn_pgemm_b_all_floats (const CnnPgemm *pg, int64_t k, int64_t len);

/* The block: a is m x k (row stride lda); bias has m values or is NULL;
 * res (row stride ldr) is m x len or NULL; bbuf holds cnn_pgemm_b_floats
 * floats, 64-byte aligned. With pack_b NULL, bbuf is instead the whole B
 * already packed (cnn_pgemm_b_all_floats; several blocks of rows of C
 * can then share one packing). abuf holds cnn_pgemm_a_floats floats,
 * 64-byte aligned. m, k, len >= 1 (else nothing happens). */
void cnn_pgemm_block (const CnnPgemm *pg, int64_t m, int64_t k,
    const float *a, int64_t lda, CnnPgemmPackB pack_b, void *ctx, int64_t p0,
    int64_t len, float *c, int64_t ldc, const float *bias, const float *res,
    int64_t ldr, const CnnFusedAct *act, float *bbuf, float *abuf);

/* The micro-kernels (pgemm_avx512.c, pgemm_avx2.c; compiled with their
 * own target flags, called only when cnn_cpu_level () allows). */
void cnn_pgemm_ukernel_avx512 (int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi);
void cnn_pgemm_ukernel_avx2 (int64_t kc, const float *a, int64_t lda,
    const float *b, int64_t ldb, float *c, int64_t ldc, int mv, int nv,
    int flags, const CnnPgemmEpi *epi);
void cnn_pgemm_dot_avx512 (int64_t kc, const float *a, int64_t lda,
    const float *bt, int64_t ldbt, float *c, int64_t ldc, int mv, int nt,
    int flags, const CnnPgemmEpi *epi);
void cnn_pgemm_dot_avx2 (int64_t kc, const float *a, int64_t lda,
    const float *bt, int64_t ldbt, float *c, int64_t ldc, int mv, int nt,
    int flags, const CnnPgemmEpi *epi);

#endif /* CNN_KERNELS_PGEMM_H */
