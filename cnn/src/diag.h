/* diag.h — error text carried through the core (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A CnnDiag is a status plus one message. Functions that can fail take a
 * CnnDiag *, call cnn_fail() once and return its status. Graph passes add
 * the "node 17 (Conv 'conv2'): " prefix with cnn_diag_prefix_node(), so
 * operators write only what is wrong ("kernel 5x5 does not fit input 3x3").
 */
#ifndef CNN_DIAG_H
#define CNN_DIAG_H

#include "cnn/cnn.h"

typedef struct {
  CnnStatus status;
  char message[CNN_ERROR_MAX];
} CnnDiag;

/* Records status + printf-style message; returns status. d may be NULL. */
CnnStatus cnn_fail (CnnDiag *d, CnnStatus status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prepends "node <index> (<op_type> '<name>'): " to the message in d. */
void cnn_diag_prefix_node (CnnDiag *d, int index, const char *op_type,
    const char *name);
/* Prepends an arbitrary "<prefix>: ". */
void cnn_diag_prefix (CnnDiag *d, const char *prefix);

void cnn_diag_reset (CnnDiag *d);
/* Copies d into a public CnnError (err may be NULL). */
void cnn_diag_to_error (const CnnDiag *d, CnnError *err);

#endif /* CNN_DIAG_H */
