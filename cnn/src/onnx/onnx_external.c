/* onnx_external.c — defensive file access for the ONNX loader.
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * External-data tensors name a file relative to the model's folder. A model
 * is untrusted input, so the location must be relative, must not contain a
 * '..' component, and its resolved real path (symlinks followed) must stay
 * inside the resolved model folder. The byte range is checked against the
 * file size and the size the tensor's dims need before the caller allocates
 * anything. cnn_read_file() reads whole regular files (.pb tensors);
 * cnn_file_bytes_open() maps model files read-only, so that the loader can
 * drop their pages as it copies the weights (cnn_release_pages).
 */
#include "onnx_tensor.h"
#include "onnx_load.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads exactly len bytes at offset (pread, retrying short reads). */
static bool
read_range (int fd, void *dst, uint64_t len, uint64_t offset)
{
  uint8_t *p = dst;
  while (len > 0) {
    size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t) len;
    ssize_t r = pread (fd, p, chunk, (off_t) offset);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return false;
    p += r;
    len -= (uint64_t) r;
    offset += (uint64_t) r;
  }
  return true;
}

/* Opens path, which must be a regular file of at most max_bytes bytes
 * (0 = no limit) whose size fits in memory. */
static CnnStatus
open_regular (const char *path, uint64_t max_bytes, int *fd_out,
    size_t *size_out, CnnDiag *d)
{
  struct stat st;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return cnn_fail (d, CNN_ERR_IO, "cannot open '%s': %s", path,
        strerror (errno));
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    close (fd);
    return cnn_fail (d, CNN_ERR_IO, "'%s' is not a regular file", path);
  }
  if ((max_bytes && (uint64_t) st.st_size > max_bytes)
      || (uint64_t) st.st_size >= SIZE_MAX) {
    close (fd);
    return cnn_fail (d, CNN_ERR_LIMIT, "'%s' is too large (%lld bytes, "
        "more than the limit of %llu)", path, (long long) st.st_size,
        (unsigned long long) max_bytes);
  }
  *fd_out = fd;
  *size_out = (size_t) st.st_size;
  return CNN_OK;
}

/* Reads the size bytes of fd into a malloc'd, NUL-terminated buffer. */
static CnnStatus
read_whole (int fd, size_t size, const char *path, void **data_out,
    CnnDiag *d)
{
  uint8_t *buf = malloc (size + 1);
  if (!buf)
    return cnn_fail (d, CNN_ERR_NO_MEMORY, "out of memory reading '%s'",
        path);
  if (!read_range (fd, buf, (uint64_t) size, 0)) {
    free (buf);
    return cnn_fail (d, CNN_ERR_IO, "cannot read '%s'", path);
  }
  buf[size] = '\0';
  *data_out = buf;
  return CNN_OK;
}

CnnStatus
cnn_read_file (const char *path, uint64_t max_bytes, void **data_out,
    size_t *size_out, CnnDiag *d)
{
  int fd = -1;
  size_t size = 0;

  *data_out = NULL;
  *size_out = 0;
  CnnStatus st = open_regular (path, max_bytes, &fd, &size, d);
  if (st != CNN_OK)
    return st;
  st = read_whole (fd, size, path, data_out, d);
  close (fd);
  if (st == CNN_OK)
    *size_out = size;
  return st;
}

