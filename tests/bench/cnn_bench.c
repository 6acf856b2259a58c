/* cnn_bench.c — times one ONNX model on the gst-cnn core.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: the core's side of the speed benchmark (run_bench.sh), written on
 * the public API only (cnn/cnn.h), with the same options and output lines as
 * ort_bench.js so the two runtimes are timed the same way:
 *
 *   cnn-bench MODEL [--threads N] [--bench R] [--warmup W]
 *                   [--input FILE] [--output FILE]
 *
 * loads MODEL, creates one session with N threads, fills the single input
 * from FILE (raw float32, must match the input's size) or with a seeded
 * pseudo-random pattern, runs W untimed inferences (and more until 300 ms
 * have passed) and R timed ones (wall clock,
 * CLOCK_MONOTONIC, around cnn_session_run only; the input is copied in
 * before each run, outside the timing) and prints
 *
 *   median_ms=<x> p90_ms=<y> runs=<R>
 *   times_ms=<t1>,<t2>,...
 *   cpu_ms=<x> load_ms=<x> weights_mb=<x> arena_mb=<x> peak_rss_mb=<x>
 *       rss_mb=<x> start_rss_mb=<x> nodes=<n>
 *
 * (cpu_ms: CPU time of the process, all threads, per timed run — robust
 * when the machine is loaded; peak_rss_mb: peak resident set, load included;
 * rss_mb: resident set after the runs; start_rss_mb: resident set when
 * main() starts, before the model loads (the process's own: libc,
 * OpenBLAS, the core's code); all from /proc/self/status, -1
 * where unavailable.)
 * --output FILE writes output 0 as raw float32 after the last run. Any failure
 * prints the core's message on stderr and exits with status 1; bad usage
 * exits with status 2.
 */
#include <cnn/cnn.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  const char *model;
  const char *input;
  const char *output;
  int threads;
  int bench;
  int warmup;
} BenchArgs;

