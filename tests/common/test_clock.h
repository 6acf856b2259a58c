/* test_clock.h — the monotonic clock in microseconds, for C test programs
 * that time something (waits, layer runs).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Uses POSIX clock_gettime, visible under -std=c11 because the build
 * defines _GNU_SOURCE (meson.build).
 */
#ifndef CNN_TEST_CLOCK_H
#define CNN_TEST_CLOCK_H

#include <time.h>

static inline double
test_now_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

#endif /* CNN_TEST_CLOCK_H */
