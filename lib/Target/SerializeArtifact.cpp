//===- SerializeArtifact.cpp - write the .tfcm artifact -------------------===//
//
// The last step of a compile: turns the final module (a gpu.binary holding
// the kernels' PTX and the planned host launch program) into the artifact
// that the runtime loads. The format and its writer are shared with the
// runtime (runtime/include/tfc/ArtifactWriter.h); this pass only maps MLIR
// values to the writer's buffer references, carries each launch's predicted
// bytes and FLOPs (tfc.cost) for roofline reports, and builds a cubin with
// ptxas when the CUDA toolkit is present.
//
//===----------------------------------------------------------------------===//

#include "tfc/Target/Passes.h"

#include "tfc/ArtifactWriter.h"
#include "tfc/Conversion/Passes.h"
#include "tfc/Dialect/TfcDialect.h"
#include "tfc/Import/OnnxImporter.h"
#include "tfc/Passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_SERIALIZEARTIFACT
#include "tfc/Target/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;
using namespace mlir::tfc;
namespace artifact = ::tfc::artifact;

/// The artifact dtype of an element type, if it has one.
static std::optional<artifact::DType> toDType(Type type) {
  if (type.isF32())
    return artifact::DType::F32;
  if (type.isF16())
    return artifact::DType::F16;
  if (type.isBF16())
    return artifact::DType::BF16;
  if (type.isInteger(64))
    return artifact::DType::I64;
  if (type.isInteger(32))
    return artifact::DType::I32;
  if (type.isInteger(8))
    return artifact::DType::I8;
  if (type.isInteger(1))
    return artifact::DType::Bool;
  return std::nullopt;
}

/// A launch's tfc.cost (tfc-lower-fusions-to-kernels) as the artifact's
/// launch cost; failure when a field is missing or out of range.
static FailureOr<artifact::LaunchCost> toLaunchCost(DictionaryAttr cost) {
  auto family = cost.getAs<StringAttr>("family");
  auto name = cost.getAs<StringAttr>("name");
  auto bytes = cost.getAs<IntegerAttr>("hbm_bytes");
  auto vector = cost.getAs<FloatAttr>("vector_flops");
  auto matrix = cost.getAs<FloatAttr>("matrix_flops");
  if (!family || family.getValue().empty() || !name || !bytes ||
      bytes.getInt() <= 0 || !vector || !matrix ||
      !(vector.getValueAsDouble() >= 0) || !(matrix.getValueAsDouble() >= 0) ||
      vector.getValueAsDouble() >= 1e19 || matrix.getValueAsDouble() >= 1e19)
    return failure();
  artifact::LaunchCost out;
  out.family = family.str();
  out.name = name.str();
  out.hbmBytes = bytes.getInt();
  out.vectorFlops = static_cast<uint64_t>(vector.getValueAsDouble() + 0.5);
  out.matrixFlops = static_cast<uint64_t>(matrix.getValueAsDouble() + 0.5);
  if (out.matrixFlops > 0) {
    auto type = cost.getAs<TypeAttr>("matrix_type");
    std::optional<artifact::DType> dtype =
        type ? toDType(type.getValue()) : std::nullopt;
    if (!dtype)
      return failure();
    out.matrixDtype = *dtype;
  }
  return out;
}

/// The bytes of an elements attribute in C order (i1 as one byte each).
static FailureOr<std::string> elementsToBytes(ElementsAttr attr) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> data = blob->getData();
    return std::string(data.data(), data.size());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  Type element = dense.getElementType();
  int64_t count = dense.getNumElements();
  if (element.isInteger(1)) {
    std::string bytes;
    bytes.reserve(count);
    for (bool b : dense.getValues<bool>())
      bytes.push_back(b ? 1 : 0);
    return bytes;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat())
    return std::string(raw.data(), raw.size());
  std::string bytes;
  bytes.reserve(raw.size() * count);
  for (int64_t i = 0; i < count; ++i)
    bytes.append(raw.data(), raw.size());
  return bytes;
}

static std::vector<int64_t> shapeOf(MemRefType type) {
  return std::vector<int64_t>(type.getShape().begin(), type.getShape().end());
}

