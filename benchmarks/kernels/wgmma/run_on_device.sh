#!/usr/bin/env bash
# Device half of the wgmma + TMA matmul check and benchmark, in one call:
# the check cases (each step under a timeout: a kernel that never completes
# its mbarrier phase would hang), the bench cases against torch.matmul
# (cuBLAS) and the mma.sync kernels, the SASS of two kernels (HGMMA, UTMALDG,
# local memory), and compute-sanitizer memcheck and racecheck on two check
# cases. Usage (on the device, from the repo root, after compile_wgmma.sh):
#   bash .device-carry/wgmma/run_on_device.sh [--skip-bench] [--skip-sanitizer]
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/wgmma-out}
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
BENCH=1 SANITIZER=1
for arg in "$@"; do
  case $arg in --skip-bench) BENCH=0 ;; --skip-sanitizer) SANITIZER=0 ;; esac
done
export PATH=$PATH:/usr/local/cuda/bin
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader
echo "commit $(cat "$DIR/commit") (uncommitted kernel files: $(cat "$DIR/dirty_files"))"
CHECKS=$(python3 -c "import json; print(','.join(c['name'] for c in json.load(open('$DIR/cases/manifest.json')) if c['group'] == 'check'))")
# BENCH_MATCH (a Python regex, default all) picks bench cases by name.
BENCHES=$(BENCH_MATCH="${BENCH_MATCH:-.}" python3 -c "import json, os, re; print(','.join(c['name'] for c in json.load(open('$DIR/cases/manifest.json')) if c['group'] == 'bench' and re.search(os.environ['BENCH_MATCH'], c['name'])))")
timeout 90 python3 "$DIR/run_wgmma.py" --dir "$DIR" --cases "$CHECKS" --out "$OUT/check"
rc=$?
echo "check exit status $rc"
if [ $rc -eq 124 ]; then echo "check timed out: skipping the rest"; exit 1; fi
if [ $BENCH = 1 ]; then
  timeout 180 python3 "$DIR/run_wgmma.py" --dir "$DIR" --cases "$BENCHES" --out "$OUT/bench"
  echo "bench exit status $?"
fi
for k in bench_square.wgmma bench_mlp_down.wgmma bench_square.mma wg2_m16_qkv.wgmma; do
  mkdir -p /tmp/wgmma-sass && cuobjdump -sass "$DIR/kernels/$k.cubin" > "/tmp/wgmma-sass/$k.sass" 2>&1
  [ -f "$DIR/kernels/$k.cubin" ] || continue
  echo "SASS $k: HGMMA $(grep -c HGMMA "/tmp/wgmma-sass/$k.sass"), UTMALDG $(grep -c UTMALDG "/tmp/wgmma-sass/$k.sass"), HMMA $(grep -c 'HMMA' "/tmp/wgmma-sass/$k.sass"), LDL/STL $(grep -cE 'LDL|STL' "/tmp/wgmma-sass/$k.sass"), WARPGROUP.ARRIVE $(grep -c 'WARPGROUP.ARRIVE' "/tmp/wgmma-sass/$k.sass"), WARPGROUP.DEPBAR $(grep -c 'WARPGROUP.DEPBAR' "/tmp/wgmma-sass/$k.sass")"
done
if [ $SANITIZER = 1 ]; then
  # memcheck: both B layouts, tails, and the persistent schedule looping over
  # 561 tiles; racecheck (slower): one kernel of each schedule.
  for run in "memcheck check_kmajor_bias_gelu,check_nmajor_bias_residual,check_persistent_many_tiles,check_split_k_kmajor_residual,check_split_k_pinned_uneven,check_odd_n_f32" \
             "racecheck check_kmajor_bias_gelu,check_persistent_nmajor_bias_gelu,check_split_k_bias_gelu"; do
    set -- $run
    timeout 100 compute-sanitizer --tool $1 python3 "$DIR/run_wgmma.py" --dir "$DIR" --check-only \
      --cases $2 > "$OUT/$1.log" 2>&1
    echo "compute-sanitizer $1 ($2) exit status $?: $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY|verdict' "$OUT/$1.log" | tr '\n' ' ')"
  done
fi
