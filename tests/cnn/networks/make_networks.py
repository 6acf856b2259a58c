#!/usr/bin/python3
# make_networks.py — builds whole torchvision networks as ONNX test cases.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: for each requested architecture, builds the torchvision model with
# seeded random weights (nothing is downloaded), makes its BatchNorm layers
# meaningful (seeded random scale/shift, then running statistics measured on
# a seeded random batch, so activations neither vanish nor explode and the
# logits are far from all-equal; checked: std(logits) >= 0.05 * max|ref|),
# and exports it in eval mode as
#   OUT/<net>_op9, _op11, _op13   opsets 9/11/13, constants folded (the
#                                 exporter folds BN into Conv)
#   OUT/<net>_bn13                opset 13, do_constant_folding=False and
#                                 TrainingMode.PRESERVE: explicit
#                                 BatchNormalization nodes (checked)
# each in ONNX's backend-test layout: model.onnx and
# test_data_set_0/{input_0,output_0}.pb (PyTorch's output for a seeded
# N(0,1) input). A variant whose output_0.pb exists is kept (cache), so a
# second run is fast. Prints one progress line per model with max|ref| and
# the logits' standard deviation. Exit 77 when torch/onnx are missing.
#
#   make_networks.py OUT [NET...] [--variant V]
#     no NET: all of NETS; no --variant: all four variants
import os
import sys
import time
import zlib

try:
  import numpy as np
  import onnx
  from onnx import numpy_helper
  import torch
  import torchvision.models as tvm
except ImportError as e:
  print ("SKIP: %s (run with /usr/bin/python3; apt install python3-torch "
         "python3-torchvision python3-onnx)" % e)
  sys.exit (77)

# name -> (constructor, input side)
NETS = {
    "alexnet": (lambda: tvm.alexnet (weights=None), 224),
    "vgg11": (lambda: tvm.vgg11 (weights=None), 224),
    "googlenet": (lambda: tvm.googlenet (weights=None, aux_logits=False,
                                         init_weights=True), 224),
    "inception_v3": (lambda: tvm.inception_v3 (weights=None, aux_logits=False,
                                               init_weights=True), 299),
    "resnet18": (lambda: tvm.resnet18 (weights=None), 224),
    "resnet50": (lambda: tvm.resnet50 (weights=None), 224),
    "squeezenet1_1": (lambda: tvm.squeezenet1_1 (weights=None), 224),
    "densenet121": (lambda: tvm.densenet121 (weights=None), 224),
    "mobilenet_v2": (lambda: tvm.mobilenet_v2 (weights=None), 224),
    "mobilenet_v3_small": (lambda: tvm.mobilenet_v3_small (weights=None), 224),
    "shufflenet_v2_x1_0": (lambda: tvm.shufflenet_v2_x1_0 (weights=None), 224),
    "mnasnet1_0": (lambda: tvm.mnasnet1_0 (weights=None), 224),
    "efficientnet_b0": (lambda: tvm.efficientnet_b0 (weights=None), 224),
    "regnet_x_400mf": (lambda: tvm.regnet_x_400mf (weights=None), 224),
}

EVAL = torch.onnx.TrainingMode.EVAL
PRESERVE = torch.onnx.TrainingMode.PRESERVE
# variant suffix -> (opset, do_constant_folding, training mode)
VARIANTS = {
    "op9": (9, True, EVAL),
    "op11": (11, True, EVAL),
    "op13": (13, True, EVAL),
    "bn13": (13, False, PRESERVE),
}

BN_TYPES = (torch.nn.BatchNorm2d,)


def seed_of (name):
  return zlib.crc32 (name.encode ()) & 0x7fffffff


def calibrate_batchnorm (model, side, gen):
  """Random BN scale/shift, then running stats measured on a random batch.

  The statistics are measured with the new scale/shift already in place, so
  each BN normalises what really reaches it and depth does not compound."""
  bns = [m for m in model.modules () if isinstance (m, BN_TYPES)]
  if not bns:
    return 0
  with torch.no_grad ():
    for m in bns:
      m.weight.copy_ (torch.rand (m.weight.shape, generator=gen) + 0.5)
      m.bias.copy_ (torch.randn (m.bias.shape, generator=gen) * 0.2)
      m.reset_running_stats ()
      m.momentum = None  # cumulative average: one batch gives its statistics
    model.train ()
    model (torch.randn (4, 3, side, side, generator=gen))
  return len (bns)


