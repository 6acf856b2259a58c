#!/bin/sh
# check_network.sh — generates one torchvision network's ONNX variants and
# runs each on the core against PyTorch's output, one variant at a time.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: check_network.sh PYTHON MAKE_NETWORKS OUTDIR RUNNER NET [RUNNER_OPTION...]
# Exit 77 (skip) when PYTHON, torch, torchvision or onnx is missing.
#
# Disk: a variant folder that passed is kept as a cache only when it is under
# KEEP_KB (64 MB); bigger ones (AlexNet, VGG-11, Inception-v3, ResNet-50:
# 90-510 MB each) are deleted at once and made again on the next run. So the
# suite needs about 1 GB of free disk at its peak (two big variants at once),
# not the 4.5 GB that all variants together take. A failing variant is kept
# for inspection.
python=$1 gen=$2 out=$3 runner=$4 net=$5
shift 5
KEEP_KB=65536
if [ ! -x "$python" ]; then
  echo "SKIP: $python not found"
  exit 77
fi
status=0
for variant in op9 op11 op13 bn13; do
  folder="$out/${net}_$variant"
  "$python" "$gen" "$out" "$net" --variant "$variant"
  rc=$?
  if [ "$rc" -eq 77 ]; then
    exit 77
  elif [ "$rc" -ne 0 ]; then
    echo "FAIL: generating ${net}_$variant exited with $rc"
    rm -rf "$folder"      # half-written: never a cache
    exit 1
  fi
  if ! "$runner" "$@" "$folder"; then
    status=1
  elif [ "$(du -sk "$folder" | cut -f1)" -ge "$KEEP_KB" ]; then
    rm -rf "$folder"
  fi
done
exit $status
