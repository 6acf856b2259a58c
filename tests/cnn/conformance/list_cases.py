#!/usr/bin/python3
# list_cases.py — lists the ONNX backend cases of the operators in scope.
#
# Copyright (C) 2026 the gst-cnn authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Contract: reads Debian's libonnx-testdata folder (node/, pytorch-converted/,
# pytorch-operator/) with the `onnx` Python package (Debian python3-onnx, run
# with /usr/bin/python3) and decides, from each model's nodes and input/output
# types alone, which cases belong to the operators the core implements and
# which of those cannot be run for a structural reason (a non-float type, an
# out-of-scope op inside an expanded function, training mode ...). Nothing is
# guessed from results: cases that are structurally fine but left out after
# running carry a hand-written reason in excluded_cases.txt.
#
#   list_cases.py candidates [DATA]   print "OP<TAB>DIR/CASE<TAB>REASON"
#                                     (REASON empty = runnable candidate)
#   list_cases.py write [DATA]        (re)write enabled_cases.txt and
#                                     excluded_cases.txt beside this script
#   list_cases.py check DATA ENABLED EXCLUDED
#                                     every candidate is in exactly one list,
#                                     no auto-excluded case is enabled, every
#                                     exclusion has a reason; prints
#                                     "list-check: N passed, N failed"
import os
import sys

try:
  import onnx
except ImportError:
  print ("SKIP: the onnx Python package is missing (apt install python3-onnx)")
  sys.exit (77)

DEFAULT_DATA = "/usr/share/libonnx-testdata/data"
DIRS = ("node", "pytorch-converted", "pytorch-operator")

SCOPE = [
    "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "LRN", "BatchNormalization", "Relu", "LeakyRelu", "PRelu", "Clip",
    "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Add", "Sub", "Mul", "Div",
    "Sum", "Concat", "Split", "Slice", "Flatten", "Reshape", "Transpose",
    "Squeeze", "Unsqueeze", "Pad", "ReduceMean", "Gemm", "MatMul", "Softmax",
    "LogSoftmax", "Dropout", "Identity", "Constant", "Shape", "Gather", "Cast",
]
SCOPE_SET = set(SCOPE)
# Which op names a multi-node (PyTorch) case: the heaviest one it uses.
PRIORITY = [
    "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
    "LRN", "BatchNormalization", "Gemm", "MatMul", "Softmax", "LogSoftmax",
    "ReduceMean", "PRelu", "LeakyRelu", "Relu", "Clip", "Sigmoid",
    "HardSigmoid", "HardSwish", "Tanh", "Pad", "Concat", "Split", "Slice",
    "Gather", "Add", "Sub", "Mul", "Div", "Sum", "Flatten", "Reshape",
    "Transpose", "Squeeze", "Unsqueeze", "Dropout", "Identity", "Cast",
    "Shape", "Constant",
]

# The loader accepts default-domain opsets from this version on.
MIN_OPSET = 1
# Ops the loader accepts in graphs older than opset 7 (cnn/src/onnx/onnx_nodes.c,
# legacy_ops): their float inference semantics did not change before 7.
LEGACY_OPS = {
  "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
  "LRN", "Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "Tanh", "Elu",
  "Softmax", "LogSoftmax", "Flatten", "Transpose", "Identity", "Dropout",
  "BatchNormalization", "Clip", "Sum", "Gemm", "MatMul", "Add", "Sub",
  "Mul", "Div", "Concat", "Constant", "Squeeze", "Unsqueeze", "Split",
  "Slice", "ReduceMean", "Shape", "Gather", "Pad",
}

# Cases that are structurally fine but that the core does not run today,
# with the reason (written by hand after running them; `draft` puts them in
# the excluded list). Remove an entry when the core learns the feature.
HAND_EXCLUDED = {
    "node/test_constant_pad":
        "Pad's constant_value comes as a run-time graph input; the core "
        "needs pads and constant_value to be constants",
}

ENABLED_HEADER = """\
# ONNX backend cases run by the conformance tests: OP DIR/CASE, one a line.
# DIR/CASE is relative to the onnx_testdata folder (Debian libonnx-testdata).
# Written by `list_cases.py write`; every case of an op in scope is either
# here or in excluded_cases.txt (checked by the conformance-lists test).
# Each line becomes the meson test OP/DIR/CASE.
"""
EXCLUDED_HEADER = """\
# ONNX backend cases of the operators in scope that are NOT run, each with
# its reason: OP DIR/CASE REASON. Written by `list_cases.py write`: the
# structural reasons (types, opset, ops outside the scope, training mode)
# come from the models, the others from HAND_EXCLUDED in list_cases.py.
"""

TYPE_NAMES = {
    v: k.lower() for k, v in onnx.TensorProto.DataType.items()
}


def value_type (vi):
  """Element type name of a ValueInfoProto, or a kind name for non-tensors."""
  t = vi.type
  kind = t.WhichOneof ("value")
  if kind != "tensor_type":
    return kind or "untyped"
  return TYPE_NAMES.get (t.tensor_type.elem_type, "unknown")


