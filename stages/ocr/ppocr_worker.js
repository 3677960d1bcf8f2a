#!/usr/bin/env node
// PP-OCRv4 rec worker: ONNX Runtime (npm onnxruntime-node) on one thread, fed
// over stdin/stdout by ocrflow (stages/ocr/ppocr_worker.h) or by
// bench/ppocr/rec_bench.cpp --ort.
//
// usage: NODE_PATH=DIR/node_modules node ppocr_worker.js REC_MODEL.onnx KEYS.txt
//   (a node_modules/ beside this script is found without NODE_PATH;
//   scripts/ppocr/fetch-models.sh installs both there)
//
// Request (stdin, little-endian), any number back to back:
//   u32 len (bytes after this field) | u32 id | u16 h | u16 padw | u16 count |
//   count x ( u16 w | h*w*3 bytes, BGR, HWC, already resized to height h )
// The images of one request are run as one batch of shape count x 3 x h x padw;
// pixels are normalised to (x/255 - 0.5)/0.5 and the area right of each image is 0
// (PaddleOCR's padding). padw must be >= every w.
// Response (stdout): one line per image, in order:
//   id \t confidence \t ms (batch wall time / count) \t cpu ms (process CPU / count) \t text
//   \t steps (the output's time steps) then per emitted character " first:last:probability" \n
// (the last field places each character on the line: ctc.h; a reader that
// knows only the first five fields takes the rest as the text's end, so
// ocrflow reads both: stages/ocr/ppocr_worker.cpp).
// Greedy CTC as stages/ocr/ctc.h: class 0 is the blank, then the keys, then
// a space; a class beyond those emits nothing; confidence = mean of the max
// probability over the emitting steps (0 for an empty text), printed so that
// it parses back to the same double.
// A model with the outputs ctc_best and ctc_best_p (each step's best class,
// the first of equal maxima, and its probability: scripts/ppocr/fold.py
// adds them to rec-folded.onnx) is asked for those two only: the decode
// needs no more, and the steps x 6,625 probabilities are neither copied out
// of ONNX Runtime nor scanned here. Same replies, bit for bit (checked by
// tests/unit/ppocr_test.cpp against OCRFLOW_PPOCR_ALL_PROBS=1 in the
// worker's environment, which takes the probabilities as before).
// On a bad request it writes "id\t-1\t0\t0\tERROR <message>\n" per image and goes on.
// It exits when stdin ends (SIGTERM is ignored; SIGKILL ends it); on a
// start-up failure it says why in one line on stderr and exits 1.
'use strict';
const fs = require('fs');

// Errors in one line on stderr (ocrflow shows the end of it), then exit 1.
function die(what, e) {
  const msg = e && e.message ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`ppocr_worker: ${what}: ${msg}\n`);
  process.exit(1);
}
process.on('uncaughtException', (e) => die('uncaught exception', e));
// Its life is its stdin's: a service manager's SIGTERM to the whole group
// (systemd's default) reaches ocrflow too, which stops and closes it. So
// the line in progress is answered and the worker goes when ocrflow does.
process.on('SIGTERM', () => {});

let ort;
try {
  ort = require('onnxruntime-node');
} catch (e) {
  die('cannot load onnxruntime-node', e);
}

const [modelPath, keysPath] = process.argv.slice(2);
if (!modelPath || !keysPath) {
  process.stderr.write('usage: node ppocr_worker.js REC_MODEL.onnx KEYS.txt\n');
  process.exit(2);
}
const keys = fs.readFileSync(keysPath, 'utf8').split('\n');
if (keys.length && keys[keys.length - 1] === '') keys.pop();
const classes = [''].concat(keys.map((k) => k.replace(/\r$/, '')), [' ']);

// x * (2/255) - 1 in float32 arithmetic, as ppocr.cpp computes it for the
// OpenCV route (two roundings to float), so both routes see the same input.
const kScale = Math.fround(2 / 255);
const normalised = new Float32Array(256);
for (let v = 0; v < 256; v++) normalised[v] = Math.fround(Math.fround(v * kScale) - 1);

// Each step's best class and its probability, from the probabilities
// (steps x C from `base`): the first of equal maxima.
function argmax(data, T, C, base) {
  const best = new Int32Array(T);
  const prob = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    const off = base + t * C;
    let b = 0;
    let bv = data[off];
    for (let c = 1; c < C; c++) {
      const v = data[off + c];
      if (v > bv) { bv = v; b = c; }
    }
    best[t] = b;
    prob[t] = bv;
  }
  return { best, prob };
}

