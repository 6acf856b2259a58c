#!/usr/bin/env bash
# demo.sh — installs what is needed, builds gst-cnn and runs the demo:
# the 10,000 Fashion-MNIST test images through cnnclassify, ending with the
# accuracy and the frames per second. Arguments go to pipelines/demo.sh
# (e.g. --display to watch the frames with the overlay).
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec bash pipelines/demo.sh "$@"
