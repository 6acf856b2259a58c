#!/bin/bash
# imagenet.sh — an ImageNet classifier from the ONNX model zoo (ResNet18 v2).
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: imagenet.sh --download            fetch and verify model and labels
#        imagenet.sh [--headless] [INPUT]  classify INPUT (a photo, JPEG/PNG/
#                                          BMP, or a video file); default: a
#                                          test pattern
#   IMAGENET_DIR=…     where the files live (default ~/.cache/gst-cnn)
#   IMAGENET_MODEL=…   use another ImageNet model file instead
#   IMAGENET_LABELS=…  its labels file, one label per line, in class order
#   NUM_BUFFERS=N      frames to classify (a photo is repeated N times)
#
# The model: ResNet18 v2 (MXNet Gluon export, opset 7, 44.6 MB, 69.7 % top-1
# on ILSVRC-2012) from https://github.com/onnx/models, file
# validated/vision/classification/resnet/model/resnet18-v2-7.onnx, checked
# against the SHA-256 that the repository's Git LFS pointer records. Input
# "data" [1,3,224,224] RGB; output 1000 raw scores (cnnclassify applies
# softmax). Preprocessing, as the model zoo's README documents it: values in
# [0,1], mean 0.485,0.456,0.406, std 0.229,0.224,0.225 (R,G,B), centre crop
# (resize=center-crop). Labels: the zoo's synset.txt ("n01440764 tench,
# Tinca tinca") with the WordNet id removed.
#
# Any other ImageNet classifier with the same preprocessing works through
# IMAGENET_MODEL/IMAGENET_LABELS (for example torchvision models exported
# with torch.onnx.export).
set -euo pipefail

ZOO=https://github.com/onnx/models/raw/main/validated/vision/classification
MODEL_URL=$ZOO/resnet/model/resnet18-v2-7.onnx
MODEL_SHA256=3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b
LABELS_URL=$ZOO/synset.txt
IMAGENET_DIR=${IMAGENET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gst-cnn}

download () {
  mkdir -p "$IMAGENET_DIR"
  cd "$IMAGENET_DIR"
  # Exact commands: fetch, then verify before use.
  curl -fL --retry 3 -o resnet18-v2-7.onnx "$MODEL_URL"
  echo "$MODEL_SHA256  resnet18-v2-7.onnx" | sha256sum -c -
  curl -fL --retry 3 -o synset.txt "$LABELS_URL"
  cut -d' ' -f2- synset.txt > imagenet-labels.txt
  if [ "$(wc -l < imagenet-labels.txt)" -ne 1000 ]; then
    echo "error: synset.txt does not have 1000 lines" >&2
    exit 1
  fi
  echo "model and labels are in $IMAGENET_DIR"
}

if [ "${1:-}" = "--download" ]; then
  download
  exit 0
fi

. "$(dirname "$0")/common.sh"

MODEL_FILE=${IMAGENET_MODEL:-$IMAGENET_DIR/resnet18-v2-7.onnx}
LABELS_FILE=${IMAGENET_LABELS:-$IMAGENET_DIR/imagenet-labels.txt}
if [ ! -r "$MODEL_FILE" ] || [ ! -r "$LABELS_FILE" ]; then
  echo "error: $MODEL_FILE or $LABELS_FILE missing; run: $0 --download" >&2
  exit 1
fi

INPUT=${ARGS[0]:-}
case "$INPUT" in
  "")
    SRC=(videotestsrc num-buffers="$NUM_BUFFERS") ;;
  *.jpg|*.jpeg|*.JPG|*.JPEG|*.png|*.PNG|*.bmp|*.BMP)
    # A still photo, repeated as a video stream (imagefreeze).
    [ "$NUM_BUFFERS" -lt 0 ] && NUM_BUFFERS=300
    SRC=(filesrc location="$INPUT" ! decodebin ! videoconvert
      ! imagefreeze num-buffers="$NUM_BUFFERS") ;;
  *)
    SRC=(filesrc location="$INPUT" ! decodebin) ;;
esac

run_pipeline \
  "${SRC[@]}" ! videoconvert \
  ! cnnclassify model="$MODEL_FILE" labels="$LABELS_FILE" \
    'mean=<0.485,0.456,0.406>' 'std=<0.229,0.224,0.225>' \
    channel-order=rgb resize=center-crop top-k=5 overlay=true \
  ! videoconvert ! $SINK
