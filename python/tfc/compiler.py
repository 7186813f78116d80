"""Compile an ONNX model to a .tfcm artifact with ``tfc-opt --tfc-compile``.

The compiler is the ``tfc-opt`` tool (it needs MLIR, so it is a separate
program, not a library this package loads); ``compile`` builds its command
line, runs it and raises ``CompileError`` with its diagnostics on failure.
"""
import os
import pathlib
import shutil
import subprocess


class CompileError(RuntimeError):
    """tfc-opt failed: ``returncode``, ``stderr`` and the ``command`` run."""

    def __init__(self, message, command=None, returncode=None, stderr=""):
        self.command = command
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(message)


def find_tfc_opt(tfc_opt=None):
    """The tfc-opt to run: ``tfc_opt``, else $TFC_OPT, else the repository's
    build/bin/tfc-opt, else tfc-opt on PATH."""
    if tfc_opt:
        return os.fspath(tfc_opt)
    if os.environ.get("TFC_OPT"):
        return os.environ["TFC_OPT"]
    root = pathlib.Path(__file__).resolve().parent.parent.parent
    built = root / "build" / "bin" / "tfc-opt"
    if built.is_file():
        return str(built)
    found = shutil.which("tfc-opt")
    if found:
        return found
    raise CompileError(
        "cannot find tfc-opt: pass tfc_opt=..., set TFC_OPT, or build it "
        "(scripts/build.sh puts it in build/bin)"
    )


def _option_value(key, value):
    text = str(value)
    if any(c in text for c in " \t\"'{}"):
        raise ValueError(f"{key}={text!r}: tfc-compile option values cannot hold spaces, quotes or braces")
    return f"{key}={text}"


def compile(
    onnx_path,
    out_path=None,
    target="sm_90a",
    precision=None,
    weights="inline",
    external_weights_file=None,
    input_shapes=None,
    ptxas="auto",
    options=None,
    tfc_opt=None,
    timeout=None,
):
    """Compiles ``onnx_path`` to the artifact ``out_path`` (default: the model's
    path with the suffix .tfcm) and returns its path.

    - ``target``: "sm_90a" (H100), "sm_90a-h200", "sm_80" (A100).
    - ``precision``: passed to the pipeline as ``precision=...`` when given.
    - ``weights``: "inline" (the weights travel in the artifact) or
      "external" (bound when the artifact is loaded). External weights are
      read from the model's ONNX external-data file (looked up beside the
      artifact), or, with ``external_weights_file``, bound by name from that
      safetensors file (a path relative to the artifact's folder, or one
      inside it). Either way ``tfc.Session(..., weights=FILE.safetensors)``
      binds them from another file at load time.
    - ``input_shapes``: {input name: shape} pinning dynamic dimensions.
    - ``ptxas``: "auto", "none" (PTX only) or a path.
    - ``options``: more ``--tfc-compile`` options, {name: value}.
    - ``tfc_opt``: the tfc-opt to run (see find_tfc_opt).
    """
    onnx_path = pathlib.Path(onnx_path)
    out_path = pathlib.Path(out_path) if out_path is not None else onnx_path.with_suffix(".tfcm")
    if weights not in ("inline", "external"):
        raise ValueError(f"weights={weights!r}: expected 'inline' or 'external'")
    if external_weights_file is not None and weights != "external":
        raise ValueError("external_weights_file needs weights='external'")
    pipeline = [
        _option_value("target", target),
        _option_value("artifact", out_path),
        _option_value("ptxas", ptxas),
    ]
    if precision is not None:
        pipeline.append(_option_value("precision", precision))
    if external_weights_file is not None:
        file = pathlib.Path(external_weights_file)
        if file.is_absolute():
            relative = os.path.relpath(file, out_path.resolve().parent)
            if relative.split(os.sep)[0] == "..":
                raise ValueError(
                    f"external_weights_file {file} is not inside the artifact's folder "
                    f"{out_path.resolve().parent}; the runtime looks for it there (bind a "
                    "file elsewhere with Session(..., weights=...))"
                )
            file = pathlib.Path(relative)
        pipeline.append(_option_value("external-weights-file", file.as_posix()))
    for key, value in (options or {}).items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        pipeline.append(_option_value(key, value))

    command = [find_tfc_opt(tfc_opt), os.fspath(onnx_path), f"--weights={weights}"]
    for name, shape in (input_shapes or {}).items():
        command.append(f"--input-shape={name}={'x'.join(str(int(d)) for d in shape)}")
    command += [f"--tfc-compile={' '.join(pipeline)}", "-o", os.devnull]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as e:
        raise CompileError(f"cannot run {command[0]}: {e}", command) from None
    except subprocess.TimeoutExpired:
        raise CompileError(f"tfc-opt did not finish in {timeout} s", command) from None
    if result.returncode != 0:
        stderr = result.stderr.strip()
        raise CompileError(
            f"compiling {onnx_path} failed (tfc-opt exit {result.returncode}):\n{stderr}",
            command,
            result.returncode,
            stderr,
        )
    if not out_path.is_file():
        raise CompileError(f"tfc-opt succeeded but wrote no artifact at {out_path}", command, 0, result.stderr)
    return out_path
