#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds, runs the lit suite
# (dialect, passes, import, conversion, target, reference executor) and the
# ctest unit tests (compiler and runtime). Ends with "N passed, N failed";
# exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
scripts/build.sh || { echo "0 passed, 1 failed (build)"; exit 1; }
BUILD_DIR=${TFC_BUILD_DIR:-build}

log=$(mktemp)
/usr/lib/llvm-22/bin/lit -v "$BUILD_DIR/test" 2>&1 | tee "$log"
lit_rc=${PIPESTATUS[0]}
lit_pass=$(grep -cE '^(PASS|XFAIL): ' "$log" || true)
lit_fail=$(grep -cE '^(FAIL|XPASS|UNRESOLVED|TIMEOUT): ' "$log" || true)

ctest --test-dir "$BUILD_DIR" --output-on-failure -E '^tfc-lit$' 2>&1 | tee "$log"
ctest_rc=${PIPESTATUS[0]}
ct_total=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\2/p' "$log")
ct_fail=$(sed -nE 's/.*tests passed, ([0-9]+) tests failed out of ([0-9]+).*/\1/p' "$log")
ct_total=${ct_total:-0}; ct_fail=${ct_fail:-0}
rm -f "$log"

passed=$((lit_pass + ct_total - ct_fail))
failed=$((lit_fail + ct_fail))
if [[ $lit_rc -ne 0 && $lit_fail -eq 0 ]]; then failed=$((failed + 1)); fi
if [[ $ctest_rc -ne 0 && $ct_fail -eq 0 && $ct_total -ne 0 ]]; then failed=$((failed + 1)); fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
