//===- Passes.h - tfc conversion passes -------------------------*- C++ -*-===//
//
// Declarations and registration of the conversion passes (Passes.td).
//
//===----------------------------------------------------------------------===//

#ifndef TFC_CONVERSION_PASSES_H
#define TFC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tfc {

#define GEN_PASS_DECL
#include "tfc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tfc/Conversion/Passes.h.inc"

/// Attribute names of the host-side buffer program, shared by the lowering,
/// the memory planner and the artifact writer.
inline constexpr llvm::StringLiteral kNameAttr = "tfc.name";
inline constexpr llvm::StringLiteral kOutputAttr = "tfc.output";
inline constexpr llvm::StringLiteral kExternalAttr = "tfc.external";
inline constexpr llvm::StringLiteral kArenaAttr = "tfc.arena";
/// On a gpu.launch_func: the cost model's prediction for its kernel
/// ({family, name, hbm_bytes, vector_flops, matrix_flops[, matrix_type]}),
/// which tfc-serialize-artifact writes as the launch's cost (format v6).
inline constexpr llvm::StringLiteral kLaunchCostAttr = "tfc.cost";
inline constexpr llvm::StringLiteral kKernelModuleName = "tfc_kernels";

} // namespace mlir::tfc

#endif // TFC_CONVERSION_PASSES_H
