#!/usr/bin/env python3
"""The reference image preprocessing: torchvision's Resize + CenterCrop + ToTensor + Normalize on
the PIL backend (antialiased), the pipeline CLIP-family models are trained and evaluated with.

Reads a JSON job list on stdin:
  {"jobs": [{"file": ..., "out": ..., "size": 224, "resize": "squash" | "shortest-crop",
             "interpolation": "bicubic" | "bilinear", "mean": [3], "std": [3]}]}
and writes each tensor as float32 CHW (3 x size x size, little-endian) to job["out"].
Prints one JSON line with the library versions.

Decoding to 8-bit RGB, as a careful training loader does it (not PIL's defaults where those are
lossy): EXIF orientation applied (ImageOps.exif_transpose); 16-bit greyscale scaled to 8 bits
(PIL's convert('RGB') would clip it); RGB and CMYK with an embedded ICC profile converted through
it to sRGB (PIL alone ignores profiles; Kanjian, like a viewer, converts); transparency composited
onto white (Kanjian's documented choice, so the comparison measures
resizing and normalisation, not a policy difference).
"""
import io
import json
import sys

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image, ImageCms, ImageOps
from torchvision import transforms as T

INTERPOLATION = {
    "bicubic": T.InterpolationMode.BICUBIC,
    "bilinear": T.InterpolationMode.BILINEAR,
    "nearest": T.InterpolationMode.NEAREST,
    "lanczos": T.InterpolationMode.LANCZOS,
}


def load_rgb(path: str) -> Image.Image:
    img = Image.open(path)
    img = ImageOps.exif_transpose(img)
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if arr.max() > 255 else 255.0
        img = Image.fromarray(np.clip(np.rint(arr * 255.0 / top), 0, 255).astype(np.uint8), "L")
    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "CMYK"):
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        img = ImageCms.profileToProfile(img, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
    elif img.mode == "CMYK":
        img = img.convert("RGB")
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA") or "transparency" in img.info:
        img = img.convert("RGBA")
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img)
    return img.convert("RGB")


def transform(job: dict) -> T.Compose:
    size = job["size"]
    interp = INTERPOLATION[job["interpolation"]]
    if job["resize"] == "squash":
        steps = [T.Resize((size, size), interpolation=interp, antialias=True)]
    else:
        steps = [T.Resize(size, interpolation=interp, antialias=True), T.CenterCrop(size)]
    return T.Compose(steps + [T.ToTensor(), T.Normalize(job["mean"], job["std"])])


def main() -> None:
    jobs = json.load(sys.stdin)["jobs"]
    images: dict[str, Image.Image] = {}
    for job in jobs:
        if job["file"] not in images:
            images[job["file"]] = load_rgb(job["file"])
        tensor = transform(job)(images[job["file"]])
        assert tuple(tensor.shape) == (3, job["size"], job["size"]), tensor.shape
        tensor.numpy().astype("<f4").tofile(job["out"])
    print(json.dumps({"torchvision": torchvision.__version__, "torch": torch.__version__, "pillow": PIL.__version__, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
