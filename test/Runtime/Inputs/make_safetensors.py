#!/usr/bin/env python3
"""Writes a safetensors file by hand (numpy and the standard library only),
with switches that break it in one way each, for the runtime's weight
binding tests.

    make_safetensors.py OUT NAME:DTYPE:SHAPE [NAME:DTYPE:SHAPE ...]
        [--truncate N] [--bad-json] [--bad-span NAME] [--raw]

SHAPE is 64x64, 64, or "scalar". Tensor values are arange(n) (cast); the
file is: 8-byte little-endian header length, the JSON header padded with
spaces to a multiple of 8, the tensors' bytes in order.
  --truncate N     drop the last N bytes of the file
  --bad-json       cut the JSON header short (keeps the declared length)
  --bad-span NAME  NAME's data_offsets span one element too few bytes
  --raw            write only the tensors' bytes (no header), like an ONNX
                   external data file
"""
import argparse
import json
import struct

import numpy as np

DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8",
          "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("tensors", nargs="+")
    ap.add_argument("--truncate", type=int, default=0)
    ap.add_argument("--bad-json", action="store_true")
    ap.add_argument("--bad-span")
    ap.add_argument("--raw", action="store_true")
    args = ap.parse_args()

    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for spec in args.tensors:
        name, dtype, shape = spec.split(":")
        dims = [] if shape == "scalar" else [int(d) for d in shape.split("x")]
        data = np.arange(int(np.prod(dims)), dtype=np.float64).astype(DTYPES[dtype]).tobytes()
        span = len(data) - (np.dtype(DTYPES[dtype]).itemsize if name == args.bad_span else 0)
        header[name] = {"dtype": dtype, "shape": dims, "data_offsets": [offset, offset + span]}
        blobs.append(data[:span])
        offset += span
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    if args.bad_json:
        text = text[: len(text) // 2].ljust(len(text), b" ")
    body = b"".join(blobs)
    content = body if args.raw else struct.pack("<Q", len(text)) + text + body
    if args.truncate:
        content = content[: -args.truncate]
    with open(args.out, "wb") as f:
        f.write(content)


if __name__ == "__main__":
    main()
