/* layout.c — placeholder table until the operator family lands (internal).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ops.h"

const CnnOpDef cnn_ops_layout[] = { { NULL } };
