/* layout.h — shared pieces of the layout operators (internal).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * layout.c holds Transpose, Concat, Split, Gather and the cnn_ops_layout
 * table; slice_pad.c holds Slice and Pad. Elements are 4 (float32) or 8
 * (int64, constant folding only) bytes.
 */
#ifndef CNN_LAYOUT_H
#define CNN_LAYOUT_H

#include "ops.h"

/* dst[i] = src[i * stride] for n elements of esize bytes (stride in
 * elements, may be negative; stride 1 is one memcpy). */
void cnn_layout_gather_row (char *dst, const char *src, int64_t stride,
    int64_t n, size_t esize);

CnnStatus cnn_prepare_slice (CnnGraph *g, CnnNode *node, CnnDiag *d);
CnnStatus cnn_run_slice (const CnnGraph *g, const CnnNode *node,
    const CnnExec *exec, CnnDiag *d);
CnnStatus cnn_prepare_pad (CnnGraph *g, CnnNode *node, CnnDiag *d);
CnnStatus cnn_run_pad (const CnnGraph *g, const CnnNode *node,
    const CnnExec *exec, CnnDiag *d);

#endif /* CNN_LAYOUT_H */