// Greedy CTC over each step's best class and its probability.
function decode(bestOf, probOf, T) {
  let text = '';
  let sum = 0;
  let n = 0;
  let prev = -1;
  const chars = [];
  for (let t = 0; t < T; t++) {
    const best = bestOf[t];
    const bv = probOf[t];
    if (best !== prev && best !== 0 && best < classes.length) {
      text += classes[best];
      sum += bv;
      n++;
      chars.push([t, t, bv]);
    } else if (best === prev && best !== 0 && best < classes.length && chars.length) {
      const c = chars[chars.length - 1];
      c[1] = t;
      if (bv > c[2]) c[2] = bv;
    }
    prev = best;
  }
  const steps = T + chars.map((c) => ` ${c[0]}:${c[1]}:${c[2]}`).join('');
  return { text, conf: n ? sum / n : 0, steps };
}

async function main() {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inName = session.inputNames[0];
  const outName = session.outputNames[0];
  const bestOnly = !process.env.OCRFLOW_PPOCR_ALL_PROBS &&
    session.outputNames.includes('ctc_best') && session.outputNames.includes('ctc_best_p');

  let buf = Buffer.alloc(0);
  let busy = false;
  const queue = [];

  async function handle(msg) {
    const id = msg.readUInt32LE(0);
    const h = msg.readUInt16LE(4);
    const padw = msg.readUInt16LE(6);
    const count = msg.readUInt16LE(8);
    const out = [];
    try {
      const plane = h * padw;
      const data = new Float32Array(count * 3 * plane); // zero = padding
      let off = 10;
      for (let n = 0; n < count; n++) {
        const w = msg.readUInt16LE(off);
        off += 2;
        if (w > padw || off + h * w * 3 > msg.length) throw new Error('bad image size');
        const base = n * 3 * plane;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const p = off + (y * w + x) * 3;
            const q = y * padw + x;
            data[base + q] = normalised[msg[p]];                 // B
            data[base + plane + q] = normalised[msg[p + 1]];     // G
            data[base + 2 * plane + q] = normalised[msg[p + 2]]; // R
          }
        }
        off += h * w * 3;
      }
      const t0 = process.hrtime.bigint();
      const c0 = process.cpuUsage();
      const feeds = { [inName]: new ort.Tensor('float32', data, [count, 3, h, padw]) };
      const res = bestOnly ? await session.run(feeds, ['ctc_best', 'ctc_best_p']) : await session.run(feeds);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6 / count;
      const cu = process.cpuUsage(c0);
      const cpu = (cu.user + cu.system) / 1e3 / count;
      const o = bestOnly ? res.ctc_best : res[outName];
      const [N, T] = o.dims;
      for (let n = 0; n < N; n++) {
        let best, prob;
        if (bestOnly) {
          // int64 as BigInt64Array: classes fit an Int32Array.
          best = Int32Array.from(o.data.subarray(n * T, (n + 1) * T), Number);
          prob = res.ctc_best_p.data.subarray(n * T, (n + 1) * T);
        } else {
          ({ best, prob } = argmax(o.data, T, o.dims[2], n * T * o.dims[2]));
        }
        const r = decode(best, prob, T);
        out.push(`${id + n}\t${r.conf}\t${ms.toFixed(2)}\t${cpu.toFixed(2)}\t${r.text.replace(/[\t\n\r]/g, ' ')}\t${r.steps}\n`);
      }
    } catch (e) {
      for (let n = 0; n < Math.max(1, count); n++) out.push(`${id + n}\t-1\t0\t0\tERROR ${String(e.message).replace(/\s+/g, ' ')}\n`);
    }
    process.stdout.write(out.join(''));
  }

  async function pump() {
    if (busy) return;
    busy = true;
    while (queue.length) await handle(queue.shift());
    busy = false;
  }

  process.stdin.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const len = buf.readUInt32LE(0);
      if (buf.length < 4 + len) break;
      queue.push(Buffer.from(buf.subarray(4, 4 + len)));
      buf = buf.subarray(4 + len);
    }
    pump();
  });
  process.stdin.on('end', async () => {
    while (busy || queue.length) await new Promise((r) => setTimeout(r, 5));
    if (process.env.WORKER_RSS) {
      const st = fs.readFileSync('/proc/self/status', 'utf8');
      const g = (k) => (st.match(new RegExp(k + ':\\s+(\\d+)')) || [0, 0])[1];
      process.stderr.write(`worker RSS ${Math.round(g('VmRSS') / 1024)} MB, peak ${Math.round(g('VmHWM') / 1024)} MB\n`);
    }
    process.exit(0);
  });
}

main().catch((e) => die('cannot run the model', e));
