# lit configuration of the tfc test suite.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "TFC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "models",
                   "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tfc_obj_root, "test")
# Captured variables must not leak across CHECK-LABELs.
config.environment["FILECHECK_OPTS"] = "--enable-var-scope"

config.substitutions.append(("%models", os.path.join(config.tfc_src_root,
                                                     "test", "models")))
config.substitutions.append(("%python", "python3"))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP",
                                     "PATH"])
llvm_config.use_default_substitutions()

tool_dirs = [config.tfc_tools_dir, config.llvm_tools_dir]
tools = ["tfc-opt", "tfc-reference", "FileCheck", "not", "count"]
llvm_config.add_tool_substitutions(
    [t for t in tools if t not in ("FileCheck", "not", "count")], tool_dirs)
for t in ("FileCheck", "not", "count"):
    llvm_config.add_tool_substitutions([t], [config.llvm_tools_dir])

if os.path.exists(os.path.join(config.tfc_tools_dir, "tfc-run")):
    config.available_features.add("tfc-runtime")
    llvm_config.add_tool_substitutions(["tfc-run"], [config.tfc_tools_dir])
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("ptxas")
