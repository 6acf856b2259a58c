/* threadpool.c — persistent pthread pool, one per session (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract (see threadpool.h): a pool of n threads is n - 1 workers plus
 * the caller. cnn_parallel_for cuts [0, n) into grains of contiguous items
 * and publishes the job; the caller and every awake worker then claim
 * grains from a shared ticket until none is left (at two threads first
 * each end's half of an even count, see take_now; then a share of what is
 * left per claim, down to one), so a
 * worker that is descheduled or still asleep simply claims fewer grains
 * and nobody waits for it unless it holds one. The caller claims from the
 * front, the workers from the back: at two threads each keeps about the
 * same half of every layer (rows or positions, in the order the kernels
 * cut them), so a layer mostly reads what the same core wrote in the
 * layer before. On this VM, in phases where a cache line takes 350 ns
 * instead of 70 to cross between the two vCPUs, that made MobileNetV2
 * 0.86-0.90x and ResNet-18 0.97x the time of claiming in one order; in
 * the normal phases it is neutral (ResNet-18 1.00, ResNet-50 1.00,
 * SqueezeNet 1.00, MobileNetV2 0.98). The call returns when
 * every grain is done. Which thread runs a grain, and with which
 * neighbouring grains in one call of fn, changes from run to run; what fn
 * computes for an item does not (fn gets the thread index only to pick
 * its scratch), so results do not depend on the thread count or timing.
 *
 * The ticket is one 64-bit atomic: job generation (high 32 bits) and the
 * unclaimed grains [front, back) (16 bits each; at most MAX_GRAINS grains).
 * A thread reads the job's fields after loading the ticket and claims
 * grains with a compare-and-swap of the whole ticket. Each thread adds
 * the grains it ran to the job's done count once, when none is left to
 * claim, so the count's cache line moves once per thread and job.
 * Before writing a new job's fields the caller retires the old ticket
 * (next generation, no grain left), so a successful swap proves that the
 * ticket did not change since the load, hence that the fields read belong
 * to that ticket's job (without the retirement a thread holding the
 * exhausted ticket of the last job could claim a grain of the next one
 * with the new fields: a grain run twice).
 * Waiting (a worker for a job, the caller for the last grains) first spins
 * for a bounded time (CNN_POOL_SPIN polls, tens of microseconds), then
 * sleeps on a condition variable; the other side signals only when a
 * sleeper is registered (sequentially consistent flag and value, so a
 * wake-up cannot be lost). Back-to-back layers hand over in well under a
 * microsecond; an idle session uses no CPU. Nothing is allocated per
 * call. A pool is driven by one thread at a time and fn must not call
 * cnn_parallel_for on the same pool (no nesting). cnn_threadpool_free
 * stops and joins the workers.
 */
#include "threadpool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause ()
#else
#define cpu_relax() ((void) 0)
#endif

/* Polls before a waiting thread goes to sleep (~30-60 us on x86). */
#define CNN_POOL_SPIN 2000

/* Polls a worker woken by cnn_threadpool_wake spends waiting for the job
 * before it sleeps again (~2-3 ms on x86: longer than a video element's
 * preprocessing of a 1080p frame). */
#define CNN_POOL_WAKE_SPIN 150000

/* Grains per thread a job is cut into (at least min_chunk items each):
 * enough that a late thread's share is picked up by the others. */
#define CNN_POOL_GRAINS_PER_THREAD 4

typedef struct {
  CnnThreadPool *pool;
  int index;                    /* 1 .. n - 1 */
} Worker;

struct CnnThreadPool {
  int n_threads;
  int n_started;                /* workers actually running */
  pthread_t *threads;           /* n_threads - 1 */
  Worker *workers;
  pthread_mutex_t mutex;
  pthread_cond_t work_cond;     /* new job or stop */
  pthread_cond_t done_cond;     /* last grain done */
  atomic_bool stop;
  atomic_int sleepers;          /* workers waiting on work_cond */
  atomic_int wake_seq;          /* cnn_threadpool_wake calls */
  atomic_int job_wake;          /* wake_seq when the current job came */
  atomic_bool used;             /* a job came since the last wake */
  atomic_bool caller_waiting;   /* caller waiting on done_cond */
  _Atomic uint64_t ticket;      /* generation << 32 | front << 16 | back */
  atomic_int_fast64_t done;     /* grains finished in this job */
  /* the current job (written before the ticket publishes it) */
  _Atomic (CnnParallelFn) fn;
  _Atomic (void *) ctx;
  atomic_int_fast64_t n_items, grain, n_grains;
};

