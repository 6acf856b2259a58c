#!/usr/bin/python3
# make_bench_models.py — writes the ONNX models of the speed benchmark.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: with Debian's python3-torch/torchvision (run it with /usr/bin/python3),
# builds each benchmark network with seeded random weights (nothing is
# downloaded), in eval mode, batch 1, and exports it to ONNX opset 13 with
# do_constant_folding=True. For each model NAME it writes into --out:
#
#   NAME.onnx        the model (input "input", output "output")
#   NAME.input.f32   one seeded random input, raw float32 NCHW, little endian
#   NAME.torch.f32   PyTorch's output for that input, raw float32
#
# Existing files are kept unless --force is given, so a benchmark cache stays
# valid between runs. Models: resnet18, resnet50, mobilenet_v2, squeezenet1_1
# (torchvision, 1x3x224x224) and "small28", the 28x28 classic CNN of issue 5:
# conv3x3 32 -> relu -> maxpool -> conv3x3 64 -> relu -> maxpool -> fc 128 ->
# relu -> fc 10 (1x1x28x28).
#
#   /usr/bin/python3 tests/bench/make_bench_models.py --out build/bench-models

import argparse
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

SEED = 20260
OPSET = 13


class Small28(nn.Module):
    """The small 28x28 network of issue 5 (same shape as the default model,
    without batch norm and softmax)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def torchvision_net(name):
    return lambda: getattr(torchvision.models, name)(weights=None)


# name -> (constructor, input shape)
MODELS = {
    "resnet18": (torchvision_net("resnet18"), (1, 3, 224, 224)),
    "resnet50": (torchvision_net("resnet50"), (1, 3, 224, 224)),
    "mobilenet_v2": (torchvision_net("mobilenet_v2"), (1, 3, 224, 224)),
    "squeezenet1_1": (torchvision_net("squeezenet1_1"), (1, 3, 224, 224)),
    "small28": (Small28, (1, 1, 28, 28)),
}


def randomise_batch_norm(net, gen):
    """Gives every BatchNorm non-trivial statistics (torch's defaults are the
    identity), so the exported, folded weights exercise real scales/shifts.
    Kept close to identity so that deep nets stay numerically tame."""
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = 1.0 + 0.1 * torch.randn(c, generator=gen)
            m.bias.data = 0.1 * torch.randn(c, generator=gen)
            m.running_mean = 0.1 * torch.randn(c, generator=gen)
            m.running_var = 1.0 + 0.1 * torch.rand(c, generator=gen)


def export(name, out_dir, force):
    onnx_path = os.path.join(out_dir, name + ".onnx")
    input_path = os.path.join(out_dir, name + ".input.f32")
    torch_path = os.path.join(out_dir, name + ".torch.f32")
    if not force and all(os.path.exists(p)
                         for p in (onnx_path, input_path, torch_path)):
        print("%-14s kept %s" % (name, onnx_path))
        return
    make, shape = MODELS[name]
    torch.manual_seed(SEED)
    gen = torch.Generator().manual_seed(SEED + 1)
    net = make()
    randomise_batch_norm(net, gen)
    net.eval()
    x = torch.randn(shape, generator=gen)
    with torch.no_grad():
        y = net(x)
    tmp = onnx_path + ".tmp"
    torch.onnx.export(net, x, tmp, opset_version=OPSET,
                      do_constant_folding=True,
                      input_names=["input"], output_names=["output"])
    os.replace(tmp, onnx_path)
    x.numpy().astype("<f4").tofile(input_path)
    y.numpy().astype("<f4").tofile(torch_path)
    print("%-14s wrote %s  input %s  output %s  top-1 %d" %
          (name, onnx_path, list(shape), list(y.shape), int(y.argmax())))


def main():
    ap = argparse.ArgumentParser(
        description="Writes the ONNX models of the gst-cnn speed benchmark.")
    ap.add_argument("--out", required=True, help="folder to write into")
    ap.add_argument("--force", action="store_true",
                    help="rewrite models that already exist")
    ap.add_argument("models", nargs="*", default=list(MODELS),
                    help="subset of: " + " ".join(MODELS))
    args = ap.parse_args()
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        sys.exit("unknown model(s): %s" % " ".join(unknown))
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    for name in args.models:
        export(name, args.out, args.force)


if __name__ == "__main__":
    main()
