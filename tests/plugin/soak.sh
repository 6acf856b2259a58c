#!/bin/sh
# soak.sh — ≥ 100,000 frames through cnnclassify with the default model,
# resident memory sampled; fails on more than 1 MB of growth after warm-up.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: tests/plugin/soak.sh [BUILD_DIR] [extra soak options...]
#   BUILD_DIR     meson build folder (default: build)
#   SOAK_FRAMES   frames to stream (default 100000; CI uses a short run)
#   SOAK_LIMIT_KB allowed RSS growth after warm-up (default 1024)
#   SOAK_PROPS    cnnclassify properties (default: the default model,
#                 models/fashion-mnist.onnx, with threads=1)
# Takes about 100 s for 100,000 frames at 320x240 on two cores.
# Extra options go to the soak program (--width, --height, --format,
# --every, --warmup, --limit-kb, --min-messages, --allow-unclassified);
# see `soak --help`. Example, async mode:
#   SOAK_PROPS="async=true" tests/plugin/soak.sh build --min-messages 1 \
#     --allow-unclassified 10
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
case $build in /*) ;; *) build=$src/$build ;; esac

soak=$build/tests/plugin/soak
[ -x "$soak" ] || { echo "no $soak: build first (ninja -C $build)" >&2; exit 2; }

frames=${SOAK_FRAMES:-100000}
every=$((frames / 20))
warmup=$((every * 2))
model=$src/models/fashion-mnist.onnx
props=${SOAK_PROPS:-"model=$model threads=1"}

GST_PLUGIN_PATH_1_0=$build/plugin \
GST_REGISTRY=$build/tests/plugin/registry-soak.bin \
GST_CNN_DEFAULT_MODEL=$model \
  exec "$soak" --frames "$frames" --every "$every" --warmup "$warmup" \
    --limit-kb "${SOAK_LIMIT_KB:-1024}" --props "$props" "$@"
