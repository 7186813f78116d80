#!/usr/bin/env bash
# Configures (once) and builds build-asan/: the whole compiler, runtime and
# tests with clang-22, AddressSanitizer + UndefinedBehaviorSanitizer, and the
# libFuzzer targets of fuzz/ (which need clang). Used by scripts/test.sh when
# TFC_TEST_SANITIZERS=1 and by fuzz/run.sh.
# Usage: scripts/build-asan.sh [ninja targets...]   (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFC_ASAN_BUILD_DIR:-build-asan}
for tool in clang-22 clang++-22; do
  command -v "$tool" >/dev/null || {
    echo "build-asan: $tool not found; run scripts/setup.sh as root" >&2
    exit 1
  }
done
if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  # -O1 and line tables: readable sanitizer stacks at a moderate compile
  # cost. (libonnx's CMake defines _GLIBCXX_USE_CXX11_ABI twice; clang warns.)
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_CXX_FLAGS=-Wno-macro-redefined \
    -DTFC_ENABLE_SANITIZERS=ON -DTFC_BUILD_FUZZERS=ON
fi
ninja -C "$BUILD_DIR" "$@"
