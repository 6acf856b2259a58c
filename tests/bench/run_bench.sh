#!/bin/bash
# run_bench.sh — gst-cnn speed benchmark: our core vs ONNX Runtime, and the
# cnnclassify element end to end (issue 5). Not part of the test suite.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract:
#   tests/bench/run_bench.sh [BUILDDIR] [bench.py options...]
# BUILDDIR (default: build) is a configured and built meson build dir. The
# script
#   1. installs onnxruntime-node (version pinned in package.json /
#      package-lock.json) into tests/bench/node_modules with npm if missing,
#      with ONNXRUNTIME_NODE_INSTALL=skip (no GPU download);
#   2. generates the models with /usr/bin/python3 + torch into
#      BUILDDIR/bench-models (kept between runs; delete it to regenerate);
#   3. finds our bench tool: BUILDDIR/tests/bench/cnn-bench (built by meson
#      when tests/bench is a subdir), else compiles tests/bench/cnn_bench.c
#      against BUILDDIR/cnn/libcnn.so (or libcnn-internal.a when the shared
#      library lacks a symbol) into BUILDDIR/bench-models, else uses
#      BUILDDIR/cnn/cnn-run; OURS=/path/to/tool overrides;
#   4. measures this machine's fp32 FMA peak per core (fma_peak.c, compiled
#      into BUILDDIR/bench-models/fma-peak) for the "% of peak" column;
#   5. compiles core_latency.c into BUILDDIR/bench-models/core-latency (a
#      cache line's round trip between two CPUs, run before every round of
#      two threads: the "cross-core ns" column);
#   6. runs bench.py, which prints a markdown report on stdout and writes it
#      to BUILDDIR/bench-models/report.md.
# Options after BUILDDIR go to bench.py (e.g. --only resnet18 --rounds 3
# --runs 10 --threads 1 --no-gst); see `bench.py --help`.
# Exit status: non-zero when a tool is missing or a step fails.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
build=$(cd "$build" 2>/dev/null && pwd) || {
  echo "run_bench.sh: build dir '${1:-build}' not found (meson setup it first)" >&2
  exit 1
}
python=/usr/bin/python3     # Debian's interpreter: torch, onnx and numpy live there
models="$build/bench-models"

for tool in node npm gst-launch-1.0 "$python"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "run_bench.sh: $tool not found" >&2; exit 1; }
done

# 1. ONNX Runtime for node, pinned by package.json (+ package-lock.json).
if [ ! -f "$here/node_modules/onnxruntime-node/package.json" ]; then
  echo "run_bench.sh: installing onnxruntime-node with npm..." >&2
  (cd "$here" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund >&2)
fi

# 2. Models (skipped when present).
"$python" "$here/make_bench_models.py" --out "$models" >&2

# 3. Our bench tool.
ours=${OURS:-}
if [ -z "$ours" ] && [ -x "$build/tests/bench/cnn-bench" ]; then
  ours="$build/tests/bench/cnn-bench"
fi
if [ -z "$ours" ] && [ -f "$build/cnn/libcnn.so" ]; then
  ours="$models/cnn-bench"
  if [ ! -x "$ours" ] || [ "$here/cnn_bench.c" -nt "$ours" ] \
      || [ "$build/cnn/libcnn.so" -nt "$ours" ]; then
    echo "run_bench.sh: compiling $ours" >&2
    cflags="-std=c11 -O2 -Wall -D_GNU_SOURCE -I$src/cnn/include"
    # shellcheck disable=SC2086
    if ! ${CC:-cc} $cflags "$here/cnn_bench.c" -o "$ours" \
        -L"$build/cnn" -Wl,-rpath,"$build/cnn" -lcnn; then
      # Symbols missing from libcnn.so's exports: fall back to the internal
      # static library (same code, default visibility).
      [ -f "$build/cnn/libcnn-internal.a" ] || exit 1
      echo "run_bench.sh: linking against libcnn.so failed; using libcnn-internal.a" >&2
      ${CC:-cc} $cflags "$here/cnn_bench.c" -o "$ours" "$build/cnn/libcnn-internal.a" \
        -lopenblas -lprotobuf-c -lpthread -lm
    fi
  fi
fi
if [ -z "$ours" ] && [ -x "$build/cnn/cnn-run" ]; then
  ours="$build/cnn/cnn-run"
fi
[ -n "$ours" ] || { echo "run_bench.sh: no libcnn.so or cnn-run in $build (build it first)" >&2; exit 1; }

# 4. This machine's fp32 FMA peak per core (the "% of peak" column).
peak_tool="$models/fma-peak"
if [ ! -x "$peak_tool" ] || [ "$here/fma_peak.c" -nt "$peak_tool" ]; then
  ${CC:-cc} -std=c11 -O2 -Wall "$here/fma_peak.c" -o "$peak_tool" -lm
fi
peak=$("$peak_tool" | sed -n 's/^peak_gflops=\([0-9.]*\).*/\1/p')
[ -n "$peak" ] || { echo "run_bench.sh: fma-peak printed no peak" >&2; exit 1; }
echo "run_bench.sh: fp32 FMA peak of one core: $peak GFLOP/s" >&2

# 5. The cross-core round trip, measured before every two-thread round (the
#    "cross-core ns" column: tells the VM's slow phases).
latency_tool="$models/core-latency"
if [ ! -x "$latency_tool" ] || [ "$here/core_latency.c" -nt "$latency_tool" ]; then
  ${CC:-cc} -std=c11 -O2 -Wall "$here/core_latency.c" -o "$latency_tool" -lpthread
fi

# 6. Measure.
BENCH_COMMAND="tests/bench/run_bench.sh $(basename "$build")${*:+ $*}"
export BENCH_COMMAND
exec "$python" "$here/bench.py" --build "$build" --models "$models" --ours "$ours" \
  --peak-gflops "$peak" --latency-tool "$latency_tool" --markdown "$models/report.md" "$@"
