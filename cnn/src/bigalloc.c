/* bigalloc.c — large buffers on transparent huge pages (see bigalloc.h).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _DEFAULT_SOURCE         /* madvise, MADV_HUGEPAGE under -std=c11 */
#include "bigalloc.h"

#include <stdint.h>
#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define HUGE_PAGE ((size_t) 2 << 20)

void *
cnn_big_alloc (size_t bytes)
{
  if (bytes > SIZE_MAX - HUGE_PAGE)
    return NULL;                /* the roundings below would wrap */
  size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded == 0)
    rounded = 64;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (rounded >= HUGE_PAGE) {
    void *p = aligned_alloc (HUGE_PAGE, (rounded + HUGE_PAGE - 1)
        / HUGE_PAGE * HUGE_PAGE);
    if (p)
      (void) madvise (p, rounded, MADV_HUGEPAGE);
    return p;
  }
#endif
  return aligned_alloc (64, rounded);
}
