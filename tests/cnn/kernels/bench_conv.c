/* bench_conv.c — time ResNet-18's convolution layers at 1 and 2 threads.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Not a pass/fail test (built, not registered). For each layer of a
 * 224x224 ResNet-18 (the 7x7 stem, the 3x3 layers, the 1x1 downsamples)
 * and a few MobileNetV2 layers (depthwise and 1x1)
 * it runs the Conv op through one persistent pool per thread count and
 * prints the minimum time (least disturbed by other processes) with its
 * GFLOP/s, the median, and how many threads of the process
 * exist and how many were busy (used more than 10% of the wall time,
 * from /proc/self/task/<tid>/stat) during the runs, which shows that
 * OpenBLAS adds no busy threads of its own.
 *   usage: bench-conv [runs]   (default 20)
 */
#include "kernels/gemm.h"
#include "op_harness.h"
#include "test_clock.h"

#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

typedef struct {
  const char *name;
  int64_t c, hw, oc, k, stride, group;
} Layer;

static const Layer layers[] = {
  { "stem 7x7/2 3->64 @224", 3, 224, 64, 7, 2, 1 },
  { "3x3 64->64 @56", 64, 56, 64, 3, 1, 1 },
  { "3x3/2 64->128 @56", 64, 56, 128, 3, 2, 1 },
  { "3x3 128->128 @28", 128, 28, 128, 3, 1, 1 },
  { "3x3/2 128->256 @28", 128, 28, 256, 3, 2, 1 },
  { "3x3 256->256 @14", 256, 14, 256, 3, 1, 1 },
  { "3x3/2 256->512 @14", 256, 14, 512, 3, 2, 1 },
  { "3x3 512->512 @7", 512, 7, 512, 3, 1, 1 },
  { "1x1/2 256->512 @14", 256, 14, 512, 1, 2, 1 },
  { "1x1 512->512 @7", 512, 7, 512, 1, 1, 1 },
  /* MobileNetV2 */
  { "mnv2 dw3x3 32 @112", 32, 112, 32, 3, 1, 32 },
  { "mnv2 dw3x3/2 96 @112", 96, 112, 96, 3, 2, 96 },
  { "mnv2 dw3x3 144 @56", 144, 56, 144, 3, 1, 144 },
  { "mnv2 dw3x3 960 @7", 960, 7, 960, 3, 1, 960 },
  { "mnv2 1x1 16->96 @112", 16, 112, 96, 1, 1, 1 },
  { "mnv2 1x1 960->160 @7", 960, 7, 160, 1, 1, 1 },
};

/* CPU ticks (utime + stime) of each thread; returns the thread count. */
static int
thread_ticks (long *ticks, int max)
{
  DIR *dir = opendir ("/proc/self/task");
  int n = 0;
  struct dirent *e;
  while (dir && (e = readdir (dir)) && n < max) {
    if (e->d_name[0] == '.')
      continue;
    char path[300];
    snprintf (path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
    FILE *f = fopen (path, "r");
    if (!f)
      continue;
    char buf[1024];
    size_t len = fread (buf, 1, sizeof buf - 1, f);
    fclose (f);
    buf[len] = '\0';
    char *p = strrchr (buf, ')');
    long ut = 0, st = 0;
    /* fields after the command: state ppid ... utime(14) stime(15) */
    if (p && sscanf (p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
            "%ld %ld", &ut, &st) == 2)
      ticks[n++] = ut + st;
  }
  if (dir)
    closedir (dir);
  return n;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
bench_layer (const Layer *l, int threads, CnnThreadPool *pool, int runs)
{
  CnnGraph gr;
  cnn_graph_init (&gr);
  int64_t xd[4] = { 1, l->c, l->hw, l->hw };
  int64_t wd[4] = { l->oc, l->c / l->group, l->k, l->k };
  int64_t bd[1] = { l->oc };
  float *w = h_rand_array ((size_t) (l->oc * wd[1] * l->k * l->k), 1);
  float *b = h_rand_array ((size_t) l->oc, 2);
  int in[3] = { h_value (&gr, "X", CNN_VALUE_INPUT, 4, xd, NULL),
    h_value (&gr, "W", CNN_VALUE_CONST, 4, wd, w),
    h_value (&gr, "B", CNN_VALUE_CONST, 1, bd, b) };
  int yv = h_value (&gr, "Y", CNN_VALUE_ACT, 0, NULL, NULL);
  int ni = h_node (&gr, cnn_ops_conv, "Conv", 3, in, 1, &yv);
  int64_t pad = l->k / 2, pads[4] = { pad, pad, pad, pad };
  int64_t strides[2] = { l->stride, l->stride };
  h_attr_ints (&gr.nodes[ni], "pads", 4, pads);
  h_attr_ints (&gr.nodes[ni], "strides", 2, strides);
  h_attr_int (&gr.nodes[ni], "group", l->group);
  gr.nodes[ni].act.kind = CNN_ACT_RELU;
  CnnDiag d;
  if (h_prepare (&gr, ni, &d) != CNN_OK) {
    fprintf (stderr, "%s: %s\n", l->name, d.message);
    exit (1);
  }
  size_t nx = (size_t) (l->c * l->hw * l->hw), ny = h_numel (&gr, yv);
  float *x = h_rand_array (nx, 3), *y = malloc (ny * 4);
  void *ptr[4] = { x, w, b, y };
  CnnNode *node = &gr.nodes[ni];
  size_t sb = node->op->scratch_bytes (&gr, node, threads);
  void *scratch = sb ? aligned_alloc (64, (sb + 63) / 64 * 64) : NULL;
  CnnExec exec = { ptr, scratch, sb, pool, threads };
  node->op->run (&gr, node, &exec, &d); /* warm-up */
  long t0[64], t1[64];
  int n0 = thread_ticks (t0, 64);
  double *ms = malloc (sizeof (double) * (size_t) runs);
  double wall = test_now_us ();
  for (int r = 0; r < runs; r++) {
    double s = test_now_us ();
    node->op->run (&gr, node, &exec, &d);
    ms[r] = (test_now_us () - s) / 1e3;
  }
  wall = (test_now_us () - wall) / 1e3;
  int n1 = thread_ticks (t1, 64), busy = 0;
  long hz = sysconf (_SC_CLK_TCK);
  for (int i = 0; i < n1 && i < n0; i++)
    busy += (t1[i] - t0[i]) * 1000.0 / hz > 0.1 * wall;
  qsort (ms, (size_t) runs, sizeof (double), cmp_double);
  double flop = 2.0 * (double) ny * (double) (wd[1] * l->k * l->k);
  printf ("%-24s threads %d  min %7.3f ms (%6.1f GFLOP/s)  median %7.3f ms"
      "  process threads %d, busy %d\n", l->name, threads, ms[0],
      flop / ms[0] / 1e6, ms[runs / 2], n1, busy);
  free (ms);
  free (scratch);
  free (x);
  free (y);
  free (w);
  free (b);
  cnn_graph_clear (&gr);
}

int
main (int argc, char **argv)
{
  int runs = argc > 1 ? atoi (argv[1]) : 20;
  if (runs < 1)
    runs = 1;
  const char *why = cnn_blas_load ();
  if (why) {
    fprintf (stderr, "bench_conv: %s\n", why);
    return 1;
  }
  for (int threads = 1; threads <= 2; threads++) {
    CnnThreadPool *pool = threads > 1 ? cnn_threadpool_new (threads) : NULL;
    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++)
      bench_layer (&layers[i], threads, pool, runs);
    cnn_threadpool_free (pool);
  }
  return 0;
}
