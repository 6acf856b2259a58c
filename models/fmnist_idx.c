/* fmnist_idx.c — reads the Fashion-MNIST idx files (gzip-compressed).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Contract: see fmnist_idx.h. The idx format is a big-endian header (magic
 * 0x000008NN with NN = number of dimensions, then one uint32 per dimension)
 * followed by unsigned bytes. Files are read whole through zlib's gzread,
 * which also accepts uncompressed files.
 */
#include "fmnist_idx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifndef FMNIST_DEFAULT_DIR
#define FMNIST_DEFAULT_DIR "/usr/share/datasets/fashion-mnist"
#endif

/* Largest file accepted (the training images are 47 MB uncompressed). */
#define FMNIST_MAX_BYTES (64u << 20)

const char *const fmnist_class_names[10] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

const char *
fmnist_default_dir (void)
{
  const char *env = getenv ("FASHION_MNIST_DIR");
  return env && *env ? env : FMNIST_DEFAULT_DIR;
}

static int
fail (char *err, size_t err_size, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  if (err && err_size)
    vsnprintf (err, err_size, fmt, ap);
  va_end (ap);
  return -1;
}

static uint32_t
read_be32 (const uint8_t *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
      ((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

/* Reads a whole (gzip) file; *data_out is malloc'ed. */
static int
read_all (const char *path, uint8_t **data_out, size_t *size_out, char *err,
    size_t err_size)
{
  gzFile f = gzopen (path, "rb");
  if (!f)
    return fail (err, err_size, "%s: cannot open", path);
  size_t cap = 1 << 20, size = 0;
  uint8_t *buf = malloc (cap);
  int rc = 0;
  while (buf) {
    if (size == cap) {
      uint8_t *bigger = cap < FMNIST_MAX_BYTES ? realloc (buf, cap * 2) : NULL;
      if (!bigger) {
        rc = fail (err, err_size, "%s: too large or out of memory", path);
        break;
      }
      buf = bigger;
      cap *= 2;
    }
    int n = gzread (f, buf + size, (unsigned) (cap - size));
    if (n < 0) {
      rc = fail (err, err_size, "%s: read error (corrupt gzip?)", path);
      break;
    }
    if (n == 0)
      break;
    size += (size_t) n;
  }
  gzclose (f);
  if (!buf)
    return fail (err, err_size, "%s: out of memory", path);
  if (rc != 0) {
    free (buf);
    return rc;
  }
  *data_out = buf;
  *size_out = size;
  return 0;
}

/* Checks the idx header for ndim dimensions; returns the payload offset. */
static int
parse_header (const char *path, const uint8_t *data, size_t size, int ndim,
    uint32_t *dims, size_t *offset_out, char *err, size_t err_size)
{
  size_t header = 4 + 4 * (size_t) ndim;
  if (size < header)
    return fail (err, err_size, "%s: truncated header", path);
  uint32_t magic = read_be32 (data);
  if (magic != (0x0800u | (uint32_t) ndim))
    return fail (err, err_size, "%s: bad magic 0x%08x (want 0x%08x)", path,
        magic, 0x0800u | (unsigned) ndim);
  uint64_t total = 1;
  for (int i = 0; i < ndim; i++) {
    dims[i] = read_be32 (data + 4 + 4 * i);
    total *= dims[i];
    if (total > FMNIST_MAX_BYTES)
      return fail (err, err_size, "%s: dimensions too large", path);
  }
  if (size - header != total)
    return fail (err, err_size, "%s: %zu payload bytes, header says %llu",
        path, size - header, (unsigned long long) total);
  *offset_out = header;
  return 0;
}

int
fmnist_load (const char *dir, const char *split, FmnistSet *set, char *err,
    size_t err_size)
{
  char path_img[4096], path_lab[4096];
  uint8_t *img = NULL, *lab = NULL;
  size_t img_size = 0, lab_size = 0, img_off = 0, lab_off = 0;
  uint32_t idim[3], ldim[1];

  memset (set, 0, sizeof *set);
  snprintf (path_img, sizeof path_img, "%s/%s-images-idx3-ubyte.gz", dir,
      split);
  snprintf (path_lab, sizeof path_lab, "%s/%s-labels-idx1-ubyte.gz", dir,
      split);
  if (read_all (path_img, &img, &img_size, err, err_size) != 0)
    return -1;
  if (read_all (path_lab, &lab, &lab_size, err, err_size) != 0)
    goto error;
  if (parse_header (path_img, img, img_size, 3, idim, &img_off, err,
          err_size) != 0
      || parse_header (path_lab, lab, lab_size, 1, ldim, &lab_off, err,
          err_size) != 0)
    goto error;
  if (idim[0] != ldim[0]) {
    fail (err, err_size, "%u images but %u labels", idim[0], ldim[0]);
    goto error;
  }
  for (uint32_t i = 0; i < ldim[0]; i++) {
    if (lab[lab_off + i] > 9) {
      fail (err, err_size, "%s: label %u of item %u out of range", path_lab,
          lab[lab_off + i], i);
      goto error;
    }
  }
  /* Move the payloads to the front so the buffers can be kept as they are. */
  memmove (img, img + img_off, img_size - img_off);
  memmove (lab, lab + lab_off, lab_size - lab_off);
  set->count = idim[0];
  set->rows = (int) idim[1];
  set->cols = (int) idim[2];
  set->images = img;
  set->labels = lab;
  return 0;

error:
  free (img);
  free (lab);
  return -1;
}

void
fmnist_free (FmnistSet *set)
{
  free (set->images);
  free (set->labels);
  memset (set, 0, sizeof *set);
}
