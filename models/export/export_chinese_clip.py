#!/usr/bin/env python3
"""Export Chinese-CLIP ViT-B/16 as a Kanjian model package with split image and text towers.

Two routes, same package layout:

  Route A (default) - transformers' ChineseCLIPModel, one ONNX graph per tower:
      pip install torch transformers onnx onnxruntime
      python models/export/export_chinese_clip.py --out <dataDir>/models/chinese-clip-vit-b-16

  Route B - package the graphs written by OFA-Sys's own exporter:
      git clone https://github.com/OFA-Sys/Chinese-CLIP && cd Chinese-CLIP && pip install -e . onnx onnxmltools
      python cn_clip/deploy/pytorch_to_onnx.py --model-arch ViT-B-16 \
          --save-onnx-path /tmp/cnclip/vit-b-16 --convert-text --convert-vision
      python models/export/export_chinese_clip.py --official-onnx /tmp/cnclip/vit-b-16 \
          --out <dataDir>/models/chinese-clip-vit-b-16

The tokenizer.json (for @huggingface/tokenizers) comes from the Hugging Face repo in both routes.
"""

import argparse
import inspect
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _package import (  # noqa: E402
    apply_image_io,
    apply_text_io,
    base_manifest,
    image_preprocessing,
    registry_entry,
    write_manifest,
)

MODEL_ID = "chinese-clip-vit-b-16"
HF_REPO = "OFA-Sys/chinese-clip-vit-base-patch16"
# The first revision of that repo with a tokenizer.json (see models/registry.json).
HF_REVISION = "f2a455dcf33a4efd2db7c1e02f7f431a70a4b0cd"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path, help="package folder to create")
    p.add_argument("--hf-repo", default=HF_REPO)
    p.add_argument("--revision", default=HF_REVISION)
    p.add_argument("--official-onnx", metavar="PREFIX", help="route B: prefix given to pytorch_to_onnx.py")
    p.add_argument("--context-length", type=int, default=52, help="cn_clip's default text length")
    p.add_argument("--opset", type=int, default=17)
    p.add_argument("--check", action="store_true", help="run both towers with onnxruntime and compare to PyTorch")
    return p.parse_args()


def tower_output(out, kind):
    # transformers has returned both plain tensors and ModelOutput objects from get_*_features.
    import torch

    if torch.is_tensor(out):
        return out
    for name in (f"{kind}_embeds", "pooler_output"):
        if getattr(out, name, None) is not None:
            return getattr(out, name)
    raise SystemExit(f"cannot find the {kind} features in {type(out).__name__}")


def export(module, args, path, input_names, output_name, opset):
    import torch

    kwargs = dict(
        input_names=input_names,
        output_names=[output_name],
        dynamic_axes={**{n: {0: "batch"} for n in input_names}, output_name: {0: "batch"}},
        opset_version=opset,
        do_constant_folding=True,
    )
    # The TorchScript exporter handles dynamic_axes directly; newer torch defaults to dynamo.
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), **kwargs)


def route_a(out, args, manifest):
    import torch
    from transformers import ChineseCLIPModel, ChineseCLIPProcessor

    model = ChineseCLIPModel.from_pretrained(args.hf_repo, revision=args.revision).eval()
    processor = ChineseCLIPProcessor.from_pretrained(args.hf_repo, revision=args.revision)
    image_preprocessing(manifest, processor.image_processor)

    class ImageTower(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, pixel_values):
            return tower_output(self.m.get_image_features(pixel_values=pixel_values), "image")

    class TextTower(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask):
            out = self.m.get_text_features(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            )
            return tower_output(out, "text")

    size = manifest["image"]["size"]
    export(ImageTower(model), (torch.zeros(1, 3, size, size),), out / "visual/model.onnx",
           ["pixel_values"], "image_embeds", args.opset)
    ids = torch.ones(1, args.context_length, dtype=torch.int64)
    export(TextTower(model), (ids, torch.ones_like(ids)), out / "textual/model.onnx",
           ["input_ids", "attention_mask"], "text_embeds", args.opset)
    return model, processor


