/* cpu.h — CPU feature level for kernel dispatch (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Kernels with SIMD variants are compiled in separate files with their own
 * target flags; callers pick a variant once (at prepare time) from
 * cnn_cpu_level (). The level is detected once, thread-safely, from the
 * CPU (AVX2 means AVX2 + FMA; AVX-512 means F, BW, DQ and VL) and the OS
 * (saved YMM/ZMM state). The environment variable CNN_CPU=generic|avx2|
 * avx512 lowers it (it never raises it above what the machine supports);
 * any other value is ignored. On non-x86 machines the level is GENERIC.
 */
#ifndef CNN_KERNELS_CPU_H
#define CNN_KERNELS_CPU_H

typedef enum {
  CNN_CPU_GENERIC,
  CNN_CPU_AVX2,
  CNN_CPU_AVX512
} CnnCpuLevel;

CnnCpuLevel cnn_cpu_level (void);

/* "generic", "avx2" or "avx512". */
const char *cnn_cpu_level_name (CnnCpuLevel level);

#endif /* CNN_KERNELS_CPU_H */
