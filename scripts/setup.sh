#!/usr/bin/env bash
# Installs what building and testing tfc needs on Debian 12: LLVM/MLIR 22,
# libonnx, protobuf, ninja, ccache, GoogleTest, clang-22 with its sanitizer and
# libFuzzer runtimes (for build-asan/ and fuzz/) (Debian packages) and the
# Python packages the tests use (onnx, onnxruntime, numpy, pytest).
# As root it installs what is missing; otherwise it prints the commands.
set -euo pipefail

DEB_PACKAGES=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  ninja-build ccache cmake g++ libonnx-dev libprotobuf-dev protobuf-compiler
  libgtest-dev python3 python3-pip clang-22 libclang-rt-22-dev)
# ONNX's backend node tests, which test/Conformance runs.
DEB_PACKAGES+=(libonnx-testdata)
PY_PACKAGES=(onnx onnxruntime numpy pytest)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages; run as root:" >&2
    echo "  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

missing_py=()
for p in "${PY_PACKAGES[@]}"; do
  python3 -c "import ${p}" 2>/dev/null || missing_py+=("$p")
done
if ((${#missing_py[@]})); then
  echo "setup: installing Python packages ${missing_py[*]}"
  python3 -m pip install -q "${missing_py[@]}" 2>/dev/null \
    || python3 -m pip install -q --break-system-packages "${missing_py[@]}"
fi
echo "setup: all build and test dependencies present"
