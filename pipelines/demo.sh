#!/bin/bash
# demo.sh — the Fashion-MNIST demo: 10,000 test images through cnnclassify.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: demo.sh [--display] [cnn-demo options…]
#   --display        show the frames (zoomed) with the overlay in a window,
#                    paced at 10 frames per second (Ctrl+C ends early)
#   --limit N        stream only the first N images
#   --threads N      inference threads (default 1; 0 = all cores)
#   BUILD_DIR=…      meson build folder (default: build, beside pipelines/)
#   DEMO_NO_BUILD=1  do not (re)build first
#
# Builds gst-cnn if needed (meson + ninja), then runs the uninstalled demo
# program: appsrc (one GRAY8 28x28 frame per test image) ! cnnclassify !
# fakesink. It scores the element's own bus messages against the true
# labels, shows a progress line and ends with the accuracy and the frames
# per second. Needs the Debian package dataset-fashion-mnist.
set -euo pipefail

SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SRC_DIR/build}

if [ "${DEMO_NO_BUILD:-0}" != 1 ]; then
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    meson setup "$BUILD_DIR" "$SRC_DIR"
  fi
  ninja -C "$BUILD_DIR"
fi

DEMO="$BUILD_DIR/pipelines/cnn-demo"
if [ ! -x "$DEMO" ]; then
  echo "error: $DEMO was not built (is the GStreamer plugin enabled?" \
    "see meson setup's summary)" >&2
  exit 1
fi

# One inference thread by default: a 28x28 model is too small to gain from
# more, and a thread pool only adds wake-up costs (override with --threads).
ARGS=(--threads 1)
for arg in "$@"; do
  if [ "$arg" = "--display" ]; then
    ARGS+=(--display --fps 10)
  else
    ARGS+=("$arg")
  fi
done

# Uninstalled: the plugin from the build folder, the model from the sources.
export GST_PLUGIN_PATH="$BUILD_DIR/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
exec "$DEMO" --model "$SRC_DIR/models/fashion-mnist.onnx" "${ARGS[@]}"
