/* diag.c — status + message carried through the core.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * See diag.h. Messages are truncated to CNN_ERROR_MAX - 1 bytes.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

CnnStatus
cnn_fail (CnnDiag *d, CnnStatus status, const char *fmt, ...)
{
  if (d) {
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (d->message, sizeof d->message, fmt, ap);
    va_end (ap);
    d->status = status;
  }
  return status;
}

void
cnn_diag_prefix (CnnDiag *d, const char *prefix)
{
  char tmp[CNN_ERROR_MAX];
  if (!d)
    return;
  snprintf (tmp, sizeof tmp, "%s: %s", prefix, d->message);
  memcpy (d->message, tmp, sizeof tmp);
}

void
cnn_diag_prefix_node (CnnDiag *d, int index, const char *op_type,
    const char *name)
{
  char prefix[CNN_ERROR_MAX / 2];
  snprintf (prefix, sizeof prefix, "node %d (%s '%s')", index,
      op_type ? op_type : "?", name ? name : "");
  cnn_diag_prefix (d, prefix);
}

void
cnn_diag_reset (CnnDiag *d)
{
  if (d) {
    d->status = CNN_OK;
    d->message[0] = '\0';
  }
}

void
cnn_diag_to_error (const CnnDiag *d, CnnError *err)
{
  if (!err)
    return;
  err->status = d->status;
  memcpy (err->message, d->message, sizeof err->message);
}
