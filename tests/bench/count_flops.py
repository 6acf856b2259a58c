#!/usr/bin/python3
# count_flops.py — floating-point work of an ONNX classifier, for GFLOP/s.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: reads ONNX files with the onnx Python package (Debian's
# python3-onnx; run with /usr/bin/python3), infers shapes with ONNX's own
# shape inference, and counts FLOPs = 2 x multiply-accumulates of every Conv,
# ConvTranspose, Gemm and MatMul node (the convention of issue 5; element-wise
# ops, pooling and activations are not counted). Prints one line per model:
#
#   NAME flops=<integer> gflop=<x.xxx> macs=<integer>
#
# Exits non-zero with a message when a counted node has a shape that shape
# inference could not determine (the count would otherwise be silently low).
#
#   /usr/bin/python3 tests/bench/count_flops.py build/bench-models/*.onnx

import os
import sys

import onnx
from onnx import shape_inference


def value_shapes(model):
    """name -> list of int dims (None for unknown) of every typed value."""
    shapes = {}
    graph = model.graph
    for vi in list(graph.input) + list(graph.value_info) + list(graph.output):
        t = vi.type.tensor_type
        if t.HasField("shape"):
            shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None
                               for d in t.shape.dim]
    for init in graph.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def prod(dims):
    p = 1
    for d in dims:
        p *= d
    return p


def known(node, shapes, names):
    out = []
    for n in names:
        s = shapes.get(n)
        if s is None or any(d is None for d in s):
            raise ValueError("node %s (%s): shape of '%s' unknown"
                             % (node.name, node.op_type, n))
        out.append(s)
    return out


def node_macs(node, shapes):
    op = node.op_type
    if op == "Conv":
        w, y = known(node, shapes, [node.input[1], node.output[0]])
        # y is (N, OC, spatial...), w is (OC, IC/group, kernel...):
        # every output element costs IC/group x prod(kernel) MACs.
        return prod(y) * prod(w[1:])
    if op == "ConvTranspose":
        x, w = known(node, shapes, [node.input[0], node.input[1]])
        # every input element is scattered through OC/group x kernel taps
        return prod(x) * prod(w[1:])
    if op == "Gemm":
        a, y = known(node, shapes, [node.input[0], node.output[0]])
        k = a[0] if attr(node, "transA", 0) else a[1]
        return prod(y) * k
    if op == "MatMul":
        a, y = known(node, shapes, [node.input[0], node.output[0]])
        return prod(y) * a[-1]
    return 0


def count(path):
    model = onnx.load(path)
    model = shape_inference.infer_shapes(model)
    shapes = value_shapes(model)
    macs = 0
    for node in model.graph.node:
        macs += node_macs(node, shapes)
    return macs


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: count_flops.py MODEL.onnx...\n")
        return 2
    status = 0
    for path in argv[1:]:
        name = os.path.basename(path)
        if name.endswith(".onnx"):
            name = name[:-5]
        try:
            macs = count(path)
        except (ValueError, OSError, shape_inference.InferenceError,
                onnx.checker.ValidationError) as e:
            sys.stderr.write("%s: %s\n" % (path, e))
            status = 1
            continue
        print("%s flops=%d gflop=%.3f macs=%d" % (name, 2 * macs, 2e-9 * macs, macs))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
