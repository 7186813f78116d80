#!/usr/bin/env bash
# Compiles the attention cases of the kernel benchmark (cases/*attn*.mlir)
# with one tfc-opt into .device-carry/attn/<VARIANT>/ (git-ignored; carry
# `.device-carry/attn`): the artifacts and a manifest of just those cases,
# plus, once per folder, the runtime snapshot and scripts that
# attn_on_device.sh needs. Run it once per kernel version to compare (e.g.
# `base` from an older build, `new` from this one): the device script times
# every variant in the same call.
# Usage (from the repo root): benchmarks/kernels/compile_attn.sh VARIANT [TFC_OPT]
set -euo pipefail
cd "$(dirname "$0")/../.."
VARIANT=${1:?usage: compile_attn.sh VARIANT [TFC_OPT]}
TFC_OPT=${2:-build/bin/tfc-opt}
ROOT=.device-carry/attn
DEST=$ROOT/$VARIANT
rm -rf "$DEST" && mkdir -p "$DEST/artifacts"
names=()
for f in benchmarks/kernels/cases/*attn*.mlir; do
  name=$(basename "$f" .mlir)
  "$TFC_OPT" "$f" --tfc-compile="target=sm_90a artifact=$DEST/artifacts/$name.tfcm" -o /dev/null
  names+=("$name")
done
python3 - "$DEST" "${names[@]}" <<'PY'
import json, sys
dest, names = sys.argv[1], set(sys.argv[2:])
cases = json.load(open('benchmarks/kernels/cases/manifest.json'))
json.dump([c for c in cases if c['name'] in names], open(dest + '/manifest.json', 'w'), indent=1)
PY
echo "$(git rev-parse --short HEAD) (uncommitted kernel files: $(git status --porcelain -- lib/Conversion/FusionKernels | wc -l))" > "$DEST/commit"
cp benchmarks/kernels/bench_kernels.py benchmarks/kernels/attn_on_device.sh "$ROOT/"
rm -rf "$ROOT/runtime-src" && mkdir -p "$ROOT/runtime-src" && cp -r runtime/. "$ROOT/runtime-src/"
echo "$DEST: ${#names[@]} cases"