static uint64_t byteSize(MemRefType type) {
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * std::max<int64_t>(bits / 8, 1);
}

/// Finds ptxas for the `auto` mode.
static std::optional<std::string> findPtxas() {
  if (const char *home = std::getenv("CUDA_HOME")) {
    SmallString<256> path(home);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      return std::string(path);
  }
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return std::string("/usr/local/cuda/bin/ptxas");
  if (auto found = llvm::sys::findProgramByName("ptxas"))
    return *found;
  return std::nullopt;
}

/// Runs ptxas on `ptx` for `arch`; returns the cubin or an error message.
static FailureOr<std::string> runPtxas(StringRef ptxas, StringRef arch,
                                       StringRef ptx, std::string &error) {
  SmallString<128> ptxPath, cubinPath, logPath;
  if (llvm::sys::fs::createTemporaryFile("tfc", "ptx", ptxPath) ||
      llvm::sys::fs::createTemporaryFile("tfc", "cubin", cubinPath) ||
      llvm::sys::fs::createTemporaryFile("tfc", "log", logPath)) {
    error = "cannot create temporary files for ptxas";
    return failure();
  }
  auto cleanup = llvm::make_scope_exit([&] {
    llvm::sys::fs::remove(ptxPath);
    llvm::sys::fs::remove(cubinPath);
    llvm::sys::fs::remove(logPath);
  });
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(ptxPath, ec);
    if (ec) {
      error = "cannot write " + ptxPath.str().str() + ": " + ec.message();
      return failure();
    }
    out << ptx;
  }
  std::string archFlag = ("-arch=" + arch).str();
  SmallVector<StringRef> args = {ptxas, archFlag, "-O3", ptxPath, "-o",
                                 cubinPath};
  std::optional<StringRef> redirects[] = {std::nullopt, logPath.str(),
                                          logPath.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/300, 0, &execError);
  if (rc != 0) {
    auto log = llvm::MemoryBuffer::getFile(logPath);
    error = (ptxas + " failed (exit " + Twine(rc) + ")" +
             (execError.empty() ? "" : ": " + execError) + ": " +
             (log ? (*log)->getBuffer().trim() : StringRef("")))
                .str();
    return failure();
  }
  auto cubin = llvm::MemoryBuffer::getFile(cubinPath, /*IsText=*/false);
  if (!cubin) {
    error = "ptxas wrote no cubin";
    return failure();
  }
  return (*cubin)->getBuffer().str();
}

namespace {
struct SerializeArtifactPass
    : mlir::tfc::impl::SerializeArtifactBase<SerializeArtifactPass> {
  using SerializeArtifactBase::SerializeArtifactBase;

  void runOnOperation() override {
    if (path.empty()) {
      getOperation().emitError()
          << "tfc-serialize-artifact needs path=<file.tfcm>";
      return signalPassFailure();
    }
    if (failed(serialize()))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }

  LogicalResult serialize();
  LogicalResult checkExternalWeightsFile();
  FailureOr<uint32_t> addExternalWeight(artifact::ArtifactWriter &writer,
                                        memref::GlobalOp global,
                                        const std::string &name,
                                        artifact::DType dtype);
  FailureOr<std::optional<artifact::DType>>
  storedDType(memref::GlobalOp global);
  LogicalResult addKernels(artifact::ArtifactWriter &writer, StringRef arch,
                           llvm::StringMap<uint32_t> &kernelIndex);
};
} // namespace

