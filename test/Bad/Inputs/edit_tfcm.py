#!/usr/bin/env python3
"""Writes a damaged copy of a .tfcm artifact for the bad-input tests.

Usage: edit_tfcm.py IN OUT EDIT [ARGS...] [EDIT [ARGS...]]...

Edits, applied in order (the layout is runtime/include/tfc/artifact_format.h,
described in docs/artifact-format.md):
  truncate N                keep the first N bytes
  version V                 set the header's format version
  arch NAME                 rename the target arch and every image's arch, in
                            place (NAME must have the old name's length)
  section NAME OFFSET       set the offset of section NAME (e.g. launches)
  image-offset I OFFSET     set image I's dataOffset (into IMAGE_DATA)
  weight-offset I OFFSET    set weight I's dataOffset (into WEIGHT_DATA)
  arg-offset L A OFFSET     set the buffer offset of argument A of launch L
  keep-checksum             do not recompute the checksum (it is by default,
                            so that the loader reaches the edited field)
"""
import struct
import sys

HEADER = struct.Struct("<4sIQQII")
SECTION = struct.Struct("<QQ")
SECTIONS = ["meta", "strings", "modules", "images", "kernels", "inputs",
            "outputs", "weights", "dims", "launches", "args", "image_data",
            "weight_data"]
FNV_BASIS, FNV_PRIME = 0xcbf29ce484222325, 0x100000001b3


def fnv1a64(data):
    h = FNV_BASIS
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return h


class Artifact:
    def __init__(self, data):
        self.data = bytearray(data)

    def section(self, name):
        index = SECTIONS.index(name)
        return SECTION.unpack_from(self.data, HEADER.size + index * SECTION.size)

    def set_section_offset(self, name, offset):
        index = SECTIONS.index(name)
        _, size = self.section(name)
        SECTION.pack_into(self.data, HEADER.size + index * SECTION.size,
                          offset, size)

    def record(self, name, record_size, index):
        offset, size = self.section(name)
        if (index + 1) * record_size > size:
            sys.exit(f"edit_tfcm: {name} has no record {index}")
        return offset + index * record_size

    def set_u64(self, at, value):
        struct.pack_into("<Q", self.data, at, value)

    def rename_string(self, ref_at, name):
        offset, size = struct.unpack_from("<II", self.data, ref_at)
        if size != len(name):
            sys.exit(f"edit_tfcm: '{name}' must have {size} characters")
        strings, _ = self.section("strings")
        self.data[strings + offset:strings + offset + size] = name.encode()

    def refresh_checksum(self):
        magic, version, _, _, count, reserved = HEADER.unpack_from(self.data)
        HEADER.pack_into(self.data, 0, magic, version, len(self.data),
                         fnv1a64(self.data[HEADER.size:]), count, reserved)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with open(argv[1], "rb") as f:
        artifact = Artifact(f.read())
    edits, truncate_to, refresh = argv[3:], None, True
    while edits:
        edit, edits = edits[0], edits[1:]
        if edit == "truncate":
            truncate_to, edits = int(edits[0]), edits[1:]
        elif edit == "version":
            struct.pack_into("<I", artifact.data, 4, int(edits[0]))
            edits = edits[1:]
        elif edit == "arch":
            meta, _ = artifact.section("meta")
            artifact.rename_string(meta, edits[0])
            _, images_size = artifact.section("images")
            for i in range(images_size // 32):
                artifact.rename_string(artifact.record("images", 32, i),
                                       edits[0])
            edits = edits[1:]
        elif edit == "section":
            artifact.set_section_offset(edits[0], int(edits[1]))
            edits = edits[2:]
        elif edit == "image-offset":
            at = artifact.record("images", 32, int(edits[0])) + 16
            artifact.set_u64(at, int(edits[1]))
            edits = edits[2:]
        elif edit == "weight-offset":
            at = artifact.record("weights", 64, int(edits[0])) + 40
            artifact.set_u64(at, int(edits[1]))
            edits = edits[2:]
        elif edit == "arg-offset":
            launch = artifact.record("launches", 104, int(edits[0]))
            arg_begin, = struct.unpack_from("<I", artifact.data, launch + 36)
            at = artifact.record("args", 40, arg_begin + int(edits[1])) + 24
            artifact.set_u64(at, int(edits[2]))
            edits = edits[3:]
        elif edit == "keep-checksum":
            refresh = False
        else:
            sys.exit(f"edit_tfcm: unknown edit '{edit}'\n{__doc__}")
    if refresh:
        artifact.refresh_checksum()
    data = artifact.data
    if truncate_to is not None:
        data = data[:truncate_to]
    with open(argv[2], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main(sys.argv)
