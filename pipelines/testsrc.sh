#!/bin/bash
# testsrc.sh — a test pattern through cnnclassify, results on the terminal.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: testsrc.sh [--headless]
#   PATTERN=ball|smpte|snow|…  videotestsrc pattern (default: ball)
#   NUM_BUFFERS=N              stop after N frames (default: endless, 100
#                              headless)
#   MODEL=m.onnx               classifier (default: the installed default)
#
# Shows the pattern with the label box drawn by the element (overlay=true);
# gst-launch-1.0 -m prints each "cnnclassify" bus message (label,
# confidence, top-k). The default Fashion-MNIST model knows only clothes, so
# the labels are not meaningful here: this checks that everything works.
set -euo pipefail
. "$(dirname "$0")/common.sh"

run_pipeline \
  videotestsrc num-buffers="$NUM_BUFFERS" pattern="${PATTERN:-ball}" \
  ! video/x-raw,width=640,height=480,framerate=30/1 \
  ! cnnclassify "${MODEL_PROP[@]}" overlay=true \
  ! videoconvert ! $SINK
