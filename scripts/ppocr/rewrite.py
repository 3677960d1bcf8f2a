#!/usr/bin/python3
"""Rewrite a PaddleOCR (paddle2onnx) ONNX model so that OpenCV 4.6's
cv::dnn::readNetFromONNX loads it and forward() works.

Runs with Debian 12's python3-onnx (onnx 1.12) and numpy only; no onnxruntime,
no onnx-simplifier.

usage: /usr/bin/python3 rewrite.py IN.onnx OUT.onnx NxCxHxW [--any-width]
  --any-width (rec model, batch 1): one output model for every input width; give a nominal
              W whose W/8 is a number that no other dimension has (e.g. 1x3x48x488).

What it does (in this order):
  1. Constant nodes -> graph initializers.
  2. Fix the graph input to the given static shape; drop stale value_info and
     output shapes.
  3. Repeat until nothing changes:
       a. ONNX shape inference (with data propagation) on the whole graph;
       b. Shape nodes whose input shape is now fully static -> constants;
       c. every node whose inputs are all constants is evaluated with numpy
          (Cast, Slice, Concat, Gather, Unsqueeze, Squeeze, Reshape, arithmetic,
          ConstantOfShape, Range, Expand, ...) and replaced by an initializer
          (constant folding of the shape-computing subgraphs).
  4. OpenCV-specific rewrites:
       - Clip with min/max inputs (opset >= 11) -> Clip with min/max attributes;
       - Reshape targets made fully explicit (0 and -1 resolved from the
         inferred shapes);
       - negative axes (Squeeze/Unsqueeze/Reduce*/Softmax/Concat/...) made
         positive, and Softmax/Concat/Gather get an explicit axis attribute;
       - Mul/Div/Add/Sub with a constant non-scalar operand get an 'axis' attribute
         (rank - rank of the constant): OpenCV maps them to a Scale layer whose
         broadcast axis defaults to 1 and takes unknown ONNX attributes as layer
         params (LayerNorm weight/bias over the last axis fail without it);
       - Add/Sub of two variables with different shapes get 'axis' = first non-1
         dim of the smaller one (needed for batch > 1: else shape_utils.hpp:170);
       - no-op Cast (float->float) and Identity nodes removed;
       - unused initializers removed.
  5. --any-width: ReduceMean(last axis) -> MatMul with a 1/C column, Squeeze ->
     Reshape, the time-step dim of every Reshape target -> -1 (see any_width()).
  6. onnx.checker (non-fatal: the output is OpenCV-only, ONNX Runtime would reject
     the extra attributes) and save.
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, shape_inference, TensorProto

MAX_FOLD_ELEMS = 8_000_000


def attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def set_attr(node, name, value):
    for i, a in enumerate(node.attribute):
        if a.name == name:
            del node.attribute[i]
            break
    node.attribute.append(helper.make_attribute(name, value))


def opset_of(model):
    for o in model.opset_import:
        if o.domain in ("", "ai.onnx"):
            return o.version
    return 9


# ---------------------------------------------------------------- numpy eval
def _np_dtype(onnx_type):
    return helper.tensor_dtype_to_np_dtype(onnx_type) if hasattr(helper, "tensor_dtype_to_np_dtype") \
        else onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]


def _slice(x, starts, ends, axes=None, steps=None):
    starts = list(np.asarray(starts).reshape(-1))
    ends = list(np.asarray(ends).reshape(-1))
    if axes is None:
        axes = list(range(len(starts)))
    axes = [int(a) + x.ndim if a < 0 else int(a) for a in np.asarray(axes).reshape(-1)]
    if steps is None:
        steps = [1] * len(starts)
    steps = list(np.asarray(steps).reshape(-1))
    sl = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        dim = x.shape[a]
        s, e, st = int(s), int(e), int(st)
        # clamp huge sentinel values like INT64_MAX
        s = max(min(s, dim), -dim - 1)
        e = max(min(e, dim), -dim - 1)
        sl[a] = slice(s, e, st)
    return x[tuple(sl)]


def evaluate(node, ins, opset):
    """Evaluate node on numpy inputs; return list of outputs or None if unsupported."""
    op, a = node.op_type, attrs(node)
    x = ins[0] if ins else None
    if op == "Identity":
        return [x]
    if op == "Cast":
        return [x.astype(_np_dtype(a["to"]))]
    if op in ("Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "Min", "Max", "Mod"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Pow": np.power,
             "Equal": np.equal, "Less": np.less, "Greater": np.greater}.get(op)
        if op == "Div":
            y = ins[1]
            r = (x // y) if np.issubdtype(x.dtype, np.integer) else (x / y)
            return [np.asarray(r).astype(x.dtype)]
        if op in ("Min", "Max"):
            r = ins[0]
            for o in ins[1:]:
                r = (np.minimum if op == "Min" else np.maximum)(r, o)
            return [r]
        if op == "Mod":
            return [np.mod(x, ins[1])]
        r = f(x, ins[1])
        if op in ("Add", "Sub", "Mul", "Pow"):
            r = np.asarray(r).astype(x.dtype)
        return [r]
    if op in ("Neg", "Sqrt", "Floor", "Ceil", "Abs", "Reciprocal", "Exp", "Not", "Relu", "Sigmoid"):
        f = {"Neg": np.negative, "Sqrt": np.sqrt, "Floor": np.floor, "Ceil": np.ceil,
             "Abs": np.abs, "Reciprocal": np.reciprocal, "Exp": np.exp, "Not": np.logical_not,
             "Relu": lambda v: np.maximum(v, 0), "Sigmoid": lambda v: 1 / (1 + np.exp(-v))}[op]
        return [np.asarray(f(x)).astype(x.dtype)]
    if op == "Shape":
        return [np.array(x.shape, dtype=np.int64)]
    if op == "Size":
        return [np.array(x.size, dtype=np.int64)]
    if op == "Slice":
        if opset < 10:
            return [_slice(x, a["starts"], a["ends"], a.get("axes"))]
        return [_slice(x, ins[1], ins[2], ins[3] if len(ins) > 3 else None,
                       ins[4] if len(ins) > 4 else None)]
    if op == "Concat":
        return [np.concatenate([np.atleast_1d(i) if i.ndim == 0 else i for i in ins], axis=a["axis"])]
    if op == "Gather":
        return [np.take(x, ins[1], axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        axes = a["axes"] if "axes" in a else list(ins[1])
        r = x
        nd = x.ndim + len(axes)
        for ax in sorted(int(v) + nd if v < 0 else int(v) for v in axes):
            r = np.expand_dims(r, ax)
        return [r]
    if op == "Squeeze":
        axes = a.get("axes", list(ins[1]) if len(ins) > 1 else None)
        if axes is None:
            return [np.squeeze(x)]
        return [np.squeeze(x, axis=tuple(int(v) for v in axes))]
    if op == "Reshape":
        shape = [int(v) for v in ins[1]]
        shape = [x.shape[i] if v == 0 else v for i, v in enumerate(shape)]
        return [x.reshape(shape)]
    if op == "Flatten":
        ax = a.get("axis", 1)
        return [x.reshape(int(np.prod(x.shape[:ax])), -1)]
    if op == "Transpose":
        return [np.transpose(x, a.get("perm"))]
    if op == "ConstantOfShape":
        v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
        return [np.full([int(s) for s in x], v.reshape(-1)[0], dtype=v.dtype)]
    if op == "Range":
        return [np.arange(ins[0], ins[1], ins[2]).astype(ins[0].dtype)]
    if op == "Expand":
        return [x * np.ones([int(s) for s in ins[1]], dtype=x.dtype)]
    if op == "Where":
        return [np.where(ins[0], ins[1], ins[2])]
    if op == "ReduceProd":
        axes = a.get("axes")
        return [np.prod(x, axis=tuple(axes) if axes else None, keepdims=bool(a.get("keepdims", 1)))]
    if op == "Tile":
        return [np.tile(x, [int(v) for v in ins[1]])]
    return None


# ---------------------------------------------------------------- helpers
def static_shapes(model):
    """name -> list of ints for every value with a fully known shape."""
    out = {}
    g = model.graph
    for vi in list(g.value_info) + list(g.input) + list(g.output):
        t = vi.type.tensor_type
        if not t.HasField("shape"):
            continue
        dims = []
        ok = True
        for d in t.shape.dim:
            if d.HasField("dim_value") and d.dim_value > 0:
                dims.append(d.dim_value)
            elif d.HasField("dim_value") and d.dim_value == 0 and False:
                dims.append(0)
            else:
                ok = False
                break
        if ok:
            out[vi.name] = dims
    for init in g.initializer:
        out[init.name] = list(init.dims)
    return out


def infer(model):
    try:
        return shape_inference.infer_shapes(model, check_type=False, strict_mode=False, data_prop=True)
    except TypeError:
        return shape_inference.infer_shapes(model)


def constants_to_initializers(model):
    g = model.graph
    keep = []
    n = 0
    for node in g.node:
        if node.op_type == "Constant" and len(node.output) == 1:
            a = attrs(node)
            if "value" in a:
                t = a["value"]
                t.name = node.output[0]
                g.initializer.append(t)
                n += 1
                continue
            for k, dt in (("value_float", np.float32), ("value_int", np.int64)):
                if k in a:
                    g.initializer.append(numpy_helper.from_array(np.array(a[k], dtype=dt), node.output[0]))
                    n += 1
                    break
            else:
                keep.append(node)
            continue
        keep.append(node)
    del g.node[:]
    g.node.extend(keep)
    return n


def fold(model, opset, log):
    """One folding sweep. Returns number of nodes removed."""
    g = model.graph
    shapes = static_shapes(model)
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    graph_outputs = {o.name for o in g.output}
    keep, removed = [], 0
    for node in g.node:
        vals = None
        if node.op_type == "Shape" and node.input[0] in shapes and node.input[0] not in consts:
            vals = [np.array(shapes[node.input[0]], dtype=np.int64)]
        elif node.input and all((i == "" or i in consts) for i in node.input) \
                and not any(o in graph_outputs for o in node.output):
            ins = [consts[i] if i else None for i in node.input]
            while ins and ins[-1] is None:
                ins.pop()
            try:
                vals = evaluate(node, ins, opset)
            except Exception as e:  # noqa
                log(f"  fold failed {node.op_type} {node.name}: {e}")
                vals = None
            if vals is not None and any(np.asarray(v).size > MAX_FOLD_ELEMS for v in vals):
                vals = None
        if vals is None:
            keep.append(node)
            continue
        for name, v in zip(node.output, vals):
            v = np.asarray(v)
            consts[name] = v
            g.initializer.append(numpy_helper.from_array(v, name))
        removed += 1
    del g.node[:]
    g.node.extend(keep)
    return removed


def prune_initializers(model):
    g = model.graph
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [i for i in g.initializer if i.name in used]
    n = len(g.initializer) - len(keep)
    del g.initializer[:]
    g.initializer.extend(keep)
    # drop initializers that are also listed as graph inputs (old exporters)
    init_names = {i.name for i in g.initializer}
    real_inputs = [i for i in g.input if i.name not in init_names]
    del g.input[:]
    g.input.extend(real_inputs)
    return n


def remove_noop(model):
    """Remove Identity and float->float Cast nodes by rewiring their consumers."""
    g = model.graph
    elem = {}
    for vi in list(g.value_info) + list(g.input) + list(g.output):
        elem[vi.name] = vi.type.tensor_type.elem_type
    for i in g.initializer:
        elem[i.name] = i.data_type
    graph_outputs = {o.name for o in g.output}
    rename, keep, n = {}, [], 0
    for node in g.node:
        for k, i in enumerate(node.input):
            if i in rename:
                node.input[k] = rename[i]
        noop = node.op_type == "Identity" or (
            node.op_type == "Cast" and elem.get(node.input[0]) == attrs(node)["to"])
        if noop and node.output[0] not in graph_outputs:
            rename[node.output[0]] = node.input[0]
            n += 1
            continue
        keep.append(node)
    del g.node[:]
    g.node.extend(keep)
    return n


def opencv_fixups(model, opset, log):
    g = model.graph
    shapes = static_shapes(model)
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    counts = {}

    def bump(k):
        counts[k] = counts.get(k, 0) + 1

    for node in g.node:
        a = attrs(node)
        rank = len(shapes[node.input[0]]) if node.input and node.input[0] in shapes else None
        if node.op_type == "Clip" and len(node.input) > 1:
            lo = consts.get(node.input[1]) if len(node.input) > 1 and node.input[1] else None
            hi = consts.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
            if (len(node.input) > 1 and node.input[1] and lo is None) or \
               (len(node.input) > 2 and node.input[2] and hi is None):
                log(f"  Clip {node.name}: non-constant bounds, left alone")
                continue
            del node.input[1:]
            if lo is not None:
                set_attr(node, "min", float(np.asarray(lo).reshape(-1)[0]))
            if hi is not None:
                set_attr(node, "max", float(np.asarray(hi).reshape(-1)[0]))
            bump("Clip inputs->attributes")
        elif node.op_type == "Reshape" and node.input[1] in consts and node.output[0] in shapes:
            target = np.array(shapes[node.output[0]], dtype=np.int64)
            if not np.array_equal(consts[node.input[1]], target):
                name = node.output[0] + "__shape"
                g.initializer.append(numpy_helper.from_array(target, name))
                consts[name] = target
                node.input[1] = name
                bump("Reshape target made explicit")
        elif node.op_type in ("Squeeze", "Unsqueeze", "ReduceMean", "ReduceSum", "ReduceMax",
                              "ReduceMin", "ReduceProd", "ReduceL2") and "axes" in a:
            nd = rank if node.op_type != "Unsqueeze" else (rank + len(a["axes"]) if rank is not None else None)
            if nd is not None and any(v < 0 for v in a["axes"]):
                set_attr(node, "axes", [int(v) + nd if v < 0 else int(v) for v in a["axes"]])
                bump(f"{node.op_type} negative axes made positive")
        elif node.op_type in ("Softmax", "LogSoftmax", "Concat", "Gather", "Flatten", "ArgMax"):
            default = {"Softmax": 1 if opset < 13 else -1, "LogSoftmax": 1 if opset < 13 else -1,
                       "Concat": None, "Gather": 0, "Flatten": 1, "ArgMax": 0}[node.op_type]
            ax = a.get("axis", default)
            if ax is None:
                continue
            if ax < 0 and rank is not None:
                ax += rank
            if "axis" not in a or a["axis"] != ax:
                set_attr(node, "axis", int(ax))
                bump(f"{node.op_type} explicit/positive axis")
        if node.op_type in ("Mul", "Div", "Add", "Sub") and len(node.input) == 2:
            ci = [i for i in (0, 1) if node.input[i] in consts]
            if len(ci) == 1:
                blob = consts[node.input[ci[0]]]
                var = node.input[1 - ci[0]]
                if blob.size > 1 and var in shapes:
                    bshape = list(blob.shape)
                    while bshape and bshape[0] == 1:
                        bshape.pop(0)
                    ax = len(shapes[var]) - len(bshape)
                    if "axis" not in a and ax != 1:
                        # OpenCV turns Mul/Add with a constant blob into a Scale/Shift layer whose
                        # broadcast axis defaults to 1; ONNX attributes are passed through as
                        # layer params, so an 'axis' attribute tells it where the blob goes.
                        set_attr(node, "axis", int(ax))
                        bump(f"{node.op_type} with constant blob: axis attribute")
        if node.op_type in ("Add", "Sub") and len(node.input) == 2 and "axis" not in a \
                and all(i not in consts for i in node.input) \
                and all(i in shapes for i in node.input) \
                and shapes[node.input[0]] != shapes[node.input[1]]:
            # Two variable inputs of different shapes become a Scale layer with bias whose axis
            # defaults to 1; with batch > 1 the broadcast input starts at axis 0 and OpenCV 4.6
            # fails in shape_utils total(). Give it the axis of the first non-1 dimension.
            s0, s1 = shapes[node.input[0]], shapes[node.input[1]]
            small = s1 if np.prod(s1) < np.prod(s0) else s0
            big = s0 if small is s1 else s1
            off = len(big) - len(small)
            ax = next((i for i, d in enumerate(small) if d != 1), len(small)) + off
            if ax != 1:
                set_attr(node, "axis", int(ax))
                bump(f"{node.op_type} broadcast of two variables: axis attribute")
    for k, v in counts.items():
        log(f"  {k}: {v}")


def any_width(model, T, log):
    """Make a rec model width-agnostic for OpenCV: every shape that OpenCV's importer would bake
    in at load time must not contain the time-step count T (= W/8).
      - ReduceMean over the last axis -> MatMul with a constant column of 1/C;
      - Squeeze -> Reshape;
      - Reshape targets: the dimension equal to T -> -1.
    Then one model file serves every input width (OpenCV re-allocates when the width changes)."""
    g = model.graph
    shapes = static_shapes(model)
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    n_rm = n_sq = n_rs = 0
    for node in g.node:
        a = attrs(node)
        if node.op_type == "ReduceMean" and node.input[0] in shapes:
            r = len(shapes[node.input[0]])
            axes = [v + r if v < 0 else v for v in a.get("axes", [])]
            if axes == [r - 1] and a.get("keepdims", 1) == 1:
                C = shapes[node.input[0]][-1]
                name = node.output[0] + "__meancol"
                g.initializer.append(numpy_helper.from_array(np.full((C, 1), 1.0 / C, np.float32), name))
                node.op_type = "MatMul"
                del node.attribute[:]
                node.input.append(name)
                n_rm += 1
        elif node.op_type == "Squeeze" and node.output[0] in shapes:
            target = list(shapes[node.output[0]])
            name = node.output[0] + "__shape"
            g.initializer.append(numpy_helper.from_array(np.array(target, np.int64), name))
            node.op_type = "Reshape"
            del node.attribute[:]
            node.input.append(name)
            n_sq += 1
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    for node in g.node:
        if node.op_type == "Reshape" and node.input[1] in consts:
            t = consts[node.input[1]].astype(np.int64)
            hits = [i for i, v in enumerate(t) if v == T]
            if len(hits) == 1 and -1 not in t:
                t = t.copy()
                t[hits[0]] = -1
                name = node.output[0] + "__anyw"
                g.initializer.append(numpy_helper.from_array(t, name))
                node.input[1] = name
                n_rs += 1
            elif len(hits) > 1:
                log(f"  WARNING: {node.name}: T={T} appears {len(hits)} times in {t.tolist()}")
    log(f"  any width: ReduceMean->MatMul {n_rm}, Squeeze->Reshape {n_sq}, Reshape T->-1 {n_rs}")
    # The graph input keeps the nominal width: a symbolic dim would make OpenCV's importer
    # compute its load-time shapes with width 0. OpenCV does not hold the blob to it.


def parse_shape(s):
    return [int(v) for v in s.lower().split("x")]


def rewrite(src, dst, shape, log=print, anywidth=False):
    model = onnx.load(src)
    opset = opset_of(model)
    g = model.graph
    log(f"{src}: opset {opset}, {len(g.node)} nodes")
    log(f"  Constant -> initializer: {constants_to_initializers(model)}")
    init_names = {i.name for i in g.initializer}
    inputs = [i for i in g.input if i.name not in init_names]
    if len(inputs) != 1:
        raise SystemExit(f"expected one graph input, got {[i.name for i in inputs]}")
    dims = inputs[0].type.tensor_type.shape.dim
    if len(dims) != len(shape):
        raise SystemExit(f"input rank {len(dims)} != given shape {shape}")
    for d, v in zip(dims, shape):
        d.Clear()
        d.dim_value = v
    log(f"  input {inputs[0].name} fixed to {shape}")
    del g.value_info[:]
    for o in g.output:
        o.type.tensor_type.ClearField("shape")

    total = 0
    for it in range(20):
        model = infer(model)
        n = fold(model, opset, log)
        n += remove_noop(model)
        total += n
        if n == 0:
            break
    log(f"  folded/removed nodes: {total} in {it + 1} sweeps")
    prune_initializers(model)
    del model.graph.value_info[:]
    model = infer(model)
    opencv_fixups(model, opset, log)
    prune_initializers(model)
    model = infer(model)
    if anywidth:
        outs = model.graph.output[0].type.tensor_type.shape.dim
        any_width(model, outs[1].dim_value, log)
        prune_initializers(model)
    left = sorted({n.op_type for n in model.graph.node})
    log(f"  {len(model.graph.node)} nodes left; ops: {' '.join(left)}")
    for o in model.graph.output:
        log(f"  output {o.name}: {[d.dim_value for d in o.type.tensor_type.shape.dim]}")
    dyn = [n.op_type for n in model.graph.node if n.op_type in ("Shape", "Size")]
    if dyn:
        log(f"  WARNING: dynamic shape ops remain: {dyn}")
    try:
        onnx.checker.check_model(model)
    except Exception as e:  # attribute-form Clip is invalid for opset >= 11; OpenCV does not care
        log(f"  checker (non-fatal): {str(e).splitlines()[0][:200]}")
    onnx.save(model, dst)
    log(f"  wrote {dst}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 3:
        print(__doc__)
        sys.exit(2)
    rewrite(args[0], args[1], parse_shape(args[2]), anywidth="--any-width" in sys.argv)
