#!/usr/bin/env python3
# pipeline_test.py — runs one pipelines/ script or program headless to EOS.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: `pipeline_test.py CASE` runs the case, checks what it printed
# against known numbers (frame counts, labels, accuracy bounds) and exits 0
# on success, 1 on failure, 77 (meson's skip) when an optional input is
# absent (../shared models, a GStreamer element). Paths come from the
# environment set by tests/pipelines/meson.build: SRC_DIR (source tree),
# DEMO (cnn-demo), EMBED (embed-example), MODEL (default model) and
# SHARED_DIR (../shared); input videos are made in a fresh temporary folder
# by the case itself. Only the Python standard library is used.

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("SRC_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PIPES = os.path.join(SRC, "pipelines")
FMNIST_LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def run(cmd, env=None, timeout=240):
    full_env = dict(os.environ, HEADLESS="1", **(env or {}))
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, env=full_env, capture_output=True, text=True,
                       timeout=timeout)
    tail = (p.stdout[-1500:] + "\n--- stderr ---\n" + p.stderr[-1500:])
    print(tail, flush=True)
    return p


def messages(output, element=None):
    """The results of the 'cnnclassify' element messages gst-launch-1.0 -m
    printed (fields of each, serialized), in order."""
    pat = re.compile(r'Got message #\d+ from element "([^"]+)" \(element\): '
                     r'cnnclassify, (.*)')
    found = []
    for line in output.splitlines():
        m = pat.search(line)
        if m and (element is None or m.group(1) == element):
            found.extend(results(m.group(2)))
    return found


def results(fields):
    """One message's results, oldest first: the serialized structures in its
    earlier-results (results held and posted together), then its own."""
    m = re.search(r', earlier-results=\(structure\)< (.*) >;?$', fields)
    if not m:
        return [fields]
    quoted = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    earlier = [re.sub(r"^cnnclassify, ", "", re.sub(r"\\(.)", r"\1", q))
               for q in quoted]
    return earlier + [fields[:m.start()] + ";"]


def string_field(msg, name):
    """Value of a string field in a serialized GstStructure, unescaped."""
    m = re.search(r'(?:^|, )%s=\(string\)("(?:[^"\\]|\\.)*"|[^,;]*)'
                  % re.escape(name), msg)
    if not m:
        return None
    v = m.group(1)
    if v.startswith('"'):
        v = v[1:-1]
    return re.sub(r"\\(.)", r"\1", v)


def make_video(folder, frames=30):
    """An MJPEG/AVI test video made by GStreamer itself (plugins-good)."""
    path = os.path.join(folder, "input.avi")
    p = run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=%d" % frames,
             "pattern=ball", "!", "video/x-raw,width=160,height=120,"
             "framerate=30/1", "!", "jpegenc", "!", "avimux", "!", "filesink",
             "location=" + path])
    if p.returncode != 0 or not os.path.getsize(path):
        sys.exit("could not make the test video")
    return path


def need_element(name):
    if subprocess.run(["gst-inspect-1.0", name], capture_output=True).returncode:
        print("SKIP: GStreamer element %s not installed" % name)
        sys.exit(77)


def case_demo():
    p = run([os.environ["DEMO"], "--model", os.environ["MODEL"],
             "--min-accuracy", "0.91"], timeout=600)
    m = re.search(r"^accuracy ([0-9.]+)$", p.stdout, re.M)
    fps = re.search(r"^frames per second ([0-9.]+)", p.stdout, re.M)
    check(p.returncode == 0, "cnn-demo exits 0")
    check("frames 10000, results 10000" in p.stdout,
          "every one of the 10,000 frames got a result")
    check(m is not None and float(m.group(1)) >= 0.91,
          "accuracy through cnnclassify >= 0.91 (%s)" % (m and m.group(1)))
    check(fps is not None and float(fps.group(1)) > 0, "fps reported")


def case_demo_sh():
    build = os.environ["BUILD_DIR"]
    p = run([os.path.join(PIPES, "demo.sh"), "--limit", "500"],
            env={"BUILD_DIR": build, "DEMO_NO_BUILD": "1"})
    m = re.search(r"^accuracy ([0-9.]+)$", p.stdout, re.M)
    check(p.returncode == 0, "demo.sh exits 0")
    # 500 images: allow 3 points below the full-set bound for sampling.
    check(m is not None and float(m.group(1)) >= 0.88,
          "accuracy on the first 500 >= 0.88 (%s)" % (m and m.group(1)))


def case_testsrc():
    p = run([os.path.join(PIPES, "testsrc.sh"), "--headless"],
            env={"NUM_BUFFERS": "20"})
    msgs = messages(p.stdout)
    check(p.returncode == 0, "testsrc.sh reaches EOS")
    check(len(msgs) == 20, "20 cnnclassify messages (got %d)" % len(msgs))
    labels = [string_field(s, "label") for s in msgs]
    check(all(l in FMNIST_LABELS for l in labels),
          "every message carries a Fashion-MNIST label (default model): %s"
          % sorted(set(labels), key=str))


def case_file_display():
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(tmp)
        p = run([os.path.join(PIPES, "file-display.sh"), "--headless", video])
    check(p.returncode == 0, "file-display.sh reaches EOS")
    n = len(messages(p.stdout))
    check(n == 30, "30 frames classified (got %d)" % n)