static uint32_t
ticket_gen (uint64_t t)
{
  return (uint32_t) (t >> 32);
}

/* Grains not yet claimed are [front, back). */
#define TICKET_FRONT(t) ((int64_t) (((t) >> 16) & 0xffffu))
#define TICKET_BACK(t) ((int64_t) ((t) & 0xffffu))
#define MAX_GRAINS 0xffff

/* Grains one claim takes: a share of what is left (at least one), so
 * that a job costs a few swaps of the shared ticket instead of one per
 * grain (each swap moves the ticket's cache line between cores: 450 ns
 * on a VM in its slow phases) while the last grains still go one by one
 * to whichever thread is free. */
static int64_t
claim_size (int64_t left, int n_threads)
{
  return (left + 2 * (int64_t) n_threads - 1) / (2 * (int64_t) n_threads);
}

/* Adds the grains this thread finished to the job's count, once per job
 * and thread, and wakes the caller if it waits for the last of them. */
static void
finish_grains (CnnThreadPool *pool, int64_t finished, int64_t grains)
{
  if (finished == 0)
    return;
  if (atomic_fetch_add (&pool->done, finished) + finished == grains
      && atomic_load (&pool->caller_waiting)) {
    pthread_mutex_lock (&pool->mutex);
    pthread_cond_signal (&pool->done_cond);
    pthread_mutex_unlock (&pool->mutex);
  }
}

/* Grains to take now for thread `thread` from the unclaimed [front,
 * back) of a job of `grains`: with two threads and an even number of
 * grains the first claim at each end is that end's half (the caller's
 * from the front, the worker's from the back), so that layers whose items
 * are ordered by position give each core the same half of the positions
 * and find their input in its own cache, and a job costs two claims of
 * the ticket; every later claim, and every claim of an odd count (3
 * grains would be 1 against 2) or at other thread counts, takes
 * claim_size. A worker that comes late finds the caller already in its
 * half (the caller claims first and, done with its half, takes shares of
 * the rest); one descheduled after taking its half holds the caller up
 * longer than a share would. Measured on the Intel Xeon VM, where a line
 * written by one vCPU costs the other far more than a local one: see the
 * README's performance section. */
static int64_t
take_now (const CnnThreadPool *pool, int thread, int64_t front,
    int64_t back, int64_t grains)
{
  int64_t half = grains / 2;
  if (pool->n_threads == 2 && grains % 2 == 0 && back - front >= half) {
    if (thread == 0 && front == 0)
      return half;
    if (thread != 0 && back == grains)
      return half;
  }
  return claim_size (back - front, pool->n_threads);
}

/* Claims and runs grains of job generation gen until none is left: the
 * caller (thread 0) from the front, workers from the back, several at a
 * time while many are left (take_now). */
static void
run_grains (CnnThreadPool *pool, uint32_t gen, int thread)
{
  int64_t finished = 0, grains = 0;
  for (;;) {
    uint64_t t = atomic_load_explicit (&pool->ticket, memory_order_acquire);
    if (ticket_gen (t) != gen)
      break;
    CnnParallelFn fn = atomic_load_explicit (&pool->fn, memory_order_acquire);
    void *ctx = atomic_load_explicit (&pool->ctx, memory_order_acquire);
    int64_t n = atomic_load_explicit (&pool->n_items, memory_order_acquire);
    int64_t grain = atomic_load_explicit (&pool->grain, memory_order_acquire);
    grains = atomic_load_explicit (&pool->n_grains, memory_order_acquire);
    int64_t front = TICKET_FRONT (t), back = TICKET_BACK (t), first;
    if (front >= back)
      break;
    int64_t take = take_now (pool, thread, front, back, grains);
    uint64_t next;
    if (thread == 0) {
      first = front;
      next = t + ((uint64_t) take << 16);
    } else {
      first = back - take;
      next = t - (uint64_t) take;
    }
    if (!atomic_compare_exchange_weak_explicit (&pool->ticket, &t, next,
            memory_order_acq_rel, memory_order_relaxed))
      continue;
    int64_t begin = first * grain, end = (first + take) * grain;
    fn (ctx, begin, end < n ? end : n, thread);
    finished += take;
  }
  finish_grains (pool, finished, grains);
}

