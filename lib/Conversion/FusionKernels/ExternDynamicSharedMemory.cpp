//===- ExternDynamicSharedMemory.cpp - the dynamic shared memory region ---===//
//
// tfc-extern-dynamic-shared-memory (Passes.td): after convert-gpu-to-nvvm,
// the kernels' gpu.dynamic_shared_memory is a zero-length internal global in
// address space 3, which NVPTX demotes to a one-byte static `.shared`
// variable that overlaps the kernel's other shared variables. Making it
// external gives `.extern .shared .align 1024 .b8 name[]`: the dynamic
// region the launch sizes, after the static variables, aligned for TMA's
// 128-byte swizzle (shared/notes/mlir22-gpu-codegen.md).
//
//===----------------------------------------------------------------------===//

#include "tfc/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tfc {
#define GEN_PASS_DEF_EXTERNDYNAMICSHAREDMEMORY
#include "tfc/Conversion/Passes.h.inc"
} // namespace mlir::tfc

using namespace mlir;

/// Alignment of the dynamic region: what TMA with 128-byte swizzle needs.
static constexpr uint64_t kDynamicSharedAlignment = 1024;

/// The NVVM address space of shared memory.
static constexpr unsigned kSharedAddressSpace = 3;

namespace {
struct ExternDynamicSharedMemoryPass
    : tfc::impl::ExternDynamicSharedMemoryBase<ExternDynamicSharedMemoryPass> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::GlobalOp global) {
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      if (global.getAddrSpace() != kSharedAddressSpace || !array ||
          array.getNumElements() != 0)
        return;
      global.setLinkage(LLVM::Linkage::External);
      global.setAlignment(kDynamicSharedAlignment);
    });
  }
};
} // namespace
