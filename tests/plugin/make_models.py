#!/usr/bin/python3
# make_models.py — tiny ONNX models whose answers are known by construction,
# for the cnnclassify element tests.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: make_models.py OUTDIR
#
# color.onnx        [1,3,8,8] -> GlobalAveragePool -> Flatten -> Gemm(10*I)
#                   -> Softmax; labels red/green/blue in metadata_props: the
#                   brightest colour channel wins (pure red: p = 0.99991).
# color-logits.onnx the same without Softmax and without labels metadata;
#                   labels in color-logits.onnx.labels beside it.
# color-bgr.onnx    color.onnx with metadata channel_order=bgr, mean=0.5,
#                   std=0.5: a red frame reads as plane 2 -> "blue".
# gray.onnx         [1,1,4,4] -> mean -> Gemm [10,-10] + [-5,5] -> Softmax;
#                   labels bright/dark (luminance > 0.5 -> bright).
# notimage.onnx     [1,10] -> Softmax: not an image model.
# color-big.onnx    [1,3,64,64] -> Flatten -> Gemm [12288,512] -> Gemm
#                   [512,3] -> Softmax: the answers of color.onnx (columns
#                   0-2 of the first Gemm average each channel, x10; the
#                   other 509 are seeded noise the second Gemm ignores) with
#                   25 MB of weights, to measure what streams share.
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def classifier(name, channels, size, weight, bias, softmax, metadata):
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                      [1, channels, size, size])
    n_out = weight.shape[1]
    y = helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, n_out])
    inits = [numpy_helper.from_array(weight.astype(np.float32), "W"),
             numpy_helper.from_array(bias.astype(np.float32), "B")]
    nodes = [helper.make_node("GlobalAveragePool", ["image"], ["pooled"]),
             helper.make_node("Flatten", ["pooled"], ["flat"], axis=1)]
    if softmax:
        nodes += [helper.make_node("Gemm", ["flat", "W", "B"], ["logits"]),
                  helper.make_node("Softmax", ["logits"], ["scores"], axis=1)]
    else:
        nodes += [helper.make_node("Gemm", ["flat", "W", "B"], ["scores"])]
    graph = helper.make_graph(nodes, name, [x], [y], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model


def big_color():
    size, hidden = 64, 512
    n = size * size
    w1 = np.random.default_rng(7).normal(0, 0.01, (3 * n, hidden))
    w1[:, :3] = 0.0
    for c in range(3):
        w1[c * n:(c + 1) * n, c] = 10.0 / n
    w2 = np.zeros((hidden, 3))
    w2[:3, :3] = np.eye(3)
    x = helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                      [1, 3, size, size])
    y = helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 3])
    inits = [numpy_helper.from_array(w1.astype(np.float32), "W1"),
             numpy_helper.from_array(w2.astype(np.float32), "W2")]
    nodes = [helper.make_node("Flatten", ["image"], ["flat"], axis=1),
             helper.make_node("Gemm", ["flat", "W1"], ["hidden"]),
             helper.make_node("Gemm", ["hidden", "W2"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["scores"], axis=1)]
    graph = helper.make_graph(nodes, "color_big", [x], [y], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    helper.set_model_props(model, {"labels": "red\ngreen\nblue"})
    onnx.checker.check_model(model)
    return model


def not_image():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 10])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])
    graph = helper.make_graph([helper.make_node("Softmax", ["x"], ["y"], axis=1)],
                              "notimage", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    labels = "red\ngreen\nblue"
    eye = 10.0 * np.eye(3)
    zero3 = np.zeros(3)
    models = {
        "color.onnx": classifier("color", 3, 8, eye, zero3, True,
                                 {"labels": labels}),
        "color-logits.onnx": classifier("color_logits", 3, 8, eye, zero3,
                                        False, {}),
        "color-bgr.onnx": classifier("color_bgr", 3, 8, eye, zero3, True,
                                     {"labels": labels, "channel_order": "bgr",
                                      "mean": "0.5", "std": "0.5"}),
        "gray.onnx": classifier("gray", 1, 4, np.array([[10.0, -10.0]]),
                                np.array([-5.0, 5.0]), True,
                                {"labels": "bright\ndark"}),
        "notimage.onnx": not_image(),
        "color-big.onnx": big_color(),
    }
    for name, model in models.items():
        onnx.save(model, os.path.join(out, name))
    with open(os.path.join(out, "color-logits.onnx.labels"), "w") as f:
        f.write(labels + "\n")
    with open(os.path.join(out, "four.labels"), "w") as f:
        f.write("red\ngreen\nblue\nviolet\n")
    with open(os.path.join(out, "corrupt.onnx"), "wb") as f:
        f.write(models["color.onnx"].SerializeToString()[:40])


if __name__ == "__main__":
    main()
