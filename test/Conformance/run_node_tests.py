#!/usr/bin/env python3
"""Runs ONNX's backend node tests through the tfc importer and reference executor.

    run_node_tests.py --tfc-opt PATH --tfc-reference PATH
        [--data-dir /usr/share/libonnx-testdata/data/node] [--jobs 2]
        [--expected node_tests_passing.txt] [--update-expected]
        [--report FILE.tsv] [--filter REGEX] [--keep DIR] [-v]

Each test is a folder with `model.onnx` and `test_data_set_*/{input,output}_*.pb`
(ONNX TensorProtos). For each test: `tfc-opt model.onnx` imports it (dynamic input
dims pinned with `--input-shape` from the first data set), the inputs become `.npy`
files (via the `onnx` package), `tfc-reference` runs every data set, and each output
is compared with the expected one the way ONNX's backend tests do: same dtype and
shape, `np.testing.assert_allclose(rtol=1e-3, atol=1e-7)` (NaN equal to NaN), unless
TOLERANCES below says otherwise for that test.

Outcomes:
  pass  every output of every data set matches
  skip  the importer rejects the model with a diagnostic naming an unsupported op,
        element type or form ("unsupported ..." / "... not supported ...", or a
        shape/axes/bounds input that is computed at run time where tfc needs it at
        import time) -- the clean error that is expected of it; or the test data
        contradicts the model (an input shape other than the declared static one)
  fail  anything else: wrong numbers, dtype or shape; an import error that is not an
        "unsupported" diagnostic; a reference-executor error; a crash (signal, LLVM
        fatal error or assertion) or a timeout

tfc has no unsigned integer types: the importer reads UINT8/16/32/64 as signless
integers of the same width (and gives ops whose result depends on signedness the
unsigned meaning), so unsigned inputs are handed over (and outputs compared) bit for
bit as the signed type of that width. tfc-reference reads and writes bfloat16
as float32 (.npy has no bfloat16), so BFLOAT16 tensors are widened to float32.

With --expected, exits 1 when a test in that list does not pass (a regression);
tests that pass but are not listed are reported as newly passing (add them with
--update-expected). Prints "node tests: P passed / A attempted, S skipped as
unsupported, I skipped for invalid test data (N total, T s)" and the failures
and skips grouped by cause.
"""
import argparse
import collections
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/libonnx-testdata/data/node"
DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-7
# Per-test (rtol, atol) where the defaults do not fit the test data.
TOLERANCES = {
    # libonnx-testdata 1.12 made its expected bfloat16 values by truncating the
    # float32 bits; ONNX 1.14+ (and tfc) round to nearest even: one bf16 ulp apart.
    "test_cast_FLOAT_to_BFLOAT16": (2.0 ** -7, 0.0),
}
TIMEOUT_S = 60

UNSUPPORTED_RE = re.compile(r"unsupported|not supported|does not support|"
                            r"known at import time", re.I)
CRASH_RE = re.compile(r"Stack dump|PLEASE submit a bug report|LLVM ERROR|"
                      r"Assertion .* failed|terminate called|Segmentation fault")
UNSIGNED = {np.dtype(np.uint8): np.int8, np.dtype(np.uint16): np.int16,
            np.dtype(np.uint32): np.int32, np.dtype(np.uint64): np.int64}


def file_name(name):
    """The file name tfc-reference gives the value NAME."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) + ".npy"


def first_error(stderr):
    """The first diagnostic line of a tool's stderr, without the file prefix."""
    for line in stderr.splitlines():
        m = re.search(r"error: (.*)", line)
        if m:
            return m.group(1).strip()
    lines = [l for l in stderr.splitlines() if l.strip()]
    return lines[0].strip() if lines else "(no message)"


def tool_failure(what, proc):
    """Classifies a failed tfc-opt/tfc-reference run: (status, cause)."""
    if proc.returncode < 0 or CRASH_RE.search(proc.stderr):
        sig = f"signal {-proc.returncode}" if proc.returncode < 0 else \
            f"exit {proc.returncode}"
        m = CRASH_RE.search(proc.stderr)
        return "fail", f"{what} crash ({sig}): " + \
            (m.group(0) if m else "") + " " + first_error(proc.stderr)
    msg = first_error(proc.stderr)
    if what == "import" and UNSUPPORTED_RE.search(msg):
        return "skip", msg
    return "fail", f"{what} error: {msg}"


def load_tensor(path, declared_type):
    """The TensorProto in PATH as tfc sees it (see to_tfc). DECLARED_TYPE is the
    element type the model declares for it (older test data stores BFLOAT16 values
    as UINT16 tensors)."""
    import onnx
    from onnx import numpy_helper
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return to_tfc(numpy_helper.to_array(t), declared_type or t.data_type)


