#!/usr/bin/env bash
# sanitize.sh — the test suite under AddressSanitizer + UndefinedBehavior-
# Sanitizer, and the threaded tests under ThreadSanitizer.
#
#   scripts/sanitize.sh [asan] [tsan] [tsan-plugin] [fuzz]   (all four when
#                                                             no argument)
#
# asan: builds everything into build-asan (-Db_sanitize=address,undefined)
#       and runs the core suites (kernels, ops, loader, graph, fuzz
#       regressions: suites "cnn" and "core"), the ONNX conformance cases,
#       the pretrained shared models and the GstHarness element tests (suite
#       "plugin"), with leak detection on and UBSan fatal; tests that assert
#       on RSS (ASAN_RSS_TESTS, a regex) run with ASan's quarantine off.
#       Not run: suite "pipelines" (gst-launch and Python processes are not
#       built with ASan).
# tsan: builds the core into build-tsan (-Db_sanitize=thread) and runs the
#       thread pool and kernel tests (1/2/3/4 threads), every enabled ONNX
#       conformance case as a 1-thread session compared with a 2-thread
#       session, and the shared models (sessions of 2 threads).
# tsan-plugin: builds everything into build-tsan-plugin (-Db_sanitize=thread,
#       plugin enabled) and runs the element tests that are clean under
#       TSan: test_streams (8 cnnclassify instances in parallel sharing one
#       model through the model cache), test_cnnclassify (with the async
#       worker), test_messages (results held and posted by the system
#       clock's timer thread), test_cnnoverlay, test_faults and test_modelcache (8
#       threads acquiring one model), about 25 s. GLib/GStreamer are not
#       built with TSan: tests/plugin/tsan_glib_shim.c (linked into those
#       tests in a TSan build) makes GLib's futex GMutex/GCond visible,
#       G_SLICE=always-malloc and in-process registry scanning are set by
#       tests/plugin/meson.build. Not run: test_pipelines and soak-short
#       (real pipelines hand buffers and bus messages between threads
#       through GStreamer's and GLib's internal lock-free queues and thread
#       pools, which TSan cannot see without a TSan-built GStreamer/GLib)
#       and suite "leaks" (shell wrapper, system plugins).
# fuzz: builds the core with clang into build-fuzz (ASan+UBSan, libFuzzer)
#       and runs the model-loader and TensorProto fuzzers for FUZZ_SECONDS
#       (default 60) each on their seeded corpora (tests/fuzz/run_fuzz.sh).
# Environment: CC (default gcc; clang works too), ASAN_SUITES / TSAN_SUITES
# (space-separated meson suites, replacing the defaults), TSAN_PLUGIN_TESTS
# (space-separated test names, replacing tsan-plugin's), SANITIZE_NETWORKS=1
# to add the torchvision networks (slow: a few minutes per network under
# ASan, more under TSan). Any sanitizer report fails its test. Ends with
# "sanitize: N passed, N failed, N skipped"; exit status 0 only if nothing
# failed.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail
cd "$(dirname "$0")/.."

modes=("$@")
[ "${#modes[@]}" -eq 0 ] && modes=(asan tsan tsan-plugin fuzz)
export CC=${CC:-gcc}
export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

passed=0 failed=0 skipped=0
failures=()

# Adds the results of the last `meson test` in build dir $1 to the totals.
count_meson () {
  local counts
  if [ ! -f "$1/meson-logs/testlog.json" ]; then
    failed=$((failed + 1))
    failures+=("$2: meson test did not run (see $1/sanitize-$2.log)")
    echo "== $2: meson test did not run"
    return
  fi
  counts=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = s = 0
bad = []
try:
    lines = open(sys.argv[1]).readlines()
except OSError:
    lines = []
for line in lines:
    try:
        r = json.loads(line)
    except ValueError:  # a log cut short (full disk): a failure
        r = {"name": "unreadable-testlog-line"}
    res = r.get("result", "")
    if res in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif res == "SKIP":
        s += 1
    else:
        f += 1
        bad.append(r.get("name", "?"))
print(p, f, s, " ".join(x.replace(" ", "_") for x in bad))
PY
)
  read -r p f s names <<<"$counts"
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  for n in $names; do failures+=("$2: $n"); done
  echo "== $2: $p passed, $f failed, $s skipped"
}

