#!/bin/bash
# webcam.sh — a webcam (V4L2) through cnnclassify to a window, with overlay.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: webcam.sh
#   DEVICE=/dev/videoN   camera (default: /dev/video0)
#   MODEL=m.onnx         classifier (default: the installed Fashion-MNIST
#                        model; see imagenet.sh for a general-purpose one)
#   LABELS=l.txt         labels file, one per line (default: from the model)
#
# The Fashion-MNIST model was trained on white garments on a black
# background, 28x28 pixels: point the camera at a single garment on a dark
# surface for sensible labels. Needs a display.
set -euo pipefail
. "$(dirname "$0")/common.sh"

DEVICE=${DEVICE:-/dev/video0}
if [ ! -c "$DEVICE" ]; then
  found=$(ls /dev/video* 2>/dev/null | tr '\n' ' ' || true)
  echo "error: no camera at $DEVICE." >&2
  if [ -n "$found" ]; then
    echo "  Video devices present: $found— choose one with DEVICE=..." >&2
  else
    echo "  No /dev/video* device exists: connect a camera (and check that" \
      "you are in the 'video' group), or try testsrc.sh instead." >&2
  fi
  exit 1
fi

LABELS_PROP=()
if [ -n "${LABELS:-}" ]; then
  LABELS_PROP=("labels=$LABELS")
fi

run_pipeline \
  v4l2src device="$DEVICE" num-buffers="$NUM_BUFFERS" \
  ! videoconvert \
  ! cnnclassify "${MODEL_PROP[@]}" "${LABELS_PROP[@]}" overlay=true \
  ! videoconvert ! $SINK
