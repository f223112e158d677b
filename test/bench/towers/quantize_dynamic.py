#!/usr/bin/python3
"""Dynamic int8 quantisation of an ONNX tower, using only the `onnx` and `numpy` packages.

onnxruntime's own `onnxruntime.quantization.quantize_dynamic` is not installable here (no PyPI),
so this re-does the part of it that matters for transformer towers, emitting the same graph
pattern, so onnxruntime fuses it into the same kernels:

  MatMul(X, W) with W a constant float matrix [K, N] becomes

      X ──DynamicQuantizeLinear──▶ X_q (uint8), X_scale, X_zero
      MatMulInteger(X_q, W_q int8, X_zero, W_zero) ──Cast(float)──▶ Y_int
      Mul(X_scale, W_scale) ──▶ S
      Mul(Y_int, S) ──▶ Y                         (same name as the MatMul output it replaces)

  onnxruntime (graph optimisation level >= extended, the default) folds MatMulInteger + Cast +
  Mul (+ the bias Add that follows) into MatMulIntegerToFloat and then, when the
  DynamicQuantizeLinear in front feeds only that one MatMul, into a single DynamicQuantizeMatMul
  kernel (u8 x s8, the VNNI fast path on x86). We emit one DynamicQuantizeLinear per MatMul;
  onnxruntime's common-subexpression pass merges those that read the same activation (BERT's
  separate Q, K, V), which then run as one DynamicQuantizeLinear + three MatMulIntegerToFloat,
  exactly as onnxruntime's own quantiser's output does.

  Gemm(A, B, C) with constant B (alpha = beta = 1, transA = 0) is first rewritten as
  MatMul (+ Add), then quantised the same way.

  Gather(E, ids) with E a large constant table (word embeddings; >= --gather-min elements) becomes
  Gather(E_q int8, ids) -> DequantizeLinear(E_scale, 0). This is what shrinks XLM-R's
  250002 x 768 table from 768 MB to 192 MB; it is a lookup, so it costs no speed.

Weights are quantised symmetrically to int8 (zero point 0), per output column by default
(scale = max|W[:, n]| / 127; --per-tensor gives onnxruntime's default of one scale per matrix).
Activations are quantised at run time per tensor to uint8 by DynamicQuantizeLinear.
Left in float: Conv (the ViT patch embedding is one small Conv; ConvInteger is slow on CPU),
activation x activation MatMuls (attention scores), LayerNorm, Softmax.

--reduce-range quantises weights to 7 bits ([-63, 63]), onnxruntime's option for x86 CPUs
without VNNI, where the u8 x s8 AVX2/AVX-512BW path can saturate 16-bit intermediate sums.

Usage:
  /usr/bin/python3 quantize_dynamic.py IN.onnx OUT.int8.onnx [--per-tensor] [--reduce-range]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _consumers(graph: onnx.GraphProto) -> Counter:
    uses: Counter = Counter()
    for node in graph.node:
        for name in node.input:
            if name:
                uses[name] += 1
    for out in graph.output:
        uses[out.name] += 1
    return uses


def _resolve_identities(graph: onnx.GraphProto, inits: dict) -> None:
    """Point consumers of Identity(initializer) straight at the initializer, so shared weights
    (which exporters route through Identity) are seen as constants."""
    alias = {}
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            alias[node.output[0]] = node.input[0]
    if not alias:
        return
    graph_outputs = {o.name for o in graph.output}
    keep = []
    for node in graph.node:
        if node.op_type == "Identity" and node.output[0] in alias and node.output[0] not in graph_outputs:
            continue
        for i, name in enumerate(node.input):
            if name in alias:
                node.input[i] = alias[name]
        keep.append(node)
    del graph.node[:]
    graph.node.extend(keep)


def _quantize_weight(w: np.ndarray, per_channel: bool, reduce_range: bool):
    """Symmetric int8. Returns (q int8, scale float32 [] or [N], zero int8 same shape)."""
    qmax = 63.0 if reduce_range else 127.0
    absmax = np.abs(w).max(axis=0) if per_channel else np.array(np.abs(w).max())
    # An all-zero column gets scale 1: any scale reproduces it exactly.
    scale = np.asarray(np.where(absmax > 0, absmax / qmax, 1.0), dtype=np.float32)
    q = np.clip(np.rint(w / scale), -qmax, qmax).astype(np.int8)
    return q, scale, np.zeros(scale.shape, dtype=np.int8)


def quantize(model: onnx.ModelProto, per_channel: bool = True, reduce_range: bool = False,
             gather_min: int = 1_000_000, matmul_min: int = 0) -> dict:
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    _resolve_identities(graph, inits)
    stats = Counter()
    new_inits: list[onnx.TensorProto] = []
    new_nodes: list[onnx.NodeProto] = []
    uid = 0

    def fresh(base: str) -> str:
        nonlocal uid
        uid += 1
        return f"{base}__q{uid}"

    def float_const(name: str) -> np.ndarray | None:
        t = inits.get(name)
        if t is None or t.data_type != TensorProto.FLOAT:
            return None
        return numpy_helper.to_array(t)

    def emit_qmatmul(x: str, w: np.ndarray, y: str, label: str) -> None:
        q, scale, zero = _quantize_weight(w, per_channel, reduce_range)
        wq, ws, wz = fresh(label + "_W_int8"), fresh(label + "_W_scale"), fresh(label + "_W_zero")
        new_inits.extend([numpy_helper.from_array(q, wq), numpy_helper.from_array(scale, ws),
                          numpy_helper.from_array(zero, wz)])
        xq, xs, xz = fresh(label + "_X_uint8"), fresh(label + "_X_scale"), fresh(label + "_X_zero")
        yi, yf, s = fresh(label + "_Y_int32"), fresh(label + "_Y_float"), fresh(label + "_scale")
        new_nodes.extend([
            helper.make_node("DynamicQuantizeLinear", [x], [xq, xs, xz], name=fresh(label + "_dql")),
            helper.make_node("MatMulInteger", [xq, wq, xz, wz], [yi], name=fresh(label + "_mmi")),
            helper.make_node("Cast", [yi], [yf], name=fresh(label + "_cast"), to=TensorProto.FLOAT),
            helper.make_node("Mul", [xs, ws], [s], name=fresh(label + "_scales")),
            helper.make_node("Mul", [yf, s], [y], name=fresh(label + "_rescale")),
        ])

    for node in graph.node:
        label = node.name or node.op_type
        if node.op_type == "MatMul":
            w = float_const(node.input[1])
            if w is not None and w.ndim == 2 and w.size >= matmul_min:
                emit_qmatmul(node.input[0], w, node.output[0], label)
                stats["MatMul"] += 1
                continue
        elif node.op_type == "Gemm":
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            b = float_const(node.input[1])
            if (b is not None and attrs.get("alpha", 1.0) == 1.0 and attrs.get("beta", 1.0) == 1.0
                    and not attrs.get("transA", 0) and b.size >= matmul_min):
                w = b.T if attrs.get("transB", 0) else b
                has_bias = len(node.input) > 2 and node.input[2]
                y = fresh(label + "_nobias") if has_bias else node.output[0]
                emit_qmatmul(node.input[0], np.ascontiguousarray(w), y, label)
                if has_bias:
                    new_nodes.append(helper.make_node("Add", [y, node.input[2]], [node.output[0]], name=fresh(label + "_bias")))
                stats["Gemm"] += 1
                continue
        elif node.op_type == "Gather":
            axis = next((helper.get_attribute_value(a) for a in node.attribute if a.name == "axis"), 0)
            table = float_const(node.input[0])
            if table is not None and axis == 0 and table.size >= gather_min:
                q, scale, zero = _quantize_weight(table, per_channel=False, reduce_range=False)
                tq, ts, tz = fresh(label + "_E_int8"), fresh(label + "_E_scale"), fresh(label + "_E_zero")
                new_inits.extend([numpy_helper.from_array(q, tq), numpy_helper.from_array(scale, ts),
                                  numpy_helper.from_array(zero, tz)])
                g = fresh(label + "_rows_int8")
                new_nodes.extend([
                    helper.make_node("Gather", [tq, node.input[1]], [g], name=fresh(label + "_gather"), axis=0),
                    helper.make_node("DequantizeLinear", [g, ts, tz], [node.output[0]], name=fresh(label + "_deq")),
                ])
                stats["Gather"] += 1
                continue
        new_nodes.append(node)

    del graph.node[:]
    graph.node.extend(new_nodes)
    graph.initializer.extend(new_inits)

    # Drop float weights nothing reads any more (a weight shared with an unquantised op stays).
    uses = _consumers(graph)
    kept = [t for t in graph.initializer if uses[t.name] > 0]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    # Old IR versions also list initializers as graph inputs; drop those of removed weights.
    removed = set(inits) - {t.name for t in graph.initializer}
    for gi in [i for i in graph.input if i.name in removed]:
        graph.input.remove(gi)

    mode = ("per-channel" if per_channel else "per-tensor") + (", reduce-range" if reduce_range else "")
    helper.set_model_props(model, {
        **{p.key: p.value for p in model.metadata_props},
        "kanjian.quantization": f"dynamic int8 ({mode}); test/bench/towers/quantize_dynamic.py",
    })
    return dict(stats)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--per-tensor", action="store_true", help="one weight scale per matrix (onnxruntime's default)")
    ap.add_argument("--reduce-range", action="store_true", help="7-bit weights, for x86 CPUs without VNNI")
    ap.add_argument("--gather-min", type=int, default=1_000_000, help="quantise Gather tables with at least this many elements")
    ap.add_argument("--matmul-min", type=int, default=0, help="quantise MatMul weights with at least this many elements")
    args = ap.parse_args()

    t0 = time.time()
    model = onnx.load(args.input)
    stats = quantize(model, per_channel=not args.per_tensor, reduce_range=args.reduce_range,
                     gather_min=args.gather_min, matmul_min=args.matmul_min)
    onnx.checker.check_model(model)
    tmp = args.output + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, args.output)
    before, after = os.path.getsize(args.input) / 1e6, os.path.getsize(args.output) / 1e6
    print(f"  {args.output}: quantised {stats}; {before:.0f} MB -> {after:.0f} MB in {time.time() - t0:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
