/* pgemm.c — kernel choice and the blocked driver of pgemm.h.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See pgemm.h. cnn_pgemm_block splits k into equal blocks of at most
 * CNN_PGEMM_KC rows; for each block it asks the caller to pack B (all
 * len columns), then runs the micro-kernel over every (row panel, column
 * panel) pair, row panels outside so that one A slice stays in L1 while
 * the B block streams from L2. The first k block writes C, later
 * ones add to it, the last one applies the epilogue. Nothing here
 * allocates.
 */
#include "pgemm.h"
#include "im2col.h"

#include <string.h>

bool
cnn_pgemm_init (CnnPgemm *pg, CnnCpuLevel level)
{
  memset (pg, 0, sizeof *pg);
  pg->level = level;
#if defined(CNN_HAVE_X86_KERNELS)
  if (level >= CNN_CPU_AVX512) {
    pg->mr = 8;
    pg->nr = 48;
    pg->ukernel = cnn_pgemm_ukernel_avx512;
    pg->dot = cnn_pgemm_dot_avx512;
    return true;
  }
  if (level >= CNN_CPU_AVX2) {
    pg->mr = 6;
    pg->nr = 16;
    pg->ukernel = cnn_pgemm_ukernel_avx2;
    pg->dot = cnn_pgemm_dot_avx2;
    return true;
  }
#endif
  return false;
}

/* The k blocking: n_blocks equal blocks of at most CNN_PGEMM_KC rows. */
int64_t
cnn_pgemm_kc (int64_t k)
{
  int64_t blocks = (k + CNN_PGEMM_KC - 1) / CNN_PGEMM_KC;
  if (blocks < 1)
    blocks = 1;
  return (k + blocks - 1) / blocks;
}

int64_t
cnn_pgemm_b_floats (const CnnPgemm *pg, int64_t k, int64_t len)
{
  int64_t kc = cnn_pgemm_kc (k);
  return kc * ((len + pg->nr - 1) / pg->nr * pg->nr);
}

/* Row stride of a copied A slice: whole lines, an odd number of them, so
 * the mr rows start in mr different L1 sets. */
static int64_t
slice_stride (int64_t kc)
{
  int64_t lines = (kc + 15) / 16;
  return (lines % 2 == 0 ? lines + 1 : lines) * 16;
}

int64_t
cnn_pgemm_lda (int64_t lda)
{
  return lda % 256 == 0 ? slice_stride (lda) : lda;
}

/* abuf: the copied A slice, then the transposed tail of B. */
int64_t
cnn_pgemm_a_floats (const CnnPgemm *pg)
{
  return (pg->mr + CNN_PGEMM_DOT_MAX) * slice_stride (CNN_PGEMM_KC);
}

/* Copies nt columns (kc rows, ldb floats apart) into bt, column j at
 * bt + j * ldbt. */
static void
transpose_tail (const float *b, int64_t kc, int64_t ldb, int nt, float *bt,
    int64_t ldbt)
{
  for (int j = 0; j < nt; j++)
    for (int64_t p = 0; p < kc; p++)
      bt[j * ldbt + p] = b[p * ldb + j];
}

void
cnn_pgemm_rows_b (void *ctx, int64_t k0, int64_t kc, int64_t p0,
    int64_t len, int nr, float *dst)
{
  const CnnPgemmRows *r = ctx;
  cnn_pack_rows_panels (r->b, r->ld, k0, kc, p0, len, nr, dst);
}

int64_t
cnn_pgemm_b_all_floats (const CnnPgemm *pg, int64_t k, int64_t len)
{
  return k * ((len + pg->nr - 1) / pg->nr * pg->nr);
}

/* Asks for rows of A (n rows of kc floats, lda apart) to be brought into
 * L2 ahead of use: the weights of a layer are usually cold (read once per
 * run, from DRAM), and each row panel reads mr short rows at once, too
 * short for the hardware prefetcher to learn. */
static void
prefetch_rows (const float *a, int64_t n, int64_t kc, int64_t lda)
{
  for (int64_t i = 0; i < n; i++)
    for (int64_t p = 0; p < kc; p += 16)
      __builtin_prefetch (a + i * lda + p, 0, 2);
}

