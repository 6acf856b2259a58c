#!/bin/bash
# multi-stream.sh — several video streams classified by one model, one mosaic.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: multi-stream.sh [--headless] [STREAMS]
#   STREAMS        number of streams, 1-8 (default 3)
#   MODEL=m.onnx   the model all streams use (default: the installed default)
#   THREADS=N      inference threads per stream (default 1, so N streams use
#                  N cores between them)
#
# Each stream (a different videotestsrc pattern here; replace with cameras,
# files or RTSP sources) has its own cnnclassify with the same model file,
# each on its own streaming thread. The labelled streams are tiled into one
# window by compositor. The bus messages say which stream they come from in
# the element name (cls0, cls1, …).
set -euo pipefail
. "$(dirname "$0")/common.sh"

N=${ARGS[0]:-3}
if ! [[ "$N" =~ ^[1-8]$ ]]; then
  echo "usage: $0 [--headless] [STREAMS 1-8]" >&2
  exit 2
fi
W=320
H=240
PATTERNS=(ball smpte snow pinwheel spokes gradient checkers-8 circular)

MIX=(compositor name=mix)
for ((i = 0; i < N; i++)); do
  MIX+=("sink_$i::xpos=$(( (i % 4) * W ))" "sink_$i::ypos=$(( (i / 4) * H ))")
done
PIPE=("${MIX[@]}" ! videoconvert ! $SINK)
for ((i = 0; i < N; i++)); do
  PIPE+=(videotestsrc num-buffers="$NUM_BUFFERS" pattern="${PATTERNS[$i]}"
    ! "video/x-raw,width=$W,height=$H,framerate=30/1"
    ! cnnclassify name="cls$i" "${MODEL_PROP[@]}" threads="${THREADS:-1}"
      overlay=true
    ! queue ! mix.)
done

run_pipeline "${PIPE[@]}"
