/* test_dw_memory.c — zero allocations per inference, and peak memory.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test-kernels-dw_memory MODEL.onnx [RUNS]
 *
 * 1. Zero allocations: this program defines malloc, calloc, realloc, free,
 *    posix_memalign, aligned_alloc, memalign and valloc itself (forwarding
 *    to glibc's __libc_* functions), so every call made by libcnn, its
 *    worker threads, OpenBLAS or libc lands here and is counted. For 1 and
 *    2 threads: a session is created and run once, then RUNS (default 5)
 *    more runs must make no call at all, and give bitwise the same output
 *    as the first run. The first run of a session is counted too and must
 *    also be allocation-free (everything is planned at session creation).
 * 2. Memory: the anonymous resident memory (RssAnon: heap, arenas, packed
 *    weights, thread stacks; not library code) above what it was before
 *    the model was loaded, sampled after each session's creation and
 *    after its runs (the run-time peaks, since runs allocate nothing),
 *    must stay at most 1.5 x (cnn_model_weight_bytes +
 *    cnn_model_arena_bytes (2)). The whole process's peak RSS (VmHWM,
 *    loading included) is printed beside it, with a NOTE when it is
 *    above 1.5 x.
 * Skips (77) when the model file is missing and skips part 1 under
 * AddressSanitizer (which owns malloc).
 */
#include <cnn/cnn.h>
#include "check.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Sanitizers own malloc and add their own memory: no interposition and no
 * memory-ratio assertion under them (the allocation count still runs
 * where it can). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature (address_sanitizer) || __has_feature (thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static atomic_long alloc_calls;

#ifndef UNDER_SANITIZER
/* glibc's own entry points, exported for exactly this use. */
extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *p, size_t size);
extern void __libc_free (void *p);
extern void *__libc_memalign (size_t align, size_t size);

void *malloc (size_t size);
void *calloc (size_t n, size_t size);
void *realloc (void *p, size_t size);
void free (void *p);
int posix_memalign (void **out, size_t align, size_t size);
void *aligned_alloc (size_t align, size_t size);
void *memalign (size_t align, size_t size);
void *valloc (size_t size);

void *
malloc (size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  return __libc_calloc (n, size);
}

void *
realloc (void *p, size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  return __libc_realloc (p, size);
}

void
free (void *p)
{
  if (p)
    atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  __libc_free (p);
}

int
posix_memalign (void **out, size_t align, size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  if (align < sizeof (void *) || (align & (align - 1)) != 0)
    return 22;                  /* EINVAL */
  void *p = __libc_memalign (align, size);
  if (!p && size)
    return 12;                  /* ENOMEM */
  *out = p;
  return 0;
}

void *
aligned_alloc (size_t align, size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  return __libc_memalign (align, size);
}

void *
memalign (size_t align, size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  return __libc_memalign (align, size);
}

void *
valloc (size_t size)
{
  atomic_fetch_add_explicit (&alloc_calls, 1, memory_order_relaxed);
  return __libc_memalign ((size_t) sysconf (_SC_PAGESIZE), size);
}
#endif

static long
calls (void)
{
  return atomic_load (&alloc_calls);
}

/* "VmHWM:" or "VmRSS:" of /proc/self/status in bytes (0 if unreadable). */
static uint64_t
proc_status_kb (const char *key)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  uint64_t kb = 0;
  if (!f)
    return 0;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, key, strlen (key)) == 0) {
      kb = strtoull (line + strlen (key), NULL, 10);
      break;
    }
  fclose (f);
  return kb * 1024;
}

/* Writes the same pattern into every run-time input (no allocation). */
static void
fill_inputs (const CnnModel *model, CnnSession *s)
{
  for (size_t i = 0; i < cnn_model_input_count (model); i++) {
    CnnTensorInfo info;
    cnn_model_input_info (model, i, NULL, &info);
    float *x = cnn_session_input_data (s, i);
    int64_t n = cnn_tensor_info_numel (&info);
    for (int64_t k = 0; k < n; k++)
      x[k] = (float) ((k * 7919 + (int64_t) i * 13) % 255) / 255.0f - 0.5f;
  }
}

/* Largest anonymous resident memory (RssAnon) seen at the sample points:
 * after each session's creation and after its runs. Nothing is allocated
 * during runs (part 1), so these are the run-time peaks; file-backed pages
 * (library code faulted in by the first run) are left out. */
static uint64_t anon_peak;

static void
sample_anon (void)
{
  uint64_t a = proc_status_kb ("RssAnon:");
  anon_peak = a > anon_peak ? a : anon_peak;
}

