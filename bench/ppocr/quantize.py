#!/usr/bin/python3
"""Int8 dynamic quantisation of the PP-OCRv4 rec model, written with python3-onnx
alone (what onnxruntime.quantization.quantize_dynamic does, without the
onnxruntime Python package). An experiment, not used by ocrflow: on ONNX
Runtime 1.31's CPU kernels (one thread, AVX-512 VNNI machine) every variant
was slower than the float model or no faster (docs/pages.md, "PP-OCR's
cost, eighth session").

usage: /usr/bin/python3 bench/ppocr/quantize.py IN.onnx OUT.onnx [--matmul] [--conv pw|dw|all] [--uint8-weights]

  --matmul   MatMul with a constant 2-D weight -> com.microsoft
             DynamicQuantizeMatMul (int8 weights, symmetric, a scale per
             column; the activation quantised at run time).
  --conv M   Conv with constant weights (not the first, which reads the
             image) -> DynamicQuantizeLinear(x) + ConvInteger + Cast + Mul by
             x_scale * w_scale (per output channel) + Add bias; M: pw (1x1,
             group 1), dw (grouped), all. Converts the model to opset 11 first
             (ConvInteger, DynamicQuantizeLinear); symmetric weights, int8
             (zero point 0) or with --uint8-weights uint8 (zero point 128).
Run it on scripts/ppocr/fold.py's output to measure it on top of the fold.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto, version_converter

args = sys.argv[1:]
if len(args) < 2:
    sys.exit(__doc__.split('\n\n')[1])
src, dst = args[0], args[1]
opts = args[2:]
qmatmul = '--matmul' in opts
qconv = opts[opts.index('--conv') + 1] if '--conv' in opts else None
uint8w = '--uint8-weights' in opts

m = onnx.load(src)
if qconv:
    m = version_converter.convert_version(m, 11)
g = m.graph
inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
nodes = []
for n in g.node:
    if n.op_type == 'Constant' and len(n.attribute) == 1 and n.attribute[0].name == 'value':
        inits[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    else:
        nodes.append(n)
counter = [0]
stats = {}


def fresh(base):
    counter[0] += 1
    return f'{base}__q{counter[0]}'


def bump(k):
    stats[k] = stats.get(k, 0) + 1


def attr(n, k, d=None):
    for a in n.attribute:
        if a.name == k:
            return helper.get_attribute_value(a)
    return d


if qmatmul:
    for n in list(nodes):
        if n.op_type != 'MatMul' or n.input[1] not in inits:
            continue
        W = inits[n.input[1]].astype(np.float32)
        if W.ndim != 2:
            continue
        sc = np.abs(W).max(axis=0) / 127.0
        sc[sc == 0] = 1.0
        q = np.clip(np.round(W / sc), -127, 127).astype(np.int8)
        qn, sn, zn = fresh('wq'), fresh('ws'), fresh('wz')
        inits[qn], inits[sn], inits[zn] = q, sc.astype(np.float32), np.zeros(W.shape[1], np.int8)
        dq = helper.make_node('DynamicQuantizeMatMul', [n.input[0], qn, sn, zn], [n.output[0]], domain='com.microsoft', name=fresh('dqmm'))
        i = nodes.index(n)
        nodes[i] = dq
        bump('qmatmul')

if qconv:
    for n in list(nodes):
        if n.op_type != 'Conv' or n.input[1] not in inits:
            continue
        W = inits[n.input[1]].astype(np.float32)
        group = attr(n, 'group', 1)
        dw = group > 1
        if qconv not in ('pw', 'dw', 'all'):
            sys.exit('--conv takes pw, dw or all')
        if qconv == 'pw' and (dw or W.shape[2:] != (1, 1)):
            continue
        if qconv == 'dw' and not dw:
            continue
        if n.input[0] == g.input[0].name:
            continue  # the first conv reads the image
        Cout = W.shape[0]
        sc = np.abs(W.reshape(Cout, -1)).max(axis=1) / 127.0
        sc[sc == 0] = 1.0
        q = np.clip(np.round(W / sc[:, None, None, None]), -127, 127)
        if uint8w:
            q = (q + 128).astype(np.uint8)
            zp = np.array(128, np.uint8)
        else:
            q = q.astype(np.int8)
            zp = np.array(0, np.int8)
        x = n.input[0]
        xq, xs, xz = fresh('xq'), fresh('xs'), fresh('xz')
        qn, zn, acc, accf, scl, sc_all, yout = fresh('wq'), fresh('wz'), fresh('acc'), fresh('accf'), fresh('scl'), fresh('wsc'), n.output[0]
        inits[qn], inits[zn] = q, zp
        inits[sc_all] = sc.astype(np.float32).reshape(Cout, 1, 1)
        new = [helper.make_node('DynamicQuantizeLinear', [x], [xq, xs, xz], name=fresh('dql')),
               helper.make_node('ConvInteger', [xq, qn, xz, zn], [acc], name=fresh('convint'),
                                **{a.name: helper.get_attribute_value(a) for a in n.attribute}),
               helper.make_node('Cast', [acc], [accf], to=TensorProto.FLOAT, name=fresh('cast')),
               helper.make_node('Mul', [sc_all, xs], [scl], name=fresh('mulsc'))]
        has_b = len(n.input) > 2 and n.input[2]
        mo = fresh('mo') if has_b else yout
        new.append(helper.make_node('Mul', [accf, scl], [mo], name=fresh('mul')))
        if has_b:
            bn = fresh('b3')
            inits[bn] = inits[n.input[2]].astype(np.float32).reshape(Cout, 1, 1)
            new.append(helper.make_node('Add', [mo, bn], [yout], name=fresh('addb')))
        i = nodes.index(n)
        nodes[i:i + 1] = new
        bump('qconv')

if qmatmul and not any(o.domain == 'com.microsoft' for o in m.opset_import):
    m.opset_import.append(helper.make_opsetid('com.microsoft', 1))
used = set(i for n in nodes for i in n.input) | set(o.name for o in g.output)
del g.node[:]
g.node.extend(nodes)
del g.initializer[:]
g.initializer.extend(numpy_helper.from_array(v, k) for k, v in inits.items() if k in used)
del g.value_info[:]
onnx.save(m, dst)
print('quantize:', stats, file=sys.stderr)
