/* bigalloc.c — aligned buffers, large ones on transparent huge pages (see
 * bigalloc.h).
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
cnn_aligned_alloc (size_t bytes)
{
  if (bytes > SIZE_MAX - CNN_ALLOC_ALIGN)
    return NULL;                /* rounding it up would wrap */
  size_t rounded = (bytes + CNN_ALLOC_ALIGN - 1) / CNN_ALLOC_ALIGN
      * CNN_ALLOC_ALIGN;
  return aligned_alloc (CNN_ALLOC_ALIGN, rounded ? rounded : CNN_ALLOC_ALIGN);
}

void *
cnn_big_alloc (size_t bytes)
{
  if (bytes > SIZE_MAX - HUGE_PAGE)
    return NULL;                /* rounding it up would wrap */
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= HUGE_PAGE) {
    void *p = aligned_alloc (HUGE_PAGE, (bytes + HUGE_PAGE - 1)
        / HUGE_PAGE * HUGE_PAGE);
    if (p)
      (void) madvise (p, bytes, MADV_HUGEPAGE);
    return p;
  }
#endif
  return cnn_aligned_alloc (bytes);
}