/* Waits until the ticket's generation differs from seen (or stop);
 * returns the new generation. Polls CNN_POOL_SPIN times, then sleeps; a
 * cnn_threadpool_wake call the worker has not seen yet (*seq: the wake
 * count it saw last, updated here) starts CNN_POOL_WAKE_SPIN polls, also
 * one made while it finished its last job. */
static uint32_t
wait_for_job (CnnThreadPool *pool, uint32_t seen, int *seq)
{
  int now = atomic_load (&pool->wake_seq);
  int spin = now != *seq ? CNN_POOL_WAKE_SPIN : CNN_POOL_SPIN;
  uint32_t gen;
  *seq = now;
  for (;;) {
    for (int i = 0; i < spin; i++) {
      uint64_t t = atomic_load_explicit (&pool->ticket, memory_order_acquire);
      if (ticket_gen (t) != seen || atomic_load_explicit (&pool->stop,
              memory_order_relaxed)) {
        gen = ticket_gen (t);
        goto out;
      }
      now = atomic_load_explicit (&pool->wake_seq, memory_order_relaxed);
      if (now != *seq) {
        *seq = now;
        spin = CNN_POOL_WAKE_SPIN;
        i = 0;
      }
      cpu_relax ();
    }
    pthread_mutex_lock (&pool->mutex);
    atomic_fetch_add (&pool->sleepers, 1);
    while (ticket_gen (atomic_load (&pool->ticket)) == seen
        && !atomic_load (&pool->stop) && atomic_load (&pool->wake_seq) == *seq)
      pthread_cond_wait (&pool->work_cond, &pool->mutex);
    atomic_fetch_sub (&pool->sleepers, 1);
    pthread_mutex_unlock (&pool->mutex);
    gen = ticket_gen (atomic_load (&pool->ticket));
    if (gen != seen || atomic_load (&pool->stop))
      break;
    *seq = atomic_load (&pool->wake_seq);
    spin = CNN_POOL_WAKE_SPIN;
  }
out:
  /* wakes made before the job came were for it */
  *seq = atomic_load (&pool->job_wake);
  return gen;
}

static void *
worker_main (void *arg)
{
  Worker *w = arg;
  CnnThreadPool *pool = w->pool;
  uint32_t seen = 0;
  int seq = 0;
  for (;;) {
    seen = wait_for_job (pool, seen, &seq);
    if (atomic_load (&pool->stop))
      break;
    run_grains (pool, seen, w->index);
  }
  return NULL;
}

static void
stop_workers (CnnThreadPool *pool)
{
  pthread_mutex_lock (&pool->mutex);
  atomic_store (&pool->stop, true);
  pthread_cond_broadcast (&pool->work_cond);
  pthread_mutex_unlock (&pool->mutex);
  for (int i = 0; i < pool->n_started; i++)
    pthread_join (pool->threads[i], NULL);
  pool->n_started = 0;
}

CnnThreadPool *
cnn_threadpool_new (int n_threads)
{
  if (n_threads < 1)
    return NULL;
  CnnThreadPool *pool = calloc (1, sizeof *pool);
  if (!pool)
    return NULL;
  pool->n_threads = n_threads;
  atomic_init (&pool->used, true);
  if (n_threads > 1) {
    pool->threads = calloc ((size_t) n_threads - 1, sizeof (pthread_t));
    pool->workers = calloc ((size_t) n_threads - 1, sizeof (Worker));
    if (!pool->threads || !pool->workers) {
      free (pool->threads);
      free (pool->workers);
      free (pool);
      return NULL;
    }
  }
  pthread_mutex_init (&pool->mutex, NULL);
  pthread_cond_init (&pool->work_cond, NULL);
  pthread_cond_init (&pool->done_cond, NULL);
  for (int i = 0; i < n_threads - 1; i++) {
    pool->workers[i].pool = pool;
    pool->workers[i].index = i + 1;
    if (pthread_create (&pool->threads[i], NULL, worker_main,
            &pool->workers[i]) != 0) {
      cnn_threadpool_free (pool);
      return NULL;
    }
    pool->n_started++;
  }
  return pool;
}

