#!/bin/bash
# file-to-mp4.sh — write an annotated copy of a video: labels burnt in, MP4.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: file-to-mp4.sh INPUT OUTPUT.mp4
#   ENCODER="…"    encoder elements (default: x264enc if installed — Debian
#                  package gstreamer1.0-plugins-ugly — else vp9enc from
#                  gstreamer1.0-plugins-good; both are valid MP4 content)
#   MODEL=m.onnx   classifier (default: the installed default model)
#   LABELS=l.txt   labels file (default: from the model)
#
# The overlay is blended into the pixels (the encoder cannot take overlay
# metadata), so any player shows the labels. Runs headless, as fast as the
# machine allows, and ends when the input ends.
set -euo pipefail
MESSAGES=${MESSAGES:-0}
. "$(dirname "$0")/common.sh"

if [ ${#ARGS[@]} -ne 2 ] || [ ! -r "${ARGS[0]}" ]; then
  echo "usage: $0 INPUT OUTPUT.mp4" >&2
  exit 2
fi
if [ -n "${ENCODER:-}" ]; then
  read -r -a ENC <<<"$ENCODER"
elif gst-inspect-1.0 x264enc >/dev/null 2>&1; then
  ENC=(x264enc speed-preset=veryfast tune=zerolatency)
else
  echo "note: x264enc not found (apt install gstreamer1.0-plugins-ugly);" \
    "writing VP9 in MP4 instead" >&2
  # mp4mux wants chroma-format in the VP9 caps, which vp9enc may omit.
  ENC=(vp9enc deadline=1 cpu-used=8 threads=2
    ! video/x-vp9,chroma-format=4:2:0)
fi
LABELS_PROP=()
if [ -n "${LABELS:-}" ]; then
  LABELS_PROP=("labels=$LABELS")
fi

run_pipeline \
  filesrc location="${ARGS[0]}" ! decodebin ! videoconvert \
  ! cnnclassify "${MODEL_PROP[@]}" "${LABELS_PROP[@]}" overlay=true \
  ! videoconvert ! "${ENC[@]}" ! mp4mux ! filesink location="${ARGS[1]}"
echo "wrote ${ARGS[1]}"
