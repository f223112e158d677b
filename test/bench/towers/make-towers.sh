#!/usr/bin/env bash
# Builds the random-weight bench model packages (speed only, never quality) into
# .cache/bench-models/ and checks their int8 towers against fp32 with onnxruntime-node.
#
#   bash test/bench/towers/make-towers.sh            # build what is missing or out of date
#   bash test/bench/towers/make-towers.sh --force    # rebuild everything
#   bash test/bench/towers/make-towers.sh --only bench-vitb16-bert
#
# Needs Debian's python3-torch and python3-onnx (installed here with apt-get when missing;
# PyPI is not reachable). Takes ~3 minutes on 2 cores and ~2.8 GB of disk.
# Env: KANJIAN_BENCH_MODELS overrides the output folder.
set -euo pipefail

cd "$(dirname "$0")/../../.."
PY=/usr/bin/python3   # Debian's python: its dist-packages hold apt's torch and onnx
export PYTHONDONTWRITEBYTECODE=1  # keep __pycache__ out of the source tree
OUT="${KANJIAN_BENCH_MODELS:-.cache/bench-models}"

missing=()
"$PY" -c 'import torch' 2>/dev/null || missing+=(python3-torch)
"$PY" -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
"$PY" -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)
if ((${#missing[@]})); then
  echo "installing ${missing[*]} with apt-get ..."
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

start=$SECONDS
"$PY" test/bench/towers/make_towers.py --out "$OUT" "$@"
echo
npx tsx test/bench/towers/check-int8.ts --models-dir "$OUT"
echo "make-towers: finished in $((SECONDS - start)) s"