def structural_reason (model, ops):
  """Why a case of an in-scope op cannot run on a float32 core, or ''."""
  g = model.graph
  inits = {i.name for i in g.initializer}

  outside = sorted (set (ops) - SCOPE_SET)
  if outside:
    return "uses ops outside the scope: " + ", ".join (outside)
  for vi in g.input:
    if vi.name in inits:
      continue
    ty = value_type (vi)
    if ty not in ("float", "int64"):
      return "%s input '%s'" % (ty, vi.name)
  for vi in g.output:
    ty = value_type (vi)
    if "MaxPool" in ops and ty == "int64":
      return "MaxPool Indices output is int64 (run-time tensors are float32)"
    # int64 outputs are fine when computed at load time (Shape ...).
    if ty not in ("float", "int64"):
      return "%s output '%s'" % (ty, vi.name)
  for node in g.node:
    for a in node.attribute:
      if a.name == "training_mode" and a.i != 0:
        return "training mode (batch statistics outputs)"
      if node.op_type == "Cast" and a.name == "to" and a.i != 1:
        return "Cast to %s" % TYPE_NAMES.get (a.i, "?")
  opset = max ([o.version for o in model.opset_import
                if o.domain in ("", "ai.onnx")] or [0])
  if opset < MIN_OPSET:
    return "opset %d is older than the loader accepts (%d and newer)" % (
        opset, MIN_OPSET)
  legacy = sorted (set (ops) - LEGACY_OPS) if opset < 7 else []
  if legacy:
    return "opset %d (before 7) with %s, whose old semantics differ" % (
        opset, ", ".join (legacy))
  return ""


def case_ops (model):
  return [n.op_type for n in model.graph.node]


def primary_op (folder, case, ops, sibling_ops):
  """The in-scope op a case is about, or None when it is not one of ours."""
  if folder == "node":
    # A node case holds one node; its _expanded twin holds the function body,
    # so it belongs to the op of the non-expanded case.
    main = sibling_ops if sibling_ops is not None else ops
    if len (main) == 1 and main[0] in SCOPE_SET:
      return main[0]
    return None
  # PyTorch cases: several nodes; ours when any node is in scope.
  inscope = [o for o in PRIORITY if o in ops]
  return inscope[0] if inscope else None


def load_model (path):
  return onnx.load (path, load_external_data=False)


def candidates (data):
  """Yields (op, 'dir/case', reason) sorted by dir then case."""
  out = []
  for folder in DIRS:
    root = os.path.join (data, folder)
    if not os.path.isdir (root):
      continue
    for case in sorted (os.listdir (root)):
      mpath = os.path.join (root, case, "model.onnx")
      if not os.path.isfile (mpath):
        continue
      model = load_model (mpath)
      ops = case_ops (model)
      sibling = None
      if folder == "node" and case.endswith ("_expanded"):
        spath = os.path.join (root, case[:-len ("_expanded")], "model.onnx")
        if os.path.isfile (spath):
          sibling = case_ops (load_model (spath))
      op = primary_op (folder, case, ops, sibling)
      if op is None:
        continue
      name = folder + "/" + case
      reason = structural_reason (model, ops) or HAND_EXCLUDED.get (name, "")
      out.append ((op, name, reason))
  return out


def read_list (path, with_reason):
  """Parses 'OP DIR/CASE [reason...]' lines; '#' starts a comment line."""
  entries = {}
  with open (path, encoding="utf-8") as f:
    for lineno, line in enumerate (f, 1):
      line = line.strip ()
      if not line or line.startswith ("#"):
        continue
      parts = line.split (None, 2)
      if len (parts) < 2:
        raise SystemExit ("%s:%d: expected 'OP DIR/CASE'" % (path, lineno))
      reason = parts[2].strip () if len (parts) > 2 else ""
      entries[parts[1]] = (parts[0], reason, lineno)
  return entries


def check (data, enabled_path, excluded_path):
  enabled = read_list (enabled_path, False)
  excluded = read_list (excluded_path, True)
  passed = failed = 0

  def fail (msg):
    nonlocal failed
    failed += 1
    print ("FAIL: " + msg)

  cands = candidates (data)
  known = set ()
  for op, case, reason in cands:
    known.add (case)
    inen, inex = case in enabled, case in excluded
    if inen and inex:
      fail ("%s is both enabled and excluded" % case)
    elif not inen and not inex:
      fail ("%s (%s) is in neither list" % (case, op))
    elif inen and reason:
      fail ("%s is enabled but cannot run: %s" % (case, reason))
    elif inex and not excluded[case][1]:
      fail ("%s is excluded without a reason" % case)
    else:
      passed += 1
  for case in sorted (set (enabled) | set (excluded)):
    if case not in known:
      fail ("%s is listed but is not a case of an op in scope" % case)
  print ("list-check: %d passed, %d failed" % (passed, failed))
  return 1 if failed else 0


def main (argv):
  if len (argv) < 2 or argv[1] not in ("candidates", "write", "check"):
    print ("usage: list_cases.py candidates|write [DATA] | "
           "check DATA ENABLED EXCLUDED")
    return 2
  data = argv[2] if len (argv) > 2 else DEFAULT_DATA
  if not os.path.isdir (data):
    print ("SKIP: no ONNX test data at %s" % data)
    return 77
  if argv[1] == "check":
    if len (argv) != 5:
      return 2
    return check (data, argv[3], argv[4])
  cands = candidates (data)
  if argv[1] == "candidates":
    for op, case, reason in cands:
      print ("%s\t%s\t%s" % (op, case, reason))
    return 0
  here = os.path.dirname (os.path.abspath (__file__))
  with open (os.path.join (here, "enabled_cases.txt"), "w") as f:
    f.write (ENABLED_HEADER)
    for op, case, reason in cands:
      if not reason:
        f.write ("%-18s %s\n" % (op, case))
  with open (os.path.join (here, "excluded_cases.txt"), "w") as f:
    f.write (EXCLUDED_HEADER)
    for op, case, reason in cands:
      if reason:
        f.write ("%-18s %-56s %s\n" % (op, case, reason))
  return 0


if __name__ == "__main__":
  sys.exit (main (sys.argv))
