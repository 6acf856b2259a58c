/* fmnist_idx.h — reads the Fashion-MNIST idx files (gzip-compressed).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: fmnist_load() reads "<dir>/<split>-images-idx3-ubyte.gz" and
 * "<dir>/<split>-labels-idx1-ubyte.gz" (split = "t10k" or "train"), checks
 * magic numbers, dimensions and lengths, and returns 8-bit images (row-major,
 * rows x cols each, white garment on black) and their labels 0..9. On failure
 * it returns -1 and writes a one-line reason to err. Used by the accuracy
 * test and by the demo; plain C11 + zlib, no GLib.
 */
#ifndef FMNIST_IDX_H
#define FMNIST_IDX_H

#include <stddef.h>
#include <stdint.h>

/* Fashion-MNIST class names, in label order. */
extern const char *const fmnist_class_names[10];

typedef struct {
  size_t count;       /* number of images */
  int rows, cols;     /* 28 x 28 */
  uint8_t *images;    /* count * rows * cols bytes */
  uint8_t *labels;    /* count bytes, values 0..9 */
} FmnistSet;

/* Default data folder (Debian's dataset-fashion-mnist), or the value of the
 * environment variable FASHION_MNIST_DIR when set. */
const char *fmnist_default_dir (void);

int fmnist_load (const char *dir, const char *split, FmnistSet *set,
    char *err, size_t err_size);
void fmnist_free (FmnistSet *set);

#endif /* FMNIST_IDX_H */