def to_tfc(array, data_type):
    """The array as tfc sees it: unsigned integers as signed of the same width,
    bfloat16 (which numpy_helper returns as its uint16 bits) as float32."""
    import onnx
    array = np.asarray(array, order="C")  # keeps 0-d arrays 0-d
    if data_type == onnx.TensorProto.BFLOAT16 and array.dtype.kind in "iu":
        bits = array.astype(np.uint16).astype(np.uint32) << 16
        return bits.view(np.float32)
    if array.dtype in UNSIGNED:
        return array.view(UNSIGNED[array.dtype])
    return array


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT_S)


def compare(name, expected, got, rtol, atol):
    """None when GOT matches EXPECTED as ONNX's backend test asserts; else why not."""
    if got.dtype != expected.dtype:
        return f"output '{name}': dtype {got.dtype}, expected {expected.dtype}"
    if got.shape != expected.shape:
        return f"output '{name}': shape {got.shape}, expected {expected.shape}"
    try:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    except AssertionError as e:
        detail = [l.strip() for l in str(e).splitlines()
                  if l.strip().startswith(("Mismatched", "Max abs", "Max rel"))]
        return f"output '{name}': mismatch (" + "; ".join(detail) + ")"
    return None


def run_test(args):
    test_dir, tools, keep_root = args
    name = os.path.basename(test_dir)
    work = tempfile.mkdtemp(prefix=name + ".") if keep_root is None else \
        os.path.join(keep_root, name)
    os.makedirs(work, exist_ok=True)
    try:
        return name, *run_test_in(test_dir, tools, work)
    except subprocess.TimeoutExpired as e:
        return name, "fail", f"timeout ({TIMEOUT_S} s) in {os.path.basename(e.cmd[0])}"
    except Exception as e:  # a data file this runner cannot read
        return name, "fail", f"runner error: {type(e).__name__}: {e}"
    finally:
        if keep_root is None:
            shutil.rmtree(work, ignore_errors=True)


def run_test_in(test_dir, tools, work):
    import onnx
    model = onnx.load(os.path.join(test_dir, "model.onnx"), load_external_data=False)
    graph = model.graph
    initializers = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    outputs = [o.name for o in graph.output]

    def static_shape(value):
        shape = value.type.tensor_type.shape
        if not value.type.tensor_type.HasField("shape") or \
                not all(d.HasField("dim_value") for d in shape.dim):
            return None
        return [d.dim_value for d in shape.dim]

    def elem_type(value):
        return value.type.tensor_type.elem_type if value.type.HasField("tensor_type") \
            else None
    data_sets = sorted(glob.glob(os.path.join(test_dir, "test_data_set_*")))
    if not data_sets:
        return "fail", "runner error: no test_data_set_*"

    # Pin dynamic input dims to the shapes of the first data set.
    pins = []
    for index, value in enumerate(inputs):
        if not value.type.HasField("tensor_type"):
            continue  # the importer rejects non-tensor inputs itself
        dims = value.type.tensor_type.shape.dim
        if value.type.tensor_type.HasField("shape") and all(
                d.HasField("dim_value") for d in dims):
            continue
        shape = load_tensor(os.path.join(data_sets[0], f"input_{index}.pb"),
                            elem_type(value)).shape
        pins.append(f"--input-shape={value.name}=" +
                    ("x".join(map(str, shape)) if shape else "scalar"))

    mlir = os.path.join(work, "model.mlir")
    proc = run([tools[0], os.path.join(test_dir, "model.onnx"), *pins, "-o", mlir])
    if proc.returncode != 0:
        return tool_failure("import", proc)

    rtol, atol = TOLERANCES.get(os.path.basename(test_dir), (DEFAULT_RTOL, DEFAULT_ATOL))
    for data_set in data_sets:
        set_dir = os.path.join(work, os.path.basename(data_set))
        os.makedirs(set_dir, exist_ok=True)
        cmd = [tools[1], mlir, "--output-dir", set_dir]
        for index, value in enumerate(inputs):
            path = os.path.join(set_dir, "in." + file_name(value.name))
            data = load_tensor(os.path.join(data_set, f"input_{index}.pb"), elem_type(value))
            declared = static_shape(value)
            if declared is not None and list(data.shape) != declared:
                return "skip", (f"invalid test data: input '{value.name}' has shape "
                                f"{list(data.shape)}, the model declares {declared}")
            np.save(path, data)
            cmd.append(f"--input={value.name}={path}")
        proc = run(cmd)
        if proc.returncode != 0:
            return tool_failure("reference", proc)
        for index, out_name in enumerate(outputs):
            expected = load_tensor(os.path.join(data_set, f"output_{index}.pb"),
                                   elem_type(graph.output[index]))
            got_path = os.path.join(set_dir, file_name(out_name))
            if not os.path.exists(got_path):
                return "fail", f"output '{out_name}': not written by tfc-reference"
            why = compare(out_name, expected, np.load(got_path), rtol, atol)
            if why:
                return "fail", why
    return "pass", ""


