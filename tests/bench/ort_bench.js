#!/usr/bin/env node
// ort_bench.js — times one ONNX model on ONNX Runtime (CPU), the reference
// runtime of gst-cnn's speed benchmark.
//
// Copyright (C) 2026 the gst-cnn authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Contract: loads MODEL with onnxruntime-node (installed in this folder by
// run_bench.sh) with graph optimisation "all", intra-op threads = --threads,
// inter-op threads 1, sequential execution; feeds the model's single input
// (raw float32 from --input, or a seeded pseudo-random tensor), written
// again before each run (untimed, as our bench tool does), runs --warmup
// untimed inferences (and more until 300 ms have passed) and then --bench
// timed ones, and prints the
// same lines as our own bench tool:
//
//   median_ms=<x> p90_ms=<y> runs=<n>
//   times_ms=<t1>,<t2>,...
//   cpu_ms=<CPU time of the process, all threads, per timed run>
//
// --output FILE writes the first output as raw float32 (for the
// correctness check). Exit status 1 with a message on any failure.
//
//   node tests/bench/ort_bench.js m.onnx --threads 2 --bench 20 --input in.bin

'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg)
    process.stderr.write('ort_bench: ' + msg + '\n');
  process.stderr.write('usage: ort_bench.js MODEL [--threads N] [--bench R] ' +
      '[--warmup W] [--input FILE] [--output FILE]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { model: null, threads: 1, bench: 20, warmup: 5, input: null, output: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length)
        usage(a + ' needs a value');
      return argv[++i];
    };
    if (a === '--threads') args.threads = parseInt(value(), 10);
    else if (a === '--bench') args.bench = parseInt(value(), 10);
    else if (a === '--warmup') args.warmup = parseInt(value(), 10);
    else if (a === '--input') args.input = value();
    else if (a === '--output') args.output = value();
    else if (a.startsWith('--')) usage('unknown option ' + a);
    else if (args.model === null) args.model = a;
    else usage('more than one model');
  }
  if (args.model === null) usage('no model');
  for (const k of ['threads', 'bench', 'warmup'])
    if (!(args[k] >= 0) || (k !== 'warmup' && args[k] < 1))
      usage('bad --' + k);
  return args;
}

// Deterministic filler when no input file is given (xorshift32 in [-1, 1)).
function pseudoRandom(n) {
  const data = new Float32Array(n);
  let s = 2463534242;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    data[i] = s / 2147483648 - 1;
  }
  return data;
}

function makeInput(ort, meta, file) {
  if (!meta.isTensor || meta.type !== 'float32')
    throw new Error(`input '${meta.name}' is not a float32 tensor`);
  const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  let data;
  if (file) {
    const buf = fs.readFileSync(file);
    if (buf.length !== 4 * n)
      throw new Error(`${file}: ${buf.length} bytes, input '${meta.name}' ` +
          `[${dims}] needs ${4 * n}`);
    data = new Float32Array(n);
    for (let i = 0; i < n; i++)
      data[i] = buf.readFloatLE(4 * i);
  } else {
    data = pseudoRandom(n);
  }
  return new ort.Tensor('float32', data, dims);
}

// 90th percentile, nearest rank: the ceil(0.9 n)-th smallest (integer
// arithmetic, so that n = 10 gives the 9th and not the 10th).
function p90(sorted) {
  return sorted[Math.max(0, Math.ceil((9 * sorted.length) / 10) - 1)];
}

function median(sorted) {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  });
  if (session.inputNames.length !== 1)
    throw new Error(`model has ${session.inputNames.length} inputs, expected 1`);
  const feeds = {};
  const input = makeInput(ort, session.inputMetadata[0], args.input);
  feeds[session.inputNames[0]] = input;
  // Each run's input is written first, untimed, as cnn_bench.c does and a
  // video element does per frame: read in place, the same unchanged tensor
  // would sit in every core's cache from the run before, while a new frame
  // is in the cache of the core that wrote it.
  const frame = Float32Array.from(input.data);

  // Warm-up: at least --warmup runs and WARMUP_MS of wall time, as
  // cnn_bench.c does.
  const WARMUP_MS = 300;
  let result = null;
  const start = process.hrtime.bigint();
  for (let i = 0; i < args.warmup
       || Number(process.hrtime.bigint() - start) / 1e6 < WARMUP_MS; i++) {
    input.data.set(frame);
    result = await session.run(feeds);
  }
  const times = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < args.bench; i++) {
    input.data.set(frame);
    const t0 = process.hrtime.bigint();
    result = await session.run(feeds);
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  if (args.output) {
    const out = result[session.outputNames[0]];
    const buf = Buffer.alloc(4 * out.data.length);
    for (let i = 0; i < out.data.length; i++)
      buf.writeFloatLE(out.data[i], 4 * i);
    fs.writeFileSync(args.output, buf);
  }
  const sorted = times.slice().sort((a, b) => a - b);
  console.log(`median_ms=${median(sorted).toFixed(4)} p90_ms=` +
      `${p90(sorted).toFixed(4)} runs=${times.length}`);
  console.log('times_ms=' + times.map((t) => t.toFixed(4)).join(','));
  console.log(`cpu_ms=${((cpu.user + cpu.system) / 1e3 / args.bench).toFixed(4)}`);
  await session.release();
}

main().catch((e) => {
  process.stderr.write('ort_bench: ' + (e && e.message ? e.message : e) + '\n');
  process.exit(1);
});
