# common.sh — shared settings for the example pipelines (sourced, not run).
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: after `. common.sh "$@"` a script has
#   GST_LAUNCH   gst-launch-1.0 (with -m when MESSAGES=1, the default, so the
#                element's "cnnclassify" bus messages are printed)
#   SINK         the display sink, or "fakesink sync=false" when headless
#   HEADLESS     1 when --headless was given or HEADLESS=1 is set
#   NUM_BUFFERS  frame bound for the sources (env; default -1 = unbounded,
#                100 when headless)
#   MODEL_PROP   array: (model=$MODEL) when MODEL is set, else empty (the
#                element then uses GST_CNN_DEFAULT_MODEL or its installed
#                default model)
#   ARGS         the remaining positional arguments (array)
# and `run_pipeline elem prop=value ! elem …` prints and runs a pipeline, one
# shell word per gst-launch token (so values need only shell quoting).
#
# Uninstalled use: set GST_CNN_BUILD_DIR to a meson build folder and the
# plugin in "$GST_CNN_BUILD_DIR/plugin" is put on GST_PLUGIN_PATH, with the
# source tree's default model as GST_CNN_DEFAULT_MODEL.

PIPELINES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

HEADLESS=${HEADLESS:-0}
ARGS=()
for arg in "$@"; do
  case "$arg" in
    --headless) HEADLESS=1 ;;
    -h|--help)
      sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
      exit 0 ;;
    *) ARGS+=("$arg") ;;
  esac
done

if [ -n "${GST_CNN_BUILD_DIR:-}" ]; then
  export GST_PLUGIN_PATH="$GST_CNN_BUILD_DIR/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
  if [ -z "${GST_CNN_DEFAULT_MODEL:-}" ]; then
    export GST_CNN_DEFAULT_MODEL="$PIPELINES_DIR/../models/fashion-mnist.onnx"
  fi
fi

if [ "$HEADLESS" = 1 ]; then
  SINK="fakesink sync=false"
  NUM_BUFFERS=${NUM_BUFFERS:-100}
else
  SINK="autovideosink"
  NUM_BUFFERS=${NUM_BUFFERS:--1}
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "note: no DISPLAY/WAYLAND_DISPLAY; a window may not open" \
      "(use --headless to run without one)" >&2
  fi
fi

GST_LAUNCH=(gst-launch-1.0)
if [ "${MESSAGES:-1}" = 1 ]; then
  GST_LAUNCH+=(-m)
fi
GST_LAUNCH+=(-e)

MODEL_PROP=()
if [ -n "${MODEL:-}" ]; then
  MODEL_PROP=("model=$MODEL")
fi

if ! gst-inspect-1.0 cnnclassify >/dev/null 2>&1; then
  echo "error: GStreamer cannot find the cnnclassify element." >&2
  echo "  Install gst-cnn (meson install) or run uninstalled with" >&2
  echo "  GST_CNN_BUILD_DIR=<meson build folder> $0 ..." >&2
  exit 1
fi

# run_pipeline TOKEN...: print the command line, then run it.
run_pipeline () {
  echo "+ ${GST_LAUNCH[*]} $*" >&2
  "${GST_LAUNCH[@]}" "$@"
}
