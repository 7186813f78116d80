#!/usr/bin/env bash
# The main job: installs dependencies, builds tfc, compiles the bundled ONNX
# models to .tfcm artifacts for the H100 (sm_90a) and shows what is inside.
# Usage: scripts/demo.sh [model.onnx ...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=${TFC_BUILD_DIR:-build}
OUT=$BUILD_DIR/demo
mkdir -p "$OUT"
models=("$@")
if ((${#models[@]} == 0)); then
  models=(test/models/handmade_mlp_ln_softmax.onnx test/models/gpt2_style_min.ts17.onnx)
fi
for model in "${models[@]}"; do
  name=$(basename "$model" .onnx)
  echo "== $model"
  start=$(date +%s%N)
  "$BUILD_DIR/bin/tfc-opt" "$model" \
    --tfc-compile="target=sm_90a artifact=$OUT/$name.tfcm" \
    -o "$OUT/$name.final.mlir"
  end=$(date +%s%N)
  echo "compiled in $(( (end - start) / 1000000 )) ms -> $OUT/$name.tfcm"
  if [[ -x $BUILD_DIR/bin/tfc-run ]]; then
    "$BUILD_DIR/bin/tfc-run" "$OUT/$name.tfcm" --inspect | head -n 40
  fi
done
