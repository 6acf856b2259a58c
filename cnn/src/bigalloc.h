/* bigalloc.h — aligned buffers for weights and arenas; large, long-lived
 * ones on transparent huge pages (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Both return memory freed with free(), or NULL when they cannot (out of
 * memory, or a size so close to SIZE_MAX that rounding it up would wrap,
 * as a corrupt model's plan could ask).
 *
 * cnn_aligned_alloc (bytes): CNN_ALLOC_ALIGN-byte aligned (a cache line,
 * the widest vector), for an initializer's data, which kernels read in
 * place (gemv.c's weight rows: at malloc's 16 bytes every 64-byte load
 * of a row spanned two cache lines). Not on huge pages: a tensor copied
 * from the model file while the file's pages are dropped would fault in
 * 2 MB at a time and raise the load's peak (a 4 MB model's by 1.5x).
 *
 * cnn_big_alloc (bytes): for packed weights and a session's arena. Below
 * 2 MB as cnn_aligned_alloc. From 2 MB on it is aligned to 2 MB and, where
 * the system has it (Linux, transparent huge pages in "madvise" mode, as
 * Debian sets it), marked for huge pages before it is first touched, so
 * the whole 2 MB extents inside it are backed by huge pages: a layer
 * streaming megabytes of weights then walks a few page tables instead of
 * one per 4 KB, and the cache sets a buffer maps to no longer depend on
 * where the kernel put each 4 KB page (a stride-2 layer of ResNet-50 took
 * 2.0 or 2.9 ms from one process to the next). The marking is advice:
 * refused, the memory is plain. The allocation is rounded up to whole
 * 2 MB (aligned_alloc's rule) but only the bytes asked for are marked, and
 * the rest is never touched, so it adds no resident memory.
 */
#ifndef CNN_BIGALLOC_H
#define CNN_BIGALLOC_H

#include <stddef.h>

#define CNN_ALLOC_ALIGN 64      /* the least alignment both return */

void *cnn_aligned_alloc (size_t bytes);
void *cnn_big_alloc (size_t bytes);

#endif /* CNN_BIGALLOC_H */
