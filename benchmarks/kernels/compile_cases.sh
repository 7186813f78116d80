#!/usr/bin/env bash
# Compiles every kernel benchmark case (cases/*.mlir, from gen_cases.py) to a
# .tfcm artifact with tfc-opt --tfc-compile, and copies what the device run
# needs into .device-carry/kernels (git-ignored; pass it as `carry`): the
# artifacts, the manifest, the scripts, and a snapshot of runtime/ matching
# the artifact format this tfc-opt writes.
# Usage (from the repo root): benchmarks/kernels/compile_cases.sh [TFC_OPT]
set -euo pipefail
cd "$(dirname "$0")/../.."
TFC_OPT=${1:-build/bin/tfc-opt}
DEST=.device-carry/kernels
rm -rf "$DEST" && mkdir -p "$DEST/artifacts"
for f in benchmarks/kernels/cases/*.mlir; do
  name=$(basename "$f" .mlir)
  "$TFC_OPT" "$f" --tfc-compile="target=sm_90a artifact=$DEST/artifacts/$name.tfcm" -o /dev/null
done
cp benchmarks/kernels/cases/manifest.json benchmarks/kernels/bench_kernels.py \
   benchmarks/kernels/run_on_device.sh "$DEST/"
mkdir -p "$DEST/runtime-src" && cp -r runtime/. "$DEST/runtime-src/"
git rev-parse --short HEAD > "$DEST/commit"
git status --porcelain -- lib/Conversion/FusionKernels benchmarks/kernels | wc -l > "$DEST/dirty_files"
ls "$DEST/artifacts" | wc -l
