/* cnnposter.c — post result messages, coalescing the bus wake-ups of fast
 * streams.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnposter.h. One lock guards the held records, the timer
 * and the time of the last post; messages are built and posted with it
 * released. Only one thread at a time posts held results (the "drainer"):
 * it swaps the held buffer for the spare one and keeps going until nothing
 * is held, so results held while it posts follow in order. The poster is
 * reference counted: the element owns one reference and a pending timer
 * another, so a timer that fires while the element frees the poster finds
 * it alive. The element is touched only while results are held, that is
 * while it streams.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cnnposter.h"

struct _CnnPoster
{
  gint refs;
  GMutex lock;
  GCond drained;                /* signalled when the drainer is done */
  GstElement *element;          /* not owned */
  GstClock *clock;              /* the system clock */
  GByteArray *held;             /* CnnResultRecords, oldest first, each
                                 * CNN_RESULT_RECORD_SIZE bytes */
  GByteArray *spare;            /* empty; NULL while a drainer has it */
  GstClockID timer;             /* pending one-shot, or NULL */
  GstClockTime timer_at;        /* its time */
  GstClockTime last_post;       /* clock time of the last post, or NONE */
  GThread *drainer;             /* thread posting held results, or NULL */
};

CnnPoster *
cnn_poster_new (GstElement * element)
{
  CnnPoster *p = g_new0 (CnnPoster, 1);

  p->refs = 1;
  g_mutex_init (&p->lock);
  g_cond_init (&p->drained);
  p->element = element;
  p->clock = gst_system_clock_obtain ();
  p->held = g_byte_array_new ();
  p->spare = g_byte_array_new ();
  p->last_post = GST_CLOCK_TIME_NONE;
  return p;
}

static void
poster_unref (gpointer data)
{
  CnnPoster *p = data;

  if (!g_atomic_int_dec_and_test (&p->refs))
    return;
  g_byte_array_unref (p->held);
  if (p->spare != NULL)
    g_byte_array_unref (p->spare);
  g_cond_clear (&p->drained);
  g_mutex_clear (&p->lock);
  gst_object_unref (p->clock);
  g_free (p);
}

static void
post_record (GstElement * element, const CnnResultRecord * record)
{
  gst_element_post_message (element,
      cnn_result_record_message (GST_OBJECT (element), record));
}

/* Posts every held result, oldest first, in one message per batch, the
 * lock released while posting.
 * Waits for another thread's drain to end first; returns at once when this
 * thread is already draining (a flush from inside a post). Called and
 * returns with the lock held. */
static void
drain_locked (CnnPoster * p)
{
  GThread *self = g_thread_self ();

  if (p->drainer == self)
    return;
  while (p->drainer != NULL)
    g_cond_wait (&p->drained, &p->lock);
  p->drainer = self;
  while (p->held->len > 0) {
    GByteArray *batch = p->held;

    p->held = p->spare;
    p->spare = NULL;
    p->last_post = gst_clock_get_time (p->clock);
    g_mutex_unlock (&p->lock);
    /* one message, so one wake-up of the bus's reader, for the batch;
     * element is NULL only when a post made this thread free the poster */
    if (p->element != NULL)
      gst_element_post_message (p->element,
          cnn_result_records_message (GST_OBJECT (p->element), batch->data,
              batch->len));
    g_byte_array_set_size (batch, 0);
    g_mutex_lock (&p->lock);
    p->spare = batch;
  }
  p->drainer = NULL;
  g_cond_broadcast (&p->drained);
}

static gboolean
on_timer (GstClock * clock, GstClockTime time, GstClockID id, gpointer data)
{
  CnnPoster *p = data;

  g_mutex_lock (&p->lock);
  if (p->timer == id) {
    gst_clock_id_unref (p->timer);
    p->timer = NULL;
  }
  drain_locked (p);
  g_mutex_unlock (&p->lock);
  return TRUE;
}

/* Arms the timer for last_post + interval unless a drain is under way (it
 * posts the held results anyway) or the timer is armed for that time or
 * sooner; an interval made shorter re-arms it. Without a timer, posts the
 * held results now. */
static void
schedule_locked (CnnPoster * p, GstClockTime interval)
{
  GstClockTime at = p->last_post + interval;

  if (p->drainer != NULL || (p->timer != NULL && p->timer_at <= at))
    return;
  if (p->timer != NULL) {
    gst_clock_id_unschedule (p->timer);
    gst_clock_id_unref (p->timer);
  }
  p->timer = gst_clock_new_single_shot_id (p->clock, at);
  p->timer_at = at;
  g_atomic_int_inc (&p->refs);  /* the timer's, dropped when it is freed */
  if (gst_clock_id_wait_async (p->timer, on_timer, p, poster_unref)
      != GST_CLOCK_OK) {
    gst_clock_id_unref (p->timer);
    p->timer = NULL;
    drain_locked (p);
  }
}

void
cnn_poster_post (CnnPoster * p, const CnnResultRecord * record,
    GstClockTime interval)
{
  GstClockTime now;
  gboolean due;

  g_mutex_lock (&p->lock);
  /* at 0, posted from here, after what is held (a drain signals its
   * condition variable: only when there is something to drain or wait for) */
  if (interval == 0 && (p->held->len > 0 || p->drainer != NULL))
    drain_locked (p);
  now = gst_clock_get_time (p->clock);
  due = interval == 0 || !GST_CLOCK_TIME_IS_VALID (p->last_post)
      || now >= p->last_post + interval;
  if (due && p->held->len == 0 && p->drainer == NULL) {
    p->last_post = now;
    g_mutex_unlock (&p->lock);
    post_record (p->element, record);
    return;
  }
  /* held, also when due: the timer thread builds and posts the messages */
  g_byte_array_append (p->held, (const guint8 *) record,
      CNN_RESULT_RECORD_SIZE (record));
  schedule_locked (p, interval);
  g_mutex_unlock (&p->lock);
}

void
cnn_poster_flush (CnnPoster * p)
{
  g_mutex_lock (&p->lock);
  drain_locked (p);
  g_mutex_unlock (&p->lock);
}

void
cnn_poster_free (CnnPoster * p)
{
  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  while (p->drainer != NULL && p->drainer != g_thread_self ())
    g_cond_wait (&p->drained, &p->lock);
  g_byte_array_set_size (p->held, 0);
  if (p->timer != NULL) {
    gst_clock_id_unschedule (p->timer);
    gst_clock_id_unref (p->timer);
    p->timer = NULL;
  }
  p->element = NULL;
  g_mutex_unlock (&p->lock);
  poster_unref (p);
}
