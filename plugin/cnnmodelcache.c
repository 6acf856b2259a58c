/* cnnmodelcache.c — process-wide, reference-counted cache of loaded models.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see cnnmodelcache.h. The cache holds one CnnModel reference
 * per entry and counts its users; each user holds a reference of its own.
 * A handful of models per process is the expected size, so entries live in
 * a plain list searched linearly under one mutex.
 */
#include "cnnmodelcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  gchar *real_path;
  dev_t dev;
  ino_t ino;
  off_t size;
  gint64 mtime_ns;
  CnnModel *model;              /* the cache's own reference */
  guint users;
} CacheEntry;

static GMutex cache_lock;
static GList *cache_entries;    /* of CacheEntry, guarded by cache_lock */

static void
set_error (CnnError * err, CnnStatus status, const gchar * format, ...)
    G_GNUC_PRINTF (3, 4);

static void
set_error (CnnError * err, CnnStatus status, const gchar * format, ...)
{
  va_list args;

  if (err == NULL)
    return;
  err->status = status;
  va_start (args, format);
  g_vsnprintf (err->message, sizeof err->message, format, args);
  va_end (args);
}

/* Fills the identity of the file at path; FALSE with err set when it
 * cannot be resolved or stat'ed. */
static gboolean
file_identity (const gchar * path, CacheEntry * key, CnnError * err)
{
  struct stat st;
  char *real = realpath (path, NULL);

  if (real == NULL) {
    set_error (err, CNN_ERR_IO, "cannot open '%s': %s", path,
        g_strerror (errno));
    return FALSE;
  }
  if (stat (real, &st) != 0 || !S_ISREG (st.st_mode)) {
    set_error (err, CNN_ERR_IO, "'%s' is not a readable regular file", path);
    free (real);
    return FALSE;
  }
  key->real_path = g_strdup (real);
  free (real);
  key->dev = st.st_dev;
  key->ino = st.st_ino;
  key->size = st.st_size;
  key->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
      + st.st_mtim.tv_nsec;
  return TRUE;
}

static gboolean
same_file (const CacheEntry * a, const CacheEntry * b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
      a->mtime_ns == b->mtime_ns && strcmp (a->real_path, b->real_path) == 0;
}

/* Called with cache_lock held. */
static CacheEntry *
find_entry (const CacheEntry * key)
{
  for (GList * l = cache_entries; l != NULL; l = l->next) {
    CacheEntry *e = l->data;
    if (same_file (e, key))
      return e;
  }
  return NULL;
}

CnnStatus
cnn_model_cache_acquire (const gchar * path, guint64 max_memory_bytes,
    CnnModel ** model_out, CnnError * err)
{
  CnnModelOptions opts;
  CacheEntry key = { 0 }, *entry;
  CnnStatus status = CNN_OK;
  CnnModel *model = NULL;

  if (model_out == NULL || path == NULL) {
    set_error (err, CNN_ERR_ARGUMENT, "no model path");
    return CNN_ERR_ARGUMENT;
  }
  *model_out = NULL;
  if (!file_identity (path, &key, err))
    return CNN_ERR_IO;

  g_mutex_lock (&cache_lock);
  entry = find_entry (&key);
  if (entry == NULL) {
    /* the path as given: external data is looked up beside it */
    cnn_model_options_init (&opts);
    opts.max_memory_bytes = max_memory_bytes;
    status = cnn_model_load_file (path, &opts, &model, err);
    if (status == CNN_OK) {
      entry = g_new0 (CacheEntry, 1);
      *entry = key;
      key.real_path = NULL;     /* now owned by the entry */
      entry->model = model;
      cache_entries = g_list_prepend (cache_entries, entry);
    }
  }
  if (entry != NULL) {
    entry->users++;
    *model_out = cnn_model_ref (entry->model);
  }
  g_mutex_unlock (&cache_lock);
  g_free (key.real_path);
  return status;
}

void
cnn_model_cache_release (CnnModel * model)
{
  CacheEntry *gone = NULL;

  if (model == NULL)
    return;
  g_mutex_lock (&cache_lock);
  for (GList * l = cache_entries; l != NULL; l = l->next) {
    CacheEntry *e = l->data;
    if (e->model == model) {
      if (--e->users == 0) {
        cache_entries = g_list_delete_link (cache_entries, l);
        gone = e;
      }
      break;
    }
  }
  g_mutex_unlock (&cache_lock);

  cnn_model_unref (model);
  if (gone != NULL) {
    cnn_model_unref (gone->model);
    g_free (gone->real_path);
    g_free (gone);
  }
}

guint
cnn_model_cache_size (void)
{
  guint n;

  g_mutex_lock (&cache_lock);
  n = g_list_length (cache_entries);
  g_mutex_unlock (&cache_lock);
  return n;
}
