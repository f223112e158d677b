#!/usr/bin/env python3
"""Add dynamically quantised int8 towers to a Kanjian model package.

    pip install onnx onnxruntime
    python models/export/quantize_int8.py <dataDir>/models/<id> [--towers image,text]

For each tower this writes <tower file>_int8.onnx next to the fp32 graph with
onnxruntime.quantization.quantize_dynamic (int8 weights, activations quantised at run time) and
records it as `int8File` in manifest.json; the runtime uses it when asked for int8. The fp32 graph
stays, so the change is reversible. Quantisation costs some accuracy: re-check search quality on
your own zh/en queries before making int8 the default (see models/README.md).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _package import read_manifest, write_manifest  # noqa: E402

# Protobuf cannot hold a model over 2 GB, so bigger towers keep their weights in external data.
EXTERNAL_DATA_ABOVE = 1_800_000_000


def folder_bytes(path):
    return sum(f.stat().st_size for f in path.parent.iterdir() if f.is_file())


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("package", type=Path)
    p.add_argument("--towers", default="image,text", help="comma-separated: image, text")
    p.add_argument("--per-channel", action="store_true", help="per-channel weight scales (slower, sometimes more accurate)")
    p.add_argument("--force", action="store_true", help="quantise again even if int8File is set")
    args = p.parse_args()

    from onnxruntime.quantization import QuantType, quantize_dynamic

    manifest = read_manifest(args.package)
    for tower in [t.strip() for t in args.towers.split(",") if t.strip()]:
        if tower not in ("image", "text"):
            raise SystemExit(f"unknown tower {tower!r}")
        spec = manifest[tower]
        if spec.get("int8File") and not args.force:
            print(f"{tower}: already has {spec['int8File']}")
            continue
        src = args.package / spec["file"]
        dst = src.with_name(f"{src.stem}_int8.onnx")
        big = folder_bytes(src) > EXTERNAL_DATA_ABOVE
        print(f"{tower}: {src} -> {dst}{' (external data)' if big else ''}")
        quantize_dynamic(
            model_input=str(src),
            model_output=str(dst),
            weight_type=QuantType.QInt8,
            per_channel=args.per_channel,
            use_external_data_format=big,
        )
        spec["int8File"] = dst.relative_to(args.package).as_posix()
    write_manifest(args.package, manifest)
    print(f"Updated {args.package / 'manifest.json'}")


if __name__ == "__main__":
    main()