LogicalResult
SerializeArtifactPass::addKernels(artifact::ArtifactWriter &writer,
                                  StringRef arch,
                                  llvm::StringMap<uint32_t> &kernelIndex) {
  ModuleOp module = getOperation();
  auto binary = module.lookupSymbol<gpu::BinaryOp>(kKernelModuleName);
  if (!binary)
    return module.emitError()
           << "no gpu.binary @" << kKernelModuleName
           << " to serialize; run gpu-module-to-binary{format=isa} first";
  std::optional<std::string> ptx;
  for (Attribute attr : binary.getObjects()) {
    auto object = cast<gpu::ObjectAttr>(attr);
    if (object.getFormat() == gpu::CompilationTarget::Assembly)
      ptx = object.getObject().getValue().str();
  }
  if (!ptx)
    return binary.emitError() << "holds no PTX object; run "
                                 "gpu-module-to-binary with format=isa";
  // PTX text ends at the first NUL.
  if (size_t nul = ptx->find('\0'); nul != std::string::npos)
    ptx->resize(nul);
  // Math functions come from libdevice; PTX that still declares one was
  // built without it and cannot be loaded.
  for (StringRef line : llvm::split(*ptx, '\n')) {
    line = line.trim();
    if (line.starts_with(".extern .func") && line.contains("__nv_"))
      return binary.emitError()
             << "the kernels call libdevice functions that were not linked ("
             << line.substr(line.find("__nv_")).take_until([](char c) {
                  return c == ' ' || c == '(';
                })
             << "); the CUDA toolkit's nvvm/libdevice was not found: set "
                "CUDA_HOME or the cuda-path option of tfc-compile";
  }
  uint32_t moduleIndex = writer.addModule(kKernelModuleName.str());

  std::optional<std::string> ptxasPath;
  if (ptxas == "auto")
    ptxasPath = findPtxas();
  else if (ptxas != "none")
    ptxasPath = ptxas;
  if (ptxasPath) {
    std::string error;
    FailureOr<std::string> cubin = runPtxas(*ptxasPath, arch, *ptx, error);
    if (failed(cubin))
      return binary.emitError() << "building the cubin for " << arch
                                << " failed: " << error;
    writer.addModuleImage(moduleIndex, arch.str(), artifact::ImageFormat::Cubin,
                          std::move(*cubin));
  }
  // PTX always travels too, so newer GPUs can JIT it.
  writer.addModuleImage(moduleIndex, arch.str(), artifact::ImageFormat::Ptx,
                        *ptx);

  // Kernel names in launch order are added lazily by the caller; record the
  // entry names the PTX declares so a typo is caught here, not at load time.
  for (StringRef line : llvm::split(*ptx, '\n')) {
    line = line.trim();
    if (!line.consume_front(".visible .entry "))
      continue;
    StringRef name = line.take_until([](char c) { return c == '('; }).trim();
    kernelIndex[name] = writer.addKernel(name.str(), moduleIndex);
  }
  return success();
}

/// The runtime finds external files beside the artifact: a safetensors file
/// named by a relative path that stays in its folder.
LogicalResult SerializeArtifactPass::checkExternalWeightsFile() {
  if (externalWeightsFile.empty())
    return success();
  StringRef file = externalWeightsFile;
  if (!file.ends_with(".safetensors"))
    return getOperation().emitError()
           << "external-weights-file '" << file
           << "' is not a .safetensors file; external weights are bound "
              "from it by tensor name (ONNX external data needs no option: "
              "the model records each weight's file and offset)";
  namespace path = llvm::sys::path;
  if (path::is_absolute(file) ||
      llvm::is_contained(llvm::make_range(path::begin(file), path::end(file)),
                         ".."))
    return getOperation().emitError()
           << "external-weights-file '" << file
           << "' must be a path relative to the artifact's folder without "
              "'..' (the runtime looks for it beside the artifact; tfc-run "
              "--weights binds a file elsewhere)";
  return success();
}

/// The dtype an external weight's file stores when it is not the weight's
/// own (tfc.stored_element_type, set by tfc-fold-weight-casts): the runtime
/// converts it at load, between f32, f16 and bf16 only.
FailureOr<std::optional<artifact::DType>>
SerializeArtifactPass::storedDType(memref::GlobalOp global) {
  Attribute attr = global->getAttr(kStoredElementTypeAttr);
  if (!attr)
    return std::optional<artifact::DType>();
  auto typeAttr = dyn_cast<TypeAttr>(attr);
  if (!typeAttr)
    return global.emitOpError()
           << "has " << kStoredElementTypeAttr << " = " << attr
           << "; expected an element type (f32, f16 or bf16)";
  if (!global->hasAttr(kExternalAttr))
    return global.emitOpError()
           << "has " << kStoredElementTypeAttr << " = " << typeAttr
           << " but is not an external weight; only weights bound at load "
              "time are converted there";
  Type stored = typeAttr.getValue();
  Type element = global.getType().getElementType();
  auto isConvertible = [](Type t) {
    return t.isF32() || t.isF16() || t.isBF16();
  };
  if (!isConvertible(stored) || !isConvertible(element))
    return global.emitOpError()
           << "is stored as " << stored << " but has element type " << element
           << "; the runtime converts weights at load only between f32, f16 "
              "and bf16";
  if (stored == element)
    return std::optional<artifact::DType>();
  return toDType(stored);
}

