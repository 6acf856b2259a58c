#!/usr/bin/python3
# train_fashion_mnist.py — trains and exports gst-cnn's default model.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: reads Fashion-MNIST from Debian's dataset-fashion-mnist package
# (idx files, gzip), trains a small classic CNN with Debian's python3-torch
# with fixed seeds on the CPU, prints loss and accuracy per epoch and writes
# an ONNX file (opset 13, batch 1) whose metadata_props carry everything the
# cnnclassify element needs: labels, mean, std, channel_order, resize.
#
#   input  "input"  float32 [1, 1, 28, 28]: (pixel / 255 - 0.2860) / 0.3530,
#                   white garment on black background, as in the data set
#   output "probs"  float32 [1, 10]: softmax probabilities
#
# Network: conv 3x3 (32) -> BN -> ReLU -> maxpool 2 -> conv 3x3 (64) -> BN ->
# ReLU -> maxpool 2 -> dense 128 -> ReLU -> dropout 0.3 -> dense 10 -> softmax.
# Training: Adam, one-cycle learning rate, random shifts of up to 2 pixels and
# horizontal flips as augmentation.
#
# Run with Debian's interpreter (the torch package lives there):
#   /usr/bin/python3 models/train_fashion_mnist.py --out models/fashion-mnist.onnx

import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MEAN = 0.2860
STD = 0.3530
DATA_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """Reads an idx1/idx3 ubyte file (optionally gzipped) into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    if magic >> 8 != 0x08:
        raise ValueError("%s: not an unsigned-byte idx file" % path)
    ndim = magic & 0xff
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError("%s: truncated" % path)
    return arr.reshape(dims)


def load_split(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, prefix + "-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, prefix + "-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    x = ((x - MEAN) / STD).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.drop = nn.Dropout(0.3)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x, probabilities=False):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = torch.flatten(x, 1)
        x = self.drop(F.relu(self.fc1(x)))
        x = self.fc2(x)
        return F.softmax(x, dim=1) if probabilities else x


class Exported(nn.Module):
    """The trained network with softmax on its output, for export."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x, probabilities=True)


def augment(x, gen):
    """Random shift of up to 2 pixels (zero = background fill) and flip."""
    n = x.shape[0]
    bg = -MEAN / STD
    padded = F.pad(x, (2, 2, 2, 2), value=bg)
    dx = torch.randint(0, 5, (n,), generator=gen)
    dy = torch.randint(0, 5, (n,), generator=gen)
    out = torch.empty_like(x)
    for sx in range(5):
        for sy in range(5):
            sel = ((dx == sx) & (dy == sy)).nonzero(as_tuple=True)[0]
            if sel.numel():
                out[sel] = padded[sel, :, sy:sy + 28, sx:sx + 28]
    flip = torch.rand(n, generator=gen) < 0.5
    out[flip] = out[flip].flip(3)
    return out


def evaluate(net, x, y, batch=1000):
    net.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits = net(x[i:i + batch])
            loss += F.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    return loss / x.shape[0], correct / x.shape[0]


def train(args):
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed)

    xtr, ytr = load_split(args.data, "train")
    xte, yte = load_split(args.data, "t10k")
    print("train %d, test %d images" % (xtr.shape[0], xte.shape[0]), flush=True)

    net = FashionCnn()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * ((xtr.shape[0] + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr,
                                                total_steps=steps)
    for epoch in range(1, args.epochs + 1):
        net.train()
        t0 = time.time()
        perm = torch.randperm(xtr.shape[0], generator=gen)
        total, correct, seen = 0.0, 0, 0
        for i in range(0, xtr.shape[0], args.batch):
            idx = perm[i:i + args.batch]
            xb = augment(xtr[idx], gen) if args.augment else xtr[idx]
            yb = ytr[idx]
            logits = net(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * idx.numel()
            correct += (logits.argmax(1) == yb).sum().item()
            seen += idx.numel()
        te_loss, te_acc = evaluate(net, xte, yte)
        print("epoch %2d/%d  train loss %.4f acc %.4f  test loss %.4f acc %.4f"
              "  (%.0f s)" % (epoch, args.epochs, total / seen, correct / seen,
                               te_loss, te_acc, time.time() - t0), flush=True)
    return net, te_acc


def export(net, path, test_acc):
    import onnx

    net.eval()
    model = Exported(net).eval()
    dummy = torch.zeros(1, 1, 28, 28)
    torch.onnx.export(model, dummy, path, opset_version=13,
                      input_names=["input"], output_names=["probs"],
                      do_constant_folding=True)
    m = onnx.load(path)
    meta = {
        "labels": "\n".join(LABELS),
        "mean": "%.4f" % MEAN,
        "std": "%.4f" % STD,
        "channel_order": "gray",
        "resize": "stretch",
        "output": "probabilities",
        "test_accuracy": "%.4f" % test_acc,
        "model_name": "fashion-mnist-cnn",
        "source": "gst-cnn models/train_fashion_mnist.py, trained on "
                  "Fashion-MNIST (Debian dataset-fashion-mnist); "
                  "torch test accuracy %.4f" % test_acc,
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    m.doc_string = ("Fashion-MNIST classifier: input [1,1,28,28] gray, "
                    "(pixel/255 - %.4f) / %.4f; output softmax [1,10]"
                    % (MEAN, STD))
    onnx.checker.check_model(m)
    onnx.save(m, path)
    print("wrote %s (%d bytes), ops: %s" % (
        path, os.path.getsize(path),
        " ".join(sorted({n.op_type for n in m.graph.node}))), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", default=DATA_DIR)
    p.add_argument("--out", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "fashion-mnist.onnx"))
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=20260)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-augment", dest="augment", action="store_false")
    args = p.parse_args()
    net, acc = train(args)
    export(net, args.out, acc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
