"""Helpers shared by the export scripts: registry defaults, real tensor names, manifest writing.

A package is a folder with manifest.json, visual/model.onnx, textual/model.onnx and
textual/tokenizer.json (see models/README.md). Facts that a graph can tell us (tensor names,
types, output width) are read from the exported ONNX files rather than trusted from the registry.
"""

import json
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGISTRY = HERE.parent / "registry.json"

# onnx.TensorProto element types we can feed.
ONNX_TYPES = {1: "float32", 6: "int32", 7: "int64"}
# PIL / transformers resample codes.
RESAMPLE = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic"}


def registry_entry(model_id, registry=REGISTRY):
    data = json.loads(Path(registry).read_text(encoding="utf-8"))
    for entry in data["models"]:
        if entry["id"] == model_id:
            return entry
    raise SystemExit(f"{model_id} is not in {registry}")


def base_manifest(entry):
    m = entry["manifest"]
    source = {"registryId": entry["id"], "repo": entry["repo"]}
    if entry.get("revision"):
        source["revision"] = entry["revision"]
    return {
        "id": entry["id"],
        "name": entry["name"],
        "languages": list(entry["languages"]),
        "embeddingDim": entry["embeddingDim"],
        "image": dict(m["image"]),
        "text": dict(m["text"]),
        "search": dict(m["search"]),
        "source": source,
    }


def onnx_io(path):
    """([(input name, type)], [(output name, last dimension or None)]) of an ONNX file."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    initializers = {i.name for i in model.graph.initializer}
    inputs = [
        (i.name, ONNX_TYPES.get(i.type.tensor_type.elem_type, f"onnx-type-{i.type.tensor_type.elem_type}"))
        for i in model.graph.input
        if i.name not in initializers
    ]
    outputs = []
    for o in model.graph.output:
        dims = o.type.tensor_type.shape.dim
        last = dims[-1].dim_value if dims and dims[-1].dim_value > 0 else None
        outputs.append((o.name, last))
    return inputs, outputs


def apply_image_io(manifest, path):
    inputs, outputs = onnx_io(path)
    if len(inputs) != 1 or inputs[0][1] != "float32":
        raise SystemExit(f"{path}: expected one float32 input, found {inputs}")
    manifest["image"]["input"] = {"name": inputs[0][0], "type": "float32"}
    manifest["image"]["output"] = outputs[0][0]
    return outputs[0][1]


def apply_text_io(manifest, path):
    inputs, outputs = onnx_io(path)
    masks = [i for i in inputs if "mask" in i[0]]
    ids = [i for i in inputs if i not in masks]
    if len(ids) != 1 or ids[0][1] not in ("int32", "int64"):
        raise SystemExit(f"{path}: expected one int32/int64 token-id input, found {inputs}")
    manifest["text"]["ids"] = {"name": ids[0][0], "type": ids[0][1]}
    if masks:
        manifest["text"]["mask"] = {"name": masks[0][0], "type": masks[0][1]}
    else:
        manifest["text"].pop("mask", None)
    manifest["text"]["output"] = outputs[0][0]
    return outputs[0][1]


def image_preprocessing(manifest, image_processor):
    """Copies a Hugging Face / PaddleNLP image processor's settings into the manifest."""
    ip = image_processor
    size = ip.size if isinstance(ip.size, dict) else {"shortest_edge": ip.size}
    if getattr(ip, "do_center_crop", False):
        crop = ip.crop_size if isinstance(ip.crop_size, dict) else {"height": ip.crop_size}
        manifest["image"]["resize"] = "shortest-crop"
        manifest["image"]["size"] = int(crop["height"])
    else:
        manifest["image"]["resize"] = "squash"
        manifest["image"]["size"] = int(size.get("height") or size.get("shortest_edge"))
    manifest["image"]["interpolation"] = RESAMPLE.get(int(ip.resample), "bicubic")
    manifest["image"]["mean"] = [float(x) for x in ip.image_mean]
    manifest["image"]["std"] = [float(x) for x in ip.image_std]


def write_manifest(package_dir, manifest):
    """Writes manifest.json atomically, after checking that every file it names exists."""
    package_dir = Path(package_dir)
    for rel in (manifest["image"]["file"], manifest["text"]["file"], manifest["text"]["tokenizer"],
                manifest["image"].get("int8File"), manifest["text"].get("int8File")):
        if rel and not (package_dir / rel).is_file():
            raise SystemExit(f"manifest names {rel}, which is not in {package_dir}")
    fd, tmp = tempfile.mkstemp(dir=package_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, package_dir / "manifest.json")


def read_manifest(package_dir):
    return json.loads((Path(package_dir) / "manifest.json").read_text(encoding="utf-8"))