def build (name):
  ctor, side = NETS[name]
  torch.manual_seed (seed_of (name))
  gen = torch.Generator ().manual_seed (seed_of (name) + 1)
  model = ctor ()
  n_bn = calibrate_batchnorm (model, side, gen)
  model.eval ()
  x = torch.randn (1, 3, side, side, generator=gen)
  with torch.no_grad ():
    y = model (x)
  return model, x, y, n_bn


def save_case (folder, x, y):
  ds = os.path.join (folder, "test_data_set_0")
  os.makedirs (ds, exist_ok=True)
  t_in = numpy_helper.from_array (x.numpy ().astype (np.float32), "input")
  t_out = numpy_helper.from_array (y.numpy ().astype (np.float32), "logits")
  with open (os.path.join (ds, "input_0.pb"), "wb") as f:
    f.write (t_in.SerializeToString ())
  tmp = os.path.join (ds, "output_0.pb.tmp")
  with open (tmp, "wb") as f:
    f.write (t_out.SerializeToString ())
  os.replace (tmp, os.path.join (ds, "output_0.pb"))  # written last: cache key


def export_variant (model, x, folder, variant):
  opset, fold, mode = VARIANTS[variant]
  os.makedirs (folder, exist_ok=True)
  path = os.path.join (folder, "model.onnx")
  torch.onnx.export (model, x, path, opset_version=opset,
                     do_constant_folding=fold, training=mode,
                     input_names=["input"], output_names=["logits"])
  ops = [n.op_type for n in onnx.load (path, load_external_data=False)
         .graph.node]
  return ops


def make_net (out, name, variants):
  todo = [v for v in variants
          if not os.path.isfile (os.path.join (out, "%s_%s" % (name, v),
                                               "test_data_set_0",
                                               "output_0.pb"))]
  if not todo:
    print ("%-20s cached" % name, flush=True)
    return True
  t0 = time.time ()
  model, x, y, n_bn = build (name)
  ref = y.numpy ()
  print ("%-20s built: %d BatchNorm layers, max|ref| %.4g, std(logits) %.4g, "
         "argmax %d" % (name, n_bn, float (np.abs (ref).max ()),
                        float (ref.std ()), int (ref.argmax ())), flush=True)
  if float (ref.std ()) < 0.05 * float (np.abs (ref).max ()):
    print ("ERROR: %s gives degenerate logits (all nearly equal)" % name)
    return False
  ok = True
  for v in todo:
    folder = os.path.join (out, "%s_%s" % (name, v))
    ops = export_variant (model, x, folder, v)
    n_bn_nodes = ops.count ("BatchNormalization")
    if v == "bn13" and n_bn and n_bn_nodes == 0:
      print ("ERROR: %s_%s has no BatchNormalization node" % (name, v))
      ok = False
      continue
    save_case (folder, x, y)
    print ("%-20s %-5s %4d nodes, %3d BatchNormalization (%.1f s)"
           % (name, v, len (ops), n_bn_nodes, time.time () - t0), flush=True)
  return ok


def main (argv):
  args = argv[1:]
  variants = list (VARIANTS)
  if "--variant" in args:
    i = args.index ("--variant")
    variants = args[i + 1:i + 2]
    del args[i:i + 2]
    if not variants or variants[0] not in VARIANTS:
      print ("--variant takes one of " + " ".join (VARIANTS))
      return 2
  if len (args) < 1:
    print ("usage: make_networks.py OUT [NET...] [--variant V]; nets: "
           + " ".join (NETS))
    return 2
  out = args[0]
  names = args[1:] or list (NETS)
  for n in names:
    if n not in NETS:
      print ("unknown network %s" % n)
      return 2
  torch.set_num_threads (1)
  os.makedirs (out, exist_ok=True)
  ok = all ([make_net (out, n, variants) for n in names])
  return 0 if ok else 1


if __name__ == "__main__":
  sys.exit (main (sys.argv))
