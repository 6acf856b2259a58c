#!/usr/bin/env bash
# test.sh — installs what is needed, builds gst-cnn and runs every test.
# Ends with one line "N passed, N failed, N skipped". Exit status 0 only if
# nothing failed.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
# Free disk, for the log: the build and the tests need about 2 GB.
df -h . | tail -1 | awk '{print "free disk here: " $4}'
builddir=${BUILDDIR:-build}
if [ ! -d "$builddir" ]; then
  meson setup "$builddir" --buildtype=debugoptimized
fi
ninja -C "$builddir"

set +e
meson test -C "$builddir" --print-errorlogs --num-processes 2 \
  --timeout-multiplier "${TIMEOUT_MULTIPLIER:-3}" "$@"
status=$?
set -e

# A line that is not JSON (a log cut short, e.g. by a full disk) or a missing
# log counts as a failure, so the summary line is always printed.
python3 - "$builddir/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
try:
    lines = open(sys.argv[1]).readlines()
except OSError as e:
    print(f"cannot read {sys.argv[1]}: {e}")
    lines = ["not json"]
for line in lines:
    try:
        r = json.loads(line).get("result", "")
    except ValueError:
        r = "UNREADABLE"
    if r in ("OK", "EXPECTEDFAIL"):
        counts["passed"] += 1
    elif r == "SKIP":
        counts["skipped"] += 1
    else:
        counts["failed"] += 1
print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
PY
exit $status
