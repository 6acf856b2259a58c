/* test_bigalloc.c — cnn_big_alloc, cnn_aligned_alloc (bigalloc.h):
 * alignment and use.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For sizes around the 2 MB threshold (0, 1, 64 + 1, 2 MB - 1, 2 MB,
 * 2 MB + 1, 9.6 MB like ResNet-50's arena): the pointer is 64-byte aligned,
 * and cnn_big_alloc's 2 MB aligned from 2 MB on; every byte asked for can
 * be written and read back; sizes near SIZE_MAX give NULL. Whether the
 * kernel backed a big buffer with huge pages depends on the machine (THP
 * mode, fragmentation), so it is printed, not checked.
 */
#include "bigalloc.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB ((size_t) 1 << 20)

/* AnonHugePages of the process, in kB (-1 where /proc has no smaps). */
static long
anon_huge_kb (void)
{
  FILE *f = fopen ("/proc/self/smaps_rollup", "r");
  char line[256];
  long kb = -1;
  if (!f)
    return -1;
  while (fgets (line, sizeof line, f))
    if (sscanf (line, "AnonHugePages: %ld kB", &kb) == 1)
      break;
  fclose (f);
  return kb;
}

/* p (from one of the two, n bytes): 64-byte aligned, every byte writable
 * and read back. */
static void
check_buffer (const char *fn, unsigned char *p, size_t n)
{
  CHECK_MSG (p != NULL, "%s (%zu): NULL", fn, n);
  if (!p)
    return;
  CHECK_MSG ((uintptr_t) p % 64 == 0, "%s (%zu) = %p: not 64-byte aligned",
      fn, n, (void *) p);
  memset (p, 0x5a, n);
  size_t bad = 0;
  for (size_t k = 0; k < n; k++)
    bad += p[k] != 0x5a;
  CHECK_MSG (bad == 0, "%s (%zu): %zu bytes read back wrong", fn, n, bad);
}

int
main (void)
{
  static const size_t sizes[] = { 0, 1, 65, 2 * MB - 1, 2 * MB, 2 * MB + 1,
    9 * MB + 600 * 1024 };
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t n = sizes[i];
    long before = anon_huge_kb ();
    unsigned char *p = cnn_big_alloc (n);
    check_buffer ("cnn_big_alloc", p, n);
    CHECK_MSG (n < 2 * MB || (uintptr_t) p % (2 * MB) == 0, "%zu bytes at "
        "%p: not 2 MB aligned", n, (void *) p);
    if (p && n >= 2 * MB)
      printf ("%zu bytes: AnonHugePages %+ld kB while held\n", n,
          anon_huge_kb () - before);
    free (p);
    p = cnn_aligned_alloc (n);
    check_buffer ("cnn_aligned_alloc", p, n);
    free (p);
  }
  /* sizes whose rounding up would wrap around: NULL, not a small buffer */
  CHECK (cnn_big_alloc (SIZE_MAX) == NULL);
  CHECK (cnn_big_alloc (SIZE_MAX - 63) == NULL);
  CHECK (cnn_big_alloc (SIZE_MAX - (2 * MB - 1)) == NULL);
  CHECK (cnn_aligned_alloc (SIZE_MAX) == NULL);
  CHECK (cnn_aligned_alloc (SIZE_MAX - 63) == NULL);
  return check_summary ("bigalloc");
}
