/* cpu.c — one-time CPU feature detection (see cpu.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cpu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static CnnCpuLevel cpu_level = CNN_CPU_GENERIC;

static CnnCpuLevel
detect_machine (void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  /* __builtin_cpu_supports checks the OS-enabled state (XCR0) too. */
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw")
      && __builtin_cpu_supports ("avx512dq")
      && __builtin_cpu_supports ("avx512vl")
      && __builtin_cpu_supports ("fma"))
    return CNN_CPU_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return CNN_CPU_AVX2;
#endif
  return CNN_CPU_GENERIC;
}

static void
detect (void)
{
  CnnCpuLevel level = detect_machine ();
  const char *env = getenv ("CNN_CPU");

  if (env) {
    CnnCpuLevel want = level;
    if (strcmp (env, "generic") == 0)
      want = CNN_CPU_GENERIC;
    else if (strcmp (env, "avx2") == 0)
      want = CNN_CPU_AVX2;
    else if (strcmp (env, "avx512") == 0)
      want = CNN_CPU_AVX512;
    if (want < level)
      level = want;
  }
  cpu_level = level;
}

CnnCpuLevel
cnn_cpu_level (void)
{
  pthread_once (&cpu_once, detect);
  return cpu_level;
}

const char *
cnn_cpu_level_name (CnnCpuLevel level)
{
  switch (level) {
    case CNN_CPU_AVX512:
      return "avx512";
    case CNN_CPU_AVX2:
      return "avx2";
    case CNN_CPU_GENERIC:
    default:
      return "generic";
  }
}
