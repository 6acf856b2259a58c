/* core_latency.c — how long a cache line takes to go between two CPUs and
 * back, to tell which phase a shared VM is in while the benchmark runs.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: core-latency [ROUNDTRIPS]. Two threads, pinned to the first two
 * CPUs this process may run on, take turns incrementing one shared counter
 * (each waits until the other has written it), ROUNDTRIPS times in each of
 * 5 bursts (default 2000). Prints
 *   roundtrip_ns=<median over the bursts of ns per round trip> cpus=<a>,<b>
 * and exits 0; exits 1 with a message when fewer than two CPUs are usable.
 * Not a test: bench.py runs it before every two-thread round. On the
 * two-vCPU VMs this was written on, a round trip takes 60-70 ns most of the
 * time and about 350 ns in phases lasting seconds to minutes; in those
 * phases two cooperating threads run at about the speed of one.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { BURSTS = 5 };

typedef struct {
  _Alignas (64) atomic_long turn;       /* odd: the partner's move */
  long trips;
  int cpu;
} Shared;

static int
pin (int cpu)
{
  cpu_set_t set;
  CPU_ZERO (&set);
  CPU_SET (cpu, &set);
  return pthread_setaffinity_np (pthread_self (), sizeof set, &set);
}

static double
now_ns (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

/* The partner: answers each odd value with the next even one. */
static void *
partner (void *arg)
{
  Shared *s = arg;
  pin (s->cpu);
  for (long i = 0; i < BURSTS * s->trips; i++) {
    while (atomic_load_explicit (&s->turn, memory_order_acquire) != 2 * i + 1)
      ;
    atomic_store_explicit (&s->turn, 2 * i + 2, memory_order_release);
  }
  return NULL;
}

static int
by_value (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  static Shared s;
  cpu_set_t allowed;
  int cpus[2], n = 0;
  double per_trip[BURSTS];
  pthread_t thread;

  s.trips = argc > 1 ? atol (argv[1]) : 2000;
  if (s.trips < 1 || sched_getaffinity (0, sizeof allowed, &allowed) != 0) {
    fprintf (stderr, "usage: core-latency [ROUNDTRIPS >= 1]\n");
    return 1;
  }
  for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
    if (CPU_ISSET (c, &allowed))
      cpus[n++] = c;
  if (n < 2 || pin (cpus[0]) != 0) {
    fprintf (stderr, "core-latency: needs two usable CPUs\n");
    return 1;
  }
  s.cpu = cpus[1];
  if (pthread_create (&thread, NULL, partner, &s) != 0) {
    fprintf (stderr, "core-latency: cannot start a thread\n");
    return 1;
  }
  for (int b = 0; b < BURSTS; b++) {
    double t0 = now_ns ();
    for (long i = b * s.trips; i < (b + 1) * s.trips; i++) {
      atomic_store_explicit (&s.turn, 2 * i + 1, memory_order_release);
      while (atomic_load_explicit (&s.turn, memory_order_acquire) != 2 * i + 2)
        ;
    }
    per_trip[b] = (now_ns () - t0) / (double) s.trips;
  }
  pthread_join (thread, NULL);
  qsort (per_trip, BURSTS, sizeof per_trip[0], by_value);
  printf ("roundtrip_ns=%.0f cpus=%d,%d\n", per_trip[BURSTS / 2], cpus[0],
      cpus[1]);
  return 0;
}
