#!/bin/sh
# check_leaks.sh — run a GStreamer test program under the leaks tracer and
# fail on any GstObject / GstMiniObject still alive at gst_deinit().
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check_leaks.sh [--expect-leak] PROGRAM [ARGS...]
#
# The leaks tracer (libgstcoretracers, a system plugin) logs one
# "object-alive" record per leaked object at GST_DEBUG=GST_TRACER:7. The
# program's own exit status must be 0 as well. The tracer's format line
# must be present, so a tracer that was not loaded fails instead of
# passing. --expect-leak inverts the verdict (self-test with a program
# that leaks on purpose).
expect_leak=0
if [ "$1" = "--expect-leak" ]; then
  expect_leak=1
  shift
fi
[ $# -ge 1 ] || { echo "usage: $0 [--expect-leak] PROGRAM [ARGS...]" >&2; exit 2; }

log=$(mktemp "${TMPDIR:-/tmp}/check-leaks.XXXXXX")
trap 'rm -f "$log"' EXIT
GST_TRACERS=leaks GST_DEBUG="GST_TRACER:7${GST_DEBUG:+,$GST_DEBUG}" \
  GST_DEBUG_NO_COLOR=1 "$@" >"$log" 2>&1
status=$?

if ! grep -q "new format string: object-alive" "$log"; then
  tail -n 20 "$log"
  echo "FAIL: the leaks tracer did not run (is libgstcoretracers on the plugin path?)"
  exit 1
fi
# records, not the format line (which has %s placeholders)
leaks=$(grep "object-alive, type-name=(string)" "$log" | grep -vc "(string)%s")

if [ "$expect_leak" = 1 ]; then
  if [ "$leaks" -gt 0 ]; then
    echo "ok: the planted leak was found ($leaks object(s) alive)"
    exit 0
  fi
  echo "FAIL: the planted leak was not reported"
  exit 1
fi
if [ "$leaks" -gt 0 ]; then
  grep "object-alive, type-name=(string)" "$log" | grep -v "(string)%s" | head -n 40
  echo "FAIL: $leaks object(s) alive at exit"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  tail -n 30 "$log"
  echo "FAIL: $* exited with status $status"
  exit 1
fi
grep -E "^[0-9]+%: Checks" "$log"
echo "ok: no leaked objects"
exit 0