void
cnn_threadpool_free (CnnThreadPool *pool)
{
  if (!pool)
    return;
  stop_workers (pool);
  pthread_cond_destroy (&pool->done_cond);
  pthread_cond_destroy (&pool->work_cond);
  pthread_mutex_destroy (&pool->mutex);
  free (pool->threads);
  free (pool->workers);
  free (pool);
}

int
cnn_threadpool_size (const CnnThreadPool *pool)
{
  return pool ? pool->n_threads : 1;
}

/* A worker asleep when a run starts joins its first job tens of
 * microseconds late (a futex wake, on a VM an interrupt to the other
 * vCPU): SqueezeNet's first layer at two threads took 0.34 ms instead of
 * 0.30. Called ahead of the job (cnn_session_set_input, or a caller that
 * writes the input in place), the wake overlaps the input's writing. */
void
cnn_threadpool_wake (CnnThreadPool *pool)
{
  /* no job since the last wake: the caller's runs use no worker (a small
   * network), and waking would only make the workers poll for nothing */
  if (!pool || pool->n_threads < 2 || !atomic_exchange (&pool->used, false))
    return;
  atomic_fetch_add (&pool->wake_seq, 1);
  if (atomic_load (&pool->sleepers) > 0) {
    pthread_mutex_lock (&pool->mutex);
    pthread_cond_broadcast (&pool->work_cond);
    pthread_mutex_unlock (&pool->mutex);
  }
}

int
cnn_threadpool_sleepers (const CnnThreadPool *pool)
{
  return pool ? atomic_load (&((CnnThreadPool *) pool)->sleepers) : 0;
}

/* Caller: waits until all grains of the current job are done. */
static void
wait_for_grains (CnnThreadPool *pool, int64_t grains)
{
  for (int i = 0; i < CNN_POOL_SPIN; i++) {
    if (atomic_load_explicit (&pool->done, memory_order_acquire) == grains)
      return;
    cpu_relax ();
  }
  pthread_mutex_lock (&pool->mutex);
  atomic_store (&pool->caller_waiting, true);
  while (atomic_load (&pool->done) != grains)
    pthread_cond_wait (&pool->done_cond, &pool->mutex);
  atomic_store (&pool->caller_waiting, false);
  pthread_mutex_unlock (&pool->mutex);
}

void
cnn_parallel_for (CnnThreadPool *pool, int64_t n, int64_t min_chunk,
    CnnParallelFn fn, void *ctx)
{
  if (n <= 0)
    return;
  if (min_chunk < 1)
    min_chunk = 1;
  int k = cnn_threadpool_size (pool);
  int64_t grain = (n + (int64_t) k * CNN_POOL_GRAINS_PER_THREAD - 1)
      / ((int64_t) k * CNN_POOL_GRAINS_PER_THREAD);
  grain = grain < min_chunk ? min_chunk : grain;
  if ((n + grain - 1) / grain > MAX_GRAINS)
    grain = (n + MAX_GRAINS - 1) / MAX_GRAINS;
  int64_t grains = (n + grain - 1) / grain;
  if (k <= 1 || grains <= 1) {
    fn (ctx, 0, n, 0);
    return;
  }
  /* Retire the last job first (a new generation with no grain left), so
   * that no thread still holding its exhausted ticket can claim a grain
   * with the fields written next; then publish the new job. */
  uint32_t gen = ticket_gen (atomic_load (&pool->ticket)) + 2;
  atomic_store (&pool->ticket, (uint64_t) (gen - 1) << 32);
  atomic_store (&pool->fn, fn);
  atomic_store (&pool->ctx, ctx);
  atomic_store (&pool->n_items, n);
  atomic_store (&pool->grain, grain);
  atomic_store (&pool->n_grains, grains);
  atomic_store (&pool->done, 0);
  atomic_store (&pool->job_wake, atomic_load (&pool->wake_seq));
  atomic_store (&pool->used, true);
  atomic_store (&pool->ticket, (uint64_t) gen << 32 | (uint64_t) grains);
  if (atomic_load (&pool->sleepers) > 0) {
    pthread_mutex_lock (&pool->mutex);
    pthread_cond_broadcast (&pool->work_cond);
    pthread_mutex_unlock (&pool->mutex);
  }
  run_grains (pool, gen, 0);
  wait_for_grains (pool, grains);
}