/* Whether a tail of nt columns is cheaper in the dot kernel than in one
 * masked vector of the micro-kernel, for k blocks of kc rows. Per 8 rows
 * of A the micro-kernel spends about 4 kc cycles (8 FMAs a k step,
 * whatever nt), the dot kernel nt (kc / 4 + 48): kc / 16 FMAs and a
 * horizontal sum per output. SqueezeNet's 3x3 32->128 on 27x27
 * (Winograd: 16 GEMMs with k = 32 over blocks of 48 tiles, the last of 4)
 * spent 7.6 % of its time in the dot kernel for 2 % of its tiles. */
bool
cnn_pgemm_dot_pays (int64_t nt, int64_t kc)
{
  return nt * (kc + 192) < 16 * kc;
}

void
cnn_pgemm_block (const CnnPgemm *pg, int64_t m, int64_t k,
    const float *a, int64_t lda, CnnPgemmPackB pack_b, void *ctx, int64_t p0,
    int64_t len, float *c, int64_t ldc, const float *bias, const float *res,
    int64_t ldr, const CnnFusedAct *act, float *bbuf, float *abuf)
{
  bool copy_a = cnn_pgemm_lda (lda) != lda;
  int mr = pg->mr, nr = pg->nr;
  int64_t kc_max = cnn_pgemm_kc (k);
  if (m <= 0 || len <= 0 || k <= 0)
    return;
  /* columns [0, full) in micro-kernel panels, [full, len) by dot kernel */
  int64_t tail = len % nr, full = len;
  if (tail > 0 && tail <= CNN_PGEMM_DOT_MAX
      && cnn_pgemm_dot_pays (tail, kc_max))
    full = len - tail;
  else
    tail = 0;
  float *bt = abuf + mr * slice_stride (CNN_PGEMM_KC);
  const CnnPgemmRows *rows = pack_b == cnn_pgemm_rows_b ? ctx : NULL;
  bool direct = rows && cnn_pgemm_lda (rows->ld) == rows->ld;
  for (int64_t k0 = 0; k0 < k; k0 += kc_max) {
    int64_t kc = k - k0 < kc_max ? k - k0 : kc_max;
    const float *bk = bbuf;
    int64_t ldb = nr, panel = kc;       /* panel: floats between panels */
    if (direct) {
      bk = rows->b + k0 * rows->ld + p0;
      ldb = rows->ld;
      panel = 1;
    } else if (pack_b)
      pack_b (ctx, k0, kc, p0, len, nr, bbuf);
    else
      bk = bbuf + k0 * ((len + nr - 1) / nr * nr);
    int64_t ldbt = slice_stride (kc);
    if (tail)
      transpose_tail (bk + full * panel, kc, ldb, (int) tail, bt, ldbt);
    int flags = (k0 > 0 ? CNN_PGEMM_LOAD_C : 0)
        | (k0 + kc >= k ? CNN_PGEMM_FINISH : 0);
    for (int64_t i0 = 0; i0 < m; i0 += mr) {
      int mv = m - i0 < mr ? (int) (m - i0) : mr;
      const float *ap = a + i0 * lda + k0;
      if (i0 + mr < m)
        prefetch_rows (ap + mr * lda, m - i0 - mr < mr ? m - i0 - mr : mr, kc,
            lda);
      int64_t ldap = lda;
      if (copy_a) {
        ldap = slice_stride (kc);
        for (int i = 0; i < mv; i++)
          memcpy (abuf + i * ldap, ap + i * lda,
              sizeof (float) * (size_t) kc);
        ap = abuf;
      }
      CnnPgemmEpi epi = { bias ? bias + i0 : NULL, NULL, ldr, act };
      for (int64_t j0 = 0; j0 < full; j0 += nr) {
        int nv = full - j0 < nr ? (int) (full - j0) : nr;
        epi.res = res ? res + i0 * ldr + j0 : NULL;
        pg->ukernel (kc, ap, ldap, bk + j0 * panel, ldb, c + i0 * ldc + j0,
            ldc, mv, nv, flags, &epi);
      }
      if (tail) {
        epi.res = res ? res + i0 * ldr + full : NULL;
        pg->dot (kc, ap, ldap, bt, ldbt, c + i0 * ldc + full, ldc, mv,
            (int) tail, flags, &epi);
      }
    }
  }
}