/* Part 1 for one thread count; returns false when the session failed. */
static bool
check_runs (CnnModel *model, int threads, int runs)
{
  CnnSessionOptions so;
  CnnSession *s = NULL;
  CnnError err;
  cnn_session_options_init (&so);
  so.threads = threads;
  if (cnn_session_new (model, &so, &s, &err) != CNN_OK) {
    CHECK_MSG (false, "session (%d threads): %s", threads, err.message);
    return false;
  }
  sample_anon ();
  CnnTensorInfo oi;
  cnn_model_output_info (model, 0, NULL, &oi);
  size_t on = (size_t) cnn_tensor_info_numel (&oi);
  float *first = malloc (on * sizeof (float));
  fill_inputs (model, s);
  long before = calls ();
  CnnStatus st = cnn_session_run (s);
  long first_calls = calls () - before;
  CHECK_MSG (st == CNN_OK, "run: %s", cnn_session_last_error (s));
  memcpy (first, cnn_session_output_data (s, 0), on * sizeof (float));

  bool same = true;
  long steady = 0;
  for (int r = 0; r < runs; r++) {
    fill_inputs (model, s);     /* the arena may reuse input buffers */
    before = calls ();
    st = cnn_session_run (s);
    steady += calls () - before;
    CHECK_MSG (st == CNN_OK, "run: %s", cnn_session_last_error (s));
    same &= memcmp (first, cnn_session_output_data (s, 0),
        on * sizeof (float)) == 0;
  }
  sample_anon ();
#ifndef UNDER_SANITIZER
  printf ("  %d thread(s): %ld allocator calls in the first run, %ld in "
      "the next %d runs\n", threads, first_calls, steady, runs);
  CHECK_MSG (first_calls == 0, "%d threads: first run made %ld allocator "
      "calls", threads, first_calls);
  CHECK_MSG (steady == 0, "%d threads: %d runs made %ld allocator calls",
      threads, runs, steady);
#endif
  CHECK_MSG (same, "%d threads: outputs differ between runs", threads);
  free (first);
  cnn_session_free (s);
  return true;
}

int
main (int argc, char **argv)
{
  if (argc < 2) {
    fprintf (stderr, "usage: %s MODEL.onnx [RUNS]\n", argv[0]);
    return 2;
  }
  int runs = argc > 2 ? atoi (argv[2]) : 5;
  if (access (argv[1], R_OK) != 0)
    CHECK_SKIP ("%s is not readable", argv[1]);
#ifdef UNDER_SANITIZER
  printf ("AddressSanitizer build: allocation counting skipped\n");
#endif
  uint64_t base = proc_status_kb ("VmRSS:");
  uint64_t anon_base = proc_status_kb ("RssAnon:");
  CnnModel *model = NULL;
  CnnError err;
  long before = calls ();
  if (cnn_model_load_file (argv[1], NULL, &model, &err) != CNN_OK) {
    CHECK_MSG (false, "load %s: %s", argv[1], err.message);
    return check_summary ("dw_memory");
  }
#ifndef UNDER_SANITIZER
  /* the counter is live: loading a model allocates */
  CHECK_MSG (calls () > before, "no allocator call seen while loading");
#endif
  uint64_t load_peak = proc_status_kb ("VmHWM:");
  uint64_t weights = cnn_model_weight_bytes (model);
  uint64_t arena = cnn_model_arena_bytes (model, 2);
  printf ("%s\n", argv[1]);
  for (int t = 1; t <= 2; t++)
    check_runs (model, t, runs);
  uint64_t hwm = proc_status_kb ("VmHWM:");

  double wa = (double) (weights + arena);
  double load_x = (double) (load_peak > base ? load_peak - base : 0) / wa;
  double hwm_x = (double) (hwm > base ? hwm - base : 0) / wa;
  double run_x = (double) (anon_peak > anon_base ? anon_peak - anon_base
      : 0) / wa;
  printf ("  weights %.2f MB, arena (2 threads) %.2f MB = W + A\n"
      "  anonymous memory with a session: %.2f MB = %.2f x (W + A); "
      "limit 1.5\n"
      "  process peak RSS above start: %.2f MB = %.2f x (W + A), of which "
      "loading %.2f MB = %.2f x\n", weights / 1e6, arena / 1e6,
      (anon_peak - anon_base) / 1e6, run_x, (hwm - base) / 1e6, hwm_x,
      (load_peak - base) / 1e6, load_x);
  CHECK_MSG (anon_peak > 0 && hwm > 0, "cannot read /proc/self/status");
#ifndef UNDER_SANITIZER
  CHECK_MSG (run_x <= 1.5, "memory with a session %.2f x (weights %.2f MB "
      "+ arena %.2f MB) > 1.5", run_x, weights / 1e6, arena / 1e6);
#endif
  if (hwm_x > 1.5)
    printf ("  NOTE: the process peak (%.2f x) is above 1.5 x (W + A); "
        "loading alone reaches %.2f x\n", hwm_x, load_x);
  cnn_model_unref (model);
  return check_summary ("dw_memory");
}