def cause_key(cause):
    """Groups causes: drops node names, quoted values and numbers after the op."""
    key = re.sub(r"\s*\(node '[^']*', opset \d+\)", "", cause)
    key = re.sub(r"output '[^']*'", "output", key)
    key = re.sub(r"\(Mismatched.*\)", "", key)
    key = re.sub(r"tensor<[^>]*>", "tensor<...>", key)
    key = re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "N", key)
    return key.strip()


def read_list(path):
    with open(path) as f:
        return {l.split("#")[0].strip() for l in f if l.split("#")[0].strip()}


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tfc-opt", required=True)
    p.add_argument("--tfc-reference", required=True)
    p.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--expected", help="file of test names that must pass")
    p.add_argument("--update-expected", action="store_true",
                   help="rewrite --expected with the tests that passed")
    p.add_argument("--report", help="write NAME<TAB>STATUS<TAB>CAUSE per test")
    p.add_argument("--filter", help="only tests whose name matches this regex")
    p.add_argument("--keep", help="keep each test's files under this folder")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args()

    tests = sorted(d for d in glob.glob(os.path.join(args.data_dir, "*"))
                   if os.path.isfile(os.path.join(d, "model.onnx")))
    if args.filter:
        tests = [t for t in tests if re.search(args.filter, os.path.basename(t))]
    if not tests:
        print(f"error: no tests in {args.data_dir}")
        return 1
    tools = (args.tfc_opt, args.tfc_reference)
    start = time.time()
    results = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, status, cause in pool.map(
                run_test, [(t, tools, args.keep) for t in tests], chunksize=4):
            results[name] = (status, cause)
            if args.verbose:
                print(f"{status.upper()}: {name}" + (f": {cause}" if cause else ""))
    elapsed = time.time() - start

    by_status = collections.defaultdict(list)
    for name, (status, _) in sorted(results.items()):
        by_status[status].append(name)
    passed, failed, skipped = (len(by_status[s]) for s in ("pass", "fail", "skip"))
    invalid = sum(results[n][1].startswith("invalid test data") for n in by_status["skip"])
    print(f"node tests: {passed} passed / {passed + failed} attempted, "
          f"{skipped - invalid} skipped as unsupported, {invalid} skipped for invalid "
          f"test data ({len(results)} total, {elapsed:.1f} s)")
    for status, title in (("fail", "failures"), ("skip", "skipped")):
        groups = collections.Counter(cause_key(results[n][1]) for n in by_status[status])
        if groups:
            print(f"{title} by cause:")
            for key, count in groups.most_common():
                examples = [n for n in by_status[status]
                            if cause_key(results[n][1]) == key][:3]
                print(f"  {count:4d}  {key}  [{', '.join(examples)}]")

    if args.report:
        with open(args.report, "w") as f:
            for name, (status, cause) in sorted(results.items()):
                f.write(f"{name}\t{status}\t{cause}\n")

    rc = 0
    if args.expected:
        listed = read_list(args.expected) if os.path.exists(args.expected) else set()
        regressions = sorted(n for n in listed if not args.filter or n in results)
        regressions = [n for n in regressions if results.get(n, ("missing",))[0] != "pass"]
        newly = sorted(set(by_status["pass"]) - listed)
        for n in regressions:
            status, cause = results.get(n, ("missing", "test not found in the data"))
            print(f"REGRESSION: {n}: {status}: {cause}")
        if newly:
            print(f"newly passing ({len(newly)}; add to {os.path.basename(args.expected)}): "
                  + " ".join(newly))
        if args.update_expected:
            with open(args.expected, "w") as f:
                f.write("# ONNX node tests (libonnx-testdata) that tfc imports and runs to the\n"
                        "# expected outputs; run_node_tests.py fails when one of them does not.\n")
                f.writelines(n + "\n" for n in sorted(by_status["pass"]))
            print(f"wrote {len(by_status['pass'])} names to {args.expected}")
        elif regressions:
            print(f"{len(regressions)} regression(s) of {len(listed)} expected passes")
            rc = 1
        else:
            print(f"no regressions ({len(listed)} expected passes)")
    return rc


if __name__ == "__main__":
    sys.exit(main())
