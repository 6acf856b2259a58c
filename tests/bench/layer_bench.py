#!/usr/bin/python3
# layer_bench.py — which layers cost the difference: per-layer timing of a
# model's Conv/Gemm/MatMul nodes on our core and on ONNX Runtime.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: reads MODEL.onnx (with /usr/bin/python3 and python3-onnx), groups
# its Conv, Gemm and MatMul nodes by shape and attributes, writes each
# distinct layer as a one-node ONNX model (same weights as the first node of
# its group, opset 13) into --work, and times it on both runtimes with the
# same tools and alternation as bench.py (--rounds x --runs, per process
# warm-up). Prints a markdown table sorted by the time our core loses
# (count x (ours - ORT)), so the top rows are the layers to work on; the
# last line gives the sum over layers, also without each runtime's fixed cost
# per run (measured on a 1-element Relu), to set against the whole model's
# time: fused ReLU/Add, pooling and element-wise ops are not in these models.
#
#   tests/bench/layer_bench.py --ours build/tests/bench/cnn-bench \
#       --work /tmp/layers build/bench-models/resnet18.onnx --threads 1

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper, shape_inference, TensorProto

import bench

COUNTED = ("Conv", "Gemm", "MatMul")


def shapes_of(model):
    shapes = {}
    g = model.graph
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    for init in g.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def layer_key(node, shapes):
    attrs = tuple(sorted((a.name, str(helper.get_attribute_value(a)))
                         for a in node.attribute))
    ins = tuple(tuple(shapes.get(i, [])) for i in node.input if i)
    return (node.op_type, ins, attrs)


def describe(node, shapes):
    x = shapes.get(node.input[0], [])
    w = shapes.get(node.input[1], [])
    if node.op_type == "Conv":
        a = {n.name: helper.get_attribute_value(n) for n in node.attribute}
        k = "x".join(str(d) for d in w[2:])
        s = a.get("strides", [1])[0]
        g = a.get("group", 1)
        kind = "dw " if g > 1 and g == x[1] else ("g%d " % g if g > 1 else "")
        return "Conv %s%s s%d %d→%d @%dx%d" % (kind, k, s, x[1], w[0], x[2], x[3])
    return "%s %s·%s" % (node.op_type, "x".join(map(str, x)), "x".join(map(str, w)))


def constants_of(model):
    """Initializers by name, also under the names Identity nodes give them
    (the exporter shares equal tensors, e.g. squeezenet's zero biases)."""
    inits = {i.name: i for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            inits[node.output[0]] = inits[node.input[0]]
    return inits


def renamed(tensor, name):
    copy = onnx.TensorProto()
    copy.CopyFrom(tensor)
    copy.name = name
    return copy


def one_node_model(node, model, shapes, path):
    """Writes a model holding only `node`, its first input as graph input."""
    inits = constants_of(model)
    x = node.input[0]
    if x in inits:
        raise ValueError("node %s: first input is a constant" % node.name)
    g_in = helper.make_tensor_value_info(x, TensorProto.FLOAT, shapes[x])
    y = node.output[0]
    g_out = helper.make_tensor_value_info(y, TensorProto.FLOAT, shapes[y])
    consts = [renamed(inits[i], i) for i in node.input[1:] if i in inits]
    missing = [i for i in node.input[1:] if i and i not in inits]
    if missing:
        raise ValueError("node %s: non-constant input %s" % (node.name, missing[0]))
    graph = helper.make_graph([node], "layer", [g_in], [g_out], consts)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = model.ir_version
    onnx.save(m, path)
    rng = np.random.default_rng(1)
    rng.standard_normal(shapes[x], dtype=np.float32).astype("<f4").tofile(path + ".in.f32")


def layer_macs(node, shapes):
    y = shapes[node.output[0]]
    if node.op_type == "Conv":
        return int(np.prod(y)) * int(np.prod(shapes[node.input[1]][1:]))
    a = shapes[node.input[0]]
    k = a[0] if node.op_type == "Gemm" and any(
        t.name == "transA" and t.i for t in node.attribute) else a[-1]
    return int(np.prod(y)) * k


def collect_layers(model_path, work):
    model = shape_inference.infer_shapes(onnx.load(model_path))
    shapes = shapes_of(model)
    groups = {}
    for node in model.graph.node:
        if node.op_type not in COUNTED:
            continue
        key = layer_key(node, shapes)
        if key in groups:
            groups[key]["count"] += 1
            continue
        path = os.path.join(work, "layer%03d.onnx" % len(groups))
        one_node_model(node, model, shapes, path)
        groups[key] = {"count": 1, "path": path, "what": describe(node, shapes),
                       "gflop": 2e-9 * layer_macs(node, shapes)}
    return list(groups.values())


def overhead_model(work):
    """A one-element Relu: its time is each runtime's fixed cost per run
    (for ORT mostly the node.js binding), to read small layers against."""
    path = os.path.join(work, "overhead.onnx")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "overhead", [x], [y])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    np.ones(1, dtype="<f4").tofile(path + ".in.f32")
    return {"count": 1, "path": path, "what": "overhead (Relu of 1 element)", "gflop": 0}


