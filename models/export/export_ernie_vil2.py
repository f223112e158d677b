#!/usr/bin/env python3
"""Build the ERNIE-ViL 2.0 base (zh) model package: PaddleNLP -> Paddle inference graphs -> paddle2onnx.

No ONNX of ERNIE-ViL 2.0 is published, so Kanjian cannot download it; this script builds it:

    pip install paddlepaddle paddlenlp paddle2onnx onnx tokenizers onnxruntime
    python models/export/export_ernie_vil2.py --out <dataDir>/models/ernie-vil-2.0-base-zh --check

Steps (the first two follow PaddleNLP's model_zoo/ernie-vil2.0/export_model.py):
  1. ErnieViLModel.from_pretrained("PaddlePaddle/ernie_vil-2.0-base-zh")
  2. paddle.jit.to_static + paddle.jit.save of get_image_features / get_text_features
  3. paddle2onnx on each saved graph (.json for Paddle 3 PIR programs, .pdmodel for older Paddle)
  4. textual/tokenizer.json built from the model's vocab.txt with the `tokenizers` library
  5. manifest.json from models/registry.json, corrected with the processor's real preprocessing
     values, the tokenizer's pad id and the tensor names found in the ONNX files
"""

import argparse
import subprocess
import sys
import tempfile
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

MODEL_ID = "ernie-vil-2.0-base-zh"
PADDLE_NAME = "PaddlePaddle/ernie_vil-2.0-base-zh"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, type=Path, help="package folder to create")
    p.add_argument("--model", default=PADDLE_NAME, help="PaddleNLP model name or local folder")
    p.add_argument("--opset", type=int, default=14)
    p.add_argument("--context-length", type=int, default=64, help="ErnieViLTokenizer max_model_input_sizes")
    p.add_argument("--check", action="store_true", help="compare onnxruntime with Paddle on one image and one text")
    return p.parse_args()


def save_static(model, work):
    import paddle

    model.eval()
    specs = {
        "get_text_features": [paddle.static.InputSpec(shape=[None, None], dtype="int64", name="input_ids")],
        "get_image_features": [paddle.static.InputSpec(shape=[None, 3, 224, 224], dtype="float32", name="pixel_values")],
    }
    for name, spec in specs.items():
        static = paddle.jit.to_static(getattr(model, name), input_spec=spec)
        paddle.jit.save(static, str(work / name))


def to_onnx(work, name, dest, opset):
    program = next((work / f"{name}{ext}" for ext in (".json", ".pdmodel") if (work / f"{name}{ext}").is_file()), None)
    if program is None:
        raise SystemExit(f"paddle.jit.save wrote no {name}.json or {name}.pdmodel in {work}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["paddle2onnx", "--model_dir", str(work), "--model_filename", program.name,
         "--params_filename", f"{name}.pdiparams", "--save_file", str(dest), "--opset_version", str(opset)],
        check=True,
    )


def write_tokenizer(tokenizer, dest, work):
    from tokenizers import BertWordPieceTokenizer

    tokenizer.save_pretrained(str(work / "tokenizer"))
    vocab = work / "tokenizer" / "vocab.txt"
    if not vocab.is_file():
        raise SystemExit(f"the ERNIE tokenizer saved no vocab.txt in {vocab.parent}")
    # ErnieViLTokenizer is BERT-style WordPiece with do_lower_case and [CLS] ... [SEP].
    wp = BertWordPieceTokenizer(str(vocab), lowercase=True, handle_chinese_chars=True, clean_text=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wp.save(str(dest))
    return wp


def check(out, manifest, model, processor, wp):
    import numpy as np
    import onnxruntime as ort
    import paddle
    from PIL import Image

    text = "海边的日落"
    ids = processor(text=text)["input_ids"]
    ours = wp.encode(text).ids
    if ids != ours:
        raise SystemExit(f"tokenizer.json disagrees with PaddleNLP: {ours} vs {ids}")
    padded = ids + [manifest["text"]["padId"]] * (manifest["text"]["contextLength"] - len(ids))
    pixels = np.asarray(processor(images=Image.new("RGB", (320, 240), (40, 120, 200)))["pixel_values"], dtype=np.float32)

    sess_i = ort.InferenceSession(str(out / "visual/model.onnx"), providers=["CPUExecutionProvider"])
    sess_t = ort.InferenceSession(str(out / "textual/model.onnx"), providers=["CPUExecutionProvider"])
    img = sess_i.run(None, {manifest["image"]["input"]["name"]: pixels})[0][0]
    txt = sess_t.run(None, {manifest["text"]["ids"]["name"]: np.array([padded], dtype=np.int64)})[0][0]
    with paddle.no_grad():
        ref_img = model.get_image_features(paddle.to_tensor(pixels)).numpy()[0]
        ref_txt = model.get_text_features(paddle.to_tensor([ids])).numpy()[0]

    def cos(a, b):
        return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))

    # The padded text must match the unpadded one: the graph masks [PAD] by its id.
    ci, ct = cos(img, ref_img), cos(txt, ref_txt)
    print(f"cosine to Paddle: image {ci:.6f}, text (padded to {len(padded)}) {ct:.6f}")
    if min(ci, ct) < 0.999:
        raise SystemExit("ONNX towers disagree with Paddle; check padId and the preprocessing values")
    return int(img.shape[-1])


def main():
    args = parse_args()
    out = args.out
    if (out / "manifest.json").exists():
        raise SystemExit(f"{out} already holds a package")

    from paddlenlp.transformers import ErnieViLModel, ErnieViLProcessor

    model = ErnieViLModel.from_pretrained(args.model)
    processor = ErnieViLProcessor.from_pretrained(args.model)
    manifest = base_manifest(registry_entry(MODEL_ID))
    image_preprocessing(manifest, processor.image_processor)
    manifest["text"]["padId"] = int(processor.tokenizer.pad_token_id)
    manifest["text"]["contextLength"] = args.context_length

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        save_static(model, work)
        to_onnx(work, "get_image_features", out / "visual/model.onnx", args.opset)
        to_onnx(work, "get_text_features", out / "textual/model.onnx", args.opset)
        wp = write_tokenizer(processor.tokenizer, out / "textual/tokenizer.json", work)

    dim = apply_image_io(manifest, out / "visual/model.onnx")
    apply_text_io(manifest, out / "textual/model.onnx")
    # PaddleNLP's own deploy/python/infer.py L2-normalises both towers' outputs after the graph.
    manifest["image"]["normalize"] = True
    manifest["text"]["normalize"] = True
    manifest["image"]["batch"] = None
    if args.check:
        dim = check(out, manifest, model, processor, wp)
    if dim:
        manifest["embeddingDim"] = dim
    write_manifest(out, manifest)
    print(f"Wrote {out}/manifest.json")


if __name__ == "__main__":
    main()
