/* model_priv.h — the CnnModel structure, shared by model.c and session.c.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef CNN_MODEL_PRIV_H
#define CNN_MODEL_PRIV_H

#include "ir.h"

#include <stdatomic.h>

struct CnnModel {
  atomic_int refcount;
  CnnGraph graph;            /* sorted, folded, fused; immutable */
  uint64_t weight_bytes;     /* constants referenced by the live graph */
  int *live;                 /* indices of live nodes, in run order */
  int n_live;
};

/* A session's thread count for a requested one: 0 (or less) = the online
 * CPUs; at most 256 (session.c). */
int cnn_resolve_threads (int requested);

#endif /* CNN_MODEL_PRIV_H */
