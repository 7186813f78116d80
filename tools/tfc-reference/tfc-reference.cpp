//===- tfc-reference.cpp - run tfc IR on the CPU reference executor -*- C++ -*-===//
//
// Parses a module of tfc IR, runs one function on the reference executor with
// inputs from .npy files (or seeded random inputs, which it saves so a GPU
// run can reuse them) and writes one .npy per result. Names come from the
// `tfc.name` argument/result attributes (else arg0.., out0..).
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Dialect/TfcOps.h"
#include "tfc/Reference/Executor.h"
#include "tfc/Reference/Npy.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::tfc;
using namespace mlir::tfc::reference;

namespace cl = llvm::cl;

static cl::OptionCategory category("tfc-reference options");

static cl::list<std::string>
    inputFiles(cl::Positional,
               cl::desc("<input.mlir> (or the rank0.mlir rank1.mlir ... of "
                        "a tensor-parallel group)"),
               cl::cat(category));

static cl::list<std::string>
    inputs("input",
           cl::desc("NAME=FILE.npy: the value of the input NAME (its "
                    "tfc.name, else argN); repeat for every input"),
           cl::value_desc("NAME=FILE"), cl::cat(category));

static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("folder for the outputs (<name>.npy) and random "
                       "inputs (<name>.input.npy); created if missing"),
              cl::value_desc("DIR"), cl::cat(category));

static cl::opt<std::string>
    entry("entry",
          cl::desc("function to run (default: the module's only function, "
                   "else 'main')"),
          cl::value_desc("NAME"), cl::cat(category));

static cl::opt<bool> randomInputs(
    "random-inputs",
    cl::desc("make every input not given with --input: floats from "
             "normal(0, 1), integers uniform in [0, --int-high), i1 uniform "
             "in {0, 1}; each is saved as DIR/<name>.input.npy"),
    cl::cat(category));

static cl::opt<uint64_t> seed("seed",
                              cl::desc("seed of --random-inputs (default 0)"),
                              cl::init(0), cl::cat(category));

static cl::opt<int64_t>
    intHigh("int-high",
            cl::desc("exclusive upper bound of random integer inputs, e.g. "
                     "the vocabulary size for token ids (default 2)"),
            cl::init(2), cl::cat(category));

static const char *const overview = R"(tfc CPU reference executor

Runs a function of tfc IR on the CPU and writes its results as .npy files.
Floats are computed in double and rounded to each op's declared element type
at the end of every op; integers are int64 wrapped to their width.

  tfc-reference model.mlir --input x=x.npy --output-dir out/
  tfc-reference model.mlir --random-inputs --seed 3 --int-high 512 \
      --output-dir out/

Several files are the programs of the ranks of a tensor-parallel group
(tfc-shard-tensor-parallel with rank=0, 1, ...; each module's
tfc.tensor_parallel attribute must name its position). They run on the same
inputs, one after another between collectives, tfc.all_reduce summing the
ranks' partials; every rank must return the same outputs, which are written
once:

  tfc-reference rank0.mlir rank1.mlir --input x=x.npy --output-dir out/

Inputs and outputs are named by the `tfc.name` argument and result
attributes of the function (else arg0, arg1, ... and out0, out1, ...);
characters other than [A-Za-z0-9._-] become '_' in file names. Outputs go
to DIR/<name>.npy, random inputs to DIR/<name>.input.npy.

.npy dtypes (strict, little-endian, C order): f32 <f4, f16 <f2, f64 <f8,
bf16 <f4 (rounded to bf16 when read), i64 <i8, i32 <i4, i16 <i2, i8 |i1,
i1 |b1. Weights come from tfc.parameter values and tfc.constant; external
parameters (no value) are an error.
)";

/// The name of argument/result `index` of `func`.
static std::string valueName(func::FuncOp func, bool isResult,
                             unsigned index) {
  auto attr = isResult ? func.getResultAttrOfType<StringAttr>(index, "tfc.name")
                       : func.getArgAttrOfType<StringAttr>(index, "tfc.name");
  if (attr && !attr.getValue().empty())
    return attr.getValue().str();
  return (isResult ? "out" : "arg") + std::to_string(index);
}

