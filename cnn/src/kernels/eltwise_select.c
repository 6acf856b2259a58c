/* eltwise_select.c — picks the element-wise row kernels (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See eltwise_simd.h. Portable code: the SIMD files are only referenced
 * when the build has them (CNN_HAVE_X86_KERNELS).
 */
#include "eltwise_simd.h"

#include <stddef.h>

CnnEltBinFn
cnn_elt_binary_select (CnnCpuLevel level)
{
  CnnCpuLevel have = cnn_cpu_level ();
  if (level > have)
    level = have;
#ifdef CNN_HAVE_X86_KERNELS
  if (level >= CNN_CPU_AVX512)
    return cnn_elt_binary_avx512;
  if (level >= CNN_CPU_AVX2)
    return cnn_elt_binary_avx2;
#endif
  return NULL;
}

CnnEltActFn
cnn_elt_act_select (CnnCpuLevel level)
{
  CnnCpuLevel have = cnn_cpu_level ();
  if (level > have)
    level = have;
#ifdef CNN_HAVE_X86_KERNELS
  if (level >= CNN_CPU_AVX512)
    return cnn_elt_act_avx512;
  if (level >= CNN_CPU_AVX2)
    return cnn_elt_act_avx2;
#endif
  return NULL;
}
