/* bigalloc.h — large, long-lived buffers on transparent huge pages
 * (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * cnn_big_alloc (bytes) returns memory for packed weights and a session's
 * arena: 64-byte aligned, freed with free(); NULL when it cannot (out of
 * memory, or a size so close to SIZE_MAX that rounding it up would wrap,
 * as a corrupt model's plan could ask). From 2 MB on it is aligned to
 * 2 MB and, where the system has it (Linux, transparent huge pages in
 * "madvise" mode, as Debian sets it), marked for huge pages before it is
 * first touched, so the whole 2 MB extents inside it are backed by huge
 * pages: a layer streaming megabytes of weights then walks a few page
 * tables instead of one per 4 KB, and the cache sets a buffer maps to no
 * longer depend on where the kernel put each 4 KB page (a stride-2 layer of
 * ResNet-50 took 2.0 or 2.9 ms from one process to the next). The marking
 * is advice: refused, the memory is plain. The allocation is rounded up
 * to whole 2 MB (aligned_alloc's rule) but only the bytes asked for are
 * marked, and the rest is never touched, so it adds no resident memory.
 */
#ifndef CNN_BIGALLOC_H
#define CNN_BIGALLOC_H

#include <stddef.h>

void *cnn_big_alloc (size_t bytes);

#endif /* CNN_BIGALLOC_H */
