"""A small .tfcm writer for the tests, written from docs/artifact-format.md.

Independent of the C++ writer (runtime/include/tfc/ArtifactWriter.h), so that
the tests also check that the documented layout is the one the runtime
reads. It writes format version 2: one module of PTX, kernels, inputs,
outputs, weights (inline, external at an offset, safetensors by name) and
kernel launches whose arguments are buffers.
"""
import struct

DTYPES = {"f32": (1, 4), "f16": (2, 2), "bf16": (3, 2), "i64": (4, 8),
          "i32": (5, 4), "i8": (6, 1), "u8": (7, 1), "bool": (8, 1)}
BUFFERS = {"arena": 1, "input": 2, "output": 3, "weight": 4}
SECTION_COUNT = 13
HEADER_SIZE = 32
TABLE_END = HEADER_SIZE + SECTION_COUNT * 16


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def _align(n, a):
    return (n + a - 1) // a * a


class Writer:
    def __init__(self, arch="sm_90a", arena=0):
        self.arch = arch
        self.arena = arena
        self.ptx = ".version 8.0\n.target sm_90a\n.address_size 64\n"
        self.kernels = []
        self.inputs, self.outputs, self.weights, self.launches = [], [], [], []

    def kernel(self, name):
        self.kernels.append(name)
        return len(self.kernels) - 1

    def input(self, name, dtype, shape):
        self.inputs.append((name, dtype, list(shape)))
        return len(self.inputs) - 1

    def output(self, name, dtype, shape):
        self.outputs.append((name, dtype, list(shape)))
        return len(self.outputs) - 1

    def inline_weight(self, name, dtype, shape, data):
        self.weights.append(((name, dtype, list(shape)), 1, bytes(data), "", "", 0))
        return len(self.weights) - 1

    def external_weight(self, name, dtype, shape, path, offset, tensor_name=None):
        self.weights.append(((name, dtype, list(shape)), 2, b"", path,
                             name if tensor_name is None else tensor_name, offset))
        return len(self.weights) - 1

    def safetensors_weight(self, name, dtype, shape, path, tensor_name):
        self.weights.append(((name, dtype, list(shape)), 3, b"", path, tensor_name, 0))
        return len(self.weights) - 1

    def launch(self, kernel, buffers, grid=1, block=32):
        """`buffers`: [(kind, index)] passed as device pointers."""
        self.launches.append((kernel, grid, block, list(buffers)))

    def serialize(self, version=2):
        strings = bytearray()
        string_at = {}

        def string(s):
            b = s.encode()
            if b not in string_at:
                string_at[b] = len(strings)
                strings.extend(b)
            return struct.pack("<II", string_at[b], len(b))

        dims = bytearray()

        def tensor(name, dtype, shape):
            code, size = DTYPES[dtype]
            begin = len(dims) // 8
            n = 1
            for d in shape:
                dims.extend(struct.pack("<q", d))
                n *= d
            return string(name) + struct.pack("<IIIIQ", code, len(shape), begin, 0, n * size)

        sections = [bytearray() for _ in range(SECTION_COUNT)]
        sections[0] += string(self.arch) + struct.pack("<QII", self.arena, 256, 0)
        ptx = self.ptx.encode()
        sections[2] += string("main") + struct.pack("<II", 0, 1)
        sections[3] += string(self.arch) + struct.pack("<IIQQ", 2, 0, 0, len(ptx))
        sections[11] += ptx
        for name in self.kernels:
            sections[4] += string(name) + struct.pack("<II", 0, 0)
        for t in self.inputs:
            sections[5] += tensor(*t)
        for t in self.outputs:
            sections[6] += tensor(*t)
        weight_data = sections[12]
        for spec, storage, data, path, tensor_name, offset in self.weights:
            record = tensor(*spec)
            if storage == 1:
                weight_data.extend(b"\0" * (_align(len(weight_data), 256) - len(weight_data)))
                offset = len(weight_data)
                weight_data.extend(data)
            record += struct.pack("<IIQ", storage, 0, offset) + string(path) + string(tensor_name)
            sections[7] += record
        sections[8] += dims
        for kernel, grid, block, buffers in self.launches:
            begin = len(sections[10]) // 40
            for kind, index in buffers:
                sections[10] += struct.pack("<IIQIIQQ", 1, 0, 0, BUFFERS[kind], index, 0, 0)
            sections[9] += struct.pack("<II3I3IIIII", 1, kernel, grid, 1, 1, block, 1, 1,
                                       0, begin, len(buffers), 0)
            sections[9] += b"\0" * 56  # copySrc, copyDst, copyBytes
        sections[1] += strings

        table = bytearray()
        offset = TABLE_END
        for i, section in enumerate(sections):
            offset = _align(offset, 256 if i == 12 else 8)
            table += struct.pack("<QQ", offset, len(section))
            offset += len(section)
        body = bytearray(offset - HEADER_SIZE)
        body[: len(table)] = table
        for i, section in enumerate(sections):
            at = struct.unpack_from("<Q", table, i * 16)[0] - HEADER_SIZE
            body[at: at + len(section)] = section
        header = b"TFCM" + struct.pack("<IQQII", version, offset, fnv1a64(body), SECTION_COUNT, 0)
        return bytes(header + body)

    def write(self, path, version=2):
        with open(path, "wb") as f:
            f.write(self.serialize(version))
        return path


def sample(weights_dir_name=""):
    """y = f(x, W, b, emb, pos): an input, an output, an inline weight, a raw
    external weight (at offset 16 of weights.bin) and a safetensors weight
    (tensor 'pos_table' of weights.safetensors)."""
    w = Writer(arena=1024)
    k = w.kernel("k0_matmul")
    x = w.input("x", "f32", [2, 4])
    y = w.output("y", "f32", [2, 8])
    W = w.inline_weight("W", "f32", [4, 8], bytes(range(128)))
    emb = w.external_weight("emb", "bf16", [2, 4], "weights.bin", 16)
    pos = w.safetensors_weight("pos", "f32", [2, 2], "weights.safetensors", "pos_table")
    w.launch(k, [("input", x), ("weight", W), ("weight", emb), ("weight", pos),
                 ("arena", 0), ("output", y)])
    return w
