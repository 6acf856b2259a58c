#!/bin/sh
# check_network.sh — generates one torchvision network's ONNX variants (cached)
# and runs them on the core against PyTorch's output.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check_network.sh PYTHON MAKE_NETWORKS OUTDIR RUNNER NET [RUNNER_OPTION...]
# Exit 77 (skip) when PYTHON, torch, torchvision or onnx is missing.
python=$1 gen=$2 out=$3 runner=$4 net=$5
shift 5
if [ ! -x "$python" ]; then
  echo "SKIP: $python not found"
  exit 77
fi
"$python" "$gen" "$out" "$net"
rc=$?
if [ "$rc" -eq 77 ]; then
  exit 77
elif [ "$rc" -ne 0 ]; then
  echo "FAIL: generating $net exited with $rc"
  exit 1
fi
exec "$runner" "$@" "$out/${net}_op9" "$out/${net}_op11" "$out/${net}_op13" \
  "$out/${net}_bn13"
