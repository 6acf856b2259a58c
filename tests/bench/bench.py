#!/usr/bin/python3
# bench.py — gst-cnn's core against ONNX Runtime, and the element end to end.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: the driver behind run_bench.sh (which installs onnxruntime-node and
# generates the models first). For every model in --models and every thread
# count it
#   1. checks that both runtimes compute the same thing on the same input:
#      top-1 equal and max |ours - ORT| <= CHECK_RTOL x max |ORT| (ORT is also
#      checked against PyTorch's own output, so a broken reference shows up);
#   2. times our core (cnn-bench, or cnn-run) and ONNX Runtime (ort_bench.js)
#      ALTERNATELY: --rounds rounds of --runs timed runs each (after a warm-up
#      in every process), the runtime that goes first switching every round;
#      with fewer threads than CPUs, both runtimes' processes of a round are
#      pinned to the same CPUs, which change every two rounds (a VM's vCPUs
#      can differ in speed, and a process keeps the one it starts on);
#      median and p90 are taken over all runs of a runtime;
#   3. prints per model and thread count: medians, p90s, the ratio ours/ORT,
#      GFLOP/s and % of peak (FLOPs from count_flops.py, PEAK_GFLOPS_PER_CORE);
#   4. times the element: gst-launch-1.0 videotestsrc ! cnnclassify ! fakesink
#      at the model's input size and at 1920x1080 against the core alone
#      (skipped with a message when the plugin is not built).
# The result is printed as markdown (and written to --markdown when given).
# A model our core cannot load or run is reported with the core's message and
# the others are still measured. Exit status 0 unless the tools are missing.

import argparse
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# fp32 FMA peak of one core when --peak-gflops is not given: issue 5's
# reference machine (AVX-512 with two FMA units). run_bench.sh measures the
# machine's own with fma_peak.c (an AVX-512 core that runs 512-bit FMAs on
# 256-bit units has half this). % of peak at N threads is measured GFLOP/s
# / (N x the peak).
PEAK_GFLOPS_PER_CORE = 243.0
PEAK = PEAK_GFLOPS_PER_CORE          # what main() uses (--peak-gflops)
PEAK_SOURCE = "issue 5's reference machine"

# Outputs are "close" when max |ours - ORT| <= CHECK_RTOL x max |ORT|.
CHECK_RTOL = 1e-3

# A cross-core round trip (core_latency.c) this slow or slower marks a slow
# phase of the VM: 60-70 ns normally, about 350 ns in those phases.
SLOW_ROUNDTRIP_NS = 200.0

