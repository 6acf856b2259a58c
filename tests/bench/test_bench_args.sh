#!/bin/bash
# test_bench_args.sh — bench.py refuses bad options at once, with a message
# naming the option, instead of failing minutes into a run.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: test_bench_args.sh BENCH_PY. Runs bench.py (with Debian's
# /usr/bin/python3, which has numpy) with one bad option at a time and
# checks exit status 2 (argparse's usage error) and the expected words on
# stderr; runs nothing else. Exit 0 when all hold, 1 otherwise; 77 (skip)
# without numpy.
bench=$1
python=/usr/bin/python3
"$python" -c "import numpy" 2>/dev/null || { echo "numpy missing: skip"; exit 77; }
base=(--build /nonexistent --models /nonexistent --ours /nonexistent)
fail=0
check() {                       # expected words, then the options
  local want=$1; shift
  local err status
  err=$("$python" "$bench" "${base[@]}" "$@" 2>&1 >/dev/null)
  status=$?
  if [ $status -ne 2 ] || ! grep -q -- "$want" <<<"$err"; then
    echo "FAIL: $* -> status $status, stderr: $err"
    fail=1
  else
    echo "ok: $* -> $(tail -1 <<<"$err")"
  fi
}
check "--gst-seconds must be above 0" --gst-seconds 0
check "--gst-seconds must be above 0" --gst-seconds -1
check "--gst-reps must be at least 1" --gst-reps 0
check "--rounds must be at least 1" --rounds 0
check "--runs must be at least 1" --runs 0
check "--warmup must not be negative" --warmup -2
check "thread counts of 1 or more" --threads 0,2
check "comma lists of numbers" --threads one
check "not an executable file" --latency-tool /nonexistent/core-latency
exit $fail