CnnStatus
cnn_file_bytes_open (const char *path, uint64_t max_bytes, CnnFileBytes *out,
    CnnDiag *d)
{
  int fd = -1;
  size_t size = 0;
  void *buf = NULL;

  memset (out, 0, sizeof *out);
  out->data = "";
  CnnStatus st = open_regular (path, max_bytes, &fd, &size, d);
  if (st != CNN_OK || size == 0) {    /* mmap refuses an empty range */
    if (st == CNN_OK)
      close (fd);
    return st;
  }
  void *map = mmap (NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (map != MAP_FAILED) {
    out->data = out->owned = map;
    out->mapped = true;
  } else {                      /* e.g. a file system without mmap */
    st = read_whole (fd, size, path, &buf, d);
    out->data = out->owned = buf;
  }
  close (fd);
  if (st == CNN_OK)
    out->size = size;
  else
    out->data = "";
  return st;
}

void
cnn_file_bytes_close (CnnFileBytes *f)
{
  if (f->mapped)
    munmap (f->owned, f->size);
  else
    free (f->owned);
  memset (f, 0, sizeof *f);
  f->data = "";
}

void
cnn_release_pages (const void *p, size_t len)
{
  long page = sysconf (_SC_PAGESIZE);
  uintptr_t mask = (uintptr_t) (page > 0 ? page : 4096) - 1;
  uintptr_t start = (uintptr_t) p & ~mask;
  uintptr_t end = ((uintptr_t) p + len + mask) & ~mask;

  /* the mapping covers whole pages, so rounding out stays inside it; its
   * pages are unmodified file pages, so dropping them loses nothing */
  if (len > 0)
    (void) madvise ((void *) start, end - start, MADV_DONTNEED);
}

/* Strict decimal parse of a non-negative integer. */
static bool
parse_u64 (const char *s, uint64_t *out)
{
  uint64_t v = 0;
  if (!s || !*s)
    return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9')
      return false;
    unsigned digit = (unsigned) (*s - '0');
    if (v > (UINT64_MAX - digit) / 10)
      return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

/* True when some '/'- or '\\'-separated component of s is "..". */
static bool
has_dotdot (const char *s)
{
  const char *p = s;
  while (*p) {
    size_t n = strcspn (p, "/\\");
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return true;
    p += n;
    if (*p)
      p++;
  }
  return false;
}

/* Real path of model_dir/location, which must lie inside model_dir. */
static CnnStatus
resolve_location (const char *model_dir, const char *loc, const char *what,
    char *real_out, CnnDiag *d)
{
  char joined[PATH_MAX], real_dir[PATH_MAX];
  size_t n;

  if (!loc || !*loc)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data without a location", what);
  if (loc[0] == '/' || loc[0] == '\\')
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data location '%s' is an absolute path", what, loc);
  if (has_dotdot (loc))
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data location '%s' contains '..'", what, loc);
  if (snprintf (joined, sizeof joined, "%s/%s", model_dir, loc)
      >= (int) sizeof joined)
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data path is too long", what);
  if (!realpath (model_dir, real_dir))
    return cnn_fail (d, CNN_ERR_IO, "model folder '%s': %s", model_dir,
        strerror (errno));
  if (!realpath (joined, real_out))
    return cnn_fail (d, CNN_ERR_IO, "%s: external data file '%s': %s",
        what, loc, strerror (errno));
  n = strlen (real_dir);
  if (n == 1)                   /* the model folder is "/" */
    n = 0;
  if (strncmp (real_out, real_dir, n) != 0 || real_out[n] != '/')
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data file '%s' resolves outside the model folder",
        what, loc);
  return CNN_OK;
}

/* location/offset/length from the key/value entries. */
static CnnStatus
external_entries (const Onnx__TensorProto *tp, const char *what,
    const char **loc, uint64_t *offset, uint64_t *length, bool *has_length,
    CnnDiag *d)
{
  *loc = NULL;
  *offset = 0;
  *has_length = false;
  for (size_t i = 0; i < tp->n_external_data; i++) {
    const char *k = tp->external_data[i]->key;
    const char *v = tp->external_data[i]->value;
    if (!k)
      continue;
    if (strcmp (k, "location") == 0) {
      *loc = v;
    } else if (strcmp (k, "offset") == 0) {
      if (!parse_u64 (v, offset))
        return cnn_fail (d, CNN_ERR_INVALID_MODEL,
            "%s: bad external data offset '%s'", what, v ? v : "");
    } else if (strcmp (k, "length") == 0) {
      if (!parse_u64 (v, length))
        return cnn_fail (d, CNN_ERR_INVALID_MODEL,
            "%s: bad external data length '%s'", what, v ? v : "");
      *has_length = true;
    }
  }
  return CNN_OK;
}

CnnStatus
cnn_onnx_external_open (const Onnx__TensorProto *tp, const char *model_dir,
    const char *what, uint64_t expect_bytes, CnnOnnxExternal *ext,
    CnnDiag *d)
{
  char real[PATH_MAX];
  const char *loc;
  uint64_t offset, length = 0;
  bool has_length;
  struct stat st;
  CnnStatus s;

  ext->fd = -1;
  s = external_entries (tp, what, &loc, &offset, &length, &has_length, d);
  if (s == CNN_OK)
    s = resolve_location (model_dir, loc, what, real, d);
  if (s != CNN_OK)
    return s;
  int fd = open (real, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return cnn_fail (d, CNN_ERR_IO, "%s: cannot open external data '%s': %s",
        what, loc, strerror (errno));
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    close (fd);
    return cnn_fail (d, CNN_ERR_IO,
        "%s: external data '%s' is not a regular file", what, loc);
  }
  uint64_t fsize = (uint64_t) st.st_size;
  if (offset > fsize || (has_length && length > fsize - offset)) {
    close (fd);
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data range (offset %llu, length %llu) lies beyond "
        "the end of '%s' (%llu bytes)", what, (unsigned long long) offset,
        (unsigned long long) length, loc, (unsigned long long) fsize);
  }
  if (!has_length)
    length = fsize - offset;
  if (length != expect_bytes) {
    close (fd);
    return cnn_fail (d, CNN_ERR_INVALID_MODEL,
        "%s: external data has %llu bytes but its dimensions need %llu",
        what, (unsigned long long) length,
        (unsigned long long) expect_bytes);
  }
  ext->fd = fd;
  ext->offset = offset;
  ext->length = length;
  return CNN_OK;
}

CnnStatus
cnn_onnx_external_read (CnnOnnxExternal *ext, void *dst, const char *what,
    CnnDiag *d)
{
  bool ok = read_range (ext->fd, dst, ext->length, ext->offset);
  cnn_onnx_external_close (ext);
  if (!ok)
    return cnn_fail (d, CNN_ERR_IO, "%s: reading external data failed",
        what);
  return CNN_OK;
}

void
cnn_onnx_external_close (CnnOnnxExternal *ext)
{
  if (ext->fd >= 0)
    close (ext->fd);
  ext->fd = -1;
}