MODELS = ["resnet18", "resnet50", "mobilenet_v2", "squeezenet1_1", "small28"]
LINE_RE = re.compile(r"median_ms=([0-9.eE+-]+) p90_ms=([0-9.eE+-]+) runs=(\d+)")


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def p90(xs):
    """Nearest-rank 90th percentile, as in cnn_bench.c and ort_bench.js."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[max(0, -(-9 * len(s) // 10) - 1)]


class Runner:
    """One runtime: builds its command line and parses its timing output."""

    def __init__(self, name, argv_prefix, kind):
        self.name = name
        self.prefix = argv_prefix
        self.kind = kind            # "cnn-bench", "cnn-run" or "ort"

    def command(self, model, threads, runs, warmup, inp):
        argv = self.prefix + [model, "--threads", str(threads),
                              "--bench", str(runs)]
        if self.kind == "cnn-run":     # fixed warm-up, input given once
            return argv + ["-i", inp]
        return argv + ["--warmup", str(warmup), "--input", inp]

    def output(self, model, threads, inp, out):
        """Writes the first output for `inp` to `out` (raw float32 file, or
        for cnn-run a folder with output_0.pb) after two warm-up runs."""
        if self.kind == "cnn-run":
            argv = self.prefix + [model, "--threads", str(threads), "-i", inp, "-o", out]
        else:
            argv = self.command(model, threads, 1, 2, inp) + ["--output", out]
        self.execute(argv)

    @staticmethod
    def execute(argv, timeout=900, cpus=None):
        pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                           preexec_fn=pin)
        if p.returncode != 0:
            msg = (p.stderr.strip() or p.stdout.strip() or "exit %d" % p.returncode)
            raise RuntimeError(msg.splitlines()[-1][:300])
        return p.stdout

    def run(self, model, threads, runs, warmup, inp, cpus=None):
        """Returns (list of per-run ms or [median] for cnn-run, info dict);
        cpus: the set of CPUs the process may run on (None: all)."""
        argv = self.command(model, threads, runs, warmup, inp)
        stdout = self.execute(argv, cpus=cpus)
        info = {}
        times = None
        for line in stdout.splitlines():
            if line.startswith("times_ms="):
                times = [float(t) for t in line[9:].split(",") if t]
            elif LINE_RE.search(line):
                m = LINE_RE.search(line)
                info["median"], info["p90"] = float(m.group(1)), float(m.group(2))
            for key, val in re.findall(r"(\w+)=([0-9.]+)(?=\s|$)", line):
                if key not in ("median_ms", "p90_ms", "runs"):
                    info[key] = float(val)
        if "median" not in info:
            raise RuntimeError("no median_ms line in output of " + shlex.join(argv))
        return (times if times else [info["median"]]), info


def read_f32(path):
    return np.fromfile(path, dtype="<f4")


def read_cnn_run_output(outdir):
    from onnx import numpy_helper, TensorProto
    t = TensorProto()
    with open(os.path.join(outdir, "output_0.pb"), "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t).astype(np.float32).ravel()


def compare(a, ref):
    """(top-1 equal, max abs diff, max |ref|) of two output vectors."""
    if a.size != ref.size:
        return False, float("inf"), float(np.abs(ref).max())
    return (int(a.argmax()) == int(ref.argmax()), float(np.abs(a - ref).max()),
            float(np.abs(ref).max()))


def check_model(name, threads, args, ours, ort, tmp):
    """Runs both runtimes on the model's input (output of the third run, so
    state left behind by a run shows up); returns (ok, text)."""
    model, inp = model_files(args, name)
    ort_out = os.path.join(tmp, name + ".ort.f32")
    ort.output(model, threads, inp, ort_out)
    ref_ort = read_f32(ort_out)
    ref_torch = read_f32(os.path.join(args.models, name + ".torch.f32"))
    t_ok, t_diff, t_max = compare(ref_ort, ref_torch)
    if not t_ok or t_diff > CHECK_RTOL * t_max:
        return False, ("**NO**: ORT disagrees with PyTorch (max diff %.3g of %.3g)"
                       % (t_diff, t_max))
    if ours.kind == "cnn-run":
        outdir = os.path.join(tmp, name + ".ours")
        os.makedirs(outdir, exist_ok=True)
        ours.output(model, threads, inp, outdir)
        got = read_cnn_run_output(outdir)
    else:
        ours_out = os.path.join(tmp, name + ".ours.f32")
        ours.output(model, threads, inp, ours_out)
        got = read_f32(ours_out)
    ok, diff, vmax = compare(got, ref_ort)
    good = ok and diff <= CHECK_RTOL * vmax
    text = "%s (top-1 %s, max diff %.1e = %.1e rel)" % (
        "yes" if good else "**NO**", "same" if ok else "DIFFERENT", diff,
        diff / vmax if vmax else diff)
    return good, text


def model_files(args, name):
    return (os.path.join(args.models, name + ".onnx"),
            os.path.join(args.models, name + ".input.f32"))


def core_latency(args):
    """Cross-core round trip in ns (core_latency.c), or NaN without the tool
    or when it fails (e.g. on one CPU: it says why, once)."""
    if not args.latency_tool:
        return float("nan")
    p = subprocess.run([args.latency_tool], capture_output=True, text=True)
    m = re.search(r"roundtrip_ns=([0-9.]+)", p.stdout)
    if not m:
        log("core-latency failed (%s); the cross-core column stays empty"
            % (p.stderr.strip() or "exit %d" % p.returncode))
        args.latency_tool = None
        return float("nan")
    return float(m.group(1))


def round_cpus(args, threads, r):
    """CPUs of round r at `threads` threads: None (all) unless pinning and
    fewer threads than CPUs; else `threads` CPUs starting at a CPU that
    moves on every two rounds (so each CPU sees both runtime orders)."""
    cpus = sorted(os.sched_getaffinity(0))
    if args.no_pin or threads >= len(cpus):
        return None
    first = (r // 2 * threads) % len(cpus)
    return {cpus[(first + i) % len(cpus)] for i in range(threads)}


def time_pair(name, threads, args, ours, ort):
    """Alternating rounds; returns dict runtime -> (times, last info, CPU ms
    per run of every round), "latency" -> per round, the cross-core round
    trips measured before, between and after the two runtimes' runs (two
    threads and more), and "rounds" -> per round, (ours times, ORT times)."""
    model, inp = model_files(args, name)
    result = {"ours": ([], {}, []), "ort": ([], {}, []), "latency": [],
              "rounds": []}
    for r in range(args.rounds):
        order = [("ours", ours), ("ort", ort)]
        if r % 2:
            order.reverse()
        probes = []
        round_times = {}
        cpus = round_cpus(args, threads, r)
        for key, runner in order:
            if threads > 1:
                probes.append(core_latency(args))
            times, info = runner.run(model, threads, args.runs, args.warmup, inp,
                                     cpus)
            result[key][0].extend(times)
            result[key][1].update(info)
            if "cpu_ms" in info:
                result[key][2].append(info["cpu_ms"])
            round_times[key] = times
        if threads > 1:
            probes.append(core_latency(args))
            result["latency"].append(probes)
        result["rounds"].append((round_times["ours"], round_times["ort"]))
        log("  %s threads=%d round %d/%d%s: ours %.3f ms, ORT %.3f ms%s" % (
            name, threads, r + 1, args.rounds,
            " (CPU %s)" % ",".join(map(str, sorted(cpus))) if cpus else "",
            median(round_times["ours"]), median(round_times["ort"]),
            ", cross-core %s ns" % "/".join("%.0f" % x for x in probes)
            if probes else ""))
    return result


def slow_round(probes):
    return max(probes) >= SLOW_ROUNDTRIP_NS


def latency_cells(res):
    """The "cross-core ns (slow rounds)" and "ours/ORT, normal rounds" cells
    of a row."""
    lat = [p for p in res["latency"] if all(x == x for x in p)]
    if not lat:
        return "–", "–"
    slow = [slow_round(p) for p in lat]
    cross = "%.0f (%d/%d)" % (median([x for p in lat for x in p]), sum(slow),
                              len(lat))
    normal = [rt for rt, s in zip(res["rounds"], slow) if not s]
    if not normal:
        return cross, "– (no normal round)"
    o = median([t for rt in normal for t in rt[0]])
    t = median([t for rt in normal for t in rt[1]])
    return cross, "%.2f (%d rounds)" % (o / t, len(normal))


def count_flops(args, names):
    paths = [model_files(args, n)[0] for n in names]
    p = subprocess.run([sys.executable, os.path.join(HERE, "count_flops.py")] + paths,
                       capture_output=True, text=True)
    flops = {}
    for line in p.stdout.splitlines():
        m = re.match(r"(\S+) flops=(\d+)", line)
        if m:
            flops[m.group(1)] = int(m.group(2))
    if p.returncode != 0:
        log("count_flops: " + p.stderr.strip())
    return flops


def fmt_ms(x):
    if x != x:
        return "–"
    return "%.3f" % x if x < 1 else ("%.2f" % x if x < 100 else "%.1f" % x)


def core_rows(args, ours, ort, tmp, flops):
    """Measures every model; returns (markdown lines, memory lines, core ms)."""
    hdr = ["| model | GFLOP | threads | ours median ms | ours p90 ms | ORT median ms "
           "| ORT p90 ms | ours/ORT | ours GFLOP/s (% peak) | ORT GFLOP/s (% peak) "
           "| CPU ms/run ours, ORT (ratio) | cross-core ns (slow rounds) "
           "| ours/ORT, normal rounds only | same output? |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    mem = ["| model | weights MB | arena MB at %d thread(s) | RSS after runs MB (x) "
           "| peak RSS MB, load included (x) | peak RSS − RSS at start MB (x) |"
           % max(args.threads),
           "|---|---:|---:|---:|---:|---:|"]
    core_ms = {}
    for name in args.only:
        gflop = flops.get(name, 0) / 1e9
        for threads in args.threads:
            try:
                _, check = check_model(name, threads, args, ours, ort, tmp)
                log("%s threads=%d: same output? %s" % (name, threads, check))
                res = time_pair(name, threads, args, ours, ort)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
                log("%s threads=%d: %s" % (name, threads, e))
                hdr.append("| %s | %.2f | %d | fails: `%s` | | | | | | | | | | – |"
                           % (name, gflop, threads, str(e).replace("|", "/")))
                continue
            hdr.append(table_row(name, gflop, threads, res, check))
            core_ms[(name, threads)] = median(res["ours"][0])
            if threads == max(args.threads):
                mem.append(memory_row(name, res["ours"][1]))
    return hdr, mem, core_ms


def table_row(name, gflop, threads, res, check):
    o, t = res["ours"][0], res["ort"][0]
    om, tm = median(o), median(t)
    peak = PEAK * threads

    def rate(ms):
        g = gflop / (ms / 1e3) if ms > 0 else float("nan")
        return "%.1f (%.0f%%)" % (g, 100 * g / peak)
    oc, tc = median(res["ours"][2]), median(res["ort"][2])
    cpu = "%s, %s (%.2f)" % (fmt_ms(oc), fmt_ms(tc), oc / tc) if oc == oc else "–"
    cross, normal = latency_cells(res)
    return ("| %s | %.2f | %d | %s | %s | %s | %s | **%.2f** | %s | %s | %s | %s | %s "
            "| %s |" % (name, gflop, threads, fmt_ms(om), fmt_ms(p90(o)), fmt_ms(tm),
                        fmt_ms(p90(t)), om / tm, rate(om), rate(tm), cpu, cross,
                        normal, check))


def memory_row(name, info):
    if "weights_mb" not in info:
        return "| %s | – | – | – | – | – |" % name
    w, a = info["weights_mb"], info["arena_mb"]
    rss, peak = info.get("rss_mb", float("nan")), info["peak_rss_mb"]
    grown = peak - info.get("start_rss_mb", float("nan"))
    return "| %s | %.1f | %.1f | %.1f (%.2f) | %.1f (%.2f) | %.1f (%.2f) |" % (
        name, w, a, rss, rss / (w + a), peak, peak / (w + a), grown, grown / (w + a))


def model_input_size(path):
    import onnx
    m = onnx.load(path, load_external_data=False)
    inits = {i.name for i in m.graph.initializer}
    for vi in m.graph.input:
        if vi.name not in inits:
            dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
            return dims[-1], dims[-2]
    raise ValueError(path + ": no input")


def gst_env(args):
    env = dict(os.environ)
    plugin_dir = os.path.join(args.build, "plugin")
    env["GST_PLUGIN_PATH"] = plugin_dir + (
        ":" + env["GST_PLUGIN_PATH"] if env.get("GST_PLUGIN_PATH") else "")
    env["GST_REGISTRY_1_0"] = os.path.join(args.work, "gst-registry.bin")
    return env


def gst_launch(env, caps, element, frames, cpus=None):
    """(wall ms, CPU ms of the process) of one gst-launch-1.0 run, on cpus
    (None: any)."""
    desc = "videotestsrc num-buffers=%d ! %s ! %sfakesink sync=false" % (
        frames, caps, element + " ! " if element else "")
    with tempfile.TemporaryFile(mode="w+") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(["gst-launch-1.0", "-q"] + shlex.split(desc), env=env,
                             stdout=subprocess.DEVNULL, stderr=err,
                             preexec_fn=(lambda: os.sched_setaffinity(0, cpus))
                             if cpus else None)
        _, status, ru = os.wait4(p.pid, 0)
        wall = (time.monotonic() - t0) * 1e3
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            lines = err.read().strip() or "exit %d" % p.returncode
            raise RuntimeError("gst-launch-1.0 %s: %s"
                               % (desc, lines.splitlines()[-1][:300]))
    return wall, (ru.ru_utime + ru.ru_stime) * 1e3


def per_frame_ms(env, caps, element, frames, cpus=None):
    """(wall, CPU) ms per frame without start-up: (t(5 + frames) - t(5)) / frames."""
    short = gst_launch(env, caps, element, 5, cpus)
    full = gst_launch(env, caps, element, 5 + frames, cpus)
    return tuple((f - s) / frames for f, s in zip(full, short))


def element_point(env, args, ours, name, threads, size, frames):
    """Wall and CPU ms per frame of the pipeline, of the source alone and of
    the core alone (timed in between the pipelines, so all see the same
    machine load; pinned like the core's rounds, the CPUs changing every
    repetition), medians over --gst-reps repetitions."""
    model, inp = model_files(args, name)
    caps = "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1" % (
        args.gst_format, size[0], size[1])
    element = "cnnclassify model=%s threads=%d" % (shlex.quote(model), threads)
    got = {k: [] for k in ("full", "full_cpu", "base", "base_cpu", "core", "core_cpu",
                           "core_median")}
    for rep in range(args.gst_reps):
        cpus = round_cpus(args, threads, 2 * rep)
        for key, elem in (("base", None), ("core", None), ("full", element), ("core", None)):
            if key == "core":
                # the pipeline's figure is a mean over its frames, outliers
                # included, so the core's is the mean of its runs too
                times, info = ours.run(model, threads, frames, args.warmup, inp,
                                       cpus)
                wall, cpu = statistics.fmean(times), info.get("cpu_ms", float("nan"))
                got["core_median"].append(median(times))
            else:
                wall, cpu = per_frame_ms(env, caps, elem, frames, cpus)
            got[key].append(wall)
            got[key + "_cpu"].append(cpu)
    return {k: median(v) for k, v in got.items()}


def element_row(name, threads, size, fmt, m):
    elem = m["full"] - m["base"]
    elem_cpu = m["full_cpu"] - m["base_cpu"]
    log("  element %s threads=%d %dx%d: pipeline %.3f ms (CPU %.3f), element CPU %.3f, "
        "core mean %.3f ms, median %.3f (CPU %.3f)" % (
            name, threads, size[0], size[1], m["full"], m["full_cpu"], elem_cpu,
            m["core"], m["core_median"], m["core_cpu"]))
    return ("| %s | %d | %dx%d %s | %s (%.0f) | %s | %s (%s) | **%.2f** (%.2f) | %s | %s "
            "| **%.2f** | %s |"
            % (name, threads, size[0], size[1], fmt, fmt_ms(m["full"]), 1e3 / m["full"],
               fmt_ms(m["base"]), fmt_ms(m["core"]), fmt_ms(m["core_median"]),
               elem / m["core"], elem / m["core_median"],
               fmt_ms(elem_cpu), fmt_ms(m["core_cpu"]), elem_cpu / m["core_cpu"],
               fmt_ms(elem_cpu - m["core_cpu"])))


def plugin_problem(args, env):
    """Why gst-inspect-1.0 cannot find cnnclassify, in one line."""
    lib = os.path.join(args.build, "plugin", "libgstcnn.so")
    if not os.path.exists(lib):
        return "cnnclassify not found: %s not built yet" % lib
    p = subprocess.run(["gst-inspect-1.0", lib], env=env, capture_output=True, text=True)
    lines = (p.stderr.strip() or p.stdout.strip() or "no message").splitlines()
    return "%s does not load: `%s`" % (lib, lines[-1][:300])


def element_rows(args, ours, core_ms):
    """videotestsrc ! cnnclassify ! fakesink against the core alone."""
    env = gst_env(args)
    p = subprocess.run(["gst-inspect-1.0", "cnnclassify"], env=env,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return ["_Element benchmark skipped: %s._" % plugin_problem(args, env)]
    rows = ["| model | threads | frame | wall ms/frame: pipeline (fps) | source only "
            "| core alone: mean (median) | (pipeline − source) / core mean (/ median) "
            "| CPU ms/frame: element "
            "(pipeline − source) | core alone | element / core | element − core |",
            "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for (name, threads), cms in core_ms.items():       # in measuring order
        if threads not in args.gst_threads:
            continue
        w, h = model_input_size(model_files(args, name)[0])
        # about --gst-seconds of core time per pipeline (small28: 22,000
        # frames; with 5000, 0.5 s, the launches' start-up spread moved its
        # ratio by up to 0.1); at 1080p at most 5000, the source alone takes
        # about 2 ms a frame there
        frames = int(max(10, args.gst_seconds * 1e3 / max(cms, 0.01)))
        for size in ((w, h), (1920, 1080)):
            n = frames if size == (w, h) else min(frames, 5000)
            try:
                m = element_point(env, args, ours, name, threads, size, n)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                log(str(e))
                rows.append("| %s | %d | %dx%d | fails: `%s` | | | | | | | |" % (
                    name, threads, size[0], size[1], str(e).replace("|", "/")))
                continue
            rows.append(element_row(name, threads, size, args.gst_format, m))
    return rows


def machine_text():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, %s" % (cpu, os.cpu_count() or 0, platform.platform())


def build_text(build):
    """meson build type and optimisation level of the build dir."""
    try:
        with open(os.path.join(build, "meson-info", "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
        return "meson buildtype=%s (-O%s)" % (opts.get("buildtype"), opts.get("optimization"))
    except (OSError, ValueError, KeyError):
        return "meson build options unknown"


def load_text():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def ort_version():
    try:
        with open(os.path.join(HERE, "node_modules", "onnxruntime-node",
                               "package.json")) as f:
            return re.search(r'"version":\s*"([^"]+)"', f.read()).group(1)
    except (OSError, AttributeError):
        return "?"


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="gst-cnn core vs ONNX Runtime, and the element end to end")
    ap.add_argument("--build", required=True, help="meson build dir")
    ap.add_argument("--models", required=True,
                    help="folder written by make_bench_models.py")
    ap.add_argument("--ours", required=True,
                    help="our bench tool: path to cnn-bench or cnn-run")
    ap.add_argument("--only", default=",".join(MODELS), help="comma list of models")
    ap.add_argument("--threads", default="1,2", help="comma list of thread counts")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--runs", type=int, default=10, help="timed runs per round")
    ap.add_argument("--warmup", type=int, default=5, help="untimed runs per process")
    ap.add_argument("--gst-threads", default="1",
                    help="thread counts for the element (CPU time is clearest at 1)")
    ap.add_argument("--gst-seconds", type=float, default=2.0,
                    help="aim for this much inference per pipeline run "
                    "(at 1920x1080 at most 5000 frames)")
    ap.add_argument("--gst-reps", type=int, default=3,
                    help="repetitions of each element point (median): one "
                    "run can fall in a slow phase of a shared machine")
    ap.add_argument("--gst-format", default="I420")
    ap.add_argument("--latency-tool", default=None,
                    help="core-latency (core_latency.c), run before every "
                    "round of two threads or more")
    ap.add_argument("--no-gst", action="store_true", help="skip the element part")
    ap.add_argument("--no-pin", action="store_true",
                    help="do not pin rounds of fewer threads than CPUs (by "
                    "default both runtimes' processes of a round run on the "
                    "same CPUs, which change every two rounds)")
    ap.add_argument("--markdown", help="also write the report to this file")
    ap.add_argument("--peak-gflops", type=float, default=None,
                    help="fp32 FMA peak of one core (run_bench.sh measures it "
                    "with fma_peak.c); default: issue 5's reference machine, %.0f"
                    % PEAK_GFLOPS_PER_CORE)
    args = ap.parse_args(argv)
    args.only = [m for m in args.only.split(",") if m]
    try:
        args.threads = [int(t) for t in args.threads.split(",") if t]
        args.gst_threads = [int(t) for t in args.gst_threads.split(",") if t]
    except ValueError:
        ap.error("--threads and --gst-threads take comma lists of numbers")
    args.work = os.path.join(args.models, "work")
    if args.latency_tool and not os.access(args.latency_tool, os.X_OK):
        ap.error("--latency-tool %s: not an executable file" % args.latency_tool)
    for name in ("rounds", "runs", "gst_reps"):
        if getattr(args, name) < 1:
            ap.error("--%s must be at least 1" % name.replace("_", "-"))
    if args.warmup < 0:
        ap.error("--warmup must not be negative")
    if not args.gst_seconds > 0:
        ap.error("--gst-seconds must be above 0")
    if not args.threads or min(args.threads + args.gst_threads) < 1:
        ap.error("--threads and --gst-threads take thread counts of 1 or more")
    return args


def main(argv):
    global PEAK, PEAK_SOURCE
    args = parse_args(argv)
    if args.peak_gflops:
        PEAK = args.peak_gflops
        PEAK_SOURCE = "this machine's measured FMA peak per core, fma_peak.c"
    os.makedirs(args.work, exist_ok=True)
    kind = "cnn-run" if os.path.basename(args.ours) == "cnn-run" else "cnn-bench"
    ours = Runner("gst-cnn", [args.ours], kind)
    ort = Runner("ONNX Runtime", ["node", os.path.join(HERE, "ort_bench.js")], "ort")
    load_before = load_text()
    flops = count_flops(args, args.only)
    core, mem, core_ms = core_rows(args, ours, ort, args.work, flops)
    gst = ["_Element benchmark skipped (--no-gst)._"] if args.no_gst \
        else element_rows(args, ours, core_ms)
    out = [
        "### Speed: gst-cnn core vs ONNX Runtime %s" % ort_version(),
        "",
        "Produced by `%s`" % os.environ.get("BENCH_COMMAND", shlex.join(sys.argv)),
        "on %s; %s at start, %s at end; our core built with %s. Batch 1, fp32, "
        "seeded random weights, "
        "opset 13. Both runtimes alternate: %d rounds x %d timed runs (after at "
        "least %d warm-up runs and 300 ms per process), median/p90 over all runs%s; "
        "ours = `%s`; ORT: "
        "graph optimisation \"all\", intra-op threads = threads, sequential. "
        "%% peak = GFLOP/s / (threads x %.1f GFLOP/s, %s). CPU ms/run: CPU time of "
        "the whole process (all threads, spinning included) per timed run, median "
        "over rounds; less sensitive than wall time to other load on the machine. "
        "cross-core ns: a cache line's round trip between the two CPUs "
        "(core_latency.c), measured before, between and after the two runtimes' "
        "runs of each round, median; in brackets the rounds in which one of "
        "these was %.0f ns or more, a slow phase of the VM (two cooperating "
        "threads then run at about the speed of one). ours/ORT, normal rounds "
        "only: the same ratio over the other rounds, for reading; the ratio "
        "that counts is the one over all rounds. "
        "\"same output?\": top-1 equal and max |ours - ORT| <= %.0e x max |ORT|."
        % (machine_text(), load_before, load_text(), build_text(args.build),
           args.rounds, args.runs,
           args.warmup, "" if args.no_pin else
           " (rounds of fewer threads than CPUs: both runtimes' processes "
           "pinned to the same CPUs, which change every two rounds)", kind, PEAK, PEAK_SOURCE, SLOW_ROUNDTRIP_NS, CHECK_RTOL)
        + (" cnn-run prints no per-run times: our median/p90 are over its round "
           "medians, and it feeds the input once for all runs." if kind == "cnn-run" else ""),
        ""] + core + ["", "Memory (our core, peak RSS of the bench process):", ""] + mem + [
        "", "### Element end to end: `videotestsrc ! cnnclassify ! fakesink`", "",
        "Per-frame cost = (time of 5+F frames - time of 5 frames) / F, so start-up "
        "and model load cancel; wall clock and CPU time of the gst-launch-1.0 "
        "process; element = pipeline - source only; core alone = the bench tool, "
        "timed between the pipelines, as the mean of its runs (the pipeline's "
        "figure is a mean over its frames too; the median is in brackets); "
        "element − core = the element's own cost "
        "(preprocessing, postprocessing, metadata). Source: videotestsrc (smpte) "
        "in %s, fakesink sync=false.%s" % (args.gst_format, "" if args.no_pin else
        " Each repetition runs its pipelines and the core on the same CPUs "
        "(below the number of CPUs), the next CPUs for the next repetition."),
        ""] + gst
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
