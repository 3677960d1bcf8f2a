#!/usr/bin/python3
"""Fold PP-OCRv4 rec's scalar affine layers and hardswish into its convolutions,
for ONNX Runtime (CPU). The same function, computed in fewer passes.

Runs with Debian 12's python3-onnx (onnx 1.12) and numpy only.

usage: /usr/bin/python3 fold.py IN.onnx OUT.onnx

PPLCNetV3 (the backbone) follows each convolution with a "learnable affine
block" (y*s + b, s and b scalars), a hardswish written as four ops
(x * Clip(x + 3, 0, 6) / 6) and a second affine block. ONNX Runtime fuses
none of that into its (NCHWc) convolution, so each runs as its own pass over
the feature map, with a layout change out of NCHWc and back around it: about
half of the model's time. This rewrite:
  1. Conv -> Mul(scalar s) -> Add(scalar b): s and b into the Conv's weights
     and bias (W*s, B*s + b).
  2. x * Clip(x + 3, 0, 6) / 6 -> x * HardSigmoid(x; 1/6, 0.5), which ONNX
     Runtime fuses into the Conv before it (activation HardSwish).
  3. t -> Mul(scalar s) -> Add(scalar b) read by Convs only: s into their
     weights; b into their bias when they do not pad (B + b * sum(W));
     before a padded Conv (the depthwise kxk ones: zero padding would see
     b) t + b/s stays, as a 1x1 depthwise Conv (weight 1, bias b/s), which
     ONNX Runtime keeps in NCHWc.
  4. Two more outputs after the Softmax (the first output, kept as it
     was): ctc_best = ArgMax over the classes (the first of equal maxima)
     and ctc_best_p = ReduceMax over them, one number each a time step.
     The worker (stages/ocr/ppocr_worker.js) fetches only these when the
     model has them: greedy CTC needs no more, and the T x 6,625
     probabilities then stay inside ONNX Runtime instead of being copied
     to JavaScript and scanned there (~7 % of the worker's CPU on the
     e-paper page; docs in bench/ppocr/README.md, 2026-12-07). The same
     readings, bit for bit: the same maximum, the same first index.
Exact up to float rounding (outputs within ~1e-6 of the original's).
Prints what it folded on stderr.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def main(src, dst):
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    nodes = []
    for n in g.node:  # Constant nodes -> initializers
        if n.op_type == 'Constant' and len(n.attribute) == 1 and n.attribute[0].name == 'value':
            inits[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
        else:
            nodes.append(n)
    outputs = {o.name for o in g.output}
    counter = [0]
    stats = {}

    def fresh(base):
        counter[0] += 1
        return f'{base}__fold{counter[0]}'

    def bump(k):
        stats[k] = stats.get(k, 0) + 1

    def consumers(name):
        return [n for n in nodes if name in n.input]

    def only_consumer(name):
        cs = consumers(name)
        return cs[0] if len(cs) == 1 and name not in outputs else None

    def scalar(name):
        v = inits.get(name)
        if v is not None and v.size == 1 and v.dtype == np.float32:
            return float(v.reshape(-1)[0])
        return None

    def attr(n, k, d=None):
        for a in n.attribute:
            if a.name == k:
                return helper.get_attribute_value(a)
        return d

    def scalar_operand(n):
        """(scalar, other input) of a binary node with one scalar constant operand."""
        for i in (0, 1):
            v = scalar(n.input[i])
            if v is not None:
                return v, n.input[1 - i]
        return None, None

    def conv_params(c):
        W = inits[c.input[1]].astype(np.float32)
        has_b = len(c.input) > 2 and c.input[2]
        B = inits[c.input[2]].astype(np.float32) if has_b else np.zeros(W.shape[0], np.float32)
        return W, B

    def set_conv_params(c, W, B):
        wn, bn = fresh(c.input[1]), fresh('bias')
        inits[wn], inits[bn] = W.astype(np.float32), B.astype(np.float32)
        while len(c.input) < 3:
            c.input.append('')
        c.input[1], c.input[2] = wn, bn

    def const_conv(c):
        return c.op_type == 'Conv' and c.input[1] in inits and (len(c.input) < 3 or not c.input[2] or c.input[2] in inits)

    # 1. Conv -> Mul/Add by a scalar: into the Conv.
    changed = True
    while changed:
        changed = False
        for c in nodes:
            if not const_conv(c):
                continue
            n = only_consumer(c.output[0])
            if n is None or n.op_type not in ('Mul', 'Add'):
                continue
            k, _ = scalar_operand(n)
            if k is None:
                continue
            W, B = conv_params(c)
            if n.op_type == 'Mul':
                W, B = W * np.float32(k), B * np.float32(k)
            else:
                B = B + np.float32(k)
            set_conv_params(c, W, B)
            c.output[0] = n.output[0]
            nodes.remove(n)
            bump('affine into the conv before')
            changed = True
            break

    # 2. hardswish: x * Clip(x + 3, 0, 6) / 6 -> x * HardSigmoid(x).
    for a in list(nodes):
        if a.op_type != 'Add' or a not in nodes:
            continue
        k, x = scalar_operand(a)
        if k != 3.0:
            continue
        cl = only_consumer(a.output[0])
        if cl is None or cl.op_type != 'Clip':
            continue
        lo = attr(cl, 'min', scalar(cl.input[1]) if len(cl.input) > 1 and cl.input[1] else None)
        hi = attr(cl, 'max', scalar(cl.input[2]) if len(cl.input) > 2 and cl.input[2] else None)
        if lo != 0.0 or hi != 6.0:
            continue
        mu = only_consumer(cl.output[0])
        if mu is None or mu.op_type != 'Mul' or x not in mu.input:
            continue
        dv = only_consumer(mu.output[0])
        if dv is None or dv.op_type != 'Div' or dv.input[0] != mu.output[0] or scalar(dv.input[1]) != 6.0:
            continue
        hs = fresh('hardsigmoid')
        i = nodes.index(a)
        for r in (a, cl, mu, dv):
            nodes.remove(r)
        nodes.insert(i, helper.make_node('HardSigmoid', [x], [hs], alpha=1.0 / 6.0, beta=0.5, name=fresh('HardSigmoid')))
        nodes.insert(i + 1, helper.make_node('Mul', [x, hs], [dv.output[0]], name=fresh('hardswish')))
        bump('hardswish')

    # 3. t -> Mul(scalar s) -> Add(scalar b) -> Convs only: into the Convs.
    changed = True
    while changed:
        changed = False
        for mu in nodes:
            if mu.op_type != 'Mul':
                continue
            s, t = scalar_operand(mu)
            if s is None or s == 0.0:
                continue
            ad = only_consumer(mu.output[0])
            if ad is None or ad.op_type != 'Add':
                continue
            b, _ = scalar_operand(ad)
            if b is None:
                continue
            z = ad.output[0]
            convs = consumers(z)
            if not convs or z in outputs or any(not const_conv(c) or c.input[0] != z or c.input[1] == z for c in convs):
                continue
            unpadded = all(not any(attr(c, 'pads', [0])) and attr(c, 'auto_pad', b'NOTSET') in (b'NOTSET', 'NOTSET')
                           for c in convs)
            for c in convs:
                W, B = conv_params(c)
                if unpadded:
                    B = B + np.float32(b) * W.reshape(W.shape[0], -1).sum(axis=1, dtype=np.float32)
                set_conv_params(c, W * np.float32(s), B)
            nodes.remove(mu)
            if unpadded:
                nodes.remove(ad)
                for c in convs:
                    c.input[0] = t
                bump('affine into the unpadded conv after')
            else:
                # t*s + b = (t + b/s)*s: s into the Convs, t + b/s as a
                # depthwise 1x1 Conv (channels from the first Conv's weights).
                c0 = convs[0]
                W0 = inits[c0.input[1]]
                C = W0.shape[1] * attr(c0, 'group', 1)
                wn, bn = fresh('shift_w'), fresh('shift_b')
                inits[wn] = np.ones((C, 1, 1, 1), np.float32)
                inits[bn] = np.full(C, b / s, np.float32)
                nodes[nodes.index(ad)] = helper.make_node('Conv', [t, wn, bn], [z], group=C, kernel_shape=[1, 1],
                                                          name=fresh('shift'))
                bump('scale into the padded conv after, shift kept')
            changed = True
            break

    # 4. ArgMax and ReduceMax of the Softmax over the classes, as outputs.
    probs = g.output[0].name
    sm = [n for n in nodes if probs in n.output]
    if len(sm) == 1 and sm[0].op_type == 'Softmax' and 'ctc_best' not in outputs:
        axis = attr(sm[0], 'axis', 1)
        nodes.append(helper.make_node('ArgMax', [probs], ['ctc_best'], axis=axis, keepdims=0, name='ctc_best'))
        nodes.append(helper.make_node('ReduceMax', [probs], ['ctc_best_p'], axes=[axis], keepdims=0, name='ctc_best_p'))
        dims = list(g.output[0].type.tensor_type.shape.dim)
        steps = [d.dim_param or d.dim_value or None for d in dims[:axis % len(dims)] + dims[axis % len(dims) + 1:]]
        g.output.extend([helper.make_tensor_value_info('ctc_best', onnx.TensorProto.INT64, steps),
                         helper.make_tensor_value_info('ctc_best_p', onnx.TensorProto.FLOAT, steps)])
        outputs |= {'ctc_best', 'ctc_best_p'}
        bump('best class and its probability as outputs')

    used = {i for n in nodes for i in n.input} | outputs
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(numpy_helper.from_array(v, k) for k, v in inits.items() if k in used)
    del g.value_info[:]
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    print('fold: ' + ', '.join(f'{v} {k}' for k, v in stats.items()), file=sys.stderr)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__.split('\n\n')[2])
    main(sys.argv[1], sys.argv[2])
