/* tsan_glib_shim.c — tell ThreadSanitizer about GLib's futex locks.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: linked into the element test executables of a
 * -Db_sanitize=thread build only (tests/plugin/meson.build). GLib and
 * GStreamer are not built with TSan, and on Linux GLib's GMutex and GCond
 * are futex based, so TSan sees no happens-before edge through them and
 * reports every access guarded by a GMutex (GST_OBJECT_LOCK, our model
 * cache, the async worker) as a race. This file defines g_mutex_lock,
 * g_mutex_trylock, g_mutex_unlock, g_cond_wait and g_cond_wait_until; an
 * executable's symbols come first in the dynamic linker's lookup order, so
 * every call made through a PLT (from our plugin, the tests, GStreamer,
 * Pango ...) lands here. Each wrapper calls GLib's function (dlsym
 * RTLD_NEXT) and adds the edge a TSan-built GLib would have: unlock =
 * __tsan_release (mutex) then unlock; lock = lock then __tsan_acquire
 * (mutex); a wait releases before and acquires after, as it unlocks and
 * relocks. Nothing else: GCond signals carry no edge (as with pthreads,
 * the mutex does), GRecMutex and GRWLock are pthread based in GLib 2.74
 * and TSan intercepts them itself.
 *
 * The edges are per mutex, exactly as TSan's own pthread_mutex
 * interceptors make them, so accesses not ordered by one and the same
 * mutex (or by thread start/join, which TSan sees) are still reported.
 *
 * Not seen: calls inside one library (GLib and GStreamer are linked with
 * -Bsymbolic-functions, so GLib's own g_mutex_lock calls and GStreamer's
 * own gst_mini_object_unref calls skip the PLT). Hence no wrappers for
 * reference counts: they could cover only part of the calls, and the
 * element tests do not need them (each harness is driven by one thread at
 * a time; objects cross threads only at g_thread_new/g_thread_join). GSlice
 * hands memory between threads under GLib-internal locks: the tests run
 * with G_SLICE=always-malloc (test setup in tests/plugin/meson.build),
 * whose malloc/free TSan intercepts. Real pipelines (GstAtomicQueue,
 * GThreadPool, GstBus) stay invisible; they are not run under TSan.
 * Suppressions: at the end of this file.
 */
#include <glib.h>

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>
#include <stdio.h>
#include <stdlib.h>

/* GLib's definition of name (the next one after this executable). */
static void *
real_symbol (void **slot, const char *name)
{
  void *fn = __atomic_load_n (slot, __ATOMIC_ACQUIRE);

  if (fn == NULL) {
    fn = dlsym (RTLD_NEXT, name);
    if (fn == NULL) {
      fprintf (stderr, "tsan_glib_shim: no %s after the executable\n", name);
      abort ();
    }
    __atomic_store_n (slot, fn, __ATOMIC_RELEASE);
  }
  return fn;
}

#define REAL(name) \
  static void *name##_slot; \
  __typeof__ (name) *real_##name = \
      (__typeof__ (name) *) real_symbol (&name##_slot, #name)

void
g_mutex_lock (GMutex * mutex)
{
  REAL (g_mutex_lock);

  real_g_mutex_lock (mutex);
  __tsan_acquire (mutex);
}

gboolean
g_mutex_trylock (GMutex * mutex)
{
  REAL (g_mutex_trylock);
  gboolean locked = real_g_mutex_trylock (mutex);

  if (locked)
    __tsan_acquire (mutex);
  return locked;
}

void
g_mutex_unlock (GMutex * mutex)
{
  REAL (g_mutex_unlock);

  __tsan_release (mutex);
  real_g_mutex_unlock (mutex);
}

void
g_cond_wait (GCond * cond, GMutex * mutex)
{
  REAL (g_cond_wait);

  __tsan_release (mutex);
  real_g_cond_wait (cond, mutex);
  __tsan_acquire (mutex);
}

gboolean
g_cond_wait_until (GCond * cond, GMutex * mutex, gint64 end_time)
{
  REAL (g_cond_wait_until);
  gboolean signalled;

  __tsan_release (mutex);
  signalled = real_g_cond_wait_until (cond, mutex, end_time);
  __tsan_acquire (mutex);
  return signalled;
}

/* Built-in suppressions (TSan reads them at start; TSAN_OPTIONS
 * suppressions=FILE adds to them).
 *
 * race:libfontconfig.so.1 — Pango runs FcInit () on a thread of its own
 * ("[pango] FcInit") and fontconfig publishes its configuration through
 * its own uninstrumented atomics (fc_atomic_ptr_cmpexch), so the strings,
 * mutexes and mmap'ed cache files it makes on that thread and reads later
 * on the streaming thread look unsynchronised. Matches only data races in
 * which a racing access, the memory's allocation or a thread's creation
 * has a libfontconfig frame (the library is stripped: no function name to
 * give). Our code never calls fontconfig (only Pango does, for the
 * overlay) and fontconfig starts no threads, so no race between two of
 * our own accesses on our own memory can match. */
const char *__tsan_default_suppressions (void);

const char *
__tsan_default_suppressions (void)
{
  return "race:libfontconfig.so.1\n";
}
