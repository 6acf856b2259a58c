#!/usr/bin/env bash
# run_fuzz.sh — runs one libFuzzer target for a bounded time on a corpus
# seeded from ONNX's backend test data (made here, nothing binary committed).
#   run_fuzz.sh FUZZER|none model|tensor CORPUS_DIR ONNX_TESTDATA
# FUZZER "none" (not built with clang) skips with exit 77. Environment:
#   FUZZ_SECONDS  run time (default 60), FUZZ_RUNS  stop after N executions
#   FUZZ_JOBS     parallel libFuzzer jobs (default 1; the machine is shared)
# A crash, leak, sanitizer report, timeout or OOM leaves the input in
# CORPUS_DIR/../artifacts-KIND/ and fails the test; replay it with
#   fuzz-replay KIND FILE
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

fuzzer=$1 kind=$2 corpus=$3 testdata=$4
if [ "$fuzzer" = none ] || [ ! -x "$fuzzer" ]; then
  echo "SKIP: not built for fuzzing (CC=clang meson setup ... -Db_sanitize=address,undefined -Db_lundef=false)"
  exit 77
fi

seconds=${FUZZ_SECONDS:-60}
artifacts=$(dirname "$corpus")/artifacts-$kind
mkdir -p "$corpus" "$artifacts"

# Seeds: the small models / tensors of ONNX's node tests, added once.
if [ -z "$(ls -A "$corpus")" ]; then
  if [ ! -d "$testdata/node" ]; then
    echo "SKIP: no ONNX test data at $testdata (Debian package libonnx-testdata)"
    exit 77
  fi
  if [ "$kind" = model ]; then
    find "$testdata/node" -name model.onnx -size -8k -print0
  else
    find "$testdata/node" -path '*test_data_set_0/*.pb' -size -8k -print0
  fi | while IFS= read -r -d '' f; do
    rel=${f#"$testdata/node/"}
    cp "$f" "$corpus/seed-${rel//\//_}"
  done
  echo "seeded $(ls "$corpus" | wc -l) $kind inputs from $testdata/node"
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export OPENBLAS_NUM_THREADS=1

args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048
  -malloc_limit_mb=512 -max_len=16384 -print_final_stats=1
  -artifact_prefix="$artifacts/")
if [ -n "${FUZZ_RUNS:-}" ]; then
  args+=(-runs="$FUZZ_RUNS")
fi
jobs=${FUZZ_JOBS:-1}
if [ "$jobs" -gt 1 ]; then
  args+=(-jobs="$jobs" -workers="$jobs")
fi

echo "running $fuzzer ${args[*]} $corpus"
set +e
"$fuzzer" "${args[@]}" "$corpus" 2>&1 | tee "$artifacts/last-run.log" \
  | grep -v '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)'
status=${PIPESTATUS[0]}
set -e
echo "corpus: $(ls "$corpus" | wc -l) inputs; artifacts: $(ls "$artifacts" | grep -vc last-run.log || true)"
if [ "$status" -ne 0 ]; then
  echo "FAIL: $kind fuzzer exit status $status; inputs in $artifacts"
  exit 1
fi
echo "$kind fuzzer: no crash, leak or sanitizer report in ${seconds} s"