# Runs meson tests of build dir $1 (label $2, timeout multiplier $3):
# the arguments after that are meson test arguments (--suite X or names).
run_tests () {
  local dir=$1 label=$2 mult=$3
  shift 3
  rm -f "$dir/meson-logs/testlog.json"
  meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 \
    --timeout-multiplier "$mult" "$@" >"$dir/sanitize-$label.log" 2>&1 \
    || true
  sed -n '/^Summary of Failures/,$p' "$dir/sanitize-$label.log" \
    | grep -E '^ *[0-9]+/[0-9]+ ' || true
  count_meson "$dir" "$label"
}

# Runs the meson suites $4... of build dir $1 (label $2, multiplier $3).
run_suites () {
  local dir=$1 label=$2 mult=$3
  shift 3
  local args=()
  for s in "$@"; do args+=(--suite "$s"); done
  run_tests "$dir" "$label" "$mult" "${args[@]}"
}

# Runs one command that prints "...: N passed, N failed" (label $1).
run_counted () {
  local label=$1 log=$2
  shift 2
  local rc=0
  "$@" >"$log" 2>&1 || rc=$?
  local line
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
  if [ "$rc" -eq 77 ]; then
    skipped=$((skipped + 1))
    echo "== $label: skipped"
    return
  fi
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    failures+=("$label: exit $rc, no result line (see $log)")
    echo "== $label: FAILED (exit $rc, see $log)"
    return
  fi
  local p f
  p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1  # a sanitizer stopped the process
  fi
  passed=$((passed + p)) failed=$((failed + f))
  [ "$f" -gt 0 ] && failures+=("$label: $f failed (see $log)")
  echo "== $label: $p passed, $f failed"
}

setup () {
  local dir=$1 sanitize=$2
  shift 2
  if [ ! -d "$dir" ]; then
    meson setup "$dir" --buildtype=debugoptimized -Db_sanitize="$sanitize" \
      -Db_lundef=false "$@" >/dev/null
  fi
  echo "== building $dir ($sanitize, $CC)"
  # -k 0: a target that fails to build fails its tests; the rest still run.
  if ! ninja -C "$dir" -k 0 >"$dir/sanitize-build.log" 2>&1; then
    grep -E '^FAILED:' "$dir/sanitize-build.log" | head -10
    failed=$((failed + 1))
    failures+=("$dir: build failed (see $dir/sanitize-build.log)")
  fi
}

# Conformance case folders of enabled_cases.txt.
enabled_cases () {
  local data
  data=$(meson introspect --buildoptions "$1" | python3 -c \
    'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="onnx_testdata"][0])')
  grep -Ev '^\s*(#|$)' tests/cnn/conformance/enabled_cases.txt \
    | awk -v d="$data" '{ print d "/" $2 }'
}

# Names of the tests of build dir $1 selected by meson test arguments $2...
list_tests () {
  local dir=$1
  shift
  meson test -C "$dir" --no-rebuild --list "$@" 2>/dev/null \
    | sed -n 's|^[^ ]* / ||p'
}

# "--suite A --suite B ..." for the suites $1...
suite_args () {
  local x
  for x in "$@"; do printf -- '--suite\n%s\n' "$x"; done
}