def time_layer(layer, args, ours, ort):
    """(ours, ORT) ms per run: CPU time of the process per run, median over
    rounds (wall time when --wall), which stays meaningful on a loaded
    machine where wall time of a few-ms layer is mostly waiting."""
    got = {"ours": [], "ort": []}
    for r in range(args.rounds):
        order = [("ours", ours), ("ort", ort)] if r % 2 == 0 else [("ort", ort), ("ours", ours)]
        for key, runner in order:
            times, info = runner.run(layer["path"], args.threads, args.runs, args.warmup,
                                     layer["path"] + ".in.f32")
            if args.wall:
                got[key].extend(times)
            else:
                got[key].append(info["cpu_ms"])
    return bench.median(got["ours"]), bench.median(got["ort"])


def main(argv):
    ap = argparse.ArgumentParser(description="per-layer timing, ours vs ONNX Runtime")
    ap.add_argument("model")
    ap.add_argument("--ours", required=True, help="path to cnn-bench")
    ap.add_argument("--work", required=True, help="folder for the one-node models")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--top", type=int, default=0, help="print only the N worst rows")
    ap.add_argument("--wall", action="store_true",
                    help="compare wall-clock medians instead of CPU time per run")
    args = ap.parse_args(argv)
    os.makedirs(args.work, exist_ok=True)
    ours = bench.Runner("gst-cnn", [args.ours], "cnn-bench")
    ort = bench.Runner("ONNX Runtime", ["node", os.path.join(bench.HERE, "ort_bench.js")], "ort")
    rows = []
    fixed = time_layer(overhead_model(args.work), args, ours, ort)
    for layer in collect_layers(args.model, args.work):
        try:
            o, t = time_layer(layer, args, ours, ort)
        except RuntimeError as e:
            bench.log("%s: %s" % (layer["what"], e))
            o, t = float("nan"), float("nan")
        bench.log("  %-40s x%d  ours %.3f ms  ORT %.3f ms" % (layer["what"], layer["count"], o, t))
        rows.append((layer, o, t))
    rows.sort(key=lambda r: -(r[0]["count"] * (r[1] - r[2])) if r[1] == r[1] else 0)
    print("Per-layer, %s, %d thread(s), one-node models, %s, %d rounds x %d runs. "
          "Fixed cost per run (a 1-element Relu): ours %.3f ms, ORT %.3f ms, "
          "included in every row.\n"
          % (os.path.basename(args.model), args.threads,
             "wall-clock median" if args.wall else "CPU time per run (median over rounds)",
             args.rounds, args.runs, fixed[0], fixed[1]))
    print("| layer | count | GFLOP each | ours ms | ORT ms | ours/ORT | ours GFLOP/s "
          "| lost ms (count x diff) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    shown = rows[:args.top] if args.top else rows
    for layer, o, t in shown:
        print("| %s | %d | %.3f | %s | %s | %.2f | %.1f | %.2f |" % (
            layer["what"], layer["count"], layer["gflop"], bench.fmt_ms(o), bench.fmt_ms(t),
            o / t, layer["gflop"] / (o / 1e3), layer["count"] * (o - t)))
    so = sum(r[0]["count"] * r[1] for r in rows)
    st = sum(r[0]["count"] * r[2] for r in rows)
    n = sum(r[0]["count"] for r in rows)
    print("\nSum over %d layers: ours %.2f ms, ORT %.2f ms; without the fixed cost "
          "per run: ours %.2f ms, ORT %.2f ms (ratio %.2f). Compare with the whole "
          "model in bench.py: the rest is the other ops, fusion and overhead."
          % (n, so, st, so - n * fixed[0], st - n * fixed[1],
             (so - n * fixed[0]) / (st - n * fixed[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