def case_file_to_mp4():
    if subprocess.run(["gst-inspect-1.0", "x264enc"],
                      capture_output=True).returncode:
        need_element("vp9enc")
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(tmp)
        out = os.path.join(tmp, "out.mp4")
        p = run([os.path.join(PIPES, "file-to-mp4.sh"), video, out])
        check(p.returncode == 0, "file-to-mp4.sh reaches EOS")
        check(os.path.exists(out) and os.path.getsize(out) > 1000,
              "MP4 written")
        # Decode the result again and classify it: 30 frames must come out.
        q = run(["gst-launch-1.0", "-m", "filesrc", "location=" + out, "!",
                 "qtdemux", "!", "decodebin", "!", "videoconvert", "!",
                 "cnnclassify", "!", "fakesink"])
        n = len(messages(q.stdout))
        check(q.returncode == 0 and n == 30,
              "the MP4 decodes to 30 frames (got %d)" % n)


def case_multi_stream():
    p = run([os.path.join(PIPES, "multi-stream.sh"), "--headless", "3"],
            env={"NUM_BUFFERS": "10"})
    check(p.returncode == 0, "multi-stream.sh reaches EOS")
    for i in range(3):
        n = len(messages(p.stdout, "cls%d" % i))
        check(n == 10, "stream %d: 10 frames classified (got %d)" % (i, n))


def case_imagenet():
    """The zoo model cannot be downloaded here: SqueezeNet 1.1 from
    ../shared stands in (same preprocessing), on a photo of a macaw."""
    base = os.path.join(os.environ.get("SHARED_DIR", ""), "models",
                        "squeezenet1.1")
    photo = os.path.join(os.environ.get("SHARED_DIR", ""), "photos",
                         "coral_parrot.jpg")
    if not (os.path.exists(os.path.join(base, "squeezenet1.1-7.onnx"))
            and os.path.exists(photo)):
        print("SKIP: ../shared/models/squeezenet1.1 or photos absent")
        sys.exit(77)
    p = run([os.path.join(PIPES, "imagenet.sh"), "--headless", photo],
            env={"IMAGENET_MODEL": os.path.join(base, "squeezenet1.1-7.onnx"),
                 "IMAGENET_LABELS": os.path.join(base, "labels.txt"),
                 "NUM_BUFFERS": "3"})
    msgs = messages(p.stdout)
    check(p.returncode == 0, "imagenet.sh reaches EOS")
    check(len(msgs) == 3, "3 frames classified (got %d)" % len(msgs))
    check(all(string_field(s, "label") == "macaw" for s in msgs),
          "the parrot photo is labelled macaw (reference top-1, p=0.999)")


def case_webcam_missing():
    p = run([os.path.join(PIPES, "webcam.sh")],
            env={"DEVICE": "/nonexistent/video9"})
    check(p.returncode == 1, "webcam.sh without a camera exits 1")
    check("no camera at /nonexistent/video9" in p.stderr,
          "and says there is no camera")


def case_embed():
    p = run([os.environ["EMBED"], "--num-buffers", "8",
             "--model", os.environ["MODEL"]])
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    check(p.returncode == 0, "embed-example exits 0")
    check(len(lines) == 8, "one JSON line per frame (%d)" % len(lines))
    last_pts = -1
    for i, line in enumerate(lines):
        try:
            o = json.loads(line)
        except ValueError as e:
            check(False, "line %d parses as JSON: %s" % (i, e))
            continue
        top = o.get("top_k", [])
        scores = [t["score"] for t in top]
        msg = o.get("message") or {}
        check(o["frame"] == i and o["pts"] > last_pts,
              "frame %d: index and increasing pts" % i)
        last_pts = o["pts"]
        check(o["label"] in FMNIST_LABELS and 0 <= o["confidence"] <= 1,
              "frame %d: a Fashion-MNIST label with a probability" % i)
        check(1 <= len(top) <= 5 and scores == sorted(scores, reverse=True)
              and abs(scores[0] - o["confidence"]) < 1e-6
              and top[0]["label"] == o["label"],
              "frame %d: top-k best first, led by the label" % i)
        check(msg.get("label") == o["label"]
              and msg.get("class_id") == o["class_id"]
              and abs(msg.get("confidence", -1) - o["confidence"]) < 1e-5,
              "frame %d: bus message agrees with the metadata" % i)


CASES = {
    "demo": case_demo,
    "demo-sh": case_demo_sh,
    "testsrc": case_testsrc,
    "file-display": case_file_display,
    "file-to-mp4": case_file_to_mp4,
    "multi-stream": case_multi_stream,
    "imagenet": case_imagenet,
    "webcam-missing": case_webcam_missing,
    "embed": case_embed,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: pipeline_test.py {%s}" % "|".join(CASES))
    if not shutil.which("gst-launch-1.0"):
        print("SKIP: gst-launch-1.0 not installed (gstreamer1.0-tools)")
        sys.exit(77)
    CASES[sys.argv[1]]()
    print("%s: %d failed" % (sys.argv[1], len(failures)))
    sys.exit(1 if failures else 0)