/// A file-name-safe version of `name`.
static std::string fileStem(StringRef name) {
  std::string s = name.str();
  for (char &c : s)
    if (!llvm::isAlnum(c) && c != '.' && c != '_' && c != '-')
      c = '_';
  return s;
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Makes a random tensor of `type`.
static Tensor randomTensor(RankedTensorType type, std::mt19937_64 &rng) {
  Tensor t(type);
  if (t.isFloat()) {
    // Box-Muller on 53-bit uniforms: the same numbers on every platform
    // (std::normal_distribution is implementation-defined).
    auto uniform = [&] {
      return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
    };
    for (double &v : t.floats)
      v = std::sqrt(-2.0 * std::log(uniform())) *
          std::cos(2.0 * M_PI * uniform());
    roundToElementType(t);
    return t;
  }
  uint64_t high = type.getElementType().isInteger(1)
                      ? 2
                      : static_cast<uint64_t>(intHigh.getValue());
  for (int64_t &v : t.ints)
    v = static_cast<int64_t>(rng() % high);
  roundToElementType(t);
  return t;
}

static int fail(const Twine &message) {
  llvm::errs() << "tfc-reference: error: " << message << "\n";
  return 1;
}

static FailureOr<func::FuncOp> findEntry(ModuleOp module) {
  SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
  if (!entry.empty()) {
    for (func::FuncOp f : funcs)
      if (f.getSymName() == entry)
        return f;
    fail("no function named '" + entry + "' in the module");
    return failure();
  }
  if (funcs.size() == 1)
    return funcs.front();
  for (func::FuncOp f : funcs)
    if (f.getSymName() == "main")
      return f;
  std::string names;
  for (func::FuncOp f : funcs)
    names += (names.empty() ? "" : ", ") + f.getSymName().str();
  fail(funcs.empty() ? Twine("the module has no func.func")
                     : "the module has several functions (" + names +
                           "); choose one with --entry");
  return failure();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, overview);
  if (outputDir.empty())
    return fail("--output-dir is required");
  if (intHigh < 1)
    return fail("--int-high must be at least 1, got " +
                Twine(intHigh.getValue()));

  DialectRegistry registry;
  registry.insert<TfcDialect, func::FuncDialect, arith::ArithDialect,
                  math::MathDialect, tensor::TensorDialect>();
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Ops may hold large constants: name the op by its location only.
  context.printOpOnDiagnostic(false);

  SmallVector<std::string> paths(inputFiles.begin(), inputFiles.end());
  if (paths.empty())
    paths.push_back("-");
  // One source manager per file; diagnostics in the other files are
  // printed from their locations' file names.
  SmallVector<std::unique_ptr<llvm::SourceMgr>> sourceMgrs;
  for (size_t i = 0; i < paths.size(); ++i)
    sourceMgrs.push_back(std::make_unique<llvm::SourceMgr>());
  SourceMgrDiagnosticHandler diagHandler(*sourceMgrs.front(), &context);
  SmallVector<OwningOpRef<ModuleOp>> modules;
  SmallVector<func::FuncOp> rankFuncs;
  for (auto [path, sourceMgr] : llvm::zip(paths, sourceMgrs)) {
    std::string errorMessage;
    auto file = openInputFile(path, &errorMessage);
    if (!file)
      return fail(errorMessage);
    sourceMgr->AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    modules.push_back(
        parseSourceFile<ModuleOp>(*sourceMgr, ParserConfig(&context)));
    if (!modules.back())
      return 1;
    FailureOr<func::FuncOp> f = findEntry(*modules.back());
    if (failed(f))
      return 1;
    rankFuncs.push_back(*f);
  }
  FailureOr<func::FuncOp> func = rankFuncs.front();
  if (paths.size() > 1) {
    // A tensor-parallel group: module i is rank i of paths.size().
    for (auto [rank, module] : llvm::enumerate(modules)) {
      auto tp = (*module)->getAttrOfType<DictionaryAttr>("tfc.tensor_parallel");
      auto rankAttr = tp ? tp.getAs<IntegerAttr>("rank") : IntegerAttr();
      auto ranksAttr = tp ? tp.getAs<IntegerAttr>("ranks") : IntegerAttr();
      if (!rankAttr || !ranksAttr ||
          rankAttr.getInt() != static_cast<int64_t>(rank) ||
          ranksAttr.getInt() != static_cast<int64_t>(paths.size()))
        return fail("'" + paths[rank] + "' is given as rank " + Twine(rank) +
                    " of " + Twine(paths.size()) +
                    " but its module is not (it needs tfc.tensor_parallel = "
                    "{rank = " + Twine(rank) + ", ranks = " +
                    Twine(paths.size()) +
                    "} from tfc-shard-tensor-parallel)");
      if (rankFuncs[rank].getFunctionType() != func->getFunctionType())
        return fail("rank " + Twine(rank) + "'s function has type " +
                    typeString(rankFuncs[rank].getFunctionType()) +
                    " but rank 0's has " +
                    typeString(func->getFunctionType()));
    }
  }

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
    return fail("cannot create '" + outputDir + "': " + ec.message());

  // Bind the inputs by name.
  llvm::StringMap<std::string> files;
  for (const std::string &binding : inputs) {
    auto [name, path] = StringRef(binding).split('=');
    if (name.empty() || path.empty())
      return fail("--input expects NAME=FILE.npy, got '" + binding + "'");
    if (!files.try_emplace(name, path.str()).second)
      return fail("input '" + name + "' is given twice");
  }
  FunctionType type = func->getFunctionType();
  llvm::StringMap<unsigned> argIndex;
  SmallVector<Tensor> args;
  std::mt19937_64 rng(seed);
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    std::string name = valueName(*func, /*isResult=*/false, i);
    if (!argIndex.try_emplace(name, i).second)
      return fail("two inputs are named '" + name + "'");
    auto argType = dyn_cast<RankedTensorType>(type.getInput(i));
    if (!argType || !argType.hasStaticShape() ||
        !isSupportedElementType(argType.getElementType()) ||
        npyDescrFor(argType.getElementType()).empty())
      return fail("input '" + name + "' has type " +
                  typeString(type.getInput(i)) +
                  ", which the reference executor cannot take (statically "
                  "shaped tensors of f64/f32/f16/bf16/i64/i32/i16/i8/i1)");
    auto it = files.find(name);
    if (it != files.end()) {
      std::string error;
      FailureOr<NpyArray> array = readNpy(it->second, error);
      if (failed(array))
        return fail("input '" + name + "': " + error);
      FailureOr<Tensor> t = tensorFromNpy(*array, argType, error);
      if (failed(t))
        return fail("input '" + name + "' from '" + it->second + "': " + error);
      args.push_back(std::move(*t));
      continue;
    }
    if (!randomInputs)
      return fail("missing input '" + name + "' of type " +
                  typeString(argType) +
                  " (give --input " + name + "=FILE.npy or --random-inputs)");
    args.push_back(randomTensor(argType, rng));
    std::string path =
        (Twine(outputDir) + "/" + fileStem(name) + ".input.npy").str();
    std::string error;
    if (failed(writeNpy(path, args.back(), error)))
      return fail(error);
  }
  for (const auto &entry : files)
    if (!argIndex.count(entry.getKey())) {
      std::string names;
      for (unsigned i = 0; i < type.getNumInputs(); ++i)
        names += (i ? ", " : "") + valueName(*func, false, i);
      return fail("the function has no input named '" + entry.getKey() +
                  "' (its inputs: " + names + ")");
    }

  FailureOr<SmallVector<Tensor>> results;
  if (rankFuncs.size() == 1) {
    results = execute(*func, args);
  } else {
    FailureOr<SmallVector<SmallVector<Tensor>>> perRank =
        executeRanks(rankFuncs, args);
    if (failed(perRank))
      return 1;
    for (auto [rank, rankResults] : llvm::enumerate(*perRank))
      for (auto [i, result] : llvm::enumerate(rankResults))
        if (result.floats != (*perRank)[0][i].floats ||
            result.ints != (*perRank)[0][i].ints)
          return fail("rank " + Twine(rank) + " returns another '" +
                      valueName(*func, /*isResult=*/true, i) +
                      "' than rank 0; replicated outputs must agree");
    results = std::move((*perRank)[0]);
  }
  if (failed(results))
    return 1;

  llvm::StringMap<unsigned> outputIndex;
  for (unsigned i = 0; i < results->size(); ++i)
    if (!outputIndex
             .try_emplace(fileStem(valueName(*func, /*isResult=*/true, i)), i)
             .second)
      return fail("two outputs have the file name '" +
                  fileStem(valueName(*func, true, i)) + ".npy'");
  for (auto [i, result] : llvm::enumerate(*results)) {
    std::string name = valueName(*func, /*isResult=*/true, i);
    std::string path =
        (Twine(outputDir) + "/" + fileStem(name) + ".npy").str();
    std::string error;
    if (failed(writeNpy(path, result, error)))
      return fail("output '" + name + "': " + error);
    llvm::outs() << name << ": " << typeString(result.type) << " -> " << path
                 << "\n";
  }
  return 0;
}
