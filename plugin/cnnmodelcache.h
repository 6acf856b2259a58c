/* cnnmodelcache.h — one loaded CnnModel per model file, shared by every
 * cnnclassify instance of the process.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: cnn_model_cache_acquire() resolves the path (realpath) and
 * stats the file; the key is (real path, device, inode, size, mtime in ns),
 * so a file that was rewritten or replaced is loaded again while users of
 * the old contents keep theirs. A hit returns a new reference to the model
 * already loaded; a miss loads it (under the cache mutex, so concurrent
 * users of one file load it once). Every acquire is paired with one
 * cnn_model_cache_release(); the entry leaves the cache when its last user
 * releases it, and the model is freed when the last CnnModel reference
 * goes. Thread-safe. A file that cannot be opened or stat'ed fails with
 * CNN_ERR_IO even when an earlier copy is still cached (a deleted model is
 * not loadable any more; running sessions keep their model).
 */
#ifndef __CNN_MODEL_CACHE_H__
#define __CNN_MODEL_CACHE_H__

#include <glib.h>
#include <cnn/cnn.h>

G_BEGIN_DECLS

/* Loads or shares the model at path. A load refuses models needing more
 * than max_memory_bytes (0 = no limit; a shared model is checked by the
 * caller against its own limit). On failure returns the status and fills
 * err (may be NULL); *model_out is NULL. */
CnnStatus cnn_model_cache_acquire (const gchar * path,
    guint64 max_memory_bytes, CnnModel ** model_out, CnnError * err);
/* Gives back a model obtained from cnn_model_cache_acquire (NULL is
 * ignored). */
void cnn_model_cache_release (CnnModel * model);
/* Number of distinct models currently cached (for tests/diagnostics). */
guint cnn_model_cache_size (void);

G_END_DECLS

#endif /* __CNN_MODEL_CACHE_H__ */