def route_b(out, prefix):
    for tower, src in (("visual", f"{prefix}.img.fp32.onnx"), ("textual", f"{prefix}.txt.fp32.onnx")):
        src = Path(src)
        if not src.is_file():
            raise SystemExit(f"{src} not found: run cn_clip/deploy/pytorch_to_onnx.py first")
        (out / tower).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out / tower / "model.onnx")
        # Large exports keep weights in "<name>.extra_file"; the graph refers to it by that name.
        extra = Path(f"{src}.extra_file")
        if extra.is_file():
            shutil.copyfile(extra, out / tower / extra.name)


def check(out, manifest, model, processor, tokenizer):
    import numpy as np
    import onnxruntime as ort
    from PIL import Image

    image = Image.new("RGB", (320, 240), (200, 120, 40))
    pixels = processor(images=image, return_tensors="np")["pixel_values"].astype(np.float32)
    enc = tokenizer("海边的日落", padding="max_length", max_length=manifest["text"]["contextLength"],
                    truncation=True, return_tensors="np")
    sess_i = ort.InferenceSession(str(out / "visual/model.onnx"), providers=["CPUExecutionProvider"])
    sess_t = ort.InferenceSession(str(out / "textual/model.onnx"), providers=["CPUExecutionProvider"])
    feeds = {manifest["text"]["ids"]["name"]: enc["input_ids"].astype(np.int64)}
    if "mask" in manifest["text"]:
        feeds[manifest["text"]["mask"]["name"]] = enc["attention_mask"].astype(np.int64)
    img = sess_i.run(None, {manifest["image"]["input"]["name"]: pixels})[0][0]
    txt = sess_t.run(None, feeds)[0][0]
    print(f"image {img.shape}, text {txt.shape}")
    if model is not None:
        import torch

        with torch.no_grad():
            ref = tower_output(model.get_image_features(pixel_values=torch.from_numpy(pixels)), "image")[0].numpy()
        cos = float(np.dot(img, ref) / (np.linalg.norm(img) * np.linalg.norm(ref)))
        print(f"image tower: cosine to PyTorch {cos:.6f}")
        if cos < 0.999:
            raise SystemExit("ONNX image tower disagrees with PyTorch")


def main():
    args = parse_args()
    out = args.out
    if (out / "manifest.json").exists():
        raise SystemExit(f"{out} already holds a package")
    out.mkdir(parents=True, exist_ok=True)

    from transformers import AutoTokenizer

    manifest = base_manifest(registry_entry(MODEL_ID))
    manifest["source"] = {"registryId": MODEL_ID, "repo": args.hf_repo, "revision": args.revision}
    tokenizer = AutoTokenizer.from_pretrained(args.hf_repo, revision=args.revision, use_fast=True)
    if not tokenizer.is_fast:
        raise SystemExit("no fast tokenizer: tokenizer.json cannot be written")
    (out / "textual").mkdir(parents=True, exist_ok=True)
    tokenizer.backend_tokenizer.save(str(out / "textual/tokenizer.json"))
    manifest["text"]["padId"] = int(tokenizer.pad_token_id)
    manifest["text"]["contextLength"] = args.context_length

    model = processor = None
    if args.official_onnx:
        route_b(out, args.official_onnx)
    else:
        model, processor = route_a(out, args, manifest)

    dim = apply_image_io(manifest, out / "visual/model.onnx")
    apply_text_io(manifest, out / "textual/model.onnx")
    if dim:
        manifest["embeddingDim"] = dim
    # Route A outputs are text_embeds/image_embeds, route B unnorm_*_features: neither is unit length.
    manifest["image"]["normalize"] = True
    manifest["text"]["normalize"] = True
    # Route B's text graph was traced at batch 1; the image graph has a dynamic batch in both routes.
    manifest["image"]["batch"] = None

    if args.check:
        if processor is None:
            from transformers import ChineseCLIPProcessor

            processor = ChineseCLIPProcessor.from_pretrained(args.hf_repo, revision=args.revision)
        check(out, manifest, model, processor, tokenizer)
    write_manifest(out, manifest)
    print(f"Wrote {out}/manifest.json")


if __name__ == "__main__":
    main()
