/* check.h — minimal assertion helpers shared by the C test programs.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each failed check prints FILE:LINE and what differed, and is counted; a
 * test program ends with `return check_summary ("name");`, which prints
 * "name: N passed, N failed" and returns non-zero if anything failed.
 * Skips print "SKIP: reason" and exit 77 (meson's skip code).
 */
#ifndef CNN_TEST_CHECK_H
#define CNN_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_passed_count, check_failed_count;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond) {                                                             \
      check_passed_count++;                                                 \
    } else {                                                                \
      check_failed_count++;                                                 \
      fprintf (stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,     \
          #cond);                                                           \
    }                                                                       \
  } while (0)

#define CHECK_MSG(cond, ...)                                                \
  do {                                                                      \
    if (cond) {                                                             \
      check_passed_count++;                                                 \
    } else {                                                                \
      check_failed_count++;                                                 \
      fprintf (stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__,     \
          #cond);                                                           \
      fprintf (stderr, __VA_ARGS__);                                        \
      fputc ('\n', stderr);                                                 \
    }                                                                       \
  } while (0)

/* Largest |a-b| - (atol + rtol*|b|) over n floats; <= 0 means all close. */
static inline double
check_max_excess (const float *a, const float *b, size_t n, double rtol,
    double atol, size_t *worst_index, double *max_abs_diff)
{
  double worst = -INFINITY, maxdiff = 0;
  size_t wi = 0;
  for (size_t i = 0; i < n; i++) {
    double diff = fabs ((double) a[i] - (double) b[i]);
    if (isnan (a[i]) != isnan (b[i]))
      diff = INFINITY;
    else if (isnan (a[i]))
      diff = 0;
    double excess = diff - (atol + rtol * fabs ((double) b[i]));
    if (diff > maxdiff)
      maxdiff = diff;
    if (excess > worst) {
      worst = excess;
      wi = i;
    }
  }
  if (worst_index)
    *worst_index = wi;
  if (max_abs_diff)
    *max_abs_diff = maxdiff;
  return n ? worst : 0;
}

#define CHECK_CLOSE(a, b, n, rtol, atol)                                    \
  do {                                                                      \
    size_t wi_;                                                             \
    double md_;                                                             \
    double ex_ = check_max_excess ((a), (b), (n), (rtol), (atol), &wi_,     \
        &md_);                                                              \
    CHECK_MSG (ex_ <= 0, "max |diff| %.3g at [%zu]: %.9g vs %.9g", md_,     \
        wi_, (double) (a)[wi_], (double) (b)[wi_]);                         \
  } while (0)

static inline int
check_summary (const char *name)
{
  printf ("%s: %d passed, %d failed\n", name, check_passed_count,
      check_failed_count);
  return check_failed_count ? 1 : 0;
}

#define CHECK_SKIP(...)                                                     \
  do {                                                                      \
    printf ("SKIP: ");                                                      \
    printf (__VA_ARGS__);                                                   \
    printf ("\n");                                                          \
    exit (77);                                                              \
  } while (0)

#endif /* CNN_TEST_CHECK_H */
