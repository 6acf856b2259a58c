#!/bin/bash
# screenshot.sh — a PNG of the overlay on real Fashion-MNIST frames.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: screenshot.sh OUTPUT.png [INDEX…]
#   INDEX   test-set images to show, 1-4 of them (default: 0 1 4 8)
#   FASHION_MNIST_DIR=…  data folder (default Debian's)
#   MODEL=m.onnx         classifier (default: the installed default model)
#
# Each image is cut out of the test set's idx file, fed to GStreamer by
# filesrc + rawvideoparse as one GRAY8 28x28 frame, zoomed to 320x320,
# classified by cnnclassify overlay=true, and the tiles are composed side by
# side and written with pngenc. Used for the README's picture:
#   pipelines/screenshot.sh docs/overlay.png
set -euo pipefail
HEADLESS=1
MESSAGES=${MESSAGES:-0}
. "$(dirname "$0")/common.sh"

if [ ${#ARGS[@]} -lt 1 ]; then
  echo "usage: $0 OUTPUT.png [INDEX…]" >&2
  exit 2
fi
OUT=${ARGS[0]}
INDICES=("${ARGS[@]:1}")
[ ${#INDICES[@]} -eq 0 ] && INDICES=(0 1 4 8)
if [ ${#INDICES[@]} -gt 4 ]; then
  echo "at most 4 images" >&2
  exit 2
fi
DATA=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
IMAGES=$DATA/t10k-images-idx3-ubyte.gz
if [ ! -r "$IMAGES" ]; then
  echo "error: $IMAGES missing (apt install dataset-fashion-mnist)" >&2
  exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
S=320
PIPE=(compositor name=mix background=black)
for ((i = 0; i < ${#INDICES[@]}; i++)); do
  PIPE+=("sink_$i::xpos=$((i * (S + 8)))")
done
PIPE+=(! videoconvert ! pngenc snapshot=true ! filesink location="$OUT")
for ((i = 0; i < ${#INDICES[@]}; i++)); do
  # idx3: a 16-byte header, then 784 bytes per image.
  gzip -dc "$IMAGES" | tail -c +$((17 + INDICES[i] * 784)) | head -c 784 \
    > "$TMP/img$i.gray" || true
  PIPE+=(filesrc location="$TMP/img$i.gray"
    ! rawvideoparse format=gray8 width=28 height=28 framerate=1/1
    ! videoscale method=nearest-neighbour ! "video/x-raw,width=$S,height=$S"
    ! videoconvert ! cnnclassify "${MODEL_PROP[@]}" overlay=true
    ! videoconvert ! mix.)
done

run_pipeline "${PIPE[@]}"
echo "wrote $OUT"