/// An external weight: a safetensors tensor by name when the option names
/// the file, else the bytes at the offset of its ONNX external-data file.
/// A weight its file stores in another float type records that type.
FailureOr<uint32_t> SerializeArtifactPass::addExternalWeight(
    artifact::ArtifactWriter &writer, memref::GlobalOp global,
    const std::string &name, artifact::DType dtype) {
  std::vector<int64_t> shape = shapeOf(global.getType());
  if (!externalWeightsFile.empty())
    return writer.addSafetensorsWeight(name, dtype, shape,
                                       externalWeightsFile, name);
  auto onnxData = global->getAttrOfType<DictionaryAttr>(kOnnxExternalDataAttr);
  if (!onnxData)
    return global.emitOpError()
           << "is an external weight ('" << name
           << "') without an ONNX external-data location; give tfc-compile "
              "external-weights-file=FILE.safetensors to bind it by name when "
              "the artifact is loaded";
  auto location = onnxData.getAs<StringAttr>("location");
  auto offset = onnxData.getAs<IntegerAttr>("offset");
  if (!location || location.getValue().empty() || !offset ||
      offset.getInt() < 0)
    return global.emitOpError()
           << "has a malformed " << kOnnxExternalDataAttr << " " << onnxData
           << "; expected {location = \"file\", offset = N : i64}";
  return writer.addExternalWeight(name, dtype, shape, location.str(), name,
                                  static_cast<uint64_t>(offset.getInt()));
}

