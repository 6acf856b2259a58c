/* fuzz_replay.c — runs saved inputs through the fuzz targets, without
 * libFuzzer, in any build (gcc, ASan, TSan, valgrind).
 *
 * Copyright (C) 2026 the gst-cnn authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   fuzz-replay --manifest MANIFEST DIR
 *       Each line "model|tensor FILE STATUS" (FILE relative to DIR, STATUS
 *       one of OK PARSE INVALID_MODEL UNSUPPORTED SHAPE LIMIT ...) is one
 *       regression: the file must load with exactly that status (a clean
 *       error, or success), then pass the target's contract checks. Lines
 *       starting with '#' are comments. Ends with "N passed, N failed".
 *   fuzz-replay model|tensor FILE...
 *       Replays crash files or a corpus through one target (contract checks
 *       trap on a breach).
 */
#include "fuzz_targets.h"
#include "check.h"

#include "cnn/cnn.h"

#include <stdlib.h>
#include <string.h>

static const struct {
  const char *name;
  CnnStatus status;
} status_names[] = {
  { "OK", CNN_OK }, { "ARGUMENT", CNN_ERR_ARGUMENT }, { "IO", CNN_ERR_IO },
  { "PARSE", CNN_ERR_PARSE }, { "INVALID_MODEL", CNN_ERR_INVALID_MODEL },
  { "UNSUPPORTED", CNN_ERR_UNSUPPORTED }, { "SHAPE", CNN_ERR_SHAPE },
  { "NO_MEMORY", CNN_ERR_NO_MEMORY }, { "LIMIT", CNN_ERR_LIMIT },
};

static int
parse_status (const char *name, CnnStatus *out)
{
  for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
    if (strcmp (name, status_names[i].name) == 0) {
      *out = status_names[i].status;
      return 1;
    }
  return 0;
}

/* Whole file into a malloc'd buffer (1 byte more, never NULL on success). */
static uint8_t *
read_all (const char *path, size_t *size_out)
{
  FILE *f = fopen (path, "rb");
  uint8_t *buf = NULL;
  size_t cap = 0, n = 0;
  int oom = 0;
  if (!f)
    return NULL;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      uint8_t *nb = realloc (buf, cap + 1);
      if (!nb) {
        oom = 1;
        break;
      }
      buf = nb;
    }
    size_t got = fread (buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  int bad = ferror (f) || !buf || oom;
  fclose (f);
  if (bad) {
    free (buf);
    return NULL;
  }
  *size_out = n;
  return buf;
}

/* Status of the public entry the target starts with. */
static CnnStatus
load_status (int is_model, const uint8_t *data, size_t size, CnnError *err)
{
  if (is_model) {
    CnnModelOptions opts;
    CnnModel *model = NULL;
    cnn_model_options_init (&opts);
    opts.max_memory_bytes = FUZZ_MAX_MEMORY;
    CnnStatus st = cnn_model_load_memory (data, size, &opts, &model, err);
    if (model)
      cnn_model_unref (model);
    return st;
  }
  CnnTensor t;
  CnnStatus st = cnn_tensor_read_pb (data, size, &t, err);
  if (st == CNN_OK)
    cnn_tensor_clear (&t);
  return st;
}

static void
replay_line (const char *dir, const char *kind, const char *file,
    const char *expect)
{
  char path[1024];
  CnnStatus want = CNN_OK;
  CnnError err;
  size_t size = 0;
  int is_model = strcmp (kind, "model") == 0;

  CHECK_MSG (is_model || strcmp (kind, "tensor") == 0, "kind '%s'", kind);
  int known = parse_status (expect, &want);
  CHECK_MSG (known, "status '%s'", expect);
  if (!known)
    return;
  snprintf (path, sizeof path, "%s/%s", dir, file);
  uint8_t *data = read_all (path, &size);
  CHECK_MSG (data != NULL, "cannot read %s", path);
  if (!data)
    return;
  memset (&err, 0, sizeof err);
  CnnStatus st = load_status (is_model, data, size, &err);
  CHECK_MSG (st == want, "%s: status %d (%s), expected %s", file, (int) st,
      err.message, expect);
  CHECK_MSG (st == CNN_OK || err.message[0], "%s: no message", file);
  printf ("%s: %s\n", file, st == CNN_OK ? "loads" : err.message);
  /* Full target: traps (and fails the test) on any contract breach. */
  if (is_model)
    fuzz_model_one (data, size);
  else
    fuzz_tensor_pb_one (data, size);
  free (data);
}

static int
replay_manifest (const char *manifest, const char *dir)
{
  char line[1024], kind[32], file[512], expect[32];
  FILE *f = fopen (manifest, "r");
  CHECK_MSG (f != NULL, "cannot open %s", manifest);
  if (!f)
    return check_summary ("fuzz-replay");
  while (fgets (line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    if (sscanf (line, "%31s %511s %31s", kind, file, expect) != 3) {
      CHECK_MSG (0, "bad manifest line: %s", line);
      continue;
    }
    replay_line (dir, kind, file, expect);
  }
  fclose (f);
  return check_summary ("fuzz-replay");
}

int
main (int argc, char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--manifest") == 0)
    return replay_manifest (argv[2], argv[3]);
  if (argc < 3 || (strcmp (argv[1], "model") && strcmp (argv[1], "tensor"))) {
    fprintf (stderr, "usage: %s --manifest MANIFEST DIR\n"
        "       %s model|tensor FILE...\n", argv[0], argv[0]);
    return 2;
  }
  int is_model = strcmp (argv[1], "model") == 0;
  for (int i = 2; i < argc; i++) {
    size_t size = 0;
    uint8_t *data = read_all (argv[i], &size);
    CHECK_MSG (data != NULL, "cannot read %s", argv[i]);
    if (!data)
      continue;
    if (is_model)
      fuzz_model_one (data, size);
    else
      fuzz_tensor_pb_one (data, size);
    free (data);
  }
  return check_summary ("fuzz-replay");
}