asan () {
  local dir=build-asan
  setup "$dir" address,undefined
  local core=(${ASAN_SUITES:-cnn core conformance shared-models})
  [ "${SANITIZE_NETWORKS:-0}" = 1 ] && core+=(networks)
  # Tests that assert on RSS: ASan's quarantine keeps freed memory resident,
  # so they run with quarantine_size_mb=0 (use-after-free is then caught
  # only when the memory is not reused yet).
  local rss_re=${ASAN_RSS_TESTS:-'^(test_streams|soak-short|kernels/dw_memory/.*)$'}
  local t rest=() plugin=() rss=()
  while read -r t; do
    if [[ $t =~ $rss_re ]]; then rss+=("$t"); else rest+=("$t"); fi
  done < <(list_tests "$dir" $(suite_args "${core[@]}"))
  # Element tests (GstHarness, in-process; not suite "leaks": LSan does its
  # job): the plugin scanner is not built with ASan, so scan in-process;
  # full malloc stacks, so that the known system leaks can be suppressed by
  # name and nothing else is: fontconfig's config cache, GLib's
  # constructors, and GLib's interned-string blocks (g_intern_static_string
  # keeps them for the process's life; they show up when the registry is
  # built in-process, i.e. on the first run in a fresh build folder).
  while read -r t; do
    if [[ $t =~ $rss_re ]]; then rss+=("$t"); else plugin+=("$t"); fi
  done < <(list_tests "$dir" --suite plugin --no-suite leaks)
  [ "${#rest[@]}" -gt 0 ] && run_tests "$dir" asan 4 "${rest[@]}"

  local supp="$dir/lsan.supp"
  printf 'leak:libfontconfig.so\nleak:_dl_init\nleak:g_intern_static_string\n' \
    >"$supp"
  export GST_REGISTRY_FORK=no LSAN_OPTIONS="suppressions=$PWD/$supp"
  local opts="$ASAN_OPTIONS:fast_unwind_on_malloc=0:malloc_context_size=40"
  [ "${#plugin[@]}" -gt 0 ] \
    && ASAN_OPTIONS=$opts run_tests "$dir" asan-plugin 4 "${plugin[@]}"
  # soak-short: ASan's own allocator caches and its allocation-stack depot
  # grow by about a megabyte over 10,000 frames, so its RSS limit is 8 MB
  # here (LSan does the leak check; the plain run keeps the 1 MB limit).
  [ "${#rss[@]}" -gt 0 ] && ASAN_OPTIONS="$opts:quarantine_size_mb=0" \
    SOAK_LIMIT_KB=8192 run_tests "$dir" asan-rss 4 "${rss[@]}"
  unset GST_REGISTRY_FORK LSAN_OPTIONS
}

tsan () {
  local dir=build-tsan
  setup "$dir" thread -Dplugin=disabled
  local suites=(${TSAN_SUITES:-kernels shared-models})
  [ "${SANITIZE_NETWORKS:-0}" = 1 ] && suites+=(networks)
  run_suites "$dir" tsan 10 "${suites[@]}"
  local cases
  mapfile -t cases < <(enabled_cases "$dir")
  run_counted "tsan: conformance 1 vs 2 threads" "$dir/sanitize-conformance.log" \
    "$dir/tests/cnn/conformance/run_onnx_case" --threads 1 --threads-check 2 \
    "${cases[@]}"
  if grep -q 'ThreadSanitizer' "$dir"/sanitize-*.log "$dir"/meson-logs/testlog.txt \
      2>/dev/null; then
    echo "== tsan: ThreadSanitizer reports in $dir/sanitize-*.log / meson-logs"
  fi
}

# Element tests (GstHarness, in-process) under TSan; see the top comment.
tsan_plugin () {
  local dir=build-tsan-plugin
  setup "$dir" thread -Dplugin=enabled
  local tests=(${TSAN_PLUGIN_TESTS:-test_streams test_cnnclassify test_messages \
    test_cnnoverlay test_faults test_modelcache})
  # a registry written by a run with the forked scanner (which cannot load
  # a TSan plugin) would list our plugin as broken
  rm -f "$dir"/tests/plugin/registry*.bin
  run_tests "$dir" tsan-plugin 4 "${tests[@]}"
  if grep -q 'ThreadSanitizer' "$dir"/sanitize-tsan-plugin.log \
      "$dir"/meson-logs/testlog.txt 2>/dev/null; then
    echo "== tsan-plugin: ThreadSanitizer reports in $dir/sanitize-tsan-plugin.log"
  fi
}

# Both libFuzzer targets for FUZZ_SECONDS (default 60) each, built with
# Debian's clang (ASan+UBSan) into build-fuzz; see tests/fuzz/meson.build.
fuzz () {
  local dir=build-fuzz
  if ! command -v clang >/dev/null 2>&1; then
    echo "== fuzz: skipped (no clang; scripts/install-deps.sh installs it)"
    skipped=$((skipped + 1))
    return
  fi
  CC=clang setup "$dir" address,undefined -Dplugin=disabled
  run_suites "$dir" fuzz 1 fuzz
}

for m in "${modes[@]}"; do
  case $m in
    asan) asan ;;
    tsan) tsan ;;
    tsan-plugin) tsan_plugin ;;
    fuzz) fuzz ;;
    *) echo "usage: $0 [asan] [tsan] [tsan-plugin] [fuzz]" >&2; exit 2 ;;
  esac
done

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "sanitize: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
