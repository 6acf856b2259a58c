#!/usr/bin/env bash
# install-deps.sh — installs every Debian 12 package gst-cnn needs to build,
# test and run its demo. Run as root (or with sudo). Safe to run again.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

packages=(
  # build
  build-essential meson ninja-build pkg-config zlib1g-dev
  # inference core
  libopenblas-dev libopenblas-serial-dev libprotobuf-c-dev protobuf-c-compiler libonnx-dev
  # GStreamer plugin, overlay
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libpango1.0-dev libcairo2-dev
  # default model data, test models and conformance data
  dataset-fashion-mnist libonnx-testdata
  python3-torch python3-torchvision python3-onnx python3-numpy
  # tests: sanitizers, leak checks
  valgrind clang libclang-rt-14-dev
)

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
