/* test_modelcache.c — the plugin's process-wide model cache
 * (plugin/cnnmodelcache.c): sharing, reference counting, invalidation by
 * file identity, deleted files, concurrent loads.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: test_modelcache MODELS_DIR (holds color.onnx and color-bgr.onnx
 * from make_models.py).
 */
#include "check.h"
#include "cnnmodelcache.h"

#include <glib/gstdio.h>
#include <string.h>

#define N_THREADS 8

static const gchar *models_dir;

/* Writes model `name` to path through a rename, like a deployment tool. */
static void
install_model (const gchar * name, const gchar * path)
{
  gchar *src = g_build_filename (models_dir, name, NULL);
  gchar *tmp = g_strconcat (path, ".tmp", NULL), *data = NULL;
  gsize len = 0;

  CHECK (g_file_get_contents (src, &data, &len, NULL));
  CHECK (g_file_set_contents (tmp, data, len, NULL));
  CHECK (g_rename (tmp, path) == 0);
  g_free (data);
  g_free (tmp);
  g_free (src);
}

static void
test_share_and_release (const gchar * path)
{
  CnnModel *a = NULL, *b = NULL;
  gchar *dir = g_path_get_dirname (path), *other = NULL;
  gchar *base = g_path_get_basename (path);
  CnnError err;

  CHECK (cnn_model_cache_acquire (path, 0, &a, &err) == CNN_OK);
  /* another spelling of the same file is the same entry */
  other = g_build_filename (dir, ".", base, NULL);
  CHECK (cnn_model_cache_acquire (other, 0, &b, &err) == CNN_OK);
  CHECK (a != NULL && a == b);
  CHECK (cnn_model_cache_size () == 1);
  cnn_model_cache_release (a);
  CHECK (cnn_model_cache_size () == 1);
  cnn_model_cache_release (b);
  CHECK (cnn_model_cache_size () == 0);
  cnn_model_cache_release (NULL);
  g_free (other);
  g_free (base);
  g_free (dir);
}

static void
test_replaced_file (const gchar * path)
{
  CnnModel *old = NULL, *fresh = NULL;
  CnnError err;

  install_model ("color.onnx", path);
  CHECK (cnn_model_cache_acquire (path, 0, &old, &err) == CNN_OK);
  install_model ("color-bgr.onnx", path);
  CHECK (cnn_model_cache_acquire (path, 0, &fresh, &err) == CNN_OK);
  CHECK (old != NULL && fresh != NULL && old != fresh);
  CHECK (cnn_model_cache_size () == 2);
  /* the new file's metadata, the old model untouched */
  CHECK (g_strcmp0 (cnn_model_metadata (fresh, "channel_order"), "bgr") == 0);
  CHECK (cnn_model_metadata (old, "channel_order") == NULL);
  cnn_model_cache_release (old);
  cnn_model_cache_release (fresh);
  CHECK (cnn_model_cache_size () == 0);
}

static void
test_deleted_file (const gchar * path)
{
  CnnModel *held = NULL, *again = NULL;
  CnnError err;

  install_model ("color.onnx", path);
  CHECK (cnn_model_cache_acquire (path, 0, &held, &err) == CNN_OK);
  CHECK (g_unlink (path) == 0);
  /* still cached and in use, but the file is gone: a clean I/O error */
  CHECK (cnn_model_cache_acquire (path, 0, &again, &err) == CNN_ERR_IO);
  CHECK (again == NULL);
  CHECK_MSG (strstr (err.message, path) != NULL, "%s", err.message);
  CHECK (cnn_model_input_count (held) == 1);
  cnn_model_cache_release (held);
  CHECK (cnn_model_cache_size () == 0);
}

static void
test_bad_files (void)
{
  gchar *corrupt = g_build_filename (models_dir, "corrupt.onnx", NULL);
  CnnModel *m = (CnnModel *) 0x1;
  CnnError err;

  CHECK (cnn_model_cache_acquire ("/no/such/model.onnx", 0, &m, &err) ==
      CNN_ERR_IO && m == NULL);
  CHECK (cnn_model_cache_acquire (models_dir, 0, &m, &err) == CNN_ERR_IO);
  CHECK (cnn_model_cache_acquire (corrupt, 0, &m, &err) != CNN_OK && m == NULL);
  CHECK (cnn_model_cache_acquire (NULL, 0, &m, &err) == CNN_ERR_ARGUMENT);
  CHECK (cnn_model_cache_size () == 0);
  g_free (corrupt);
}

typedef struct {
  const gchar *path;
  CnnModel *model;
  CnnStatus status;
} Job;

static gpointer
acquire_main (gpointer data)
{
  Job *job = data;

  job->status = cnn_model_cache_acquire (job->path, 0, &job->model, NULL);
  return NULL;
}

static void
test_concurrent (const gchar * path)
{
  GThread *threads[N_THREADS];
  Job jobs[N_THREADS];

  install_model ("color.onnx", path);
  for (guint i = 0; i < N_THREADS; i++) {
    jobs[i] = (Job) { path, NULL, CNN_ERR_ARGUMENT };
    threads[i] = g_thread_new ("acquire", acquire_main, &jobs[i]);
  }
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < N_THREADS; i++)
    CHECK (jobs[i].status == CNN_OK && jobs[i].model == jobs[0].model);
  CHECK (cnn_model_cache_size () == 1);
  for (guint i = 0; i < N_THREADS; i++)
    cnn_model_cache_release (jobs[i].model);
  CHECK (cnn_model_cache_size () == 0);
}

int
main (int argc, char **argv)
{
  gchar *dir, *path;

  if (argc != 2) {
    fprintf (stderr, "usage: %s MODELS_DIR\n", argv[0]);
    return 2;
  }
  models_dir = argv[1];
  dir = g_dir_make_tmp ("cnncache-XXXXXX", NULL);
  path = g_build_filename (dir, "m.onnx", NULL);

  install_model ("color.onnx", path);
  test_share_and_release (path);
  test_replaced_file (path);
  test_deleted_file (path);
  test_bad_files ();
  test_concurrent (path);

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  return check_summary ("test_modelcache");
}