LogicalResult SerializeArtifactPass::serialize() {
  ModuleOp module = getOperation();
  auto target =
      module->getAttrOfType<TargetAttr>(TargetAttr::getModuleAttrName());
  if (!target)
    return module.emitError() << "module has no tfc.target";
  std::string arch = target.getArch().str();
  artifact::ArtifactWriter writer(arch);
  if (failed(checkExternalWeightsFile()))
    return failure();
  // tfc-shard-tensor-parallel's rank of the group.
  if (auto tp = module->getAttrOfType<DictionaryAttr>("tfc.tensor_parallel")) {
    auto rank = tp.getAs<IntegerAttr>("rank");
    auto ranks = tp.getAs<IntegerAttr>("ranks");
    if (!rank || !ranks || ranks.getInt() < 2 || ranks.getInt() > 0xffff ||
        rank.getInt() < 0 || rank.getInt() >= ranks.getInt())
      return module.emitError()
             << "tfc.tensor_parallel must hold rank and ranks with 0 <= "
                "rank < ranks <= 65535, got "
             << tp;
    writer.setTensorParallel(rank.getInt(), ranks.getInt());
  }

  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isDeclaration()) {
      if (entry)
        return func.emitError() << "a second host function; an artifact "
                                   "holds exactly one entry point";
      entry = func;
    }
  if (!entry)
    return module.emitError() << "no host function to serialize";

  llvm::StringMap<uint32_t> kernelIndex;
  if (failed(addKernels(writer, arch, kernelIndex)))
    return failure();

  // Inputs and outputs.
  llvm::DenseMap<Value, artifact::BufferRef> refs;
  for (BlockArgument arg : entry.getArguments()) {
    auto type = dyn_cast<MemRefType>(arg.getType());
    auto dtype = type ? toDType(type.getElementType()) : std::nullopt;
    if (!dtype)
      return entry.emitError() << "argument " << arg.getArgNumber()
                               << " has unsupported type " << arg.getType();
    auto name = entry.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kNameAttr);
    std::string nameStr =
        name ? name.str() : "arg" + std::to_string(arg.getArgNumber());
    if (entry.getArgAttr(arg.getArgNumber(), kOutputAttr))
      refs[arg] = artifact::BufferRef::output(
          writer.addOutput(nameStr, *dtype, shapeOf(type)));
    else
      refs[arg] = artifact::BufferRef::input(
          writer.addInput(nameStr, *dtype, shapeOf(type)));
  }

  llvm::StringMap<uint32_t> weightIndex;
  auto addWeight = [&](memref::GetGlobalOp get) -> FailureOr<uint32_t> {
    auto found = weightIndex.find(get.getName());
    if (found != weightIndex.end())
      return found->second;
    auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
    if (!global)
      return get.emitOpError() << "refers to a missing global";
    MemRefType type = global.getType();
    auto dtype = toDType(type.getElementType());
    if (!dtype)
      return global.emitOpError() << "has unsupported element type "
                                  << type.getElementType();
    auto name = global->getAttrOfType<StringAttr>(kNameAttr);
    std::string nameStr = name ? name.str() : global.getSymName().str();
    FailureOr<std::optional<artifact::DType>> stored = storedDType(global);
    if (failed(stored))
      return failure();
    uint32_t index;
    if (global->hasAttr(kExternalAttr)) {
      FailureOr<uint32_t> external =
          addExternalWeight(writer, global, nameStr, *dtype);
      if (failed(external))
        return failure();
      index = *external;
      if (*stored)
        writer.setWeightSourceDType(index, **stored);
    } else {
      auto init = dyn_cast_if_present<ElementsAttr>(global.getInitialValueAttr());
      if (!init)
        return global.emitOpError() << "has no initial value";
      FailureOr<std::string> bytes = elementsToBytes(init);
      if (failed(bytes) || bytes->size() != byteSize(type))
        return global.emitOpError()
               << "initial value could not be read as " << byteSize(type)
               << " bytes (a dense_resource blob missing from the file?)";
      index = writer.addInlineWeight(nameStr, *dtype, shapeOf(type),
                                     std::move(*bytes));
    }
    weightIndex[get.getName()] = index;
    return index;
  };

  // tfc.tensor_map results: the tensor-map arguments they become.
  llvm::DenseMap<Value, artifact::KernelArg> tensorMaps;
  Block &body = entry.getBody().front();
  for (Operation &op : body) {
    if (isa<arith::ConstantOp, func::ReturnOp>(op))
      continue;
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      if (!alloc->hasAttr(kArenaAttr))
        return alloc.emitOpError() << "is not placed in the arena; run "
                                      "tfc-plan-memory first";
      writer.setArena(alloc.getType().getNumElements());
      continue;
    }
    if (auto view = dyn_cast<memref::ViewOp>(op)) {
      std::optional<int64_t> offset = getConstantIntValue(view.getByteShift());
      if (!offset || !view.getSource().getDefiningOp<memref::AllocOp>())
        return view.emitOpError() << "is not a constant-offset view of the "
                                     "arena";
      refs[view] = artifact::BufferRef::arena(*offset, byteSize(view.getType()));
      continue;
    }
    if (auto get = dyn_cast<memref::GetGlobalOp>(op)) {
      FailureOr<uint32_t> index = addWeight(get);
      if (failed(index))
        return failure();
      refs[get] = artifact::BufferRef::weight(*index);
      continue;
    }
    if (auto cast = dyn_cast<memref::ReinterpretCastOp>(op)) {
      if (cast.getStaticOffsets().size() != 1 || cast.getStaticOffsets()[0] != 0)
        return cast.emitOpError() << "views must start at offset 0";
      refs[cast] = refs.lookup(cast.getSource());
      continue;
    }
    if (auto allReduce = dyn_cast<AllReduceInPlaceOp>(op)) {
      auto type = cast<MemRefType>(allReduce.getBuffer().getType());
      std::optional<artifact::DType> dtype = toDType(type.getElementType());
      auto found = refs.find(allReduce.getBuffer());
      if (!dtype || found == refs.end())
        return allReduce.emitOpError()
               << "needs a buffer of the launch program with a float "
                  "element type";
      writer.addAllReduce(found->second, byteSize(type), *dtype);
      continue;
    }
    if (auto map = dyn_cast<TensorMapOp>(op)) {
      // Becomes a tensor-map argument of the launch that passes it.
      auto type = cast<MemRefType>(map.getBuffer().getType());
      std::optional<artifact::DType> dtype = toDType(type.getElementType());
      auto found = refs.find(map.getBuffer());
      ArrayRef<int64_t> shape = map.getShape(), box = map.getBox();
      int64_t elements = 1;
      for (int64_t d : shape)
        elements *= d;
      if (!dtype || found == refs.end() || shape.empty() ||
          shape.size() > TFCM_TENSOR_MAP_MAX_RANK ||
          box.size() != shape.size() || elements != type.getNumElements() ||
          llvm::any_of(shape, [](int64_t d) { return d <= 0; }) ||
          llvm::any_of(box, [](int64_t d) { return d <= 0 || d > 256; }))
        return map.emitOpError()
               << "needs a buffer of the launch program and a shape of 1 to "
               << TFCM_TENSOR_MAP_MAX_RANK
               << " positive dims holding its elements, with a box of as "
                  "many dims of 1 to 256";
      tensorMaps[map] = artifact::KernelArg::tensorMapOf(
          found->second,
          artifact::TensorMapSpec::rowMajor(*dtype, shape.vec(), box.vec()));
      continue;
    }
    if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      auto type = cast<MemRefType>(copy.getSource().getType());
      writer.addCopy(refs.lookup(copy.getSource()),
                     refs.lookup(copy.getTarget()), byteSize(type));
      continue;
    }
    if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
      StringRef name = launch.getKernelName();
      auto found = kernelIndex.find(name);
      if (found == kernelIndex.end())
        return launch.emitOpError() << "launches '" << name
                                    << "', which the PTX does not define";
      auto dim = [&](Value v) -> std::optional<uint32_t> {
        std::optional<int64_t> c = getConstantIntValue(v);
        if (!c || *c <= 0 || *c > UINT32_MAX)
          return std::nullopt;
        return static_cast<uint32_t>(*c);
      };
      gpu::KernelDim3 g = launch.getGridSizeOperandValues();
      gpu::KernelDim3 b = launch.getBlockSizeOperandValues();
      auto gx = dim(g.x), gy = dim(g.y), gz = dim(g.z);
      auto bx = dim(b.x), by = dim(b.y), bz = dim(b.z);
      if (!gx || !gy || !gz || !bx || !by || !bz)
        return launch.emitOpError() << "needs constant, positive grid and "
                                       "block sizes";
      uint32_t smem = 0;
      if (Value s = launch.getDynamicSharedMemorySize()) {
        std::optional<int64_t> c = getConstantIntValue(s);
        if (!c || *c < 0)
          return launch.emitOpError() << "needs a constant shared memory size";
        smem = *c;
      }
      std::vector<artifact::KernelArg> args;
      for (Value operand : launch.getKernelOperands()) {
        if (auto map = tensorMaps.find(operand); map != tensorMaps.end()) {
          args.push_back(map->second);
          continue;
        }
        auto found = refs.find(operand);
        if (found == refs.end())
          return launch.emitOpError()
                 << "argument of type " << operand.getType()
                 << " is not a buffer of the launch program";
        args.push_back(artifact::KernelArg::buffer(found->second));
      }
      uint32_t launchIndex =
          writer.addKernelLaunch(found->second, {*gx, *gy, *gz},
                                 {*bx, *by, *bz}, smem, std::move(args));
      if (auto cost = launch->getAttrOfType<DictionaryAttr>(kLaunchCostAttr)) {
        FailureOr<artifact::LaunchCost> decoded = toLaunchCost(cost);
        if (failed(decoded))
          return launch.emitOpError()
                 << "has a malformed '" << kLaunchCostAttr << "' " << cost
                 << "; expected {family, name, hbm_bytes > 0, vector_flops, "
                    "matrix_flops >= 0[, matrix_type]}";
        writer.setLaunchCost(launchIndex, std::move(*decoded));
      }
      continue;
    }
    return op.emitOpError() << "cannot be serialized into an artifact: the "
                               "runtime executes only kernel launches, "
                               "copies and all-reduces";
  }

  std::string error;
  if (!writer.writeFile(path, error))
    return module.emitError() << "cannot write artifact '" << path
                              << "': " << error;
  return success();
}
