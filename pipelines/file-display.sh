#!/bin/bash
# file-display.sh — a video file through cnnclassify to a window, with overlay.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: file-display.sh [--headless] VIDEO
#   MODEL=m.onnx   classifier (default: the installed default model)
#   LABELS=l.txt   labels file (default: from the model)
#
# decodebin picks the demuxer and decoder for any format GStreamer can play
# (WebM/VP8, Ogg/Theora, AVI/MJPEG …; MP4/H.264 needs gstreamer1.0-libav).
# With --headless the frames go to a fakesink as fast as they decode, and
# the "cnnclassify" bus messages are printed.
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ ${#ARGS[@]} -ne 1 ] || [ ! -r "${ARGS[0]}" ]; then
  echo "usage: $0 [--headless] VIDEO   (a readable video file)" >&2
  exit 2
fi
LABELS_PROP=()
if [ -n "${LABELS:-}" ]; then
  LABELS_PROP=("labels=$LABELS")
fi

run_pipeline \
  filesrc location="${ARGS[0]}" ! decodebin ! videoconvert \
  ! cnnclassify "${MODEL_PROP[@]}" "${LABELS_PROP[@]}" overlay=true \
  ! videoconvert ! $SINK