static double
clock_ms (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static double
now_ms (void)
{
  return clock_ms (CLOCK_MONOTONIC);
}

static int
usage (const char *msg)
{
  if (msg)
    fprintf (stderr, "cnn-bench: %s\n", msg);
  fprintf (stderr, "usage: cnn-bench MODEL [--threads N] [--bench R] "
      "[--warmup W] [--input FILE] [--output FILE]\n");
  return 2;
}

static int
parse_int (const char *text, int min, int *out)
{
  char *end;
  errno = 0;
  long v = strtol (text, &end, 10);
  if (errno || *end || end == text || v < min || v > 1000000)
    return 0;
  *out = (int) v;
  return 1;
}

/* Returns 0 on success, else the exit status. */
static int
parse_args (int argc, char **argv, BenchArgs *a)
{
  *a = (BenchArgs) { NULL, NULL, NULL, 1, 20, 5 };
  for (int i = 1; i < argc; i++) {
    const char *opt = argv[i];
    int has_value = i + 1 < argc;
    int ok = 1;
    if (!strcmp (opt, "--threads"))
      ok = has_value && parse_int (argv[++i], 0, &a->threads);
    else if (!strcmp (opt, "--bench"))
      ok = has_value && parse_int (argv[++i], 1, &a->bench);
    else if (!strcmp (opt, "--warmup"))
      ok = has_value && parse_int (argv[++i], 0, &a->warmup);
    else if (!strcmp (opt, "--input") && has_value)
      a->input = argv[++i];
    else if (!strcmp (opt, "--output") && has_value)
      a->output = argv[++i];
    else if (opt[0] == '-' || a->model)
      ok = 0;
    else
      a->model = opt;
    if (!ok) {
      fprintf (stderr, "cnn-bench: bad argument '%s'\n", opt);
      return usage (NULL);
    }
  }
  return a->model ? 0 : usage ("no model");
}

/* Reads the input from a raw float32 file or makes a deterministic pattern
 * (xorshift32 mapped to [-1, 1)); returns a malloc'ed array or NULL. */
static float *
load_input (size_t numel, const char *path)
{
  float *data = malloc (numel * sizeof (float));
  if (!data) {
    fprintf (stderr, "cnn-bench: out of memory\n");
    return NULL;
  }
  if (path) {
    FILE *f = fopen (path, "rb");
    size_t got = f ? fread (data, sizeof (float), numel, f) : 0;
    int extra = f ? fgetc (f) != EOF : 0;
    if (f)
      fclose (f);
    if (got != numel || extra) {
      fprintf (stderr, "cnn-bench: %s: expected exactly %zu float32 values\n",
          path, numel);
      free (data);
      return NULL;
    }
  } else {
    uint32_t s = 2463534242u;
    for (size_t i = 0; i < numel; i++) {
      s ^= s << 13;
      s ^= s >> 17;
      s ^= s << 5;
      data[i] = (float) (s / 2147483648.0 - 1.0);
    }
  }
  return data;
}

static int
write_output (const CnnSession *session, const CnnModel *model, const char *path)
{
  CnnTensorInfo info;
  if (cnn_model_output_info (model, 0, NULL, &info) != CNN_OK)
    return 0;
  int64_t numel = cnn_tensor_info_numel (&info);
  const float *out = cnn_session_output_data (session, 0);
  FILE *f = fopen (path, "wb");
  int ok = f && out && numel >= 0
      && fwrite (out, sizeof (float), (size_t) numel, f) == (size_t) numel;
  if (f && fclose (f) != 0)
    ok = 0;
  if (!ok)
    fprintf (stderr, "cnn-bench: cannot write %s\n", path);
  return ok;
}

/* A "Vm...:  <n> kB" field of /proc/self/status in MiB, or -1. (Not
 * getrusage: Linux carries ru_maxrss over execve, so it would report the
 * parent's peak when that was larger.) */
static double
proc_status_mb (const char *field)
{
  char line[256];
  size_t len = strlen (field);
  double mb = -1;
  FILE *f = fopen ("/proc/self/status", "r");
  if (!f)
    return -1;
  while (fgets (line, sizeof line, f)) {
    long kb;
    if (!strncmp (line, field, len) && line[len] == ':'
        && sscanf (line + len + 1, "%ld", &kb) == 1) {
      mb = kb / 1024.0;
      break;
    }
  }
  fclose (f);
  return mb;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
print_times (const double *times, int n)
{
  double *sorted = malloc (n * sizeof (double));
  if (!sorted)
    return;
  memcpy (sorted, times, n * sizeof (double));
  qsort (sorted, n, sizeof (double), cmp_double);
  double median = n % 2 ? sorted[n / 2]
      : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  int p90 = (9 * n + 9) / 10 - 1;     /* nearest rank: ceil (0.9 n) - 1 */
  printf ("median_ms=%.4f p90_ms=%.4f runs=%d\n", median, sorted[p90], n);
  printf ("times_ms=");
  for (int i = 0; i < n; i++)
    printf ("%s%.4f", i ? "," : "", times[i]);
  printf ("\n");
  free (sorted);
}

/* One run with the input written first (untimed), as a video element does
 * per frame: the session may reuse the input buffer for activations during
 * a run. Returns the run's wall time in ms, or -1 on failure. */
static double
one_run (CnnSession *session, const float *input, size_t numel)
{
  CnnStatus st = cnn_session_set_input (session, 0, input,
      numel * sizeof (float));
  double t0 = now_ms ();
  if (st == CNN_OK)
    st = cnn_session_run (session);
  double t1 = now_ms ();
  if (st != CNN_OK) {
    fprintf (stderr, "cnn-bench: run: %s\n", cnn_session_last_error (session));
    return -1;
  }
  return t1 - t0;
}

/* Warm-up (at least W runs and WARMUP_MS of wall time, as ort_bench.js:
 * OpenBLAS's idle worker spins for about 70 ms after it loads) then the
 * timed runs; returns 1 on success. *cpu_ms_out: CPU time of the whole
 * process (all threads) per timed run, input copies included. */
#define WARMUP_MS 300.0

static int
time_runs (CnnSession *session, const BenchArgs *a, const float *input,
    size_t numel, double *times, double *cpu_ms_out)
{
  double start = now_ms ();
  for (int i = 0; i < a->warmup || now_ms () - start < WARMUP_MS; i++)
    if (one_run (session, input, numel) < 0)
      return 0;
  double cpu0 = clock_ms (CLOCK_PROCESS_CPUTIME_ID);
  for (int i = 0; i < a->bench; i++)
    if ((times[i] = one_run (session, input, numel)) < 0)
      return 0;
  *cpu_ms_out = (clock_ms (CLOCK_PROCESS_CPUTIME_ID) - cpu0) / a->bench;
  return 1;
}

int
main (int argc, char **argv)
{
  double start_rss = proc_status_mb ("VmRSS");
  BenchArgs a;
  int rc = parse_args (argc, argv, &a);
  if (rc)
    return rc;

  CnnError err;
  CnnModel *model = NULL;
  CnnSession *session = NULL;
  double *times = NULL;
  float *input = NULL;
  CnnTensorInfo info;
  double t0 = now_ms ();
  rc = 1;
  if (cnn_model_load_file (a.model, NULL, &model, &err) != CNN_OK) {
    fprintf (stderr, "cnn-bench: %s: %s\n", a.model, err.message);
    goto out;
  }
  CnnSessionOptions so;
  cnn_session_options_init (&so);
  so.threads = a.threads;
  if (cnn_session_new (model, &so, &session, &err) != CNN_OK) {
    fprintf (stderr, "cnn-bench: session: %s\n", err.message);
    goto out;
  }
  double load_ms = now_ms () - t0;
  if (cnn_model_input_count (model) != 1
      || cnn_model_input_info (model, 0, NULL, &info) != CNN_OK
      || cnn_tensor_info_numel (&info) <= 0) {
    fprintf (stderr, "cnn-bench: %s: expected one input of known shape\n", a.model);
    goto out;
  }
  size_t numel = (size_t) cnn_tensor_info_numel (&info);
  times = malloc (a.bench * sizeof (double));
  input = load_input (numel, a.input);
  double cpu_ms;
  if (!times || !input || !time_runs (session, &a, input, numel, times, &cpu_ms))
    goto out;
  if (a.output && !write_output (session, model, a.output))
    goto out;

  print_times (times, a.bench);
  printf ("cpu_ms=%.4f load_ms=%.1f weights_mb=%.2f arena_mb=%.2f "
      "peak_rss_mb=%.1f rss_mb=%.1f start_rss_mb=%.1f nodes=%zu\n", cpu_ms,
      load_ms,
      cnn_model_weight_bytes (model) / 1048576.0,
      cnn_model_arena_bytes (model, cnn_session_threads (session)) / 1048576.0,
      proc_status_mb ("VmHWM"), proc_status_mb ("VmRSS"), start_rss,
      cnn_model_node_count (model));
  rc = 0;
out:
  free (times);
  free (input);
  cnn_session_free (session);
  if (model)
    cnn_model_unref (model);
  return rc;
}
